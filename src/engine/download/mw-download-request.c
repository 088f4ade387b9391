/* mw-download-request.c: an attempt's HTTP request, and what its response says
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Main thread: libsoup's async send, or in freezing mode its blocking one. What a
 * response means for a .part being resumed is decided in mw-download-resume.c.
 */
#define G_LOG_DOMAIN "mw-download-request"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-download-private.h"
#include "mw-download-run-private.h"
#include "mw-error.h"
#include "mw-filename.h"
#include "mw-http.h"

static char *
choose_name (MwRun *run)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (run->message);
  const char *disposition = soup_message_headers_get_one (headers, "Content-Disposition");
  g_autofree char *from_header = mw_content_disposition_get_filename (disposition);
  g_autofree char *name = from_header ? mw_filename_sanitize (from_header) : NULL;
  g_autofree char *final_uri = NULL;

  if (name != NULL)
    return g_steal_pointer (&name);

  final_uri = g_uri_to_string (soup_message_get_uri (run->message));
  name = mw_filename_from_uri (final_uri);
  if (name == NULL)
    name = mw_filename_from_uri (run->download->url);
  return name ? g_steal_pointer (&name) : g_strdup ("download");
}

/* Decides what the response's body means for the .part, or why it cannot be used. */
static gboolean
read_response (MwRun   *run,
               GError **error)
{
  SoupMessage *msg = run->message;
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  guint status = soup_message_get_status (msg);
  g_autofree char *final_uri = g_uri_to_string (soup_message_get_uri (msg));
  gboolean asked_range = run->offset > 0;

  _mw_download_set_final_url (run->download, final_uri);

  if (status == MW_HTTP_STATUS_TOO_MANY_REQUESTS || status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      run->retry_after_ms = mw_http_get_retry_after_ms (headers, now);
    }

  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && asked_range)
    return _mw_resume_accept_unsatisfiable (run, headers, error);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_set_error (error, MW_HTTP_ERROR, status, "HTTP %u %s", status,
                   soup_message_get_reason_phrase (msg));
      return FALSE;
    }

  if (status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      if (!_mw_resume_accept_partial (run, headers, error))
        return FALSE;
    }
  else
    {
      /* 200 and friends: the whole resource, from the first byte. */
      if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
        run->total = soup_message_headers_get_content_length (headers);
      else
        run->total = -1;

      /* libsoup takes "Content-Length: -5" for a length, reads nothing, and calls the
       * body complete: an empty file that is not the resource. */
      if (run->total < -1)
        {
          g_set_error (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING,
                       "Negative Content-Length %" G_GINT64_FORMAT, run->total);
          return FALSE;
        }
      run->disposition = run->download->file ? MW_BODY_REPLACES : MW_BODY_TO_NEW_FILE;
      run->offset = 0;
      run->received = 0;
    }

  _mw_download_set_validators (run->download,
                               soup_message_headers_get_one (headers, "ETag"),
                               soup_message_headers_get_one (headers, "Last-Modified"));
  _mw_download_set_total (run->download, run->total);

  if (run->disposition == MW_BODY_TO_NEW_FILE)
    run->wanted_name = choose_name (run);

  return TRUE;
}

static void
got_response (GTask        *task,
              GInputStream *body,
              GError       *error)
{
  MwRun *run = g_task_get_task_data (task);

  _mw_download_set_awaiting_response (run->download, FALSE);
  if (body == NULL)
    {
      _mw_attempt_failed (task, mw_http_explain_send_error (error, run->tls_errors));
      return;
    }

  run->body = body;
  if (run->config->blocking)
    _mw_download_event (run->download, _("Response received (the blocking call returned): HTTP %u"),
                        soup_message_get_status (run->message));
  else
    _mw_download_event (run->download, _("Response received (callback): HTTP %u"),
                        soup_message_get_status (run->message));
  if (!read_response (run, &error))
    {
      _mw_attempt_failed (task, error);
      return;
    }

  _mw_attempt_open_part (task);
}

static void
send_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GInputStream *body;

  body = soup_session_send_finish (SOUP_SESSION (source_object), result, &error);
  got_response (task, body, error);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  MwRun *run = user_data;

  /* Never accepted; only remembered, so that the message can say why. */
  run->tls_errors = errors;
  return FALSE;
}

/* Sends the attempt's request; got_response() goes on when the answer is in. */
void
_mw_request_send (GTask *task)
{
  MwRun *run = g_task_get_task_data (task);
  MwDownload *download = run->download;
  SoupMessageHeaders *headers;
  GError *error = NULL;

  run->message = soup_message_new (SOUP_METHOD_GET, download->url);
  if (run->message == NULL)
    {
      _mw_attempt_failed (task, g_error_new (MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INVALID_URL,
                                             _("“%s” is not a web address Meanwhile can download."),
                                             download->url));
      return;
    }

  g_signal_connect (run->message, "accept-certificate", G_CALLBACK (accept_certificate_cb), run);
  headers = soup_message_get_request_headers (run->message);
  soup_message_headers_replace (headers, "Accept-Encoding", "identity");

  _mw_resume_ask (run, headers);

  if (run->config->blocking)
    {
      GInputStream *body;

      _mw_download_event (download, _("Request sent — the main loop is blocked until the server answers"));
      body = soup_session_send (run->config->session, run->message, run->cancellable, &error);
      got_response (task, body, error);
    }
  else
    {
      _mw_download_set_awaiting_response (download, TRUE);
      soup_session_send_async (run->config->session, run->message, G_PRIORITY_DEFAULT,
                               run->cancellable, send_cb, g_object_ref (task));
      _mw_download_event (download, _("Request sent — the main loop is free while the server answers"));
    }
}
