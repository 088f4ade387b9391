/* mw-timeline-view.c: the last minute of the timeline, drawn live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three lanes on one time axis, from a minute ago to now: the main loop (a tick for every
 * frame the window drew, work done on the main thread, and each stall as a red band),
 * the worker threads and the network. Markers below them are lines of the event log.
 *
 * The view copies what it shows out of the timeline (its model) and draws the copy.
 * While something runs or was just recorded it redraws from a tick callback, at most
 * once a frame and no more often than the axis moves by a pixel; once all is quiet it
 * removes the tick callback and sleeps on a one-second timeout that slides the axis,
 * which the timeline wakes early as soon as anything new is recorded.
 */
#define G_LOG_DOMAIN "mw-timeline-view"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-format.h"
#include "mw-timeline-view-private.h"

G_DEFINE_FINAL_TYPE (MwTimelineView, mw_timeline_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TIMELINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_ticking (MwTimelineView *self);

/* --- The model --------------------------------------------------------------------- */

static void
update_summary (MwTimelineView *self)
{
  g_autofree char *summary = NULL;

  if (self->longest_stall > 0)
    {
      g_autofree char *length = mw_format_duration (self->longest_stall);

      /* Translators: the timeline's accessible description: the window could not
       * draw or answer for as long as %s, "16.7 s" */
      summary = g_strdup_printf (_("Longest freeze in the last minute: %s"), length);
    }
  else
    summary = g_strdup (_("No freeze in the last minute"));

  if (g_strcmp0 (summary, self->summary) == 0)
    return;
  g_free (self->summary);
  self->summary = g_steal_pointer (&summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary,
                                  -1);
}

/* Copies the last minute up to NOW out of the timeline, to be drawn without its lock. */
static void
update_model (MwTimelineView *self,
              gint64          now)
{
  /* Read first: what is recorded while copying shows as a change at the next tick. */
  self->generation = mw_timeline_get_generation (self->timeline);
  self->now = now;
  self->n_segments = mw_timeline_copy_segments (self->timeline, now - WINDOW_US, now,
                                                self->segments, MW_TIMELINE_DEFAULT_CAPACITY);
  self->n_frames = mw_timeline_copy_frames (self->timeline, now - WINDOW_US, now,
                                            self->frames, MW_TIMELINE_FRAME_CAPACITY);

  self->longest_stall = 0;
  for (guint i = 0; i < self->n_segments; i++)
    {
      self->rects[i] = GRAPHENE_RECT_INIT (0, 0, 0, 0);
      if (self->segments[i].stall)
        self->longest_stall = MAX (self->longest_stall, self->segments[i].end - self->segments[i].start);
    }
  update_summary (self);
}

/* --- When to draw ------------------------------------------------------------------ */

/* The time one pixel of the axis stands for: redrawing sooner would change nothing. */
static gint64
redraw_interval (MwTimelineView *self)
{
  int width = MAX (1, gtk_widget_get_width (GTK_WIDGET (self)));

  return MAX (MIN_REDRAW_US, WINDOW_US / width);
}

static gboolean
has_news (MwTimelineView *self)
{
  return mw_timeline_get_generation (self->timeline) != self->generation ||
         mw_timeline_get_n_open (self->timeline) > 0;
}

static gboolean
idle_cb (gpointer user_data)
{
  MwTimelineView *self = user_data;

  if (has_news (self))
    {
      g_clear_pointer (&self->idle_source, g_source_unref);
      start_ticking (self);
      return G_SOURCE_REMOVE;
    }

  /* Nothing new, but what there is slides to the left. */
  if (self->n_segments > 0 || self->n_frames > 0)
    {
      update_model (self, g_get_monotonic_time ());
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  mw_timeline_wake_on_record (self->timeline, self->idle_source);
  return G_SOURCE_CONTINUE;
}

static void
stop_idling (MwTimelineView *self)
{
  if (self->idle_source == NULL)
    return;
  mw_timeline_cancel_wake (self->timeline, self->idle_source);
  g_source_destroy (self->idle_source);
  g_clear_pointer (&self->idle_source, g_source_unref);
}

static void
start_idling (MwTimelineView *self)
{
  if (self->idle_source != NULL)
    return;
  self->idle_source = g_timeout_source_new_seconds (IDLE_INTERVAL_S);
  g_source_set_name (self->idle_source, "[meanwhile] timeline view, idle");
  g_source_set_callback (self->idle_source, idle_cb, self, NULL);
  g_source_attach (self->idle_source, NULL);
  mw_timeline_wake_on_record (self->timeline, self->idle_source);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  MwTimelineView *self = MW_TIMELINE_VIEW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (frame_clock);

  if (!has_news (self))
    {
      self->tick_id = 0;
      start_idling (self);
      return G_SOURCE_REMOVE;
    }

  if (now - self->now >= redraw_interval (self))
    {
      update_model (self, now);
      gtk_widget_queue_draw (widget);
    }
  return G_SOURCE_CONTINUE;
}

static void
start_ticking (MwTimelineView *self)
{
  stop_idling (self);
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

/* The frames the window draws, whoever asked for them. */
static void
after_paint_cb (GdkFrameClock  *frame_clock,
                MwTimelineView *self)
{
  mw_timeline_add_frame (self->timeline, gdk_frame_clock_get_frame_time (frame_clock));
}

static void
mw_timeline_view_map (GtkWidget *widget)
{
  MwTimelineView *self = MW_TIMELINE_VIEW (widget);

  GTK_WIDGET_CLASS (mw_timeline_view_parent_class)->map (widget);

  self->frame_clock = gtk_widget_get_frame_clock (widget);
  if (self->frame_clock != NULL)
    {
      g_object_ref (self->frame_clock);
      self->after_paint_handler = g_signal_connect (self->frame_clock, "after-paint",
                                                    G_CALLBACK (after_paint_cb), self);
    }
  update_model (self, g_get_monotonic_time ());
  start_ticking (self);
}

static void
mw_timeline_view_unmap (GtkWidget *widget)
{
  MwTimelineView *self = MW_TIMELINE_VIEW (widget);

  /* Out of sight, it draws nothing and schedules nothing. */
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (widget, self->tick_id);
  self->tick_id = 0;
  stop_idling (self);
  if (self->frame_clock != NULL)
    g_clear_signal_handler (&self->after_paint_handler, self->frame_clock);
  g_clear_object (&self->frame_clock);

  GTK_WIDGET_CLASS (mw_timeline_view_parent_class)->unmap (widget);
}

/* --- Tooltips, size, life cycle ----------------------------------------------------- */

static char *
describe_segment (MwTimelineView          *self,
                  const MwTimelineSegment *segment)
{
  g_autofree char *length = mw_format_duration (_mw_timeline_view_end_of (self, segment) - segment->start);
  g_autofree char *ago = mw_format_duration (self->now - _mw_timeline_view_end_of (self, segment));
  g_autofree char *when = NULL;

  if (segment->lane == MW_TIMELINE_MARKERS)
    /* Translators: a marker's tooltip on the timeline: what happened, "4.2 s ago" */
    return g_strdup_printf (_("%s\n%s ago"), segment->label, ago);

  if (segment->end == 0)
    /* Translators: the tooltip of work still going on; %s is "4.2 s" */
    when = g_strdup_printf (_("Running for %s"), length);
  else
    /* Translators: the tooltip of finished work: its length, and how long ago it ended */
    when = g_strdup_printf (_("%s, ended %s ago"), length, ago);

  if (segment->count > 1)
    {
      gint64 busy = segment->end != 0 ? segment->busy : segment->busy + self->now;
      g_autofree char *busy_text = mw_format_duration (MAX (0, busy));

      /* Translators: how often a step ran within one bar, and for how long in all */
      return g_strdup_printf (ngettext ("%s\n%s\n%u time, busy for %s", "%s\n%s\n%u times, busy for %s",
                                        segment->count),
                              segment->label, when, segment->count, busy_text);
    }
  return g_strdup_printf ("%s\n%s", segment->label, when);
}

static gboolean
mw_timeline_view_query_tooltip (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard_mode,
                                GtkTooltip *tooltip)
{
  MwTimelineView *self = MW_TIMELINE_VIEW (widget);
  const MwTimelineSegment *best = NULL;
  float best_width = G_MAXFLOAT;
  g_autofree char *text = NULL;
  float main_top = PADDING + TITLE_HEIGHT;

  if (keyboard_mode)
    {
      gtk_tooltip_set_text (tooltip, self->summary);
      return TRUE;
    }

  /* The narrowest under the pointer, give or take a few pixels: a marker or a short
   * step on top of a long stall is what the pointer went for. */
  for (guint i = 0; i < self->n_segments; i++)
    {
      const graphene_rect_t *rect = &self->rects[i];

      if (rect->size.width <= 0 ||
          x < rect->origin.x - 3 || x > rect->origin.x + rect->size.width + 3 ||
          y < rect->origin.y || y > rect->origin.y + rect->size.height)
        continue;
      if (rect->size.width < best_width)
        {
          best = &self->segments[i];
          best_width = rect->size.width;
        }
    }

  if (best != NULL)
    text = describe_segment (self, best);
  else if (y >= main_top && y < main_top + BAR_HEIGHT)
    text = g_strdup (_("Each tick is a frame the window drew; where they stop, it could not draw"));
  else
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
mw_timeline_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = 2 * MIN_WIDTH;
    }
  else
    *minimum = *natural = HEIGHT;
}

static void
mw_timeline_view_dispose (GObject *object)
{
  MwTimelineView *self = MW_TIMELINE_VIEW (object);

  stop_idling (self);
  g_clear_object (&self->timeline);

  G_OBJECT_CLASS (mw_timeline_view_parent_class)->dispose (object);
}

static void
mw_timeline_view_finalize (GObject *object)
{
  MwTimelineView *self = MW_TIMELINE_VIEW (object);

  g_free (self->segments);
  g_free (self->rects);
  g_free (self->frames);
  g_free (self->summary);

  G_OBJECT_CLASS (mw_timeline_view_parent_class)->finalize (object);
}

static void
mw_timeline_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MwTimelineView *self = MW_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_TIMELINE:
      g_value_set_object (value, self->timeline);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_timeline_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MwTimelineView *self = MW_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_TIMELINE:
      /* Construct-only; none means the process's own. */
      self->timeline = g_value_get_object (value) != NULL ? g_value_dup_object (value)
                                                          : g_object_ref (mw_timeline_get_default ());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_timeline_view_class_init (MwTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_timeline_view_dispose;
  object_class->finalize = mw_timeline_view_finalize;
  object_class->get_property = mw_timeline_view_get_property;
  object_class->set_property = mw_timeline_view_set_property;

  widget_class->map = mw_timeline_view_map;
  widget_class->unmap = mw_timeline_view_unmap;
  widget_class->measure = mw_timeline_view_measure;
  widget_class->snapshot = _mw_timeline_view_snapshot;
  widget_class->query_tooltip = mw_timeline_view_query_tooltip;

  /**
   * MwTimelineView:timeline:
   *
   * The timeline shown; the process's default one unless another is given.
   */
  properties[PROP_TIMELINE] =
    g_param_spec_object ("timeline", NULL, NULL, MW_TYPE_TIMELINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
mw_timeline_view_init (MwTimelineView *self)
{
  self->segments = g_new0 (MwTimelineSegment, MW_TIMELINE_DEFAULT_CAPACITY);
  self->rects = g_new0 (graphene_rect_t, MW_TIMELINE_DEFAULT_CAPACITY);
  self->frames = g_new0 (gint64, MW_TIMELINE_FRAME_CAPACITY);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Timeline of the last minute: what the window, the "
                                    "background work and the network did"),
                                  -1);
  update_summary (self);
}

GtkWidget *
mw_timeline_view_new (MwTimeline *timeline)
{
  g_return_val_if_fail (timeline == NULL || MW_IS_TIMELINE (timeline), NULL);

  return g_object_new (MW_TYPE_TIMELINE_VIEW, "timeline", timeline, NULL);
}

MwTimeline *
mw_timeline_view_get_timeline (MwTimelineView *self)
{
  g_return_val_if_fail (MW_IS_TIMELINE_VIEW (self), NULL);
  return self->timeline;
}

/* Returns: the segments the view shows now, oldest first (an end of 0: still running) */
const MwTimelineSegment *
mw_timeline_view_get_segments (MwTimelineView *self,
                               guint          *n_segments)
{
  g_return_val_if_fail (MW_IS_TIMELINE_VIEW (self), NULL);

  *n_segments = self->n_segments;
  return self->segments;
}

/* Returns: the times of the frames the view shows now, oldest first */
const gint64 *
mw_timeline_view_get_frames (MwTimelineView *self,
                             guint          *n_frames)
{
  g_return_val_if_fail (MW_IS_TIMELINE_VIEW (self), NULL);

  *n_frames = self->n_frames;
  return self->frames;
}

/* Returns: the length of the longest stall the view shows, 0 if none */
gint64
mw_timeline_view_get_longest_stall (MwTimelineView *self)
{
  g_return_val_if_fail (MW_IS_TIMELINE_VIEW (self), 0);
  return self->longest_stall;
}

/* Returns: what the view's accessible description says: "Longest freeze in the last
 * minute: 16.7 s" */
const char *
mw_timeline_view_get_summary (MwTimelineView *self)
{
  g_return_val_if_fail (MW_IS_TIMELINE_VIEW (self), NULL);
  return self->summary;
}

/* Returns: whether the view redraws from frame to frame now, rather than sleeping */
gboolean
mw_timeline_view_is_ticking (MwTimelineView *self)
{
  g_return_val_if_fail (MW_IS_TIMELINE_VIEW (self), FALSE);
  return self->tick_id != 0;
}
