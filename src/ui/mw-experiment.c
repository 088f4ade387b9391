/* mw-experiment.c: a guided experiment, the same downloads responsive and then frozen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A card at the top of the Downloads page, on the main thread, that walks a newcomer
 * through three steps: download the demo files in responsive mode, turn on freezing
 * mode, download them again. Each run is measured from inside, as the meter measures:
 * the monitor's ticks give how late the main loop was, the frame clock's frames give
 * the frames that were not drawn, and the freeze banner counts the clicks that waited.
 * The card never blocks the window: the person has to reach the switch and the rows.
 */
#define G_LOG_DOMAIN "mw-experiment"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-experiment.h"
#include "mw-window.h"
#include "mw-format.h"

/* Once the last download is done, the run goes on being measured this long: the stall
 * of a frozen main loop is recorded by the monitor's first tick after it, and the input
 * that waited is handled, and counted by the banner, only after that. */
#define SETTLE_MS 500

enum {
  ROW_WORST,
  ROW_FROZEN,
  ROW_FRAMES,
  ROW_CLICKS,
  N_ROWS
};

struct _MwExperiment
{
  GtkWidget          parent_instance;

  GtkRevealer       *revealer;
  GtkLabel          *step_label;
  GtkLabel          *title_label;
  GtkLabel          *why_label;
  GtkLabel          *note_label;
  GtkGrid           *result_grid;
  GtkLabel          *cells[2][N_ROWS];
  GtkButton         *step_button;
  GtkWidget         *result_buttons;
  GtkWidget         *turn_off_button;

  MwApplication     *application;
  MwDownloadList    *downloads;
  MwMonitor         *monitor;
  MwFreezeBanner    *banner;
  GPtrArray         *pointed_at;    /* the freezing switches */
  GStrv              urls;

  MwExperimentStep   step;
  gboolean           running;
  gboolean           spoiled;       /* freezing mode went on during the responsive run */
  gboolean           have_run[2];
  MwExperimentRun    runs[2];       /* responsive, freezing */

  /* The run being measured */
  MwExperimentRun   *run;
  GPtrArray         *run_downloads;
  GdkFrameClock     *clock;
  gboolean           clock_updating;
  guint              start_tick;
  gulong             frame_handler;
  gulong             tick_handler;
  gulong             finished_handler;
  gulong             inputs_handler;
  guint              inputs_seen;
  guint              settle_source;
};

G_DEFINE_FINAL_TYPE (MwExperiment, mw_experiment, GTK_TYPE_WIDGET)

static gboolean
blocking_mode (MwExperiment *self)
{
  g_autoptr(GVariant) state = NULL;

  if (self->application == NULL)
    return FALSE;
  state = g_action_group_get_action_state (G_ACTION_GROUP (self->application), "blocking-mode");
  return state != NULL && g_variant_get_boolean (state);
}

static void
set_note (MwExperiment *self,
          const char   *text)
{
  gtk_label_set_label (self->note_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), text != NULL);
}

static void
set_step_button (MwExperiment *self,
                 const char   *label,
                 const char   *action)
{
  gtk_widget_set_visible (GTK_WIDGET (self->step_button), label != NULL);
  if (label == NULL)
    return;
  gtk_button_set_label (self->step_button, label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->step_button), action);
}

static void
fill_results (MwExperiment *self)
{
  for (guint i = 0; i < 2; i++)
    {
      const MwExperimentRun *run = &self->runs[i];
      g_autofree char *worst = mw_format_duration (run->worst_lateness);
      g_autofree char *frozen = run->frozen_total > 0 ? mw_format_duration (run->frozen_total)
                                                      : g_strdup (C_("frozen in all", "none"));
      /* With the locale's thousands separator: "1,003" */
      g_autofree char *frames = g_strdup_printf ("%'u", run->frames_missed);
      g_autofree char *clicks = g_strdup_printf ("%u", run->waited_inputs);

      gtk_label_set_label (self->cells[i][ROW_WORST], worst);
      gtk_label_set_label (self->cells[i][ROW_FROZEN], frozen);
      gtk_label_set_label (self->cells[i][ROW_FRAMES], frames);
      gtk_label_set_label (self->cells[i][ROW_CLICKS], clicks);
    }
}

static void
update (MwExperiment *self)
{
  gboolean blocking = blocking_mode (self);
  gboolean result = self->step == MW_EXPERIMENT_RESULT;

  gtk_revealer_set_reveal_child (self->revealer, self->step != MW_EXPERIMENT_CLOSED);
  gtk_widget_set_visible (GTK_WIDGET (self->step_label), !result);
  gtk_widget_set_visible (GTK_WIDGET (self->result_grid), result);
  gtk_widget_set_visible (self->result_buttons, result);
  gtk_widget_set_visible (self->turn_off_button, result && blocking);

  /* The switch the second step asks for draws the eye while it waits to be turned on. */
  for (guint i = 0; self->pointed_at != NULL && i < self->pointed_at->len; i++)
    {
      GtkWidget *widget = g_ptr_array_index (self->pointed_at, i);

      if (self->step == MW_EXPERIMENT_SWITCH)
        gtk_widget_add_css_class (widget, "experiment-pulse");
      else
        gtk_widget_remove_css_class (widget, "experiment-pulse");
    }

  switch (self->step)
    {
    case MW_EXPERIMENT_CLOSED:
      break;

    case MW_EXPERIMENT_RESPONSIVE:
      gtk_label_set_label (self->step_label, _("Step 1 of 3"));
      gtk_label_set_label (self->title_label, _("Download the demo files in responsive mode"));
      gtk_label_set_label (self->why_label,
                           _("Meanwhile downloads in the background: while it waits for the network, the "
                             "main loop goes on drawing the window and answering you."));
      if (self->running)
        {
          set_note (self, _("Try dragging the window or clicking around — it answers."));
          set_step_button (self, NULL, NULL);
        }
      else if (blocking)
        {
          set_note (self, _("Freezing mode is on, and this step needs it off."));
          set_step_button (self, _("Turn Off _Freezing Mode"), "experiment.turn-off-freezing");
        }
      else
        {
          set_note (self, self->spoiled ? _("Freezing mode went on before the downloads were done, so that "
                                            "run does not count. Start it again.")
                                        : NULL);
          set_step_button (self, _("_Download Demo Files"), "experiment.start-run");
        }
      break;

    case MW_EXPERIMENT_SWITCH:
      {
        g_autofree char *worst = mw_format_duration (self->runs[0].worst_lateness);
        g_autofree char *note = NULL;

        /* Translators: %s is a duration, "3 ms"; %u a number of frames */
        note = g_strdup_printf (ngettext ("Responsive run: the window never waited more than %s, and %u frame "
                                          "was not drawn.",
                                          "Responsive run: the window never waited more than %s, and %u frames "
                                          "were not drawn.",
                                          self->runs[0].frames_missed),
                                worst, self->runs[0].frames_missed);
        gtk_label_set_label (self->step_label, _("Step 2 of 3"));
        gtk_label_set_label (self->title_label, _("Turn On Freezing Mode"));
        gtk_label_set_label (self->why_label,
                             _("Use the “Freezing Mode” switch at the top left. With it on, the same downloads "
                               "run on the main thread, which then can neither draw the window nor answer you "
                               "until they are done."));
        set_note (self, note);
        set_step_button (self, NULL, NULL);
      }
      break;

    case MW_EXPERIMENT_FREEZING:
      gtk_label_set_label (self->step_label, _("Step 3 of 3"));
      gtk_label_set_label (self->title_label, _("Download them again, and try to pause one while they run"));
      gtk_label_set_label (self->why_label,
                           _("The window will stop answering until the downloads are done. Click a pause "
                             "button or try to drag the window anyway."));
      if (self->running)
        {
          set_note (self, _("The window is frozen. Your clicks wait until the downloads are done."));
          set_step_button (self, NULL, NULL);
        }
      else
        {
          set_note (self, NULL);
          set_step_button (self, _("Download _Again"), "experiment.start-run");
        }
      break;

    case MW_EXPERIMENT_RESULT:
      gtk_label_set_label (self->title_label, _("Result"));
      gtk_label_set_label (self->why_label,
                           _("Same files, same work. In freezing mode the main loop itself waited for the "
                             "network, so it could neither draw nor answer."));
      fill_results (self);
      set_note (self, NULL);
      set_step_button (self, NULL, NULL);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
set_step (MwExperiment     *self,
          MwExperimentStep  step)
{
  self->step = step;
  /* Freezing mode already on: the second step is done before it is asked for. */
  if (self->step == MW_EXPERIMENT_SWITCH && blocking_mode (self))
    self->step = MW_EXPERIMENT_FREEZING;
  update (self);
}

/* --- Measuring a run --------------------------------------------------------------- */

static int
refresh_millihertz (MwExperiment *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native ? gtk_native_get_surface (native) : NULL;
  GdkMonitor *monitor = NULL;

  if (surface != NULL)
    monitor = gdk_display_get_monitor_at_surface (gdk_surface_get_display (surface), surface);
  return monitor != NULL ? gdk_monitor_get_refresh_rate (monitor) : 0;
}

static void state_changed_cb (MwDownload *download, GParamSpec *pspec, MwExperiment *self);

static void
stop_measuring (MwExperiment *self)
{
  g_clear_handle_id (&self->settle_source, g_source_remove);
  if (self->clock != NULL)
    {
      if (self->start_tick != 0)
        gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->start_tick);
      self->start_tick = 0;
      g_clear_signal_handler (&self->frame_handler, self->clock);
      if (self->clock_updating)
        gdk_frame_clock_end_updating (self->clock);
      self->clock_updating = FALSE;
      g_clear_object (&self->clock);
    }
  if (self->monitor != NULL)
    g_clear_signal_handler (&self->tick_handler, self->monitor);
  if (self->downloads != NULL)
    g_clear_signal_handler (&self->finished_handler, self->downloads);
  if (self->banner != NULL)
    g_clear_signal_handler (&self->inputs_handler, self->banner);
  for (guint i = 0; self->run_downloads != NULL && i < self->run_downloads->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->run_downloads, i), state_changed_cb, self);
  g_clear_pointer (&self->run_downloads, g_ptr_array_unref);
  self->run = NULL;
  if (self->running && self->monitor != NULL)
    mw_monitor_release (self->monitor);
  self->running = FALSE;
}

static gboolean
settled_cb (gpointer user_data)
{
  MwExperiment *self = user_data;
  gboolean freezing = self->run == &self->runs[1];

  self->settle_source = 0;
  stop_measuring (self);
  self->have_run[freezing] = TRUE;
  set_step (self, freezing ? MW_EXPERIMENT_RESULT : MW_EXPERIMENT_SWITCH);
  return G_SOURCE_REMOVE;
}

/* The run is over when none of its downloads is left to run: finished, or paused by
 * the person (step 3 asks them to try), or removed from the list. */
static void
check_done (MwExperiment *self)
{
  if (self->run == NULL || self->run->ended != 0)
    return;

  for (guint i = 0; i < self->run_downloads->len; i++)
    {
      MwDownload *download = g_ptr_array_index (self->run_downloads, i);

      if (mw_download_list_find (self->downloads, download, NULL) &&
          !mw_download_is_finished (download) && mw_download_get_state (download) != MW_DOWNLOAD_PAUSED)
        return;
    }

  self->run->ended = g_get_monotonic_time ();
  self->settle_source = g_timeout_add (SETTLE_MS, settled_cb, self);
}

static void
state_changed_cb (MwDownload   *download,
                  GParamSpec   *pspec,
                  MwExperiment *self)
{
  check_done (self);
}

static void
tick_cb (MwMonitor    *monitor,
         gint64        lateness,
         MwExperiment *self)
{
  mw_experiment_run_add_lateness (self->run, lateness, mw_monitor_get_stall_threshold (monitor));
}

static void
frame_cb (GdkFrameClock *clock,
          MwExperiment  *self)
{
  mw_experiment_run_add_frame (self->run, g_get_monotonic_time ());
}

/* The banner's count goes back to 0 when a new freeze starts its report: only what it
 * adds while the run is measured belongs to the run. */
static void
inputs_changed_cb (MwFreezeBanner *banner,
                   GParamSpec     *pspec,
                   MwExperiment   *self)
{
  guint inputs = mw_freeze_banner_get_waited_inputs (banner);

  if (inputs > self->inputs_seen)
    self->run->waited_inputs += inputs - self->inputs_seen;
  self->inputs_seen = inputs;
}

static void
add_downloads (MwExperiment *self)
{
  const char * const *urls = self->urls ? (const char * const *) self->urls
                                        : mw_application_get_demo_urls (self->application);
  g_autoptr(GError) first_error = NULL;

  mw_experiment_run_start (self->run, g_get_monotonic_time (), refresh_millihertz (self));
  self->inputs_seen = self->banner ? mw_freeze_banner_get_waited_inputs (self->banner) : 0;
  self->tick_handler = g_signal_connect (self->monitor, "tick", G_CALLBACK (tick_cb), self);
  if (self->banner != NULL)
    self->inputs_handler = g_signal_connect (self->banner, "notify::waited-inputs",
                                             G_CALLBACK (inputs_changed_cb), self);
  if (self->clock != NULL)
    {
      /* Every frame the refresh rate asks for, whether or not anything changed: a frame
       * that does not come is then one the main loop could not draw. */
      self->frame_handler = g_signal_connect (self->clock, "after-paint", G_CALLBACK (frame_cb), self);
      gdk_frame_clock_begin_updating (self->clock);
      self->clock_updating = TRUE;
    }
  self->finished_handler = g_signal_connect_swapped (self->downloads, "download-finished",
                                                     G_CALLBACK (check_done), self);

  self->run_downloads = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      MwDownload *download = mw_download_list_add (self->downloads, urls[i], NULL, &error);

      if (download == NULL)
        {
          if (first_error == NULL)
            first_error = g_steal_pointer (&error);
          continue;
        }
      g_ptr_array_add (self->run_downloads, g_object_ref (download));
      g_signal_connect (download, "notify::state", G_CALLBACK (state_changed_cb), self);
    }

  /* New rows go to the end of the list: bring the first into view, so that a person
   * asked to pause one can see it. */
  if (self->run_downloads->len > 0 && MW_IS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))))
    mw_window_scroll_to_download (MW_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                  g_ptr_array_index (self->run_downloads, 0));

  if (self->run_downloads->len == 0)
    {
      stop_measuring (self);
      update (self);
      set_note (self, first_error ? first_error->message : _("There are no demo files to download."));
      return;
    }
  check_done (self);
}

/* The downloads are added at the start of a frame, which then lays out and draws their
 * rows and the words that say what to try: in freezing mode the main loop blocks right
 * after that frame, and the person needs to see what there is to click. */
static gboolean
add_downloads_tick_cb (GtkWidget     *widget,
                       GdkFrameClock *clock,
                       gpointer       user_data)
{
  MwExperiment *self = MW_EXPERIMENT (widget);

  self->start_tick = 0;
  add_downloads (self);
  return G_SOURCE_REMOVE;
}

static void
start_run_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MwExperiment *self = MW_EXPERIMENT (widget);
  gboolean freezing = self->step == MW_EXPERIMENT_FREEZING;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  if (self->running || self->application == NULL ||
      (self->step != MW_EXPERIMENT_RESPONSIVE && self->step != MW_EXPERIMENT_FREEZING))
    return;
  if (freezing != blocking_mode (self))
    {
      update (self);
      return;
    }

  self->spoiled = FALSE;
  self->running = TRUE;
  /* The run is timed by the monitor's ticks, from before its first download to after
   * it settled. */
  mw_monitor_hold (self->monitor);
  self->run = &self->runs[freezing];
  *self->run = (MwExperimentRun) { 0 };
  update (self);

  if (clock == NULL)
    {
      add_downloads (self);
      return;
    }
  self->clock = g_object_ref (clock);
  self->start_tick = gtk_widget_add_tick_callback (widget, add_downloads_tick_cb, NULL, NULL);
}

static void
turn_off_freezing_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  MwExperiment *self = MW_EXPERIMENT (widget);

  if (self->application != NULL)
    g_action_group_change_action_state (G_ACTION_GROUP (self->application), "blocking-mode",
                                        g_variant_new_boolean (FALSE));
}

static void
run_again_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MwExperiment *self = MW_EXPERIMENT (widget);

  stop_measuring (self);
  self->have_run[0] = self->have_run[1] = FALSE;
  set_step (self, MW_EXPERIMENT_RESPONSIVE);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MwExperiment *self = MW_EXPERIMENT (widget);

  stop_measuring (self);
  set_step (self, MW_EXPERIMENT_CLOSED);
}

static void
blocking_mode_changed_cb (MwExperiment *self)
{
  gboolean blocking = blocking_mode (self);

  if (self->step == MW_EXPERIMENT_RESPONSIVE && self->running && blocking)
    {
      /* Half a run in each mode would measure neither. */
      stop_measuring (self);
      self->spoiled = TRUE;
    }
  else if (self->step == MW_EXPERIMENT_SWITCH && blocking)
    self->step = MW_EXPERIMENT_FREEZING;
  else if (self->step == MW_EXPERIMENT_FREEZING && !self->running && !blocking)
    self->step = MW_EXPERIMENT_SWITCH;
  update (self);
}

/* --- Public ------------------------------------------------------------------------ */

void
mw_experiment_set_application (MwExperiment   *self,
                               MwApplication  *application,
                               MwFreezeBanner *banner)
{
  g_return_if_fail (MW_IS_EXPERIMENT (self));
  g_return_if_fail (self->application == NULL);

  self->application = application;
  self->downloads = g_object_ref (mw_application_get_downloads (application));
  self->monitor = g_object_ref (mw_application_get_monitor (application));
  self->banner = banner ? g_object_ref (banner) : NULL;
  g_signal_connect_object (application, "action-state-changed::blocking-mode",
                           G_CALLBACK (blocking_mode_changed_cb), self, G_CONNECT_SWAPPED);
}

/* Downloads these instead of the demo server's sample files (%NULL for those again). */
void
mw_experiment_set_urls (MwExperiment       *self,
                        const char * const *urls)
{
  g_return_if_fail (MW_IS_EXPERIMENT (self));

  g_strfreev (self->urls);
  self->urls = g_strdupv ((char **) urls);
}

/* @freezing_switch is asked for by the second step: it pulses while it waits. */
void
mw_experiment_point_at (MwExperiment *self,
                        GtkWidget    *freezing_switch)
{
  g_return_if_fail (MW_IS_EXPERIMENT (self));
  g_return_if_fail (GTK_IS_WIDGET (freezing_switch));

  if (self->pointed_at == NULL)
    self->pointed_at = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->pointed_at, g_object_ref (freezing_switch));
}

/* Shows the card at its first step, or where it was if it is open already. */
void
mw_experiment_open (MwExperiment *self)
{
  g_return_if_fail (MW_IS_EXPERIMENT (self));

  if (self->step == MW_EXPERIMENT_CLOSED)
    {
      self->spoiled = FALSE;
      self->have_run[0] = self->have_run[1] = FALSE;
      set_step (self, MW_EXPERIMENT_RESPONSIVE);
    }
  if (gtk_widget_get_visible (GTK_WIDGET (self->step_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->step_button));
}

MwExperimentStep
mw_experiment_get_step (MwExperiment *self)
{
  g_return_val_if_fail (MW_IS_EXPERIMENT (self), MW_EXPERIMENT_CLOSED);
  return self->step;
}

/* Returns: whether a run is under way, from the button until it has been measured */
gboolean
mw_experiment_is_running (MwExperiment *self)
{
  g_return_val_if_fail (MW_IS_EXPERIMENT (self), FALSE);
  return self->running;
}

/* Returns: (nullable): the measurements of the run in that mode, once it is complete */
const MwExperimentRun *
mw_experiment_get_run (MwExperiment *self,
                       gboolean      freezing)
{
  g_return_val_if_fail (MW_IS_EXPERIMENT (self), NULL);
  return self->have_run[!!freezing] ? &self->runs[!!freezing] : NULL;
}

/* --- Life cycle -------------------------------------------------------------------- */

static void
mw_experiment_unrealize (GtkWidget *widget)
{
  MwExperiment *self = MW_EXPERIMENT (widget);

  /* The frame clock belongs to the window being unrealized. */
  if (self->running)
    {
      stop_measuring (self);
      update (self);
    }
  GTK_WIDGET_CLASS (mw_experiment_parent_class)->unrealize (widget);
}

static void
mw_experiment_dispose (GObject *object)
{
  MwExperiment *self = MW_EXPERIMENT (object);

  stop_measuring (self);
  if (self->pointed_at != NULL)
    for (guint i = 0; i < self->pointed_at->len; i++)
      gtk_widget_remove_css_class (g_ptr_array_index (self->pointed_at, i), "experiment-pulse");
  g_clear_pointer (&self->pointed_at, g_ptr_array_unref);
  g_clear_object (&self->downloads);
  g_clear_object (&self->monitor);
  g_clear_object (&self->banner);
  self->application = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), MW_TYPE_EXPERIMENT);

  G_OBJECT_CLASS (mw_experiment_parent_class)->dispose (object);
}

static void
mw_experiment_finalize (GObject *object)
{
  MwExperiment *self = MW_EXPERIMENT (object);

  g_strfreev (self->urls);

  G_OBJECT_CLASS (mw_experiment_parent_class)->finalize (object);
}

static void
mw_experiment_class_init (MwExperimentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_experiment_dispose;
  object_class->finalize = mw_experiment_finalize;
  widget_class->unrealize = mw_experiment_unrealize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/mw-experiment.ui");
  gtk_widget_class_bind_template_child (widget_class, MwExperiment, revealer);
  gtk_widget_class_bind_template_child (widget_class, MwExperiment, step_label);
  gtk_widget_class_bind_template_child (widget_class, MwExperiment, title_label);
  gtk_widget_class_bind_template_child (widget_class, MwExperiment, why_label);
  gtk_widget_class_bind_template_child (widget_class, MwExperiment, note_label);
  gtk_widget_class_bind_template_child (widget_class, MwExperiment, result_grid);
  gtk_widget_class_bind_template_child (widget_class, MwExperiment, step_button);
  gtk_widget_class_bind_template_child (widget_class, MwExperiment, result_buttons);
  gtk_widget_class_bind_template_child (widget_class, MwExperiment, turn_off_button);

  gtk_widget_class_install_action (widget_class, "experiment.start-run", NULL, start_run_action);
  gtk_widget_class_install_action (widget_class, "experiment.turn-off-freezing", NULL, turn_off_freezing_action);
  gtk_widget_class_install_action (widget_class, "experiment.run-again", NULL, run_again_action);
  gtk_widget_class_install_action (widget_class, "experiment.close", NULL, close_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mw_experiment_init (MwExperiment *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < 2; i++)
    for (guint row = 0; row < N_ROWS; row++)
      {
        self->cells[i][row] = GTK_LABEL (gtk_label_new (NULL));
        gtk_label_set_xalign (self->cells[i][row], 1);
        gtk_widget_add_css_class (GTK_WIDGET (self->cells[i][row]), "numeric");
        gtk_grid_attach (self->result_grid, GTK_WIDGET (self->cells[i][row]), 1 + i, 1 + row, 1, 1);
      }
  update (self);
}
