/* mw-download-private.h: what the engine shares about a download
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "mw-download.h"
#include "mw-error.h"
#include "mw-state-file.h"

G_BEGIN_DECLS

typedef enum
{
  MW_STOP_NONE,
  MW_STOP_PAUSE,
  MW_STOP_CANCEL,
  MW_STOP_REQUEUE,    /* stop, and wait in the queue to start again */
} MwStopRequest;

struct _MwDownload
{
  GObject          parent_instance;

  char            *url;
  char            *final_url;
  GFile           *file;            /* NULL until the first response names it */
  char            *filename;
  MwDownloadState  state;
  guint64          received;
  gint64           total;           /* -1 when unknown */
  double           speed;           /* bytes per second, smoothed */
  MwFailure       *failure;         /* what went wrong, or NULL */
  char            *error_message;   /* its sentence in this session's language, or the
                                     * words of an older state file that had only those */
  char            *expected_sha256; /* lower-case hex, or NULL */
  char            *etag;
  char            *last_modified;
  guint            attempt;
  GDateTime       *added;

  /* While a transfer runs */
  GCancellable    *run_cancellable;
  GTask           *run_task;        /* the run, not a reference */
  MwStopRequest    stop_request;
  gboolean         resume_after_stop; /* resumed while a pause was on its way */
  gint64           speed_sample_time;
  guint64          speed_sample_bytes;
  gint64           last_progress_notify;
  gboolean         awaiting_response;
  gboolean         waiting_for_network;
  gint64           run_started;      /* wall clock, when the last run began… */
  gint64           run_started_monotonic;  /* …and the same moment on the monotonic clock */
  guint64          network_segment;  /* on the timeline, while connecting or receiving */

  guint            part_deletions;  /* of a cancelled run's .part, under way */
  GArray          *deletion_waiters;
};

/* The targets the downloads of one list hold; safe to read from worker threads. */
typedef struct _MwReservedNames MwReservedNames;

MwReservedNames *_mw_reserved_names_new      (void);
MwReservedNames *_mw_reserved_names_ref      (MwReservedNames *self);
void             _mw_reserved_names_unref    (MwReservedNames *self);
void             _mw_reserved_names_move     (MwReservedNames *self,
                                              const char      *old_path,
                                              const char      *new_path);
gboolean         _mw_reserved_names_try_hold (MwReservedNames *self,
                                              GFile           *file);
gboolean         _mw_reserved_names_contains (MwReservedNames *self,
                                              GFile           *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwReservedNames, _mw_reserved_names_unref)

/* What a transfer needs from its list; plain values so the engine never reads settings. */
typedef struct
{
  SoupSession *session;
  GFile       *folder;
  gboolean     blocking;
  guint        max_attempts;
  guint        retry_base_ms;
  guint        retry_max_ms;
  /* Without a network no attempt is made: a run waits for the monitor to say it is back.
   * NULL counts as always online. */
  GNetworkMonitor *network;
  /* With the network there, how long failures to reach the server or to keep the
   * connection may go on without progress before the download fails; 0 counts them
   * as attempts like other failures. */
  guint        network_budget_s;
  MwReservedNames *reserved;        /* targets of the other downloads in the list */
  MwStateSaver *saver;              /* the list's state file; NULL when kept in memory */

  /* A run waiting out a back-off or a Retry-After gives its transfer slot back with
   * release_slot, and asks for one with request_slot when the wait is over: TRUE grants
   * it at once, FALSE means the owner calls _mw_download_run_take_slot() later. Without
   * them a run keeps its slot while it waits. The owner outlives its runs. */
  void       (*release_slot) (gpointer    owner,
                              MwDownload *download);
  gboolean   (*request_slot) (gpointer    owner,
                              MwDownload *download);
  gpointer     slot_owner;
} MwTransferConfig;

MwTransferConfig *_mw_transfer_config_copy (const MwTransferConfig *config);
void              _mw_transfer_config_free (MwTransferConfig       *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwTransferConfig, _mw_transfer_config_free)

void      _mw_download_set_state     (MwDownload      *self,
                                      MwDownloadState  state);
void      _mw_download_set_failure   (MwDownload      *self,
                                      const MwFailure *failure);
void      _mw_download_set_file      (MwDownload      *self,
                                      GFile           *file);
void      _mw_download_set_final_url (MwDownload      *self,
                                      const char      *url);
void      _mw_download_set_validators (MwDownload     *self,
                                       const char     *etag,
                                       const char     *last_modified);
void      _mw_download_set_total     (MwDownload      *self,
                                      gint64           total);
void      _mw_download_set_received  (MwDownload      *self,
                                      guint64          received,
                                      gboolean         force_notify);
void      _mw_download_set_attempt   (MwDownload      *self,
                                      guint            attempt);
void      _mw_download_set_awaiting_response (MwDownload *self,
                                              gboolean    awaiting);
void      _mw_download_set_waiting_for_network (MwDownload *self,
                                                gboolean    waiting);
void      _mw_download_set_added     (MwDownload      *self,
                                      GDateTime       *added);
void      _mw_download_notify_active (MwDownload      *self);
void      _mw_download_notify_speed  (MwDownload      *self);
GFile    *_mw_download_dup_part_file (MwDownload      *self);
void      _mw_download_forget_file   (MwDownload      *self);
char     *_mw_download_dup_host      (MwDownload      *self);

gboolean  _mw_check_url              (const char      *url,
                                      GError         **error);
gboolean  _mw_check_sha256           (const char      *sha256);

typedef void (*MwPartDeletedFunc) (gpointer user_data);

gboolean  _mw_download_when_part_deleted (MwDownload        *self,
                                          MwPartDeletedFunc  func,
                                          gpointer           user_data);

void      _mw_download_event         (MwDownload      *self,
                                      const char      *format,
                                      ...) G_GNUC_PRINTF (2, 3);
void      _mw_download_begin_run     (MwDownload      *self);
void      _mw_download_finish_run    (MwDownload      *self,
                                      GError          *error);

void      _mw_download_run_async     (MwDownload             *self,
                                      const MwTransferConfig *config,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data);
gboolean  _mw_download_run_finish    (MwDownload             *self,
                                      GAsyncResult           *result,
                                      GError                **error);
gboolean  _mw_download_run_is_waiting (MwDownload            *self);
void      _mw_download_run_set_blocking (MwDownload          *self,
                                         gboolean             blocking);
gboolean  _mw_download_run_take_slot (MwDownload             *self);
void      _mw_download_requeue       (MwDownload             *self);

G_END_DECLS
