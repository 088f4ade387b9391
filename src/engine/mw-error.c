/* mw-error.c: error domains and the sentences people read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any thread. An error becomes a failure (MwFailure: a kind and the details no
 * translation changes), and a failure becomes a sentence when someone reads it, in the
 * language of that moment; a state file keeps the failure, so the sentence can be said
 * again after a restart in another language.
 */
#define G_LOG_DOMAIN "mw-error"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "mw-error.h"
#include "mw-http.h"

G_DEFINE_QUARK (mw-http-error-quark, mw_http_error)
G_DEFINE_QUARK (mw-certificate-error-quark, mw_certificate_error)

/* A download error may say more than its code: "no progress" carries how long, and what
 * kept failing, so that the sentence can be said again later in another language. */
typedef struct
{
  guint   seconds;
  GError *cause;
} MwDownloadErrorPrivate;

static void
mw_download_error_private_init (MwDownloadErrorPrivate *priv)
{
  priv->seconds = 0;
  priv->cause = NULL;
}

static void
mw_download_error_private_copy (const MwDownloadErrorPrivate *src,
                                MwDownloadErrorPrivate       *dest)
{
  dest->seconds = src->seconds;
  dest->cause = src->cause != NULL ? g_error_copy (src->cause) : NULL;
}

static void
mw_download_error_private_clear (MwDownloadErrorPrivate *priv)
{
  g_clear_error (&priv->cause);
}

/* GLib's macro casts a byte pointer back to the private struct, which it allocated
 * aligned; clang's -Wcast-align cannot know that. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
G_DEFINE_EXTENDED_ERROR (MwDownloadError, mw_download_error)
#pragma GCC diagnostic pop

/* Returns: (nullable): what kept failing, if ERROR is a "no progress" that knows it */
static const GError *
no_progress_cause (const GError *error,
                   guint        *seconds)
{
  MwDownloadErrorPrivate *priv = mw_download_error_get_private (error);

  if (priv == NULL || priv->cause == NULL)
    return NULL;
  *seconds = priv->seconds;
  return priv->cause;
}

/* The download failed: its network failed for SECONDS without progress, the last time
 * because of CAUSE (taken), at HOST. The message is the sentence, for the log. */
GError *
mw_download_error_new_no_progress (guint       seconds,
                                   GError     *cause,
                                   const char *host)
{
  MwFailure *failure = mw_failure_new (MW_FAILURE_NO_PROGRESS, host);
  char *message;
  MwDownloadErrorPrivate *priv;
  GError *error;

  failure->seconds = seconds;
  failure->cause = mw_failure_new_from_error (cause, host);
  message = mw_failure_describe (failure);
  mw_failure_free (failure);

  error = g_error_new_literal (MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_NO_PROGRESS, message);
  g_free (message);
  priv = mw_download_error_get_private (error);
  if (priv != NULL)
    {
      priv->seconds = seconds;
      priv->cause = g_steal_pointer (&cause);
    }
  g_clear_error (&cause);
  return error;
}

gboolean
mw_error_is_transient (const GError *error)
{
  if (error == NULL)
    return FALSE;

  if (error->domain == MW_HTTP_ERROR)
    {
      guint status = error->code;

      /* 501 and 505 say the server will never do it; other 5xx are worth another try. */
      return status == SOUP_STATUS_REQUEST_TIMEOUT ||
             status == MW_HTTP_STATUS_TOO_MANY_REQUESTS ||
             (status >= 500 && status < 600 &&
              status != SOUP_STATUS_NOT_IMPLEMENTED &&
              status != SOUP_STATUS_HTTP_VERSION_NOT_SUPPORTED);
    }

  if (error->domain == MW_DOWNLOAD_ERROR)
    return error->code == MW_DOWNLOAD_ERROR_INCOMPLETE ||
           error->code == MW_DOWNLOAD_ERROR_BAD_RANGE;

  if (error->domain == G_RESOLVER_ERROR)
    return error->code == G_RESOLVER_ERROR_TEMPORARY_FAILURE;

  /* libsoup cannot tell a head cut short by a dropped connection from one that is
   * garbage: both are worth another try, and garbage fails after the last. */
  if (error->domain == SOUP_SESSION_ERROR)
    return error->code == SOUP_SESSION_ERROR_PARSING;

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_CONNECTION_CLOSED:
        case G_IO_ERROR_PARTIAL_INPUT:
        case G_IO_ERROR_TIMED_OUT:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_NOT_CONNECTED:
        case G_IO_ERROR_BUSY:
          return TRUE;
        default:
          return FALSE;
        }
    }

  return FALSE;
}

/* Whether ERROR says the network failed between here and the server: its name not found,
 * nobody reached or answering there, or the connection reset or gone silent. An answer
 * from the server, even a wrong one, says the network works. */
gboolean
mw_error_is_network (const GError *error)
{
  if (error == NULL)
    return FALSE;

  if (error->domain == G_RESOLVER_ERROR)
    return TRUE;

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_CONNECTION_CLOSED:   /* a reset, too */
        case G_IO_ERROR_TIMED_OUT:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_HOST_NOT_FOUND:
        case G_IO_ERROR_NOT_CONNECTED:
          return TRUE;
        default:
          return FALSE;
        }
    }

  return FALSE;
}

/* --- Failures: what went wrong, and the sentence that says it -------------------------- */

/* Written in the state files: a name, once given, is never changed. */
static const char *const kind_names[MW_FAILURE_N_KINDS] = {
  [MW_FAILURE_UNKNOWN] = "unknown",
  [MW_FAILURE_MESSAGE] = "message",
  [MW_FAILURE_OTHER] = "other",
  [MW_FAILURE_HTTP_STATUS] = "http-status",
  [MW_FAILURE_INCOMPLETE] = "incomplete",
  [MW_FAILURE_WRONG_RANGE] = "wrong-range",
  [MW_FAILURE_CHECKSUM_MISMATCH] = "checksum-mismatch",
  [MW_FAILURE_NO_FREE_NAME] = "no-free-name",
  [MW_FAILURE_RETRY_TOO_LATE] = "retry-too-late",
  [MW_FAILURE_HEADERS_TOO_LARGE] = "headers-too-large",
  [MW_FAILURE_FILE_TOO_LARGE] = "file-too-large",
  [MW_FAILURE_PART_GONE] = "part-gone",
  [MW_FAILURE_NO_PROGRESS] = "no-progress",
  [MW_FAILURE_HOST_NOT_FOUND] = "host-not-found",
  [MW_FAILURE_CERTIFICATE_EXPIRED] = "certificate-expired",
  [MW_FAILURE_CERTIFICATE_NOT_YET_VALID] = "certificate-not-yet-valid",
  [MW_FAILURE_CERTIFICATE_REVOKED] = "certificate-revoked",
  [MW_FAILURE_CERTIFICATE_WRONG_HOST] = "certificate-wrong-host",
  [MW_FAILURE_CERTIFICATE_UNKNOWN_AUTHORITY] = "certificate-unknown-authority",
  [MW_FAILURE_CERTIFICATE_INSECURE] = "certificate-insecure",
  [MW_FAILURE_CERTIFICATE_UNTRUSTED] = "certificate-untrusted",
  [MW_FAILURE_NOT_TLS] = "not-tls",
  [MW_FAILURE_TLS_FAILED] = "tls-failed",
  [MW_FAILURE_REDIRECT_LOOP] = "redirect-loop",
  [MW_FAILURE_BAD_REDIRECT] = "bad-redirect",
  [MW_FAILURE_INVALID_HTTP] = "invalid-http",
  [MW_FAILURE_REQUEST_FAILED] = "request-failed",
  [MW_FAILURE_CONNECTION_REFUSED] = "connection-refused",
  [MW_FAILURE_CONNECTION_CLOSED] = "connection-closed",
  [MW_FAILURE_TIMED_OUT] = "timed-out",
  [MW_FAILURE_UNREACHABLE] = "unreachable",
  [MW_FAILURE_DISK_FULL] = "disk-full",
  [MW_FAILURE_FOLDER_NOT_WRITABLE] = "folder-not-writable",
  [MW_FAILURE_FOLDER_GONE] = "folder-gone",
  [MW_FAILURE_FOLDER_IS_FILE] = "folder-is-file",
  [MW_FAILURE_NAME_TOO_LONG] = "name-too-long",
  [MW_FAILURE_NAME_NOT_ALLOWED] = "name-not-allowed",
  [MW_FAILURE_PROXY_REFUSED] = "proxy-refused",
};

const char *
mw_failure_kind_to_string (MwFailureKind kind)
{
  g_return_val_if_fail (kind < MW_FAILURE_N_KINDS, NULL);
  return kind_names[kind];
}

/* Returns: whether NAME is a kind this version knows; one written by a later version is
 * not, and its record's plain message stands in for it. */
gboolean
mw_failure_kind_from_string (const char    *name,
                             MwFailureKind *kind)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < MW_FAILURE_N_KINDS; i++)
    if (g_str_equal (name, kind_names[i]))
      {
        *kind = (MwFailureKind) i;
        return TRUE;
      }
  return FALSE;
}

MwFailure *
mw_failure_new (MwFailureKind  kind,
                const char    *host)
{
  MwFailure *failure = g_new0 (MwFailure, 1);

  g_return_val_if_fail (kind < MW_FAILURE_N_KINDS, failure);

  failure->kind = kind;
  failure->host = host != NULL && *host != '\0' ? g_strdup (host) : NULL;
  return failure;
}

MwFailure *
mw_failure_copy (const MwFailure *failure)
{
  MwFailure *copy;

  if (failure == NULL)
    return NULL;
  copy = mw_failure_new (failure->kind, failure->host);
  copy->status = failure->status;
  copy->seconds = failure->seconds;
  copy->detail = g_strdup (failure->detail);
  copy->cause = mw_failure_copy (failure->cause);
  return copy;
}

void
mw_failure_free (MwFailure *failure)
{
  if (failure == NULL)
    return;
  g_free (failure->host);
  g_free (failure->detail);
  mw_failure_free (failure->cause);
  g_free (failure);
}

gboolean
mw_failure_equal (const MwFailure *a,
                  const MwFailure *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->kind == b->kind &&
         g_strcmp0 (a->host, b->host) == 0 &&
         a->status == b->status &&
         a->seconds == b->seconds &&
         g_strcmp0 (a->detail, b->detail) == 0 &&
         mw_failure_equal (a->cause, b->cause);
}

static MwFailureKind
certificate_kind (GTlsCertificateFlags flags)
{
  /* The most telling reason first: an expired certificate is usually also unknown. */
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return MW_FAILURE_CERTIFICATE_EXPIRED;
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return MW_FAILURE_CERTIFICATE_NOT_YET_VALID;
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return MW_FAILURE_CERTIFICATE_REVOKED;
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return MW_FAILURE_CERTIFICATE_WRONG_HOST;
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return MW_FAILURE_CERTIFICATE_UNKNOWN_AUTHORITY;
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return MW_FAILURE_CERTIFICATE_INSECURE;
  return MW_FAILURE_CERTIFICATE_UNTRUSTED;
}

static MwFailureKind
download_error_kind (const GError *error)
{
  switch ((MwDownloadError) error->code)
    {
    case MW_DOWNLOAD_ERROR_INCOMPLETE:
      return MW_FAILURE_INCOMPLETE;
    case MW_DOWNLOAD_ERROR_BAD_RANGE:
      return MW_FAILURE_WRONG_RANGE;
    case MW_DOWNLOAD_ERROR_CHECKSUM_MISMATCH:
      return MW_FAILURE_CHECKSUM_MISMATCH;
    case MW_DOWNLOAD_ERROR_NO_NAME:
      return MW_FAILURE_NO_FREE_NAME;
    case MW_DOWNLOAD_ERROR_RETRY_TOO_LATE:
      return MW_FAILURE_RETRY_TOO_LATE;
    case MW_DOWNLOAD_ERROR_HEADERS_TOO_LARGE:
      return MW_FAILURE_HEADERS_TOO_LARGE;
    case MW_DOWNLOAD_ERROR_FILE_TOO_LARGE:
      return MW_FAILURE_FILE_TOO_LARGE;
    case MW_DOWNLOAD_ERROR_PART_GONE:
      return MW_FAILURE_PART_GONE;
    case MW_DOWNLOAD_ERROR_NO_PROGRESS:
      {
        guint seconds = 0;

        /* Made without its cause, it has only its words. */
        return no_progress_cause (error, &seconds) != NULL ? MW_FAILURE_NO_PROGRESS : MW_FAILURE_MESSAGE;
      }
    case MW_DOWNLOAD_ERROR_INVALID_URL:
    case MW_DOWNLOAD_ERROR_STATE_CORRUPT:
    case MW_DOWNLOAD_ERROR_STATE_TOO_NEW:
      return MW_FAILURE_MESSAGE;
    default:
      return MW_FAILURE_OTHER;
    }
}

static MwFailureKind
io_error_kind (const GError *error)
{
  switch (error->code)
    {
    case G_IO_ERROR_CONNECTION_REFUSED:
      return MW_FAILURE_CONNECTION_REFUSED;
    case G_IO_ERROR_CONNECTION_CLOSED:
    case G_IO_ERROR_PARTIAL_INPUT:
    case G_IO_ERROR_NOT_CONNECTED:
      return MW_FAILURE_CONNECTION_CLOSED;
    case G_IO_ERROR_TIMED_OUT:
      return MW_FAILURE_TIMED_OUT;
    case G_IO_ERROR_NETWORK_UNREACHABLE:
    case G_IO_ERROR_HOST_UNREACHABLE:
      return MW_FAILURE_UNREACHABLE;
    case G_IO_ERROR_HOST_NOT_FOUND:
      return MW_FAILURE_HOST_NOT_FOUND;
    case G_IO_ERROR_NO_SPACE:
      return MW_FAILURE_DISK_FULL;
    case G_IO_ERROR_PERMISSION_DENIED:
    case G_IO_ERROR_READ_ONLY:
      return MW_FAILURE_FOLDER_NOT_WRITABLE;
    case G_IO_ERROR_NOT_FOUND:
      return MW_FAILURE_FOLDER_GONE;
    case G_IO_ERROR_NOT_DIRECTORY:
      return MW_FAILURE_FOLDER_IS_FILE;
    case G_IO_ERROR_FILENAME_TOO_LONG:
      return MW_FAILURE_NAME_TOO_LONG;
    case G_IO_ERROR_INVALID_FILENAME:
      return MW_FAILURE_NAME_NOT_ALLOWED;
    case G_IO_ERROR_PROXY_FAILED:
    case G_IO_ERROR_PROXY_AUTH_FAILED:
    case G_IO_ERROR_PROXY_NEED_AUTH:
    case G_IO_ERROR_PROXY_NOT_ALLOWED:
      return MW_FAILURE_PROXY_REFUSED;
    default:
      return MW_FAILURE_OTHER;
    }
}

static MwFailureKind
error_kind (const GError *error)
{
  if (error == NULL)
    return MW_FAILURE_UNKNOWN;
  if (error->domain == MW_HTTP_ERROR)
    return MW_FAILURE_HTTP_STATUS;
  if (error->domain == MW_DOWNLOAD_ERROR)
    return download_error_kind (error);
  if (error->domain == G_RESOLVER_ERROR)
    return MW_FAILURE_HOST_NOT_FOUND;
  if (error->domain == MW_CERTIFICATE_ERROR)
    return certificate_kind ((GTlsCertificateFlags) error->code);
  if (error->domain == G_TLS_ERROR)
    {
      if (error->code == G_TLS_ERROR_BAD_CERTIFICATE)
        return MW_FAILURE_CERTIFICATE_UNTRUSTED;
      if (error->code == G_TLS_ERROR_NOT_TLS)
        return MW_FAILURE_NOT_TLS;
      return MW_FAILURE_TLS_FAILED;
    }
  if (error->domain == SOUP_SESSION_ERROR)
    {
      switch (error->code)
        {
        case SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS:
          return MW_FAILURE_REDIRECT_LOOP;
        case SOUP_SESSION_ERROR_REDIRECT_BAD_URI:
        case SOUP_SESSION_ERROR_REDIRECT_NO_LOCATION:
          return MW_FAILURE_BAD_REDIRECT;
        case SOUP_SESSION_ERROR_PARSING:
        case SOUP_SESSION_ERROR_ENCODING:
          return MW_FAILURE_INVALID_HTTP;
        default:
          return MW_FAILURE_REQUEST_FAILED;
        }
    }
  if (error->domain == G_IO_ERROR)
    return io_error_kind (error);
  return MW_FAILURE_OTHER;
}

/* Returns: what ERROR says went wrong at HOST, with what its sentence needs */
MwFailure *
mw_failure_new_from_error (const GError *error,
                           const char   *host)
{
  MwFailure *failure = mw_failure_new (error_kind (error), host);

  if (error == NULL)
    return failure;
  switch (failure->kind)
    {
    case MW_FAILURE_HTTP_STATUS:
      failure->status = (guint) error->code;
      break;
    case MW_FAILURE_NO_PROGRESS:
      failure->cause = mw_failure_new_from_error (no_progress_cause (error, &failure->seconds), host);
      break;
    case MW_FAILURE_MESSAGE:
    case MW_FAILURE_OTHER:
      failure->detail = g_strdup (error->message);
      break;
    default:
      break;
    }
  return failure;
}

static char *
describe_http_status (guint status, const char *host)
{
  switch (status)
    {
    case SOUP_STATUS_NOT_FOUND:
      return g_strdup_printf (_("The file was not found on %s (error 404). Check the address."), host);
    case SOUP_STATUS_GONE:
      return g_strdup_printf (_("The file was removed from %s for good (error 410)."), host);
    case SOUP_STATUS_FORBIDDEN:
      return g_strdup_printf (_("%s refused access to the file (error 403)."), host);
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED:
      return g_strdup_printf (_("%s asks for a login, which Meanwhile does not support (error %u)."),
                              host, status);
    case SOUP_STATUS_REQUEST_TIMEOUT:
      return g_strdup_printf (_("%s gave up waiting for the request (error 408). Try again later."), host);
    case MW_HTTP_STATUS_TOO_MANY_REQUESTS:
      return g_strdup_printf (_("%s is receiving too many requests (error 429). Try again later."), host);
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      return g_strdup_printf (_("%s is temporarily unavailable (error 503). Try again later."), host);
    case SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE:
      return g_strdup_printf (_("%s could not send the requested part of the file (error 416)."), host);
    default:
      if (status >= 500)
        return g_strdup_printf (_("%s had an internal problem (error %u). Try again later."), host, status);
      return g_strdup_printf (_("%s refused the request (error %u)."), host, status);
    }
}

static char *
describe_no_progress (const MwFailure *failure)
{
  g_autofree char *cause = NULL;
  guint seconds = failure->seconds;

  if (failure->cause != NULL && failure->cause->kind != MW_FAILURE_NO_PROGRESS)
    cause = mw_failure_describe (failure->cause);
  else
    cause = g_strdup (_("Something went wrong."));

  if (seconds % 60 == 0)
    /* Translators: the last %s is why, e.g. "example.org refused the connection." */
    return g_strdup_printf (ngettext ("No progress for %u minute: %s", "No progress for %u minutes: %s",
                                      seconds / 60),
                            seconds / 60, cause);
  /* Translators: the last %s is why, e.g. "example.org refused the connection." */
  return g_strdup_printf (ngettext ("No progress for %u second: %s", "No progress for %u seconds: %s", seconds),
                          seconds, cause);
}

/* Returns: a sentence that says what went wrong, where, and what to try, for people who
 * should never see an error domain; in the language of this moment. */
char *
mw_failure_describe (const MwFailure *failure)
{
  const char *host;

  if (failure == NULL)
    return g_strdup (_("Something went wrong."));

  host = failure->host != NULL ? failure->host : _("the server");

  switch (failure->kind)
    {
    case MW_FAILURE_MESSAGE:
      if (failure->detail != NULL)
        return g_strdup (failure->detail);
      break;
    case MW_FAILURE_OTHER:
      /* Whatever GIO said is still better than nothing, but it gets the host for context. */
      if (failure->detail != NULL)
        return g_strdup_printf (_("The transfer from %s failed: %s"), host, failure->detail);
      return g_strdup_printf (_("The request to %s failed."), host);
    case MW_FAILURE_HTTP_STATUS:
      return describe_http_status (failure->status, host);
    case MW_FAILURE_INCOMPLETE:
      return g_strdup_printf (_("%s closed the connection before the file was complete."), host);
    case MW_FAILURE_WRONG_RANGE:
      return g_strdup_printf (_("%s sent the wrong part of the file."), host);
    case MW_FAILURE_CHECKSUM_MISMATCH:
      return g_strdup (_("The downloaded file does not match its expected SHA-256 checksum, so it was not kept. "
                         "The file may have changed on the server or been damaged on the way."));
    case MW_FAILURE_NO_FREE_NAME:
      return g_strdup (_("Could not find a free file name in the download folder."));
    case MW_FAILURE_RETRY_TOO_LATE:
      return g_strdup_printf (_("%s is busy and asks to come back much later. Try again later."), host);
    case MW_FAILURE_HEADERS_TOO_LARGE:
      return g_strdup_printf (_("%s sent a response with far too many or too long headers, so Meanwhile stopped reading it."),
                              host);
    case MW_FAILURE_FILE_TOO_LARGE:
      return g_strdup (_("The file is too large for the disk of the download folder, or for a limit set on Meanwhile. "
                         "The part already downloaded is kept for when you try again."));
    case MW_FAILURE_PART_GONE:
      return g_strdup (_("The partial file was deleted, or its folder was, while the download was running. "
                         "Try again to start over."));
    case MW_FAILURE_NO_PROGRESS:
      return describe_no_progress (failure);
    case MW_FAILURE_HOST_NOT_FOUND:
      return g_strdup_printf (_("Could not find the server %s. Check the address and your network connection."),
                              host);
    case MW_FAILURE_CERTIFICATE_EXPIRED:
      return g_strdup_printf (_("The certificate of %s has expired, so Meanwhile did not connect. "
                                "Check the date and time of this computer, or try again when the site has renewed it."),
                              host);
    case MW_FAILURE_CERTIFICATE_NOT_YET_VALID:
      return g_strdup_printf (_("The certificate of %s is not valid yet, so Meanwhile did not connect. "
                                "Check the date and time of this computer."), host);
    case MW_FAILURE_CERTIFICATE_REVOKED:
      return g_strdup_printf (_("The certificate of %s was revoked, so Meanwhile did not connect. "
                                "Someone may be impersonating the server."), host);
    case MW_FAILURE_CERTIFICATE_WRONG_HOST:
      return g_strdup_printf (_("The certificate of %s was made for another server, so Meanwhile did not connect. "
                                "Someone may be impersonating the server."), host);
    case MW_FAILURE_CERTIFICATE_UNKNOWN_AUTHORITY:
      return g_strdup_printf (_("The certificate of %s is not signed by an authority this computer trusts "
                                "(it may be self-signed), so Meanwhile did not connect. "
                                "Someone may be impersonating the server."), host);
    case MW_FAILURE_CERTIFICATE_INSECURE:
      return g_strdup_printf (_("The certificate of %s uses insecure cryptography, so Meanwhile did not connect."),
                              host);
    case MW_FAILURE_CERTIFICATE_UNTRUSTED:
      return g_strdup_printf (_("The certificate of %s is not trusted, so Meanwhile did not connect. "
                                "Someone may be impersonating the server."), host);
    case MW_FAILURE_NOT_TLS:
      return g_strdup_printf (_("%s does not speak a secure connection (HTTPS)."), host);
    case MW_FAILURE_TLS_FAILED:
      return g_strdup_printf (_("A secure connection to %s could not be established."), host);
    case MW_FAILURE_REDIRECT_LOOP:
      return g_strdup_printf (_("%s redirected too many times; the address may loop."), host);
    case MW_FAILURE_BAD_REDIRECT:
      return g_strdup_printf (_("%s redirected to an address Meanwhile will not follow."), host);
    case MW_FAILURE_INVALID_HTTP:
      return g_strdup_printf (_("%s sent a response that is not valid HTTP."), host);
    case MW_FAILURE_REQUEST_FAILED:
      return g_strdup_printf (_("The request to %s failed."), host);
    case MW_FAILURE_CONNECTION_REFUSED:
      return g_strdup_printf (_("%s refused the connection. Check the address or try again later."), host);
    case MW_FAILURE_CONNECTION_CLOSED:
      return g_strdup_printf (_("%s closed the connection."), host);
    case MW_FAILURE_TIMED_OUT:
      return g_strdup_printf (_("%s stopped answering."), host);
    case MW_FAILURE_UNREACHABLE:
      return g_strdup_printf (_("%s cannot be reached. Check your network connection."), host);
    case MW_FAILURE_DISK_FULL:
      return g_strdup (_("There is not enough space on the disk. Free some space, then resume the download."));
    case MW_FAILURE_FOLDER_NOT_WRITABLE:
      return g_strdup (_("Meanwhile may not write to the download folder. Choose another folder in Preferences."));
    case MW_FAILURE_FOLDER_GONE:
      return g_strdup (_("The download folder or the partial file is gone."));
    case MW_FAILURE_FOLDER_IS_FILE:
      return g_strdup (_("The download folder is a file, not a folder. Choose another folder in Preferences."));
    case MW_FAILURE_NAME_TOO_LONG:
      return g_strdup (_("The file name is too long for the download folder."));
    case MW_FAILURE_NAME_NOT_ALLOWED:
      return g_strdup (_("The file name is not allowed in the download folder."));
    case MW_FAILURE_PROXY_REFUSED:
      return g_strdup (_("The network proxy refused the connection. Check the proxy settings."));
    case MW_FAILURE_UNKNOWN:
    case MW_FAILURE_N_KINDS:
    default:
      break;
    }
  return g_strdup (_("Something went wrong."));
}

/* Returns: a sentence that says what ERROR means at HOST (see mw_failure_describe()) */
char *
mw_error_describe (const GError *error, const char *host)
{
  MwFailure *failure = mw_failure_new_from_error (error, host);
  char *sentence = mw_failure_describe (failure);

  mw_failure_free (failure);
  return sentence;
}
