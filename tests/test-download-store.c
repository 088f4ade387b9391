/* test-download-store.c: saving the list of downloads and reading it back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-download-store"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "mw-download-store.h"
#include "mw-error.h"
#include "test-download-store.h"

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

static gboolean
was_checked (gpointer data)
{
  return ((LoadCheck *) data)->checked;
}

/* The state file at @path holds three downloads. */
static gboolean
saved_three (gpointer path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) records = NULL;
  gsize length = 0;

  return g_file_get_contents (path, &contents, &length, NULL) &&
         (records = mw_download_store_parse (contents, length, NULL, NULL)) != NULL &&
         records->len == 3;
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
  mw_download_list_save_async (tl->list, NULL, mw_test_async_result_cb, &result);
  saved = mw_download_list_save_finish (tl->list, mw_test_async_result (&result, "the early save to end"),
                                        &error);
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
  mw_test_wait_until (was_checked, &check, MW_TEST_PATIENCE_MS, "the list of downloads to be read");

  /* The downloads from the file come first, then the one added meanwhile. */
  g_assert_null (mw_download_list_get_load_error (tl->list));
  g_assert_cmpuint (test_list_get_n_items (tl), ==, 3);
  g_assert_cmpstr (mw_download_get_url (test_list_get (tl, 0)), ==, URL_BASE "old-1.iso");
  g_assert_cmpstr (mw_download_get_url (test_list_get (tl, 1)), ==, URL_BASE "old-2.iso");
  g_assert_cmpstr (mw_download_get_url (test_list_get (tl, 2)), ==, URL_BASE "new.iso");
  g_assert_cmpint (mw_download_get_total_bytes (test_list_get (tl, 1)), ==, 200);

  /* The list then saves by itself, the added download included: wait for that. */
  mw_test_wait_until (saved_three, fixture->path, MW_TEST_PATIENCE_MS,
                      "the list to save its three downloads by itself");
  {
    g_autofree char *contents = NULL;
    g_autoptr(GPtrArray) records = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
    records = mw_download_store_parse (contents, length, NULL, NULL);
    g_assert_nonnull (records);
    g_assert_cmpstr (((MwDownloadRecord *) g_ptr_array_index (records, 0))->url, ==,
                     URL_BASE "old-1.iso");
    g_assert_cmpstr (((MwDownloadRecord *) g_ptr_array_index (records, 1))->url, ==,
                     URL_BASE "old-2.iso");
    g_assert_cmpstr (((MwDownloadRecord *) g_ptr_array_index (records, 2))->url, ==,
                     URL_BASE "new.iso");
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/list/round-trip", test_round_trip, NULL);
  ADD ("/store/list/paused-never-start", test_paused_never_start, NULL);
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
