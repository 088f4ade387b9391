/* test-feed-parser-formats.c: RSS, RDF, Atom and JSON Feed read into the model, quirks and all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-feed-parser-formats"

#include "config.h"

#include <string.h>

#include "test-feed-parser-checks.h"

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

  return g_test_run ();
}
