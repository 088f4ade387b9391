/* test-hostile-state.c: state files that are damaged, unreadable or in the way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/test-download-store-broken.c covers damaged, cut short, empty, future-version and
 * foreign files being set aside with a message; these are the cases where setting aside is
 * impossible or where the file would once have crashed Meanwhile.
 */
#define G_LOG_DOMAIN "test-hostile"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mw-feed-store.h"
#include "test-hostile.h"

static const char cut_short[] =
  "{ \"format\": \"meanwhile-downloads\", \"version\": 1, \"downloads\": [ { \"url\": \"http://exa";

/* Meanwhile starts, says why in a sentence, and goes on with a list it does not save. */
static void
assert_starts_without_state (Sandbox    *sandbox,
                             const char *says)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = mw_test_make_bytes (5000, 208);
  const char *message;
  MwDownload *download;

  g_assert_false (load_list (sandbox->list, &error));
  g_assert_nonnull (error);
  message = mw_download_list_get_load_error (sandbox->list);
  g_test_message ("load error: %s", message);
  assert_human_sentence (message);
  g_assert_nonnull (strstr (message, says));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sandbox->list)), ==, 0);

  sandbox_serve (sandbox, "/after.bin", body);
  download = sandbox_add_path (sandbox, "/after.bin");
  sandbox_wait_finished (sandbox, download, 60);
  assert_outcome (sandbox, download, body, OUTCOME_COMPLETED, NULL);
  save_list (sandbox->list);
  mw_test_run_loop_for (500);
}

/* A damaged file in a folder Meanwhile may not write to cannot be set aside: it is left
 * exactly as it was, and nothing is saved over it. */
static void
state_not_movable_in_child (void)
{
  g_autofree char *root = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  Sandbox sandbox;

  drop_permission_override ();
  root = g_dir_make_tmp ("meanwhile-hostile-XXXXXX", NULL);
  sandbox_init (&sandbox, root, TRUE, FALSE);
  g_file_set_contents (sandbox.state_path, cut_short, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (root, 0555), ==, 0);

  assert_starts_without_state (&sandbox, "left as it is");

  after = read_file_bytes (sandbox.state_path);
  g_assert_cmpmem (g_bytes_get_data (after, NULL), g_bytes_get_size (after), cut_short, strlen (cut_short));
  entries = list_names (root);
  g_assert_cmpuint (entries->len, ==, 2);

  sandbox_clear (&sandbox);
  g_assert_cmpint (g_chmod (root, 0755), ==, 0);
  mw_test_remove_tree (root);
}

static void
test_state_not_movable (void)
{
  if (g_test_subprocess ())
    {
      state_not_movable_in_child ();
      return;
    }
  run_in_child ();
}

/* A list Meanwhile may not read may be perfectly good: it is neither set aside nor
 * overwritten. */
static void
state_unreadable_in_child (void)
{
  static const char good[] = "{ \"format\": \"meanwhile-downloads\", \"version\": 1, \"downloads\": [] }\n";
  g_autofree char *root = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  Sandbox sandbox;

  drop_permission_override ();
  root = g_dir_make_tmp ("meanwhile-hostile-XXXXXX", NULL);
  sandbox_init (&sandbox, root, TRUE, FALSE);
  g_file_set_contents (sandbox.state_path, good, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (sandbox.state_path, 0), ==, 0);

  assert_starts_without_state (&sandbox, "left as it is");

  entries = list_names (root);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpint (g_chmod (sandbox.state_path, 0600), ==, 0);
  after = read_file_bytes (sandbox.state_path);
  g_assert_cmpmem (g_bytes_get_data (after, NULL), g_bytes_get_size (after), good, strlen (good));

  sandbox_clear (&sandbox);
  mw_test_remove_tree (root);
}

static void
test_state_unreadable (void)
{
  if (g_test_subprocess ())
    {
      state_unreadable_in_child ();
      return;
    }
  run_in_child ();
}

static void
test_state_is_a_folder (void)
{
  g_autofree char *root = g_dir_make_tmp ("meanwhile-hostile-XXXXXX", NULL);
  g_autofree char *inside = NULL;
  g_autoptr(GError) error = NULL;
  Sandbox sandbox;

  sandbox_init (&sandbox, root, TRUE, FALSE);
  g_assert_cmpint (g_mkdir (sandbox.state_path, 0755), ==, 0);
  inside = g_build_filename (sandbox.state_path, "keep-me", NULL);
  g_file_set_contents (inside, "mine", -1, &error);
  g_assert_no_error (error);

  assert_starts_without_state (&sandbox, "left as it is");
  g_assert_true (g_file_test (sandbox.state_path, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (inside, G_FILE_TEST_IS_REGULAR));

  sandbox_clear (&sandbox);
  mw_test_remove_tree (root);
}

static char *
make_deeply_nested (const char *format,
                    const char *member,
                    guint       depth)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "{ \"format\": \"%s\", \"version\": 1, \"%s\": ", format, member);
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  g_string_append (text, " }\n");
  return g_string_free (text, FALSE);
}

/* Brackets nested a few hundred thousand deep once overflowed the parser's stack, which
 * would have ended Meanwhile at every start. Now it is a damaged file like any other. */
static void
test_state_deeply_nested (void)
{
  g_autofree char *root = g_dir_make_tmp ("meanwhile-hostile-XXXXXX", NULL);
  g_autofree char *downloads = make_deeply_nested ("meanwhile-downloads", "downloads", 300000);
  g_autofree char *feeds = make_deeply_nested ("meanwhile-feeds", "feeds", 300000);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  gboolean set_aside = FALSE;
  Sandbox sandbox;

  sandbox_init (&sandbox, root, TRUE, FALSE);
  g_file_set_contents (sandbox.state_path, downloads, -1, &error);
  g_assert_no_error (error);

  g_assert_true (load_list (sandbox.list, &error));
  g_assert_no_error (error);
  assert_human_sentence (mw_download_list_get_load_error (sandbox.list));
  g_assert_nonnull (strstr (mw_download_list_get_load_error (sandbox.list), "nested"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sandbox.list)), ==, 0);

  /* Set aside, byte for byte, under a name the message gives. */
  entries = list_names (root);
  for (guint i = 0; i < entries->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (entries, i), "downloads.json.broken-"))
      {
        g_autofree char *path = g_build_filename (root, g_ptr_array_index (entries, i), NULL);
        g_autoptr(GBytes) kept = read_file_bytes (path);

        g_assert_cmpmem (g_bytes_get_data (kept, NULL), g_bytes_get_size (kept), downloads, strlen (downloads));
        g_assert_nonnull (strstr (mw_download_list_get_load_error (sandbox.list),
                                  (const char *) g_ptr_array_index (entries, i)));
        set_aside = TRUE;
      }
  g_assert_true (set_aside);

  /* The feeds' file shares the guard. */
  records = mw_feed_store_parse (feeds, strlen (feeds), NULL, &error);
  g_assert_null (records);
  g_assert_nonnull (error);
  assert_human_sentence (error->message);

  sandbox_clear (&sandbox);
  mw_test_remove_tree (root);
}


void
hostile_state_add_tests (void)
{
  g_test_add_func ("/hostile/state/cannot-set-aside", test_state_not_movable);
  g_test_add_func ("/hostile/state/unreadable", test_state_unreadable);
  g_test_add_func ("/hostile/state/is-a-folder", test_state_is_a_folder);
  g_test_add_func ("/hostile/state/deeply-nested", test_state_deeply_nested);
}
