/* mw-article-text-layout.c: an article's text as it is written, with its breaks and spans
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the walk over an article's tree writes goes through here: whitespace collapsed as
 * HTML does, breaks paid only before visible text, and lines, words, text and spans kept
 * within the limits a view can lay out quickly.
 */
#define G_LOG_DOMAIN "mw-article-text-layout"

#include "config.h"

#include "mw-article-text-private.h"
#include "mw-text.h"

gboolean
_mw_article_is_html_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

void
_mw_article_append (MwArticleConverter *cv,
                    const char         *s,
                    gsize               len)
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
  for (i = len; i > 0 && !_mw_article_is_html_space (s[i - 1]); i--)
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
append_text (MwArticleConverter *cv,
             const char         *s,
             gsize               len)
{
  while (len > 0 && !cv->full)
    {
      gsize n = MIN (HARD_LINE_BYTES - MIN (cv->line_bytes, HARD_LINE_BYTES),
                     HARD_WORD_BYTES - MIN (cv->word_bytes, HARD_WORD_BYTES));

      n = mw_text_cut_utf8 (s, len, n);
      if (n == 0)
        {
          _mw_article_append (cv, "\n", 1);
          continue;
        }
      _mw_article_append (cv, s, n);
      s += n;
      len -= n;
    }
}

static void
append_newlines (MwArticleConverter *cv,
                 guint               count)
{
  static const char newlines[] = "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n";

  while (count > 0 && !cv->full)
    {
      guint n = MIN (count, sizeof newlines - 1);

      _mw_article_append (cv, newlines, n);
      count -= n;
    }
}

/* Pays what is owed before visible text: the breaks, or the space, then starts the ranges
 * opened since the last text. */
void
_mw_article_begin_text (MwArticleConverter *cv)
{
  if (cv->n_chars > 0)
    {
      if (cv->pending_breaks > 0)
        append_newlines (cv, cv->pending_breaks);
      else if (cv->pending_sep == ' ' &&
               (cv->line_bytes > MAX_LINE_BYTES || cv->line_spans > MAX_LINE_SPANS))
        _mw_article_append (cv, "\n", 1);
      else if (cv->pending_sep != 0 && !cv->after_marker)
        _mw_article_append (cv, &cv->pending_sep, 1);
    }
  cv->pending_breaks = 0;
  cv->pending_sep = 0;
  cv->after_marker = FALSE;

  for (guint i = cv->open->len; i > 0; i--)
    {
      MwArticleOpenSpan *span = &g_array_index (cv->open, MwArticleOpenSpan, i - 1);

      if (span->start >= 0)
        break;
      span->start = cv->n_chars;
    }
}

void
_mw_article_add_text (MwArticleConverter *cv,
                      const char         *s)
{
  while (*s != '\0' && !cv->full)
    {
      const char *end = s;

      if (_mw_article_is_html_space (*s))
        {
          if (cv->pending_sep == 0)
            cv->pending_sep = ' ';
          s++;
          continue;
        }
      while (*end != '\0' && !_mw_article_is_html_space (*end))
        end++;
      _mw_article_begin_text (cv);
      append_text (cv, s, end - s);
      s = end;
    }
}

/* Inside <pre> spaces are kept, and newlines count: up to two blank lines in a row. */
void
_mw_article_add_pre_text (MwArticleConverter *cv,
                          const char         *s)
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
      _mw_article_begin_text (cv);
      append_text (cv, s, end - s);
      s = end;
    }
}

/* Blocks are paragraphs, with a blank line between them; inside a list, lines. */
guint
_mw_article_paragraph_break (MwArticleConverter *cv)
{
  return cv->lists->len > 0 ? 1 : 2;
}

void
_mw_article_request_break (MwArticleConverter *cv,
                           guint               count,
                           gboolean            even_after_marker)
{
  if (cv->n_chars == 0 || (cv->after_marker && !even_after_marker))
    return;
  cv->pending_breaks = MAX (cv->pending_breaks, count);
  cv->pending_sep = 0;
  cv->after_marker = FALSE;
}

void
_mw_article_line_break (MwArticleConverter *cv)
{
  if (cv->n_chars == 0 || cv->after_marker)
    return;
  if (cv->pending_breaks < 2)
    cv->pending_breaks++;
  cv->pending_sep = 0;
}

/* A view draws a link with two tags, its look and the one that tells which link it is:
 * it counts twice against the limits on spans. */
static guint
span_weight (MwArticleStyle style)
{
  return style == MW_ARTICLE_STYLE_LINK ? 2 : 1;
}

void
_mw_article_open_span (MwArticleConverter *cv,
                       MwArticleStyle      style,
                       guint               level,
                       guint               link)
{
  MwArticleOpenSpan span = { style, level, link, -1 };

  g_array_append_val (cv->open, span);
}

void
_mw_article_close_span (MwArticleConverter *cv)
{
  MwArticleOpenSpan *open = &g_array_index (cv->open, MwArticleOpenSpan, cv->open->len - 1);
  guint weight = span_weight (open->style);

  if (open->start >= 0 && cv->n_chars > open->start && cv->n_spans + weight <= MAX_SPANS &&
      cv->line_spans + weight <= HARD_LINE_SPANS)
    {
      MwArticleSpan span = { (guint) open->start, (guint) cv->n_chars, open->style, open->level,
                             open->link };

      g_array_append_val (cv->spans, span);
      cv->n_spans += weight;
      cv->line_spans += weight;
      if (open->style == MW_ARTICLE_STYLE_LINK)
        g_array_index (cv->links, MwArticleLink, open->link).shown = TRUE;
    }
  g_array_set_size (cv->open, cv->open->len - 1);
}
