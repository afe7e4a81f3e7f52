/* ptrindex — a hash index from pointers to ints (positions in the caller's
 * array): a later stage numbers an earlier stage's nodes here instead of
 * writing the numbers into them (emit's structure elements by tag node).
 *
 * Ownership: the index owns its slots (ptrindex_free releases them); keys
 * are borrowed and only compared, never followed. A zeroed ptrindex is
 * empty.
 * Failure: none returned; memory is the mem module's (it ends the run).
 * Deliberately the shape of strindex (duplicates lists the pair): the same
 * half-full linear probing, but keys compared by identity and hashed by
 * address; one generic index would pay a callback on every probe.
 */
#ifndef KCVS_PTRINDEX_H
#define KCVS_PTRINDEX_H

#include <stddef.h>

typedef struct ptrindex_slot {
    const void *key;     /* NULL: empty */
    int value;
} ptrindex_slot;

typedef struct ptrindex {
    ptrindex_slot *slots;
    size_t cap, count;   /* cap: 0 or a power of two */
} ptrindex;

/* Adds key (not NULL) -> value, or replaces the value of the same key. */
void ptrindex_put(ptrindex *m, const void *key, int value);
/* The value of key, or -1. */
int ptrindex_get(const ptrindex *m, const void *key);
void ptrindex_free(ptrindex *m);

#endif
