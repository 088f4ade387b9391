/* mw-experiment-run.h: what one run of the experiment measured, and the arithmetic
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Times in microseconds of the monotonic clock. */
typedef struct
{
  gint64 started;          /* the downloads were added */
  gint64 ended;            /* the last of them finished, or 0 while they run */
  gint64 worst_lateness;   /* the longest the main loop kept the window waiting */
  gint64 frozen_total;     /* all its stalls together */
  guint  frames_missed;    /* frames the refresh rate asked for that were not drawn */
  guint  waited_inputs;    /* clicks and key presses that waited for a stall */

  gint64 frame_interval;
  gint64 last_frame;
} MwExperimentRun;

guint  mw_experiment_frames_missed      (gint64           gap,
                                         gint64           frame_interval);
gint64 mw_experiment_frame_interval     (int              refresh_millihertz);

void   mw_experiment_run_start          (MwExperimentRun *run,
                                         gint64           now,
                                         int              refresh_millihertz);
void   mw_experiment_run_add_frame      (MwExperimentRun *run,
                                         gint64           frame_time);
void   mw_experiment_run_add_lateness   (MwExperimentRun *run,
                                         gint64           lateness,
                                         gint64           stall_threshold);
gint64 mw_experiment_run_get_duration   (const MwExperimentRun *run);

G_END_DECLS
