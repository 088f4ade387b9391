/* mw-monitor.h: how responsive the main loop is, measured from inside it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MW_MONITOR_HISTORY_LENGTH 256

#define MW_TYPE_MONITOR (mw_monitor_get_type ())
G_DECLARE_FINAL_TYPE (MwMonitor, mw_monitor, MW, MONITOR, GObject)

MwMonitor *mw_monitor_new                 (guint       interval_ms);
void       mw_monitor_start               (MwMonitor  *self);
void       mw_monitor_stop                (MwMonitor  *self);
void       mw_monitor_reset               (MwMonitor  *self);

gboolean   mw_monitor_get_active          (MwMonitor  *self);
gboolean   mw_monitor_get_rest_when_idle  (MwMonitor  *self);
void       mw_monitor_set_rest_when_idle  (MwMonitor  *self,
                                           gboolean    rest_when_idle);
void       mw_monitor_hold                (MwMonitor  *self);
void       mw_monitor_release             (MwMonitor  *self);
void       mw_monitor_wake                (MwMonitor  *self,
                                           guint       duration_ms);

guint      mw_monitor_get_interval        (MwMonitor  *self);
gint64     mw_monitor_get_current_lateness (MwMonitor *self);
gint64     mw_monitor_get_worst_lateness  (MwMonitor  *self);
gint64     mw_monitor_get_last_stall      (MwMonitor  *self);
gint64     mw_monitor_get_stall_threshold (MwMonitor  *self);
void       mw_monitor_set_stall_threshold (MwMonitor  *self,
                                           gint64      threshold_us);
guint      mw_monitor_get_n_samples       (MwMonitor  *self);
gint64     mw_monitor_get_percentile      (MwMonitor  *self,
                                           double      percentile);
guint      mw_monitor_get_history         (MwMonitor  *self,
                                           gint64     *samples,
                                           guint       max_samples);

void       mw_monitor_add_frame_gap       (MwMonitor  *self,
                                           gint64      gap_us);
gint64     mw_monitor_get_current_frame_gap (MwMonitor *self);
gint64     mw_monitor_get_worst_frame_gap (MwMonitor  *self);

G_END_DECLS
