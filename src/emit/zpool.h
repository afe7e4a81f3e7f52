/* zpool — page content streams deflated (and made, when the caller hands
 * a function that makes them) on worker threads, taken back in the order
 * they were given.
 *
 * Owns the jobs in flight (at most ZPOOL_DEPTH): each job's input is freed
 * as soon as it is compressed, so memory holds only compressed pages and a
 * few pages still being drawn. Every job is compressed alone, with the
 * same level and one libdeflate call, so the bytes do not depend on the
 * number of threads (1 = compressed at once on the caller's thread, no
 * thread made). Used by emit from one thread only; the workers touch
 * nothing but their compressor and their job (and what its make function
 * reads, which the caller keeps unchanged until the job is taken). Failure: a job that could
 * not be compressed (no memory for a compressor) comes back with
 * ok false; a thread that cannot start makes zpool_new fall back to fewer
 * (the bytes stay the same).
 */
#ifndef KCVS_ZPOOL_H
#define KCVS_ZPOOL_H

#include <stdbool.h>
#include <stddef.h>

/* The most threads honoured (KCVS_THREADS above it is an error). */
#define ZPOOL_MAX_THREADS 64

typedef struct zpool zpool;

typedef struct zpool_result {
    int tag;             /* what the caller gave to zpool_submit */
    unsigned char *data; /* zlib-format bytes, owned by the caller (free) */
    size_t len;
    bool ok;
    void *ctx;           /* zpool_submit_made's, NULL for zpool_submit */
} zpool_result;

/* threads: 1 (compressed on the caller's thread) to ZPOOL_MAX_THREADS;
 * level: libdeflate's, 1 (fastest) to 12 (smallest). */
zpool *zpool_new(int threads, int level);
/* True when a result must be taken before the next submit. */
bool zpool_full(const zpool *p);
/* Hands data (from malloc, len bytes) to the pool, which frees it. */
void zpool_submit(zpool *p, int tag, unsigned char *data, size_t len);
/* What makes a job's bytes where it runs, before they are compressed: a
 * malloc'ed *data of *len bytes (none: 0), from ctx alone. */
typedef void (*zpool_make_fn)(void *ctx, unsigned char **data, size_t *len);
/* As zpool_submit, with the bytes made by make(ctx) on the worker that
 * compresses them (ctx stays the caller's). Bytes that come out empty
 * come back as an empty result (len 0, ok). Jobs start in the order
 * given (1 thread: at once), so make may wait for something a job given
 * before it does: that job is running or done. */
void zpool_submit_made(zpool *p, int tag, zpool_make_fn make, void *ctx);
/* The oldest job not yet taken, waiting for it; false when none is left. */
bool zpool_take(zpool *p, zpool_result *out);
/* Stops the threads and frees what was not taken. */
void zpool_free(zpool *p);

#endif
