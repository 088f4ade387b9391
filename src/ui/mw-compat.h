/* mw-compat.h: where a newer GTK has a better API, the one place that chooses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

AdwToast *mw_toast_new_literal (const char *text);

/* Which branch each function takes: the newer API where the libraries built against have
 * it. MW_COMPAT_OLDEST_API forces the oldest branches, so that a check against newer
 * headers can see what the Debian 12 build uses; builds never define it. */
#ifdef MW_COMPAT_OLDEST_API
# define MW_COMPAT_GTK_4_10 0
# define MW_COMPAT_GTK_4_12 0
# define MW_COMPAT_GTK_4_14 0
# define MW_COMPAT_ADW_1_4  0
# define MW_COMPAT_ADW_1_5  0
#else
# define MW_COMPAT_GTK_4_10 GTK_CHECK_VERSION (4, 10, 0)
# define MW_COMPAT_GTK_4_12 GTK_CHECK_VERSION (4, 12, 0)
# define MW_COMPAT_GTK_4_14 GTK_CHECK_VERSION (4, 14, 0)
# define MW_COMPAT_ADW_1_4  ADW_CHECK_VERSION (1, 4, 0)
# define MW_COMPAT_ADW_1_5  ADW_CHECK_VERSION (1, 5, 0)
#endif

void   mw_launch_file           (GtkWindow           *parent,
                                 GFile               *file);
void   mw_launch_uri            (GtkWindow           *parent,
                                 const char          *uri);
void   mw_show_in_folder        (GtkWindow           *parent,
                                 GFile               *file);
void   mw_choose_folder_async   (GtkWindow           *parent,
                                 const char          *title,
                                 GFile               *initial_folder,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
GFile *mw_choose_folder_finish  (GAsyncResult        *result,
                                 GError             **error);
void   mw_choose_file_async     (GtkWindow           *parent,
                                 const char          *title,
                                 gboolean             save,
                                 const char          *suggested_name,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
GFile *mw_choose_file_finish    (GAsyncResult        *result,
                                 GError             **error);

void   mw_widget_get_color      (GtkWidget           *widget,
                                 GdkRGBA             *color);

void   mw_show_about            (GtkWindow           *parent,
                                 const char          *first_property_name,
                                 ...) G_GNUC_NULL_TERMINATED;
void   mw_present_dialog        (GtkWidget           *dialog,
                                 GtkWindow           *parent);
void   mw_close_dialog          (GtkWidget           *dialog);
void   mw_preferences_add_toast (GtkWidget           *preferences,
                                 AdwToast            *toast);
void   mw_widget_set_tooltip    (GtkWidget           *widget,
                                 const char          *text);
void   mw_name_mnemonic_buttons (GtkWidget           *root);
void   mw_list_view_tab_leaves  (GtkListView         *view);

gboolean mw_text_tag_foreground_is_safe (void);
void     mw_accessible_announce         (GtkAccessible *accessible,
                                         const char    *message);

void   mw_list_view_scroll_to   (GtkListView         *view,
                                 guint                position);

void   mw_ask                   (GtkWindow           *parent,
                                 const char          *heading,
                                 const char          *body,
                                 const char          *cancel_response,
                                 const char          *destructive_response,
                                 GCallback            response_callback,
                                 gpointer             owner,
                                 const char          *first_response,
                                 ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
