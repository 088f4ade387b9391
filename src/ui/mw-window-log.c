/* mw-window-log.c: the main window's event log: its lines, how it follows them, and its
 * keyboard; on the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-format.h"
#include "mw-timeline.h"
#include "mw-window-private.h"

/* The log is for reading, not an archive: the oldest lines go beyond this. */
#define MAX_LOG_LINES 2000

GListModel *
mw_window_get_log (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->log_lines);
}

/* A line of the log: the clock time, then, for the work of a download or a feed, the
 * time since its request began ("+1.5 s"; ELAPSED < 0 for none), then what happened. */
static void
log_line (MwWindow   *self,
          gint64      time,
          gint64      elapsed,
          const char *subject,
          const char *text)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (time / G_USEC_PER_SEC);
  g_autofree char *clock = when ? g_date_time_format (when, "%H:%M:%S") : g_strdup ("");
  g_autofree char *event = subject != NULL ? g_strdup_printf ("%s — %s", subject, text) : g_strdup (text);
  /* TRANSLATORS: seconds since a download or feed sent its request, in the event log */
  g_autofree char *since = elapsed >= 0 ? g_strdup_printf (_("+%.1f s"), elapsed / (double) G_USEC_PER_SEC)
                                        : NULL;
  g_autofree char *line = since != NULL
                          ? g_strdup_printf ("%s.%03d  %s  %s", clock, (int) ((time / 1000) % 1000), since, event)
                          : g_strdup_printf ("%s.%03d  %s", clock, (int) ((time / 1000) % 1000), event);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->log_lines));

  if (n >= MAX_LOG_LINES)
    gtk_string_list_splice (self->log_lines, 0, n - MAX_LOG_LINES + 1, NULL);
  gtk_string_list_append (self->log_lines, line);
  self->log_appended++;
  /* The same event as a marker on the timeline, whose clock is the monotonic one. */
  mw_timeline_mark (mw_timeline_get_default (), g_get_monotonic_time () - (g_get_real_time () - time), event);
}

static void
download_event_cb (MwDownloadList *list,
                   MwDownload     *download,
                   gint64          time,
                   const char     *text,
                   MwWindow       *self)
{
  g_autofree char *name = mw_download_dup_display_name (download);
  gint64 started = mw_download_get_run_started (download);

  log_line (self, time, started > 0 && time >= started ? time - started : -1, name, text);
}

static void
feed_event_cb (MwFeedList *list,
               MwFeed     *feed,
               const char *address,
               gint64      time,
               gint64      elapsed,
               const char *text,
               MwWindow   *self)
{
  g_autofree char *title = feed != NULL ? mw_feed_dup_display_title (feed) : g_strdup (address);

  log_line (self, time, elapsed, title, text);
}

static void
stall_cb (MwMonitor *monitor,
          gint64     duration,
          MwWindow  *self)
{
  g_autofree char *length = mw_format_duration (duration);
  g_autofree char *text = g_strdup_printf (_("The main loop was blocked for %s: nothing could be drawn or clicked meanwhile"),
                                           length);

  log_line (self, g_get_real_time (), -1, NULL, text);
  self->stall_appended = self->log_appended;
}

/* The log follows new lines, as a terminal does, until the person scrolls up to read;
 * scrolling back to the end follows again. Only scrolling that a person can see counts:
 * a hidden list has no size to scroll in. */
static void
log_scrolled_cb (GtkAdjustment *adjustment,
                 MwWindow      *self)
{
  double value = gtk_adjustment_get_value (adjustment);
  gboolean at_end = value + gtk_adjustment_get_page_size (adjustment) >= gtk_adjustment_get_upper (adjustment) - 1;

  /* Rows measured as they are drawn move the end about; only scrolling up leaves it.
   * While the list is brought to a line in the middle, a list not yet measured can look
   * as if it were at its end: that is not someone scrolling there. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self->log_view)) &&
      !(self->log_scroll_tick != 0 && self->log_scroll_target != G_MAXUINT))
    {
      if (at_end)
        self->log_follows = TRUE;
      else if (value < self->log_value - 1)
        self->log_follows = FALSE;
    }
  self->log_value = value;
}

/* The list scrolls itself, through its own action, once it knows its new rows; for the
 * last line it then goes to the very end, over the frames in which the rows it draws are
 * measured and its estimated length grows. */
static gboolean
log_scroll_tick_cb (GtkWidget     *widget,
                    GdkFrameClock *frame_clock,
                    gpointer       user_data)
{
  MwWindow *self = MW_WINDOW (user_data);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->log_scroller);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->log_lines));
  guint target = self->log_scroll_target == G_MAXUINT ? n - 1 : self->log_scroll_target;
  double end;

  /* Then the line that must be in view is asked for, until the list has its size (a
   * panel that slides in): in a short list the lines before it go out at the top. */
  if (n > 0 && self->log_scroll_frames == 0)
    gtk_widget_activate_action (widget, "list.scroll-to-item", "u", MIN (target, n - 1));
  else if (n > 0 && self->log_scroll_target != G_MAXUINT)
    gtk_widget_activate_action (widget, "list.scroll-to-item", "u", MIN (self->log_scroll_keep, n - 1));
  end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
  if (n > 0 && self->log_scroll_frames++ < 120)
    {
      int height = gtk_widget_get_height (widget);

      /* Done once the end, or the list's height, has stayed put for a few frames. */
      if (self->log_scroll_target == G_MAXUINT && gtk_adjustment_get_value (adjustment) < end - 1)
        {
          self->log_scroll_settled = 0;
          gtk_adjustment_set_value (adjustment, end);
        }
      else if (self->log_scroll_target != G_MAXUINT && height != self->log_scroll_height)
        self->log_scroll_settled = 0;
      self->log_scroll_height = height;
      if (++self->log_scroll_settled < 3)
        return G_SOURCE_CONTINUE;
    }
  self->log_scroll_tick = 0;
  self->log_scroll_frames = 0;
  self->log_scroll_settled = 0;
  return G_SOURCE_REMOVE;
}

/* Brings line @position of the log into view (G_MAXUINT: the last), at the next frame. */
static void
scroll_log_to (MwWindow *self,
               guint     position)
{
  self->log_scroll_target = position;
  self->log_scroll_keep = position;
  self->log_scroll_frames = 0;
  if (self->log_scroll_tick == 0 && gtk_widget_get_mapped (GTK_WIDGET (self->log_view)))
    self->log_scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->log_view), log_scroll_tick_cb,
                                                          self, NULL);
}

/* Rows measured as they are drawn lengthen the list: one that follows stays at its end. */
static void
log_grew_cb (GtkAdjustment *adjustment,
             MwWindow      *self)
{
  if (self->log_follows && self->log_scroll_tick == 0 &&
      gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
      < gtk_adjustment_get_upper (adjustment) - 1)
    scroll_log_to (self, G_MAXUINT);
}

static void
log_changed_cb (GListModel *log,
                guint       position,
                guint       removed,
                guint       added,
                MwWindow   *self)
{
  if (self->log_follows && added > 0)
    scroll_log_to (self, G_MAXUINT);
}

/* Someone reading the log is watching the instruments too: they measure meanwhile. */
static void
log_mapped_cb (MwWindow *self)
{
  mw_monitor_hold (mw_application_get_monitor (MW_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)))));
  scroll_log_to (self, self->log_follows ? G_MAXUINT : self->log_scroll_target);
}

static void
log_unmapped_cb (MwWindow *self)
{
  mw_monitor_release (mw_application_get_monitor (MW_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)))));
  if (self->log_scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->log_view), self->log_scroll_tick);
  self->log_scroll_tick = 0;
  self->log_scroll_frames = 0;
}

/* The log is one stop of Tab: the arrow keys go from line to line, and Tab and Shift+Tab
 * leave it. GTK 4.8's list view would stop at every line (4.12 has a tab behaviour for
 * this), two thousand presses of Tab to get past the log. */
static gboolean
log_key_pressed_cb (GtkEventControllerKey *controller,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    MwWindow              *self)
{
  GtkDirectionType direction;
  gboolean moved;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;
  if (keyval == GDK_KEY_ISO_Left_Tab || ((keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab) &&
                                         (state & GDK_SHIFT_MASK) != 0))
    direction = GTK_DIR_TAB_BACKWARD;
  else if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    direction = GTK_DIR_TAB_FORWARD;
  else
    return GDK_EVENT_PROPAGATE;

  /* For this one move the list is out of the focus chain, so the window's own focus
   * search goes on past it, or wraps round. */
  gtk_widget_set_can_focus (GTK_WIDGET (self->log_view), FALSE);
  moved = gtk_widget_child_focus (GTK_WIDGET (self), direction);
  gtk_widget_set_can_focus (GTK_WIDGET (self->log_view), TRUE);
  return moved ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;
}

/* Opens the log at the latest stall, where "What Happened" wants a person to read. */
void
_mw_window_show_stall_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  MwWindow *self = MW_WINDOW (widget);
  GListModel *log = G_LIST_MODEL (self->log_lines);
  guint n = g_list_model_get_n_items (log);
  guint64 first = self->log_appended - n;   /* the count of the oldest line still there */
  guint target = G_MAXUINT, stall = G_MAXUINT;

  if (self->stall_appended > first)
    stall = (guint) (self->stall_appended - 1 - first);
  /* The lines before the stall's are what happened in it: start a little before it, and
   * keep the stall's own line in view. */
  if (stall != G_MAXUINT)
    {
      self->log_follows = FALSE;
      target = stall > 3 ? stall - 3 : 0;
    }
  _mw_window_set_log_visible (self, TRUE);
  scroll_log_to (self, target);
  self->log_scroll_keep = stall;
}

void
_mw_window_clear_log_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  MwWindow *self = MW_WINDOW (widget);

  gtk_string_list_splice (self->log_lines, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->log_lines)), NULL);
}

/* From mw_window_init(): the log's scrolling and keyboard. */
void
_mw_window_log_init (MwWindow *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->log_scroller);
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->log_follows = TRUE;
  self->log_scroll_target = G_MAXUINT;
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (log_scrolled_cb), self, 0);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (log_grew_cb), self, 0);
  g_signal_connect_object (self->log_lines, "items-changed", G_CALLBACK (log_changed_cb), self, 0);
  g_signal_connect_object (self->log_view, "map", G_CALLBACK (log_mapped_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->log_view, "unmap", G_CALLBACK (log_unmapped_cb), self, G_CONNECT_SWAPPED);

  /* Before the lines themselves see the key. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (log_key_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->log_view), keys);
}

/* From the window's setup: what the downloads, the feeds and the monitor tell the log. */
void
_mw_window_log_setup (MwWindow      *self,
                      MwApplication *application)
{
  g_signal_connect_object (mw_application_get_downloads (application), "download-event",
                           G_CALLBACK (download_event_cb), self, 0);
  g_signal_connect_object (mw_application_get_feeds (application), "event", G_CALLBACK (feed_event_cb), self, 0);
  g_signal_connect_object (mw_application_get_monitor (application), "stall", G_CALLBACK (stall_cb), self, 0);
}
