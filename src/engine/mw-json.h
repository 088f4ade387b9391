/* mw-json.h: the json-glib helpers the state files and the JSON Feed reader share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper than any document Meanwhile reads: JSON Feed and the state files need five. */
#define MW_JSON_MAX_DEPTH 64

gboolean    mw_json_load       (JsonParser  *parser,
                                const char  *data,
                                gsize        length,
                                GError     **error);

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

G_END_DECLS
