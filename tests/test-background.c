/* test-background.c: Meanwhile goes on when its window closes, and keeps the computer awake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real executable on the test's session bus and display, as a person would. The
 * test itself stands in for two desktop services on that bus, recording what Meanwhile
 * asks of them: GNOME's session manager (Inhibit and Uninhibit) and the notification
 * server (org.gtk.Notifications, which GLib prefers when someone owns it). The window is
 * closed with Ctrl+W, typed through xdotool as real input.
 */
#define G_LOG_DOMAIN "test-background"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "mw-test-server.h"
#include "mw-test-utils.h"

#define OBJECT_PATH "/io/github/meanwhileapp/Meanwhile"

static const char services_xml[] =
  "<node>"
  "  <interface name='org.gnome.SessionManager'>"
  "    <method name='Inhibit'>"
  "      <arg type='s' name='app_id' direction='in'/>"
  "      <arg type='u' name='toplevel_xid' direction='in'/>"
  "      <arg type='s' name='reason' direction='in'/>"
  "      <arg type='u' name='flags' direction='in'/>"
  "      <arg type='u' name='cookie' direction='out'/>"
  "    </method>"
  "    <method name='Uninhibit'>"
  "      <arg type='u' name='cookie' direction='in'/>"
  "    </method>"
  "  </interface>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' name='app_id' direction='in'/>"
  "      <arg type='s' name='id' direction='in'/>"
  "      <arg type='a{sv}' name='notification' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' name='app_id' direction='in'/>"
  "      <arg type='s' name='id' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

/* What the stand-in services were asked, in order */
typedef struct
{
  GDBusConnection *bus;
  guint            object_ids[2];
  guint            name_ids[2];
  guint            names_acquired;

  guint            next_cookie;
  GHashTable      *inhibitions;   /* cookie → reason, those held now */
  guint            n_inhibits;
  GPtrArray       *reasons;       /* every Inhibit's reason */
  guint            bad_flags;     /* Inhibits that were not for suspend */
  GHashTable      *notifications; /* id → title, those shown now */
  GPtrArray       *notified;      /* "id: title" of every notification sent */
} Desktop;

static void
desktop_method_cb (GDBusConnection       *connection,
                   const char            *sender,
                   const char            *object_path,
                   const char            *interface_name,
                   const char            *method_name,
                   GVariant              *parameters,
                   GDBusMethodInvocation *invocation,
                   gpointer               user_data)
{
  Desktop *desktop = user_data;

  if (g_str_equal (method_name, "Inhibit"))
    {
      const char *reason = NULL;
      guint flags = 0, cookie = ++desktop->next_cookie;

      g_variant_get (parameters, "(&su&su)", NULL, NULL, &reason, &flags);
      /* 4 is GTK_APPLICATION_INHIBIT_SUSPEND */
      if (flags != 4)
        desktop->bad_flags++;
      desktop->n_inhibits++;
      g_ptr_array_add (desktop->reasons, g_strdup (reason));
      g_hash_table_insert (desktop->inhibitions, GUINT_TO_POINTER (cookie), g_strdup (reason));
      g_test_message ("Inhibit %u: %s", cookie, reason);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", cookie));
    }
  else if (g_str_equal (method_name, "Uninhibit"))
    {
      guint cookie = 0;

      g_variant_get (parameters, "(u)", &cookie);
      g_test_message ("Uninhibit %u", cookie);
      g_assert_true (g_hash_table_remove (desktop->inhibitions, GUINT_TO_POINTER (cookie)));
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "AddNotification"))
    {
      const char *id = NULL;
      g_autoptr(GVariant) notification = NULL;
      const char *title = "";

      g_variant_get (parameters, "(&s&s@a{sv})", NULL, &id, &notification);
      g_variant_lookup (notification, "title", "&s", &title);
      g_test_message ("Notification %s: %s", id, title);
      g_hash_table_insert (desktop->notifications, g_strdup (id), g_strdup (title));
      g_ptr_array_add (desktop->notified, g_strdup_printf ("%s: %s", id, title));
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "RemoveNotification"))
    {
      const char *id = NULL;

      g_variant_get (parameters, "(&s&s)", NULL, &id);
      g_hash_table_remove (desktop->notifications, id);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_assert_not_reached ();
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  ((Desktop *) user_data)->names_acquired++;
}

static gboolean
names_acquired (gpointer user_data)
{
  return ((Desktop *) user_data)->names_acquired == 2;
}

static Desktop *
desktop_new (void)
{
  static const GDBusInterfaceVTable vtable = { desktop_method_cb, NULL, NULL, { NULL } };
  static const char *names[] = { "org.gnome.SessionManager", "org.gtk.Notifications" };
  static const char *paths[] = { "/org/gnome/SessionManager", "/org/gtk/Notifications" };
  Desktop *desktop = g_new0 (Desktop, 1);
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  desktop->inhibitions = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  desktop->reasons = g_ptr_array_new_with_free_func (g_free);
  desktop->notifications = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  desktop->notified = g_ptr_array_new_with_free_func (g_free);
  desktop->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  info = g_dbus_node_info_new_for_xml (services_xml, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      desktop->object_ids[i] = g_dbus_connection_register_object (desktop->bus, paths[i], info->interfaces[i],
                                                                  &vtable, desktop, NULL, &error);
      g_assert_no_error (error);
      desktop->name_ids[i] = g_bus_own_name_on_connection (desktop->bus, names[i], G_BUS_NAME_OWNER_FLAGS_NONE,
                                                           name_acquired_cb, NULL, desktop, NULL);
    }
  mw_test_wait_until (names_acquired, desktop, 10000,
                      "the stand-in session manager and notification server to own their names");
  return desktop;
}

static void
desktop_free (Desktop *desktop)
{
  for (guint i = 0; i < 2; i++)
    {
      g_bus_unown_name (desktop->name_ids[i]);
      g_dbus_connection_unregister_object (desktop->bus, desktop->object_ids[i]);
    }
  g_hash_table_unref (desktop->inhibitions);
  g_ptr_array_unref (desktop->reasons);
  g_hash_table_unref (desktop->notifications);
  g_ptr_array_unref (desktop->notified);
  g_object_unref (desktop->bus);
  g_free (desktop);
}

/* One Meanwhile with a home of its own, and what the test waits for about it */
typedef struct
{
  Desktop             *desktop;
  MwTestServer        *server;
  GBytes              *body;
  MwTestResource      *resource;
  char                *home;
  char                *target;
  GSubprocessLauncher *launcher;
  GSubprocess         *process;
  gboolean             exited;
} Fixture;

static gboolean
flag_is_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

static void
exited_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Should the test fail and abort, its Meanwhile goes too, instead of holding the test's
 * output open until meson gives up on it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *data_home = NULL;
  g_autofree char *config_home = NULL;

  fixture->desktop = desktop_new ();
  fixture->server = mw_test_server_new ();
  fixture->body = mw_test_make_bytes (512 * 1024, 14);
  fixture->resource = mw_test_server_add (fixture->server, "/long.bin", fixture->body);
  /* The transfer stops a quarter of the way until the test lets it finish. */
  fixture->resource->hold_after = 128 * 1024;
  fixture->resource->held = TRUE;

  fixture->home = g_dir_make_tmp ("meanwhile-background-XXXXXX", NULL);
  fixture->target = g_build_filename (fixture->home, "Downloads", "long.bin", NULL);
  data_home = g_build_filename (fixture->home, "data", NULL);
  config_home = g_build_filename (fixture->home, "config", NULL);
  fixture->launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (fixture->launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (fixture->launcher, "HOME", fixture->home, TRUE);
  g_subprocess_launcher_setenv (fixture->launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (fixture->launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  g_subprocess_launcher_setenv (fixture->launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->process != NULL && !fixture->exited)
    {
      g_subprocess_force_exit (fixture->process);
      mw_test_wait_until (flag_is_set, &fixture->exited, 30000, "Meanwhile to be stopped");
    }
  g_clear_object (&fixture->process);
  g_clear_object (&fixture->launcher);
  mw_test_remove_tree (fixture->home);
  g_free (fixture->home);
  g_free (fixture->target);
  g_bytes_unref (fixture->body);
  mw_test_server_free (fixture->server);
  desktop_free (fixture->desktop);
}

static gboolean
holds_inhibition (gpointer user_data)
{
  return g_hash_table_size (((Desktop *) user_data)->inhibitions) > 0;
}

static gboolean
holds_no_inhibition (gpointer user_data)
{
  return g_hash_table_size (((Desktop *) user_data)->inhibitions) == 0;
}

static gboolean
server_holds (gpointer user_data)
{
  Fixture *fixture = user_data;
  gboolean held;

  mw_test_server_lock (fixture->server);
  held = fixture->resource->requests > 0 && fixture->resource->held;
  mw_test_server_unlock (fixture->server);
  return held;
}

/* Starts `meanwhile URL` for the held file, and waits until its transfer runs. */
static void
start_downloading (Fixture *fixture)
{
  g_autofree char *url = mw_test_server_url (fixture->server, "/long.bin");
  g_autoptr(GError) error = NULL;

  fixture->process = g_subprocess_launcher_spawn (fixture->launcher, &error, g_getenv ("MW_EXECUTABLE"),
                                                  url, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (fixture->process, NULL, exited_cb, &fixture->exited);
  mw_test_wait_until (server_holds, fixture, 60000, "Meanwhile to start downloading long.bin");
}

/* Runs xdotool with @args after "search --onlyvisible --pid PID"; returns whether it
 * found a window of Meanwhile's shown. */
static gboolean
xdotool_on_window (Fixture    *fixture,
                   const char *first_arg,
                   ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) xdotool = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_assert_nonnull (g_getenv ("MW_XDOTOOL"));
  /* "." matches any name: xdotool wants a pattern besides the process. */
  g_strv_builder_add_many (builder, g_getenv ("MW_XDOTOOL"), "search", "--onlyvisible", "--pid",
                           g_subprocess_get_identifier (fixture->process), ".", NULL);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_strv_builder_add (builder, arg);
  va_end (args);
  argv = g_strv_builder_end (builder);
  xdotool = g_subprocess_newv ((const char * const *) argv,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_wait (xdotool, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_successful (xdotool);
}

static gboolean
window_shown (gpointer user_data)
{
  return xdotool_on_window (user_data, NULL);
}

static gboolean
window_hidden (gpointer user_data)
{
  return !xdotool_on_window (user_data, NULL);
}

/* Ctrl+W into Meanwhile's window, as a person closing it would type: the window takes
 * the focus, then the keys go to whoever has it (XTEST), as from a keyboard. */
static void
type_ctrl_w (Fixture *fixture)
{
  g_autoptr(GSubprocess) xdotool = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (xdotool_on_window (fixture, "windowfocus", "--sync", NULL));
  xdotool = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, g_getenv ("MW_XDOTOOL"), "key", "ctrl+w", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (xdotool, NULL, &error);
  g_assert_no_error (error);
}

static void
close_window (Fixture *fixture)
{
  mw_test_wait_until (window_shown, fixture, 60000, "Meanwhile's window to be shown");
  type_ctrl_w (fixture);
  mw_test_wait_until (window_hidden, fixture, 30000, "Meanwhile's window to go away after Ctrl+W");
}

typedef struct
{
  Desktop    *desktop;
  const char *id;
  const char *title;
} Shown;

static gboolean
notification_shown (gpointer user_data)
{
  Shown *shown = user_data;

  return g_strcmp0 (g_hash_table_lookup (shown->desktop->notifications, shown->id), shown->title) == 0;
}

static void
wait_for_notification (Fixture    *fixture,
                       const char *id,
                       const char *title)
{
  Shown shown = { fixture->desktop, id, title };
  g_autofree char *what = g_strdup_printf ("the notification \"%s\"", title);

  mw_test_wait_until (notification_shown, &shown, 30000, what);
}

static gboolean
file_exists (gpointer user_data)
{
  return g_file_test (user_data, G_FILE_TEST_EXISTS);
}

static gboolean
background_notice_gone (gpointer user_data)
{
  return !g_hash_table_contains (((Desktop *) user_data)->notifications, "background");
}

static void
assert_file_complete (Fixture *fixture)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (fixture->target, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (fixture->body, NULL), g_bytes_get_size (fixture->body));
}

/* The window closed mid-download hides; the download completes; Meanwhile then quits by
 * itself, after saying so. Meanwhile the computer is kept awake, and then no longer. */
static void
test_close_while_downloading (Fixture       *fixture,
                              gconstpointer  data)
{
  start_downloading (fixture);
  mw_test_wait_until (holds_inhibition, fixture->desktop, 30000,
                      "Meanwhile to ask the session manager not to suspend");
  g_assert_cmpstr (g_ptr_array_index (fixture->desktop->reasons, 0), ==, "Downloading 1 file");
  g_assert_cmpuint (fixture->desktop->bad_flags, ==, 0);

  close_window (fixture);
  wait_for_notification (fixture, "background", "Meanwhile Goes On in the Background");
  g_assert_false (fixture->exited);
  g_assert_false (g_file_test (fixture->target, G_FILE_TEST_EXISTS));

  mw_test_server_release (fixture->server, fixture->resource);
  mw_test_wait_until (flag_is_set, &fixture->exited, 60000,
                      "Meanwhile to quit by itself once its download was done");
  g_assert_true (g_subprocess_get_successful (fixture->process));
  assert_file_complete (fixture);
  g_assert_true (g_ptr_array_find_with_equal_func (fixture->desktop->notified,
                                                   "background-done: Downloads Done", g_str_equal, NULL));
  /* The session manager forgets the inhibitions of a client that left the bus; Meanwhile
   * gave its own back before that. */
  g_assert_cmpuint (g_hash_table_size (fixture->desktop->inhibitions), ==, 0);
}

/* Launching Meanwhile again while it works in the background shows the same window; the
 * download it runs goes on. */
static void
test_launch_again_shows_window (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GError) error = NULL;

  start_downloading (fixture);
  close_window (fixture);
  wait_for_notification (fixture, "background", "Meanwhile Goes On in the Background");

  second = g_subprocess_launcher_spawn (fixture->launcher, &error, g_getenv ("MW_EXECUTABLE"), NULL);
  g_assert_no_error (error);
  g_subprocess_wait (second, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (second));
  mw_test_wait_until (window_shown, fixture, 30000, "the window to come back when Meanwhile was launched again");
  mw_test_wait_until (background_notice_gone, fixture->desktop, 30000,
                      "the notification about working in the background to be withdrawn");

  /* Shown again, the window closes normally once nothing runs any more. */
  mw_test_server_release (fixture->server, fixture->resource);
  mw_test_wait_until (file_exists, fixture->target, 60000, "long.bin to be complete");
  assert_file_complete (fixture);
  mw_test_wait_until (holds_no_inhibition, fixture->desktop, 30000,
                      "Meanwhile to let the computer suspend once its download was done");
  g_assert_false (fixture->exited);
  type_ctrl_w (fixture);
  mw_test_wait_until (flag_is_set, &fixture->exited, 30000,
                      "Meanwhile to quit when its window was closed with nothing running");
  g_assert_true (g_subprocess_get_successful (fixture->process));
}

static gboolean
server_answered (gpointer user_data)
{
  Fixture *fixture = user_data;
  gboolean answered;

  mw_test_server_lock (fixture->server);
  answered = fixture->resource->requests > 0;
  mw_test_server_unlock (fixture->server);
  return answered;
}

/* A download that waits out a server's "come back in a minute" transfers nothing: the
 * computer may suspend meanwhile. */
static void
test_no_inhibition_while_waiting (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *url = mw_test_server_url (fixture->server, "/long.bin");
  guint status = 503;
  g_autoptr(GError) error = NULL;

  fixture->resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (fixture->resource->statuses, status);
  fixture->resource->retry_after = g_strdup ("60");

  fixture->process = g_subprocess_launcher_spawn (fixture->launcher, &error, g_getenv ("MW_EXECUTABLE"),
                                                  url, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (fixture->process, NULL, exited_cb, &fixture->exited);
  mw_test_wait_until (server_answered, fixture, 60000, "Meanwhile to ask for long.bin");
  mw_test_wait_until (holds_no_inhibition, fixture->desktop, 30000,
                      "Meanwhile to let the computer suspend while its download waits");
  mw_test_iterate_for (1000);
  g_assert_cmpuint (g_hash_table_size (fixture->desktop->inhibitions), ==, 0);
  g_assert_false (fixture->exited);
}

/* Returns: how many windows of Meanwhile are shown */
static guint
count_shown_windows (Fixture *fixture)
{
  g_autoptr(GSubprocess) xdotool = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  guint n = 0;

  xdotool = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              g_getenv ("MW_XDOTOOL"), "search", "--onlyvisible", "--pid",
                              g_subprocess_get_identifier (fixture->process), ".", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (xdotool, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  for (const char *c = output; c != NULL && *c != '\0'; c++)
    n += *c == '\n';
  return n;
}

static gboolean
dialog_shown (gpointer user_data)
{
  return count_shown_windows (user_data) == 2;
}

static gboolean
dialog_gone (gpointer user_data)
{
  return count_shown_windows (user_data) == 1;
}

static void
type_keys (const char *keys)
{
  g_autoptr(GSubprocess) xdotool = NULL;
  g_autoptr(GError) error = NULL;

  xdotool = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, g_getenv ("MW_XDOTOOL"), "key", keys, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (xdotool, NULL, &error);
  g_assert_no_error (error);
}

static void
activate_action (const char *name)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (bus, "io.github.meanwhileapp.Meanwhile", OBJECT_PATH,
                                       "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", name, NULL, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* Quit with a download running asks first. Escape keeps Meanwhile; "Quit" stops it, and
 * the download goes on from where it was at the next start. */
static void
test_quit_asks_while_downloading (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  start_downloading (fixture);
  mw_test_wait_until (window_shown, fixture, 60000, "Meanwhile's window to be shown");

  activate_action ("quit");
  mw_test_wait_until (dialog_shown, fixture, 30000, "a dialog asking whether to quit with a download running");
  g_assert_false (fixture->exited);
  type_keys ("Escape");
  mw_test_wait_until (dialog_gone, fixture, 30000, "the dialog to close on Escape");
  mw_test_iterate_for (200);
  g_assert_false (fixture->exited);

  activate_action ("quit");
  mw_test_wait_until (dialog_shown, fixture, 30000, "the dialog to ask again");
  type_keys ("alt+q");
  mw_test_wait_until (flag_is_set, &fixture->exited, 30000, "Meanwhile to quit after \"Quit\" was chosen");
  g_assert_true (g_subprocess_get_successful (fixture->process));
  g_assert_false (g_file_test (fixture->target, G_FILE_TEST_EXISTS));
  g_clear_object (&fixture->process);

  /* Started again, it resumes the download it stopped. */
  mw_test_server_release (fixture->server, fixture->resource);
  fixture->exited = FALSE;
  fixture->process = g_subprocess_launcher_spawn (fixture->launcher, &error, g_getenv ("MW_EXECUTABLE"), NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (fixture->process, NULL, exited_cb, &fixture->exited);
  mw_test_wait_until (file_exists, fixture->target, 60000, "the download to resume and finish after a restart");
  assert_file_complete (fixture);
  mw_test_server_lock (fixture->server);
  g_assert_cmpuint (fixture->resource->requests, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fixture->resource->ranges, 1), "bytes="));
  mw_test_server_unlock (fixture->server);
  activate_action ("quit");
  mw_test_wait_until (flag_is_set, &fixture->exited, 30000, "Meanwhile to quit at once with nothing running");
}

static gboolean
part_holds_sent_bytes (gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *part = g_strconcat (fixture->target, ".part", NULL);
  GStatBuf buf;

  return g_stat (part, &buf) == 0 && buf.st_size == (goffset) fixture->resource->hold_after;
}

/* Pause All stops the transfer, and the computer may suspend again; Resume All takes it
 * up where it stopped. */
static void
test_pause_all_resume_all (Fixture       *fixture,
                           gconstpointer  data)
{
  start_downloading (fixture);
  mw_test_wait_until (holds_inhibition, fixture->desktop, 30000, "Meanwhile to keep the computer awake");
  mw_test_wait_until (part_holds_sent_bytes, fixture, 30000, "long.bin.part to hold what the server sent");

  activate_action ("pause-all");
  mw_test_wait_until (holds_no_inhibition, fixture->desktop, 30000,
                      "Meanwhile to let the computer suspend once everything was paused");
  mw_test_server_release (fixture->server, fixture->resource);
  mw_test_iterate_for (300);
  g_assert_false (g_file_test (fixture->target, G_FILE_TEST_EXISTS));

  activate_action ("resume-all");
  mw_test_wait_until (file_exists, fixture->target, 60000, "the download to finish after Resume All");
  assert_file_complete (fixture);
  mw_test_server_lock (fixture->server);
  g_assert_cmpuint (fixture->resource->requests, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fixture->resource->ranges, 1), "bytes="));
  mw_test_server_unlock (fixture->server);
  g_assert_cmpuint (fixture->desktop->n_inhibits, ==, 2);
}

/* The main thread's voluntary context switches: each is a sleep in poll() that something
 * woke up. */
static guint64
count_wakeups (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (process));
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "\nvoluntary_ctxt_switches:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nvoluntary_ctxt_switches:"), NULL, 10);
}

/* A Meanwhile left open with nothing to do schedules nothing more often than about once
 * a second: neither the monitor's probe (a hundred a second) nor the heartbeat's frames
 * (sixty) run. Counted over ten seconds once the start-up and the instruments' rest
 * delay are over; wakeups come from events, so a busy machine does not add to them. */
static void
test_idle_wakes_rarely (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 before, after;

  fixture->process = g_subprocess_launcher_spawn (fixture->launcher, &error, g_getenv ("MW_EXECUTABLE"), NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (fixture->process, NULL, exited_cb, &fixture->exited);
  mw_test_wait_until (window_shown, fixture, 60000, "Meanwhile's window to be shown");
  mw_test_iterate_for (8000);

  before = count_wakeups (fixture->process);
  mw_test_iterate_for (10000);
  after = count_wakeups (fixture->process);
  g_test_message ("%" G_GUINT64_FORMAT " wakeups of the main thread in 10 s", after - before);
  g_assert_false (fixture->exited);
  g_assert_cmpuint (after - before, <=, 30);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* The test keeps a connection to the display: Xvfb resets itself when its last client
   * leaves, and a Meanwhile started during the reset could not open it. */
  gtk_init ();

  g_test_add ("/background/close-while-downloading", Fixture, NULL,
              fixture_set_up, test_close_while_downloading, fixture_tear_down);
  g_test_add ("/background/launch-again-shows-window", Fixture, NULL,
              fixture_set_up, test_launch_again_shows_window, fixture_tear_down);
  g_test_add ("/background/no-inhibition-while-waiting", Fixture, NULL,
              fixture_set_up, test_no_inhibition_while_waiting, fixture_tear_down);
  g_test_add ("/background/quit-asks-while-downloading", Fixture, NULL,
              fixture_set_up, test_quit_asks_while_downloading, fixture_tear_down);
  g_test_add ("/background/pause-all-resume-all", Fixture, NULL,
              fixture_set_up, test_pause_all_resume_all, fixture_tear_down);
  g_test_add ("/background/idle-wakes-rarely", Fixture, NULL,
              fixture_set_up, test_idle_wakes_rarely, fixture_tear_down);
  return g_test_run ();
}
