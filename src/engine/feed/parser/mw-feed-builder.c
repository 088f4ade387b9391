/* mw-feed-builder.c: the parsed model, built item by item by every format, and freed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every reader collects an item's fields into an MwItemBuilder, keeping the first or the
 * best of each, and hands it to _mw_feed_add_item(), which cleans and bounds the text,
 * resolves addresses, gives an item without an id a stable one, and drops the older half
 * of the items whenever only the newest are kept and twice as many were read.
 */
#define G_LOG_DOMAIN "mw-feed-builder"

#include "config.h"

#include <string.h>

#include "mw-feed-parser-private.h"

/* Derived ids start with this, which no publisher's guid or atom:id uses. */
#define DERIVED_ID_PREFIX "meanwhile:sha1:"

void
mw_enclosure_free (MwEnclosure *enclosure)
{
  if (enclosure == NULL)
    return;

  g_free (enclosure->url);
  g_free (enclosure->type);
  g_free (enclosure);
}

/* Frees what ITEM holds but not ITEM itself, whose memory may be someone else's: the
 * shared articles of mw-feed-item.c are reference-counted boxes. */
void
mw_parsed_item_clear (MwParsedItem *item)
{
  g_free (item->id);
  g_free (item->title);
  g_free (item->link);
  g_free (item->author);
  g_free (item->summary);
  g_free (item->content);
  g_clear_pointer (&item->enclosures, g_ptr_array_unref);
  g_free (item->search_text);
}

void
mw_parsed_item_free (MwParsedItem *item)
{
  if (item == NULL)
    return;

  mw_parsed_item_clear (item);
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

void
_mw_parse_state_reset (MwParseState *st)
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
void
_mw_parse_state_clear (MwParseState *st)
{
  g_clear_pointer (&st->feed_author, g_free);
  g_clear_pointer (&st->rss_namespace, g_free);
}

void
_mw_item_builder_clear (MwItemBuilder *b)
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

/* Keeps the first value found for a field, which matters when a feed repeats one. */
void
_mw_feed_take_first (char **field,
                     char  *value)
{
  if (*field == NULL)
    *field = value;
  else
    g_free (value);
}

/* Keeps VALUE in FIELD when FIELD is empty or VALUE comes from a better source, a lower
 * RANK, than what FIELD holds (of FIELD_RANK); the string that loses is freed. */
static void
take_ranked (char  **field,
             guint  *field_rank,
             char   *value,
             guint   rank)
{
  if (value != NULL && (*field == NULL || rank < *field_rank))
    {
      g_free (*field);
      *field = value;
      *field_rank = rank;
    }
  else
    {
      g_free (value);
    }
}

void
_mw_feed_take_author (MwItemBuilder *b,
                      char          *value,
                      MwAuthorRank   rank)
{
  take_ranked (&b->author, &b->author_rank, value, rank);
}

void
_mw_feed_add_enclosure (MwItemBuilder *b,
                        char          *url,
                        const char    *type,
                        const char    *length)
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

void
_mw_feed_add_item (MwParseState  *st,
                   MwItemBuilder *b)
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
   * then on items no newer than the oldest kept are not even built
   * (_mw_feed_item_too_old()). Sorting is stable, so that between equal dates the earlier
   * item stays, as a final cut of the whole list would have it. */
  if (st->keep > 0 && st->feed->items->len >= 2 * st->keep)
    {
      mw_parsed_feed_keep_newest (st->feed, st->keep);
      st->oldest = parsed_date (g_ptr_array_index (st->feed->items, st->keep - 1));
      st->have_oldest = TRUE;
    }
}

/* Whether an item with these dates would be cut anyway; then it is counted, not built. */
gboolean
_mw_feed_item_too_old (MwParseState        *st,
                       const MwItemBuilder *b)
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

/* Keeps URL as the feed's icon unless one of a better RANK (a lower one) is known. */
void
_mw_feed_set_icon (MwParseState *st,
                   char         *url,
                   guint         rank)
{
  take_ranked (&st->feed->icon_url, &st->icon_rank, url, rank);
}

