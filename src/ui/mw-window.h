/* mw-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mw-application.h"
#include "mw-feeds-page.h"

G_BEGIN_DECLS

#define MW_TYPE_WINDOW (mw_window_get_type ())
G_DECLARE_FINAL_TYPE (MwWindow, mw_window, MW, WINDOW, AdwApplicationWindow)

MwWindow       *mw_window_new              (MwApplication *application);
MwDownloadList *mw_window_get_downloads    (MwWindow      *self);
void            mw_window_show_message     (MwWindow      *self,
                                            const char    *message);
void            mw_window_remove_download  (MwWindow      *self,
                                            MwDownload    *download);
void            mw_window_finish_removals  (MwWindow      *self);
gboolean        mw_window_add_url          (MwWindow      *self,
                                            const char    *text,
                                            GError       **error);
GListModel     *mw_window_get_log          (MwWindow      *self);
void            mw_window_set_demo_available (MwWindow    *self,
                                              gboolean     available);
void            mw_window_subscribe        (MwWindow      *self,
                                            const char    *url);
void            mw_window_show_page        (MwWindow      *self,
                                            const char    *name);
MwFeedsPage    *mw_window_get_feeds_page   (MwWindow      *self);
void            mw_window_open_experiment  (MwWindow      *self);
void            mw_window_scroll_to_download (MwWindow    *self,
                                              MwDownload  *download);

G_END_DECLS
