/* mw-freeze-banner.h: what freezing mode will do, and what it did
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mw-application.h"

G_BEGIN_DECLS

#define MW_TYPE_FREEZE_BANNER (mw_freeze_banner_get_type ())
G_DECLARE_FINAL_TYPE (MwFreezeBanner, mw_freeze_banner, MW, FREEZE_BANNER, GtkWidget)

void        mw_freeze_banner_set_application (MwFreezeBanner *self,
                                              MwApplication  *application);
const char *mw_freeze_banner_get_text        (MwFreezeBanner *self);
gboolean    mw_freeze_banner_get_revealed    (MwFreezeBanner *self);
guint       mw_freeze_banner_get_waited_inputs (MwFreezeBanner *self);

G_END_DECLS
