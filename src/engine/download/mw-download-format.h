/* mw-download-format.h: a download's state as people read it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mw-download.h"

G_BEGIN_DECLS

char *mw_format_download_status (MwDownload *download,
                                 guint       queued_ahead);

G_END_DECLS
