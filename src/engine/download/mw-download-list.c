/* mw-download-list.c: the downloads as a list model, and the names their files hold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the main thread. Which downloads run is decided in mw-download-list-queue.c, and
 * the state file is read and written in mw-download-list-state.c.
 */
#define G_LOG_DOMAIN "mw-download-list"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-download-format.h"
#include "mw-download-list-private.h"
#include "mw-error.h"
#include "mw-http.h"

#define DEFAULT_MAX_CONCURRENT  4
#define DEFAULT_MAX_PER_HOST    8
#define DEFAULT_TIMEOUT_SECONDS 30
#define DEFAULT_MAX_ATTEMPTS    6
#define DEFAULT_RETRY_BASE_MS   1000
#define DEFAULT_RETRY_MAX_MS    (60 * 1000)
#define DEFAULT_NETWORK_BUDGET_S (10 * 60)

static void mw_download_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MwDownloadList, mw_download_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      mw_download_list_model_init))

enum {
  DOWNLOAD_FINISHED,
  DOWNLOAD_EVENT,
  QUEUE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[MW_DOWNLOAD_LIST_N_PROPS];
static guint signals[N_SIGNALS];

void
_mw_download_list_notify (MwDownloadList         *self,
                          MwDownloadListProperty  property)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[property]);
}

void
_mw_download_list_download_finished (MwDownloadList *self,
                                     MwDownload     *download)
{
  g_signal_emit (self, signals[DOWNLOAD_FINISHED], 0, download);
}

void
_mw_download_list_queue_changed (MwDownloadList *self)
{
  g_signal_emit (self, signals[QUEUE_CHANGED], 0);
}

/* --- GListModel ----------------------------------------------------------------- */

static GType
mw_download_list_get_item_type (GListModel *model)
{
  return MW_TYPE_DOWNLOAD;
}

static guint
mw_download_list_get_n_items (GListModel *model)
{
  return MW_DOWNLOAD_LIST (model)->items->len;
}

static gpointer
mw_download_list_get_item (GListModel *model,
                           guint       position)
{
  MwDownloadList *self = MW_DOWNLOAD_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
mw_download_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mw_download_list_get_item_type;
  iface->get_n_items = mw_download_list_get_n_items;
  iface->get_item = mw_download_list_get_item;
}

/* Keeps the list's set of held names in step with DOWNLOAD: its file holds its name
 * unless it was cancelled or has left the list. */
static void
update_hold (MwDownloadList *self,
             MwDownload     *download,
             gboolean        in_list)
{
  GFile *file = mw_download_get_file (download);
  const char *old_path = g_hash_table_lookup (self->held, download);
  g_autofree char *new_path = NULL;

  if (in_list && file != NULL && mw_download_get_state (download) != MW_DOWNLOAD_CANCELLED)
    new_path = g_file_get_path (file);
  if (g_strcmp0 (old_path, new_path) == 0)
    return;

  _mw_reserved_names_move (self->reserved, old_path, new_path);
  if (new_path != NULL)
    g_hash_table_insert (self->held, download, g_steal_pointer (&new_path));
  else
    g_hash_table_remove (self->held, download);
}

static void
download_changed_cb (MwDownload     *download,
                     GParamSpec     *pspec,
                     MwDownloadList *self)
{
  update_hold (self, download, TRUE);
  if (mw_download_get_state (download) == MW_DOWNLOAD_QUEUED)
    _mw_download_list_schedule_pump (self);
  _mw_download_list_schedule_save (self);
  if (g_str_equal (pspec->name, "state"))
    g_signal_emit (self, signals[QUEUE_CHANGED], 0);
}

static void
awaiting_changed_cb (MwDownload     *download,
                     GParamSpec     *pspec,
                     MwDownloadList *self)
{
  if (self->held_back && !download->awaiting_response)
    _mw_download_list_schedule_pump (self);
}

static void
download_event_cb (MwDownload     *download,
                   gint64          time,
                   const char     *text,
                   MwDownloadList *self)
{
  g_signal_emit (self, signals[DOWNLOAD_EVENT], 0, download, time, text);
}

void
_mw_download_list_watch (MwDownloadList *self,
                         MwDownload     *download)
{
  update_hold (self, download, TRUE);
  g_signal_connect_object (download, "event", G_CALLBACK (download_event_cb), self, 0);
  g_signal_connect_object (download, "notify::state", G_CALLBACK (download_changed_cb), self, 0);
  g_signal_connect_object (download, "notify::file", G_CALLBACK (download_changed_cb), self, 0);
  g_signal_connect_object (download, "notify::awaiting-response",
                           G_CALLBACK (awaiting_changed_cb), self, 0);
}

void
mw_download_list_insert (MwDownloadList *self,
                         guint           position,
                         MwDownload     *download)
{
  GFile *file;

  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));
  g_return_if_fail (MW_IS_DOWNLOAD (download));

  /* Out of the list, a download holds no name, and one added meanwhile may have taken
   * its name (never its partial file, which no new download picks). Coming back without
   * a file of its own, it starts over under a name of its own. */
  file = mw_download_get_file (download);
  if (file != NULL && mw_download_get_state (download) != MW_DOWNLOAD_COMPLETED &&
      _mw_reserved_names_contains (self->reserved, file))
    _mw_download_forget_file (download);

  position = MIN (position, self->items->len);
  g_ptr_array_insert (self->items, (gint) position, g_object_ref (download));
  _mw_download_list_watch (self, download);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[MW_DOWNLOAD_LIST_PROP_N_ITEMS]);
  g_signal_emit (self, signals[QUEUE_CHANGED], 0);
  _mw_download_list_schedule_pump (self);
  _mw_download_list_schedule_save (self);
}

/* Returns: (transfer none): the new download, queued; or NULL with a message a person can
 * read when URL is no address Meanwhile can download from. */
MwDownload *
mw_download_list_add (MwDownloadList  *self,
                      const char      *url,
                      const char      *expected_sha256,
                      GError         **error)
{
  g_autoptr(MwDownload) download = NULL;
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  trimmed = g_strstrip (g_strdup (url));
  if (!_mw_check_url (trimmed, error))
    return NULL;

  if (expected_sha256 != NULL && *expected_sha256 != '\0' && !_mw_check_sha256 (expected_sha256))
    {
      g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INVALID_URL,
                           _("A SHA-256 checksum is 64 hexadecimal digits."));
      return NULL;
    }

  download = mw_download_new (trimmed);
  mw_download_set_expected_sha256 (download, expected_sha256);
  mw_download_list_insert (self, self->items->len, download);
  return download;
}

gboolean
mw_download_list_find (MwDownloadList *self,
                       MwDownload     *download,
                       guint          *position)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), FALSE);
  return g_ptr_array_find (self->items, download, position);
}

static void
trash_cb (GObject      *source_object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_trash_finish (G_FILE (source_object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_warning ("Could not move a removed download to the Trash: %s", error->message);
}

/* Takes DOWNLOAD out of the list without touching it or its files, so that it can be
 * put back (an undo) with mw_download_list_insert().
 * Returns: (transfer full) (nullable): the download, or NULL if it was not in the list */
MwDownload *
mw_download_list_take (MwDownloadList *self,
                       MwDownload     *download,
                       guint          *position)
{
  guint index;

  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), NULL);
  g_return_val_if_fail (MW_IS_DOWNLOAD (download), NULL);

  if (!g_ptr_array_find (self->items, download, &index))
    return NULL;

  g_signal_handlers_disconnect_by_data (download, self);
  update_hold (self, download, FALSE);
  download = g_ptr_array_steal_index (self->items, index);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[MW_DOWNLOAD_LIST_PROP_N_ITEMS]);
  g_signal_emit (self, signals[QUEUE_CHANGED], 0);
  _mw_download_list_schedule_save (self);
  if (position != NULL)
    *position = index;
  return download;
}

/* Forgets DOWNLOAD. An unfinished one is cancelled (its .part deleted); with TRASH_FILE a
 * finished file goes to the Trash, never straight to oblivion. */
void
mw_download_list_remove (MwDownloadList *self,
                         MwDownload     *download,
                         gboolean        trash_file)
{
  g_autoptr(MwDownload) taken = NULL;

  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));
  g_return_if_fail (MW_IS_DOWNLOAD (download));

  taken = mw_download_list_take (self, download, NULL);
  if (taken == NULL)
    return;

  if (mw_download_get_state (taken) != MW_DOWNLOAD_COMPLETED)
    mw_download_cancel (taken);
  else if (trash_file && mw_download_get_file (taken) != NULL)
    g_file_trash_async (mw_download_get_file (taken), G_PRIORITY_DEFAULT, NULL, trash_cb, NULL);
}

/* Returns: (transfer full): the line under DOWNLOAD's name (mw_format_download_status()),
 * which for a queued download says what it waits for: its host, when that has as many
 * transfers as the list allows one host, else its turn in the queue */
char *
mw_download_list_dup_status (MwDownloadList *self,
                             MwDownload     *download)
{
  g_autofree char *host = NULL;
  guint running = 0;

  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), NULL);
  g_return_val_if_fail (MW_IS_DOWNLOAD (download), NULL);

  if (mw_download_get_state (download) != MW_DOWNLOAD_QUEUED)
    return mw_format_download_status (download, 0);

  if (mw_download_list_is_waiting_for_host (self, download, &host, &running))
    /* Translators: the download waits until fewer of those from its server (a host name,
     * “example.org”) run at once */
    return g_strdup_printf (ngettext ("Waiting — %u download from %s is running",
                                      "Waiting — %u downloads from %s are running", running),
                            running, host);

  return mw_format_download_status (download, mw_download_list_get_queue_position (self, download));
}

guint
mw_download_list_get_n_active (MwDownloadList *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), 0);
  return self->n_active;
}

guint
mw_download_list_get_max_concurrent (MwDownloadList *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), 0);
  return self->max_concurrent;
}

void
mw_download_list_set_max_concurrent (MwDownloadList *self,
                                     guint           max_concurrent)
{
  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  max_concurrent = MAX (1, max_concurrent);
  if (self->max_concurrent == max_concurrent)
    return;
  self->max_concurrent = max_concurrent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[MW_DOWNLOAD_LIST_PROP_MAX_CONCURRENT]);
  _mw_download_list_schedule_pump (self);
}

guint
mw_download_list_get_max_per_host (MwDownloadList *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), 0);
  return self->max_per_host;
}

/* At most MAX_PER_HOST transfers to one host at once, whatever the limit for all hosts;
 * 0 for no limit. Transfers already running beyond a lowered limit run to their end. */
void
mw_download_list_set_max_per_host (MwDownloadList *self,
                                   guint           max_per_host)
{
  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  if (self->max_per_host == max_per_host)
    return;
  self->max_per_host = max_per_host;
  g_object_notify_by_pspec (G_OBJECT (self), properties[MW_DOWNLOAD_LIST_PROP_MAX_PER_HOST]);
  /* Rows that say a download waits for its host may now say otherwise. */
  g_signal_emit (self, signals[QUEUE_CHANGED], 0);
  _mw_download_list_schedule_pump (self);
}

gboolean
mw_download_list_get_blocking_mode (MwDownloadList *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), FALSE);
  return self->blocking_mode;
}

/* Switching modes restarts the running transfers in the new mode; they resume from their
 * .part files, so nothing is downloaded twice. A download waiting before its next attempt
 * waits out the rest in the same run and makes that attempt in the new mode; one asked to
 * pause or to cancel just before stays so. */
void
mw_download_list_set_blocking_mode (MwDownloadList *self,
                                    gboolean        blocking_mode)
{
  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  blocking_mode = !!blocking_mode;
  if (self->blocking_mode == blocking_mode)
    return;
  self->blocking_mode = blocking_mode;

  /* A pump already scheduled moves to the new mode's priority. */
  if (self->pump_source != 0)
    {
      g_clear_handle_id (&self->pump_source, g_source_remove);
      _mw_download_list_schedule_pump (self);
    }

  for (guint i = 0; i < self->items->len; i++)
    {
      MwDownload *download = g_ptr_array_index (self->items, i);

      if (!mw_download_is_active (download))
        continue;
      if (_mw_download_run_is_waiting (download))
        _mw_download_run_set_blocking (download, blocking_mode);
      else
        _mw_download_requeue (download);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[MW_DOWNLOAD_LIST_PROP_BLOCKING_MODE]);
}

/* Returns: (nullable) (transfer none): the folder, or NULL for the XDG download folder */
GFile *
mw_download_list_get_download_folder (MwDownloadList *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), NULL);
  return self->folder;
}

void
mw_download_list_set_download_folder (MwDownloadList *self,
                                      GFile          *folder)
{
  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  if (g_set_object (&self->folder, folder))
    g_object_notify_by_pspec (G_OBJECT (self), properties[MW_DOWNLOAD_LIST_PROP_DOWNLOAD_FOLDER]);
}

void
mw_download_list_set_network_timeout (MwDownloadList *self,
                                      guint           seconds)
{
  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  self->timeout_seconds = seconds;
  soup_session_set_timeout (self->session, seconds);
}

void
mw_download_list_set_retry_policy (MwDownloadList *self,
                                   guint           max_attempts,
                                   guint           base_delay_ms,
                                   guint           max_delay_ms)
{
  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  self->max_attempts = MAX (1, max_attempts);
  self->retry_base_ms = base_delay_ms;
  self->retry_max_ms = MAX (base_delay_ms, max_delay_ms);
}

/* The monitor that says whether there is a network; by default the system's. Runs that
 * already began keep the one they began with. */
void
mw_download_list_set_network_monitor (MwDownloadList  *self,
                                      GNetworkMonitor *monitor)
{
  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));
  g_return_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor));

  g_set_object (&self->network, monitor);
}

/* How long a download may fail to reach its server, or lose its connection, without
 * progress before it fails (the network there all along); 0 counts those failures as
 * attempts like any other. */
void
mw_download_list_set_network_budget (MwDownloadList *self,
                                     guint           seconds)
{
  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  self->network_budget_s = seconds;
}

/* --- GObject ------------------------------------------------------------------------ */

static void
mw_download_list_dispose (GObject *object)
{
  MwDownloadList *self = MW_DOWNLOAD_LIST (object);

  g_clear_handle_id (&self->pump_source, g_source_remove);
  if (self->saver != NULL)
    mw_state_saver_set_enabled (self->saver, FALSE);
  g_clear_object (&self->saver);
  g_cancellable_cancel (self->cancellable);

  if (self->items != NULL)
    {
      for (guint i = 0; i < self->items->len; i++)
        {
          MwDownload *download = g_ptr_array_index (self->items, i);

          g_signal_handlers_disconnect_by_data (download, self);
        }
      g_clear_pointer (&self->items, g_ptr_array_unref);
    }

  g_clear_object (&self->session);
  g_clear_object (&self->folder);
  g_clear_object (&self->state_file);
  g_clear_object (&self->network);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->slotless, g_hash_table_unref);
  g_clear_pointer (&self->want_slot, g_hash_table_unref);
  g_clear_pointer (&self->per_host, g_hash_table_unref);
  g_clear_pointer (&self->held, g_hash_table_unref);

  G_OBJECT_CLASS (mw_download_list_parent_class)->dispose (object);
}

static void
mw_download_list_finalize (GObject *object)
{
  MwDownloadList *self = MW_DOWNLOAD_LIST (object);

  g_free (self->load_error);
  _mw_reserved_names_unref (self->reserved);

  G_OBJECT_CLASS (mw_download_list_parent_class)->finalize (object);
}

static void
mw_download_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MwDownloadList *self = MW_DOWNLOAD_LIST (object);

  switch (prop_id)
    {
    case MW_DOWNLOAD_LIST_PROP_MAX_CONCURRENT:
      g_value_set_uint (value, self->max_concurrent);
      break;
    case MW_DOWNLOAD_LIST_PROP_MAX_PER_HOST:
      g_value_set_uint (value, self->max_per_host);
      break;
    case MW_DOWNLOAD_LIST_PROP_BLOCKING_MODE:
      g_value_set_boolean (value, self->blocking_mode);
      break;
    case MW_DOWNLOAD_LIST_PROP_DOWNLOAD_FOLDER:
      g_value_set_object (value, self->folder);
      break;
    case MW_DOWNLOAD_LIST_PROP_N_ACTIVE:
      g_value_set_uint (value, self->n_active);
      break;
    case MW_DOWNLOAD_LIST_PROP_LOAD_ERROR:
      g_value_set_string (value, self->load_error);
      break;
    case MW_DOWNLOAD_LIST_PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case MW_DOWNLOAD_LIST_PROP_STATE_FILE:
      g_value_set_object (value, self->state_file);
      break;
    case MW_DOWNLOAD_LIST_PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_download_list_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MwDownloadList *self = MW_DOWNLOAD_LIST (object);

  switch (prop_id)
    {
    case MW_DOWNLOAD_LIST_PROP_MAX_CONCURRENT:
      mw_download_list_set_max_concurrent (self, g_value_get_uint (value));
      break;
    case MW_DOWNLOAD_LIST_PROP_MAX_PER_HOST:
      mw_download_list_set_max_per_host (self, g_value_get_uint (value));
      break;
    case MW_DOWNLOAD_LIST_PROP_BLOCKING_MODE:
      mw_download_list_set_blocking_mode (self, g_value_get_boolean (value));
      break;
    case MW_DOWNLOAD_LIST_PROP_DOWNLOAD_FOLDER:
      mw_download_list_set_download_folder (self, g_value_get_object (value));
      break;
    case MW_DOWNLOAD_LIST_PROP_STATE_FILE:
      self->state_file = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_download_list_class_init (MwDownloadListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = mw_download_list_dispose;
  object_class->finalize = mw_download_list_finalize;
  object_class->get_property = mw_download_list_get_property;
  object_class->set_property = mw_download_list_set_property;

  properties[MW_DOWNLOAD_LIST_PROP_MAX_CONCURRENT] =
    g_param_spec_uint ("max-concurrent", NULL, NULL, 1, G_MAXUINT, DEFAULT_MAX_CONCURRENT, rw);
  properties[MW_DOWNLOAD_LIST_PROP_MAX_PER_HOST] =
    g_param_spec_uint ("max-per-host", NULL, NULL, 0, G_MAXUINT, DEFAULT_MAX_PER_HOST, rw);
  properties[MW_DOWNLOAD_LIST_PROP_BLOCKING_MODE] =
    g_param_spec_boolean ("blocking-mode", NULL, NULL, FALSE, rw);
  properties[MW_DOWNLOAD_LIST_PROP_DOWNLOAD_FOLDER] =
    g_param_spec_object ("download-folder", NULL, NULL, G_TYPE_FILE, rw);
  properties[MW_DOWNLOAD_LIST_PROP_N_ACTIVE] =
    g_param_spec_uint ("n-active", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[MW_DOWNLOAD_LIST_PROP_LOAD_ERROR] =
    g_param_spec_string ("load-error", NULL, NULL, NULL, ro);
  properties[MW_DOWNLOAD_LIST_PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[MW_DOWNLOAD_LIST_PROP_STATE_FILE] =
    g_param_spec_object ("state-file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[MW_DOWNLOAD_LIST_PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, MW_DOWNLOAD_LIST_N_PROPS, properties);

  /**
   * MwDownloadList::download-finished:
   *
   * A download completed, failed for good, or was cancelled.
   */
  signals[DOWNLOAD_FINISHED] =
    g_signal_new ("download-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, MW_TYPE_DOWNLOAD);

  /**
   * MwDownloadList::download-event:
   * @download: the download
   * @time: wall-clock microseconds since the epoch; minus
   *   mw_download_get_run_started(), the time since the download's run began
   * @text: what happened
   *
   * Every #MwDownload::event of the downloads in the list, for the event log.
   */
  /**
   * MwDownloadList::queue-changed:
   *
   * Downloads were added, removed, moved, or changed state, or the limit per host
   * changed: the places in the queue may differ.
   */
  signals[QUEUE_CHANGED] =
    g_signal_new ("queue-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  signals[DOWNLOAD_EVENT] =
    g_signal_new ("download-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, MW_TYPE_DOWNLOAD, G_TYPE_INT64, G_TYPE_STRING);
}

static void
mw_download_list_init (MwDownloadList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_concurrent = DEFAULT_MAX_CONCURRENT;
  self->max_per_host = DEFAULT_MAX_PER_HOST;
  self->timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->retry_base_ms = DEFAULT_RETRY_BASE_MS;
  self->retry_max_ms = DEFAULT_RETRY_MAX_MS;
  self->network = g_object_ref (g_network_monitor_get_default ());
  self->network_budget_s = DEFAULT_NETWORK_BUDGET_S;
  self->session = mw_http_session_new (self->timeout_seconds);
  self->slotless = g_hash_table_new (NULL, NULL);
  self->want_slot = g_hash_table_new (NULL, NULL);
  self->per_host = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->reserved = _mw_reserved_names_new ();
  self->held = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * mw_download_list_new:
 * @state_file: (nullable): where the list is saved, or %NULL to keep it in memory
 */
MwDownloadList *
mw_download_list_new (GFile *state_file)
{
  MwDownloadList *self = g_object_new (MW_TYPE_DOWNLOAD_LIST, "state-file", state_file, NULL);

  _mw_download_list_state_init (self);
  return self;
}

