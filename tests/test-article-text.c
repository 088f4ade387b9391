/* test-article-text.c: an article's HTML as plain text, styled spans and links, without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-article-text"

#include "config.h"

#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "mw-article-text.h"

#define BASE "https://example.org/news/item.html"

static char *
text_of (const char *html)
{
  g_autoptr(MwArticleText) article = mw_article_text_new (html, BASE);

  return g_strdup (article->text);
}

static GStrv
links_of (const MwArticleText *article)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < article->links->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (article->links, i));
  return g_strv_builder_end (builder);
}

/* The spans as a reader would name them, in the order they end: "bold «word»; h2 «Title»",
 * a link with its address. */
static char *
describe_spans (const MwArticleText *article)
{
  static const char *names[] = {
    [MW_ARTICLE_STYLE_BOLD] = "bold",
    [MW_ARTICLE_STYLE_ITALIC] = "italic",
    [MW_ARTICLE_STYLE_UNDERLINE] = "underline",
    [MW_ARTICLE_STYLE_STRIKETHROUGH] = "strikethrough",
    [MW_ARTICLE_STYLE_CODE] = "code",
    [MW_ARTICLE_STYLE_PREFORMATTED] = "pre",
    [MW_ARTICLE_STYLE_SMALL] = "small",
    [MW_ARTICLE_STYLE_SUBSCRIPT] = "sub",
    [MW_ARTICLE_STYLE_SUPERSCRIPT] = "sup",
    [MW_ARTICLE_STYLE_HEADING] = "h",
    [MW_ARTICLE_STYLE_INDENT] = "indent",
    [MW_ARTICLE_STYLE_LIST_ITEM] = "item",
    [MW_ARTICLE_STYLE_NUMBERED_LIST_ITEM] = "numbered",
    [MW_ARTICLE_STYLE_QUOTE] = "quote",
    [MW_ARTICLE_STYLE_IMAGE] = "image",
    [MW_ARTICLE_STYLE_LINK] = "link",
  };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < article->spans->len; i++)
    {
      const MwArticleSpan *span = &g_array_index (article->spans, MwArticleSpan, i);
      const char *start = g_utf8_offset_to_pointer (article->text, span->start);
      const char *end = g_utf8_offset_to_pointer (article->text, span->end);

      g_assert_cmpuint (span->style, <, G_N_ELEMENTS (names));
      g_assert_cmpuint (span->start, <, span->end);
      g_assert_cmpuint (end - article->text, <=, article->length);
      if (out->len > 0)
        g_string_append (out, "; ");
      g_string_append (out, names[span->style]);
      if (span->level > 0)
        g_string_append_printf (out, "%u", span->level);
      if (span->style == MW_ARTICLE_STYLE_LINK)
        {
          g_assert_cmpuint (span->link, <, article->links->len);
          g_string_append_printf (out, " %s",
                                  (char *) g_ptr_array_index (article->links, span->link));
        }
      g_string_append_printf (out, " «%.*s»", (int) (end - start), start);
    }
  return g_string_free (out, FALSE);
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

/* What each element looks like, as spans over the text: their style, level and extent. */
static void
test_spans (void)
{
  const struct
  {
    const char *html;
    const char *spans;
  } cases[] = {
    { "<p>a <b>bold</b> and <em>it</em>, <u>u</u> <s>s</s> <code>c</code> <small>sm</small> "
      "x<sub>2</sub> y<sup>3</sup></p>",
      "bold «bold»; italic «it»; underline «u»; strikethrough «s»; code «c»; small «sm»; "
      "sub «2»; sup «3»" },
    { "<p><strong>s</strong> <cite>c</cite> <kbd>k</kbd> <del>d</del> <ins>i</ins></p>",
      "bold «s»; italic «c»; code «k»; strikethrough «d»; underline «i»" },
    /* Spaces around the content stay outside. */
    { "<p>a<b>  b  </b>c</p>", "bold «b»" },
    { "<p><b>bold <i>both</i></b></p>", "italic «both»; bold «bold both»" },
    { "<h1>One</h1><h3>Three</h3><h6>Six</h6>", "h1 «One»; h3 «Three»; h6 «Six»" },
    { "<pre>\nline 1\n  line 2</pre>", "pre «line 1\n  line 2»" },
    { "<blockquote><p>q</p><blockquote>deeper</blockquote></blockquote>",
      "quote «deeper»; indent2 «deeper»; quote «q\n\ndeeper»; indent1 «q\n\ndeeper»" },
    { "<dl><dt>Term</dt><dd>Meaning</dd></dl>", "bold «Term»; indent1 «Meaning»" },
    { "<ul><li>a</li><li>b<ol><li>c</li></ol></li></ul>",
      "item1 «• a»; numbered2 «1. c»; item1 «• b\n1. c»" },
    { "<li>alone</li>", "item1 «• alone»" },
    { "<p>See <img alt=\"a cat\" src=\"cat.png\"> <img src=\"none.png\"></p>", "image «[a cat]»" },
    { "<p><a href=\"/a\">A <b>b</b></a> <a href=\"javascript:x()\">js</a> "
      "<a href=\"/empty\"><img src=\"p.gif\"></a><a href=\"/c\">C</a></p>",
      "bold «b»; link https://example.org/a «A b»; link https://example.org/c «C»" },
    { "<p>&lt;b&gt;literal&lt;/b&gt; <span style=\"font-weight: bold\">styled</span></p>", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MwArticleText) article = mw_article_text_new (cases[i].html, BASE);
      g_autofree char *spans = describe_spans (article);

      g_test_message ("%s", cases[i].html);
      g_assert_cmpstr (spans, ==, cases[i].spans);
    }
}

static void
test_empty_and_invalid (void)
{
  g_autoptr(MwArticleText) empty = mw_article_text_new (NULL, NULL);
  g_autoptr(MwArticleText) article = NULL;

  g_assert_cmpstr (empty->text, ==, "");
  g_assert_cmpuint (empty->spans->len, ==, 0);
  g_assert_cmpuint (empty->links->len, ==, 0);

  /* Not UTF-8: shown anyway, with replacement characters. */
  article = mw_article_text_new ("<p>caf\xe9 \xff\xfe ok</p>", NULL);
  g_assert_true (g_utf8_validate (article->text, -1, NULL));
  g_assert_cmpuint (strlen (article->text), ==, article->length);
  g_assert_true (g_str_has_prefix (article->text, "caf"));
  g_assert_true (g_str_has_suffix (article->text, " ok"));
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
  g_autoptr(MwArticleText) article = mw_article_text_new (links_html, BASE);
  g_autoptr(MwArticleText) without_base = mw_article_text_new (links_html, NULL);
  g_auto(GStrv) links = links_of (article);
  g_auto(GStrv) unresolved = links_of (without_base);
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
  const char *clicked[] = { "About", "next", "cdn", "other", "top", "caps", "space", "[logo]" };
  guint n_links = 0;

  g_assert_cmpstr (article->text, ==,
                   "About, next, cdn, other, js, file, data, tab, mail, top, caps, space, no href, "
                   "[logo] nohost");
  g_assert_cmpstrv (links, expected);

  /* Each link is over its own text, once, in order. */
  for (guint i = 0; i < article->spans->len; i++)
    {
      const MwArticleSpan *span = &g_array_index (article->spans, MwArticleSpan, i);
      const char *start = g_utf8_offset_to_pointer (article->text, span->start);
      const char *end = g_utf8_offset_to_pointer (article->text, span->end);

      if (span->style != MW_ARTICLE_STYLE_LINK)
        continue;
      g_assert_cmpuint (span->link, ==, n_links);
      g_assert_cmpuint (n_links, <, G_N_ELEMENTS (clicked));
      g_assert_cmpint (end - start, ==, strlen (clicked[n_links]));
      g_assert_true (strncmp (start, clicked[n_links], end - start) == 0);
      n_links++;
    }
  g_assert_cmpuint (n_links, ==, article->links->len);

  /* Without a base, only absolute links work. */
  g_assert_cmpuint (g_strv_length (unresolved), ==, 4);
  g_assert_cmpstr (unresolved[0], ==, "https://other.example/y?a=1&b=2");
}

/* Markup in the text is text, and styles written in attributes are not followed. */
static void
test_markup_injection (void)
{
  g_autoptr(MwArticleText) article =
    mw_article_text_new ("<p>&lt;span foreground=\"red\" font=\"Serif 72\"&gt;red?&lt;/span&gt; "
                         "&lt;b&gt;bold?&lt;/b&gt; &amp;lt;i&amp;gt;</p>"
                         "<p><span foreground=\"red\" style=\"color: red; font-family: Serif\">"
                         "<font color=\"red\" face=\"Serif\">x</font></span>"
                         "<span style=\"background: red\" bgcolor=\"red\">y</span></p>",
                         NULL);

  g_assert_cmpstr (article->text, ==,
                   "<span foreground=\"red\" font=\"Serif 72\">red?</span> <b>bold?</b> "
                   "&lt;i&gt;\n\nxy");
  g_assert_cmpuint (article->spans->len, ==, 0);
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
  gint64 start = g_get_monotonic_time ();
  g_autoptr(MwArticleText) article = mw_article_text_new (html, BASE);

  g_test_message ("%s: %zu bytes in, %zu bytes of text, %u spans and %u links out, in %"
                  G_GINT64_FORMAT " ms",
                  what, strlen (html), article->length, article->spans->len, article->links->len,
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (strlen (article->text), ==, article->length);
  g_assert_cmpuint (article->length, <=, 1024 * 1024 + 8);
  g_assert_cmpuint (article->links->len, <=, 1000);
  g_assert_cmpuint (article->spans->len, <=, 5000);
  g_assert_true (g_utf8_validate (article->text, -1, NULL));
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

#ifdef __GLIBC__
  {
    const char *perturb = g_getenv ("MALLOC_PERTURB_");

    mallopt (M_PERTURB, perturb != NULL ? (int) g_ascii_strtoll (perturb, NULL, 10) : 0);
  }
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/article-text/conversion", test_conversion);
  g_test_add_func ("/article-text/plain-text", test_plain_text);
  g_test_add_func ("/article-text/spans", test_spans);
  g_test_add_func ("/article-text/empty-and-invalid", test_empty_and_invalid);
  g_test_add_func ("/article-text/links", test_links);
  g_test_add_func ("/article-text/markup-injection", test_markup_injection);
  g_test_add_func ("/article-text/dropped", test_dropped);
  g_test_add_func ("/article-text/hostile", test_hostile);

  return g_test_run ();
}
