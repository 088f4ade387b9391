/* test-feed-parser-every-fixture.c: every feed fixture parsed twice, newest-only, cut and mutated
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-feed-parser-every-fixture"

#include "config.h"

#include <string.h>

#include "mw-demo-feeds.h"
#include "mw-test-utils.h"
#include "test-feed-parser-checks.h"

/* Every fixture */

static GPtrArray *
list_fixtures (void)
{
  g_autofree char *folder = g_test_build_filename (G_TEST_DIST, "fixtures", "feeds", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &error);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  /* Directory order is the file system's; sorting keeps runs comparable. */
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >=, 20);

  return names;
}

static void
assert_feeds_equal (const MwParsedFeed *a,
                    const MwParsedFeed *b)
{
  g_assert_cmpint (a->format, ==, b->format);
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->link, ==, b->link);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpstr (a->icon_url, ==, b->icon_url);
  g_assert_cmpstr (a->problem, ==, b->problem);
  g_assert_cmpuint (a->items->len, ==, b->items->len);

  for (guint i = 0; i < a->items->len; i++)
    {
      MwParsedItem *x = g_ptr_array_index (a->items, i);
      MwParsedItem *y = g_ptr_array_index (b->items, i);

      g_assert_cmpstr (x->id, ==, y->id);
      g_assert_cmpstr (x->title, ==, y->title);
      g_assert_cmpstr (x->link, ==, y->link);
      g_assert_cmpstr (x->author, ==, y->author);
      g_assert_cmpint (x->published, ==, y->published);
      g_assert_cmpint (x->updated, ==, y->updated);
      g_assert_cmpstr (x->summary, ==, y->summary);
      g_assert_cmpstr (x->content, ==, y->content);
      g_assert_cmpuint (x->enclosures->len, ==, y->enclosures->len);
      for (guint j = 0; j < x->enclosures->len; j++)
        {
          MwEnclosure *e = g_ptr_array_index (x->enclosures, j);
          MwEnclosure *f = g_ptr_array_index (y->enclosures, j);

          g_assert_cmpstr (e->url, ==, f->url);
          g_assert_cmpstr (e->type, ==, f->type);
          g_assert_cmpint (e->length, ==, f->length);
        }
    }
}

/* Freezing mode parses on the main thread and normal mode in a worker; both must
 * give the same items, which starts with one input always giving one result. */
static void
test_deterministic (void)
{
  g_autoptr(GPtrArray) names = list_fixtures ();

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GBytes) bytes = mw_test_load_fixture ("feeds", name);
      g_autoptr(GError) first_error = NULL;
      g_autoptr(GError) second_error = NULL;
      g_autoptr(MwParsedFeed) first = NULL;
      g_autoptr(MwParsedFeed) second = NULL;
      gsize length;
      const guint8 *data = g_bytes_get_data (bytes, &length);

      g_test_message ("Fixture %s", name);
      first = parse_checked (data, length, NULL, BASE_URL, &first_error);
      second = parse_checked (data, length, NULL, BASE_URL, &second_error);
      g_assert_true ((first == NULL) == (second == NULL));
      if (first != NULL)
        assert_feeds_equal (first, second);
      else
        g_assert_cmpstr (first_error->message, ==, second_error->message);
    }
}

/* Parsing only the newest N gives what cutting a full parse to the newest N gives. */
static void
check_newest (const guint8 *data,
              gsize         length,
              guint         keep)
{
  g_autoptr(GError) full_error = NULL;
  g_autoptr(GError) newest_error = NULL;
  g_autoptr(MwParsedFeed) full = parse_checked (data, length, NULL, BASE_URL, &full_error);
  g_autoptr(MwParsedFeed) newest = mw_feed_parse_newest (data, length, NULL, BASE_URL, keep, &newest_error);

  g_assert_true ((full == NULL) == (newest == NULL));
  if (full == NULL)
    {
      g_assert_cmpstr (full_error->message, ==, newest_error->message);
      return;
    }
  /* Too old to keep, an item is counted without being looked at: one with nothing in
   * it at all, which a full parse leaves out, counts too. */
  g_assert_cmpuint (newest->n_items_read, >=, full->items->len);
  g_assert_cmpuint (full->n_items_read, ==, full->items->len);
  mw_parsed_feed_keep_newest (full, keep);
  assert_feeds_equal (full, newest);
}

static char *
make_dated_items (guint format)
{
  g_autoptr(GString) doc = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x6e77 + format);

  if (format == 0)
    g_string_append (doc, "<?xml version=\"1.0\"?><rss version=\"2.0\" "
                          "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
                          "xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>T</title>");
  else if (format == 1)
    g_string_append (doc, "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title>");
  else
    g_string_append (doc, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"T\",\"items\":[");

  for (guint i = 0; i < 300; i++)
    {
      /* Few distinct dates, so that many are equal; some items with none at all. */
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (1795000000 - 3600 * g_rand_int_range (rand, 0, 40));
      g_autofree char *rfc822 = g_date_time_format (when, "%a, %d %b %Y %H:%M:%S GMT");
      g_autofree char *iso = g_date_time_format_iso8601 (when);
      guint kind = g_rand_int_range (rand, 0, 5);

      if (format == 0)
        {
          g_string_append_printf (doc, "<item><title>Item %u</title><guid>id-%u</guid>", i, i);
          if (kind == 1)
            g_string_append_printf (doc, "<pubDate>%s</pubDate>", rfc822);
          else if (kind == 2)
            g_string_append_printf (doc, "<dc:date>%s</dc:date>", iso);
          else if (kind == 3)
            g_string_append_printf (doc, "<atom:updated>%s</atom:updated><pubDate>%s</pubDate>", iso, rfc822);
          else if (kind == 4)
            g_string_append_printf (doc, "<atom:updated>%s</atom:updated>", iso);
          g_string_append (doc, "</item>");
        }
      else if (format == 1)
        g_string_append_printf (doc, "<entry><id>id-%u</id><title>Item %u</title>%s%s%s</entry>", i, i,
                                kind == 1 || kind == 3 ? "<published>" : "",
                                kind == 1 || kind == 3 ? iso : "",
                                kind == 1 || kind == 3 ? "</published>" : "");
      else
        g_string_append_printf (doc, "%s{\"id\":\"id-%u\",\"title\":\"Item %u\"%s%s%s}", i ? "," : "", i, i,
                                kind != 0 ? ",\"date_published\":\"" : "",
                                kind != 0 ? iso : "",
                                kind != 0 ? "\"" : "");
    }

  g_string_append (doc, format == 0 ? "</channel></rss>" : format == 1 ? "</feed>" : "]}");
  return g_string_free (g_steal_pointer (&doc), FALSE);
}

/* The app keeps a feed's newest articles only, and parses only those: every fixture,
 * cut short too, and feeds with many equal dates and items without any, in every
 * format, give exactly the newest of a full parse, in the same order. */
static void
test_newest (void)
{
  static const guint keeps[] = { 1, 2, 3, 7, 25, 500 };
  g_autoptr(GPtrArray) names = list_fixtures ();
  g_autofree char *big = mw_demo_feeds_make_big_rss (1200);

  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GBytes) bytes = mw_test_load_fixture ("feeds", g_ptr_array_index (names, i));
      gsize length;
      const guint8 *data = g_bytes_get_data (bytes, &length);

      g_test_message ("Fixture %s", (const char *) g_ptr_array_index (names, i));
      for (guint k = 0; k < G_N_ELEMENTS (keeps); k++)
        {
          check_newest (data, length, keeps[k]);
          check_newest (data, length * 2 / 3, keeps[k]);
        }
    }

  for (guint format = 0; format < 3; format++)
    {
      g_autofree char *doc = make_dated_items (format);

      for (guint k = 0; k < G_N_ELEMENTS (keeps); k++)
        check_newest ((const guint8 *) doc, strlen (doc), keeps[k]);
    }

  for (guint k = 0; k < G_N_ELEMENTS (keeps); k++)
    check_newest ((const guint8 *) big, strlen (big), keeps[k]);
}

static void
check_survives (const guint8 *data,
                gsize         length,
                const char   *content_type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MwParsedFeed) feed = parse_checked (data, length, content_type, BASE_URL, &error);

  g_assert_true ((feed == NULL) != (error == NULL));
}

/* Every fixture, cut short at many places and with bytes changed at random: whatever
 * comes out, nothing crashes and every string is valid UTF-8 within its bounds. */
static void
test_robustness (void)
{
  static const guint8 nasty[] = {
    0x00, '<', '>', '&', ';', '"', ']', 0xff, 0xc3, 0xe2, 0x80, '\n',
  };
  g_autoptr(GPtrArray) names = list_fixtures ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x4d77);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GBytes) bytes = mw_test_load_fixture ("feeds", name);
      gsize length;
      const guint8 *data = g_bytes_get_data (bytes, &length);
      g_autofree guint8 *copy = g_memdup2 (data, length);

      g_test_message ("Fixture %s", name);
      check_survives (data, length, NULL);
      check_survives (data, length, "application/xml; charset=utf-16");
      check_survives (data, length, "text/html; charset=windows-1252");

      for (gsize cut = 0; cut < length; cut += MAX (1, length / 29))
        check_survives (data, cut, NULL);
      for (gsize cut = length > 8 ? length - 8 : 0; cut < length; cut++)
        check_survives (data, cut, NULL);

      for (guint variant = 0; variant < 24; variant++)
        {
          guint changes = g_rand_int_range (rand, 1, 9);

          memcpy (copy, data, length);
          for (guint c = 0; c < changes && length > 0; c++)
            {
              gsize at = g_rand_int_range (rand, 0, (gint32) length);

              if (g_rand_boolean (rand))
                copy[at] = nasty[g_rand_int_range (rand, 0, G_N_ELEMENTS (nasty))];
              else
                copy[at] = (guint8) g_rand_int_range (rand, 0, 256);
            }
          check_survives (copy, length, NULL);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/feed-parser/deterministic", test_deterministic);
  g_test_add_func ("/feed-parser/newest", test_newest);
  g_test_add_func ("/feed-parser/robustness", test_robustness);

  return g_test_run ();
}
