/* mw-xml.c: the one way Meanwhile hands documents to libxml2
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feeds, web pages searched for feeds, subscription lists and articles are all written
 * by strangers: each is read with MW_XML_SAFE_OPTIONS and whatever lenience its reader
 * adds, never with an option that reaches outside the document.
 */
#define G_LOG_DOMAIN "mw-xml"

#include "config.h"

#include "mw-xml.h"

/* Options that would let a document fetch, expand or grow past libxml2's limits. */
#define UNSAFE_OPTIONS (XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_DTDATTR | \
                        XML_PARSE_DTDVALID | XML_PARSE_XINCLUDE | XML_PARSE_HUGE)

/**
 * mw_xml_init:
 *
 * Sets up libxml2 once. libxml2 2.9 asks for one initialisation before threads use it,
 * and does not survive two at once from two threads; documents are first read on any
 * worker thread. The readers below call it; a caller that makes its own parser context
 * calls it first. Safe to call from any thread, any number of times.
 */
void
mw_xml_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      xmlInitParser ();
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * mw_xml_options:
 * @extra: XML_PARSE_ or HTML_PARSE_ flags for how lenient a reader is
 *
 * Returns: MW_XML_SAFE_OPTIONS with @extra, less anything unsafe in it
 */
int
mw_xml_options (int extra)
{
  return MW_XML_SAFE_OPTIONS | (extra & ~UNSAFE_OPTIONS);
}

/**
 * mw_xml_read_memory:
 * @ctxt: a parser context from xmlNewParserCtxt(), perhaps with SAX handlers changed
 * @data: (array length=length): the document
 * @length: its size in bytes
 * @extra: what mw_xml_options() takes
 *
 * Returns: (nullable): the tree, or %NULL if libxml2 made none or the document is past
 *   what libxml2 can count
 */
xmlDocPtr
mw_xml_read_memory (xmlParserCtxtPtr  ctxt,
                    const char       *data,
                    gsize             length,
                    int               extra)
{
  /* libxml2 counts in ints. */
  if (length > G_MAXINT)
    return NULL;

  mw_xml_init ();
  return xmlCtxtReadMemory (ctxt, data, (int) length, NULL, NULL, mw_xml_options (extra));
}

/**
 * mw_xml_reader_new:
 * @data: (array length=length): the document, which must outlive the reader
 * @length: its size in bytes
 * @extra: what mw_xml_options() takes
 *
 * Returns: (nullable): a streaming reader, or %NULL
 */
xmlTextReaderPtr
mw_xml_reader_new (const char *data,
                   gsize       length,
                   int         extra)
{
  if (length > G_MAXINT)
    return NULL;

  mw_xml_init ();
  return xmlReaderForMemory (data, (int) length, NULL, NULL, mw_xml_options (extra));
}

/**
 * mw_xml_read_html:
 * @data: (array length=length): the page
 * @length: its size in bytes
 * @encoding: (nullable): the encoding to read it in, or %NULL to take the page's word
 * @extra: what mw_xml_options() takes, as HTML_PARSE_ flags
 *
 * Returns: (nullable): the tree, or %NULL
 */
htmlDocPtr
mw_xml_read_html (const char *data,
                  gsize       length,
                  const char *encoding,
                  int         extra)
{
  if (length > G_MAXINT)
    return NULL;

  mw_xml_init ();
  return htmlReadMemory (data, (int) length, NULL, encoding, mw_xml_options (extra));
}
