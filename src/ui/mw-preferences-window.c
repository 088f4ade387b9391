/* mw-preferences-window.c: Preferences: the download folder, downloads at once,
 * notifications and how often feeds are refreshed; on the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-preferences-window.h"

struct _MwPreferencesWindow
{
#if MW_COMPAT_ADW_1_5
  AdwPreferencesDialog  parent_instance;
#else
  AdwPreferencesWindow  parent_instance;
#endif

  GSettings            *settings;
  GCancellable         *cancellable;

  AdwActionRow         *folder_row;
  GtkSpinButton        *concurrent_spin;
  GtkSwitch            *notify_switch;
  AdwComboRow          *refresh_row;

  GtkStringList        *refresh_labels;
  GArray               *refresh_minutes;  /* guint, one for each of refresh_labels */
  gboolean              showing_setting;  /* the row follows the setting: no write back */
};

/* How often feeds may be refreshed, in minutes: the choices of the Refresh Feeds row. */
static const guint refresh_choices[] = { 15, 30, 60, 3 * 60, 6 * 60, 24 * 60 };

#if MW_COMPAT_ADW_1_5
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
G_DEFINE_FINAL_TYPE (MwPreferencesWindow, mw_preferences_window, ADW_TYPE_PREFERENCES_DIALOG)
G_GNUC_END_IGNORE_DEPRECATIONS
#else
G_DEFINE_FINAL_TYPE (MwPreferencesWindow, mw_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)
#endif

static GFile *
current_folder (MwPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "download-folder");
  const char *xdg = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);

  if (*path != '\0')
    return g_file_new_for_path (path);
  if (xdg != NULL)
    return g_file_new_for_path (xdg);
  return g_file_new_build_filename (g_get_home_dir (), "Downloads", NULL);
}

static void
update_folder_row (MwPreferencesWindow *self)
{
  g_autoptr(GFile) folder = current_folder (self);
  g_autofree char *name = g_file_get_parse_name (folder);

  adw_action_row_set_subtitle (self->folder_row, name);
}

static void
folder_chosen_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = mw_choose_folder_finish (result, &error);
  MwPreferencesWindow *self;
  g_autofree char *path = NULL;

  if (folder == NULL)
    return;

  self = MW_PREFERENCES_WINDOW (user_data);
  path = g_file_get_path (folder);
  if (path == NULL)
    {
      mw_preferences_add_toast (GTK_WIDGET (self),
                                mw_toast_new_literal (_("Downloads can only be saved to a local folder.")));
      return;
    }
  g_settings_set_string (self->settings, "download-folder", path);
}

static void
choose_folder_cb (MwPreferencesWindow *self)
{
  g_autoptr(GFile) folder = current_folder (self);
  /* The preferences themselves, or the window a dialog is shown in. */
  GtkWindow *parent = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));

  mw_choose_folder_async (parent, _("Download Folder"), folder, self->cancellable,
                          folder_chosen_cb, self);
}

/* --- Refresh Feeds ------------------------------------------------------------------ */

static char *
format_refresh_interval (guint minutes)
{
  if (minutes == 24 * 60)
    return g_strdup (_("Once a day"));
  if (minutes == 60)
    return g_strdup (_("Every hour"));
  if (minutes % 60 == 0)
    /* Translators: how often feeds are refreshed, "Every 3 hours" */
    return g_strdup_printf (ngettext ("Every %u hour", "Every %u hours", minutes / 60), minutes / 60);
  /* Translators: how often feeds are refreshed, "Every 15 minutes" */
  return g_strdup_printf (ngettext ("Every %u minute", "Every %u minutes", minutes), minutes);
}

/* The choice for @minutes, added in its place among the others if it is none of them (a
 * value set with gsettings is shown as it is, not changed by opening Preferences).
 * Returns: its position */
static guint
refresh_choice (MwPreferencesWindow *self,
                guint                minutes)
{
  g_autofree char *label = NULL;
  guint position;

  for (position = 0; position < self->refresh_minutes->len; position++)
    {
      guint choice = g_array_index (self->refresh_minutes, guint, position);

      if (choice == minutes)
        return position;
      if (choice > minutes)
        break;
    }
  label = format_refresh_interval (minutes);
  g_array_insert_val (self->refresh_minutes, position, minutes);
  gtk_string_list_splice (self->refresh_labels, position, 0, (const char * const[]) { label, NULL });
  return position;
}

static void
show_refresh_setting (MwPreferencesWindow *self)
{
  self->showing_setting = TRUE;
  adw_combo_row_set_selected (self->refresh_row,
                              refresh_choice (self, (guint) g_settings_get_int (self->settings, "refresh-interval")));
  self->showing_setting = FALSE;
}

static void
refresh_selected_cb (MwPreferencesWindow *self)
{
  guint position = adw_combo_row_get_selected (self->refresh_row);

  if (self->showing_setting || position >= self->refresh_minutes->len)
    return;
  g_settings_set_int (self->settings, "refresh-interval",
                      (int) g_array_index (self->refresh_minutes, guint, position));
}

static void
setup_refresh_row (MwPreferencesWindow *self)
{
  self->refresh_labels = gtk_string_list_new (NULL);
  self->refresh_minutes = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < G_N_ELEMENTS (refresh_choices); i++)
    refresh_choice (self, refresh_choices[i]);
  adw_combo_row_set_model (self->refresh_row, G_LIST_MODEL (self->refresh_labels));

  show_refresh_setting (self);
  g_signal_connect_object (self->refresh_row, "notify::selected", G_CALLBACK (refresh_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::refresh-interval", G_CALLBACK (show_refresh_setting), self,
                           G_CONNECT_SWAPPED);
}

static void
mw_preferences_window_dispose (GObject *object)
{
  MwPreferencesWindow *self = MW_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->refresh_labels);
  g_clear_pointer (&self->refresh_minutes, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MW_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (mw_preferences_window_parent_class)->dispose (object);
}

static void
mw_preferences_window_class_init (MwPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/mw-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MwPreferencesWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, MwPreferencesWindow, concurrent_spin);
  gtk_widget_class_bind_template_child (widget_class, MwPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, MwPreferencesWindow, refresh_row);
  gtk_widget_class_bind_template_callback (widget_class, choose_folder_cb);
}

static void
mw_preferences_window_init (MwPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/* Preferences to show with mw_present_dialog(), which takes them. */
MwPreferencesWindow *
mw_preferences_window_new (GSettings *settings)
{
  MwPreferencesWindow *self = g_object_new (MW_TYPE_PREFERENCES_WINDOW, NULL);

  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "max-concurrent-downloads", self->concurrent_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notify-on-completion", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (settings, "changed::download-folder", G_CALLBACK (update_folder_row), self,
                           G_CONNECT_SWAPPED);
  update_folder_row (self);
  setup_refresh_row (self);
  return self;
}
