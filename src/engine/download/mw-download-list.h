/* mw-download-list.h: the downloads, their queue and their state file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mw-download.h"

G_BEGIN_DECLS

#define MW_TYPE_DOWNLOAD_LIST (mw_download_list_get_type ())
G_DECLARE_FINAL_TYPE (MwDownloadList, mw_download_list, MW, DOWNLOAD_LIST, GObject)

MwDownloadList *mw_download_list_new                 (GFile           *state_file);

MwDownload     *mw_download_list_add                 (MwDownloadList  *self,
                                                      const char      *url,
                                                      const char      *expected_sha256,
                                                      GError         **error);
void            mw_download_list_remove              (MwDownloadList  *self,
                                                      MwDownload      *download,
                                                      gboolean         trash_file);
MwDownload     *mw_download_list_take                (MwDownloadList  *self,
                                                      MwDownload      *download,
                                                      guint           *position);
void            mw_download_list_insert              (MwDownloadList  *self,
                                                      guint            position,
                                                      MwDownload      *download);
gboolean        mw_download_list_find                (MwDownloadList  *self,
                                                      MwDownload      *download,
                                                      guint           *position);
guint           mw_download_list_get_n_active        (MwDownloadList  *self);
guint           mw_download_list_get_queue_position  (MwDownloadList  *self,
                                                      MwDownload      *download);
char           *mw_download_list_dup_status          (MwDownloadList  *self,
                                                      MwDownload      *download);
gboolean        mw_download_list_is_waiting_for_host (MwDownloadList  *self,
                                                      MwDownload      *download,
                                                      char           **host,
                                                      guint           *n_running);
gboolean        mw_download_list_move                (MwDownloadList  *self,
                                                      MwDownload      *download,
                                                      guint            position);
gboolean        mw_download_list_can_move_in_queue   (MwDownloadList  *self,
                                                      MwDownload      *download,
                                                      int              direction);
gboolean        mw_download_list_move_in_queue       (MwDownloadList  *self,
                                                      MwDownload      *download,
                                                      int              direction);

guint           mw_download_list_get_max_concurrent  (MwDownloadList  *self);
void            mw_download_list_set_max_concurrent  (MwDownloadList  *self,
                                                      guint            max_concurrent);
guint           mw_download_list_get_max_per_host    (MwDownloadList  *self);
void            mw_download_list_set_max_per_host    (MwDownloadList  *self,
                                                      guint            max_per_host);
gboolean        mw_download_list_get_blocking_mode   (MwDownloadList  *self);
void            mw_download_list_set_blocking_mode   (MwDownloadList  *self,
                                                      gboolean         blocking_mode);
GFile          *mw_download_list_get_download_folder (MwDownloadList  *self);
void            mw_download_list_set_download_folder (MwDownloadList  *self,
                                                      GFile           *folder);
void            mw_download_list_set_network_timeout (MwDownloadList  *self,
                                                      guint            seconds);
void            mw_download_list_set_retry_policy    (MwDownloadList  *self,
                                                      guint            max_attempts,
                                                      guint            base_delay_ms,
                                                      guint            max_delay_ms);
void            mw_download_list_set_network_monitor (MwDownloadList  *self,
                                                      GNetworkMonitor *monitor);
void            mw_download_list_set_network_budget  (MwDownloadList  *self,
                                                      guint            seconds);
void            mw_download_list_shutdown            (MwDownloadList  *self);
const char     *mw_download_list_get_load_error      (MwDownloadList  *self);
gboolean        mw_download_list_get_loaded          (MwDownloadList  *self);

void            mw_download_list_load_async          (MwDownloadList      *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        mw_download_list_load_finish         (MwDownloadList      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void            mw_download_list_save_async          (MwDownloadList      *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        mw_download_list_save_finish         (MwDownloadList      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
