/* mw-download-list-private.h: what the files of the download list share about it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mw-download-list.h"
#include "mw-download-private.h"
#include "mw-state-file.h"

G_BEGIN_DECLS

struct _MwDownloadList
{
  GObject       parent_instance;

  GPtrArray    *items;
  SoupSession  *session;
  GFile        *folder;
  GFile        *state_file;
  guint         max_concurrent;
  guint         max_per_host;   /* 0 for no limit */
  guint         n_active;
  gboolean      blocking_mode;
  guint         timeout_seconds;
  guint         max_attempts;
  guint         retry_base_ms;
  guint         retry_max_ms;
  GNetworkMonitor *network;     /* runs wait for it to say the network is back */
  guint         network_budget_s;

  guint         pump_source;
  gboolean      held_back;      /* queued downloads wait for others' responses */
  gboolean      shut_down;      /* starts nothing any more */
  GHashTable   *slotless;       /* runs waiting out a back-off, their slot given back… */
  GHashTable   *want_slot;      /* …and those of them whose wait is over */
  GHashTable   *per_host;       /* host → how many of the slots its downloads hold */
  MwReservedNames *reserved;    /* the paths the downloads' files hold… */
  GHashTable   *held;           /* …and which download holds which */

  gboolean      loaded;         /* never save before the old file was read */
  guint         n_restored;     /* how many saved downloads are back in the list */
  char         *load_error;
  MwStateSaver *saver;
  GCancellable *cancellable;
};

typedef enum
{
  MW_DOWNLOAD_LIST_PROP_0,
  MW_DOWNLOAD_LIST_PROP_MAX_CONCURRENT,
  MW_DOWNLOAD_LIST_PROP_MAX_PER_HOST,
  MW_DOWNLOAD_LIST_PROP_BLOCKING_MODE,
  MW_DOWNLOAD_LIST_PROP_DOWNLOAD_FOLDER,
  MW_DOWNLOAD_LIST_PROP_N_ACTIVE,
  MW_DOWNLOAD_LIST_PROP_LOAD_ERROR,
  MW_DOWNLOAD_LIST_PROP_LOADED,
  MW_DOWNLOAD_LIST_PROP_STATE_FILE,
  MW_DOWNLOAD_LIST_PROP_N_ITEMS,
  MW_DOWNLOAD_LIST_N_PROPS
} MwDownloadListProperty;

void _mw_download_list_notify            (MwDownloadList         *self,
                                          MwDownloadListProperty  property);
void _mw_download_list_download_finished (MwDownloadList         *self,
                                          MwDownload             *download);
void _mw_download_list_queue_changed     (MwDownloadList         *self);

/* A download joins the list: its name is held, its changes are saved and its place in
 * the queue kept. */
void _mw_download_list_watch             (MwDownloadList         *self,
                                          MwDownload             *download);

/* The queue (mw-download-list-queue.c): starts what may start, from an idle callback. */
void _mw_download_list_schedule_pump     (MwDownloadList         *self);

/* The state file (mw-download-list-state.c) */
void _mw_download_list_state_init        (MwDownloadList         *self);
void _mw_download_list_schedule_save     (MwDownloadList         *self);

G_END_DECLS
