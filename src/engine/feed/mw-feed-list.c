/* mw-feed-list.c: the subscriptions as a list model, and their refreshes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list runs on the main thread. Fetching and parsing are in mw-feed-list-fetch.c,
 * subscribing in mw-feed-list-subscribe.c, OPML in mw-feed-list-opml.c and the state file
 * in mw-feed-list-state.c; a refreshed feed's parsed document is merged into it on the
 * main thread in one batch.
 */
#define G_LOG_DOMAIN "mw-feed-list"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-error.h"
#include "mw-feed-list-private.h"
#include "mw-http.h"

/* When a busy server does not say how long to stay away. */
#define DEFAULT_BACKOFF_US (G_USEC_PER_SEC * 60 * 30)
/* However long a server asks to be left alone, a day later its feed is asked again. */
#define MAX_BACKOFF_US (G_GINT64_CONSTANT (24) * 60 * 60 * G_USEC_PER_SEC)
/* A schedule's first refresh comes this long after it is set (at launch): soon, but not
 * in the middle of the start-up. */
#define FIRST_REFRESH_DELAY_S 10
/* The longest the schedule sleeps between two looks at the clock. The main loop's timers
 * run on the monotonic clock, which stands still while the computer is suspended: this
 * is how soon after waking up a refresh that fell due during the sleep is made. */
#define DUE_CHECK_INTERVAL_S 60

static void mw_feed_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MwFeedList, mw_feed_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, mw_feed_list_model_init))

enum {
  EVENT,
  N_SIGNALS
};

static GParamSpec *properties[MW_FEED_LIST_N_PROPS];
static guint signals[N_SIGNALS];

void
_mw_feed_list_notify (MwFeedList         *self,
                      MwFeedListProperty  property)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[property]);
}

void
_mw_feed_list_event (MwFeedList *self,
                     MwFeed     *feed,
                     const char *address,
                     gint64      started,
                     const char *format,
                     ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_signal_emit (self, signals[EVENT], 0, feed, address, g_get_real_time (),
                 g_get_monotonic_time () - started, text);
}

static GType
mw_feed_list_get_item_type (GListModel *model)
{
  return MW_TYPE_FEED;
}

static guint
mw_feed_list_get_n_items (GListModel *model)
{
  return MW_FEED_LIST (model)->feeds->len;
}

static gpointer
mw_feed_list_get_item (GListModel *model,
                       guint       position)
{
  MwFeedList *self = MW_FEED_LIST (model);

  if (position >= self->feeds->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->feeds, position));
}

static void
mw_feed_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mw_feed_list_get_item_type;
  iface->get_n_items = mw_feed_list_get_n_items;
  iface->get_item = mw_feed_list_get_item;
}

/* --- The list ------------------------------------------------------------------------ */

static void
feed_changed_cb (MwFeedList *self)
{
  _mw_feed_list_schedule_save (self);
}

void
_mw_feed_list_watch_feed (MwFeedList *self,
                          MwFeed     *feed)
{
  /* Every change a person or a server makes to the feed: marks, validators, titles,
   * articles. */
  g_signal_connect_object (feed, "changed", G_CALLBACK (feed_changed_cb), self, G_CONNECT_SWAPPED);
}

static void copy_marks (MwFeed *from,
                        MwFeed *into);

/* Puts FEED at POSITION; where the list already follows its address, FEED's marks go to
 * that subscription instead, so that one address stays one subscription. */
void
mw_feed_list_insert (MwFeedList *self,
                     guint       position,
                     MwFeed     *feed)
{
  MwFeed *known;

  g_return_if_fail (MW_IS_FEED_LIST (self));
  g_return_if_fail (MW_IS_FEED (feed));

  /* One address, one subscription: a feed put back (an undone unsubscription) after its
   * address was subscribed to again gives its marks to that subscription instead. */
  known = mw_feed_list_find (self, mw_feed_get_url (feed));
  if (known != NULL)
    {
      if (known != feed)
        copy_marks (feed, known);
      return;
    }

  position = MIN (position, self->feeds->len);
  g_ptr_array_insert (self->feeds, (gint) position, g_object_ref (feed));
  _mw_feed_list_watch_feed (self, feed);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  _mw_feed_list_schedule_save (self);
}

/* Returns: (transfer full) (nullable): FEED, out of the list, ready to be put back */
MwFeed *
mw_feed_list_take (MwFeedList *self,
                   MwFeed     *feed,
                   guint      *position)
{
  guint index;

  g_return_val_if_fail (MW_IS_FEED_LIST (self), NULL);

  if (!g_ptr_array_find (self->feeds, feed, &index))
    return NULL;
  g_signal_handlers_disconnect_by_data (feed, self);
  g_signal_handlers_disconnect_by_data (mw_feed_get_items (feed), self);
  feed = g_ptr_array_steal_index (self->feeds, index);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
  _mw_feed_list_schedule_save (self);
  if (position != NULL)
    *position = index;
  return feed;
}

MwFeed *
mw_feed_list_find (MwFeedList *self,
                   const char *url)
{
  g_return_val_if_fail (MW_IS_FEED_LIST (self), NULL);

  for (guint i = 0; i < self->feeds->len; i++)
    if (g_strcmp0 (mw_feed_get_url (g_ptr_array_index (self->feeds, i)), url) == 0)
      return g_ptr_array_index (self->feeds, i);
  return NULL;
}

/* --- Refreshing ------------------------------------------------------------------------ */

/* What a feed that answered 410 Gone says, in the language of the day. Such a feed is
 * never refreshed again, so this is also said anew when it is read back from the state
 * file, rather than the words of the session that saved it. */
const char *
_mw_feed_list_gone_message (void)
{
  return _("This feed was removed from its server for good (410 Gone). "
           "You can unsubscribe from it.");
}

typedef struct
{
  MwFeed       *feed;
  gint64        started;        /* monotonic, for the event log */
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_clear_object (&refresh->feed);
  g_free (refresh);
}

static void
refresh_return (GTask  *task,
                GError *error)
{
  Refresh *refresh = g_task_get_task_data (task);

  mw_feed_set_refreshing (refresh->feed, FALSE);
  if (error != NULL)
    {
      g_autofree char *message = _mw_feed_list_describe (error, mw_feed_get_url (refresh->feed));

      _mw_feed_list_event (g_task_get_source_object (task), refresh->feed, mw_feed_get_url (refresh->feed),
                           refresh->started, _("Failed: %s"), message);
      mw_feed_set_error_message (refresh->feed, message);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

/* FROM and INTO are one feed: INTO keeps what a person did in FROM (read and starred
 * articles, and the starred ones INTO no longer has). */
static void
copy_marks (MwFeed *from,
            MwFeed *into)
{
  GListModel *items = mw_feed_get_items (from);
  g_autoptr(GPtrArray) starred = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(MwFeedItem) item = g_list_model_get_item (items, i);
      MwFeedItem *same = mw_feed_find_item (into, mw_feed_item_get_id (item));

      if (same != NULL)
        {
          if (mw_feed_item_get_read (item))
            mw_feed_item_set_read (same, TRUE);
          if (mw_feed_item_get_starred (item))
            mw_feed_item_set_starred (same, TRUE);
        }
      else if (mw_feed_item_get_starred (item))
        {
          MwParsedItem *shared = mw_feed_item_dup_shared (item);
          MwFeedItem *copy = mw_feed_item_new_from_shared (shared, mw_feed_item_get_first_seen (item));

          mw_parsed_item_unref_shared (shared);
          mw_feed_item_set_read (copy, mw_feed_item_get_read (item));
          mw_feed_item_set_starred (copy, TRUE);
          g_ptr_array_add (starred, copy);
        }
    }
  if (starred->len > 0)
    mw_feed_restore (into, NULL, NULL, NULL, NULL, starred);
}

/* FROM moved onto INTO's address: INTO keeps FROM's marks, and FROM leaves the list. */
static void
merge_into (MwFeedList *self,
            MwFeed     *from,
            MwFeed     *into)
{
  MwFeed *taken;

  copy_marks (from, into);
  taken = mw_feed_list_take (self, from, NULL);
  g_clear_object (&taken);
}

static void
refresh_parsed_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Refresh *refresh = g_task_get_task_data (task);
  GError *error = NULL;
  MwFeedParse *parse = _mw_feed_list_parse_finish (result, &error);
  guint added;

  if (parse == NULL)
    {
      refresh_return (task, error);
      return;
    }

  /* One batch on the main thread: the whole document merged at once. */
  added = _mw_feed_list_apply_parse (refresh->feed, parse);
  _mw_feed_list_event (g_task_get_source_object (task), refresh->feed, mw_feed_get_url (refresh->feed),
                       refresh->started,
                       ngettext ("Merged: %u new article", "Merged: %u new articles", added), added);
  refresh_return (task, NULL);
}

static void
refresh_fetched_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  MwFeedList *self = MW_FEED_LIST (source_object);
  g_autoptr(GTask) task = user_data;
  Refresh *refresh = g_task_get_task_data (task);
  GError *error = NULL;
  MwFeedFetch *fetch = _mw_feed_list_fetch_finish (result, &error);

  if (fetch == NULL)
    {
      refresh_return (task, error);
      return;
    }

  if (fetch->permanent_url != NULL)
    {
      MwFeed *other = mw_feed_list_find (self, fetch->permanent_url);

      if (other == NULL)
        mw_feed_set_url (refresh->feed, fetch->permanent_url);
      else if (other != refresh->feed)
        {
          /* Moved for good onto another subscription's address: the same feed, twice. The
           * other one is refreshed on its own. */
          merge_into (self, refresh->feed, other);
          refresh_return (task, NULL);
          return;
        }
    }

  switch (fetch->status)
    {
    case SOUP_STATUS_NOT_MODIFIED:
      /* Nothing new, and nothing downloaded to find that out. */
      _mw_feed_list_fetch_event (self, fetch, _("304 Not Modified — nothing new, nothing to parse"));
      mw_feed_set_error_message (refresh->feed, NULL);
      refresh_return (task, NULL);
      return;

    case SOUP_STATUS_GONE:
      mw_feed_set_gone (refresh->feed, TRUE);
      refresh_return (task, g_error_new_literal (MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED,
                                                 _mw_feed_list_gone_message ()));
      return;

    case MW_HTTP_STATUS_TOO_MANY_REQUESTS:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      /* Stay away as long as asked, or a while. */
      mw_feed_set_retry_after (refresh->feed, g_get_monotonic_time () +
                               (fetch->retry_after_ms >= 0 ? MIN (fetch->retry_after_ms * 1000, MAX_BACKOFF_US)
                                                           : DEFAULT_BACKOFF_US));
      refresh_return (task, _mw_feed_list_status_error (fetch));
      return;

    default:
      break;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (fetch->status))
    {
      refresh_return (task, _mw_feed_list_status_error (fetch));
      return;
    }

  _mw_feed_list_parse_async (self, result, FALSE, refresh_parsed_cb, g_object_ref (task));
}

static void
refresh_start (GTask *task)
{
  MwFeedList *self = g_task_get_source_object (task);
  Refresh *refresh = g_task_get_task_data (task);

  _mw_feed_list_fetch_async (self, mw_feed_get_url (refresh->feed), refresh->feed, refresh->started,
                             mw_feed_get_etag (refresh->feed), mw_feed_get_last_modified (refresh->feed),
                             g_task_get_cancellable (task), refresh_fetched_cb, g_object_ref (task));
}

/* Asks the server for FEED again, conditionally (a 304 costs nothing), and merges what is
 * new. A feed that is gone, or whose server asked for a pause, is left alone. */
void
mw_feed_list_refresh_async (MwFeedList          *self,
                            MwFeed              *feed,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Refresh *refresh;

  g_return_if_fail (MW_IS_FEED_LIST (self));
  g_return_if_fail (MW_IS_FEED (feed));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_feed_list_refresh_async);
  refresh = g_new0 (Refresh, 1);
  refresh->feed = g_object_ref (feed);
  refresh->started = g_get_monotonic_time ();
  g_task_set_task_data (task, refresh, (GDestroyNotify) refresh_free);

  if (mw_feed_get_gone (feed) || mw_feed_get_refreshing (feed) ||
      mw_feed_get_retry_after (feed) > g_get_monotonic_time ())
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  mw_feed_set_refreshing (feed, TRUE);
  refresh_start (task);
}

gboolean
mw_feed_list_refresh_finish (MwFeedList    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
network_available (MwFeedList *self)
{
  return self->network == NULL || g_network_monitor_get_network_available (self->network);
}

static void schedule_refresh (MwFeedList *self);

/* Refreshes every feed if the schedule says so. Without a network nothing is asked: no
 * feed is marked as failed for the computer being offline, and the refresh is made when
 * the network is back. */
static void
refresh_if_due (MwFeedList *self)
{
  gint64 now = g_get_real_time ();

  if (self->refresh_interval_us == 0 || !self->loaded || now < self->next_refresh)
    return;
  if (!network_available (self))
    {
      self->refresh_waits_for_network = TRUE;
      return;
    }

  self->refresh_waits_for_network = FALSE;
  self->last_refresh = now;
  self->next_refresh = now + self->refresh_interval_us;
  for (guint i = 0; i < self->feeds->len; i++)
    mw_feed_list_refresh_async (self, g_ptr_array_index (self->feeds, i), NULL, NULL, NULL);
}

static gboolean
refresh_due_cb (gpointer user_data)
{
  MwFeedList *self = user_data;

  self->refresh_source = 0;
  refresh_if_due (self);
  schedule_refresh (self);
  return G_SOURCE_REMOVE;
}

/* One timer, for the due time or a minute, whichever comes first; none without a
 * schedule. */
static void
schedule_refresh (MwFeedList *self)
{
  gint64 wait_s;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->refresh_interval_us == 0)
    return;
  wait_s = (self->next_refresh - g_get_real_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  self->refresh_source = g_timeout_add_seconds ((guint) CLAMP (wait_s, 1, DUE_CHECK_INTERVAL_S),
                                                refresh_due_cb, self);
  g_source_set_name_by_id (self->refresh_source, "[meanwhile] feed refresh schedule");
}

/* Back from a suspend, or onto a network: what fell due meanwhile is done now. */
static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    MwFeedList      *self)
{
  if (available)
    refresh_if_due (self);
}

/**
 * mw_feed_list_set_refresh_schedule:
 * @first_delay_seconds: how soon the first refresh comes, if none came yet
 * @interval_seconds: how long between two refreshes; 0 for none
 *
 * All feeds are refreshed on this schedule, counted on the wall clock.
 */
void
mw_feed_list_set_refresh_schedule (MwFeedList *self,
                                   guint       first_delay_seconds,
                                   guint       interval_seconds)
{
  g_return_if_fail (MW_IS_FEED_LIST (self));

  self->refresh_interval_us = (gint64) interval_seconds * G_USEC_PER_SEC;
  self->first_refresh_delay_us = (gint64) first_delay_seconds * G_USEC_PER_SEC;
  if (self->last_refresh == 0)
    self->next_refresh = g_get_real_time () + self->first_refresh_delay_us;
  else
    self->next_refresh = self->last_refresh + self->refresh_interval_us;
  schedule_refresh (self);
}

/* Every MINUTES (0: never), all feeds are refreshed; the first time shortly after this
 * is first called, at launch. */
void
mw_feed_list_set_refresh_interval (MwFeedList *self,
                                   guint       minutes)
{
  mw_feed_list_set_refresh_schedule (self, FIRST_REFRESH_DELAY_S, minutes * 60);
}

/* Returns: the minutes between two scheduled refreshes of all feeds; 0 for none */
guint
mw_feed_list_get_refresh_interval (MwFeedList *self)
{
  g_return_val_if_fail (MW_IS_FEED_LIST (self), 0);
  return (guint) (self->refresh_interval_us / (60 * G_USEC_PER_SEC));
}

/* The monitor that says whether there is a network; by default the system's. */
void
mw_feed_list_set_network_monitor (MwFeedList      *self,
                                  GNetworkMonitor *monitor)
{
  g_return_if_fail (MW_IS_FEED_LIST (self));
  g_return_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor));

  if (self->network != NULL)
    g_clear_signal_handler (&self->network_handler, self->network);
  g_set_object (&self->network, monitor);
  if (monitor != NULL)
    self->network_handler = g_signal_connect (monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
}

gboolean
mw_feed_list_get_blocking_mode (MwFeedList *self)
{
  g_return_val_if_fail (MW_IS_FEED_LIST (self), FALSE);
  return self->blocking_mode;
}

void
mw_feed_list_set_blocking_mode (MwFeedList *self,
                                gboolean    blocking_mode)
{
  g_return_if_fail (MW_IS_FEED_LIST (self));

  blocking_mode = !!blocking_mode;
  if (self->blocking_mode == blocking_mode)
    return;
  self->blocking_mode = blocking_mode;
  if (!blocking_mode)
    _mw_feed_list_release_turns (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[MW_FEED_LIST_PROP_BLOCKING_MODE]);
}

/* --- GObject ------------------------------------------------------------------------ */

static void
mw_feed_list_dispose (GObject *object)
{
  MwFeedList *self = MW_FEED_LIST (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  mw_feed_list_set_network_monitor (self, NULL);
  if (self->saver != NULL)
    mw_state_saver_set_enabled (self->saver, FALSE);
  g_clear_object (&self->saver);
  if (self->feeds != NULL)
    {
      for (guint i = 0; i < self->feeds->len; i++)
        {
          MwFeed *feed = g_ptr_array_index (self->feeds, i);
          g_signal_handlers_disconnect_by_data (feed, self);
          g_signal_handlers_disconnect_by_data (mw_feed_get_items (feed), self);
        }
      g_clear_pointer (&self->feeds, g_ptr_array_unref);
    }
  g_clear_handle_id (&self->turn_source, g_source_remove);
  if (self->turn_waiting != NULL)
    g_queue_free_full (g_steal_pointer (&self->turn_waiting), g_object_unref);
  if (self->host_waiting != NULL)
    g_queue_free_full (g_steal_pointer (&self->host_waiting), g_object_unref);
  g_clear_pointer (&self->host_active, g_hash_table_unref);
  g_clear_pointer (&self->subscribing, g_hash_table_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->blocking_session);
  g_clear_object (&self->state_file);

  G_OBJECT_CLASS (mw_feed_list_parent_class)->dispose (object);
}

static void
mw_feed_list_finalize (GObject *object)
{
  g_free (MW_FEED_LIST (object)->load_error);
  G_OBJECT_CLASS (mw_feed_list_parent_class)->finalize (object);
}

static void
mw_feed_list_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MwFeedList *self = MW_FEED_LIST (object);

  switch (prop_id)
    {
    case MW_FEED_LIST_PROP_BLOCKING_MODE:
      g_value_set_boolean (value, self->blocking_mode);
      break;
    case MW_FEED_LIST_PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case MW_FEED_LIST_PROP_LOAD_ERROR:
      g_value_set_string (value, self->load_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_feed_list_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case MW_FEED_LIST_PROP_BLOCKING_MODE:
      mw_feed_list_set_blocking_mode (MW_FEED_LIST (object), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_feed_list_class_init (MwFeedListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = mw_feed_list_dispose;
  object_class->finalize = mw_feed_list_finalize;
  object_class->get_property = mw_feed_list_get_property;
  object_class->set_property = mw_feed_list_set_property;

  properties[MW_FEED_LIST_PROP_BLOCKING_MODE] =
    g_param_spec_boolean ("blocking-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[MW_FEED_LIST_PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[MW_FEED_LIST_PROP_LOAD_ERROR] =
    g_param_spec_string ("load-error", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, MW_FEED_LIST_N_PROPS, properties);

  /**
   * MwFeedList::event:
   * @feed: (nullable): the feed, or %NULL for a subscription that has none yet
   * @address: the address asked for
   * @time: the wall-clock time it happened, in microseconds since the epoch
   * @elapsed: microseconds since the refresh or subscription began, on the monotonic clock
   * @text: what the list just did, as a sentence for the event log
   *
   * Emitted on the main thread as it happens: in freezing mode during the block.
   */
  signals[EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 5, MW_TYPE_FEED, G_TYPE_STRING,
                                 G_TYPE_INT64, G_TYPE_INT64, G_TYPE_STRING);
}

static void
mw_feed_list_init (MwFeedList *self)
{
  self->feeds = g_ptr_array_new_with_free_func (g_object_unref);
  self->host_active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->host_waiting = g_queue_new ();
  self->turn_waiting = g_queue_new ();
  self->subscribing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->session = _mw_feed_list_new_session ();
  mw_feed_list_set_network_monitor (self, g_network_monitor_get_default ());
}

/**
 * mw_feed_list_new:
 * @state_file: (nullable): where the subscriptions are saved, or %NULL to keep them in memory
 */
MwFeedList *
mw_feed_list_new (GFile *state_file)
{
  MwFeedList *self = g_object_new (MW_TYPE_FEED_LIST, NULL);

  if (state_file != NULL)
    _mw_feed_list_state_init (self, state_file);
  return self;
}

