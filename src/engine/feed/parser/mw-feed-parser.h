/* mw-feed-parser.h: RSS, RDF, Atom and JSON Feed documents into one model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain data and plain functions: safe to call from any thread, on untrusted bytes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Documents larger than this are refused before parsing. */
#define MW_FEED_MAX_BYTES (50 * 1024 * 1024)

#define MW_FEED_ERROR (mw_feed_error_quark ())
GQuark mw_feed_error_quark (void);

typedef enum
{
  MW_FEED_ERROR_EMPTY,        /* no bytes at all */
  MW_FEED_ERROR_TOO_LARGE,    /* over MW_FEED_MAX_BYTES */
  MW_FEED_ERROR_HTML,         /* an HTML page, not a feed */
  MW_FEED_ERROR_NOT_A_FEED,   /* well-formed, but no feed format we know */
  MW_FEED_ERROR_MALFORMED,    /* broken beyond recovering anything */
} MwFeedError;

typedef enum
{
  MW_FEED_FORMAT_RSS,         /* RSS 0.9x and 2.0 */
  MW_FEED_FORMAT_RDF,         /* RSS 1.0 */
  MW_FEED_FORMAT_ATOM,
  MW_FEED_FORMAT_JSON,        /* JSON Feed 1.0 and 1.1 */
} MwFeedFormat;

typedef struct
{
  char   *url;                /* absolute */
  char   *type;               /* MIME type, or NULL */
  gint64  length;             /* bytes, or -1 */
} MwEnclosure;

typedef struct
{
  char      *id;              /* guid / id / derived stable id; never NULL */
  char      *title;           /* plain text, entities decoded; may be NULL */
  char      *link;            /* absolute http(s) URL or NULL */
  char      *author;          /* plain text or NULL */
  gint64     published;       /* Unix seconds, 0 when unknown */
  gint64     updated;         /* Unix seconds, 0 when unknown */
  char      *summary;         /* HTML (or text) as published, or NULL */
  char      *content;         /* HTML (or text) as published, or NULL */
  GPtrArray *enclosures;      /* MwEnclosure*, never NULL */
  char      *search_text;     /* title, summary and content folded for searching, or
                                 NULL: see mw_parsed_item_fill_search_text() */
} MwParsedItem;

typedef struct
{
  MwFeedFormat  format;
  char         *title;        /* plain text or NULL */
  char         *link;         /* the site, absolute, or NULL */
  char         *description;  /* plain text or NULL */
  char         *icon_url;     /* absolute or NULL */
  GPtrArray    *items;        /* MwParsedItem*, document order (newest first when only
                                 the newest were kept), never NULL */
  guint         n_items_read; /* items the document held, kept or not (one too old
                                 to keep is counted without being looked at) */
  char         *problem;      /* a sentence when the document was damaged but
                                 something was recovered; else NULL */
} MwParsedFeed;

void          mw_enclosure_free    (MwEnclosure  *enclosure);
void          mw_parsed_item_clear (MwParsedItem *item);
void          mw_parsed_item_free  (MwParsedItem *item);
void          mw_parsed_feed_free  (MwParsedFeed *feed);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwParsedFeed, mw_parsed_feed_free)
void          mw_parsed_feed_keep_newest (MwParsedFeed *feed,
                                          guint         max_items);

MwParsedFeed *mw_feed_parse        (const guint8 *data,
                                    gsize         length,
                                    const char   *content_type,
                                    const char   *base_url,
                                    GError      **error);
MwParsedFeed *mw_feed_parse_newest (const guint8 *data,
                                    gsize         length,
                                    const char   *content_type,
                                    const char   *base_url,
                                    guint         max_items,
                                    GError      **error);
gint64        mw_feed_parse_date   (const char   *text);

G_END_DECLS
