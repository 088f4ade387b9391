/* mw-download-format.c: a download's state as people read it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-download-format"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-download-format.h"
#include "mw-format.h"

static char *
format_speed (double bytes_per_second)
{
  g_autofree char *size = g_format_size ((guint64) bytes_per_second);

  /* Translators: a transfer speed, "2.3 MB/s" */
  return g_strdup_printf (_("%s/s"), size);
}

/* The one line under a download's name that says where it stands. */
char *
mw_format_download_status (MwDownload *download,
                           guint       queued_ahead)
{
  guint64 received = mw_download_get_received_bytes (download);
  gint64 total = mw_download_get_total_bytes (download);
  const char *error = mw_download_get_error_message (download);

  /* Whatever its state, nothing happens until the network is back: that is what to say. */
  if (mw_download_get_waiting_for_network (download))
    {
      if (total > 0)
        {
          g_autofree char *sizes = mw_format_size_of (received, (guint64) total);
          return g_strdup_printf (_("Waiting for the network — %s"), sizes);
        }
      return g_strdup (_("Waiting for the network"));
    }

  switch (mw_download_get_state (download))
    {
    case MW_DOWNLOAD_QUEUED:
      if (queued_ahead == 0)
        return g_strdup (_("Waiting — next in line"));
      /* Translators: the number of downloads that start before this one */
      return g_strdup_printf (ngettext ("Waiting — %u ahead", "Waiting — %u ahead", queued_ahead),
                              queued_ahead);

    case MW_DOWNLOAD_CONNECTING:
      if (error != NULL)
        return g_strdup_printf (_("Retrying — %s"), error);
      return g_strdup (_("Connecting…"));

    case MW_DOWNLOAD_DOWNLOADING:
      {
        g_autoptr(GString) text = g_string_new (NULL);
        double speed = mw_download_get_speed (download);
        g_autofree char *left = mw_format_seconds_left (mw_download_get_seconds_left (download));

        if (total >= 0)
          {
            g_autofree char *sizes = mw_format_size_of (received, (guint64) total);
            g_string_append (text, sizes);
          }
        else
          {
            g_autofree char *size = g_format_size (received);
            g_string_append (text, size);
          }
        if (speed >= 1.0)
          {
            g_autofree char *rate = format_speed (speed);
            g_string_append_printf (text, " · %s", rate);
          }
        if (left != NULL)
          g_string_append_printf (text, " · %s", left);
        return g_string_free (g_steal_pointer (&text), FALSE);
      }

    case MW_DOWNLOAD_PAUSED:
      if (total > 0)
        {
          g_autofree char *sizes = mw_format_size_of (received, (guint64) total);
          return g_strdup_printf (_("Paused — %s"), sizes);
        }
      return g_strdup (_("Paused"));

    case MW_DOWNLOAD_VERIFYING:
      return g_strdup (_("Verifying the checksum…"));

    case MW_DOWNLOAD_COMPLETED:
      {
        g_autofree char *size = g_format_size (received);
        return g_strdup_printf (_("Completed — %s"), size);
      }

    case MW_DOWNLOAD_FAILED:
      return g_strdup_printf (_("Failed: %s"), error ? error : _("unknown error"));

    case MW_DOWNLOAD_CANCELLED:
      return g_strdup (_("Cancelled"));

    default:
      return g_strdup ("");
    }
}
