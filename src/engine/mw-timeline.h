/* mw-timeline.h: what the main loop, the worker threads and the network did, and when
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  MW_TIMELINE_MAIN,      /* work done on the main thread, and the stalls it caused */
  MW_TIMELINE_WORKERS,   /* work done in GTask worker threads */
  MW_TIMELINE_NETWORK,   /* a transfer waiting for a server, or receiving its answer */
  MW_TIMELINE_MARKERS,   /* points in time: start and end are the same */
  MW_TIMELINE_N_LANES
} MwTimelineLane;

/* Bytes of a label, its final NUL included; longer labels are cut at a character. */
#define MW_TIMELINE_LABEL_SIZE 64
/* What the default timeline holds: a minute of frames at 60 frames a second. */
#define MW_TIMELINE_DEFAULT_CAPACITY 4096
#define MW_TIMELINE_FRAME_CAPACITY   4096

typedef struct
{
  guint64        id;
  gint64         start;     /* g_get_monotonic_time() microseconds */
  gint64         end;       /* 0 while in progress */
  /* Of start…end, the time its runs were actually busy (runs close together merge into
   * one segment); while running, minus the start of the current run: add the present. */
  gint64         busy;
  guint          count;     /* how many runs this segment stands for */
  MwTimelineLane lane;
  gboolean       stall;     /* the main loop was blocked: nothing was drawn meanwhile */
  char           label[MW_TIMELINE_LABEL_SIZE];
} MwTimelineSegment;

#define MW_TYPE_TIMELINE (mw_timeline_get_type ())
G_DECLARE_FINAL_TYPE (MwTimeline, mw_timeline, MW, TIMELINE, GObject)

MwTimeline    *mw_timeline_new             (guint              capacity,
                                            guint              frame_capacity);
MwTimeline    *mw_timeline_get_default     (void);

void           mw_timeline_set_recording   (MwTimeline        *self,
                                            gboolean           recording);
gboolean       mw_timeline_get_recording   (MwTimeline        *self);

MwTimelineLane mw_timeline_lane_here       (void);

guint64        mw_timeline_begin           (MwTimeline        *self,
                                            MwTimelineLane     lane,
                                            const char        *what,
                                            const char        *subject);
void           mw_timeline_end             (MwTimeline        *self,
                                            guint64            id);
void           mw_timeline_add             (MwTimeline        *self,
                                            MwTimelineLane     lane,
                                            gint64             start,
                                            gint64             end,
                                            const char        *label);
void           mw_timeline_add_stall       (MwTimeline        *self,
                                            gint64             start,
                                            gint64             end);
void           mw_timeline_mark            (MwTimeline        *self,
                                            gint64             time,
                                            const char        *label);
void           mw_timeline_add_frame       (MwTimeline        *self,
                                            gint64             time);
void           mw_timeline_clear           (MwTimeline        *self);

guint          mw_timeline_copy_segments   (MwTimeline        *self,
                                            gint64             from,
                                            gint64             to,
                                            MwTimelineSegment *segments,
                                            guint              max_segments);
guint          mw_timeline_copy_frames     (MwTimeline        *self,
                                            gint64             from,
                                            gint64             to,
                                            gint64            *frames,
                                            guint              max_frames);
guint64        mw_timeline_get_generation  (MwTimeline        *self);
guint          mw_timeline_get_n_open      (MwTimeline        *self);
void           mw_timeline_wake_on_record  (MwTimeline        *self,
                                            GSource           *source);
void           mw_timeline_cancel_wake     (MwTimeline        *self,
                                            GSource           *source);

void           mw_timeline_copy_label      (char              *dest,
                                            const char        *what,
                                            const char        *subject);

/* A segment that ends where its variable goes out of scope:
 *   G_GNUC_UNUSED g_auto(MwTimelineSpan) span = mw_timeline_span_begin (lane, what, subject);
 * records on the default timeline. */
typedef struct
{
  guint64 id;
} MwTimelineSpan;

static inline MwTimelineSpan
mw_timeline_span_begin (MwTimelineLane  lane,
                        const char     *what,
                        const char     *subject)
{
  MwTimelineSpan span = { mw_timeline_begin (mw_timeline_get_default (), lane, what, subject) };

  return span;
}

static inline void
mw_timeline_span_end (MwTimelineSpan *span)
{
  if (span->id != 0)
    mw_timeline_end (mw_timeline_get_default (), span->id);
  span->id = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MwTimelineSpan, mw_timeline_span_end)

G_END_DECLS
