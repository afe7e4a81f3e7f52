/* mem — the one policy for heap memory outside the arena.
 *
 * Owns what mem_drop keeps for the process's end, and nothing else:
 * checked wrappers of malloc and realloc whose size
 * arithmetic is overflow-checked (cairo's rule), a helper for arrays that
 * grow by doubling, and mem_fail, the one place where running out of memory
 * ends up (one breakpoint). Without memory there is no partial output worth
 * saving, so an allocation that fails never returns to its caller: callers
 * never see NULL and write no recovery code.
 * Failure: mem_fail prints one line, "kcvs-pdf: error: out of memory
 * (asked for N bytes)", runs the cleanup main gave mem_on_fail (it
 * removes the temporary output file) and ends the process at once with
 * status 2, the status of an environment problem.
 */
#ifndef KCVS_MEM_H
#define KCVS_MEM_H

#include <stddef.h>

/* bytes: what was asked for (SIZE_MAX when the size itself overflowed). */
_Noreturn void mem_fail(size_t bytes);
/* Sets the allocator up for the whole run: called first thing by main. */
void mem_init(void);
/* What mem_fail runs before the process ends (no atexit handler runs). */
void mem_on_fail(void (*cleanup)(void));

/* The process ends once the work in hand is done (main's one-shot run,
 * not the watch mode or a fuzzer's loop): what mem_drop is given then is
 * kept, not freed. */
void mem_exit_soon(void);
/* Frees p with free_fn, or, after mem_exit_soon, keeps it reachable until
 * the process ends and returns at once: the memory goes back with the
 * process, and freeing a long report's objects one by one took 4 % of its
 * time (clang's -disable-free, LLVM's BuryPointer). Sanitizer builds
 * always free, so the leak checks keep covering every free path. NULL is
 * ignored. */
void mem_drop(void *p, void (*free_fn)(void *));

/* Free memory of every malloc arena back to the system (glibc's
 * malloc_trim): after a thread has freed much that the others will not
 * reuse. */
void mem_trim(void);

/* n elements of size bytes, zero-filled. */
void *mem_alloc(size_t n, size_t size);
/* p (NULL or from mem_*) resized to n elements; what fits is kept. */
void *mem_resize(void *p, size_t n, size_t size);
/* The capacity an array of cap elements grows to (doubling, from first when
 * empty) to hold need: the one growth rule of mem_reserve and arena_reserve. */
size_t mem_grown(size_t cap, size_t need, size_t first);
/* Room for need elements in the mem_* array p of *cap elements, growing by
 * doubling from first: returns the (possibly moved) array, *cap updated. */
void *mem_reserve(void *p, size_t *cap, size_t need, size_t size, size_t first);
/* A copy of s to free(), NULL for NULL. */
char *mem_strdup(const char *s);
/* printf into a new string to free() (a format error gives ""). */
__attribute__((format(printf, 1, 2))) char *mem_printf(const char *fmt, ...);

#endif
