/* test-item-view-atspi.c: a screen reader reads an article's formatting, over AT-SPI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The other window tests use GTK's test accessibility backend; this one runs the article
 * view with GTK_A11Y=atspi, on a private session bus where at-spi-bus-launcher starts the
 * accessibility bus and its registry, exactly as a desktop does for Orca. The test then
 * plays the screen reader: it finds the article's text object on the accessibility bus,
 * walking the tree from the registry, and asks for the formatting at every offset. GTK
 * answers those calls on the main loop of this very process, so every call is
 * asynchronous and waited for with the main loop running.
 *
 * GTK 4.8 answered GetAttributes inside a link, an image's text or a quotation by reading
 * a property of the text tag that cannot be read, and the process died (mw-item-view.c).
 */
#define G_LOG_DOMAIN "test-item-view-atspi"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "mw-item-view.h"
#include "mw-test-gtk-utils.h"

#define ATSPI_ACCESSIBLE "org.a11y.atspi.Accessible"
#define ATSPI_TEXT       "org.a11y.atspi.Text"
#define ATSPI_REGISTRY   "org.a11y.atspi.Registry"
#define ATSPI_ROOT_PATH  "/org/a11y/atspi/accessible/root"

/* Every kind of span that got a colour or a look of its own. */
static const char article_html[] =
  "<h2>A heading</h2>"
  "<p>Read <a href=\"https://example.org/more\">the <em>full</em> story</a> and see "
  "<img src=\"chart.png\" alt=\"a chart of sales\">.</p>"
  "<blockquote><p>Quoted words, with <a href=\"https://example.org/q\">a link</a>.</p></blockquote>"
  "<p>Call <code>refresh()</code>, <strong>not</strong> <em>twice</em>.</p>"
  "<pre>one line\nanother</pre>"
  "<ul><li>an item</li></ul>";

/* The private session bus, for the whole program: GTK and libadwaita take the session
 * bus once and keep it. */
static GTestDBus *session_bus;
static char      *services_dir;

typedef struct
{
  GDBusConnection *a11y;
  GtkWidget       *window;
  GtkWidget       *view;
} Fixture;

/* A call into another process, or into this one, answered while the main loop runs. */
static GVariant *
call (GDBusConnection    *connection,
      const char         *name,
      const char         *path,
      const char         *interface,
      const char         *method,
      GVariant           *parameters,
      const GVariantType *reply_type)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("an answer to %s.%s from %s", interface, method, path);
  GVariant *reply;

  g_dbus_connection_call (connection, name, path, interface, method, parameters, reply_type,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, mw_test_async_result_cb, &result);
  mw_test_async_result (&result, what);
  reply = g_dbus_connection_call_finish (connection, result, &error);
  g_assert_no_error (error);
  return reply;
}

static GVariant *
get_property (GDBusConnection *connection,
              const char      *name,
              const char      *path,
              const char      *interface,
              const char      *property)
{
  g_autoptr(GVariant) reply = call (connection, name, path, "org.freedesktop.DBus.Properties",
                                    "Get", g_variant_new ("(ss)", interface, property),
                                    G_VARIANT_TYPE ("(v)"));
  GVariant *value;

  g_variant_get (reply, "(v)", &value);
  return value;
}

/* The session bus knows one service: the accessibility bus, whose launcher it starts on
 * the first GetAddress, as GTK asks it as soon as a window appears. */
static void
start_session_bus (void)
{
  const char *launcher = g_getenv ("MW_AT_SPI_BUS_LAUNCHER");
  g_autofree char *service = NULL;
  g_autofree char *service_path = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (launcher);
  services_dir = g_dir_make_tmp ("mw-test-atspi-XXXXXX", &error);
  g_assert_no_error (error);
  /* What the bus services print goes to the test's log, not into its TAP output. */
  service = g_strdup_printf ("[D-BUS Service]\n"
                             "Name=org.a11y.Bus\n"
                             "Exec=/bin/sh -c 'exec \"%s\" >&2'\n",
                             launcher);
  service_path = g_build_filename (services_dir, "org.a11y.Bus.service", NULL);
  g_file_set_contents (service_path, service, -1, &error);
  g_assert_no_error (error);

  session_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_add_service_dir (session_bus, services_dir);
  /* GTestDBus unsets DISPLAY too, for tests that must not reach the user's session; this
   * one needs the test's display. */
  display = g_strdup (g_getenv ("DISPLAY"));
  g_test_dbus_up (session_bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
}

/* GTK and libadwaita keep the session bus to the end, so the bus is stopped without
 * waiting for it to be released (which g_test_dbus_down(), and so freeing the GTestDBus,
 * would do in vain), and its going away must not end the process. */
static void
stop_session_bus (void)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *service_path = g_build_filename (services_dir, "org.a11y.Bus.service", NULL);

  if (connection != NULL)
    g_dbus_connection_set_exit_on_close (connection, FALSE);
  g_test_dbus_stop (session_bus);
  g_unlink (service_path);
  g_rmdir (services_dir);
  g_clear_pointer (&services_dir, g_free);
}

static void
connect_a11y_bus (Fixture *fixture)
{
  g_autoptr(GDBusConnection) session = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *address;

  session = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (session_bus),
                                                    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                    NULL, NULL, &error);
  g_assert_no_error (error);
  reply = call (session, "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", NULL,
                G_VARIANT_TYPE ("(s)"));
  g_variant_get (reply, "(&s)", &address);
  g_assert_cmpstr (address, !=, "");

  g_dbus_connection_new_for_address (address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                     G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, NULL, mw_test_async_result_cb, &result);
  mw_test_async_result (&result, "a connection to the accessibility bus");
  fixture->a11y = g_dbus_connection_new_for_address_finish (result, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  fixture->window = gtk_window_new ();
  fixture->view = mw_item_view_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 500, 600);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), fixture->view);
  gtk_window_set_child (GTK_WINDOW (fixture->window), scrolled);
  mw_item_view_set_html (MW_ITEM_VIEW (fixture->view), article_html, "https://example.org/news/");
  gtk_window_present (GTK_WINDOW (fixture->window));
  while (!gtk_widget_get_mapped (fixture->view))
    g_main_context_iteration (NULL, TRUE);

  connect_a11y_bus (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  mw_test_iterate_for (20);
  g_dbus_connection_close_sync (fixture->a11y, NULL, NULL);
  g_clear_object (&fixture->a11y);
}

/* Applications register with the registry a moment after their first window appears. */
static GVariant *
wait_for_applications (Fixture *fixture)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) MW_TEST_PATIENCE_MS * 1000;

  for (;;)
    {
      g_autoptr(GVariant) reply = call (fixture->a11y, ATSPI_REGISTRY, ATSPI_ROOT_PATH,
                                        ATSPI_ACCESSIBLE, "GetChildren", NULL,
                                        G_VARIANT_TYPE ("(a(so))"));
      g_autoptr(GVariant) children = g_variant_get_child_value (reply, 0);

      if (g_variant_n_children (children) > 0)
        return g_steal_pointer (&children);
      if (g_get_monotonic_time () > deadline)
        g_error ("Waited %u ms for the window to register on the accessibility bus, in vain",
                 MW_TEST_PATIENCE_MS);
      mw_test_iterate_for (50);
    }
}

static gboolean
has_interface (Fixture    *fixture,
               const char *name,
               const char *path,
               const char *interface)
{
  g_autoptr(GVariant) reply = call (fixture->a11y, name, path, ATSPI_ACCESSIBLE, "GetInterfaces",
                                    NULL, G_VARIANT_TYPE ("(as)"));
  g_autofree const char **interfaces = NULL;

  g_variant_get (reply, "(^a&s)", &interfaces);
  return g_strv_contains (interfaces, interface);
}

/* Walks the accessible tree, as a screen reader does, to the object named NAME that
 * has a text interface. Returns: its object path; *bus_name gets its application's */
static char *
find_text_object (Fixture     *fixture,
                  const char  *accessible_name,
                  char       **bus_name)
{
  g_autoptr(GVariant) applications = wait_for_applications (fixture);
  g_autoptr(GQueue) queue = g_queue_new ();
  GVariantIter iter;
  const char *name, *path;
  guint visited = 0;

  g_variant_iter_init (&iter, applications);
  while (g_variant_iter_next (&iter, "(&s&o)", &name, &path))
    g_queue_push_tail (queue, g_strdup_printf ("%s %s", name, path));

  while (!g_queue_is_empty (queue))
    {
      g_autofree char *node = g_queue_pop_head (queue);
      g_auto(GStrv) parts = g_strsplit (node, " ", 2);
      g_autoptr(GVariant) label = NULL;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) children = NULL;

      g_assert_cmpuint (++visited, <, 1000);
      label = get_property (fixture->a11y, parts[0], parts[1], ATSPI_ACCESSIBLE, "Name");
      if (g_str_equal (g_variant_get_string (label, NULL), accessible_name) &&
          has_interface (fixture, parts[0], parts[1], ATSPI_TEXT))
        {
          g_queue_free_full (g_steal_pointer (&queue), g_free);
          *bus_name = g_strdup (parts[0]);
          return g_strdup (parts[1]);
        }

      reply = call (fixture->a11y, parts[0], parts[1], ATSPI_ACCESSIBLE, "GetChildren", NULL,
                    G_VARIANT_TYPE ("(a(so))"));
      children = g_variant_get_child_value (reply, 0);
      g_variant_iter_init (&iter, children);
      while (g_variant_iter_next (&iter, "(&s&o)", &name, &path))
        g_queue_push_tail (queue, g_strdup_printf ("%s %s", name, path));
    }
  g_error ("No accessible object named “%s” with a text interface", accessible_name);
}

/* GetAttributes, GetAttributeRun and GetAttributeValue at every offset of the article,
 * its end included, and GetDefaultAttributes: each answered, with a run around its offset;
 * inside the links, the run says they are underlined. */
static void
test_attributes_everywhere (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *name = NULL;
  g_autofree char *path = find_text_object (fixture, "Article text", &name);
  g_autoptr(GVariant) count = get_property (fixture->a11y, name, path, ATSPI_TEXT,
                                            "CharacterCount");
  g_autoptr(GVariant) text_reply = NULL;
  g_autoptr(GVariant) defaults = NULL;
  g_autoptr(GVariant) count_after = NULL;
  const char *text;
  const char *link;
  int n = g_variant_get_int32 (count);
  int link_start, link_end;
  guint underlined = 0;

  text_reply = call (fixture->a11y, name, path, ATSPI_TEXT, "GetText",
                     g_variant_new ("(ii)", 0, -1), G_VARIANT_TYPE ("(s)"));
  g_variant_get (text_reply, "(&s)", &text);
  g_assert_cmpint (g_utf8_strlen (text, -1), ==, n);
  link = strstr (text, "the full story");
  g_assert_nonnull (link);
  g_assert_nonnull (strstr (text, "[a chart of sales]"));
  g_assert_nonnull (strstr (text, "Quoted words"));
  link_start = (int) g_utf8_pointer_to_offset (text, link);
  link_end = link_start + (int) strlen ("the full story");

  defaults = call (fixture->a11y, name, path, ATSPI_TEXT, "GetDefaultAttributes", NULL,
                   G_VARIANT_TYPE ("(a{ss})"));

  for (int offset = 0; offset <= n; offset++)
    {
      g_autoptr(GVariant) attributes = NULL;
      g_autoptr(GVariant) run = NULL;
      g_autoptr(GVariant) value = NULL;
      g_autoptr(GVariant) dict = NULL;
      const char *underline = NULL;
      int start, end;

      attributes = call (fixture->a11y, name, path, ATSPI_TEXT, "GetAttributes",
                         g_variant_new ("(i)", offset), G_VARIANT_TYPE ("(a{ss}ii)"));
      g_variant_get (attributes, "(@a{ss}ii)", &dict, &start, &end);
      g_assert_cmpint (start, <=, offset);
      g_assert_cmpint (offset, <=, end);
      if (offset >= link_start && offset < link_end &&
          g_variant_lookup (dict, "underline", "&s", &underline) &&
          g_str_equal (underline, "single"))
        underlined++;

      run = call (fixture->a11y, name, path, ATSPI_TEXT, "GetAttributeRun",
                  g_variant_new ("(ib)", offset, TRUE), G_VARIANT_TYPE ("(a{ss}ii)"));
      /* GTK 4.8 once crashed here on the article's coloured tags, GTK 4.18 on plain
       * text and at the end, where no tag applies (mw-item-view.c answers there). */
      value = call (fixture->a11y, name, path, ATSPI_TEXT, "GetAttributeValue",
                    g_variant_new ("(is)", offset, "fg-color"), G_VARIANT_TYPE ("(s)"));
    }
  g_assert_cmpint (underlined, ==, link_end - link_start);

  /* Still there, and still answering. */
  count_after = get_property (fixture->a11y, name, path, ATSPI_TEXT, "CharacterCount");
  g_assert_cmpint (g_variant_get_int32 (count_after), ==, n);
  g_assert_true (gtk_widget_get_mapped (fixture->view));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Before GTK and libadwaita take the session bus. */
  start_session_bus ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/item-view/atspi/attributes-everywhere", Fixture, NULL, fixture_set_up,
              test_attributes_everywhere, fixture_tear_down);

  status = g_test_run ();
  stop_session_bus ();
  return status;
}
