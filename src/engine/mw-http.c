/* mw-http.c: the HTTP session and what Meanwhile reads from responses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-http"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "mw-error.h"
#include "mw-http.h"

/* Creates the session every transfer of a list shares. TLS is verified by libsoup's
 * default (the system's trust store), and nothing here ever turns that off. */
SoupSession *
mw_http_session_new (guint timeout_seconds)
{
  SoupSession *session;

  session = g_object_new (SOUP_TYPE_SESSION,
                          /* A trailing space makes libsoup append its own product token. */
                          "user-agent", MW_USER_AGENT,
                          "timeout", timeout_seconds,
                          "idle-timeout", 60,
                          /* The download list's own limit (at most 1,000, the
                           * setting's range) decides how many transfers run; a lower
                           * cap here would leave the rest queued inside libsoup while
                           * they look active. */
                          "max-conns", 1024,
                          "max-conns-per-host", 1024,
                          NULL);

  /* A download must save the resource's own bytes: a .tar.gz served with
   * Content-Encoding: gzip stays a .tar.gz, and byte ranges keep meaning offsets in the
   * file. So nothing is decoded, and requests ask for the identity encoding. */
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);

  return session;
}

/* Returns: how long a 429 or 503 response asks the client to wait, in milliseconds, or
 * -1 when it does not say (or says something unreadable). */
gint64
mw_http_get_retry_after_ms (SoupMessageHeaders *headers,
                            GDateTime          *now)
{
  const char *value = soup_message_headers_get_one (headers, "Retry-After");
  g_autoptr(GDateTime) when = NULL;
  char *end = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;

  while (g_ascii_isspace (*value))
    value++;

  if (g_ascii_isdigit (*value))
    {
      seconds = g_ascii_strtoull (value, &end, 10);
      while (end && g_ascii_isspace (*end))
        end++;
      if (end == NULL || *end != '\0')
        return -1;
      return (gint64) MIN (seconds, (guint64) G_MAXINT32) * 1000;
    }

  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return -1;

  return MAX (0, g_date_time_difference (when, now) / 1000);
}

static gboolean
parse_number (const char **p, gint64 *out)
{
  guint64 value = 0;
  const char *s = *p;

  if (!g_ascii_isdigit (*s))
    return FALSE;
  while (g_ascii_isdigit (*s))
    {
      if (value > (guint64) (G_MAXINT64 / 10 - 10))
        return FALSE;
      value = value * 10 + (guint64) (*s - '0');
      s++;
    }
  *out = (gint64) value;
  *p = s;
  return TRUE;
}

/* Parses "bytes START-END/TOTAL", "bytes START-END/(star)" and "bytes (star)/TOTAL";
 * the missing parts come back as -1. libsoup's parser rejects the last form, which is
 * exactly the one a 416 carries. */
gboolean
mw_http_parse_content_range (const char *value,
                             gint64     *start,
                             gint64     *end,
                             gint64     *total)
{
  const char *p = value;

  *start = *end = *total = -1;
  if (value == NULL)
    return FALSE;

  while (g_ascii_isspace (*p))
    p++;
  if (g_ascii_strncasecmp (p, "bytes", 5) != 0)
    return FALSE;
  p += 5;
  while (*p == ' ' || *p == '=')
    p++;

  if (*p == '*')
    p++;
  else
    {
      if (!parse_number (&p, start) || *p++ != '-' || !parse_number (&p, end) || *end < *start)
        return FALSE;
    }

  if (*p++ != '/')
    return FALSE;
  if (*p == '*')
    p++;
  else if (!parse_number (&p, total))
    return FALSE;

  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    return FALSE;

  /* "* / *" says nothing, and a range past the total is a lie. */
  if (*start < 0 && *total < 0)
    return FALSE;
  if (*total >= 0 && *end >= *total)
    return FALSE;
  return TRUE;
}

/* If-Range only works with a strong validator (RFC 9110, 13.1.5). */
gboolean
mw_http_etag_is_strong (const char *etag)
{
  return etag != NULL && etag[0] == '"' && !g_str_has_prefix (etag, "W/");
}

/* Takes ERROR, from sending a request, and returns one that says what happened:
 * REFUSED_CERTIFICATE is why the server's certificate was refused, if it was. */
GError *
mw_http_explain_send_error (GError               *error,
                            GTlsCertificateFlags  refused_certificate)
{
  GError *explained = NULL;

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) && refused_certificate != 0)
    explained = g_error_new_literal (MW_CERTIFICATE_ERROR, (gint) refused_certificate, error->message);

  /* libsoup stops reading a response head past its size limit with this one message
   * (in its own translation); the same code otherwise means a connection cut short. */
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) &&
           g_strcmp0 (error->message, g_dgettext ("libsoup-3.0", "Header too big")) == 0)
    explained = g_error_new_literal (MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_HEADERS_TOO_LARGE, error->message);

  if (explained == NULL)
    return error;
  g_error_free (error);
  return explained;
}

/* Every download running needs a socket and an open .part: a thousand at once need two
 * thousand descriptors, twice the usual soft limit of 1,024. The hard limit is the
 * system's word; the soft one only a default, raised here once for the whole process. */
void
mw_http_raise_open_files_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
    return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    g_debug ("Could not raise the limit of open files: %s", g_strerror (errno));
}
