/* mw-feed-text-private.h: the text-level helpers the feed parser shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Character and entity helpers and decoding to UTF-8 (mw-feed-text.c), the repair of
 * documents before parsing (mw-feed-repair.c), and addresses, HTML and plain text in
 * fields (mw-feed-html.c). Dates are read by mw_feed_parse_date() (mw-feed-dates.c),
 * declared in mw-feed-parser.h.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bounds on what a hostile feed can make us keep. Titles are cut later, after markup
 * has been stripped, so more of them is collected than kept. */
#define TITLE_MAX_BYTES     (2 * 1024)
#define TITLE_COLLECT_BYTES (16 * 1024)
#define TEXT_MAX_BYTES      (8 * 1024)
#define HTML_MAX_BYTES      (1024 * 1024)
#define URL_MAX_BYTES       (8 * 1024)
#define ID_MAX_BYTES        512
#define ID_COLLECT_BYTES    (64 * 1024)
#define DATE_COLLECT_BYTES  256
#define MAX_ITEMS           100000
#define MAX_ENCLOSURES      64

typedef enum
{
  MARKUP_NONE,         /* plain text already */
  MARKUP_INLINE_TAGS,  /* escaped once too often: decode, drop formatting tags */
  MARKUP_HTML,         /* HTML: drop every tag, script and style, decode */
} MarkupMode;

/* mw-feed-text.c */
gboolean  _mw_feed_has_prefix_ascii_ci   (const char    *str,
                                          gsize          len,
                                          const char    *prefix);
gunichar  _mw_feed_html_entity_lookup    (const char    *name,
                                          gsize          len);
gboolean  _mw_feed_is_predefined_entity  (const char    *name,
                                          gsize          len);
gboolean  _mw_feed_is_xml_char           (gunichar       c);
gunichar  _mw_feed_fix_c1                (gunichar       c);
gsize     _mw_feed_decode_utf8           (const guchar  *p,
                                          const guchar  *end,
                                          gunichar      *out);
void      _mw_feed_string_truncate_utf8  (GString       *str,
                                          gsize          max);
char     *_mw_feed_strdup_capped         (const char    *text,
                                          gsize          max);
char     *_mw_feed_ensure_utf8           (char          *str);
char     *_mw_feed_trim_or_null          (char          *str,
                                          gsize          len);
GString  *_mw_feed_decode_document       (const guchar  *data,
                                          gsize          len,
                                          const char    *content_type,
                                          gboolean       xml,
                                          gsize         *skip);

/* mw-feed-repair.c */
const char *_mw_feed_skip_past              (const char *p,
                                             const char *end,
                                             const char *terminator);
const char *_mw_feed_read_char_reference    (const char *p,
                                             const char *end,
                                             gunichar   *value);
GString    *_mw_feed_repair_xml             (const char *data,
                                             gsize       len);
GString    *_mw_feed_repair_stray_less_than (const char *data,
                                             gsize       len);

/* mw-feed-html.c */
char     *_mw_feed_resolve_reference  (const char *base,
                                       const char *ref);
char     *_mw_feed_resolve_http_url   (const char *base,
                                       const char *ref);
void      _mw_feed_append_escaped     (GString    *out,
                                       const char *text,
                                       gsize       len,
                                       gboolean    attribute);
char     *_mw_feed_absolutize_html    (const char *html,
                                       const char *base);
char     *_mw_feed_clean_plain_text   (const char *text,
                                       MarkupMode  mode,
                                       gsize       max);
char     *_mw_feed_clean_title        (const char *text,
                                       gboolean    is_html,
                                       gsize       max);
char     *_mw_feed_clean_author       (const char *text);
char     *_mw_feed_finish_body        (char       *text);

G_END_DECLS
