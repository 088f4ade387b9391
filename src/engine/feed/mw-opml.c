/* mw-opml.c: subscription lists in and out as OPML
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "mw-opml"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mw-opml.h"
#include "mw-url.h"
#include "mw-xml.h"

/* A list of a few thousand feeds is well under 1 MiB; anything this large is not a
 * subscription list someone exported. */
#define OPML_MAX_BYTES (10 * 1024 * 1024)

/* Titles are shown in a list row; anything longer is junk or an attack. */
#define TITLE_MAX_CHARS 512

/* Written folders nest at most this deep; deeper group components stay joined in the
 * innermost folder's name, which reads back as the same group. Our own parser, like
 * most, refuses documents nested deeper than 256 elements. */
#define WRITE_MAX_FOLDER_DEPTH 64

#define GROUP_SEPARATOR " / "

/**
 * mw_opml_entry_free:
 * @entry: (nullable) (transfer full): an entry
 *
 * Frees @entry and its strings.
 */
void
mw_opml_entry_free (MwOpmlEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->url);
  g_free (entry->title);
  g_free (entry->site_url);
  g_free (entry->group);
  g_free (entry);
}

/* Reading */

/* Turns the feed: pseudo-scheme that some sites and readers use into the address it
 * stands for: "feed://host/x" is "http://host/x", "feed:https://host/x" is
 * "https://host/x". */
static char *
normalize_feed_url (const char *text)
{
  const char *p = text;

  while (*p != '\0' && (guchar) *p <= ' ')
    p++;

  if (g_ascii_strncasecmp (p, "feed:", 5) == 0)
    {
      g_autofree char *http = NULL;

      p += 5;
      if (g_str_has_prefix (p, "//"))
        {
          http = g_strconcat ("http:", p, NULL);
          return mw_url_resolve_http (NULL, http);
        }
    }

  return mw_url_resolve_http (NULL, p);
}

/* No attribute of a real subscription list comes near this; see get_attribute(). */
#define ATTRIBUTE_MAX_BYTES (64 * 1024)

/* How deep internal entities may refer to each other; libxml2 refuses loops itself. */
#define ENTITY_MAX_DEPTH 16

/* Appends the text of @node and its siblings, with internal entities expanded, and gives
 * up (returning FALSE) past ATTRIBUTE_MAX_BYTES. libxml2 2.9 bounds nested expansion but
 * not a flat one: ten thousand references to a 10 KB entity in one attribute make
 * 100 MB, and its own xmlNodeListGetString() takes minutes over them. External entities
 * are never loaded, so they have no text. */
static gboolean
append_attribute_text (GString *out,
                       xmlNode *node,
                       guint    depth)
{
  for (; node != NULL; node = node->next)
    {
      if (node->type == XML_TEXT_NODE && node->content != NULL)
        {
          g_string_append (out, (const char *) node->content);
        }
      else if (node->type == XML_ENTITY_REF_NODE)
        {
          xmlEntity *entity = xmlGetDocEntity (node->doc, node->name);

          if (entity == NULL || entity->etype != XML_INTERNAL_GENERAL_ENTITY)
            continue;
          if (depth >= ENTITY_MAX_DEPTH)
            return FALSE;
          if (entity->children != NULL)
            {
              if (!append_attribute_text (out, entity->children, depth + 1))
                return FALSE;
            }
          else if (entity->content != NULL)
            {
              g_string_append (out, (const char *) entity->content);
            }
        }

      if (out->len > ATTRIBUTE_MAX_BYTES)
        return FALSE;
    }

  return TRUE;
}

/* Returns a copy of the value of @node's first attribute called @name in any case
 * (exporters write xmlUrl, xmlurl and XMLURL), or NULL. Internal entities are expanded;
 * external ones are never loaded. A value longer than ATTRIBUTE_MAX_BYTES is junk or
 * an attack, and reads as no value. */
static char *
get_attribute (xmlNode    *node,
               const char *name)
{
  xmlAttr *attr;

  for (attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (attr->name != NULL && g_ascii_strcasecmp ((const char *) attr->name, name) == 0)
        {
          g_autoptr(GString) value = g_string_new (NULL);

          if (!append_attribute_text (value, attr->children, 0))
            return NULL;
          return g_string_free (g_steal_pointer (&value), FALSE);
        }
    }

  return NULL;
}

static gboolean
has_attribute (xmlNode    *node,
               const char *name)
{
  xmlAttr *attr;

  for (attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (attr->name != NULL && g_ascii_strcasecmp ((const char *) attr->name, name) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_element (xmlNode    *node,
            const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE && node->name != NULL &&
         g_ascii_strcasecmp ((const char *) node->name, name) == 0;
}

/* An outline's label as written: its title, else its text. */
static char *
outline_raw_label (xmlNode *outline)
{
  g_autofree char *title = get_attribute (outline, "title");
  g_autofree char *cleaned = mw_text_clean_line (title, TITLE_MAX_CHARS);

  if (cleaned != NULL)
    return g_steal_pointer (&title);

  return get_attribute (outline, "text");
}

/* An outline's label, cleaned. */
static char *
outline_label (xmlNode *outline)
{
  g_autofree char *raw = outline_raw_label (outline);

  return mw_text_clean_line (raw, TITLE_MAX_CHARS);
}

/* Joins the labels of the enclosing folders, skipping the levels that are not folders
 * (NULL), or returns NULL at the top level. */
static char *
join_group (GPtrArray *path)
{
  GString *group = NULL;
  guint i;

  for (i = 0; i < path->len; i++)
    {
      const char *label = g_ptr_array_index (path, i);

      if (label == NULL)
        continue;
      if (group == NULL)
        group = g_string_new (label);
      else
        g_string_append_printf (group, GROUP_SEPARATOR "%s", label);
    }

  return group != NULL ? g_string_free (group, FALSE) : NULL;
}

static MwOpmlEntry *
entry_from_outline (xmlNode    *outline,
                    GPtrArray  *path,
                    GHashTable *seen)
{
  g_autofree char *xml_url = get_attribute (outline, "xmlUrl");
  g_autofree char *url = normalize_feed_url (xml_url);
  g_autofree char *html_url = NULL;
  g_autofree char *raw_title = NULL;
  g_autofree char *title = NULL;
  MwOpmlEntry *entry;

  if (url == NULL || g_hash_table_contains (seen, url))
    return NULL;
  g_hash_table_add (seen, g_strdup (url));

  /* A text that only repeats the address is no title; it is also what mw_opml_write()
   * writes for a feed without one, as OPML wants a text. It is compared before
   * cleaning, which would cut a long address short. */
  raw_title = outline_raw_label (outline);
  if (raw_title != NULL)
    {
      g_strstrip (raw_title);
      if (strcmp (raw_title, url) != 0 && strcmp (raw_title, g_strstrip (xml_url)) != 0)
        title = mw_text_clean_line (raw_title, TITLE_MAX_CHARS);
    }

  html_url = get_attribute (outline, "htmlUrl");

  entry = g_new0 (MwOpmlEntry, 1);
  entry->url = g_steal_pointer (&url);
  entry->title = g_steal_pointer (&title);
  entry->site_url = mw_url_resolve_http (NULL, html_url);
  entry->group = join_group (path);

  return entry;
}

/* Collects the feeds among the descendants of @top in document order. Elements other
 * than outlines are looked into, as some exporters wrap outlines oddly, but only
 * outlines without xmlUrl name groups, and <head> is no place for subscriptions. The
 * walk is iterative so that no document can exhaust the stack. */
static void
collect_entries (xmlNode    *top,
                 GPtrArray  *entries,
                 GHashTable *seen)
{
  g_autoptr(GPtrArray) path = g_ptr_array_new_with_free_func (g_free);
  xmlNode *node = top->children;

  while (node != NULL)
    {
      gboolean folder = FALSE;

      if (node->type == XML_ELEMENT_NODE)
        {
          if (is_element (node, "outline"))
            {
              if (has_attribute (node, "xmlUrl"))
                {
                  MwOpmlEntry *entry = entry_from_outline (node, path, seen);

                  if (entry != NULL)
                    g_ptr_array_add (entries, entry);
                }
              else
                {
                  folder = TRUE;
                }
            }

          if (node->children != NULL && !is_element (node, "head"))
            {
              /* One path element per level entered, NULL where no folder is named. */
              g_ptr_array_add (path, folder ? outline_label (node) : NULL);
              node = node->children;
              continue;
            }
        }

      while (node != top && node->next == NULL)
        {
          node = node->parent;
          if (node != top)
            g_ptr_array_remove_index (path, path->len - 1);
        }
      node = node != top ? node->next : NULL;
    }
}

static gboolean
mentions_opml (const guint8 *data,
               gsize         length)
{
  gsize i;

  for (i = 0; i + 5 <= length; i++)
    {
      if (data[i] == '<' && g_ascii_strncasecmp ((const char *) data + i + 1, "opml", 4) == 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * mw_opml_parse:
 * @data: (array length=length) (nullable): the contents of an OPML file
 * @length: the number of bytes in @data
 * @error: return location for a #GError
 *
 * Reads the feed subscriptions of an OPML file, as exported by feed readers: every
 * `<outline>` with an `xmlUrl`, in document order, nested outlines included. An entry's
 * title is the outline's `title`, else its `text`; its group is the labels of the
 * enclosing outlines that are not feeds, joined with " / ". Only http(s) feeds are kept
 * (`feed:` addresses are translated), each once; junk outlines are skipped.
 *
 * The file is read with no network access, no DTD loading and no external entities,
 * and refused when larger than 10 MiB. Safe to call from any thread.
 *
 * Errors are in the %G_MARKUP_ERROR domain, with a message for people:
 * %G_MARKUP_ERROR_EMPTY for an empty file, %G_MARKUP_ERROR_PARSE for a file that is not
 * well-formed XML, %G_MARKUP_ERROR_INVALID_CONTENT for XML that is not OPML or a file
 * that is too large.
 *
 * Returns: (transfer full) (element-type MwOpmlEntry): the entries, possibly none, or
 *   %NULL with @error set
 */
GPtrArray *
mw_opml_parse (const guint8  *data,
               gsize          length,
               GError       **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) seen = NULL;
  xmlParserCtxtPtr ctxt;
  xmlDocPtr doc;
  xmlNode *root;
  xmlNode *body = NULL;
  xmlNode *child;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY,
                           _("This file is empty: it contains no subscriptions."));
      return NULL;
    }

  if (length > OPML_MAX_BYTES)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           _("This file is too large to be a subscription list "
                             "(more than 10 MB)."));
      return NULL;
    }

  mw_xml_init ();

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE,
                           _("There is not enough memory to read this subscription list."));
      return NULL;
    }

  /* Strict: a damaged list is reported, not half read. */
  doc = mw_xml_read_memory (ctxt, (const char *) data, length, 0);
  if (doc == NULL)
    {
      const xmlError *xml_error = xmlCtxtGetLastError (ctxt);
      int line = xml_error != NULL ? xml_error->line : 0;

      xmlFreeParserCtxt (ctxt);

      /* Someone who picked a picture or a web page wants to hear that it is not a
       * subscription list; a damaged list deserves the place to look. */
      if (!mentions_opml (data, length))
        g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                             _("This file is not an OPML subscription list."));
      else if (line > 0)
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE,
                     _("This subscription list is damaged: it is not valid XML (line %d)."),
                     line);
      else
        g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE,
                             _("This subscription list is damaged: it is not valid XML."));
      return NULL;
    }
  xmlFreeParserCtxt (ctxt);

  root = xmlDocGetRootElement (doc);
  if (!is_element (root, "opml"))
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           _("This file is not an OPML subscription list."));
      return NULL;
    }

  for (child = root->children; child != NULL && body == NULL; child = child->next)
    {
      if (is_element (child, "body"))
        body = child;
    }

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_opml_entry_free);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Some exporters forget <body>; their outlines sit right under <opml>. */
  collect_entries (body != NULL ? body : root, entries, seen);

  xmlFreeDoc (doc);

  return g_steal_pointer (&entries);
}

/* Writing */

/* Appends @text escaped for an XML attribute or element. Characters XML 1.0 forbids
 * even as references (most C0 controls, U+FFFE, U+FFFF) are dropped, and line breaks
 * and tabs kept as references so that attribute normalisation does not eat them. */
static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  const char *p;

  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '&':
          g_string_append (out, "&amp;");
          break;
        case '<':
          g_string_append (out, "&lt;");
          break;
        case '>':
          g_string_append (out, "&gt;");
          break;
        case '"':
          g_string_append (out, "&quot;");
          break;
        case '\'':
          g_string_append (out, "&apos;");
          break;
        case '\t':
        case '\n':
        case '\r':
          g_string_append_printf (out, "&#%u;", c);
          break;
        default:
          if (c < 0x20 || c == 0xfffe || c == 0xffff)
            break;
          g_string_append_len (out, p, g_utf8_next_char (p) - p);
          break;
        }
    }
}

static void
append_indent (GString *out,
               guint    depth)
{
  guint i;

  for (i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

/* RFC 822 wants English day and month names whatever the locale. */
static char *
format_rfc822_now (void)
{
  static const char * const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char * const months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_strdup_printf ("%s, %02d %s %04d %02d:%02d:%02d GMT",
                          days[g_date_time_get_day_of_week (now) - 1],
                          g_date_time_get_day_of_month (now),
                          months[g_date_time_get_month (now) - 1],
                          g_date_time_get_year (now),
                          g_date_time_get_hour (now),
                          g_date_time_get_minute (now),
                          g_date_time_get_second (now));
}

/* The outline tree being written: a folder holds entries and folders in the order they
 * were first met. */
typedef struct _Folder Folder;
struct _Folder
{
  char       *name;
  GPtrArray  *items;      /* of Item */
  GHashTable *subfolders; /* name → Folder, owned by items */
};

typedef struct
{
  const MwOpmlEntry *entry;
  Folder            *folder;
} Item;

static void folder_free (Folder *folder);

static void
item_free (Item *item)
{
  g_clear_pointer (&item->folder, folder_free);
  g_free (item);
}

static Folder *
folder_new (const char *name)
{
  Folder *folder = g_new0 (Folder, 1);

  folder->name = g_strdup (name);
  folder->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  folder->subfolders = g_hash_table_new (g_str_hash, g_str_equal);

  return folder;
}

static void
folder_free (Folder *folder)
{
  g_hash_table_unref (folder->subfolders);
  g_ptr_array_unref (folder->items);
  g_free (folder->name);
  g_free (folder);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Folder, folder_free)

static Folder *
folder_get_subfolder (Folder     *parent,
                      const char *name)
{
  Folder *folder = g_hash_table_lookup (parent->subfolders, name);
  Item *item;

  if (folder != NULL)
    return folder;

  folder = folder_new (name);
  g_hash_table_insert (parent->subfolders, folder->name, folder);
  item = g_new0 (Item, 1);
  item->folder = folder;
  g_ptr_array_add (parent->items, item);

  return folder;
}

/* Finds, creating it on the way, the folder for a group such as "Tech / Linux". Empty
 * components are skipped, so "Tech /  / Linux" lands in the same place. */
static Folder *
folder_for_group (Folder     *top,
                  const char *group)
{
  g_auto(GStrv) components = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  Folder *folder = top;
  guint i;

  if (group == NULL)
    return top;

  components = g_strsplit (group, GROUP_SEPARATOR, -1);
  for (i = 0; components[i] != NULL; i++)
    {
      char *name = mw_text_clean_line (components[i], TITLE_MAX_CHARS);

      if (name != NULL)
        g_ptr_array_add (names, name);
    }

  for (i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *joined = NULL;

      if (i + 1 == WRITE_MAX_FOLDER_DEPTH && i + 1 < names->len)
        {
          g_ptr_array_add (names, NULL);
          joined = g_strjoinv (GROUP_SEPARATOR, (char **) names->pdata + i);
          folder = folder_get_subfolder (folder, joined);
          break;
        }
      folder = folder_get_subfolder (folder, name);
    }

  return folder;
}

static void
append_entry (GString           *out,
              const MwOpmlEntry *entry,
              guint              depth)
{
  append_indent (out, depth);
  g_string_append (out, "<outline type=\"rss\" text=\"");
  append_escaped (out, entry->title != NULL ? entry->title : entry->url);
  g_string_append_c (out, '"');
  if (entry->title != NULL)
    {
      g_string_append (out, " title=\"");
      append_escaped (out, entry->title);
      g_string_append_c (out, '"');
    }
  g_string_append (out, " xmlUrl=\"");
  append_escaped (out, entry->url);
  g_string_append_c (out, '"');
  if (entry->site_url != NULL)
    {
      g_string_append (out, " htmlUrl=\"");
      append_escaped (out, entry->site_url);
      g_string_append_c (out, '"');
    }
  g_string_append (out, "/>\n");
}

/* Recursion is bounded by WRITE_MAX_FOLDER_DEPTH. */
static void
append_folder_items (GString *out,
                     Folder  *folder,
                     guint    depth)
{
  guint i;

  for (i = 0; i < folder->items->len; i++)
    {
      Item *item = g_ptr_array_index (folder->items, i);

      if (item->entry != NULL)
        {
          append_entry (out, item->entry, depth);
          continue;
        }

      append_indent (out, depth);
      g_string_append (out, "<outline text=\"");
      append_escaped (out, item->folder->name);
      g_string_append (out, "\">\n");
      append_folder_items (out, item->folder, depth + 1);
      append_indent (out, depth);
      g_string_append (out, "</outline>\n");
    }
}

/**
 * mw_opml_write:
 * @entries: (element-type MwOpmlEntry): the subscriptions to write
 * @title: (nullable): the list's title, or %NULL for a default one
 * @length: (out) (optional): return location for the length of the document in bytes
 *
 * Writes an OPML 2.0 document, in UTF-8, that feed readers can import. Entries without a
 * group are top-level outlines; each group becomes a folder outline, and a group such as
 * "Tech / Linux" nested folders, in the order they first appear. A feed without a title
 * gets its address as `text`, which OPML requires; mw_opml_parse() reads that back as no
 * title. Entries without a URL are left out.
 *
 * Returns: (transfer full): the document, nul-terminated
 */
char *
mw_opml_write (GPtrArray  *entries,
               const char *title,
               gsize      *length)
{
  g_autoptr(Folder) top = folder_new (NULL);
  g_autofree char *date = format_rfc822_now ();
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; entries != NULL && i < entries->len; i++)
    {
      const MwOpmlEntry *entry = g_ptr_array_index (entries, i);
      Folder *folder;
      Item *item;

      if (entry == NULL || entry->url == NULL)
        continue;

      folder = folder_for_group (top, entry->group);
      item = g_new0 (Item, 1);
      item->entry = entry;
      g_ptr_array_add (folder->items, item);
    }

  g_string_append (out,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<opml version=\"2.0\">\n"
                   "  <head>\n"
                   "    <title>");
  append_escaped (out, title != NULL ? title : _("Meanwhile Subscriptions"));
  g_string_append (out, "</title>\n    <dateCreated>");
  append_escaped (out, date);
  g_string_append (out,
                   "</dateCreated>\n"
                   "  </head>\n"
                   "  <body>\n");
  append_folder_items (out, top, 2);
  g_string_append (out,
                   "  </body>\n"
                   "</opml>\n");

  if (length != NULL)
    *length = out->len;

  return g_string_free (out, FALSE);
}
