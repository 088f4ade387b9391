/* fuzz-main.c: runs a fuzz harness over files, without libFuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In the normal build every harness is linked with this main(), and the fuzz-replay test
 * runs it over its seeds and over each input that once made it fail, so that what was
 * fixed stays fixed. Usage: fuzz-NAME FILE-OR-FOLDER...
 */
#define G_LOG_DOMAIN "fuzz-main"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz-common.h"

static gboolean
run_file (const char *path,
          guint      *n_inputs)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree guint8 *exact = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return FALSE;
    }

  /* Exactly the input's size, and no terminating nul, as libFuzzer passes it. */
  exact = g_malloc (MAX (length, 1));
  memcpy (exact, contents, length);
  g_clear_pointer (&contents, g_free);

  LLVMFuzzerTestOneInput (exact, length);
  (*n_inputs)++;

  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
run_path (const char *path,
          guint      *n_inputs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return run_file (path, n_inputs);

  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return FALSE;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (name[0] != '.')
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, g_ptr_array_index (names, i), NULL);

      if (!g_file_test (child, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!run_file (child, n_inputs))
        return FALSE;
    }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  guint n_inputs = 0;

  LLVMFuzzerInitialize (&argc, &argv);

  if (argc < 2)
    {
      fprintf (stderr, "Usage: %s FILE-OR-FOLDER...\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      if (!run_path (argv[i], &n_inputs))
        return 1;
    }

  /* Replaying nothing would prove nothing. */
  if (n_inputs == 0)
    {
      fprintf (stderr, "No inputs found\n");
      return 1;
    }

  printf ("%u inputs\n", n_inputs);
  return 0;
}
