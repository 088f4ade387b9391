/* mw-article-text-private.h: what the files that turn an article into text share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "mw-article-text.h"

G_BEGIN_DECLS

/* How much of an article is read and written, whatever it holds. */
#define MAX_HTML_BYTES  (2 * 1024 * 1024)
#define MAX_TEXT_BYTES  (1024 * 1024)
#define MAX_DEPTH       200
#define MAX_SPANS       5000
#define MAX_LINKS       1000
#define MAX_ALT_BYTES   300
/* A view lays out a paragraph in one piece (Pango takes time that grows faster than the
 * length of its longest word) and keeps a line's tags in a list. A longer line, or one with
 * more spans, is broken at its next space; a far longer line or word, anywhere. */
#define MAX_LINE_BYTES  (8 * 1024)
#define MAX_LINE_SPANS  200
#define HARD_LINE_BYTES (2 * MAX_LINE_BYTES)
#define HARD_WORD_BYTES 2048
#define HARD_LINE_SPANS (2 * MAX_LINE_SPANS)

/* The state of one conversion: the text written so far, its spans and links, and what is
 * owed before the next text. */
typedef struct
{
  MwArticleStyle style;
  guint          level;
  guint          link;
  glong          start;   /* -1 until text arrives, so that leading whitespace stays outside */
} MwArticleOpenSpan;

/* A link found before it is known to have text to click: only those that do are kept. */
typedef struct
{
  char     *uri;
  gboolean  shown;
} MwArticleLink;

typedef struct
{
  gboolean ordered;
  gint64   next;
} MwArticleList;

typedef struct
{
  GUri       *base;
  GString    *text;
  glong       n_chars;
  gsize       line_bytes;
  gsize       word_bytes;
  guint       line_spans;     /* this one and n_spans weighted by span_weight () */
  guint       n_spans;
  GArray     *spans;          /* MwArticleSpan */
  GArray     *links;          /* MwArticleLink */
  GArray     *open;           /* MwArticleOpenSpan */
  GArray     *lists;          /* MwArticleList */
  guint       indent;         /* the enclosing lists, quotes and definitions */
  guint       pre;
  gboolean    pre_start;      /* a newline right after <pre> is not content */
  guint       pending_breaks; /* newlines owed before the next text */
  char        pending_sep;    /* ' ' or '\t' owed before the next text on the line */
  gboolean    after_marker;   /* nothing but a list marker since the last break */
  gboolean    full;
} MwArticleConverter;

gboolean _mw_article_is_html_space   (char                c);

/* Writing text: appended as it is, or collapsed as HTML does (_add_text), or kept with
 * its newlines (_add_pre_text); each begins with what is owed (_begin_text). */
void     _mw_article_append          (MwArticleConverter *cv,
                                      const char         *s,
                                      gsize               len);
void     _mw_article_begin_text      (MwArticleConverter *cv);
void     _mw_article_add_text        (MwArticleConverter *cv,
                                      const char         *s);
void     _mw_article_add_pre_text    (MwArticleConverter *cv,
                                      const char         *s);

/* Breaks owed before the next text. */
guint    _mw_article_paragraph_break (MwArticleConverter *cv);
void     _mw_article_request_break   (MwArticleConverter *cv,
                                      guint               count,
                                      gboolean            even_after_marker);
void     _mw_article_line_break      (MwArticleConverter *cv);

/* Spans: opened before their text, closed after it, kept if they cover any. */
void     _mw_article_open_span       (MwArticleConverter *cv,
                                      MwArticleStyle      style,
                                      guint               level,
                                      guint               link);
void     _mw_article_close_span      (MwArticleConverter *cv);

G_END_DECLS
