/* mw-timeline.c: what the main loop, the worker threads and the network did, and when
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A recorder of timed segments, each on a lane, that any thread may add to: the picture
 * of an event loop that books on asynchronous programming draw, taken from the running
 * program. Everything lives in two rings allocated once, with labels stored inline, so
 * recording allocates nothing and the oldest records make room for the newest. A reader
 * copies out what overlaps a window of time and draws the copy without holding the lock.
 *
 * A worker writing a file chunk by chunk would fill any ring in seconds, one segment per
 * chunk: a run that begins shortly after an identical one (same lane, same label) ended
 * extends that segment instead, which counts its runs and the time they were busy.
 */
#define G_LOG_DOMAIN "mw-timeline"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mw-format.h"
#include "mw-timeline.h"

/* Runs closer together than this merge: at a minute across a window, a pixel is 50 to
 * 170 ms, so no one could tell them apart anyway; the segment's busy time keeps what
 * share of it they took. */
#define MERGE_GAP_US       (250 * 1000)
/* How many of the newest segments a run looks through for one to extend: enough for
 * several downloads and feeds working at once. */
#define MERGE_LOOKBACK     32
/* Readers that may wait for news at once: a window or two. */
#define MAX_WAKE           4

struct _MwTimeline
{
  GObject            parent_instance;

  GMutex             lock;
  gint               recording;          /* atomic */

  MwTimelineSegment *segments;
  guint              capacity;
  guint64            last_id;            /* segment ID lives in slot (ID - 1) % capacity */
  guint              n_open;
  guint64            generation;

  gint64            *frames;
  guint              frame_capacity;
  guint64            n_frames;

  GSource           *wake[MAX_WAKE];
};

G_DEFINE_FINAL_TYPE (MwTimeline, mw_timeline, G_TYPE_OBJECT)

/* Copies "WHAT · SUBJECT" (or WHAT alone) into DEST, which holds MW_TIMELINE_LABEL_SIZE
 * bytes; a label too long is cut after its last whole character. */
void
mw_timeline_copy_label (char       *dest,
                        const char *what,
                        const char *subject)
{
  const char *valid_end;

  if (subject != NULL && *subject != '\0')
    g_snprintf (dest, MW_TIMELINE_LABEL_SIZE, "%s · %s", what != NULL ? what : "", subject);
  else
    g_strlcpy (dest, what != NULL ? what : "", MW_TIMELINE_LABEL_SIZE);

  /* A cut in the middle of a character leaves a partial sequence at the end. */
  if (!g_utf8_validate (dest, -1, &valid_end))
    dest[valid_end - dest] = '\0';
}

static MwTimelineSegment *
slot_of (MwTimeline *self,
         guint64     id)
{
  return &self->segments[(id - 1) % self->capacity];
}

/* With the lock held: a fresh segment in the slot of the oldest, which it replaces. */
static MwTimelineSegment *
new_segment (MwTimeline *self)
{
  MwTimelineSegment *segment;

  self->last_id++;
  segment = slot_of (self, self->last_id);
  if (segment->id != 0 && segment->end == 0)
    self->n_open--;   /* still running, but too old to keep: its end is never drawn */
  memset (segment, 0, sizeof *segment);
  segment->id = self->last_id;
  return segment;
}

/* With the lock held: the newest finished segment LABEL on LANE that ended since SINCE. */
static MwTimelineSegment *
find_recent (MwTimeline     *self,
             MwTimelineLane  lane,
             const char     *label,
             gint64          since)
{
  guint n = (guint) MIN (self->last_id, MIN (MERGE_LOOKBACK, self->capacity));

  for (guint i = 0; i < n; i++)
    {
      MwTimelineSegment *segment = slot_of (self, self->last_id - i);

      if (segment->lane == lane && segment->end != 0 && segment->end >= since &&
          strcmp (segment->label, label) == 0)
        return segment;
    }
  return NULL;
}

/* With the lock held: takes the sources to wake, which wake() then wakes. */
static void
take_wake (MwTimeline *self,
           GSource    *to_wake[MAX_WAKE])
{
  memcpy (to_wake, self->wake, sizeof self->wake);
  memset (self->wake, 0, sizeof self->wake);
}

/* After the lock is released: wakes whoever waits for something new to draw. */
static void
wake (GSource *to_wake[MAX_WAKE])
{
  for (guint i = 0; i < MAX_WAKE; i++)
    if (to_wake[i] != NULL)
      {
        /* Thread-safe, and the source's main context wakes up at once. */
        g_source_set_ready_time (to_wake[i], 0);
        g_source_unref (to_wake[i]);
      }
}

/* Starts a segment "WHAT · SUBJECT" on LANE, now; it shows as running up to the present
 * until mw_timeline_end() ends it. Any thread.
 * Returns: the segment's ID, or 0 when not recording */
guint64
mw_timeline_begin (MwTimeline     *self,
                   MwTimelineLane  lane,
                   const char     *what,
                   const char     *subject)
{
  char label[MW_TIMELINE_LABEL_SIZE];
  MwTimelineSegment *segment;
  GSource *to_wake[MAX_WAKE];
  gint64 now;
  guint64 id;

  g_return_val_if_fail (MW_IS_TIMELINE (self), 0);
  g_return_val_if_fail (lane < MW_TIMELINE_N_LANES, 0);

  if (!g_atomic_int_get (&self->recording))
    return 0;

  mw_timeline_copy_label (label, what, subject);
  now = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  segment = find_recent (self, lane, label, now - MERGE_GAP_US);
  if (segment != NULL)
    {
      segment->end = 0;
    }
  else
    {
      segment = new_segment (self);
      segment->lane = lane;
      segment->start = now;
      memcpy (segment->label, label, sizeof label);
    }
  /* While running, busy holds when this run began. */
  segment->busy -= now;
  segment->count++;
  id = segment->id;
  self->n_open++;
  self->generation++;
  take_wake (self, to_wake);
  g_mutex_unlock (&self->lock);

  wake (to_wake);
  return id;
}

/* Ends the segment ID began, now; ending 0 or a segment already ended, or so old that the
 * ring dropped it, does nothing. Any thread. */
void
mw_timeline_end (MwTimeline *self,
                 guint64     id)
{
  MwTimelineSegment *segment;
  GSource *to_wake[MAX_WAKE] = { NULL, };
  gint64 now;

  g_return_if_fail (MW_IS_TIMELINE (self));

  if (id == 0)
    return;

  now = g_get_monotonic_time ();
  g_mutex_lock (&self->lock);
  segment = slot_of (self, id);
  if (segment->id == id && segment->end == 0)
    {
      /* Never zero, which would mean "still running". */
      segment->end = MAX (now, segment->start + 1);
      segment->busy += now;
      self->n_open--;
      self->generation++;
      take_wake (self, to_wake);
    }
  g_mutex_unlock (&self->lock);

  wake (to_wake);
}

static void
add_finished (MwTimeline     *self,
              MwTimelineLane  lane,
              gint64          start,
              gint64          end,
              const char     *label,
              gboolean        stall)
{
  MwTimelineSegment *segment;
  GSource *to_wake[MAX_WAKE];

  if (!g_atomic_int_get (&self->recording))
    return;

  g_mutex_lock (&self->lock);
  segment = new_segment (self);
  segment->lane = lane;
  segment->stall = stall;
  segment->start = start;
  segment->end = MAX (end, start + (lane == MW_TIMELINE_MARKERS ? 0 : 1));
  segment->busy = segment->end - segment->start;
  segment->count = 1;
  mw_timeline_copy_label (segment->label, label, NULL);
  self->generation++;
  take_wake (self, to_wake);
  g_mutex_unlock (&self->lock);

  wake (to_wake);
}

/* Records a segment known only once it is over. Any thread. */
void
mw_timeline_add (MwTimeline     *self,
                 MwTimelineLane  lane,
                 gint64          start,
                 gint64          end,
                 const char     *label)
{
  g_return_if_fail (MW_IS_TIMELINE (self));
  g_return_if_fail (lane < MW_TIMELINE_N_LANES);

  add_finished (self, lane, start, end, label, FALSE);
}

/* Records that the main loop was blocked from START to END, so that no frame could be
 * drawn: a band on the main loop's lane labelled with its length. */
void
mw_timeline_add_stall (MwTimeline *self,
                       gint64      start,
                       gint64      end)
{
  g_autofree char *length = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (MW_IS_TIMELINE (self));

  if (!g_atomic_int_get (&self->recording))
    return;
  length = mw_format_duration (end - start);
  /* Translators: a stall on the timeline; %s is its length, "16.7 s" */
  label = g_strdup_printf (_("%s — nothing drawn"), length);
  add_finished (self, MW_TIMELINE_MAIN, start, end, label, TRUE);
}

/* A point in time worth pointing at, such as a line of the event log. */
void
mw_timeline_mark (MwTimeline *self,
                  gint64      time,
                  const char *label)
{
  mw_timeline_add (self, MW_TIMELINE_MARKERS, time, time, label);
}

/* The time of a frame the window drew; frames do not wake a reader, since drawing the
 * timeline makes frames. */
void
mw_timeline_add_frame (MwTimeline *self,
                       gint64      time)
{
  g_return_if_fail (MW_IS_TIMELINE (self));

  if (!g_atomic_int_get (&self->recording))
    return;

  g_mutex_lock (&self->lock);
  self->frames[self->n_frames % self->frame_capacity] = time;
  self->n_frames++;
  g_mutex_unlock (&self->lock);
}

void
mw_timeline_clear (MwTimeline *self)
{
  g_return_if_fail (MW_IS_TIMELINE (self));

  g_mutex_lock (&self->lock);
  memset (self->segments, 0, sizeof (MwTimelineSegment) * self->capacity);
  self->last_id = 0;
  self->n_open = 0;
  self->n_frames = 0;
  self->generation++;
  g_mutex_unlock (&self->lock);
}

/* Copies the segments that overlap FROM…TO, running ones included (their end is 0),
 * oldest first; if there are more than MAX_SEGMENTS, the newest.
 * Returns: how many were copied */
guint
mw_timeline_copy_segments (MwTimeline        *self,
                           gint64             from,
                           gint64             to,
                           MwTimelineSegment *segments,
                           guint              max_segments)
{
  guint64 n_kept;
  guint n = 0;

  g_return_val_if_fail (MW_IS_TIMELINE (self), 0);

  g_mutex_lock (&self->lock);
  n_kept = MIN (self->last_id, self->capacity);
  for (guint64 i = 0; i < n_kept && n < max_segments; i++)
    {
      const MwTimelineSegment *segment = slot_of (self, self->last_id - i);

      if (segment->start <= to && (segment->end == 0 || segment->end >= from))
        segments[n++] = *segment;
    }
  g_mutex_unlock (&self->lock);

  /* Newest first so far. */
  for (guint i = 0; i < n / 2; i++)
    {
      MwTimelineSegment swap = segments[i];

      segments[i] = segments[n - 1 - i];
      segments[n - 1 - i] = swap;
    }
  return n;
}

/* Copies the times of the frames within FROM…TO, oldest first; if there are more than
 * MAX_FRAMES, the newest. Returns: how many were copied */
guint
mw_timeline_copy_frames (MwTimeline *self,
                         gint64      from,
                         gint64      to,
                         gint64     *frames,
                         guint       max_frames)
{
  guint64 n_kept, first, last;
  guint n = 0;

  g_return_val_if_fail (MW_IS_TIMELINE (self), 0);

  g_mutex_lock (&self->lock);
  n_kept = MIN (self->n_frames, self->frame_capacity);
  first = self->n_frames - n_kept;
  last = self->n_frames;   /* one past */
  /* Frames come in order: skip those outside FROM…TO and, if too many remain, the oldest. */
  while (first < last && self->frames[first % self->frame_capacity] < from)
    first++;
  while (last > first && self->frames[(last - 1) % self->frame_capacity] > to)
    last--;
  first = MAX (first, last - MIN (last - first, max_frames));
  for (guint64 i = first; i < last; i++)
    frames[n++] = self->frames[i % self->frame_capacity];
  g_mutex_unlock (&self->lock);
  return n;
}

/* Returns: a number that changes whenever a segment or marker is recorded or ends */
guint64
mw_timeline_get_generation (MwTimeline *self)
{
  guint64 generation;

  g_return_val_if_fail (MW_IS_TIMELINE (self), 0);

  g_mutex_lock (&self->lock);
  generation = self->generation;
  g_mutex_unlock (&self->lock);
  return generation;
}

/* Returns: how many segments are running now */
guint
mw_timeline_get_n_open (MwTimeline *self)
{
  guint n_open;

  g_return_val_if_fail (MW_IS_TIMELINE (self), 0);

  g_mutex_lock (&self->lock);
  n_open = self->n_open;
  g_mutex_unlock (&self->lock);
  return n_open;
}

/* Makes SOURCE ready (g_source_set_ready_time() to 0) once, the next time a segment or
 * marker is recorded or ends, from whichever thread records it: a reader that went
 * quiet sleeps on a slow timeout and still draws news at once. */
void
mw_timeline_wake_on_record (MwTimeline *self,
                            GSource    *source)
{
  g_return_if_fail (MW_IS_TIMELINE (self));
  g_return_if_fail (source != NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < MAX_WAKE; i++)
    if (self->wake[i] == source)
      break;
    else if (self->wake[i] == NULL)
      {
        self->wake[i] = g_source_ref (source);
        break;
      }
  g_mutex_unlock (&self->lock);
}

/* Forgets SOURCE, if mw_timeline_wake_on_record() was given it and it was not woken yet. */
void
mw_timeline_cancel_wake (MwTimeline *self,
                         GSource    *source)
{
  GSource *found = NULL;

  g_return_if_fail (MW_IS_TIMELINE (self));

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < MAX_WAKE; i++)
    if (self->wake[i] == source)
      {
        found = g_steal_pointer (&self->wake[i]);
        break;
      }
  g_mutex_unlock (&self->lock);

  g_clear_pointer (&found, g_source_unref);
}

/* Returns: the lane of work done on the calling thread: the main loop's while it
 * dispatches, the workers' otherwise */
MwTimelineLane
mw_timeline_lane_here (void)
{
  return g_main_context_is_owner (g_main_context_default ()) ? MW_TIMELINE_MAIN
                                                              : MW_TIMELINE_WORKERS;
}

void
mw_timeline_set_recording (MwTimeline *self,
                           gboolean    recording)
{
  g_return_if_fail (MW_IS_TIMELINE (self));
  g_atomic_int_set (&self->recording, !!recording);
}

gboolean
mw_timeline_get_recording (MwTimeline *self)
{
  g_return_val_if_fail (MW_IS_TIMELINE (self), FALSE);
  return g_atomic_int_get (&self->recording);
}

static void
mw_timeline_finalize (GObject *object)
{
  MwTimeline *self = MW_TIMELINE (object);

  for (guint i = 0; i < MAX_WAKE; i++)
    g_clear_pointer (&self->wake[i], g_source_unref);
  g_free (self->segments);
  g_free (self->frames);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (mw_timeline_parent_class)->finalize (object);
}

static void
mw_timeline_class_init (MwTimelineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mw_timeline_finalize;
}

static void
mw_timeline_init (MwTimeline *self)
{
  g_mutex_init (&self->lock);
  self->recording = TRUE;
}

/* A timeline that keeps CAPACITY segments and FRAME_CAPACITY frames, recording. */
MwTimeline *
mw_timeline_new (guint capacity,
                 guint frame_capacity)
{
  MwTimeline *self = g_object_new (MW_TYPE_TIMELINE, NULL);

  self->capacity = MAX (1, capacity);
  self->segments = g_new0 (MwTimelineSegment, self->capacity);
  self->frame_capacity = MAX (1, frame_capacity);
  self->frames = g_new0 (gint64, self->frame_capacity);
  return self;
}

/* Returns: (transfer none): the process's timeline, where the engine records its work
 * without anyone handing it one */
MwTimeline *
mw_timeline_get_default (void)
{
  static MwTimeline *default_timeline;

  if (g_once_init_enter (&default_timeline))
    g_once_init_leave (&default_timeline,
                               mw_timeline_new (MW_TIMELINE_DEFAULT_CAPACITY,
                                                MW_TIMELINE_FRAME_CAPACITY));
  return default_timeline;
}
