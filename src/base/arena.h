/* arena — the document-wide allocator.
 *
 * Owns: every allocation a compilation makes for the document model, items,
 * lines and pages. Blocks are never freed one by one; arena_free() releases
 * them all at once, which ends the compilation.
 * Failure: allocation failure is fatal (the process cannot continue without
 * memory and there is no partial output to save), so callers never see NULL.
 */
#ifndef KCVS_ARENA_H
#define KCVS_ARENA_H

#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);

/* Zero-filled, aligned for any type. */
void *arena_alloc(arena *a, size_t size);
/* n * size with overflow checking. */
void *arena_alloc_array(arena *a, size_t n, size_t size);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Grows an arena-owned array; the old block is abandoned to the arena. */
void *arena_grow(arena *a, void *old, size_t old_n, size_t new_n, size_t size);

/* Room for one more element in an arena-owned array that grows by
 * doubling: returns the (possibly moved) array and updates *cap. */
void *arena_reserve(arena *a, void *array, size_t count, size_t *cap, size_t size);

/* A point in an arena's life to go back to: arena_release frees all that
 * was allocated after arena_mark_now returned it (for the layout's
 * scratch, done with once a part of the document is on pages). Marks are
 * released last taken first; nothing allocated after a mark may be used
 * once it is released. */
typedef struct arena_mark {
    void *head;
    size_t used, total, seq;
} arena_mark;

arena_mark arena_mark_now(const arena *a);
void arena_release(arena *a, arena_mark m);

/* Everything allocated freed, one chunk kept for what comes next: an
 * arena used again and again (a worker's, part after part) reuses its
 * memory instead of giving it back to malloc and faulting it in anew. */
void arena_reset(arena *a);

/* Bytes handed out so far (for -v statistics). */
size_t arena_used(const arena *a);

#endif
