/* mw-bench-download.c: Meanwhile's download engine without a window, for benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Downloads the URLs it is given with an MwDownloadList, as the app does (a state file in
 * a fresh temporary folder, the list's own queue and concurrency limit), runs the main
 * loop until every download has ended, and prints one JSON line of figures:
 *
 *   main-loop lateness    every tick of the engine's MwMonitor for the whole run
 *                         (p50, p99, max, in microseconds)
 *   threads               the process's thread count, sampled from /proc/self/status;
 *                         the highest seen, and the one seen when most downloads ran
 *   peak RSS              VmHWM from /proc/self/status at the end
 *   bytes, failures       what reached the disk, and how many downloads did not
 *
 * The engine records its work on the timeline, as in the app; --no-timeline turns that
 * off, so that the two runs tell what recording costs. Before the run the driver times
 * recording itself, uncontended, on a timeline of its own (timeline_ns_per_segment).
 *
 * With --idle it downloads nothing and only measures the main loop for a while: the
 * lateness an idle program sees on this machine at this moment, the floor under every
 * other figure.
 *
 * It exits with 1 if a download failed or a file's size differs from the size the
 * server announced (or from --expect-size), with 2 on bad arguments.
 */
#define G_LOG_DOMAIN "mw-bench-download"

#include "config.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "mw-download-list.h"
#include "mw-http.h"
#include "mw-bench-stats.h"
#include "mw-monitor.h"
#include "mw-timeline.h"

typedef struct
{
  GMainLoop      *loop;
  MwDownloadList *list;
  MwMonitor      *monitor;
  GArray         *lateness;        /* gint64, one per monitor tick */
  guint           n_downloads;
  guint           n_ended;
  guint           peak_active;
  guint           threads_at_peak_active;
  guint           peak_threads;
  gint64          first_start_us;  /* when the first download began to run */
  gint64          end_us;
} Bench;

static gboolean opt_freezing = FALSE;
static char *opt_sha256 = NULL;
static int opt_max_concurrent = 4;
static char *opt_folder = NULL;
static gint64 opt_expect_size = -1;
static int opt_monitor_interval = 10;
static int opt_sample_interval = 50;
static char *opt_label = NULL;
static double opt_idle = 0;
static gboolean opt_no_timeline = FALSE;

static const GOptionEntry options[] = {
  { "folder", 'o', 0, G_OPTION_ARG_FILENAME, &opt_folder,
    "Download into FOLDER (required)", "FOLDER" },
  { "freezing", 0, 0, G_OPTION_ARG_NONE, &opt_freezing,
    "Freezing mode: blocking calls on the main thread", NULL },
  { "sha256", 0, 0, G_OPTION_ARG_STRING, &opt_sha256,
    "Verify every download against this SHA-256", "HEX" },
  { "max-concurrent", 'j', 0, G_OPTION_ARG_INT, &opt_max_concurrent,
    "How many downloads run at once (default 4, as in the app)", "N" },
  { "expect-size", 0, 0, G_OPTION_ARG_INT64, &opt_expect_size,
    "Fail unless every file has exactly BYTES bytes", "BYTES" },
  { "monitor-interval", 0, 0, G_OPTION_ARG_INT, &opt_monitor_interval,
    "Interval of the lateness timer in ms (default 10, as in the app)", "MS" },
  { "sample-interval", 0, 0, G_OPTION_ARG_INT, &opt_sample_interval,
    "How often to count threads, in ms (default 50)", "MS" },
  { "label", 0, 0, G_OPTION_ARG_STRING, &opt_label,
    "A name to put in the JSON line", "TEXT" },
  { "no-timeline", 0, 0, G_OPTION_ARG_NONE, &opt_no_timeline,
    "Record nothing on the timeline (the app always records)", NULL },
  { "idle", 0, 0, G_OPTION_ARG_DOUBLE, &opt_idle,
    "Download nothing: measure the idle main loop for SECONDS, the machine's own noise",
    "SECONDS" },
  { NULL }
};

/* Returns: the value of FIELD ("Threads", "VmHWM" in KiB, …) in /proc/self/status, or -1.
 * Read with stdio rather than GIO: this is the measuring instrument, and it must cost as
 * little as possible on the main loop it measures. */
static gint64
read_proc_status (const char *field)
{
  FILE *f = fopen ("/proc/self/status", "re");
  char line[256];
  gsize len = strlen (field);
  gint64 value = -1;

  if (f == NULL)
    return -1;
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, field, len) == 0 && line[len] == ':')
      {
        value = g_ascii_strtoll (line + len + 1, NULL, 10);
        break;
      }
  fclose (f);
  return value;
}

static void
sample_threads (Bench *bench)
{
  guint threads = (guint) MAX (0, read_proc_status ("Threads"));
  guint active = mw_download_list_get_n_active (bench->list);

  bench->peak_threads = MAX (bench->peak_threads, threads);
  if (active > bench->peak_active ||
      (active == bench->peak_active && threads > bench->threads_at_peak_active))
    {
      bench->peak_active = active;
      bench->threads_at_peak_active = threads;
    }
}

static gboolean
sample_cb (gpointer user_data)
{
  sample_threads (user_data);
  return G_SOURCE_CONTINUE;
}

static void
tick_cb (MwMonitor *monitor,
         gint64     lateness,
         Bench     *bench)
{
  g_array_append_val (bench->lateness, lateness);
}

static void
n_active_cb (MwDownloadList *list,
             GParamSpec     *pspec,
             Bench          *bench)
{
  if (bench->first_start_us == 0 && mw_download_list_get_n_active (list) > 0)
    bench->first_start_us = g_get_monotonic_time ();
}

static void
finished_cb (MwDownloadList *list,
             MwDownload     *download,
             Bench          *bench)
{
  /* A freezing-mode run never lets the sampling timer fire: count here as well. */
  sample_threads (bench);
  if (mw_download_get_state (download) == MW_DOWNLOAD_FAILED)
    g_printerr ("%s: %s\n", mw_download_get_url (download),
                mw_download_get_error_message (download));
  bench->n_ended++;
  if (bench->n_ended == bench->n_downloads)
    {
      bench->end_us = g_get_monotonic_time ();
      g_main_loop_quit (bench->loop);
    }
}

static void
idle_over_cb (gpointer user_data)
{
  Bench *bench = user_data;

  sample_threads (bench);
  bench->end_us = g_get_monotonic_time ();
  g_main_loop_quit (bench->loop);
}

static void
saved_cb (GObject      *source_object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;

  if (!mw_download_list_save_finish (MW_DOWNLOAD_LIST (source_object), result, &error))
    g_printerr ("Could not save the state file: %s\n", error->message);
  g_main_loop_quit (bench->loop);
}

static void
loaded_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;

  if (!mw_download_list_load_finish (MW_DOWNLOAD_LIST (source_object), result, &error))
    g_printerr ("Could not read the state file: %s\n", error->message);
  g_main_loop_quit (bench->loop);
}

static gboolean
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL &&
         g_file_enumerator_iterate (children, &info, NULL, NULL, NULL) && info != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
      remove_tree (child);
    }
  return g_file_delete (file, NULL, NULL);
}

/* After the run, off the clock: every download completed, and its file on disk has the
 * size the server announced. */
static guint
count_bad_files (Bench   *bench,
                 guint64 *bytes_on_disk)
{
  guint bad = 0;

  *bytes_on_disk = 0;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (bench->list)); i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (bench->list), i);
      GFile *file = mw_download_get_file (download);
      gint64 expected = opt_expect_size >= 0 ? opt_expect_size : mw_download_get_total_bytes (download);
      g_autoptr(GFileInfo) info = NULL;
      g_autoptr(GError) error = NULL;
      gint64 size;

      if (mw_download_get_state (download) != MW_DOWNLOAD_COMPLETED || file == NULL)
        {
          bad++;
          continue;
        }
      info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                                NULL, &error);
      if (info == NULL)
        {
          g_printerr ("%s\n", error->message);
          bad++;
          continue;
        }
      size = g_file_info_get_size (info);
      *bytes_on_disk += (guint64) size;
      if (expected >= 0 && size != expected)
        {
          g_printerr ("%s: %" G_GINT64_FORMAT " bytes on disk, expected %" G_GINT64_FORMAT "\n",
                      mw_download_get_url (download), size, expected);
          bad++;
        }
    }
  return bad;
}

/* Nanoseconds one segment (a begin and an end) costs, one thread recording. */
static double
time_timeline (void)
{
  g_autoptr(MwTimeline) timeline = mw_timeline_new (MW_TIMELINE_DEFAULT_CAPACITY, MW_TIMELINE_FRAME_CAPACITY);
  const guint n = 200000;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    mw_timeline_end (timeline, mw_timeline_begin (timeline, MW_TIMELINE_WORKERS, "Writing a chunk",
                                                  (i & 1) ? "part1.bin" : "part2.bin"));
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

static void
print_figures (Bench   *bench,
               guint    n_failed,
               guint64  bytes,
               double   timeline_ns)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GArray) sorted = g_array_copy (bench->lateness);
  double seconds = (bench->end_us - bench->first_start_us) / (double) G_USEC_PER_SEC;

  mw_bench_sort (sorted);

  json_builder_begin_object (builder);
  if (opt_label != NULL)
    {
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, opt_label);
    }
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, opt_freezing ? "freezing" : "responsive");
  json_builder_set_member_name (builder, "timeline");
  json_builder_add_boolean_value (builder, !opt_no_timeline);
  /* Each begin, end, stall or marker counts once. */
  json_builder_set_member_name (builder, "timeline_records");
  json_builder_add_int_value (builder, (gint64) mw_timeline_get_generation (mw_timeline_get_default ()));
  json_builder_set_member_name (builder, "timeline_ns_per_segment");
  json_builder_add_double_value (builder, timeline_ns);
  json_builder_set_member_name (builder, "downloads");
  json_builder_add_int_value (builder, bench->n_downloads);
  json_builder_set_member_name (builder, "max_concurrent");
  json_builder_add_int_value (builder, opt_max_concurrent);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, n_failed);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) bytes);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, seconds);
  json_builder_set_member_name (builder, "lateness_samples");
  json_builder_add_int_value (builder, sorted->len);
  json_builder_set_member_name (builder, "lateness_p50_us");
  json_builder_add_int_value (builder, mw_bench_percentile (sorted, 50));
  json_builder_set_member_name (builder, "lateness_p99_us");
  json_builder_add_int_value (builder, mw_bench_percentile (sorted, 99));
  json_builder_set_member_name (builder, "lateness_max_us");
  json_builder_add_int_value (builder, mw_bench_percentile (sorted, 100));
  json_builder_set_member_name (builder, "peak_active");
  json_builder_add_int_value (builder, bench->peak_active);
  json_builder_set_member_name (builder, "threads_at_peak_active");
  json_builder_add_int_value (builder, bench->threads_at_peak_active);
  json_builder_set_member_name (builder, "peak_threads");
  json_builder_add_int_value (builder, bench->peak_threads);
  json_builder_set_member_name (builder, "vm_hwm_kib");
  json_builder_add_int_value (builder, read_proc_status ("VmHWM"));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;
  g_autoptr(GFile) state_folder = NULL;
  g_autoptr(GFile) state_file = NULL;
  g_autoptr(GFile) folder = NULL;
  Bench bench = { 0 };
  guint64 bytes = 0;
  guint n_failed;
  guint sample_source;
  double timeline_ns;

  context = g_option_context_new ("URL… — download with Meanwhile's engine and print figures");
  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_folder == NULL || (argc < 2) == (opt_idle <= 0) || opt_max_concurrent < 1 ||
      opt_monitor_interval < 1 || opt_sample_interval < 1)
    {
      g_printerr ("Usage: %s --folder FOLDER [OPTION…] URL…\n"
                  "       %s --folder FOLDER --idle SECONDS\n", g_get_prgname (), g_get_prgname ());
      return 2;
    }

  mw_http_raise_open_files_limit ();
  timeline_ns = time_timeline ();
  mw_timeline_set_recording (mw_timeline_get_default (), !opt_no_timeline);

  state_dir = g_dir_make_tmp ("mw-bench-state-XXXXXX", &error);
  if (state_dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  state_folder = g_file_new_for_path (state_dir);
  state_file = g_file_get_child (state_folder, "downloads.json");
  folder = g_file_new_for_commandline_arg (opt_folder);

  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.lateness = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 4096);
  bench.list = mw_download_list_new (state_file);
  mw_download_list_set_download_folder (bench.list, folder);
  mw_download_list_set_max_concurrent (bench.list, (guint) opt_max_concurrent);
  /* Every file comes from the one loopback nginx: the politeness limit per host (8 by
   * default) would make "a thousand at once" eight at a time. */
  mw_download_list_set_max_per_host (bench.list, 0);
  mw_download_list_set_blocking_mode (bench.list, opt_freezing);

  mw_download_list_load_async (bench.list, NULL, loaded_cb, &bench);
  g_main_loop_run (bench.loop);

  g_signal_connect (bench.list, "download-finished", G_CALLBACK (finished_cb), &bench);
  g_signal_connect (bench.list, "notify::n-active", G_CALLBACK (n_active_cb), &bench);

  bench.monitor = mw_monitor_new ((guint) opt_monitor_interval);
  g_signal_connect (bench.monitor, "tick", G_CALLBACK (tick_cb), &bench);
  mw_monitor_start (bench.monitor);
  sample_source = g_timeout_add (opt_sample_interval, sample_cb, &bench);

  for (int i = 1; i < argc; i++)
    {
      if (mw_download_list_add (bench.list, argv[i], opt_sha256, &error) == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }
      bench.n_downloads++;
    }

  if (opt_idle > 0)
    {
      bench.first_start_us = g_get_monotonic_time ();
      g_timeout_add_once ((guint) (opt_idle * 1000), idle_over_cb, &bench);
    }
  g_main_loop_run (bench.loop);

  mw_monitor_stop (bench.monitor);
  g_source_remove (sample_source);

  /* The list is saved as the app would save it, and the state folder goes with it. */
  mw_download_list_save_async (bench.list, NULL, saved_cb, &bench);
  g_main_loop_run (bench.loop);

  n_failed = count_bad_files (&bench, &bytes);
  print_figures (&bench, n_failed, bytes, timeline_ns);

  g_clear_object (&bench.monitor);
  g_clear_object (&bench.list);
  g_array_unref (bench.lateness);
  g_main_loop_unref (bench.loop);
  remove_tree (state_folder);

  return n_failed == 0 ? 0 : 1;
}
