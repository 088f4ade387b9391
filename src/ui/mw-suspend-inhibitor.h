/* mw-suspend-inhibitor.h: keeps the computer from suspending while transfers run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MW_TYPE_SUSPEND_INHIBITOR (mw_suspend_inhibitor_get_type ())
G_DECLARE_FINAL_TYPE (MwSuspendInhibitor, mw_suspend_inhibitor, MW, SUSPEND_INHIBITOR, GObject)

MwSuspendInhibitor *mw_suspend_inhibitor_new        (GDBusConnection    *bus,
                                                     const char         *application_id);
void                mw_suspend_inhibitor_set_reason (MwSuspendInhibitor *self,
                                                     const char         *reason);
gboolean            mw_suspend_inhibitor_get_held   (MwSuspendInhibitor *self);

G_END_DECLS
