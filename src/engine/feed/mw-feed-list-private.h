/* mw-feed-list-private.h: what the files of the feed list share about it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "mw-feed-list.h"
#include "mw-state-file.h"

G_BEGIN_DECLS

struct _MwFeedList
{
  GObject       parent_instance;

  GPtrArray    *feeds;
  SoupSession  *session;
  SoupSession  *blocking_session;  /* freezing mode's, made when first needed */
  GFile        *state_file;
  MwStateSaver *saver;
  gboolean      loaded;
  guint         n_restored;    /* how many saved feeds are back in the list */
  char         *load_error;
  gboolean      blocking_mode;
  /* Refreshing all feeds on a schedule, by the wall clock so that a suspend is caught up
   * on; waiting while the network monitor says there is no network. */
  guint         refresh_source;
  gint64        refresh_interval_us;  /* 0: no refreshing on a schedule */
  gint64        first_refresh_delay_us;
  gint64        last_refresh;         /* real time of the last scheduled refresh, or 0 */
  gint64        next_refresh;         /* real time it is due */
  gboolean      refresh_waits_for_network;
  GNetworkMonitor *network;
  gulong        network_handler;
  GHashTable   *host_active;    /* host → number of requests under way */
  GQueue       *host_waiting;   /* GTask of fetches waiting for their host */
  GQueue       *turn_waiting;   /* GTask of blocking fetches waiting for their turn */
  guint         turn_source;    /* the idle that gives the next turn */
  GHashTable   *subscribing;    /* address → GTask (owned) of its subscription under way */
};

typedef enum
{
  MW_FEED_LIST_PROP_0,
  MW_FEED_LIST_PROP_BLOCKING_MODE,
  MW_FEED_LIST_PROP_LOADED,
  MW_FEED_LIST_PROP_LOAD_ERROR,
  MW_FEED_LIST_N_PROPS
} MwFeedListProperty;

void _mw_feed_list_notify (MwFeedList         *self,
                           MwFeedListProperty  property);

/* A line for the event log about the work on FEED (or on ADDRESS, before there is a
 * feed), begun at STARTED on the monotonic clock. Main thread only. */
void _mw_feed_list_event  (MwFeedList         *self,
                           MwFeed             *feed,
                           const char         *address,
                           gint64              started,
                           const char         *format,
                           ...) G_GNUC_PRINTF (5, 6);

/* Every change a person or a server makes to a feed in the list is saved. */
void _mw_feed_list_watch_feed (MwFeedList         *self,
                               MwFeed             *feed);

/* --- Fetching (mw-feed-list-fetch.c) --------------------------------------------- */

/* One request for a feed or a page, with its redirects, until its body is in. */
typedef struct
{
  char         *url;
  char         *address;         /* the one asked for, before any redirect… */
  MwFeed       *feed;            /* …and the feed it is for, if it is one yet */
  gint64        started;         /* when the work it is part of began, monotonic */
  char         *host;            /* whose connections it counts against */
  gboolean      holds_slot;
  char         *permanent_url;   /* where 301/308 moved it, all hops permanent */
  gboolean      all_permanent;
  guint         hops;
  char         *etag;
  char         *last_modified;
  gboolean      blocking;
  SoupMessage  *message;
  GInputStream *body;
  GByteArray   *data;
  guint         status;
  char         *content_type;
  gint64        retry_after_ms;
  GCancellable *cancellable;     /* the fetch's own: stopping it stops nothing else */
  GCancellable *caller;          /* whose cancellation stops it too */
  gulong        caller_handler;
} MwFeedFetch;

#define _mw_feed_list_fetch_event(self, fetch, ...) \
  _mw_feed_list_event ((self), (fetch)->feed, (fetch)->address, (fetch)->started, __VA_ARGS__)

SoupSession *_mw_feed_list_new_session   (void);
void         _mw_feed_list_fetch_async   (MwFeedList          *self,
                                          const char          *url,
                                          MwFeed              *feed,
                                          gint64               started,
                                          const char          *etag,
                                          const char          *last_modified,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
MwFeedFetch *_mw_feed_list_fetch_finish  (GAsyncResult        *result,
                                          GError             **error);
void         _mw_feed_list_release_turns (MwFeedList          *self);
GError      *_mw_feed_list_status_error  (MwFeedFetch         *fetch);
const char  *_mw_feed_list_gone_message  (void);
char        *_mw_feed_list_describe      (const GError        *error,
                                          const char          *url);

/* What a worker thread (or, in freezing mode, the main thread) made of a body. */
typedef struct
{
  GAsyncResult *fetched;
  MwFeedFetch  *fetch;         /* the fetch of the body, alive as long as the parse */
  GBytes       *data;
  char         *content_type;
  char         *base_url;
  gboolean      html;          /* find links to feeds instead */
  MwParsedFeed *parsed;
  GPtrArray    *discovered;
} MwFeedParse;

void         _mw_feed_list_parse_async   (MwFeedList          *self,
                                          GAsyncResult        *fetched,
                                          gboolean             html,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
MwFeedParse *_mw_feed_list_parse_finish  (GAsyncResult        *result,
                                          GError             **error);
guint        _mw_feed_list_apply_parse   (MwFeed              *feed,
                                          MwFeedParse         *parse);

/* --- The state file (mw-feed-list-state.c) ---------------------------------------- */

void         _mw_feed_list_state_init    (MwFeedList          *self,
                                          GFile               *state_file);
void         _mw_feed_list_schedule_save (MwFeedList          *self);

G_END_DECLS
