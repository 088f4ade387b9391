/* fuzz-json-feed.c: JSON Feed documents through the feed parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same entry point as fuzz-feed.c, started from JSON Feed seeds with a JSON
 * dictionary, so that the fuzzer spends its time in the JSON reader.
 */
#define G_LOG_DOMAIN "fuzz-json-feed"

#include "config.h"

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = NULL;

  feed = mw_feed_parse (data, size, size % 2 ? "application/feed+json" : NULL,
                        "https://example.org/feed.json", &error);
  if (feed == NULL)
    fuzz_check_error (error, MW_FEED_ERROR);
  else
    fuzz_check_parsed_feed (feed);

  fuzz_reset_libxml ();
  return 0;
}
