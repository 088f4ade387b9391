/* mw-window.c: the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-download-row.h"
#include "mw-experiment.h"
#include "mw-feed-discovery.h"
#include "mw-feeds-page.h"
#include "mw-format.h"
#include "mw-freeze-banner.h"
#include "mw-ghost-layer.h"
#include "mw-meter.h"
#include "mw-timeline-view.h"
#include "mw-window.h"
#include "mw-window-private.h"

/* The log is for reading, not an archive: the oldest lines go beyond this. */
#define MAX_LOG_LINES 2000

G_DEFINE_FINAL_TYPE (MwWindow, mw_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_LOG_VISIBLE,
  PROP_TIMELINE_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

MwDownloadList *
mw_window_get_downloads (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->downloads;
}

GListModel *
mw_window_get_log (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->log_lines);
}

void
mw_window_show_message (MwWindow   *self,
                        const char *message)
{
  AdwToast *toast;

  g_return_if_fail (MW_IS_WINDOW (self));

  toast = mw_toast_new_literal (message);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
mw_window_set_demo_available (MwWindow *self,
                              gboolean  available)
{
  g_return_if_fail (MW_IS_WINDOW (self));
  gtk_widget_set_visible (self->demo_button, available);
  mw_feeds_page_set_demo_available (self->feeds_page, available);
}

/* A line of the log: the clock time, then, for the work of a download or a feed, the
 * time since its request began ("+1.5 s"; ELAPSED < 0 for none), then what happened. */
static void
log_line (MwWindow   *self,
          gint64      time,
          gint64      elapsed,
          const char *subject,
          const char *text)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (time / G_USEC_PER_SEC);
  g_autofree char *clock = when ? g_date_time_format (when, "%H:%M:%S") : g_strdup ("");
  g_autofree char *event = subject != NULL ? g_strdup_printf ("%s — %s", subject, text) : g_strdup (text);
  /* TRANSLATORS: seconds since a download or feed sent its request, in the event log */
  g_autofree char *since = elapsed >= 0 ? g_strdup_printf (_("+%.1f s"), elapsed / (double) G_USEC_PER_SEC)
                                        : NULL;
  g_autofree char *line = since != NULL
                          ? g_strdup_printf ("%s.%03d  %s  %s", clock, (int) ((time / 1000) % 1000), since, event)
                          : g_strdup_printf ("%s.%03d  %s", clock, (int) ((time / 1000) % 1000), event);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->log_lines));

  if (n >= MAX_LOG_LINES)
    gtk_string_list_splice (self->log_lines, 0, n - MAX_LOG_LINES + 1, NULL);
  gtk_string_list_append (self->log_lines, line);
  self->log_appended++;
  /* The same event as a marker on the timeline, whose clock is the monotonic one. */
  mw_timeline_mark (mw_timeline_get_default (), g_get_monotonic_time () - (g_get_real_time () - time), event);
}

static void
download_event_cb (MwDownloadList *list,
                   MwDownload     *download,
                   gint64          time,
                   const char     *text,
                   MwWindow       *self)
{
  g_autofree char *name = mw_download_dup_display_name (download);
  gint64 started = mw_download_get_run_started (download);

  log_line (self, time, started > 0 && time >= started ? time - started : -1, name, text);
}

static void
feed_event_cb (MwFeedList *list,
               MwFeed     *feed,
               const char *address,
               gint64      time,
               gint64      elapsed,
               const char *text,
               MwWindow   *self)
{
  g_autofree char *title = feed != NULL ? mw_feed_dup_display_title (feed) : g_strdup (address);

  log_line (self, time, elapsed, title, text);
}

static void
stall_cb (MwMonitor *monitor,
          gint64     duration,
          MwWindow  *self)
{
  g_autofree char *length = mw_format_duration (duration);
  g_autofree char *text = g_strdup_printf (_("The main loop was blocked for %s: nothing could be drawn or clicked meanwhile"),
                                           length);

  log_line (self, g_get_real_time (), -1, NULL, text);
  self->stall_appended = self->log_appended;
}

/* The log follows new lines, as a terminal does, until the person scrolls up to read;
 * scrolling back to the end follows again. Only scrolling that a person can see counts:
 * a hidden list has no size to scroll in. */
static void
log_scrolled_cb (GtkAdjustment *adjustment,
                 MwWindow      *self)
{
  double value = gtk_adjustment_get_value (adjustment);
  gboolean at_end = value + gtk_adjustment_get_page_size (adjustment) >= gtk_adjustment_get_upper (adjustment) - 1;

  /* Rows measured as they are drawn move the end about; only scrolling up leaves it. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self->log_view)))
    {
      if (at_end)
        self->log_follows = TRUE;
      else if (value < self->log_value - 1)
        self->log_follows = FALSE;
    }
  self->log_value = value;
}

/* The list scrolls itself, through its own action, once it knows its new rows; for the
 * last line it then goes to the very end, over the frames in which the rows it draws are
 * measured and its estimated length grows. */
static gboolean
log_scroll_tick_cb (GtkWidget     *widget,
                    GdkFrameClock *frame_clock,
                    gpointer       user_data)
{
  MwWindow *self = MW_WINDOW (user_data);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->log_scroller);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->log_lines));
  guint target = self->log_scroll_target == G_MAXUINT ? n - 1 : self->log_scroll_target;
  double end;

  if (n > 0 && self->log_scroll_frames == 0)
    gtk_widget_activate_action (widget, "list.scroll-to-item", "u", MIN (target, n - 1));
  end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
  if (n > 0 && self->log_scroll_target == G_MAXUINT && self->log_scroll_frames++ < 120)
    {
      /* Done once the end has stayed put for a few frames. */
      if (gtk_adjustment_get_value (adjustment) < end - 1)
        {
          self->log_scroll_settled = 0;
          gtk_adjustment_set_value (adjustment, end);
        }
      if (++self->log_scroll_settled < 3)
        return G_SOURCE_CONTINUE;
    }
  self->log_scroll_tick = 0;
  self->log_scroll_frames = 0;
  self->log_scroll_settled = 0;
  return G_SOURCE_REMOVE;
}

/* Brings line @position of the log into view (G_MAXUINT: the last), at the next frame. */
static void
scroll_log_to (MwWindow *self,
               guint     position)
{
  self->log_scroll_target = position;
  self->log_scroll_frames = 0;
  if (self->log_scroll_tick == 0 && gtk_widget_get_mapped (GTK_WIDGET (self->log_view)))
    self->log_scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->log_view), log_scroll_tick_cb,
                                                          self, NULL);
}

/* Rows measured as they are drawn lengthen the list: one that follows stays at its end. */
static void
log_grew_cb (GtkAdjustment *adjustment,
             MwWindow      *self)
{
  if (self->log_follows && self->log_scroll_tick == 0 &&
      gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
      < gtk_adjustment_get_upper (adjustment) - 1)
    scroll_log_to (self, G_MAXUINT);
}

static void
log_changed_cb (GListModel *log,
                guint       position,
                guint       removed,
                guint       added,
                MwWindow   *self)
{
  if (self->log_follows && added > 0)
    scroll_log_to (self, G_MAXUINT);
}

/* Someone reading the log is watching the instruments too: they measure meanwhile. */
static void
log_mapped_cb (MwWindow *self)
{
  mw_monitor_hold (mw_application_get_monitor (MW_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)))));
  scroll_log_to (self, self->log_follows ? G_MAXUINT : self->log_scroll_target);
}

static void
log_unmapped_cb (MwWindow *self)
{
  mw_monitor_release (mw_application_get_monitor (MW_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)))));
  if (self->log_scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->log_view), self->log_scroll_tick);
  self->log_scroll_tick = 0;
  self->log_scroll_frames = 0;
}

static void mw_window_set_log_visible (MwWindow *self,
                                       gboolean  visible);

/* Opens the log at the latest stall, where "What Happened" wants a person to read. */
static void
show_stall_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  MwWindow *self = MW_WINDOW (widget);
  GListModel *log = G_LIST_MODEL (self->log_lines);
  guint n = g_list_model_get_n_items (log);
  guint64 first = self->log_appended - n;   /* the count of the oldest line still there */
  guint target = G_MAXUINT;

  if (self->stall_appended > first)
    target = (guint) (self->stall_appended - 1 - first);
  /* The lines before the stall's are what happened in it: start a little before it. */
  if (target != G_MAXUINT)
    {
      self->log_follows = FALSE;
      target = target > 3 ? target - 3 : 0;
    }
  mw_window_set_log_visible (self, TRUE);
  scroll_log_to (self, target);
}

static void
clear_log_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MwWindow *self = MW_WINDOW (widget);

  gtk_string_list_splice (self->log_lines, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->log_lines)), NULL);
}

static void
mw_window_set_log_visible (MwWindow *self,
                           gboolean  visible)
{
  visible = !!visible;
  if (self->log_visible == visible)
    return;
  self->log_visible = visible;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_VISIBLE]);
}

/* --- Adding ------------------------------------------------------------------------ */

static gboolean
feeds_visible (MwWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "feeds") == 0;
}

/* The add button adds what the visible page holds: downloads or subscriptions. */
static void
page_changed_cb (MwWindow *self)
{
  gtk_menu_button_set_popover (self->add_button, feeds_visible (self) ? GTK_WIDGET (self->subscribe_popover)
                                                                      : GTK_WIDGET (self->add_popover));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->add_button),
                               feeds_visible (self) ? _("Subscribe to a Feed (Ctrl+L)") : _("Add Download (Ctrl+L)"));
}

static void
show_subscribe_error (MwWindow   *self,
                      const char *message)
{
  gtk_label_set_text (self->subscribe_error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->subscribe_error_label), message != NULL);
}

static void
clear_choices (MwWindow *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->choices_box))) != NULL)
    gtk_list_box_remove (self->choices_box, row);
  gtk_widget_set_visible (GTK_WIDGET (self->choices_box), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->choices_label), FALSE);
}

static void subscribe_to (MwWindow *self, const char *url);

static void
choice_clicked_cb (GtkButton *button,
                   MwWindow  *self)
{
  g_autofree char *url = g_strdup (gtk_widget_get_tooltip_text (GTK_WIDGET (button)));

  clear_choices (self);
  subscribe_to (self, url);
}

static void
subscribed_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  g_autoptr(GPtrArray) choices = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;

  feed = mw_feed_list_subscribe_finish (MW_FEED_LIST (source_object), result, &choices, &error);
  gtk_widget_set_sensitive (GTK_WIDGET (self->feed_entry), TRUE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (feed != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->feed_entry), "");
      gtk_popover_popdown (self->subscribe_popover);
      adw_view_stack_set_visible_child_name (self->view_stack, "feeds");
      mw_feeds_page_select_feed (self->feeds_page, feed);
      return;
    }

  if (choices != NULL)
    {
      /* The page offers several: let the person choose, right here. */
      for (guint i = 0; i < choices->len; i++)
        {
          MwDiscoveredFeed *choice = g_ptr_array_index (choices, i);
          GtkWidget *button = gtk_button_new_with_label (choice->title ? choice->title : choice->url);

          gtk_widget_set_tooltip_text (button, choice->url);
          gtk_widget_add_css_class (button, "flat");
          g_signal_connect (button, "clicked", G_CALLBACK (choice_clicked_cb), self);
          gtk_list_box_append (self->choices_box, button);
        }
      gtk_widget_set_visible (GTK_WIDGET (self->choices_box), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->choices_label), TRUE);
      gtk_menu_button_popup (self->add_button);
      return;
    }

  show_subscribe_error (self, error->message);
  mw_window_show_message (self, error->message);
}

static void
subscribe_to (MwWindow   *self,
              const char *url)
{
  show_subscribe_error (self, NULL);
  clear_choices (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->feed_entry), FALSE);
  mw_feed_list_subscribe_async (mw_application_get_feeds (self->application), url, self->cancellable,
                                subscribed_cb, g_object_ref (self));
}

/* Subscribes to URL as if typed into the subscribe box, showing the outcome there. */
void
mw_window_subscribe (MwWindow   *self,
                     const char *url)
{
  g_return_if_fail (MW_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "feeds");
  gtk_editable_set_text (GTK_EDITABLE (self->feed_entry), url);
  subscribe_to (self, url);
}

static void
subscribe_from_entry_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  MwWindow *self = MW_WINDOW (widget);

  subscribe_to (self, gtk_editable_get_text (GTK_EDITABLE (self->feed_entry)));
}

/* Opens the experiment's card on the Downloads page, where its runs show. */
void
mw_window_open_experiment (MwWindow *self)
{
  g_return_if_fail (MW_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "downloads");
  mw_experiment_open (self->experiment);
}

MwFeedsPage *
mw_window_get_feeds_page (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->feeds_page;
}

void
mw_window_show_page (MwWindow   *self,
                     const char *name)
{
  g_return_if_fail (MW_IS_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

static void
add_download_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MwWindow *self = MW_WINDOW (widget);

  if (feeds_visible (self))
    {
      gtk_menu_button_popup (self->add_button);
      gtk_widget_grab_focus (GTK_WIDGET (self->feed_entry));
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->add_error_label), FALSE);
  gtk_menu_button_popup (self->add_button);
  gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
}

/* --- Life cycle ------------------------------------------------------------------- */

/* A click that waited for a frozen window is replayed where it landed. */
static void
input_waited_cb (MwFreezeBanner *banner,
                 double          x,
                 double          y,
                 gint64          waited,
                 MwWindow       *self)
{
  graphene_point_t point;

  if (gtk_widget_compute_point (GTK_WIDGET (self), GTK_WIDGET (self->ghost_layer),
                                &GRAPHENE_POINT_INIT (x, y), &point))
    mw_ghost_layer_add (self->ghost_layer, point.x, point.y, waited);
}

/* Connects the window to the application's engine objects; the "application" property
 * is only set after construction, so this cannot happen in constructed(). */
static void
setup (MwWindow      *self,
       MwApplication *application)
{
  GSettings *settings;
  g_autoptr(GtkNoSelection) selection = NULL;
  MwMonitor *monitor;
  GtkWidget *meter;

  self->application = application;
  self->downloads = g_object_ref (mw_application_get_downloads (self->application));
  settings = mw_application_get_settings (self->application);
  monitor = mw_application_get_monitor (self->application);

  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->downloads)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect_object (self->downloads, "items-changed", G_CALLBACK (_mw_window_update_empty_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->downloads, "download-event", G_CALLBACK (download_event_cb), self, 0);
  g_signal_connect_object (self->downloads, "download-finished", G_CALLBACK (_mw_window_download_finished_cb), self, 0);
  g_signal_connect_object (mw_application_get_feeds (application), "event", G_CALLBACK (feed_event_cb), self, 0);
  g_signal_connect_object (monitor, "stall", G_CALLBACK (stall_cb), self, 0);
  _mw_window_downloads_setup (self);
  _mw_window_update_empty_state (self);

  meter = g_object_new (MW_TYPE_METER, "monitor", monitor, NULL);
  gtk_box_append (self->meter_slot, meter);
  mw_freeze_banner_set_application (self->freeze_banner, application);
  g_signal_connect_object (self->freeze_banner, "input-waited", G_CALLBACK (input_waited_cb), self, 0);
  mw_experiment_set_application (self->experiment, application, self->freeze_banner);
  mw_experiment_point_at (self->experiment, self->blocking_switch);
  mw_experiment_point_at (self->experiment, self->blocking_switch_compact);

  /* Read once here, written once when the window closes (mw_window_close_request), not
   * at every step of a resize. */
  g_settings_bind (settings, "window-width", self, "default-width",
                   G_SETTINGS_BIND_GET | G_SETTINGS_BIND_GET_NO_CHANGES);
  g_settings_bind (settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_GET | G_SETTINGS_BIND_GET_NO_CHANGES);
  g_settings_bind (settings, "window-maximized", self, "maximized",
                   G_SETTINGS_BIND_GET | G_SETTINGS_BIND_GET_NO_CHANGES);

  mw_window_set_demo_available (self, mw_application_get_demo_urls (self->application) != NULL);
  mw_feeds_page_set_feeds (self->feeds_page, mw_application_get_feeds (application));
  g_signal_connect_object (self->view_stack, "notify::visible-child-name", G_CALLBACK (page_changed_cb), self,
                           G_CONNECT_SWAPPED);
  page_changed_cb (self);

  if (PROFILE[0] == 'd')
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

/* Building the window and drawing its first frame is start-up, not a stall the app
 * could have avoided: the meter starts measuring once that frame is on screen, so the
 * log's first line is never a false alarm and "worst" starts from zero. */
static void
first_paint_cb (GdkFrameClock *frame_clock,
                MwWindow      *self)
{
  MwMonitor *monitor = mw_application_get_monitor (self->application);

  g_clear_signal_handler (&self->first_paint_handler, frame_clock);
  mw_monitor_reset (monitor);
  mw_monitor_start (monitor);
}

static void
mw_window_realize (GtkWidget *widget)
{
  MwWindow *self = MW_WINDOW (widget);

  GTK_WIDGET_CLASS (mw_window_parent_class)->realize (widget);
  if (self->application != NULL && self->first_paint_handler == 0)
    self->first_paint_handler = g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                                                  G_CALLBACK (first_paint_cb), self);
}

static void
mw_window_unrealize (GtkWidget *widget)
{
  MwWindow *self = MW_WINDOW (widget);

  if (self->first_paint_handler != 0)
    g_clear_signal_handler (&self->first_paint_handler, gtk_widget_get_frame_clock (widget));
  GTK_WIDGET_CLASS (mw_window_parent_class)->unrealize (widget);
}

static void
mw_window_dispose (GObject *object)
{
  MwWindow *self = MW_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* A toast is not dismissed when its window goes: what it offered to undo is done now. */
  if (self->removals != NULL)
    mw_window_finish_removals (self);
  g_clear_pointer (&self->removals, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MW_TYPE_WINDOW);
  g_clear_object (&self->downloads);

  G_OBJECT_CLASS (mw_window_parent_class)->dispose (object);
}

static void
mw_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_LOG_VISIBLE:
      g_value_set_boolean (value, MW_WINDOW (object)->log_visible);
      break;
    case PROP_TIMELINE_VISIBLE:
      g_value_set_boolean (value, MW_WINDOW (object)->timeline_visible);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_LOG_VISIBLE:
      mw_window_set_log_visible (MW_WINDOW (object), g_value_get_boolean (value));
      break;
    case PROP_TIMELINE_VISIBLE:
      if (MW_WINDOW (object)->timeline_visible != g_value_get_boolean (value))
        {
          MW_WINDOW (object)->timeline_visible = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The size and state to open with next time are saved as the window closes, or goes to
 * the background while downloads run (see mw_application_close_to_background()). */
static gboolean
mw_window_close_request (GtkWindow *window)
{
  MwWindow *self = MW_WINDOW (window);
  GSettings *settings = mw_application_get_settings (self->application);
  int width = 0, height = 0;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (settings);

  if (mw_application_close_to_background (self->application, window))
    return TRUE;
  return GTK_WINDOW_CLASS (mw_window_parent_class)->close_request (window);
}

static void
mw_window_class_init (MwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = mw_window_get_property;
  object_class->set_property = mw_window_set_property;
  widget_class->realize = mw_window_realize;
  widget_class->unrealize = mw_window_unrealize;
  window_class->close_request = mw_window_close_request;

  properties[PROP_LOG_VISIBLE] =
    g_param_spec_boolean ("log-visible", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TIMELINE_VISIBLE] =
    g_param_spec_boolean ("timeline-visible", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  object_class->dispose = mw_window_dispose;

  g_type_ensure (MW_TYPE_DOWNLOAD_ROW);
  g_type_ensure (MW_TYPE_EXPERIMENT);
  g_type_ensure (MW_TYPE_FEEDS_PAGE);
  g_type_ensure (MW_TYPE_FREEZE_BANNER);
  g_type_ensure (MW_TYPE_GHOST_LAYER);
  g_type_ensure (MW_TYPE_TIMELINE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/mw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MwWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, downloads_stack);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, log_scroller);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, log_view);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, add_popover);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, url_entry);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, sha256_entry);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, add_error_label);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, demo_button);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, log_lines);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, meter_slot);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, freeze_banner);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, ghost_layer);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, experiment);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, blocking_switch);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, blocking_switch_compact);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, feeds_page);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, subscribe_popover);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, feed_entry);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, subscribe_error_label);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, choices_label);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, choices_box);

  gtk_widget_class_install_action (widget_class, "win.add-download", NULL, add_download_action);
  gtk_widget_class_install_action (widget_class, "win.add-from-entry", NULL, _mw_window_add_from_entry_action);
  gtk_widget_class_install_action (widget_class, "win.subscribe-from-entry", NULL, subscribe_from_entry_action);
  gtk_widget_class_install_action (widget_class, "win.paste-url", NULL, _mw_window_paste_url_action);
  gtk_widget_class_install_action (widget_class, "win.clear-finished", NULL, _mw_window_clear_finished_action);
  /* Stateful: the toggle buttons and the menu item show whether the log is open. */
  gtk_widget_class_install_property_action (widget_class, "win.show-log", "log-visible");
  gtk_widget_class_install_action (widget_class, "win.clear-log", NULL, clear_log_action);
  gtk_widget_class_install_action (widget_class, "win.show-stall", NULL, show_stall_action);
  gtk_widget_class_install_property_action (widget_class, "win.show-timeline", "timeline-visible");

  /* Accelerators, all in one place. Ctrl+V here only fires when no text field took it. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.add-download", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "win.paste-url", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.show-log", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
mw_window_init (MwWindow *self)
{
  GtkDropTarget *drop;
  GtkAdjustment *adjustment;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };

  self->timeline_visible = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->removals = g_ptr_array_new_with_free_func ((GDestroyNotify) _mw_window_removal_free);

  self->log_follows = TRUE;
  self->log_scroll_target = G_MAXUINT;
  adjustment = gtk_scrolled_window_get_vadjustment (self->log_scroller);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (log_scrolled_cb), self, 0);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (log_grew_cb), self, 0);
  g_signal_connect_object (self->log_lines, "items-changed", G_CALLBACK (log_changed_cb), self, 0);
  g_signal_connect_object (self->log_view, "map", G_CALLBACK (log_mapped_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->log_view, "unmap", G_CALLBACK (log_unmapped_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->url_entry, "changed", G_CALLBACK (_mw_window_url_changed_cb), self,
                           G_CONNECT_SWAPPED);

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY | GDK_ACTION_LINK);
  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect (drop, "drop", G_CALLBACK (_mw_window_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

MwWindow *
mw_window_new (MwApplication *application)
{
  MwWindow *self = g_object_new (MW_TYPE_WINDOW, "application", application, NULL);

  setup (self, application);
  return self;
}
