/* mw-error.c: error domains and the sentences people read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-error"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "mw-error.h"
#include "mw-http.h"

G_DEFINE_QUARK (mw-http-error-quark, mw_http_error)
G_DEFINE_QUARK (mw-download-error-quark, mw_download_error)
G_DEFINE_QUARK (mw-certificate-error-quark, mw_certificate_error)

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
describe_certificate (GTlsCertificateFlags flags,
                      const char          *host)
{
  /* The most telling reason first: an expired certificate is usually also unknown. */
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return g_strdup_printf (_("The certificate of %s has expired, so Meanwhile did not connect. "
                              "Check the date and time of this computer, or try again when the site has renewed it."),
                            host);
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return g_strdup_printf (_("The certificate of %s is not valid yet, so Meanwhile did not connect. "
                              "Check the date and time of this computer."), host);
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return g_strdup_printf (_("The certificate of %s was revoked, so Meanwhile did not connect. "
                              "Someone may be impersonating the server."), host);
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return g_strdup_printf (_("The certificate of %s was made for another server, so Meanwhile did not connect. "
                              "Someone may be impersonating the server."), host);
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return g_strdup_printf (_("The certificate of %s is not signed by an authority this computer trusts "
                              "(it may be self-signed), so Meanwhile did not connect. "
                              "Someone may be impersonating the server."), host);
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return g_strdup_printf (_("The certificate of %s uses insecure cryptography, so Meanwhile did not connect."),
                            host);
  return g_strdup_printf (_("The certificate of %s is not trusted, so Meanwhile did not connect. "
                            "Someone may be impersonating the server."), host);
}

/* Returns a sentence that says what went wrong, where, and what to try, for people who
 * should never see an error domain. */
char *
mw_error_describe (const GError *error, const char *host)
{
  if (host == NULL || *host == '\0')
    host = _("the server");

  if (error == NULL)
    return g_strdup (_("Something went wrong."));

  if (error->domain == MW_HTTP_ERROR)
    return describe_http_status (error->code, host);

  if (error->domain == MW_DOWNLOAD_ERROR)
    {
      switch ((MwDownloadError) error->code)
        {
        case MW_DOWNLOAD_ERROR_INCOMPLETE:
          return g_strdup_printf (_("%s closed the connection before the file was complete."), host);
        case MW_DOWNLOAD_ERROR_BAD_RANGE:
          return g_strdup_printf (_("%s sent the wrong part of the file."), host);
        case MW_DOWNLOAD_ERROR_CHECKSUM_MISMATCH:
          return g_strdup (_("The downloaded file does not match its expected SHA-256 checksum, so it was not kept. "
                             "The file may have changed on the server or been damaged on the way."));
        case MW_DOWNLOAD_ERROR_INVALID_URL:
          return g_strdup (error->message);
        case MW_DOWNLOAD_ERROR_NO_NAME:
          return g_strdup (_("Could not find a free file name in the download folder."));
        case MW_DOWNLOAD_ERROR_STATE_CORRUPT:
        case MW_DOWNLOAD_ERROR_STATE_TOO_NEW:
        case MW_DOWNLOAD_ERROR_NO_PROGRESS:
          return g_strdup (error->message);
        case MW_DOWNLOAD_ERROR_RETRY_TOO_LATE:
          return g_strdup_printf (_("%s is busy and asks to come back much later. Try again later."), host);
        case MW_DOWNLOAD_ERROR_HEADERS_TOO_LARGE:
          return g_strdup_printf (_("%s sent a response with far too many or too long headers, so Meanwhile stopped reading it."),
                                  host);
        case MW_DOWNLOAD_ERROR_FILE_TOO_LARGE:
          return g_strdup (_("The file is too large for the disk of the download folder, or for a limit set on Meanwhile. "
                             "The part already downloaded is kept for when you try again."));
        case MW_DOWNLOAD_ERROR_PART_GONE:
          return g_strdup (_("The partial file was deleted, or its folder was, while the download was running. "
                             "Try again to start over."));
        default:
          break;
        }
    }

  if (error->domain == G_RESOLVER_ERROR)
    return g_strdup_printf (_("Could not find the server %s. Check the address and your network connection."),
                            host);

  if (error->domain == MW_CERTIFICATE_ERROR)
    return describe_certificate ((GTlsCertificateFlags) error->code, host);

  if (error->domain == G_TLS_ERROR)
    {
      if (error->code == G_TLS_ERROR_BAD_CERTIFICATE)
        return g_strdup_printf (_("The certificate of %s is not trusted, so Meanwhile did not connect. "
                                  "Someone may be impersonating the server."), host);
      if (error->code == G_TLS_ERROR_NOT_TLS)
        return g_strdup_printf (_("%s does not speak a secure connection (HTTPS)."), host);
      return g_strdup_printf (_("A secure connection to %s could not be established."), host);
    }

  if (error->domain == SOUP_SESSION_ERROR)
    {
      switch (error->code)
        {
        case SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS:
          return g_strdup_printf (_("%s redirected too many times; the address may loop."), host);
        case SOUP_SESSION_ERROR_REDIRECT_BAD_URI:
        case SOUP_SESSION_ERROR_REDIRECT_NO_LOCATION:
          return g_strdup_printf (_("%s redirected to an address Meanwhile will not follow."), host);
        case SOUP_SESSION_ERROR_PARSING:
        case SOUP_SESSION_ERROR_ENCODING:
          return g_strdup_printf (_("%s sent a response that is not valid HTTP."), host);
        default:
          return g_strdup_printf (_("The request to %s failed."), host);
        }
    }

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_CONNECTION_REFUSED:
          return g_strdup_printf (_("%s refused the connection. Check the address or try again later."), host);
        case G_IO_ERROR_CONNECTION_CLOSED:
        case G_IO_ERROR_PARTIAL_INPUT:
        case G_IO_ERROR_NOT_CONNECTED:
          return g_strdup_printf (_("%s closed the connection."), host);
        case G_IO_ERROR_TIMED_OUT:
          return g_strdup_printf (_("%s stopped answering."), host);
        case G_IO_ERROR_NETWORK_UNREACHABLE:
        case G_IO_ERROR_HOST_UNREACHABLE:
          return g_strdup_printf (_("%s cannot be reached. Check your network connection."), host);
        case G_IO_ERROR_HOST_NOT_FOUND:
          return g_strdup_printf (_("Could not find the server %s. Check the address and your network connection."),
                                  host);
        case G_IO_ERROR_NO_SPACE:
          return g_strdup (_("There is not enough space on the disk. Free some space, then resume the download."));
        case G_IO_ERROR_PERMISSION_DENIED:
        case G_IO_ERROR_READ_ONLY:
          return g_strdup (_("Meanwhile may not write to the download folder. Choose another folder in Preferences."));
        case G_IO_ERROR_NOT_FOUND:
          return g_strdup (_("The download folder or the partial file is gone."));
        case G_IO_ERROR_NOT_DIRECTORY:
          return g_strdup (_("The download folder is a file, not a folder. Choose another folder in Preferences."));
        case G_IO_ERROR_FILENAME_TOO_LONG:
          return g_strdup (_("The file name is too long for the download folder."));
        case G_IO_ERROR_INVALID_FILENAME:
          return g_strdup (_("The file name is not allowed in the download folder."));
        case G_IO_ERROR_PROXY_FAILED:
        case G_IO_ERROR_PROXY_AUTH_FAILED:
        case G_IO_ERROR_PROXY_NEED_AUTH:
        case G_IO_ERROR_PROXY_NOT_ALLOWED:
          return g_strdup (_("The network proxy refused the connection. Check the proxy settings."));
        default:
          break;
        }
    }

  /* Whatever GIO said is still better than nothing, but it gets the host for context. */
  return g_strdup_printf (_("The transfer from %s failed: %s"), host, error->message);
}
