/* mw-window-private.h: the main window's insides, shared by its files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mw-window.c builds the window and wires it to the application; mw-window-header.c keeps
 * the header bar and its popovers, subscribes to feeds and names buttons; mw-window-log.c
 * keeps the event log; mw-window-downloads.c adds downloads (from the entry, the
 * clipboard and drops), opens finished ones, removes them with undo, tells of their
 * failures and keeps the Downloads tab's badge.
 */
#pragma once

#include "mw-adaptive.h"
#include "mw-experiment.h"
#include "mw-freeze-banner.h"
#include "mw-ghost-layer.h"
#include "mw-window.h"

G_BEGIN_DECLS

struct _MwWindow
{
  AdwApplicationWindow  parent_instance;

  MwApplication        *application;
  MwDownloadList       *downloads;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *downloads_stack;
  GtkListView          *list_view;
  GtkScrolledWindow    *log_scroller;
  GtkListView          *log_view;
  GtkMenuButton        *add_button;
  GtkPopover           *add_popover;
  GtkEntry             *url_entry;
  GtkEntry             *sha256_entry;
  GtkLabel             *add_error_label;
  GtkWidget            *demo_button;
  GtkStringList        *log_lines;
  GtkBox               *meter_slot;
  MwFreezeBanner       *freeze_banner;
  MwGhostLayer         *ghost_layer;
  MwExperiment         *experiment;
  GtkWidget            *blocking_switch;
  GtkWidget            *blocking_label;
  AdwHeaderBar         *header_bar;
  MwToolbar            *toolbar;
  AdwViewSwitcherBar   *switcher_bar;
  AdwViewStack         *view_stack;
  AdwViewStackPage     *downloads_page;
  MwFeedsPage          *feeds_page;
  GtkPopover           *subscribe_popover;
  GtkEntry             *feed_entry;
  GtkLabel             *subscribe_error_label;
  GtkLabel             *choices_label;
  GtkListBox           *choices_box;
  GCancellable         *cancellable;
  GPtrArray            *removals;     /* Removal with its toast showing: one offers Undo */

  gboolean              log_visible;
  gboolean              log_follows;      /* at the bottom: new lines stay in view */
  guint                 log_scroll_tick;
  guint                 log_scroll_frames;
  guint                 log_scroll_settled;
  int                   log_scroll_height;
  guint                 log_scroll_keep;  /* the line that must end in view */
  double                log_value;
  guint                 log_scroll_target; /* the line to bring into view; G_MAXUINT: the last */
  guint64               log_appended;     /* lines ever added to the log */
  guint64               stall_appended;   /* the count when the latest stall's line was added */
  gulong                first_paint_handler;
  gboolean              timeline_visible;
};

typedef struct _MwWindowRemoval MwWindowRemoval;

/* mw-window.c */
void     _mw_window_set_log_visible       (MwWindow        *self,
                                           gboolean         visible);

/* mw-window-header.c */
void     _mw_window_header_class_init     (GtkWidgetClass  *widget_class);
void     _mw_window_page_changed_cb       (MwWindow        *self);
void     _mw_window_add_download_action   (GtkWidget       *widget,
                                           const char      *action_name,
                                           GVariant        *parameter);
void     _mw_window_subscribe_from_entry_action (GtkWidget *widget,
                                                 const char *action_name,
                                                 GVariant  *parameter);

/* mw-window-log.c */
void     _mw_window_log_init              (MwWindow        *self);
void     _mw_window_log_setup             (MwWindow        *self,
                                           MwApplication   *application);
void     _mw_window_show_stall_action     (GtkWidget       *widget,
                                           const char      *action_name,
                                           GVariant        *parameter);
void     _mw_window_clear_log_action      (GtkWidget       *widget,
                                           const char      *action_name,
                                           GVariant        *parameter);

/* mw-window-downloads.c */
void     _mw_window_downloads_setup       (MwWindow        *self);
void     _mw_window_update_empty_state    (MwWindow        *self);
void     _mw_window_add_from_entry_action (GtkWidget       *widget,
                                           const char      *action_name,
                                           GVariant        *parameter);
void     _mw_window_url_changed_cb        (MwWindow        *self);
void     _mw_window_paste_url_action      (GtkWidget       *widget,
                                           const char      *action_name,
                                           GVariant        *parameter);
gboolean _mw_window_drop_cb               (GtkDropTarget   *target,
                                           const GValue    *value,
                                           double           x,
                                           double           y,
                                           MwWindow        *self);
void     _mw_window_removal_free          (MwWindowRemoval *removal);
void     _mw_window_clear_finished_action (GtkWidget       *widget,
                                           const char      *action_name,
                                           GVariant        *parameter);
void     _mw_window_download_finished_cb  (MwDownloadList  *list,
                                           MwDownload      *download,
                                           MwWindow        *self);

G_END_DECLS
