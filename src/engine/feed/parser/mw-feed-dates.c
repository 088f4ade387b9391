/* mw-feed-dates.c: the dates feeds write, as Unix seconds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-feed-dates"

#include "config.h"

#include <string.h>

#include "mw-feed-parser.h"
#include "mw-feed-text-private.h"

/* Dates */

typedef struct
{
  int year;
  int month;
  int day;
  int hour;
  int minute;
  int second;
  int offset;   /* seconds east of UTC */
} DateParts;

static gint64
days_from_civil (gint64 year,
                 int    month,
                 int    day)
{
  gint64 era;
  gint64 year_of_era;
  gint64 day_of_year;
  gint64 day_of_era;

  /* Howard Hinnant's algorithm: count from March so the leap day ends the year. */
  year -= month <= 2;
  era = (year >= 0 ? year : year - 399) / 400;
  year_of_era = year - era * 400;
  day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

  return era * 146097 + day_of_era - 719468;
}

static int
days_in_month (int year,
               int month)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
    return 29;

  return days[month - 1];
}

static gint64
date_parts_to_unix (DateParts *parts)
{
  if (parts->year < 1000 || parts->year > 9999 ||
      parts->month < 1 || parts->month > 12 ||
      parts->day < 1 || parts->day > days_in_month (parts->year, parts->month) ||
      parts->hour < 0 || parts->hour > 23 ||
      parts->minute < 0 || parts->minute > 59 ||
      parts->second < 0 || parts->second > 60 ||
      parts->offset < -18 * 3600 || parts->offset > 18 * 3600)
    return 0;

  /* A leap second is not worth a failure. */
  if (parts->second == 60)
    parts->second = 59;

  return days_from_civil (parts->year, parts->month, parts->day) * 86400 +
         parts->hour * 3600 + parts->minute * 60 + parts->second - parts->offset;
}

/* Reads up to @max digits; returns how many. */
static int
read_digits (const char **p,
             int          max,
             int         *value)
{
  int n = 0;

  *value = 0;
  while (n < max && g_ascii_isdigit (**p))
    {
      *value = *value * 10 + (**p - '0');
      (*p)++;
      n++;
    }

  return n;
}

/* "+hh:mm", "+hhmm" or "+hh"; @p is at the sign. */
static gboolean
read_numeric_offset (const char **p,
                     int         *offset)
{
  const char *q = *p;
  int sign = *q == '-' ? -1 : 1;
  int hours;
  int minutes = 0;

  q++;
  if (read_digits (&q, 2, &hours) != 2)
    return FALSE;
  if (*q == ':')
    q++;
  if (g_ascii_isdigit (*q) && read_digits (&q, 2, &minutes) != 2)
    return FALSE;
  if (hours > 18 || minutes > 59)
    return FALSE;

  *offset = sign * (hours * 3600 + minutes * 60);
  *p = q;
  return TRUE;
}

typedef struct
{
  const char *name;
  int         minutes;
} ZoneName;

/* RFC 822's zones, and the abbreviations feeds use most. Ambiguous ones (IST is India
 * here, the likeliest in feeds) are a guess either way. */
static const ZoneName zone_names[] = {
  { "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
  { "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
  { "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 },
  { "AKST", -540 }, { "AKDT", -480 }, { "HST", -600 }, { "AST", -240 }, { "ADT", -180 },
  { "NST", -210 }, { "NDT", -150 }, { "WET", 0 }, { "WEST", 60 }, { "BST", 60 },
  { "CET", 60 }, { "CEST", 120 }, { "MET", 60 }, { "MEST", 120 }, { "EET", 120 },
  { "EEST", 180 }, { "MSK", 180 }, { "IST", 330 }, { "SGT", 480 }, { "HKT", 480 },
  { "AWST", 480 }, { "JST", 540 }, { "KST", 540 }, { "ACST", 570 }, { "AEST", 600 },
  { "AEDT", 660 }, { "NZST", 720 }, { "NZDT", 780 },
};

static gboolean
lookup_zone_name (const char *word,
                  gsize       len,
                  int        *offset)
{
  for (gsize i = 0; i < G_N_ELEMENTS (zone_names); i++)
    {
      if (strlen (zone_names[i].name) == len &&
          g_ascii_strncasecmp (word, zone_names[i].name, len) == 0)
        {
          *offset = zone_names[i].minutes * 60;
          return TRUE;
        }
    }

  /* Military zones: too rarely right to trust, so read as UTC. */
  if (len == 1 && g_ascii_isalpha (word[0]) && word[0] != 'J' && word[0] != 'j')
    {
      *offset = 0;
      return TRUE;
    }

  return FALSE;
}

static int
lookup_month (const char *word,
              gsize       len)
{
  static const char * const months[] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
  };

  if (len < 3)
    return 0;

  for (gsize i = 0; i < G_N_ELEMENTS (months); i++)
    {
      if (len <= strlen (months[i]) && g_ascii_strncasecmp (word, months[i], len) == 0)
        return i + 1;
    }

  return 0;
}

static gboolean
is_weekday (const char *word,
            gsize       len)
{
  static const char * const days[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  };

  if (len < 3)
    return FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (days); i++)
    {
      if (len <= strlen (days[i]) && g_ascii_strncasecmp (word, days[i], len) == 0)
        return TRUE;
    }

  return FALSE;
}

/* "hh:mm[:ss[.fraction]]", @p at the first digit. */
static gboolean
read_time (const char **p,
           DateParts   *parts)
{
  const char *q = *p;
  int hour;
  int minute;
  int second = 0;

  if (read_digits (&q, 2, &hour) == 0 || *q != ':')
    return FALSE;
  q++;
  if (read_digits (&q, 2, &minute) != 2)
    return FALSE;
  if (*q == ':')
    {
      q++;
      if (read_digits (&q, 2, &second) != 2)
        return FALSE;
      if (*q == '.' || *q == ',')
        {
          q++;
          while (g_ascii_isdigit (*q))
            q++;
        }
    }

  parts->hour = hour;
  parts->minute = minute;
  parts->second = second;
  *p = q;
  return TRUE;
}

/* RFC 3339 and the ISO 8601 shapes feeds use: "2024-03-01", "2024-03-01T12:30Z",
 * "2024-03-01 12:30:00.250+01:00", "20240301T123000Z". */
static gboolean
parse_iso8601 (const char *p,
               DateParts  *parts)
{
  int n;

  if (read_digits (&p, 4, &parts->year) != 4)
    return FALSE;
  if (*p == '-')
    {
      p++;
      n = read_digits (&p, 2, &parts->month);
      if (n == 0 || *p != '-')
        return FALSE;
      p++;
      if (read_digits (&p, 2, &parts->day) == 0)
        return FALSE;
    }
  else
    {
      if (read_digits (&p, 2, &parts->month) != 2 || read_digits (&p, 2, &parts->day) != 2)
        return FALSE;
      if (*p != 'T' && *p != 't')
        return FALSE;
    }

  parts->hour = parts->minute = parts->second = parts->offset = 0;
  if ((*p == 'T' || *p == 't' || *p == ' ') && g_ascii_isdigit (p[1]))
    {
      const char *q = p + 1;

      if (!read_time (&q, parts))
        {
          /* The basic format: hhmm[ss]. */
          q = p + 1;
          if (read_digits (&q, 2, &parts->hour) != 2 || read_digits (&q, 2, &parts->minute) != 2)
            return FALSE;
          if (g_ascii_isdigit (*q) && read_digits (&q, 2, &parts->second) != 2)
            return FALSE;
          if (*q == '.' || *q == ',')
            {
              q++;
              while (g_ascii_isdigit (*q))
                q++;
            }
        }
      p = q;

      while (*p == ' ')
        p++;
      if (*p == 'Z' || *p == 'z')
        parts->offset = 0;
      else if (*p == '+' || *p == '-')
        {
          if (!read_numeric_offset (&p, &parts->offset))
            return FALSE;
        }
      else if (g_ascii_isalpha (*p))
        {
          const char *word = p;

          while (g_ascii_isalpha (*p))
            p++;
          if (!lookup_zone_name (word, p - word, &parts->offset))
            parts->offset = 0;
        }
    }

  return TRUE;
}

/* RFC 822 and its many misspellings: an optional weekday, day and month either way
 * round, two- to four-digit years, an optional time, a zone as a name or an offset.
 * Also takes asctime() ("Mon Jan  1 12:00:00 2024") and JavaScript's Date.toString(). */
static gboolean
parse_rfc822 (const char *p,
              DateParts  *parts)
{
  int day = -1;
  int month = 0;
  int year = -1;
  int year_digits = 0;
  gboolean have_time = FALSE;
  gboolean pm = FALSE;
  gboolean am = FALSE;

  parts->hour = parts->minute = parts->second = parts->offset = 0;

  while (*p != '\0')
    {
      if (g_ascii_isdigit (*p))
        {
          const char *start = p;
          int value;
          int n;

          if (!have_time && read_time (&p, parts))
            {
              have_time = TRUE;
              continue;
            }
          p = start;
          n = read_digits (&p, 9, &value);
          if (n > 4)
            return FALSE;
          if (n >= 3 || (day >= 0 && year < 0) || value > 31)
            {
              if (year >= 0)
                return FALSE;
              year = value;
              year_digits = n;
            }
          else if (day < 0)
            day = value;
          else
            return FALSE;
        }
      else if ((*p == '+' || *p == '-') && have_time && g_ascii_isdigit (p[1]))
        {
          if (!read_numeric_offset (&p, &parts->offset))
            return FALSE;
        }
      else if (g_ascii_isalpha (*p))
        {
          const char *word = p;
          gsize len;
          int m;

          while (g_ascii_isalpha (*p))
            p++;
          len = p - word;

          /* Weekdays, and anything else ("Posted", a zone we do not know), are
           * passed over. */
          if (month == 0 && (m = lookup_month (word, len)) != 0)
            month = m;
          else if (len == 2 && g_ascii_strncasecmp (word, "AM", 2) == 0)
            am = TRUE;
          else if (len == 2 && g_ascii_strncasecmp (word, "PM", 2) == 0)
            pm = TRUE;
          else if (!is_weekday (word, len))
            lookup_zone_name (word, len, &parts->offset);
        }
      else if (*p == '(')
        {
          /* An RFC 822 comment, like "(PST)". */
          const char *close = strchr (p, ')');

          p = close != NULL ? close + 1 : p + strlen (p);
        }
      else
        {
          p++;
        }
    }

  if (day < 0 || month == 0 || year < 0)
    return FALSE;

  /* RFC 2822's rule for old two- and three-digit years. */
  if (year_digits <= 2)
    year += year < 50 ? 2000 : 1900;
  else if (year_digits == 3)
    year += 1900;

  if (pm && parts->hour < 12)
    parts->hour += 12;
  else if (am && parts->hour == 12)
    parts->hour = 0;

  parts->year = year;
  parts->month = month;
  parts->day = day;
  return TRUE;
}

/**
 * mw_feed_parse_date:
 * @text: (nullable): a date as a feed writes it
 *
 * Reads RFC 822 dates (RSS), RFC 3339 / ISO 8601 dates (Atom, JSON Feed, Dublin Core)
 * and the common ways feeds get either wrong. A date without a zone is taken as UTC,
 * one without a time as midnight.
 *
 * Returns: Unix seconds, or 0 when @text is missing or not a date we can read
 */
gint64
mw_feed_parse_date (const char *text)
{
  DateParts parts = { 0, };

  if (text == NULL)
    return 0;

  while (g_ascii_isspace (*text))
    text++;
  if (strlen (text) > DATE_COLLECT_BYTES)
    return 0;

  if (g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1]) &&
      g_ascii_isdigit (text[2]) && g_ascii_isdigit (text[3]) &&
      (text[4] == '-' || g_ascii_isdigit (text[4])))
    {
      if (parse_iso8601 (text, &parts))
        return date_parts_to_unix (&parts);
    }

  if (parse_rfc822 (text, &parts))
    return date_parts_to_unix (&parts);

  return 0;
}
