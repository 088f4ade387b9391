/* test-download-row.c: one download's row as a person sees, clicks, drags and hears it, in a real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file that a finished row opens goes to a real application: a desktop file that
 * this program installs in a data folder of its own, the default for ZIP archives, whose
 * command writes down the path it was given.
 */
#define G_LOG_DOMAIN "test-download-row"

#include "config.h"

#include <glib/gstdio.h>

#include "mw-test-window.h"

typedef MwTestWindow Fixture;

#define FILE_NAME "sunrise-photos.zip"

/* Where the opener writes the paths it is asked to open; set up by main(). */
static char *opened_log;

/* --- Finding a row's parts ----------------------------------------------------------- */

static gboolean
has_css_class (GtkWidget     *widget,
               gconstpointer  name)
{
  return gtk_widget_has_css_class (widget, name);
}

static GtkWidget *
row_button (MwDownloadRow *row,
            const char    *action)
{
  GtkWidget *button = mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, mw_test_has_action, action);

  g_assert_nonnull (button);
  return button;
}

static GtkLabel *
name_label_of (MwDownloadRow *row)
{
  return GTK_LABEL (mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_LABEL, has_css_class, "heading"));
}

static GtkLabel *
status_label_of (MwDownloadRow *row)
{
  return GTK_LABEL (mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_LABEL, has_css_class, "dim-label"));
}

static GtkWidget *
bar_of (MwDownloadRow *row)
{
  return mw_test_find_widget (GTK_WIDGET (row), GTK_TYPE_PROGRESS_BAR, NULL, NULL);
}

/* Returns: (transfer full): the accessible label of @accessible, or NULL for none */
static char *
accessible_label (GtkAccessible *accessible)
{
  if (!gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return NULL;
  /* The check gives the value it found when it differs from the one asked for. */
  return gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, "\x01");
}

/* The bar is gone from a row whose download has none: nothing drawn, nothing said. */
static void
assert_no_bar (MwDownloadRow *row)
{
  GtkWidget *bar = bar_of (row);

  g_assert_false (gtk_widget_get_mapped (bar));
  g_assert_false (gtk_widget_get_child_visible (bar));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE);
}

static void
assert_bar_shown (MwDownloadRow *row)
{
  GtkWidget *bar = bar_of (row);

  g_assert_true (gtk_widget_get_mapped (bar));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_STATE_HIDDEN, FALSE);
}

static void
set_width (Fixture *fixture,
           int      width)
{
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, 600);
  mw_test_window_wait_for_width (fixture, width);
  mw_test_iterate_for (200);
}

/* The row's height once it has been laid out in its present state. */
static int
settled_height (MwDownloadRow *row)
{
  mw_download_row_update_now (row);
  mw_test_iterate_for (150);
  return gtk_widget_get_height (GTK_WIDGET (row));
}

/* Adds a download of @size bytes that the server holds after @hold_after of them, until
 * mw_test_server_release() of *@resource. Returns: (transfer none): its row, once the
 * download has the first bytes */
static MwDownloadRow *
add_held (Fixture         *fixture,
          const char      *path,
          gsize            size,
          gsize            hold_after,
          MwDownload     **download,
          MwTestResource **resource)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (size, 21);
  MwDownloadRow *row;

  *resource = mw_test_server_add (fixture->server, path, body);
  (*resource)->hold_after = hold_after;
  (*resource)->held = TRUE;
  *download = mw_test_window_add_download (fixture, path);
  row = mw_test_window_wait_for_row (fixture, *download);
  mw_test_wait_for_bytes (*download, hold_after);
  return row;
}

/* --- Icons --------------------------------------------------------------------------- */

/* Returns: (transfer full): the picture the theme draws for @icon_name */
static GBytes *
icon_picture (GtkWidget  *widget,
              const char *icon_name)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));
  g_autoptr(GtkIconPaintable) icon = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  g_assert_true (gtk_icon_theme_has_icon (theme, icon_name));
  icon = gtk_icon_theme_lookup_icon (theme, icon_name, NULL, 16, 1, GTK_TEXT_DIR_LTR, 0);
  file = gtk_icon_paintable_get_file (icon);
  g_assert_nonnull (file);
  bytes = g_file_load_bytes (file, NULL, NULL, &error);
  g_assert_no_error (error);
  return bytes;
}

static void
assert_different_pictures (GtkWidget *first,
                           GtkWidget *second)
{
  const char *first_name = gtk_button_get_icon_name (GTK_BUTTON (first));
  const char *second_name = gtk_button_get_icon_name (GTK_BUTTON (second));
  g_autoptr(GBytes) first_picture = icon_picture (first, first_name);
  g_autoptr(GBytes) second_picture = icon_picture (second, second_name);

  if (g_bytes_equal (first_picture, second_picture))
    g_error ("The %s and %s buttons show the same picture (%s, %s)",
             gtk_widget_get_tooltip_text (first), gtk_widget_get_tooltip_text (second), first_name, second_name);
}

/* Open File and Show in Folder, Cancel and Remove: four pictures, each of its own, from
 * the icon theme (which in Adwaita 43 draws document-open as the open folder). */
static void
test_icons_distinct (Fixture       *fixture,
                     gconstpointer  user_data)
{
  MwDownload *running, *finished;
  MwDownloadRow *running_row, *finished_row;
  MwTestResource *held;
  g_autoptr(GBytes) body = mw_test_make_bytes (5000, 22);

  mw_test_server_add (fixture->server, "/" FILE_NAME, body);
  finished = mw_test_window_add_download (fixture, "/" FILE_NAME);
  finished_row = mw_test_window_wait_for_row (fixture, finished);
  mw_test_wait_until_at_rest (finished, MW_DOWNLOAD_COMPLETED);
  running_row = add_held (fixture, "/running.bin", 60000, 20000, &running, &held);
  mw_download_row_update_now (finished_row);
  mw_download_row_update_now (running_row);

  g_assert_true (gtk_widget_get_visible (row_button (finished_row, "row.open")));
  g_assert_true (gtk_widget_get_visible (row_button (finished_row, "row.show-in-folder")));
  g_assert_true (gtk_widget_get_visible (row_button (finished_row, "row.remove")));
  g_assert_true (gtk_widget_get_visible (row_button (running_row, "row.cancel")));
  g_assert_false (gtk_widget_get_visible (row_button (running_row, "row.remove")));
  g_assert_false (gtk_widget_get_visible (row_button (finished_row, "row.cancel")));

  assert_different_pictures (row_button (finished_row, "row.open"), row_button (finished_row, "row.show-in-folder"));
  assert_different_pictures (row_button (running_row, "row.cancel"), row_button (finished_row, "row.remove"));
  assert_different_pictures (row_button (running_row, "row.cancel"), row_button (finished_row, "row.open"));
  /* The GNOME names for what they do: stop, the folder, take off the list. */
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (row_button (running_row, "row.cancel"))), ==,
                   "process-stop-symbolic");
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (row_button (finished_row, "row.show-in-folder"))), ==,
                   "folder-open-symbolic");
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (row_button (finished_row, "row.remove"))), ==,
                   "list-remove-symbolic");
  mw_test_server_release (fixture->server, held);
}

/* --- The same height in every state ------------------------------------------------- */

static void
test_height_through_completion (Fixture       *fixture,
                                gconstpointer  user_data)
{
  MwDownload *download;
  MwDownloadRow *row;
  MwTestResource *resource;
  int running_wide, running_narrow, done_wide, done_narrow;

  row = add_held (fixture, "/" FILE_NAME, 300000, 120000, &download, &resource);

  /* Running: the bar and a line of sizes (two lines at 360 px). */
  running_wide = settled_height (row);
  assert_bar_shown (row);
  g_assert_nonnull (strstr (mw_download_row_get_status_text (row), " of "));
  set_width (fixture, 360);
  running_narrow = settled_height (row);

  mw_test_server_release (fixture->server, resource);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  done_narrow = settled_height (row);
  assert_no_bar (row);
  g_assert_true (g_str_has_prefix (mw_download_row_get_status_text (row), "Completed"));
  set_width (fixture, 900);
  done_wide = settled_height (row);

  g_test_message ("Row heights: %d and %d px running, %d and %d px completed (900 and 360 px wide)",
                  running_wide, running_narrow, done_wide, done_narrow);
  g_assert_cmpint (running_wide, >, 0);
  g_assert_cmpint (done_wide, ==, running_wide);
  g_assert_cmpint (done_narrow, ==, running_narrow);
}

/* A failed download and a cancelled one have no bar, and their rows keep their height. */
static void
test_height_through_failure_and_cancel (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  MwDownload *failing, *cancelled;
  MwDownloadRow *failing_row, *cancelled_row;
  MwTestResource *resource, *held;
  guint not_found = 404;
  int running, paused, failed, before_cancel, after_cancel;

  set_width (fixture, 360);
  failing_row = add_held (fixture, "/failing.zip", 300000, 100000, &failing, &resource);
  running = settled_height (failing_row);

  mw_test_click_row_button (failing_row, "row.pause");
  mw_test_wait_until_at_rest (failing, MW_DOWNLOAD_PAUSED);
  paused = settled_height (failing_row);
  assert_bar_shown (failing_row);

  /* Gone from the server when it resumes: a failure, with a sentence that takes two lines. */
  mw_test_server_lock (fixture->server);
  resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (resource->statuses, not_found);
  mw_test_server_unlock (fixture->server);
  mw_test_click_row_button (failing_row, "row.resume");
  mw_test_wait_until_at_rest (failing, MW_DOWNLOAD_FAILED);
  failed = settled_height (failing_row);
  assert_no_bar (failing_row);
  g_assert_true (g_str_has_prefix (mw_download_row_get_status_text (failing_row), "Failed"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (status_label_of (failing_row)), "error"));

  cancelled_row = add_held (fixture, "/cancelled.bin", 300000, 50000, &cancelled, &held);
  before_cancel = settled_height (cancelled_row);
  mw_test_click_row_button (cancelled_row, "row.cancel");
  mw_test_wait_until_at_rest (cancelled, MW_DOWNLOAD_CANCELLED);
  after_cancel = settled_height (cancelled_row);
  assert_no_bar (cancelled_row);
  mw_test_server_release (fixture->server, held);
  mw_test_server_release (fixture->server, resource);

  g_test_message ("Row heights at 360 px: %d running, %d paused, %d failed; %d before and %d after cancel",
                  running, paused, failed, before_cancel, after_cancel);
  g_assert_cmpint (paused, ==, running);
  g_assert_cmpint (failed, ==, running);
  g_assert_cmpint (before_cancel, ==, running);
  g_assert_cmpint (after_cancel, ==, running);
  set_width (fixture, 900);
}

/* --- Opening a finished row ---------------------------------------------------------- */

static gboolean
opened (gpointer data)
{
  return g_file_test (opened_log, G_FILE_TEST_EXISTS);
}

/* Returns: (transfer full): what the opener was asked to open, once it was */
static char *
wait_for_opened (const char *what)
{
  g_autofree char *contents = NULL;

  mw_test_wait_until (opened, NULL, MW_TEST_PATIENCE_MS, what);
  /* The opener writes one line; it may not have finished writing it. */
  for (gint64 deadline = g_get_monotonic_time () + MW_TEST_PATIENCE_MS * 1000;
       g_get_monotonic_time () < deadline;)
    {
      g_clear_pointer (&contents, g_free);
      if (g_file_get_contents (opened_log, &contents, NULL, NULL) && strchr (contents, '\n') != NULL)
        break;
      mw_test_iterate_for (20);
    }
  g_assert_nonnull (strchr (contents, '\n'));
  *strchr (contents, '\n') = '\0';
  g_unlink (opened_log);
  return g_steal_pointer (&contents);
}

static void
test_activate_opens_file (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (4000, 23);
  g_autofree char *path = g_build_filename (fixture->folder, FILE_NAME, NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  MwDownload *download;
  MwDownloadRow *row;
  GSubprocess *clicker;
  graphene_point_t point;
  g_autoptr(GError) error = NULL;

  mw_test_server_add (fixture->server, "/" FILE_NAME, body);
  download = mw_test_window_add_download (fixture, "/" FILE_NAME);
  row = mw_test_window_wait_for_row (fixture, download);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  mw_download_row_update_now (row);
  g_assert_true (mw_download_row_get_can_open (row));

  /* Enter on the focused row activates its list item, as this does. */
  g_assert_true (gtk_widget_activate (gtk_widget_get_parent (GTK_WIDGET (row))));
  first = wait_for_opened ("the file to be opened after the row was activated");
  g_assert_cmpstr (first, ==, path);

  /* A real double click on the row's name, away from its buttons. */
  mw_test_iterate_for (100);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (name_label_of (row)), GTK_WIDGET (fixture->window),
                                           &GRAPHENE_POINT_INIT (10, 5), &point));
  clicker = mw_test_click_later (GTK_WINDOW (fixture->window), point.x, point.y, 100, 2, 60);
  second = wait_for_opened ("the file to be opened after a double click on its row");
  g_subprocess_wait_check (clicker, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (clicker);
  g_assert_cmpstr (second, ==, path);
}

/* A row of a download still on its way cannot be opened: its list item is not even
 * activatable (its activatable property follows can-open). */
static void
test_running_row_not_openable (Fixture       *fixture,
                               gconstpointer  user_data)
{
  MwDownload *download;
  MwTestResource *resource;
  MwDownloadRow *row = add_held (fixture, "/" FILE_NAME, 60000, 20000, &download, &resource);

  mw_download_row_update_now (row);
  g_assert_false (mw_download_row_get_can_open (row));
  g_assert_false (gtk_widget_has_css_class (gtk_widget_get_parent (GTK_WIDGET (row)), "activatable"));
  mw_test_server_release (fixture->server, resource);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  mw_test_iterate_for (100);
  g_assert_true (mw_download_row_get_can_open (row));
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_parent (GTK_WIDGET (row)), "activatable"));
}

/* --- Dragging a finished file out ----------------------------------------------------- */

static GtkDragSource *
drag_source_of (MwDownloadRow *row)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (row));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DRAG_SOURCE (controller))
        return GTK_DRAG_SOURCE (controller);
    }
  g_error ("The row has no drag source");
}

static void
test_drag_finished_file (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (3000, 24);
  g_autofree char *path = g_build_filename (fixture->folder, FILE_NAME, NULL);
  g_autoptr(GdkContentProvider) provider = NULL;
  g_autoptr(GdkContentProvider) none = NULL;
  g_autoptr(GdkContentFormats) formats = NULL;
  g_autoptr(GError) error = NULL;
  MwDownload *download, *running;
  MwDownloadRow *row, *running_row;
  MwTestResource *held;
  GValue value = G_VALUE_INIT;
  GSList *files;

  mw_test_server_add (fixture->server, "/" FILE_NAME, body);
  download = mw_test_window_add_download (fixture, "/" FILE_NAME);
  row = mw_test_window_wait_for_row (fixture, download);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  mw_download_row_update_now (row);

  /* What a drag from the row carries: the file, as a GFile and as a file list. */
  g_signal_emit_by_name (drag_source_of (row), "prepare", 20.0, 20.0, &provider);
  g_assert_nonnull (provider);
  g_value_init (&value, G_TYPE_FILE);
  g_assert_true (gdk_content_provider_get_value (provider, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_file_peek_path (g_value_get_object (&value)), ==, path);
  g_value_unset (&value);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_assert_true (gdk_content_provider_get_value (provider, &value, &error));
  files = gdk_file_list_get_files (g_value_get_boxed (&value));
  g_assert_cmpuint (g_slist_length (files), ==, 1);
  g_assert_cmpstr (g_file_peek_path (files->data), ==, path);
  g_slist_free (files);
  g_value_unset (&value);

  /* Other applications get it as a text/uri-list. */
  formats = gdk_content_formats_union_serialize_mime_types (gdk_content_provider_ref_formats (provider));
  g_assert_true (gdk_content_formats_contain_mime_type (formats, "text/uri-list"));

  /* A download on its way has nothing to drag. */
  running_row = add_held (fixture, "/running.bin", 60000, 20000, &running, &held);
  mw_download_row_update_now (running_row);
  g_signal_emit_by_name (drag_source_of (running_row), "prepare", 20.0, 20.0, &none);
  g_assert_null (none);
  mw_test_server_release (fixture->server, held);
}

/* --- What a screen reader says ----------------------------------------------------- */

static void
assert_no_mnemonic (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *label = accessible_label (GTK_ACCESSIBLE (child));

      if (label != NULL && strchr (label, '_') != NULL)
        g_error ("A %s of the row is called “%s”", G_OBJECT_TYPE_NAME (child), label);
      assert_no_mnemonic (child);
    }
}

static void
assert_row_named_by_its_text (MwDownloadRow *row)
{
  g_autofree char *expected = g_strdup_printf ("%s — %s", gtk_label_get_label (name_label_of (row)),
                                               gtk_label_get_label (status_label_of (row)));

  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
}

static void
test_accessible_names (Fixture       *fixture,
                       gconstpointer  user_data)
{
  MwDownload *download;
  MwTestResource *resource;
  MwDownloadRow *row = add_held (fixture, "/" FILE_NAME, 300000, 100000, &download, &resource);
  GtkWidget *bar = bar_of (row);

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_ROLE_GROUP);
  mw_test_click_row_button (row, "row.pause");
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_PAUSED);
  mw_download_row_update_now (row);

  /* “sunrise-photos.zip — Paused — 97.7 of 293.0 kB”: the name and the line under it. */
  g_assert_true (g_str_has_prefix (gtk_label_get_label (status_label_of (row)), "Paused"));
  assert_row_named_by_its_text (row);
  {
    g_autofree char *label = accessible_label (GTK_ACCESSIBLE (row));
    g_assert_true (g_str_has_prefix (label, FILE_NAME " — Paused — "));
  }

  /* Each button says what it acts on; the bar is labelled by the file's name. */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row_button (row, "row.resume")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Resume " FILE_NAME);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row_button (row, "row.pause")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Pause " FILE_NAME);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row_button (row, "row.cancel")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Cancel " FILE_NAME);
  gtk_test_accessible_assert_relation (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                       name_label_of (row), NULL);
  assert_no_mnemonic (GTK_WIDGET (row));

  /* The name follows the row's text as it changes. */
  mw_test_server_release (fixture->server, resource);
  mw_test_click_row_button (row, "row.resume");
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  mw_download_row_update_now (row);
  assert_row_named_by_its_text (row);
  {
    g_autofree char *label = accessible_label (GTK_ACCESSIBLE (row));
    g_assert_true (g_str_has_prefix (label, FILE_NAME " — Completed — "));
  }
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row_button (row, "row.open")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Open " FILE_NAME);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row_button (row, "row.show-in-folder")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Show " FILE_NAME " in Folder");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row_button (row, "row.remove")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Remove " FILE_NAME " from List");
  assert_no_mnemonic (GTK_WIDGET (row));
}

/* --- What the row redraws ------------------------------------------------------------ */

typedef struct
{
  MwDownloadRow *row;
  GPtrArray     *texts;        /* what the status line said, in order */
  GArray        *text_times;   /* gint64 frame times of those changes */
  GArray        *bar_times;    /* frame times of the bar's changes while downloading */
  guint          accessible_mismatches;
  guint          unmapped_changes;
} Redraws;

static gint64
frame_time (MwDownloadRow *row)
{
  return gdk_frame_clock_get_frame_time (gtk_widget_get_frame_clock (GTK_WIDGET (row)));
}

/* Fails unless TIMES (frame times of changes to WHAT) came at most once per INTERVAL on
 * the whole, and never within half an INTERVAL of each other. */
static void
assert_paced (GArray     *times,
              gint64      interval,
              const char *what)
{
  gint64 span;

  for (guint i = 1; i < times->len; i++)
    {
      gint64 gap = g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1);

      if (gap < interval / 2)
        g_error ("%s changed %" G_GINT64_FORMAT " us after the last change", what, gap);
    }
  if (times->len < 2)
    return;
  span = g_array_index (times, gint64, times->len - 1) - g_array_index (times, gint64, 0);
  if ((gint64) times->len > span / interval + 2)
    g_error ("%s changed %u times in %" G_GINT64_FORMAT " ms, more than once every %" G_GINT64_FORMAT " ms",
             what, times->len, span / 1000, interval / 1000);
}

static void
status_changed_cb (GtkLabel   *label,
                   GParamSpec *pspec,
                   Redraws    *redraws)
{
  gint64 now = frame_time (redraws->row);

  if (!gtk_widget_get_mapped (GTK_WIDGET (redraws->row)))
    redraws->unmapped_changes++;
  g_ptr_array_add (redraws->texts, g_strdup (gtk_label_get_label (label)));
  g_array_append_val (redraws->text_times, now);
}

static void
fraction_changed_cb (GtkProgressBar *bar,
                     GParamSpec     *pspec,
                     Redraws        *redraws)
{
  gint64 now = frame_time (redraws->row);
  MwDownload *download = mw_download_row_get_download (redraws->row);

  if (!gtk_widget_get_mapped (GTK_WIDGET (redraws->row)))
    redraws->unmapped_changes++;
  if (mw_download_get_state (download) == MW_DOWNLOAD_DOWNLOADING)
    g_array_append_val (redraws->bar_times, now);
}

/* Every frame, the row's accessible name is the text it shows. */
static gboolean
check_accessible_tick_cb (GtkWidget     *widget,
                          GdkFrameClock *clock,
                          gpointer       user_data)
{
  Redraws *redraws = user_data;
  MwDownloadRow *row = redraws->row;
  g_autofree char *expected = g_strdup_printf ("%s — %s", gtk_label_get_label (name_label_of (row)),
                                               gtk_label_get_label (status_label_of (row)));
  g_autofree char *found = gtk_test_accessible_check_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                               expected);

  if (found != NULL && gtk_label_get_label (status_label_of (row))[0] != '\0')
    redraws->accessible_mismatches++;
  return G_SOURCE_CONTINUE;
}

static gboolean
is_progress_text (const char *text)
{
  return strstr (text, " of ") != NULL && !g_str_has_prefix (text, "Paused");
}

/* DESIGN.md's budget: the row's text a few times a second, the bar at most 30 times,
 * nothing while the row is out of sight; and the accessible name never lags the text. */
static void
test_redraw_budget (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (1600 * 1024, 25);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/" FILE_NAME, body);
  Redraws redraws = { NULL, g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (gint64)),
                      g_array_new (FALSE, FALSE, sizeof (gint64)), 0, 0 };
  MwDownload *download;
  guint progress_texts = 0;
  g_autoptr(GArray) progress_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint tick;

  resource->throttle_chunk = 24 * 1024;
  resource->throttle_delay_ms = 15;
  download = mw_test_window_add_download (fixture, "/" FILE_NAME);
  redraws.row = mw_test_window_wait_for_row (fixture, download);
  g_signal_connect (status_label_of (redraws.row), "notify::label", G_CALLBACK (status_changed_cb), &redraws);
  g_signal_connect (bar_of (redraws.row), "notify::fraction", G_CALLBACK (fraction_changed_cb), &redraws);
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (fixture->window), check_accessible_tick_cb, &redraws, NULL);

  mw_test_wait_for_bytes (download, 600 * 1024);
  /* Out of sight for a while: nothing changes in the row. */
  mw_window_show_page (fixture->window, "feeds");
  mw_test_iterate_for (50);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (redraws.row)));
  mw_test_wait_for_bytes (download, 900 * 1024);
  mw_window_show_page (fixture->window, "downloads");

  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);
  mw_test_iterate_for (100);
  gtk_widget_remove_tick_callback (GTK_WIDGET (fixture->window), tick);
  g_signal_handlers_disconnect_by_data (status_label_of (redraws.row), &redraws);
  g_signal_handlers_disconnect_by_data (bar_of (redraws.row), &redraws);

  for (guint i = 1; i < redraws.texts->len; i++)
    {
      const char *before = g_ptr_array_index (redraws.texts, i - 1);
      const char *after = g_ptr_array_index (redraws.texts, i);

      if (is_progress_text (after))
        {
          progress_texts++;
          if (is_progress_text (before))
            g_array_append_val (progress_times, g_array_index (redraws.text_times, gint64, i));
        }
    }
  /* Progress, as opposed to a new state, waits for the next quarter of a second. */
  assert_paced (progress_times, G_USEC_PER_SEC / 4, "The row's progress text");
  assert_paced (redraws.bar_times, G_USEC_PER_SEC / 30, "The progress bar");
  g_test_message ("%u changes of the text (%u of progress), %u of the bar", redraws.texts->len, progress_texts,
                  redraws.bar_times->len);
  g_assert_cmpuint (progress_texts, >=, 2);
  g_assert_cmpuint (redraws.bar_times->len, >=, 3);
  g_assert_cmpuint (redraws.unmapped_changes, ==, 0);
  g_assert_cmpuint (redraws.accessible_mismatches, ==, 0);

  g_ptr_array_unref (redraws.texts);
  g_array_unref (redraws.text_times);
  g_array_unref (redraws.bar_times);
}

/* --- The opener ------------------------------------------------------------------------ */

/* A desktop file for ZIP archives, the default in a data folder ahead of the system's,
 * whose command appends the path it is given to OPENED_LOG. Returns: the folder */
static char *
install_opener (void)
{
  g_autoptr(GError) error = NULL;
  char *folder = g_dir_make_tmp ("meanwhile-opener-XXXXXX", &error);
  g_autofree char *applications = NULL;
  g_autofree char *config = NULL;
  g_autofree char *script = NULL;
  g_autofree char *script_text = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *desktop_text = NULL;
  g_autofree char *mimeapps = NULL;
  const char *defaults = "[Default Applications]\napplication/zip=meanwhile-test-opener.desktop\n";
  g_autofree char *data_dirs = NULL;

  g_assert_no_error (error);
  applications = g_build_filename (folder, "applications", NULL);
  config = g_build_filename (folder, "config", NULL);
  g_assert_cmpint (g_mkdir_with_parents (applications, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (config, 0700), ==, 0);
  opened_log = g_build_filename (folder, "opened.txt", NULL);

  script = g_build_filename (folder, "opener.sh", NULL);
  script_text = g_strdup_printf ("#!/bin/sh\nprintf '%%s\\n' \"$1\" > '%s.new' && mv '%s.new' '%s'\n",
                                 opened_log, opened_log, opened_log);
  g_assert_true (g_file_set_contents (script, script_text, -1, NULL));
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);

  desktop = g_build_filename (applications, "meanwhile-test-opener.desktop", NULL);
  desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Opener\nExec=%s %%f\n"
                                  "MimeType=application/zip;\nNoDisplay=true\n", script);
  g_assert_true (g_file_set_contents (desktop, desktop_text, -1, NULL));
  mimeapps = g_build_filename (applications, "mimeapps.list", NULL);
  g_assert_true (g_file_set_contents (mimeapps, defaults, -1, NULL));
  g_clear_pointer (&mimeapps, g_free);
  mimeapps = g_build_filename (config, "mimeapps.list", NULL);
  g_assert_true (g_file_set_contents (mimeapps, defaults, -1, NULL));

  /* Before GLib reads them: the user's own choices are not this test's. */
  data_dirs = g_strdup_printf ("%s:%s", folder,
                               g_getenv ("XDG_DATA_DIRS") ? g_getenv ("XDG_DATA_DIRS") : "/usr/local/share:/usr/share");
  g_setenv ("XDG_DATA_DIRS", data_dirs, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  return folder;
}

int
main (int   argc,
      char *argv[])
{
  static const MwTestWindowCase cases[] = {
    { "/download-row/icons-distinct", test_icons_distinct },
    { "/download-row/height/through-completion", test_height_through_completion },
    { "/download-row/height/through-failure-and-cancel", test_height_through_failure_and_cancel },
    { "/download-row/activate-opens-file", test_activate_opens_file },
    { "/download-row/running-row-not-openable", test_running_row_not_openable },
    { "/download-row/drag-finished-file", test_drag_finished_file },
    { "/download-row/accessible-names", test_accessible_names },
    { "/download-row/redraw-budget", test_redraw_budget },
  };
  g_autofree char *opener = install_opener ();
  int status;

  status = mw_test_window_main (argc, argv, cases, G_N_ELEMENTS (cases));
  mw_test_remove_tree (opener);
  g_free (opened_log);
  return status;
}
