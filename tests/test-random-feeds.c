/* test-random-feeds.c: the steps of the random-sequence test that concern feeds and their server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-random-sequences"

#include "config.h"

#include "test-random.h"

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
  return g_ptr_array_index (world->feed_resources, world_pick (world, world->feed_resources->len));
}

static gboolean
followed (World      *world,
          const char *url)
{
  return url != NULL && mw_feed_list_find (world->feeds, url) != NULL;
}

static void
subscribe (World   *world,
           FeedRes *res)
{
  const char *urls[] = { res->url, res->leads_to, NULL };
  g_autofree char *what = g_strdup_printf ("subscribe to %s", res->path);
  Pending *pending;

  world_say (world, "%s%s%s%s", what, res->page ? " (a page that links a feed)" : "",
             res->leads_to && !res->page ? " (moved for good)" : "",
             res->oversize ? " (over the size limit)" : "");
  pending = pending_new (world, what, urls);
  pending->must_fail = followed (world, res->url) || followed (world, res->leads_to) || res->oversize;
  /* As the window does, with the one cancellable it cancels when it closes. */
  mw_feed_list_subscribe_async (world->feeds, res->url, world->window_cancellable, subscribed_cb, pending);
}

static gboolean
op_subscribe (World *world)
{
  FeedRes *res = pick_feed_res (world);

  if (avoid[AVOID_SAME_FEED_TWICE_AT_ONCE] &&
      (url_is_pending (world, res->url) || (res->leads_to != NULL && url_is_pending (world, res->leads_to)) ||
       (res->leads_to != NULL && !res->page && followed (world, res->leads_to))))
    return FALSE;
  subscribe (world, res);
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

void
world_refresh (World  *world,
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
  feed = g_list_model_get_item (model, world_pick (world, n));
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
  world_refresh (world, feed);
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
      world_refresh (world, feed);
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
  return taken->len > 0 ? g_ptr_array_index (taken, world_pick (world, taken->len)) : NULL;
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
  guint n = 1 + world_pick (world, 4);

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
  item = g_list_model_get_item (items, world_pick (world, g_list_model_get_n_items (items)));
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
  res->n_items += 1 + world_pick (world, 3);
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
  guint status = statuses[world_pick (world, G_N_ELEMENTS (statuses))];

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

/* Every feed of the host asked for at once (subscribing to those not followed yet),
 * more than the host's six connections, and freezing mode turned on meanwhile. */
static gboolean
op_everything_then_freeze (World *world)
{
  GListModel *model = G_LIST_MODEL (world->feeds);

  if (world->blocking || avoid[AVOID_FREEZING_WITH_FETCHES_IN_FLIGHT])
    return FALSE;
  world_say (world, "refresh all %u feeds, subscribe to the others, and turn freezing mode on at once",
             g_list_model_get_n_items (model));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (model, i);
      world_refresh (world, feed);
    }
  for (guint i = 0; i < world->feed_resources->len; i++)
    {
      FeedRes *res = g_ptr_array_index (world->feed_resources, i);

      if (res->leads_to == NULL && !res->oversize && !followed (world, res->url) &&
          !url_is_pending (world, res->url))
        subscribe (world, res);
    }
  world_set_blocking (world, TRUE);

  /* …and at once a mistyped address, fetched in freezing mode while the others are
   * still under way. */
  {
    g_autofree char *url = mw_test_server_url (world->server, "/feeds/mistyped.xml");
    const char *urls[] = { url, NULL };
    Pending *pending = pending_new (world, "subscribe to /feeds/mistyped.xml", urls);

    world_say (world, "subscribe to /feeds/mistyped.xml, which is not there");
    pending->must_fail = TRUE;
    mw_feed_list_subscribe_async (world->feeds, url, world->window_cancellable, subscribed_cb, pending);
  }
  return TRUE;
}

const RandomStep random_feed_steps[] = {
  { 1, op_everything_then_freeze, AVOID_FREEZING_WITH_FETCHES_IN_FLIGHT },
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
const guint random_n_feed_steps = G_N_ELEMENTS (random_feed_steps);
