/* test-timeline-view.c: tests for the timeline view, in a real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main loop is really blocked, and the tests read what the view shows: its model
 * (the segments and frames it draws) and its accessible description. Only lower bounds
 * of time are asserted for what the tests cause themselves, with generous upper bounds
 * where a length must match: a busy machine makes things later than asked, never earlier.
 */
#define G_LOG_DOMAIN "test-timeline-view"

#include "config.h"

#include <gtk/gtk.h>

#include "mw-format.h"
#include "mw-monitor.h"
#include "mw-test-server.h"
#include "mw-test-utils.h"
#include "mw-timeline-view.h"

#define MS           (G_GINT64_CONSTANT (1000))
#define BLOCK_MS     1500
/* The monitor's tick before the block may have run up to one 10 ms interval before it. */
#define MIN_STALL_US ((BLOCK_MS - 10) * MS)
#define PATIENCE_MS  20000

static gboolean
block_cb (gpointer user_data)
{
  /* What freezing mode does to the window, minus the network. */
  g_usleep (BLOCK_MS * 1000);
  *(gint64 *) user_data = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

static gboolean
many_frames (gpointer data)
{
  guint n_frames = 0;

  mw_timeline_view_get_frames (data, &n_frames);
  return n_frames >= 30;
}

static gboolean
shows_stall (gpointer data)
{
  return mw_timeline_view_get_longest_stall (data) > 0;
}

typedef struct
{
  MwTimelineView *view;
  gint64          after;
} FrameAfter;

static gboolean
shows_frame_after (gpointer data)
{
  FrameAfter *wanted = data;
  guint n_frames = 0;
  const gint64 *frames = mw_timeline_view_get_frames (wanted->view, &n_frames);

  return n_frames > 0 && frames[n_frames - 1] > wanted->after;
}

static gboolean
not_ticking (gpointer data)
{
  return !mw_timeline_view_is_ticking (data);
}

/* The longest gap between two frames the view shows within FROM…TO. */
static gint64
longest_frame_gap (MwTimelineView *view,
                   gint64          from,
                   gint64          to)
{
  guint n_frames = 0;
  const gint64 *frames = mw_timeline_view_get_frames (view, &n_frames);
  gint64 longest = 0;

  for (guint i = 1; i < n_frames; i++)
    if (frames[i - 1] >= from && frames[i] <= to)
      longest = MAX (longest, frames[i] - frames[i - 1]);
  return longest;
}

static guint
count_frames (MwTimelineView *view,
              gint64          from,
              gint64          to)
{
  guint n_frames = 0, n = 0;
  const gint64 *frames = mw_timeline_view_get_frames (view, &n_frames);

  for (guint i = 0; i < n_frames; i++)
    n += frames[i] >= from && frames[i] <= to;
  return n;
}

static GtkWidget *
show_view (MwTimelineView *view)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 800, -1);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
destroy_window (GtkWidget *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  while (window != NULL)
    g_main_context_iteration (NULL, TRUE);
}

/* A responsive window draws a comb of frames; a blocked one a red band as long as the
 * block, with no frame in it, and says how long it was. */
static void
test_stall_and_comb (void)
{
  MwTimeline *timeline = mw_timeline_get_default ();
  g_autoptr(MwMonitor) monitor = mw_monitor_new (10);
  MwTimelineView *view = MW_TIMELINE_VIEW (g_object_ref_sink (mw_timeline_view_new (NULL)));
  const MwTimelineSegment *segments, *stall = NULL;
  g_autofree char *expected_summary = NULL;
  g_autofree char *length = NULL;
  gint64 responsive_from, block_started, block_ended = 0;
  guint64 running;
  GtkWidget *window;
  guint n_segments;

  g_assert_true (mw_timeline_view_get_timeline (view) == timeline);
  gtk_test_accessible_assert_role (view, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "No freeze in the last minute");

  mw_timeline_clear (timeline);
  mw_monitor_start (monitor);
  /* Something in progress keeps the view drawing, frame after frame. */
  running = mw_timeline_begin (timeline, MW_TIMELINE_NETWORK, "Receiving", "comb.bin");
  window = show_view (view);
  mw_test_wait_until (many_frames, view, PATIENCE_MS, "the window to draw frames");

  responsive_from = g_get_monotonic_time ();
  mw_test_run_loop_for (1000);
  g_test_message ("Responsive: %u frames, longest gap %" G_GINT64_FORMAT " us",
                  count_frames (view, responsive_from, G_MAXINT64),
                  longest_frame_gap (view, responsive_from, G_MAXINT64));
  /* A comb: frame after frame, and no gap anywhere near a stall's length. */
  g_assert_cmpuint (count_frames (view, responsive_from, G_MAXINT64), >=, 10);
  g_assert_cmpint (longest_frame_gap (view, responsive_from, G_MAXINT64), <, BLOCK_MS * MS / 3);
  g_assert_cmpint (mw_timeline_view_get_longest_stall (view), ==, 0);

  block_started = g_get_monotonic_time ();
  g_idle_add (block_cb, &block_ended);
  mw_test_wait_until (shows_stall, view, PATIENCE_MS, "the timeline view to show the stall");

  segments = mw_timeline_view_get_segments (view, &n_segments);
  for (guint i = 0; i < n_segments; i++)
    if (segments[i].stall)
      {
        g_assert_null (stall);
        stall = &segments[i];
      }
  g_assert_nonnull (stall);
  g_test_message ("The view shows a stall of %" G_GINT64_FORMAT " us: \"%s\"",
                  stall->end - stall->start, stall->label);
  g_assert_cmpint (stall->lane, ==, MW_TIMELINE_MAIN);
  g_assert_cmpint (stall->end - stall->start, >=, MIN_STALL_US);
  g_assert_cmpint (stall->end - stall->start, <, (BLOCK_MS + 1000) * MS);
  g_assert_cmpint (stall->start, >=, block_started - 10 * MS);
  g_assert_cmpint (stall->end, >=, block_ended);
  g_assert_cmpint (mw_timeline_view_get_longest_stall (view), ==, stall->end - stall->start);

  /* Its label and the description say the same length as the band is long. */
  length = mw_format_duration (stall->end - stall->start);
  g_assert_true (g_str_has_prefix (stall->label, length));
  g_assert_true (g_str_has_suffix (stall->label, " — nothing drawn"));
  expected_summary = g_strdup_printf ("Longest freeze in the last minute: %s", length);
  g_assert_cmpstr (mw_timeline_view_get_summary (view), ==, expected_summary);
  gtk_test_accessible_assert_property (view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected_summary);

  /* Not one frame while the main loop was blocked. */
  mw_test_wait_until (shows_frame_after, &(FrameAfter) { view, block_ended }, PATIENCE_MS,
                      "the view to show a frame drawn after the block");
  g_assert_cmpuint (count_frames (view, block_started + 20 * MS, block_ended - 20 * MS), ==, 0);
  g_assert_cmpint (longest_frame_gap (view, responsive_from, G_MAXINT64), >=, (BLOCK_MS - 50) * MS);

  /* Once nothing runs and nothing new comes, the view stops redrawing. */
  mw_timeline_end (timeline, running);
  mw_test_wait_until (not_ticking, view, PATIENCE_MS, "the view to stop redrawing once nothing changes");

  /* And starts again as soon as something is recorded. */
  mw_timeline_mark (timeline, g_get_monotonic_time (), "A line of the log");
  mw_test_wait_until ((MwTestCondition) mw_timeline_view_is_ticking, view, PATIENCE_MS, "the view to wake up for a new marker");

  mw_monitor_stop (monitor);
  destroy_window (window);
  g_assert_finalize_object (view);
}

/* A hidden view records no frames and schedules nothing. */
static void
test_hidden (void)
{
  g_autoptr(MwTimeline) timeline = mw_timeline_new (64, 64);
  MwTimelineView *view = MW_TIMELINE_VIEW (g_object_ref_sink (mw_timeline_view_new (timeline)));
  GtkWidget *window;
  guint64 running;
  gint64 frames[4];
  gint64 hidden_at;

  running = mw_timeline_begin (timeline, MW_TIMELINE_WORKERS, "Parsing a feed", "example.org");
  window = show_view (view);
  mw_test_wait_until (many_frames, view, PATIENCE_MS, "the window to draw frames");
  g_assert_true (mw_timeline_view_is_ticking (view));

  gtk_widget_set_visible (GTK_WIDGET (view), FALSE);
  g_assert_false (mw_timeline_view_is_ticking (view));
  hidden_at = g_get_monotonic_time ();
  mw_test_run_loop_for (300);
  g_assert_false (mw_timeline_view_is_ticking (view));
  g_assert_cmpuint (mw_timeline_copy_frames (timeline, hidden_at + 50 * MS, G_MAXINT64, frames, 4), ==, 0);

  mw_timeline_end (timeline, running);
  destroy_window (window);
  g_assert_finalize_object (view);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/timeline-view/stall-and-comb", test_stall_and_comb);
  g_test_add_func ("/timeline-view/hidden", test_hidden);

  return g_test_run ();
}
