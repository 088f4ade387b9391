/* mw-feed-discovery.c: finding the feeds a web page links to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-feed-discovery"

#include "config.h"

#include <string.h>

#include <libxml/tree.h>

#include "mw-feed-discovery.h"
#include "mw-text.h"
#include "mw-url.h"
#include "mw-xml.h"

/* Feed links sit in <head>, at the start of a page; past this the rest of a huge page is
 * not worth the parser's time and memory, and the recovering parser copes with the cut. */
#define DISCOVERY_MAX_BYTES (8 * 1024 * 1024)

/* Titles are shown in a list row; anything longer is junk or an attack. */
#define TITLE_MAX_CHARS 512

/**
 * mw_discovered_feed_free:
 * @feed: (nullable) (transfer full): a discovered feed
 *
 * Frees @feed and its strings.
 */
void
mw_discovered_feed_free (MwDiscoveredFeed *feed)
{
  if (feed == NULL)
    return;

  g_free (feed->url);
  g_free (feed->title);
  g_free (feed->type);
  g_free (feed);
}

/* Sniffing */

/* Returns the lowercase "type/subtype" of a Content-Type value, without parameters, or
 * NULL when there is none. */
static char *
media_type_essence (const char *content_type)
{
  g_autofree char *essence = NULL;
  const char *semicolon;

  if (content_type == NULL)
    return NULL;

  semicolon = strchr (content_type, ';');
  essence = semicolon != NULL ? g_strndup (content_type, semicolon - content_type)
                              : g_strdup (content_type);
  g_strstrip (essence);
  if (*essence == '\0')
    return NULL;

  return g_ascii_strdown (essence, -1);
}

/* Types that say nothing reliable about the body: default types of misconfigured
 * servers, and generic XML, which may be a feed or XHTML. */
static gboolean
is_vague_media_type (const char *essence)
{
  static const char * const vague[] = {
    "text/plain", "application/octet-stream", "binary/octet-stream", "application/unknown",
    "unknown/unknown", "application/x-unknown-content-type", "*/*", "text/xml",
    "application/xml",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (vague); i++)
    {
      if (strcmp (essence, vague[i]) == 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * mw_feed_looks_like_html:
 * @data: (array length=length) (nullable): the start of a response body
 * @length: the number of bytes in @data
 * @content_type: (nullable): the response's Content-Type header
 *
 * Tells whether a response is a web page to search for feed links rather than a feed to
 * parse. The server's word is taken for `text/html` and `application/xhtml+xml`; a
 * missing or vague type (`text/plain`, `application/octet-stream`, generic XML) is
 * settled by the body's first element, as browsers do. Whatever the type, a body that is
 * plainly an RSS, Atom, RDF or JSON feed is not HTML: servers that label feeds
 * `text/html` are common.
 *
 * Only the first 2 KiB of @data are looked at.
 *
 * Returns: %TRUE if @data should be handed to mw_feed_discover()
 */
gboolean
mw_feed_looks_like_html (const guint8 *data,
                         gsize         length,
                         const char   *content_type)
{
  g_autofree char *essence = media_type_essence (content_type);
  MwTextSniff sniffed = mw_text_sniff (data, length);

  if (sniffed == MW_TEXT_SNIFF_FEED)
    return FALSE;

  if (essence == NULL || is_vague_media_type (essence))
    return sniffed == MW_TEXT_SNIFF_HTML;

  return strcmp (essence, "text/html") == 0 || strcmp (essence, "application/xhtml+xml") == 0;
}

/* Discovery */

/* Returns a copy of the value of @node's first attribute called @name (in any case), or
 * NULL. */
static char *
get_attribute (xmlNode    *node,
               const char *name)
{
  xmlAttr *attr;

  for (attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (attr->name != NULL && g_ascii_strcasecmp ((const char *) attr->name, name) == 0)
        {
          xmlChar *value = xmlNodeListGetString (node->doc, attr->children, 1);
          char *copy = g_strdup (value != NULL ? (const char *) value : "");

          xmlFree (value);
          return copy;
        }
    }

  return NULL;
}

static gboolean
is_element (xmlNode    *node,
            const char *name)
{
  return node->type == XML_ELEMENT_NODE && node->name != NULL &&
         g_ascii_strcasecmp ((const char *) node->name, name) == 0;
}

/* rel is a set of space-separated keywords compared without regard to case. */
static gboolean
rel_names_feed (const char *rel,
                gboolean   *out_alternate)
{
  g_auto(GStrv) tokens = NULL;
  gboolean feed = FALSE;
  gsize i;

  *out_alternate = FALSE;
  if (rel == NULL)
    return FALSE;

  tokens = g_strsplit_set (rel, " \t\n\r\f", -1);
  for (i = 0; tokens[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (tokens[i], "alternate") == 0)
        *out_alternate = TRUE;
      else if (g_ascii_strcasecmp (tokens[i], "feed") == 0)
        feed = TRUE;
    }

  return *out_alternate || feed;
}

static gboolean
mentions_feed (const char *text)
{
  return text != NULL &&
         (strstr (text, "rss") != NULL || strstr (text, "atom") != NULL ||
          strstr (text, "feed") != NULL);
}

/* Decides whether a link of media type @essence is a feed. The feed types are; generic
 * XML and JSON only when the title or address says so, because pages also link their
 * sitemaps and, on every WordPress site, a JSON API document as "alternate". */
static gboolean
is_feed_link_type (const char *essence,
                   const char *title,
                   const char *url)
{
  static const char * const feed_types[] = {
    "application/rss+xml", "application/atom+xml", "application/rdf+xml",
    "application/feed+json",
  };
  g_autofree char *title_down = NULL;
  g_autofree char *path_down = NULL;
  const char *authority;
  const char *path;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (feed_types); i++)
    {
      if (strcmp (essence, feed_types[i]) == 0)
        return TRUE;
    }

  if (strcmp (essence, "application/json") != 0 && strcmp (essence, "text/xml") != 0 &&
      strcmp (essence, "application/xml") != 0)
    return FALSE;

  /* The host says nothing: feeds.example.com serves its API documents too. */
  authority = strstr (url, "://");
  path = authority != NULL ? strchr (authority + 3, '/') : NULL;
  title_down = title != NULL ? g_utf8_strdown (title, -1) : NULL;
  path_down = path != NULL ? g_ascii_strdown (path, -1) : NULL;

  return mentions_feed (title_down) || mentions_feed (path_down);
}

/* Steps through the tree in document order without recursion, which a deeply nested
 * page would turn into a stack overflow. Only elements are descended into. */
static xmlNode *
next_node (xmlNode *node,
           xmlNode *top)
{
  if (node->type == XML_ELEMENT_NODE && node->children != NULL)
    return node->children;

  while (node != NULL && node != top)
    {
      if (node->next != NULL)
        return node->next;
      node = node->parent;
    }

  return NULL;
}

static MwDiscoveredFeed *
feed_from_link (xmlNode    *link,
                GUri       *base,
                GHashTable *seen)
{
  g_autofree char *rel = get_attribute (link, "rel");
  g_autofree char *type = NULL;
  g_autofree char *essence = NULL;
  g_autofree char *href = NULL;
  g_autofree char *url = NULL;
  g_autofree char *raw_title = NULL;
  g_autofree char *title = NULL;
  MwDiscoveredFeed *feed;
  gboolean alternate;

  if (!rel_names_feed (rel, &alternate))
    return NULL;

  type = get_attribute (link, "type");
  essence = media_type_essence (type);
  if (essence == NULL)
    return NULL;

  href = get_attribute (link, "href");
  url = mw_url_resolve_http (base, href);
  if (url == NULL || g_hash_table_contains (seen, url))
    return NULL;

  raw_title = get_attribute (link, "title");
  title = mw_text_clean_line (raw_title, TITLE_MAX_CHARS);
  if (!is_feed_link_type (essence, title, url))
    return NULL;

  g_hash_table_add (seen, g_strdup (url));

  feed = g_new0 (MwDiscoveredFeed, 1);
  feed->url = g_steal_pointer (&url);
  feed->title = g_steal_pointer (&title);
  feed->type = g_steal_pointer (&essence);

  return feed;
}

/**
 * mw_feed_discover:
 * @html: (array length=length) (nullable): a web page
 * @length: the number of bytes in @html
 * @page_url: (nullable): the page's address, against which relative links resolve
 *
 * Finds the feeds a web page announces with `<link rel="alternate">` (or
 * `rel="feed"`) elements: RSS, Atom, RDF and JSON Feed types, and generic XML or JSON
 * when the link's title or path mentions RSS, Atom or a feed. The first `<base href>`
 * applies when it is an http(s) address. Addresses are made absolute, only http(s) ones
 * are kept, each address once, in document order. Titles are trimmed, with white space
 * collapsed.
 *
 * The page's encoding comes from its `<meta charset>` or `<meta http-equiv>`, else it
 * is UTF-8, or Latin-1 when the bytes are not valid UTF-8. Nothing is fetched, not even
 * a DTD; nothing is guessed (such as `/feed`), which is left to the caller. Only the
 * first 8 MiB are read. Safe to call from any thread.
 *
 * Returns: (transfer full) (element-type MwDiscoveredFeed): the feeds found, possibly
 *   none; never %NULL
 */
GPtrArray *
mw_feed_discover (const guint8 *html,
                  gsize         length,
                  const char   *page_url)
{
  g_autoptr(GPtrArray) feeds = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GUri) page_uri = NULL;
  g_autoptr(GUri) base_uri = NULL;
  gboolean base_found = FALSE;
  htmlDocPtr doc;
  xmlNode *node;
  guint i;

  feeds = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_discovered_feed_free);
  if (html == NULL || length == 0)
    return g_steal_pointer (&feeds);

  doc = mw_xml_read_html ((const char *) html, MIN (length, DISCOVERY_MAX_BYTES), NULL,
                          HTML_PARSE_RECOVER);
  if (doc == NULL)
    return g_steal_pointer (&feeds);

  if (page_url != NULL)
    page_uri = g_uri_parse (page_url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);

  /* <base> applies to links before it too, so all links are gathered first. */
  links = g_ptr_array_new ();
  for (node = doc->children; node != NULL; node = next_node (node, (xmlNode *) doc))
    {
      if (is_element (node, "link"))
        {
          g_ptr_array_add (links, node);
        }
      else if (!base_found && is_element (node, "base"))
        {
          g_autofree char *href = get_attribute (node, "href");
          g_autofree char *base_url = NULL;

          /* Only the first <base> with an href counts, even when unusable. A base that is
           * not http(s) (javascript:, data:, file:) is ignored rather than trusted. */
          if (href == NULL)
            continue;
          base_found = TRUE;
          base_url = mw_url_resolve_http (page_uri, href);
          if (base_url != NULL)
            base_uri = g_uri_parse (base_url, G_URI_FLAGS_ENCODED, NULL);
        }
    }

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = 0; i < links->len; i++)
    {
      MwDiscoveredFeed *feed;

      feed = feed_from_link (g_ptr_array_index (links, i),
                             base_uri != NULL ? base_uri : page_uri, seen);
      if (feed != NULL)
        g_ptr_array_add (feeds, feed);
    }

  xmlFreeDoc (doc);

  return g_steal_pointer (&feeds);
}
