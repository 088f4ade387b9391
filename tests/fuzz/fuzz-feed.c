/* fuzz-feed.c: RSS, RDF and Atom documents through the feed parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-feed"

#include "config.h"

#include "fuzz-common.h"

/* The Content-Type header takes part in choosing the charset. The input's length picks
 * one, so that every input is replayed exactly as it was run. */
static const char * const content_types[] = {
  NULL,
  "application/rss+xml",
  "application/atom+xml; charset=utf-8",
  "text/xml; charset=windows-1252",
  "application/xml; charset=\"iso-8859-1\"",
  "text/xml; charset=utf-16",
  "text/html; charset=koi8-r",
};

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = NULL;

  feed = mw_feed_parse (data, size, content_types[size % G_N_ELEMENTS (content_types)],
                        "https://example.org/news/feed.xml", &error);
  if (feed == NULL)
    fuzz_check_error (error, MW_FEED_ERROR);
  else
    fuzz_check_parsed_feed (feed);

  fuzz_reset_libxml ();
  return 0;
}
