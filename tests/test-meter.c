/* test-meter.c: tests for the responsiveness meter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The meter is shown in a real window and the main loop really blocked; the tests read
 * what the meter says, as a user would. Only lower bounds of time are asserted, those of
 * blocks the tests cause themselves: a busy machine can make the main loop later than
 * asked, never earlier.
 */
#define G_LOG_DOMAIN "test-meter"

#include "config.h"

#include <gtk/gtk.h>

#include "mw-heartbeat.h"
#include "mw-meter.h"
#include "mw-monitor.h"
#include "mw-test-server.h"
#include "mw-test-utils.h"

#define MS (G_GINT64_CONSTANT (1000))

/* The block the tests cause, and the least it must show as: the monitor's tick before
 * the block may have run up to one 10 ms interval before the block began. */
#define BLOCK_MS          300
#define MIN_STALL_US      (290 * MS)
/* No frame can be drawn during the block; the frame clock may round the frame times
 * around it to its refresh interval. */
#define MIN_FRAME_GAP_US  (250 * MS)
/* How long to wait for something that should come soon, before failing. */
#define PATIENCE_MS       20000

/* --- The main loop ------------------------------------------------------------------ */

static gboolean
block_cb (gpointer user_data)
{
  gboolean *blocked = user_data;

  /* What freezing mode does to the window, minus the network. */
  g_usleep (BLOCK_MS * 1000);
  *blocked = TRUE;
  return G_SOURCE_REMOVE;
}

/* Blocks the main loop from an idle callback, as a synchronous transfer would, then lets
 * it run long enough for the meter to report the block. */
static void
block_main_loop (void)
{
  gboolean blocked = FALSE;

  g_idle_add (block_cb, &blocked);
  while (!blocked)
    g_main_context_iteration (NULL, TRUE);
  mw_test_run_loop_for (300);
}

/* --- Reading what the meter says ---------------------------------------------------- */

/* Reads a duration as the meter writes it ("< 1 ms", "140 ms", "4.2 s", "2 min 5 s") at
 * the start of TEXT; sets *END after it. */
static gint64
parse_duration (const char  *text,
                const char **end)
{
  char *rest;
  double value;

  if (g_str_has_prefix (text, "< 1 ms"))
    {
      *end = text + strlen ("< 1 ms");
      return 0;
    }

  value = g_ascii_strtod (text, &rest);
  g_assert_true (rest != text);
  if (g_str_has_prefix (rest, " ms"))
    {
      *end = rest + strlen (" ms");
      return (gint64) (value * MS);
    }
  if (g_str_has_prefix (rest, " s"))
    {
      *end = rest + strlen (" s");
      return (gint64) (value * G_USEC_PER_SEC);
    }
  if (g_str_has_prefix (rest, " min "))
    {
      gint64 minutes = (gint64) value;
      gint64 seconds = (gint64) g_ascii_strtod (rest + strlen (" min "), &rest);

      g_assert_true (g_str_has_prefix (rest, " s"));
      *end = rest + strlen (" s");
      return (minutes * 60 + seconds) * G_USEC_PER_SEC;
    }

  g_error ("Not a duration: “%s”", text);
}

/* The whole of TEXT is a duration. */
static gint64
parse_whole_duration (const char *text)
{
  const char *end;
  gint64 duration = parse_duration (text, &end);

  g_assert_cmpstr (end, ==, "");
  return duration;
}

/* The duration in "Frozen for 4.2 s" */
static gint64
stall_text_duration (const char *stall_text)
{
  const char *prefix = "Frozen for ";

  g_assert_nonnull (stall_text);
  g_assert_true (g_str_has_prefix (stall_text, prefix));
  return parse_whole_duration (stall_text + strlen (prefix));
}

/* The durations in "Now 2 ms · worst 140 ms" */
static void
parse_running_text (const char *text,
                    gint64     *now,
                    gint64     *worst)
{
  const char *end;

  g_assert_true (g_str_has_prefix (text, "Now "));
  *now = parse_duration (text + strlen ("Now "), &end);
  g_assert_true (g_str_has_prefix (end, " · worst "));
  *worst = parse_whole_duration (end + strlen (" · worst "));
}

static MwHeartbeat *
find_heartbeat (MwMeter *meter)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (meter));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (MW_IS_HEARTBEAT (child))
      return MW_HEARTBEAT (child);
  return NULL;
}

static guint
count_visible_children (MwMeter *meter)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (meter));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += gtk_widget_get_visible (child);
  return n;
}

/* --- Showing a meter ---------------------------------------------------------------- */

static gboolean
frames_flow (gpointer data)
{
  return mw_monitor_get_current_frame_gap (data) > 0;
}

static gboolean
stall_notice_gone (gpointer data)
{
  return mw_meter_get_stall_text (data) == NULL;
}

/* Shows METER in a window and starts its monitor once the window draws. A window's first
 * frame can take long (renderer set-up, shaders); that is not what the tests measure. */
static GtkWidget *
show_meter (MwMeter *meter)
{
  MwMonitor *monitor = mw_meter_get_monitor (meter);
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (meter));
  gtk_window_present (GTK_WINDOW (window));

  /* The heartbeat reports frame gaps as soon as it has drawn two frames. */
  mw_test_wait_until (frames_flow, monitor, PATIENCE_MS, "the window draws frames");
  mw_monitor_reset (monitor);
  mw_monitor_start (monitor);
  return window;
}

/* Destroys WINDOW, and asserts that the meter and the monitor are freed with it: the
 * caller holds the last reference to each. */
static void
destroy_window (GtkWidget *window,
                MwMeter   *meter,
                MwMonitor *monitor)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  while (window != NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_finalize_object (meter);
  g_assert_finalize_object (monitor);
}

/* Before any stall, the meter says how late the main loop runs and nothing else. */
static void
assert_running_text (MwMeter *meter)
{
  MwMonitor *monitor = mw_meter_get_monitor (meter);
  gint64 now, worst;

  /* A busy machine may stall on its own; the meter must then say so, and does, as other
   * tests check. */
  if (mw_monitor_get_last_stall (monitor) > 0)
    {
      g_test_message ("The main loop stalled on its own, for %" G_GINT64_FORMAT " us",
                      mw_monitor_get_last_stall (monitor));
      return;
    }

  g_assert_null (mw_meter_get_stall_text (meter));
  g_assert_null (strstr (mw_meter_get_text (meter), "Frozen"));
  parse_running_text (mw_meter_get_text (meter), &now, &worst);
  g_assert_cmpint (now, <=, worst);
}

/* --- Tests -------------------------------------------------------------------------- */

static void
test_meter_without_monitor (void)
{
  g_autoptr(MwMonitor) monitor = mw_monitor_new (10);
  MwMeter *meter = MW_METER (g_object_ref_sink (mw_meter_new (NULL)));

  g_assert_null (mw_meter_get_monitor (meter));
  g_assert_cmpstr (mw_meter_get_text (meter), ==, "Not measuring");
  g_assert_null (mw_meter_get_stall_text (meter));

  g_object_set (meter, "monitor", monitor, NULL);
  g_assert_true (mw_meter_get_monitor (meter) == monitor);
  g_assert_true (g_str_has_prefix (mw_meter_get_text (meter), "Now "));

  mw_meter_set_monitor (meter, NULL);
  g_assert_cmpstr (mw_meter_get_text (meter), ==, "Not measuring");

  g_assert_finalize_object (meter);
}

static void
test_meter_reports_stall (void)
{
  MwMonitor *monitor = mw_monitor_new (10);
  MwMeter *meter = MW_METER (g_object_ref_sink (mw_meter_new (monitor)));
  MwHeartbeat *heartbeat = find_heartbeat (meter);
  GtkWidget *window;
  gint64 now, worst;

  g_assert_nonnull (heartbeat);
  g_assert_true (mw_heartbeat_get_monitor (heartbeat) == monitor);
  gtk_test_accessible_assert_role (heartbeat, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (heartbeat, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Heartbeat of the window");

  window = show_meter (meter);
  mw_test_run_loop_for (300);
  assert_running_text (meter);

  block_main_loop ();
  g_test_message ("After the block: \"%s\", worst frame gap %" G_GINT64_FORMAT " us",
                  mw_meter_get_text (meter), mw_monitor_get_worst_frame_gap (monitor));

  /* The block shows at once, and the text is what the window shows. */
  g_assert_cmpint (stall_text_duration (mw_meter_get_stall_text (meter)), >=, MIN_STALL_US);
  g_assert_cmpstr (mw_meter_get_text (meter), ==, mw_meter_get_stall_text (meter));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (meter)), ==,
                   mw_meter_get_stall_text (meter));

  /* No frame could be drawn while the main loop was blocked, and the heartbeat saw it. */
  g_assert_cmpint (mw_monitor_get_worst_frame_gap (monitor), >=, MIN_FRAME_GAP_US);

  /* After a while the notice gives way to the running figures, which keep the block. */
  mw_test_wait_until (stall_notice_gone, meter, PATIENCE_MS, "the stall notice goes");
  g_test_message ("Later: \"%s\"", mw_meter_get_text (meter));
  parse_running_text (mw_meter_get_text (meter), &now, &worst);
  g_assert_cmpint (worst, >=, MIN_STALL_US);
  g_assert_null (strstr (mw_meter_get_text (meter), "Frozen"));

  destroy_window (window, meter, monitor);
}

static void
test_meter_compact (void)
{
  MwMonitor *monitor = mw_monitor_new (10);
  MwMeter *meter = MW_METER (g_object_ref_sink (mw_meter_new (monitor)));
  GtkWidget *window;

  mw_meter_set_compact (meter, TRUE);
  g_assert_true (mw_meter_get_compact (meter));
  /* The heartbeat and the text, without the graph */
  g_assert_cmpuint (count_visible_children (meter), ==, 2);
  window = show_meter (meter);
  mw_test_run_loop_for (300);

  /* Only the current lateness, which is a duration alone. */
  if (mw_monitor_get_last_stall (monitor) == 0)
    {
      g_assert_null (strstr (mw_meter_get_text (meter), "worst"));
      parse_whole_duration (mw_meter_get_text (meter));
    }

  block_main_loop ();

  /* No room for the sentence: the meter shows how long the block was, and the tooltip
   * says what it was. */
  g_assert_cmpint (stall_text_duration (mw_meter_get_stall_text (meter)), >=, MIN_STALL_US);
  g_assert_cmpint (parse_whole_duration (mw_meter_get_text (meter)), ==,
                   stall_text_duration (mw_meter_get_stall_text (meter)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (meter)), ==,
                   mw_meter_get_stall_text (meter));

  /* Given room again, the meter says the whole sentence. */
  g_object_set (meter, "compact", FALSE, NULL);
  g_assert_cmpuint (count_visible_children (meter), ==, 3);
  g_assert_cmpstr (mw_meter_get_text (meter), ==, mw_meter_get_stall_text (meter));

  destroy_window (window, meter, monitor);
}

static gboolean
monitor_resting (gpointer user_data)
{
  return !mw_monitor_get_active (user_data);
}

/* While the monitor rests the meter says so instead of showing stale figures; while
 * something holds the monitor it measures again. */
static void
test_meter_idle (void)
{
  g_autoptr(MwMonitor) monitor = mw_monitor_new (10);
  MwMeter *meter = MW_METER (g_object_ref_sink (mw_meter_new (monitor)));
  GtkWidget *graph;

  mw_monitor_set_rest_when_idle (monitor, TRUE);
  mw_monitor_start (monitor);
  g_assert_cmpstr (mw_meter_get_text (meter), ==, "Idle");
  graph = gtk_widget_get_next_sibling (gtk_widget_get_first_child (GTK_WIDGET (meter)));
  g_assert_true (gtk_widget_has_css_class (graph, "dim-label"));

  mw_monitor_hold (monitor);
  g_assert_true (g_str_has_prefix (mw_meter_get_text (meter), "Now "));
  g_assert_false (gtk_widget_has_css_class (graph, "dim-label"));
  mw_monitor_release (monitor);
  mw_test_wait_until (monitor_resting, monitor, 30000, "the monitor to rest after its hold went");
  g_assert_cmpstr (mw_meter_get_text (meter), ==, "Idle");

  g_assert_finalize_object (meter);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/meter/without-monitor", test_meter_without_monitor);
  g_test_add_func ("/meter/reports-stall", test_meter_reports_stall);
  g_test_add_func ("/meter/compact", test_meter_compact);
  g_test_add_func ("/meter/idle", test_meter_idle);

  return g_test_run ();
}
