/* mw-test-window.h: the application and its window, as the window tests open them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mw-application.h"
#include "mw-download-row.h"
#include "mw-test-gtk-utils.h"
#include "mw-test-server.h"
#include "mw-window.h"

G_BEGIN_DECLS

/* One application and one window for a whole test program, as in real life; each test
 * gets a fresh server, a fresh download folder and an empty list. */
typedef struct
{
  MwApplication *app;
  MwWindow      *window;
  MwTestServer  *server;
  char          *folder;
} MwTestWindow;

MwApplication *mw_test_window_init            (int            *argc,
                                               char         ***argv,
                                               char          **data_home);
MwApplication *mw_test_application_new        (void);
MwWindow      *mw_test_window_open            (MwApplication *app,
                                               const char    *download_folder);
void           mw_test_window_set_up          (MwTestWindow  *fixture,
                                               MwApplication *app,
                                               int            width,
                                               int            height);
void           mw_test_window_tear_down       (MwTestWindow  *fixture);
void           mw_test_remove_all_downloads   (MwApplication *app);

/* The fixture of the window's own tests: the window at 900 × 600 on its downloads page,
 * reset afterwards to how it opened. */
void           mw_test_window_downloads_set_up    (MwTestWindow  *fixture,
                                                   gconstpointer  app);
void           mw_test_window_downloads_tear_down (MwTestWindow  *fixture,
                                                   gconstpointer  app);

typedef void (*MwTestWindowFunc) (MwTestWindow  *fixture,
                                  gconstpointer  data);

typedef struct
{
  const char       *path;
  MwTestWindowFunc  func;
} MwTestWindowCase;

int            mw_test_window_main            (int                     argc,
                                               char                  **argv,
                                               const MwTestWindowCase *cases,
                                               gsize                   n_cases);

/* Downloads as the window shows them */
MwDownload    *mw_test_window_add_download    (MwTestWindow  *fixture,
                                               const char    *path);
MwDownloadRow *mw_test_window_wait_for_row    (MwTestWindow  *fixture,
                                               MwDownload    *download);
void           mw_test_click_row_button       (MwDownloadRow *row,
                                               const char    *action);
GtkWidget     *mw_test_window_wait_for_undo   (MwTestWindow  *fixture);
void           mw_test_window_wait_for_width  (MwTestWindow  *fixture,
                                               int            width);
void           mw_test_assert_row_text_matches (MwTestWindow  *fixture,
                                                MwDownloadRow *row);

/* Feeds */
MwFeed        *mw_test_window_subscribe       (MwTestWindow  *fixture,
                                               const char    *path,
                                               const char    *rss);

G_END_DECLS
