/* mw-experiment-run.c: what one run of the experiment measured, and the arithmetic
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain arithmetic, no GTK, so that a test can feed it numbers: the experiment calls it
 * on the main thread with the monitor's ticks and the frame clock's frames.
 */
#define G_LOG_DOMAIN "mw-experiment-run"

#include "config.h"

#include "mw-experiment-run.h"

/* Without a refresh rate from the display, 60 Hz is what most screens draw. */
#define FALLBACK_MILLIHERTZ 60000

gint64
mw_experiment_frame_interval (int refresh_millihertz)
{
  if (refresh_millihertz <= 0)
    refresh_millihertz = FALLBACK_MILLIHERTZ;
  return (gint64) 1000 * G_USEC_PER_SEC / refresh_millihertz;
}

/* The frames that should have been drawn in a gap between two frames and were not.
 * A gap is rounded to whole frames first: a frame drawn a few milliseconds late, as
 * a busy machine does all the time, did not make the screen skip one. */
guint
mw_experiment_frames_missed (gint64 gap,
                             gint64 frame_interval)
{
  gint64 frames;

  if (gap <= 0 || frame_interval <= 0)
    return 0;
  frames = (gap + frame_interval / 2) / frame_interval;
  return frames > 1 ? (guint) MIN (frames - 1, G_MAXUINT) : 0;
}

void
mw_experiment_run_start (MwExperimentRun *run,
                         gint64           now,
                         int              refresh_millihertz)
{
  *run = (MwExperimentRun) { 0 };
  run->started = now;
  run->frame_interval = mw_experiment_frame_interval (refresh_millihertz);
  /* The window was drawn when the run started: a freeze from the first moment on
   * counts from here, although no frame came before it. */
  run->last_frame = now;
}

void
mw_experiment_run_add_frame (MwExperimentRun *run,
                             gint64           frame_time)
{
  if (frame_time <= run->last_frame)
    return;
  run->frames_missed += mw_experiment_frames_missed (frame_time - run->last_frame, run->frame_interval);
  run->last_frame = frame_time;
}

/* One tick of the monitor: how late it ran. Only stalls add up to the frozen time; the
 * milliseconds of a busy but responsive main loop are not a freeze. */
void
mw_experiment_run_add_lateness (MwExperimentRun *run,
                                gint64           lateness,
                                gint64           stall_threshold)
{
  run->worst_lateness = MAX (run->worst_lateness, lateness);
  if (lateness >= stall_threshold)
    run->frozen_total += lateness;
}

/* Returns: from the start until the last download finished, or 0 while they run */
gint64
mw_experiment_run_get_duration (const MwExperimentRun *run)
{
  return run->ended > run->started ? run->ended - run->started : 0;
}
