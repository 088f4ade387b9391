/* mw-string-private.h: the engine's one way of updating a string field
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Replaces *FIELD with a copy of VALUE.
 * Returns: whether it changed, so that callers notify only then */
static inline gboolean
_mw_set_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

G_END_DECLS
