/* test-single-instance.c: `meanwhile URL` reaches the Meanwhile already running
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real executable twice on the test's session bus, as a person would from a
 * terminal, and checks that the second one handed its URL to the first.
 */
#define G_LOG_DOMAIN "test-single-instance"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mw-test-server.h"

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
exited_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Starts the real executable with a home and settings of its own, and waits until it
 * owns its name on the bus, or fails saying it never did. */
static GSubprocess *
spawn_instance (GSubprocessLauncher *launcher,
                GDBusConnection     *bus,
                gboolean            *exited)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean appeared = FALSE;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint watch;

  *exited = FALSE;
  watch = g_bus_watch_name_on_connection (bus, APPLICATION_ID, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          name_appeared_cb, NULL, &appeared, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("MW_EXECUTABLE"), NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, exited_cb, exited);
  while (!appeared && !*exited)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Meanwhile did not take its name on the session bus within a minute");
      g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), TRUE);
    }
  g_bus_unwatch_name (watch);
  g_assert_false (*exited);
  return g_steal_pointer (&process);
}

static gboolean
get_blocking_mode (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GVariant) inner = NULL;
  g_autoptr(GError) error = NULL;
  gboolean enabled = FALSE;

  reply = g_dbus_connection_call_sync (bus, APPLICATION_ID, "/io/github/meanwhileapp/Meanwhile",
                                       "org.gtk.Actions", "Describe", g_variant_new ("(s)", "blocking-mode"),
                                       G_VARIANT_TYPE ("((bgav))"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "((bg@av))", &enabled, NULL, &state);
  g_assert_true (enabled);
  g_assert_cmpuint (g_variant_n_children (state), ==, 1);
  g_variant_get_child (state, 0, "v", &inner);
  return g_variant_get_boolean (inner);
}

static void
quit_instance (GDBusConnection *bus,
               GSubprocess     *process,
               gboolean        *exited)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_dbus_connection_call_sync (bus, APPLICATION_ID, "/io/github/meanwhileapp/Meanwhile",
                               "org.gtk.Actions", "Activate",
                               g_variant_new ("(sava{sv})", "quit", NULL, NULL),
                               NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  while (!*exited)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Meanwhile did not quit within a minute of app.quit");
      g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), TRUE);
    }
  g_assert_true (g_subprocess_get_successful (process));
}

/* Freezing mode is a demonstration: switched on, then the app quit and started again
 * with settings that persist (a key file, as a desktop would keep them), it is off. */
static void
test_freezing_mode_off_at_launch (void)
{
  g_autofree char *home = g_dir_make_tmp ("meanwhile-freezing-XXXXXX", NULL);
  g_autofree char *data_home = g_build_filename (home, "data", NULL);
  g_autofree char *config_home = g_build_filename (home, "config", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  gboolean exited = FALSE;

  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  first = spawn_instance (launcher, bus, &exited);
  g_assert_false (get_blocking_mode (bus));
  g_dbus_connection_call_sync (bus, APPLICATION_ID, "/io/github/meanwhileapp/Meanwhile",
                               "org.gtk.Actions", "SetState",
                               g_variant_new ("(sva{sv})", "blocking-mode", g_variant_new_boolean (TRUE), NULL),
                               NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (get_blocking_mode (bus));
  quit_instance (bus, first, &exited);

  second = spawn_instance (launcher, bus, &exited);
  g_assert_false (get_blocking_mode (bus));
  quit_instance (bus, second, &exited);

  mw_test_remove_tree (home);
}

static void
test_second_instance_forwards (void)
{
  const char *executable = g_getenv ("MW_EXECUTABLE");
  g_autoptr(MwTestServer) server = mw_test_server_new ();
  g_autoptr(GBytes) body = mw_test_make_bytes (123456, 9);
  g_autofree char *home = g_dir_make_tmp ("meanwhile-instance-XXXXXX", NULL);
  g_autofree char *url = mw_test_server_url (server, "/handed-over.bin");
  g_autofree char *target = g_build_filename (home, "Downloads", "handed-over.bin", NULL);
  g_autofree char *state = g_build_filename (home, "data", "meanwhile", "downloads.json", NULL);
  g_autofree char *data_home = g_build_filename (home, "data", NULL);
  g_autofree char *config_home = g_build_filename (home, "config", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *saved = NULL;
  gboolean appeared = FALSE, first_exited = FALSE;
  gsize length = 0;
  guint watch;

  g_assert_nonnull (executable);
  mw_test_server_add (server, "/handed-over.bin", body);

  /* A home of its own: the default download folder is $HOME/Downloads. */
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  watch = g_bus_watch_name_on_connection (bus, APPLICATION_ID, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          name_appeared_cb, NULL, &appeared, NULL);

  first = g_subprocess_launcher_spawn (launcher, &error, executable, "--demo", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (first, NULL, exited_cb, &first_exited);
  while (!appeared && !first_exited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (first_exited);

  /* The second one forwards its URL and leaves at once. */
  second = g_subprocess_launcher_spawn (launcher, &error, executable, url, NULL);
  g_assert_no_error (error);
  g_subprocess_wait (second, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (second));

  while (!g_file_test (target, G_FILE_TEST_EXISTS))
    g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), TRUE);
  g_assert_true (g_file_get_contents (target, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  /* A feed: link handed over by the desktop (D-Bus activation's Open) subscribes. */
  {
    static const char rss[] = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Linked</title>"
                              "<item><title>Hello</title><guid>h</guid></item></channel></rss>";
    g_autoptr(GBytes) feed_body = g_bytes_new_static (rss, sizeof rss - 1);
    g_autofree char *feed_url = mw_test_server_url (server, "/linked.xml");
    g_autofree char *feed_link = g_strconcat ("feed:", feed_url, NULL);
    g_autofree char *feeds_json = g_build_filename (home, "data", "meanwhile", "feeds.json", NULL);
    const char *uris[] = { feed_link, NULL };
    MwTestResource *resource = mw_test_server_add (server, "/linked.xml", feed_body);

    resource->content_type = g_strdup ("application/rss+xml");
    g_dbus_connection_call_sync (bus, APPLICATION_ID, "/io/github/meanwhileapp/Meanwhile",
                                 "org.freedesktop.Application", "Open",
                                 g_variant_new ("(^asa{sv})", uris, NULL),
                                 NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_assert_no_error (error);

    /* The list saves itself a moment after it changes. */
    while (TRUE)
      {
        g_autofree char *json = NULL;

        if (g_file_get_contents (feeds_json, &json, NULL, NULL) && strstr (json, feed_url) != NULL)
          break;
        g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), TRUE);
      }
  }

  /* --demo started the demo server, so its action is there and enabled. */
  {
    g_autoptr(GVariant) reply = NULL;
    gboolean enabled = FALSE;

    reply = g_dbus_connection_call_sync (bus, APPLICATION_ID, "/io/github/meanwhileapp/Meanwhile",
                                         "org.gtk.Actions", "Describe", g_variant_new ("(s)", "demo-downloads"),
                                         G_VARIANT_TYPE ("((bgav))"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_assert_no_error (error);
    g_variant_get (reply, "((bg@av))", &enabled, NULL, NULL);
    g_assert_true (enabled);
  }

  /* Quit through the exported action, as a script would; the list is saved on the way out. */
  g_dbus_connection_call_sync (bus, APPLICATION_ID, "/io/github/meanwhileapp/Meanwhile",
                               "org.gtk.Actions", "Activate",
                               g_variant_new ("(sava{sv})", "quit", NULL, NULL),
                               NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  while (!first_exited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_successful (first));

  g_assert_true (g_file_get_contents (state, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, url));
  g_assert_nonnull (strstr (saved, "\"completed\""));

  g_bus_unwatch_name (watch);
  mw_test_remove_tree (home);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/single-instance/second-forwards", test_second_instance_forwards);
  g_test_add_func ("/single-instance/freezing-mode-off-at-launch", test_freezing_mode_off_at_launch);
  return g_test_run ();
}
