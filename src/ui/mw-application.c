/* mw-application.c: the application: its command line, actions, state files and window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-application"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-application-private.h"
#include "mw-compat.h"
#include "mw-demo-feeds.h"
#include "mw-demo-server.h"
#include "mw-preferences-window.h"
#include "mw-startup-report.h"
#include "mw-window.h"

/* How long the instruments go on measuring after the freezing switch flips. */
#define SWITCH_WAKE_MS 5000


G_DEFINE_FINAL_TYPE (MwApplication, mw_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start the built-in demo server and offer its sample downloads and feeds"), NULL },
  { "subscribe", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Subscribe to a feed, or to a web page that links to one"), N_("URL") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, N_("[URL…]") },
  { NULL }
};

MwApplication *
mw_application_new (void)
{
  return g_object_new (MW_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "resource-base-path", RESOURCE_PATH,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

MwDownloadList *
mw_application_get_downloads (MwApplication *self)
{
  g_return_val_if_fail (MW_IS_APPLICATION (self), NULL);
  return self->downloads;
}

MwMonitor *
mw_application_get_monitor (MwApplication *self)
{
  g_return_val_if_fail (MW_IS_APPLICATION (self), NULL);
  return self->monitor;
}

GSettings *
mw_application_get_settings (MwApplication *self)
{
  g_return_val_if_fail (MW_IS_APPLICATION (self), NULL);
  return self->settings;
}

MwFeedList *
mw_application_get_feeds (MwApplication *self)
{
  g_return_val_if_fail (MW_IS_APPLICATION (self), NULL);
  return self->feeds;
}

/* Returns: (nullable): the demo server's sample files, or NULL without --demo */
const char * const *
mw_application_get_demo_urls (MwApplication *self)
{
  g_return_val_if_fail (MW_IS_APPLICATION (self), NULL);
  return (const char * const *) self->demo_urls;
}

/* The main window, most recently used first; dialogs such as Preferences do not count. */
static MwWindow *
ensure_window (MwApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (MW_IS_WINDOW (l->data))
      return l->data;
  return mw_window_new (self);
}

static void start_loading (MwApplication *self);

static void
first_frame_cb (GdkFrameClock *clock,
                MwApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, self);
  start_loading (self);
}

static void
mw_application_activate (GApplication *app)
{
  MwApplication *self = MW_APPLICATION (app);
  GtkWindow *window = GTK_WINDOW (ensure_window (self));
  GdkFrameClock *clock;

  mw_startup_report_watch (self, window);
  gtk_window_present (window);
  /* Launched again, or its notification clicked: the window is back as it was. */
  _mw_application_leave_background (self);

  /* The window first: the state files are read once it has painted its first frame. */
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  if (self->loading)
    return;
  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (first_frame_cb), self, 0);
  else
    start_loading (self);
}

static gint
mw_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("meanwhile %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

/* Starts the demo server unless it runs already; says why when it cannot.
 * Returns: whether it runs */
static gboolean
start_demo (MwApplication *self)
{
  g_autoptr(GError) error = NULL;
  GAction *action;

  if (self->demo_server != NULL)
    return TRUE;

  self->demo_server = mw_demo_server_new ();
  if (!mw_demo_server_start (self->demo_server, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The demo server could not start: %s"), error->message);
      g_clear_object (&self->demo_server);
      mw_window_show_message (ensure_window (self), text);
      return FALSE;
    }

  self->demo_urls = mw_demo_server_dup_download_urls (self->demo_server);
  self->demo_feed_urls = mw_demo_feeds_install (self->demo_server);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "demo-downloads");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), TRUE);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "demo-feeds");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), TRUE);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (MW_IS_WINDOW (l->data))
      mw_window_set_demo_available (l->data, TRUE);
  return TRUE;
}

static int
mw_application_command_line (GApplication            *app,
                             GApplicationCommandLine *command_line)
{
  MwApplication *self = MW_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree const char **urls = NULL;
  g_autofree const char **feeds = NULL;

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &urls);
  g_variant_dict_lookup (options, "subscribe", "^a&s", &feeds);

  g_application_activate (app);
  if (g_variant_dict_contains (options, "demo"))
    start_demo (self);

  /* feed: links from a launcher (%U) subscribe, like the ones handed over by D-Bus. */
  for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
    g_action_group_activate_action (G_ACTION_GROUP (app),
                                    g_ascii_strncasecmp (urls[i], "feed:", 5) == 0 ? "subscribe" : "download",
                                    g_variant_new_string (urls[i]));
  for (guint i = 0; feeds != NULL && feeds[i] != NULL; i++)
    g_action_group_activate_action (G_ACTION_GROUP (app), "subscribe", g_variant_new_string (feeds[i]));

  return 0;
}

/* What the desktop hands over (D-Bus activation, the feed: links the desktop file
 * claims): feed: addresses are subscribed to, web addresses downloaded. */
static void
mw_application_open (GApplication  *app,
                     GFile        **files,
                     gint           n_files,
                     const char    *hint)
{
  g_application_activate (app);
  for (gint i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      if (g_ascii_strncasecmp (uri, "feed:", 5) == 0)
        g_action_group_activate_action (G_ACTION_GROUP (app), "subscribe", g_variant_new_string (uri));
      else if (g_ascii_strncasecmp (uri, "http://", 7) == 0 || g_ascii_strncasecmp (uri, "https://", 8) == 0)
        g_action_group_activate_action (G_ACTION_GROUP (app), "download", g_variant_new_string (uri));
    }
}

static void
download_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  MwApplication *self = user_data;
  g_autoptr(GError) error = NULL;
  MwWindow *window = ensure_window (self);

  if (!mw_window_add_url (window, g_variant_get_string (parameter, NULL), &error))
    mw_window_show_message (window, error->message);
}

static void
demo_downloads_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  MwApplication *self = user_data;

  for (guint i = 0; self->demo_urls != NULL && self->demo_urls[i] != NULL; i++)
    mw_download_list_add (self->downloads, self->demo_urls[i], NULL, NULL);
}

/* The experiment downloads the demo's sample files: it needs no --demo. */
static void
try_it_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  MwApplication *self = user_data;
  MwWindow *window = ensure_window (self);

  gtk_window_present (GTK_WINDOW (window));
  if (start_demo (self))
    mw_window_open_experiment (window);
}

static void
subscribe_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  MwApplication *self = user_data;
  MwWindow *window = ensure_window (self);

  gtk_window_present (GTK_WINDOW (window));
  mw_window_subscribe (window, g_variant_get_string (parameter, NULL));
}

static void
demo_subscribed_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MwFeed) feed = mw_feed_list_subscribe_finish (MW_FEED_LIST (source_object), result, NULL, NULL);
}

static void
demo_feeds_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  MwApplication *self = user_data;

  for (guint i = 0; self->demo_feed_urls != NULL && self->demo_feed_urls[i] != NULL; i++)
    mw_feed_list_subscribe_async (self->feeds, self->demo_feed_urls[i], NULL, demo_subscribed_cb, NULL);
  mw_window_show_page (ensure_window (self), "feeds");
}

static void
imported_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MwApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  guint added = mw_feed_list_import_opml_finish (MW_FEED_LIST (source_object), result, &error);
  g_autofree char *text = NULL;

  if (error != NULL)
    text = g_strdup_printf (_("Could not import the subscriptions: %s"), error->message);
  else
    text = g_strdup_printf (ngettext ("Subscribed to %u feed", "Subscribed to %u feeds", added), added);
  mw_window_show_message (ensure_window (self), text);
}

static void
import_chosen_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MwApplication) self = user_data;
  g_autoptr(GFile) file = mw_choose_file_finish (result, NULL);

  if (file != NULL)
    mw_feed_list_import_opml_async (self->feeds, file, NULL, imported_cb, g_object_ref (self));
}

static void
import_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer      user_data)
{
  MwApplication *self = user_data;

  mw_choose_file_async (GTK_WINDOW (ensure_window (self)), _("Import Subscriptions"), FALSE, NULL, NULL,
                        import_chosen_cb, g_object_ref (self));
}

static void
exported_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MwApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mw_feed_list_export_opml_finish (MW_FEED_LIST (source_object), result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not export the subscriptions: %s"), error->message);
      mw_window_show_message (ensure_window (self), text);
    }
}

static void
export_chosen_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MwApplication) self = user_data;
  g_autoptr(GFile) file = mw_choose_file_finish (result, NULL);

  if (file != NULL)
    mw_feed_list_export_opml_async (self->feeds, file, NULL, exported_cb, g_object_ref (self));
}

static void
export_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer      user_data)
{
  MwApplication *self = user_data;

  mw_choose_file_async (GTK_WINDOW (ensure_window (self)), _("Export Subscriptions"), TRUE,
                        "subscriptions.opml", NULL, export_chosen_cb, g_object_ref (self));
}

static void
open_file_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  MwApplication *self = user_data;
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  mw_launch_file (gtk_application_get_active_window (GTK_APPLICATION (self)), file);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  MwApplication *self = user_data;

  mw_present_dialog (GTK_WIDGET (mw_preferences_window_new (self->settings)),
                     GTK_WINDOW (ensure_window (self)));
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  MwApplication *self = user_data;

  gtk_widget_activate_action (GTK_WIDGET (ensure_window (self)), "win.show-help-overlay", NULL);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  MwApplication *self = user_data;
  const char *developers[] = { _("The Meanwhile developers"), NULL };

  mw_show_about (gtk_application_get_active_window (GTK_APPLICATION (self)),
                 "application-name", "Meanwhile" NAME_SUFFIX,
                 "application-icon", APPLICATION_ID,
                 "version", PACKAGE_VERSION,
                 "developers", developers,
                 "license-type", GTK_LICENSE_GPL_3_0,
                 "comments", _("Download files and read news feeds while the window stays responsive. "
                               "Flip the freezing switch to see what blocking calls do to a window."),
                 NULL);
}

/* Freezing mode is a demonstration, not a preference: the action holds it, no setting
 * does, so every launch starts responsive and a restored queue never runs blocking
 * before the switch can be reached. */
static void
blocking_mode_change_state (GSimpleAction *action,
                            GVariant      *state,
                            gpointer       user_data)
{
  MwApplication *self = MW_APPLICATION (user_data);
  gboolean blocking = g_variant_get_boolean (state);

  g_simple_action_set_state (action, state);
  /* "Worst" starts again, so that the two modes can be compared; and whoever flipped
   * the switch is watching the meter now. */
  mw_monitor_reset (self->monitor);
  mw_monitor_wake (self->monitor, SWITCH_WAKE_MS);
  mw_download_list_set_blocking_mode (self->downloads, blocking);
  mw_feed_list_set_blocking_mode (self->feeds, blocking);
}

static const GActionEntry app_actions[] = {
  { "pause-all", _mw_application_pause_all_action },
  { "resume-all", _mw_application_resume_all_action },
  { "download", download_action, "s" },
  { "blocking-mode", NULL, NULL, "false", blocking_mode_change_state },
  { "demo-downloads", demo_downloads_action },
  { "try-it", try_it_action },
  { "subscribe", subscribe_action, "s" },
  { "demo-feeds", demo_feeds_action },
  { "import-subscriptions", import_action },
  { "export-subscriptions", export_action },
  { "open-file", open_file_action, "s" },
  { "preferences", preferences_action },
  { "shortcuts", shortcuts_action },
  { "quit", _mw_application_quit_action },
  { "about", about_action },
};

static gboolean
folder_from_setting (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  const char *path = g_variant_get_string (variant, NULL);

  g_value_take_object (value, *path ? g_file_new_for_path (path) : NULL);
  return TRUE;
}

static void
download_finished_cb (MwDownloadList *list,
                      MwDownload     *download,
                      MwApplication  *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *path = NULL;

  if (mw_download_get_state (download) != MW_DOWNLOAD_COMPLETED ||
      mw_download_get_file (download) == NULL ||
      !g_settings_get_boolean (self->settings, "notify-on-completion"))
    return;

  /* Someone looking at the window sees the row finish; a notification is for the others. */
  if (window != NULL && gtk_window_is_active (window))
    return;

  path = g_file_get_path (mw_download_get_file (download));
  notification = g_notification_new (_("Download Finished"));
  g_notification_set_body (notification, mw_download_get_filename (download));
  g_notification_set_default_action_and_target (notification, "app.open-file", "s", path);
  g_notification_add_button_with_target (notification, _("Open"), "app.open-file", "s", path);
  g_application_send_notification (G_APPLICATION (self), "download-finished", notification);
}

static void
load_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  MwApplication *self = user_data;
  MwDownloadList *list = MW_DOWNLOAD_LIST (source_object);
  g_autoptr(GError) error = NULL;
  const char *problem;

  mw_download_list_load_finish (list, result, &error);
  problem = mw_download_list_get_load_error (list);
  if (problem != NULL)
    mw_window_show_message (ensure_window (self), problem);
  g_application_release (G_APPLICATION (self));
}

static void
refresh_interval_changed_cb (MwApplication *self)
{
  mw_feed_list_set_refresh_interval (self->feeds, (guint) MAX (0, g_settings_get_int (self->settings, "refresh-interval")));
}

static void
feeds_loaded_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  MwApplication *self = user_data;
  MwFeedList *feeds = MW_FEED_LIST (source_object);
  g_autoptr(GError) error = NULL;

  mw_feed_list_load_finish (feeds, result, &error);
  if (mw_feed_list_get_load_error (feeds) != NULL)
    mw_window_show_message (ensure_window (self), mw_feed_list_get_load_error (feeds));
  g_application_release (G_APPLICATION (self));
}

static void
start_loading (MwApplication *self)
{
  if (self->loading)
    return;
  self->loading = TRUE;
  g_clear_handle_id (&self->load_timeout, g_source_remove);
  mw_download_list_load_async (self->downloads, NULL, load_cb, self);
  mw_feed_list_load_async (self->feeds, NULL, feeds_loaded_cb, self);
}

static gboolean
load_timeout_cb (gpointer user_data)
{
  MwApplication *self = user_data;

  self->load_timeout = 0;
  start_loading (self);
  return G_SOURCE_REMOVE;
}

static void
mw_application_startup (GApplication *app)
{
  MwApplication *self = MW_APPLICATION (app);
  g_autoptr(GFile) state_file = NULL;
  static const struct {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.pause-all", { "<Shift><Control>p", NULL } },
    { "app.resume-all", { "<Shift><Control>r", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  G_APPLICATION_CLASS (mw_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "demo-downloads")),
                               FALSE);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "demo-feeds")),
                               FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  self->settings = g_settings_new (BASE_APPLICATION_ID);

  state_file = g_file_new_build_filename (g_get_user_data_dir (), "meanwhile", "downloads.json", NULL);
  self->downloads = mw_download_list_new (state_file);
  g_settings_bind (self->settings, "max-concurrent-downloads", self->downloads, "max-concurrent",
                   G_SETTINGS_BIND_GET);
  g_settings_bind_with_mapping (self->settings, "download-folder", self->downloads, "download-folder",
                                G_SETTINGS_BIND_GET, folder_from_setting, NULL, NULL, NULL);
  g_signal_connect_object (self->downloads, "download-finished", G_CALLBACK (download_finished_cb), self, 0);

  /* The window starts it once its first frame is on screen. It measures while work is
   * in flight, or someone watches, and rests between. */
  self->monitor = mw_monitor_new (10);
  mw_monitor_set_rest_when_idle (self->monitor, TRUE);
  if (g_application_get_dbus_connection (app) != NULL)
    self->inhibitor = mw_suspend_inhibitor_new (g_application_get_dbus_connection (app), BASE_APPLICATION_ID);
  g_signal_connect_object (self->downloads, "notify::n-active", G_CALLBACK (_mw_application_downloads_active_cb), self,
                           G_CONNECT_SWAPPED);

  g_clear_object (&state_file);
  state_file = g_file_new_build_filename (g_get_user_data_dir (), "meanwhile", "feeds.json", NULL);
  self->feeds = mw_feed_list_new (state_file);
  g_signal_connect_object (self->feeds, "event", G_CALLBACK (_mw_application_feed_event_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::refresh-interval", G_CALLBACK (refresh_interval_changed_cb),
                           self, G_CONNECT_SWAPPED);
  refresh_interval_changed_cb (self);

  /* The window opens at once, and its first frame is not held up by the state files:
   * they are read after it (or in a second, when nothing shows a window), and the lists
   * fill in a batch at a time. Until both are in, the application stays. */
  g_application_hold (app);
  g_application_hold (app);
  self->load_timeout = g_timeout_add_seconds (1, load_timeout_cb, self);
}

static void
save_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  if (!mw_download_list_save_finish (MW_DOWNLOAD_LIST (source_object), result, &error))
    g_warning ("Could not save the list of downloads: %s", error->message);
  *done = TRUE;
}

static void
feeds_saved_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  if (!mw_feed_list_save_finish (MW_FEED_LIST (source_object), result, &error))
    g_warning ("Could not save the list of feeds: %s", error->message);
  *done = TRUE;
}

static void
mw_application_shutdown (GApplication *app)
{
  MwApplication *self = MW_APPLICATION (app);
  gboolean done = FALSE;

  /* The main loop turns below only to finish what is under way: nothing new may start
   * there, least of all a transfer in freezing mode, blocking a process whose window is
   * gone. Running transfers stop and are queued again, to resume at the next start. */
  mw_download_list_shutdown (self->downloads);
  g_clear_handle_id (&self->load_timeout, g_source_remove);
  g_signal_handlers_disconnect_by_func (self->settings, refresh_interval_changed_cb, self);
  mw_feed_list_set_refresh_interval (self->feeds, 0);

  /* A removal that could still be undone is final once Meanwhile quits. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (MW_IS_WINDOW (l->data))
      mw_window_finish_removals (l->data);

  /* The window is gone; waiting here for the last saves, and for the partial files of
   * cancelled downloads to be deleted, costs nobody a frame. */
  mw_download_list_save_async (self->downloads, NULL, save_done_cb, &done);
  while (!done || mw_download_get_n_part_deletions () > 0)
    g_main_context_iteration (NULL, TRUE);
  done = FALSE;
  mw_feed_list_save_async (self->feeds, NULL, feeds_saved_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  mw_monitor_stop (self->monitor);
  if (self->demo_server != NULL)
    mw_demo_server_stop (self->demo_server);

  G_APPLICATION_CLASS (mw_application_parent_class)->shutdown (app);
}

static void
mw_application_dispose (GObject *object)
{
  MwApplication *self = MW_APPLICATION (object);

  g_clear_handle_id (&self->load_timeout, g_source_remove);
  g_clear_handle_id (&self->background_end_id, g_source_remove);
  g_clear_object (&self->settings);
  g_clear_object (&self->downloads);
  g_clear_object (&self->feeds);
  g_clear_object (&self->monitor);
  g_clear_object (&self->inhibitor);
  g_clear_object (&self->demo_server);
  g_clear_pointer (&self->demo_urls, g_strfreev);
  g_clear_pointer (&self->demo_feed_urls, g_strfreev);

  G_OBJECT_CLASS (mw_application_parent_class)->dispose (object);
}

static void
mw_application_class_init (MwApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = mw_application_dispose;
  app_class->activate = mw_application_activate;
  app_class->startup = mw_application_startup;
  app_class->shutdown = mw_application_shutdown;
  app_class->command_line = mw_application_command_line;
  app_class->open = mw_application_open;
  app_class->handle_local_options = mw_application_handle_local_options;
}

static void
mw_application_init (MwApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[URL…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Download files and read news feeds without freezing."));
}
