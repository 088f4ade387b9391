/* mw-test-utils.h: what every test program needs to start, to wait and to read its fixtures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How long a test waits for something that should come soon, unless it says otherwise:
 * longer in a build that runs slower (see mw_test_slowness()). */
#define MW_TEST_PATIENCE_MS (20000 * mw_test_slowness ())

typedef gboolean (*MwTestCondition) (gpointer data);

guint         mw_test_slowness        (void);

void          mw_test_init_seeded     (int              *argc,
                                       char           ***argv,
                                       const char       *default_seed);
char         *mw_test_use_private_data_home (void);
char         *mw_test_use_german_messages  (void);

void          mw_test_iterate_for     (guint            ms);
void          mw_test_wait_until      (MwTestCondition  condition,
                                       gpointer         data,
                                       guint            timeout_ms,
                                       const char      *what);

void          mw_test_async_result_cb (GObject         *source_object,
                                       GAsyncResult    *result,
                                       gpointer         slot);
GAsyncResult *mw_test_async_result    (GAsyncResult   **slot,
                                       const char      *what);
GAsyncResult *mw_test_async_result_within (GAsyncResult **slot,
                                           guint          timeout_ms,
                                           const char    *what);

gboolean      mw_test_file_exists     (const char      *folder,
                                       const char      *name);
guint         mw_test_count_files     (const char      *folder);
void          mw_test_assert_file     (const char      *folder,
                                       const char      *name,
                                       GBytes          *expected);
void          mw_test_assert_no_part_files (const char *folder);
void          mw_test_wait_until_gone (const char      *folder,
                                       const char      *name);

GBytes       *mw_test_load_fixture    (const char      *folder,
                                       const char      *name);
GStrv         mw_test_list_fixtures   (const char      *folder);

G_END_DECLS
