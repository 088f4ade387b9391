/* test-feed-sequences.c: feeds through sequences of what people and servers do, on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-feed-sequences"

#include "config.h"

#include <string.h>

#include "mw-feed-list.h"
#include "mw-feed-store.h"
#include "mw-test-server.h"

typedef MwTestFeeds Fixture;

static const char rss[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<rss version=\"2.0\"><channel><title>%s</title><link>https://site.example/</link>"
  "<item><title>First</title><link>https://site.example/1</link><guid>one</guid>"
  "<pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate><description>One</description></item>"
  "<item><title>Second</title><link>https://site.example/2</link><guid>two</guid>"
  "<pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDate><description>Two</description></item>"
  "</channel></rss>\n";

/* --- The server -------------------------------------------------------------------------- */

static MwTestResource *
serve (Fixture    *fixture,
       const char *path,
       const char *title)
{
  g_autofree char *text = g_strdup_printf (rss, title);

  return mw_test_server_add_text (fixture->server, path, text, "application/rss+xml");
}

static void
refresh (Fixture *fixture,
         MwFeed  *feed)
{
  g_autoptr(GError) error = NULL;

  mw_test_feeds_refresh (fixture, feed, &error);
  g_assert_no_error (error);
}

static void
load (MwFeedList *list)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mw_test_feed_list_load (list, &error));
  g_assert_no_error (error);
}

/* --- What is on disk --------------------------------------------------------------------- */

typedef struct
{
  Fixture    *fixture;
  const char *url;
  const char *item_id;   /* … is starred, */
  const char *etag;      /* … or the feed has this ETag */
  const char *title;     /* … and this title */
} Saved;

/* Returns: (transfer full) (nullable): the record of URL in feeds.json as it is now */
static MwFeedRecord *
read_saved (Fixture    *fixture,
            const char *url)
{
  g_autofree char *path = g_file_get_path (fixture->state);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) records = NULL;
  gsize length = 0;
  guint n_skipped = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;
  records = mw_feed_store_parse (contents, length, &n_skipped, NULL);
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      MwFeedRecord *record = g_ptr_array_index (records, i);

      if (g_strcmp0 (record->url, url) == 0)
        return g_ptr_array_steal_index (records, i);
    }
  return NULL;
}

static gboolean
is_saved (gpointer data)
{
  Saved *saved = data;
  MwFeedRecord *record = read_saved (saved->fixture, saved->url);
  gboolean found = FALSE;

  if (record == NULL)
    return FALSE;
  if (saved->item_id != NULL)
    {
      for (guint i = 0; i < record->items->len; i++)
        {
          MwItemRecord *item = g_ptr_array_index (record->items, i);

          if (g_strcmp0 (item->item->id, saved->item_id) == 0)
            found = item->starred;
        }
    }
  else
    found = g_strcmp0 (record->etag, saved->etag) == 0 && g_strcmp0 (record->title, saved->title) == 0;
  mw_feed_record_free (record);
  return found;
}

/* Returns: (transfer full): a list read afresh from the fixture's feeds.json */
static MwFeedList *
reload (Fixture *fixture)
{
  MwFeedList *again = mw_feed_list_new (fixture->state);

  load (again);
  return again;
}

/* --- Tests ------------------------------------------------------------------------------- */

/* A feed over the size limit ends with a sentence about its size, and the cancellable
 * the window lends to all its subscriptions still works for the next one. */
static void
test_oversize_then_subscribe (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GBytes) huge = mw_test_make_bytes (MW_FEED_MAX_BYTES + 4 * 1024 * 1024, 3);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/huge.xml", huge);
  g_autoptr(GCancellable) window = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) big = NULL;
  g_autoptr(MwFeed) normal = NULL;

  resource->content_type = g_strdup ("application/rss+xml");
  resource->chunked = TRUE;
  serve (fixture, "/normal.xml", "Normal");
  mw_feed_list_set_blocking_mode (fixture->list, GPOINTER_TO_INT (user_data));

  big = mw_test_feeds_subscribe (fixture, "/huge.xml", window, NULL, &error);
  g_assert_null (big);
  g_assert_error (error, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED);
  g_assert_nonnull (strstr (error->message, "larger than"));
  g_assert_false (g_cancellable_is_cancelled (window));
  g_clear_error (&error);

  normal = mw_test_feeds_subscribe (fixture, "/normal.xml", window, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (normal);
  g_assert_cmpstr (mw_feed_get_title (normal), ==, "Normal");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
}

/* A star is a change a person made: it reaches feeds.json without anything else
 * changing, within the usual save delay. */
static void
test_star_is_saved (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;
  g_autoptr(MwFeedList) again = NULL;
  g_autofree char *url = mw_test_server_url (fixture->server, "/feed.xml");
  Saved subscribed = { fixture, url, NULL, NULL, "Stars" };
  Saved starred = { fixture, url, "one", NULL, NULL };
  MwFeed *restored;

  load (fixture->list);
  serve (fixture, "/feed.xml", "Stars");
  feed = mw_test_feeds_subscribe (fixture, "/feed.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  mw_test_wait_until (is_saved, &subscribed, 5000, "the new subscription to be saved");

  mw_feed_item_set_starred (mw_feed_find_item (feed, "one"), TRUE);
  mw_test_wait_until (is_saved, &starred, 5000, "the star to reach feeds.json");

  again = reload (fixture);
  restored = mw_feed_list_find (again, url);
  g_assert_nonnull (restored);
  g_assert_true (mw_feed_item_get_starred (mw_feed_find_item (restored, "one")));
  g_assert_false (mw_feed_item_get_starred (mw_feed_find_item (restored, "two")));
}

/* Unsubscribe with undo, subscribe to the same address again, then Undo: still one
 * subscription, and the star made before unsubscribing is kept. */
static void
test_undo_unsubscribe_after_resubscribe (Fixture       *fixture,
                                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) first = NULL;
  g_autoptr(MwFeed) taken = NULL;
  g_autoptr(MwFeed) second = NULL;
  g_autofree char *url = mw_test_server_url (fixture->server, "/feed.xml");
  guint position = 0;

  serve (fixture, "/feed.xml", "Twice");
  first = mw_test_feeds_subscribe (fixture, "/feed.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  mw_feed_item_set_starred (mw_feed_find_item (first, "one"), TRUE);

  taken = mw_feed_list_take (fixture->list, first, &position);
  g_assert_true (taken == first);
  second = mw_test_feeds_subscribe (fixture, "/feed.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (mw_feed_item_get_starred (mw_feed_find_item (second, "one")));

  mw_feed_list_insert (fixture->list, position, taken);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
  g_assert_true (mw_feed_list_find (fixture->list, url) == second);
  g_assert_true (mw_feed_item_get_starred (mw_feed_find_item (second, "one")));
}

/* A refresh that brings the same articles under a new ETag and a new title changes what
 * the next refresh asks and what the list shows: both are saved. */
static void
test_validators_and_title_saved (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  MwTestResource *resource = serve (fixture, "/feed.xml", "Before");
  g_autofree char *url = mw_test_server_url (fixture->server, "/feed.xml");
  g_autofree char *renamed = g_strdup_printf (rss, "After");
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;
  g_autoptr(MwFeedList) again = NULL;
  Saved first = { fixture, url, NULL, "\"v1\"", "Before" };
  Saved second = { fixture, url, NULL, "\"v2\"", "After" };
  MwFeed *restored;

  resource->etag = g_strdup ("\"v1\"");
  resource->conditional = TRUE;
  load (fixture->list);
  feed = mw_test_feeds_subscribe (fixture, "/feed.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  mw_test_wait_until (is_saved, &first, 5000, "the new subscription and its ETag to be saved");

  mw_test_server_lock (fixture->server);
  g_bytes_unref (resource->body);
  resource->body = g_bytes_new (renamed, strlen (renamed));
  g_free (resource->etag);
  resource->etag = g_strdup ("\"v2\"");
  mw_test_server_unlock (fixture->server);
  refresh (fixture, feed);
  g_assert_cmpstr (mw_feed_get_title (feed), ==, "After");
  g_assert_cmpstr (mw_feed_get_etag (feed), ==, "\"v2\"");
  mw_test_wait_until (is_saved, &second, 5000, "the new ETag and title to reach feeds.json");

  again = reload (fixture);
  restored = mw_feed_list_find (again, url);
  g_assert_nonnull (restored);
  g_assert_cmpstr (mw_feed_get_title (restored), ==, "After");
  g_assert_cmpstr (mw_feed_get_etag (restored), ==, "\"v2\"");
}

static guint
import_opml (Fixture    *fixture,
             const char *opml_text)
{
  g_autofree char *path = g_build_filename (fixture->folder, "subscriptions.opml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint added;

  g_assert_true (g_file_set_contents (path, opml_text, -1, NULL));
  mw_feed_list_import_opml_async (fixture->list, file, NULL, mw_test_async_result_cb, &result);
  added = mw_feed_list_import_opml_finish (fixture->list, mw_test_async_result (&result, "the import to end"), &error);
  g_assert_no_error (error);
  return added;
}

/* An OPML file that lists one feed twice over: by its address, by the address it moved
 * from for good, and by a page that links it, in two groups. One subscription. */
static void
test_opml_lists_feed_twice (Fixture       *fixture,
                            gconstpointer  user_data)
{
  static const char site[] = "<!DOCTYPE html><html><head>"
                             "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/a.xml\">"
                             "</head><body></body></html>";
  g_autofree char *url = mw_test_server_url (fixture->server, "/a.xml");
  g_autofree char *old_url = mw_test_server_url (fixture->server, "/old.xml");
  g_autofree char *page_url = mw_test_server_url (fixture->server, "/site.html");
  g_autofree char *opml = NULL;
  MwTestResource *resource = serve (fixture, "/a.xml", "Twice");
  MwTestResource *old = serve (fixture, "/old.xml", "Old");
  MwTestResource *page = serve (fixture, "/site.html", "");

  resource->answer_delay_ms = 100;
  old->redirect_to = g_strdup ("/a.xml");
  old->redirect_status = 301;
  g_clear_pointer (&page->body, g_bytes_unref);
  page->body = g_bytes_new_static (site, strlen (site));
  g_free (page->content_type);
  page->content_type = g_strdup ("text/html");
  opml = g_strdup_printf ("<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>Mine</title></head><body>"
                          "<outline text=\"News\"><outline type=\"rss\" text=\"A\" xmlUrl=\"%s\"/>"
                          "<outline type=\"rss\" text=\"A again\" xmlUrl=\"%s\"/></outline>"
                          "<outline text=\"Also\"><outline type=\"rss\" text=\"A, moved\" xmlUrl=\"%s\"/>"
                          "<outline type=\"rss\" text=\"A's site\" xmlUrl=\"%s\"/></outline>"
                          "</body></opml>", url, url, old_url, page_url);

  g_assert_cmpuint (import_opml (fixture, opml), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
  g_assert_nonnull (mw_feed_list_find (fixture->list, url));
}

static void
count_result_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GPtrArray *results = user_data;

  g_ptr_array_add (results, g_object_ref (result));
}

static gboolean
has_two (gpointer data)
{
  return ((GPtrArray *) data)->len >= 2;
}

/* Subscribing twice to one address before the first has ended (a double click, a link
 * opened twice): one subscription, and both requests end with it. */
static void
test_same_address_at_once (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *url = mw_test_server_url (fixture->server, "/a.xml");
  g_autofree char *spelled = NULL;
  MwTestResource *resource = serve (fixture, "/a.xml", "Once");

  resource->answer_delay_ms = 200;
  /* The same address as a person may type it. */
  spelled = g_strconcat ("  HTTP://127.0.0.1", strrchr (url, ':'), NULL);
  mw_feed_list_subscribe_async (fixture->list, url, NULL, count_result_cb, results);
  mw_feed_list_subscribe_async (fixture->list, spelled, NULL, count_result_cb, results);
  mw_test_wait_until (has_two, results, MW_TEST_PATIENCE_MS, "both subscriptions to end");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
  for (guint i = 0; i < results->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MwFeed) feed = mw_feed_list_subscribe_finish (fixture->list, g_ptr_array_index (results, i),
                                                              NULL, &error);

      g_assert_no_error (error);
      g_assert_true (feed == mw_feed_list_find (fixture->list, url));
    }
  g_assert_cmpuint (resource->requests, ==, 1);
}

/* Of two requests for one address, the one whose caller gave up ends as cancelled;
 * the other still gets its subscription. */
static void
test_same_address_one_cancelled (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GCancellable) closed = g_cancellable_new ();
  g_autofree char *url = mw_test_server_url (fixture->server, "/a.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) gone = NULL;
  g_autoptr(MwFeed) feed = NULL;
  MwTestResource *resource = serve (fixture, "/a.xml", "Once");
  guint cancelled;

  resource->answer_delay_ms = 200;
  mw_feed_list_subscribe_async (fixture->list, url, closed, count_result_cb, results);
  mw_feed_list_subscribe_async (fixture->list, url, NULL, count_result_cb, results);
  g_cancellable_cancel (closed);
  mw_test_wait_until (has_two, results, MW_TEST_PATIENCE_MS, "both subscriptions to end");

  /* In whichever order they ended. */
  cancelled = g_task_get_cancellable (g_ptr_array_index (results, 0)) == closed ? 0 : 1;
  gone = mw_feed_list_subscribe_finish (fixture->list, g_ptr_array_index (results, cancelled), NULL, &error);
  g_assert_null (gone);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  feed = mw_feed_list_subscribe_finish (fixture->list, g_ptr_array_index (results, 1 - cancelled), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (feed == mw_feed_list_find (fixture->list, url));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
}

/* An address that moved for good onto a feed already subscribed: nothing new, and a
 * sentence that says so. */
static void
test_redirect_onto_subscribed (Fixture       *fixture,
                               gconstpointer  user_data)
{
  MwTestResource *old = serve (fixture, "/old.xml", "Old");
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;
  g_autoptr(MwFeed) again = NULL;

  serve (fixture, "/new.xml", "Moved");
  old->redirect_to = g_strdup ("/new.xml");
  old->redirect_status = GPOINTER_TO_UINT (user_data);
  feed = mw_test_feeds_subscribe (fixture, "/new.xml", NULL, NULL, &error);
  g_assert_no_error (error);

  again = mw_test_feeds_subscribe (fixture, "/old.xml", NULL, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED);
  g_assert_nonnull (strstr (error->message, "already follow"));
  g_assert_nonnull (strstr (error->message, "Moved"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
}

/* Two subscriptions, until one of them moves for good onto the other's address: they
 * are one feed, and become one subscription that keeps the marks of both. */
static void
test_refresh_redirects_onto_subscribed (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  MwTestResource *old = serve (fixture, "/old.xml", "Moved");
  g_autofree char *new_url = mw_test_server_url (fixture->server, "/new.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) moving = NULL;
  g_autoptr(MwFeed) target = NULL;
  g_autoptr(MwFeed) kept = NULL;

  serve (fixture, "/new.xml", "Moved");
  moving = mw_test_feeds_subscribe (fixture, "/old.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  target = mw_test_feeds_subscribe (fixture, "/new.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  mw_feed_item_set_starred (mw_feed_find_item (moving, "one"), TRUE);
  mw_feed_item_set_read (mw_feed_find_item (moving, "two"), TRUE);

  mw_test_server_lock (fixture->server);
  old->redirect_to = g_strdup ("/new.xml");
  old->redirect_status = 308;
  mw_test_server_unlock (fixture->server);
  refresh (fixture, moving);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
  kept = g_list_model_get_item (G_LIST_MODEL (fixture->list), 0);
  g_assert_cmpstr (mw_feed_get_url (kept), ==, new_url);
  g_assert_true (mw_feed_item_get_starred (mw_feed_find_item (kept, "one")));
  g_assert_true (mw_feed_item_get_read (mw_feed_find_item (kept, "two")));
  g_assert_cmpuint (mw_feed_get_unread_count (kept), ==, 1);
}

/* --- Freezing mode ------------------------------------------------------------------------ */

typedef struct
{
  GMutex      mutex;
  GCond       cond;
  gboolean    done;
  guint       seconds;
  const char *what;
} Watchdog;

/* Fails the test, with a sentence, if the main thread is still inside a blocking call
 * after so many seconds: a hang would otherwise last until meson gives up. */
static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *watchdog = data;
  gint64 until = g_get_monotonic_time () + watchdog->seconds * G_TIME_SPAN_SECOND;

  g_mutex_lock (&watchdog->mutex);
  while (!watchdog->done)
    if (!g_cond_wait_until (&watchdog->cond, &watchdog->mutex, until))
      g_error ("Freezing mode hung: %s did not end within %u s", watchdog->what, watchdog->seconds);
  g_mutex_unlock (&watchdog->mutex);
  return NULL;
}

static GThread *
watchdog_start (Watchdog   *watchdog,
                guint       seconds,
                const char *what)
{
  g_mutex_init (&watchdog->mutex);
  g_cond_init (&watchdog->cond);
  watchdog->done = FALSE;
  watchdog->seconds = seconds;
  watchdog->what = what;
  return g_thread_new ("watchdog", watchdog_thread, watchdog);
}

static void
watchdog_stop (Watchdog *watchdog,
               GThread  *thread)
{
  g_mutex_lock (&watchdog->mutex);
  watchdog->done = TRUE;
  g_cond_signal (&watchdog->cond);
  g_mutex_unlock (&watchdog->mutex);
  g_thread_join (thread);
  g_mutex_clear (&watchdog->mutex);
  g_cond_clear (&watchdog->cond);
}

static void
refreshed_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  guint *n_done = user_data;
  g_autoptr(GError) error = NULL;

  mw_feed_list_refresh_finish (MW_FEED_LIST (source_object), result, &error);
  g_assert_no_error (error);
  (*n_done)++;
}

typedef struct
{
  Fixture   *fixture;
  GPtrArray *resources;
  guint      requests;
} Asked;

static gboolean
all_asked (gpointer data)
{
  Asked *asked = data;
  gboolean all = TRUE;

  mw_test_server_lock (asked->fixture->server);
  for (guint i = 0; i < asked->resources->len; i++)
    all = all && ((MwTestResource *) g_ptr_array_index (asked->resources, i))->requests >= asked->requests;
  mw_test_server_unlock (asked->fixture->server);
  return all;
}

static gboolean
reached (gpointer data)
{
  guint *counts = data;

  return counts[0] >= counts[1];
}

static const char rss_v2[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<rss version=\"2.0\"><channel><title>Slow</title><link>https://site.example/</link>"
  "<item><title>Third</title><link>https://site.example/3</link><guid>three</guid>"
  "<pubDate>Sat, 21 Nov 2026 11:00:00 GMT</pubDate><description>Three</description></item>"
  "</channel></rss>\n";

/* Every connection to a server is taken by a refresh whose answer is slow, when freezing
 * mode comes on and someone subscribes to another feed of that server: the window freezes
 * for as long as that subscription takes, not for ever, and the slow refreshes still
 * bring what they were asked for. */
static void
test_freezing_while_host_busy (Fixture       *fixture,
                               gconstpointer  user_data)
{
  const guint n = MW_FEED_MAX_CONNECTIONS_PER_HOST + 2;
  g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) resources = g_ptr_array_new ();
  g_autofree char *fresh_url = mw_test_server_url (fixture->server, "/fresh.xml");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) fresh = NULL;
  Asked asked = { fixture, NULL, 2 };
  guint counts[2] = { 0, n };
  Watchdog watchdog;
  GThread *thread;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/slow-%u.xml", i);
      MwTestResource *resource = serve (fixture, path, "Slow");
      MwFeed *feed = mw_test_feeds_subscribe (fixture, path, NULL, NULL, &error);

      g_assert_no_error (error);
      g_ptr_array_add (feeds, feed);
      g_ptr_array_add (resources, resource);
      mw_test_server_lock (fixture->server);
      g_bytes_unref (resource->body);
      resource->body = g_bytes_new_static (rss_v2, strlen (rss_v2));
      resource->held = TRUE;
      resource->hold_after = 0;
      mw_test_server_unlock (fixture->server);
    }
  serve (fixture, "/fresh.xml", "Fresh");

  /* Every slot of the host taken by an answer that has begun and is held. */
  for (guint i = 0; i < n; i++)
    mw_feed_list_refresh_async (fixture->list, g_ptr_array_index (feeds, i), NULL, refreshed_cb, &counts[0]);
  asked.resources = g_ptr_array_new ();
  for (guint i = 0; i < MW_FEED_MAX_CONNECTIONS_PER_HOST; i++)
    g_ptr_array_add (asked.resources, g_ptr_array_index (resources, i));
  mw_test_wait_until (all_asked, &asked, 10000, "the server to be asked for the first slow feeds");
  g_ptr_array_unref (asked.resources);
  mw_test_run_loop_for (50);

  mw_feed_list_set_blocking_mode (fixture->list, TRUE);
  /* The blocking fetch waits for its turn in the main loop: the watchdog watches both. */
  thread = watchdog_start (&watchdog, 15, "subscribing to a feed of a busy server");
  mw_feed_list_subscribe_async (fixture->list, fresh_url, NULL, mw_test_async_result_cb, &result);
  mw_test_async_result (&result, "the subscription to end");
  watchdog_stop (&watchdog, thread);
  fresh = mw_feed_list_subscribe_finish (fixture->list, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mw_feed_get_title (fresh), ==, "Fresh");

  /* Back to responsive: the held answers go on, and every slow refresh arrives. */
  mw_feed_list_set_blocking_mode (fixture->list, FALSE);
  for (guint i = 0; i < n; i++)
    mw_test_server_release (fixture->server, g_ptr_array_index (resources, i));
  mw_test_wait_until (reached, counts, MW_TEST_PATIENCE_MS, "every slow refresh to end");
  for (guint i = 0; i < n; i++)
    {
      MwFeed *feed = g_ptr_array_index (feeds, i);

      g_assert_nonnull (mw_feed_find_item (feed, "three"));
      g_assert_null (mw_feed_get_error_message (feed));
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, n + 1);
}

/* --- Freezing one feed at a time ---------------------------------------------------------- */

typedef struct
{
  MwFeedList *list;
  GHashTable *parses;       /* MwFeed → its parse line */
  guint       switch_off;   /* an idle queued during the first blocking request */
} SwitchWatch;

static gboolean
switch_off_cb (gpointer user_data)
{
  SwitchWatch *watch = user_data;

  watch->switch_off = 0;
  mw_feed_list_set_blocking_mode (watch->list, FALSE);
  return G_SOURCE_REMOVE;
}

static void
switch_watch_event_cb (MwFeedList  *list,
                       MwFeed      *feed,
                       const char  *address,
                       gint64       time,
                       gint64       elapsed,
                       const char  *text,
                       SwitchWatch *watch)
{
  g_assert_cmpint (elapsed, >=, 0);
  if (g_str_has_prefix (text, "Parsing"))
    {
      g_assert_nonnull (feed);
      g_assert_false (g_hash_table_contains (watch->parses, feed));
      g_hash_table_insert (watch->parses, feed, g_strdup (text));
    }
  /* A person's click on the switch, made while the window is frozen: it reaches the
   * main loop as a callback at input's priority, as soon as the loop runs again. */
  if (g_str_has_prefix (text, "Request sent — the main loop is blocked") && watch->switch_off == 0 &&
      mw_feed_list_get_blocking_mode (list))
    watch->switch_off = g_idle_add_full (G_PRIORITY_DEFAULT, switch_off_cb, watch, NULL);
}

static void
assert_parse (SwitchWatch *watch,
              MwFeed      *feed,
              const char  *prefix)
{
  const char *line = g_hash_table_lookup (watch->parses, feed);

  if (line == NULL)
    g_error ("%s was not parsed", mw_feed_get_url (feed));
  if (!g_str_has_prefix (line, prefix))
    g_error ("%s logged “%s” where “%s…” was expected", mw_feed_get_url (feed), line, prefix);
}

/* All feeds refreshed in freezing mode, the switch turned off while the first one
 * blocks: the click counts once that feed is done, and the others are parsed in a
 * worker thread. */
static void
test_switch_off_between_freezes (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  SwitchWatch watch = { fixture->list, g_hash_table_new_full (NULL, NULL, NULL, g_free), 0 };
  MwFeed *feeds[3];
  guint counts[2] = { 0, G_N_ELEMENTS (feeds) };

  for (guint i = 0; i < G_N_ELEMENTS (feeds); i++)
    {
      g_autofree char *path = g_strdup_printf ("/frozen-%u.xml", i);
      g_autofree char *title = g_strdup_printf ("Frozen %u", i);
      g_autoptr(GError) error = NULL;

      serve (fixture, path, title)->answer_delay_ms = 50;
      feeds[i] = mw_test_feeds_subscribe (fixture, path, NULL, NULL, &error);
      g_assert_no_error (error);
    }

  /* What the window's Refresh does, in freezing mode. */
  mw_feed_list_set_blocking_mode (fixture->list, TRUE);
  g_signal_connect (fixture->list, "event", G_CALLBACK (switch_watch_event_cb), &watch);
  for (guint i = 0; i < G_N_ELEMENTS (feeds); i++)
    mw_feed_list_refresh_async (fixture->list, feeds[i], NULL, refreshed_cb, &counts[0]);
  mw_test_wait_until (reached, counts, MW_TEST_PATIENCE_MS, "every feed to be refreshed");
  g_signal_handlers_disconnect_by_data (fixture->list, &watch);

  g_assert_false (mw_feed_list_get_blocking_mode (fixture->list));
  assert_parse (&watch, feeds[0], "Parsing on the main loop");
  assert_parse (&watch, feeds[1], "Parsing in a worker thread");
  assert_parse (&watch, feeds[2], "Parsing in a worker thread");
  for (guint i = 0; i < G_N_ELEMENTS (feeds); i++)
    {
      g_autofree char *title = g_strdup_printf ("Frozen %u", i);

      g_assert_cmpstr (mw_feed_get_title (feeds[i]), ==, title);
      g_assert_cmpuint (g_list_model_get_n_items (mw_feed_get_items (feeds[i])), ==, 2);
      g_assert_null (mw_feed_get_error_message (feeds[i]));
      g_object_unref (feeds[i]);
    }
  g_hash_table_unref (watch.parses);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, mw_test_feeds_set_up, func, mw_test_feeds_tear_down)

  ADD ("/feeds/sequence/oversize-then-subscribe", test_oversize_then_subscribe, NULL);
  ADD ("/feeds/sequence/oversize-then-subscribe/freezing", test_oversize_then_subscribe, GINT_TO_POINTER (TRUE));
  ADD ("/feeds/sequence/star-is-saved", test_star_is_saved, NULL);
  ADD ("/feeds/sequence/undo-unsubscribe-after-resubscribe", test_undo_unsubscribe_after_resubscribe, NULL);
  ADD ("/feeds/sequence/validators-and-title-saved", test_validators_and_title_saved, NULL);
  ADD ("/feeds/sequence/opml-lists-feed-twice", test_opml_lists_feed_twice, NULL);
  ADD ("/feeds/sequence/same-address-at-once", test_same_address_at_once, NULL);
  ADD ("/feeds/sequence/same-address-one-cancelled", test_same_address_one_cancelled, NULL);
  ADD ("/feeds/sequence/redirect-onto-subscribed/301", test_redirect_onto_subscribed, GUINT_TO_POINTER (301));
  ADD ("/feeds/sequence/redirect-onto-subscribed/308", test_redirect_onto_subscribed, GUINT_TO_POINTER (308));
  ADD ("/feeds/sequence/refresh-redirects-onto-subscribed", test_refresh_redirects_onto_subscribed, NULL);
  ADD ("/feeds/sequence/freezing-while-host-busy", test_freezing_while_host_busy, NULL);
  ADD ("/feeds/sequence/switch-off-between-freezes", test_switch_off_between_freezes, NULL);

  return g_test_run ();
}
