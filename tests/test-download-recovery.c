/* test-download-recovery.c: downloads cut, paused or refused: resumed, retried or given up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-download-recovery"

#include "config.h"

#include <glib/gstdio.h>

#include "mw-download-list.h"
#include "mw-error.h"
#include "mw-test-server.h"
#include "test-download-checks.h"

/* --- Resuming --------------------------------------------------------------------- */

static void
test_resume_after_cut (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (1024 * 1024, 11);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/cut.bin", body);
  MwDownload *download;

  resource->etag = g_strdup ("\"v1\"");
  resource->cut_after = 300000;
  resource->cut_times = 1;

  download = mw_test_downloads_add (fixture, "/cut.bin");
  mw_test_wait_until_finished (download);

  assert_completed_as (fixture, download, "cut.bin", body);
  g_assert_cmpuint (resource->requests, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (resource->ranges, 1), ==, "bytes=300000-");
  g_assert_cmpstr (g_ptr_array_index (resource->if_ranges, 1), ==, "\"v1\"");
  g_assert_cmpuint (mw_download_get_attempt (download), ==, 2);
}

static void
test_resume_with_last_modified (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 12);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/lm.bin", body);
  MwDownload *download;

  /* A weak ETag cannot be used with If-Range; the date can. */
  resource->etag = g_strdup ("W/\"weak\"");
  resource->last_modified = g_strdup ("Tue, 03 Nov 2026 10:00:00 GMT");
  resource->cut_after = 50000;
  resource->cut_times = 1;

  download = mw_test_downloads_add (fixture, "/lm.bin");
  mw_test_wait_until_finished (download);

  assert_completed_as (fixture, download, "lm.bin", body);
  g_assert_cmpstr (g_ptr_array_index (resource->ranges, 1), ==, "bytes=50000-");
  g_assert_cmpstr (g_ptr_array_index (resource->if_ranges, 1), ==, "Tue, 03 Nov 2026 10:00:00 GMT");
}

static void
test_pause_and_resume (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (400000, 13);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/slow.bin", body);
  g_autofree char *part_path = g_build_filename (fixture->folder_path, "slow.bin.part", NULL);
  g_autoptr(GFile) part = g_file_new_for_path (part_path);
  MwDownload *download;
  guint64 paused_at;

  resource->etag = g_strdup ("\"p1\"");
  resource->throttle_chunk = 16384;
  resource->throttle_delay_ms = 20;

  download = mw_test_downloads_add (fixture, "/slow.bin");
  mw_test_wait_for_bytes (download, 50000);
  g_assert_true (mw_download_can_pause (download));
  mw_download_pause (download);
  mw_test_wait_for_state (download, MW_DOWNLOAD_PAUSED);
  g_assert_false (mw_download_is_active (download));

  /* A paused download stays paused, and its .part holds what arrived. */
  mw_test_run_loop_for (200);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_PAUSED);
  g_assert_true (g_file_query_exists (part, NULL));
  paused_at = mw_download_get_received_bytes (download);
  g_assert_cmpuint (paused_at, >=, 50000);
  g_assert_cmpuint (paused_at, <, 400000);
  g_assert_false (mw_test_file_exists (fixture->folder_path, "slow.bin"));

  resource->throttle_delay_ms = 0;
  g_assert_true (mw_download_can_resume (download));
  mw_download_resume (download);
  mw_test_wait_until_finished (download);

  assert_completed_as (fixture, download, "slow.bin", body);
  g_assert_cmpuint (resource->requests, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (resource->ranges, 1), "bytes="));
  g_assert_cmpstr (g_ptr_array_index (resource->if_ranges, 1), ==, "\"p1\"");
}

static void
test_range_ignored (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (300000, 14);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/norange.bin", body);
  MwDownload *download;

  resource->ignore_range = TRUE;
  resource->cut_after = 100000;
  resource->cut_times = 1;

  download = mw_test_downloads_add (fixture, "/norange.bin");
  mw_test_wait_until_finished (download);

  /* The 200 brought the whole file again; it replaced the .part instead of appending. */
  assert_completed_as (fixture, download, "norange.bin", body);
  g_assert_cmpuint (resource->requests, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (resource->ranges, 1), ==, "bytes=100000-");
}

static void
test_etag_changes (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gboolean server_ignores_if_range = GPOINTER_TO_INT (user_data);
  g_autoptr(GBytes) old_body = mw_test_make_bytes (300000, 15);
  g_autoptr(GBytes) new_body = mw_test_make_bytes (310000, 16);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/changes.bin", old_body);
  MwDownload *download;

  resource->etag = g_strdup ("\"old\"");
  resource->throttle_chunk = 16384;
  resource->throttle_delay_ms = 10;
  resource->ignore_if_range = server_ignores_if_range;

  download = mw_test_downloads_add (fixture, "/changes.bin");
  mw_test_wait_for_bytes (download, 50000);
  mw_download_pause (download);
  mw_test_wait_for_state (download, MW_DOWNLOAD_PAUSED);

  mw_test_server_lock (fixture->server);
  g_bytes_unref (resource->body);
  resource->body = g_bytes_ref (new_body);
  g_free (resource->etag);
  resource->etag = g_strdup ("\"new\"");
  resource->throttle_delay_ms = 0;
  mw_test_server_unlock (fixture->server);

  mw_download_resume (download);
  mw_test_wait_until_finished (download);

  /* Never a mix of the two versions. */
  assert_completed_as (fixture, download, "changes.bin", new_body);
  g_assert_cmpstr (mw_download_get_etag (download), ==, "\"new\"");
}

static void
test_wrong_content_range (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 17);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/wrong.bin", body);
  MwDownload *download;

  resource->wrong_range = TRUE;
  resource->cut_after = 80000;
  resource->cut_times = 1;

  download = mw_test_downloads_add (fixture, "/wrong.bin");
  mw_test_wait_until_finished (download);

  /* The bad 206 was refused; the download started over without ranges. */
  assert_completed_as (fixture, download, "wrong.bin", body);
  g_assert_cmpuint (resource->requests, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (resource->ranges, 2), ==, "");
}

static void
write_state_file (const char *path,
                  const char *url,
                  const char *file,
                  const char *etag)
{
  g_autofree char *json = NULL;
  g_autofree char *escaped_etag = g_strescape (etag, NULL);
  g_autoptr(GError) error = NULL;

  json = g_strdup_printf ("{ \"format\": \"meanwhile-downloads\", \"version\": 1, \"downloads\": ["
                          "{ \"url\": \"%s\", \"file\": \"%s\", \"state\": \"downloading\","
                          "  \"received\": 0, \"total\": -1, \"etag\": \"%s\" } ] }",
                          url, file, escaped_etag);
  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
}

static void
save_list (MwDownloadList *list)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mw_test_download_list_save (list, &error));
  g_assert_no_error (error);
}

static void
load_list (MwDownloadList *list)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mw_test_download_list_load (list, &error));
  g_assert_no_error (error);
  g_assert_true (mw_download_list_get_loaded (list));
}

static void
test_416_on_complete_part (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (70000, 18);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/done.bin", body);
  g_autofree char *url = mw_test_server_url (fixture->server, "/done.bin");
  g_autofree char *state_path = g_build_filename (fixture->folder_path, "state.json", NULL);
  g_autofree char *file_path = g_build_filename (fixture->folder_path, "done.bin", NULL);
  g_autofree char *part_path = g_strconcat (file_path, ".part", NULL);
  g_autoptr(GFile) state = g_file_new_for_path (state_path);
  g_autoptr(MwDownloadList) list = mw_download_list_new (state);
  g_autoptr(MwDownload) download = NULL;
  g_autoptr(GError) error = NULL;

  /* The app stopped after the last byte was written but before the rename. */
  resource->etag = g_strdup ("\"d\"");
  g_file_set_contents (part_path, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  write_state_file (state_path, url, file_path, "\"d\"");

  mw_download_list_set_retry_policy (list, 2, 20, 20);
  load_list (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  download = g_list_model_get_item (G_LIST_MODEL (list), 0);
  mw_test_wait_until_finished (download);

  assert_completed_as (fixture, download, "done.bin", body);
  g_assert_cmpuint (resource->requests, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (resource->ranges, 0), ==, "bytes=70000-");
  save_list (list);
}

static void
test_resume_from_state_file (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (250000, 19);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/again.bin", body);
  g_autofree char *url = mw_test_server_url (fixture->server, "/again.bin");
  g_autofree char *state_path = g_build_filename (fixture->folder_path, "state.json", NULL);
  g_autofree char *file_path = g_build_filename (fixture->folder_path, "again.bin", NULL);
  g_autofree char *part_path = g_strconcat (file_path, ".part", NULL);
  g_autoptr(GFile) state = g_file_new_for_path (state_path);
  g_autoptr(MwDownloadList) list = mw_download_list_new (state);
  g_autoptr(MwDownload) download = NULL;
  g_autoptr(GError) error = NULL;

  resource->etag = g_strdup ("\"a\"");
  g_file_set_contents (part_path, g_bytes_get_data (body, NULL), 100000, &error);
  g_assert_no_error (error);
  write_state_file (state_path, url, file_path, "\"a\"");

  load_list (list);
  download = g_list_model_get_item (G_LIST_MODEL (list), 0);
  mw_test_wait_until_finished (download);

  assert_completed_as (fixture, download, "again.bin", body);
  g_assert_cmpstr (g_ptr_array_index (resource->ranges, 0), ==, "bytes=100000-");
  save_list (list);
}

/* --- Failures --------------------------------------------------------------------- */

static void
test_not_found (Fixture       *fixture,
                gconstpointer  user_data)
{
  MwDownload *download = mw_test_downloads_add (fixture, "/missing.bin");

  mw_test_wait_until_finished (download);
  assert_failed_with (download, "404");
  assert_failed_with (download, "127.0.0.1");
  g_assert_cmpuint (mw_download_get_attempt (download), ==, 1);
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, 0);
}

static void
test_server_error_then_ok (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (12345, 20);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/flaky.bin", body);
  guint statuses[] = { 500, 502 };
  MwDownload *download;

  resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_vals (resource->statuses, statuses, G_N_ELEMENTS (statuses));

  download = mw_test_downloads_add (fixture, "/flaky.bin");
  mw_test_wait_until_finished (download);

  assert_completed_as (fixture, download, "flaky.bin", body);
  g_assert_cmpuint (resource->requests, ==, 3);
}

static void
test_too_many_requests (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (4000, 21);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/busy.bin", body);
  guint status = 429;
  MwDownload *download;
  gint64 start;

  resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (resource->statuses, status);
  resource->retry_after = g_strdup ("1");

  start = g_get_monotonic_time ();
  download = mw_test_downloads_add (fixture, "/busy.bin");
  mw_test_wait_until_finished (download);

  assert_completed_as (fixture, download, "busy.bin", body);
  g_assert_cmpuint (resource->requests, ==, 2);
  /* The retry waited as long as the server asked, not the 20 ms back-off. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 950 * 1000);
}

static void
test_retry_after_too_far (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (10, 22);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/later.bin", body);
  guint status = 503;
  MwDownload *download;

  resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (resource->statuses, status);
  resource->retry_after = g_strdup ("86400");

  download = mw_test_downloads_add (fixture, "/later.bin");
  mw_test_wait_until_finished (download);
  assert_failed_with (download, "later");
  g_assert_cmpuint (resource->requests, ==, 1);
}

static void
test_gives_up (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (10, 23);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/down.bin", body);
  guint statuses[] = { 503, 503, 503, 503, 503, 503 };
  MwDownload *download;

  resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_vals (resource->statuses, statuses, G_N_ELEMENTS (statuses));

  download = mw_test_downloads_add (fixture, "/down.bin");
  mw_test_wait_until_finished (download);
  assert_failed_with (download, "503");
  /* The retry policy of the fixture: four attempts. */
  g_assert_cmpuint (resource->requests, ==, 4);
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, 0);
}

static void
test_redirects (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (5000, 24);
  MwTestResource *resource;
  MwDownload *download;
  g_autofree char *final_url = mw_test_server_url (fixture->server, "/real/name.bin");

  mw_test_server_add (fixture->server, "/real/name.bin", body);
  resource = mw_test_server_add (fixture->server, "/go", body);
  resource->redirect_to = g_strdup ("/real/name.bin");

  download = mw_test_downloads_add (fixture, "/go");
  mw_test_wait_until_finished (download);

  /* Named after where the file really is. */
  assert_completed_as (fixture, download, "name.bin", body);
  g_assert_cmpstr (mw_download_get_final_url (download), ==, final_url);
}

static void
test_redirect_loop (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (10, 25);
  MwTestResource *a = mw_test_server_add (fixture->server, "/a", body);
  MwTestResource *b = mw_test_server_add (fixture->server, "/b", body);
  MwDownload *download;

  a->redirect_to = g_strdup ("/b");
  b->redirect_to = g_strdup ("/a");

  download = mw_test_downloads_add (fixture, "/a");
  mw_test_wait_until_finished (download);
  assert_failed_with (download, "redirected too many times");
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, 0);
}

static void
test_redirect_to_other_scheme (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (10, 26);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/local", body);
  MwDownload *download;

  resource->redirect_to = g_strdup ("file:///etc/passwd");

  download = mw_test_downloads_add (fixture, "/local");
  mw_test_wait_until_finished (download);
  assert_failed_with (download, "will not follow");
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, 0);
}

static void
test_never_answers (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (10, 27);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/hang", body);
  MwDownload *download;

  resource->hang = TRUE;
  mw_download_list_set_network_timeout (fixture->list, 1);
  mw_download_list_set_retry_policy (fixture->list, 2, 20, 20);
  mw_download_list_set_network_budget (fixture->list, 0);

  download = mw_test_downloads_add (fixture, "/hang");
  mw_test_wait_until_finished (download);
  assert_failed_with (download, "stopped answering");
  g_assert_cmpuint (resource->requests, ==, 2);
}

static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  MwDownload *download;
  guint port;

  /* A port that was free a moment ago and that nobody listens on. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new (loopback, 0);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_clear_object (&address);
  address = g_socket_get_local_address (socket, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  g_socket_close (socket, NULL);

  mw_download_list_set_retry_policy (fixture->list, 2, 20, 20);
  mw_download_list_set_network_budget (fixture->list, 0);
  url = g_strdup_printf ("http://127.0.0.1:%u/file.bin", port);
  download = mw_download_list_add (fixture->list, url, NULL, &error);
  g_assert_no_error (error);
  mw_test_wait_until_finished (download);
  assert_failed_with (download, "refused the connection");
  g_assert_cmpuint (mw_download_get_attempt (download), ==, 2);
}

static void
test_bad_urls (Fixture       *fixture,
               gconstpointer  user_data)
{
  const char *bad[] = { "", "not a url", "ftp://example.org/file", "file:///etc/passwd",
                        "javascript:alert(1)", "http://", "https:///path" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (mw_download_list_add (fixture->list, bad[i], NULL, &error));
      g_assert_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INVALID_URL);
      g_assert_cmpstr (error->message, !=, "");
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* Whatever the list writes under the data folder goes to a private one, not the user's. */
  g_autofree char *data_home = mw_test_use_private_data_home ();
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, mw_test_downloads_tear_down)

  ADD ("/download/resume/after-cut", test_resume_after_cut, NULL);
  ADD ("/download/resume/last-modified", test_resume_with_last_modified, NULL);
  ADD ("/download/resume/pause", test_pause_and_resume, NULL);
  ADD ("/download/resume/range-ignored", test_range_ignored, NULL);
  ADD ("/download/resume/etag-changes", test_etag_changes, GINT_TO_POINTER (FALSE));
  ADD ("/download/resume/etag-changes-if-range-ignored", test_etag_changes, GINT_TO_POINTER (TRUE));
  ADD ("/download/resume/wrong-content-range", test_wrong_content_range, NULL);
  ADD ("/download/resume/416-complete", test_416_on_complete_part, NULL);
  ADD ("/download/resume/from-state-file", test_resume_from_state_file, NULL);
  ADD ("/download/fail/404", test_not_found, NULL);
  ADD ("/download/fail/500-then-200", test_server_error_then_ok, NULL);
  ADD ("/download/fail/429-retry-after", test_too_many_requests, NULL);
  ADD ("/download/fail/retry-after-too-far", test_retry_after_too_far, NULL);
  ADD ("/download/fail/gives-up", test_gives_up, NULL);
  ADD ("/download/fail/redirect-loop", test_redirect_loop, NULL);
  ADD ("/download/fail/redirect-other-scheme", test_redirect_to_other_scheme, NULL);
  ADD ("/download/fail/never-answers", test_never_answers, NULL);
  ADD ("/download/fail/connection-refused", test_connection_refused, NULL);
  ADD ("/download/fail/bad-urls", test_bad_urls, NULL);
  ADD ("/download/redirects", test_redirects, NULL);

  status = g_test_run ();
  mw_test_remove_tree (data_home);
  return status;
}
