/* test-discovery.c: tests for finding the feeds a web page links to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-discovery"

#include "config.h"

#include <string.h>

#include "mw-feed-discovery.h"
#include "mw-test-utils.h"

#define PAGE_URL "https://example.com/dir/page.html"
#define MAX_EXPECTED 8

typedef struct
{
  const char *url;
  const char *title;
  const char *type;
} ExpectedFeed;

typedef struct
{
  const char   *fixture;
  const char   *page_url;
  ExpectedFeed  feeds[MAX_EXPECTED];   /* ends at the first NULL url */
} FixtureCase;

static GBytes *
load_fixture (const char *name)
{
  return mw_test_load_fixture ("discovery", name);
}

static GPtrArray *
discover_bytes (GBytes     *bytes,
                const char *page_url)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  return mw_feed_discover (data, length, page_url);
}

static GPtrArray *
discover_string (const char *html,
                 const char *page_url)
{
  return mw_feed_discover ((const guint8 *) html, strlen (html), page_url);
}

/* What every result must satisfy, whatever the page. */
static void
assert_sane_feeds (GPtrArray *feeds)
{
  g_autoptr(GHashTable) urls = g_hash_table_new (g_str_hash, g_str_equal);
  guint i;

  g_assert_nonnull (feeds);
  for (i = 0; i < feeds->len; i++)
    {
      MwDiscoveredFeed *feed = g_ptr_array_index (feeds, i);

      g_assert_nonnull (feed->url);
      g_assert_true (g_str_has_prefix (feed->url, "http://") ||
                     g_str_has_prefix (feed->url, "https://"));
      g_assert_true (g_utf8_validate (feed->url, -1, NULL));
      for (const char *p = feed->url; *p != '\0'; p++)
        g_assert_true ((guchar) *p > ' ' && (guchar) *p < 0x7f);
      g_assert_true (g_hash_table_add (urls, feed->url));

      g_assert_nonnull (feed->type);
      if (feed->title != NULL)
        {
          g_assert_true (g_utf8_validate (feed->title, -1, NULL));
          g_assert_cmpstr (feed->title, !=, "");
          g_assert_false (g_unichar_isspace (g_utf8_get_char (feed->title)));
          g_assert_null (strchr (feed->title, '\n'));
          g_assert_null (strstr (feed->title, "  "));
        }
    }
}

static void
assert_feeds (GPtrArray          *feeds,
              const ExpectedFeed *expected)
{
  guint n_expected = 0;
  guint i;

  assert_sane_feeds (feeds);
  while (n_expected < MAX_EXPECTED && expected[n_expected].url != NULL)
    n_expected++;

  for (i = 0; i < feeds->len; i++)
    {
      MwDiscoveredFeed *feed = g_ptr_array_index (feeds, i);

      g_test_message ("found %s | %s | %s", feed->url, feed->title, feed->type);
    }

  g_assert_cmpuint (feeds->len, ==, n_expected);
  for (i = 0; i < n_expected; i++)
    {
      MwDiscoveredFeed *feed = g_ptr_array_index (feeds, i);

      g_assert_cmpstr (feed->url, ==, expected[i].url);
      g_assert_cmpstr (feed->title, ==, expected[i].title);
      g_assert_cmpstr (feed->type, ==, expected[i].type);
    }
}

static void
run_fixture_cases (const FixtureCase *cases,
                   gsize              n_cases)
{
  gsize i;

  for (i = 0; i < n_cases; i++)
    {
      g_autoptr(GBytes) bytes = load_fixture (cases[i].fixture);
      g_autoptr(GPtrArray) feeds = NULL;

      g_test_message ("fixture %s", cases[i].fixture);
      feeds = discover_bytes (bytes, cases[i].page_url);
      assert_feeds (feeds, cases[i].feeds);
    }
}

static void
test_one_feed (void)
{
  static const FixtureCase cases[] = {
    { "one-feed.html", PAGE_URL, {
      { "https://example.com/feed.xml", "A small blog", "application/rss+xml" },
    } },
  };

  run_fixture_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_several (void)
{
  /* In document order; the WordPress JSON API link, the sitemap, the stylesheet and the
   * untyped and href-less links are not feeds. */
  static const FixtureCase cases[] = {
    { "several.html", PAGE_URL, {
      { "https://news.example.org/rss.xml", "All posts (RSS)", "application/rss+xml" },
      { "https://example.com/atom.xml", "All posts (Atom)", "application/atom+xml" },
      { "https://example.com/dir/feed.json", "JSON Feed", "application/feed+json" },
      { "https://example.com/index.rdf", NULL, "application/rdf+xml" },
      { "https://example.com/comments.xml", "Comments RSS", "text/xml" },
      { "https://example.com/legacy.json", "Legacy JSON feed", "application/json" },
      { "https://example.com/atom/everything", NULL, "application/xml" },
    } },
  };

  run_fixture_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_base (void)
{
  static const FixtureCase cases[] = {
    /* The first <base href> applies to the whole page, links before it included. */
    { "base-relative.html", PAGE_URL, {
      { "https://example.com/blog/atom.xml", "Before base", "application/atom+xml" },
      { "https://example.com/blog/rss/index.xml", "After base", "application/rss+xml" },
      { "https://example.com/root.xml", "Root", "application/rss+xml" },
    } },
    /* A <base> without href does not count. */
    { "base-absolute.html", PAGE_URL, {
      { "https://cdn.example.net/site/feed.rss", "Relative", "application/rss+xml" },
      { "http://www.example.com/abs.rss", "Absolute", "application/rss+xml" },
      { "https://feeds.example.com/x", "Scheme-relative", "application/rss+xml" },
    } },
    /* An absolute base works without a page address. */
    { "base-absolute.html", NULL, {
      { "https://cdn.example.net/site/feed.rss", "Relative", "application/rss+xml" },
      { "http://www.example.com/abs.rss", "Absolute", "application/rss+xml" },
      { "https://feeds.example.com/x", "Scheme-relative", "application/rss+xml" },
    } },
    /* A javascript: base is ignored, not trusted. */
    { "base-javascript.html", PAGE_URL, {
      { "https://example.com/dir/feed.xml", NULL, "application/rss+xml" },
    } },
  };

  run_fixture_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_rel_tokens (void)
{
  static const FixtureCase cases[] = {
    { "rel-tokens.html", PAGE_URL, {
      { "https://example.com/a.xml", "Odd case", "application/rss+xml" },
      { "https://example.com/b.xml", "Newline", "application/atom+xml" },
      { "https://example.com/c.xml", "Feed keyword", "application/atom+xml" },
      { "https://example.com/d.xml", NULL, "application/rss+xml" },
    } },
  };

  run_fixture_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_none (void)
{
  /* Links in comments, scripts, text and <a> elements are not looked at, nor guessed. */
  static const FixtureCase cases[] = {
    { "none.html", PAGE_URL, { { NULL, NULL, NULL } } },
  };
  static const char * const pages[] = {
    "",
    " ",
    "<html><head><title>x</title></head><body>no links</body></html>",
    "not html at all",
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><link>https://example.com/</link>"
    "</channel></rss>",
    "\xff\xfe\x00<\x00h\x00t\x00m\x00l",
  };
  gsize i;

  run_fixture_cases (cases, G_N_ELEMENTS (cases));

  for (i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GPtrArray) feeds = discover_string (pages[i], PAGE_URL);

      g_assert_nonnull (feeds);
      g_assert_cmpuint (feeds->len, ==, 0);
    }

  {
    g_autoptr(GPtrArray) feeds = mw_feed_discover (NULL, 0, PAGE_URL);

    g_assert_nonnull (feeds);
    g_assert_cmpuint (feeds->len, ==, 0);
  }
}

static void
test_broken (void)
{
  /* Unquoted attributes, unclosed and misnested elements, a tag run into the next one,
   * and a file that just stops: the recovering parser still finds the links. */
  static const FixtureCase cases[] = {
    { "broken.html", PAGE_URL, {
      { "https://example.com/unquoted.xml", "Unquoted", "application/rss+xml" },
      { "https://example.com/stray.xml", "Stray in body", "application/atom+xml" },
      { "https://example.com/last.xml", "Last", "application/rss+xml" },
    } },
  };

  run_fixture_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_charset (void)
{
  static const FixtureCase cases[] = {
    /* <meta http-equiv> naming ISO-8859-1; the non-ASCII path is sent as UTF-8, as
     * browsers do. */
    { "latin1.html", PAGE_URL, {
      { "https://example.com/actualit%C3%A9s.xml", "Actualités du café «parisien»",
        "application/rss+xml" },
    } },
    /* <meta charset> naming Windows-1252, whose quotes and euro are not Latin-1. */
    { "windows-1252.html", PAGE_URL, {
      { "https://example.com/prices.xml", "“Quoted” € prices", "application/rss+xml" },
    } },
    /* No declaration at all: UTF-8. */
    { "utf8-no-meta.html", PAGE_URL, {
      { "https://example.com/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8.xml",
        "Новости — Ελληνικά 日本", "application/rss+xml" },
    } },
  };

  run_fixture_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_duplicates (void)
{
  /* The first link to an address wins; spellings of one address are one address. */
  static const FixtureCase cases[] = {
    { "duplicates.html", PAGE_URL, {
      { "https://example.com/feed.xml", "First", "application/rss+xml" },
      { "https://example.com/other.xml", "Other", "application/rss+xml" },
      { "https://example.com/dir/other.xml", "Other again", "application/rss+xml" },
    } },
  };

  run_fixture_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_schemes (void)
{
  /* javascript:, file:, data:, ftp:, mailto:, hostless, bad port and empty addresses
   * are dropped; what is kept is a clean URI. */
  static const FixtureCase cases[] = {
    { "schemes.html", PAGE_URL, {
      { "https://example.com/a%20feed.xml?x=1&y=%222%22", "Kept", "application/rss+xml" },
    } },
  };

  run_fixture_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_page_url (void)
{
  static const char page[] =
    "<link rel=alternate type=application/rss+xml href=relative.xml>"
    "<link rel=alternate type=application/rss+xml href=https://example.org/absolute.xml>";
  static const ExpectedFeed without_base[] = {
    { "https://example.org/absolute.xml", NULL, "application/rss+xml" },
    { NULL, NULL, NULL },
  };
  static const ExpectedFeed with_base[] = {
    { "http://example.net/relative.xml", NULL, "application/rss+xml" },
    { "https://example.org/absolute.xml", NULL, "application/rss+xml" },
    { NULL, NULL, NULL },
  };
  g_autoptr(GPtrArray) no_url = discover_string (page, NULL);
  g_autoptr(GPtrArray) bad_url = discover_string (page, "not a URL");
  g_autoptr(GPtrArray) file_url = discover_string (page, "file:///home/user/page.html");
  g_autoptr(GPtrArray) http_url = discover_string (page, "HTTP://Example.NET:80/x");

  /* Relative links need an http(s) page to resolve against. */
  assert_feeds (no_url, without_base);
  assert_feeds (bad_url, without_base);
  assert_feeds (file_url, without_base);
  assert_feeds (http_url, with_base);
}

static void
test_every_fixture (void)
{
  g_auto(GStrv) names = mw_test_list_fixtures ("discovery");
  guint n_files = 0;

  for (char **name = names; *name != NULL; name++)
    {
      g_autoptr(GBytes) bytes = load_fixture (*name);
      g_autoptr(GPtrArray) with_page = discover_bytes (bytes, PAGE_URL);
      g_autoptr(GPtrArray) without_page = discover_bytes (bytes, NULL);

      g_test_message ("fixture %s", *name);
      assert_sane_feeds (with_page);
      assert_sane_feeds (without_page);
      n_files++;
    }

  g_assert_cmpuint (n_files, >=, 13);
}

/* Cut pages, random bytes and absurd nesting must neither crash nor take long. */
static void
test_robustness (void)
{
  g_autoptr(GBytes) bytes = load_fixture ("several.html");
  g_autoptr(GString) deep = g_string_new ("<html><head>");
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  gsize cut;
  guint i;

  for (cut = 0; cut <= length; cut += 3)
    {
      g_autoptr(GPtrArray) feeds = mw_feed_discover (data, cut, PAGE_URL);

      assert_sane_feeds (feeds);
    }

  for (i = 0; i < 200; i++)
    {
      g_autofree guint8 *noise = g_malloc (length);
      g_autoptr(GPtrArray) feeds = NULL;
      gsize j;

      /* Flip a few bytes of a real page, or replace it with noise. */
      memcpy (noise, data, length);
      for (j = 0; j < (i % 2 == 0 ? 16 : length); j++)
        noise[g_test_rand_int_range (0, length)] = g_test_rand_int_range (0, 256);
      feeds = mw_feed_discover (noise, length, PAGE_URL);
      assert_sane_feeds (feeds);
    }

  /* Nesting far deeper than any page, with the link at the bottom. */
  for (i = 0; i < 50000; i++)
    g_string_append (deep, "<div>");
  g_string_append (deep, "<link rel=alternate type=application/rss+xml href=/deep.xml>");
  {
    g_autoptr(GPtrArray) feeds = discover_string (deep->str, PAGE_URL);

    assert_sane_feeds (feeds);
  }
}

static gpointer
discover_repeatedly (gpointer data)
{
  GBytes *bytes = data;
  guint i;

  for (i = 0; i < 25; i++)
    {
      g_autoptr(GPtrArray) feeds = discover_bytes (bytes, PAGE_URL);

      if (feeds->len != 7)
        return GINT_TO_POINTER (FALSE);
    }

  return GINT_TO_POINTER (TRUE);
}

/* Discovery runs in GTask threads, several at once when many pages are subscribed to. */
static void
test_threads (void)
{
  g_autoptr(GBytes) bytes = load_fixture ("several.html");
  GThread *threads[4];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("discovery", discover_repeatedly, bytes);
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

typedef struct
{
  const char *data;
  const char *content_type;
  gboolean    expected;
} SniffCase;

static void
test_looks_like_html (void)
{
  static const SniffCase cases[] = {
    /* The server's word, when it says HTML */
    { "<!DOCTYPE html><html><head>", "text/html", TRUE },
    { "<!DOCTYPE html>", "text/html; charset=utf-8", TRUE },
    { "<html>", " Text/HTML ;charset=\"utf-8\"", TRUE },
    { "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">",
      "application/xhtml+xml", TRUE },
    { "", "text/html", TRUE },
    { "hello", "text/html", TRUE },
    { "{\"a\": 1}", "text/html", TRUE },
    { "<?xml version=\"1.0\"?><opml version=\"2.0\">", "text/html", TRUE },

    /* ... but not for a feed served as text/html */
    { "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\">", "text/html", FALSE },
    { "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">",
      "text/html; charset=UTF-8", FALSE },
    { "<?xml version=\"1.0\"?>\n"
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">", "TEXT/HTML", FALSE },
    { "\xef\xbb\xbf<?xml version=\"1.0\"?><rss>", "text/html", FALSE },
    { "  \r\n<?xml version=\"1.0\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"rss.xsl\"?>\n"
      "<!-- generated by a CMS -->\n<rss version=\"2.0\">", "text/html", FALSE },
    { "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\""
      " \"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n<rss version=\"0.91\">",
      "text/html", FALSE },
    { "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x \"<y>\">]><rss>", "text/html", FALSE },
    { "<?xml version=\"1.0\"?><atom:feed xmlns:atom=\"http://www.w3.org/2005/Atom\">",
      "text/html", FALSE },
    { "<rss version=\"2.0\">", "text/html", FALSE },
    { "<feed xmlns=\"http://www.w3.org/2005/Atom\">", "text/html", FALSE },
    { "{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n  \"title\": \"x\"\n}",
      "text/html", FALSE },
    /* The prolog runs past what is sniffed, but the root is in sight. */
    { "<?xml version=\"1.0\"?><!-- a comment that never ends in the window <rss",
      "text/html", FALSE },

    /* Types that say it is something else */
    { "<html>", "application/rss+xml", FALSE },
    { "<html>", "application/atom+xml", FALSE },
    { "<html>", "application/json", FALSE },
    { "<html>", "image/png", FALSE },
    { "<rss>", "application/rss+xml", FALSE },

    /* No type, or a vague one: the body decides */
    { "<!DOCTYPE html>", NULL, TRUE },
    { "  \n\t<!doctype HTML>", NULL, TRUE },
    { "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\">", NULL, TRUE },
    { "\xef\xbb\xbf<!DOCTYPE html>", NULL, TRUE },
    { "<HTML lang=en>", "", TRUE },
    { "<html", NULL, TRUE },
    { "<head>", "text/plain", TRUE },
    { "<body class=x>", "application/octet-stream", TRUE },
    { "<!-- generated -->\n<html>", NULL, TRUE },
    { "<!-- one --><!-- two --><!DOCTYPE html>", "text/plain", TRUE },
    { "<div>hi</div>", NULL, TRUE },
    { "<p>", "text/plain", TRUE },
    { "<script>x()</script>", NULL, TRUE },
    { "<a href=x>", NULL, TRUE },
    { "<title>x</title>", NULL, TRUE },
    { "<br/>", NULL, TRUE },
    { "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">", "application/xml",
      TRUE },
    { "<?xml version=\"1.0\"?><!DOCTYPE html><html>", "text/xml", TRUE },
    { "<!-- generated --><rss>", NULL, FALSE },
    { "<?xml version=\"1.0\"?><rss version=\"2.0\">", "text/xml", FALSE },
    { "<?xml version=\"1.0\"?><rss version=\"2.0\">", NULL, FALSE },
    { "<?xml version=\"1.0\"?><opml>", "application/xml", FALSE },
    { "<htmlx>", NULL, FALSE },
    { "<ab>", NULL, FALSE },
    { "<", NULL, FALSE },
    { "< html>", NULL, FALSE },
    { "<!-- never closed <html>", NULL, FALSE },
    { "<!DOCTYPE htmlx>", NULL, FALSE },
    { "hello <html>", "text/plain", FALSE },
    { "{\"html\": true}", NULL, FALSE },
    { "", NULL, FALSE },
    { "   ", "application/octet-stream", FALSE },
  };
  g_autoptr(GString) late = g_string_new (NULL);
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = g_strescape (cases[i].data, NULL);

      g_test_message ("%s as %s", escaped, cases[i].content_type);
      g_assert_cmpint (mw_feed_looks_like_html ((const guint8 *) cases[i].data,
                                                strlen (cases[i].data),
                                                cases[i].content_type),
                       ==, cases[i].expected);
    }

  g_assert_true (mw_feed_looks_like_html (NULL, 0, "text/html"));
  g_assert_false (mw_feed_looks_like_html (NULL, 0, NULL));

  /* The length is respected: the data need not be nul-terminated. */
  g_assert_true (mw_feed_looks_like_html ((const guint8 *) "<htmlx", 5, NULL));
  g_assert_true (mw_feed_looks_like_html ((const guint8 *) "<?xml?><rss", 8, "text/html"));
  g_assert_false (mw_feed_looks_like_html ((const guint8 *) "<?xml?><rss", 11, "text/html"));

  /* Only the start of a body is looked at. */
  for (i = 0; i < 3000; i++)
    g_string_append_c (late, ' ');
  g_string_append (late, "<html>");
  g_assert_false (mw_feed_looks_like_html ((const guint8 *) late->str, late->len, NULL));
}

int
main (int   argc,
      char *argv[])
{
  /* A fixed seed keeps the robustness test reproducible; pass --seed to explore. */
  mw_test_init_seeded (&argc, &argv, "R02S6d65616e7768696c65646973636f7672");

  g_test_add_func ("/discovery/one-feed", test_one_feed);
  g_test_add_func ("/discovery/several", test_several);
  g_test_add_func ("/discovery/base", test_base);
  g_test_add_func ("/discovery/rel-tokens", test_rel_tokens);
  g_test_add_func ("/discovery/none", test_none);
  g_test_add_func ("/discovery/broken", test_broken);
  g_test_add_func ("/discovery/charset", test_charset);
  g_test_add_func ("/discovery/duplicates", test_duplicates);
  g_test_add_func ("/discovery/schemes", test_schemes);
  g_test_add_func ("/discovery/page-url", test_page_url);
  g_test_add_func ("/discovery/every-fixture", test_every_fixture);
  g_test_add_func ("/discovery/robustness", test_robustness);
  g_test_add_func ("/discovery/threads", test_threads);
  g_test_add_func ("/discovery/looks-like-html", test_looks_like_html);

  return g_test_run ();
}
