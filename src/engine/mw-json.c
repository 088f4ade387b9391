/* mw-json.c: the few json-glib helpers the state files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Readers are tolerant by construction: a member that is missing or of another type
 * reads as NULL, the fallback or FALSE, never as an error.
 */
#define G_LOG_DOMAIN "mw-json"

#include "config.h"

#include "mw-json.h"

/* NULL becomes JSON null, so that every member is always written. */
void
mw_json_add_string (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
mw_json_add_int (JsonBuilder *builder,
                 const char  *name,
                 gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
mw_json_add_bool (JsonBuilder *builder,
                  const char  *name,
                  gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static JsonNode *
get_value (JsonObject *object,
           const char *name,
           GType       type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

const char *
mw_json_get_string (JsonObject *object,
                    const char *name)
{
  JsonNode *node = get_value (object, name, G_TYPE_STRING);

  return node ? json_node_get_string (node) : NULL;
}

gint64
mw_json_get_int (JsonObject *object,
                 const char *name,
                 gint64      fallback)
{
  JsonNode *node = get_value (object, name, G_TYPE_INT64);

  return node ? json_node_get_int (node) : fallback;
}

gboolean
mw_json_get_bool (JsonObject *object,
                  const char *name)
{
  JsonNode *node = get_value (object, name, G_TYPE_BOOLEAN);

  return node ? json_node_get_boolean (node) : FALSE;
}

/* json-glib parses by recursion, so a few hundred thousand "[" overflow the stack: a
 * damaged file must not crash Meanwhile at every start. Counts brackets outside strings,
 * without parsing. */
gboolean
mw_json_nesting_is_sane (const char *data,
                         gsize       length,
                         guint       max_depth)
{
  /* Only these bytes matter; the text between them is skipped at table speed. */
  static const guint8 structural[256] = {
    ['"'] = 1, ['\\'] = 1, ['['] = 1, ['{'] = 1, [']'] = 1, ['}'] = 1,
  };
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c;

      while (i < length && !structural[(guchar) data[i]])
        i++;
      if (i >= length)
        break;
      c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}
