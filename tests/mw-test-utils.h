/* mw-test-utils.h: what every test program needs to wait and to make its files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long a test waits for something that should come soon, unless it says otherwise. */
#define MW_TEST_PATIENCE_MS 20000

typedef gboolean (*MwTestCondition) (gpointer data);

void mw_test_iterate_for (guint            ms);
void mw_test_wait_until  (MwTestCondition  condition,
                          gpointer         data,
                          guint            timeout_ms,
                          const char      *what);

GBytes *mw_test_load_fixture (const char *folder,
                              const char *name);

G_END_DECLS
