/* mw-feed-list-subscribe.c: subscribing the feed list to a feed or a page, once per address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One address, one subscription. A request for an address already subscribed ends with a
 * sentence; one for an address being subscribed joins that subscription (one fetch, one
 * feed, the same outcome for both); and one that ends, after redirects or a page, at a
 * feed another request has just added ends with the same sentence as the first case.
 */
#define G_LOG_DOMAIN "mw-feed-list-subscribe"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mw-error.h"
#include "mw-feed-discovery.h"
#include "mw-feed-list-private.h"
#include "mw-url.h"

typedef struct
{
  char         *key;            /* the address asked for: the one later requests join */
  char         *url;            /* what is fetched: a page's feed once the page is read */
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
  GError *error = NULL;
  MwFeedParse *parse = _mw_feed_list_parse_finish (result, &error);
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
  url = parse->fetch->permanent_url ? parse->fetch->permanent_url : subscribe->url;
  known = mw_feed_list_find (self, url);
  if (known != NULL)
    {
      g_task_return_error (task, already_following (known));
      return;
    }

  feed = mw_feed_new (url);
  added = _mw_feed_list_apply_parse (feed, parse);
  mw_feed_list_insert (self, self->feeds->len, feed);
  _mw_feed_list_event (self, feed, subscribe->key, subscribe->started,
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
  MwFeedFetch *fetch = _mw_feed_list_fetch_finish (result, &error);

  if (fetch == NULL)
    {
      g_autofree char *message = _mw_feed_list_describe (error, subscribe->url);
      g_clear_error (&error);
      g_task_return_new_error (task, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED, "%s", message);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (fetch->status))
    {
      g_autoptr(GError) status = _mw_feed_list_status_error (fetch);
      g_autofree char *message = _mw_feed_list_describe (status, fetch->url);
      g_task_return_new_error (task, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED, "%s", message);
      return;
    }

  _mw_feed_list_parse_async (self, result,
                             mw_feed_looks_like_html (fetch->data->data, fetch->data->len, fetch->content_type),
                             subscribe_parsed_cb, g_object_ref (task));
}

static void
subscribe_fetch (GTask *task)
{
  Subscribe *subscribe = g_task_get_task_data (task);

  _mw_feed_list_fetch_async (g_task_get_source_object (task), subscribe->url, NULL, subscribe->started,
                             NULL, NULL, g_task_get_cancellable (task), subscribe_fetched_cb,
                             g_object_ref (task));
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
    _mw_feed_list_event (self, NULL, subscribe->key, subscribe->started, _("Failed: %s"), error->message);
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

