/* test-download-checks.h: what test-download and test-download-recovery share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mw-download-list.h"
#include "mw-test-server.h"

G_BEGIN_DECLS

typedef MwTestDownloads Fixture;

/* A list in a fresh folder, with quick retries and a short network timeout. */
void fixture_set_up      (Fixture       *fixture,
                          gconstpointer  user_data);

/* DOWNLOAD completed as NAME with the bytes of EXPECTED, and left no .part behind. */
void assert_completed_as (Fixture       *fixture,
                          MwDownload    *download,
                          const char    *name,
                          GBytes        *expected);

/* DOWNLOAD failed with a sentence that says FRAGMENT, and no error domain. */
void assert_failed_with  (MwDownload    *download,
                          const char    *fragment);

G_END_DECLS
