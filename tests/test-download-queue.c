/* test-download-queue.c: which queued download starts next: the limit per host, and moving downloads in the queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-download-queue"

#include "config.h"

#include <string.h>

#include "mw-download-list.h"
#include "mw-test-server.h"
#include "mw-test-utils.h"

#define BODY_SIZE 60000
#define HELD_AT   30000   /* bytes a held response sends before it waits */

typedef MwTestDownloads Fixture;


/* --- Servers, and what they saw ------------------------------------------------------ */

/* A resource that sends the first half of its body and then waits for
 * mw_test_server_release(): its download stays running as long as the test wants. */
static MwTestResource *
add_held (MwTestServer *server,
          const char   *path,
          GBytes       *body)
{
  MwTestResource *resource = mw_test_server_add (server, path, body);

  resource->hold_after = HELD_AT;
  resource->held = TRUE;
  return resource;
}

/* The same server under another host name: "localhost" instead of "127.0.0.1". */
static char *
url_as_localhost (MwTestServer *server,
                  const char   *path)
{
  g_autofree char *url = mw_test_server_url (server, path);
  const char *rest = strstr (url, "127.0.0.1");

  g_assert_nonnull (rest);
  return g_strdup_printf ("http://localhost%s", rest + strlen ("127.0.0.1"));
}

static MwDownload *
add_url (MwDownloadList *list,
         const char     *url)
{
  g_autoptr(GError) error = NULL;
  MwDownload *download = mw_download_list_add (list, url, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (download);
  return download;
}

typedef struct
{
  MwTestServer    *server;
  MwTestResource **resources;
  guint            n_resources;
  guint            expected;
} Requests;

static guint
count_requests (Requests *requests)
{
  guint total = 0;

  mw_test_server_lock (requests->server);
  for (guint i = 0; i < requests->n_resources; i++)
    total += requests->resources[i]->requests;
  mw_test_server_unlock (requests->server);
  return total;
}

static gboolean
has_requests (gpointer data)
{
  return count_requests (data) >= ((Requests *) data)->expected;
}

/* Waits until the server was asked for the resources EXPECTED times in all; then, a
 * moment later, checks that it was asked no more than that. */
static void
assert_requests_settle_at (MwTestServer    *server,
                           MwTestResource **resources,
                           guint            n_resources,
                           guint            expected,
                           const char      *what)
{
  Requests requests = { server, resources, n_resources, expected };

  mw_test_wait_until (has_requests, &requests, MW_TEST_PATIENCE_MS, what);
  mw_test_run_loop_for (300);
  g_assert_cmpuint (count_requests (&requests), ==, expected);
}

static guint
requests_of (MwTestServer   *server,
             MwTestResource *resource)
{
  guint n;

  mw_test_server_lock (server);
  n = resource->requests;
  mw_test_server_unlock (server);
  return n;
}

static void
assert_completed (Fixture    *fixture,
                  MwDownload *download,
                  GBytes     *body)
{
  mw_test_wait_until_finished (download);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_COMPLETED);
  mw_test_downloads_assert_file (fixture, mw_download_get_filename (download), body);
}

static void
assert_order (MwDownloadList  *list,
              MwDownload     **expected,
              guint            n)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (download != expected[i])
        g_error ("Place %u of the list holds %s, not %s", i, mw_download_get_url (download),
                 mw_download_get_url (expected[i]));
    }
}

/* What the list told its views. */
typedef struct
{
  guint n_signals;
  guint position;
  guint removed;
  guint added;
} ItemsChanged;

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *seen)
{
  seen->n_signals++;
  seen->position = position;
  seen->removed = removed;
  seen->added = added;
}

/* --- At most so many transfers to one host ------------------------------------------ */

#define N_SAME_HOST  20
#define N_OTHER_HOST 3

/* Twenty downloads from one host, all allowed at once by the global limit: the host sees
 * eight at a time, the others wait in the queue saying why, and downloads from another
 * host, added after them all, start at once. */
static void
test_per_host_limit (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (BODY_SIZE, 200);
  g_autoptr(GBytes) other_body = mw_test_make_bytes (BODY_SIZE, 201);
  MwTestServer *other_server = mw_test_server_new ();
  MwTestResource *resources[N_SAME_HOST];
  MwDownload *downloads[N_SAME_HOST];
  MwDownload *others[N_OTHER_HOST];
  guint n_waiting = 0;

  g_assert_cmpuint (mw_download_list_get_max_per_host (fixture->list), ==, 8);
  mw_download_list_set_max_concurrent (fixture->list, N_SAME_HOST);

  for (guint i = 0; i < N_SAME_HOST; i++)
    {
      g_autofree char *path = g_strdup_printf ("/same-host-%02u.bin", i);

      resources[i] = add_held (fixture->server, path, body);
      downloads[i] = mw_test_downloads_add (fixture, path);
    }
  for (guint i = 0; i < N_OTHER_HOST; i++)
    {
      g_autofree char *path = g_strdup_printf ("/other-host-%u.bin", i);
      g_autofree char *url = url_as_localhost (other_server, path);

      mw_test_server_add (other_server, path, other_body);
      others[i] = add_url (fixture->list, url);
    }

  /* The other host's downloads do not wait for the first host's. */
  for (guint i = 0; i < N_OTHER_HOST; i++)
    assert_completed (fixture, others[i], other_body);

  assert_requests_settle_at (fixture->server, resources, N_SAME_HOST, 8,
                             "eight downloads from 127.0.0.1 to reach its server");
  g_assert_cmpuint (mw_test_server_get_max_concurrent (fixture->server), ==, 8);
  g_assert_cmpuint (mw_download_list_get_n_active (fixture->list), ==, 8);

  for (guint i = 0; i < N_SAME_HOST; i++)
    {
      g_autofree char *host = NULL;
      guint n_running = 0;

      if (mw_download_list_is_waiting_for_host (fixture->list, downloads[i], &host, &n_running))
        {
          g_autofree char *status = mw_download_list_dup_status (fixture->list, downloads[i]);

          g_assert_cmpint (mw_download_get_state (downloads[i]), ==, MW_DOWNLOAD_QUEUED);
          g_assert_cmpstr (host, ==, "127.0.0.1");
          g_assert_cmpuint (n_running, ==, 8);
          g_assert_cmpstr (status, ==, "Waiting — 8 downloads from 127.0.0.1 are running");
          n_waiting++;
        }
      else
        g_assert_cmpuint (requests_of (fixture->server, resources[i]), ==, 1);
    }
  g_assert_cmpuint (n_waiting, ==, N_SAME_HOST - 8);

  /* As transfers end, the waiting ones take their places, never more than eight. */
  for (guint i = 0; i < N_SAME_HOST; i++)
    mw_test_server_release (fixture->server, resources[i]);
  for (guint i = 0; i < N_SAME_HOST; i++)
    assert_completed (fixture, downloads[i], body);
  g_assert_cmpuint (mw_test_server_get_max_concurrent (fixture->server), ==, 8);
  g_assert_cmpuint (mw_test_server_get_max_concurrent (other_server), <=, N_OTHER_HOST);

  mw_test_server_free (other_server);
}

#define N_CHANGING 14

/* The limit per host changes while downloads run: a higher one starts more at once, a
 * lower one starts none until the running ones are fewer than it, and 0 lifts it. */
static void
test_per_host_limit_changes (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (BODY_SIZE, 202);
  MwTestResource *resources[N_CHANGING];
  MwDownload *downloads[N_CHANGING];
  guint n_running = 0;

  mw_download_list_set_max_concurrent (fixture->list, 100);
  for (guint i = 0; i < N_CHANGING; i++)
    {
      g_autofree char *path = g_strdup_printf ("/changing-%02u.bin", i);

      resources[i] = add_held (fixture->server, path, body);
      downloads[i] = mw_test_downloads_add (fixture, path);
    }
  assert_requests_settle_at (fixture->server, resources, N_CHANGING, 8,
                             "eight downloads to reach the server");

  mw_download_list_set_max_per_host (fixture->list, 10);
  g_assert_cmpuint (mw_download_list_get_max_per_host (fixture->list), ==, 10);
  assert_requests_settle_at (fixture->server, resources, N_CHANGING, 10,
                             "ten downloads to reach the server once ten were allowed");
  for (guint i = 0; i < N_CHANGING; i++)
    g_assert_cmpuint (requests_of (fixture->server, resources[i]), ==, i < 10 ? 1 : 0);

  /* Lowered to two: the ten running go on to their end; of the four waiting, two start
   * once fewer than two run. */
  mw_download_list_set_max_per_host (fixture->list, 2);
  g_assert_true (mw_download_list_is_waiting_for_host (fixture->list, downloads[10], NULL, &n_running));
  g_assert_cmpuint (n_running, ==, 10);
  for (guint i = 0; i < 10; i++)
    mw_test_server_release (fixture->server, resources[i]);
  for (guint i = 0; i < 10; i++)
    assert_completed (fixture, downloads[i], body);
  assert_requests_settle_at (fixture->server, resources, N_CHANGING, 12,
                             "two of the waiting downloads to start under the lower limit");
  g_assert_cmpuint (requests_of (fixture->server, resources[10]), ==, 1);
  g_assert_cmpuint (requests_of (fixture->server, resources[11]), ==, 1);
  g_assert_true (mw_download_list_is_waiting_for_host (fixture->list, downloads[12], NULL, &n_running));
  g_assert_cmpuint (n_running, ==, 2);

  /* No limit: the last two start at once. */
  mw_download_list_set_max_per_host (fixture->list, 0);
  assert_requests_settle_at (fixture->server, resources, N_CHANGING, N_CHANGING,
                             "the last downloads to start once the limit was lifted");
  g_assert_false (mw_download_list_is_waiting_for_host (fixture->list, downloads[12], NULL, NULL));

  for (guint i = 10; i < N_CHANGING; i++)
    mw_test_server_release (fixture->server, resources[i]);
  for (guint i = 10; i < N_CHANGING; i++)
    assert_completed (fixture, downloads[i], body);
}

/* --- Moving a waiting download ----------------------------------------------------- */

#define N_QUEUED 4

/* One download runs and four wait: the last one moved to the front of the list is the
 * next to start; one moved up a place starts before the one it passed. */
static void
test_move_to_front (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (BODY_SIZE, 203);
  MwTestResource *first_resource;
  MwTestResource *resources[N_QUEUED];
  MwDownload *first;
  MwDownload *queued[N_QUEUED];
  ItemsChanged seen = { 0 };

  mw_download_list_set_max_concurrent (fixture->list, 1);
  first_resource = add_held (fixture->server, "/first.bin", body);
  first = mw_test_downloads_add (fixture, "/first.bin");
  for (guint i = 0; i < N_QUEUED; i++)
    {
      g_autofree char *path = g_strdup_printf ("/queued-%u.bin", i);

      resources[i] = add_held (fixture->server, path, body);
      queued[i] = mw_test_downloads_add (fixture, path);
    }
  mw_test_wait_for_bytes (first, HELD_AT);
  g_assert_cmpuint (mw_download_list_get_queue_position (fixture->list, queued[3]), ==, 3);

  g_signal_connect (fixture->list, "items-changed", G_CALLBACK (items_changed_cb), &seen);
  g_assert_true (mw_download_list_move (fixture->list, queued[3], 0));
  g_assert_cmpuint (seen.n_signals, ==, 1);
  g_assert_cmpuint (seen.position, ==, 0);
  g_assert_cmpuint (seen.removed, ==, 5);
  g_assert_cmpuint (seen.added, ==, 5);
  assert_order (fixture->list, (MwDownload *[]) { queued[3], first, queued[0], queued[1], queued[2] }, 5);
  g_assert_cmpuint (mw_download_list_get_queue_position (fixture->list, queued[3]), ==, 0);
  g_assert_cmpuint (mw_download_list_get_queue_position (fixture->list, queued[0]), ==, 1);

  /* The running one ends: the one moved to the front starts, the others wait. */
  mw_test_server_release (fixture->server, first_resource);
  assert_completed (fixture, first, body);
  assert_requests_settle_at (fixture->server, resources, N_QUEUED, 1,
                             "the next queued download to reach the server");
  g_assert_cmpuint (requests_of (fixture->server, resources[3]), ==, 1);

  /* Now queued[0] is first in the queue: it cannot move up, but down. queued[2] moves up
   * a place, before queued[1]. */
  g_assert_false (mw_download_list_can_move_in_queue (fixture->list, queued[0], -1));
  g_assert_true (mw_download_list_can_move_in_queue (fixture->list, queued[0], 1));
  g_assert_false (mw_download_list_can_move_in_queue (fixture->list, queued[2], 1));
  seen.n_signals = 0;
  g_assert_true (mw_download_list_move_in_queue (fixture->list, queued[2], -1));
  g_assert_cmpuint (seen.n_signals, ==, 1);
  g_assert_cmpuint (seen.position, ==, 3);
  g_assert_cmpuint (seen.removed, ==, 2);
  g_assert_cmpuint (seen.added, ==, 2);
  assert_order (fixture->list, (MwDownload *[]) { queued[3], first, queued[0], queued[2], queued[1] }, 5);
  g_assert_false (mw_download_list_move_in_queue (fixture->list, queued[1], 1));

  /* So they start: queued[0], then queued[2], then queued[1]. */
  mw_test_server_release (fixture->server, resources[3]);
  assert_completed (fixture, queued[3], body);
  assert_requests_settle_at (fixture->server, resources, N_QUEUED, 2,
                             "the second queued download to reach the server");
  g_assert_cmpuint (requests_of (fixture->server, resources[0]), ==, 1);

  mw_test_server_release (fixture->server, resources[0]);
  assert_completed (fixture, queued[0], body);
  assert_requests_settle_at (fixture->server, resources, N_QUEUED, 3,
                             "the third queued download to reach the server");
  g_assert_cmpuint (requests_of (fixture->server, resources[2]), ==, 1);
  g_assert_cmpuint (requests_of (fixture->server, resources[1]), ==, 0);

  mw_test_server_release (fixture->server, resources[2]);
  mw_test_server_release (fixture->server, resources[1]);
  assert_completed (fixture, queued[2], body);
  assert_completed (fixture, queued[1], body);
  g_signal_handlers_disconnect_by_data (fixture->list, &seen);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
load (MwDownloadList *list)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mw_download_list_load_async (list, NULL, store_result_cb, &result);
  mw_test_wait_until (has_result, &result, MW_TEST_PATIENCE_MS, "the list of downloads to load");
  g_assert_true (mw_download_list_load_finish (list, result, &error));
  g_assert_no_error (error);
  g_assert_null (mw_download_list_get_load_error (list));
}

static void
save (MwDownloadList *list)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mw_download_list_save_async (list, NULL, store_result_cb, &result);
  mw_test_wait_until (has_result, &result, MW_TEST_PATIENCE_MS, "the list of downloads to be saved");
  g_assert_true (mw_download_list_save_finish (list, result, &error));
  g_assert_no_error (error);
}

static gboolean
is_inactive (gpointer data)
{
  return !mw_download_is_active (data);
}

/* The order of the queue is kept in the state file: a list read back from it has its
 * downloads in the order they were moved to. */
static void
test_order_saved (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (BODY_SIZE, 204);
  g_autofree char *state_path = g_build_filename (fixture->folder_path, "downloads.json", NULL);
  g_autoptr(GFile) state_file = g_file_new_for_path (state_path);
  const char *paths[] = { "/running.bin", "/a.bin", "/b.bin", "/c.bin" };
  MwDownload *downloads[G_N_ELEMENTS (paths)];
  g_auto(GStrv) expected = g_new0 (char *, G_N_ELEMENTS (paths) + 1);
  MwDownloadList *list = mw_download_list_new (state_file);
  MwDownloadList *reloaded;

  load (list);
  mw_download_list_set_download_folder (list, fixture->folder);
  mw_download_list_set_max_concurrent (list, 1);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = mw_test_server_url (fixture->server, paths[i]);

      add_held (fixture->server, paths[i], body);
      downloads[i] = add_url (list, url);
    }
  mw_test_wait_for_bytes (downloads[0], HELD_AT);

  /* running, a, b, c  →  c, running, b, a */
  g_assert_true (mw_download_list_move (list, downloads[3], 0));
  g_assert_true (mw_download_list_move_in_queue (list, downloads[1], 1));
  assert_order (list, (MwDownload *[]) { downloads[3], downloads[0], downloads[2], downloads[1] }, 4);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), i);

      expected[i] = g_strdup (mw_download_get_url (download));
    }
  save (list);

  /* As at a quit: the running one stops, to resume at the next start. */
  mw_download_list_shutdown (list);
  mw_test_wait_until (is_inactive, downloads[0], MW_TEST_PATIENCE_MS,
                      "the running download to stop at the shutdown");
  g_assert_finalize_object (list);

  /* Read back by a list that starts nothing, so that the order is all there is to see. */
  reloaded = mw_download_list_new (state_file);
  mw_download_list_shutdown (reloaded);
  load (reloaded);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reloaded)), ==, G_N_ELEMENTS (paths));
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (reloaded), i);

      g_assert_cmpstr (mw_download_get_url (download), ==, expected[i]);
      g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_QUEUED);
    }
  g_assert_finalize_object (reloaded);
}

/* Only a waiting download has a place in the queue: moving one that runs, is paused or
 * has finished is refused and changes nothing; a waiting one moved to where it is, or
 * past the end, stays or goes last. */
static void
test_move_refused (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (BODY_SIZE, 205);
  MwTestResource *running_resource;
  MwDownload *done, *running, *paused, *waiting;
  ItemsChanged seen = { 0 };

  mw_download_list_set_max_concurrent (fixture->list, 1);
  mw_test_server_add (fixture->server, "/done.bin", body);
  done = mw_test_downloads_add (fixture, "/done.bin");
  assert_completed (fixture, done, body);

  running_resource = add_held (fixture->server, "/running.bin", body);
  running = mw_test_downloads_add (fixture, "/running.bin");
  mw_test_wait_for_bytes (running, HELD_AT);
  add_held (fixture->server, "/paused.bin", body);
  paused = mw_test_downloads_add (fixture, "/paused.bin");
  mw_download_pause (paused);
  g_assert_cmpint (mw_download_get_state (paused), ==, MW_DOWNLOAD_PAUSED);
  add_held (fixture->server, "/waiting.bin", body);
  waiting = mw_test_downloads_add (fixture, "/waiting.bin");

  g_signal_connect (fixture->list, "items-changed", G_CALLBACK (items_changed_cb), &seen);
  g_assert_false (mw_download_list_move (fixture->list, done, 3));
  g_assert_false (mw_download_list_move (fixture->list, running, 0));
  g_assert_false (mw_download_list_move (fixture->list, paused, 0));
  for (int direction = -1; direction <= 1; direction += 2)
    {
      g_assert_false (mw_download_list_can_move_in_queue (fixture->list, done, direction));
      g_assert_false (mw_download_list_can_move_in_queue (fixture->list, running, direction));
      g_assert_false (mw_download_list_can_move_in_queue (fixture->list, paused, direction));
      g_assert_false (mw_download_list_move_in_queue (fixture->list, running, direction));
      /* The only one waiting is first and last in the queue. */
      g_assert_false (mw_download_list_can_move_in_queue (fixture->list, waiting, direction));
      g_assert_false (mw_download_list_move_in_queue (fixture->list, waiting, direction));
    }
  g_assert_true (mw_download_list_move (fixture->list, waiting, 3));
  g_assert_true (mw_download_list_move (fixture->list, waiting, 100));
  g_assert_cmpuint (seen.n_signals, ==, 0);
  assert_order (fixture->list, (MwDownload *[]) { done, running, paused, waiting }, 4);

  /* Behind the one running, with one transfer at a time for all hosts, the waiting one
   * waits for its turn; with one a host, it waits for its host too, and says so. */
  g_assert_false (mw_download_list_is_waiting_for_host (fixture->list, waiting, NULL, NULL));
  mw_download_list_set_max_per_host (fixture->list, 1);
  g_assert_true (mw_download_list_is_waiting_for_host (fixture->list, waiting, NULL, NULL));
  g_assert_false (mw_download_list_is_waiting_for_host (fixture->list, running, NULL, NULL));
  g_assert_false (mw_download_list_is_waiting_for_host (fixture->list, paused, NULL, NULL));

  /* A waiting one still moves, past those that do not wait. */
  g_assert_true (mw_download_list_move (fixture->list, waiting, 0));
  g_assert_cmpuint (seen.n_signals, ==, 1);
  assert_order (fixture->list, (MwDownload *[]) { waiting, done, running, paused }, 4);

  mw_download_cancel (waiting);
  mw_download_cancel (paused);
  mw_test_server_release (fixture->server, running_resource);
  assert_completed (fixture, running, body);
  mw_test_wait_until_finished (paused);
  mw_test_wait_until_finished (waiting);
  g_signal_handlers_disconnect_by_data (fixture->list, &seen);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, mw_test_downloads_set_up, func, mw_test_downloads_tear_down)

  ADD ("/download/queue/per-host-limit", test_per_host_limit);
  ADD ("/download/queue/per-host-limit-changes", test_per_host_limit_changes);
  ADD ("/download/queue/move-to-front", test_move_to_front);
  ADD ("/download/queue/order-saved", test_order_saved);
  ADD ("/download/queue/move-refused", test_move_refused);

  return g_test_run ();
}
