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

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlreader.h>

#include "mw-feed-parser.h"
#include "mw-feed-text-private.h"
#include "mw-json.h"
#include "mw-text.h"
#include "mw-xml.h"

/* Derived ids start with this, which no publisher's guid or atom:id uses. */
#define DERIVED_ID_PREFIX "meanwhile:sha1:"

/* No entity substitution, no DTD loading or validation, no network, no HUGE: libxml2's
 * own limits (depth 256, bounded text nodes) stay on. CDATA is merged into text. */
/* How leniently feeds are read, over mw-xml's safe options: the document is already
 * decoded to UTF-8. */
#define FEED_PARSE_OPTIONS (XML_PARSE_RECOVER | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC | \
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
  g_free (item->search_text);
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

static gint64
parsed_date (const MwParsedItem *item)
{
  return item->published > 0 ? item->published : item->updated;
}

static int
parsed_newest_first (gconstpointer a,
                     gconstpointer b)
{
  gint64 x = parsed_date (*(MwParsedItem **) a);
  gint64 y = parsed_date (*(MwParsedItem **) b);

  return (x < y) - (x > y);
}

/* Cuts FEED to its MAX_ITEMS newest items. A feed keeps no more than that, so doing it
 * where the document was parsed spares whoever receives it thousands of copies. */
void
mw_parsed_feed_keep_newest (MwParsedFeed *feed,
                            guint         max_items)
{
  g_return_if_fail (feed != NULL);

  if (feed->items->len <= max_items)
    return;
  g_ptr_array_sort (feed->items, parsed_newest_first);
  g_ptr_array_set_size (feed->items, max_items);
}

static gboolean
streq (const xmlChar *a,
       const char    *b)
{
  return a != NULL && strcmp ((const char *) a, b) == 0;
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
  guint         n_items;                /* read, kept or not */
  guint         keep;                   /* the newest this many only; 0: all */
  gboolean      have_oldest;
  gint64        oldest;                 /* what is not newer than this goes */
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
  st->n_items = 0;
  st->have_oldest = FALSE;
  st->oldest = 0;
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
      g_autofree char *clean = _mw_feed_clean_plain_text (type, MARKUP_NONE, 255);

      /* A MIME type is one token with a slash; anything else is not worth passing on. */
      if (clean != NULL && strchr (clean, '/') != NULL && strchr (clean, ' ') == NULL)
        enclosure->type = g_ascii_strdown (clean, -1);
    }
  g_ptr_array_add (b->enclosures, enclosure);
}

static char *
clean_id (const char *text)
{
  g_autofree char *clean = _mw_feed_clean_plain_text (text, MARKUP_NONE, ID_COLLECT_BYTES);

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
  text = _mw_feed_finish_body (text);
  if (text != NULL && is_html)
    {
      char *absolute = _mw_feed_absolutize_html (text, base);

      if (absolute != NULL)
        {
          g_free (text);
          text = _mw_feed_finish_body (absolute);
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

  if (st->n_items >= MAX_ITEMS)
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
    item->link = _mw_feed_resolve_http_url (NULL, b->permalink);

  item->title = _mw_feed_clean_title (b->title != NULL ? b->title : b->title_fallback,
                                      b->title != NULL && b->title_is_html, TITLE_MAX_BYTES);
  item->author = _mw_feed_clean_author (b->author);
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
  st->n_items++;

  /* Keeping the newest KEEP: when twice that many are read, the older half goes, and from
   * then on items no newer than the oldest kept are not even built (too_old()). Sorting
   * is stable, so that between equal dates the earlier item stays, as a final cut of the
   * whole list would have it. */
  if (st->keep > 0 && st->feed->items->len >= 2 * st->keep)
    {
      mw_parsed_feed_keep_newest (st->feed, st->keep);
      st->oldest = parsed_date (g_ptr_array_index (st->feed->items, st->keep - 1));
      st->have_oldest = TRUE;
    }
}

/* Whether an item with these dates would be cut anyway; then it is counted, not built. */
static gboolean
too_old (ParseState        *st,
         const ItemBuilder *b)
{
  gint64 published = b->published != 0 ? b->published : b->published_fallback;
  gint64 date = published > 0 ? published : b->updated;

  if (!st->have_oldest || date > st->oldest)
    return FALSE;
  if (st->n_items >= MAX_ITEMS)
    st->too_many_items = TRUE;
  else
    st->n_items++;
  return TRUE;
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
      char *resolved = _mw_feed_resolve_reference (base, bases[n]);

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
    return _mw_feed_strdup_capped ((const char *) cur->content, max);

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
                    _mw_feed_append_escaped (out, (const char *) text->content,
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

          _mw_feed_append_escaped (out, text, strlen (text), FALSE);
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

/* Reads NODE when it dates an item (of an Atom feed when ATOM_ENTRY, else of RSS), the
 * one place that says which elements do and which one wins. Returns whether it was one.
 * The first valid date of each kind counts, so reading a node twice changes nothing. */
static gboolean
read_item_date (ParseState  *st,
                ItemBuilder *b,
                xmlNode     *node,
                Namespace    ns,
                const char  *name,
                gboolean     atom_entry)
{
  gint64 *field = NULL;

  if (atom_entry && is_atom_namespace (st, ns))
    {
      if (strcmp (name, "published") == 0 || strcmp (name, "issued") == 0)
        field = &b->published;
      else if (strcmp (name, "created") == 0)
        field = &b->published_fallback;
      else if (strcmp (name, "updated") == 0 || strcmp (name, "modified") == 0)
        field = &b->updated;
      else
        return FALSE;
    }
  else if (!atom_entry && is_rss_element (st, node, ns))
    {
      if (strcmp (name, "pubDate") != 0)
        return FALSE;
      field = &b->published;
    }
  else if (!atom_entry && ns == NS_ATOM)
    {
      if (strcmp (name, "updated") == 0)
        field = &b->updated;
      else if (strcmp (name, "published") == 0)
        field = &b->published_fallback;
      else
        return FALSE;
    }
  else if (ns == NS_DC && strcmp (name, "date") == 0)
    field = &b->published_fallback;
  else if (ns == NS_DCTERMS && strcmp (name, "modified") == 0)
    field = &b->updated;
  else if (ns == NS_DCTERMS && (strcmp (name, "created") == 0 || strcmp (name, "issued") == 0))
    field = &b->published_fallback;
  else
    return FALSE;

  if (*field == 0)
    *field = collect_date (node);
  return TRUE;
}

/* When only the newest items are kept and enough are, reads an item's dates first: an
 * item too old to be kept is then not built at all. Returns whether ITEM is one. */
static gboolean
skip_old_item (ParseState  *st,
               ItemBuilder *b,
               xmlNode     *item,
               gboolean     atom_entry)
{
  if (!st->have_oldest)
    return FALSE;
  for (xmlNode *child = item->children; child != NULL; child = child->next)
    {
      Namespace ns;
      const char *name;

      if (child->type != XML_ELEMENT_NODE)
        continue;
      name = element_name (child, &ns);
      read_item_date (st, b, child, ns, name, atom_entry);
    }
  return too_old (st, b);
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
      else if (strcmp (name, "title") == 0)
        take_first (&b->title_fallback, collect_text (node, TITLE_COLLECT_BYTES));
      else if (strcmp (name, "description") == 0)
        take_first (&b->summary_fallback, collect_text (node, HTML_MAX_BYTES));
      return TRUE;

    case NS_DCTERMS:
      /* Its dates are read_item_date()'s. */
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

  if (skip_old_item (st, &b, item, FALSE))
    return;

  for (xmlNode *child = item->children; child != NULL; child = child->next)
    {
      Namespace ns;
      const char *name;

      if (child->type != XML_ELEMENT_NODE)
        continue;
      name = element_name (child, &ns);

      if (read_item_date (st, &b, child, ns, name, FALSE))
        continue;
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

  if (skip_old_item (st, &b, entry, TRUE))
    return;

  for (xmlNode *child = entry->children; child != NULL; child = child->next)
    {
      Namespace ns;
      const char *name;

      if (child->type != XML_ELEMENT_NODE)
        continue;
      name = element_name (child, &ns);

      if (read_item_date (st, &b, child, ns, name, TRUE))
        continue;
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

      feed->title = _mw_feed_clean_title (text, FALSE, TITLE_MAX_BYTES);
    }
  else if (strcmp (name, "link") == 0 && feed->link == NULL)
    {
      g_autofree char *text = collect_text (node, URL_MAX_BYTES + 64);

      feed->link = resolve_at_node (st, node, text);
    }
  else if (strcmp (name, "description") == 0 && feed->description == NULL)
    {
      g_autofree char *text = collect_text (node, HTML_MAX_BYTES);

      feed->description = _mw_feed_clean_title (text, FALSE, TEXT_MAX_BYTES);
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

      feed->title = _mw_feed_clean_title (text, is_html, TITLE_MAX_BYTES);
    }
  else if ((strcmp (name, "subtitle") == 0 || strcmp (name, "tagline") == 0) &&
           feed->description == NULL)
    {
      g_autofree char *text = collect_atom_text (node, HTML_MAX_BYTES, &is_html);

      feed->description = _mw_feed_clean_title (text, is_html, TEXT_MAX_BYTES);
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

  reader = mw_xml_reader_new (doc, len, FEED_PARSE_OPTIONS);
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

  tree = mw_xml_read_memory (ctxt, doc, len, FEED_PARSE_OPTIONS);
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

  return value != NULL ? _mw_feed_ensure_utf8 (_mw_feed_strdup_capped (value, max)) : NULL;
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

  b.published = mw_feed_parse_date (json_string (object, "date_published"));
  b.updated = mw_feed_parse_date (json_string (object, "date_modified"));
  if (too_old (st, &b))
    return;

  /* The spec wants a string; some generators write a number. */
  if (id != NULL && JSON_NODE_HOLDS_VALUE (id))
    {
      GType type = json_node_get_value_type (id);

      if (type == G_TYPE_STRING)
        b.id = _mw_feed_ensure_utf8 (_mw_feed_strdup_capped (json_node_get_string (id), ID_COLLECT_BYTES));
      else if (type == G_TYPE_INT64)
        b.id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
    }

  b.link = _mw_feed_resolve_http_url (st->base_url, json_string (object, "url"));
  b.link_fallback = _mw_feed_resolve_http_url (st->base_url, json_string (object, "external_url"));
  b.title = json_strdup (object, "title", TITLE_COLLECT_BYTES);
  b.author = json_author (object);
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
      add_enclosure (&b, _mw_feed_resolve_http_url (st->base_url, json_string (attachment, "url")),
                     json_string (attachment, "mime_type"), length);
    }

  add_item (st, &b);
}

static gboolean
read_json_feed (ParseState *st,
                const char *doc,
                gsize       len,
                GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *valid = NULL;
  gboolean loaded;
  JsonNode *root;
  JsonObject *object;
  JsonArray *items;
  const char *version;

  /* json-glib refuses what is not UTF-8, after checking all of it: only then is the
   * document made valid and read again, rather than checked twice every time. */
  parser = json_parser_new ();
  loaded = mw_json_load (parser, doc, len, NULL);
  if (!loaded && !g_utf8_validate_len (doc, len, NULL))
    {
      valid = g_utf8_make_valid (doc, len);
      doc = valid;
      len = strlen (valid);
      loaded = mw_json_load (parser, doc, len, NULL);
    }
  if (!loaded)
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

    st->feed->title = _mw_feed_clean_title (title, FALSE, TITLE_MAX_BYTES);
    st->feed->description = _mw_feed_clean_title (description, FALSE, TEXT_MAX_BYTES);
  }
  st->feed->link = _mw_feed_resolve_http_url (st->base_url, json_string (object, "home_page_url"));
  set_feed_icon (st, _mw_feed_resolve_http_url (st->base_url, json_string (object, "icon")), 1);
  set_feed_icon (st, _mw_feed_resolve_http_url (st->base_url, json_string (object, "favicon")), 2);
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
content_type_is_html (const char *content_type)
{
  return content_type != NULL &&
         (_mw_feed_has_prefix_ascii_ci (content_type, strlen (content_type), "text/html") ||
          _mw_feed_has_prefix_ascii_ci (content_type, strlen (content_type), "application/xhtml"));
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
  return mw_feed_parse_newest (data, length, content_type, base_url, 0, error);
}

/**
 * mw_feed_parse_newest:
 * @max_items: how many items to keep, or 0 for all
 *
 * Like mw_feed_parse(), keeping only the newest @max_items items, newest first, as
 * mw_parsed_feed_keep_newest() would cut the whole list; but the items too old to be
 * kept are not built at all once enough newer ones were read. A feed of 20,000 items
 * parses in much less time and memory this way.
 */
MwParsedFeed *
mw_feed_parse_newest (const guint8 *data,
                      gsize         length,
                      const char   *content_type,
                      const char   *base_url,
                      guint         max_items,
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

  decoded = _mw_feed_decode_document (data, length, content_type, !is_json, &skip);
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
  st.keep = max_items;

  if (*doc == '{' || *doc == '[')
    {
      if (!read_json_feed (&st, doc, doc_len, error))
        return NULL;
      result = WALK_COMPLETE;
    }
  else
    {
      if (mw_text_sniff ((const guint8 *) doc, doc_len) == MW_TEXT_SNIFF_HTML)
        {
          g_set_error_literal (error, MW_FEED_ERROR, MW_FEED_ERROR_HTML,
                               _("Not a feed: the server sent an HTML page"));
          return NULL;
        }

      repaired = _mw_feed_repair_xml (doc, doc_len);
      if (repaired != NULL)
        {
          doc = repaired->str;
          doc_len = repaired->len;
        }
      mw_xml_init ();
      result = walk_with_reader (&st, doc, doc_len, error);
      if (result == WALK_DAMAGED)
        {
          g_autoptr(GString) escaped = _mw_feed_repair_stray_less_than (doc, doc_len);

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
                                                    st.n_items),
                                       st.n_items);
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
      g_autofree char *author = _mw_feed_clean_author (st.feed_author);

      for (guint i = 0; author != NULL && i < feed->items->len; i++)
        {
          MwParsedItem *item = g_ptr_array_index (feed->items, i);

          if (item->author == NULL)
            item->author = g_strdup (author);
        }
    }

  feed->n_items_read = st.n_items;
  if (max_items > 0)
    mw_parsed_feed_keep_newest (feed, max_items);
  return g_steal_pointer (&feed);
}
