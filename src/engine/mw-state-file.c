/* mw-state-file.c: reading and writing a state file without blocking or losing it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading happens in a worker thread; a file that cannot be read is renamed aside
 * (NAME.broken-DATE) so that nothing overwrites what a person may want back. Saving
 * copies the state on the main thread, then serialises and writes it atomically (a
 * temporary file, synced, renamed) in a worker thread, a moment after the last change.
 */
#define G_LOG_DOMAIN "mw-state-file"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mw-state-file.h"
#include "mw-timeline.h"

/* Changes come in bursts (ten downloads finishing together); one save covers them. */
#define SAVE_DELAY_MS 300
#define MAX_SAVE_DELAY_MS 5000

typedef struct
{
  GFile            *file;
  MwStateParseFunc  parse;
  GDestroyNotify    free_result;
  gpointer          result;
  guint             n_skipped;
  char             *problem;
} Load;

static void
load_free (Load *load)
{
  g_clear_object (&load->file);
  if (load->result != NULL && load->free_result != NULL)
    load->free_result (load->result);
  g_free (load->problem);
  g_free (load);
}

static char *
set_aside (GFile   *file,
           GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *path = g_file_get_path (file);

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *aside = i == 0 ? g_strdup_printf ("%s.broken-%s", path, stamp)
                                      : g_strdup_printf ("%s.broken-%s-%u", path, stamp, i);

      if (g_file_test (aside, G_FILE_TEST_EXISTS))
        continue;
      if (g_rename (path, aside) == 0)
        return g_steal_pointer (&aside);
      {
        int errsv = errno;

        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                     _("It could not be set aside (%s)."), g_strerror (errsv));
      }
      return NULL;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "Too many set-aside state files");
  return NULL;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  g_autofree char *contents = NULL;
  g_autoptr(GError) problem = NULL;
  GError *error = NULL;
  gsize length = 0;

  if (!g_file_load_contents (load->file, cancellable, &contents, &length, NULL, &error))
    {
      g_autofree char *path = g_file_get_path (load->file);

      /* The first start: nothing to read, nothing wrong. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_task_return_boolean (task, TRUE);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
        g_task_return_new_error (task, G_IO_ERROR, error->code,
                                 _("You do not have permission to read “%s”."), path);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
        g_task_return_new_error (task, G_IO_ERROR, error->code,
                                 _("“%s” is a folder, not a file."), path);
      else
        g_task_return_new_error (task, error->domain, error->code,
                                 _("“%s” could not be read (%s)."), path, error->message);
      g_clear_error (&error);
      return;
    }

  load->result = load->parse (contents, length, &load->n_skipped, &problem);
  if (load->result == NULL)
    {
      g_autofree char *aside = set_aside (load->file, &error);
      g_autofree char *name = NULL;

      /* Unreadable and immovable: refuse to load, so that nothing overwrites it. */
      if (aside == NULL)
        {
          g_task_return_new_error (task, error->domain, error->code, "%s %s",
                                   problem ? problem->message : "", error->message);
          g_clear_error (&error);
          return;
        }
      name = g_path_get_basename (aside);
      load->problem = g_strdup_printf (_("%s It was kept as “%s” and Meanwhile started without it."),
                                       problem ? problem->message : "", name);
    }

  g_task_return_boolean (task, TRUE);
}

void
mw_state_file_load_async (GFile               *file,
                          MwStateParseFunc     parse,
                          GDestroyNotify       free_result,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Load *load = g_new0 (Load, 1);

  load->file = g_object_ref (file);
  load->parse = parse;
  load->free_result = free_result;
  g_task_set_source_tag (task, mw_state_file_load_async);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  g_task_run_in_thread (task, load_thread);
}

/* Returns: (transfer full) (nullable): what the parser made of the file, or NULL when
 * there was no file or it was set aside (then PROBLEM says so); NULL with ERROR when the
 * file could be neither read nor moved. */
gpointer
mw_state_file_load_finish (GAsyncResult  *result,
                           guint         *n_skipped,
                           char         **problem,
                           GError       **error)
{
  Load *load = g_task_get_task_data (G_TASK (result));

  if (n_skipped != NULL)
    *n_skipped = 0;
  if (problem != NULL)
    *problem = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  if (n_skipped != NULL)
    *n_skipped = load->n_skipped;
  if (problem != NULL)
    *problem = g_steal_pointer (&load->problem);
  return g_steal_pointer (&load->result);
}

/* --- Applying what was read --------------------------------------------------------- */

/* How long one batch may hold the main loop. What a model change costs includes the list
 * rows a window builds for it, which it lays out in its next frame: after a batch that
 * cost this much, the next one waits for a frame's time, so that each frame has only one
 * batch of new rows to lay out. */
#define BATCH_BUDGET_US 4000
#define FRAME_US        16667

typedef struct
{
  GSource         *source;
  guint            n_items;
  guint            next;
  guint            batch;
  MwStateApplyFunc apply;
  GSourceFunc      done;
  gpointer         user_data;
  GDestroyNotify   destroy;
} Batches;

static void
batches_free (Batches *batches)
{
  if (batches->destroy != NULL)
    batches->destroy (batches->user_data);
  g_free (batches);
}

static gboolean
apply_batch_cb (gpointer data)
{
  Batches *batches = data;
  gint64 start = g_get_monotonic_time ();
  guint n = MIN (batches->batch, batches->n_items - batches->next);
  gint64 elapsed;

  if (n > 0)
    batches->apply (batches->user_data, batches->next, n);
  batches->next += n;

  /* The next batch is sized by this one: items that cost little (no rows to build any
   * more) go in fast, costly ones a few at a time, a frame apart. */
  elapsed = g_get_monotonic_time () - start;
  if (elapsed < BATCH_BUDGET_US / 2 && batches->batch <= G_MAXUINT / 2)
    batches->batch *= 2;
  else if (elapsed > BATCH_BUDGET_US && batches->batch > 1)
    batches->batch /= 2;

  if (batches->next >= batches->n_items)
    {
      batches->done (batches->user_data);
      return G_SOURCE_REMOVE;
    }
  g_source_set_ready_time (batches->source,
                           elapsed < BATCH_BUDGET_US / 2 ? 0 : g_get_monotonic_time () + FRAME_US);
  return G_SOURCE_CONTINUE;
}

/* A source that runs when its ready time comes, and only then. */
static gboolean
batch_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs batch_source_funcs = {
  NULL, NULL, batch_source_dispatch, NULL, NULL, NULL,
};

/**
 * mw_state_apply_in_batches:
 * @n_items: how many items were read
 * @first_batch: how many to put in the model first; later batches are sized by how
 *   long the previous one took
 * @apply: puts a range of them in the model
 * @done: called once all are in (its return value is ignored)
 * @destroy: (nullable): frees @user_data after @done
 *
 * Hands what a state file held to its model a batch at a time, below the priority of
 * drawing: a window shows its first rows at once and stays responsive while thousands
 * more arrive, instead of building them all in one stall.
 */
void
mw_state_apply_in_batches (guint            n_items,
                           guint            first_batch,
                           MwStateApplyFunc apply,
                           GSourceFunc      done,
                           gpointer         user_data,
                           GDestroyNotify   destroy)
{
  Batches *batches = g_new0 (Batches, 1);
  g_autoptr(GSource) source = g_source_new (&batch_source_funcs, sizeof (GSource));

  batches->n_items = n_items;
  batches->batch = MAX (1, first_batch);
  batches->apply = apply;
  batches->done = done;
  batches->user_data = user_data;
  batches->destroy = destroy;

  batches->source = source;
  g_source_set_ready_time (source, 0);
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_name (source, "[meanwhile] applying a state file");
  g_source_set_callback (source, apply_batch_cb, batches, (GDestroyNotify) batches_free);
  g_source_attach (source, g_main_context_get_thread_default ());
}

/* --- Saving ------------------------------------------------------------------------ */

struct _MwStateSaver
{
  GObject               parent_instance;

  GFile                *file;
  gpointer              owner;
  MwStateSnapshotFunc   snapshot;
  MwStateSerializeFunc  serialize;
  GDestroyNotify        free_snapshot;

  gboolean              enabled;
  guint                 timeout;
  gboolean              saving;
  gboolean              again;
  GPtrArray            *waiters;
  gint64                save_started;  /* monotonic */
  guint                 delay_ms;      /* how long a change waits to be saved */
};

G_DEFINE_FINAL_TYPE (MwStateSaver, mw_state_saver, G_TYPE_OBJECT)

typedef struct
{
  MwStateSerializeFunc  serialize;
  GDestroyNotify        free_snapshot;
  gpointer              snapshot;
  char                 *path;
} Save;

static void
save_free (Save *save)
{
  if (save->free_snapshot != NULL)
    save->free_snapshot (save->snapshot);
  g_free (save->path);
  g_free (save);
}

static gboolean
save_write (Save    *save,
            GError **error)
{
  g_autofree char *dir = g_path_get_dirname (save->path);
  g_autofree char *base = g_path_get_basename (save->path);
  g_autofree char *data = NULL;
  gsize length = 0;
  G_GNUC_UNUSED g_auto(MwTimelineSpan) span = mw_timeline_span_begin (mw_timeline_lane_here (), _("Saving state"), base);

  data = save->serialize (save->snapshot, &length);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  /* Only its owner may read the file. GLib 2.84 gives the file it writes the mode of the
   * one it replaces, so a file that others could read (made by hand, or by an older
   * version) is narrowed first. */
  if (g_chmod (save->path, 0600) != 0 && errno != ENOENT)
    g_debug ("Could not narrow the permissions of %s: %s", save->path, g_strerror (errno));

  return g_file_set_contents_full (save->path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (save_write (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static Save *
save_new (MwStateSaver *self)
{
  Save *save = g_new0 (Save, 1);

  save->serialize = self->serialize;
  save->free_snapshot = self->free_snapshot;
  save->snapshot = self->snapshot (self->owner);
  save->path = g_file_get_path (self->file);
  return save;
}

static void start_save (MwStateSaver *self);

static void
save_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  MwStateSaver *self = MW_STATE_SAVER (source_object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiters = NULL;

  /* A full disk is no programming error: the old file stays whole (the new one is
   * written beside it and renamed), and the next change tries again. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_message ("Could not save %s, the previous version stays: %s",
               g_file_peek_path (self->file), error->message);

  self->saving = FALSE;
  /* Saving costs at most about a third of a core: a state that takes long to write (tens
   * of thousands of articles) is written less often while changes keep coming. */
  self->delay_ms = (guint) CLAMP ((g_get_monotonic_time () - self->save_started) * 2 / 1000,
                                  SAVE_DELAY_MS, MAX_SAVE_DELAY_MS);
  if (self->again && self->enabled)
    {
      /* Someone waits for the file: save again now. Otherwise what changed during this
       * save waits a moment, as any change does, rather than have a long burst of
       * changes (a thousand feeds refreshing) copy and write the state back to back. */
      if (self->waiters->len > 0)
        start_save (self);
      else
        {
          self->again = FALSE;
          mw_state_saver_schedule (self);
        }
      return;
    }

  waiters = g_steal_pointer (&self->waiters);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      if (error != NULL)
        g_task_return_error (g_ptr_array_index (waiters, i), g_error_copy (error));
      else
        g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
    }
}

static void
start_save (MwStateSaver *self)
{
  g_autoptr(GTask) task = NULL;
  Save *save;

  g_clear_handle_id (&self->timeout, g_source_remove);
  self->again = FALSE;
  self->saving = TRUE;
  self->save_started = g_get_monotonic_time ();
  save = save_new (self);

  /* The task holds the saver, and so its owner's file, until the bytes are on disk. */
  task = g_task_new (self, NULL, save_done_cb, NULL);
  g_task_set_source_tag (task, start_save);
  g_task_set_task_data (task, save, (GDestroyNotify) save_free);
  g_task_run_in_thread (task, save_thread);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  MwStateSaver *self = user_data;

  self->timeout = 0;
  if (self->saving)
    self->again = TRUE;
  else
    start_save (self);
  return G_SOURCE_REMOVE;
}

/* Nothing is saved before the old file was read (until then it might still be lost), nor
 * after the owner has gone (call with FALSE from its dispose). */
void
mw_state_saver_set_enabled (MwStateSaver *self,
                            gboolean      enabled)
{
  g_return_if_fail (MW_IS_STATE_SAVER (self));
  self->enabled = enabled;
}

void
mw_state_saver_schedule (MwStateSaver *self)
{
  g_return_if_fail (MW_IS_STATE_SAVER (self));

  if (!self->enabled)
    return;
  if (self->saving)
    self->again = TRUE;
  else if (self->timeout == 0)
    self->timeout = g_timeout_add (self->delay_ms, save_timeout_cb, self);
}

void
mw_state_saver_save_async (MwStateSaver        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MW_IS_STATE_SAVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_state_saver_save_async);

  if (!self->enabled)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_ptr_array_add (self->waiters, g_steal_pointer (&task));
  if (self->saving)
    self->again = TRUE;
  else
    start_save (self);
}

gboolean
mw_state_saver_save_finish (MwStateSaver  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
saved_for_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (mw_state_saver_save_finish (MW_STATE_SAVER (source_object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Saves now and returns the outcome in TASK, the owner's own; a NULL saver (a list kept
 * only in memory) has nothing to save. */
void
mw_state_saver_save_for (MwStateSaver *self,
                         GTask        *task)
{
  if (self == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  mw_state_saver_save_async (self, g_task_get_cancellable (task), saved_for_cb, g_object_ref (task));
}

/* Freezing mode: the same save, on the calling thread. A save already running in a
 * thread may land after this one with an older snapshot, so another follows it. */
gboolean
mw_state_saver_save_sync (MwStateSaver  *self,
                          GError       **error)
{
  Save *save;
  gboolean saved;

  g_return_val_if_fail (MW_IS_STATE_SAVER (self), FALSE);

  if (!self->enabled)
    return TRUE;

  g_clear_handle_id (&self->timeout, g_source_remove);
  if (self->saving)
    self->again = TRUE;
  save = save_new (self);
  saved = save_write (save, error);
  save_free (save);
  return saved;
}

static void
mw_state_saver_dispose (GObject *object)
{
  MwStateSaver *self = MW_STATE_SAVER (object);

  g_clear_handle_id (&self->timeout, g_source_remove);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (mw_state_saver_parent_class)->dispose (object);
}

static void
mw_state_saver_class_init (MwStateSaverClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mw_state_saver_dispose;
}

static void
mw_state_saver_init (MwStateSaver *self)
{
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->delay_ms = SAVE_DELAY_MS;
}

/* OWNER is not referenced: its snapshot function is only called while it is alive, as it
 * owns the saver and cancels nothing that is already copied. */
MwStateSaver *
mw_state_saver_new (GFile                *file,
                    gpointer              owner,
                    MwStateSnapshotFunc   snapshot,
                    MwStateSerializeFunc  serialize,
                    GDestroyNotify        free_snapshot)
{
  MwStateSaver *self = g_object_new (MW_TYPE_STATE_SAVER, NULL);

  self->file = g_object_ref (file);
  self->owner = owner;
  self->snapshot = snapshot;
  self->serialize = serialize;
  self->free_snapshot = free_snapshot;
  return self;
}
