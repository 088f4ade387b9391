/* test-download-sequences.c: what happens when people do several things in a row to downloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-download-sequences"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mw-download-list.h"
#include "mw-test-server.h"

typedef MwTestDownloads Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  mw_test_downloads_set_up (fixture, NULL);
  /* Quick retries keep the suite short; the policy itself is what is under test. */
  mw_download_list_set_retry_policy (fixture->list, 4, 20, 200);
  mw_download_list_set_network_timeout (fixture->list, 5);
}

/* --- A busy worker pool ------------------------------------------------------------ */

/* Occupies every thread GIO lends to asynchronous file operations, as a disk that is slow
 * to answer does: work handed to them waits until release_workers(). */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  guint    running;
  gboolean released;
} Workers;

#define N_WORKERS 10   /* GTask's pool size; it adds one more thread only every so often */

static void
occupy_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Workers *workers = task_data;

  g_mutex_lock (&workers->mutex);
  workers->running++;
  g_cond_broadcast (&workers->cond);
  while (!workers->released)
    g_cond_wait (&workers->cond, &workers->mutex);
  workers->running--;
  g_cond_broadcast (&workers->cond);
  g_mutex_unlock (&workers->mutex);
  g_task_return_boolean (task, TRUE);
}

static void
occupy_workers (Workers *workers)
{
  gint64 deadline = g_get_monotonic_time () + MW_TEST_PATIENCE_MS * 1000;

  g_mutex_init (&workers->mutex);
  g_cond_init (&workers->cond);
  workers->running = 0;
  workers->released = FALSE;

  for (guint i = 0; i < N_WORKERS; i++)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

      g_task_set_task_data (task, workers, NULL);
      g_task_run_in_thread (task, occupy_thread);
    }

  g_mutex_lock (&workers->mutex);
  while (workers->running < N_WORKERS)
    if (!g_cond_wait_until (&workers->cond, &workers->mutex, deadline))
      g_error ("Waited in vain for %u worker threads to be busy", N_WORKERS);
  g_mutex_unlock (&workers->mutex);
}

static void
release_workers (Workers *workers)
{
  gint64 deadline = g_get_monotonic_time () + MW_TEST_PATIENCE_MS * 1000;

  g_mutex_lock (&workers->mutex);
  workers->released = TRUE;
  g_cond_broadcast (&workers->cond);
  while (workers->running > 0)
    if (!g_cond_wait_until (&workers->cond, &workers->mutex, deadline))
      g_error ("Waited in vain for the worker threads to be free again");
  g_mutex_unlock (&workers->mutex);
  g_mutex_clear (&workers->mutex);
  g_cond_clear (&workers->cond);
}

/* --- Cancel, add again, try again --------------------------------------------------- */

static void
test_cancel_readd_retry (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (300000, 101);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/same.bin", body);
  MwDownload *first, *second;

  resource->etag = g_strdup ("\"same\"");
  resource->hold_after = 100000;
  resource->held = TRUE;

  first = mw_test_downloads_add (fixture, "/same.bin");
  mw_test_wait_for_bytes (first, 100000);
  mw_download_cancel (first);
  mw_test_wait_until_at_rest (first, MW_DOWNLOAD_CANCELLED);
  mw_test_wait_until_gone (fixture->folder_path, "same.bin.part");

  /* The same address again, while the cancelled row is still there… */
  second = mw_test_downloads_add (fixture, "/same.bin");
  mw_test_wait_for_bytes (second, 100000);
  g_assert_cmpstr (mw_download_get_filename (second), ==, "same.bin");

  /* …and then Try again on the cancelled one. */
  g_assert_true (mw_download_can_retry (first));
  mw_download_retry (first);
  mw_test_server_wait_for_requests (fixture->server, resource, 3);
  mw_test_server_release (fixture->server, resource);
  mw_test_wait_until_finished (first);
  mw_test_wait_until_finished (second);

  /* Two rows of one address: two files, both whole, never one .part shared. */
  mw_test_downloads_assert_completed (fixture, second, "same.bin", body);
  mw_test_downloads_assert_completed (fixture, first, "same (1).bin", body);
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, resource), ==, 3);
  g_assert_cmpstr (g_ptr_array_index (resource->ranges, 2), ==, "");
  mw_test_assert_no_part_files (fixture->folder_path);
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, 2);
}

/* A failed download whose file was not kept is removed with undo; the same address is
 * added again and takes the name; then Undo, and Try again on the one put back: two
 * files, both whole, never one shared. */
static void
test_undo_after_name_taken (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 103);
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MwDownload) taken = NULL;
  MwDownload *failed, *second;
  guint position = 0;

  mw_test_server_add (fixture->server, "/taken.bin", body);
  url = mw_test_server_url (fixture->server, "/taken.bin");
  failed = mw_download_list_add (fixture->list, url,
                                 "0000000000000000000000000000000000000000000000000000000000000000", &error);
  g_assert_no_error (error);
  mw_test_wait_until_at_rest (failed, MW_DOWNLOAD_FAILED);
  mw_test_wait_until_finished (failed);
  g_assert_false (mw_test_file_exists (fixture->folder_path, "taken.bin.part"));

  taken = mw_download_list_take (fixture->list, failed, &position);
  second = mw_test_downloads_add (fixture, "/taken.bin");
  mw_test_wait_until_finished (second);
  mw_test_downloads_assert_completed (fixture, second, "taken.bin", body);

  mw_download_list_insert (fixture->list, position, taken);
  mw_download_set_expected_sha256 (taken, NULL);
  mw_download_retry (taken);
  mw_test_wait_until_finished (taken);
  mw_test_downloads_assert_completed (fixture, taken, "taken (1).bin", body);
  mw_test_downloads_assert_completed (fixture, second, "taken.bin", body);
  mw_test_assert_no_part_files (fixture->folder_path);
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, 2);
}

static void
test_cancel_retry_at_once (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (300000, 102);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/again.bin", body);
  Workers workers;
  MwDownload *download;

  resource->etag = g_strdup ("\"again\"");
  resource->hold_after = 100000;
  resource->held = TRUE;

  download = mw_test_downloads_add (fixture, "/again.bin");
  mw_test_wait_for_bytes (download, 100000);
  mw_download_pause (download);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_PAUSED);
  g_assert_true (mw_test_file_exists (fixture->folder_path, "again.bin.part"));
  mw_test_server_release (fixture->server, resource);

  /* In freezing mode the next run does its disk work right on the main thread, while the
   * deletion of the old .part waits for a worker thread. */
  mw_download_list_set_blocking_mode (fixture->list, TRUE);
  occupy_workers (&workers);
  mw_download_cancel (download);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_CANCELLED);
  mw_download_retry (download);
  mw_test_wait_until_finished (download);
  release_workers (&workers);

  /* The retry started clean, after the old .part was gone: from the first byte, under the
   * name that is free again. */
  mw_test_downloads_assert_completed (fixture, download, "again.bin", body);
  g_assert_cmpuint (resource->requests, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (resource->ranges, 1), ==, "");
  mw_test_assert_no_part_files (fixture->folder_path);
  g_assert_cmpuint (mw_test_count_files (fixture->folder_path), ==, 1);
}

/* --- Waiting for a retry ------------------------------------------------------------ */

static MwTestResource *
add_busy_resource (Fixture    *fixture,
                   const char *path,
                   GBytes     *body,
                   const char *retry_after)
{
  MwTestResource *resource = mw_test_server_add (fixture->server, path, body);
  guint status = 503;

  resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (resource->statuses, status);
  resource->retry_after = g_strdup (retry_after);
  return resource;
}

/* The server said when to come back, and the download is waiting for that moment. */
static gboolean
is_waiting_to_retry (gpointer data)
{
  MwDownload *download = (MwDownload *) data;

  return mw_download_is_active (download) && mw_download_get_error_message (download) != NULL;
}

static void
wait_until_waiting (MwDownload *download)
{
  g_autofree char *what = g_strdup_printf ("the download of %s to wait before its next attempt",
                                           mw_download_get_url (download));

  mw_test_wait_until (is_waiting_to_retry, download, MW_TEST_PATIENCE_MS, what);
}

typedef struct
{
  MwDownloadList *list;
  guint           max_active;
} ActiveWatch;

static void
n_active_cb (MwDownloadList *list,
             GParamSpec     *pspec,
             ActiveWatch    *watch)
{
  watch->max_active = MAX (watch->max_active, mw_download_list_get_n_active (list));
}

static void
test_waiting_gives_slot (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (50000, 103);
  MwTestResource *busy[2];
  MwDownload *waiting[2], *others[2];

  /* Two slots, both taken by downloads told "503, come back in an hour". */
  mw_download_list_set_max_concurrent (fixture->list, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_strdup_printf ("/busy-%u.bin", i);

      busy[i] = add_busy_resource (fixture, path, body, "3600");
      waiting[i] = mw_test_downloads_add (fixture, path);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_strdup_printf ("/free-%u.bin", i);

      mw_test_server_add (fixture->server, path, body);
      others[i] = mw_test_downloads_add (fixture, path);
    }

  /* The downloads behind them do not wait an hour: they get the slots. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("free-%u.bin", i);

      mw_test_wait_until_finished (others[i]);
      mw_test_downloads_assert_completed (fixture, others[i], name, body);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (is_waiting_to_retry (waiting[i]));
      g_assert_cmpuint (mw_test_server_get_requests (fixture->server, busy[i]), ==, 1);
    }
  g_assert_cmpuint (mw_download_list_get_n_active (fixture->list), ==, 0);

  for (guint i = 0; i < 2; i++)
    {
      mw_download_cancel (waiting[i]);
      mw_test_wait_until_at_rest (waiting[i], MW_DOWNLOAD_CANCELLED);
    }
  g_assert_cmpuint (mw_download_list_get_n_active (fixture->list), ==, 0);
}

typedef struct
{
  const char *prefix;
  gboolean    seen;
} EventWatch;

static void
event_cb (MwDownload *download,
          gint64      time,
          const char *text,
          EventWatch *watch)
{
  if (g_str_has_prefix (text, watch->prefix))
    watch->seen = TRUE;
}

static gboolean
event_seen (gpointer data)
{
  return ((const EventWatch *) data)->seen;
}

static void
test_wait_over_takes_slot (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 104);
  MwTestResource *busy, *held;
  EventWatch watch = { "Waiting for a free place in the queue", FALSE };
  ActiveWatch active = { fixture->list, 0 };
  MwDownload *waiting, *other;

  mw_download_list_set_max_concurrent (fixture->list, 1);
  g_signal_connect (fixture->list, "notify::n-active", G_CALLBACK (n_active_cb), &active);
  busy = add_busy_resource (fixture, "/busy.bin", body, "1");
  held = mw_test_server_add (fixture->server, "/held.bin", body);
  held->hold_after = 100000;
  held->held = TRUE;

  waiting = mw_test_downloads_add (fixture, "/busy.bin");
  g_signal_connect (waiting, "event", G_CALLBACK (event_cb), &watch);
  other = mw_test_downloads_add (fixture, "/held.bin");

  /* While the first waits out its second, the other one runs in its slot… */
  mw_test_wait_for_bytes (other, 100000);
  g_assert_true (is_waiting_to_retry (waiting));

  /* …and keeps it: when the second is over, the first waits for the slot. */
  mw_test_wait_until (event_seen, &watch, MW_TEST_PATIENCE_MS, "the waiting download to ask for a slot again");
  mw_test_run_loop_for (200);
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, busy), ==, 1);
  g_assert_true (mw_download_is_active (waiting));

  /* A slot free again is the first one's. */
  mw_test_server_release (fixture->server, held);
  mw_test_wait_until_finished (other);
  mw_test_wait_until_finished (waiting);
  mw_test_downloads_assert_completed (fixture, other, "held.bin", body);
  mw_test_downloads_assert_completed (fixture, waiting, "busy.bin", body);
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, busy), ==, 2);
  g_assert_cmpuint (active.max_active, ==, 1);
  g_assert_cmpuint (mw_test_server_get_max_concurrent (fixture->server), ==, 1);
  g_signal_handlers_disconnect_by_data (fixture->list, &active);
}

/* --- Switching modes ------------------------------------------------------------------ */

static void
test_switch_keeps_wait (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (70000, 105);
  MwTestResource *resource = add_busy_resource (fixture, "/later.bin", body, "3");
  EventWatch watch = { "Request sent — the main loop is blocked", FALSE };
  MwDownload *download;

  download = mw_test_downloads_add (fixture, "/later.bin");
  g_signal_connect (download, "event", G_CALLBACK (event_cb), &watch);
  wait_until_waiting (download);

  /* The switch does not cut the wait short… */
  mw_download_list_set_blocking_mode (fixture->list, TRUE);
  mw_test_run_loop_for (500);
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, resource), ==, 1);
  g_assert_true (is_waiting_to_retry (download));

  /* …and the attempt after it is made in the new mode. */
  mw_test_wait_until_finished (download);
  mw_test_downloads_assert_completed (fixture, download, "later.bin", body);
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, resource), ==, 2);
  g_assert_true (watch.seen);
}

static void
test_switch_keeps_pause (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (400000, 106);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/paused.bin", body);
  MwDownload *download;

  resource->etag = g_strdup ("\"paused\"");
  resource->throttle_chunk = 16384;
  resource->throttle_delay_ms = 20;

  download = mw_test_downloads_add (fixture, "/paused.bin");
  mw_test_wait_for_bytes (download, 50000);

  /* Pause, and the switch right after, before the transfer has even stopped. */
  mw_download_pause (download);
  g_assert_true (mw_download_is_active (download));
  mw_download_list_set_blocking_mode (fixture->list, TRUE);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_PAUSED);
  mw_test_run_loop_for (300);

  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_PAUSED);
  g_assert_false (mw_download_is_active (download));
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, resource), ==, 1);
  g_assert_true (mw_test_file_exists (fixture->folder_path, "paused.bin.part"));

  /* It resumes when asked, in the new mode, from where it was. */
  resource->throttle_delay_ms = 0;
  mw_download_resume (download);
  mw_test_wait_until_finished (download);
  mw_test_downloads_assert_completed (fixture, download, "paused.bin", body);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (resource->ranges, 1), "bytes="));
}

/* --- Freezing one transfer at a time --------------------------------------------------- */

#define BLOCKED_REQUEST "Request sent — the main loop is blocked"
#define FREE_REQUEST    "Request sent — the main loop is free"

typedef struct
{
  MwDownloadList *list;
  GHashTable     *requests;     /* MwDownload → GPtrArray of its "Request sent" lines */
  guint           switch_off;   /* an idle queued during the first blocking request */
} SwitchWatch;

static gboolean
switch_off_cb (gpointer user_data)
{
  SwitchWatch *watch = user_data;

  watch->switch_off = 0;
  mw_download_list_set_blocking_mode (watch->list, FALSE);
  return G_SOURCE_REMOVE;
}

static void
switch_watch_event_cb (MwDownloadList *list,
                       MwDownload     *download,
                       gint64          time,
                       const char     *text,
                       SwitchWatch    *watch)
{
  GPtrArray *lines;

  if (!g_str_has_prefix (text, "Request sent"))
    return;
  lines = g_hash_table_lookup (watch->requests, download);
  if (lines == NULL)
    {
      lines = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (watch->requests, download, lines);
    }
  g_ptr_array_add (lines, g_strdup (text));

  /* A person's click on the switch, made while the window is frozen: it reaches the
   * main loop as a callback at input's priority, as soon as the loop runs again. */
  if (g_str_has_prefix (text, BLOCKED_REQUEST) && watch->switch_off == 0 &&
      mw_download_list_get_blocking_mode (list))
    watch->switch_off = g_idle_add_full (G_PRIORITY_DEFAULT, switch_off_cb, watch, NULL);
}

static void
assert_requests (SwitchWatch *watch,
                 MwDownload  *download,
                 const char  *prefix)
{
  GPtrArray *lines = g_hash_table_lookup (watch->requests, download);

  if (lines == NULL || lines->len == 0)
    g_error ("The download of %s sent no request", mw_download_get_url (download));
  for (guint i = 0; i < lines->len; i++)
    if (!g_str_has_prefix (g_ptr_array_index (lines, i), prefix))
      g_error ("The download of %s logged “%s” where “%s…” was expected",
               mw_download_get_url (download), (char *) g_ptr_array_index (lines, i), prefix);
}

/* Three downloads queued in freezing mode, the switch turned off while the first one
 * blocks: the click counts at the end of that transfer, and the other two run
 * responsive. */
static void
test_switch_off_between_freezes (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  SwitchWatch watch = { fixture->list, g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref), 0 };
  GBytes *bodies[3];
  MwDownload *downloads[3];

  mw_download_list_set_blocking_mode (fixture->list, TRUE);
  g_signal_connect (fixture->list, "download-event", G_CALLBACK (switch_watch_event_cb), &watch);
  for (guint i = 0; i < G_N_ELEMENTS (downloads); i++)
    {
      g_autofree char *path = g_strdup_printf ("/frozen-%u.bin", i);
      MwTestResource *resource;

      bodies[i] = mw_test_make_bytes (120000 + i, 111 + i);
      resource = mw_test_server_add (fixture->server, path, bodies[i]);
      resource->throttle_chunk = 20000;
      resource->throttle_delay_ms = 10;
      downloads[i] = mw_test_downloads_add (fixture, path);
    }

  for (guint i = 0; i < G_N_ELEMENTS (downloads); i++)
    mw_test_wait_until_finished (downloads[i]);
  g_signal_handlers_disconnect_by_data (fixture->list, &watch);

  g_assert_false (mw_download_list_get_blocking_mode (fixture->list));
  assert_requests (&watch, downloads[0], BLOCKED_REQUEST);
  assert_requests (&watch, downloads[1], FREE_REQUEST);
  assert_requests (&watch, downloads[2], FREE_REQUEST);
  for (guint i = 0; i < G_N_ELEMENTS (downloads); i++)
    {
      g_autofree char *name = g_strdup_printf ("frozen-%u.bin", i);

      mw_test_downloads_assert_completed (fixture, downloads[i], name, bodies[i]);
      g_bytes_unref (bodies[i]);
    }
  g_hash_table_unref (watch.requests);
}

/* GDK draws a frame from a source of this priority: below input, above idle work. */
#define FRAME_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)

typedef struct
{
  guint   frame;        /* a frame asked for during the last blocking request */
  guint   n_blocked;
  guint   n_undrawn;    /* blocking requests made before the frame asked for earlier */
} FrameWatch;

static gboolean
frame_cb (gpointer user_data)
{
  ((FrameWatch *) user_data)->frame = 0;
  return G_SOURCE_REMOVE;
}

static void
frame_watch_event_cb (MwDownloadList *list,
                      MwDownload     *download,
                      gint64          time,
                      const char     *text,
                      FrameWatch     *watch)
{
  if (!g_str_has_prefix (text, BLOCKED_REQUEST))
    return;
  watch->n_blocked++;
  if (watch->frame != 0)
    watch->n_undrawn++;
  else
    watch->frame = g_idle_add_full (FRAME_PRIORITY, frame_cb, watch, NULL);
}

/* In freezing mode each transfer blocks on its own, its retries too: a frame the window
 * asks for during one is drawn before the next one starts. */
static void
test_frame_between_freezes (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (60000, 115);
  FrameWatch watch = { 0, 0, 0 };
  MwTestResource *busy;
  MwDownload *retried, *other;

  mw_download_list_set_blocking_mode (fixture->list, TRUE);
  g_signal_connect (fixture->list, "download-event", G_CALLBACK (frame_watch_event_cb), &watch);
  busy = add_busy_resource (fixture, "/busy.bin", body, "0");
  mw_test_server_add (fixture->server, "/other.bin", body);
  retried = mw_test_downloads_add (fixture, "/busy.bin");
  other = mw_test_downloads_add (fixture, "/other.bin");

  mw_test_wait_until_finished (retried);
  mw_test_wait_until_finished (other);
  g_signal_handlers_disconnect_by_data (fixture->list, &watch);
  g_clear_handle_id (&watch.frame, g_source_remove);

  mw_test_downloads_assert_completed (fixture, retried, "busy.bin", body);
  mw_test_downloads_assert_completed (fixture, other, "other.bin", body);
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, busy), ==, 2);
  g_assert_cmpuint (watch.n_blocked, ==, 3);
  if (watch.n_undrawn > 0)
    g_error ("%u of %u blocking requests started before the frame asked for during the one before",
             watch.n_undrawn, watch.n_blocked);
}

/* --- Shutting down ------------------------------------------------------------------ */

static void
save_list (MwDownloadList *list)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mw_test_download_list_save (list, &error));
  g_assert_no_error (error);
}

static MwDownloadList *
load_list (Fixture *fixture,
           GFile   *state)
{
  MwDownloadList *list = mw_download_list_new (state);
  g_autoptr(GError) error = NULL;

  mw_download_list_set_download_folder (list, fixture->folder);
  mw_download_list_set_retry_policy (list, 4, 20, 200);
  g_assert_true (mw_test_download_list_load (list, &error));
  g_assert_no_error (error);
  return list;
}

static gboolean
is_at_rest (gpointer data)
{
  return !mw_download_is_active ((MwDownload *) data);
}

static void
finalize_list (MwDownloadList *list)
{
  /* The stopped transfers' last callbacks (closing streams) run first. */
  mw_test_run_loop_for (50);
  g_assert_finalize_object (list);
}

static void
test_shutdown_starts_nothing (Fixture       *fixture,
                              gconstpointer  user_data)
{
  const char *names[] = { "running.bin", "queued-1.bin", "queued-2.bin" };
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 107);
  g_autofree char *state_path = g_build_filename (fixture->folder_path, "downloads.json", NULL);
  g_autoptr(GFile) state = g_file_new_for_path (state_path);
  MwTestResource *resources[3];
  MwDownload *downloads[3];
  MwDownloadList *list;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strconcat ("/", names[i], NULL);

      resources[i] = mw_test_server_add (fixture->server, path, body);
      resources[i]->etag = g_strdup ("\"s\"");
    }
  resources[0]->hold_after = 50000;
  resources[0]->held = TRUE;

  list = load_list (fixture, state);
  mw_download_list_set_max_concurrent (list, 1);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strconcat ("/", names[i], NULL);
      g_autofree char *url = mw_test_server_url (fixture->server, path);

      downloads[i] = mw_download_list_add (list, url, NULL, NULL);
    }
  mw_test_wait_for_bytes (downloads[0], 50000);

  /* Meanwhile quits: the running transfer stops, and while the main loop still turns
   * (saving, the last callbacks) nothing else starts. */
  mw_download_list_shutdown (list);
  mw_test_wait_until (is_at_rest, downloads[0], MW_TEST_PATIENCE_MS, "the running transfer to stop");
  mw_download_list_set_max_concurrent (list, 3);
  mw_test_run_loop_for (300);
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, resources[0]), ==, 1);
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, resources[1]), ==, 0);
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, resources[2]), ==, 0);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (mw_download_get_state (downloads[i]), ==, MW_DOWNLOAD_QUEUED);
  save_list (list);
  finalize_list (list);

  /* The next start has all three, queued, and goes on from where the first one was. */
  mw_test_server_release (fixture->server, resources[0]);
  list = load_list (fixture, state);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), i);

      mw_test_wait_until_finished (download);
      mw_test_downloads_assert_completed (fixture, download, names[i], body);
    }
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, resources[0]), ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (resources[0]->ranges, 1), "bytes="));
  mw_test_assert_no_part_files (fixture->folder_path);
  save_list (list);
  finalize_list (list);
}

static void
test_shutdown_starts_nothing_freezing (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (20000, 108);
  g_autofree char *state_path = g_build_filename (fixture->folder_path, "downloads.json", NULL);
  g_autofree char *url = mw_test_server_url (fixture->server, "/frozen.bin");
  g_autoptr(GFile) state = g_file_new_for_path (state_path);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/frozen.bin", body);
  MwDownloadList *list;
  MwDownload *download;

  /* Queued in freezing mode just before quitting: the transfer would block the main loop
   * of a process whose window is gone. */
  list = load_list (fixture, state);
  mw_download_list_set_blocking_mode (list, TRUE);
  download = mw_download_list_add (list, url, NULL, NULL);
  mw_download_list_shutdown (list);
  mw_test_run_loop_for (300);
  g_assert_cmpuint (mw_test_server_get_requests (fixture->server, resource), ==, 0);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_QUEUED);
  save_list (list);
  finalize_list (list);

  list = load_list (fixture, state);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  download = g_list_model_get_item (G_LIST_MODEL (list), 0);
  mw_test_wait_until_finished (download);
  mw_test_downloads_assert_completed (fixture, download, "frozen.bin", body);
  g_object_unref (download);
  save_list (list);
  finalize_list (list);
}

/* --- The final name ------------------------------------------------------------------ */

static void
test_target_appears_while_held (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 109);
  g_autoptr(GBytes) mine = g_bytes_new_static ("the user's own report", 21);
  g_autofree char *path = g_build_filename (fixture->folder_path, "report.pdf", NULL);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/report.pdf", body);
  g_autoptr(GError) error = NULL;
  MwDownload *download;

  resource->hold_after = 100000;
  resource->held = TRUE;
  download = mw_test_downloads_add (fixture, "/report.pdf");
  mw_test_wait_for_bytes (download, 100000);
  g_assert_cmpstr (mw_download_get_filename (download), ==, "report.pdf");

  /* The name was free when the download took it; now a file of the user's has it. */
  g_file_set_contents (path, g_bytes_get_data (mine, NULL), g_bytes_get_size (mine), &error);
  g_assert_no_error (error);
  mw_test_server_release (fixture->server, resource);
  mw_test_wait_until_finished (download);

  mw_test_downloads_assert_completed (fixture, download, "report (1).pdf", body);
  mw_test_downloads_assert_file (fixture, "report.pdf", mine);
  mw_test_assert_no_part_files (fixture->folder_path);
}

/* Another program that takes a name, looks whether it is still its file, and gives the
 * name up again, over and over, as fast as it can. */
typedef struct
{
  char    *path;
  GThread *thread;
  gint     stop;
  gint     overwritten;
} Racer;

static gpointer
race_thread (gpointer data)
{
  Racer *racer = data;

  while (!g_atomic_int_get (&racer->stop))
    {
      struct stat mine, there;
      int fd = open (racer->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

      if (fd < 0)
        {
          /* The download has the name now, and keeps it. */
          if (errno == EEXIST)
            break;
          continue;
        }
      g_assert_cmpint (fstat (fd, &mine), ==, 0);
      g_assert_cmpint (write (fd, "mine", 4), ==, 4);
      if (stat (racer->path, &there) != 0 || there.st_ino != mine.st_ino)
        {
          /* The download's rename replaced the file this program had just made. */
          g_atomic_int_set (&racer->overwritten, 1);
          close (fd);
          break;
        }
      g_unlink (racer->path);
      close (fd);
    }
  return NULL;
}

#define N_RACES 40

static void
test_target_appears_at_rename (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (40000, 110);

  for (guint i = 0; i < N_RACES; i++)
    {
      g_autofree char *path = g_strdup_printf ("/race-%u.bin", i);
      g_autofree char *name = g_strdup_printf ("race-%u.bin", i);
      MwTestResource *resource = mw_test_server_add (fixture->server, path, body);
      Racer racer = { g_build_filename (fixture->folder_path, name, NULL), NULL, 0, 0 };
      MwDownload *download;

      resource->hold_after = 20000;
      resource->held = TRUE;
      download = mw_test_downloads_add (fixture, path);
      mw_test_wait_for_bytes (download, 20000);
      g_assert_cmpstr (mw_download_get_filename (download), ==, name);

      /* From the moment the name is taken until the file is renamed to it, another
       * program keeps creating a file under that name. */
      racer.thread = g_thread_new ("racer", race_thread, &racer);
      mw_test_server_release (fixture->server, resource);
      mw_test_wait_until_finished (download);
      g_atomic_int_set (&racer.stop, 1);
      g_thread_join (racer.thread);

      /* Whoever got the name first keeps it; the download is whole under its own. */
      if (g_atomic_int_get (&racer.overwritten))
        g_error ("Round %u: the download was renamed over a file another program had just made", i);
      g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_COMPLETED);
      mw_test_downloads_assert_file (fixture, mw_download_get_filename (download), body);
      g_free (racer.path);
    }
  mw_test_assert_no_part_files (fixture->folder_path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, mw_test_downloads_tear_down)

  ADD ("/download/sequence/cancel-readd-retry", test_cancel_readd_retry);
  ADD ("/download/sequence/cancel-retry-at-once", test_cancel_retry_at_once);
  ADD ("/download/sequence/undo-after-name-taken", test_undo_after_name_taken);
  ADD ("/download/sequence/waiting-gives-slot", test_waiting_gives_slot);
  ADD ("/download/sequence/wait-over-takes-slot", test_wait_over_takes_slot);
  ADD ("/download/sequence/switch-mode-keeps-wait", test_switch_keeps_wait);
  ADD ("/download/sequence/switch-mode-keeps-pause", test_switch_keeps_pause);
  ADD ("/download/sequence/switch-off-between-freezes", test_switch_off_between_freezes);
  ADD ("/download/sequence/frame-between-freezes", test_frame_between_freezes);
  ADD ("/download/sequence/shutdown-starts-nothing", test_shutdown_starts_nothing);
  ADD ("/download/sequence/shutdown-starts-nothing-freezing", test_shutdown_starts_nothing_freezing);
  ADD ("/download/sequence/target-appears-while-held", test_target_appears_while_held);
  ADD ("/download/sequence/target-appears-at-rename", test_target_appears_at_rename);

  return g_test_run ();
}
