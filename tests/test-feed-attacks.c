/* test-feed-attacks.c: hostile XML against the feed, OPML and discovery parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each document here tries to read a real local file, a secret in a fresh temporary
 * folder: through an external entity, a parameter entity, an external DTD, XInclude or
 * xml:base. The secret must appear in nothing the parsers return, and on Linux inotify
 * must see nobody open the file. Then the expansion attacks (billion laughs, a flat
 * quadratic blowup), 100,000 levels of nesting and a 100 MiB body: each is refused with
 * a sentence or read with bounded results, and what is legitimate in the document is
 * still read.
 */
#define G_LOG_DOMAIN "test-feed-attacks"

#include "config.h"

#include <string.h>
#ifdef __linux__
#include <errno.h>
#include <sys/inotify.h>
#include <unistd.h>
#endif

#include <glib/gstdio.h>

#include "mw-feed-discovery.h"
#include "mw-feed-parser.h"
#include "mw-opml.h"
#include "mw-test-server.h"

#define SECRET    "MEANWHILE-SECRET-5f1c2e"
#define PAGE_URL  "https://example.org/blog/"
#define FEED_URL  "https://example.org/feed.xml"
#define MIB       (1024 * 1024)

typedef struct
{
  char *dir;
  char *secret_uri;     /* file:///…/secret.txt, holding SECRET */
  char *dtd_uri;        /* file:///…/secret.dtd, declaring &leak; as SECRET */
  char *dir_uri;        /* file:///…/ */
  int   watch_fd;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *dtd = NULL;

  fixture->dir = g_dir_make_tmp ("meanwhile-attacks-XXXXXX", &error);
  g_assert_no_error (error);
  secret = g_build_filename (fixture->dir, "secret.txt", NULL);
  dtd = g_build_filename (fixture->dir, "secret.dtd", NULL);
  g_file_set_contents (secret, SECRET "\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (dtd, "<!ENTITY leak \"" SECRET "\">\n"
                            "<!ENTITY % inner \"<!ENTITY leak2 '" SECRET "'>\">\n"
                            "%inner;\n", -1, &error);
  g_assert_no_error (error);

  fixture->secret_uri = g_filename_to_uri (secret, NULL, &error);
  g_assert_no_error (error);
  fixture->dtd_uri = g_filename_to_uri (dtd, NULL, &error);
  g_assert_no_error (error);
  fixture->dir_uri = g_strconcat ("file://", fixture->dir, "/", NULL);

  fixture->watch_fd = -1;
#ifdef __linux__
  /* From here on, any open of either file is an event. */
  fixture->watch_fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  g_assert_cmpint (fixture->watch_fd, >=, 0);
  g_assert_cmpint (inotify_add_watch (fixture->watch_fd, fixture->dir, IN_OPEN | IN_ACCESS), >=, 0);
#endif
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
#ifdef __linux__
  close (fixture->watch_fd);
#endif
  mw_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->secret_uri);
  g_free (fixture->dtd_uri);
  g_free (fixture->dir_uri);
}

/* Fails if anything opened a file of the fixture's folder since the last call. */
static void
assert_not_opened (Fixture    *fixture,
                   const char *what)
{
#ifdef __linux__
  char buffer[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  ssize_t len = read (fixture->watch_fd, buffer, sizeof buffer);

  if (len < 0)
    {
      g_assert_cmpint (errno, ==, EAGAIN);
      return;
    }
  g_test_fail_printf ("%s: %s was opened", what,
                      ((struct inotify_event *) buffer)->len > 0
                        ? ((struct inotify_event *) buffer)->name : fixture->dir);
#endif
}

static char *
fill (const char *template,
      Fixture    *fixture)
{
  g_autoptr(GString) out = g_string_new (template);

  g_string_replace (out, "{secret}", fixture->secret_uri, 0);
  g_string_replace (out, "{dtd}", fixture->dtd_uri, 0);
  g_string_replace (out, "{dir}", fixture->dir_uri, 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_clean (const char *text,
              gboolean    is_link)
{
  if (text == NULL)
    return;

  g_assert_null (strstr (text, SECRET));
  if (is_link)
    g_assert_true (g_str_has_prefix (text, "http://") || g_str_has_prefix (text, "https://"));
}

static void
assert_feed_clean (MwParsedFeed *feed,
                   GError       *error)
{
  if (feed == NULL)
    {
      g_assert_nonnull (error);
      assert_clean (error->message, FALSE);
      return;
    }

  assert_clean (feed->title, FALSE);
  assert_clean (feed->link, TRUE);
  assert_clean (feed->description, FALSE);
  assert_clean (feed->icon_url, TRUE);
  assert_clean (feed->problem, FALSE);
  for (guint i = 0; i < feed->items->len; i++)
    {
      MwParsedItem *item = g_ptr_array_index (feed->items, i);

      assert_clean (item->id, FALSE);
      assert_clean (item->title, FALSE);
      assert_clean (item->link, TRUE);
      assert_clean (item->author, FALSE);
      assert_clean (item->summary, FALSE);
      assert_clean (item->content, FALSE);
      for (guint j = 0; j < item->enclosures->len; j++)
        assert_clean (((MwEnclosure *) g_ptr_array_index (item->enclosures, j))->url, TRUE);
    }
}

/* External entities, external DTDs, XInclude and xml:base in feeds */

static const char * const feed_attacks[] = {
  /* An external general entity, in every field. */
  "<?xml version=\"1.0\"?>\n"
  "<!DOCTYPE rss [ <!ENTITY xxe SYSTEM \"{secret}\"> ]>\n"
  "<rss version=\"2.0\"><channel><title>Feed &xxe;</title><link>https://a.example/</link>"
  "<description>&xxe;</description>"
  "<item><title>Item &xxe;</title><link>https://a.example/1?&xxe;</link><guid>g&xxe;</guid>"
  "<author>&xxe;</author><description>&xxe;</description>"
  "<enclosure url=\"https://a.example/e.mp3?&xxe;\" type=\"audio/mpeg\" length=\"1\"/>"
  "</item></channel></rss>",
  /* A parameter entity loading a DTD that declares the entity used. */
  "<?xml version=\"1.0\"?>\n"
  "<!DOCTYPE rss [ <!ENTITY % remote SYSTEM \"{dtd}\"> %remote; ]>\n"
  "<rss version=\"2.0\"><channel><title>Feed &leak;</title>"
  "<item><title>Item &leak2;</title><guid>g1</guid></item></channel></rss>",
  /* An external DTD subset. */
  "<?xml version=\"1.0\" standalone=\"no\"?>\n"
  "<!DOCTYPE rss SYSTEM \"{dtd}\">\n"
  "<rss version=\"2.0\"><channel><title>Feed &leak;</title>"
  "<item><title>Item &leak;</title><guid>g1</guid></item></channel></rss>",
  /* A public identifier with a system one. */
  "<?xml version=\"1.0\"?>\n"
  "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \"{dtd}\">\n"
  "<rss version=\"0.91\"><channel><title>Feed &leak;</title>"
  "<item><title>Item</title><link>https://a.example/1</link></item></channel></rss>",
  /* XInclude, as text and as XML. */
  "<?xml version=\"1.0\"?>\n"
  "<rss version=\"2.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\"><channel>"
  "<title>Feed <xi:include href=\"{secret}\" parse=\"text\"/></title>"
  "<item><title>Item</title><guid>g1</guid>"
  "<description><xi:include href=\"{dtd}\" parse=\"text\"/></description></item>"
  "</channel></rss>",
  /* Atom, with the entity in xhtml content and a file: base for relative links. */
  "<?xml version=\"1.0\"?>\n"
  "<!DOCTYPE feed [ <!ENTITY xxe SYSTEM \"{secret}\"> ]>\n"
  "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"{dir}\"><title>Feed</title>"
  "<icon>secret.txt</icon><link href=\"secret.txt\"/>"
  "<entry><id>e1</id><title>Entry &xxe;</title><link href=\"secret.txt\"/>"
  "<link rel=\"enclosure\" href=\"{secret}\"/>"
  "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">&xxe;"
  "<a href=\"secret.txt\">x</a></div></content></entry></feed>",
  /* RSS 1.0. */
  "<?xml version=\"1.0\"?>\n"
  "<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM \"{secret}\"> ]>\n"
  "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
  "xmlns=\"http://purl.org/rss/1.0/\"><channel rdf:about=\"https://a.example/\">"
  "<title>Feed &xxe;</title><link>https://a.example/</link></channel>"
  "<item rdf:about=\"https://a.example/1\"><title>Item &xxe;</title>"
  "<link>https://a.example/1</link></item></rdf:RDF>",
};

static void
check_feed_attack (Fixture      *fixture,
                   const guint8 *data,
                   gsize         length,
                   const char   *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = mw_feed_parse (data, length, NULL, FEED_URL, &error);

  g_test_message ("%s: %s", what, feed != NULL ? "read" : error->message);
  assert_not_opened (fixture, what);
  assert_feed_clean (feed, error);

  /* The attack costs the attack, not the feed: the item is there. */
  g_assert_no_error (error);
  g_assert_cmpuint (feed->items->len, ==, 1);
  g_assert_nonnull (feed->title);
  g_assert_true (g_str_has_prefix (feed->title, "Feed"));
}

static void
test_feed_external (Fixture       *fixture,
                    gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (feed_attacks); i++)
    {
      g_autofree char *doc = fill (feed_attacks[i], fixture);
      g_autofree char *what = g_strdup_printf ("feed attack %u", i);
      g_autofree char *utf16 = NULL;
      glong utf16_len = 0;
      g_autoptr(GByteArray) with_bom = g_byte_array_new ();

      check_feed_attack (fixture, (const guint8 *) doc, strlen (doc), what);

      /* The same in UTF-16, where a byte-level filter would see no "<!DOCTYPE". */
      utf16 = (char *) g_utf8_to_utf16 (doc, -1, NULL, &utf16_len, NULL);
      g_byte_array_append (with_bom, (const guint8 *) "\xff\xfe", 2);
      g_byte_array_append (with_bom, (const guint8 *) utf16, utf16_len * 2);
      g_free (what);
      what = g_strdup_printf ("feed attack %u in UTF-16", i);
      check_feed_attack (fixture, with_bom->data, with_bom->len, what);
    }
}

/* The same attacks on OPML, whose attributes do expand internal entities */

static const char * const opml_attacks[] = {
  /* In element content, where XML allows an external entity. */
  "<?xml version=\"1.0\"?>\n"
  "<!DOCTYPE opml [ <!ENTITY xxe SYSTEM \"{secret}\"> <!ENTITY site \"Example\"> ]>\n"
  "<opml version=\"2.0\"><head><title>&xxe;</title></head><body>"
  "<outline text=\"&site;\" xmlUrl=\"https://example.com/feed\"/>"
  "<outline text=\"Folder\">&xxe;<outline text=\"In\" xmlUrl=\"https://in.example.com/\"/>"
  "</outline></body></opml>",
  /* In attributes, where XML does not: the list is refused. */
  "<?xml version=\"1.0\"?>\n"
  "<!DOCTYPE opml [ <!ENTITY xxe SYSTEM \"{secret}\"> <!ENTITY site \"Example\"> ]>\n"
  "<opml version=\"2.0\"><head><title>&xxe;</title></head><body>"
  "<outline text=\"&site; &xxe;\" title=\"&xxe;\" xmlUrl=\"https://example.com/feed?&xxe;\" "
  "htmlUrl=\"https://example.com/?&xxe;\"/>"
  "<outline text=\"Folder &xxe;\">&xxe;<outline text=\"In\" xmlUrl=\"https://in.example.com/\"/>"
  "</outline></body></opml>",
  "<?xml version=\"1.0\"?>\n"
  "<!DOCTYPE opml [ <!ENTITY % remote SYSTEM \"{dtd}\"> %remote; ]>\n"
  "<opml version=\"2.0\"><body><outline text=\"&leak;\" xmlUrl=\"https://example.com/feed\"/>"
  "</body></opml>",
  "<?xml version=\"1.0\" standalone=\"no\"?>\n"
  "<!DOCTYPE opml SYSTEM \"{dtd}\">\n"
  "<opml version=\"2.0\"><body><outline text=\"&leak;\" xmlUrl=\"https://example.com/feed\"/>"
  "</body></opml>",
  "<?xml version=\"1.0\"?>\n"
  "<opml version=\"2.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\"><body>"
  "<xi:include href=\"{secret}\" parse=\"text\"/>"
  "<outline text=\"Feed\" xmlUrl=\"https://example.com/feed\"/>"
  "<outline text=\"File\" xmlUrl=\"{secret}\" htmlUrl=\"{secret}\"/>"
  "<outline text=\"Relative\" xmlUrl=\"secret.txt\"/></body></opml>",
};

static void
test_opml_external (Fixture       *fixture,
                    gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (opml_attacks); i++)
    {
      g_autofree char *doc = fill (opml_attacks[i], fixture);
      g_autofree char *what = g_strdup_printf ("OPML attack %u", i);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = mw_opml_parse ((const guint8 *) doc, strlen (doc), &error);
      gboolean found = FALSE;

      g_test_message ("%s: %s", what, entries != NULL ? "read" : error->message);
      assert_not_opened (fixture, what);
      if (entries == NULL)
        {
          /* An undeclared entity is no well-formed XML; saying so is fine. */
          g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE);
          assert_clean (error->message, FALSE);
          continue;
        }

      for (guint j = 0; j < entries->len; j++)
        {
          MwOpmlEntry *entry = g_ptr_array_index (entries, j);

          assert_clean (entry->url, TRUE);
          assert_clean (entry->title, FALSE);
          assert_clean (entry->site_url, TRUE);
          assert_clean (entry->group, FALSE);
          found |= g_str_has_prefix (entry->url, "https://example.com/feed");
        }
      g_assert_true (found);
    }
}

/* And on web pages, which libxml2's HTML parser reads */

static const char * const html_attacks[] = {
  "<!DOCTYPE html [ <!ENTITY xxe SYSTEM \"{secret}\"> ]>\n"
  "<html><head><title>&xxe;</title>"
  "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"News &xxe;\" href=\"/feed?&xxe;\">"
  "</head><body>&xxe;</body></html>",
  "<!DOCTYPE html SYSTEM \"{dtd}\">\n"
  "<html><head><link rel=\"alternate\" type=\"application/atom+xml\" title=\"&leak;\" "
  "href=\"/feed\"></head></html>",
  "<html><head><base href=\"{dir}\">"
  "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"secret.txt\">"
  "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"{secret}\">"
  "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"https://example.org/feed\">"
  "</head></html>",
  "<?xml version=\"1.0\"?>\n"
  "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
  "<head><xi:include href=\"{secret}\" parse=\"text\"/>"
  "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed\"/></head></html>",
};

static void
test_discovery_external (Fixture       *fixture,
                         gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (html_attacks); i++)
    {
      g_autofree char *doc = fill (html_attacks[i], fixture);
      g_autofree char *what = g_strdup_printf ("page attack %u", i);
      g_autoptr(GPtrArray) feeds = mw_feed_discover ((const guint8 *) doc, strlen (doc), PAGE_URL);
      gboolean found = FALSE;

      assert_not_opened (fixture, what);
      g_test_message ("%s: %u feeds", what, feeds->len);
      for (guint j = 0; j < feeds->len; j++)
        {
          MwDiscoveredFeed *feed = g_ptr_array_index (feeds, j);

          g_test_message ("  %s", feed->url);
          assert_clean (feed->url, TRUE);
          assert_clean (feed->title, FALSE);
          found |= g_str_has_prefix (feed->url, "https://example.org/feed");
        }
      g_assert_true (found);
    }
}

/* Expansion */

static char *
billion_laughs (const char *root_open,
                const char *use,
                const char *root_close)
{
  GString *doc = g_string_new ("<?xml version=\"1.0\"?>\n<!DOCTYPE root [\n"
                               "<!ENTITY l0 \"lol lol lol lol lol lol lol lol lol lol\">\n");

  for (guint i = 1; i <= 9; i++)
    {
      g_string_append_printf (doc, "<!ENTITY l%u \"", i);
      for (guint j = 0; j < 10; j++)
        g_string_append_printf (doc, "&l%u;", i - 1);
      g_string_append (doc, "\">\n");
    }
  g_string_append_printf (doc, "]>\n%s%s%s", root_open, use, root_close);
  return g_string_free (doc, FALSE);
}

/* One entity of 10 KB referred to 20,000 times: no nesting for libxml2 2.9 to notice,
 * and 200 MB once expanded. */
static char *
quadratic_blowup (const char *root_open,
                  const char *use_open,
                  const char *use_close,
                  const char *root_close)
{
  GString *doc = g_string_new ("<?xml version=\"1.0\"?>\n<!DOCTYPE root [\n<!ENTITY a \"");

  for (guint i = 0; i < 10000; i++)
    g_string_append_c (doc, 'a');
  g_string_append_printf (doc, "\">\n]>\n%s%s", root_open, use_open);
  for (guint i = 0; i < 20000; i++)
    g_string_append (doc, "&a;");
  g_string_append_printf (doc, "%s%s", use_close, root_close);
  return g_string_free (doc, FALSE);
}

static void
assert_feed_bounded (MwParsedFeed *feed)
{
  g_assert_cmpuint (feed->items->len, ==, 1);
  g_assert_cmpuint (strlen (feed->title), <=, 2048);
  for (guint i = 0; i < feed->items->len; i++)
    {
      MwParsedItem *item = g_ptr_array_index (feed->items, i);

      g_assert_true (item->title == NULL || strlen (item->title) <= 2048);
      g_assert_true (item->summary == NULL || strlen (item->summary) <= MIB);
      g_assert_true (item->content == NULL || strlen (item->content) <= MIB);
    }
}

static void
test_expansion (Fixture       *fixture,
                gconstpointer  data)
{
  const char *feed_open = "<rss version=\"2.0\"><channel><title>Laughs</title><item><guid>g</guid>";
  const char *feed_close = "</item></channel></rss>";
  const char *opml_open = "<opml version=\"2.0\"><body>"
                          "<outline text=\"Kept\" xmlUrl=\"https://kept.example.com/\"/>";
  const char *opml_close = "</body></opml>";
  const char *html_open = "<html><head>"
                          "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed\" title=\"";
  const char *html_close = "\"></head></html>";
  g_autofree char *feed_laughs = billion_laughs (feed_open, "<title>&l9;</title><description>&l9;</description>", feed_close);
  g_autofree char *feed_quadratic = quadratic_blowup (feed_open, "<title>", "</title>", feed_close);
  g_autofree char *opml_laughs = billion_laughs (opml_open, "<outline text=\"&l9;\" xmlUrl=\"https://laughs.example.com/\"/>", opml_close);
  g_autofree char *opml_quadratic = quadratic_blowup (opml_open, "<outline xmlUrl=\"https://quad.example.com/\" text=\"", "\"/>", opml_close);
  g_autofree char *html_laughs = billion_laughs (html_open, "&l9;", html_close);
  g_autofree char *html_quadratic = quadratic_blowup (html_open, "", "", html_close);

  /* Feeds: entities are never expanded, so the references stay as text, cut short. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MwParsedFeed) laughs = mw_feed_parse ((const guint8 *) feed_laughs, strlen (feed_laughs), NULL, FEED_URL, &error);
    g_autoptr(MwParsedFeed) quadratic = NULL;

    g_assert_no_error (error);
    assert_feed_bounded (laughs);
    for (guint i = 0; i < laughs->items->len; i++)
      {
        MwParsedItem *item = g_ptr_array_index (laughs->items, i);

        g_assert_true (item->title == NULL || strstr (item->title, "lol") == NULL);
        g_assert_true (item->summary == NULL || strstr (item->summary, "lol") == NULL);
      }
    quadratic = mw_feed_parse ((const guint8 *) feed_quadratic, strlen (feed_quadratic), NULL, FEED_URL, &error);
    g_assert_no_error (error);
    assert_feed_bounded (quadratic);
  }

  /* OPML: internal entities are expanded, up to a bound; past it a value is junk. The
   * other outlines are still read. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) laughs = mw_opml_parse ((const guint8 *) opml_laughs, strlen (opml_laughs), &error);
    g_autoptr(GPtrArray) quadratic = NULL;

    if (laughs == NULL)
      {
        /* libxml2 itself refuses the exponential kind, with a line number. */
        g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE);
        g_test_message ("billion laughs in OPML: %s", error->message);
        g_clear_error (&error);
      }
    else
      {
        for (guint i = 0; i < laughs->len; i++)
          {
            MwOpmlEntry *entry = g_ptr_array_index (laughs, i);

            g_assert_true (entry->title == NULL || g_utf8_strlen (entry->title, -1) <= 512);
          }
      }

    quadratic = mw_opml_parse ((const guint8 *) opml_quadratic, strlen (opml_quadratic), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (quadratic->len, ==, 2);
    g_assert_cmpstr (((MwOpmlEntry *) g_ptr_array_index (quadratic, 0))->title, ==, "Kept");
    g_assert_cmpstr (((MwOpmlEntry *) g_ptr_array_index (quadratic, 1))->url, ==,
                     "https://quad.example.com/");
    g_assert_null (((MwOpmlEntry *) g_ptr_array_index (quadratic, 1))->title);
  }

  /* Pages: the HTML parser knows no entity declarations at all. */
  {
    g_autoptr(GPtrArray) laughs = mw_feed_discover ((const guint8 *) html_laughs, strlen (html_laughs), PAGE_URL);
    g_autoptr(GPtrArray) quadratic = mw_feed_discover ((const guint8 *) html_quadratic, strlen (html_quadratic), PAGE_URL);

    g_assert_cmpuint (laughs->len, ==, 1);
    g_assert_cmpuint (quadratic->len, ==, 1);
    for (guint i = 0; i < 2; i++)
      {
        MwDiscoveredFeed *feed = g_ptr_array_index (i == 0 ? laughs : quadratic, 0);

        g_assert_cmpstr (feed->url, ==, "https://example.org/feed");
        g_assert_true (feed->title == NULL || g_utf8_strlen (feed->title, -1) <= 512);
      }
  }

  assert_not_opened (fixture, "expansion");
}

/* Nesting */

static char *
nest (const char *before,
      const char *open,
      const char *close,
      guint       depth,
      const char *after)
{
  GString *doc = g_string_new (before);

  for (guint i = 0; i < depth; i++)
    g_string_append (doc, open);
  for (guint i = 0; i < depth; i++)
    g_string_append (doc, close);
  g_string_append (doc, after);
  return g_string_free (doc, FALSE);
}

static void
test_nesting (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *rss = nest ("<rss><channel><title>Deep</title><item><title>Before</title></item>"
                               "<item><title>Deep</title><description>",
                               "<x>", "</x>", 100000,
                               "</description></item></channel></rss>");
  g_autofree char *atom = nest ("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Deep</title>"
                                "<entry><id>1</id><title>Before</title></entry>"
                                "<entry><id>2</id><content type=\"xhtml\">",
                                "<div>", "</div>", 100000, "</content></entry></feed>");
  g_autofree char *opml = nest ("<opml version=\"2.0\"><body>"
                                "<outline text=\"Before\" xmlUrl=\"https://before.example.com/\"/>",
                                "<outline text=\"f\">", "</outline>", 100000, "</body></opml>");
  g_autofree char *html = nest ("<html><head>"
                                "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed\">"
                                "</head><body>",
                                "<div>", "</div>", 100000, "</body></html>");
  const char *feeds[] = { rss, atom };

  for (guint i = 0; i < G_N_ELEMENTS (feeds); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MwParsedFeed) feed = mw_feed_parse ((const guint8 *) feeds[i], strlen (feeds[i]), NULL, FEED_URL, &error);

      /* libxml2 stops at 256 levels; what came before is kept and the damage said. */
      g_assert_no_error (error);
      g_assert_cmpstr (feed->title, ==, "Deep");
      g_assert_cmpuint (feed->items->len, >=, 1);
      g_assert_cmpstr (((MwParsedItem *) g_ptr_array_index (feed->items, 0))->title, ==, "Before");
      g_assert_nonnull (feed->problem);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) entries = mw_opml_parse ((const guint8 *) opml, strlen (opml), &error);

    /* A list that deep is damaged, and saying where is the most useful answer. */
    g_assert_null (entries);
    g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE);
    g_test_message ("deep OPML: %s", error->message);
  }

  {
    g_autoptr(GPtrArray) found = mw_feed_discover ((const guint8 *) html, strlen (html), PAGE_URL);

    g_assert_cmpuint (found->len, ==, 1);
  }
}

/* 100 MiB, generated here rather than committed */

static void
test_huge (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GString) doc = g_string_sized_new (100 * MIB + 4096);

  /* A feed: refused by its size alone, before any parsing. */
  g_string_append (doc, "<rss version=\"2.0\"><channel><title>Huge</title>");
  while (doc->len < 100 * MIB)
    g_string_append (doc, "<item><title>An item</title><guid>g</guid></item>\n");
  g_string_append (doc, "</channel></rss>");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MwParsedFeed) feed = mw_feed_parse ((const guint8 *) doc->str, doc->len, NULL, FEED_URL, &error);

    g_assert_null (feed);
    g_assert_error (error, MW_FEED_ERROR, MW_FEED_ERROR_TOO_LARGE);
    g_test_message ("100 MiB feed: %s", error->message);
    g_assert_nonnull (strstr (error->message, "MB"));
  }

  /* A subscription list: the same. */
  g_string_assign (doc, "<opml version=\"2.0\"><body>");
  while (doc->len < 100 * MIB)
    g_string_append (doc, "<outline text=\"A feed\" xmlUrl=\"https://example.com/feed\"/>\n");
  g_string_append (doc, "</body></opml>");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) entries = mw_opml_parse ((const guint8 *) doc->str, doc->len, &error);

    g_assert_null (entries);
    g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT);
    g_test_message ("100 MiB OPML: %s", error->message);
  }

  /* A page: only its beginning is read, where feed links are; one 20 MiB further down
   * is not looked for. */
  g_string_assign (doc, "<html><head>"
                        "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/first\">"
                        "</head><body>");
  while (doc->len < 100 * MIB)
    {
      g_string_append (doc, "<p>Some text of a very long page.</p>\n");
      if (doc->len > 20 * MIB && doc->len < 20 * MIB + 64)
        g_string_append (doc, "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/late\">");
    }
  g_string_append (doc, "</body></html>");
  {
    g_autoptr(GPtrArray) found = mw_feed_discover ((const guint8 *) doc->str, doc->len, PAGE_URL);

    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpstr (((MwDiscoveredFeed *) g_ptr_array_index (found, 0))->url, ==,
                     "https://example.org/first");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/feed-attacks/external/feed", test_feed_external);
  ADD ("/feed-attacks/external/opml", test_opml_external);
  ADD ("/feed-attacks/external/discovery", test_discovery_external);
  ADD ("/feed-attacks/expansion", test_expansion);
  ADD ("/feed-attacks/nesting", test_nesting);
  ADD ("/feed-attacks/huge", test_huge);

#undef ADD

  return g_test_run ();
}
