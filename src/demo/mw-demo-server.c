/* mw-demo-server.c: a loopback HTTP server with sample files, for trying the app offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server runs in a thread of its own, with its own main context: in freezing mode
 * the main thread waits on blocking requests to it, and a server sharing that thread
 * would never get to answer them. This file runs that thread and answers each request;
 * what it serves is in mw-demo-resources.c, ranges in mw-demo-ranges.c and the paced
 * bodies in mw-demo-streaming.c.
 */
#define G_LOG_DOMAIN "mw-demo-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mw-demo-server-private.h"

/* Enough turns for libsoup to close what it has pending once the server is gone, yet a
 * bound, so that stop() returns even if something keeps rescheduling itself. */
#define MAX_DRAIN_TURNS   100

G_DEFINE_FINAL_TYPE (MwDemoServer, mw_demo_server, G_TYPE_OBJECT)

/* --- The server thread ------------------------------------------------------------ */

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  MwDemoServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  g_autofree char *decoded = g_uri_unescape_string (path, "/");
  g_autoptr(Resource) counted = NULL;
  g_autoptr(Resource) resource = NULL;
  guint64 start, end;
  RangeAnswer answer;
  guint n = 0;

  g_mutex_lock (&self->mutex);
  self->n_requests++;
  if (decoded != NULL)
    counted = g_hash_table_lookup (self->resources, decoded);
  if (counted != NULL)
    {
      _mw_demo_resource_ref (counted);
      n = ++counted->n_requests;
    }
  g_mutex_unlock (&self->mutex);

  if (counted != NULL && counted->head_func != NULL)
    {
      /* Every request gets a new version, and If-None-Match or If-Modified-Since never
       * earn a 304: each refresh downloads the whole text and has something new. */
      Resource *replaced;

      resource = _mw_demo_resource_new_version (counted, n);
      g_mutex_lock (&self->mutex);
      replaced = counted->last_version;
      counted->last_version = _mw_demo_resource_ref (resource);
      g_mutex_unlock (&self->mutex);
      if (replaced != NULL)
        _mw_demo_resource_unref (replaced);
    }
  else if (counted != NULL)
    resource = _mw_demo_resource_ref (counted);

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      soup_message_headers_replace (response, "Allow", "GET, HEAD");
      return;
    }

  if (resource == NULL)
    {
      static const char not_found[] = "Not found\n";

      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, TEXT_CONTENT_TYPE, SOUP_MEMORY_STATIC,
                                        not_found, strlen (not_found));
      return;
    }

  soup_message_headers_replace (response, "ETag", resource->etag);
  soup_message_headers_replace (response, "Last-Modified", resource->last_modified);
  soup_message_headers_replace (response, "Accept-Ranges", "bytes");

  answer = _mw_demo_choose_range (resource, request, &start, &end);
  if (answer == RANGE_UNSATISFIABLE)
    {
      g_autofree char *content_range = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, resource->size);

      soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
      soup_message_headers_replace (response, "Content-Range", content_range);
      return;
    }

  soup_message_headers_replace (response, "Content-Type", resource->content_type);
  if (resource->disposition != NULL)
    soup_message_headers_replace (response, "Content-Disposition", resource->disposition);
  if (answer == RANGE_PARTIAL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
      soup_message_headers_set_content_range (response, (goffset) start, (goffset) end - 1,
                                              (goffset) resource->size);
      g_mutex_lock (&self->mutex);
      counted->n_partial++;
      g_mutex_unlock (&self->mutex);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_length (response, (goffset) (end - start));

  if (method == SOUP_METHOD_GET && end > start)
    _mw_demo_stream (self, msg, resource, start, end);
}

static gboolean
quit_loop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
server_thread (gpointer user_data)
{
  MwDemoServer *self = user_data;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  gboolean listening;
  guint port = 0;

  g_main_context_push_thread_default (self->context);

  self->responses = _mw_demo_responses_new ();
  self->server = soup_server_new ("server-header", "Meanwhile-Demo ", NULL);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);

  /* The loopback address only: the demo must never be reachable from the network. */
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  listening = soup_server_listen (self->server, address, 0, &error);
  if (listening)
    {
      /* Asked of the socket rather than with soup_server_get_uris(), which leaks an
       * address in libsoup 3.2. */
      GSList *listeners = soup_server_get_listeners (self->server);
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (listeners->data, &error);

      g_slist_free (listeners);
      if (local != NULL)
        port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
      else
        listening = FALSE;
    }

  g_mutex_lock (&self->mutex);
  self->port = port;
  self->listen_error = g_steal_pointer (&error);
  self->listening_done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (listening)
    g_main_loop_run (self->loop);

  /* Our callbacks go first: the disconnections below must not reach freed responses. */
  g_clear_pointer (&self->responses, g_ptr_array_unref);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  for (guint i = 0; i < MAX_DRAIN_TURNS && g_main_context_iteration (self->context, FALSE); i++)
    ;

  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* --- Public ----------------------------------------------------------------------- */

static void
mw_demo_server_dispose (GObject *object)
{
  mw_demo_server_stop (MW_DEMO_SERVER (object));

  G_OBJECT_CLASS (mw_demo_server_parent_class)->dispose (object);
}

static void
mw_demo_server_finalize (GObject *object)
{
  MwDemoServer *self = MW_DEMO_SERVER (object);

  g_hash_table_unref (self->resources);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (mw_demo_server_parent_class)->finalize (object);
}

static void
mw_demo_server_class_init (MwDemoServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mw_demo_server_dispose;
  object_class->finalize = mw_demo_server_finalize;
}

static void
mw_demo_server_init (MwDemoServer *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->rate = MW_DEMO_SERVER_DEFAULT_BYTES_PER_SECOND;
  self->resources = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) _mw_demo_resource_unref);
  _mw_demo_server_add_samples (self);
}

MwDemoServer *
mw_demo_server_new (void)
{
  return g_object_new (MW_TYPE_DEMO_SERVER, NULL);
}

/**
 * mw_demo_server_start:
 *
 * Starts serving on 127.0.0.1, on a port the system picks, in a thread of its own.
 * Returns once the server listens (or could not). Starting a running server does
 * nothing; a stopped one may be started again, on a new port.
 */
gboolean
mw_demo_server_start (MwDemoServer  *self,
                      GError       **error)
{
  g_autoptr(GError) listen_error = NULL;
  GThread *thread;
  guint port;

  g_return_val_if_fail (MW_IS_DEMO_SERVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->thread != NULL)
    return TRUE;

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->listening_done = FALSE;

  thread = g_thread_try_new ("mw-demo-server", server_thread, self, &listen_error);
  if (thread == NULL)
    goto failed;

  g_mutex_lock (&self->mutex);
  while (!self->listening_done)
    g_cond_wait (&self->cond, &self->mutex);
  listen_error = g_steal_pointer (&self->listen_error);
  port = self->port;
  g_mutex_unlock (&self->mutex);

  if (listen_error != NULL)
    {
      g_thread_join (thread);
      goto failed;
    }

  self->thread = thread;
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_debug ("Serving the demo at %s", self->base_url);
  return TRUE;

failed:
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_set_error (error, listen_error->domain, listen_error->code,
               _("The demo server could not start: %s"), listen_error->message);
  return FALSE;
}

/**
 * mw_demo_server_stop:
 *
 * Stops serving and waits for the server thread. Transfers in progress are cut off;
 * their clients see the connection close. Safe to call on a stopped server.
 */
void
mw_demo_server_stop (MwDemoServer *self)
{
  GSource *source;

  g_return_if_fail (MW_IS_DEMO_SERVER (self));

  if (self->thread == NULL)
    return;

  /* Ahead of any chunk waiting to go, so that stopping is not held up by the rate. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, quit_loop_cb, self->loop, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);

  g_thread_join (g_steal_pointer (&self->thread));

  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->base_url, g_free);
}

gboolean
mw_demo_server_is_running (MwDemoServer *self)
{
  g_return_val_if_fail (MW_IS_DEMO_SERVER (self), FALSE);

  return self->thread != NULL;
}

/* Returns: (nullable): "http://127.0.0.1:PORT/", or %NULL when the server is stopped */
const char *
mw_demo_server_get_base_url (MwDemoServer *self)
{
  g_return_val_if_fail (MW_IS_DEMO_SERVER (self), NULL);

  return self->base_url;
}

/* Returns: (transfer full) (nullable): the address of @path on the running server */
char *
mw_demo_server_dup_url (MwDemoServer *self,
                        const char   *path)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (MW_IS_DEMO_SERVER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (self->base_url == NULL)
    return NULL;

  while (path[0] == '/')
    path++;
  escaped = g_uri_escape_string (path, "/", FALSE);
  return g_strconcat (self->base_url, escaped, NULL);
}

/* Thread-safe: the server thread asks before each chunk. */
guint64
mw_demo_server_get_bytes_per_second (MwDemoServer *self)
{
  guint64 rate;

  g_return_val_if_fail (MW_IS_DEMO_SERVER (self), 0);

  g_mutex_lock (&self->mutex);
  rate = self->rate;
  g_mutex_unlock (&self->mutex);
  return rate;
}

/**
 * mw_demo_server_set_bytes_per_second:
 * @rate: bytes per second for each response, or 0 for as fast as possible
 *
 * Applies to every response, including those under way. Thread-safe.
 */
void
mw_demo_server_set_bytes_per_second (MwDemoServer *self,
                                     guint64       rate)
{
  g_return_if_fail (MW_IS_DEMO_SERVER (self));

  g_mutex_lock (&self->mutex);
  self->rate = rate;
  g_mutex_unlock (&self->mutex);
}
