/* mw-adaptive.h: the containers that fold in a narrow window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Bars above and below a content area: children of type "top" and "bottom" are the bars,
 * the others the content, from top to bottom. */
#define MW_TYPE_TOOLBAR (mw_toolbar_get_type ())
G_DECLARE_FINAL_TYPE (MwToolbar, mw_toolbar, MW, TOOLBAR, GtkWidget)

/* Content with a panel at its end: beside it when there is room, over it otherwise. The
 * child of type "panel" is the panel. */
#define MW_TYPE_SIDE_PANEL (mw_side_panel_get_type ())
G_DECLARE_FINAL_TYPE (MwSidePanel, mw_side_panel, MW, SIDE_PANEL, GtkWidget)

gboolean   mw_side_panel_get_reveal      (MwSidePanel *self);
void       mw_side_panel_set_reveal      (MwSidePanel *self,
                                          gboolean     reveal);
gboolean   mw_side_panel_get_folded      (MwSidePanel *self);

/* Three panes side by side, or, folded, one at a time, each going back to the one before
 * it. Its three children are the panes, in order. */
#define MW_TYPE_PANES (mw_panes_get_type ())
G_DECLARE_FINAL_TYPE (MwPanes, mw_panes, MW, PANES, GtkWidget)

gboolean   mw_panes_get_folded           (MwPanes     *self);
GtkWidget *mw_panes_get_visible_pane     (MwPanes     *self);
void       mw_panes_set_visible_pane     (MwPanes     *self,
                                          GtkWidget   *pane);
void       mw_panes_go_back              (MwPanes     *self);
GtkWidget *mw_panes_get_pane             (MwPanes     *self,
                                          guint        index);
GtkWidget *mw_panes_pane_of              (MwPanes     *self,
                                          GtkWidget   *descendant);
void       mw_panes_set_titles           (MwPanes     *self,
                                          const char  *first,
                                          const char  *second,
                                          const char  *third);

/* The header bar's page switcher: in its middle when @toolbar, which holds @header and
 * @bar, has room, otherwise in @bar at the bottom, with @window's title in the middle and
 * @label, which explains a control beside it, hidden. */
void       mw_adaptive_page_switcher     (GtkWindow            *window,
                                          MwToolbar            *toolbar,
                                          AdwHeaderBar         *header,
                                          AdwViewStack         *stack,
                                          AdwViewSwitcherBar   *bar,
                                          GtkWidget            *label);

G_END_DECLS
