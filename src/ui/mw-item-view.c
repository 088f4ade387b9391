/* mw-item-view.c: a feed item's HTML, shown as readable text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feed content is written by strangers. mw-article-text.c turns it into plain text and
 * styled spans, within bounds; the view puts that text into its buffer in one plain
 * insert (far cheaper than one per piece of text) and gives each span a tag chosen here:
 * nothing of it is ever read as Pango markup, loaded, run or opened. Only http and https
 * links can be activated, and the view only reports them; the window decides what to do.
 * Screen readers ask GTK for the formatting of the text, which GTK reads from the tags:
 * no tag may set a text colour where that crashes GTK (update_colors()).
 */
#define G_LOG_DOMAIN "mw-item-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "mw-article-text.h"
#include "mw-compat.h"
#include "mw-item-view.h"

#define MARGIN_PX       12
#define INDENT_PX       24
#define INDENT_LEVELS   8

typedef struct
{
  GtkTextTag *tag;
  char       *uri;
} Link;

typedef enum
{
  MARKER_BULLET,
  MARKER_NUMBER,
  N_MARKERS
} MarkerKind;

struct _MwItemView
{
  GtkTextView  parent_instance;

  GPtrArray   *links;        /* Link *, in the order they appear */
  GHashTable  *link_by_tag;  /* GtkTextTag * → Link *, both owned by links */
  gboolean     over_link;
  int          marker_widths[N_MARKERS];

  GtkTextTag  *bold;
  GtkTextTag  *italic;
  GtkTextTag  *underline;
  GtkTextTag  *strike;
  GtkTextTag  *mono;
  GtkTextTag  *pre;
  GtkTextTag  *small;
  GtkTextTag  *sub;
  GtkTextTag  *sup;
  GtkTextTag  *dim;
  GtkTextTag  *link;
  GtkTextTag  *headings[6];
  GtkTextTag  *block_indents[INDENT_LEVELS];
  GtkTextTag  *list_indents[N_MARKERS][INDENT_LEVELS];
};

#if MW_COMPAT_GTK_4_14
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static GtkAccessibleTextInterface *parent_accessible_text;

/* GTK 4.18 answers a screen reader's GetAttributeValue by reading the list of attribute
 * names that a text view leaves unset where no tag applies (plain text, and the end),
 * and crashes there. Plain text says so instead: its style is normal. */
static gboolean
accessible_text_get_attributes (GtkAccessibleText       *text,
                                unsigned int             offset,
                                gsize                   *n_ranges,
                                GtkAccessibleTextRange **ranges,
                                char                  ***names,
                                char                  ***values)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text));
  GtkTextIter end;

  *n_ranges = 0;
  *ranges = NULL;
  *names = NULL;
  *values = NULL;
  if (parent_accessible_text->get_attributes (text, offset, n_ranges, ranges, names, values) &&
      *n_ranges > 0 && *names != NULL && *values != NULL)
    return TRUE;

  g_clear_pointer (ranges, g_free);
  g_clear_pointer (names, g_strfreev);
  g_clear_pointer (values, g_strfreev);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, (int) offset);
  gtk_text_iter_forward_to_tag_toggle (&end, NULL);
  *n_ranges = 1;
  *ranges = g_new0 (GtkAccessibleTextRange, 1);
  (*ranges)[0].start = offset;
  (*ranges)[0].length = (gsize) MAX (gtk_text_iter_get_offset (&end) - (int) offset, 0);
  *names = g_new0 (char *, 2);
  (*names)[0] = g_strdup ("style");
  *values = g_new0 (char *, 2);
  (*values)[0] = g_strdup ("normal");
  return TRUE;
}

static void
mw_item_view_accessible_text_init (GtkAccessibleTextInterface *iface)
{
  parent_accessible_text = g_type_interface_peek_parent (iface);
  iface->get_attributes = accessible_text_get_attributes;
}

/* Only where the text view itself has the interface, whose other answers stay its own. */
G_DEFINE_FINAL_TYPE_WITH_CODE (MwItemView, mw_item_view, GTK_TYPE_TEXT_VIEW,
                               if (g_type_is_a (GTK_TYPE_TEXT_VIEW, GTK_TYPE_ACCESSIBLE_TEXT))
                                 G_IMPLEMENT_INTERFACE (GTK_TYPE_ACCESSIBLE_TEXT, mw_item_view_accessible_text_init))
G_GNUC_END_IGNORE_DEPRECATIONS
#else
G_DEFINE_FINAL_TYPE (MwItemView, mw_item_view, GTK_TYPE_TEXT_VIEW)
#endif

enum {
  LINK_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
link_free (gpointer data)
{
  Link *link = data;

  g_free (link->uri);
  g_free (link);
}

/* --- The view ----------------------------------------------------------------------- */

static void set_over_link (MwItemView *self,
                           gboolean    over_link);

/* The text goes first: a tag removed from a table is looked for in all the text. */
static void
clear (MwItemView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);

  gtk_text_buffer_set_text (buffer, "", 0);
  g_hash_table_remove_all (self->link_by_tag);
  for (guint i = 0; i < self->links->len; i++)
    gtk_text_tag_table_remove (table, ((Link *) g_ptr_array_index (self->links, i))->tag);
  g_ptr_array_set_size (self->links, 0);
}

/* The tag that gives a span its look. */
static GtkTextTag *
span_tag (MwItemView          *self,
          const MwArticleSpan *span)
{
  guint level = CLAMP (span->level, 1, INDENT_LEVELS) - 1;

  switch (span->style)
    {
    case MW_ARTICLE_STYLE_BOLD:
      return self->bold;
    case MW_ARTICLE_STYLE_ITALIC:
      return self->italic;
    case MW_ARTICLE_STYLE_UNDERLINE:
      return self->underline;
    case MW_ARTICLE_STYLE_STRIKETHROUGH:
      return self->strike;
    case MW_ARTICLE_STYLE_CODE:
      return self->mono;
    case MW_ARTICLE_STYLE_PREFORMATTED:
      return self->pre;
    case MW_ARTICLE_STYLE_SMALL:
      return self->small;
    case MW_ARTICLE_STYLE_SUBSCRIPT:
      return self->sub;
    case MW_ARTICLE_STYLE_SUPERSCRIPT:
      return self->sup;
    case MW_ARTICLE_STYLE_HEADING:
      return self->headings[CLAMP (span->level, 1, G_N_ELEMENTS (self->headings)) - 1];
    case MW_ARTICLE_STYLE_INDENT:
      return self->block_indents[level];
    case MW_ARTICLE_STYLE_LIST_ITEM:
      return self->list_indents[MARKER_BULLET][level];
    case MW_ARTICLE_STYLE_NUMBERED_LIST_ITEM:
      return self->list_indents[MARKER_NUMBER][level];
    case MW_ARTICLE_STYLE_QUOTE:
    case MW_ARTICLE_STYLE_IMAGE:
      return self->dim;
    case MW_ARTICLE_STYLE_LINK:
      return self->link;
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
apply_tag (GtkTextBuffer       *buffer,
           GtkTextTag          *tag,
           const MwArticleSpan *span)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_offset (buffer, &start, span->start);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, span->end);
  gtk_text_buffer_apply_tag (buffer, tag, &start, &end);
}

/* Each link gets a tag of its own besides its look, by which a click finds it. */
static void
fill (MwItemView    *self,
      GtkTextBuffer *buffer,
      MwArticleText *article)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextIter iter;

  for (guint i = 0; i < article->links->len; i++)
    {
      Link *link = g_new0 (Link, 1);

      link->uri = g_strdup (g_ptr_array_index (article->links, i));
      link->tag = gtk_text_tag_new (NULL);
      gtk_text_tag_table_add (table, link->tag);
      g_object_unref (link->tag);
      g_ptr_array_add (self->links, link);
      g_hash_table_insert (self->link_by_tag, link->tag, link);
    }

  gtk_text_buffer_get_start_iter (buffer, &iter);
  gtk_text_buffer_insert (buffer, &iter, article->text, article->length);

  for (guint i = 0; i < article->spans->len; i++)
    {
      const MwArticleSpan *span = &g_array_index (article->spans, MwArticleSpan, i);
      GtkTextTag *tag = span_tag (self, span);

      if (span->style == MW_ARTICLE_STYLE_LINK && span->link < self->links->len)
        apply_tag (buffer, ((Link *) g_ptr_array_index (self->links, span->link))->tag, span);
      if (tag != NULL)
        apply_tag (buffer, tag, span);
    }
}

void
mw_item_view_set_html (MwItemView *self,
                       const char *html,
                       const char *base_url)
{
  g_autoptr(MwArticleText) article = NULL;
  GtkTextBuffer *buffer;
  GtkAdjustment *adjustment;
  GtkTextIter start;

  g_return_if_fail (MW_IS_ITEM_VIEW (self));

  clear (self);
  set_over_link (self, FALSE);
  if (html == NULL)
    return;

  article = mw_article_text_new (html, base_url);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  if (g_utf8_validate_len (article->text, article->length, NULL))
    fill (self, buffer, article);
  else
    g_critical ("Item text is not valid UTF-8");
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self));
  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, 0);
}

char *
mw_item_view_dup_text (MwItemView *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (MW_IS_ITEM_VIEW (self), NULL);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

GStrv
mw_item_view_dup_links (MwItemView *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (MW_IS_ITEM_VIEW (self), NULL);

  for (guint i = 0; i < self->links->len; i++)
    g_strv_builder_add (builder, ((Link *) g_ptr_array_index (self->links, i))->uri);
  return g_strv_builder_end (builder);
}

static Link *
link_at_iter (MwItemView        *self,
              const GtkTextIter *iter)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);
  Link *found = NULL;

  /* The list goes up in priority: the last link is the innermost. */
  for (GSList *l = tags; l != NULL; l = l->next)
    {
      Link *link = g_hash_table_lookup (self->link_by_tag, l->data);

      if (link != NULL)
        found = link;
    }
  return found;
}

static gboolean
emit_link_activated (MwItemView *self,
                     Link       *link)
{
  g_autofree char *uri = NULL;

  if (link == NULL)
    return FALSE;
  /* A handler may well show another item, which frees this link. */
  uri = g_strdup (link->uri);
  g_signal_emit (self, signals[LINK_ACTIVATED], 0, uri);
  return TRUE;
}

/* What a click on the character at char_offset does; for tests. */
gboolean
mw_item_view_activate_link_at_offset (MwItemView *self,
                                      int         char_offset)
{
  GtkTextIter iter;

  g_return_val_if_fail (MW_IS_ITEM_VIEW (self), FALSE);

  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &iter,
                                      char_offset);
  return emit_link_activated (self, link_at_iter (self, &iter));
}

static gboolean
iter_at_point (MwItemView  *self,
               double       x,
               double       y,
               GtkTextIter *iter)
{
  int buffer_x, buffer_y;

  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET, (int) x,
                                         (int) y, &buffer_x, &buffer_y);
  return gtk_text_view_get_iter_at_location (GTK_TEXT_VIEW (self), iter, buffer_x, buffer_y);
}

static Link *
link_at_point (MwItemView *self,
               double      x,
               double      y)
{
  GtkTextIter iter;

  if (!iter_at_point (self, x, y, &iter))
    return NULL;
  return link_at_iter (self, &iter);
}

/* The link the text cursor is in or just after, for the keyboard. */
static Link *
link_at_cursor (MwItemView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter iter;
  Link *link;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  link = link_at_iter (self, &iter);
  if (link == NULL && gtk_text_iter_backward_char (&iter))
    link = link_at_iter (self, &iter);
  return link;
}

static void
click_released_cb (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   MwItemView      *self)
{
  GdkModifierType state;
  GtkTextIter iter;

  /* Dragging to select cancels the click; shift and control clicks select too. */
  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  if (n_press != 1 || (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0)
    return;
  if (iter_at_point (self, x, y, &iter))
    emit_link_activated (self, link_at_iter (self, &iter));
}

static void
set_over_link (MwItemView *self,
               gboolean    over_link)
{
  if (self->over_link == over_link)
    return;
  self->over_link = over_link;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), over_link ? "pointer" : "text");
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           MwItemView               *self)
{
  set_over_link (self, link_at_point (self, x, y) != NULL);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          MwItemView               *self)
{
  set_over_link (self, FALSE);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                MwItemView            *self)
{
  if ((keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter) ||
      (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  return emit_link_activated (self, link_at_cursor (self));
}

/* Where the link goes, before anyone follows it; plain text, never markup. */
static gboolean
query_tooltip_cb (MwItemView *self,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip)
{
  Link *link = keyboard_mode ? link_at_cursor (self) : link_at_point (self, x, y);

  if (link == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, link->uri);
  return TRUE;
}

static void
open_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  emit_link_activated (MW_ITEM_VIEW (widget), link_at_cursor (MW_ITEM_VIEW (widget)));
}

/* Adwaita's link blue, its dimmed text and a shade for code, in each style. Where a
 * text colour would crash the application when a screen reader asks about it
 * (mw_text_tag_foreground_is_safe()), a link's underline is blue instead and dimmed
 * text is slanted (see mw_item_view_init()). */
static void
update_colors (MwItemView *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GdkRGBA link, dim, shade;

  gdk_rgba_parse (&link, dark ? "#78aeed" : "#1c71d8");
  gdk_rgba_parse (&dim, dark ? "#c0bfbc" : "#5e5c64");
  gdk_rgba_parse (&shade, dark ? "#303030" : "#f0f0f0");
  if (mw_text_tag_foreground_is_safe ())
    {
      g_object_set (self->link, "foreground-rgba", &link, NULL);
      g_object_set (self->dim, "foreground-rgba", &dim, NULL);
    }
  else
    {
      g_object_set (self->link, "underline-rgba", &link, NULL);
    }
  g_object_set (self->pre, "paragraph-background-rgba", &shade, NULL);
}

/* A wrapped line of a list item starts under the item's text, not under its marker. */
static void
update_list_indents (MwItemView *self)
{
  const char *samples[N_MARKERS] = { "• ", "0. " };

  for (guint kind = 0; kind < N_MARKERS; kind++)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                                      samples[kind]);
      int width;

      pango_layout_get_pixel_size (layout, &width, NULL);
      /* A changed tag lays the whole text out again: only when the font did change. */
      if (width == self->marker_widths[kind])
        continue;
      self->marker_widths[kind] = width;
      for (guint level = 0; level < INDENT_LEVELS; level++)
        g_object_set (self->list_indents[kind][level],
                      "left-margin", MARGIN_PX + (int) (level + 1) * INDENT_PX,
                      "indent", -width,
                      NULL);
    }
}

static void
mw_item_view_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (mw_item_view_parent_class)->css_changed (widget, change);
  update_list_indents (MW_ITEM_VIEW (widget));
}

static void
mw_item_view_finalize (GObject *object)
{
  MwItemView *self = MW_ITEM_VIEW (object);

  g_clear_pointer (&self->link_by_tag, g_hash_table_unref);
  g_clear_pointer (&self->links, g_ptr_array_unref);

  G_OBJECT_CLASS (mw_item_view_parent_class)->finalize (object);
}

static void
mw_item_view_class_init (MwItemViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = mw_item_view_finalize;
  widget_class->css_changed = mw_item_view_css_changed;

  /**
   * MwItemView::link-activated:
   * @uri: the absolute http or https URI of the link
   *
   * The user clicked a link, or pressed Enter in one. The view opens nothing itself.
   */
  signals[LINK_ACTIVATED] =
    g_signal_new ("link-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "item.open-link", NULL, open_link_action);
}

static void
mw_item_view_init (MwItemView *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkEventController *controller;
  const double heading_scales[6] = { 1.6, 1.4, 1.2, 1.1, 1.0, 0.9 };

  self->links = g_ptr_array_new_with_free_func (link_free);
  self->link_by_tag = g_hash_table_new (NULL, NULL);

  gtk_text_view_set_editable (view, FALSE);
  gtk_text_view_set_cursor_visible (view, TRUE);
  gtk_text_view_set_wrap_mode (view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (view, MARGIN_PX);
  gtk_text_view_set_right_margin (view, MARGIN_PX);
  gtk_text_view_set_top_margin (view, MARGIN_PX);
  gtk_text_view_set_bottom_margin (view, MARGIN_PX);
  gtk_text_view_set_pixels_below_lines (view, 2);
  gtk_text_view_set_pixels_inside_wrap (view, 2);
  gtk_text_buffer_set_enable_undo (buffer, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Article text"),
                                  -1);

  /* Later tags win: deeper indents over shallower ones, links over dimmed text. */
  self->bold = gtk_text_buffer_create_tag (buffer, NULL, "weight", PANGO_WEIGHT_BOLD, NULL);
  self->italic = gtk_text_buffer_create_tag (buffer, NULL, "style", PANGO_STYLE_ITALIC, NULL);
  self->underline = gtk_text_buffer_create_tag (buffer, NULL, "underline", PANGO_UNDERLINE_SINGLE,
                                                NULL);
  self->strike = gtk_text_buffer_create_tag (buffer, NULL, "strikethrough", TRUE, NULL);
  self->mono = gtk_text_buffer_create_tag (buffer, NULL, "family", "monospace", NULL);
  /* Each line of a <pre> is a paragraph of its own, so the indent keeps all of them clear
   * of the edge of their shade. */
  self->pre = gtk_text_buffer_create_tag (buffer, NULL, "family", "monospace", "indent", 8, NULL);
  self->small = gtk_text_buffer_create_tag (buffer, NULL, "scale", 0.85, NULL);
  self->sub = gtk_text_buffer_create_tag (buffer, NULL, "scale", 0.75, "rise", -3 * PANGO_SCALE,
                                          NULL);
  self->sup = gtk_text_buffer_create_tag (buffer, NULL, "scale", 0.75, "rise", 6 * PANGO_SCALE,
                                          NULL);
  for (guint i = 0; i < G_N_ELEMENTS (self->headings); i++)
    self->headings[i] = gtk_text_buffer_create_tag (buffer, NULL,
                                                    "weight", PANGO_WEIGHT_BOLD,
                                                    "scale", heading_scales[i],
                                                    NULL);
  for (guint level = 0; level < INDENT_LEVELS; level++)
    {
      self->block_indents[level] =
        gtk_text_buffer_create_tag (buffer, NULL,
                                    "left-margin", MARGIN_PX + (int) (level + 1) * INDENT_PX,
                                    NULL);
      for (guint kind = 0; kind < N_MARKERS; kind++)
        self->list_indents[kind][level] = gtk_text_buffer_create_tag (buffer, NULL, NULL);
    }
  self->dim = gtk_text_buffer_create_tag (buffer, NULL, NULL);
  if (!mw_text_tag_foreground_is_safe ())
    g_object_set (self->dim, "style", PANGO_STYLE_ITALIC, NULL);
  self->link = gtk_text_buffer_create_tag (buffer, NULL, "underline", PANGO_UNDERLINE_SINGLE, NULL);
  update_colors (self);
  update_list_indents (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_colors), self, G_CONNECT_SWAPPED);

  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (controller), GDK_BUTTON_PRIMARY);
  g_signal_connect (controller, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* Before the text view's own handling, which would do nothing with Enter here. */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
mw_item_view_new (void)
{
  return g_object_new (MW_TYPE_ITEM_VIEW, NULL);
}
