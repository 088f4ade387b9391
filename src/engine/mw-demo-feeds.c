/* mw-demo-feeds.c: the sample feeds the demo server offers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three small feeds, one in each family of formats, the last with a podcast episode that
 * the downloader can fetch from the same server; and one very large feed, so that the
 * freezing switch shows what parsing tens of thousands of articles on the main thread
 * does to a window.
 */
#define G_LOG_DOMAIN "mw-demo-feeds"

#include "config.h"

#include "mw-demo-feeds.h"

static const char rss_feed[] =
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
  "    <pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate>\n"
  "    <content:encoded><![CDATA[<p>A window is a program that waits. It waits for the mouse, the keyboard, "
  "the clock and the network, and whenever <em>anything</em> happens it runs a little code and goes back to "
  "waiting. That waiting place is the <strong>main loop</strong>.</p><p>If the code it runs takes long, "
  "nothing else happens meanwhile: no redraw, no click.</p>]]></content:encoded>\n"
  "  </item>\n"
  "  <item>\n"
  "    <title>Callbacks, in one paragraph</title>\n"
  "    <link>https://meanwhile.example/notes/callbacks</link>\n"
  "    <guid>https://meanwhile.example/notes/callbacks</guid>\n"
  "    <pubDate>Fri, 20 Nov 2026 18:30:00 GMT</pubDate>\n"
  "    <description>&lt;p&gt;Instead of waiting for the answer, ask for it and say what to do when it "
  "comes. The main loop calls you back; in between, it is free.&lt;/p&gt;</description>\n"
  "  </item>\n"
  "</channel>\n"
  "</rss>\n";

static const char atom_feed[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
  "  <title>Loopback Weekly</title>\n"
  "  <link href=\"https://loopback.example/\"/>\n"
  "  <id>urn:uuid:6c1b0bd8-0f4e-4c8e-9f0a-loopback</id>\n"
  "  <updated>2026-11-21T12:00:00Z</updated>\n"
  "  <entry>\n"
  "    <title>Freezing mode, explained</title>\n"
  "    <link href=\"https://loopback.example/freezing\"/>\n"
  "    <id>urn:uuid:loopback-1</id>\n"
  "    <published>2026-11-21T12:00:00Z</published>\n"
  "    <author><name>Ada</name></author>\n"
  "    <content type=\"html\">&lt;p&gt;Flip the switch, then refresh the big feed. The heartbeat in the header "
  "bar stops: the parse runs on the main thread, and the window cannot draw until it is done.&lt;/p&gt;"
  "&lt;ul&gt;&lt;li&gt;Watch the meter.&lt;/li&gt;&lt;li&gt;Read the event log.&lt;/li&gt;&lt;/ul&gt;</content>\n"
  "  </entry>\n"
  "</feed>\n";

static char *
make_json_feed (MwDemoServer *server)
{
  g_autofree char *episode = mw_demo_server_dup_url (server, "files/field-recording.flac");

  return g_strdup_printf ("{\n"
                          "  \"version\": \"https://jsonfeed.org/version/1.1\",\n"
                          "  \"title\": \"Field Recordings Podcast\",\n"
                          "  \"home_page_url\": \"https://podcast.example/\",\n"
                          "  \"items\": [\n"
                          "    { \"id\": \"episode-1\", \"title\": \"Episode 1: Rain on a tin roof\",\n"
                          "      \"url\": \"https://podcast.example/1\",\n"
                          "      \"date_published\": \"2026-11-19T08:00:00Z\",\n"
                          "      \"content_html\": \"<p>Forty minutes of rain. Download the episode below.</p>\",\n"
                          "      \"attachments\": [ { \"url\": \"%s\", \"mime_type\": \"audio/flac\","
                          " \"size_in_bytes\": 4194304 } ] }\n"
                          "  ]\n"
                          "}\n", episode);
}

/* A generated feed as large as a busy site's archive. */
char *
mw_demo_feeds_make_big_rss (guint n_items)
{
  GString *rss = g_string_sized_new (n_items * 300 + 256);

  g_string_append (rss, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
                        "<title>The Big Archive</title><link>https://archive.example/</link>"
                        "<description>Tens of thousands of articles</description>\n");
  for (guint i = 0; i < n_items; i++)
    g_string_append_printf (rss,
                            "<item><title>Archived article number %u</title>"
                            "<link>https://archive.example/%u</link><guid>archive-%u</guid>"
                            "<pubDate>Mon, %02u Nov 2026 %02u:%02u:00 GMT</pubDate>"
                            "<description>Article %u of the archive, kept for the freezing demonstration: "
                            "parsing all of these takes the main loop a noticeable while.</description></item>\n",
                            i, i, i, 1 + i % 28, i % 24, i % 60, i);
  g_string_append (rss, "</channel></rss>\n");
  return g_string_free (rss, FALSE);
}

/* Returns: (transfer full): the URLs of the sample feeds, now served by SERVER */
GStrv
mw_demo_feeds_install (MwDemoServer *server)
{
  g_autoptr(GStrvBuilder) urls = g_strv_builder_new ();
  g_autofree char *json = make_json_feed (server);
  g_autofree char *big = mw_demo_feeds_make_big_rss (MW_DEMO_FEEDS_BIG_ITEMS);
  const struct {
    const char *path;
    const char *type;
    const char *text;
  } feeds[] = {
    { "feeds/notes.rss", "application/rss+xml; charset=utf-8", rss_feed },
    { "feeds/loopback.atom", "application/atom+xml; charset=utf-8", atom_feed },
    { "feeds/podcast.json", "application/feed+json; charset=utf-8", json },
    { "feeds/big-archive.rss", "application/rss+xml; charset=utf-8", big },
  };

  for (guint i = 0; i < G_N_ELEMENTS (feeds); i++)
    {
      g_autofree char *url = mw_demo_server_dup_url (server, feeds[i].path);

      mw_demo_server_add_text (server, feeds[i].path, feeds[i].type, feeds[i].text);
      g_strv_builder_add (urls, url);
    }
  return g_strv_builder_end (urls);
}
