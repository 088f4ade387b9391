/* mw-demo-feeds.h: the sample feeds the demo server offers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mw-demo-server.h"

G_BEGIN_DECLS

#define MW_DEMO_FEEDS_BIG_ITEMS 30000
/* The big archive: new on every request, always last of the installed feeds */
#define MW_DEMO_FEEDS_BIG_PATH  "feeds/big-archive.rss"

GStrv mw_demo_feeds_install (MwDemoServer *server);
char *mw_demo_feeds_make_big_rss (guint n_items);

G_END_DECLS
