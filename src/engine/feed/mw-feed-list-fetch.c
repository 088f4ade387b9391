/* mw-feed-list-fetch.c: fetching feeds and pages for the feed list, and parsing them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fetching is libsoup's async API on the main thread; parsing a document (and finding the
 * feeds an HTML page links to) runs in a worker thread, and hands its result back to the
 * main thread. In freezing mode both run inline, blocking, one feed at a time: each
 * blocking fetch waits for a turn of its own, and the main loop runs between two turns.
 */
#define G_LOG_DOMAIN "mw-feed-list-fetch"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-error.h"
#include "mw-feed-discovery.h"
#include "mw-feed-list-private.h"
#include "mw-http.h"
#include "mw-timeline.h"
#include "mw-url.h"

#define MAX_REDIRECTS      5
/* Feeds asked of one server at a time: as many connections as browsers open to a host,
 * each kept alive for the next feed. A thousand feeds on one server then take a sixth of
 * the round trips one connection would, and the server sees no more than a browser. */
#define MAX_PER_HOST       MW_FEED_MAX_CONNECTIONS_PER_HOST
#define CHUNK_SIZE         (128 * 1024)
#define TIMEOUT_SECONDS    30

static void
fetch_free (MwFeedFetch *fetch)
{
  if (fetch->caller_handler != 0)
    g_cancellable_disconnect (fetch->caller, fetch->caller_handler);
  g_clear_object (&fetch->caller);
  g_clear_object (&fetch->cancellable);
  g_free (fetch->url);
  g_free (fetch->address);
  g_clear_object (&fetch->feed);
  g_free (fetch->host);
  g_free (fetch->permanent_url);
  g_free (fetch->etag);
  g_free (fetch->last_modified);
  g_clear_object (&fetch->message);
  g_clear_object (&fetch->body);
  g_clear_pointer (&fetch->data, g_byte_array_unref);
  g_free (fetch->content_type);
  g_free (fetch);
}

static void fetch_send (GTask *task);

static char *
host_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  return g_strdup (uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : "");
}

/* Fetches take a slot of their host's before they start, so that a thousand feeds on one
 * server are asked for a few at a time, over connections kept alive, and libsoup's own
 * queue never holds more than those few. */
static gboolean
take_slot (MwFeedList  *self,
           MwFeedFetch *fetch)
{
  guint active = GPOINTER_TO_UINT (g_hash_table_lookup (self->host_active, fetch->host));

  if (active >= MAX_PER_HOST && !fetch->blocking)
    return FALSE;
  g_hash_table_insert (self->host_active, g_strdup (fetch->host), GUINT_TO_POINTER (active + 1));
  fetch->holds_slot = TRUE;
  return TRUE;
}

/* Gives the slot back as soon as the body is in, before parsing: the next fetch of the
 * host goes out while this one is parsed. */
static void
release_slot (MwFeedList  *self,
              MwFeedFetch *fetch)
{
  guint active;

  if (!fetch->holds_slot)
    return;
  fetch->holds_slot = FALSE;
  active = GPOINTER_TO_UINT (g_hash_table_lookup (self->host_active, fetch->host));
  if (active <= 1)
    g_hash_table_remove (self->host_active, fetch->host);
  else
    g_hash_table_insert (self->host_active, g_strdup (fetch->host), GUINT_TO_POINTER (active - 1));

  /* Start the first waiting fetch whose host now has room. */
  for (GList *l = self->host_waiting->head; l != NULL; l = l->next)
    {
      GTask *waiting = l->data;

      if (take_slot (self, g_task_get_task_data (waiting)))
        {
          g_queue_delete_link (self->host_waiting, l);
          fetch_send (waiting);
          g_object_unref (waiting);
          return;
        }
    }
}

static void
fetch_return (GTask  *task,
              GError *error)
{
  MwFeedFetch *fetch = g_task_get_task_data (task);
  MwFeedList *self = g_task_get_source_object (task);

  release_slot (self, fetch);
  if (error == NULL && SOUP_STATUS_IS_SUCCESSFUL (fetch->status))
    {
      g_autofree char *size = g_format_size (fetch->data->len);

      if (fetch->blocking)
        _mw_feed_list_fetch_event (self, fetch, _("Body received: %s (blocking reads)"), size);
      else
        _mw_feed_list_fetch_event (self, fetch, _("Body received: %s (callbacks)"), size);
    }

  if (fetch->body != NULL && !fetch->blocking)
    g_input_stream_close_async (fetch->body, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&fetch->body);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Makes room for one more read at the end of the body, and returns where it goes. The
 * body is read straight into its buffer: no copy per chunk, no buffer per chunk. */
static guint8 *
body_room (MwFeedFetch *fetch)
{
  guint len = fetch->data->len;

  g_byte_array_set_size (fetch->data, len + CHUNK_SIZE);
  return fetch->data->data + len;
}

/* N bytes were read into the room (-1: ERROR, 0: the end). */
static void
got_read (GTask  *task,
          gssize  n,
          GError *error)
{
  MwFeedFetch *fetch = g_task_get_task_data (task);
  guint len = fetch->data->len - CHUNK_SIZE;

  g_byte_array_set_size (fetch->data, len + MAX (n, 0));
  if (n < 0)
    {
      fetch_return (task, error);
      return;
    }
  if (n == 0)
    {
      fetch_return (task, NULL);
      return;
    }

  if (fetch->data->len > MW_FEED_MAX_BYTES)
    {
      /* Stop reading: a feed this size is a mistake or an attack. Only this fetch
       * stops; the caller's cancellable goes on serving its other work. */
      g_cancellable_cancel (fetch->cancellable);
      fetch_return (task, g_error_new (MW_FEED_ERROR, MW_FEED_ERROR_TOO_LARGE,
                                       _("The feed is larger than %d MB; Meanwhile did not read it."),
                                       MW_FEED_MAX_BYTES / (1024 * 1024)));
    }
}

static void
read_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source_object), result, &error);
  MwFeedFetch *fetch = g_task_get_task_data (task);

  got_read (task, n, error);
  if (n > 0 && fetch->body != NULL && !g_task_get_completed (task) &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    g_input_stream_read_async (fetch->body, body_room (fetch), CHUNK_SIZE, G_PRIORITY_DEFAULT,
                               g_task_get_cancellable (task), read_cb, g_object_ref (task));
}

static void
got_response (GTask        *task,
              GInputStream *body,
              GError       *error)
{
  MwFeedFetch *fetch = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  guint status;

  if (body == NULL)
    {
      fetch_return (task, error);
      return;
    }
  fetch->body = body;
  status = soup_message_get_status (fetch->message);
  headers = soup_message_get_response_headers (fetch->message);

  if (SOUP_STATUS_IS_REDIRECTION (status) && status != SOUP_STATUS_NOT_MODIFIED &&
      soup_message_headers_get_one (headers, "Location") != NULL)
    {
      g_autoptr(GUri) next = g_uri_parse_relative (soup_message_get_uri (fetch->message),
                                                   soup_message_headers_get_one (headers, "Location"),
                                                   G_URI_FLAGS_ENCODED, NULL);
      g_autofree char *next_url = next ? g_uri_to_string (next) : NULL;

      if (next_url == NULL || !mw_url_check_http (next_url, NULL) || ++fetch->hops > MAX_REDIRECTS)
        {
          fetch_return (task, g_error_new_literal (SOUP_SESSION_ERROR,
                                                   fetch->hops > MAX_REDIRECTS ? SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS
                                                                               : SOUP_SESSION_ERROR_REDIRECT_BAD_URI,
                                                   "Bad redirect"));
          return;
        }
      if (status != SOUP_STATUS_MOVED_PERMANENTLY && status != SOUP_STATUS_PERMANENT_REDIRECT)
        fetch->all_permanent = FALSE;
      if (fetch->all_permanent)
        {
          g_free (fetch->permanent_url);
          fetch->permanent_url = g_strdup (next_url);
        }
      _mw_feed_list_fetch_event (g_task_get_source_object (task), fetch, _("Redirected (HTTP %u) to %s"),
                                 status, next_url);
      g_free (fetch->url);
      fetch->url = g_steal_pointer (&next_url);
      if (!fetch->blocking)
        g_input_stream_close_async (fetch->body, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_clear_object (&fetch->body);
      g_clear_object (&fetch->message);
      fetch_send (task);
      return;
    }

  fetch->status = status;
  fetch->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  g_free (fetch->etag);
  g_free (fetch->last_modified);
  fetch->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  fetch->last_modified = g_strdup (soup_message_headers_get_one (headers, "Last-Modified"));
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    fetch->retry_after_ms = mw_http_get_retry_after_ms (headers, now);
  }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      fetch_return (task, NULL);
      return;
    }

  /* A feed of known length gets its whole buffer at once: it never moves while it fills. */
  {
    goffset length = soup_message_headers_get_content_length (headers);

    if (length > 0 && length <= MW_FEED_MAX_BYTES)
      {
        g_byte_array_set_size (fetch->data, (guint) length + CHUNK_SIZE);
        g_byte_array_set_size (fetch->data, 0);
      }
  }

  if (fetch->blocking)
    {
      while (!g_task_get_completed (task))
        {
          GError *read_error = NULL;
          gssize n = g_input_stream_read (fetch->body, body_room (fetch), CHUNK_SIZE,
                                          g_task_get_cancellable (task), &read_error);

          got_read (task, n, read_error);
          if (n <= 0 || fetch->data->len > MW_FEED_MAX_BYTES)
            break;
        }
    }
  else
    g_input_stream_read_async (fetch->body, body_room (fetch), CHUNK_SIZE, G_PRIORITY_DEFAULT,
                               g_task_get_cancellable (task), read_cb, g_object_ref (task));
}

static void
send_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GInputStream *body = soup_session_send_finish (SOUP_SESSION (source_object), result, &error);

  got_response (task, body, error);
}

SoupSession *
_mw_feed_list_new_session (void)
{
  /* Feeds may come compressed: unlike downloads, only the parsed text matters. */
  return g_object_new (SOUP_TYPE_SESSION,
                       "user-agent", MW_USER_AGENT,
                       "timeout", TIMEOUT_SECONDS,
                       "max-conns", 64,
                       "max-conns-per-host", MAX_PER_HOST,
                       NULL);
}

static SoupSession *
blocking_session (MwFeedList *self)
{
  if (self->blocking_session == NULL)
    self->blocking_session = _mw_feed_list_new_session ();
  return self->blocking_session;
}

static void
fetch_send (GTask *task)
{
  MwFeedFetch *fetch = g_task_get_task_data (task);
  MwFeedList *self = g_task_get_source_object (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  fetch->message = soup_message_new (SOUP_METHOD_GET, fetch->url);
  if (fetch->message == NULL)
    {
      fetch_return (task, g_error_new (MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INVALID_URL,
                                       _("“%s” is not a web address."), fetch->url));
      return;
    }
  /* Redirects are followed here, so that the permanent ones can be remembered. */
  soup_message_add_flags (fetch->message, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (fetch->message);
  soup_message_headers_replace (headers, "Accept",
                                "application/rss+xml, application/atom+xml, application/feed+json, "
                                "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, "
                                "text/html;q=0.5, */*;q=0.3");
  if (fetch->etag != NULL)
    soup_message_headers_replace (headers, "If-None-Match", fetch->etag);
  if (fetch->last_modified != NULL)
    soup_message_headers_replace (headers, "If-Modified-Since", fetch->last_modified);

  if (fetch->blocking)
    {
      /* A session of its own: the connections of the responsive one may all be taken
       * by answers that only the main loop, blocked here, could read to their end, and
       * this request would wait for one of them for ever. Only one blocking request is
       * ever under way, so a host sees at most one connection more than the limit. */
      GInputStream *body;

      _mw_feed_list_fetch_event (self, fetch, _("Request sent — the main loop is blocked until the server answers"));
      body = soup_session_send (blocking_session (self), fetch->message,
                                g_task_get_cancellable (task), &error);
      got_response (task, body, error);
    }
  else
    {
      soup_session_send_async (self->session, fetch->message, G_PRIORITY_DEFAULT,
                               g_task_get_cancellable (task), send_cb, g_object_ref (task));
      _mw_feed_list_fetch_event (self, fetch, _("Request sent — the main loop is free while the server answers"));
    }
}

static void schedule_turn (MwFeedList *self);

/* Starts a fetch that may go now, or queues it behind its host's others. */
static void
fetch_start_or_wait (MwFeedList *self,
                     GTask      *task)
{
  if (take_slot (self, g_task_get_task_data (task)))
    fetch_send (task);
  else
    g_queue_push_tail (self->host_waiting, g_object_ref (task));
}

/* In freezing mode each feed blocks on its own: one blocking fetch a turn, with the
 * parse that follows it, and the next turn only after the main loop has taken input
 * and drawn a frame. Once the switch is off, whatever still waits goes out responsive. */
static gboolean
turn_cb (gpointer user_data)
{
  MwFeedList *self = user_data;
  g_autoptr(GTask) task = NULL;

  self->turn_source = 0;
  while ((task = g_queue_pop_head (self->turn_waiting)) != NULL)
    {
      MwFeedFetch *fetch = g_task_get_task_data (task);

      fetch->blocking = self->blocking_mode;
      fetch_start_or_wait (self, task);
      g_clear_object (&task);
      if (self->blocking_mode)
        break;
    }
  if (!g_queue_is_empty (self->turn_waiting))
    schedule_turn (self);
  return G_SOURCE_REMOVE;
}

/* Below the priority of input and of drawing: both come before the next turn. */
static void
schedule_turn (MwFeedList *self)
{
  if (self->turn_source == 0)
    self->turn_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, turn_cb, self, NULL);
}

/* Once freezing mode is off, the fetches waiting for a blocking turn go out at once,
 * responsive, rather than after an idle. */
void
_mw_feed_list_release_turns (MwFeedList *self)
{
  if (self->turn_source == 0)
    return;
  g_clear_handle_id (&self->turn_source, g_source_remove);
  turn_cb (self);
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *own)
{
  g_cancellable_cancel (own);
}

void
_mw_feed_list_fetch_async (MwFeedList          *self,
                           const char          *url,
                           MwFeed              *feed,
                           gint64               started,
                           const char          *etag,
                           const char          *last_modified,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  MwFeedFetch *fetch = g_new0 (MwFeedFetch, 1);
  g_autoptr(GTask) task = NULL;

  /* Each fetch has a cancellable of its own, which the caller's cancels too. */
  fetch->cancellable = g_cancellable_new ();
  task = g_task_new (self, fetch->cancellable, callback, user_data);
  if (cancellable != NULL)
    {
      fetch->caller = g_object_ref (cancellable);
      fetch->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                     g_object_ref (fetch->cancellable), g_object_unref);
    }
  fetch->url = g_strdup (url);
  fetch->address = g_strdup (url);
  fetch->feed = feed ? g_object_ref (feed) : NULL;
  fetch->started = started;
  fetch->host = host_of (url);
  fetch->etag = g_strdup (etag);
  fetch->last_modified = g_strdup (last_modified);
  fetch->all_permanent = TRUE;
  fetch->blocking = self->blocking_mode;
  fetch->data = g_byte_array_new ();
  fetch->retry_after_ms = -1;
  g_task_set_source_tag (task, _mw_feed_list_fetch_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  if (fetch->blocking)
    {
      g_queue_push_tail (self->turn_waiting, g_steal_pointer (&task));
      schedule_turn (self);
    }
  else
    fetch_start_or_wait (self, task);
}

/* Returns: (transfer none): the fetch, valid while RESULT is alive */
MwFeedFetch *
_mw_feed_list_fetch_finish (GAsyncResult  *result,
                            GError       **error)
{
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_task_get_task_data (G_TASK (result));
}

/* A sentence for an HTTP status that ends a fetch. */
GError *
_mw_feed_list_status_error (MwFeedFetch *fetch)
{
  return g_error_new (MW_HTTP_ERROR, (gint) fetch->status, "HTTP %u", fetch->status);
}

char *
_mw_feed_list_describe (const GError *error,
                        const char   *url)
{
  g_autofree char *host = host_of (url);

  if (error->domain == MW_FEED_ERROR)
    return g_strdup (error->message);
  return mw_error_describe (error, host);
}

/* --- Parsing, off the main thread -------------------------------------------------- */

static void
parse_free (MwFeedParse *parse)
{
  g_clear_object (&parse->fetched);
  g_clear_pointer (&parse->data, g_bytes_unref);
  g_free (parse->content_type);
  g_free (parse->base_url);
  g_clear_pointer (&parse->parsed, mw_parsed_feed_free);
  g_clear_pointer (&parse->discovered, g_ptr_array_unref);
  g_free (parse);
}

static gboolean
parse_run (MwFeedParse  *parse,
           GError      **error)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (parse->data, &length);
  g_autoptr(GUri) uri = g_uri_parse (parse->base_url, G_URI_FLAGS_NONE, NULL);
  /* On the workers' lane, or the main loop's in freezing mode, where it runs inline. */
  G_GNUC_UNUSED g_auto(MwTimelineSpan) span = mw_timeline_span_begin (mw_timeline_lane_here (), _("Parsing a feed"),
                                                        uri != NULL ? g_uri_get_host (uri) : NULL);

  if (parse->html)
    {
      parse->discovered = mw_feed_discover (data, length, parse->base_url);
      return TRUE;
    }
  /* A feed keeps its newest articles only: the rest are dropped here, off the main
   * thread, rather than made into thousands of objects there only to be thrown away. */
  parse->parsed = mw_feed_parse_newest (data, length, parse->content_type, parse->base_url,
                                        MW_FEED_MAX_ITEMS, error);
  if (parse->parsed == NULL)
    return FALSE;
  /* Folded here, off the main thread, once: the window's search only compares. */
  for (guint i = 0; i < parse->parsed->items->len; i++)
    mw_parsed_item_fill_search_text (g_ptr_array_index (parse->parsed->items, i));
  return TRUE;
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (parse_run (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
_mw_feed_list_parse_async (MwFeedList          *self,
                           GAsyncResult        *fetched,
                           gboolean             html,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  MwFeedFetch *fetch = g_task_get_task_data (G_TASK (fetched));
  MwFeedParse *parse = g_new0 (MwFeedParse, 1);

  parse->fetched = g_object_ref (fetched);
  parse->fetch = fetch;
  /* The body itself, not a copy: nothing reads it here any more. */
  parse->data = g_byte_array_free_to_bytes (g_steal_pointer (&fetch->data));
  parse->content_type = g_strdup (fetch->content_type);
  parse->base_url = g_strdup (fetch->url);
  parse->html = html;
  g_task_set_source_tag (task, _mw_feed_list_parse_async);
  g_task_set_task_data (task, parse, (GDestroyNotify) parse_free);

  /* A feed fetched blocking is parsed blocking, in the same turn: the switch turned off
   * meanwhile counts from the next feed on. */
  if (fetch->blocking)
    {
      /* Freezing mode: the same parse, right here on the main thread. */
      GError *error = NULL;

      _mw_feed_list_fetch_event (self, fetch, _("Parsing on the main loop — the window is blocked"));

      if (parse_run (parse, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      return;
    }
  _mw_feed_list_fetch_event (self, fetch, _("Parsing in a worker thread — the main loop stays free"));
  g_task_run_in_thread (task, parse_thread);
}

MwFeedParse *
_mw_feed_list_parse_finish (GAsyncResult  *result,
                            GError       **error)
{
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_task_get_task_data (G_TASK (result));
}

/* Merges what PARSE read into FEED, with the validators its fetch was answered with, in
 * one batch. Returns: how many of its articles are new */
guint
_mw_feed_list_apply_parse (MwFeed      *feed,
                           MwFeedParse *parse)
{
  guint added = mw_feed_apply (feed, parse->parsed, g_get_real_time () / G_USEC_PER_SEC);

  mw_feed_set_validators (feed, parse->fetch->etag, parse->fetch->last_modified);
  mw_feed_set_error_message (feed, parse->parsed->problem);
  return added;
}
