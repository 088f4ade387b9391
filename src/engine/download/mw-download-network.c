/* mw-download-network.c: the network thread, where transfers send and read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One thread with a GMainContext of its own runs every asynchronous request of the
 * download lists and reads their bodies. The main thread asks for each step (send this
 * message, read so many bytes of that body) and gets the answer back as a callback at a
 * priority just below input events, so that a key press or a D-Bus call is answered
 * before the next chunk is handed on. The main thread then never copies a byte out of a
 * socket: on loopback those copies were most of its CPU time while eight files streamed
 * (HACKING.md: Threads).
 *
 * libsoup 3.2 allows this: a message may be sent from any thread that has a thread-default
 * main context, and its I/O and signals then stay in that thread. The session is still
 * made and configured on the main thread, and freezing mode sends on the main thread with
 * the blocking API, as before. The caller's GCancellable is passed on as it is: GIO's
 * operations are made to be cancelled from another thread, and libsoup 3.2 connects no
 * handler of its own to a cancellable.
 *
 * A body stream that came from here is read, closed and let go here only: the main
 * thread holds a reference but hands it back with _mw_network_release().
 */
#define G_LOG_DOMAIN "mw-download-network"

#include "config.h"

#include "mw-download-run-private.h"

/* Just below GDK's input events (G_PRIORITY_DEFAULT): when both are ready, the main loop
 * dispatches the events first and the transfers in its next iteration. */
#define RESULT_PRIORITY (G_PRIORITY_DEFAULT + 1)

typedef struct
{
  SoupSession  *session;
  SoupMessage  *message;
  GInputStream *stream;
  gsize         count;
  GCancellable *cancellable;
} NetworkOp;

static void
network_op_free (gpointer data)
{
  NetworkOp *op = data;

  g_clear_object (&op->session);
  g_clear_object (&op->message);
  if (op->stream != NULL)
    _mw_network_release (g_steal_pointer (&op->stream), FALSE);
  g_clear_object (&op->cancellable);
  g_free (op);
}

static gpointer
network_thread_main (gpointer data)
{
  GMainContext *context = data;
  GMainLoop *loop = g_main_loop_new (context, FALSE);

  g_main_context_push_thread_default (context);
  /* For the life of the process: the thread has nothing to do between transfers but
   * wait in poll(), which costs no wake-ups. */
  g_main_loop_run (loop);
  return NULL;
}

static GMainContext *
network_context (void)
{
  static gsize context;

  if (g_once_init_enter (&context))
    {
      GMainContext *made = g_main_context_new ();

      g_thread_unref (g_thread_new ("mw-network", network_thread_main, made));
      g_once_init_leave (&context, (gsize) made);
    }
  return (GMainContext *) context;
}

/* Runs FUNC with TASK in the network thread; the task goes back from there. */
static void
in_network_thread (GTask       *task,
                   GSourceFunc  func)
{
  g_main_context_invoke (network_context (), func, task);
}

static GTask *
network_task_new (GCancellable        *cancellable,
                  gpointer             source_tag,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  NetworkOp *op = g_new0 (NetworkOp, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_priority (task, RESULT_PRIORITY);
  /* Left to the finish functions, which drop what came back when the caller cancelled
   * in between: a body stream must be let go in the network thread. */
  g_task_set_check_cancellable (task, FALSE);
  op->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, op, network_op_free);
  return task;
}

/* As GTask's own check would: what the caller cancelled before it got the answer ends
 * as cancelled, whatever the answer was. */
static gpointer
propagate (GAsyncResult    *result,
           GDestroyNotify   free_answer,
           GError         **error)
{
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  gpointer answer = g_task_propagate_pointer (G_TASK (result), error);

  if (answer != NULL && g_cancellable_set_error_if_cancelled (cancellable, error))
    g_clear_pointer (&answer, free_answer);
  return answer;
}

static void
release_stream (gpointer data)
{
  _mw_network_release (data, FALSE);
}

static void
sent_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GInputStream *body = soup_session_send_finish (SOUP_SESSION (source_object), result, &error);

  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, body, release_stream);
}

static gboolean
send_in_network_thread (gpointer data)
{
  GTask *task = data;
  NetworkOp *op = g_task_get_task_data (task);

  soup_session_send_async (op->session, op->message, G_PRIORITY_DEFAULT, op->cancellable,
                           sent_cb, task);
  return G_SOURCE_REMOVE;
}

/* Sends MESSAGE with SESSION from the network thread; CALLBACK gets the response's body
 * on the calling thread, whose thread-default main context it runs in. */
void
_mw_network_send_async (SoupSession         *session,
                        SoupMessage         *message,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = network_task_new (cancellable, _mw_network_send_async, callback, user_data);
  NetworkOp *op = g_task_get_task_data (task);

  op->session = g_object_ref (session);
  op->message = g_object_ref (message);
  in_network_thread (task, send_in_network_thread);
}

/* Returns: (transfer full): the body, to be read with _mw_network_read_async() and let
 * go with _mw_network_release(), or NULL with ERROR set. */
GInputStream *
_mw_network_send_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, _mw_network_send_async), NULL);

  return propagate (result, release_stream, error);
}

static void
read_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source_object), result, &error);

  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

static gboolean
read_in_network_thread (gpointer data)
{
  GTask *task = data;
  NetworkOp *op = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (op->stream, op->count, G_PRIORITY_DEFAULT, op->cancellable,
                                   read_cb, task);
  return G_SOURCE_REMOVE;
}

/* Reads up to COUNT bytes of BODY, a stream from _mw_network_send_finish(), in the
 * network thread; an empty GBytes is its end. */
void
_mw_network_read_async (GInputStream        *body,
                        gsize                count,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = network_task_new (cancellable, _mw_network_read_async, callback, user_data);
  NetworkOp *op = g_task_get_task_data (task);

  op->stream = g_object_ref (body);
  op->count = count;
  in_network_thread (task, read_in_network_thread);
}

GBytes *
_mw_network_read_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, _mw_network_read_async), NULL);

  return propagate (result, (GDestroyNotify) g_bytes_unref, error);
}

typedef struct
{
  GInputStream *stream;
  gboolean      close;
} Release;

static void
closed_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_input_stream_close_finish (G_INPUT_STREAM (source_object), result, NULL);
  g_object_unref (source_object);
}

static gboolean
release_in_network_thread (gpointer data)
{
  Release *release = data;

  if (release->close)
    g_input_stream_close_async (release->stream, G_PRIORITY_DEFAULT, NULL, closed_cb, NULL);
  else
    g_object_unref (release->stream);
  g_free (release);
  return G_SOURCE_REMOVE;
}

/* Takes the caller's reference to BODY and drops it in the network thread, after closing
 * it there when CLOSE is set. A body not read to its end is aborted first by cancelling
 * the cancellable it was sent with: closing it would read the rest. */
void
_mw_network_release (GInputStream *body,
                     gboolean      close)
{
  Release *release = g_new (Release, 1);

  release->stream = body;
  release->close = close;
  g_main_context_invoke (network_context (), release_in_network_thread, release);
}
