#include "arena.h"

#include "mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_CHUNK = 1 << 20, ARENA_ALIGN = 16 };

typedef struct chunk {
    struct chunk *next;
    size_t size, used;
    size_t seq;        /* chunks are numbered as they are made */
    _Alignas(16) unsigned char data[];
} chunk;

struct arena {
    chunk *head;
    size_t total;
    size_t chunks;     /* made so far: the next one's seq */
};

arena *arena_new(void)
{
    return mem_alloc(1, sizeof(arena));
}

void arena_free(arena *a)
{
    if (!a)
        return;
    for (chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

static chunk *chunk_new(arena *a, size_t at_least)
{
    size_t size = at_least > ARENA_CHUNK ? at_least : ARENA_CHUNK;
    /* malloc, not mem_alloc: a chunk needs no zeroing (its bytes are
     * handed out as written); running out still ends in mem_fail */
    chunk *c = malloc(sizeof *c + size);
    if (!c)
        mem_fail(sizeof *c + size);
    c->size = size;
    c->used = 0;
    c->next = NULL;
    c->seq = ++a->chunks;
    return c;
}

void *arena_alloc(arena *a, size_t size)
{
    size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < size)
        mem_fail(size);
    chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        chunk *fresh = chunk_new(a, need);
        /* A huge one-off block goes behind the current chunk so the
         * current chunk's free space is not wasted. */
        if (c && need > ARENA_CHUNK) {
            fresh->next = c->next;
            c->next = fresh;
        } else {
            fresh->next = c;
            a->head = fresh;
        }
        c = fresh;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->total += need;
    memset(p, 0, size);
    return p;
}

void *arena_alloc_array(arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        mem_fail(SIZE_MAX);
    return arena_alloc(a, n * size);
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *arena_grow(arena *a, void *old, size_t old_n, size_t new_n, size_t size)
{
    void *p = arena_alloc_array(a, new_n, size);
    if (old && old_n)
        memcpy(p, old, (old_n < new_n ? old_n : new_n) * size);
    return p;
}

void *arena_reserve(arena *a, void *array, size_t count, size_t *cap, size_t size)
{
    if (count < *cap)
        return array;
    size_t grown = mem_grown(*cap, count + 1, 8);
    void *p = arena_grow(a, array, count, grown, size);
    *cap = grown;
    return p;
}

arena_mark arena_mark_now(const arena *a)
{
    const chunk *h = a->head;
    return (arena_mark){ a->head, h ? h->used : 0, a->total, a->chunks };
}

void arena_release(arena *a, arena_mark m)
{
    /* Chunks made after the mark (numbered above m.seq) are in front of
     * its head chunk, or, huge one-off blocks, right behind it. */
    while (a->head && a->head != m.head) {
        chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
    chunk *h = a->head;
    while (h && h->next && h->next->seq > m.seq) {
        chunk *next = h->next->next;
        free(h->next);
        h->next = next;
    }
    if (h)
        h->used = m.used;
    a->total = m.total;
}

void arena_reset(arena *a)
{
    chunk *keep = NULL;
    for (chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        if (!keep && c->size == ARENA_CHUNK)
            keep = c;
        else
            free(c);
    }
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
    }
    a->head = keep;
    a->total = 0;
}

size_t arena_used(const arena *a)
{
    return a->total;
}
