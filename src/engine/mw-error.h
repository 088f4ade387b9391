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

GError   *mw_download_error_new_no_progress (guint        seconds,
                                             GError      *cause,
                                             const char  *host);

gboolean  mw_error_is_transient (const GError *error);
gboolean  mw_error_is_network   (const GError *error);
char     *mw_error_describe     (const GError *error,
                                 const char   *host);

/* What went wrong, apart from the words that say it: a kind that never changes and the
 * details no translation changes (a host, an HTTP status). The sentence is made from it
 * whenever it is shown, so one saved in one language reads in another after a restart.
 * The names of the kinds are written in the state files: never rename one. */
typedef enum
{
  MW_FAILURE_UNKNOWN,                   /* nothing known */
  MW_FAILURE_MESSAGE,                   /* words made elsewhere (detail), kept as they are */
  MW_FAILURE_OTHER,                     /* GIO's own words (detail), with the host */
  MW_FAILURE_HTTP_STATUS,               /* status */
  MW_FAILURE_INCOMPLETE,
  MW_FAILURE_WRONG_RANGE,
  MW_FAILURE_CHECKSUM_MISMATCH,
  MW_FAILURE_NO_FREE_NAME,
  MW_FAILURE_RETRY_TOO_LATE,
  MW_FAILURE_HEADERS_TOO_LARGE,
  MW_FAILURE_FILE_TOO_LARGE,
  MW_FAILURE_PART_GONE,
  MW_FAILURE_NO_PROGRESS,               /* seconds, and the cause */
  MW_FAILURE_HOST_NOT_FOUND,
  MW_FAILURE_CERTIFICATE_EXPIRED,
  MW_FAILURE_CERTIFICATE_NOT_YET_VALID,
  MW_FAILURE_CERTIFICATE_REVOKED,
  MW_FAILURE_CERTIFICATE_WRONG_HOST,
  MW_FAILURE_CERTIFICATE_UNKNOWN_AUTHORITY,
  MW_FAILURE_CERTIFICATE_INSECURE,
  MW_FAILURE_CERTIFICATE_UNTRUSTED,
  MW_FAILURE_NOT_TLS,
  MW_FAILURE_TLS_FAILED,
  MW_FAILURE_REDIRECT_LOOP,
  MW_FAILURE_BAD_REDIRECT,
  MW_FAILURE_INVALID_HTTP,
  MW_FAILURE_REQUEST_FAILED,
  MW_FAILURE_CONNECTION_REFUSED,
  MW_FAILURE_CONNECTION_CLOSED,
  MW_FAILURE_TIMED_OUT,
  MW_FAILURE_UNREACHABLE,
  MW_FAILURE_DISK_FULL,
  MW_FAILURE_FOLDER_NOT_WRITABLE,
  MW_FAILURE_FOLDER_GONE,
  MW_FAILURE_FOLDER_IS_FILE,
  MW_FAILURE_NAME_TOO_LONG,
  MW_FAILURE_NAME_NOT_ALLOWED,
  MW_FAILURE_PROXY_REFUSED,
  MW_FAILURE_N_KINDS
} MwFailureKind;

typedef struct _MwFailure MwFailure;

struct _MwFailure
{
  MwFailureKind  kind;
  char          *host;     /* where it happened; NULL: the server */
  guint          status;   /* the HTTP status, for MW_FAILURE_HTTP_STATUS */
  guint          seconds;  /* how long without progress, for MW_FAILURE_NO_PROGRESS */
  char          *detail;   /* for MW_FAILURE_MESSAGE and MW_FAILURE_OTHER */
  MwFailure     *cause;    /* what kept failing, for MW_FAILURE_NO_PROGRESS */
};

MwFailure  *mw_failure_new              (MwFailureKind    kind,
                                         const char      *host);
MwFailure  *mw_failure_new_from_error   (const GError    *error,
                                         const char      *host);
MwFailure  *mw_failure_copy             (const MwFailure *failure);
void        mw_failure_free             (MwFailure       *failure);
gboolean    mw_failure_equal            (const MwFailure *a,
                                         const MwFailure *b);
char       *mw_failure_describe         (const MwFailure *failure);
const char *mw_failure_kind_to_string   (MwFailureKind    kind);
gboolean    mw_failure_kind_from_string (const char      *name,
                                         MwFailureKind   *kind);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwFailure, mw_failure_free)

G_END_DECLS
