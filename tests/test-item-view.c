/* test-item-view.c: an article shown as text with tags, and links to click, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What an article's HTML becomes (text, spans, links, limits) is tested without a display
 * in test-article-text.c; here, what the view makes of it.
 */
#define G_LOG_DOMAIN "test-item-view"

#include "config.h"

#include <adwaita.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "mw-compat.h"
#include "mw-item-view.h"

#define BASE "https://example.org/news/item.html"

static MwItemView *
new_view (void)
{
  return MW_ITEM_VIEW (g_object_ref_sink (mw_item_view_new ()));
}

static int
offset_of (MwItemView *view,
           const char *needle)
{
  g_autofree char *text = mw_item_view_dup_text (view);
  const char *found = strstr (text, needle);

  g_assert_nonnull (found);
  return (int) g_utf8_pointer_to_offset (text, found);
}

static void
iterate_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
}

static void
test_clear (void)
{
  g_autoptr(MwItemView) view = new_view ();
  g_autofree char *text = NULL;
  g_auto(GStrv) links = NULL;

  mw_item_view_set_html (view, "<p><a href=\"https://example.org/\">x</a></p>", NULL);
  mw_item_view_set_html (view, NULL, NULL);
  text = mw_item_view_dup_text (view);
  links = mw_item_view_dup_links (view);
  g_assert_cmpstr (text, ==, "");
  g_assert_cmpuint (g_strv_length (links), ==, 0);
  g_assert_false (mw_item_view_activate_link_at_offset (view, 0));
}

static const char links_html[] =
  "<p><a href=\"/about\">About</a>, <a href=\"next.html\">next</a>, "
  "<a href=\"//cdn.example.net/x\">cdn</a>, <a href=\"https://other.example/y?a=1&amp;b=2\">other</a>, "
  "<a href=\"javascript:alert(1)\">js</a>, <a href=\"file:///etc/passwd\">file</a>, "
  "<a href=\"data:text/html,hi\">data</a>, <a href=\" java&#9;script:alert(2)\">tab</a>, "
  "<a href=\"mailto:team@example.org\">mail</a>, <a href=\"#top\">top</a>, "
  "<a href=\"HTTP://example.com/Caps\">caps</a>, <a href=\"https://example.com/a b\">space</a>, "
  "<a href=\"https://pixel.example/\"><img src=\"p.gif\"></a><a>no href</a>, "
  "<a href=\"https://example.com/img\"><img src=\"i.png\" alt=\"logo\"></a> "
  "<a href=\"http:///nohost\">nohost</a></p>";

static void
record_uri_cb (MwItemView *view,
               const char *uri,
               GPtrArray  *uris)
{
  g_ptr_array_add (uris, g_strdup (uri));
}

static void
replace_content_cb (MwItemView *view,
                    const char *uri,
                    gpointer    user_data)
{
  /* As the window may do: show something else at once. */
  mw_item_view_set_html (view, "<p>next item</p>", NULL);
  g_assert_true (g_str_has_prefix (uri, "https://"));
}

static void
test_activate (void)
{
  GtkWidget *window = gtk_window_new ();
  MwItemView *view = MW_ITEM_VIEW (mw_item_view_new ());
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) links = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter iter;
  gulong handler;

  gtk_window_set_default_size (GTK_WINDOW (window), 400, 300);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (view)))
    g_main_context_iteration (NULL, TRUE);

  mw_item_view_set_html (view, links_html, BASE);
  g_signal_connect (view, "link-activated", G_CALLBACK (record_uri_cb), uris);
  links = mw_item_view_dup_links (view);
  g_assert_cmpuint (g_strv_length (links), ==, 8);
  g_assert_cmpstr (links[7], ==, "https://example.com/img");

  g_assert_true (mw_item_view_activate_link_at_offset (view, offset_of (view, "About") + 2));
  g_assert_true (mw_item_view_activate_link_at_offset (view, offset_of (view, "other")));
  g_assert_true (mw_item_view_activate_link_at_offset (view, offset_of (view, "[logo]") + 1));
  g_assert_cmpuint (uris->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (uris, 0), ==, "https://example.org/about");
  g_assert_cmpstr (g_ptr_array_index (uris, 1), ==, "https://other.example/y?a=1&b=2");
  g_assert_cmpstr (g_ptr_array_index (uris, 2), ==, "https://example.com/img");

  /* Not links: nothing happens. */
  g_assert_false (mw_item_view_activate_link_at_offset (view, offset_of (view, "js") + 1));
  g_assert_false (mw_item_view_activate_link_at_offset (view, offset_of (view, "file") + 1));
  g_assert_false (mw_item_view_activate_link_at_offset (view, offset_of (view, "data") + 1));
  g_assert_false (mw_item_view_activate_link_at_offset (view, offset_of (view, "tab") + 1));
  g_assert_false (mw_item_view_activate_link_at_offset (view, offset_of (view, "mail") + 1));
  g_assert_false (mw_item_view_activate_link_at_offset (view, offset_of (view, ", next")));
  g_assert_false (mw_item_view_activate_link_at_offset (view, 100000));
  g_assert_cmpuint (uris->len, ==, 3);

  /* The keyboard's way: the cursor in a link, then Enter (the same action). */
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset_of (view, "cdn") + 1);
  gtk_text_buffer_place_cursor (buffer, &iter);
  gtk_widget_activate_action (GTK_WIDGET (view), "item.open-link", NULL);
  g_assert_cmpuint (uris->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (uris, 3), ==, "https://cdn.example.net/x");
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset_of (view, "js") + 1);
  gtk_text_buffer_place_cursor (buffer, &iter);
  gtk_widget_activate_action (GTK_WIDGET (view), "item.open-link", NULL);
  g_assert_cmpuint (uris->len, ==, 4);

  /* A handler that replaces the content frees the link during the emission. */
  handler = g_signal_connect (view, "link-activated", G_CALLBACK (replace_content_cb), NULL);
  g_assert_true (mw_item_view_activate_link_at_offset (view, offset_of (view, "About")));
  g_assert_cmpuint (uris->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (uris, 4), ==, "https://example.org/about");
  g_signal_handler_disconnect (view, handler);
  g_assert_false (mw_item_view_activate_link_at_offset (view, 1));

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (20);
}

static void
check_no_red (GtkTextTag *tag,
              gpointer    user_data)
{
  gboolean foreground_set, background_set;
  GdkRGBA *foreground = NULL;
  char *family = NULL;

  g_object_get (tag,
                "foreground-set", &foreground_set,
                "foreground-rgba", &foreground,
                "background-set", &background_set,
                "family", &family,
                NULL);
  if (foreground_set)
    g_assert_false (foreground->red > 0.9 && foreground->green < 0.2 && foreground->blue < 0.2);
  g_assert_false (background_set);
  g_assert_true (family == NULL || g_str_equal (family, "monospace"));
  g_clear_pointer (&foreground, gdk_rgba_free);
  g_free (family);
}

static void
test_markup_injection (void)
{
  g_autoptr(MwItemView) view = new_view ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  g_autofree char *text = NULL;
  GtkTextIter iter;
  g_autoptr(GSList) tags = NULL;

  mw_item_view_set_html (view,
                         "<p>&lt;span foreground=\"red\" font=\"Serif 72\"&gt;red?&lt;/span&gt; "
                         "&lt;b&gt;bold?&lt;/b&gt; &amp;lt;i&amp;gt;</p>"
                         "<p><span foreground=\"red\" style=\"color: red; font-family: Serif\">"
                         "<font color=\"red\" face=\"Serif\">x</font></span>"
                         "<span style=\"background: red\" bgcolor=\"red\">y</span></p>",
                         NULL);
  text = mw_item_view_dup_text (view);
  g_assert_cmpstr (text, ==,
                   "<span foreground=\"red\" font=\"Serif 72\">red?</span> <b>bold?</b> "
                   "&lt;i&gt;\n\nxy");
  gtk_text_tag_table_foreach (gtk_text_buffer_get_tag_table (buffer), check_no_red, NULL);

  /* Literal text carries no tag at all. */
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset_of (view, "bold?"));
  tags = gtk_text_iter_get_tags (&iter);
  g_assert_null (tags);
}

/* The tag of the highest priority at the start of NEEDLE that sets PROPERTY, or NULL. */
static GtkTextTag *
tag_setting_or_null (MwItemView *view,
                     const char *needle,
                     const char *property)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  g_autofree char *set_property = g_strconcat (property, "-set", NULL);
  g_autoptr(GSList) tags = NULL;
  GtkTextTag *found = NULL;
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset_of (view, needle));
  tags = gtk_text_iter_get_tags (&iter);
  for (GSList *l = tags; l != NULL; l = l->next)
    {
      gboolean set;

      g_object_get (l->data, set_property, &set, NULL);
      if (set)
        found = l->data;
    }
  return found;
}

/* The tag of the highest priority at the start of NEEDLE that sets PROPERTY. */
static GtkTextTag *
tag_setting (MwItemView *view,
             const char *needle,
             const char *property)
{
  GtkTextTag *found = tag_setting_or_null (view, needle, property);

  if (found == NULL)
    g_error ("No tag sets %s at \"%s\"", property, needle);
  return found;
}

/* The number PROPERTY holds at the start of NEEDLE, whether an integer, an enumeration
 * or a double. */
static double
number_at (MwItemView *view,
           const char *needle,
           const char *property)
{
  GtkTextTag *tag = tag_setting (view, needle, property);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (tag), property);
  g_auto(GValue) value = G_VALUE_INIT;
  g_auto(GValue) number = G_VALUE_INIT;

  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (tag), property, &value);
  if (G_VALUE_HOLDS_DOUBLE (&value))
    return g_value_get_double (&value);
  g_value_init (&number, G_TYPE_INT64);
  g_assert_true (g_value_transform (&value, &number));
  return g_value_get_int64 (&number);
}

/* Each kind of span gets its look, in a window, where the list markers are measured. */
static void
test_tags (void)
{
  GtkWidget *window = gtk_window_new ();
  MwItemView *view = MW_ITEM_VIEW (mw_item_view_new ());
  g_autofree char *family = NULL;
  g_autofree char *pre_family = NULL;
  gboolean strikethrough;
  double bullet_indent, number_indent;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (view)))
    g_main_context_iteration (NULL, TRUE);

  mw_item_view_set_html (view,
                         "<h1>Heading one</h1><h2>Heading two</h2>"
                         "<p>plain <b>bold</b> <i>italic</i> <u>under</u> <s>struck</s> "
                         "<code>code</code> <small>small</small> x<sub>low</sub> y<sup>high</sup> "
                         "<a href=\"/l\">link</a> <img alt=\"picture\"></p>"
                         "<pre>preformatted</pre>"
                         "<blockquote>quoted<blockquote>deeper</blockquote></blockquote>"
                         "<ul><li>bullet<ol><li>numbered</li></ol></li></ul>",
                         BASE);

  g_assert_cmpfloat (number_at (view, "Heading one", "weight"), ==, PANGO_WEIGHT_BOLD);
  g_assert_cmpfloat (number_at (view, "Heading one", "scale"), ==, 1.6);
  g_assert_cmpfloat (number_at (view, "Heading two", "scale"), ==, 1.4);
  g_assert_cmpfloat (number_at (view, "bold", "weight"), ==, PANGO_WEIGHT_BOLD);
  g_assert_cmpfloat (number_at (view, "italic", "style"), ==, PANGO_STYLE_ITALIC);
  g_assert_cmpfloat (number_at (view, "under", "underline"), ==, PANGO_UNDERLINE_SINGLE);
  g_object_get (tag_setting (view, "struck", "strikethrough"), "strikethrough", &strikethrough,
                NULL);
  g_assert_true (strikethrough);
  g_object_get (tag_setting (view, "code", "family"), "family", &family, NULL);
  g_assert_cmpstr (family, ==, "monospace");
  g_assert_cmpfloat (number_at (view, "small", "scale"), ==, 0.85);
  g_assert_cmpfloat (number_at (view, "low", "rise"), <, 0);
  g_assert_cmpfloat (number_at (view, "high", "rise"), >, 0);
  g_assert_cmpfloat (number_at (view, "link", "underline"), ==, PANGO_UNDERLINE_SINGLE);
  /* Blue links and dimmed text, or, where a text colour would crash GTK when a screen
   * reader asks about it, blue underlines and slanted text (test-item-view-atspi). */
  if (mw_text_tag_foreground_is_safe ())
    {
      tag_setting (view, "link", "foreground");
      tag_setting (view, "[picture]", "foreground");
      tag_setting (view, "quoted", "foreground");
    }
  else
    {
      tag_setting (view, "link", "underline-rgba");
      g_assert_cmpfloat (number_at (view, "[picture]", "style"), ==, PANGO_STYLE_ITALIC);
      g_assert_cmpfloat (number_at (view, "quoted", "style"), ==, PANGO_STYLE_ITALIC);
      g_assert_null (tag_setting_or_null (view, "link", "foreground"));
      g_assert_null (tag_setting_or_null (view, "[picture]", "foreground"));
      g_assert_null (tag_setting_or_null (view, "quoted", "foreground"));
    }
  tag_setting (view, "preformatted", "paragraph-background");
  g_object_get (tag_setting (view, "preformatted", "family"), "family", &pre_family, NULL);
  g_assert_cmpstr (pre_family, ==, "monospace");

  /* Quotations are indented, a deeper one further. */
  g_assert_cmpfloat (number_at (view, "quoted", "left-margin"), <,
                     number_at (view, "deeper", "left-margin"));

  /* A list item's wrapped lines start under its text, past the marker. */
  bullet_indent = number_at (view, "• bullet", "indent");
  number_indent = number_at (view, "1. numbered", "indent");
  g_assert_cmpfloat (bullet_indent, <, 0);
  g_assert_cmpfloat (number_indent, <, bullet_indent);
  g_assert_cmpfloat (number_at (view, "• bullet", "left-margin"), <,
                     number_at (view, "1. numbered", "left-margin"));

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (20);
}

/* Hostile articles laid out on screen, where Pango would take seconds over a line of a
 * megabyte: what test-article-text.c checks the text of. */
static void
test_hostile_on_screen (void)
{
  const gsize five_mib = 5 * 1024 * 1024;
  g_autofree char *one_word = g_strnfill (five_mib, 'x');
  g_autoptr(GString) links = g_string_new (NULL);
  g_autoptr(GString) lists = g_string_new (NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = mw_item_view_new ();

  while (links->len < five_mib)
    g_string_append (links, "<a href=\"/l\">l</a> ");
  for (guint i = 0; i < 100000; i++)
    g_string_append (lists, "<ul><li>");
  g_string_append (lists, "deep");
  for (guint i = 0; i < 100000; i++)
    g_string_append (lists, "</li></ul>");

#ifdef __GLIBC__
  /* As in test-article-text.c: with MALLOC_PERTURB_ set, freeing the nodes of 5 MiB of
   * links makes each of libxml2's small reallocs after it fill a large free chunk. */
  mallopt (M_PERTURB, 0);
#endif

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 400);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (view))
    g_main_context_iteration (NULL, TRUE);
  mw_item_view_set_html (MW_ITEM_VIEW (view), one_word, NULL);
  iterate_for (200);
  mw_item_view_set_html (MW_ITEM_VIEW (view), links->str, BASE);
  iterate_for (200);
  mw_item_view_set_html (MW_ITEM_VIEW (view), lists->str, NULL);
  iterate_for (200);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (20);

#ifdef __GLIBC__
  {
    const char *perturb = g_getenv ("MALLOC_PERTURB_");

    mallopt (M_PERTURB, perturb != NULL ? (int) g_ascii_strtoll (perturb, NULL, 10) : 0);
  }
#endif
}

static void
test_accessible (void)
{
  g_autoptr(MwItemView) view = new_view ();

  gtk_test_accessible_assert_role (view, GTK_ACCESSIBLE_ROLE_TEXT_BOX);
  gtk_test_accessible_assert_property (view, GTK_ACCESSIBLE_PROPERTY_LABEL, "Article text");
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (view)));
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("MW_BUILD_DIR") ? g_getenv ("MW_BUILD_DIR")
                                                                    : g_get_tmp_dir (),
                                           "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  /* The paintable is empty until the window has drawn a frame at its new size. */
  while (TRUE)
    {
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL)
        break;
      snapshot = gtk_snapshot_new ();
      g_main_context_iteration (NULL, TRUE);
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

static const char sample[] =
  "<h1>Meanwhile 0.2 is out</h1>"
  "<p>The new version brings a <strong>feed reader</strong> next to the downloader, and it "
  "<em>never freezes</em> while feeds update. Read the <a href=\"/notes\">release notes</a> or "
  "browse the <a href=\"https://gitlab.gnome.org/\">source code</a>.</p>"
  "<h2>What is new</h2>"
  "<ul><li>Feeds refresh in the background, in a worker thread, and the list is updated in "
  "batches once per frame.</li>"
  "<li>Articles are shown as text: a <code>&lt;script&gt;</code> never runs."
  "<ul><li>Links open in your browser.</li>"
  "<li>Images show their description, like "
  "<img alt=\"a cat asleep on a keyboard\" src=\"cat.jpg\">.</li></ul></li>"
  "<li>Downloads resume where they stopped.</li></ul>"
  "<h3>Subscribing</h3>"
  "<ol><li>Open the main menu.</li><li>Choose <b>Subscribe</b>.</li>"
  "<li>Paste the address of a site and press Enter; Meanwhile finds its feed for you, even when "
  "the page only links to it.</li></ol>"
  "<blockquote><p>Asynchronous code keeps the window alive. Blocking code turns it into a "
  "picture of a window.</p></blockquote>"
  "<pre>$ meanwhile --subscribe https://example.org/feed.xml\n"
  "Subscribed to “Example News” (12 items)</pre>"
  "<p>Questions? Write to <a href=\"mailto:team@example.org\">the team</a>, or "
  "<a href=\"javascript:alert(1)\">click here</a> (which does nothing).</p>";

static void
test_screenshot (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = mw_item_view_new ();
  AdwStyleManager *style = adw_style_manager_get_default ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_set_default_size (GTK_WINDOW (window), 520, 860);
  mw_item_view_set_html (MW_ITEM_VIEW (view), sample, BASE);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (window) < 500)
    g_main_context_iteration (NULL, TRUE);
  iterate_for (300);
  save_screenshot (window, "item-view.png");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  iterate_for (300);
  save_screenshot (window, "item-view-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  while (gtk_widget_get_width (window) > 400)
    g_main_context_iteration (NULL, TRUE);
  iterate_for (300);
  save_screenshot (window, "item-view-narrow.png");

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (20);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/item-view/clear", test_clear);
  g_test_add_func ("/item-view/tags", test_tags);
  g_test_add_func ("/item-view/activate", test_activate);
  g_test_add_func ("/item-view/markup-injection", test_markup_injection);
  g_test_add_func ("/item-view/hostile-on-screen", test_hostile_on_screen);
  g_test_add_func ("/item-view/accessible", test_accessible);
  g_test_add_func ("/item-view/screenshot", test_screenshot);

  return g_test_run ();
}
