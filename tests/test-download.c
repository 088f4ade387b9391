/* test-download.c: whole downloads, their names, cancel and remove, the queue, checksums and modes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-download"

#include "config.h"

#include <glib/gstdio.h>

#include "mw-download-list.h"
#include "mw-error.h"
#include "mw-test-server.h"
#include "test-download-checks.h"

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
