/* test-window-header.c: the header bar, its popovers with real keys, the names assistive
 * technologies read, the event log's keyboard, and the window at 360 px, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-window-header"

#include "config.h"

#include "mw-adaptive.h"
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

static gboolean
labelled (GtkWidget     *widget,
          gconstpointer  text)
{
  return g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static gboolean
menu_button_labelled (GtkWidget     *widget,
                      gconstpointer  text)
{
  return g_strcmp0 (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)), text) == 0;
}

static guint
count_switches (GtkWidget *root)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    n += (GTK_IS_SWITCH (child) ? 1 : 0) + count_switches (child);
  return n;
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
static char *
accessible_label (GtkWidget *widget)
{
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return NULL;
  /* No label is a control character: what is not it comes back as the value. */
  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, "\x01");
}

/* --- The window at 360 px ------------------------------------------------------------ */

/* The controls a person sees in @root's part of the header bar: mapped buttons, switches,
 * labels and the window's own buttons, not what they hold. */
static void
collect_header_controls (GtkWidget *root,
                         GPtrArray *controls)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child))
        continue;
      if (GTK_IS_BUTTON (child) || GTK_IS_MENU_BUTTON (child) || GTK_IS_SWITCH (child) ||
          GTK_IS_LABEL (child) || GTK_IS_WINDOW_CONTROLS (child))
        g_ptr_array_add (controls, child);
      else
        collect_header_controls (child, controls);
    }
}

/* Nothing in the header bar is drawn over anything else, or squeezed below its size. */
static void
assert_header_fits (Fixture    *fixture,
                    const char *when)
{
  GtkWidget *header = header_bar (fixture);
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  graphene_rect_t *bounds;

  collect_header_controls (header, controls);
  g_assert_cmpuint (controls->len, >=, 4);
  bounds = g_new0 (graphene_rect_t, controls->len);
  for (guint i = 0; i < controls->len; i++)
    {
      GtkWidget *control = g_ptr_array_index (controls, i);
      int minimum = 0;

      g_assert_true (gtk_widget_compute_bounds (control, header, &bounds[i]));
      /* The measure has the margins, the bounds have not. */
      gtk_widget_measure (control, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      minimum -= gtk_widget_get_margin_start (control) + gtk_widget_get_margin_end (control);
      if (bounds[i].size.width + 0.5 < minimum)
        g_error ("%s: the header bar's %s is %.0f px wide, less than the %d px it needs", when,
                 G_OBJECT_TYPE_NAME (control), bounds[i].size.width, minimum);
      if (bounds[i].origin.x < -1 || bounds[i].origin.x + bounds[i].size.width > gtk_widget_get_width (header) + 1)
        g_error ("%s: the header bar's %s reaches out of it", when, G_OBJECT_TYPE_NAME (control));
    }
  for (guint i = 0; i < controls->len; i++)
    for (guint j = i + 1; j < controls->len; j++)
      {
        graphene_rect_t overlap;

        if (graphene_rect_intersection (&bounds[i], &bounds[j], &overlap) &&
            overlap.size.width > 0.5 && overlap.size.height > 0.5)
          g_error ("%s: in the header bar, the %s at %.0f–%.0f and the %s at %.0f–%.0f overlap", when,
                   G_OBJECT_TYPE_NAME (g_ptr_array_index (controls, i)),
                   bounds[i].origin.x, bounds[i].origin.x + bounds[i].size.width,
                   G_OBJECT_TYPE_NAME (g_ptr_array_index (controls, j)),
                   bounds[j].origin.x, bounds[j].origin.x + bounds[j].size.width);
      }
  g_free (bounds);
}

typedef struct
{
  GtkWidget *window;
  int        width;
} Width;

/* The width of the window on the screen, its border included. */
static int
screen_width (GtkWidget *window)
{
  return gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window)));
}

static gboolean
has_width (gpointer data)
{
  Width *wanted = data;

  return screen_width (wanted->window) == wanted->width;
}

/* Whether a squeezer below @root is still crossfading (the view switcher's title does,
 * between the switcher and the window's title). */
static gboolean
squeezer_transition_running (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if ((ADW_IS_SQUEEZER (child) && adw_squeezer_get_transition_running (ADW_SQUEEZER (child))) ||
        squeezer_transition_running (child))
      return TRUE;
  return FALSE;
}

static gboolean
header_settled (gpointer window)
{
  return !squeezer_transition_running (mw_test_find_widget (window, ADW_TYPE_HEADER_BAR, NULL, NULL));
}

/* The window at @width on the screen, and drawn so. */
static void
resize (Fixture *fixture,
        int      width)
{
  Width wanted = { GTK_WIDGET (fixture->window), width };
  g_autofree char *what = g_strdup_printf ("the window to be %d px wide", width);

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, 640);
  mw_test_wait_until (has_width, &wanted, MW_TEST_PATIENCE_MS, what);
  mw_test_iterate_for (100);
  mw_test_wait_until (header_settled, fixture->window, MW_TEST_PATIENCE_MS, "the header bar to settle at its width");
}

/* At 360 px the window is 360 px wide, whatever the page shows, and its header bar fits. */
static void
assert_fits_360 (Fixture    *fixture,
                 const char *when)
{
  int minimum = 0;

  gtk_widget_measure (GTK_WIDGET (fixture->window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  if (minimum > 360)
    g_error ("%s: the window will not be narrower than %d px", when, minimum);
  resize (fixture, 360);
  assert_header_fits (fixture, when);
}

/* Downloads in every state a row has buttons for: completed (three), failed, running,
 * paused, and waiting with a place in the queue to move. */
static void
add_downloads_of_every_state (Fixture *fixture)
{
  g_autoptr(GBytes) small = mw_test_make_bytes (2000, 1);
  g_autoptr(GBytes) large = mw_test_make_bytes (4 * 1024 * 1024, 2);
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  MwTestResource *resource;
  MwDownload *download;

  mw_test_server_add (fixture->server, "/a-finished-download-with-a-rather-long-name.tar.gz", small);
  download = mw_test_window_add_download (fixture, "/a-finished-download-with-a-rather-long-name.tar.gz");
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  download = mw_test_window_add_download (fixture, "/not-on-the-server.iso");
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_FAILED);

  mw_download_list_set_max_concurrent (list, 1);
  resource = mw_test_server_add (fixture->server, "/running.iso", large);
  resource->throttle_chunk = 16384;
  resource->throttle_delay_ms = 100;
  download = mw_test_window_add_download (fixture, "/running.iso");
  mw_test_wait_for_bytes (download, 16384);
  mw_test_window_add_download (fixture, "/waiting-first.bin");
  mw_test_window_add_download (fixture, "/waiting-second.bin");
  download = mw_test_window_add_download (fixture, "/paused.bin");
  mw_download_pause (download);
  mw_test_iterate_for (200);
}

static void
test_narrow (Fixture       *fixture,
             gconstpointer  user_data)
{
  static const int widths[] = { 360, 420, 500, 600, 700, 800, 900 };

  add_downloads_of_every_state (fixture);
  assert_fits_360 (fixture, "Downloads page, every kind of row");
  mw_test_save_screenshot (GTK_WIDGET (fixture->window), "header-360.png");

  /* The switch's label gives way at 360 px, the switch stays. */
  g_assert_true (gtk_widget_get_mapped (mw_test_find_widget (header_bar (fixture), GTK_TYPE_SWITCH, NULL, NULL)));
  g_assert_false (gtk_widget_get_mapped (mw_test_find_widget (header_bar (fixture), GTK_TYPE_LABEL, labelled,
                                                              "Freezing Mode")));

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *when = g_strdup_printf ("Downloads page at %d px", widths[i]);

      resize (fixture, widths[i]);
      assert_header_fits (fixture, when);
    }
  g_assert_true (gtk_widget_get_mapped (mw_test_find_widget (header_bar (fixture), GTK_TYPE_LABEL, labelled,
                                                             "Freezing Mode")));
  mw_test_save_screenshot (GTK_WIDGET (fixture->window), "header-900.png");

  g_object_set (fixture->window, "log-visible", TRUE, NULL);
  assert_fits_360 (fixture, "Downloads page with the event log open");
  g_object_set (fixture->window, "log-visible", FALSE, NULL);
  mw_window_open_experiment (fixture->window);
  assert_fits_360 (fixture, "Downloads page with the experiment's card");
  gtk_widget_activate_action (mw_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON,
                                                   mw_test_has_action, "experiment.close"),
                              "experiment.close", NULL);

  mw_window_show_page (fixture->window, "feeds");
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *when = g_strdup_printf ("Feeds page at %d px", widths[i]);

      resize (fixture, widths[i]);
      assert_header_fits (fixture, when);
    }
  assert_fits_360 (fixture, "Feeds page");
  mw_window_show_page (fixture->window, "downloads");

  /* Freezing mode brings its banner; nothing may run while it blocks the test. */
  mw_test_remove_all_downloads (fixture->app);
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode", g_variant_new_boolean (TRUE));
  mw_test_iterate_for (200);
  assert_fits_360 (fixture, "freezing mode, with its banner");
  resize (fixture, 900);
  assert_header_fits (fixture, "freezing mode at 900 px");
}

/* --- Names --------------------------------------------------------------------------- */

/* No accessible label below @root holds a mnemonic's underscore. */
static void
assert_no_mnemonic_in_names (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *label = accessible_label (child);

      /* The toast's Undo is libadwaita's own. */
      if (is_type_named (child, "AdwToastWidget"))
        continue;
      if (label != NULL && strchr (label, '_') != NULL)
        g_error ("A %s is named “%s”, with its mnemonic's underscore", G_OBJECT_TYPE_NAME (child), label);
      assert_no_mnemonic_in_names (child);
    }
}

/* The label below @root (or @root itself) that @widget is labelled by, if any. */
static GtkWidget *
labelled_by (GtkWidget *widget,
             GtkWidget *root)
{
  if (GTK_IS_LABEL (root) &&
      gtk_test_accessible_check_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                          root, NULL) == NULL)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = labelled_by (widget, child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* What @widget is called: its accessible label, or the text of the label (below
 * @labels) that it is labelled by. */
static char *
name_of (GtkWidget *widget,
         GtkWidget *labels)
{
  char *label = accessible_label (widget);
  GtkWidget *by;

  if (label != NULL)
    return label;
  by = labelled_by (widget, labels);
  return by != NULL ? g_strdup (gtk_label_get_text (GTK_LABEL (by))) : NULL;
}

static void
test_names (Fixture       *fixture,
            gconstpointer  user_data)
{
  GtkWidget *header = header_bar (fixture);
  GtkWidget *add = mw_test_find_widget (header, GTK_TYPE_MENU_BUTTON, NULL, NULL);
  GtkWidget *toggle = mw_test_find_widget (header, GTK_TYPE_SWITCH, NULL, NULL);
  GtkWidget *toggle_label = mw_test_find_widget (header, GTK_TYPE_LABEL, labelled, "Freezing Mode");
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  g_autofree char *add_name = NULL;
  g_autofree char *subscribe_name = NULL;
  GtkWidget *popover;

  resize (fixture, 900);

  /* One switch, named once: by its label, not by a label of its own besides; its tooltip
   * says what it does, not its name again. */
  g_assert_nonnull (toggle);
  g_assert_nonnull (toggle_label);
  g_assert_true (gtk_widget_get_mapped (toggle_label));
  g_assert_cmpuint (count_switches (header), ==, 1);
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL));
  g_assert_null (gtk_test_accessible_check_relation (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                                     toggle_label, NULL));
  g_assert_nonnull (gtk_widget_get_tooltip_text (toggle));
  g_assert_null (strstr (gtk_widget_get_tooltip_text (toggle), "Freezing"));

  /* The add button is named after what it adds on the page shown. */
  add_name = accessible_label (add);
  g_assert_cmpstr (add_name, ==, "Add Download");
  mw_window_show_page (fixture->window, "feeds");
  subscribe_name = accessible_label (add);
  g_assert_cmpstr (subscribe_name, ==, "Subscribe to a Feed");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (add), ==, "Subscribe to a Feed (Ctrl+L)");
  mw_window_show_page (fixture->window, "downloads");
  mw_test_iterate_for (100);

  /* Every control of the header bar has a name, none the same as another's. */
  collect_header_controls (header, controls);
  for (guint i = 0; i < controls->len; i++)
    {
      GtkWidget *control = g_ptr_array_index (controls, i);
      g_autofree char *name = NULL;

      if (GTK_IS_LABEL (control) || GTK_IS_WINDOW_CONTROLS (control))
        continue;
      name = name_of (control, control == toggle ? toggle_label : control);
      if (name == NULL)
        g_error ("The header bar's %s has no name", G_OBJECT_TYPE_NAME (control));
      if (!g_hash_table_add (names, g_steal_pointer (&name)))
        g_error ("Two controls of the header bar are both named “%s”", name_of (control, control));
    }
  g_assert_cmpuint (g_hash_table_size (names), >=, 5);

  /* No name anywhere in the window, its popovers included, spells out a mnemonic. */
  assert_no_mnemonic_in_names (GTK_WIDGET (fixture->window));
  popover = open_add_popover (fixture);
  assert_no_mnemonic_in_names (popover);
  close_popover (popover);
  mw_window_show_page (fixture->window, "feeds");
  popover = open_add_popover (fixture);
  assert_no_mnemonic_in_names (popover);
  close_popover (popover);
  mw_window_show_page (fixture->window, "downloads");

  /* Nor a label that changes: the experiment's buttons change theirs at every step. */
  mw_window_open_experiment (fixture->window);
  mw_test_iterate_for (100);
  assert_no_mnemonic_in_names (GTK_WIDGET (fixture->window));
  gtk_widget_activate_action (mw_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON,
                                                   mw_test_has_action, "experiment.close"),
                              "experiment.close", NULL);
}

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
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Return");
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
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Tab Return");
  mw_test_wait_until (has_n_items, two, MW_TEST_PATIENCE_MS, "Return in the checksum entry to add the download");
  {
    g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), 1);

    g_assert_cmpstr (mw_download_get_url (download), ==, checked_url);
    mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  }

  /* A wrong address stays in the open popover, said under it. */
  popover = open_add_popover (fixture);
  gtk_editable_set_text (GTK_EDITABLE (entry), "ftp://example.org/file.zip");
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Return");
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
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Return");
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
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Return");
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
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Return");
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

/* --- The event log ------------------------------------------------------------------------ */

static gboolean
focus_in (GtkWidget *widget,
          GtkWidget *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

typedef struct
{
  GtkWidget *window;
  GtkWidget *widget;
  gboolean   inside;
} FocusWanted;

static gboolean
focus_as_wanted (gpointer data)
{
  FocusWanted *wanted = data;

  return focus_in (wanted->widget, wanted->window) == wanted->inside;
}

/* The position of the line of the log that has the focus. */
static guint
focused_line (GtkWidget *log_view,
              GtkWidget *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  guint position = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (log_view); row; row = gtk_widget_get_next_sibling (row))
    {
      if (focus == row || gtk_widget_is_ancestor (focus, row))
        return position;
      position++;
    }
  g_error ("No line of the log has the focus");
}

static gboolean
is_log_view (GtkWidget     *widget,
             gconstpointer  log)
{
  return GTK_IS_NO_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (widget))) &&
         gtk_no_selection_get_model (GTK_NO_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (widget)))) == log;
}

/* Tab goes into the log once and out again at the next press, whatever its length; the
 * arrow keys go from line to line. */
static void
test_log_one_tab_stop (Fixture       *fixture,
                       gconstpointer  user_data)
{
  GListModel *log = mw_window_get_log (fixture->window);
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *log_view, *learn_more;
  FocusWanted wanted;

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u", i);

      gtk_string_list_append (GTK_STRING_LIST (log), line);
    }
  g_object_set (fixture->window, "log-visible", TRUE, NULL);
  log_view = mw_test_find_widget (window, GTK_TYPE_LIST_VIEW, is_log_view, log);
  g_assert_nonnull (log_view);
  mw_test_wait_until (is_mapped, log_view, MW_TEST_PATIENCE_MS, "the event log to open");
  learn_more = mw_test_find_widget (window, GTK_TYPE_MENU_BUTTON, menu_button_labelled, "_Learn More");
  g_assert_nonnull (learn_more);
  mw_test_iterate_for (300);

  /* From Learn More, the one before it, Tab goes into the log… */
  gtk_widget_grab_focus (learn_more);
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Tab");
  wanted = (FocusWanted) { window, log_view, TRUE };
  mw_test_wait_until (focus_as_wanted, &wanted, MW_TEST_PATIENCE_MS, "Tab to go into the log");
  g_assert_cmpuint (focused_line (log_view, window), ==, 0);

  /* … the arrow keys go from line to line… */
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Down Down");
  mw_test_iterate_for (200);
  g_assert_true (focus_in (log_view, window));
  g_assert_cmpuint (focused_line (log_view, window), ==, 2);

  /* … and the next Tab leaves it, not for its next line. */
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Tab");
  wanted = (FocusWanted) { window, log_view, FALSE };
  mw_test_wait_until (focus_as_wanted, &wanted, MW_TEST_PATIENCE_MS, "Tab to leave the log");

  /* Shift+Tab comes back to the log, and the next goes on to Learn More. */
  mw_test_press_keys (GTK_WIDGET (fixture->window), "shift+Tab");
  wanted = (FocusWanted) { window, log_view, TRUE };
  mw_test_wait_until (focus_as_wanted, &wanted, MW_TEST_PATIENCE_MS, "Shift+Tab to come back into the log");
  mw_test_press_keys (GTK_WIDGET (fixture->window), "shift+Tab");
  wanted = (FocusWanted) { window, learn_more, TRUE };
  mw_test_wait_until (focus_as_wanted, &wanted, MW_TEST_PATIENCE_MS, "Shift+Tab to go on to Learn More");
}

/* Whether a widget of the type called @name is in @root. */
static gboolean
holds_type (GtkWidget  *root,
            const char *name)
{
  GType type = g_type_from_name (name);

  return type != 0 && mw_test_find_widget (root, type, NULL, NULL) != NULL;
}

static gboolean
side_panel_folded (gpointer panel)
{
  return mw_side_panel_get_folded (panel);
}

static gboolean
side_panel_beside (gpointer panel)
{
  return !mw_side_panel_get_folded (panel);
}

/* Built against libadwaita 1.4 or newer, the window is made of what replaced the
 * deprecated adaptive widgets; against an older one, of those it has. Both fold the
 * event log over the pages when the window is narrow, and keep it beside them when it
 * is wide. */
static void
test_widgets_of_its_libadwaita (Fixture       *fixture,
                                gconstpointer  user_data)
{
  static const char *deprecated[] = { "AdwLeaflet", "AdwFlap", "AdwSqueezer", "AdwViewSwitcherTitle" };
  static const char *current[] = { "AdwNavigationSplitView", "AdwOverlaySplitView", "AdwToolbarView",
                                   "AdwBreakpointBin" };
  GtkWidget *window = GTK_WIDGET (fixture->window);
  MwSidePanel *panel = MW_SIDE_PANEL (mw_test_find_widget (window, MW_TYPE_SIDE_PANEL, NULL, NULL));
  GtkWidget *log = mw_test_find_widget (window, GTK_TYPE_LIST_VIEW, is_log_view, mw_window_get_log (fixture->window));
  gboolean newer = ADW_CHECK_VERSION (1, 4, 0);

  g_test_message ("Built against libadwaita %d.%d, running %u.%u", ADW_MAJOR_VERSION, ADW_MINOR_VERSION,
                  adw_get_major_version (), adw_get_minor_version ());
  mw_window_show_page (fixture->window, "feeds");
  for (guint i = 0; i < G_N_ELEMENTS (deprecated); i++)
    if (holds_type (window, deprecated[i]) == newer)
      g_error ("The window %s an %s", newer ? "still holds" : "lacks", deprecated[i]);
  for (guint i = 0; i < G_N_ELEMENTS (current); i++)
    if (holds_type (window, current[i]) != newer)
      g_error ("The window %s an %s", newer ? "lacks" : "holds", current[i]);

  g_object_set (fixture->window, "log-visible", TRUE, NULL);
  resize (fixture, 1200);
  mw_test_wait_until (side_panel_beside, panel, MW_TEST_PATIENCE_MS, "the event log to be beside the pages");
  mw_test_wait_until (is_mapped, log, MW_TEST_PATIENCE_MS, "the event log to show at 1200 px");
  resize (fixture, 500);
  mw_test_wait_until (side_panel_folded, panel, MW_TEST_PATIENCE_MS, "the event log to fold over the pages");
  g_assert_true (mw_side_panel_get_reveal (panel));
  mw_test_wait_until (is_mapped, log, MW_TEST_PATIENCE_MS, "the event log to show over the pages at 500 px");
  g_object_set (fixture->window, "log-visible", FALSE, NULL);
  g_assert_false (mw_side_panel_get_reveal (panel));
  mw_test_wait_until (is_unmapped, log, MW_TEST_PATIENCE_MS, "the event log to close");
}

int
main (int   argc,
      char *argv[])
{
  static const MwTestWindowCase cases[] = {
    { "/window/header/names", test_names },
    { "/window/header/enter-adds-download", test_enter_adds_download },
    { "/window/header/enter-subscribes", test_enter_subscribes },
    { "/window/header/subscribe-error-said-once", test_subscribe_error_once },
    { "/window/log/one-tab-stop", test_log_one_tab_stop },
    { "/window/header/narrow", test_narrow },
    { "/window/header/widgets-of-its-libadwaita", test_widgets_of_its_libadwaita },
  };

  return mw_test_window_main (argc, argv, cases, G_N_ELEMENTS (cases));
}
