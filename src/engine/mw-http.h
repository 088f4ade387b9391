/* mw-http.h: the HTTP session and what Meanwhile reads from responses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Not in libsoup 3.2's SoupStatus */
#define MW_HTTP_STATUS_TOO_MANY_REQUESTS 429

#define MW_USER_AGENT "Meanwhile/" PACKAGE_VERSION " "

SoupSession *mw_http_session_new          (guint                timeout_seconds);
gint64       mw_http_get_retry_after_ms   (SoupMessageHeaders  *headers,
                                           GDateTime           *now);
gboolean     mw_http_parse_content_range  (const char          *value,
                                           gint64              *start,
                                           gint64              *end,
                                           gint64              *total);
gboolean     mw_http_etag_is_strong       (const char          *etag);
GError      *mw_http_explain_send_error   (GError              *error,
                                           GTlsCertificateFlags refused_certificate);
void         mw_http_raise_open_files_limit (void);

G_END_DECLS
