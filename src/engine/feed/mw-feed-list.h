/* mw-feed-list.h: the subscriptions, their refreshes and their state file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mw-feed.h"

G_BEGIN_DECLS

/* Requests to one host at a time, from all subscriptions together. */
#define MW_FEED_MAX_CONNECTIONS_PER_HOST 6

#define MW_TYPE_FEED_LIST (mw_feed_list_get_type ())
G_DECLARE_FINAL_TYPE (MwFeedList, mw_feed_list, MW, FEED_LIST, GObject)

MwFeedList *mw_feed_list_new                  (GFile               *state_file);

void        mw_feed_list_subscribe_async      (MwFeedList          *self,
                                               const char          *url,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
MwFeed     *mw_feed_list_subscribe_finish     (MwFeedList          *self,
                                               GAsyncResult        *result,
                                               GPtrArray          **choices,
                                               GError             **error);
void        mw_feed_list_refresh_async        (MwFeedList          *self,
                                               MwFeed              *feed,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    mw_feed_list_refresh_finish       (MwFeedList          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
MwFeed     *mw_feed_list_take                 (MwFeedList          *self,
                                               MwFeed              *feed,
                                               guint               *position);
void        mw_feed_list_insert               (MwFeedList          *self,
                                               guint                position,
                                               MwFeed              *feed);
MwFeed     *mw_feed_list_find                 (MwFeedList          *self,
                                               const char          *url);
void        mw_feed_list_import_opml_async    (MwFeedList          *self,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
guint       mw_feed_list_import_opml_finish   (MwFeedList          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        mw_feed_list_export_opml_async    (MwFeedList          *self,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    mw_feed_list_export_opml_finish   (MwFeedList          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
gboolean    mw_feed_list_get_blocking_mode    (MwFeedList          *self);
void        mw_feed_list_set_blocking_mode    (MwFeedList          *self,
                                               gboolean             blocking_mode);
void        mw_feed_list_set_refresh_schedule (MwFeedList          *self,
                                               guint                first_delay_seconds,
                                               guint                interval_seconds);
void        mw_feed_list_set_network_monitor  (MwFeedList          *self,
                                               GNetworkMonitor     *monitor);
void        mw_feed_list_set_refresh_interval (MwFeedList          *self,
                                               guint                minutes);
guint       mw_feed_list_get_refresh_interval (MwFeedList          *self);
gboolean    mw_feed_list_get_loaded           (MwFeedList          *self);
const char *mw_feed_list_get_load_error       (MwFeedList          *self);
void        mw_feed_list_load_async           (MwFeedList          *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    mw_feed_list_load_finish          (MwFeedList          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        mw_feed_list_save_async           (MwFeedList          *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    mw_feed_list_save_finish          (MwFeedList          *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
