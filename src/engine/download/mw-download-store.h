/* mw-download-store.h: the downloads.json format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mw-download.h"

G_BEGIN_DECLS

#define MW_DOWNLOAD_STORE_VERSION 1

/* A plain copy of what is saved of a download, so that serialising can run in a worker
 * thread while the download itself moves on. */
typedef struct
{
  char            *url;
  char            *final_url;
  char            *path;
  MwDownloadState  state;
  guint64          received;
  gint64           total;
  char            *etag;
  char            *last_modified;
  char            *sha256;
  char            *error;      /* the sentence, as it was said when written */
  MwFailure       *failure;    /* what went wrong; NULL in older files */
  gint64           added;      /* Unix time, seconds */
} MwDownloadRecord;

MwDownloadRecord *mw_download_record_new_from_download (MwDownload       *download);
MwDownload       *mw_download_record_to_download       (MwDownloadRecord *record);
void              mw_download_record_free              (MwDownloadRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwDownloadRecord, mw_download_record_free)

char      *mw_download_store_serialize (GPtrArray   *records,
                                        gsize       *length);
GPtrArray *mw_download_store_parse     (const char  *data,
                                        gsize        length,
                                        guint       *n_skipped,
                                        GError     **error);

G_END_DECLS
