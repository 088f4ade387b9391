/* mw-download-names.c: the file names a list's downloads hold, shared with its workers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A download that is choosing or taking its final name, in a worker thread, must not
 * take one another download of the list already holds. The list keeps this set up to
 * date as downloads get their files, are cancelled or leave; every transfer of the list
 * reads the same set, so a thousand downloads cost a thousand entries, not a copy of
 * the whole list each.
 */
#define G_LOG_DOMAIN "mw-download-names"

#include "config.h"

#include "mw-download-private.h"

struct _MwReservedNames
{
  gatomicrefcount  ref_count;
  GMutex           mutex;
  GHashTable      *paths;   /* path → how many downloads hold it */
};

MwReservedNames *
_mw_reserved_names_new (void)
{
  MwReservedNames *self = g_new0 (MwReservedNames, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->mutex);
  self->paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

MwReservedNames *
_mw_reserved_names_ref (MwReservedNames *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
_mw_reserved_names_unref (MwReservedNames *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_hash_table_unref (self->paths);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

/* Moves one hold from OLD_PATH to NEW_PATH; either may be NULL. */
void
_mw_reserved_names_move (MwReservedNames *self,
                         const char      *old_path,
                         const char      *new_path)
{
  g_mutex_lock (&self->mutex);
  if (old_path != NULL)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->paths, old_path));

      if (count <= 1)
        g_hash_table_remove (self->paths, old_path);
      else
        g_hash_table_insert (self->paths, g_strdup (old_path), GUINT_TO_POINTER (count - 1));
    }
  if (new_path != NULL)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->paths, new_path));

      g_hash_table_insert (self->paths, g_strdup (new_path), GUINT_TO_POINTER (count + 1));
    }
  g_mutex_unlock (&self->mutex);
}

/* Returns: whether a download other than the asking one holds FILE's path. The asking
 * download's own file is only ever its first choice, which its callers do not ask about. */
gboolean
_mw_reserved_names_contains (MwReservedNames *self,
                             GFile           *file)
{
  g_autofree char *path = g_file_get_path (file);
  gboolean found;

  if (self == NULL || path == NULL)
    return FALSE;
  g_mutex_lock (&self->mutex);
  found = g_hash_table_contains (self->paths, path);
  g_mutex_unlock (&self->mutex);
  return found;
}

/* Holds FILE's path once if nobody holds it, in one step, so that two workers choosing a
 * name at the same moment never both take it. Returns: whether it was free (and is now
 * held); without a set, every name is free. */
gboolean
_mw_reserved_names_try_hold (MwReservedNames *self,
                             GFile           *file)
{
  g_autofree char *path = g_file_get_path (file);
  gboolean free_name;

  if (self == NULL || path == NULL)
    return TRUE;
  g_mutex_lock (&self->mutex);
  free_name = !g_hash_table_contains (self->paths, path);
  if (free_name)
    g_hash_table_insert (self->paths, g_steal_pointer (&path), GUINT_TO_POINTER (1));
  g_mutex_unlock (&self->mutex);
  return free_name;
}
