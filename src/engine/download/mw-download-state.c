/* mw-download-state.c: a download's states, and the moves between them that people and runs make
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Main thread only. A move asked for while a transfer runs is recorded as a stop request
 * and takes effect when the transfer has returned (_mw_download_finish_run()).
 */
#define G_LOG_DOMAIN "mw-download-state"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-download-private.h"
#include "mw-error.h"

/* Partial files being deleted, all downloads together; only the main thread counts. */
static guint n_part_deletions;

static const struct
{
  MwDownloadState state;
  const char *nick;
} state_names[] = {
  { MW_DOWNLOAD_QUEUED, "queued" },
  { MW_DOWNLOAD_CONNECTING, "connecting" },
  { MW_DOWNLOAD_DOWNLOADING, "downloading" },
  { MW_DOWNLOAD_PAUSED, "paused" },
  { MW_DOWNLOAD_VERIFYING, "verifying" },
  { MW_DOWNLOAD_COMPLETED, "completed" },
  { MW_DOWNLOAD_FAILED, "failed" },
  { MW_DOWNLOAD_CANCELLED, "cancelled" },
};

GType
mw_download_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static GEnumValue values[G_N_ELEMENTS (state_names) + 1];
      GType type;

      for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
        {
          values[i].value = state_names[i].state;
          values[i].value_name = state_names[i].nick;
          values[i].value_nick = state_names[i].nick;
        }
      type = g_enum_register_static (g_intern_static_string ("MwDownloadState"), values);
      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

const char *
mw_download_state_to_string (MwDownloadState state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (state_names[i].state == state)
      return state_names[i].nick;
  return "queued";
}

gboolean
mw_download_state_from_string (const char      *str,
                               MwDownloadState *state)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (state_names[i].nick, str))
      {
        *state = state_names[i].state;
        return TRUE;
      }
  return FALSE;
}

/* Active downloads hold one of the list's transfer slots. */
gboolean
mw_download_is_active (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), FALSE);
  return self->run_cancellable != NULL;
}

gboolean
mw_download_is_finished (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), FALSE);
  return self->state == MW_DOWNLOAD_COMPLETED ||
         self->state == MW_DOWNLOAD_FAILED ||
         self->state == MW_DOWNLOAD_CANCELLED;
}

gboolean
mw_download_can_pause (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), FALSE);
  return self->state == MW_DOWNLOAD_QUEUED ||
         self->state == MW_DOWNLOAD_CONNECTING ||
         self->state == MW_DOWNLOAD_DOWNLOADING;
}

gboolean
mw_download_can_resume (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), FALSE);
  return self->state == MW_DOWNLOAD_PAUSED;
}

gboolean
mw_download_can_retry (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), FALSE);
  return self->state == MW_DOWNLOAD_FAILED || self->state == MW_DOWNLOAD_CANCELLED;
}

gboolean
mw_download_can_cancel (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), FALSE);
  return !mw_download_is_finished (self) || self->state == MW_DOWNLOAD_FAILED;
}

typedef struct
{
  MwPartDeletedFunc func;
  gpointer          user_data;
} DeletionWaiter;

static void
delete_part_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MwDownload) self = user_data;
  g_autoptr(GArray) waiters = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_delete_finish (G_FILE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_warning ("Could not delete a cancelled download's partial file: %s", error->message);

  g_assert (self->part_deletions > 0 && n_part_deletions > 0);
  self->part_deletions--;
  n_part_deletions--;
  if (self->part_deletions > 0 || self->deletion_waiters == NULL)
    return;

  waiters = g_steal_pointer (&self->deletion_waiters);
  for (guint i = 0; i < waiters->len; i++)
    {
      DeletionWaiter *waiter = &g_array_index (waiters, DeletionWaiter, i);
      waiter->func (waiter->user_data);
    }
}

/* The deletion runs in a worker thread; until it is done the download knows, so that a
 * new run never meets the old .part, half deleted. */
static void
delete_part_file (MwDownload *self)
{
  g_autoptr(GFile) part = _mw_download_dup_part_file (self);

  if (part == NULL)
    return;
  self->part_deletions++;
  n_part_deletions++;
  g_file_delete_async (part, G_PRIORITY_DEFAULT, NULL, delete_part_cb, g_object_ref (self));
}

/* Returns: FALSE when no partial file of SELF is being deleted; otherwise TRUE, and FUNC
 * is called with USER_DATA once it is gone. */
gboolean
_mw_download_when_part_deleted (MwDownload        *self,
                                MwPartDeletedFunc  func,
                                gpointer           user_data)
{
  DeletionWaiter waiter = { func, user_data };

  if (self->part_deletions == 0)
    return FALSE;
  if (self->deletion_waiters == NULL)
    self->deletion_waiters = g_array_new (FALSE, FALSE, sizeof (DeletionWaiter));
  g_array_append_val (self->deletion_waiters, waiter);
  return TRUE;
}

/**
 * mw_download_get_n_part_deletions:
 *
 * Returns: how many partial files of cancelled downloads this process is still
 * deleting; a process about to exit waits for them, so that none is left behind
 */
guint
mw_download_get_n_part_deletions (void)
{
  return n_part_deletions;
}

void
mw_download_pause (MwDownload *self)
{
  g_return_if_fail (MW_IS_DOWNLOAD (self));

  if (!mw_download_can_pause (self))
    return;

  self->resume_after_stop = FALSE;
  if (mw_download_is_active (self))
    {
      /* The transfer ends on its own terms; the list sees the request when it returns. */
      self->stop_request = MW_STOP_PAUSE;
      g_cancellable_cancel (self->run_cancellable);
    }
  else
    _mw_download_set_state (self, MW_DOWNLOAD_PAUSED);
}

void
mw_download_resume (MwDownload *self)
{
  g_return_if_fail (MW_IS_DOWNLOAD (self));

  /* Paused a moment ago, and the transfer has not stopped yet (undoing a removal does
   * this): the last click wins, so it goes on once the transfer has returned. */
  if (mw_download_is_active (self) && self->stop_request == MW_STOP_PAUSE)
    {
      self->resume_after_stop = TRUE;
      return;
    }

  if (!mw_download_can_resume (self))
    return;

  _mw_download_set_failure (self, NULL);
  _mw_download_set_state (self, MW_DOWNLOAD_QUEUED);
}

void
mw_download_retry (MwDownload *self)
{
  g_return_if_fail (MW_IS_DOWNLOAD (self));

  if (!mw_download_can_retry (self))
    return;

  /* Cancelling gave the name up, and another download may hold it by now: this one
   * starts over as if new, and the server names its file again. */
  if (self->state == MW_DOWNLOAD_CANCELLED)
    _mw_download_forget_file (self);
  _mw_download_set_failure (self, NULL);
  _mw_download_set_attempt (self, 0);
  _mw_download_set_state (self, MW_DOWNLOAD_QUEUED);
}

/* Forgets the file a download would have had, as if it were new: what it had of it is
 * gone, and its name may belong to another download by now. */
void
_mw_download_forget_file (MwDownload *self)
{
  _mw_download_set_file (self, NULL);
  _mw_download_set_validators (self, NULL, NULL);
  _mw_download_set_total (self, -1);
  _mw_download_set_received (self, 0, TRUE);
}

void
mw_download_cancel (MwDownload *self)
{
  g_return_if_fail (MW_IS_DOWNLOAD (self));

  if (!mw_download_can_cancel (self))
    return;

  self->resume_after_stop = FALSE;
  if (mw_download_is_active (self))
    {
      self->stop_request = MW_STOP_CANCEL;
      g_cancellable_cancel (self->run_cancellable);
      return;
    }

  delete_part_file (self);
  _mw_download_set_received (self, 0, TRUE);
  _mw_download_set_state (self, MW_DOWNLOAD_CANCELLED);
}

/* Stops the run so that the list starts it again: in the other mode, or at the next start
 * of Meanwhile. A pause or a cancel asked for already wins. */
void
_mw_download_requeue (MwDownload *self)
{
  if (!mw_download_is_active (self) || self->stop_request != MW_STOP_NONE)
    return;
  self->stop_request = MW_STOP_REQUEUE;
  g_cancellable_cancel (self->run_cancellable);
}

/* Called by the list when it gives the download a transfer slot, before the run starts. */
void
_mw_download_begin_run (MwDownload *self)
{
  g_assert (self->run_cancellable == NULL);

  self->run_cancellable = g_cancellable_new ();
  self->run_started = g_get_real_time ();
  self->run_started_monotonic = g_get_monotonic_time ();
  self->stop_request = MW_STOP_NONE;
  self->speed = 0;
  self->speed_sample_time = 0;
  _mw_download_notify_active (self);
}

/* Called by the list when a transfer has returned: turns its outcome, or the pause or
 * cancel that interrupted it, into the download's new state. */
void
_mw_download_finish_run (MwDownload *self,
                         GError     *error)
{
  MwStopRequest stop = self->stop_request;
  gboolean resume = self->resume_after_stop;

  g_clear_object (&self->run_cancellable);
  self->stop_request = MW_STOP_NONE;
  self->resume_after_stop = FALSE;
  self->speed = 0;

  if (error == NULL)
    {
      _mw_download_set_failure (self, NULL);
      _mw_download_set_state (self, MW_DOWNLOAD_COMPLETED);
    }
  else if (stop == MW_STOP_CANCEL)
    {
      _mw_download_event (self, _("Cancelled; the partial file is deleted"));
      delete_part_file (self);
      _mw_download_set_failure (self, NULL);
      _mw_download_set_received (self, 0, TRUE);
      _mw_download_set_state (self, MW_DOWNLOAD_CANCELLED);
    }
  else if (stop == MW_STOP_REQUEUE)
    {
      _mw_download_set_failure (self, NULL);
      _mw_download_set_state (self, MW_DOWNLOAD_QUEUED);
    }
  else if (stop == MW_STOP_PAUSE ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      _mw_download_event (self, _("Paused; the partial file is kept for resuming"));
      _mw_download_set_failure (self, NULL);
      _mw_download_set_state (self, resume ? MW_DOWNLOAD_QUEUED : MW_DOWNLOAD_PAUSED);
    }
  else
    {
      g_autofree char *host = _mw_download_dup_host (self);
      g_autoptr(MwFailure) failure = mw_failure_new_from_error (error, host);
      g_autofree char *message = mw_failure_describe (failure);

      _mw_download_event (self, _("Failed: %s"), message);
      _mw_download_set_failure (self, failure);
      _mw_download_set_state (self, MW_DOWNLOAD_FAILED);
    }

  _mw_download_notify_active (self);
  _mw_download_notify_speed (self);
}
