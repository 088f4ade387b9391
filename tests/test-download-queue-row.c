/* test-download-queue-row.c: a waiting download moved up and down the queue from its row's menu, in a real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-download-queue-row"

#include "config.h"

#include "mw-application.h"
#include "mw-download-row.h"
#include "mw-test-gtk-utils.h"
#include "mw-test-server.h"
#include "mw-window.h"

#define BODY_SIZE 60000
#define HELD_AT   30000

typedef struct
{
  MwTestServer   *server;
  MwApplication  *app;
  MwWindow       *window;
  MwDownloadList *list;
  char           *folder;
} Fixture;

static MwApplication *app;

static gboolean
is_loaded (gpointer data)
{
  return mw_download_list_get_loaded (data);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = mw_test_server_new ();
  fixture->folder = g_dir_make_tmp ("meanwhile-queue-row-XXXXXX", NULL);
  fixture->app = app;
  fixture->list = mw_application_get_downloads (app);

  g_settings_set_string (mw_application_get_settings (app), "download-folder", fixture->folder);
  /* About the queue, not notifications: no notification server runs here, and the window
   * may not be the active one when a download finishes. */
  g_settings_set_boolean (mw_application_get_settings (app), "notify-on-completion", FALSE);
  g_application_activate (G_APPLICATION (app));
  fixture->window = MW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 600);
  mw_window_show_page (fixture->window, "downloads");
  mw_test_wait_until (is_loaded, fixture->list, MW_TEST_PATIENCE_MS, "the list of downloads to load");
  mw_test_iterate_for (100);
}

static gboolean
is_inactive (gpointer data)
{
  return !mw_download_is_active (data);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  while (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)) > 0)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (fixture->list), 0);

      mw_download_list_remove (fixture->list, download, FALSE);
      mw_test_wait_until (is_inactive, download, MW_TEST_PATIENCE_MS, "a removed download to stop");
    }
  g_settings_reset (mw_application_get_settings (app), "max-concurrent-downloads");
  mw_download_list_set_max_per_host (fixture->list, 8);
  mw_test_iterate_for (50);
  mw_test_server_free (fixture->server);
  mw_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
}

/* --- What a person sees of a row ---------------------------------------------------- */

static gboolean
row_for (GtkWidget     *widget,
         gconstpointer  data)
{
  return mw_download_row_get_download (MW_DOWNLOAD_ROW (widget)) == data;
}

typedef struct
{
  Fixture    *fixture;
  MwDownload *download;
} RowWanted;

static gboolean
has_row (gpointer data)
{
  RowWanted *wanted = data;

  return mw_test_find_widget (GTK_WIDGET (wanted->fixture->window), MW_TYPE_DOWNLOAD_ROW,
                              row_for, wanted->download) != NULL;
}

/* Returns: the row showing DOWNLOAD, up to date; rows are rebound as the list changes,
 * so it is looked up each time. */
static MwDownloadRow *
row_of (Fixture    *fixture,
        MwDownload *download)
{
  RowWanted wanted = { fixture, download };
  g_autofree char *what = g_strdup_printf ("a row for %s", mw_download_get_url (download));
  MwDownloadRow *row;

  mw_test_wait_until (has_row, &wanted, MW_TEST_PATIENCE_MS, what);
  row = MW_DOWNLOAD_ROW (mw_test_find_widget (GTK_WIDGET (fixture->window), MW_TYPE_DOWNLOAD_ROW,
                                              row_for, download));
  mw_download_row_update_now (row);
  return row;
}

static GtkWidget *
queue_button_of (MwDownloadRow *row)
{
  GtkWidget *button = mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_MENU_BUTTON, NULL, NULL);

  if (button == NULL)
    g_error ("The row of %s has no menu for its place in the queue",
             mw_download_get_url (mw_download_row_get_download (row)));
  return button;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
label_reads (GtkWidget     *widget,
             gconstpointer  text)
{
  return g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0 && gtk_widget_is_drawable (widget);
}

/* Opens the row's queue menu as a keyboard user does (focus on its button, then Space),
 * and returns the menu's item that reads TEXT: NULL when the menu does not show it. */
static GtkWidget *
open_menu_item (MwDownloadRow *row,
                const char    *text)
{
  GtkWidget *button = queue_button_of (row);
  GtkWidget *toggle;
  GtkPopover *popover;
  GtkWidget *label;

  g_assert_true (gtk_widget_get_visible (button));
  toggle = mw_test_find_widget (button, GTK_TYPE_TOGGLE_BUTTON, NULL, NULL);
  g_assert_nonnull (toggle);
  g_assert_true (gtk_widget_grab_focus (toggle));
  g_assert_true (gtk_widget_activate (toggle));

  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  mw_test_wait_until (is_mapped, popover, MW_TEST_PATIENCE_MS, "the row's queue menu to open");
  label = mw_test_find_widget (GTK_WIDGET (popover), GTK_TYPE_LABEL, label_reads, text);
  /* The item is the menu's button around the label. */
  return label != NULL ? gtk_widget_get_parent (label) : NULL;
}

static void
close_menu (MwDownloadRow *row)
{
  gtk_menu_button_popdown (GTK_MENU_BUTTON (queue_button_of (row)));
}

static void
assert_order (Fixture     *fixture,
              MwDownload **expected,
              guint        n)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (fixture->list), i);

      if (download != expected[i])
        g_error ("Place %u of the list holds %s, not %s", i, mw_download_get_url (download),
                 mw_download_get_url (expected[i]));
    }
}

static MwDownload *
add_through_action (Fixture    *fixture,
                    const char *path)
{
  g_autofree char *url = mw_test_server_url (fixture->server, path);
  guint before = g_list_model_get_n_items (G_LIST_MODEL (fixture->list));
  g_autoptr(MwDownload) download = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "download", g_variant_new_string (url));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, before + 1);
  download = g_list_model_get_item (G_LIST_MODEL (fixture->list), before);
  return download;
}

/* --- Tests ------------------------------------------------------------------------ */

#define N_QUEUED 3

/* One download runs and three wait. The running one has no queue menu; the first waiting
 * one offers Move Down only, the last Move Up only; both, chosen from the menu with the
 * keyboard, move the download in the list. */
static void
test_move_from_menu (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (BODY_SIZE, 300);
  MwTestResource *resource;
  MwDownload *running;
  MwDownload *queued[N_QUEUED];
  GtkWidget *item;

  mw_download_list_set_max_concurrent (fixture->list, 1);
  resource = mw_test_server_add (fixture->server, "/running.bin", body);
  resource->hold_after = HELD_AT;
  resource->held = TRUE;
  running = add_through_action (fixture, "/running.bin");
  for (guint i = 0; i < N_QUEUED; i++)
    {
      g_autofree char *path = g_strdup_printf ("/queued-%u.bin", i);

      mw_test_server_add (fixture->server, path, body);
      queued[i] = add_through_action (fixture, path);
    }
  mw_test_wait_for_bytes (running, HELD_AT);

  g_assert_false (gtk_widget_get_visible (queue_button_of (row_of (fixture, running))));

  /* The first waiting one: no Move Up; Move Down passes the second. */
  g_assert_null (open_menu_item (row_of (fixture, queued[0]), "Move Up"));
  close_menu (row_of (fixture, queued[0]));
  item = open_menu_item (row_of (fixture, queued[0]), "Move Down");
  g_assert_nonnull (item);
  g_assert_true (gtk_widget_activate (item));
  assert_order (fixture, (MwDownload *[]) { running, queued[1], queued[0], queued[2] }, 4);
  g_assert_cmpstr (mw_download_row_get_status_text (row_of (fixture, queued[0])), ==, "Waiting — 1 ahead");
  g_assert_cmpstr (mw_download_row_get_status_text (row_of (fixture, queued[1])), ==, "Waiting — next in line");

  /* The last one: no Move Down; Move Up passes queued[0]. */
  g_assert_null (open_menu_item (row_of (fixture, queued[2]), "Move Down"));
  close_menu (row_of (fixture, queued[2]));
  item = open_menu_item (row_of (fixture, queued[2]), "Move Up");
  g_assert_nonnull (item);
  g_assert_true (gtk_widget_activate (item));
  assert_order (fixture, (MwDownload *[]) { running, queued[1], queued[2], queued[0] }, 4);
  g_assert_cmpstr (mw_download_row_get_status_text (row_of (fixture, queued[2])), ==, "Waiting — 1 ahead");

  /* Once it runs, a download has no queue menu any more. */
  mw_test_server_release (fixture->server, resource);
  mw_test_wait_until_finished (running);
  mw_test_wait_until_finished (queued[1]);
  g_assert_false (gtk_widget_get_visible (queue_button_of (row_of (fixture, queued[1]))));
  g_assert_false (gtk_widget_get_visible (queue_button_of (row_of (fixture, running))));
}

/* With one transfer a host, a download behind one that runs says it waits for its host. */
static void
test_waiting_for_host_text (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (BODY_SIZE, 301);
  MwTestResource *resource;
  MwDownload *running, *waiting;

  mw_download_list_set_max_concurrent (fixture->list, 10);
  mw_download_list_set_max_per_host (fixture->list, 1);
  resource = mw_test_server_add (fixture->server, "/running.bin", body);
  resource->hold_after = HELD_AT;
  resource->held = TRUE;
  mw_test_server_add (fixture->server, "/waiting.bin", body);
  running = add_through_action (fixture, "/running.bin");
  waiting = add_through_action (fixture, "/waiting.bin");
  mw_test_wait_for_bytes (running, HELD_AT);

  g_assert_cmpstr (mw_download_row_get_status_text (row_of (fixture, waiting)), ==,
                   "Waiting — 1 download from 127.0.0.1 is running");

  mw_test_server_release (fixture->server, resource);
  mw_test_wait_until_finished (running);
  mw_test_wait_until_finished (waiting);
  g_assert_true (g_str_has_prefix (mw_download_row_get_status_text (row_of (fixture, waiting)), "Completed"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("meanwhile-data-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = mw_application_new ();
  /* Other test programs may share the session bus; this one needs no uniqueness. */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/download-row/queue/move-from-menu", test_move_from_menu);
  ADD ("/download-row/queue/waiting-for-host-text", test_waiting_for_host_text);

  status = g_test_run ();
  mw_test_remove_tree (data_home);
  return status;
}
