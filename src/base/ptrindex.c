#include "ptrindex.h"

#include "mem.h"

#include <stdint.h>
#include <stdlib.h>

/* Fibonacci hashing: arena pointers differ in their low bits by the
   allocation size, which the multiplication spreads over the high bits. */
static size_t ptr_hash(const void *key, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ h >> 32) & (cap - 1);
}

static ptrindex_slot *find_slot(ptrindex_slot *slots, size_t cap, const void *key)
{
    for (size_t i = ptr_hash(key, cap);; i = (i + 1) & (cap - 1))
        if (!slots[i].key || slots[i].key == key)
            return &slots[i];
}

/* grow, put, get and free are strindex.c's, line for line (duplicates
 * pairs them): keys compared by identity here, as strings there (see
 * ptrindex.h for why there are two). Keeps the index at most half full,
 * so probes stay short. */
static void grow(ptrindex *m)
{
    size_t cap = mem_grown(m->cap, m->cap + 1, 64);
    ptrindex_slot *slots = mem_alloc(cap, sizeof *slots);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *find_slot(slots, cap, m->slots[i].key) = m->slots[i];
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

void ptrindex_put(ptrindex *m, const void *key, int value)
{
    if (2 * (m->count + 1) > m->cap)
        grow(m);
    ptrindex_slot *s = find_slot(m->slots, m->cap, key);
    if (!s->key)
        m->count++;
    *s = (ptrindex_slot){ key, value };
}

int ptrindex_get(const ptrindex *m, const void *key)
{
    if (!m->cap)
        return -1;
    const ptrindex_slot *s = find_slot(m->slots, m->cap, key);
    return s->key ? s->value : -1;
}

void ptrindex_free(ptrindex *m)
{
    free(m->slots);
    *m = (ptrindex){ 0 };
}
