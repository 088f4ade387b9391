/* test-window.c: the window as a person uses it, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <glib/gstdio.h>

#include "mw-application.h"
#include "mw-compat.h"
#include "mw-demo-feeds.h"
#include "mw-download-format.h"
#include "mw-download-row.h"
#include "mw-feeds-page.h"
#include "mw-format.h"
#include "mw-meter.h"
#include "mw-preferences-window.h"
#include "mw-test-server.h"
#include "mw-timeline-view.h"
#include "mw-window.h"

typedef struct
{
  MwTestServer  *server;
  MwApplication *app;
  MwWindow      *window;
  char          *folder;
} Fixture;

static void
iterate_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until COND holds; after TIMEOUT_MS the test fails, naming WHAT it
 * waited for. */
static void
wait_until (Condition   cond,
            gpointer    data,
            guint       timeout_ms,
            const char *what)
{
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add (timeout_ms, timed_out_cb, &timed_out);

  while (!cond (data))
    {
      if (timed_out)
        g_error ("Waited %u ms for %s, in vain", timeout_ms, what);
      g_main_context_iteration (NULL, TRUE);
    }
  if (!timed_out)
    g_source_remove (timeout);
}

/* One application and one window for the whole program, as in real life; each test gets
 * a fresh download folder, an empty list and an empty log. */
static MwApplication *app;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = mw_test_server_new ();
  fixture->folder = g_dir_make_tmp ("meanwhile-window-XXXXXX", NULL);
  fixture->app = app;

  g_settings_set_string (mw_application_get_settings (app), "download-folder", fixture->folder);
  g_application_activate (G_APPLICATION (app));

  fixture->window = MW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 600);
  mw_window_show_page (fixture->window, "downloads");
  while (!mw_download_list_get_loaded (mw_application_get_downloads (app)))
    g_main_context_iteration (NULL, TRUE);
  iterate_for (100);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  MwDownloadList *list = mw_application_get_downloads (app);
  GSettings *settings = mw_application_get_settings (app);

  while (g_list_model_get_n_items (G_LIST_MODEL (list)) > 0)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), 0);

      mw_download_list_remove (list, download, FALSE);
      while (mw_download_is_active (download))
        g_main_context_iteration (NULL, TRUE);
    }
  g_action_group_change_action_state (G_ACTION_GROUP (app), "blocking-mode", g_variant_new_boolean (FALSE));
  g_settings_reset (settings, "max-concurrent-downloads");
  gtk_string_list_splice (GTK_STRING_LIST (mw_window_get_log (fixture->window)), 0,
                          g_list_model_get_n_items (mw_window_get_log (fixture->window)), NULL);
  g_object_set (fixture->window, "log-visible", FALSE, "timeline-visible", TRUE, NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 600);
  /* The window stays, as it would for a person doing one thing after another; GTK 4.8
   * also warns when a pending tooltip outlives its window. */
  iterate_for (50);
  mw_test_server_free (fixture->server);
  mw_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
}

/* --- Finding what a person would see --------------------------------------------- */

typedef gboolean (*Match) (GtkWidget *widget, gconstpointer data);

static GtkWidget *
find_widget (GtkWidget     *root,
             GType          type,
             Match          match,
             gconstpointer  data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && (match == NULL || match (child, data)))
        return child;
      found = find_widget (child, type, match, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_action (GtkWidget     *widget,
            gconstpointer  data)
{
  return g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), data) == 0;
}

static gboolean
row_for (GtkWidget     *widget,
         gconstpointer  data)
{
  return mw_download_row_get_download (MW_DOWNLOAD_ROW (widget)) == data;
}

static gboolean
label_is (GtkWidget     *widget,
          gconstpointer  data)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
menu_button_labelled (GtkWidget     *widget,
                      gconstpointer  data)
{
  return g_strcmp0 (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)), data) == 0;
}

static MwDownloadRow *
wait_for_row (Fixture    *fixture,
              MwDownload *download)
{
  GtkWidget *row;

  while ((row = find_widget (GTK_WIDGET (fixture->window), MW_TYPE_DOWNLOAD_ROW, row_for, download)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  return MW_DOWNLOAD_ROW (row);
}

static void
click_row_button (MwDownloadRow *row,
                  const char    *action)
{
  GtkWidget *button = find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, has_action, action);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
}

static MwDownload *
add_through_action (Fixture    *fixture,
                    const char *path)
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

static void
wait_for_state (MwDownload      *download,
                MwDownloadState  state)
{
  while (mw_download_get_state (download) != state || mw_download_is_active (download))
    g_main_context_iteration (NULL, TRUE);
}

static void
assert_row_text_matches (Fixture       *fixture,
                         MwDownloadRow *row)
{
  MwDownload *download = mw_download_row_get_download (row);
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  g_autofree char *expected = mw_format_download_status (download,
                                                         mw_download_list_get_queue_position (list, download));

  mw_download_row_update_now (row);
  g_assert_cmpstr (mw_download_row_get_status_text (row), ==, expected);
}

/* --- Tests ------------------------------------------------------------------------ */

static void
test_opens_empty (Fixture       *fixture,
                  gconstpointer  user_data)
{
  GtkWidget *status = find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_STATUS_PAGE, NULL, NULL);
  GtkWidget *stack = gtk_widget_get_ancestor (status, GTK_TYPE_STACK);

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
  /* Building the window before its first frame is start-up, not a stall of the app. */
  {
    GListModel *log = mw_window_get_log (fixture->window);

    for (guint i = 0; i < g_list_model_get_n_items (log); i++)
      {
        const char *line = gtk_string_list_get_string (GTK_STRING_LIST (log), i);

        if (strstr (line, "blocked") != NULL)
          g_error ("Right after start-up, in responsive mode, the event log reports a stall: %s", line);
      }
    g_assert_cmpint (mw_monitor_get_worst_lateness (mw_application_get_monitor (fixture->app)), <, 100000);
  }
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "No Downloads");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, has_action, "win.add-download"));
}

static void
test_download_completes (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (300000, 1);
  g_autofree char *path = g_build_filename (fixture->folder, "photo.jpg", NULL);
  g_autofree char *contents = NULL;
  MwDownload *download;
  MwDownloadRow *row;
  gsize length = 0;

  mw_test_server_add (fixture->server, "/photo.jpg", body);
  download = add_through_action (fixture, "/photo.jpg");
  row = wait_for_row (fixture, download);
  wait_for_state (download, MW_DOWNLOAD_COMPLETED);

  /* The row says so, with the buttons a finished file needs. */
  assert_row_text_matches (fixture, row);
  g_assert_true (g_str_has_prefix (mw_download_row_get_status_text (row), "Completed"));
  g_assert_true (gtk_widget_get_visible (find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, has_action, "row.open")));
  g_assert_false (gtk_widget_get_visible (find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, has_action, "row.pause")));

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* A row unmapped while its download moves on (another page shown) catches up when it
 * is shown again: no stale progress, no buttons of a state long gone. */
static void
test_row_catches_up_after_feeds_page (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (400000, 7);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/away.bin", body);
  AdwViewStack *stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_VIEW_STACK, NULL, NULL));
  MwDownload *download;
  MwDownloadRow *row;
  gint64 deadline;

  resource->throttle_chunk = 20000;
  resource->throttle_delay_ms = 20;
  download = add_through_action (fixture, "/away.bin");
  row = wait_for_row (fixture, download);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (strstr (mw_download_row_get_status_text (row), " of ") == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The row never showed the download's progress (it says “%s”)",
                 mw_download_row_get_status_text (row));
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }

  adw_view_stack_set_visible_child_name (stack, "feeds");
  iterate_for (50);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (row)));
  wait_for_state (download, MW_DOWNLOAD_COMPLETED);
  iterate_for (50);

  adw_view_stack_set_visible_child_name (stack, "downloads");
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!g_str_has_prefix (mw_download_row_get_status_text (row), "Completed"))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Shown again, the row still says “%s” about a completed download",
                 mw_download_row_get_status_text (row));
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
  g_assert_true (gtk_widget_get_visible (find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, has_action, "row.open")));
  g_assert_false (gtk_widget_get_visible (find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, has_action, "row.pause")));
}

static void
test_row_buttons (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (600000, 2);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/big.iso", body);
  g_autofree char *path = g_build_filename (fixture->folder, "big.iso", NULL);
  g_autofree char *part = g_build_filename (fixture->folder, "big.iso.part", NULL);
  MwDownload *download;
  MwDownloadRow *row;

  resource->etag = g_strdup ("\"b\"");
  resource->throttle_chunk = 16384;
  resource->throttle_delay_ms = 20;

  download = add_through_action (fixture, "/big.iso");
  row = wait_for_row (fixture, download);
  while (mw_download_get_received_bytes (download) < 50000)
    g_main_context_iteration (NULL, TRUE);
  assert_row_text_matches (fixture, row);
  g_assert_true (strstr (mw_download_row_get_status_text (row), " of ") != NULL);

  click_row_button (row, "row.pause");
  wait_for_state (download, MW_DOWNLOAD_PAUSED);
  assert_row_text_matches (fixture, row);
  g_assert_true (g_str_has_prefix (mw_download_row_get_status_text (row), "Paused"));
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));

  click_row_button (row, "row.resume");
  while (mw_download_get_state (download) == MW_DOWNLOAD_PAUSED)
    g_main_context_iteration (NULL, TRUE);
  while (mw_download_get_received_bytes (download) < 200000)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (g_ptr_array_index (resource->if_ranges, 1), ==, "\"b\"");

  click_row_button (row, "row.cancel");
  wait_for_state (download, MW_DOWNLOAD_CANCELLED);
  assert_row_text_matches (fixture, row);
  g_assert_cmpstr (mw_download_row_get_status_text (row), ==, "Cancelled");
  while (g_file_test (part, G_FILE_TEST_EXISTS))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_remove_and_undo (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (1000, 3);
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  MwDownload *download;
  MwDownloadRow *row;
  GtkWidget *undo;

  mw_test_server_add (fixture->server, "/notes.txt", body);
  download = add_through_action (fixture, "/notes.txt");
  row = wait_for_row (fixture, download);
  wait_for_state (download, MW_DOWNLOAD_COMPLETED);
  mw_download_row_update_now (row);

  click_row_button (row, "row.remove");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  while ((undo = find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, label_is, "_Undo")) == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* Click once the toast has slid in, as a person would: libadwaita 1.2 mishandles a toast
   * dismissed during its show animation. */
  iterate_for (500);
  g_signal_emit_by_name (undo, "clicked");
  iterate_for (500);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_true (g_list_model_get_item (G_LIST_MODEL (list), 0) == (gpointer) download);
  g_object_unref (download);
}

static gboolean
is_gone (gpointer path)
{
  return !g_file_test (path, G_FILE_TEST_EXISTS);
}


static gboolean
not_undo (GtkWidget     *widget,
          gconstpointer  data)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "_Undo") != 0;
}

/* A download that failed for good half way, its .part kept for Try again, removed from
 * the list with the row's button: the toast offers to undo. */
static MwDownload *
remove_failed_download (Fixture    *fixture,
                        const char *path,
                        const char *part,
                        GtkWidget **undo)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 4);
  MwTestResource *resource = mw_test_server_add (fixture->server, path, body);
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  g_autoptr(MwDownload) download = NULL;
  MwDownloadRow *row;

  resource->cut_after = 50000;
  resource->cut_times = 1;
  mw_download_list_set_retry_policy (list, 1, 10, 10);
  download = g_object_ref (add_through_action (fixture, path));
  row = wait_for_row (fixture, download);
  wait_for_state (download, MW_DOWNLOAD_FAILED);
  mw_download_list_set_retry_policy (list, 6, 1000, 60000);
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));

  mw_download_row_update_now (row);
  click_row_button (row, "row.remove");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  while ((*undo = find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, label_is, "_Undo")) == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* Once the toast has slid in, as a person would see it. */
  iterate_for (500);
  /* Still there while the removal can be undone. */
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
  return g_steal_pointer (&download);
}

static void
test_remove_failed_deletes_part (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autofree char *part = g_build_filename (fixture->folder, "broken.bin.part", NULL);
  g_autoptr(MwDownload) download = NULL;
  GtkWidget *undo, *toast, *close;

  download = remove_failed_download (fixture, "/broken.bin", part, &undo);

  /* The toast's own close button: the removal is final now. */
  toast = gtk_widget_get_ancestor (undo, g_type_from_name ("AdwToastWidget"));
  g_assert_nonnull (toast);
  close = find_widget (toast, GTK_TYPE_BUTTON, not_undo, NULL);
  g_assert_nonnull (close);
  g_signal_emit_by_name (close, "clicked");
  wait_until (is_gone, part, 20000, "the removed failed download's .part to be deleted");
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_CANCELLED);
}

static void
test_close_with_removal_pending (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autofree char *part = g_build_filename (fixture->folder, "lost.bin.part", NULL);
  g_autoptr(MwDownload) download = NULL;
  GtkWidget *undo;

  download = remove_failed_download (fixture, "/lost.bin", part, &undo);

  /* The window goes while its toast still offers to undo: the removal is final. */
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  wait_until (is_gone, part, 20000, "the .part of a removal pending when the window closed to be deleted");

  /* The next test gets a window again, as a person reopening Meanwhile would. */
  g_application_activate (G_APPLICATION (fixture->app));
  fixture->window = MW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)));
  g_assert_nonnull (fixture->window);
  mw_window_show_page (fixture->window, "downloads");
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  user_data)
{
  GtkWidget *entry, *label;
  MwDownloadList *list = mw_application_get_downloads (fixture->app);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-download", NULL);
  iterate_for (50);
  entry = find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_ENTRY, NULL, NULL);
  g_assert_nonnull (entry);
  g_assert_true (gtk_widget_get_mapped (entry));

  gtk_editable_set_text (GTK_EDITABLE (entry), "ftp://example.org/file.zip");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-from-entry", NULL);
  label = find_widget (gtk_widget_get_parent (entry), GTK_TYPE_LABEL, NULL, NULL);
  for (GtkWidget *w = gtk_widget_get_first_child (gtk_widget_get_parent (entry)); w; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "error"))
      label = w;
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "http and https"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  gtk_editable_set_text (GTK_EDITABLE (entry), "not an address");
  g_assert_false (gtk_widget_get_visible (label));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-from-entry", NULL);
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "is not a web address"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

static void
test_paste (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (1000, 4);
  g_autofree char *url = mw_test_server_url (fixture->server, "/pasted.bin");
  MwDownloadList *list = mw_application_get_downloads (fixture->app);

  mw_test_server_add (fixture->server, "/pasted.bin", body);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture->window)), url);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.paste-url", NULL);
  while (g_list_model_get_n_items (G_LIST_MODEL (list)) == 0)
    g_main_context_iteration (NULL, TRUE);

  {
    g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_cmpstr (mw_download_get_url (download), ==, url);
    wait_for_state (download, MW_DOWNLOAD_COMPLETED);
  }
}

static gboolean
block_main_loop_cb (gpointer user_data)
{
  g_usleep (GPOINTER_TO_UINT (user_data) * 1000);
  return G_SOURCE_REMOVE;
}

static void
test_freezing_switch (Fixture       *fixture,
                      gconstpointer  user_data)
{
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  GtkWidget *toggle = find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_SWITCH, has_action, "app.blocking-mode");
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GVariant) state = NULL;

  g_assert_nonnull (toggle);
  g_assert_nonnull (gtk_widget_get_tooltip_text (toggle));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));

  /* Freezing mode is no preference: no setting could bring it back at the next launch. */
  g_object_get (mw_application_get_settings (fixture->app), "settings-schema", &schema, NULL);
  g_assert_false (g_settings_schema_has_key (schema, "blocking-mode"));

  /* A stall in one mode is not the other mode's worst. */
  mw_monitor_reset (mw_application_get_monitor (fixture->app));
  g_idle_add (block_main_loop_cb, GUINT_TO_POINTER (300));
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (mw_monitor_get_last_stall (mw_application_get_monitor (fixture->app)) == 0)
      {
        if (g_get_monotonic_time () > deadline)
          g_error ("The meter never noticed a main loop blocked for 300 ms");
        g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
      }
  }
  g_assert_cmpint (mw_monitor_get_worst_lateness (mw_application_get_monitor (fixture->app)), >=, 250000);

  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  iterate_for (20);
  g_assert_cmpint (mw_monitor_get_worst_lateness (mw_application_get_monitor (fixture->app)), <, 250000);
  g_assert_true (mw_download_list_get_blocking_mode (list));
  g_assert_true (mw_feed_list_get_blocking_mode (feeds));
  state = g_action_group_get_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode");
  g_assert_true (g_variant_get_boolean (state));

  /* And the other way: the action, as a script would change it, moves the switch. */
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode",
                                      g_variant_new_boolean (FALSE));
  iterate_for (20);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
  g_assert_false (mw_download_list_get_blocking_mode (list));
  g_assert_false (mw_feed_list_get_blocking_mode (feeds));
}

static void
test_meter_shows_stall (Fixture       *fixture,
                        gconstpointer  user_data)
{
  MwMonitor *monitor = mw_application_get_monitor (fixture->app);
  MwMeter *meter = MW_METER (find_widget (GTK_WIDGET (fixture->window), MW_TYPE_METER, NULL, NULL));
  const char *stall;

  g_assert_nonnull (meter);
  mw_monitor_reset (monitor);
  g_idle_add (block_main_loop_cb, GUINT_TO_POINTER (400));
  /* The stall is known on the first tick after the block. */
  while (mw_monitor_get_last_stall (monitor) == 0)
    g_main_context_iteration (NULL, TRUE);
  iterate_for (50);

  g_assert_cmpint (mw_monitor_get_last_stall (monitor), >=, 390 * 1000);
  stall = mw_meter_get_stall_text (meter);
  g_assert_nonnull (stall);
  g_assert_true (g_str_has_prefix (stall, "UI blocked for"));
}

typedef struct
{
  GtkProgressBar *bar;
  GHashTable     *fractions;
} PaintedProgress;

/* Runs once per frame of the window: notes the progress shown in that frame. */
static gboolean
note_painted_progress_cb (GtkWidget     *widget,
                          GdkFrameClock *frame_clock,
                          gpointer       user_data)
{
  PaintedProgress *painted = user_data;
  double fraction;

  if (painted->bar == NULL)
    return G_SOURCE_CONTINUE;

  fraction = gtk_progress_bar_get_fraction (painted->bar);
  if (fraction > 0.0 && fraction < 1.0)
    g_hash_table_add (painted->fractions, GINT_TO_POINTER ((int) (fraction * 1000)));
  return G_SOURCE_CONTINUE;
}

static void
test_responsive_while_downloading (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (3 * 1024 * 1024, 5);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/stream.bin", body);
  MwMonitor *monitor = mw_application_get_monitor (fixture->app);
  g_autoptr(GHashTable) fractions = g_hash_table_new (NULL, NULL);
  PaintedProgress painted = { NULL, fractions };
  MwDownloadRow *row;
  MwDownload *download;
  guint tick;

  resource->throttle_chunk = 128 * 1024;
  resource->throttle_delay_ms = 30;

  iterate_for (200);
  mw_monitor_reset (monitor);
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (fixture->window), note_painted_progress_cb,
                                       &painted, NULL);
  download = add_through_action (fixture, "/stream.bin");
  row = wait_for_row (fixture, download);
  painted.bar = GTK_PROGRESS_BAR (find_widget (GTK_WIDGET (row), GTK_TYPE_PROGRESS_BAR, NULL, NULL));
  g_assert_nonnull (painted.bar);
  wait_for_state (download, MW_DOWNLOAD_COMPLETED);
  gtk_widget_remove_tick_callback (GTK_WIDGET (fixture->window), tick);

  /* Responsive mode: the window went on drawing while the file arrived in 24 throttled
   * pieces, so the progress bar was seen at several values on its way to full. How
   * late the main loop ran is printed, not asserted: that is a figure for the
   * benchmarks, and a busy machine would change it. */
  g_test_message ("worst lateness while downloading: %" G_GINT64_FORMAT " us over %u ticks, "
                  "%u progress values painted",
                  mw_monitor_get_worst_lateness (monitor), mw_monitor_get_n_samples (monitor),
                  g_hash_table_size (fractions));
  g_assert_cmpuint (mw_monitor_get_n_samples (monitor), >, 10);
  g_assert_cmpuint (g_hash_table_size (fractions), >=, 3);
}

static void
test_freezing_mode_stalls (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (400000, 6);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/frozen.bin", body);
  MwMonitor *monitor = mw_application_get_monitor (fixture->app);
  GListModel *log = mw_window_get_log (fixture->window);
  g_autoptr(GHashTable) fractions = g_hash_table_new (NULL, NULL);
  PaintedProgress painted = { NULL, fractions };
  MwDownloadRow *row;
  MwDownload *download;
  gboolean saw_blocked_line = FALSE;
  guint tick;

  resource->throttle_chunk = 40000;
  resource->throttle_delay_ms = 40;

  g_action_group_change_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode",
                                      g_variant_new_boolean (TRUE));
  mw_monitor_reset (monitor);
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (fixture->window), note_painted_progress_cb,
                                       &painted, NULL);
  download = add_through_action (fixture, "/frozen.bin");
  row = wait_for_row (fixture, download);
  painted.bar = GTK_PROGRESS_BAR (find_widget (GTK_WIDGET (row), GTK_TYPE_PROGRESS_BAR, NULL, NULL));
  wait_for_state (download, MW_DOWNLOAD_COMPLETED);
  iterate_for (100);
  gtk_widget_remove_tick_callback (GTK_WIDGET (fixture->window), tick);

  /* Ten throttled chunks on the main thread: one stall of at least their sum, and no
   * frame drawn between the first byte and the last. */
  g_assert_cmpint (mw_monitor_get_worst_lateness (monitor), >=, 350 * 1000);
  g_assert_cmpuint (g_hash_table_size (fractions), ==, 0);
  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      const char *line = gtk_string_list_get_string (GTK_STRING_LIST (log), i);
      if (strstr (line, "The main loop was blocked for") != NULL)
        saw_blocked_line = TRUE;
    }
  g_assert_true (saw_blocked_line);
}

static void
test_event_log (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (1000, 7);
  GListModel *log = mw_window_get_log (fixture->window);
  const char *expected[] = { "Download started", "Request sent — the main loop is free",
                             "Response received (callback)", "First bytes received (callback)",
                             "Finished (callback)" };
  guint next = 0;
  MwDownload *download;

  mw_test_server_add (fixture->server, "/log.txt", body);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-log", NULL);
  download = add_through_action (fixture, "/log.txt");
  wait_for_state (download, MW_DOWNLOAD_COMPLETED);

  /* The lines come in the order the main loop did things, the first at the start of
   * the download's run. */
  for (guint i = 0; i < g_list_model_get_n_items (log) && next < G_N_ELEMENTS (expected); i++)
    {
      const char *line = gtk_string_list_get_string (GTK_STRING_LIST (log), i);

      if (strstr (line, expected[next]) == NULL)
        continue;
      if (next == 0 && strstr (line, "  +0.0 s  log.txt — Download started") == NULL)
        g_error ("The download's first line does not start at +0.0 s: %s", line);
      if (strstr (line, " s  log.txt — ") == NULL)
        g_error ("A line of the download has no time since its request: %s", line);
      next++;
    }
  g_assert_cmpuint (next, ==, G_N_ELEMENTS (expected));

  /* The log explains itself in a sentence; the rest is a click away. */
  {
    GtkWidget *button = find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_MENU_BUTTON,
                                     menu_button_labelled, "_Learn More");
    GtkPopover *popover;
    GtkWidget *details;

    g_assert_nonnull (button);
    wait_until (is_mapped, button, 5000, "the event log's Learn More button to be shown");
    gtk_menu_button_popup (GTK_MENU_BUTTON (button));
    iterate_for (50);
    popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
    wait_until (is_mapped, popover, 5000, "the Learn More popover to open");
    details = gtk_popover_get_child (popover);
    g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (details)), "blocks on its own"));
    gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
    iterate_for (50);
  }
}

static gboolean
log_has (gpointer data)
{
  const char **words = data;
  GListModel *log = mw_window_get_log (MW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app))));

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      const char *line = gtk_string_list_get_string (GTK_STRING_LIST (log), i);
      gboolean all = TRUE;

      for (guint j = 0; words[j] != NULL; j++)
        all = all && strstr (line, words[j]) != NULL;
      if (all)
        return TRUE;
    }
  return FALSE;
}

static void
refreshed_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  mw_feed_list_refresh_finish (MW_FEED_LIST (source_object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

/* A feed's work is in the log too: a subscription by its address, a refresh by the
 * feed's title, with where it was parsed and what was merged. */
static void
test_event_log_feeds (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const char rss[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Logged Feed</title>"
    "<item><title>One</title><guid>l1</guid><description>One</description></item>"
    "</channel></rss>";
  g_autoptr(GBytes) body = g_bytes_new_static (rss, strlen (rss));
  g_autofree char *url = mw_test_server_url (fixture->server, "/logged.xml");
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/logged.xml", body);
  const char *subscribed[] = { url, "+", " s  ", "Parsing in a worker thread", NULL };
  const char *merged[] = { "Logged Feed — Subscribed, with 1 article", NULL };
  const char *sent[] = { "Logged Feed — Request sent — the main loop is blocked", NULL };
  const char *parsed[] = { "+", " s  Logged Feed — Parsing on the main loop", NULL };
  const char *not_modified[] = { "Logged Feed — 304 Not Modified", NULL };
  g_autoptr(MwFeed) feed = NULL;
  gboolean refreshed = FALSE;

  resource->content_type = g_strdup ("application/rss+xml");
  resource->etag = g_strdup ("\"logged\"");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-log", NULL);

  mw_window_subscribe (fixture->window, url);
  wait_until (log_has, subscribed, 10000, "the subscription's parse line in the event log");
  wait_until (log_has, merged, 10000, "the subscription's merge line in the event log");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (feeds)), ==, 1);
  feed = g_list_model_get_item (G_LIST_MODEL (feeds), 0);

  /* Refreshed in freezing mode: the same feed, parsed on the main loop. */
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode",
                                      g_variant_new_boolean (TRUE));
  mw_feed_list_refresh_async (feeds, feed, NULL, refreshed_cb, &refreshed);
  wait_until (flag_is_set, &refreshed, 10000, "the refresh in freezing mode to end");
  g_assert_true (log_has (sent));
  g_assert_true (log_has (parsed));

  /* Refreshed again with nothing new: nothing to parse, and the log says so. */
  mw_test_server_lock (fixture->server);
  resource->conditional = TRUE;
  mw_test_server_unlock (fixture->server);
  refreshed = FALSE;
  mw_feed_list_refresh_async (feeds, feed, NULL, refreshed_cb, &refreshed);
  wait_until (flag_is_set, &refreshed, 10000, "the conditional refresh to end");
  g_assert_true (log_has (not_modified));

  g_clear_object (&feed);
  while (g_list_model_get_n_items (G_LIST_MODEL (feeds)) > 0)
    {
      g_autoptr(MwFeed) first = g_list_model_get_item (G_LIST_MODEL (feeds), 0);
      g_autoptr(MwFeed) taken = mw_feed_list_take (feeds, first, NULL);
    }
}

static gboolean
scrolls_log (GtkWidget     *widget,
             gconstpointer  data)
{
  GtkWidget *child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (widget));
  GtkSelectionModel *model;

  if (!GTK_IS_LIST_VIEW (child))
    return FALSE;
  model = gtk_list_view_get_model (GTK_LIST_VIEW (child));
  return GTK_IS_NO_SELECTION (model) && gtk_no_selection_get_model (GTK_NO_SELECTION (model)) == data;
}

static void
add_finished_downloads (Fixture *fixture,
                        guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/line-%u.txt", g_random_int ());
      g_autoptr(GBytes) body = mw_test_make_bytes (100, i);

      mw_test_server_add (fixture->server, path, body);
      wait_for_state (add_through_action (fixture, path), MW_DOWNLOAD_COMPLETED);
    }
  iterate_for (100);
}

static gboolean
log_at_end (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - 1;
}

typedef struct
{
  GtkWidget  *scroller;
  const char *text;
} ShownLine;

static gboolean
label_shows (GtkWidget     *widget,
             gconstpointer  text)
{
  return gtk_widget_get_mapped (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

/* The log's row of @text is drawn, inside the part of the log that is scrolled to. */
static gboolean
line_shown (gpointer data)
{
  ShownLine *shown = data;
  GtkWidget *label = find_widget (shown->scroller, GTK_TYPE_LABEL, label_shows, shown->text);
  graphene_rect_t bounds;

  return label != NULL && gtk_widget_get_mapped (label) &&
         gtk_widget_compute_bounds (label, shown->scroller, &bounds) &&
         bounds.origin.y >= -1 && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (shown->scroller) + 1;
}

static void
wait_for_last_line (GtkWidget  *scroller,
                    GListModel *log,
                    const char *what)
{
  ShownLine shown = { scroller, gtk_string_list_get_string (GTK_STRING_LIST (log),
                                                            g_list_model_get_n_items (log) - 1) };

  wait_until (line_shown, &shown, 10000, what);
}

/* New lines stay in view, unless the person scrolled up to read older ones; lines that
 * came while the log was hidden are in view when it opens. */
static void
test_event_log_follows (Fixture       *fixture,
                        gconstpointer  user_data)
{
  GListModel *log = mw_window_get_log (fixture->window);
  GtkWidget *scroller;
  GtkAdjustment *adjustment;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-log", NULL);
  iterate_for (100);
  scroller = find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_SCROLLED_WINDOW, scrolls_log, log);
  g_assert_nonnull (scroller);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

  add_finished_downloads (fixture, 12);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment));
  wait_for_last_line (scroller, log, "the log's last line to be in view");
  g_assert_true (log_at_end (adjustment));

  gtk_adjustment_set_value (adjustment, 0);
  add_finished_downloads (fixture, 2);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  add_finished_downloads (fixture, 2);
  wait_for_last_line (scroller, log, "the log's last line to be in view again");

  /* Closed, the log goes on; opened again, it shows its newest line. */
  g_object_set (fixture->window, "log-visible", FALSE, NULL);
  iterate_for (100);
  add_finished_downloads (fixture, 12);
  g_object_set (fixture->window, "log-visible", TRUE, NULL);
  wait_for_last_line (scroller, log, "the last line of a log that grew while closed to be in view");
}

static gboolean
view_shows_download (gpointer data)
{
  MwTimelineView *view = data;
  guint n = 0;
  const MwTimelineSegment *segments = mw_timeline_view_get_segments (view, &n);
  gboolean receiving = FALSE, marked = FALSE;

  for (guint i = 0; i < n; i++)
    {
      receiving |= segments[i].lane == MW_TIMELINE_NETWORK &&
                   g_strcmp0 (segments[i].label, "Receiving · timeline.bin") == 0;
      marked |= segments[i].lane == MW_TIMELINE_MARKERS &&
                g_strcmp0 (segments[i].label, "timeline.bin — Finished (callback)") == 0;
    }
  return receiving && marked;
}

static gboolean
view_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
view_unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

static void
test_timeline (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (200000, 9);
  GtkWidget *view = find_widget (GTK_WIDGET (fixture->window), MW_TYPE_TIMELINE_VIEW, NULL, NULL);
  gboolean visible = FALSE;
  MwDownload *download;

  /* Shown unless someone hides it, with the download's network phase and its log line. */
  g_assert_nonnull (view);
  g_assert_true (gtk_widget_get_mapped (view));
  mw_test_server_add (fixture->server, "/timeline.bin", body);
  download = add_through_action (fixture, "/timeline.bin");
  wait_for_state (download, MW_DOWNLOAD_COMPLETED);
  wait_until (view_shows_download, view, 20000, "the timeline to show the download");

  /* The main menu's item hides it, and out of sight it draws nothing. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-timeline", NULL);
  g_object_get (fixture->window, "timeline-visible", &visible, NULL);
  g_assert_false (visible);
  wait_until (view_unmapped, view, 20000, "the timeline to be hidden");
  g_assert_false (mw_timeline_view_is_ticking (MW_TIMELINE_VIEW (view)));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-timeline", NULL);
  wait_until (view_mapped, view, 20000, "the timeline to be shown again");
}

static void
test_drop (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (2000, 8);
  g_autofree char *url = mw_test_server_url (fixture->server, "/dropped.bin");
  g_autofree char *uri_list = g_strdup_printf ("# dragged from a browser\r\n%s\r\n", url);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  GtkDropTarget *target = NULL;
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  mw_test_server_add (fixture->server, "/dropped.bin", body);
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  /* What a drop of a link delivers: a text/uri-list. */
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, uri_list);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  {
    g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_cmpstr (mw_download_get_url (download), ==, url);
    wait_for_state (download, MW_DOWNLOAD_COMPLETED);
  }

  /* Something that is not a link is refused, and said so. */
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, "just some words");
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_assert_false (accepted);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
}

static void
assert_icon_buttons_labelled (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      const char *icon = NULL;

      if (GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) == NULL)
        icon = gtk_button_get_icon_name (GTK_BUTTON (child));
      else if (GTK_IS_MENU_BUTTON (child) && gtk_menu_button_get_label (GTK_MENU_BUTTON (child)) == NULL)
        icon = gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (child));

      /* Libadwaita's own window and toast buttons are theirs to label. */
      if (icon != NULL && gtk_widget_is_visible (child) &&
          gtk_widget_get_ancestor (child, GTK_TYPE_WINDOW_CONTROLS) == NULL &&
          (g_type_from_name ("AdwToastWidget") == G_TYPE_INVALID ||
           gtk_widget_get_ancestor (child, g_type_from_name ("AdwToastWidget")) == NULL))
        {
          if (gtk_widget_get_tooltip_text (child) == NULL)
            g_error ("The %s button in a %s has no tooltip", icon,
                     G_OBJECT_TYPE_NAME (gtk_widget_get_parent (child)));
        }
      assert_icon_buttons_labelled (child);
    }
}

static void
test_icon_buttons_labelled (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (100, 9);
  MwDownload *download;

  /* With rows on screen too, in both states of their buttons. */
  mw_test_server_add (fixture->server, "/labels.bin", body);
  download = add_through_action (fixture, "/labels.bin");
  wait_for_row (fixture, download);
  wait_for_state (download, MW_DOWNLOAD_COMPLETED);
  iterate_for (100);
  assert_icon_buttons_labelled (GTK_WIDGET (fixture->window));
}

static void
collect_icon_names (GtkWidget  *root,
                    GHashTable *names)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      const char *icon = NULL;

      if (GTK_IS_IMAGE (child) && gtk_image_get_storage_type (GTK_IMAGE (child)) == GTK_IMAGE_ICON_NAME)
        icon = gtk_image_get_icon_name (GTK_IMAGE (child));
      else if (GTK_IS_BUTTON (child))
        icon = gtk_button_get_icon_name (GTK_BUTTON (child));
      else if (GTK_IS_MENU_BUTTON (child))
        icon = gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (child));
      if (icon != NULL)
        g_hash_table_add (names, g_strdup (icon));
      collect_icon_names (child, names);
    }
}

static void
test_icons_resolve (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (fixture->window)));
  GHashTableIter iter;
  const char *name;

  /* Every icon of both pages, empty states included, names an icon the theme has: none
   * of them would show as the "missing image" placeholder. */
  collect_icon_names (GTK_WIDGET (fixture->window), names);
  g_hash_table_add (names, g_strdup (BASE_APPLICATION_ID));
  g_assert_cmpuint (g_hash_table_size (names), >, 10);
  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (!gtk_icon_theme_has_icon (theme, name))
      g_error ("The icon %s does not resolve", name);
}

/* A dialog of @type: a window of its own with libadwaita 1.2, a dialog inside the main
 * window from libadwaita 1.5 on. */
static GtkWidget *
find_dialog (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
      found = find_widget (window, type, NULL, NULL);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_preferences (Fixture       *fixture,
                  gconstpointer  user_data)
{
  GSettings *settings = mw_application_get_settings (fixture->app);
  GtkWidget *preferences;
  GtkWidget *spin;
  GtkWidget *row;

  g_assert_null (find_dialog (MW_TYPE_PREFERENCES_WINDOW));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  iterate_for (100);
  preferences = find_dialog (MW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  g_assert_true (gtk_widget_get_mapped (preferences));

  /* The folder row shows the folder the downloads go to. */
  row = find_widget (preferences, ADW_TYPE_ACTION_ROW, NULL, NULL);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, fixture->folder);

  /* The concurrency spin button is the setting, and the setting is the engine's limit. */
  spin = find_widget (preferences, GTK_TYPE_SPIN_BUTTON, NULL, NULL);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 4);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 7);
  g_assert_cmpint (g_settings_get_int (settings, "max-concurrent-downloads"), ==, 7);
  g_assert_cmpuint (mw_download_list_get_max_concurrent (mw_application_get_downloads (fixture->app)), ==, 7);

  mw_close_dialog (preferences);
  iterate_for (50);
}

static void
test_about (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *name = NULL;
  g_autofree char *version = NULL;
  GtkWidget *about;
  GType type;

#if MW_COMPAT_ADW_1_5
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  type = ADW_TYPE_ABOUT_DIALOG;
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  type = ADW_TYPE_ABOUT_WINDOW;
#endif

  g_assert_null (find_dialog (type));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "about", NULL);
  iterate_for (100);
  about = find_dialog (type);
  g_assert_nonnull (about);
  g_assert_true (gtk_widget_get_mapped (about));

  /* It names the app and its version, and shows over the window. */
  g_object_get (about, "application-name", &name, "version", &version, NULL);
  g_assert_cmpstr (name, ==, "Meanwhile" NAME_SUFFIX);
  g_assert_cmpstr (version, ==, PACKAGE_VERSION);
  if (GTK_IS_WINDOW (about))
    g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (fixture->window));
  else
    g_assert_true (gtk_widget_get_root (about) == GTK_ROOT (fixture->window));

  mw_close_dialog (about);
  iterate_for (50);
}

static void save_screenshot (GtkWidget *widget, const char *name);

static void
test_feed_subscribe_read_download (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(GBytes) episode = mw_test_make_bytes (30000, 21);
  g_autofree char *episode_url = mw_test_server_url (fixture->server, "/episode.mp3");
  g_autofree char *feed_url = mw_test_server_url (fixture->server, "/podcast.xml");
  g_autofree char *rss = NULL;
  g_autoptr(GBytes) body = NULL;
  MwTestResource *resource;
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  MwDownloadList *downloads = mw_application_get_downloads (fixture->app);
  MwFeedsPage *page = mw_window_get_feeds_page (fixture->window);
  GtkWidget *button;
  MwFeedItem *article;

  mw_test_server_add (fixture->server, "/episode.mp3", episode);
  rss = g_strdup_printf ("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test Podcast</title>"
                         "<item><title>Older episode</title><guid>e1</guid>"
                         "<pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate><description>Old</description></item>"
                         "<item><title>Newest episode</title><guid>e2</guid><link>https://podcast.example/2</link>"
                         "<pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDate>"
                         "<description>&lt;p&gt;Listen &lt;b&gt;now&lt;/b&gt;: forty minutes of rain on a tin roof, "
                         "recorded at dawn.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Best with headphones&lt;/li&gt;"
                         "&lt;li&gt;See &lt;a href=\"https://podcast.example/notes\"&gt;the notes&lt;/a&gt;&lt;/li&gt;"
                         "&lt;/ul&gt;</description>"
                         "<enclosure url=\"%s\" type=\"audio/mpeg\" length=\"30000\"/></item>"
                         "</channel></rss>", episode_url);
  body = g_bytes_new (rss, strlen (rss));
  resource = mw_test_server_add (fixture->server, "/podcast.xml", body);
  resource->content_type = g_strdup ("application/rss+xml");

  /* Subscribing as a person would, through the window's subscribe box. */
  mw_window_subscribe (fixture->window, feed_url);
  while (g_list_model_get_n_items (G_LIST_MODEL (feeds)) == 0)
    g_main_context_iteration (NULL, TRUE);
  iterate_for (100);

  /* The feed's articles are listed, newest first. */
  g_assert_cmpuint (g_list_model_get_n_items (mw_feeds_page_get_articles (page)), ==, 2);
  g_assert_true (mw_feeds_page_open_article (page, 0));
  iterate_for (50);
  article = mw_feeds_page_get_open_article (page);
  g_assert_nonnull (article);
  g_assert_cmpstr (mw_feed_item_get_title (article), ==, "Newest episode");
  g_assert_true (mw_feed_item_get_read (article));

  /* Its enclosure goes to the downloader. */
  button = find_widget (GTK_WIDGET (page), GTK_TYPE_BUTTON, has_action, "app.download");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (downloads)), ==, 1);
  {
    g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (downloads), 0);

    g_assert_cmpstr (mw_download_get_url (download), ==, episode_url);
    wait_for_state (download, MW_DOWNLOAD_COMPLETED);
  }

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 700);
  while (gtk_widget_get_width (GTK_WIDGET (fixture->window)) < 1150)
    g_main_context_iteration (NULL, TRUE);
  iterate_for (300);
  save_screenshot (GTK_WIDGET (fixture->window), "feeds-page.png");

  /* Unsubscribing clears the list (the toast's undo is the downloads' one). */
  while (g_list_model_get_n_items (G_LIST_MODEL (feeds)) > 0)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (feeds), 0);
      g_autoptr(MwFeed) taken = mw_feed_list_take (feeds, feed, NULL);
    }
}

/* --- Feeds: many articles, and finding one --------------------------------------- */



static void
subscribed_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  guint *n_done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = mw_feed_list_subscribe_finish (MW_FEED_LIST (source_object), result, NULL, &error);

  g_assert_no_error (error);
  (*n_done)++;
}

typedef struct
{
  guint n_done;
  guint n;
} Progress;

static gboolean
all_done (gpointer data)
{
  Progress *progress = data;

  return progress->n_done >= progress->n;
}

static guint
total_unread (MwFeedList *feeds)
{
  guint unread = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (feeds)); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (feeds), i);
      unread += mw_feed_get_unread_count (feed);
    }
  return unread;
}

static void
unsubscribe_all (MwFeedList *feeds)
{
  while (g_list_model_get_n_items (G_LIST_MODEL (feeds)) > 0)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (feeds), 0);
      g_autoptr(MwFeed) taken = mw_feed_list_take (feeds, feed, NULL);
    }
}

/* "Mark all read" over every feed's articles: all of them read, every unread count at
 * zero, and done a batch at a time, so that the window goes on drawing meanwhile. */
static void
test_feeds_mark_all_read (Fixture       *fixture,
                          gconstpointer  user_data)
{
  const guint n_feeds = 20;
  g_autofree char *rss = mw_demo_feeds_make_big_rss (MW_FEED_MAX_ITEMS);
  g_autoptr(GBytes) body = g_bytes_new (rss, strlen (rss));
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  MwFeedsPage *page = mw_window_get_feeds_page (fixture->window);
  Progress subscribed = { 0, n_feeds };
  gboolean timed_out = FALSE;
  guint dispatches = 0;
  guint timeout;

  for (guint i = 0; i < n_feeds; i++)
    {
      g_autofree char *path = g_strdup_printf ("/archive-%u.xml", i);
      g_autofree char *url = mw_test_server_url (fixture->server, path);
      MwTestResource *resource = mw_test_server_add (fixture->server, path, body);

      resource->content_type = g_strdup ("application/rss+xml");
      mw_feed_list_subscribe_async (feeds, url, NULL, subscribed_cb, &subscribed.n_done);
    }
  wait_until (all_done, &subscribed, 60000, "twenty feeds of five hundred articles to be subscribed");
  mw_window_show_page (fixture->window, "feeds");
  iterate_for (100);
  g_assert_cmpuint (total_unread (feeds), ==, n_feeds * MW_FEED_MAX_ITEMS);

  gtk_widget_activate_action (GTK_WIDGET (page), "feeds.mark-all-read", NULL);
  /* The action only starts the work: ten thousand articles are more than one frame's. */
  g_assert_cmpuint (total_unread (feeds), >, 0);

  timeout = g_timeout_add (30000, timed_out_cb, &timed_out);
  while (total_unread (feeds) > 0)
    {
      if (timed_out)
        g_error ("Waited 30 s for every article to be marked read, in vain (%u left)", total_unread (feeds));
      if (g_main_context_iteration (NULL, TRUE))
        dispatches++;
    }
  g_source_remove (timeout);
  g_assert_cmpuint (dispatches, >, 1);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (feeds)); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (feeds), i);
      GListModel *items = mw_feed_get_items (feed);

      g_assert_cmpuint (mw_feed_get_unread_count (feed), ==, 0);
      for (guint j = 0; j < g_list_model_get_n_items (items); j++)
        {
          g_autoptr(MwFeedItem) item = g_list_model_get_item (items, j);
          g_assert_true (mw_feed_item_get_read (item));
        }
    }
  unsubscribe_all (feeds);
}

typedef struct
{
  MwFeedsPage *page;
  guint        n;
} Shown;

static gboolean
shows_n (gpointer data)
{
  Shown *shown = data;

  return g_list_model_get_n_items (mw_feeds_page_get_articles (shown->page)) == shown->n;
}

static void
search_for (Fixture    *fixture,
            const char *text,
            guint       n,
            const char *what)
{
  MwFeedsPage *page = mw_window_get_feeds_page (fixture->window);
  GtkWidget *entry = find_widget (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY, NULL, NULL);
  Shown shown = { page, n };

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  wait_until (shows_n, &shown, 10000, what);
}

static gboolean
shows_title (MwFeedsPage *page,
             const char  *title)
{
  GListModel *articles = mw_feeds_page_get_articles (page);

  for (guint i = 0; i < g_list_model_get_n_items (articles); i++)
    {
      g_autoptr(MwFeedItem) item = g_list_model_get_item (articles, i);

      if (g_strcmp0 (mw_feed_item_get_title (item), title) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The search finds articles by title and by content, whatever their case and however
 * their accents were written (composed, or a letter and a combining accent). */
static void
test_feeds_search (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const char rss[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Seasons</title>"
    "<item><title>L’été indien</title><guid>s1</guid><pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDate>"
    "<description>Warm days in autumn</description></item>"
    "<item><title>Winter</title><guid>s2</guid><pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate>"
    "<description>&lt;p&gt;Cold and DARK&lt;/p&gt;</description></item>"
    "<item><title>Holidays</title><guid>s3</guid><pubDate>Sat, 21 Nov 2026 08:00:00 GMT</pubDate>"
    "<description>Un e\xcc\x81te\xcc\x81 au bord de la mer</description></item>"
    "</channel></rss>";
  g_autoptr(GBytes) body = g_bytes_new_static (rss, strlen (rss));
  g_autofree char *url = mw_test_server_url (fixture->server, "/seasons.xml");
  MwTestResource *resource = mw_test_server_add (fixture->server, "/seasons.xml", body);
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  MwFeedsPage *page = mw_window_get_feeds_page (fixture->window);
  Progress subscribed = { 0, 1 };
  Shown all = { page, 3 };

  resource->content_type = g_strdup ("application/rss+xml");
  mw_feed_list_subscribe_async (feeds, url, NULL, subscribed_cb, &subscribed.n_done);
  wait_until (all_done, &subscribed, 10000, "the feed to be subscribed");
  mw_window_show_page (fixture->window, "feeds");
  wait_until (shows_n, &all, 10000, "the three articles to be listed");

  search_for (fixture, "ÉTÉ", 2, "a search in capitals and accents to find the two summers, by title and by text");
  g_assert_true (shows_title (page, "L’été indien"));
  g_assert_true (shows_title (page, "Holidays"));
  search_for (fixture, "dark", 1, "a search in small letters to find the article that says DARK");
  g_assert_true (shows_title (page, "Winter"));
  search_for (fixture, "spring", 0, "a search for a word in no article to find nothing");
  search_for (fixture, "", 3, "an empty search to list every article again");
  unsubscribe_all (feeds);
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("MW_BUILD_DIR") ? g_getenv ("MW_BUILD_DIR") : ".",
                                           "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  /* The paintable is empty until the window has drawn a frame at its new size. */
  while (TRUE)
    {
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL)
        break;
      snapshot = gtk_snapshot_new ();
      g_main_context_iteration (NULL, TRUE);
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

static void
test_screenshot (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const char *names[] = { "/Ubuntu-24.04-desktop-amd64.iso", "/field-recording.flac", "/city-map.pdf",
                          "/lecture-video.mp4", "/release-notes.txt" };
  MwDownload *downloads[G_N_ELEMENTS (names)];
  MwDownloadList *list = mw_application_get_downloads (fixture->app);

  mw_timeline_clear (mw_timeline_get_default ());
  mw_download_list_set_max_concurrent (list, 3);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) body = mw_test_make_bytes ((i + 2) * 2 * 1024 * 1024, 10 + i);
      MwTestResource *resource = mw_test_server_add (fixture->server, names[i], body);

      resource->throttle_chunk = 64 * 1024;
      resource->throttle_delay_ms = 30 + 10 * i;
      if (i == 4)
        {
          g_clear_pointer (&resource->body, g_bytes_unref);
          resource->body = g_bytes_new_static ("", 0);
        }
      downloads[i] = add_through_action (fixture, names[i]);
    }
  mw_download_pause (downloads[2]);
  while (mw_download_get_received_bytes (downloads[1]) < 1024 * 1024)
    g_main_context_iteration (NULL, TRUE);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 700);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-log", NULL);
  while (gtk_widget_get_width (GTK_WIDGET (fixture->window)) < 1150)
    g_main_context_iteration (NULL, TRUE);
  iterate_for (500);

  save_screenshot (GTK_WIDGET (fixture->window), "main-window.png");

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 640);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-log", NULL);
  while (gtk_widget_get_width (GTK_WIDGET (fixture->window)) > 400)
    g_main_context_iteration (NULL, TRUE);
  iterate_for (500);
  save_screenshot (GTK_WIDGET (fixture->window), "narrow-window.png");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    mw_download_cancel (downloads[i]);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    while (mw_download_is_active (downloads[i]))
      g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  int status;

  app = mw_test_window_init (&argc, &argv, &data_home);
  /* Start-up is slow on a slow machine (the first frame with a software renderer took
   * 200–600 ms here); the first test checks that it is not reported as a stall. */
  g_usleep (300 * 1000);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/window/opens-empty", test_opens_empty);
  /* Early, before other tests leave toasts, banners and stalls for the picture. */
  ADD ("/window/screenshot", test_screenshot);
  ADD ("/window/download-completes", test_download_completes);
  ADD ("/window/row-buttons", test_row_buttons);
  ADD ("/window/row-catches-up-after-feeds-page", test_row_catches_up_after_feeds_page);
  ADD ("/window/remove-and-undo", test_remove_and_undo);
  ADD ("/window/bad-input", test_bad_input);
  ADD ("/window/paste", test_paste);
  ADD ("/window/freezing-switch", test_freezing_switch);
  ADD ("/window/meter-shows-stall", test_meter_shows_stall);
  ADD ("/window/responsive-while-downloading", test_responsive_while_downloading);
  ADD ("/window/freezing-mode-stalls", test_freezing_mode_stalls);
  ADD ("/window/event-log", test_event_log);
  ADD ("/window/event-log/feeds", test_event_log_feeds);
  ADD ("/window/event-log-follows", test_event_log_follows);
  ADD ("/window/timeline", test_timeline);
  ADD ("/window/drop", test_drop);
  ADD ("/window/icon-buttons-labelled", test_icon_buttons_labelled);
  ADD ("/window/preferences", test_preferences);
  ADD ("/window/about", test_about);
  ADD ("/window/icons-resolve", test_icons_resolve);
  ADD ("/window/feed-subscribe-read-download", test_feed_subscribe_read_download);
  ADD ("/window/feeds/mark-all-read", test_feeds_mark_all_read);
  ADD ("/window/feeds/search", test_feeds_search);
  ADD ("/window/remove-failed-deletes-part", test_remove_failed_deletes_part);
  ADD ("/window/close-with-removal-pending", test_close_with_removal_pending);

  status = g_test_run ();
  mw_test_remove_tree (data_home);
  return status;
}
