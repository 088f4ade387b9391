/* mw-url.c: addresses and short texts from documents nobody checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the readers of HTML pages and OPML files, so that both accept the same
 * addresses and compare them the same way.
 */
#define G_LOG_DOMAIN "mw-url"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mw-url.h"

/* Prepares an href for GUri the way browsers read it: tabs and newlines are dropped,
 * surrounding spaces trimmed, and bytes that may not appear in a URI (spaces, quotes,
 * non-ASCII) percent-encoded, as is a '%' that starts no escape. */
static char *
clean_url_text (const char *text)
{
  static const char allowed[] = "-._~:/?#[]@!$&'()*+,;=";
  GString *out;
  const char *start = text;
  const char *end = text + strlen (text);

  while (start < end && (guchar) *start <= ' ')
    start++;
  while (end > start && (guchar) end[-1] <= ' ')
    end--;

  out = g_string_sized_new (end - start);
  for (; start < end; start++)
    {
      guchar c = *start;

      if (c == '\t' || c == '\n' || c == '\r')
        continue;

      if (g_ascii_isalnum (c) || (c != '\0' && strchr (allowed, c) != NULL) ||
          (c == '%' && end - start > 2 &&
           g_ascii_isxdigit (start[1]) && g_ascii_isxdigit (start[2])))
        g_string_append_c (out, c);
      else
        g_string_append_printf (out, "%%%02X", c);
    }

  return g_string_free (out, FALSE);
}

/* GUri decodes a percent-encoded host, and would let control characters through. After
 * its IDN conversion a usable host is an IP address or plain ASCII name. */
static gboolean
is_valid_host (const char *host)
{
  const char *p;

  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;

  for (p = host; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
        return FALSE;
    }

  return TRUE;
}

/* Resolves @text against @base (which may be NULL) and returns the absolute http(s) URL
 * in a normal form (lowercase scheme and host, no default port, "/" for an empty path),
 * so that equal addresses compare equal; or NULL for anything else. */
char *
mw_url_resolve_http (GUri       *base,
                  const char *text)
{
  const GUriFlags flags = G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE;
  g_autofree char *cleaned = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) lowered = NULL;
  const char *scheme;

  if (text == NULL)
    return NULL;

  cleaned = clean_url_text (text);
  if (*cleaned == '\0')
    return NULL;

  uri = g_uri_parse_relative (base, cleaned, flags, NULL);
  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return NULL;
  if (!is_valid_host (g_uri_get_host (uri)))
    return NULL;

  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  lowered = g_uri_build (flags, scheme, g_uri_get_userinfo (uri), host, g_uri_get_port (uri),
                         g_uri_get_path (uri), g_uri_get_query (uri), g_uri_get_fragment (uri));

  return g_uri_to_string (lowered);
}

/* The one rule for addresses Meanwhile fetches, whether typed, pasted, or read back from
 * a state file: http or https, with a host. Escapes are taken as they are. The error is
 * in the %G_URI_ERROR domain: %G_URI_ERROR_BAD_HOST for what is no address at all,
 * %G_URI_ERROR_BAD_SCHEME for an address of another kind; callers may put it in their
 * own words. */
gboolean
mw_url_check_http (const char  *url,
                   GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  uri = url ? g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL) : NULL;
  host = uri ? g_uri_get_host (uri) : NULL;
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, G_URI_ERROR, G_URI_ERROR_BAD_HOST,
                   _("“%s” is not a web address."), url ? url : "");
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, G_URI_ERROR, G_URI_ERROR_BAD_SCHEME,
                   _("Meanwhile can only use web addresses (http and https), not “%s:” ones."),
                   scheme);
      return FALSE;
    }
  return TRUE;
}

/* Trims a title and turns every run of white space and control characters into one
 * space, so that titles wrapped across lines in the source read as one line, and cuts it at
 * MAX_CHARS characters. */
char *
mw_text_clean_line (const char *text,
                    guint       max_chars)
{
  g_autofree char *valid = NULL;
  GString *out;
  gboolean pending_space = FALSE;
  guint n_chars = 0;
  const char *p;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  out = g_string_new (NULL);
  for (p = valid; *p != '\0' && n_chars < max_chars; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          pending_space = out->len > 0;
          continue;
        }

      if (pending_space)
        {
          /* A space only with a character after it, both within the limit. */
          if (n_chars + 2 > max_chars)
            break;
          g_string_append_c (out, ' ');
          n_chars++;
          pending_space = FALSE;
        }
      g_string_append_unichar (out, c);
      n_chars++;
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}
