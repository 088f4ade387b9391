/* test-hostile.h: what the hostile-server and disk-fault tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mw-download-list.h"
#include "mw-test-server.h"

G_BEGIN_DECLS

/* Long enough for a busy machine; the cases about stalls set a short one. */
#define HOSTILE_NETWORK_TIMEOUT_S 5
/* Short enough that stalls and silent servers end quickly. */
#define HOSTILE_SHORT_TIMEOUT_S   1

/* A sandbox: ROOT holds the download folder ROOT/downloads and, for tests that save the
 * list, ROOT/downloads.json. Anything else that appears in ROOT escaped the folder. */
typedef struct
{
  MwTestServer   *server;
  MwDownloadList *list;
  char           *root;
  char           *folder_path;
  GFile          *folder;
  char           *state_path;
  gboolean        blocking;
} Sandbox;

typedef enum
{
  OUTCOME_COMPLETED,
  OUTCOME_FAILED,
} Outcome;

void        sandbox_init            (Sandbox        *sandbox,
                                     const char     *root,
                                     gboolean        with_state_file,
                                     gboolean        blocking);
void        sandbox_clear           (Sandbox        *sandbox);
MwDownload *sandbox_add             (Sandbox        *sandbox,
                                     const char     *url);
void        sandbox_wait_finished   (Sandbox        *sandbox,
                                     MwDownload     *download,
                                     guint           limit_seconds);

void        assert_human_sentence   (const char     *message);
Outcome     assert_two_outcomes     (Sandbox        *sandbox,
                                     MwDownload     *download,
                                     GBytes         *resource);
void        assert_outcome          (Sandbox        *sandbox,
                                     MwDownload     *download,
                                     GBytes         *resource,
                                     Outcome         expected,
                                     const char     *says);
GBytes     *read_file_bytes         (const char     *path);
char       *dup_part_path           (MwDownload     *download);
GPtrArray  *list_names              (const char     *path);

gboolean    load_list               (MwDownloadList *list,
                                     GError        **error);
void        save_list               (MwDownloadList *list);
MwTestResource *sandbox_serve       (Sandbox        *sandbox,
                                     const char     *path,
                                     GBytes         *body);
MwDownload *sandbox_add_path        (Sandbox        *sandbox,
                                     const char     *path);

void        drop_permission_override (void);
void        run_in_child            (void);

void        hostile_disk_add_tests  (void);
void        hostile_state_add_tests (void);

G_END_DECLS
