/* mw-feed-json.c: JSON Feed 1.0 and 1.1: the feed and its items
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-feed-json"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "mw-feed-parser-private.h"
#include "mw-json.h"

static const char *
json_raw_string (JsonObject *object,
                 const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* A string member that is valid UTF-8, or NULL: json-glib turns an escaped lone
 * surrogate ("\ud800") into bytes that are not. */
static const char *
json_string (JsonObject *object,
             const char *name)
{
  const char *value = json_raw_string (object, name);

  return value != NULL && g_utf8_validate (value, -1, NULL) ? value : NULL;
}

static JsonObject *
json_object (JsonObject *object,
             const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
json_array (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static char *
json_strdup (JsonObject *object,
             const char *name,
             gsize       max)
{
  const char *value = json_raw_string (object, name);

  return value != NULL ? _mw_feed_ensure_utf8 (_mw_feed_strdup_capped (value, max)) : NULL;
}

/* A member that holds an address, as an absolute http(s) one, or NULL. */
static char *
json_url (MwParseState *st,
          JsonObject   *object,
          const char   *name)
{
  return _mw_feed_resolve_http_url (st->base_url, json_string (object, name));
}

/* JSON Feed 1.1's authors array, or 1.0's single author. */
static char *
json_author (JsonObject *object)
{
  JsonArray *authors = json_array (object, "authors");

  for (guint i = 0; authors != NULL && i < json_array_get_length (authors); i++)
    {
      JsonNode *node = json_array_get_element (authors, i);
      char *name;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      name = json_strdup (json_node_get_object (node), "name", TITLE_COLLECT_BYTES);
      if (name != NULL)
        return name;
    }

  return json_strdup (json_object (object, "author"), "name", TITLE_COLLECT_BYTES);
}

static void
read_json_item (MwParseState *st,
                JsonObject   *object)
{
  g_auto(MwItemBuilder) b = { 0, };
  JsonNode *id = json_object_get_member (object, "id");
  JsonArray *attachments = json_array (object, "attachments");

  b.published = mw_feed_parse_date (json_string (object, "date_published"));
  b.updated = mw_feed_parse_date (json_string (object, "date_modified"));
  if (_mw_feed_item_too_old (st, &b))
    return;

  /* The spec wants a string; some generators write a number. */
  if (id != NULL && JSON_NODE_HOLDS_VALUE (id))
    {
      GType type = json_node_get_value_type (id);

      if (type == G_TYPE_STRING)
        b.id = _mw_feed_ensure_utf8 (_mw_feed_strdup_capped (json_node_get_string (id),
                                                             ID_COLLECT_BYTES));
      else if (type == G_TYPE_INT64)
        b.id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
    }

  b.link = json_url (st, object, "url");
  b.link_fallback = json_url (st, object, "external_url");
  b.title = json_strdup (object, "title", TITLE_COLLECT_BYTES);
  b.author = json_author (object);
  b.summary = json_strdup (object, "summary", HTML_MAX_BYTES);
  b.content = json_strdup (object, "content_html", HTML_MAX_BYTES);
  b.content_is_html = b.content != NULL;
  if (b.content == NULL)
    b.content = json_strdup (object, "content_text", HTML_MAX_BYTES);

  for (guint i = 0; attachments != NULL && i < json_array_get_length (attachments); i++)
    {
      JsonNode *node = json_array_get_element (attachments, i);
      JsonObject *attachment;
      JsonNode *size;
      g_autofree char *length = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      attachment = json_node_get_object (node);
      size = json_object_get_member (attachment, "size_in_bytes");
      if (size != NULL && JSON_NODE_HOLDS_VALUE (size) &&
          json_node_get_value_type (size) == G_TYPE_INT64)
        length = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (size));
      else if (size != NULL && JSON_NODE_HOLDS_VALUE (size) &&
               json_node_get_value_type (size) == G_TYPE_DOUBLE &&
               json_node_get_double (size) >= 1 && json_node_get_double (size) < 1e18)
        length = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) json_node_get_double (size));
      _mw_feed_add_enclosure (&b, json_url (st, attachment, "url"),
                              json_string (attachment, "mime_type"), length);
    }

  _mw_feed_add_item (st, &b);
}

gboolean
_mw_feed_read_json_feed (MwParseState *st,
                         const char   *doc,
                         gsize         len,
                         GError      **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *valid = NULL;
  gboolean loaded;
  JsonNode *root;
  JsonObject *object;
  JsonArray *items;
  const char *version;

  /* json-glib refuses what is not UTF-8, after checking all of it: only then is the
   * document made valid and read again, rather than checked twice every time. */
  parser = json_parser_new ();
  loaded = mw_json_load (parser, doc, len, NULL);
  if (!loaded && !g_utf8_validate_len (doc, len, NULL))
    {
      valid = g_utf8_make_valid (doc, len);
      doc = valid;
      len = strlen (valid);
      loaded = mw_json_load (parser, doc, len, NULL);
    }
  if (!loaded)
    {
      _mw_feed_set_error (error, MW_FEED_ERROR_MALFORMED);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  version = json_string (object, "version");
  items = json_array (object, "items");
  if (object == NULL ||
      (version != NULL ? strstr (version, "jsonfeed.org/version/1") == NULL : items == NULL))
    {
      _mw_feed_set_error (error, MW_FEED_ERROR_NOT_A_FEED);
      return FALSE;
    }

  st->feed->format = MW_FEED_FORMAT_JSON;
  {
    g_autofree char *title = json_strdup (object, "title", TITLE_COLLECT_BYTES);
    g_autofree char *description = json_strdup (object, "description", HTML_MAX_BYTES);

    st->feed->title = _mw_feed_clean_title (title, FALSE, TITLE_MAX_BYTES);
    st->feed->description = _mw_feed_clean_title (description, FALSE, TEXT_MAX_BYTES);
  }
  st->feed->link = json_url (st, object, "home_page_url");
  _mw_feed_set_icon (st, json_url (st, object, "icon"), 1);
  _mw_feed_set_icon (st, json_url (st, object, "favicon"), 2);
  st->feed_author = json_author (object);

  for (guint i = 0; items != NULL && i < json_array_get_length (items) && !st->too_many_items; i++)
    {
      JsonNode *node = json_array_get_element (items, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        read_json_item (st, json_node_get_object (node));
    }

  return TRUE;
}

