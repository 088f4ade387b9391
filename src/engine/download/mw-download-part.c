/* mw-download-part.c: a download's NAME.part on disk, worked on from worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every function here may block on the disk, so each runs as a step: in a GTask worker
 * thread normally, on the calling thread in freezing mode. While a step runs, the main
 * thread leaves the MwRun's file fields alone.
 */
#define G_LOG_DOMAIN "mw-download-part"

/* renameat2() and RENAME_NOREPLACE, where the C library has them */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gfiledescriptorbased.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mw-download-run-private.h"
#include "mw-error.h"
#include "mw-filename.h"
#include "mw-timeline.h"

#define HASH_BUFFER_SIZE   (256 * 1024)
#define MAX_NAME_ATTEMPTS  1000

typedef struct
{
  GTask      *task;
  MwStepFunc  func;
  MwStepDone  done;
  char        label[MW_TIMELINE_LABEL_SIZE];
} Step;

/* What the timeline calls a step: "Writing a chunk · ubuntu.iso". Main thread. */
static void
step_label (char       *label,
            MwRun      *run,
            MwStepFunc  func)
{
  g_autofree char *name = NULL;
  const char *what = func == _mw_part_write_chunk ? _("Writing a chunk")
                   : func == _mw_part_measure ? _("Measuring the partial file")
                   : func == _mw_part_pick_name ? _("Choosing a file name")
                   : func == _mw_part_open ? _("Opening the file")
                   : func == _mw_part_close ? _("Closing the file")
                   : _("Checking and renaming the file");

  label[0] = '\0';
  if (!mw_timeline_get_recording (mw_timeline_get_default ()))
    return;
  name = mw_download_dup_display_name (run->download);
  mw_timeline_copy_label (label, what, name);
}

static void
step_thread (GTask        *subtask,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Step *step = task_data;
  MwRun *run = g_task_get_task_data (step->task);
  GError *error = NULL;
  G_GNUC_UNUSED g_auto(MwTimelineSpan) span = mw_timeline_span_begin (MW_TIMELINE_WORKERS, step->label, NULL);

  if (step->func (run, &error))
    g_task_return_boolean (subtask, TRUE);
  else
    g_task_return_error (subtask, error);
}

static void
step_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Step *step = user_data;
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  step->done (step->task, error);
  g_object_unref (step->task);
  g_free (step);
}

/* Runs FUNC in a worker thread and DONE back on the main thread; in freezing mode both run
 * right here, which is the whole difference between the two modes. While FUNC runs, the
 * main thread leaves the MwRun's file fields alone. */
void
_mw_run_step (GTask      *task,
              MwStepFunc  func,
              MwStepDone  done)
{
  MwRun *run = g_task_get_task_data (task);
  g_autoptr(GTask) subtask = NULL;
  Step *step;

  if (run->config->blocking)
    {
      GError *error = NULL;
      char label[MW_TIMELINE_LABEL_SIZE];
      MwTimelineSpan span;

      /* The lesson of freezing mode: the same step, on the main loop's lane. */
      step_label (label, run, func);
      span = mw_timeline_span_begin (MW_TIMELINE_MAIN, label, NULL);
      func (run, &error);
      mw_timeline_span_end (&span);
      done (task, error);
      return;
    }

  step = g_new0 (Step, 1);
  step->task = g_object_ref (task);
  step->func = func;
  step->done = done;
  step_label (step->label, run, func);

  subtask = g_task_new (NULL, NULL, step_done_cb, step);
  g_task_set_source_tag (subtask, _mw_run_step);
  g_task_set_task_data (subtask, step, NULL);
  g_task_run_in_thread (subtask, step_thread);
}

static gboolean
hash_file (MwRun   *run,
           GFile   *file,
           guint64  size,
           GError **error)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, run->cancellable, error);
  g_autofree guint8 *buffer = NULL;

  if (in == NULL)
    return FALSE;

  buffer = g_malloc (HASH_BUFFER_SIZE);
  for (guint64 hashed = 0; hashed < size;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buffer,
                                      MIN (HASH_BUFFER_SIZE, size - hashed),
                                      run->cancellable, error);
      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      g_checksum_update (run->checksum, buffer, n);
      hashed += n;
    }
  return TRUE;
}

/* Worker: no .part, but the file the state file names is there with the size it
 * recorded (and the expected SHA-256, if one was given): the last run renamed it into
 * place and was stopped before it could note that. It is this download's file, which
 * must not be fetched again under a second name. */
static gboolean
check_already_complete (MwRun   *run,
                        GError **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *actual = NULL;

  run->already_complete = FALSE;
  if (run->target == NULL || run->recorded_total < 0)
    return TRUE;

  info = g_file_query_info (run->target, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                            NULL, NULL);
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR ||
      g_file_info_get_size (info) != run->recorded_total)
    return TRUE;

  if (run->checksum != NULL)
    {
      if (!hash_file (run, run->target, (guint64) run->recorded_total, error))
        return FALSE;
      actual = g_strdup (g_checksum_get_string (run->checksum));
      g_checksum_reset (run->checksum);
      if (g_ascii_strcasecmp (actual, run->expected_sha256) != 0)
        return TRUE;
    }

  run->already_complete = TRUE;
  return TRUE;
}

/* Worker: how much of the file is already here, and its hash so far. */
gboolean
_mw_part_measure (MwRun   *run,
                   GError **error)
{
  g_autoptr(GFileInfo) info = NULL;
  GError *local_error = NULL;
  guint64 size;

  if (run->checksum != NULL)
    g_checksum_reset (run->checksum);

  if (run->discard_part)
    {
      if (!g_file_delete (run->part, NULL, &local_error) &&
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      g_clear_error (&local_error);
      run->offset = 0;
      return TRUE;
    }

  info = g_file_query_info (run->part, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            NULL, &local_error);
  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_clear_error (&local_error);
          run->offset = 0;
          return check_already_complete (run, error);
        }
      g_propagate_error (error, local_error);
      return FALSE;
    }

  size = (guint64) g_file_info_get_size (info);
  run->offset = size;

  if (run->checksum == NULL || size == 0)
    return TRUE;

  return hash_file (run, run->part, size, error);
}

static gboolean
ensure_folder (GFile   *folder,
               GError **error)
{
  GError *local_error = NULL;

  if (g_file_make_directory_with_parents (folder, NULL, &local_error) ||
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_clear_error (&local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

static gboolean
is_reserved (MwRun *run,
             GFile *file)
{
  return _mw_reserved_names_contains (run->config->reserved, file);
}

/* Worker: the first name in "NAME", "NAME (1)", … that no file, no partial file and no
 * other download holds. Nothing is created yet: the name goes into the state file
 * first, so that a crash never leaves a partial file the next start would not know. */
gboolean
_mw_part_pick_name (MwRun   *run,
                    GError **error)
{
  if (!ensure_folder (run->config->folder, error))
    return FALSE;

  for (guint i = 0; i < MAX_NAME_ATTEMPTS; i++)
    {
      g_autofree char *name = mw_filename_with_index (run->wanted_name, i);
      g_autofree char *part_name = g_strconcat (name, ".part", NULL);
      g_autoptr(GFile) target = g_file_get_child (run->config->folder, name);
      g_autoptr(GFile) part = g_file_get_child (run->config->folder, part_name);

      if (g_file_query_exists (target, NULL) || g_file_query_exists (part, NULL) ||
          !_mw_reserved_names_try_hold (run->config->reserved, target))
        continue;

      /* Held until the main thread has made it the download's file. */
      g_set_object (&run->chosen_file, target);
      g_set_object (&run->part, part);
      return TRUE;
    }

  g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_NO_NAME,
                       "No free file name");
  return FALSE;
}

/* Worker: open the known NAME.part for the body this response brings. */
gboolean
_mw_part_open (MwRun   *run,
                GError **error)
{
  GError *local_error = NULL;

  if (run->disposition == MW_BODY_TO_NEW_FILE)
    {
      /* Exclusively: a name another program took meanwhile fails with EXISTS. */
      run->out = G_OUTPUT_STREAM (g_file_create (run->part, G_FILE_CREATE_NONE, NULL, error));
      return run->out != NULL;
    }

  if (run->disposition == MW_BODY_ALREADY_HAD)
    return TRUE;

  {
    g_autoptr(GFile) folder = g_file_get_parent (run->part);
    if (!ensure_folder (folder, error))
      return FALSE;
  }

  if (run->disposition == MW_BODY_APPENDS)
    {
      g_autoptr(GFileOutputStream) out = g_file_append_to (run->part, G_FILE_CREATE_NONE,
                                                           NULL, error);
      g_autoptr(GFileInfo) info = NULL;

      if (out == NULL)
        return FALSE;

      /* The range we asked for starts where the .part ended when we measured it. */
      info = g_file_output_stream_query_info (out, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, error);
      if (info == NULL)
        return FALSE;
      if ((guint64) g_file_info_get_size (info) != run->offset)
        {
          run->discard_part = TRUE;
          g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_BAD_RANGE,
                               "The partial file changed while resuming");
          return FALSE;
        }
      run->out = G_OUTPUT_STREAM (g_steal_pointer (&out));
      return TRUE;
    }

  /* MW_BODY_REPLACES: start the same NAME.part afresh. */
  if (!g_file_delete (run->part, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_clear_error (&local_error);

  run->out = G_OUTPUT_STREAM (g_file_create (run->part, G_FILE_CREATE_NONE, NULL, error));
  if (run->checksum != NULL)
    g_checksum_reset (run->checksum);
  return run->out != NULL;
}

static void
set_write_error (GError **error,
                 int      errsv)
{
  switch (errsv)
    {
    case EFBIG:
      /* A FAT disk's 4 GiB, or a limit set on the process (RLIMIT_FSIZE). */
      g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_FILE_TOO_LARGE,
                   "Could not write the partial file: %s", g_strerror (errsv));
      break;
    case EDQUOT:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "Could not write the partial file: %s", g_strerror (errsv));
      break;
    default:
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not write the partial file: %s", g_strerror (errsv));
    }
}

/* Writes to the file itself, which tells apart what GIO reports alike (a file too large
 * for the disk, a full quota), and notices a .part deleted under our feet: its bytes
 * would otherwise go on into a file that no longer has a name. */
static gboolean
write_to_fd (int           fd,
             const guint8 *data,
             gsize         size,
             gsize        *written,
             GError      **error)
{
  struct stat st;

  while (*written < size)
    {
      gssize n = write (fd, data + *written, size - *written);

      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          set_write_error (error, errsv);
          return FALSE;
        }
      *written += (gsize) n;
    }

  if (fstat (fd, &st) == 0 && st.st_nlink == 0)
    {
      g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_PART_GONE,
                           "The partial file was deleted");
      return FALSE;
    }
  return TRUE;
}

/* Worker: write one chunk and hash it. */
gboolean
_mw_part_write_chunk (MwRun   *run,
                      GError **error)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (run->writing_bytes, &size);
  gsize written = 0;
  gboolean ok;

  if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return FALSE;

  if (G_IS_FILE_DESCRIPTOR_BASED (run->out))
    ok = write_to_fd (g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (run->out)),
                      data, size, &written, error);
  else
    ok = g_output_stream_write_all (run->out, data, size, &written, run->cancellable, error);
  if (run->checksum != NULL && written > 0)
    g_checksum_update (run->checksum, data, written);
  return ok;
}

/* Worker: after a failure, leave the .part closed and resumable. */
gboolean
_mw_part_close (MwRun   *run,
                 GError **error)
{
  if (run->out != NULL && !g_output_stream_is_closed (run->out))
    return g_output_stream_close (run->out, NULL, error);
  return TRUE;
}

static gboolean
sync_fd (int          fd,
         const char  *what,
         GError     **error)
{
  int errsv;

  if (fsync (fd) == 0)
    return TRUE;
  errsv = errno;
  /* A file system that has nothing to sync (some special ones) is no failure. */
  if (errsv == EINVAL || errsv == EROFS)
    return TRUE;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               "Could not write %s to the disk: %s", what, g_strerror (errsv));
  return FALSE;
}

/* Worker: the bytes of the .part are on the disk itself, not only in the page cache, so
 * that a file shown as completed survives a power cut. Flushing the stream is not
 * enough: that only hands the bytes to the kernel. */
static gboolean
sync_part (MwRun   *run,
           GError **error)
{
  g_autofree char *path = NULL;
  gboolean synced;
  int fd;

  if (run->out != NULL && !g_output_stream_is_closed (run->out) &&
      G_IS_FILE_DESCRIPTOR_BASED (run->out))
    return sync_fd (g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (run->out)),
                    "the partial file", error);

  /* Written by an earlier run: synced through a descriptor of its own. */
  path = g_file_get_path (run->part);
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;

      if (errsv == ENOENT)
        g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_PART_GONE,
                     "The partial file is gone: %s", g_strerror (errsv));
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                     "Could not open the partial file: %s", g_strerror (errsv));
      return FALSE;
    }
  synced = sync_fd (fd, "the partial file", error);
  close (fd);
  return synced;
}

/* The rename itself is a change to the folder: it reaches the disk with the folder. A
 * failure here leaves a complete file, at worst under its old name after a power cut,
 * where the next start finds and finishes it. */
static void
sync_folder (GFile *folder)
{
  g_autofree char *path = g_file_get_path (folder);
  g_autoptr(GError) error = NULL;
  int fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    return;
  if (!sync_fd (fd, "the download folder", &error))
    g_debug ("%s", error->message);
  close (fd);
}

static int
rename_noreplace (const char *from,
                  const char *to)
{
#if defined(RENAME_NOREPLACE)
  return renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
#elif defined(SYS_renameat2)
  /* The C library has no wrapper; the kernel has the call. 1 is RENAME_NOREPLACE. */
  return (int) syscall (SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 1);
#else
  errno = ENOSYS;
  return -1;
#endif
}

/* Gives FROM the name TO only if nothing has that name, in one step: looking first and
 * renaming after would replace a file that appears in between. Where the file system
 * cannot rename so, a hard link, which refuses a taken name as well, and then the old
 * name's removal. Returns: 0, or an errno value (EEXIST when TO is taken). */
static int
move_without_replacing (const char *from,
                        const char *to)
{
  struct stat st;
  int errsv;

  if (rename_noreplace (from, to) == 0)
    return 0;
  errsv = errno;
  if (errsv != EINVAL && errsv != ENOSYS)
    return errsv;

  if (link (from, to) == 0)
    {
      if (g_unlink (from) != 0)
        g_warning ("Could not remove the partial file %s after naming it: %s", from, g_strerror (errno));
      return 0;
    }
  errsv = errno;
  if (errsv != EPERM && errsv != EOPNOTSUPP && errsv != EMLINK)
    return errsv;

  /* No hard links either (FAT): the last resort is to look first. */
  if (g_lstat (to, &st) == 0)
    return EEXIST;
  return g_rename (from, to) == 0 ? 0 : errno;
}

/* Worker: the body is complete. Close, verify, and only then give it its real name. */
gboolean
_mw_part_finish (MwRun   *run,
                  GError **error)
{
  g_autoptr(GFile) folder = g_file_get_parent (run->target);
  g_autofree char *base = g_file_get_basename (run->target);
  g_autofree char *part_path = g_file_get_path (run->part);

  if (!sync_part (run, error) || !_mw_part_close (run, error))
    return FALSE;

  if (run->checksum != NULL)
    {
      const char *actual = g_checksum_get_string (run->checksum);

      if (g_strcmp0 (actual, run->expected_sha256) != 0)
        {
          /* A file that failed its check must not be resumed from, nor look finished. */
          g_file_delete (run->part, NULL, NULL);
          g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_CHECKSUM_MISMATCH,
                       "SHA-256 is %s, expected %s", actual, run->expected_sha256);
          return FALSE;
        }
    }

  for (guint i = 0; i < MAX_NAME_ATTEMPTS; i++)
    {
      g_autofree char *name = mw_filename_with_index (base, i);
      g_autoptr(GFile) target = g_file_get_child (folder, name);
      g_autofree char *target_path = g_file_get_path (target);
      int errsv;

      if (i > 0 && is_reserved (run, target))
        continue;

      /* Never overwrite: a file that appeared under our name meanwhile keeps it. */
      errsv = move_without_replacing (part_path, target_path);
      if (errsv == 0)
        {
          sync_folder (folder);
          run->chosen_file = g_steal_pointer (&target);
          return TRUE;
        }
      if (errsv == ENOENT && !g_file_test (part_path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_PART_GONE,
                       "The partial file is gone: %s", g_strerror (errsv));
          return FALSE;
        }
      if (errsv != EEXIST)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       "Could not give the file its name: %s", g_strerror (errsv));
          return FALSE;
        }
    }

  g_set_error_literal (error, MW_DOWNLOAD_ERROR, MW_DOWNLOAD_ERROR_NO_NAME, "No free file name");
  return FALSE;
}
