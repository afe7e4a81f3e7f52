/* strindex — a hash index from strings to ints (positions in the caller's
 * array), so lookups by name stay O(1) in documents of 20,000 files or
 * tens of thousands of xml:ids, where a linear search made the run
 * quadratic.
 *
 * Ownership: the index owns its slots (strindex_free releases them); keys
 * are borrowed and must outlive the index. A zeroed strindex is empty.
 * Failure: none returned; memory is the mem module's (it ends the run).
 * Deliberately the shape of ptrindex (duplicates lists the pair): see there.
 */
#ifndef KCVS_STRINDEX_H
#define KCVS_STRINDEX_H

#include <stddef.h>

typedef struct strindex_slot {
    const char *key;
    int value;
} strindex_slot;

typedef struct strindex {
    strindex_slot *slots;
    size_t cap, count;   /* cap: 0 or a power of two */
} strindex;

/* Adds key -> value, or replaces the value of an equal key. */
void strindex_put(strindex *m, const char *key, int value);
/* The value of key, or -1. */
int strindex_get(const strindex *m, const char *key);
void strindex_free(strindex *m);

#endif
