/* test-window.c: the downloads page and the dialogs as a person uses them, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <glib/gstdio.h>

#include "mw-compat.h"
#include "mw-preferences-window.h"
#include "mw-test-window.h"
#include "mw-timeline.h"

typedef MwTestWindow Fixture;

static gboolean
is_gone (gpointer path)
{
  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
is_not_paused (gpointer download)
{
  return mw_download_get_state (download) != MW_DOWNLOAD_PAUSED;
}

static gboolean
transfer_returned (gpointer download)
{
  return !mw_download_is_active (download);
}

static gboolean
has_items (gpointer model)
{
  return g_list_model_get_n_items (model) > 0;
}

/* --- The downloads page ------------------------------------------------------- */

static void
test_opens_empty (Fixture       *fixture,
                  gconstpointer  user_data)
{
  GtkWidget *status = mw_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_STATUS_PAGE, NULL, NULL);
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
  g_assert_nonnull (mw_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, mw_test_has_action, "win.add-download"));
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
  download = mw_test_window_add_download (fixture, "/photo.jpg");
  row = mw_test_window_wait_for_row (fixture, download);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);

  /* The row says so, with the buttons a finished file needs. */
  mw_test_assert_row_text_matches (fixture, row);
  g_assert_true (g_str_has_prefix (mw_download_row_get_status_text (row), "Completed"));
  g_assert_true (gtk_widget_get_visible (mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, mw_test_has_action, "row.open")));
  g_assert_false (gtk_widget_get_visible (mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, mw_test_has_action, "row.pause")));

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
  AdwViewStack *stack = ADW_VIEW_STACK (mw_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_VIEW_STACK, NULL, NULL));
  MwDownload *download;
  MwDownloadRow *row;
  gint64 deadline;

  resource->throttle_chunk = 20000;
  resource->throttle_delay_ms = 20;
  download = mw_test_window_add_download (fixture, "/away.bin");
  row = mw_test_window_wait_for_row (fixture, download);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (strstr (mw_download_row_get_status_text (row), " of ") == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The row never showed the download's progress (it says “%s”)",
                 mw_download_row_get_status_text (row));
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }

  adw_view_stack_set_visible_child_name (stack, "feeds");
  mw_test_iterate_for (50);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (row)));
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  mw_test_iterate_for (50);

  adw_view_stack_set_visible_child_name (stack, "downloads");
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!g_str_has_prefix (mw_download_row_get_status_text (row), "Completed"))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Shown again, the row still says “%s” about a completed download",
                 mw_download_row_get_status_text (row));
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
  g_assert_true (gtk_widget_get_visible (mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, mw_test_has_action, "row.open")));
  g_assert_false (gtk_widget_get_visible (mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, mw_test_has_action, "row.pause")));
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

  download = mw_test_window_add_download (fixture, "/big.iso");
  row = mw_test_window_wait_for_row (fixture, download);
  mw_test_wait_for_bytes (download, 50000);
  mw_test_assert_row_text_matches (fixture, row);
  g_assert_true (strstr (mw_download_row_get_status_text (row), " of ") != NULL);

  mw_test_click_row_button (row, "row.pause");
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_PAUSED);
  mw_test_assert_row_text_matches (fixture, row);
  g_assert_true (g_str_has_prefix (mw_download_row_get_status_text (row), "Paused"));
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));

  mw_test_click_row_button (row, "row.resume");
  mw_test_wait_until (is_not_paused, download, MW_TEST_PATIENCE_MS, "the download to resume");
  mw_test_wait_for_bytes (download, 200000);
  g_assert_cmpstr (g_ptr_array_index (resource->if_ranges, 1), ==, "\"b\"");

  mw_test_click_row_button (row, "row.cancel");
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_CANCELLED);
  mw_test_assert_row_text_matches (fixture, row);
  g_assert_cmpstr (mw_download_row_get_status_text (row), ==, "Cancelled");
  mw_test_wait_until (is_gone, part, MW_TEST_PATIENCE_MS, "the cancelled download's .part to be deleted");
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
  download = mw_test_window_add_download (fixture, "/notes.txt");
  row = mw_test_window_wait_for_row (fixture, download);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  mw_download_row_update_now (row);

  mw_test_click_row_button (row, "row.remove");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  undo = mw_test_window_wait_for_undo (fixture);
  /* Click once the toast has slid in, as a person would: libadwaita 1.2 mishandles a toast
   * dismissed during its show animation. */
  mw_test_iterate_for (500);
  g_signal_emit_by_name (undo, "clicked");
  mw_test_iterate_for (500);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_true (g_list_model_get_item (G_LIST_MODEL (list), 0) == (gpointer) download);
  g_object_unref (download);
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
  download = g_object_ref (mw_test_window_add_download (fixture, path));
  row = mw_test_window_wait_for_row (fixture, download);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_FAILED);
  mw_download_list_set_retry_policy (list, 6, 1000, 60000);
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));

  mw_download_row_update_now (row);
  mw_test_click_row_button (row, "row.remove");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  *undo = mw_test_window_wait_for_undo (fixture);
  /* Once the toast has slid in, as a person would see it. */
  mw_test_iterate_for (500);
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
  close = mw_test_find_widget (toast, GTK_TYPE_BUTTON, not_undo, NULL);
  g_assert_nonnull (close);
  g_signal_emit_by_name (close, "clicked");
  mw_test_wait_until (is_gone, part, 20000, "the removed failed download's .part to be deleted");
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_CANCELLED);
}

/* The window's size is saved when it closes, not at every step of a resize (GSettings
 * would write dconf at each). */
static void
test_size_saved_on_close (Fixture       *fixture,
                          gconstpointer  user_data)
{
  GSettings *settings = mw_application_get_settings (fixture->app);
  int width = g_settings_get_int (settings, "window-width");
  int height = g_settings_get_int (settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width + 37, height + 11);
  mw_test_iterate_for (100);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, width);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, height);

  gtk_window_close (GTK_WINDOW (fixture->window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, width + 37);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, height + 11);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* Opened again, it has the size it closed with; the next test gets it. */
  mw_test_iterate_for (50);
  fixture->window = mw_test_window_open (fixture->app, fixture->folder);
  {
    int w = 0, h = 0;

    gtk_window_get_default_size (GTK_WINDOW (fixture->window), &w, &h);
    g_assert_cmpint (w, ==, width + 37);
    g_assert_cmpint (h, ==, height + 11);
  }
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
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
  mw_test_wait_until (is_gone, part, 20000, "the .part of a removal pending when the window closed to be deleted");

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
  mw_test_iterate_for (50);
  entry = mw_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_ENTRY, NULL, NULL);
  g_assert_nonnull (entry);
  g_assert_true (gtk_widget_get_mapped (entry));

  gtk_editable_set_text (GTK_EDITABLE (entry), "ftp://example.org/file.zip");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-from-entry", NULL);
  label = mw_test_find_widget (gtk_widget_get_parent (entry), GTK_TYPE_LABEL, NULL, NULL);
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
  mw_test_wait_until (has_items, list, MW_TEST_PATIENCE_MS, "the pasted address to be added");

  {
    g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_cmpstr (mw_download_get_url (download), ==, url);
    mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  }
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
      downloads[i] = mw_test_window_add_download (fixture, names[i]);
    }
  mw_download_pause (downloads[2]);
  mw_test_wait_for_bytes (downloads[1], 1024 * 1024);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 700);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-log", NULL);
  mw_test_window_wait_for_width (fixture, 1200);
  mw_test_iterate_for (500);

  mw_test_save_screenshot (GTK_WIDGET (fixture->window), "main-window.png");

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 640);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-log", NULL);
  mw_test_window_wait_for_width (fixture, 360);
  mw_test_iterate_for (500);
  mw_test_save_screenshot (GTK_WIDGET (fixture->window), "narrow-window.png");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    mw_download_cancel (downloads[i]);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    mw_test_wait_until (transfer_returned, downloads[i], MW_TEST_PATIENCE_MS, "a cancelled transfer to return");
}

/* --- Dialogs and icons --------------------------------------------------------------- */

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
    mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
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
  download = mw_test_window_add_download (fixture, "/labels.bin");
  mw_test_window_wait_for_row (fixture, download);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  mw_test_iterate_for (100);
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
      found = mw_test_find_widget (window, type, NULL, NULL);
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
  mw_test_iterate_for (100);
  preferences = find_dialog (MW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  g_assert_true (gtk_widget_get_mapped (preferences));

  /* The folder row shows the folder the downloads go to. */
  row = mw_test_find_widget (preferences, ADW_TYPE_ACTION_ROW, NULL, NULL);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, fixture->folder);

  /* The concurrency spin button is the setting, and the setting is the engine's limit. */
  spin = mw_test_find_widget (preferences, GTK_TYPE_SPIN_BUTTON, NULL, NULL);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 4);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 7);
  g_assert_cmpint (g_settings_get_int (settings, "max-concurrent-downloads"), ==, 7);
  g_assert_cmpuint (mw_download_list_get_max_concurrent (mw_application_get_downloads (fixture->app)), ==, 7);

  mw_close_dialog (preferences);
  mw_test_iterate_for (50);
}

static gboolean
is_combo_row (GtkWidget     *widget,
              gconstpointer  title)
{
  return ADW_IS_COMBO_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* What the combo row shows as chosen. */
static const char *
chosen (GtkWidget *row)
{
  GObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (row));

  g_assert_true (GTK_IS_STRING_OBJECT (item));
  return gtk_string_object_get_string (GTK_STRING_OBJECT (item));
}

/* The position of @label among the row's choices. */
static guint
choice (GtkWidget  *row,
        const char *label)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (row));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), label) == 0)
        return i;
    }
  g_error ("The row offers no “%s”", label);
}

/* How often feeds refresh is a row of Preferences, the row is the setting, and the
 * feeds' schedule follows the setting while Meanwhile runs. */
static void
test_preferences_refresh_interval (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  GSettings *settings = mw_application_get_settings (fixture->app);
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  GtkWidget *preferences;
  GtkWidget *row;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  mw_test_iterate_for (100);
  preferences = find_dialog (MW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  row = mw_test_find_widget (preferences, ADW_TYPE_COMBO_ROW, is_combo_row, "Refresh Feeds");
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (row));

  /* It starts at the setting's default, which is the schedule's. */
  g_assert_cmpstr (chosen (row), ==, "Every 30 minutes");
  g_assert_cmpuint (mw_feed_list_get_refresh_interval (feeds), ==, 30);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (row))), ==, 6);

  /* Chosen in the row, it is the setting and the schedule. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), choice (row, "Every hour"));
  g_assert_cmpint (g_settings_get_int (settings, "refresh-interval"), ==, 60);
  g_assert_cmpuint (mw_feed_list_get_refresh_interval (feeds), ==, 60);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), choice (row, "Once a day"));
  g_assert_cmpint (g_settings_get_int (settings, "refresh-interval"), ==, 24 * 60);
  g_assert_cmpuint (mw_feed_list_get_refresh_interval (feeds), ==, 24 * 60);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), choice (row, "Every 15 minutes"));
  g_assert_cmpuint (mw_feed_list_get_refresh_interval (feeds), ==, 15);

  /* Set from outside (gsettings), a value that is no choice shows as it is, in its place,
   * and opening Preferences again does not change it. */
  g_settings_set_int (settings, "refresh-interval", 45);
  g_assert_cmpstr (chosen (row), ==, "Every 45 minutes");
  g_assert_cmpuint (choice (row, "Every 45 minutes"), ==, choice (row, "Every 30 minutes") + 1);
  g_assert_cmpuint (mw_feed_list_get_refresh_interval (feeds), ==, 45);
  mw_close_dialog (preferences);
  mw_test_iterate_for (50);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  mw_test_iterate_for (100);
  preferences = find_dialog (MW_TYPE_PREFERENCES_WINDOW);
  row = mw_test_find_widget (preferences, ADW_TYPE_COMBO_ROW, is_combo_row, "Refresh Feeds");
  g_assert_cmpstr (chosen (row), ==, "Every 45 minutes");
  g_assert_cmpint (g_settings_get_int (settings, "refresh-interval"), ==, 45);

  mw_close_dialog (preferences);
  mw_test_iterate_for (50);
  g_settings_reset (settings, "refresh-interval");
  g_assert_cmpuint (mw_feed_list_get_refresh_interval (feeds), ==, 30);
}

/* The titles of groups and rows below @root that read @title. */
static guint
count_titles (GtkWidget  *root,
              const char *title)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      if (ADW_IS_PREFERENCES_GROUP (child) &&
          g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (child)), title) == 0)
        n++;
      if (ADW_IS_PREFERENCES_ROW (child) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        n++;
      n += count_titles (child, title);
    }
  return n;
}

/* Freezing mode is said once in Preferences: one row, with its switch, no group of the
 * same name around it. */
static void
test_preferences_freezing_mode_once (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  GtkWidget *preferences;
  GtkWidget *toggle;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  mw_test_iterate_for (100);
  preferences = find_dialog (MW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  g_assert_cmpuint (count_titles (preferences, "Freezing Mode"), ==, 1);
  toggle = mw_test_find_widget (preferences, GTK_TYPE_SWITCH, mw_test_has_action, "app.blocking-mode");
  g_assert_nonnull (toggle);
  g_assert_true (gtk_widget_get_mapped (toggle));

  mw_close_dialog (preferences);
  mw_test_iterate_for (50);
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
  mw_test_iterate_for (100);
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
  mw_test_iterate_for (50);
}


int
main (int   argc,
      char *argv[])
{
  static const MwTestWindowCase cases[] = {
    { "/window/opens-empty", test_opens_empty },
    { "/window/screenshot", test_screenshot },
    { "/window/download-completes", test_download_completes },
    { "/window/row-buttons", test_row_buttons },
    { "/window/row-catches-up-after-feeds-page", test_row_catches_up_after_feeds_page },
    { "/window/remove-and-undo", test_remove_and_undo },
    { "/window/bad-input", test_bad_input },
    { "/window/paste", test_paste },
    { "/window/drop", test_drop },
    { "/window/icon-buttons-labelled", test_icon_buttons_labelled },
    { "/window/preferences", test_preferences },
    { "/window/preferences/refresh-interval", test_preferences_refresh_interval },
    { "/window/preferences/freezing-mode-said-once", test_preferences_freezing_mode_once },
    { "/window/about", test_about },
    { "/window/icons-resolve", test_icons_resolve },
    { "/window/remove-failed-deletes-part", test_remove_failed_deletes_part },
    { "/window/close-with-removal-pending", test_close_with_removal_pending },
    { "/window/size-saved-on-close", test_size_saved_on_close },
  };

  return mw_test_window_main (argc, argv, cases, G_N_ELEMENTS (cases));
}
