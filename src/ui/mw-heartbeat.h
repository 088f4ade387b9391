/* mw-heartbeat.h: a dot that pulses only while the window can draw
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mw-monitor.h"

G_BEGIN_DECLS

#define MW_TYPE_HEARTBEAT (mw_heartbeat_get_type ())
G_DECLARE_FINAL_TYPE (MwHeartbeat, mw_heartbeat, MW, HEARTBEAT, GtkWidget)

GtkWidget *mw_heartbeat_new         (MwMonitor   *monitor);
MwMonitor *mw_heartbeat_get_monitor (MwHeartbeat *self);
void       mw_heartbeat_set_monitor (MwHeartbeat *self,
                                     MwMonitor   *monitor);

G_END_DECLS
