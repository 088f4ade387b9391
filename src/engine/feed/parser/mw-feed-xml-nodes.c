/* mw-feed-xml-nodes.c: what one XML element says: its namespace, attributes, base, text, HTML
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Namespaces are recognised by their address, or by the usual prefix when a feed forgot
 * to declare it. Text is collected iteratively and within a bound, so that no nesting
 * depth or field size can exhaust the stack or the memory.
 */
#define G_LOG_DOMAIN "mw-feed-xml-nodes"

#include "config.h"

#include <string.h>

#include "mw-feed-parser-private.h"
#include "mw-text.h"

static gboolean
streq (const xmlChar *a,
       const char    *b)
{
  return a != NULL && strcmp ((const char *) a, b) == 0;
}

typedef struct
{
  const char     *uri;
  gsize           uri_len;
  const char     *prefix;   /* the usual prefix, for feeds that forget to declare it */
  MwFeedNamespace ns;
} KnownNamespace;

#define KNOWN(uri, prefix, ns) { uri, sizeof uri - 1, prefix, ns }

static const KnownNamespace known_namespaces[] = {
  KNOWN ("http://purl.org/rss/1.0/", NULL, MW_NS_RSS),
  KNOWN ("http://my.netscape.com/rdf/simple/0.9/", NULL, MW_NS_RSS),
  KNOWN ("http://backend.userland.com/rss2", NULL, MW_NS_RSS),
  KNOWN ("http://backend.userland.com/rss", NULL, MW_NS_RSS),
  KNOWN ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf", MW_NS_RDF),
  KNOWN ("http://www.w3.org/2005/Atom", "atom", MW_NS_ATOM),
  KNOWN ("http://purl.org/atom/ns#", NULL, MW_NS_ATOM),
  KNOWN ("http://purl.org/dc/elements/1.1/", "dc", MW_NS_DC),
  KNOWN ("http://purl.org/dc/terms/", "dcterms", MW_NS_DCTERMS),
  KNOWN ("http://purl.org/rss/1.0/modules/content/", "content", MW_NS_CONTENT),
  KNOWN ("http://search.yahoo.com/mrss/", "media", MW_NS_MEDIA),
  KNOWN ("http://search.yahoo.com/mrss", NULL, MW_NS_MEDIA),
  KNOWN ("http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes", MW_NS_ITUNES),
  KNOWN ("http://www.w3.org/1999/xhtml", "xhtml", MW_NS_XHTML),
};

#undef KNOWN

/* The local name of @node, and which of the namespaces we know it is in. */
const char *
_mw_feed_element_name (xmlNode         *node,
                       MwFeedNamespace *ns)
{
  const char *name = (const char *) node->name;

  if (node->ns != NULL && node->ns->href != NULL)
    {
      const char *href = (const char *) node->ns->href;
      gsize len = strlen (href);

      *ns = MW_NS_OTHER;
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
  *ns = MW_NS_NONE;
  if (name != NULL)
    {
      const char *colon = strchr (name, ':');

      if (colon != NULL)
        {
          *ns = MW_NS_OTHER;
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

/* The first element at or after NODE among its siblings: the text, comments and
 * whitespace between the elements of a feed are never fields. */
static xmlNode *
element_from (xmlNode *node)
{
  while (node != NULL && node->type != XML_ELEMENT_NODE)
    node = node->next;

  return node;
}

xmlNode *
_mw_feed_first_element (xmlNode *parent)
{
  return element_from (parent->children);
}

xmlNode *
_mw_feed_next_element (xmlNode *node)
{
  return element_from (node->next);
}

/* RSS elements have no namespace, or RSS 1.0's, or whatever default namespace the
 * root element declared: feeds that put RSS in the Atom namespace exist. */
gboolean
_mw_feed_is_rss_element (MwParseState   *st,
                         xmlNode        *node,
                         MwFeedNamespace ns)
{
  return ns == MW_NS_NONE || ns == MW_NS_RSS ||
         (st->rss_namespace != NULL && node->ns != NULL &&
          streq (node->ns->href, st->rss_namespace));
}

gboolean
_mw_feed_is_atom_namespace (MwParseState   *st,
                            MwFeedNamespace ns)
{
  return ns == MW_NS_ATOM || (ns == MW_NS_NONE && st->atom_without_namespace);
}

static const char *
attribute_text (xmlAttr *attr)
{
  xmlNode *child = attr->children;

  if (child != NULL && child->next == NULL && child->type == XML_TEXT_NODE)
    return (const char *) child->content;

  return NULL;
}

/* An attribute of @node in no namespace, or in @ns when that is not MW_NS_NONE. */
const char *
_mw_feed_get_attribute (xmlNode        *node,
                        const char     *name,
                        MwFeedNamespace ns)
{
  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (!streq (attr->name, name))
        continue;
      if (ns == MW_NS_NONE && attr->ns == NULL)
        return attribute_text (attr);
      if (ns == MW_NS_RDF && attr->ns != NULL &&
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
char *
_mw_feed_explicit_base (MwParseState *st,
                        xmlNode      *node)
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
      char *resolved = _mw_feed_resolve_reference (base, bases[n]);

      if (resolved != NULL)
        {
          g_free (base);
          base = resolved;
        }
    }

  return base;
}

char *
_mw_feed_resolve_at_node (MwParseState *st,
                          xmlNode      *node,
                          const char   *ref)
{
  g_autofree char *base = NULL;

  if (ref == NULL)
    return NULL;

  base = _mw_feed_explicit_base (st, node);
  return _mw_feed_resolve_http_url (base != NULL ? base : st->base_url, ref);
}

static void
append_capped (GString    *out,
               const char *text,
               gsize       max)
{
  if (out->len < max)
    g_string_append_len (out, text, mw_text_cut_utf8 (text, strlen (text), max - out->len));
}

static const char *
html_name (xmlNode *node)
{
  MwFeedNamespace ns;

  return _mw_feed_element_name (node, &ns);
}

/* The node after CUR in document order without leaving TOP: CUR's first child when CUR
 * is an element that has children, else the next sibling of CUR or of its nearest
 * ancestor below TOP that has one; NULL at the end of TOP. The end tag of each element
 * left on the way up is written to END_TAGS unless that is NULL. Walking this way rather
 * than recursing, no nesting depth can exhaust the stack. */
static xmlNode *
next_node_within (xmlNode *cur,
                  xmlNode *top,
                  GString *end_tags)
{
  if (cur->type == XML_ELEMENT_NODE && cur->children != NULL)
    return cur->children;

  while (cur->next == NULL)
    {
      cur = cur->parent;
      if (cur == top || cur == NULL)
        return NULL;
      if (end_tags != NULL)
        g_string_append_printf (end_tags, "</%s>", html_name (cur));
    }

  return cur->next;
}

/* The text inside @node, markup left out, at most about @max bytes. */
char *
_mw_feed_collect_text (xmlNode *node,
                       gsize    max)
{
  xmlNode *cur = node->children;
  GString *out;

  if (cur == NULL)
    return NULL;
  if (cur->next == NULL && cur->type == XML_TEXT_NODE && cur->content != NULL)
    return _mw_feed_strdup_capped ((const char *) cur->content, max);

  out = g_string_new (NULL);
  while (cur != NULL && out->len < max)
    {
      if ((cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) &&
          cur->content != NULL)
        append_capped (out, (const char *) cur->content, max);

      cur = next_node_within (cur, node, NULL);
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
                    _mw_feed_append_escaped (out, (const char *) text->content,
                                             strlen ((const char *) text->content), TRUE);
                }
              g_string_append_c (out, '"');
            }
          g_string_append_c (out, '>');

          if (cur->children == NULL && !is_void_element (name))
            g_string_append_printf (out, "</%s>", name);
        }
      else if ((cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) &&
               cur->content != NULL)
        {
          const char *text = (const char *) cur->content;

          _mw_feed_append_escaped (out, text, strlen (text), FALSE);
        }

      cur = next_node_within (cur, parent, out);
    }
}

/* HTML as published: escaped text, or markup that was not escaped at all. */
char *
_mw_feed_collect_html (xmlNode *node)
{
  GString *out;

  if (_mw_feed_first_element (node) == NULL)
    return _mw_feed_collect_text (node, HTML_MAX_BYTES);

  out = g_string_new (NULL);
  serialize_children (out, node, HTML_MAX_BYTES);
  return g_string_free (out, FALSE);
}

/* Atom text constructs (and Atom 0.3's mode attribute). Returns NULL for content that
 * is not text at all, like base64 pictures. */
char *
_mw_feed_collect_atom_text (xmlNode  *node,
                            gsize     max,
                            gboolean *is_html)
{
  const char *type = _mw_feed_get_attribute (node, "type", MW_NS_NONE);
  const char *mode = _mw_feed_get_attribute (node, "mode", MW_NS_NONE);
  GString *out;

  *is_html = FALSE;
  if (mode != NULL && strcmp (mode, "base64") == 0)
    return NULL;

  if ((type == NULL || strcmp (type, "text") == 0 || strcmp (type, "text/plain") == 0) &&
      (mode == NULL || strcmp (mode, "xml") != 0))
    return _mw_feed_collect_text (node, max);

  if (type != NULL && (strcmp (type, "html") == 0 || strcmp (type, "text/html") == 0) &&
      (mode == NULL || strcmp (mode, "xml") != 0))
    {
      *is_html = TRUE;
      return _mw_feed_first_element (node) != NULL ? _mw_feed_collect_html (node) :
                                                     _mw_feed_collect_text (node, max);
    }

  if ((type != NULL &&
       (strcmp (type, "xhtml") == 0 || strcmp (type, "application/xhtml+xml") == 0)) ||
      (mode != NULL && strcmp (mode, "xml") == 0))
    {
      xmlNode *div = _mw_feed_first_element (node);

      /* The wrapping div is not part of the content. */
      if (div != NULL && g_ascii_strcasecmp (html_name (div), "div") != 0)
        div = NULL;
      out = g_string_new (NULL);
      serialize_children (out, div != NULL ? div : node, max);
      *is_html = TRUE;
      return g_string_free (out, FALSE);
    }

  if (type != NULL && g_str_has_prefix (type, "text/"))
    return _mw_feed_collect_text (node, max);

  return NULL;
}

