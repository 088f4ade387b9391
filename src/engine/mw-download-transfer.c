/* mw-download-transfer.c: moving a download's bytes from the network to the disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run takes a download from its current state to completion, retrying transient
 * failures by itself. Each attempt:
 *
 *   measure NAME.part (and hash what it holds)         a worker thread
 *   send the request, with Range/If-Range to resume     libsoup, main thread, async
 *   open NAME.part to append, to truncate, or name it   a worker thread
 *   read chunk N+1 while chunk N is written and hashed  libsoup async + a worker thread
 *   close, verify, rename NAME.part to NAME             a worker thread
 *
 * In freezing mode the very same steps run synchronously on the calling thread, with
 * libsoup's and GIO's blocking calls: run_step() is the one place that differs.
 */
#define G_LOG_DOMAIN "mw-download-transfer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-download-private.h"
#include "mw-error.h"
#include "mw-filename.h"
#include "mw-http.h"

#define MIN_CHUNK_SIZE     (16 * 1024)
#define MAX_CHUNK_SIZE     (512 * 1024)
#define HASH_BUFFER_SIZE   (256 * 1024)
#define MAX_NAME_ATTEMPTS  1000
/* A server may ask for a pause before a retry; past this we give up and say so. */
#define MAX_RETRY_AFTER_MS (60 * 60 * 1000)

typedef enum
{
  BODY_TO_NEW_FILE,     /* the first response: choose a name, create NAME.part */
  BODY_APPENDS,         /* 206 for the bytes after the .part */
  BODY_REPLACES,        /* 200: whatever the .part held is stale */
  BODY_ALREADY_HAD,     /* 416 on a complete .part: nothing to write */
} BodyDisposition;

typedef struct
{
  MwDownload       *download;   /* owned by the GTask */
  MwTransferConfig *config;
  GCancellable     *run_cancellable;

  guint             failures;   /* in a row, without progress */
  gboolean          discard_part;
  gboolean          avoid_ranges;
  gint64            retry_after_ms;
  GSource          *wait_source;
  GSource          *wait_cancel_source;

  /* One attempt */
  GCancellable     *cancellable;
  gulong            cancel_handler;
  SoupMessage      *message;
  GInputStream     *body;
  GFile            *part;
  GOutputStream    *out;
  GChecksum        *checksum;
  BodyDisposition   disposition;
  char             *expected_sha256;  /* copies the workers may read */
  GFile            *target;
  char             *wanted_name;
  GFile            *chosen_file;
  guint64           offset;     /* bytes the .part had before this attempt */
  guint64           received;   /* offset + bytes read in this attempt */
  gint64            total;
  gsize             chunk_size;
  gboolean          reading;
  gboolean          writing;
  gboolean          at_eof;
  GBytes           *writing_bytes;
  GBytes           *pending_bytes;
  GError           *error;
} Run;

typedef gboolean (*StepFunc) (Run     *run,
                              GError **error);
typedef void     (*StepDone) (GTask   *task,
                              GError  *error);

static void attempt_begin  (GTask *task);
static void attempt_failed (GTask *task, GError *error);
static void stream_next    (GTask *task);

static void
attempt_clear (Run *run)
{
  if (run->cancel_handler != 0)
    g_cancellable_disconnect (run->run_cancellable, run->cancel_handler);
  run->cancel_handler = 0;
  g_clear_object (&run->cancellable);
  g_clear_object (&run->message);
  g_clear_object (&run->body);
  g_clear_object (&run->part);
  g_clear_object (&run->out);
  g_clear_pointer (&run->checksum, g_checksum_free);
  g_clear_pointer (&run->wanted_name, g_free);
  g_clear_pointer (&run->expected_sha256, g_free);
  g_clear_object (&run->target);
  g_clear_object (&run->chosen_file);
  g_clear_pointer (&run->writing_bytes, g_bytes_unref);
  g_clear_pointer (&run->pending_bytes, g_bytes_unref);
  g_clear_error (&run->error);
  run->reading = run->writing = run->at_eof = FALSE;
  run->offset = run->received = 0;
  run->total = -1;
}

static void
run_free (Run *run)
{
  attempt_clear (run);
  if (run->wait_source != NULL)
    g_source_destroy (run->wait_source);
  g_clear_pointer (&run->wait_source, g_source_unref);
  if (run->wait_cancel_source != NULL)
    g_source_destroy (run->wait_cancel_source);
  g_clear_pointer (&run->wait_cancel_source, g_source_unref);
  g_clear_pointer (&run->config, _mw_transfer_config_free);
  g_clear_object (&run->run_cancellable);
  g_free (run);
}

/* --- Steps that touch the disk --------------------------------------------------- */

typedef struct
{
  GTask    *task;
  StepFunc  func;
  StepDone  done;
} Step;

static void
step_thread (GTask        *subtask,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Step *step = task_data;
  Run *run = g_task_get_task_data (step->task);
  GError *error = NULL;

  if (step->func (run, &error))
    g_task_return_boolean (subtask, TRUE);
  else
    g_task_return_error (subtask, error);
}

static void
step_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Step *step = user_data;
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  step->done (step->task, error);
  g_object_unref (step->task);
  g_free (step);
}

/* Runs FUNC in a worker thread and DONE back on the main thread; in freezing mode both run
 * right here, which is the whole difference between the two modes. While FUNC runs, the
 * main thread leaves the Run's file fields alone. */
static void
run_step (GTask    *task,
          StepFunc  func,
          StepDone  done)
{
  Run *run = g_task_get_task_data (task);
  g_autoptr(GTask) subtask = NULL;
  Step *step;

  if (run->config->blocking)
    {
      GError *error = NULL;

      func (run, &error);
      done (task, error);
      return;
    }

  step = g_new0 (Step, 1);
  step->task = g_object_ref (task);
  step->func = func;
  step->done = done;

  subtask = g_task_new (NULL, NULL, step_done_cb, step);
  g_task_set_source_tag (subtask, run_step);
  g_task_set_task_data (subtask, step, NULL);
  g_task_run_in_thread (subtask, step_thread);
}

/* Worker: how much of the file is already here, and its hash so far. */
static gboolean
measure_part_func (Run     *run,
                   GError **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree guint8 *buffer = NULL;
  GError *local_error = NULL;
  guint64 size;

  if (run->checksum != NULL)
    g_checksum_reset (run->checksum);

  if (run->discard_part)
    {
      if (!g_file_delete (run->part, NULL, &local_error) &&
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      g_clear_error (&local_error);
      run->offset = 0;
      return TRUE;
    }

  info = g_file_query_info (run->part, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            NULL, &local_error);
  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_clear_error (&local_error);
          run->offset = 0;
          return TRUE;
        }
      g_propagate_error (error, local_error);
      return FALSE;
    }

  size = (guint64) g_file_info_get_size (info);
  run->offset = size;

  if (run->checksum == NULL || size == 0)
    return TRUE;

  in = g_file_read (run->part, run->cancellable, error);
  if (in == NULL)
    return FALSE;

  buffer = g_malloc (HASH_BUFFER_SIZE);
  for (guint64 hashed = 0; hashed < size;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buffer,
                                      MIN (HASH_BUFFER_SIZE, size - hashed),
                                      run->cancellable, error);
      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      g_checksum_update (run->checksum, buffer, n);
      hashed += n;
    }

  return TRUE;
}

static gboolean
ensure_folder (GFile   *folder,
               GError **error)
{
  GError *local_error = NULL;

  if (g_file_make_directory_with_parents (folder, NULL, &local_error) ||
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_clear_error (&local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

static gboolean
is_reserved (Run        *run,
             GFile      *file)
{
  g_autofree char *path = g_file_get_path (file);

  return run->config->reserved_paths != NULL &&
         g_strv_contains ((const char * const *) run->config->reserved_paths, path);
}

/* Worker: the first name in "NAME", "NAME (1)", … that no file, no partial file and no
 * other download holds; creating NAME.part exclusively is what reserves it. */
static gboolean
create_part_func (Run     *run,
                  GError **error)
{
  if (!ensure_folder (run->config->folder, error))
    return FALSE;

  for (guint i = 0; i < MAX_NAME_ATTEMPTS; i++)
    {
      g_autofree char *name = mw_filename_with_index (run->wanted_name, i);
      g_autofree char *part_name = g_strconcat (name, ".part", NULL);
      g_autoptr(GFile) target = g_file_get_child (run->config->folder, name);
      g_autoptr(GFile) part = g_file_get_child (run->config->folder, part_name);
      g_autoptr(GFileOutputStream) out = NULL;
      GError *local_error = NULL;

      if (is_reserved (run, target) || g_file_query_exists (target, NULL))
        continue;

      out = g_file_create (part, G_FILE_CREATE_NONE, NULL, &local_error);
      if (out == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
            {
              g_clear_error (&local_error);
              continue;
            }
          g_propagate_error (error, local_error);
          return FALSE;
        }

      run->out = G_OUTPUT_STREAM (g_steal_pointer (&out));
      run->chosen_file = g_steal_pointer (&target);
      run->part = g_steal_pointer (&part);
      return TRUE;
    }

  g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_NO_NAME,
                       "No free file name");
  return FALSE;
}

/* Worker: open the known NAME.part for the body this response brings. */
static gboolean
open_part_func (Run     *run,
                GError **error)
{
  GError *local_error = NULL;

  if (run->disposition == BODY_TO_NEW_FILE)
    return create_part_func (run, error);

  if (run->disposition == BODY_ALREADY_HAD)
    return TRUE;

  {
    g_autoptr(GFile) folder = g_file_get_parent (run->part);
    if (!ensure_folder (folder, error))
      return FALSE;
  }

  if (run->disposition == BODY_APPENDS)
    {
      g_autoptr(GFileOutputStream) out = g_file_append_to (run->part, G_FILE_CREATE_NONE,
                                                           NULL, error);
      g_autoptr(GFileInfo) info = NULL;

      if (out == NULL)
        return FALSE;

      /* The range we asked for starts where the .part ended when we measured it. */
      info = g_file_output_stream_query_info (out, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, error);
      if (info == NULL)
        return FALSE;
      if ((guint64) g_file_info_get_size (info) != run->offset)
        {
          run->discard_part = TRUE;
          g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_BAD_RANGE,
                               "The partial file changed while resuming");
          return FALSE;
        }
      run->out = G_OUTPUT_STREAM (g_steal_pointer (&out));
      return TRUE;
    }

  /* BODY_REPLACES: start the same NAME.part afresh. */
  if (!g_file_delete (run->part, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_clear_error (&local_error);

  run->out = G_OUTPUT_STREAM (g_file_create (run->part, G_FILE_CREATE_NONE, NULL, error));
  if (run->checksum != NULL)
    g_checksum_reset (run->checksum);
  return run->out != NULL;
}

/* Worker: write one chunk and hash it. */
static gboolean
write_chunk_func (Run     *run,
                  GError **error)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (run->writing_bytes, &size);
  gsize written = 0;
  gboolean ok;

  ok = g_output_stream_write_all (run->out, data, size, &written, run->cancellable, error);
  if (run->checksum != NULL && written > 0)
    g_checksum_update (run->checksum, data, written);
  return ok;
}

/* Worker: after a failure, leave the .part closed and resumable. */
static gboolean
close_part_func (Run     *run,
                 GError **error)
{
  if (run->out != NULL && !g_output_stream_is_closed (run->out))
    return g_output_stream_close (run->out, NULL, error);
  return TRUE;
}

/* Worker: the body is complete. Close, verify, and only then give it its real name. */
static gboolean
finish_part_func (Run     *run,
                  GError **error)
{
  g_autoptr(GFile) folder = g_file_get_parent (run->target);
  g_autofree char *base = g_file_get_basename (run->target);

  if (!close_part_func (run, error))
    return FALSE;

  if (run->checksum != NULL)
    {
      const char *actual = g_checksum_get_string (run->checksum);

      if (g_strcmp0 (actual, run->expected_sha256) != 0)
        {
          /* A file that failed its check must not be resumed from, nor look finished. */
          g_file_delete (run->part, NULL, NULL);
          g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_CHECKSUM_MISMATCH,
                       "SHA-256 is %s, expected %s", actual, run->expected_sha256);
          return FALSE;
        }
    }

  for (guint i = 0; i < MAX_NAME_ATTEMPTS; i++)
    {
      g_autofree char *name = mw_filename_with_index (base, i);
      g_autoptr(GFile) target = g_file_get_child (folder, name);
      GError *local_error = NULL;

      if (i > 0 && is_reserved (run, target))
        continue;

      /* Never overwrite: a file that appeared under our name meanwhile keeps it. */
      if (g_file_move (run->part, target, G_FILE_COPY_NONE, NULL, NULL, NULL, &local_error))
        {
          run->chosen_file = g_steal_pointer (&target);
          return TRUE;
        }
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      g_clear_error (&local_error);
    }

  g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_NO_NAME, "No free file name");
  return FALSE;
}

/* --- The attempt, on the main thread -------------------------------------------- */

static void
run_return (GTask  *task,
            GError *error)
{
  Run *run = g_task_get_task_data (task);

  attempt_clear (run);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish_part_done (GTask  *task,
                  GError *error)
{
  Run *run = g_task_get_task_data (task);

  if (error != NULL)
    {
      attempt_failed (task, error);
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
  run_return (task, NULL);
}

static void body_closed_cb (GObject *source_object, GAsyncResult *result, gpointer user_data);

static void
close_body (Run *run)
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

static void
body_complete (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  close_body (run);
  if (run->total >= 0 && run->received < (guint64) run->total)
    {
      attempt_failed (task, g_error_new (MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INCOMPLETE,
                                         "Body ended at %" G_GUINT64_FORMAT " of %" G_GINT64_FORMAT,
                                         run->received, run->total));
      return;
    }

  if (run->checksum != NULL)
    _mw_download_set_state (run->download, MW_DOWNLOAD_VERIFYING);
  g_set_object (&run->target, run->download->file);
  run_step (task, finish_part_func, finish_part_done);
}

static void
adapt_chunk_size (Run   *run,
                  gsize  got)
{
  /* Big reads when data streams in, small ones when it trickles: a thousand slow
   * downloads must not each hold half a megabyte of buffer. */
  if (got == run->chunk_size)
    run->chunk_size = MIN (run->chunk_size * 2, MAX_CHUNK_SIZE);
  else if (got < run->chunk_size / 4)
    run->chunk_size = MAX (run->chunk_size / 2, MIN_CHUNK_SIZE);
}

static void
stream_error (GTask  *task,
              GError *error)
{
  Run *run = g_task_get_task_data (task);

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
  Run *run = g_task_get_task_data (task);

  run->writing = TRUE;
  run->writing_bytes = bytes;
  run_step (task, write_chunk_func, write_done);
}

static void
got_chunk (GTask  *task,
           GBytes *bytes)
{
  Run *run = g_task_get_task_data (task);
  gsize size = g_bytes_get_size (bytes);

  if (size == 0)
    {
      run->at_eof = TRUE;
      g_bytes_unref (bytes);
      return;
    }

  if (run->received == run->offset)
    _mw_download_event (run->download, _("First bytes received (callback)"));
  adapt_chunk_size (run, size);
  run->received += size;
  _mw_download_set_received (run->download, run->received, FALSE);

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
  Run *run = g_task_get_task_data (task);
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
  Run *run = g_task_get_task_data (task);

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
  Run *run = g_task_get_task_data (task);

  if (run->error != NULL)
    {
      if (!run->reading && !run->writing)
        attempt_failed (task, g_steal_pointer (&run->error));
      return;
    }

  if (run->at_eof)
    {
      if (!run->writing)
        body_complete (task);
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
  Run *run = g_task_get_task_data (task);

  while (TRUE)
    {
      GError *error = NULL;
      GBytes *bytes = g_input_stream_read_bytes (run->body, run->chunk_size,
                                                 run->cancellable, &error);
      gsize size;
      gboolean written;

      if (bytes == NULL)
        {
          attempt_failed (task, error);
          return;
        }

      size = g_bytes_get_size (bytes);
      if (size == 0)
        {
          g_bytes_unref (bytes);
          break;
        }

      if (run->received == run->offset)
        _mw_download_event (run->download, _("First bytes received (blocking read)"));
      adapt_chunk_size (run, size);
      run->received += size;
      _mw_download_set_received (run->download, run->received, FALSE);

      run->writing_bytes = bytes;
      written = write_chunk_func (run, &error);
      g_clear_pointer (&run->writing_bytes, g_bytes_unref);
      if (!written)
        {
          attempt_failed (task, error);
          return;
        }
    }

  run->at_eof = TRUE;
  body_complete (task);
}

static void
open_part_done (GTask  *task,
                GError *error)
{
  Run *run = g_task_get_task_data (task);

  if (error != NULL)
    {
      attempt_failed (task, error);
      return;
    }

  if (run->chosen_file != NULL)
    _mw_download_set_file (run->download, run->chosen_file);
  g_clear_object (&run->chosen_file);

  if (run->disposition == BODY_ALREADY_HAD)
    {
      run->at_eof = TRUE;
      body_complete (task);
      return;
    }

  _mw_download_set_received (run->download, run->received, TRUE);
  _mw_download_set_state (run->download, MW_DOWNLOAD_DOWNLOADING);

  if (run->config->blocking)
    stream_blocking (task);
  else
    stream_next (task);
}

static char *
choose_name (Run *run)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (run->message);
  const char *disposition = soup_message_headers_get_one (headers, "Content-Disposition");
  g_autofree char *from_header = mw_content_disposition_get_filename (disposition);
  g_autofree char *name = from_header ? mw_filename_sanitize (from_header) : NULL;
  g_autofree char *final_uri = NULL;

  if (name != NULL)
    return g_steal_pointer (&name);

  final_uri = g_uri_to_string (soup_message_get_uri (run->message));
  name = mw_filename_from_uri (final_uri);
  if (name == NULL)
    name = mw_filename_from_uri (run->download->url);
  return name ? g_steal_pointer (&name) : g_strdup ("download");
}

/* Decides what the response's body means for the .part, or why it cannot be used. */
static gboolean
read_response (Run     *run,
               GError **error)
{
  SoupMessage *msg = run->message;
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  guint status = soup_message_get_status (msg);
  g_autofree char *final_uri = g_uri_to_string (soup_message_get_uri (msg));
  gboolean asked_range = run->offset > 0;
  gint64 start, end, total;

  _mw_download_set_final_url (run->download, final_uri);

  if (status == MW_HTTP_STATUS_TOO_MANY_REQUESTS || status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      run->retry_after_ms = mw_http_get_retry_after_ms (headers, now);
    }

  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && asked_range)
    {
      mw_http_parse_content_range (soup_message_headers_get_one (headers, "Content-Range"),
                                   &start, &end, &total);
      if (total < 0)
        total = run->download->total;
      if (total >= 0 && (guint64) total == run->offset)
        {
          run->disposition = BODY_ALREADY_HAD;
          run->total = total;
          run->received = run->offset;
          _mw_download_set_total (run->download, total);
          return TRUE;
        }
      /* The .part is longer than the resource or the server cannot tell: start over. */
      run->discard_part = TRUE;
      g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_BAD_RANGE, "416 for a partial file");
      return FALSE;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_set_error (error, MW_HTTP_ERROR, status, "HTTP %u %s", status,
                   soup_message_get_reason_phrase (msg));
      return FALSE;
    }

  if (status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      const char *etag = soup_message_headers_get_one (headers, "ETag");

      if (!mw_http_parse_content_range (soup_message_headers_get_one (headers, "Content-Range"),
                                        &start, &end, &total) ||
          start < 0 || (guint64) start != run->offset)
        {
          /* Bytes for a range we did not ask for would corrupt the file. */
          run->discard_part = TRUE;
          run->avoid_ranges = TRUE;
          g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_BAD_RANGE,
                       "Asked for bytes from %" G_GUINT64_FORMAT ", got %s", run->offset,
                       soup_message_headers_get_one (headers, "Content-Range"));
          return FALSE;
        }

      /* If-Range should have made a changed resource come back whole; a server that
       * ignored it still shows the change in its validator. */
      if (etag != NULL && run->download->etag != NULL && g_strcmp0 (etag, run->download->etag) != 0)
        {
          run->discard_part = TRUE;
          g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_BAD_RANGE,
                       "The file changed on the server");
          return FALSE;
        }

      run->disposition = run->download->file ? BODY_APPENDS : BODY_TO_NEW_FILE;
      run->total = total;
      run->received = run->offset;
    }
  else
    {
      /* 200 and friends: the whole resource, from the first byte. */
      if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
        run->total = soup_message_headers_get_content_length (headers);
      else
        run->total = -1;
      run->disposition = run->download->file ? BODY_REPLACES : BODY_TO_NEW_FILE;
      run->offset = 0;
      run->received = 0;
    }

  _mw_download_set_validators (run->download,
                               soup_message_headers_get_one (headers, "ETag"),
                               soup_message_headers_get_one (headers, "Last-Modified"));
  _mw_download_set_total (run->download, run->total);

  if (run->disposition == BODY_TO_NEW_FILE)
    run->wanted_name = choose_name (run);

  return TRUE;
}

static void
got_response (GTask        *task,
              GInputStream *body,
              GError       *error)
{
  Run *run = g_task_get_task_data (task);

  if (body == NULL)
    {
      attempt_failed (task, error);
      return;
    }

  run->body = body;
  if (run->config->blocking)
    _mw_download_event (run->download, _("Response received (the blocking call returned): HTTP %u"),
                        soup_message_get_status (run->message));
  else
    _mw_download_event (run->download, _("Response received (callback): HTTP %u"),
                        soup_message_get_status (run->message));
  if (!read_response (run, &error))
    {
      attempt_failed (task, error);
      return;
    }

  run_step (task, open_part_func, open_part_done);
}

static void
send_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GInputStream *body;

  body = soup_session_send_finish (SOUP_SESSION (source_object), result, &error);
  got_response (task, body, error);
}

static void
send_request (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  MwDownload *download = run->download;
  SoupMessageHeaders *headers;
  GError *error = NULL;

  run->message = soup_message_new (SOUP_METHOD_GET, download->url);
  if (run->message == NULL)
    {
      attempt_failed (task, g_error_new (MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INVALID_URL,
                                         _("“%s” is not a web address Meanwhile can download."),
                                         download->url));
      return;
    }

  headers = soup_message_get_request_headers (run->message);
  soup_message_headers_replace (headers, "Accept-Encoding", "identity");

  if (run->offset > 0)
    {
      if (run->avoid_ranges)
        run->offset = 0;
      else
        {
          soup_message_headers_set_range (headers, (goffset) run->offset, -1);
          if (mw_http_etag_is_strong (download->etag))
            soup_message_headers_replace (headers, "If-Range", download->etag);
          else if (download->last_modified != NULL)
            soup_message_headers_replace (headers, "If-Range", download->last_modified);
        }
    }

  if (run->config->blocking)
    {
      GInputStream *body;

      _mw_download_event (download, _("Request sent — the main loop is blocked until the server answers"));
      body = soup_session_send (run->config->session, run->message, run->cancellable, &error);
      got_response (task, body, error);
    }
  else
    {
      soup_session_send_async (run->config->session, run->message, G_PRIORITY_DEFAULT,
                               run->cancellable, send_cb, g_object_ref (task));
      _mw_download_event (download, _("Request sent — the main loop is free while the server answers"));
    }
}

static void
measure_part_done (GTask  *task,
                   GError *error)
{
  Run *run = g_task_get_task_data (task);

  if (error != NULL)
    {
      attempt_failed (task, error);
      return;
    }

  run->discard_part = FALSE;
  run->received = run->offset;
  _mw_download_set_received (run->download, run->offset, TRUE);
  send_request (task);
}

static void
chain_cancel (GCancellable *run_cancellable,
              GCancellable *attempt_cancellable)
{
  g_cancellable_cancel (attempt_cancellable);
}

static void
attempt_begin (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  MwDownload *download = run->download;

  attempt_clear (run);
  run->chunk_size = MIN_CHUNK_SIZE;
  run->retry_after_ms = -1;
  run->cancellable = g_cancellable_new ();
  run->cancel_handler = g_cancellable_connect (run->run_cancellable, G_CALLBACK (chain_cancel),
                                               run->cancellable, NULL);
  if (download->expected_sha256 != NULL)
    {
      run->checksum = g_checksum_new (G_CHECKSUM_SHA256);
      run->expected_sha256 = g_strdup (download->expected_sha256);
    }

  _mw_download_set_attempt (download, download->attempt + 1);
  _mw_download_set_state (download, MW_DOWNLOAD_CONNECTING);
  if (download->attempt == 1)
    _mw_download_event (download, _("Download started"));
  else
    _mw_download_event (download, _("Attempt %u started"), download->attempt);

  run->part = _mw_download_dup_part_file (download);
  if (run->part == NULL)
    send_request (task);
  else
    run_step (task, measure_part_func, measure_part_done);
}

static gboolean
wait_over_cb (gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  g_source_destroy (run->wait_cancel_source);
  g_clear_pointer (&run->wait_cancel_source, g_source_unref);
  g_clear_pointer (&run->wait_source, g_source_unref);

  if (g_cancellable_is_cancelled (run->run_cancellable))
    run_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  else
    attempt_begin (task);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  Run *run = g_task_get_task_data (task);

  g_source_destroy (run->wait_source);
  g_clear_pointer (&run->wait_source, g_source_unref);
  g_clear_pointer (&run->wait_cancel_source, g_source_unref);
  run_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  return G_SOURCE_REMOVE;
}

static guint
backoff_ms (Run *run)
{
  guint64 delay = run->config->retry_base_ms;

  for (guint i = 1; i < run->failures && delay < run->config->retry_max_ms; i++)
    delay *= 2;
  delay = MIN (delay, run->config->retry_max_ms);

  /* Full jitter on the upper half keeps many clients from coming back in step. */
  return (guint) (delay / 2 + g_random_int_range (0, (gint32) MAX (1, delay / 2 + 1)));
}

static void
wait_then_retry (GTask *task,
                 guint  delay_ms)
{
  Run *run = g_task_get_task_data (task);

  /* Two sources instead of g_cancellable_connect(): a pause during the wait is then seen
   * on a later main-loop iteration, never inside the caller's g_cancellable_cancel(). */
  run->wait_source = g_timeout_source_new (delay_ms);
  g_source_set_callback (run->wait_source, wait_over_cb, task, g_object_unref);
  g_object_ref (task);
  g_source_attach (run->wait_source, g_main_context_get_thread_default ());

  run->wait_cancel_source = g_cancellable_source_new (run->run_cancellable);
  g_source_set_callback (run->wait_cancel_source, G_SOURCE_FUNC (wait_cancelled_cb),
                         task, NULL);
  g_source_attach (run->wait_cancel_source, g_main_context_get_thread_default ());
}

static void
decide_after_failure (GTask  *task,
                      GError *error)
{
  Run *run = g_task_get_task_data (task);
  MwDownload *download = run->download;
  gboolean progressed = run->received > run->offset;
  g_autofree char *host = NULL;
  g_autofree char *message = NULL;
  guint delay;

  if (g_cancellable_is_cancelled (run->run_cancellable))
    {
      g_clear_error (&error);
      run_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
      return;
    }

  if (!mw_error_is_transient (error))
    {
      run_return (task, error);
      return;
    }

  /* Attempts are counted between bits of progress: a long download over a poor
   * connection may resume many times as long as each attempt gets somewhere. */
  run->failures = progressed ? 1 : run->failures + 1;
  if (run->failures >= run->config->max_attempts)
    {
      run_return (task, error);
      return;
    }

  if (run->retry_after_ms > MAX_RETRY_AFTER_MS)
    {
      g_clear_error (&error);
      run_return (task, g_error_new_literal (MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_RETRY_TOO_LATE,
                                             "Retry-After too far away"));
      return;
    }

  if (run->retry_after_ms >= 0)
    delay = (guint) run->retry_after_ms;
  else if (g_error_matches (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_BAD_RANGE))
    delay = 0;
  else
    delay = backoff_ms (run);

  host = _mw_download_dup_host (download);
  message = mw_error_describe (error, host);
  g_debug ("Attempt %u of %s failed (%s); retrying in %u ms",
           download->attempt, download->url, error->message, delay);
  _mw_download_set_error (download, message);
  _mw_download_event (download, _("Will retry in %.1f s: %s"), delay / 1000.0, message);
  g_clear_error (&error);

  attempt_clear (run);
  wait_then_retry (task, delay);
}

static void
close_part_done (GTask  *task,
                 GError *error)
{
  Run *run = g_task_get_task_data (task);
  GError *cause = g_steal_pointer (&run->error);

  if (error != NULL)
    g_warning ("Could not close a partial file: %s", error->message);
  g_clear_error (&error);
  decide_after_failure (task, cause);
}

static void
body_closed_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_input_stream_close_finish (G_INPUT_STREAM (source_object), result, NULL);
}

static void
attempt_failed (GTask  *task,
                GError *error)
{
  Run *run = g_task_get_task_data (task);

  g_clear_error (&run->error);
  run->error = error;

  close_body (run);

  if (run->out != NULL)
    run_step (task, close_part_func, close_part_done);
  else
    close_part_done (task, NULL);
}

/* --- The run -------------------------------------------------------------------- */

void
_mw_download_run_async (MwDownload             *self,
                        const MwTransferConfig *config,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (MW_IS_DOWNLOAD (self));
  g_return_if_fail (self->run_cancellable != NULL);

  task = g_task_new (self, self->run_cancellable, callback, user_data);
  g_task_set_source_tag (task, _mw_download_run_async);
  /* A run that completes as it is paused has still completed. */
  g_task_set_check_cancellable (task, FALSE);

  run = g_new0 (Run, 1);
  run->download = self;
  run->config = _mw_transfer_config_copy (config);
  run->run_cancellable = g_object_ref (self->run_cancellable);
  run->total = -1;
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  _mw_download_set_attempt (self, 0);
  attempt_begin (task);
}

gboolean
_mw_download_run_finish (MwDownload    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
