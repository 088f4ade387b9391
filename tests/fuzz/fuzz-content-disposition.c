/* fuzz-content-disposition.c: Content-Disposition headers into file names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-content-disposition"

#include "config.h"

#include "fuzz-common.h"
#include "mw-filename.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* A header value is a C string to the download code, as libsoup hands it over. */
  g_autofree char *header = g_strndup ((const char *) data, size);
  g_autofree char *suggested = NULL;
  g_autofree char *safe = NULL;

  suggested = mw_content_disposition_get_filename (header);
  if (suggested == NULL)
    return 0;

  fuzz_check (g_utf8_validate (suggested, -1, NULL));
  safe = mw_filename_sanitize (suggested);
  if (safe != NULL)
    fuzz_check_file_name (safe);

  return 0;
}
