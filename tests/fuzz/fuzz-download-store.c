/* fuzz-download-store.c: downloads.json through the reader, and back through the writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-download-store"

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "mw-download-store.h"
#include "mw-error.h"

static void
check_record (MwDownloadRecord *record)
{
  fuzz_check (record->url != NULL);
  fuzz_check (g_ascii_strncasecmp (record->url, "http://", 7) == 0 ||
              g_ascii_strncasecmp (record->url, "https://", 8) == 0);
  /* Each of these is shown in the window, and GTK takes only UTF-8. */
  fuzz_check_text (record->url, G_MAXSIZE);
  fuzz_check_text (record->final_url, G_MAXSIZE);
  fuzz_check_text (record->path, G_MAXSIZE);
  fuzz_check (record->path == NULL || g_path_is_absolute (record->path));
  fuzz_check_text (record->etag, G_MAXSIZE);
  fuzz_check_text (record->last_modified, G_MAXSIZE);
  fuzz_check (record->sha256 == NULL || strlen (record->sha256) == 64);
  fuzz_check_text (record->error, G_MAXSIZE);
  fuzz_check (record->total >= -1 && record->added >= 0);
}

static void
check_same_record (MwDownloadRecord *a,
                   MwDownloadRecord *b)
{
  fuzz_check (g_strcmp0 (a->url, b->url) == 0);
  fuzz_check (g_strcmp0 (a->final_url, b->final_url) == 0);
  fuzz_check (g_strcmp0 (a->path, b->path) == 0);
  fuzz_check (a->state == b->state);
  fuzz_check (a->received == b->received && a->total == b->total);
  fuzz_check (g_strcmp0 (a->etag, b->etag) == 0);
  fuzz_check (g_strcmp0 (a->last_modified, b->last_modified) == 0);
  fuzz_check (g_strcmp0 (a->sha256, b->sha256) == 0);
  fuzz_check (g_strcmp0 (a->error, b->error) == 0);
  fuzz_check (a->added == b->added);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *written = NULL;
  gsize written_length = 0;
  guint n_skipped = 0;

  records = mw_download_store_parse ((const char *) data, size, &n_skipped, &error);
  if (records == NULL)
    {
      fuzz_check_error (error, MW_DOWNLOAD_ERROR);
      return 0;
    }

  for (guint i = 0; i < records->len; i++)
    check_record (g_ptr_array_index (records, i));

  /* What was read is saved, and reads back the same, with nothing skipped. */
  written = mw_download_store_serialize (records, &written_length);
  again = mw_download_store_parse (written, written_length, &n_skipped, &again_error);
  fuzz_check (again != NULL && n_skipped == 0);
  fuzz_check (again->len == records->len);
  for (guint i = 0; i < records->len; i++)
    check_same_record (g_ptr_array_index (records, i), g_ptr_array_index (again, i));

  return 0;
}
