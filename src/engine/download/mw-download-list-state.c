/* mw-download-list-state.c: the download list's state file: restoring the downloads, saving them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading runs in a worker thread; the downloads join the list on the main thread, a
 * batch at a time. Saving copies the list on the main thread and writes it from a worker
 * thread (mw-state-file.c).
 */
#define G_LOG_DOMAIN "mw-download-list-state"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-download-list-private.h"
#include "mw-download-store.h"


const char *
mw_download_list_get_load_error (MwDownloadList *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), NULL);
  return self->load_error;
}

gboolean
mw_download_list_get_loaded (MwDownloadList *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), FALSE);
  return self->loaded;
}

static gpointer
parse_state (const char  *data,
             gsize        length,
             guint       *n_skipped,
             GError     **error)
{
  return mw_download_store_parse (data, length, n_skipped, error);
}

static gpointer
snapshot_state (gpointer owner)
{
  MwDownloadList *self = owner;
  GPtrArray *records = g_ptr_array_new_full (self->items->len, (GDestroyNotify) mw_download_record_free);

  for (guint i = 0; i < self->items->len; i++)
    g_ptr_array_add (records, mw_download_record_new_from_download (g_ptr_array_index (self->items, i)));
  return records;
}

static char *
serialize_state (gpointer  snapshot,
                 gsize    *length)
{
  return mw_download_store_serialize (snapshot, length);
}

static void
set_load_error (MwDownloadList *self,
                char           *message)
{
  g_free (self->load_error);
  self->load_error = message;
  _mw_download_list_notify (self, MW_DOWNLOAD_LIST_PROP_LOAD_ERROR);
}

/* Earlier downloads come first; anything added while loading stays after them. One
 * items-changed for each batch, not one per download. */
static void
restore_downloads (gpointer user_data,
                   guint    first,
                   guint    n)
{
  GTask *task = user_data;
  MwDownloadList *self = g_task_get_source_object (task);
  GPtrArray *records = g_task_get_task_data (task);
  guint position = MIN (self->n_restored, self->items->len);

  for (guint i = 0; i < n; i++)
    {
      MwDownload *download = mw_download_record_to_download (g_ptr_array_index (records, first + i));

      g_ptr_array_insert (self->items, (gint) (position + i), download);
      _mw_download_list_watch (self, download);
    }
  self->n_restored = position + n;
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, n);
  _mw_download_list_notify (self, MW_DOWNLOAD_LIST_PROP_N_ITEMS);
}

static gboolean
restored_cb (gpointer user_data)
{
  GTask *task = user_data;
  MwDownloadList *self = g_task_get_source_object (task);

  self->loaded = TRUE;
  mw_state_saver_set_enabled (self->saver, TRUE);
  _mw_download_list_notify (self, MW_DOWNLOAD_LIST_PROP_LOADED);
  _mw_download_list_schedule_pump (self);
  if (self->load_error != NULL || self->items->len > 0)
    _mw_download_list_schedule_save (self);

  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
load_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MwDownloadList *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  guint n_skipped = 0;
  guint n;

  records = mw_state_file_load_finish (result, &n_skipped, &problem, &error);
  if (error != NULL)
    {
      /* Unreadable and immovable: nothing will be saved over it. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_load_error (self, g_strdup_printf (_("Could not read the list of downloads. %s "
                                                 "It was left as it is, and changes will not be saved."),
                                               error->message));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (problem != NULL)
    set_load_error (self, g_steal_pointer (&problem));
  else if (n_skipped > 0)
    set_load_error (self, g_strdup_printf (ngettext ("One entry of the list of downloads could not be read and was left out.",
                                                     "%u entries of the list of downloads could not be read and were left out.",
                                                     n_skipped),
                                           n_skipped));

  /* A thousand downloads are a thousand rows for a window to build: they go in a batch
   * at a time, and the list counts as loaded when the last one is in. */
  if (records == NULL)
    records = g_ptr_array_new ();
  n = records->len;
  g_task_set_task_data (task, g_steal_pointer (&records), (GDestroyNotify) g_ptr_array_unref);
  mw_state_apply_in_batches (n, 8, restore_downloads, restored_cb, g_steal_pointer (&task), g_object_unref);
}

/* Reads the state file in a worker thread and adds what it holds. Until this has
 * finished the list never saves, so a slow disk cannot lose the old list. */
void
mw_download_list_load_async (MwDownloadList      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_download_list_load_async);

  if (self->state_file == NULL || self->loaded)
    {
      self->loaded = TRUE;
      g_task_return_boolean (task, TRUE);
      return;
    }

  mw_state_file_load_async (self->state_file, parse_state, (GDestroyNotify) g_ptr_array_unref,
                            cancellable, load_cb, g_object_ref (task));
}

gboolean
mw_download_list_load_finish (MwDownloadList  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_mw_download_list_schedule_save (MwDownloadList *self)
{
  if (self->saver != NULL)
    mw_state_saver_schedule (self->saver);
}

/* Saves now (after any save under way) and reports when the file is on disk. */
void
mw_download_list_save_async (MwDownloadList      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_download_list_save_async);
  mw_state_saver_save_for (self->saver, task);
}

gboolean
mw_download_list_save_finish (MwDownloadList  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A list with a state file saves to it, once it has read it. */
void
_mw_download_list_state_init (MwDownloadList *self)
{
  if (self->state_file != NULL)
    self->saver = mw_state_saver_new (self->state_file, self, snapshot_state, serialize_state,
                                      (GDestroyNotify) g_ptr_array_unref);
}
