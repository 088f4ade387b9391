/* mw-download-run-private.h: one run of a transfer, shared by its two halves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run is driven on the main thread by mw-download-transfer.c (the run, its attempts and
 * their order), mw-download-request.c (the request and its response),
 * mw-download-resume.c (ranges), mw-download-body.c (the body) and mw-download-retry.c
 * (what follows a failure); mw-download-part.c holds what touches the disk, run as steps
 * in worker threads.
 */
#pragma once

#include "mw-download-private.h"

G_BEGIN_DECLS

typedef enum
{
  MW_BODY_TO_NEW_FILE,  /* the first response: choose a name, create NAME.part */
  MW_BODY_APPENDS,      /* 206 for the bytes after the .part */
  MW_BODY_REPLACES,     /* 200: whatever the .part held is stale */
  MW_BODY_ALREADY_HAD,  /* 416 on a complete .part: nothing to write */
} MwBodyDisposition;

typedef struct
{
  MwDownload       *download;   /* owned by the GTask */
  MwTransferConfig *config;
  GCancellable     *run_cancellable;

  guint             failures;   /* in a row, without progress */
  guint64           furthest;   /* the most bytes any attempt of this run has had */
  gboolean          discard_part;
  gboolean          avoid_ranges;
  gint64            retry_after_ms;
  GSource          *wait_source;
  GSource          *wait_cancel_source;
  gboolean          slot_released;  /* gave its transfer slot back for the wait… */
  gboolean          wants_slot;     /* …which is over: waits for one to be free */
  gulong            network_handler;  /* waits for the network to come back */
  gint64            progress_time;  /* monotonic: the last progress, or the network's return */

  /* One attempt */
  GCancellable     *cancellable;
  gulong            cancel_handler;
  SoupMessage      *message;
  GInputStream     *body;
  GFile            *part;
  GOutputStream    *out;
  GChecksum        *checksum;
  MwBodyDisposition disposition;
  char             *expected_sha256;  /* copies the workers may read */
  GFile            *target;
  char             *wanted_name;
  GFile            *chosen_file;
  gint64            recorded_total;   /* the size the state file knew, -1 if none */
  gboolean          already_complete; /* renamed into place before a crash */
  guint64           offset;     /* bytes the .part had before this attempt */
  guint64           received;   /* offset + bytes read in this attempt */
  gint64            total;
  gsize             chunk_size;
  gboolean          reading;
  gboolean          writing;
  gboolean          at_eof;
  GTlsCertificateFlags tls_errors;  /* why the server's certificate was refused */
  gboolean          streaming;  /* counted among the bodies read asynchronously */
  GBytes           *writing_bytes;
  GBytes           *pending_bytes;
  GError           *error;
} MwRun;

typedef gboolean (*MwStepFunc) (MwRun   *run,
                                GError **error);
typedef void     (*MwStepDone) (GTask   *task,
                                GError  *error);

void     _mw_run_step         (GTask      *task,
                               MwStepFunc  func,
                               MwStepDone  done);

gboolean _mw_part_measure     (MwRun     *run,
                               GError   **error);
gboolean _mw_part_pick_name   (MwRun     *run,
                               GError   **error);
gboolean _mw_part_open        (MwRun     *run,
                               GError   **error);
gboolean _mw_part_write_chunk (MwRun     *run,
                               GError   **error);
gboolean _mw_part_close       (MwRun     *run,
                               GError   **error);
gboolean _mw_part_finish      (MwRun     *run,
                               GError   **error);

/* mw-download-transfer.c */
void     _mw_run_return           (GTask     *task,
                                   GError    *error);
void     _mw_run_return_cancelled (GTask     *task);
void     _mw_attempt_begin        (GTask     *task);
void     _mw_attempt_open_part    (GTask     *task);
void     _mw_attempt_failed       (GTask     *task,
                                   GError    *error);
void     _mw_attempt_clear        (MwRun     *run);

/* mw-download-request.c */
void     _mw_request_send         (GTask     *task);

/* mw-download-resume.c */
void     _mw_resume_ask           (MwRun               *run,
                                   SoupMessageHeaders  *request);
gboolean _mw_resume_accept_partial       (MwRun               *run,
                                          SoupMessageHeaders  *headers,
                                          GError             **error);
gboolean _mw_resume_accept_unsatisfiable (MwRun               *run,
                                          SoupMessageHeaders  *headers,
                                          GError             **error);

/* mw-download-body.c */
void     _mw_body_receive         (GTask     *task);
void     _mw_body_complete        (GTask     *task);
void     _mw_body_close           (MwRun     *run);
void     _mw_body_clear           (MwRun     *run);

/* mw-download-retry.c */
void     _mw_retry_after_failure  (GTask     *task,
                                   GError    *error);
void     _mw_retry_stop_waiting   (MwRun     *run);

G_END_DECLS
