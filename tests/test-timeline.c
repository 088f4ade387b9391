/* test-timeline.c: tests for the timeline recorder, and what the engine records on it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only lower bounds of time are asserted, those of waits and blocks the tests cause
 * themselves: a busy machine can make things later than asked, never earlier.
 */
#define G_LOG_DOMAIN "test-timeline"

#include "config.h"

#include <string.h>

#include "mw-download-list.h"
#include "mw-feed-list.h"
#include "mw-monitor.h"
#include "mw-state-file.h"
#include "mw-test-server.h"
#include "mw-test-utils.h"
#include "mw-timeline.h"

#define MS          (G_GINT64_CONSTANT (1000))

/* Everything the timeline holds, oldest first. */
static guint
copy_all (MwTimeline        *timeline,
          MwTimelineSegment *segments,
          guint              max)
{
  return mw_timeline_copy_segments (timeline, G_MININT64, G_MAXINT64, segments, max);
}

/* --- The ring ------------------------------------------------------------------------ */

static void
test_ring_keeps_newest (void)
{
  g_autoptr(MwTimeline) timeline = mw_timeline_new (8, 4);
  MwTimelineSegment segments[16];
  gint64 frames[8];
  guint n;

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *label = g_strdup_printf ("segment %u", i);

      mw_timeline_add (timeline, MW_TIMELINE_WORKERS, i * 10, i * 10 + 5, label);
    }
  n = copy_all (timeline, segments, G_N_ELEMENTS (segments));
  g_assert_cmpuint (n, ==, 8);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *expected = g_strdup_printf ("segment %u", 12 + i);

      g_assert_cmpstr (segments[i].label, ==, expected);
      g_assert_cmpint (segments[i].start, ==, (12 + i) * 10);
      g_assert_cmpint (segments[i].end, ==, (12 + i) * 10 + 5);
    }

  /* Asked for fewer than there are: the newest of them. */
  n = copy_all (timeline, segments, 3);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (segments[0].label, ==, "segment 17");
  g_assert_cmpstr (segments[2].label, ==, "segment 19");

  for (gint64 t = 1; t <= 10; t++)
    mw_timeline_add_frame (timeline, t * 100);
  n = mw_timeline_copy_frames (timeline, G_MININT64, G_MAXINT64, frames, G_N_ELEMENTS (frames));
  g_assert_cmpuint (n, ==, 4);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (frames[i], ==, (7 + i) * 100);
  n = mw_timeline_copy_frames (timeline, G_MININT64, G_MAXINT64, frames, 2);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (frames[0], ==, 900);
  g_assert_cmpint (frames[1], ==, 1000);
}

/* A running segment pushed out of the ring no longer counts as running. */
static void
test_ring_drops_running (void)
{
  g_autoptr(MwTimeline) timeline = mw_timeline_new (4, 4);
  guint64 id = mw_timeline_begin (timeline, MW_TIMELINE_NETWORK, "Waiting for the server", "a.iso");

  g_assert_cmpuint (mw_timeline_get_n_open (timeline), ==, 1);
  for (guint i = 0; i < 4; i++)
    mw_timeline_mark (timeline, i, "a line of the log");
  g_assert_cmpuint (mw_timeline_get_n_open (timeline), ==, 0);
  /* Ending it now touches nothing else. */
  mw_timeline_end (timeline, id);
  g_assert_cmpuint (mw_timeline_get_n_open (timeline), ==, 0);
}

/* --- Labels -------------------------------------------------------------------------- */

static void
assert_label_cut_well (const char *what,
                       const char *subject)
{
  g_autofree char *whole = subject && *subject ? g_strdup_printf ("%s · %s", what, subject) : g_strdup (what);
  char label[MW_TIMELINE_LABEL_SIZE];
  gsize length;

  mw_timeline_copy_label (label, what, subject);
  length = strlen (label);
  g_assert_cmpuint (length, <, MW_TIMELINE_LABEL_SIZE);
  g_assert_true (g_utf8_validate (label, -1, NULL));
  g_assert_true (g_str_has_prefix (whole, label));
  /* As much as fits, less at most one character. */
  g_assert_cmpuint (length, >=, MIN (strlen (whole), MW_TIMELINE_LABEL_SIZE - 1 - 3));
}

static void
test_labels_cut_at_characters (void)
{
  g_autoptr(MwTimeline) timeline = mw_timeline_new (4, 4);
  /* Two, three and four bytes a character, shifted so that every cut falls somewhere
   * else inside one. */
  const char *wide[] = { "ü", "€", "😀" };
  MwTimelineSegment segment;

  for (guint w = 0; w < G_N_ELEMENTS (wide); w++)
    for (guint shift = 0; shift < 4; shift++)
      {
        g_autoptr(GString) name = g_string_new (NULL);

        for (guint i = 0; i < shift; i++)
          g_string_append_c (name, 'x');
        for (guint i = 0; i < 40; i++)
          g_string_append (name, wide[w]);
        assert_label_cut_well ("Writing a chunk", name->str);
        assert_label_cut_well (name->str, NULL);
      }

  assert_label_cut_well ("Saving state", "downloads.json");
  assert_label_cut_well ("Saving state", NULL);
  assert_label_cut_well ("", "");

  /* And as recorded. */
  mw_timeline_add (timeline, MW_TIMELINE_MAIN, 1, 2,
                   "16.7 s — nothing drawn, and a label far too long to be kept whole: ééééééé");
  g_assert_cmpuint (copy_all (timeline, &segment, 1), ==, 1);
  g_assert_true (g_utf8_validate (segment.label, -1, NULL));
  g_assert_true (g_str_has_prefix (segment.label, "16.7 s — nothing drawn, and a label"));
}

/* --- Segments in progress, and from threads -------------------------------------------- */

static void
test_begin_end (void)
{
  g_autoptr(MwTimeline) timeline = mw_timeline_new (16, 4);
  MwTimelineSegment segments[4];
  guint64 id, generation;
  gint64 before = g_get_monotonic_time ();

  generation = mw_timeline_get_generation (timeline);
  id = mw_timeline_begin (timeline, MW_TIMELINE_WORKERS, "Writing a chunk", "ubuntu.iso");
  g_assert_cmpuint (id, !=, 0);
  g_assert_cmpuint (mw_timeline_get_generation (timeline), >, generation);
  g_assert_cmpuint (mw_timeline_get_n_open (timeline), ==, 1);

  /* Unfinished: no end yet, and it overlaps any window after its start. */
  g_assert_cmpuint (mw_timeline_copy_segments (timeline, G_MININT64, before - 1, segments, 4), ==, 0);
  g_assert_cmpuint (mw_timeline_copy_segments (timeline, g_get_monotonic_time (), G_MAXINT64,
                                               segments, 4), ==, 1);
  g_assert_cmpint (segments[0].end, ==, 0);
  g_assert_cmpint (segments[0].start, >=, before);
  g_assert_cmpint (segments[0].lane, ==, MW_TIMELINE_WORKERS);
  g_assert_cmpstr (segments[0].label, ==, "Writing a chunk · ubuntu.iso");

  g_usleep (2000);
  mw_timeline_end (timeline, id);
  g_assert_cmpuint (mw_timeline_get_n_open (timeline), ==, 0);
  g_assert_cmpuint (copy_all (timeline, segments, 4), ==, 1);
  g_assert_cmpint (segments[0].end - segments[0].start, >=, 2 * MS);
  g_assert_cmpint (segments[0].busy, ==, segments[0].end - segments[0].start);
  g_assert_cmpuint (segments[0].count, ==, 1);

  /* Ending twice, or ending nothing, changes nothing. */
  generation = mw_timeline_get_generation (timeline);
  mw_timeline_end (timeline, id);
  mw_timeline_end (timeline, 0);
  g_assert_cmpuint (mw_timeline_get_generation (timeline), ==, generation);
  g_assert_cmpuint (mw_timeline_get_n_open (timeline), ==, 0);
}

/* Runs close together are one segment that counts them; apart, or on another lane, not. */
static void
test_runs_merge (void)
{
  g_autoptr(MwTimeline) timeline = mw_timeline_new (16, 4);
  MwTimelineSegment segments[8];
  guint n;

  for (guint i = 0; i < 3; i++)
    mw_timeline_end (timeline, mw_timeline_begin (timeline, MW_TIMELINE_WORKERS, "Writing a chunk", "a.iso"));
  mw_timeline_end (timeline, mw_timeline_begin (timeline, MW_TIMELINE_MAIN, "Writing a chunk", "a.iso"));
  mw_timeline_end (timeline, mw_timeline_begin (timeline, MW_TIMELINE_WORKERS, "Writing a chunk", "b.iso"));
  g_usleep (300 * 1000);
  mw_timeline_end (timeline, mw_timeline_begin (timeline, MW_TIMELINE_WORKERS, "Writing a chunk", "a.iso"));

  n = copy_all (timeline, segments, G_N_ELEMENTS (segments));
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpstr (segments[0].label, ==, "Writing a chunk · a.iso");
  g_assert_cmpint (segments[0].lane, ==, MW_TIMELINE_WORKERS);
  g_assert_cmpuint (segments[0].count, ==, 3);
  g_assert_cmpint (segments[0].busy, <=, segments[0].end - segments[0].start);
  g_assert_cmpint (segments[1].lane, ==, MW_TIMELINE_MAIN);
  g_assert_cmpstr (segments[2].label, ==, "Writing a chunk · b.iso");
  g_assert_cmpuint (segments[3].count, ==, 1);
  g_assert_cmpint (segments[3].start - segments[0].end, >=, 300 * MS);
}

#define N_THREADS     4
#define RUNS_A_THREAD 2000

static gpointer
record_thread (gpointer data)
{
  MwTimeline *timeline = data;
  g_autofree char *name = g_strdup_printf ("thread %p", (void *) g_thread_self ());

  for (guint i = 0; i < RUNS_A_THREAD; i++)
    {
      guint64 id = mw_timeline_begin (timeline, MW_TIMELINE_WORKERS, "Writing a chunk", name);

      g_assert_cmpuint (id, !=, 0);
      mw_timeline_end (timeline, id);
      if (i % 100 == 0)
        mw_timeline_mark (timeline, g_get_monotonic_time (), name);
    }
  return g_steal_pointer (&name);
}

static void
test_threads (void)
{
  g_autoptr(MwTimeline) timeline = mw_timeline_new (4096, 4);
  g_autofree MwTimelineSegment *segments = g_new (MwTimelineSegment, 4096);
  GThread *threads[N_THREADS];
  char *names[N_THREADS];
  guint n;

  for (guint t = 0; t < N_THREADS; t++)
    threads[t] = g_thread_new ("recorder", record_thread, timeline);
  for (guint t = 0; t < N_THREADS; t++)
    names[t] = g_thread_join (threads[t]);

  g_assert_cmpuint (mw_timeline_get_n_open (timeline), ==, 0);
  n = copy_all (timeline, segments, 4096);
  for (guint t = 0; t < N_THREADS; t++)
    {
      g_autofree char *label = g_strdup_printf ("Writing a chunk · %s", names[t]);
      guint runs = 0, marks = 0;

      for (guint i = 0; i < n; i++)
        {
          if (segments[i].lane == MW_TIMELINE_MARKERS && strcmp (segments[i].label, names[t]) == 0)
            marks++;
          if (strcmp (segments[i].label, label) != 0)
            continue;
          g_assert_cmpint (segments[i].lane, ==, MW_TIMELINE_WORKERS);
          g_assert_cmpint (segments[i].end, >=, segments[i].start);
          g_assert_cmpint (segments[i].busy, >=, 0);
          g_assert_cmpint (segments[i].busy, <=, segments[i].end - segments[i].start);
          runs += segments[i].count;
        }
      /* Every run of every thread is there, none lost to a race. */
      g_assert_cmpuint (runs, ==, RUNS_A_THREAD);
      g_assert_cmpuint (marks, ==, RUNS_A_THREAD / 100);
      g_free (names[t]);
    }
}

/* --- Reading --------------------------------------------------------------------------- */

static void
test_window (void)
{
  g_autoptr(MwTimeline) timeline = mw_timeline_new (16, 16);
  MwTimelineSegment segments[8];
  gint64 frames[8];
  guint n;

  mw_timeline_add (timeline, MW_TIMELINE_MAIN, 0, 10, "first");
  mw_timeline_add (timeline, MW_TIMELINE_WORKERS, 20, 30, "second");
  mw_timeline_add (timeline, MW_TIMELINE_NETWORK, 40, 50, "third");
  mw_timeline_mark (timeline, 60, "a mark");
  for (gint64 t = 0; t < 8; t++)
    mw_timeline_add_frame (timeline, t * 10);

  n = mw_timeline_copy_segments (timeline, 25, 45, segments, G_N_ELEMENTS (segments));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (segments[0].label, ==, "second");
  g_assert_cmpstr (segments[1].label, ==, "third");

  g_assert_cmpuint (mw_timeline_copy_segments (timeline, 31, 39, segments, 8), ==, 0);
  /* Edges touch. */
  n = mw_timeline_copy_segments (timeline, 10, 20, segments, 8);
  g_assert_cmpuint (n, ==, 2);
  n = mw_timeline_copy_segments (timeline, 55, 65, segments, 8);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (segments[0].lane, ==, MW_TIMELINE_MARKERS);
  g_assert_cmpint (segments[0].start, ==, 60);
  g_assert_cmpint (segments[0].end, ==, 60);

  n = mw_timeline_copy_frames (timeline, 25, 45, frames, G_N_ELEMENTS (frames));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (frames[0], ==, 30);
  g_assert_cmpint (frames[1], ==, 40);
  g_assert_cmpuint (mw_timeline_copy_frames (timeline, 71, 100, frames, 8), ==, 0);
}

static void
test_recording_off (void)
{
  g_autoptr(MwTimeline) timeline = mw_timeline_new (16, 16);
  MwTimelineSegment segments[4];
  gint64 frames[4];
  guint64 generation = mw_timeline_get_generation (timeline);
  guint64 id;

  g_assert_true (mw_timeline_get_recording (timeline));
  mw_timeline_set_recording (timeline, FALSE);
  g_assert_false (mw_timeline_get_recording (timeline));

  g_assert_cmpuint (mw_timeline_begin (timeline, MW_TIMELINE_MAIN, "Parsing a feed", "x"), ==, 0);
  mw_timeline_add (timeline, MW_TIMELINE_MAIN, 1, 2, "stall");
  mw_timeline_mark (timeline, 3, "mark");
  mw_timeline_add_frame (timeline, 4);
  g_assert_cmpuint (copy_all (timeline, segments, 4), ==, 0);
  g_assert_cmpuint (mw_timeline_copy_frames (timeline, G_MININT64, G_MAXINT64, frames, 4), ==, 0);
  g_assert_cmpuint (mw_timeline_get_generation (timeline), ==, generation);
  g_assert_cmpuint (mw_timeline_get_n_open (timeline), ==, 0);

  /* A segment begun while recording still ends after recording stopped. */
  mw_timeline_set_recording (timeline, TRUE);
  id = mw_timeline_begin (timeline, MW_TIMELINE_MAIN, "Parsing a feed", "x");
  mw_timeline_set_recording (timeline, FALSE);
  mw_timeline_end (timeline, id);
  g_assert_cmpuint (mw_timeline_get_n_open (timeline), ==, 0);
}

/* --- Waking a reader ------------------------------------------------------------------- */

static gboolean
count_dispatch_cb (gpointer user_data)
{
  guint *n = user_data;

  (*n)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
dispatched (gpointer data)
{
  return *(guint *) data > 0;
}

static gpointer
mark_thread (gpointer data)
{
  mw_timeline_mark (data, g_get_monotonic_time (), "from a thread");
  return NULL;
}

static void
test_wake (void)
{
  g_autoptr(MwTimeline) timeline = mw_timeline_new (16, 16);
  g_autoptr(GSource) source = g_timeout_source_new_seconds (3600);
  guint n_dispatched = 0;

  g_source_set_callback (source, count_dispatch_cb, &n_dispatched, NULL);
  g_source_attach (source, NULL);

  /* Frames do not wake a reader: drawing makes them. */
  mw_timeline_wake_on_record (timeline, source);
  mw_timeline_add_frame (timeline, 1);
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (n_dispatched, ==, 0);

  g_thread_join (g_thread_new ("marker", mark_thread, timeline));
  mw_test_wait_until (dispatched, &n_dispatched, MW_TEST_PATIENCE_MS, "the timeline to wake its reader");
  g_assert_cmpuint (n_dispatched, ==, 1);

  /* Once: the next record wakes no one until the reader asks again. */
  mw_timeline_mark (timeline, 2, "again");
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (n_dispatched, ==, 1);

  /* A reader that stopped waiting is not woken. */
  mw_timeline_wake_on_record (timeline, source);
  mw_timeline_cancel_wake (timeline, source);
  mw_timeline_mark (timeline, 3, "and again");
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (n_dispatched, ==, 1);

  g_source_destroy (source);
}

static gpointer
lane_thread (gpointer data)
{
  return GINT_TO_POINTER (mw_timeline_lane_here ());
}

static gboolean
report_lane_cb (gpointer user_data)
{
  *(MwTimelineLane *) user_data = mw_timeline_lane_here ();
  return G_SOURCE_REMOVE;
}

static void
test_lane_here (void)
{
  MwTimelineLane lane = MW_TIMELINE_N_LANES;

  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (g_thread_new ("lane", lane_thread, NULL))), ==,
                   MW_TIMELINE_WORKERS);
  /* Work the main loop dispatches is the main loop's. */
  g_idle_add (report_lane_cb, &lane);
  while (lane == MW_TIMELINE_N_LANES)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (lane, ==, MW_TIMELINE_MAIN);
}

/* --- What the engine records ------------------------------------------------------- */

/* The stalls on the default timeline. */
static guint
find_stalls (MwTimelineSegment *segments,
             guint              max)
{
  g_autofree MwTimelineSegment *all = g_new (MwTimelineSegment, MW_TIMELINE_DEFAULT_CAPACITY);
  guint n = copy_all (mw_timeline_get_default (), all, MW_TIMELINE_DEFAULT_CAPACITY);
  guint found = 0;

  for (guint i = 0; i < n && found < max; i++)
    if (all[i].lane == MW_TIMELINE_MAIN && all[i].stall)
      segments[found++] = all[i];
  return found;
}

static gboolean
stall_recorded (gpointer data)
{
  MwTimelineSegment segment;

  return find_stalls (&segment, 1) > 0;
}

static gboolean
block_cb (gpointer user_data)
{
  g_usleep (200 * 1000);
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_monitor_stall (void)
{
  g_autoptr(MwMonitor) monitor = mw_monitor_new (10);
  MwTimelineSegment stall;
  gboolean blocked = FALSE;
  gint64 before, after;

  mw_timeline_clear (mw_timeline_get_default ());
  mw_monitor_start (monitor);
  mw_test_run_loop_for (50);
  g_assert_cmpuint (find_stalls (&stall, 1), ==, 0);

  before = g_get_monotonic_time ();
  g_idle_add (block_cb, &blocked);
  mw_test_wait_until (stall_recorded, NULL, MW_TEST_PATIENCE_MS, "the monitor to record the stall on the timeline");
  after = g_get_monotonic_time ();
  g_assert_true (blocked);

  g_assert_cmpuint (find_stalls (&stall, 1), ==, 1);
  /* The tick before the block may have run up to one interval before it began. */
  g_assert_cmpint (stall.end - stall.start, >=, 190 * MS);
  g_assert_cmpint (stall.start, >=, before - 10 * MS);
  g_assert_cmpint (stall.end, <=, after);
  g_assert_true (g_str_has_suffix (stall.label, " s — nothing drawn") ||
                 g_str_has_suffix (stall.label, " ms — nothing drawn"));
  mw_monitor_stop (monitor);
}

typedef struct
{
  MwTimelineLane lane;
  const char    *what;
  const char    *name;
} Wanted;

static gboolean
has_segment (MwTimelineSegment *segments,
             guint              n,
             MwTimelineLane     lane,
             const char        *label)
{
  for (guint i = 0; i < n; i++)
    if (segments[i].lane == lane && strcmp (segments[i].label, label) == 0 && segments[i].end != 0)
      return TRUE;
  return FALSE;
}

static gboolean
finished (gpointer data)
{
  return mw_download_is_finished (data) && !mw_download_is_active (data);
}

/* A download's disk steps run on the workers' lane, and on the main loop's in freezing
 * mode; its network phases on the network lane in both. */
static void
test_download_steps (gconstpointer user_data)
{
  gboolean blocking = GPOINTER_TO_INT (user_data);
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 7);
  g_autofree MwTimelineSegment *segments = g_new (MwTimelineSegment, MW_TIMELINE_DEFAULT_CAPACITY);
  MwTimelineLane step_lane = blocking ? MW_TIMELINE_MAIN : MW_TIMELINE_WORKERS;
  MwTestDownloads fixture;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  MwDownload *download;
  guint n;

  mw_test_downloads_set_up (&fixture, NULL);
  mw_test_server_add (fixture.server, "/steps.iso", body);
  mw_download_list_set_blocking_mode (fixture.list, blocking);
  mw_timeline_clear (mw_timeline_get_default ());

  url = mw_test_server_url (fixture.server, "/steps.iso");
  download = mw_download_list_add (fixture.list, url, NULL, &error);
  g_assert_no_error (error);
  mw_test_wait_until (finished, download, MW_TEST_PATIENCE_MS, "the download to finish");
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_COMPLETED);

  n = copy_all (mw_timeline_get_default (), segments, MW_TIMELINE_DEFAULT_CAPACITY);
  g_assert_true (has_segment (segments, n, step_lane, "Choosing a file name · steps.iso"));
  g_assert_true (has_segment (segments, n, step_lane, "Checking and renaming the file · steps.iso"));
  g_assert_false (has_segment (segments, n, blocking ? MW_TIMELINE_WORKERS : MW_TIMELINE_MAIN,
                               "Choosing a file name · steps.iso"));
  /* Freezing mode reads and writes the body inline, not as steps. */
  if (!blocking)
    g_assert_true (has_segment (segments, n, MW_TIMELINE_WORKERS, "Writing a chunk · steps.iso"));
  g_assert_true (has_segment (segments, n, MW_TIMELINE_NETWORK, "Waiting for the server · steps.iso"));
  g_assert_true (has_segment (segments, n, MW_TIMELINE_NETWORK, "Receiving · steps.iso"));
  g_assert_cmpuint (mw_timeline_get_n_open (mw_timeline_get_default ()), ==, 0);

  mw_test_downloads_tear_down (&fixture, NULL);
}

#define FEED "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Planet</title>" \
             "<link>https://site.example/</link><item><title>One</title><guid>one</guid>" \
             "</item></channel></rss>\n"

/* A feed is parsed on the workers' lane, and on the main loop's in freezing mode. */
static void
test_feed_parse (gconstpointer user_data)
{
  gboolean blocking = GPOINTER_TO_INT (user_data);
  g_autoptr(MwTestServer) server = mw_test_server_new ();
  g_autoptr(MwFeedList) list = mw_feed_list_new (NULL);
  g_autoptr(GBytes) body = g_bytes_new_static (FEED, strlen (FEED));
  g_autofree MwTimelineSegment *segments = g_new (MwTimelineSegment, MW_TIMELINE_DEFAULT_CAPACITY);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;
  g_autofree char *url = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GUri) uri = NULL;
  MwTestResource *resource;
  guint n;

  resource = mw_test_server_add (server, "/feed.xml", body);
  resource->content_type = g_strdup ("application/rss+xml");
  url = mw_test_server_url (server, "/feed.xml");
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  label = g_strdup_printf ("Parsing a feed · %s", g_uri_get_host (uri));
  mw_feed_list_set_blocking_mode (list, blocking);
  mw_timeline_clear (mw_timeline_get_default ());

  mw_feed_list_subscribe_async (list, url, NULL, mw_test_async_result_cb, &result);
  mw_test_async_result (&result, "the subscription to finish");
  feed = mw_feed_list_subscribe_finish (list, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (feed);

  n = copy_all (mw_timeline_get_default (), segments, MW_TIMELINE_DEFAULT_CAPACITY);
  g_assert_true (has_segment (segments, n, blocking ? MW_TIMELINE_MAIN : MW_TIMELINE_WORKERS, label));
  g_assert_false (has_segment (segments, n, blocking ? MW_TIMELINE_WORKERS : MW_TIMELINE_MAIN, label));
  mw_test_run_loop_for (20);
}

static gpointer
snapshot_text (gpointer owner)
{
  return g_strdup ("{}");
}

static char *
serialize_text (gpointer  snapshot,
                gsize    *length)
{
  *length = strlen (snapshot);
  return g_strdup (snapshot);
}

/* The state file is written on the workers' lane. */
static void
test_state_save (void)
{
  g_autofree char *folder = g_dir_make_tmp ("meanwhile-timeline-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "downloads.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MwStateSaver) saver = mw_state_saver_new (file, NULL, snapshot_text, serialize_text, g_free);
  g_autofree MwTimelineSegment *segments = g_new (MwTimelineSegment, MW_TIMELINE_DEFAULT_CAPACITY);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  mw_timeline_clear (mw_timeline_get_default ());
  mw_state_saver_set_enabled (saver, TRUE);
  mw_state_saver_save_async (saver, NULL, mw_test_async_result_cb, &result);
  mw_test_async_result (&result, "the state file to be saved");
  g_assert_true (mw_state_saver_save_finish (saver, result, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  n = copy_all (mw_timeline_get_default (), segments, MW_TIMELINE_DEFAULT_CAPACITY);
  g_assert_true (has_segment (segments, n, MW_TIMELINE_WORKERS, "Saving state · downloads.json"));
  mw_test_remove_tree (folder);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/timeline/ring/keeps-newest", test_ring_keeps_newest);
  g_test_add_func ("/timeline/ring/drops-running", test_ring_drops_running);
  g_test_add_func ("/timeline/labels/cut-at-characters", test_labels_cut_at_characters);
  g_test_add_func ("/timeline/segments/begin-end", test_begin_end);
  g_test_add_func ("/timeline/segments/runs-merge", test_runs_merge);
  g_test_add_func ("/timeline/segments/threads", test_threads);
  g_test_add_func ("/timeline/window", test_window);
  g_test_add_func ("/timeline/recording-off", test_recording_off);
  g_test_add_func ("/timeline/wake", test_wake);
  g_test_add_func ("/timeline/lane-here", test_lane_here);
  g_test_add_func ("/timeline/engine/monitor-stall", test_monitor_stall);
  g_test_add_data_func ("/timeline/engine/download-steps/responsive", GINT_TO_POINTER (FALSE),
                        test_download_steps);
  g_test_add_data_func ("/timeline/engine/download-steps/freezing", GINT_TO_POINTER (TRUE),
                        test_download_steps);

  g_test_add_data_func ("/timeline/engine/feed-parse/responsive", GINT_TO_POINTER (FALSE),
                        test_feed_parse);
  g_test_add_data_func ("/timeline/engine/feed-parse/freezing", GINT_TO_POINTER (TRUE),
                        test_feed_parse);
  g_test_add_func ("/timeline/engine/state-save", test_state_save);

  return g_test_run ();
}
