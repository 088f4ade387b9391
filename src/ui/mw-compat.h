/* mw-compat.h: where a newer GTK has a better API, the one place that chooses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

AdwToast *mw_toast_new_literal (const char *text);

void   mw_launch_file          (GtkWindow           *parent,
                                GFile               *file);
void   mw_launch_uri           (GtkWindow           *parent,
                                const char          *uri);
void   mw_show_in_folder       (GtkWindow           *parent,
                                GFile               *file);
void   mw_choose_folder_async  (GtkWindow           *parent,
                                const char          *title,
                                GFile               *initial_folder,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
GFile *mw_choose_folder_finish (GAsyncResult        *result,
                                GError             **error);
void   mw_choose_file_async    (GtkWindow           *parent,
                                const char          *title,
                                gboolean             save,
                                const char          *suggested_name,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
GFile *mw_choose_file_finish   (GAsyncResult        *result,
                                GError             **error);

G_END_DECLS
