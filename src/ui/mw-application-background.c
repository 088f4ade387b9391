/* mw-application-background.c: Meanwhile as a companion: it goes on when its window
 * closes, asks before Quit stops downloads, keeps the computer awake while it transfers,
 * and lets its instruments rest while nothing happens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-application-background"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-application-private.h"
#include "mw-compat.h"

/* How long the instruments go on measuring after each step of a feed fetch. */
#define FEED_WAKE_MS 3000

/* Returns: how many downloads are still to finish: queued, under way, or waiting to try
 * again; not those paused, done, failed or cancelled */
guint
_mw_application_count_in_flight (MwApplication *self)
{
  GListModel *model = G_LIST_MODEL (self->downloads);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (model, i);

      switch (mw_download_get_state (download))
        {
        case MW_DOWNLOAD_QUEUED:
        case MW_DOWNLOAD_CONNECTING:
        case MW_DOWNLOAD_DOWNLOADING:
        case MW_DOWNLOAD_VERIFYING:
          n++;
          break;
        case MW_DOWNLOAD_PAUSED:
        case MW_DOWNLOAD_COMPLETED:
        case MW_DOWNLOAD_FAILED:
        case MW_DOWNLOAD_CANCELLED:
        default:
          break;
        }
    }
  return n;
}

void
_mw_application_leave_background (MwApplication *self)
{
  if (!self->in_background)
    return;
  self->in_background = FALSE;
  g_clear_handle_id (&self->background_end_id, g_source_remove);
  g_application_withdraw_notification (G_APPLICATION (self), "background");
  g_application_release (G_APPLICATION (self));
}

/* The last download ended while no window was shown: say so, and go. The hidden window
 * is destroyed, so that nothing keeps the application. */
static gboolean
background_end_cb (gpointer user_data)
{
  MwApplication *self = user_data;
  g_autoptr(GNotification) notification = NULL;

  self->background_end_id = 0;
  if (!self->in_background || _mw_application_count_in_flight (self) > 0)
    return G_SOURCE_REMOVE;

  notification = g_notification_new (_("Downloads Done"));
  g_notification_set_body (notification, _("Meanwhile has finished its work in the background and quit"));
  g_application_withdraw_notification (G_APPLICATION (self), "background");
  g_application_send_notification (G_APPLICATION (self), "background-done", notification);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      if (!gtk_widget_get_visible (GTK_WIDGET (window)))
        gtk_window_destroy (window);
    }
  _mw_application_leave_background (self);
  return G_SOURCE_REMOVE;
}

static void
check_background_end (MwApplication *self)
{
  if (self->in_background && self->background_end_id == 0 && _mw_application_count_in_flight (self) == 0)
    self->background_end_id = g_idle_add (background_end_cb, self);
}

static void
background_portal_cb (GObject      *source_object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source_object), result, &error);
  if (reply == NULL)
    g_debug ("The Background portal did not answer: %s", error->message);
}

/* Inside Flatpak, a sandboxed application without a window may be stopped unless the
 * Background portal allows it to run; the portal asks the user once and remembers. */
static void
request_background (MwApplication *self)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (self));
  GVariantBuilder options;

  if (bus == NULL || !g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    return;
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Finish downloads after the window is closed")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (FALSE));
  g_dbus_connection_call (bus, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                          "org.freedesktop.portal.Background", "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, background_portal_cb, NULL);
}

/**
 * mw_application_close_to_background:
 * @window: the main window, being closed
 *
 * Closing the window while downloads are under way hides it instead: the downloads go
 * on, a notification says so, and the application quits by itself once they end.
 *
 * Returns: %TRUE when the window was hidden and must not close
 */
gboolean
mw_application_close_to_background (MwApplication *self,
                                    GtkWindow     *window)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;
  guint n;

  g_return_val_if_fail (MW_IS_APPLICATION (self), FALSE);

  n = _mw_application_count_in_flight (self);
  if (n == 0 || self->quit_confirmed)
    return FALSE;

  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  if (!self->in_background)
    {
      self->in_background = TRUE;
      g_application_hold (G_APPLICATION (self));
      request_background (self);
    }

  notification = g_notification_new (_("Meanwhile Goes On in the Background"));
  body = g_strdup_printf (ngettext ("%u download is still running. Meanwhile quits when it is done; "
                                    "open it again to see it.",
                                    "%u downloads are still running. Meanwhile quits when they are done; "
                                    "open it again to see them.", n), n);
  g_notification_set_body (notification, body);
  g_application_send_notification (G_APPLICATION (self), "background", notification);
  return TRUE;
}

static void
quit_response_cb (GObject       *dialog,
                  const char    *response,
                  MwApplication *self)
{
  if (g_strcmp0 (response, "quit") != 0)
    return;
  self->quit_confirmed = TRUE;
  g_application_quit (G_APPLICATION (self));
}

/* Quitting stops running downloads (they resume at the next start): with a window to
 * ask in, Meanwhile asks first. */
void
_mw_application_quit_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  MwApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *heading = NULL;
  guint n = _mw_application_count_in_flight (self);

  if (n == 0 || window == NULL || !gtk_widget_get_visible (GTK_WIDGET (window)) || self->quit_confirmed)
    {
      self->quit_confirmed = TRUE;
      g_application_quit (G_APPLICATION (self));
      return;
    }

  heading = g_strdup_printf (ngettext ("%u Download Is Running", "%u Downloads Are Running", n), n);
  mw_ask (window, heading,
          _("Quit anyway? They go on from where they stopped "
            "the next time Meanwhile starts."),
          "cancel", "quit", G_CALLBACK (quit_response_cb), self,
          "cancel", _("_Cancel"),
          "quit", _("_Quit"),
          NULL);
}

/* Does WHAT to every download for which WHICH holds, in the order of the list. */
static void
for_each_download (MwApplication *self,
                   gboolean     (*which) (MwDownload *download),
                   void         (*what) (MwDownload *download))
{
  GListModel *model = G_LIST_MODEL (self->downloads);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (model, i);

      if (which (download))
        what (download);
    }
}

/* Pauses every download that runs or waits in the queue, in one go: a person leaving a
 * metered network, or wanting the bandwidth back. */
void
_mw_application_pause_all_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  for_each_download (user_data, mw_download_can_pause, mw_download_pause);
}

static gboolean
is_paused (MwDownload *download)
{
  return mw_download_get_state (download) == MW_DOWNLOAD_PAUSED && mw_download_can_resume (download);
}

/* Resumes every paused download; they queue again in the order of the list. */
void
_mw_application_resume_all_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  for_each_download (user_data, is_paused, mw_download_resume);
}

/* The instruments measure while a download runs (not while one waits out a back-off or
 * is paused: n-active counts only those holding a slot). */
void
_mw_application_downloads_active_cb (MwApplication *self)
{
  guint n_active = mw_download_list_get_n_active (self->downloads);
  gboolean active = n_active > 0;

  /* A laptop that suspends mid-download loses the connection; one whose downloads all
   * wait or are paused may sleep. */
  if (self->inhibitor != NULL)
    {
      g_autofree char *reason = NULL;

      if (active)
        /* Translators: why the computer does not suspend, as the desktop may show it */
        reason = g_strdup_printf (ngettext ("Downloading %u file", "Downloading %u files", n_active), n_active);
      mw_suspend_inhibitor_set_reason (self->inhibitor, reason);
    }

  check_background_end (self);

  if (active == self->holding_monitor)
    return;
  self->holding_monitor = active;
  if (active)
    mw_monitor_hold (self->monitor);
  else
    mw_monitor_release (self->monitor);
}

/* A feed fetch is short and says what it does as it goes: each step keeps the
 * instruments awake a little longer. */
void
_mw_application_feed_event_cb (MwApplication *self)
{
  mw_monitor_wake (self->monitor, FEED_WAKE_MS);
}
