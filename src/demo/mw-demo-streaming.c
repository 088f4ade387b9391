/* mw-demo-streaming.c: a body sent a chunk at a time, at the rate the demo server is set to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Server thread only. After each chunk is written the message is paused and a timeout on
 * the server's context appends the next one when the rate allows, so one slow response
 * never holds up the others, and nothing ever sleeps.
 */
#define G_LOG_DOMAIN "mw-demo-streaming"

#include "config.h"

#include "mw-demo-server-private.h"

/* Chunks are sized to go out about this often at the configured rate: progress looks
 * smooth, and the server wakes up rarely. */
#define CHUNKS_PER_SECOND 20
#define MIN_CHUNK_SIZE    (4 * 1024)
#define MAX_CHUNK_SIZE    (256 * 1024)

/* One body being streamed; lives in the server thread only. */
typedef struct
{
  MwDemoServer      *self;
  SoupServerMessage *msg;
  Resource          *resource;
  guint64            offset;         /* of the next byte to append */
  guint64            end;            /* one past the last byte to send */
  gint64             next_due;       /* monotonic time the next chunk may go at */
  GSource           *timeout;
  gulong             wrote_chunk_id;
  gulong             finished_id;
} Response;

static void
response_free (Response *response)
{
  if (response->timeout != NULL)
    {
      g_source_destroy (response->timeout);
      g_source_unref (response->timeout);
    }
  /* The message may outlive us inside libsoup; it must not call back into freed memory. */
  g_clear_signal_handler (&response->wrote_chunk_id, response->msg);
  g_clear_signal_handler (&response->finished_id, response->msg);
  g_object_unref (response->msg);
  _mw_demo_resource_unref (response->resource);
  g_free (response);
}

static void
append_next_chunk (Response *response)
{
  SoupMessageBody *body = soup_server_message_get_response_body (response->msg);
  /* Feeds and pages come at full speed: only the sample files show a slow network. */
  guint64 rate = response->resource->text != NULL ? 0 : mw_demo_server_get_bytes_per_second (response->self);
  guint64 size = rate > 0 ? rate / CHUNKS_PER_SECOND : MAX_CHUNK_SIZE;
  g_autoptr(GBytes) chunk = NULL;

  size = CLAMP (size, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE);
  size = MIN (size, response->end - response->offset);

  chunk = _mw_demo_resource_read (response->resource, response->offset, (gsize) size);
  soup_message_body_append_bytes (body, chunk);
  response->offset += size;
  if (response->offset == response->end)
    soup_message_body_complete (body);

  /* The rate in force now decides when the chunk after this one may go. */
  if (rate > 0)
    response->next_due += (gint64) (size * G_USEC_PER_SEC / rate);
}

static gboolean
send_next_chunk_cb (gpointer user_data)
{
  Response *response = user_data;

  g_clear_pointer (&response->timeout, g_source_unref);
  append_next_chunk (response);
  soup_server_message_unpause (response->msg);
  return G_SOURCE_REMOVE;
}

static void
wrote_chunk_cb (SoupServerMessage *msg,
                Response          *response)
{
  gint64 now = g_get_monotonic_time ();
  guint delay_ms;

  if (response->offset >= response->end)
    return;

  /* A client that fell behind does not earn a burst afterwards. */
  if (response->next_due < now)
    response->next_due = now;
  delay_ms = (guint) ((response->next_due - now + 999) / 1000);

  soup_server_message_pause (msg);
  g_assert (response->timeout == NULL);
  response->timeout = g_timeout_source_new (delay_ms);
  g_source_set_callback (response->timeout, send_next_chunk_cb, response, NULL);
  g_source_attach (response->timeout, response->self->context);
}

/* Emitted when the body is out, and also when the client went away in the middle. */
static void
finished_cb (SoupServerMessage *msg,
             Response          *response)
{
  if (response->offset < response->end)
    g_debug ("%s: the client left with %" G_GUINT64_FORMAT " bytes still to send",
             response->resource->path, response->end - response->offset);
  g_ptr_array_remove_fast (response->self->responses, response);
}

/* The bodies under way: what stopping the server frees. */
GPtrArray *
_mw_demo_responses_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) response_free);
}

/* Sends bytes START to END of RESOURCE as the body of MSG, paced. */
void
_mw_demo_stream (MwDemoServer      *self,
                 SoupServerMessage *msg,
                 Resource          *resource,
                 guint64            start,
                 guint64            end)
{
  Response *response = g_new0 (Response, 1);

  response->self = self;
  response->msg = g_object_ref (msg);
  response->resource = _mw_demo_resource_ref (resource);
  response->offset = start;
  response->end = end;
  response->next_due = g_get_monotonic_time ();

  /* Written chunks are dropped at once, and libsoup leaves our ranges alone. */
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  response->wrote_chunk_id = g_signal_connect (msg, "wrote-chunk", G_CALLBACK (wrote_chunk_cb), response);
  response->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), response);
  g_ptr_array_add (self->responses, response);

  append_next_chunk (response);
}
