/* mw-download-list-queue.c: which downloads of the list run, and when the next one starts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the main thread. Queued downloads start in the order of the list, up to the
 * list's limit of concurrent transfers and its limit per host, from an idle callback; in
 * freezing mode one transfer a turn, with the main loop running between two turns. The
 * order can be changed: a waiting download moves up or down the list.
 */
#define G_LOG_DOMAIN "mw-download-list-queue"

#include "config.h"

#include "mw-download-list-private.h"

/* libsoup matches each request that needs a connection against every connection still
 * being set up, walking its whole queue for each: hundreds of transfers started at once
 * cost it seconds of the main loop. So only this many wait for their response at a
 * time; the others start as answers arrive. */
#define MAX_AWAITING_RESPONSE 64

static GFile *
default_folder (void)
{
  const char *downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);

  if (downloads != NULL)
    return g_file_new_for_path (downloads);
  return g_file_new_build_filename (g_get_home_dir (), "Downloads", NULL);
}

/* The host a download's transfers go to, for the limit per host: that of the address it
 * was added with, in lower case, without the port (one machine, however many servers it
 * runs). Every attempt, a resumed one too, asks that address first; a redirect to
 * another host is followed from there, and the host that redirects is still asked each
 * time, so it is the one that politeness protects. The final address is known only once
 * the first response has come, too late to decide whether to start; and it may change
 * during a run, which would move a running transfer from one host's count to another.
 * The address never changes: the host is worked out once and kept on the download. */
static const char *
host_of (MwDownload *download)
{
  static GQuark quark = 0;
  const char *host;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("mw-download-list-host");

  host = g_object_get_qdata (G_OBJECT (download), quark);
  if (host == NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (mw_download_get_url (download), G_URI_FLAGS_NONE, NULL);
      const char *name = uri != NULL ? g_uri_get_host (uri) : NULL;
      char *key = g_ascii_strdown (name != NULL ? name : "", -1);

      g_object_set_qdata_full (G_OBJECT (download), quark, key, g_free);
      host = key;
    }
  return host;
}

static guint
count_on_host (MwDownloadList *self,
               const char     *host)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->per_host, host));
}

/* Whether DOWNLOAD's host already has as many transfers as one host may have. */
static gboolean
host_is_full (MwDownloadList *self,
              MwDownload     *download)
{
  return self->max_per_host > 0 &&
         count_on_host (self, host_of (download)) >= self->max_per_host;
}

/* A transfer slot, counted for all hosts and for DOWNLOAD's host. A run holds one while it
 * connects and transfers, and gives it back while it waits out a back-off. The callers
 * notify n-active once the download is in its new state. */
static void
hold_slot (MwDownloadList *self,
           MwDownload     *download)
{
  const char *host = host_of (download);

  g_hash_table_insert (self->per_host, g_strdup (host),
                       GUINT_TO_POINTER (count_on_host (self, host) + 1));
  self->n_active++;
}

static void
drop_slot (MwDownloadList *self,
           MwDownload     *download)
{
  const char *host = host_of (download);
  guint count = count_on_host (self, host);

  g_assert (count > 0);
  if (count == 1)
    g_hash_table_remove (self->per_host, host);
  else
    g_hash_table_insert (self->per_host, g_strdup (host), GUINT_TO_POINTER (count - 1));
  self->n_active--;
}

static void
run_cb (GObject      *source_object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(MwDownloadList) self = user_data;
  MwDownload *download = MW_DOWNLOAD (source_object);
  g_autoptr(GError) error = NULL;

  _mw_download_run_finish (download, result, &error);
  g_hash_table_remove (self->want_slot, download);
  if (!g_hash_table_remove (self->slotless, download))
    drop_slot (self, download);
  _mw_download_finish_run (download, error);
  _mw_download_list_notify (self, MW_DOWNLOAD_LIST_PROP_N_ACTIVE);

  if (mw_download_is_finished (download))
    _mw_download_list_download_finished (self, download);

  _mw_download_list_schedule_pump (self);
}

static void
release_slot_cb (gpointer    owner,
                 MwDownload *download)
{
  MwDownloadList *self = owner;

  g_hash_table_add (self->slotless, download);
  drop_slot (self, download);
  _mw_download_list_notify (self, MW_DOWNLOAD_LIST_PROP_N_ACTIVE);
  _mw_download_list_schedule_pump (self);
}

static void
take_slot (MwDownloadList *self,
           MwDownload     *download)
{
  g_hash_table_remove (self->want_slot, download);
  g_hash_table_remove (self->slotless, download);
  hold_slot (self, download);
  _mw_download_list_notify (self, MW_DOWNLOAD_LIST_PROP_N_ACTIVE);
}

/* A run's wait is over: a free slot is its at once, else it waits for the pump (which
 * also waits for a slot its host may have). In freezing mode it always waits for the
 * pump: its attempt blocks, and only the pump starts blocking work, one transfer a turn. */
static gboolean
request_slot_cb (gpointer    owner,
                 MwDownload *download)
{
  MwDownloadList *self = owner;

  if (self->shut_down)
    return FALSE;
  if (self->n_active < self->max_concurrent && !self->blocking_mode &&
      !host_is_full (self, download))
    {
      take_slot (self, download);
      return TRUE;
    }
  g_hash_table_add (self->want_slot, download);
  _mw_download_list_schedule_pump (self);
  return FALSE;
}

static void
start_download (MwDownloadList *self,
                MwDownload     *download)
{
  g_autoptr(GFile) folder = self->folder ? g_object_ref (self->folder) : default_folder ();
  MwTransferConfig config = {
    .session = self->session,
    .folder = folder,
    .blocking = self->blocking_mode,
    .max_attempts = self->max_attempts,
    .retry_base_ms = self->retry_base_ms,
    .retry_max_ms = self->retry_max_ms,
    .network = self->network,
    .network_budget_s = self->network_budget_s,
    .reserved = self->reserved,
    .saver = self->saver,
    .release_slot = release_slot_cb,
    .request_slot = request_slot_cb,
    .slot_owner = self,
  };

  hold_slot (self, download);
  _mw_download_list_notify (self, MW_DOWNLOAD_LIST_PROP_N_ACTIVE);
  _mw_download_begin_run (download);
  _mw_download_run_async (download, &config, run_cb, g_object_ref (self));
}

static gboolean
pump_cb (gpointer user_data)
{
  MwDownloadList *self = user_data;
  gboolean took_turn = FALSE;
  guint awaiting = 0;

  self->pump_source = 0;
  self->held_back = FALSE;
  if (self->shut_down)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < self->items->len; i++)
    if (MW_DOWNLOAD (g_ptr_array_index (self->items, i))->awaiting_response)
      awaiting++;

  /* In order of the list: the first added (or moved up) is the first served. One whose
   * host has all the transfers it may have waits on without holding up those behind it. */
  for (guint i = 0; i < self->items->len && self->n_active < self->max_concurrent; i++)
    {
      MwDownload *download = g_ptr_array_index (self->items, i);
      gboolean blocking = self->blocking_mode;

      /* A run whose wait is over takes its turn in the list's order too. */
      if (g_hash_table_contains (self->want_slot, download))
        {
          if (host_is_full (self, download))
            continue;
          take_slot (self, download);
          if (_mw_download_run_take_slot (download) && blocking)
            {
              took_turn = TRUE;
              break;
            }
        }
      else if (mw_download_get_state (download) == MW_DOWNLOAD_QUEUED &&
               !mw_download_is_active (download))
        {
          if (host_is_full (self, download))
            continue;
          if (awaiting >= MAX_AWAITING_RESPONSE)
            {
              self->held_back = TRUE;
              break;
            }
          start_download (self, download);
          if (download->awaiting_response)
            awaiting++;
          if (blocking)
            {
              took_turn = TRUE;
              break;
            }
        }
    }

  /* In freezing mode a turn is one transfer, which has run to its end (or to a wait)
   * by now. The next one starts from a later dispatch of the main loop, at a priority
   * below input and drawing: the window takes the clicks that waited and draws a frame
   * first, and a switch turned off meanwhile has the rest run responsive. */
  if (took_turn)
    _mw_download_list_schedule_pump (self);

  return G_SOURCE_REMOVE;
}

/* Starting from an idle callback lets the caller return first: adding a download in
 * freezing mode blocks the main loop, never the code that asked for it. */
void
_mw_download_list_schedule_pump (MwDownloadList *self)
{
  int priority = self->blocking_mode ? G_PRIORITY_DEFAULT_IDLE : G_PRIORITY_DEFAULT;

  if (self->pump_source == 0 && !self->shut_down)
    self->pump_source = g_idle_add_full (priority, pump_cb, self, NULL);
}

/* Waiting in the queue: queued, and no run of it under way. */
static gboolean
is_waiting (MwDownload *download)
{
  return mw_download_get_state (download) == MW_DOWNLOAD_QUEUED && !mw_download_is_active (download);
}

/* Returns: how many queued downloads will start before DOWNLOAD does */
guint
mw_download_list_get_queue_position (MwDownloadList *self,
                                     MwDownload     *download)
{
  guint ahead = 0;

  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    {
      MwDownload *other = g_ptr_array_index (self->items, i);

      if (other == download)
        break;
      if (is_waiting (other))
        ahead++;
    }
  return ahead;
}

/**
 * mw_download_list_is_waiting_for_host:
 * @host: (out) (optional) (transfer full): the host it waits for
 * @n_running: (out) (optional): how many transfers to that host run now
 *
 * Returns: whether DOWNLOAD waits in the queue while its host has as many transfers as
 *   the list allows one host (see mw_download_list_set_max_per_host())
 */
gboolean
mw_download_list_is_waiting_for_host (MwDownloadList  *self,
                                      MwDownload      *download,
                                      char           **host,
                                      guint           *n_running)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), FALSE);
  g_return_val_if_fail (MW_IS_DOWNLOAD (download), FALSE);

  if (!is_waiting (download) || !host_is_full (self, download))
    return FALSE;
  if (host != NULL)
    *host = g_strdup (host_of (download));
  if (n_running != NULL)
    *n_running = count_on_host (self, host_of (download));
  return TRUE;
}

/**
 * mw_download_list_move:
 * @position: where DOWNLOAD is in the list afterwards; past the end means last
 *
 * Moves a download that waits in the queue to another place in the list, and so in the
 * queue, which starts downloads in the list's order. The state file keeps the new order.
 * A download that runs, is paused or has finished has no place in the queue: it stays
 * where it is, and this returns %FALSE (as it does for one not in the list).
 *
 * Returns: whether DOWNLOAD was moved (or already was at POSITION)
 */
gboolean
mw_download_list_move (MwDownloadList *self,
                       MwDownload     *download,
                       guint           position)
{
  guint from;

  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), FALSE);
  g_return_val_if_fail (MW_IS_DOWNLOAD (download), FALSE);

  if (!is_waiting (download) || !g_ptr_array_find (self->items, download, &from))
    return FALSE;
  position = MIN (position, self->items->len - 1);
  if (position == from)
    return TRUE;

  /* The list's reference moves with the pointer: steal, then put back. */
  g_ptr_array_steal_index (self->items, from);
  g_ptr_array_insert (self->items, (gint) position, download);

  /* Downloads still being restored go in after the restored ones: keep that boundary
   * where it was among the others. */
  if (from < self->n_restored && position >= self->n_restored)
    self->n_restored--;
  else if (from >= self->n_restored && position < self->n_restored)
    self->n_restored++;

  g_list_model_items_changed (G_LIST_MODEL (self), MIN (from, position),
                              MAX (from, position) - MIN (from, position) + 1,
                              MAX (from, position) - MIN (from, position) + 1);
  _mw_download_list_queue_changed (self);
  _mw_download_list_schedule_save (self);
  return TRUE;
}

/* Returns: whether there is a download waiting in the queue before (DIRECTION < 0) or
 * after DOWNLOAD, itself waiting, and if so where in the list the nearest one is */
static gboolean
find_queue_neighbour (MwDownloadList *self,
                      MwDownload     *download,
                      int             direction,
                      guint          *position)
{
  guint index;

  if (!is_waiting (download) || !g_ptr_array_find (self->items, download, &index))
    return FALSE;

  while (direction < 0 ? index > 0 : index + 1 < self->items->len)
    {
      index = direction < 0 ? index - 1 : index + 1;
      if (is_waiting (g_ptr_array_index (self->items, index)))
        {
          *position = index;
          return TRUE;
        }
    }
  return FALSE;
}

/* Returns: whether mw_download_list_move_in_queue() would move DOWNLOAD */
gboolean
mw_download_list_can_move_in_queue (MwDownloadList *self,
                                    MwDownload     *download,
                                    int             direction)
{
  guint position;

  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), FALSE);
  g_return_val_if_fail (MW_IS_DOWNLOAD (download), FALSE);

  return find_queue_neighbour (self, download, direction, &position);
}

/**
 * mw_download_list_move_in_queue:
 * @direction: negative to move towards the front of the queue, positive towards its end
 *
 * Moves DOWNLOAD one place up (or down) the queue: just before the nearest download that
 * waits before it in the list (or just after the nearest one after it), past any running,
 * paused or finished downloads in between.
 *
 * Returns: whether DOWNLOAD moved: %FALSE when it does not wait in the queue, or is
 *   first (or last) in it
 */
gboolean
mw_download_list_move_in_queue (MwDownloadList *self,
                                MwDownload     *download,
                                int             direction)
{
  guint position;

  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), FALSE);
  g_return_val_if_fail (MW_IS_DOWNLOAD (download), FALSE);

  return find_queue_neighbour (self, download, direction, &position) &&
         mw_download_list_move (self, download, position);
}

/**
 * mw_download_list_shutdown:
 *
 * For a process about to exit: the list starts no transfer any more, not even one that
 * is queued or whose wait is over, and stops those that run. Stopped ones are queued
 * again, so the state file has them resume at the next start.
 */
void
mw_download_list_shutdown (MwDownloadList *self)
{
  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  self->shut_down = TRUE;
  g_clear_handle_id (&self->pump_source, g_source_remove);
  g_hash_table_remove_all (self->want_slot);
  for (guint i = 0; i < self->items->len; i++)
    _mw_download_requeue (g_ptr_array_index (self->items, i));
}
