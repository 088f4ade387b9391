/* mw-feed-extensions.c: what RSS items and Atom entries share: dates and borrowed elements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dublin Core, DCMI terms, content:encoded, Media RSS and iTunes elements appear in both
 * RSS and Atom items, and so do dates from several of them: which element dates an item
 * and which one wins is decided here, once for both formats.
 */
#define G_LOG_DOMAIN "mw-feed-extensions"

#include "config.h"

#include <string.h>

#include "mw-feed-parser-private.h"

static gint64
collect_date (xmlNode *node)
{
  g_autofree char *text = _mw_feed_collect_text (node, DATE_COLLECT_BYTES);

  return mw_feed_parse_date (text);
}

void
_mw_feed_take_html_base (MwParseState  *st,
                         MwItemBuilder *b,
                         xmlNode       *node)
{
  if (b->html_base == NULL)
    b->html_base = _mw_feed_explicit_base (st, node);
}

/* An enclosure at URL (relative to NODE's base) with the MIME type in NODE's type
 * attribute and the size in bytes in the one named LENGTH_ATTRIBUTE. */
void
_mw_feed_add_enclosure_element (MwParseState  *st,
                                MwItemBuilder *b,
                                xmlNode       *node,
                                const char    *url,
                                const char    *length_attribute)
{
  _mw_feed_add_enclosure (b, _mw_feed_resolve_at_node (st, node, url),
                          _mw_feed_get_attribute (node, "type", MW_NS_NONE),
                          _mw_feed_get_attribute (node, length_attribute, MW_NS_NONE));
}

static void read_media_element (MwParseState  *st,
                                MwItemBuilder *b,
                                xmlNode       *node,
                                const char    *name);

/* The Media RSS elements inside PARENT: a group holds content elements, and a content
 * element the title and description of its own file. Neither is followed into a group,
 * nor content into content, so that nesting them cannot recurse without end. */
static void
read_media_children (MwParseState  *st,
                     MwItemBuilder *b,
                     xmlNode       *parent,
                     gboolean       in_content)
{
  for (xmlNode *child = _mw_feed_first_element (parent);
       child != NULL;
       child = _mw_feed_next_element (child))
    {
      MwFeedNamespace ns;
      const char *name = _mw_feed_element_name (child, &ns);

      if (ns == MW_NS_MEDIA && strcmp (name, "group") != 0 &&
          (!in_content || strcmp (name, "content") != 0))
        read_media_element (st, b, child, name);
    }
}

static void
read_media_element (MwParseState  *st,
                    MwItemBuilder *b,
                    xmlNode       *node,
                    const char    *name)
{
  if (strcmp (name, "content") == 0)
    {
      const char *url = _mw_feed_get_attribute (node, "url", MW_NS_NONE);

      if (url != NULL)
        _mw_feed_add_enclosure_element (st, b, node, url, "fileSize");
      read_media_children (st, b, node, TRUE);
    }
  else if (strcmp (name, "group") == 0)
    {
      read_media_children (st, b, node, FALSE);
    }
  else if (strcmp (name, "title") == 0)
    _mw_feed_take_first (&b->title_fallback, _mw_feed_collect_text (node, TITLE_COLLECT_BYTES));
  else if (strcmp (name, "description") == 0)
    _mw_feed_take_first (&b->summary_fallback, _mw_feed_collect_text (node, HTML_MAX_BYTES));
  else if (strcmp (name, "credit") == 0)
    _mw_feed_take_author (b, _mw_feed_collect_text (node, TITLE_COLLECT_BYTES),
                          MW_AUTHOR_CONTRIBUTOR);
}

/* Reads NODE when it dates an item (of an Atom feed when ATOM_ENTRY, else of RSS), the
 * one place that says which elements do and which one wins. Returns whether it was one.
 * The first valid date of each kind counts, so reading a node twice changes nothing. */
static gboolean
read_item_date (MwParseState   *st,
                MwItemBuilder  *b,
                xmlNode        *node,
                MwFeedNamespace ns,
                const char     *name,
                gboolean        atom_entry)
{
  gint64 *field = NULL;

  if (atom_entry && _mw_feed_is_atom_namespace (st, ns))
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
  else if (!atom_entry && _mw_feed_is_rss_element (st, node, ns))
    {
      if (strcmp (name, "pubDate") != 0)
        return FALSE;
      field = &b->published;
    }
  else if (!atom_entry && ns == MW_NS_ATOM)
    {
      if (strcmp (name, "updated") == 0)
        field = &b->updated;
      else if (strcmp (name, "published") == 0)
        field = &b->published_fallback;
      else
        return FALSE;
    }
  else if (ns == MW_NS_DC && strcmp (name, "date") == 0)
    field = &b->published_fallback;
  else if (ns == MW_NS_DCTERMS && strcmp (name, "modified") == 0)
    field = &b->updated;
  else if (ns == MW_NS_DCTERMS && (strcmp (name, "created") == 0 || strcmp (name, "issued") == 0))
    field = &b->published_fallback;
  else
    return FALSE;

  if (*field == 0)
    *field = collect_date (node);
  return TRUE;
}

/* Reads the children of ITEM into B: the dates here, any other element through
 * READ_FIELD unless that is NULL. */
static void
read_item_children (MwParseState      *st,
                    MwItemBuilder     *b,
                    xmlNode           *item,
                    gboolean           atom_entry,
                    MwItemFieldReader  read_field)
{
  for (xmlNode *child = _mw_feed_first_element (item);
       child != NULL;
       child = _mw_feed_next_element (child))
    {
      MwFeedNamespace ns;
      const char *name = _mw_feed_element_name (child, &ns);

      if (!read_item_date (st, b, child, ns, name, atom_entry) && read_field != NULL)
        read_field (st, b, child, ns, name);
    }
}

/* Reads ITEM (an Atom entry when ATOM_ENTRY, else an RSS item) into B, each element that
 * does not date it through READ_FIELD. Returns FALSE, having built nothing, when the item
 * is too old to be kept. */
gboolean
_mw_feed_read_item_fields (MwParseState      *st,
                           MwItemBuilder     *b,
                           xmlNode           *item,
                           gboolean           atom_entry,
                           MwItemFieldReader  read_field)
{
  /* When only the newest items are kept and enough are, the dates come first: an item
   * too old to be kept is then not built at all. Reading them again changes nothing. */
  if (st->have_oldest)
    {
      read_item_children (st, b, item, atom_entry, NULL);
      if (_mw_feed_item_too_old (st, b))
        return FALSE;
    }

  read_item_children (st, b, item, atom_entry, read_field);
  return TRUE;
}

/* Elements other formats lend to RSS and Atom items. */
gboolean
_mw_feed_read_extension_element (MwParseState   *st,
                                 MwItemBuilder  *b,
                                 xmlNode        *node,
                                 MwFeedNamespace ns,
                                 const char     *name)
{
  switch (ns)
    {
    case MW_NS_CONTENT:
      if (strcmp (name, "encoded") == 0)
        {
          _mw_feed_take_first (&b->content, _mw_feed_collect_html (node));
          b->content_is_html = TRUE;
          _mw_feed_take_html_base (st, b, node);
        }
      return TRUE;

    case MW_NS_DC:
      if (strcmp (name, "creator") == 0)
        _mw_feed_take_author (b, _mw_feed_collect_text (node, TITLE_COLLECT_BYTES),
                              MW_AUTHOR_NAME);
      else if (strcmp (name, "title") == 0)
        _mw_feed_take_first (&b->title_fallback, _mw_feed_collect_text (node, TITLE_COLLECT_BYTES));
      else if (strcmp (name, "description") == 0)
        _mw_feed_take_first (&b->summary_fallback, _mw_feed_collect_text (node, HTML_MAX_BYTES));
      return TRUE;

    case MW_NS_DCTERMS:
      /* Its dates are read_item_date()'s. */
      return TRUE;

    case MW_NS_MEDIA:
      read_media_element (st, b, node, name);
      return TRUE;

    case MW_NS_ITUNES:
      if (strcmp (name, "author") == 0)
        _mw_feed_take_author (b, _mw_feed_collect_text (node, TITLE_COLLECT_BYTES),
                              MW_AUTHOR_ITUNES);
      else if (strcmp (name, "summary") == 0 || strcmp (name, "subtitle") == 0)
        _mw_feed_take_first (&b->summary_fallback, _mw_feed_collect_text (node, HTML_MAX_BYTES));
      return TRUE;

    case MW_NS_NONE:
    case MW_NS_RSS:
    case MW_NS_RDF:
    case MW_NS_ATOM:
    case MW_NS_XHTML:
    case MW_NS_OTHER:
    default:
      return FALSE;
    }
}

