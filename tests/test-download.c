/* test-download.c: the download engine against a real server on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-download"

#include "config.h"

#include <glib/gstdio.h>

#include "mw-download-list.h"
#include "mw-error.h"
#include "mw-test-server.h"

typedef MwTestDownloads Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  mw_test_downloads_set_up (fixture, NULL);
  /* Quick retries keep the suite short; the policy itself is what is under test. */
  mw_download_list_set_retry_policy (fixture->list, 4, 20, 200);
  mw_download_list_set_network_timeout (fixture->list, 2);
}

static void
assert_completed_as (Fixture    *fixture,
                     MwDownload *download,
                     const char *name,
                     GBytes     *expected)
{
  g_autofree char *part = g_strconcat (name, ".part", NULL);

  mw_test_downloads_assert_completed (fixture, download, name, expected);
  g_assert_cmpint (mw_download_get_total_bytes (download), ==, (gint64) g_bytes_get_size (expected));
  /* Nothing but the file: no .part left behind. */
  g_assert_false (mw_test_file_exists (fixture->folder_path, part));
}

/* --- Complete downloads ----------------------------------------------------------- */

static void
test_sizes (Fixture       *fixture,
            gconstpointer  user_data)
{
  const char *framing = user_data;
  const gsize sizes[] = { 0, 1, 1000, 65536, 65537, 5 * 1024 * 1024 + 17 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) body = mw_test_make_bytes (sizes[i], i + 1);
      g_autofree char *path = g_strdup_printf ("/files/size-%zu.bin", sizes[i]);
      g_autofree char *name = g_strdup_printf ("size-%zu.bin", sizes[i]);
      MwTestResource *resource = mw_test_server_add (fixture->server, path, body);
      MwDownload *download;

      resource->chunked = g_str_equal (framing, "chunked");
      resource->close_delimited = g_str_equal (framing, "close");
      download = mw_test_downloads_add (fixture, path);
      mw_test_wait_until_finished (download);
      assert_completed_as (fixture, download, name, body);
      g_assert_cmpuint (resource->requests, ==, 1);
    }
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, G_N_ELEMENTS (sizes));
}

static void
test_request_headers (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (100, 7);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/h.bin", body);
  MwDownload *download = mw_test_downloads_add (fixture, "/h.bin");

  mw_test_wait_until_finished (download);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_COMPLETED);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (resource->user_agents, 0), "Meanwhile/" PACKAGE_VERSION));
  g_assert_cmpstr (g_ptr_array_index (resource->accept_encodings, 0), ==, "identity");
  g_assert_cmpstr (g_ptr_array_index (resource->ranges, 0), ==, "");
}

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
assert_failed_with (MwDownload *download,
                    const char *fragment)
{
  const char *message = mw_download_get_error_message (download);

  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_FAILED);
  g_assert_nonnull (message);
  if (strstr (message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", message, fragment);
  /* People read sentences, not error domains. */
  g_assert_null (strstr (message, "g-io-error"));
  g_assert_null (strstr (message, "quark"));
}

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

/* --- Names ------------------------------------------------------------------------ */

static void
test_content_disposition (Fixture       *fixture,
                          gconstpointer  user_data)
{
  struct {
    const char *header;
    const char *expected;
  } cases[] = {
    { "attachment; filename=\"../../evil.sh\"", "evil.sh" },
    { "attachment; filename=\"/etc/passwd\"", "passwd" },
    { "attachment; filename*=UTF-8''%E2%82%AC%20rates.txt; filename=\"rates.txt\"", "€ rates.txt" },
    { "attachment; filename=\".bashrc\"", "bashrc" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = mw_test_make_bytes (100 + i, 30 + i);
      g_autofree char *path = g_strdup_printf ("/cd/%u", i);
      MwTestResource *resource = mw_test_server_add (fixture->server, path, body);
      MwDownload *download;

      resource->content_disposition = g_strdup (cases[i].header);
      download = mw_test_downloads_add (fixture, path);
      mw_test_wait_until_finished (download);
      assert_completed_as (fixture, download, cases[i].expected, body);
    }

  /* Nothing was written outside the download folder. */
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, G_N_ELEMENTS (cases));
}

static void
test_existing_name (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (1000, 40);
  g_autoptr(GBytes) mine = g_bytes_new_static ("my own report", 13);
  g_autofree char *existing = g_build_filename (fixture->folder_path, "report.pdf", NULL);
  g_autoptr(GError) error = NULL;
  MwDownload *first, *second;

  g_file_set_contents (existing, "my own report", -1, &error);
  g_assert_no_error (error);
  mw_test_server_add (fixture->server, "/report.pdf", body);

  first = mw_test_downloads_add (fixture, "/report.pdf");
  mw_test_wait_until_finished (first);
  assert_completed_as (fixture, first, "report (1).pdf", body);

  second = mw_test_downloads_add (fixture, "/report.pdf");
  mw_test_wait_until_finished (second);
  assert_completed_as (fixture, second, "report (2).pdf", body);

  mw_test_downloads_assert_file (fixture, "report.pdf", mine);
}

static void
test_same_url_at_once (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 41);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/twice.tar.gz", body);
  MwDownload *first, *second;

  resource->throttle_chunk = 32768;
  resource->throttle_delay_ms = 5;

  first = mw_test_downloads_add (fixture, "/twice.tar.gz");
  second = mw_test_downloads_add (fixture, "/twice.tar.gz");
  mw_test_wait_until_finished (first);
  mw_test_wait_until_finished (second);

  g_assert_cmpint (mw_download_get_state (first), ==, MW_DOWNLOAD_COMPLETED);
  g_assert_cmpint (mw_download_get_state (second), ==, MW_DOWNLOAD_COMPLETED);
  g_assert_cmpstr (mw_download_get_filename (first), !=, mw_download_get_filename (second));
  mw_test_downloads_assert_file (fixture, "twice.tar.gz", body);
  mw_test_downloads_assert_file (fixture, "twice (1).tar.gz", body);
}

/* --- Cancel, remove, the queue ---------------------------------------------------- */

static void
test_cancel_deletes_part (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (500000, 50);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/cancel.bin", body);
  MwDownload *download;

  resource->throttle_chunk = 16384;
  resource->throttle_delay_ms = 20;

  download = mw_test_downloads_add (fixture, "/cancel.bin");
  mw_test_wait_for_bytes (download, 40000);
  g_assert_true (mw_test_file_exists (fixture->folder_path, "cancel.bin.part"));

  mw_download_cancel (download);
  mw_test_wait_until_finished (download);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_CANCELLED);
  mw_test_run_loop_for (100);
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, 0);

  /* A cancelled download can start again from nothing. */
  resource->throttle_delay_ms = 0;
  g_assert_true (mw_download_can_retry (download));
  mw_download_retry (download);
  mw_test_wait_until_finished (download);
  assert_completed_as (fixture, download, "cancel.bin", body);
}

static void
test_cancel_paused (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (500000, 51);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/cp.bin", body);
  MwDownload *download;

  resource->throttle_chunk = 16384;
  resource->throttle_delay_ms = 20;

  download = mw_test_downloads_add (fixture, "/cp.bin");
  mw_test_wait_for_bytes (download, 40000);
  mw_download_pause (download);
  mw_test_wait_for_state (download, MW_DOWNLOAD_PAUSED);
  g_assert_true (mw_test_file_exists (fixture->folder_path, "cp.bin.part"));

  mw_download_cancel (download);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_CANCELLED);
  mw_test_wait_until_gone (fixture->folder_path, "cp.bin.part");
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, 0);
}

static gboolean
folder_is_empty (gpointer folder)
{
  return mw_test_count_files (folder) == 0;
}

static void
test_remove (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (500000, 52);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/rm.bin", body);
  g_autoptr(MwDownload) download = NULL;

  resource->throttle_chunk = 16384;
  resource->throttle_delay_ms = 20;

  download = g_object_ref (mw_test_downloads_add (fixture, "/rm.bin"));
  mw_test_wait_for_bytes (download, 40000);
  mw_download_list_remove (fixture->list, download, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 0);

  /* Removing an unfinished download cancels it and leaves nothing on disk. */
  mw_test_wait_until_finished (download);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_CANCELLED);
  mw_test_wait_until (folder_is_empty, fixture->folder_path, MW_TEST_PATIENCE_MS, "the download folder to be empty");
}

static void
test_remove_to_trash (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (5000, 53);
  g_autofree char *trashed = g_build_filename (g_get_user_data_dir (), "Trash", "files", "keep.bin", NULL);
  g_autofree char *contents = NULL;
  MwDownload *download;
  gsize length = 0;

  mw_test_server_add (fixture->server, "/keep.bin", body);
  download = mw_test_downloads_add (fixture, "/keep.bin");
  mw_test_wait_until_finished (download);
  g_assert_true (mw_test_file_exists (fixture->folder_path, "keep.bin"));

  /* Asked to, removing a finished download puts its file in the Trash, where it can be
   * restored: never deleted outright. */
  mw_download_list_remove (fixture->list, download, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 0);
  mw_test_wait_until_gone (fixture->folder_path, "keep.bin");
  g_assert_true (g_file_get_contents (trashed, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

typedef struct
{
  guint max_active;
  guint max_moving;
  GPtrArray *started;
  MwDownload **downloads;
  guint n_downloads;
} QueueWatch;

static void
n_active_cb (MwDownloadList *list,
             GParamSpec     *pspec,
             QueueWatch     *watch)
{
  watch->max_active = MAX (watch->max_active, mw_download_list_get_n_active (list));
}

static void
state_cb (MwDownload *download,
          GParamSpec *pspec,
          QueueWatch *watch)
{
  guint moving = 0;

  if (mw_download_get_state (download) == MW_DOWNLOAD_CONNECTING &&
      !g_ptr_array_find (watch->started, download, NULL))
    g_ptr_array_add (watch->started, download);

  for (guint i = 0; i < watch->n_downloads; i++)
    {
      MwDownloadState state;

      if (watch->downloads[i] == NULL)
        continue;
      state = mw_download_get_state (watch->downloads[i]);
      if (state == MW_DOWNLOAD_CONNECTING || state == MW_DOWNLOAD_DOWNLOADING ||
          state == MW_DOWNLOAD_VERIFYING)
        moving++;
    }
  watch->max_moving = MAX (watch->max_moving, moving);
}

static void
test_concurrency_limit (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (100000, 60);
  MwDownload *downloads[6] = { NULL, };
  QueueWatch watch = { 0, 0, g_ptr_array_new (), downloads, G_N_ELEMENTS (downloads) };

  mw_download_list_set_max_concurrent (fixture->list, 2);
  g_signal_connect (fixture->list, "notify::n-active", G_CALLBACK (n_active_cb), &watch);

  for (guint i = 0; i < G_N_ELEMENTS (downloads); i++)
    {
      g_autofree char *path = g_strdup_printf ("/q/%u.bin", i);
      MwTestResource *resource = mw_test_server_add (fixture->server, path, body);

      resource->throttle_chunk = 25000;
      resource->throttle_delay_ms = 15;
      downloads[i] = mw_test_downloads_add (fixture, path);
      g_signal_connect (downloads[i], "notify::state", G_CALLBACK (state_cb), &watch);
    }

  /* Everything waits behind the first two, in order. */
  g_assert_cmpuint (mw_download_list_get_queue_position (fixture->list, downloads[5]), ==, 5);
  mw_test_wait_for_state (downloads[0], MW_DOWNLOAD_DOWNLOADING);
  g_assert_cmpint (mw_download_get_state (downloads[5]), ==, MW_DOWNLOAD_QUEUED);
  g_assert_cmpuint (mw_download_list_get_queue_position (fixture->list, downloads[5]), ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (downloads); i++)
    mw_test_wait_until_finished (downloads[i]);

  for (guint i = 0; i < G_N_ELEMENTS (downloads); i++)
    {
      g_assert_cmpint (mw_download_get_state (downloads[i]), ==, MW_DOWNLOAD_COMPLETED);
      g_assert_true (g_ptr_array_index (watch.started, i) == downloads[i]);
    }
  /* Never more than two transfers at any moment, as the user sees the list. */
  g_assert_cmpuint (watch.max_active, ==, 2);
  g_assert_cmpuint (watch.max_moving, ==, 2);
  g_ptr_array_unref (watch.started);
}

/* --- Checksums and modes ---------------------------------------------------------- */

static void
test_checksum (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (3 * 1024 * 1024, 70);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/sum.iso", body);
  g_autofree char *right = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  g_autofree char *url = mw_test_server_url (fixture->server, "/sum.iso");
  g_autofree char *upper = g_ascii_strup (right, -1);
  g_autoptr(GError) error = NULL;
  MwDownload *download;

  /* Right, given in capitals, and resumed half way: the hash covers the old bytes too. */
  resource->cut_after = 1000000;
  resource->cut_times = 1;
  resource->etag = g_strdup ("\"s\"");
  download = mw_download_list_add (fixture->list, url, upper, &error);
  g_assert_no_error (error);
  mw_test_wait_until_finished (download);
  assert_completed_as (fixture, download, "sum.iso", body);
  g_assert_cmpuint (resource->requests, ==, 2);

  /* Wrong: failed, with nothing that looks like the file left behind. */
  download = mw_download_list_add (fixture->list, url,
                                   "0000000000000000000000000000000000000000000000000000000000000000",
                                   &error);
  g_assert_no_error (error);
  mw_test_wait_until_finished (download);
  assert_failed_with (download, "checksum");
  g_assert_false (mw_test_file_exists (fixture->folder_path, "sum (1).iso"));
  g_assert_false (mw_test_file_exists (fixture->folder_path, "sum (1).iso.part"));
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, 1);

  /* Not a checksum at all. */
  g_assert_null (mw_download_list_add (fixture->list, url, "abc", &error));
  g_assert_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INVALID_URL);
}

static void
test_modes_write_identical_bytes (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (2 * 1024 * 1024 + 3, 80);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/modes.bin", body);
  MwDownload *responsive, *freezing;
  g_autofree char *a = g_build_filename (fixture->folder_path, "modes.bin", NULL);
  g_autofree char *b = g_build_filename (fixture->folder_path, "modes (1).bin", NULL);
  g_autofree char *a_data = NULL, *b_data = NULL;
  gsize a_len = 0, b_len = 0;

  resource->cut_after = 700000;
  resource->cut_times = 2;
  resource->etag = g_strdup ("\"m\"");

  responsive = mw_test_downloads_add (fixture, "/modes.bin");
  mw_test_wait_until_finished (responsive);
  assert_completed_as (fixture, responsive, "modes.bin", body);

  mw_download_list_set_blocking_mode (fixture->list, TRUE);
  freezing = mw_test_downloads_add (fixture, "/modes.bin");
  mw_test_wait_until_finished (freezing);
  assert_completed_as (fixture, freezing, "modes (1).bin", body);

  /* Both cut once and resumed once, each in its own way. */
  g_assert_cmpuint (resource->requests, ==, 4);
  g_assert_true (g_file_get_contents (a, &a_data, &a_len, NULL));
  g_assert_true (g_file_get_contents (b, &b_data, &b_len, NULL));
  g_assert_cmpmem (a_data, a_len, b_data, b_len);
}

static void
test_freezing_blocks_main_loop (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (300000, 81);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/frozen.bin", body);
  MwDownload *download;
  gint64 before, after;

  resource->throttle_chunk = 30000;
  resource->throttle_delay_ms = 30;
  mw_download_list_set_blocking_mode (fixture->list, TRUE);

  download = mw_test_downloads_add (fixture, "/frozen.bin");
  /* Adding returns at once; the transfer starts from the main loop... */
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_QUEUED);

  /* ...and then holds it for the whole transfer: one iteration, ten throttled chunks. */
  before = g_get_monotonic_time ();
  while (mw_download_get_state (download) == MW_DOWNLOAD_QUEUED)
    g_main_context_iteration (NULL, TRUE);
  after = g_get_monotonic_time ();
  g_assert_cmpuint (mw_download_get_received_bytes (download), ==, g_bytes_get_size (body));
  g_assert_cmpint (after - before, >=, 250 * 1000);
  mw_test_wait_until_finished (download);
  assert_completed_as (fixture, download, "frozen.bin", body);
}

static void
test_switch_mode_mid_transfer (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (400000, 82);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/switch.bin", body);
  MwDownload *download;

  resource->throttle_chunk = 16384;
  resource->throttle_delay_ms = 10;
  resource->etag = g_strdup ("\"w\"");

  download = mw_test_downloads_add (fixture, "/switch.bin");
  mw_test_wait_for_bytes (download, 50000);
  mw_download_list_set_blocking_mode (fixture->list, TRUE);
  mw_test_wait_until_finished (download);

  /* It went on in freezing mode from where it was. */
  assert_completed_as (fixture, download, "switch.bin", body);
  g_assert_cmpuint (resource->requests, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (resource->ranges, 1), "bytes="));
}

typedef struct
{
  guint      loop_turns;   /* bumped by a timer: proof that the main loop ran */
  GPtrArray *lines;        /* "TURN TEXT" */
} EventWatch;

static gboolean
count_turn_cb (gpointer user_data)
{
  ((EventWatch *) user_data)->loop_turns++;
  return G_SOURCE_CONTINUE;
}

static void
event_cb (MwDownloadList *list,
          MwDownload     *download,
          gint64          time,
          const char     *text,
          EventWatch     *watch)
{
  g_assert_cmpint (time, >, 0);
  g_ptr_array_add (watch->lines, g_strdup_printf ("%u %s", watch->loop_turns, text));
}

static guint
turn_of (EventWatch *watch,
         const char *prefix)
{
  for (guint i = 0; i < watch->lines->len; i++)
    {
      const char *line = g_ptr_array_index (watch->lines, i);
      const char *text = strchr (line, ' ') + 1;

      if (g_str_has_prefix (text, prefix))
        return (guint) g_ascii_strtoull (line, NULL, 10);
    }
  g_error ("No event starts with “%s”", prefix);
  return 0;
}

static void
test_event_log (Fixture       *fixture,
                gconstpointer  user_data)
{
  gboolean blocking = GPOINTER_TO_INT (user_data);
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 90);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/log.bin", body);
  EventWatch watch = { 0, g_ptr_array_new_with_free_func (g_free) };
  MwDownload *download;
  guint timer;

  resource->throttle_chunk = 20000;
  resource->throttle_delay_ms = 10;
  resource->answer_delay_ms = 50;
  mw_download_list_set_blocking_mode (fixture->list, blocking);
  g_signal_connect (fixture->list, "download-event", G_CALLBACK (event_cb), &watch);
  timer = g_timeout_add (1, count_turn_cb, &watch);

  download = mw_test_downloads_add (fixture, "/log.bin");
  mw_test_wait_until_finished (download);
  g_source_remove (timer);
  assert_completed_as (fixture, download, "log.bin", body);

  if (blocking)
    {
      /* From the request to the end, the main loop never turned: one long stall. */
      g_assert_cmpuint (turn_of (&watch, "Request sent — the main loop is blocked"), ==,
                        turn_of (&watch, "Finished — the main loop is free again"));
      g_assert_cmpuint (turn_of (&watch, "Request sent"), ==,
                        turn_of (&watch, "First bytes received (blocking read)"));
    }
  else
    {
      /* Between the request and its answer, and during the body, the loop went on. */
      g_assert_cmpuint (turn_of (&watch, "Request sent — the main loop is free"), <,
                        turn_of (&watch, "Response received (callback)"));
      g_assert_cmpuint (turn_of (&watch, "First bytes received (callback)"), <,
                        turn_of (&watch, "Finished (callback)"));
    }
  g_assert_cmpuint (turn_of (&watch, "Download started"), <=, turn_of (&watch, "Request sent"));
  g_ptr_array_unref (watch.lines);
}

int
main (int   argc,
      char *argv[])
{
  /* The Trash lives under the data folder: a private one keeps the user's untouched. */
  g_autofree char *data_home = mw_test_use_private_data_home ();
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, mw_test_downloads_tear_down)

  ADD ("/download/sizes/content-length", test_sizes, "length");
  ADD ("/download/sizes/chunked", test_sizes, "chunked");
  ADD ("/download/sizes/close-delimited", test_sizes, "close");
  ADD ("/download/request-headers", test_request_headers, NULL);
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
  ADD ("/download/names/content-disposition", test_content_disposition, NULL);
  ADD ("/download/names/existing", test_existing_name, NULL);
  ADD ("/download/names/same-url-at-once", test_same_url_at_once, NULL);
  ADD ("/download/cancel/deletes-part", test_cancel_deletes_part, NULL);
  ADD ("/download/cancel/paused", test_cancel_paused, NULL);
  ADD ("/download/remove", test_remove, NULL);
  ADD ("/download/remove-to-trash", test_remove_to_trash, NULL);
  ADD ("/download/queue/concurrency-limit", test_concurrency_limit, NULL);
  ADD ("/download/checksum", test_checksum, NULL);
  ADD ("/download/modes/identical-bytes", test_modes_write_identical_bytes, NULL);
  ADD ("/download/modes/freezing-blocks", test_freezing_blocks_main_loop, NULL);
  ADD ("/download/modes/switch-mid-transfer", test_switch_mode_mid_transfer, NULL);
  ADD ("/download/events/responsive", test_event_log, GINT_TO_POINTER (FALSE));
  ADD ("/download/events/freezing", test_event_log, GINT_TO_POINTER (TRUE));

  status = g_test_run ();
  mw_test_remove_tree (data_home);
  return status;
}
