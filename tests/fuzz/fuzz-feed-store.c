/* fuzz-feed-store.c: feeds.json through the reader, and back through the writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-feed-store"

#include "config.h"

#include "fuzz-common.h"
#include "mw-error.h"
#include "mw-feed-store.h"

static void
check_record (MwFeedRecord *record)
{
  fuzz_check (record->url != NULL);
  fuzz_check (g_ascii_strncasecmp (record->url, "http://", 7) == 0 ||
              g_ascii_strncasecmp (record->url, "https://", 8) == 0);
  /* Each of these may be shown in the window, and GTK takes only UTF-8. */
  fuzz_check_text (record->url, G_MAXSIZE);
  fuzz_check_text (record->title, G_MAXSIZE);
  fuzz_check_text (record->link, G_MAXSIZE);
  fuzz_check_text (record->description, G_MAXSIZE);
  fuzz_check_text (record->icon_url, G_MAXSIZE);
  fuzz_check_text (record->etag, G_MAXSIZE);
  fuzz_check_text (record->last_modified, G_MAXSIZE);
  fuzz_check_text (record->error, G_MAXSIZE);
  fuzz_check (record->items != NULL);

  for (guint i = 0; i < record->items->len; i++)
    {
      MwItemRecord *r = g_ptr_array_index (record->items, i);
      MwParsedItem *item = r->item;

      fuzz_check (item->id != NULL && item->id[0] != '\0');
      fuzz_check_text (item->id, G_MAXSIZE);
      fuzz_check_text (item->title, G_MAXSIZE);
      fuzz_check_text (item->link, G_MAXSIZE);
      fuzz_check_text (item->author, G_MAXSIZE);
      fuzz_check_text (item->summary, G_MAXSIZE);
      fuzz_check_text (item->content, G_MAXSIZE);
      fuzz_check (item->published >= 0 && item->updated >= 0 && r->first_seen >= 0);
      fuzz_check (item->enclosures != NULL);
      for (guint j = 0; j < item->enclosures->len; j++)
        {
          MwEnclosure *enclosure = g_ptr_array_index (item->enclosures, j);

          fuzz_check (enclosure->url != NULL);
          fuzz_check_text (enclosure->url, G_MAXSIZE);
          fuzz_check_text (enclosure->type, G_MAXSIZE);
        }
    }
}

static void
check_same_item (MwItemRecord *a,
                 MwItemRecord *b)
{
  fuzz_check (g_strcmp0 (a->item->id, b->item->id) == 0);
  fuzz_check (g_strcmp0 (a->item->title, b->item->title) == 0);
  fuzz_check (g_strcmp0 (a->item->link, b->item->link) == 0);
  fuzz_check (g_strcmp0 (a->item->author, b->item->author) == 0);
  fuzz_check (a->item->published == b->item->published);
  fuzz_check (a->item->updated == b->item->updated);
  fuzz_check (g_strcmp0 (a->item->summary, b->item->summary) == 0);
  fuzz_check (g_strcmp0 (a->item->content, b->item->content) == 0);
  fuzz_check (a->read == b->read && a->starred == b->starred);
  fuzz_check (a->first_seen == b->first_seen);
  fuzz_check (a->item->enclosures->len == b->item->enclosures->len);
  for (guint i = 0; i < a->item->enclosures->len; i++)
    {
      MwEnclosure *ea = g_ptr_array_index (a->item->enclosures, i);
      MwEnclosure *eb = g_ptr_array_index (b->item->enclosures, i);

      fuzz_check (g_strcmp0 (ea->url, eb->url) == 0);
      fuzz_check (g_strcmp0 (ea->type, eb->type) == 0);
      fuzz_check (ea->length == eb->length);
    }
}

static void
check_same_record (MwFeedRecord *a,
                   MwFeedRecord *b)
{
  fuzz_check (g_strcmp0 (a->url, b->url) == 0);
  fuzz_check (g_strcmp0 (a->title, b->title) == 0);
  fuzz_check (g_strcmp0 (a->link, b->link) == 0);
  fuzz_check (g_strcmp0 (a->description, b->description) == 0);
  fuzz_check (g_strcmp0 (a->icon_url, b->icon_url) == 0);
  fuzz_check (g_strcmp0 (a->etag, b->etag) == 0);
  fuzz_check (g_strcmp0 (a->last_modified, b->last_modified) == 0);
  fuzz_check (g_strcmp0 (a->error, b->error) == 0);
  fuzz_check (!a->gone == !b->gone);
  fuzz_check (a->items->len == b->items->len);
  for (guint i = 0; i < a->items->len; i++)
    check_same_item (g_ptr_array_index (a->items, i), g_ptr_array_index (b->items, i));
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
  fuzz_check_store_round_trip (data, size, mw_feed_store_parse, mw_feed_store_serialize,
                               check_record_cb, check_same_record_cb);
  return 0;
}
