/* mw-xml.h: the one way Meanwhile hands documents to libxml2
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

G_BEGIN_DECLS

/* What every document is read with, whoever wrote it: nothing is fetched from the
 * network, external entities and the external DTD subset are never loaded (neither
 * XML_PARSE_NOENT nor XML_PARSE_DTDLOAD), nothing is printed, and libxml2's limits on
 * depth and sizes hold (never XML_PARSE_HUGE). The HTML_PARSE_ flags of the same names
 * have the same values. */
#define MW_XML_SAFE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

void             mw_xml_init        (void);
int              mw_xml_options     (int               extra);
xmlDocPtr        mw_xml_read_memory (xmlParserCtxtPtr  ctxt,
                                     const char       *data,
                                     gsize             length,
                                     int               extra);
xmlTextReaderPtr mw_xml_reader_new  (const char       *data,
                                     gsize             length,
                                     int               extra);
htmlDocPtr       mw_xml_read_html   (const char       *data,
                                     gsize             length,
                                     const char       *encoding,
                                     int               extra);

G_END_DECLS
