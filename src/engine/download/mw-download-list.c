/* mw-download-list.c: the downloads, their queue and their state file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-download-list"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mw-download-list.h"
#include "mw-download-private.h"
#include "mw-download-store.h"
#include "mw-error.h"
#include "mw-http.h"
#include "mw-state-file.h"

#define DEFAULT_MAX_CONCURRENT  4
#define DEFAULT_TIMEOUT_SECONDS 30
#define DEFAULT_MAX_ATTEMPTS    6
#define DEFAULT_RETRY_BASE_MS   1000
#define DEFAULT_RETRY_MAX_MS    (60 * 1000)
/* libsoup matches each request that needs a connection against every connection still
 * being set up, walking its whole queue for each: hundreds of transfers started at once
 * cost it seconds of the main loop. So only this many wait for their response at a
 * time; the others start as answers arrive. */
#define MAX_AWAITING_RESPONSE 64

struct _MwDownloadList
{
  GObject       parent_instance;

  GPtrArray    *items;
  SoupSession  *session;
  GFile        *folder;
  GFile        *state_file;
  guint         max_concurrent;
  guint         n_active;
  gboolean      blocking_mode;
  guint         timeout_seconds;
  guint         max_attempts;
  guint         retry_base_ms;
  guint         retry_max_ms;

  guint         pump_source;
  gboolean      held_back;      /* queued downloads wait for others' responses */
  gboolean      shut_down;      /* starts nothing any more */
  GHashTable   *slotless;       /* runs waiting out a back-off, their slot given back… */
  GHashTable   *want_slot;      /* …and those of them whose wait is over */
  MwReservedNames *reserved;    /* the paths the downloads' files hold… */
  GHashTable   *held;           /* …and which download holds which */

  gboolean      loaded;         /* never save before the old file was read */
  guint         n_restored;     /* how many saved downloads are back in the list */
  char         *load_error;
  MwStateSaver *saver;
  GCancellable *cancellable;
};

static void mw_download_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MwDownloadList, mw_download_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      mw_download_list_model_init))

enum {
  PROP_0,
  PROP_MAX_CONCURRENT,
  PROP_BLOCKING_MODE,
  PROP_DOWNLOAD_FOLDER,
  PROP_N_ACTIVE,
  PROP_LOAD_ERROR,
  PROP_LOADED,
  PROP_STATE_FILE,
  PROP_N_ITEMS,
  N_PROPS
};

enum {
  DOWNLOAD_FINISHED,
  DOWNLOAD_EVENT,
  QUEUE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_pump (MwDownloadList *self);
static void schedule_save (MwDownloadList *self);

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

/* --- Running downloads ------------------------------------------------------------ */

static GFile *
default_folder (void)
{
  const char *downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);

  if (downloads != NULL)
    return g_file_new_for_path (downloads);
  return g_file_new_build_filename (g_get_home_dir (), "Downloads", NULL);
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
    self->n_active--;
  _mw_download_finish_run (download, error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACTIVE]);

  if (mw_download_is_finished (download))
    g_signal_emit (self, signals[DOWNLOAD_FINISHED], 0, download);

  schedule_pump (self);
}

static void
release_slot_cb (gpointer    owner,
                 MwDownload *download)
{
  MwDownloadList *self = owner;

  g_hash_table_add (self->slotless, download);
  self->n_active--;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACTIVE]);
  schedule_pump (self);
}

static void
take_slot (MwDownloadList *self,
           MwDownload     *download)
{
  g_hash_table_remove (self->want_slot, download);
  g_hash_table_remove (self->slotless, download);
  self->n_active++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACTIVE]);
}

/* A run's wait is over: a free slot is its at once, else it waits for the pump. In
 * freezing mode it always waits for the pump: its attempt blocks, and only the pump
 * starts blocking work, one transfer a turn. */
static gboolean
request_slot_cb (gpointer    owner,
                 MwDownload *download)
{
  MwDownloadList *self = owner;

  if (self->shut_down)
    return FALSE;
  if (self->n_active < self->max_concurrent && !self->blocking_mode)
    {
      take_slot (self, download);
      return TRUE;
    }
  g_hash_table_add (self->want_slot, download);
  schedule_pump (self);
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
    .reserved = self->reserved,
    .saver = self->saver,
    .release_slot = release_slot_cb,
    .request_slot = request_slot_cb,
    .slot_owner = self,
  };

  self->n_active++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACTIVE]);
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

  /* In order of the list: the first added is the first served. */
  for (guint i = 0; i < self->items->len && self->n_active < self->max_concurrent; i++)
    {
      MwDownload *download = g_ptr_array_index (self->items, i);
      gboolean blocking = self->blocking_mode;

      /* A run whose wait is over takes its turn in the list's order too. */
      if (g_hash_table_contains (self->want_slot, download))
        {
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
    schedule_pump (self);

  return G_SOURCE_REMOVE;
}

/* Starting from an idle callback lets the caller return first: adding a download in
 * freezing mode blocks the main loop, never the code that asked for it. */
static void
schedule_pump (MwDownloadList *self)
{
  int priority = self->blocking_mode ? G_PRIORITY_DEFAULT_IDLE : G_PRIORITY_DEFAULT;

  if (self->pump_source == 0 && !self->shut_down)
    self->pump_source = g_idle_add_full (priority, pump_cb, self, NULL);
}

static void
download_changed_cb (MwDownload     *download,
                     GParamSpec     *pspec,
                     MwDownloadList *self)
{
  update_hold (self, download, TRUE);
  if (mw_download_get_state (download) == MW_DOWNLOAD_QUEUED)
    schedule_pump (self);
  schedule_save (self);
  if (g_str_equal (pspec->name, "state"))
    g_signal_emit (self, signals[QUEUE_CHANGED], 0);
}

static void
awaiting_changed_cb (MwDownload     *download,
                     GParamSpec     *pspec,
                     MwDownloadList *self)
{
  if (self->held_back && !download->awaiting_response)
    schedule_pump (self);
}

static void
download_event_cb (MwDownload     *download,
                   gint64          time,
                   const char     *text,
                   MwDownloadList *self)
{
  g_signal_emit (self, signals[DOWNLOAD_EVENT], 0, download, time, text);
}

static void
watch_download (MwDownloadList *self,
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
  watch_download (self, download);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_signal_emit (self, signals[QUEUE_CHANGED], 0);
  schedule_pump (self);
  schedule_save (self);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_signal_emit (self, signals[QUEUE_CHANGED], 0);
  schedule_save (self);
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

guint
mw_download_list_get_n_active (MwDownloadList *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), 0);
  return self->n_active;
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
      if (mw_download_get_state (other) == MW_DOWNLOAD_QUEUED && !mw_download_is_active (other))
        ahead++;
    }
  return ahead;
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONCURRENT]);
  schedule_pump (self);
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
      schedule_pump (self);
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

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLOCKING_MODE]);
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
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOWNLOAD_FOLDER]);
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

const char *
mw_download_list_get_load_error (MwDownloadList *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), NULL);
  return self->load_error;
}

gboolean
mw_download_list_get_loaded (MwDownloadList *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD_LIST (self), FALSE);
  return self->loaded;
}

/* --- The state file --------------------------------------------------------------- */

static gpointer
parse_state (const char  *data,
             gsize        length,
             guint       *n_skipped,
             GError     **error)
{
  return mw_download_store_parse (data, length, n_skipped, error);
}

static gpointer
snapshot_state (gpointer owner)
{
  MwDownloadList *self = owner;
  GPtrArray *records = g_ptr_array_new_full (self->items->len, (GDestroyNotify) mw_download_record_free);

  for (guint i = 0; i < self->items->len; i++)
    g_ptr_array_add (records, mw_download_record_new_from_download (g_ptr_array_index (self->items, i)));
  return records;
}

static char *
serialize_state (gpointer  snapshot,
                 gsize    *length)
{
  return mw_download_store_serialize (snapshot, length);
}

static void
set_load_error (MwDownloadList *self,
                char           *message)
{
  g_free (self->load_error);
  self->load_error = message;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOAD_ERROR]);
}

/* Earlier downloads come first; anything added while loading stays after them. One
 * items-changed for each batch, not one per download. */
static void
restore_downloads (gpointer user_data,
                   guint    first,
                   guint    n)
{
  GTask *task = user_data;
  MwDownloadList *self = g_task_get_source_object (task);
  GPtrArray *records = g_task_get_task_data (task);
  guint position = MIN (self->n_restored, self->items->len);

  for (guint i = 0; i < n; i++)
    {
      MwDownload *download = mw_download_record_to_download (g_ptr_array_index (records, first + i));

      g_ptr_array_insert (self->items, (gint) (position + i), download);
      watch_download (self, download);
    }
  self->n_restored = position + n;
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, n);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static gboolean
restored_cb (gpointer user_data)
{
  GTask *task = user_data;
  MwDownloadList *self = g_task_get_source_object (task);

  self->loaded = TRUE;
  mw_state_saver_set_enabled (self->saver, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  schedule_pump (self);
  if (self->load_error != NULL || self->items->len > 0)
    schedule_save (self);

  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
load_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MwDownloadList *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  guint n_skipped = 0;
  guint n;

  records = mw_state_file_load_finish (result, &n_skipped, &problem, &error);
  if (error != NULL)
    {
      /* Unreadable and immovable: nothing will be saved over it. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_load_error (self, g_strdup_printf (_("Could not read the list of downloads. %s "
                                                 "It was left as it is, and changes will not be saved."),
                                               error->message));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (problem != NULL)
    set_load_error (self, g_steal_pointer (&problem));
  else if (n_skipped > 0)
    set_load_error (self, g_strdup_printf (ngettext ("One entry of the list of downloads could not be read and was left out.",
                                                     "%u entries of the list of downloads could not be read and were left out.",
                                                     n_skipped),
                                           n_skipped));

  /* A thousand downloads are a thousand rows for a window to build: they go in a batch
   * at a time, and the list counts as loaded when the last one is in. */
  if (records == NULL)
    records = g_ptr_array_new ();
  n = records->len;
  g_task_set_task_data (task, g_steal_pointer (&records), (GDestroyNotify) g_ptr_array_unref);
  mw_state_apply_in_batches (n, 8, restore_downloads, restored_cb, g_steal_pointer (&task), g_object_unref);
}

/* Reads the state file in a worker thread and adds what it holds. Until this has
 * finished the list never saves, so a slow disk cannot lose the old list. */
void
mw_download_list_load_async (MwDownloadList      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_download_list_load_async);

  if (self->state_file == NULL || self->loaded)
    {
      self->loaded = TRUE;
      g_task_return_boolean (task, TRUE);
      return;
    }

  mw_state_file_load_async (self->state_file, parse_state, (GDestroyNotify) g_ptr_array_unref,
                            cancellable, load_cb, g_object_ref (task));
}

gboolean
mw_download_list_load_finish (MwDownloadList  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
schedule_save (MwDownloadList *self)
{
  if (self->saver != NULL)
    mw_state_saver_schedule (self->saver);
}

/* Saves now (after any save under way) and reports when the file is on disk. */
void
mw_download_list_save_async (MwDownloadList      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MW_IS_DOWNLOAD_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_download_list_save_async);
  mw_state_saver_save_for (self->saver, task);
}

gboolean
mw_download_list_save_finish (MwDownloadList  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->slotless, g_hash_table_unref);
  g_clear_pointer (&self->want_slot, g_hash_table_unref);
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
    case PROP_MAX_CONCURRENT:
      g_value_set_uint (value, self->max_concurrent);
      break;
    case PROP_BLOCKING_MODE:
      g_value_set_boolean (value, self->blocking_mode);
      break;
    case PROP_DOWNLOAD_FOLDER:
      g_value_set_object (value, self->folder);
      break;
    case PROP_N_ACTIVE:
      g_value_set_uint (value, self->n_active);
      break;
    case PROP_LOAD_ERROR:
      g_value_set_string (value, self->load_error);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_STATE_FILE:
      g_value_set_object (value, self->state_file);
      break;
    case PROP_N_ITEMS:
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
    case PROP_MAX_CONCURRENT:
      mw_download_list_set_max_concurrent (self, g_value_get_uint (value));
      break;
    case PROP_BLOCKING_MODE:
      mw_download_list_set_blocking_mode (self, g_value_get_boolean (value));
      break;
    case PROP_DOWNLOAD_FOLDER:
      mw_download_list_set_download_folder (self, g_value_get_object (value));
      break;
    case PROP_STATE_FILE:
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

  properties[PROP_MAX_CONCURRENT] =
    g_param_spec_uint ("max-concurrent", NULL, NULL, 1, G_MAXUINT, DEFAULT_MAX_CONCURRENT, rw);
  properties[PROP_BLOCKING_MODE] = g_param_spec_boolean ("blocking-mode", NULL, NULL, FALSE, rw);
  properties[PROP_DOWNLOAD_FOLDER] =
    g_param_spec_object ("download-folder", NULL, NULL, G_TYPE_FILE, rw);
  properties[PROP_N_ACTIVE] = g_param_spec_uint ("n-active", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_LOAD_ERROR] = g_param_spec_string ("load-error", NULL, NULL, NULL, ro);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_STATE_FILE] =
    g_param_spec_object ("state-file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

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
   * Downloads were added, removed, or changed state: the places in the queue may differ.
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
  self->timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->retry_base_ms = DEFAULT_RETRY_BASE_MS;
  self->retry_max_ms = DEFAULT_RETRY_MAX_MS;
  self->session = mw_http_session_new (self->timeout_seconds);
  self->slotless = g_hash_table_new (NULL, NULL);
  self->want_slot = g_hash_table_new (NULL, NULL);
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

  if (state_file != NULL)
    self->saver = mw_state_saver_new (state_file, self, snapshot_state, serialize_state,
                                      (GDestroyNotify) g_ptr_array_unref);
  return self;
}
