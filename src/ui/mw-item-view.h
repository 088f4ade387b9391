/* mw-item-view.h: a feed item's HTML, shown as readable text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A read-only, selectable text view. It opens nothing: a click on a link, or Enter in one,
 * emits "link-activated" with the link's absolute http or https URI. Give it its own
 * GtkScrolledWindow (it is a GtkScrollable, and only lays out what is on screen) and leave
 * its buffer alone: set_html replaces the text and the link tags in it.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MW_TYPE_ITEM_VIEW (mw_item_view_get_type ())
G_DECLARE_FINAL_TYPE (MwItemView, mw_item_view, MW, ITEM_VIEW, GtkTextView)

GtkWidget *mw_item_view_new                     (void);
void       mw_item_view_set_html                (MwItemView *self,
                                                 const char *html,
                                                 const char *base_url);
char      *mw_item_view_dup_text                (MwItemView *self);
GStrv      mw_item_view_dup_links               (MwItemView *self);
gboolean   mw_item_view_activate_link_at_offset (MwItemView *self,
                                                 int         char_offset);

G_END_DECLS
