/* test-experiment.c: the guided experiment, responsive and then frozen, in a real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The arithmetic of a run on its own, then the whole experiment in a real window under
 * Xvfb, driven through its actions, downloading throttled files from a loopback server,
 * with real clicks sent by xdotool while the main loop is frozen. Both runs are measured
 * in the same test, so the only thresholds compare one with the other.
 */
#define G_LOG_DOMAIN "test-experiment"

#include "config.h"

#include <string.h>

#include "mw-download-row.h"
#include "mw-experiment.h"
#include "mw-experiment-run.h"
#include "mw-format.h"
#include "mw-freeze-banner.h"
#include "mw-test-window.h"
#include "mw-timeline.h"

#define N_FILES 3

typedef struct
{
  MwTestWindow  base;
  MwExperiment *experiment;
} Fixture;

static MwApplication *app;

static gboolean
is_visible_with_action (GtkWidget     *widget,
                        gconstpointer  action)
{
  return gtk_widget_is_visible (widget) && mw_test_has_action (widget, action);
}

/* The visible button that activates @action, or NULL. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *action)
{
  return mw_test_find_widget (root, GTK_TYPE_BUTTON, is_visible_with_action, action);
}

static gboolean
is_visible_and_says (GtkWidget     *widget,
                     gconstpointer  text)
{
  return gtk_widget_is_visible (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
has_label (GtkWidget  *root,
           const char *text)
{
  return mw_test_find_widget (root, GTK_TYPE_LABEL, is_visible_and_says, text) != NULL;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  mw_test_window_set_up (&fixture->base, app, 900, 700);
  mw_test_iterate_for (200);
  fixture->experiment = MW_EXPERIMENT (mw_test_find_widget (GTK_WIDGET (fixture->base.window), MW_TYPE_EXPERIMENT,
                                                            NULL, NULL));
  g_assert_nonnull (fixture->experiment);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gtk_widget_activate_action (GTK_WIDGET (fixture->experiment), "experiment.close", NULL);
  mw_experiment_set_urls (fixture->experiment, NULL);
  mw_test_window_tear_down (&fixture->base);
}

/* N_FILES files of 500 kB, each sent in chunks of 20 kB 20 ms apart: about half a second
 * each, all at once when responsive, one after the other when frozen. */
static GStrv
add_throttled_files (Fixture *fixture)
{
  GStrv urls = g_new0 (char *, N_FILES + 1);

  for (guint i = 0; i < N_FILES; i++)
    {
      g_autofree char *path = g_strdup_printf ("/sample-%u.bin", i);
      g_autoptr(GBytes) body = mw_test_make_bytes (500000, 10 + i);
      MwTestResource *resource = mw_test_server_add (fixture->base.server, path, body);

      resource->throttle_chunk = 20000;
      resource->throttle_delay_ms = 20;
      urls[i] = mw_test_server_url (fixture->base.server, path);
    }
  return urls;
}

static guint
count_complete_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (!g_str_has_suffix (name, ".part"))
      n++;
  return n;
}

static const char *
cell (GtkGrid *grid,
      int      column,
      int      row)
{
  GtkWidget *label = gtk_grid_get_child_at (grid, column, row);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_label (GTK_LABEL (label));
}

static gboolean
at_step_switch (gpointer data)
{
  return mw_experiment_get_step (data) == MW_EXPERIMENT_SWITCH;
}

static gboolean
at_step_result (gpointer data)
{
  return mw_experiment_get_step (data) == MW_EXPERIMENT_RESULT;
}

/* The arithmetic: a gap of whole frames misses all but one of them, a late frame does
 * not miss one, and only stalls add up to the frozen time. */
static void
test_run_arithmetic (void)
{
  MwExperimentRun run;
  gint64 interval = mw_experiment_frame_interval (60000);

  g_assert_cmpint (interval, ==, 16666);
  g_assert_cmpint (mw_experiment_frame_interval (0), ==, interval);
  g_assert_cmpint (mw_experiment_frame_interval (144000), ==, 6944);

  g_assert_cmpuint (mw_experiment_frames_missed (0, interval), ==, 0);
  g_assert_cmpuint (mw_experiment_frames_missed (-5, interval), ==, 0);
  g_assert_cmpuint (mw_experiment_frames_missed (interval, interval), ==, 0);
  g_assert_cmpuint (mw_experiment_frames_missed (20000, interval), ==, 0);
  g_assert_cmpuint (mw_experiment_frames_missed (2 * interval, interval), ==, 1);
  g_assert_cmpuint (mw_experiment_frames_missed (G_USEC_PER_SEC, interval), ==, 59);
  g_assert_cmpuint (mw_experiment_frames_missed (G_USEC_PER_SEC, 0), ==, 0);

  /* A frozen start counts from the start, before any frame came. */
  mw_experiment_run_start (&run, 1000000, 60000);
  mw_experiment_run_add_frame (&run, 1000000 + G_USEC_PER_SEC);
  g_assert_cmpuint (run.frames_missed, ==, 59);
  mw_experiment_run_add_frame (&run, 1000000 + G_USEC_PER_SEC + 16000);
  mw_experiment_run_add_frame (&run, 1000000 + G_USEC_PER_SEC + 34000);
  g_assert_cmpuint (run.frames_missed, ==, 59);
  mw_experiment_run_add_frame (&run, 1000000);
  g_assert_cmpuint (run.frames_missed, ==, 59);
  mw_experiment_run_add_frame (&run, 1000000 + G_USEC_PER_SEC + 34000 + 4 * interval);
  g_assert_cmpuint (run.frames_missed, ==, 62);

  mw_experiment_run_add_lateness (&run, 3000, 100000);
  g_assert_cmpint (run.worst_lateness, ==, 3000);
  g_assert_cmpint (run.frozen_total, ==, 0);
  mw_experiment_run_add_lateness (&run, 500000, 100000);
  mw_experiment_run_add_lateness (&run, 200000, 100000);
  mw_experiment_run_add_lateness (&run, 99999, 100000);
  g_assert_cmpint (run.worst_lateness, ==, 500000);
  g_assert_cmpint (run.frozen_total, ==, 700000);

  g_assert_cmpint (mw_experiment_run_get_duration (&run), ==, 0);
  run.ended = run.started + 1500000;
  g_assert_cmpint (mw_experiment_run_get_duration (&run), ==, 1500000);
}

/* The empty list offers the experiment, which starts the demo server it needs: this
 * program never passed --demo. */
static void
test_entry_point (Fixture       *fixture,
                  gconstpointer  user_data)
{
  GtkWidget *button = find_button (GTK_WIDGET (fixture->base.window), "app.try-it");

  g_assert_null (mw_application_get_demo_urls (fixture->base.app));
  g_assert_cmpint (mw_experiment_get_step (fixture->experiment), ==, MW_EXPERIMENT_CLOSED);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Try It");

  g_signal_emit_by_name (button, "clicked");
  mw_test_iterate_for (50);
  g_assert_cmpint (mw_experiment_get_step (fixture->experiment), ==, MW_EXPERIMENT_RESPONSIVE);
  g_assert_nonnull (mw_application_get_demo_urls (fixture->base.app));
  g_assert_true (has_label (GTK_WIDGET (fixture->experiment), "Download the demo files in responsive mode"));
  g_assert_nonnull (find_button (GTK_WIDGET (fixture->experiment), "experiment.start-run"));

  /* Closing it leaves the list as it was. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->experiment), "experiment.close", NULL);
  g_assert_cmpint (mw_experiment_get_step (fixture->experiment), ==, MW_EXPERIMENT_CLOSED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mw_application_get_downloads (fixture->base.app))), ==, 0);
}

/* The first step needs freezing mode off, says so, and offers to turn it off; it does
 * not download anything until then. */
static void
test_first_step_needs_responsive_mode (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  g_auto(GStrv) urls = add_throttled_files (fixture);
  MwDownloadList *list = mw_application_get_downloads (fixture->base.app);

  mw_experiment_set_urls (fixture->experiment, (const char * const *) urls);
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->base.app), "blocking-mode", g_variant_new_boolean (TRUE));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->base.app), "try-it", NULL);
  mw_test_iterate_for (50);

  g_assert_cmpint (mw_experiment_get_step (fixture->experiment), ==, MW_EXPERIMENT_RESPONSIVE);
  g_assert_true (has_label (GTK_WIDGET (fixture->experiment), "this step needs it off"));
  g_assert_null (find_button (GTK_WIDGET (fixture->experiment), "experiment.start-run"));
  gtk_widget_activate_action (GTK_WIDGET (fixture->experiment), "experiment.start-run", NULL);
  mw_test_iterate_for (100);
  g_assert_false (mw_experiment_is_running (fixture->experiment));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  g_signal_emit_by_name (find_button (GTK_WIDGET (fixture->experiment), "experiment.turn-off-freezing"), "clicked");
  mw_test_iterate_for (50);
  g_assert_false (mw_download_list_get_blocking_mode (list));
  g_assert_nonnull (find_button (GTK_WIDGET (fixture->experiment), "experiment.start-run"));
}

static gboolean
scrolls_log (GtkWidget     *widget,
             gconstpointer  log)
{
  GtkWidget *child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (widget));
  GtkSelectionModel *model;

  if (!GTK_IS_LIST_VIEW (child))
    return FALSE;
  model = gtk_list_view_get_model (GTK_LIST_VIEW (child));
  return GTK_IS_NO_SELECTION (model) && gtk_no_selection_get_model (GTK_NO_SELECTION (model)) == log;
}

static gboolean
row_for (GtkWidget     *widget,
         gconstpointer  download)
{
  return mw_download_row_get_download (MW_DOWNLOAD_ROW (widget)) == download;
}

static gboolean
shows_stall (GtkWidget     *widget,
             gconstpointer  scroller)
{
  graphene_rect_t bounds;

  return gtk_widget_get_mapped (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), "The main loop was blocked for") != NULL &&
         gtk_widget_compute_bounds (widget, GTK_WIDGET (scroller), &bounds) &&
         bounds.origin.y >= -1 && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (GTK_WIDGET (scroller)) + 1;
}

/* The event log is shown with a line about a stall in view: What Happened opens it there. */
static gboolean
log_shows_stall (gpointer data)
{
  MwWindow *window = data;
  GtkWidget *scroller = mw_test_find_widget (GTK_WIDGET (window), GTK_TYPE_SCROLLED_WINDOW, scrolls_log,
                                             mw_window_get_log (window));

  return scroller != NULL && gtk_widget_get_mapped (scroller) &&
         mw_test_find_widget (scroller, GTK_TYPE_LABEL, shows_stall, scroller) != NULL;
}

static gboolean
all_finished (gpointer data)
{
  GListModel *list = data;

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (list, i);

      if (!mw_download_is_finished (download) || mw_download_is_active (download))
        return FALSE;
    }
  return TRUE;
}

/* The log's lines about @name, joined. */
static char *
log_lines_of (MwWindow   *window,
              const char *name)
{
  GListModel *log = mw_window_get_log (window);
  GString *lines = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      const char *line = gtk_string_list_get_string (GTK_STRING_LIST (log), i);

      if (strstr (line, name) != NULL)
        g_string_append_printf (lines, "%s\n", line);
    }
  return g_string_free (lines, FALSE);
}

/* In freezing mode, a real click on the switch during the first of three transfers takes
 * effect at the first boundary: the last transfer runs responsive. */
static void
test_switch_during_freeze (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_auto(GStrv) urls = add_throttled_files (fixture);
  MwDownloadList *list = mw_application_get_downloads (fixture->base.app);
  GtkWidget *freezing_switch = mw_test_find_widget (GTK_WIDGET (fixture->base.window), GTK_TYPE_SWITCH, NULL, NULL);
  g_autoptr(GSubprocess) clicker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  gtk_widget_activate_action (GTK_WIDGET (fixture->base.window), "win.clear-log", NULL);
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->base.app), "blocking-mode", g_variant_new_boolean (TRUE));
  mw_test_iterate_for (50);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (freezing_switch)));

  {
    graphene_rect_t bounds;

    g_assert_true (gtk_widget_compute_bounds (freezing_switch, GTK_WIDGET (fixture->base.window), &bounds));
    clicker = mw_test_click_later (GTK_WINDOW (fixture->base.window), bounds.origin.x + bounds.size.width / 2,
                                   bounds.origin.y + bounds.size.height / 2, 200, 1, 0);
  }
  for (guint i = 0; i < N_FILES; i++)
    g_action_group_activate_action (G_ACTION_GROUP (fixture->base.app), "download", g_variant_new_string (urls[i]));
  mw_test_wait_until (all_finished, list, 60000, "the three downloads to finish");
  g_subprocess_wait_check (clicker, NULL, &error);
  g_assert_no_error (error);

  g_assert_false (mw_download_list_get_blocking_mode (list));
  first = log_lines_of (fixture->base.window, "sample-0.bin");
  last = log_lines_of (fixture->base.window, "sample-2.bin");
  g_test_message ("First:\n%sLast:\n%s", first, last);
  g_assert_nonnull (strstr (first, "the main loop is blocked until the server answers"));
  g_assert_nonnull (strstr (last, "the main loop is free while the server answers"));
  g_assert_null (strstr (last, "blocked"));
  g_assert_cmpuint (count_complete_files (fixture->base.folder), ==, N_FILES);
}

/* The whole experiment: the responsive run, the switch, the frozen run with two real
 * clicks during it, and the result with both runs side by side. */
static void
test_responsive_then_freezing (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_auto(GStrv) urls = add_throttled_files (fixture);
  MwDownloadList *list = mw_application_get_downloads (fixture->base.app);
  GtkWidget *freezing_switch = mw_test_find_widget (GTK_WIDGET (fixture->base.window), GTK_TYPE_SWITCH, NULL, NULL);
  g_autoptr(GSubprocess) clicker = NULL;
  g_autoptr(GError) error = NULL;
  const MwExperimentRun *responsive, *freezing;
  g_autofree char *worst = NULL;
  GtkGrid *grid;

  mw_experiment_set_urls (fixture->experiment, (const char * const *) urls);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->base.app), "try-it", NULL);
  mw_test_iterate_for (50);
  g_assert_cmpint (mw_experiment_get_step (fixture->experiment), ==, MW_EXPERIMENT_RESPONSIVE);

  /* Step 1 */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->experiment), "experiment.start-run", NULL));
  g_assert_true (mw_experiment_is_running (fixture->experiment));
  g_assert_true (has_label (GTK_WIDGET (fixture->experiment), "it answers"));
  mw_test_wait_until (at_step_switch, fixture->experiment, 60000, "the responsive run to be measured");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_FILES);
  g_assert_cmpuint (count_complete_files (fixture->base.folder), ==, N_FILES);
  responsive = mw_experiment_get_run (fixture->experiment, FALSE);
  g_assert_nonnull (responsive);
  g_assert_cmpint (mw_experiment_run_get_duration (responsive), >, 0);
  g_assert_true (has_label (GTK_WIDGET (fixture->experiment), "Responsive run: the window never waited"));

  /* Step 2: the switch is pointed at until it is on. */
  g_assert_nonnull (freezing_switch);
  g_assert_true (gtk_widget_has_css_class (freezing_switch, "experiment-pulse"));
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->base.app), "blocking-mode", g_variant_new_boolean (TRUE));
  mw_test_iterate_for (50);
  g_assert_cmpint (mw_experiment_get_step (fixture->experiment), ==, MW_EXPERIMENT_FREEZING);
  g_assert_false (gtk_widget_has_css_class (freezing_switch, "experiment-pulse"));

  /* Step 3, with two clicks while the window is frozen, in a window short enough that
   * the new rows would be out of sight below the first run's. */
  gtk_window_set_default_size (GTK_WINDOW (fixture->base.window), 900, 560);
  mw_test_iterate_for (200);
  clicker = mw_test_click_later (GTK_WINDOW (fixture->base.window),
                                 gtk_widget_get_width (GTK_WIDGET (fixture->base.window)) - 140, 20, 300, 2, 600);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->experiment), "experiment.start-run", NULL));
  mw_test_wait_until (at_step_result, fixture->experiment, 60000, "the freezing run to be measured");
  g_subprocess_wait_check (clicker, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_complete_files (fixture->base.folder), ==, 2 * N_FILES);

  /* The rows of the second run, which the card asks to click, were brought into view. */
  {
    g_autoptr(MwDownload) first_new = g_list_model_get_item (G_LIST_MODEL (list), N_FILES);
    GtkWidget *row = mw_test_find_widget (GTK_WIDGET (fixture->base.window), MW_TYPE_DOWNLOAD_ROW, row_for, first_new);

    GtkWidget *scroller;
    graphene_rect_t bounds;

    g_assert_nonnull (row);
    g_assert_true (gtk_widget_get_mapped (row));
    scroller = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
    g_assert_true (gtk_widget_compute_bounds (row, scroller, &bounds));
    g_test_message ("The first new row is at %.0f–%.0f of %d px", bounds.origin.y,
                    bounds.origin.y + bounds.size.height, gtk_widget_get_height (scroller));
    g_assert_cmpfloat (bounds.origin.y, >=, -1);
    g_assert_cmpfloat (bounds.origin.y + bounds.size.height / 2, <=, gtk_widget_get_height (scroller));
  }

  responsive = mw_experiment_get_run (fixture->experiment, FALSE);
  freezing = mw_experiment_get_run (fixture->experiment, TRUE);
  g_assert_nonnull (freezing);
  g_test_message ("Responsive: %" G_GINT64_FORMAT " us worst, %" G_GINT64_FORMAT " us frozen, %u frames missed, "
                  "%u inputs waited, %" G_GINT64_FORMAT " us in all",
                  responsive->worst_lateness, responsive->frozen_total, responsive->frames_missed,
                  responsive->waited_inputs, mw_experiment_run_get_duration (responsive));
  g_test_message ("Freezing: %" G_GINT64_FORMAT " us worst, %" G_GINT64_FORMAT " us frozen, %u frames missed, "
                  "%u inputs waited, %" G_GINT64_FORMAT " us in all",
                  freezing->worst_lateness, freezing->frozen_total, freezing->frames_missed,
                  freezing->waited_inputs, mw_experiment_run_get_duration (freezing));

  g_assert_cmpint (freezing->worst_lateness, >, 5 * responsive->worst_lateness);
  /* Each file blocks on its own, about 0.5 s of throttled transfer. */
  g_assert_cmpint (freezing->worst_lateness, >, 300 * 1000);
  /* Frozen for most of the transfers, not only for a moment of them. */
  g_assert_cmpint (2 * freezing->frozen_total, >=, mw_experiment_run_get_duration (freezing));
  g_assert_cmpuint (freezing->frames_missed, >, responsive->frames_missed);
  g_assert_cmpuint (freezing->waited_inputs, ==, 2);
  g_assert_cmpuint (responsive->waited_inputs, ==, 0);

  /* What the result card shows: both runs side by side. */
  grid = GTK_GRID (mw_test_find_widget (GTK_WIDGET (fixture->experiment), GTK_TYPE_GRID, NULL, NULL));
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (grid)));
  g_assert_cmpstr (cell (grid, 1, 0), ==, "Responsive");
  g_assert_cmpstr (cell (grid, 2, 0), ==, "Freezing");
  worst = mw_format_duration (responsive->worst_lateness);
  g_assert_cmpstr (cell (grid, 1, 1), ==, worst);
  g_clear_pointer (&worst, g_free);
  worst = mw_format_duration (freezing->worst_lateness);
  g_assert_cmpstr (cell (grid, 2, 1), ==, worst);
  g_assert_true (g_str_has_suffix (cell (grid, 2, 2), " s"));
  g_assert_cmpuint (g_ascii_strtoull (cell (grid, 2, 3), NULL, 10), ==, freezing->frames_missed);
  g_assert_cmpstr (cell (grid, 1, 4), ==, "0");
  g_assert_cmpstr (cell (grid, 2, 4), ==, "2");

  /* The timeline: in the frozen run, a red band on the main loop's lane as long as its
   * worst stall; in the responsive run, a comb of frames with no gap near that long. */
  {
    g_autofree MwTimelineSegment *segments = g_new0 (MwTimelineSegment, MW_TIMELINE_DEFAULT_CAPACITY);
    g_autofree gint64 *frames = g_new0 (gint64, MW_TIMELINE_FRAME_CAPACITY);
    MwTimeline *timeline = mw_timeline_get_default ();
    guint n = mw_timeline_copy_segments (timeline, freezing->started, freezing->ended, segments,
                                         MW_TIMELINE_DEFAULT_CAPACITY);
    gint64 longest_band = 0, longest_gap = 0;

    for (guint i = 0; i < n; i++)
      if (segments[i].lane == MW_TIMELINE_MAIN && segments[i].stall)
        longest_band = MAX (longest_band, segments[i].end - segments[i].start);
    g_test_message ("Longest red band %" G_GINT64_FORMAT " us", longest_band);
    g_assert_cmpint (ABS (longest_band - freezing->worst_lateness), <, 50 * 1000);

    n = mw_timeline_copy_frames (timeline, responsive->started, responsive->ended, frames,
                                 MW_TIMELINE_FRAME_CAPACITY);
    g_assert_cmpuint (n, >, 10);
    for (guint i = 1; i < n; i++)
      longest_gap = MAX (longest_gap, frames[i] - frames[i - 1]);
    g_test_message ("Responsive: %u frames, longest gap %" G_GINT64_FORMAT " us", n, longest_gap);
    g_assert_cmpint (5 * longest_gap, <, longest_band);
  }

  /* The banner counts the clicks that waited, and What Happened opens the log at the stall. */
  {
    MwFreezeBanner *banner = MW_FREEZE_BANNER (mw_test_find_widget (GTK_WIDGET (fixture->base.window),
                                                                     MW_TYPE_FREEZE_BANNER, NULL, NULL));
    GtkWidget *details = mw_test_find_widget (GTK_WIDGET (banner), GTK_TYPE_BUTTON, mw_test_button_labelled,
                                              "_What Happened");

    g_test_message ("Banner: %s", mw_freeze_banner_get_text (banner));
    g_assert_nonnull (strstr (mw_freeze_banner_get_text (banner), "2 clicks or key presses waited"));
    g_signal_emit_by_name (details, "clicked");
    mw_test_wait_until (log_shows_stall, fixture->base.window, MW_TEST_PATIENCE_MS,
                        "the event log to open at a stall");
    g_object_set (fixture->base.window, "log-visible", FALSE, NULL);
  }

  /* Its buttons */
  g_assert_nonnull (find_button (GTK_WIDGET (fixture->experiment), "experiment.turn-off-freezing"));
  gtk_widget_activate_action (GTK_WIDGET (fixture->experiment), "experiment.turn-off-freezing", NULL);
  mw_test_iterate_for (50);
  g_assert_false (mw_download_list_get_blocking_mode (list));
  g_assert_null (find_button (GTK_WIDGET (fixture->experiment), "experiment.turn-off-freezing"));
  gtk_widget_activate_action (GTK_WIDGET (fixture->experiment), "experiment.run-again", NULL);
  g_assert_cmpint (mw_experiment_get_step (fixture->experiment), ==, MW_EXPERIMENT_RESPONSIVE);
  g_assert_null (mw_experiment_get_run (fixture->experiment, TRUE));
  gtk_widget_activate_action (GTK_WIDGET (fixture->experiment), "experiment.close", NULL);
  g_assert_cmpint (mw_experiment_get_step (fixture->experiment), ==, MW_EXPERIMENT_CLOSED);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  int status;

  app = mw_test_window_init (&argc, &argv, &data_home);

  g_test_add_func ("/experiment/run-arithmetic", test_run_arithmetic);
  g_test_add ("/experiment/entry-point", Fixture, NULL, fixture_set_up, test_entry_point, fixture_tear_down);
  g_test_add ("/experiment/first-step-needs-responsive-mode", Fixture, NULL, fixture_set_up,
              test_first_step_needs_responsive_mode, fixture_tear_down);
  g_test_add ("/experiment/responsive-then-freezing", Fixture, NULL, fixture_set_up,
              test_responsive_then_freezing, fixture_tear_down);
  g_test_add ("/experiment/switch-during-freeze", Fixture, NULL, fixture_set_up,
              test_switch_during_freeze, fixture_tear_down);

  status = g_test_run ();
  mw_test_remove_tree (data_home);
  return status;
}
