/* mw-download-transfer.c: a run of a download's transfer, and the order of each attempt's steps
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
 * This file starts and ends runs and attempts and leads from one step to the next. The
 * request and its response are in mw-download-request.c, what a resume asks and accepts
 * in mw-download-resume.c, the body in mw-download-body.c, the wait before another
 * attempt in mw-download-retry.c, and every step that touches the disk in
 * mw-download-part.c.
 *
 * In freezing mode the very same steps run synchronously on the calling thread, with
 * libsoup's and GIO's blocking calls: _mw_run_step() is the one place that differs.
 */
#define G_LOG_DOMAIN "mw-download-transfer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-download-private.h"
#include "mw-download-run-private.h"

MwTransferConfig *
_mw_transfer_config_copy (const MwTransferConfig *config)
{
  MwTransferConfig *copy = g_new0 (MwTransferConfig, 1);

  *copy = *config;
  copy->session = g_object_ref (config->session);
  copy->folder = g_object_ref (config->folder);
  copy->reserved = config->reserved ? _mw_reserved_names_ref (config->reserved) : NULL;
  if (config->network != NULL)
    copy->network = g_object_ref (config->network);
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
  g_clear_object (&config->network);
  g_free (config);
}

/* Forgets what one attempt had, so that the next starts afresh. */
void
_mw_attempt_clear (MwRun *run)
{
  if (run->cancel_handler != 0)
    g_cancellable_disconnect (run->run_cancellable, run->cancel_handler);
  run->cancel_handler = 0;
  g_clear_object (&run->cancellable);
  if (run->message != NULL)
    g_signal_handlers_disconnect_by_data (run->message, run);
  g_clear_object (&run->message);
  _mw_body_clear (run);
  g_clear_object (&run->part);
  g_clear_object (&run->out);
  g_clear_pointer (&run->checksum, g_checksum_free);
  g_clear_pointer (&run->wanted_name, g_free);
  g_clear_pointer (&run->expected_sha256, g_free);
  g_clear_object (&run->target);
  g_clear_object (&run->chosen_file);
  g_clear_error (&run->error);
  run->tls_errors = 0;
  run->offset = run->received = 0;
  run->total = -1;
}

static void
run_free (MwRun *run)
{
  _mw_attempt_clear (run);
  _mw_retry_stop_waiting (run);
  g_clear_pointer (&run->config, _mw_transfer_config_free);
  g_clear_object (&run->run_cancellable);
  g_free (run);
}

/* --- The attempt, on the main thread -------------------------------------------- */

/* Ends the run: with ERROR, or as complete when it is NULL. */
void
_mw_run_return (GTask  *task,
                GError *error)
{
  MwRun *run = g_task_get_task_data (task);

  _mw_attempt_clear (run);
  _mw_download_set_waiting_for_network (run->download, FALSE);
  if (run->download->run_task == task)
    run->download->run_task = NULL;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Ends the run the way a pause or a cancel ends it. */
void
_mw_run_return_cancelled (GTask *task)
{
  _mw_run_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
}

static void
measure_part_done (GTask  *task,
                   GError *error)
{
  MwRun *run = g_task_get_task_data (task);

  if (error != NULL)
    {
      _mw_attempt_failed (task, error);
      return;
    }

  run->discard_part = FALSE;
  if (run->already_complete)
    {
      run->received = (guint64) run->recorded_total;
      run->total = run->recorded_total;
      _mw_download_event (run->download, _("The file was already complete"));
      _mw_download_set_received (run->download, run->received, TRUE);
      _mw_run_return (task, NULL);
      return;
    }
  run->received = run->offset;
  _mw_download_set_received (run->download, run->offset, TRUE);
  _mw_request_send (task);
}

static void
chain_cancel (GCancellable *run_cancellable,
              GCancellable *attempt_cancellable)
{
  g_cancellable_cancel (attempt_cancellable);
}

/* Starts an attempt: from the .part, measured first, when the download has one. */
void
_mw_attempt_begin (GTask *task)
{
  MwRun *run = g_task_get_task_data (task);
  MwDownload *download = run->download;

  _mw_attempt_clear (run);
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
    _mw_request_send (task);
  else
    _mw_run_step (task, _mw_part_measure, measure_part_done);
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
      _mw_attempt_failed (task, error);
      return;
    }

  if (run->chosen_file != NULL)
    _mw_download_set_file (run->download, run->chosen_file);
  g_clear_object (&run->chosen_file);

  if (run->disposition == MW_BODY_ALREADY_HAD)
    {
      run->at_eof = TRUE;
      _mw_body_complete (task);
      return;
    }

  _mw_body_receive (task);
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
      _mw_attempt_failed (task, error);
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

/* The response is understood: the body goes to a new NAME.part, once a name is picked, or
 * to the one there is. */
void
_mw_attempt_open_part (GTask *task)
{
  MwRun *run = g_task_get_task_data (task);

  if (run->disposition == MW_BODY_TO_NEW_FILE)
    _mw_run_step (task, _mw_part_pick_name, name_picked_done);
  else
    _mw_run_step (task, _mw_part_open, open_part_done);
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
  _mw_retry_after_failure (task, cause);
}

/* Ends an attempt that failed with ERROR: once its files are closed, the run decides
 * whether another follows. */
void
_mw_attempt_failed (GTask  *task,
                    GError *error)
{
  MwRun *run = g_task_get_task_data (task);

  g_clear_error (&run->error);
  run->error = error;

  _mw_body_close (run);

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
    _mw_run_return_cancelled (task);
  else
    _mw_attempt_begin (task);
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
  run->progress_time = g_get_monotonic_time ();
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  self->run_task = task;

  _mw_download_set_attempt (self, 0);
  /* A cancelled download tried again at once: its old .part must be gone before the new
   * run looks for one, or creates one under the same name. */
  if (_mw_download_when_part_deleted (self, part_deleted_cb, task))
    g_object_ref (task);   /* held until part_deleted_cb() */
  else
    _mw_attempt_begin (task);
}

gboolean
_mw_download_run_finish (MwDownload    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
