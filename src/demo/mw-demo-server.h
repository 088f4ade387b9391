/* mw-demo-server.h: a loopback HTTP server with sample files, for trying the app offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* About 1.5 MiB/s: a 6 MiB sample takes some four seconds, time enough to watch the
 * progress and to flip the freezing switch. */
#define MW_DEMO_SERVER_DEFAULT_BYTES_PER_SECOND (3 * 512 * 1024)

#define MW_TYPE_DEMO_SERVER (mw_demo_server_get_type ())
G_DECLARE_FINAL_TYPE (MwDemoServer, mw_demo_server, MW, DEMO_SERVER, GObject)

MwDemoServer *mw_demo_server_new                 (void);

gboolean      mw_demo_server_start               (MwDemoServer  *self,
                                                  GError       **error);
void          mw_demo_server_stop                (MwDemoServer  *self);
gboolean      mw_demo_server_is_running          (MwDemoServer  *self);

const char   *mw_demo_server_get_base_url        (MwDemoServer  *self);
char         *mw_demo_server_dup_url             (MwDemoServer  *self,
                                                  const char    *path);
GStrv         mw_demo_server_dup_download_urls   (MwDemoServer  *self);

guint64       mw_demo_server_get_bytes_per_second (MwDemoServer *self);
void          mw_demo_server_set_bytes_per_second (MwDemoServer *self,
                                                   guint64       rate);

void          mw_demo_server_add_text            (MwDemoServer  *self,
                                                  const char    *path,
                                                  const char    *content_type,
                                                  const char    *text);

/* Returns: (transfer full): the start of a varying text's body for its request number
 * @n (1 for the first), which came in at @now (UTC) */
typedef char *(*MwDemoServerHeadFunc) (guint      n,
                                       GDateTime *now,
                                       gpointer   user_data);

void          mw_demo_server_add_varying_text    (MwDemoServer         *self,
                                                  const char           *path,
                                                  const char           *content_type,
                                                  MwDemoServerHeadFunc  head_func,
                                                  gpointer              head_data,
                                                  GDestroyNotify        head_destroy,
                                                  const char           *tail);

GBytes       *mw_demo_server_dup_file_contents   (MwDemoServer  *self,
                                                  const char    *url_or_path);
guint         mw_demo_server_get_n_requests      (MwDemoServer  *self,
                                                  const char    *url_or_path);
guint         mw_demo_server_get_n_partial       (MwDemoServer  *self,
                                                  const char    *url_or_path);

G_END_DECLS
