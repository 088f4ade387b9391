/* mw-feed-row.c: one subscription in the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Title, unread count, and a badge when the last refresh failed, with the reason as its
 * tooltip. All feed text goes in as plain text: labels here never parse markup.
 */
#define G_LOG_DOMAIN "mw-feed-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-feed-row.h"

struct _MwFeedRow
{
  GtkWidget  parent_instance;

  MwFeed    *feed;
  GtkLabel  *title;
  GtkLabel  *count;
  GtkImage  *badge;
};

G_DEFINE_FINAL_TYPE (MwFeedRow, mw_feed_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_FEED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (MwFeedRow *self)
{
  g_autofree char *title = NULL;
  g_autofree char *count = NULL;
  g_autofree char *count_label = NULL;
  const char *error;
  guint unread;

  if (self->feed == NULL)
    return;

  title = mw_feed_dup_display_title (self->feed);
  gtk_label_set_text (self->title, title);
  mw_widget_set_tooltip (GTK_WIDGET (self->title), mw_feed_get_url (self->feed));

  unread = mw_feed_get_unread_count (self->feed);
  count = g_strdup_printf ("%u", unread);
  gtk_label_set_text (self->count, count);
  gtk_widget_set_visible (GTK_WIDGET (self->count), unread > 0);
  count_label = g_strdup_printf (ngettext ("%u unread", "%u unread", unread), unread);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->count), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  count_label, -1);

  error = mw_feed_get_error_message (self->feed);
  gtk_widget_set_visible (GTK_WIDGET (self->badge), error != NULL);
  mw_widget_set_tooltip (GTK_WIDGET (self->badge), error);
  if (mw_feed_get_refreshing (self->feed))
    gtk_widget_add_css_class (GTK_WIDGET (self->title), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->title), "dim-label");
}

MwFeed *
mw_feed_row_get_feed (MwFeedRow *self)
{
  g_return_val_if_fail (MW_IS_FEED_ROW (self), NULL);
  return self->feed;
}

void
mw_feed_row_set_feed (MwFeedRow *self,
                      MwFeed    *feed)
{
  g_return_if_fail (MW_IS_FEED_ROW (self));

  if (self->feed == feed)
    return;
  if (self->feed != NULL)
    g_signal_handlers_disconnect_by_data (self->feed, self);
  g_set_object (&self->feed, feed);
  if (feed != NULL)
    g_signal_connect_object (feed, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FEED]);
}

static void
mw_feed_row_dispose (GObject *object)
{
  MwFeedRow *self = MW_FEED_ROW (object);
  GtkWidget *child;

  mw_feed_row_set_feed (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MW_TYPE_FEED_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mw_feed_row_parent_class)->dispose (object);
}

static void
mw_feed_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_FEED:
      g_value_set_object (value, MW_FEED_ROW (object)->feed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_feed_row_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_FEED:
      mw_feed_row_set_feed (MW_FEED_ROW (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_feed_row_class_init (MwFeedRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_feed_row_dispose;
  object_class->get_property = mw_feed_row_get_property;
  object_class->set_property = mw_feed_row_set_property;

  properties[PROP_FEED] =
    g_param_spec_object ("feed", NULL, NULL, MW_TYPE_FEED,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/mw-feed-row.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "feedrow");
  gtk_widget_class_bind_template_child (widget_class, MwFeedRow, title);
  gtk_widget_class_bind_template_child (widget_class, MwFeedRow, count);
  gtk_widget_class_bind_template_child (widget_class, MwFeedRow, badge);
}

static void
mw_feed_row_init (MwFeedRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_object_set (gtk_widget_get_layout_manager (GTK_WIDGET (self)), "spacing", 6, NULL);
}
