/* test-hostile-disk.c: downloads when the disk or the folder fails them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tests run as root in CI, and root ignores permission bits. So a read-only folder
 * is either a read-only mount (in a private mount namespace, in a child process) or a
 * folder without write permission in a child process that gave up root's right to
 * override it. A full disk is a small tmpfs in a private mount namespace; a file-size
 * limit is RLIMIT_FSIZE. Where the machine allows no namespace, the tests that need one
 * say so and are skipped; the others still run everywhere.
 */
#define G_LOG_DOMAIN "test-hostile"
/* unshare() and its flags */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-hostile.h"

/* --- Restarts, private mounts and saboteurs --------------------------------------- */

/* A new list on the sandbox's state file, as Meanwhile has after a restart. */
static MwDownloadList *
reopen_list (Sandbox *sandbox)
{
  g_autoptr(GFile) state = g_file_new_for_path (sandbox->state_path);
  MwDownloadList *list = mw_download_list_new (state);
  g_autoptr(GError) error = NULL;

  mw_download_list_set_download_folder (list, sandbox->folder);
  mw_download_list_set_retry_policy (list, 4, 20, 200);
  mw_download_list_set_network_timeout (list, HOSTILE_NETWORK_TIMEOUT_S);
  mw_download_list_set_blocking_mode (list, sandbox->blocking);
  g_assert_true (load_list (list, &error));
  g_assert_no_error (error);
  g_assert_null (mw_download_list_get_load_error (list));
  return list;
}

static gsize
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (gsize) st.st_size;
}

static const char *
last_range (MwTestResource *resource)
{
  return g_ptr_array_index (resource->ranges, resource->ranges->len - 1);
}

static gboolean
write_id_map (const char *path,
              const char *map)
{
  return g_file_set_contents_full (path, map, -1, G_FILE_SET_CONTENTS_NONE, 0644, NULL);
}

/* Whether a child process could have mounts of its own. Asked of a throwaway forked
 * child that makes only system calls, so that a machine without namespaces shows the
 * tests as skipped, not as passed. */
static gboolean
private_mounts_available (void)
{
  pid_t pid = fork ();
  int status = 0;

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int flags = geteuid () == 0 ? CLONE_NEWNS : CLONE_NEWUSER | CLONE_NEWNS;

      _exit (unshare (flags) == 0 ? 0 : 1);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* Gives this child process mounts of its own, gone when it exits. Without root, a user
 * namespace makes the child root over its own mounts. Must run before any thread starts:
 * namespaces, like capabilities, belong to the thread. */
static gboolean
enter_private_mounts (char **why)
{
  uid_t uid = geteuid ();
  gid_t gid = getegid ();

  if (uid == 0 && unshare (CLONE_NEWNS) != 0)
    {
      *why = g_strdup_printf ("no private mount namespace for root: %s", g_strerror (errno));
      return FALSE;
    }
  if (uid != 0)
    {
      g_autofree char *uid_map = g_strdup_printf ("0 %u 1", (guint) uid);
      g_autofree char *gid_map = g_strdup_printf ("0 %u 1", (guint) gid);

      if (unshare (CLONE_NEWUSER | CLONE_NEWNS) != 0)
        {
          *why = g_strdup_printf ("no user and mount namespace: %s", g_strerror (errno));
          return FALSE;
        }
      if (!write_id_map ("/proc/self/setgroups", "deny") ||
          !write_id_map ("/proc/self/uid_map", uid_map) ||
          !write_id_map ("/proc/self/gid_map", gid_map))
        {
          *why = g_strdup ("could not map the user into its namespace");
          return FALSE;
        }
    }

  /* Otherwise the mounts below would show in the parent's namespace too. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    {
      *why = g_strdup_printf ("could not make the mounts private: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Something to do to the download folder while a download is under way. The server
 * holds the body after HOLD_AFTER bytes; a thread waits for them to be in the .part, acts,
 * and lets the server go on: the same order every time, and also while freezing mode
 * holds the main thread. */
typedef enum
{
  REMOVE_FOLDER,
  FORBID_WRITING,
} FolderAction;

#define HOLD_AFTER (64 * 1024)

typedef struct
{
  MwTestServer   *server;
  MwTestResource *resource;
  char           *part_path;
  char           *folder_path;
  FolderAction    action;
} Saboteur;

static gpointer
saboteur_thread (gpointer user_data)
{
  Saboteur *saboteur = user_data;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  GStatBuf st;

  while (g_stat (saboteur->part_path, &st) != 0 || (gsize) st.st_size < HOLD_AFTER)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s never reached %d bytes", saboteur->part_path, HOLD_AFTER);
      g_usleep (2000);
    }

  if (saboteur->action == REMOVE_FOLDER)
    mw_test_remove_tree (saboteur->folder_path);
  else
    g_assert_cmpint (g_chmod (saboteur->folder_path, 0555), ==, 0);
  mw_test_server_release (saboteur->server, saboteur->resource);

  g_free (saboteur->part_path);
  g_free (saboteur->folder_path);
  g_free (saboteur);
  return NULL;
}

static GThread *
sabotage (Sandbox        *sandbox,
          MwTestResource *resource,
          const char     *part_name,
          FolderAction    action)
{
  Saboteur *saboteur = g_new0 (Saboteur, 1);

  resource->hold_after = HOLD_AFTER;
  resource->held = TRUE;
  /* Room for a busy machine: the held body must not look like a stalled server. */
  mw_download_list_set_network_timeout (sandbox->list, 30);

  saboteur->server = sandbox->server;
  saboteur->resource = resource;
  saboteur->part_path = g_build_filename (sandbox->folder_path, part_name, NULL);
  saboteur->folder_path = g_strdup (sandbox->folder_path);
  saboteur->action = action;
  return g_thread_new ("saboteur", saboteur_thread, saboteur);
}

static gboolean
is_blocking (gconstpointer data)
{
  return GPOINTER_TO_INT (data);
}


/* --- A file-size limit ------------------------------------------------------------ */

/* The download stops at the limit with a sentence, keeps its .part, and the list saved at
 * that moment brings it back after a restart; once the limit is lifted, Try Again resumes
 * from the .part. */
static void
test_file_size_limit (gconstpointer data)
{
  const gsize limit = 256 * 1024;
  g_autofree char *root = g_dir_make_tmp ("meanwhile-hostile-XXXXXX", NULL);
  g_autoptr(GBytes) body = mw_test_make_bytes (1024 * 1024, 201);
  g_autofree char *part_path = NULL;
  g_autofree char *message = NULL;
  g_autofree char *range = NULL;
  g_autoptr(MwDownload) reloaded = NULL;
  struct rlimit old_limit, new_limit;
  MwTestResource *resource;
  MwDownload *download;
  Sandbox sandbox;
  void (*old_handler) (int);

  sandbox_init (&sandbox, root, TRUE, is_blocking (data));
  g_assert_true (load_list (sandbox.list, NULL));
  resource = sandbox_serve (&sandbox, "/huge.bin", body);

  /* Past the limit, write() fails with EFBIG instead of the process being killed. */
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  new_limit = old_limit;
  new_limit.rlim_cur = limit;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &new_limit), ==, 0);

  download = sandbox_add_path (&sandbox, "/huge.bin");
  sandbox_wait_finished (&sandbox, download, 60);
  assert_outcome (&sandbox, download, body, OUTCOME_FAILED, "too large");
  g_assert_cmpuint (resource->requests, ==, 1);
  part_path = dup_part_path (download);
  g_assert_cmpuint (file_size (part_path), ==, limit);
  message = g_strdup (mw_download_get_error_message (download));

  /* The state file, written under the same limit, holds the failed download. */
  save_list (sandbox.list);
  g_clear_object (&sandbox.list);
  sandbox.list = reopen_list (&sandbox);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sandbox.list)), ==, 1);
  reloaded = g_list_model_get_item (G_LIST_MODEL (sandbox.list), 0);
  g_assert_cmpint (mw_download_get_state (reloaded), ==, MW_DOWNLOAD_FAILED);
  g_assert_cmpstr (mw_download_get_error_message (reloaded), ==, message);
  g_assert_nonnull (mw_download_get_file (reloaded));
  assert_two_outcomes (&sandbox, reloaded, body);

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  signal (SIGXFSZ, old_handler);

  mw_download_retry (reloaded);
  sandbox_wait_finished (&sandbox, reloaded, 60);
  assert_outcome (&sandbox, reloaded, body, OUTCOME_COMPLETED, NULL);
  range = g_strdup_printf ("bytes=%zu-", limit);
  g_assert_cmpstr (last_range (resource), ==, range);

  sandbox_clear (&sandbox);
  mw_test_remove_tree (root);
}

/* --- A full disk ------------------------------------------------------------------ */

static void
full_disk_in_child (gboolean blocking)
{
  g_autofree char *why = NULL;
  g_autofree char *root = NULL;
  g_autofree char *part_path = NULL;
  g_autofree char *range = NULL;
  g_autoptr(GBytes) small = mw_test_make_bytes (20000, 202);
  g_autoptr(GBytes) big = mw_test_make_bytes (2 * 1024 * 1024, 203);
  g_autoptr(MwDownloadList) reopened = NULL;
  MwTestResource *resource;
  MwDownload *first, *download;
  Sandbox sandbox;

  if (!enter_private_mounts (&why))
    g_error ("%s", why);

  root = g_dir_make_tmp ("meanwhile-hostile-XXXXXX", NULL);
  g_assert_cmpint (mount ("tmpfs", root, "tmpfs", 0, "size=512k,mode=0755"), ==, 0);

  sandbox_init (&sandbox, root, TRUE, blocking);
  g_assert_true (load_list (sandbox.list, NULL));
  sandbox_serve (&sandbox, "/small.bin", small);
  resource = sandbox_serve (&sandbox, "/big.bin", big);

  first = sandbox_add_path (&sandbox, "/small.bin");
  sandbox_wait_finished (&sandbox, first, 60);
  g_assert_cmpint (mw_download_get_state (first), ==, MW_DOWNLOAD_COMPLETED);
  save_list (sandbox.list);

  download = sandbox_add_path (&sandbox, "/big.bin");
  sandbox_wait_finished (&sandbox, download, 60);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_FAILED);
  g_assert_nonnull (strstr (mw_download_get_error_message (download), "not enough space"));
  part_path = dup_part_path (download);
  g_assert_cmpuint (file_size (part_path), >, 100 * 1024);

  /* The list could not be saved on the full disk, but what was saved stays whole. */
  mw_test_run_loop_for (500);
  reopened = reopen_list (&sandbox);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reopened)), >=, 1);
  g_clear_object (&reopened);

  /* The small download is done and is no business of the checker. */
  mw_download_list_remove (sandbox.list, first, FALSE);
  {
    g_autofree char *small_path = g_build_filename (sandbox.folder_path, "small.bin", NULL);
    g_assert_cmpint (g_unlink (small_path), ==, 0);
  }
  assert_outcome (&sandbox, download, big, OUTCOME_FAILED, "not enough space");

  /* Space is freed: Try Again resumes where the disk ran out. */
  g_assert_cmpint (mount (NULL, root, NULL, MS_REMOUNT, "size=8m,mode=0755"), ==, 0);
  range = g_strdup_printf ("bytes=%zu-", file_size (part_path));
  mw_download_retry (download);
  sandbox_wait_finished (&sandbox, download, 60);
  assert_outcome (&sandbox, download, big, OUTCOME_COMPLETED, NULL);
  g_assert_cmpstr (last_range (resource), ==, range);

  save_list (sandbox.list);
  reopened = reopen_list (&sandbox);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reopened)), ==, 1);
  g_clear_object (&reopened);

  sandbox_clear (&sandbox);
  g_assert_cmpint (umount2 (root, MNT_DETACH), ==, 0);
  mw_test_remove_tree (root);
  g_assert_false (g_file_test (root, G_FILE_TEST_EXISTS));
}

static void
test_full_disk (gconstpointer data)
{
  if (g_test_subprocess ())
    full_disk_in_child (is_blocking (data));
  else if (!private_mounts_available ())
    g_test_skip ("This machine gives no process mounts of its own, so no small disk to fill");
  else
    run_in_child ();
}

/* --- A folder that becomes read-only, or goes away -------------------------------- */

static void
read_only_mount_in_child (gboolean blocking)
{
  g_autofree char *why = NULL;
  g_autofree char *root = g_dir_make_tmp ("meanwhile-hostile-XXXXXX", NULL);
  g_autofree char *part_path = NULL;
  g_autoptr(GBytes) body = mw_test_make_bytes (300000, 204);
  g_autoptr(GBytes) kept = NULL;
  g_autoptr(GBytes) still_kept = NULL;
  MwTestResource *resource;
  MwDownload *download;
  Sandbox sandbox;

  if (!enter_private_mounts (&why))
    g_error ("%s", why);

  sandbox_init (&sandbox, root, FALSE, blocking);
  /* The folder on a mount of its own, that can be made read-only by itself. */
  g_assert_cmpint (mount (sandbox.folder_path, sandbox.folder_path, NULL, MS_BIND, NULL), ==, 0);

  /* A first attempt that ends with part of the file, and a failure. */
  resource = sandbox_serve (&sandbox, "/ro.bin", body);
  resource->cut_after = 100000;
  resource->cut_times = 1;
  mw_download_list_set_retry_policy (sandbox.list, 1, 20, 20);
  download = sandbox_add_path (&sandbox, "/ro.bin");
  sandbox_wait_finished (&sandbox, download, 60);
  assert_outcome (&sandbox, download, body, OUTCOME_FAILED, "before the file was complete");
  part_path = dup_part_path (download);
  kept = read_file_bytes (part_path);
  g_assert_cmpuint (g_bytes_get_size (kept), ==, 100000);

  /* The folder becomes read-only: resuming fails with a sentence, the .part untouched. */
  g_assert_cmpint (mount (NULL, sandbox.folder_path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), ==, 0);
  mw_download_retry (download);
  sandbox_wait_finished (&sandbox, download, 60);
  assert_outcome (&sandbox, download, body, OUTCOME_FAILED, "may not write");
  still_kept = read_file_bytes (part_path);
  g_assert_true (g_bytes_equal (kept, still_kept));

  /* Writable again: Try Again resumes from the .part. */
  g_assert_cmpint (mount (NULL, sandbox.folder_path, NULL, MS_REMOUNT | MS_BIND, NULL), ==, 0);
  mw_download_retry (download);
  sandbox_wait_finished (&sandbox, download, 60);
  assert_outcome (&sandbox, download, body, OUTCOME_COMPLETED, NULL);
  g_assert_cmpstr (last_range (resource), ==, "bytes=100000-");

  g_assert_cmpint (umount2 (sandbox.folder_path, MNT_DETACH), ==, 0);
  sandbox_clear (&sandbox);
  mw_test_remove_tree (root);
  g_assert_false (g_file_test (root, G_FILE_TEST_EXISTS));
}

static void
test_read_only_mount (gconstpointer data)
{
  if (g_test_subprocess ())
    read_only_mount_in_child (is_blocking (data));
  else if (!private_mounts_available ())
    g_test_skip ("This machine gives no process mounts of its own, so none to make read-only");
  else
    run_in_child ();
}

/* Write permission goes away while the file arrives: every byte is kept in the .part,
 * the rename to the final name is refused with a sentence, and Try Again finishes without
 * downloading anything twice. */
static void
forbidden_folder_in_child (gboolean blocking)
{
  g_autofree char *root = NULL;
  g_autofree char *part_path = NULL;
  g_autoptr(GBytes) body = mw_test_make_bytes (300000, 205);
  g_autoptr(GBytes) kept = NULL;
  MwTestResource *resource;
  MwDownload *download;
  GThread *saboteur;
  Sandbox sandbox;

  drop_permission_override ();

  root = g_dir_make_tmp ("meanwhile-hostile-XXXXXX", NULL);
  sandbox_init (&sandbox, root, FALSE, blocking);
  resource = sandbox_serve (&sandbox, "/forbidden.bin", body);

  saboteur = sabotage (&sandbox, resource, "forbidden.bin.part", FORBID_WRITING);
  download = sandbox_add_path (&sandbox, "/forbidden.bin");
  sandbox_wait_finished (&sandbox, download, 60);
  g_thread_join (saboteur);

  assert_outcome (&sandbox, download, body, OUTCOME_FAILED, "may not write");
  part_path = dup_part_path (download);
  kept = read_file_bytes (part_path);
  g_assert_true (g_bytes_equal (kept, body));

  g_assert_cmpint (g_chmod (sandbox.folder_path, 0755), ==, 0);
  mw_download_retry (download);
  sandbox_wait_finished (&sandbox, download, 60);
  assert_outcome (&sandbox, download, body, OUTCOME_COMPLETED, NULL);
  g_assert_cmpuint (resource->requests, ==, 2);
  g_assert_cmpstr (last_range (resource), ==, "bytes=300000-");

  sandbox_clear (&sandbox);
  mw_test_remove_tree (root);
}

static void
test_forbidden_folder (gconstpointer data)
{
  if (g_test_subprocess ())
    {
      forbidden_folder_in_child (is_blocking (data));
      return;
    }
  run_in_child ();
}

/* The folder is deleted mid-download, and the .part with it. Meanwhile does not quietly
 * recreate it and start again (deleting it may well have been meant): the download fails
 * and says so, and Try Again makes the folder anew and starts over. */
static void
test_folder_removed (gconstpointer data)
{
  g_autofree char *root = g_dir_make_tmp ("meanwhile-hostile-XXXXXX", NULL);
  g_autoptr(GBytes) body = mw_test_make_bytes (400000, 206);
  MwTestResource *resource;
  MwDownload *download;
  GThread *saboteur;
  Sandbox sandbox;

  sandbox_init (&sandbox, root, FALSE, is_blocking (data));
  resource = sandbox_serve (&sandbox, "/vanishing.bin", body);

  saboteur = sabotage (&sandbox, resource, "vanishing.bin.part", REMOVE_FOLDER);
  download = sandbox_add_path (&sandbox, "/vanishing.bin");
  sandbox_wait_finished (&sandbox, download, 60);
  g_thread_join (saboteur);

  assert_outcome (&sandbox, download, body, OUTCOME_FAILED, "deleted");
  g_assert_false (g_file_test (sandbox.folder_path, G_FILE_TEST_EXISTS));

  mw_download_retry (download);
  sandbox_wait_finished (&sandbox, download, 60);
  assert_outcome (&sandbox, download, body, OUTCOME_COMPLETED, NULL);
  g_assert_cmpuint (resource->requests, ==, 2);
  g_assert_cmpstr (last_range (resource), ==, "");

  sandbox_clear (&sandbox);
  mw_test_remove_tree (root);
}

/* Something else took the folder's name: a sentence, and the file is left alone. */
static void
test_folder_is_a_file (gconstpointer data)
{
  g_autofree char *root = g_dir_make_tmp ("meanwhile-hostile-XXXXXX", NULL);
  g_autoptr(GBytes) body = mw_test_make_bytes (5000, 207);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  MwDownload *download;
  Sandbox sandbox;

  sandbox_init (&sandbox, root, FALSE, is_blocking (data));
  g_assert_cmpint (g_rmdir (sandbox.folder_path), ==, 0);
  g_file_set_contents (sandbox.folder_path, "not a folder", -1, &error);
  g_assert_no_error (error);
  sandbox_serve (&sandbox, "/nowhere.bin", body);

  download = sandbox_add_path (&sandbox, "/nowhere.bin");
  sandbox_wait_finished (&sandbox, download, 60);
  assert_outcome (&sandbox, download, body, OUTCOME_FAILED, "not a folder");
  after = read_file_bytes (sandbox.folder_path);
  g_assert_cmpmem (g_bytes_get_data (after, NULL), g_bytes_get_size (after), "not a folder", 12);

  sandbox_clear (&sandbox);
  mw_test_remove_tree (root);
}

void
hostile_disk_add_tests (void)
{
  static const struct
  {
    const char   *name;
    GTestDataFunc func;
  } disk_tests[] = {
    { "file-size-limit", test_file_size_limit },
    { "full-disk", test_full_disk },
    { "read-only-mount", test_read_only_mount },
    { "forbidden-folder", test_forbidden_folder },
    { "folder-removed", test_folder_removed },
    { "folder-is-a-file", test_folder_is_a_file },
  };

  for (guint m = 0; m < 2; m++)
    for (guint i = 0; i < G_N_ELEMENTS (disk_tests); i++)
      {
        g_autofree char *path = g_strdup_printf ("/hostile/%s/disk/%s", m == 1 ? "freezing" : "responsive",
                                                 disk_tests[i].name);

        g_test_add_data_func (path, GINT_TO_POINTER (m == 1), disk_tests[i].func);
      }
}
