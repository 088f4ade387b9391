/* mw-article-row.c: one article in a list of articles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Title (bold while unread), source and age, and a star: a toggle named after the
 * article, pressed while it is starred. Feed text is set as plain text.
 */
#define G_LOG_DOMAIN "mw-article-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-article-row.h"
#include "mw-feed.h"
#include "mw-format.h"

struct _MwArticleRow
{
  GtkWidget   parent_instance;

  MwFeedItem *item;
  GtkLabel   *title;
  GtkLabel   *details;
  GtkToggleButton *star;
};

G_DEFINE_FINAL_TYPE (MwArticleRow, mw_article_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (MwArticleRow *self)
{
  g_autoptr(GObject) feed = NULL;
  g_autofree char *source = NULL;
  g_autofree char *age = NULL;
  g_autofree char *details = NULL;
  g_autofree char *star_name = NULL;
  const char *title;
  gboolean starred;

  if (self->item == NULL)
    return;

  title = mw_feed_item_get_title (self->item);
  if (title == NULL || *title == '\0')
    title = _("Untitled");
  gtk_label_set_text (self->title, title);
  if (mw_feed_item_get_read (self->item))
    gtk_widget_remove_css_class (GTK_WIDGET (self->title), "heading");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->title), "heading");

  feed = mw_feed_item_dup_feed (self->item);
  source = feed ? mw_feed_dup_display_title (MW_FEED (feed)) : g_strdup ("");
  age = mw_format_date (mw_feed_item_get_date (self->item), g_get_real_time () / G_USEC_PER_SEC,
                        MW_DATE_SHORT);
  details = *age ? g_strdup_printf ("%s · %s", source, age) : g_strdup (source);
  gtk_label_set_text (self->details, details);

  /* The toggle's handler sees the same value and leaves the article alone. The state is
   * said even before the first toggle, which alone would set it. */
  starred = mw_feed_item_get_starred (self->item);
  gtk_toggle_button_set_active (self->star, starred);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->star), GTK_ACCESSIBLE_STATE_PRESSED,
                               starred ? GTK_ACCESSIBLE_TRISTATE_TRUE : GTK_ACCESSIBLE_TRISTATE_FALSE, -1);
  gtk_button_set_icon_name (GTK_BUTTON (self->star), starred ? "starred-symbolic" : "non-starred-symbolic");
  /* TRANSLATORS: the accessible name of an article's star toggle; %s is its title */
  star_name = g_strdup_printf (_("Star %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->star), GTK_ACCESSIBLE_PROPERTY_LABEL, star_name, -1);
}

static void
star_toggled_cb (MwArticleRow *self)
{
  gboolean active = gtk_toggle_button_get_active (self->star);

  if (self->item != NULL && mw_feed_item_get_starred (self->item) != active)
    mw_feed_item_set_starred (self->item, active);
}

MwFeedItem *
mw_article_row_get_item (MwArticleRow *self)
{
  g_return_val_if_fail (MW_IS_ARTICLE_ROW (self), NULL);
  return self->item;
}

void
mw_article_row_set_item (MwArticleRow *self,
                         MwFeedItem   *item)
{
  g_return_if_fail (MW_IS_ARTICLE_ROW (self));

  if (self->item == item)
    return;
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_set_object (&self->item, item);
  if (item != NULL)
    g_signal_connect_object (item, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

static void
mw_article_row_dispose (GObject *object)
{
  MwArticleRow *self = MW_ARTICLE_ROW (object);
  GtkWidget *child;

  mw_article_row_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MW_TYPE_ARTICLE_ROW);
  /* The template's unnamed box is a child too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mw_article_row_parent_class)->dispose (object);
}

static void
mw_article_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, MW_ARTICLE_ROW (object)->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_article_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_ITEM:
      mw_article_row_set_item (MW_ARTICLE_ROW (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_article_row_class_init (MwArticleRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_article_row_dispose;
  object_class->get_property = mw_article_row_get_property;
  object_class->set_property = mw_article_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, MW_TYPE_FEED_ITEM,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/mw-article-row.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "articlerow");
  gtk_widget_class_bind_template_child (widget_class, MwArticleRow, title);
  gtk_widget_class_bind_template_child (widget_class, MwArticleRow, details);
  gtk_widget_class_bind_template_child (widget_class, MwArticleRow, star);
  gtk_widget_class_bind_template_callback (widget_class, star_toggled_cb);
}

static void
mw_article_row_init (MwArticleRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_object_set (gtk_widget_get_layout_manager (GTK_WIDGET (self)), "spacing", 6, NULL);
  mw_widget_set_tooltip (GTK_WIDGET (self->star), _("Star"));
}
