#include "mem.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Four malloc arenas: the main thread's, and one each for the threads
 * that allocate much while it works (the schema's validation, the
 * paragraph worker, the content compression). With one arena for all
 * they waited for each other's malloc lock: 12-18 % of x100's time. Each
 * further arena reserves 64 MiB of address space, so under a `ulimit -v`
 * a run fails sooner than with one, as cleanly (test_faults). */
void mem_init(void)
{
    mallopt(M_ARENA_MAX, 4);
    /* No fastbins: a small chunk freed is merged with its neighbours at
     * once instead of waiting in a fastbin for the next large request or
     * trim to merge them all (malloc_consolidate). A freed tree's hundreds
     * of thousands of nodes made those waits long: x100 −5 % CPU, x1000
     * −12 % (bench/NOTES.md, ninth round); the thread caches (tcache)
     * still serve the small sizes. */
    mallopt(M_MXFAST, 0);
}

static void (*fail_cleanup)(void);

/* Built with a sanitizer: its allocator, not glibc's, holds the heap. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define MEM_SANITIZED 1
#else
#define MEM_SANITIZED 0
#endif

/* What mem_drop kept: reachable, so leak checkers (valgrind on the
 * release build) do not count it as lost. Set from the main thread only. */
static bool exit_soon;
static void *volatile kept[16]; /* volatile: stores never read are kept */
static int kept_count;

void mem_exit_soon(void)
{
    exit_soon = true;
}

void mem_trim(void)
{
    if (!MEM_SANITIZED) /* glibc's malloc_trim on a heap it does not hold crashes */
        malloc_trim(0);
}

void mem_drop(void *p, void (*free_fn)(void *))
{
    if (!p)
        return;
    if (MEM_SANITIZED || !exit_soon || kept_count == (int)(sizeof kept / sizeof *kept)) {
        free_fn(p);
        return;
    }
    kept[kept_count++] = p;
}

void mem_on_fail(void (*cleanup)(void))
{
    fail_cleanup = cleanup;
}

/* _exit, not exit: exit runs libxml2's destructor (xmlCleanupParser),
 * which frees what the schema's thread may be validating with at that
 * moment (a crash instead of this message, seen in test_faults). */
_Noreturn void mem_fail(size_t bytes)
{
    fprintf(stderr, "kcvs-pdf: error: out of memory (asked for %zu bytes)\n", bytes);
    if (fail_cleanup)
        fail_cleanup();
    fflush(NULL);
    _exit(2);
}

/* n * size, or mem_fail when it does not fit in size_t. */
static size_t checked_bytes(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        mem_fail(SIZE_MAX);
    return n * size;
}

void *mem_alloc(size_t n, size_t size)
{
    size_t bytes = checked_bytes(n, size);
    void *p = calloc(bytes ? n : 1, bytes ? size : 1);
    if (!p)
        mem_fail(bytes);
    return p;
}

void *mem_resize(void *p, size_t n, size_t size)
{
    size_t bytes = checked_bytes(n, size);
    void *q = realloc(p, bytes ? bytes : 1);
    if (!q)
        mem_fail(bytes);
    return q;
}

size_t mem_grown(size_t cap, size_t need, size_t first)
{
    size_t grown = cap ? cap : (first ? first : 1);
    while (grown < need) {
        if (grown > SIZE_MAX / 2)
            mem_fail(SIZE_MAX);
        grown *= 2;
    }
    return grown;
}

void *mem_reserve(void *p, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return p;
    size_t grown = mem_grown(*cap, need, first);
    p = mem_resize(p, grown, size);
    *cap = grown;
    return p;
}

char *mem_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    return memcpy(mem_alloc(n, 1), s, n);
}

char *mem_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = mem_alloc(n > 0 ? (size_t)n + 1 : 1, 1);
    if (n > 0) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}
