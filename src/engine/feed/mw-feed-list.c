/* mw-feed-list.c: the subscriptions, their refreshes and their state file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fetching is libsoup's async API on the main thread; parsing a document (and finding the
 * feeds an HTML page links to) runs in a worker thread, and its result is merged into
 * the feed on the main thread in one batch. In freezing mode both run inline, blocking,
 * one feed at a time: each blocking fetch waits for a turn of its own, and the main loop
 * runs between two turns.
 */
#define G_LOG_DOMAIN "mw-feed-list"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-error.h"
#include "mw-feed-discovery.h"
#include "mw-feed-list.h"
#include "mw-feed-store.h"
#include "mw-http.h"
#include "mw-opml.h"
#include "mw-state-file.h"
#include "mw-url.h"
#include "mw-timeline.h"

#define MAX_REDIRECTS      5
/* Feeds asked of one server at a time: as many connections as browsers open to a host,
 * each kept alive for the next feed. A thousand feeds on one server then take a sixth of
 * the round trips one connection would, and the server sees no more than a browser. */
#define MAX_PER_HOST       MW_FEED_MAX_CONNECTIONS_PER_HOST
#define CHUNK_SIZE         (128 * 1024)
#define TIMEOUT_SECONDS    30
/* When a busy server does not say how long to stay away. */
#define DEFAULT_BACKOFF_US (G_USEC_PER_SEC * 60 * 30)

struct _MwFeedList
{
  GObject       parent_instance;

  GPtrArray    *feeds;
  SoupSession  *session;
  SoupSession  *blocking_session;  /* freezing mode's, made when first needed */
  GFile        *state_file;
  MwStateSaver *saver;
  gboolean      loaded;
  guint         n_restored;    /* how many saved feeds are back in the list */
  char         *load_error;
  gboolean      blocking_mode;
  guint         refresh_source;
  GHashTable   *host_active;    /* host → number of requests under way */
  GQueue       *host_waiting;   /* GTask of fetches waiting for their host */
  GQueue       *turn_waiting;   /* GTask of blocking fetches waiting for their turn */
  guint         turn_source;    /* the idle that gives the next turn */
  GHashTable   *subscribing;    /* address → GTask (owned) of its subscription under way */
};

static void mw_feed_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MwFeedList, mw_feed_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, mw_feed_list_model_init))

enum {
  PROP_0,
  PROP_BLOCKING_MODE,
  PROP_LOADED,
  PROP_LOAD_ERROR,
  N_PROPS
};

enum {
  EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* A line for the event log about the work on FEED (or on ADDRESS, before there is a
 * feed), begun at STARTED on the monotonic clock. Main thread only. */
static void emit_event (MwFeedList *self,
                        MwFeed     *feed,
                        const char *address,
                        gint64      started,
                        const char *format,
                        ...) G_GNUC_PRINTF (5, 6);

static void
emit_event (MwFeedList *self,
            MwFeed     *feed,
            const char *address,
            gint64      started,
            const char *format,
            ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_signal_emit (self, signals[EVENT], 0, feed, address, g_get_real_time (),
                 g_get_monotonic_time () - started, text);
}

static GType
mw_feed_list_get_item_type (GListModel *model)
{
  return MW_TYPE_FEED;
}

static guint
mw_feed_list_get_n_items (GListModel *model)
{
  return MW_FEED_LIST (model)->feeds->len;
}

static gpointer
mw_feed_list_get_item (GListModel *model,
                       guint       position)
{
  MwFeedList *self = MW_FEED_LIST (model);

  if (position >= self->feeds->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->feeds, position));
}

static void
mw_feed_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mw_feed_list_get_item_type;
  iface->get_n_items = mw_feed_list_get_n_items;
  iface->get_item = mw_feed_list_get_item;
}

/* --- Fetching ---------------------------------------------------------------------- */

typedef struct
{
  char         *url;
  char         *address;         /* the one asked for, before any redirect… */
  MwFeed       *feed;            /* …and the feed it is for, if it is one yet */
  gint64        started;         /* when the work it is part of began, monotonic */
  char         *host;            /* whose connections it counts against */
  gboolean      holds_slot;
  char         *permanent_url;   /* where 301/308 moved it, all hops permanent */
  gboolean      all_permanent;
  guint         hops;
  char         *etag;
  char         *last_modified;
  gboolean      blocking;
  SoupMessage  *message;
  GInputStream *body;
  GByteArray   *data;
  guint         status;
  char         *content_type;
  gint64        retry_after_ms;
  GCancellable *cancellable;     /* the fetch's own: stopping it stops nothing else */
  GCancellable *caller;          /* whose cancellation stops it too */
  gulong        caller_handler;
} Fetch;

static void
fetch_free (Fetch *fetch)
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
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

static void fetch_send (GTask *task);

#define fetch_event(self, fetch, ...) \
  emit_event ((self), (fetch)->feed, (fetch)->address, (fetch)->started, __VA_ARGS__)

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
take_slot (MwFeedList *self,
           Fetch      *fetch)
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
release_slot (MwFeedList *self,
              Fetch      *fetch)
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
  Fetch *fetch = g_task_get_task_data (task);
  MwFeedList *self = g_task_get_source_object (task);

  release_slot (self, fetch);
  if (error == NULL && SOUP_STATUS_IS_SUCCESSFUL (fetch->status))
    {
      g_autofree char *size = g_format_size (fetch->data->len);

      if (fetch->blocking)
        fetch_event (self, fetch, _("Body received: %s (blocking reads)"), size);
      else
        fetch_event (self, fetch, _("Body received: %s (callbacks)"), size);
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
body_room (Fetch *fetch)
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
  Fetch *fetch = g_task_get_task_data (task);
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
  Fetch *fetch = g_task_get_task_data (task);

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
  Fetch *fetch = g_task_get_task_data (task);
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
      fetch_event (g_task_get_source_object (task), fetch, _("Redirected (HTTP %u) to %s"), status, next_url);
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

static SoupSession *
new_session (void)
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
    self->blocking_session = new_session ();
  return self->blocking_session;
}

static void
fetch_send (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
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

      fetch_event (self, fetch, _("Request sent — the main loop is blocked until the server answers"));
      body = soup_session_send (blocking_session (self), fetch->message,
                                g_task_get_cancellable (task), &error);
      got_response (task, body, error);
    }
  else
    {
      soup_session_send_async (self->session, fetch->message, G_PRIORITY_DEFAULT,
                               g_task_get_cancellable (task), send_cb, g_object_ref (task));
      fetch_event (self, fetch, _("Request sent — the main loop is free while the server answers"));
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
      Fetch *fetch = g_task_get_task_data (task);

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

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *own)
{
  g_cancellable_cancel (own);
}

static void
fetch_async (MwFeedList          *self,
             const char          *url,
             MwFeed              *feed,
             gint64               started,
             const char          *etag,
             const char          *last_modified,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  Fetch *fetch = g_new0 (Fetch, 1);
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
  g_task_set_source_tag (task, fetch_async);
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
static Fetch *
fetch_finish (GAsyncResult  *result,
              GError       **error)
{
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_task_get_task_data (G_TASK (result));
}

/* A sentence for an HTTP status that ends a fetch. */
static GError *
status_error (Fetch *fetch)
{
  return g_error_new (MW_HTTP_ERROR, (gint) fetch->status, "HTTP %u", fetch->status);
}

static char *
describe (const GError *error,
          const char   *url)
{
  g_autofree char *host = host_of (url);

  if (error->domain == MW_FEED_ERROR)
    return g_strdup (error->message);
  return mw_error_describe (error, host);
}

/* --- Parsing, off the main thread -------------------------------------------------- */

typedef struct
{
  GBytes       *data;
  char         *content_type;
  char         *base_url;
  gboolean      html;          /* find links to feeds instead */
  MwParsedFeed *parsed;
  GPtrArray    *discovered;
} Parse;

static void
parse_free (Parse *parse)
{
  g_clear_pointer (&parse->data, g_bytes_unref);
  g_free (parse->content_type);
  g_free (parse->base_url);
  g_clear_pointer (&parse->parsed, mw_parsed_feed_free);
  g_clear_pointer (&parse->discovered, g_ptr_array_unref);
  g_free (parse);
}

static gboolean
parse_run (Parse   *parse,
           GError **error)
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

static void
parse_async (MwFeedList          *self,
             Fetch               *fetch,
             gboolean             html,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  Parse *parse = g_new0 (Parse, 1);

  /* The body itself, not a copy: nothing reads it here any more. */
  parse->data = g_byte_array_free_to_bytes (g_steal_pointer (&fetch->data));
  parse->content_type = g_strdup (fetch->content_type);
  parse->base_url = g_strdup (fetch->url);
  parse->html = html;
  g_task_set_source_tag (task, parse_async);
  g_task_set_task_data (task, parse, (GDestroyNotify) parse_free);

  /* A feed fetched blocking is parsed blocking, in the same turn: the switch turned off
   * meanwhile counts from the next feed on. */
  if (fetch->blocking)
    {
      /* Freezing mode: the same parse, right here on the main thread. */
      GError *error = NULL;

      fetch_event (self, fetch, _("Parsing on the main loop — the window is blocked"));

      if (parse_run (parse, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      return;
    }
  fetch_event (self, fetch, _("Parsing in a worker thread — the main loop stays free"));
  g_task_run_in_thread (task, parse_thread);
}

static Parse *
parse_finish (GAsyncResult  *result,
              GError       **error)
{
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_task_get_task_data (G_TASK (result));
}

/* --- The list ------------------------------------------------------------------------ */

static void
schedule_save (MwFeedList *self)
{
  if (self->saver != NULL)
    mw_state_saver_schedule (self->saver);
}

static void
feed_changed_cb (MwFeedList *self)
{
  schedule_save (self);
}

static void
watch_feed (MwFeedList *self,
            MwFeed     *feed)
{
  /* Every change a person or a server makes to the feed: marks, validators, titles,
   * articles. */
  g_signal_connect_object (feed, "changed", G_CALLBACK (feed_changed_cb), self, G_CONNECT_SWAPPED);
}

static void copy_marks (MwFeed *from,
                        MwFeed *into);

/* Puts FEED at POSITION; where the list already follows its address, FEED's marks go to
 * that subscription instead, so that one address stays one subscription. */
void
mw_feed_list_insert (MwFeedList *self,
                     guint       position,
                     MwFeed     *feed)
{
  MwFeed *known;

  g_return_if_fail (MW_IS_FEED_LIST (self));
  g_return_if_fail (MW_IS_FEED (feed));

  /* One address, one subscription: a feed put back (an undone unsubscription) after its
   * address was subscribed to again gives its marks to that subscription instead. */
  known = mw_feed_list_find (self, mw_feed_get_url (feed));
  if (known != NULL)
    {
      if (known != feed)
        copy_marks (feed, known);
      return;
    }

  position = MIN (position, self->feeds->len);
  g_ptr_array_insert (self->feeds, (gint) position, g_object_ref (feed));
  watch_feed (self, feed);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  schedule_save (self);
}

/* Returns: (transfer full) (nullable): FEED, out of the list, ready to be put back */
MwFeed *
mw_feed_list_take (MwFeedList *self,
                   MwFeed     *feed,
                   guint      *position)
{
  guint index;

  g_return_val_if_fail (MW_IS_FEED_LIST (self), NULL);

  if (!g_ptr_array_find (self->feeds, feed, &index))
    return NULL;
  g_signal_handlers_disconnect_by_data (feed, self);
  g_signal_handlers_disconnect_by_data (mw_feed_get_items (feed), self);
  feed = g_ptr_array_steal_index (self->feeds, index);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
  schedule_save (self);
  if (position != NULL)
    *position = index;
  return feed;
}

MwFeed *
mw_feed_list_find (MwFeedList *self,
                   const char *url)
{
  g_return_val_if_fail (MW_IS_FEED_LIST (self), NULL);

  for (guint i = 0; i < self->feeds->len; i++)
    if (g_strcmp0 (mw_feed_get_url (g_ptr_array_index (self->feeds, i)), url) == 0)
      return g_ptr_array_index (self->feeds, i);
  return NULL;
}

/* --- Subscribing ---------------------------------------------------------------------- *
 *
 * One address, one subscription. A request for an address already subscribed ends with a
 * sentence; one for an address being subscribed joins that subscription (one fetch, one
 * feed, the same outcome for both); and one that ends, after redirects or a page, at a
 * feed another request has just added ends with the same sentence as the first case. */

typedef struct
{
  char         *key;            /* the address asked for: the one later requests join */
  char         *url;            /* what is fetched: a page's feed once the page is read */
  GAsyncResult *fetched;
  GPtrArray    *choices;
  gboolean      followed_page;
  gint64        started;        /* monotonic, for the event log */
  GCancellable *cancellable;    /* cancelled once every request has been */
  GPtrArray    *requests;       /* Request*: who waits for the outcome */
} Subscribe;

/* One caller's request, the task data of the task its callback gets. */
typedef struct
{
  GTask        *task;           /* borrowed: alive while the subscription has not ended */
  GCancellable *cancellable;
  gulong        handler;
  gboolean      cancelled;
  GPtrArray    *choices;        /* the outcome, for mw_feed_list_subscribe_finish() */
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->cancellable);
  g_clear_pointer (&request->choices, g_ptr_array_unref);
  g_free (request);
}

static void
subscribe_free (Subscribe *subscribe)
{
  g_free (subscribe->key);
  g_free (subscribe->url);
  g_clear_object (&subscribe->fetched);
  g_clear_pointer (&subscribe->choices, g_ptr_array_unref);
  g_clear_object (&subscribe->cancellable);
  g_ptr_array_unref (subscribe->requests);
  g_free (subscribe);
}

/* "feed://example.org/x" and "feed:https://example.org/x" are how pages link feeds; the
 * rest is put in one normal form (lowercase scheme and host, no default port), so that
 * one address spelled two ways is still one subscription. */
static char *
normalize_feed_url (const char *url)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (url));
  g_autofree char *http = NULL;
  char *normal;

  if (g_ascii_strncasecmp (trimmed, "feed:http://", 12) == 0 || g_ascii_strncasecmp (trimmed, "feed:https://", 13) == 0)
    http = g_strdup (trimmed + 5);
  else if (g_ascii_strncasecmp (trimmed, "feed://", 7) == 0)
    http = g_strconcat ("http://", trimmed + 7, NULL);
  else
    http = g_steal_pointer (&trimmed);

  /* Anything that is no http(s) address is left as it is, for mw_url_check_http() to name. */
  normal = mw_url_resolve_http (NULL, http);
  return normal != NULL ? normal : g_steal_pointer (&http);
}

static GError *
already_following (MwFeed *feed)
{
  g_autofree char *title = mw_feed_dup_display_title (feed);

  return g_error_new (MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED, _("You already follow “%s”."), title);
}

static void subscribe_fetch (GTask *task);

static void
subscribe_parsed_cb (GObject      *source_object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  MwFeedList *self = MW_FEED_LIST (source_object);
  g_autoptr(GTask) task = user_data;
  Subscribe *subscribe = g_task_get_task_data (task);
  Fetch *fetch = g_task_get_task_data (G_TASK (subscribe->fetched));
  GError *error = NULL;
  Parse *parse = parse_finish (result, &error);
  g_autoptr(MwFeed) feed = NULL;
  MwFeed *known;
  const char *url;
  guint added;

  if (parse == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (parse->html)
    {
      GPtrArray *found = parse->discovered;

      if (found->len == 0 || subscribe->followed_page)
        {
          g_task_return_new_error (task, MW_FEED_ERROR, MW_FEED_ERROR_HTML,
                                   _("This page has no feed. Look for a link named RSS, Atom or Feed on it."));
          return;
        }
      if (found->len > 1)
        {
          subscribe->choices = g_ptr_array_ref (found);
          g_task_return_pointer (task, NULL, NULL);
          return;
        }
      /* Exactly one: follow it, once. */
      subscribe->followed_page = TRUE;
      g_free (subscribe->url);
      subscribe->url = normalize_feed_url (((MwDiscoveredFeed *) g_ptr_array_index (found, 0))->url);
      if (mw_feed_list_find (self, subscribe->url) != NULL)
        {
          g_task_return_new_error (task, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED,
                                   _("You already follow this page’s feed."));
          return;
        }
      subscribe_fetch (task);
      return;
    }

  /* Another request may have added this very feed while this one was under way: under
   * another address that led here, or through another page. */
  url = fetch->permanent_url ? fetch->permanent_url : subscribe->url;
  known = mw_feed_list_find (self, url);
  if (known != NULL)
    {
      g_task_return_error (task, already_following (known));
      return;
    }

  feed = mw_feed_new (url);
  added = mw_feed_apply (feed, parse->parsed, g_get_real_time () / G_USEC_PER_SEC);
  mw_feed_set_validators (feed, fetch->etag, fetch->last_modified);
  mw_feed_set_error_message (feed, parse->parsed->problem);
  mw_feed_list_insert (self, self->feeds->len, feed);
  emit_event (self, feed, subscribe->key, subscribe->started,
              ngettext ("Subscribed, with %u article", "Subscribed, with %u articles", added), added);
  g_task_return_pointer (task, g_object_ref (feed), g_object_unref);
}

static void
subscribe_fetched_cb (GObject      *source_object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  MwFeedList *self = MW_FEED_LIST (source_object);
  g_autoptr(GTask) task = user_data;
  Subscribe *subscribe = g_task_get_task_data (task);
  GError *error = NULL;
  Fetch *fetch = fetch_finish (result, &error);

  if (fetch == NULL)
    {
      g_autofree char *message = describe (error, subscribe->url);
      g_clear_error (&error);
      g_task_return_new_error (task, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED, "%s", message);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (fetch->status))
    {
      g_autoptr(GError) status = status_error (fetch);
      g_autofree char *message = describe (status, fetch->url);
      g_task_return_new_error (task, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED, "%s", message);
      return;
    }

  g_set_object (&subscribe->fetched, result);
  parse_async (self, fetch, mw_feed_looks_like_html (fetch->data->data, fetch->data->len, fetch->content_type),
               subscribe_parsed_cb, g_object_ref (task));
}

static void
subscribe_fetch (GTask *task)
{
  Subscribe *subscribe = g_task_get_task_data (task);

  fetch_async (g_task_get_source_object (task), subscribe->url, NULL, subscribe->started, NULL, NULL,
               g_task_get_cancellable (task), subscribe_fetched_cb, g_object_ref (task));
}

/* The subscription goes on while anyone still waits for it. */
static void
request_cancelled_cb (GCancellable *cancellable,
                      GTask        *job)
{
  Subscribe *subscribe = g_task_get_task_data (job);

  for (guint i = 0; i < subscribe->requests->len; i++)
    {
      Request *request = g_ptr_array_index (subscribe->requests, i);

      if (request->cancellable == cancellable)
        request->cancelled = TRUE;
      else if (!request->cancelled)
        return;
    }
  g_cancellable_cancel (subscribe->cancellable);
}

/* The subscription ended: every request that joined it ends the same way. */
static void
subscribe_done_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MwFeedList *self = MW_FEED_LIST (source_object);
  GTask *job = G_TASK (result);
  Subscribe *subscribe = g_task_get_task_data (job);
  g_autoptr(GPtrArray) requests = g_steal_pointer (&subscribe->requests);
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) feed = g_task_propagate_pointer (job, &error);

  subscribe->requests = g_ptr_array_new ();
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    emit_event (self, NULL, subscribe->key, subscribe->started, _("Failed: %s"), error->message);
  /* Unless a job for the same address took its place when this one was cancelled. GTask
   * holds the job while this callback runs. */
  if (g_hash_table_lookup (self->subscribing, subscribe->key) == job)
    g_hash_table_remove (self->subscribing, subscribe->key);

  for (guint i = 0; i < requests->len; i++)
    {
      Request *request = g_ptr_array_index (requests, i);
      g_autoptr(GTask) task = request->task;

      if (request->handler != 0)
        g_cancellable_disconnect (request->cancellable, request->handler);
      request->handler = 0;
      if (subscribe->choices != NULL)
        request->choices = g_ptr_array_ref (subscribe->choices);
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, feed ? g_object_ref (feed) : NULL, g_object_unref);
    }
}

/* Subscribes to URL, a feed or a web page that links to one. When the page links to
 * several, nothing is subscribed and mw_feed_list_subscribe_finish() returns them to
 * choose from. */
void
mw_feed_list_subscribe_async (MwFeedList          *self,
                              const char          *url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *normal = NULL;
  Subscribe *subscribe;
  Request *request;
  GTask *job;
  MwFeed *known;

  g_return_if_fail (MW_IS_FEED_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_feed_list_subscribe_async);
  request = g_new0 (Request, 1);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  normal = normalize_feed_url (url ? url : "");
  if (!mw_url_check_http (normal, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  known = mw_feed_list_find (self, normal);
  if (known != NULL)
    {
      g_task_return_error (task, already_following (known));
      return;
    }

  /* A subscription to this address under way, that someone still waits for: join it. */
  job = g_hash_table_lookup (self->subscribing, normal);
  if (job != NULL && g_cancellable_is_cancelled (g_task_get_cancellable (job)))
    job = NULL;
  if (job == NULL)
    {
      subscribe = g_new0 (Subscribe, 1);
      subscribe->key = g_strdup (normal);
      subscribe->url = g_steal_pointer (&normal);
      subscribe->cancellable = g_cancellable_new ();
      subscribe->requests = g_ptr_array_new ();
      subscribe->started = g_get_monotonic_time ();
      job = g_task_new (self, subscribe->cancellable, subscribe_done_cb, NULL);
      g_task_set_source_tag (job, subscribe_fetch);
      g_task_set_task_data (job, subscribe, (GDestroyNotify) subscribe_free);
      /* The table holds the job's first reference until it ends. */
      g_hash_table_replace (self->subscribing, g_strdup (subscribe->key), job);
      subscribe_fetch (job);
    }
  subscribe = g_task_get_task_data (job);
  request->task = g_steal_pointer (&task);
  g_ptr_array_add (subscribe->requests, request);
  if (cancellable != NULL)
    {
      request->cancellable = g_object_ref (cancellable);
      request->handler = g_cancellable_connect (cancellable, G_CALLBACK (request_cancelled_cb),
                                                g_object_ref (job), g_object_unref);
    }
}

/**
 * mw_feed_list_subscribe_finish:
 * @choices: (out) (optional) (transfer full): the feeds a page offers, when it offers
 *   several and nothing was subscribed
 *
 * Returns: (transfer full) (nullable): the new feed, or when another request for the same
 *   address was under way, the feed it added
 */
MwFeed *
mw_feed_list_subscribe_finish (MwFeedList    *self,
                               GAsyncResult  *result,
                               GPtrArray    **choices,
                               GError       **error)
{
  Request *request = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (choices != NULL)
    *choices = request->choices ? g_ptr_array_ref (request->choices) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- Refreshing ------------------------------------------------------------------------ */

typedef struct
{
  MwFeed       *feed;
  GAsyncResult *fetched;
  gint64        started;        /* monotonic, for the event log */
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_clear_object (&refresh->feed);
  g_clear_object (&refresh->fetched);
  g_free (refresh);
}

static void
refresh_return (GTask  *task,
                GError *error)
{
  Refresh *refresh = g_task_get_task_data (task);

  mw_feed_set_refreshing (refresh->feed, FALSE);
  if (error != NULL)
    {
      g_autofree char *message = describe (error, mw_feed_get_url (refresh->feed));

      emit_event (g_task_get_source_object (task), refresh->feed, mw_feed_get_url (refresh->feed),
                  refresh->started, _("Failed: %s"), message);
      mw_feed_set_error_message (refresh->feed, message);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

/* FROM and INTO are one feed: INTO keeps what a person did in FROM (read and starred
 * articles, and the starred ones INTO no longer has). */
static void
copy_marks (MwFeed *from,
            MwFeed *into)
{
  GListModel *items = mw_feed_get_items (from);
  g_autoptr(GPtrArray) starred = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(MwFeedItem) item = g_list_model_get_item (items, i);
      MwFeedItem *same = mw_feed_find_item (into, mw_feed_item_get_id (item));

      if (same != NULL)
        {
          if (mw_feed_item_get_read (item))
            mw_feed_item_set_read (same, TRUE);
          if (mw_feed_item_get_starred (item))
            mw_feed_item_set_starred (same, TRUE);
        }
      else if (mw_feed_item_get_starred (item))
        {
          MwParsedItem *shared = mw_feed_item_dup_shared (item);
          MwFeedItem *copy = mw_feed_item_new_from_shared (shared, mw_feed_item_get_first_seen (item));

          mw_parsed_item_unref_shared (shared);
          mw_feed_item_set_read (copy, mw_feed_item_get_read (item));
          mw_feed_item_set_starred (copy, TRUE);
          g_ptr_array_add (starred, copy);
        }
    }
  if (starred->len > 0)
    mw_feed_restore (into, NULL, NULL, NULL, NULL, starred);
}

/* FROM moved onto INTO's address: INTO keeps FROM's marks, and FROM leaves the list. */
static void
merge_into (MwFeedList *self,
            MwFeed     *from,
            MwFeed     *into)
{
  MwFeed *taken;

  copy_marks (from, into);
  taken = mw_feed_list_take (self, from, NULL);
  g_clear_object (&taken);
}

static void
refresh_parsed_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Refresh *refresh = g_task_get_task_data (task);
  Fetch *fetch = g_task_get_task_data (G_TASK (refresh->fetched));
  GError *error = NULL;
  Parse *parse = parse_finish (result, &error);
  guint added;

  if (parse == NULL)
    {
      refresh_return (task, error);
      return;
    }

  /* One batch on the main thread: the whole document merged at once. */
  added = mw_feed_apply (refresh->feed, parse->parsed, g_get_real_time () / G_USEC_PER_SEC);
  emit_event (g_task_get_source_object (task), refresh->feed, mw_feed_get_url (refresh->feed),
              refresh->started,
              ngettext ("Merged: %u new article", "Merged: %u new articles", added), added);
  mw_feed_set_validators (refresh->feed, fetch->etag, fetch->last_modified);
  mw_feed_set_error_message (refresh->feed, parse->parsed->problem);
  refresh_return (task, NULL);
}

static void
refresh_fetched_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  MwFeedList *self = MW_FEED_LIST (source_object);
  g_autoptr(GTask) task = user_data;
  Refresh *refresh = g_task_get_task_data (task);
  GError *error = NULL;
  Fetch *fetch = fetch_finish (result, &error);

  if (fetch == NULL)
    {
      refresh_return (task, error);
      return;
    }

  if (fetch->permanent_url != NULL)
    {
      MwFeed *other = mw_feed_list_find (self, fetch->permanent_url);

      if (other == NULL)
        mw_feed_set_url (refresh->feed, fetch->permanent_url);
      else if (other != refresh->feed)
        {
          /* Moved for good onto another subscription's address: the same feed, twice. The
           * other one is refreshed on its own. */
          merge_into (self, refresh->feed, other);
          refresh_return (task, NULL);
          return;
        }
    }

  switch (fetch->status)
    {
    case SOUP_STATUS_NOT_MODIFIED:
      /* Nothing new, and nothing downloaded to find that out. */
      fetch_event (self, fetch, _("304 Not Modified — nothing new, nothing to parse"));
      mw_feed_set_error_message (refresh->feed, NULL);
      refresh_return (task, NULL);
      return;

    case SOUP_STATUS_GONE:
      mw_feed_set_gone (refresh->feed, TRUE);
      refresh_return (task, g_error_new_literal (MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED,
                                                 _("This feed was removed from its server for good (410 Gone). "
                                                   "You can unsubscribe from it.")));
      return;

    case MW_HTTP_STATUS_TOO_MANY_REQUESTS:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      /* Stay away as long as asked, or a while. */
      mw_feed_set_retry_after (refresh->feed, g_get_monotonic_time () +
                               (fetch->retry_after_ms >= 0 ? fetch->retry_after_ms * 1000 : DEFAULT_BACKOFF_US));
      refresh_return (task, status_error (fetch));
      return;

    default:
      break;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (fetch->status))
    {
      refresh_return (task, status_error (fetch));
      return;
    }

  g_set_object (&refresh->fetched, result);
  parse_async (self, fetch, FALSE, refresh_parsed_cb, g_object_ref (task));
}

static void
refresh_start (GTask *task)
{
  MwFeedList *self = g_task_get_source_object (task);
  Refresh *refresh = g_task_get_task_data (task);

  fetch_async (self, mw_feed_get_url (refresh->feed), refresh->feed, refresh->started,
               mw_feed_get_etag (refresh->feed),
               mw_feed_get_last_modified (refresh->feed), g_task_get_cancellable (task),
               refresh_fetched_cb, g_object_ref (task));
}

/* Asks the server for FEED again, conditionally (a 304 costs nothing), and merges what is
 * new. A feed that is gone, or whose server asked for a pause, is left alone. */
void
mw_feed_list_refresh_async (MwFeedList          *self,
                            MwFeed              *feed,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Refresh *refresh;

  g_return_if_fail (MW_IS_FEED_LIST (self));
  g_return_if_fail (MW_IS_FEED (feed));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_feed_list_refresh_async);
  refresh = g_new0 (Refresh, 1);
  refresh->feed = g_object_ref (feed);
  refresh->started = g_get_monotonic_time ();
  g_task_set_task_data (task, refresh, (GDestroyNotify) refresh_free);

  if (mw_feed_get_gone (feed) || mw_feed_get_refreshing (feed) ||
      mw_feed_get_retry_after (feed) > g_get_monotonic_time ())
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  mw_feed_set_refreshing (feed, TRUE);
  refresh_start (task);
}

gboolean
mw_feed_list_refresh_finish (MwFeedList    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- OPML ------------------------------------------------------------------------------- */

typedef struct
{
  guint pending;
  guint added;
} Import;

static void
import_read_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_autofree char *contents = NULL;
  GPtrArray *entries;
  GError *error = NULL;
  gsize length = 0;

  if (!g_file_load_contents (task_data, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  entries = mw_opml_parse ((const guint8 *) contents, length, &error);
  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

static void
import_subscribed_cb (GObject      *source_object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Import *import = g_task_get_task_data (task);
  g_autoptr(MwFeed) feed = mw_feed_list_subscribe_finish (MW_FEED_LIST (source_object), result, NULL, NULL);

  if (feed != NULL)
    import->added++;
  if (--import->pending == 0)
    g_task_return_int (task, import->added);
}

static void
import_parsed_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MwFeedList *self = MW_FEED_LIST (source_object);
  g_autoptr(GTask) task = user_data;
  Import *import = g_task_get_task_data (task);
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;

  entries = g_task_propagate_pointer (G_TASK (result), &error);
  if (entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Groups are flattened: every feed joins the one list. */
  for (guint i = 0; i < entries->len; i++)
    {
      MwOpmlEntry *entry = g_ptr_array_index (entries, i);

      if (mw_feed_list_find (self, entry->url) != NULL)
        continue;
      import->pending++;
      mw_feed_list_subscribe_async (self, entry->url, g_task_get_cancellable (task),
                                    import_subscribed_cb, g_object_ref (task));
    }
  if (import->pending == 0)
    g_task_return_int (task, 0);
}

/* Subscribes to every feed of an OPML file not yet followed.
 * Returns (through finish): how many were added */
void
mw_feed_list_import_opml_async (MwFeedList          *self,
                                GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) read = g_task_new (self, cancellable, import_parsed_cb, g_object_ref (task));

  g_task_set_source_tag (task, mw_feed_list_import_opml_async);
  g_task_set_task_data (task, g_new0 (Import, 1), g_free);
  g_task_set_task_data (read, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (read, import_read_thread);
}

guint
mw_feed_list_import_opml_finish (MwFeedList    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  gssize added;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  added = g_task_propagate_int (G_TASK (result), error);
  return added > 0 ? (guint) added : 0;
}

static void
export_written_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_file_replace_contents_finish (G_FILE (source_object), result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mw_feed_list_export_opml_async (MwFeedList          *self,
                                GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_opml_entry_free);
  g_autoptr(GBytes) bytes = NULL;
  char *data;
  gsize length = 0;

  g_task_set_source_tag (task, mw_feed_list_export_opml_async);
  for (guint i = 0; i < self->feeds->len; i++)
    {
      MwFeed *feed = g_ptr_array_index (self->feeds, i);
      MwOpmlEntry *entry = g_new0 (MwOpmlEntry, 1);

      entry->url = g_strdup (mw_feed_get_url (feed));
      entry->title = mw_feed_dup_display_title (feed);
      entry->site_url = g_strdup (mw_feed_get_link (feed));
      g_ptr_array_add (entries, entry);
    }

  data = mw_opml_write (entries, _("Meanwhile subscriptions"), &length);
  bytes = g_bytes_new_take (data, length);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, cancellable,
                                       export_written_cb, g_object_ref (task));
}

gboolean
mw_feed_list_export_opml_finish (MwFeedList    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
refresh_all_cb (gpointer user_data)
{
  MwFeedList *self = user_data;

  for (guint i = 0; i < self->feeds->len; i++)
    mw_feed_list_refresh_async (self, g_ptr_array_index (self->feeds, i), NULL, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

/* Every MINUTES (0: never), all feeds are refreshed. */
void
mw_feed_list_set_refresh_interval (MwFeedList *self,
                                   guint       minutes)
{
  g_return_if_fail (MW_IS_FEED_LIST (self));

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (minutes > 0)
    self->refresh_source = g_timeout_add_seconds (minutes * 60, refresh_all_cb, self);
}

gboolean
mw_feed_list_get_blocking_mode (MwFeedList *self)
{
  g_return_val_if_fail (MW_IS_FEED_LIST (self), FALSE);
  return self->blocking_mode;
}

void
mw_feed_list_set_blocking_mode (MwFeedList *self,
                                gboolean    blocking_mode)
{
  g_return_if_fail (MW_IS_FEED_LIST (self));

  blocking_mode = !!blocking_mode;
  if (self->blocking_mode == blocking_mode)
    return;
  self->blocking_mode = blocking_mode;
  /* Fetches waiting for a blocking turn go out responsive now, not after an idle. */
  if (!blocking_mode && self->turn_source != 0)
    {
      g_clear_handle_id (&self->turn_source, g_source_remove);
      turn_cb (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLOCKING_MODE]);
}

/* --- The state file ------------------------------------------------------------------- */

gboolean
mw_feed_list_get_loaded (MwFeedList *self)
{
  g_return_val_if_fail (MW_IS_FEED_LIST (self), FALSE);
  return self->loaded;
}

const char *
mw_feed_list_get_load_error (MwFeedList *self)
{
  g_return_val_if_fail (MW_IS_FEED_LIST (self), NULL);
  return self->load_error;
}

/* Runs in the worker thread, and builds the feeds there too: fifty thousand articles
 * made into objects on the main thread would hold it for a good part of a second. The
 * objects are nobody else's until the main thread takes them. */
static gpointer
parse_state (const char  *data,
             gsize        length,
             guint       *n_skipped,
             GError     **error)
{
  g_autoptr(GPtrArray) records = mw_feed_store_parse (data, length, n_skipped, error);
  GPtrArray *feeds;

  if (records == NULL)
    return NULL;
  feeds = g_ptr_array_new_full (records->len, g_object_unref);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (feeds, mw_feed_record_to_feed (g_ptr_array_index (records, i)));
  return feeds;
}

static gpointer
snapshot_state (gpointer owner)
{
  MwFeedList *self = owner;
  GPtrArray *records = g_ptr_array_new_full (self->feeds->len, (GDestroyNotify) mw_feed_record_free);

  for (guint i = 0; i < self->feeds->len; i++)
    g_ptr_array_add (records, mw_feed_record_new_from_feed (g_ptr_array_index (self->feeds, i)));
  return records;
}

static char *
serialize_state (gpointer  snapshot,
                 gsize    *length)
{
  return mw_feed_store_serialize (snapshot, length);
}

/* Feeds subscribed while loading stay after the saved ones; one change for each batch. */
static void
restore_feeds (gpointer user_data,
               guint    first,
               guint    n)
{
  GTask *task = user_data;
  MwFeedList *self = g_task_get_source_object (task);
  GPtrArray *feeds = g_task_get_task_data (task);
  guint position = MIN (self->n_restored, self->feeds->len);

  for (guint i = 0; i < n; i++)
    {
      MwFeed *feed = g_ptr_array_index (feeds, first + i);

      g_ptr_array_insert (self->feeds, (gint) (position + i), g_object_ref (feed));
      watch_feed (self, feed);
    }
  self->n_restored = position + n;
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, n);
}

static gboolean
restored_cb (gpointer user_data)
{
  GTask *task = user_data;
  MwFeedList *self = g_task_get_source_object (task);

  self->loaded = TRUE;
  if (self->saver != NULL)
    mw_state_saver_set_enabled (self->saver, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  if (self->load_error != NULL || self->feeds->len > self->n_restored)
    schedule_save (self);
  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
loaded_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MwFeedList *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) feeds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  guint n_skipped = 0;
  guint n;

  feeds = mw_state_file_load_finish (result, &n_skipped, &problem, &error);
  if (error != NULL)
    {
      self->load_error = g_strdup_printf (_("Could not read the list of feeds: %s"), error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOAD_ERROR]);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (problem != NULL)
    self->load_error = g_steal_pointer (&problem);
  else if (n_skipped > 0)
    self->load_error = g_strdup_printf (ngettext ("One entry of the list of feeds could not be read and was left out.",
                                                  "%u entries of the list of feeds could not be read and were left out.",
                                                  n_skipped), n_skipped);
  if (self->load_error != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOAD_ERROR]);

  /* All in one change: each change re-sorts every article shown together, so that
   * smaller batches would cost more in all. It still waits for a frame to be drawn. */
  if (feeds == NULL)
    feeds = g_ptr_array_new ();
  n = feeds->len;
  g_task_set_task_data (task, g_steal_pointer (&feeds), (GDestroyNotify) g_ptr_array_unref);
  mw_state_apply_in_batches (n, G_MAXUINT, restore_feeds, restored_cb, g_steal_pointer (&task),
                             g_object_unref);
}

void
mw_feed_list_load_async (MwFeedList          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MW_IS_FEED_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_feed_list_load_async);
  if (self->state_file == NULL || self->loaded)
    {
      self->loaded = TRUE;
      g_task_return_boolean (task, TRUE);
      return;
    }
  mw_state_file_load_async (self->state_file, parse_state, (GDestroyNotify) g_ptr_array_unref,
                            cancellable, loaded_cb, g_object_ref (task));
}

gboolean
mw_feed_list_load_finish (MwFeedList    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
mw_feed_list_save_async (MwFeedList          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MW_IS_FEED_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_feed_list_save_async);
  mw_state_saver_save_for (self->saver, task);
}

gboolean
mw_feed_list_save_finish (MwFeedList    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- GObject ------------------------------------------------------------------------ */

static void
mw_feed_list_dispose (GObject *object)
{
  MwFeedList *self = MW_FEED_LIST (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->saver != NULL)
    mw_state_saver_set_enabled (self->saver, FALSE);
  g_clear_object (&self->saver);
  if (self->feeds != NULL)
    {
      for (guint i = 0; i < self->feeds->len; i++)
        {
          MwFeed *feed = g_ptr_array_index (self->feeds, i);
          g_signal_handlers_disconnect_by_data (feed, self);
          g_signal_handlers_disconnect_by_data (mw_feed_get_items (feed), self);
        }
      g_clear_pointer (&self->feeds, g_ptr_array_unref);
    }
  g_clear_handle_id (&self->turn_source, g_source_remove);
  if (self->turn_waiting != NULL)
    g_queue_free_full (g_steal_pointer (&self->turn_waiting), g_object_unref);
  if (self->host_waiting != NULL)
    g_queue_free_full (g_steal_pointer (&self->host_waiting), g_object_unref);
  g_clear_pointer (&self->host_active, g_hash_table_unref);
  g_clear_pointer (&self->subscribing, g_hash_table_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->blocking_session);
  g_clear_object (&self->state_file);

  G_OBJECT_CLASS (mw_feed_list_parent_class)->dispose (object);
}

static void
mw_feed_list_finalize (GObject *object)
{
  g_free (MW_FEED_LIST (object)->load_error);
  G_OBJECT_CLASS (mw_feed_list_parent_class)->finalize (object);
}

static void
mw_feed_list_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MwFeedList *self = MW_FEED_LIST (object);

  switch (prop_id)
    {
    case PROP_BLOCKING_MODE:
      g_value_set_boolean (value, self->blocking_mode);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_LOAD_ERROR:
      g_value_set_string (value, self->load_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_feed_list_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_BLOCKING_MODE:
      mw_feed_list_set_blocking_mode (MW_FEED_LIST (object), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_feed_list_class_init (MwFeedListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = mw_feed_list_dispose;
  object_class->finalize = mw_feed_list_finalize;
  object_class->get_property = mw_feed_list_get_property;
  object_class->set_property = mw_feed_list_set_property;

  properties[PROP_BLOCKING_MODE] =
    g_param_spec_boolean ("blocking-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_LOAD_ERROR] = g_param_spec_string ("load-error", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MwFeedList::event:
   * @feed: (nullable): the feed, or %NULL for a subscription that has none yet
   * @address: the address asked for
   * @time: the wall-clock time it happened, in microseconds since the epoch
   * @elapsed: microseconds since the refresh or subscription began, on the monotonic clock
   * @text: what the list just did, as a sentence for the event log
   *
   * Emitted on the main thread as it happens: in freezing mode during the block.
   */
  signals[EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 5, MW_TYPE_FEED, G_TYPE_STRING,
                                 G_TYPE_INT64, G_TYPE_INT64, G_TYPE_STRING);
}

static void
mw_feed_list_init (MwFeedList *self)
{
  self->feeds = g_ptr_array_new_with_free_func (g_object_unref);
  self->host_active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->host_waiting = g_queue_new ();
  self->turn_waiting = g_queue_new ();
  self->subscribing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->session = new_session ();
}

/**
 * mw_feed_list_new:
 * @state_file: (nullable): where the subscriptions are saved, or %NULL to keep them in memory
 */
MwFeedList *
mw_feed_list_new (GFile *state_file)
{
  MwFeedList *self = g_object_new (MW_TYPE_FEED_LIST, NULL);

  if (state_file != NULL)
    {
      self->state_file = g_object_ref (state_file);
      self->saver = mw_state_saver_new (state_file, self, snapshot_state, serialize_state,
                                        (GDestroyNotify) g_ptr_array_unref);
    }
  return self;
}
