/* mw-download-list-queue.c: which downloads of the list run, and when the next one starts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the main thread. Queued downloads start in the order of the list, up to the
 * list's limit of concurrent transfers, from an idle callback; in freezing mode one
 * transfer a turn, with the main loop running between two turns.
 */
#define G_LOG_DOMAIN "mw-download-list-queue"

#include "config.h"

#include "mw-download-list-private.h"

/* libsoup matches each request that needs a connection against every connection still
 * being set up, walking its whole queue for each: hundreds of transfers started at once
 * cost it seconds of the main loop. So only this many wait for their response at a
 * time; the others start as answers arrive. */
#define MAX_AWAITING_RESPONSE 64

static GFile *
default_folder (void)
{
  const char *downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);

  if (downloads != NULL)
    return g_file_new_for_path (downloads);
  return g_file_new_build_filename (g_get_home_dir (), "Downloads", NULL);
}

static void
run_cb (GObject      *source_object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(MwDownloadList) self = user_data;
  MwDownload *download = MW_DOWNLOAD (source_object);
  g_autoptr(GError) error = NULL;

  _mw_download_run_finish (download, result, &error);
  g_hash_table_remove (self->want_slot, download);
  if (!g_hash_table_remove (self->slotless, download))
    self->n_active--;
  _mw_download_finish_run (download, error);
  _mw_download_list_notify (self, MW_DOWNLOAD_LIST_PROP_N_ACTIVE);

  if (mw_download_is_finished (download))
    _mw_download_list_download_finished (self, download);

  _mw_download_list_schedule_pump (self);
}

static void
release_slot_cb (gpointer    owner,
                 MwDownload *download)
{
  MwDownloadList *self = owner;

  g_hash_table_add (self->slotless, download);
  self->n_active--;
  _mw_download_list_notify (self, MW_DOWNLOAD_LIST_PROP_N_ACTIVE);
  _mw_download_list_schedule_pump (self);
}

static void
take_slot (MwDownloadList *self,
           MwDownload     *download)
{
  g_hash_table_remove (self->want_slot, download);
  g_hash_table_remove (self->slotless, download);
  self->n_active++;
  _mw_download_list_notify (self, MW_DOWNLOAD_LIST_PROP_N_ACTIVE);
}

/* A run's wait is over: a free slot is its at once, else it waits for the pump. In
 * freezing mode it always waits for the pump: its attempt blocks, and only the pump
 * starts blocking work, one transfer a turn. */
static gboolean
request_slot_cb (gpointer    owner,
                 MwDownload *download)
{
  MwDownloadList *self = owner;

  if (self->shut_down)
    return FALSE;
  if (self->n_active < self->max_concurrent && !self->blocking_mode)
    {
      take_slot (self, download);
      return TRUE;
    }
  g_hash_table_add (self->want_slot, download);
  _mw_download_list_schedule_pump (self);
  return FALSE;
}

static void
start_download (MwDownloadList *self,
                MwDownload     *download)
{
  g_autoptr(GFile) folder = self->folder ? g_object_ref (self->folder) : default_folder ();
  MwTransferConfig config = {
    .session = self->session,
    .folder = folder,
    .blocking = self->blocking_mode,
    .max_attempts = self->max_attempts,
    .retry_base_ms = self->retry_base_ms,
    .retry_max_ms = self->retry_max_ms,
    .reserved = self->reserved,
    .saver = self->saver,
    .release_slot = release_slot_cb,
    .request_slot = request_slot_cb,
    .slot_owner = self,
  };

  self->n_active++;
  _mw_download_list_notify (self, MW_DOWNLOAD_LIST_PROP_N_ACTIVE);
  _mw_download_begin_run (download);
  _mw_download_run_async (download, &config, run_cb, g_object_ref (self));
}

static gboolean
pump_cb (gpointer user_data)
{
  MwDownloadList *self = user_data;
  gboolean took_turn = FALSE;
  guint awaiting = 0;

  self->pump_source = 0;
  self->held_back = FALSE;
  if (self->shut_down)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < self->items->len; i++)
    if (MW_DOWNLOAD (g_ptr_array_index (self->items, i))->awaiting_response)
      awaiting++;

  /* In order of the list: the first added is the first served. */
  for (guint i = 0; i < self->items->len && self->n_active < self->max_concurrent; i++)
    {
      MwDownload *download = g_ptr_array_index (self->items, i);
      gboolean blocking = self->blocking_mode;

      /* A run whose wait is over takes its turn in the list's order too. */
      if (g_hash_table_contains (self->want_slot, download))
        {
          take_slot (self, download);
          if (_mw_download_run_take_slot (download) && blocking)
            {
              took_turn = TRUE;
              break;
            }
        }
      else if (mw_download_get_state (download) == MW_DOWNLOAD_QUEUED &&
               !mw_download_is_active (download))
        {
          if (awaiting >= MAX_AWAITING_RESPONSE)
            {
              self->held_back = TRUE;
              break;
            }
          start_download (self, download);
          if (download->awaiting_response)
            awaiting++;
          if (blocking)
            {
              took_turn = TRUE;
              break;
            }
        }
    }

  /* In freezing mode a turn is one transfer, which has run to its end (or to a wait)
   * by now. The next one starts from a later dispatch of the main loop, at a priority
   * below input and drawing: the window takes the clicks that waited and draws a frame
   * first, and a switch turned off meanwhile has the rest run responsive. */
  if (took_turn)
    _mw_download_list_schedule_pump (self);

  return G_SOURCE_REMOVE;
}

/* Starting from an idle callback lets the caller return first: adding a download in
 * freezing mode blocks the main loop, never the code that asked for it. */
void
_mw_download_list_schedule_pump (MwDownloadList *self)
{
  int priority = self->blocking_mode ? G_PRIORITY_DEFAULT_IDLE : G_PRIORITY_DEFAULT;

  if (self->pump_source == 0 && !self->shut_down)
    self->pump_source = g_idle_add_full (priority, pump_cb, self, NULL);
}

/* Returns: how many queued downloads will start before DOWNLOAD does */
guint
mw_download_list_get_queue_position (MwDownloadList *self,
                                     MwDownload     *download)
{
  guint ahead = 0;

  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    {
      MwDownload *other = g_ptr_array_index (self->items, i);

      if (other == download)
        break;
      if (mw_download_get_state (other) == MW_DOWNLOAD_QUEUED && !mw_download_is_active (other))
        ahead++;
    }
  return ahead;
}

/**
 * mw_download_list_shutdown:
 *
 * For a process about to exit: the list starts no transfer any more, not even one that
 * is queued or whose wait is over, and stops those that run. Stopped ones are queued
 * again, so the state file has them resume at the next start.
 */
void
mw_download_list_shutdown (MwDownloadList *self)
{
  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  self->shut_down = TRUE;
  g_clear_handle_id (&self->pump_source, g_source_remove);
  g_hash_table_remove_all (self->want_slot);
  for (guint i = 0; i < self->items->len; i++)
    _mw_download_requeue (g_ptr_array_index (self->items, i));
}
