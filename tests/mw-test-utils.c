/* mw-test-utils.c: what every test program needs to wait and to make its files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on the test's main thread. A wait never hangs until meson's timeout: it fails with
 * a sentence naming what it waited for, so that a failing run reads like a story.
 */
#define G_LOG_DOMAIN "mw-test-utils"

#include "config.h"

#include "mw-test-utils.h"

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
  guint wake = g_timeout_add (50, wake_cb, NULL);

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

/* The bytes of tests/fixtures/@folder/@name; the test fails if the file cannot be read. */
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
