/* mw-timeline-view.h: the last minute of the timeline, drawn live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mw-timeline.h"

G_BEGIN_DECLS

#define MW_TYPE_TIMELINE_VIEW (mw_timeline_view_get_type ())
G_DECLARE_FINAL_TYPE (MwTimelineView, mw_timeline_view, MW, TIMELINE_VIEW, GtkWidget)

GtkWidget               *mw_timeline_view_new           (MwTimeline     *timeline);
MwTimeline              *mw_timeline_view_get_timeline  (MwTimelineView *self);

const MwTimelineSegment *mw_timeline_view_get_segments  (MwTimelineView *self,
                                                         guint          *n_segments);
const gint64            *mw_timeline_view_get_frames    (MwTimelineView *self,
                                                         guint          *n_frames);
gint64                   mw_timeline_view_get_longest_stall (MwTimelineView *self);
const char              *mw_timeline_view_get_summary   (MwTimelineView *self);
gboolean                 mw_timeline_view_is_ticking    (MwTimelineView *self);

G_END_DECLS
