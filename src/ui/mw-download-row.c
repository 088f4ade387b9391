/* mw-download-row.c: one download in the list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A download may report progress thousands of times a second; the row only notes that
 * something changed and redraws on a later frame, once, whatever came in between: a new
 * state at the next frame, the progress bar at most 30 times a second and the text (and
 * what it tells screen readers) four times a second.
 */
#define G_LOG_DOMAIN "mw-download-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-download-format.h"
#include "mw-download-row.h"
#include "mw-format.h"
#include "mw-window.h"

/* How often a moving download may change what its row shows: at most once in each slot
 * of the frame clock's time, slots that every row shares, so that rows moving at once
 * change together, however their data arrives, and lay the window out once. */
#define TEXT_INTERVAL_US (G_USEC_PER_SEC / 4)
#define BAR_INTERVAL_US  (G_USEC_PER_SEC / 30)

/* Whether a change at the frame time NOW may follow the one at LAST: at the first frame of
 * a later slot of INTERVAL, and at least half an interval after LAST, so that a change
 * made off the slots for a new state is not followed by another a frame later. */
static inline gboolean
slot_due (gint64 now,
          gint64 last,
          gint64 interval)
{
  gint64 earliest = last + interval / 2;
  gint64 slot_start = (earliest + interval - 1) / interval * interval;

  return now >= slot_start;
}

typedef enum {
  PENDING_TEXT  = 1 << 0,   /* progress moved: the sizes, speed and time left */
  PENDING_BAR   = 1 << 1,
  PENDING_STATE = 1 << 2,   /* anything else: shown at the next frame */
} Pending;

struct _MwDownloadRow
{
  GtkWidget       parent_instance;

  MwDownload     *download;
  MwDownloadList *list;
  guint           update_tick;
  Pending         pending;
  gint64          text_time;        /* frame times of the last updates */
  gint64          bar_time;
  gboolean        stale;            /* changed while unmapped: update when shown again */
  gboolean        can_open;
  char           *status_text;
  char           *name;             /* the name the buttons' accessible labels give */
  char           *accessible_label;

  GtkImage       *icon;
  GtkLabel       *name_label;
  GtkStack       *progress_slot;
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
  PROP_CAN_OPEN,
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

static void set_accessible_label (GtkWidget  *widget,
                                  const char *format,
                                  ...) G_GNUC_PRINTF (2, 3);

static void
set_accessible_label (GtkWidget  *widget,
                      const char *format,
                      ...)
{
  g_autofree char *label = NULL;
  va_list args;

  va_start (args, format);
  label = g_strdup_vprintf (format, args);
  va_end (args);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Each button says what it acts on, for a screen reader that reads it out of its row. */
static void
update_button_labels (MwDownloadRow *self,
                      const char    *name)
{
  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);

  /* Translators: the accessible labels of a download's buttons; %s is the file name */
  set_accessible_label (self->pause_button, _("Pause %s"), name);
  set_accessible_label (self->resume_button, _("Resume %s"), name);
  set_accessible_label (self->retry_button, _("Try %s Again"), name);
  set_accessible_label (self->open_button, _("Open %s"), name);
  set_accessible_label (self->show_button, _("Show %s in Folder"), name);
  set_accessible_label (self->cancel_button, _("Cancel %s"), name);
  set_accessible_label (self->remove_button, _("Remove %s from List"), name);
  set_accessible_label (self->queue_button, _("Place of %s in Queue"), name);
}

static void
update_bar (MwDownloadRow *self)
{
  MwDownload *download = self->download;
  MwDownloadState state = mw_download_get_state (download);
  /* Only a download on its way has a bar; the others keep its place, empty. */
  gboolean shown = state != MW_DOWNLOAD_COMPLETED && state != MW_DOWNLOAD_CANCELLED &&
                   state != MW_DOWNLOAD_FAILED;

  gtk_stack_set_visible_child_name (self->progress_slot, shown ? "bar" : "none");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->progress_bar), GTK_ACCESSIBLE_STATE_HIDDEN, !shown, -1);
  if (!shown)
    return;

  if (state == MW_DOWNLOAD_CONNECTING || (state == MW_DOWNLOAD_DOWNLOADING &&
                                          mw_download_get_total_bytes (download) < 0))
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, mw_download_get_fraction (download));
}

/* Everything but the bar: the name, the status line, the buttons, and what the row
 * says to a screen reader, which is the same text. */
static void
update_text (MwDownloadRow *self)
{
  MwDownload *download = self->download;
  MwDownloadState state;
  g_autofree char *name = NULL;
  g_autofree char *accessible = NULL;
  gboolean can_open;

  update_queue_actions (self);
  if (download == NULL)
    {
      if (self->can_open)
        {
          self->can_open = FALSE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_OPEN]);
        }
      return;
    }

  state = mw_download_get_state (download);

  name = mw_download_dup_display_name (download);
  gtk_label_set_label (self->name_label, name);
  mw_widget_set_tooltip (GTK_WIDGET (self->name_label), mw_download_get_url (download));
  update_button_labels (self, name);

  g_free (self->status_text);
  if (self->list != NULL)
    self->status_text = mw_download_list_dup_status (self->list, download);
  else
    self->status_text = mw_format_download_status (download, 0);
  gtk_label_set_label (self->status_label, self->status_text);
  /* Two lines may not hold a whole failure: the tooltip does. */
  mw_widget_set_tooltip (GTK_WIDGET (self->status_label),
                         state == MW_DOWNLOAD_FAILED ? self->status_text : NULL);

  /* Translators: what a screen reader says of a download: its name, then the text under
   * it, for example “photos.zip — Paused — 3.2 of 12.6 MB” */
  accessible = g_strdup_printf (_("%s — %s"), name, self->status_text);
  if (g_strcmp0 (accessible, self->accessible_label) != 0)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_free (self->accessible_label);
      self->accessible_label = g_steal_pointer (&accessible);
    }

  if (mw_download_get_filename (download) != NULL)
    {
      g_autofree char *type = g_content_type_guess (mw_download_get_filename (download), NULL, 0, NULL);
      g_autoptr(GIcon) icon = g_content_type_get_symbolic_icon (type);
      gtk_image_set_from_gicon (self->icon, icon);
    }

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

  can_open = state == MW_DOWNLOAD_COMPLETED && mw_download_get_file (download) != NULL;
  if (can_open != self->can_open)
    {
      self->can_open = can_open;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_OPEN]);
    }
}

static void
update (MwDownloadRow *self)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  update_text (self);
  if (self->download != NULL)
    update_bar (self);
  /* Progress coming next waits its turn from now. */
  if (frame_clock != NULL)
    self->text_time = self->bar_time = gdk_frame_clock_get_frame_time (frame_clock);
}

static gboolean
update_tick_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  MwDownloadRow *self = MW_DOWNLOAD_ROW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (frame_clock);

  if (self->pending & PENDING_STATE)
    {
      update (self);
      self->pending = 0;
    }
  if ((self->pending & PENDING_TEXT) && slot_due (now, self->text_time, TEXT_INTERVAL_US))
    {
      update_text (self);
      self->text_time = now;
      self->pending &= ~PENDING_TEXT;
    }
  if ((self->pending & PENDING_BAR) && slot_due (now, self->bar_time, BAR_INTERVAL_US))
    {
      if (self->download != NULL)
        update_bar (self);
      self->bar_time = now;
      self->pending &= ~PENDING_BAR;
    }

  /* Progress that came too soon waits a frame or a few; while a download moves, more
   * comes every frame anyway. */
  if (self->pending != 0)
    return G_SOURCE_CONTINUE;
  self->update_tick = 0;
  return G_SOURCE_REMOVE;
}

/* An unmapped row draws nothing, so it only remembers that it is behind; map catches up. */
static void
schedule_update (MwDownloadRow *self,
                 Pending        what)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  self->pending |= what;
  if (self->update_tick == 0)
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
  self->pending = 0;
  self->stale = FALSE;
  update (self);
}

static void
download_notify_cb (MwDownloadRow *self,
                    GParamSpec    *pspec)
{
  const char *name = pspec->name;

  if (g_str_equal (name, "received-bytes") || g_str_equal (name, "fraction") ||
      g_str_equal (name, "speed") || g_str_equal (name, "seconds-left"))
    schedule_update (self, PENDING_TEXT | PENDING_BAR);
  else
    schedule_update (self, PENDING_STATE);
}

static void
queue_changed_cb (MwDownloadRow *self)
{
  schedule_update (self, PENDING_STATE);
}

static void
find_list (MwDownloadRow *self)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), MW_TYPE_WINDOW);

  if (self->list != NULL || window == NULL)
    return;
  self->list = g_object_ref (mw_window_get_downloads (MW_WINDOW (window)));
  g_signal_connect_object (self->list, "queue-changed", G_CALLBACK (queue_changed_cb), self,
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

/* Whether the row's download is a finished file, which activating the row opens. */
gboolean
mw_download_row_get_can_open (MwDownloadRow *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_ROW (self), FALSE);
  return self->can_open;
}

static GtkWindow *
get_window (MwDownloadRow *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

/* A finished file can be dragged out of the window, to a file manager, a mail or a chat:
 * as the file itself and, through GTK's serializers, as a text/uri-list. */
static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 MwDownloadRow *self)
{
  GFile *file;
  g_autoptr(GdkPaintable) icon = NULL;
  GdkContentProvider *providers[2];
  GSList *files;

  if (!self->can_open)
    return NULL;

  file = mw_download_get_file (self->download);
  files = g_slist_prepend (NULL, file);
  providers[0] = gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, files);
  providers[1] = gdk_content_provider_new_typed (G_TYPE_FILE, file);
  g_slist_free (files);

  icon = gtk_widget_paintable_new (GTK_WIDGET (self->icon));
  gtk_drag_source_set_icon (source, icon, 16, 16);
  return gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
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
  self->pending = 0;
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
  MwDownloadRow *self = MW_DOWNLOAD_ROW (object);

  g_free (self->status_text);
  g_free (self->name);
  g_free (self->accessible_label);
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
    case PROP_CAN_OPEN:
      g_value_set_boolean (value, MW_DOWNLOAD_ROW (object)->can_open);
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
  /* The list item binds its activatable property to it: Enter or a double click on a
   * finished download opens the file, as in Files. */
  properties[PROP_CAN_OPEN] =
    g_param_spec_boolean ("can-open", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/mw-download-row.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "downloadrow");
  /* A group, named by its download and the text under it (update_text()). */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, icon);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, MwDownloadRow, progress_slot);
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
  GtkDragSource *drag;

  gtk_widget_init_template (GTK_WIDGET (self));
  drag = gtk_drag_source_new ();
  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect (drag, "prepare", G_CALLBACK (drag_prepare_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  /* A new row has no download to move (can_move_up and can_move_down are FALSE). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-up", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-down", FALSE);
  g_object_set (gtk_widget_get_layout_manager (GTK_WIDGET (self)), "spacing", 12, NULL);
}
