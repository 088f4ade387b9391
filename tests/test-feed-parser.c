/* test-feed-parser.c: tests for reading RSS, RDF, Atom and JSON Feed documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-feed-parser"

#include "config.h"

#include <string.h>

#include "mw-demo-feeds.h"
#include "mw-feed-parser.h"

#define BASE_URL "https://example.org/feed.xml"
#define DERIVED_PREFIX "meanwhile:sha1:"

/* The bounds the parser promises; a hostile feed must not get past them. */
#define TITLE_MAX_BYTES (2 * 1024)
#define TEXT_MAX_BYTES  (8 * 1024)
#define HTML_MAX_BYTES  (1024 * 1024)
#define URL_MAX_BYTES   (8 * 1024)
#define ID_MAX_BYTES    512
#define MAX_ITEMS       100000

typedef struct
{
  const char *id;
  const char *title;
  const char *link;
  const char *author;
  gint64      published;
  gint64      updated;
  const char *summary;
  const char *content;
} ExpectedItem;

static void
assert_http_url (const char *url)
{
  if (url == NULL)
    return;

  g_assert_true (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"));
  g_assert_cmpuint (strlen (url), <=, URL_MAX_BYTES);
  g_assert_null (strchr (url, ' '));
  g_assert_null (strchr (url, '"'));
  g_assert_null (strchr (url, '<'));
}

static void
assert_text (const char *text,
             gsize       max,
             gboolean    one_line)
{
  if (text == NULL)
    return;

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpuint (strlen (text), <=, max);
  if (one_line)
    {
      g_assert_cmpuint (strlen (text), >, 0);
      for (const char *p = text; *p != '\0'; p++)
        g_assert_cmpint ((guchar) *p, >=, 0x20);
      g_assert_cmpint (text[0], !=, ' ');
      g_assert_cmpint (text[strlen (text) - 1], !=, ' ');
    }
}

/* What every parsed feed must satisfy, whatever it was made from. */
static void
assert_feed_sane (const MwParsedFeed *feed)
{
  g_assert_nonnull (feed);
  g_assert_cmpint (feed->format, >=, MW_FEED_FORMAT_RSS);
  g_assert_cmpint (feed->format, <=, MW_FEED_FORMAT_JSON);
  assert_text (feed->title, TITLE_MAX_BYTES, TRUE);
  assert_text (feed->description, TEXT_MAX_BYTES, TRUE);
  assert_http_url (feed->link);
  assert_http_url (feed->icon_url);
  assert_text (feed->problem, 1024, TRUE);
  g_assert_nonnull (feed->items);
  g_assert_cmpuint (feed->items->len, <=, MAX_ITEMS);

  for (guint i = 0; i < feed->items->len; i++)
    {
      MwParsedItem *item = g_ptr_array_index (feed->items, i);

      g_assert_nonnull (item->id);
      assert_text (item->id, ID_MAX_BYTES, TRUE);
      assert_text (item->title, TITLE_MAX_BYTES, TRUE);
      assert_text (item->author, TITLE_MAX_BYTES, TRUE);
      assert_http_url (item->link);
      assert_text (item->summary, HTML_MAX_BYTES, FALSE);
      assert_text (item->content, HTML_MAX_BYTES, FALSE);
      g_assert_nonnull (item->enclosures);
      for (guint j = 0; j < item->enclosures->len; j++)
        {
          MwEnclosure *enclosure = g_ptr_array_index (item->enclosures, j);

          g_assert_nonnull (enclosure->url);
          assert_http_url (enclosure->url);
          assert_text (enclosure->type, 255, TRUE);
          if (enclosure->type != NULL)
            g_assert_nonnull (strchr (enclosure->type, '/'));
          g_assert_true (enclosure->length == -1 || enclosure->length > 0);
        }
    }
}

static GBytes *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "feeds", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

/* Parses, and checks the invariants whichever way it went. */
static MwParsedFeed *
parse_checked (const guint8 *data,
               gsize         length,
               const char   *content_type,
               const char   *base_url,
               GError      **error)
{
  MwParsedFeed *feed = mw_feed_parse (data, length, content_type, base_url, error);

  if (feed != NULL)
    {
      assert_feed_sane (feed);
    }
  else
    {
      g_assert_true (error == NULL || *error != NULL);
      if (error != NULL)
        {
          g_assert_true ((*error)->domain == MW_FEED_ERROR);
          g_assert_true (g_utf8_validate ((*error)->message, -1, NULL));
          g_assert_cmpuint (strlen ((*error)->message), >, 0);
        }
    }

  return feed;
}

static MwParsedFeed *
parse_string (const char  *text,
              const char  *content_type,
              GError     **error)
{
  return parse_checked ((const guint8 *) text, strlen (text), content_type, BASE_URL, error);
}

static MwParsedFeed *
parse_fixture_full (const char *name,
                    const char *content_type,
                    const char *base_url)
{
  g_autoptr(GBytes) bytes = load_fixture (name);
  g_autoptr(GError) error = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  MwParsedFeed *feed;

  g_test_message ("Parsing %s", name);
  feed = parse_checked (data, length, content_type, base_url, &error);
  g_assert_no_error (error);
  g_assert_nonnull (feed);

  return feed;
}

static MwParsedFeed *
parse_fixture (const char *name)
{
  return parse_fixture_full (name, NULL, BASE_URL);
}

static void
assert_fixture_error (const char *name,
                      const char *content_type,
                      MwFeedError code)
{
  g_autoptr(GBytes) bytes = load_fixture (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  feed = parse_checked (data, length, content_type, BASE_URL, &error);
  g_assert_null (feed);
  g_assert_error (error, MW_FEED_ERROR, (int) code);
}

static MwParsedItem *
item_at (const MwParsedFeed *feed,
         guint               index)
{
  g_assert_cmpuint (index, <, feed->items->len);
  return g_ptr_array_index (feed->items, index);
}

static void
assert_items (const MwParsedFeed *feed,
              const ExpectedItem *expected,
              gsize               n_expected)
{
  g_assert_cmpuint (feed->items->len, ==, n_expected);

  for (gsize i = 0; i < n_expected; i++)
    {
      MwParsedItem *item = item_at (feed, i);

      g_test_message ("Item %" G_GSIZE_FORMAT ": %s", i, expected[i].id);
      g_assert_cmpstr (item->id, ==, expected[i].id);
      g_assert_cmpstr (item->title, ==, expected[i].title);
      g_assert_cmpstr (item->link, ==, expected[i].link);
      g_assert_cmpstr (item->author, ==, expected[i].author);
      g_assert_cmpint (item->published, ==, expected[i].published);
      g_assert_cmpint (item->updated, ==, expected[i].updated);
      g_assert_cmpstr (item->summary, ==, expected[i].summary);
      g_assert_cmpstr (item->content, ==, expected[i].content);
    }
}

static void
assert_enclosure (const MwParsedFeed *feed,
                  guint               item_index,
                  guint               index,
                  const char         *url,
                  const char         *type,
                  gint64              length)
{
  MwParsedItem *item = item_at (feed, item_index);
  MwEnclosure *enclosure;

  g_assert_cmpuint (index, <, item->enclosures->len);
  enclosure = g_ptr_array_index (item->enclosures, index);
  g_assert_cmpstr (enclosure->url, ==, url);
  g_assert_cmpstr (enclosure->type, ==, type);
  g_assert_cmpint (enclosure->length, ==, length);
}

static void
assert_feed (const MwParsedFeed *feed,
             MwFeedFormat        format,
             const char         *title,
             const char         *link,
             const char         *description,
             const char         *icon_url)
{
  g_assert_cmpint (feed->format, ==, format);
  g_assert_cmpstr (feed->title, ==, title);
  g_assert_cmpstr (feed->link, ==, link);
  g_assert_cmpstr (feed->description, ==, description);
  g_assert_cmpstr (feed->icon_url, ==, icon_url);
}

/* Formats */

static void
test_rss2_basic (void)
{
  static const ExpectedItem expected[] = {
    { "https://news.example.com/?p=1", "First post", "https://news.example.com/2024/03/first-post",
      "Jane Doe", 1709285400, 0, "The very first post.", "The very first post." },
    { "tag:news.example.com,2024:2", "Second post", "https://news.example.com/2024/03/second-post",
      "john@example.com", 1709398800, 0,
      "<p>Some <b>HTML</b> here.</p>", "<p>Some <b>HTML</b> here.</p>" },
    /* No link: the guid is a permalink. */
    { "https://news.example.com/2024/03/third-post", "Third post, with a podcast",
      "https://news.example.com/2024/03/third-post", NULL, 1709468130, 0,
      "Listen to this.", "Listen to this." },
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("rss2-basic.xml");

  assert_feed (feed, MW_FEED_FORMAT_RSS, "Example News", "https://news.example.com/",
               "Everything that happens at Example, every day.",
               "https://news.example.com/logo.png");
  g_assert_null (feed->problem);
  assert_items (feed, expected, G_N_ELEMENTS (expected));
  g_assert_cmpuint (item_at (feed, 0)->enclosures->len, ==, 0);
  g_assert_cmpuint (item_at (feed, 2)->enclosures->len, ==, 1);
  assert_enclosure (feed, 2, 0, "https://media.example.com/episode3.mp3", "audio/mpeg", 12345678);
}

static void
test_rss2_content_encoded (void)
{
  static const ExpectedItem expected[] = {
    { "https://blog.example.net/?p=10", "Full text", "https://blog.example.net/full-text",
      "Ann Author", 1709632800, 0, "A short summary\xe2\x80\xa6",
      "<p>The <em>whole</em> article.</p>" },
    /* dc:creator, a name, wins over the RSS author, an address. */
    { "https://blog.example.net/?p=11", "Summary only", "https://blog.example.net/summary-only",
      "Bob Writer", 1709719200, 0, "<p>Only a description.</p>", "<p>Only a description.</p>" },
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("rss2-content-encoded.xml");

  assert_feed (feed, MW_FEED_FORMAT_RSS, "A Blog", "https://blog.example.net", "Thoughts", NULL);
  assert_items (feed, expected, G_N_ELEMENTS (expected));
}

static void
test_rss2_undeclared_prefix (void)
{
  static const ExpectedItem expected[] = {
    { DERIVED_PREFIX "2c9530e43fbd8b4728f65e17284631bfa4971aa4", "Prefixes without namespaces",
      "http://careless.example.org/1", "Casey", 0, 0, "Short.", "<p>Long.</p>" },
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("rss2-undeclared-prefix.xml");

  assert_feed (feed, MW_FEED_FORMAT_RSS, "Careless Generator", "http://careless.example.org/",
               NULL, NULL);
  g_assert_null (feed->problem);
  assert_items (feed, expected, G_N_ELEMENTS (expected));
}

static void
test_rss2_wrong_namespace (void)
{
  static const ExpectedItem expected[] = {
    { "https://wrongns.example.com/1", "Still an RSS item", "https://wrongns.example.com/1", "Nora",
      1709285400, 0, NULL, NULL },
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("rss2-wrong-namespace.xml");

  assert_feed (feed, MW_FEED_FORMAT_RSS, "Wrong Default Namespace", "https://wrongns.example.com/",
               "RSS elements that claim to be Atom", NULL);
  assert_items (feed, expected, G_N_ELEMENTS (expected));
}

static void
test_rss091 (void)
{
  static const ExpectedItem expected[] = {
    { DERIVED_PREFIX "ee1b54b0ba80933ccad85a3df3111792862458a6", "Caf\xc3\xa9 opens",
      "http://oldschool.example.com/news/cafe.html", NULL, 0, 0,
      "A new caf\xc3\xa9 opened downtown.", "A new caf\xc3\xa9 opened downtown." },
    { DERIVED_PREFIX "4074849763e288b4e8abec3c46e4f462b93c124c", "Weather",
      "http://oldschool.example.com/news/weather.html", NULL, 0, 0, NULL, NULL },
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("rss091.xml");

  assert_feed (feed, MW_FEED_FORMAT_RSS, "Old School", "http://oldschool.example.com/",
               "News since 1999 & counting", "http://oldschool.example.com/images/logo.gif");
  assert_items (feed, expected, G_N_ELEMENTS (expected));
}

static void
test_rdf (void)
{
  static const ExpectedItem expected[] = {
    { "http://rdf.example.org/articles/1", "Article one", "http://rdf.example.org/articles/1",
      "Rita Dalton", 1707552000, 0, "First description", "<p>First body</p>" },
    { "http://rdf.example.org/articles/2", "Article two", "http://rdf.example.org/articles/2",
      NULL, 1707636600, 0, NULL, NULL },
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("rdf.xml");

  assert_feed (feed, MW_FEED_FORMAT_RDF, "RDF Site", "http://rdf.example.org/", "An RSS 1.0 feed",
               "http://rdf.example.org/images/logo.png");
  assert_items (feed, expected, G_N_ELEMENTS (expected));
}

static void
test_atom_basic (void)
{
  static const ExpectedItem expected[] = {
    { "tag:atom.example.com,2024:hello", "Hello Atom & friends",
      "https://atom.example.com/2024/hello", "Alice", 1711958400, 1711974615,
      "Plain summary & more", "<p>Hello, <b>world</b></p>" },
    /* No author: the feed's. */
    { "tag:atom.example.com,2024:xhtml", "XHTML content", "https://atom.example.com/2024/xhtml",
      "Feed Owner", 0, 1712044800, NULL,
      "<p>Inline <em>XHTML</em> &amp; an image: "
      "<img src=\"https://atom.example.com/pic.png\" alt=\"pic\"></p>" },
    /* The HTML alternate is preferred over the PDF one; type="text" is kept literally. */
    { "tag:atom.example.com,2024:paper", "Text <kept>", "https://atom.example.com/2024/paper",
      "Carol", 0, 1712120400, "Only a summary.", "Only a summary." },
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("atom-basic.xml");

  assert_feed (feed, MW_FEED_FORMAT_ATOM, "Atom Example", "https://atom.example.com/",
               "A fine feed", "https://atom.example.com/favicon.png");
  assert_items (feed, expected, G_N_ELEMENTS (expected));
  g_assert_cmpuint (item_at (feed, 0)->enclosures->len, ==, 1);
  assert_enclosure (feed, 0, 0, "https://atom.example.com/hello.ogg", "audio/ogg", 4242);
}

static void
test_atom_xml_base (void)
{
  static const ExpectedItem expected[] = {
    { "https://base.example.org/blog/2024/first", "Nested base",
      "https://base.example.org/blog/2024/first.html", NULL, 0, 1714521600, NULL,
      "<img src=\"https://base.example.org/media/a.png\"> <a href=\"#top\">top</a> "
      "<a href=\"https://base.example.org/other/page?x=1&amp;y=2\">other</a>" },
    { "https://base.example.org/blog/second", "Feed-level base only",
      "https://other.example.net/posts/second.html", NULL, 0, 1714608000,
      "<a href=\"https://base.example.org/blog/about\">about</a>",
      "<a href=\"https://base.example.org/blog/about\">about</a>" },
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("atom-xml-base.xml");

  assert_feed (feed, MW_FEED_FORMAT_ATOM, "Relative Atom", "https://base.example.org/blog/", NULL,
               "https://base.example.org/favicon.ico");
  assert_items (feed, expected, G_N_ELEMENTS (expected));
  assert_enclosure (feed, 1, 0, "https://base.example.org/audio/two.mp3", "audio/mpeg", -1);
}

static void
test_atom03 (void)
{
  static const ExpectedItem expected[] = {
    { "tag:atom03.example.com,2005:old", "Old entry", "http://atom03.example.com/2005/07/31/old",
      "Old Timer", 1122807600, 1122812969, NULL, "<p>Escaped</p>" },
    /* Base64 content is not text; the entry itself stays. */
    { "tag:atom03.example.com,2005:b64", "Base64", "http://atom03.example.com/2005/08/01/b64",
      NULL, 0, 0, NULL, NULL },
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("atom03.xml");

  assert_feed (feed, MW_FEED_FORMAT_ATOM, "Atom Zero Three", "http://atom03.example.com/",
               "Before 1.0", NULL);
  assert_items (feed, expected, G_N_ELEMENTS (expected));
}

static void
test_jsonfeed_11 (void)
{
  static const ExpectedItem expected[] = {
    { "https://json.example.org/2024/one", "First JSON item", "https://json.example.org/2024/one",
      "Item Author", 1717268400, 1717317000, "A summary",
      "<p>HTML <a href=\"https://json.example.org/tags/json\">content</a></p>" },
    /* A numeric id, an external URL, text content and the feed's author. */
    { "2", "Second & last", "https://elsewhere.example.com/article", "Feed Author", 1717372800, 0,
      NULL, "Just text <not html>" },
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("jsonfeed-1.1.json");

  assert_feed (feed, MW_FEED_FORMAT_JSON, "JSON Example", "https://json.example.org/",
               "A JSON Feed", "https://json.example.org/icon-512.png");
  assert_items (feed, expected, G_N_ELEMENTS (expected));
  g_assert_cmpuint (item_at (feed, 0)->enclosures->len, ==, 2);
  assert_enclosure (feed, 0, 0, "https://json.example.org/files/one.mp3", "audio/mpeg", 9876543);
  assert_enclosure (feed, 0, 1, "https://example.org/files/one.pdf", "application/pdf", -1);
}

/* Bytes that are not UTF-8 (Latin-1 here) do not lose the feed: they become U+FFFD. */
static void
test_jsonfeed_not_utf8 (void)
{
  static const char doc[] =
    "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"Caf\xe9\", \"items\": ["
    "{\"id\": \"1\", \"title\": \"Cr\xe8me br\xfbl\xe9" "e\", \"content_text\": \"ok\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = parse_string (doc, "application/feed+json", &error);

  g_assert_no_error (error);
  g_assert_cmpint (feed->format, ==, MW_FEED_FORMAT_JSON);
  g_assert_cmpstr (feed->title, ==, "Caf\xef\xbf\xbd");
  g_assert_cmpuint (feed->items->len, ==, 1);
  g_assert_cmpstr (item_at (feed, 0)->title, ==, "Cr\xef\xbf\xbdme br\xef\xbf\xbdl\xef\xbf\xbd" "e");
}

static void
test_jsonfeed_10 (void)
{
  static const ExpectedItem expected[] = {
    { DERIVED_PREFIX "9474abe42830cf88391a5eab1370891833d4b568", "No id here",
      "https://old.example.com/a", "Old Author", 0, 0, NULL, "Hello" },
    { "b", NULL, "https://old.example.com/b", "Guest Writer", 0, 0, NULL, "<p>Untitled</p>" },
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("jsonfeed-1.0.json");

  assert_feed (feed, MW_FEED_FORMAT_JSON, "Old JSON", "https://old.example.com", NULL,
               "https://old.example.com/favicon.ico");
  assert_items (feed, expected, G_N_ELEMENTS (expected));
}

/* Dates */

static void
test_dates_fixture (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("dates.xml");

  g_assert_cmpuint (feed->items->len, ==, 18);
  for (guint i = 0; i < feed->items->len; i++)
    {
      MwParsedItem *item = item_at (feed, i);
      gboolean unreadable = g_str_equal (item->title, "garbage") ||
                            g_str_equal (item->title, "empty");

      g_test_message ("Date case %s", item->title);
      /* Every other case is 2024-03-01 09:30:00 UTC, written some other way. */
      g_assert_cmpint (item->published, ==, unreadable ? 0 : 1709285400);
    }
}

static void
test_date_table (void)
{
  static const struct
  {
    const char *text;
    gint64      expected;
  } cases[] = {
    { "Fri, 01 Mar 2024 09:30:00 GMT", G_GINT64_CONSTANT (1709285400) },
    { "Thu, 01 Jan 1970 00:00:01 GMT", G_GINT64_CONSTANT (1) },
    { "Sat, 29 Feb 2020 23:59:59 +0000", G_GINT64_CONSTANT (1583020799) },
    { "Tue, 10 Jun 2003 04:00:00 GMT", G_GINT64_CONSTANT (1055217600) },
    { "  Tue, 10 Jun 2003 04:00:00 GMT  ", G_GINT64_CONSTANT (1055217600) },
    { "10 Jun 2003 04:00 CDT", G_GINT64_CONSTANT (1055235600) },
    { "Mon, 31 Dec 1999 23:59:59 MST", G_GINT64_CONSTANT (946709999) },
    { "1 Jan 49 00:00:00 GMT", G_GINT64_CONSTANT (2493072000) },
    { "1 Jan 50 00:00:00 GMT", G_GINT64_CONSTANT (-631152000) },
    { "Wed, 28 Feb 2024 12:00:00 CEST", G_GINT64_CONSTANT (1709114400) },
    { "Wed, 28 Feb 2024 12:00:00 A", G_GINT64_CONSTANT (1709121600) },
    { "Wed, 28 Feb 2024 12:00:00 Z", G_GINT64_CONSTANT (1709121600) },
    { "Wed, 28 Feb 2024 12:00:00 +0000 (UTC)", G_GINT64_CONSTANT (1709121600) },
    { "Wed, 28 Feb 2024 12:00:00", G_GINT64_CONSTANT (1709121600) },
    { "Wed, 28 Feb 2024", G_GINT64_CONSTANT (1709078400) },
    { "Thu Feb 29 2024 12:00:00 GMT+0100 (Central European Standard Time)",
      G_GINT64_CONSTANT (1709204400) },
    { "Feb 29, 2024 3:04 PM", G_GINT64_CONSTANT (1709219040) },
    { "2024-02-29", G_GINT64_CONSTANT (1709164800) },
    { "2024-02-29T12:00:00", G_GINT64_CONSTANT (1709208000) },
    { "2024-02-29T12:00:00Z", G_GINT64_CONSTANT (1709208000) },
    { "2024-02-29 12:00:00+0530", G_GINT64_CONSTANT (1709188200) },
    { "2024-02-29T12:00+05:30", G_GINT64_CONSTANT (1709188200) },
    { "2024-02-29T12:00:00-03", G_GINT64_CONSTANT (1709218800) },
    { "2024-02-29T12:00:00.999999999Z", G_GINT64_CONSTANT (1709208000) },
    { "20240229T120000Z", G_GINT64_CONSTANT (1709208000) },
    { "2016-12-31T23:59:60Z", G_GINT64_CONSTANT (1483228799) },

    /* Nothing we can read */
    { "", 0 },
    { "   ", 0 },
    { "yesterday", 0 },
    { "Fri, 32 Jan 2024 00:00:00 GMT", 0 },
    { "Fri, 30 Feb 2024 10:00:00 GMT", 0 },
    { "Tue, 29 Feb 2023 10:00:00 GMT", 0 },
    { "Mon, 01 Foo 2024 10:00:00 GMT", 0 },
    { "Fri, 01 Mar 2024 25:00:00 GMT", 0 },
    { "Fri, 01 Mar 2024 09:30:00 +2500", 0 },
    { "12:00:00", 0 },
    { "2024", 0 },
    { "2024-13-01", 0 },
    { "2024-00-10", 0 },
    { "2024-02-29T25:00:00Z", 0 },
    { "0000-01-01T00:00:00Z", 0 },
    { "1 2 3 4 5", 0 },
    { "Fri, 01 Mar 123456 09:30:00 GMT", 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("Date: “%s”", cases[i].text);
      g_assert_cmpint (mw_feed_parse_date (cases[i].text), ==, cases[i].expected);
    }

  g_assert_cmpint (mw_feed_parse_date (NULL), ==, 0);
}

/* Messy feeds */

static void
test_entities (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("entities.xml");

  g_assert_null (feed->problem);
  /* The no-break space stays what it is. */
  g_assert_cmpstr (feed->title, ==, "Caf\xc3\xa9\xc2\xa0Society \xe2\x80\x94 News");
  g_assert_cmpstr (feed->link, ==, "https://entities.example.com/?a=1&b=2");
  g_assert_cmpstr (feed->description, ==, "Copyright \xc2\xa9 2024 \xe2\x80\xa6 AT&T & friends");
  g_assert_cmpuint (feed->items->len, ==, 2);

  g_assert_cmpstr (item_at (feed, 0)->title, ==,
                   "It\xe2\x80\x99s \"quoted\" & "
                   "\xe2\x80\x9c" "curly\xe2\x80\x9d \xe2\x80\x94 done");
  g_assert_cmpstr (item_at (feed, 0)->link, ==, "https://entities.example.com/posts?id=1&lang=en");
  /* Unknown entities show as written; &#146; is what Windows-1252 puts there. */
  g_assert_cmpstr (item_at (feed, 0)->summary, ==,
                   "Na\xc3\xafve <b>bold</b> &unknownthing; \xe2\x80\x99s");

  /* Control characters, C1 controls in UTF-8 and references to invalid characters. */
  g_assert_cmpstr (item_at (feed, 1)->title, ==,
                   "Bell and tab here \xe2\x80\x9cquoted\xe2\x80\x9d end");
}

static void
test_cdata (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("cdata.xml");

  g_assert_null (feed->problem);
  g_assert_cmpstr (feed->title, ==, "CDATA & Co");
  g_assert_cmpstr (feed->description, ==, "Feeds love CDATA");
  g_assert_cmpuint (feed->items->len, ==, 2);
  g_assert_cmpstr (item_at (feed, 0)->title, ==, "Tom & Jerry <3");
  g_assert_cmpstr (item_at (feed, 0)->link, ==, "https://cdata.example.com/tom&jerry");
  /* Inside CDATA, an HTML entity is HTML source and stays so. */
  g_assert_cmpstr (item_at (feed, 0)->summary, ==,
                   "<p>A&nbsp;paragraph with "
                   "<a href=\"https://cdata.example.com/x?a=1&amp;b=2\">a link</a></p>");
  g_assert_cmpstr (item_at (feed, 0)->content, ==, "<p>Split ]]> marker &amp; text</p>");
  g_assert_cmpstr (item_at (feed, 1)->title, ==, "Mixed <CDATA> and text");
}

static void
test_double_escaped (void)
{
  static const char * const titles[] = {
    "Q&A with the team",
    "Bold move \xe2\x80\x94 again",
    "Q&A is fine",
    /* Escaped once, as it should be: <title> is not formatting, and neither is 3 < 4. */
    "Use the <title> element, 3 < 4",
    /* Decoded once only. */
    "<i>Triple</i>",
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("double-escaped.xml");

  g_assert_cmpstr (feed->title, ==, "Double & Trouble");
  g_assert_cmpuint (feed->items->len, ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    g_assert_cmpstr (item_at (feed, i)->title, ==, titles[i]);
}

static void
test_no_guid (void)
{
  static const ExpectedItem expected[] = {
    { DERIVED_PREFIX "7e4fc002d5357b0f5ace5e2ddd16cd492fd3ae7e", "Same title",
      "https://noguid.example.com/a", NULL, 0, 0, NULL, NULL },
    { DERIVED_PREFIX "292c5c9c42824197285e40b39325eb0bf335510c", "Same title",
      "https://noguid.example.com/b", NULL, 0, 0, NULL, NULL },
    { DERIVED_PREFIX "d8777dfe26902f72481b21e985e5e8e8f6f25e54", "No link at all", NULL, NULL, 0, 0,
      NULL, NULL },
    { DERIVED_PREFIX "5233af2332508e903ce39205bf4dfaffe994cff7", NULL, NULL, NULL, 0, 0,
      "Only a description, as RSS 0.92 allows.", "Only a description, as RSS 0.92 allows." },
    /* A blank guid is no guid, and certainly not a link to the feed itself. */
    { DERIVED_PREFIX "ce85f8c2082c3948f276608418b6c7eef23af97c", "Blank guid", NULL, NULL, 0, 0,
      NULL, NULL },
    /* The item with nothing but a category is dropped. */
  };
  g_autoptr(MwParsedFeed) feed = parse_fixture ("no-guid.xml");
  g_autoptr(MwParsedFeed) again = parse_fixture ("no-guid.xml");
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  assert_items (feed, expected, G_N_ELEMENTS (expected));

  /* Stable from one fetch to the next, and one per article. */
  for (guint i = 0; i < feed->items->len; i++)
    {
      const char *id = item_at (feed, i)->id;

      g_assert_true (g_str_has_prefix (id, DERIVED_PREFIX));
      g_assert_cmpstr (id, ==, item_at (again, i)->id);
      g_assert_false (g_hash_table_contains (ids, id));
      g_hash_table_add (ids, (gpointer) id);
    }
}

static void
test_enclosures (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("enclosures.xml");
  MwParsedItem *first;
  MwParsedItem *second;

  g_assert_cmpstr (feed->icon_url, ==, "https://pod.example.com/cover.jpg");
  g_assert_cmpuint (feed->items->len, ==, 2);

  first = item_at (feed, 0);
  g_assert_cmpstr (first->id, ==, "ep1");
  g_assert_null (first->link);
  g_assert_cmpstr (first->author, ==, "Host One");
  g_assert_cmpstr (first->summary, ==, "An episode summary.");
  /* length="0" means unknown; file: and javascript: addresses, an enclosure without
   * one, and the media:content repeating the first enclosure are all dropped. */
  g_assert_cmpuint (first->enclosures->len, ==, 3);
  assert_enclosure (feed, 0, 0, "https://pod.example.com/ep1.mp3", "audio/mpeg", -1);
  assert_enclosure (feed, 0, 1, "https://pod.example.com/ep1.m4a", "audio/mp4", -1);
  assert_enclosure (feed, 0, 2, "https://example.org/ep1-transcript.txt", "text/plain", 2048);

  second = item_at (feed, 1);
  g_assert_cmpstr (second->title, ==, "Episode 2");
  g_assert_cmpstr (second->summary, ==, "Watch it.");
  g_assert_cmpuint (second->enclosures->len, ==, 3);
  assert_enclosure (feed, 1, 0, "https://pod.example.com/ep2-720.mp4", "video/mp4", 70000000);
  assert_enclosure (feed, 1, 1, "https://pod.example.com/ep2-1080.mp4", "video/mp4", -1);
  assert_enclosure (feed, 1, 2, "https://pod.example.com/ep2.mp3", NULL, -1);
}

static void
test_relative_links (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("relative-links.xml");
  g_autoptr(MwParsedFeed) without_base = parse_fixture_full ("relative-links.xml", NULL, NULL);

  g_assert_cmpstr (feed->link, ==, "https://example.org/");
  g_assert_cmpstr (feed->icon_url, ==, "https://example.org/images/logo.png");
  g_assert_cmpuint (feed->items->len, ==, 5);

  g_assert_cmpstr (item_at (feed, 0)->link, ==, "https://example.org/posts/one.html");
  /* Addresses in the article are relative to the article. */
  g_assert_cmpstr (item_at (feed, 0)->content, ==,
                   "<p><img src=\"https://example.org/posts/img/one.png\" alt=\"\"> "
                   "<a href=\"#notes\">notes</a> <a href=\"https://example.org/about\">about</a> "
                   "<a href=\"https://example.org/posts/other.html\">other</a> "
                   "<a href=\"https://elsewhere.example.com/x\">abs</a> "
                   "<a href=\"mailto:me@example.com\">mail</a> "
                   "<img SRC=\"https://cdn.example.com/pic.jpg\"></p>");
  g_assert_cmpstr (item_at (feed, 1)->link, ==, "https://example.org/archive/two.html");
  assert_enclosure (feed, 1, 0, "https://example.org/media/two.mp3", "audio/mpeg", 100);
  g_assert_cmpstr (item_at (feed, 2)->link, ==, "https://mirror.example.org/three");
  g_assert_null (item_at (feed, 3)->link);
  g_assert_cmpstr (item_at (feed, 4)->link, ==, "https://relative.example.com/a%20b");

  /* Without the feed's address, relative links lead nowhere. */
  g_assert_null (without_base->link);
  g_assert_null (item_at (without_base, 0)->link);
  g_assert_null (item_at (without_base, 2)->link);
  g_assert_cmpuint (item_at (without_base, 1)->enclosures->len, ==, 0);
  g_assert_cmpstr (item_at (without_base, 4)->link, ==, "https://relative.example.com/a%20b");
}

/* Encodings */

static void
test_encoding_latin1 (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("iso-8859-1.xml");

  g_assert_cmpstr (feed->title, ==, "Caf\xc3\xa9 Soci\xc3\xa9t\xc3\xa9");
  g_assert_cmpstr (feed->description, ==,
                   "Na\xc3\xafve fa\xc3\xa7" "ade, \xc2\xa3" "5 \xc2\xb1 1\xc2\xb0");
  g_assert_cmpstr (item_at (feed, 0)->title, ==,
                   "Se\xc3\xb1or M\xc3\xbcller \xc3\xa0 Z\xc3\xbcrich");
}

static void
test_encoding_windows_1252 (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("windows-1252.xml");

  g_assert_cmpstr (feed->title, ==,
                   "\xe2\x80\x9cSmart\xe2\x80\x9d quotes \xe2\x80\x93 \xe2\x82\xac" "5");
  g_assert_cmpstr (item_at (feed, 0)->title, ==,
                   "It\xe2\x80\x99s \xe2\x80\xa6 \xc5\x92uvre \xe2\x80\x94 \xe2\x80\xb0");
}

static void
test_encoding_iconv (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("windows-1251.xml");

  g_assert_cmpstr (feed->title, ==, "\xd0\x9d\xd0\xbe\xd0\xb2\xd0\xb8\xd0\xbd\xd0\xb8");
  g_assert_cmpuint (feed->items->len, ==, 0);
  g_assert_null (feed->problem);
}

static void
test_encoding_utf16 (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("utf16le-bom.xml");

  g_assert_cmpstr (feed->title, ==,
                   "\xce\x95\xce\xbb\xce\xbb\xce\xb7\xce\xbd\xce\xb9\xce\xba\xce\xac "
                   "\xce\xba\xce\xb1\xce\xb9 "
                   "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x8e\x89");
  g_assert_cmpstr (feed->link, ==, "https://utf16.example.gr/");
  g_assert_cmpstr (item_at (feed, 0)->title, ==,
                   "\xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1 "
                   "\xf0\x9f\x8c\x9e");
}

static void
test_encoding_http_charset (void)
{
  static const char * const russian_title = "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, "
                                            "\xd0\xbc\xd0\xb8\xd1\x80";
  g_autoptr(MwParsedFeed) header = NULL;
  g_autoptr(MwParsedFeed) quoted = NULL;
  g_autoptr(MwParsedFeed) declared = NULL;
  g_autoptr(MwParsedFeed) mislabelled = NULL;
  g_autoptr(MwParsedFeed) stray = NULL;

  /* The bytes are KOI8-R, the declaration says ISO-8859-1, the header is right. */
  header = parse_fixture_full ("charset-override.xml", "application/rss+xml; charset=KOI8-R",
                               BASE_URL);
  g_assert_cmpstr (header->title, ==, russian_title);
  g_assert_cmpstr (item_at (header, 0)->title, ==,
                   "\xd0\x9d\xd0\xbe\xd0\xb2\xd0\xbe\xd1\x81\xd1\x82\xd0\xb8");

  quoted = parse_fixture_full ("charset-override.xml", "text/xml;charset=\"koi8-r\"", BASE_URL);
  g_assert_cmpstr (quoted->title, ==, russian_title);

  /* Without a header, the declaration is all there is. */
  declared = parse_fixture_full ("charset-override.xml", "application/rss+xml", BASE_URL);
  g_assert_cmpstr (declared->title, ==,
                   "\xc3\xb0\xc3\x92\xc3\x89\xc3\x97\xc3\x85\xc3\x94, \xc3\x8d\xc3\x89\xc3\x92");

  /* A server's default Latin-1 label on what is plainly UTF-8. */
  mislabelled = parse_string ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                              "<rss><channel><title>Caf\xc3\xa9</title></channel></rss>",
                              "text/xml; charset=ISO-8859-1", NULL);
  g_assert_cmpstr (mislabelled->title, ==, "Caf\xc3\xa9");

  /* A stray Windows-1252 byte in a UTF-8 document. */
  stray = parse_string ("<rss><channel><title>Caf\xe9 \x93ok\x94</title></channel></rss>",
                        NULL, NULL);
  g_assert_cmpstr (stray->title, ==, "Caf\xc3\xa9 \xe2\x80\x9cok\xe2\x80\x9d");
}

/* Damage */

static void
test_truncated (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("truncated.xml");

  g_assert_cmpstr (feed->title, ==, "Cut Short");
  /* The fourth item was cut in the middle of its link: better none than half a one. */
  g_assert_cmpuint (feed->items->len, ==, 3);
  g_assert_cmpstr (item_at (feed, 0)->id, ==, "t1");
  g_assert_cmpstr (item_at (feed, 1)->id, ==, "t2");
  g_assert_cmpstr (item_at (feed, 2)->id, ==, "t3");
  g_assert_cmpstr (item_at (feed, 2)->link, ==, "https://truncated.example.com/3");
  g_assert_cmpstr (feed->problem, ==, "The feed is damaged; 3 items could be read.");
}

static void
test_broken_markup (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("broken-markup.xml");
  gboolean found_last = FALSE;

  /* How much libxml2 recovers is its business; that the items before and after the
   * damage survive, and that the damage is reported, is ours. */
  g_assert_nonnull (feed->problem);
  g_assert_true (g_str_has_prefix (feed->problem, "The feed is damaged;"));
  g_assert_cmpstr (feed->title, ==, "Broken Markup");
  g_assert_cmpstr (item_at (feed, 0)->id, ==, "b1");
  g_assert_cmpstr (item_at (feed, 0)->title, ==, "Fine");
  for (guint i = 0; i < feed->items->len; i++)
    {
      if (g_strcmp0 (item_at (feed, i)->id, "b3") == 0)
        {
          g_assert_cmpstr (item_at (feed, i)->title, ==, "After the damage");
          found_last = TRUE;
        }
    }
  g_assert_true (found_last);
}

static void
test_stray_less_than (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("stray-less-than.xml");

  /* Repaired completely, so nothing to complain about. */
  g_assert_null (feed->problem);
  g_assert_cmpstr (feed->title, ==, "Maths < Magic");
  g_assert_cmpuint (feed->items->len, ==, 2);
  g_assert_cmpstr (item_at (feed, 0)->title, ==, "1 < 2, 3 <= 4 and <3");
  g_assert_cmpstr (item_at (feed, 0)->summary, ==, "<p>CDATA keeps 1 < 2 as it is</p>");
  g_assert_cmpstr (item_at (feed, 1)->title, ==, "Second");
}

static void
test_leading_junk (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("leading-junk.xml");

  g_assert_null (feed->problem);
  g_assert_cmpstr (feed->title, ==, "Junk Before");
  g_assert_cmpuint (feed->items->len, ==, 1);
  g_assert_cmpstr (item_at (feed, 0)->id, ==, "j1");
}

/* Errors */

static void
test_html_page (void)
{
  static const char * const pages[] = {
    "<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
    "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\">"
    "<head><title>x</title></head><body/></html>",
    "<!-- generated -->\n<HTML>\n<BODY>Hi</BODY></HTML>",
    "<html><head><title>Well-formed enough</title></head></html>",
    "<xhtml:html xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"><xhtml:body/></xhtml:html>",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = NULL;

  assert_fixture_error ("html-page.html", NULL, MW_FEED_ERROR_HTML);
  assert_fixture_error ("html-page.html", "text/html; charset=utf-8", MW_FEED_ERROR_HTML);

  for (gsize i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GError) page_error = NULL;
      g_autoptr(MwParsedFeed) page = parse_string (pages[i], NULL, &page_error);

      g_assert_null (page);
      g_assert_error (page_error, MW_FEED_ERROR, MW_FEED_ERROR_HTML);
      g_assert_cmpstr (page_error->message, ==, "Not a feed: the server sent an HTML page");
    }

  /* Whatever it is, the server said it was HTML. */
  feed = parse_string ("Service temporarily unavailable", "text/html", &error);
  g_assert_null (feed);
  g_assert_error (error, MW_FEED_ERROR, MW_FEED_ERROR_HTML);
}

static void
test_not_a_feed (void)
{
  static const char * const documents[] = {
    "Just some text.",
    "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    "[1, 2, 3]",
    "{\"name\": \"not a feed\"}",
    "{\"version\": \"https://example.com/version/1\", \"items\": []}",
  };

  assert_fixture_error ("not-a-feed.xml", NULL, MW_FEED_ERROR_NOT_A_FEED);

  for (gsize i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MwParsedFeed) feed = parse_string (documents[i], NULL, &error);

      g_test_message ("Document: %s", documents[i]);
      g_assert_null (feed);
      g_assert_error (error, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED);
    }
}

static void
test_malformed (void)
{
  static const char * const documents[] = {
    "{ \"version\": \"https://jsonfeed.org/version/1.1\", ",
    "<rss><chan",
    "<rss version=\"2.0\"><channel><item><title>cut",
    "<",
    "<<<<>>>>",
  };
  g_autofree char *deep_json = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MwParsedFeed) feed = parse_string (documents[i], NULL, &error);

      g_test_message ("Document: %s", documents[i]);
      g_assert_null (feed);
      g_assert_error (error, MW_FEED_ERROR, MW_FEED_ERROR_MALFORMED);
    }

  /* json-glib recurses per level; the parser must refuse before it does. */
  deep_json = g_strnfill (200000, '[');
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MwParsedFeed) feed = parse_string (deep_json, NULL, &error);

    g_assert_null (feed);
    g_assert_error (error, MW_FEED_ERROR, MW_FEED_ERROR_MALFORMED);
  }
}

/* Escapes json-glib gets wrong cost one character each, not the feed. */
static void
test_json_bad_escapes (void)
{
  static const char doc[] =
    "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"Odd \\udc00\\ud800 feed\","
    "\"items\":[{\"id\":\"1\",\"title\":\"Lone \\ud800\"},"
    "{\"id\":\"2\",\"title\":\"Short \\u00\"},"
    "{\"id\":\"3\",\"title\":\"Pair \\ud83d\\ude00\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = parse_string (doc, NULL, &error);

  g_assert_no_error (error);
  g_assert_null (feed->problem);
  g_assert_cmpstr (feed->title, ==, "Odd \357\277\275\357\277\275 feed");
  g_assert_cmpuint (feed->items->len, ==, 3);
  g_assert_cmpstr (item_at (feed, 0)->title, ==, "Lone \357\277\275");
  g_assert_cmpstr (item_at (feed, 1)->title, ==, "Short \357\277\275");
  g_assert_cmpstr (item_at (feed, 2)->title, ==, "Pair \360\237\230\200");
}

static void
test_empty (void)
{
  static const char * const documents[] = { "", " ", "\n\t\r\n   ", };

  for (gsize i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MwParsedFeed) feed = parse_string (documents[i], NULL, &error);

      g_assert_null (feed);
      g_assert_error (error, MW_FEED_ERROR, MW_FEED_ERROR_EMPTY);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MwParsedFeed) feed = mw_feed_parse (NULL, 0, NULL, NULL, &error);

    g_assert_null (feed);
    g_assert_error (error, MW_FEED_ERROR, MW_FEED_ERROR_EMPTY);
  }
}

static void
test_too_large (void)
{
  /* Never touched: the size alone decides. */
  g_autofree guint8 *data = g_malloc (MW_FEED_MAX_BYTES + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = mw_feed_parse (data, MW_FEED_MAX_BYTES + 1, NULL, NULL, &error);

  g_assert_null (feed);
  g_assert_error (error, MW_FEED_ERROR, MW_FEED_ERROR_TOO_LARGE);
}

/* Hostile documents */

static void
test_xxe (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("xxe.xml");
  MwParsedItem *item;

  /* Parsed, with the entities left unexpanded, and no file read. */
  g_assert_cmpuint (feed->items->len, ==, 1);
  item = item_at (feed, 0);
  g_assert_cmpstr (feed->title, ==, "XXE &xxe;");
  g_assert_cmpstr (feed->description, ==, "&local;");
  g_assert_cmpstr (item->title, ==, "Item &xxe;");
  g_assert_null (strstr (feed->title, "root:"));
  g_assert_null (strstr (feed->description, "root:"));
  g_assert_null (strstr (item->title, "root:"));
  g_assert_null (strstr (item->summary, "root:"));
  g_assert_null (strstr (item->content, "root:"));
}

static void
test_billion_laughs (void)
{
  g_autoptr(MwParsedFeed) feed = parse_fixture ("billion-laughs.xml");
  MwParsedItem *item;

  g_assert_nonnull (feed->title);
  g_assert_cmpuint (strlen (feed->title), <, 100);
  g_assert_cmpuint (feed->items->len, ==, 1);
  item = item_at (feed, 0);
  g_assert_cmpuint (strlen (item->title), <, 100);
  g_assert_cmpuint (strlen (item->summary), <, 100);
  g_assert_cmpuint (strlen (item->content), <, 100);
}

static void
test_deep_nesting (void)
{
  g_autoptr(GString) doc = g_string_new ("<rss><channel><title>Deep</title>"
                                         "<item><title>Before</title><guid>d1</guid></item>"
                                         "<item><title>Deep item</title>");
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append (doc, "<x>");
  for (guint i = 0; i < 100000; i++)
    g_string_append (doc, "</x>");
  g_string_append (doc, "</item><item><title>After</title></item></channel></rss>");

  feed = parse_checked ((const guint8 *) doc->str, doc->len, NULL, BASE_URL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (feed->title, ==, "Deep");
  g_assert_cmpstr (item_at (feed, 0)->title, ==, "Before");
  g_assert_nonnull (feed->problem);

  /* The same in JSON. */
  g_string_assign (doc, "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [");
  for (guint i = 0; i < 100000; i++)
    g_string_append (doc, "{\"a\":");
  {
    g_autoptr(GError) json_error = NULL;
    g_autoptr(MwParsedFeed) json = NULL;

    json = parse_checked ((const guint8 *) doc->str, doc->len, NULL, BASE_URL, &json_error);

    g_assert_null (json);
    g_assert_error (json_error, MW_FEED_ERROR, MW_FEED_ERROR_MALFORMED);
  }
}

static void
test_huge_fields (void)
{
  g_autoptr(GString) doc = g_string_new ("<rss xmlns:content="
                                         "\"http://purl.org/rss/1.0/modules/content/\">"
                                         "<channel><title>");
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = NULL;
  MwParsedItem *item;

  /* A title of a million characters, two bytes each. */
  for (guint i = 0; i < 1000000; i++)
    g_string_append (doc, "\xc3\xa9");
  g_string_append (doc, "</title><item><title>");
  for (guint i = 0; i < 1000000; i++)
    g_string_append (doc, "A ");
  g_string_append (doc, "</title><link>https://huge.example.com/");
  for (guint i = 0; i < 100000; i++)
    g_string_append (doc, "x");
  g_string_append (doc, "</link><guid>");
  for (guint i = 0; i < 100000; i++)
    g_string_append (doc, "g");
  g_string_append (doc, "</guid><content:encoded>");
  for (guint i = 0; i < 3 * 1024 * 1024; i++)
    g_string_append_c (doc, 'c');
  g_string_append (doc, "</content:encoded></item></channel></rss>");

  feed = parse_checked ((const guint8 *) doc->str, doc->len, NULL, BASE_URL, &error);
  g_assert_no_error (error);
  g_assert_null (feed->problem);

  g_assert_cmpuint (strlen (feed->title), ==, TITLE_MAX_BYTES);
  item = item_at (feed, 0);
  g_assert_cmpuint (strlen (item->title), <=, TITLE_MAX_BYTES);
  g_assert_cmpuint (strlen (item->title), >, TITLE_MAX_BYTES - 2);
  /* An address that long is not one. */
  g_assert_null (item->link);
  /* A guid that long is hashed, which keeps it distinct. */
  g_assert_true (g_str_has_prefix (item->id, DERIVED_PREFIX));
  g_assert_cmpuint (strlen (item->content), ==, HTML_MAX_BYTES);
}

static void
test_many_items (void)
{
  g_autoptr(GString) doc = g_string_new ("<rss><channel><title>Many</title>");
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = NULL;

  for (guint i = 0; i <= MAX_ITEMS; i++)
    g_string_append_printf (doc, "<item><guid>%u</guid><title>%u</title></item>", i, i);
  g_string_append (doc, "</channel></rss>");

  feed = parse_checked ((const guint8 *) doc->str, doc->len, NULL, BASE_URL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (feed->items->len, ==, MAX_ITEMS);
  g_assert_cmpstr (item_at (feed, MAX_ITEMS - 1)->id, ==, "99999");
  g_assert_nonnull (feed->problem);
}

/* GUri meets GLib criticals on some bases; G_DEBUG=fatal-warnings makes any of them
 * fail this test. */
static void
test_odd_bases (void)
{
  static const char * const bases[] = {
    "https://e;vil.example/", " ttps://b;se.example.org/", "https:/no-host/", "https:", "//",
    "file:///etc/", "javascript:alert(1)//", "https://[::1]:8080/a/", "https://u:p@h.example:1/",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      g_autofree char *escaped = g_markup_escape_text (bases[i], -1);
      g_autofree char *doc = NULL;

      doc = g_strdup_printf ("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"%s\">"
                             "<title>Odd</title><link href=\"page\"/>"
                             "<entry><id>1</id><title>T</title><link href=\".//x]y%%page\"/>"
                             "<content type=\"html\">&lt;a href=\"a;b\"&gt;x&lt;/a&gt;</content>"
                             "</entry></feed>", escaped);
      g_autoptr(GError) error = NULL;
      g_autoptr(MwParsedFeed) feed = NULL;

      g_test_message ("xml:base=\"%s\"", bases[i]);
      feed = parse_checked ((const guint8 *) doc, strlen (doc), NULL, bases[i], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (feed->items->len, ==, 1);
    }
}

/* Every fixture */

static GPtrArray *
list_fixtures (void)
{
  g_autofree char *folder = g_test_build_filename (G_TEST_DIST, "fixtures", "feeds", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &error);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  /* Directory order is the file system's; sorting keeps runs comparable. */
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >=, 20);

  return names;
}

static void
assert_feeds_equal (const MwParsedFeed *a,
                    const MwParsedFeed *b)
{
  g_assert_cmpint (a->format, ==, b->format);
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->link, ==, b->link);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpstr (a->icon_url, ==, b->icon_url);
  g_assert_cmpstr (a->problem, ==, b->problem);
  g_assert_cmpuint (a->items->len, ==, b->items->len);

  for (guint i = 0; i < a->items->len; i++)
    {
      MwParsedItem *x = g_ptr_array_index (a->items, i);
      MwParsedItem *y = g_ptr_array_index (b->items, i);

      g_assert_cmpstr (x->id, ==, y->id);
      g_assert_cmpstr (x->title, ==, y->title);
      g_assert_cmpstr (x->link, ==, y->link);
      g_assert_cmpstr (x->author, ==, y->author);
      g_assert_cmpint (x->published, ==, y->published);
      g_assert_cmpint (x->updated, ==, y->updated);
      g_assert_cmpstr (x->summary, ==, y->summary);
      g_assert_cmpstr (x->content, ==, y->content);
      g_assert_cmpuint (x->enclosures->len, ==, y->enclosures->len);
      for (guint j = 0; j < x->enclosures->len; j++)
        {
          MwEnclosure *e = g_ptr_array_index (x->enclosures, j);
          MwEnclosure *f = g_ptr_array_index (y->enclosures, j);

          g_assert_cmpstr (e->url, ==, f->url);
          g_assert_cmpstr (e->type, ==, f->type);
          g_assert_cmpint (e->length, ==, f->length);
        }
    }
}

/* Freezing mode parses on the main thread and normal mode in a worker; both must
 * give the same items, which starts with one input always giving one result. */
static void
test_deterministic (void)
{
  g_autoptr(GPtrArray) names = list_fixtures ();

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GBytes) bytes = load_fixture (name);
      g_autoptr(GError) first_error = NULL;
      g_autoptr(GError) second_error = NULL;
      g_autoptr(MwParsedFeed) first = NULL;
      g_autoptr(MwParsedFeed) second = NULL;
      gsize length;
      const guint8 *data = g_bytes_get_data (bytes, &length);

      g_test_message ("Fixture %s", name);
      first = parse_checked (data, length, NULL, BASE_URL, &first_error);
      second = parse_checked (data, length, NULL, BASE_URL, &second_error);
      g_assert_true ((first == NULL) == (second == NULL));
      if (first != NULL)
        assert_feeds_equal (first, second);
      else
        g_assert_cmpstr (first_error->message, ==, second_error->message);
    }
}

/* Parsing only the newest N gives what cutting a full parse to the newest N gives. */
static void
check_newest (const guint8 *data,
              gsize         length,
              guint         keep)
{
  g_autoptr(GError) full_error = NULL;
  g_autoptr(GError) newest_error = NULL;
  g_autoptr(MwParsedFeed) full = parse_checked (data, length, NULL, BASE_URL, &full_error);
  g_autoptr(MwParsedFeed) newest = mw_feed_parse_newest (data, length, NULL, BASE_URL, keep, &newest_error);

  g_assert_true ((full == NULL) == (newest == NULL));
  if (full == NULL)
    {
      g_assert_cmpstr (full_error->message, ==, newest_error->message);
      return;
    }
  /* Too old to keep, an item is counted without being looked at: one with nothing in
   * it at all, which a full parse leaves out, counts too. */
  g_assert_cmpuint (newest->n_items_read, >=, full->items->len);
  g_assert_cmpuint (full->n_items_read, ==, full->items->len);
  mw_parsed_feed_keep_newest (full, keep);
  assert_feeds_equal (full, newest);
}

static char *
make_dated_items (guint format)
{
  g_autoptr(GString) doc = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x6e77 + format);

  if (format == 0)
    g_string_append (doc, "<?xml version=\"1.0\"?><rss version=\"2.0\" "
                          "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
                          "xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>T</title>");
  else if (format == 1)
    g_string_append (doc, "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title>");
  else
    g_string_append (doc, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"T\",\"items\":[");

  for (guint i = 0; i < 300; i++)
    {
      /* Few distinct dates, so that many are equal; some items with none at all. */
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (1795000000 - 3600 * g_rand_int_range (rand, 0, 40));
      g_autofree char *rfc822 = g_date_time_format (when, "%a, %d %b %Y %H:%M:%S GMT");
      g_autofree char *iso = g_date_time_format_iso8601 (when);
      guint kind = g_rand_int_range (rand, 0, 5);

      if (format == 0)
        {
          g_string_append_printf (doc, "<item><title>Item %u</title><guid>id-%u</guid>", i, i);
          if (kind == 1)
            g_string_append_printf (doc, "<pubDate>%s</pubDate>", rfc822);
          else if (kind == 2)
            g_string_append_printf (doc, "<dc:date>%s</dc:date>", iso);
          else if (kind == 3)
            g_string_append_printf (doc, "<atom:updated>%s</atom:updated><pubDate>%s</pubDate>", iso, rfc822);
          else if (kind == 4)
            g_string_append_printf (doc, "<atom:updated>%s</atom:updated>", iso);
          g_string_append (doc, "</item>");
        }
      else if (format == 1)
        g_string_append_printf (doc, "<entry><id>id-%u</id><title>Item %u</title>%s%s%s</entry>", i, i,
                                kind == 1 || kind == 3 ? "<published>" : "",
                                kind == 1 || kind == 3 ? iso : "",
                                kind == 1 || kind == 3 ? "</published>" : "");
      else
        g_string_append_printf (doc, "%s{\"id\":\"id-%u\",\"title\":\"Item %u\"%s%s%s}", i ? "," : "", i, i,
                                kind != 0 ? ",\"date_published\":\"" : "",
                                kind != 0 ? iso : "",
                                kind != 0 ? "\"" : "");
    }

  g_string_append (doc, format == 0 ? "</channel></rss>" : format == 1 ? "</feed>" : "]}");
  return g_string_free (g_steal_pointer (&doc), FALSE);
}

/* The app keeps a feed's newest articles only, and parses only those: every fixture,
 * cut short too, and feeds with many equal dates and items without any, in every
 * format, give exactly the newest of a full parse, in the same order. */
static void
test_newest (void)
{
  static const guint keeps[] = { 1, 2, 3, 7, 25, 500 };
  g_autoptr(GPtrArray) names = list_fixtures ();
  g_autofree char *big = mw_demo_feeds_make_big_rss (1200);

  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GBytes) bytes = load_fixture (g_ptr_array_index (names, i));
      gsize length;
      const guint8 *data = g_bytes_get_data (bytes, &length);

      g_test_message ("Fixture %s", (const char *) g_ptr_array_index (names, i));
      for (guint k = 0; k < G_N_ELEMENTS (keeps); k++)
        {
          check_newest (data, length, keeps[k]);
          check_newest (data, length * 2 / 3, keeps[k]);
        }
    }

  for (guint format = 0; format < 3; format++)
    {
      g_autofree char *doc = make_dated_items (format);

      for (guint k = 0; k < G_N_ELEMENTS (keeps); k++)
        check_newest ((const guint8 *) doc, strlen (doc), keeps[k]);
    }

  for (guint k = 0; k < G_N_ELEMENTS (keeps); k++)
    check_newest ((const guint8 *) big, strlen (big), keeps[k]);
}

static void
check_survives (const guint8 *data,
                gsize         length,
                const char   *content_type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = parse_checked (data, length, content_type, BASE_URL, &error);

  g_assert_true ((feed == NULL) != (error == NULL));
}

/* Every fixture, cut short at many places and with bytes changed at random: whatever
 * comes out, nothing crashes and every string is valid UTF-8 within its bounds. */
static void
test_robustness (void)
{
  static const guint8 nasty[] = {
    0x00, '<', '>', '&', ';', '"', ']', 0xff, 0xc3, 0xe2, 0x80, '\n',
  };
  g_autoptr(GPtrArray) names = list_fixtures ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x4d77);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GBytes) bytes = load_fixture (name);
      gsize length;
      const guint8 *data = g_bytes_get_data (bytes, &length);
      g_autofree guint8 *copy = g_memdup2 (data, length);

      g_test_message ("Fixture %s", name);
      check_survives (data, length, NULL);
      check_survives (data, length, "application/xml; charset=utf-16");
      check_survives (data, length, "text/html; charset=windows-1252");

      for (gsize cut = 0; cut < length; cut += MAX (1, length / 29))
        check_survives (data, cut, NULL);
      for (gsize cut = length > 8 ? length - 8 : 0; cut < length; cut++)
        check_survives (data, cut, NULL);

      for (guint variant = 0; variant < 24; variant++)
        {
          guint changes = g_rand_int_range (rand, 1, 9);

          memcpy (copy, data, length);
          for (guint c = 0; c < changes && length > 0; c++)
            {
              gsize at = g_rand_int_range (rand, 0, (gint32) length);

              if (g_rand_boolean (rand))
                copy[at] = nasty[g_rand_int_range (rand, 0, G_N_ELEMENTS (nasty))];
              else
                copy[at] = (guint8) g_rand_int_range (rand, 0, 256);
            }
          check_survives (copy, length, NULL);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/feed-parser/rss2/basic", test_rss2_basic);
  g_test_add_func ("/feed-parser/rss2/content-encoded", test_rss2_content_encoded);
  g_test_add_func ("/feed-parser/rss2/undeclared-prefix", test_rss2_undeclared_prefix);
  g_test_add_func ("/feed-parser/rss2/wrong-namespace", test_rss2_wrong_namespace);
  g_test_add_func ("/feed-parser/rss091", test_rss091);
  g_test_add_func ("/feed-parser/rdf", test_rdf);
  g_test_add_func ("/feed-parser/atom/basic", test_atom_basic);
  g_test_add_func ("/feed-parser/atom/xml-base", test_atom_xml_base);
  g_test_add_func ("/feed-parser/atom/0.3", test_atom03);
  g_test_add_func ("/feed-parser/json/1.1", test_jsonfeed_11);
  g_test_add_func ("/feed-parser/json/1.0", test_jsonfeed_10);
  g_test_add_func ("/feed-parser/json/not-utf8", test_jsonfeed_not_utf8);
  g_test_add_func ("/feed-parser/dates/fixture", test_dates_fixture);
  g_test_add_func ("/feed-parser/dates/table", test_date_table);
  g_test_add_func ("/feed-parser/messy/entities", test_entities);
  g_test_add_func ("/feed-parser/messy/cdata", test_cdata);
  g_test_add_func ("/feed-parser/messy/double-escaped", test_double_escaped);
  g_test_add_func ("/feed-parser/messy/no-guid", test_no_guid);
  g_test_add_func ("/feed-parser/messy/enclosures", test_enclosures);
  g_test_add_func ("/feed-parser/messy/relative-links", test_relative_links);
  g_test_add_func ("/feed-parser/encoding/iso-8859-1", test_encoding_latin1);
  g_test_add_func ("/feed-parser/encoding/windows-1252", test_encoding_windows_1252);
  g_test_add_func ("/feed-parser/encoding/iconv", test_encoding_iconv);
  g_test_add_func ("/feed-parser/encoding/utf-16", test_encoding_utf16);
  g_test_add_func ("/feed-parser/encoding/http-charset", test_encoding_http_charset);
  g_test_add_func ("/feed-parser/damaged/truncated", test_truncated);
  g_test_add_func ("/feed-parser/damaged/broken-markup", test_broken_markup);
  g_test_add_func ("/feed-parser/damaged/stray-less-than", test_stray_less_than);
  g_test_add_func ("/feed-parser/damaged/leading-junk", test_leading_junk);
  g_test_add_func ("/feed-parser/errors/html", test_html_page);
  g_test_add_func ("/feed-parser/errors/not-a-feed", test_not_a_feed);
  g_test_add_func ("/feed-parser/errors/malformed", test_malformed);
  g_test_add_func ("/feed-parser/errors/empty", test_empty);
  g_test_add_func ("/feed-parser/errors/json-bad-escapes", test_json_bad_escapes);
  g_test_add_func ("/feed-parser/errors/too-large", test_too_large);
  g_test_add_func ("/feed-parser/hostile/xxe", test_xxe);
  g_test_add_func ("/feed-parser/hostile/billion-laughs", test_billion_laughs);
  g_test_add_func ("/feed-parser/hostile/deep-nesting", test_deep_nesting);
  g_test_add_func ("/feed-parser/hostile/huge-fields", test_huge_fields);
  g_test_add_func ("/feed-parser/hostile/many-items", test_many_items);
  g_test_add_func ("/feed-parser/hostile/odd-bases", test_odd_bases);
  g_test_add_func ("/feed-parser/deterministic", test_deterministic);
  g_test_add_func ("/feed-parser/newest", test_newest);
  g_test_add_func ("/feed-parser/robustness", test_robustness);

  return g_test_run ();
}
