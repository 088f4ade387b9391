/* test-window-feeds.c: subscribing, reading and searching on the feeds page, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-window-feeds"

#include "config.h"

#include "mw-adaptive.h"
#include "mw-demo-feeds.h"
#include "mw-feed-row.h"
#include "mw-feeds-page.h"
#include "mw-test-window.h"

typedef MwTestWindow Fixture;

/* A name long enough to make its Download button wider than the article pane. */
#define EPISODE_NAME "forty-minutes-of-rain-on-a-tin-roof-recorded-at-dawn.mp3"
#define EPISODE_PATH "/" EPISODE_NAME

static gboolean
has_items (gpointer model)
{
  return g_list_model_get_n_items (model) > 0;
}

static gboolean
has_two_items (gpointer model)
{
  return g_list_model_get_n_items (model) == 2;
}

static gboolean
on_screen (GtkWidget *widget)
{
  return widget != NULL && gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static gboolean
label_says (GtkWidget     *widget,
            gconstpointer  text)
{
  return g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0 && on_screen (widget);
}

typedef struct
{
  GtkWidget     *root;
  GType          type;
  MwTestWidgetMatch match;
  gconstpointer  data;
  GtkWidget     *found;
} Wanted;

static gboolean
shown (gpointer data)
{
  Wanted *wanted = data;

  wanted->found = mw_test_find_widget (wanted->root, wanted->type, wanted->match, wanted->data);
  return on_screen (wanted->found);
}

/* Returns: (transfer none): the widget of @type below @root for which @match holds,
 * once it is on screen */
static GtkWidget *
wait_for_shown (GtkWidget         *root,
                GType              type,
                MwTestWidgetMatch  match,
                gconstpointer      data,
                const char        *what)
{
  Wanted wanted = { root, type, match, data, NULL };

  mw_test_wait_until (shown, &wanted, MW_TEST_PATIENCE_MS, what);
  return wanted.found;
}

static gboolean
row_of_download (GtkWidget     *widget,
                 gconstpointer  download)
{
  return mw_download_row_get_download (MW_DOWNLOAD_ROW (widget)) == download;
}

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_feed_subscribe_read_download (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(GBytes) episode = mw_test_make_bytes (30000, 21);
  g_autofree char *episode_url = mw_test_server_url (fixture->server, EPISODE_PATH);
  g_autofree char *feed_url = mw_test_server_url (fixture->server, "/podcast.xml");
  g_autofree char *rss = NULL;
  g_autoptr(GBytes) body = NULL;
  MwTestResource *resource;
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  MwDownloadList *downloads = mw_application_get_downloads (fixture->app);
  MwFeedsPage *page = mw_window_get_feeds_page (fixture->window);
  GtkWidget *button;
  MwFeedItem *article;

  mw_test_server_add (fixture->server, EPISODE_PATH, episode);
  rss = g_strdup_printf ("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test Podcast</title>"
                         "<item><title>Older episode</title><guid>e1</guid>"
                         "<pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate><description>Old</description></item>"
                         "<item><title>Newest episode</title><guid>e2</guid><link>https://podcast.example/2</link>"
                         "<pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDate>"
                         "<description>&lt;p&gt;Listen &lt;b&gt;now&lt;/b&gt;: forty minutes of rain on a tin roof, "
                         "recorded at dawn.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Best with headphones&lt;/li&gt;"
                         "&lt;li&gt;See &lt;a href=\"https://podcast.example/notes\"&gt;the notes&lt;/a&gt;&lt;/li&gt;"
                         "&lt;/ul&gt;</description>"
                         "<enclosure url=\"%s\" type=\"audio/mpeg\" length=\"30000\"/></item>"
                         "</channel></rss>", episode_url);
  body = g_bytes_new (rss, strlen (rss));
  resource = mw_test_server_add (fixture->server, "/podcast.xml", body);
  resource->content_type = g_strdup ("application/rss+xml");

  /* Subscribing as a person would, through the window's subscribe box. */
  mw_window_subscribe (fixture->window, feed_url);
  mw_test_wait_until (has_items, feeds, MW_TEST_PATIENCE_MS, "the feed to be subscribed");

  /* The feed's articles are listed, newest first. */
  mw_test_wait_until (has_two_items, mw_feeds_page_get_articles (page), MW_TEST_PATIENCE_MS,
                      "the feed's two articles to be listed");
  g_assert_true (mw_feeds_page_open_article (page, 0));
  article = mw_feeds_page_get_open_article (page);
  g_assert_nonnull (article);
  g_assert_cmpstr (mw_feed_item_get_title (article), ==, "Newest episode");
  g_assert_true (mw_feed_item_get_read (article));

  /* Its enclosure goes to the downloader, and a toast says so; its Show button leads to
   * the download. */
  button = wait_for_shown (GTK_WIDGET (page), GTK_TYPE_BUTTON, mw_test_has_action, "feeds.download-enclosure",
                           "the enclosure's Download button");
  /* At the window's first size the article and its long button leave the three panes
   * side by side. */
  g_assert_false (mw_panes_get_folded (MW_PANES (mw_test_find_widget (GTK_WIDGET (page), MW_TYPE_PANES, NULL, NULL))));
  g_assert_true (on_screen (mw_test_find_widget (GTK_WIDGET (page), MW_TYPE_FEED_ROW, NULL, NULL)));
  /* Activated rather than clicked: the pointer stays out of the screenshot below. */
  g_assert_true (gtk_widget_activate (button));
  mw_test_wait_until (has_items, downloads, MW_TEST_PATIENCE_MS, "the click to add a download");
  wait_for_shown (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL, label_says, "Downloading “" EPISODE_NAME "”",
                  "a toast to say that the episode is downloading");
  button = wait_for_shown (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, mw_test_button_labelled, "Show",
                           "the toast's Show button");
  /* GTK 4.8 names a labelled button by a label property, which must not spell out a
   * mnemonic; later versions name it by its label's text and set none. */
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL))
    gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL, "Show");
  /* The toast is still sliding in: no pointer, but the button's own activation. */
  g_assert_true (gtk_widget_activate (button));
  {
    g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (downloads), 0);

    g_assert_cmpstr (mw_download_get_url (download), ==, episode_url);
    wait_for_shown (GTK_WIDGET (fixture->window), MW_TYPE_DOWNLOAD_ROW, row_of_download, download,
                    "Show to bring the download's row on screen");
    g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (page)));
    mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  }
  mw_window_show_page (fixture->window, "feeds");

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 700);
  mw_test_window_wait_for_width (fixture, 1200);
  mw_test_iterate_for (300);
  mw_test_save_screenshot (GTK_WIDGET (fixture->window), "feeds-page.png");

  /* Unsubscribing clears the list (the toast's undo is the downloads' one). */
  mw_test_unsubscribe_all (feeds);
}

/* --- Feeds: many articles, and finding one --------------------------------------- */



static void
subscribed_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  guint *n_done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = mw_feed_list_subscribe_finish (MW_FEED_LIST (source_object), result, NULL, &error);

  g_assert_no_error (error);
  (*n_done)++;
}

typedef struct
{
  guint n_done;
  guint n;
} Progress;

static gboolean
all_done (gpointer data)
{
  Progress *progress = data;

  return progress->n_done >= progress->n;
}

static guint
total_unread (MwFeedList *feeds)
{
  guint unread = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (feeds)); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (feeds), i);
      unread += mw_feed_get_unread_count (feed);
    }
  return unread;
}

/* "Mark all read" over every feed's articles: all of them read, every unread count at
 * zero, and done a batch at a time, so that the window goes on drawing meanwhile. */
static void
test_feeds_mark_all_read (Fixture       *fixture,
                          gconstpointer  user_data)
{
  const guint n_feeds = 20;
  g_autofree char *rss = mw_demo_feeds_make_big_rss (MW_FEED_MAX_ITEMS);
  g_autoptr(GBytes) body = g_bytes_new (rss, strlen (rss));
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  MwFeedsPage *page = mw_window_get_feeds_page (fixture->window);
  Progress subscribed = { 0, n_feeds };
  gboolean timed_out = FALSE;
  guint dispatches = 0;
  guint timeout;

  for (guint i = 0; i < n_feeds; i++)
    {
      g_autofree char *path = g_strdup_printf ("/archive-%u.xml", i);
      g_autofree char *url = mw_test_server_url (fixture->server, path);
      MwTestResource *resource = mw_test_server_add (fixture->server, path, body);

      resource->content_type = g_strdup ("application/rss+xml");
      mw_feed_list_subscribe_async (feeds, url, NULL, subscribed_cb, &subscribed.n_done);
    }
  mw_test_wait_until (all_done, &subscribed, 60000, "twenty feeds of five hundred articles to be subscribed");
  mw_window_show_page (fixture->window, "feeds");
  mw_test_iterate_for (100);
  g_assert_cmpuint (total_unread (feeds), ==, n_feeds * MW_FEED_MAX_ITEMS);

  gtk_widget_activate_action (GTK_WIDGET (page), "feeds.mark-all-read", NULL);
  /* The action only starts the work: ten thousand articles are more than one frame's. */
  g_assert_cmpuint (total_unread (feeds), >, 0);

  timeout = g_timeout_add (30000, timed_out_cb, &timed_out);
  while (total_unread (feeds) > 0)
    {
      if (timed_out)
        g_error ("Waited 30 s for every article to be marked read, in vain (%u left)", total_unread (feeds));
      if (g_main_context_iteration (NULL, TRUE))
        dispatches++;
    }
  g_source_remove (timeout);
  g_assert_cmpuint (dispatches, >, 1);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (feeds)); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (feeds), i);
      GListModel *items = mw_feed_get_items (feed);

      g_assert_cmpuint (mw_feed_get_unread_count (feed), ==, 0);
      for (guint j = 0; j < g_list_model_get_n_items (items); j++)
        {
          g_autoptr(MwFeedItem) item = g_list_model_get_item (items, j);
          g_assert_true (mw_feed_item_get_read (item));
        }
    }
  mw_test_unsubscribe_all (feeds);
}

typedef struct
{
  MwFeedsPage *page;
  guint        n;
} Shown;

static gboolean
shows_n (gpointer data)
{
  Shown *shown = data;

  return g_list_model_get_n_items (mw_feeds_page_get_articles (shown->page)) == shown->n;
}

static void
search_for (Fixture    *fixture,
            const char *text,
            guint       n,
            const char *what)
{
  MwFeedsPage *page = mw_window_get_feeds_page (fixture->window);
  GtkWidget *entry = mw_test_find_widget (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY, NULL, NULL);
  Shown shown = { page, n };

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  mw_test_wait_until (shows_n, &shown, 10000, what);
}

static gboolean
shows_title (MwFeedsPage *page,
             const char  *title)
{
  GListModel *articles = mw_feeds_page_get_articles (page);

  for (guint i = 0; i < g_list_model_get_n_items (articles); i++)
    {
      g_autoptr(MwFeedItem) item = g_list_model_get_item (articles, i);

      if (g_strcmp0 (mw_feed_item_get_title (item), title) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The search finds articles by title and by content, whatever their case and however
 * their accents were written (composed, or a letter and a combining accent). */
static void
test_feeds_search (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const char rss[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Seasons</title>"
    "<item><title>L’été indien</title><guid>s1</guid><pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDate>"
    "<description>Warm days in autumn</description></item>"
    "<item><title>Winter</title><guid>s2</guid><pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate>"
    "<description>&lt;p&gt;Cold and DARK&lt;/p&gt;</description></item>"
    "<item><title>Holidays</title><guid>s3</guid><pubDate>Sat, 21 Nov 2026 08:00:00 GMT</pubDate>"
    "<description>Un e\xcc\x81te\xcc\x81 au bord de la mer</description></item>"
    "</channel></rss>";
  g_autoptr(GBytes) body = g_bytes_new_static (rss, strlen (rss));
  g_autofree char *url = mw_test_server_url (fixture->server, "/seasons.xml");
  MwTestResource *resource = mw_test_server_add (fixture->server, "/seasons.xml", body);
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  MwFeedsPage *page = mw_window_get_feeds_page (fixture->window);
  Progress subscribed = { 0, 1 };
  Shown all = { page, 3 };

  resource->content_type = g_strdup ("application/rss+xml");
  mw_feed_list_subscribe_async (feeds, url, NULL, subscribed_cb, &subscribed.n_done);
  mw_test_wait_until (all_done, &subscribed, 10000, "the feed to be subscribed");
  mw_window_show_page (fixture->window, "feeds");
  mw_test_wait_until (shows_n, &all, 10000, "the three articles to be listed");

  search_for (fixture, "ÉTÉ", 2, "a search in capitals and accents to find the two summers, by title and by text");
  g_assert_true (shows_title (page, "L’été indien"));
  g_assert_true (shows_title (page, "Holidays"));
  search_for (fixture, "dark", 1, "a search in small letters to find the article that says DARK");
  g_assert_true (shows_title (page, "Winter"));
  search_for (fixture, "spring", 0, "a search for a word in no article to find nothing");
  search_for (fixture, "", 3, "an empty search to list every article again");
  mw_test_unsubscribe_all (feeds);
}

static gboolean
row_of_feed (GtkWidget     *widget,
             gconstpointer  feed)
{
  return mw_feed_row_get_feed (MW_FEED_ROW (widget)) == feed;
}

static gboolean
search_ended (gpointer entry)
{
  return !on_screen (entry) && *gtk_editable_get_text (GTK_EDITABLE (entry)) == '\0';
}

/* A search that finds nothing says so and names what was searched, where an empty list
 * says that it is empty; choosing another feed ends the search. */
static void
test_feeds_search_ends (Fixture       *fixture,
                        gconstpointer  user_data)
{
  static const char seasons_rss[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Seasons</title>"
    "<item><title>Winter</title><guid>w</guid><description>Cold</description></item></channel></rss>";
  static const char weather_rss[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Weather</title>"
    "<item><title>Rain</title><guid>r</guid><description>Wet</description></item>"
    "<item><title>Snow</title><guid>s</guid><description>White</description></item></channel></rss>";
  g_autoptr(MwFeed) seasons = mw_test_window_subscribe (fixture, "/seasons.xml", seasons_rss);
  g_autoptr(MwFeed) weather = mw_test_window_subscribe (fixture, "/weather.xml", weather_rss);
  MwFeedsPage *page = mw_window_get_feeds_page (fixture->window);
  Shown weather_articles = { page, 2 };
  Shown seasons_articles = { page, 1 };
  GtkWidget *entry;

  mw_window_show_page (fixture->window, "feeds");
  mw_feeds_page_select_feed (page, weather);
  mw_test_wait_until (shows_n, &weather_articles, 10000, "the weather's two articles to be listed");

  gtk_widget_activate_action (GTK_WIDGET (page), "feeds.search", NULL);
  entry = wait_for_shown (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY, NULL, NULL, "the search to open");
  search_for (fixture, "sun <b> & co", 0, "a search for words in no article to find nothing");
  wait_for_shown (GTK_WIDGET (page), GTK_TYPE_LABEL, label_says, "No Results", "the list to say “No Results”");
  wait_for_shown (GTK_WIDGET (page), GTK_TYPE_LABEL, label_says, "No articles match “sun <b> & co”",
                  "the list to name what was searched, as typed");

  /* Another feed: the search ends, and all its articles are there. */
  mw_test_click_widget (wait_for_shown (GTK_WIDGET (page), MW_TYPE_FEED_ROW, row_of_feed, seasons,
                                        "the row of the other feed"));
  mw_test_wait_until (search_ended, entry, MW_TEST_PATIENCE_MS, "choosing another feed to end the search");
  mw_test_wait_until (shows_n, &seasons_articles, 10000, "the other feed's article to be listed");

  /* A list that is empty without a search says that. */
  gtk_widget_activate_action (GTK_WIDGET (page), "feeds.search", NULL);
  search_for (fixture, "frost", 0, "a search in the other feed to find nothing");
  wait_for_shown (GTK_WIDGET (page), GTK_TYPE_LABEL, label_says, "No Results", "the list to say “No Results”");
  mw_test_click_widget (wait_for_shown (GTK_WIDGET (page), GTK_TYPE_BUTTON, mw_test_button_labelled, "_All Articles",
                                        "the All Articles button"));
  mw_test_wait_until (search_ended, entry, MW_TEST_PATIENCE_MS, "All Articles to end the search");
  mw_test_click_widget (wait_for_shown (GTK_WIDGET (page), GTK_TYPE_TOGGLE_BUTTON, mw_test_button_labelled,
                                        "Starred", "the Starred filter"));
  wait_for_shown (GTK_WIDGET (page), GTK_TYPE_LABEL, label_says, "No Articles",
                  "a list of no starred articles to say “No Articles”");
  g_assert_null (mw_test_find_widget (GTK_WIDGET (page), GTK_TYPE_LABEL, label_says, "No Results"));
  mw_test_click_widget (wait_for_shown (GTK_WIDGET (page), GTK_TYPE_TOGGLE_BUTTON, mw_test_button_labelled,
                                        "All", "the All filter"));

  mw_test_unsubscribe_all (mw_application_get_feeds (fixture->app));
}

int
main (int   argc,
      char *argv[])
{
  static const MwTestWindowCase cases[] = {
    { "/window/feed-subscribe-read-download", test_feed_subscribe_read_download },
    { "/window/feeds/mark-all-read", test_feeds_mark_all_read },
    { "/window/feeds/search", test_feeds_search },
    { "/window/feeds/search-ends", test_feeds_search_ends },
  };

  return mw_test_window_main (argc, argv, cases, G_N_ELEMENTS (cases));
}
