/* test-random-world.c: the servers, lists and model of the random-sequence test, and its main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here runs on the test's main thread; the servers answer from threads of
 * their own, so that freezing mode still gets its answers.
 */
#define G_LOG_DOMAIN "test-random-sequences"

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-random.h"

#define METER_INTERVAL_MS 10

/* --- The story --------------------------------------------------------------------- */

void
world_say (World      *world,
           const char *format,
           ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (world->quiet)
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_test_message ("step %u: %s", world->step, text);
}

/* Records the first broken invariant of the sequence, with how to see it again. */
void
world_broke (World      *world,
             const char *format,
             ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (world->failed)
    return;
  world->failed = TRUE;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_test_message ("seed %u, step %u: %s", world->seed, world->step, text);
  g_test_message ("replay: MW_SEED=%u meson test -C _build test-random-sequences --verbose "
                  "(or: _build/tests/test-random-sequences --seed %u)", world->seed, world->seed);
  g_printerr ("seed %u, step %u: %s\n", world->seed, world->step, text);
  g_test_fail ();
}

/* --- The main loop and its lateness meter ------------------------------------------ */

/* Freezing mode holds the main loop for seconds at a time, by design; a main loop held
 * this long is stuck for good, and no bounded wait on it can ever fire. */
#define STUCK_SECONDS 120

static gpointer
watchdog_thread (gpointer user_data)
{
  World *world = user_data;

  while (!g_atomic_int_get (&world->watchdog_stop))
    {
      gint now = (gint) (g_get_monotonic_time () / G_USEC_PER_SEC);

      if (now - g_atomic_int_get (&world->beat) > STUCK_SECONDS)
        {
          /* The main thread cannot report it: say it from here, and end the process. */
          g_printerr ("seed %u, step %d: the main loop has been stuck for %d s (a wait that "
                      "never ends, or a deadlock)\nreplay: _build/tests/test-random-sequences --seed %u\n",
                      world->seed, g_atomic_int_get (&world->beat_step), STUCK_SECONDS, world->seed);
          g_test_message ("seed %u, step %d: the main loop has been stuck for %d s", world->seed,
                          g_atomic_int_get (&world->beat_step), STUCK_SECONDS);
          abort ();
        }
      g_usleep (G_USEC_PER_SEC / 2);
    }
  return NULL;
}

static void
beat (World *world)
{
  g_atomic_int_set (&world->beat, (gint) (g_get_monotonic_time () / G_USEC_PER_SEC));
  g_atomic_int_set (&world->beat_step, (gint) world->step);
}

static gboolean
meter_cb (gpointer user_data)
{
  World *world = user_data;
  gint64 now = g_get_monotonic_time ();

  beat (world);

  if (world->meter_valid && !world->blocking && now - world->meter_due > world->worst_stall)
    {
      world->worst_stall = now - world->meter_due;
      world->worst_stall_step = world->step;
    }
  world->meter_due = now + METER_INTERVAL_MS * 1000;
  world->meter_valid = !world->blocking;
  return G_SOURCE_CONTINUE;
}

/* The test's own work between iterations (reading files to compare them) is not the
 * engine's: the meter counts from here. */
static void
meter_rearm (World *world)
{
  world->meter_due = g_get_monotonic_time () + METER_INTERVAL_MS * 1000;
  world->meter_valid = !world->blocking;
}

static void
meter_judge (World *world)
{
  static const gint64 limit = STALL_LIMIT_MS * 1000;

  if (world->worst_stall > limit)
    world_broke (world, "in responsive mode the main loop was held for %" G_GINT64_FORMAT " ms "
                 "at once (around step %u)", world->worst_stall / 1000, world->worst_stall_step);
}

static gboolean
flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
world_run_loop (World *world,
                guint  ms)
{
  gboolean done = FALSE;
  guint source = g_timeout_add (ms, flag_cb, &done);

  meter_rearm (world);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  (void) source;
  meter_judge (world);
}

/* Runs the main loop until DONE says so; past TIMEOUT_MS, the sequence fails with a
 * sentence naming WHAT it waited for. */
gboolean
world_wait (World       *world,
            gboolean   (*done) (World *world, gpointer data),
            gpointer     data,
            guint        timeout_ms,
            const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  meter_rearm (world);
  while (!done (world, data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          world_broke (world, "waited %u s for %s", timeout_ms / 1000, what);
          return FALSE;
        }
      /* The meter's timer wakes this up at least every few milliseconds. Everything
       * ready runs before the next check: a check slower than the meter's interval (as
       * in the sanitizer build) would otherwise let only the meter's high-priority
       * timer run between two checks, and starve the engine's own timers. */
      g_main_context_iteration (NULL, TRUE);
      for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
        ;
    }
  meter_judge (world);
  return TRUE;
}

/* --- Servers and what they serve ---------------------------------------------------- */

static FileRes *
file_res_new (World  *world,
              guint   index,
              gsize   size,
              gboolean on_door)
{
  FileRes *res = g_new0 (FileRes, 1);
  g_autoptr(GBytes) body = mw_test_make_bytes (size, world->seed * 131u + index + 1);

  res->index = index;
  res->path = g_strdup_printf ("/files/f%u.bin", index);
  res->name = g_strdup_printf ("f%u.bin", index);
  res->server = on_door ? world->door : world->server;
  res->url = mw_test_server_url (res->server, res->path);
  res->resource = mw_test_server_add (res->server, res->path, body);
  {
    g_autofree char *alias = g_strdup_printf ("/go/%u", index);
    MwTestResource *redirect = mw_test_server_add (res->server, alias, body);

    redirect->redirect_to = g_strdup (res->path);
    res->alias_url = mw_test_server_url (res->server, alias);
  }
  res->resource->etag = g_strdup_printf ("\"f%u-v1\"", index);
  res->versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  g_hash_table_insert (res->versions, g_strdup (res->resource->etag), g_bytes_ref (body));
  res->n_versions = 1;
  /* Half of them drip from the start, so that steps find transfers under way. */
  if (g_rand_boolean (world->rand))
    {
      res->resource->throttle_chunk = 8 * 1024;
      res->resource->throttle_delay_ms = 4 + g_rand_int_range (world->rand, 0, 10);
    }
  return res;
}

static void
file_res_free (FileRes *res)
{
  g_free (res->path);
  g_free (res->name);
  g_free (res->url);
  g_free (res->alias_url);
  g_hash_table_unref (res->versions);
  g_free (res);
}

/* Returns: (transfer full): the body the next request gets */
GBytes *
file_res_next_body (FileRes *res)
{
  GBytes *body;

  mw_test_server_lock (res->server);
  if (res->resource->change_at > res->resource->requests)
    body = g_bytes_ref (res->resource->next_body);
  else
    body = g_bytes_ref (res->resource->body);
  mw_test_server_unlock (res->server);
  return body;
}

char *
sha256_of (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* The document of a feed: its last ten items, newest last, the titles of the version. */
GBytes *
feed_document (FeedRes *res)
{
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<rss version=\"2.0\"><channel>");

  g_string_append_printf (xml, "<title>Feed %u</title><link>https://site%u.example/</link>",
                          res->index, res->index);
  for (guint i = res->n_items > 10 ? res->n_items - 9 : 1; i <= res->n_items; i++)
    g_string_append_printf (xml, "<item><title>Item %u of feed %u, version %u</title>"
                            "<link>https://site%u.example/%u</link><guid>feed%u-item%u</guid>"
                            "<pubDate>Sat, 21 Nov 2026 %02u:%02u:00 GMT</pubDate></item>",
                            i, res->index, res->version, res->index, i, res->index, i,
                            i / 60 % 24, i % 60);
  g_string_append (xml, "</channel></rss>\n");
  return g_string_free_to_bytes (xml);
}

static FeedRes *
feed_res_new (World *world,
              guint  index)
{
  FeedRes *res = g_new0 (FeedRes, 1);
  g_autoptr(GBytes) body = NULL;

  res->index = index;
  res->version = 1;
  res->n_items = 2 + g_rand_int_range (world->rand, 0, 4);
  res->path = g_strdup_printf ("/feeds/feed%u.xml", index);
  res->url = mw_test_server_url (world->server, res->path);
  body = feed_document (res);
  res->resource = mw_test_server_add (world->server, res->path, body);
  res->resource->content_type = g_strdup ("application/rss+xml");
  res->resource->etag = g_strdup_printf ("\"feed%u-v1\"", index);
  res->resource->conditional = TRUE;
  return res;
}

static void
feed_res_free (FeedRes *res)
{
  g_free (res->path);
  g_free (res->url);
  g_free (res->leads_to);
  g_free (res);
}

FeedRes *
world_feed_res_for_url (World      *world,
                        const char *url)
{
  for (guint i = 0; i < world->feed_resources->len; i++)
    {
      FeedRes *res = g_ptr_array_index (world->feed_resources, i);

      if (g_strcmp0 (res->url, url) == 0)
        return res;
    }
  return NULL;
}

guint
world_pick (World *world,
            guint  n)
{
  return n > 0 ? (guint) g_rand_int_range (world->rand, 0, (gint32) n) : 0;
}

gboolean
world_chance (World *world,
              guint  one_in)
{
  return world_pick (world, one_in) == 0;
}

/* --- Tracking ------------------------------------------------------------------------ */

/* A transfer starts only for a download that should move: never for one the person
 * paused or cancelled and has not resumed or tried again since. */
static void
active_changed_cb (MwDownload *download,
                   GParamSpec *pspec,
                   Tracked    *tracked)
{
  g_autofree char *what = NULL;

  if (!mw_download_is_active (download) || tracked->want == WANT_RUN)
    return;
  what = tracked_describe (tracked);
  world_broke (tracked->world, "%s started a transfer, although it was %s", what,
               tracked->want == WANT_PAUSED ? "paused" : "cancelled");
}

void
tracked_set_download (Tracked    *tracked,
                      MwDownload *download)
{
  if (tracked->download != NULL)
    g_clear_signal_handler (&tracked->active_handler, tracked->download);
  g_set_object (&tracked->download, download);
  if (download != NULL)
    tracked->active_handler = g_signal_connect (download, "notify::active",
                                                G_CALLBACK (active_changed_cb), tracked);
}

static void
tracked_free (Tracked *tracked)
{
  tracked_set_download (tracked, NULL);
  g_free (tracked->sha256);
  g_free (tracked->verified);
  g_free (tracked);
}

Tracked *
world_track (World      *world,
             MwDownload *download,
             FileRes    *res)
{
  Tracked *tracked = g_new0 (Tracked, 1);

  tracked->world = world;
  tracked->id = ++world->next_id;
  tracked_set_download (tracked, download);
  tracked->res = res;
  tracked->want = WANT_RUN;
  g_ptr_array_add (world->tracked, tracked);
  return tracked;
}

char *
tracked_describe (Tracked *tracked)
{
  MwDownload *download = tracked->download;
  g_autofree char *name = mw_download_dup_display_name (download);

  const char *message = mw_download_get_error_message (download);

  return g_strdup_printf ("d%u (%s, %s%s, %" G_GUINT64_FORMAT " of %" G_GINT64_FORMAT " bytes%s%s%s)",
                          tracked->id, name,
                          mw_download_state_to_string (mw_download_get_state (download)),
                          mw_download_is_active (download) ? " and active" : "",
                          mw_download_get_received_bytes (download),
                          mw_download_get_total_bytes (download),
                          message ? ": “" : "", message ? message : "", message ? "”" : "");
}

static void
tracked_feed_free (TrackedFeed *tracked)
{
  g_clear_object (&tracked->feed);
  g_hash_table_unref (tracked->marks);
  g_free (tracked);
}

TrackedFeed *
world_find_tracked_feed (World  *world,
                         MwFeed *feed)
{
  for (guint i = 0; i < world->tracked_feeds->len; i++)
    {
      TrackedFeed *tracked = g_ptr_array_index (world->tracked_feeds, i);

      if (tracked->feed == feed)
        return tracked;
    }
  return NULL;
}

/* Feeds come into the list by subscribing and by importing; the model follows. */
void
world_sync_feeds (World *world)
{
  GListModel *model = G_LIST_MODEL (world->feeds);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (model, i);

      if (world_find_tracked_feed (world, feed) == NULL)
        {
          TrackedFeed *tracked = g_new0 (TrackedFeed, 1);

          tracked->feed = g_object_ref (feed);
          tracked->marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_ptr_array_add (world->tracked_feeds, tracked);
        }
    }
}

/* --- The lists ------------------------------------------------------------------------ */

void
world_result_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

gboolean
world_have_result (World    *world,
             gpointer  data)
{
  return *(GAsyncResult **) data != NULL;
}

/* A new start of the application: new lists reading the state files, responsive. */
void
world_make_lists (World *world)
{
  g_autoptr(GFile) folder = g_file_new_for_path (world->in_folder_b ? world->folder_b : world->folder_a);
  g_autoptr(GAsyncResult) downloads_loaded = NULL;
  g_autoptr(GAsyncResult) feeds_loaded = NULL;
  g_autoptr(GError) error = NULL;

  world->blocking = FALSE;
  g_clear_object (&world->window_cancellable);
  world->window_cancellable = g_cancellable_new ();
  world->downloads = mw_download_list_new (world->downloads_state);
  mw_download_list_set_download_folder (world->downloads, folder);
  /* Quick retries and a short time-out keep the steps short; the policy is not what is
   * under test here. */
  mw_download_list_set_retry_policy (world->downloads, 4, 20, 200);
  mw_download_list_set_network_budget (world->downloads, 0);
  mw_download_list_set_network_timeout (world->downloads, 1);
  mw_download_list_set_max_concurrent (world->downloads, world->max_concurrent);
  mw_download_list_set_network_monitor (world->downloads, G_NETWORK_MONITOR (world->network));
  world->feeds = mw_feed_list_new (world->feeds_state);
  mw_feed_list_set_network_monitor (world->feeds, G_NETWORK_MONITOR (world->network));

  mw_download_list_load_async (world->downloads, NULL, world_result_cb, &downloads_loaded);
  mw_feed_list_load_async (world->feeds, NULL, world_result_cb, &feeds_loaded);
  if (!world_wait (world, world_have_result, &downloads_loaded, 20000, "the list of downloads to load") ||
      !world_wait (world, world_have_result, &feeds_loaded, 20000, "the list of feeds to load"))
    return;
  if (!mw_download_list_load_finish (world->downloads, downloads_loaded, &error))
    world_broke (world, "the list of downloads did not load: %s", error->message);
  else if (mw_download_list_get_load_error (world->downloads) != NULL)
    world_broke (world, "the list of downloads loaded with a complaint: %s",
                 mw_download_list_get_load_error (world->downloads));
  g_clear_error (&error);
  if (!mw_feed_list_load_finish (world->feeds, feeds_loaded, &error))
    world_broke (world, "the list of feeds did not load: %s", error->message);
  else if (mw_feed_list_get_load_error (world->feeds) != NULL)
    world_broke (world, "the list of feeds loaded with a complaint: %s",
                 mw_feed_list_get_load_error (world->feeds));
}

World *
world_new (guint32  seed,
           guint    n_steps,
           gboolean quiet)
{
  World *world = g_new0 (World, 1);
  g_autofree char *downloads_path = NULL;
  g_autofree char *feeds_path = NULL;
  guint n_files;

  world->seed = seed;
  world->rand = g_rand_new_with_seed (seed);
  world->n_steps = n_steps;
  world->quiet = quiet;
  world->max_concurrent = 3;
  world->root = g_dir_make_tmp ("meanwhile-random-XXXXXX", NULL);
  g_assert_nonnull (world->root);
  world->folder_a = g_build_filename (world->root, "A", NULL);
  world->folder_b = g_build_filename (world->root, "B", NULL);
  g_assert_cmpint (g_mkdir (world->folder_a, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (world->folder_b, 0700), ==, 0);
  downloads_path = g_build_filename (world->root, "downloads.json", NULL);
  feeds_path = g_build_filename (world->root, "feeds.json", NULL);
  world->downloads_state = g_file_new_for_path (downloads_path);
  world->feeds_state = g_file_new_for_path (feeds_path);

  world->server = mw_test_server_new ();
  world->door = mw_test_server_new ();
  world->network = mw_test_network_new (TRUE);
  world->files = g_ptr_array_new_with_free_func ((GDestroyNotify) file_res_free);
  world->feed_resources = g_ptr_array_new_with_free_func ((GDestroyNotify) feed_res_free);
  world->tracked = g_ptr_array_new_with_free_func ((GDestroyNotify) tracked_free);
  world->tracked_feeds = g_ptr_array_new_with_free_func ((GDestroyNotify) tracked_feed_free);
  world->pending = g_ptr_array_new ();

  /* Small files, one up to a MiB and a half: enough to pause, cut and resume in the
   * middle, small enough that a step never waits long. The last one is behind the door. */
  n_files = 5 + g_rand_int_range (world->rand, 0, 3);
  for (guint i = 0; i < n_files; i++)
    {
      gsize size;

      if (i == 0)
        size = 1024 * 1024 + g_rand_int_range (world->rand, 0, 512 * 1024);
      else if (g_rand_boolean (world->rand))
        size = g_rand_int_range (world->rand, 0, 64 * 1024);
      else
        size = 64 * 1024 + g_rand_int_range (world->rand, 0, 448 * 1024);
      g_ptr_array_add (world->files, file_res_new (world, i, size, i == n_files - 1));
    }

  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (world->feed_resources, feed_res_new (world, i));
  /* More feeds on the one host than it gets connections (six), a little slow to answer,
   * so that a refresh of all has fetches waiting for their turn. */
  for (guint i = 7; i < 10; i++)
    g_ptr_array_add (world->feed_resources, feed_res_new (world, i));
  for (guint i = 0; i < world->feed_resources->len; i++)
    ((FeedRes *) g_ptr_array_index (world->feed_resources, i))->resource->answer_delay_ms =
      g_rand_int_range (world->rand, 0, 40);
  {
    /* A feed that moved for good to the address of the first, and a page that links
     * the second. */
    FeedRes *moved = feed_res_new (world, 4);
    FeedRes *page = feed_res_new (world, 5);
    FeedRes *first = g_ptr_array_index (world->feed_resources, 0);
    FeedRes *second = g_ptr_array_index (world->feed_resources, 1);
    g_autofree char *html = g_strdup_printf ("<!DOCTYPE html><html><head><title>Site</title>"
                                             "<link rel=\"alternate\" type=\"application/rss+xml\" "
                                             "title=\"Posts\" href=\"%s\"></head><body>Hello</body></html>",
                                             second->path);
    g_autoptr(GBytes) body = g_bytes_new (html, strlen (html));

    moved->resource->redirect_to = g_strdup (first->path);
    moved->resource->redirect_status = 301;
    moved->leads_to = g_strdup (first->url);
    g_ptr_array_add (world->feed_resources, moved);

    mw_test_server_lock (world->server);
    g_bytes_unref (page->resource->body);
    page->resource->body = g_bytes_ref (body);
    g_free (page->resource->content_type);
    page->resource->content_type = g_strdup ("text/html; charset=utf-8");
    mw_test_server_unlock (world->server);
    page->page = TRUE;
    page->leads_to = g_strdup (second->url);
    g_ptr_array_add (world->feed_resources, page);
  }
  if (!avoid[AVOID_OVERSIZE_FEED])
    {
      FeedRes *huge = feed_res_new (world, 6);
      g_autoptr(GBytes) body = mw_test_make_bytes (MW_FEED_MAX_BYTES + 1024, seed);

      mw_test_server_lock (world->server);
      g_bytes_unref (huge->resource->body);
      huge->resource->body = g_bytes_ref (body);
      mw_test_server_unlock (world->server);
      huge->oversize = TRUE;
      g_ptr_array_add (world->feed_resources, huge);
    }

  beat (world);
  world->watchdog = g_thread_new ("test-watchdog", watchdog_thread, world);
  world_make_lists (world);
  world->meter_source = g_timeout_add_full (G_PRIORITY_HIGH, METER_INTERVAL_MS, meter_cb, world, NULL);
  return world;
}

gboolean
world_no_pending (World    *world,
            gpointer  data)
{
  return world->pending->len == 0;
}

gboolean
world_downloads_quiet (World    *world,
                       gpointer  data)
{
  return mw_download_list_get_n_active (world->downloads) == 0;
}

/* Lets the lists go as the application does when it quits, and fails if something
 * still holds them afterwards. */
void
world_drop_lists (World *world)
{
  GObject *downloads = G_OBJECT (world->downloads);
  GObject *feeds = G_OBJECT (world->feeds);

  g_object_add_weak_pointer (downloads, (gpointer *) &downloads);
  g_object_add_weak_pointer (feeds, (gpointer *) &feeds);
  g_clear_object (&world->downloads);
  g_clear_object (&world->feeds);
  for (guint i = 0; i < 50 && (downloads != NULL || feeds != NULL); i++)
    world_run_loop (world, 2);
  if (downloads != NULL)
    {
      world_broke (world, "the old list of downloads is still alive after quitting");
      g_object_remove_weak_pointer (downloads, (gpointer *) &downloads);
    }
  if (feeds != NULL)
    {
      world_broke (world, "the old list of feeds is still alive after quitting");
      g_object_remove_weak_pointer (feeds, (gpointer *) &feeds);
    }
}

void
world_free (World *world)
{
  /* The waits below are bounded, and the world may outlive this call. */
  g_atomic_int_set (&world->watchdog_stop, TRUE);
  g_clear_pointer (&world->watchdog, g_thread_join);

  /* Callbacks still to come would find the world gone: wait for them, and keep the
   * world (a leak, in a test that failed anyway) if they never come. */
  if (world->pending->len > 0 &&
      !world_wait (world, world_no_pending, NULL, 60000, "the feed operations under way to end"))
    return;

  g_clear_handle_id (&world->meter_source, g_source_remove);
  if (world->downloads != NULL)
    {
      for (guint i = 0; i < world->tracked->len; i++)
        {
          MwDownload *download = ((Tracked *) g_ptr_array_index (world->tracked, i))->download;

          if (mw_download_can_pause (download))
            mw_download_pause (download);
        }
      if (!world_wait (world, world_downloads_quiet, NULL, 30000, "the transfers to stop at the end"))
        return;
    }
  g_ptr_array_set_size (world->tracked, 0);
  g_ptr_array_set_size (world->tracked_feeds, 0);
  if (world->downloads != NULL)
    world_drop_lists (world);

  mw_test_server_free (world->server);
  mw_test_server_free (world->door);
  g_clear_object (&world->network);
  mw_test_remove_tree (world->root);
  g_ptr_array_unref (world->files);
  g_ptr_array_unref (world->feed_resources);
  g_ptr_array_unref (world->tracked);
  g_ptr_array_unref (world->tracked_feeds);
  g_ptr_array_unref (world->pending);
  g_object_unref (world->downloads_state);
  g_object_unref (world->feeds_state);
  g_clear_object (&world->window_cancellable);
  g_free (world->root);
  g_free (world->folder_a);
  g_free (world->folder_b);
  g_rand_free (world->rand);
  g_free (world);
}

/* Switching modes restarts the running transfers; until each has come back, a pause
 * of it would be undone (see AVOID_PAUSE_RIGHT_AFTER_MODE_SWITCH). */
typedef struct
{
  GPtrArray *downloads;
  gulong    *handlers;
  guint      n_back;
} ModeSettle;

static void
came_back_cb (MwDownload *download,
              GParamSpec *pspec,
              ModeSettle *settle)
{
  if (!mw_download_is_active (download))
    {
      for (guint i = 0; i < settle->downloads->len; i++)
        if (g_ptr_array_index (settle->downloads, i) == download && settle->handlers[i] != 0)
          {
            g_signal_handler_disconnect (download, settle->handlers[i]);
            settle->handlers[i] = 0;
            settle->n_back++;
          }
    }
}

static gboolean
all_came_back (World    *world,
               gpointer  data)
{
  ModeSettle *settle = data;
  return settle->n_back == settle->downloads->len;
}

void
world_settle_mode_switch (World *world)
{
  ModeSettle settle = { g_ptr_array_new_with_free_func (g_object_unref), NULL, 0 };
  GListModel *model = G_LIST_MODEL (world->downloads);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (model, i);

      if (mw_download_is_active (download))
        g_ptr_array_add (settle.downloads, g_object_ref (download));
    }
  settle.handlers = g_new0 (gulong, MAX (settle.downloads->len, 1));
  for (guint i = 0; i < settle.downloads->len; i++)
    settle.handlers[i] = g_signal_connect (g_ptr_array_index (settle.downloads, i), "notify::active",
                                           G_CALLBACK (came_back_cb), &settle);
  world_wait (world, all_came_back, &settle, 30000, "the transfers to restart in the new mode");
  for (guint i = 0; i < settle.downloads->len; i++)
    if (settle.handlers[i] != 0)
      g_signal_handler_disconnect (g_ptr_array_index (settle.downloads, i), settle.handlers[i]);
  g_free (settle.handlers);
  g_ptr_array_unref (settle.downloads);
}
