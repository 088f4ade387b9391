/* mw-bench-feeds.c: Meanwhile's feed engine without a window, for benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   mw-bench-feeds parse FILE
 *       Parses FILE as the app's worker thread does (mw_feed_parse_newest, keeping the
 *       newest MW_FEED_MAX_ITEMS) and prints one JSON line: items read, items kept, the
 *       time to read the file and the time to parse it.
 *
 *   mw-bench-feeds refresh --urls FILE
 *       Subscribes to every URL of FILE (one a line) with an MwFeedList whose state file
 *       is in a fresh temporary folder, all at once, as an OPML import does; then
 *       refreshes every feed twice, as Ctrl+R does: first without validators, so that
 *       every server sends the whole document again, then with them, so that it answers
 *       304 Not Modified. The main loop runs throughout, measured by the engine's
 *       MwMonitor at the app's rate; one JSON line gives, for each phase, its wall time,
 *       failures and the main loop's lateness (p50, p99, max, in microseconds).
 *       Lateness also counts the time the main thread waited for a CPU, which on a busy
 *       machine is others' doing: "busy" is the part of each lateness the thread spent
 *       running (its CPU time since the previous tick, when that is smaller).
 *
 * Exits with 1 when something could not be parsed or a feed failed, 2 on bad arguments.
 */
#define G_LOG_DOMAIN "mw-bench-feeds"

#include "config.h"

#include <glib/gstdio.h>
#include <time.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mw-feed-list.h"
#include "mw-bench-stats.h"
#include "mw-monitor.h"

static gboolean opt_freezing = FALSE;
static char *opt_urls = NULL;
static int opt_monitor_interval = 10;
static char *opt_content_type = NULL;

static const GOptionEntry options[] = {
  { "urls", 'u', 0, G_OPTION_ARG_FILENAME, &opt_urls,
    "refresh: the feeds to follow, one URL a line", "FILE" },
  { "freezing", 0, 0, G_OPTION_ARG_NONE, &opt_freezing,
    "refresh: freezing mode, blocking calls on the main thread", NULL },
  { "monitor-interval", 0, 0, G_OPTION_ARG_INT, &opt_monitor_interval,
    "refresh: interval of the lateness timer in ms (default 10, as in the app)", "MS" },
  { "content-type", 0, 0, G_OPTION_ARG_STRING, &opt_content_type,
    "parse: the Content-Type a server would have sent", "TYPE" },
  { NULL }
};

static gint64
read_peak_rss_kib (void)
{
  FILE *f = fopen ("/proc/self/status", "re");
  char line[256];
  gint64 value = -1;

  if (f == NULL)
    return -1;
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, "VmHWM:", 6) == 0)
      {
        value = g_ascii_strtoll (line + 6, NULL, 10);
        break;
      }
  fclose (f);
  return value;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* --- parse ------------------------------------------------------------------------- */

static const char *
format_name (MwFeedFormat format)
{
  switch (format)
    {
    case MW_FEED_FORMAT_RSS:
      return "rss";
    case MW_FEED_FORMAT_RDF:
      return "rdf";
    case MW_FEED_FORMAT_ATOM:
      return "atom";
    case MW_FEED_FORMAT_JSON:
      return "json";
    default:
      return "unknown";
    }
}

static int
run_parse (const char *path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(MwParsedFeed) feed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  gint64 start, read_us, parse_us;

  start = g_get_monotonic_time ();
  if (!g_file_get_contents (path, &data, &length, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  read_us = g_get_monotonic_time () - start;

  start = g_get_monotonic_time ();
  feed = mw_feed_parse_newest ((const guint8 *) data, length, opt_content_type,
                               "https://bench.example/feed", MW_FEED_MAX_ITEMS, &error);
  if (feed == NULL)
    {
      g_printerr ("%s: %s\n", path, error->message);
      return 1;
    }
  parse_us = g_get_monotonic_time () - start;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, format_name (feed->format));
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) length);
  json_builder_set_member_name (builder, "items");
  json_builder_add_int_value (builder, feed->n_items_read);
  json_builder_set_member_name (builder, "kept");
  json_builder_add_int_value (builder, feed->items->len);
  json_builder_set_member_name (builder, "read_ms");
  json_builder_add_double_value (builder, read_us / 1000.0);
  json_builder_set_member_name (builder, "parse_ms");
  json_builder_add_double_value (builder, parse_us / 1000.0);
  json_builder_set_member_name (builder, "problem");
  json_builder_add_string_value (builder, feed->problem);
  json_builder_set_member_name (builder, "peak_rss_kib");
  json_builder_add_int_value (builder, read_peak_rss_kib ());
  json_builder_end_object (builder);
  print_json (builder);

  return feed->problem == NULL ? 0 : 1;
}

/* --- refresh ----------------------------------------------------------------------- */

typedef struct
{
  GMainLoop  *loop;
  MwFeedList *list;
  GArray     *lateness;    /* gint64: every monitor tick of the current phase */
  GArray     *busy;        /* gint64: the part of each the main thread was running */
  gint64      last_cpu;
  gint64      phase_cpu;   /* the main thread's CPU time when the phase began */
  guint       pending;
  guint       failures;
  char       *first_error;
} Bench;

static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
tick_cb (MwMonitor *monitor,
         gint64     lateness,
         Bench     *bench)
{
  gint64 cpu = thread_cpu_time ();
  gint64 busy = MIN (lateness, cpu - bench->last_cpu);

  bench->last_cpu = cpu;
  g_array_append_val (bench->lateness, lateness);
  g_array_append_val (bench->busy, busy);
}

static void
note_failure (Bench        *bench,
              const GError *error)
{
  bench->failures++;
  if (bench->first_error == NULL)
    bench->first_error = g_strdup (error->message);
}

static void
finish_one (Bench *bench)
{
  if (--bench->pending == 0)
    g_main_loop_quit (bench->loop);
}

static void
subscribed_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = mw_feed_list_subscribe_finish (MW_FEED_LIST (source_object), result, NULL, &error);

  if (feed == NULL)
    note_failure (bench, error);
  finish_one (bench);
}

static void
refreshed_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;

  if (!mw_feed_list_refresh_finish (MW_FEED_LIST (source_object), result, &error))
    note_failure (bench, error);
  finish_one (bench);
}

static void
done_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (G_TASK (result)) == mw_feed_list_load_async)
    ok = mw_feed_list_load_finish (MW_FEED_LIST (source_object), result, &error);
  else
    ok = mw_feed_list_save_finish (MW_FEED_LIST (source_object), result, &error);
  if (!ok)
    note_failure (bench, error);
  finish_one (bench);
}

/* Starts a phase: clears the figures; the caller then starts the work and runs the loop. */
static gint64
phase_begin (Bench *bench)
{
  g_array_set_size (bench->lateness, 0);
  g_array_set_size (bench->busy, 0);
  bench->last_cpu = thread_cpu_time ();
  bench->phase_cpu = bench->last_cpu;
  bench->failures = 0;
  return g_get_monotonic_time ();
}

static void
phase_end (Bench       *bench,
           JsonBuilder *builder,
           const char  *name,
           gint64       start)
{
  gint64 wall = g_get_monotonic_time () - start;
  guint n_over_16ms = 0;
  guint n_busy_over_16ms = 0;

  mw_bench_sort (bench->lateness);
  mw_bench_sort (bench->busy);
  for (guint i = 0; i < bench->lateness->len; i++)
    {
      if (g_array_index (bench->lateness, gint64, i) > 16000)
        n_over_16ms++;
      if (g_array_index (bench->busy, gint64, i) > 16000)
        n_busy_over_16ms++;
    }

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "wall_ms");
  json_builder_add_double_value (builder, wall / 1000.0);
  json_builder_set_member_name (builder, "main_cpu_ms");
  json_builder_add_double_value (builder, (thread_cpu_time () - bench->phase_cpu) / 1000.0);
  json_builder_set_member_name (builder, "failures");
  json_builder_add_int_value (builder, bench->failures);
  json_builder_set_member_name (builder, "ticks");
  json_builder_add_int_value (builder, bench->lateness->len);
  json_builder_set_member_name (builder, "lateness_p50_us");
  json_builder_add_int_value (builder, mw_bench_percentile (bench->lateness, 50));
  json_builder_set_member_name (builder, "lateness_p99_us");
  json_builder_add_int_value (builder, mw_bench_percentile (bench->lateness, 99));
  json_builder_set_member_name (builder, "lateness_max_us");
  json_builder_add_int_value (builder, mw_bench_percentile (bench->lateness, 100));
  json_builder_set_member_name (builder, "ticks_over_16ms");
  json_builder_add_int_value (builder, n_over_16ms);
  json_builder_set_member_name (builder, "busy_p99_us");
  json_builder_add_int_value (builder, mw_bench_percentile (bench->busy, 99));
  json_builder_set_member_name (builder, "busy_max_us");
  json_builder_add_int_value (builder, mw_bench_percentile (bench->busy, 100));
  json_builder_set_member_name (builder, "busy_over_16ms");
  json_builder_add_int_value (builder, n_busy_over_16ms);
  json_builder_end_object (builder);
}

static void
refresh_all (Bench *bench)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (bench->list));

  bench->pending = n;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (bench->list), i);
      mw_feed_list_refresh_async (bench->list, feed, NULL, refreshed_cb, bench);
    }
  if (n > 0)
    g_main_loop_run (bench->loop);
}

static guint
count_items (MwFeedList *list)
{
  guint total = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (list), i);
      total += g_list_model_get_n_items (mw_feed_get_items (feed));
    }
  return total;
}

static int
run_refresh (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MwMonitor) monitor = NULL;
  g_autoptr(GFile) state = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *state_path = NULL;
  g_auto(GStrv) lines = NULL;
  Bench bench = { NULL, };
  guint n_urls = 0;
  guint total_failures = 0;
  gint64 start;

  if (opt_urls == NULL)
    {
      g_printerr ("refresh needs --urls FILE\n");
      return 2;
    }
  if (!g_file_get_contents (opt_urls, &contents, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  lines = g_strsplit (contents, "\n", -1);

  folder = g_dir_make_tmp ("mw-bench-feeds-XXXXXX", &error);
  if (folder == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  state_path = g_build_filename (folder, "feeds.json", NULL);
  state = g_file_new_for_path (state_path);

  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.lateness = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 4096);
  bench.busy = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 4096);
  bench.list = mw_feed_list_new (state);
  mw_feed_list_set_blocking_mode (bench.list, opt_freezing);

  bench.pending = 1;
  mw_feed_list_load_async (bench.list, NULL, done_cb, &bench);
  g_main_loop_run (bench.loop);

  monitor = mw_monitor_new ((guint) MAX (1, opt_monitor_interval));
  g_signal_connect (monitor, "tick", G_CALLBACK (tick_cb), &bench);
  mw_monitor_start (monitor);

  json_builder_begin_object (builder);

  /* Every subscription at once, as an OPML import asks for them. */
  start = phase_begin (&bench);
  bench.pending = 1;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *url = g_strstrip (lines[i]);

      if (*url == '\0')
        continue;
      n_urls++;
      bench.pending++;
      mw_feed_list_subscribe_async (bench.list, url, NULL, subscribed_cb, &bench);
    }
  finish_one (&bench);
  if (bench.pending > 0)
    g_main_loop_run (bench.loop);
  phase_end (&bench, builder, "subscribe", start);
  total_failures += bench.failures;

  /* Forgetting the validators makes every server send the whole document again. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (bench.list)); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (bench.list), i);
      mw_feed_set_validators (feed, NULL, NULL);
    }
  start = phase_begin (&bench);
  refresh_all (&bench);
  phase_end (&bench, builder, "full", start);
  total_failures += bench.failures;

  start = phase_begin (&bench);
  refresh_all (&bench);
  phase_end (&bench, builder, "not_modified", start);
  total_failures += bench.failures;

  mw_monitor_stop (monitor);

  /* The last save, so that the folder can go. */
  bench.pending = 1;
  mw_feed_list_save_async (bench.list, NULL, done_cb, &bench);
  g_main_loop_run (bench.loop);

  json_builder_set_member_name (builder, "feeds");
  json_builder_add_int_value (builder, n_urls);
  json_builder_set_member_name (builder, "subscribed");
  json_builder_add_int_value (builder, g_list_model_get_n_items (G_LIST_MODEL (bench.list)));
  json_builder_set_member_name (builder, "items");
  json_builder_add_int_value (builder, count_items (bench.list));
  json_builder_set_member_name (builder, "freezing");
  json_builder_add_boolean_value (builder, opt_freezing);
  json_builder_set_member_name (builder, "first_error");
  json_builder_add_string_value (builder, bench.first_error);
  json_builder_set_member_name (builder, "peak_rss_kib");
  json_builder_add_int_value (builder, read_peak_rss_kib ());
  json_builder_end_object (builder);
  print_json (builder);

  g_clear_object (&bench.list);
  g_remove (state_path);
  g_rmdir (folder);
  g_array_unref (bench.lateness);
  g_array_unref (bench.busy);
  g_main_loop_unref (bench.loop);
  g_free (bench.first_error);

  return total_failures == 0 && n_urls > 0 ? 0 : 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("parse FILE | refresh --urls FILE");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (argc == 3 && g_str_equal (argv[1], "parse"))
    return run_parse (argv[2]);
  if (argc == 2 && g_str_equal (argv[1], "refresh"))
    return run_refresh ();

  g_printerr ("Usage: %s parse FILE | refresh --urls FILE\n", argv[0]);
  return 2;
}
