/* mw-window.c: the main window: its parts put together, wired to the application, and
 * its life; on the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-adaptive.h"
#include "mw-compat.h"
#include "mw-download-row.h"
#include "mw-experiment.h"
#include "mw-feeds-page.h"
#include "mw-freeze-banner.h"
#include "mw-ghost-layer.h"
#include "mw-meter.h"
#include "mw-timeline-view.h"
#include "mw-window.h"
#include "mw-window-private.h"

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

void
_mw_window_set_log_visible (MwWindow *self,
                            gboolean  visible)
{
  visible = !!visible;
  if (self->log_visible == visible)
    return;
  self->log_visible = visible;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_VISIBLE]);
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
  g_signal_connect_object (self->downloads, "download-finished", G_CALLBACK (_mw_window_download_finished_cb), self, 0);
  _mw_window_log_setup (self, application);
  _mw_window_downloads_setup (self);
  _mw_window_update_empty_state (self);

  meter = g_object_new (MW_TYPE_METER, "monitor", monitor, NULL);
  gtk_box_append (self->meter_slot, meter);
  mw_freeze_banner_set_application (self->freeze_banner, application);
  g_signal_connect_object (self->freeze_banner, "input-waited", G_CALLBACK (input_waited_cb), self, 0);
  mw_experiment_set_application (self->experiment, application, self->freeze_banner);
  mw_experiment_point_at (self->experiment, self->blocking_switch);

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
  g_signal_connect_object (self->view_stack, "notify::visible-child-name", G_CALLBACK (_mw_window_page_changed_cb), self,
                           G_CONNECT_SWAPPED);
  _mw_window_page_changed_cb (self);

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
      _mw_window_set_log_visible (MW_WINDOW (object), g_value_get_boolean (value));
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

  g_type_ensure (MW_TYPE_TOOLBAR);
  g_type_ensure (MW_TYPE_SIDE_PANEL);
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
  gtk_widget_class_bind_template_child (widget_class, MwWindow, blocking_label);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, toolbar);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, feeds_page);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, subscribe_popover);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, feed_entry);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, subscribe_error_label);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, choices_label);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, choices_box);
  _mw_window_header_class_init (widget_class);

  gtk_widget_class_install_action (widget_class, "win.add-download", NULL, _mw_window_add_download_action);
  gtk_widget_class_install_action (widget_class, "win.add-from-entry", NULL, _mw_window_add_from_entry_action);
  gtk_widget_class_install_action (widget_class, "win.subscribe-from-entry", NULL,
                                   _mw_window_subscribe_from_entry_action);
  gtk_widget_class_install_action (widget_class, "win.paste-url", NULL, _mw_window_paste_url_action);
  gtk_widget_class_install_action (widget_class, "win.clear-finished", NULL, _mw_window_clear_finished_action);
  /* Stateful: the toggle buttons and the menu item show whether the log is open. */
  gtk_widget_class_install_property_action (widget_class, "win.show-log", "log-visible");
  gtk_widget_class_install_action (widget_class, "win.clear-log", NULL, _mw_window_clear_log_action);
  gtk_widget_class_install_action (widget_class, "win.show-stall", NULL, _mw_window_show_stall_action);
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
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };

  self->timeline_visible = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->removals = g_ptr_array_new_with_free_func ((GDestroyNotify) _mw_window_removal_free);
  mw_adaptive_page_switcher (GTK_WINDOW (self), self->toolbar, self->header_bar, self->view_stack,
                             self->switcher_bar, self->blocking_label);

  _mw_window_log_init (self);
  /* Every button a screen reader would hear as "_Download", and the popover that is not
   * the add button's now: only one is in the window. */
  mw_name_mnemonic_buttons (GTK_WIDGET (self));
  if (gtk_widget_get_parent (GTK_WIDGET (self->add_popover)) == NULL)
    mw_name_mnemonic_buttons (GTK_WIDGET (self->add_popover));
  if (gtk_widget_get_parent (GTK_WIDGET (self->subscribe_popover)) == NULL)
    mw_name_mnemonic_buttons (GTK_WIDGET (self->subscribe_popover));

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
