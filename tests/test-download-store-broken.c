/* test-download-store-broken.c: a damaged list of downloads is set aside, never lost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-download-store-broken"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "test-download-store.h"

/* --- A state file that cannot be read is set aside; the list starts empty --------- */

typedef enum
{
  BROKEN_GARBAGE,
  BROKEN_TRUNCATED,
  BROKEN_EMPTY,
  BROKEN_FUTURE,
  BROKEN_NOT_OURS,
  BROKEN_DEEP,
} BrokenKind;

static GBytes *
make_broken_contents (BrokenKind  kind,
                      const char *dir)
{
  static const char garbage[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe{\"format\":\0\x01\x02";
  g_autofree char *valid = craft_state_file (dir);

  switch (kind)
    {
    case BROKEN_GARBAGE:
      return g_bytes_new (garbage, sizeof garbage - 1);
    case BROKEN_TRUNCATED:
      return g_bytes_new (valid, strlen (valid) / 2);
    case BROKEN_EMPTY:
      return g_bytes_new ("", 0);
    case BROKEN_FUTURE:
      {
        static const char future[] =
          "{\n"
          "  \"format\": \"meanwhile-downloads\",\n"
          "  \"version\": 99,\n"
          "  \"downloads\": [\n"
          "    { \"url\": \"" URL_BASE "from-the-future.bin\", \"state\": \"paused\",\n"
          "      \"resume-token\": { \"kind\": \"quantum\" } }\n"
          "  ]\n"
          "}\n";
        return g_bytes_new (future, sizeof future - 1);
      }
    case BROKEN_NOT_OURS:
      {
        static const char other[] =
          "{ \"format\": \"someone-elses-downloads\", \"version\": 1,\n"
          "  \"downloads\": [ { \"url\": \"" URL_BASE "theirs.bin\" } ] }\n";
        return g_bytes_new (other, sizeof other - 1);
      }
    case BROKEN_DEEP:
      {
        /* json-glib recurses once per level: a million would take the stack, at every
         * start, since the file would never be set aside. */
        GString *deep = g_string_new ("{\"format\":\"meanwhile-downloads\",\"version\":1,"
                                      "\"downloads\":");

        for (guint i = 0; i < 1000000; i++)
          g_string_append_c (deep, '[');
        for (guint i = 0; i < 1000000; i++)
          g_string_append_c (deep, ']');
        g_string_append_c (deep, '}');
        return g_string_free_to_bytes (deep);
      }
    default:
      g_assert_not_reached ();
    }
}

static void
test_broken (Fixture       *fixture,
             gconstpointer  data)
{
  BrokenKind kind = GPOINTER_TO_INT (data);
  g_autoptr(GBytes) original = make_broken_contents (kind, fixture->dir);
  const char *original_data;
  gsize original_length;
  g_autoptr(GPtrArray) broken = NULL;
  g_autofree char *broken_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *load_error;
  JsonArray *entries;
  TestList *tl;

  original_data = g_bytes_get_data (original, &original_length);
  write_bytes (fixture->path, original_length > 0 ? original_data : "", (gssize) original_length);

  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);

  /* Meanwhile starts, with an empty list, and says why in a sentence. */
  g_assert_cmpuint (test_list_get_n_items (tl), ==, 0);
  load_error = mw_download_list_get_load_error (tl->list);
  g_test_message ("load error: %s", load_error);
  assert_sentence (load_error);

  /* The unreadable file was kept, byte for byte, beside where it was... */
  broken = list_broken_files (fixture->dir);
  g_assert_cmpuint (broken->len, ==, 1);
  broken_path = g_build_filename (fixture->dir, g_ptr_array_index (broken, 0), NULL);
  g_assert_true (file_holds (broken_path, original_length > 0 ? original_data : "",
                             original_length));
  /* ... and the message names it, so a person can find it. */
  g_assert_nonnull (strstr (load_error, g_ptr_array_index (broken, 0)));
  /* The old name does not hold the old bytes any more. */
  g_assert_false (file_holds (fixture->path, original_length > 0 ? original_data : "",
                              original_length));

  /* Life goes on: a new download is saved in a fresh, valid file... */
  test_list_add (tl, URL_BASE "after-the-damage.bin", NULL);
  save_and_wait (tl->list);
  entries = read_state_file (fixture->path, parser);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0),
                                                  "url"),
                   ==, URL_BASE "after-the-damage.bin");

  /* ... while the set-aside file is left alone. */
  g_clear_pointer (&broken, g_ptr_array_unref);
  broken = list_broken_files (fixture->dir);
  g_assert_cmpuint (broken->len, ==, 1);
  g_assert_true (file_holds (broken_path, original_length > 0 ? original_data : "",
                             original_length));

  test_list_free (tl);

  /* And the next start is a normal one. */
  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);
  g_assert_null (mw_download_list_get_load_error (tl->list));
  g_assert_cmpuint (test_list_get_n_items (tl), ==, 1);
  g_assert_cmpstr (mw_download_get_url (test_list_get (tl, 0)), ==,
                   URL_BASE "after-the-damage.bin");
  test_list_free (tl);

  g_clear_pointer (&broken, g_ptr_array_unref);
  broken = list_broken_files (fixture->dir);
  g_assert_cmpuint (broken->len, ==, 1);
}

/* A second damaged file never replaces the first one set aside. */
static void
test_broken_twice (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char first[] = "first damaged file {";
  static const char second[] = "second damaged file [";
  g_autoptr(GPtrArray) broken = NULL;
  gboolean found_first = FALSE, found_second = FALSE;
  TestList *tl;

  write_bytes (fixture->path, first, -1);
  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);
  assert_sentence (mw_download_list_get_load_error (tl->list));
  test_list_free (tl);

  write_bytes (fixture->path, second, -1);
  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);
  assert_sentence (mw_download_list_get_load_error (tl->list));
  test_list_free (tl);

  broken = list_broken_files (fixture->dir);
  g_assert_cmpuint (broken->len, ==, 2);
  for (guint i = 0; i < broken->len; i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, g_ptr_array_index (broken, i), NULL);

      found_first |= file_holds (path, first, strlen (first));
      found_second |= file_holds (path, second, strlen (second));
    }
  g_assert_true (found_first);
  g_assert_true (found_second);
}


int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/list/broken/garbage", test_broken, GINT_TO_POINTER (BROKEN_GARBAGE));
  ADD ("/store/list/broken/truncated", test_broken, GINT_TO_POINTER (BROKEN_TRUNCATED));
  ADD ("/store/list/broken/empty", test_broken, GINT_TO_POINTER (BROKEN_EMPTY));
  ADD ("/store/list/broken/future-version", test_broken, GINT_TO_POINTER (BROKEN_FUTURE));
  ADD ("/store/list/broken/not-ours", test_broken, GINT_TO_POINTER (BROKEN_NOT_OURS));
  ADD ("/store/list/broken/deep", test_broken, GINT_TO_POINTER (BROKEN_DEEP));
  ADD ("/store/list/broken/twice", test_broken_twice, NULL);

#undef ADD

  return g_test_run ();
}
