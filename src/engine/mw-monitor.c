/* mw-monitor.c: how responsive the main loop is, measured from inside it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A high-priority timer asks to run every few milliseconds; how late it actually runs is
 * how long the main loop was busy with something else: a window cannot redraw, nor react
 * to a click, any sooner. All times are in microseconds.
 *
 * A hundred wakeups a second cost little, but not nothing, and an application left open
 * all day should cost nothing while it waits. Told to rest when idle, the monitor probes
 * only while someone holds it (work in flight, someone watching) and for a few seconds
 * after, so that the end of the work still shows; between, no timer runs at all.
 */
#define G_LOG_DOMAIN "mw-monitor"

#include "config.h"

#include <stdlib.h>

#include "mw-monitor.h"
#include "mw-timeline.h"

#define DEFAULT_STALL_THRESHOLD_US (100 * 1000)
/* How long the probe goes on after the last hold is released. */
#define REST_DELAY_MS 3000
/* Percentiles cover this many of the latest ticks (a few minutes at the default rate). */
#define MAX_SAMPLES 16384

struct _MwMonitor
{
  GObject  parent_instance;

  guint    interval_ms;
  GSource *source;
  gint64   expected;

  gboolean started;
  gboolean rest_when_idle;
  guint    holds;
  gint64   awake_until;
  GSource *rest_source;

  gint64   current;
  gint64   worst;
  gint64   last_stall;
  gint64   stall_threshold;

  gint64   history[MW_MONITOR_HISTORY_LENGTH];
  guint    history_next;
  guint    history_len;

  gint64  *samples;
  guint    samples_next;
  guint    samples_len;

  gint64   current_frame_gap;
  gint64   worst_frame_gap;
};

G_DEFINE_FINAL_TYPE (MwMonitor, mw_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_CURRENT_LATENESS,
  PROP_WORST_LATENESS,
  PROP_LAST_STALL,
  PROP_CURRENT_FRAME_GAP,
  PROP_WORST_FRAME_GAP,
  PROP_ACTIVE,
  PROP_REST_WHEN_IDLE,
  N_PROPS
};

enum {
  TICK,
  STALL,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
record (MwMonitor *self,
        gint64     lateness)
{
  self->current = lateness;
  self->history[self->history_next] = lateness;
  self->history_next = (self->history_next + 1) % MW_MONITOR_HISTORY_LENGTH;
  self->history_len = MIN (self->history_len + 1, MW_MONITOR_HISTORY_LENGTH);

  self->samples[self->samples_next] = lateness;
  self->samples_next = (self->samples_next + 1) % MAX_SAMPLES;
  self->samples_len = MIN (self->samples_len + 1, MAX_SAMPLES);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_LATENESS]);
  if (lateness > self->worst)
    {
      self->worst = lateness;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORST_LATENESS]);
    }
  if (lateness >= self->stall_threshold)
    {
      self->last_stall = lateness;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_STALL]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  g_signal_emit (self, signals[TICK], 0, lateness);
  if (lateness >= self->stall_threshold)
    {
      gint64 now = g_get_monotonic_time ();

      mw_timeline_add_stall (mw_timeline_get_default (), now - lateness, now);
      g_signal_emit (self, signals[STALL], 0, lateness);
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  MwMonitor *self = user_data;
  gint64 now = g_get_monotonic_time ();

  record (self, MAX (0, now - self->expected));
  /* GLib schedules the next dispatch from this iteration's time, so that is our
   * reference, not the time we were due. */
  self->expected = g_source_get_time (self->source) + (gint64) self->interval_ms * 1000;
  return G_SOURCE_CONTINUE;
}

static void update_probe (MwMonitor *self);

static gboolean
rest_cb (gpointer user_data)
{
  MwMonitor *self = user_data;

  g_clear_pointer (&self->rest_source, g_source_unref);
  update_probe (self);
  return G_SOURCE_REMOVE;
}

/* Starts or stops the probe as the holds and the wake time ask, and when it runs with
 * nothing holding it, sets one timer for the moment it may rest. */
static void
update_probe (MwMonitor *self)
{
  gint64 now = g_get_monotonic_time ();
  gboolean wanted = self->started &&
                    (!self->rest_when_idle || self->holds > 0 || now < self->awake_until);

  if (self->rest_source != NULL)
    {
      g_source_destroy (self->rest_source);
      g_clear_pointer (&self->rest_source, g_source_unref);
    }

  if (wanted && self->source == NULL)
    {
      self->source = g_timeout_source_new (self->interval_ms);
      g_source_set_priority (self->source, G_PRIORITY_HIGH);
      g_source_set_name (self->source, "[meanwhile] responsiveness monitor");
      g_source_set_callback (self->source, tick_cb, self, NULL);
      g_source_attach (self->source, g_main_context_get_thread_default ());
      self->expected = now + (gint64) self->interval_ms * 1000;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
    }
  else if (!wanted && self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
    }

  if (wanted && self->rest_when_idle && self->holds == 0)
    {
      self->rest_source = g_timeout_source_new ((guint) ((self->awake_until - now) / 1000) + 1);
      g_source_set_name (self->rest_source, "[meanwhile] responsiveness monitor, rest");
      g_source_set_callback (self->rest_source, rest_cb, self, NULL);
      g_source_attach (self->rest_source, g_main_context_get_thread_default ());
    }
}

void
mw_monitor_start (MwMonitor *self)
{
  g_return_if_fail (MW_IS_MONITOR (self));

  if (self->started)
    return;
  self->started = TRUE;
  update_probe (self);
}

void
mw_monitor_stop (MwMonitor *self)
{
  g_return_if_fail (MW_IS_MONITOR (self));

  self->started = FALSE;
  update_probe (self);
}

/* Returns: whether the probe is running now */
gboolean
mw_monitor_get_active (MwMonitor *self)
{
  g_return_val_if_fail (MW_IS_MONITOR (self), FALSE);

  return self->source != NULL;
}

gboolean
mw_monitor_get_rest_when_idle (MwMonitor *self)
{
  g_return_val_if_fail (MW_IS_MONITOR (self), FALSE);

  return self->rest_when_idle;
}

/* With REST_WHEN_IDLE, a started monitor probes only while held or awake; without it
 * (the default, which tests and benchmarks use), all the time from start to stop. */
void
mw_monitor_set_rest_when_idle (MwMonitor *self,
                               gboolean   rest_when_idle)
{
  g_return_if_fail (MW_IS_MONITOR (self));

  rest_when_idle = !!rest_when_idle;
  if (self->rest_when_idle == rest_when_idle)
    return;
  self->rest_when_idle = rest_when_idle;
  update_probe (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REST_WHEN_IDLE]);
}

/* Keeps the probe running until the matching mw_monitor_release(): there is work in
 * flight, or somebody is watching. */
void
mw_monitor_hold (MwMonitor *self)
{
  g_return_if_fail (MW_IS_MONITOR (self));

  self->holds++;
  update_probe (self);
}

void
mw_monitor_release (MwMonitor *self)
{
  g_return_if_fail (MW_IS_MONITOR (self));
  g_return_if_fail (self->holds > 0);

  if (--self->holds == 0)
    self->awake_until = MAX (self->awake_until, g_get_monotonic_time () + REST_DELAY_MS * 1000);
  update_probe (self);
}

/* Keeps the probe running for at least DURATION_MS from now: something just happened
 * that someone may want to see measured. */
void
mw_monitor_wake (MwMonitor *self,
                 guint      duration_ms)
{
  g_return_if_fail (MW_IS_MONITOR (self));

  self->awake_until = MAX (self->awake_until, g_get_monotonic_time () + (gint64) duration_ms * 1000);
  update_probe (self);
}

void
mw_monitor_reset (MwMonitor *self)
{
  g_return_if_fail (MW_IS_MONITOR (self));

  self->current = self->worst = self->last_stall = 0;
  self->history_len = self->history_next = 0;
  self->samples_len = self->samples_next = 0;
  self->current_frame_gap = self->worst_frame_gap = 0;
  for (guint i = 1; i < N_PROPS; i++)
    if (i != PROP_INTERVAL && i != PROP_ACTIVE && i != PROP_REST_WHEN_IDLE)
      g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
}

guint
mw_monitor_get_interval (MwMonitor *self)
{
  g_return_val_if_fail (MW_IS_MONITOR (self), 0);
  return self->interval_ms;
}

gint64
mw_monitor_get_current_lateness (MwMonitor *self)
{
  g_return_val_if_fail (MW_IS_MONITOR (self), 0);
  return self->current;
}

gint64
mw_monitor_get_worst_lateness (MwMonitor *self)
{
  g_return_val_if_fail (MW_IS_MONITOR (self), 0);
  return self->worst;
}

/* Returns: the lateness of the latest tick that was late by the stall threshold or more */
gint64
mw_monitor_get_last_stall (MwMonitor *self)
{
  g_return_val_if_fail (MW_IS_MONITOR (self), 0);
  return self->last_stall;
}

gint64
mw_monitor_get_stall_threshold (MwMonitor *self)
{
  g_return_val_if_fail (MW_IS_MONITOR (self), 0);
  return self->stall_threshold;
}

void
mw_monitor_set_stall_threshold (MwMonitor *self,
                                gint64     threshold_us)
{
  g_return_if_fail (MW_IS_MONITOR (self));
  self->stall_threshold = MAX (1, threshold_us);
}

guint
mw_monitor_get_n_samples (MwMonitor *self)
{
  g_return_val_if_fail (MW_IS_MONITOR (self), 0);
  return self->samples_len;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Returns: the lateness that PERCENTILE (0–100) of the recent ticks stayed under */
gint64
mw_monitor_get_percentile (MwMonitor *self,
                           double     percentile)
{
  g_autofree gint64 *sorted = NULL;
  guint index;

  g_return_val_if_fail (MW_IS_MONITOR (self), 0);

  if (self->samples_len == 0)
    return 0;

  sorted = g_memdup2 (self->samples, sizeof (gint64) * self->samples_len);
  qsort (sorted, self->samples_len, sizeof (gint64), compare_gint64);
  percentile = CLAMP (percentile, 0.0, 100.0);
  index = (guint) ((percentile / 100.0) * (self->samples_len - 1) + 0.5);
  return sorted[MIN (index, self->samples_len - 1)];
}

/* Copies up to MAX_SAMPLES of the latest lateness values, oldest first.
 * Returns: how many were copied */
guint
mw_monitor_get_history (MwMonitor *self,
                        gint64    *samples,
                        guint      max_samples)
{
  guint n, start;

  g_return_val_if_fail (MW_IS_MONITOR (self), 0);

  n = MIN (max_samples, self->history_len);
  start = (self->history_next + MW_MONITOR_HISTORY_LENGTH - n) % MW_MONITOR_HISTORY_LENGTH;
  for (guint i = 0; i < n; i++)
    samples[i] = self->history[(start + i) % MW_MONITOR_HISTORY_LENGTH];
  return n;
}

/* The frame clock lives in GTK; the window feeds its frame-to-frame gaps in here. */
void
mw_monitor_add_frame_gap (MwMonitor *self,
                          gint64     gap_us)
{
  g_return_if_fail (MW_IS_MONITOR (self));

  self->current_frame_gap = gap_us;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_FRAME_GAP]);
  if (gap_us > self->worst_frame_gap)
    {
      self->worst_frame_gap = gap_us;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORST_FRAME_GAP]);
    }
}

gint64
mw_monitor_get_current_frame_gap (MwMonitor *self)
{
  g_return_val_if_fail (MW_IS_MONITOR (self), 0);
  return self->current_frame_gap;
}

gint64
mw_monitor_get_worst_frame_gap (MwMonitor *self)
{
  g_return_val_if_fail (MW_IS_MONITOR (self), 0);
  return self->worst_frame_gap;
}

static void
mw_monitor_dispose (GObject *object)
{
  MwMonitor *self = MW_MONITOR (object);

  self->started = FALSE;
  self->holds = 0;
  update_probe (self);
  G_OBJECT_CLASS (mw_monitor_parent_class)->dispose (object);
}

static void
mw_monitor_finalize (GObject *object)
{
  g_free (MW_MONITOR (object)->samples);
  G_OBJECT_CLASS (mw_monitor_parent_class)->finalize (object);
}

static void
mw_monitor_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MwMonitor *self = MW_MONITOR (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval_ms);
      break;
    case PROP_CURRENT_LATENESS:
      g_value_set_int64 (value, self->current);
      break;
    case PROP_WORST_LATENESS:
      g_value_set_int64 (value, self->worst);
      break;
    case PROP_LAST_STALL:
      g_value_set_int64 (value, self->last_stall);
      break;
    case PROP_CURRENT_FRAME_GAP:
      g_value_set_int64 (value, self->current_frame_gap);
      break;
    case PROP_WORST_FRAME_GAP:
      g_value_set_int64 (value, self->worst_frame_gap);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->source != NULL);
      break;
    case PROP_REST_WHEN_IDLE:
      g_value_set_boolean (value, self->rest_when_idle);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_monitor_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  MwMonitor *self = MW_MONITOR (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      self->interval_ms = MAX (1, g_value_get_uint (value));
      break;
    case PROP_REST_WHEN_IDLE:
      mw_monitor_set_rest_when_idle (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_monitor_class_init (MwMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = mw_monitor_dispose;
  object_class->finalize = mw_monitor_finalize;
  object_class->get_property = mw_monitor_get_property;
  object_class->set_property = mw_monitor_set_property;

  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 1, 1000, 10,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENT_LATENESS] =
    g_param_spec_int64 ("current-lateness", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_WORST_LATENESS] =
    g_param_spec_int64 ("worst-lateness", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_LAST_STALL] = g_param_spec_int64 ("last-stall", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_CURRENT_FRAME_GAP] =
    g_param_spec_int64 ("current-frame-gap", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_WORST_FRAME_GAP] =
    g_param_spec_int64 ("worst-frame-gap", NULL, NULL, 0, G_MAXINT64, 0, ro);
  /**
   * MwMonitor:active:
   *
   * Whether the probe runs: between start and stop, and with rest-when-idle only while
   * held or awake.
   */
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, ro);
  properties[PROP_REST_WHEN_IDLE] =
    g_param_spec_boolean ("rest-when-idle", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MwMonitor::tick:
   * @lateness: how late this tick ran, in microseconds
   */
  signals[TICK] = g_signal_new ("tick", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * MwMonitor::stall:
   * @duration: how long the main loop was blocked, in microseconds
   *
   * Emitted on the first tick after a block longer than the stall threshold, so it
   * arrives as soon as the main loop is free again.
   */
  signals[STALL] = g_signal_new ("stall", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
mw_monitor_init (MwMonitor *self)
{
  self->interval_ms = 10;
  self->stall_threshold = DEFAULT_STALL_THRESHOLD_US;
  self->samples = g_new0 (gint64, MAX_SAMPLES);
}

MwMonitor *
mw_monitor_new (guint interval_ms)
{
  return g_object_new (MW_TYPE_MONITOR, "interval", interval_ms, NULL);
}
