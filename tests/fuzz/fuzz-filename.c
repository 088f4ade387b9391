/* fuzz-filename.c: the file-name sanitiser, names from addresses, and "NAME (1).ext"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-filename"

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "mw-filename.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = g_strndup ((const char *) data, size);
  g_autofree char *safe = NULL;
  g_autofree char *again = NULL;
  g_autofree char *from_uri = NULL;
  g_autofree char *uri = NULL;
  /* From the input, so that a replay tries the same numbers. */
  const guint indexes[] = { 1, (guint) size, size > 0 ? G_MAXUINT - data[0] : G_MAXUINT };

  safe = mw_filename_sanitize (input);
  if (safe != NULL)
    {
      fuzz_check_file_name (safe);
      /* Sanitising a safe name keeps it. */
      again = mw_filename_sanitize (safe);
      fuzz_check (g_strcmp0 (safe, again) == 0);

      for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
        {
          g_autofree char *numbered = mw_filename_with_index (safe, indexes[i]);
          g_autofree char *number = g_strdup_printf ("(%u)", indexes[i]);

          fuzz_check_file_name (numbered);
          fuzz_check (strstr (numbered, number) != NULL);
        }
    }

  /* The input as an address, and as the path of one. */
  from_uri = mw_filename_from_uri (input);
  if (from_uri != NULL)
    fuzz_check_file_name (from_uri);
  g_clear_pointer (&from_uri, g_free);

  uri = g_strconcat ("https://example.org/", input, NULL);
  from_uri = mw_filename_from_uri (uri);
  if (from_uri != NULL)
    fuzz_check_file_name (from_uri);

  return 0;
}
