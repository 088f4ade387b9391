/* mw-demo-feeds.c: the sample feeds the demo server offers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three small feeds, one in each family of formats, the last with a podcast episode that
 * the downloader can fetch from the same server; and one very large feed, so that the
 * freezing switch shows what parsing tens of thousands of articles on the main thread
 * does to a window.
 *
 * Dates count back from the moment the feeds are installed: the four lessons are the
 * newest articles of the demo, so a list sorted by date shows them first, and every
 * article of the archive, old or fresh, is days older than the oldest lesson.
 */
#define G_LOG_DOMAIN "mw-demo-feeds"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "mw-demo-feeds.h"

#define MINUTE  G_GINT64_CONSTANT (60)
#define HOUR    (60 * MINUTE)
#define DAY     (24 * HOUR)

/* How long before the demo started each lesson appeared; the oldest comes last. */
#define FREEZING_AGE   (0)
#define MAIN_LOOP_AGE  (3 * HOUR)
#define CALLBACKS_AGE  (17 * HOUR + 30 * MINUTE)
#define EPISODE_AGE    (2 * DAY + 4 * HOUR)

/* The archive ends a week before the demo started, an article an hour before that. */
#define ARCHIVE_AGE        (7 * DAY)
#define ARCHIVE_STEP       HOUR
/* Each request of the archive puts this many fresh articles on top of it, a minute
 * later than the request before; they never come closer to the lessons than this. */
#define FRESH_PER_REQUEST  3
#define FRESH_NEWEST_AGE   (3 * DAY)

static char *
http_date (gint64 unix_time)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (unix_time);

  /* Fixed English names, whatever the locale: RSS wants RFC 822 dates. */
  return soup_date_time_to_string (date, SOUP_DATE_HTTP);
}

static char *
iso_date (gint64 unix_time)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format_iso8601 (date);
}

static char *
make_rss_feed (gint64 start)
{
  g_autofree char *main_loop = http_date (start - MAIN_LOOP_AGE);
  g_autofree char *callbacks = http_date (start - CALLBACKS_AGE);

  return g_strdup_printf (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n"
    "<channel>\n"
    "  <title>Meanwhile Notes</title>\n"
    "  <link>https://meanwhile.example/notes/</link>\n"
    "  <description>Short notes on doing two things at once</description>\n"
    "  <item>\n"
    "    <title>What a main loop is</title>\n"
    "    <link>https://meanwhile.example/notes/main-loop</link>\n"
    "    <guid>https://meanwhile.example/notes/main-loop</guid>\n"
    "    <pubDate>%s</pubDate>\n"
    "    <content:encoded><![CDATA[<p>A window is a program that waits. It waits for the mouse, the keyboard, "
    "the clock and the network, and whenever <em>anything</em> happens it runs a little code and goes back to "
    "waiting. That waiting place is the <strong>main loop</strong>.</p><p>If the code it runs takes long, "
    "nothing else happens meanwhile: no redraw, no click.</p>]]></content:encoded>\n"
    "  </item>\n"
    "  <item>\n"
    "    <title>Callbacks, in one paragraph</title>\n"
    "    <link>https://meanwhile.example/notes/callbacks</link>\n"
    "    <guid>https://meanwhile.example/notes/callbacks</guid>\n"
    "    <pubDate>%s</pubDate>\n"
    "    <description>&lt;p&gt;Instead of waiting for the answer, ask for it and say what to do when it "
    "comes. The main loop calls you back; in between, it is free.&lt;/p&gt;</description>\n"
    "  </item>\n"
    "</channel>\n"
    "</rss>\n", main_loop, callbacks);
}

static char *
make_atom_feed (gint64 start)
{
  g_autofree char *freezing = iso_date (start - FREEZING_AGE);

  return g_strdup_printf (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
    "  <title>Loopback Weekly</title>\n"
    "  <link href=\"https://loopback.example/\"/>\n"
    "  <id>urn:uuid:6c1b0bd8-0f4e-4c8e-9f0a-loopback</id>\n"
    "  <updated>%s</updated>\n"
    "  <entry>\n"
    "    <title>Freezing mode, explained</title>\n"
    "    <link href=\"https://loopback.example/freezing\"/>\n"
    "    <id>urn:uuid:loopback-1</id>\n"
    "    <published>%s</published>\n"
    "    <author><name>Ada</name></author>\n"
    "    <content type=\"html\">&lt;p&gt;Turn freezing mode on, then refresh the feeds. The Big Archive comes "
    "back with a few new articles on top every time, so all 30,000 of its articles are downloaded and parsed "
    "again, and in freezing mode that parse runs on the main thread: the heartbeat stops, and the window cannot "
    "draw or react until it is done.&lt;/p&gt;"
    "&lt;ul&gt;&lt;li&gt;Watch the meter: its worst delay is how long the window was stuck.&lt;/li&gt;"
    "&lt;li&gt;Turn freezing mode off and refresh again: the same parse runs in a worker thread, and the "
    "heartbeat goes on.&lt;/li&gt;"
    "&lt;li&gt;Read the event log while the demo downloads run in each mode: the same steps, as callbacks or as "
    "blocking calls.&lt;/li&gt;&lt;/ul&gt;</content>\n"
    "  </entry>\n"
    "</feed>\n", freezing, freezing);
}

static char *
make_json_feed (MwDemoServer *server,
                gint64        start)
{
  g_autofree char *episode = mw_demo_server_dup_url (server, "files/field-recording.flac");
  g_autofree char *published = iso_date (start - EPISODE_AGE);

  return g_strdup_printf ("{\n"
                          "  \"version\": \"https://jsonfeed.org/version/1.1\",\n"
                          "  \"title\": \"Field Recordings Podcast\",\n"
                          "  \"home_page_url\": \"https://podcast.example/\",\n"
                          "  \"items\": [\n"
                          "    { \"id\": \"episode-1\", \"title\": \"Episode 1: Rain on a tin roof\",\n"
                          "      \"url\": \"https://podcast.example/1\",\n"
                          "      \"date_published\": \"%s\",\n"
                          "      \"content_html\": \"<p>Forty minutes of rain. Download the episode below.</p>\",\n"
                          "      \"attachments\": [ { \"url\": \"%s\", \"mime_type\": \"audio/flac\","
                          " \"size_in_bytes\": 4194304 } ] }\n"
                          "  ]\n"
                          "}\n", published, episode);
}

static const char big_rss_start[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
  "<title>The Big Archive</title><link>https://archive.example/</link>"
  "<description>Tens of thousands of articles</description>\n";
static const char big_rss_end[] = "</channel></rss>\n";

static void
append_archive_item (GString    *rss,
                     guint       number,
                     const char *pub_date)
{
  g_string_append_printf (rss,
                          "<item><title>Archived article number %u</title>"
                          "<link>https://archive.example/%u</link><guid>archive-%u</guid>"
                          "<pubDate>%s</pubDate>"
                          "<description>Article %u of the archive, kept for the freezing demonstration: "
                          "parsing all of these takes the main loop a noticeable while.</description></item>\n",
                          number, number, number, pub_date, number);
}

/* The archive's articles, newest first, and the end of the document. */
static char *
make_big_rss_tail (guint  n_items,
                   gint64 newest)
{
  GString *rss = g_string_sized_new (n_items * 300 + 256);

  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *pub_date = http_date (newest - (gint64) i * ARCHIVE_STEP);

      append_archive_item (rss, i, pub_date);
    }
  g_string_append (rss, big_rss_end);
  return g_string_free (rss, FALSE);
}

/* A generated feed as large as a busy site's archive, the same on every call. Its dates
 * repeat, many articles sharing one, as happens in real archives. */
char *
mw_demo_feeds_make_big_rss (guint n_items)
{
  GString *rss = g_string_sized_new (n_items * 300 + 256);

  g_string_append (rss, big_rss_start);
  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *pub_date = g_strdup_printf ("Mon, %02u Nov 2026 %02u:%02u:00 GMT",
                                                   1 + i % 28, i % 24, i % 60);

      append_archive_item (rss, i, pub_date);
    }
  g_string_append (rss, big_rss_end);
  return g_string_free (rss, FALSE);
}

typedef struct
{
  gint64 start;   /* when the demo's feeds were installed, in Unix time */
} BigArchive;

/* The start of the archive for request N: the channel and a few fresh articles, which
 * say when they were served. Runs in the server thread for every request, so it stays
 * small; the 30,000 articles behind it were made once. */
static char *
make_big_rss_head (guint      n,
                   GDateTime *now,
                   gpointer   user_data)
{
  const BigArchive *archive = user_data;
  g_autoptr(GDateTime) local = g_date_time_to_local (now);
  g_autofree char *served = g_date_time_format (local, "%H:%M:%S");
  /* A minute newer than the request before, yet always days older than the lessons. */
  gint64 newest = MIN (archive->start - ARCHIVE_AGE + (gint64) n * MINUTE,
                       archive->start - FRESH_NEWEST_AGE);
  GString *rss = g_string_new (big_rss_start);

  for (guint i = 0; i < FRESH_PER_REQUEST; i++)
    {
      g_autofree char *pub_date = http_date (newest - i);

      g_string_append_printf (rss,
                              "<item><title>New on request %u (%u of %u), served at %s</title>"
                              "<link>https://archive.example/fresh/%" G_GINT64_FORMAT "/%u/%u</link>"
                              "<guid>archive-fresh-%" G_GINT64_FORMAT "-%u-%u</guid>"
                              "<pubDate>%s</pubDate>"
                              "<description>The demo server puts a few new articles on top of the archive "
                              "every time it is asked for it, so every refresh downloads and parses the whole "
                              "archive again. Their dates stay older than the lessons', which stay on top."
                              "</description></item>\n",
                              n, i + 1, FRESH_PER_REQUEST, served,
                              archive->start, n, i + 1,
                              archive->start, n, i + 1,
                              pub_date);
    }
  return g_string_free (rss, FALSE);
}

/* Returns: (transfer full): the URLs of the sample feeds, now served by SERVER */
GStrv
mw_demo_feeds_install (MwDemoServer *server)
{
  g_autoptr(GStrvBuilder) urls = g_strv_builder_new ();
  gint64 start = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *rss = make_rss_feed (start);
  g_autofree char *atom = make_atom_feed (start);
  g_autofree char *json = make_json_feed (server, start);
  g_autofree char *big_tail = make_big_rss_tail (MW_DEMO_FEEDS_BIG_ITEMS, start - ARCHIVE_AGE - ARCHIVE_STEP);
  BigArchive *archive = g_new0 (BigArchive, 1);
  const struct {
    const char *path;
    const char *type;
    const char *text;
  } feeds[] = {
    { "feeds/notes.rss", "application/rss+xml; charset=utf-8", rss },
    { "feeds/loopback.atom", "application/atom+xml; charset=utf-8", atom },
    { "feeds/podcast.json", "application/feed+json; charset=utf-8", json },
  };
  g_autofree char *big_url = mw_demo_server_dup_url (server, MW_DEMO_FEEDS_BIG_PATH);

  for (guint i = 0; i < G_N_ELEMENTS (feeds); i++)
    {
      g_autofree char *url = mw_demo_server_dup_url (server, feeds[i].path);

      mw_demo_server_add_text (server, feeds[i].path, feeds[i].type, feeds[i].text);
      g_strv_builder_add (urls, url);
    }

  archive->start = start;
  mw_demo_server_add_varying_text (server, MW_DEMO_FEEDS_BIG_PATH, "application/rss+xml; charset=utf-8",
                                   make_big_rss_head, archive, g_free, big_tail);
  g_strv_builder_add (urls, big_url);
  return g_strv_builder_end (urls);
}
