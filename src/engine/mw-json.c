/* mw-json.c: the json-glib helpers the state files and the JSON Feed reader share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Readers are tolerant by construction: a member that is missing or of another type
 * reads as NULL, the fallback or FALSE, never as an error.
 */
#define G_LOG_DOMAIN "mw-json"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mw-json.h"

/* Checking JSON before json-glib sees it */

typedef struct
{
  const char *p;
  const char *end;
  const char *copied;   /* how much of the input @fixed holds */
  GString    *fixed;    /* a copy with bad escapes replaced, once one is found */
  gboolean    too_deep;
} JsonCheck;

static void
skip_space (JsonCheck *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static gboolean
is_hex4 (const JsonCheck *c,
         const char      *p)
{
  if (c->end - p < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      if (!g_ascii_isxdigit (p[i]))
        return FALSE;
    }
  return TRUE;
}

static gunichar
read_hex4 (const char *p)
{
  gunichar value = 0;

  for (guint i = 0; i < 4; i++)
    value = value * 16 + g_ascii_xdigit_value (p[i]);
  return value;
}

/* Replaces the @len bytes of the escape at the current position by one for U+FFFD. */
static void
replace_escape (JsonCheck *c,
                gsize      len)
{
  if (c->fixed == NULL)
    c->fixed = g_string_sized_new ((c->end - c->copied) + 16);
  g_string_append_len (c->fixed, c->copied, c->p - c->copied);
  g_string_append (c->fixed, "\\ufffd");
  c->p += len;
  c->copied = c->p;
}

static gboolean
check_string (JsonCheck *c)
{
  c->p++;
  while (c->p < c->end)
    {
      gunichar value;
      gunichar low;

      switch (*c->p)
        {
        case '"':
          c->p++;
          return TRUE;
        case '\0':
          /* json-glib takes it for the end of the text. */
          return FALSE;
        case '\\':
          if (c->end - c->p < 2)
            return FALSE;
          if (strchr ("\"\\/bfnrt", c->p[1]) != NULL && c->p[1] != '\0')
            {
              c->p += 2;
              continue;
            }
          if (c->p[1] != 'u')
            return FALSE;
          if (!is_hex4 (c, c->p + 2))
            {
              /* Cut short: json-glib would take what follows into it, even the quote
               * that ends the string. */
              gsize n_hex = 0;

              while (c->p + 2 + n_hex < c->end && g_ascii_isxdigit (c->p[2 + n_hex]))
                n_hex++;
              replace_escape (c, 2 + n_hex);
              continue;
            }
          value = read_hex4 (c->p + 2);
          if (value >= 0xd800 && value <= 0xdbff && c->end - c->p >= 12 && c->p[6] == '\\' &&
              c->p[7] == 'u' && is_hex4 (c, c->p + 8) &&
              (low = read_hex4 (c->p + 8)) >= 0xdc00 && low <= 0xdfff)
            {
              c->p += 12;
              continue;
            }
          if (value >= 0xd800 && value <= 0xdfff)
            replace_escape (c, 6);
          else
            c->p += 6;
          continue;
        default:
          c->p++;
          continue;
        }
    }

  return FALSE;
}

static gboolean
skip_digits (JsonCheck *c)
{
  const char *start = c->p;

  while (c->p < c->end && g_ascii_isdigit (*c->p))
    c->p++;
  return c->p > start;
}

static gboolean
check_number (JsonCheck *c)
{
  if (*c->p == '-')
    c->p++;
  if (c->p < c->end && *c->p == '0')
    c->p++;
  else if (!skip_digits (c))
    return FALSE;
  if (c->p < c->end && *c->p == '.')
    {
      c->p++;
      if (!skip_digits (c))
        return FALSE;
    }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E'))
    {
      c->p++;
      if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
        c->p++;
      if (!skip_digits (c))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_word (JsonCheck  *c,
            const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (c->end - c->p) < len || memcmp (c->p, word, len) != 0)
    return FALSE;
  c->p += len;
  return TRUE;
}

/* Recursion is bounded by MW_JSON_MAX_DEPTH. */
static gboolean
check_value (JsonCheck *c,
             guint      depth)
{
  char close;

  skip_space (c);
  if (c->p >= c->end)
    return FALSE;

  switch (*c->p)
    {
    case '"':
      return check_string (c);
    case 't':
      return check_word (c, "true");
    case 'f':
      return check_word (c, "false");
    case 'n':
      return check_word (c, "null");
    case '{':
    case '[':
      break;
    default:
      return (*c->p == '-' || g_ascii_isdigit (*c->p)) && check_number (c);
    }

  if (depth >= MW_JSON_MAX_DEPTH)
    {
      c->too_deep = TRUE;
      return FALSE;
    }

  close = *c->p == '{' ? '}' : ']';
  c->p++;
  skip_space (c);
  if (c->p < c->end && *c->p == close)
    {
      c->p++;
      return TRUE;
    }

  while (TRUE)
    {
      if (close == '}')
        {
          skip_space (c);
          if (c->p >= c->end || *c->p != '"' || !check_string (c))
            return FALSE;
          skip_space (c);
          if (c->p >= c->end || *c->p != ':')
            return FALSE;
          c->p++;
        }
      if (!check_value (c, depth + 1))
        return FALSE;
      skip_space (c);
      if (c->p >= c->end)
        return FALSE;
      if (*c->p == close)
        {
          c->p++;
          return TRUE;
        }
      if (*c->p != ',')
        return FALSE;
      c->p++;
    }
}

/**
 * mw_json_load:
 * @parser: the parser to load into
 * @data: (array length=length): JSON text, as UTF-8
 * @length: its size in bytes
 * @error: return location for a #JSON_PARSER_ERROR
 *
 * Loads JSON that nobody checked. The text is checked against the JSON grammar first,
 * because json-glib 1.6 leaks memory on many of the ways it can be wrong, and because
 * it recurses once per nesting level: a document nested deeper than
 * %MW_JSON_MAX_DEPTH is refused before it can take the stack. And json-glib mishandles
 * an escaped surrogate that is not half of a pair (a lone "\ud800") and a "\u" with
 * fewer than four hex digits: it refuses the whole document, leaks memory or returns a
 * string that is not UTF-8. Such an escape is read as U+FFFD, so that one bad
 * character costs one character.
 *
 * Returns: %TRUE when @parser holds the document
 */
gboolean
mw_json_load (JsonParser  *parser,
              const char  *data,
              gsize        length,
              GError     **error)
{
  JsonCheck c = { data, data + length, data, NULL, FALSE };
  g_autoptr(GError) local_error = NULL;
  gboolean valid;

  /* json-glib skips a byte order mark, as some editors write one. */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    c.p += 3;

  valid = check_value (&c, 0);
  if (valid)
    {
      skip_space (&c);
      valid = c.p == c.end;
    }
  if (!valid)
    {
      guint line = 1;

      for (const char *p = data; p < c.p && p < c.end; p++)
        line += *p == '\n';
      if (c.fixed != NULL)
        g_string_free (c.fixed, TRUE);
      G_STATIC_ASSERT (MW_JSON_MAX_DEPTH == 64);
      if (c.too_deep)
        g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                             _("nested more than 64 levels deep"));
      else
        g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                     _("not valid JSON at line %u"), line);
      return FALSE;
    }

  if (c.fixed != NULL)
    {
      g_autoptr(GString) fixed = g_steal_pointer (&c.fixed);

      g_string_append_len (fixed, c.copied, c.end - c.copied);
      valid = json_parser_load_from_data (parser, fixed->str, (gssize) fixed->len, &local_error);
    }
  else
    {
      valid = json_parser_load_from_data (parser, data, (gssize) length, &local_error);
    }

  if (!valid)
    {
      /* Only the encoding is left to json-glib: the message is shown, so it must be
       * UTF-8 whatever json-glib quoted. */
      if (!g_utf8_validate (local_error->message, -1, NULL))
        {
          char *message = g_utf8_make_valid (local_error->message, -1);

          g_free (local_error->message);
          local_error->message = message;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return valid;
}

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

JsonArray *
mw_json_get_array (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* What went wrong */

static void
add_failure_object (JsonBuilder     *builder,
                    const MwFailure *failure)
{
  json_builder_begin_object (builder);
  mw_json_add_string (builder, "kind", mw_failure_kind_to_string (failure->kind));
  mw_json_add_string (builder, "host", failure->host);
  /* The rest only where they say something: no kind needs all of them. */
  if (failure->status != 0)
    mw_json_add_int (builder, "status", failure->status);
  if (failure->seconds != 0)
    mw_json_add_int (builder, "seconds", failure->seconds);
  if (failure->detail != NULL)
    mw_json_add_string (builder, "detail", failure->detail);
  if (failure->cause != NULL)
    {
      json_builder_set_member_name (builder, "cause");
      add_failure_object (builder, failure->cause);
    }
  json_builder_end_object (builder);
}

/* A failure as {"kind": "http-status", "host": "example.org", "status": 404}; NULL
 * becomes JSON null. */
void
mw_json_add_failure (JsonBuilder     *builder,
                     const char      *name,
                     const MwFailure *failure)
{
  json_builder_set_member_name (builder, name);
  if (failure != NULL)
    add_failure_object (builder, failure);
  else
    json_builder_add_null_value (builder);
}

static char *
dup_text (JsonObject *object,
          const char *name)
{
  const char *value = mw_json_get_string (object, name);

  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

/* Reads a failure written by this version or another: NULL for anything that does not
 * make a sentence, so that the plain message stands in. Its cause has no cause. */
static MwFailure *
get_failure_object (JsonNode *node,
                    gboolean  may_have_cause)
{
  MwFailure *failure;
  JsonObject *object;
  MwFailureKind kind;
  gint64 status;
  gint64 seconds;
  gboolean complete;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (!mw_failure_kind_from_string (mw_json_get_string (object, "kind"), &kind))
    return NULL;

  failure = g_new0 (MwFailure, 1);
  failure->kind = kind;
  failure->host = dup_text (object, "host");
  status = mw_json_get_int (object, "status", 0);
  if (status >= 100 && status <= 999)
    failure->status = (guint) status;
  seconds = mw_json_get_int (object, "seconds", 0);
  if (seconds > 0 && seconds <= G_MAXUINT)
    failure->seconds = (guint) seconds;
  failure->detail = dup_text (object, "detail");
  if (may_have_cause)
    failure->cause = get_failure_object (json_object_get_member (object, "cause"), FALSE);

  /* Without what its sentence needs, a kind says less than the message. */
  switch (kind)
    {
    case MW_FAILURE_HTTP_STATUS:
      complete = failure->status != 0;
      break;
    case MW_FAILURE_NO_PROGRESS:
      complete = failure->seconds != 0 && failure->cause != NULL;
      break;
    case MW_FAILURE_MESSAGE:
      complete = failure->detail != NULL;
      break;
    default:
      complete = TRUE;
      break;
    }
  if (!complete)
    g_clear_pointer (&failure, mw_failure_free);
  return failure;
}

MwFailure *
mw_json_get_failure (JsonObject *object,
                     const char *name)
{
  return get_failure_object (json_object_get_member (object, name), TRUE);
}

/* State files */

void
mw_json_begin_state (JsonBuilder             *builder,
                     const MwJsonStateFormat *format)
{
  json_builder_begin_object (builder);
  mw_json_add_string (builder, "format", format->name);
  mw_json_add_int (builder, "version", format->version);
  json_builder_set_member_name (builder, format->list);
  json_builder_begin_array (builder);
}

/* Ends the list mw_json_begin_state() began, and returns the document. */
char *
mw_json_end_state (JsonBuilder             *builder,
                   const MwJsonStateFormat *format,
                   gsize                   *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, format->indent);
  return json_generator_to_data (generator, length);
}

/**
 * mw_json_open_state:
 * @entries: (out) (transfer none): the list of entries, alive as long as @parser; %NULL
 *   when the file has none
 * @version: (out): the version the file claims, for %MW_JSON_STATE_TOO_NEW
 * @detail: where the document stops being JSON, for %MW_JSON_STATE_DAMAGED
 *
 * Checks the head of a state file (its JSON, format, version and list) in that order,
 * and tells which check it failed, if any.
 */
MwJsonStateFault
mw_json_open_state (JsonParser              *parser,
                    const char              *data,
                    gsize                    length,
                    const MwJsonStateFormat *format,
                    JsonArray              **entries,
                    gint64                  *version,
                    GError                 **detail)
{
  JsonNode *root_node;
  JsonObject *root;
  JsonNode *list;
  const char *name;

  *entries = NULL;
  *version = 0;

  if (length == 0)
    return MW_JSON_STATE_EMPTY;
  if (!mw_json_load (parser, data, length, detail))
    return MW_JSON_STATE_DAMAGED;

  /* Blank input parses, to no root at all. */
  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    return MW_JSON_STATE_FOREIGN;
  root = json_node_get_object (root_node);

  /* A file that does not name its format is read as this one. */
  name = mw_json_get_string (root, "format");
  if (name != NULL && !g_str_equal (name, format->name))
    return MW_JSON_STATE_FOREIGN;

  *version = mw_json_get_int (root, "version", -1);
  if (*version < 1)
    return MW_JSON_STATE_NO_VERSION;
  if (*version > format->version)
    return MW_JSON_STATE_TOO_NEW;

  list = json_object_get_member (root, format->list);
  if (list == NULL || JSON_NODE_HOLDS_NULL (list))
    return MW_JSON_STATE_READ;
  if (!JSON_NODE_HOLDS_ARRAY (list))
    return MW_JSON_STATE_NO_LIST;
  *entries = json_node_get_array (list);
  return MW_JSON_STATE_READ;
}

/**
 * mw_json_read_entries:
 * @array: (nullable): the entries, or %NULL for none
 * @read: makes one entry of each element, or %NULL to leave it out
 * @n_skipped: (inout) (optional): counts the elements left out, on top of its value
 *
 * Returns: (transfer full): what @read made of the elements, in their order
 */
GPtrArray *
mw_json_read_entries (JsonArray       *array,
                      MwJsonEntryFunc  read,
                      gpointer         user_data,
                      GDestroyNotify   free_entry,
                      guint           *n_skipped)
{
  guint n = array != NULL ? json_array_get_length (array) : 0;
  GPtrArray *entries = g_ptr_array_new_full (n, free_entry);

  for (guint i = 0; i < n; i++)
    {
      gpointer entry = read (json_array_get_element (array, i), user_data);

      if (entry != NULL)
        g_ptr_array_add (entries, entry);
      else if (n_skipped != NULL)
        (*n_skipped)++;
    }
  return entries;
}
