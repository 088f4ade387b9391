/* mw-test-gtk-utils.c: finding widgets in a real window, and pictures of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on the test's main thread, against a real window under Xvfb.
 */
#define G_LOG_DOMAIN "mw-test-gtk-utils"

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>

#include "mw-test-gtk-utils.h"

/* Returns: (transfer none) (nullable): the first widget below @root, depth first, of
 * @type for which @match (if any) holds */
GtkWidget *
mw_test_find_widget (GtkWidget         *root,
                     GType              type,
                     MwTestWidgetMatch  match,
                     gconstpointer      data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && (match == NULL || match (child, data)))
        return child;
      found = mw_test_find_widget (child, type, match, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A match for mw_test_find_widget(): an actionable widget bound to @action_name. */
gboolean
mw_test_has_action (GtkWidget     *widget,
                    gconstpointer  action_name)
{
  return GTK_IS_ACTIONABLE (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

/* A match for mw_test_find_widget(): a button whose label is @label, mnemonic and all. */
gboolean
mw_test_button_labelled (GtkWidget     *widget,
                         gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* Saves what @widget shows as $MW_BUILD_DIR/screenshots/@name, once it has drawn a
 * frame at its present size. */
void
mw_test_save_screenshot (GtkWidget  *widget,
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
  gint64 deadline = g_get_monotonic_time () + MW_TEST_PATIENCE_MS * 1000;

  /* The paintable is empty until the window has drawn a frame at its new size. */
  while (TRUE)
    {
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("Waited in vain for the window to draw a frame for the screenshot %s", name);
      snapshot = gtk_snapshot_new ();
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

/* Clicks @window at (@x, @y) of its own coordinates @n_clicks times, @delay_ms from now
 * and @gap_ms apart, with real input (XTEST, through $MW_XDOTOOL) from another process:
 * the clicks come even while the test's main loop is blocked. Wait for the process. */
GSubprocess *
mw_test_click_later (GtkWindow *window,
                     double     x,
                     double     y,
                     guint      delay_ms,
                     guint      n_clicks,
                     guint      gap_ms)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  g_autofree char *delay = g_strdup_printf ("%.3f", delay_ms / 1000.0);
  g_autofree char *gap = g_strdup_printf ("%.3f", gap_ms / 1000.0);
  g_autofree char *sx = NULL;
  g_autofree char *sy = NULL;
  g_autoptr(GError) error = NULL;
  double dx = 0, dy = 0;
  GSubprocess *process;

  g_assert_nonnull (g_getenv ("MW_XDOTOOL"));
  /* The surface's coordinates include the window's shadow. */
  gtk_native_get_surface_transform (GTK_NATIVE (window), &dx, &dy);
  sx = g_strdup_printf ("%d", (int) (x + dx));
  sy = g_strdup_printf ("%d", (int) (y + dy));
  g_strv_builder_add_many (builder, g_getenv ("MW_XDOTOOL"), "sleep", delay,
                           "mousemove", "--window", xid, sx, sy, NULL);
  for (guint i = 0; i < n_clicks; i++)
    {
      if (i > 0)
        g_strv_builder_add_many (builder, "sleep", gap, NULL);
      g_strv_builder_add_many (builder, "click", "1", NULL);
    }
  argv = g_strv_builder_end (builder);
  process = g_subprocess_newv ((const char * const *) argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  return process;
}

static void
wait_for_xdotool (GSubprocess *process,
                  const char  *what)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_check_async (process, NULL, mw_test_async_result_cb, &result);
  mw_test_async_result (&result, what);
  g_subprocess_wait_check_finish (process, result, &error);
  g_assert_no_error (error);
}

/* Clicks the middle of @widget once, with real input (XTEST, through $MW_XDOTOOL), and
 * waits until xdotool has sent it; the window sees it when its main loop next runs. */
void
mw_test_click_widget (GtkWidget *widget)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autoptr(GSubprocess) process = NULL;
  graphene_rect_t bounds;

  g_assert_true (GTK_IS_WINDOW (window));
  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, window, &bounds));
  process = mw_test_click_later (GTK_WINDOW (window), bounds.origin.x + bounds.size.width / 2,
                                 bounds.origin.y + bounds.size.height / 2, 0, 1, 0);
  wait_for_xdotool (process, "xdotool to click");
}

/* Types @keys (xdotool's names, separated by spaces: "ctrl+f", "Down Return") into the
 * window of @widget, with real input: the window is given the keyboard focus first.
 * Returns once xdotool has sent them; the window sees them when its main loop next runs,
 * in order, so that a later key's visible effect says that the earlier ones were seen. */
void
mw_test_press_keys (GtkWidget  *widget,
                    const char *keys)
{
  GtkNative *native = gtk_widget_get_native (widget);
  g_autofree char *xid = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = g_strsplit (keys, " ", -1);
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (g_getenv ("MW_XDOTOOL"));
  g_assert_nonnull (native);
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (gtk_native_get_surface (native)));
  g_strv_builder_add_many (builder, g_getenv ("MW_XDOTOOL"), "windowfocus", "--sync", xid, "key", "--delay", "50",
                           NULL);
  g_strv_builder_addv (builder, (const char **) names);
  argv = g_strv_builder_end (builder);
  process = g_subprocess_newv ((const char * const *) argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  wait_for_xdotool (process, "xdotool to type");
}
