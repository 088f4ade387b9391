/* test-lesson.c: what the window tells a newcomer about freezing mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real window under Xvfb, driven through its actions, with real clicks sent by xdotool
 * while the main loop is blocked: the banner says what freezing mode will do before it
 * happens, and afterwards how long the window was frozen and how many clicks waited.
 */
#define G_LOG_DOMAIN "test-lesson"

#include "config.h"

#include <string.h>

#include "mw-freeze-banner.h"
#include "mw-ghost-layer.h"
#include "mw-test-window.h"

typedef MwTestWindow Fixture;

static MwApplication *app;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  mw_test_window_set_up (fixture, app, 900, 600);
  mw_test_iterate_for (200);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  mw_test_window_tear_down (fixture);
}

static gboolean
banner_reports_freeze (gpointer data)
{
  const char *text = mw_freeze_banner_get_text (data);

  return text != NULL && strstr (text, "frozen") != NULL;
}

static gboolean
download_done (gpointer data)
{
  return mw_download_get_state (data) == MW_DOWNLOAD_COMPLETED && !mw_download_is_active (data);
}

/* Nothing to do: the banner suggests the next step. A throttled download in freezing
 * mode: the window is frozen, two real clicks arrive meanwhile, and afterwards the
 * banner says how long the freeze was and that both clicks waited. */
static void
test_banner_before_and_after (Fixture       *fixture,
                              gconstpointer  user_data)
{
  MwFreezeBanner *banner = MW_FREEZE_BANNER (mw_test_find_widget (GTK_WIDGET (fixture->window), MW_TYPE_FREEZE_BANNER, NULL, NULL));
  g_autoptr(GBytes) body = mw_test_make_bytes (500000, 3);
  MwTestResource *resource = mw_test_server_add (fixture->server, "/slow.bin", body);
  g_autofree char *url = mw_test_server_url (fixture->server, "/slow.bin");
  g_autoptr(GSubprocess) clicker = NULL;
  g_autoptr(MwDownload) download = NULL;
  g_autoptr(GError) error = NULL;
  MwDownloadList *list = mw_application_get_downloads (fixture->app);
  gboolean log_visible = FALSE;

  g_assert_nonnull (banner);
  g_assert_false (mw_freeze_banner_get_revealed (banner));

  g_action_group_change_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode", g_variant_new_boolean (TRUE));
  mw_test_iterate_for (50);
  g_assert_true (mw_freeze_banner_get_revealed (banner));
  g_assert_nonnull (strstr (mw_freeze_banner_get_text (banner), "nothing is running"));
  /* A screen reader finds a status bar named by what the banner says. */
  gtk_test_accessible_assert_role (banner, GTK_ACCESSIBLE_ROLE_STATUS);
  gtk_test_accessible_assert_property (banner, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       mw_freeze_banner_get_text (banner));

  /* 25 chunks of 20 kB, 60 ms apart: about 1.5 s with the main loop blocked. */
  resource->throttle_chunk = 20000;
  resource->throttle_delay_ms = 60;
  clicker = mw_test_click_later (GTK_WINDOW (fixture->window),
                                 gtk_widget_get_width (GTK_WIDGET (fixture->window)) - 140, 20, 300, 2, 600);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "download", g_variant_new_string (url));
  download = g_list_model_get_item (G_LIST_MODEL (list), 0);
  mw_test_wait_until (download_done, download, 60000, "the download in freezing mode to complete");
  g_subprocess_wait_check (clicker, NULL, &error);
  g_assert_no_error (error);

  mw_test_wait_until (banner_reports_freeze, banner, 10000, "the banner to report the freeze");
  g_test_message ("Banner: %s", mw_freeze_banner_get_text (banner));
  g_assert_cmpuint (mw_freeze_banner_get_waited_inputs (banner), ==, 2);
  g_assert_nonnull (strstr (mw_freeze_banner_get_text (banner), "2 clicks or key presses waited"));
  g_assert_nonnull (strstr (mw_freeze_banner_get_text (banner), "frames were not drawn"));
  /* The report is told to screen readers too (announced from GTK 4.14 on). */
  gtk_test_accessible_assert_role (banner, GTK_ACCESSIBLE_ROLE_STATUS);
  gtk_test_accessible_assert_property (banner, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       mw_freeze_banner_get_text (banner));

  /* Each click is replayed where it landed, with how long it waited. */
  {
    MwGhostLayer *ghosts = MW_GHOST_LAYER (mw_test_find_widget (GTK_WIDGET (fixture->window), MW_TYPE_GHOST_LAYER, NULL, NULL));

    g_assert_cmpuint (mw_ghost_layer_get_n_ghosts (ghosts), ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        g_autofree char *label = mw_ghost_layer_dup_label (ghosts, i);

        g_test_message ("Ghost click %u: %s", i, label);
        g_assert_true (g_str_has_prefix (label, "this click waited "));
      }
  }

  /* "What Happened" opens the event log. */
  g_object_get (fixture->window, "log-visible", &log_visible, NULL);
  g_assert_false (log_visible);
  {
    GtkWidget *button = mw_test_find_widget (GTK_WIDGET (banner), GTK_TYPE_BUTTON, mw_test_button_labelled,
                                             "_What Happened");

    g_assert_nonnull (button);
    g_assert_true (gtk_widget_get_visible (button));
    g_signal_emit_by_name (button, "clicked");
  }
  g_object_get (fixture->window, "log-visible", &log_visible, NULL);
  g_assert_true (log_visible);
  g_object_set (fixture->window, "log-visible", FALSE, NULL);

  /* The report stays after the switch goes off, until it is dismissed. */
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->app), "blocking-mode", g_variant_new_boolean (FALSE));
  mw_test_iterate_for (50);
  g_assert_true (banner_reports_freeze (banner));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  int status;

  app = mw_test_window_init (&argc, &argv, &data_home);

  g_test_add ("/lesson/banner-before-and-after", Fixture, NULL, fixture_set_up,
              test_banner_before_and_after, fixture_tear_down);

  status = g_test_run ();
  mw_test_remove_tree (data_home);
  return status;
}
