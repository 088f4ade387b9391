/* test-download-store-format.c: the format of the downloads' state file, written and parsed on its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-download-store-format"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "mw-download-store.h"
#include "mw-error.h"
#include "test-download-store.h"

/* --- The format itself ------------------------------------------------------------------ */

static MwDownloadRecord *
record_new (const char      *url,
            MwDownloadState  state)
{
  MwDownloadRecord *record = g_new0 (MwDownloadRecord, 1);

  record->url = g_strdup (url);
  record->state = state;
  record->total = -1;
  return record;
}

static void
assert_same_record (const MwDownloadRecord *a,
                    const MwDownloadRecord *b)
{
  g_assert_cmpstr (a->url, ==, b->url);
  g_assert_cmpstr (a->final_url, ==, b->final_url);
  g_assert_cmpstr (a->path, ==, b->path);
  g_assert_cmpint (a->state, ==, b->state);
  g_assert_cmpuint (a->received, ==, b->received);
  g_assert_cmpint (a->total, ==, b->total);
  g_assert_cmpstr (a->etag, ==, b->etag);
  g_assert_cmpstr (a->last_modified, ==, b->last_modified);
  g_assert_cmpstr (a->sha256, ==, b->sha256);
  g_assert_cmpstr (a->error, ==, b->error);
  g_assert_true (mw_failure_equal (a->failure, b->failure));
  g_assert_cmpint (a->added, ==, b->added);
}

static void
test_store_round_trip (void)
{
  g_autoptr(GPtrArray) records =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mw_download_record_free);
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  MwDownloadRecord *record;
  gsize length = 0;
  guint n_skipped = 99;

  /* Every field set, with what escaping and 64-bit sizes need. */
  record = record_new ("https://example.org/a%20b/file.iso?x=\"1\"&y=\\", MW_DOWNLOAD_COMPLETED);
  record->final_url = g_strdup ("https://mirror.example.org/file.iso");
  record->path = g_strdup ("/home/ada/Téléchargements/€ rates \"final\".pdf");
  record->received = G_GUINT64_CONSTANT (5000000000);
  record->total = G_GINT64_CONSTANT (6000000000);
  record->etag = g_strdup ("\"5f3a-1b2c\"");
  record->last_modified = g_strdup ("Tue, 03 Nov 2026 10:00:00 GMT");
  record->sha256 = g_strdup (SHA_A);
  record->error = g_strdup ("Line one.\nLine two, with a tab:\t and a quote: \".");
  record->failure = mw_failure_new (MW_FAILURE_NO_PROGRESS, "mirror.example.org");
  record->failure->seconds = 600;
  record->failure->cause = mw_failure_new (MW_FAILURE_CONNECTION_REFUSED, "mirror.example.org");
  record->added = 1795000000;
  g_ptr_array_add (records, record);

  /* GIO's own words, which a failure of no known kind keeps. */
  record = record_new ("https://example.org/other.iso", MW_DOWNLOAD_FAILED);
  record->error = g_strdup ("The transfer from example.org failed: Too many open files");
  record->failure = mw_failure_new (MW_FAILURE_OTHER, "example.org");
  record->failure->detail = g_strdup ("Too many open files");
  g_ptr_array_add (records, record);

  /* Nothing but the address. */
  g_ptr_array_add (records, record_new ("http://127.0.0.1:9/x", MW_DOWNLOAD_QUEUED));

  /* Every state comes back as it was written (turning moving ones into queued ones is
   * the list's business, not the format's). */
  for (MwDownloadState state = MW_DOWNLOAD_QUEUED; state <= MW_DOWNLOAD_CANCELLED; state++)
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:9/%s",
                                              mw_download_state_to_string (state));

      record = record_new (url, state);
      record->path = g_strdup_printf ("/tmp/%s.bin", mw_download_state_to_string (state));
      record->received = state;
      record->total = 100 + state;
      record->added = 1700000000 + state;
      g_ptr_array_add (records, record);
    }

  data = mw_download_store_serialize (records, &length);
  g_assert_nonnull (data);
  g_assert_cmpuint (length, ==, strlen (data));
  g_assert_true (g_utf8_validate (data, (gssize) length, NULL));

  parsed = mw_download_store_parse (data, length, &n_skipped, &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  g_assert_cmpuint (n_skipped, ==, 0);
  g_assert_cmpuint (parsed->len, ==, records->len);
  for (guint i = 0; i < records->len; i++)
    assert_same_record (g_ptr_array_index (records, i), g_ptr_array_index (parsed, i));

  /* An empty list is a valid list. */
  g_clear_pointer (&data, g_free);
  g_clear_pointer (&parsed, g_ptr_array_unref);
  g_ptr_array_set_size (records, 0);
  data = mw_download_store_serialize (records, &length);
  parsed = mw_download_store_parse (data, length, &n_skipped, &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  g_assert_cmpuint (parsed->len, ==, 0);
  g_assert_cmpuint (n_skipped, ==, 0);
}

static void
test_store_record_to_download (void)
{
  for (MwDownloadState state = MW_DOWNLOAD_QUEUED; state <= MW_DOWNLOAD_CANCELLED; state++)
    {
      g_autoptr(MwDownloadRecord) record = record_new ("http://127.0.0.1:9/y", state);
      g_autoptr(MwDownloadRecord) again = NULL;
      g_autoptr(MwDownload) download = NULL;
      MwDownloadState expected = state;

      if (state == MW_DOWNLOAD_CONNECTING || state == MW_DOWNLOAD_DOWNLOADING ||
          state == MW_DOWNLOAD_VERIFYING)
        expected = MW_DOWNLOAD_QUEUED;

      record->final_url = g_strdup ("http://127.0.0.1:9/z");
      record->path = g_strdup ("/tmp/y.bin");
      record->received = 7;
      record->total = 9;
      record->etag = g_strdup ("\"t\"");
      record->last_modified = g_strdup ("Mon, 02 Nov 2026 09:00:00 GMT");
      record->sha256 = g_strdup (SHA_B);
      record->error = g_strdup ("Something happened.");
      record->added = 1700000000;

      download = mw_download_record_to_download (record);
      g_assert_cmpint (mw_download_get_state (download), ==, expected);
      g_assert_false (mw_download_is_active (download));
      g_assert_cmpstr (mw_download_get_filename (download), ==, "y.bin");

      /* And back: only the state may have changed. */
      again = mw_download_record_new_from_download (download);
      record->state = expected;
      assert_same_record (record, again);
    }
}

typedef struct
{
  const char *data;
  int         code;        /* MwDownloadError, or -1 for success */
  guint       n_records;
  guint       n_skipped;
} ParseCase;

static void
test_store_parse (void)
{
  static const ParseCase cases[] = {
    { "{\"format\":\"meanwhile-downloads\",\"version\":1,\"downloads\":[]}", -1, 0, 0 },
    { "{\"version\":1,\"downloads\":[{\"url\":\"http://h/x\"}]}", -1, 1, 0 },
    { "{\"format\":\"meanwhile-downloads\",\"version\":1}", -1, 0, 0 },
    { "{\"format\":\"meanwhile-downloads\",\"version\":1,\"downloads\":null}", -1, 0, 0 },
    { "{\"format\":\"meanwhile-downloads\",\"version\":1,\"downloads\":"
      "[{\"url\":\"https://h/x\"},{\"url\":\"mailto:a@b\"},{\"url\":\"/relative\"},"
      "{\"url\":7},{},[],\"x\",{\"url\":\"HTTP://h/upper\"}]}", -1, 2, 6 },
    { "{\"format\":\"meanwhile-downloads\",\"version\":2}", MW_DOWNLOAD_ERROR_STATE_TOO_NEW, 0, 0 },
    { "{\"format\":\"meanwhile-downloads\",\"version\":99,\"downloads\":[]}",
      MW_DOWNLOAD_ERROR_STATE_TOO_NEW, 0, 0 },
    { "{\"format\":\"meanwhile-downloads\",\"version\":0}", MW_DOWNLOAD_ERROR_STATE_CORRUPT, 0, 0 },
    { "{\"format\":\"meanwhile-downloads\",\"version\":\"1\"}",
      MW_DOWNLOAD_ERROR_STATE_CORRUPT, 0, 0 },
    { "{\"format\":\"meanwhile-downloads\"}", MW_DOWNLOAD_ERROR_STATE_CORRUPT, 0, 0 },
    { "{\"format\":\"other\",\"version\":1}", MW_DOWNLOAD_ERROR_STATE_CORRUPT, 0, 0 },
    { "{\"format\":\"meanwhile-downloads\",\"version\":1,\"downloads\":{}}",
      MW_DOWNLOAD_ERROR_STATE_CORRUPT, 0, 0 },
    { "[{\"url\":\"http://h/x\"}]", MW_DOWNLOAD_ERROR_STATE_CORRUPT, 0, 0 },
    { "\"meanwhile-downloads\"", MW_DOWNLOAD_ERROR_STATE_CORRUPT, 0, 0 },
    { "{\"format\":\"meanwhile-downloads\",\"version\":1,\"downloads\":[",
      MW_DOWNLOAD_ERROR_STATE_CORRUPT, 0, 0 },
    { "not json at all", MW_DOWNLOAD_ERROR_STATE_CORRUPT, 0, 0 },
    { "", MW_DOWNLOAD_ERROR_STATE_CORRUPT, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GError) error = NULL;
      guint n_skipped = 99;

      g_test_message ("case %u: %s", i, cases[i].data);
      records = mw_download_store_parse (cases[i].data, strlen (cases[i].data), &n_skipped, &error);
      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (records);
          g_assert_cmpuint (records->len, ==, cases[i].n_records);
          g_assert_cmpuint (n_skipped, ==, cases[i].n_skipped);
        }
      else
        {
          g_assert_error (error, MW_DOWNLOAD_ERROR, cases[i].code);
          g_assert_null (records);
          assert_sentence (error->message);
        }
    }

  /* N_SKIPPED is optional. */
  {
    static const char data[] = "{\"version\":1,\"downloads\":[1,{\"url\":\"http://h/\"}]}";
    g_autoptr(GPtrArray) records = mw_download_store_parse (data, strlen (data), NULL, NULL);

    g_assert_nonnull (records);
    g_assert_cmpuint (records->len, ==, 1);
  }
}

/* An address without a host is no address mw_download_list_add() accepts, so an entry
 * holding one makes no sense and is left out like one without an address. */
static void
test_store_parse_empty_host (void)
{
  static const char data[] =
    "{\"format\":\"meanwhile-downloads\",\"version\":1,\"downloads\":"
    "[{\"url\":\"http:///no-host.bin\"},{\"url\":\"https://:443/no-host.bin\"},"
    "{\"url\":\"http://127.0.0.1:9/kept.bin\"}]}";
  g_autoptr(MwDownloadList) list = mw_download_list_new (NULL);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  guint n_skipped = 99;

  /* What the list refuses to add... */
  g_assert_null (mw_download_list_add (list, "http:///no-host.bin", NULL, &error));
  g_assert_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INVALID_URL);
  g_clear_error (&error);
  g_assert_null (mw_download_list_add (list, "https://:443/no-host.bin", NULL, &error));
  g_assert_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_INVALID_URL);
  g_clear_error (&error);

  /* ... the state file cannot bring in either. */
  records = mw_download_store_parse (data, strlen (data), &n_skipped, &error);
  g_assert_no_error (error);
  g_assert_nonnull (records);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpuint (n_skipped, ==, 2);
  g_assert_cmpstr (((MwDownloadRecord *) g_ptr_array_index (records, 0))->url, ==,
                   "http://127.0.0.1:9/kept.bin");
}

/* A state file holding nothing but white space, as a crash or a careless editor can leave
 * it, is as unreadable as an empty one, and must be reported as such without any
 * critical warning (which stops the program under G_DEBUG=fatal-criticals). */
static void
test_store_parse_blank (void)
{
  if (g_test_subprocess ())
    {
      static const char *const blanks[] = { " ", "\n", "  \n\t\r\n" };

      for (guint i = 0; i < G_N_ELEMENTS (blanks); i++)
        {
          g_autoptr(GPtrArray) records = NULL;
          g_autoptr(GError) error = NULL;

          records = mw_download_store_parse (blanks[i], strlen (blanks[i]), NULL, &error);
          g_assert_null (records);
          g_assert_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_STATE_CORRUPT);
        }
      return;
    }

  /* Its error output, the critical warning if any, goes to this test's log. */
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}


int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/format/round-trip", test_store_round_trip);
  g_test_add_func ("/store/format/record-to-download", test_store_record_to_download);
  g_test_add_func ("/store/format/parse", test_store_parse);
  g_test_add_func ("/store/format/parse-empty-host", test_store_parse_empty_host);
  g_test_add_func ("/store/format/parse-blank", test_store_parse_blank);

  return g_test_run ();
}
