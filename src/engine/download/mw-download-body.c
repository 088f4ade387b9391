/* mw-download-body.c: a response's body, read into NAME.part, then verified and put in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads run on the main thread through libsoup's async API and each write in a worker
 * thread, overlapping; in freezing mode one blocking loop on the calling thread reads and
 * writes in turn.
 */
#define G_LOG_DOMAIN "mw-download-body"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-download-private.h"
#include "mw-download-run-private.h"
#include "mw-error.h"

#define MIN_CHUNK_SIZE     (16 * 1024)
#define MAX_CHUNK_SIZE     (512 * 1024)
/* What all bodies streaming at once may read in one main-loop iteration: each read is a
 * copy on the main thread, and eight of 512 KiB in a row kept it busy for milliseconds. */
#define READ_BUDGET        (1024 * 1024)

/* Bodies being read asynchronously in this process, all on its one main loop. Only the
 * main thread touches it. */
static guint n_streaming;

static void stream_next (GTask *task);

static void
finish_part_done (GTask  *task,
                  GError *error)
{
  MwRun *run = g_task_get_task_data (task);

  if (error != NULL)
    {
      _mw_attempt_failed (task, error);
      return;
    }

  _mw_download_set_file (run->download, run->chosen_file);
  _mw_download_set_received (run->download, run->received, TRUE);
  if (run->total < 0)
    _mw_download_set_total (run->download, (gint64) run->received);
  if (run->config->blocking)
    _mw_download_event (run->download, _("Finished — the main loop is free again"));
  else
    _mw_download_event (run->download, _("Finished (callback)"));
  _mw_run_return (task, NULL);
}

static void
body_closed_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_input_stream_close_finish (G_INPUT_STREAM (source_object), result, NULL);
}

/* Lets the body go, read to its end or not. */
void
_mw_body_close (MwRun *run)
{
  if (run->body == NULL)
    return;

  /* A body that was not read to its end would be drained by a synchronous close:
   * abort the message instead. */
  if (!run->at_eof)
    g_cancellable_cancel (run->cancellable);
  if (run->config->blocking)
    g_input_stream_close (run->body, NULL, NULL);
  else
    g_input_stream_close_async (run->body, G_PRIORITY_DEFAULT, NULL, body_closed_cb, NULL);
  g_clear_object (&run->body);
}

/* The body is all there: unless it fell short of its length, NAME.part is closed, verified
 * and renamed into place. */
void
_mw_body_complete (GTask *task)
{
  MwRun *run = g_task_get_task_data (task);

  _mw_body_close (run);
  if (run->total >= 0 && run->received < (guint64) run->total)
    {
      _mw_attempt_failed (task,
                          g_error_new (MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INCOMPLETE,
                                       "Body ended at %" G_GUINT64_FORMAT " of %" G_GINT64_FORMAT,
                                       run->received, run->total));
      return;
    }

  if (run->checksum != NULL)
    _mw_download_set_state (run->download, MW_DOWNLOAD_VERIFYING);
  g_set_object (&run->target, run->download->file);
  _mw_run_step (task, _mw_part_finish, finish_part_done);
}

static void
adapt_chunk_size (MwRun *run,
                  gsize  got)
{
  gsize limit = CLAMP (READ_BUDGET / MAX (1, n_streaming), MIN_CHUNK_SIZE, MAX_CHUNK_SIZE);

  /* Big reads when data streams in, small ones when it trickles: a thousand slow
   * downloads must not each hold half a megabyte of buffer. */
  if (got == run->chunk_size)
    run->chunk_size = MIN (run->chunk_size * 2, limit);
  else if (got < run->chunk_size / 4)
    run->chunk_size = MAX (run->chunk_size / 2, MIN_CHUNK_SIZE);
  run->chunk_size = MIN (run->chunk_size, limit);
}

/* Both modes count a chunk read the same way; FIRST_EVENT goes to the log with the first. */
static void
count_chunk (MwRun      *run,
             gsize       size,
             const char *first_event)
{
  if (run->received == run->offset)
    _mw_download_event (run->download, "%s", first_event);
  adapt_chunk_size (run, size);
  run->received += size;
  _mw_download_set_received (run->download, run->received, FALSE);
}

static void
stream_error (GTask  *task,
              GError *error)
{
  MwRun *run = g_task_get_task_data (task);

  /* Keep the first cause; stop the other half of the pipeline and wait for it. */
  if (run->error == NULL)
    run->error = error;
  else
    g_error_free (error);
  g_cancellable_cancel (run->cancellable);
  stream_next (task);
}

static void write_done (GTask *task, GError *error);

static void
start_write (GTask  *task,
             GBytes *bytes)
{
  MwRun *run = g_task_get_task_data (task);

  run->writing = TRUE;
  run->writing_bytes = bytes;
  _mw_run_step (task, _mw_part_write_chunk, write_done);
}

static void
got_chunk (GTask  *task,
           GBytes *bytes)
{
  MwRun *run = g_task_get_task_data (task);
  gsize size = g_bytes_get_size (bytes);

  if (size == 0)
    {
      run->at_eof = TRUE;
      g_bytes_unref (bytes);
      return;
    }

  count_chunk (run, size, _("First bytes received (callback)"));

  if (run->writing)
    run->pending_bytes = bytes;
  else
    start_write (task, bytes);
}

static void
read_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MwRun *run = g_task_get_task_data (task);
  GError *error = NULL;
  GBytes *bytes;

  run->reading = FALSE;
  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source_object), result, &error);
  if (bytes == NULL)
    {
      stream_error (task, error);
      return;
    }

  got_chunk (task, bytes);
  stream_next (task);
}

static void
write_done (GTask  *task,
            GError *error)
{
  MwRun *run = g_task_get_task_data (task);

  run->writing = FALSE;
  g_clear_pointer (&run->writing_bytes, g_bytes_unref);
  if (error != NULL)
    {
      stream_error (task, error);
      return;
    }

  if (run->pending_bytes != NULL && run->error == NULL)
    start_write (task, g_steal_pointer (&run->pending_bytes));
  stream_next (task);
}

/* Keeps at most one read and one write in flight, and one chunk waiting between them,
 * so memory stays flat whatever the file's size. */
static void
stream_next (GTask *task)
{
  MwRun *run = g_task_get_task_data (task);

  if (run->error != NULL)
    {
      if (!run->reading && !run->writing)
        _mw_attempt_failed (task, g_steal_pointer (&run->error));
      return;
    }

  if (run->at_eof)
    {
      if (!run->writing)
        _mw_body_complete (task);
      return;
    }

  if (!run->reading && run->pending_bytes == NULL)
    {
      run->reading = TRUE;
      g_input_stream_read_bytes_async (run->body, run->chunk_size, G_PRIORITY_DEFAULT,
                                       run->cancellable, read_cb, g_object_ref (task));
    }
}

static void
stream_blocking (GTask *task)
{
  MwRun *run = g_task_get_task_data (task);

  while (TRUE)
    {
      GError *error = NULL;
      GBytes *bytes = g_input_stream_read_bytes (run->body, run->chunk_size,
                                                 run->cancellable, &error);
      gsize size;
      gboolean written;

      if (bytes == NULL)
        {
          _mw_attempt_failed (task, error);
          return;
        }

      size = g_bytes_get_size (bytes);
      if (size == 0)
        {
          g_bytes_unref (bytes);
          break;
        }

      count_chunk (run, size, _("First bytes received (blocking read)"));

      run->writing_bytes = bytes;
      written = _mw_part_write_chunk (run, &error);
      g_clear_pointer (&run->writing_bytes, g_bytes_unref);
      if (!written)
        {
          _mw_attempt_failed (task, error);
          return;
        }
    }

  run->at_eof = TRUE;
  _mw_body_complete (task);
}

/* NAME.part is open: its body is read into it, in the run's mode. */
void
_mw_body_receive (GTask *task)
{
  MwRun *run = g_task_get_task_data (task);

  /* Small reads first: the chunk size grows while data streams in. */
  run->chunk_size = MIN_CHUNK_SIZE;
  _mw_download_set_received (run->download, run->received, TRUE);
  _mw_download_set_state (run->download, MW_DOWNLOAD_DOWNLOADING);

  if (run->config->blocking)
    stream_blocking (task);
  else
    {
      run->streaming = TRUE;
      n_streaming++;
      stream_next (task);
    }
}

/* Forgets an attempt's body, whatever became of it. */
void
_mw_body_clear (MwRun *run)
{
  g_clear_object (&run->body);
  g_clear_pointer (&run->writing_bytes, g_bytes_unref);
  g_clear_pointer (&run->pending_bytes, g_bytes_unref);
  if (run->streaming)
    n_streaming--;
  run->streaming = run->reading = run->writing = run->at_eof = FALSE;
}
