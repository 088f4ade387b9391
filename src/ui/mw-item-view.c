/* mw-item-view.c: a feed item's HTML, shown as readable text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feed content is written by strangers. libxml2's HTML parser reads it (no network, no
 * DTD, no encoding switch) and the tree is walked into a text buffer with plain inserts
 * and tags chosen here: nothing of it is ever read as Pango markup, loaded, run or opened.
 * Only http and https links can be activated, and the view only reports them; the window
 * decides what to do. The work is bounded — input size, depth walked, text length, number
 * of tags — so that a hostile item cannot hang the window.
 *
 * The text is built in a string first, with the tags as character ranges, and goes into
 * the buffer in one insert: far cheaper than one insert per text node.
 */
#define G_LOG_DOMAIN "mw-item-view"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <libxml/HTMLparser.h>

#include "mw-item-view.h"
#include "mw-text.h"
#include "mw-xml.h"

#define MAX_HTML_BYTES  (2 * 1024 * 1024)
#define MAX_TEXT_BYTES  (1024 * 1024)
#define MAX_DEPTH       200
#define MAX_SPANS       5000
#define MAX_LINKS       1000
#define MAX_ALT_BYTES   300
/* Pango lays out a paragraph in one piece, taking time that grows faster than the length of
 * its longest word, and the buffer keeps a line's tags in a list. A longer line, or one with
 * more tags, is broken at its next space; a far longer line or word, anywhere. */
#define MAX_LINE_BYTES  (8 * 1024)
#define MAX_LINE_SPANS  200
#define HARD_LINE_BYTES (2 * MAX_LINE_BYTES)
#define HARD_WORD_BYTES 2048
#define HARD_LINE_SPANS (2 * MAX_LINE_SPANS)

#define MARGIN_PX       12
#define INDENT_PX       24
#define INDENT_LEVELS   8

typedef struct
{
  GtkTextTag *tag;
  char       *uri;
  gboolean    shown;
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

G_DEFINE_FINAL_TYPE (MwItemView, mw_item_view, GTK_TYPE_TEXT_VIEW)

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

typedef struct
{
  GtkTextTag *tag;
  Link       *link;
  glong       start;   /* -1 until text arrives, so that leading whitespace stays outside */
} OpenSpan;

typedef struct
{
  GtkTextTag *tag;
  glong       start;
  glong       end;
} Span;

typedef struct
{
  gboolean ordered;
  gint64   next;
} List;

typedef struct
{
  MwItemView *self;
  GUri       *base;
  GString    *text;
  glong       n_chars;
  gsize       line_bytes;
  gsize       word_bytes;
  guint       line_spans;
  GArray     *spans;          /* Span */
  GArray     *open;           /* OpenSpan */
  GArray     *lists;          /* List */
  guint       indent;         /* the enclosing lists, quotes and definitions */
  guint       pre;
  gboolean    pre_start;      /* a newline right after <pre> is not content */
  guint       pending_breaks; /* newlines owed before the next text */
  char        pending_sep;    /* ' ' or '\t' owed before the next text on the line */
  gboolean    after_marker;   /* nothing but a list marker since the last break */
  gboolean    full;
} Converter;

static gboolean
is_html_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void
append (Converter  *cv,
        const char *s,
        gsize       len)
{
  gboolean cut = FALSE;
  gsize i;

  if (cv->full || len == 0)
    return;
  if (cv->text->len + len > MAX_TEXT_BYTES)
    {
      len = mw_text_cut_utf8 (s, len, MAX_TEXT_BYTES - cv->text->len);
      cut = TRUE;
    }

  g_string_append_len (cv->text, s, len);
  cv->n_chars += g_utf8_strlen (s, len);
  for (i = len; i > 0 && s[i - 1] != '\n'; i--)
    ;
  if (i > 0)
    {
      cv->line_bytes = len - i;
      cv->line_spans = 0;
    }
  else
    cv->line_bytes += len;
  for (i = len; i > 0 && !is_html_space (s[i - 1]); i--)
    ;
  cv->word_bytes = i > 0 ? len - i : cv->word_bytes + len;

  if (cut)
    {
      g_string_append (cv->text, "…");
      cv->n_chars++;
      cv->full = TRUE;
    }
}

static void
append_text (Converter  *cv,
             const char *s,
             gsize       len)
{
  while (len > 0 && !cv->full)
    {
      gsize n = MIN (HARD_LINE_BYTES - MIN (cv->line_bytes, HARD_LINE_BYTES),
                     HARD_WORD_BYTES - MIN (cv->word_bytes, HARD_WORD_BYTES));

      n = mw_text_cut_utf8 (s, len, n);
      if (n == 0)
        {
          append (cv, "\n", 1);
          continue;
        }
      append (cv, s, n);
      s += n;
      len -= n;
    }
}

static void
append_newlines (Converter *cv,
                 guint      count)
{
  static const char newlines[] = "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n";

  while (count > 0 && !cv->full)
    {
      guint n = MIN (count, sizeof newlines - 1);

      append (cv, newlines, n);
      count -= n;
    }
}

/* Pays what is owed before visible text: the breaks, or the space, then starts the ranges
 * opened since the last text. */
static void
begin_text (Converter *cv)
{
  if (cv->n_chars > 0)
    {
      if (cv->pending_breaks > 0)
        append_newlines (cv, cv->pending_breaks);
      else if (cv->pending_sep == ' ' &&
               (cv->line_bytes > MAX_LINE_BYTES || cv->line_spans > MAX_LINE_SPANS))
        append (cv, "\n", 1);
      else if (cv->pending_sep != 0 && !cv->after_marker)
        append (cv, &cv->pending_sep, 1);
    }
  cv->pending_breaks = 0;
  cv->pending_sep = 0;
  cv->after_marker = FALSE;

  for (guint i = cv->open->len; i > 0; i--)
    {
      OpenSpan *span = &g_array_index (cv->open, OpenSpan, i - 1);

      if (span->start >= 0)
        break;
      span->start = cv->n_chars;
    }
}

static void
add_text (Converter  *cv,
          const char *s)
{
  while (*s != '\0' && !cv->full)
    {
      const char *end = s;

      if (is_html_space (*s))
        {
          if (cv->pending_sep == 0)
            cv->pending_sep = ' ';
          s++;
          continue;
        }
      while (*end != '\0' && !is_html_space (*end))
        end++;
      begin_text (cv);
      append_text (cv, s, end - s);
      s = end;
    }
}

/* Inside <pre> spaces are kept, and newlines count: up to two blank lines in a row. */
static void
add_pre_text (Converter  *cv,
              const char *s)
{
  if (cv->pre_start)
    {
      cv->pre_start = FALSE;
      if (s[0] == '\r' && s[1] == '\n')
        s += 2;
      else if (s[0] == '\n' || s[0] == '\r')
        s++;
    }

  while (*s != '\0' && !cv->full)
    {
      const char *end = s;

      if (*s == '\n' || *s == '\r')
        {
          if (s[0] == '\r' && s[1] == '\n')
            s++;
          s++;
          if (cv->n_chars > 0 && cv->pending_breaks < 3)
            cv->pending_breaks++;
          continue;
        }
      while (*end != '\0' && *end != '\n' && *end != '\r')
        end++;
      cv->pending_sep = 0;
      begin_text (cv);
      append_text (cv, s, end - s);
      s = end;
    }
}

/* Blocks are paragraphs, with a blank line between them; inside a list, lines. */
static guint
paragraph_break (Converter *cv)
{
  return cv->lists->len > 0 ? 1 : 2;
}

static void
request_break (Converter *cv,
               guint      count,
               gboolean   even_after_marker)
{
  if (cv->n_chars == 0 || (cv->after_marker && !even_after_marker))
    return;
  cv->pending_breaks = MAX (cv->pending_breaks, count);
  cv->pending_sep = 0;
  cv->after_marker = FALSE;
}

static void
line_break (Converter *cv)
{
  if (cv->n_chars == 0 || cv->after_marker)
    return;
  if (cv->pending_breaks < 2)
    cv->pending_breaks++;
  cv->pending_sep = 0;
}

static void
open_span (Converter  *cv,
           GtkTextTag *tag,
           Link       *link)
{
  OpenSpan span = { tag, link, -1 };

  g_array_append_val (cv->open, span);
}

static void
close_span (Converter *cv)
{
  OpenSpan *open = &g_array_index (cv->open, OpenSpan, cv->open->len - 1);

  if (open->start >= 0 && cv->n_chars > open->start && cv->spans->len < MAX_SPANS &&
      cv->line_spans < HARD_LINE_SPANS)
    {
      Span span = { open->tag, open->start, cv->n_chars };

      g_array_append_val (cv->spans, span);
      cv->line_spans++;
      if (open->link != NULL)
        open->link->shown = TRUE;
    }
  g_array_set_size (cv->open, cv->open->len - 1);
}

static GtkTextTag *
style_tag (MwItemView *self,
           Style       style)
{
  switch (style)
    {
    case STYLE_BOLD:
      return self->bold;
    case STYLE_ITALIC:
      return self->italic;
    case STYLE_UNDERLINE:
      return self->underline;
    case STYLE_STRIKE:
      return self->strike;
    case STYLE_MONO:
      return self->mono;
    case STYLE_SMALL:
      return self->small;
    case STYLE_SUB:
      return self->sub;
    case STYLE_SUP:
      return self->sup;
    case STYLE_NONE:
    default:
      return NULL;
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
resolve_link (Converter  *cv,
              const char *href)
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
open_link (Converter *cv,
           xmlNode   *node)
{
  MwItemView *self = cv->self;
  g_autofree char *href = get_attribute (node, "href");
  g_autofree char *uri = NULL;
  GtkTextTagTable *table;
  Link *link;

  if (href == NULL || self->links->len >= MAX_LINKS || cv->spans->len >= MAX_SPANS)
    return 0;
  uri = resolve_link (cv, href);
  if (uri == NULL)
    return 0;

  link = g_new0 (Link, 1);
  link->uri = g_steal_pointer (&uri);
  link->tag = gtk_text_tag_new (NULL);
  table = gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)));
  gtk_text_tag_table_add (table, link->tag);
  g_object_unref (link->tag);
  g_ptr_array_add (self->links, link);
  g_hash_table_insert (self->link_by_tag, link->tag, link);

  open_span (cv, self->link, NULL);
  open_span (cv, link->tag, link);
  return 2;
}

static void
add_image (Converter *cv,
           xmlNode   *node)
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
  open_span (cv, cv->self->dim, NULL);
  add_text (cv, label);
  close_span (cv);
}

static const char *
marker_text (Converter  *cv,
             xmlNode    *node,
             MarkerKind *kind,
             char        number[32])
{
  List *list;

  *kind = MARKER_BULLET;
  if (cv->lists->len == 0)
    return "• ";

  list = &g_array_index (cv->lists, List, cv->lists->len - 1);
  if (!list->ordered)
    return cv->lists->len == 1 ? "• " : "◦ ";

  {
    g_autofree char *value = get_attribute (node, "value");

    if (value != NULL)
      list->next = CLAMP (g_ascii_strtoll (value, NULL, 10), -999999, 999999);
  }
  *kind = MARKER_NUMBER;
  g_snprintf (number, 32, "%" G_GINT64_FORMAT ". ", list->next);
  list->next = MIN (list->next + 1, 999999);
  return number;
}

static void walk_children (Converter *cv,
                           xmlNode   *node,
                           guint      depth);

static void
walk_element (Converter *cv,
              xmlNode   *node,
              guint      depth)
{
  MwItemView *self = cv->self;
  const Element *element = lookup_element (node->name);
  ElementKind kind = element != NULL ? element->kind : ELEMENT_INLINE;
  guint opened = 0;

  switch (kind)
    {
    case ELEMENT_DROP:
      return;

    case ELEMENT_BREAK:
      line_break (cv);
      return;

    case ELEMENT_IMAGE:
      add_image (cv, node);
      return;

    case ELEMENT_RULE:
      request_break (cv, paragraph_break (cv), FALSE);
      return;

    case ELEMENT_BLOCK:
      request_break (cv, paragraph_break (cv), FALSE);
      break;

    case ELEMENT_HEADING:
      request_break (cv, paragraph_break (cv), FALSE);
      open_span (cv, self->headings[CLAMP (node->name[1] - '1', 0, 5)], NULL);
      opened++;
      break;

    case ELEMENT_PRE:
      request_break (cv, paragraph_break (cv), FALSE);
      open_span (cv, self->pre, NULL);
      opened++;
      cv->pre++;
      cv->pre_start = TRUE;
      break;

    case ELEMENT_QUOTE:
      request_break (cv, paragraph_break (cv), FALSE);
      cv->indent++;
      open_span (cv, self->block_indents[MIN (cv->indent, INDENT_LEVELS) - 1], NULL);
      open_span (cv, self->dim, NULL);
      opened += 2;
      break;

    case ELEMENT_DEFINITION:
      request_break (cv, 1, FALSE);
      cv->indent++;
      open_span (cv, self->block_indents[MIN (cv->indent, INDENT_LEVELS) - 1], NULL);
      opened++;
      break;

    case ELEMENT_LIST:
      {
        g_autofree char *start = get_attribute (node, "start");
        List list = { g_str_equal (node->name, "ol"), 1 };

        if (start != NULL)
          list.next = CLAMP (g_ascii_strtoll (start, NULL, 10), -999999, 999999);
        request_break (cv, paragraph_break (cv), TRUE);
        g_array_append_val (cv->lists, list);
        cv->indent++;
      }
      break;

    case ELEMENT_ITEM:
      {
        char number[32];
        MarkerKind marker;
        const char *text = marker_text (cv, node, &marker, number);
        guint level = MIN (MAX (cv->indent, 1), INDENT_LEVELS) - 1;

        request_break (cv, 1, TRUE);
        open_span (cv, self->list_indents[marker][level], NULL);
        opened++;
        begin_text (cv);
        append (cv, text, strlen (text));
        cv->after_marker = TRUE;
      }
      break;

    case ELEMENT_LINE:
      request_break (cv, 1, FALSE);
      break;

    case ELEMENT_CELL:
      if (cv->n_chars > 0 && cv->pending_breaks == 0 && !cv->after_marker)
        cv->pending_sep = '\t';
      break;

    case ELEMENT_LINK:
      opened += open_link (cv, node);
      break;

    case ELEMENT_QUOTATION:
      add_text (cv, "“");
      break;

    case ELEMENT_INLINE:
    default:
      break;
    }

  if (element != NULL && element->style != STYLE_NONE)
    {
      open_span (cv, style_tag (self, element->style), NULL);
      opened++;
    }

  walk_children (cv, node, depth + 1);

  for (; opened > 0; opened--)
    close_span (cv);

  switch (kind)
    {
    case ELEMENT_BLOCK:
    case ELEMENT_HEADING:
      request_break (cv, paragraph_break (cv), FALSE);
      break;

    case ELEMENT_PRE:
      cv->pre--;
      cv->pre_start = FALSE;
      request_break (cv, paragraph_break (cv), FALSE);
      break;

    case ELEMENT_QUOTE:
      cv->indent--;
      request_break (cv, paragraph_break (cv), FALSE);
      break;

    case ELEMENT_DEFINITION:
      cv->indent--;
      request_break (cv, 1, FALSE);
      break;

    case ELEMENT_LIST:
      cv->indent--;
      g_array_set_size (cv->lists, cv->lists->len - 1);
      request_break (cv, paragraph_break (cv), TRUE);
      break;

    case ELEMENT_ITEM:
    case ELEMENT_LINE:
      /* Even an empty item ends its line. */
      request_break (cv, 1, TRUE);
      break;

    case ELEMENT_QUOTATION:
      add_text (cv, "”");
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
walk (Converter *cv,
      xmlNode   *node,
      guint      depth)
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
        add_pre_text (cv, (const char *) node->content);
      else
        add_text (cv, (const char *) node->content);
      break;

    case XML_ELEMENT_NODE:
      walk_element (cv, node, depth);
      break;

    default:
      break;
    }
}

static void
walk_children (Converter *cv,
               xmlNode   *node,
               guint      depth)
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

      while (is_html_space (*p))
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
convert (Converter  *cv,
         const char *html)
{
  g_autofree char *valid = NULL;
  g_autofree char *wrapped = NULL;
  gsize full_len = strlen (html);
  gsize len = mw_text_cut_utf8 (html, full_len, MAX_HTML_BYTES);
  gboolean cut = len < full_len;
  htmlDocPtr doc;

  if (!g_utf8_validate_len (html, len, NULL))
    html = valid = g_utf8_make_valid (html, len);
  else if (cut)
    html = valid = g_strndup (html, len);

  if (strchr (html, '<') == NULL)
    html = wrapped = plain_text_to_html (html);
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
      request_break (cv, 2, TRUE);
      add_text (cv, "…");
    }
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

static void
fill (MwItemView    *self,
      GtkTextBuffer *buffer,
      Converter     *cv)
{
  GtkTextIter iter;

  gtk_text_buffer_get_start_iter (buffer, &iter);
  gtk_text_buffer_insert (buffer, &iter, cv->text->str, cv->text->len);

  for (guint i = 0; i < cv->spans->len; i++)
    {
      Span *span = &g_array_index (cv->spans, Span, i);
      GtkTextIter start, end;

      gtk_text_buffer_get_iter_at_offset (buffer, &start, span->start);
      gtk_text_buffer_get_iter_at_offset (buffer, &end, span->end);
      gtk_text_buffer_apply_tag (buffer, span->tag, &start, &end);
    }

  /* Links with no text to click (an image with no alt, past the limits) are not links. */
  for (guint i = self->links->len; i > 0; i--)
    {
      Link *link = g_ptr_array_index (self->links, i - 1);

      if (link->shown)
        continue;
      g_hash_table_remove (self->link_by_tag, link->tag);
      gtk_text_tag_table_remove (gtk_text_buffer_get_tag_table (buffer), link->tag);
      g_ptr_array_remove_index (self->links, i - 1);
    }
}

void
mw_item_view_set_html (MwItemView *self,
                       const char *html,
                       const char *base_url)
{
  GtkTextBuffer *buffer;
  GtkAdjustment *adjustment;
  GtkTextIter start;
  Converter cv = { 0 };

  g_return_if_fail (MW_IS_ITEM_VIEW (self));

  clear (self);
  set_over_link (self, FALSE);
  if (html == NULL)
    return;

  cv.self = self;
  cv.base = base_url != NULL ? g_uri_parse (base_url, URI_FLAGS, NULL) : NULL;
  cv.text = g_string_new (NULL);
  cv.spans = g_array_new (FALSE, FALSE, sizeof (Span));
  cv.open = g_array_new (FALSE, FALSE, sizeof (OpenSpan));
  cv.lists = g_array_new (FALSE, FALSE, sizeof (List));

  convert (&cv, html);
  g_assert (cv.open->len == 0);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  if (g_utf8_validate_len (cv.text->str, cv.text->len, NULL))
    fill (self, buffer, &cv);
  else
    g_critical ("Item text is not valid UTF-8");
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self));
  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, 0);

  g_clear_pointer (&cv.base, g_uri_unref);
  g_string_free (cv.text, TRUE);
  g_array_unref (cv.spans);
  g_array_unref (cv.open);
  g_array_unref (cv.lists);
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

/* Adwaita's link blue, its dimmed text and a shade for code, in each style. */
static void
update_colors (MwItemView *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GdkRGBA link, dim, shade;

  gdk_rgba_parse (&link, dark ? "#78aeed" : "#1c71d8");
  gdk_rgba_parse (&dim, dark ? "#c0bfbc" : "#5e5c64");
  gdk_rgba_parse (&shade, dark ? "#303030" : "#f0f0f0");
  g_object_set (self->link, "foreground-rgba", &link, NULL);
  g_object_set (self->dim, "foreground-rgba", &dim, NULL);
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
