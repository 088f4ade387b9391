/* mw-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-window.h"

struct _MwWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkSwitch            *blocking_switch;
};

G_DEFINE_FINAL_TYPE (MwWindow, mw_window, ADW_TYPE_APPLICATION_WINDOW)

static void
mw_window_class_init (MwWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/mw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MwWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MwWindow, blocking_switch);
}

static void
mw_window_init (MwWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

MwWindow *
mw_window_new (MwApplication *application)
{
  return g_object_new (MW_TYPE_WINDOW, "application", application, NULL);
}

void
mw_window_show_message (MwWindow   *self,
                        const char *message)
{
  g_return_if_fail (MW_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}
