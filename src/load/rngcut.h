/* rngcut — a RELAX NG schema cut down to the elements one document has
 * (issue 16).
 *
 * libxml2 compiles every element's content model into an automaton and
 * checks it deterministic, in time cubic in the names a block may hold:
 * 10 ms of CPU at every run for the report's schema, more than the report
 * takes to lay out. An element pattern whose name no element of the
 * document has can match nothing in it: it is notAllowed there, and so is
 * every group, interleave, element or definition that requires it, while
 * a choice simply loses it (RELAX NG's own simplification, section 4.19).
 * The cut schema therefore accepts the document exactly when the whole
 * one does — and compiles in a tenth of the time. Its messages are not
 * the whole schema's ("expecting title" needs title), so a document it
 * rejects is validated again with the whole schema, which says why.
 *
 * Ownership: rngcut_for's result is the caller's (xmlFreeDoc); the
 * schema and document passed in are only read.
 * Failure: NULL when the schema has a shape this module does not cut
 * (include, externalRef, combined or nested grammars): the caller then
 * validates with the whole schema. Memory is the mem module's.
 */
#ifndef KCVS_RNGCUT_H
#define KCVS_RNGCUT_H

#include <libxml/tree.h>
#include <stdbool.h>

/* A copy of rng (a RELAX NG schema in XML syntax) without the element
 * patterns whose local name no element of doc has, or NULL. */
xmlDoc *rngcut_for(const xmlDoc *rng, const xmlDoc *doc);

/* True when doc is valid against rng cut for it and libxml2 said nothing
 * while compiling or validating (its messages are dropped); false when
 * doc is invalid, the cut schema would not compile or rng is not cut:
 * then only the whole schema can tell. Reads doc as the validator does
 * (which, for an interleave, rewrites sibling links on the way and puts
 * them back). */
bool rngcut_valid(const xmlDoc *rng, xmlDoc *doc);

#endif
