/* mw-url.h: addresses and short texts from documents nobody checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *mw_url_resolve_http (GUri        *base,
                               const char  *text);
gboolean  mw_url_check_http   (const char  *url,
                               GError     **error);
char     *mw_text_clean_line  (const char  *text,
                               guint        max_chars);

G_END_DECLS
