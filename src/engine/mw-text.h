/* mw-text.h: text as bytes, for every reader of untrusted documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MW_TEXT_SNIFF_UNKNOWN,
  MW_TEXT_SNIFF_HTML,   /* starts as a web page */
  MW_TEXT_SNIFF_FEED,   /* starts as RSS, Atom, RDF or JSON Feed */
} MwTextSniff;

gsize        mw_text_cut_utf8 (const char   *str,
                               gsize         len,
                               gsize         max);
MwTextSniff  mw_text_sniff    (const guint8 *data,
                               gsize         length);

G_END_DECLS
