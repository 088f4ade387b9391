/* test-window-downloads.c: the Downloads page around its rows, in a real window: Clear
 * Finished, removals that share one toast, and the Downloads tab's badge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-window-downloads"

#include "config.h"

#include "mw-test-window.h"

typedef MwTestWindow Fixture;

/* --- Toasts as a person sees them ------------------------------------------------------ */

static void
collect_toasts (GtkWidget *root,
                GPtrArray *toasts)
{
  GType type = g_type_from_name ("AdwToastWidget");

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      if (type != G_TYPE_INVALID && G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (toasts, child);
      else
        collect_toasts (child, toasts);
    }
}

/* Returns: how many toasts are on screen, shown or on their way out */
static guint
count_toasts (Fixture *fixture)
{
  g_autoptr(GPtrArray) toasts = g_ptr_array_new ();

  collect_toasts (GTK_WIDGET (fixture->window), toasts);
  return toasts->len;
}

static gboolean
is_heading (GtkWidget     *widget,
            gconstpointer  data)
{
  return gtk_widget_has_css_class (widget, "heading");
}

/* Returns: (transfer full) (nullable): what the only toast on screen says */
static char *
dup_toast_title (Fixture *fixture)
{
  g_autoptr(GPtrArray) toasts = g_ptr_array_new ();
  GtkWidget *label;

  collect_toasts (GTK_WIDGET (fixture->window), toasts);
  if (toasts->len != 1)
    return NULL;
  label = mw_test_find_widget (g_ptr_array_index (toasts, 0), GTK_TYPE_LABEL, is_heading, NULL);
  g_assert_nonnull (label);
  return g_strdup (gtk_label_get_text (GTK_LABEL (label)));
}

static AdwToast *
the_toast (Fixture *fixture)
{
  g_autoptr(GPtrArray) toasts = g_ptr_array_new ();
  AdwToast *toast = NULL;

  collect_toasts (GTK_WIDGET (fixture->window), toasts);
  g_assert_cmpuint (toasts->len, ==, 1);
  g_object_get (g_ptr_array_index (toasts, 0), "toast", &toast, NULL);
  g_object_unref (toast);   /* the overlay keeps it */
  return toast;
}

static gboolean
one_toast (gpointer fixture)
{
  return count_toasts (fixture) == 1;
}

static gboolean
no_toast (gpointer fixture)
{
  return count_toasts (fixture) == 0;
}

/* Clicks Undo once the toast has slid in, as a person would: libadwaita 1.2 mishandles
 * a toast dismissed during its show animation. */
static void
click_undo (Fixture *fixture)
{
  GtkWidget *undo = mw_test_window_wait_for_undo (fixture);

  mw_test_iterate_for (500);
  g_signal_emit_by_name (undo, "clicked");
  mw_test_iterate_for (500);
}

/* --- Downloads ----------------------------------------------------------------------- */

static MwDownload *
add_completed (Fixture    *fixture,
               const char *name,
               guint       seed)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (2000 + seed, seed);
  g_autofree char *path = g_strdup_printf ("/%s", name);
  MwDownload *download;

  mw_test_server_add (fixture->server, path, body);
  download = mw_test_window_add_download (fixture, path);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  return download;
}

/* Returns: (transfer full): the downloads of the list, in its order */
static GPtrArray *
list_downloads (Fixture *fixture)
{
  GListModel *model = G_LIST_MODEL (mw_application_get_downloads (fixture->app));
  GPtrArray *downloads = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (downloads, g_list_model_get_item (model, i));
  return downloads;
}

static void
assert_same_list (GPtrArray *expected,
                  GPtrArray *found)
{
  g_assert_cmpuint (found->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_true (g_ptr_array_index (found, i) == g_ptr_array_index (expected, i));
}

static gboolean
is_primary_menu_button (GtkWidget     *widget,
                        gconstpointer  data)
{
  return gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget));
}

/* The main menu has Clear Finished Downloads, for the window's action. */
static gboolean
menu_has_action (GMenuModel *menu,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        return TRUE;
      if (section != NULL && menu_has_action (section, action))
        return TRUE;
    }
  return FALSE;
}

/* A match for mw_test_find_widget(): an item of a menu (GtkModelButton, private) that
 * says @text. */
static gboolean
is_menu_item_saying (GtkWidget     *widget,
                     gconstpointer  text)
{
  g_autofree char *said = NULL;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (widget), "text") == NULL ||
      !G_TYPE_CHECK_INSTANCE_TYPE (widget, g_type_from_name ("GtkModelButton")))
    return FALSE;
  g_object_get (widget, "text", &said, NULL);
  return g_strcmp0 (said, text) == 0;
}

/* Whether the main menu's Clear Finished Downloads can be clicked. */
static gboolean
clear_finished_enabled (Fixture *fixture)
{
  GtkWidget *menu_button = mw_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_MENU_BUTTON,
                                                is_primary_menu_button, NULL);
  GtkWidget *item;

  g_assert_nonnull (menu_button);
  g_assert_true (menu_has_action (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)),
                                  "win.clear-finished"));
  item = mw_test_find_widget (menu_button, GTK_TYPE_WIDGET, is_menu_item_saying, "Clear Finished Downloads");
  g_assert_nonnull (item);
  return gtk_widget_get_sensitive (item);
}

/* --- Clear Finished ------------------------------------------------------------------- */

static void
test_clear_finished (Fixture       *fixture,
                     gconstpointer  user_data)
{
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  g_autoptr(GBytes) held_body = mw_test_make_bytes (80000, 31);
  MwTestResource *held = mw_test_server_add (fixture->server, "/waiting.iso", held_body);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *title = NULL;
  MwDownload *running;

  /* Nothing finished, nothing to clear. */
  g_assert_false (clear_finished_enabled (fixture));
  held->hold_after = 20000;
  held->held = TRUE;
  running = mw_test_window_add_download (fixture, "/waiting.iso");
  mw_test_wait_for_bytes (running, 20000);
  g_assert_false (clear_finished_enabled (fixture));

  add_completed (fixture, "report.pdf", 1);
  g_assert_true (clear_finished_enabled (fixture));
  add_completed (fixture, "song.flac", 2);
  before = list_downloads (fixture);

  /* Only the running download stays; the files stay too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.clear-finished", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  {
    g_autoptr(MwDownload) left = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_true (left == running);
  }
  g_assert_true (mw_test_file_exists (fixture->folder, "report.pdf"));
  g_assert_true (mw_test_file_exists (fixture->folder, "song.flac"));
  g_assert_false (clear_finished_enabled (fixture));

  /* One toast for both, whose Undo brings them back where they were. */
  mw_test_wait_until (one_toast, fixture, MW_TEST_PATIENCE_MS, "one toast for the cleared downloads");
  title = dup_toast_title (fixture);
  g_assert_cmpstr (title, ==, "2 downloads removed");
  click_undo (fixture);
  after = list_downloads (fixture);
  assert_same_list (before, after);
  g_assert_true (clear_finished_enabled (fixture));
  g_assert_true (mw_test_file_exists (fixture->folder, "report.pdf"));

  mw_test_server_release (fixture->server, held);
  mw_test_wait_until_at_rest (running, MW_DOWNLOAD_COMPLETED);
  mw_test_wait_until (no_toast, fixture, MW_TEST_PATIENCE_MS, "the toast to go");
}

/* --- Removals in a row share one toast -------------------------------------------------- */

#define N_REMOVED 8

/* Clicks the Remove button of each row in turn, @gap_ms apart: quickly, while the toast
 * is new, or slowly enough that it is replaced by a new one. */
static void
remove_all_from_rows (Fixture   *fixture,
                      GPtrArray *downloads,
                      guint      gap_ms)
{
  for (guint i = 0; i < downloads->len; i++)
    {
      MwDownloadRow *row = mw_test_window_wait_for_row (fixture, g_ptr_array_index (downloads, i));

      mw_download_row_update_now (row);
      mw_test_click_row_button (row, "row.remove");
      mw_test_iterate_for (gap_ms);
    }
}

static void
test_removals_share_one_toast (Fixture       *fixture,
                               gconstpointer  user_data)
{
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  for (guint i = 0; i < N_REMOVED; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%u.jpg", i);
      add_completed (fixture, name, 40 + i);
    }
  before = list_downloads (fixture);

  /* Eight removals, one toast that counts them (the ones it replaced are gone once
   * their hiding animation is over). */
  remove_all_from_rows (fixture, before, 100);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  mw_test_wait_until (one_toast, fixture, MW_TEST_PATIENCE_MS, "a single toast for eight removals");
  title = dup_toast_title (fixture);
  g_assert_cmpstr (title, ==, "8 downloads removed");

  /* Its Undo brings all eight back, in their order. */
  click_undo (fixture);
  after = list_downloads (fixture);
  assert_same_list (before, after);
  mw_test_wait_until (no_toast, fixture, MW_TEST_PATIENCE_MS, "the toast to go after Undo");

  /* Removed again, more slowly (each toast gives its place to one that counts more),
   * and the toast dismissed: nothing comes back, no toast from an earlier removal shows
   * again. */
  remove_all_from_rows (fixture, before, 400);
  mw_test_wait_until (one_toast, fixture, MW_TEST_PATIENCE_MS, "a single toast for eight slower removals");
  g_clear_pointer (&title, g_free);
  title = dup_toast_title (fixture);
  g_assert_cmpstr (title, ==, "8 downloads removed");
  mw_test_iterate_for (500);
  toast = the_toast (fixture);
  adw_toast_dismiss (toast);
  mw_test_wait_until (no_toast, fixture, MW_TEST_PATIENCE_MS, "the toast to go once dismissed");
  mw_test_iterate_for (1500);
  g_assert_cmpuint (count_toasts (fixture), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  for (guint i = 0; i < N_REMOVED; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%u.jpg", i);
      g_assert_true (mw_test_file_exists (fixture->folder, name));
    }
}

/* One removal, as before: the toast names the file. */
static void
test_one_removal_names_file (Fixture       *fixture,
                             gconstpointer  user_data)
{
  MwDownload *download = add_completed (fixture, "notes & plans.txt", 60);
  MwDownloadRow *row = mw_test_window_wait_for_row (fixture, download);
  g_autofree char *title = NULL;

  mw_download_row_update_now (row);
  mw_test_click_row_button (row, "row.remove");
  mw_test_wait_until (one_toast, fixture, MW_TEST_PATIENCE_MS, "the removal's toast");
  title = dup_toast_title (fixture);
  /* Written as it is: a toast's title is markup, and the name is escaped for it. */
  g_assert_cmpstr (title, ==, "“notes & plans.txt” removed");
  /* Its button is “Undo” to a screen reader, without the mnemonic's underscore. */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (mw_test_window_wait_for_undo (fixture)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Undo");
  /* Dismissed once it has slid in (see click_undo()). */
  mw_test_iterate_for (500);
  adw_toast_dismiss (the_toast (fixture));
  mw_test_wait_until (no_toast, fixture, MW_TEST_PATIENCE_MS, "the toast to go once dismissed");
}

/* --- The Downloads tab ------------------------------------------------------------------ */

static AdwViewStackPage *
downloads_page (Fixture *fixture)
{
  AdwViewStack *stack = ADW_VIEW_STACK (mw_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_VIEW_STACK,
                                                             NULL, NULL));

  return adw_view_stack_get_page (stack, adw_view_stack_get_child_by_name (stack, "downloads"));
}

typedef struct
{
  AdwViewStackPage *page;
  guint             badge;
} BadgeWanted;

static gboolean
badge_is (gpointer data)
{
  BadgeWanted *wanted = data;

  return adw_view_stack_page_get_badge_number (wanted->page) == wanted->badge;
}

static void
test_tab_badge (Fixture       *fixture,
                gconstpointer  user_data)
{
  AdwViewStackPage *page = downloads_page (fixture);
  g_autoptr(GBytes) body = mw_test_make_bytes (90000, 70);
  MwTestResource *first = mw_test_server_add (fixture->server, "/first.iso", body);
  MwTestResource *second = mw_test_server_add (fixture->server, "/second.iso", body);
  MwTestResource *broken = mw_test_server_add (fixture->server, "/broken.iso", body);
  guint not_found = 404;
  MwDownload *one, *two, *three;
  BadgeWanted wanted = { page, 0 };

  /* On the Downloads page itself the rows say it all. */
  first->hold_after = second->hold_after = 30000;
  first->held = second->held = TRUE;
  one = mw_test_window_add_download (fixture, "/first.iso");
  mw_test_wait_for_bytes (one, 30000);
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (page), ==, 0);
  g_assert_false (adw_view_stack_page_get_needs_attention (page));

  /* On the Feeds page, the tab counts what runs. */
  mw_window_show_page (fixture->window, "feeds");
  wanted.badge = 1;
  mw_test_wait_until (badge_is, &wanted, MW_TEST_PATIENCE_MS, "the Downloads tab to count one download");
  two = mw_test_window_add_download (fixture, "/second.iso");
  wanted.badge = 2;
  mw_test_wait_until (badge_is, &wanted, MW_TEST_PATIENCE_MS, "the Downloads tab to count two downloads");
  g_assert_false (adw_view_stack_page_get_needs_attention (page));

  /* One finishes: one fewer, and the tab asks to be looked at. */
  mw_test_server_release (fixture->server, first);
  mw_test_wait_until_at_rest (one, MW_DOWNLOAD_COMPLETED);
  wanted.badge = 1;
  mw_test_wait_until (badge_is, &wanted, MW_TEST_PATIENCE_MS, "the Downloads tab to count one download again");
  g_assert_true (adw_view_stack_page_get_needs_attention (page));

  /* Looked at: no mark and no number. */
  mw_window_show_page (fixture->window, "downloads");
  mw_test_iterate_for (50);
  g_assert_false (adw_view_stack_page_get_needs_attention (page));
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (page), ==, 0);

  /* A failure while the Feeds page shows marks the tab too. */
  mw_window_show_page (fixture->window, "feeds");
  broken->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (broken->statuses, not_found);
  three = mw_test_window_add_download (fixture, "/broken.iso");
  mw_test_wait_until_at_rest (three, MW_DOWNLOAD_FAILED);
  g_assert_true (adw_view_stack_page_get_needs_attention (page));

  mw_test_server_release (fixture->server, second);
  mw_test_wait_until_at_rest (two, MW_DOWNLOAD_COMPLETED);
  wanted.badge = 0;
  mw_test_wait_until (badge_is, &wanted, MW_TEST_PATIENCE_MS, "the Downloads tab to count none");
  mw_window_show_page (fixture->window, "downloads");
  mw_test_iterate_for (50);
  g_assert_false (adw_view_stack_page_get_needs_attention (page));
}

int
main (int   argc,
      char *argv[])
{
  static const MwTestWindowCase cases[] = {
    { "/window-downloads/clear-finished", test_clear_finished },
    { "/window-downloads/removals-share-one-toast", test_removals_share_one_toast },
    { "/window-downloads/one-removal-names-file", test_one_removal_names_file },
    { "/window-downloads/tab-badge", test_tab_badge },
  };

  return mw_test_window_main (argc, argv, cases, G_N_ELEMENTS (cases));
}
