/* test-hostile-sandbox.c: the folder, the list and the checker the hostile tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-hostile"

#include "config.h"

#include <glib/gstdio.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test-hostile.h"

#define SUBPROCESS_TIMEOUT_US (120 * G_USEC_PER_SEC)

void
sandbox_init (Sandbox    *sandbox,
              const char *root,
              gboolean    with_state_file,
              gboolean    blocking)
{
  g_autoptr(GFile) state = NULL;

  memset (sandbox, 0, sizeof *sandbox);
  sandbox->root = g_strdup (root);
  sandbox->folder_path = g_build_filename (root, "downloads", NULL);
  sandbox->folder = g_file_new_for_path (sandbox->folder_path);
  g_assert_cmpint (g_mkdir (sandbox->folder_path, 0755), ==, 0);
  if (with_state_file)
    {
      sandbox->state_path = g_build_filename (root, "downloads.json", NULL);
      state = g_file_new_for_path (sandbox->state_path);
    }

  sandbox->blocking = blocking;
  sandbox->server = mw_test_server_new ();
  sandbox->list = mw_download_list_new (state);
  mw_download_list_set_download_folder (sandbox->list, sandbox->folder);
  mw_download_list_set_retry_policy (sandbox->list, 4, 20, 200);
  mw_download_list_set_network_timeout (sandbox->list, HOSTILE_NETWORK_TIMEOUT_S);
  mw_download_list_set_blocking_mode (sandbox->list, blocking);
}

void
sandbox_clear (Sandbox *sandbox)
{
  /* Let the last callbacks (closing streams) run before the server goes. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_clear_object (&sandbox->list);
  g_clear_pointer (&sandbox->server, mw_test_server_free);
  g_clear_object (&sandbox->folder);
  g_clear_pointer (&sandbox->folder_path, g_free);
  g_clear_pointer (&sandbox->state_path, g_free);
  g_clear_pointer (&sandbox->root, g_free);
}

MwDownload *
sandbox_add (Sandbox    *sandbox,
             const char *url)
{
  g_autoptr(GError) error = NULL;
  MwDownload *download = mw_download_list_add (sandbox->list, url, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (download);
  return download;
}

static gboolean
too_long_cb (gpointer user_data)
{
  MwDownload *download = user_data;

  g_error ("%s has not finished in time: state %s, %" G_GUINT64_FORMAT " bytes, attempt %u",
           mw_download_get_url (download),
           mw_download_state_to_string (mw_download_get_state (download)),
           mw_download_get_received_bytes (download), mw_download_get_attempt (download));
  return G_SOURCE_REMOVE;
}

/* A hang is a failure too: the limit is far above what any case needs, even on a busy
 * machine, and only there so that a stuck download ends the test with a message. */
void
sandbox_wait_finished (Sandbox    *sandbox,
                       MwDownload *download,
                       guint       limit_seconds)
{
  guint limit = g_timeout_add_seconds (limit_seconds, too_long_cb, download);

  while (!mw_download_is_finished (download) || mw_download_is_active (download))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (limit);
}

void
assert_human_sentence (const char *message)
{
  const char *raw[] = { "quark", "g-io-error", "GDBus", "(null)", "Error ", "errno", "soup-" };
  gsize length;

  g_assert_nonnull (message);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  length = strlen (message);
  g_assert_cmpuint (length, >, 15);
  g_assert_cmpuint (length, <, 400);
  if (!g_unichar_isupper (g_utf8_get_char (message)) && !g_unichar_isdigit (g_utf8_get_char (message)))
    g_error ("“%s” does not start like a sentence", message);
  if (message[length - 1] != '.')
    g_error ("“%s” does not end like a sentence", message);
  for (guint i = 0; i < G_N_ELEMENTS (raw); i++)
    if (strstr (message, raw[i]) != NULL)
      g_error ("“%s” shows the program's insides (“%s”)", message, raw[i]);
  for (const char *p = message; *p; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
}

GBytes *
read_file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("Could not read %s: %s", path, error->message);
  return g_bytes_new_take (contents, length);
}

char *
dup_part_path (MwDownload *download)
{
  GFile *file = mw_download_get_file (download);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  return path ? g_strconcat (path, ".part", NULL) : NULL;
}

GPtrArray *
list_names (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  return names;
}

static gboolean
bytes_start_with (GBytes *whole,
                  GBytes *start)
{
  gsize whole_size, start_size;
  const guint8 *whole_data = g_bytes_get_data (whole, &whole_size);
  const guint8 *start_data = g_bytes_get_data (start, &start_size);

  return start_size <= whole_size && (start_size == 0 || memcmp (whole_data, start_data, start_size) == 0);
}

/* The rule of this suite. RESOURCE is what a correct download yields; returns which of
 * the two allowed ends the download reached, after checking it is one of them. */
Outcome
assert_two_outcomes (Sandbox    *sandbox,
                     MwDownload *download,
                     GBytes     *resource)
{
  MwDownloadState state = mw_download_get_state (download);
  GFile *file = mw_download_get_file (download);
  g_autofree char *name = file ? g_file_get_basename (file) : NULL;
  g_autofree char *part_name = name ? g_strconcat (name, ".part", NULL) : NULL;
  g_autoptr(GPtrArray) names = list_names (sandbox->folder_path);
  g_autoptr(GPtrArray) root_names = list_names (sandbox->root);

  /* Nothing escaped the download folder. */
  for (guint i = 0; i < root_names->len; i++)
    {
      const char *entry = g_ptr_array_index (root_names, i);

      if (!g_str_equal (entry, "downloads") && g_strcmp0 (entry, "downloads.json") != 0)
        g_error ("“%s” appeared outside the download folder", entry);
    }

  if (file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);

      g_assert_true (g_file_equal (parent, sandbox->folder));
      g_assert_true (g_utf8_validate (name, -1, NULL));
      g_assert_cmpuint (strlen (name), <=, 200);
      g_assert_false (name[0] == '.');
    }

  if (state == MW_DOWNLOAD_COMPLETED)
    {
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GBytes) contents = read_file_bytes (path);

      g_test_message ("completed as “%s”", name);
      g_assert_null (mw_download_get_error_message (download));
      if (!g_bytes_equal (contents, resource))
        g_error ("%s completed, but its %zu bytes are not the resource's %zu",
                 name, g_bytes_get_size (contents), g_bytes_get_size (resource));
      g_assert_cmpuint (names->len, ==, 1);
      g_assert_cmpstr (g_ptr_array_index (names, 0), ==, name);
      return OUTCOME_COMPLETED;
    }

  if (state != MW_DOWNLOAD_FAILED)
    g_error ("%s ended %s, neither completed nor failed", mw_download_get_url (download),
             mw_download_state_to_string (state));

  assert_human_sentence (mw_download_get_error_message (download));
  g_test_message ("failed: %s", mw_download_get_error_message (download));

  /* Nothing that looks finished: at most the .part, holding the resource's first bytes. */
  for (guint i = 0; i < names->len; i++)
    {
      const char *entry = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (sandbox->folder_path, entry, NULL);
      g_autoptr(GBytes) contents = NULL;

      if (g_strcmp0 (entry, part_name) != 0)
        g_error ("a failed download left “%s” in the download folder", entry);
      contents = read_file_bytes (path);
      if (resource != NULL && !bytes_start_with (resource, contents))
        g_error ("“%s” holds %zu bytes that are not the start of the resource",
                 entry, g_bytes_get_size (contents));
    }
  return OUTCOME_FAILED;
}

void
assert_outcome (Sandbox    *sandbox,
                MwDownload *download,
                GBytes     *resource,
                Outcome     expected,
                const char *says)
{
  Outcome outcome = assert_two_outcomes (sandbox, download, resource);
  const char *message = mw_download_get_error_message (download);

  if (outcome != expected)
    g_error ("%s %s (%s), but should have %s", mw_download_get_url (download),
             outcome == OUTCOME_COMPLETED ? "completed" : "failed", message ? message : "",
             expected == OUTCOME_COMPLETED ? "completed" : "failed");
  if (says != NULL && (message == NULL || strstr (message, says) == NULL))
    g_error ("“%s” does not say “%s”", message ? message : "", says);
}

/* --- Lists, resources and child processes ----------------------------------------- */

gboolean
load_list (MwDownloadList  *list,
           GError         **error)
{
  return mw_test_download_list_load (list, error);
}

void
save_list (MwDownloadList *list)
{
  g_autoptr(GError) error = NULL;

  mw_test_download_list_save (list, &error);
  g_assert_no_error (error);
}

/* Serves BODY at PATH, with a strong ETag so that resuming is possible. */
MwTestResource *
sandbox_serve (Sandbox    *sandbox,
               const char *path,
               GBytes     *body)
{
  MwTestResource *resource = mw_test_server_add (sandbox->server, path, body);

  resource->etag = g_strdup ("\"disk\"");
  return resource;
}

MwDownload *
sandbox_add_path (Sandbox    *sandbox,
                  const char *path)
{
  g_autofree char *url = mw_test_server_url (sandbox->server, path);

  return sandbox_add (sandbox, url);
}

/* Root in a child process that no longer overrides permission bits, as any other user. */
void
drop_permission_override (void)
{
  struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2] = { { 0 } };
  const int dropped[] = { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER };

  if (geteuid () != 0)
    return;

  /* Threads take their capabilities from the thread that starts them: do this first. */
  g_assert_cmpint (syscall (SYS_capget, &header, data), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (dropped); i++)
    data[CAP_TO_INDEX (dropped[i])].effective &= ~CAP_TO_MASK (dropped[i]);
  g_assert_cmpint (syscall (SYS_capset, &header, data), ==, 0);
}

/* Runs the current test again in a child process; the child does the work. */
void
run_in_child (void)
{
  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}
