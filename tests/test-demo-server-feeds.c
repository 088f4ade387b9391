/* test-demo-server-feeds.c: the demo's feeds, served on loopback and read by a real feed list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo server's files and its HTTP are tested in test-demo-server.c.
 */
#define G_LOG_DOMAIN "test-demo-server-feeds"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "mw-demo-feeds.h"
#include "mw-demo-server.h"
#include "mw-feed-list.h"
#include "mw-test-utils.h"

#define BIG_ARCHIVE    "feeds/big-archive.rss"

/* Generous: a parse of the big archive under the sanitizers takes seconds, not this. */
#define FEED_TIMEOUT_MS (120 * 1000)

typedef struct
{
  MwDemoServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  /* Feeds are served at full speed, whatever the rate for the sample files. */
  fixture->server = mw_demo_server_new ();
  g_assert_true (mw_demo_server_start (fixture->server, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  /* Let finished transfers' last callbacks (closing streams) run before the server goes. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_finalize_object (fixture->server);
}

static const char *
response_header (SoupMessage *msg,
                 const char  *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (msg), name);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
result_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static MwFeed *
subscribe (MwFeedList *feeds,
           const char *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("the subscription to %s", url);
  MwFeed *feed;

  mw_feed_list_subscribe_async (feeds, url, NULL, result_cb, &result);
  mw_test_wait_until (has_result, &result, FEED_TIMEOUT_MS, what);
  feed = mw_feed_list_subscribe_finish (feeds, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (feed);
  return feed;
}

static void
refresh (MwFeedList *feeds,
         MwFeed     *feed)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("the refresh of %s", mw_feed_get_url (feed));

  mw_feed_list_refresh_async (feeds, feed, NULL, result_cb, &result);
  mw_test_wait_until (has_result, &result, FEED_TIMEOUT_MS, what);
  g_assert_true (mw_feed_list_refresh_finish (feeds, result, &error));
  g_assert_no_error (error);
  g_assert_null (mw_feed_get_error_message (feed));
}

static const char *
find_url (char       **urls,
          const char  *path)
{
  for (guint i = 0; urls[i] != NULL; i++)
    if (g_str_has_suffix (urls[i], path))
      return urls[i];
  g_error ("The demo offers no feed at %s", path);
}

static MwFeedItem *
newest_item (MwFeed *feed)
{
  g_autoptr(MwFeedItem) item = g_list_model_get_item (mw_feed_get_items (feed), 0);

  g_assert_nonnull (item);
  return item;
}

/* --- Tests ------------------------------------------------------------------------ */

/* The big archive is new on every request, conditional or not: a client that has the
 * last version still gets the whole feed, changed at its start and the same after it. */
static void
test_big_archive_varies (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_auto(GStrv) urls = mw_demo_feeds_install (fixture->server);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) etags = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) last = NULL;
  g_autoptr(GBytes) range_body = NULL;
  g_autoptr(SoupMessage) range = NULL;
  g_autoptr(GError) range_error = NULL;
  const char end[] = "</channel></rss>\n";
  gsize tail_length = 4 * 1024 * 1024;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", find_url (urls, BIG_ARCHIVE));
      SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
      g_autoptr(GError) error = NULL;
      GBytes *body;
      gsize size;
      const guint8 *data;

      /* What a feed reader sends once it has a version. */
      if (i > 0)
        {
          soup_message_headers_replace (headers, "If-None-Match", g_ptr_array_index (etags, i - 1));
          soup_message_headers_replace (headers, "If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT");
        }
      body = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (bodies, body);
      data = g_bytes_get_data (body, &size);

      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
      g_assert_nonnull (response_header (msg, "ETag"));
      g_assert_nonnull (response_header (msg, "Last-Modified"));
      g_assert_cmpuint (size, >, 8 * 1024 * 1024);
      g_assert_true (g_str_has_prefix ((const char *) data, "<?xml"));
      g_assert_cmpmem (data + size - strlen (end), strlen (end), end, strlen (end));
      for (guint j = 0; j < etags->len; j++)
        {
          GBytes *earlier = g_ptr_array_index (bodies, j);

          g_assert_cmpstr (response_header (msg, "ETag"), !=, g_ptr_array_index (etags, j));
          g_assert_false (g_bytes_equal (body, earlier));
          /* Only the start changes: the archive behind it is made once. */
          g_assert_cmpmem (data + size - tail_length, tail_length,
                           (const guint8 *) g_bytes_get_data (earlier, NULL) + g_bytes_get_size (earlier) - tail_length,
                           tail_length);
        }
      g_ptr_array_add (etags, g_strdup (response_header (msg, "ETag")));
    }

  last = mw_demo_server_dup_file_contents (fixture->server, BIG_ARCHIVE);
  g_assert_nonnull (last);
  g_assert_true (g_bytes_equal (last, g_ptr_array_index (bodies, 2)));
  g_assert_cmpuint (mw_demo_server_get_n_requests (fixture->server, BIG_ARCHIVE), ==, 3);

  /* A range of a version is a range of that version, across where its start ends. */
  range = soup_message_new ("GET", find_url (urls, BIG_ARCHIVE));
  soup_message_headers_replace (soup_message_get_request_headers (range), "Range", "bytes=100-");
  range_body = soup_session_send_and_read (session, range, NULL, &range_error);
  g_assert_no_error (range_error);
  g_assert_cmpuint (soup_message_get_status (range), ==, 206);
  g_clear_pointer (&last, g_bytes_unref);
  last = mw_demo_server_dup_file_contents (fixture->server, BIG_ARCHIVE);
  g_assert_cmpmem (g_bytes_get_data (range_body, NULL), g_bytes_get_size (range_body),
                   (const guint8 *) g_bytes_get_data (last, NULL) + 100, g_bytes_get_size (last) - 100);
}

/* Every refresh of the big archive downloads and parses it whole, and shows something
 * new on top: in freezing mode on the main thread, otherwise in a worker. */
static void
test_big_archive_refresh (Fixture       *fixture,
                          gconstpointer  user_data)
{
  gboolean blocking = GPOINTER_TO_INT (user_data);
  g_auto(GStrv) urls = mw_demo_feeds_install (fixture->server);
  g_autoptr(MwFeedList) feeds = mw_feed_list_new (NULL);
  g_autoptr(MwFeed) feed = NULL;
  g_autoptr(GPtrArray) newest = g_ptr_array_new_with_free_func (g_free);

  mw_feed_list_set_blocking_mode (feeds, blocking);
  feed = subscribe (feeds, find_url (urls, BIG_ARCHIVE));
  g_ptr_array_add (newest, g_strdup (mw_feed_item_get_id (newest_item (feed))));

  for (guint i = 1; i <= 2; i++)
    {
      const char *id;

      refresh (feeds, feed);
      g_assert_cmpuint (mw_demo_server_get_n_requests (fixture->server, BIG_ARCHIVE), ==, i + 1);

      /* A new article on top, and the ones before it still there. */
      id = mw_feed_item_get_id (newest_item (feed));
      g_test_message ("Newest after refresh %u: %s", i, mw_feed_item_get_title (newest_item (feed)));
      for (guint j = 0; j < newest->len; j++)
        {
          g_assert_cmpstr (id, !=, g_ptr_array_index (newest, j));
          g_assert_nonnull (mw_feed_find_item (feed, g_ptr_array_index (newest, j)));
        }
      g_ptr_array_add (newest, g_strdup (id));
      g_assert_cmpuint (g_list_model_get_n_items (mw_feed_get_items (feed)), ==, MW_FEED_MAX_ITEMS);
    }
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  gint64 x = mw_feed_item_get_date (*(MwFeedItem **) a);
  gint64 y = mw_feed_item_get_date (*(MwFeedItem **) b);

  return (x < y) - (x > y);
}

/* All articles of the demo, newest first as the article list shows them: the four
 * lessons come first, before every article of the archive, also after it was
 * refreshed. */
static void
test_lessons_on_top (Fixture       *fixture,
                     gconstpointer  user_data)
{
  static const char * const lessons[] = {
    "Freezing mode, explained",
    "What a main loop is",
    "Callbacks, in one paragraph",
    "Episode 1: Rain on a tin roof",
  };
  g_auto(GStrv) urls = mw_demo_feeds_install (fixture->server);
  g_autoptr(MwFeedList) feeds = mw_feed_list_new (NULL);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  MwFeed *big = NULL;
  gint64 oldest_lesson;

  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autoptr(MwFeed) feed = subscribe (feeds, urls[i]);

      if (g_str_has_suffix (urls[i], BIG_ARCHIVE))
        big = feed;
    }
  g_assert_nonnull (big);
  /* Fresh articles on top of the archive stay below the lessons. */
  refresh (feeds, big);
  refresh (feeds, big);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (feeds)); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (feeds), i);
      GListModel *items = mw_feed_get_items (feed);

      for (guint j = 0; j < g_list_model_get_n_items (items); j++)
        g_ptr_array_add (all, g_list_model_get_item (items, j));
    }
  g_assert_cmpuint (all->len, ==, G_N_ELEMENTS (lessons) + MW_FEED_MAX_ITEMS);
  g_ptr_array_sort (all, newest_first);

  for (guint i = 0; i < G_N_ELEMENTS (lessons); i++)
    g_assert_cmpstr (mw_feed_item_get_title (g_ptr_array_index (all, i)), ==, lessons[i]);
  /* Strictly newer, so that no order of equal dates can put an archive article between. */
  oldest_lesson = mw_feed_item_get_date (g_ptr_array_index (all, G_N_ELEMENTS (lessons) - 1));
  for (guint i = G_N_ELEMENTS (lessons); i < all->len; i++)
    {
      MwFeedItem *item = g_ptr_array_index (all, i);

      g_assert_true (g_str_has_prefix (mw_feed_item_get_id (item), "archive-"));
      g_assert_cmpint (mw_feed_item_get_date (item), <, oldest_lesson);
    }
  /* And none is dated in the future. */
  g_assert_cmpint (mw_feed_item_get_date (g_ptr_array_index (all, 0)), <=,
                   g_get_real_time () / G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/demo-server/big-archive/varies", test_big_archive_varies, NULL);
  ADD ("/demo-server/big-archive/refresh/responsive", test_big_archive_refresh, GINT_TO_POINTER (FALSE));
  ADD ("/demo-server/big-archive/refresh/freezing", test_big_archive_refresh, GINT_TO_POINTER (TRUE));
  ADD ("/demo-server/lessons-on-top", test_lessons_on_top, NULL);

  return g_test_run ();
}
