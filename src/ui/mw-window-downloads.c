/* mw-window-downloads.c: the main window's Downloads page: adding downloads from the
 * entry, the clipboard and drops, removing them with undo, and their failures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-window-private.h"

/* Brings @download's row into view, as when the experiment adds the rows it asks a
 * person to click. */
void
mw_window_scroll_to_download (MwWindow   *self,
                              MwDownload *download)
{
  GListModel *model = G_LIST_MODEL (self->downloads);

  g_return_if_fail (MW_IS_WINDOW (self));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwDownload) item = g_list_model_get_item (model, i);

      if (item == download)
        {
          mw_list_view_scroll_to (self->list_view, i);
          return;
        }
    }
}

void
_mw_window_update_empty_state (MwWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->downloads));

  gtk_stack_set_visible_child_name (self->downloads_stack, n > 0 ? "list" : "empty");
}

/* --- Adding ------------------------------------------------------------------------ */

/* Adds every web address in TEXT (one a line, as a text/uri-list or a paste brings them).
 * Returns: whether at least one was added; otherwise ERROR says why the first one was not. */
gboolean
mw_window_add_url (MwWindow    *self,
                   const char  *text,
                   GError     **error)
{
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) first_error = NULL;
  guint added = 0;

  g_return_val_if_fail (MW_IS_WINDOW (self), FALSE);

  lines = g_strsplit_set (text ? text : "", "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || *line == '#')
        continue;
      if (mw_download_list_add (self->downloads, line, NULL, &local_error) != NULL)
        added++;
      else if (first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }

  if (added > 0)
    return TRUE;

  if (first_error != NULL)
    g_propagate_error (error, g_steal_pointer (&first_error));
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         _("There is no web address to download."));
  return FALSE;
}

void
_mw_window_add_from_entry_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  MwWindow *self = MW_WINDOW (widget);
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_entry));
  g_autofree char *sha256 = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->sha256_entry))));
  g_autoptr(GError) error = NULL;

  if (mw_download_list_add (self->downloads, url, sha256, &error) == NULL)
    {
      /* Said where the address was typed, not in a toast that hides behind the popover. */
      gtk_label_set_label (self->add_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->add_error_label), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->url_entry), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->url_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->sha256_entry), "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->url_entry), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->add_error_label), FALSE);
  gtk_popover_popdown (self->add_popover);
}

void
_mw_window_url_changed_cb (MwWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->url_entry), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->add_error_label), FALSE);
}

static void
paste_cb (GObject      *source_object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source_object), result, &error);

  if (text == NULL)
    {
      mw_window_show_message (self, _("The clipboard holds no text to download."));
      return;
    }

  if (!mw_window_add_url (self, text, &error))
    mw_window_show_message (self, error->message);
}

void
_mw_window_paste_url_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);

  gdk_clipboard_read_text_async (clipboard, NULL, paste_cb, g_object_ref (widget));
}

gboolean
_mw_window_drop_cb (GtkDropTarget *target,
                    const GValue  *value,
                    double         x,
                    double         y,
                    MwWindow      *self)
{
  g_autoptr(GError) error = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      g_autoptr(GString) uris = g_string_new (NULL);

      for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
        {
          g_autofree char *uri = g_file_get_uri (l->data);
          g_string_append_printf (uris, "%s\n", uri);
        }
      if (mw_window_add_url (self, uris->str, &error))
        return TRUE;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_STRING))
    {
      if (mw_window_add_url (self, g_value_get_string (value), &error))
        return TRUE;
    }

  if (error != NULL)
    mw_window_show_message (self, error->message);
  return FALSE;
}

/* --- Removing, with undo ---------------------------------------------------------- */

/* Owned by the window's list of removals, so that whatever still waits for its toast is
 * finished when the window goes, not left to a toast that may never be dismissed. */
typedef struct _MwWindowRemoval
{
  MwWindow   *window;
  AdwToast   *toast;
  MwDownload *download;
  guint       position;
  gboolean    was_running;
  gboolean    undone;
} Removal;

void
_mw_window_removal_free (Removal *removal)
{
  g_signal_handlers_disconnect_by_data (removal->toast, removal);
  g_object_unref (removal->toast);
  g_object_unref (removal->download);
  g_free (removal);
}

/* Undo is no longer possible: the partial file of an unfinished or failed download is
 * thrown away now, nothing Meanwhile has forgotten keeps one on disk. */
static void
finish_removal (Removal *removal)
{
  if (!removal->undone && mw_download_can_cancel (removal->download))
    mw_download_cancel (removal->download);
}

static void
undo_removal_cb (AdwToast *toast,
                 Removal  *removal)
{
  removal->undone = TRUE;
  mw_download_list_insert (removal->window->downloads, removal->position, removal->download);
  if (removal->was_running)
    mw_download_resume (removal->download);
}

static void
removal_dismissed_cb (AdwToast *toast,
                      Removal  *removal)
{
  finish_removal (removal);
  g_ptr_array_remove_fast (removal->window->removals, removal);
}

/* Completes every removal whose toast still offers an undo, as when the window closes or
 * the application quits. */
void
mw_window_finish_removals (MwWindow *self)
{
  g_return_if_fail (MW_IS_WINDOW (self));

  while (self->removals->len > 0)
    {
      Removal *removal = g_ptr_array_index (self->removals, self->removals->len - 1);

      finish_removal (removal);
      g_ptr_array_remove_index_fast (self->removals, self->removals->len - 1);
    }
}

void
mw_window_remove_download (MwWindow   *self,
                           MwDownload *download)
{
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;
  Removal *removal;
  guint position;
  gboolean was_running;

  g_return_if_fail (MW_IS_WINDOW (self));

  was_running = mw_download_can_pause (download);
  if (was_running)
    mw_download_pause (download);
  download = mw_download_list_take (self->downloads, download, &position);
  if (download == NULL)
    return;

  name = mw_download_dup_display_name (download);
  /* Translators: a toast after removing a download from the list */
  title = g_strdup_printf (_("“%s” removed"), name);

  removal = g_new0 (Removal, 1);
  removal->window = self;
  removal->toast = g_object_ref (mw_toast_new_literal (title));
  removal->download = download;
  removal->position = position;
  removal->was_running = was_running;
  g_ptr_array_add (self->removals, removal);

  adw_toast_set_button_label (removal->toast, _("_Undo"));
  adw_toast_set_priority (removal->toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect (removal->toast, "button-clicked", G_CALLBACK (undo_removal_cb), removal);
  g_signal_connect (removal->toast, "dismissed", G_CALLBACK (removal_dismissed_cb), removal);
  adw_toast_overlay_add_toast (self->toast_overlay, removal->toast);
}

void
_mw_window_download_finished_cb (MwDownloadList *list,
                                 MwDownload     *download,
                                 MwWindow       *self)
{
  if (mw_download_get_state (download) == MW_DOWNLOAD_FAILED)
    {
      g_autofree char *name = mw_download_dup_display_name (download);
      g_autofree char *text = g_strdup_printf (_("%s: %s"), name, mw_download_get_error_message (download));
      mw_window_show_message (self, text);
    }
}
