/* mw-test-network.h: a network monitor whose answer the test decides
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MW_TYPE_TEST_NETWORK (mw_test_network_get_type ())
G_DECLARE_FINAL_TYPE (MwTestNetwork, mw_test_network, MW, TEST_NETWORK, GObject)

MwTestNetwork *mw_test_network_new           (gboolean       available);
void           mw_test_network_set_available (MwTestNetwork *self,
                                              gboolean       available);

G_END_DECLS
