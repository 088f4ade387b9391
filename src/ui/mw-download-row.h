/* mw-download-row.h: one download in the list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mw-download.h"

G_BEGIN_DECLS

#define MW_TYPE_DOWNLOAD_ROW (mw_download_row_get_type ())
G_DECLARE_FINAL_TYPE (MwDownloadRow, mw_download_row, MW, DOWNLOAD_ROW, GtkWidget)

MwDownload *mw_download_row_get_download    (MwDownloadRow *self);
void        mw_download_row_set_download    (MwDownloadRow *self,
                                             MwDownload    *download);
const char *mw_download_row_get_status_text (MwDownloadRow *self);
gboolean    mw_download_row_get_can_open    (MwDownloadRow *self);
void        mw_download_row_update_now      (MwDownloadRow *self);

G_END_DECLS
