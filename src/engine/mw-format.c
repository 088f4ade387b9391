/* mw-format.c: sizes, times and dates as people read them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-format"

#include "config.h"

#include <glib/gi18n-lib.h>

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

/* "5 minutes ago", "yesterday", "12 March": how long ago an article was published. */
char *
mw_format_relative_date (gint64 when,
                         gint64 now)
{
  gint64 ago = now - when;
  g_autoptr(GDateTime) date = NULL;

  if (when <= 0)
    return g_strdup ("");
  if (ago < 60)
    return g_strdup (_("just now"));
  if (ago < 3600)
    return g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", (int) (ago / 60)), (int) (ago / 60));
  if (ago < 86400)
    return g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", (int) (ago / 3600)), (int) (ago / 3600));
  if (ago < 2 * 86400)
    return g_strdup (_("yesterday"));
  if (ago < 7 * 86400)
    return g_strdup_printf (ngettext ("%d day ago", "%d days ago", (int) (ago / 86400)), (int) (ago / 86400));

  date = g_date_time_new_from_unix_local (when);
  if (date == NULL)
    return g_strdup ("");
  /* Translators: a date within the last year or so, see strftime */
  return g_date_time_format (date, ago < 300 * 86400 ? _("%-d %B") : _("%-d %B %Y"));
}
