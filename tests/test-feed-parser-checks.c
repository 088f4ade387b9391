/* test-feed-parser-checks.c: what every feed the parser gives must satisfy, checked at each parse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the test-feed-parser-* programs: each parse of theirs goes through
 * parse_checked(), so that every document any of them reads, whatever it tests, is
 * also checked against the bounds the parser promises.
 */
#define G_LOG_DOMAIN "test-feed-parser-checks"

#include "config.h"

#include <string.h>

#include "mw-test-utils.h"
#include "test-feed-parser-checks.h"

static void
assert_http_url (const char *url)
{
  if (url == NULL)
    return;

  g_assert_true (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"));
  g_assert_cmpuint (strlen (url), <=, URL_MAX_BYTES);
  g_assert_null (strchr (url, ' '));
  g_assert_null (strchr (url, '"'));
  g_assert_null (strchr (url, '<'));
}

static void
assert_text (const char *text,
             gsize       max,
             gboolean    one_line)
{
  if (text == NULL)
    return;

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpuint (strlen (text), <=, max);
  if (one_line)
    {
      g_assert_cmpuint (strlen (text), >, 0);
      for (const char *p = text; *p != '\0'; p++)
        g_assert_cmpint ((guchar) *p, >=, 0x20);
      g_assert_cmpint (text[0], !=, ' ');
      g_assert_cmpint (text[strlen (text) - 1], !=, ' ');
    }
}

/* What every parsed feed must satisfy, whatever it was made from. */
static void
assert_feed_sane (const MwParsedFeed *feed)
{
  g_assert_nonnull (feed);
  g_assert_cmpint (feed->format, >=, MW_FEED_FORMAT_RSS);
  g_assert_cmpint (feed->format, <=, MW_FEED_FORMAT_JSON);
  assert_text (feed->title, TITLE_MAX_BYTES, TRUE);
  assert_text (feed->description, TEXT_MAX_BYTES, TRUE);
  assert_http_url (feed->link);
  assert_http_url (feed->icon_url);
  assert_text (feed->problem, 1024, TRUE);
  g_assert_nonnull (feed->items);
  g_assert_cmpuint (feed->items->len, <=, MAX_ITEMS);

  for (guint i = 0; i < feed->items->len; i++)
    {
      MwParsedItem *item = g_ptr_array_index (feed->items, i);

      g_assert_nonnull (item->id);
      assert_text (item->id, ID_MAX_BYTES, TRUE);
      assert_text (item->title, TITLE_MAX_BYTES, TRUE);
      assert_text (item->author, TITLE_MAX_BYTES, TRUE);
      assert_http_url (item->link);
      assert_text (item->summary, HTML_MAX_BYTES, FALSE);
      assert_text (item->content, HTML_MAX_BYTES, FALSE);
      g_assert_nonnull (item->enclosures);
      for (guint j = 0; j < item->enclosures->len; j++)
        {
          MwEnclosure *enclosure = g_ptr_array_index (item->enclosures, j);

          g_assert_nonnull (enclosure->url);
          assert_http_url (enclosure->url);
          assert_text (enclosure->type, 255, TRUE);
          if (enclosure->type != NULL)
            g_assert_nonnull (strchr (enclosure->type, '/'));
          g_assert_true (enclosure->length == -1 || enclosure->length > 0);
        }
    }
}

/* Parses, and checks the invariants whichever way it went. */
MwParsedFeed *
parse_checked (const guint8 *data,
               gsize         length,
               const char   *content_type,
               const char   *base_url,
               GError      **error)
{
  MwParsedFeed *feed = mw_feed_parse (data, length, content_type, base_url, error);

  if (feed != NULL)
    {
      assert_feed_sane (feed);
    }
  else
    {
      g_assert_true (error == NULL || *error != NULL);
      if (error != NULL)
        {
          g_assert_true ((*error)->domain == MW_FEED_ERROR);
          g_assert_true (g_utf8_validate ((*error)->message, -1, NULL));
          g_assert_cmpuint (strlen ((*error)->message), >, 0);
        }
    }

  return feed;
}

MwParsedFeed *
parse_string (const char  *text,
              const char  *content_type,
              GError     **error)
{
  return parse_checked ((const guint8 *) text, strlen (text), content_type, BASE_URL, error);
}

MwParsedFeed *
parse_fixture_full (const char *name,
                    const char *content_type,
                    const char *base_url)
{
  g_autoptr(GBytes) bytes = mw_test_load_fixture ("feeds", name);
  g_autoptr(GError) error = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  MwParsedFeed *feed;

  g_test_message ("Parsing %s", name);
  feed = parse_checked (data, length, content_type, base_url, &error);
  g_assert_no_error (error);
  g_assert_nonnull (feed);

  return feed;
}

MwParsedFeed *
parse_fixture (const char *name)
{
  return parse_fixture_full (name, NULL, BASE_URL);
}

void
assert_fixture_error (const char *name,
                      const char *content_type,
                      MwFeedError code)
{
  g_autoptr(GBytes) bytes = mw_test_load_fixture ("feeds", name);
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  feed = parse_checked (data, length, content_type, BASE_URL, &error);
  g_assert_null (feed);
  g_assert_error (error, MW_FEED_ERROR, (int) code);
}

MwParsedItem *
item_at (const MwParsedFeed *feed,
         guint               index)
{
  g_assert_cmpuint (index, <, feed->items->len);
  return g_ptr_array_index (feed->items, index);
}

void
assert_items (const MwParsedFeed *feed,
              const ExpectedItem *expected,
              gsize               n_expected)
{
  g_assert_cmpuint (feed->items->len, ==, n_expected);

  for (gsize i = 0; i < n_expected; i++)
    {
      MwParsedItem *item = item_at (feed, i);

      g_test_message ("Item %" G_GSIZE_FORMAT ": %s", i, expected[i].id);
      g_assert_cmpstr (item->id, ==, expected[i].id);
      g_assert_cmpstr (item->title, ==, expected[i].title);
      g_assert_cmpstr (item->link, ==, expected[i].link);
      g_assert_cmpstr (item->author, ==, expected[i].author);
      g_assert_cmpint (item->published, ==, expected[i].published);
      g_assert_cmpint (item->updated, ==, expected[i].updated);
      g_assert_cmpstr (item->summary, ==, expected[i].summary);
      g_assert_cmpstr (item->content, ==, expected[i].content);
    }
}

void
assert_enclosure (const MwParsedFeed *feed,
                  guint               item_index,
                  guint               index,
                  const char         *url,
                  const char         *type,
                  gint64              length)
{
  MwParsedItem *item = item_at (feed, item_index);
  MwEnclosure *enclosure;

  g_assert_cmpuint (index, <, item->enclosures->len);
  enclosure = g_ptr_array_index (item->enclosures, index);
  g_assert_cmpstr (enclosure->url, ==, url);
  g_assert_cmpstr (enclosure->type, ==, type);
  g_assert_cmpint (enclosure->length, ==, length);
}

void
assert_feed (const MwParsedFeed *feed,
             MwFeedFormat        format,
             const char         *title,
             const char         *link,
             const char         *description,
             const char         *icon_url)
{
  g_assert_cmpint (feed->format, ==, format);
  g_assert_cmpstr (feed->title, ==, title);
  g_assert_cmpstr (feed->link, ==, link);
  g_assert_cmpstr (feed->description, ==, description);
  g_assert_cmpstr (feed->icon_url, ==, icon_url);
}
