/* mw-feed-parser.c: RSS, RDF, Atom and JSON Feed documents into one model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bytes come from anywhere on the web, so everything here assumes the worst: the
 * document is repaired and neutralised before libxml2 sees it (decoded to UTF-8, its
 * DOCTYPE removed, HTML entities turned into character references, stray ampersands
 * escaped), every field is bounded, and nothing but http(s) addresses comes out.
 *
 * Well-formed XML is read with the streaming xmlTextReader, expanding one item at a
 * time, which keeps memory flat on huge feeds. The reader gives up at the first
 * well-formedness error, even in recover mode, so a refused document is read again:
 * first with its stray '<' escaped (the commonest mistake left after the repairs),
 * then, if still refused, into a tree with libxml2's recovery, keeping whatever that
 * salvages and saying so in MwParsedFeed.problem.
 */
#define G_LOG_DOMAIN "mw-feed-parser"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlreader.h>

#include "mw-feed-parser.h"

/* Bounds on what a hostile feed can make us keep. Titles are cut later, after markup
 * has been stripped, so more of them is collected than kept. */
#define TITLE_MAX_BYTES     (2 * 1024)
#define TITLE_COLLECT_BYTES (16 * 1024)
#define TEXT_MAX_BYTES      (8 * 1024)
#define HTML_MAX_BYTES      (1024 * 1024)
#define URL_MAX_BYTES       (8 * 1024)
#define ID_MAX_BYTES        512
#define ID_COLLECT_BYTES    (64 * 1024)
#define DATE_COLLECT_BYTES  256
#define MAX_ITEMS           100000
#define MAX_ENCLOSURES      64
#define MAX_JSON_DEPTH      64

/* Derived ids start with this, which no publisher's guid or atom:id uses. */
#define DERIVED_ID_PREFIX "meanwhile:sha1:"

/* No entity substitution, no DTD loading or validation, no network, no HUGE: libxml2's
 * own limits (depth 256, bounded text nodes) stay on. CDATA is merged into text. */
#define XML_PARSE_OPTIONS (XML_PARSE_RECOVER | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | \
                           XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC | \
                           XML_PARSE_COMPACT)

G_DEFINE_QUARK (mw-feed-error-quark, mw_feed_error)

void
mw_enclosure_free (MwEnclosure *enclosure)
{
  if (enclosure == NULL)
    return;

  g_free (enclosure->url);
  g_free (enclosure->type);
  g_free (enclosure);
}

void
mw_parsed_item_free (MwParsedItem *item)
{
  if (item == NULL)
    return;

  g_free (item->id);
  g_free (item->title);
  g_free (item->link);
  g_free (item->author);
  g_free (item->summary);
  g_free (item->content);
  g_clear_pointer (&item->enclosures, g_ptr_array_unref);
  g_free (item);
}

void
mw_parsed_feed_free (MwParsedFeed *feed)
{
  if (feed == NULL)
    return;

  g_free (feed->title);
  g_free (feed->link);
  g_free (feed->description);
  g_free (feed->icon_url);
  g_clear_pointer (&feed->items, g_ptr_array_unref);
  g_free (feed->problem);
  g_free (feed);
}

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

static gboolean
streq (const xmlChar *a,
       const char    *b)
{
  return a != NULL && strcmp ((const char *) a, b) == 0;
}

static gboolean
has_prefix_ascii_ci (const char *str,
                     gsize       len,
                     const char *prefix)
{
  gsize prefix_len = strlen (prefix);

  return len >= prefix_len && g_ascii_strncasecmp (str, prefix, prefix_len) == 0;
}

static gunichar
html_entity_lookup (const char *name,
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

static gboolean
is_predefined_entity (const char *name,
                      gsize       len)
{
  return (len == 2 && (memcmp (name, "lt", 2) == 0 || memcmp (name, "gt", 2) == 0)) ||
         (len == 3 && memcmp (name, "amp", 3) == 0) ||
         (len == 4 && (memcmp (name, "quot", 4) == 0 || memcmp (name, "apos", 4) == 0));
}

static gboolean
is_xml_char (gunichar c)
{
  return c == 0x9 || c == 0xa || c == 0xd ||
         (c >= 0x20 && c <= 0xd7ff) ||
         (c >= 0xe000 && c <= 0xfffd) ||
         (c >= 0x10000 && c <= 0x10ffff);
}

/* Maps the C1 controls, which nobody means, to what Windows-1252 puts there. */
static gunichar
fix_c1 (gunichar c)
{
  if (c >= 0x80 && c <= 0x9f)
    {
      gunichar mapped = windows_1252_c1[c - 0x80];

      return mapped != 0 ? mapped : 0xfffd;
    }

  return c;
}

/* Returns the length of the valid UTF-8 sequence at @p, or 0 if there is none. */
static gsize
decode_utf8 (const guchar *p,
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

/* The largest length <= @max that does not split a character of @str (@len bytes). */
static gsize
cut_utf8 (const char *str,
          gsize       len,
          gsize       max)
{
  gsize cut;

  if (len <= max)
    return len;

  cut = max;
  while (cut > 0 && ((guchar) str[cut] & 0xc0) == 0x80)
    cut--;

  return cut;
}

static void
string_truncate_utf8 (GString *str,
                      gsize    max)
{
  g_string_truncate (str, cut_utf8 (str->str, str->len, max));
}

/* A copy of at most @max bytes of @text, cut between characters. */
static char *
strdup_capped (const char *text,
               gsize       max)
{
  gsize len = cut_utf8 (text, strnlen (text, max + 1), max);
  char *copy = g_malloc (len + 1);

  memcpy (copy, text, len);
  copy[len] = '\0';

  return copy;
}

/* Makes sure @str is valid UTF-8, replacing it if needed. Strings from the repaired
 * XML always are; those json-glib decoded may not be. */
static char *
ensure_utf8 (char *str)
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
static char *
trim_or_null (char  *str,
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
      g_string_append_unichar (out, fix_c1 (c));
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
static GString *
decode_document (const guchar  *data,
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

/* Repairing XML */

enum
{
  BYTE_PLAIN,
  BYTE_CONTROL,
  BYTE_AMPERSAND,
  BYTE_HIGH,
};

static const guint8 repair_byte_kind[256] = {
  [0x00 ... 0x08] = BYTE_CONTROL,
  [0x0b ... 0x0c] = BYTE_CONTROL,
  [0x0e ... 0x1f] = BYTE_CONTROL,
  ['&'] = BYTE_AMPERSAND,
  [0x80 ... 0xff] = BYTE_HIGH,
};

#define BYTES_OF(b) (G_GUINT64_CONSTANT (0x0101010101010101) * (b))

/* Whether none of the 8 bytes at @p can need repair: no byte under 0x20 (tabs and
 * newlines are let through by the byte-wise check), none over 0x7f, no '&'. This
 * is what makes the pass cheap next to parsing. */
static inline gboolean
word_is_plain (const char *p)
{
  guint64 w;
  guint64 amp;

  memcpy (&w, p, sizeof w);
  amp = w ^ BYTES_OF ('&');

  return (((w - BYTES_OF (0x20)) & ~w) | ((amp - BYTES_OF (0x01)) & ~amp) | w) &
         BYTES_OF (0x80) ? FALSE : TRUE;
}

typedef struct
{
  GString    *out;        /* NULL until the first change */
  const char *copied;     /* the input before this is in out */
  gsize       len;
  const char *cdata_pos;  /* CDATA sections are tracked up to here */
  gboolean    in_cdata;
} Repair;

static void
repair_replace (Repair     *repair,
                const char *from,
                const char *to,
                const char *text,
                gsize       text_len)
{
  if (repair->out == NULL)
    repair->out = g_string_sized_new (repair->len + repair->len / 16 + 64);

  g_string_append_len (repair->out, repair->copied, from - repair->copied);
  g_string_append_len (repair->out, text, text_len);
  repair->copied = to;
}

static void
repair_replace_char (Repair     *repair,
                     const char *from,
                     const char *to,
                     gunichar    c)
{
  char utf8[6];

  repair_replace (repair, from, to, utf8, g_unichar_to_utf8 (c, utf8));
}

static void
repair_replace_reference (Repair     *repair,
                          const char *from,
                          const char *to,
                          gunichar    c)
{
  char ref[16];

  repair_replace (repair, from, to, ref, g_snprintf (ref, sizeof ref, "&#%u;", c));
}

/* Finds @marker in [@p, @end), looking for its second byte first: '!' and ']' are
 * rare in XML where '<' is everywhere. */
static const char *
find_marker (const char *p,
             const char *end,
             const char *marker,
             gsize       marker_len)
{
  while (end - p >= (gssize) marker_len)
    {
      const char *anchor = memchr (p + 1, marker[1], end - p - 1);

      if (anchor == NULL || end - (anchor - 1) < (gssize) marker_len)
        return NULL;
      if (memcmp (anchor - 1, marker, marker_len) == 0)
        return anchor - 1;
      p = anchor;
    }

  return NULL;
}

/* Where @terminator ends, after @p; @end if it never comes. NULs in the data do not
 * stop the search, as they would g_strstr_len(). */
static const char *
skip_past (const char *p,
           const char *end,
           const char *terminator)
{
  gsize len = strlen (terminator);
  const char *found = find_marker (p, end, terminator, len);

  return found != NULL ? found + len : end;
}

/* Returns the end of the DOCTYPE declaration starting at @p, internal subset included. */
static const char *
doctype_end (const char *p,
             const char *end)
{
  gboolean in_subset = FALSE;
  char quote = 0;

  for (p += strlen ("<!DOCTYPE"); p < end; p++)
    {
      if (quote != 0)
        {
          if (*p == quote)
            quote = 0;
        }
      else if (*p == '"' || *p == '\'')
        quote = *p;
      else if (*p == '<' && end - p >= 4 && memcmp (p, "<!--", 4) == 0)
        p = skip_past (p + 4, end, "-->") - 1;
      else if (*p == '<' && end - p >= 2 && p[1] == '?')
        p = skip_past (p + 2, end, "?>") - 1;
      else if (*p == '[')
        in_subset = TRUE;
      else if (*p == ']')
        in_subset = FALSE;
      else if (*p == '>' && !in_subset)
        return p + 1;
    }

  return end;
}

/* Finds the DOCTYPE in the prolog, to be removed: feeds never need one, and it is
 * where every entity attack lives: external entities, parameter entities, exponential
 * expansion. Returns NULL when there is none. */
static const char *
find_doctype (const char  *p,
              const char  *end,
              const char **doctype_end_out)
{
  for (;;)
    {
      while (p < end && g_ascii_isspace (*p))
        p++;
      if (end - p >= 2 && p[0] == '<' && p[1] == '?')
        p = skip_past (p + 2, end, "?>");
      else if (end - p >= 4 && memcmp (p, "<!--", 4) == 0)
        p = skip_past (p + 4, end, "-->");
      else
        break;
    }

  if (has_prefix_ascii_ci (p, end - p, "<!DOCTYPE"))
    {
      *doctype_end_out = doctype_end (p, end);
      return p;
    }

  return NULL;
}

/* Finds whether @upto is inside a CDATA section, only when an '&' needs to know: the
 * markers are searched for rather than stopping at every '<'. Neither marker contains
 * '&', so none can straddle @upto. */
static gboolean
repair_in_cdata (Repair     *repair,
                 const char *upto)
{
  while (repair->cdata_pos < upto)
    {
      const char *marker = repair->in_cdata ? "]]>" : "<![CDATA[";
      gsize marker_len = strlen (marker);
      const char *found = find_marker (repair->cdata_pos, upto, marker, marker_len);

      if (found == NULL)
        {
          repair->cdata_pos = upto;
          break;
        }
      repair->cdata_pos = found + marker_len;
      repair->in_cdata = !repair->in_cdata;
    }

  return repair->in_cdata;
}

/* Reads the character reference at @p ("#233;" or "#xE9;", just after the '&').
 * Returns where it ends, or NULL if it is not one. */
static const char *
read_char_reference (const char *p,
                     const char *end,
                     gunichar   *value)
{
  gboolean hex;
  guint digits = 0;

  if (p >= end || *p != '#')
    return NULL;

  p++;
  hex = p < end && (*p == 'x' || *p == 'X');
  if (hex)
    p++;
  *value = 0;
  /* Eight digits hold any code point, and cannot overflow. */
  while (p < end && digits < 8 && (hex ? g_ascii_isxdigit (*p) : g_ascii_isdigit (*p)))
    {
      *value = *value * (hex ? 16 : 10) +
               (hex ? g_ascii_xdigit_value (*p) : g_ascii_digit_value (*p));
      p++;
      digits++;
    }

  return digits > 0 && p < end && *p == ';' ? p + 1 : NULL;
}

/* Handles the '&' at @p outside CDATA; returns where to continue. */
static const char *
repair_reference (Repair     *repair,
                  const char *p,
                  const char *end)
{
  const char *q = p + 1;
  gunichar value;

  if (q < end && *q == '#')
    {
      q = read_char_reference (q, end, &value);
      if (q != NULL)
        {
          if (value >= 0x80 && value <= 0x9f)
            repair_replace_reference (repair, p, q, fix_c1 (value));
          else if (!is_xml_char (value))
            repair_replace (repair, p, q, NULL, 0);
          return q;
        }
    }
  else if (q < end && g_ascii_isalpha (*q))
    {
      const char *name = q;

      while (q < end && g_ascii_isalnum (*q) && q - name < 32)
        q++;
      if (q < end && *q == ';')
        {
          gunichar c;

          if (is_predefined_entity (name, q - name))
            return q + 1;
          c = html_entity_lookup (name, q - name);
          if (c != 0)
            {
              repair_replace_reference (repair, p, q + 1, c);
              return q + 1;
            }
          /* An entity nobody declared (or declared in the DOCTYPE we removed): shown
           * as written, the way browsers show unknown entities. */
        }
    }

  repair_replace (repair, p, p + 1, "&amp;", 5);
  return p + 1;
}

static void
repair_range (Repair     *repair,
              const char *p,
              const char *end)
{
  repair->cdata_pos = p;
  repair->in_cdata = FALSE;

  while (p < end)
    {
      gunichar c;
      gsize seq;

      while (p < end)
        {
          if (end - p >= 8 && word_is_plain (p))
            p += 8;
          else if (repair_byte_kind[(guchar) *p] == BYTE_PLAIN)
            p++;
          else
            break;
        }
      if (p >= end)
        break;

      switch (repair_byte_kind[(guchar) *p])
        {
        case BYTE_CONTROL:
          repair_replace (repair, p, p + 1, NULL, 0);
          p++;
          break;

        case BYTE_AMPERSAND:
          if (repair_in_cdata (repair, p))
            p++;
          else
            p = repair_reference (repair, p, end);
          break;

        case BYTE_HIGH:
          seq = decode_utf8 ((const guchar *) p, (const guchar *) end, &c);
          if (seq == 0)
            {
              repair_replace_char (repair, p, p + 1, fix_c1 ((guchar) *p));
              p++;
            }
          else
            {
              if (c >= 0x80 && c <= 0x9f)
                repair_replace_char (repair, p, p + seq, fix_c1 (c));
              else if (c == 0xfffe || c == 0xffff)
                repair_replace (repair, p, p + seq, NULL, 0);
              p += seq;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

/* Rewrites what libxml2 would reject, or worse, accept: invalid UTF-8 (read as
 * Windows-1252, which is what it nearly always is), control characters and NULs,
 * C1 controls, HTML entities, bare ampersands, and the DOCTYPE. Returns NULL when
 * the document needs no change. */
static GString *
repair_xml (const char *data,
            gsize       len)
{
  Repair repair = { NULL, data, len, data, FALSE };
  const char *end = data + len;
  const char *doctype_end = NULL;
  const char *doctype = find_doctype (data, end, &doctype_end);

  if (doctype != NULL)
    {
      repair_range (&repair, data, doctype);
      repair_replace (&repair, doctype, doctype_end, NULL, 0);
      repair_range (&repair, doctype_end, end);
    }
  else
    {
      repair_range (&repair, data, end);
    }

  if (repair.out != NULL)
    g_string_append_len (repair.out, repair.copied, end - repair.copied);

  return repair.out;
}

/* Escapes the '<' that cannot start markup, as in "1 < 2". This pass only runs on
 * documents the reader already refused, so that feeds without the mistake do not pay
 * for a stop at every tag. Returns NULL when nothing changed. */
static GString *
repair_stray_less_than (const char *data,
                        gsize       len)
{
  Repair repair = { NULL, data, len, data, FALSE };
  const char *end = data + len;
  const char *p = data;

  while ((p = memchr (p, '<', end - p)) != NULL)
    {
      const char *next = p + 1;

      if (end - p >= 9 && memcmp (p, "<![CDATA[", 9) == 0)
        p = skip_past (p + 9, end, "]]>");
      else if (end - p >= 4 && memcmp (p, "<!--", 4) == 0)
        p = skip_past (p + 4, end, "-->");
      else if (next < end && *next == '?')
        p = skip_past (next, end, "?>");
      else if (next < end && (g_ascii_isalpha (*next) || *next == '_' || *next == ':' ||
                              *next == '/' || *next == '!' || (guchar) *next >= 0x80))
        p = next;
      else
        {
          repair_replace (&repair, p, next, "&lt;", 4);
          p = next;
        }
    }

  if (repair.out != NULL)
    g_string_append_len (repair.out, repair.copied, end - repair.copied);

  return repair.out;
}

/* Dates */

typedef struct
{
  int year;
  int month;
  int day;
  int hour;
  int minute;
  int second;
  int offset;   /* seconds east of UTC */
} DateParts;

static gint64
days_from_civil (gint64 year,
                 int    month,
                 int    day)
{
  gint64 era;
  gint64 year_of_era;
  gint64 day_of_year;
  gint64 day_of_era;

  /* Howard Hinnant's algorithm: count from March so the leap day ends the year. */
  year -= month <= 2;
  era = (year >= 0 ? year : year - 399) / 400;
  year_of_era = year - era * 400;
  day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

  return era * 146097 + day_of_era - 719468;
}

static int
days_in_month (int year,
               int month)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
    return 29;

  return days[month - 1];
}

static gint64
date_parts_to_unix (DateParts *parts)
{
  if (parts->year < 1000 || parts->year > 9999 ||
      parts->month < 1 || parts->month > 12 ||
      parts->day < 1 || parts->day > days_in_month (parts->year, parts->month) ||
      parts->hour < 0 || parts->hour > 23 ||
      parts->minute < 0 || parts->minute > 59 ||
      parts->second < 0 || parts->second > 60 ||
      parts->offset < -18 * 3600 || parts->offset > 18 * 3600)
    return 0;

  /* A leap second is not worth a failure. */
  if (parts->second == 60)
    parts->second = 59;

  return days_from_civil (parts->year, parts->month, parts->day) * 86400 +
         parts->hour * 3600 + parts->minute * 60 + parts->second - parts->offset;
}

/* Reads up to @max digits; returns how many. */
static int
read_digits (const char **p,
             int          max,
             int         *value)
{
  int n = 0;

  *value = 0;
  while (n < max && g_ascii_isdigit (**p))
    {
      *value = *value * 10 + (**p - '0');
      (*p)++;
      n++;
    }

  return n;
}

/* "+hh:mm", "+hhmm" or "+hh"; @p is at the sign. */
static gboolean
read_numeric_offset (const char **p,
                     int         *offset)
{
  const char *q = *p;
  int sign = *q == '-' ? -1 : 1;
  int hours;
  int minutes = 0;

  q++;
  if (read_digits (&q, 2, &hours) != 2)
    return FALSE;
  if (*q == ':')
    q++;
  if (g_ascii_isdigit (*q) && read_digits (&q, 2, &minutes) != 2)
    return FALSE;
  if (hours > 18 || minutes > 59)
    return FALSE;

  *offset = sign * (hours * 3600 + minutes * 60);
  *p = q;
  return TRUE;
}

typedef struct
{
  const char *name;
  int         minutes;
} ZoneName;

/* RFC 822's zones, and the abbreviations feeds use most. Ambiguous ones (IST is India
 * here, the likeliest in feeds) are a guess either way. */
static const ZoneName zone_names[] = {
  { "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
  { "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
  { "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 },
  { "AKST", -540 }, { "AKDT", -480 }, { "HST", -600 }, { "AST", -240 }, { "ADT", -180 },
  { "NST", -210 }, { "NDT", -150 }, { "WET", 0 }, { "WEST", 60 }, { "BST", 60 },
  { "CET", 60 }, { "CEST", 120 }, { "MET", 60 }, { "MEST", 120 }, { "EET", 120 },
  { "EEST", 180 }, { "MSK", 180 }, { "IST", 330 }, { "SGT", 480 }, { "HKT", 480 },
  { "AWST", 480 }, { "JST", 540 }, { "KST", 540 }, { "ACST", 570 }, { "AEST", 600 },
  { "AEDT", 660 }, { "NZST", 720 }, { "NZDT", 780 },
};

static gboolean
lookup_zone_name (const char *word,
                  gsize       len,
                  int        *offset)
{
  for (gsize i = 0; i < G_N_ELEMENTS (zone_names); i++)
    {
      if (strlen (zone_names[i].name) == len &&
          g_ascii_strncasecmp (word, zone_names[i].name, len) == 0)
        {
          *offset = zone_names[i].minutes * 60;
          return TRUE;
        }
    }

  /* Military zones: too rarely right to trust, so read as UTC. */
  if (len == 1 && g_ascii_isalpha (word[0]) && word[0] != 'J' && word[0] != 'j')
    {
      *offset = 0;
      return TRUE;
    }

  return FALSE;
}

static int
lookup_month (const char *word,
              gsize       len)
{
  static const char * const months[] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
  };

  if (len < 3)
    return 0;

  for (gsize i = 0; i < G_N_ELEMENTS (months); i++)
    {
      if (len <= strlen (months[i]) && g_ascii_strncasecmp (word, months[i], len) == 0)
        return i + 1;
    }

  return 0;
}

static gboolean
is_weekday (const char *word,
            gsize       len)
{
  static const char * const days[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  };

  if (len < 3)
    return FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (days); i++)
    {
      if (len <= strlen (days[i]) && g_ascii_strncasecmp (word, days[i], len) == 0)
        return TRUE;
    }

  return FALSE;
}

/* "hh:mm[:ss[.fraction]]", @p at the first digit. */
static gboolean
read_time (const char **p,
           DateParts   *parts)
{
  const char *q = *p;
  int hour;
  int minute;
  int second = 0;

  if (read_digits (&q, 2, &hour) == 0 || *q != ':')
    return FALSE;
  q++;
  if (read_digits (&q, 2, &minute) != 2)
    return FALSE;
  if (*q == ':')
    {
      q++;
      if (read_digits (&q, 2, &second) != 2)
        return FALSE;
      if (*q == '.' || *q == ',')
        {
          q++;
          while (g_ascii_isdigit (*q))
            q++;
        }
    }

  parts->hour = hour;
  parts->minute = minute;
  parts->second = second;
  *p = q;
  return TRUE;
}

/* RFC 3339 and the ISO 8601 shapes feeds use: "2024-03-01", "2024-03-01T12:30Z",
 * "2024-03-01 12:30:00.250+01:00", "20240301T123000Z". */
static gboolean
parse_iso8601 (const char *p,
               DateParts  *parts)
{
  int n;

  if (read_digits (&p, 4, &parts->year) != 4)
    return FALSE;
  if (*p == '-')
    {
      p++;
      n = read_digits (&p, 2, &parts->month);
      if (n == 0 || *p != '-')
        return FALSE;
      p++;
      if (read_digits (&p, 2, &parts->day) == 0)
        return FALSE;
    }
  else
    {
      if (read_digits (&p, 2, &parts->month) != 2 || read_digits (&p, 2, &parts->day) != 2)
        return FALSE;
      if (*p != 'T' && *p != 't')
        return FALSE;
    }

  parts->hour = parts->minute = parts->second = parts->offset = 0;
  if ((*p == 'T' || *p == 't' || *p == ' ') && g_ascii_isdigit (p[1]))
    {
      const char *q = p + 1;

      if (!read_time (&q, parts))
        {
          /* The basic format: hhmm[ss]. */
          q = p + 1;
          if (read_digits (&q, 2, &parts->hour) != 2 || read_digits (&q, 2, &parts->minute) != 2)
            return FALSE;
          if (g_ascii_isdigit (*q) && read_digits (&q, 2, &parts->second) != 2)
            return FALSE;
          if (*q == '.' || *q == ',')
            {
              q++;
              while (g_ascii_isdigit (*q))
                q++;
            }
        }
      p = q;

      while (*p == ' ')
        p++;
      if (*p == 'Z' || *p == 'z')
        parts->offset = 0;
      else if (*p == '+' || *p == '-')
        {
          if (!read_numeric_offset (&p, &parts->offset))
            return FALSE;
        }
      else if (g_ascii_isalpha (*p))
        {
          const char *word = p;

          while (g_ascii_isalpha (*p))
            p++;
          if (!lookup_zone_name (word, p - word, &parts->offset))
            parts->offset = 0;
        }
    }

  return TRUE;
}

/* RFC 822 and its many misspellings: an optional weekday, day and month either way
 * round, two- to four-digit years, an optional time, a zone as a name or an offset.
 * Also takes asctime() ("Mon Jan  1 12:00:00 2024") and JavaScript's Date.toString(). */
static gboolean
parse_rfc822 (const char *p,
              DateParts  *parts)
{
  int day = -1;
  int month = 0;
  int year = -1;
  int year_digits = 0;
  gboolean have_time = FALSE;
  gboolean pm = FALSE;
  gboolean am = FALSE;

  parts->hour = parts->minute = parts->second = parts->offset = 0;

  while (*p != '\0')
    {
      if (g_ascii_isdigit (*p))
        {
          const char *start = p;
          int value;
          int n;

          if (!have_time && read_time (&p, parts))
            {
              have_time = TRUE;
              continue;
            }
          p = start;
          n = read_digits (&p, 9, &value);
          if (n > 4)
            return FALSE;
          if (n >= 3 || (day >= 0 && year < 0) || value > 31)
            {
              if (year >= 0)
                return FALSE;
              year = value;
              year_digits = n;
            }
          else if (day < 0)
            day = value;
          else
            return FALSE;
        }
      else if ((*p == '+' || *p == '-') && have_time && g_ascii_isdigit (p[1]))
        {
          if (!read_numeric_offset (&p, &parts->offset))
            return FALSE;
        }
      else if (g_ascii_isalpha (*p))
        {
          const char *word = p;
          gsize len;
          int m;

          while (g_ascii_isalpha (*p))
            p++;
          len = p - word;

          /* Weekdays, and anything else ("Posted", a zone we do not know), are
           * passed over. */
          if (month == 0 && (m = lookup_month (word, len)) != 0)
            month = m;
          else if (len == 2 && g_ascii_strncasecmp (word, "AM", 2) == 0)
            am = TRUE;
          else if (len == 2 && g_ascii_strncasecmp (word, "PM", 2) == 0)
            pm = TRUE;
          else if (!is_weekday (word, len))
            lookup_zone_name (word, len, &parts->offset);
        }
      else if (*p == '(')
        {
          /* An RFC 822 comment, like "(PST)". */
          const char *close = strchr (p, ')');

          p = close != NULL ? close + 1 : p + strlen (p);
        }
      else
        {
          p++;
        }
    }

  if (day < 0 || month == 0 || year < 0)
    return FALSE;

  /* RFC 2822's rule for old two- and three-digit years. */
  if (year_digits <= 2)
    year += year < 50 ? 2000 : 1900;
  else if (year_digits == 3)
    year += 1900;

  if (pm && parts->hour < 12)
    parts->hour += 12;
  else if (am && parts->hour == 12)
    parts->hour = 0;

  parts->year = year;
  parts->month = month;
  parts->day = day;
  return TRUE;
}

/**
 * mw_feed_parse_date:
 * @text: (nullable): a date as a feed writes it
 *
 * Reads RFC 822 dates (RSS), RFC 3339 / ISO 8601 dates (Atom, JSON Feed, Dublin Core)
 * and the common ways feeds get either wrong. A date without a zone is taken as UTC,
 * one without a time as midnight.
 *
 * Returns: Unix seconds, or 0 when @text is missing or not a date we can read
 */
gint64
mw_feed_parse_date (const char *text)
{
  DateParts parts = { 0, };

  if (text == NULL)
    return 0;

  while (g_ascii_isspace (*text))
    text++;
  if (strlen (text) > DATE_COLLECT_BYTES)
    return 0;

  if (g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1]) &&
      g_ascii_isdigit (text[2]) && g_ascii_isdigit (text[3]) &&
      (text[4] == '-' || g_ascii_isdigit (text[4])))
    {
      if (parse_iso8601 (text, &parts))
        return date_parts_to_unix (&parts);
    }

  if (parse_rfc822 (text, &parts))
    return date_parts_to_unix (&parts);

  return 0;
}

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
static char *
resolve_reference (const char *base,
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
static char *
resolve_http_url (const char *base,
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

  resolved = resolve_reference (base, ref);
  if (resolved == NULL)
    return NULL;

  return finish_http_url (resolved);
}

static void
append_escaped (GString    *out,
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
static char *
absolutize_html (const char *html,
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
              absolute = resolve_http_url (base, start);
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
              append_escaped (out, absolute, strlen (absolute), TRUE);
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
      q = read_char_reference (q, end, &value);
      if (q == NULL)
        return NULL;
      value = fix_c1 (value);
      if (out != NULL && is_xml_char (value))
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
        c = html_entity_lookup (name, q - name);
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

typedef enum
{
  MARKUP_NONE,         /* plain text already */
  MARKUP_INLINE_TAGS,  /* escaped once too often: decode, drop formatting tags */
  MARKUP_HTML,         /* HTML: drop every tag, script and style, decode */
} MarkupMode;

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
static char *
clean_plain_text (const char *text,
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
  string_truncate_utf8 (out, max);
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
static char *
clean_title (const char *text,
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

  return clean_plain_text (text, mode, max);
}

/* "jane@example.com (Jane Doe)", RSS's form, shows as "Jane Doe". */
static char *
clean_author (const char *text)
{
  g_autofree char *clean = clean_title (text, FALSE, TITLE_MAX_BYTES);
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

      return clean_plain_text (name, MARKUP_NONE, TITLE_MAX_BYTES);
    }

  return g_steal_pointer (&clean);
}

/* HTML or text as published, without surrounding whitespace. */
static char *
finish_body (char *text)
{
  gsize len;

  if (text == NULL)
    return NULL;

  /* Cut between characters, the text stays valid UTF-8 (JSON strings were checked
   * when read, XML is valid after repair). */
  len = cut_utf8 (text, strnlen (text, HTML_MAX_BYTES + 1), HTML_MAX_BYTES);
  return trim_or_null (text, len);
}

/* The parsed model, shared by every format */

typedef struct
{
  MwParsedFeed *feed;
  const char   *base_url;
  char         *feed_author;            /* Atom and JSON Feed items inherit it */
  guint         icon_rank;
  gboolean      atom_without_namespace; /* an Atom feed that forgot its xmlns */
  char         *rss_namespace;          /* an RSS root's odd default namespace */
  gboolean      too_many_items;
} ParseState;

static void
parse_state_reset (ParseState *st)
{
  MwParsedFeed *feed = st->feed;

  g_ptr_array_set_size (feed->items, 0);
  g_clear_pointer (&feed->title, g_free);
  g_clear_pointer (&feed->link, g_free);
  g_clear_pointer (&feed->description, g_free);
  g_clear_pointer (&feed->icon_url, g_free);
  g_clear_pointer (&st->feed_author, g_free);
  st->icon_rank = 0;
  st->atom_without_namespace = FALSE;
  g_clear_pointer (&st->rss_namespace, g_free);
  st->too_many_items = FALSE;
}

/* Frees what the state owns; the feed is the caller's. */
static void
parse_state_clear (ParseState *st)
{
  g_clear_pointer (&st->feed_author, g_free);
  g_clear_pointer (&st->rss_namespace, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ParseState, parse_state_clear)

typedef struct
{
  char      *id;
  char      *permalink;      /* from an RSS guid, used when there is no link */
  char      *title;
  char      *title_fallback;
  gboolean   title_is_html;
  char      *link;
  char      *link_fallback;
  char      *author;
  guint      author_rank;
  gint64     published;
  gint64     published_fallback;
  gint64     updated;
  char      *summary;
  char      *summary_fallback;
  gboolean   summary_is_html;
  char      *content;
  gboolean   content_is_html;
  char      *html_base;      /* an explicit xml:base on the summary or content */
  GPtrArray *enclosures;
} ItemBuilder;

static void
item_builder_clear (ItemBuilder *b)
{
  g_free (b->id);
  g_free (b->permalink);
  g_free (b->title);
  g_free (b->title_fallback);
  g_free (b->link);
  g_free (b->link_fallback);
  g_free (b->author);
  g_free (b->summary);
  g_free (b->summary_fallback);
  g_free (b->content);
  g_free (b->html_base);
  g_clear_pointer (&b->enclosures, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ItemBuilder, item_builder_clear)

/* Keeps the first value found for a field, which matters when a feed repeats one. */
static void
take_first (char **field,
            char  *value)
{
  if (*field == NULL)
    *field = value;
  else
    g_free (value);
}

/* Sources of an author, best first: a name beats an e-mail address or a credit. */
enum
{
  AUTHOR_NAME = 1,
  AUTHOR_RSS,
  AUTHOR_ITUNES,
  AUTHOR_CONTRIBUTOR,
};

static void
take_author (ItemBuilder *b,
             char        *value,
             guint        rank)
{
  if (value != NULL && (b->author == NULL || rank < b->author_rank))
    {
      g_free (b->author);
      b->author = value;
      b->author_rank = rank;
    }
  else
    {
      g_free (value);
    }
}

static void
add_enclosure (ItemBuilder *b,
               char        *url,
               const char  *type,
               const char  *length)
{
  g_autofree char *owned_url = url;
  MwEnclosure *enclosure;
  gint64 bytes = -1;

  if (owned_url == NULL)
    return;

  if (b->enclosures == NULL)
    b->enclosures = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_enclosure_free);
  if (b->enclosures->len >= MAX_ENCLOSURES)
    return;

  /* Media RSS often repeats the enclosure; one entry per file is enough. */
  for (guint i = 0; i < b->enclosures->len; i++)
    {
      MwEnclosure *known = g_ptr_array_index (b->enclosures, i);

      if (strcmp (known->url, owned_url) == 0)
        return;
    }

  if (length != NULL)
    {
      char *end;
      gint64 value;

      while (g_ascii_isspace (*length))
        length++;
      value = g_ascii_strtoll (length, &end, 10);
      /* Podcast tools write 0 when they do not know; no real file is empty. */
      if (end != length && value > 0 && value < G_MAXINT64)
        bytes = value;
    }

  enclosure = g_new0 (MwEnclosure, 1);
  enclosure->url = g_steal_pointer (&owned_url);
  enclosure->length = bytes;
  if (type != NULL)
    {
      g_autofree char *clean = clean_plain_text (type, MARKUP_NONE, 255);

      /* A MIME type is one token with a slash; anything else is not worth passing on. */
      if (clean != NULL && strchr (clean, '/') != NULL && strchr (clean, ' ') == NULL)
        enclosure->type = g_ascii_strdown (clean, -1);
    }
  g_ptr_array_add (b->enclosures, enclosure);
}

static char *
clean_id (const char *text)
{
  g_autofree char *clean = clean_plain_text (text, MARKUP_NONE, ID_COLLECT_BYTES);

  if (clean == NULL)
    return NULL;

  /* Hashing keeps long ids distinct where cutting them would not. */
  if (strlen (clean) > ID_MAX_BYTES)
    {
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, clean, -1);

      return g_strconcat (DERIVED_ID_PREFIX, hash, NULL);
    }

  return g_steal_pointer (&clean);
}

/* An id for an item whose feed gives none: stable across fetches as long as the link
 * and title stay, and different for different articles. */
static char *
derive_id (MwParsedItem *item)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);

  if (item->link != NULL || item->title != NULL)
    {
      g_checksum_update (checksum, (const guchar *) (item->link ? item->link : ""), -1);
      g_checksum_update (checksum, (const guchar *) "\n", 1);
      g_checksum_update (checksum, (const guchar *) (item->title ? item->title : ""), -1);
    }
  else if (item->content != NULL)
    {
      g_checksum_update (checksum, (const guchar *) item->content, -1);
    }
  else if (item->enclosures->len > 0)
    {
      MwEnclosure *enclosure = g_ptr_array_index (item->enclosures, 0);

      g_checksum_update (checksum, (const guchar *) enclosure->url, -1);
    }

  return g_strconcat (DERIVED_ID_PREFIX, g_checksum_get_string (checksum), NULL);
}

static char *
finish_html_field (char       *text,
                   gboolean    is_html,
                   const char *base)
{
  text = finish_body (text);
  if (text != NULL && is_html)
    {
      char *absolute = absolutize_html (text, base);

      if (absolute != NULL)
        {
          g_free (text);
          text = finish_body (absolute);
        }
    }

  return text;
}

static void
add_item (ParseState  *st,
          ItemBuilder *b)
{
  MwParsedItem *item;
  const char *html_base;

  if (st->feed->items->len >= MAX_ITEMS)
    {
      st->too_many_items = TRUE;
      return;
    }

  item = g_new0 (MwParsedItem, 1);
  item->link = g_steal_pointer (&b->link);
  if (item->link == NULL)
    item->link = g_steal_pointer (&b->link_fallback);
  /* A guid is only a link when it is a whole address: "42" is not a page. */
  if (item->link == NULL && b->permalink != NULL)
    item->link = resolve_http_url (NULL, b->permalink);

  item->title = clean_title (b->title != NULL ? b->title : b->title_fallback,
                             b->title != NULL && b->title_is_html, TITLE_MAX_BYTES);
  item->author = clean_author (b->author);
  item->published = b->published != 0 ? b->published : b->published_fallback;
  item->updated = b->updated;

  /* Relative addresses in an article are relative to the article's page, unless the
   * feed said otherwise with xml:base. */
  html_base = b->html_base != NULL ? b->html_base : item->link != NULL ? item->link : st->base_url;
  if (b->summary != NULL)
    item->summary = finish_html_field (g_steal_pointer (&b->summary), b->summary_is_html,
                                       html_base);
  else
    item->summary = finish_html_field (g_steal_pointer (&b->summary_fallback), FALSE, html_base);
  item->content = finish_html_field (g_steal_pointer (&b->content), b->content_is_html,
                                     html_base);
  /* Many feeds put the whole article in the summary element. */
  if (item->content == NULL)
    item->content = g_strdup (item->summary);

  item->enclosures = b->enclosures != NULL ? g_steal_pointer (&b->enclosures) :
                     g_ptr_array_new_with_free_func ((GDestroyNotify) mw_enclosure_free);

  if (item->title == NULL && item->link == NULL && item->content == NULL &&
      item->enclosures->len == 0)
    {
      mw_parsed_item_free (item);
      return;
    }

  item->id = clean_id (b->id);
  if (item->id == NULL)
    item->id = derive_id (item);

  g_ptr_array_add (st->feed->items, item);
}

static void
set_feed_icon (ParseState *st,
               char       *url,
               guint       rank)
{
  if (url != NULL && (st->feed->icon_url == NULL || rank < st->icon_rank))
    {
      g_free (st->feed->icon_url);
      st->feed->icon_url = url;
      st->icon_rank = rank;
    }
  else
    {
      g_free (url);
    }
}

/* XML */

typedef enum
{
  NS_NONE,
  NS_RSS,       /* RSS 1.0, RSS 0.90, UserLand's RSS 2.0 */
  NS_RDF,
  NS_ATOM,      /* Atom 1.0 and 0.3 */
  NS_DC,
  NS_DCTERMS,
  NS_CONTENT,
  NS_MEDIA,
  NS_ITUNES,
  NS_XHTML,
  NS_OTHER,
} Namespace;

typedef struct
{
  const char *uri;
  gsize       uri_len;
  const char *prefix;   /* the usual prefix, for feeds that forget to declare it */
  Namespace   ns;
} KnownNamespace;

#define KNOWN(uri, prefix, ns) { uri, sizeof uri - 1, prefix, ns }

static const KnownNamespace known_namespaces[] = {
  KNOWN ("http://purl.org/rss/1.0/", NULL, NS_RSS),
  KNOWN ("http://my.netscape.com/rdf/simple/0.9/", NULL, NS_RSS),
  KNOWN ("http://backend.userland.com/rss2", NULL, NS_RSS),
  KNOWN ("http://backend.userland.com/rss", NULL, NS_RSS),
  KNOWN ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf", NS_RDF),
  KNOWN ("http://www.w3.org/2005/Atom", "atom", NS_ATOM),
  KNOWN ("http://purl.org/atom/ns#", NULL, NS_ATOM),
  KNOWN ("http://purl.org/dc/elements/1.1/", "dc", NS_DC),
  KNOWN ("http://purl.org/dc/terms/", "dcterms", NS_DCTERMS),
  KNOWN ("http://purl.org/rss/1.0/modules/content/", "content", NS_CONTENT),
  KNOWN ("http://search.yahoo.com/mrss/", "media", NS_MEDIA),
  KNOWN ("http://search.yahoo.com/mrss", NULL, NS_MEDIA),
  KNOWN ("http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes", NS_ITUNES),
  KNOWN ("http://www.w3.org/1999/xhtml", "xhtml", NS_XHTML),
};

#undef KNOWN

/* The local name of @node, and which of the namespaces we know it is in. */
static const char *
element_name (xmlNode   *node,
              Namespace *ns)
{
  const char *name = (const char *) node->name;

  if (node->ns != NULL && node->ns->href != NULL)
    {
      const char *href = (const char *) node->ns->href;
      gsize len = strlen (href);

      *ns = NS_OTHER;
      for (gsize i = 0; i < G_N_ELEMENTS (known_namespaces); i++)
        {
          if (known_namespaces[i].uri_len == len &&
              memcmp (href, known_namespaces[i].uri, len) == 0)
            {
              *ns = known_namespaces[i].ns;
              break;
            }
        }
      return name;
    }

  /* libxml2 keeps "prefix:local" as the name when the prefix was never declared. */
  *ns = NS_NONE;
  if (name != NULL)
    {
      const char *colon = strchr (name, ':');

      if (colon != NULL)
        {
          *ns = NS_OTHER;
          for (gsize i = 0; i < G_N_ELEMENTS (known_namespaces); i++)
            {
              const char *prefix = known_namespaces[i].prefix;

              if (prefix != NULL && strlen (prefix) == (gsize) (colon - name) &&
                  memcmp (name, prefix, colon - name) == 0)
                {
                  *ns = known_namespaces[i].ns;
                  break;
                }
            }
          return colon + 1;
        }
    }

  return name != NULL ? name : "";
}

/* RSS elements have no namespace, or RSS 1.0's, or whatever default namespace the
 * root element declared: feeds that put RSS in the Atom namespace exist. */
static gboolean
is_rss_element (ParseState *st,
                xmlNode    *node,
                Namespace   ns)
{
  return ns == NS_NONE || ns == NS_RSS ||
         (st->rss_namespace != NULL && node->ns != NULL &&
          streq (node->ns->href, st->rss_namespace));
}

static gboolean
is_atom_namespace (ParseState *st,
                   Namespace   ns)
{
  return ns == NS_ATOM || (ns == NS_NONE && st->atom_without_namespace);
}

static const char *
attribute_text (xmlAttr *attr)
{
  xmlNode *child = attr->children;

  if (child != NULL && child->next == NULL && child->type == XML_TEXT_NODE)
    return (const char *) child->content;

  return NULL;
}

/* An attribute of @node in no namespace, or in @ns when that is not NS_NONE. */
static const char *
get_attribute (xmlNode    *node,
               const char *name,
               Namespace   ns)
{
  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (!streq (attr->name, name))
        continue;
      if (ns == NS_NONE && attr->ns == NULL)
        return attribute_text (attr);
      if (ns == NS_RDF && attr->ns != NULL &&
          streq (attr->ns->href, "http://www.w3.org/1999/02/22-rdf-syntax-ns#"))
        return attribute_text (attr);
    }

  return NULL;
}

static const char *
xml_base_attribute (xmlNode *node)
{
  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (attr->ns != NULL && streq (attr->name, "base") &&
          streq (attr->ns->href, (const char *) XML_XML_NAMESPACE))
        return attribute_text (attr);
    }

  return NULL;
}

/* The base URI at @node: the feed's address with each xml:base from the root down
 * applied in turn. NULL when no xml:base applies, so callers use the feed's address
 * without copying it. */
static char *
explicit_base (ParseState *st,
               xmlNode    *node)
{
  const char *bases[32];
  guint n = 0;
  char *base;

  for (xmlNode *cur = node; cur != NULL && cur->type == XML_ELEMENT_NODE; cur = cur->parent)
    {
      const char *value = xml_base_attribute (cur);

      if (value != NULL && n < G_N_ELEMENTS (bases))
        bases[n++] = value;
    }
  if (n == 0)
    return NULL;

  base = g_strdup (st->base_url);
  while (n-- > 0)
    {
      char *resolved = resolve_reference (base, bases[n]);

      if (resolved != NULL)
        {
          g_free (base);
          base = resolved;
        }
    }

  return base;
}

static char *
resolve_at_node (ParseState *st,
                 xmlNode    *node,
                 const char *ref)
{
  g_autofree char *base = NULL;

  if (ref == NULL)
    return NULL;

  base = explicit_base (st, node);
  return resolve_http_url (base != NULL ? base : st->base_url, ref);
}

static void
append_capped (GString    *out,
               const char *text,
               gsize       max)
{
  if (out->len < max)
    g_string_append_len (out, text, cut_utf8 (text, strlen (text), max - out->len));
}

/* The text inside @node, markup left out, at most about @max bytes. Iterative, so
 * that no nesting depth can exhaust the stack. */
static char *
collect_text (xmlNode *node,
              gsize    max)
{
  xmlNode *cur = node->children;
  GString *out;

  if (cur == NULL)
    return NULL;
  if (cur->next == NULL && cur->type == XML_TEXT_NODE && cur->content != NULL)
    return strdup_capped ((const char *) cur->content, max);

  out = g_string_new (NULL);
  while (cur != NULL && out->len < max)
    {
      if ((cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) &&
          cur->content != NULL)
        append_capped (out, (const char *) cur->content, max);

      if (cur->type == XML_ELEMENT_NODE && cur->children != NULL)
        {
          cur = cur->children;
          continue;
        }
      while (cur != NULL && cur->next == NULL)
        {
          cur = cur->parent;
          if (cur == node)
            cur = NULL;
        }
      if (cur != NULL)
        cur = cur->next;
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_void_element (const char *name)
{
  static const char * const void_elements[] = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (void_elements); i++)
    if (g_ascii_strcasecmp (name, void_elements[i]) == 0)
      return TRUE;

  return FALSE;
}

static const char *
html_name (xmlNode *node)
{
  Namespace ns;

  return element_name (node, &ns);
}

/* Writes the children of @parent back as HTML: inline XHTML in Atom, and the
 * unescaped markup sloppy RSS feeds put in descriptions. */
static void
serialize_children (GString *out,
                    xmlNode *parent,
                    gsize    max)
{
  xmlNode *cur = parent->children;

  while (cur != NULL && out->len < max)
    {
      gboolean descend = FALSE;

      if (cur->type == XML_ELEMENT_NODE)
        {
          const char *name = html_name (cur);

          g_string_append_c (out, '<');
          g_string_append (out, name);
          for (xmlAttr *attr = cur->properties; attr != NULL; attr = attr->next)
            {
              g_string_append_c (out, ' ');
              g_string_append (out, (const char *) attr->name);
              g_string_append (out, "=\"");
              for (xmlNode *text = attr->children; text != NULL; text = text->next)
                {
                  if (text->type == XML_TEXT_NODE && text->content != NULL)
                    append_escaped (out, (const char *) text->content,
                                    strlen ((const char *) text->content), TRUE);
                }
              g_string_append_c (out, '"');
            }
          g_string_append_c (out, '>');

          if (cur->children != NULL)
            descend = TRUE;
          else if (!is_void_element (name))
            g_string_append_printf (out, "</%s>", name);
        }
      else if ((cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) &&
               cur->content != NULL)
        {
          const char *text = (const char *) cur->content;

          append_escaped (out, text, strlen (text), FALSE);
        }

      if (descend)
        {
          cur = cur->children;
          continue;
        }
      while (cur != NULL && cur->next == NULL)
        {
          cur = cur->parent;
          if (cur == parent)
            cur = NULL;
          else if (cur != NULL)
            g_string_append_printf (out, "</%s>", html_name (cur));
        }
      if (cur != NULL)
        cur = cur->next;
    }
}

static gboolean
has_element_children (xmlNode *node)
{
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE)
      return TRUE;

  return FALSE;
}

/* HTML as published: escaped text, or markup that was not escaped at all. */
static char *
collect_html (xmlNode *node)
{
  GString *out;

  if (!has_element_children (node))
    return collect_text (node, HTML_MAX_BYTES);

  out = g_string_new (NULL);
  serialize_children (out, node, HTML_MAX_BYTES);
  return g_string_free (out, FALSE);
}

/* Atom text constructs (and Atom 0.3's mode attribute). Returns NULL for content that
 * is not text at all, like base64 pictures. */
static char *
collect_atom_text (xmlNode  *node,
                   gsize     max,
                   gboolean *is_html)
{
  const char *type = get_attribute (node, "type", NS_NONE);
  const char *mode = get_attribute (node, "mode", NS_NONE);
  GString *out;
  xmlNode *div = NULL;

  *is_html = FALSE;
  if (mode != NULL && strcmp (mode, "base64") == 0)
    return NULL;

  if ((type == NULL || strcmp (type, "text") == 0 || strcmp (type, "text/plain") == 0) &&
      (mode == NULL || strcmp (mode, "xml") != 0))
    return collect_text (node, max);

  if (type != NULL && (strcmp (type, "html") == 0 || strcmp (type, "text/html") == 0) &&
      (mode == NULL || strcmp (mode, "xml") != 0))
    {
      *is_html = TRUE;
      return has_element_children (node) ? collect_html (node) : collect_text (node, max);
    }

  if ((type != NULL &&
       (strcmp (type, "xhtml") == 0 || strcmp (type, "application/xhtml+xml") == 0)) ||
      (mode != NULL && strcmp (mode, "xml") == 0))
    {
      /* The wrapping div is not part of the content. */
      for (xmlNode *child = node->children; child != NULL; child = child->next)
        {
          if (child->type == XML_ELEMENT_NODE)
            {
              div = g_ascii_strcasecmp (html_name (child), "div") == 0 ? child : NULL;
              break;
            }
        }
      out = g_string_new (NULL);
      serialize_children (out, div != NULL ? div : node, max);
      *is_html = TRUE;
      return g_string_free (out, FALSE);
    }

  if (type != NULL && g_str_has_prefix (type, "text/"))
    return collect_text (node, max);

  return NULL;
}

static gint64
collect_date (xmlNode *node)
{
  g_autofree char *text = collect_text (node, DATE_COLLECT_BYTES);

  return mw_feed_parse_date (text);
}

static void
take_html_base (ParseState  *st,
                ItemBuilder *b,
                xmlNode     *node)
{
  if (b->html_base == NULL)
    b->html_base = explicit_base (st, node);
}

static void
read_media_element (ParseState  *st,
                    ItemBuilder *b,
                    xmlNode     *node,
                    const char  *name)
{
  if (strcmp (name, "content") == 0)
    {
      const char *url = get_attribute (node, "url", NS_NONE);

      if (url != NULL)
        add_enclosure (b, resolve_at_node (st, node, url), get_attribute (node, "type", NS_NONE),
                       get_attribute (node, "fileSize", NS_NONE));
      /* media:content may hold the title and description of its own file. */
      for (xmlNode *child = node->children; child != NULL; child = child->next)
        {
          Namespace ns;
          const char *child_name;

          if (child->type != XML_ELEMENT_NODE)
            continue;
          child_name = element_name (child, &ns);
          if (ns == NS_MEDIA && strcmp (child_name, "content") != 0 &&
              strcmp (child_name, "group") != 0)
            read_media_element (st, b, child, child_name);
        }
    }
  else if (strcmp (name, "group") == 0)
    {
      for (xmlNode *child = node->children; child != NULL; child = child->next)
        {
          Namespace ns;
          const char *child_name;

          if (child->type != XML_ELEMENT_NODE)
            continue;
          child_name = element_name (child, &ns);
          if (ns == NS_MEDIA && strcmp (child_name, "group") != 0)
            read_media_element (st, b, child, child_name);
        }
    }
  else if (strcmp (name, "title") == 0)
    take_first (&b->title_fallback, collect_text (node, TITLE_COLLECT_BYTES));
  else if (strcmp (name, "description") == 0)
    take_first (&b->summary_fallback, collect_text (node, HTML_MAX_BYTES));
  else if (strcmp (name, "credit") == 0)
    take_author (b, collect_text (node, TITLE_COLLECT_BYTES), AUTHOR_CONTRIBUTOR);
}

/* Reads the name of an Atom person construct. */
static char *
collect_atom_person (ParseState *st,
                     xmlNode    *node)
{
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      Namespace ns;
      const char *name;

      if (child->type != XML_ELEMENT_NODE)
        continue;
      name = element_name (child, &ns);
      if (is_atom_namespace (st, ns) && strcmp (name, "name") == 0)
        return collect_text (child, TITLE_COLLECT_BYTES);
    }

  return NULL;
}

/* Elements other formats lend to RSS and Atom items. */
static gboolean
read_extension_element (ParseState  *st,
                        ItemBuilder *b,
                        xmlNode     *node,
                        Namespace    ns,
                        const char  *name)
{
  switch (ns)
    {
    case NS_CONTENT:
      if (strcmp (name, "encoded") == 0)
        {
          take_first (&b->content, collect_html (node));
          b->content_is_html = TRUE;
          take_html_base (st, b, node);
        }
      return TRUE;

    case NS_DC:
      if (strcmp (name, "creator") == 0)
        take_author (b, collect_text (node, TITLE_COLLECT_BYTES), AUTHOR_NAME);
      else if (strcmp (name, "date") == 0 && b->published_fallback == 0)
        b->published_fallback = collect_date (node);
      else if (strcmp (name, "title") == 0)
        take_first (&b->title_fallback, collect_text (node, TITLE_COLLECT_BYTES));
      else if (strcmp (name, "description") == 0)
        take_first (&b->summary_fallback, collect_text (node, HTML_MAX_BYTES));
      return TRUE;

    case NS_DCTERMS:
      if (strcmp (name, "modified") == 0 && b->updated == 0)
        b->updated = collect_date (node);
      else if ((strcmp (name, "created") == 0 || strcmp (name, "issued") == 0) &&
               b->published_fallback == 0)
        b->published_fallback = collect_date (node);
      return TRUE;

    case NS_MEDIA:
      read_media_element (st, b, node, name);
      return TRUE;

    case NS_ITUNES:
      if (strcmp (name, "author") == 0)
        take_author (b, collect_text (node, TITLE_COLLECT_BYTES), AUTHOR_ITUNES);
      else if (strcmp (name, "summary") == 0 || strcmp (name, "subtitle") == 0)
        take_first (&b->summary_fallback, collect_text (node, HTML_MAX_BYTES));
      return TRUE;

    case NS_NONE:
    case NS_RSS:
    case NS_RDF:
    case NS_ATOM:
    case NS_XHTML:
    case NS_OTHER:
    default:
      return FALSE;
    }
}

static void
read_rss_item (ParseState *st,
               xmlNode    *item)
{
  g_auto(ItemBuilder) b = { 0, };
  const char *about = get_attribute (item, "about", NS_RDF);

  for (xmlNode *child = item->children; child != NULL; child = child->next)
    {
      Namespace ns;
      const char *name;

      if (child->type != XML_ELEMENT_NODE)
        continue;
      name = element_name (child, &ns);

      if (is_rss_element (st, child, ns))
        {
          if (strcmp (name, "title") == 0)
            take_first (&b.title, collect_text (child, TITLE_COLLECT_BYTES));
          else if (strcmp (name, "link") == 0 && b.link == NULL)
            {
              g_autofree char *text = collect_text (child, URL_MAX_BYTES + 64);

              b.link = resolve_at_node (st, child, text);
            }
          else if (strcmp (name, "guid") == 0 && b.id == NULL)
            {
              const char *permalink = get_attribute (child, "isPermaLink", NS_NONE);

              b.id = collect_text (child, ID_COLLECT_BYTES);
              if (b.id != NULL &&
                  (permalink == NULL || g_ascii_strcasecmp (permalink, "false") != 0))
                b.permalink = g_strdup (b.id);
            }
          else if (strcmp (name, "description") == 0 && b.summary == NULL)
            {
              b.summary = collect_html (child);
              b.summary_is_html = TRUE;
              take_html_base (st, &b, child);
            }
          else if (strcmp (name, "author") == 0)
            take_author (&b, collect_text (child, TITLE_COLLECT_BYTES), AUTHOR_RSS);
          else if (strcmp (name, "pubDate") == 0 && b.published == 0)
            b.published = collect_date (child);
          else if (strcmp (name, "enclosure") == 0)
            {
              const char *url = get_attribute (child, "url", NS_NONE);

              if (url != NULL)
                add_enclosure (&b, resolve_at_node (st, child, url),
                               get_attribute (child, "type", NS_NONE),
                               get_attribute (child, "length", NS_NONE));
            }
        }
      else if (ns == NS_ATOM)
        {
          if (strcmp (name, "link") == 0 && b.link_fallback == NULL)
            {
              const char *rel = get_attribute (child, "rel", NS_NONE);

              if (rel == NULL || strcmp (rel, "alternate") == 0)
                b.link_fallback = resolve_at_node (st, child,
                                                   get_attribute (child, "href", NS_NONE));
            }
          else if (strcmp (name, "updated") == 0 && b.updated == 0)
            b.updated = collect_date (child);
          else if (strcmp (name, "published") == 0 && b.published_fallback == 0)
            b.published_fallback = collect_date (child);
        }
      else
        {
          read_extension_element (st, &b, child, ns, name);
        }
    }

  /* RSS 1.0 names each item with its address. */
  if (b.id == NULL && about != NULL)
    b.id = g_strdup (about);
  if (b.link == NULL && about != NULL)
    b.link_fallback = b.link_fallback ? b.link_fallback : resolve_at_node (st, item, about);

  add_item (st, &b);
}

static void
read_atom_entry (ParseState *st,
                 xmlNode    *entry)
{
  g_auto(ItemBuilder) b = { 0, };

  for (xmlNode *child = entry->children; child != NULL; child = child->next)
    {
      Namespace ns;
      const char *name;

      if (child->type != XML_ELEMENT_NODE)
        continue;
      name = element_name (child, &ns);

      if (is_atom_namespace (st, ns))
        {
          if (strcmp (name, "id") == 0)
            take_first (&b.id, collect_text (child, ID_COLLECT_BYTES));
          else if (strcmp (name, "title") == 0 && b.title == NULL)
            b.title = collect_atom_text (child, TITLE_COLLECT_BYTES, &b.title_is_html);
          else if (strcmp (name, "link") == 0)
            {
              const char *rel = get_attribute (child, "rel", NS_NONE);
              const char *href = get_attribute (child, "href", NS_NONE);

              if (href == NULL)
                continue;
              if (rel == NULL || strcmp (rel, "alternate") == 0 ||
                  strcmp (rel, "http://www.iana.org/assignments/relation/alternate") == 0)
                {
                  const char *type = get_attribute (child, "type", NS_NONE);

                  /* With several alternates, the web page is the one to open. */
                  if (b.link == NULL && (type == NULL || strstr (type, "html") != NULL))
                    b.link = resolve_at_node (st, child, href);
                  else if (b.link_fallback == NULL)
                    b.link_fallback = resolve_at_node (st, child, href);
                }
              else if (strcmp (rel, "enclosure") == 0)
                {
                  add_enclosure (&b, resolve_at_node (st, child, href),
                                 get_attribute (child, "type", NS_NONE),
                                 get_attribute (child, "length", NS_NONE));
                }
            }
          else if (strcmp (name, "author") == 0)
            take_author (&b, collect_atom_person (st, child), AUTHOR_NAME);
          else if (strcmp (name, "contributor") == 0)
            take_author (&b, collect_atom_person (st, child), AUTHOR_CONTRIBUTOR);
          else if ((strcmp (name, "published") == 0 || strcmp (name, "issued") == 0) &&
                   b.published == 0)
            b.published = collect_date (child);
          else if (strcmp (name, "created") == 0 && b.published_fallback == 0)
            b.published_fallback = collect_date (child);
          else if ((strcmp (name, "updated") == 0 || strcmp (name, "modified") == 0) &&
                   b.updated == 0)
            b.updated = collect_date (child);
          else if (strcmp (name, "summary") == 0 && b.summary == NULL)
            {
              b.summary = collect_atom_text (child, HTML_MAX_BYTES, &b.summary_is_html);
              take_html_base (st, &b, child);
            }
          else if (strcmp (name, "content") == 0 && b.content == NULL &&
                   get_attribute (child, "src", NS_NONE) == NULL)
            {
              b.content = collect_atom_text (child, HTML_MAX_BYTES, &b.content_is_html);
              take_html_base (st, &b, child);
            }
        }
      else
        {
          read_extension_element (st, &b, child, ns, name);
        }
    }

  add_item (st, &b);
}

static void
read_rss_metadata (ParseState *st,
                   xmlNode    *node)
{
  MwParsedFeed *feed = st->feed;
  Namespace ns;
  const char *name = element_name (node, &ns);

  if (ns == NS_ITUNES && strcmp (name, "image") == 0)
    {
      set_feed_icon (st, resolve_at_node (st, node, get_attribute (node, "href", NS_NONE)), 2);
      return;
    }
  if (!is_rss_element (st, node, ns))
    return;

  if (strcmp (name, "title") == 0 && feed->title == NULL)
    {
      g_autofree char *text = collect_text (node, TITLE_COLLECT_BYTES);

      feed->title = clean_title (text, FALSE, TITLE_MAX_BYTES);
    }
  else if (strcmp (name, "link") == 0 && feed->link == NULL)
    {
      g_autofree char *text = collect_text (node, URL_MAX_BYTES + 64);

      feed->link = resolve_at_node (st, node, text);
    }
  else if (strcmp (name, "description") == 0 && feed->description == NULL)
    {
      g_autofree char *text = collect_text (node, HTML_MAX_BYTES);

      feed->description = clean_title (text, FALSE, TEXT_MAX_BYTES);
    }
  else if (strcmp (name, "image") == 0)
    {
      const char *resource = get_attribute (node, "resource", NS_RDF);

      for (xmlNode *child = node->children; child != NULL; child = child->next)
        {
          Namespace child_ns;

          if (child->type == XML_ELEMENT_NODE &&
              strcmp (element_name (child, &child_ns), "url") == 0 &&
              is_rss_element (st, child, child_ns))
            {
              g_autofree char *text = collect_text (child, URL_MAX_BYTES + 64);

              set_feed_icon (st, resolve_at_node (st, child, text), 1);
            }
        }
      /* RSS 1.0 points at the image from its channel. */
      if (resource != NULL)
        set_feed_icon (st, resolve_at_node (st, node, resource), 1);
    }
}

static void
read_atom_metadata (ParseState *st,
                    xmlNode    *node)
{
  MwParsedFeed *feed = st->feed;
  Namespace ns;
  const char *name = element_name (node, &ns);
  gboolean is_html;

  if (!is_atom_namespace (st, ns))
    return;

  if (strcmp (name, "title") == 0 && feed->title == NULL)
    {
      g_autofree char *text = collect_atom_text (node, TITLE_COLLECT_BYTES, &is_html);

      feed->title = clean_title (text, is_html, TITLE_MAX_BYTES);
    }
  else if ((strcmp (name, "subtitle") == 0 || strcmp (name, "tagline") == 0) &&
           feed->description == NULL)
    {
      g_autofree char *text = collect_atom_text (node, HTML_MAX_BYTES, &is_html);

      feed->description = clean_title (text, is_html, TEXT_MAX_BYTES);
    }
  else if (strcmp (name, "link") == 0 && feed->link == NULL)
    {
      const char *rel = get_attribute (node, "rel", NS_NONE);

      if (rel == NULL || strcmp (rel, "alternate") == 0)
        feed->link = resolve_at_node (st, node, get_attribute (node, "href", NS_NONE));
    }
  else if (strcmp (name, "icon") == 0 || strcmp (name, "logo") == 0)
    {
      g_autofree char *text = collect_text (node, URL_MAX_BYTES + 64);

      /* The icon is square and small, as a feed list wants; the logo is a banner. */
      set_feed_icon (st, resolve_at_node (st, node, text), name[0] == 'i' ? 1 : 2);
    }
  else if (strcmp (name, "author") == 0 && st->feed_author == NULL)
    {
      st->feed_author = collect_atom_person (st, node);
    }
}

/* Walking the document */

typedef enum
{
  NODE_SKIP,
  NODE_DESCEND,
  NODE_ITEM,
  NODE_METADATA,
} NodeAction;

static NodeAction
classify_node (ParseState *st,
               xmlNode    *node)
{
  Namespace ns;
  const char *name = element_name (node, &ns);

  if (st->feed->format == MW_FEED_FORMAT_ATOM)
    {
      if (is_atom_namespace (st, ns) && strcmp (name, "entry") == 0)
        return NODE_ITEM;
      /* Only what the feed element itself holds describes the feed. */
      return node->parent != NULL && node->parent->parent != NULL &&
             node->parent->parent->type != XML_ELEMENT_NODE ? NODE_METADATA : NODE_SKIP;
    }

  if (is_rss_element (st, node, ns) && strcmp (name, "item") == 0)
    return NODE_ITEM;
  if (is_rss_element (st, node, ns) && strcmp (name, "channel") == 0)
    return NODE_DESCEND;

  /* Children of the channel, or of the root: RSS 1.0 puts items and the image beside
   * the channel, and so do some broken RSS 2.0 feeds. */
  return NODE_METADATA;
}

static void
handle_node (ParseState *st,
             xmlNode    *node,
             NodeAction  action)
{
  if (action == NODE_ITEM)
    {
      if (st->feed->format == MW_FEED_FORMAT_ATOM)
        read_atom_entry (st, node);
      else
        read_rss_item (st, node);
    }
  else if (action == NODE_METADATA)
    {
      if (st->feed->format == MW_FEED_FORMAT_ATOM)
        read_atom_metadata (st, node);
      else
        read_rss_metadata (st, node);
    }
}

/* Decides the format from the root element. */
static gboolean
start_document (ParseState *st,
                xmlNode    *root,
                GError    **error)
{
  Namespace ns;
  const char *name = element_name (root, &ns);

  if (strcmp (name, "rss") == 0 ||
      (strcmp (name, "channel") == 0 && (ns == NS_NONE || ns == NS_RSS)))
    {
      st->feed->format = MW_FEED_FORMAT_RSS;
      if (root->ns != NULL && root->ns->href != NULL && ns != NS_RSS)
        st->rss_namespace = g_strdup ((const char *) root->ns->href);
    }
  else if (strcmp (name, "RDF") == 0 && (ns == NS_RDF || ns == NS_NONE))
    st->feed->format = MW_FEED_FORMAT_RDF;
  else if (strcmp (name, "feed") == 0 && (ns == NS_ATOM || ns == NS_NONE))
    {
      st->feed->format = MW_FEED_FORMAT_ATOM;
      st->atom_without_namespace = ns == NS_NONE;
    }
  else if (g_ascii_strcasecmp (name, "html") == 0)
    {
      g_set_error_literal (error, MW_FEED_ERROR, MW_FEED_ERROR_HTML,
                           _("Not a feed: the server sent an HTML page"));
      return FALSE;
    }
  else
    {
      g_set_error_literal (error, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED,
                           _("Not a feed: the document is neither RSS, Atom nor JSON Feed"));
      return FALSE;
    }

  return TRUE;
}

typedef enum
{
  WALK_COMPLETE,
  WALK_DAMAGED,
  WALK_REFUSED,   /* an error is set */
} WalkResult;

/* The fast path: streams through the document, expanding one item (or one piece of
 * feed metadata) at a time into a small tree that is freed as the reader moves on. */
static WalkResult
walk_with_reader (ParseState *st,
                  const char *doc,
                  gsize       len,
                  GError    **error)
{
  xmlTextReaderPtr reader;
  gboolean started = FALSE;
  int ret;

  /* libxml2 counts in ints. MW_FEED_MAX_BYTES keeps documents far below, even
   * after repairs that lengthen them. */
  if (len > G_MAXINT)
    return WALK_DAMAGED;

  reader = xmlReaderForMemory (doc, (int) len, NULL, NULL, XML_PARSE_OPTIONS);
  if (reader == NULL)
    return WALK_DAMAGED;

  ret = xmlTextReaderRead (reader);
  while (ret == 1 && !st->too_many_items)
    {
      xmlNode *node;
      NodeAction action;

      if (xmlTextReaderNodeType (reader) != XML_READER_TYPE_ELEMENT)
        {
          ret = xmlTextReaderRead (reader);
          continue;
        }

      node = xmlTextReaderCurrentNode (reader);
      if (!started)
        {
          if (!start_document (st, node, error))
            {
              xmlFreeTextReader (reader);
              return WALK_REFUSED;
            }
          started = TRUE;
          ret = xmlTextReaderRead (reader);
          continue;
        }

      action = classify_node (st, node);
      if (action == NODE_DESCEND)
        {
          ret = xmlTextReaderRead (reader);
          continue;
        }
      if (action != NODE_SKIP)
        {
          node = xmlTextReaderExpand (reader);
          if (node == NULL)
            {
              ret = -1;
              break;
            }
          handle_node (st, node, action);
        }
      ret = xmlTextReaderNext (reader);
    }

  xmlFreeTextReader (reader);

  if (!started && ret != -1)
    ret = -1;

  return ret == -1 ? WALK_DAMAGED : WALK_COMPLETE;
}

static const char element_closed_mark = 0;

/* Marks elements the parser saw the end of: those it did not were cut off by a
 * truncated download and hold half a title or half an address. */
static void
mark_closed_end_element (void          *ctx,
                         const xmlChar *localname,
                         const xmlChar *prefix,
                         const xmlChar *uri)
{
  xmlParserCtxtPtr ctxt = ctx;

  if (ctxt->node != NULL)
    ctxt->node->_private = (void *) &element_closed_mark;
  xmlSAX2EndElementNs (ctx, localname, prefix, uri);
}

static void
walk_tree (ParseState *st,
           xmlNode    *parent,
           guint       depth)
{
  for (xmlNode *node = parent->children; node != NULL && !st->too_many_items; node = node->next)
    {
      NodeAction action;

      if (node->type != XML_ELEMENT_NODE)
        continue;

      action = classify_node (st, node);
      if (action == NODE_DESCEND && depth < 8)
        walk_tree (st, node, depth + 1);
      else if (node->_private == &element_closed_mark)
        handle_node (st, node, action);
    }
}

/* The slow path for damaged documents: libxml2's recovery builds what tree it can. */
static WalkResult
walk_recovered_tree (ParseState *st,
                     const char *doc,
                     gsize       len,
                     GError    **error)
{
  xmlParserCtxtPtr ctxt;
  xmlDocPtr tree;
  xmlNode *root;
  WalkResult result = WALK_DAMAGED;

  if (len > G_MAXINT)
    return WALK_DAMAGED;

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    return WALK_DAMAGED;
  ctxt->sax->endElementNs = mark_closed_end_element;

  tree = xmlCtxtReadMemory (ctxt, doc, (int) len, NULL, NULL, XML_PARSE_OPTIONS);
  root = tree != NULL ? xmlDocGetRootElement (tree) : NULL;
  if (root != NULL)
    {
      if (start_document (st, root, error))
        {
          walk_tree (st, root, 0);
        }
      else
        {
          result = WALK_REFUSED;
        }
    }

  g_clear_pointer (&tree, xmlFreeDoc);
  xmlFreeParserCtxt (ctxt);

  return result;
}

/* JSON Feed */

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

  return value != NULL ? ensure_utf8 (strdup_capped (value, max)) : NULL;
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
read_json_item (ParseState *st,
                JsonObject *object)
{
  g_auto(ItemBuilder) b = { 0, };
  JsonNode *id = json_object_get_member (object, "id");
  JsonArray *attachments = json_array (object, "attachments");

  /* The spec wants a string; some generators write a number. */
  if (id != NULL && JSON_NODE_HOLDS_VALUE (id))
    {
      GType type = json_node_get_value_type (id);

      if (type == G_TYPE_STRING)
        b.id = ensure_utf8 (strdup_capped (json_node_get_string (id), ID_COLLECT_BYTES));
      else if (type == G_TYPE_INT64)
        b.id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
    }

  b.link = resolve_http_url (st->base_url, json_string (object, "url"));
  b.link_fallback = resolve_http_url (st->base_url, json_string (object, "external_url"));
  b.title = json_strdup (object, "title", TITLE_COLLECT_BYTES);
  b.author = json_author (object);
  b.published = mw_feed_parse_date (json_string (object, "date_published"));
  b.updated = mw_feed_parse_date (json_string (object, "date_modified"));
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
      add_enclosure (&b, resolve_http_url (st->base_url, json_string (attachment, "url")),
                     json_string (attachment, "mime_type"), length);
    }

  add_item (st, &b);
}

/* json-glib recurses once per nesting level; a document of a million '[' would take
 * the stack with it. JSON Feed needs a handful of levels. */
static gboolean
json_nesting_is_sane (const char *doc,
                      gsize       len)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = doc[i];

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
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

static gboolean
read_json_feed (ParseState *st,
                const char *doc,
                gsize       len,
                GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *valid = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonArray *items;
  const char *version;

  if (!g_utf8_validate_len (doc, len, NULL))
    {
      valid = g_utf8_make_valid (doc, len);
      doc = valid;
      len = strlen (valid);
    }

  parser = json_parser_new ();
  if (!json_nesting_is_sane (doc, len) || !json_parser_load_from_data (parser, doc, len, NULL))
    {
      g_set_error_literal (error, MW_FEED_ERROR, MW_FEED_ERROR_MALFORMED,
                           _("The feed is damaged and nothing in it could be read"));
      return FALSE;
    }

  root = json_parser_get_root (parser);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  version = json_string (object, "version");
  items = json_array (object, "items");
  if (object == NULL ||
      (version != NULL ? strstr (version, "jsonfeed.org/version/1") == NULL : items == NULL))
    {
      g_set_error_literal (error, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED,
                           _("Not a feed: the document is neither RSS, Atom nor JSON Feed"));
      return FALSE;
    }

  st->feed->format = MW_FEED_FORMAT_JSON;
  {
    g_autofree char *title = json_strdup (object, "title", TITLE_COLLECT_BYTES);
    g_autofree char *description = json_strdup (object, "description", HTML_MAX_BYTES);

    st->feed->title = clean_title (title, FALSE, TITLE_MAX_BYTES);
    st->feed->description = clean_title (description, FALSE, TEXT_MAX_BYTES);
  }
  st->feed->link = resolve_http_url (st->base_url, json_string (object, "home_page_url"));
  set_feed_icon (st, resolve_http_url (st->base_url, json_string (object, "icon")), 1);
  set_feed_icon (st, resolve_http_url (st->base_url, json_string (object, "favicon")), 2);
  st->feed_author = json_author (object);

  for (guint i = 0; items != NULL && i < json_array_get_length (items) && !st->too_many_items; i++)
    {
      JsonNode *node = json_array_get_element (items, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        read_json_item (st, json_node_get_object (node));
    }

  return TRUE;
}

/* Sniffing */

static gboolean
looks_like_html (const char *doc,
                 gsize       len)
{
  const char *end = doc + MIN (len, 4096);
  const char *p = doc;

  for (;;)
    {
      while (p < end && g_ascii_isspace (*p))
        p++;
      if (end - p >= 2 && p[0] == '<' && p[1] == '?')
        p = skip_past (p + 2, end, "?>");
      else if (end - p >= 4 && memcmp (p, "<!--", 4) == 0)
        p = skip_past (p + 4, end, "-->");
      else
        break;
    }

  if (has_prefix_ascii_ci (p, end - p, "<!doctype"))
    {
      p += strlen ("<!doctype");
      while (p < end && g_ascii_isspace (*p))
        p++;
      return has_prefix_ascii_ci (p, end - p, "html");
    }

  return (has_prefix_ascii_ci (p, end - p, "<html") ||
          has_prefix_ascii_ci (p, end - p, "<head") ||
          has_prefix_ascii_ci (p, end - p, "<body")) &&
         end - p > 5 && (g_ascii_isspace (p[5]) || p[5] == '>');
}

static gboolean
content_type_is_html (const char *content_type)
{
  return content_type != NULL &&
         (has_prefix_ascii_ci (content_type, strlen (content_type), "text/html") ||
          has_prefix_ascii_ci (content_type, strlen (content_type), "application/xhtml"));
}

/* Skips whitespace, and the PHP warnings and such that some servers print before the
 * document; returns NULL if no markup or JSON starts near the beginning. */
static const char *
find_document_start (const char *doc,
                     gsize       len)
{
  const char *end = doc + len;
  const char *p = doc;
  const char *decl;

  while (p < end && (g_ascii_isspace (*p) || *p == '\0'))
    p++;

  /* The declaration can only come first: whatever is before it is not the feed. */
  decl = g_strstr_len (p, MIN (end - p, 4096), "<?xml");
  if (decl != NULL)
    return decl;
  if (p < end && (*p == '<' || *p == '{' || *p == '['))
    return p;

  return NULL;
}

static void
init_libxml (void)
{
  static gsize initialized = 0;

  /* libxml2 sets up its globals here; doing it twice at once from two threads is
   * what it does not survive. */
  if (g_once_init_enter (&initialized))
    {
      xmlInitParser ();
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * mw_feed_parse:
 * @data: (array length=length): the document, as downloaded
 * @length: its size in bytes
 * @content_type: (nullable): the Content-Type header, whose charset wins over the
 *   document's own declaration
 * @base_url: (nullable): the final address of the document, after redirects, which
 *   relative links are resolved against
 * @error: return location for a #MW_FEED_ERROR
 *
 * Reads an RSS 0.9x/2.0, RSS 1.0, Atom or JSON Feed document, recognised by its
 * content. Damaged documents give what could be recovered, with
 * #MwParsedFeed.problem saying so. Safe to call from any thread.
 *
 * Returns: (transfer full) (nullable): the feed, or %NULL with @error set when
 *   nothing in @data could be used
 */
MwParsedFeed *
mw_feed_parse (const guint8 *data,
               gsize         length,
               const char   *content_type,
               const char   *base_url,
               GError      **error)
{
  g_autoptr(MwParsedFeed) feed = NULL;
  g_autoptr(GString) decoded = NULL;
  g_autoptr(GString) repaired = NULL;
  g_auto(ParseState) st = { NULL, };
  const char *doc;
  const char *start;
  gsize doc_len;
  gsize skip = 0;
  gboolean is_json;
  WalkResult result;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > MW_FEED_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size (MW_FEED_MAX_BYTES);

      g_set_error (error, MW_FEED_ERROR, MW_FEED_ERROR_TOO_LARGE,
                   _("The feed is too large: it is over %s"), limit);
      return NULL;
    }

  {
    gsize i = 0;

    while (i < length && (g_ascii_isspace (data[i]) || data[i] == 0))
      i++;
    if (i == length)
      {
        g_set_error_literal (error, MW_FEED_ERROR, MW_FEED_ERROR_EMPTY,
                             _("The feed is empty: the server sent no content"));
        return NULL;
      }
  }

  /* JSON has no declaration to read, and its first character says what it is. */
  {
    gsize i = 0;

    while (i < length && g_ascii_isspace (data[i]))
      i++;
    if (i + 3 <= length && data[i] == 0xef && data[i + 1] == 0xbb && data[i + 2] == 0xbf)
      i += 3;
    while (i < length && g_ascii_isspace (data[i]))
      i++;
    is_json = i < length && (data[i] == '{' || data[i] == '[');
  }

  decoded = decode_document (data, length, content_type, !is_json, &skip);
  if (decoded != NULL)
    {
      doc = decoded->str;
      doc_len = decoded->len;
    }
  else
    {
      doc = (const char *) data + skip;
      doc_len = length - skip;
    }

  start = find_document_start (doc, doc_len);
  if (start == NULL)
    {
      if (content_type_is_html (content_type))
        g_set_error_literal (error, MW_FEED_ERROR, MW_FEED_ERROR_HTML,
                             _("Not a feed: the server sent an HTML page"));
      else
        g_set_error_literal (error, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED,
                             _("Not a feed: the document is neither RSS, Atom nor JSON Feed"));
      return NULL;
    }
  doc_len -= start - doc;
  doc = start;

  feed = g_new0 (MwParsedFeed, 1);
  feed->items = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_parsed_item_free);
  st.feed = feed;
  st.base_url = base_url;

  if (*doc == '{' || *doc == '[')
    {
      if (!read_json_feed (&st, doc, doc_len, error))
        return NULL;
      result = WALK_COMPLETE;
    }
  else
    {
      if (looks_like_html (doc, doc_len))
        {
          g_set_error_literal (error, MW_FEED_ERROR, MW_FEED_ERROR_HTML,
                               _("Not a feed: the server sent an HTML page"));
          return NULL;
        }

      repaired = repair_xml (doc, doc_len);
      if (repaired != NULL)
        {
          doc = repaired->str;
          doc_len = repaired->len;
        }
      init_libxml ();
      result = walk_with_reader (&st, doc, doc_len, error);
      if (result == WALK_DAMAGED)
        {
          g_autoptr(GString) escaped = repair_stray_less_than (doc, doc_len);

          /* Each attempt starts over: partial results are a subset of the next ones. */
          if (escaped != NULL)
            {
              parse_state_reset (&st);
              result = walk_with_reader (&st, escaped->str, escaped->len, error);
            }
          if (result == WALK_DAMAGED)
            {
              parse_state_reset (&st);
              result = walk_recovered_tree (&st, escaped ? escaped->str : doc,
                                            escaped ? escaped->len : doc_len, error);
            }
        }
    }

  if (result == WALK_REFUSED)
    return NULL;

  if (result == WALK_DAMAGED)
    {
      if (feed->items->len == 0 && feed->title == NULL)
        {
          g_set_error_literal (error, MW_FEED_ERROR, MW_FEED_ERROR_MALFORMED,
                               _("The feed is damaged and nothing in it could be read"));
          return NULL;
        }
      feed->problem = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "The feed is damaged; %u item could be read.",
                                                    "The feed is damaged; %u items could be read.",
                                                    feed->items->len),
                                       feed->items->len);
    }
  else if (st.too_many_items)
    {
      feed->problem =
        g_strdup_printf (_("The feed has too many items; only the first %u were read."),
                         (guint) MAX_ITEMS);
    }

  /* Atom and JSON Feed define the feed's author as the author of every item that
   * names none. */
  if (st.feed_author != NULL)
    {
      g_autofree char *author = clean_author (st.feed_author);

      for (guint i = 0; author != NULL && i < feed->items->len; i++)
        {
          MwParsedItem *item = g_ptr_array_index (feed->items, i);

          if (item->author == NULL)
            item->author = g_strdup (author);
        }
    }

  return g_steal_pointer (&feed);
}
