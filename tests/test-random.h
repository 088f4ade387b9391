/* test-random.h: the world a random-sequence test drives, and the model it checks against
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mw-download-list.h"
#include "mw-feed-list.h"
#include "mw-test-network.h"
#include "mw-test-server.h"

G_BEGIN_DECLS

/* Sequences that today's engine gets wrong. While an entry is TRUE the generator never
 * makes that sequence, so that the suite stays a check of everything else; set it to
 * FALSE once the behaviour is fixed (or name it in MW_RANDOM_TRY to try it once). */
typedef enum
{
  AVOID_RETRY_CANCELLED_AFTER_READD,
  AVOID_REMOVE_FAILED,
  AVOID_LONG_RETRY_AFTER,
  AVOID_PAUSE_RIGHT_AFTER_MODE_SWITCH,
  AVOID_RETRY_RIGHT_AFTER_CANCEL,
  AVOID_SAME_FEED_TWICE_AT_ONCE,
  AVOID_FREEZING_WITH_FETCHES_IN_FLIGHT,
  AVOID_OVERSIZE_FEED,
  AVOID_UNDO_UNSUBSCRIBE_AFTER_RESUBSCRIBE,
  AVOID_KILL_WITH_ONLY_A_STAR_UNSAVED,
  N_AVOID
} Avoid;

extern gboolean    avoid[N_AVOID];
extern const char *avoid_names[N_AVOID];

/* Responsive mode: a main-loop dispatch that holds the loop longer than this fails the
 * test. One frame (16 ms) is what a window can afford, but this runs on a busy two-core
 * machine, under sanitizers, beside other builds: the worst stall is reported, and only
 * one long enough to be a real block (a synchronous transfer, a wait on the network)
 * fails, so that timing never makes the test flaky. */
#define STALL_LIMIT_MS 1000
#define STALL_REPORT_MS 100

typedef struct _World World;

typedef struct
{
  guint           index;
  char           *path;        /* on the server */
  char           *name;        /* the file name the download gets */
  char           *url;
  char           *alias_url;   /* redirects to url */
  MwTestServer   *server;      /* the steady one, or the one that refuses at times */
  MwTestResource *resource;    /* owned by the server */
  GHashTable     *versions;    /* ETag → GBytes: every body served under that ETag */
  guint           n_versions;
  gboolean        held;
  gboolean        hangs;
} FileRes;

typedef enum
{
  WANT_RUN,
  WANT_PAUSED,
  WANT_CANCELLED,
} Want;

typedef struct
{
  World       *world;
  guint        id;
  MwDownload  *download;
  gulong       active_handler;
  FileRes     *res;
  char        *sha256;         /* the checksum it was added with, or NULL */
  Want         want;
  gboolean     taken;          /* removed, with its undo still possible */
  guint        taken_position;
  gboolean     taken_was_running;
  gboolean     dropped;        /* removed for good: only its .part is left to go */
  gint64       quiet_since;    /* cancelled or dropped, and its transfer ended: when */
  char        *verified;       /* "path ETag" of the completed file last found intact */
} Tracked;

#define MARK_READ    1u
#define MARK_STARRED 2u

typedef struct
{
  guint           index;
  char           *path;
  char           *url;
  MwTestResource *resource;
  guint           version;
  guint           n_items;     /* its document lists items 1 … n_items (the last ten) */
  char           *leads_to;    /* a feed that moved for good, or a page that links a feed */
  gboolean        page;
  gboolean        oversize;
} FeedRes;

typedef struct
{
  MwFeed     *feed;
  GHashTable *marks;           /* item id → MARK_READ | MARK_STARRED, as set by the reader */
  gboolean    taken;           /* unsubscribed, with its undo still possible */
  guint       taken_position;
} TrackedFeed;

typedef struct
{
  World    *world;
  char     *what;              /* for the story */
  char    **urls;              /* the addresses it may subscribe to */
  gboolean  must_fail;
  gint64    started;
  guint     step;
} Pending;

struct _World
{
  guint32         seed;
  GRand          *rand;
  guint           step;
  guint           n_steps;
  gboolean        failed;
  gboolean        quiet;       /* no story (soak mode prints only the seeds) */

  char           *root;
  char           *folder_a;
  char           *folder_b;
  gboolean        in_folder_b;
  GFile          *downloads_state;
  GFile          *feeds_state;

  MwTestServer   *server;
  MwTestServer   *door;        /* serves some files, and refuses connections at times */
  gboolean        door_closed;
  MwTestNetwork  *network;     /* what the lists are told of the network */
  gboolean        offline;     /* the network is gone: the door server is out of reach too */
  GPtrArray      *files;       /* FileRes */
  GPtrArray      *feed_resources;  /* FeedRes */
  guint           n_opml;

  MwDownloadList *downloads;
  MwFeedList     *feeds;
  GCancellable   *window_cancellable;  /* what the window passes when it subscribes */
  gboolean        blocking;
  guint           max_concurrent;
  GPtrArray      *tracked;     /* Tracked */
  GPtrArray      *tracked_feeds;   /* TrackedFeed */
  GPtrArray      *pending;     /* Pending */
  guint           next_id;
  gboolean        star_unsaved;

  /* The watchdog: a thread that notices a main loop stuck for good */
  GThread        *watchdog;
  gint            beat;        /* monotonic seconds of the main loop's last sign of life */
  gint            beat_step;
  gint            watchdog_stop;

  /* The lateness meter */
  guint           meter_source;
  gint64          meter_due;
  gboolean        meter_valid;
  gint64          worst_stall;
  guint           worst_stall_step;

  /* What happened, for the summary */
  guint           n_completed;
  guint           n_restarts;
  guint           n_subscribed;
};

/* One kind of step: what it does (FALSE when it does not apply now), how often it comes,
 * and the avoided sequence it can make (N_AVOID for none). */
typedef struct
{
  guint      weight;
  gboolean (*func) (World *world);
  Avoid      makes;
} RandomStep;

/* test-random-downloads.c */
extern const RandomStep random_download_steps[];
extern const guint      random_n_download_steps;
void      world_set_blocking   (World        *world,
                                gboolean      blocking);

/* test-random-feeds.c */
extern const RandomStep random_feed_steps[];
extern const guint      random_n_feed_steps;
void      world_refresh        (World        *world,
                                MwFeed       *feed);

/* test-random-world.c */
void      world_say            (World        *world,
                                const char   *format,
                                ...) G_GNUC_PRINTF (2, 3);
void      world_broke          (World        *world,
                                const char   *format,
                                ...) G_GNUC_PRINTF (2, 3);
World    *world_new            (guint32       seed,
                                guint         n_steps,
                                gboolean      quiet);
void      world_free           (World        *world);
void      world_make_lists     (World        *world);
void      world_drop_lists     (World        *world);
void      world_run_loop       (World        *world,
                                guint         ms);
gboolean  world_wait           (World        *world,
                                gboolean    (*done) (World *world, gpointer data),
                                gpointer      data,
                                guint         timeout_ms,
                                const char   *what);
guint     world_pick           (World        *world,
                                guint         n);
gboolean  world_chance         (World        *world,
                                guint         one_in);
void      world_result_cb      (GObject      *source_object,
                                GAsyncResult *result,
                                gpointer      user_data);
gboolean  world_have_result    (World        *world,
                                gpointer      data);
gboolean  world_no_pending     (World        *world,
                                gpointer      data);
gboolean  world_downloads_quiet (World       *world,
                                 gpointer     data);
void      world_settle_mode_switch (World    *world);
Tracked  *world_track          (World        *world,
                                MwDownload   *download,
                                FileRes      *res);
void      tracked_set_download (Tracked      *tracked,
                                MwDownload   *download);
char     *tracked_describe     (Tracked      *tracked);
TrackedFeed *world_find_tracked_feed (World  *world,
                                      MwFeed *feed);
void      world_sync_feeds     (World        *world);
FeedRes  *world_feed_res_for_url (World      *world,
                                  const char *url);
GBytes   *file_res_next_body   (FileRes      *res);
char     *sha256_of            (GBytes       *bytes);
GBytes   *feed_document        (FeedRes      *res);

/* test-random-checks.c */
void      world_check          (World        *world);

/* test-random-restart.c */
void      world_restart        (World        *world,
                                gboolean      killed);

G_END_DECLS
