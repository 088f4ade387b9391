/* test-hostile.c: downloads from servers that misbehave on purpose
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every case runs through one checker that enforces the rule a person relies on: a
 * download ends either completed, with a file byte-identical to the resource, or failed,
 * with a sentence saying why and nothing under the final name (a NAME.part holding the
 * first bytes of the resource may stay, for a later resume). Nothing appears outside the
 * download folder, nothing hangs, and memory stays flat. Each case runs in both modes:
 * responsive, and freezing (blocking calls on the main thread).
 */
#define G_LOG_DOMAIN "test-hostile"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "test-hostile.h"

#define RESOURCE_SIZE     (200 * 1000 + 7)

/* --- A TLS server with a certificate nobody vouches for --------------------------- */

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint         port;
  guint         requests;     /* atomic */
  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
} TlsServer;

static void
tls_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  TlsServer *tls = user_data;

  g_atomic_int_inc (&tls->requests);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_STATIC, "secret", 6);
}

static gpointer
tls_thread (gpointer user_data)
{
  TlsServer *tls = user_data;
  const char *cert_path = g_getenv ("MW_TEST_TLS_CERT");
  const char *key_path = g_getenv ("MW_TEST_TLS_KEY");
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (tls->context);

  if (cert_path == NULL || key_path == NULL)
    g_error ("MW_TEST_TLS_CERT and MW_TEST_TLS_KEY must name the test certificate and key");
  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);

  tls->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (tls->server, NULL, tls_handler, tls, NULL);
  soup_server_listen_local (tls->server, 0, SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (tls->server);
  tls->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&tls->mutex);
  tls->ready = TRUE;
  g_cond_signal (&tls->cond);
  g_mutex_unlock (&tls->mutex);

  g_main_loop_run (tls->loop);
  soup_server_disconnect (tls->server);
  g_clear_object (&tls->server);
  g_main_context_pop_thread_default (tls->context);
  return NULL;
}

static TlsServer *
tls_server_new (void)
{
  TlsServer *tls = g_new0 (TlsServer, 1);

  g_mutex_init (&tls->mutex);
  g_cond_init (&tls->cond);
  tls->context = g_main_context_new ();
  tls->loop = g_main_loop_new (tls->context, FALSE);
  tls->thread = g_thread_new ("tls-server", tls_thread, tls);
  g_mutex_lock (&tls->mutex);
  while (!tls->ready)
    g_cond_wait (&tls->cond, &tls->mutex);
  g_mutex_unlock (&tls->mutex);
  return tls;
}

static gboolean
quit_loop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
tls_server_free (TlsServer *tls)
{
  g_main_context_invoke (tls->context, quit_loop_cb, tls->loop);
  g_thread_join (tls->thread);
  g_main_loop_unref (tls->loop);
  g_main_context_unref (tls->context);
  g_mutex_clear (&tls->mutex);
  g_cond_clear (&tls->cond);
  g_free (tls);
}

/* --- The cases -------------------------------------------------------------------- */

typedef struct _Case Case;

/* What a case sets up and what the checker then holds it to. */
typedef struct
{
  Sandbox         sandbox;
  MwTestResource *resource;
  GBytes         *expected;        /* the bytes a correct download yields */
  char           *url;
  guint           limit_seconds;
  gsize           memory_budget;   /* 0: not measured */
  TlsServer      *tls;
} Run;

struct _Case
{
  const char *name;
  void      (*prepare) (Run *run, const Case *c);
  gsize       param;
  Outcome     expected;
  const char *says;                /* in the failure message */
  void      (*verify)  (Run *run, const Case *c, MwDownload *download);
};

static MwTestResource *
add_resource (Run        *run,
              const char *path,
              gsize       size,
              guint32     seed)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (size, seed);

  run->url = mw_test_server_url (run->sandbox.server, path);
  run->expected = g_bytes_ref (body);
  run->resource = mw_test_server_add (run->sandbox.server, path, body);
  run->resource->etag = g_strdup ("\"v1\"");
  return run->resource;
}

static const char *
request_range (Run   *run,
               guint  index)
{
  g_assert_cmpuint (run->resource->ranges->len, >, index);
  return g_ptr_array_index (run->resource->ranges, index);
}

/* Connection cuts: the body (or the head) ends at PARAM bytes with a reset. */

static void
prepare_reset_in_body (Run        *run,
                       const Case *c)
{
  MwTestResource *resource = add_resource (run, "/reset.bin", RESOURCE_SIZE, 101);

  resource->cut_after = c->param == G_MAXSIZE ? RESOURCE_SIZE - 1 : c->param;
  resource->cut_times = 1;
  resource->cut_reset = TRUE;
}

static void
verify_resumed (Run        *run,
                const Case *c,
                MwDownload *download)
{
  const char *range;
  guint64 from;

  g_assert_cmpuint (run->resource->requests, ==, 2);
  g_assert_cmpstr (request_range (run, 0), ==, "");
  range = request_range (run, 1);
  /* A reset may drop bytes that were sent but not yet read: the resume starts at or
   * before the cut, never after it. */
  if (*range == '\0')
    return;
  g_assert_true (g_str_has_prefix (range, "bytes="));
  from = g_ascii_strtoull (range + 6, NULL, 10);
  g_assert_cmpuint (from, >, 0);
  g_assert_cmpuint (from, <=, run->resource->cut_after);
  g_assert_cmpstr (g_ptr_array_index (run->resource->if_ranges, 1), ==, "\"v1\"");
}

static void
prepare_reset_in_head (Run        *run,
                       const Case *c)
{
  MwTestResource *resource = add_resource (run, "/reset-head.bin", RESOURCE_SIZE, 102);

  resource->head_cut_after = c->param;
  resource->head_cut_times = 1;
  resource->cut_reset = TRUE;
}

static void
prepare_close_in_head (Run        *run,
                       const Case *c)
{
  prepare_reset_in_head (run, c);
  run->resource->cut_reset = FALSE;
}

static void
verify_two_requests (Run        *run,
                     const Case *c,
                     MwDownload *download)
{
  g_assert_cmpuint (run->resource->requests, ==, 2);
}

/* A body that stops and never finishes: the time-out ends the attempt, the next resumes. */
static void
prepare_stall (Run        *run,
               const Case *c)
{
  MwTestResource *resource = add_resource (run, "/stall.bin", RESOURCE_SIZE, 103);

  resource->cut_after = 100000;
  resource->cut_times = 1;
  resource->cut_stalls = TRUE;
  mw_download_list_set_network_timeout (run->sandbox.list, HOSTILE_SHORT_TIMEOUT_S);
}

static void
verify_stall (Run        *run,
              const Case *c,
              MwDownload *download)
{
  g_assert_cmpuint (run->resource->requests, >=, 2);
  g_assert_cmpstr (request_range (run, run->resource->requests - 1), ==, "bytes=100000-");
}

/* One byte a second: slow is not broken, and a small resource keeps the test short. */
static void
prepare_drip (Run        *run,
              const Case *c)
{
  MwTestResource *resource = add_resource (run, "/drip.bin", 3, 104);

  resource->throttle_chunk = 1;
  resource->throttle_delay_ms = 1000;
  mw_download_list_set_network_timeout (run->sandbox.list, 3);
}

static void
verify_one_request (Run        *run,
                    const Case *c,
                    MwDownload *download)
{
  g_assert_cmpuint (run->resource->requests, ==, 1);
}

/* Slower than the time-out: every attempt gets one byte further. */
static void
prepare_drip_slower_than_timeout (Run        *run,
                                  const Case *c)
{
  MwTestResource *resource = add_resource (run, "/trickle.bin", 4, 105);

  resource->throttle_chunk = 1;
  resource->throttle_delay_ms = 2500;
  mw_download_list_set_network_timeout (run->sandbox.list, HOSTILE_SHORT_TIMEOUT_S);
}

static void
verify_trickle (Run        *run,
                const Case *c,
                MwDownload *download)
{
  guint n = run->resource->requests;

  /* One byte an attempt, each attempt resuming after the last. */
  g_assert_cmpuint (n, >=, 4);
  g_assert_cmpstr (request_range (run, 0), ==, "");
  g_assert_cmpstr (request_range (run, n - 1), ==, "bytes=3-");
}

/* Content-Length shorter than the body: the message ends where the length says. */
static void
prepare_length_short (Run        *run,
                      const Case *c)
{
  GBytes *whole;

  add_resource (run, "/short.bin", 10000, 106);
  run->resource->length_delta = -1000;
  whole = run->expected;
  run->expected = g_bytes_new_from_bytes (whole, 0, 9000);
  g_bytes_unref (whole);
}

/* Content-Length longer than the body: incomplete, then a range past the end proves it. */
static void
prepare_length_long (Run        *run,
                     const Case *c)
{
  add_resource (run, "/long.bin", 10000, 107);
  run->resource->length_delta = 1000;
  run->resource->ignore_range = c->param;
}

static void
prepare_http10 (Run        *run,
                const Case *c)
{
  add_resource (run, "/old.bin", RESOURCE_SIZE, 108);
  run->resource->http10 = TRUE;
  run->resource->close_delimited = TRUE;
  if (c->param > 0)
    {
      run->resource->cut_after = c->param;
      run->resource->cut_times = 1;
      run->resource->cut_reset = TRUE;
    }
}

static void
prepare_chunked (Run        *run,
                 const Case *c)
{
  add_resource (run, "/chunked.bin", RESOURCE_SIZE, 109);
  run->resource->chunked = TRUE;
  run->resource->throttle_chunk = 7000;
  run->resource->trailers = g_strdup ("X-Checksum: 12345\r\nExpires: 0\r\n");
  if (c->param > 0)
    {
      run->resource->cut_after = c->param;
      run->resource->cut_times = 1;
      run->resource->cut_reset = TRUE;
    }
}

static void
prepare_range_ignored (Run        *run,
                       const Case *c)
{
  add_resource (run, "/norange.bin", RESOURCE_SIZE, 110);
  run->resource->ignore_range = TRUE;
  run->resource->cut_after = 100000;
  run->resource->cut_times = 1;
}

static void
prepare_wrong_content_range (Run        *run,
                             const Case *c)
{
  add_resource (run, "/wrong.bin", RESOURCE_SIZE, 111);
  run->resource->wrong_range = TRUE;
  run->resource->cut_after = 100000;
  run->resource->cut_times = 1;
}

/* The file changes between the first attempt and the resume: never a mix of both. */
static void
prepare_etag_changes (Run        *run,
                      const Case *c)
{
  add_resource (run, "/changes.bin", RESOURCE_SIZE, 112);
  run->resource->cut_after = 60000;
  run->resource->cut_times = 1;
  run->resource->next_body = mw_test_make_bytes (RESOURCE_SIZE + 5000, 113);
  run->resource->next_etag = g_strdup ("\"v2\"");
  run->resource->change_at = 2;
  run->resource->ignore_if_range = c->param;
  g_bytes_unref (run->expected);
  run->expected = g_bytes_ref (run->resource->next_body);
}

static gsize
read_peak_rss (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen (field), NULL, 10) * 1024;
}

static GBytes *
make_gzip_bomb (gsize inflated)
{
  static GBytes *bomb;

  if (bomb == NULL)
    {
      g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autofree guint8 *zeros = g_malloc0 (1024 * 1024);
      guint8 buffer[64 * 1024];
      gsize fed = 0;

      while (TRUE)
        {
          gsize chunk = MIN (inflated - fed, 1024 * 1024);
          gsize read = 0, written = 0;
          g_autoptr(GError) error = NULL;
          GConverterResult result;

          result = g_converter_convert (G_CONVERTER (compressor), zeros, chunk, buffer, sizeof buffer,
                                        fed + chunk == inflated ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                                        &read, &written, &error);
          g_assert_no_error (error);
          g_byte_array_append (out, buffer, written);
          fed += read;
          if (result == G_CONVERTER_FINISHED)
            break;
        }
      bomb = g_byte_array_free_to_bytes (g_steal_pointer (&out));
    }
  return g_bytes_ref (bomb);
}

/* 256 MiB of zeros in a quarter of a megabyte, sent as Content-Encoding: gzip. The saved
 * bytes are the sent bytes; nothing is inflated, on disk or in memory. */
static void
prepare_gzip_bomb (Run        *run,
                   const Case *c)
{
  g_autoptr(GBytes) bomb = make_gzip_bomb (256 * 1024 * 1024);
  static const char encoding[] = "Content-Encoding: gzip\r\n";

  run->url = mw_test_server_url (run->sandbox.server, "/bomb.bin");
  run->expected = g_bytes_ref (bomb);
  run->resource = mw_test_server_add (run->sandbox.server, "/bomb.bin", bomb);
  run->resource->extra_head = g_bytes_new_static (encoding, sizeof encoding - 1);
  g_assert_cmpuint (g_bytes_get_size (bomb), <, 1024 * 1024);
  run->memory_budget = 64 * 1024 * 1024;
}

static void
verify_identity (Run        *run,
                 const Case *c,
                 MwDownload *download)
{
  g_assert_cmpstr (g_ptr_array_index (run->resource->accept_encodings, 0), ==, "identity");
}

static void
prepare_redirect_loop (Run        *run,
                       const Case *c)
{
  MwTestResource *a, *b;

  add_resource (run, "/loop-a", 10, 114);
  a = run->resource;
  b = mw_test_server_add (run->sandbox.server, "/loop-b", run->expected);
  a->redirect_to = g_strdup ("/loop-b");
  b->redirect_to = g_strdup ("/loop-a");
}

static const char *const bad_locations[] = {
  "file:///etc/passwd",
  "ftp://127.0.0.1/file.bin",
  "data:application/octet-stream;base64,AAAA",
  "javascript:alert(1)",
  "gopher://127.0.0.1/1",
  "http://",
  "http:///no-host",
};

static void
prepare_redirect_to_scheme (Run        *run,
                            const Case *c)
{
  add_resource (run, "/elsewhere", 10, 115);
  run->resource->redirect_to = g_strdup (bad_locations[c->param]);
}

/* 256 MiB of headers, in one line or in many: refused without holding them. */
static void
prepare_enormous_headers (Run        *run,
                          const Case *c)
{
  add_resource (run, "/headers.bin", 1000, 116);
  run->resource->head_padding = 256 * 1024 * 1024;
  run->resource->head_padding_line = c->param;
  run->memory_budget = 64 * 1024 * 1024;
}

typedef struct
{
  const char *name;
  const char *header;   /* the value, \0 bytes and all; length in the table */
  gsize       length;
} Disposition;

#define DISPOSITION(name, value) { name, value, sizeof value - 1 }

static const Disposition dispositions[] = {
  DISPOSITION ("traversal", "attachment; filename=\"../../../escape.bin\""),
  DISPOSITION ("traversal-encoded", "attachment; filename*=UTF-8''..%2F..%2Fescape.bin"),
  DISPOSITION ("absolute", "attachment; filename=\"/etc/passwd\""),
  DISPOSITION ("backslashes", "attachment; filename=\"..\\\\..\\\\escape.bin\""),
  DISPOSITION ("dot-dot", "attachment; filename=\"..\""),
  DISPOSITION ("hidden", "attachment; filename=\".bashrc\""),
  DISPOSITION ("nul", "attachment; filename=\"safe\0/../../escape.bin\""),
  DISPOSITION ("nul-encoded", "attachment; filename*=UTF-8''safe%00..%2Fescape.bin"),
  DISPOSITION ("invalid-utf8", "attachment; filename=\"\xff\xfe\xc0\xaf.bin\""),
  DISPOSITION ("invalid-utf8-encoded", "attachment; filename*=UTF-8''%FF%FE%C0%AF.bin"),
  DISPOSITION ("control", "attachment; filename=\"a\x01\x1b[31mb\x7f.bin\""),
  DISPOSITION ("empty", "attachment; filename=\"\""),
  { "long", NULL, 0 },
};

static void
prepare_disposition (Run        *run,
                     const Case *c)
{
  const Disposition *d = &dispositions[c->param];
  GString *head = g_string_new ("Content-Disposition: ");

  add_resource (run, "/named", RESOURCE_SIZE, 117);
  if (d->header != NULL)
    g_string_append_len (head, d->header, (gssize) d->length);
  else
    {
      g_string_append (head, "attachment; filename=\"");
      for (guint i = 0; i < 10000; i++)
        g_string_append (head, i % 2 ? "é" : "a");
      g_string_append (head, ".bin\"");
    }
  g_string_append (head, "\r\n");
  run->resource->extra_head = g_string_free_to_bytes (head);
}

static void
prepare_self_signed (Run        *run,
                     const Case *c)
{
  run->tls = tls_server_new ();
  run->url = g_strdup_printf ("https://127.0.0.1:%u/secret.bin", run->tls->port);
}

static void
verify_nothing_sent (Run        *run,
                     const Case *c,
                     MwDownload *download)
{
  /* Refused during the handshake: the request never reached the server, and a bad
   * certificate is not retried. */
  g_assert_cmpuint (g_atomic_int_get (&run->tls->requests), ==, 0);
  g_assert_cmpuint (mw_download_get_attempt (download), ==, 1);
}

static void
prepare_busy (Run        *run,
              const Case *c)
{
  guint status = c->param == 0 ? 429 : 503;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) soon = NULL;

  add_resource (run, "/busy.bin", 5000, 118);
  run->resource->statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (run->resource->statuses, status);
  switch (c->param)
    {
    case 0:
    case 1:
      run->resource->retry_after = g_strdup ("1");
      break;
    case 2:
      now = g_date_time_new_now_utc ();
      soon = g_date_time_add_seconds (now, 2);
      run->resource->retry_after = soup_date_time_to_string (soon, SOUP_DATE_HTTP);
      break;
    default:
      run->resource->retry_after = g_strdup ("86400");
    }
}

static void
prepare_never_answers (Run        *run,
                       const Case *c)
{
  add_resource (run, "/silent.bin", 10, 119);
  run->resource->hang = TRUE;
  mw_download_list_set_retry_policy (run->sandbox.list, 2, 20, 20);
  mw_download_list_set_network_budget (run->sandbox.list, 0);
  mw_download_list_set_network_timeout (run->sandbox.list, HOSTILE_SHORT_TIMEOUT_S);
}

static void
prepare_raw (Run        *run,
             const Case *c)
{
  static const char *const raw[] = {
    "HTTP/1.1 banana\r\n\r\n",
    "SSH-2.0-OpenSSH_9.2\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello",
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
    "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nhello",
  };

  add_resource (run, "/raw.bin", 10, 120);
  /* What the responses that have a body send, as far as they can be read. */
  g_bytes_unref (run->expected);
  run->expected = g_bytes_new_static ("hello", 5);
  run->resource->raw_response = g_bytes_new_static (raw[c->param], strlen (raw[c->param]));
  /* libsoup hands the negative length to a GObject property, which GLib refuses with a
   * warning up to 2.74 (Debian 12) and with a critical in later versions (2.84 in
   * Debian 13). */
  if (c->param == 2)
    g_test_expect_message ("GLib-GObject",
                           glib_check_version (2, 75, 0) == NULL ? G_LOG_LEVEL_CRITICAL
                                                                 : G_LOG_LEVEL_WARNING,
                           "*content-length*");
}

static void
verify_retried (Run        *run,
                const Case *c,
                MwDownload *download)
{
  g_assert_cmpuint (run->resource->requests, ==, 2);
}

#define BODY_RESET(offset) \
  { "reset/body-" #offset, prepare_reset_in_body, offset, OUTCOME_COMPLETED, NULL, verify_resumed }
#define HEAD_CUT(how, offset, prepare) \
  { "reset/head-" how "-" #offset, prepare, offset, OUTCOME_COMPLETED, NULL, verify_two_requests }

static const Case cases[] = {
  BODY_RESET (0),
  BODY_RESET (1),
  BODY_RESET (1023),
  BODY_RESET (1024),
  BODY_RESET (16383),
  BODY_RESET (16384),
  BODY_RESET (65535),
  BODY_RESET (65536),
  BODY_RESET (65537),
  BODY_RESET (131072),
  { "reset/body-end-1", prepare_reset_in_body, G_MAXSIZE, OUTCOME_COMPLETED, NULL, verify_resumed },
  HEAD_CUT ("reset", 0, prepare_reset_in_head),
  HEAD_CUT ("reset", 1, prepare_reset_in_head),
  HEAD_CUT ("reset", 12, prepare_reset_in_head),
  HEAD_CUT ("reset", 40, prepare_reset_in_head),
  HEAD_CUT ("reset", 100, prepare_reset_in_head),
  HEAD_CUT ("close", 0, prepare_close_in_head),
  HEAD_CUT ("close", 12, prepare_close_in_head),
  HEAD_CUT ("close", 40, prepare_close_in_head),
  HEAD_CUT ("close", 100, prepare_close_in_head),
  { "stall", prepare_stall, 0, OUTCOME_COMPLETED, NULL, verify_stall },
  { "drip", prepare_drip, 0, OUTCOME_COMPLETED, NULL, verify_one_request },
  { "drip-slower-than-timeout", prepare_drip_slower_than_timeout, 0, OUTCOME_COMPLETED, NULL, verify_trickle },
  { "content-length/shorter", prepare_length_short, 0, OUTCOME_COMPLETED, NULL, verify_one_request },
  { "content-length/longer", prepare_length_long, FALSE, OUTCOME_COMPLETED, NULL, verify_two_requests },
  { "content-length/longer-range-ignored", prepare_length_long, TRUE, OUTCOME_FAILED,
    "before the file was complete", NULL },
  { "http10/close-delimited", prepare_http10, 0, OUTCOME_COMPLETED, NULL, verify_one_request },
  { "http10/close-delimited-reset", prepare_http10, 50000, OUTCOME_COMPLETED, NULL, verify_two_requests },
  { "chunked/trailers", prepare_chunked, 0, OUTCOME_COMPLETED, NULL, verify_one_request },
  { "chunked/reset", prepare_chunked, 50000, OUTCOME_COMPLETED, NULL, verify_two_requests },
  { "range/ignored", prepare_range_ignored, 0, OUTCOME_COMPLETED, NULL, verify_two_requests },
  { "range/wrong-content-range", prepare_wrong_content_range, 0, OUTCOME_COMPLETED, NULL, NULL },
  { "etag/changes", prepare_etag_changes, FALSE, OUTCOME_COMPLETED, NULL, verify_two_requests },
  { "etag/changes-if-range-ignored", prepare_etag_changes, TRUE, OUTCOME_COMPLETED, NULL, NULL },
  { "gzip-bomb", prepare_gzip_bomb, 0, OUTCOME_COMPLETED, NULL, verify_identity },
  { "redirect/loop", prepare_redirect_loop, 0, OUTCOME_FAILED, "redirected too many times", NULL },
  { "redirect/file", prepare_redirect_to_scheme, 0, OUTCOME_FAILED, "will not follow", NULL },
  { "redirect/ftp", prepare_redirect_to_scheme, 1, OUTCOME_FAILED, "will not follow", NULL },
  { "redirect/data", prepare_redirect_to_scheme, 2, OUTCOME_FAILED, "will not follow", NULL },
  { "redirect/javascript", prepare_redirect_to_scheme, 3, OUTCOME_FAILED, "will not follow", NULL },
  { "redirect/gopher", prepare_redirect_to_scheme, 4, OUTCOME_FAILED, "will not follow", NULL },
  { "redirect/no-host", prepare_redirect_to_scheme, 5, OUTCOME_FAILED, "will not follow", NULL },
  { "redirect/empty-host", prepare_redirect_to_scheme, 6, OUTCOME_FAILED, "will not follow", NULL },
  { "headers/one-enormous", prepare_enormous_headers, 0, OUTCOME_FAILED, "too long headers", verify_one_request },
  { "headers/very-many", prepare_enormous_headers, 40, OUTCOME_FAILED, "too many", verify_one_request },
  { "disposition/traversal", prepare_disposition, 0, OUTCOME_COMPLETED, NULL, NULL },
  { "disposition/traversal-encoded", prepare_disposition, 1, OUTCOME_COMPLETED, NULL, NULL },
  { "disposition/absolute", prepare_disposition, 2, OUTCOME_COMPLETED, NULL, NULL },
  { "disposition/backslashes", prepare_disposition, 3, OUTCOME_COMPLETED, NULL, NULL },
  { "disposition/dot-dot", prepare_disposition, 4, OUTCOME_COMPLETED, NULL, NULL },
  { "disposition/hidden", prepare_disposition, 5, OUTCOME_COMPLETED, NULL, NULL },
  { "disposition/nul", prepare_disposition, 6, OUTCOME_FAILED, "not valid HTTP", NULL },
  { "disposition/nul-encoded", prepare_disposition, 7, OUTCOME_COMPLETED, NULL, NULL },
  { "disposition/invalid-utf8", prepare_disposition, 8, OUTCOME_COMPLETED, NULL, NULL },
  { "disposition/invalid-utf8-encoded", prepare_disposition, 9, OUTCOME_COMPLETED, NULL, NULL },
  { "disposition/control", prepare_disposition, 10, OUTCOME_COMPLETED, NULL, NULL },
  { "disposition/empty", prepare_disposition, 11, OUTCOME_COMPLETED, NULL, NULL },
  { "disposition/10000-characters", prepare_disposition, 12, OUTCOME_COMPLETED, NULL, NULL },
  { "tls/self-signed", prepare_self_signed, 0, OUTCOME_FAILED, "self-signed", verify_nothing_sent },
  { "busy/429-retry-after", prepare_busy, 0, OUTCOME_COMPLETED, NULL, verify_retried },
  { "busy/503-retry-after", prepare_busy, 1, OUTCOME_COMPLETED, NULL, verify_retried },
  { "busy/503-retry-after-date", prepare_busy, 2, OUTCOME_COMPLETED, NULL, verify_retried },
  { "busy/503-retry-after-a-day", prepare_busy, 3, OUTCOME_FAILED, "later", verify_one_request },
  { "never-answers", prepare_never_answers, 0, OUTCOME_FAILED, "stopped answering", verify_two_requests },
  { "raw/bad-status-line", prepare_raw, 0, OUTCOME_FAILED, NULL, NULL },
  { "raw/not-http", prepare_raw, 1, OUTCOME_FAILED, NULL, NULL },
  { "raw/negative-length", prepare_raw, 2, OUTCOME_FAILED, "not valid HTTP", verify_one_request },
  { "raw/two-lengths", prepare_raw, 3, OUTCOME_FAILED, NULL, NULL },
  { "raw/huge-length", prepare_raw, 4, OUTCOME_FAILED, NULL, NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (bad_locations) == 7);
G_STATIC_ASSERT (G_N_ELEMENTS (dispositions) == 13);

typedef struct
{
  const Case *c;
  gboolean    blocking;
} CaseInMode;

/* Resets the kernel's record of the largest resident size, so that what a case costs is
 * measured on its own. */
static void
reset_peak_rss (void)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents_full ("/proc/self/clear_refs", "5", 1, G_FILE_SET_CONTENTS_NONE, 0600, &error))
    g_test_message ("Could not reset the peak memory figure: %s", error->message);
}

static void
test_case (gconstpointer data)
{
  const CaseInMode *mode = data;
  const Case *c = mode->c;
  g_autofree char *root = g_dir_make_tmp ("meanwhile-hostile-XXXXXX", NULL);
  Run run = { 0 };
  MwDownload *download;
  gsize before = 0;

  g_assert_nonnull (root);
  sandbox_init (&run.sandbox, root, FALSE, mode->blocking);
  run.limit_seconds = 60;
  c->prepare (&run, c);

  if (run.memory_budget > 0)
    {
      reset_peak_rss ();
      before = read_peak_rss ("VmRSS:");
    }

  download = sandbox_add (&run.sandbox, run.url);
  sandbox_wait_finished (&run.sandbox, download, run.limit_seconds);

  if (run.memory_budget > 0)
    {
      gsize peak = read_peak_rss ("VmHWM:");

      g_test_message ("resident memory: %zu KiB before, peak %zu KiB", before / 1024, peak / 1024);
      g_assert_cmpuint (peak, <, before + run.memory_budget);
    }

  g_test_assert_expected_messages ();
  assert_outcome (&run.sandbox, download, run.expected, c->expected, c->says);
  if (c->verify != NULL)
    c->verify (&run, c, download);

  g_clear_pointer (&run.tls, tls_server_free);
  sandbox_clear (&run.sandbox);
  g_clear_pointer (&run.expected, g_bytes_unref);
  g_free (run.url);
  mw_test_remove_tree (root);
}

int
main (int   argc,
      char *argv[])
{
  /* Static: a test run again in a child process (g_test_trap_subprocess) exits without
   * freeing what main () registered, which the leak checker would report. */
  static CaseInMode modes[2][G_N_ELEMENTS (cases)];

  g_test_init (&argc, &argv, NULL);

  for (guint m = 0; m < 2; m++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        CaseInMode *mode = &modes[m][i];
        g_autofree char *path = NULL;

        mode->c = &cases[i];
        mode->blocking = m == 1;
        path = g_strdup_printf ("/hostile/%s/%s", m == 1 ? "freezing" : "responsive", cases[i].name);
        g_test_add_data_func (path, mode, test_case);
      }

  hostile_disk_add_tests ();
  hostile_state_add_tests ();

  return g_test_run ();
}
