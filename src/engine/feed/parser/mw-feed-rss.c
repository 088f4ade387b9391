/* mw-feed-rss.c: RSS 0.9x, 2.0 and 1.0 (RDF): an item, and what the channel says about the feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-feed-rss"

#include "config.h"

#include <string.h>

#include "mw-feed-parser-private.h"

/* An element of an item other than its dates: RSS's own, an Atom link (the page when
 * RSS gives none), or one that another namespace lends. */
static void
read_rss_field (MwParseState    *st,
                MwItemBuilder   *b,
                xmlNode         *node,
                MwFeedNamespace  ns,
                const char      *name)
{
  if (_mw_feed_is_rss_element (st, node, ns))
    {
      if (strcmp (name, "title") == 0)
        _mw_feed_take_first (&b->title, _mw_feed_collect_text (node, TITLE_COLLECT_BYTES));
      else if (strcmp (name, "link") == 0 && b->link == NULL)
        {
          g_autofree char *text = _mw_feed_collect_text (node, URL_MAX_BYTES + 64);

          b->link = _mw_feed_resolve_at_node (st, node, text);
        }
      else if (strcmp (name, "guid") == 0 && b->id == NULL)
        {
          const char *permalink = _mw_feed_get_attribute (node, "isPermaLink", MW_NS_NONE);

          b->id = _mw_feed_collect_text (node, ID_COLLECT_BYTES);
          if (b->id != NULL &&
              (permalink == NULL || g_ascii_strcasecmp (permalink, "false") != 0))
            b->permalink = g_strdup (b->id);
        }
      else if (strcmp (name, "description") == 0 && b->summary == NULL)
        {
          b->summary = _mw_feed_collect_html (node);
          b->summary_is_html = TRUE;
          _mw_feed_take_html_base (st, b, node);
        }
      else if (strcmp (name, "author") == 0)
        _mw_feed_take_author (b, _mw_feed_collect_text (node, TITLE_COLLECT_BYTES),
                              MW_AUTHOR_RSS);
      else if (strcmp (name, "enclosure") == 0)
        {
          const char *url = _mw_feed_get_attribute (node, "url", MW_NS_NONE);

          if (url != NULL)
            _mw_feed_add_enclosure_element (st, b, node, url, "length");
        }
    }
  else if (ns == MW_NS_ATOM)
    {
      if (strcmp (name, "link") == 0 && b->link_fallback == NULL)
        {
          const char *rel = _mw_feed_get_attribute (node, "rel", MW_NS_NONE);
          const char *href = _mw_feed_get_attribute (node, "href", MW_NS_NONE);

          if (rel == NULL || strcmp (rel, "alternate") == 0)
            b->link_fallback = _mw_feed_resolve_at_node (st, node, href);
        }
    }
  else
    {
      _mw_feed_read_extension_element (st, b, node, ns, name);
    }
}

void
_mw_feed_read_rss_item (MwParseState *st,
                        xmlNode      *item)
{
  g_auto(MwItemBuilder) b = { 0, };
  const char *about = _mw_feed_get_attribute (item, "about", MW_NS_RDF);

  if (!_mw_feed_read_item_fields (st, &b, item, FALSE, read_rss_field))
    return;

  /* RSS 1.0 names each item with its address. */
  if (b.id == NULL && about != NULL)
    b.id = g_strdup (about);
  if (b.link == NULL && about != NULL)
    b.link_fallback = b.link_fallback ? b.link_fallback :
                                        _mw_feed_resolve_at_node (st, item, about);

  _mw_feed_add_item (st, &b);
}

void
_mw_feed_read_rss_metadata (MwParseState *st,
                            xmlNode      *node)
{
  MwParsedFeed *feed = st->feed;
  MwFeedNamespace ns;
  const char *name = _mw_feed_element_name (node, &ns);

  if (ns == MW_NS_ITUNES && strcmp (name, "image") == 0)
    {
      const char *href = _mw_feed_get_attribute (node, "href", MW_NS_NONE);

      _mw_feed_set_icon (st, _mw_feed_resolve_at_node (st, node, href), 2);
      return;
    }
  if (!_mw_feed_is_rss_element (st, node, ns))
    return;

  if (strcmp (name, "title") == 0 && feed->title == NULL)
    {
      g_autofree char *text = _mw_feed_collect_text (node, TITLE_COLLECT_BYTES);

      feed->title = _mw_feed_clean_title (text, FALSE, TITLE_MAX_BYTES);
    }
  else if (strcmp (name, "link") == 0 && feed->link == NULL)
    {
      g_autofree char *text = _mw_feed_collect_text (node, URL_MAX_BYTES + 64);

      feed->link = _mw_feed_resolve_at_node (st, node, text);
    }
  else if (strcmp (name, "description") == 0 && feed->description == NULL)
    {
      g_autofree char *text = _mw_feed_collect_text (node, HTML_MAX_BYTES);

      feed->description = _mw_feed_clean_title (text, FALSE, TEXT_MAX_BYTES);
    }
  else if (strcmp (name, "image") == 0)
    {
      const char *resource = _mw_feed_get_attribute (node, "resource", MW_NS_RDF);

      for (xmlNode *child = _mw_feed_first_element (node);
           child != NULL;
           child = _mw_feed_next_element (child))
        {
          MwFeedNamespace child_ns;

          if (strcmp (_mw_feed_element_name (child, &child_ns), "url") == 0 &&
              _mw_feed_is_rss_element (st, child, child_ns))
            {
              g_autofree char *text = _mw_feed_collect_text (child, URL_MAX_BYTES + 64);

              _mw_feed_set_icon (st, _mw_feed_resolve_at_node (st, child, text), 1);
            }
        }
      /* RSS 1.0 points at the image from its channel. */
      if (resource != NULL)
        _mw_feed_set_icon (st, _mw_feed_resolve_at_node (st, node, resource), 1);
    }
}

