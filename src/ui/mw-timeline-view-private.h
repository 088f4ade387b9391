/* mw-timeline-view-private.h: the timeline view's insides, shared by its two files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mw-timeline-view.c keeps the model and decides when to draw; mw-timeline-view-draw.c
 * draws it.
 */
#pragma once

#include "mw-timeline-view.h"

G_BEGIN_DECLS

#define WINDOW_US          (60 * G_USEC_PER_SEC)
#define IDLE_INTERVAL_S    1
/* However wide the view, it redraws no more than 30 times a second. */
#define MIN_REDRAW_US      (G_USEC_PER_SEC / 30)

#define PADDING            6
#define TITLE_HEIGHT       16
#define BAR_HEIGHT         18
#define LANE_GAP           4
#define COMB_HEIGHT        5
#define MARKER_SIZE        7
#define AXIS_HEIGHT        (MARKER_SIZE + 16)
#define MAX_ROWS           3
#define MIN_LABEL_WIDTH    40.f
#define NARROW_WIDTH       560
#define MIN_WIDTH          300
#define HEIGHT             (2 * PADDING + 3 * (TITLE_HEIGHT + BAR_HEIGHT + LANE_GAP) + AXIS_HEIGHT)

struct _MwTimelineView
{
  GtkWidget          parent_instance;

  MwTimeline        *timeline;

  /* The model: what the last update copied out of the timeline, up to NOW. */
  MwTimelineSegment *segments;
  graphene_rect_t   *rects;       /* where each segment was last drawn, for tooltips */
  guint              n_segments;
  gint64            *frames;
  guint              n_frames;
  gint64             now;
  guint64            generation;
  gint64             longest_stall;
  char              *summary;

  guint              tick_id;
  GSource           *idle_source;
  GdkFrameClock     *frame_clock;
  gulong             after_paint_handler;
};

/* The end of SEGMENT as drawn: the present while it still runs. */
static inline gint64
_mw_timeline_view_end_of (MwTimelineView          *self,
                          const MwTimelineSegment *segment)
{
  return segment->end != 0 ? segment->end : self->now;
}

void _mw_timeline_view_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot);

G_END_DECLS
