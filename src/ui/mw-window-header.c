/* mw-window-header.c: the main window's header bar: the add button and its two popovers
 * (Add Download, Subscribe to a Feed), and the names assistive technologies read; on the
 * main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-feed-discovery.h"
#include "mw-window-private.h"

static gboolean
feeds_visible (MwWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "feeds") == 0;
}

/* The add button adds what the visible page holds, and is named after it. */
void
_mw_window_page_changed_cb (MwWindow *self)
{
  gboolean feeds = feeds_visible (self);

  gtk_menu_button_set_popover (self->add_button, feeds ? GTK_WIDGET (self->subscribe_popover)
                                                       : GTK_WIDGET (self->add_popover));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->add_button),
                               feeds ? _("Subscribe to a Feed (Ctrl+L)") : _("Add Download (Ctrl+L)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  feeds ? _("Subscribe to a Feed") : _("Add Download"),
                                  -1);
}

void
_mw_window_add_download_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  MwWindow *self = MW_WINDOW (widget);

  if (feeds_visible (self))
    {
      gtk_menu_button_popup (self->add_button);
      gtk_widget_grab_focus (GTK_WIDGET (self->feed_entry));
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->add_error_label), FALSE);
  gtk_menu_button_popup (self->add_button);
  gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
}

/* Enter in an entry of a popover does what the popover's button does: GTK 4.8's popovers
 * never activate their default widget. */
static void
add_entry_activated_cb (MwWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.add-from-entry", NULL);
}

static void
feed_entry_activated_cb (MwWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.subscribe-from-entry", NULL);
}

/* --- Subscribing ------------------------------------------------------------------- */

static void
show_subscribe_error (MwWindow   *self,
                      const char *message)
{
  gtk_label_set_text (self->subscribe_error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->subscribe_error_label), message != NULL);
}

static void
clear_choices (MwWindow *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->choices_box))) != NULL)
    gtk_list_box_remove (self->choices_box, row);
  gtk_widget_set_visible (GTK_WIDGET (self->choices_box), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->choices_label), FALSE);
}

/* While a subscription is under way the address stays as it was sent, and Subscribe (or
 * Enter) waits. The entry keeps its focus: made insensitive, it would lose it without
 * GTK telling it so. */
static void
set_subscribing (MwWindow *self,
                 gboolean  subscribing)
{
  gtk_editable_set_editable (GTK_EDITABLE (self->feed_entry), !subscribing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.subscribe-from-entry", !subscribing);
}

static void subscribe_to (MwWindow *self, const char *url);

static void
choice_clicked_cb (GtkButton *button,
                   MwWindow  *self)
{
  g_autofree char *url = g_strdup (gtk_widget_get_tooltip_text (GTK_WIDGET (button)));

  clear_choices (self);
  subscribe_to (self, url);
}

static void
subscribed_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  g_autoptr(GPtrArray) choices = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = NULL;

  feed = mw_feed_list_subscribe_finish (MW_FEED_LIST (source_object), result, &choices, &error);
  set_subscribing (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (feed != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->feed_entry), "");
      gtk_popover_popdown (self->subscribe_popover);
      adw_view_stack_set_visible_child_name (self->view_stack, "feeds");
      mw_feeds_page_select_feed (self->feeds_page, feed);
      return;
    }

  if (choices != NULL)
    {
      /* The page offers several: let the person choose, right here. */
      for (guint i = 0; i < choices->len; i++)
        {
          MwDiscoveredFeed *choice = g_ptr_array_index (choices, i);
          GtkWidget *button = gtk_button_new_with_label (choice->title ? choice->title : choice->url);

          gtk_widget_set_tooltip_text (button, choice->url);
          gtk_widget_add_css_class (button, "flat");
          g_signal_connect (button, "clicked", G_CALLBACK (choice_clicked_cb), self);
          gtk_list_box_append (self->choices_box, button);
        }
      gtk_widget_set_visible (GTK_WIDGET (self->choices_box), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->choices_label), TRUE);
      gtk_menu_button_popup (self->add_button);
      return;
    }

  /* Said once: under the address while the popover is open, where it can be corrected at
   * once; in a toast if the popover was closed meanwhile (or never opened, for an address
   * from the command line), and then not again when it is next opened. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->subscribe_popover)))
    {
      show_subscribe_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->feed_entry));
    }
  else
    {
      show_subscribe_error (self, NULL);
      mw_window_show_message (self, error->message);
    }
}

static void
subscribe_to (MwWindow   *self,
              const char *url)
{
  show_subscribe_error (self, NULL);
  clear_choices (self);
  set_subscribing (self, TRUE);
  mw_feed_list_subscribe_async (mw_application_get_feeds (self->application), url, self->cancellable,
                                subscribed_cb, g_object_ref (self));
}

/* Subscribes to URL as if typed into the subscribe box, showing the outcome there. */
void
mw_window_subscribe (MwWindow   *self,
                     const char *url)
{
  g_return_if_fail (MW_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "feeds");
  gtk_editable_set_text (GTK_EDITABLE (self->feed_entry), url);
  subscribe_to (self, url);
}

void
_mw_window_subscribe_from_entry_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  MwWindow *self = MW_WINDOW (widget);

  subscribe_to (self, gtk_editable_get_text (GTK_EDITABLE (self->feed_entry)));
}

void
_mw_window_header_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, add_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, feed_entry_activated_cb);
}
