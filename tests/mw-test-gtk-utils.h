/* mw-test-gtk-utils.h: finding widgets in a real window, and pictures of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mw-test-utils.h"

G_BEGIN_DECLS

typedef gboolean (*MwTestWidgetMatch) (GtkWidget     *widget,
                                       gconstpointer  data);

GtkWidget *mw_test_find_widget     (GtkWidget         *root,
                                    GType              type,
                                    MwTestWidgetMatch  match,
                                    gconstpointer      data);
gboolean   mw_test_has_action      (GtkWidget         *widget,
                                    gconstpointer      action_name);
gboolean   mw_test_button_labelled (GtkWidget         *widget,
                                    gconstpointer      label);
void       mw_test_save_screenshot (GtkWidget         *widget,
                                    const char        *name);
GSubprocess *mw_test_click_later   (GtkWindow         *window,
                                    double             x,
                                    double             y,
                                    guint              delay_ms,
                                    guint              n_clicks,
                                    guint              gap_ms);
void       mw_test_click_widget    (GtkWidget         *widget);
void       mw_test_press_keys      (GtkWidget         *widget,
                                    const char        *keys);

G_END_DECLS
