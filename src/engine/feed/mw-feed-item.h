/* mw-feed-item.h: one article of a feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "mw-feed-parser.h"

G_BEGIN_DECLS

#define MW_TYPE_FEED_ITEM (mw_feed_item_get_type ())
G_DECLARE_FINAL_TYPE (MwFeedItem, mw_feed_item, MW, FEED_ITEM, GObject)

MwParsedItem *mw_parsed_item_new_shared   (const MwParsedItem *item);
MwParsedItem *mw_parsed_item_ref_shared   (MwParsedItem       *item);
void          mw_parsed_item_unref_shared (MwParsedItem       *item);
void          mw_parsed_item_fill_search_text (MwParsedItem *item);
char         *mw_feed_fold_for_search     (const char         *text);

MwFeedItem  *mw_feed_item_new_from_parsed (const MwParsedItem *parsed,
                                           gint64              first_seen);
MwFeedItem  *mw_feed_item_new_from_shared (MwParsedItem       *shared,
                                           gint64              first_seen);
MwParsedItem *mw_feed_item_dup_shared     (MwFeedItem         *self);
gboolean     mw_feed_item_update          (MwFeedItem         *self,
                                           const MwParsedItem *parsed);

const char  *mw_feed_item_get_id          (MwFeedItem *self);
const char  *mw_feed_item_get_title       (MwFeedItem *self);
const char  *mw_feed_item_get_link        (MwFeedItem *self);
const char  *mw_feed_item_get_author      (MwFeedItem *self);
gint64       mw_feed_item_get_published   (MwFeedItem *self);
gint64       mw_feed_item_get_updated     (MwFeedItem *self);
gint64       mw_feed_item_get_first_seen  (MwFeedItem *self);
gint64       mw_feed_item_get_date        (MwFeedItem *self);
const char  *mw_feed_item_get_summary     (MwFeedItem *self);
const char  *mw_feed_item_get_content     (MwFeedItem *self);
GPtrArray   *mw_feed_item_get_enclosures  (MwFeedItem *self);
const char  *mw_feed_item_get_search_text (MwFeedItem *self);
gboolean     mw_feed_item_get_read        (MwFeedItem *self);
void         mw_feed_item_set_read        (MwFeedItem *self,
                                           gboolean    read);
gboolean     mw_feed_item_get_starred     (MwFeedItem *self);
void         mw_feed_item_set_starred     (MwFeedItem *self,
                                           gboolean    starred);
GObject     *mw_feed_item_dup_feed        (MwFeedItem *self);
void         _mw_feed_item_set_feed       (MwFeedItem *self,
                                           GObject    *feed);
MwParsedItem *mw_feed_item_to_parsed      (MwFeedItem *self);

G_END_DECLS
