/* test-feed-list.c: subscribing, refreshing and keeping feeds in the feed list, against a loopback server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-feed-list"

#include "config.h"

#include <string.h>

#include "mw-demo-feeds.h"
#include "mw-feed-discovery.h"
#include "mw-feed-list.h"
#include "mw-test-server.h"

typedef MwTestFeeds Fixture;

static const char rss_v1[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<rss version=\"2.0\"><channel><title>Test Feed</title><link>https://site.example/</link>"
  "<description>About tests</description>"
  "<item><title>First</title><link>https://site.example/1</link><guid>one</guid>"
  "<pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate><description>One</description></item>"
  "<item><title>Second</title><link>https://site.example/2</link><guid>two</guid>"
  "<pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDate><description>Two</description>"
  "<enclosure url=\"https://site.example/two.mp3\" type=\"audio/mpeg\" length=\"1234\"/></item>"
  "</channel></rss>\n";

/* "one" republished with a new title, and a new "three". */
static const char rss_v2[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<rss version=\"2.0\"><channel><title>Test Feed</title><link>https://site.example/</link>"
  "<item><title>First, corrected</title><link>https://site.example/1</link><guid>one</guid>"
  "<pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate></item>"
  "<item><title>Third</title><link>https://site.example/3</link><guid>three</guid>"
  "<pubDate>Sat, 21 Nov 2026 11:00:00 GMT</pubDate></item>"
  "</channel></rss>\n";

static MwFeedItem *
item_at (MwFeed *feed,
         guint   position)
{
  g_autoptr(MwFeedItem) item = g_list_model_get_item (mw_feed_get_items (feed), position);
  return item;
}

static void
test_subscribe_and_merge (Fixture       *fixture,
                          gconstpointer  user_data)
{
  gboolean blocking = GPOINTER_TO_INT (user_data);
  MwTestResource *resource = mw_test_server_add_text (fixture->server, "/feed.xml", rss_v1, "application/rss+xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;
  MwFeedItem *second;
  GPtrArray *enclosures;

  resource->etag = g_strdup ("\"v1\"");
  resource->conditional = TRUE;
  mw_feed_list_set_blocking_mode (fixture->list, blocking);

  feed = mw_test_feeds_subscribe (fixture, "/feed.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (feed);
  g_assert_cmpstr (mw_feed_get_title (feed), ==, "Test Feed");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (mw_feed_get_items (feed)), ==, 2);
  g_assert_cmpuint (mw_feed_get_unread_count (feed), ==, 2);

  /* Newest first, with the enclosure. */
  second = item_at (feed, 0);
  g_assert_cmpstr (mw_feed_item_get_id (second), ==, "two");
  enclosures = mw_feed_item_get_enclosures (second);
  g_assert_cmpuint (enclosures->len, ==, 1);
  g_assert_cmpstr (((MwEnclosure *) g_ptr_array_index (enclosures, 0))->url, ==, "https://site.example/two.mp3");

  /* Marks made by the reader. */
  mw_feed_item_set_read (item_at (feed, 1), TRUE);     /* "one" */
  mw_feed_item_set_starred (item_at (feed, 1), TRUE);
  g_assert_cmpuint (mw_feed_get_unread_count (feed), ==, 1);

  /* The second refresh gets a 304 and changes nothing. */
  mw_test_feeds_refresh (fixture, feed, NULL);
  g_assert_cmpuint (resource->requests, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (resource->ranges, 1), ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (mw_feed_get_items (feed)), ==, 2);
  g_assert_null (mw_feed_get_error_message (feed));

  /* New content: "one" is republished, not new again, and keeps its marks. */
  mw_test_server_lock (fixture->server);
  g_bytes_unref (resource->body);
  resource->body = g_bytes_new (rss_v2, strlen (rss_v2));
  g_free (resource->etag);
  resource->etag = g_strdup ("\"v2\"");
  mw_test_server_unlock (fixture->server);

  mw_test_feeds_refresh (fixture, feed, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (mw_feed_get_items (feed)), ==, 3);
  {
    MwFeedItem *one = mw_feed_find_item (feed, "one");
    g_assert_nonnull (one);
    g_assert_cmpstr (mw_feed_item_get_title (one), ==, "First, corrected");
    g_assert_true (mw_feed_item_get_read (one));
    g_assert_true (mw_feed_item_get_starred (one));
  }
  g_assert_cmpstr (mw_feed_item_get_id (item_at (feed, 0)), ==, "three");
  g_assert_cmpuint (mw_feed_get_unread_count (feed), ==, 2);   /* two and three */
}

static void
test_modes_identical (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) responsive = NULL;
  g_autoptr(MwFeed) freezing = NULL;

  mw_test_server_add_text (fixture->server, "/a.xml", rss_v1, "application/rss+xml");
  mw_test_server_add_text (fixture->server, "/b.xml", rss_v1, "application/rss+xml");
  responsive = mw_test_feeds_subscribe (fixture, "/a.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  mw_feed_list_set_blocking_mode (fixture->list, TRUE);
  freezing = mw_test_feeds_subscribe (fixture, "/b.xml", NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (mw_feed_get_items (responsive)), ==,
                    g_list_model_get_n_items (mw_feed_get_items (freezing)));
  for (guint i = 0; i < g_list_model_get_n_items (mw_feed_get_items (responsive)); i++)
    {
      MwFeedItem *a = item_at (responsive, i);
      MwFeedItem *b = item_at (freezing, i);

      g_assert_cmpstr (mw_feed_item_get_id (a), ==, mw_feed_item_get_id (b));
      g_assert_cmpstr (mw_feed_item_get_title (a), ==, mw_feed_item_get_title (b));
      g_assert_cmpstr (mw_feed_item_get_link (a), ==, mw_feed_item_get_link (b));
      g_assert_cmpint (mw_feed_item_get_published (a), ==, mw_feed_item_get_published (b));
      g_assert_cmpstr (mw_feed_item_get_summary (a), ==, mw_feed_item_get_summary (b));
    }
}

static void
test_discovery (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *one_page = NULL;
  g_autofree char *two_page = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) choices = NULL;
  g_autoptr(MwFeed) feed = NULL;
  g_autofree char *feed_url = mw_test_server_url (fixture->server, "/feed.xml");

  mw_test_server_add_text (fixture->server, "/feed.xml", rss_v1, "application/rss+xml");
  mw_test_server_add_text (fixture->server, "/atom.xml", rss_v1, "application/atom+xml");
  one_page = g_strdup ("<!DOCTYPE html><html><head><title>Site</title>"
                       "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Posts\" href=\"/feed.xml\">"
                       "</head><body>Hello</body></html>");
  two_page = g_strdup ("<!DOCTYPE html><html><head>"
                       "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Posts\" href=\"feed.xml\">"
                       "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Comments\" href=\"atom.xml\">"
                       "</head><body></body></html>");
  mw_test_server_add_text (fixture->server, "/one.html", one_page, "text/html; charset=utf-8");
  mw_test_server_add_text (fixture->server, "/two.html", two_page, "text/html");
  mw_test_server_add_text (fixture->server, "/none.html", "<html><body>No feeds here</body></html>", "text/html");

  /* A page with one feed: subscribed to that feed. */
  feed = mw_test_feeds_subscribe (fixture, "/one.html", NULL, &choices, &error);
  g_assert_no_error (error);
  g_assert_nonnull (feed);
  g_assert_cmpstr (mw_feed_get_url (feed), ==, feed_url);
  g_clear_object (&feed);
  mw_feed_list_take (fixture->list, mw_feed_list_find (fixture->list, feed_url), NULL);

  /* Several: nothing subscribed, the choices offered in order. */
  feed = mw_test_feeds_subscribe (fixture, "/two.html", NULL, &choices, &error);
  g_assert_no_error (error);
  g_assert_null (feed);
  g_assert_nonnull (choices);
  g_assert_cmpuint (choices->len, ==, 2);
  g_assert_cmpstr (((MwDiscoveredFeed *) g_ptr_array_index (choices, 0))->title, ==, "Posts");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 0);

  /* None: a sentence that says so. */
  g_clear_pointer (&choices, g_ptr_array_unref);
  feed = mw_test_feeds_subscribe (fixture, "/none.html", NULL, &choices, &error);
  g_assert_null (feed);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "no feed"));
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;
  MwTestResource *resource;

  /* Not a URL, not found, not a feed. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    mw_feed_list_subscribe_async (fixture->list, "ftp://example.org/feed", NULL,
                                  mw_test_async_result_cb, &result);
    g_assert_null (mw_feed_list_subscribe_finish (fixture->list,
                                                  mw_test_async_result (&result, "the subscription to end"),
                                                  NULL, &error));
    /* Said of the address, not in the words of downloads. */
    g_assert_error (error, G_URI_ERROR, G_URI_ERROR_BAD_SCHEME);
    g_assert_cmpstr (error->message, ==,
                     "Meanwhile can only use web addresses (http and https), not “ftp:” ones.");
    g_clear_error (&error);
  }
  feed = mw_test_feeds_subscribe (fixture, "/missing.xml", NULL, NULL, &error);
  g_assert_null (feed);
  g_assert_nonnull (strstr (error->message, "404"));
  g_clear_error (&error);

  mw_test_server_add_text (fixture->server, "/text.txt", "just some text, not a feed", "text/plain");
  feed = mw_test_feeds_subscribe (fixture, "/text.txt", NULL, NULL, &error);
  g_assert_null (feed);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* A feed that goes away for good is marked gone and left alone. */
  resource = mw_test_server_add_text (fixture->server, "/gone.xml", rss_v1, "application/rss+xml");
  feed = mw_test_feeds_subscribe (fixture, "/gone.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (resource->statuses, (guint) { 410 });
  mw_test_feeds_refresh (fixture, feed, NULL);
  g_assert_true (mw_feed_get_gone (feed));
  g_assert_nonnull (strstr (mw_feed_get_error_message (feed), "410"));
  mw_test_feeds_refresh (fixture, feed, NULL);
  g_assert_cmpuint (resource->requests, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (mw_feed_get_items (feed)), ==, 2);
}

static void
test_too_many_requests (Fixture       *fixture,
                        gconstpointer  user_data)
{
  MwTestResource *resource = mw_test_server_add_text (fixture->server, "/busy.xml", rss_v1, "application/rss+xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = mw_test_feeds_subscribe (fixture, "/busy.xml", NULL, NULL, &error);

  g_assert_no_error (error);
  resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (resource->statuses, (guint) { 429 });
  resource->retry_after = g_strdup ("3600");
  mw_test_feeds_refresh (fixture, feed, NULL);
  g_assert_nonnull (strstr (mw_feed_get_error_message (feed), "429"));
  /* Retry-After is honoured: no request until the hour is up. */
  mw_test_feeds_refresh (fixture, feed, NULL);
  g_assert_cmpuint (resource->requests, ==, 2);
}

static void
test_permanent_redirect (Fixture       *fixture,
                         gconstpointer  user_data)
{
  MwTestResource *old = mw_test_server_add_text (fixture->server, "/old.xml", rss_v1, "application/rss+xml");
  g_autofree char *new_url = mw_test_server_url (fixture->server, "/new.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;

  mw_test_server_add_text (fixture->server, "/new.xml", rss_v1, "application/rss+xml");
  old->redirect_to = g_strdup ("/new.xml");
  old->redirect_status = 301;

  feed = mw_test_feeds_subscribe (fixture, "/old.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mw_feed_get_url (feed), ==, new_url);
}

static void
test_huge_body_refused (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GBytes) huge = mw_test_make_bytes (60 * 1024 * 1024, 3);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/huge.xml", huge);
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;

  resource->content_type = g_strdup ("application/rss+xml");
  feed = mw_test_feeds_subscribe (fixture, "/huge.xml", NULL, NULL, &error);
  g_assert_null (feed);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "larger than"));
}

static void
save_and_reload (Fixture     *fixture,
                 MwFeedList **reloaded)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mw_test_feed_list_save (fixture->list, &error));
  g_assert_no_error (error);

  *reloaded = mw_feed_list_new (fixture->state);
  g_assert_true (mw_test_feed_list_load (*reloaded, &error));
  g_assert_no_error (error);
}

static void
test_persistence (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;
  g_autoptr(MwFeedList) again = NULL;
  g_autoptr(MwFeed) restored = NULL;

  mw_test_feed_list_load (fixture->list, NULL);
  mw_test_server_add_text (fixture->server, "/feed.xml", rss_v1, "application/rss+xml");
  feed = mw_test_feeds_subscribe (fixture, "/feed.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  mw_feed_item_set_read (mw_feed_find_item (feed, "two"), TRUE);
  mw_feed_item_set_starred (mw_feed_find_item (feed, "one"), TRUE);

  save_and_reload (fixture, &again);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
  restored = g_list_model_get_item (G_LIST_MODEL (again), 0);
  g_assert_cmpstr (mw_feed_get_url (restored), ==, mw_feed_get_url (feed));
  g_assert_cmpstr (mw_feed_get_title (restored), ==, "Test Feed");
  g_assert_cmpuint (g_list_model_get_n_items (mw_feed_get_items (restored)), ==, 2);
  g_assert_true (mw_feed_item_get_read (mw_feed_find_item (restored, "two")));
  g_assert_true (mw_feed_item_get_starred (mw_feed_find_item (restored, "one")));
  g_assert_false (mw_feed_item_get_read (mw_feed_find_item (restored, "one")));
  g_assert_cmpuint (((GPtrArray *) mw_feed_item_get_enclosures (mw_feed_find_item (restored, "two")))->len, ==, 1);
  g_assert_cmpuint (mw_feed_get_unread_count (restored), ==, 1);
}

static void
test_corrupt_state (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *path = g_file_get_path (fixture->state);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  gboolean kept = FALSE;

  g_file_set_contents (path, "{ \"format\": \"meanwhile-feeds\", \"version\": 1, \"feeds\": [ { \"url\":", -1, &error);
  g_assert_no_error (error);
  g_assert_true (mw_test_feed_list_load (fixture->list, &error));
  g_assert_no_error (error);

  /* Started empty, said why, and kept the damaged file aside. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 0);
  g_assert_nonnull (mw_feed_list_get_load_error (fixture->list));
  dir = g_dir_open (fixture->folder, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "feeds.json.broken-"))
      kept = TRUE;
  g_assert_true (kept);
}

static void
test_opml_round_trip (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *opml_path = g_build_filename (fixture->folder, "subscriptions.opml", NULL);
  g_autoptr(GFile) opml = g_file_new_for_path (opml_path);
  g_autoptr(GAsyncResult) exported = NULL;
  g_autoptr(GAsyncResult) imported = NULL;
  g_autoptr(MwFeedList) other = mw_feed_list_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) a = NULL;
  g_autoptr(MwFeed) b = NULL;
  g_autofree char *written = NULL;
  guint added;

  mw_test_server_add_text (fixture->server, "/a.xml", rss_v1, "application/rss+xml");
  mw_test_server_add_text (fixture->server, "/b.xml", rss_v2, "application/rss+xml");
  a = mw_test_feeds_subscribe (fixture, "/a.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  b = mw_test_feeds_subscribe (fixture, "/b.xml", NULL, NULL, &error);
  g_assert_no_error (error);

  mw_feed_list_export_opml_async (fixture->list, opml, NULL, mw_test_async_result_cb, &exported);
  g_assert_true (mw_feed_list_export_opml_finish (fixture->list,
                                                  mw_test_async_result (&exported, "the export to end"), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (opml_path, &written, NULL, NULL));
  g_assert_nonnull (strstr (written, "<opml"));
  g_assert_nonnull (strstr (written, mw_feed_get_url (a)));

  /* Read back into an empty list: the same two subscriptions, fetched afresh. */
  mw_feed_list_import_opml_async (other, opml, NULL, mw_test_async_result_cb, &imported);
  added = mw_feed_list_import_opml_finish (other,
                                           mw_test_async_result (&imported, "the import to end"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 2);
  g_assert_nonnull (mw_feed_list_find (other, mw_feed_get_url (a)));
  g_assert_nonnull (mw_feed_list_find (other, mw_feed_get_url (b)));
  g_assert_cmpuint (g_list_model_get_n_items (mw_feed_get_items (mw_feed_list_find (other, mw_feed_get_url (b)))),
                    ==, 2);
}

static void
test_bounded (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autofree char *big = mw_demo_feeds_make_big_rss (MW_FEED_MAX_ITEMS + 100);
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;
  GListModel *items;
  guint n;

  mw_test_server_add_text (fixture->server, "/big.xml", big, "application/rss+xml");
  feed = mw_test_feeds_subscribe (fixture, "/big.xml", NULL, NULL, &error);
  g_assert_no_error (error);

  /* The newest MW_FEED_MAX_ITEMS, newest first. */
  items = mw_feed_get_items (feed);
  n = g_list_model_get_n_items (items);
  g_assert_cmpuint (n, ==, MW_FEED_MAX_ITEMS);
  for (guint i = 1; i < n; i++)
    g_assert_cmpint (mw_feed_item_get_date (item_at (feed, i - 1)), >=, mw_feed_item_get_date (item_at (feed, i)));
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n_changes)
{
  (*n_changes)++;
}

/* A server without validators sends the same document again: the articles stay as they
 * were, and their list does not change (no rows to redraw, nothing to save). */
static void
test_unchanged_document (Fixture       *fixture,
                         gconstpointer  user_data)
{
  MwTestResource *resource = mw_test_server_add_text (fixture->server, "/same.xml", rss_v1, "application/rss+xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;
  g_autoptr(MwFeedItem) first = NULL;
  g_autoptr(GBytes) v2 = NULL;
  guint n_changes = 0;

  feed = mw_test_feeds_subscribe (fixture, "/same.xml", NULL, NULL, &error);
  g_assert_no_error (error);
  first = g_object_ref (item_at (feed, 0));
  mw_feed_item_set_read (first, TRUE);
  g_signal_connect (mw_feed_get_items (feed), "items-changed", G_CALLBACK (count_changes_cb), &n_changes);

  mw_test_feeds_refresh (fixture, feed, NULL);
  g_assert_cmpuint (resource->requests, ==, 2);
  g_assert_cmpuint (n_changes, ==, 0);
  g_assert_true (item_at (feed, 0) == first);
  g_assert_true (mw_feed_item_get_read (first));
  g_assert_cmpuint (mw_feed_get_unread_count (feed), ==, 1);

  /* A document with something new does change it. */
  v2 = g_bytes_new_static (rss_v2, strlen (rss_v2));
  mw_test_server_lock (fixture->server);
  g_clear_pointer (&resource->body, g_bytes_unref);
  resource->body = g_bytes_ref (v2);
  mw_test_server_unlock (fixture->server);
  mw_test_feeds_refresh (fixture, feed, NULL);
  g_assert_cmpuint (n_changes, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (mw_feed_get_items (feed)), ==, 3);
  g_signal_handlers_disconnect_by_data (mw_feed_get_items (feed), &n_changes);
}

static void
subscribed_count_cb (GObject      *source_object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  guint *n_done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = mw_feed_list_subscribe_finish (MW_FEED_LIST (source_object), result, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (feed);
  (*n_done)++;
}

static void
refreshed_count_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  guint *n_done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (mw_feed_list_refresh_finish (MW_FEED_LIST (source_object), result, &error));
  g_assert_no_error (error);
  (*n_done)++;
}

/* Many feeds on one server, all subscribed and refreshed at once: every one arrives,
 * several at a time, and the server never sees more requests at once than the limit. */
typedef struct
{
  guint done;
  guint wanted;
} Countdown;

static gboolean
all_done (gpointer data)
{
  Countdown *countdown = data;

  return countdown->done >= countdown->wanted;
}

static void
test_one_host (Fixture       *fixture,
               gconstpointer  user_data)
{
  const guint n = 4 * MW_FEED_MAX_CONNECTIONS_PER_HOST;
  GPtrArray *resources = g_ptr_array_new ();
  Countdown countdown = { 0, n };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/feed-%u.xml", i);
      MwTestResource *resource = mw_test_server_add_text (fixture->server, path, rss_v1, "application/rss+xml");

      resource->answer_delay_ms = 50;
      resource->conditional = TRUE;
      resource->etag = g_strdup ("\"v1\"");
      g_ptr_array_add (resources, resource);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/feed-%u.xml", i);
      g_autofree char *url = mw_test_server_url (fixture->server, path);

      mw_feed_list_subscribe_async (fixture->list, url, NULL, subscribed_count_cb, &countdown.done);
    }
  mw_test_wait_until (all_done, &countdown, MW_TEST_PATIENCE_MS, "every subscription to end");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, n);
  g_assert_cmpuint (mw_test_server_get_max_concurrent (fixture->server), <=, MW_FEED_MAX_CONNECTIONS_PER_HOST);
  g_assert_cmpuint (mw_test_server_get_max_concurrent (fixture->server), >, 1);

  countdown.done = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (fixture->list), i);
      mw_feed_list_refresh_async (fixture->list, feed, NULL, refreshed_count_cb, &countdown.done);
    }
  mw_test_wait_until (all_done, &countdown, MW_TEST_PATIENCE_MS, "every refresh to end");
  g_assert_cmpuint (mw_test_server_get_max_concurrent (fixture->server), <=, MW_FEED_MAX_CONNECTIONS_PER_HOST);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (((MwTestResource *) g_ptr_array_index (resources, i))->requests, ==, 2);
  g_ptr_array_unref (resources);
}

/* A feed bigger than one read arrives whole however the server frames it: with a
 * length, in chunks, or until the connection closes; responsive or freezing. */
static void
test_framings (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *big = mw_demo_feeds_make_big_rss (2000);
  const char *paths[] = { "/length.xml", "/chunked.xml", "/close.xml" };
  g_autoptr(MwFeed) reference = NULL;

  g_assert_cmpuint (strlen (big), >, 512 * 1024);
  mw_test_server_add_text (fixture->server, paths[0], big, "application/rss+xml");
  mw_test_server_add_text (fixture->server, paths[1], big, "application/rss+xml")->chunked = TRUE;
  mw_test_server_add_text (fixture->server, paths[2], big, "application/rss+xml")->close_delimited = TRUE;

  for (guint blocking = 0; blocking < 2; blocking++)
    {
      mw_feed_list_set_blocking_mode (fixture->list, blocking);
      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(MwFeed) feed = mw_test_feeds_subscribe (fixture, paths[i], NULL, NULL, &error);
          GListModel *items;

          g_assert_no_error (error);
          items = mw_feed_get_items (feed);
          g_assert_cmpuint (g_list_model_get_n_items (items), ==, MW_FEED_MAX_ITEMS);
          if (reference == NULL)
            reference = g_object_ref (feed);
          for (guint j = 0; j < MW_FEED_MAX_ITEMS; j += 97)
            {
              g_assert_cmpstr (mw_feed_item_get_id (item_at (feed, j)), ==, mw_feed_item_get_id (item_at (reference, j)));
              g_assert_cmpstr (mw_feed_item_get_content (item_at (feed, j)), ==,
                               mw_feed_item_get_content (item_at (reference, j)));
            }
          g_assert_nonnull (mw_feed_list_take (fixture->list, feed, NULL));
          g_object_unref (feed);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, mw_test_feeds_set_up, func, mw_test_feeds_tear_down)

  ADD ("/feeds/subscribe-and-merge/responsive", test_subscribe_and_merge, GINT_TO_POINTER (FALSE));
  ADD ("/feeds/subscribe-and-merge/freezing", test_subscribe_and_merge, GINT_TO_POINTER (TRUE));
  ADD ("/feeds/modes-identical", test_modes_identical, NULL);
  ADD ("/feeds/discovery", test_discovery, NULL);
  ADD ("/feeds/errors", test_errors, NULL);
  ADD ("/feeds/too-many-requests", test_too_many_requests, NULL);
  ADD ("/feeds/permanent-redirect", test_permanent_redirect, NULL);
  ADD ("/feeds/huge-body-refused", test_huge_body_refused, NULL);
  ADD ("/feeds/persistence", test_persistence, NULL);
  ADD ("/feeds/corrupt-state", test_corrupt_state, NULL);
  ADD ("/feeds/opml-round-trip", test_opml_round_trip, NULL);
  ADD ("/feeds/bounded", test_bounded, NULL);
  ADD ("/feeds/unchanged-document", test_unchanged_document, NULL);
  ADD ("/feeds/one-host", test_one_host, NULL);
  ADD ("/feeds/framings", test_framings, NULL);

  return g_test_run ();
}
