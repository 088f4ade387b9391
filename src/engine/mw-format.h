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
char *mw_format_relative_date   (gint64      when,
                                 gint64      now);

G_END_DECLS
