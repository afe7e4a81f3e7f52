/* import_schema — the attributes the compiler's schema allows each element.
 *
 * Owns: for every element the RELAX NG schema (schema/kcvs.rng) defines,
 * by local name, the set of attributes its pattern names (through its
 * refs, not into its child elements) and the values each takes when the
 * schema lists them, read from the schema's XML. The
 * import drops pandoc's attributes outside it (spacing="compact" on a
 * list, …) by this set, not by libxml2's validation messages, which name
 * an invalid attribute only when the content model lets them (a choice of
 * element names, as section | sect1 | …, makes them name the parent).
 * Failure: NULL with *err set to a message to free().
 */
#ifndef KCVS_IMPORT_SCHEMA_H
#define KCVS_IMPORT_SCHEMA_H

#include <libxml/tree.h>
#include <stdbool.h>

typedef struct import_schema import_schema;

import_schema *import_schema_load(const char *rng_path, char **err);
/* Whether the schema allows attribute a on element el, with its value
 * when the schema lists the values it takes (true for an element it does
 * not define: nothing to say of it). */
bool import_schema_allows(const import_schema *s, const xmlNode *el, const xmlAttr *a);
void import_schema_free(import_schema *s);

#endif
