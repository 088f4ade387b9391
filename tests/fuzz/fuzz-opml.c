/* fuzz-opml.c: subscription lists through the OPML reader, and back through the writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-opml"

#include "config.h"

#include "fuzz-common.h"
#include "mw-opml.h"

static void
check_entry (MwOpmlEntry *entry)
{
  fuzz_check (entry->url != NULL);
  fuzz_check_http_url (entry->url);
  fuzz_check_http_url (entry->site_url);
  /* At most 512 characters, or 64 of them joined for a group. */
  fuzz_check_text (entry->title, 512 * 4);
  fuzz_check (entry->title == NULL || g_utf8_strlen (entry->title, -1) <= 512);
  fuzz_check_text (entry->group, G_MAXSIZE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GHashTable) by_url = NULL;
  g_autofree char *written = NULL;
  gsize written_length = 0;

  entries = mw_opml_parse (data, size, &error);
  if (entries == NULL)
    {
      fuzz_check_error (error, G_MARKUP_ERROR);
      fuzz_reset_libxml ();
      return 0;
    }

  for (guint i = 0; i < entries->len; i++)
    check_entry (g_ptr_array_index (entries, i));

  /* What was imported exports, and imports again the same. The writer gathers each
   * folder's feeds, so the order may change; each address is there once. */
  written = mw_opml_write (entries, "Fuzz", &written_length);
  again = mw_opml_parse ((const guint8 *) written, written_length, &again_error);
  fuzz_check (again != NULL);
  fuzz_check (again->len == entries->len);
  by_url = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < again->len; i++)
    {
      MwOpmlEntry *b = g_ptr_array_index (again, i);

      fuzz_check (g_hash_table_insert (by_url, b->url, b));
    }
  for (guint i = 0; i < entries->len; i++)
    {
      MwOpmlEntry *a = g_ptr_array_index (entries, i);
      MwOpmlEntry *b = g_hash_table_lookup (by_url, a->url);

      fuzz_check (b != NULL);
      fuzz_check (g_strcmp0 (a->title, b->title) == 0);
      fuzz_check (g_strcmp0 (a->site_url, b->site_url) == 0);
      fuzz_check (g_strcmp0 (a->group, b->group) == 0);
    }

  fuzz_reset_libxml ();
  return 0;
}
