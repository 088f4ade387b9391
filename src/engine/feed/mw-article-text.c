/* mw-article-text.c: an article's HTML or text, as plain text with styled spans and links
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feed content is written by strangers. libxml2's HTML parser reads it (no network, no
 * DTD, no encoding switch) and the tree is walked into plain text, with the spans and
 * styles chosen here: nothing of it is ever read as markup by whoever shows it, loaded,
 * run or opened. Only http and https links are kept. The work is bounded — input size,
 * depth walked, text length, number of spans and links — so that a hostile article
 * cannot hang the window that shows it. Plain functions, on whichever thread calls them.
 */
#define G_LOG_DOMAIN "mw-article-text"

#include "config.h"

#include <string.h>

#include "mw-article-text-private.h"
#include "mw-text.h"
#include "mw-xml.h"

/* --- What each element means --------------------------------------------------------- */

typedef enum
{
  ELEMENT_INLINE,      /* anything unknown, and span, font, abbr…: only its content */
  ELEMENT_DROP,        /* never shown, nor anything inside */
  ELEMENT_BLOCK,
  ELEMENT_BREAK,
  ELEMENT_HEADING,
  ELEMENT_PRE,
  ELEMENT_QUOTE,
  ELEMENT_LIST,
  ELEMENT_ITEM,
  ELEMENT_LINE,
  ELEMENT_DEFINITION,
  ELEMENT_CELL,
  ELEMENT_RULE,
  ELEMENT_IMAGE,
  ELEMENT_LINK,
  ELEMENT_QUOTATION,
} ElementKind;

typedef enum
{
  STYLE_NONE,
  STYLE_BOLD,
  STYLE_ITALIC,
  STYLE_UNDERLINE,
  STYLE_STRIKE,
  STYLE_MONO,
  STYLE_SMALL,
  STYLE_SUB,
  STYLE_SUP,
} Style;

typedef struct
{
  const char  *name;
  ElementKind  kind;
  Style        style;
} Element;

static const Element elements[] = {
  { "article", ELEMENT_BLOCK }, { "aside", ELEMENT_BLOCK }, { "center", ELEMENT_BLOCK },
  { "details", ELEMENT_BLOCK }, { "div", ELEMENT_BLOCK }, { "dl", ELEMENT_BLOCK },
  { "fieldset", ELEMENT_BLOCK }, { "figcaption", ELEMENT_BLOCK }, { "figure", ELEMENT_BLOCK },
  { "footer", ELEMENT_BLOCK }, { "header", ELEMENT_BLOCK }, { "main", ELEMENT_BLOCK },
  { "nav", ELEMENT_BLOCK }, { "p", ELEMENT_BLOCK }, { "section", ELEMENT_BLOCK },
  { "table", ELEMENT_BLOCK },
  { "legend", ELEMENT_BLOCK, STYLE_BOLD }, { "summary", ELEMENT_BLOCK, STYLE_BOLD },
  { "address", ELEMENT_BLOCK, STYLE_ITALIC },
  { "h1", ELEMENT_HEADING }, { "h2", ELEMENT_HEADING }, { "h3", ELEMENT_HEADING },
  { "h4", ELEMENT_HEADING }, { "h5", ELEMENT_HEADING }, { "h6", ELEMENT_HEADING },
  { "listing", ELEMENT_PRE }, { "plaintext", ELEMENT_PRE }, { "pre", ELEMENT_PRE },
  { "xmp", ELEMENT_PRE },
  { "blockquote", ELEMENT_QUOTE },
  { "dir", ELEMENT_LIST }, { "menu", ELEMENT_LIST }, { "ol", ELEMENT_LIST },
  { "ul", ELEMENT_LIST },
  { "li", ELEMENT_ITEM },
  { "tr", ELEMENT_LINE },
  { "caption", ELEMENT_LINE, STYLE_BOLD }, { "dt", ELEMENT_LINE, STYLE_BOLD },
  { "dd", ELEMENT_DEFINITION },
  { "td", ELEMENT_CELL },
  { "th", ELEMENT_CELL, STYLE_BOLD },
  { "br", ELEMENT_BREAK },
  { "hr", ELEMENT_RULE },
  { "img", ELEMENT_IMAGE },
  { "a", ELEMENT_LINK },
  { "q", ELEMENT_QUOTATION },
  { "applet", ELEMENT_DROP }, { "audio", ELEMENT_DROP }, { "button", ELEMENT_DROP },
  { "canvas", ELEMENT_DROP }, { "datalist", ELEMENT_DROP }, { "dialog", ELEMENT_DROP },
  { "form", ELEMENT_DROP }, { "frame", ELEMENT_DROP }, { "frameset", ELEMENT_DROP },
  { "head", ELEMENT_DROP }, { "iframe", ELEMENT_DROP }, { "input", ELEMENT_DROP },
  { "math", ELEMENT_DROP }, { "noembed", ELEMENT_DROP }, { "noframes", ELEMENT_DROP },
  { "noscript", ELEMENT_DROP }, { "object", ELEMENT_DROP }, { "option", ELEMENT_DROP },
  { "script", ELEMENT_DROP }, { "select", ELEMENT_DROP }, { "style", ELEMENT_DROP },
  { "svg", ELEMENT_DROP }, { "template", ELEMENT_DROP }, { "textarea", ELEMENT_DROP },
  { "title", ELEMENT_DROP }, { "video", ELEMENT_DROP },
  { "b", ELEMENT_INLINE, STYLE_BOLD }, { "strong", ELEMENT_INLINE, STYLE_BOLD },
  { "cite", ELEMENT_INLINE, STYLE_ITALIC }, { "dfn", ELEMENT_INLINE, STYLE_ITALIC },
  { "em", ELEMENT_INLINE, STYLE_ITALIC }, { "i", ELEMENT_INLINE, STYLE_ITALIC },
  { "var", ELEMENT_INLINE, STYLE_ITALIC },
  { "code", ELEMENT_INLINE, STYLE_MONO }, { "kbd", ELEMENT_INLINE, STYLE_MONO },
  { "samp", ELEMENT_INLINE, STYLE_MONO }, { "tt", ELEMENT_INLINE, STYLE_MONO },
  { "del", ELEMENT_INLINE, STYLE_STRIKE }, { "s", ELEMENT_INLINE, STYLE_STRIKE },
  { "strike", ELEMENT_INLINE, STYLE_STRIKE },
  { "ins", ELEMENT_INLINE, STYLE_UNDERLINE }, { "u", ELEMENT_INLINE, STYLE_UNDERLINE },
  { "small", ELEMENT_INLINE, STYLE_SMALL },
  { "sub", ELEMENT_INLINE, STYLE_SUB },
  { "sup", ELEMENT_INLINE, STYLE_SUP },
  /* Void, but libxml2 2.9 does not know it: what follows an <embed> becomes its content. */
  { "embed", ELEMENT_INLINE },
};

static const Element *
lookup_element (const xmlChar *name)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *new_table = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
        g_hash_table_insert (new_table, (gpointer) elements[i].name, (gpointer) &elements[i]);
      g_once_init_leave (&table, new_table);
    }
  /* The HTML parser gives element names in lower case. */
  return name != NULL ? g_hash_table_lookup (table, name) : NULL;
}

/* --- From a tree to text and ranges ------------------------------------------------- */

static MwArticleStyle
article_style (Style style)
{
  switch (style)
    {
    case STYLE_BOLD:
      return MW_ARTICLE_STYLE_BOLD;
    case STYLE_ITALIC:
      return MW_ARTICLE_STYLE_ITALIC;
    case STYLE_UNDERLINE:
      return MW_ARTICLE_STYLE_UNDERLINE;
    case STYLE_STRIKE:
      return MW_ARTICLE_STYLE_STRIKETHROUGH;
    case STYLE_MONO:
      return MW_ARTICLE_STYLE_CODE;
    case STYLE_SMALL:
      return MW_ARTICLE_STYLE_SMALL;
    case STYLE_SUB:
      return MW_ARTICLE_STYLE_SUBSCRIPT;
    case STYLE_SUP:
      return MW_ARTICLE_STYLE_SUPERSCRIPT;
    case STYLE_NONE:
    default:
      g_return_val_if_reached (MW_ARTICLE_STYLE_BOLD);
    }
}

static char *
get_attribute (xmlNode    *node,
               const char *name)
{
  xmlChar *value = xmlGetProp (node, (const xmlChar *) name);
  char *copy = value != NULL ? g_strdup ((const char *) value) : NULL;

  xmlFree (value);
  return copy;
}

/* As browsers do: tabs and newlines inside a URL vanish, so "java\tscript:" is javascript:. */
static char *
clean_href (const char *href)
{
  GString *clean = g_string_new (NULL);

  for (const char *p = href; *p != '\0'; p++)
    if (*p != '\t' && *p != '\n' && *p != '\r')
      g_string_append_c (clean, *p);
  return g_strstrip (g_string_free (clean, FALSE));
}

#define URI_FLAGS (G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED)

static char *
resolve_link (MwArticleConverter *cv,
              const char         *href)
{
  g_autofree char *clean = clean_href (href);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *string = NULL;
  const char *scheme;
  const char *host;

  if (*clean == '\0')
    return NULL;
  if (cv->base != NULL)
    uri = g_uri_parse_relative (cv->base, clean, URI_FLAGS, NULL);
  else
    uri = g_uri_parse (clean, URI_FLAGS, NULL);
  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if ((g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      host == NULL || *host == '\0')
    return NULL;

  /* Spaces, quotes and control characters a page left raw are escaped; the rest, and the
   * escapes already there, are kept as written. */
  string = g_uri_to_string (uri);
  return g_uri_escape_string (string, G_URI_RESERVED_CHARS_GENERIC_DELIMITERS
                              G_URI_RESERVED_CHARS_SUBCOMPONENT_DELIMITERS "%", TRUE);
}

static guint
open_link (MwArticleConverter *cv,
           xmlNode            *node)
{
  g_autofree char *href = get_attribute (node, "href");
  MwArticleLink link = { NULL, FALSE };

  if (href == NULL || cv->links->len >= MAX_LINKS || cv->n_spans >= MAX_SPANS)
    return 0;
  link.uri = resolve_link (cv, href);
  if (link.uri == NULL)
    return 0;

  g_array_append_val (cv->links, link);
  _mw_article_open_span (cv, MW_ARTICLE_STYLE_LINK, 0, cv->links->len - 1);
  return 1;
}

static void
add_image (MwArticleConverter *cv,
           xmlNode            *node)
{
  g_autofree char *alt = get_attribute (node, "alt");
  g_autofree char *label = NULL;
  gsize len;

  if (alt == NULL || *g_strstrip (alt) == '\0')
    return;
  len = strlen (alt);
  len = mw_text_cut_utf8 (alt, len, MAX_ALT_BYTES);
  /* Collapsed like any text: an alt text may not break the line or the paragraph. */
  label = g_strdup_printf ("[%.*s%s]", (int) len, alt, len < strlen (alt) ? "…" : "");
  _mw_article_open_span (cv, MW_ARTICLE_STYLE_IMAGE, 0, 0);
  _mw_article_add_text (cv, label);
  _mw_article_close_span (cv);
}

static const char *
marker_text (MwArticleConverter *cv,
             xmlNode            *node,
             MwArticleStyle     *style,
             char                number[32])
{
  MwArticleList *list;

  *style = MW_ARTICLE_STYLE_LIST_ITEM;
  if (cv->lists->len == 0)
    return "• ";

  list = &g_array_index (cv->lists, MwArticleList, cv->lists->len - 1);
  if (!list->ordered)
    return cv->lists->len == 1 ? "• " : "◦ ";

  {
    g_autofree char *value = get_attribute (node, "value");

    if (value != NULL)
      list->next = CLAMP (g_ascii_strtoll (value, NULL, 10), -999999, 999999);
  }
  *style = MW_ARTICLE_STYLE_NUMBERED_LIST_ITEM;
  g_snprintf (number, 32, "%" G_GINT64_FORMAT ". ", list->next);
  list->next = MIN (list->next + 1, 999999);
  return number;
}

static void walk_children (MwArticleConverter *cv,
                           xmlNode            *node,
                           guint               depth);

static void
walk_element (MwArticleConverter *cv,
              xmlNode            *node,
              guint               depth)
{
  const Element *element = lookup_element (node->name);
  ElementKind kind = element != NULL ? element->kind : ELEMENT_INLINE;
  guint opened = 0;

  switch (kind)
    {
    case ELEMENT_DROP:
      return;

    case ELEMENT_BREAK:
      _mw_article_line_break (cv);
      return;

    case ELEMENT_IMAGE:
      add_image (cv, node);
      return;

    case ELEMENT_RULE:
      _mw_article_request_break (cv, _mw_article_paragraph_break (cv), FALSE);
      return;

    case ELEMENT_BLOCK:
      _mw_article_request_break (cv, _mw_article_paragraph_break (cv), FALSE);
      break;

    case ELEMENT_HEADING:
      _mw_article_request_break (cv, _mw_article_paragraph_break (cv), FALSE);
      _mw_article_open_span (cv, MW_ARTICLE_STYLE_HEADING, CLAMP (node->name[1] - '0', 1, 6), 0);
      opened++;
      break;

    case ELEMENT_PRE:
      _mw_article_request_break (cv, _mw_article_paragraph_break (cv), FALSE);
      _mw_article_open_span (cv, MW_ARTICLE_STYLE_PREFORMATTED, 0, 0);
      opened++;
      cv->pre++;
      cv->pre_start = TRUE;
      break;

    case ELEMENT_QUOTE:
      _mw_article_request_break (cv, _mw_article_paragraph_break (cv), FALSE);
      cv->indent++;
      _mw_article_open_span (cv, MW_ARTICLE_STYLE_INDENT, cv->indent, 0);
      _mw_article_open_span (cv, MW_ARTICLE_STYLE_QUOTE, 0, 0);
      opened += 2;
      break;

    case ELEMENT_DEFINITION:
      _mw_article_request_break (cv, 1, FALSE);
      cv->indent++;
      _mw_article_open_span (cv, MW_ARTICLE_STYLE_INDENT, cv->indent, 0);
      opened++;
      break;

    case ELEMENT_LIST:
      {
        g_autofree char *start = get_attribute (node, "start");
        MwArticleList list = { g_str_equal (node->name, "ol"), 1 };

        if (start != NULL)
          list.next = CLAMP (g_ascii_strtoll (start, NULL, 10), -999999, 999999);
        _mw_article_request_break (cv, _mw_article_paragraph_break (cv), TRUE);
        g_array_append_val (cv->lists, list);
        cv->indent++;
      }
      break;

    case ELEMENT_ITEM:
      {
        char number[32];
        MwArticleStyle style;
        const char *text = marker_text (cv, node, &style, number);

        _mw_article_request_break (cv, 1, TRUE);
        _mw_article_open_span (cv, style, MAX (cv->indent, 1), 0);
        opened++;
        _mw_article_begin_text (cv);
        _mw_article_append (cv, text, strlen (text));
        cv->after_marker = TRUE;
      }
      break;

    case ELEMENT_LINE:
      _mw_article_request_break (cv, 1, FALSE);
      break;

    case ELEMENT_CELL:
      if (cv->n_chars > 0 && cv->pending_breaks == 0 && !cv->after_marker)
        cv->pending_sep = '\t';
      break;

    case ELEMENT_LINK:
      opened += open_link (cv, node);
      break;

    case ELEMENT_QUOTATION:
      _mw_article_add_text (cv, "“");
      break;

    case ELEMENT_INLINE:
    default:
      break;
    }

  if (element != NULL && element->style != STYLE_NONE)
    {
      _mw_article_open_span (cv, article_style (element->style), 0, 0);
      opened++;
    }

  walk_children (cv, node, depth + 1);

  for (; opened > 0; opened--)
    _mw_article_close_span (cv);

  switch (kind)
    {
    case ELEMENT_BLOCK:
    case ELEMENT_HEADING:
      _mw_article_request_break (cv, _mw_article_paragraph_break (cv), FALSE);
      break;

    case ELEMENT_PRE:
      cv->pre--;
      cv->pre_start = FALSE;
      _mw_article_request_break (cv, _mw_article_paragraph_break (cv), FALSE);
      break;

    case ELEMENT_QUOTE:
      cv->indent--;
      _mw_article_request_break (cv, _mw_article_paragraph_break (cv), FALSE);
      break;

    case ELEMENT_DEFINITION:
      cv->indent--;
      _mw_article_request_break (cv, 1, FALSE);
      break;

    case ELEMENT_LIST:
      cv->indent--;
      g_array_set_size (cv->lists, cv->lists->len - 1);
      _mw_article_request_break (cv, _mw_article_paragraph_break (cv), TRUE);
      break;

    case ELEMENT_ITEM:
    case ELEMENT_LINE:
      /* Even an empty item ends its line. */
      _mw_article_request_break (cv, 1, TRUE);
      break;

    case ELEMENT_QUOTATION:
      _mw_article_add_text (cv, "”");
      break;

    case ELEMENT_DROP:
    case ELEMENT_BREAK:
    case ELEMENT_IMAGE:
    case ELEMENT_RULE:
    case ELEMENT_CELL:
    case ELEMENT_LINK:
    case ELEMENT_INLINE:
    default:
      break;
    }
}

static void
walk (MwArticleConverter *cv,
      xmlNode            *node,
      guint               depth)
{
  if (depth > MAX_DEPTH)
    return;

  switch (node->type)
    {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
      if (node->content == NULL)
        break;
      if (cv->pre > 0)
        _mw_article_add_pre_text (cv, (const char *) node->content);
      else
        _mw_article_add_text (cv, (const char *) node->content);
      break;

    case XML_ELEMENT_NODE:
      walk_element (cv, node, depth);
      break;

    default:
      break;
    }
}

static void
walk_children (MwArticleConverter *cv,
               xmlNode            *node,
               guint               depth)
{
  for (xmlNode *child = node->children; child != NULL && !cv->full; child = child->next)
    walk (cv, child, depth);
}

/* Text with no tag at all: paragraphs are separated by blank lines. Each becomes a <p>, so
 * that entities are decoded as in HTML ("Fish &amp; chips" in an RSS description). */
static char *
plain_text_to_html (const char *text)
{
  GString *html = g_string_new (NULL);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean in_paragraph = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *p = lines[i];

      while (_mw_article_is_html_space (*p))
        p++;
      if (*p == '\0')
        {
          if (in_paragraph)
            g_string_append (html, "</p>");
          in_paragraph = FALSE;
          continue;
        }
      g_string_append (html, in_paragraph ? "\n" : "<p>");
      g_string_append (html, lines[i]);
      in_paragraph = TRUE;
    }
  if (in_paragraph)
    g_string_append (html, "</p>");
  return g_string_free (html, FALSE);
}

static void
convert (MwArticleConverter *cv,
         const char         *html)
{
  g_autofree char *valid = NULL;
  g_autofree char *wrapped = NULL;
  gsize full_len = strlen (html);
  gsize len = mw_text_cut_utf8 (html, full_len, MAX_HTML_BYTES);
  gboolean cut = len < full_len;
  htmlDocPtr doc;

  if (!g_utf8_validate_len (html, len, NULL))
    valid = g_utf8_make_valid (html, len);
  else if (cut)
    valid = g_strndup (html, len);
  if (valid != NULL)
    html = valid;

  if (strchr (html, '<') == NULL)
    {
      wrapped = plain_text_to_html (html);
      html = wrapped;
    }
  len = strlen (html);
  if (len == 0)
    return;

  doc = mw_xml_read_html (html, len, "UTF-8",
                          HTML_PARSE_RECOVER | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
  if (doc == NULL)
    return;
  walk_children (cv, (xmlNode *) doc, 0);
  xmlFreeDoc (doc);

  if (cut && !cv->full)
    {
      _mw_article_request_break (cv, 2, TRUE);
      _mw_article_add_text (cv, "…");
    }
}

/* Keeps the links that have text to click (not an image with no description, nor one past
 * the limits), and numbers them again in the spans. */
static GPtrArray *
take_shown_links (MwArticleConverter *cv)
{
  GPtrArray *links = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint *index = g_new0 (guint, cv->links->len + 1);

  for (guint i = 0; i < cv->links->len; i++)
    {
      MwArticleLink *link = &g_array_index (cv->links, MwArticleLink, i);

      index[i] = links->len;
      if (link->shown)
        g_ptr_array_add (links, g_steal_pointer (&link->uri));
      else
        g_clear_pointer (&link->uri, g_free);
    }
  for (guint i = 0; i < cv->spans->len; i++)
    {
      MwArticleSpan *span = &g_array_index (cv->spans, MwArticleSpan, i);

      if (span->style == MW_ARTICLE_STYLE_LINK)
        span->link = index[span->link];
    }
  return links;
}

/**
 * mw_article_text_new:
 * @html: (nullable): an article's content: HTML, or plain text with blank lines between
 *   paragraphs
 * @base_url: (nullable): the address relative links are resolved against
 *
 * Turns an article into text to read: paragraphs, lists, quotations and code laid out
 * with line breaks, bullets and numbers, and what each part is as spans over the text.
 * Scripts, styles, forms and the like are dropped; images show their description.
 *
 * Returns: (transfer full): the text, never %NULL
 */
MwArticleText *
mw_article_text_new (const char *html,
                     const char *base_url)
{
  MwArticleText *self = g_new0 (MwArticleText, 1);
  MwArticleConverter cv = { 0 };

  cv.base = base_url != NULL ? g_uri_parse (base_url, URI_FLAGS, NULL) : NULL;
  cv.text = g_string_new (NULL);
  cv.spans = g_array_new (FALSE, FALSE, sizeof (MwArticleSpan));
  cv.links = g_array_new (FALSE, FALSE, sizeof (MwArticleLink));
  cv.open = g_array_new (FALSE, FALSE, sizeof (MwArticleOpenSpan));
  cv.lists = g_array_new (FALSE, FALSE, sizeof (MwArticleList));

  if (html != NULL)
    convert (&cv, html);
  g_assert (cv.open->len == 0);

  self->links = take_shown_links (&cv);
  self->length = cv.text->len;
  self->text = g_string_free (cv.text, FALSE);
  self->spans = cv.spans;

  g_clear_pointer (&cv.base, g_uri_unref);
  g_array_unref (cv.links);
  g_array_unref (cv.open);
  g_array_unref (cv.lists);
  return self;
}

void
mw_article_text_free (MwArticleText *self)
{
  if (self == NULL)
    return;
  g_free (self->text);
  g_array_unref (self->spans);
  g_ptr_array_unref (self->links);
  g_free (self);
}
