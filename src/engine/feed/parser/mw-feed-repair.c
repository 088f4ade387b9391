/* mw-feed-repair.c: repairing feed documents before libxml2 reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-feed-repair"

#include "config.h"

#include <string.h>

#include "mw-feed-text-private.h"

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
const char *
_mw_feed_skip_past (const char *p,
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
        p = _mw_feed_skip_past (p + 4, end, "-->") - 1;
      else if (*p == '<' && end - p >= 2 && p[1] == '?')
        p = _mw_feed_skip_past (p + 2, end, "?>") - 1;
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
        p = _mw_feed_skip_past (p + 2, end, "?>");
      else if (end - p >= 4 && memcmp (p, "<!--", 4) == 0)
        p = _mw_feed_skip_past (p + 4, end, "-->");
      else
        break;
    }

  if (_mw_feed_has_prefix_ascii_ci (p, end - p, "<!DOCTYPE"))
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
const char *
_mw_feed_read_char_reference (const char *p,
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
      q = _mw_feed_read_char_reference (q, end, &value);
      if (q != NULL)
        {
          if (value >= 0x80 && value <= 0x9f)
            repair_replace_reference (repair, p, q, _mw_feed_fix_c1 (value));
          else if (!_mw_feed_is_xml_char (value))
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

          if (_mw_feed_is_predefined_entity (name, q - name))
            return q + 1;
          c = _mw_feed_html_entity_lookup (name, q - name);
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
          seq = _mw_feed_decode_utf8 ((const guchar *) p, (const guchar *) end, &c);
          if (seq == 0)
            {
              repair_replace_char (repair, p, p + 1, _mw_feed_fix_c1 ((guchar) *p));
              p++;
            }
          else
            {
              if (c >= 0x80 && c <= 0x9f)
                repair_replace_char (repair, p, p + seq, _mw_feed_fix_c1 (c));
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
GString *
_mw_feed_repair_xml (const char *data,
                     gsize       len)
{
  Repair repair = { NULL, data, len, data, FALSE };
  const char *end = data + len;
  const char *doctype_end = NULL;
  const char *doctype;

  g_assert (data != NULL);
  doctype = find_doctype (data, end, &doctype_end);

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
GString *
_mw_feed_repair_stray_less_than (const char *data,
                                 gsize       len)
{
  Repair repair = { NULL, data, len, data, FALSE };
  const char *end = data + len;
  const char *p = data;

  while ((p = memchr (p, '<', end - p)) != NULL)
    {
      const char *next = p + 1;

      if (end - p >= 9 && memcmp (p, "<![CDATA[", 9) == 0)
        p = _mw_feed_skip_past (p + 9, end, "]]>");
      else if (end - p >= 4 && memcmp (p, "<!--", 4) == 0)
        p = _mw_feed_skip_past (p + 4, end, "-->");
      else if (next < end && *next == '?')
        p = _mw_feed_skip_past (next, end, "?>");
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
