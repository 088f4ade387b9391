/* mw-feed-xml-walk.c: walks an XML feed, giving each item and piece of metadata to its reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Well-formed XML is read with the streaming xmlTextReader, expanding one item at a
 * time, which keeps memory flat on huge feeds. The reader gives up at the first
 * well-formedness error, even in recover mode; mw-feed-parser.c then tries again, and at
 * last walks the tree libxml2's recovery builds, keeping only the elements whose end the
 * parser saw.
 */
#define G_LOG_DOMAIN "mw-feed-xml-walk"

#include "config.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlreader.h>

#include "mw-feed-parser-private.h"
#include "mw-xml.h"

/* No entity substitution, no DTD loading or validation, no network, no HUGE: libxml2's
 * own limits (depth 256, bounded text nodes) stay on. CDATA is merged into text. */
/* How leniently feeds are read, over mw-xml's safe options: the document is already
 * decoded to UTF-8. */
#define FEED_PARSE_OPTIONS (XML_PARSE_RECOVER | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC | \
                            XML_PARSE_COMPACT)

typedef enum
{
  NODE_SKIP,
  NODE_DESCEND,
  NODE_ITEM,
  NODE_METADATA,
} NodeAction;

static NodeAction
classify_node (MwParseState *st,
               xmlNode      *node)
{
  MwFeedNamespace ns;
  const char *name = _mw_feed_element_name (node, &ns);

  if (st->feed->format == MW_FEED_FORMAT_ATOM)
    {
      if (_mw_feed_is_atom_namespace (st, ns) && strcmp (name, "entry") == 0)
        return NODE_ITEM;
      /* Only what the feed element itself holds describes the feed. */
      return node->parent != NULL && node->parent->parent != NULL &&
             node->parent->parent->type != XML_ELEMENT_NODE ? NODE_METADATA : NODE_SKIP;
    }

  if (_mw_feed_is_rss_element (st, node, ns) && strcmp (name, "item") == 0)
    return NODE_ITEM;
  if (_mw_feed_is_rss_element (st, node, ns) && strcmp (name, "channel") == 0)
    return NODE_DESCEND;

  /* Children of the channel, or of the root: RSS 1.0 puts items and the image beside
   * the channel, and so do some broken RSS 2.0 feeds. */
  return NODE_METADATA;
}

static void
handle_node (MwParseState *st,
             xmlNode      *node,
             NodeAction    action)
{
  if (action == NODE_ITEM)
    {
      if (st->feed->format == MW_FEED_FORMAT_ATOM)
        _mw_feed_read_atom_entry (st, node);
      else
        _mw_feed_read_rss_item (st, node);
    }
  else if (action == NODE_METADATA)
    {
      if (st->feed->format == MW_FEED_FORMAT_ATOM)
        _mw_feed_read_atom_metadata (st, node);
      else
        _mw_feed_read_rss_metadata (st, node);
    }
}

/* Decides the format from the root element. */
static gboolean
start_document (MwParseState *st,
                xmlNode      *root,
                GError      **error)
{
  MwFeedNamespace ns;
  const char *name = _mw_feed_element_name (root, &ns);

  if (strcmp (name, "rss") == 0 ||
      (strcmp (name, "channel") == 0 && (ns == MW_NS_NONE || ns == MW_NS_RSS)))
    {
      st->feed->format = MW_FEED_FORMAT_RSS;
      if (root->ns != NULL && root->ns->href != NULL && ns != MW_NS_RSS)
        st->rss_namespace = g_strdup ((const char *) root->ns->href);
    }
  else if (strcmp (name, "RDF") == 0 && (ns == MW_NS_RDF || ns == MW_NS_NONE))
    st->feed->format = MW_FEED_FORMAT_RDF;
  else if (strcmp (name, "feed") == 0 && (ns == MW_NS_ATOM || ns == MW_NS_NONE))
    {
      st->feed->format = MW_FEED_FORMAT_ATOM;
      st->atom_without_namespace = ns == MW_NS_NONE;
    }
  else
    {
      _mw_feed_set_error (error, g_ascii_strcasecmp (name, "html") == 0 ?
                                 MW_FEED_ERROR_HTML : MW_FEED_ERROR_NOT_A_FEED);
      return FALSE;
    }

  return TRUE;
}

/* The fast path: streams through the document, expanding one item (or one piece of
 * feed metadata) at a time into a small tree that is freed as the reader moves on. */
MwWalkResult
_mw_feed_walk_with_reader (MwParseState *st,
                           const char   *doc,
                           gsize         len,
                           GError      **error)
{
  xmlTextReaderPtr reader;
  gboolean started = FALSE;
  int ret;

  /* libxml2 counts in ints. MW_FEED_MAX_BYTES keeps documents far below, even
   * after repairs that lengthen them. */
  if (len > G_MAXINT)
    return MW_WALK_DAMAGED;

  reader = mw_xml_reader_new (doc, len, FEED_PARSE_OPTIONS);
  if (reader == NULL)
    return MW_WALK_DAMAGED;

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
              return MW_WALK_REFUSED;
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

  return ret == -1 ? MW_WALK_DAMAGED : MW_WALK_COMPLETE;
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
walk_tree (MwParseState *st,
           xmlNode      *parent,
           guint         depth)
{
  for (xmlNode *node = _mw_feed_first_element (parent);
       node != NULL && !st->too_many_items;
       node = _mw_feed_next_element (node))
    {
      NodeAction action = classify_node (st, node);

      if (action == NODE_DESCEND && depth < 8)
        walk_tree (st, node, depth + 1);
      else if (node->_private == &element_closed_mark)
        handle_node (st, node, action);
    }
}

/* The slow path for damaged documents: libxml2's recovery builds what tree it can. */
MwWalkResult
_mw_feed_walk_recovered_tree (MwParseState *st,
                              const char   *doc,
                              gsize         len,
                              GError      **error)
{
  xmlParserCtxtPtr ctxt;
  xmlDocPtr tree;
  xmlNode *root;
  MwWalkResult result = MW_WALK_DAMAGED;

  if (len > G_MAXINT)
    return MW_WALK_DAMAGED;

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    return MW_WALK_DAMAGED;
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
          result = MW_WALK_REFUSED;
        }
    }

  g_clear_pointer (&tree, xmlFreeDoc);
  xmlFreeParserCtxt (ctxt);

  return result;
}

