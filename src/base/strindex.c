#include "strindex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static size_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return (size_t)h;
}

/* The slot of key, or the empty slot where it belongs (linear probing;
 * the table is never more than half full). */
static strindex_slot *find_slot(strindex_slot *slots, size_t cap, const char *key)
{
    size_t mask = cap - 1;
    for (size_t i = str_hash(key) & mask;; i = (i + 1) & mask)
        if (!slots[i].key || strcmp(slots[i].key, key) == 0)
            return &slots[i];
}

/* grow, put, get and free are ptrindex.c's, line for line (duplicates
 * pairs them): keys compared as strings here, by identity there (see
 * ptrindex.h for why there are two). Keeps the index at most half full. */
static void grow(strindex *m)
{
    size_t cap = mem_grown(m->cap, m->cap + 1, 64);
    strindex_slot *slots = mem_alloc(cap, sizeof *slots);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *find_slot(slots, cap, m->slots[i].key) = m->slots[i];
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

void strindex_put(strindex *m, const char *key, int value)
{
    if (2 * (m->count + 1) > m->cap)
        grow(m);
    strindex_slot *s = find_slot(m->slots, m->cap, key);
    if (!s->key)
        m->count++;
    *s = (strindex_slot){ key, value };
}

int strindex_get(const strindex *m, const char *key)
{
    if (!m->cap)
        return -1;
    const strindex_slot *s = find_slot(m->slots, m->cap, key);
    return s->key ? s->value : -1;
}

void strindex_free(strindex *m)
{
    free(m->slots);
    *m = (strindex){ 0 };
}
