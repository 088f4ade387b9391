/* mw-feed-store.c: the feeds.json format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * {
 *   "format": "meanwhile-feeds",
 *   "version": 1,
 *   "feeds": [
 *     { "url": "https://…/feed.xml", "title": "…", "link": "https://…", "description": "…",
 *       "icon": null, "etag": "\"…\"", "last-modified": "…", "error": null, "gone": false,
 *       "items": [
 *         { "id": "…", "title": "…", "link": "…", "author": "…", "published": 1795000000,
 *           "updated": 0, "summary": "…", "content": "…", "read": true, "starred": false,
 *           "first-seen": 1795000000,
 *           "enclosures": [ { "url": "…", "type": "audio/mpeg", "length": 1234 } ] } ] } ]
 * }
 *
 * Read tolerantly, like downloads.json: unknown members are ignored, mistyped ones take
 * their defaults, and feeds without an http(s) URL or items without an id are left out.
 * A file whose "feeds" is no list is not read at all, so that it is set aside rather
 * than saved over.
 */
#define G_LOG_DOMAIN "mw-feed-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "mw-error.h"
#include "mw-feed-store.h"
#include "mw-json.h"
#include "mw-url.h"

/* Not indented: it holds every article of every feed, and indentation would add to
 * each of their lines. */
static const MwJsonStateFormat store_format = {
  .name = "meanwhile-feeds",
  .version = MW_FEED_STORE_VERSION,
  .list = "feeds",
  .indent = FALSE,
};

static void
item_record_free (MwItemRecord *record)
{
  mw_parsed_item_unref_shared (record->item);
  g_free (record);
}

void
mw_feed_record_free (MwFeedRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->url);
  g_free (record->title);
  g_free (record->link);
  g_free (record->description);
  g_free (record->icon_url);
  g_free (record->etag);
  g_free (record->last_modified);
  g_free (record->error);
  g_clear_pointer (&record->items, g_ptr_array_unref);
  g_free (record);
}

MwFeedRecord *
mw_feed_record_new_from_feed (MwFeed *feed)
{
  MwFeedRecord *record = g_new0 (MwFeedRecord, 1);
  GListModel *items = mw_feed_get_items (feed);

  record->url = g_strdup (mw_feed_get_url (feed));
  record->title = g_strdup (mw_feed_get_title (feed));
  record->link = g_strdup (mw_feed_get_link (feed));
  record->description = g_strdup (mw_feed_get_description (feed));
  record->icon_url = g_strdup (mw_feed_get_icon_url (feed));
  record->etag = g_strdup (mw_feed_get_etag (feed));
  record->last_modified = g_strdup (mw_feed_get_last_modified (feed));
  record->error = g_strdup (mw_feed_get_error_message (feed));
  record->gone = mw_feed_get_gone (feed);
  record->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_record_free);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(MwFeedItem) item = g_list_model_get_item (items, i);
      MwItemRecord *r = g_new0 (MwItemRecord, 1);

      r->item = mw_feed_item_dup_shared (item);
      r->read = mw_feed_item_get_read (item);
      r->starred = mw_feed_item_get_starred (item);
      r->first_seen = mw_feed_item_get_first_seen (item);
      g_ptr_array_add (record->items, r);
    }
  return record;
}

MwFeed *
mw_feed_record_to_feed (MwFeedRecord *record)
{
  MwFeed *feed = mw_feed_new (record->url);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < record->items->len; i++)
    {
      MwItemRecord *r = g_ptr_array_index (record->items, i);
      MwFeedItem *item = mw_feed_item_new_from_shared (r->item, r->first_seen);

      mw_feed_item_set_read (item, r->read);
      mw_feed_item_set_starred (item, r->starred);
      g_ptr_array_add (items, item);
    }

  mw_feed_restore (feed, record->title, record->link, record->description, record->icon_url, items);
  mw_feed_set_validators (feed, record->etag, record->last_modified);
  mw_feed_set_error_message (feed, record->error);
  mw_feed_set_gone (feed, record->gone);
  return feed;
}

static void
add_item (JsonBuilder  *builder,
          MwItemRecord *r)
{
  MwParsedItem *item = r->item;

  json_builder_begin_object (builder);
  mw_json_add_string (builder, "id", item->id);
  mw_json_add_string (builder, "title", item->title);
  mw_json_add_string (builder, "link", item->link);
  mw_json_add_string (builder, "author", item->author);
  mw_json_add_int (builder, "published", item->published);
  mw_json_add_int (builder, "updated", item->updated);
  mw_json_add_string (builder, "summary", item->summary);
  mw_json_add_string (builder, "content", item->content);
  mw_json_add_bool (builder, "read", r->read);
  mw_json_add_bool (builder, "starred", r->starred);
  mw_json_add_int (builder, "first-seen", r->first_seen);
  json_builder_set_member_name (builder, "enclosures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < item->enclosures->len; i++)
    {
      MwEnclosure *e = g_ptr_array_index (item->enclosures, i);

      json_builder_begin_object (builder);
      mw_json_add_string (builder, "url", e->url);
      mw_json_add_string (builder, "type", e->type);
      mw_json_add_int (builder, "length", e->length);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

char *
mw_feed_store_serialize (GPtrArray *records,
                         gsize     *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  mw_json_begin_state (builder, &store_format);
  for (guint i = 0; i < records->len; i++)
    {
      MwFeedRecord *record = g_ptr_array_index (records, i);

      json_builder_begin_object (builder);
      mw_json_add_string (builder, "url", record->url);
      mw_json_add_string (builder, "title", record->title);
      mw_json_add_string (builder, "link", record->link);
      mw_json_add_string (builder, "description", record->description);
      mw_json_add_string (builder, "icon", record->icon_url);
      mw_json_add_string (builder, "etag", record->etag);
      mw_json_add_string (builder, "last-modified", record->last_modified);
      mw_json_add_string (builder, "error", record->error);
      mw_json_add_bool (builder, "gone", record->gone);
      json_builder_set_member_name (builder, "items");
      json_builder_begin_array (builder);
      for (guint j = 0; j < record->items->len; j++)
        add_item (builder, g_ptr_array_index (record->items, j));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  return mw_json_end_state (builder, &store_format, length);
}

static gpointer
parse_item (JsonNode *node,
            gpointer  user_data)
{
  JsonObject *object;
  JsonNode *enclosures;
  MwItemRecord *r;
  MwParsedItem *item;
  const char *id;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  id = mw_json_get_string (object, "id");
  if (id == NULL || *id == '\0')
    return NULL;

  /* Filled in here, then shared as it is with the article made of it. */
  item = mw_parsed_item_new_shared (NULL);
  item->id = g_strdup (id);
  item->title = g_strdup (mw_json_get_string (object, "title"));
  item->link = g_strdup (mw_json_get_string (object, "link"));
  item->author = g_strdup (mw_json_get_string (object, "author"));
  item->published = MAX (0, mw_json_get_int (object, "published", 0));
  item->updated = MAX (0, mw_json_get_int (object, "updated", 0));
  item->summary = g_strdup (mw_json_get_string (object, "summary"));
  item->content = g_strdup (mw_json_get_string (object, "content"));
  /* In the worker thread that reads the file: the window's search only compares. */
  mw_parsed_item_fill_search_text (item);

  enclosures = json_object_get_member (object, "enclosures");
  if (enclosures != NULL && JSON_NODE_HOLDS_ARRAY (enclosures))
    {
      JsonArray *array = json_node_get_array (enclosures);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *e = json_array_get_element (array, i);
          MwEnclosure *enclosure;

          if (!JSON_NODE_HOLDS_OBJECT (e) || !mw_url_check_http (mw_json_get_string (json_node_get_object (e), "url"), NULL))
            continue;
          enclosure = g_new0 (MwEnclosure, 1);
          enclosure->url = g_strdup (mw_json_get_string (json_node_get_object (e), "url"));
          enclosure->type = g_strdup (mw_json_get_string (json_node_get_object (e), "type"));
          enclosure->length = mw_json_get_int (json_node_get_object (e), "length", -1);
          g_ptr_array_add (item->enclosures, enclosure);
        }
    }

  r = g_new0 (MwItemRecord, 1);
  r->item = item;
  r->read = mw_json_get_bool (object, "read");
  r->starred = mw_json_get_bool (object, "starred");
  r->first_seen = MAX (0, mw_json_get_int (object, "first-seen", 0));
  return r;
}

/* USER_DATA counts the articles left out. */
static gpointer
parse_feed (JsonNode *node,
            gpointer  user_data)
{
  JsonObject *object;
  MwFeedRecord *record;
  const char *url;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  url = mw_json_get_string (object, "url");
  if (!mw_url_check_http (url, NULL))
    return NULL;

  record = g_new0 (MwFeedRecord, 1);
  record->url = g_strdup (url);
  record->title = g_strdup (mw_json_get_string (object, "title"));
  record->link = g_strdup (mw_json_get_string (object, "link"));
  record->description = g_strdup (mw_json_get_string (object, "description"));
  record->icon_url = g_strdup (mw_json_get_string (object, "icon"));
  record->etag = g_strdup (mw_json_get_string (object, "etag"));
  record->last_modified = g_strdup (mw_json_get_string (object, "last-modified"));
  record->error = g_strdup (mw_json_get_string (object, "error"));
  record->gone = mw_json_get_bool (object, "gone");

  record->items = mw_json_read_entries (mw_json_get_array (object, "items"), parse_item, NULL,
                                        (GDestroyNotify) item_record_free, user_data);
  return record;
}

GPtrArray *
mw_feed_store_parse (const char  *data,
                     gsize        length,
                     guint       *n_skipped,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) detail = NULL;
  JsonArray *feeds = NULL;
  gint64 version = 0;

  if (n_skipped != NULL)
    *n_skipped = 0;

  switch (mw_json_open_state (parser, data, length, &store_format, &feeds, &version, &detail))
    {
    case MW_JSON_STATE_READ:
      return mw_json_read_entries (feeds, parse_feed, n_skipped,
                                   (GDestroyNotify) mw_feed_record_free, n_skipped);
    case MW_JSON_STATE_EMPTY:
      g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_CORRUPT,
                           _("The list of feeds is empty; it was probably cut short."));
      break;
    case MW_JSON_STATE_DAMAGED:
      g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_CORRUPT,
                   _("The list of feeds is damaged (%s)."), detail->message);
      break;
    case MW_JSON_STATE_FOREIGN:
    case MW_JSON_STATE_NO_VERSION:
    case MW_JSON_STATE_NO_LIST:
    default:
      g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_CORRUPT,
                           _("The list of feeds is not in Meanwhile’s format."));
      break;
    case MW_JSON_STATE_TOO_NEW:
      g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_TOO_NEW,
                   _("The list of feeds was written by a newer version of Meanwhile (format %d)."),
                   (int) MIN (version, G_MAXINT));
      break;
    }
  return NULL;
}
