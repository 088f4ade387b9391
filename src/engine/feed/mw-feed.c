/* mw-feed.c: one subscription and its articles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-feed"

#include "config.h"

#include "mw-string-private.h"
#include "mw-feed.h"

struct _MwFeed
{
  GObject     parent_instance;

  char       *url;
  char       *title;
  char       *link;
  char       *description;
  char       *icon_url;
  char       *error_message;
  char       *etag;
  char       *last_modified;
  gboolean    gone;
  gboolean    refreshing;
  gint64      retry_after;
  guint       unread;
  GListStore *items;       /* MwFeedItem, newest first */
  GHashTable *by_id;       /* id → MwFeedItem (borrowed from items) */
  guint       batch;       /* inside a merge: "changed" waits for its end */
  gboolean    changed;     /* … and is then emitted once */
};

G_DEFINE_FINAL_TYPE (MwFeed, mw_feed, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URL,
  PROP_TITLE,
  PROP_DISPLAY_TITLE,
  PROP_LINK,
  PROP_ERROR_MESSAGE,
  PROP_GONE,
  PROP_REFRESHING,
  PROP_UNREAD_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Something the state file keeps has changed: a mark, a validator, a detail, the
 * articles. Every change a person or a server makes goes through here, so that the list
 * saves it; a merge of a whole document says so once, at its end. */
static void
emit_changed (MwFeed *self)
{
  if (self->batch > 0)
    {
      self->changed = TRUE;
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
begin_batch (MwFeed *self)
{
  self->batch++;
}

static void
end_batch (MwFeed *self)
{
  g_assert (self->batch > 0);
  if (--self->batch == 0 && self->changed)
    {
      self->changed = FALSE;
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

MwFeed *
mw_feed_new (const char *url)
{
  return g_object_new (MW_TYPE_FEED, "url", url, NULL);
}

const char *
mw_feed_get_url (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), NULL);
  return self->url;
}

/* A permanent redirect moves the subscription for good. */
void
mw_feed_set_url (MwFeed     *self,
                 const char *url)
{
  g_return_if_fail (MW_IS_FEED (self));

  if (_mw_set_string (&self->url, url))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
      if (self->title == NULL)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_TITLE]);
      emit_changed (self);
    }
}

const char *
mw_feed_get_title (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), NULL);
  return self->title;
}

/* Returns: the title, or before the feed said one, its host */
char *
mw_feed_dup_display_title (MwFeed *self)
{
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (MW_IS_FEED (self), NULL);

  if (self->title != NULL && *self->title != '\0')
    return g_strdup (self->title);
  uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_uri_get_host (uri) != NULL)
    return g_strdup (g_uri_get_host (uri));
  return g_strdup (self->url);
}

const char *
mw_feed_get_link (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), NULL);
  return self->link;
}

const char *
mw_feed_get_description (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), NULL);
  return self->description;
}

const char *
mw_feed_get_icon_url (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), NULL);
  return self->icon_url;
}

const char *
mw_feed_get_error_message (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), NULL);
  return self->error_message;
}

void
mw_feed_set_error_message (MwFeed     *self,
                           const char *message)
{
  g_return_if_fail (MW_IS_FEED (self));

  if (_mw_set_string (&self->error_message, message))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
      emit_changed (self);
    }
}

const char *
mw_feed_get_etag (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), NULL);
  return self->etag;
}

const char *
mw_feed_get_last_modified (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), NULL);
  return self->last_modified;
}

void
mw_feed_set_validators (MwFeed     *self,
                        const char *etag,
                        const char *last_modified)
{
  g_return_if_fail (MW_IS_FEED (self));

  /* Not "||": both are set. */
  if (_mw_set_string (&self->etag, etag) | _mw_set_string (&self->last_modified, last_modified))
    emit_changed (self);
}

gboolean
mw_feed_get_gone (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), FALSE);
  return self->gone;
}

/* 410 Gone: the feed will never come back, and is not asked for again. */
void
mw_feed_set_gone (MwFeed   *self,
                  gboolean  gone)
{
  g_return_if_fail (MW_IS_FEED (self));

  gone = !!gone;
  if (self->gone == gone)
    return;
  self->gone = gone;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GONE]);
  emit_changed (self);
}

gboolean
mw_feed_get_refreshing (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), FALSE);
  return self->refreshing;
}

void
mw_feed_set_refreshing (MwFeed   *self,
                        gboolean  refreshing)
{
  g_return_if_fail (MW_IS_FEED (self));

  refreshing = !!refreshing;
  if (self->refreshing == refreshing)
    return;
  self->refreshing = refreshing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
}

/* Returns: the monotonic time before which the server asked not to be asked again */
gint64
mw_feed_get_retry_after (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), 0);
  return self->retry_after;
}

void
mw_feed_set_retry_after (MwFeed *self,
                         gint64  when)
{
  g_return_if_fail (MW_IS_FEED (self));
  self->retry_after = when;
}

guint
mw_feed_get_unread_count (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), 0);
  return self->unread;
}

/* Returns: (transfer none): the articles, newest first */
GListModel *
mw_feed_get_items (MwFeed *self)
{
  g_return_val_if_fail (MW_IS_FEED (self), NULL);
  return G_LIST_MODEL (self->items);
}

MwFeedItem *
mw_feed_find_item (MwFeed     *self,
                   const char *id)
{
  g_return_val_if_fail (MW_IS_FEED (self), NULL);
  return g_hash_table_lookup (self->by_id, id);
}

static void
set_unread (MwFeed *self,
            guint   unread)
{
  if (self->unread == unread)
    return;
  self->unread = unread;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD_COUNT]);
}

static void
item_read_cb (MwFeedItem *item,
              GParamSpec *pspec,
              MwFeed     *self)
{
  if (mw_feed_item_get_read (item))
    set_unread (self, self->unread > 0 ? self->unread - 1 : 0);
  else
    set_unread (self, self->unread + 1);
  emit_changed (self);
}

static void
item_starred_cb (MwFeedItem *item,
                 GParamSpec *pspec,
                 MwFeed     *self)
{
  emit_changed (self);
}

/* The feed follows the marks of each article it holds. */
static void
adopt_item (MwFeed     *self,
            MwFeedItem *item)
{
  _mw_feed_item_set_feed (item, G_OBJECT (self));
  g_signal_connect_object (item, "notify::read", G_CALLBACK (item_read_cb), self, 0);
  g_signal_connect_object (item, "notify::starred", G_CALLBACK (item_starred_cb), self, 0);
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  MwFeedItem *x = *(MwFeedItem **) a;
  MwFeedItem *y = *(MwFeedItem **) b;
  gint64 dx = mw_feed_item_get_date (x);
  gint64 dy = mw_feed_item_get_date (y);

  return (dx < dy) - (dx > dy);
}

static gboolean
same_items (MwFeed    *self,
            GPtrArray *items)
{
  GListModel *model = G_LIST_MODEL (self->items);

  if (g_list_model_get_n_items (model) != items->len)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(MwFeedItem) item = g_list_model_get_item (model, i);

      if (item != g_ptr_array_index (items, i))
        return FALSE;
    }
  return TRUE;
}

/* Puts ITEMS (a GPtrArray of owned MwFeedItem) in the store in one change, newest first,
 * keeping at most MW_FEED_MAX_ITEMS of the unstarred ones. */
static void
replace_items (MwFeed    *self,
               GPtrArray *items)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  guint unstarred = 0;
  guint unread = 0;

  g_ptr_array_sort (items, newest_first);
  for (guint i = 0; i < items->len; i++)
    {
      MwFeedItem *item = g_ptr_array_index (items, i);

      if (!mw_feed_item_get_starred (item) && unstarred++ >= MW_FEED_MAX_ITEMS)
        {
          g_hash_table_remove (self->by_id, mw_feed_item_get_id (item));
          continue;
        }
      g_ptr_array_add (kept, item);
      if (!mw_feed_item_get_read (item))
        unread++;
    }

  for (guint i = 0; i < kept->len; i++)
    {
      MwFeedItem *item = g_ptr_array_index (kept, i);

      if (g_hash_table_lookup (self->by_id, mw_feed_item_get_id (item)) != item)
        {
          g_hash_table_insert (self->by_id, g_strdup (mw_feed_item_get_id (item)), item);
          adopt_item (self, item);
        }
    }

  /* A refresh that brought nothing new changes nothing: no list redraws its rows and
   * nothing is saved again for it. */
  if (!same_items (self, kept))
    {
      g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                           kept->pdata, kept->len);
      emit_changed (self);
    }
  set_unread (self, unread);
}

static void
set_details (MwFeed     *self,
             const char *title,
             const char *link,
             const char *description,
             const char *icon_url)
{
  if (title != NULL && _mw_set_string (&self->title, title))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_TITLE]);
      emit_changed (self);
    }
  if (link != NULL && _mw_set_string (&self->link, link))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK]);
      emit_changed (self);
    }
  if (description != NULL && _mw_set_string (&self->description, description))
    emit_changed (self);
  if (icon_url != NULL && _mw_set_string (&self->icon_url, icon_url))
    emit_changed (self);
}

/* Merges a fresh parse into the feed, all at once: known articles are updated in place
 * and keep their read and starred marks (an article republished under the same id is
 * not new again); new ones arrive unread.
 * Returns: how many articles were new */
guint
mw_feed_apply (MwFeed       *self,
               MwParsedFeed *parsed,
               gint64        now)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint added = 0;

  g_return_val_if_fail (MW_IS_FEED (self), 0);

  begin_batch (self);
  set_details (self, parsed->title, parsed->link, parsed->description, parsed->icon_url);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (self->items), i));

  for (guint i = 0; i < parsed->items->len; i++)
    {
      const MwParsedItem *p = g_ptr_array_index (parsed->items, i);
      MwFeedItem *known = g_hash_table_lookup (self->by_id, p->id);

      if (known != NULL)
        {
          if (mw_feed_item_update (known, p))
            emit_changed (self);
        }
      else
        {
          MwFeedItem *item = mw_feed_item_new_from_parsed (p, now);

          /* Two entries with one id in a single document: the first one counts. */
          g_hash_table_insert (self->by_id, g_strdup (p->id), item);
          adopt_item (self, item);
          g_ptr_array_add (items, item);
          added++;
        }
    }

  replace_items (self, items);
  end_batch (self);
  return added;
}

/* Puts back what the state file held: ITEMS are MwFeedItem, marks and all. */
void
mw_feed_restore (MwFeed     *self,
                 const char *title,
                 const char *link,
                 const char *description,
                 const char *icon_url,
                 GPtrArray  *items)
{
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (MW_IS_FEED (self));

  begin_batch (self);
  set_details (self, title, link, description, icon_url);
  for (guint i = 0; i < items->len; i++)
    {
      MwFeedItem *item = g_ptr_array_index (items, i);

      if (g_hash_table_contains (self->by_id, mw_feed_item_get_id (item)))
        continue;
      g_ptr_array_add (owned, g_object_ref (item));
    }
  replace_items (self, owned);
  end_batch (self);
}

void
mw_feed_mark_all_read (MwFeed *self)
{
  g_return_if_fail (MW_IS_FEED (self));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
    {
      g_autoptr(MwFeedItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      mw_feed_item_set_read (item, TRUE);
    }
}

static void
mw_feed_dispose (GObject *object)
{
  MwFeed *self = MW_FEED (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (mw_feed_parent_class)->dispose (object);
}

static void
mw_feed_finalize (GObject *object)
{
  MwFeed *self = MW_FEED (object);

  g_free (self->url);
  g_free (self->title);
  g_free (self->link);
  g_free (self->description);
  g_free (self->icon_url);
  g_free (self->error_message);
  g_free (self->etag);
  g_free (self->last_modified);

  G_OBJECT_CLASS (mw_feed_parent_class)->finalize (object);
}

static void
mw_feed_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  MwFeed *self = MW_FEED (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_DISPLAY_TITLE:
      g_value_take_string (value, mw_feed_dup_display_title (self));
      break;
    case PROP_LINK:
      g_value_set_string (value, self->link);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_GONE:
      g_value_set_boolean (value, self->gone);
      break;
    case PROP_REFRESHING:
      g_value_set_boolean (value, self->refreshing);
      break;
    case PROP_UNREAD_COUNT:
      g_value_set_uint (value, self->unread);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_feed_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  MwFeed *self = MW_FEED (object);

  switch (prop_id)
    {
    case PROP_URL:
      mw_feed_set_url (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_feed_class_init (MwFeedClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = mw_feed_dispose;
  object_class->finalize = mw_feed_finalize;
  object_class->get_property = mw_feed_get_property;
  object_class->set_property = mw_feed_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_DISPLAY_TITLE] = g_param_spec_string ("display-title", NULL, NULL, NULL, ro);
  properties[PROP_LINK] = g_param_spec_string ("link", NULL, NULL, NULL, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_GONE] = g_param_spec_boolean ("gone", NULL, NULL, FALSE, ro);
  properties[PROP_REFRESHING] = g_param_spec_boolean ("refreshing", NULL, NULL, FALSE, ro);
  properties[PROP_UNREAD_COUNT] = g_param_spec_uint ("unread-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MwFeed::changed:
   *
   * Something the state file keeps has changed: the feed's address, details, validators,
   * error or articles, or an article's read or starred mark.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mw_feed_init (MwFeed *self)
{
  self->items = g_list_store_new (MW_TYPE_FEED_ITEM);
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
