/* test-format.c: dates as the article list and the article say them, without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every case has a fixed "now" in a fixed time zone with summer time (Central European,
 * as a POSIX rule, so that no time zone database is needed), in the C locale: English
 * words and a 24-hour clock.
 */
#define G_LOG_DOMAIN "test-format"

#include "config.h"

#include <glib.h>

#include "mw-format.h"

/* Seconds since 1970 of a local time. */
static gint64
local (int year,
       int month,
       int day,
       int hour,
       int minute)
{
  g_autoptr(GDateTime) date = g_date_time_new_local (year, month, day, hour, minute, 0);

  g_assert_nonnull (date);
  return g_date_time_to_unix (date);
}

static void
check (gint64      when,
       gint64      now,
       const char *expected_short,
       const char *expected_with_time)
{
  g_autofree char *brief = mw_format_date (when, now, MW_DATE_SHORT);
  g_autofree char *full = mw_format_date (when, now, MW_DATE_WITH_TIME);

  g_assert_cmpstr (brief, ==, expected_short);
  g_assert_cmpstr (full, ==, expected_with_time);
}

/* Wednesday 18 November 2026, 15:30. */
static void
test_date_recent (void)
{
  gint64 now = local (2026, 11, 18, 15, 30);

  check (0, now, "", "");
  check (-5, now, "", "");
  check (now, now, "Just now", "Just now");
  check (now - 59, now, "Just now", "Just now");
  check (now - 60, now, "1 minute ago", "1 minute ago");
  check (now - 5 * 60 - 30, now, "5 minutes ago", "5 minutes ago");
  check (now - 59 * 60, now, "59 minutes ago", "59 minutes ago");
  /* Earlier today: the time, which a person matches with their day. */
  check (local (2026, 11, 18, 14, 30), now, "14:30", "14:30");
  check (local (2026, 11, 18, 0, 5), now, "00:05", "00:05");
}

static void
test_date_this_week (void)
{
  gint64 now = local (2026, 11, 18, 15, 30);

  check (local (2026, 11, 17, 23, 59), now, "Yesterday", "Yesterday at 23:59");
  check (local (2026, 11, 17, 0, 0), now, "Yesterday", "Yesterday at 00:00");
  check (local (2026, 11, 16, 9, 0), now, "Monday", "Monday at 09:00");
  check (local (2026, 11, 12, 9, 0), now, "Thursday", "Thursday at 09:00");
  /* A week ago, the weekday would be today's: the date instead. */
  check (local (2026, 11, 11, 16, 0), now, "11 November", "11 November at 16:00");
  check (local (2026, 3, 21, 8, 15), now, "21 March", "21 March at 08:15");
  check (local (2026, 1, 1, 0, 0), now, "1 January", "1 January at 00:00");
  check (local (2025, 12, 31, 9, 0), now, "31 December 2025", "31 December 2025 at 09:00");
  check (local (1999, 11, 18, 15, 30), now, "18 November 1999", "18 November 1999 at 15:30");
}

/* New Year's night: yesterday and last week are in another year, and only a date
 * further back says so. */
static void
test_date_year_boundary (void)
{
  gint64 now = local (2027, 1, 1, 0, 30);
  gint64 new_year_eve = local (2026, 12, 31, 23, 0);

  check (local (2027, 1, 1, 0, 10), now, "20 minutes ago", "20 minutes ago");
  check (local (2026, 12, 31, 23, 50), now, "40 minutes ago", "40 minutes ago");
  check (local (2026, 12, 31, 20, 0), now, "Yesterday", "Yesterday at 20:00");
  check (local (2026, 12, 28, 10, 0), now, "Monday", "Monday at 10:00");
  check (local (2026, 12, 20, 10, 0), now, "20 December 2026", "20 December 2026 at 10:00");
  check (local (2026, 1, 1, 10, 0), now, "1 January 2026", "1 January 2026 at 10:00");

  /* The last hour of the year: the first day of the same year has no year. */
  check (local (2026, 1, 1, 10, 0), new_year_eve, "1 January", "1 January at 10:00");
  check (local (2026, 12, 25, 10, 0), new_year_eve, "Friday", "Friday at 10:00");
}

/* A day of 23 hours: Europe goes to summer time on 29 March 2026. Yesterday is the day
 * before, however long ago that is in hours. */
static void
test_date_summer_time (void)
{
  gint64 now = local (2026, 3, 30, 0, 30);

  g_assert_cmpint (now - local (2026, 3, 29, 0, 45), <, 23 * 3600);
  check (local (2026, 3, 29, 0, 45), now, "Yesterday", "Yesterday at 00:45");
  check (local (2026, 3, 29, 3, 0), now, "Yesterday", "Yesterday at 03:00");
  check (local (2026, 3, 28, 23, 30), now, "Saturday", "Saturday at 23:30");
}

/* A feed's clock, or this one, may be wrong: a date a little ahead is now; one further
 * ahead is told as it is, never as "in 3 hours" or a weekday of next week. */
static void
test_date_future (void)
{
  gint64 now = local (2026, 11, 18, 15, 30);

  check (now + 1, now, "Just now", "Just now");
  check (now + 4 * 60 + 59, now, "Just now", "Just now");
  check (now + 10 * 60, now, "15:40", "15:40");
  check (local (2026, 11, 18, 23, 59), now, "23:59", "23:59");
  check (local (2026, 11, 19, 10, 0), now, "19 November", "19 November at 10:00");
  check (local (2026, 11, 23, 10, 0), now, "23 November", "23 November at 10:00");
  check (local (2027, 1, 2, 10, 0), now, "2 January 2027", "2 January 2027 at 10:00");
  /* Published at midnight of a new year, read a few minutes before it by a fast clock
   * elsewhere. */
  check (local (2027, 1, 1, 0, 0), local (2026, 12, 31, 23, 57), "Just now", "Just now");
  check (local (2027, 1, 1, 0, 10), local (2026, 12, 31, 23, 57), "1 January 2027",
         "1 January 2027 at 00:10");
}

int
main (int   argc,
      char *argv[])
{
  /* Before GLib reads the local time zone, which it keeps. */
  g_setenv ("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/date/recent", test_date_recent);
  g_test_add_func ("/format/date/this-week", test_date_this_week);
  g_test_add_func ("/format/date/year-boundary", test_date_year_boundary);
  g_test_add_func ("/format/date/summer-time", test_date_summer_time);
  g_test_add_func ("/format/date/future", test_date_future);

  return g_test_run ();
}
