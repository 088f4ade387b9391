/* mw-feed-list-opml.c: importing subscriptions from an OPML file, and exporting them to one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file is read and parsed in a worker thread; each of its feeds is then subscribed to
 * like any other address. Export writes what the main thread gathered asynchronously.
 */
#define G_LOG_DOMAIN "mw-feed-list-opml"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-feed-list-private.h"
#include "mw-opml.h"

typedef struct
{
  guint pending;
  guint added;
} Import;

static void
import_read_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_autofree char *contents = NULL;
  GPtrArray *entries;
  GError *error = NULL;
  gsize length = 0;

  if (!g_file_load_contents (task_data, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  entries = mw_opml_parse ((const guint8 *) contents, length, &error);
  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

static void
import_subscribed_cb (GObject      *source_object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Import *import = g_task_get_task_data (task);
  g_autoptr(MwFeed) feed = mw_feed_list_subscribe_finish (MW_FEED_LIST (source_object), result, NULL, NULL);

  if (feed != NULL)
    import->added++;
  if (--import->pending == 0)
    g_task_return_int (task, import->added);
}

static void
import_parsed_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MwFeedList *self = MW_FEED_LIST (source_object);
  g_autoptr(GTask) task = user_data;
  Import *import = g_task_get_task_data (task);
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;

  entries = g_task_propagate_pointer (G_TASK (result), &error);
  if (entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Groups are flattened: every feed joins the one list. */
  for (guint i = 0; i < entries->len; i++)
    {
      MwOpmlEntry *entry = g_ptr_array_index (entries, i);

      if (mw_feed_list_find (self, entry->url) != NULL)
        continue;
      import->pending++;
      mw_feed_list_subscribe_async (self, entry->url, g_task_get_cancellable (task),
                                    import_subscribed_cb, g_object_ref (task));
    }
  if (import->pending == 0)
    g_task_return_int (task, 0);
}

/* Subscribes to every feed of an OPML file not yet followed.
 * Returns (through finish): how many were added */
void
mw_feed_list_import_opml_async (MwFeedList          *self,
                                GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) read = g_task_new (self, cancellable, import_parsed_cb, g_object_ref (task));

  g_task_set_source_tag (task, mw_feed_list_import_opml_async);
  g_task_set_task_data (task, g_new0 (Import, 1), g_free);
  g_task_set_task_data (read, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (read, import_read_thread);
}

guint
mw_feed_list_import_opml_finish (MwFeedList    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  gssize added;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  added = g_task_propagate_int (G_TASK (result), error);
  return added > 0 ? (guint) added : 0;
}

static void
export_written_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_file_replace_contents_finish (G_FILE (source_object), result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mw_feed_list_export_opml_async (MwFeedList          *self,
                                GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_opml_entry_free);
  g_autoptr(GBytes) bytes = NULL;
  char *data;
  gsize length = 0;

  g_task_set_source_tag (task, mw_feed_list_export_opml_async);
  for (guint i = 0; i < self->feeds->len; i++)
    {
      MwFeed *feed = g_ptr_array_index (self->feeds, i);
      MwOpmlEntry *entry = g_new0 (MwOpmlEntry, 1);

      entry->url = g_strdup (mw_feed_get_url (feed));
      entry->title = mw_feed_dup_display_title (feed);
      entry->site_url = g_strdup (mw_feed_get_link (feed));
      g_ptr_array_add (entries, entry);
    }

  data = mw_opml_write (entries, _("Meanwhile subscriptions"), &length);
  bytes = g_bytes_new_take (data, length);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, cancellable,
                                       export_written_cb, g_object_ref (task));
}

gboolean
mw_feed_list_export_opml_finish (MwFeedList    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
