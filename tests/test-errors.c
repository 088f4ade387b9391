/* test-errors.c: what went wrong, kept apart from its words: each kind of failure, what makes it, its sentence with its details, and how it is written in a state file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs in English (C.UTF-8 without LANGUAGE), so the sentences are the source's own;
 * test-errors-german says them in German.
 */
#define G_LOG_DOMAIN "test-errors"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "mw-download-store.h"
#include "mw-error.h"
#include "mw-json.h"

#define HOST "files.example.org"

/* --- Each kind's sentence --------------------------------------------------------- */

typedef struct
{
  MwFailureKind  kind;
  const char    *name;
  guint          status;
  guint          seconds;
  const char    *detail;
  const char    *sentence;   /* said with HOST */
} KindCase;

static const KindCase kind_cases[] = {
  { MW_FAILURE_UNKNOWN, "unknown", 0, 0, NULL, "Something went wrong." },
  { MW_FAILURE_MESSAGE, "message", 0, 0, "Words made elsewhere.", "Words made elsewhere." },
  { MW_FAILURE_OTHER, "other", 0, 0, "Socket I/O timed out",
    "The transfer from " HOST " failed: Socket I/O timed out" },
  { MW_FAILURE_HTTP_STATUS, "http-status", 404, 0, NULL,
    "The file was not found on " HOST " (error 404). Check the address." },
  { MW_FAILURE_INCOMPLETE, "incomplete", 0, 0, NULL,
    HOST " closed the connection before the file was complete." },
  { MW_FAILURE_WRONG_RANGE, "wrong-range", 0, 0, NULL, HOST " sent the wrong part of the file." },
  { MW_FAILURE_CHECKSUM_MISMATCH, "checksum-mismatch", 0, 0, NULL,
    "The downloaded file does not match its expected SHA-256 checksum, so it was not kept. "
    "The file may have changed on the server or been damaged on the way." },
  { MW_FAILURE_NO_FREE_NAME, "no-free-name", 0, 0, NULL,
    "Could not find a free file name in the download folder." },
  { MW_FAILURE_RETRY_TOO_LATE, "retry-too-late", 0, 0, NULL,
    HOST " is busy and asks to come back much later. Try again later." },
  { MW_FAILURE_HEADERS_TOO_LARGE, "headers-too-large", 0, 0, NULL,
    HOST " sent a response with far too many or too long headers, so Meanwhile stopped reading it." },
  { MW_FAILURE_FILE_TOO_LARGE, "file-too-large", 0, 0, NULL,
    "The file is too large for the disk of the download folder, or for a limit set on Meanwhile. "
    "The part already downloaded is kept for when you try again." },
  { MW_FAILURE_PART_GONE, "part-gone", 0, 0, NULL,
    "The partial file was deleted, or its folder was, while the download was running. "
    "Try again to start over." },
  { MW_FAILURE_NO_PROGRESS, "no-progress", 0, 600, NULL,
    "No progress for 10 minutes: " HOST " refused the connection. Check the address or try again later." },
  { MW_FAILURE_HOST_NOT_FOUND, "host-not-found", 0, 0, NULL,
    "Could not find the server " HOST ". Check the address and your network connection." },
  { MW_FAILURE_CERTIFICATE_EXPIRED, "certificate-expired", 0, 0, NULL,
    "The certificate of " HOST " has expired, so Meanwhile did not connect. "
    "Check the date and time of this computer, or try again when the site has renewed it." },
  { MW_FAILURE_CERTIFICATE_NOT_YET_VALID, "certificate-not-yet-valid", 0, 0, NULL,
    "The certificate of " HOST " is not valid yet, so Meanwhile did not connect. "
    "Check the date and time of this computer." },
  { MW_FAILURE_CERTIFICATE_REVOKED, "certificate-revoked", 0, 0, NULL,
    "The certificate of " HOST " was revoked, so Meanwhile did not connect. "
    "Someone may be impersonating the server." },
  { MW_FAILURE_CERTIFICATE_WRONG_HOST, "certificate-wrong-host", 0, 0, NULL,
    "The certificate of " HOST " was made for another server, so Meanwhile did not connect. "
    "Someone may be impersonating the server." },
  { MW_FAILURE_CERTIFICATE_UNKNOWN_AUTHORITY, "certificate-unknown-authority", 0, 0, NULL,
    "The certificate of " HOST " is not signed by an authority this computer trusts "
    "(it may be self-signed), so Meanwhile did not connect. Someone may be impersonating the server." },
  { MW_FAILURE_CERTIFICATE_INSECURE, "certificate-insecure", 0, 0, NULL,
    "The certificate of " HOST " uses insecure cryptography, so Meanwhile did not connect." },
  { MW_FAILURE_CERTIFICATE_UNTRUSTED, "certificate-untrusted", 0, 0, NULL,
    "The certificate of " HOST " is not trusted, so Meanwhile did not connect. "
    "Someone may be impersonating the server." },
  { MW_FAILURE_NOT_TLS, "not-tls", 0, 0, NULL, HOST " does not speak a secure connection (HTTPS)." },
  { MW_FAILURE_TLS_FAILED, "tls-failed", 0, 0, NULL,
    "A secure connection to " HOST " could not be established." },
  { MW_FAILURE_REDIRECT_LOOP, "redirect-loop", 0, 0, NULL,
    HOST " redirected too many times; the address may loop." },
  { MW_FAILURE_BAD_REDIRECT, "bad-redirect", 0, 0, NULL,
    HOST " redirected to an address Meanwhile will not follow." },
  { MW_FAILURE_INVALID_HTTP, "invalid-http", 0, 0, NULL, HOST " sent a response that is not valid HTTP." },
  { MW_FAILURE_REQUEST_FAILED, "request-failed", 0, 0, NULL, "The request to " HOST " failed." },
  { MW_FAILURE_CONNECTION_REFUSED, "connection-refused", 0, 0, NULL,
    HOST " refused the connection. Check the address or try again later." },
  { MW_FAILURE_CONNECTION_CLOSED, "connection-closed", 0, 0, NULL, HOST " closed the connection." },
  { MW_FAILURE_TIMED_OUT, "timed-out", 0, 0, NULL, HOST " stopped answering." },
  { MW_FAILURE_UNREACHABLE, "unreachable", 0, 0, NULL,
    HOST " cannot be reached. Check your network connection." },
  { MW_FAILURE_DISK_FULL, "disk-full", 0, 0, NULL,
    "There is not enough space on the disk. Free some space, then resume the download." },
  { MW_FAILURE_FOLDER_NOT_WRITABLE, "folder-not-writable", 0, 0, NULL,
    "Meanwhile may not write to the download folder. Choose another folder in Preferences." },
  { MW_FAILURE_FOLDER_GONE, "folder-gone", 0, 0, NULL, "The download folder or the partial file is gone." },
  { MW_FAILURE_FOLDER_IS_FILE, "folder-is-file", 0, 0, NULL,
    "The download folder is a file, not a folder. Choose another folder in Preferences." },
  { MW_FAILURE_NAME_TOO_LONG, "name-too-long", 0, 0, NULL,
    "The file name is too long for the download folder." },
  { MW_FAILURE_NAME_NOT_ALLOWED, "name-not-allowed", 0, 0, NULL,
    "The file name is not allowed in the download folder." },
  { MW_FAILURE_PROXY_REFUSED, "proxy-refused", 0, 0, NULL,
    "The network proxy refused the connection. Check the proxy settings." },
};

static MwFailure *
failure_of_case (const KindCase *c)
{
  MwFailure *failure = mw_failure_new (c->kind, HOST);

  failure->status = c->status;
  failure->seconds = c->seconds;
  failure->detail = g_strdup (c->detail);
  if (c->kind == MW_FAILURE_NO_PROGRESS)
    failure->cause = mw_failure_new (MW_FAILURE_CONNECTION_REFUSED, HOST);
  return failure;
}

/* Every kind has a case, its own name, and a sentence with its details. */
static void
test_kinds_sentences (void)
{
  gboolean seen[MW_FAILURE_N_KINDS] = { FALSE, };

  g_assert_cmpuint (G_N_ELEMENTS (kind_cases), ==, MW_FAILURE_N_KINDS);
  for (guint i = 0; i < G_N_ELEMENTS (kind_cases); i++)
    {
      const KindCase *c = &kind_cases[i];
      g_autoptr(MwFailure) failure = failure_of_case (c);
      g_autofree char *sentence = mw_failure_describe (failure);
      MwFailureKind kind = MW_FAILURE_N_KINDS;

      g_test_message ("%s: %s", c->name, sentence);
      g_assert_false (seen[c->kind]);
      seen[c->kind] = TRUE;
      g_assert_cmpstr (mw_failure_kind_to_string (c->kind), ==, c->name);
      g_assert_true (mw_failure_kind_from_string (c->name, &kind));
      g_assert_cmpint (kind, ==, c->kind);
      g_assert_cmpstr (sentence, ==, c->sentence);
    }

  {
    MwFailureKind kind = MW_FAILURE_TIMED_OUT;

    g_assert_false (mw_failure_kind_from_string ("a-kind-from-a-later-version", &kind));
    g_assert_false (mw_failure_kind_from_string ("", &kind));
    g_assert_false (mw_failure_kind_from_string (NULL, &kind));
    g_assert_false (mw_failure_kind_from_string ("Timed-Out", &kind));
    g_assert_cmpint (kind, ==, MW_FAILURE_TIMED_OUT);
  }
}

/* The HTTP status picks the sentence, and is in it. */
static void
test_kinds_http_status (void)
{
  static const struct { guint status; const char *sentence; } cases[] = {
    { 404, "The file was not found on " HOST " (error 404). Check the address." },
    { 410, "The file was removed from " HOST " for good (error 410)." },
    { 403, HOST " refused access to the file (error 403)." },
    { 401, HOST " asks for a login, which Meanwhile does not support (error 401)." },
    { 407, HOST " asks for a login, which Meanwhile does not support (error 407)." },
    { 408, HOST " gave up waiting for the request (error 408). Try again later." },
    { 429, HOST " is receiving too many requests (error 429). Try again later." },
    { 503, HOST " is temporarily unavailable (error 503). Try again later." },
    { 416, HOST " could not send the requested part of the file (error 416)." },
    { 500, HOST " had an internal problem (error 500). Try again later." },
    { 502, HOST " had an internal problem (error 502). Try again later." },
    { 418, HOST " refused the request (error 418)." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MwFailure) failure = mw_failure_new (MW_FAILURE_HTTP_STATUS, HOST);
      g_autofree char *sentence = NULL;

      failure->status = cases[i].status;
      sentence = mw_failure_describe (failure);
      g_assert_cmpstr (sentence, ==, cases[i].sentence);
    }
}

/* How long, in the unit a person would say, and why. */
static void
test_kinds_no_progress (void)
{
  static const struct { guint seconds; const char *start; } cases[] = {
    { 1, "No progress for 1 second: " },
    { 90, "No progress for 90 seconds: " },
    { 60, "No progress for 1 minute: " },
    { 600, "No progress for 10 minutes: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MwFailure) failure = mw_failure_new (MW_FAILURE_NO_PROGRESS, HOST);
      g_autofree char *sentence = NULL;
      g_autofree char *expected = NULL;

      failure->seconds = cases[i].seconds;
      failure->cause = mw_failure_new (MW_FAILURE_TIMED_OUT, HOST);
      sentence = mw_failure_describe (failure);
      expected = g_strconcat (cases[i].start, HOST " stopped answering.", NULL);
      g_assert_cmpstr (sentence, ==, expected);
    }
}

/* Without a host, a sentence names "the server"; without a failure, it still says something. */
static void
test_kinds_without_details (void)
{
  g_autoptr(MwFailure) refused = mw_failure_new (MW_FAILURE_CONNECTION_REFUSED, NULL);
  g_autoptr(MwFailure) empty = mw_failure_new (MW_FAILURE_TIMED_OUT, "");
  g_autoptr(MwFailure) other = mw_failure_new (MW_FAILURE_OTHER, HOST);
  g_autofree char *a = mw_failure_describe (refused);
  g_autofree char *b = mw_failure_describe (empty);
  g_autofree char *c = mw_failure_describe (other);
  g_autofree char *d = mw_failure_describe (NULL);

  g_assert_null (empty->host);
  g_assert_cmpstr (a, ==, "the server refused the connection. Check the address or try again later.");
  g_assert_cmpstr (b, ==, "the server stopped answering.");
  g_assert_cmpstr (c, ==, "The request to " HOST " failed.");
  g_assert_cmpstr (d, ==, "Something went wrong.");
}

/* --- What makes each kind ----------------------------------------------------------- */

typedef struct
{
  GQuark         domain;
  int            code;
  MwFailureKind  kind;
} ErrorCase;

static void
test_from_errors (void)
{
  const ErrorCase cases[] = {
    { MW_HTTP_ERROR, 404, MW_FAILURE_HTTP_STATUS },
    { MW_HTTP_ERROR, 503, MW_FAILURE_HTTP_STATUS },
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INCOMPLETE, MW_FAILURE_INCOMPLETE },
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_BAD_RANGE, MW_FAILURE_WRONG_RANGE },
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_CHECKSUM_MISMATCH, MW_FAILURE_CHECKSUM_MISMATCH },
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INVALID_URL, MW_FAILURE_MESSAGE },
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_NO_NAME, MW_FAILURE_NO_FREE_NAME },
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_RETRY_TOO_LATE, MW_FAILURE_RETRY_TOO_LATE },
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_CORRUPT, MW_FAILURE_MESSAGE },
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_TOO_NEW, MW_FAILURE_MESSAGE },
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_HEADERS_TOO_LARGE, MW_FAILURE_HEADERS_TOO_LARGE },
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_FILE_TOO_LARGE, MW_FAILURE_FILE_TOO_LARGE },
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_PART_GONE, MW_FAILURE_PART_GONE },
    /* Made without its cause, "no progress" has only its words. */
    { MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_NO_PROGRESS, MW_FAILURE_MESSAGE },
    { G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, MW_FAILURE_HOST_NOT_FOUND },
    { G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE, MW_FAILURE_HOST_NOT_FOUND },
    { MW_CERTIFICATE_ERROR, G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_UNKNOWN_CA,
      MW_FAILURE_CERTIFICATE_EXPIRED },
    { MW_CERTIFICATE_ERROR, G_TLS_CERTIFICATE_NOT_ACTIVATED, MW_FAILURE_CERTIFICATE_NOT_YET_VALID },
    { MW_CERTIFICATE_ERROR, G_TLS_CERTIFICATE_REVOKED, MW_FAILURE_CERTIFICATE_REVOKED },
    { MW_CERTIFICATE_ERROR, G_TLS_CERTIFICATE_BAD_IDENTITY, MW_FAILURE_CERTIFICATE_WRONG_HOST },
    { MW_CERTIFICATE_ERROR, G_TLS_CERTIFICATE_UNKNOWN_CA, MW_FAILURE_CERTIFICATE_UNKNOWN_AUTHORITY },
    { MW_CERTIFICATE_ERROR, G_TLS_CERTIFICATE_INSECURE, MW_FAILURE_CERTIFICATE_INSECURE },
    { MW_CERTIFICATE_ERROR, G_TLS_CERTIFICATE_GENERIC_ERROR, MW_FAILURE_CERTIFICATE_UNTRUSTED },
    { G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, MW_FAILURE_CERTIFICATE_UNTRUSTED },
    { G_TLS_ERROR, G_TLS_ERROR_NOT_TLS, MW_FAILURE_NOT_TLS },
    { G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE, MW_FAILURE_TLS_FAILED },
    { SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS, MW_FAILURE_REDIRECT_LOOP },
    { SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_REDIRECT_BAD_URI, MW_FAILURE_BAD_REDIRECT },
    { SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_REDIRECT_NO_LOCATION, MW_FAILURE_BAD_REDIRECT },
    { SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING, MW_FAILURE_INVALID_HTTP },
    { SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING, MW_FAILURE_INVALID_HTTP },
    { SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_MESSAGE_ALREADY_IN_QUEUE, MW_FAILURE_REQUEST_FAILED },
    { G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, MW_FAILURE_CONNECTION_REFUSED },
    { G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, MW_FAILURE_CONNECTION_CLOSED },
    { G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, MW_FAILURE_CONNECTION_CLOSED },
    { G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, MW_FAILURE_CONNECTION_CLOSED },
    { G_IO_ERROR, G_IO_ERROR_TIMED_OUT, MW_FAILURE_TIMED_OUT },
    { G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, MW_FAILURE_UNREACHABLE },
    { G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE, MW_FAILURE_UNREACHABLE },
    { G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND, MW_FAILURE_HOST_NOT_FOUND },
    { G_IO_ERROR, G_IO_ERROR_NO_SPACE, MW_FAILURE_DISK_FULL },
    { G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, MW_FAILURE_FOLDER_NOT_WRITABLE },
    { G_IO_ERROR, G_IO_ERROR_READ_ONLY, MW_FAILURE_FOLDER_NOT_WRITABLE },
    { G_IO_ERROR, G_IO_ERROR_NOT_FOUND, MW_FAILURE_FOLDER_GONE },
    { G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY, MW_FAILURE_FOLDER_IS_FILE },
    { G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG, MW_FAILURE_NAME_TOO_LONG },
    { G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, MW_FAILURE_NAME_NOT_ALLOWED },
    { G_IO_ERROR, G_IO_ERROR_PROXY_FAILED, MW_FAILURE_PROXY_REFUSED },
    { G_IO_ERROR, G_IO_ERROR_PROXY_NEED_AUTH, MW_FAILURE_PROXY_REFUSED },
    { G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES, MW_FAILURE_OTHER },
    { G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, MW_FAILURE_OTHER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GQuark domain = cases[i].domain;
      g_autoptr(GError) error = NULL;
      g_autoptr(MwFailure) failure = NULL;
      g_autofree char *sentence = NULL;
      g_autofree char *described = NULL;

      error = g_error_new_literal (domain, cases[i].code, "What the library said");
      failure = mw_failure_new_from_error (error, HOST);
      g_test_message ("%s %d: %s", g_quark_to_string (domain), cases[i].code,
                      mw_failure_kind_to_string (failure->kind));
      g_assert_cmpint (failure->kind, ==, cases[i].kind);
      g_assert_cmpstr (failure->host, ==, HOST);

      /* The details the sentence needs come along, and nothing else. */
      g_assert_cmpuint (failure->status, ==, cases[i].kind == MW_FAILURE_HTTP_STATUS ? (guint) cases[i].code : 0);
      g_assert_cmpuint (failure->seconds, ==, 0);
      g_assert_null (failure->cause);
      if (cases[i].kind == MW_FAILURE_MESSAGE || cases[i].kind == MW_FAILURE_OTHER)
        g_assert_cmpstr (failure->detail, ==, "What the library said");
      else
        g_assert_null (failure->detail);

      /* mw_error_describe() says the same. */
      sentence = mw_failure_describe (failure);
      described = mw_error_describe (error, HOST);
      g_assert_cmpstr (sentence, ==, described);
    }

  {
    g_autoptr(MwFailure) failure = mw_failure_new_from_error (NULL, HOST);

    g_assert_cmpint (failure->kind, ==, MW_FAILURE_UNKNOWN);
  }
}

/* "No progress" keeps how long and what kept failing, through copies of the error. */
static void
test_from_no_progress_error (void)
{
  GError *cause = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "Connection refused");
  g_autoptr(GError) error = mw_download_error_new_no_progress (600, cause, HOST);
  g_autoptr(GError) copy = g_error_copy (error);
  g_autoptr(MwFailure) failure = NULL;
  g_autoptr(MwFailure) from_copy = NULL;
  g_autofree char *sentence = NULL;

  g_assert_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_NO_PROGRESS);
  g_assert_cmpstr (error->message, ==,
                   "No progress for 10 minutes: " HOST " refused the connection. Check the address or try again later.");
  g_assert_false (mw_error_is_transient (error));
  g_assert_false (mw_error_is_network (error));

  failure = mw_failure_new_from_error (error, HOST);
  g_assert_cmpint (failure->kind, ==, MW_FAILURE_NO_PROGRESS);
  g_assert_cmpuint (failure->seconds, ==, 600);
  g_assert_nonnull (failure->cause);
  g_assert_cmpint (failure->cause->kind, ==, MW_FAILURE_CONNECTION_REFUSED);
  g_assert_cmpstr (failure->cause->host, ==, HOST);
  sentence = mw_failure_describe (failure);
  g_assert_cmpstr (sentence, ==, error->message);

  from_copy = mw_failure_new_from_error (copy, HOST);
  g_assert_true (mw_failure_equal (failure, from_copy));
}

static void
test_copy_and_equal (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_cases); i++)
    {
      g_autoptr(MwFailure) failure = failure_of_case (&kind_cases[i]);
      g_autoptr(MwFailure) copy = mw_failure_copy (failure);
      g_autoptr(MwFailure) other_host = mw_failure_copy (failure);

      g_assert_true (copy != failure);
      g_assert_true (mw_failure_equal (failure, copy));
      g_free (other_host->host);
      other_host->host = g_strdup ("mirror.example.org");
      g_assert_false (mw_failure_equal (failure, other_host));
    }
  g_assert_true (mw_failure_equal (NULL, NULL));
  g_assert_null (mw_failure_copy (NULL));
}

/* --- In a state file ------------------------------------------------------------------ */

static char *
write_member (const MwFailure *failure)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  mw_json_add_failure (builder, "error-info", failure);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static MwFailure *
read_member (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (mw_json_load (parser, json, strlen (json), &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return mw_json_get_failure (json_node_get_object (json_parser_get_root (parser)), "error-info");
}

static void
test_json_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_cases); i++)
    {
      g_autoptr(MwFailure) failure = failure_of_case (&kind_cases[i]);
      g_autofree char *json = write_member (failure);
      g_autoptr(MwFailure) back = read_member (json);
      g_autofree char *sentence = NULL;

      g_test_message ("%s", json);
      g_assert_nonnull (back);
      g_assert_true (mw_failure_equal (failure, back));
      sentence = mw_failure_describe (back);
      g_assert_cmpstr (sentence, ==, kind_cases[i].sentence);
    }

  {
    g_autofree char *none = write_member (NULL);

    g_assert_cmpstr (none, ==, "{\"error-info\":null}");
  }
}

/* What HACKING.md shows: only what the kind needs, and the host always. */
static void
test_json_written (void)
{
  g_autoptr(MwFailure) missing = mw_failure_new (MW_FAILURE_HTTP_STATUS, HOST);
  g_autoptr(MwFailure) stuck = mw_failure_new (MW_FAILURE_NO_PROGRESS, HOST);
  g_autoptr(MwFailure) full = mw_failure_new (MW_FAILURE_DISK_FULL, NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;

  missing->status = 404;
  stuck->seconds = 600;
  stuck->cause = mw_failure_new (MW_FAILURE_CONNECTION_REFUSED, HOST);
  a = write_member (missing);
  b = write_member (stuck);
  c = write_member (full);
  g_assert_cmpstr (a, ==, "{\"error-info\":{\"kind\":\"http-status\",\"host\":\"" HOST "\",\"status\":404}}");
  g_assert_cmpstr (b, ==, "{\"error-info\":{\"kind\":\"no-progress\",\"host\":\"" HOST "\",\"seconds\":600,"
                          "\"cause\":{\"kind\":\"connection-refused\",\"host\":\"" HOST "\"}}}");
  g_assert_cmpstr (c, ==, "{\"error-info\":{\"kind\":\"disk-full\",\"host\":null}}");
}

/* A failure that makes no sentence reads as none, so that the plain message stands in;
 * a member of the wrong type reads as missing; unknown members are ignored. */
static void
test_json_tolerant (void)
{
  static const char *const none[] = {
    "{}",
    "{\"error-info\":null}",
    "{\"error-info\":\"timed-out\"}",
    "{\"error-info\":[\"timed-out\"]}",
    "{\"error-info\":{}}",
    "{\"error-info\":{\"kind\":\"a-kind-from-a-later-version\",\"host\":\"h\"}}",
    "{\"error-info\":{\"kind\":7}}",
    "{\"error-info\":{\"kind\":\"http-status\",\"host\":\"h\"}}",
    "{\"error-info\":{\"kind\":\"http-status\",\"host\":\"h\",\"status\":\"404\"}}",
    "{\"error-info\":{\"kind\":\"http-status\",\"host\":\"h\",\"status\":99}}",
    "{\"error-info\":{\"kind\":\"http-status\",\"host\":\"h\",\"status\":4040}}",
    "{\"error-info\":{\"kind\":\"no-progress\",\"host\":\"h\",\"seconds\":60}}",
    "{\"error-info\":{\"kind\":\"no-progress\",\"host\":\"h\",\"seconds\":60,\"cause\":{\"kind\":\"later\"}}}",
    "{\"error-info\":{\"kind\":\"no-progress\",\"host\":\"h\",\"seconds\":0,"
      "\"cause\":{\"kind\":\"timed-out\"}}}",
    "{\"error-info\":{\"kind\":\"no-progress\",\"host\":\"h\",\"seconds\":-5,"
      "\"cause\":{\"kind\":\"timed-out\"}}}",
    "{\"error-info\":{\"kind\":\"no-progress\",\"host\":\"h\",\"seconds\":99999999999,"
      "\"cause\":{\"kind\":\"timed-out\"}}}",
    "{\"error-info\":{\"kind\":\"message\"}}",
    "{\"error-info\":{\"kind\":\"message\",\"detail\":\"\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (none); i++)
    {
      g_autoptr(MwFailure) failure = read_member (none[i]);

      g_test_message ("%s", none[i]);
      g_assert_null (failure);
    }

  {
    g_autoptr(MwFailure) failure =
      read_member ("{\"error-info\":{\"kind\":\"connection-refused\",\"host\":7,\"status\":true,"
                   "\"later\":[1,{\"x\":2}],\"detail\":null}}");
    g_autofree char *sentence = mw_failure_describe (failure);

    g_assert_nonnull (failure);
    g_assert_null (failure->host);
    g_assert_null (failure->detail);
    g_assert_cmpuint (failure->status, ==, 0);
    g_assert_cmpstr (sentence, ==, "the server refused the connection. Check the address or try again later.");
  }

  {
    /* A cause has no cause of its own. */
    g_autoptr(MwFailure) failure =
      read_member ("{\"error-info\":{\"kind\":\"no-progress\",\"host\":\"h\",\"seconds\":1,"
                   "\"cause\":{\"kind\":\"timed-out\",\"host\":\"h\","
                   "\"cause\":{\"kind\":\"unreachable\",\"host\":\"h\"}}}}");
    g_autofree char *sentence = mw_failure_describe (failure);

    g_assert_nonnull (failure);
    g_assert_nonnull (failure->cause);
    g_assert_null (failure->cause->cause);
    g_assert_cmpstr (sentence, ==, "No progress for 1 second: h stopped answering.");
  }
}

/* A record of downloads.json: the sentence is made anew from what went wrong, and the
 * words of an older file without it are kept as they are. */
static void
test_record_to_download (void)
{
  g_autoptr(MwDownloadRecord) record = g_new0 (MwDownloadRecord, 1);
  g_autoptr(MwDownloadRecord) older = g_new0 (MwDownloadRecord, 1);
  g_autoptr(MwDownloadRecord) again = NULL;
  g_autoptr(MwDownloadRecord) older_again = NULL;
  g_autoptr(MwDownload) download = NULL;
  g_autoptr(MwDownload) old_download = NULL;

  record->url = g_strdup ("http://" HOST "/file.iso");
  record->state = MW_DOWNLOAD_FAILED;
  record->total = -1;
  record->error = g_strdup ("Words of another language.");
  record->failure = mw_failure_new (MW_FAILURE_HTTP_STATUS, HOST);
  record->failure->status = 410;

  download = mw_download_record_to_download (record);
  g_assert_cmpstr (mw_download_get_error_message (download), ==,
                   "The file was removed from " HOST " for good (error 410).");
  g_assert_true (mw_failure_equal (mw_download_get_failure (download), record->failure));

  /* Written back: the failure, and the sentence as it reads now. */
  again = mw_download_record_new_from_download (download);
  g_assert_true (mw_failure_equal (again->failure, record->failure));
  g_assert_cmpstr (again->error, ==, "The file was removed from " HOST " for good (error 410).");

  older->url = g_strdup ("http://" HOST "/older.iso");
  older->state = MW_DOWNLOAD_FAILED;
  older->total = -1;
  older->error = g_strdup ("Words of an older version.");
  old_download = mw_download_record_to_download (older);
  g_assert_cmpstr (mw_download_get_error_message (old_download), ==, "Words of an older version.");
  g_assert_null (mw_download_get_failure (old_download));
  older_again = mw_download_record_new_from_download (old_download);
  g_assert_cmpstr (older_again->error, ==, "Words of an older version.");
  g_assert_null (older_again->failure);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/errors/kinds/sentences", test_kinds_sentences);
  g_test_add_func ("/errors/kinds/http-status", test_kinds_http_status);
  g_test_add_func ("/errors/kinds/no-progress", test_kinds_no_progress);
  g_test_add_func ("/errors/kinds/without-details", test_kinds_without_details);
  g_test_add_func ("/errors/from-error/each-domain", test_from_errors);
  g_test_add_func ("/errors/from-error/no-progress", test_from_no_progress_error);
  g_test_add_func ("/errors/copy-and-equal", test_copy_and_equal);
  g_test_add_func ("/errors/json/round-trip", test_json_round_trip);
  g_test_add_func ("/errors/json/written", test_json_written);
  g_test_add_func ("/errors/json/tolerant", test_json_tolerant);
  g_test_add_func ("/errors/record/to-download", test_record_to_download);

  return g_test_run ();
}
