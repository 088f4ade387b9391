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
 * libsoup's and GIO's blocking calls: _mw_run_step() is the one place that differs.
 */
#define G_LOG_DOMAIN "mw-download-transfer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-download-private.h"
#include "mw-download-run-private.h"
#include "mw-error.h"
#include "mw-filename.h"
#include "mw-http.h"

#define MIN_CHUNK_SIZE     (16 * 1024)
#define MAX_CHUNK_SIZE     (512 * 1024)
/* What all bodies streaming at once may read in one main-loop iteration: each read is a
 * copy on the main thread, and eight of 512 KiB in a row kept it busy for milliseconds. */
#define READ_BUDGET        (1024 * 1024)

/* Bodies being read asynchronously in this process, all on its one main loop. Only the
 * main thread touches it. */
static guint n_streaming;
/* A server may ask for a pause before a retry; past this we give up and say so. */
#define MAX_RETRY_AFTER_MS (60 * 60 * 1000)

static void attempt_begin  (GTask *task);
static void attempt_failed (GTask *task, GError *error);
static void stream_next    (GTask *task);

MwTransferConfig *
_mw_transfer_config_copy (const MwTransferConfig *config)
{
  MwTransferConfig *copy = g_new0 (MwTransferConfig, 1);

  *copy = *config;
  copy->session = g_object_ref (config->session);
  copy->folder = g_object_ref (config->folder);
  copy->reserved = config->reserved ? _mw_reserved_names_ref (config->reserved) : NULL;
  if (config->saver != NULL)
    copy->saver = g_object_ref (config->saver);
  return copy;
}

void
_mw_transfer_config_free (MwTransferConfig *config)
{
  g_clear_object (&config->session);
  g_clear_object (&config->folder);
  g_clear_pointer (&config->reserved, _mw_reserved_names_unref);
  g_clear_object (&config->saver);
  g_free (config);
}

static void
attempt_clear (MwRun *run)
{
  if (run->cancel_handler != 0)
    g_cancellable_disconnect (run->run_cancellable, run->cancel_handler);
  run->cancel_handler = 0;
  g_clear_object (&run->cancellable);
  if (run->message != NULL)
    g_signal_handlers_disconnect_by_data (run->message, run);
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
  if (run->streaming)
    n_streaming--;
  run->streaming = run->reading = run->writing = run->at_eof = FALSE;
  run->tls_errors = 0;
  run->offset = run->received = 0;
  run->total = -1;
}

static void
run_free (MwRun *run)
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

/* --- The attempt, on the main thread -------------------------------------------- */

static void
run_return (GTask  *task,
            GError *error)
{
  MwRun *run = g_task_get_task_data (task);

  attempt_clear (run);
  if (run->download->run_task == task)
    run->download->run_task = NULL;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish_part_done (GTask  *task,
                  GError *error)
{
  MwRun *run = g_task_get_task_data (task);

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
close_body (MwRun *run)
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
  MwRun *run = g_task_get_task_data (task);

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
      written = _mw_part_write_chunk (run, &error);
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

static void name_picked_done (GTask *task, GError *error);

static void
open_part_done (GTask  *task,
                GError *error)
{
  MwRun *run = g_task_get_task_data (task);

  /* Another program created NAME.part since the name was picked: pick the next one. */
  if (run->disposition == MW_BODY_TO_NEW_FILE &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_error_free (error);
      g_clear_object (&run->part);
      _mw_run_step (task, _mw_part_pick_name, name_picked_done);
      return;
    }

  if (error != NULL)
    {
      attempt_failed (task, error);
      return;
    }

  if (run->chosen_file != NULL)
    _mw_download_set_file (run->download, run->chosen_file);
  g_clear_object (&run->chosen_file);

  if (run->disposition == MW_BODY_ALREADY_HAD)
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
    {
      run->streaming = TRUE;
      n_streaming++;
      stream_next (task);
    }
}

static char *
choose_name (MwRun *run)
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
read_response (MwRun   *run,
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
          run->disposition = MW_BODY_ALREADY_HAD;
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

      run->disposition = run->download->file ? MW_BODY_APPENDS : MW_BODY_TO_NEW_FILE;
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

      /* libsoup takes "Content-Length: -5" for a length, reads nothing, and calls the
       * body complete: an empty file that is not the resource. */
      if (run->total < -1)
        {
          g_set_error (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING,
                       "Negative Content-Length %" G_GINT64_FORMAT, run->total);
          return FALSE;
        }
      run->disposition = run->download->file ? MW_BODY_REPLACES : MW_BODY_TO_NEW_FILE;
      run->offset = 0;
      run->received = 0;
    }

  _mw_download_set_validators (run->download,
                               soup_message_headers_get_one (headers, "ETag"),
                               soup_message_headers_get_one (headers, "Last-Modified"));
  _mw_download_set_total (run->download, run->total);

  if (run->disposition == MW_BODY_TO_NEW_FILE)
    run->wanted_name = choose_name (run);

  return TRUE;
}

static void
name_saved_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* Without a state file the download still goes on; it just could not be resumed
   * after a crash. */
  if (!mw_state_saver_save_finish (MW_STATE_SAVER (source_object), result, &error))
    g_debug ("Could not record the file name: %s", error->message);
  _mw_run_step (task, _mw_part_open, open_part_done);
}

/* The name is in the state file before NAME.part exists, so that whenever the process
 * stops, the next start resumes that file instead of choosing a second name. */
static void
name_picked_done (GTask  *task,
                  GError *error)
{
  MwRun *run = g_task_get_task_data (task);
  g_autoptr(GError) save_error = NULL;

  if (error != NULL)
    {
      attempt_failed (task, error);
      return;
    }

  _mw_download_set_file (run->download, run->chosen_file);
  g_set_object (&run->target, run->chosen_file);
  /* The list holds the name for the download now; the picking worker's hold can go. */
  if (run->config->reserved != NULL)
    {
      g_autofree char *path = g_file_get_path (run->chosen_file);
      _mw_reserved_names_move (run->config->reserved, path, NULL);
    }
  if (run->config->saver == NULL)
    _mw_run_step (task, _mw_part_open, open_part_done);
  else if (run->config->blocking)
    {
      if (!mw_state_saver_save_sync (run->config->saver, &save_error))
        g_debug ("Could not record the file name: %s", save_error->message);
      _mw_run_step (task, _mw_part_open, open_part_done);
    }
  else
    mw_state_saver_save_async (run->config->saver, NULL, name_saved_cb, g_object_ref (task));
}

static void
got_response (GTask        *task,
              GInputStream *body,
              GError       *error)
{
  MwRun *run = g_task_get_task_data (task);

  _mw_download_set_awaiting_response (run->download, FALSE);
  if (body == NULL)
    {
      attempt_failed (task, mw_http_explain_send_error (error, run->tls_errors));
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

  if (run->disposition == MW_BODY_TO_NEW_FILE)
    _mw_run_step (task, _mw_part_pick_name, name_picked_done);
  else
    _mw_run_step (task, _mw_part_open, open_part_done);
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

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  MwRun *run = user_data;

  /* Never accepted; only remembered, so that the message can say why. */
  run->tls_errors = errors;
  return FALSE;
}

static void
send_request (GTask *task)
{
  MwRun *run = g_task_get_task_data (task);
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

  g_signal_connect (run->message, "accept-certificate", G_CALLBACK (accept_certificate_cb), run);
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
      _mw_download_set_awaiting_response (download, TRUE);
      soup_session_send_async (run->config->session, run->message, G_PRIORITY_DEFAULT,
                               run->cancellable, send_cb, g_object_ref (task));
      _mw_download_event (download, _("Request sent — the main loop is free while the server answers"));
    }
}

static void
measure_part_done (GTask  *task,
                   GError *error)
{
  MwRun *run = g_task_get_task_data (task);

  if (error != NULL)
    {
      attempt_failed (task, error);
      return;
    }

  run->discard_part = FALSE;
  if (run->already_complete)
    {
      run->received = (guint64) run->recorded_total;
      run->total = run->recorded_total;
      _mw_download_event (run->download, _("The file was already complete"));
      _mw_download_set_received (run->download, run->received, TRUE);
      run_return (task, NULL);
      return;
    }
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
  MwRun *run = g_task_get_task_data (task);
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
  g_set_object (&run->target, download->file);
  run->recorded_total = download->total;
  if (run->part == NULL)
    send_request (task);
  else
    _mw_run_step (task, _mw_part_measure, measure_part_done);
}

static void
stop_waiting (MwRun *run)
{
  if (run->wait_source != NULL)
    g_source_destroy (run->wait_source);
  g_clear_pointer (&run->wait_source, g_source_unref);
  if (run->wait_cancel_source != NULL)
    g_source_destroy (run->wait_cancel_source);
  g_clear_pointer (&run->wait_cancel_source, g_source_unref);
}

static gboolean
wait_over_cb (gpointer user_data)
{
  GTask *task = user_data;
  MwRun *run = g_task_get_task_data (task);

  g_clear_pointer (&run->wait_source, g_source_unref);

  if (g_cancellable_is_cancelled (run->run_cancellable))
    {
      stop_waiting (run);
      run_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
      return G_SOURCE_REMOVE;
    }

  /* The slot went to another download meanwhile; until one is free again the wait goes
   * on, and a pause or a cancel still ends it. */
  if (run->slot_released &&
      !run->config->request_slot (run->config->slot_owner, run->download))
    {
      /* Held while it waits for a slot: the timer's reference goes now. */
      run->wants_slot = TRUE;
      g_object_ref (task);
      if (run->config->blocking)
        _mw_download_event (run->download, _("Waiting for its turn: the window draws and answers clicks before the next blocking attempt"));
      else
        _mw_download_event (run->download, _("Waiting for a free place in the queue to try again"));
      return G_SOURCE_REMOVE;
    }

  run->slot_released = FALSE;
  stop_waiting (run);
  attempt_begin (task);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  MwRun *run = g_task_get_task_data (task);

  stop_waiting (run);
  if (run->wants_slot)
    {
      run->wants_slot = FALSE;
      g_object_unref (task);
    }
  run_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  return G_SOURCE_REMOVE;
}

/* The list grants the slot a run asked for when its wait was over. Returns: whether the
 * run took it; FALSE when it has ended (or is ending) meanwhile. */
gboolean
_mw_download_run_take_slot (MwDownload *self)
{
  g_autoptr(GTask) task = NULL;
  MwRun *run;

  if (self->run_task == NULL)
    return FALSE;
  run = g_task_get_task_data (self->run_task);
  /* A cancelled one ends from its cancellable's source, soon. */
  if (!run->wants_slot || g_cancellable_is_cancelled (run->run_cancellable))
    return FALSE;

  task = self->run_task;   /* the reference held while it waited for a slot */
  run->wants_slot = FALSE;
  run->slot_released = FALSE;
  stop_waiting (run);
  attempt_begin (task);
  return TRUE;
}

/* Returns: whether the run waits before its next attempt: nothing of it is in flight. */
gboolean
_mw_download_run_is_waiting (MwDownload *self)
{
  MwRun *run = self->run_task ? g_task_get_task_data (self->run_task) : NULL;

  return run != NULL && (run->wait_source != NULL || run->wants_slot);
}

/* A waiting run makes its next attempts in the new mode, after the rest of its wait. */
void
_mw_download_run_set_blocking (MwDownload *self,
                               gboolean    blocking)
{
  g_return_if_fail (_mw_download_run_is_waiting (self));

  ((MwRun *) g_task_get_task_data (self->run_task))->config->blocking = blocking;
}

static guint
backoff_ms (MwRun *run)
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
  MwRun *run = g_task_get_task_data (task);

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

  /* Waiting needs no connection: the next download in the queue may use the slot. */
  if (run->config->release_slot != NULL && !run->slot_released)
    {
      run->slot_released = TRUE;
      run->config->release_slot (run->config->slot_owner, run->download);
    }
}

static void
decide_after_failure (GTask  *task,
                      GError *error)
{
  MwRun *run = g_task_get_task_data (task);
  MwDownload *download = run->download;
  /* Progress is getting further than any attempt before: a server that always cuts at
   * the same place and ignores ranges would otherwise be retried for ever. */
  gboolean progressed = run->received > MAX (run->offset, run->furthest);
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
  run->furthest = MAX (run->furthest, run->received);
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
  MwRun *run = g_task_get_task_data (task);
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
  MwRun *run = g_task_get_task_data (task);

  g_clear_error (&run->error);
  run->error = error;

  close_body (run);

  if (run->out != NULL)
    _mw_run_step (task, _mw_part_close, close_part_done);
  else
    close_part_done (task, NULL);
}

/* --- The run -------------------------------------------------------------------- */

static void
part_deleted_cb (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MwRun *run = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (run->run_cancellable))
    run_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  else
    attempt_begin (task);
}

void
_mw_download_run_async (MwDownload             *self,
                        const MwTransferConfig *config,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  MwRun *run;

  g_return_if_fail (MW_IS_DOWNLOAD (self));
  g_return_if_fail (self->run_cancellable != NULL);

  task = g_task_new (self, self->run_cancellable, callback, user_data);
  g_task_set_source_tag (task, _mw_download_run_async);
  /* A run that completes as it is paused has still completed. */
  g_task_set_check_cancellable (task, FALSE);

  run = g_new0 (MwRun, 1);
  run->download = self;
  run->config = _mw_transfer_config_copy (config);
  run->run_cancellable = g_object_ref (self->run_cancellable);
  run->total = -1;
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  self->run_task = task;

  _mw_download_set_attempt (self, 0);
  /* A cancelled download tried again at once: its old .part must be gone before the new
   * run looks for one, or creates one under the same name. */
  if (_mw_download_when_part_deleted (self, part_deleted_cb, task))
    g_object_ref (task);   /* held until part_deleted_cb() */
  else
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
