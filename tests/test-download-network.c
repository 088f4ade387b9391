/* test-download-network.c: downloads wait for the network to come back, and fail on a broken network only after a time without progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The servers are real, on loopback; whether there is a network is what a monitor the
 * test controls says (mw-test-network.c). The retry policy runs 50 times faster than the
 * default one: a back-off of 20 ms stands for one of a second, so OFFLINE_MS below stands
 * for a minute without a network, long enough for a download that spent attempts (or its
 * network budget of a second) while it waited to have failed several times over.
 */
#define G_LOG_DOMAIN "test-download-network"

#include "config.h"

#include <string.h>

#include "mw-download-format.h"
#include "mw-download-list.h"
#include "mw-download-store.h"
#include "mw-test-network.h"
#include "mw-test-server.h"

#define OFFLINE_MS 1200
#define BUDGET_S   1

typedef struct
{
  MwTestDownloads base;
  MwTestNetwork  *network;
  GPtrArray      *events;   /* the event log's sentences, in order */
} Fixture;

static void
event_cb (MwDownloadList *list,
          MwDownload     *download,
          gint64          time,
          const char     *text,
          Fixture        *fixture)
{
  g_ptr_array_add (fixture->events, g_strdup (text));
}

/* A list told of the network by the test, with the quick policy: two attempts, 20 ms
 * apart, and a network budget of a second. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  gboolean blocking = GPOINTER_TO_INT (user_data);

  mw_test_downloads_set_up (&fixture->base, NULL);
  fixture->network = mw_test_network_new (TRUE);
  fixture->events = g_ptr_array_new_with_free_func (g_free);
  mw_download_list_set_network_monitor (fixture->base.list, G_NETWORK_MONITOR (fixture->network));
  mw_download_list_set_retry_policy (fixture->base.list, 2, 20, 20);
  mw_download_list_set_network_budget (fixture->base.list, BUDGET_S);
  mw_download_list_set_network_timeout (fixture->base.list, 5);
  mw_download_list_set_blocking_mode (fixture->base.list, blocking);
  g_signal_connect (fixture->base.list, "download-event", G_CALLBACK (event_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_signal_handlers_disconnect_by_data (fixture->base.list, fixture);
  mw_test_downloads_tear_down (&fixture->base, NULL);
  g_assert_finalize_object (fixture->network);
  g_ptr_array_unref (fixture->events);
}

static gboolean
logged (Fixture    *fixture,
        const char *start)
{
  for (guint i = 0; i < fixture->events->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (fixture->events, i), start))
      return TRUE;
  return FALSE;
}

static gboolean
is_waiting_for_network_or_finished (gpointer data)
{
  return mw_download_get_waiting_for_network (data) || mw_download_is_finished (data);
}

/* Waits until DOWNLOAD waits for the network, or fails saying so, and saying so at once
 * if the download ended instead. */
static void
wait_for_network_wait (MwDownload *download)
{
  mw_test_wait_until (is_waiting_for_network_or_finished, download, MW_TEST_PATIENCE_MS,
                      "the download to wait for the network");
  if (mw_download_is_finished (download))
    g_error ("The download ended (%s, “%s”) instead of waiting for the network",
             mw_download_state_to_string (mw_download_get_state (download)),
             mw_download_get_error_message (download));
}

typedef struct
{
  MwDownload *download;
  guint       attempt;
} AttemptWanted;

static gboolean
reached_attempt_or_finished (gpointer data)
{
  AttemptWanted *wanted = data;

  return mw_download_get_attempt (wanted->download) >= wanted->attempt ||
         mw_download_is_finished (wanted->download);
}

/* Waits until DOWNLOAD has begun ATTEMPT attempts, and checks that it did not fail first. */
static void
wait_for_attempt (MwDownload *download,
                  guint       attempt)
{
  AttemptWanted wanted = { download, attempt };
  g_autofree char *what = g_strdup_printf ("attempt %u of the download", attempt);

  mw_test_wait_until (reached_attempt_or_finished, &wanted, MW_TEST_PATIENCE_MS, what);
  if (mw_download_is_finished (download))
    g_error ("The download ended (%s, “%s”) after %u attempts, before its attempt %u",
             mw_download_state_to_string (mw_download_get_state (download)),
             mw_download_get_error_message (download), mw_download_get_attempt (download), attempt);
}

/* However long the network stays away, the download only waits: no request, no attempt,
 * no transfer slot (so nothing keeps the computer from suspending), and it says so. */
static void
assert_waits_offline (Fixture        *fixture,
                      MwDownload     *download,
                      MwTestResource *resource)
{
  guint attempt = mw_download_get_attempt (download);
  guint requests = mw_test_server_get_requests (fixture->base.server, resource);
  g_autofree char *status = NULL;

  mw_test_iterate_for (OFFLINE_MS);

  g_assert_true (mw_download_get_waiting_for_network (download));
  g_assert_false (mw_download_is_finished (download));
  g_assert_cmpuint (mw_download_get_attempt (download), ==, attempt);
  g_assert_cmpuint (mw_test_server_get_requests (fixture->base.server, resource), ==, requests);
  g_assert_cmpuint (mw_download_list_get_n_active (fixture->base.list), ==, 0);
  g_assert_true (mw_download_is_active (download));
  g_assert_true (mw_download_can_pause (download));

  status = mw_format_download_status (download, 0);
  g_assert_true (g_str_has_prefix (status, "Waiting for the network"));
  g_assert_true (logged (fixture, "Waiting for the network"));
}

/* The resume after the wait asked for the rest of the file, from where the .part ended. */
static void
assert_resumed_with_range (MwTestResource *resource,
                           guint           request)
{
  const char *range = g_ptr_array_index (resource->ranges, request);

  g_assert_true (g_str_has_prefix (range, "bytes="));
  g_assert_cmpuint (g_ascii_strtoull (range + strlen ("bytes="), NULL, 10), >, 0);
}

static void
network_back (Fixture *fixture)
{
  mw_test_server_set_refusing (fixture->base.server, FALSE);
  mw_test_network_set_available (fixture->network, TRUE);
}

/* The monitor says there is no network when PATH's download begins in LIST (its first
 * attempt is made all the same), the server cuts it after 100,000 bytes, then refuses
 * connections. Returns: the download, waiting for the network */
static MwDownload *
add_cut_offline (Fixture        *fixture,
                 MwDownloadList *list,
                 const char     *path,
                 MwTestResource *resource)
{
  g_autofree char *url = mw_test_server_url (fixture->base.server, path);
  g_autoptr(GError) error = NULL;
  MwDownload *download;

  resource->cut_after = 100000;
  resource->cut_times = 1;
  mw_test_network_set_available (fixture->network, FALSE);
  download = mw_download_list_add (list, url, NULL, &error);
  g_assert_no_error (error);
  wait_for_network_wait (download);
  mw_test_server_set_refusing (fixture->base.server, TRUE);
  g_assert_cmpuint (mw_download_get_received_bytes (download), >, 0);
  return download;
}

/* With the network back, DOWNLOAD completes as NAME with all of BODY, its second request
 * a resume. */
static void
assert_resumes_to_completion (Fixture        *fixture,
                              MwDownload     *download,
                              MwTestResource *resource,
                              const char     *name,
                              GBytes         *body)
{
  mw_test_wait_until_finished (download);
  mw_test_downloads_assert_completed (&fixture->base, download, name, body);
  g_assert_false (mw_download_get_waiting_for_network (download));
  g_assert_cmpuint (resource->requests, ==, 2);
  assert_resumed_with_range (resource, 1);
}

/* The Wi-Fi drops in the middle of a transfer: the connection breaks, the server is out
 * of reach, and the monitor says there is no network. When it is back, the download
 * resumes by itself, with a Range request, and completes. */
static void
test_offline_mid_transfer (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (400000, 71);
  MwTestResource *resource = mw_test_server_add (fixture->base.server, "/trip.iso", body);
  MwDownload *download;

  resource->held = TRUE;
  resource->hold_after = 100000;
  resource->cut_after = 150000;
  resource->cut_times = 1;

  download = mw_test_downloads_add (&fixture->base, "/trip.iso");
  mw_test_wait_for_bytes (download, 100000);
  mw_test_network_set_available (fixture->network, FALSE);
  mw_test_server_set_refusing (fixture->base.server, TRUE);
  mw_test_server_release (fixture->base.server, resource);

  wait_for_network_wait (download);
  g_assert_cmpuint (mw_download_get_attempt (download), ==, 1);
  assert_waits_offline (fixture, download, resource);

  network_back (fixture);
  assert_resumes_to_completion (fixture, download, resource, "trip.iso", body);
  g_assert_true (logged (fixture, "The network is back"));
  g_assert_cmpuint (mw_download_get_attempt (download), ==, 2);
}

/* Freezing mode: the attempt blocks, the wait does not. The monitor already says there is
 * no network when the transfer starts (the first attempt is made all the same, and is
 * cut); the test's main loop runs through the whole wait. */
static void
test_offline_mid_transfer_blocking (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (400000, 72);
  MwTestResource *resource = mw_test_server_add (fixture->base.server, "/frozen.iso", body);
  MwDownload *download;

  download = add_cut_offline (fixture, fixture->base.list, "/frozen.iso", resource);
  assert_waits_offline (fixture, download, resource);
  g_assert_cmpuint (resource->requests, ==, 1);

  network_back (fixture);
  assert_resumes_to_completion (fixture, download, resource, "frozen.iso", body);
  g_assert_true (mw_download_list_get_blocking_mode (fixture->base.list));
}

/* The network goes while a download waits out a back-off: its next attempt is not made
 * until the network is back. */
static void
test_offline_during_backoff (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (50000, 73);
  MwTestResource *resource = mw_test_server_add (fixture->base.server, "/later.bin", body);
  MwDownload *download;

  /* Refused connections count against a budget long enough to outlast the test. */
  mw_download_list_set_network_budget (fixture->base.list, 600);
  mw_test_server_set_refusing (fixture->base.server, TRUE);
  download = mw_test_downloads_add (&fixture->base, "/later.bin");
  wait_for_attempt (download, 3);

  mw_test_network_set_available (fixture->network, FALSE);
  wait_for_network_wait (download);
  assert_waits_offline (fixture, download, resource);
  g_assert_cmpuint (resource->requests, ==, 0);

  network_back (fixture);
  mw_test_wait_until_finished (download);
  mw_test_downloads_assert_completed (&fixture->base, download, "later.bin", body);
  g_assert_cmpuint (resource->requests, ==, 1);
}

/* The network is there and the server refuses: not a few quick attempts, but a budget of
 * time without progress (here a second), and a sentence that says both. */
static void
test_refused_online_uses_budget (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (1000, 74);
  MwTestResource *resource = mw_test_server_add (fixture->base.server, "/down.bin", body);
  MwDownload *download;
  const char *message;

  mw_test_server_set_refusing (fixture->base.server, TRUE);
  download = mw_test_downloads_add (&fixture->base, "/down.bin");
  mw_test_wait_until_finished (download);

  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_FAILED);
  message = mw_download_get_error_message (download);
  g_assert_true (g_str_has_prefix (message, "No progress for 1 second: "));
  g_assert_nonnull (strstr (message, "127.0.0.1 refused the connection"));
  /* Far more than the policy's two attempts, with its back-off between them. */
  g_assert_cmpuint (mw_download_get_attempt (download), >, 2);
  g_assert_false (mw_download_get_waiting_for_network (download));
  g_assert_cmpuint (resource->requests, ==, 0);
  mw_test_server_set_refusing (fixture->base.server, FALSE);
}

/* Answers from a server are not network failures: a 404 fails at once, and 503s are
 * counted as before, while a download whose server refuses connections goes on trying. */
static void
test_http_errors_keep_counting (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(MwTestServer) door = mw_test_server_new ();
  g_autoptr(GBytes) body = mw_test_make_bytes (1000, 75);
  MwTestResource *busy = mw_test_server_add (fixture->base.server, "/busy.bin", body);
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  MwDownload *refused;
  MwDownload *missing;
  MwDownload *unavailable;
  guint status = 503;

  mw_download_list_set_network_budget (fixture->base.list, 600);
  mw_test_server_add (door, "/behind.bin", body);
  mw_test_server_set_refusing (door, TRUE);
  url = mw_test_server_url (door, "/behind.bin");
  refused = mw_download_list_add (fixture->base.list, url, NULL, &error);
  g_assert_no_error (error);
  wait_for_attempt (refused, 4);

  missing = mw_test_downloads_add (&fixture->base, "/missing.bin");
  mw_test_wait_until_finished (missing);
  g_assert_cmpint (mw_download_get_state (missing), ==, MW_DOWNLOAD_FAILED);
  g_assert_nonnull (strstr (mw_download_get_error_message (missing), "error 404"));
  g_assert_cmpuint (mw_download_get_attempt (missing), ==, 1);

  busy->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < 3; i++)
    g_array_append_val (busy->statuses, status);
  unavailable = mw_test_downloads_add (&fixture->base, "/busy.bin");
  mw_test_wait_until_finished (unavailable);
  g_assert_cmpint (mw_download_get_state (unavailable), ==, MW_DOWNLOAD_FAILED);
  g_assert_nonnull (strstr (mw_download_get_error_message (unavailable), "error 503"));
  g_assert_null (strstr (mw_download_get_error_message (unavailable), "No progress"));
  g_assert_cmpuint (busy->requests, ==, 2);

  g_assert_false (mw_download_is_finished (refused));
  mw_download_cancel (refused);
  mw_test_wait_until_at_rest (refused, MW_DOWNLOAD_CANCELLED);
}

/* A download waiting for the network can be paused, and stays paused when the network
 * comes and goes; resumed without a network, it waits again; with one, it completes. */
static void
test_pause_while_waiting (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (300000, 76);
  MwTestResource *resource = mw_test_server_add (fixture->base.server, "/paused.iso", body);
  MwDownload *download;

  download = add_cut_offline (fixture, fixture->base.list, "/paused.iso", resource);
  mw_download_pause (download);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_PAUSED);
  g_assert_false (mw_download_get_waiting_for_network (download));
  g_assert_cmpuint (mw_download_list_get_n_active (fixture->base.list), ==, 0);

  /* The network comes and goes: a paused download does not move. */
  mw_test_network_set_available (fixture->network, TRUE);
  mw_test_iterate_for (200);
  mw_test_network_set_available (fixture->network, FALSE);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_PAUSED);
  g_assert_false (mw_download_is_active (download));

  mw_download_resume (download);
  wait_for_network_wait (download);
  assert_waits_offline (fixture, download, resource);
  g_assert_cmpuint (resource->requests, ==, 1);

  network_back (fixture);
  assert_resumes_to_completion (fixture, download, resource, "paused.iso", body);
}

static MwDownloadList *
new_list_with_state (Fixture *fixture,
                     GFile   *state)
{
  MwDownloadList *list = mw_download_list_new (state);
  g_autoptr(GError) error = NULL;

  mw_download_list_set_download_folder (list, fixture->base.folder);
  mw_download_list_set_network_monitor (list, G_NETWORK_MONITOR (fixture->network));
  mw_download_list_set_retry_policy (list, 2, 20, 20);
  mw_download_list_set_network_budget (list, BUDGET_S);
  g_assert_true (mw_test_download_list_load (list, &error));
  g_assert_no_error (error);
  return list;
}

/* The state file written while a download waits for the network keeps it as one to
 * resume: Meanwhile stopped then (a crash, a power cut) resumes it at the next start. */
static void
test_state_file_keeps_waiting (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (300000, 77);
  MwTestResource *resource = mw_test_server_add (fixture->base.server, "/kept.iso", body);
  g_autofree char *state_path = g_build_filename (fixture->base.folder_path, "downloads.json", NULL);
  g_autoptr(GFile) state = g_file_new_for_path (state_path);
  g_autofree char *saved = NULL;
  gsize saved_length = 0;
  g_autoptr(GPtrArray) records = NULL;
  MwDownloadRecord *record;
  MwDownloadList *list;
  MwDownload *download;
  g_autoptr(MwDownload) restored = NULL;
  g_autoptr(GError) error = NULL;

  list = new_list_with_state (fixture, state);
  download = add_cut_offline (fixture, list, "/kept.iso", resource);

  /* What the file says at that moment. */
  g_assert_true (mw_test_download_list_save (list, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (state_path, &saved, &saved_length, &error));
  g_assert_no_error (error);
  records = mw_download_store_parse (saved, saved_length, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  record = g_ptr_array_index (records, 0);
  g_assert_true (record->state == MW_DOWNLOAD_CONNECTING || record->state == MW_DOWNLOAD_DOWNLOADING);
  g_assert_cmpuint (record->received, >, 0);
  g_assert_null (strstr (saved, "\"failed\""));

  /* The process stops; whatever it wrote after is lost with it. */
  mw_download_pause (download);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_PAUSED);
  g_assert_true (mw_test_download_list_save (list, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (list);
  g_assert_true (g_file_set_contents (state_path, saved, (gssize) saved_length, &error));
  g_assert_no_error (error);

  /* The next start, with the network and the server back. */
  network_back (fixture);
  list = new_list_with_state (fixture, state);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  restored = g_list_model_get_item (G_LIST_MODEL (list), 0);
  assert_resumes_to_completion (fixture, restored, resource, "kept.iso", body);
  g_assert_true (mw_test_download_list_save (list, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (list);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, blocking) \
  g_test_add (path, Fixture, GINT_TO_POINTER (blocking), fixture_set_up, func, fixture_tear_down)

  ADD ("/download/network/offline-mid-transfer", test_offline_mid_transfer, FALSE);
  ADD ("/download/network/offline-mid-transfer-blocking", test_offline_mid_transfer_blocking, TRUE);
  ADD ("/download/network/offline-during-backoff", test_offline_during_backoff, FALSE);
  ADD ("/download/network/refused-online-uses-budget", test_refused_online_uses_budget, FALSE);
  ADD ("/download/network/http-errors-keep-counting", test_http_errors_keep_counting, FALSE);
  ADD ("/download/network/pause-while-waiting", test_pause_while_waiting, FALSE);
  ADD ("/download/network/state-file-keeps-waiting", test_state_file_keeps_waiting, FALSE);

#undef ADD

  return g_test_run ();
}
