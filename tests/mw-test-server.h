/* mw-test-server.h: a real HTTP server on loopback, with misbehaviours on request, and the
 * download and feed fixtures that use it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mw-download-list.h"
#include "mw-feed-list.h"
#include "mw-test-utils.h"

G_BEGIN_DECLS

typedef struct _MwTestServer MwTestServer;

/* How one path answers. Set the fields before the client asks; change them between
 * requests with mw_test_server_lock() held. */
typedef struct
{
  GBytes     *body;
  char       *etag;
  char       *last_modified;
  char       *content_disposition;
  gboolean    chunked;             /* no Content-Length */
  gboolean    close_delimited;     /* HTTP/1.0 style: neither length nor chunks */
  gboolean    ignore_range;        /* always 200 */
  gboolean    ignore_if_range;     /* ranges even when the validator changed */
  gboolean    wrong_range;         /* 206 starting elsewhere than asked */
  gsize       cut_after;           /* close the connection after this many body bytes … */
  guint       cut_times;           /* … on this many responses */
  GArray     *statuses;            /* guint statuses to answer first, one a request */
  char       *retry_after;
  char       *redirect_to;         /* path or URL for a 302 */
  gboolean    hang;                /* accept, never answer */
  char       *content_type;        /* default application/octet-stream */
  gboolean    conditional;         /* 304 when If-None-Match or If-Modified-Since match */
  guint       redirect_status;     /* 302 unless set */
  guint       answer_delay_ms;     /* think this long before answering */
  gsize       throttle_chunk;      /* write this many bytes … */
  guint       throttle_delay_ms;   /* … then sleep this long */
  gboolean    cut_reset;           /* cut with a reset (RST) instead of an orderly close */
  gboolean    cut_stalls;          /* at cut_after, stop sending but keep the connection */
  gsize       head_cut_after;      /* close after this many bytes of the head … */
  guint       head_cut_times;      /* … on this many responses */
  gint64      length_delta;        /* Content-Length claims this many bytes more (or less) */
  gboolean    http10;              /* an HTTP/1.0 status line */
  char       *trailers;            /* lines ("Name: value\r\n") after the last chunk */
  GBytes     *extra_head;          /* sent as they are among the headers, NUL bytes and all */
  GBytes     *raw_response;        /* sent as they are instead of a response */
  gsize       head_padding;        /* this many more bytes of header lines, made as sent … */
  gsize       head_padding_line;   /* … each this long; 0 for one endless line */
  gsize       hold_after;          /* after this many body bytes, wait while … */
  gboolean    held;                /* … this is TRUE: see mw_test_server_release() */
  GBytes     *next_body;           /* from request number change_at on, the resource is … */
  char       *next_etag;           /* … this one, with this ETag */
  guint       change_at;

  /* What the server saw */
  guint       requests;
  GPtrArray  *ranges;              /* the Range header of each request, or "" */
  GPtrArray  *if_ranges;
  GPtrArray  *user_agents;
  GPtrArray  *accept_encodings;
} MwTestResource;

MwTestServer   *mw_test_server_new          (void);
void            mw_test_server_free         (MwTestServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwTestServer, mw_test_server_free)

char           *mw_test_server_url          (MwTestServer *server,
                                             const char   *path);
MwTestResource *mw_test_server_add          (MwTestServer *server,
                                             const char   *path,
                                             GBytes       *body);
MwTestResource *mw_test_server_add_text     (MwTestServer *server,
                                             const char   *path,
                                             const char   *text,
                                             const char   *content_type);
void            mw_test_server_lock         (MwTestServer *server);
void            mw_test_server_unlock       (MwTestServer *server);
guint           mw_test_server_get_requests (MwTestServer   *server,
                                             MwTestResource *resource);
void            mw_test_server_wait_for_requests (MwTestServer   *server,
                                                  MwTestResource *resource,
                                                  guint           requests);
guint           mw_test_server_get_max_concurrent (MwTestServer *server);
void            mw_test_server_release      (MwTestServer   *server,
                                             MwTestResource *resource);
void            mw_test_server_set_refusing (MwTestServer   *server,
                                             gboolean        refusing);

void            mw_test_remove_tree         (const char   *path);
void            mw_test_run_loop_for        (guint         ms);

GBytes         *mw_test_make_bytes          (gsize         size,
                                             guint32       seed);

/* The fixtures below are in mw-test-fixtures.c. */

/* A download list kept in memory, downloading from a fresh test server into a fresh
 * temporary folder; the fixture of the download tests. */
typedef struct
{
  MwTestServer   *server;
  MwDownloadList *list;
  char           *folder_path;
  GFile          *folder;
} MwTestDownloads;

/* With the signature of g_test_add()'s fixture functions; @unused may be NULL. */
void        mw_test_downloads_set_up     (MwTestDownloads *fixture,
                                          gconstpointer    unused);
void        mw_test_downloads_tear_down  (MwTestDownloads *fixture,
                                          gconstpointer    unused);
MwDownload *mw_test_downloads_add        (MwTestDownloads *fixture,
                                          const char      *path);
void        mw_test_downloads_assert_file (MwTestDownloads *fixture,
                                           const char      *name,
                                           GBytes          *expected);
void        mw_test_downloads_assert_completed (MwTestDownloads *fixture,
                                                MwDownload      *download,
                                                const char      *name,
                                                GBytes          *expected);
void        mw_test_wait_until_finished  (MwDownload      *download);
void        mw_test_wait_for_state       (MwDownload      *download,
                                          MwDownloadState  state);
void        mw_test_wait_until_at_rest   (MwDownload      *download,
                                          MwDownloadState  state);
void        mw_test_wait_for_bytes       (MwDownload      *download,
                                          guint64          bytes);

gboolean    mw_test_download_list_load   (MwDownloadList  *list,
                                          GError         **error);
gboolean    mw_test_download_list_save   (MwDownloadList  *list,
                                          GError         **error);

/* A feed list kept in feeds.json of a fresh temporary folder, subscribing from a fresh
 * test server; the fixture of the feed tests. */
typedef struct
{
  MwTestServer *server;
  char         *folder;
  GFile        *state;
  MwFeedList   *list;
} MwTestFeeds;

void        mw_test_feeds_set_up         (MwTestFeeds     *fixture,
                                          gconstpointer    unused);
void        mw_test_feeds_tear_down      (MwTestFeeds     *fixture,
                                          gconstpointer    unused);
MwFeed     *mw_test_feeds_subscribe      (MwTestFeeds     *fixture,
                                          const char      *path,
                                          GCancellable    *cancellable,
                                          GPtrArray      **choices,
                                          GError         **error);
gboolean    mw_test_feed_list_load       (MwFeedList      *list,
                                          GError         **error);
gboolean    mw_test_feed_list_save       (MwFeedList      *list,
                                          GError         **error);
void        mw_test_unsubscribe_all      (MwFeedList      *feeds);
gboolean    mw_test_feeds_refresh        (MwTestFeeds     *fixture,
                                          MwFeed          *feed,
                                          GError         **error);

G_END_DECLS
