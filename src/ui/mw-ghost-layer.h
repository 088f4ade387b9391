/* mw-ghost-layer.h: clicks that waited for a frozen window, shown where they happened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MW_TYPE_GHOST_LAYER (mw_ghost_layer_get_type ())
G_DECLARE_FINAL_TYPE (MwGhostLayer, mw_ghost_layer, MW, GHOST_LAYER, GtkWidget)

void   mw_ghost_layer_add        (MwGhostLayer *self,
                                  double        x,
                                  double        y,
                                  gint64        waited_us);
guint  mw_ghost_layer_get_n_ghosts (MwGhostLayer *self);
char  *mw_ghost_layer_dup_label  (MwGhostLayer *self,
                                  guint         index);

G_END_DECLS
