/* mw-demo-ranges.c: which bytes of a resource a request asks for, with Range and If-Range
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs in the server thread, on resources that never change.
 */
#define G_LOG_DOMAIN "mw-demo-ranges"

#include "config.h"

#include <string.h>

#include "mw-demo-server-private.h"

static const char *
skip_spaces (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

static gboolean
parse_number (const char **p,
              guint64     *out)
{
  const char *s = *p;
  guint64 value = 0;

  if (!g_ascii_isdigit (*s))
    return FALSE;
  while (g_ascii_isdigit (*s))
    {
      guint digit = (guint) (*s - '0');

      if (value > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      value = value * 10 + digit;
      s++;
    }
  *out = value;
  *p = s;
  return TRUE;
}

/* If-Range asks for the range only if the client's copy is still current; weak
 * validators never qualify (RFC 9110, 13.1.5). */
static gboolean
if_range_matches (const Resource *resource,
                  const char     *if_range)
{
  g_autoptr(GDateTime) date = NULL;

  if (if_range[0] == '"')
    return g_strcmp0 (if_range, resource->etag) == 0;
  if (g_str_has_prefix (if_range, "W/"))
    return FALSE;

  date = soup_date_time_new_from_http_string (if_range);
  return date != NULL && g_date_time_equal (date, resource->modified);
}

/* Reads a single byte range. Anything else (several ranges, other units, nonsense) is
 * answered with the whole body, which RFC 9110 allows and every client understands. */
RangeAnswer
_mw_demo_choose_range (const Resource     *resource,
                       SoupMessageHeaders *request,
                       guint64            *start,
                       guint64            *end)
{
  const char *range = soup_message_headers_get_one (request, "Range");
  const char *if_range = soup_message_headers_get_one (request, "If-Range");
  guint64 size = resource->size;
  guint64 first, last = G_MAXUINT64;
  const char *p;

  *start = 0;
  *end = size;

  if (range == NULL)
    return RANGE_NONE;
  /* A changed resource comes back whole, so no client glues two versions together. */
  if (if_range != NULL && !if_range_matches (resource, if_range))
    return RANGE_NONE;

  p = skip_spaces (range);
  if (g_ascii_strncasecmp (p, "bytes", 5) != 0)
    return RANGE_NONE;
  p = skip_spaces (p + 5);
  if (*p != '=' || strchr (p, ',') != NULL)
    return RANGE_NONE;
  p = skip_spaces (p + 1);

  if (*p == '-')
    {
      guint64 suffix;

      p++;
      if (!parse_number (&p, &suffix) || *skip_spaces (p) != '\0')
        return RANGE_NONE;
      if (suffix == 0 || size == 0)
        return RANGE_UNSATISFIABLE;
      *start = size - MIN (suffix, size);
      return RANGE_PARTIAL;
    }

  if (!parse_number (&p, &first))
    return RANGE_NONE;
  p = skip_spaces (p);
  if (*p++ != '-')
    return RANGE_NONE;
  p = skip_spaces (p);
  if (*p != '\0' && (!parse_number (&p, &last) || last < first))
    return RANGE_NONE;
  if (*skip_spaces (p) != '\0')
    return RANGE_NONE;

  if (first >= size)
    return RANGE_UNSATISFIABLE;
  *start = first;
  *end = MIN (last, size - 1) + 1;
  return RANGE_PARTIAL;
}
