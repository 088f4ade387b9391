/* mw-feed-item.c: one article of a feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-feed-item"

#include "config.h"

#include "mw-string-private.h"
#include "mw-feed-item.h"

struct _MwFeedItem
{
  GObject    parent_instance;

  char      *id;
  char      *title;
  char      *link;
  char      *author;
  gint64     published;
  gint64     updated;
  gint64     first_seen;
  char      *summary;
  char      *content;
  GPtrArray *enclosures;
  gboolean   read;
  gboolean   starred;
  GWeakRef   feed;
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

MwFeedItem *
mw_feed_item_new_from_parsed (const MwParsedItem *parsed,
                              gint64              first_seen)
{
  MwFeedItem *self = g_object_new (MW_TYPE_FEED_ITEM, NULL);

  self->id = g_strdup (parsed->id);
  self->first_seen = first_seen;
  mw_feed_item_update (self, parsed);
  return self;
}

/* A republished article keeps its identity, its read and starred marks, and its place;
 * only what it says changes. */
void
mw_feed_item_update (MwFeedItem         *self,
                     const MwParsedItem *parsed)
{
  g_return_if_fail (MW_IS_FEED_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (_mw_set_string (&self->title, parsed->title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  if (_mw_set_string (&self->link, parsed->link))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK]);
  if (_mw_set_string (&self->author, parsed->author))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHOR]);
  _mw_set_string (&self->summary, parsed->summary);
  _mw_set_string (&self->content, parsed->content);
  if (self->published != parsed->published || self->updated != parsed->updated)
    {
      self->published = parsed->published;
      self->updated = parsed->updated;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
    }
  g_clear_pointer (&self->enclosures, g_ptr_array_unref);
  self->enclosures = copy_enclosures (parsed->enclosures);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The inverse, for saving and for tests comparing two parses. */
MwParsedItem *
mw_feed_item_to_parsed (MwFeedItem *self)
{
  MwParsedItem *parsed = g_new0 (MwParsedItem, 1);

  parsed->id = g_strdup (self->id);
  parsed->title = g_strdup (self->title);
  parsed->link = g_strdup (self->link);
  parsed->author = g_strdup (self->author);
  parsed->published = self->published;
  parsed->updated = self->updated;
  parsed->summary = g_strdup (self->summary);
  parsed->content = g_strdup (self->content);
  parsed->enclosures = copy_enclosures (self->enclosures);
  return parsed;
}

const char *
mw_feed_item_get_id (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->id;
}

const char *
mw_feed_item_get_title (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->title;
}

const char *
mw_feed_item_get_link (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->link;
}

const char *
mw_feed_item_get_author (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->author;
}

gint64
mw_feed_item_get_published (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), 0);
  return self->published;
}

gint64
mw_feed_item_get_updated (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), 0);
  return self->updated;
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
  return self->summary;
}

const char *
mw_feed_item_get_content (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->content;
}

GPtrArray *
mw_feed_item_get_enclosures (MwFeedItem *self)
{
  g_return_val_if_fail (MW_IS_FEED_ITEM (self), NULL);
  return self->enclosures;
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

  if (self->published > 0)
    return self->published;
  if (self->updated > 0)
    return self->updated;
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

  g_free (self->id);
  g_free (self->title);
  g_free (self->link);
  g_free (self->author);
  g_free (self->summary);
  g_free (self->content);
  g_clear_pointer (&self->enclosures, g_ptr_array_unref);
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
      g_value_set_string (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_LINK:
      g_value_set_string (value, self->link);
      break;
    case PROP_AUTHOR:
      g_value_set_string (value, self->author);
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
  self->enclosures = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_enclosure_free);
}
