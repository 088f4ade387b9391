/* fuzz-common.c: what every fuzz harness shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlerror.h>

#include "fuzz-common.h"
#include "mw-feed-text-private.h"
#include "mw-error.h"
#include "mw-filename.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A critical from a g_return_if_fail() is a bug the input found, like a crash. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

void
fuzz_fail (const char *file,
           int         line,
           const char *what)
{
  fprintf (stderr, "%s:%d: check failed: %s\n", file, line, what);
  fflush (stderr);
  abort ();
}

void
fuzz_check_text (const char *text,
                 gsize       max_bytes)
{
  if (text == NULL)
    return;

  fuzz_check (g_utf8_validate (text, -1, NULL));
  fuzz_check (strlen (text) <= max_bytes);
}

void
fuzz_check_http_url (const char *url)
{
  if (url == NULL)
    return;

  fuzz_check (g_ascii_strncasecmp (url, "http://", 7) == 0 ||
              g_ascii_strncasecmp (url, "https://", 8) == 0);
  fuzz_check (g_utf8_validate (url, -1, NULL));
  for (const char *p = url; *p != '\0'; p++)
    fuzz_check ((guchar) *p > ' ' && *p != 0x7f);
}

void
fuzz_check_error (const GError *error,
                  GQuark        domain)
{
  fuzz_check (error != NULL);
  fuzz_check (error->domain == domain);
  fuzz_check (error->message != NULL && error->message[0] != '\0');
  fuzz_check (g_utf8_validate (error->message, -1, NULL));
}

static gboolean
is_unsafe_in_file_name (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
         (c < 0x80 && strchr ("/\\<>:\"|?*", (int) c) != NULL);
}

void
fuzz_check_file_name (const char *name)
{
  gsize len;

  fuzz_check (name != NULL);
  fuzz_check (g_utf8_validate (name, -1, NULL));
  len = strlen (name);
  fuzz_check (len > 0 && len <= MW_FILENAME_MAX_BYTES);
  /* Hidden files, "." and "..", and names that end where a file system would cut them. */
  fuzz_check (name[0] != '.' && !g_unichar_isspace (g_utf8_get_char (name)));
  fuzz_check (name[len - 1] != '.');
  fuzz_check (!g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (name + len))));
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    fuzz_check (!is_unsafe_in_file_name (g_utf8_get_char (p)));
}

static void
check_parsed_item (MwParsedItem *item)
{
  fuzz_check (item != NULL);
  fuzz_check (item->id != NULL && item->id[0] != '\0');
  fuzz_check_text (item->id, ID_MAX_BYTES);
  fuzz_check_text (item->title, TITLE_MAX_BYTES);
  fuzz_check_http_url (item->link);
  fuzz_check_text (item->link, URL_MAX_BYTES);
  fuzz_check_text (item->author, TITLE_MAX_BYTES);
  fuzz_check_text (item->summary, HTML_MAX_BYTES);
  fuzz_check_text (item->content, HTML_MAX_BYTES);
  fuzz_check (item->enclosures != NULL && item->enclosures->len <= MAX_ENCLOSURES);
  for (guint i = 0; i < item->enclosures->len; i++)
    {
      MwEnclosure *enclosure = g_ptr_array_index (item->enclosures, i);

      fuzz_check (enclosure->url != NULL);
      fuzz_check_http_url (enclosure->url);
      fuzz_check_text (enclosure->url, URL_MAX_BYTES);
      fuzz_check_text (enclosure->type, 255);
      fuzz_check (enclosure->length >= -1);
    }
}

void
fuzz_check_parsed_feed (MwParsedFeed *feed)
{
  fuzz_check (feed->format == MW_FEED_FORMAT_RSS || feed->format == MW_FEED_FORMAT_RDF ||
              feed->format == MW_FEED_FORMAT_ATOM || feed->format == MW_FEED_FORMAT_JSON);
  fuzz_check_text (feed->title, TITLE_MAX_BYTES);
  fuzz_check_http_url (feed->link);
  fuzz_check_text (feed->link, URL_MAX_BYTES);
  fuzz_check_text (feed->description, TEXT_MAX_BYTES);
  fuzz_check_http_url (feed->icon_url);
  fuzz_check_text (feed->icon_url, URL_MAX_BYTES);
  fuzz_check_text (feed->problem, 1024);
  fuzz_check (feed->items != NULL && feed->items->len <= MAX_ITEMS);
  for (guint i = 0; i < feed->items->len; i++)
    check_parsed_item (g_ptr_array_index (feed->items, i));
}

void
fuzz_reset_libxml (void)
{
  xmlResetLastError ();
}

void
fuzz_check_store_round_trip (const uint8_t      *data,
                             size_t              size,
                             FuzzStoreParse      parse,
                             FuzzStoreSerialize  serialize,
                             GFunc               check,
                             GCompareFunc        check_same)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *written = NULL;
  gsize written_length = 0;
  guint n_skipped = 0;

  records = parse ((const char *) data, size, &n_skipped, &error);
  if (records == NULL)
    {
      fuzz_check_error (error, MW_DOWNLOAD_ERROR);
      return;
    }

  for (guint i = 0; i < records->len; i++)
    check (g_ptr_array_index (records, i), NULL);

  /* What was read is saved, and reads back the same, with nothing skipped. */
  written = serialize (records, &written_length);
  again = parse (written, written_length, &n_skipped, &again_error);
  fuzz_check (again != NULL && n_skipped == 0);
  fuzz_check (again->len == records->len);
  for (guint i = 0; i < records->len; i++)
    check_same (g_ptr_array_index (records, i), g_ptr_array_index (again, i));
}
