/* mw-demo-resources.c: what the demo server serves: sample files, texts and varying texts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sample files are generated chunk by chunk from a seed and an offset, so serving a
 * 12 MiB file costs no 12 MiB of memory. A varying text is a short head made anew for
 * each request in front of a long tail made once, so that it changes every time and
 * still costs the server thread next to nothing. Resources are shared between the server
 * thread and the server's users, under the server's mutex.
 */
#define G_LOG_DOMAIN "mw-demo-resources"

#include "config.h"

#include <string.h>

#include "mw-demo-server-private.h"

typedef struct
{
  const char *path;
  const char *content_type;
  const char *disposition_name;   /* differs from the path's, so the UI shows it is used */
  guint64     size;
} SampleFile;

static const SampleFile sample_files[] = {
  { "/files/sunrise-photos.zip", "application/zip", NULL, 6 * 1024 * 1024 },
  { "/files/field-recording.flac", "audio/flac", NULL, 4 * 1024 * 1024 },
  { "/files/city-map.pdf", "application/pdf", "Old Town Map.pdf", 3 * 1024 * 1024 },
  { "/files/lecture-video.mp4", "video/mp4", NULL, 12 * 1024 * 1024 },
};

/* A fixed date, so that the validators of a sample never change between runs. */
#define SAMPLE_MODIFIED_UNIX G_GINT64_CONSTANT (1700000000)

/* --- Resources -------------------------------------------------------------------- */

static void
resource_clear (Resource *resource)
{
  g_free (resource->path);
  g_free (resource->content_type);
  g_free (resource->disposition);
  g_free (resource->etag);
  g_free (resource->last_modified);
  g_clear_pointer (&resource->modified, g_date_time_unref);
  g_clear_pointer (&resource->head, g_bytes_unref);
  g_clear_pointer (&resource->text, g_bytes_unref);
  if (resource->head_destroy != NULL)
    resource->head_destroy (resource->head_data);
  if (resource->last_version != NULL)
    g_atomic_rc_box_release_full (resource->last_version, (GDestroyNotify) resource_clear);
}

Resource *
_mw_demo_resource_ref (Resource *resource)
{
  return g_atomic_rc_box_acquire (resource);
}

void
_mw_demo_resource_unref (Resource *resource)
{
  g_atomic_rc_box_release_full (resource, (GDestroyNotify) resource_clear);
}

static Resource *
resource_new (const char *path,
              const char *content_type,
              GDateTime  *modified)
{
  Resource *resource = g_atomic_rc_box_new0 (Resource);

  resource->path = g_strdup (path);
  resource->content_type = g_strdup (content_type);
  resource->modified = g_date_time_ref (modified);
  resource->last_modified = soup_date_time_to_string (modified, SOUP_DATE_HTTP);
  return resource;
}

static inline guint64
splitmix64 (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

static inline guint64
sample_word (guint64 seed,
             guint64 index)
{
  /* Multiplying spreads the seeds far apart, so no two files share a run of words. */
  return splitmix64 (seed * G_GUINT64_CONSTANT (0xd1342543de82ef95) + index);
}

/* Byte N of a sample is byte N % 8 of the word for N / 8: any range can be made on its
 * own, and is the same whichever chunks it is cut into. */
static void
generate_sample (guint64  seed,
                 guint64  offset,
                 guint8  *out,
                 gsize    length)
{
  guint64 index = offset / 8;
  guint shift = (guint) (offset % 8);
  guint64 word = sample_word (seed, index);

  for (gsize i = 0; i < length; i++)
    {
      out[i] = (guint8) (word >> (8 * shift));
      if (++shift == 8)
        {
          shift = 0;
          word = sample_word (seed, ++index);
        }
    }
}

GBytes *
_mw_demo_resource_read (const Resource *resource,
                        guint64         offset,
                        gsize           length)
{
  guint8 *data;

  if (resource->head != NULL)
    {
      gsize head_size = g_bytes_get_size (resource->head);

      if (offset + length <= head_size)
        return g_bytes_new_from_bytes (resource->head, (gsize) offset, length);
      if (offset >= head_size)
        return g_bytes_new_from_bytes (resource->text, (gsize) offset - head_size, length);

      /* The one chunk that spans the seam is copied; every other one is a slice. */
      data = g_malloc (length);
      memcpy (data, (const guint8 *) g_bytes_get_data (resource->head, NULL) + offset,
              head_size - (gsize) offset);
      memcpy (data + (head_size - (gsize) offset), g_bytes_get_data (resource->text, NULL),
              length - (head_size - (gsize) offset));
      return g_bytes_new_take (data, length);
    }

  if (resource->text != NULL)
    return g_bytes_new_from_bytes (resource->text, (gsize) offset, length);

  data = g_malloc (MAX (length, 1));
  generate_sample (resource->seed, offset, data, length);
  return g_bytes_new_take (data, length);
}

/* Resources are keyed by their decoded path, with a leading slash. */
static char *
normalize_path (const char *path)
{
  if (path[0] == '/')
    return g_strdup (path);
  return g_strconcat ("/", path, NULL);
}

static char *
path_from_url_or_path (const char *url_or_path)
{
  g_autoptr(GUri) uri = NULL;

  if (strstr (url_or_path, "://") == NULL)
    return normalize_path (url_or_path);

  uri = g_uri_parse (url_or_path, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return NULL;
  return normalize_path (g_uri_get_path (uri));
}

static Resource *
lookup_resource (MwDemoServer *self,
                 const char   *url_or_path)
{
  g_autofree char *path = path_from_url_or_path (url_or_path);
  Resource *resource = NULL;

  if (path == NULL)
    return NULL;

  g_mutex_lock (&self->mutex);
  resource = g_hash_table_lookup (self->resources, path);
  if (resource != NULL)
    _mw_demo_resource_ref (resource);
  g_mutex_unlock (&self->mutex);
  return resource;
}

static void
add_resource (MwDemoServer *self,
              Resource     *resource)
{
  g_mutex_lock (&self->mutex);
  g_hash_table_replace (self->resources, resource->path, resource);
  g_mutex_unlock (&self->mutex);
}

void
_mw_demo_server_add_samples (MwDemoServer *self)
{
  g_autoptr(GDateTime) modified = g_date_time_new_from_unix_utc (SAMPLE_MODIFIED_UNIX);

  for (guint i = 0; i < G_N_ELEMENTS (sample_files); i++)
    {
      const SampleFile *sample = &sample_files[i];
      Resource *resource = resource_new (sample->path, sample->content_type, modified);

      resource->size = sample->size;
      resource->seed = i + 1;
      resource->etag = g_strdup_printf ("\"mw-demo-%u-%" G_GUINT64_FORMAT "\"", i + 1, sample->size);
      if (sample->disposition_name != NULL)
        resource->disposition = g_strdup_printf ("attachment; filename=\"%s\"",
                                                 sample->disposition_name);
      add_resource (self, resource);
    }
}

/* A text at PATH, as of now. */
static Resource *
text_resource_new (const char *path,
                   const char *content_type,
                   const char *text)
{
  g_autofree char *normalized = normalize_path (path);
  /* HTTP dates have whole seconds; If-Range must match what the client was told. */
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);
  Resource *resource = resource_new (normalized, content_type ? content_type : TEXT_CONTENT_TYPE, now);

  resource->text = g_bytes_new (text, strlen (text));
  return resource;
}

/* A varying text's version for its request number N: a head made now, the tail every
 * version shares, and validators no earlier version had, so that no client can take it
 * for what it already has. Runs in the server thread, outside the mutex. */
Resource *
_mw_demo_resource_new_version (const Resource *resource,
                               guint           n)
{
  gint64 now_us = g_get_real_time ();
  /* HTTP dates have whole seconds. */
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (now_us / G_USEC_PER_SEC);
  Resource *version = resource_new (resource->path, resource->content_type, now);
  char *head = resource->head_func (n, now, resource->head_data);

  version->head = g_bytes_new_take (head, strlen (head));
  version->text = g_bytes_ref (resource->text);
  version->size = g_bytes_get_size (version->head) + g_bytes_get_size (version->text);
  version->etag = g_strdup_printf ("\"v%u-%" G_GINT64_FORMAT "\"", n, now_us);
  return version;
}

/* --- Public ----------------------------------------------------------------------- */

/* Returns: (transfer full) (nullable): the addresses of the sample files, or %NULL when
 * the server is stopped */
GStrv
mw_demo_server_dup_download_urls (MwDemoServer *self)
{
  GStrv urls;

  g_return_val_if_fail (MW_IS_DEMO_SERVER (self), NULL);

  if (self->base_url == NULL)
    return NULL;

  urls = g_new0 (char *, G_N_ELEMENTS (sample_files) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (sample_files); i++)
    urls[i] = mw_demo_server_dup_url (self, sample_files[i].path);
  return urls;
}

/**
 * mw_demo_server_add_text:
 * @path: where to serve it, such as "feeds/news.xml"
 * @content_type: (nullable): its media type; plain UTF-8 text when %NULL
 * @text: the body
 *
 * Serves @text at @path, replacing what was there, with validators of its own and
 * ranges like any other resource. Works before start() too. Thread-safe.
 */
void
mw_demo_server_add_text (MwDemoServer *self,
                         const char   *path,
                         const char   *content_type,
                         const char   *text)
{
  g_autofree char *checksum = NULL;
  Resource *resource;

  g_return_if_fail (MW_IS_DEMO_SERVER (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (text != NULL);

  resource = text_resource_new (path, content_type, text);
  resource->size = g_bytes_get_size (resource->text);
  checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, resource->text);
  resource->etag = g_strdup_printf ("\"%.32s\"", checksum);
  add_resource (self, resource);
}

/**
 * mw_demo_server_add_varying_text:
 * @path: where to serve it, such as "feeds/archive.xml"
 * @content_type: (nullable): its media type; plain UTF-8 text when %NULL
 * @head_func: makes the start of the body for each request; called in the server thread
 * @head_data: passed to @head_func, which may use it from the server thread until
 *   @head_destroy is called
 * @head_destroy: (nullable): frees @head_data when the text is replaced or the server goes
 * @tail: the rest of the body, the same for every request
 *
 * Serves a text that is new on every request: what @head_func returns for it, then
 * @tail. Each response has an ETag and a Last-Modified of its own, and conditional
 * requests are answered in full, so a client always downloads the whole text and always
 * finds it changed. @tail is copied once; a request costs only its head. Thread-safe.
 */
void
mw_demo_server_add_varying_text (MwDemoServer         *self,
                                 const char           *path,
                                 const char           *content_type,
                                 MwDemoServerHeadFunc  head_func,
                                 gpointer              head_data,
                                 GDestroyNotify        head_destroy,
                                 const char           *tail)
{
  Resource *resource;

  g_return_if_fail (MW_IS_DEMO_SERVER (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (head_func != NULL);
  g_return_if_fail (tail != NULL);

  resource = text_resource_new (path, content_type, tail);
  resource->head_func = head_func;
  resource->head_data = head_data;
  resource->head_destroy = head_destroy;
  add_resource (self, resource);
}

/**
 * mw_demo_server_dup_file_contents:
 * @url_or_path: a sample's or a text's address, or its path on the server
 *
 * The whole body the server sends for it, to compare a download with; for a varying
 * text, the body of its last response.
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL for an unknown resource or a
 * varying text not asked for yet
 */
GBytes *
mw_demo_server_dup_file_contents (MwDemoServer *self,
                                  const char   *url_or_path)
{
  g_autoptr(Resource) resource = NULL;

  g_return_val_if_fail (MW_IS_DEMO_SERVER (self), NULL);
  g_return_val_if_fail (url_or_path != NULL, NULL);

  resource = lookup_resource (self, url_or_path);
  if (resource == NULL)
    return NULL;
  if (resource->head_func != NULL)
    {
      Resource *varying = g_steal_pointer (&resource);

      g_mutex_lock (&self->mutex);
      if (varying->last_version != NULL)
        resource = _mw_demo_resource_ref (varying->last_version);
      g_mutex_unlock (&self->mutex);
      _mw_demo_resource_unref (varying);
      if (resource == NULL)
        return NULL;
    }
  return _mw_demo_resource_read (resource, 0, (gsize) resource->size);
}

/**
 * mw_demo_server_get_n_requests:
 * @url_or_path: (nullable): a resource, or %NULL for all requests, unknown paths included
 *
 * Returns: how many requests the server received for it
 */
guint
mw_demo_server_get_n_requests (MwDemoServer *self,
                               const char   *url_or_path)
{
  g_autoptr(Resource) resource = NULL;
  guint n;

  g_return_val_if_fail (MW_IS_DEMO_SERVER (self), 0);

  if (url_or_path != NULL && (resource = lookup_resource (self, url_or_path)) == NULL)
    return 0;

  g_mutex_lock (&self->mutex);
  n = resource ? resource->n_requests : self->n_requests;
  g_mutex_unlock (&self->mutex);
  return n;
}

/**
 * mw_demo_server_get_n_partial:
 * @url_or_path: a resource
 *
 * Returns: how many of its requests were answered with a range (206)
 */
guint
mw_demo_server_get_n_partial (MwDemoServer *self,
                              const char   *url_or_path)
{
  g_autoptr(Resource) resource = NULL;
  guint n;

  g_return_val_if_fail (MW_IS_DEMO_SERVER (self), 0);
  g_return_val_if_fail (url_or_path != NULL, 0);

  resource = lookup_resource (self, url_or_path);
  if (resource == NULL)
    return 0;

  g_mutex_lock (&self->mutex);
  n = resource->n_partial;
  g_mutex_unlock (&self->mutex);
  return n;
}
