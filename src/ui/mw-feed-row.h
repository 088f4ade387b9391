/* mw-feed-row.h: one subscription in the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mw-feed.h"

G_BEGIN_DECLS

#define MW_TYPE_FEED_ROW (mw_feed_row_get_type ())
G_DECLARE_FINAL_TYPE (MwFeedRow, mw_feed_row, MW, FEED_ROW, GtkWidget)

MwFeed *mw_feed_row_get_feed (MwFeedRow *self);
void    mw_feed_row_set_feed (MwFeedRow *self,
                              MwFeed    *feed);

G_END_DECLS
