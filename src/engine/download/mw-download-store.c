/* mw-download-store.c: the downloads.json format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * {
 *   "format": "meanwhile-downloads",
 *   "version": 1,
 *   "downloads": [
 *     { "url": "https://…", "final-url": "https://…", "file": "/home/…/x.iso",
 *       "state": "paused", "received": 1234, "total": 5678,
 *       "etag": "\"abc\"", "last-modified": "…", "sha256": "…",
 *       "error": "example.org refused the connection. …",
 *       "error-info": { "kind": "connection-refused", "host": "example.org" },
 *       "added": 1764000000 }
 *   ]
 * }
 *
 * Reading is tolerant: unknown members are ignored, a missing or mistyped member takes
 * its default, and an entry that makes no sense (no http(s) URL) is skipped and counted.
 * A failure is said again from "error-info" in the language of the day; "error", the
 * sentence as it was said when written, stands in for an "error-info" that an older
 * version did not write or a newer one wrote with a kind this one does not know.
 * The parser runs in worker threads and on untrusted bytes, so it touches no GObject.
 */
#define G_LOG_DOMAIN "mw-download-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "mw-download-private.h"
#include "mw-download-store.h"
#include "mw-error.h"
#include "mw-json.h"

/* Indented, for the people who read it: a download takes a dozen lines. */
static const MwJsonStateFormat store_format = {
  .name = "meanwhile-downloads",
  .version = MW_DOWNLOAD_STORE_VERSION,
  .list = "downloads",
  .indent = TRUE,
};

MwDownloadRecord *
mw_download_record_new_from_download (MwDownload *download)
{
  MwDownloadRecord *record = g_new0 (MwDownloadRecord, 1);

  record->url = g_strdup (download->url);
  record->final_url = g_strdup (download->final_url);
  record->path = download->file ? g_file_get_path (download->file) : NULL;
  record->state = download->state;
  record->received = download->received;
  record->total = download->total;
  record->etag = g_strdup (download->etag);
  record->last_modified = g_strdup (download->last_modified);
  record->sha256 = g_strdup (download->expected_sha256);
  record->error = g_strdup (download->error_message);
  record->failure = mw_failure_copy (download->failure);
  record->added = download->added ? g_date_time_to_unix (download->added) : 0;
  return record;
}

/* A download that was moving when the state was saved resumes when it is read back;
 * paused, failed and finished ones stay as they were. */
MwDownload *
mw_download_record_to_download (MwDownloadRecord *record)
{
  MwDownload *download = mw_download_new (record->url);
  MwDownloadState state = record->state;

  switch (state)
    {
    case MW_DOWNLOAD_CONNECTING:
    case MW_DOWNLOAD_DOWNLOADING:
    case MW_DOWNLOAD_VERIFYING:
      state = MW_DOWNLOAD_QUEUED;
      break;
    case MW_DOWNLOAD_QUEUED:
    case MW_DOWNLOAD_PAUSED:
    case MW_DOWNLOAD_COMPLETED:
    case MW_DOWNLOAD_FAILED:
    case MW_DOWNLOAD_CANCELLED:
    default:
      break;
    }

  download->final_url = g_strdup (record->final_url);
  if (record->path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (record->path);
      _mw_download_set_file (download, file);
    }
  download->state = state;
  download->received = record->received;
  download->total = record->total;
  download->etag = g_strdup (record->etag);
  download->last_modified = g_strdup (record->last_modified);
  download->expected_sha256 = g_strdup (record->sha256);
  if (record->failure != NULL)
    _mw_download_set_failure (download, record->failure);
  else
    download->error_message = g_strdup (record->error);
  if (record->added > 0)
    {
      g_autoptr(GDateTime) added = g_date_time_new_from_unix_utc (record->added);
      if (added != NULL)
        _mw_download_set_added (download, added);
    }
  return download;
}

void
mw_download_record_free (MwDownloadRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->url);
  g_free (record->final_url);
  g_free (record->path);
  g_free (record->etag);
  g_free (record->last_modified);
  g_free (record->sha256);
  g_free (record->error);
  mw_failure_free (record->failure);
  g_free (record);
}

char *
mw_download_store_serialize (GPtrArray *records,
                             gsize     *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  mw_json_begin_state (builder, &store_format);
  for (guint i = 0; i < records->len; i++)
    {
      MwDownloadRecord *record = g_ptr_array_index (records, i);

      json_builder_begin_object (builder);
      mw_json_add_string (builder, "url", record->url);
      mw_json_add_string (builder, "final-url", record->final_url);
      mw_json_add_string (builder, "file", record->path);
      mw_json_add_string (builder, "state", mw_download_state_to_string (record->state));
      mw_json_add_int (builder, "received", (gint64) MIN (record->received, (guint64) G_MAXINT64));
      mw_json_add_int (builder, "total", record->total);
      mw_json_add_string (builder, "etag", record->etag);
      mw_json_add_string (builder, "last-modified", record->last_modified);
      mw_json_add_string (builder, "sha256", record->sha256);
      mw_json_add_string (builder, "error", record->error);
      mw_json_add_failure (builder, "error-info", record->failure);
      mw_json_add_int (builder, "added", record->added);
      json_builder_end_object (builder);
    }
  return mw_json_end_state (builder, &store_format, length);
}

static char *
dup_valid_string (JsonObject *object,
                  const char *name)
{
  const char *value = mw_json_get_string (object, name);

  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

static gpointer
parse_record (JsonNode *node,
              gpointer  user_data)
{
  g_autoptr(MwDownloadRecord) record = NULL;
  JsonObject *object;
  const char *url;
  const char *path;
  const char *sha256;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);

  url = mw_json_get_string (object, "url");
  if (!_mw_check_url (url, NULL))
    return NULL;

  record = g_new0 (MwDownloadRecord, 1);
  record->url = g_strdup (url);
  record->final_url = dup_valid_string (object, "final-url");

  /* Only an absolute local path is ever trusted as a place to write. */
  path = mw_json_get_string (object, "file");
  if (path != NULL && g_path_is_absolute (path) && g_utf8_validate (path, -1, NULL))
    record->path = g_strdup (path);

  if (!mw_download_state_from_string (mw_json_get_string (object, "state"), &record->state))
    record->state = MW_DOWNLOAD_QUEUED;
  /* A finished download without a file cannot be shown as finished. */
  if (record->state == MW_DOWNLOAD_COMPLETED && record->path == NULL)
    record->state = MW_DOWNLOAD_QUEUED;

  record->received = (guint64) MAX (0, mw_json_get_int (object, "received", 0));
  record->total = MAX (-1, mw_json_get_int (object, "total", -1));
  record->etag = dup_valid_string (object, "etag");
  record->last_modified = dup_valid_string (object, "last-modified");
  /* The transfer compares against a lower-case digest; anything else is no checksum. */
  sha256 = mw_json_get_string (object, "sha256");
  if (_mw_check_sha256 (sha256))
    record->sha256 = g_ascii_strdown (sha256, -1);
  record->error = dup_valid_string (object, "error");
  record->failure = mw_json_get_failure (object, "error-info");
  record->added = MAX (0, mw_json_get_int (object, "added", 0));

  return g_steal_pointer (&record);
}

GPtrArray *
mw_download_store_parse (const char  *data,
                         gsize        length,
                         guint       *n_skipped,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) detail = NULL;
  JsonArray *downloads = NULL;
  gint64 version = 0;

  if (n_skipped != NULL)
    *n_skipped = 0;

  switch (mw_json_open_state (parser, data, length, &store_format, &downloads, &version, &detail))
    {
    case MW_JSON_STATE_READ:
      return mw_json_read_entries (downloads, parse_record, NULL,
                                   (GDestroyNotify) mw_download_record_free, n_skipped);
    case MW_JSON_STATE_EMPTY:
      g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_CORRUPT,
                           _("The list of downloads is empty; it was probably cut short."));
      break;
    case MW_JSON_STATE_DAMAGED:
      g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_CORRUPT,
                   _("The list of downloads is damaged (%s)."), detail->message);
      break;
    case MW_JSON_STATE_FOREIGN:
      g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_CORRUPT,
                           _("The list of downloads is not in Meanwhile’s format."));
      break;
    case MW_JSON_STATE_NO_VERSION:
      g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_CORRUPT,
                           _("The list of downloads has no version number."));
      break;
    case MW_JSON_STATE_TOO_NEW:
      g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_TOO_NEW,
                   _("The list of downloads was written by a newer version of Meanwhile (format %d)."),
                   (int) MIN (version, G_MAXINT));
      break;
    case MW_JSON_STATE_NO_LIST:
    default:
      g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_CORRUPT,
                           _("The list of downloads is damaged (no list of entries)."));
      break;
    }
  return NULL;
}
