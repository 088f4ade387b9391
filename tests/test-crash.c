/* test-crash.c: downloads survive the process being killed at any moment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test runs a second copy of itself (`--child`) that loads the downloads' state file,
 * adds the test's URLs if they are not there yet and downloads them, saving its state as
 * it goes. The test kills it with SIGKILL at random moments, many times over, and after
 * every kill checks that the state file loads as it is (never set aside as damaged) and
 * that the download folder holds nothing but the files and their partial downloads.
 * At the end the child runs to completion and every file must be byte-identical to the
 * server's, with no partial file or stray name left.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "mw-download-list.h"
#include "mw-test-server.h"

#define N_FILES 3
#define FILE_SIZE (3 * 1024 * 1024)
#define N_KILLS 30

/* The child ------------------------------------------------------------------------ */

typedef struct
{
  MwDownloadList *list;
  GMainLoop      *loop;
  char          **urls;
  int             status;
} Child;

static gboolean
all_done (Child *child)
{
  GListModel *model = G_LIST_MODEL (child->list);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MwDownload) download = g_list_model_get_item (model, i);

      switch (mw_download_get_state (download))
        {
        case MW_DOWNLOAD_COMPLETED:
          break;
        case MW_DOWNLOAD_FAILED:
          g_printerr ("%s failed: %s\n", mw_download_get_url (download),
                      mw_download_get_error_message (download));
          child->status = 2;
          return TRUE;
        default:
          return FALSE;
        }
    }
  return n == g_strv_length (child->urls);
}

static void
finished_cb (MwDownloadList *list,
             MwDownload     *download,
             Child          *child)
{
  if (all_done (child))
    g_main_loop_quit (child->loop);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Child *child = user_data;
  g_autoptr(GError) error = NULL;

  if (!mw_download_list_save_finish (MW_DOWNLOAD_LIST (source), result, &error))
    {
      g_printerr ("Could not save: %s\n", error->message);
      child->status = 3;
      g_main_loop_quit (child->loop);
      return;
    }
  /* Every URL is in the state file now: from here on the test may kill at any time. */
  g_print ("ready\n");
  if (all_done (child))
    g_main_loop_quit (child->loop);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Child *child = user_data;
  GListModel *model = G_LIST_MODEL (child->list);
  g_autoptr(GError) error = NULL;

  if (!mw_download_list_load_finish (child->list, result, &error) ||
      mw_download_list_get_load_error (child->list) != NULL)
    {
      g_printerr ("The state file did not load: %s\n",
                  error != NULL ? error->message : mw_download_list_get_load_error (child->list));
      child->status = 4;
      g_main_loop_quit (child->loop);
      return;
    }

  for (guint u = 0; child->urls[u] != NULL; u++)
    {
      gboolean known = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(MwDownload) download = g_list_model_get_item (model, i);
          known |= g_strcmp0 (mw_download_get_url (download), child->urls[u]) == 0;
        }
      if (!known && mw_download_list_add (child->list, child->urls[u], NULL, &error) == NULL)
        {
          g_printerr ("Could not add %s: %s\n", child->urls[u], error->message);
          child->status = 5;
          g_main_loop_quit (child->loop);
          return;
        }
    }
  mw_download_list_save_async (child->list, NULL, saved_cb, child);
}

static void
quit_when_saved_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_main_loop_quit (user_data);
}

static int
child_main (int    argc,
            char **argv)
{
  g_autoptr(GFile) state_file = NULL;
  g_autoptr(GFile) folder = NULL;
  Child child = { 0 };

  if (argc < 5)
    return 1;

  state_file = g_file_new_for_path (argv[2]);
  folder = g_file_new_for_path (argv[3]);
  child.urls = argv + 4;
  child.loop = g_main_loop_new (NULL, FALSE);
  child.list = mw_download_list_new (state_file);
  mw_download_list_set_download_folder (child.list, folder);
  mw_download_list_set_max_concurrent (child.list, N_FILES);
  g_signal_connect (child.list, "download-finished", G_CALLBACK (finished_cb), &child);
  mw_download_list_load_async (child.list, NULL, loaded_cb, &child);
  g_main_loop_run (child.loop);

  /* Leave with the state written, as a normal quit does. */
  if (child.status == 0)
    {
      mw_download_list_save_async (child.list, NULL, quit_when_saved_cb, child.loop);
      g_main_loop_run (child.loop);
    }

  g_object_unref (child.list);
  g_main_loop_unref (child.loop);
  return child.status;
}

/* The test ------------------------------------------------------------------------- */

static char *self_path;

static GSubprocess *
spawn_child (const char  *state_path,
             const char  *folder_path,
             char       **urls)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *child;

  g_strv_builder_add_many (builder, self_path, "--child", state_path, folder_path, NULL);
  g_strv_builder_addv (builder, (const char **) urls);
  argv = g_strv_builder_end (builder);
  child = g_subprocess_newv ((const char * const *) argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  return child;
}

/* Blocks until the child says every URL is in its state file, or exits. */
static gboolean
wait_until_ready (GSubprocess *child)
{
  g_autoptr(GDataInputStream) out =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  return g_strcmp0 (line, "ready") == 0;
}

static void
check_state_loads (const char *state_path,
                   const char *state_dir,
                   guint       round)
{
  g_autoptr(GFile) state_file = g_file_new_for_path (state_path);
  g_autoptr(MwDownloadList) list = mw_download_list_new (state_file);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_true (mw_test_download_list_load (list, &error));
  g_assert_no_error (error);
  if (mw_download_list_get_load_error (list) != NULL)
    g_error ("After kill %u the state file did not load: %s", round,
             mw_download_list_get_load_error (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_FILES);

  dir = g_dir_open (state_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (strstr (name, ".broken") != NULL)
      g_error ("After kill %u the state file was set aside as %s", round, name);
}

/* Only the files and their partial downloads: no second copy under another name. */
static void
check_folder (const char  *folder_path,
              char       **names,
              gboolean     finished,
              guint        round)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder_path, 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean expected = FALSE;

      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autofree char *part = g_strconcat (names[i], ".part", NULL);
          expected |= g_str_equal (name, names[i]) || (!finished && g_str_equal (name, part));
        }
      if (!expected)
        g_error ("After kill %u the download folder holds an unexpected %s", round, name);
    }
}

static void
test_killed_at_random_moments (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("mw-crash-XXXXXX", &error);
  g_autofree char *state_dir = g_build_filename (tmp, "state", NULL);
  g_autofree char *state_path = g_build_filename (state_dir, "downloads.json", NULL);
  g_autofree char *folder_path = g_build_filename (tmp, "Downloads", NULL);
  MwTestServer *server = mw_test_server_new ();
  GBytes *bodies[N_FILES];
  char *urls[N_FILES + 1] = { NULL };
  char *names[N_FILES + 1] = { NULL };
  GSubprocess *child;
  guint kills = 0;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (state_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (folder_path, 0700), ==, 0);

  for (guint i = 0; i < N_FILES; i++)
    {
      g_autofree char *path = NULL;
      MwTestResource *resource;

      names[i] = g_strdup_printf ("file-%u.bin", i);
      path = g_strconcat ("/", names[i], NULL);
      bodies[i] = mw_test_make_bytes (FILE_SIZE, 40 + i);
      resource = mw_test_server_add (server, path, bodies[i]);
      resource->etag = g_strdup_printf ("\"v%u\"", i);
      resource->throttle_chunk = 48 * 1024;
      resource->throttle_delay_ms = 15;
      urls[i] = mw_test_server_url (server, path);
    }

  /* Kill at random moments after the child has recorded every URL: while it connects,
   * writes chunks, renames finished files and saves its state. */
  for (guint round = 0; round < N_KILLS; round++)
    {
      guint delay_ms = g_test_rand_int_range (0, 400);

      child = spawn_child (state_path, folder_path, urls);
      if (!wait_until_ready (child))
        {
          /* Everything finished before the child could say so: nothing left to kill. */
          g_subprocess_wait (child, NULL, &error);
          g_assert_no_error (error);
          g_object_unref (child);
          break;
        }
      g_usleep (delay_ms * 1000);
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      g_object_unref (child);
      kills++;

      check_state_loads (state_path, state_dir, round);
      check_folder (folder_path, names, FALSE, round);
    }
  g_test_message ("killed the downloading process %u times", kills);
  g_assert_cmpuint (kills, >, 0);

  /* A last run, left alone, finishes every download. */
  child = spawn_child (state_path, folder_path, urls);
  g_subprocess_wait_check (child, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (child);

  check_state_loads (state_path, state_dir, kills);
  check_folder (folder_path, names, TRUE, kills);
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autofree char *path = g_build_filename (folder_path, names[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (contents, length, g_bytes_get_data (bodies[i], NULL),
                       g_bytes_get_size (bodies[i]));
      g_bytes_unref (bodies[i]);
      g_free (urls[i]);
      g_free (names[i]);
    }

  mw_test_server_free (server);
  mw_test_remove_tree (tmp);
}

int
main (int    argc,
      char **argv)
{
  if (argc > 1 && g_str_equal (argv[1], "--child"))
    return child_main (argc, argv);

  self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self_path);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crash/killed-at-random-moments", test_killed_at_random_moments);
  return g_test_run ();
}
