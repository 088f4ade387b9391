/* mw-test-window.c: the application and its window, as the window tests open them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on the test's main thread, against a real window under Xvfb.
 */
#define G_LOG_DOMAIN "mw-test-window"

#include "config.h"

#include "mw-download-format.h"
#include "mw-test-window.h"

/* Returns: (transfer full): the application, registered. Other test programs may share
 * the session bus: a test's application needs no uniqueness. */
MwApplication *
mw_test_application_new (void)
{
  g_autoptr(GError) error = NULL;
  MwApplication *app = mw_application_new ();

  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  return app;
}

/* Starts a window test program: a private data folder in @data_home (for the caller to
 * remove), GTK and libadwaita set up for tests, and the application.
 * Returns: (transfer full): the application, registered */
MwApplication *
mw_test_window_init (int      *argc,
                     char   ***argv,
                     char    **data_home)
{
  *data_home = mw_test_use_private_data_home ();
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  return mw_test_application_new ();
}

static gboolean
downloads_loaded (gpointer app)
{
  return mw_download_list_get_loaded (mw_application_get_downloads (app));
}

/* Opens @app's window, downloading into @download_folder, as a person starting the
 * application would, and waits until the list of downloads is read.
 * Returns: (transfer none): the window */
MwWindow *
mw_test_window_open (MwApplication *app,
                     const char    *download_folder)
{
  GtkWindow *window;

  g_settings_set_string (mw_application_get_settings (app), "download-folder", download_folder);
  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_nonnull (window);
  g_assert_true (MW_IS_WINDOW (window));
  mw_test_wait_until (downloads_loaded, app, MW_TEST_PATIENCE_MS, "the list of downloads to be read");
  return MW_WINDOW (window);
}

/* A fresh server and download folder, and @app's window at @width × @height. */
void
mw_test_window_set_up (MwTestWindow  *fixture,
                       MwApplication *app,
                       int            width,
                       int            height)
{
  fixture->app = app;
  fixture->server = mw_test_server_new ();
  fixture->folder = g_dir_make_tmp ("meanwhile-window-XXXXXX", NULL);
  g_assert_nonnull (fixture->folder);
  fixture->window = mw_test_window_open (app, fixture->folder);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, height);
}

/* Back to responsive mode with an empty list; the window stays, as it would for a
 * person doing one thing after another. */
void
mw_test_window_tear_down (MwTestWindow *fixture)
{
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode",
                                      g_variant_new_boolean (FALSE));
  mw_test_remove_all_downloads (fixture->app);
  /* GTK 4.8 warns when a pending tooltip outlives its window. */
  mw_test_iterate_for (50);
  mw_test_server_free (fixture->server);
  mw_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
}

static gboolean
is_at_rest (gpointer download)
{
  return !mw_download_is_active (download);
}

/* Removes every download of @app, waiting until each transfer has returned. */
void
mw_test_remove_all_downloads (MwApplication *app)
{
  MwDownloadList *list = mw_application_get_downloads (app);

  while (g_list_model_get_n_items (G_LIST_MODEL (list)) > 0)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), 0);

      mw_download_list_remove (list, download, FALSE);
      mw_test_wait_until (is_at_rest, download, MW_TEST_PATIENCE_MS, "a removed download's transfer to return");
    }
}

void
mw_test_window_downloads_set_up (MwTestWindow  *fixture,
                                 gconstpointer  app)
{
  mw_test_window_set_up (fixture, (MwApplication *) app, 900, 600);
  mw_window_show_page (fixture->window, "downloads");
  mw_test_iterate_for (100);
}

/* Also an empty log and the window as it opened, for the next test. */
void
mw_test_window_downloads_tear_down (MwTestWindow  *fixture,
                                    gconstpointer  app)
{
  GListModel *log = mw_window_get_log (fixture->window);

  g_settings_reset (mw_application_get_settings (fixture->app), "max-concurrent-downloads");
  gtk_string_list_splice (GTK_STRING_LIST (log), 0, g_list_model_get_n_items (log), NULL);
  g_object_set (fixture->window, "log-visible", FALSE, "timeline-visible", TRUE, NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 600);
  mw_test_window_tear_down (fixture);
}

/* The main () of a program of window tests: runs @cases, in order, each in the fixture of
 * mw_test_window_downloads_set_up(). */
int
mw_test_window_main (int                     argc,
                     char                  **argv,
                     const MwTestWindowCase *cases,
                     gsize                   n_cases)
{
  g_autofree char *data_home = NULL;
  g_autoptr(MwApplication) app = mw_test_window_init (&argc, &argv, &data_home);
  int status;

  /* Start-up is slow on a slow machine (the first frame with a software renderer took
   * 200–600 ms here); the first test may check that it is not reported as a stall. */
  g_usleep (300 * 1000);

  for (gsize i = 0; i < n_cases; i++)
    g_test_add (cases[i].path, MwTestWindow, app, mw_test_window_downloads_set_up, cases[i].func,
                mw_test_window_downloads_tear_down);

  status = g_test_run ();
  mw_test_remove_tree (data_home);
  return status;
}

/* --- Downloads as the window shows them --------------------------------------------- */

/* Adds @path of the fixture's server through the app.download action, as the Add
 * Download dialog does. Returns: (transfer none): the new download */
MwDownload *
mw_test_window_add_download (MwTestWindow *fixture,
                             const char   *path)
{
  g_autofree char *url = mw_test_server_url (fixture->server, path);
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  guint before = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_autoptr(MwDownload) download = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "download", g_variant_new_string (url));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, before + 1);
  download = g_list_model_get_item (G_LIST_MODEL (list), before);
  return download;
}

static gboolean
row_for (GtkWidget     *widget,
         gconstpointer  download)
{
  return mw_download_row_get_download (MW_DOWNLOAD_ROW (widget)) == download;
}

typedef struct
{
  MwTestWindow *fixture;
  MwDownload   *download;
  GtkWidget    *row;
} RowWanted;

static gboolean
row_shown (gpointer data)
{
  RowWanted *wanted = data;

  wanted->row = mw_test_find_widget (GTK_WIDGET (wanted->fixture->window), MW_TYPE_DOWNLOAD_ROW, row_for,
                                     wanted->download);
  return wanted->row != NULL;
}

/* Returns: (transfer none): the row of @download, once the window shows one */
MwDownloadRow *
mw_test_window_wait_for_row (MwTestWindow *fixture,
                             MwDownload   *download)
{
  RowWanted wanted = { fixture, download, NULL };

  mw_test_wait_until (row_shown, &wanted, MW_TEST_PATIENCE_MS, "the download's row to show");
  return MW_DOWNLOAD_ROW (wanted.row);
}

/* Clicks the visible button of @row that activates @action. */
void
mw_test_click_row_button (MwDownloadRow *row,
                          const char    *action)
{
  GtkWidget *button = mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, mw_test_has_action, action);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
}

/* @row says of its download what the status text of that download is. */
void
mw_test_assert_row_text_matches (MwTestWindow  *fixture,
                                 MwDownloadRow *row)
{
  MwDownload *download = mw_download_row_get_download (row);
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  g_autofree char *expected = mw_format_download_status (download,
                                                         mw_download_list_get_queue_position (list, download));

  mw_download_row_update_now (row);
  g_assert_cmpstr (mw_download_row_get_status_text (row), ==, expected);
}

typedef struct
{
  MwTestWindow *fixture;
  GtkWidget    *undo;
} UndoWanted;

static gboolean
undo_shown (gpointer data)
{
  UndoWanted *wanted = data;

  wanted->undo = mw_test_find_widget (GTK_WIDGET (wanted->fixture->window), GTK_TYPE_BUTTON,
                                      mw_test_button_labelled, "_Undo");
  return wanted->undo != NULL;
}

/* Returns: (transfer none): the Undo button of the toast that a removal shows */
GtkWidget *
mw_test_window_wait_for_undo (MwTestWindow *fixture)
{
  UndoWanted wanted = { fixture, NULL };

  mw_test_wait_until (undo_shown, &wanted, MW_TEST_PATIENCE_MS, "the toast to offer Undo");
  return wanted.undo;
}

typedef struct
{
  GtkWidget *window;
  int        width;
} WidthWanted;

static gboolean
has_width (gpointer data)
{
  WidthWanted *wanted = data;

  return ABS (gtk_widget_get_width (wanted->window) - wanted->width) <= 50;
}

/* Waits until the window, given a new default size, is about @width wide (within 50
 * pixels: its decorations and its widgets' minimum sizes have their say). */
void
mw_test_window_wait_for_width (MwTestWindow *fixture,
                               int           width)
{
  WidthWanted wanted = { GTK_WIDGET (fixture->window), width };
  g_autofree char *what = g_strdup_printf ("the window to be about %d pixels wide", width);

  mw_test_wait_until (has_width, &wanted, MW_TEST_PATIENCE_MS, what);
}

/* --- Feeds ---------------------------------------------------------------------------- */

/* Serves @rss at @path of the fixture's server and subscribes the application to it.
 * Returns: (transfer full): the feed */
MwFeed *
mw_test_window_subscribe (MwTestWindow *fixture,
                          const char   *path,
                          const char   *rss)
{
  g_autoptr(GBytes) body = g_bytes_new (rss, strlen (rss));
  g_autofree char *url = mw_test_server_url (fixture->server, path);
  MwTestResource *resource = mw_test_server_add (fixture->server, path, body);
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MwFeed *feed;

  resource->content_type = g_strdup ("application/rss+xml");
  mw_feed_list_subscribe_async (feeds, url, NULL, mw_test_async_result_cb, &result);
  mw_test_async_result (&result, "the feed to be subscribed");
  feed = mw_feed_list_subscribe_finish (feeds, result, NULL, &error);
  g_assert_no_error (error);
  return feed;
}
