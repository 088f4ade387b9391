/* mw-feed-parser-private.h: what the files of the feed parser share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mw-feed-parser.c sniffs the document and hands it to the XML walk (mw-feed-xml-walk.c)
 * or to the JSON Feed reader (mw-feed-json.c). The walk gives each item and each piece of
 * feed metadata to the RSS or the Atom reader (mw-feed-rss.c, mw-feed-atom.c), which
 * share the item dates and the elements other namespaces lend them
 * (mw-feed-extensions.c) and read elements through mw-feed-xml-nodes.c. Every reader
 * builds the model through mw-feed-builder.c. The text-level helpers and the bounds on
 * every field are in mw-feed-text-private.h.
 */
#pragma once

#include <libxml/tree.h>

#include "mw-feed-parser.h"
#include "mw-feed-text-private.h"

G_BEGIN_DECLS

/* mw-feed-parser.c */
void _mw_feed_set_error (GError      **error,
                         MwFeedError   code);

/* mw-feed-builder.c: the model being built, shared by every format */
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
} MwParseState;

void _mw_parse_state_reset (MwParseState *st);
void _mw_parse_state_clear (MwParseState *st);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MwParseState, _mw_parse_state_clear)

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
} MwItemBuilder;

void _mw_item_builder_clear (MwItemBuilder *b);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MwItemBuilder, _mw_item_builder_clear)

/* Sources of an author, best first: a name beats an e-mail address or a credit. */
typedef enum
{
  MW_AUTHOR_NAME = 1,
  MW_AUTHOR_RSS,
  MW_AUTHOR_ITUNES,
  MW_AUTHOR_CONTRIBUTOR,
} MwAuthorRank;

void     _mw_feed_take_first    (char               **field,
                                 char                *value);
void     _mw_feed_take_author   (MwItemBuilder       *b,
                                 char                *value,
                                 MwAuthorRank         rank);
void     _mw_feed_add_enclosure (MwItemBuilder       *b,
                                 char                *url,
                                 const char          *type,
                                 const char          *length);
void     _mw_feed_add_item      (MwParseState        *st,
                                 MwItemBuilder       *b);
gboolean _mw_feed_item_too_old  (MwParseState        *st,
                                 const MwItemBuilder *b);
void     _mw_feed_set_icon      (MwParseState        *st,
                                 char                *url,
                                 guint                rank);

/* mw-feed-xml-nodes.c: what one XML element says */
typedef enum
{
  MW_NS_NONE,
  MW_NS_RSS,       /* RSS 1.0, RSS 0.90, UserLand's RSS 2.0 */
  MW_NS_RDF,
  MW_NS_ATOM,      /* Atom 1.0 and 0.3 */
  MW_NS_DC,
  MW_NS_DCTERMS,
  MW_NS_CONTENT,
  MW_NS_MEDIA,
  MW_NS_ITUNES,
  MW_NS_XHTML,
  MW_NS_OTHER,
} MwFeedNamespace;

const char *_mw_feed_element_name      (xmlNode         *node,
                                        MwFeedNamespace *ns);
xmlNode    *_mw_feed_first_element     (xmlNode         *parent);
xmlNode    *_mw_feed_next_element      (xmlNode         *node);
gboolean    _mw_feed_is_rss_element    (MwParseState    *st,
                                        xmlNode         *node,
                                        MwFeedNamespace  ns);
gboolean    _mw_feed_is_atom_namespace (MwParseState    *st,
                                        MwFeedNamespace  ns);
const char *_mw_feed_get_attribute     (xmlNode         *node,
                                        const char      *name,
                                        MwFeedNamespace  ns);
char       *_mw_feed_explicit_base     (MwParseState    *st,
                                        xmlNode         *node);
char       *_mw_feed_resolve_at_node   (MwParseState    *st,
                                        xmlNode         *node,
                                        const char      *ref);
char       *_mw_feed_collect_text      (xmlNode         *node,
                                        gsize            max);
char       *_mw_feed_collect_html      (xmlNode         *node);
char       *_mw_feed_collect_atom_text (xmlNode         *node,
                                        gsize            max,
                                        gboolean        *is_html);

/* mw-feed-extensions.c: what RSS items and Atom entries share */

/* Reads one child element of an item, NAME in NS, that does not date it. */
typedef void (*MwItemFieldReader) (MwParseState    *st,
                                   MwItemBuilder   *b,
                                   xmlNode         *node,
                                   MwFeedNamespace  ns,
                                   const char      *name);

gboolean _mw_feed_read_item_fields       (MwParseState      *st,
                                          MwItemBuilder     *b,
                                          xmlNode           *item,
                                          gboolean           atom_entry,
                                          MwItemFieldReader  read_field);
gboolean _mw_feed_read_extension_element (MwParseState      *st,
                                          MwItemBuilder     *b,
                                          xmlNode           *node,
                                          MwFeedNamespace    ns,
                                          const char        *name);
void     _mw_feed_take_html_base         (MwParseState      *st,
                                          MwItemBuilder     *b,
                                          xmlNode           *node);
void     _mw_feed_add_enclosure_element  (MwParseState      *st,
                                          MwItemBuilder     *b,
                                          xmlNode           *node,
                                          const char        *url,
                                          const char        *length_attribute);

/* mw-feed-rss.c and mw-feed-atom.c */
void _mw_feed_read_rss_item      (MwParseState *st,
                                  xmlNode      *item);
void _mw_feed_read_rss_metadata  (MwParseState *st,
                                  xmlNode      *node);
void _mw_feed_read_atom_entry    (MwParseState *st,
                                  xmlNode      *entry);
void _mw_feed_read_atom_metadata (MwParseState *st,
                                  xmlNode      *node);

/* mw-feed-xml-walk.c */
typedef enum
{
  MW_WALK_COMPLETE,
  MW_WALK_DAMAGED,
  MW_WALK_REFUSED,   /* an error is set */
} MwWalkResult;

MwWalkResult _mw_feed_walk_with_reader    (MwParseState  *st,
                                           const char    *doc,
                                           gsize          len,
                                           GError       **error);
MwWalkResult _mw_feed_walk_recovered_tree (MwParseState  *st,
                                           const char    *doc,
                                           gsize          len,
                                           GError       **error);

/* mw-feed-json.c */
gboolean _mw_feed_read_json_feed (MwParseState  *st,
                                  const char    *doc,
                                  gsize          len,
                                  GError       **error);

G_END_DECLS
