/* mw-feed-text.c: characters, entities and decoding feed documents to UTF-8
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-feed-text"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "mw-feed-text-private.h"
#include "mw-text.h"

/* Characters and entities */

/* Windows-1252 for 0x80..0x9f; 0 where it defines nothing. Feeds that claim Latin-1 mean
 * this, and numeric references to 128..159 ("&#146;") are these characters too. */
static const gunichar windows_1252_c1[32] = {
  0x20ac, 0x0000, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
  0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0000, 0x017d, 0x0000,
  0x0000, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x0000, 0x017e, 0x0178,
};

typedef struct
{
  const char *name;
  gunichar    code;
} HtmlEntity;

/* The HTML 4 named entities, sorted by strcmp() for a binary search. */
static const HtmlEntity html_entities[] = {
  { "AElig", 0x00c6 }, { "Aacute", 0x00c1 }, { "Acirc", 0x00c2 }, { "Agrave", 0x00c0 },
  { "Alpha", 0x0391 }, { "Aring", 0x00c5 }, { "Atilde", 0x00c3 }, { "Auml", 0x00c4 },
  { "Beta", 0x0392 }, { "Ccedil", 0x00c7 }, { "Chi", 0x03a7 }, { "Dagger", 0x2021 },
  { "Delta", 0x0394 }, { "ETH", 0x00d0 }, { "Eacute", 0x00c9 }, { "Ecirc", 0x00ca },
  { "Egrave", 0x00c8 }, { "Epsilon", 0x0395 }, { "Eta", 0x0397 }, { "Euml", 0x00cb },
  { "Gamma", 0x0393 }, { "Iacute", 0x00cd }, { "Icirc", 0x00ce }, { "Igrave", 0x00cc },
  { "Iota", 0x0399 }, { "Iuml", 0x00cf }, { "Kappa", 0x039a }, { "Lambda", 0x039b },
  { "Mu", 0x039c }, { "Ntilde", 0x00d1 }, { "Nu", 0x039d }, { "OElig", 0x0152 },
  { "Oacute", 0x00d3 }, { "Ocirc", 0x00d4 }, { "Ograve", 0x00d2 }, { "Omega", 0x03a9 },
  { "Omicron", 0x039f }, { "Oslash", 0x00d8 }, { "Otilde", 0x00d5 }, { "Ouml", 0x00d6 },
  { "Phi", 0x03a6 }, { "Pi", 0x03a0 }, { "Prime", 0x2033 }, { "Psi", 0x03a8 },
  { "Rho", 0x03a1 }, { "Scaron", 0x0160 }, { "Sigma", 0x03a3 }, { "THORN", 0x00de },
  { "Tau", 0x03a4 }, { "Theta", 0x0398 }, { "Uacute", 0x00da }, { "Ucirc", 0x00db },
  { "Ugrave", 0x00d9 }, { "Upsilon", 0x03a5 }, { "Uuml", 0x00dc }, { "Xi", 0x039e },
  { "Yacute", 0x00dd }, { "Yuml", 0x0178 }, { "Zeta", 0x0396 }, { "aacute", 0x00e1 },
  { "acirc", 0x00e2 }, { "acute", 0x00b4 }, { "aelig", 0x00e6 }, { "agrave", 0x00e0 },
  { "alefsym", 0x2135 }, { "alpha", 0x03b1 }, { "amp", 0x0026 }, { "and", 0x2227 },
  { "ang", 0x2220 }, { "aring", 0x00e5 }, { "asymp", 0x2248 }, { "atilde", 0x00e3 },
  { "auml", 0x00e4 }, { "bdquo", 0x201e }, { "beta", 0x03b2 }, { "brvbar", 0x00a6 },
  { "bull", 0x2022 }, { "cap", 0x2229 }, { "ccedil", 0x00e7 }, { "cedil", 0x00b8 },
  { "cent", 0x00a2 }, { "chi", 0x03c7 }, { "circ", 0x02c6 }, { "clubs", 0x2663 },
  { "cong", 0x2245 }, { "copy", 0x00a9 }, { "crarr", 0x21b5 }, { "cup", 0x222a },
  { "curren", 0x00a4 }, { "dArr", 0x21d3 }, { "dagger", 0x2020 }, { "darr", 0x2193 },
  { "deg", 0x00b0 }, { "delta", 0x03b4 }, { "diams", 0x2666 }, { "divide", 0x00f7 },
  { "eacute", 0x00e9 }, { "ecirc", 0x00ea }, { "egrave", 0x00e8 }, { "empty", 0x2205 },
  { "emsp", 0x2003 }, { "ensp", 0x2002 }, { "epsilon", 0x03b5 }, { "equiv", 0x2261 },
  { "eta", 0x03b7 }, { "eth", 0x00f0 }, { "euml", 0x00eb }, { "euro", 0x20ac },
  { "exist", 0x2203 }, { "fnof", 0x0192 }, { "forall", 0x2200 }, { "frac12", 0x00bd },
  { "frac14", 0x00bc }, { "frac34", 0x00be }, { "frasl", 0x2044 }, { "gamma", 0x03b3 },
  { "ge", 0x2265 }, { "gt", 0x003e }, { "hArr", 0x21d4 }, { "harr", 0x2194 },
  { "hearts", 0x2665 }, { "hellip", 0x2026 }, { "iacute", 0x00ed }, { "icirc", 0x00ee },
  { "iexcl", 0x00a1 }, { "igrave", 0x00ec }, { "image", 0x2111 }, { "infin", 0x221e },
  { "int", 0x222b }, { "iota", 0x03b9 }, { "iquest", 0x00bf }, { "isin", 0x2208 },
  { "iuml", 0x00ef }, { "kappa", 0x03ba }, { "lArr", 0x21d0 }, { "lambda", 0x03bb },
  { "lang", 0x2329 }, { "laquo", 0x00ab }, { "larr", 0x2190 }, { "lceil", 0x2308 },
  { "ldquo", 0x201c }, { "le", 0x2264 }, { "lfloor", 0x230a }, { "lowast", 0x2217 },
  { "loz", 0x25ca }, { "lrm", 0x200e }, { "lsaquo", 0x2039 }, { "lsquo", 0x2018 },
  { "lt", 0x003c }, { "macr", 0x00af }, { "mdash", 0x2014 }, { "micro", 0x00b5 },
  { "middot", 0x00b7 }, { "minus", 0x2212 }, { "mu", 0x03bc }, { "nabla", 0x2207 },
  { "nbsp", 0x00a0 }, { "ndash", 0x2013 }, { "ne", 0x2260 }, { "ni", 0x220b },
  { "not", 0x00ac }, { "notin", 0x2209 }, { "nsub", 0x2284 }, { "ntilde", 0x00f1 },
  { "nu", 0x03bd }, { "oacute", 0x00f3 }, { "ocirc", 0x00f4 }, { "oelig", 0x0153 },
  { "ograve", 0x00f2 }, { "oline", 0x203e }, { "omega", 0x03c9 }, { "omicron", 0x03bf },
  { "oplus", 0x2295 }, { "or", 0x2228 }, { "ordf", 0x00aa }, { "ordm", 0x00ba },
  { "oslash", 0x00f8 }, { "otilde", 0x00f5 }, { "otimes", 0x2297 }, { "ouml", 0x00f6 },
  { "para", 0x00b6 }, { "part", 0x2202 }, { "permil", 0x2030 }, { "perp", 0x22a5 },
  { "phi", 0x03c6 }, { "pi", 0x03c0 }, { "piv", 0x03d6 }, { "plusmn", 0x00b1 },
  { "pound", 0x00a3 }, { "prime", 0x2032 }, { "prod", 0x220f }, { "prop", 0x221d },
  { "psi", 0x03c8 }, { "quot", 0x0022 }, { "rArr", 0x21d2 }, { "radic", 0x221a },
  { "rang", 0x232a }, { "raquo", 0x00bb }, { "rarr", 0x2192 }, { "rceil", 0x2309 },
  { "rdquo", 0x201d }, { "real", 0x211c }, { "reg", 0x00ae }, { "rfloor", 0x230b },
  { "rho", 0x03c1 }, { "rlm", 0x200f }, { "rsaquo", 0x203a }, { "rsquo", 0x2019 },
  { "sbquo", 0x201a }, { "scaron", 0x0161 }, { "sdot", 0x22c5 }, { "sect", 0x00a7 },
  { "shy", 0x00ad }, { "sigma", 0x03c3 }, { "sigmaf", 0x03c2 }, { "sim", 0x223c },
  { "spades", 0x2660 }, { "sub", 0x2282 }, { "sube", 0x2286 }, { "sum", 0x2211 },
  { "sup", 0x2283 }, { "sup1", 0x00b9 }, { "sup2", 0x00b2 }, { "sup3", 0x00b3 },
  { "supe", 0x2287 }, { "szlig", 0x00df }, { "tau", 0x03c4 }, { "there4", 0x2234 },
  { "theta", 0x03b8 }, { "thetasym", 0x03d1 }, { "thinsp", 0x2009 }, { "thorn", 0x00fe },
  { "tilde", 0x02dc }, { "times", 0x00d7 }, { "trade", 0x2122 }, { "uArr", 0x21d1 },
  { "uacute", 0x00fa }, { "uarr", 0x2191 }, { "ucirc", 0x00fb }, { "ugrave", 0x00f9 },
  { "uml", 0x00a8 }, { "upsih", 0x03d2 }, { "upsilon", 0x03c5 }, { "uuml", 0x00fc },
  { "weierp", 0x2118 }, { "xi", 0x03be }, { "yacute", 0x00fd }, { "yen", 0x00a5 },
  { "yuml", 0x00ff }, { "zeta", 0x03b6 }, { "zwj", 0x200d }, { "zwnj", 0x200c },
};

gboolean
_mw_feed_has_prefix_ascii_ci (const char *str,
                              gsize       len,
                              const char *prefix)
{
  gsize prefix_len = strlen (prefix);

  return len >= prefix_len && g_ascii_strncasecmp (str, prefix, prefix_len) == 0;
}

gunichar
_mw_feed_html_entity_lookup (const char *name,
                             gsize       len)
{
  gsize lo = 0;
  gsize hi = G_N_ELEMENTS (html_entities);

  while (lo < hi)
    {
      gsize mid = (lo + hi) / 2;
      int cmp = strncmp (name, html_entities[mid].name, len);

      if (cmp == 0 && html_entities[mid].name[len] != '\0')
        cmp = -1;
      if (cmp == 0)
        return html_entities[mid].code;
      if (cmp < 0)
        hi = mid;
      else
        lo = mid + 1;
    }

  return 0;
}

gboolean
_mw_feed_is_predefined_entity (const char *name,
                               gsize       len)
{
  return (len == 2 && (memcmp (name, "lt", 2) == 0 || memcmp (name, "gt", 2) == 0)) ||
         (len == 3 && memcmp (name, "amp", 3) == 0) ||
         (len == 4 && (memcmp (name, "quot", 4) == 0 || memcmp (name, "apos", 4) == 0));
}

gboolean
_mw_feed_is_xml_char (gunichar c)
{
  return c == 0x9 || c == 0xa || c == 0xd ||
         (c >= 0x20 && c <= 0xd7ff) ||
         (c >= 0xe000 && c <= 0xfffd) ||
         (c >= 0x10000 && c <= 0x10ffff);
}

/* Maps the C1 controls, which nobody means, to what Windows-1252 puts there. */
gunichar
_mw_feed_fix_c1 (gunichar c)
{
  if (c >= 0x80 && c <= 0x9f)
    {
      gunichar mapped = windows_1252_c1[c - 0x80];

      return mapped != 0 ? mapped : 0xfffd;
    }

  return c;
}

/* Returns the length of the valid UTF-8 sequence at @p, or 0 if there is none. */
gsize
_mw_feed_decode_utf8 (const guchar *p,
                      const guchar *end,
                      gunichar     *out)
{
  gunichar c = p[0];
  gsize len;
  gunichar min;

  if (c < 0x80)
    {
      *out = c;
      return 1;
    }
  else if (c >= 0xc2 && c <= 0xdf)
    {
      len = 2;
      c &= 0x1f;
      min = 0x80;
    }
  else if (c >= 0xe0 && c <= 0xef)
    {
      len = 3;
      c &= 0x0f;
      min = 0x800;
    }
  else if (c >= 0xf0 && c <= 0xf4)
    {
      len = 4;
      c &= 0x07;
      min = 0x10000;
    }
  else
    {
      return 0;
    }

  if ((gsize) (end - p) < len)
    return 0;
  for (gsize i = 1; i < len; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        return 0;
      c = (c << 6) | (p[i] & 0x3f);
    }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
    return 0;

  *out = c;
  return len;
}

void
_mw_feed_string_truncate_utf8 (GString *str,
                               gsize    max)
{
  g_string_truncate (str, mw_text_cut_utf8 (str->str, str->len, max));
}

/* A copy of at most @max bytes of @text, cut between characters. */
char *
_mw_feed_strdup_capped (const char *text,
                        gsize       max)
{
  gsize len = mw_text_cut_utf8 (text, strnlen (text, max + 1), max);
  char *copy = g_malloc (len + 1);

  memcpy (copy, text, len);
  copy[len] = '\0';

  return copy;
}

/* Makes sure @str is valid UTF-8, replacing it if needed. Strings from the repaired
 * XML always are; those json-glib decoded may not be. */
char *
_mw_feed_ensure_utf8 (char *str)
{
  char *valid;

  if (str == NULL || g_utf8_validate (str, -1, NULL))
    return str;

  valid = g_utf8_make_valid (str, -1);
  g_free (str);
  return valid;
}

/* Removes ASCII whitespace at both ends of @str (@len bytes), in place; returns NULL
 * (freeing @str) if nothing is left. Unlike g_strstrip(), moves nothing when there is
 * nothing to remove, which is the common case for article bodies. */
char *
_mw_feed_trim_or_null (char  *str,
                       gsize  len)
{
  gsize start = 0;

  if (str == NULL)
    return NULL;

  while (len > 0 && g_ascii_isspace (str[len - 1]))
    len--;
  while (start < len && g_ascii_isspace (str[start]))
    start++;
  if (start == len)
    {
      g_free (str);
      return NULL;
    }

  if (start > 0)
    memmove (str, str + start, len - start);
  str[len - start] = '\0';

  return str;
}

/* Encodings */

typedef enum
{
  CHARSET_UTF8,
  CHARSET_UTF16LE,
  CHARSET_UTF16BE,
  CHARSET_UTF16,           /* endianness still to be sniffed */
  CHARSET_WINDOWS_1252,
  CHARSET_OTHER,
} CharsetKind;

static CharsetKind
charset_kind (const char *label)
{
  static const char * const utf8_labels[] = { "utf-8", "utf8", "unicode-1-1-utf-8" };
  /* WHATWG's list: browsers decode all of these as Windows-1252, and so do we. */
  static const char * const windows_1252_labels[] = {
    "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1",
    "latin1", "l1", "iso-ir-100", "ibm819", "cp819", "us-ascii", "ascii", "ansi_x3.4-1968",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (utf8_labels); i++)
    if (g_ascii_strcasecmp (label, utf8_labels[i]) == 0)
      return CHARSET_UTF8;
  for (gsize i = 0; i < G_N_ELEMENTS (windows_1252_labels); i++)
    if (g_ascii_strcasecmp (label, windows_1252_labels[i]) == 0)
      return CHARSET_WINDOWS_1252;
  if (g_ascii_strcasecmp (label, "utf-16le") == 0)
    return CHARSET_UTF16LE;
  if (g_ascii_strcasecmp (label, "utf-16be") == 0)
    return CHARSET_UTF16BE;
  if (g_ascii_strcasecmp (label, "utf-16") == 0 || g_ascii_strcasecmp (label, "ucs-2") == 0)
    return CHARSET_UTF16;

  return CHARSET_OTHER;
}

/* Whether @label can be an encoding name at all; anything else is not worth passing
 * to iconv, nor writing to a log. */
static gboolean
is_charset_label (const char *label,
                  gsize       len)
{
  if (len == 0 || len >= 64)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isalnum (label[i]) && strchr ("-_.:()+", label[i]) == NULL)
        return FALSE;
    }

  return TRUE;
}

/* The charset parameter of a Content-Type header, or NULL. */
static char *
content_type_charset (const char *content_type)
{
  const char *p;

  if (content_type == NULL)
    return NULL;

  p = strchr (content_type, ';');
  while (p != NULL)
    {
      const char *value;
      const char *end;

      p++;
      while (*p == ' ' || *p == '\t')
        p++;
      if (g_ascii_strncasecmp (p, "charset", 7) != 0)
        {
          p = strchr (p, ';');
          continue;
        }
      p += 7;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p != '=')
        return NULL;
      p++;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '"' || *p == '\'')
        {
          char quote = *p++;

          value = p;
          end = strchr (p, quote);
          if (end == NULL)
            end = p + strlen (p);
        }
      else
        {
          value = p;
          end = p;
          while (*end != '\0' && *end != ';' && *end != ' ' && *end != '\t')
            end++;
        }

      return is_charset_label (value, end - value) ? g_strndup (value, end - value) : NULL;
    }

  return NULL;
}

/* The encoding named in an XML declaration, or NULL. */
static char *
xml_declared_encoding (const char *data,
                       gsize       len)
{
  const char *end;
  const char *p;
  const char *value;
  char quote;

  if (len < 6 || memcmp (data, "<?xml", 5) != 0)
    return NULL;

  end = memchr (data, '>', MIN (len, 512));
  if (end == NULL)
    return NULL;

  for (p = data + 5; p + 8 < end; p++)
    {
      if (memcmp (p, "encoding", 8) == 0)
        break;
    }
  if (p + 8 >= end)
    return NULL;

  p += 8;
  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p >= end || *p != '=')
    return NULL;
  p++;
  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p >= end || (*p != '"' && *p != '\''))
    return NULL;
  quote = *p++;
  value = p;
  while (p < end && *p != quote)
    p++;
  if (p >= end || !is_charset_label (value, p - value))
    return NULL;

  return g_strndup (value, p - value);
}

static gboolean
has_non_ascii (const guchar *data,
               gsize         len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] >= 0x80)
        return TRUE;
    }

  return FALSE;
}

/* Chooses how to decode @data, and how many bytes of byte order mark to skip. The
 * order is the browsers' one: a BOM, then the HTTP charset, then the declaration. */
static CharsetKind
detect_charset (const guchar  *data,
                gsize          len,
                const char    *content_type,
                gboolean       xml,
                char         **other_label,
                gsize         *bom_len)
{
  g_autofree char *http = NULL;
  g_autofree char *declared = NULL;
  CharsetKind kind;
  gboolean sniffed_le = len >= 2 && data[0] != 0 && data[1] == 0;
  gboolean sniffed_be = len >= 2 && data[0] == 0 && data[1] != 0;

  *other_label = NULL;
  *bom_len = 0;

  if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
    {
      *bom_len = 3;
      return CHARSET_UTF8;
    }
  if (len >= 2 && data[0] == 0xff && data[1] == 0xfe)
    {
      *bom_len = 2;
      return CHARSET_UTF16LE;
    }
  if (len >= 2 && data[0] == 0xfe && data[1] == 0xff)
    {
      *bom_len = 2;
      return CHARSET_UTF16BE;
    }

  http = content_type_charset (content_type);
  kind = http != NULL ? charset_kind (http) : CHARSET_OTHER;
  /* UTF-16 markup has NULs beside its first '<'; without them, the label is wrong. */
  if (http != NULL &&
      (kind == CHARSET_UTF16 || kind == CHARSET_UTF16LE || kind == CHARSET_UTF16BE) &&
      !sniffed_le && !sniffed_be)
    g_clear_pointer (&http, g_free);
  if (http != NULL)
    {
      /* Servers label everything Latin-1 by default; text that is valid UTF-8 and uses
       * more than ASCII is, in practice, never really Latin-1. */
      if (kind == CHARSET_WINDOWS_1252 && has_non_ascii (data, len) &&
          g_utf8_validate_len ((const char *) data, len, NULL))
        return CHARSET_UTF8;
      if (kind == CHARSET_UTF16)
        return sniffed_be ? CHARSET_UTF16BE : CHARSET_UTF16LE;
      if (kind == CHARSET_OTHER)
        *other_label = g_steal_pointer (&http);
      return kind;
    }

  /* UTF-16 without a BOM shows itself by the NULs beside the first '<'. */
  if (sniffed_le)
    return CHARSET_UTF16LE;
  if (sniffed_be)
    return CHARSET_UTF16BE;

  if (xml)
    declared = xml_declared_encoding ((const char *) data, len);
  if (declared != NULL)
    {
      kind = charset_kind (declared);
      /* A declaration of UTF-16 on bytes that are not UTF-16 is a copy-paste error. */
      if (kind == CHARSET_UTF16 || kind == CHARSET_UTF16LE || kind == CHARSET_UTF16BE)
        return CHARSET_UTF8;
      if (kind == CHARSET_OTHER)
        *other_label = g_steal_pointer (&declared);
      return kind;
    }

  return CHARSET_UTF8;
}

static GString *
decode_windows_1252 (const guchar *data,
                     gsize         len)
{
  GString *out = g_string_sized_new (len + len / 8 + 1);
  gsize start = 0;

  for (gsize i = 0; i < len; i++)
    {
      gunichar c = data[i];

      if (c < 0x80)
        continue;
      g_string_append_len (out, (const char *) data + start, i - start);
      g_string_append_unichar (out, _mw_feed_fix_c1 (c));
      start = i + 1;
    }
  g_string_append_len (out, (const char *) data + start, len - start);

  return out;
}

static GString *
decode_utf16 (const guchar *data,
              gsize         len,
              gboolean      big_endian)
{
  GString *out = g_string_sized_new (len / 2 + len / 8 + 1);
  gsize i = 0;

  while (i + 1 < len)
    {
      gunichar c = big_endian ? (data[i] << 8 | data[i + 1]) : (data[i + 1] << 8 | data[i]);

      i += 2;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < len)
        {
          gunichar low = big_endian ? (data[i] << 8 | data[i + 1]) : (data[i + 1] << 8 | data[i]);

          if (low >= 0xdc00 && low <= 0xdfff)
            {
              c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
              i += 2;
            }
        }
      if (c >= 0xd800 && c <= 0xdfff)
        c = 0xfffd;

      if (c < 0x80)
        g_string_append_c (out, (char) c);
      else
        g_string_append_unichar (out, c);
    }

  return out;
}

/* Converts with iconv, replacing what cannot be converted rather than failing.
 * Returns NULL if iconv does not know @charset. */
static GString *
decode_with_iconv (const guchar *data,
                   gsize         len,
                   const char   *charset)
{
  GIConv cd;
  GString *out;
  char *in = (char *) data;
  gsize in_left = len;
  char buffer[4096];

  cd = g_iconv_open ("UTF-8", charset);
  if (cd == (GIConv) -1)
    return NULL;

  out = g_string_sized_new (len + len / 4 + 1);
  while (in_left > 0)
    {
      char *outp = buffer;
      gsize out_left = sizeof buffer;
      gsize ret = g_iconv (cd, &in, &in_left, &outp, &out_left);
      int saved_errno = errno;

      g_string_append_len (out, buffer, outp - buffer);
      if (ret != (gsize) -1 || saved_errno == E2BIG)
        continue;
      if (saved_errno != EILSEQ)
        break;   /* an incomplete sequence at the very end */
      g_string_append (out, "\xef\xbf\xbd");
      in++;
      in_left--;
    }

  {
    char *outp = buffer;
    gsize out_left = sizeof buffer;

    g_iconv (cd, NULL, NULL, &outp, &out_left);
    g_string_append_len (out, buffer, outp - buffer);
  }
  g_iconv_close (cd);

  return out;
}

/* Returns the document as UTF-8: a new string, or NULL when @data already is UTF-8 (as
 * far as we can tell; the repair pass deals with stray bytes). */
GString *
_mw_feed_decode_document (const guchar  *data,
                          gsize          len,
                          const char    *content_type,
                          gboolean       xml,
                          gsize         *skip)
{
  g_autofree char *other = NULL;
  CharsetKind kind;
  GString *decoded = NULL;

  kind = detect_charset (data, len, content_type, xml, &other, skip);
  data += *skip;
  len -= *skip;

  switch (kind)
    {
    case CHARSET_UTF16LE:
    case CHARSET_UTF16:
      return decode_utf16 (data, len, FALSE);
    case CHARSET_UTF16BE:
      return decode_utf16 (data, len, TRUE);
    case CHARSET_WINDOWS_1252:
      return decode_windows_1252 (data, len);
    case CHARSET_OTHER:
      decoded = decode_with_iconv (data, len, other);
      if (decoded == NULL)
        g_debug ("Unknown charset “%s”, reading the feed as UTF-8", other);
      return decoded;
    case CHARSET_UTF8:
    default:
      return NULL;
    }
}
