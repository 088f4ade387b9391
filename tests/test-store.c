/* test-store.c: tests for saving the list of downloads and reading it back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mw-download-list.h"
#include "mw-download-store.h"
#include "mw-error.h"
#include "mw-test-server.h"

/* Nothing is meant to listen on the discard port of the loopback, and no download is ever
 * let run anyway: every one that arrives queued is paused at once (see TestList). */
#define URL_BASE "http://127.0.0.1:9/"

#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHA_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define SHA_B_UPPER "FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210"

#define BROKEN_PREFIX "downloads.json.broken-"

/* --- Files ------------------------------------------------------------------------- */

typedef struct
{
  char  *dir;
  char  *path;        /* DIR/downloads.json */
  GFile *state_file;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "downloads.json", NULL);
  fixture->state_file = g_file_new_for_path (fixture->path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  mw_test_remove_tree (fixture->dir);
  g_clear_object (&fixture->state_file);
  g_clear_pointer (&fixture->path, g_free);
  g_clear_pointer (&fixture->dir, g_free);
}

static void
write_bytes (const char *path,
             const char *data,
             gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
}

static gboolean
file_holds (const char *path,
            const char *data,
            gsize       length)
{
  g_autofree char *contents = NULL;
  gsize contents_length = 0;

  if (!g_file_get_contents (path, &contents, &contents_length, NULL))
    return FALSE;
  return contents_length == length && memcmp (contents, data, length) == 0;
}

/* Returns: the names of the set-aside state files in DIR, sorted */
static GPtrArray *
list_broken_files (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, BROKEN_PREFIX))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  return names;
}

/* Parses the state file as plain JSON, checks its header and returns its entries. */
static JsonArray *
read_state_file (const char *path,
                 JsonParser *parser)
{
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonNode *node;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));

  node = json_object_get_member (root, "format");
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpstr (json_node_get_string (node), ==, "meanwhile-downloads");

  node = json_object_get_member (root, "version");
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_true (json_node_get_value_type (node) == G_TYPE_INT64);
  g_assert_cmpint (json_node_get_int (node), ==, 1);

  node = json_object_get_member (root, "downloads");
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_node_get_array (node);
}

/* --- The main loop ------------------------------------------------------------------ */

static void
store_result_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
load_and_wait (MwDownloadList *list)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mw_download_list_load_async (list, NULL, store_result_cb, &result);
  g_assert_true (mw_download_list_load_finish (list, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_assert_true (mw_download_list_get_loaded (list));
}

static void
save_and_wait (MwDownloadList *list)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mw_download_list_save_async (list, NULL, store_result_cb, &result);
  g_assert_true (mw_download_list_save_finish (list, wait_for_result (&result), &error));
  g_assert_no_error (error);
}

/* --- A list whose downloads never run ------------------------------------------------ */

typedef struct
{
  MwDownloadList *list;
  guint           max_active;
} TestList;

static GQuark arrived_quark;

/* Remembers the state each download arrived in, and pauses the queued ones before the
 * list's queue (an idle callback) can start them. */
static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  TestList   *tl)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (model, i);
      MwDownloadState state = mw_download_get_state (download);

      g_assert_false (mw_download_is_active (download));
      g_object_set_qdata (G_OBJECT (download), arrived_quark, GINT_TO_POINTER (state + 1));
      if (state == MW_DOWNLOAD_QUEUED)
        {
          mw_download_pause (download);
          g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_PAUSED);
        }
    }
}

static void
n_active_cb (MwDownloadList *list,
             GParamSpec     *pspec,
             TestList       *tl)
{
  tl->max_active = MAX (tl->max_active, mw_download_list_get_n_active (list));
}

static MwDownloadState
get_arrived_state (MwDownload *download)
{
  gpointer value = g_object_get_qdata (G_OBJECT (download), arrived_quark);

  g_assert_nonnull (value);
  return (MwDownloadState) (GPOINTER_TO_INT (value) - 1);
}

static TestList *
test_list_new (GFile *state_file)
{
  TestList *tl = g_new0 (TestList, 1);

  tl->list = mw_download_list_new (state_file);
  g_signal_connect (tl->list, "items-changed", G_CALLBACK (items_changed_cb), tl);
  g_signal_connect (tl->list, "notify::n-active", G_CALLBACK (n_active_cb), tl);
  g_assert_false (mw_download_list_get_loaded (tl->list));
  return tl;
}

static MwDownload *
test_list_add (TestList   *tl,
               const char *url,
               const char *sha256)
{
  g_autoptr(GError) error = NULL;
  MwDownload *download;

  download = mw_download_list_add (tl->list, url, sha256, &error);
  g_assert_no_error (error);
  g_assert_nonnull (download);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_PAUSED);
  return download;
}

static guint
test_list_get_n_items (TestList *tl)
{
  return g_list_model_get_n_items (G_LIST_MODEL (tl->list));
}

static MwDownload *
test_list_get (TestList *tl,
               guint     position)
{
  g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (tl->list), position);

  g_assert_nonnull (download);
  /* The list holds it for as long as the test looks at it. */
  return download;
}

static void
assert_nothing_ran (TestList *tl)
{
  g_assert_cmpuint (tl->max_active, ==, 0);
  g_assert_cmpuint (mw_download_list_get_n_active (tl->list), ==, 0);
  for (guint i = 0; i < test_list_get_n_items (tl); i++)
    {
      MwDownload *download = test_list_get (tl, i);

      g_assert_false (mw_download_is_active (download));
      g_assert_cmpuint (mw_download_get_attempt (download), ==, 0);
      g_assert_cmpint (mw_download_get_state (download), !=, MW_DOWNLOAD_QUEUED);
      g_assert_cmpint (mw_download_get_state (download), !=, MW_DOWNLOAD_CONNECTING);
      g_assert_cmpint (mw_download_get_state (download), !=, MW_DOWNLOAD_DOWNLOADING);
    }
}

/* Lets pending saves reach the disk, checks no download ever started, and drops the list
 * once no worker holds it any more, so that nothing writes into the folder afterwards. */
static void
test_list_free (TestList *tl)
{
  /* Long enough for the queue to have had its chance to start anything. */
  mw_test_run_loop_for (50);
  assert_nothing_ran (tl);

  if (mw_download_list_get_loaded (tl->list))
    save_and_wait (tl->list);

  while (g_atomic_int_get (&G_OBJECT (tl->list)->ref_count) > 1)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  g_signal_handlers_disconnect_by_data (tl->list, tl);
  g_object_unref (tl->list);
  g_free (tl);
}

/* --- The crafted state file ------------------------------------------------------------ */

typedef struct
{
  const char      *url;
  const char      *final_url;     /* as the download reports it */
  const char      *file;          /* name in the test folder, or NULL */
  MwDownloadState  loaded_state;  /* as the list gives it back */
  guint64          received;
  gint64           total;
  const char      *etag;
  const char      *last_modified;
  const char      *sha256;
  const char      *error;
  gint64           added;
} Expected;

/* One entry per state, in the order of the file below. */
static const Expected crafted[] = {
  { URL_BASE "done.iso", URL_BASE "mirror/done.iso", "done.iso", MW_DOWNLOAD_COMPLETED,
    734003200, 734003200, "\"5f3a-1b2c\"", "Tue, 03 Nov 2026 10:00:00 GMT", SHA_A, NULL,
    1795000000 },
  { URL_BASE "broken.bin", URL_BASE "broken.bin", "broken.bin", MW_DOWNLOAD_FAILED,
    1048576, 2097152, NULL, "Mon, 02 Nov 2026 09:00:00 GMT", NULL,
    "The server at 127.0.0.1 closed the connection.", 1700000000 },
  { URL_BASE "moving.iso", URL_BASE "moving.iso", "moving.iso", MW_DOWNLOAD_QUEUED,
    4096, 8192, "W/\"weak\"", NULL, NULL, NULL, 1700000001 },
  { URL_BASE "calling.bin", URL_BASE "calling.bin", NULL, MW_DOWNLOAD_QUEUED,
    0, -1, NULL, NULL, NULL, NULL, 1700000002 },
  { URL_BASE "checking.iso", URL_BASE "checking.iso", "checking.iso", MW_DOWNLOAD_QUEUED,
    100, 100, NULL, NULL, SHA_B, NULL, 1700000003 },
  { URL_BASE "gone.zip", URL_BASE "gone.zip", "gone.zip", MW_DOWNLOAD_CANCELLED,
    0, 5000, NULL, NULL, NULL, NULL, 1700000004 },
  { URL_BASE "waiting.zip", URL_BASE "waiting.zip", "waiting.zip", MW_DOWNLOAD_PAUSED,
    10, 20, "\"e\"", NULL, NULL, NULL, 1700000005 },
  { URL_BASE "in-line.bin", URL_BASE "in-line.bin", NULL, MW_DOWNLOAD_QUEUED,
    0, -1, NULL, NULL, NULL, NULL, 1700000006 },
};

/* The same downloads, written as a person (or an older Meanwhile) could have. */
static char *
craft_state_file (const char *dir)
{
  return g_strdup_printf (
    "{\n"
    "  \"format\": \"meanwhile-downloads\",\n"
    "  \"version\": 1,\n"
    "  \"downloads\": [\n"
    "    { \"url\": \"" URL_BASE "done.iso\", \"final-url\": \"" URL_BASE "mirror/done.iso\",\n"
    "      \"file\": \"%s/done.iso\", \"state\": \"completed\", \"received\": 734003200,\n"
    "      \"total\": 734003200, \"etag\": \"\\\"5f3a-1b2c\\\"\",\n"
    "      \"last-modified\": \"Tue, 03 Nov 2026 10:00:00 GMT\", \"sha256\": \"" SHA_A "\",\n"
    "      \"error\": null, \"added\": 1795000000 },\n"
    "    { \"url\": \"" URL_BASE "broken.bin\", \"final-url\": null,\n"
    "      \"file\": \"%s/broken.bin\", \"state\": \"failed\", \"received\": 1048576,\n"
    "      \"total\": 2097152, \"etag\": null,\n"
    "      \"last-modified\": \"Mon, 02 Nov 2026 09:00:00 GMT\", \"sha256\": null,\n"
    "      \"error\": \"The server at 127.0.0.1 closed the connection.\",\n"
    "      \"added\": 1700000000 },\n"
    "    { \"url\": \"" URL_BASE "moving.iso\", \"file\": \"%s/moving.iso\",\n"
    "      \"state\": \"downloading\", \"received\": 4096, \"total\": 8192,\n"
    "      \"etag\": \"W/\\\"weak\\\"\", \"added\": 1700000001 },\n"
    "    { \"url\": \"" URL_BASE "calling.bin\", \"file\": null, \"state\": \"connecting\",\n"
    "      \"received\": 0, \"total\": -1, \"added\": 1700000002 },\n"
    "    { \"url\": \"" URL_BASE "checking.iso\", \"file\": \"%s/checking.iso\",\n"
    "      \"state\": \"verifying\", \"received\": 100, \"total\": 100,\n"
    "      \"sha256\": \"" SHA_B "\", \"added\": 1700000003 },\n"
    "    { \"url\": \"" URL_BASE "gone.zip\", \"file\": \"%s/gone.zip\",\n"
    "      \"state\": \"cancelled\",\n"
    "      \"received\": 0, \"total\": 5000, \"added\": 1700000004 },\n"
    "    { \"url\": \"" URL_BASE "waiting.zip\", \"file\": \"%s/waiting.zip\",\n"
    "      \"state\": \"paused\", \"received\": 10, \"total\": 20, \"etag\": \"\\\"e\\\"\",\n"
    "      \"added\": 1700000005 },\n"
    "    { \"url\": \"" URL_BASE "in-line.bin\", \"state\": \"queued\", \"added\": 1700000006 }\n"
    "  ]\n"
    "}\n",
    dir, dir, dir, dir, dir, dir);
}

static void
assert_file_path (MwDownload *download,
                  const char *dir,
                  const char *name)
{
  GFile *file = mw_download_get_file (download);

  if (name == NULL)
    {
      g_assert_null (file);
      g_assert_null (mw_download_get_filename (download));
    }
  else
    {
      g_autofree char *expected = g_build_filename (dir, name, NULL);
      g_autofree char *path = NULL;

      g_assert_nonnull (file);
      path = g_file_get_path (file);
      g_assert_cmpstr (path, ==, expected);
      g_assert_cmpstr (mw_download_get_filename (download), ==, name);
    }
}

static void
assert_expected (MwDownload     *download,
                 const Expected *expected,
                 const char     *dir)
{
  GDateTime *added = mw_download_get_added (download);

  g_assert_cmpstr (mw_download_get_url (download), ==, expected->url);
  g_assert_cmpstr (mw_download_get_final_url (download), ==, expected->final_url);
  assert_file_path (download, dir, expected->file);
  g_assert_cmpuint (mw_download_get_received_bytes (download), ==, expected->received);
  g_assert_cmpint (mw_download_get_total_bytes (download), ==, expected->total);
  g_assert_cmpstr (mw_download_get_etag (download), ==, expected->etag);
  g_assert_cmpstr (mw_download_get_last_modified (download), ==, expected->last_modified);
  g_assert_cmpstr (mw_download_get_expected_sha256 (download), ==, expected->sha256);
  g_assert_cmpstr (mw_download_get_error_message (download), ==, expected->error);
  g_assert_nonnull (added);
  g_assert_cmpint (g_date_time_to_unix (added), ==, expected->added);
}

/* Everything a person sees of a download, and everything needed to resume it. */
static void
assert_same_download (MwDownload *a,
                      MwDownload *b)
{
  GFile *file_a = mw_download_get_file (a);
  GFile *file_b = mw_download_get_file (b);

  g_assert_cmpstr (mw_download_get_url (a), ==, mw_download_get_url (b));
  g_assert_cmpstr (mw_download_get_final_url (a), ==, mw_download_get_final_url (b));
  g_assert_cmpint (mw_download_get_state (a), ==, mw_download_get_state (b));
  g_assert_true ((file_a == NULL) == (file_b == NULL));
  if (file_a != NULL)
    g_assert_true (g_file_equal (file_a, file_b));
  g_assert_cmpstr (mw_download_get_filename (a), ==, mw_download_get_filename (b));
  g_assert_cmpuint (mw_download_get_received_bytes (a), ==, mw_download_get_received_bytes (b));
  g_assert_cmpint (mw_download_get_total_bytes (a), ==, mw_download_get_total_bytes (b));
  g_assert_cmpfloat (mw_download_get_fraction (a), ==, mw_download_get_fraction (b));
  g_assert_cmpstr (mw_download_get_etag (a), ==, mw_download_get_etag (b));
  g_assert_cmpstr (mw_download_get_last_modified (a), ==, mw_download_get_last_modified (b));
  g_assert_cmpstr (mw_download_get_expected_sha256 (a), ==, mw_download_get_expected_sha256 (b));
  g_assert_cmpstr (mw_download_get_error_message (a), ==, mw_download_get_error_message (b));
  g_assert_cmpint (g_date_time_to_unix (mw_download_get_added (a)), ==,
                   g_date_time_to_unix (mw_download_get_added (b)));
}

/* --- The list and its file ------------------------------------------------------------- */

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *crafted_json = craft_state_file (fixture->dir);
  g_autoptr(JsonParser) parser = json_parser_new ();
  TestList *first, *second;
  MwDownload *added_1, *added_2;
  JsonArray *entries;
  GStatBuf st;

  write_bytes (fixture->path, crafted_json, -1);

  /* Read the crafted file: every state, every field. */
  first = test_list_new (fixture->state_file);
  load_and_wait (first->list);
  g_assert_null (mw_download_list_get_load_error (first->list));
  g_assert_cmpuint (test_list_get_n_items (first), ==, G_N_ELEMENTS (crafted));
  for (guint i = 0; i < G_N_ELEMENTS (crafted); i++)
    {
      MwDownload *download = test_list_get (first, i);

      /* Downloads that were moving come back queued, to resume; the others as they were. */
      g_assert_cmpint (get_arrived_state (download), ==, crafted[i].loaded_state);
      assert_expected (download, &crafted[i], fixture->dir);
    }
  g_assert_cmpfloat (mw_download_get_fraction (test_list_get (first, 0)), ==, 1.0);
  g_assert_cmpfloat (mw_download_get_fraction (test_list_get (first, 1)), ==, 0.5);

  /* Two more, added the way a person adds them, then paused. */
  added_1 = test_list_add (first, URL_BASE "added-1.bin", NULL);
  added_2 = test_list_add (first, "  " URL_BASE "added-2.bin?x=1&y=%20  ", SHA_B_UPPER);
  g_assert_cmpstr (mw_download_get_url (added_2), ==, URL_BASE "added-2.bin?x=1&y=%20");
  g_assert_cmpstr (mw_download_get_expected_sha256 (added_2), ==, SHA_B);
  g_assert_cmpuint (test_list_get_n_items (first), ==, G_N_ELEMENTS (crafted) + 2);
  g_assert_true (test_list_get (first, G_N_ELEMENTS (crafted)) == added_1);
  g_assert_true (test_list_get (first, G_N_ELEMENTS (crafted) + 1) == added_2);

  save_and_wait (first->list);

  /* The file is plain JSON in the documented format, readable by anyone. */
  entries = read_state_file (fixture->path, parser);
  g_assert_cmpuint (json_array_get_length (entries), ==, G_N_ELEMENTS (crafted) + 2);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      g_assert_nonnull (entry);
      g_assert_cmpstr (json_object_get_string_member (entry, "url"), ==,
                       mw_download_get_url (test_list_get (first, i)));
      g_assert_cmpstr (json_object_get_string_member (entry, "state"), ==,
                       mw_download_state_to_string (
                         mw_download_get_state (test_list_get (first, i))));
    }
  /* Only its owner can read which addresses were downloaded. */
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A new list, as after a restart, gets the very same downloads in the same order. */
  second = test_list_new (fixture->state_file);
  load_and_wait (second->list);
  g_assert_null (mw_download_list_get_load_error (second->list));
  g_assert_cmpuint (test_list_get_n_items (second), ==, test_list_get_n_items (first));
  for (guint i = 0; i < test_list_get_n_items (second); i++)
    {
      MwDownload *a = test_list_get (first, i);
      MwDownload *b = test_list_get (second, i);

      g_assert_true (a != b);
      assert_same_download (a, b);
      /* Nothing was queued in the file: every download arrives in its saved state. */
      g_assert_cmpint (get_arrived_state (b), ==, mw_download_get_state (a));
    }
  for (guint i = 0; i < G_N_ELEMENTS (crafted); i++)
    {
      MwDownload *b = test_list_get (second, i);
      MwDownloadState state = mw_download_get_state (b);

      assert_expected (b, &crafted[i], fixture->dir);
      if (crafted[i].loaded_state == MW_DOWNLOAD_QUEUED)
        g_assert_cmpint (state, ==, MW_DOWNLOAD_PAUSED);   /* paused by this test */
      else
        g_assert_cmpint (state, ==, crafted[i].loaded_state);
    }

  test_list_free (second);
  test_list_free (first);
}

static void
test_paused_never_start (Fixture       *fixture,
                         gconstpointer  data)
{
  TestList *tl = test_list_new (fixture->state_file);

  load_and_wait (tl->list);
  g_assert_null (mw_download_list_get_load_error (tl->list));
  g_assert_cmpuint (test_list_get_n_items (tl), ==, 0);

  mw_download_list_set_max_concurrent (tl->list, 1);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *url = g_strdup_printf (URL_BASE "file-%u.bin", i);
      test_list_add (tl, url, NULL);
    }
  mw_download_list_set_max_concurrent (tl->list, 8);

  /* Longer than the delay before the list saves by itself. */
  mw_test_run_loop_for (500);
  assert_nothing_ran (tl);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (mw_download_get_state (test_list_get (tl, i)), ==, MW_DOWNLOAD_PAUSED);

  /* The list saves on its own, a moment after the changes: wait for that save. */
  for (;;)
    {
      g_autoptr(GPtrArray) records = NULL;
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (fixture->path, &contents, &length, NULL) &&
          (records = mw_download_store_parse (contents, length, NULL, NULL)) != NULL &&
          records->len == 5)
        {
          for (guint i = 0; i < 5; i++)
            {
              MwDownloadRecord *record = g_ptr_array_index (records, i);
              g_autofree char *url = g_strdup_printf (URL_BASE "file-%u.bin", i);

              g_assert_cmpstr (record->url, ==, url);
              g_assert_cmpint (record->state, ==, MW_DOWNLOAD_PAUSED);
            }
          break;
        }
      mw_test_run_loop_for (20);
    }
  assert_nothing_ran (tl);

  test_list_free (tl);
}

typedef enum
{
  BROKEN_GARBAGE,
  BROKEN_TRUNCATED,
  BROKEN_EMPTY,
  BROKEN_FUTURE,
  BROKEN_NOT_OURS,
  BROKEN_DEEP,
} BrokenKind;

static GBytes *
make_broken_contents (BrokenKind  kind,
                      const char *dir)
{
  static const char garbage[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe{\"format\":\0\x01\x02";
  g_autofree char *valid = craft_state_file (dir);

  switch (kind)
    {
    case BROKEN_GARBAGE:
      return g_bytes_new (garbage, sizeof garbage - 1);
    case BROKEN_TRUNCATED:
      return g_bytes_new (valid, strlen (valid) / 2);
    case BROKEN_EMPTY:
      return g_bytes_new ("", 0);
    case BROKEN_FUTURE:
      {
        static const char future[] =
          "{\n"
          "  \"format\": \"meanwhile-downloads\",\n"
          "  \"version\": 99,\n"
          "  \"downloads\": [\n"
          "    { \"url\": \"" URL_BASE "from-the-future.bin\", \"state\": \"paused\",\n"
          "      \"resume-token\": { \"kind\": \"quantum\" } }\n"
          "  ]\n"
          "}\n";
        return g_bytes_new (future, sizeof future - 1);
      }
    case BROKEN_NOT_OURS:
      {
        static const char other[] =
          "{ \"format\": \"someone-elses-downloads\", \"version\": 1,\n"
          "  \"downloads\": [ { \"url\": \"" URL_BASE "theirs.bin\" } ] }\n";
        return g_bytes_new (other, sizeof other - 1);
      }
    case BROKEN_DEEP:
      {
        /* json-glib recurses once per level: a million would take the stack, at every
         * start, since the file would never be set aside. */
        GString *deep = g_string_new ("{\"format\":\"meanwhile-downloads\",\"version\":1,"
                                      "\"downloads\":");

        for (guint i = 0; i < 1000000; i++)
          g_string_append_c (deep, '[');
        for (guint i = 0; i < 1000000; i++)
          g_string_append_c (deep, ']');
        g_string_append_c (deep, '}');
        return g_string_free_to_bytes (deep);
      }
    default:
      g_assert_not_reached ();
    }
}

static void
assert_sentence (const char *message)
{
  gsize length;

  g_assert_nonnull (message);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  length = strlen (message);
  g_assert_cmpuint (length, >, 10);
  g_assert_true (g_unichar_isupper (g_utf8_get_char (message)) ||
                 g_unichar_isdigit (g_utf8_get_char (message)));
  g_assert_cmpint (message[length - 1], ==, '.');
}

static void
test_broken (Fixture       *fixture,
             gconstpointer  data)
{
  BrokenKind kind = GPOINTER_TO_INT (data);
  g_autoptr(GBytes) original = make_broken_contents (kind, fixture->dir);
  const char *original_data;
  gsize original_length;
  g_autoptr(GPtrArray) broken = NULL;
  g_autofree char *broken_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *load_error;
  JsonArray *entries;
  TestList *tl;

  original_data = g_bytes_get_data (original, &original_length);
  write_bytes (fixture->path, original_length > 0 ? original_data : "", (gssize) original_length);

  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);

  /* Meanwhile starts, with an empty list, and says why in a sentence. */
  g_assert_cmpuint (test_list_get_n_items (tl), ==, 0);
  load_error = mw_download_list_get_load_error (tl->list);
  g_test_message ("load error: %s", load_error);
  assert_sentence (load_error);

  /* The unreadable file was kept, byte for byte, beside where it was... */
  broken = list_broken_files (fixture->dir);
  g_assert_cmpuint (broken->len, ==, 1);
  broken_path = g_build_filename (fixture->dir, g_ptr_array_index (broken, 0), NULL);
  g_assert_true (file_holds (broken_path, original_length > 0 ? original_data : "",
                             original_length));
  /* ... and the message names it, so a person can find it. */
  g_assert_nonnull (strstr (load_error, g_ptr_array_index (broken, 0)));
  /* The old name does not hold the old bytes any more. */
  g_assert_false (file_holds (fixture->path, original_length > 0 ? original_data : "",
                              original_length));

  /* Life goes on: a new download is saved in a fresh, valid file... */
  test_list_add (tl, URL_BASE "after-the-damage.bin", NULL);
  save_and_wait (tl->list);
  entries = read_state_file (fixture->path, parser);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0),
                                                  "url"),
                   ==, URL_BASE "after-the-damage.bin");

  /* ... while the set-aside file is left alone. */
  g_clear_pointer (&broken, g_ptr_array_unref);
  broken = list_broken_files (fixture->dir);
  g_assert_cmpuint (broken->len, ==, 1);
  g_assert_true (file_holds (broken_path, original_length > 0 ? original_data : "",
                             original_length));

  test_list_free (tl);

  /* And the next start is a normal one. */
  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);
  g_assert_null (mw_download_list_get_load_error (tl->list));
  g_assert_cmpuint (test_list_get_n_items (tl), ==, 1);
  g_assert_cmpstr (mw_download_get_url (test_list_get (tl, 0)), ==,
                   URL_BASE "after-the-damage.bin");
  test_list_free (tl);

  g_clear_pointer (&broken, g_ptr_array_unref);
  broken = list_broken_files (fixture->dir);
  g_assert_cmpuint (broken->len, ==, 1);
}

/* A second damaged file never replaces the first one set aside. */
static void
test_broken_twice (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char first[] = "first damaged file {";
  static const char second[] = "second damaged file [";
  g_autoptr(GPtrArray) broken = NULL;
  gboolean found_first = FALSE, found_second = FALSE;
  TestList *tl;

  write_bytes (fixture->path, first, -1);
  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);
  assert_sentence (mw_download_list_get_load_error (tl->list));
  test_list_free (tl);

  write_bytes (fixture->path, second, -1);
  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);
  assert_sentence (mw_download_list_get_load_error (tl->list));
  test_list_free (tl);

  broken = list_broken_files (fixture->dir);
  g_assert_cmpuint (broken->len, ==, 2);
  for (guint i = 0; i < broken->len; i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, g_ptr_array_index (broken, i), NULL);

      found_first |= file_holds (path, first, strlen (first));
      found_second |= file_holds (path, second, strlen (second));
    }
  g_assert_true (found_first);
  g_assert_true (found_second);
}

static void
test_tolerant (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *json = g_strdup_printf (
    "{\n"
    "  \"version\": 1,\n"
    "  \"format\": \"meanwhile-downloads\",\n"
    "  \"comment\": \"edited by hand\",\n"
    "  \"window\": { \"width\": 800, \"height\": [1, 2] },\n"
    "  \"downloads\": [\n"
    "    { \"url\": \"" URL_BASE "first.bin\", \"state\": \"paused\", \"colour\": \"blue\",\n"
    "      \"mirrors\": [\"a\", \"b\"], \"total\": 10, \"received\": 5, \"added\": 1700000000 },\n"
    "    { \"url\": \"file:///etc/passwd\", \"state\": \"paused\" },\n"
    "    { \"state\": \"paused\", \"file\": \"%s/no-url.bin\", \"total\": 3 },\n"
    "    42,\n"
    "    \"" URL_BASE "just-a-string.bin\",\n"
    "    null,\n"
    "    { \"url\": \"" URL_BASE "mistyped.bin\", \"state\": \"paused\", \"total\": \"big\",\n"
    "      \"received\": \"lots\", \"etag\": 7, \"last-modified\": false, \"file\": true,\n"
    "      \"error\": [\"no\"], \"final-url\": {}, \"added\": \"yesterday\" },\n"
    "    { \"url\": \"" URL_BASE "odd-state.bin\", \"state\": \"exploded\", \"total\": 2.5,\n"
    "      \"received\": -7 },\n"
    "    { \"url\": \"" URL_BASE "last.bin\", \"state\": \"failed\", \"error\": \"Gone.\",\n"
    "      \"total\": 30, \"received\": 0, \"future-member\": null }\n"
    "  ]\n"
    "}\n",
    fixture->dir);
  const char *load_error;
  MwDownload *download;
  TestList *tl;

  write_bytes (fixture->path, json, -1);
  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);

  g_assert_cmpuint (test_list_get_n_items (tl), ==, 4);

  download = test_list_get (tl, 0);
  g_assert_cmpstr (mw_download_get_url (download), ==, URL_BASE "first.bin");
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_PAUSED);
  g_assert_cmpint (mw_download_get_total_bytes (download), ==, 10);
  g_assert_cmpuint (mw_download_get_received_bytes (download), ==, 5);
  g_assert_cmpint (g_date_time_to_unix (mw_download_get_added (download)), ==, 1700000000);

  /* Each mistyped member takes its default. */
  download = test_list_get (tl, 1);
  g_assert_cmpstr (mw_download_get_url (download), ==, URL_BASE "mistyped.bin");
  g_assert_cmpstr (mw_download_get_final_url (download), ==, URL_BASE "mistyped.bin");
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_PAUSED);
  g_assert_cmpint (mw_download_get_total_bytes (download), ==, -1);
  g_assert_cmpuint (mw_download_get_received_bytes (download), ==, 0);
  g_assert_null (mw_download_get_etag (download));
  g_assert_null (mw_download_get_last_modified (download));
  g_assert_null (mw_download_get_file (download));
  g_assert_null (mw_download_get_error_message (download));
  g_assert_nonnull (mw_download_get_added (download));

  /* An unknown state means "queued"; a fractional total is unknown; no negative sizes. */
  download = test_list_get (tl, 2);
  g_assert_cmpstr (mw_download_get_url (download), ==, URL_BASE "odd-state.bin");
  g_assert_cmpint (get_arrived_state (download), ==, MW_DOWNLOAD_QUEUED);
  g_assert_cmpint (mw_download_get_total_bytes (download), ==, -1);
  g_assert_cmpuint (mw_download_get_received_bytes (download), ==, 0);

  download = test_list_get (tl, 3);
  g_assert_cmpstr (mw_download_get_url (download), ==, URL_BASE "last.bin");
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_FAILED);
  g_assert_cmpstr (mw_download_get_error_message (download), ==, "Gone.");
  g_assert_cmpint (mw_download_get_total_bytes (download), ==, 30);

  /* The five entries left out are counted, in a sentence. */
  load_error = mw_download_list_get_load_error (tl->list);
  g_test_message ("load error: %s", load_error);
  assert_sentence (load_error);
  g_assert_nonnull (strstr (load_error, "5"));
  g_assert_nonnull (strstr (load_error, "left out"));

  /* Nothing was set aside: the file was readable. */
  {
    g_autoptr(GPtrArray) broken = list_broken_files (fixture->dir);
    g_assert_cmpuint (broken->len, ==, 0);
  }

  test_list_free (tl);
}

static void
test_one_skipped (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char json[] =
    "{ \"format\": \"meanwhile-downloads\", \"version\": 1, \"downloads\": [\n"
    "  { \"url\": \"ftp://127.0.0.1/file.bin\", \"state\": \"paused\" },\n"
    "  { \"url\": \"" URL_BASE "kept.bin\", \"state\": \"paused\" } ] }\n";
  const char *load_error;
  TestList *tl;

  write_bytes (fixture->path, json, -1);
  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);

  g_assert_cmpuint (test_list_get_n_items (tl), ==, 1);
  g_assert_cmpstr (mw_download_get_url (test_list_get (tl, 0)), ==, URL_BASE "kept.bin");
  load_error = mw_download_list_get_load_error (tl->list);
  assert_sentence (load_error);
  g_assert_nonnull (strstr (load_error, "left out"));

  test_list_free (tl);
}

/* json-glib refuses a whole document over one escaped surrogate that is not half of a
 * pair, or a \u escape cut short, and leaks memory doing so; such a character is read as
 * U+FFFD and the rest is kept. */
static void
test_bad_escapes (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char json[] =
    "{ \"format\": \"meanwhile-downloads\", \"version\": 1, \"downloads\": [\n"
    "  { \"url\": \"" URL_BASE "one.bin\", \"state\": \"failed\",\n"
    "    \"error\": \"Reversed \\udc00\\ud800 pair.\" },\n"
    "  { \"url\": \"" URL_BASE "two.bin\", \"state\": \"paused\",\n"
    "    \"etag\": \"\\ud800\" },\n"
    "  { \"url\": \"" URL_BASE "three.bin\", \"state\": \"paused\",\n"
    "    \"etag\": \"\\ud800x\", \"last-modified\": \"\\u00\" },\n"
    "  { \"url\": \"" URL_BASE "four.bin\", \"state\": \"failed\",\n"
    "    \"error\": \"A real pair: \\ud83d\\ude00.\" } ] }\n";
  TestList *tl;

  write_bytes (fixture->path, json, -1);
  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);

  g_assert_null (mw_download_list_get_load_error (tl->list));
  g_assert_cmpuint (test_list_get_n_items (tl), ==, 4);
  g_assert_cmpstr (mw_download_get_error_message (test_list_get (tl, 0)), ==,
                   "Reversed \357\277\275\357\277\275 pair.");
  g_assert_cmpstr (mw_download_get_etag (test_list_get (tl, 1)), ==, "\357\277\275");
  g_assert_cmpstr (mw_download_get_etag (test_list_get (tl, 2)), ==, "\357\277\275x");
  g_assert_cmpstr (mw_download_get_last_modified (test_list_get (tl, 2)), ==, "\357\277\275");
  g_assert_cmpstr (mw_download_get_error_message (test_list_get (tl, 3)), ==,
                   "A real pair: \360\237\230\200.");

  test_list_free (tl);
}

static void
test_relative_path (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"format\": \"meanwhile-downloads\", \"version\": 1, \"downloads\": [\n"
    "  { \"url\": \"" URL_BASE "a.iso\", \"file\": \"relative/a.iso\", \"state\": \"paused\" },\n"
    "  { \"url\": \"" URL_BASE "b.iso\", \"file\": \"b.iso\", \"state\": \"completed\" },\n"
    "  { \"url\": \"" URL_BASE "c.iso\", \"file\": \"../../c.iso\", \"state\": \"failed\" },\n"
    "  { \"url\": \"" URL_BASE "d.iso\", \"file\": \"~/d.iso\", \"state\": \"paused\" },\n"
    "  { \"url\": \"" URL_BASE "e.iso\", \"file\": \"\", \"state\": \"paused\" },\n"
    "  { \"url\": \"" URL_BASE "f.iso\", \"file\": \"%s/f.iso\", \"state\": \"paused\" } ] }\n",
    fixture->dir);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *entries;
  TestList *tl;

  write_bytes (fixture->path, json, -1);
  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);
  g_assert_null (mw_download_list_get_load_error (tl->list));
  g_assert_cmpuint (test_list_get_n_items (tl), ==, 6);

  /* No relative path is trusted as a place to write, whatever it is relative to. */
  for (guint i = 0; i < 5; i++)
    assert_file_path (test_list_get (tl, i), fixture->dir, NULL);
  /* The absolute one is, as the control. */
  assert_file_path (test_list_get (tl, 5), fixture->dir, "f.iso");

  g_assert_cmpint (mw_download_get_state (test_list_get (tl, 0)), ==, MW_DOWNLOAD_PAUSED);
  /* A finished download without its file cannot be shown as finished: it is queued again. */
  g_assert_cmpint (get_arrived_state (test_list_get (tl, 1)), ==, MW_DOWNLOAD_QUEUED);
  g_assert_cmpint (mw_download_get_state (test_list_get (tl, 2)), ==, MW_DOWNLOAD_FAILED);

  /* What is saved back holds no relative path either. */
  save_and_wait (tl->list);
  entries = read_state_file (fixture->path, parser);
  g_assert_cmpuint (json_array_get_length (entries), ==, 6);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonNode *file = json_object_get_member (entry, "file");

      g_assert_nonnull (file);
      if (i < 5)
        g_assert_true (JSON_NODE_HOLDS_NULL (file));
      else
        g_assert_true (g_path_is_absolute (json_node_get_string (file)));
    }

  test_list_free (tl);
}

typedef struct
{
  const char *path;
  const char *original;
  gboolean    checked;
} LoadCheck;

static void
load_check_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  LoadCheck *check = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (mw_download_list_load_finish (MW_DOWNLOAD_LIST (source_object), result, &error));
  g_assert_no_error (error);
  g_assert_true (mw_download_list_get_loaded (MW_DOWNLOAD_LIST (source_object)));
  /* Loading is done, and still nothing has written over the old list. */
  g_assert_true (file_holds (check->path, check->original, strlen (check->original)));
  check->checked = TRUE;
}

static void
test_no_save_before_load (Fixture       *fixture,
                          gconstpointer  data)
{
  static const char original[] =
    "{ \"format\": \"meanwhile-downloads\", \"version\": 1, \"downloads\": [\n"
    "  { \"url\": \"" URL_BASE "old-1.iso\", \"state\": \"paused\", \"total\": 100 },\n"
    "  { \"url\": \"" URL_BASE "old-2.iso\", \"state\": \"paused\", \"total\": 200 } ] }\n";
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LoadCheck check = { fixture->path, original, FALSE };
  gboolean saved;
  TestList *tl;

  write_bytes (fixture->path, original, -1);

  tl = test_list_new (fixture->state_file);
  g_assert_false (mw_download_list_get_loaded (tl->list));
  test_list_add (tl, URL_BASE "new.iso", NULL);

  /* Asking to save before the old list was read must not write over it. */
  mw_download_list_save_async (tl->list, NULL, store_result_cb, &result);
  saved = mw_download_list_save_finish (tl->list, wait_for_result (&result), &error);
  g_assert_true (saved || error != NULL);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_true (file_holds (fixture->path, original, strlen (original)));

  /* Not even a little later, when the list would save on its own. */
  mw_test_run_loop_for (500);
  g_assert_false (mw_download_list_get_loaded (tl->list));
  g_assert_true (file_holds (fixture->path, original, strlen (original)));
  g_assert_cmpuint (test_list_get_n_items (tl), ==, 1);

  mw_download_list_load_async (tl->list, NULL, load_check_cb, &check);
  while (!check.checked)
    g_main_context_iteration (NULL, TRUE);

  /* The downloads from the file come first, then the one added meanwhile. */
  g_assert_null (mw_download_list_get_load_error (tl->list));
  g_assert_cmpuint (test_list_get_n_items (tl), ==, 3);
  g_assert_cmpstr (mw_download_get_url (test_list_get (tl, 0)), ==, URL_BASE "old-1.iso");
  g_assert_cmpstr (mw_download_get_url (test_list_get (tl, 1)), ==, URL_BASE "old-2.iso");
  g_assert_cmpstr (mw_download_get_url (test_list_get (tl, 2)), ==, URL_BASE "new.iso");
  g_assert_cmpint (mw_download_get_total_bytes (test_list_get (tl, 1)), ==, 200);

  /* The list then saves by itself, the added download included: wait for that. */
  for (;;)
    {
      g_autofree char *contents = NULL;
      g_autoptr(GPtrArray) records = NULL;
      gsize length = 0;

      if (g_file_get_contents (fixture->path, &contents, &length, NULL) &&
          (records = mw_download_store_parse (contents, length, NULL, NULL)) != NULL &&
          records->len == 3)
        {
          g_assert_cmpstr (((MwDownloadRecord *) g_ptr_array_index (records, 0))->url, ==,
                           URL_BASE "old-1.iso");
          g_assert_cmpstr (((MwDownloadRecord *) g_ptr_array_index (records, 1))->url, ==,
                           URL_BASE "old-2.iso");
          g_assert_cmpstr (((MwDownloadRecord *) g_ptr_array_index (records, 2))->url, ==,
                           URL_BASE "new.iso");
          break;
        }
      mw_test_run_loop_for (20);
    }

  test_list_free (tl);
}

typedef struct
{
  TestList *tl;
  guint     n_changes;
  guint     n_arrived;
  gboolean  added_meanwhile;
} Arrival;

static gboolean
add_meanwhile_cb (gpointer user_data)
{
  Arrival *arrival = user_data;

  arrival->added_meanwhile = TRUE;
  test_list_add (arrival->tl, URL_BASE "added-while-loading.iso", NULL);
  return G_SOURCE_REMOVE;
}

static void
arrival_cb (GListModel *model,
            guint       position,
            guint       removed,
            guint       added,
            Arrival    *arrival)
{
  if (arrival->added_meanwhile && position == g_list_model_get_n_items (model) - 1)
    return;
  /* Saved downloads keep arriving in front of the one added while they do. */
  g_assert_cmpuint (position, ==, arrival->n_arrived);
  g_assert_false (mw_download_list_get_loaded (MW_DOWNLOAD_LIST (model)));
  if (arrival->n_changes++ == 0)
    g_idle_add_full (G_PRIORITY_DEFAULT, add_meanwhile_cb, arrival, NULL);
  arrival->n_arrived += added;
}

/* A long list arrives in batches, so that a window shows its first rows while the rest
 * come, and it arrives whole and in order, before anything added meanwhile. */
static void
test_many (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GString) json = g_string_new ("{ \"format\": \"meanwhile-downloads\", \"version\": 1, \"downloads\": [");
  const guint n = 1000;
  Arrival arrival = { NULL, };

  for (guint i = 0; i < n; i++)
    g_string_append_printf (json, "%s{ \"url\": \"" URL_BASE "file-%u.iso\", \"state\": \"%s\", \"total\": %u }",
                            i ? ",\n" : "", i, i % 2 ? "failed" : "paused", i + 1);
  g_string_append (json, "] }\n");
  write_bytes (fixture->path, json->str, (gssize) json->len);

  arrival.tl = test_list_new (fixture->state_file);
  g_signal_connect (arrival.tl->list, "items-changed", G_CALLBACK (arrival_cb), &arrival);
  load_and_wait (arrival.tl->list);
  g_signal_handlers_disconnect_by_data (arrival.tl->list, &arrival);

  g_assert_cmpuint (arrival.n_arrived, ==, n);
  g_assert_cmpuint (arrival.n_changes, >, 1);
  g_assert_true (arrival.added_meanwhile);
  g_assert_cmpuint (test_list_get_n_items (arrival.tl), ==, n + 1);
  for (guint i = 0; i < n; i++)
    {
      MwDownload *download = test_list_get (arrival.tl, i);
      g_autofree char *url = g_strdup_printf (URL_BASE "file-%u.iso", i);

      g_assert_cmpstr (mw_download_get_url (download), ==, url);
      g_assert_cmpint (mw_download_get_total_bytes (download), ==, i + 1);
      g_assert_cmpint (mw_download_get_state (download), ==, (i % 2 ? MW_DOWNLOAD_FAILED : MW_DOWNLOAD_PAUSED));
    }
  g_assert_cmpstr (mw_download_get_url (test_list_get (arrival.tl, n)), ==, URL_BASE "added-while-loading.iso");

  test_list_free (arrival.tl);
}

/* A download the list accepted must survive a restart. */
static void
test_round_trip_odd_url (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char *const urls[] = {
    URL_BASE "caf%E9.txt",              /* Latin-1 escapes, common on older servers */
    URL_BASE "search?q=%FF%FE",
    URL_BASE "plain.txt",
  };
  TestList *first, *second;
  guint n_items;

  first = test_list_new (fixture->state_file);
  load_and_wait (first->list);
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    test_list_add (first, urls[i], NULL);
  save_and_wait (first->list);

  second = test_list_new (fixture->state_file);
  load_and_wait (second->list);
  n_items = test_list_get_n_items (second);

  /* Addresses the list accepted come back, however they are escaped. */
  g_assert_cmpuint (n_items, ==, G_N_ELEMENTS (urls));
  g_assert_null (mw_download_list_get_load_error (second->list));
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    g_assert_cmpstr (mw_download_get_url (test_list_get (second, i)), ==, urls[i]);

  test_list_free (second);
  test_list_free (first);
}

/* A checksum written in capitals (as many sites publish them) is the same checksum. */
static void
test_sha256_case (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char json[] =
    "{ \"format\": \"meanwhile-downloads\", \"version\": 1, \"downloads\": [\n"
    "  { \"url\": \"" URL_BASE "checked.iso\", \"state\": \"paused\",\n"
    "    \"sha256\": \"" SHA_B_UPPER "\" } ] }\n";
  const char *sha256;
  TestList *tl;

  write_bytes (fixture->path, json, -1);
  tl = test_list_new (fixture->state_file);
  load_and_wait (tl->list);
  g_assert_cmpuint (test_list_get_n_items (tl), ==, 1);

  /* mw_download_list_add() and mw_download_set_expected_sha256() keep it in lower case,
   * which is what the transfer compares the computed digest against. */
  sha256 = mw_download_get_expected_sha256 (test_list_get (tl, 0));
  g_assert_cmpstr (sha256, ==, SHA_B);

  test_list_free (tl);
}

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
  record->added = 1795000000;
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

  arrived_quark = g_quark_from_static_string ("test-store-arrived-state");

  g_test_add_func ("/store/format/round-trip", test_store_round_trip);
  g_test_add_func ("/store/format/record-to-download", test_store_record_to_download);
  g_test_add_func ("/store/format/parse", test_store_parse);
  g_test_add_func ("/store/format/parse-empty-host", test_store_parse_empty_host);
  g_test_add_func ("/store/format/parse-blank", test_store_parse_blank);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/list/round-trip", test_round_trip, NULL);
  ADD ("/store/list/paused-never-start", test_paused_never_start, NULL);
  ADD ("/store/list/broken/garbage", test_broken, GINT_TO_POINTER (BROKEN_GARBAGE));
  ADD ("/store/list/broken/truncated", test_broken, GINT_TO_POINTER (BROKEN_TRUNCATED));
  ADD ("/store/list/broken/empty", test_broken, GINT_TO_POINTER (BROKEN_EMPTY));
  ADD ("/store/list/broken/future-version", test_broken, GINT_TO_POINTER (BROKEN_FUTURE));
  ADD ("/store/list/broken/not-ours", test_broken, GINT_TO_POINTER (BROKEN_NOT_OURS));
  ADD ("/store/list/broken/deep", test_broken, GINT_TO_POINTER (BROKEN_DEEP));
  ADD ("/store/list/broken/twice", test_broken_twice, NULL);
  ADD ("/store/list/tolerant", test_tolerant, NULL);
  ADD ("/store/list/one-skipped", test_one_skipped, NULL);
  ADD ("/store/list/bad-escapes", test_bad_escapes, NULL);
  ADD ("/store/list/relative-path", test_relative_path, NULL);
  ADD ("/store/list/no-save-before-load", test_no_save_before_load, NULL);
  ADD ("/store/list/many", test_many, NULL);
  ADD ("/store/list/round-trip-odd-url", test_round_trip_odd_url, NULL);
  ADD ("/store/list/sha256-case", test_sha256_case, NULL);

#undef ADD

  return g_test_run ();
}
