/* mw-startup-report.h: how long the window takes to show, when asked (MW_REPORT_STARTUP)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mw-application.h"

G_BEGIN_DECLS

void mw_startup_report_begin (void);
void mw_startup_report_watch (MwApplication *application,
                              GtkWindow     *window);

G_END_DECLS
