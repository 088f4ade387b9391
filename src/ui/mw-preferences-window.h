/* mw-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An AdwPreferencesDialog where libadwaita has it (1.5), else an AdwPreferencesWindow;
 * mw-compat.h presents it and shows its toasts either way.
 */
#pragma once

#include <adwaita.h>

#include "mw-compat.h"

G_BEGIN_DECLS

#define MW_TYPE_PREFERENCES_WINDOW (mw_preferences_window_get_type ())
#if MW_COMPAT_ADW_1_5
G_DECLARE_FINAL_TYPE (MwPreferencesWindow, mw_preferences_window, MW, PREFERENCES_WINDOW, AdwPreferencesDialog)
#else
G_DECLARE_FINAL_TYPE (MwPreferencesWindow, mw_preferences_window, MW, PREFERENCES_WINDOW, AdwPreferencesWindow)
#endif

MwPreferencesWindow *mw_preferences_window_new (GSettings *settings);

G_END_DECLS
