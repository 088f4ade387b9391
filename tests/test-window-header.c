/* test-window-header.c: the header bar and its popovers, with real keys, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-window-header"

#include "config.h"

#include "mw-test-window.h"

typedef MwTestWindow Fixture;

static gboolean
has_items (gpointer model)
{
  return g_list_model_get_n_items (model) > 0;
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
is_unmapped (gpointer widget)
{
  return !gtk_widget_get_mapped (widget);
}

static gboolean
is_type_named (GtkWidget     *widget,
               gconstpointer  name)
{
  return g_strcmp0 (G_OBJECT_TYPE_NAME (widget), name) == 0;
}

static GtkWidget *
header_bar (Fixture *fixture)
{
  GtkWidget *header = mw_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_HEADER_BAR, NULL, NULL);

  g_assert_nonnull (header);
  return header;
}

/* The popover the add button opens now. */
static GtkWidget *
add_popover (Fixture *fixture)
{
  GtkWidget *button = mw_test_find_widget (header_bar (fixture), GTK_TYPE_MENU_BUTTON, NULL, NULL);

  return GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
}

/* Opens the add button's popover with its shortcut, as Ctrl+L does.
 * Returns: (transfer none): the popover */
static GtkWidget *
open_add_popover (Fixture *fixture)
{
  GtkWidget *popover;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-download", NULL);
  popover = add_popover (fixture);
  mw_test_wait_until (is_mapped, popover, MW_TEST_PATIENCE_MS, "the add button's popover to open");
  return popover;
}

static void
close_popover (GtkWidget *popover)
{
  gtk_popover_popdown (GTK_POPOVER (popover));
  mw_test_wait_until (is_unmapped, popover, MW_TEST_PATIENCE_MS, "the popover to close");
}

/* The accessible label property of @widget, as a screen reader gets it, or NULL. */
/* --- Enter in the popovers ------------------------------------------------------------ */

static gboolean
has_n_items (gpointer data)
{
  gpointer *args = data;

  return g_list_model_get_n_items (args[0]) >= GPOINTER_TO_UINT (args[1]);
}

/* Return, pressed on the keyboard in the address entry of Add Download, adds the
 * download, as the Download button does; so does Return in the checksum entry. */
static void
test_enter_adds_download (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (5000, 3);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *url = mw_test_server_url (fixture->server, "/typed.bin");
  g_autofree char *checked_url = mw_test_server_url (fixture->server, "/checked.bin");
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  GtkWidget *popover, *entry, *sha256;
  gpointer two[] = { list, GUINT_TO_POINTER (2) };

  mw_test_server_add (fixture->server, "/typed.bin", body);
  mw_test_server_add (fixture->server, "/checked.bin", body);
  g_checksum_update (checksum, g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  popover = open_add_popover (fixture);
  entry = mw_test_find_widget (popover, GTK_TYPE_ENTRY, NULL, NULL);
  g_assert_nonnull (gtk_widget_get_focus_child (entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), url);
  mw_test_press_keys (GTK_WINDOW (fixture->window), "Return", NULL);
  mw_test_wait_until (has_items, list, MW_TEST_PATIENCE_MS, "Return in the address entry to add the download");
  mw_test_wait_until (is_unmapped, popover, MW_TEST_PATIENCE_MS, "the popover to close once the download was added");
  {
    g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_cmpstr (mw_download_get_url (download), ==, url);
    mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  }

  /* The checksum entry, reached with Tab, adds with its checksum. */
  popover = open_add_popover (fixture);
  gtk_editable_set_text (GTK_EDITABLE (entry), checked_url);
  sha256 = entry;
  for (GtkWidget *w = gtk_widget_get_next_sibling (entry); w != NULL; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_ENTRY (w))
      sha256 = w;
  g_assert_true (sha256 != entry);
  gtk_editable_set_text (GTK_EDITABLE (sha256), g_checksum_get_string (checksum));
  mw_test_press_keys (GTK_WINDOW (fixture->window), "Tab", "Return", NULL);
  mw_test_wait_until (has_n_items, two, MW_TEST_PATIENCE_MS, "Return in the checksum entry to add the download");
  {
    g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), 1);

    g_assert_cmpstr (mw_download_get_url (download), ==, checked_url);
    mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  }

  /* A wrong address stays in the open popover, said under it. */
  popover = open_add_popover (fixture);
  gtk_editable_set_text (GTK_EDITABLE (entry), "ftp://example.org/file.zip");
  mw_test_press_keys (GTK_WINDOW (fixture->window), "Return", NULL);
  mw_test_iterate_for (300);
  g_assert_true (gtk_widget_get_mapped (popover));
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  close_popover (popover);
}

static const char *
feed_text (void)
{
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Typed Feed</title>"
         "<item><title>One</title><guid>1</guid></item></channel></rss>";
}

static void
test_enter_subscribes (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *url = mw_test_server_url (fixture->server, "/typed.xml");
  MwFeedList *feeds = mw_application_get_feeds (fixture->app);
  GtkWidget *popover, *entry;

  mw_test_server_add_text (fixture->server, "/typed.xml", feed_text (), "application/rss+xml");
  mw_window_show_page (fixture->window, "feeds");
  popover = open_add_popover (fixture);
  entry = mw_test_find_widget (popover, GTK_TYPE_ENTRY, NULL, NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), url);
  mw_test_press_keys (GTK_WINDOW (fixture->window), "Return", NULL);
  mw_test_wait_until (has_items, feeds, MW_TEST_PATIENCE_MS, "Return in the feed entry to subscribe");
  mw_test_wait_until (is_unmapped, popover, MW_TEST_PATIENCE_MS, "the popover to close once subscribed");
  {
    g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (feeds), 0);

    g_assert_cmpstr (mw_feed_get_url (feed), ==, url);
  }
  mw_test_unsubscribe_all (feeds);
  mw_window_show_page (fixture->window, "downloads");
}

/* --- A subscription's failure, said once ------------------------------------------------ */

static GtkWidget *
find_toast (Fixture *fixture)
{
  return mw_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_WIDGET, is_type_named, "AdwToastWidget");
}

static gboolean
toast_shown (gpointer fixture)
{
  return find_toast (fixture) != NULL;
}

static gboolean
entry_editable (gpointer entry)
{
  return gtk_editable_get_editable (entry);
}

static gboolean
entry_waits (gpointer entry)
{
  return !gtk_editable_get_editable (entry);
}

static GtkWidget *
error_label_of (GtkWidget *popover)
{
  GtkWidget *entry = mw_test_find_widget (popover, GTK_TYPE_ENTRY, NULL, NULL);

  for (GtkWidget *w = gtk_widget_get_next_sibling (entry); w != NULL; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "error"))
      return w;
  g_assert_not_reached ();
}

static void
test_subscribe_error_once (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *missing = mw_test_server_url (fixture->server, "/missing.xml");
  g_autofree char *no_feed = mw_test_server_url (fixture->server, "/no-feed.html");
  MwTestResource *resource;
  GtkWidget *popover, *entry, *label;

  /* Open: under the address, with the focus back in it, and no toast besides. */
  mw_window_show_page (fixture->window, "feeds");
  popover = open_add_popover (fixture);
  entry = mw_test_find_widget (popover, GTK_TYPE_ENTRY, NULL, NULL);
  label = error_label_of (popover);
  gtk_editable_set_text (GTK_EDITABLE (entry), missing);
  mw_test_press_keys (GTK_WINDOW (fixture->window), "Return", NULL);
  mw_test_wait_until (is_mapped, label, MW_TEST_PATIENCE_MS, "the failure to be said under the address");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "not found"));
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (entry)));
  g_assert_nonnull (gtk_widget_get_focus_child (entry));
  mw_test_iterate_for (500);
  g_assert_null (find_toast (fixture));
  close_popover (popover);

  /* Closed before the answer came: a toast, and nothing stale under the address when the
   * popover opens again. The page is held back until the popover is closed. */
  resource = mw_test_server_add_text (fixture->server, "/no-feed.html",
                                      "<html><head><title>No feed</title></head><body>Nothing here</body></html>",
                                      "text/html");
  resource->held = TRUE;
  popover = open_add_popover (fixture);
  gtk_editable_set_text (GTK_EDITABLE (entry), no_feed);
  mw_test_press_keys (GTK_WINDOW (fixture->window), "Return", NULL);
  mw_test_wait_until (entry_waits, entry, MW_TEST_PATIENCE_MS, "Return to start the subscription");
  close_popover (popover);
  mw_test_server_release (fixture->server, resource);
  mw_test_wait_until (entry_editable, entry, MW_TEST_PATIENCE_MS, "the subscription to fail");
  mw_test_wait_until (toast_shown, fixture, MW_TEST_PATIENCE_MS, "the failure to be said in a toast");
  popover = open_add_popover (fixture);
  g_assert_false (gtk_widget_get_visible (error_label_of (popover)));
  close_popover (popover);
  mw_window_show_page (fixture->window, "downloads");
}

int
main (int   argc,
      char *argv[])
{
  static const MwTestWindowCase cases[] = {
    { "/window/header/enter-adds-download", test_enter_adds_download },
    { "/window/header/enter-subscribes", test_enter_subscribes },
    { "/window/header/subscribe-error-said-once", test_subscribe_error_once },
  };

  return mw_test_window_main (argc, argv, cases, G_N_ELEMENTS (cases));
}
