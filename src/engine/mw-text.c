/* mw-text.c: text as bytes, for every reader of untrusted documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cutting UTF-8 between characters, and telling a web page from a feed by its first
 * element, the same way wherever it is done.
 */
#define G_LOG_DOMAIN "mw-text"

#include "config.h"

#include <string.h>

#include "mw-text.h"

/**
 * mw_text_cut_utf8:
 * @str: (array length=len): UTF-8 text
 * @len: its length in bytes
 * @max: the most bytes to keep
 *
 * Returns: the largest length <= @max that does not split a character of @str
 */
gsize
mw_text_cut_utf8 (const char *str,
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

/* Sniffing */

/* How far into a body we look to tell a page from a feed. A feed's root element comes
 * after at most an XML declaration, a stylesheet instruction and a comment or two. */
#define SNIFF_WINDOW_BYTES 2048

/* The tags that start an HTML document in the WHATWG MIME sniffing standard. */
static const char * const html_start_tags[] = {
  "html", "head", "body", "script", "iframe", "h1", "div", "font", "table", "a", "style",
  "title", "b", "br", "p",
};

/* Local names of the root elements of RSS, Atom and RSS 1.0 (RDF). */
static const char * const feed_root_names[] = { "rss", "feed", "RDF" };

static inline gboolean
is_sniff_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static gboolean
has_prefix_ci (const char *p,
               const char *end,
               const char *prefix)
{
  gsize len = strlen (prefix);

  return (gsize) (end - p) >= len && g_ascii_strncasecmp (p, prefix, len) == 0;
}

/* Returns where @needle starts in [@p, @end), or NULL. */
static const char *
find_bytes (const char *p,
            const char *end,
            const char *needle,
            gboolean    ignore_case)
{
  gsize len = strlen (needle);

  for (; (gsize) (end - p) >= len; p++)
    {
      if (ignore_case ? g_ascii_strncasecmp (p, needle, len) == 0 : memcmp (p, needle, len) == 0)
        return p;
    }

  return NULL;
}

static gboolean
name_in_list (const char         *name,
              gsize               len,
              const char * const *list,
              gsize               n_list)
{
  gsize i;

  for (i = 0; i < n_list; i++)
    {
      if (strlen (list[i]) == len && g_ascii_strncasecmp (name, list[i], len) == 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * mw_text_sniff:
 * @data: (array length=length) (nullable): the start of a document
 * @length: the number of bytes in @data
 *
 * Looks at the first element of a document, after its XML declaration, processing
 * instructions, comments and doctype, the way a browser's sniffer does, but also
 * recognising feeds. Only the first SNIFF_WINDOW_BYTES are read.
 *
 * Returns: what the document starts as, if it says
 */
MwTextSniff
mw_text_sniff (const guint8 *data,
               gsize         length)
{
  const char *p = (const char *) data;
  const char *end;
  gboolean xml_declaration = FALSE;

  if (data == NULL || length == 0)
    return MW_TEXT_SNIFF_UNKNOWN;

  end = p + MIN (length, SNIFF_WINDOW_BYTES);
  if (has_prefix_ci (p, end, "\xef\xbb\xbf"))
    p += 3;

  while (p < end)
    {
      const char *name;
      const char *colon;

      while (p < end && is_sniff_space (*p))
        p++;
      if (p == end)
        break;

      if (*p == '{')
        {
          /* JSON Feed declares itself with its version URL near the top. */
          if (find_bytes (p, end, "jsonfeed.org/version", TRUE) != NULL)
            return MW_TEXT_SNIFF_FEED;
          return MW_TEXT_SNIFF_UNKNOWN;
        }

      if (*p != '<')
        return MW_TEXT_SNIFF_UNKNOWN;

      if (has_prefix_ci (p, end, "<?"))
        {
          const char *close = find_bytes (p + 2, end, "?>", FALSE);

          if (has_prefix_ci (p, end, "<?xml"))
            xml_declaration = TRUE;
          if (close == NULL)
            break;
          p = close + 2;
          continue;
        }

      if (has_prefix_ci (p, end, "<!--"))
        {
          const char *close = find_bytes (p + 4, end, "-->", FALSE);

          if (close == NULL)
            break;
          p = close + 3;
          continue;
        }

      if (has_prefix_ci (p, end, "<!DOCTYPE"))
        {
          const char *q = p + strlen ("<!DOCTYPE");
          const char *close;

          while (q < end && is_sniff_space (*q))
            q++;
          if (has_prefix_ci (q, end, "html") &&
              (q + 4 == end || is_sniff_space (q[4]) || q[4] == '>'))
            return MW_TEXT_SNIFF_HTML;

          /* Another doctype, perhaps with an internal subset whose declarations
           * contain '>'; skip it and look at the root element. */
          close = find_bytes (q, end, ">", FALSE);
          if (close != NULL)
            {
              const char *subset = find_bytes (q, close, "[", FALSE);

              if (subset != NULL)
                {
                  const char *subset_end = find_bytes (subset, end, "]", FALSE);

                  close = subset_end != NULL ? find_bytes (subset_end, end, ">", FALSE) : NULL;
                }
            }
          if (close == NULL)
            break;
          p = close + 1;
          continue;
        }

      /* An element: its name ends at a space, '>' or '/', or where the data ends. */
      name = ++p;
      while (p < end && !is_sniff_space (*p) && *p != '>' && *p != '/')
        p++;
      if (p == name)
        return MW_TEXT_SNIFF_UNKNOWN;

      if (name_in_list (name, p - name, html_start_tags, G_N_ELEMENTS (html_start_tags)))
        return MW_TEXT_SNIFF_HTML;

      colon = memchr (name, ':', p - name);
      if (colon != NULL)
        name = colon + 1;
      if (name_in_list (name, p - name, feed_root_names, G_N_ELEMENTS (feed_root_names)))
        return MW_TEXT_SNIFF_FEED;

      return MW_TEXT_SNIFF_UNKNOWN;
    }

  /* The window ended inside the prolog (a long comment or doctype). An XML document that
   * mentions a feed root this early is a feed; HTML rarely starts with an XML
   * declaration, and when it does its <html> comes first. */
  if (xml_declaration &&
      (find_bytes ((const char *) data, end, "<rss", FALSE) != NULL ||
       find_bytes ((const char *) data, end, "<feed", FALSE) != NULL ||
       find_bytes ((const char *) data, end, "<rdf:RDF", FALSE) != NULL))
    return MW_TEXT_SNIFF_FEED;

  return MW_TEXT_SNIFF_UNKNOWN;
}
