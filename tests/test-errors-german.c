/* test-errors-german.c: downloads that failed in an English session, and gone feeds, read in German after a restart; the words of older state files kept
 *
 * Runs with LANGUAGE=de and C.UTF-8, like test-locale, with MW_LOCALE_DIR pointing at the
 * build's compiled catalogue. The English session is a second copy of this program,
 * started with LANGUAGE=en: it fails two real downloads against loopback servers and
 * saves its list, as Meanwhile would before a restart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-errors-german"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mw-download-format.h"
#include "mw-download-list.h"
#include "mw-test-server.h"

#define ENGLISH_404 "The file was not found on 127.0.0.1 (error 404). Check the address."
#define GERMAN_404  "Die Datei wurde auf 127.0.0.1 nicht gefunden (Fehler 404). Überprüfen Sie die Adresse."
#define ENGLISH_STUCK "No progress for 1 second: 127.0.0.1 refused the connection. " \
                      "Check the address or try again later."
#define GERMAN_STUCK "Seit 1 Sekunde kein Fortschritt: 127.0.0.1 hat die Verbindung abgelehnt. " \
                     "Überprüfen Sie die Adresse oder versuchen Sie es später erneut."

/* As main.c does, with the catalogue from the build tree. */
static void
set_up_gettext (void)
{
  const char *locale_dir = g_getenv ("MW_LOCALE_DIR");

  g_assert_nonnull (locale_dir);
  g_assert_nonnull (setlocale (LC_ALL, ""));
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static MwDownloadList *
list_new (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "downloads.json", NULL);
  g_autoptr(GFile) state_file = g_file_new_for_path (path);
  g_autofree char *folder_path = g_build_filename (dir, "files", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (folder_path);
  MwDownloadList *list = mw_download_list_new (state_file);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder_path, 0700), ==, 0);
  mw_download_list_set_download_folder (list, folder);
  g_assert_true (mw_test_download_list_load (list, &error));
  g_assert_no_error (error);
  g_assert_null (mw_download_list_get_load_error (list));
  return list;
}

static MwDownload *
list_get (MwDownloadList *list,
          guint           position)
{
  g_autoptr(MwDownload) download = g_list_model_get_item (G_LIST_MODEL (list), position);

  g_assert_nonnull (download);
  return download;   /* the list holds it */
}

/* --- The English session ------------------------------------------------------------ */

/* Fails a download with a 404 and one whose server refuses every connection for longer
 * than the network budget, then saves the list in DIR. */
static int
fail_in_english (const char *dir)
{
  g_autoptr(MwTestServer) server = mw_test_server_new ();
  g_autoptr(MwTestServer) door = mw_test_server_new ();
  g_autoptr(GBytes) body = mw_test_make_bytes (1000, 7);
  g_autofree char *missing_url = mw_test_server_url (server, "/missing.bin");
  g_autofree char *stuck_url = mw_test_server_url (door, "/stuck.bin");
  MwDownloadList *list;
  MwDownload *missing;
  MwDownload *stuck;
  g_autoptr(GError) error = NULL;

  set_up_gettext ();
  g_assert_cmpstr (_("Failed: %s"), ==, "Failed: %s");

  mw_test_server_add (door, "/stuck.bin", body);
  mw_test_server_set_refusing (door, TRUE);

  list = list_new (dir);
  mw_download_list_set_retry_policy (list, 2, 20, 20);
  mw_download_list_set_network_budget (list, 1);
  missing = mw_download_list_add (list, missing_url, NULL, &error);
  g_assert_no_error (error);
  stuck = mw_download_list_add (list, stuck_url, NULL, &error);
  g_assert_no_error (error);

  mw_test_wait_until_finished (missing);
  mw_test_wait_until_finished (stuck);
  g_assert_cmpint (mw_download_get_state (missing), ==, MW_DOWNLOAD_FAILED);
  g_assert_cmpstr (mw_download_get_error_message (missing), ==, ENGLISH_404);
  g_assert_cmpint (mw_download_get_state (stuck), ==, MW_DOWNLOAD_FAILED);
  g_assert_cmpstr (mw_download_get_error_message (stuck), ==, ENGLISH_STUCK);

  g_assert_true (mw_test_download_list_save (list, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (list);
  return 0;
}

/* --- The German session --------------------------------------------------------------- */

static char *own_path;

static void
run_english_session (const char *dir)
{
  const char *argv[] = { own_path, "--fail-in-english", dir, NULL };
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "LANGUAGE", "en", TRUE);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait_status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (wait_status, NULL))
    g_error ("The English session failed:\n%s%s", out, err);
}

/* Returns: the downloads' records as written in DIR, read as plain JSON */
static JsonArray *
read_records (const char *dir,
              JsonParser *parser)
{
  g_autofree char *path = g_build_filename (dir, "downloads.json", NULL);
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
  return json_object_get_array_member (root, "downloads");
}

static JsonObject *
record_at (JsonArray *records,
           guint      i)
{
  return json_array_get_object_element (records, i);
}

static const char *
error_kind_of (JsonObject *record)
{
  JsonNode *info = json_object_get_member (record, "error-info");

  g_assert_nonnull (info);
  if (JSON_NODE_HOLDS_NULL (info))
    return NULL;
  return json_object_get_string_member (json_node_get_object (info), "kind");
}

/* Two downloads failed while Meanwhile spoke English; after a restart in German, their
 * rows say why in German, and the list saved again keeps both a German sentence and what
 * went wrong. */
static void
test_english_failures_read_in_german (void)
{
  g_autofree char *dir = g_dir_make_tmp ("meanwhile-errors-german-XXXXXX", NULL);
  g_autoptr(JsonParser) english = json_parser_new ();
  g_autoptr(JsonParser) german = json_parser_new ();
  JsonArray *records;
  JsonObject *info;
  MwDownloadList *list;
  MwDownload *missing;
  MwDownload *stuck;
  g_autofree char *status = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (_("Failed: %s"), ==, "Fehlgeschlagen: %s");
  run_english_session (dir);

  /* What the English session wrote: its sentences… */
  records = read_records (dir, english);
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (record_at (records, 0), "error"), ==, ENGLISH_404);
  g_assert_cmpstr (json_object_get_string_member (record_at (records, 1), "error"), ==, ENGLISH_STUCK);

  /* …read back in German: the rows say it in German. */
  list = list_new (dir);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  missing = list_get (list, 0);
  stuck = list_get (list, 1);
  g_assert_cmpint (mw_download_get_state (missing), ==, MW_DOWNLOAD_FAILED);
  g_assert_cmpstr (mw_download_get_error_message (missing), ==, GERMAN_404);
  status = mw_format_download_status (missing, 0);
  g_assert_cmpstr (status, ==, "Fehlgeschlagen: " GERMAN_404);
  g_assert_cmpint (mw_download_get_state (stuck), ==, MW_DOWNLOAD_FAILED);
  g_assert_cmpstr (mw_download_get_error_message (stuck), ==, GERMAN_STUCK);

  /* What made that possible: the English file said what went wrong, apart from its words. */
  g_assert_cmpstr (error_kind_of (record_at (records, 0)), ==, "http-status");
  info = json_object_get_object_member (record_at (records, 0), "error-info");
  g_assert_cmpint (json_object_get_int_member (info, "status"), ==, 404);
  g_assert_cmpstr (json_object_get_string_member (info, "host"), ==, "127.0.0.1");
  g_assert_cmpstr (error_kind_of (record_at (records, 1)), ==, "no-progress");
  info = json_object_get_object_member (record_at (records, 1), "error-info");
  g_assert_cmpint (json_object_get_int_member (info, "seconds"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (info, "cause"), "kind"), ==,
                   "connection-refused");

  /* Saved again: the sentence as it reads now, and the same failure. */
  g_assert_true (mw_test_download_list_save (list, &error));
  g_assert_no_error (error);
  records = read_records (dir, german);
  g_assert_cmpstr (json_object_get_string_member (record_at (records, 0), "error"), ==, GERMAN_404);
  g_assert_cmpstr (error_kind_of (record_at (records, 0)), ==, "http-status");
  g_assert_cmpstr (json_object_get_string_member (record_at (records, 1), "error"), ==, GERMAN_STUCK);
  g_assert_cmpstr (error_kind_of (record_at (records, 1)), ==, "no-progress");

  g_assert_finalize_object (list);
  mw_test_remove_tree (dir);
}

/* A file written before failures had kinds, or by a later version with a kind this one
 * does not know: each download shows the sentence the file holds, and keeps it. */
static void
test_older_words_kept (void)
{
  static const char state[] =
    "{ \"format\": \"meanwhile-downloads\", \"version\": 1, \"downloads\": [\n"
    "  { \"url\": \"http://127.0.0.1:9/older.bin\", \"state\": \"failed\",\n"
    "    \"error\": \"The server sent something odd.\" },\n"
    "  { \"url\": \"http://127.0.0.1:9/later.bin\", \"state\": \"failed\",\n"
    "    \"error\": \"Written by a later version.\",\n"
    "    \"error-info\": { \"kind\": \"a-kind-from-a-later-version\", \"host\": \"127.0.0.1\" } },\n"
    "  { \"url\": \"http://127.0.0.1:9/stuck.bin\", \"state\": \"failed\",\n"
    "    \"error\": \"No progress for 10 minutes: 127.0.0.1 stopped answering.\",\n"
    "    \"error-info\": { \"kind\": \"no-progress\", \"host\": \"127.0.0.1\", \"seconds\": 600,\n"
    "                    \"cause\": { \"kind\": \"timed-out\", \"host\": \"127.0.0.1\" } } },\n"
    "  { \"url\": \"http://127.0.0.1:9/quiet.bin\", \"state\": \"failed\", \"error\": null }\n"
    "] }\n";
  g_autofree char *dir = g_dir_make_tmp ("meanwhile-errors-german-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "downloads.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  JsonArray *records;
  MwDownloadList *list;

  g_file_set_contents (path, state, -1, &error);
  g_assert_no_error (error);

  list = list_new (dir);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
  g_assert_cmpstr (mw_download_get_error_message (list_get (list, 0)), ==, "The server sent something odd.");
  status = mw_format_download_status (list_get (list, 0), 0);
  g_assert_cmpstr (status, ==, "Fehlgeschlagen: The server sent something odd.");
  g_assert_cmpstr (mw_download_get_error_message (list_get (list, 1)), ==, "Written by a later version.");
  g_assert_cmpstr (mw_download_get_error_message (list_get (list, 2)), ==,
                   "Seit 10 Minuten kein Fortschritt: 127.0.0.1 antwortet nicht mehr.");
  g_assert_null (mw_download_get_error_message (list_get (list, 3)));

  /* Written back, the older words stay as they were, with nothing made up about them. */
  g_assert_true (mw_test_download_list_save (list, &error));
  g_assert_no_error (error);
  records = read_records (dir, parser);
  g_assert_cmpstr (json_object_get_string_member (record_at (records, 0), "error"), ==,
                   "The server sent something odd.");
  g_assert_null (error_kind_of (record_at (records, 0)));
  g_assert_cmpstr (json_object_get_string_member (record_at (records, 1), "error"), ==,
                   "Written by a later version.");
  g_assert_null (error_kind_of (record_at (records, 1)));
  g_assert_cmpstr (error_kind_of (record_at (records, 2)), ==, "no-progress");
  g_assert_true (json_object_get_null_member (record_at (records, 3), "error"));
  g_assert_null (error_kind_of (record_at (records, 3)));

  g_assert_finalize_object (list);
  mw_test_remove_tree (dir);
}

/* A feed that answered 410 Gone is never asked for again, so nothing would say its error
 * anew: being gone is what went wrong, and says it in German. A feed's other errors are
 * said anew by its next refresh. */
static void
test_gone_feed_read_in_german (void)
{
  static const char state[] =
    "{ \"format\": \"meanwhile-feeds\", \"version\": 1, \"feeds\": [\n"
    "  { \"url\": \"http://127.0.0.1:9/gone.xml\", \"title\": \"Gone\", \"gone\": true,\n"
    "    \"error\": \"This feed was removed from its server for good (410 Gone). "
    "You can unsubscribe from it.\", \"items\": [] },\n"
    "  { \"url\": \"http://127.0.0.1:9/here.xml\", \"title\": \"Here\", \"gone\": false,\n"
    "    \"error\": \"The server sent something odd.\", \"items\": [] }\n"
    "] }\n";
  g_autofree char *dir = g_dir_make_tmp ("meanwhile-errors-german-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "feeds.json", NULL);
  g_autoptr(GFile) state_file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(MwFeed) gone = NULL;
  g_autoptr(MwFeed) here = NULL;
  MwFeedList *list;

  g_file_set_contents (path, state, -1, &error);
  g_assert_no_error (error);

  list = mw_feed_list_new (state_file);
  g_assert_true (mw_test_feed_list_load (list, &error));
  g_assert_no_error (error);
  g_assert_null (mw_feed_list_get_load_error (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  gone = g_list_model_get_item (G_LIST_MODEL (list), 0);
  here = g_list_model_get_item (G_LIST_MODEL (list), 1);
  g_assert_true (mw_feed_get_gone (gone));
  g_assert_cmpstr (mw_feed_get_error_message (gone), ==,
                   "Dieser Feed wurde dauerhaft von seinem Server entfernt (410 Gone). "
                   "Sie können sein Abonnement beenden.");
  g_assert_cmpstr (mw_feed_get_error_message (here), ==, "The server sent something odd.");

  g_clear_object (&gone);
  g_clear_object (&here);
  g_assert_finalize_object (list);
  mw_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *german = NULL;
  int status;

  if (argc == 3 && g_str_equal (argv[1], "--fail-in-english"))
    return fail_in_english (argv[2]);

  g_test_init (&argc, &argv, NULL);
  german = mw_test_use_german_messages ();
  set_up_gettext ();
  own_path = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (own_path);

  g_test_add_func ("/errors/german/english-failures-read-in-german", test_english_failures_read_in_german);
  g_test_add_func ("/errors/german/older-words-kept", test_older_words_kept);
  g_test_add_func ("/errors/german/gone-feed-read-in-german", test_gone_feed_read_in_german);

  status = g_test_run ();
  g_free (own_path);
  if (german != NULL)
    mw_test_remove_tree (german);
  return status;
}
