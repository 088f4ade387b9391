/* mw-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mw-download-list.h"
#include "mw-feed-list.h"
#include "mw-monitor.h"

G_BEGIN_DECLS

#define MW_TYPE_APPLICATION (mw_application_get_type ())
G_DECLARE_FINAL_TYPE (MwApplication, mw_application, MW, APPLICATION, AdwApplication)

MwApplication      *mw_application_new           (void);
MwDownloadList     *mw_application_get_downloads (MwApplication *self);
MwMonitor          *mw_application_get_monitor   (MwApplication *self);
GSettings          *mw_application_get_settings  (MwApplication *self);
const char * const *mw_application_get_demo_urls (MwApplication *self);
MwFeedList         *mw_application_get_feeds     (MwApplication *self);
gboolean            mw_application_close_to_background (MwApplication *self,
                                                        GtkWindow     *window);

G_END_DECLS
