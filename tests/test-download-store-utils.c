/* test-download-store-utils.c: what the tests of the downloads' state file share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fresh folder for each test, lists whose downloads never run, and a state file crafted
 * by hand with one download in every state.
 */
#define G_LOG_DOMAIN "test-download-store"

#include "config.h"

#include <string.h>

#include "test-download-store.h"

/* --- Files ------------------------------------------------------------------------- */

void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("meanwhile-download-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "downloads.json", NULL);
  fixture->state_file = g_file_new_for_path (fixture->path);
}

void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  mw_test_remove_tree (fixture->dir);
  g_clear_object (&fixture->state_file);
  g_clear_pointer (&fixture->path, g_free);
  g_clear_pointer (&fixture->dir, g_free);
}

void
write_bytes (const char *path,
             const char *data,
             gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
}

gboolean
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
GPtrArray *
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
JsonArray *
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

void
load_and_wait (MwDownloadList *list)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mw_test_download_list_load (list, &error));
  g_assert_no_error (error);
  g_assert_true (mw_download_list_get_loaded (list));
}

void
save_and_wait (MwDownloadList *list)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mw_test_download_list_save (list, &error));
  g_assert_no_error (error);
}

/* --- A list whose downloads never run ------------------------------------------------ */

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

MwDownloadState
get_arrived_state (MwDownload *download)
{
  gpointer value = g_object_get_qdata (G_OBJECT (download), arrived_quark);

  g_assert_nonnull (value);
  return (MwDownloadState) (GPOINTER_TO_INT (value) - 1);
}

TestList *
test_list_new (GFile *state_file)
{
  TestList *tl = g_new0 (TestList, 1);

  tl->list = mw_download_list_new (state_file);
  if (arrived_quark == 0)
    arrived_quark = g_quark_from_static_string ("test-download-store-arrived-state");
  g_signal_connect (tl->list, "items-changed", G_CALLBACK (items_changed_cb), tl);
  g_signal_connect (tl->list, "notify::n-active", G_CALLBACK (n_active_cb), tl);
  g_assert_false (mw_download_list_get_loaded (tl->list));
  return tl;
}

MwDownload *
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

guint
test_list_get_n_items (TestList *tl)
{
  return g_list_model_get_n_items (G_LIST_MODEL (tl->list));
}

MwDownload *
test_list_get (TestList *tl,
               guint     position)
{
  g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (tl->list), position);

  g_assert_nonnull (download);
  /* The list holds it for as long as the test looks at it. */
  return download;
}

void
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

static gboolean
held_by_test_alone (gpointer list)
{
  return g_atomic_int_get (&G_OBJECT (list)->ref_count) == 1;
}

/* Lets pending saves reach the disk, checks no download ever started, and drops the list
 * once no worker holds it any more, so that nothing writes into the folder afterwards. */
void
test_list_free (TestList *tl)
{
  /* Long enough for the queue to have had its chance to start anything. */
  mw_test_run_loop_for (50);
  assert_nothing_ran (tl);

  if (mw_download_list_get_loaded (tl->list))
    save_and_wait (tl->list);

  mw_test_wait_until (held_by_test_alone, tl->list, MW_TEST_PATIENCE_MS,
                      "the workers to let go of the list of downloads");

  g_signal_handlers_disconnect_by_data (tl->list, tl);
  g_object_unref (tl->list);
  g_free (tl);
}

/* --- The crafted state file ------------------------------------------------------------ */

/* One entry per state, in the order of the file below. */
const Expected crafted[N_CRAFTED] = {
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
char *
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

void
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

void
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
void
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

void
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
