/* test-item-view.c: a feed item's HTML shown as text, and only as text, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-item-view"

#include "config.h"

#include <adwaita.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "mw-item-view.h"

#define BASE "https://example.org/news/item.html"

static MwItemView *
new_view (void)
{
  return MW_ITEM_VIEW (g_object_ref_sink (mw_item_view_new ()));
}

static char *
text_of (const char *html)
{
  g_autoptr(MwItemView) view = new_view ();

  mw_item_view_set_html (view, html, BASE);
  return mw_item_view_dup_text (view);
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
test_conversion (void)
{
  const struct
  {
    const char *html;
    const char *text;
  } cases[] = {
    { "<p>One</p><p>Two</p>", "One\n\nTwo" },
    { "<p>  lots   of\n\t space  </p>\n\n<p>\n next </p>", "lots of space\n\nnext" },
    { "<div><div>a</div><div>b</div></div>", "a\n\nb" },
    { "a<br>b<br><br>c", "a\nb\n\nc" },
    { "<br><p>x</p><br><br><br><p>y</p><br><br>", "x\n\ny" },
    { "<p>a</p><p></p><p> </p><div><p></p></div><p>b</p>", "a\n\nb" },
    { "<ul><li>one</li><li>two</li></ul>", "• one\n• two" },
    { "<ol><li>one</li><li> two </li></ol>", "1. one\n2. two" },
    { "<ol start=\"3\"><li>c</li><li>d</li></ol>", "3. c\n4. d" },
    { "<ul><li>a<ul><li>b</li><li>c</li></ul></li><li>d</li></ul>", "• a\n◦ b\n◦ c\n• d" },
    { "<ol><li>a<ol><li>b</li></ol></li><li>c</li></ol>", "1. a\n1. b\n2. c" },
    { "<ul><li><p>para in item</p></li><li></li><li>last</li></ul>", "• para in item\n• \n• last" },
    { "<p>before</p><ul><li>x</li></ul><p>after</p>", "before\n\n• x\n\nafter" },
    { "<h1>Title</h1><p>Body</p><h2>Sub</h2>text<h6>small</h6>",
      "Title\n\nBody\n\nSub\n\ntext\n\nsmall" },
    { "<pre>\nline 1\n  line 2\n\nline 4\n</pre><p>x</p>", "line 1\n  line 2\n\nline 4\n\nx" },
    { "<pre>a\n\n\n\n\n  b</pre>", "a\n\n\n  b" },
    { "<p>Run <code>make  all</code> now</p>", "Run make all now" },
    { "<p>Fish &amp; chips&nbsp;&eacute;t&eacute; &lt;3 &#8364; &#x2014; &quot;q&quot;</p>",
      "Fish & chips\302\240été <3 € — \"q\"" },
    { "<p>See <img src=\"cat.png\" alt=\" a  cat \"> here <img src=\"pixel.gif\"></p>",
      "See [a cat] here" },
    { "<p>a <b>bold</b> and <em>it</em>, <u>u</u> <strong>s</strong><i>i</i></p>",
      "a bold and it, u si" },
    { "<p><b>a</b> <i>b</i></p>", "a b" },
    { "<p>He said <q>hi</q>.</p>", "He said “hi”." },
    { "<p>said:</p><blockquote><p>quoted</p><p>twice</p></blockquote><p>end</p>",
      "said:\n\nquoted\n\ntwice\n\nend" },
    { "<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>b</td></tr></table><p>t</p>",
      "k\tv\na\tb\n\nt" },
    { "<dl><dt>Term</dt><dd>Meaning</dd></dl>", "Term\nMeaning" },
    { "<p>a</p><hr><p>b</p>", "a\n\nb" },
    { "<html><head><title>T</title><style>p{}</style></head><body><p>body</p></body></html>", "body" },
    { "<p>x <a href=\"/y\">link</a>.</p>", "x link." },
    { "<p>unclosed <b>bold <i>and italic", "unclosed bold and italic" },
    { "a < b and c > d", "a < b and c > d" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = text_of (cases[i].html);

      g_test_message ("%s", cases[i].html);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_plain_text (void)
{
  const struct
  {
    const char *html;
    const char *text;
  } cases[] = {
    { "Just one line", "Just one line" },
    { "First paragraph\nstill first.\n\n\n  \nSecond &amp; last  \n",
      "First paragraph still first.\n\nSecond & last" },
    { "Windows\r\nlines\r\n\r\nsecond", "Windows lines\n\nsecond" },
    { "Tom & Jerry; AT&T", "Tom & Jerry; AT&T" },
    { "&lt;b&gt;not bold&lt;/b&gt;", "<b>not bold</b>" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = text_of (cases[i].html);

      g_test_message ("%s", cases[i].html);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_clear_and_invalid (void)
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
  g_clear_pointer (&text, g_free);

  /* Not UTF-8: shown anyway, with replacement characters, never a critical. */
  mw_item_view_set_html (view, "<p>caf\xe9 \xff\xfe ok</p>", NULL);
  text = mw_item_view_dup_text (view);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (g_str_has_prefix (text, "caf"));
  g_assert_true (g_str_has_suffix (text, " ok"));
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
test_links (void)
{
  g_autoptr(MwItemView) view = new_view ();
  g_autofree char *text = NULL;
  g_auto(GStrv) links = NULL;
  g_auto(GStrv) unresolved = NULL;
  const char *expected[] = {
    "https://example.org/about",
    "https://example.org/news/next.html",
    "https://cdn.example.net/x",
    "https://other.example/y?a=1&b=2",
    "https://example.org/news/item.html#top",
    "http://example.com/Caps",
    "https://example.com/a%20b",
    "https://example.com/img",
    NULL,
  };

  mw_item_view_set_html (view, links_html, BASE);
  text = mw_item_view_dup_text (view);
  g_assert_cmpstr (text, ==,
                   "About, next, cdn, other, js, file, data, tab, mail, top, caps, space, no href, "
                   "[logo] nohost");
  links = mw_item_view_dup_links (view);
  g_assert_cmpstrv (links, expected);

  /* Without a base, only absolute links work. */
  mw_item_view_set_html (view, links_html, NULL);
  unresolved = mw_item_view_dup_links (view);
  g_assert_cmpuint (g_strv_length (unresolved), ==, 4);
  g_assert_cmpstr (unresolved[0], ==, "https://other.example/y?a=1&b=2");
}

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

static void
test_dropped (void)
{
  g_autofree char *text =
    text_of ("<p>a</p><script>alert('x')</script><style>p { color: red }</style>"
             "<noscript><img src=\"track.gif\" alt=\"tracker\"></noscript>"
             "<iframe src=\"https://evil.example/\">frame</iframe>"
             "<object data=\"x.swf\">object</object><embed src=\"y.swf\">"
             "<form action=\"/post\"><input value=\"v\">form text<button>Go</button></form>"
             "<svg><text>svg</text></svg><template>tmpl</template>"
             "<p>b<script>document.write('c')</script></p><!-- comment -->");

  g_assert_cmpstr (text, ==, "a\n\nb");
}

static void
assert_bounded (const char *html,
                const char *what)
{
  g_autoptr(MwItemView) view = new_view ();
  g_autofree char *text = NULL;
  g_auto(GStrv) links = NULL;
  gint64 start = g_get_monotonic_time ();

  mw_item_view_set_html (view, html, BASE);
  text = mw_item_view_dup_text (view);
  links = mw_item_view_dup_links (view);
  g_test_message ("%s: %zu bytes in, %zu bytes of text and %u links out, in %" G_GINT64_FORMAT " ms",
                  what, strlen (html), strlen (text), g_strv_length (links),
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (strlen (text), <=, 1024 * 1024 + 8);
  g_assert_cmpuint (g_strv_length (links), <=, 1000);
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

static char *
repeat (const char *piece,
        gsize       total)
{
  GString *string = g_string_sized_new (total + strlen (piece));

  while (string->len < total)
    g_string_append (string, piece);
  return g_string_free (string, FALSE);
}

static char *
nest (const char *open,
      const char *middle,
      const char *close,
      guint       depth)
{
  GString *string = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (string, open);
  g_string_append (string, middle);
  for (guint i = 0; i < depth; i++)
    g_string_append (string, close);
  return g_string_free (string, FALSE);
}

static void
test_hostile (void)
{
  const gsize five_mib = 5 * 1024 * 1024;
  g_autofree char *words = repeat ("word <b>bold</b> <i>it</i> &amp; more<br>", five_mib);
  g_autofree char *one_word = repeat ("x", five_mib);
  g_autofree char *paragraphs = repeat ("<p>para</p>", five_mib);
  g_autofree char *links = repeat ("<a href=\"/l\">l</a> ", five_mib);
  g_autofree char *plain = repeat ("plain text line\n\n", five_mib);
  g_autofree char *pre = repeat ("<pre>\n\n\n\n</pre>", five_mib);
  g_autofree char *divs = nest ("<div>", "deep", "</div>", 100000);
  g_autofree char *spans = nest ("<span><b>", "deep", "</b></span>", 100000);
  g_autofree char *lists = nest ("<ul><li>", "deep", "</li></ul>", 100000);
  g_autofree char *unclosed = nest ("<blockquote><em>", "deep", "", 100000);
  g_autofree char *shallow = nest ("<div>", "shallow", "</div>", 100);
  g_autofree char *text = NULL;

#ifdef __GLIBC__
  /* Meson sets MALLOC_PERTURB_, and glibc then fills the whole of a free chunk each time a
   * small block beside it is resized: after the tens of megabytes of nodes freed here, each
   * of libxml2's small reallocs would fill one, and 0.2 s of parsing would take 20. */
  mallopt (M_PERTURB, 0);
#endif

  assert_bounded (words, "5 MiB of words");
  assert_bounded (one_word, "5 MiB in one word");
  assert_bounded (paragraphs, "5 MiB of paragraphs");
  assert_bounded (links, "5 MiB of links");
  assert_bounded (plain, "5 MiB of plain text");
  assert_bounded (pre, "5 MiB of empty lines");
  assert_bounded (divs, "100000 nested divs");
  assert_bounded (spans, "100000 nested spans");
  assert_bounded (lists, "100000 nested lists");
  assert_bounded (unclosed, "100000 unclosed quotes");

  text = text_of (shallow);
  g_assert_cmpstr (text, ==, "shallow");
  g_clear_pointer (&text, g_free);
  text = text_of (words);
  g_assert_true (g_str_has_prefix (text, "word bold it & more\nword bold"));
  g_assert_true (g_str_has_suffix (text, "…"));
  g_clear_pointer (&text, g_free);

  /* Pango would take seconds over one line of a megabyte: there are none. */
  text = text_of (one_word);
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), >, 100);
    for (guint i = 0; lines[i] != NULL; i++)
      g_assert_cmpuint (strlen (lines[i]), <=, 16 * 1024);
  }

  /* On screen too, where the text is laid out. */
  {
    GtkWidget *window = gtk_window_new ();
    GtkWidget *scrolled = gtk_scrolled_window_new ();
    GtkWidget *view = mw_item_view_new ();

    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
    gtk_window_set_child (GTK_WINDOW (window), scrolled);
    gtk_window_set_default_size (GTK_WINDOW (window), 400, 400);
    gtk_window_present (GTK_WINDOW (window));
    while (!gtk_widget_get_mapped (view))
      g_main_context_iteration (NULL, TRUE);
    mw_item_view_set_html (MW_ITEM_VIEW (view), one_word, NULL);
    iterate_for (200);
    mw_item_view_set_html (MW_ITEM_VIEW (view), links, BASE);
    iterate_for (200);
    mw_item_view_set_html (MW_ITEM_VIEW (view), lists, NULL);
    iterate_for (200);
    gtk_window_destroy (GTK_WINDOW (window));
    iterate_for (20);
  }

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

  g_test_add_func ("/item-view/conversion", test_conversion);
  g_test_add_func ("/item-view/plain-text", test_plain_text);
  g_test_add_func ("/item-view/clear-and-invalid", test_clear_and_invalid);
  g_test_add_func ("/item-view/links", test_links);
  g_test_add_func ("/item-view/activate", test_activate);
  g_test_add_func ("/item-view/markup-injection", test_markup_injection);
  g_test_add_func ("/item-view/dropped", test_dropped);
  g_test_add_func ("/item-view/hostile", test_hostile);
  g_test_add_func ("/item-view/accessible", test_accessible);
  g_test_add_func ("/item-view/screenshot", test_screenshot);

  return g_test_run ();
}
