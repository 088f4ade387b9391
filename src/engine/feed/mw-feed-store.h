/* mw-feed-store.h: the feeds.json format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mw-feed.h"

G_BEGIN_DECLS

#define MW_FEED_STORE_VERSION 1

typedef struct
{
  MwParsedItem *item;          /* shared: see mw_parsed_item_new_shared() */
  gboolean      read;
  gboolean      starred;
  gint64        first_seen;
} MwItemRecord;

/* A copy of a feed and its articles, for the worker threads: the articles themselves
 * are shared, never changed (mw_parsed_item_new_shared()). */
typedef struct
{
  char      *url;
  char      *title;
  char      *link;
  char      *description;
  char      *icon_url;
  char      *etag;
  char      *last_modified;
  char      *error;
  gboolean   gone;
  GPtrArray *items;            /* MwItemRecord* */
} MwFeedRecord;

void          mw_feed_record_free              (MwFeedRecord *record);
MwFeedRecord *mw_feed_record_new_from_feed     (MwFeed       *feed);
MwFeed       *mw_feed_record_to_feed           (MwFeedRecord *record);

char         *mw_feed_store_serialize          (GPtrArray    *records,
                                                gsize        *length);
GPtrArray    *mw_feed_store_parse              (const char   *data,
                                                gsize         length,
                                                guint        *n_skipped,
                                                GError      **error);

G_END_DECLS
