/* mw-feed-parser.c: the entry points: what a document is, read into one model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bytes come from anywhere on the web, so everything here assumes the worst: the
 * document is repaired and neutralised before libxml2 sees it (decoded to UTF-8, its
 * DOCTYPE removed, HTML entities turned into character references, stray ampersands
 * escaped), every field is bounded, and nothing but http(s) addresses comes out.
 *
 * Well-formed XML is read with the streaming xmlTextReader (mw-feed-xml-walk.c). The
 * reader gives up at the first well-formedness error, even in recover mode, so a refused
 * document is read again: first with its stray '<' escaped (the commonest mistake left
 * after the repairs), then, if still refused, into a tree with libxml2's recovery,
 * keeping whatever that salvages and saying so in MwParsedFeed.problem. JSON Feed is
 * read by mw-feed-json.c. Every sentence the parser refuses a document with is here.
 */
#define G_LOG_DOMAIN "mw-feed-parser"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mw-feed-parser-private.h"
#include "mw-text.h"
#include "mw-xml.h"

G_DEFINE_QUARK (mw-feed-error-quark, mw_feed_error)

/* Sets ERROR to the sentence that names what is wrong with the document for CODE. */
void
_mw_feed_set_error (GError    **error,
                    MwFeedError code)
{
  switch (code)
    {
    case MW_FEED_ERROR_EMPTY:
      g_set_error_literal (error, MW_FEED_ERROR, code,
                           _("The feed is empty: the server sent no content"));
      break;

    case MW_FEED_ERROR_TOO_LARGE:
      {
        g_autofree char *limit = g_format_size (MW_FEED_MAX_BYTES);

        g_set_error (error, MW_FEED_ERROR, code,
                     _("The feed is too large: it is over %s"), limit);
      }
      break;

    case MW_FEED_ERROR_HTML:
      g_set_error_literal (error, MW_FEED_ERROR, code,
                           _("Not a feed: the server sent an HTML page"));
      break;

    case MW_FEED_ERROR_NOT_A_FEED:
      g_set_error_literal (error, MW_FEED_ERROR, code,
                           _("Not a feed: the document is neither RSS, Atom nor JSON Feed"));
      break;

    case MW_FEED_ERROR_MALFORMED:
    default:
      g_set_error_literal (error, MW_FEED_ERROR, MW_FEED_ERROR_MALFORMED,
                           _("The feed is damaged and nothing in it could be read"));
      break;
    }
}

static gboolean
content_type_is_html (const char *content_type)
{
  return content_type != NULL &&
         (_mw_feed_has_prefix_ascii_ci (content_type, strlen (content_type), "text/html") ||
          _mw_feed_has_prefix_ascii_ci (content_type, strlen (content_type), "application/xhtml"));
}

/* Skips whitespace, and the PHP warnings and such that some servers print before the
 * document; returns NULL if no markup or JSON starts near the beginning. */
static const char *
find_document_start (const char *doc,
                     gsize       len)
{
  const char *end = doc + len;
  const char *p = doc;
  const char *decl;

  while (p < end && (g_ascii_isspace (*p) || *p == '\0'))
    p++;

  /* The declaration can only come first: whatever is before it is not the feed. */
  decl = g_strstr_len (p, MIN (end - p, 4096), "<?xml");
  if (decl != NULL)
    return decl;
  if (p < end && (*p == '<' || *p == '{' || *p == '['))
    return p;

  return NULL;
}

/**
 * mw_feed_parse:
 * @data: (array length=length): the document, as downloaded
 * @length: its size in bytes
 * @content_type: (nullable): the Content-Type header, whose charset wins over the
 *   document's own declaration
 * @base_url: (nullable): the final address of the document, after redirects, which
 *   relative links are resolved against
 * @error: return location for a #MW_FEED_ERROR
 *
 * Reads an RSS 0.9x/2.0, RSS 1.0, Atom or JSON Feed document, recognised by its
 * content. Damaged documents give what could be recovered, with
 * #MwParsedFeed.problem saying so. Safe to call from any thread.
 *
 * Returns: (transfer full) (nullable): the feed, or %NULL with @error set when
 *   nothing in @data could be used
 */
MwParsedFeed *
mw_feed_parse (const guint8 *data,
               gsize         length,
               const char   *content_type,
               const char   *base_url,
               GError      **error)
{
  return mw_feed_parse_newest (data, length, content_type, base_url, 0, error);
}

/**
 * mw_feed_parse_newest:
 * @max_items: how many items to keep, or 0 for all
 *
 * Like mw_feed_parse(), keeping only the newest @max_items items, newest first, as
 * mw_parsed_feed_keep_newest() would cut the whole list; but the items too old to be
 * kept are not built at all once enough newer ones were read. A feed of 20,000 items
 * parses in much less time and memory this way.
 */
MwParsedFeed *
mw_feed_parse_newest (const guint8 *data,
                      gsize         length,
                      const char   *content_type,
                      const char   *base_url,
                      guint         max_items,
                      GError      **error)
{
  g_autoptr(MwParsedFeed) feed = NULL;
  g_autoptr(GString) decoded = NULL;
  g_autoptr(GString) repaired = NULL;
  g_auto(MwParseState) st = { NULL, };
  const char *doc;
  const char *start;
  gsize doc_len;
  gsize skip = 0;
  gboolean is_json;
  MwWalkResult result;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > MW_FEED_MAX_BYTES)
    {
      _mw_feed_set_error (error, MW_FEED_ERROR_TOO_LARGE);
      return NULL;
    }

  {
    gsize i = 0;

    while (i < length && (g_ascii_isspace (data[i]) || data[i] == 0))
      i++;
    if (i == length)
      {
        _mw_feed_set_error (error, MW_FEED_ERROR_EMPTY);
        return NULL;
      }
  }

  /* JSON has no declaration to read, and its first character says what it is. */
  {
    gsize i = 0;

    while (i < length && g_ascii_isspace (data[i]))
      i++;
    if (i + 3 <= length && data[i] == 0xef && data[i + 1] == 0xbb && data[i + 2] == 0xbf)
      i += 3;
    while (i < length && g_ascii_isspace (data[i]))
      i++;
    is_json = i < length && (data[i] == '{' || data[i] == '[');
  }

  decoded = _mw_feed_decode_document (data, length, content_type, !is_json, &skip);
  if (decoded != NULL)
    {
      doc = decoded->str;
      doc_len = decoded->len;
    }
  else
    {
      doc = (const char *) data + skip;
      doc_len = length - skip;
    }

  start = find_document_start (doc, doc_len);
  if (start == NULL)
    {
      _mw_feed_set_error (error, content_type_is_html (content_type) ?
                                 MW_FEED_ERROR_HTML : MW_FEED_ERROR_NOT_A_FEED);
      return NULL;
    }
  doc_len -= start - doc;
  doc = start;

  feed = g_new0 (MwParsedFeed, 1);
  feed->items = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_parsed_item_free);
  st.feed = feed;
  st.base_url = base_url;
  st.keep = max_items;

  if (*doc == '{' || *doc == '[')
    {
      if (!_mw_feed_read_json_feed (&st, doc, doc_len, error))
        return NULL;
      result = MW_WALK_COMPLETE;
    }
  else
    {
      if (mw_text_sniff ((const guint8 *) doc, doc_len) == MW_TEXT_SNIFF_HTML)
        {
          _mw_feed_set_error (error, MW_FEED_ERROR_HTML);
          return NULL;
        }

      repaired = _mw_feed_repair_xml (doc, doc_len);
      if (repaired != NULL)
        {
          doc = repaired->str;
          doc_len = repaired->len;
        }
      mw_xml_init ();
      result = _mw_feed_walk_with_reader (&st, doc, doc_len, error);
      if (result == MW_WALK_DAMAGED)
        {
          g_autoptr(GString) escaped = _mw_feed_repair_stray_less_than (doc, doc_len);

          /* Each attempt starts over: partial results are a subset of the next ones. */
          if (escaped != NULL)
            {
              _mw_parse_state_reset (&st);
              result = _mw_feed_walk_with_reader (&st, escaped->str, escaped->len, error);
            }
          if (result == MW_WALK_DAMAGED)
            {
              _mw_parse_state_reset (&st);
              result = _mw_feed_walk_recovered_tree (&st, escaped ? escaped->str : doc,
                                                     escaped ? escaped->len : doc_len, error);
            }
        }
    }

  if (result == MW_WALK_REFUSED)
    return NULL;

  if (result == MW_WALK_DAMAGED)
    {
      if (feed->items->len == 0 && feed->title == NULL)
        {
          _mw_feed_set_error (error, MW_FEED_ERROR_MALFORMED);
          return NULL;
        }
      feed->problem = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "The feed is damaged; %u item could be read.",
                                                    "The feed is damaged; %u items could be read.",
                                                    st.n_items),
                                       st.n_items);
    }
  else if (st.too_many_items)
    {
      feed->problem =
        g_strdup_printf (_("The feed has too many items; only the first %u were read."),
                         (guint) MAX_ITEMS);
    }

  /* Atom and JSON Feed define the feed's author as the author of every item that
   * names none. */
  if (st.feed_author != NULL)
    {
      g_autofree char *author = _mw_feed_clean_author (st.feed_author);

      for (guint i = 0; author != NULL && i < feed->items->len; i++)
        {
          MwParsedItem *item = g_ptr_array_index (feed->items, i);

          if (item->author == NULL)
            item->author = g_strdup (author);
        }
    }

  feed->n_items_read = st.n_items;
  if (max_items > 0)
    mw_parsed_feed_keep_newest (feed, max_items);
  return g_steal_pointer (&feed);
}
