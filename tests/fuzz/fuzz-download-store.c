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

/* Whatever a file says went wrong makes a sentence, in UTF-8. */
static void
check_failure (const MwFailure *failure)
{
  g_autofree char *sentence = NULL;

  if (failure == NULL)
    return;
  fuzz_check (failure->kind < MW_FAILURE_N_KINDS);
  fuzz_check_text (failure->host, G_MAXSIZE);
  fuzz_check_text (failure->detail, G_MAXSIZE);
  fuzz_check (failure->cause == NULL || failure->cause->cause == NULL);
  sentence = mw_failure_describe (failure);
  fuzz_check (sentence != NULL && *sentence != '\0');
  fuzz_check_text (sentence, G_MAXSIZE);
  check_failure (failure->cause);
}

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
  check_failure (record->failure);
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
  fuzz_check (mw_failure_equal (a->failure, b->failure));
  fuzz_check (a->added == b->added);
}

static void
check_record_cb (gpointer record,
                 gpointer user_data)
{
  check_record (record);
}

static int
check_same_record_cb (gconstpointer a,
                      gconstpointer b)
{
  check_same_record ((gpointer) a, (gpointer) b);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_check_store_round_trip (data, size, mw_download_store_parse, mw_download_store_serialize,
                               check_record_cb, check_same_record_cb);
  return 0;
}
