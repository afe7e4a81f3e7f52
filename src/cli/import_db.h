/* import_db — looking at pandoc's DocBook tree.
 *
 * Owns nothing: the tests and texts the import's steps share (an element
 * of DocBook's namespace, its first child of a name, its text with white
 * space made single spaces, its info made when it has none).
 * Failure: none.
 */
#ifndef KCVS_IMPORT_DB_H
#define KCVS_IMPORT_DB_H

#include <libxml/tree.h>
#include <stdbool.h>

#define IMPORT_DB_NS "http://docbook.org/ns/docbook"

/* n is a DocBook element called name (any name when name is NULL). */
bool import_db_is(const xmlNode *n, const char *name);
xmlNode *import_db_child(xmlNode *n, const char *name);
bool import_db_has_text(const char *s);
/* n's text, white space runs made one space and trimmed (xmlFree). */
char *import_db_text(xmlNode *n);
/* n holds text itself, not only in its child elements. */
bool import_db_direct_text(xmlNode *n);
/* root's info, made first child when it has none. */
xmlNode *import_db_info(xmlNode *root);
bool import_db_is_table(xmlNode *n);

#endif
