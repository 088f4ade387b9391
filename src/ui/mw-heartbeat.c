/* mw-heartbeat.c: a dot that pulses only while the window can draw
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dot is animated by the frame clock, and GTK produces frames from the main loop: when
 * the main loop is blocked no frame comes, and the dot stops mid-beat where anyone can see
 * it. The same frames give the frame-to-frame gaps that the monitor records beside the
 * main-loop lateness it measures itself. While the monitor rests, so does the dot: a
 * frame a beat would make the whole window draw sixty times a second for nothing.
 */
#define G_LOG_DOMAIN "mw-heartbeat"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-heartbeat.h"

#define SIZE             16
#define BEAT_PERIOD_US   G_USEC_PER_SEC
/* A beat swells quickly and fades slowly, as fractions of the period. */
#define BEAT_RISE        0.08
#define BEAT_DECAY       0.18
#define REST_DIAMETER    8.0
#define PEAK_DIAMETER    14.0
#define REST_ALPHA       0.45
#define PEAK_ALPHA       1.0

struct _MwHeartbeat
{
  GtkWidget   parent_instance;

  MwMonitor  *monitor;

  guint       tick_id;
  gint64      last_frame_time;
  GdkSurface *surface;
  gulong      surface_state_handler;

  /* What the next snapshot draws; the tick changes them only in visible steps. */
  double      diameter;
  double      alpha;
};

G_DEFINE_FINAL_TYPE (MwHeartbeat, mw_heartbeat, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* 1 at the peak of a beat, falling towards 0 until the next one */
static double
beat_strength (gint64 frame_time)
{
  double phase = (double) (frame_time % BEAT_PERIOD_US) / BEAT_PERIOD_US;

  if (phase < BEAT_RISE)
    return sin (phase / BEAT_RISE * G_PI_2);
  return exp (-(phase - BEAT_RISE) / BEAT_DECAY);
}

static gboolean
animations_enabled (GtkWidget *widget)
{
  gboolean enabled = TRUE;

  g_object_get (gtk_widget_get_settings (widget), "gtk-enable-animations", &enabled, NULL);
  return enabled;
}

static gboolean
is_minimized (MwHeartbeat *self)
{
  return self->surface != NULL && GDK_IS_TOPLEVEL (self->surface) &&
         (gdk_toplevel_get_state (GDK_TOPLEVEL (self->surface)) & GDK_TOPLEVEL_STATE_MINIMIZED);
}

static gboolean
mw_heartbeat_tick (GtkWidget     *widget,
                   GdkFrameClock *frame_clock,
                   gpointer       user_data)
{
  MwHeartbeat *self = MW_HEARTBEAT (widget);
  gint64 frame_time = gdk_frame_clock_get_frame_time (frame_clock);
  double strength = beat_strength (frame_time);
  double diameter, alpha;

  /* A minimized window draws no frames on purpose; that pause is not a stall. */
  if (is_minimized (self))
    self->last_frame_time = 0;
  else
    {
      if (self->monitor != NULL && self->last_frame_time != 0 &&
          frame_time > self->last_frame_time)
        mw_monitor_add_frame_gap (self->monitor, frame_time - self->last_frame_time);
      self->last_frame_time = frame_time;
    }

  /* With animations turned off the dot does not swell, but still fades in and out:
   * without any change it could not show that frames stopped. */
  diameter = REST_DIAMETER;
  if (animations_enabled (widget))
    diameter += (PEAK_DIAMETER - REST_DIAMETER) * strength;
  alpha = REST_ALPHA + (PEAK_ALPHA - REST_ALPHA) * strength;

  /* Most of a beat is a slow fade that changes nothing on screen: no need to draw it. */
  diameter = round (diameter * 4) / 4;
  alpha = round (alpha * 64) / 64;
  if (diameter != self->diameter || alpha != self->alpha)
    {
      self->diameter = diameter;
      self->alpha = alpha;
      gtk_widget_queue_draw (widget);
    }

  return G_SOURCE_CONTINUE;
}

static void
surface_state_changed_cb (MwHeartbeat *self)
{
  /* Frames stop as soon as a window is minimized, before a tick could see it: forget
   * the last frame so that the gap up to the first frame after restoring is not counted. */
  if (is_minimized (self))
    self->last_frame_time = 0;
}

/* Beats while it can be seen, unless the monitor rests; resting, it is drawn at its
 * smallest. */
static void
update_beating (MwHeartbeat *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean resting = self->monitor != NULL && mw_monitor_get_rest_when_idle (self->monitor) &&
                     !mw_monitor_get_active (self->monitor);
  gboolean beating = gtk_widget_get_mapped (widget) && !resting;

  if (beating && self->tick_id == 0)
    {
      self->last_frame_time = 0;
      self->tick_id = gtk_widget_add_tick_callback (widget, mw_heartbeat_tick, NULL, NULL);
    }
  else if (!beating && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
      self->last_frame_time = 0;
      self->diameter = REST_DIAMETER;
      self->alpha = REST_ALPHA;
      gtk_widget_queue_draw (widget);
    }
}

static void
mw_heartbeat_map (GtkWidget *widget)
{
  MwHeartbeat *self = MW_HEARTBEAT (widget);
  GtkNative *native;

  GTK_WIDGET_CLASS (mw_heartbeat_parent_class)->map (widget);

  native = gtk_widget_get_native (widget);
  self->surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  if (self->surface != NULL)
    self->surface_state_handler =
      g_signal_connect_swapped (self->surface, "notify::state",
                                G_CALLBACK (surface_state_changed_cb), self);

  update_beating (self);
}

static void
mw_heartbeat_unmap (GtkWidget *widget)
{
  MwHeartbeat *self = MW_HEARTBEAT (widget);

  /* An unmapped dot cannot be seen, and its frames are not ours to measure. */
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  if (self->surface != NULL)
    g_clear_signal_handler (&self->surface_state_handler, self->surface);
  self->surface = NULL;
  self->last_frame_time = 0;

  GTK_WIDGET_CLASS (mw_heartbeat_parent_class)->unmap (widget);
}

static void
mw_heartbeat_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  *minimum = *natural = SIZE;
}

static void
mw_heartbeat_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  MwHeartbeat *self = MW_HEARTBEAT (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  float diameter = (float) self->diameter;
  graphene_rect_t bounds;
  GskRoundedRect dot;
  GdkRGBA color;

  mw_widget_get_color (widget, &color);
  color.alpha *= (float) self->alpha;

  graphene_rect_init (&bounds, (width - diameter) / 2, (height - diameter) / 2,
                      diameter, diameter);
  gsk_rounded_rect_init_from_rect (&dot, &bounds, diameter / 2);
  gtk_snapshot_push_rounded_clip (snapshot, &dot);
  gtk_snapshot_append_color (snapshot, &color, &bounds);
  gtk_snapshot_pop (snapshot);
}

static void
mw_heartbeat_dispose (GObject *object)
{
  MwHeartbeat *self = MW_HEARTBEAT (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->monitor, update_beating, self);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (mw_heartbeat_parent_class)->dispose (object);
}

static void
mw_heartbeat_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MwHeartbeat *self = MW_HEARTBEAT (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_heartbeat_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  MwHeartbeat *self = MW_HEARTBEAT (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      mw_heartbeat_set_monitor (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_heartbeat_class_init (MwHeartbeatClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_heartbeat_dispose;
  object_class->get_property = mw_heartbeat_get_property;
  object_class->set_property = mw_heartbeat_set_property;

  widget_class->map = mw_heartbeat_map;
  widget_class->unmap = mw_heartbeat_unmap;
  widget_class->measure = mw_heartbeat_measure;
  widget_class->snapshot = mw_heartbeat_snapshot;

  /**
   * MwHeartbeat:monitor:
   *
   * Where the gaps between the frames that drew the heartbeat are recorded, if anywhere.
   */
  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL, MW_TYPE_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "heartbeat");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
mw_heartbeat_init (MwHeartbeat *self)
{
  self->diameter = REST_DIAMETER;
  self->alpha = REST_ALPHA;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Heartbeat of the window"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Pulses while the window can draw, stops while it is frozen"),
                                  -1);
}

GtkWidget *
mw_heartbeat_new (MwMonitor *monitor)
{
  g_return_val_if_fail (monitor == NULL || MW_IS_MONITOR (monitor), NULL);

  return g_object_new (MW_TYPE_HEARTBEAT, "monitor", monitor, NULL);
}

MwMonitor *
mw_heartbeat_get_monitor (MwHeartbeat *self)
{
  g_return_val_if_fail (MW_IS_HEARTBEAT (self), NULL);

  return self->monitor;
}

void
mw_heartbeat_set_monitor (MwHeartbeat *self,
                          MwMonitor   *monitor)
{
  g_return_if_fail (MW_IS_HEARTBEAT (self));
  g_return_if_fail (monitor == NULL || MW_IS_MONITOR (monitor));

  if (self->monitor == monitor)
    return;
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->monitor, update_beating, self);
  g_set_object (&self->monitor, monitor);
  if (monitor != NULL)
    {
      g_signal_connect_swapped (monitor, "notify::active", G_CALLBACK (update_beating), self);
      g_signal_connect_swapped (monitor, "notify::rest-when-idle", G_CALLBACK (update_beating), self);
    }
  update_beating (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITOR]);
}
