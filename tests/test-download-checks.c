/* test-download-checks.c: what test-download and test-download-recovery share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A list with quick retries in a fresh folder, and what a finished download must look
 * like to its user: the whole file and nothing else, or a sentence that says what failed.
 */
#define G_LOG_DOMAIN "test-download-checks"

#include "config.h"

#include <string.h>

#include "test-download-checks.h"

void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  mw_test_downloads_set_up (fixture, NULL);
  /* Quick retries keep the suite short; the policy itself is what is under test. */
  mw_download_list_set_retry_policy (fixture->list, 4, 20, 200);
  mw_download_list_set_network_timeout (fixture->list, 2);
}

void
assert_completed_as (Fixture    *fixture,
                     MwDownload *download,
                     const char *name,
                     GBytes     *expected)
{
  g_autofree char *part = g_strconcat (name, ".part", NULL);

  mw_test_downloads_assert_completed (fixture, download, name, expected);
  g_assert_cmpint (mw_download_get_total_bytes (download), ==, (gint64) g_bytes_get_size (expected));
  /* Nothing but the file: no .part left behind. */
  g_assert_false (mw_test_file_exists (fixture->folder_path, part));
}

void
assert_failed_with (MwDownload *download,
                    const char *fragment)
{
  const char *message = mw_download_get_error_message (download);

  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_FAILED);
  g_assert_nonnull (message);
  if (strstr (message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", message, fragment);
  /* People read sentences, not error domains. */
  g_assert_null (strstr (message, "g-io-error"));
  g_assert_null (strstr (message, "quark"));
}
