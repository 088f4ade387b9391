/* fuzz-common.h: what every fuzz harness shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A harness is LLVMFuzzerTestOneInput() over one engine entry point. Besides not
 * crashing, it checks what the rest of Meanwhile relies on in the result (valid UTF-8,
 * bounded sizes, nothing but http(s) addresses, safe file names), and aborts when that
 * does not hold, so that libFuzzer keeps the input.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "mw-feed-parser.h"

G_BEGIN_DECLS

int  LLVMFuzzerInitialize     (int           *argc,
                               char        ***argv);
int  LLVMFuzzerTestOneInput   (const uint8_t *data,
                               size_t         size);

G_NORETURN
void fuzz_fail                (const char    *file,
                               int            line,
                               const char    *what);

#define fuzz_check(expr) \
  G_STMT_START { \
    if (G_UNLIKELY (!(expr))) \
      fuzz_fail (__FILE__, __LINE__, #expr); \
  } G_STMT_END

/* NULL, or valid UTF-8 of at most @max_bytes bytes. */
void fuzz_check_text          (const char    *text,
                               gsize          max_bytes);
/* NULL, or an absolute http(s) address: valid UTF-8 with no space or control character. */
void fuzz_check_http_url      (const char    *url);
/* A failure a person can be shown: in @domain, with a sentence. */
void fuzz_check_error         (const GError  *error,
                               GQuark         domain);
/* A name that can only be created inside the download folder. */
void fuzz_check_file_name     (const char    *name);
void fuzz_check_parsed_feed   (MwParsedFeed  *feed);
/* Forgets libxml2's record of the last error, so that no input leaves state behind. */
void fuzz_reset_libxml        (void);

/* A state file's loader: parses @data, checks every record with @check, saves them,
 * reads that back with nothing skipped and checks it matches record by record. */
typedef GPtrArray *(*FuzzStoreParse)     (const char  *data,
                                          gsize        length,
                                          guint       *n_skipped,
                                          GError     **error);
typedef char      *(*FuzzStoreSerialize) (GPtrArray   *records,
                                          gsize       *length);

void fuzz_check_store_round_trip (const uint8_t      *data,
                                  size_t              size,
                                  FuzzStoreParse      parse,
                                  FuzzStoreSerialize  serialize,
                                  GFunc               check,
                                  GCompareFunc        check_same);

G_END_DECLS
