/* mw-download-row.c: one download in the list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A download may report progress thousands of times a second; the row only notes that
 * something changed and redraws on the next frame, once, whatever came in between.
 */
#define G_LOG_DOMAIN "mw-download-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-download-format.h"
#include "mw-download-row.h"
#include "mw-format.h"
#include "mw-window.h"

struct _MwDownloadRow
{
  GtkWidget       parent_instance;

  MwDownload     *download;
  MwDownloadList *list;
  guint           update_tick;
  gboolean        stale;            /* changed while unmapped: update when shown again */
  char           *status_text;

  GtkImage       *icon;
  GtkLabel       *name_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;
  GtkWidget      *pause_button;
  GtkWidget      *resume_button;
  GtkWidget      *retry_button;
  GtkWidget      *open_button;
  GtkWidget      *show_button;
  GtkWidget      *cancel_button;
  GtkWidget      *remove_button;
  GtkWidget      *queue_button;
  gboolean        can_move_up;
  gboolean        can_move_down;
};

G_DEFINE_FINAL_TYPE (MwDownloadRow, mw_download_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOWNLOAD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Move Up and Move Down are there for a download waiting in the queue, when it has a
 * place to move to. Rows update at every frame of progress: the menu, which watches
 * the actions, hears of a change only. */
static void
update_queue_actions (MwDownloadRow *self)
{
  gboolean up = FALSE;
  gboolean down = FALSE;

  if (self->download != NULL && self->list != NULL)
    {
      up = mw_download_list_can_move_in_queue (self->list, self->download, -1);
      down = mw_download_list_can_move_in_queue (self->list, self->download, 1);
    }
  if (up != self->can_move_up)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-up", up);
  if (down != self->can_move_down)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-down", down);
  self->can_move_up = up;
  self->can_move_down = down;
  gtk_widget_set_visible (self->queue_button, up || down);
}

static void
update (MwDownloadRow *self)
{
  MwDownload *download = self->download;
  MwDownloadState state;
  g_autofree char *name = NULL;

  update_queue_actions (self);
  if (download == NULL)
    return;

  state = mw_download_get_state (download);

  name = mw_download_dup_display_name (download);
  gtk_label_set_label (self->name_label, name);
  mw_widget_set_tooltip (GTK_WIDGET (self->name_label), mw_download_get_url (download));

  g_free (self->status_text);
  if (self->list != NULL)
    self->status_text = mw_download_list_dup_status (self->list, download);
  else
    self->status_text = mw_format_download_status (download, 0);
  gtk_label_set_label (self->status_label, self->status_text);

  if (mw_download_get_filename (download) != NULL)
    {
      g_autofree char *type = g_content_type_guess (mw_download_get_filename (download), NULL, 0, NULL);
      g_autoptr(GIcon) icon = g_content_type_get_symbolic_icon (type);
      gtk_image_set_from_gicon (self->icon, icon);
    }

  if (state == MW_DOWNLOAD_CONNECTING || (state == MW_DOWNLOAD_DOWNLOADING &&
                                          mw_download_get_total_bytes (download) < 0))
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, mw_download_get_fraction (download));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar),
                          state != MW_DOWNLOAD_COMPLETED && state != MW_DOWNLOAD_CANCELLED);

  if (state == MW_DOWNLOAD_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");

  /* Only the buttons that make sense now: at most three, so the row fits 360 px (a
   * queued download: pause, cancel and its place in the queue). */
  gtk_widget_set_visible (self->pause_button, mw_download_can_pause (download));
  gtk_widget_set_visible (self->resume_button, mw_download_can_resume (download));
  gtk_widget_set_visible (self->retry_button, mw_download_can_retry (download));
  gtk_widget_set_visible (self->open_button, state == MW_DOWNLOAD_COMPLETED);
  gtk_widget_set_visible (self->show_button, state == MW_DOWNLOAD_COMPLETED);
  gtk_widget_set_visible (self->cancel_button, !mw_download_is_finished (download));
  gtk_widget_set_visible (self->remove_button, mw_download_is_finished (download));
}

static gboolean
update_tick_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  MwDownloadRow *self = MW_DOWNLOAD_ROW (widget);

  self->update_tick = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

/* An unmapped row draws nothing, so it only remembers that it is behind; map catches up. */
static void
schedule_update (MwDownloadRow *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->stale = TRUE;
  else if (self->update_tick == 0)
    self->update_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), update_tick_cb, NULL, NULL);
}

/* Updates at once, for tests and for the first paint after a row is bound. */
void
mw_download_row_update_now (MwDownloadRow *self)
{
  g_return_if_fail (MW_IS_DOWNLOAD_ROW (self));

  if (self->update_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->update_tick);
  self->update_tick = 0;
  self->stale = FALSE;
  update (self);
}

static void
download_notify_cb (MwDownloadRow *self)
{
  schedule_update (self);
}

static void
find_list (MwDownloadRow *self)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), MW_TYPE_WINDOW);

  if (self->list != NULL || window == NULL)
    return;
  self->list = g_object_ref (mw_window_get_downloads (MW_WINDOW (window)));
  g_signal_connect_object (self->list, "queue-changed", G_CALLBACK (download_notify_cb), self,
                           G_CONNECT_SWAPPED);
}

MwDownload *
mw_download_row_get_download (MwDownloadRow *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_ROW (self), NULL);
  return self->download;
}

void
mw_download_row_set_download (MwDownloadRow *self,
                              MwDownload    *download)
{
  g_return_if_fail (MW_IS_DOWNLOAD_ROW (self));

  if (self->download == download)
    return;

  if (self->download != NULL)
    g_signal_handlers_disconnect_by_func (self->download, download_notify_cb, self);
  g_set_object (&self->download, download);
  if (download != NULL)
    g_signal_connect_object (download, "notify", G_CALLBACK (download_notify_cb), self,
                             G_CONNECT_SWAPPED);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOWNLOAD]);
}

const char *
mw_download_row_get_status_text (MwDownloadRow *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_ROW (self), NULL);
  return self->status_text;
}

static GtkWindow *
get_window (MwDownloadRow *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

static void
row_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  MwDownloadRow *self = MW_DOWNLOAD_ROW (widget);
  MwDownload *download = self->download;

  if (download == NULL)
    return;

  if (g_str_equal (action_name, "row.pause"))
    mw_download_pause (download);
  else if (g_str_equal (action_name, "row.resume"))
    mw_download_resume (download);
  else if (g_str_equal (action_name, "row.retry"))
    mw_download_retry (download);
  else if (g_str_equal (action_name, "row.cancel"))
    mw_download_cancel (download);
  else if (g_str_equal (action_name, "row.open") && mw_download_get_file (download))
    mw_launch_file (get_window (self), mw_download_get_file (download));
  else if (g_str_equal (action_name, "row.show-in-folder") && mw_download_get_file (download))
    mw_show_in_folder (get_window (self), mw_download_get_file (download));
  else if (g_str_equal (action_name, "row.move-up") && self->list != NULL)
    mw_download_list_move_in_queue (self->list, download, -1);
  else if (g_str_equal (action_name, "row.move-down") && self->list != NULL)
    mw_download_list_move_in_queue (self->list, download, 1);
  else if (g_str_equal (action_name, "row.remove"))
    {
      GtkWidget *window = gtk_widget_get_ancestor (widget, MW_TYPE_WINDOW);
      if (window != NULL)
        mw_window_remove_download (MW_WINDOW (window), download);
    }
}

static void
mw_download_row_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (mw_download_row_parent_class)->root (widget);
  find_list (MW_DOWNLOAD_ROW (widget));
  update (MW_DOWNLOAD_ROW (widget));
}

static void
mw_download_row_map (GtkWidget *widget)
{
  MwDownloadRow *self = MW_DOWNLOAD_ROW (widget);

  GTK_WIDGET_CLASS (mw_download_row_parent_class)->map (widget);
  if (self->stale)
    {
      self->stale = FALSE;
      update (self);
    }
}

static void
mw_download_row_unmap (GtkWidget *widget)
{
  MwDownloadRow *self = MW_DOWNLOAD_ROW (widget);

  if (self->update_tick != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->update_tick);
      self->stale = TRUE;
    }
  self->update_tick = 0;
  GTK_WIDGET_CLASS (mw_download_row_parent_class)->unmap (widget);
}

static void
mw_download_row_dispose (GObject *object)
{
  MwDownloadRow *self = MW_DOWNLOAD_ROW (object);
  GtkWidget *child;

  mw_download_row_set_download (self, NULL);
  g_clear_object (&self->list);
  gtk_widget_dispose_template (GTK_WIDGET (self), MW_TYPE_DOWNLOAD_ROW);
  /* The template's unnamed boxes are children too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mw_download_row_parent_class)->dispose (object);
}

static void
mw_download_row_finalize (GObject *object)
{
  g_free (MW_DOWNLOAD_ROW (object)->status_text);
  G_OBJECT_CLASS (mw_download_row_parent_class)->finalize (object);
}

static void
mw_download_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_DOWNLOAD:
      g_value_set_object (value, MW_DOWNLOAD_ROW (object)->download);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_download_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_DOWNLOAD:
      mw_download_row_set_download (MW_DOWNLOAD_ROW (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_download_row_class_init (MwDownloadRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const char *actions[] = { "row.pause", "row.resume", "row.retry", "row.cancel", "row.open",
                            "row.show-in-folder", "row.remove", "row.move-up", "row.move-down" };

  object_class->dispose = mw_download_row_dispose;
  object_class->finalize = mw_download_row_finalize;
  object_class->get_property = mw_download_row_get_property;
  object_class->set_property = mw_download_row_set_property;
  widget_class->root = mw_download_row_root;
  widget_class->map = mw_download_row_map;
  widget_class->unmap = mw_download_row_unmap;

  properties[PROP_DOWNLOAD] =
    g_param_spec_object ("download", NULL, NULL, MW_TYPE_DOWNLOAD,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/mw-download-row.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "downloadrow");
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, icon);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, resume_button);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, show_button);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, queue_button);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, row_action);
}

static void
mw_download_row_init (MwDownloadRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* A new row has no download to move (can_move_up and can_move_down are FALSE). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-up", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-down", FALSE);
  g_object_set (gtk_widget_get_layout_manager (GTK_WIDGET (self)), "spacing", 12, NULL);
}
