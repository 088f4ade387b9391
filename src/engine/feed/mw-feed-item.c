/* mw-feed-item.c: one article of a feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-feed-item"

#include "config.h"

#include "mw-feed-item.h"

struct _MwFeedItem
{
  GObject       parent_instance;

  MwParsedItem *data;        /* shared: replaced, never changed */
  char         *search_text; /* when DATA came without one: folded here, once */
  gint64        first_seen;
  gboolean      read;
  gboolean      starred;
  GWeakRef      feed;
};

G_DEFINE_FINAL_TYPE (MwFeedItem, mw_feed_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_LINK,
  PROP_AUTHOR,
  PROP_DATE,
  PROP_READ,
  PROP_STARRED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* --- Shared articles --------------------------------------------------------------- *
 *
 * What an article says is kept in one reference-counted MwParsedItem that nothing
 * changes once it is shared: an update puts a new one in its place. Saving takes a
 * reference to each on the main thread, where copying fifty thousand articles' text took
 * tens of milliseconds, and reads them in its worker thread while the feeds move on. */

static GPtrArray *
copy_enclosures (GPtrArray *enclosures)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_enclosure_free);

  for (guint i = 0; enclosures != NULL && i < enclosures->len; i++)
    {
      const MwEnclosure *e = g_ptr_array_index (enclosures, i);
      MwEnclosure *c = g_new0 (MwEnclosure, 1);

      c->url = g_strdup (e->url);
      c->type = g_strdup (e->type);
      c->length = e->length;
      g_ptr_array_add (copy, c);
    }
  return copy;
}

static gboolean
enclosures_equal (GPtrArray *a,
                  GPtrArray *b)
{
  guint len_a = a != NULL ? a->len : 0;
  guint len_b = b != NULL ? b->len : 0;

  if (len_a != len_b)
    return FALSE;
  for (guint i = 0; i < len_a; i++)
    {
      const MwEnclosure *x = g_ptr_array_index (a, i);
      const MwEnclosure *y = g_ptr_array_index (b, i);

      if (g_strcmp0 (x->url, y->url) != 0 || g_strcmp0 (x->type, y->type) != 0 || x->length != y->length)
        return FALSE;
    }
  return TRUE;
}

/* --- Searching ---------------------------------------------------------------------- *
 *
 * A search compares folded text: composed (NFKC, so that "é" typed and "e" + combining
 * accent published are one letter) and case-folded ("ÉTÉ" finds "été"). Each article's
 * text is folded once, in the worker thread that parses it, and kept: folding every
 * article's whole content on every keystroke held the main loop. */

/* Returns: (transfer full) (nullable): TEXT as a search compares it */
char *
mw_feed_fold_for_search (const char *text)
{
  g_autofree char *composed = NULL;

  if (text == NULL)
    return NULL;
  composed = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);
  return g_utf8_casefold (composed != NULL ? composed : text, -1);
}

static char *
fold_item (const MwParsedItem *item)
{
  const char *parts[] = { item->title, item->summary, item->content };
  g_autoptr(GString) text = g_string_new (NULL);

  /* One line apart: a search never spans two of them. */
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i] != NULL)
      g_string_append_printf (text, "%s\n", parts[i]);
  return mw_feed_fold_for_search (text->str);
}

/* Folds ITEM's text for searching; call it before ITEM is shared, in a worker thread. */
void
mw_parsed_item_fill_search_text (MwParsedItem *item)
{
  g_free (item->search_text);
  item->search_text = fold_item (item);
}

/**
 * mw_parsed_item_new_shared:
 * @item: (nullable): what to copy
 *
 * Returns: (transfer full): a shared copy of @item, or an empty one to fill in, which
 *   must not change once anything else holds a reference to it
 */
MwParsedItem *
mw_parsed_item_new_shared (const MwParsedItem *item)
{
  MwParsedItem *shared = g_atomic_rc_box_new0 (MwParsedItem);

  if (item != NULL)
    {
      shared->id = g_strdup (item->id);
      shared->title = g_strdup (item->title);
      shared->link = g_strdup (item->link);
      shared->author = g_strdup (item->author);
      shared->published = item->published;
      shared->updated = item->updated;
      shared->summary = g_strdup (item->summary);
      shared->content = g_strdup (item->content);
      shared->search_text = g_strdup (item->search_text);
    }
  shared->enclosures = copy_enclosures (item != NULL ? item->enclosures : NULL);
  return shared;
}

MwParsedItem *
mw_parsed_item_ref_shared (MwParsedItem *item)
{
  return g_atomic_rc_box_acquire (item);
}

void
mw_parsed_item_unref_shared (MwParsedItem *item)
{
  if (item != NULL)
    g_atomic_rc_box_release_full (item, (GDestroyNotify) mw_parsed_item_clear);
}

MwFeedItem *
mw_feed_item_new_from_parsed (const MwParsedItem *parsed,
                              gint64              first_seen)
{
  MwFeedItem *self = g_object_new (MW_TYPE_FEED_ITEM, NULL);

  mw_parsed_item_unref_shared (self->data);
  self->data = mw_parsed_item_new_shared (parsed);
  self->first_seen = first_seen;
  return self;
}

/* SHARED: (transfer none): kept with a reference of the item's own */
MwFeedItem *
mw_feed_item_new_from_shared (MwParsedItem *shared,
                              gint64        first_seen)
{
  MwFeedItem *self = g_object_new (MW_TYPE_FEED_ITEM, NULL);

  mw_parsed_item_unref_shared (self->data);
  self->data = mw_parsed_item_ref_shared (shared);
  self->first_seen = first_seen;
  return self;
}

/* Returns: (transfer full): what the article says, for a thread to read */
MwParsedItem *
mw_feed_item_dup_shared (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return mw_parsed_item_ref_shared (self->data);
}

/* A republished article keeps its identity, its read and starred marks, and its place;
 * only what it says changes.
 * Returns: whether it said something new */
gboolean
mw_feed_item_update (MwFeedItem         *self,
                     const MwParsedItem *parsed)
{
  MwParsedItem *old;
  MwParsedItem *data;

  g_return_val_if_fail (MW_IS_FEED_ITEM (self), FALSE);

  old = self->data;
  if (g_strcmp0 (old->title, parsed->title) == 0 && g_strcmp0 (old->link, parsed->link) == 0 &&
      g_strcmp0 (old->author, parsed->author) == 0 && g_strcmp0 (old->summary, parsed->summary) == 0 &&
      g_strcmp0 (old->content, parsed->content) == 0 && old->published == parsed->published &&
      old->updated == parsed->updated && enclosures_equal (old->enclosures, parsed->enclosures))
    return FALSE;

  data = mw_parsed_item_new_shared (parsed);
  g_free (data->id);
  data->id = g_strdup (old->id);
  self->data = data;
  g_clear_pointer (&self->search_text, g_free);

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (old->title, data->title) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  if (g_strcmp0 (old->link, data->link) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK]);
  if (g_strcmp0 (old->author, data->author) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHOR]);
  if (old->published != data->published || old->updated != data->updated)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
  mw_parsed_item_unref_shared (old);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/* The inverse, for tests comparing two parses: a plain copy. */
MwParsedItem *
mw_feed_item_to_parsed (MwFeedItem *self)
{
  MwParsedItem *parsed = g_new0 (MwParsedItem, 1);
  const MwParsedItem *data = self->data;

  parsed->id = g_strdup (data->id);
  parsed->title = g_strdup (data->title);
  parsed->link = g_strdup (data->link);
  parsed->author = g_strdup (data->author);
  parsed->published = data->published;
  parsed->updated = data->updated;
  parsed->summary = g_strdup (data->summary);
  parsed->content = g_strdup (data->content);
  parsed->enclosures = copy_enclosures (data->enclosures);
  return parsed;
}

const char *
mw_feed_item_get_id (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->data->id;
}

const char *
mw_feed_item_get_title (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->data->title;
}

const char *
mw_feed_item_get_link (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->data->link;
}

const char *
mw_feed_item_get_author (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->data->author;
}

gint64
mw_feed_item_get_published (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), 0);
  return self->data->published;
}

gint64
mw_feed_item_get_updated (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), 0);
  return self->data->updated;
}

gint64
mw_feed_item_get_first_seen (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), 0);
  return self->first_seen;
}

const char *
mw_feed_item_get_summary (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->data->summary;
}

const char *
mw_feed_item_get_content (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->data->content;
}

GPtrArray *
mw_feed_item_get_enclosures (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->data->enclosures;
}

/* Returns: the article's title, summary and content folded for searching, which
 *   mw_feed_fold_for_search() makes of what is searched for */
const char *
mw_feed_item_get_search_text (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);

  if (self->data->search_text != NULL)
    return self->data->search_text;
  /* Made on the main thread (a test, the demo): folded the first time it is searched. */
  if (self->search_text == NULL)
    self->search_text = fold_item (self->data);
  return self->search_text;
}

gboolean
mw_feed_item_get_read (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), 0);
  return self->read;
}

gboolean
mw_feed_item_get_starred (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), 0);
  return self->starred;
}


/* Returns: the date to sort and show by: published, else updated, else when first seen */
gint64
mw_feed_item_get_date (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), 0);

  if (self->data->published > 0)
    return self->data->published;
  if (self->data->updated > 0)
    return self->data->updated;
  return self->first_seen;
}

void
mw_feed_item_set_read (MwFeedItem *self,
                       gboolean    read)
{
  g_return_if_fail (MW_IS_FEED_ITEM (self));

  read = !!read;
  if (self->read == read)
    return;
  self->read = read;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ]);
}

void
mw_feed_item_set_starred (MwFeedItem *self,
                          gboolean    starred)
{
  g_return_if_fail (MW_IS_FEED_ITEM (self));

  starred = !!starred;
  if (self->starred == starred)
    return;
  self->starred = starred;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARRED]);
}

/* Returns: (transfer full) (nullable): the MwFeed the item belongs to */
GObject *
mw_feed_item_dup_feed (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return g_weak_ref_get (&self->feed);
}

void
_mw_feed_item_set_feed (MwFeedItem *self,
                        GObject    *feed)
{
  g_weak_ref_set (&self->feed, feed);
}

static void
mw_feed_item_finalize (GObject *object)
{
  MwFeedItem *self = MW_FEED_ITEM (object);

  g_clear_pointer (&self->data, mw_parsed_item_unref_shared);
  g_free (self->search_text);
  g_weak_ref_clear (&self->feed);

  G_OBJECT_CLASS (mw_feed_item_parent_class)->finalize (object);
}

static void
mw_feed_item_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MwFeedItem *self = MW_FEED_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->data->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->data->title);
      break;
    case PROP_LINK:
      g_value_set_string (value, self->data->link);
      break;
    case PROP_AUTHOR:
      g_value_set_string (value, self->data->author);
      break;
    case PROP_DATE:
      g_value_set_int64 (value, mw_feed_item_get_date (self));
      break;
    case PROP_READ:
      g_value_set_boolean (value, self->read);
      break;
    case PROP_STARRED:
      g_value_set_boolean (value, self->starred);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_feed_item_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  MwFeedItem *self = MW_FEED_ITEM (object);

  switch (prop_id)
    {
    case PROP_READ:
      mw_feed_item_set_read (self, g_value_get_boolean (value));
      break;
    case PROP_STARRED:
      mw_feed_item_set_starred (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_feed_item_class_init (MwFeedItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = mw_feed_item_finalize;
  object_class->get_property = mw_feed_item_get_property;
  object_class->set_property = mw_feed_item_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_LINK] = g_param_spec_string ("link", NULL, NULL, NULL, ro);
  properties[PROP_AUTHOR] = g_param_spec_string ("author", NULL, NULL, NULL, ro);
  properties[PROP_DATE] = g_param_spec_int64 ("date", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_READ] = g_param_spec_boolean ("read", NULL, NULL, FALSE, rw);
  properties[PROP_STARRED] = g_param_spec_boolean ("starred", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mw_feed_item_init (MwFeedItem *self)
{
  g_weak_ref_init (&self->feed, NULL);
  self->data = mw_parsed_item_new_shared (NULL);
}
