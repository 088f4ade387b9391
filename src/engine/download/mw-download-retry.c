/* mw-download-retry.c: after a failed attempt, giving up or waiting to try again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Main thread. The wait is a back-off with jitter, or as long as a Retry-After asks for,
 * or, while the network monitor says there is no network, until it says the network is
 * back; while it lasts the run gives its transfer slot back, and asks for one when it is
 * over.
 *
 * Two ways to give up: most failures are counted, so many attempts in a row without
 * progress end the download; failures of the network itself (no answer, a reset, a
 * time-out) are timed instead, and end it only after the list's network budget without
 * progress, so that a Wi-Fi that drops for a minute does not fail every download.
 *
 * The first attempt of a run is made whatever the monitor says: a monitor knows routes,
 * not servers, and one on this computer or the local network may answer without a
 * default route. Only what follows a failure waits for the network.
 */
#define G_LOG_DOMAIN "mw-download-retry"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-download-private.h"
#include "mw-download-run-private.h"
#include "mw-error.h"

/* A server may ask for a pause before a retry; past this we give up and say so. */
#define MAX_RETRY_AFTER_MS (60 * 60 * 1000)

static gboolean
network_available (MwRun *run)
{
  return run->config->network == NULL || g_network_monitor_get_network_available (run->config->network);
}

/* What a network going away can cause: besides the network's own failures, a body or a
 * response head cut short. An answer from the server (an HTTP status, a wrong range)
 * says the network works. */
static gboolean
network_can_explain (const GError *error)
{
  return mw_error_is_network (error) ||
         g_error_matches (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INCOMPLETE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
         g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING);
}

static void
stop_waiting_for_network (MwRun *run)
{
  /* Disconnecting drops the reference the handler held (after its emission, if inside
   * one): callers hold their own. */
  if (run->network_handler != 0)
    g_clear_signal_handler (&run->network_handler, run->config->network);
}

/* Ends the wait before the next attempt, if the run is waiting. */
void
_mw_retry_stop_waiting (MwRun *run)
{
  stop_waiting_for_network (run);
  if (run->wait_source != NULL)
    g_source_destroy (run->wait_source);
  g_clear_pointer (&run->wait_source, g_source_unref);
  if (run->wait_cancel_source != NULL)
    g_source_destroy (run->wait_cancel_source);
  g_clear_pointer (&run->wait_cancel_source, g_source_unref);
}

static void wait_for_network (GTask      *task,
                              const char *cause);

static gboolean
wait_over_cb (gpointer user_data)
{
  GTask *task = user_data;
  MwRun *run = g_task_get_task_data (task);

  g_clear_pointer (&run->wait_source, g_source_unref);

  if (g_cancellable_is_cancelled (run->run_cancellable))
    {
      _mw_retry_stop_waiting (run);
      _mw_run_return_cancelled (task);
      return G_SOURCE_REMOVE;
    }

  /* About to begin an attempt: without a network it would be spent for nothing. */
  if (!network_available (run))
    {
      wait_for_network (task, NULL);
      return G_SOURCE_REMOVE;
    }

  /* The slot went to another download meanwhile; until one is free again the wait goes
   * on, and a pause or a cancel still ends it. */
  if (run->slot_released &&
      !run->config->request_slot (run->config->slot_owner, run->download))
    {
      /* Held while it waits for a slot: the timer's reference goes now. */
      run->wants_slot = TRUE;
      g_object_ref (task);
      if (run->config->blocking)
        _mw_download_event (run->download, _("Waiting for its turn: the window draws and answers clicks before the next blocking attempt"));
      else
        _mw_download_event (run->download, _("Waiting for a free place in the queue to try again"));
      return G_SOURCE_REMOVE;
    }

  run->slot_released = FALSE;
  _mw_retry_stop_waiting (run);
  _mw_attempt_begin (task);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  MwRun *run = g_task_get_task_data (task);

  _mw_retry_stop_waiting (run);
  if (run->wants_slot)
    {
      run->wants_slot = FALSE;
      g_object_unref (task);
    }
  _mw_run_return_cancelled (task);
  return G_SOURCE_REMOVE;
}

/* The list grants the slot a run asked for when its wait was over. Returns: whether the
 * run took it; FALSE when it has ended (or is ending) meanwhile. */
gboolean
_mw_download_run_take_slot (MwDownload *self)
{
  g_autoptr(GTask) task = NULL;
  MwRun *run;

  if (self->run_task == NULL)
    return FALSE;
  run = g_task_get_task_data (self->run_task);
  /* A cancelled one ends from its cancellable's source, soon. */
  if (!run->wants_slot || g_cancellable_is_cancelled (run->run_cancellable))
    return FALSE;

  task = self->run_task;   /* the reference held while it waited for a slot */
  run->wants_slot = FALSE;
  run->slot_released = FALSE;
  _mw_retry_stop_waiting (run);
  /* The network went while it waited for the slot: it gives the slot back at once. */
  if (!network_available (run))
    wait_for_network (task, NULL);
  else
    _mw_attempt_begin (task);
  return TRUE;
}

/* Returns: whether the run waits before its next attempt: nothing of it is in flight. */
gboolean
_mw_download_run_is_waiting (MwDownload *self)
{
  MwRun *run = self->run_task ? g_task_get_task_data (self->run_task) : NULL;

  return run != NULL && (run->wait_source != NULL || run->wants_slot || run->network_handler != 0);
}

/* A waiting run makes its next attempts in the new mode, after the rest of its wait. */
void
_mw_download_run_set_blocking (MwDownload *self,
                               gboolean    blocking)
{
  g_return_if_fail (_mw_download_run_is_waiting (self));

  ((MwRun *) g_task_get_task_data (self->run_task))->config->blocking = blocking;
}

static guint
backoff_ms (MwRun *run)
{
  guint64 delay = run->config->retry_base_ms;

  for (guint i = 1; i < run->failures && delay < run->config->retry_max_ms; i++)
    delay *= 2;
  delay = MIN (delay, run->config->retry_max_ms);

  /* Full jitter on the upper half keeps many clients from coming back in step. */
  return (guint) (delay / 2 + g_random_int_range (0, (gint32) MAX (1, delay / 2 + 1)));
}

/* Two sources instead of g_cancellable_connect(): a pause during the wait is then seen
 * on a later main-loop iteration, never inside the caller's g_cancellable_cancel(). This
 * one ends any wait; each wait holds the task for it. */
static void
watch_cancellable (GTask *task)
{
  MwRun *run = g_task_get_task_data (task);

  if (run->wait_cancel_source != NULL)
    return;
  run->wait_cancel_source = g_cancellable_source_new (run->run_cancellable);
  g_source_set_callback (run->wait_cancel_source, G_SOURCE_FUNC (wait_cancelled_cb),
                         task, NULL);
  g_source_attach (run->wait_cancel_source, g_main_context_get_thread_default ());
}

/* Waiting needs no connection: the next download in the queue may use the slot. */
static void
give_slot_back (MwRun *run)
{
  if (run->config->release_slot != NULL && !run->slot_released)
    {
      run->slot_released = TRUE;
      run->config->release_slot (run->config->slot_owner, run->download);
    }
}

static void
wait_then_retry (GTask *task,
                 guint  delay_ms)
{
  MwRun *run = g_task_get_task_data (task);

  run->wait_source = g_timeout_source_new (delay_ms);
  g_source_set_callback (run->wait_source, wait_over_cb, task, g_object_unref);
  g_object_ref (task);
  g_source_attach (run->wait_source, g_main_context_get_thread_default ());

  watch_cancellable (task);
  give_slot_back (run);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  MwRun *run = g_task_get_task_data (task);

  if (!available || g_cancellable_is_cancelled (run->run_cancellable))
    return;

  stop_waiting_for_network (run);
  _mw_download_set_waiting_for_network (run->download, FALSE);
  /* Time without a network is no time without progress. */
  run->progress_time = g_get_monotonic_time ();
  _mw_download_event (run->download, _("The network is back"));
  /* The attempt begins from a dispatch of its own, never inside the monitor's signal;
   * it asks for a slot first, as after any wait. */
  wait_then_retry (task, 0);
}

static void
unref_task_closure (gpointer  task,
                    GClosure *closure)
{
  g_object_unref (task);
}

/* The network is gone: no timer, no slot, no attempt until the monitor says it is back;
 * however long that takes, it costs no attempt and none of the network budget. CAUSE is
 * what the failed attempt says, if one just failed. */
static void
wait_for_network (GTask      *task,
                  const char *cause)
{
  MwRun *run = g_task_get_task_data (task);

  g_assert (run->network_handler == 0 && run->config->network != NULL);

  run->network_handler = g_signal_connect_data (run->config->network, "network-changed",
                                                G_CALLBACK (network_changed_cb), g_object_ref (task),
                                                unref_task_closure, 0);
  watch_cancellable (task);
  give_slot_back (run);
  _mw_download_set_waiting_for_network (run->download, TRUE);
  if (cause != NULL)
    _mw_download_event (run->download, _("Waiting for the network: %s"), cause);
  else
    _mw_download_event (run->download, _("Waiting for the network before the next attempt"));
}

/* Whether ERROR is a failure of the network, which ends a run only once the network
 * budget is spent without progress; a budget of 0 leaves the count of attempts alone. */
static gboolean
counts_against_budget (MwRun        *run,
                       const GError *error)
{
  return run->config->network_budget_s > 0 && mw_error_is_network (error);
}

/* The download fails: its network failed for the whole budget. The error keeps the
 * budget and the cause, for the sentence to be said again in another language. */
static GError *
no_progress_error (MwRun  *run,
                   GError *cause)
{
  g_autofree char *host = _mw_download_dup_host (run->download);

  return mw_download_error_new_no_progress (run->config->network_budget_s, cause, host);
}

/* After a failed attempt, its files closed: ends the run with ERROR, or waits and begins
 * another attempt. */
void
_mw_retry_after_failure (GTask  *task,
                         GError *error)
{
  MwRun *run = g_task_get_task_data (task);
  MwDownload *download = run->download;
  /* Progress is getting further than any attempt before: a server that always cuts at
   * the same place and ignores ranges would otherwise be retried for ever. */
  gboolean progressed = run->received > MAX (run->offset, run->furthest);
  gint64 now = g_get_monotonic_time ();
  g_autofree char *host = NULL;
  g_autoptr(MwFailure) failure = NULL;
  guint delay;

  if (g_cancellable_is_cancelled (run->run_cancellable))
    {
      g_clear_error (&error);
      _mw_run_return_cancelled (task);
      return;
    }

  if (progressed)
    run->progress_time = now;

  /* Without a network, the server could not be reached for want of one: the attempt
   * does not count, and the run waits until there is a network again. */
  if (!network_available (run) && network_can_explain (error))
    {
      host = _mw_download_dup_host (download);
      failure = mw_failure_new_from_error (error, host);
      g_debug ("Attempt %u of %s failed (%s) without a network; waiting for it",
               download->attempt, download->url, error->message);
      if (progressed)
        run->failures = 0;
      run->furthest = MAX (run->furthest, run->received);
      _mw_download_set_failure (download, failure);
      g_clear_error (&error);
      _mw_attempt_clear (run);
      wait_for_network (task, download->error_message);
      return;
    }

  if (!mw_error_is_transient (error))
    {
      _mw_run_return (task, error);
      return;
    }

  /* Attempts are counted between bits of progress: a long download over a poor
   * connection may resume many times as long as each attempt gets somewhere. Network
   * failures also need the network budget spent since the last progress. */
  run->failures = progressed ? 1 : run->failures + 1;
  run->furthest = MAX (run->furthest, run->received);
  if (run->failures >= run->config->max_attempts)
    {
      if (!counts_against_budget (run, error))
        {
          _mw_run_return (task, error);
          return;
        }
      if (now - run->progress_time >= (gint64) run->config->network_budget_s * G_USEC_PER_SEC)
        {
          _mw_run_return (task, no_progress_error (run, error));
          return;
        }
    }

  if (run->retry_after_ms > MAX_RETRY_AFTER_MS)
    {
      g_clear_error (&error);
      _mw_run_return (task, g_error_new_literal (MW_DOWNLOAD_ERROR,
                                                 MW_DOWNLOAD_ERROR_RETRY_TOO_LATE,
                                                 "Retry-After too far away"));
      return;
    }

  if (run->retry_after_ms >= 0)
    delay = (guint) run->retry_after_ms;
  else if (g_error_matches (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_BAD_RANGE))
    delay = 0;
  else
    delay = backoff_ms (run);

  host = _mw_download_dup_host (download);
  failure = mw_failure_new_from_error (error, host);
  g_debug ("Attempt %u of %s failed (%s); retrying in %u ms",
           download->attempt, download->url, error->message, delay);
  _mw_download_set_failure (download, failure);
  _mw_download_event (download, _("Will retry in %.1f s: %s"), delay / 1000.0, download->error_message);
  g_clear_error (&error);

  _mw_attempt_clear (run);
  wait_then_retry (task, delay);
}
