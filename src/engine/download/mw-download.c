/* mw-download.c: one file being downloaded: its properties, and how the engine changes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Main thread only. Its states and the moves between them are in mw-download-state.c, a
 * run of its transfer in mw-download-transfer.c.
 */
#define G_LOG_DOMAIN "mw-download"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "mw-string-private.h"
#include "mw-download-private.h"
#include "mw-error.h"
#include "mw-timeline.h"
#include "mw-url.h"

/* Progress may arrive thousands of times a second; nobody needs more than this many
 * notifications of it, and each one costs every bound widget some work. */
#define PROGRESS_NOTIFY_INTERVAL_US (G_USEC_PER_SEC / 40)
#define SPEED_SAMPLE_INTERVAL_US    (G_USEC_PER_SEC / 2)

G_DEFINE_FINAL_TYPE (MwDownload, mw_download, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URL,
  PROP_FINAL_URL,
  PROP_FILE,
  PROP_FILENAME,
  PROP_STATE,
  PROP_RECEIVED_BYTES,
  PROP_TOTAL_BYTES,
  PROP_FRACTION,
  PROP_SPEED,
  PROP_SECONDS_LEFT,
  PROP_ERROR_MESSAGE,
  PROP_EXPECTED_SHA256,
  PROP_ETAG,
  PROP_LAST_MODIFIED,
  PROP_ATTEMPT,
  PROP_ACTIVE,
  PROP_AWAITING_RESPONSE,
  PROP_WAITING_FOR_NETWORK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
mw_download_dispose (GObject *object)
{
  MwDownload *self = MW_DOWNLOAD (object);

  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (mw_download_parent_class)->dispose (object);
}

static void
mw_download_finalize (GObject *object)
{
  MwDownload *self = MW_DOWNLOAD (object);

  g_free (self->url);
  g_free (self->final_url);
  g_free (self->filename);
  mw_failure_free (self->failure);
  g_free (self->error_message);
  g_free (self->expected_sha256);
  g_free (self->etag);
  g_free (self->last_modified);
  g_clear_pointer (&self->added, g_date_time_unref);
  mw_timeline_end (mw_timeline_get_default (), self->network_segment);
  g_clear_pointer (&self->deletion_waiters, g_array_unref);

  G_OBJECT_CLASS (mw_download_parent_class)->finalize (object);
}

static void
mw_download_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MwDownload *self = MW_DOWNLOAD (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_FINAL_URL:
      g_value_set_string (value, mw_download_get_final_url (self));
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_FILENAME:
      g_value_set_string (value, self->filename);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_RECEIVED_BYTES:
      g_value_set_uint64 (value, self->received);
      break;
    case PROP_TOTAL_BYTES:
      g_value_set_int64 (value, self->total);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, mw_download_get_fraction (self));
      break;
    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;
    case PROP_SECONDS_LEFT:
      g_value_set_int64 (value, mw_download_get_seconds_left (self));
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_EXPECTED_SHA256:
      g_value_set_string (value, self->expected_sha256);
      break;
    case PROP_ETAG:
      g_value_set_string (value, self->etag);
      break;
    case PROP_LAST_MODIFIED:
      g_value_set_string (value, self->last_modified);
      break;
    case PROP_ATTEMPT:
      g_value_set_uint (value, self->attempt);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, mw_download_is_active (self));
      break;
    case PROP_AWAITING_RESPONSE:
      g_value_set_boolean (value, self->awaiting_response);
      break;
    case PROP_WAITING_FOR_NETWORK:
      g_value_set_boolean (value, self->waiting_for_network);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_download_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MwDownload *self = MW_DOWNLOAD (object);

  switch (prop_id)
    {
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    case PROP_EXPECTED_SHA256:
      mw_download_set_expected_sha256 (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_download_class_init (MwDownloadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = mw_download_dispose;
  object_class->finalize = mw_download_finalize;
  object_class->get_property = mw_download_get_property;
  object_class->set_property = mw_download_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FINAL_URL] = g_param_spec_string ("final-url", NULL, NULL, NULL, ro);
  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, ro);
  properties[PROP_FILENAME] = g_param_spec_string ("filename", NULL, NULL, NULL, ro);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MW_TYPE_DOWNLOAD_STATE, MW_DOWNLOAD_QUEUED, ro);
  properties[PROP_RECEIVED_BYTES] =
    g_param_spec_uint64 ("received-bytes", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_TOTAL_BYTES] =
    g_param_spec_int64 ("total-bytes", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0, ro);
  properties[PROP_SPEED] = g_param_spec_double ("speed", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0, ro);
  properties[PROP_SECONDS_LEFT] =
    g_param_spec_int64 ("seconds-left", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_EXPECTED_SHA256] =
    g_param_spec_string ("expected-sha256", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ETAG] = g_param_spec_string ("etag", NULL, NULL, NULL, ro);
  properties[PROP_LAST_MODIFIED] = g_param_spec_string ("last-modified", NULL, NULL, NULL, ro);
  properties[PROP_ATTEMPT] = g_param_spec_uint ("attempt", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, ro);
  /* TRUE from sending a request until its response (or its failure) arrives. */
  properties[PROP_AWAITING_RESPONSE] =
    g_param_spec_boolean ("awaiting-response", NULL, NULL, FALSE, ro);
  /* TRUE while a run makes no attempt because the network is gone; its state stays. */
  properties[PROP_WAITING_FOR_NETWORK] =
    g_param_spec_boolean ("waiting-for-network", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MwDownload::event:
   * @time: the wall-clock time it happened, in microseconds since the epoch; after a
   *   run has begun, mw_download_get_run_started() plus the time since, as the monotonic
   *   clock measures it
   * @text: what the transfer just did, as a sentence for the event log
   *
   * Emitted as it happens: in freezing mode during the block, so a window only shows
   * these once the main loop is free again.
   */
  signals[EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);
}

void
_mw_download_event (MwDownload *self,
                    const char *format,
                    ...)
{
  g_autofree char *text = NULL;
  va_list args;
  gint64 time;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  /* Measured from the run's start on the monotonic clock, so that "+1.5 s" in the log
   * means a second and a half even when the wall clock is set meanwhile. */
  if (self->run_started != 0)
    time = self->run_started + (g_get_monotonic_time () - self->run_started_monotonic);
  else
    time = g_get_real_time ();
  g_signal_emit (self, signals[EVENT], 0, time, text);
}

/**
 * mw_download_get_run_started:
 *
 * Returns: when the download's current (or last) run began, in wall-clock microseconds
 *   since the epoch, the clock of #MwDownload::event's time; 0 if it never ran
 */
gint64
mw_download_get_run_started (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), 0);
  return self->run_started;
}

static void
mw_download_init (MwDownload *self)
{
  self->state = MW_DOWNLOAD_QUEUED;
  self->total = -1;
  self->added = g_date_time_new_now_utc ();
}

/* The one rule for addresses (mw_url_check_http()), in the words of downloads, which
 * show what an address to a file looks like. */
gboolean
_mw_check_url (const char  *url,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (mw_url_check_http (url, &local_error))
    return TRUE;

  if (!g_error_matches (local_error, G_URI_ERROR, G_URI_ERROR_BAD_SCHEME))
    {
      g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INVALID_URL,
                   _("“%s” is not a web address. Addresses look like https://example.org/file.zip."),
                   url ? url : "");
      return FALSE;
    }

  g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INVALID_URL,
               _("Meanwhile downloads only web addresses (http and https), not “%s:” ones."),
               g_uri_peek_scheme (url));
  return FALSE;
}

gboolean
_mw_check_sha256 (const char *sha256)
{
  gsize len = sha256 ? strlen (sha256) : 0;

  if (len != 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (sha256[i]))
      return FALSE;
  return TRUE;
}

MwDownload *
mw_download_new (const char *url)
{
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (MW_TYPE_DOWNLOAD, "url", url, NULL);
}

const char *
mw_download_get_url (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), NULL);
  return self->url;
}

const char *
mw_download_get_final_url (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), NULL);
  return self->final_url != NULL ? self->final_url : self->url;
}

/* Returns: (nullable) (transfer none): the final file; NULL until the server named it */
GFile *
mw_download_get_file (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), NULL);
  return self->file;
}

const char *
mw_download_get_filename (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), NULL);
  return self->filename;
}

/* The name to show: the file's, or before the server named it, the last part of the
 * address, or the address itself. */
char *
mw_download_dup_display_name (MwDownload *self)
{
  g_autoptr(GUri) uri = NULL;
  const char *path;

  g_return_val_if_fail (MW_IS_DOWNLOAD (self), NULL);

  if (self->filename != NULL)
    return g_strdup (self->filename);

  uri = g_uri_parse (self->url, G_URI_FLAGS_ENCODED, NULL);
  path = uri ? g_uri_get_path (uri) : NULL;
  if (path != NULL)
    {
      const char *slash = strrchr (path, '/');
      const char *last = slash ? slash + 1 : path;
      g_autofree char *unescaped = g_uri_unescape_string (last, NULL);

      if (unescaped != NULL && *unescaped != '\0' && g_utf8_validate (unescaped, -1, NULL))
        return g_steal_pointer (&unescaped);
      if (*last != '\0')
        return g_strdup (last);
    }
  return g_strdup (self->url);
}

MwDownloadState
mw_download_get_state (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), MW_DOWNLOAD_QUEUED);
  return self->state;
}

guint64
mw_download_get_received_bytes (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), 0);
  return self->received;
}

gint64
mw_download_get_total_bytes (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), -1);
  return self->total;
}

double
mw_download_get_fraction (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), 0.0);

  if (self->state == MW_DOWNLOAD_COMPLETED)
    return 1.0;
  if (self->total <= 0)
    return 0.0;
  return CLAMP ((double) self->received / (double) self->total, 0.0, 1.0);
}

double
mw_download_get_speed (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), 0.0);
  return self->speed;
}

/* Returns: the seconds left at the current speed, or -1 when nobody can tell */
gint64
mw_download_get_seconds_left (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), -1);

  if (self->state != MW_DOWNLOAD_DOWNLOADING || self->total < 0 || self->speed < 1.0)
    return -1;
  if ((guint64) self->total <= self->received)
    return 0;
  return (gint64) ceil ((double) ((guint64) self->total - self->received) / self->speed);
}

/* Returns: (nullable): why the download failed, or its last attempt did, in the language
 * of this session */
const char *
mw_download_get_error_message (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), NULL);
  return self->error_message;
}

/* Returns: (nullable): what went wrong, behind mw_download_get_error_message(); %NULL
 * for a failure read from a state file that had only its sentence */
const MwFailure *
mw_download_get_failure (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), NULL);
  return self->failure;
}

const char *
mw_download_get_expected_sha256 (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), NULL);
  return self->expected_sha256;
}

void
mw_download_set_expected_sha256 (MwDownload *self,
                                 const char *sha256)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (MW_IS_DOWNLOAD (self));

  if (sha256 != NULL && *sha256 != '\0')
    normalized = g_ascii_strdown (sha256, -1);

  if (g_strcmp0 (normalized, self->expected_sha256) == 0)
    return;

  g_free (self->expected_sha256);
  self->expected_sha256 = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPECTED_SHA256]);
}

const char *
mw_download_get_etag (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), NULL);
  return self->etag;
}

const char *
mw_download_get_last_modified (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), NULL);
  return self->last_modified;
}

guint
mw_download_get_attempt (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), 0);
  return self->attempt;
}

GDateTime *
mw_download_get_added (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), NULL);
  return self->added;
}

/**
 * mw_download_get_waiting_for_network:
 *
 * Returns: whether the download's run waits for the network to come back before its
 *   next attempt; it holds no transfer slot meanwhile, and keeps its state
 */
gboolean
mw_download_get_waiting_for_network (MwDownload *self)
{
  g_return_val_if_fail (MW_IS_DOWNLOAD (self), FALSE);
  return self->waiting_for_network;
}

void
_mw_download_set_waiting_for_network (MwDownload *self,
                                      gboolean    waiting)
{
  if (self->waiting_for_network == !!waiting)
    return;
  self->waiting_for_network = !!waiting;
  /* Nothing moves while it waits: no speed, no time left. */
  if (waiting && self->speed > 0)
    {
      self->speed = 0;
      _mw_download_notify_speed (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_FOR_NETWORK]);
}

void
_mw_download_set_awaiting_response (MwDownload *self,
                                    gboolean    awaiting)
{
  if (self->awaiting_response == !!awaiting)
    return;
  self->awaiting_response = !!awaiting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AWAITING_RESPONSE]);
}


void
_mw_download_set_state (MwDownload      *self,
                        MwDownloadState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  if (state != MW_DOWNLOAD_DOWNLOADING)
    self->speed = 0;

  /* The network's part of a transfer, for the timeline: waiting for an answer, then
   * receiving it. Every state change passes here, whatever the mode. */
  mw_timeline_end (mw_timeline_get_default (), self->network_segment);
  self->network_segment = 0;
  if (state == MW_DOWNLOAD_CONNECTING || state == MW_DOWNLOAD_DOWNLOADING)
    {
      g_autofree char *name = mw_download_dup_display_name (self);

      self->network_segment = mw_timeline_begin (mw_timeline_get_default (), MW_TIMELINE_NETWORK,
                                                 state == MW_DOWNLOAD_CONNECTING ? _("Waiting for the server")
                                                                                 : _("Receiving"),
                                                 name);
    }

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDS_LEFT]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The sentence is made now, and again in the language of the day whenever a state file
 * brings the failure back. */
void
_mw_download_set_failure (MwDownload      *self,
                          const MwFailure *failure)
{
  g_autofree char *message = failure != NULL ? mw_failure_describe (failure) : NULL;

  if (self->failure != failure)
    {
      g_clear_pointer (&self->failure, mw_failure_free);
      self->failure = mw_failure_copy (failure);
    }
  if (_mw_set_string (&self->error_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

void
_mw_download_set_final_url (MwDownload *self,
                            const char *url)
{
  if (_mw_set_string (&self->final_url, url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINAL_URL]);
}

void
_mw_download_set_validators (MwDownload *self,
                             const char *etag,
                             const char *last_modified)
{
  if (_mw_set_string (&self->etag, etag))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETAG]);
  if (_mw_set_string (&self->last_modified, last_modified))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_MODIFIED]);
}

void
_mw_download_set_file (MwDownload *self,
                       GFile      *file)
{
  if (self->file == file || (self->file && file && g_file_equal (self->file, file)))
    return;

  g_set_object (&self->file, file);
  g_free (self->filename);
  self->filename = file ? g_file_get_basename (file) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILENAME]);
}

void
_mw_download_set_total (MwDownload *self,
                        gint64      total)
{
  if (self->total == total)
    return;
  self->total = total;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_BYTES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

void
_mw_download_set_received (MwDownload *self,
                           guint64     received,
                           gboolean    force_notify)
{
  gint64 now = g_get_monotonic_time ();

  if (self->speed_sample_time == 0 || received < self->speed_sample_bytes)
    {
      self->speed_sample_time = now;
      self->speed_sample_bytes = received;
    }
  else if (now - self->speed_sample_time >= SPEED_SAMPLE_INTERVAL_US)
    {
      double seconds = (now - self->speed_sample_time) / (double) G_USEC_PER_SEC;
      double instant = (received - self->speed_sample_bytes) / seconds;

      /* An exponential average: steady enough to read, quick enough to follow changes. */
      self->speed = self->speed > 0 ? 0.6 * self->speed + 0.4 * instant : instant;
      self->speed_sample_time = now;
      self->speed_sample_bytes = received;
      _mw_download_notify_speed (self);
    }

  if (self->received == received)
    return;
  self->received = received;

  if (force_notify || now - self->last_progress_notify >= PROGRESS_NOTIFY_INTERVAL_US)
    {
      self->last_progress_notify = now;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECEIVED_BYTES]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
}

/* A run began or ended: whether the download holds a transfer slot changed. */
void
_mw_download_notify_active (MwDownload *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

/* The speed changed, and with it the time left. */
void
_mw_download_notify_speed (MwDownload *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDS_LEFT]);
}

void
_mw_download_set_attempt (MwDownload *self,
                          guint       attempt)
{
  if (self->attempt == attempt)
    return;
  self->attempt = attempt;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPT]);
}

void
_mw_download_set_added (MwDownload *self,
                        GDateTime  *added)
{
  g_clear_pointer (&self->added, g_date_time_unref);
  self->added = g_date_time_ref (added);
}

GFile *
_mw_download_dup_part_file (MwDownload *self)
{
  g_autofree char *path = NULL;
  g_autofree char *part_path = NULL;

  if (self->file == NULL)
    return NULL;

  path = g_file_get_path (self->file);
  part_path = g_strconcat (path, ".part", NULL);
  return g_file_new_for_path (part_path);
}

char *
_mw_download_dup_host (MwDownload *self)
{
  g_autoptr(GUri) uri = g_uri_parse (mw_download_get_final_url (self), G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  return g_strdup (g_uri_get_host (uri));
}
