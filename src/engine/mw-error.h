/* mw-error.h: error domains and the sentences people read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* An HTTP response that ends a transfer; the code is the status code. */
#define MW_HTTP_ERROR (mw_http_error_quark ())
GQuark mw_http_error_quark (void);

#define MW_DOWNLOAD_ERROR (mw_download_error_quark ())
GQuark mw_download_error_quark (void);

typedef enum
{
  MW_DOWNLOAD_ERROR_INCOMPLETE,        /* the body ended before Content-Length */
  MW_DOWNLOAD_ERROR_BAD_RANGE,         /* a 206 for a range that was not asked for */
  MW_DOWNLOAD_ERROR_CHECKSUM_MISMATCH,
  MW_DOWNLOAD_ERROR_INVALID_URL,
  MW_DOWNLOAD_ERROR_NO_NAME,
  MW_DOWNLOAD_ERROR_RETRY_TOO_LATE,    /* Retry-After further away than we wait */
  MW_DOWNLOAD_ERROR_STATE_CORRUPT,     /* a state file that cannot be read */
  MW_DOWNLOAD_ERROR_STATE_TOO_NEW,     /* a state file from a later version */
  MW_DOWNLOAD_ERROR_HEADERS_TOO_LARGE, /* a response head past libsoup's limit */
  MW_DOWNLOAD_ERROR_FILE_TOO_LARGE,    /* the disk or a limit refuses a larger file */
  MW_DOWNLOAD_ERROR_PART_GONE,         /* NAME.part was deleted while being written */
  MW_DOWNLOAD_ERROR_NO_PROGRESS,       /* network failures for too long; the message says which */
} MwDownloadError;

/* A certificate that was refused; the code is its GTlsCertificateFlags. */
#define MW_CERTIFICATE_ERROR (mw_certificate_error_quark ())
GQuark mw_certificate_error_quark (void);

gboolean  mw_error_is_transient (const GError *error);
gboolean  mw_error_is_network   (const GError *error);
char     *mw_error_describe     (const GError *error,
                                 const char   *host);

G_END_DECLS
