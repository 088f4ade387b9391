/* mw-format.c: sizes, times and dates as people read them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-format"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <langinfo.h>
#include <string.h>

#include "mw-format.h"

typedef struct
{
  guint64     factor;
  const char *unit;
} Unit;

/* Decimal units, as GNOME shows sizes everywhere else (g_format_size). */
static Unit
unit_for (guint64 size)
{
  if (size >= G_GUINT64_CONSTANT (1000000000))
    return (Unit) { G_GUINT64_CONSTANT (1000000000), N_("GB") };
  if (size >= 1000000)
    return (Unit) { 1000000, N_("MB") };
  return (Unit) { 1000, N_("kB") };
}

/* "12.1 of 30.0 MB": both numbers in the unit of the total, so they compare at a glance. */
char *
mw_format_size_of (guint64 size,
                   guint64 total)
{
  Unit unit = unit_for (total);

  if (total < 1000)
    {
      g_autofree char *done = g_strdup_printf ("%" G_GUINT64_FORMAT, size);
      g_autofree char *whole = g_strdup_printf ("%" G_GUINT64_FORMAT, total);

      /* Translators: a download's progress in bytes, "120 of 800 bytes" */
      return g_strdup_printf (_("%s of %s bytes"), done, whole);
    }

  /* Translators: a download's progress, "12.1 of 30.0 MB" */
  return g_strdup_printf (_("%.1f of %.1f %s"),
                          (double) size / unit.factor, (double) total / unit.factor, _(unit.unit));
}

char *
mw_format_seconds_left (gint64 seconds)
{
  if (seconds < 0)
    return NULL;
  if (seconds < 5)
    return g_strdup (_("a few seconds left"));
  if (seconds < 90)
    return g_strdup_printf (ngettext ("about %d second left", "about %d seconds left", (gulong) seconds),
                            (int) seconds);
  if (seconds < 90 * 60)
    {
      int minutes = (int) ((seconds + 30) / 60);
      return g_strdup_printf (ngettext ("about %d minute left", "about %d minutes left", minutes), minutes);
    }
  {
    int hours = (int) ((seconds + 1800) / 3600);
    return g_strdup_printf (ngettext ("about %d hour left", "about %d hours left", hours), hours);
  }
}

/* "< 1 ms", "16 ms", "1.2 s": a stall of the main loop, as the meter and the log say it. */
char *
mw_format_duration (gint64 microseconds)
{
  if (microseconds < 1000)
    return g_strdup (_("< 1 ms"));
  if (microseconds < 1000 * 1000)
    return g_strdup_printf (_("%d ms"), (int) (microseconds / 1000));
  return g_strdup_printf (_("%.1f s"), microseconds / 1e6);
}

/* Whether the locale tells time on a 12-hour clock: its own time format says so. */
static gboolean
locale_uses_12_hours (void)
{
  const char *format = nl_langinfo (T_FMT);

  return strstr (format, "%p") != NULL || strstr (format, "%P") != NULL ||
         strstr (format, "%r") != NULL || strstr (format, "%I") != NULL ||
         strstr (format, "%l") != NULL;
}

static char *
format_time_of_day (GDateTime *date)
{
  const char *format;

  if (locale_uses_12_hours ())
    {
      /* Translators: a time of day on a 12-hour clock, for the languages whose locales
       * use one; see g_date_time_format(). "2:05 PM" */
      /* xgettext:no-c-format */
      format = C_("time of day", "%-l:%M %p");
    }
  else
    {
      /* Translators: a time of day on a 24-hour clock; see g_date_time_format(). "14:05" */
      /* xgettext:no-c-format */
      format = C_("time of day", "%H:%M");
    }
  return g_date_time_format (date, format);
}

static guint32
julian_day (GDateTime *date)
{
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, (GDateDay) g_date_time_get_day_of_month (date),
                  (GDateMonth) g_date_time_get_month (date),
                  (GDateYear) g_date_time_get_year (date));
  return g_date_get_julian (&day);
}

/* The calendar days from @date to @today, whatever their lengths (a change to or from
 * summer time makes one 23 or 25 hours long): negative for a day to come. */
static gint64
days_between (GDateTime *date,
              GDateTime *today)
{
  return (gint64) julian_day (today) - (gint64) julian_day (date);
}

/**
 * mw_format_date:
 * @when: the moment, in seconds since 1970 (UTC); 0 or less for an unknown date
 * @now: the time now, in the same unit
 * @style: %MW_DATE_SHORT for a line in a list, %MW_DATE_WITH_TIME where the time of day
 *   helps, as at the top of an article
 *
 * A date as GNOME's applications (Files, Software, Fractal) say it: how long ago while
 * that is minutes, then the time of day for today, "Yesterday", the day of the week
 * within the last week, and the date otherwise, with the year only when it is not this
 * year; each in the local time zone and the language's words and order. A date up to
 * five minutes ahead, a clock a little fast, reads as "Just now"; one further ahead is
 * told as a date, never as "in 3 hours".
 *
 * Returns: (transfer full): the text, empty for an unknown date
 */
char *
mw_format_date (gint64      when,
                gint64      now,
                MwDateStyle style)
{
  gint64 ago = now - when;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autofree char *day = NULL;
  g_autofree char *time_of_day = NULL;
  gint64 days;

  if (when <= 0)
    return g_strdup ("");
  if (ago < 60 && ago > -5 * 60)
    {
      /* Translators: the date of something that happened less than a minute ago */
      return g_strdup (_("Just now"));
    }
  if (ago >= 60 && ago < 3600)
    return g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", (int) (ago / 60)),
                            (int) (ago / 60));

  date = g_date_time_new_from_unix_local (when);
  today = g_date_time_new_from_unix_local (now);
  if (date == NULL || today == NULL)
    return g_strdup ("");
  days = days_between (date, today);
  time_of_day = format_time_of_day (date);

  if (days == 0)
    return g_steal_pointer (&time_of_day);
  if (days == 1)
    {
      /* Translators: the date of something that happened the day before today */
      day = g_strdup (_("Yesterday"));
    }
  else if (days > 1 && days < 7)
    {
      day = g_date_time_format (date, "%A");
    }
  else if (g_date_time_get_year (date) == g_date_time_get_year (today))
    {
      /* Translators: a date this year; see g_date_time_format(). "21 November"; put the
       * day and the month in your language's order, "November 21" in American English */
      /* xgettext:no-c-format */
      day = g_date_time_format (date, C_("date this year", "%-d %B"));
    }
  else
    {
      /* Translators: a date in another year; see g_date_time_format(). "21 November
       * 2025"; in your language's order, "November 21, 2025" in American English */
      /* xgettext:no-c-format */
      day = g_date_time_format (date, C_("date another year", "%-d %B %Y"));
    }

  if (style == MW_DATE_SHORT)
    return g_steal_pointer (&day);
  /* Translators: a date and the time of day, "Yesterday at 14:05", "Monday at 14:05",
   * "21 November at 14:05" */
  return g_strdup_printf (C_("date and time", "%s at %s"), day, time_of_day);
}
