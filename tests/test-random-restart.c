/* test-random-restart.c: quitting, being killed and starting again, in the random-sequence test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-random-sequences"

#include "config.h"

#include "mw-download-store.h"
#include "mw-feed-store.h"
#include "test-random.h"

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
/* What a state file keeps of a state: a download under way (waiting for a server, or
 * for a slot after a back-off) comes back waiting its turn. */
static MwDownloadState
state_class (MwDownloadState state)
{
  if (state == MW_DOWNLOAD_CONNECTING || state == MW_DOWNLOAD_DOWNLOADING)
    return MW_DOWNLOAD_QUEUED;
  return state;
}

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
          state_class (a->state) != state_class (b->state) || a->received != b->received ||
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
          /* As the window does: whatever can be cancelled is, failed ones too. */
          if (mw_download_can_cancel (tracked->download))
            {
              mw_download_cancel (tracked->download);
              tracked->want = WANT_CANCELLED;
            }
        }
    }
  for (guint i = world->tracked_feeds->len; i > 0; i--)
    if (((TrackedFeed *) g_ptr_array_index (world->tracked_feeds, i - 1))->taken)
      g_ptr_array_remove_index (world->tracked_feeds, i - 1);

  if (!world_wait (world, world_no_pending, NULL, 60000, "the feed operations under way to end before quitting"))
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
      Caught caught = { NULL, g_get_monotonic_time () + 5 * G_USEC_PER_SEC * mw_test_slowness (), 0 };

      world_wait (world, caught_up_or_late, &caught, 10000 * mw_test_slowness (), "the state files to catch up");
      if (caught.difference != NULL)
        world_broke (world, "5 s after the last change the state files still lag behind the lists, "
                     "so a kill would lose it: %s", caught.difference);
      g_free (caught.difference);
      if (world->failed)
        return;
    }
  else
    {
      mw_download_list_save_async (world->downloads, NULL, world_result_cb, &downloads_saved);
      mw_feed_list_save_async (world->feeds, NULL, world_result_cb, &feeds_saved);
      if (!world_wait (world, world_have_result, &downloads_saved, 20000, "the list of downloads to be saved") ||
          !world_wait (world, world_have_result, &feeds_saved, 20000, "the list of feeds to be saved"))
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

  world_drop_lists (world);
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
          g_autoptr(MwDownload) download = g_list_model_get_item (model, i);
          tracked_set_download (tracked, download);
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

      tracked->want = WANT_RUN;
      mw_download_resume (tracked->download);
    }
}
