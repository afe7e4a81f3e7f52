/* import_xml — reading the XML parts of an .odt's or .docx's package.
 *
 * Owns nothing: a part parsed with the network off, its errors silenced
 * (the caller names the file), and the lookups by namespace the readers of
 * both packages share.
 * Failure: NULL with *err set to a message to free() when the part is not
 * XML; NULL with *err NULL when the package has no such part.
 */
#ifndef KCVS_IMPORT_XML_H
#define KCVS_IMPORT_XML_H

#include "zipfile.h"

#include <libxml/tree.h>
#include <stdbool.h>

xmlDoc *import_xml_part(zipfile *z, const char *path, const char *name, char **err);
bool import_xml_is(const xmlNode *n, const char *ns, const char *name);
/* n's first child element ns:name, NULL when none (or n is NULL). */
xmlNode *import_xml_child(const xmlNode *n, const char *ns, const char *name);
/* s (to free, from libxml2 or not) with runs of white space made one
 * space and trimmed, in place. */
char *import_xml_collapse(char *s);
/* Text built piece by piece (a paragraph of many runs: no copy per
 * piece); s is NULL until something is added, then NUL-terminated. */
typedef struct import_xml_text {
    char *s;
    size_t len, cap;
} import_xml_text;

void import_xml_add(import_xml_text *t, const char *more, size_t n);

/* The most images, tables, bookmarks, headings or captions of a document
 * the import matches to pandoc's, one by one (a 300-page report has a few
 * hundred). */
#define IMPORT_XML_MAX_ITEMS 10000
/* Whether count is within IMPORT_XML_MAX_ITEMS; if not, *err says so
 * (unless it says something already). */
bool import_xml_bounded(size_t count, const char *path, const char *what, char **err);
/* The element just before (or after) n among its siblings, NULL if none. */
xmlNode *import_xml_sibling(const xmlNode *n, bool before);
/* The next element after n in document order under top, n's subtree
 * skipped if skip_children. */
xmlNode *import_xml_next(xmlNode *n, const xmlNode *top, bool skip_children);

#endif
