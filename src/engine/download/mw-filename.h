/* mw-filename.h: naming downloaded files safely
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest file name, in bytes, that Meanwhile writes (NAME.part must still fit the
 * usual 255-byte limit of Linux file systems). */
#define MW_FILENAME_MAX_BYTES 200

char *mw_content_disposition_get_filename (const char *header);
char *mw_filename_sanitize                (const char *name);
char *mw_filename_from_uri                (const char *uri);
char *mw_filename_with_index              (const char *name,
                                           guint       index);

G_END_DECLS
