/* test-random-downloads.c: the steps of the random-sequence test that concern downloads and their servers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-random-sequences"

#include "config.h"

#include "test-random.h"

static FileRes *
pick_file (World *world)
{
  return g_ptr_array_index (world->files, world_pick (world, world->files->len));
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
  return fits->len > 0 ? g_ptr_array_index (fits, world_pick (world, fits->len)) : NULL;
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

  if (world_chance (world, 4))
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

/* Picks a download for which @filter holds and says what happens to it, "@before d3
 * (name.bin)@after". Returns: (nullable): the download, or NULL when none fits */
static Tracked *
pick_and_say (World         *world,
              TrackedFilter  filter,
              const char    *before,
              const char    *after)
{
  Tracked *tracked = pick_tracked (world, filter);
  g_autofree char *what = NULL;

  if (tracked == NULL)
    return NULL;
  what = tracked_describe (tracked);
  world_say (world, "%s %s%s", before, what, after);
  return tracked;
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
  Tracked *tracked = pick_and_say (world, can_pause, "pause", "");

  if (tracked == NULL)
    return FALSE;
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
  Tracked *tracked = pick_and_say (world, can_resume, "resume", "");

  if (tracked == NULL)
    return FALSE;
  tracked->want = WANT_RUN;
  mw_download_resume (tracked->download);
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
  Tracked *tracked = pick_and_say (world, can_cancel, "cancel", "");

  if (tracked == NULL)
    return FALSE;
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
  Tracked *tracked = pick_and_say (world, can_retry, "try", " again");

  if (tracked == NULL)
    return FALSE;
  tracked->want = WANT_RUN;
  mw_download_retry (tracked->download);
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

/* As Undo does: back where it was, and running again if it was. */
static void
put_back (World   *world,
          Tracked *tracked)
{
  tracked->taken = FALSE;
  mw_download_list_insert (world->downloads, tracked->taken_position, tracked->download);
  if (tracked->taken_was_running)
    {
      tracked->want = WANT_RUN;
      mw_download_resume (tracked->download);
    }
}

static gboolean
op_undo_remove (World *world)
{
  Tracked *tracked = pick_and_say (world, is_taken, "undo the removal of", "");

  if (tracked == NULL)
    return FALSE;
  put_back (world, tracked);
  return TRUE;
}

/* The undo toast goes away: as the window does, a download that had not finished is
 * cancelled, which deletes its .part. */
static gboolean
op_dismiss_remove (World *world)
{
  Tracked *tracked = pick_and_say (world, is_taken, "let the undo of", " pass");

  if (tracked == NULL)
    return FALSE;
  tracked->taken = FALSE;
  tracked->dropped = TRUE;
  /* As the window does: whatever can be cancelled is, failed ones too (their .part). */
  if (mw_download_can_cancel (tracked->download))
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
  Tracked *tracked = pick_and_say (world, listed, "remove", " for good");

  if (tracked == NULL)
    return FALSE;
  if (mw_download_get_state (tracked->download) != MW_DOWNLOAD_COMPLETED)
    tracked->want = WANT_CANCELLED;
  tracked->dropped = TRUE;
  mw_download_list_remove (world->downloads, tracked->download, FALSE);
  return TRUE;
}

static gboolean
is_finished (World   *world,
             Tracked *tracked)
{
  return listed (world, tracked) && mw_download_get_state (tracked->download) == MW_DOWNLOAD_COMPLETED;
}

/* As Clear Finished Downloads does: every completed download off the list at once, its
 * file kept, with one Undo for them all (or each let pass, as the toast's undo). */
static gboolean
op_clear_finished (World *world)
{
  GListModel *model = G_LIST_MODEL (world->downloads);
  guint n = 0;

  if (pick_tracked (world, is_finished) == NULL)
    return FALSE;
  world_say (world, "clear the finished downloads, with undo");
  /* From the end, so that the positions kept are those the undo puts them back at. */
  for (guint i = g_list_model_get_n_items (model); i-- > 0;)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (model, i);

      for (guint j = 0; j < world->tracked->len; j++)
        {
          Tracked *tracked = g_ptr_array_index (world->tracked, j);
          g_autoptr(MwDownload) taken = NULL;

          if (tracked->download != download || tracked->dropped || !is_finished (world, tracked))
            continue;
          tracked->taken_was_running = FALSE;
          taken = mw_download_list_take (world->downloads, download, &tracked->taken_position);
          if (taken == NULL)
            world_broke (world, "d%u could not be taken out of the list", tracked->id);
          tracked->taken = TRUE;
          n++;
        }
    }
  if (n == 0)
    world_broke (world, "Clear Finished took no download, with finished ones listed");
  return TRUE;
}

/* The toast's Undo after removals: every download taken comes back where it was. */
static gboolean
op_undo_all (World *world)
{
  g_autoptr(GPtrArray) taken = g_ptr_array_new ();

  for (guint i = 0; i < world->tracked->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);

      if (!tracked->dropped && tracked->taken)
        g_ptr_array_add (taken, tracked);
    }
  if (taken->len == 0)
    return FALSE;
  world_say (world, "undo the removal of %u downloads", taken->len);
  /* Lowest position first, as they were taken from the end. */
  for (guint i = 0; i < taken->len; i++)
    for (guint j = i + 1; j < taken->len; j++)
      if (((Tracked *) taken->pdata[j])->taken_position < ((Tracked *) taken->pdata[i])->taken_position)
        {
          gpointer swap = taken->pdata[i];

          taken->pdata[i] = taken->pdata[j];
          taken->pdata[j] = swap;
        }
  for (guint i = 0; i < taken->len; i++)
    put_back (world, g_ptr_array_index (taken, i));
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
  tracked->want = WANT_RUN;
  mw_download_retry (tracked->download);
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
  Tracked *tracked = pick_and_say (world, can_pause, "pause", " and resume it at once");

  if (tracked == NULL)
    return FALSE;
  mw_download_pause (tracked->download);
  /* Resumed before the pause has landed, it goes on once the transfer has returned. */
  tracked->want = WANT_RUN;
  mw_download_resume (tracked->download);
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
  world->max_concurrent = 1 + world_pick (world, 4);
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

void
world_set_blocking (World    *world,
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
  world_set_blocking (world, !world->blocking);
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
  world_set_blocking (world, !world->blocking);
  if (mw_download_can_pause (tracked->download))
    {
      mw_download_pause (tracked->download);
      tracked->want = WANT_PAUSED;
    }
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
  guint ms = 100 + world_pick (world, 300);

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
      resource->throttle_delay_ms = 4 + world_pick (world, 10);
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
  res->resource->hold_after = size > 0 ? world_pick (world, (guint) size) : 0;
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
  res = g_ptr_array_index (held, world_pick (world, held->len));
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
  resource->cut_after = world_pick (world, (guint) MAX (g_bytes_get_size (resource->body), 1));
  resource->cut_times = 1 + world_pick (world, 2);
  resource->cut_reset = world_chance (world, 2);
  resource->cut_stalls = !world->blocking && world_chance (world, 4);
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
  guint status = statuses[world_pick (world, G_N_ELEMENTS (statuses))];
  guint times = status == 404 ? 1 : 1 + world_pick (world, 5);
  const char *retry_after = NULL;

  if (status == 503 || status == 429)
    retry_after = !avoid[AVOID_LONG_RETRY_AFTER] && world_chance (world, 3) ? "3" : world_chance (world, 2) ? "1" : "0";
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
  size += world_pick (world, 20000);
  size = size > 10000 ? size - world_pick (world, 10000) : size;
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
  tracked->want = WANT_RUN;
  mw_download_resume (tracked->download);
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
  mw_test_server_set_refusing (world->door, world->door_closed || world->offline);
  return TRUE;
}

/* The network goes away (the door server with it: out of reach, refusing), or comes
 * back. Downloads that fail meanwhile wait for it instead of spending attempts. */
static gboolean
net_toggle (World *world)
{
  world->offline = !world->offline;
  world_say (world, "network: %s", world->offline ? "gone" : "back");
  mw_test_server_set_refusing (world->door, world->offline || world->door_closed);
  mw_test_network_set_available (world->network, !world->offline);
  return TRUE;
}

/* Pause All and Resume All, as the application's actions do them. */
static gboolean
op_pause_all (World *world)
{
  world_say (world, "pause all");
  for (guint i = 0; i < world->tracked->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);

      if (can_pause (world, tracked))
        {
          mw_download_pause (tracked->download);
          tracked->want = WANT_PAUSED;
        }
    }
  return TRUE;
}

static gboolean
op_resume_all (World *world)
{
  world_say (world, "resume all");
  for (guint i = 0; i < world->tracked->len; i++)
    {
      Tracked *tracked = g_ptr_array_index (world->tracked, i);

      if (listed (world, tracked) && mw_download_get_state (tracked->download) == MW_DOWNLOAD_PAUSED &&
          mw_download_can_resume (tracked->download))
        {
          tracked->want = WANT_RUN;
          mw_download_resume (tracked->download);
        }
    }
  return TRUE;
}

static gboolean
can_move_up (World   *world,
             Tracked *tracked)
{
  return listed (world, tracked) &&
         mw_download_list_can_move_in_queue (world->downloads, tracked->download, -1);
}

/* A waiting download moved up the queue, from its row's menu. */
static gboolean
op_move_up (World *world)
{
  Tracked *tracked = pick_and_say (world, can_move_up, "move up", "");

  if (tracked == NULL)
    return FALSE;
  g_assert_true (mw_download_list_move_in_queue (world->downloads, tracked->download, -1));
  return TRUE;
}

static gboolean
op_per_host (World *world)
{
  guint limit = world_pick (world, 4);

  world_say (world, "allow %u downloads from one host at once%s", limit, limit == 0 ? " (no limit)" : "");
  mw_download_list_set_max_per_host (world->downloads, limit);
  return TRUE;
}

/* How often each step comes, and the avoided sequence it can make. */
const RandomStep random_download_steps[] = {
  { 10, op_add, N_AVOID },
  { 3, op_add_again, N_AVOID },
  { 2, op_add_checked, N_AVOID },
  { 2, op_add_redirected, N_AVOID },
  { 1, op_remove_for_good, N_AVOID },
  { 2, op_cancel_then_retry, AVOID_RETRY_RIGHT_AFTER_CANCEL },
  { 2, op_cancel_then_add_again, AVOID_RETRY_CANCELLED_AFTER_READD },
  { 2, op_pause_then_resume, N_AVOID },
  { 1, op_mode_then_pause, AVOID_PAUSE_RIGHT_AFTER_MODE_SWITCH },
  { 1, srv_gone_then_resume, AVOID_REMOVE_FAILED },
  { 8, op_pause, N_AVOID },
  { 8, op_resume, N_AVOID },
  { 5, op_cancel, N_AVOID },
  { 6, op_retry, AVOID_RETRY_CANCELLED_AFTER_READD },
  { 4, op_remove, AVOID_REMOVE_FAILED },
  { 3, op_undo_remove, N_AVOID },
  { 2, op_clear_finished, N_AVOID },
  { 2, op_undo_all, N_AVOID },
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
  { 2, net_toggle, N_AVOID },
  { 1, op_pause_all, N_AVOID },
  { 1, op_resume_all, N_AVOID },
  { 3, op_move_up, N_AVOID },
  { 1, op_per_host, N_AVOID },
};
const guint random_n_download_steps = G_N_ELEMENTS (random_download_steps);
