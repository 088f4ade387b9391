/* test-locale.c: the German translation is complete, builds, and reaches the window
 *
 * Run with LANGUAGE=de; messages get a German locale (mw_test_use_german_messages()), everything
 * else stays C.UTF-8. MW_LOCALE_DIR points at the build's po/
 * folder, where meson compiles de/LC_MESSAGES/meanwhile.mo; MW_PO_FILE at po/de.po;
 * MW_SOURCE_ROOT, MW_XGETTEXT and MW_MSGCMP let it compare de.po with the sources.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-locale"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mw-application.h"
#include "mw-download.h"
#include "mw-download-format.h"
#include "mw-format.h"
#include "mw-test-window.h"
#include "mw-window.h"

static MwApplication *app;

/* --- The .po file: every message translated, none fuzzy -------------------------- */

static void
test_po_complete (void)
{
  const char *path = g_getenv ("MW_PO_FILE");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) untranslated = g_string_new (NULL);
  g_autofree char *msgid = NULL;
  gboolean in_msgid = FALSE;
  gboolean in_msgstr = FALSE;
  gboolean msgstr_empty = TRUE;
  guint n_entries = 0;
  guint n_fuzzy = 0;

  g_assert_nonnull (path);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);

  /* A sentinel blank line closes the last entry. */
  for (guint i = 0; ; i++)
    {
      const char *line = lines[i] != NULL ? lines[i] : "";
      gboolean last = lines[i] == NULL;

      if (in_msgstr && (line[0] != '"' || last))
        {
          /* The entry ended: the header (empty msgid) may be anything, the rest not empty. */
          if (msgid != NULL && msgid[0] != '\0' && msgstr_empty)
            g_string_append_printf (untranslated, "  \"%s\"\n", msgid);
          n_entries++;
          in_msgstr = FALSE;
          g_clear_pointer (&msgid, g_free);
        }
      if (last)
        break;

      if (g_str_has_prefix (line, "#,") && strstr (line, "fuzzy") != NULL)
        {
          /* The header's own fuzzy flag would mean msginit's template was never filled in. */
          n_fuzzy++;
          g_test_message ("fuzzy flag at line %u", i + 1);
        }
      else if (g_str_has_prefix (line, "#~"))
        {
          g_test_message ("obsolete entry at line %u", i + 1);
          n_fuzzy++;
        }
      else if (g_str_has_prefix (line, "msgid \""))
        {
          g_free (msgid);
          msgid = g_strndup (line + 7, strlen (line + 7) - 1);
          in_msgid = TRUE;
        }
      else if (g_str_has_prefix (line, "msgid_plural "))
        in_msgid = FALSE;
      else if (g_str_has_prefix (line, "msgstr"))
        {
          const char *quote = strchr (line, '"');

          /* Any empty msgstr[n] makes a plural entry incomplete. */
          if (!in_msgstr)
            msgstr_empty = FALSE;
          in_msgid = FALSE;
          in_msgstr = TRUE;
          if (quote != NULL && g_str_equal (quote, "\"\"") &&
              (lines[i + 1] == NULL || lines[i + 1][0] != '"'))
            msgstr_empty = TRUE;
        }
      else if (line[0] == '"' && in_msgid && msgid != NULL)
        {
          /* A wrapped msgid: keep its text for the failure message. */
          char *joined = g_strconcat (msgid, line + 1, NULL);

          joined[strlen (joined) - 1] = '\0';
          g_free (msgid);
          msgid = joined;
        }
    }

  g_test_message ("%u entries in %s", n_entries, path);
  g_assert_cmpuint (n_entries, >, 200);
  if (untranslated->len > 0)
    g_error ("Untranslated messages in %s:\n%s", path, untranslated->str);
  g_assert_cmpuint (n_fuzzy, ==, 0);
}

/* --- The .po file against the sources: no message missing ------------------------- */

/* The template is extracted afresh into a temporary folder (meson's meanwhile-pot target
 * writes into the source tree), with the keywords of meson's "glib" gettext preset, and
 * msgcmp checks that de.po has a translation for each of its messages. */
static void
test_po_up_to_date (void)
{
  const char *srcroot = g_getenv ("MW_SOURCE_ROOT");
  const char *xgettext = g_getenv ("MW_XGETTEXT");
  const char *msgcmp = g_getenv ("MW_MSGCMP");
  const char *po = g_getenv ("MW_PO_FILE");
  g_autofree char *dir = g_dir_make_tmp ("meanwhile-pot-XXXXXX", NULL);
  g_autofree char *pot = g_build_filename (dir, "meanwhile.pot", NULL);
  g_autofree char *potfiles = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_assert_nonnull (srcroot);
  g_assert_nonnull (xgettext);
  g_assert_nonnull (msgcmp);
  g_assert_nonnull (po);
  potfiles = g_build_filename (srcroot, "po", "POTFILES.in", NULL);

  {
    const char *argv[] = {
      xgettext, "--package-name=meanwhile", "--from-code=UTF-8", "--add-comments",
      "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
      "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
      "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
      "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
      "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
      "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
      "-D", srcroot, "-f", potfiles, "-o", pot, NULL
    };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                  &wait_status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (wait_status, NULL))
      g_error ("xgettext failed:\n%s", err);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *argv[] = { msgcmp, po, pot, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                  &wait_status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (wait_status, NULL))
      g_error ("%s lacks translations of messages in the sources (update it with msgmerge):\n%s",
               po, err);
  }

  mw_test_remove_tree (dir);
}

/* --- Strings from code ------------------------------------------------------------ */

static void
test_strings (void)
{
  g_autoptr(MwDownload) download = mw_download_new ("https://example.org/file.zip");
  g_autofree char *queued = NULL;
  g_autofree char *ahead = NULL;
  g_autofree char *paused = NULL;
  g_autofree char *one = NULL;
  g_autofree char *many = NULL;

  g_assert_cmpstr (_("Freezing Mode"), ==, "Einfriermodus");
  g_assert_cmpstr (_("Download Folder"), ==, "Download-Ordner");
  g_assert_cmpstr (g_dpgettext2 (GETTEXT_PACKAGE, "shortcut window", "Quit"), ==, "Beenden");

  /* German plural rules: one, and everything else. */
  one = g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", 1), 1);
  many = g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", 5), 5);
  g_assert_cmpstr (one, ==, "vor 1 Minute");
  g_assert_cmpstr (many, ==, "vor 5 Minuten");

  queued = mw_format_download_status (download, 0);
  g_assert_cmpstr (queued, ==, "Wartend – als Nächstes an der Reihe");
  ahead = mw_format_download_status (download, 3);
  g_assert_cmpstr (ahead, ==, "Wartend – 3 davor");

  mw_download_pause (download);
  g_assert_cmpint (mw_download_get_state (download), ==, MW_DOWNLOAD_PAUSED);
  paused = mw_format_download_status (download, 0);
  g_assert_cmpstr (paused, ==, "Pausiert");
}

/* --- The window as a German speaker sees it --------------------------------------- */

static gboolean
status_title_is (GtkWidget     *widget,
                 gconstpointer  data)
{
  return g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), data) == 0;
}

static void
test_window (void)
{
  g_autofree char *folder = g_dir_make_tmp ("meanwhile-locale-XXXXXX", NULL);
  GtkWidget *window;

  window = GTK_WIDGET (mw_test_window_open (app, folder));
  mw_window_show_page (MW_WINDOW (window), "downloads");
  mw_test_run_loop_for (100);

  /* The empty downloads page, from the window's .ui template. */
  g_assert_nonnull (mw_test_find_widget (window, ADW_TYPE_STATUS_PAGE, status_title_is, "Keine Downloads"));
  g_assert_null (mw_test_find_widget (window, ADW_TYPE_STATUS_PAGE, status_title_is, "No Downloads"));
  g_assert_nonnull (mw_test_find_widget (window, GTK_TYPE_BUTTON, mw_test_button_labelled, "Download _hinzufügen …"));
  g_assert_null (mw_test_find_widget (window, GTK_TYPE_BUTTON, mw_test_button_labelled, "_Add Download…"));

  /* The feeds page, a separate template. */
  mw_window_show_page (MW_WINDOW (window), "feeds");
  mw_test_run_loop_for (100);
  g_assert_nonnull (mw_test_find_widget (window, ADW_TYPE_STATUS_PAGE, status_title_is, "Keine Feeds"));

  mw_window_show_page (MW_WINDOW (window), "downloads");
  mw_test_run_loop_for (50);
  g_settings_reset (mw_application_get_settings (app), "download-folder");
  mw_test_remove_tree (folder);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = mw_test_use_private_data_home ();
  g_autofree char *german = NULL;
  const char *locale_dir = g_getenv ("MW_LOCALE_DIR");
  int status;

  g_test_init (&argc, &argv, NULL);
  german = mw_test_use_german_messages ();

  /* As main.c does, but with the catalogue from the build tree. */
  g_assert_nonnull (locale_dir);
  g_assert_nonnull (setlocale (LC_ALL, ""));
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_init ();
  adw_init ();

  app = mw_test_application_new ();

  g_test_add_func ("/locale/po-complete", test_po_complete);
  g_test_add_func ("/locale/po-up-to-date", test_po_up_to_date);
  g_test_add_func ("/locale/strings", test_strings);
  g_test_add_func ("/locale/window", test_window);

  status = g_test_run ();
  mw_test_remove_tree (data_home);
  if (german != NULL)
    mw_test_remove_tree (german);
  return status;
}
