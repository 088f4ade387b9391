/* test-window-modes.c: the freezing switch, the meter, the event log and the timeline, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-window-modes"

#include "config.h"

#include "mw-meter.h"
#include "mw-test-window.h"
#include "mw-timeline-view.h"

typedef MwTestWindow Fixture;

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
menu_button_labelled (GtkWidget     *widget,
                      gconstpointer  data)
{
  return g_strcmp0 (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)), data) == 0;
}

static gboolean
saw_stall (gpointer monitor)
{
  return mw_monitor_get_last_stall (monitor) != 0;
}

static gboolean
block_main_loop_cb (gpointer user_data)
{
  g_usleep (GPOINTER_TO_UINT (user_data) * 1000);
  return G_SOURCE_REMOVE;
}

static void
test_freezing_switch (Fixture       *fixture,
                      gconstpointer  user_data)
{
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  GtkWidget *toggle = mw_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_SWITCH, mw_test_has_action, "app.blocking-mode");
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GVariant) state = NULL;

  g_assert_nonnull (toggle);
  g_assert_nonnull (gtk_widget_get_tooltip_text (toggle));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));

  /* Freezing mode is no preference: no setting could bring it back at the next launch. */
  g_object_get (mw_application_get_settings (fixture->app), "settings-schema", &schema, NULL);
  g_assert_false (g_settings_schema_has_key (schema, "blocking-mode"));

  /* A stall in one mode is not the other mode's worst. With nothing in flight the
   * monitor rests: someone watching it (as the pointer on the meter does) wakes it. */
  mw_monitor_hold (mw_application_get_monitor (fixture->app));
  mw_monitor_reset (mw_application_get_monitor (fixture->app));
  g_idle_add (block_main_loop_cb, GUINT_TO_POINTER (300));
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (mw_monitor_get_last_stall (mw_application_get_monitor (fixture->app)) == 0)
      {
        if (g_get_monotonic_time () > deadline)
          g_error ("The meter never noticed a main loop blocked for 300 ms");
        g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
      }
  }
  g_assert_cmpint (mw_monitor_get_worst_lateness (mw_application_get_monitor (fixture->app)), >=, 250000);
  mw_monitor_release (mw_application_get_monitor (fixture->app));

  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  mw_test_iterate_for (20);
  g_assert_cmpint (mw_monitor_get_worst_lateness (mw_application_get_monitor (fixture->app)), <, 250000);
  g_assert_true (mw_download_list_get_blocking_mode (list));
  g_assert_true (mw_feed_list_get_blocking_mode (feeds));
  state = g_action_group_get_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode");
  g_assert_true (g_variant_get_boolean (state));

  /* And the other way: the action, as a script would change it, moves the switch. */
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode",
                                      g_variant_new_boolean (FALSE));
  mw_test_iterate_for (20);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
  g_assert_false (mw_download_list_get_blocking_mode (list));
  g_assert_false (mw_feed_list_get_blocking_mode (feeds));
}

static void
test_meter_shows_stall (Fixture       *fixture,
                        gconstpointer  user_data)
{
  MwMonitor *monitor = mw_application_get_monitor (fixture->app);
  MwMeter *meter = MW_METER (mw_test_find_widget (GTK_WIDGET (fixture->window), MW_TYPE_METER, NULL, NULL));
  const char *stall;

  g_assert_nonnull (meter);
  mw_monitor_reset (monitor);
  g_idle_add (block_main_loop_cb, GUINT_TO_POINTER (400));
  /* The stall is known on the first tick after the block. */
  mw_test_wait_until (saw_stall, monitor, MW_TEST_PATIENCE_MS, "the monitor to notice the stall");
  mw_test_iterate_for (50);

  g_assert_cmpint (mw_monitor_get_last_stall (monitor), >=, 390 * 1000);
  stall = mw_meter_get_stall_text (meter);
  g_assert_nonnull (stall);
  g_assert_true (g_str_has_prefix (stall, "Frozen for"));
}

typedef struct
{
  GtkProgressBar *bar;
  GHashTable     *fractions;
} PaintedProgress;

/* Runs once per frame of the window: notes the progress shown in that frame. */
static gboolean
note_painted_progress_cb (GtkWidget     *widget,
                          GdkFrameClock *frame_clock,
                          gpointer       user_data)
{
  PaintedProgress *painted = user_data;
  double fraction;

  if (painted->bar == NULL)
    return G_SOURCE_CONTINUE;

  fraction = gtk_progress_bar_get_fraction (painted->bar);
  if (fraction > 0.0 && fraction < 1.0)
    g_hash_table_add (painted->fractions, GINT_TO_POINTER ((int) (fraction * 1000)));
  return G_SOURCE_CONTINUE;
}

static void
test_responsive_while_downloading (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (3 * 1024 * 1024, 5);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/stream.bin", body);
  MwMonitor *monitor = mw_application_get_monitor (fixture->app);
  g_autoptr(GHashTable) fractions = g_hash_table_new (NULL, NULL);
  PaintedProgress painted = { NULL, fractions };
  MwDownloadRow *row;
  MwDownload *download;
  guint tick;

  resource->throttle_chunk = 128 * 1024;
  resource->throttle_delay_ms = 30;

  mw_test_iterate_for (200);
  mw_monitor_reset (monitor);
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (fixture->window), note_painted_progress_cb,
                                       &painted, NULL);
  download = mw_test_window_add_download (fixture, "/stream.bin");
  row = mw_test_window_wait_for_row (fixture, download);
  painted.bar = GTK_PROGRESS_BAR (mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_PROGRESS_BAR, NULL, NULL));
  g_assert_nonnull (painted.bar);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  gtk_widget_remove_tick_callback (GTK_WIDGET (fixture->window), tick);

  /* Responsive mode: the window went on drawing while the file arrived in 24 throttled
   * pieces, so the progress bar was seen at several values on its way to full. How
   * late the main loop ran is printed, not asserted: that is a figure for the
   * benchmarks, and a busy machine would change it. */
  g_test_message ("worst lateness while downloading: %" G_GINT64_FORMAT " us over %u ticks, "
                  "%u progress values painted",
                  mw_monitor_get_worst_lateness (monitor), mw_monitor_get_n_samples (monitor),
                  g_hash_table_size (fractions));
  g_assert_cmpuint (mw_monitor_get_n_samples (monitor), >, 10);
  g_assert_cmpuint (g_hash_table_size (fractions), >=, 3);
}

static void
test_freezing_mode_stalls (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (400000, 6);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/frozen.bin", body);
  MwMonitor *monitor = mw_application_get_monitor (fixture->app);
  GListModel *log = mw_window_get_log (fixture->window);
  g_autoptr(GHashTable) fractions = g_hash_table_new (NULL, NULL);
  PaintedProgress painted = { NULL, fractions };
  MwDownloadRow *row;
  MwDownload *download;
  gboolean saw_blocked_line = FALSE;
  guint tick;

  resource->throttle_chunk = 40000;
  resource->throttle_delay_ms = 40;

  g_action_group_change_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode",
                                      g_variant_new_boolean (TRUE));
  mw_monitor_reset (monitor);
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (fixture->window), note_painted_progress_cb,
                                       &painted, NULL);
  download = mw_test_window_add_download (fixture, "/frozen.bin");
  row = mw_test_window_wait_for_row (fixture, download);
  painted.bar = GTK_PROGRESS_BAR (mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_PROGRESS_BAR, NULL, NULL));
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  mw_test_iterate_for (100);
  gtk_widget_remove_tick_callback (GTK_WIDGET (fixture->window), tick);

  /* Ten throttled chunks on the main thread: one stall of at least their sum, and no
   * frame drawn between the first byte and the last. */
  g_assert_cmpint (mw_monitor_get_worst_lateness (monitor), >=, 350 * 1000);
  g_assert_cmpuint (g_hash_table_size (fractions), ==, 0);
  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      const char *line = gtk_string_list_get_string (GTK_STRING_LIST (log), i);
      if (strstr (line, "The main loop was blocked for") != NULL)
        saw_blocked_line = TRUE;
    }
  g_assert_true (saw_blocked_line);
}

static void
test_event_log (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (1000, 7);
  GListModel *log = mw_window_get_log (fixture->window);
  const char *expected[] = { "Download started", "Request sent — the main loop is free",
                             "Response received (callback)", "First bytes received (callback)",
                             "Finished (callback)" };
  guint next = 0;
  MwDownload *download;

  mw_test_server_add (fixture->server, "/log.txt", body);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-log", NULL);
  download = mw_test_window_add_download (fixture, "/log.txt");
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);

  /* The lines come in the order the main loop did things, the first at the start of
   * the download's run. */
  for (guint i = 0; i < g_list_model_get_n_items (log) && next < G_N_ELEMENTS (expected); i++)
    {
      const char *line = gtk_string_list_get_string (GTK_STRING_LIST (log), i);

      if (strstr (line, expected[next]) == NULL)
        continue;
      if (next == 0 && strstr (line, "  +0.0 s  log.txt — Download started") == NULL)
        g_error ("The download's first line does not start at +0.0 s: %s", line);
      if (strstr (line, " s  log.txt — ") == NULL)
        g_error ("A line of the download has no time since its request: %s", line);
      next++;
    }
  g_assert_cmpuint (next, ==, G_N_ELEMENTS (expected));

  /* The log explains itself in a sentence; the rest is a click away. */
  {
    GtkWidget *button = mw_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_MENU_BUTTON,
                                     menu_button_labelled, "_Learn More");
    GtkPopover *popover;
    GtkWidget *details;

    g_assert_nonnull (button);
    mw_test_wait_until (is_mapped, button, 5000, "the event log's Learn More button to be shown");
    gtk_menu_button_popup (GTK_MENU_BUTTON (button));
    mw_test_iterate_for (50);
    popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
    mw_test_wait_until (is_mapped, popover, 5000, "the Learn More popover to open");
    details = gtk_popover_get_child (popover);
    g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (details)), "blocks on its own"));
    gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
    mw_test_iterate_for (50);
  }
}

/* A line of @window's event log holds every one of the NULL-terminated @words. */
static gboolean
log_has (MwWindow    *window,
         const char **words)
{
  GListModel *log = mw_window_get_log (window);

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      const char *line = gtk_string_list_get_string (GTK_STRING_LIST (log), i);
      gboolean all = TRUE;

      for (guint j = 0; words[j] != NULL; j++)
        all = all && strstr (line, words[j]) != NULL;
      if (all)
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  MwWindow    *window;
  const char **words;
} LogWords;

static gboolean
log_has_words (gpointer data)
{
  LogWords *wanted = data;

  return log_has (wanted->window, wanted->words);
}

static void
refreshed_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  mw_feed_list_refresh_finish (MW_FEED_LIST (source_object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

/* A feed's work is in the log too: a subscription by its address, a refresh by the
 * feed's title, with where it was parsed and what was merged. */
static void
test_event_log_feeds (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const char rss[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Logged Feed</title>"
    "<item><title>One</title><guid>l1</guid><description>One</description></item>"
    "</channel></rss>";
  g_autoptr(GBytes) body = g_bytes_new_static (rss, strlen (rss));
  g_autofree char *url = mw_test_server_url (fixture->server, "/logged.xml");
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/logged.xml", body);
  const char *subscribed[] = { url, "+", " s  ", "Parsing in a worker thread", NULL };
  const char *merged[] = { "Logged Feed — Subscribed, with 1 article", NULL };
  const char *sent[] = { "Logged Feed — Request sent — the main loop is blocked", NULL };
  const char *parsed[] = { "+", " s  Logged Feed — Parsing on the main loop", NULL };
  const char *not_modified[] = { "Logged Feed — 304 Not Modified", NULL };
  g_autoptr(MwFeed) feed = NULL;
  gboolean refreshed = FALSE;

  resource->content_type = g_strdup ("application/rss+xml");
  resource->etag = g_strdup ("\"logged\"");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-log", NULL);

  mw_window_subscribe (fixture->window, url);
  mw_test_wait_until (log_has_words, &(LogWords) { fixture->window, subscribed }, 10000,
                      "the subscription's parse line in the event log");
  mw_test_wait_until (log_has_words, &(LogWords) { fixture->window, merged }, 10000,
                      "the subscription's merge line in the event log");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (feeds)), ==, 1);
  feed = g_list_model_get_item (G_LIST_MODEL (feeds), 0);

  /* Refreshed in freezing mode: the same feed, parsed on the main loop. */
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode",
                                      g_variant_new_boolean (TRUE));
  mw_feed_list_refresh_async (feeds, feed, NULL, refreshed_cb, &refreshed);
  mw_test_wait_until (flag_is_set, &refreshed, 10000, "the refresh in freezing mode to end");
  g_assert_true (log_has (fixture->window, sent));
  g_assert_true (log_has (fixture->window, parsed));

  /* Refreshed again with nothing new: nothing to parse, and the log says so. */
  mw_test_server_lock (fixture->server);
  resource->conditional = TRUE;
  mw_test_server_unlock (fixture->server);
  refreshed = FALSE;
  mw_feed_list_refresh_async (feeds, feed, NULL, refreshed_cb, &refreshed);
  mw_test_wait_until (flag_is_set, &refreshed, 10000, "the conditional refresh to end");
  g_assert_true (log_has (fixture->window, not_modified));

  g_clear_object (&feed);
  mw_test_unsubscribe_all (feeds);
}

static gboolean
scrolls_log (GtkWidget     *widget,
             gconstpointer  data)
{
  GtkWidget *child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (widget));
  GtkSelectionModel *model;

  if (!GTK_IS_LIST_VIEW (child))
    return FALSE;
  model = gtk_list_view_get_model (GTK_LIST_VIEW (child));
  return GTK_IS_NO_SELECTION (model) && gtk_no_selection_get_model (GTK_NO_SELECTION (model)) == data;
}

static void
add_finished_downloads (Fixture *fixture,
                        guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/line-%u.txt", g_random_int ());
      g_autoptr(GBytes) body = mw_test_make_bytes (100, i);

      mw_test_server_add (fixture->server, path, body);
      mw_test_wait_until_at_rest (mw_test_window_add_download (fixture, path), MW_DOWNLOAD_COMPLETED);
    }
  mw_test_iterate_for (100);
}

static gboolean
log_at_end (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - 1;
}

typedef struct
{
  GtkWidget  *scroller;
  const char *text;
} ShownLine;

static gboolean
label_shows (GtkWidget     *widget,
             gconstpointer  text)
{
  return gtk_widget_get_mapped (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

/* The log's row of @text is drawn, inside the part of the log that is scrolled to. */
static gboolean
line_shown (gpointer data)
{
  ShownLine *shown = data;
  GtkWidget *label = mw_test_find_widget (shown->scroller, GTK_TYPE_LABEL, label_shows, shown->text);
  graphene_rect_t bounds;

  return label != NULL && gtk_widget_get_mapped (label) &&
         gtk_widget_compute_bounds (label, shown->scroller, &bounds) &&
         bounds.origin.y >= -1 && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (shown->scroller) + 1;
}

static void
wait_for_last_line (GtkWidget  *scroller,
                    GListModel *log,
                    const char *what)
{
  ShownLine shown = { scroller, gtk_string_list_get_string (GTK_STRING_LIST (log),
                                                            g_list_model_get_n_items (log) - 1) };

  mw_test_wait_until (line_shown, &shown, 10000, what);
}

/* New lines stay in view, unless the person scrolled up to read older ones; lines that
 * came while the log was hidden are in view when it opens. */
static void
test_event_log_follows (Fixture       *fixture,
                        gconstpointer  user_data)
{
  GListModel *log = mw_window_get_log (fixture->window);
  GtkWidget *scroller;
  GtkAdjustment *adjustment;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-log", NULL);
  mw_test_iterate_for (100);
  scroller = mw_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_SCROLLED_WINDOW, scrolls_log, log);
  g_assert_nonnull (scroller);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

  add_finished_downloads (fixture, 12);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment));
  wait_for_last_line (scroller, log, "the log's last line to be in view");
  g_assert_true (log_at_end (adjustment));

  gtk_adjustment_set_value (adjustment, 0);
  add_finished_downloads (fixture, 2);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  add_finished_downloads (fixture, 2);
  wait_for_last_line (scroller, log, "the log's last line to be in view again");

  /* Closed, the log goes on; opened again, it shows its newest line. */
  g_object_set (fixture->window, "log-visible", FALSE, NULL);
  mw_test_iterate_for (100);
  add_finished_downloads (fixture, 12);
  g_object_set (fixture->window, "log-visible", TRUE, NULL);
  wait_for_last_line (scroller, log, "the last line of a log that grew while closed to be in view");
}

static gboolean
view_shows_download (gpointer data)
{
  MwTimelineView *view = data;
  guint n = 0;
  const MwTimelineSegment *segments = mw_timeline_view_get_segments (view, &n);
  gboolean receiving = FALSE, marked = FALSE;

  for (guint i = 0; i < n; i++)
    {
      receiving |= segments[i].lane == MW_TIMELINE_NETWORK &&
                   g_strcmp0 (segments[i].label, "Receiving · timeline.bin") == 0;
      marked |= segments[i].lane == MW_TIMELINE_MARKERS &&
                g_strcmp0 (segments[i].label, "timeline.bin — Finished (callback)") == 0;
    }
  return receiving && marked;
}

static gboolean
view_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
view_unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

static void
test_timeline (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 9);
  GtkWidget *view = mw_test_find_widget (GTK_WIDGET (fixture->window), MW_TYPE_TIMELINE_VIEW, NULL, NULL);
  gboolean visible = FALSE;
  MwDownload *download;

  /* Shown unless someone hides it, with the download's network phase and its log line. */
  g_assert_nonnull (view);
  g_assert_true (gtk_widget_get_mapped (view));
  mw_test_server_add (fixture->server, "/timeline.bin", body);
  download = mw_test_window_add_download (fixture, "/timeline.bin");
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  mw_test_wait_until (view_shows_download, view, 20000, "the timeline to show the download");

  /* The main menu's item hides it, and out of sight it draws nothing. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-timeline", NULL);
  g_object_get (fixture->window, "timeline-visible", &visible, NULL);
  g_assert_false (visible);
  mw_test_wait_until (view_unmapped, view, 20000, "the timeline to be hidden");
  g_assert_false (mw_timeline_view_is_ticking (MW_TIMELINE_VIEW (view)));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-timeline", NULL);
  mw_test_wait_until (view_mapped, view, 20000, "the timeline to be shown again");
}


int
main (int   argc,
      char *argv[])
{
  static const MwTestWindowCase cases[] = {
    { "/window/freezing-switch", test_freezing_switch },
    { "/window/meter-shows-stall", test_meter_shows_stall },
    { "/window/responsive-while-downloading", test_responsive_while_downloading },
    { "/window/freezing-mode-stalls", test_freezing_mode_stalls },
    { "/window/event-log", test_event_log },
    { "/window/event-log/feeds", test_event_log_feeds },
    { "/window/event-log-follows", test_event_log_follows },
    { "/window/timeline", test_timeline },
  };

  return mw_test_window_main (argc, argv, cases, G_N_ELEMENTS (cases));
}
