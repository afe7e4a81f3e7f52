/* link — a link of the document: to an address or to a block.
 *
 * Owns nothing (arena strings). A base type shared by the build stage
 * (which resolves targets), layout (which places them) and emit (which
 * writes the annotations from the plain fields: it never looks into the
 * target block, whose type stays incomplete here).
 */
#ifndef KCVS_LINK_H
#define KCVS_LINK_H

#include "diag.h"

struct block;

typedef struct doc_link {
    const char *uri;        /* external: percent-encoded ASCII URI */
    struct block *target;   /* internal */
    const char *target_id;
    const char *target_title; /* the target's plain title, NULL when it has
                                 none (set by layout for emit) */
    const char *workstream; /* title of the workstream that holds it */
    src_loc loc;
} doc_link;

#endif
