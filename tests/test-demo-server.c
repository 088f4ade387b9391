/* test-demo-server.c: the built-in demo server's files, downloaded from for real on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Its feeds, and what a feed list makes of them, are tested in test-demo-server-feeds.c.
 */
#define G_LOG_DOMAIN "test-demo-server"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "mw-demo-server.h"
#include "mw-download-list.h"
#include "mw-test-server.h"
#include "mw-test-utils.h"

/* Fast enough to keep the suite short, slow enough that every body goes out in many
 * paced chunks. */
#define TEST_RATE (64 * 1024 * 1024)

#define CITY_MAP       "files/city-map.pdf"
#define CITY_MAP_NAME  "Old Town Map.pdf"
#define RECORDING      "files/field-recording.flac"
#define PHOTOS         "files/sunrise-photos.zip"
#define VIDEO          "files/lecture-video.mp4"

typedef struct
{
  MwDemoServer   *server;
  MwDownloadList *list;
  char           *folder_path;
  GFile          *folder;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = mw_demo_server_new ();
  mw_demo_server_set_bytes_per_second (fixture->server, TEST_RATE);
  g_assert_true (mw_demo_server_start (fixture->server, &error));
  g_assert_no_error (error);

  fixture->folder_path = g_dir_make_tmp ("meanwhile-demo-test-XXXXXX", NULL);
  g_assert_nonnull (fixture->folder_path);
  fixture->folder = g_file_new_for_path (fixture->folder_path);
  fixture->list = mw_download_list_new (NULL);
  mw_download_list_set_download_folder (fixture->list, fixture->folder);
  mw_download_list_set_retry_policy (fixture->list, 2, 20, 50);
  mw_download_list_set_network_budget (fixture->list, 0);
  mw_download_list_set_network_timeout (fixture->list, 5);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  /* Let finished transfers' last callbacks (closing streams) run before the server goes. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_finalize_object (fixture->list);
  if (fixture->server != NULL)
    g_assert_finalize_object (fixture->server);
  mw_test_remove_tree (fixture->folder_path);
  g_free (fixture->folder_path);
  g_object_unref (fixture->folder);
}

static gboolean
is_paused (gpointer data)
{
  return mw_download_get_state (data) == MW_DOWNLOAD_PAUSED;
}

/* Finished, or stopped in a state the user can resume from. */
static gboolean
is_settled (gpointer data)
{
  MwDownload *download = data;

  return !mw_download_is_active (download) &&
         (mw_download_is_finished (download) ||
          mw_download_get_state (download) == MW_DOWNLOAD_PAUSED);
}

static MwDownload *
add_download (Fixture    *fixture,
              const char *path)
{
  g_autofree char *url = mw_demo_server_dup_url (fixture->server, path);
  g_autoptr(GError) error = NULL;
  MwDownload *download = mw_download_list_add (fixture->list, url, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (download);
  return download;
}

static GBytes *
read_file (Fixture    *fixture,
           const char *name)
{
  g_autofree char *path = g_build_filename (fixture->folder_path, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static gboolean
file_exists (Fixture    *fixture,
             const char *name)
{
  g_autofree char *path = g_build_filename (fixture->folder_path, name, NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The file on disk holds exactly what the server generates for @path. */
static void
assert_completed_as (Fixture    *fixture,
                     MwDownload *download,
                     const char *path,
                     const char *name)
{
  g_autoptr(GBytes) expected = mw_demo_server_dup_file_contents (fixture->server, path);
  g_autoptr(GBytes) on_disk = NULL;
  g_autofree char *part = g_strconcat (name, ".part", NULL);

  g_assert_nonnull (expected);
  g_assert_cmpstr (mw_download_get_error_message (download), ==, NULL);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_COMPLETED);
  g_assert_cmpstr (mw_download_get_filename (download), ==, name);
  g_assert_cmpint (mw_download_get_total_bytes (download), ==, (gint64) g_bytes_get_size (expected));

  on_disk = read_file (fixture, name);
  g_assert_cmpmem (g_bytes_get_data (on_disk, NULL), g_bytes_get_size (on_disk),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  g_assert_false (file_exists (fixture, part));
}

static SoupMessage *
send_request (Fixture     *fixture,
              const char  *method,
              const char  *path,
              const char  *range,
              const char  *if_range,
              GBytes     **body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = mw_demo_server_dup_url (fixture->server, path);
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GError) error = NULL;
  GBytes *received;

  if (range != NULL)
    soup_message_headers_replace (headers, "Range", range);
  if (if_range != NULL)
    soup_message_headers_replace (headers, "If-Range", if_range);

  /* Blocking on the main thread is fine: the server answers from its own. */
  received = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (body != NULL)
    *body = received;
  else
    g_bytes_unref (received);
  return msg;
}

static const char *
response_header (SoupMessage *msg,
                 const char  *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (msg), name);
}

static void
assert_body_is_slice (GBytes *body,
                      GBytes *whole,
                      gsize   start,
                      gsize   length)
{
  g_assert_cmpuint (start + length, <=, g_bytes_get_size (whole));
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                   (const guint8 *) g_bytes_get_data (whole, NULL) + start, length);
}

/* --- Tests ------------------------------------------------------------------------ */

static void
test_urls (Fixture       *fixture,
           gconstpointer  user_data)
{
  const char *base = mw_demo_server_get_base_url (fixture->server);
  g_auto(GStrv) urls = mw_demo_server_dup_download_urls (fixture->server);
  g_autofree char *url = mw_demo_server_dup_url (fixture->server, "/feeds/a b.xml");

  g_assert_true (mw_demo_server_is_running (fixture->server));
  g_assert_true (g_str_has_prefix (base, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (base, "/"));
  g_assert_cmpuint (g_strv_length (urls), >=, 3);
  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autoptr(GBytes) contents = mw_demo_server_dup_file_contents (fixture->server, urls[i]);

      g_assert_true (g_str_has_prefix (urls[i], base));
      /* A few MiB each: long enough to watch, short enough to wait for. */
      g_assert_cmpuint (g_bytes_get_size (contents), >=, 1024 * 1024);
      g_assert_cmpuint (g_bytes_get_size (contents), <=, 16 * 1024 * 1024);
    }
  g_assert_true (g_str_has_prefix (url, base));
  g_assert_true (g_str_has_suffix (url, "/feeds/a%20b.xml"));
  g_assert_null (mw_demo_server_dup_file_contents (fixture->server, "/nothing/here"));

  mw_demo_server_stop (fixture->server);
  g_assert_false (mw_demo_server_is_running (fixture->server));
  g_assert_null (mw_demo_server_get_base_url (fixture->server));
  g_assert_null (mw_demo_server_dup_download_urls (fixture->server));
  /* Twice is harmless. */
  mw_demo_server_stop (fixture->server);
}

static void
test_contents_look_random (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_auto(GStrv) urls = mw_demo_server_dup_download_urls (fixture->server);
  g_autoptr(GPtrArray) checksums = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autoptr(GBytes) first = mw_demo_server_dup_file_contents (fixture->server, urls[i]);
      g_autoptr(GBytes) second = mw_demo_server_dup_file_contents (fixture->server, urls[i]);
      const guint8 *data = g_bytes_get_data (first, NULL);
      gsize size = g_bytes_get_size (first);
      guint counts[256] = { 0, };
      char *checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, first);

      /* Deterministic... */
      g_assert_true (g_bytes_equal (first, second));
      /* ...and all distinct, every byte value about equally common, so a misplaced range
       * or a file mixed up with another cannot go unnoticed. */
      for (guint j = 0; j < checksums->len; j++)
        g_assert_cmpstr (g_ptr_array_index (checksums, j), !=, checksum);
      g_ptr_array_add (checksums, checksum);
      for (gsize j = 0; j < size; j++)
        counts[data[j]]++;
      for (guint j = 0; j < 256; j++)
        {
          g_assert_cmpuint (counts[j], >, size / 256 * 9 / 10);
          g_assert_cmpuint (counts[j], <, size / 256 * 11 / 10);
        }
    }
}

static void
test_download_all (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_auto(GStrv) urls = mw_demo_server_dup_download_urls (fixture->server);
  g_autoptr(GPtrArray) downloads = g_ptr_array_new ();

  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      MwDownload *download = mw_download_list_add (fixture->list, urls[i], NULL, &error);

      g_assert_no_error (error);
      g_ptr_array_add (downloads, download);
    }

  for (guint i = 0; urls[i] != NULL; i++)
    {
      MwDownload *download = g_ptr_array_index (downloads, i);
      g_autofree char *basename = g_path_get_basename (urls[i]);
      const char *name = g_str_has_suffix (urls[i], CITY_MAP) ? CITY_MAP_NAME : basename;

      mw_test_wait_until_finished (download);
      /* The one with Content-Disposition is named by it, not by its address. */
      assert_completed_as (fixture, download, urls[i], name);
      g_assert_cmpuint (mw_demo_server_get_n_requests (fixture->server, urls[i]), ==, 1);
      g_assert_cmpuint (mw_demo_server_get_n_partial (fixture->server, urls[i]), ==, 0);
    }
  g_assert_true (file_exists (fixture, CITY_MAP_NAME));
  g_assert_false (file_exists (fixture, "city-map.pdf"));
  g_assert_cmpuint (mw_demo_server_get_n_requests (fixture->server, NULL), ==, downloads->len);
}

static void
test_headers (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GBytes) whole = mw_demo_server_dup_file_contents (fixture->server, CITY_MAP);
  gsize size = g_bytes_get_size (whole);
  g_autofree char *length = g_strdup_printf ("%zu", size);
  g_autoptr(SoupMessage) get = NULL;
  g_autoptr(SoupMessage) again = NULL;
  g_autoptr(SoupMessage) head = NULL;
  g_autoptr(SoupMessage) other = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) head_body = NULL;
  g_autoptr(GDateTime) modified = NULL;
  const char *etag;

  get = send_request (fixture, "GET", CITY_MAP, NULL, NULL, &body);
  g_assert_cmpuint (soup_message_get_status (get), ==, 200);
  g_assert_cmpstr (response_header (get, "Content-Length"), ==, length);
  g_assert_cmpstr (response_header (get, "Accept-Ranges"), ==, "bytes");
  g_assert_cmpstr (response_header (get, "Content-Type"), ==, "application/pdf");
  g_assert_cmpstr (response_header (get, "Content-Disposition"), ==,
                   "attachment; filename=\"" CITY_MAP_NAME "\"");
  assert_body_is_slice (body, whole, 0, size);

  /* A strong ETag (usable with If-Range), the same on every response. */
  etag = response_header (get, "ETag");
  g_assert_nonnull (etag);
  g_assert_true (etag[0] == '"' && g_str_has_suffix (etag, "\""));
  modified = soup_date_time_new_from_http_string (response_header (get, "Last-Modified"));
  g_assert_nonnull (modified);
  head = send_request (fixture, "HEAD", CITY_MAP, NULL, NULL, &head_body);
  g_assert_cmpuint (soup_message_get_status (head), ==, 200);
  g_assert_cmpuint (g_bytes_get_size (head_body), ==, 0);
  g_assert_cmpstr (response_header (head, "Content-Length"), ==, length);
  g_assert_cmpstr (response_header (head, "ETag"), ==, etag);
  g_assert_cmpstr (response_header (head, "Last-Modified"), ==, response_header (get, "Last-Modified"));

  /* Only one sample demonstrates Content-Disposition; every sample has its own ETag. */
  other = send_request (fixture, "HEAD", RECORDING, NULL, NULL, NULL);
  g_assert_null (response_header (other, "Content-Disposition"));
  g_assert_cmpstr (response_header (other, "Content-Type"), ==, "audio/flac");
  g_assert_cmpstr (response_header (other, "ETag"), !=, etag);

  /* A restarted server still validates the same: If-Range keeps working across runs. */
  {
    g_autofree char *saved_etag = g_strdup (etag);
    g_autoptr(GError) error = NULL;

    mw_demo_server_stop (fixture->server);
    g_assert_true (mw_demo_server_start (fixture->server, &error));
    g_assert_no_error (error);
    again = send_request (fixture, "HEAD", CITY_MAP, NULL, NULL, NULL);
    g_assert_cmpstr (response_header (again, "ETag"), ==, saved_etag);
  }
}

static void
test_ranges (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GBytes) whole = mw_demo_server_dup_file_contents (fixture->server, RECORDING);
  gsize size = g_bytes_get_size (whole);
  g_autoptr(SoupMessage) head = send_request (fixture, "HEAD", RECORDING, NULL, NULL, NULL);
  g_autofree char *etag = g_strdup (response_header (head, "ETag"));
  g_autofree char *last_modified = g_strdup (response_header (head, "Last-Modified"));
  g_autofree char *expected_range = NULL;
  g_autofree char *expected_unsatisfiable = g_strdup_printf ("bytes */%zu", size);
  g_autofree char *at_end = g_strdup_printf ("bytes=%zu-", size);
  g_autofree char *last_byte = g_strdup_printf ("bytes=%zu-", size - 1);
  struct
  {
    const char *range;
    const char *if_range;
    guint       status;
    gsize       start;
    gsize       length;
  } cases[] = {
    /* Offsets that fall inside generated words and chunks: the bytes must not depend
     * on where the server cut its chunks. */
    { "bytes=12345-", NULL, 206, 12345, size - 12345 },
    { "bytes=12345-", etag, 206, 12345, size - 12345 },
    { "bytes=12345-", last_modified, 206, 12345, size - 12345 },
    { last_byte, etag, 206, size - 1, 1 },
    { "bytes=7-300000", NULL, 206, 7, 300000 - 7 + 1 },
    { "bytes=-1000", NULL, 206, size - 1000, 1000 },
    /* The client's copy is of another version: the whole file, not a range of it. */
    { "bytes=12345-", "\"something-else\"", 200, 0, size },
    { "bytes=12345-", "W/\"weak\"", 200, 0, size },
    { "bytes=12345-", "Tue, 03 Nov 2026 10:00:00 GMT", 200, 0, size },
    /* What it does not understand, it ignores. */
    { "bytes=1-2,5-6", NULL, 200, 0, size },
    { "lines=1-", NULL, 200, 0, size },
    { "bytes=abc-", NULL, 200, 0, size },
  };

  g_assert_nonnull (etag);
  g_assert_nonnull (last_modified);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = NULL;
      g_autoptr(SoupMessage) msg = send_request (fixture, "GET", RECORDING, cases[i].range,
                                                 cases[i].if_range, &body);

      g_test_message ("Range: %s, If-Range: %s", cases[i].range, cases[i].if_range);
      g_assert_cmpuint (soup_message_get_status (msg), ==, cases[i].status);
      assert_body_is_slice (body, whole, cases[i].start, cases[i].length);
      if (cases[i].status == 206)
        {
          g_free (expected_range);
          expected_range = g_strdup_printf ("bytes %zu-%zu/%zu", cases[i].start,
                                            cases[i].start + cases[i].length - 1, size);
          g_assert_cmpstr (response_header (msg, "Content-Range"), ==, expected_range);
        }
      else
        g_assert_null (response_header (msg, "Content-Range"));
      g_assert_cmpstr (response_header (msg, "ETag"), ==, etag);
    }

  /* Past the end: the size, so that a client with the whole file knows it has it. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) body = NULL;
      g_autofree char *beyond = g_strdup_printf ("bytes=%zu-", size + 1000);
      g_autoptr(SoupMessage) msg = send_request (fixture, "GET", RECORDING, i ? beyond : at_end,
                                                 NULL, &body);

      g_assert_cmpuint (soup_message_get_status (msg), ==, 416);
      g_assert_cmpstr (response_header (msg, "Content-Range"), ==, expected_unsatisfiable);
      g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
    }

  g_assert_cmpuint (mw_demo_server_get_n_partial (fixture->server, RECORDING), ==, 6);
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(SoupMessage) missing = send_request (fixture, "GET", "files/missing.zip", NULL, NULL, NULL);
  g_autoptr(SoupMessage) root = send_request (fixture, "GET", "", NULL, NULL, NULL);
  g_autoptr(SoupMessage) post = send_request (fixture, "POST", CITY_MAP, NULL, NULL, NULL);
  MwDownload *download;

  g_assert_cmpuint (soup_message_get_status (missing), ==, 404);
  g_assert_cmpuint (soup_message_get_status (root), ==, 404);
  g_assert_cmpuint (soup_message_get_status (post), ==, 405);
  g_assert_cmpuint (mw_demo_server_get_n_requests (fixture->server, NULL), ==, 3);
  g_assert_cmpuint (mw_demo_server_get_n_requests (fixture->server, "files/missing.zip"), ==, 0);

  /* And what a user sees of it. */
  download = add_download (fixture, "files/missing.zip");
  mw_test_wait_until_finished (download);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_FAILED);
  g_assert_nonnull (strstr (mw_download_get_error_message (download), "404"));
}

static void
test_pause_and_resume (Fixture       *fixture,
                       gconstpointer  user_data)
{
  MwDownload *download;
  guint64 paused_at;

  /* Slow enough to pause half way. */
  mw_demo_server_set_bytes_per_second (fixture->server, 2 * 1024 * 1024);
  download = add_download (fixture, RECORDING);
  mw_test_wait_for_bytes (download, 500 * 1000);
  g_assert_true (mw_download_can_pause (download));
  mw_download_pause (download);
  mw_test_wait_until (is_paused, download, MW_TEST_PATIENCE_MS, "the download to pause");
  paused_at = mw_download_get_received_bytes (download);
  g_assert_cmpuint (paused_at, <, 4 * 1024 * 1024);
  g_assert_true (file_exists (fixture, "field-recording.flac.part"));

  mw_demo_server_set_bytes_per_second (fixture->server, TEST_RATE);
  mw_download_resume (download);
  mw_test_wait_until_finished (download);

  assert_completed_as (fixture, download, RECORDING, "field-recording.flac");
  /* The second request asked for the rest only, and got it. */
  g_assert_cmpuint (mw_demo_server_get_n_requests (fixture->server, RECORDING), ==, 2);
  g_assert_cmpuint (mw_demo_server_get_n_partial (fixture->server, RECORDING), ==, 1);
}

static void
test_freezing_mode (Fixture       *fixture,
                    gconstpointer  user_data)
{
  MwDownload *download;

  /* The main thread blocks on the transfer; the server must go on from its own. */
  mw_demo_server_set_bytes_per_second (fixture->server, 16 * 1024 * 1024);
  mw_download_list_set_blocking_mode (fixture->list, TRUE);
  download = add_download (fixture, PHOTOS);
  mw_test_wait_until_finished (download);
  assert_completed_as (fixture, download, PHOTOS, "sunrise-photos.zip");
  g_assert_cmpuint (mw_demo_server_get_n_requests (fixture->server, PHOTOS), ==, 1);
}

static void
test_freezing_resume (Fixture       *fixture,
                      gconstpointer  user_data)
{
  MwDownload *download;

  /* Started responsive and paused, finished frozen: the same bytes either way. */
  mw_demo_server_set_bytes_per_second (fixture->server, 2 * 1024 * 1024);
  download = add_download (fixture, CITY_MAP);
  mw_test_wait_for_bytes (download, 300 * 1000);
  mw_download_pause (download);
  mw_test_wait_until (is_paused, download, MW_TEST_PATIENCE_MS, "the download to pause");

  mw_download_list_set_blocking_mode (fixture->list, TRUE);
  mw_demo_server_set_bytes_per_second (fixture->server, 8 * 1024 * 1024);
  mw_download_resume (download);
  mw_test_wait_until_finished (download);

  assert_completed_as (fixture, download, CITY_MAP, CITY_MAP_NAME);
  g_assert_cmpuint (mw_demo_server_get_n_requests (fixture->server, CITY_MAP), ==, 2);
  g_assert_cmpuint (mw_demo_server_get_n_partial (fixture->server, CITY_MAP), ==, 1);
}

typedef struct
{
  MwDemoServer *server;
  guint         n;
} AddTextData;

static gpointer
add_text_thread (gpointer user_data)
{
  AddTextData *data = user_data;

  for (guint i = 0; i < data->n; i++)
    {
      g_autofree char *path = g_strdup_printf ("feeds/thread-%u.txt", i);
      g_autofree char *text = g_strdup_printf ("text number %u", i);

      mw_demo_server_add_text (data->server, path, NULL, text);
    }
  return NULL;
}

static void
test_text (Fixture       *fixture,
           gconstpointer  user_data)
{
  const char *rss = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Demo</title>"
                    "</channel></rss>\n";
  const char *atom = "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"/>\n";
  g_autoptr(SoupMessage) first = NULL;
  g_autoptr(SoupMessage) replaced = NULL;
  g_autoptr(SoupMessage) plain = NULL;
  g_autoptr(SoupMessage) range = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) replaced_body = NULL;
  g_autoptr(GBytes) plain_body = NULL;
  g_autoptr(GBytes) range_body = NULL;
  g_autoptr(GBytes) expected = NULL;
  AddTextData data = { fixture->server, 50 };
  GThread *thread;
  MwDownload *download;

  mw_demo_server_add_text (fixture->server, "/feeds/news.xml", "application/rss+xml; charset=utf-8", rss);
  first = send_request (fixture, "GET", "feeds/news.xml", NULL, NULL, &body);
  g_assert_cmpuint (soup_message_get_status (first), ==, 200);
  g_assert_cmpstr (response_header (first, "Content-Type"), ==, "application/rss+xml; charset=utf-8");
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), rss, strlen (rss));
  g_assert_nonnull (response_header (first, "ETag"));
  g_assert_nonnull (response_header (first, "Last-Modified"));
  g_assert_null (response_header (first, "Content-Disposition"));

  /* Ranges work on texts too. */
  range = send_request (fixture, "GET", "feeds/news.xml", "bytes=5-", response_header (first, "ETag"),
                        &range_body);
  g_assert_cmpuint (soup_message_get_status (range), ==, 206);
  g_assert_cmpmem (g_bytes_get_data (range_body, NULL), g_bytes_get_size (range_body),
                   rss + 5, strlen (rss) - 5);

  /* Adding at the same path replaces, with a new validator. */
  mw_demo_server_add_text (fixture->server, "feeds/news.xml", "application/atom+xml", atom);
  replaced = send_request (fixture, "GET", "/feeds/news.xml", NULL, NULL, &replaced_body);
  g_assert_cmpstr (response_header (replaced, "Content-Type"), ==, "application/atom+xml");
  g_assert_cmpmem (g_bytes_get_data (replaced_body, NULL), g_bytes_get_size (replaced_body),
                   atom, strlen (atom));
  g_assert_cmpstr (response_header (replaced, "ETag"), !=, response_header (first, "ETag"));

  /* From another thread, while serving. */
  thread = g_thread_new ("add-text", add_text_thread, &data);
  g_thread_join (thread);
  plain = send_request (fixture, "GET", "feeds/thread-49.txt", NULL, NULL, &plain_body);
  g_assert_cmpuint (soup_message_get_status (plain), ==, 200);
  g_assert_cmpstr (response_header (plain, "Content-Type"), ==, "text/plain; charset=utf-8");
  g_assert_cmpmem (g_bytes_get_data (plain_body, NULL), g_bytes_get_size (plain_body),
                   "text number 49", strlen ("text number 49"));

  /* And downloaded like any file. */
  download = add_download (fixture, "feeds/news.xml");
  mw_test_wait_until_finished (download);
  assert_completed_as (fixture, download, "feeds/news.xml", "news.xml");
  expected = read_file (fixture, "news.xml");
  g_assert_cmpmem (g_bytes_get_data (expected, NULL), g_bytes_get_size (expected), atom, strlen (atom));
}

static void
test_text_before_start (void)
{
  g_autoptr(MwDemoServer) server = mw_demo_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_assert_null (mw_demo_server_get_base_url (server));
  g_assert_null (mw_demo_server_dup_url (server, "early.txt"));
  mw_demo_server_add_text (server, "early.txt", NULL, "");
  g_assert_true (mw_demo_server_start (server, &error));
  g_assert_no_error (error);
  /* Starting again is harmless. */
  g_assert_true (mw_demo_server_start (server, &error));
  g_assert_no_error (error);

  url = mw_demo_server_dup_url (server, "early.txt");
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
  g_clear_object (&session);
  g_assert_finalize_object (g_steal_pointer (&server));
}

static void
test_default_rate (void)
{
  g_autoptr(MwDemoServer) server = mw_demo_server_new ();
  guint64 rate = mw_demo_server_get_bytes_per_second (server);

  /* A 6 MiB sample takes a few seconds: time to see progress and flip the switch. */
  g_assert_cmpuint (rate, >=, 1024 * 1024);
  g_assert_cmpuint (rate, <=, 2 * 1024 * 1024);
}

static void
test_throttled (Fixture       *fixture,
                gconstpointer  user_data)
{
  MwDownload *download;
  gint64 started, took;

  /* 3 MiB at 4 MiB/s: three quarters of a second, give or take the first chunk. */
  mw_demo_server_set_bytes_per_second (fixture->server, 4 * 1024 * 1024);
  started = g_get_monotonic_time ();
  download = add_download (fixture, CITY_MAP);
  mw_test_wait_until_finished (download);
  took = g_get_monotonic_time () - started;

  assert_completed_as (fixture, download, CITY_MAP, CITY_MAP_NAME);
  g_test_message ("3 MiB at 4 MiB/s took %" G_GINT64_FORMAT " ms", took / 1000);
  g_assert_cmpint (took, >=, 600 * 1000);
}

static void
test_unlimited (Fixture       *fixture,
                gconstpointer  user_data)
{
  MwDownload *download;

  /* 0 lifts the limit: the same bytes, in the biggest chunks. */
  mw_demo_server_set_bytes_per_second (fixture->server, 0);
  g_assert_cmpuint (mw_demo_server_get_bytes_per_second (fixture->server), ==, 0);
  download = add_download (fixture, VIDEO);
  mw_test_wait_until_finished (download);
  assert_completed_as (fixture, download, VIDEO, "lecture-video.mp4");
}

static void
test_concurrent (Fixture       *fixture,
                 gconstpointer  user_data)
{
  MwDownload *a, *b;

  /* Two slow transfers both move at once: one paced response never holds up another. */
  mw_demo_server_set_bytes_per_second (fixture->server, 1024 * 1024);
  a = add_download (fixture, VIDEO);
  b = add_download (fixture, PHOTOS);
  mw_test_wait_for_bytes (a, 300 * 1000);
  mw_test_wait_for_bytes (b, 300 * 1000);
  g_assert_false (mw_download_is_finished (a));
  g_assert_false (mw_download_is_finished (b));

  mw_demo_server_set_bytes_per_second (fixture->server, TEST_RATE);
  mw_test_wait_until_finished (a);
  mw_test_wait_until_finished (b);
  assert_completed_as (fixture, a, VIDEO, "lecture-video.mp4");
  assert_completed_as (fixture, b, PHOTOS, "sunrise-photos.zip");
}

static void
test_stop_mid_transfer (Fixture       *fixture,
                        gconstpointer  user_data)
{
  gboolean dispose = GPOINTER_TO_INT (user_data);
  MwDownload *download;
  MwDownloadState state;

  mw_demo_server_set_bytes_per_second (fixture->server, 1024 * 1024);
  download = add_download (fixture, VIDEO);
  mw_test_wait_for_bytes (download, 200 * 1000);

  /* Returns at once, with a client waiting for the rest. */
  if (dispose)
    g_assert_finalize_object (g_steal_pointer (&fixture->server));
  else
    {
      mw_demo_server_stop (fixture->server);
      g_assert_false (mw_demo_server_is_running (fixture->server));
    }

  mw_test_wait_until (is_settled, download, MW_TEST_PATIENCE_MS,
                      "the download to stop, finished or paused");
  state = mw_download_get_state (download);
  g_assert_true (state == MW_DOWNLOAD_FAILED || state == MW_DOWNLOAD_PAUSED);
  g_assert_false (file_exists (fixture, "lecture-video.mp4"));

  if (!dispose)
    {
      g_autoptr(GError) error = NULL;
      MwDownload *again;

      /* Stopped is not broken: it starts again, on a new port. */
      mw_demo_server_set_bytes_per_second (fixture->server, TEST_RATE);
      g_assert_true (mw_demo_server_start (fixture->server, &error));
      g_assert_no_error (error);
      again = add_download (fixture, CITY_MAP);
      mw_test_wait_until_finished (again);
      assert_completed_as (fixture, again, CITY_MAP, CITY_MAP_NAME);
    }
}

static void
test_client_goes_away (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = mw_demo_server_dup_url (fixture->server, VIDEO);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) after = NULL;
  char buffer[4096];

  /* Read a little of a slow body, then hang up while the server waits to send more. */
  mw_demo_server_set_bytes_per_second (fixture->server, 256 * 1024);
  stream = soup_session_send (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error), >, 0);
  g_assert_no_error (error);
  g_input_stream_close (stream, NULL, NULL);
  g_clear_object (&stream);
  g_clear_object (&session);

  /* The server notices when it next writes, cleans up, and goes on serving. */
  g_usleep (300 * 1000);
  mw_demo_server_set_bytes_per_second (fixture->server, TEST_RATE);
  after = send_request (fixture, "HEAD", VIDEO, NULL, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (after), ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/demo-server/urls", test_urls, NULL);
  ADD ("/demo-server/contents", test_contents_look_random, NULL);
  ADD ("/demo-server/download-all", test_download_all, NULL);
  ADD ("/demo-server/headers", test_headers, NULL);
  ADD ("/demo-server/ranges", test_ranges, NULL);
  ADD ("/demo-server/not-found", test_not_found, NULL);
  ADD ("/demo-server/pause-resume", test_pause_and_resume, NULL);
  ADD ("/demo-server/freezing", test_freezing_mode, NULL);
  ADD ("/demo-server/freezing-resume", test_freezing_resume, NULL);
  ADD ("/demo-server/text", test_text, NULL);
  g_test_add_func ("/demo-server/text-before-start", test_text_before_start);
  g_test_add_func ("/demo-server/default-rate", test_default_rate);
  ADD ("/demo-server/throttled", test_throttled, NULL);
  ADD ("/demo-server/unlimited", test_unlimited, NULL);
  ADD ("/demo-server/concurrent", test_concurrent, NULL);
  ADD ("/demo-server/stop-mid-transfer", test_stop_mid_transfer, GINT_TO_POINTER (FALSE));
  ADD ("/demo-server/dispose-mid-transfer", test_stop_mid_transfer, GINT_TO_POINTER (TRUE));
  ADD ("/demo-server/client-goes-away", test_client_goes_away, NULL);

  return g_test_run ();
}
