/* mw-json.h: the few json-glib helpers the state files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Far deeper than anything Meanwhile writes; a state file nested deeper is damaged. */
#define MW_JSON_STATE_MAX_DEPTH 64

void        mw_json_add_string (JsonBuilder *builder,
                                const char  *name,
                                const char  *value);
void        mw_json_add_int    (JsonBuilder *builder,
                                const char  *name,
                                gint64       value);
void        mw_json_add_bool   (JsonBuilder *builder,
                                const char  *name,
                                gboolean     value);
const char *mw_json_get_string (JsonObject  *object,
                                const char  *name);
gint64      mw_json_get_int    (JsonObject  *object,
                                const char  *name,
                                gint64       fallback);
gboolean    mw_json_get_bool   (JsonObject  *object,
                                const char  *name);
gboolean    mw_json_nesting_is_sane (const char *data,
                                     gsize       length,
                                     guint       max_depth);

G_END_DECLS
