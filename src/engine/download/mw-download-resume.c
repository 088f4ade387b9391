/* mw-download-resume.c: going on from a .part: the range to ask for, and if the answer fits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Main thread. The .part has been measured (mw-download-part.c); the request asks for the
 * bytes after it, on condition that the file is still the version the .part holds. A 206
 * must start where asked and come from that version, a 416 must say the .part is whole;
 * otherwise the .part is thrown away and the next attempt starts from the first byte (a
 * 200 replaces it at once). The Pause and Resume a person clicks are mw_download_pause()
 * and mw_download_resume(), in mw-download-state.c.
 */
#define G_LOG_DOMAIN "mw-download-resume"

#include "config.h"

#include "mw-download-private.h"
#include "mw-download-run-private.h"
#include "mw-error.h"
#include "mw-http.h"

/* Asks for the bytes after the .part, with If-Range, so that a changed file comes back
 * whole; a server that sent a wrong range once is asked for the whole file instead. */
void
_mw_resume_ask (MwRun              *run,
                SoupMessageHeaders *request)
{
  MwDownload *download = run->download;

  if (run->offset == 0)
    return;

  if (run->avoid_ranges)
    run->offset = 0;
  else
    {
      soup_message_headers_set_range (request, (goffset) run->offset, -1);
      if (mw_http_etag_is_strong (download->etag))
        soup_message_headers_replace (request, "If-Range", download->etag);
      else if (download->last_modified != NULL)
        soup_message_headers_replace (request, "If-Range", download->last_modified);
    }
}

/* A 206: the bytes after the .part, to append, or why they would corrupt it. */
gboolean
_mw_resume_accept_partial (MwRun              *run,
                           SoupMessageHeaders *headers,
                           GError            **error)
{
  const char *etag = soup_message_headers_get_one (headers, "ETag");
  gint64 start, end, total;

  if (!mw_http_parse_content_range (soup_message_headers_get_one (headers, "Content-Range"),
                                    &start, &end, &total) ||
      start < 0 || (guint64) start != run->offset)
    {
      /* Bytes for a range we did not ask for would corrupt the file. */
      run->discard_part = TRUE;
      run->avoid_ranges = TRUE;
      g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_BAD_RANGE,
                   "Asked for bytes from %" G_GUINT64_FORMAT ", got %s", run->offset,
                   soup_message_headers_get_one (headers, "Content-Range"));
      return FALSE;
    }

  /* If-Range should have made a changed resource come back whole; a server that
   * ignored it still shows the change in its validator. */
  if (etag != NULL && run->download->etag != NULL && g_strcmp0 (etag, run->download->etag) != 0)
    {
      run->discard_part = TRUE;
      g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_BAD_RANGE,
                   "The file changed on the server");
      return FALSE;
    }

  run->disposition = run->download->file ? MW_BODY_APPENDS : MW_BODY_TO_NEW_FILE;
  run->total = total;
  run->received = run->offset;
  return TRUE;
}

/* A 416 to a request for the bytes after the .part: it is whole already, or it is no good. */
gboolean
_mw_resume_accept_unsatisfiable (MwRun              *run,
                                 SoupMessageHeaders *headers,
                                 GError            **error)
{
  gint64 start, end, total;

  mw_http_parse_content_range (soup_message_headers_get_one (headers, "Content-Range"),
                               &start, &end, &total);
  if (total < 0)
    total = run->download->total;
  if (total >= 0 && (guint64) total == run->offset)
    {
      run->disposition = MW_BODY_ALREADY_HAD;
      run->total = total;
      run->received = run->offset;
      _mw_download_set_total (run->download, total);
      return TRUE;
    }
  /* The .part is longer than the resource or the server cannot tell: start over. */
  run->discard_part = TRUE;
  g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_BAD_RANGE, "416 for a partial file");
  return FALSE;
}
