/* mw-bench-stats.c: percentiles of the benchmark drivers' samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mw-bench-stats.h"

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Sorts an array of gint64 samples in place, smallest first. */
void
mw_bench_sort (GArray *samples)
{
  g_array_sort (samples, compare_gint64);
}

/* The sample at percentile @p (0–100) of @sorted, nearest rank; 0 when empty. */
gint64
mw_bench_percentile (GArray *sorted,
                     double  p)
{
  guint index;

  if (sorted->len == 0)
    return 0;
  index = (guint) ((p / 100.0) * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, gint64, MIN (index, sorted->len - 1));
}
