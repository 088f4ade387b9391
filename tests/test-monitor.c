/* test-monitor.c: tests for the responsiveness monitor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only lower bounds of time are asserted, those of blocks the tests cause themselves: a
 * busy machine can make the main loop later than asked, never earlier.
 */
#define G_LOG_DOMAIN "test-monitor"

#include "config.h"

#include "mw-monitor.h"
#include "mw-test-server.h"
#include "mw-test-utils.h"

#define MS (G_GINT64_CONSTANT (1000))

/* The block the tests cause, and the least lateness it must show as: the tick before the
 * block may have run up to one interval before the block began. */
#define BLOCK_MS      200
#define MIN_STALL_US  (190 * MS)

typedef struct
{
  guint  n_ticks;
  gint64 last_lateness;
  guint  n_stalls;
  gint64 stall_duration;   /* of the latest stall */
  guint  ticks_at_stall;   /* n_ticks when it was reported */
} Counters;

static void
tick_cb (MwMonitor *monitor,
         gint64     lateness,
         Counters  *counters)
{
  g_assert_cmpint (lateness, >=, 0);
  g_assert_cmpint (mw_monitor_get_current_lateness (monitor), ==, lateness);
  g_assert_cmpint (mw_monitor_get_worst_lateness (monitor), >=, lateness);
  counters->n_ticks++;
  counters->last_lateness = lateness;
}

static void
stall_cb (MwMonitor *monitor,
          gint64     duration,
          Counters  *counters)
{
  g_assert_cmpint (duration, >=, mw_monitor_get_stall_threshold (monitor));
  g_assert_cmpint (mw_monitor_get_last_stall (monitor), ==, duration);
  counters->n_stalls++;
  counters->stall_duration = duration;
  counters->ticks_at_stall = counters->n_ticks;
}

static MwMonitor *
monitor_new (guint     interval_ms,
             Counters *counters)
{
  MwMonitor *monitor = mw_monitor_new (interval_ms);

  g_signal_connect (monitor, "tick", G_CALLBACK (tick_cb), counters);
  g_signal_connect (monitor, "stall", G_CALLBACK (stall_cb), counters);
  return monitor;
}

/* --- The main loop ------------------------------------------------------------------ */

static void
run_until_ticks (Counters *counters,
                 guint     n_ticks)
{
  while (counters->n_ticks < n_ticks)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  guint     ms;
  Counters *counters;
  gint64    began;
  gint64    ended;
  guint     ticks_before;
  gboolean  done;
} Block;

/* What a download in freezing mode does to the main loop. */
static gboolean
block_cb (gpointer user_data)
{
  Block *block = user_data;

  block->ticks_before = block->counters->n_ticks;
  block->began = g_get_monotonic_time ();
  g_usleep (block->ms * G_TIME_SPAN_MILLISECOND);
  block->ended = g_get_monotonic_time ();
  block->done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
block_main_loop (Block    *block,
                 guint     ms,
                 Counters *counters)
{
  *block = (Block) { .ms = ms, .counters = counters };
  g_idle_add (block_cb, block);
  while (!block->done)
    g_main_context_iteration (NULL, TRUE);

  /* No tick can run while the main loop is blocked. */
  g_assert_cmpuint (counters->n_ticks, ==, block->ticks_before);
  g_assert_cmpint (block->ended - block->began, >=, (gint64) ms * MS);
}

static guint
get_history (MwMonitor *monitor,
             gint64    *history)
{
  guint n = mw_monitor_get_history (monitor, history, MW_MONITOR_HISTORY_LENGTH);

  g_assert_cmpuint (n, ==, MIN (mw_monitor_get_n_samples (monitor), MW_MONITOR_HISTORY_LENGTH));
  return n;
}

/* --- Tests ------------------------------------------------------------------------------ */

static void
test_stall (void)
{
  Counters counters = { 0, };
  g_autoptr(MwMonitor) monitor = monitor_new (10, &counters);
  gint64 history[MW_MONITOR_HISTORY_LENGTH];
  gint64 p0, p50, p90, p99, p100;
  gboolean found = FALSE;
  Block block;
  guint n;

  g_assert_cmpuint (mw_monitor_get_interval (monitor), ==, 10);
  g_assert_cmpint (mw_monitor_get_stall_threshold (monitor), ==, 100 * MS);
  /* Above the default, so that a hiccup of a loaded machine is not taken for the block;
   * still well below the block. */
  mw_monitor_set_stall_threshold (monitor, 150 * MS);
  g_assert_cmpint (mw_monitor_get_stall_threshold (monitor), ==, 150 * MS);

  mw_monitor_start (monitor);
  mw_test_run_loop_for (300);
  g_assert_cmpuint (counters.n_ticks, >, 0);
  g_assert_cmpuint (counters.n_stalls, ==, 0);
  g_assert_cmpint (mw_monitor_get_last_stall (monitor), ==, 0);

  block_main_loop (&block, BLOCK_MS, &counters);
  mw_test_run_loop_for (100);

  /* One block is one stall, reported by the first tick after it... */
  g_assert_cmpuint (counters.n_stalls, ==, 1);
  g_assert_cmpuint (counters.ticks_at_stall, ==, block.ticks_before + 1);
  /* ... as long as it was, give or take the interval. */
  g_assert_cmpint (counters.stall_duration, >=, MIN_STALL_US);
  g_assert_cmpint (mw_monitor_get_last_stall (monitor), ==, counters.stall_duration);
  g_assert_cmpint (mw_monitor_get_worst_lateness (monitor), >=, MIN_STALL_US);
  g_assert_cmpint (mw_monitor_get_worst_lateness (monitor), ==, counters.stall_duration);
  /* Ticks went on after it. */
  g_assert_cmpuint (counters.n_ticks, >, counters.ticks_at_stall);
  g_assert_cmpint (mw_monitor_get_current_lateness (monitor), ==, counters.last_lateness);

  /* Every tick is a sample, and the history holds the stall, oldest first. */
  g_assert_cmpuint (mw_monitor_get_n_samples (monitor), ==, counters.n_ticks);
  n = get_history (monitor, history);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpint (history[n - 1], ==, counters.last_lateness);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (history[i], >=, 0);
      g_assert_cmpint (history[i], <=, mw_monitor_get_worst_lateness (monitor));
      if (history[i] == counters.stall_duration)
        {
          found = TRUE;
          /* At the place of the stall's tick among all ticks. */
          g_assert_cmpuint (counters.n_ticks - (n - 1 - i), ==, counters.ticks_at_stall);
        }
    }
  g_assert_true (found);

  /* A shorter history is the latest part of the whole one. */
  {
    gint64 latest[3];
    guint n_latest = mw_monitor_get_history (monitor, latest, G_N_ELEMENTS (latest));

    g_assert_cmpuint (n_latest, ==, MIN (n, G_N_ELEMENTS (latest)));
    for (guint i = 0; i < n_latest; i++)
      g_assert_cmpint (latest[i], ==, history[n - n_latest + i]);
  }

  /* Percentiles: ordered, and the top one is the stall. */
  p0 = mw_monitor_get_percentile (monitor, 0);
  p50 = mw_monitor_get_percentile (monitor, 50);
  p90 = mw_monitor_get_percentile (monitor, 90);
  p99 = mw_monitor_get_percentile (monitor, 99);
  p100 = mw_monitor_get_percentile (monitor, 100);
  g_test_message ("lateness in microseconds: p0 %" G_GINT64_FORMAT ", p50 %" G_GINT64_FORMAT
                  ", p90 %" G_GINT64_FORMAT ", p99 %" G_GINT64_FORMAT ", p100 %" G_GINT64_FORMAT
                  " over %u ticks", p0, p50, p90, p99, p100, counters.n_ticks);
  g_assert_cmpint (p0, >=, 0);
  g_assert_cmpint (p0, <=, p50);
  g_assert_cmpint (p50, <=, p90);
  g_assert_cmpint (p90, <=, p99);
  g_assert_cmpint (p99, <=, p100);
  g_assert_cmpint (p100, >=, MIN_STALL_US);
  g_assert_cmpint (p100, ==, mw_monitor_get_worst_lateness (monitor));
  /* One stall among many ticks is not the median. */
  g_assert_cmpint (p50, <, p100);
  /* Out-of-range percentiles are clamped. */
  g_assert_cmpint (mw_monitor_get_percentile (monitor, 250), ==, p100);
  g_assert_cmpint (mw_monitor_get_percentile (monitor, -5), ==, p0);

  mw_monitor_stop (monitor);
}

static void
test_quiet (void)
{
  Counters counters = { 0, };
  g_autoptr(MwMonitor) monitor = monitor_new (10, &counters);
  gint64 history[MW_MONITOR_HISTORY_LENGTH];
  guint n;

  /* Nothing has been measured yet. */
  g_assert_cmpuint (mw_monitor_get_n_samples (monitor), ==, 0);
  g_assert_cmpint (mw_monitor_get_percentile (monitor, 50), ==, 0);
  g_assert_cmpuint (mw_monitor_get_history (monitor, history, MW_MONITOR_HISTORY_LENGTH), ==, 0);
  g_assert_cmpint (mw_monitor_get_worst_lateness (monitor), ==, 0);

  /* A loaded machine may be late by a good deal, but not by seconds. */
  mw_monitor_set_stall_threshold (monitor, 2000 * MS);
  mw_monitor_start (monitor);
  /* Starting twice is starting once. */
  mw_monitor_start (monitor);
  mw_test_run_loop_for (300);

  g_assert_cmpuint (counters.n_ticks, >, 0);
  g_assert_cmpuint (mw_monitor_get_n_samples (monitor), ==, counters.n_ticks);
  g_assert_cmpuint (counters.n_stalls, ==, 0);
  g_assert_cmpint (mw_monitor_get_last_stall (monitor), ==, 0);
  g_assert_cmpint (mw_monitor_get_worst_lateness (monitor), <, 2000 * MS);
  n = get_history (monitor, history);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpint (history[n - 1], ==, counters.last_lateness);

  mw_monitor_stop (monitor);
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           guint      *n_notifies)
{
  (*n_notifies)++;
}

static void
test_reset_and_frame_gaps (void)
{
  Counters counters = { 0, };
  g_autoptr(MwMonitor) monitor = monitor_new (10, &counters);
  gint64 history[MW_MONITOR_HISTORY_LENGTH];
  guint n_worst_notifies = 0;
  guint n_worst_gap_notifies = 0;
  Block block;

  g_signal_connect (monitor, "notify::worst-lateness", G_CALLBACK (notify_cb), &n_worst_notifies);
  g_signal_connect (monitor, "notify::worst-frame-gap", G_CALLBACK (notify_cb),
                    &n_worst_gap_notifies);

  /* Frame gaps are what the window reports; the worst one is kept. */
  g_assert_cmpint (mw_monitor_get_current_frame_gap (monitor), ==, 0);
  g_assert_cmpint (mw_monitor_get_worst_frame_gap (monitor), ==, 0);
  mw_monitor_add_frame_gap (monitor, 16667);
  g_assert_cmpint (mw_monitor_get_current_frame_gap (monitor), ==, 16667);
  g_assert_cmpint (mw_monitor_get_worst_frame_gap (monitor), ==, 16667);
  mw_monitor_add_frame_gap (monitor, 250000);
  g_assert_cmpint (mw_monitor_get_current_frame_gap (monitor), ==, 250000);
  g_assert_cmpint (mw_monitor_get_worst_frame_gap (monitor), ==, 250000);
  mw_monitor_add_frame_gap (monitor, 17000);
  g_assert_cmpint (mw_monitor_get_current_frame_gap (monitor), ==, 17000);
  g_assert_cmpint (mw_monitor_get_worst_frame_gap (monitor), ==, 250000);
  g_assert_cmpuint (n_worst_gap_notifies, ==, 2);
  /* They are no main-loop lateness. */
  g_assert_cmpuint (mw_monitor_get_n_samples (monitor), ==, 0);
  g_assert_cmpint (mw_monitor_get_worst_lateness (monitor), ==, 0);

  /* Some ticks, and a small stall of our own making. */
  mw_monitor_set_stall_threshold (monitor, 20 * MS);
  mw_monitor_start (monitor);
  run_until_ticks (&counters, 3);
  block_main_loop (&block, 40, &counters);
  run_until_ticks (&counters, block.ticks_before + 2);
  g_assert_cmpuint (counters.n_stalls, >=, 1);
  g_assert_cmpint (mw_monitor_get_last_stall (monitor), >=, 30 * MS);
  g_assert_cmpint (mw_monitor_get_worst_lateness (monitor), >=, 30 * MS);
  g_assert_cmpuint (n_worst_notifies, >, 0);
  mw_monitor_stop (monitor);

  n_worst_notifies = 0;
  n_worst_gap_notifies = 0;
  mw_monitor_reset (monitor);

  /* Everything measured is forgotten, and watchers are told. */
  g_assert_cmpint (mw_monitor_get_current_lateness (monitor), ==, 0);
  g_assert_cmpint (mw_monitor_get_worst_lateness (monitor), ==, 0);
  g_assert_cmpint (mw_monitor_get_last_stall (monitor), ==, 0);
  g_assert_cmpuint (mw_monitor_get_n_samples (monitor), ==, 0);
  g_assert_cmpuint (mw_monitor_get_history (monitor, history, MW_MONITOR_HISTORY_LENGTH), ==, 0);
  g_assert_cmpint (mw_monitor_get_percentile (monitor, 0), ==, 0);
  g_assert_cmpint (mw_monitor_get_percentile (monitor, 100), ==, 0);
  g_assert_cmpint (mw_monitor_get_current_frame_gap (monitor), ==, 0);
  g_assert_cmpint (mw_monitor_get_worst_frame_gap (monitor), ==, 0);
  g_assert_cmpuint (n_worst_notifies, ==, 1);
  g_assert_cmpuint (n_worst_gap_notifies, ==, 1);
  /* The settings are not measurements. */
  g_assert_cmpuint (mw_monitor_get_interval (monitor), ==, 10);
  g_assert_cmpint (mw_monitor_get_stall_threshold (monitor), ==, 20 * MS);

  /* A new gap after the reset is the worst one again. */
  mw_monitor_add_frame_gap (monitor, 5000);
  g_assert_cmpint (mw_monitor_get_worst_frame_gap (monitor), ==, 5000);

  /* Measuring starts afresh, and the history holds only new ticks. */
  counters.n_ticks = 0;
  mw_monitor_set_stall_threshold (monitor, 2000 * MS);
  mw_monitor_start (monitor);
  run_until_ticks (&counters, 3);
  mw_monitor_stop (monitor);
  g_assert_cmpuint (mw_monitor_get_n_samples (monitor), ==, counters.n_ticks);
  g_assert_cmpuint (get_history (monitor, history), ==, counters.n_ticks);
  for (guint i = 0; i < counters.n_ticks; i++)
    g_assert_cmpint (history[i], <=, mw_monitor_get_worst_lateness (monitor));
}

static void
test_stop (void)
{
  Counters counters = { 0, };
  MwMonitor *monitor = monitor_new (10, &counters);
  guint n_ticks, n_samples;

  mw_monitor_set_stall_threshold (monitor, 150 * MS);
  mw_monitor_start (monitor);
  run_until_ticks (&counters, 3);

  mw_monitor_stop (monitor);
  n_ticks = counters.n_ticks;
  n_samples = mw_monitor_get_n_samples (monitor);
  g_assert_cmpuint (n_samples, ==, n_ticks);

  /* Stopped: no tick, however long the loop runs. Stopping twice is harmless. */
  mw_test_run_loop_for (300);
  mw_monitor_stop (monitor);
  mw_test_run_loop_for (50);
  g_assert_cmpuint (counters.n_ticks, ==, n_ticks);
  g_assert_cmpuint (mw_monitor_get_n_samples (monitor), ==, n_samples);

  /* Started again, it ticks again; the time it was stopped is no stall. */
  mw_monitor_start (monitor);
  run_until_ticks (&counters, n_ticks + 3);
  g_assert_cmpuint (counters.n_stalls, ==, 0);
  g_assert_cmpint (mw_monitor_get_last_stall (monitor), ==, 0);
  g_assert_cmpuint (mw_monitor_get_n_samples (monitor), ==, counters.n_ticks);

  /* A monitor dropped while running takes its timer with it. */
  n_ticks = counters.n_ticks;
  g_object_add_weak_pointer (G_OBJECT (monitor), (gpointer *) &monitor);
  g_object_unref (monitor);
  g_assert_null (monitor);
  mw_test_run_loop_for (100);
  g_assert_cmpuint (counters.n_ticks, ==, n_ticks);
}

static gboolean
monitor_resting (gpointer user_data)
{
  return !mw_monitor_get_active (user_data);
}

/* Told to rest when idle, a started monitor probes only while held and for a few seconds
 * after the last hold goes, or for as long as a wake asks; resting, it ticks never,
 * however long the loop runs. */
static void
test_rest_when_idle (void)
{
  Counters counters = { 0 };
  g_autoptr(MwMonitor) monitor = monitor_new (10, &counters);
  guint n_ticks, n_notifies = 0;
  gint64 woken;

  g_signal_connect (monitor, "notify::active", G_CALLBACK (notify_cb), &n_notifies);
  mw_monitor_set_stall_threshold (monitor, 150 * MS);
  mw_monitor_set_rest_when_idle (monitor, TRUE);
  mw_monitor_start (monitor);
  g_assert_false (mw_monitor_get_active (monitor));
  mw_test_run_loop_for (100);
  g_assert_cmpuint (counters.n_ticks, ==, 0);
  g_assert_cmpuint (n_notifies, ==, 0);

  /* Two holders: it probes until both are gone, and a while longer. */
  mw_monitor_hold (monitor);
  mw_monitor_hold (monitor);
  g_assert_true (mw_monitor_get_active (monitor));
  g_assert_cmpuint (n_notifies, ==, 1);
  run_until_ticks (&counters, 3);
  mw_monitor_release (monitor);
  g_assert_true (mw_monitor_get_active (monitor));

  /* A block while held is reported as ever. */
  n_ticks = counters.n_ticks;
  g_usleep (BLOCK_MS * 1000);
  run_until_ticks (&counters, n_ticks + 1);
  g_assert_cmpuint (counters.n_stalls, ==, 1);
  g_assert_cmpint (counters.stall_duration, >=, MIN_STALL_US);

  mw_monitor_release (monitor);
  g_assert_true (mw_monitor_get_active (monitor));
  mw_test_wait_until (monitor_resting, monitor, 30000, "the monitor to rest after its last hold went");
  g_assert_cmpuint (n_notifies, ==, 2);
  n_ticks = counters.n_ticks;
  mw_test_run_loop_for (200);
  g_assert_cmpuint (counters.n_ticks, ==, n_ticks);

  /* A wake keeps it probing at least as long as asked. */
  woken = g_get_monotonic_time ();
  mw_monitor_wake (monitor, 300);
  g_assert_true (mw_monitor_get_active (monitor));
  mw_test_wait_until (monitor_resting, monitor, 30000, "the monitor to rest after a wake of 300 ms");
  g_assert_cmpint (g_get_monotonic_time () - woken, >=, 300 * MS);
  g_assert_cmpuint (counters.n_ticks, >, n_ticks);

  /* Stopped, holds do not start it; and without rest it probes from start to stop. */
  mw_monitor_stop (monitor);
  mw_monitor_hold (monitor);
  g_assert_false (mw_monitor_get_active (monitor));
  mw_monitor_release (monitor);
  g_assert_false (mw_monitor_get_active (monitor));
  mw_monitor_start (monitor);
  mw_test_wait_until (monitor_resting, monitor, 30000, "the monitor to rest again");
  mw_monitor_set_rest_when_idle (monitor, FALSE);
  g_assert_true (mw_monitor_get_active (monitor));
  mw_monitor_stop (monitor);
  g_assert_false (mw_monitor_get_active (monitor));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/monitor/stall", test_stall);
  g_test_add_func ("/monitor/quiet", test_quiet);
  g_test_add_func ("/monitor/reset-and-frame-gaps", test_reset_and_frame_gaps);
  g_test_add_func ("/monitor/stop", test_stop);
  g_test_add_func ("/monitor/rest-when-idle", test_rest_when_idle);

  return g_test_run ();
}
