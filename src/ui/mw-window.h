/* mw-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mw-application.h"

G_BEGIN_DECLS

#define MW_TYPE_WINDOW (mw_window_get_type ())
G_DECLARE_FINAL_TYPE (MwWindow, mw_window, MW, WINDOW, AdwApplicationWindow)

MwWindow *mw_window_new          (MwApplication *application);
void      mw_window_show_message (MwWindow      *self,
                                  const char    *message);

G_END_DECLS
