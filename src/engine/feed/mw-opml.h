/* mw-opml.h: subscription lists in and out as OPML
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *url;        /* the feed (xmlUrl), absolute http(s) */
  char *title;      /* or NULL */
  char *site_url;   /* htmlUrl, or NULL */
  char *group;      /* the enclosing outlines' titles joined with " / ", or NULL */
} MwOpmlEntry;

void       mw_opml_entry_free (MwOpmlEntry  *entry);

GPtrArray *mw_opml_parse      (const guint8 *data,
                               gsize         length,
                               GError      **error);
char      *mw_opml_write      (GPtrArray    *entries,
                               const char   *title,
                               gsize        *length);

G_END_DECLS
