/* mw-application-private.h: what the files of the application share about it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mw-application.h"
#include "mw-demo-server.h"
#include "mw-suspend-inhibitor.h"

G_BEGIN_DECLS

struct _MwApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  MwDownloadList *downloads;
  MwMonitor      *monitor;
  gboolean        holding_monitor;
  MwSuspendInhibitor *inhibitor;
  /* The window was closed while downloads ran: the application holds itself until they
   * end, or until someone opens the window again. */
  gboolean        in_background;
  guint           background_end_id;
  gboolean        quit_confirmed;
  MwFeedList     *feeds;
  MwDemoServer   *demo_server;
  GStrv           demo_urls;
  GStrv           demo_feed_urls;
  gboolean        loading;        /* the state files are being read, or were */
  guint           load_timeout;
};

/* --- Living in the background (mw-application-background.c) --------------------- */

guint _mw_application_count_in_flight      (MwApplication *self);
void  _mw_application_leave_background     (MwApplication *self);
void  _mw_application_downloads_active_cb  (MwApplication *self);
void  _mw_application_feed_event_cb        (MwApplication *self);
void  _mw_application_quit_action          (GSimpleAction *action,
                                            GVariant      *parameter,
                                            gpointer       user_data);
void  _mw_application_pause_all_action     (GSimpleAction *action,
                                            GVariant      *parameter,
                                            gpointer       user_data);
void  _mw_application_resume_all_action    (GSimpleAction *action,
                                            GVariant      *parameter,
                                            gpointer       user_data);

G_END_DECLS
