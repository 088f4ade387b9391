/* test-download-store.h: what the tests of the downloads' state file share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "mw-download-list.h"
#include "mw-test-server.h"

G_BEGIN_DECLS

/* Nothing is meant to listen on the discard port of the loopback, and no download is ever
 * let run anyway: every one that arrives queued is paused at once (see TestList). */
#define URL_BASE "http://127.0.0.1:9/"

#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHA_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define SHA_B_UPPER "FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210"

#define BROKEN_PREFIX "downloads.json.broken-"

typedef struct
{
  char  *dir;
  char  *path;        /* DIR/downloads.json */
  GFile *state_file;
} Fixture;

void       fixture_set_up        (Fixture       *fixture,
                                  gconstpointer  data);
void       fixture_tear_down     (Fixture       *fixture,
                                  gconstpointer  data);

void       write_bytes           (const char    *path,
                                  const char    *data,
                                  gssize         length);
gboolean   file_holds            (const char    *path,
                                  const char    *data,
                                  gsize          length);
GPtrArray *list_broken_files     (const char    *dir_path);
JsonArray *read_state_file       (const char    *path,
                                  JsonParser    *parser);
void       load_and_wait         (MwDownloadList *list);
void       save_and_wait         (MwDownloadList *list);
void       assert_sentence       (const char    *message);

/* A list whose downloads never run: every one that arrives queued is paused at once. */
typedef struct
{
  MwDownloadList *list;
  guint           max_active;
} TestList;

TestList       *test_list_new         (GFile      *state_file);
MwDownload     *test_list_add         (TestList   *tl,
                                       const char *url,
                                       const char *sha256);
guint           test_list_get_n_items (TestList   *tl);
MwDownload     *test_list_get         (TestList   *tl,
                                       guint       position);
MwDownloadState get_arrived_state     (MwDownload *download);
void            assert_nothing_ran    (TestList   *tl);
void            test_list_free        (TestList   *tl);

typedef struct
{
  const char      *url;
  const char      *final_url;     /* as the download reports it */
  const char      *file;          /* name in the test folder, or NULL */
  MwDownloadState  loaded_state;  /* as the list gives it back */
  guint64          received;
  gint64           total;
  const char      *etag;
  const char      *last_modified;
  const char      *sha256;
  const char      *error;
  gint64           added;
} Expected;

/* The downloads of craft_state_file(), one per state. */
#define N_CRAFTED 8
extern const Expected crafted[N_CRAFTED];

char *craft_state_file     (const char     *dir);
void  assert_file_path     (MwDownload     *download,
                            const char     *dir,
                            const char     *name);
void  assert_expected      (MwDownload     *download,
                            const Expected *expected,
                            const char     *dir);
void  assert_same_download (MwDownload     *a,
                            MwDownload     *b);

G_END_DECLS
