/* test-feed-sequences.c: feeds through sequences of what people and servers do, on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-feed-sequences"

#include "config.h"

#include <string.h>

#include "mw-feed-list.h"
#include "mw-feed-store.h"
#include "mw-test-server.h"

typedef struct
{
  MwTestServer *server;
  char         *folder;
  GFile        *state;
  MwFeedList   *list;
} Fixture;

static const char rss[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<rss version=\"2.0\"><channel><title>%s</title><link>https://site.example/</link>"
  "<item><title>First</title><link>https://site.example/1</link><guid>one</guid>"
  "<pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate><description>One</description></item>"
  "<item><title>Second</title><link>https://site.example/2</link><guid>two</guid>"
  "<pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDate><description>Two</description></item>"
  "</channel></rss>\n";

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *path = NULL;

  fixture->server = mw_test_server_new ();
  fixture->folder = g_dir_make_tmp ("meanwhile-feed-sequences-XXXXXX", NULL);
  path = g_build_filename (fixture->folder, "feeds.json", NULL);
  fixture->state = g_file_new_for_path (path);
  fixture->list = mw_feed_list_new (fixture->state);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  mw_test_run_loop_for (20);
  g_assert_finalize_object (fixture->list);
  mw_test_server_free (fixture->server);
  mw_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
  g_object_unref (fixture->state);
}

/* --- Waiting, always bounded ------------------------------------------------------------ */

typedef gboolean (*Condition) (gpointer data);

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until COND holds; after TIMEOUT_MS the test fails, naming WHAT it
 * waited for. */
static void
wait_until (Condition   cond,
            gpointer    data,
            guint       timeout_ms,
            const char *what)
{
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add (timeout_ms, timed_out_cb, &timed_out);

  while (!cond (data))
    {
      if (timed_out)
        g_error ("Waited %u ms for %s, in vain", timeout_ms, what);
      g_main_context_iteration (NULL, TRUE);
    }
  if (!timed_out)
    g_source_remove (timeout);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
result_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot,
             const char    *what)
{
  wait_until (is_set, slot, 20000, what);
  return *slot;
}

/* --- The server -------------------------------------------------------------------------- */

static MwTestResource *
serve (Fixture    *fixture,
       const char *path,
       const char *title)
{
  g_autofree char *text = g_strdup_printf (rss, title);
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
  MwTestResource *resource = mw_test_server_add (fixture->server, path, body);

  resource->content_type = g_strdup ("application/rss+xml");
  return resource;
}

static MwFeed *
subscribe (Fixture       *fixture,
           const char    *path,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *url = mw_test_server_url (fixture->server, path);
  g_autoptr(GAsyncResult) result = NULL;

  mw_feed_list_subscribe_async (fixture->list, url, cancellable, result_cb, &result);
  return mw_feed_list_subscribe_finish (fixture->list, wait_result (&result, "a subscription to end"),
                                        NULL, error);
}

/* --- Tests ------------------------------------------------------------------------------- */

/* A feed over the size limit ends with a sentence about its size, and the cancellable
 * the window lends to all its subscriptions still works for the next one. */
static void
test_oversize_then_subscribe (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GBytes) huge = mw_test_make_bytes (MW_FEED_MAX_BYTES + 4 * 1024 * 1024, 3);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/huge.xml", huge);
  g_autoptr(GCancellable) window = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) big = NULL;
  g_autoptr(MwFeed) normal = NULL;

  resource->content_type = g_strdup ("application/rss+xml");
  resource->chunked = TRUE;
  serve (fixture, "/normal.xml", "Normal");
  mw_feed_list_set_blocking_mode (fixture->list, GPOINTER_TO_INT (user_data));

  big = subscribe (fixture, "/huge.xml", window, &error);
  g_assert_null (big);
  g_assert_error (error, MW_FEED_ERROR, MW_FEED_ERROR_NOT_A_FEED);
  g_assert_nonnull (strstr (error->message, "larger than"));
  g_assert_false (g_cancellable_is_cancelled (window));
  g_clear_error (&error);

  normal = subscribe (fixture, "/normal.xml", window, &error);
  g_assert_no_error (error);
  g_assert_nonnull (normal);
  g_assert_cmpstr (mw_feed_get_title (normal), ==, "Normal");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/feeds/sequence/oversize-then-subscribe", test_oversize_then_subscribe, NULL);
  ADD ("/feeds/sequence/oversize-then-subscribe/freezing", test_oversize_then_subscribe, GINT_TO_POINTER (TRUE));

  return g_test_run ();
}
