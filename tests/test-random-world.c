/* test-random-world.c: the servers, lists and model of the random-sequence test, and its invariants
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here runs on the test's main thread; the servers answer from threads of
 * their own, so that freezing mode still gets its answers.
 */
#define G_LOG_DOMAIN "test-random-sequences"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mw-download-store.h"
#include "mw-feed-store.h"
#include "test-random.h"

/* A cancelled or dropped download's .part is deleted asynchronously: it may be seen for
 * a moment after the transfer ended, never for longer than this. */
#define PART_GRACE_US    (3 * G_USEC_PER_SEC)
/* Feed fetches time out after 30 s; anything under way longer than this hangs. */
#define FEED_OP_LIMIT_US (45 * G_USEC_PER_SEC)
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

static gboolean
meter_cb (gpointer user_data)
{
  World *world = user_data;
  gint64 now = g_get_monotonic_time ();

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
      /* The meter's timer wakes this up at least every few milliseconds. */
      g_main_context_iteration (NULL, TRUE);
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

/* --- Tracking ------------------------------------------------------------------------ */

static void
tracked_free (Tracked *tracked)
{
  g_clear_object (&tracked->download);
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

  tracked->id = ++world->next_id;
  tracked->download = g_object_ref (download);
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

static void
result_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
have_result (World    *world,
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
  mw_download_list_set_network_timeout (world->downloads, 1);
  mw_download_list_set_max_concurrent (world->downloads, world->max_concurrent);
  world->feeds = mw_feed_list_new (world->feeds_state);

  mw_download_list_load_async (world->downloads, NULL, result_cb, &downloads_loaded);
  mw_feed_list_load_async (world->feeds, NULL, result_cb, &feeds_loaded);
  if (!world_wait (world, have_result, &downloads_loaded, 20000, "the list of downloads to load") ||
      !world_wait (world, have_result, &feeds_loaded, 20000, "the list of feeds to load"))
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

  world_make_lists (world);
  world->meter_source = g_timeout_add_full (G_PRIORITY_HIGH, METER_INTERVAL_MS, meter_cb, world, NULL);
  return world;
}

static gboolean
no_pending (World    *world,
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
static void
drop_lists (World *world)
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
  /* Callbacks still to come would find the world gone: wait for them, and keep the
   * world (a leak, in a test that failed anyway) if they never come. */
  if (world->pending->len > 0 &&
      !world_wait (world, no_pending, NULL, 60000, "the feed operations under way to end"))
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
    drop_lists (world);

  mw_test_server_free (world->server);
  mw_test_server_free (world->door);
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

/* --- Invariants --------------------------------------------------------------------- */

static gboolean
in_list (World      *world,
         MwDownload *download)
{
  return mw_download_list_find (world->downloads, download, NULL);
}

static gboolean
is_moving (MwDownloadState state)
{
  return state == MW_DOWNLOAD_QUEUED || state == MW_DOWNLOAD_CONNECTING ||
         state == MW_DOWNLOAD_DOWNLOADING || state == MW_DOWNLOAD_VERIFYING;
}

/* A completed download's file holds exactly what the server served under the ETag the
 * download ended with. */
static void
check_completed_file (World   *world,
                      Tracked *tracked)
{
  MwDownload *download = tracked->download;
  GFile *file = mw_download_get_file (download);
  const char *etag = mw_download_get_etag (download);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;
  g_autofree char *key = g_strdup_printf ("%s %s", path, etag);
  g_autofree char *contents = NULL;
  g_autofree char *what = tracked_describe (tracked);
  g_autoptr(GError) error = NULL;
  GBytes *expected;
  const guint8 *want;
  gsize length = 0, size = 0;

  if (g_strcmp0 (tracked->verified, key) == 0)
    return;
  if (path == NULL)
    {
      world_broke (world, "%s completed without a file", what);
      return;
    }
  expected = etag ? g_hash_table_lookup (tracked->res->versions, etag) : NULL;
  if (expected == NULL)
    {
      world_broke (world, "%s completed with the ETag %s, which the server never sent for %s",
                   what, etag ? etag : "(none)", tracked->res->path);
      return;
    }
  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      world_broke (world, "%s completed, but its file cannot be read: %s", what, error->message);
      return;
    }
  want = g_bytes_get_data (expected, &size);
  if (length != size || memcmp (contents, want, size) != 0)
    {
      gsize at = 0;

      while (at < MIN (length, size) && (guint8) contents[at] == want[at])
        at++;
      world_broke (world, "%s completed, but %s is not what the server served under %s: "
                   "%zu bytes instead of %zu, the first difference at byte %zu",
                   what, path, etag, length, size, at);
      return;
    }
  if (mw_download_get_total_bytes (download) != (gint64) size ||
      mw_download_get_received_bytes (download) != size)
    {
      world_broke (world, "%s completed, but says %" G_GUINT64_FORMAT " of %" G_GINT64_FORMAT
                   " bytes for a file of %zu", what, mw_download_get_received_bytes (download),
                   mw_download_get_total_bytes (download), size);
      return;
    }
  if (tracked->sha256 != NULL)
    {
      g_autofree char *actual = sha256_of (expected);

      if (g_ascii_strcasecmp (actual, tracked->sha256) != 0)
        {
          world_broke (world, "%s completed, but its SHA-256 is %s, not the %s it was added with",
                       what, actual, tracked->sha256);
          return;
        }
    }
  g_free (tracked->verified);
  tracked->verified = g_steal_pointer (&key);
}

/* What the person asked for is what the download does: nothing pauses, resumes or
 * cancels by itself, and a failure says why. */
static void
check_download (World   *world,
                Tracked *tracked)
{
  MwDownload *download = tracked->download;
  MwDownloadState state = mw_download_get_state (download);
  gboolean active = mw_download_is_active (download);
  g_autofree char *what = tracked_describe (tracked);
  const char *message = mw_download_get_error_message (download);

  if (!tracked->dropped && !tracked->taken && !in_list (world, download))
    {
      world_broke (world, "%s left the list by itself", what);
      return;
    }
  if (state == MW_DOWNLOAD_FAILED && (message == NULL || *message == '\0'))
    world_broke (world, "%s failed without a sentence that says why", what);

  if (active)
    return;
  switch (tracked->want)
    {
    case WANT_RUN:
      if (state == MW_DOWNLOAD_PAUSED)
        world_broke (world, "%s paused by itself", what);
      else if (state == MW_DOWNLOAD_CANCELLED)
        world_broke (world, "%s was cancelled by itself", what);
      break;
    case WANT_PAUSED:
      if (is_moving (state))
        world_broke (world, "%s was paused, but it is moving again", what);
      break;
    case WANT_CANCELLED:
      if (state != MW_DOWNLOAD_CANCELLED && state != MW_DOWNLOAD_COMPLETED)
        world_broke (world, "%s was cancelled, but it is not", what);
      break;
    default:
      g_assert_not_reached ();
    }

  if (state == MW_DOWNLOAD_COMPLETED)
    check_completed_file (world, tracked);
}

/* Whether TRACKED may have its NAME.part on disk now. */
static gboolean
may_have_part (Tracked *tracked,
               gint64   now)
{
  MwDownload *download = tracked->download;
  MwDownloadState state = mw_download_get_state (download);

  if (mw_download_is_active (download))
    return TRUE;
  if (tracked->dropped || state == MW_DOWNLOAD_CANCELLED)
    return tracked->quiet_since == 0 || now < tracked->quiet_since + PART_GRACE_US;
  return state != MW_DOWNLOAD_COMPLETED;
}

static void
check_parts_in (World      *world,
                const char *folder,
                gint64      now)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GString) owners = NULL;
      gboolean owned = FALSE;

      if (!g_str_has_suffix (name, ".part"))
        continue;
      path = g_build_filename (folder, name, NULL);
      owners = g_string_new (NULL);
      for (guint i = 0; i < world->tracked->len && !owned; i++)
        {
          Tracked *tracked = g_ptr_array_index (world->tracked, i);
          GFile *file = mw_download_get_file (tracked->download);
          g_autofree char *file_path = file ? g_file_get_path (file) : NULL;
          g_autofree char *part_path = file_path ? g_strconcat (file_path, ".part", NULL) : NULL;

          if (g_strcmp0 (part_path, path) != 0)
            continue;
          if (may_have_part (tracked, now))
            owned = TRUE;
          else
            {
              g_autofree char *what = tracked_describe (tracked);
              g_string_append_printf (owners, "%s%s%s", owners->len ? ", " : "", what,
                                      tracked->dropped ? " (removed)" : "");
            }
        }
      if (!owned)
        world_broke (world, "%s belongs to no download that may have it%s%s%s", path,
                     owners->len ? " (its name is that of " : "", owners->str,
                     owners->len ? ")" : "");
    }
}

/* No two downloads that hold a name (all but the cancelled) hold the same one. */
static void
check_owners (World *world)
{
  g_autoptr(GHashTable) owners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < world->tracked->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);
      GFile *file = mw_download_get_file (tracked->download);
      Tracked *other;
      g_autofree char *path = NULL;

      if (tracked->dropped || file == NULL ||
          mw_download_get_state (tracked->download) == MW_DOWNLOAD_CANCELLED)
        continue;
      path = g_file_get_path (file);
      other = g_hash_table_lookup (owners, path);
      if (other != NULL)
        {
          g_autofree char *a = tracked_describe (other);
          g_autofree char *b = tracked_describe (tracked);

          world_broke (world, "%s and %s both own %s (and its .part)", a, b, path);
          return;
        }
      g_hash_table_insert (owners, g_steal_pointer (&path), tracked);
    }
}

static void
check_feeds (World  *world,
             gint64  now)
{
  GListModel *model = G_LIST_MODEL (world->feeds);
  g_autoptr(GHashTable) urls = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (model, i);

      if (!g_hash_table_add (urls, (gpointer) mw_feed_get_url (feed)))
        {
          world_broke (world, "two subscriptions to one address, %s", mw_feed_get_url (feed));
          return;
        }
    }

  world_sync_feeds (world);
  for (guint i = 0; i < world->tracked_feeds->len; i++)
    {
      TrackedFeed *tracked = g_ptr_array_index (world->tracked_feeds, i);
      GHashTableIter iter;
      gpointer id, marks;

      g_hash_table_iter_init (&iter, tracked->marks);
      while (g_hash_table_iter_next (&iter, &id, &marks))
        {
          MwFeedItem *item = mw_feed_find_item (tracked->feed, id);
          guint want = GPOINTER_TO_UINT (marks);

          if (item == NULL)
            {
              world_broke (world, "item %s of %s was marked, and is gone", (char *) id,
                           mw_feed_get_url (tracked->feed));
              return;
            }
          if (mw_feed_item_get_read (item) != !!(want & MARK_READ) ||
              mw_feed_item_get_starred (item) != !!(want & MARK_STARRED))
            {
              world_broke (world, "item %s of %s should be %s and %s, and is %s and %s",
                           (char *) id, mw_feed_get_url (tracked->feed),
                           want & MARK_READ ? "read" : "unread",
                           want & MARK_STARRED ? "starred" : "not starred",
                           mw_feed_item_get_read (item) ? "read" : "unread",
                           mw_feed_item_get_starred (item) ? "starred" : "not starred");
              return;
            }
        }
    }

  for (guint i = 0; i < world->pending->len; i++)
    {
      Pending *pending = g_ptr_array_index (world->pending, i);

      if (now - pending->started > FEED_OP_LIMIT_US)
        world_broke (world, "%s (from step %u) has not ended after %" G_GINT64_FORMAT " s",
                     pending->what, pending->step, (now - pending->started) / G_USEC_PER_SEC);
    }
}

void
world_check (World *world)
{
  gint64 now = g_get_monotonic_time ();

  if (world->failed)
    return;

  for (guint i = 0; i < world->tracked->len && !world->failed; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);
      MwDownload *download = tracked->download;
      gboolean quiet = !mw_download_is_active (download) &&
                       (tracked->dropped || mw_download_get_state (download) == MW_DOWNLOAD_CANCELLED);

      if (!quiet)
        tracked->quiet_since = 0;
      else if (tracked->quiet_since == 0)
        tracked->quiet_since = now;
      check_download (world, tracked);
    }
  if (!world->failed)
    check_owners (world);
  if (!world->failed)
    check_parts_in (world, world->folder_a, now);
  if (!world->failed)
    check_parts_in (world, world->folder_b, now);
  if (!world->failed)
    check_feeds (world, now);

  /* Removed downloads whose .part had its time to go are of no more interest. */
  for (guint i = world->tracked->len; i > 0 && !world->failed; i--)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i - 1);

      if (tracked->dropped && tracked->quiet_since != 0 && now > tracked->quiet_since + PART_GRACE_US)
        g_ptr_array_remove_index (world->tracked, i - 1);
    }
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

/* --- Restarting ------------------------------------------------------------------------ */

typedef struct
{
  char            *url;
  char            *path;
  MwDownloadState  state;
  guint64          received;
  char            *error;
} SavedDownload;

static void
saved_download_free (SavedDownload *saved)
{
  g_free (saved->url);
  g_free (saved->path);
  g_free (saved->error);
  g_free (saved);
}

typedef struct
{
  char      *url;
  GPtrArray *items;   /* "id read starred" */
} SavedFeed;

static void
saved_feed_free (SavedFeed *saved)
{
  g_free (saved->url);
  g_ptr_array_unref (saved->items);
  g_free (saved);
}

static SavedFeed *
saved_feed_new (const char *url)
{
  SavedFeed *one = g_new0 (SavedFeed, 1);

  one->url = g_strdup (url);
  one->items = g_ptr_array_new_with_free_func (g_free);
  return one;
}

static void
saved_feed_add_item (SavedFeed  *one,
                     const char *id,
                     gboolean    read,
                     gboolean    starred)
{
  g_ptr_array_add (one->items, g_strdup_printf ("%s %s %s", id, read ? "read" : "unread",
                                                starred ? "starred" : "unstarred"));
}

static GPtrArray *
remember_downloads (World *world)
{
  GListModel *model = G_LIST_MODEL (world->downloads);
  GPtrArray *saved = g_ptr_array_new_with_free_func ((GDestroyNotify) saved_download_free);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (model, i);
      SavedDownload *one = g_new0 (SavedDownload, 1);
      GFile *file = mw_download_get_file (download);

      one->url = g_strdup (mw_download_get_url (download));
      one->path = file ? g_file_get_path (file) : NULL;
      one->state = mw_download_get_state (download);
      one->received = mw_download_get_received_bytes (download);
      one->error = g_strdup (mw_download_get_error_message (download));
      g_ptr_array_add (saved, one);
    }
  return saved;
}

static GPtrArray *
remember_feeds (World *world)
{
  GListModel *model = G_LIST_MODEL (world->feeds);
  GPtrArray *saved = g_ptr_array_new_with_free_func ((GDestroyNotify) saved_feed_free);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (model, i);
      GListModel *items = mw_feed_get_items (feed);
      SavedFeed *one = saved_feed_new (mw_feed_get_url (feed));

      for (guint j = 0; j < g_list_model_get_n_items (items); j++)
        {
          g_autoptr(MwFeedItem) item = g_list_model_get_item (items, j);

          saved_feed_add_item (one, mw_feed_item_get_id (item), mw_feed_item_get_read (item),
                               mw_feed_item_get_starred (item));
        }
      g_ptr_array_add (saved, one);
    }
  return saved;
}

/* Returns: (nullable): how BEFORE and AFTER differ, or NULL if they do not */
static char *
diff_downloads (GPtrArray *before,
                GPtrArray *after)
{
  if (before->len != after->len)
    return g_strdup_printf ("%u downloads before, %u after", before->len, after->len);
  for (guint i = 0; i < before->len; i++)
    {
      SavedDownload *a = g_ptr_array_index (before, i);
      SavedDownload *b = g_ptr_array_index (after, i);

      if (g_strcmp0 (a->url, b->url) != 0 || g_strcmp0 (a->path, b->path) != 0 ||
          a->state != b->state || a->received != b->received ||
          (a->error == NULL) != (b->error == NULL))
        return g_strdup_printf ("download %u is %s, %s, %s, %" G_GUINT64_FORMAT " bytes%s before; "
                                "%s, %s, %s, %" G_GUINT64_FORMAT " bytes%s after", i,
                                a->url, a->path ? a->path : "no file", mw_download_state_to_string (a->state),
                                a->received, a->error ? ", with an error" : "",
                                b->url, b->path ? b->path : "no file", mw_download_state_to_string (b->state),
                                b->received, b->error ? ", with an error" : "");
    }
  return NULL;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static char *
diff_feeds (GPtrArray *before,
            GPtrArray *after)
{
  if (before->len != after->len)
    return g_strdup_printf ("%u feeds before, %u after", before->len, after->len);
  for (guint i = 0; i < before->len; i++)
    {
      SavedFeed *a = g_ptr_array_index (before, i);
      SavedFeed *b = g_ptr_array_index (after, i);

      if (g_strcmp0 (a->url, b->url) != 0 || a->items->len != b->items->len)
        return g_strdup_printf ("feed %u is %s with %u items before, %s with %u after", i,
                                a->url, a->items->len, b->url, b->items->len);
      /* The order of articles is the dates', not under test here. */
      g_ptr_array_sort (a->items, compare_strings);
      g_ptr_array_sort (b->items, compare_strings);
      for (guint j = 0; j < a->items->len; j++)
        if (g_strcmp0 (g_ptr_array_index (a->items, j), g_ptr_array_index (b->items, j)) != 0)
          return g_strdup_printf ("an item of %s is %s before, %s after", a->url,
                                  (char *) g_ptr_array_index (a->items, j),
                                  (char *) g_ptr_array_index (b->items, j));
    }
  return NULL;
}

/* What the state files on disk hold, as the lists would read them. */
static GPtrArray *
read_saved_downloads (World *world)
{
  GPtrArray *saved = g_ptr_array_new_with_free_func ((GDestroyNotify) saved_download_free);
  g_autofree char *data = NULL;
  g_autoptr(GPtrArray) records = NULL;
  gsize length = 0;
  guint n_skipped = 0;

  if (!g_file_load_contents (world->downloads_state, NULL, &data, &length, NULL, NULL))
    return saved;
  records = mw_download_store_parse (data, length, &n_skipped, NULL);
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      MwDownloadRecord *record = g_ptr_array_index (records, i);
      SavedDownload *one = g_new0 (SavedDownload, 1);

      one->url = g_strdup (record->url);
      one->path = g_strdup (record->path);
      one->state = record->state;
      one->received = record->received;
      one->error = g_strdup (record->error);
      g_ptr_array_add (saved, one);
    }
  return saved;
}

static GPtrArray *
read_saved_feeds (World *world)
{
  GPtrArray *saved = g_ptr_array_new_with_free_func ((GDestroyNotify) saved_feed_free);
  g_autofree char *data = NULL;
  g_autoptr(GPtrArray) records = NULL;
  gsize length = 0;
  guint n_skipped = 0;

  if (!g_file_load_contents (world->feeds_state, NULL, &data, &length, NULL, NULL))
    return saved;
  records = mw_feed_store_parse (data, length, &n_skipped, NULL);
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      MwFeedRecord *record = g_ptr_array_index (records, i);
      SavedFeed *one = saved_feed_new (record->url);

      for (guint j = 0; j < record->items->len; j++)
        {
          MwItemRecord *item = g_ptr_array_index (record->items, j);
          saved_feed_add_item (one, item->item->id, item->read, item->starred);
        }
      g_ptr_array_add (saved, one);
    }
  return saved;
}

typedef struct
{
  char   *difference;
  gint64  deadline;
  gint64  next_read;
} Caught;

/* Whether the state files hold what the lists hold; if not, DATA says how they differ. */
static gboolean
files_caught_up (World    *world,
                 gpointer  data)
{
  Caught *caught = data;
  g_autoptr(GPtrArray) downloads_live = remember_downloads (world);
  g_autoptr(GPtrArray) feeds_live = remember_feeds (world);
  g_autoptr(GPtrArray) downloads_file = read_saved_downloads (world);
  g_autoptr(GPtrArray) feeds_file = read_saved_feeds (world);
  g_autofree char *downloads = diff_downloads (downloads_live, downloads_file);
  g_autofree char *feeds = diff_feeds (feeds_live, feeds_file);

  g_clear_pointer (&caught->difference, g_free);
  if (downloads != NULL)
    caught->difference = g_strdup_printf ("downloads.json: %s", downloads);
  else if (feeds != NULL)
    caught->difference = g_strdup_printf ("feeds.json: %s", feeds);
  return caught->difference == NULL;
}

static gboolean
caught_up_or_late (World    *world,
                   gpointer  data)
{
  Caught *caught = data;

  /* Read at most every 50 ms, not on every iteration. */
  if (g_get_monotonic_time () < caught->next_read)
    return FALSE;
  caught->next_read = g_get_monotonic_time () + 50000;
  return files_caught_up (world, data) || g_get_monotonic_time () > caught->deadline;
}

/* Quits as the application does (what was removed with an undo still possible goes for
 * good, everything is paused and saved), starts again from the state files, compares,
 * and resumes what was moving. With KILLED, nothing is saved on the way out: the process
 * is killed a while after the last change, and the files must hold it already. */
void
world_restart (World    *world,
               gboolean  killed)
{
  g_autoptr(GPtrArray) moving = g_ptr_array_new ();
  g_autoptr(GPtrArray) downloads_before = NULL;
  g_autoptr(GPtrArray) feeds_before = NULL;
  g_autoptr(GPtrArray) downloads_after = NULL;
  g_autoptr(GPtrArray) feeds_after = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) feed_order = g_ptr_array_new ();
  g_autoptr(GAsyncResult) downloads_saved = NULL;
  g_autoptr(GAsyncResult) feeds_saved = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;

  /* The window closes: its undo toasts are dismissed. */
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

  if (!world_wait (world, no_pending, NULL, 60000, "the feed operations under way to end before quitting"))
    return;

  for (guint i = 0; i < world->tracked->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);

      if (tracked->dropped || !mw_download_can_pause (tracked->download))
        continue;
      if (tracked->want == WANT_RUN)
        {
          g_ptr_array_add (moving, tracked);
          tracked->want = WANT_PAUSED;
        }
      mw_download_pause (tracked->download);
    }
  if (!world_wait (world, world_downloads_quiet, NULL, 30000, "the transfers to pause before quitting"))
    return;
  world_check (world);

  if (killed)
    {
      /* Saves follow changes a moment later by themselves; a few seconds is plenty. */
      Caught caught = { NULL, g_get_monotonic_time () + 5 * G_USEC_PER_SEC, 0 };

      world_wait (world, caught_up_or_late, &caught, 10000, "the state files to catch up");
      if (caught.difference != NULL)
        world_broke (world, "5 s after the last change the state files still lag behind the lists, "
                     "so a kill would lose it: %s", caught.difference);
      g_free (caught.difference);
      if (world->failed)
        return;
    }
  else
    {
      mw_download_list_save_async (world->downloads, NULL, result_cb, &downloads_saved);
      mw_feed_list_save_async (world->feeds, NULL, result_cb, &feeds_saved);
      if (!world_wait (world, have_result, &downloads_saved, 20000, "the list of downloads to be saved") ||
          !world_wait (world, have_result, &feeds_saved, 20000, "the list of feeds to be saved"))
        return;
      if (!mw_download_list_save_finish (world->downloads, downloads_saved, &error) ||
          !mw_feed_list_save_finish (world->feeds, feeds_saved, &error))
        {
          world_broke (world, "saving before quitting failed: %s", error->message);
          return;
        }
      /* The results hold their lists. */
      g_clear_object (&downloads_saved);
      g_clear_object (&feeds_saved);
      world->star_unsaved = FALSE;
    }

  downloads_before = remember_downloads (world);
  feeds_before = remember_feeds (world);
  model = G_LIST_MODEL (world->downloads);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (model, i);
      Tracked *tracked = NULL;

      for (guint j = 0; j < world->tracked->len && tracked == NULL; j++)
        if (((Tracked *) g_ptr_array_index (world->tracked, j))->download == download)
          tracked = g_ptr_array_index (world->tracked, j);
      g_ptr_array_add (order, tracked);
    }
  model = G_LIST_MODEL (world->feeds);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (model, i);
      g_ptr_array_add (feed_order, world_find_tracked_feed (world, feed));
    }

  drop_lists (world);
  if (world->failed)
    return;
  world_make_lists (world);
  if (world->failed)
    return;
  world->n_restarts++;

  downloads_after = remember_downloads (world);
  feeds_after = remember_feeds (world);
  {
    g_autofree char *downloads = diff_downloads (downloads_before, downloads_after);
    g_autofree char *feeds = diff_feeds (feeds_before, feeds_after);

    if (downloads != NULL)
      world_broke (world, "the downloads came back different after a restart: %s", downloads);
    else if (feeds != NULL)
      world_broke (world, "the feeds came back different after a restart: %s", feeds);
  }
  if (world->failed)
    return;

  /* The model follows the new objects, place by place. */
  model = G_LIST_MODEL (world->downloads);
  for (guint i = 0; i < order->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (order, i);

      if (tracked != NULL)
        {
          g_clear_object (&tracked->download);
          tracked->download = g_list_model_get_item (model, i);
        }
    }
  model = G_LIST_MODEL (world->feeds);
  for (guint i = 0; i < feed_order->len; i++)
    {
      TrackedFeed *tracked = g_ptr_array_index (feed_order, i);

      if (tracked != NULL)
        {
          g_clear_object (&tracked->feed);
          tracked->feed = g_list_model_get_item (model, i);
        }
    }

  for (guint i = 0; i < moving->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (moving, i);

      mw_download_resume (tracked->download);
      tracked->want = WANT_RUN;
    }
}
