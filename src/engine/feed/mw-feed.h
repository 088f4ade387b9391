/* mw-feed.h: one subscription and its articles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mw-feed-item.h"
#include "mw-feed-parser.h"

G_BEGIN_DECLS

/* Articles kept per feed; starred ones are kept beyond it. */
#define MW_FEED_MAX_ITEMS 500

#define MW_TYPE_FEED (mw_feed_get_type ())
G_DECLARE_FINAL_TYPE (MwFeed, mw_feed, MW, FEED, GObject)

MwFeed      *mw_feed_new                (const char   *url);

const char  *mw_feed_get_url            (MwFeed       *self);
void         mw_feed_set_url            (MwFeed       *self,
                                         const char   *url);
const char  *mw_feed_get_title          (MwFeed       *self);
char        *mw_feed_dup_display_title  (MwFeed       *self);
const char  *mw_feed_get_link           (MwFeed       *self);
const char  *mw_feed_get_description    (MwFeed       *self);
const char  *mw_feed_get_icon_url       (MwFeed       *self);
const char  *mw_feed_get_error_message  (MwFeed       *self);
void         mw_feed_set_error_message  (MwFeed       *self,
                                         const char   *message);
const char  *mw_feed_get_etag           (MwFeed       *self);
const char  *mw_feed_get_last_modified  (MwFeed       *self);
void         mw_feed_set_validators     (MwFeed       *self,
                                         const char   *etag,
                                         const char   *last_modified);
gboolean     mw_feed_get_gone           (MwFeed       *self);
void         mw_feed_set_gone           (MwFeed       *self,
                                         gboolean      gone);
gboolean     mw_feed_get_refreshing     (MwFeed       *self);
void         mw_feed_set_refreshing     (MwFeed       *self,
                                         gboolean      refreshing);
gint64       mw_feed_get_retry_after    (MwFeed       *self);
void         mw_feed_set_retry_after    (MwFeed       *self,
                                         gint64        when);
guint        mw_feed_get_unread_count   (MwFeed       *self);
GListModel  *mw_feed_get_items          (MwFeed       *self);
MwFeedItem  *mw_feed_find_item          (MwFeed       *self,
                                         const char   *id);
guint        mw_feed_apply              (MwFeed       *self,
                                         MwParsedFeed *parsed,
                                         gint64        now);
void         mw_feed_restore            (MwFeed       *self,
                                         const char   *title,
                                         const char   *link,
                                         const char   *description,
                                         const char   *icon_url,
                                         GPtrArray    *items);
void         mw_feed_mark_all_read      (MwFeed       *self);

G_END_DECLS
