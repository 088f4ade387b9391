/* mw-feed-discovery.h: finding the feeds a web page links to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *url;      /* absolute */
  char *title;    /* the link's title, or NULL */
  char *type;     /* application/rss+xml, application/atom+xml, application/feed+json, … */
} MwDiscoveredFeed;

void       mw_discovered_feed_free (MwDiscoveredFeed *feed);

gboolean   mw_feed_looks_like_html (const guint8     *data,
                                    gsize             length,
                                    const char       *content_type);
GPtrArray *mw_feed_discover        (const guint8     *html,
                                    gsize             length,
                                    const char       *page_url);

G_END_DECLS
