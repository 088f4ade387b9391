/* mw-filename.c: naming downloaded files safely
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-filename"

#include "config.h"

#include <string.h>

#include "mw-filename.h"
#include "mw-text.h"

/* Longer "extensions", and ones with spaces, are more likely the tail of a sentence
 * ("Release 2.0 notes") than something a file manager would use to pick an application. */
#define EXTENSION_MAX_BYTES 16

/* Compressed tarballs are opened by their double extension; "foo.tar (1).gz" would be
 * shown as an unknown gzip file. */
static const char * const tar_compressions[] = { "gz", "xz", "bz2", "zst", "lz", "Z" };

static inline gboolean
is_http_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *
skip_http_space (const char *p)
{
  while (is_http_space (*p))
    p++;

  return p;
}

static gboolean
ascii_equal_n (const char *str,
               gsize       len,
               const char *literal)
{
  return len == strlen (literal) && g_ascii_strncasecmp (str, literal, len) == 0;
}

static gboolean
is_trimmable (gunichar c)
{
  return c == '.' || g_unichar_isspace (c);
}

/* Shortens @len so that the valid UTF-8 string @str does not end in dots or spaces,
 * which some file systems drop silently and which hide the real end of a name. */
static gsize
utf8_trim_end (const char *str,
               gsize       len)
{
  while (len > 0)
    {
      const char *prev = g_utf8_find_prev_char (str, str + len);

      if (prev == NULL || !is_trimmable (g_utf8_get_char (prev)))
        break;
      len = prev - str;
    }

  return len;
}

static gsize
utf8_trim_end_space (const char *str,
                     gsize       len)
{
  while (len > 0)
    {
      const char *prev = g_utf8_find_prev_char (str, str + len);

      if (prev == NULL || !g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      len = prev - str;
    }

  return len;
}

/* Returns the offset where the extension of @name starts, or @len if it has none. A
 * leading dot never starts an extension: ".bashrc" is all stem. */
static gsize
find_extension (const char *name,
                gsize       len)
{
  gsize dot = len;
  gsize i;
  const char *ext;
  gsize ext_len;

  /* Looking back at most EXTENSION_MAX_BYTES keeps this constant-time on huge names. */
  for (i = len; i > 0 && len - i < EXTENSION_MAX_BYTES; i--)
    {
      char c = name[i - 1];

      if (c == '.')
        {
          dot = i - 1;
          break;
        }
      if (g_ascii_isspace (c))
        return len;
    }

  if (dot == len || dot == 0 || dot + 1 == len)
    return len;

  ext = name + dot + 1;
  ext_len = len - dot - 1;
  for (i = 0; i < G_N_ELEMENTS (tar_compressions); i++)
    {
      if (ascii_equal_n (ext, ext_len, tar_compressions[i]))
        {
          if (dot > 4 && g_ascii_strncasecmp (name + dot - 4, ".tar", 4) == 0)
            return dot - 4;
          break;
        }
    }

  return dot;
}

/* Content-Disposition */

/* Reads the rest of a quoted-string whose opening quote was already consumed. A missing
 * closing quote is tolerated: servers that forget it still meant the text up to the end. */
static const char *
read_quoted_string (const char *p,
                    GString    *value)
{
  while (*p != '\0' && *p != '"')
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      g_string_append_c (value, *p);
      p++;
    }

  if (*p == '"')
    p++;

  return p;
}

typedef enum
{
  PARAM_OTHER,
  PARAM_FILENAME,
  PARAM_FILENAME_EXT,
} ParamKind;

static ParamKind
classify_param (const char *name,
                const char *end)
{
  const char *start;

  while (end > name && is_http_space (end[-1]))
    end--;

  /* Accept "attachment filename=x" as well, where a ';' went missing. */
  start = end;
  while (start > name && !is_http_space (start[-1]))
    start--;

  if (ascii_equal_n (start, end - start, "filename"))
    return PARAM_FILENAME;
  if (ascii_equal_n (start, end - start, "filename*"))
    return PARAM_FILENAME_EXT;

  return PARAM_OTHER;
}

/* Decodes an RFC 8187 ext-value (charset'language'pct-encoded). Returns NULL when it is
 * unusable, so that the caller falls back to the plain filename parameter. */
static char *
decode_ext_value (const char *value)
{
  const char *charset_end;
  const char *language_end;
  const char *p;
  gboolean is_utf8;
  g_autoptr(GString) bytes = NULL;

  charset_end = strchr (value, '\'');
  if (charset_end == NULL)
    return NULL;
  language_end = strchr (charset_end + 1, '\'');
  if (language_end == NULL)
    return NULL;

  if (ascii_equal_n (value, charset_end - value, "UTF-8"))
    is_utf8 = TRUE;
  else if (ascii_equal_n (value, charset_end - value, "ISO-8859-1"))
    is_utf8 = FALSE;
  else
    return NULL;

  bytes = g_string_new (NULL);
  for (p = language_end + 1; *p != '\0'; p++)
    {
      if (*p == '%')
        {
          guchar byte;

          if (!g_ascii_isxdigit (p[1]) || !g_ascii_isxdigit (p[2]))
            return NULL;
          byte = (g_ascii_xdigit_value (p[1]) << 4) | g_ascii_xdigit_value (p[2]);
          /* A NUL would silently cut the name short; "evil.exe%00.pdf" must not become
           * "evil.exe" behind the user's back. */
          if (byte == 0)
            return NULL;
          g_string_append_c (bytes, (char) byte);
          p += 2;
        }
      else
        {
          g_string_append_c (bytes, *p);
        }
    }

  if (bytes->len == 0)
    return NULL;

  if (is_utf8)
    {
      if (!g_utf8_validate (bytes->str, bytes->len, NULL))
        return NULL;
      return g_string_free (g_steal_pointer (&bytes), FALSE);
    }

  return g_convert (bytes->str, bytes->len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
}

/* The plain parameter carries whatever bytes the server had: UTF-8 from most, the
 * Windows code page from old IIS setups. */
static char *
plain_value_to_utf8 (const GString *value)
{
  char *converted;

  if (g_utf8_validate (value->str, value->len, NULL))
    return g_strndup (value->str, value->len);

  converted = g_convert (value->str, value->len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
  if (converted == NULL)
    converted = g_convert (value->str, value->len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  if (converted == NULL)
    converted = g_utf8_make_valid (value->str, value->len);

  return converted;
}

/**
 * mw_content_disposition_get_filename:
 * @header: (nullable): the value of a Content-Disposition header
 *
 * Finds the file name a server suggests, following RFC 6266 but forgiving the many
 * ways real servers get it wrong. `filename*` is preferred over `filename`; for each
 * of them only the first occurrence counts.
 *
 * The name is not sanitised: pass it through mw_filename_sanitize() before use.
 *
 * Returns: (transfer full) (nullable): the suggested name as UTF-8, or %NULL
 */
char *
mw_content_disposition_get_filename (const char *header)
{
  g_autoptr(GString) plain = NULL;
  g_autoptr(GString) extended = NULL;
  const char *p;

  if (header == NULL)
    return NULL;

  p = header;
  while (*p != '\0')
    {
      const char *name;
      const char *name_end;
      GString *value;
      ParamKind kind;

      p = skip_http_space (p);
      name = p;
      while (*p != '\0' && *p != ';' && *p != '=')
        p++;
      name_end = p;

      if (*p != '=')
        {
          /* The disposition type, or a stray token. */
          if (*p == ';')
            p++;
          continue;
        }

      p = skip_http_space (p + 1);
      value = g_string_new (NULL);
      if (*p == '"')
        {
          p = read_quoted_string (p + 1, value);
          while (*p != '\0' && *p != ';')
            p++;
        }
      else
        {
          const char *start = p;
          const char *end;

          while (*p != '\0' && *p != ';')
            p++;
          end = p;
          while (end > start && is_http_space (end[-1]))
            end--;
          g_string_append_len (value, start, end - start);
        }

      if (*p == ';')
        p++;

      kind = classify_param (name, name_end);
      if (kind == PARAM_FILENAME && plain == NULL)
        plain = value;
      else if (kind == PARAM_FILENAME_EXT && extended == NULL)
        extended = value;
      else
        g_string_free (value, TRUE);
    }

  if (extended != NULL)
    {
      char *decoded = decode_ext_value (extended->str);

      if (decoded != NULL)
        return decoded;
    }

  if (plain != NULL && plain->len > 0)
    return plain_value_to_utf8 (plain);

  return NULL;
}

/* Sanitising */

static gboolean
is_unwanted_char (gunichar c)
{
  /* Controls break terminals and dialogs. The bidi controls can make "invoice<RLO>fdp.exe"
   * display as "invoiceexe.pdf"; U+061C, the Arabic letter mark, is one of them too. */
  return c < 0x20 ||
         (c >= 0x7f && c <= 0x9f) ||
         c == 0x061c ||
         c == 0x200e || c == 0x200f ||
         (c >= 0x202a && c <= 0x202e) ||
         (c >= 0x2066 && c <= 0x2069);
}

static gboolean
is_forbidden_char (gunichar c)
{
  /* Not valid on FAT, exFAT and NTFS, which USB sticks and shared folders still use. */
  switch (c)
    {
    case '<':
    case '>':
    case ':':
    case '"':
    case '|':
    case '?':
    case '*':
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * mw_filename_sanitize:
 * @name: (nullable): a proposed file name, in any encoding
 *
 * Turns @name into something that can be created inside the download folder and only
 * there: path components are dropped, invisible and troublesome characters removed, and
 * the result is at most %MW_FILENAME_MAX_BYTES bytes, keeping the extension when it has
 * to shorten the name.
 *
 * Returns: (transfer full) (nullable): a safe UTF-8 file name, or %NULL if nothing
 *   usable is left
 */
char *
mw_filename_sanitize (const char *name)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) out = NULL;
  const char *base;
  const char *p;
  const char *start;
  gsize len;
  gsize ext;
  gsize stem_len;

  if (name == NULL)
    return NULL;

  if (!g_utf8_validate (name, -1, NULL))
    {
      valid = g_utf8_make_valid (name, -1);
      name = valid;
    }

  /* Both separators: a name made on Windows must not climb out of the folder either. */
  base = name;
  for (p = name; *p != '\0'; p++)
    {
      if (*p == '/' || *p == '\\')
        base = p + 1;
    }

  out = g_string_new (NULL);
  for (p = base; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_unwanted_char (c))
        continue;
      if (is_forbidden_char (c))
        g_string_append_c (out, '_');
      else
        g_string_append_unichar (out, c);
    }

  /* Leading dots would hide the file (and "." and ".." are not files at all). */
  start = out->str;
  while (*start != '\0' && is_trimmable (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  g_string_erase (out, 0, start - out->str);
  g_string_truncate (out, utf8_trim_end (out->str, out->len));

  if (out->len == 0)
    return NULL;

  if (out->len <= MW_FILENAME_MAX_BYTES)
    return g_string_free (g_steal_pointer (&out), FALSE);

  len = out->len;
  ext = find_extension (out->str, len);
  stem_len = mw_text_cut_utf8 (out->str, ext, MW_FILENAME_MAX_BYTES - (len - ext));
  stem_len = utf8_trim_end (out->str, stem_len);
  /* The stem starts with neither a dot nor a space, so something of it survives. */
  g_assert (stem_len > 0);
  g_string_erase (out, stem_len, ext - stem_len);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* From URIs */

static char *
name_from_segment (const char *segment,
                   const char *end)
{
  g_autofree char *decoded = NULL;
  g_autofree char *raw = NULL;

  /* g_uri_unescape_segment() refuses %00 and broken escapes; the raw text is still a
   * better name than none. */
  decoded = g_uri_unescape_segment (segment, end, NULL);
  if (decoded != NULL && g_utf8_validate (decoded, -1, NULL))
    return mw_filename_sanitize (decoded);

  raw = g_strndup (segment, end - segment);
  return mw_filename_sanitize (raw);
}

/**
 * mw_filename_from_uri:
 * @uri: (nullable): an absolute URI, usually http or https
 *
 * Guesses a file name from the address of a download: the last path segment that
 * makes a usable name, or else the host name.
 *
 * Returns: (transfer full) (nullable): a sanitised file name, or %NULL if @uri cannot
 *   be parsed or has no usable host
 */
char *
mw_filename_from_uri (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  const char *host;
  const char *path;
  const char *end;

  if (uri == NULL)
    return NULL;

  /* Keep the path encoded so that "%2F" inside a segment does not split it. */
  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED, NULL);
  if (parsed == NULL)
    return NULL;

  host = g_uri_get_host (parsed);
  if (host == NULL || *host == '\0')
    return NULL;

  path = g_uri_get_path (parsed);
  end = path + strlen (path);
  while (end > path)
    {
      const char *segment;
      char *name;

      while (end > path && end[-1] == '/')
        end--;
      segment = end;
      while (segment > path && segment[-1] != '/')
        segment--;
      if (segment == end)
        break;

      name = name_from_segment (segment, end);
      if (name != NULL)
        return name;
      end = segment;
    }

  return mw_filename_sanitize (host);
}

/**
 * mw_filename_with_index:
 * @name: a file name, normally from mw_filename_sanitize()
 * @index: 0 for @name itself, otherwise the number to add
 *
 * Makes the names tried in turn when @name is already taken, the way file managers
 * do: "report.pdf", "report (1).pdf", "report (2).pdf". Compressed tarballs keep their
 * double extension. The result still fits %MW_FILENAME_MAX_BYTES bytes.
 *
 * Returns: (transfer full): the name to try
 */
char *
mw_filename_with_index (const char *name,
                        guint       index)
{
  g_autofree char *valid = NULL;
  char suffix[32];
  gsize suffix_len;
  gsize len;
  gsize ext;
  gsize stem_len;
  gsize budget;
  GString *out;

  g_return_val_if_fail (name != NULL, NULL);

  if (index == 0)
    return g_strdup (name);

  if (!g_utf8_validate (name, -1, NULL))
    {
      valid = g_utf8_make_valid (name, -1);
      name = valid;
    }

  len = strlen (name);
  ext = find_extension (name, len);
  stem_len = ext;

  /* Extensions are short and the suffix at most " (4294967295)", so the budget stays
   * well above zero. */
  suffix_len = g_snprintf (suffix, sizeof suffix, " (%u)", index);
  budget = MW_FILENAME_MAX_BYTES - suffix_len - (len - ext);
  if (stem_len > budget)
    {
      stem_len = mw_text_cut_utf8 (name, stem_len, budget);
      stem_len = utf8_trim_end_space (name, stem_len);
    }

  out = g_string_sized_new (stem_len + suffix_len + (len - ext));
  g_string_append_len (out, name, stem_len);
  /* Without a stem, a leading space would be stripped by the next sanitising anyway. */
  g_string_append (out, stem_len > 0 ? suffix : suffix + 1);
  g_string_append_len (out, name + ext, len - ext);

  return g_string_free (out, FALSE);
}
