/* mw-test-fixtures.c: download and feed lists against a fresh test server, and waits on them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fixtures of the engine's tests: each list works in a fresh temporary folder and
 * talks to a server of its own (mw-test-server.c); every wait is bounded and says what
 * it waited for.
 */
#define G_LOG_DOMAIN "mw-test-fixtures"

#include "config.h"

#include "mw-test-server.h"
#include "mw-test-utils.h"

/* --- Downloads ----------------------------------------------------------------------- */

void
mw_test_downloads_set_up (MwTestDownloads *fixture,
                          gconstpointer    unused)
{
  fixture->server = mw_test_server_new ();
  fixture->folder_path = g_dir_make_tmp ("meanwhile-test-XXXXXX", NULL);
  g_assert_nonnull (fixture->folder_path);
  fixture->folder = g_file_new_for_path (fixture->folder_path);
  fixture->list = mw_download_list_new (NULL);
  mw_download_list_set_download_folder (fixture->list, fixture->folder);
}

void
mw_test_downloads_tear_down (MwTestDownloads *fixture,
                             gconstpointer    unused)
{
  /* Let finished transfers' last callbacks (closing streams) run before the server goes. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_finalize_object (fixture->list);
  mw_test_server_free (fixture->server);
  mw_test_remove_tree (fixture->folder_path);
  g_free (fixture->folder_path);
  g_object_unref (fixture->folder);
}

/* Returns: (transfer none): a new download of @path from the fixture's server, queued */
MwDownload *
mw_test_downloads_add (MwTestDownloads *fixture,
                       const char      *path)
{
  g_autofree char *url = mw_test_server_url (fixture->server, path);
  g_autoptr(GError) error = NULL;
  MwDownload *download = mw_download_list_add (fixture->list, url, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (download);
  return download;
}

/* The file @name of the download folder holds exactly @expected. */
void
mw_test_downloads_assert_file (MwTestDownloads *fixture,
                               const char      *name,
                               GBytes          *expected)
{
  mw_test_assert_file (fixture->folder_path, name, expected);
}

/* @download completed without an error message, as @name, with all of @expected on disk. */
void
mw_test_downloads_assert_completed (MwTestDownloads *fixture,
                                    MwDownload      *download,
                                    const char      *name,
                                    GBytes          *expected)
{
  g_assert_cmpstr (mw_download_get_error_message (download), ==, NULL);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_COMPLETED);
  g_assert_cmpstr (mw_download_get_filename (download), ==, name);
  g_assert_cmpuint (mw_download_get_received_bytes (download), ==, g_bytes_get_size (expected));
  mw_test_downloads_assert_file (fixture, name, expected);
}

static gboolean
is_settled (gpointer data)
{
  return mw_download_is_finished (data) && !mw_download_is_active (data);
}

/* Waits until @download is finished and its transfer has returned, or fails saying so. */
void
mw_test_wait_until_finished (MwDownload *download)
{
  g_autofree char *what = g_strdup_printf ("the download of %s to finish", mw_download_get_url (download));

  mw_test_wait_until (is_settled, download, MW_TEST_PATIENCE_MS, what);
}

typedef struct
{
  MwDownload *download;
  guint64     bytes;
} BytesWanted;

static gboolean
has_bytes (gpointer data)
{
  BytesWanted *wanted = data;

  return mw_download_get_received_bytes (wanted->download) >= wanted->bytes;
}

/* Waits until @download has received @bytes, or fails saying so. */
void
mw_test_wait_for_bytes (MwDownload *download,
                        guint64     bytes)
{
  BytesWanted wanted = { download, bytes };
  g_autofree char *what = g_strdup_printf ("%" G_GUINT64_FORMAT " bytes of %s", bytes,
                                           mw_download_get_url (download));

  mw_test_wait_until (has_bytes, &wanted, MW_TEST_PATIENCE_MS, what);
}

typedef struct
{
  MwDownload      *download;
  MwDownloadState  state;
  gboolean         at_rest;
} StateWanted;

static gboolean
is_in_state (gpointer data)
{
  StateWanted *wanted = data;

  return mw_download_get_state (wanted->download) == wanted->state &&
         !(wanted->at_rest && mw_download_is_active (wanted->download));
}

/* Waits until @download is in @state, or fails saying so. */
void
mw_test_wait_for_state (MwDownload      *download,
                        MwDownloadState  state)
{
  StateWanted wanted = { download, state, FALSE };
  g_autofree char *what = g_strdup_printf ("the download of %s to be %s", mw_download_get_url (download),
                                           mw_download_state_to_string (state));

  mw_test_wait_until (is_in_state, &wanted, MW_TEST_PATIENCE_MS, what);
}

/* Waits until @download is in @state and its transfer has returned, or fails saying so. */
void
mw_test_wait_until_at_rest (MwDownload      *download,
                            MwDownloadState  state)
{
  StateWanted wanted = { download, state, TRUE };
  g_autofree char *what = g_strdup_printf ("the download of %s to be %s and at rest",
                                           mw_download_get_url (download),
                                           mw_download_state_to_string (state));

  mw_test_wait_until (is_in_state, &wanted, MW_TEST_PATIENCE_MS, what);
}

/* Reads @list's state file, waiting at most MW_TEST_PATIENCE_MS. */
gboolean
mw_test_download_list_load (MwDownloadList  *list,
                            GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mw_download_list_load_async (list, NULL, mw_test_async_result_cb, &result);
  return mw_download_list_load_finish (list, mw_test_async_result (&result, "the list of downloads to be read"),
                                       error);
}

/* Writes @list's state file, waiting at most MW_TEST_PATIENCE_MS. */
gboolean
mw_test_download_list_save (MwDownloadList  *list,
                            GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mw_download_list_save_async (list, NULL, mw_test_async_result_cb, &result);
  return mw_download_list_save_finish (list, mw_test_async_result (&result, "the list of downloads to be saved"),
                                       error);
}

/* --- Feeds --------------------------------------------------------------------------- */

void
mw_test_feeds_set_up (MwTestFeeds   *fixture,
                      gconstpointer  unused)
{
  g_autofree char *path = NULL;

  fixture->server = mw_test_server_new ();
  fixture->folder = g_dir_make_tmp ("meanwhile-feeds-XXXXXX", NULL);
  g_assert_nonnull (fixture->folder);
  path = g_build_filename (fixture->folder, "feeds.json", NULL);
  fixture->state = g_file_new_for_path (path);
  fixture->list = mw_feed_list_new (fixture->state);
}

void
mw_test_feeds_tear_down (MwTestFeeds   *fixture,
                         gconstpointer  unused)
{
  /* Let the last callbacks (a save, closing streams) run before the list goes. */
  mw_test_run_loop_for (20);
  g_assert_finalize_object (fixture->list);
  mw_test_server_free (fixture->server);
  mw_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
  g_object_unref (fixture->state);
}

/* Subscribes to @path of the fixture's server, as the Subscribe dialog does.
 * Returns: (transfer full) (nullable): the feed, or NULL with @error (and, for a page
 * that links several feeds, @choices) set */
MwFeed *
mw_test_feeds_subscribe (MwTestFeeds   *fixture,
                         const char    *path,
                         GCancellable  *cancellable,
                         GPtrArray    **choices,
                         GError       **error)
{
  g_autofree char *url = mw_test_server_url (fixture->server, path);
  g_autofree char *what = g_strdup_printf ("the subscription to %s to end", path);
  g_autoptr(GAsyncResult) result = NULL;

  mw_feed_list_subscribe_async (fixture->list, url, cancellable, mw_test_async_result_cb, &result);
  return mw_feed_list_subscribe_finish (fixture->list,
                                        mw_test_async_result (&result, what),
                                        choices, error);
}

/* Refreshes @feed now, as its Refresh button does. */
gboolean
mw_test_feeds_refresh (MwTestFeeds  *fixture,
                       MwFeed       *feed,
                       GError      **error)
{
  g_autofree char *what = g_strdup_printf ("the refresh of %s to end", mw_feed_get_url (feed));
  g_autoptr(GAsyncResult) result = NULL;

  mw_feed_list_refresh_async (fixture->list, feed, NULL, mw_test_async_result_cb, &result);
  return mw_feed_list_refresh_finish (fixture->list,
                                      mw_test_async_result (&result, what),
                                      error);
}

/* Reads @list's feeds.json, waiting at most MW_TEST_PATIENCE_MS. */
gboolean
mw_test_feed_list_load (MwFeedList  *list,
                        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mw_feed_list_load_async (list, NULL, mw_test_async_result_cb, &result);
  return mw_feed_list_load_finish (list, mw_test_async_result (&result, "the list of feeds to be read"), error);
}

/* Writes @list's feeds.json, waiting at most MW_TEST_PATIENCE_MS. */
gboolean
mw_test_feed_list_save (MwFeedList  *list,
                        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mw_feed_list_save_async (list, NULL, mw_test_async_result_cb, &result);
  return mw_feed_list_save_finish (list, mw_test_async_result (&result, "the list of feeds to be saved"), error);
}

/* Unsubscribes from every feed of @feeds, with no undo to offer. */
void
mw_test_unsubscribe_all (MwFeedList *feeds)
{
  while (g_list_model_get_n_items (G_LIST_MODEL (feeds)) > 0)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (feeds), 0);
      g_autoptr(MwFeed) taken = mw_feed_list_take (feeds, feed, NULL);
    }
}
