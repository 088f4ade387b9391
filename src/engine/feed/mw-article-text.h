/* mw-article-text.h: an article's HTML or text, as plain text with styled spans and links
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a span of the text is; a view gives each its look. Spans nest, so that one
 * character may be in several. */
typedef enum
{
  MW_ARTICLE_STYLE_BOLD,
  MW_ARTICLE_STYLE_ITALIC,
  MW_ARTICLE_STYLE_UNDERLINE,
  MW_ARTICLE_STYLE_STRIKETHROUGH,
  MW_ARTICLE_STYLE_CODE,               /* code inside a line: monospace */
  MW_ARTICLE_STYLE_PREFORMATTED,       /* a block of code, its lines as they were */
  MW_ARTICLE_STYLE_SMALL,
  MW_ARTICLE_STYLE_SUBSCRIPT,
  MW_ARTICLE_STYLE_SUPERSCRIPT,
  MW_ARTICLE_STYLE_HEADING,            /* level: 1 to 6 */
  MW_ARTICLE_STYLE_INDENT,             /* a quotation's or definition's margin; level: depth */
  MW_ARTICLE_STYLE_LIST_ITEM,          /* after a bullet; level: depth */
  MW_ARTICLE_STYLE_NUMBERED_LIST_ITEM, /* after a number; level: depth */
  MW_ARTICLE_STYLE_QUOTE,              /* quoted text: dimmed */
  MW_ARTICLE_STYLE_IMAGE,              /* an image's description, in brackets: dimmed */
  MW_ARTICLE_STYLE_LINK,               /* link: its index in links */
} MwArticleStyle;

typedef struct
{
  guint          start;   /* in characters of the text */
  guint          end;
  MwArticleStyle style;
  guint          level;   /* headings, indents and list items; 0 for the others */
  guint          link;    /* MW_ARTICLE_STYLE_LINK only */
} MwArticleSpan;

typedef struct
{
  char      *text;    /* valid UTF-8 */
  gsize      length;  /* of text, in bytes */
  GArray    *spans;   /* MwArticleSpan, in the order they end */
  GPtrArray *links;   /* char *: absolute http and https addresses, each in a span */
} MwArticleText;

MwArticleText *mw_article_text_new  (const char    *html,
                                     const char    *base_url);
void           mw_article_text_free (MwArticleText *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwArticleText, mw_article_text_free)

G_END_DECLS
