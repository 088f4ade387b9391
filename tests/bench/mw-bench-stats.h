/* mw-bench-stats.h: percentiles of the benchmark drivers' samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void   mw_bench_sort       (GArray *samples);
gint64 mw_bench_percentile (GArray *sorted,
                            double  p);

G_END_DECLS
