/* test-state-saver.c: how often a state file is written while changes keep coming
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real state file in a fresh folder, written by MwStateSaver from its worker thread. The
 * state here takes a while to serialise, as tens of thousands of articles do: the saver
 * must then leave twice that time between one save and the next, so that writing the
 * state never takes more than about a third of a core, and still save the last change.
 */
#include "config.h"

#include <string.h>

#include "mw-state-file.h"
#include "mw-test-server.h"
#include "mw-test-utils.h"

/* How long serialising the state takes here. */
#define SERIALIZE_US (250 * 1000)

typedef struct
{
  GMutex  lock;
  GArray *starts;     /* gint64: monotonic times each serialisation began */
  GArray *ends;       /* gint64: …and ended */
  guint   version;    /* main thread: the state's version, bumped by each change */
} State;

/* The serialiser runs in the saver's worker, without its owner: the times go here. */
static State *the_state;

static gpointer
snapshot_version (gpointer owner)
{
  State *state = owner;

  return g_strdup_printf ("{\"version\": %u}", state->version);
}

static char *
serialize_slowly (gpointer  snapshot,
                  gsize    *length)
{
  gint64 start = g_get_monotonic_time (), end;

  /* Serialising a large state takes time: copies of the text, over and over, stand for it. */
  do
    {
      g_autofree char *copy = g_strdup (snapshot);
      (void) copy;
      end = g_get_monotonic_time ();
    }
  while (end - start < SERIALIZE_US);

  g_mutex_lock (&the_state->lock);
  g_array_append_val (the_state->starts, start);
  g_array_append_val (the_state->ends, end);
  g_mutex_unlock (&the_state->lock);
  *length = strlen (snapshot);
  return g_strdup (snapshot);
}

static gboolean
change_cb (gpointer user_data)
{
  MwStateSaver *saver = user_data;

  the_state->version++;
  mw_state_saver_schedule (saver);
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  const char *path;
  guint       version;
} Saved;

static gboolean
file_has_version (gpointer data)
{
  Saved *saved = data;
  g_autofree char *text = NULL;
  g_autofree char *expected = g_strdup_printf ("{\"version\": %u}", saved->version);

  return g_file_get_contents (saved->path, &text, NULL, NULL) && g_strcmp0 (text, expected) == 0;
}

/* Changes every 20 ms for two seconds: the saves leave twice their own time between them,
 * and the last change is on disk in the end. */
static void
test_slow_state_saved_less_often (void)
{
  g_autofree char *folder = g_dir_make_tmp ("meanwhile-saver-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "feeds.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  State state = { 0 };
  g_autoptr(MwStateSaver) saver = NULL;
  Saved saved = { path, 0 };
  guint changes;

  g_mutex_init (&state.lock);
  state.starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  state.ends = g_array_new (FALSE, FALSE, sizeof (gint64));
  the_state = &state;
  saver = mw_state_saver_new (file, &state, snapshot_version, serialize_slowly, g_free);
  mw_state_saver_set_enabled (saver, TRUE);

  changes = g_timeout_add (20, change_cb, saver);
  mw_test_iterate_for (2000);
  g_source_remove (changes);
  saved.version = state.version;
  mw_test_wait_until (file_has_version, &saved, 10000, "the last change to be saved");

  g_mutex_lock (&state.lock);
  g_test_message ("%u changes, %u saves", state.version, state.starts->len);
  g_assert_cmpuint (state.starts->len, >=, 2);
  for (guint i = 1; i < state.starts->len; i++)
    {
      gint64 took = g_array_index (state.ends, gint64, i - 1) - g_array_index (state.starts, gint64, i - 1);
      gint64 gap = g_array_index (state.starts, gint64, i) - g_array_index (state.ends, gint64, i - 1);

      if (gap < 2 * took)
        g_error ("Save %u began %" G_GINT64_FORMAT " ms after the one before ended, which took "
                 "%" G_GINT64_FORMAT " ms: saving would take more than a third of the time",
                 i + 1, gap / 1000, took / 1000);
    }
  g_mutex_unlock (&state.lock);

  g_clear_object (&saver);
  g_array_unref (state.starts);
  g_array_unref (state.ends);
  g_mutex_clear (&state.lock);
  mw_test_remove_tree (folder);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/state-saver/slow-state-saved-less-often", test_slow_state_saved_less_often);

  return g_test_run ();
}
