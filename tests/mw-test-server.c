/* mw-test-server.c: a real HTTP server on loopback, with misbehaviours on request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server runs in a thread of its own, with its own main context, so that a client
 * blocking the test's main thread (freezing mode) still gets answers. Each response is
 * written by hand on the connection taken from SoupServer, in a thread per response:
 * that is what lets it cut a body short, lie in its headers, drip slowly or hang, just
 * as servers on the Internet do.
 */
#define G_LOG_DOMAIN "mw-test-server"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/socket.h>

#include "mw-test-server.h"
#include "mw-test-utils.h"

struct _MwTestServer
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint         port;

  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
  gboolean      stopping;
  GHashTable   *resources;    /* path → MwTestResource */
  GPtrArray    *responders;   /* GThread */
  guint         concurrent;
  guint         max_concurrent;
};

typedef struct
{
  MwTestServer *server;
  GIOStream    *stream;
  GSocket      *socket;
  GString      *head;
  GBytes       *body;         /* what follows the head, or NULL */
  gsize         send_bytes;   /* of body; less than its size to cut it short */
  gboolean      chunked;
  gboolean      hang;
  gsize         throttle_chunk;
  guint         throttle_delay_ms;
  guint         answer_delay_ms;
  gsize         head_bytes;   /* of head; less than its length to cut it short */
  gsize         head_padding;
  gsize         head_padding_line;
  MwTestResource *held_by;    /* the resource whose hold this response obeys */
  gsize         hold_after;
  gboolean      cut_reset;
  gboolean      cut_stalls;
  char         *trailers;
} Response;

static void
resource_free (MwTestResource *resource)
{
  g_clear_pointer (&resource->body, g_bytes_unref);
  g_free (resource->etag);
  g_free (resource->last_modified);
  g_free (resource->content_disposition);
  g_free (resource->retry_after);
  g_free (resource->redirect_to);
  g_free (resource->content_type);
  g_free (resource->trailers);
  g_free (resource->next_etag);
  g_clear_pointer (&resource->extra_head, g_bytes_unref);
  g_clear_pointer (&resource->raw_response, g_bytes_unref);
  g_clear_pointer (&resource->next_body, g_bytes_unref);
  g_clear_pointer (&resource->statuses, g_array_unref);
  g_ptr_array_unref (resource->ranges);
  g_ptr_array_unref (resource->if_ranges);
  g_ptr_array_unref (resource->user_agents);
  g_ptr_array_unref (resource->accept_encodings);
  g_free (resource);
}

/* Removes a test's temporary folder and everything in it, without following links. */
void
mw_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        mw_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the main loop run, doing nothing else, for at least MS milliseconds. */
void
mw_test_run_loop_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

GBytes *
mw_test_make_bytes (gsize   size,
                    guint32 seed)
{
  guint8 *data = g_malloc (MAX (size, 1));
  guint32 x = seed ? seed : 1;

  /* xorshift: cheap, and no two offsets of a file look alike, so a misplaced range
   * cannot go unnoticed. */
  for (gsize i = 0; i < size; i++)
    {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      data[i] = (guint8) x;
    }
  return g_bytes_new_take (data, size);
}

static gboolean
write_all (GOutputStream *out,
           const void    *data,
           gsize          size)
{
  return g_output_stream_write_all (out, data, size, NULL, NULL, NULL);
}

static void
wait_until_stopping (MwTestServer *server)
{
  g_mutex_lock (&server->mutex);
  while (!server->stopping)
    g_cond_wait (&server->cond, &server->mutex);
  g_mutex_unlock (&server->mutex);
}

/* Makes the close that follows send a reset (RST) instead of an orderly end (FIN), as a
 * crashing server or a middlebox dropping the connection does. */
static void
arm_reset (GSocket *socket)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  g_assert_cmpint (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER,
                               &linger, sizeof linger), ==, 0);
}

/* Writes the head without its last empty line, then HEAD_PADDING bytes of header
 * lines made on the fly (a client that keeps them all runs out of memory, the server
 * does not), and leaves the empty line in the head for the caller. */
static gboolean
write_padded_head (Response      *response,
                   GOutputStream *out)
{
  char line[4096];
  gsize line_size = response->head_padding_line ? MIN (response->head_padding_line, sizeof line) : sizeof line;
  gsize sent = 0;

  g_assert_true (g_str_has_suffix (response->head->str, "\r\n\r\n"));
  if (!write_all (out, response->head->str, response->head->len - 2))
    return FALSE;
  g_string_erase (response->head, 0, (gssize) response->head->len - 2);

  memset (line, 'a', sizeof line);
  if (response->head_padding_line == 0 && !write_all (out, "X-Endless: ", 11))
    return FALSE;
  for (guint i = 0; sent < response->head_padding; i++)
    {
      gsize n = MIN (line_size, response->head_padding - sent);

      if (response->head_padding_line > 0)
        {
          g_autofree char *name = g_strdup_printf ("X-Padding-%u: ", i);

          if (!write_all (out, name, strlen (name)) ||
              !write_all (out, line, n) || !write_all (out, "\r\n", 2))
            return FALSE;
        }
      else if (!write_all (out, line, n))
        return FALSE;
      sent += n;
    }
  return response->head_padding_line > 0 || write_all (out, "\r\n", 2);
}

static gpointer
respond_thread (gpointer user_data)
{
  Response *response = user_data;
  MwTestServer *server = response->server;
  GOutputStream *out = g_io_stream_get_output_stream (response->stream);
  const guint8 *data = NULL;
  gsize size = 0;

  g_mutex_lock (&server->mutex);
  server->concurrent++;
  server->max_concurrent = MAX (server->max_concurrent, server->concurrent);
  g_mutex_unlock (&server->mutex);

  if (response->hang)
    {
      wait_until_stopping (server);
      goto out;
    }

  if (response->answer_delay_ms > 0)
    g_usleep (response->answer_delay_ms * 1000);

  if (response->head_padding > 0 && !write_padded_head (response, out))
    goto out;
  if (!write_all (out, response->head->str, MIN (response->head_bytes, response->head->len)))
    goto out;
  if (response->head_bytes < response->head->len)
    {
      if (response->cut_reset)
        arm_reset (response->socket);
      goto out;
    }

  if (response->body != NULL)
    data = g_bytes_get_data (response->body, &size);

  for (gsize sent = 0; sent < response->send_bytes;)
    {
      gsize n = response->send_bytes - sent;

      if (response->throttle_chunk > 0)
        n = MIN (n, response->throttle_chunk);
      if (response->held_by != NULL && sent < response->hold_after)
        n = MIN (n, response->hold_after - sent);
      else if (response->held_by != NULL)
        {
          g_mutex_lock (&server->mutex);
          while (response->held_by->held && !server->stopping)
            g_cond_wait (&server->cond, &server->mutex);
          g_mutex_unlock (&server->mutex);
          response->held_by = NULL;
        }

      if (response->chunked)
        {
          g_autofree char *line = g_strdup_printf ("%zx\r\n", n);
          if (!write_all (out, line, strlen (line)) ||
              !write_all (out, data + sent, n) ||
              !write_all (out, "\r\n", 2))
            goto out;
        }
      else if (!write_all (out, data + sent, n))
        goto out;
      sent += n;

      if (response->throttle_delay_ms > 0)
        {
          gboolean stopping;

          g_usleep (response->throttle_delay_ms * 1000);
          g_mutex_lock (&server->mutex);
          stopping = server->stopping;
          g_mutex_unlock (&server->mutex);
          if (stopping)
            goto out;
        }
    }

  if (response->send_bytes < size)
    {
      /* Cut short: the client must not take this for the end of the file. */
      if (response->cut_stalls)
        wait_until_stopping (server);
      else if (response->cut_reset)
        {
          g_output_stream_flush (out, NULL, NULL);
          arm_reset (response->socket);
        }
    }
  else if (response->chunked)
    {
      write_all (out, "0\r\n", 3);
      if (response->trailers != NULL)
        write_all (out, response->trailers, strlen (response->trailers));
      write_all (out, "\r\n", 2);
    }

out:
  g_io_stream_close (response->stream, NULL, NULL);
  g_mutex_lock (&server->mutex);
  server->concurrent--;
  g_mutex_unlock (&server->mutex);

  g_object_unref (response->stream);
  g_object_unref (response->socket);
  g_string_free (response->head, TRUE);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response->trailers);
  g_free (response);
  return NULL;
}

static void
add_header (GString    *head,
            const char *name,
            const char *value)
{
  if (value != NULL)
    g_string_append_printf (head, "%s: %s\r\n", name, value);
}

static gboolean
parse_range (const char *range,
             gsize      *start)
{
  guint64 value;
  char *end = NULL;

  if (range == NULL || !g_str_has_prefix (range, "bytes="))
    return FALSE;
  value = g_ascii_strtoull (range + 6, &end, 10);
  if (end == range + 6 || *end != '-' || end[1] != '\0')
    return FALSE;
  *start = (gsize) value;
  return TRUE;
}

static void
handler (SoupServer        *soup_server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  MwTestServer *server = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  const char *range = soup_message_headers_get_one (request, "Range");
  const char *if_range = soup_message_headers_get_one (request, "If-Range");
  Response *response = g_new0 (Response, 1);
  MwTestResource *resource;
  gsize size, start = 0;
  guint status = 200;

  response->server = server;
  response->head = g_string_new (NULL);
  response->head_bytes = G_MAXSIZE;

  g_mutex_lock (&server->mutex);
  resource = g_hash_table_lookup (server->resources, path);

  if (resource == NULL)
    {
      g_string_append (response->head, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n"
                                        "Connection: close\r\n\r\nnot found");
      goto respond;
    }

  resource->requests++;
  g_ptr_array_add (resource->ranges, g_strdup (range ? range : ""));
  g_ptr_array_add (resource->if_ranges, g_strdup (if_range ? if_range : ""));
  g_ptr_array_add (resource->user_agents,
                   g_strdup (soup_message_headers_get_one (request, "User-Agent")));
  g_ptr_array_add (resource->accept_encodings,
                   g_strdup (soup_message_headers_get_one (request, "Accept-Encoding")));

  if (resource->change_at > 0 && resource->requests == resource->change_at)
    {
      g_bytes_unref (resource->body);
      resource->body = g_bytes_ref (resource->next_body);
      g_free (resource->etag);
      resource->etag = g_strdup (resource->next_etag);
    }

  if (resource->head_cut_times > 0)
    {
      resource->head_cut_times--;
      response->head_bytes = resource->head_cut_after;
      response->cut_reset = resource->cut_reset;
    }

  if (resource->hang)
    {
      response->hang = TRUE;
      goto respond;
    }

  if (resource->raw_response != NULL)
    {
      g_string_append_len (response->head, g_bytes_get_data (resource->raw_response, NULL),
                           (gssize) g_bytes_get_size (resource->raw_response));
      goto respond;
    }

  if (resource->statuses != NULL && resource->statuses->len > 0)
    {
      status = g_array_index (resource->statuses, guint, 0);
      g_array_remove_index (resource->statuses, 0);
      g_string_append_printf (response->head, "HTTP/1.1 %u %s\r\n", status,
                              soup_status_get_phrase (status));
      add_header (response->head, "Retry-After", resource->retry_after);
      g_string_append (response->head, "Content-Length: 5\r\nConnection: close\r\n\r\noops\n");
      goto respond;
    }

  if (resource->redirect_to != NULL)
    {
      guint redirect = resource->redirect_status ? resource->redirect_status : 302;

      g_string_append_printf (response->head, "HTTP/1.1 %u %s\r\n", redirect, soup_status_get_phrase (redirect));
      add_header (response->head, "Location", resource->redirect_to);
      g_string_append (response->head, "Content-Length: 0\r\nConnection: close\r\n\r\n");
      goto respond;
    }

  if (resource->conditional &&
      ((resource->etag != NULL &&
        g_strcmp0 (soup_message_headers_get_one (request, "If-None-Match"), resource->etag) == 0) ||
       (resource->last_modified != NULL &&
        g_strcmp0 (soup_message_headers_get_one (request, "If-Modified-Since"), resource->last_modified) == 0)))
    {
      g_string_append (response->head, "HTTP/1.1 304 Not Modified\r\n");
      add_header (response->head, "ETag", resource->etag);
      g_string_append (response->head, "Connection: close\r\n\r\n");
      goto respond;
    }

  size = g_bytes_get_size (resource->body);
  if (!resource->ignore_range && parse_range (range, &start) &&
      (if_range == NULL || resource->ignore_if_range ||
       g_strcmp0 (if_range, resource->etag) == 0 ||
       g_strcmp0 (if_range, resource->last_modified) == 0))
    {
      if (start >= size)
        {
          g_string_append (response->head, "HTTP/1.1 416 Range Not Satisfiable\r\n");
          g_string_append_printf (response->head, "Content-Range: bytes */%zu\r\n", size);
          add_header (response->head, "ETag", resource->etag);
          g_string_append (response->head, "Content-Length: 0\r\nConnection: close\r\n\r\n");
          goto respond;
        }
      status = 206;
      if (resource->wrong_range)
        start = start > 10 ? start - 10 : start + 10;
    }
  else
    start = 0;

  g_string_append_printf (response->head, "HTTP/1.%d %u %s\r\n", resource->http10 ? 0 : 1,
                          status, soup_status_get_phrase (status));
  add_header (response->head, "ETag", resource->etag);
  add_header (response->head, "Last-Modified", resource->last_modified);
  if (resource->extra_head != NULL)
    g_string_append_len (response->head, g_bytes_get_data (resource->extra_head, NULL),
                         (gssize) g_bytes_get_size (resource->extra_head));
  add_header (response->head, "Content-Disposition", resource->content_disposition);
  g_string_append_printf (response->head, "Content-Type: %s\r\n",
                          resource->content_type ? resource->content_type : "application/octet-stream");
  g_string_append (response->head, "Accept-Ranges: bytes\r\n");
  if (status == 206)
    g_string_append_printf (response->head, "Content-Range: bytes %zu-%zu/%zu\r\n",
                            start, size - 1, size);
  if (resource->chunked)
    g_string_append (response->head, "Transfer-Encoding: chunked\r\n");
  else if (resource->close_delimited)
    ; /* the body ends when the connection does */
  else
    g_string_append_printf (response->head, "Content-Length: %" G_GINT64_FORMAT "\r\n",
                            (gint64) (size - start) + resource->length_delta);
  g_string_append (response->head, "Connection: close\r\n\r\n");

  response->body = g_bytes_new_from_bytes (resource->body, start, size - start);
  response->send_bytes = size - start;
  response->chunked = resource->chunked;
  response->throttle_chunk = resource->throttle_chunk;
  response->throttle_delay_ms = resource->throttle_delay_ms;
  response->answer_delay_ms = resource->answer_delay_ms;
  response->trailers = g_strdup (resource->trailers);
  response->head_padding = resource->head_padding;
  if (resource->held)
    {
      response->held_by = resource;
      response->hold_after = resource->hold_after;
    }
  response->head_padding_line = resource->head_padding_line;
  if (resource->cut_times > 0)
    {
      resource->cut_times--;
      response->send_bytes = MIN (response->send_bytes, resource->cut_after);
      response->cut_reset = resource->cut_reset;
      response->cut_stalls = resource->cut_stalls;
    }

respond:
  g_mutex_unlock (&server->mutex);

  response->socket = g_object_ref (soup_server_message_get_socket (msg));
  response->stream = soup_server_message_steal_connection (msg);
  g_mutex_lock (&server->mutex);
  g_ptr_array_add (server->responders, g_thread_new ("test-responder", respond_thread, response));
  g_mutex_unlock (&server->mutex);
}

static gpointer
server_thread (gpointer user_data)
{
  MwTestServer *server = user_data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (server->context);

  server->server = soup_server_new ("server-header", "MwTestServer ", NULL);
  soup_server_add_handler (server->server, NULL, handler, server, NULL);
  if (!soup_server_listen_local (server->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("Could not listen on loopback: %s", error->message);

  uris = soup_server_get_uris (server->server);
  server->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&server->mutex);
  server->ready = TRUE;
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->mutex);

  g_main_loop_run (server->loop);

  soup_server_disconnect (server->server);
  g_clear_object (&server->server);
  while (g_main_context_iteration (server->context, FALSE))
    ;
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

MwTestServer *
mw_test_server_new (void)
{
  MwTestServer *server = g_new0 (MwTestServer, 1);

  g_mutex_init (&server->mutex);
  g_cond_init (&server->cond);
  server->resources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) resource_free);
  server->responders = g_ptr_array_new ();
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("test-server", server_thread, server);

  g_mutex_lock (&server->mutex);
  while (!server->ready)
    g_cond_wait (&server->cond, &server->mutex);
  g_mutex_unlock (&server->mutex);

  return server;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
mw_test_server_free (MwTestServer *server)
{
  g_mutex_lock (&server->mutex);
  server->stopping = TRUE;
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->mutex);

  g_main_context_invoke (server->context, quit_cb, server->loop);
  g_thread_join (server->thread);

  for (guint i = 0; i < server->responders->len; i++)
    g_thread_join (g_ptr_array_index (server->responders, i));
  g_ptr_array_unref (server->responders);

  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_hash_table_unref (server->resources);
  g_mutex_clear (&server->mutex);
  g_cond_clear (&server->cond);
  g_free (server);
}

char *
mw_test_server_url (MwTestServer *server,
                    const char   *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", server->port, path);
}

typedef struct
{
  MwTestServer *server;
  gboolean      refusing;
  gboolean      done;
} Refusing;

static gboolean
set_refusing_cb (gpointer user_data)
{
  Refusing *change = user_data;
  MwTestServer *server = change->server;
  g_autoptr(GError) error = NULL;

  /* Without a listening socket the port answers connections with a reset, as a server
   * that is down does; listening again on the same port brings it back. */
  if (change->refusing)
    soup_server_disconnect (server->server);
  else if (!soup_server_listen_local (server->server, server->port, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("Could not listen on port %u again: %s", server->port, error->message);

  g_mutex_lock (&server->mutex);
  change->done = TRUE;
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->mutex);
  return G_SOURCE_REMOVE;
}

/* Stops accepting connections (REFUSING) or starts again, on the same port; returns
 * when it is so. Responses under way go on. */
void
mw_test_server_set_refusing (MwTestServer *server,
                             gboolean      refusing)
{
  Refusing change = { server, refusing, FALSE };

  g_main_context_invoke (server->context, set_refusing_cb, &change);
  g_mutex_lock (&server->mutex);
  while (!change.done)
    g_cond_wait (&server->cond, &server->mutex);
  g_mutex_unlock (&server->mutex);
}

/* Returns: (transfer none): the resource, to configure before the client asks */
MwTestResource *
mw_test_server_add (MwTestServer *server,
                    const char   *path,
                    GBytes       *body)
{
  MwTestResource *resource = g_new0 (MwTestResource, 1);

  resource->body = g_bytes_ref (body);
  resource->ranges = g_ptr_array_new_with_free_func (g_free);
  resource->if_ranges = g_ptr_array_new_with_free_func (g_free);
  resource->user_agents = g_ptr_array_new_with_free_func (g_free);
  resource->accept_encodings = g_ptr_array_new_with_free_func (g_free);

  g_mutex_lock (&server->mutex);
  g_hash_table_replace (server->resources, g_strdup (path), resource);
  g_mutex_unlock (&server->mutex);
  return resource;
}

/* Serves @text at @path as @content_type. Returns: (transfer none): the resource */
MwTestResource *
mw_test_server_add_text (MwTestServer *server,
                         const char   *path,
                         const char   *text,
                         const char   *content_type)
{
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
  MwTestResource *resource = mw_test_server_add (server, path, body);

  resource->content_type = g_strdup (content_type);
  return resource;
}

void
mw_test_server_lock (MwTestServer *server)
{
  g_mutex_lock (&server->mutex);
}

void
mw_test_server_unlock (MwTestServer *server)
{
  g_mutex_unlock (&server->mutex);
}

/* Lets the responses held by RESOURCE go on. */
void
mw_test_server_release (MwTestServer   *server,
                        MwTestResource *resource)
{
  g_mutex_lock (&server->mutex);
  resource->held = FALSE;
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->mutex);
}

/* Returns: how many requests the server has answered for @resource so far */
guint
mw_test_server_get_requests (MwTestServer   *server,
                             MwTestResource *resource)
{
  guint requests;

  mw_test_server_lock (server);
  requests = resource->requests;
  mw_test_server_unlock (server);
  return requests;
}

typedef struct
{
  MwTestServer   *server;
  MwTestResource *resource;
  guint           requests;
} RequestsWanted;

static gboolean
has_requests (gpointer data)
{
  RequestsWanted *wanted = data;

  return mw_test_server_get_requests (wanted->server, wanted->resource) >= wanted->requests;
}

/* Waits until the server has answered @requests requests for @resource, or fails saying so. */
void
mw_test_server_wait_for_requests (MwTestServer   *server,
                                  MwTestResource *resource,
                                  guint           requests)
{
  RequestsWanted wanted = { server, resource, requests };
  g_autofree char *what = g_strdup_printf ("the server to have answered %u requests", requests);

  mw_test_wait_until (has_requests, &wanted, MW_TEST_PATIENCE_MS, what);
}

guint
mw_test_server_get_max_concurrent (MwTestServer *server)
{
  guint max;

  g_mutex_lock (&server->mutex);
  max = server->max_concurrent;
  g_mutex_unlock (&server->mutex);
  return max;
}
