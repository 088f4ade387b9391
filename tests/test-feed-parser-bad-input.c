/* test-feed-parser-bad-input.c: damaged, wrong and hostile documents: salvaged, refused, bounded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-feed-parser-bad-input"

#include "config.h"

#include <string.h>

#include "test-feed-parser-checks.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

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

  return g_test_run ();
}
