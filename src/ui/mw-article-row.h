/* mw-article-row.h: one article in a list of articles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mw-feed-item.h"

G_BEGIN_DECLS

#define MW_TYPE_ARTICLE_ROW (mw_article_row_get_type ())
G_DECLARE_FINAL_TYPE (MwArticleRow, mw_article_row, MW, ARTICLE_ROW, GtkWidget)

MwFeedItem *mw_article_row_get_item (MwArticleRow *self);
void        mw_article_row_set_item (MwArticleRow *self,
                                     MwFeedItem   *item);

G_END_DECLS
