/* mw-meter.c: how responsive the window is, shown live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The meter shows what a monitor measures: a heartbeat that stops whenever the window
 * cannot draw, the current and worst main-loop lateness, and a small graph of the latest
 * ticks. The monitor ticks a hundred times a second; the graph redraws at most once per
 * frame and the text changes at most ten times a second, as fast as anyone can read it.
 * Right after the main loop was blocked, the text says so for a few seconds. While the
 * monitor rests (nothing in flight, nobody watching) the meter says "Idle" and its graph
 * is dimmed; pointing at it wakes the monitor for as long as the pointer stays.
 */
#define G_LOG_DOMAIN "mw-meter"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-heartbeat.h"
#include "mw-meter.h"

#define MS                      (G_GINT64_CONSTANT (1000))
#define LABEL_UPDATE_INTERVAL   (100 * MS)
#define STALL_NOTICE_MS         5000

/* Label widths in characters: wide enough for the usual texts, so that the numbers
 * changing does not make the header bar shift around them. */
#define LABEL_CHARS             22
#define LABEL_MAX_CHARS         30
#define COMPACT_LABEL_CHARS     6

/* The graph: one bar for the slowest of every few ticks, the newest on the right. */
#define GRAPH_BARS              32
#define GRAPH_BAR_WIDTH         2
#define GRAPH_BAR_GAP           1
#define GRAPH_WIDTH             (GRAPH_BARS * (GRAPH_BAR_WIDTH + GRAPH_BAR_GAP) - GRAPH_BAR_GAP)
#define GRAPH_HEIGHT            24
#define GRAPH_TICKS_PER_BAR     (MW_MONITOR_HISTORY_LENGTH / GRAPH_BARS)
/* Lateness at which a bar reaches the top: longer blocks are all simply long. */
#define GRAPH_TOP_MS            5000.0

static char *
format_duration (gint64 microseconds)
{
  if (microseconds < MS)
    return g_strdup (_("< 1 ms"));
  if (microseconds < 1000 * MS)
    /* Translators: a duration in milliseconds, "140 ms" */
    return g_strdup_printf (_("%d ms"), (int) (microseconds / MS));
  if (microseconds < 60 * 1000 * MS)
    /* Translators: a duration in seconds, with one decimal, "4.2 s" */
    return g_strdup_printf (_("%.1f s"), (double) microseconds / G_USEC_PER_SEC);
  /* Translators: a duration in minutes and seconds, "2 min 5 s" */
  return g_strdup_printf (_("%d min %d s"),
                          (int) (microseconds / (60 * G_USEC_PER_SEC)),
                          (int) (microseconds / G_USEC_PER_SEC % 60));
}

/* --- The graph ---------------------------------------------------------------------- */

#define MW_TYPE_METER_GRAPH (mw_meter_graph_get_type ())
G_DECLARE_FINAL_TYPE (MwMeterGraph, mw_meter_graph, MW, METER_GRAPH, GtkWidget)

struct _MwMeterGraph
{
  GtkWidget  parent_instance;

  MwMonitor *monitor;
};

G_DEFINE_FINAL_TYPE (MwMeterGraph, mw_meter_graph, GTK_TYPE_WIDGET)

/* The height of a bar, in pixels. The scale is logarithmic so that a 2 ms tick and a
 * 4 s block both show, and neither flattens the other. */
static float
graph_bar_height (gint64 lateness,
                  float  height)
{
  double ms = (double) lateness / MS;
  double fraction = log1p (ms) / log1p (GRAPH_TOP_MS);

  return (float) round (CLAMP (fraction, 0.0, 1.0) * height);
}

static void
append_rect (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             float          x,
             float          y,
             float          width,
             float          height)
{
  graphene_rect_t rect;

  graphene_rect_init (&rect, x, y, width, height);
  gtk_snapshot_append_color (snapshot, color, &rect);
}

static void
mw_meter_graph_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  MwMeterGraph *self = MW_METER_GRAPH (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  gint64 history[MW_MONITOR_HISTORY_LENGTH];
  gint64 threshold = G_MAXINT64;
  guint n_samples = 0;
  GdkRGBA fg, bar, faint, warning;
  float x0, y0, threshold_y;

  mw_widget_get_color (widget, &fg);
  /* Theme colours are named in libadwaita's stylesheet; others may not have this one. */
  if (!gtk_style_context_lookup_color (style, "warning_color", &warning))
    gdk_rgba_parse (&warning, "#c64600");
  bar = fg;
  bar.alpha *= 0.6f;
  faint = fg;
  faint.alpha *= 0.2f;

  if (self->monitor != NULL)
    {
      n_samples = mw_monitor_get_history (self->monitor, history, G_N_ELEMENTS (history));
      threshold = mw_monitor_get_stall_threshold (self->monitor);
    }

  /* Centred, should the graph be given more room than it asked for. */
  x0 = floorf ((width - GRAPH_WIDTH) / 2);
  y0 = floorf ((height - MIN (height, GRAPH_HEIGHT)) / 2);
  height = MIN (height, GRAPH_HEIGHT);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x0, y0));

  /* Where a stall begins, so that a warning bar reads as being over a line. */
  threshold_y = height - graph_bar_height (threshold, height);
  append_rect (snapshot, &faint, 0, threshold_y, GRAPH_WIDTH, 1);

  for (guint i = 0; i < GRAPH_BARS; i++)
    {
      /* Bars count back from the newest tick; older ones may not exist yet. */
      guint bars_from_end = GRAPH_BARS - i;
      guint last = bars_from_end * GRAPH_TICKS_PER_BAR;
      float x = i * (GRAPH_BAR_WIDTH + GRAPH_BAR_GAP);
      gint64 slowest = 0;
      gboolean any = FALSE;
      float bar_height;

      for (guint k = 0; k < GRAPH_TICKS_PER_BAR; k++)
        {
          guint back = last - k;   /* 1 is the newest tick */

          if (back > n_samples)
            continue;
          slowest = MAX (slowest, history[n_samples - back]);
          any = TRUE;
        }

      if (!any)
        {
          append_rect (snapshot, &faint, x, height - 1, GRAPH_BAR_WIDTH, 1);
          continue;
        }

      bar_height = MAX (1, graph_bar_height (slowest, height));
      append_rect (snapshot, slowest >= threshold ? &warning : &bar,
                   x, height - bar_height, GRAPH_BAR_WIDTH, bar_height);
    }

  gtk_snapshot_restore (snapshot);
}

static void
mw_meter_graph_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? GRAPH_WIDTH : GRAPH_HEIGHT;
}

static void
mw_meter_graph_dispose (GObject *object)
{
  g_clear_object (&MW_METER_GRAPH (object)->monitor);

  G_OBJECT_CLASS (mw_meter_graph_parent_class)->dispose (object);
}

static void
mw_meter_graph_class_init (MwMeterGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_meter_graph_dispose;
  widget_class->snapshot = mw_meter_graph_snapshot;
  widget_class->measure = mw_meter_graph_measure;

  gtk_widget_class_set_css_name (widget_class, "graph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
mw_meter_graph_init (MwMeterGraph *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Graph of how late the window answered in the last seconds"),
                                  -1);
}

static void
mw_meter_graph_set_monitor (MwMeterGraph *self,
                            MwMonitor    *monitor)
{
  if (g_set_object (&self->monitor, monitor))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* --- The meter ---------------------------------------------------------------------- */

struct _MwMeter
{
  GtkWidget     parent_instance;

  MwMonitor    *monitor;
  gboolean      compact;
  /* The meter holds its monitor awake while the pointer is over it. */
  gboolean      holding;

  GtkWidget    *heartbeat;
  MwMeterGraph *graph;
  GtkLabel     *label;

  /* The slowest tick since the text last changed, and the one it shows. */
  gint64        recent_lateness;
  gint64        shown_lateness;
  gint64        last_label_update;

  gint64        stall_duration;
  char         *stall_text;
  guint         stall_notice_id;
  char         *tooltip;
};

G_DEFINE_FINAL_TYPE (MwMeter, mw_meter, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MONITOR,
  PROP_COMPACT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_tooltip (MwMeter    *self,
             const char *tooltip)
{
  /* Setting a tooltip, even the same one, updates the accessible description too. */
  if (g_strcmp0 (self->tooltip, tooltip) == 0)
    return;
  g_free (self->tooltip);
  self->tooltip = g_strdup (tooltip);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
}

static void
update_text (MwMeter *self)
{
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;

  if (self->monitor == NULL)
    {
      text = g_strdup (_("Not measuring"));
    }
  else if (self->stall_text == NULL && mw_monitor_get_rest_when_idle (self->monitor) &&
           !mw_monitor_get_active (self->monitor))
    {
      g_autofree char *worst = format_duration (mw_monitor_get_worst_lateness (self->monitor));

      /* Translators: the meter while nothing is in flight and it does not measure */
      text = g_strdup (C_("meter", "Idle"));
      /* Translators: the meter's tooltip while it rests; %s is how late the window
       * answered at worst so far, "140 ms" */
      tooltip = g_strdup_printf (_("Nothing to measure: the meter rests while nothing is running\n"
                                   "At worst so far, the window answered %s late"),
                                 worst);
    }
  else if (self->stall_text != NULL)
    {
      /* Where there is no room for the sentence, the duration in the warning colour
       * still stands out from the usual figure; the tooltip says the rest. */
      if (self->compact)
        text = format_duration (self->stall_duration);
      else
        text = g_strdup (self->stall_text);
      tooltip = g_strdup (self->stall_text);
    }
  else
    {
      g_autofree char *now = format_duration (self->shown_lateness);
      g_autofree char *worst = format_duration (mw_monitor_get_worst_lateness (self->monitor));

      if (self->compact)
        text = g_steal_pointer (&now);
      else
        /* Translators: how late the window answers now, and the worst so far:
         * "Now 2 ms · worst 140 ms" */
        text = g_strdup_printf (_("Now %s · worst %s"), now, worst);
      /* Translators: the meter's tooltip; %s is how late the window answered at worst
       * so far, "140 ms" */
      tooltip = g_strdup_printf (_("How late the window answers clicks and keys: %s at worst "
                                   "so far\nThe dot stops pulsing while the window is frozen"),
                                 worst);
    }

  if (g_strcmp0 (gtk_label_get_label (self->label), text) != 0)
    gtk_label_set_label (self->label, text);
  set_tooltip (self, tooltip);

  if (self->stall_text != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->label), "warning");
}

static void
monitor_tick_cb (MwMonitor *monitor,
                 gint64     lateness,
                 MwMeter   *self)
{
  gint64 now = g_get_monotonic_time ();

  /* GTK draws queued widgets once, on the next frame, however often this runs. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self->graph)))
    gtk_widget_queue_draw (GTK_WIDGET (self->graph));

  /* The text shows the slowest tick of each interval: the latest alone would hide
   * short hiccups between two updates. */
  self->recent_lateness = MAX (self->recent_lateness, lateness);
  if (now - self->last_label_update < LABEL_UPDATE_INTERVAL)
    return;

  self->shown_lateness = self->recent_lateness;
  self->recent_lateness = 0;
  self->last_label_update = now;
  update_text (self);
}

static gboolean
stall_notice_expired_cb (gpointer user_data)
{
  MwMeter *self = user_data;

  self->stall_notice_id = 0;
  g_clear_pointer (&self->stall_text, g_free);
  update_text (self);
  return G_SOURCE_REMOVE;
}

static void
monitor_stall_cb (MwMonitor *monitor,
                  gint64     duration,
                  MwMeter   *self)
{
  g_autofree char *formatted = format_duration (duration);

  /* Said at once, not at the next update: this is the moment the user is waiting for. */
  self->stall_duration = duration;
  g_free (self->stall_text);
  /* Translators: shown in the meter right after the window could not react for a
   * while; %s is "4.2 s" */
  self->stall_text = g_strdup_printf (_("Frozen for %s"), formatted);

  g_clear_handle_id (&self->stall_notice_id, g_source_remove);
  self->stall_notice_id = g_timeout_add (STALL_NOTICE_MS, stall_notice_expired_cb, self);
  g_source_set_name_by_id (self->stall_notice_id, "[meanwhile] meter stall notice");

  update_text (self);
}

static void
monitor_active_cb (MwMeter *self)
{
  if (mw_monitor_get_active (self->monitor) || !mw_monitor_get_rest_when_idle (self->monitor))
    gtk_widget_remove_css_class (GTK_WIDGET (self->graph), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->graph), "dim-label");
  update_text (self);
}

static void
set_holding (MwMeter  *self,
             gboolean  holding)
{
  if (self->holding == holding || self->monitor == NULL)
    return;
  self->holding = holding;
  if (holding)
    mw_monitor_hold (self->monitor);
  else
    mw_monitor_release (self->monitor);
}

static void
pointer_enter_cb (MwMeter *self)
{
  set_holding (self, TRUE);
}

static void
pointer_leave_cb (MwMeter *self)
{
  set_holding (self, FALSE);
}

static void
mw_meter_dispose (GObject *object)
{
  MwMeter *self = MW_METER (object);
  GtkWidget *child;

  g_clear_handle_id (&self->stall_notice_id, g_source_remove);
  set_holding (self, FALSE);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->heartbeat = NULL;
  self->graph = NULL;
  self->label = NULL;

  G_OBJECT_CLASS (mw_meter_parent_class)->dispose (object);
}

static void
mw_meter_finalize (GObject *object)
{
  MwMeter *self = MW_METER (object);

  g_free (self->stall_text);
  g_free (self->tooltip);

  G_OBJECT_CLASS (mw_meter_parent_class)->finalize (object);
}

static void
mw_meter_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  MwMeter *self = MW_METER (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_COMPACT:
      g_value_set_boolean (value, self->compact);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_meter_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  MwMeter *self = MW_METER (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      mw_meter_set_monitor (self, g_value_get_object (value));
      break;
    case PROP_COMPACT:
      mw_meter_set_compact (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_meter_class_init (MwMeterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_meter_dispose;
  object_class->finalize = mw_meter_finalize;
  object_class->get_property = mw_meter_get_property;
  object_class->set_property = mw_meter_set_property;

  /**
   * MwMeter:monitor:
   *
   * The monitor whose measurements the meter shows, and to which its heartbeat reports
   * the gaps between frames.
   */
  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL, MW_TYPE_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * MwMeter:compact:
   *
   * Whether to show only the heartbeat and the current lateness, for narrow windows.
   */
  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "meter");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mw_meter_init (MwMeter *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *motion;

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget)), 6);

  self->heartbeat = mw_heartbeat_new (NULL);
  gtk_widget_set_valign (self->heartbeat, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (self->heartbeat, widget);

  self->graph = g_object_new (MW_TYPE_METER_GRAPH, NULL);
  gtk_widget_set_valign (GTK_WIDGET (self->graph), GTK_ALIGN_CENTER);
  gtk_widget_set_parent (GTK_WIDGET (self->graph), widget);

  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_ellipsize (self->label, PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (self->label, LABEL_CHARS);
  gtk_label_set_max_width_chars (self->label, LABEL_MAX_CHARS);
  /* Digits of one width, or the text would wobble at every update. */
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "caption");
  gtk_widget_set_parent (GTK_WIDGET (self->label), widget);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Responsiveness meter"),
                                  -1);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (motion, "enter", G_CALLBACK (pointer_enter_cb), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (pointer_leave_cb), self);
  gtk_widget_add_controller (widget, motion);

  update_text (self);
}

GtkWidget *
mw_meter_new (MwMonitor *monitor)
{
  g_return_val_if_fail (monitor == NULL || MW_IS_MONITOR (monitor), NULL);

  return g_object_new (MW_TYPE_METER, "monitor", monitor, NULL);
}

MwMonitor *
mw_meter_get_monitor (MwMeter *self)
{
  g_return_val_if_fail (MW_IS_METER (self), NULL);

  return self->monitor;
}

void
mw_meter_set_monitor (MwMeter   *self,
                      MwMonitor *monitor)
{
  g_return_if_fail (MW_IS_METER (self));
  g_return_if_fail (monitor == NULL || MW_IS_MONITOR (monitor));

  if (self->monitor == monitor)
    return;

  set_holding (self, FALSE);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_set_object (&self->monitor, monitor);
  if (monitor != NULL)
    {
      g_signal_connect (monitor, "tick", G_CALLBACK (monitor_tick_cb), self);
      g_signal_connect (monitor, "stall", G_CALLBACK (monitor_stall_cb), self);
      g_signal_connect_swapped (monitor, "notify::active", G_CALLBACK (monitor_active_cb), self);
      g_signal_connect_swapped (monitor, "notify::rest-when-idle", G_CALLBACK (monitor_active_cb), self);
    }

  mw_heartbeat_set_monitor (MW_HEARTBEAT (self->heartbeat), monitor);
  mw_meter_graph_set_monitor (self->graph, monitor);

  /* A stall of another monitor is not news about this one. */
  g_clear_handle_id (&self->stall_notice_id, g_source_remove);
  g_clear_pointer (&self->stall_text, g_free);
  self->recent_lateness = 0;
  self->shown_lateness = monitor != NULL ? mw_monitor_get_current_lateness (monitor) : 0;
  self->last_label_update = g_get_monotonic_time ();
  if (monitor != NULL)
    monitor_active_cb (self);
  else
    update_text (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITOR]);
}

gboolean
mw_meter_get_compact (MwMeter *self)
{
  g_return_val_if_fail (MW_IS_METER (self), FALSE);

  return self->compact;
}

void
mw_meter_set_compact (MwMeter  *self,
                      gboolean  compact)
{
  g_return_if_fail (MW_IS_METER (self));

  compact = !!compact;
  if (self->compact == compact)
    return;

  self->compact = compact;
  gtk_widget_set_visible (GTK_WIDGET (self->graph), !compact);
  gtk_label_set_width_chars (self->label, compact ? COMPACT_LABEL_CHARS : LABEL_CHARS);
  gtk_label_set_max_width_chars (self->label, compact ? -1 : LABEL_MAX_CHARS);
  update_text (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT]);
}

/* Returns: the text the meter shows now */
const char *
mw_meter_get_text (MwMeter *self)
{
  g_return_val_if_fail (MW_IS_METER (self), NULL);

  return gtk_label_get_label (self->label);
}

/* Returns: (nullable): "Frozen for …" while the meter reports a recent stall */
const char *
mw_meter_get_stall_text (MwMeter *self)
{
  g_return_val_if_fail (MW_IS_METER (self), NULL);

  return self->stall_text;
}
