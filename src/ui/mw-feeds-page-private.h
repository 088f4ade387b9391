/* mw-feeds-page-private.h: what the files of the feeds page share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page lives in mw-feeds-page.c (its lists, the search, the open article, its
 * actions) and mw-feeds-page-panes.c (its three panes: folding, going back and forth,
 * and where the focus goes).
 */
#pragma once

#include "mw-adaptive.h"
#include "mw-feeds-page.h"
#include "mw-item-view.h"

G_BEGIN_DECLS

typedef enum
{
  SHOW_ALL,
  SHOW_UNREAD,
  SHOW_STARRED,
} ShowFilter;

struct _MwFeedsPage
{
  GtkWidget           parent_instance;

  MwFeedList         *feeds;
  GtkSingleSelection *feed_selection;
  GtkFlattenListModel *all_items;
  GtkSortListModel   *sorted;
  gboolean            list_detached;   /* the article list let its model go while hidden */
  GtkFilterListModel *filtered;
  GtkCustomFilter    *filter;
  GtkSingleSelection *article_selection;
  MwFeedItem         *open_article;
  char               *search;
  ShowFilter          show;
  GQueue              mark_read;         /* GListModel of articles still to mark read */
  guint               mark_read_position;
  guint               mark_read_source;

  /* What a click, Return or Space asked to open: when the selection reaches it, its pane
   * comes into view. Only compared, never dereferenced. */
  gpointer            reveal_feed;
  gpointer            reveal_article;

  GtkStack           *stack;
  MwPanes            *panes;
  GtkWidget          *sidebar;
  GtkWidget          *articles_pane;
  GtkWidget          *article_pane;
  GtkListView        *feed_view;
  GtkListView        *article_view;
  GtkStack           *articles_stack;
  AdwStatusPage      *no_results_page;
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkToggleButton    *filter_unread;
  GtkToggleButton    *filter_starred;
  GtkWidget          *all_button;
  GtkWidget          *articles_back_button;
  GtkWidget          *article_back_button;
  GtkStack           *article_stack;
  GtkLabel           *article_title;
  GtkLabel           *article_meta;
  GtkToggleButton    *article_star;
  GtkWidget          *open_button;
  GtkBox             *enclosures_box;
  MwItemView         *item_view;
  GtkWidget          *demo_button;
};

/* mw-feeds-page.c */
void     _mw_feeds_page_show_feed         (MwFeedsPage *self,
                                           MwFeed      *feed);
void     _mw_feeds_page_show_article      (MwFeedsPage *self,
                                           MwFeedItem  *article);
gboolean _mw_feeds_page_articles_pending  (MwFeedsPage *self);

/* mw-feeds-page-panes.c */
void     _mw_feeds_page_panes_init        (MwFeedsPage *self);
gboolean _mw_feeds_page_is_folded         (MwFeedsPage *self);
void     _mw_feeds_page_reveal            (MwFeedsPage *self,
                                           GtkWidget   *pane);
void     _mw_feeds_page_open_feed_at      (MwFeedsPage *self,
                                           guint        position);
void     _mw_feeds_page_open_article_at   (MwFeedsPage *self,
                                           guint        position);
void     _mw_feeds_page_open_all          (MwFeedsPage *self);
void     _mw_feeds_page_back_action       (GtkWidget   *widget,
                                           const char  *action_name,
                                           GVariant    *parameter);

G_END_DECLS
