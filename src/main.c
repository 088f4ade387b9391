/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "meanwhile"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-application.h"
#include "mw-http.h"
#include "mw-startup-report.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(MwApplication) app = NULL;

  mw_startup_report_begin ();
  mw_http_raise_open_files_limit ();
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = mw_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
