/* pdftree — number trees and name trees (ISO 32000-1 §7.9.6, §7.9.7).
 *
 * Every tree the PDF has (the structure ParentTree, the IDTree, any Dests
 * or other name tree) is written here: keys in ascending order, because
 * readers (pdf.js, qpdf, poppler) find a key by bisection and an unsorted
 * tree silently hides most of its entries; and balanced with /Kids, so no
 * libharu array ever comes near its 32,767-element limit however big the
 * document is. Leaves hold at most PDFTREE_FANOUT entries, intermediate
 * nodes at most PDFTREE_FANOUT kids, and every leaf is at the same depth.
 *
 * Ownership: the nodes belong to the libharu document (freed by
 * HPDF_Free). The entries are the caller's; they are sorted in place.
 * Failure: NULL for two equal keys (a tree maps each key to one value) or
 * when libharu cannot allocate (its sticky error then says so).
 */
#ifndef KCVS_PDFTREE_H
#define KCVS_PDFTREE_H

#include <hpdf.h>
#include <stddef.h>

#define PDFTREE_FANOUT 64

typedef enum { PDFTREE_NUMBERS, PDFTREE_NAMES } pdftree_kind;

typedef struct pdftree_entry {
    long number;         /* the key of a number tree */
    const char *name;    /* the key of a name tree: bytes, compared as such */
    void *value;         /* an object of the libharu document */
} pdftree_entry;

/* The root node (indirect) of a tree of count entries; an empty tree is a
 * root with an empty /Nums or /Names array. */
HPDF_Dict pdftree_write(HPDF_Doc pdf, pdftree_kind kind, pdftree_entry *entries,
                        size_t count);

#endif
