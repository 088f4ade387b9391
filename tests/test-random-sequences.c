/* test-random-sequences.c: long seeded random sequences of what people and servers do, checked after every step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GRand with a seed picks, step after step, something a person does to the download
 * and feed lists (add, pause, resume, cancel, retry, remove and undo, change the folder,
 * switch freezing mode, restart, subscribe, refresh, unsubscribe, import, mark, star) or
 * something a server does (drip, hold, cut, answer 503 with Retry-After, change the file
 * under a new ETag, hang, refuse connections). After each step test-random-world.c
 * checks the invariants; a failure names the seed and the step, and the log of the
 * steps before it reads as the story of how it came about.
 *
 *   MW_SEED=N or --seed N      replay one seed (its story in the log with --verbose)
 *   MW_STEPS=N or --steps N    how many steps a sequence has
 *   MW_SOAK_SECONDS=N          run fresh seeds for that long, printing each
 *   MW_RANDOM_TRY=NAME,…       let the generator make sequences it avoids (see avoid[])
 */
#define G_LOG_DOMAIN "test-random-sequences"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "test-random.h"

/* The sequences the normal suite runs: each about five seconds on an idle machine. */
static const guint32 fixed_seeds[] = { 1, 2, 3, 5, 8, 13, 21, 34, 55, 89 };
#define DEFAULT_STEPS 120

gboolean avoid[N_AVOID] = {
  /* Retrying a cancelled download after its address was added again: both downloads
   * write the same NAME.part. */
  [AVOID_RETRY_CANCELLED_AFTER_READD] = TRUE,
  /* Removing a failed download, and letting the undo pass, leaves its NAME.part. */
  [AVOID_REMOVE_FAILED] = TRUE,
  /* Retry-After longer than a second: the download waiting it out keeps its slot. */
  [AVOID_LONG_RETRY_AFTER] = TRUE,
  /* Pausing a download while a switch of freezing mode restarts it (or switching while
   * a pause is on its way): the restart undoes the pause (and waiting downloads retry
   * at once). */
  [AVOID_PAUSE_RIGHT_AFTER_MODE_SWITCH] = TRUE,
  /* Retrying a cancelled download before its NAME.part is deleted: the deletion races
   * the new transfer. */
  [AVOID_RETRY_RIGHT_AFTER_CANCEL] = TRUE,
  /* Subscribing to one address twice at once (two subscribes, an OPML file listing it
   * twice, a feed that moved to one already followed): two subscriptions. */
  [AVOID_SAME_FEED_TWICE_AT_ONCE] = TRUE,
  /* Turning freezing mode on while six fetches to one host are under way: later
   * refreshes and subscriptions to that host never end. */
  [AVOID_FREEZING_WITH_FETCHES_IN_FLIGHT] = TRUE,
  /* A feed over the size limit: it cancels the caller's cancellable, and later
   * subscriptions fail silently. */
  [AVOID_OVERSIZE_FEED] = TRUE,
  /* Undoing an unsubscription after subscribing to the same address again: two
   * subscriptions to one address. */
  [AVOID_UNDO_UNSUBSCRIBE_AFTER_RESUBSCRIBE] = TRUE,
  /* Being killed after starring or unstarring an article, with no other change since
   * the last save: a star alone is never saved by itself. */
  [AVOID_KILL_WITH_ONLY_A_STAR_UNSAVED] = TRUE,
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

typedef gboolean (*OpFunc) (World *world);

static void refresh (World *world, MwFeed *feed);

static guint
pick (World *world,
      guint  n)
{
  return n > 0 ? (guint) g_rand_int_range (world->rand, 0, (gint32) n) : 0;
}

static gboolean
chance (World *world,
        guint  one_in)
{
  return pick (world, one_in) == 0;
}

static FileRes *
pick_file (World *world)
{
  return g_ptr_array_index (world->files, pick (world, world->files->len));
}

typedef gboolean (*TrackedFilter) (World *world, Tracked *tracked);

/* One of the downloads FILTER accepts, or NULL. */
static Tracked *
pick_tracked (World         *world,
              TrackedFilter  filter)
{
  g_autoptr(GPtrArray) fits = g_ptr_array_new ();

  for (guint i = 0; i < world->tracked->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);

      if (!tracked->dropped && filter (world, tracked))
        g_ptr_array_add (fits, tracked);
    }
  return fits->len > 0 ? g_ptr_array_index (fits, pick (world, fits->len)) : NULL;
}

/* --- What people do with downloads ---------------------------------------------------- */

static Tracked *
add_download (World   *world,
              FileRes *res)
{
  g_autoptr(GError) error = NULL;
  MwDownload *download = mw_download_list_add (world->downloads, res->url, NULL, &error);

  if (download == NULL)
    {
      world_broke (world, "adding %s failed: %s", res->url, error->message);
      return NULL;
    }
  return world_track (world, download, res);
}

static gboolean
op_add (World *world)
{
  FileRes *res = pick_file (world);
  Tracked *tracked = add_download (world, res);

  if (tracked != NULL)
    world_say (world, "add d%u: %s%s", tracked->id, res->path,
               res->server == world->door ? " (behind the door)" : "");
  return TRUE;
}

static gboolean
any (World   *world,
     Tracked *tracked)
{
  return TRUE;
}

static gboolean
op_add_again (World *world)
{
  Tracked *other = pick_tracked (world, any);
  Tracked *tracked;

  if (other == NULL)
    return FALSE;
  tracked = add_download (world, other->res);
  if (tracked != NULL)
    world_say (world, "add d%u: %s again (as d%u has)", tracked->id, other->res->path, other->id);
  return TRUE;
}

/* With the checksum of the file the server will send (or, one time in four, of
 * something else: that download must fail and say why). */
static gboolean
op_add_checked (World *world)
{
  FileRes *res = pick_file (world);
  g_autoptr(GBytes) body = file_res_next_body (res);
  g_autofree char *sha256 = NULL;
  g_autoptr(GError) error = NULL;
  MwDownload *download;
  Tracked *tracked;

  if (chance (world, 4))
    {
      g_autoptr(GBytes) other = mw_test_make_bytes (100, world->step);
      sha256 = sha256_of (other);
    }
  else
    sha256 = sha256_of (body);
  download = mw_download_list_add (world->downloads, res->url, sha256, &error);
  if (download == NULL)
    {
      world_broke (world, "adding %s with a checksum failed: %s", res->url, error->message);
      return TRUE;
    }
  tracked = world_track (world, download, res);
  tracked->sha256 = g_steal_pointer (&sha256);
  world_say (world, "add d%u: %s, with the SHA-256 %s", tracked->id, res->path, tracked->sha256);
  return TRUE;
}

static gboolean
op_add_redirected (World *world)
{
  FileRes *res = pick_file (world);
  g_autoptr(GError) error = NULL;
  MwDownload *download = mw_download_list_add (world->downloads, res->alias_url, NULL, &error);
  Tracked *tracked;

  if (download == NULL)
    {
      world_broke (world, "adding %s failed: %s", res->alias_url, error->message);
      return TRUE;
    }
  tracked = world_track (world, download, res);
  world_say (world, "add d%u: %s, which redirects to %s", tracked->id, res->alias_url, res->path);
  return TRUE;
}

static gboolean
listed (World   *world,
        Tracked *tracked)
{
  return !tracked->taken;
}

static gboolean
can_pause (World   *world,
           Tracked *tracked)
{
  return listed (world, tracked) && mw_download_can_pause (tracked->download);
}

static gboolean
op_pause (World *world)
{
  Tracked *tracked = pick_tracked (world, can_pause);
  g_autofree char *what = NULL;

  if (tracked == NULL)
    return FALSE;
  what = tracked_describe (tracked);
  world_say (world, "pause %s", what);
  mw_download_pause (tracked->download);
  tracked->want = WANT_PAUSED;
  return TRUE;
}

static gboolean
can_resume (World   *world,
            Tracked *tracked)
{
  return listed (world, tracked) && mw_download_can_resume (tracked->download);
}

static gboolean
op_resume (World *world)
{
  Tracked *tracked = pick_tracked (world, can_resume);
  g_autofree char *what = NULL;

  if (tracked == NULL)
    return FALSE;
  what = tracked_describe (tracked);
  world_say (world, "resume %s", what);
  mw_download_resume (tracked->download);
  tracked->want = WANT_RUN;
  return TRUE;
}

static gboolean
can_cancel (World   *world,
            Tracked *tracked)
{
  return listed (world, tracked) && mw_download_can_cancel (tracked->download);
}

static gboolean
op_cancel (World *world)
{
  Tracked *tracked = pick_tracked (world, can_cancel);
  g_autofree char *what = NULL;

  if (tracked == NULL)
    return FALSE;
  what = tracked_describe (tracked);
  world_say (world, "cancel %s", what);
  mw_download_cancel (tracked->download);
  tracked->want = WANT_CANCELLED;
  return TRUE;
}

static gboolean
part_exists (Tracked *tracked)
{
  GFile *file = mw_download_get_file (tracked->download);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;
  g_autofree char *part = path ? g_strconcat (path, ".part", NULL) : NULL;

  return part != NULL && g_file_test (part, G_FILE_TEST_EXISTS);
}

static gboolean
can_retry (World   *world,
           Tracked *tracked)
{
  if (!listed (world, tracked) || !mw_download_can_retry (tracked->download))
    return FALSE;
  if (mw_download_get_state (tracked->download) != MW_DOWNLOAD_CANCELLED)
    return TRUE;

  if (avoid[AVOID_RETRY_RIGHT_AFTER_CANCEL] && part_exists (tracked))
    return FALSE;
  if (avoid[AVOID_RETRY_CANCELLED_AFTER_READD])
    for (guint i = 0; i < world->tracked->len; i++)
      {
        Tracked *other = g_ptr_array_index (world->tracked, i);

        if (other != tracked && other->res == tracked->res && !other->dropped &&
            mw_download_get_state (other->download) != MW_DOWNLOAD_CANCELLED)
          return FALSE;
      }
  return TRUE;
}

static gboolean
op_retry (World *world)
{
  Tracked *tracked = pick_tracked (world, can_retry);
  g_autofree char *what = NULL;

  if (tracked == NULL)
    return FALSE;
  what = tracked_describe (tracked);
  world_say (world, "try %s again", what);
  mw_download_retry (tracked->download);
  tracked->want = WANT_RUN;
  return TRUE;
}

static gboolean
can_remove (World   *world,
            Tracked *tracked)
{
  return listed (world, tracked) &&
         !(avoid[AVOID_REMOVE_FAILED] && mw_download_get_state (tracked->download) == MW_DOWNLOAD_FAILED);
}

/* As the window does: pause, take out of the list, and offer to undo. */
static gboolean
op_remove (World *world)
{
  Tracked *tracked = pick_tracked (world, can_remove);
  g_autofree char *what = NULL;
  g_autoptr(MwDownload) taken = NULL;

  if (tracked == NULL)
    return FALSE;
  what = tracked_describe (tracked);
  world_say (world, "remove %s, with undo", what);
  tracked->taken_was_running = mw_download_can_pause (tracked->download);
  if (tracked->taken_was_running)
    {
      mw_download_pause (tracked->download);
      tracked->want = WANT_PAUSED;
    }
  taken = mw_download_list_take (world->downloads, tracked->download, &tracked->taken_position);
  if (taken == NULL)
    world_broke (world, "%s could not be taken out of the list", what);
  tracked->taken = TRUE;
  return TRUE;
}

static gboolean
is_taken (World   *world,
          Tracked *tracked)
{
  return tracked->taken;
}

static gboolean
op_undo_remove (World *world)
{
  Tracked *tracked = pick_tracked (world, is_taken);
  g_autofree char *what = NULL;

  if (tracked == NULL)
    return FALSE;
  what = tracked_describe (tracked);
  world_say (world, "undo the removal of %s", what);
  tracked->taken = FALSE;
  mw_download_list_insert (world->downloads, tracked->taken_position, tracked->download);
  if (tracked->taken_was_running)
    {
      mw_download_resume (tracked->download);
      tracked->want = WANT_RUN;
    }
  return TRUE;
}

/* The undo toast goes away: as the window does, a download that had not finished is
 * cancelled, which deletes its .part. */
static gboolean
op_dismiss_remove (World *world)
{
  Tracked *tracked = pick_tracked (world, is_taken);
  g_autofree char *what = NULL;

  if (tracked == NULL)
    return FALSE;
  what = tracked_describe (tracked);
  world_say (world, "let the undo of %s pass", what);
  tracked->taken = FALSE;
  tracked->dropped = TRUE;
  if (!mw_download_is_finished (tracked->download))
    {
      mw_download_cancel (tracked->download);
      tracked->want = WANT_CANCELLED;
    }
  return TRUE;
}

/* Remove without undo: an unfinished download is cancelled at once. */
static gboolean
op_remove_for_good (World *world)
{
  Tracked *tracked = pick_tracked (world, listed);
  g_autofree char *what = NULL;

  if (tracked == NULL)
    return FALSE;
  what = tracked_describe (tracked);
  world_say (world, "remove %s for good", what);
  if (mw_download_get_state (tracked->download) != MW_DOWNLOAD_COMPLETED)
    tracked->want = WANT_CANCELLED;
  tracked->dropped = TRUE;
  mw_download_list_remove (world->downloads, tracked->download, FALSE);
  return TRUE;
}

static gboolean
can_cancel_idle (World   *world,
                 Tracked *tracked)
{
  return can_cancel (world, tracked) && !mw_download_is_active (tracked->download);
}

/* Two clicks in a row, as people make them. */
static gboolean
op_cancel_then_retry (World *world)
{
  Tracked *tracked = pick_tracked (world, can_cancel_idle);
  g_autofree char *what = NULL;

  if (tracked == NULL)
    return FALSE;
  what = tracked_describe (tracked);
  mw_download_cancel (tracked->download);
  tracked->want = WANT_CANCELLED;
  if (!can_retry (world, tracked))
    {
      world_say (world, "cancel %s", what);
      return TRUE;
    }
  world_say (world, "cancel %s and try it again at once", what);
  mw_download_retry (tracked->download);
  tracked->want = WANT_RUN;
  return TRUE;
}

static gboolean
op_cancel_then_add_again (World *world)
{
  Tracked *tracked = pick_tracked (world, can_cancel);
  g_autofree char *what = NULL;
  Tracked *again;

  if (tracked == NULL)
    return FALSE;
  what = tracked_describe (tracked);
  mw_download_cancel (tracked->download);
  tracked->want = WANT_CANCELLED;
  again = add_download (world, tracked->res);
  if (again != NULL)
    world_say (world, "cancel %s and add its address again, as d%u", what, again->id);
  return TRUE;
}

static gboolean
op_pause_then_resume (World *world)
{
  Tracked *tracked = pick_tracked (world, can_pause);
  g_autofree char *what = NULL;

  if (tracked == NULL)
    return FALSE;
  what = tracked_describe (tracked);
  world_say (world, "pause %s and resume it at once", what);
  mw_download_pause (tracked->download);
  /* Resumed before the pause has landed, it goes on once the transfer has returned. */
  mw_download_resume (tracked->download);
  tracked->want = WANT_RUN;
  return TRUE;
}

static gboolean
op_folder (World *world)
{
  g_autoptr(GFile) folder = NULL;

  world->in_folder_b = !world->in_folder_b;
  folder = g_file_new_for_path (world->in_folder_b ? world->folder_b : world->folder_a);
  world_say (world, "download into folder %s from now on", world->in_folder_b ? "B" : "A");
  mw_download_list_set_download_folder (world->downloads, folder);
  return TRUE;
}

static gboolean
op_concurrency (World *world)
{
  world->max_concurrent = 1 + pick (world, 4);
  world_say (world, "allow %u downloads at once", world->max_concurrent);
  mw_download_list_set_max_concurrent (world->downloads, world->max_concurrent);
  return TRUE;
}

/* Freezing mode blocks the main loop on the network: a response held or hung until the
 * test says otherwise would then block it for ever (or for the time-out), so those end
 * when it is turned on. */
static void
calm_servers_for_freezing (World *world)
{
  for (guint i = 0; i < world->files->len; i++)
    {
      FileRes *res = g_ptr_array_index (world->files, i);

      mw_test_server_lock (res->server);
      res->resource->hang = FALSE;
      res->resource->cut_stalls = FALSE;
      res->hangs = FALSE;
      mw_test_server_unlock (res->server);
      if (res->held)
        {
          mw_test_server_release (res->server, res->resource);
          res->held = FALSE;
        }
    }
}

static gboolean
pauses_landed (World    *world,
               gpointer  data)
{
  for (guint i = 0; i < world->tracked->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);

      if (tracked->want == WANT_PAUSED && mw_download_is_active (tracked->download))
        return FALSE;
    }
  return TRUE;
}

static void
set_blocking (World    *world,
              gboolean  blocking)
{
  /* A switch restarts the running transfers, a pausing one too (and so undoes its
   * pause): the pauses land first. */
  if (avoid[AVOID_PAUSE_RIGHT_AFTER_MODE_SWITCH])
    world_wait (world, pauses_landed, NULL, 30000, "the pauses to land before switching modes");
  if (blocking)
    calm_servers_for_freezing (world);
  world->blocking = blocking;
  world->meter_valid = FALSE;
  mw_download_list_set_blocking_mode (world->downloads, blocking);
  mw_feed_list_set_blocking_mode (world->feeds, blocking);
  if (avoid[AVOID_PAUSE_RIGHT_AFTER_MODE_SWITCH])
    world_settle_mode_switch (world);
}

static gboolean
op_mode (World *world)
{
  if (!world->blocking && avoid[AVOID_FREEZING_WITH_FETCHES_IN_FLIGHT] && world->pending->len > 0)
    return FALSE;
  world_say (world, "turn freezing mode %s", world->blocking ? "off" : "on");
  set_blocking (world, !world->blocking);
  return TRUE;
}

static gboolean
op_mode_then_pause (World *world)
{
  Tracked *tracked;
  g_autofree char *what = NULL;

  if (avoid[AVOID_PAUSE_RIGHT_AFTER_MODE_SWITCH] ||
      (!world->blocking && avoid[AVOID_FREEZING_WITH_FETCHES_IN_FLIGHT] && world->pending->len > 0))
    return FALSE;
  tracked = pick_tracked (world, can_pause);
  if (tracked == NULL || !mw_download_is_active (tracked->download))
    return FALSE;
  what = tracked_describe (tracked);
  world_say (world, "turn freezing mode %s and pause %s at once", world->blocking ? "off" : "on", what);
  set_blocking (world, !world->blocking);
  if (mw_download_can_pause (tracked->download))
    {
      mw_download_pause (tracked->download);
      tracked->want = WANT_PAUSED;
    }
  return TRUE;
}

static gboolean
op_refresh_all_then_freeze (World *world)
{
  GListModel *model = G_LIST_MODEL (world->feeds);

  if (world->blocking || avoid[AVOID_FREEZING_WITH_FETCHES_IN_FLIGHT] ||
      g_list_model_get_n_items (model) < 2)
    return FALSE;
  world_say (world, "refresh all %u feeds and turn freezing mode on at once", g_list_model_get_n_items (model));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (model, i);
      refresh (world, feed);
    }
  set_blocking (world, TRUE);
  return TRUE;
}

static gboolean
op_restart (World *world)
{
  world_say (world, "quit and start again");
  world_restart (world, FALSE);
  return TRUE;
}

static gboolean
op_kill (World *world)
{
  if (avoid[AVOID_KILL_WITH_ONLY_A_STAR_UNSAVED] && world->star_unsaved)
    return FALSE;
  world_say (world, "be killed a while after the last change, and start again");
  world_restart (world, TRUE);
  return TRUE;
}

static gboolean
op_wait (World *world)
{
  guint ms = 100 + pick (world, 300);

  world_say (world, "wait %u ms", ms);
  world_run_loop (world, ms);
  return TRUE;
}

/* --- What servers do ---------------------------------------------------------------- */

static gboolean
srv_throttle (World *world)
{
  FileRes *res = pick_file (world);
  MwTestResource *resource = res->resource;

  mw_test_server_lock (res->server);
  if (resource->throttle_delay_ms > 0)
    {
      resource->throttle_chunk = 0;
      resource->throttle_delay_ms = 0;
    }
  else
    {
      resource->throttle_chunk = 8 * 1024;
      resource->throttle_delay_ms = 4 + pick (world, 10);
    }
  mw_test_server_unlock (res->server);
  world_say (world, "server: %s %s", res->path,
             resource->throttle_delay_ms ? "drips slowly" : "runs at full speed again");
  return TRUE;
}

static gboolean
srv_hold (World *world)
{
  FileRes *res = pick_file (world);
  gsize size;

  if (world->blocking || res->held)
    return FALSE;
  mw_test_server_lock (res->server);
  size = g_bytes_get_size (res->resource->body);
  res->resource->held = TRUE;
  res->resource->hold_after = size > 0 ? pick (world, (guint) size) : 0;
  mw_test_server_unlock (res->server);
  res->held = TRUE;
  world_say (world, "server: %s holds its answers after %zu bytes", res->path, res->resource->hold_after);
  return TRUE;
}

static gboolean
srv_release (World *world)
{
  g_autoptr(GPtrArray) held = g_ptr_array_new ();
  FileRes *res;

  for (guint i = 0; i < world->files->len; i++)
    if (((FileRes *) g_ptr_array_index (world->files, i))->held)
      g_ptr_array_add (held, g_ptr_array_index (world->files, i));
  if (held->len == 0)
    return FALSE;
  res = g_ptr_array_index (held, pick (world, held->len));
  world_say (world, "server: %s lets its held answers go", res->path);
  mw_test_server_release (res->server, res->resource);
  res->held = FALSE;
  return TRUE;
}

static gboolean
srv_cut (World *world)
{
  FileRes *res = pick_file (world);
  MwTestResource *resource = res->resource;

  mw_test_server_lock (res->server);
  resource->cut_after = pick (world, (guint) MAX (g_bytes_get_size (resource->body), 1));
  resource->cut_times = 1 + pick (world, 2);
  resource->cut_reset = chance (world, 2);
  resource->cut_stalls = !world->blocking && chance (world, 4);
  mw_test_server_unlock (res->server);
  world_say (world, "server: %s cuts its next %u answers after %zu bytes%s", res->path,
             resource->cut_times, resource->cut_after,
             resource->cut_stalls ? ", then stalls" : resource->cut_reset ? " with a reset" : "");
  return TRUE;
}

static gboolean
srv_status (World *world)
{
  FileRes *res = pick_file (world);
  MwTestResource *resource = res->resource;
  static const guint statuses[] = { 503, 503, 500, 429, 502, 404 };
  guint status = statuses[pick (world, G_N_ELEMENTS (statuses))];
  guint times = status == 404 ? 1 : 1 + pick (world, 5);
  const char *retry_after = NULL;

  if (status == 503 || status == 429)
    retry_after = !avoid[AVOID_LONG_RETRY_AFTER] && chance (world, 3) ? "3" : chance (world, 2) ? "1" : "0";
  mw_test_server_lock (res->server);
  if (resource->statuses == NULL)
    resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < times; i++)
    g_array_append_val (resource->statuses, status);
  g_free (resource->retry_after);
  resource->retry_after = g_strdup (retry_after);
  mw_test_server_unlock (res->server);
  world_say (world, "server: %s answers its next %u requests with %u%s%s", res->path, times, status,
             retry_after ? ", Retry-After: " : "", retry_after ? retry_after : "");
  return TRUE;
}

/* The file changes on the server, under a new ETag, from its next request on. */
static gboolean
srv_change (World *world)
{
  FileRes *res = pick_file (world);
  MwTestResource *resource = res->resource;
  gsize size;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *etag = NULL;

  mw_test_server_lock (res->server);
  size = g_bytes_get_size (resource->body);
  mw_test_server_unlock (res->server);
  /* Another size too, a little larger or smaller (MAX would evaluate pick() twice). */
  size += pick (world, 20000);
  size = size > 10000 ? size - pick (world, 10000) : size;
  res->n_versions++;
  body = mw_test_make_bytes (size, world->seed * 7919u + res->index * 97u + res->n_versions);
  etag = g_strdup_printf ("\"f%u-v%u\"", res->index, res->n_versions);
  g_hash_table_insert (res->versions, g_strdup (etag), g_bytes_ref (body));

  mw_test_server_lock (res->server);
  g_clear_pointer (&resource->next_body, g_bytes_unref);
  resource->next_body = g_bytes_ref (body);
  g_free (resource->next_etag);
  resource->next_etag = g_strdup (etag);
  resource->change_at = resource->requests + 1;
  mw_test_server_unlock (res->server);
  world_say (world, "server: %s becomes %zu other bytes, ETag %s", res->path, size, etag);
  return TRUE;
}

static gboolean
stoppable_with_part (World   *world,
                     Tracked *tracked)
{
  return (can_resume (world, tracked) || can_pause (world, tracked)) && part_exists (tracked);
}

/* The file is taken off the server while its download is paused (or the person pauses
 * it now); the person resumes. */
static gboolean
srv_gone_then_resume (World *world)
{
  Tracked *tracked = pick_tracked (world, stoppable_with_part);
  MwTestResource *resource;
  g_autofree char *what = NULL;
  guint status = 404;

  if (tracked == NULL)
    return FALSE;
  resource = tracked->res->resource;
  what = tracked_describe (tracked);
  mw_test_server_lock (tracked->res->server);
  if (resource->statuses == NULL)
    resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_prepend_val (resource->statuses, status);
  mw_test_server_unlock (tracked->res->server);
  world_say (world, "server: %s answers its next request with 404; pause and resume %s",
             tracked->res->path, what);
  mw_download_pause (tracked->download);
  mw_download_resume (tracked->download);
  tracked->want = WANT_RUN;
  return TRUE;
}

static gboolean
srv_hang (World *world)
{
  FileRes *res = pick_file (world);

  if (world->blocking && !res->hangs)
    return FALSE;
  res->hangs = !res->hangs;
  mw_test_server_lock (res->server);
  res->resource->hang = res->hangs;
  mw_test_server_unlock (res->server);
  world_say (world, "server: %s %s", res->path, res->hangs ? "never answers" : "answers again");
  return TRUE;
}

static gboolean
srv_door (World *world)
{
  world->door_closed = !world->door_closed;
  world_say (world, "server: the door server %s", world->door_closed ? "refuses connections" : "accepts again");
  mw_test_server_set_refusing (world->door, world->door_closed);
  return TRUE;
}

/* --- What people do with feeds ----------------------------------------------------------- */

static void
pending_free (Pending *pending)
{
  g_free (pending->what);
  g_strfreev (pending->urls);
  g_free (pending);
}

static Pending *
pending_new (World       *world,
             const char  *what,
             const char **urls)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->world = world;
  pending->what = g_strdup (what);
  pending->urls = g_strdupv ((char **) urls);
  pending->started = g_get_monotonic_time ();
  pending->step = world->step;
  g_ptr_array_add (world->pending, pending);
  return pending;
}

static void
pending_done (Pending *pending)
{
  g_ptr_array_remove (pending->world->pending, pending);
  pending_free (pending);
}

static gboolean
url_is_pending (World      *world,
                const char *url)
{
  for (guint i = 0; i < world->pending->len; i++)
    {
      Pending *pending = g_ptr_array_index (world->pending, i);

      if (pending->urls != NULL && g_strv_contains ((const char * const *) pending->urls, url))
        return TRUE;
    }
  return FALSE;
}

/* An error a person reads: a sentence, and never a cancellation nobody asked for. */
static void
check_error (World        *world,
             Pending      *pending,
             const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    world_broke (world, "%s (from step %u) ended as cancelled, which nobody asked for: %s",
                 pending->what, pending->step, error->message);
  else if (error->message == NULL || *error->message == '\0')
    world_broke (world, "%s (from step %u) failed without a sentence", pending->what, pending->step);
}

static void
subscribed_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Pending *pending = user_data;
  World *world = pending->world;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) choices = NULL;
  g_autoptr(MwFeed) feed = mw_feed_list_subscribe_finish (MW_FEED_LIST (source_object), result, &choices, &error);

  if (feed != NULL)
    {
      world->n_subscribed++;
      world_say (world, "(%s from step %u: subscribed, %u items)", pending->what, pending->step,
                 g_list_model_get_n_items (mw_feed_get_items (feed)));
      if (pending->must_fail)
        world_broke (world, "%s (from step %u) subscribed to an address already followed",
                     pending->what, pending->step);
      else if (!g_strv_contains ((const char * const *) pending->urls, mw_feed_get_url (feed)))
        world_broke (world, "%s (from step %u) subscribed to %s", pending->what, pending->step,
                     mw_feed_get_url (feed));
    }
  else if (error != NULL)
    {
      world_say (world, "(%s from step %u: %s)", pending->what, pending->step, error->message);
      check_error (world, pending, error);
    }
  else
    world_broke (world, "%s (from step %u) neither subscribed nor said why%s", pending->what,
                 pending->step, choices ? " (it offered choices)" : "");
  pending_done (pending);
}

static FeedRes *
pick_feed_res (World *world)
{
  return g_ptr_array_index (world->feed_resources, pick (world, world->feed_resources->len));
}

static gboolean
followed (World      *world,
          const char *url)
{
  return url != NULL && mw_feed_list_find (world->feeds, url) != NULL;
}

static gboolean
op_subscribe (World *world)
{
  FeedRes *res = pick_feed_res (world);
  const char *urls[] = { res->url, res->leads_to, NULL };
  g_autofree char *what = g_strdup_printf ("subscribe to %s", res->path);
  Pending *pending;

  if (avoid[AVOID_SAME_FEED_TWICE_AT_ONCE] &&
      (url_is_pending (world, res->url) || (res->leads_to != NULL && url_is_pending (world, res->leads_to)) ||
       (res->leads_to != NULL && !res->page && followed (world, res->leads_to))))
    return FALSE;

  world_say (world, "%s%s%s%s", what, res->page ? " (a page that links a feed)" : "",
             res->leads_to && !res->page ? " (moved for good)" : "",
             res->oversize ? " (over the size limit)" : "");
  pending = pending_new (world, what, urls);
  pending->must_fail = followed (world, res->url) || followed (world, res->leads_to) || res->oversize;
  /* As the window does, with the one cancellable it cancels when it closes. */
  mw_feed_list_subscribe_async (world->feeds, res->url, world->window_cancellable, subscribed_cb, pending);
  return TRUE;
}

static void
refreshed_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pending *pending = user_data;
  World *world = pending->world;
  g_autoptr(GError) error = NULL;

  if (!mw_feed_list_refresh_finish (MW_FEED_LIST (source_object), result, &error))
    {
      world_say (world, "(%s from step %u: %s)", pending->what, pending->step, error->message);
      check_error (world, pending, error);
    }
  pending_done (pending);
}

static void
refresh (World  *world,
         MwFeed *feed)
{
  g_autofree char *what = g_strdup_printf ("refresh %s", mw_feed_get_url (feed));

  mw_feed_list_refresh_async (world->feeds, feed, NULL, refreshed_cb,
                              pending_new (world, what, NULL));
}

static MwFeed *
pick_feed (World *world)
{
  GListModel *model = G_LIST_MODEL (world->feeds);
  guint n = g_list_model_get_n_items (model);
  g_autoptr(MwFeed) feed = NULL;

  if (n == 0)
    return NULL;
  feed = g_list_model_get_item (model, pick (world, n));
  /* The list holds it. */
  return feed;
}

static gboolean
op_refresh (World *world)
{
  MwFeed *feed = pick_feed (world);

  if (feed == NULL)
    return FALSE;
  world_say (world, "refresh %s", mw_feed_get_url (feed));
  refresh (world, feed);
  return TRUE;
}

static gboolean
op_refresh_all (World *world)
{
  GListModel *model = G_LIST_MODEL (world->feeds);

  if (g_list_model_get_n_items (model) == 0)
    return FALSE;
  world_say (world, "refresh all %u feeds", g_list_model_get_n_items (model));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (model, i);
      refresh (world, feed);
    }
  return TRUE;
}

static gboolean
op_unsubscribe (World *world)
{
  MwFeed *feed = pick_feed (world);
  TrackedFeed *tracked;
  g_autoptr(MwFeed) taken = NULL;

  if (feed == NULL)
    return FALSE;
  world_sync_feeds (world);
  tracked = world_find_tracked_feed (world, feed);
  world_say (world, "unsubscribe from %s, with undo", mw_feed_get_url (feed));
  taken = mw_feed_list_take (world->feeds, feed, &tracked->taken_position);
  tracked->taken = TRUE;
  return TRUE;
}

static TrackedFeed *
pick_taken_feed (World *world)
{
  g_autoptr(GPtrArray) taken = g_ptr_array_new ();

  for (guint i = 0; i < world->tracked_feeds->len; i++)
    if (((TrackedFeed *) g_ptr_array_index (world->tracked_feeds, i))->taken)
      g_ptr_array_add (taken, g_ptr_array_index (world->tracked_feeds, i));
  return taken->len > 0 ? g_ptr_array_index (taken, pick (world, taken->len)) : NULL;
}

static gboolean
op_undo_unsubscribe (World *world)
{
  TrackedFeed *tracked = pick_taken_feed (world);

  if (tracked == NULL)
    return FALSE;
  if (avoid[AVOID_UNDO_UNSUBSCRIBE_AFTER_RESUBSCRIBE] &&
      (followed (world, mw_feed_get_url (tracked->feed)) || url_is_pending (world, mw_feed_get_url (tracked->feed))))
    return FALSE;
  world_say (world, "undo the unsubscription from %s", mw_feed_get_url (tracked->feed));
  tracked->taken = FALSE;
  mw_feed_list_insert (world->feeds, tracked->taken_position, tracked->feed);
  return TRUE;
}

static gboolean
op_dismiss_unsubscribe (World *world)
{
  TrackedFeed *tracked = pick_taken_feed (world);

  if (tracked == NULL)
    return FALSE;
  world_say (world, "let the undo of the unsubscription from %s pass", mw_feed_get_url (tracked->feed));
  g_ptr_array_remove (world->tracked_feeds, tracked);
  return TRUE;
}

static void
imported_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Pending *pending = user_data;
  World *world = pending->world;
  g_autoptr(GError) error = NULL;
  guint added = mw_feed_list_import_opml_finish (MW_FEED_LIST (source_object), result, &error);

  if (error != NULL)
    {
      world_say (world, "(%s from step %u: %s)", pending->what, pending->step, error->message);
      check_error (world, pending, error);
    }
  else
    world_say (world, "(%s from step %u: %u added)", pending->what, pending->step, added);
  world_sync_feeds (world);
  pending_done (pending);
}

static gboolean
op_import (World *world)
{
  g_autoptr(GString) opml = g_string_new ("<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head>"
                                          "<title>Imported</title></head><body>\n");
  g_autoptr(GPtrArray) urls = g_ptr_array_new ();
  g_autofree char *path = NULL;
  g_autofree char *what = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 1 + pick (world, 4);

  /* A subscription of its own for each entry: none may meet another under way. */
  if (avoid[AVOID_SAME_FEED_TWICE_AT_ONCE] && world->pending->len > 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      FeedRes *res = pick_feed_res (world);

      if (avoid[AVOID_SAME_FEED_TWICE_AT_ONCE])
        {
          FeedRes *target = res->leads_to ? world_feed_res_for_url (world, res->leads_to) : res;
          gboolean clash = res->leads_to != NULL && followed (world, res->leads_to);

          for (guint j = 0; j < urls->len && !clash; j++)
            {
              FeedRes *other = world_feed_res_for_url (world, g_ptr_array_index (urls, j));
              FeedRes *other_target = other->leads_to ? world_feed_res_for_url (world, other->leads_to) : other;

              clash = other_target == target;
            }
          if (clash)
            continue;
        }
      g_ptr_array_add (urls, res->url);
      if (res->leads_to != NULL)
        g_ptr_array_add (urls, res->leads_to);
      g_string_append_printf (opml, "<outline type=\"rss\" text=\"Feed\" xmlUrl=\"%s\"/>\n", res->url);
    }
  g_string_append (opml, "</body></opml>\n");
  g_ptr_array_add (urls, NULL);

  path = g_strdup_printf ("%s/import-%u.opml", world->root, ++world->n_opml);
  if (!g_file_set_contents (path, opml->str, -1, &error))
    {
      world_broke (world, "could not write %s: %s", path, error->message);
      return TRUE;
    }
  what = g_strdup_printf ("import of %s", path);
  world_say (world, "import an OPML file listing %s", opml->str);
  file = g_file_new_for_path (path);
  mw_feed_list_import_opml_async (world->feeds, file, NULL, imported_cb,
                                  pending_new (world, what, (const char **) urls->pdata));
  return TRUE;
}

static MwFeedItem *
pick_item (World        *world,
           TrackedFeed **tracked)
{
  MwFeed *feed = pick_feed (world);
  GListModel *items;
  g_autoptr(MwFeedItem) item = NULL;

  if (feed == NULL)
    return NULL;
  world_sync_feeds (world);
  *tracked = world_find_tracked_feed (world, feed);
  items = mw_feed_get_items (feed);
  if (g_list_model_get_n_items (items) == 0)
    return NULL;
  item = g_list_model_get_item (items, pick (world, g_list_model_get_n_items (items)));
  return item;
}

static void
remember_marks (TrackedFeed *tracked,
                MwFeedItem  *item)
{
  guint marks = (mw_feed_item_get_read (item) ? MARK_READ : 0) |
                (mw_feed_item_get_starred (item) ? MARK_STARRED : 0);

  g_hash_table_insert (tracked->marks, g_strdup (mw_feed_item_get_id (item)), GUINT_TO_POINTER (marks));
}

static gboolean
op_mark_read (World *world)
{
  TrackedFeed *tracked = NULL;
  MwFeedItem *item = pick_item (world, &tracked);

  if (item == NULL)
    return FALSE;
  world_say (world, "mark %s %s", mw_feed_item_get_id (item), mw_feed_item_get_read (item) ? "unread" : "read");
  mw_feed_item_set_read (item, !mw_feed_item_get_read (item));
  remember_marks (tracked, item);
  return TRUE;
}

static gboolean
op_star (World *world)
{
  TrackedFeed *tracked = NULL;
  MwFeedItem *item = pick_item (world, &tracked);

  if (item == NULL)
    return FALSE;
  world_say (world, "%s %s", mw_feed_item_get_starred (item) ? "unstar" : "star", mw_feed_item_get_id (item));
  mw_feed_item_set_starred (item, !mw_feed_item_get_starred (item));
  remember_marks (tracked, item);
  world->star_unsaved = TRUE;
  return TRUE;
}

static gboolean
op_mark_all_read (World *world)
{
  MwFeed *feed = pick_feed (world);
  TrackedFeed *tracked;
  GListModel *items;

  if (feed == NULL)
    return FALSE;
  world_sync_feeds (world);
  tracked = world_find_tracked_feed (world, feed);
  world_say (world, "mark all of %s read", mw_feed_get_url (feed));
  mw_feed_mark_all_read (feed);
  items = mw_feed_get_items (feed);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(MwFeedItem) item = g_list_model_get_item (items, i);
      remember_marks (tracked, item);
    }
  return TRUE;
}

static FeedRes *
pick_plain_feed_res (World *world)
{
  FeedRes *res = pick_feed_res (world);

  return res->leads_to == NULL && !res->oversize ? res : NULL;
}

static gboolean
srv_feed_changes (World *world)
{
  FeedRes *res = pick_plain_feed_res (world);
  g_autoptr(GBytes) body = NULL;

  if (res == NULL)
    return FALSE;
  res->version++;
  res->n_items += 1 + pick (world, 3);
  body = feed_document (res);
  mw_test_server_lock (world->server);
  g_bytes_unref (res->resource->body);
  res->resource->body = g_bytes_ref (body);
  g_free (res->resource->etag);
  res->resource->etag = g_strdup_printf ("\"feed%u-v%u\"", res->index, res->version);
  mw_test_server_unlock (world->server);
  world_say (world, "server: %s has %u items now, in version %u", res->path, res->n_items, res->version);
  return TRUE;
}

static gboolean
srv_feed_status (World *world)
{
  FeedRes *res = pick_plain_feed_res (world);
  static const guint statuses[] = { 503, 500, 404, 429 };
  guint status = statuses[pick (world, G_N_ELEMENTS (statuses))];

  if (res == NULL)
    return FALSE;
  mw_test_server_lock (world->server);
  if (res->resource->statuses == NULL)
    res->resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (res->resource->statuses, status);
  g_free (res->resource->retry_after);
  res->resource->retry_after = g_strdup (status == 503 || status == 429 ? "1" : NULL);
  mw_test_server_unlock (world->server);
  world_say (world, "server: %s answers its next request with %u", res->path, status);
  return TRUE;
}

/* --- The generator ------------------------------------------------------------------ */

/* Each step's weight; one that can make a sequence listed in MW_RANDOM_TRY weighs more,
 * so that a soak finds out soon whether that sequence is fixed. */
static const struct
{
  guint  weight;
  OpFunc func;
  Avoid  makes;
} ops[] = {
  { 10, op_add, N_AVOID },
  { 3, op_add_again, N_AVOID },
  { 2, op_add_checked, N_AVOID },
  { 2, op_add_redirected, N_AVOID },
  { 1, op_remove_for_good, N_AVOID },
  { 2, op_cancel_then_retry, AVOID_RETRY_RIGHT_AFTER_CANCEL },
  { 2, op_cancel_then_add_again, AVOID_RETRY_CANCELLED_AFTER_READD },
  { 2, op_pause_then_resume, N_AVOID },
  { 1, op_mode_then_pause, AVOID_PAUSE_RIGHT_AFTER_MODE_SWITCH },
  { 1, op_refresh_all_then_freeze, AVOID_FREEZING_WITH_FETCHES_IN_FLIGHT },
  { 1, srv_gone_then_resume, AVOID_REMOVE_FAILED },
  { 8, op_pause, N_AVOID },
  { 8, op_resume, N_AVOID },
  { 5, op_cancel, N_AVOID },
  { 6, op_retry, AVOID_RETRY_CANCELLED_AFTER_READD },
  { 4, op_remove, AVOID_REMOVE_FAILED },
  { 3, op_undo_remove, N_AVOID },
  { 3, op_dismiss_remove, AVOID_REMOVE_FAILED },
  { 2, op_folder, N_AVOID },
  { 2, op_concurrency, N_AVOID },
  { 3, op_mode, N_AVOID },
  { 1, op_restart, N_AVOID },
  { 1, op_kill, AVOID_KILL_WITH_ONLY_A_STAR_UNSAVED },
  { 3, op_wait, N_AVOID },
  { 3, srv_throttle, N_AVOID },
  { 2, srv_hold, N_AVOID },
  { 3, srv_release, N_AVOID },
  { 4, srv_cut, N_AVOID },
  { 4, srv_status, AVOID_LONG_RETRY_AFTER },
  { 3, srv_change, N_AVOID },
  { 1, srv_hang, N_AVOID },
  { 1, srv_door, N_AVOID },
  { 5, op_subscribe, AVOID_SAME_FEED_TWICE_AT_ONCE },
  { 4, op_refresh, N_AVOID },
  { 1, op_refresh_all, N_AVOID },
  { 2, op_unsubscribe, N_AVOID },
  { 2, op_undo_unsubscribe, AVOID_UNDO_UNSUBSCRIBE_AFTER_RESUBSCRIBE },
  { 1, op_dismiss_unsubscribe, N_AVOID },
  { 1, op_import, AVOID_SAME_FEED_TWICE_AT_ONCE },
  { 4, op_mark_read, N_AVOID },
  { 3, op_star, AVOID_KILL_WITH_ONLY_A_STAR_UNSAVED },
  { 1, op_mark_all_read, N_AVOID },
  { 2, srv_feed_changes, N_AVOID },
  { 2, srv_feed_status, N_AVOID },
};

static gboolean tried[N_AVOID];

static guint
weight_of (guint i)
{
  return ops[i].makes != N_AVOID && tried[ops[i].makes] ? 5 * ops[i].weight : ops[i].weight;
}

static void
random_step (World *world)
{
  guint total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    total += weight_of (i);

  /* Something that applies: most do, a few need a download in the right state. */
  for (guint tries = 0; tries < 20; tries++)
    {
      guint at = pick (world, total);

      for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
        {
          if (at < weight_of (i))
            {
              if (ops[i].func (world))
                return;
              break;
            }
          at -= weight_of (i);
        }
    }
  op_wait (world);
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
  if (world->door_closed)
    {
      world->door_closed = FALSE;
      mw_test_server_set_refusing (world->door, FALSE);
    }
  if (world->blocking)
    set_blocking (world, FALSE);
  /* Generous, now that nothing hangs on purpose: a busy machine must not fail a
   * healthy transfer. */
  mw_download_list_set_network_timeout (world->downloads, 10);

  if (!world_wait (world, no_feed_pending, NULL, 60000, "the feed operations to end"))
    return;

  for (guint i = 0; i < world->tracked->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);

      if (tracked->dropped)
        continue;
      if (mw_download_can_resume (tracked->download))
        mw_download_resume (tracked->download);
      else if (mw_download_get_state (tracked->download) == MW_DOWNLOAD_FAILED)
        mw_download_retry (tracked->download);
      if (tracked->want == WANT_PAUSED)
        tracked->want = WANT_RUN;
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
        refresh (world, feed);
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
      random_step (world);
      if (world->failed)
        break;
      world_run_loop (world, pick (world, 40));
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

  mw_test_downloads_set_up (&fixture);
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
  mw_test_downloads_tear_down (&fixture);
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
  const char *soak = g_getenv ("MW_SOAK_SECONDS");

  take_options (&argc, &argv, &seed, &steps);
  g_test_init (&argc, &argv, NULL);

  if (seed == NULL)
    seed = (char *) g_getenv ("MW_SEED");
  if (steps == NULL)
    steps = (char *) g_getenv ("MW_STEPS");
  if (steps != NULL)
    n_steps = parse_number (steps, "The number of steps");

  if (try_list != NULL)
    {
      g_auto(GStrv) names = g_strsplit (try_list, ",", -1);

      for (guint i = 0; names[i] != NULL; i++)
        {
          gboolean known = FALSE;

          for (guint j = 0; j < N_AVOID; j++)
            if (g_str_equal (names[i], avoid_names[j]) || g_str_equal (names[i], "all"))
              {
                avoid[j] = FALSE;
                tried[j] = TRUE;
                known = TRUE;
              }
          if (!known)
            g_error ("MW_RANDOM_TRY: no sequence is called “%s”", names[i]);
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
    for (guint i = 0; i < G_N_ELEMENTS (fixed_seeds); i++)
      {
        g_autofree char *path = g_strdup_printf ("/random-sequences/seed/%u", fixed_seeds[i]);

        g_test_add_data_func (path, GUINT_TO_POINTER (fixed_seeds[i]), test_seed);
      }

  return g_test_run ();
}
