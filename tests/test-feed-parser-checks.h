/* test-feed-parser-checks.h: what the feed parser's test programs share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mw-feed-parser.h"

G_BEGIN_DECLS

#define BASE_URL "https://example.org/feed.xml"
#define DERIVED_PREFIX "meanwhile:sha1:"

/* The bounds the parser promises; a hostile feed must not get past them. */
#define TITLE_MAX_BYTES (2 * 1024)
#define TEXT_MAX_BYTES  (8 * 1024)
#define HTML_MAX_BYTES  (1024 * 1024)
#define URL_MAX_BYTES   (8 * 1024)
#define ID_MAX_BYTES    512
#define MAX_ITEMS       100000

typedef struct
{
  const char *id;
  const char *title;
  const char *link;
  const char *author;
  gint64      published;
  gint64      updated;
  const char *summary;
  const char *content;
} ExpectedItem;

MwParsedFeed *parse_checked        (const guint8       *data,
                                    gsize               length,
                                    const char         *content_type,
                                    const char         *base_url,
                                    GError            **error);
MwParsedFeed *parse_string         (const char         *text,
                                    const char         *content_type,
                                    GError            **error);
MwParsedFeed *parse_fixture_full   (const char         *name,
                                    const char         *content_type,
                                    const char         *base_url);
MwParsedFeed *parse_fixture        (const char         *name);
void          assert_fixture_error (const char         *name,
                                    const char         *content_type,
                                    MwFeedError         code);
MwParsedItem *item_at              (const MwParsedFeed *feed,
                                    guint               index);
void          assert_items         (const MwParsedFeed *feed,
                                    const ExpectedItem *expected,
                                    gsize               n_expected);
void          assert_enclosure     (const MwParsedFeed *feed,
                                    guint               item_index,
                                    guint               index,
                                    const char         *url,
                                    const char         *type,
                                    gint64              length);
void          assert_feed          (const MwParsedFeed *feed,
                                    MwFeedFormat        format,
                                    const char         *title,
                                    const char         *link,
                                    const char         *description,
                                    const char         *icon_url);

G_END_DECLS
