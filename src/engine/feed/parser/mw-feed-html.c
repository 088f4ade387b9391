/* mw-feed-html.c: addresses, HTML and plain text in feed fields
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-feed-html"

#include "config.h"

#include <string.h>

#include "mw-feed-text-private.h"
#include "mw-text.h"

/* Addresses */

/* The length of the scheme of @url including its ':', or 0 if it has none. */
static gsize
scheme_length (const char *url)
{
  const char *p = url;

  if (!g_ascii_isalpha (*p))
    return 0;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;

  return *p == ':' ? (gsize) (p - url) + 1 : 0;
}

/* Characters that cannot appear in a URL as they are. */
static gboolean
is_unsafe_url_char (guchar c)
{
  switch (c)
    {
    case '<':
    case '>':
    case '"':
    case '\\':
    case '{':
    case '}':
    case '|':
    case '^':
    case '`':
    case 0x7f:
      return TRUE;
    default:
      return c <= ' ';
    }
}

/* Checks that @url is an absolute http(s) address with a host, and returns a cleaned
 * copy: lowercase scheme, the characters that cannot appear in a URL percent-encoded. */
static char *
finish_http_url (const char *url)
{
  gsize scheme_len = scheme_length (url);
  const char *p;
  const char *host;
  GString *out;

  if (scheme_len == 0 ||
      !((scheme_len == 5 && g_ascii_strncasecmp (url, "http:", 5) == 0) ||
        (scheme_len == 6 && g_ascii_strncasecmp (url, "https:", 6) == 0)))
    return NULL;
  if (url[scheme_len] != '/' || url[scheme_len + 1] != '/')
    return NULL;

  host = url + scheme_len + 2;
  for (p = host; *p != '\0' && *p != '/' && *p != '?' && *p != '#'; p++)
    {
      if (is_unsafe_url_char (*p))
        return NULL;
    }
  if (p == host || strlen (url) > URL_MAX_BYTES || !g_utf8_validate (url, -1, NULL))
    return NULL;

  if (strncmp (url, scheme_len == 5 ? "http:" : "https:", scheme_len) == 0)
    {
      const char *rest = p;

      while (*rest != '\0' && !is_unsafe_url_char (*rest))
        rest++;
      if (*rest == '\0')
        return g_strdup (url);
    }

  out = g_string_sized_new (strlen (url) + 8);
  g_string_append (out, scheme_len == 5 ? "http://" : "https://");
  g_string_append_len (out, host, p - host);
  for (; *p != '\0'; p++)
    {
      const char *start = p;

      while (*p != '\0' && !is_unsafe_url_char (*p))
        p++;
      g_string_append_len (out, start, p - start);
      if (*p == '\0')
        break;
      g_string_append_printf (out, "%%%02X", (guchar) *p);
    }

  return g_string_free (out, FALSE);
}

/* Copies @ref without surrounding whitespace and without the line breaks and tabs that
 * pretty-printed feeds leave inside long addresses. */
static char *
clean_reference (const char *ref)
{
  GString *out;

  if (ref == NULL)
    return NULL;

  while (g_ascii_isspace (*ref))
    ref++;
  out = g_string_sized_new (strlen (ref) + 1);
  while (*ref != '\0')
    {
      gsize span = strcspn (ref, "\n\r\t");

      g_string_append_len (out, ref, span);
      ref += span;
      if (*ref != '\0')
        ref++;
    }
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

/* Whether @url has an authority (after "scheme://", or a leading "//") that GUri
 * copes with. g_uri_resolve_relative() runs into GLib criticals on odd inputs, like a
 * ';' in the host or a base without a host, and an xml:base can be anything; the
 * addresses that can lead to an http(s) link always have a plain host. */
static gboolean
has_sane_authority (const char *url)
{
  const char *p = url + scheme_length (url);
  const char *start;

  if (p[0] != '/' || p[1] != '/')
    return FALSE;

  start = p + 2;
  for (p = start; *p != '\0' && *p != '/' && *p != '?' && *p != '#'; p++)
    {
      if (*p == ';' || is_unsafe_url_char (*p))
        return FALSE;
    }

  return p > start;
}

/* Resolves @ref against @base, whatever the schemes. */
char *
_mw_feed_resolve_reference (const char *base,
                            const char *ref)
{
  g_autofree char *clean = clean_reference (ref);
  g_autofree char *clean_base = NULL;

  /* An empty reference means the base itself, which is never what an empty <link>
   * meant. */
  if (clean == NULL || *clean == '\0' || strlen (clean) > URL_MAX_BYTES)
    return NULL;
  if (scheme_length (clean) > 0)
    return g_steal_pointer (&clean);
  if (base == NULL)
    return NULL;

  /* The base is checked as GUri will read it, without the whitespace it ignores. */
  clean_base = clean_reference (base);
  if (scheme_length (clean_base) == 0 || !has_sane_authority (clean_base) ||
      (clean[0] == '/' && clean[1] == '/' && !has_sane_authority (clean)))
    return NULL;

  return g_uri_resolve_relative (clean_base, clean, G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED,
                                 NULL);
}

/* Resolves @ref against @base; returns an absolute http(s) URL or NULL. */
char *
_mw_feed_resolve_http_url (const char *base,
                           const char *ref)
{
  g_autofree char *resolved = NULL;

  if (ref == NULL)
    return NULL;

  /* Most links are already absolute and clean; they skip GUri, which is slow by
   * comparison, and copying. */
  while (g_ascii_isspace (*ref))
    ref++;
  if (g_ascii_strncasecmp (ref, "http://", 7) == 0 || g_ascii_strncasecmp (ref, "https://", 8) == 0)
    {
      gsize len = strlen (ref);
      g_autofree char *clean = NULL;

      if (strcspn (ref, "\t\n\r") == len && ref[len - 1] != ' ')
        return finish_http_url (ref);

      clean = clean_reference (ref);
      return finish_http_url (clean);
    }

  resolved = _mw_feed_resolve_reference (base, ref);
  if (resolved == NULL)
    return NULL;

  return finish_http_url (resolved);
}

void
_mw_feed_append_escaped (GString    *out,
                         const char *text,
                         gsize       len,
                         gboolean    attribute)
{
  const char *end = text + len;
  const char *start = text;

  for (const char *p = text; p < end; p++)
    {
      const char *entity;

      switch (*p)
        {
        case '&':
          entity = "&amp;";
          break;
        case '<':
          entity = "&lt;";
          break;
        case '>':
          entity = "&gt;";
          break;
        case '"':
          entity = attribute ? "&quot;" : NULL;
          break;
        default:
          entity = NULL;
          break;
        }
      if (entity == NULL)
        continue;
      g_string_append_len (out, start, p - start);
      g_string_append (out, entity);
      start = p + 1;
    }
  g_string_append_len (out, start, end - start);
}

static GString *decode_entities (const char *text,
                                 gsize       len);

static gboolean
is_url_attribute (const char *name,
                  gsize       len)
{
  return (len == 4 && g_ascii_strncasecmp (name, "href", 4) == 0) ||
         (len == 3 && g_ascii_strncasecmp (name, "src", 3) == 0) ||
         (len == 6 && g_ascii_strncasecmp (name, "poster", 6) == 0);
}

/* Makes the href, src and poster addresses in @html absolute, so that the article
 * shows its pictures and its links work wherever it is displayed. Returns NULL when
 * nothing needed to change. */
char *
_mw_feed_absolutize_html (const char *html,
                          const char *base)
{
  g_autoptr(GString) out = NULL;
  const char *copied = html;
  const char *p = html;
  gsize limit = 0;

  if (base == NULL)
    return NULL;

  while ((p = strchr (p, '<')) != NULL)
    {
      p++;
      if (!g_ascii_isalpha (*p))
        continue;
      while (*p != '\0' && !g_ascii_isspace (*p) && *p != '>' && *p != '/')
        p++;

      for (;;)
        {
          const char *name;
          gsize name_len;
          const char *value;
          const char *value_end;
          const char *attr_end;

          while (g_ascii_isspace (*p) || *p == '/')
            p++;
          if (*p == '\0' || *p == '>')
            break;

          name = p;
          while (*p != '\0' && !g_ascii_isspace (*p) && *p != '=' && *p != '>' && *p != '/')
            p++;
          name_len = p - name;
          while (g_ascii_isspace (*p))
            p++;
          if (*p != '=')
            continue;
          p++;
          while (g_ascii_isspace (*p))
            p++;

          if (*p == '"' || *p == '\'')
            {
              const char *close = strchr (p + 1, *p);

              value = p + 1;
              value_end = close != NULL ? close : value + strlen (value);
              attr_end = close != NULL ? close + 1 : value_end;
            }
          else
            {
              value = p;
              while (*p != '\0' && !g_ascii_isspace (*p) && *p != '>')
                p++;
              value_end = attr_end = p;
            }
          p = attr_end;

          if (is_url_attribute (name, name_len) && value_end > value)
            {
              g_autoptr(GString) decoded = decode_entities (value, value_end - value);
              g_autofree char *absolute = NULL;
              const char *start = decoded->str;

              while (g_ascii_isspace (*start))
                start++;
              if (*start == '#' || *start == '\0' || scheme_length (start) > 0)
                continue;
              absolute = _mw_feed_resolve_http_url (base, start);
              if (absolute == NULL)
                continue;

              if (out == NULL)
                {
                  /* Many tiny relative links under a long base could otherwise
                   * multiply the size. */
                  limit = 2 * strlen (html) + 4096;
                  out = g_string_sized_new (strlen (html) + 256);
                }
              if (out->len + strlen (absolute) > limit)
                return NULL;
              g_string_append_len (out, copied, name + name_len - copied);
              g_string_append (out, "=\"");
              _mw_feed_append_escaped (out, absolute, strlen (absolute), TRUE);
              g_string_append_c (out, '"');
              copied = attr_end;
            }
        }
    }

  if (out == NULL)
    return NULL;

  g_string_append (out, copied);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Plain text */

/* Appends the entity or character reference at @p (just after '&') to @out if it is
 * one, and returns where it ends; returns NULL if it is not a reference. */
static const char *
append_reference (GString    *out,
                  const char *p,
                  const char *end)
{
  const char *q = p;
  gunichar value;

  if (q < end && *q == '#')
    {
      q = _mw_feed_read_char_reference (q, end, &value);
      if (q == NULL)
        return NULL;
      value = _mw_feed_fix_c1 (value);
      if (out != NULL && _mw_feed_is_xml_char (value))
        g_string_append_unichar (out, value);
      return q;
    }

  if (q < end && g_ascii_isalpha (*q))
    {
      const char *name = q;
      gunichar c;

      while (q < end && g_ascii_isalnum (*q) && q - name < 32)
        q++;
      if (q >= end || *q != ';')
        return NULL;
      if (q - name == 4 && memcmp (name, "apos", 4) == 0)
        c = '\'';
      else
        c = _mw_feed_html_entity_lookup (name, q - name);
      if (c == 0)
        return NULL;
      if (out != NULL)
        g_string_append_unichar (out, c);
      return q + 1;
    }

  return NULL;
}

/* Decodes HTML entity and character references once. */
static GString *
decode_entities (const char *text,
                 gsize       len)
{
  GString *out = g_string_sized_new (len);
  const char *end = text + len;
  const char *p = text;

  while (p < end)
    {
      const char *amp = memchr (p, '&', end - p);
      const char *after;

      if (amp == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }
      g_string_append_len (out, p, amp - p);
      after = append_reference (out, amp + 1, end);
      if (after == NULL)
        {
          g_string_append_c (out, '&');
          after = amp + 1;
        }
      p = after;
    }

  return out;
}

/* Tags that change how a few words look; titles that contain them escaped were
 * escaped once too often. Other tags get a space when stripped, so that block
 * elements do not glue words together. */
static gboolean
is_inline_tag (const char *name,
               gsize       len)
{
  static const char * const inline_tags[] = {
    "a", "abbr", "acronym", "b", "big", "cite", "code", "del", "dfn", "em", "font", "i",
    "img", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong",
    "sub", "sup", "tt", "u", "var",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inline_tags); i++)
    {
      if (strlen (inline_tags[i]) == len && g_ascii_strncasecmp (name, inline_tags[i], len) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Where the tag at @p ('<') ends, and its name, or NULL if @p does not start a tag.
 * @next_gt caches the next '>' between calls on one string, which keeps scanning text
 * full of '<' linear. Start it at NULL. */
static const char *
find_tag (const char  *p,
          const char **name,
          gsize       *name_len,
          gboolean    *closing,
          const char **next_gt)
{
  const char *q = p + 1;

  *closing = *q == '/';
  if (*closing)
    q++;
  *name = q;
  while (g_ascii_isalnum (*q))
    q++;
  *name_len = q - *name;

  if (*name_len == 0 && !(*p == '<' && (p[1] == '!' || p[1] == '?')))
    return NULL;
  if (*name_len > 0 && !g_ascii_isalpha (**name))
    return NULL;
  if (*name_len > 0 && *q != '\0' && !g_ascii_isspace (*q) && *q != '>' && *q != '/')
    return NULL;

  if (*next_gt == NULL || (**next_gt != '\0' && *next_gt < q))
    {
      const char *gt = strchr (q, '>');

      *next_gt = gt != NULL ? gt : q + strlen (q);
    }

  return **next_gt == '>' ? *next_gt + 1 : NULL;
}

static gboolean
looks_escaped (const char *text)
{
  const char *end = text + strlen (text);
  const char *next_gt = NULL;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '&' && append_reference (NULL, p + 1, end) != NULL)
        return TRUE;
      if (*p == '<')
        {
          const char *name;
          gsize name_len;
          gboolean closing;

          if (find_tag (p, &name, &name_len, &closing, &next_gt) != NULL &&
              is_inline_tag (name, name_len))
            return TRUE;
        }
    }

  return FALSE;
}

static char *
strip_tags (const char *text,
            MarkupMode  mode)
{
  GString *out = g_string_sized_new (strlen (text));
  const char *next_gt = NULL;
  const char *p = text;

  while (*p != '\0')
    {
      const char *lt = strchr (p, '<');
      const char *name;
      gsize name_len;
      gboolean closing;
      const char *after;

      if (lt == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, lt - p);
      p = lt + 1;

      after = find_tag (lt, &name, &name_len, &closing, &next_gt);
      if (after == NULL)
        {
          g_string_append_c (out, '<');
          continue;
        }
      if (mode == MARKUP_INLINE_TAGS && !is_inline_tag (name, name_len))
        {
          g_string_append_c (out, '<');
          continue;
        }

      p = after;
      if (mode == MARKUP_HTML && !closing &&
          ((name_len == 6 && g_ascii_strncasecmp (name, "script", 6) == 0) ||
           (name_len == 5 && g_ascii_strncasecmp (name, "style", 5) == 0)))
        {
          /* Their text is code, not words. */
          const char *close = p;

          while ((close = strstr (close, "</")) != NULL &&
                 g_ascii_strncasecmp (close + 2, name, name_len) != 0)
            close += 2;
          p = close != NULL ? close : p + strlen (p);
          continue;
        }
      if (!is_inline_tag (name, name_len))
        g_string_append_c (out, ' ');
    }

  return g_string_free (out, FALSE);
}

/* Whether @text is one line of plain text already, as most titles are. */
static gboolean
is_clean_line (const char *text,
               gsize       max)
{
  const guchar *p = (const guchar *) text;
  guchar previous = ' ';

  for (; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c < 0x20 || c == 0x7f || (c == ' ' && previous == ' ') ||
          (c == 0xc2 && p[1] <= 0x9f) ||
          (c == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)))
        return FALSE;
      previous = c;
    }

  return previous != ' ' && (gsize) (p - (const guchar *) text) <= max;
}

/* Turns @text into one line of plain text: markup handled as @mode says, whitespace
 * runs made single spaces, control characters dropped, at most @max bytes. */
char *
_mw_feed_clean_plain_text (const char *text,
                           MarkupMode  mode,
                           gsize       max)
{
  g_autofree char *stripped = NULL;
  g_autoptr(GString) decoded = NULL;
  GString *out;
  gboolean pending_space = FALSE;

  if (text == NULL)
    return NULL;

  if (mode != MARKUP_NONE)
    {
      stripped = strip_tags (text, mode);
      decoded = decode_entities (stripped, strlen (stripped));
      text = decoded->str;
    }
  else if (is_clean_line (text, max))
    {
      return g_strdup (text);
    }

  /* Byte by byte, as this runs on every title, author and id. */
  out = g_string_sized_new (MIN (strlen (text), max) + 1);
  for (const guchar *p = (const guchar *) text; *p != '\0' && out->len <= max;)
    {
      guchar c = *p;
      gsize seq = 1;

      if (c >= 0x80)
        {
          seq = g_utf8_skip[c];
          for (gsize i = 1; i < seq; i++)
            {
              if ((p[i] & 0xc0) != 0x80)
                {
                  seq = 0;
                  break;
                }
            }
          if (seq <= 1)
            {
              /* Not UTF-8 after all; cannot happen with our inputs, but never read
               * past the end because of it. */
              p++;
              continue;
            }
        }

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
          (c == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)))
        {
          /* ASCII whitespace, and the Unicode line and paragraph separators. */
          pending_space = out->len > 0;
          p += seq;
          continue;
        }
      if (c < 0x20 || c == 0x7f || (c == 0xc2 && p[1] <= 0x9f))
        {
          /* Control characters, C1 ones included. */
          p += seq;
          continue;
        }
      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_len (out, (const char *) p, seq);
      p += seq;
    }
  _mw_feed_string_truncate_utf8 (out, max);
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

/* Titles are plain text. RSS never said whether its titles hold HTML, so escaped
 * markup in one ("&lt;b&gt;", "&amp;amp;") is decoded when it looks deliberate. */
char *
_mw_feed_clean_title (const char *text,
                      gboolean    is_html,
                      gsize       max)
{
  MarkupMode mode;

  if (text == NULL)
    return NULL;

  if (is_html)
    mode = MARKUP_HTML;
  else if (looks_escaped (text))
    mode = MARKUP_INLINE_TAGS;
  else
    mode = MARKUP_NONE;

  return _mw_feed_clean_plain_text (text, mode, max);
}

/* "jane@example.com (Jane Doe)", RSS's form, shows as "Jane Doe". */
char *
_mw_feed_clean_author (const char *text)
{
  g_autofree char *clean = _mw_feed_clean_title (text, FALSE, TITLE_MAX_BYTES);
  const char *open;
  gsize len;

  if (clean == NULL)
    return NULL;

  len = strlen (clean);
  open = strchr (clean, '(');
  if (open != NULL && open > clean && clean[len - 1] == ')' &&
      memchr (clean, '@', open - clean) != NULL &&
      memchr (clean, ' ', open - clean - 1) == NULL)
    {
      g_autofree char *name = g_strndup (open + 1, clean + len - 1 - (open + 1));

      return _mw_feed_clean_plain_text (name, MARKUP_NONE, TITLE_MAX_BYTES);
    }

  return g_steal_pointer (&clean);
}

/* HTML or text as published, without surrounding whitespace. */
char *
_mw_feed_finish_body (char *text)
{
  gsize len;

  if (text == NULL)
    return NULL;

  /* Cut between characters, the text stays valid UTF-8 (JSON strings were checked
   * when read, XML is valid after repair). */
  len = mw_text_cut_utf8 (text, strnlen (text, HTML_MAX_BYTES + 1), HTML_MAX_BYTES);
  return _mw_feed_trim_or_null (text, len);
}
