/* mw-startup-report.c: how long the window takes to show, when asked (MW_REPORT_STARTUP)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With MW_REPORT_STARTUP set in the environment, Meanwhile prints two lines on standard
 * output and quits; the start-up benchmark reads them:
 *
 *   startup first-frame main_ms=… monotonic_us=…
 *       the first frame of the window was painted (its frame clock's "after-paint")
 *   startup state-shown main_ms=… monotonic_us=… downloads=… feeds=… articles=… stall_ms=…
 *       the first frame painted after both state files were read and their lists filled;
 *       stall_ms is the worst main-loop lateness the responsiveness monitor saw between
 *       the two frames, while the state was loaded
 *
 * main_ms counts from the start of main(); monotonic_us is CLOCK_MONOTONIC, so that a
 * launcher can count from the moment it started the process. Without the variable none
 * of this runs.
 */
#define G_LOG_DOMAIN "mw-startup-report"

#include "config.h"

#include <stdio.h>

#include "mw-startup-report.h"

typedef struct
{
  MwApplication *application;
  GtkWidget     *window;
  gulong         handler;
  gulong         tick_handler;
  gboolean       first_frame_seen;
  gint64         worst_lateness;
} Report;

static gint64 main_start_us = -1;

/* Called first thing in main(). */
void
mw_startup_report_begin (void)
{
  if (g_getenv ("MW_REPORT_STARTUP") != NULL)
    main_start_us = g_get_monotonic_time ();
}

static guint
count_articles (MwFeedList *feeds)
{
  guint total = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (feeds)); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (feeds), i);
      total += g_list_model_get_n_items (mw_feed_get_items (feed));
    }
  return total;
}

static void
print_line (const char *what,
            const char *more)
{
  gint64 now = g_get_monotonic_time ();

  printf ("startup %s main_ms=%.1f monotonic_us=%" G_GINT64_FORMAT "%s%s\n",
          what, (now - main_start_us) / 1000.0, now, more ? " " : "", more ? more : "");
  fflush (stdout);
}

static gboolean
state_loaded (Report *report)
{
  return mw_download_list_get_loaded (mw_application_get_downloads (report->application)) &&
         mw_feed_list_get_loaded (mw_application_get_feeds (report->application));
}

static void
tick_cb (MwMonitor *monitor,
         gint64     lateness,
         Report    *report)
{
  report->worst_lateness = MAX (report->worst_lateness, lateness);
}

static void
after_paint_cb (GdkFrameClock *clock,
                Report        *report)
{
  MwFeedList *feeds = mw_application_get_feeds (report->application);
  g_autofree char *more = NULL;

  if (!report->first_frame_seen)
    {
      report->first_frame_seen = TRUE;
      print_line ("first-frame", NULL);
      report->tick_handler = g_signal_connect (mw_application_get_monitor (report->application), "tick",
                                               G_CALLBACK (tick_cb), report);
    }
  if (!state_loaded (report))
    return;

  more = g_strdup_printf ("downloads=%u feeds=%u articles=%u stall_ms=%.1f",
                          g_list_model_get_n_items (G_LIST_MODEL (mw_application_get_downloads (report->application))),
                          g_list_model_get_n_items (G_LIST_MODEL (feeds)), count_articles (feeds),
                          report->worst_lateness / 1000.0);
  print_line ("state-shown", more);
  g_clear_signal_handler (&report->handler, clock);
  g_clear_signal_handler (&report->tick_handler, mw_application_get_monitor (report->application));
  g_application_quit (G_APPLICATION (report->application));
}

/* A list that fills in must be painted: ask for a frame, in case nothing else does. */
static void
loaded_cb (Report *report)
{
  if (state_loaded (report))
    gtk_widget_queue_draw (report->window);
}

static void
realize_cb (GtkWidget *window,
            Report    *report)
{
  report->handler = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                                      G_CALLBACK (after_paint_cb), report);
}

/* Reports on WINDOW's first frames, then quits; does nothing unless begun from main(). */
void
mw_startup_report_watch (MwApplication *application,
                         GtkWindow     *window)
{
  static gboolean watching = FALSE;
  Report *report;

  if (main_start_us < 0 || watching)
    return;
  watching = TRUE;

  /* Lives as long as the process: the report ends it. */
  report = g_new0 (Report, 1);
  report->application = application;
  report->window = GTK_WIDGET (window);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), report);
  g_signal_connect_swapped (mw_application_get_downloads (application), "notify::loaded",
                            G_CALLBACK (loaded_cb), report);
  g_signal_connect_swapped (mw_application_get_feeds (application), "notify::loaded",
                            G_CALLBACK (loaded_cb), report);
  if (gtk_widget_get_realized (report->window))
    realize_cb (report->window, report);
}
