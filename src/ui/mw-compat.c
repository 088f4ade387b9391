/* mw-compat.c: where a newer GTK has a better API, the one place that chooses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.10 brought GtkFileLauncher, GtkUriLauncher and GtkFileDialog, which talk to the
 * portals properly, and gtk_widget_get_color; libadwaita 1.5 brought AdwDialog, whose
 * about and preferences dialogs sit inside the window instead of beside it. Debian 12 has
 * GTK 4.8 and libadwaita 1.2. Each function here uses the newer API when built against it
 * and the older one otherwise. The newer calls are outside the pinned API level, hence
 * the silenced availability warnings around them. A toast's title is escaped here
 * rather than set as plain text, which only libadwaita 1.4 can do. Two choices depend on
 * what GTK does for screen readers: a text tag's colour (a crash before GTK 4.18, so
 * decided by the GTK that runs) and announcements (GTK 4.14). GTK 4.12 lets Tab leave a
 * list view after one row; before, it is done here by hand.
 */
#define G_LOG_DOMAIN "mw-compat"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-compat.h"

#if MW_COMPAT_GTK_4_10
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
file_launched_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gtk_file_launcher_launch_finish (GTK_FILE_LAUNCHER (source_object), result, &error))
    g_debug ("Could not open the file: %s", error->message);
}

static void
folder_shown_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gtk_file_launcher_open_containing_folder_finish (GTK_FILE_LAUNCHER (source_object), result, &error))
    g_debug ("Could not show the folder: %s", error->message);
}

static void
uri_launched_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gtk_uri_launcher_launch_finish (GTK_URI_LAUNCHER (source_object), result, &error))
    g_debug ("Could not open the link: %s", error->message);
}
G_GNUC_END_IGNORE_DEPRECATIONS
#endif

void
mw_launch_file (GtkWindow *parent,
                GFile     *file)
{
#if MW_COMPAT_GTK_4_10
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (file);
  gtk_file_launcher_launch (launcher, parent, NULL, file_launched_cb, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  g_autofree char *uri = g_file_get_uri (file);
  gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
#endif
}

/* Only ever called with http(s) links the user clicked. */
void
mw_launch_uri (GtkWindow  *parent,
               const char *uri)
{
#if MW_COMPAT_GTK_4_10
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (uri);
  gtk_uri_launcher_launch (launcher, parent, NULL, uri_launched_cb, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
#endif
}

#if !MW_COMPAT_GTK_4_10
static void
show_items_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = user_data;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source_object), result, &error);
  if (reply == NULL)
    {
      /* No file manager on the bus: open the folder itself instead. */
      g_autoptr(GFile) folder = g_file_get_parent (file);
      g_autofree char *uri = g_file_get_uri (folder);
      g_debug ("ShowItems failed (%s); opening the folder", error->message);
      g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
    }
}
#endif

void
mw_show_in_folder (GtkWindow *parent,
                   GFile     *file)
{
#if MW_COMPAT_GTK_4_10
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (file);
  gtk_file_launcher_open_containing_folder (launcher, parent, NULL, folder_shown_cb, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  GDBusConnection *bus = g_application_get_dbus_connection (g_application_get_default ());
  g_autofree char *uri = g_file_get_uri (file);
  const char *uris[] = { uri, NULL };

  if (bus == NULL)
    return;
  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", uris, ""), NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, show_items_cb, g_object_ref (file));
#endif
}

#if MW_COMPAT_GTK_4_10
static void
folder_chosen_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GFile *folder;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  folder = gtk_file_dialog_select_folder_finish (GTK_FILE_DIALOG (source_object), result, &error);
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (folder != NULL)
    g_task_return_pointer (task, folder, g_object_unref);
  else
    g_task_return_error (task, error);
}
#else
static void
native_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    g_task_return_pointer (task, gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog)), g_object_unref);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Dismissed");
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}
#endif

/* Asks for a folder through the file chooser portal where there is one. */
void
mw_choose_folder_async (GtkWindow           *parent,
                        const char          *title,
                        GFile               *initial_folder,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, mw_choose_folder_async);

#if MW_COMPAT_GTK_4_10
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  {
    g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
    gtk_file_dialog_set_title (dialog, title);
    gtk_file_dialog_set_modal (dialog, TRUE);
    if (initial_folder != NULL)
      gtk_file_dialog_set_initial_folder (dialog, initial_folder);
    gtk_file_dialog_select_folder (dialog, parent, cancellable, folder_chosen_cb, task);
  }
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  {
    GtkFileChooserNative *dialog;

    dialog = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                          _("_Select"), _("_Cancel"));
    gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
    if (initial_folder != NULL)
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), initial_folder, NULL);
    g_signal_connect (dialog, "response", G_CALLBACK (native_response_cb), task);
    gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
  }
#endif
}

GFile *
mw_choose_folder_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

#if MW_COMPAT_GTK_4_10
static void
file_chosen_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  gboolean save = GPOINTER_TO_INT (g_task_get_task_data (task));
  GError *error = NULL;
  GFile *file;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (save)
    file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source_object), result, &error);
  else
    file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (source_object), result, &error);
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (file != NULL)
    g_task_return_pointer (task, file, g_object_unref);
  else
    g_task_return_error (task, error);
}
#endif

/* Asks for a file to open, or a place to save one, through the portal where there is one. */
void
mw_choose_file_async (GtkWindow           *parent,
                      const char          *title,
                      gboolean             save,
                      const char          *suggested_name,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, mw_choose_file_async);
  g_task_set_task_data (task, GINT_TO_POINTER (save), NULL);

#if MW_COMPAT_GTK_4_10
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  {
    g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
    gtk_file_dialog_set_title (dialog, title);
    gtk_file_dialog_set_modal (dialog, TRUE);
    if (save)
      {
        gtk_file_dialog_set_initial_name (dialog, suggested_name);
        gtk_file_dialog_save (dialog, parent, cancellable, file_chosen_cb, task);
      }
    else
      gtk_file_dialog_open (dialog, parent, cancellable, file_chosen_cb, task);
  }
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  {
    GtkFileChooserNative *dialog;

    dialog = gtk_file_chooser_native_new (title, parent,
                                          save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
                                          save ? _("_Save") : _("_Open"), _("_Cancel"));
    gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
    if (save && suggested_name != NULL)
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested_name);
    g_signal_connect (dialog, "response", G_CALLBACK (native_response_cb), task);
    gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
  }
#endif
}

GFile *
mw_choose_file_finish (GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The widget's foreground colour, for drawing. */
void
mw_widget_get_color (GtkWidget *widget,
                     GdkRGBA   *color)
{
#if MW_COMPAT_GTK_4_10
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_widget_get_color (widget, color);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
#endif
}

/* Shows the about dialog over @parent. The properties are those AdwAboutWindow and
 * AdwAboutDialog share. */
void
mw_show_about (GtkWindow  *parent,
               const char *first_property_name,
               ...)
{
  GtkWidget *about;
  va_list args;

  va_start (args, first_property_name);
#if MW_COMPAT_ADW_1_5
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  about = GTK_WIDGET (g_object_new_valist (ADW_TYPE_ABOUT_DIALOG, first_property_name, args));
  adw_dialog_present (ADW_DIALOG (about), GTK_WIDGET (parent));
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  about = GTK_WIDGET (g_object_new_valist (ADW_TYPE_ABOUT_WINDOW, first_property_name, args));
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_present (GTK_WINDOW (about));
#endif
  va_end (args);
}

/* Shows a dialog derived from AdwPreferencesWindow or AdwPreferencesDialog, whichever
 * the build chose, over @parent; a window of its own belongs to @parent's application. */
void
mw_present_dialog (GtkWidget *dialog,
                   GtkWindow *parent)
{
#if MW_COMPAT_ADW_1_5
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (parent));
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_window_set_transient_for (GTK_WINDOW (dialog), parent);
  if (parent != NULL)
    gtk_window_set_application (GTK_WINDOW (dialog), gtk_window_get_application (parent));
  gtk_window_present (GTK_WINDOW (dialog));
#endif
}

void
mw_close_dialog (GtkWidget *dialog)
{
#if MW_COMPAT_ADW_1_5
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_dialog_force_close (ADW_DIALOG (dialog));
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_window_destroy (GTK_WINDOW (dialog));
#endif
}

/* Shows @toast, taking it, in the preferences, whichever class they derive from. */
void
mw_preferences_add_toast (GtkWidget *preferences,
                          AdwToast  *toast)
{
#if MW_COMPAT_ADW_1_5
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_preferences_dialog_add_toast (ADW_PREFERENCES_DIALOG (preferences), toast);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (preferences), toast);
#endif
}

/* Sets WIDGET's tooltip, only when it changes. For a visible widget GTK then asks where
 * the pointer is, in case the tooltip under it must change: under X11 that is a round
 * trip to the server, which hundreds of list rows, built or updated at once, would pay
 * one by one. A widget that is not on screen cannot be under the pointer, so it is
 * hidden for the moment the tooltip changes. */
void
mw_widget_set_tooltip (GtkWidget  *widget,
                       const char *text)
{
  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0)
    return;

  if (gtk_widget_get_visible (widget) && !gtk_widget_get_mapped (widget))
    {
      gtk_widget_set_visible (widget, FALSE);
      gtk_widget_set_tooltip_text (widget, text);
      gtk_widget_set_visible (widget, TRUE);
    }
  else
    {
      gtk_widget_set_tooltip_text (widget, text);
    }
}

#if !MW_COMPAT_GTK_4_12
/* Tab and Shift+Tab on a row: the window moves the focus on while the list cannot take
 * it, so that it goes past the list instead of to the next row. */
static gboolean
list_key_pressed_cb (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     gpointer               user_data)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkRoot *root = gtk_widget_get_root (list);
  GtkDirectionType direction;

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab)
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || !GTK_IS_WINDOW (root))
    return FALSE;

  direction = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0 ? GTK_DIR_TAB_BACKWARD
                                                                              : GTK_DIR_TAB_FORWARD;
  gtk_widget_set_can_focus (list, FALSE);
  g_signal_emit_by_name (root, "move-focus", direction);
  gtk_widget_set_can_focus (list, TRUE);
  return TRUE;
}
#endif

/**
 * mw_list_view_tab_leaves:
 * @view: a list view
 *
 * Makes @view one stop of the Tab chain: Tab leaves it from whichever row has the focus,
 * and the arrow keys go from row to row. A list of five hundred articles would otherwise
 * take five hundred presses of Tab to cross.
 */
void
mw_list_view_tab_leaves (GtkListView *view)
{
#if MW_COMPAT_GTK_4_12
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_list_view_set_tab_behavior (view, GTK_LIST_TAB_ITEM);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  GtkEventController *controller = gtk_event_controller_key_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (list_key_pressed_cb), NULL);
  gtk_widget_add_controller (GTK_WIDGET (view), controller);
#endif
}

/* Scrolling a list to an item, and keeping it in sight. GTK 4.12 and later place the
 * item by the estimated heights of rows not yet drawn, and when the list then gets
 * shorter (as it does when something above it grows: the experiment's card, as a run
 * starts) keep its top in place; either can leave the item out of sight, where GTK 4.8
 * kept it in. So the item is scrolled to again at each frame until the list has stayed
 * put for a few, and again each time the list gets shorter, until the list is scrolled
 * in any other way or to another item. */
typedef struct
{
  GtkWidget     *view;
  GtkAdjustment *adjustment;
  guint          position;
  double         page_size;
  double         value;
  guint          tick;
  guint          frames;
  guint          settled;
} KeepInSight;

static void
keep_in_sight_free (gpointer data)
{
  KeepInSight *keep = data;

  if (keep->tick != 0)
    gtk_widget_remove_tick_callback (keep->view, keep->tick);
  g_signal_handlers_disconnect_by_data (keep->adjustment, keep);
  g_object_unref (keep->adjustment);
  g_free (keep);
}

static gboolean
keep_in_sight_tick_cb (GtkWidget     *widget,
                       GdkFrameClock *frame_clock,
                       gpointer       user_data)
{
  KeepInSight *keep = user_data;
  double value = gtk_adjustment_get_value (keep->adjustment);

  gtk_widget_activate_action (widget, "list.scroll-to-item", "u", keep->position);
  keep->settled = ABS (value - keep->value) < 1 ? keep->settled + 1 : 0;
  keep->value = value;
  if (keep->settled < 3 && keep->frames++ < 120)
    return G_SOURCE_CONTINUE;
  keep->tick = 0;
  return G_SOURCE_REMOVE;
}

static void
keep_in_sight_scroll (KeepInSight *keep)
{
  keep->frames = 0;
  keep->settled = 0;
  keep->value = -1;
  if (keep->tick == 0)
    keep->tick = gtk_widget_add_tick_callback (keep->view, keep_in_sight_tick_cb, keep, NULL);
}

static void
keep_in_sight_page_size_cb (GtkAdjustment *adjustment,
                            GParamSpec    *pspec,
                            KeepInSight   *keep)
{
  double page_size = gtk_adjustment_get_page_size (adjustment);
  gboolean shorter = page_size < keep->page_size;

  keep->page_size = page_size;
  if (shorter)
    keep_in_sight_scroll (keep);
}

static void
keep_in_sight_value_cb (GtkAdjustment *adjustment,
                        KeepInSight   *keep)
{
  /* Scrolling of its own, or with a change of size, keeps the watch; any other ends it. */
  if (keep->tick == 0 && gtk_adjustment_get_page_size (adjustment) == keep->page_size)
    g_object_set_data (G_OBJECT (keep->view), "mw-keep-in-sight", NULL);
}

void
mw_list_view_scroll_to (GtkListView *view,
                        guint        position)
{
  KeepInSight *keep = g_new0 (KeepInSight, 1);

  keep->view = GTK_WIDGET (view);
  keep->adjustment = g_object_ref (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)));
  keep->position = position;
  keep->page_size = gtk_adjustment_get_page_size (keep->adjustment);
  g_object_set_data_full (G_OBJECT (view), "mw-keep-in-sight", keep, keep_in_sight_free);
  g_signal_connect (keep->adjustment, "notify::page-size", G_CALLBACK (keep_in_sight_page_size_cb), keep);
  g_signal_connect (keep->adjustment, "value-changed", G_CALLBACK (keep_in_sight_value_cb), keep);
  keep_in_sight_scroll (keep);
}

/* Asks @heading over @parent, @body below it, with the responses given as ID and label
 * pairs up to NULL: @destructive_response looks so, @cancel_response is the default and
 * what Escape chooses. @response_callback gets (GObject *dialog, const char *response,
 * gpointer owner) for as long as @owner lives. With libadwaita 1.5 and later it is an
 * AdwAlertDialog: libadwaita 1.7's AdwMessageDialog measures its heading narrower than
 * the heading's minimum, which GTK 4.18 warns about. Either way the question is a window
 * of its own, modal and transient for @parent. */
void
mw_ask (GtkWindow  *parent,
        const char *heading,
        const char *body,
        const char *cancel_response,
        const char *destructive_response,
        GCallback   response_callback,
        gpointer    owner,
        const char *first_response,
        ...)
{
  va_list args;

  va_start (args, first_response);
#if MW_COMPAT_ADW_1_5
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  {
    AdwDialog *dialog = adw_alert_dialog_new (heading, body);
    GtkRoot *root;

    for (const char *id = first_response; id != NULL; id = va_arg (args, const char *))
      adw_alert_dialog_add_response (ADW_ALERT_DIALOG (dialog), id, va_arg (args, const char *));
    adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), destructive_response,
                                              ADW_RESPONSE_DESTRUCTIVE);
    adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), cancel_response);
    adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), cancel_response);
    g_signal_connect_object (dialog, "response", response_callback, owner, 0);
    /* Without a parent the dialog gets a window of its own. */
    adw_dialog_present (dialog, NULL);
    root = gtk_widget_get_root (GTK_WIDGET (dialog));
    if (GTK_IS_WINDOW (root))
      {
        gtk_window_set_transient_for (GTK_WINDOW (root), parent);
        gtk_window_set_modal (GTK_WINDOW (root), TRUE);
      }
  }
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  {
    GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

    for (const char *id = first_response; id != NULL; id = va_arg (args, const char *))
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), id, va_arg (args, const char *));
    adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), destructive_response,
                                                ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), cancel_response);
    adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), cancel_response);
    g_signal_connect_object (dialog, "response", response_callback, owner, 0);
    gtk_window_present (GTK_WINDOW (dialog));
  }
#endif
  va_end (args);
}

/**
 * mw_toast_new_literal:
 * @text: what the toast says, as plain text
 *
 * Makes a toast that shows @text as it is. A toast's title is Pango markup, and the
 * text often holds a feed's title, a file name or an address from the network: "<b>"
 * there must not turn bold, and "Tom & Jerry" must not leave the toast empty. Before
 * libadwaita 1.4 markup cannot be turned off, so the text is escaped, which works the
 * same with every version.
 *
 * Returns: (transfer full): a new toast
 */
AdwToast *
mw_toast_new_literal (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  return adw_toast_new (escaped);
}

/**
 * mw_text_tag_foreground_is_safe:
 *
 * Whether text tags may set a foreground colour. Up to GTK 4.8.3 at least (Debian 12's),
 * when a screen reader asks for the formatting of text (AT-SPI's GetAttributes,
 * GetAttributeRun, GetAttributeValue), gtk_text_buffer_get_run_attributes() reads the
 * colour of a tag that sets one through GtkTextTag:foreground, a property that can only
 * be written: GLib warns, hands back nothing, and GTK reads through a pointer it never
 * set, which kills the process. GTK 4.18.6 (Debian 13's) reads :foreground-rgba there,
 * and the 4.18 releases' notes name no such change, so 4.18.0 is taken as the first
 * safe release; the releases between 4.8 and 4.18 could not be checked and are treated
 * as unsafe. The crash is in the GTK that runs, not the one built against, hence a check
 * at run time.
 *
 * Returns: %TRUE when GTK can describe a tag with a foreground colour to a screen reader
 */
gboolean
mw_text_tag_foreground_is_safe (void)
{
  return gtk_check_version (4, 18, 0) == NULL;
}

/**
 * mw_accessible_announce:
 * @accessible: the widget that has something to say
 * @message: what to say, a sentence
 *
 * Tells screen readers @message now, politely (GTK 4.14's gtk_accessible_announce(), an
 * AT-SPI Announcement event that Orca speaks wherever the user is). Before GTK 4.14 this
 * does nothing: GTK 4.8 has neither announcements nor live regions, and the nearest it
 * comes is a change of an object's name or description, which AT-SPI sends as a property
 * change. A screen reader speaks that only for the object it is on; callers make that
 * change anyway, so that the sentence is there to be read.
 */
void
mw_accessible_announce (GtkAccessible *accessible,
                        const char    *message)
{
#if MW_COMPAT_GTK_4_14
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_accessible_announce (accessible, message, GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
  G_GNUC_END_IGNORE_DEPRECATIONS
#endif
}

/* A button's label as it is shown: "_x" is "x", and "__" is "_". */
static char *
label_without_mnemonic (const char *label)
{
  GString *name = g_string_new (NULL);

  for (const char *c = label; *c != '\0'; c++)
    {
      if (*c == '_' && *++c == '\0')
        break;
      g_string_append_c (name, *c);
    }
  return g_string_free (name, FALSE);
}

static void
name_mnemonic_button (GtkWidget *button)
{
  const char *label = gtk_button_get_label (GTK_BUTTON (button));
  g_autofree char *name = NULL;

  if (label == NULL || !gtk_button_get_use_underline (GTK_BUTTON (button)))
    return;
  name = label_without_mnemonic (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
mnemonic_label_changed_cb (GtkWidget  *button,
                           GParamSpec *pspec,
                           gpointer    user_data)
{
  name_mnemonic_button (button);
}

/**
 * mw_name_mnemonic_buttons:
 * @root: a widget
 *
 * GTK 4.8 gives a button with a mnemonic its label as written, underscore and all, as
 * its accessible name ("_Download"). Names every such button at or below @root, a toast's
 * included, as its label is shown ("Download"), now and whenever its label changes. A
 * button is followed once however often this is called.
 */
void
mw_name_mnemonic_buttons (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) && gtk_button_get_use_underline (GTK_BUTTON (root)))
    {
      name_mnemonic_button (root);
      if (g_object_get_data (G_OBJECT (root), "mw-mnemonic-named") == NULL)
        {
          g_object_set_data (G_OBJECT (root), "mw-mnemonic-named", GINT_TO_POINTER (TRUE));
          g_signal_connect (root, "notify::label", G_CALLBACK (mnemonic_label_changed_cb), NULL);
          g_signal_connect (root, "notify::use-underline", G_CALLBACK (mnemonic_label_changed_cb), NULL);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    mw_name_mnemonic_buttons (child);
}
