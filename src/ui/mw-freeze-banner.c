/* mw-freeze-banner.c: what freezing mode will do, and what it did
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on the main thread, under the header bar. While freezing mode is on, the banner
 * says what the next download or refresh will do to the window before it happens. After
 * the main loop was blocked, it says for how long, how many frames that cost and how
 * many clicks and key presses had to wait — the part of a freeze nobody sees while it
 * lasts. Input that waited is recognised by its own timestamp: the display server
 * stamps each event when it happens, and GTK only gets to handle it after the stall.
 * Screen readers hear the report: it is announced where GTK can announce (4.14), and
 * the banner, a status bar to AT-SPI, is always named by what it says.
 */
#define G_LOG_DOMAIN "mw-freeze-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-format.h"
#include "mw-freeze-banner.h"

/* Stalls shorter than these are not worth a banner: in freezing mode, where the lesson
 * is, a quarter of a second is already plain to see; otherwise a stall must be long. */
#define REPORT_THRESHOLD_FREEZING_US  (250 * G_USEC_PER_SEC / 1000)
#define REPORT_THRESHOLD_US           (1 * G_USEC_PER_SEC)
/* Freezes this close together are one experience (the transfers of one queue). */
#define REPORT_JOIN_US                (2 * G_USEC_PER_SEC)
/* Input queued during a stall is handled right after the monitor's first tick; the
 * report waits this long so that it can count it. */
#define REPORT_DELAY_MS               300
/* Slack for the display server's coarse clock, when placing input inside a freeze. */
#define INPUT_CLOCK_SLACK_US          (20 * G_USEC_PER_SEC / 1000)

struct _MwFreezeBanner
{
  GtkWidget           parent_instance;

  GtkRevealer        *revealer;
  GtkLabel           *label;
  GtkWidget          *details_button;
  GtkWidget          *close_button;

  MwApplication      *application;
  MwMonitor          *monitor;
  GtkEventController *input_controller;
  char               *text;

  /* The report of the latest freeze, possibly several stalls in a row. */
  gboolean            reporting;
  guint               report_source;
  guint               report_stalls;
  gint64              report_total;
  gint64              report_start;
  gint64              report_end;
  guint               report_inputs;
  double              frame_rate;
};

G_DEFINE_FINAL_TYPE (MwFreezeBanner, mw_freeze_banner, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_WAITED_INPUTS,
  N_PROPS
};

enum {
  INPUT_WAITED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
blocking_mode (MwFreezeBanner *self)
{
  g_autoptr(GVariant) state = NULL;

  if (self->application == NULL)
    return FALSE;
  state = g_action_group_get_action_state (G_ACTION_GROUP (self->application), "blocking-mode");
  return state != NULL && g_variant_get_boolean (state);
}

static gboolean
anything_to_do (MwFreezeBanner *self)
{
  GListModel *downloads = G_LIST_MODEL (mw_application_get_downloads (self->application));
  guint n = g_list_model_get_n_items (downloads);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (downloads, i);

      if (!mw_download_is_finished (download) &&
          mw_download_get_state (download) != MW_DOWNLOAD_PAUSED)
        return TRUE;
    }
  return FALSE;
}

static char *
dup_report_text (MwFreezeBanner *self)
{
  g_autofree char *length = mw_format_duration (self->report_total);
  g_autofree char *frozen = NULL;
  g_autofree char *frames = NULL;
  g_autofree char *inputs = NULL;
  guint n_frames = (guint) (self->report_total * self->frame_rate / G_USEC_PER_SEC);

  if (self->report_stalls == 1)
    /* Translators: %s is a duration, "16.7 s" */
    frozen = g_strdup_printf (_("The window was frozen for %s."), length);
  else
    /* Translators: the first %u counts freezes in a row, %s is their total length */
    frozen = g_strdup_printf (ngettext ("The window was frozen %u time, %s in all.",
                                        "The window was frozen %u times, %s in all.",
                                        self->report_stalls),
                              self->report_stalls, length);
  frames = g_strdup_printf (ngettext ("About %u frame was not drawn",
                                      "About %u frames were not drawn", n_frames), n_frames);
  if (self->report_inputs == 0)
    inputs = g_strdup (_("no click or key press had to wait."));
  else
    inputs = g_strdup_printf (ngettext ("%u click or key press waited for it.",
                                        "%u clicks or key presses waited for it.",
                                        self->report_inputs),
                              self->report_inputs);
  /* Translators: "The window was frozen for 16.7 s." "About 1003 frames were not drawn"
   * "3 clicks or key presses waited for it." */
  return g_strdup_printf (_("%s %s, and %s"), frozen, frames, inputs);
}

static void
update (MwFreezeBanner *self)
{
  g_autofree char *text = NULL;

  if (self->application == NULL)
    return;

  if (self->reporting)
    text = dup_report_text (self);
  else if (blocking_mode (self) && anything_to_do (self))
    text = g_strdup (_("Freezing mode is on: the window will wait while the next download "
                       "works — you won’t be able to click anything, not even the switch, "
                       "until it is done."));
  else if (blocking_mode (self))
    text = g_strdup (_("Freezing mode is on, and nothing is running. Start a download or refresh "
                       "the feeds, then try to drag the window or click a button."));

  gtk_widget_set_visible (self->details_button, self->reporting);
  gtk_widget_set_visible (self->close_button, self->reporting);
  /* The banner's name is what it says: a screen reader's command to read the status bar
   * reads it, and AT-SPI tells of each change. */
  if (text != NULL && g_strcmp0 (text, self->text) != 0)
    {
      gtk_label_set_label (self->label, text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
    }
  g_free (self->text);
  self->text = g_steal_pointer (&text);
  /* Hidden, it takes no room at all: a crossfading revealer would keep its height. */
  gtk_widget_set_visible (GTK_WIDGET (self), self->text != NULL);
  gtk_revealer_set_reveal_child (self->revealer, self->text != NULL);
}

/* A freeze is said aloud once, when its report appears; clicks counted later only
 * change the text. */
static gboolean
report_cb (gpointer user_data)
{
  MwFreezeBanner *self = user_data;

  self->report_source = 0;
  self->reporting = TRUE;
  update (self);
  if (self->text != NULL)
    mw_accessible_announce (GTK_ACCESSIBLE (self), self->text);
  return G_SOURCE_REMOVE;
}

static double
frame_rate (MwFreezeBanner *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native ? gtk_native_get_surface (native) : NULL;
  GdkMonitor *monitor = NULL;
  int millihertz = 0;

  if (surface != NULL)
    monitor = gdk_display_get_monitor_at_surface (gdk_surface_get_display (surface), surface);
  if (monitor != NULL)
    millihertz = gdk_monitor_get_refresh_rate (monitor);
  return millihertz > 0 ? millihertz / 1000.0 : 60.0;
}

static void
stall_cb (MwMonitor      *monitor,
          gint64          duration,
          MwFreezeBanner *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 threshold = blocking_mode (self) ? REPORT_THRESHOLD_FREEZING_US : REPORT_THRESHOLD_US;

  if (duration < threshold)
    return;

  if (self->report_stalls == 0 || now - duration - self->report_end > REPORT_JOIN_US)
    {
      self->report_stalls = 0;
      self->report_total = 0;
      self->report_start = now - duration;
      if (self->report_inputs != 0)
        {
          self->report_inputs = 0;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITED_INPUTS]);
        }
    }
  self->report_stalls++;
  self->report_total += duration;
  self->report_end = now;
  self->frame_rate = frame_rate (self);

  g_clear_handle_id (&self->report_source, g_source_remove);
  self->report_source = g_timeout_add (REPORT_DELAY_MS, report_cb, self);
}

/* GDK's event times are the display server's milliseconds, on the same monotonic clock
 * as GLib's on Linux (X.Org and Wayland compositors alike), in 32 bits. */
static gint64
input_waited_ms (GdkEvent *event)
{
  guint32 now_ms = (guint32) (g_get_monotonic_time () / 1000);
  guint32 event_ms = gdk_event_get_time (event);

  if (event_ms == GDK_CURRENT_TIME)
    return -1;
  return (gint32) (now_ms - event_ms);
}

static gboolean
input_cb (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          MwFreezeBanner           *self)
{
  GdkEventType type = gdk_event_get_event_type (event);
  gint64 waited, now, happened;

  /* A click is counted by its release: of two presses queued during one stall, GTK 4.8
   * was seen to hand the window's controllers only the first, but both releases. */
  if (type != GDK_BUTTON_RELEASE && type != GDK_KEY_PRESS && type != GDK_TOUCH_END)
    return GDK_EVENT_PROPAGATE;

  waited = input_waited_ms (event);
  now = g_get_monotonic_time ();
  happened = now - waited * 1000;
  /* Input that happened while the window was frozen (from the first stall of the freeze
   * being reported to the end of its latest), not input the clock cannot place. */
  if (self->report_stalls > 0 && waited >= 0 &&
      happened >= self->report_start - INPUT_CLOCK_SLACK_US &&
      happened <= self->report_end + INPUT_CLOCK_SLACK_US &&
      now - self->report_end < REPORT_JOIN_US)
    {
      double x, y;

      self->report_inputs++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITED_INPUTS]);
      if (self->reporting && self->report_source == 0)
        update (self);
      if (type != GDK_KEY_PRESS && gdk_event_get_position (event, &x, &y))
        {
          GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
          double dx = 0, dy = 0;

          /* Events are in the surface's coordinates, which include the shadow. */
          if (native != NULL)
            gtk_native_get_surface_transform (native, &dx, &dy);
          g_signal_emit (self, signals[INPUT_WAITED], 0, x - dx, y - dy, waited * 1000);
        }
    }
  return GDK_EVENT_PROPAGATE;
}

static void
state_changed_cb (MwFreezeBanner *self)
{
  update (self);
}

/* The window opens its event log at the latest stall. */
static void
details_clicked_cb (MwFreezeBanner *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-stall", NULL);
}

static void
close_clicked_cb (MwFreezeBanner *self)
{
  self->reporting = FALSE;
  self->report_stalls = 0;
  update (self);
}

void
mw_freeze_banner_set_application (MwFreezeBanner *self,
                                  MwApplication  *application)
{
  MwDownloadList *downloads;

  g_return_if_fail (MW_IS_FREEZE_BANNER (self));
  g_return_if_fail (self->application == NULL);

  self->application = application;
  self->monitor = g_object_ref (mw_application_get_monitor (application));
  downloads = mw_application_get_downloads (application);
  g_signal_connect_object (application, "action-state-changed::blocking-mode", G_CALLBACK (state_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (downloads, "items-changed", G_CALLBACK (state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (downloads, "download-finished", G_CALLBACK (state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "stall", G_CALLBACK (stall_cb), self, 0);
  update (self);
}

/* Returns: what the banner says, or %NULL while it is hidden */
const char *
mw_freeze_banner_get_text (MwFreezeBanner *self)
{
  g_return_val_if_fail (MW_IS_FREEZE_BANNER (self), NULL);
  return self->text;
}

gboolean
mw_freeze_banner_get_revealed (MwFreezeBanner *self)
{
  g_return_val_if_fail (MW_IS_FREEZE_BANNER (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}

/* Returns: the clicks and key presses that waited for the freeze being reported */
guint
mw_freeze_banner_get_waited_inputs (MwFreezeBanner *self)
{
  g_return_val_if_fail (MW_IS_FREEZE_BANNER (self), 0);
  return self->report_inputs;
}

/* Input to the whole window is watched from the banner, before any widget handles it. */
static void
mw_freeze_banner_root (GtkWidget *widget)
{
  MwFreezeBanner *self = MW_FREEZE_BANNER (widget);

  GTK_WIDGET_CLASS (mw_freeze_banner_parent_class)->root (widget);
  self->input_controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (self->input_controller, GTK_PHASE_CAPTURE);
  g_signal_connect (self->input_controller, "event", G_CALLBACK (input_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (gtk_widget_get_root (widget)), self->input_controller);
}

static void
mw_freeze_banner_unroot (GtkWidget *widget)
{
  MwFreezeBanner *self = MW_FREEZE_BANNER (widget);

  if (self->input_controller != NULL)
    gtk_widget_remove_controller (GTK_WIDGET (gtk_widget_get_root (widget)), self->input_controller);
  self->input_controller = NULL;
  GTK_WIDGET_CLASS (mw_freeze_banner_parent_class)->unroot (widget);
}

static void
mw_freeze_banner_dispose (GObject *object)
{
  MwFreezeBanner *self = MW_FREEZE_BANNER (object);

  g_clear_handle_id (&self->report_source, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  self->application = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), MW_TYPE_FREEZE_BANNER);

  G_OBJECT_CLASS (mw_freeze_banner_parent_class)->dispose (object);
}

static void
mw_freeze_banner_finalize (GObject *object)
{
  MwFreezeBanner *self = MW_FREEZE_BANNER (object);

  g_free (self->text);

  G_OBJECT_CLASS (mw_freeze_banner_parent_class)->finalize (object);
}

static void
mw_freeze_banner_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_WAITED_INPUTS:
      g_value_set_uint (value, MW_FREEZE_BANNER (object)->report_inputs);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_freeze_banner_class_init (MwFreezeBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_freeze_banner_dispose;
  object_class->finalize = mw_freeze_banner_finalize;
  object_class->get_property = mw_freeze_banner_get_property;

  /**
   * MwFreezeBanner:waited-inputs:
   *
   * The clicks and key presses that waited for the freeze being reported; it goes back
   * to 0 when the next freeze starts a report of its own.
   */
  properties[PROP_WAITED_INPUTS] =
    g_param_spec_uint ("waited-inputs", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  widget_class->root = mw_freeze_banner_root;
  widget_class->unroot = mw_freeze_banner_unroot;

  /**
   * MwFreezeBanner::input-waited:
   * @x: where, in the coordinates of the banner's window
   * @y: where
   * @waited: how long it waited for the main loop, in microseconds
   *
   * Emitted for each click that waited for a freeze being reported.
   */
  signals[INPUT_WAITED] = g_signal_new ("input-waited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 3,
                                        G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/meanwhileapp/Meanwhile/mw-freeze-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, MwFreezeBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, MwFreezeBanner, label);
  gtk_widget_class_bind_template_child (widget_class, MwFreezeBanner, details_button);
  gtk_widget_class_bind_template_child (widget_class, MwFreezeBanner, close_button);
  gtk_widget_class_bind_template_callback (widget_class, details_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
mw_freeze_banner_init (MwFreezeBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
