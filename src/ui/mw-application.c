/* mw-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-application"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-application.h"
#include "mw-window.h"

struct _MwApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  MwDownloadList *downloads;
  MwMonitor      *monitor;
};

G_DEFINE_FINAL_TYPE (MwApplication, mw_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
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
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
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

static GtkWindow *
ensure_window (MwApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (mw_window_new (self));
  return window;
}

static void
mw_application_activate (GApplication *app)
{
  gtk_window_present (ensure_window (MW_APPLICATION (app)));
}

static gint
mw_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", "meanwhile", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static int
mw_application_command_line (GApplication            *app,
                             GApplicationCommandLine *command_line)
{
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree const char **urls = NULL;

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &urls);

  g_application_activate (app);
  for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
    g_action_group_activate_action (G_ACTION_GROUP (app), "download", g_variant_new_string (urls[i]));

  return 0;
}

static void
download_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  MwApplication *self = user_data;
  g_autoptr(GError) error = NULL;
  const char *url = g_variant_get_string (parameter, NULL);

  if (mw_download_list_add (self->downloads, url, NULL, &error) == NULL)
    {
      MwWindow *window = MW_WINDOW (ensure_window (self));
      mw_window_show_message (window, error->message);
    }
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  MwApplication *self = user_data;
  const char *developers[] = { _("The Meanwhile developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", "Meanwhile" NAME_SUFFIX,
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "comments", _("Download files and read news feeds while the window stays responsive"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "download", download_action, "s" },
  { "quit", quit_action },
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

static GVariant *
folder_to_setting (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  GFile *file = g_value_get_object (value);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  return g_variant_new_string (path ? path : "");
}

static void
load_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!mw_download_list_load_finish (MW_DOWNLOAD_LIST (source_object), result, &error))
    g_warning ("%s", error->message);
}

static void
mw_application_startup (GApplication *app)
{
  MwApplication *self = MW_APPLICATION (app);
  g_autoptr(GFile) state_file = NULL;
  g_autoptr(GAction) blocking = NULL;
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (mw_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  self->settings = g_settings_new (BASE_APPLICATION_ID);

  state_file = g_file_new_build_filename (g_get_user_data_dir (), "meanwhile", "downloads.json", NULL);
  self->downloads = mw_download_list_new (state_file);
  g_settings_bind (self->settings, "max-concurrent-downloads", self->downloads, "max-concurrent",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "blocking-mode", self->downloads, "blocking-mode",
                   G_SETTINGS_BIND_GET);
  g_settings_bind_with_mapping (self->settings, "download-folder", self->downloads, "download-folder",
                                G_SETTINGS_BIND_GET, folder_from_setting, folder_to_setting, NULL, NULL);

  /* The switch, the setting and the engine are one state, through this action. */
  blocking = g_settings_create_action (self->settings, "blocking-mode");
  g_action_map_add_action (G_ACTION_MAP (self), blocking);

  self->monitor = mw_monitor_new (10);
  mw_monitor_start (self->monitor);

  mw_download_list_load_async (self->downloads, NULL, load_cb, NULL);
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
mw_application_shutdown (GApplication *app)
{
  MwApplication *self = MW_APPLICATION (app);
  gboolean done = FALSE;

  /* The window is gone; waiting here for the last save costs nobody a frame. */
  mw_download_list_save_async (self->downloads, NULL, save_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  mw_monitor_stop (self->monitor);

  G_APPLICATION_CLASS (mw_application_parent_class)->shutdown (app);
}

static void
mw_application_dispose (GObject *object)
{
  MwApplication *self = MW_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->downloads);
  g_clear_object (&self->monitor);

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
