/* mw-feeds-page.h: subscriptions, their articles, and the article being read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mw-feed-list.h"

G_BEGIN_DECLS

#define MW_TYPE_FEEDS_PAGE (mw_feeds_page_get_type ())
G_DECLARE_FINAL_TYPE (MwFeedsPage, mw_feeds_page, MW, FEEDS_PAGE, GtkWidget)

void        mw_feeds_page_set_feeds         (MwFeedsPage *self,
                                             MwFeedList  *feeds);
void        mw_feeds_page_select_feed       (MwFeedsPage *self,
                                             MwFeed      *feed);
GListModel *mw_feeds_page_get_articles      (MwFeedsPage *self);
gboolean    mw_feeds_page_open_article      (MwFeedsPage *self,
                                             guint        position);
MwFeedItem *mw_feeds_page_get_open_article  (MwFeedsPage *self);
void        mw_feeds_page_set_demo_available (MwFeedsPage *self,
                                              gboolean     available);

G_END_DECLS
