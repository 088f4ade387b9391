/* mw-json.h: the json-glib helpers the state files and the JSON Feed reader share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "mw-error.h"

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
JsonArray  *mw_json_get_array  (JsonObject  *object,
                                const char  *name);
void        mw_json_add_failure (JsonBuilder     *builder,
                                 const char      *name,
                                 const MwFailure *failure);
MwFailure  *mw_json_get_failure (JsonObject      *object,
                                 const char      *name);

/* The head every state file shares: {"format": NAME, "version": N, LIST: [ entries ]}. */
typedef struct
{
  const char *name;      /* the value of "format" */
  gint64      version;   /* the newest version this build reads, and the one it writes */
  const char *list;      /* the member that holds the entries */
  gboolean    indent;    /* written for people to read, at the cost of size */
} MwJsonStateFormat;

/* What keeps a state file from being read; each file says it in its own sentence. */
typedef enum
{
  MW_JSON_STATE_READ,        /* read: the entries are there, or there are none */
  MW_JSON_STATE_EMPTY,       /* not a byte: it was cut short */
  MW_JSON_STATE_DAMAGED,     /* not JSON, or nested too deep: the detail says where */
  MW_JSON_STATE_FOREIGN,     /* JSON, but no object of this format */
  MW_JSON_STATE_NO_VERSION,
  MW_JSON_STATE_TOO_NEW,
  MW_JSON_STATE_NO_LIST,     /* the list member is there, but no list */
} MwJsonStateFault;

/* Reads one entry; NULL leaves it out, and it is counted. */
typedef gpointer (*MwJsonEntryFunc) (JsonNode *node,
                                     gpointer  user_data);

void             mw_json_begin_state   (JsonBuilder             *builder,
                                        const MwJsonStateFormat *format);
char            *mw_json_end_state     (JsonBuilder             *builder,
                                        const MwJsonStateFormat *format,
                                        gsize                   *length);
MwJsonStateFault mw_json_open_state    (JsonParser              *parser,
                                        const char              *data,
                                        gsize                    length,
                                        const MwJsonStateFormat *format,
                                        JsonArray              **entries,
                                        gint64                  *version,
                                        GError                 **detail);
GPtrArray       *mw_json_read_entries  (JsonArray               *array,
                                        MwJsonEntryFunc          read,
                                        gpointer                 user_data,
                                        GDestroyNotify           free_entry,
                                        guint                   *n_skipped);

G_END_DECLS
