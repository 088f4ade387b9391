/* mw-feed-list-state.c: the feed list's state file: restoring the feeds, and saving them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading and building the feeds runs in a worker thread; the feeds join the list on the
 * main thread. Saving copies the list on the main thread and writes it from a worker
 * thread (mw-state-file.c).
 */
#define G_LOG_DOMAIN "mw-feed-list-state"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-feed-list-private.h"
#include "mw-feed-store.h"

void
_mw_feed_list_schedule_save (MwFeedList *self)
{
  if (self->saver != NULL)
    mw_state_saver_schedule (self->saver);
}

gboolean
mw_feed_list_get_loaded (MwFeedList *self)
{
  g_return_val_if_fail (MW_IS_FEED_LIST (self), FALSE);
  return self->loaded;
}

const char *
mw_feed_list_get_load_error (MwFeedList *self)
{
  g_return_val_if_fail (MW_IS_FEED_LIST (self), NULL);
  return self->load_error;
}

/* Runs in the worker thread, and builds the feeds there too: fifty thousand articles
 * made into objects on the main thread would hold it for a good part of a second. The
 * objects are nobody else's until the main thread takes them. */
static gpointer
parse_state (const char  *data,
             gsize        length,
             guint       *n_skipped,
             GError     **error)
{
  g_autoptr(GPtrArray) records = mw_feed_store_parse (data, length, n_skipped, error);
  GPtrArray *feeds;

  if (records == NULL)
    return NULL;
  feeds = g_ptr_array_new_full (records->len, g_object_unref);
  for (guint i = 0; i < records->len; i++)
    {
      MwFeed *feed = mw_feed_record_to_feed (g_ptr_array_index (records, i));

      if (mw_feed_get_gone (feed))
        mw_feed_set_error_message (feed, _mw_feed_list_gone_message ());
      g_ptr_array_add (feeds, feed);
    }
  return feeds;
}

static gpointer
snapshot_state (gpointer owner)
{
  MwFeedList *self = owner;
  GPtrArray *records = g_ptr_array_new_full (self->feeds->len, (GDestroyNotify) mw_feed_record_free);

  for (guint i = 0; i < self->feeds->len; i++)
    g_ptr_array_add (records, mw_feed_record_new_from_feed (g_ptr_array_index (self->feeds, i)));
  return records;
}

static char *
serialize_state (gpointer  snapshot,
                 gsize    *length)
{
  return mw_feed_store_serialize (snapshot, length);
}

/* Feeds subscribed while loading stay after the saved ones; one change for each batch. */
static void
restore_feeds (gpointer user_data,
               guint    first,
               guint    n)
{
  GTask *task = user_data;
  MwFeedList *self = g_task_get_source_object (task);
  GPtrArray *feeds = g_task_get_task_data (task);
  guint position = MIN (self->n_restored, self->feeds->len);

  for (guint i = 0; i < n; i++)
    {
      MwFeed *feed = g_ptr_array_index (feeds, first + i);

      g_ptr_array_insert (self->feeds, (gint) (position + i), g_object_ref (feed));
      _mw_feed_list_watch_feed (self, feed);
    }
  self->n_restored = position + n;
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, n);
}

static gboolean
restored_cb (gpointer user_data)
{
  GTask *task = user_data;
  MwFeedList *self = g_task_get_source_object (task);

  self->loaded = TRUE;
  if (self->saver != NULL)
    mw_state_saver_set_enabled (self->saver, TRUE);
  _mw_feed_list_notify (self, MW_FEED_LIST_PROP_LOADED);
  if (self->load_error != NULL || self->feeds->len > self->n_restored)
    _mw_feed_list_schedule_save (self);
  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
loaded_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MwFeedList *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) feeds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  guint n_skipped = 0;
  guint n;

  feeds = mw_state_file_load_finish (result, &n_skipped, &problem, &error);
  if (error != NULL)
    {
      self->load_error = g_strdup_printf (_("Could not read the list of feeds: %s"), error->message);
      _mw_feed_list_notify (self, MW_FEED_LIST_PROP_LOAD_ERROR);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (problem != NULL)
    self->load_error = g_steal_pointer (&problem);
  else if (n_skipped > 0)
    self->load_error = g_strdup_printf (ngettext ("One entry of the list of feeds could not be read and was left out.",
                                                  "%u entries of the list of feeds could not be read and were left out.",
                                                  n_skipped), n_skipped);
  if (self->load_error != NULL)
    _mw_feed_list_notify (self, MW_FEED_LIST_PROP_LOAD_ERROR);

  /* All in one change: each change re-sorts every article shown together, so that
   * smaller batches would cost more in all. It still waits for a frame to be drawn. */
  if (feeds == NULL)
    feeds = g_ptr_array_new ();
  n = feeds->len;
  g_task_set_task_data (task, g_steal_pointer (&feeds), (GDestroyNotify) g_ptr_array_unref);
  mw_state_apply_in_batches (n, G_MAXUINT, restore_feeds, restored_cb, g_steal_pointer (&task),
                             g_object_unref);
}

void
mw_feed_list_load_async (MwFeedList          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MW_IS_FEED_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_feed_list_load_async);
  if (self->state_file == NULL || self->loaded)
    {
      self->loaded = TRUE;
      g_task_return_boolean (task, TRUE);
      return;
    }
  mw_state_file_load_async (self->state_file, parse_state, (GDestroyNotify) g_ptr_array_unref,
                            cancellable, loaded_cb, g_object_ref (task));
}

gboolean
mw_feed_list_load_finish (MwFeedList    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
mw_feed_list_save_async (MwFeedList          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MW_IS_FEED_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_feed_list_save_async);
  mw_state_saver_save_for (self->saver, task);
}

gboolean
mw_feed_list_save_finish (MwFeedList    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Where a new list saves its feeds, and reads them back from. */
void
_mw_feed_list_state_init (MwFeedList *self,
                          GFile      *state_file)
{
  self->state_file = g_object_ref (state_file);
  self->saver = mw_state_saver_new (state_file, self, snapshot_state, serialize_state,
                                    (GDestroyNotify) g_ptr_array_unref);
}
