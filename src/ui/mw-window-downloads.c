/* mw-window-downloads.c: the main window's Downloads page: adding downloads from the
 * entry, the clipboard and drops, opening finished ones, removing them with undo (one at
 * a time or every finished one), their failures, and the Downloads tab's badge
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

/* Clear Finished is there while something is finished to clear. */
static void
update_clear_finished (MwWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->downloads);
  gboolean any = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (model) && !any; i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (model, i);

      any = mw_download_get_state (download) == MW_DOWNLOAD_COMPLETED;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-finished", any);
}

void
_mw_window_update_empty_state (MwWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->downloads));

  gtk_stack_set_visible_child_name (self->downloads_stack, n > 0 ? "list" : "empty");
  update_clear_finished (self);
}

/* --- The Downloads tab ------------------------------------------------------------ */

static gboolean
downloads_shown (MwWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "downloads") == 0;
}

/* While the Feeds page shows, the Downloads tab counts the running downloads (libadwaita
 * 1.2's badge: a view switcher page has a number and an attention mark, no progress of
 * its own) and is marked when one finishes or fails; showing the page clears both. */
static void
update_downloads_tab (MwWindow *self)
{
  gboolean shown = downloads_shown (self);

  adw_view_stack_page_set_badge_number (self->downloads_page,
                                        shown ? 0 : mw_download_list_get_n_active (self->downloads));
  if (shown)
    adw_view_stack_page_set_needs_attention (self->downloads_page, FALSE);
}

/* --- Opening ------------------------------------------------------------------------ */

/* A finished row was activated (Enter, or a double click as in Files): its file opens. */
static void
list_activated_cb (GtkListView *list_view,
                   guint        position,
                   MwWindow    *self)
{
  g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (self->downloads), position);

  if (download != NULL && mw_download_get_state (download) == MW_DOWNLOAD_COMPLETED &&
      mw_download_get_file (download) != NULL)
    mw_launch_file (GTK_WINDOW (self), mw_download_get_file (download));
}

void
_mw_window_downloads_setup (MwWindow *self)
{
  GtkWidget *page = adw_view_stack_get_child_by_name (self->view_stack, "downloads");

  self->downloads_page = adw_view_stack_get_page (self->view_stack, page);
  g_signal_connect_object (self->list_view, "activate", G_CALLBACK (list_activated_cb), self, 0);
  g_signal_connect_object (self->downloads, "notify::n-active", G_CALLBACK (update_downloads_tab), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name", G_CALLBACK (update_downloads_tab),
                           self, G_CONNECT_SWAPPED);
  update_downloads_tab (self);
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

typedef struct
{
  MwDownload *download;
  guint       position;
  gboolean    was_running;
} Removed;

/* Downloads removed one after another share one toast, which counts them, and one Undo,
 * which brings them all back: a toast for each would queue up behind the newest and come
 * back, one after another, long after their removal. Owned by the window's list of
 * removals, so that whatever still waits for its toast is finished when the window goes,
 * not left to a toast that may never be dismissed. */
typedef struct _MwWindowRemoval
{
  MwWindow *window;
  AdwToast *toast;
  gint64    shown;       /* when the toast was added, monotonic */
  GArray   *removed;     /* Removed, in the order of their removal */
  gboolean  undone;
} Removal;

static void
clear_removed (Removed *removed)
{
  g_clear_object (&removed->download);
}

static void
disconnect_toast (Removal *removal)
{
  if (removal->toast == NULL)
    return;
  g_signal_handlers_disconnect_by_data (removal->toast, removal);
  g_clear_object (&removal->toast);
}

void
_mw_window_removal_free (Removal *removal)
{
  disconnect_toast (removal);
  g_array_unref (removal->removed);
  g_free (removal);
}

/* Undo is no longer possible: the partial file of an unfinished or failed download is
 * thrown away now, nothing Meanwhile has forgotten keeps one on disk. */
static void
finish_removal (Removal *removal)
{
  for (guint i = 0; i < removal->removed->len && !removal->undone; i++)
    {
      MwDownload *download = g_array_index (removal->removed, Removed, i).download;

      if (mw_download_can_cancel (download))
        mw_download_cancel (download);
    }
}

/* Back in the reverse order of their removal, each at the place it left. */
static void
undo_removal_cb (AdwToast *toast,
                 Removal  *removal)
{
  MwDownloadList *list = removal->window->downloads;
  MwDownload *first = NULL;
  guint top = G_MAXUINT;

  removal->undone = TRUE;
  for (guint i = removal->removed->len; i-- > 0;)
    {
      Removed *removed = &g_array_index (removal->removed, Removed, i);

      mw_download_list_insert (list, removed->position, removed->download);
      if (removed->was_running)
        mw_download_resume (removed->download);
    }

  /* Each one put back above the others pushes them down: the list shows the first again. */
  for (guint i = 0; i < removal->removed->len; i++)
    {
      MwDownload *download = g_array_index (removal->removed, Removed, i).download;
      guint position;

      if (mw_download_list_find (list, download, &position) && position < top)
        {
          top = position;
          first = download;
        }
    }
  if (first != NULL)
    mw_window_scroll_to_download (removal->window, first);
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

/* The removal that the next one joins: the one whose toast still offers Undo. */
static Removal *
current_removal (MwWindow *self)
{
  Removal *removal;

  /* One undone waits a moment for its toast to go: the next removal is a new one. */
  if (self->removals->len > 0)
    {
      removal = g_ptr_array_index (self->removals, self->removals->len - 1);
      if (!removal->undone)
        return removal;
    }

  removal = g_new0 (Removal, 1);
  removal->window = self;
  removal->removed = g_array_new (FALSE, TRUE, sizeof (Removed));
  g_array_set_clear_func (removal->removed, (GDestroyNotify) clear_removed);
  g_ptr_array_add (self->removals, removal);
  return removal;
}

/* Takes @download off the list into @removal. Returns: whether it was in the list */
static gboolean
take_download (MwWindow   *self,
               Removal    *removal,
               MwDownload *download)
{
  Removed removed = { NULL, 0, FALSE };

  removed.was_running = mw_download_can_pause (download);
  if (removed.was_running)
    mw_download_pause (download);
  removed.download = mw_download_list_take (self->downloads, download, &removed.position);
  if (removed.download == NULL)
    return FALSE;
  g_array_append_val (removal->removed, removed);
  return TRUE;
}

/* The widget that shows @toast, a child of the overlay of its own (private) type. */
static GtkWidget *
find_toast_widget (MwWindow *self,
                   AdwToast *toast)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->toast_overlay)); child;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autoptr(AdwToast) shown = NULL;

      if (g_object_class_find_property (G_OBJECT_GET_CLASS (child), "toast") == NULL)
        continue;
      g_object_get (child, "toast", &shown, NULL);
      if (shown == toast)
        return child;
    }
  return NULL;
}

/* A toast this young still has most of its time to show: one more removal only changes
 * its words. An older one gives its place to a new toast, with its own time. */
#define TOAST_FRESH_US (G_USEC_PER_SEC)

/* Shows @removal's toast, saying how many it holds. A toast already shown never waits in
 * the overlay's queue to be shown again: a young one changes its title; an older one is
 * dismissed first, without finishing anything (the new toast's Undo brings back all),
 * and the new one takes its place. libadwaita 1.2 mishandles a toast dismissed during its
 * show animation, or waiting in the queue while its hide animation runs: neither
 * happens here. */
static void
show_removal_toast (MwWindow *self,
                    Removal  *removal)
{
  g_autofree char *title = NULL;
  g_autofree char *markup = NULL;
  guint n = removal->removed->len;
  gint64 now = g_get_monotonic_time ();
  GtkWidget *shown;

  if (n == 1)
    {
      g_autofree char *name = mw_download_dup_display_name (g_array_index (removal->removed, Removed, 0).download);

      /* Translators: a toast after removing a download from the list */
      title = g_strdup_printf (_("“%s” removed"), name);
    }
  else
    {
      /* Translators: a toast after removing several downloads from the list at once */
      title = g_strdup_printf (ngettext ("%u download removed", "%u downloads removed", n), n);
    }

  if (removal->toast != NULL && now - removal->shown < TOAST_FRESH_US)
    {
      /* A toast's title is markup (see mw_toast_new_literal()). */
      markup = g_markup_escape_text (title, -1);
      adw_toast_set_title (removal->toast, markup);
      return;
    }

  if (removal->toast != NULL)
    {
      g_autoptr(AdwToast) old = g_object_ref (removal->toast);

      disconnect_toast (removal);
      adw_toast_dismiss (old);
    }
  removal->toast = g_object_ref (mw_toast_new_literal (title));
  removal->shown = now;
  adw_toast_set_button_label (removal->toast, _("_Undo"));
  adw_toast_set_priority (removal->toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect (removal->toast, "button-clicked", G_CALLBACK (undo_removal_cb), removal);
  g_signal_connect (removal->toast, "dismissed", G_CALLBACK (removal_dismissed_cb), removal);
  adw_toast_overlay_add_toast (self->toast_overlay, removal->toast);
  /* High priority: shown at once, never queued. */
  shown = find_toast_widget (self, removal->toast);
  if (shown != NULL)
    mw_name_mnemonic_buttons (shown);
}

void
mw_window_remove_download (MwWindow   *self,
                           MwDownload *download)
{
  Removal *removal;

  g_return_if_fail (MW_IS_WINDOW (self));

  removal = current_removal (self);
  if (take_download (self, removal, download))
    show_removal_toast (self, removal);
  else if (removal->removed->len == 0)
    g_ptr_array_remove_fast (self->removals, removal);
}

/* Takes every completed download off the list, never their files, with one Undo. */
void
_mw_window_clear_finished_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  MwWindow *self = MW_WINDOW (widget);
  GListModel *model = G_LIST_MODEL (self->downloads);
  g_autoptr(GPtrArray) finished = g_ptr_array_new_with_free_func (g_object_unref);
  Removal *removal;
  gboolean taken = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      MwDownload *download = g_list_model_get_item (model, i);

      if (mw_download_get_state (download) == MW_DOWNLOAD_COMPLETED)
        g_ptr_array_add (finished, download);
      else
        g_object_unref (download);
    }
  if (finished->len == 0)
    return;

  removal = current_removal (self);
  for (guint i = 0; i < finished->len; i++)
    taken |= take_download (self, removal, g_ptr_array_index (finished, i));
  if (taken)
    show_removal_toast (self, removal);
  else if (removal->removed->len == 0)
    g_ptr_array_remove_fast (self->removals, removal);
}

void
_mw_window_download_finished_cb (MwDownloadList *list,
                                 MwDownload     *download,
                                 MwWindow       *self)
{
  MwDownloadState state = mw_download_get_state (download);

  if (state == MW_DOWNLOAD_FAILED)
    {
      g_autofree char *name = mw_download_dup_display_name (download);
      g_autofree char *text = g_strdup_printf (_("%s: %s"), name, mw_download_get_error_message (download));
      mw_window_show_message (self, text);
    }
  if ((state == MW_DOWNLOAD_FAILED || state == MW_DOWNLOAD_COMPLETED) && !downloads_shown (self))
    adw_view_stack_page_set_needs_attention (self->downloads_page, TRUE);
  update_clear_finished (self);
}
