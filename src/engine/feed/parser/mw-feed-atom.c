/* mw-feed-atom.c: Atom 1.0 and 0.3: an entry, and what the feed element says about the feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-feed-atom"

#include "config.h"

#include <string.h>

#include "mw-feed-parser-private.h"

/* Reads the name of an Atom person construct. */
static char *
collect_atom_person (MwParseState *st,
                     xmlNode      *node)
{
  for (xmlNode *child = _mw_feed_first_element (node);
       child != NULL;
       child = _mw_feed_next_element (child))
    {
      MwFeedNamespace ns;
      const char *name = _mw_feed_element_name (child, &ns);

      if (_mw_feed_is_atom_namespace (st, ns) && strcmp (name, "name") == 0)
        return _mw_feed_collect_text (child, TITLE_COLLECT_BYTES);
    }

  return NULL;
}

/* An entry's link: its page, or a file it comes with. */
static void
read_atom_link (MwParseState  *st,
                MwItemBuilder *b,
                xmlNode       *node)
{
  const char *rel = _mw_feed_get_attribute (node, "rel", MW_NS_NONE);
  const char *href = _mw_feed_get_attribute (node, "href", MW_NS_NONE);

  if (href == NULL)
    return;
  if (rel == NULL || strcmp (rel, "alternate") == 0 ||
      strcmp (rel, "http://www.iana.org/assignments/relation/alternate") == 0)
    {
      const char *type = _mw_feed_get_attribute (node, "type", MW_NS_NONE);

      /* With several alternates, the web page is the one to open. */
      if (b->link == NULL && (type == NULL || strstr (type, "html") != NULL))
        b->link = _mw_feed_resolve_at_node (st, node, href);
      else if (b->link_fallback == NULL)
        b->link_fallback = _mw_feed_resolve_at_node (st, node, href);
    }
  else if (strcmp (rel, "enclosure") == 0)
    {
      _mw_feed_add_enclosure_element (st, b, node, href, "length");
    }
}

/* An element of an entry other than its dates: Atom's own, or one that another
 * namespace lends. */
static void
read_atom_field (MwParseState    *st,
                 MwItemBuilder   *b,
                 xmlNode         *node,
                 MwFeedNamespace  ns,
                 const char      *name)
{
  if (!_mw_feed_is_atom_namespace (st, ns))
    {
      _mw_feed_read_extension_element (st, b, node, ns, name);
      return;
    }

  if (strcmp (name, "id") == 0)
    _mw_feed_take_first (&b->id, _mw_feed_collect_text (node, ID_COLLECT_BYTES));
  else if (strcmp (name, "title") == 0 && b->title == NULL)
    b->title = _mw_feed_collect_atom_text (node, TITLE_COLLECT_BYTES, &b->title_is_html);
  else if (strcmp (name, "link") == 0)
    read_atom_link (st, b, node);
  else if (strcmp (name, "author") == 0)
    _mw_feed_take_author (b, collect_atom_person (st, node), MW_AUTHOR_NAME);
  else if (strcmp (name, "contributor") == 0)
    _mw_feed_take_author (b, collect_atom_person (st, node), MW_AUTHOR_CONTRIBUTOR);
  else if (strcmp (name, "summary") == 0 && b->summary == NULL)
    {
      b->summary = _mw_feed_collect_atom_text (node, HTML_MAX_BYTES, &b->summary_is_html);
      _mw_feed_take_html_base (st, b, node);
    }
  else if (strcmp (name, "content") == 0 && b->content == NULL &&
           _mw_feed_get_attribute (node, "src", MW_NS_NONE) == NULL)
    {
      b->content = _mw_feed_collect_atom_text (node, HTML_MAX_BYTES, &b->content_is_html);
      _mw_feed_take_html_base (st, b, node);
    }
}

void
_mw_feed_read_atom_entry (MwParseState *st,
                          xmlNode      *entry)
{
  g_auto(MwItemBuilder) b = { 0, };

  if (_mw_feed_read_item_fields (st, &b, entry, TRUE, read_atom_field))
    _mw_feed_add_item (st, &b);
}

void
_mw_feed_read_atom_metadata (MwParseState *st,
                             xmlNode      *node)
{
  MwParsedFeed *feed = st->feed;
  MwFeedNamespace ns;
  const char *name = _mw_feed_element_name (node, &ns);
  gboolean is_html;

  if (!_mw_feed_is_atom_namespace (st, ns))
    return;

  if (strcmp (name, "title") == 0 && feed->title == NULL)
    {
      g_autofree char *text = _mw_feed_collect_atom_text (node, TITLE_COLLECT_BYTES, &is_html);

      feed->title = _mw_feed_clean_title (text, is_html, TITLE_MAX_BYTES);
    }
  else if ((strcmp (name, "subtitle") == 0 || strcmp (name, "tagline") == 0) &&
           feed->description == NULL)
    {
      g_autofree char *text = _mw_feed_collect_atom_text (node, HTML_MAX_BYTES, &is_html);

      feed->description = _mw_feed_clean_title (text, is_html, TEXT_MAX_BYTES);
    }
  else if (strcmp (name, "link") == 0 && feed->link == NULL)
    {
      const char *rel = _mw_feed_get_attribute (node, "rel", MW_NS_NONE);
      const char *href = _mw_feed_get_attribute (node, "href", MW_NS_NONE);

      if (rel == NULL || strcmp (rel, "alternate") == 0)
        feed->link = _mw_feed_resolve_at_node (st, node, href);
    }
  else if (strcmp (name, "icon") == 0 || strcmp (name, "logo") == 0)
    {
      g_autofree char *text = _mw_feed_collect_text (node, URL_MAX_BYTES + 64);

      /* The icon is square and small, as a feed list wants; the logo is a banner. */
      _mw_feed_set_icon (st, _mw_feed_resolve_at_node (st, node, text),
                         name[0] == 'i' ? 1 : 2);
    }
  else if (strcmp (name, "author") == 0 && st->feed_author == NULL)
    {
      st->feed_author = collect_atom_person (st, node);
    }
}

