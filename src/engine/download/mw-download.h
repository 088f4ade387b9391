/* mw-download.h: one file being downloaded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mw-error.h"

G_BEGIN_DECLS

typedef enum
{
  MW_DOWNLOAD_QUEUED,
  MW_DOWNLOAD_CONNECTING,
  MW_DOWNLOAD_DOWNLOADING,
  MW_DOWNLOAD_PAUSED,
  MW_DOWNLOAD_VERIFYING,
  MW_DOWNLOAD_COMPLETED,
  MW_DOWNLOAD_FAILED,
  MW_DOWNLOAD_CANCELLED,
} MwDownloadState;

#define MW_TYPE_DOWNLOAD_STATE (mw_download_state_get_type ())
GType mw_download_state_get_type (void) G_GNUC_CONST;

const char      *mw_download_state_to_string   (MwDownloadState state);
gboolean         mw_download_state_from_string (const char      *str,
                                                MwDownloadState *state);

#define MW_TYPE_DOWNLOAD (mw_download_get_type ())
G_DECLARE_FINAL_TYPE (MwDownload, mw_download, MW, DOWNLOAD, GObject)

MwDownload      *mw_download_new                (const char  *url);

const char      *mw_download_get_url            (MwDownload  *self);
const char      *mw_download_get_final_url      (MwDownload  *self);
GFile           *mw_download_get_file           (MwDownload  *self);
const char      *mw_download_get_filename       (MwDownload  *self);
char            *mw_download_dup_display_name   (MwDownload  *self);
MwDownloadState  mw_download_get_state          (MwDownload  *self);
guint64          mw_download_get_received_bytes (MwDownload  *self);
gint64           mw_download_get_total_bytes    (MwDownload  *self);
double           mw_download_get_fraction       (MwDownload  *self);
double           mw_download_get_speed          (MwDownload  *self);
gint64           mw_download_get_seconds_left   (MwDownload  *self);
const char      *mw_download_get_error_message  (MwDownload  *self);
const MwFailure *mw_download_get_failure        (MwDownload  *self);
const char      *mw_download_get_expected_sha256 (MwDownload *self);
void             mw_download_set_expected_sha256 (MwDownload *self,
                                                  const char *sha256);
const char      *mw_download_get_etag           (MwDownload  *self);
const char      *mw_download_get_last_modified  (MwDownload  *self);
guint            mw_download_get_attempt        (MwDownload  *self);
GDateTime       *mw_download_get_added          (MwDownload  *self);
gboolean         mw_download_is_active          (MwDownload  *self);
gint64           mw_download_get_run_started    (MwDownload  *self);
gboolean         mw_download_is_finished        (MwDownload  *self);
gboolean         mw_download_get_waiting_for_network (MwDownload *self);

gboolean         mw_download_can_pause          (MwDownload  *self);
gboolean         mw_download_can_resume         (MwDownload  *self);
gboolean         mw_download_can_retry          (MwDownload  *self);
gboolean         mw_download_can_cancel         (MwDownload  *self);

void             mw_download_pause              (MwDownload  *self);
void             mw_download_resume             (MwDownload  *self);
void             mw_download_retry              (MwDownload  *self);
void             mw_download_cancel             (MwDownload  *self);

guint            mw_download_get_n_part_deletions (void);

G_END_DECLS
