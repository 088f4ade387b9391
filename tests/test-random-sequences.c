/* test-random-sequences.c: long seeded random sequences of what people and servers do, checked after every step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GRand with a seed picks, step after step, something a person does to the download
 * and feed lists (add, pause, resume, cancel, retry, remove and undo, change the folder,
 * switch freezing mode, restart, subscribe, refresh, unsubscribe, import, mark, star) or
 * something a server does (drip, hold, cut, answer 503 with Retry-After, change the file
 * under a new ETag, hang, refuse connections). After each step test-random-checks.c
 * checks the invariants; a failure names the seed and the step, and the log of the
 * steps before it reads as the story of how it came about.
 *
 *   MW_SEED=N or --seed N      replay one seed (its story in the log with --verbose)
 *   MW_STEPS=N or --steps N    how many steps a sequence has
 *   MW_SOAK_SECONDS=N          run fresh seeds for that long, printing each
 *   MW_RANDOM_TRY=NAME,…       make the sequences of avoid[] five times as often
 *   MW_RANDOM_AVOID=NAME,…     leave them out, to tell one finding from another
 */
#define G_LOG_DOMAIN "test-random-sequences"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "test-random.h"

/* The sequences the normal suite runs: each about five seconds on an idle machine. */
static const guint32 fixed_seeds[] = { 1, 2, 3, 5, 8, 13, 21, 34, 55, 89 };
#define DEFAULT_STEPS 90

/* Seeds that soaks found failing, run as far as the step that failed and a little more. */
static const struct {
  guint32 seed;
  guint   steps;
} found_seeds[] = {
  /* Cancel a paused download and try it again at once: its old .part, still being
   * deleted, was taken for one left behind. */
  { 4130260458u, 35 },
};

/* Sequences that once broke the engine, each named for the behaviour, not the fix. All
 * are made as often as any other step; MW_RANDOM_TRY makes them more frequent, and
 * MW_RANDOM_AVOID leaves them out, so that a new finding can be told from an old one. */
gboolean avoid[N_AVOID] = {
  /* Retrying a cancelled download after its address was added again: both downloads
   * wrote the same NAME.part. */
  [AVOID_RETRY_CANCELLED_AFTER_READD] = FALSE,
  /* Removing a failed download, and letting the undo pass, left its NAME.part. */
  [AVOID_REMOVE_FAILED] = FALSE,
  /* Retry-After longer than a second: the download waiting it out kept its transfer
   * slot, and the others queued behind it. */
  [AVOID_LONG_RETRY_AFTER] = FALSE,
  /* Pausing a download while a switch of freezing mode restarts it: the restart undid
   * the pause (and waiting downloads retried at once). */
  [AVOID_PAUSE_RIGHT_AFTER_MODE_SWITCH] = FALSE,
  /* Retrying a cancelled download before its NAME.part is deleted: the deletion raced
   * the new transfer. */
  [AVOID_RETRY_RIGHT_AFTER_CANCEL] = FALSE,
  /* Subscribing to one address twice at once (two subscribes, an OPML file listing it
   * twice, a feed that moved to one already followed): two subscriptions. */
  [AVOID_SAME_FEED_TWICE_AT_ONCE] = FALSE,
  /* Turning freezing mode on while six fetches to one host are under way: later
   * refreshes and subscriptions to that host could wait for ever. */
  [AVOID_FREEZING_WITH_FETCHES_IN_FLIGHT] = FALSE,
  /* A feed over the size limit cancelled the caller's cancellable, and later
   * subscriptions failed silently. */
  [AVOID_OVERSIZE_FEED] = FALSE,
  /* Undoing an unsubscription after subscribing to the same address again: two
   * subscriptions to one address. */
  [AVOID_UNDO_UNSUBSCRIBE_AFTER_RESUBSCRIBE] = FALSE,
  /* Being killed after starring or unstarring an article, with no other change since
   * the last save: a star alone was never saved by itself. */
  [AVOID_KILL_WITH_ONLY_A_STAR_UNSAVED] = FALSE,
};

const char *avoid_names[N_AVOID] = {
  [AVOID_RETRY_CANCELLED_AFTER_READD] = "retry-cancelled-after-readd",
  [AVOID_REMOVE_FAILED] = "remove-failed",
  [AVOID_LONG_RETRY_AFTER] = "long-retry-after",
  [AVOID_PAUSE_RIGHT_AFTER_MODE_SWITCH] = "pause-right-after-mode-switch",
  [AVOID_RETRY_RIGHT_AFTER_CANCEL] = "retry-right-after-cancel",
  [AVOID_SAME_FEED_TWICE_AT_ONCE] = "same-feed-twice-at-once",
  [AVOID_FREEZING_WITH_FETCHES_IN_FLIGHT] = "freezing-with-fetches-in-flight",
  [AVOID_OVERSIZE_FEED] = "oversize-feed",
  [AVOID_UNDO_UNSUBSCRIBE_AFTER_RESUBSCRIBE] = "undo-unsubscribe-after-resubscribe",
  [AVOID_KILL_WITH_ONLY_A_STAR_UNSAVED] = "kill-with-only-a-star-unsaved",
};

/* --- The generator ------------------------------------------------------------------ */

static gboolean tried[N_AVOID];

/* One of the two tables' steps, by number. */
static const RandomStep *
step_at (guint i)
{
  return i < random_n_download_steps ? &random_download_steps[i]
                                     : &random_feed_steps[i - random_n_download_steps];
}

/* A step that can make a sequence listed in MW_RANDOM_TRY weighs more, so that a soak
 * soon shows whether that sequence is fixed. */
static guint
weight_of (guint i)
{
  const RandomStep *step = step_at (i);

  return step->makes != N_AVOID && tried[step->makes] ? 5 * step->weight : step->weight;
}

static void
random_step (World *world)
{
  guint n = random_n_download_steps + random_n_feed_steps;
  guint total = 0;

  for (guint i = 0; i < n; i++)
    total += weight_of (i);

  /* Something that applies: most do, a few need a download in the right state. */
  for (guint tries = 0; tries < 20; tries++)
    {
      guint at = world_pick (world, total);

      for (guint i = 0; i < n; i++)
        {
          if (at < weight_of (i))
            {
              if (step_at (i)->func (world))
                return;
              break;
            }
          at -= weight_of (i);
        }
    }
  world_say (world, "wait a moment");
  world_run_loop (world, 200);
}

static gboolean
nothing_moving (World    *world,
                gpointer  data)
{
  GListModel *model = G_LIST_MODEL (world->downloads);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (model, i);

      if (mw_download_is_active (download) || !mw_download_is_finished (download))
        return FALSE;
    }
  return TRUE;
}

static gboolean
no_feed_pending (World    *world,
                 gpointer  data)
{
  return world->pending->len == 0;
}

static gboolean
no_parts (World    *world,
          gpointer  data)
{
  const char *folders[] = { world->folder_a, world->folder_b };

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autoptr(GDir) dir = g_dir_open (folders[i], 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".part"))
          return FALSE;
    }
  return TRUE;
}

/* The servers behave, every undo passes, and everything that was not cancelled is
 * resumed or tried again: each download must then complete, and nothing is left over. */
static void
finale (World *world)
{
  world->step++;
  world_say (world, "the end: servers behave, undos pass, everything paused or failed goes on");

  for (guint i = 0; i < world->tracked->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);

      if (tracked->taken)
        {
          tracked->taken = FALSE;
          tracked->dropped = TRUE;
          if (!mw_download_is_finished (tracked->download))
            {
              mw_download_cancel (tracked->download);
              tracked->want = WANT_CANCELLED;
            }
        }
    }
  for (guint i = world->tracked_feeds->len; i > 0; i--)
    if (((TrackedFeed *) g_ptr_array_index (world->tracked_feeds, i - 1))->taken)
      g_ptr_array_remove_index (world->tracked_feeds, i - 1);

  for (guint i = 0; i < world->files->len; i++)
    {
      FileRes *res = g_ptr_array_index (world->files, i);
      MwTestResource *resource = res->resource;

      mw_test_server_lock (res->server);
      g_clear_pointer (&resource->statuses, g_array_unref);
      resource->cut_times = 0;
      resource->hang = FALSE;
      resource->throttle_delay_ms = 0;
      resource->throttle_chunk = 0;
      mw_test_server_unlock (res->server);
      res->hangs = FALSE;
      if (res->held)
        mw_test_server_release (res->server, resource);
      res->held = FALSE;
    }
  for (guint i = 0; i < world->feed_resources->len; i++)
    {
      FeedRes *res = g_ptr_array_index (world->feed_resources, i);

      mw_test_server_lock (world->server);
      g_clear_pointer (&res->resource->statuses, g_array_unref);
      mw_test_server_unlock (world->server);
    }
  if (world->door_closed || world->offline)
    {
      world->door_closed = FALSE;
      world->offline = FALSE;
      mw_test_server_set_refusing (world->door, FALSE);
      mw_test_network_set_available (world->network, TRUE);
    }
  if (world->blocking)
    world_set_blocking (world, FALSE);
  /* Generous, now that nothing hangs on purpose: a busy machine must not fail a
   * healthy transfer. */
  mw_download_list_set_network_timeout (world->downloads, 10);

  if (!world_wait (world, no_feed_pending, NULL, 60000, "the feed operations to end"))
    return;

  for (guint i = 0; i < world->tracked->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);

      if (tracked->dropped || tracked->want == WANT_CANCELLED)
        continue;
      tracked->want = WANT_RUN;
      if (mw_download_can_resume (tracked->download))
        mw_download_resume (tracked->download);
      else if (mw_download_get_state (tracked->download) == MW_DOWNLOAD_FAILED)
        mw_download_retry (tracked->download);
    }
  if (!world_wait (world, nothing_moving, NULL, 120000, "every download to complete or fail"))
    return;
  world_check (world);

  for (guint i = 0; i < world->tracked->len && !world->failed; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);
      MwDownloadState state = mw_download_get_state (tracked->download);

      if (tracked->dropped || tracked->want != WANT_RUN)
        continue;
      if (state == MW_DOWNLOAD_COMPLETED)
        world->n_completed++;
      else if (state == MW_DOWNLOAD_FAILED && tracked->sha256 != NULL)
        {
          /* Added with a checksum of another file, or the file changed since. */
          g_autoptr(GBytes) body = file_res_next_body (tracked->res);
          g_autofree char *sha256 = sha256_of (body);

          if (g_ascii_strcasecmp (sha256, tracked->sha256) == 0)
            {
              g_autofree char *what = tracked_describe (tracked);
              world_broke (world, "%s did not complete, and the server sends what its checksum "
                           "says: %s", what, mw_download_get_error_message (tracked->download));
            }
        }
      else
        {
          g_autofree char *what = tracked_describe (tracked);
          world_broke (world, "%s did not complete from a server that behaves: %s", what,
                       mw_download_get_error_message (tracked->download));
        }
    }
  if (world->failed ||
      !world_wait (world, no_parts, NULL, 10000, "the partial files of cancelled downloads to go"))
    return;
  world_check (world);

  {
    GListModel *model = G_LIST_MODEL (world->feeds);

    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(MwFeed) feed = g_list_model_get_item (model, i);
        world_refresh (world, feed);
      }
  }
  if (!world_wait (world, no_feed_pending, NULL, 60000, "the last refresh of every feed"))
    return;
  world_check (world);
  if (!world->failed)
    world_restart (world, FALSE);
  world_check (world);
}

static void
run_sequence (guint32  seed,
              guint    n_steps,
              gboolean quiet)
{
  World *world = world_new (seed, n_steps, quiet);

  world_say (world, "seed %u: %u files on two servers, %u feeds, %u steps", seed,
             world->files->len, world->feed_resources->len, n_steps);
  for (world->step = 1; world->step <= n_steps && !world->failed; world->step++)
    {
      /* Each step draws from its own stream: where a transfer happens to stand may make
       * one step of a replay go another way, and that must not change all the others. */
      g_rand_set_seed (world->rand, seed * 1000003u + world->step);
      random_step (world);
      if (world->failed)
        break;
      world_run_loop (world, world_pick (world, 40));
      world_check (world);
    }
  if (!world->failed)
    {
      world->step = n_steps;
      finale (world);
    }
  if (world->worst_stall > STALL_REPORT_MS * 1000)
    g_test_message ("seed %u: the main loop was held up to %" G_GINT64_FORMAT " ms in responsive mode",
                    seed, world->worst_stall / 1000);
  g_test_message ("seed %u: %u downloads completed, %u subscriptions, %u restarts%s", seed,
                  world->n_completed, world->n_subscribed, world->n_restarts,
                  world->failed ? ", FAILED" : "");
  world_free (world);
}

static guint n_steps = DEFAULT_STEPS;

static void
test_seed (gconstpointer data)
{
  run_sequence (GPOINTER_TO_UINT (data), n_steps, FALSE);
}

static void
test_found_seed (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);

  run_sequence (found_seeds[i].seed, found_seeds[i].steps, FALSE);
}

/* Fresh seeds until the time is up, each one printed so that a failure can be
 * replayed; stops at the first failing seed. */
static void
test_soak (gconstpointer data)
{
  gint64 end = g_get_monotonic_time () + GPOINTER_TO_UINT (data) * G_USEC_PER_SEC;
  guint n = 0;

  while (g_get_monotonic_time () < end && !g_test_failed ())
    {
      guint32 seed = g_random_int ();

      g_test_message ("soak: seed %u", seed);
      run_sequence (seed, n_steps, TRUE);
      n++;
    }
  g_test_message ("soak: %u seeds", n);
}

/* --- Sequences the generator once found, kept as tests of their own ------------------ */

typedef gboolean (*Condition) (MwDownload *download);

static void
wait_for (MwDownload  *download,
          Condition    condition,
          guint        timeout_ms,
          const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (download))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Waited %u s for %s", timeout_ms / 1000, what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
has_some_bytes (MwDownload *download)
{
  return mw_download_get_received_bytes (download) >= 50000;
}

static gboolean
settled (MwDownload *download)
{
  return !mw_download_is_active (download) &&
         (mw_download_is_finished (download) || mw_download_get_state (download) == MW_DOWNLOAD_PAUSED);
}

/* Removing a running download pauses it; undoing the removal at once resumes it, while
 * the pause has not landed yet. The last click wins: it downloads on, and completes. */
static void
test_undo_remove_while_running (void)
{
  MwTestDownloads fixture;
  g_autoptr(GBytes) body = mw_test_make_bytes (400000, 41);
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MwDownload) taken = NULL;
  MwTestResource *resource;
  MwDownload *download;
  guint position = 0;

  mw_test_downloads_set_up (&fixture, NULL);
  resource = mw_test_server_add (fixture.server, "/slow.bin", body);
  resource->etag = g_strdup ("\"s1\"");
  resource->throttle_chunk = 16 * 1024;
  resource->throttle_delay_ms = 20;
  url = mw_test_server_url (fixture.server, "/slow.bin");
  download = mw_download_list_add (fixture.list, url, NULL, &error);
  g_assert_no_error (error);
  wait_for (download, has_some_bytes, 20000, "the first bytes of the download");

  /* As the window removes, then undoes. */
  g_assert_true (mw_download_can_pause (download));
  mw_download_pause (download);
  taken = mw_download_list_take (fixture.list, download, &position);
  g_assert_true (taken == download);
  mw_download_list_insert (fixture.list, position, download);
  mw_download_resume (download);

  mw_test_server_lock (fixture.server);
  resource->throttle_delay_ms = 0;
  mw_test_server_unlock (fixture.server);
  wait_for (download, settled, 20000, "the download to complete (or stop)");
  g_assert_cmpstr (mw_download_state_to_string (mw_download_get_state (download)), ==, "completed");
  g_assert_cmpstr (mw_download_get_error_message (download), ==, NULL);

  g_clear_object (&taken);
  mw_test_downloads_tear_down (&fixture, NULL);
}

static guint32
parse_number (const char *text,
              const char *what)
{
  guint64 value = 0;
  g_autoptr(GError) error = NULL;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &value, &error))
    g_error ("%s must be a whole number: %s", what, error->message);
  return (guint32) value;
}

/* Takes our own options out of ARGV before GTest sees them: its own --seed is another. */
static void
take_options (int     *argc,
              char  ***argv,
              char   **seed,
              char   **steps)
{
  int kept = 1;

  for (int i = 1; i < *argc; i++)
    {
      const char *arg = (*argv)[i];

      if ((g_str_equal (arg, "--seed") || g_str_equal (arg, "--steps")) && i + 1 < *argc)
        {
          *(g_str_equal (arg, "--seed") ? seed : steps) = (*argv)[++i];
          continue;
        }
      (*argv)[kept++] = (*argv)[i];
    }
  (*argv)[kept] = NULL;
  *argc = kept;
}

int
main (int   argc,
      char *argv[])
{
  char *seed = NULL;
  char *steps = NULL;
  const char *try_list = g_getenv ("MW_RANDOM_TRY");
  const char *avoid_list = g_getenv ("MW_RANDOM_AVOID");
  const char *soak = g_getenv ("MW_SOAK_SECONDS");

  take_options (&argc, &argv, &seed, &steps);
  g_test_init (&argc, &argv, NULL);

  if (seed == NULL)
    seed = (char *) g_getenv ("MW_SEED");
  if (steps == NULL)
    steps = (char *) g_getenv ("MW_STEPS");
  if (steps != NULL)
    n_steps = parse_number (steps, "The number of steps");

  for (guint list = 0; list < 2; list++)
    {
      const char *variable = list == 0 ? "MW_RANDOM_TRY" : "MW_RANDOM_AVOID";
      const char *value = list == 0 ? try_list : avoid_list;
      g_auto(GStrv) names = value ? g_strsplit (value, ",", -1) : NULL;

      for (guint i = 0; names != NULL && names[i] != NULL; i++)
        {
          gboolean known = FALSE;

          for (guint j = 0; j < N_AVOID; j++)
            if (g_str_equal (names[i], avoid_names[j]) || g_str_equal (names[i], "all"))
              {
                avoid[j] = list == 1;
                tried[j] = list == 0;
                known = TRUE;
              }
          if (!known)
            g_error ("%s: no sequence is called “%s”", variable, names[i]);
        }
    }

  g_test_add_func ("/random-sequences/found/undo-remove-while-running", test_undo_remove_while_running);

  if (seed != NULL)
    {
      guint32 value = parse_number (seed, "The seed");
      g_autofree char *path = g_strdup_printf ("/random-sequences/replay/%u", value);

      g_test_add_data_func (path, GUINT_TO_POINTER (value), test_seed);
    }
  else if (soak != NULL)
    g_test_add_data_func ("/random-sequences/soak", GUINT_TO_POINTER (parse_number (soak, "MW_SOAK_SECONDS")),
                          test_soak);
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (fixed_seeds); i++)
        {
          g_autofree char *path = g_strdup_printf ("/random-sequences/seed/%u", fixed_seeds[i]);

          g_test_add_data_func (path, GUINT_TO_POINTER (fixed_seeds[i]), test_seed);
        }
      for (guint i = 0; i < G_N_ELEMENTS (found_seeds); i++)
        {
          g_autofree char *path = g_strdup_printf ("/random-sequences/found/seed-%u", found_seeds[i].seed);

          g_test_add_data_func (path, GUINT_TO_POINTER (i), test_found_seed);
        }
    }

  return g_test_run ();
}
