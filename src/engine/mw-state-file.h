/* mw-state-file.h: reading and writing a state file without blocking or losing it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs in a worker thread on the file's bytes. */
typedef gpointer (*MwStateParseFunc)     (const char  *data,
                                          gsize        length,
                                          guint       *n_skipped,
                                          GError     **error);
/* Runs on the main thread: a copy of what to save, that the thread may read. */
typedef gpointer (*MwStateSnapshotFunc)  (gpointer     owner);
/* Runs in a worker thread on that copy. */
typedef char    *(*MwStateSerializeFunc) (gpointer     snapshot,
                                          gsize       *length);

void      mw_state_file_load_async  (GFile               *file,
                                     MwStateParseFunc     parse,
                                     GDestroyNotify       free_result,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gpointer  mw_state_file_load_finish (GAsyncResult        *result,
                                     guint               *n_skipped,
                                     char               **problem,
                                     GError             **error);

/* Puts items N_DONE … N_DONE + N - 1 of what was loaded in the owner's model. */
typedef void     (*MwStateApplyFunc)     (gpointer     user_data,
                                          guint        first,
                                          guint        n);

void      mw_state_apply_in_batches (guint                n_items,
                                     guint                first_batch,
                                     MwStateApplyFunc     apply,
                                     GSourceFunc          done,
                                     gpointer             user_data,
                                     GDestroyNotify       destroy);

#define MW_TYPE_STATE_SAVER (mw_state_saver_get_type ())
G_DECLARE_FINAL_TYPE (MwStateSaver, mw_state_saver, MW, STATE_SAVER, GObject)

MwStateSaver *mw_state_saver_new         (GFile                *file,
                                          gpointer              owner,
                                          MwStateSnapshotFunc   snapshot,
                                          MwStateSerializeFunc  serialize,
                                          GDestroyNotify        free_snapshot);
void          mw_state_saver_set_enabled (MwStateSaver         *self,
                                          gboolean              enabled);
void          mw_state_saver_schedule    (MwStateSaver         *self);
void          mw_state_saver_save_async  (MwStateSaver         *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean      mw_state_saver_save_finish (MwStateSaver         *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void          mw_state_saver_save_for    (MwStateSaver         *self,
                                          GTask                *task);
gboolean      mw_state_saver_save_sync   (MwStateSaver         *self,
                                          GError              **error);

G_END_DECLS
