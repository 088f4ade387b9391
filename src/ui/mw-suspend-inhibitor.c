/* mw-suspend-inhibitor.c: keeps the computer from suspending while transfers run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A laptop that suspends halfway through a download loses the connection, and with a
 * server that cannot resume, the work. While it is given a reason ("Downloading 3 files")
 * this object holds an inhibition of suspend: from GNOME's session manager on the session
 * bus, or inside Flatpak from the Inhibit portal. gtk_application_inhibit() would do the
 * same with a synchronous D-Bus call, which waits on the main thread for as long as the
 * session manager takes; here every call is asynchronous, and a missing session manager
 * (another desktop, a test bus) only means there is nothing to inhibit.
 */
#define G_LOG_DOMAIN "mw-suspend-inhibitor"

#include "config.h"

#include <gtk/gtk.h>

#include "mw-suspend-inhibitor.h"

/* Reasons change as downloads start and end; the session manager hears the latest once
 * this long after the first change, not at every one. */
#define REASON_UPDATE_DELAY_S 1

struct _MwSuspendInhibitor
{
  GObject          parent_instance;

  GDBusConnection *bus;
  char            *application_id;
  gboolean         portal;

  char            *wanted;        /* the reason to hold an inhibition for, or NULL */
  char            *held_reason;   /* the reason of the inhibition held */
  guint            cookie;        /* the session manager's, while held */
  char            *handle;        /* the portal's request, while held */
  gboolean         pending;       /* an Inhibit call is on its way */
  gboolean         unavailable;   /* nobody answered: nothing to inhibit here */
  guint            update_id;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (MwSuspendInhibitor, mw_suspend_inhibitor, G_TYPE_OBJECT)

static void sync_inhibition (MwSuspendInhibitor *self);

static gboolean
is_held (MwSuspendInhibitor *self)
{
  return self->cookie != 0 || self->handle != NULL;
}

/* Gives back the inhibition held, without waiting for the answer. */
static void
release (MwSuspendInhibitor *self)
{
  if (self->cookie != 0)
    g_dbus_connection_call (self->bus, "org.gnome.SessionManager", "/org/gnome/SessionManager",
                            "org.gnome.SessionManager", "Uninhibit", g_variant_new ("(u)", self->cookie),
                            NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
  if (self->handle != NULL)
    g_dbus_connection_call (self->bus, "org.freedesktop.portal.Desktop", self->handle,
                            "org.freedesktop.portal.Request", "Close", NULL,
                            NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
  self->cookie = 0;
  g_clear_pointer (&self->handle, g_free);
  g_clear_pointer (&self->held_reason, g_free);
}

typedef struct
{
  MwSuspendInhibitor *self;
  char               *reason;
} InhibitCall;

static void
inhibit_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  InhibitCall *call = user_data;
  g_autoptr(MwSuspendInhibitor) self = call->self;
  g_autofree char *reason = call->reason;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_free (call);
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source_object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->pending = FALSE;

  if (reply == NULL)
    {
      g_debug ("Cannot keep the computer awake: %s", error->message);
      self->unavailable = TRUE;
      return;
    }

  /* The new inhibition is in place before the old one goes, so that no gap opens. */
  release (self);
  if (self->portal)
    g_variant_get (reply, "(o)", &self->handle);
  else
    g_variant_get (reply, "(u)", &self->cookie);
  self->held_reason = g_steal_pointer (&reason);
  sync_inhibition (self);
}

static void
inhibit (MwSuspendInhibitor *self,
         const char         *reason)
{
  InhibitCall *call = g_new0 (InhibitCall, 1);

  call->self = g_object_ref (self);
  call->reason = g_strdup (reason);
  self->pending = TRUE;

  if (self->portal)
    {
      GVariantBuilder options;

      g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&options, "{sv}", "reason", g_variant_new_string (reason));
      g_dbus_connection_call (self->bus, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                              "org.freedesktop.portal.Inhibit", "Inhibit",
                              g_variant_new ("(sua{sv})", "", (guint) GTK_APPLICATION_INHIBIT_SUSPEND, &options),
                              G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable,
                              inhibit_cb, call);
    }
  else
    {
      g_dbus_connection_call (self->bus, "org.gnome.SessionManager", "/org/gnome/SessionManager",
                              "org.gnome.SessionManager", "Inhibit",
                              g_variant_new ("(susu)", self->application_id, 0u, reason,
                                             (guint) GTK_APPLICATION_INHIBIT_SUSPEND),
                              G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable,
                              inhibit_cb, call);
    }
}

/* Brings what is held in line with what is wanted; one call at a time. */
static void
sync_inhibition (MwSuspendInhibitor *self)
{
  if (self->pending)
    return;
  if (self->wanted != NULL && !self->unavailable &&
      (!is_held (self) || g_strcmp0 (self->held_reason, self->wanted) != 0))
    inhibit (self, self->wanted);
  else if (self->wanted == NULL && is_held (self))
    release (self);
}

static gboolean
update_cb (gpointer user_data)
{
  MwSuspendInhibitor *self = user_data;

  self->update_id = 0;
  sync_inhibition (self);
  return G_SOURCE_REMOVE;
}

/**
 * mw_suspend_inhibitor_set_reason:
 * @reason: (nullable): why the computer should stay awake, as the desktop shows it; or
 *   %NULL when it may suspend again
 */
void
mw_suspend_inhibitor_set_reason (MwSuspendInhibitor *self,
                                 const char         *reason)
{
  g_return_if_fail (MW_IS_SUSPEND_INHIBITOR (self));

  if (g_strcmp0 (self->wanted, reason) == 0)
    return;
  g_free (self->wanted);
  self->wanted = g_strdup (reason);

  /* Taking and giving back are done at once; a new text for an inhibition already held
   * can wait a moment for the next. */
  if (reason != NULL && is_held (self))
    {
      if (self->update_id == 0)
        self->update_id = g_timeout_add_seconds (REASON_UPDATE_DELAY_S, update_cb, self);
      return;
    }
  g_clear_handle_id (&self->update_id, g_source_remove);
  sync_inhibition (self);
}

/* Returns: whether an inhibition is held now */
gboolean
mw_suspend_inhibitor_get_held (MwSuspendInhibitor *self)
{
  g_return_val_if_fail (MW_IS_SUSPEND_INHIBITOR (self), FALSE);

  return is_held (self);
}

static void
mw_suspend_inhibitor_dispose (GObject *object)
{
  MwSuspendInhibitor *self = MW_SUSPEND_INHIBITOR (object);

  g_clear_handle_id (&self->update_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->bus != NULL)
    release (self);
  g_clear_object (&self->bus);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mw_suspend_inhibitor_parent_class)->dispose (object);
}

static void
mw_suspend_inhibitor_finalize (GObject *object)
{
  MwSuspendInhibitor *self = MW_SUSPEND_INHIBITOR (object);

  g_free (self->application_id);
  g_free (self->wanted);
  g_free (self->held_reason);
  g_free (self->handle);

  G_OBJECT_CLASS (mw_suspend_inhibitor_parent_class)->finalize (object);
}

static void
mw_suspend_inhibitor_class_init (MwSuspendInhibitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mw_suspend_inhibitor_dispose;
  object_class->finalize = mw_suspend_inhibitor_finalize;
}

static void
mw_suspend_inhibitor_init (MwSuspendInhibitor *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * mw_suspend_inhibitor_new:
 * @bus: the session bus
 * @application_id: who asks, as the session manager lists it
 *
 * Inside Flatpak the session manager is out of reach and the Inhibit portal stands in.
 */
MwSuspendInhibitor *
mw_suspend_inhibitor_new (GDBusConnection *bus,
                          const char      *application_id)
{
  MwSuspendInhibitor *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (bus), NULL);
  g_return_val_if_fail (application_id != NULL, NULL);

  self = g_object_new (MW_TYPE_SUSPEND_INHIBITOR, NULL);
  self->bus = g_object_ref (bus);
  self->application_id = g_strdup (application_id);
  self->portal = g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
  return self;
}
