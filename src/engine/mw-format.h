/* mw-format.h: sizes, times and dates as people read them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *mw_format_size_of         (guint64     size,
                                 guint64     total);
char *mw_format_seconds_left    (gint64      seconds);
char *mw_format_duration        (gint64      microseconds);
/**
 * MwDateStyle:
 * @MW_DATE_SHORT: a date in a list: "5 minutes ago", "14:05", "Yesterday", "Monday",
 *   "21 November", "21 November 2025"
 * @MW_DATE_WITH_TIME: the time of day too, for days before today: "Yesterday at 14:05"
 */
typedef enum
{
  MW_DATE_SHORT,
  MW_DATE_WITH_TIME,
} MwDateStyle;

char *mw_format_date            (gint64      when,
                                 gint64      now,
                                 MwDateStyle style);

G_END_DECLS
