/* test-download-many.c: many downloads at once, against a real server on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-download-many"

#include "config.h"

#include "mw-download-list.h"
#include "mw-test-server.h"

#define N_DOWNLOADS 100

typedef MwTestDownloads Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  mw_test_downloads_set_up (fixture, NULL);
  mw_download_list_set_network_timeout (fixture->list, 20);
}

static void
max_awaiting_cb (MwDownload *download,
                 GParamSpec *pspec,
                 guint      *counts)
{
  gboolean awaiting;

  g_object_get (download, "awaiting-response", &awaiting, NULL);
  counts[0] = awaiting ? counts[0] + 1 : counts[0] - 1;
  counts[1] = MAX (counts[1], counts[0]);
}

/* A hundred downloads of one address, all allowed at once: each gets the whole file under a
 * name of its own, and the server is never asked more than a few requests ahead of its
 * answers (the list starts the others as responses arrive). */
static void
test_many_same_name (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (20000, 90);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/same.bin", body);
  g_autofree char *url = mw_test_server_url (fixture->server, "/same.bin");
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  MwDownload *downloads[N_DOWNLOADS];
  guint awaiting[2] = { 0, 0 };  /* now, most at once */

  resource->answer_delay_ms = 50;
  mw_download_list_set_max_concurrent (fixture->list, N_DOWNLOADS);

  for (guint i = 0; i < N_DOWNLOADS; i++)
    {
      g_autoptr(GError) error = NULL;

      downloads[i] = mw_download_list_add (fixture->list, url, NULL, &error);
      g_assert_no_error (error);
      g_signal_connect (downloads[i], "notify::awaiting-response",
                        G_CALLBACK (max_awaiting_cb), awaiting);
    }

  for (guint i = 0; i < N_DOWNLOADS; i++)
    while (!mw_download_is_finished (downloads[i]) || mw_download_is_active (downloads[i]))
      g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < N_DOWNLOADS; i++)
    {
      GFile *file = mw_download_get_file (downloads[i]);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_cmpint (mw_download_get_state (downloads[i]), ==, MW_DOWNLOAD_COMPLETED);
      g_assert_nonnull (file);
      g_assert_true (g_hash_table_add (names, g_file_get_basename (file)));
      g_assert_true (g_file_load_contents (file, NULL, &contents, &length, NULL, NULL));
      g_assert_cmpmem (contents, length, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    }
  g_assert_true (g_hash_table_contains (names, "same.bin"));
  g_assert_true (g_hash_table_contains (names, "same (99).bin"));

  mw_test_server_lock (fixture->server);
  g_assert_cmpuint (resource->requests, ==, N_DOWNLOADS);
  mw_test_server_unlock (fixture->server);
  g_assert_cmpuint (awaiting[0], ==, 0);
  g_assert_cmpuint (awaiting[1], >, 1);
  g_assert_cmpuint (awaiting[1], <=, 64);
  /* The server sees the same: at most 64 requests waiting, and a few bodies finishing. */
  g_assert_cmpuint (mw_test_server_get_max_concurrent (fixture->server), <, 80);
}

static MwDownload *
download_to_end (Fixture    *fixture,
                 const char *url)
{
  g_autoptr(GError) error = NULL;
  MwDownload *download = mw_download_list_add (fixture->list, url, NULL, &error);

  g_assert_no_error (error);
  while (!mw_download_is_finished (download) || mw_download_is_active (download))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_COMPLETED);
  return download;
}

/* A download in the list holds its name even after its file was moved away; once it
 * leaves the list, the name is free again. */
static void
test_names_released (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (1000, 91);
  g_autofree char *url = NULL;
  g_autoptr(GFile) moved = g_file_get_child (fixture->folder, "kept.txt");
  MwDownload *first, *second, *third;

  mw_test_server_add (fixture->server, "/again.txt", body);
  url = mw_test_server_url (fixture->server, "/again.txt");

  first = download_to_end (fixture, url);
  g_assert_cmpstr (mw_download_get_filename (first), ==, "again.txt");
  g_assert_true (g_file_move (mw_download_get_file (first), moved, G_FILE_COPY_NONE,
                              NULL, NULL, NULL, NULL));

  second = download_to_end (fixture, url);
  g_assert_cmpstr (mw_download_get_filename (second), ==, "again (1).txt");

  mw_download_list_remove (fixture->list, first, FALSE);
  third = download_to_end (fixture, url);
  g_assert_cmpstr (mw_download_get_filename (third), ==, "again.txt");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/download-many/same-name", Fixture, NULL,
              fixture_set_up, test_many_same_name, mw_test_downloads_tear_down);
  g_test_add ("/download-many/names-released", Fixture, NULL,
              fixture_set_up, test_names_released, mw_test_downloads_tear_down);

  return g_test_run ();
}
