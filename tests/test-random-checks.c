/* test-random-checks.c: the invariants the random-sequence test checks after every step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-random-sequences"

#include "config.h"

#include <string.h>

#include "test-random.h"

/* A cancelled or dropped download's .part is deleted asynchronously: it may be seen for
 * a moment after the transfer ended, never for longer than this. */
#define PART_GRACE_US    (3 * G_USEC_PER_SEC * mw_test_slowness ())
/* Feed fetches time out after 30 s; anything under way longer than this hangs. */
#define FEED_OP_LIMIT_US (45 * G_USEC_PER_SEC * mw_test_slowness ())

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
  /* Nothing but Meanwhile touches the download folders here. */
  if (message != NULL && g_str_has_prefix (message, "The partial file was deleted"))
    world_broke (world, "%s lost its .part under it, and only Meanwhile deletes them here", what);

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
  gboolean deleting = mw_download_get_n_part_deletions () > 0;

  /* A download cancelled and tried again at once forgets its old name while its old
   * .part is still being deleted (the new run waits for that): such a .part is on its
   * way out, not left behind. */

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GString) owners = NULL;
      gboolean owned = deleting;

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

/* Whether a download out of the list (its undo still possible) has its file or .part on
 * disk: out of the list it holds no name, and a download added meanwhile may
 * take the name of one that has nothing there. */
static gboolean
taken_has_files (Tracked *tracked)
{
  GFile *file = mw_download_get_file (tracked->download);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *part = g_strconcat (path, ".part", NULL);

  if (mw_download_get_state (tracked->download) == MW_DOWNLOAD_COMPLETED)
    return g_file_test (path, G_FILE_TEST_EXISTS);
  return g_file_test (part, G_FILE_TEST_EXISTS);
}

/* No two downloads that hold a name (all but the cancelled, and those out of the list
 * with nothing on disk) hold the same one. */
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
          mw_download_get_state (tracked->download) == MW_DOWNLOAD_CANCELLED ||
          (tracked->taken && !taken_has_files (tracked)))
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
