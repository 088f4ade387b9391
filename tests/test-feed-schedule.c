/* test-feed-schedule.c: feeds refresh soon after launch, wait for the network, and obey
 * a server's "come back later" for at most a day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-feed-schedule"

#include "config.h"

#include "mw-feed-list.h"
#include "mw-test-network.h"
#include "mw-test-server.h"
#include "mw-test-utils.h"

static const char rss[] =
  "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Scheduled</title>"
  "<link>https://site.example/</link>"
  "<item><title>One</title><guid>one</guid></item></channel></rss>\n";

typedef struct
{
  MwTestServer   *server;
  MwTestResource *resource;
  MwTestNetwork  *network;
  char           *folder;
  MwFeedList     *list;
  MwFeed         *feed;
} Fixture;

static gboolean
result_arrived (gpointer user_data)
{
  return *(GAsyncResult **) user_data != NULL;
}

static void
result_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A feed list as the application has one: loaded from its state file, subscribed to one
 * feed on a loopback server, told of the network by a monitor the test controls. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GBytes) body = g_bytes_new_static (rss, sizeof rss - 1);
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GFile) state = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture->server = mw_test_server_new ();
  fixture->resource = mw_test_server_add (fixture->server, "/feed.xml", body);
  fixture->resource->content_type = g_strdup ("application/rss+xml");
  fixture->network = mw_test_network_new (TRUE);
  fixture->folder = g_dir_make_tmp ("meanwhile-schedule-XXXXXX", NULL);
  path = g_build_filename (fixture->folder, "feeds.json", NULL);
  state = g_file_new_for_path (path);
  fixture->list = mw_feed_list_new (state);
  mw_feed_list_set_network_monitor (fixture->list, G_NETWORK_MONITOR (fixture->network));

  mw_feed_list_load_async (fixture->list, NULL, result_cb, &result);
  mw_test_wait_until (result_arrived, &result, MW_TEST_PATIENCE_MS, "the feed list to load");
  g_assert_true (mw_feed_list_load_finish (fixture->list, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  url = mw_test_server_url (fixture->server, "/feed.xml");
  mw_feed_list_subscribe_async (fixture->list, url, NULL, result_cb, &result);
  mw_test_wait_until (result_arrived, &result, MW_TEST_PATIENCE_MS, "the subscription");
  fixture->feed = mw_feed_list_subscribe_finish (fixture->list, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->resource->requests, ==, 1);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->feed);
  mw_feed_list_set_refresh_interval (fixture->list, 0);
  mw_test_iterate_for (20);
  g_assert_finalize_object (fixture->list);
  g_object_unref (fixture->network);
  mw_test_server_free (fixture->server);
  mw_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
}

static guint
n_requests (Fixture *fixture)
{
  guint n;

  mw_test_server_lock (fixture->server);
  n = fixture->resource->requests;
  mw_test_server_unlock (fixture->server);
  return n;
}

static gboolean
asked_twice (gpointer user_data)
{
  return n_requests (user_data) >= 2;
}

static gboolean
refreshed (gpointer user_data)
{
  Fixture *fixture = user_data;

  return n_requests (fixture) >= 2 && !mw_feed_get_refreshing (fixture->feed);
}

/* The first refresh of a schedule comes shortly after it is set, as at launch, not a
 * whole interval later; the next waits for the interval. */
static void
test_first_refresh_soon (Fixture       *fixture,
                         gconstpointer  user_data)
{
  mw_feed_list_set_refresh_schedule (fixture->list, 1, 3600);
  mw_test_wait_until (refreshed, fixture, MW_TEST_PATIENCE_MS, "the first scheduled refresh");
  g_assert_null (mw_feed_get_error_message (fixture->feed));
  mw_test_iterate_for (1500);
  g_assert_cmpuint (n_requests (fixture), ==, 2);

  /* Setting the interval again (Preferences) does not bring the next one forward. */
  mw_feed_list_set_refresh_interval (fixture->list, 60);
  mw_test_iterate_for (1500);
  g_assert_cmpuint (n_requests (fixture), ==, 2);
}

/* Offline when a refresh falls due, nothing is asked and no feed is marked as failed;
 * when the network is back, the refresh is made at once. */
static void
test_offline_waits (Fixture       *fixture,
                    gconstpointer  user_data)
{
  mw_test_network_set_available (fixture->network, FALSE);
  mw_feed_list_set_refresh_schedule (fixture->list, 1, 3600);
  mw_test_iterate_for (2500);
  g_assert_cmpuint (n_requests (fixture), ==, 1);
  g_assert_null (mw_feed_get_error_message (fixture->feed));

  mw_test_network_set_available (fixture->network, TRUE);
  mw_test_wait_until (asked_twice, fixture, 500, "the refresh that fell due offline, once the network was back");
  mw_test_wait_until (refreshed, fixture, MW_TEST_PATIENCE_MS, "the refresh to finish");
  g_assert_null (mw_feed_get_error_message (fixture->feed));
}

/* A server asking to be left alone for years is asked again after a day. */
static void
test_retry_after_capped (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  guint status = 503;
  gint64 wait;

  mw_test_server_lock (fixture->server);
  fixture->resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (fixture->resource->statuses, status);
  fixture->resource->retry_after = g_strdup ("999999999");
  mw_test_server_unlock (fixture->server);

  mw_feed_list_refresh_async (fixture->list, fixture->feed, NULL, result_cb, &result);
  mw_test_wait_until (result_arrived, &result, MW_TEST_PATIENCE_MS, "the refresh answered 503");
  g_assert_false (mw_feed_list_refresh_finish (fixture->list, result, NULL));
  wait = mw_feed_get_retry_after (fixture->feed) - g_get_monotonic_time ();
  g_assert_cmpint (wait, <=, G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC);
  g_assert_cmpint (wait, >, G_GINT64_CONSTANT (23) * 3600 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/feed-schedule/first-refresh-soon", Fixture, NULL, fixture_set_up, test_first_refresh_soon,
              fixture_tear_down);
  g_test_add ("/feed-schedule/offline-waits", Fixture, NULL, fixture_set_up, test_offline_waits,
              fixture_tear_down);
  g_test_add ("/feed-schedule/retry-after-capped", Fixture, NULL, fixture_set_up, test_retry_after_capped,
              fixture_tear_down);
  return g_test_run ();
}
