/* mw-meter.h: how responsive the window is, shown live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mw-monitor.h"

G_BEGIN_DECLS

#define MW_TYPE_METER (mw_meter_get_type ())
G_DECLARE_FINAL_TYPE (MwMeter, mw_meter, MW, METER, GtkWidget)

GtkWidget  *mw_meter_new            (MwMonitor *monitor);
MwMonitor  *mw_meter_get_monitor    (MwMeter   *self);
void        mw_meter_set_monitor    (MwMeter   *self,
                                     MwMonitor *monitor);
gboolean    mw_meter_get_compact    (MwMeter   *self);
void        mw_meter_set_compact    (MwMeter   *self,
                                     gboolean   compact);
const char *mw_meter_get_text       (MwMeter   *self);
const char *mw_meter_get_stall_text (MwMeter   *self);

G_END_DECLS
