/* mw-test-utils.c: what every test program needs to start, to wait and to read its fixtures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on the test's main thread. A wait never hangs until meson's timeout: it fails with
 * a sentence naming what it waited for, so that a failing run reads like a story.
 */
#define G_LOG_DOMAIN "mw-test-utils"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "mw-test-utils.h"

/* How much slower than a plain build this one runs (MW_TEST_SLOWNESS, which the sanitizer
 * build sets): time bounds stretch by as much, the behaviour does not. */
guint
mw_test_slowness (void)
{
  const char *value = g_getenv ("MW_TEST_SLOWNESS");
  gint64 slowness = value ? g_ascii_strtoll (value, NULL, 10) : 1;

  return CLAMP (slowness, 1, 100);
}

/* g_test_init() with "--seed=@default_seed" unless the command line names a seed: the
 * random cases replay the same way every run, and --seed explores others. */
void
mw_test_init_seeded (int          *argc,
                     char       ***argv,
                     const char   *default_seed)
{
  /* Static, so that it lives as long as the test framework keeps pointers into it. */
  static char **args;

  for (int i = 1; i < *argc; i++)
    if (g_str_has_prefix ((*argv)[i], "--seed"))
      {
        g_test_init (argc, argv, NULL);
        return;
      }

  args = g_new0 (char *, *argc + 2);
  memcpy (args, *argv, *argc * sizeof (char *));
  args[(*argc)++] = g_strconcat ("--seed=", default_seed, NULL);
  *argv = args;
  g_test_init (argc, argv, NULL);
}

/* Points XDG_DATA_HOME at a fresh folder, so that what the program keeps there (the
 * Trash, its state) never touches the user's. Returns: the folder, for the caller to
 * remove with mw_test_remove_tree() when the tests have run. */
char *
mw_test_use_private_data_home (void)
{
  g_autoptr(GError) error = NULL;
  char *data_home = g_dir_make_tmp ("meanwhile-data-XXXXXX", &error);

  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  return data_home;
}

/* Lets the main loop run for @ms milliseconds, whether or not anything happens. */
void
mw_test_iterate_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Lets the main loop run until @condition holds; after @timeout_ms the test fails,
 * saying "Waited 20000 ms for @what, in vain". The condition is checked after every
 * event, and at least every 50 ms for what no event announces (a file, another process). */
void
mw_test_wait_until (MwTestCondition  condition,
                    gpointer         data,
                    guint            timeout_ms,
                    const char      *what)
{
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add (timeout_ms, set_flag_cb, &timed_out);
  /* What other threads change (a server's count of requests, a file) wakes no main
   * loop: look again every so often. */
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while (!condition (data))
    {
      if (timed_out)
        g_error ("Waited %u ms for %s, in vain", timeout_ms, what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
  if (!timed_out)
    g_source_remove (timeout);
}

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult * that @slot points
 * to, for mw_test_async_result(). A callback runs once: a second one fails the test. */
void
mw_test_async_result_cb (GObject      *source_object,
                         GAsyncResult *result,
                         gpointer      slot)
{
  GAsyncResult **out = slot;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* Waits, at most @timeout_ms, until mw_test_async_result_cb() has filled @slot.
 * Returns: (transfer none): the result, which @slot keeps */
GAsyncResult *
mw_test_async_result_within (GAsyncResult **slot,
                             guint          timeout_ms,
                             const char    *what)
{
  mw_test_wait_until (is_set, slot, timeout_ms, what);
  return *slot;
}

/* Waits, at most MW_TEST_PATIENCE_MS, until mw_test_async_result_cb() has filled @slot.
 * Returns: (transfer none): the result, which @slot keeps */
GAsyncResult *
mw_test_async_result (GAsyncResult **slot,
                      const char    *what)
{
  return mw_test_async_result_within (slot, MW_TEST_PATIENCE_MS, what);
}

/* --- Files in a test's folder ---------------------------------------------------- */

gboolean
mw_test_file_exists (const char *folder,
                     const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Returns: how many files (and folders) @folder holds */
guint
mw_test_count_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* The file @name of @folder holds exactly @expected. */
void
mw_test_assert_file (const char *folder,
                     const char *name,
                     GBytes     *expected)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

/* No partial file in @folder: everything the downloads wrote is finished or gone. */
void
mw_test_assert_no_part_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".part"))
      g_error ("%s was left in the download folder", name);
}

static gboolean
path_is_gone (gpointer path)
{
  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Waits until the file @name of @folder is gone, or fails saying so. */
void
mw_test_wait_until_gone (const char *folder,
                         const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autofree char *what = g_strdup_printf ("%s to be deleted", name);

  mw_test_wait_until (path_is_gone, path, MW_TEST_PATIENCE_MS, what);
}

/* --- Fixtures ----------------------------------------------------------------------- */

/* Returns: the file @name of tests/fixtures/@folder */
GBytes *
mw_test_load_fixture (const char *folder,
                      const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", folder, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Returns: the names of the files in tests/fixtures/@folder, sorted, so that every run
 * reads them in the same order */
GStrv
mw_test_list_fixtures (const char *folder)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", folder, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* gettext reads LANGUAGE only where the locale of messages is not C, and the C library of
 * Debian 13 (glibc 2.41) counts C.UTF-8 as C, which Debian 12's did not. So messages get a
 * German locale, as a German user has: the system's de_DE.UTF-8 where it is installed,
 * otherwise one that localedef compiles (from the definitions of Debian's locales
 * package) into a temporary folder, which is returned. Every other category stays
 * C.UTF-8. Call it before setlocale(). */
char *
mw_test_use_german_messages (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *target = NULL;
  g_autofree char *locpath = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "localedef", "-i", "de_DE", "-f", "UTF-8", NULL, NULL };
  int wait_status;

  g_unsetenv ("LC_ALL");
  g_setenv ("LANG", "C.UTF-8", TRUE);
  g_setenv ("LC_MESSAGES", "de_DE.UTF-8", TRUE);
  if (setlocale (LC_MESSAGES, "de_DE.UTF-8") != NULL)
    return NULL;

  dir = g_dir_make_tmp ("mw-test-locale-XXXXXX", &error);
  g_assert_no_error (error);
  target = g_build_filename (dir, "de_DE.UTF-8", NULL);
  argv[5] = target;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &wait_status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (wait_status, NULL))
    g_error ("localedef could not compile de_DE.UTF-8 (Debian's locales package has its "
             "definitions):\n%s", err);

  /* The system's folder stays on the path, for C.UTF-8. */
  locpath = g_strconcat (dir, ":/usr/lib/locale", NULL);
  g_setenv ("LOCPATH", locpath, TRUE);
  return g_steal_pointer (&dir);
}
