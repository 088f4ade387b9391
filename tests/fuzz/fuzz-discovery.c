/* fuzz-discovery.c: web pages through feed discovery
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-discovery"

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "mw-feed-discovery.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) feeds = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  mw_feed_looks_like_html (data, size, NULL);
  mw_feed_looks_like_html (data, size, "text/html; charset=utf-8");

  feeds = mw_feed_discover (data, size, "https://example.org/blog/index.html");
  fuzz_check (feeds != NULL);
  for (guint i = 0; i < feeds->len; i++)
    {
      MwDiscoveredFeed *feed = g_ptr_array_index (feeds, i);

      fuzz_check (feed->url != NULL);
      fuzz_check_http_url (feed->url);
      /* Each address once. */
      fuzz_check (g_hash_table_add (seen, feed->url));
      /* At most 512 characters on one line, trimmed. */
      fuzz_check_text (feed->title, 512 * 4);
      fuzz_check (feed->title == NULL ||
                  (g_utf8_strlen (feed->title, -1) <= 512 && strchr (feed->title, '\n') == NULL &&
                   !g_unichar_isspace (g_utf8_get_char (feed->title))));
      fuzz_check (feed->type != NULL);
      fuzz_check_text (feed->type, 1024);
    }

  fuzz_reset_libxml ();
  return 0;
}
