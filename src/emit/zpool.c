#include "zpool.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>

#include "mem.h"

/* Pages in flight: enough to keep two workers busy while the emitter draws,
 * few enough that uncompressed pages never pile up. */
#define ZPOOL_DEPTH 16

enum { JOB_QUEUED, JOB_RUNNING, JOB_DONE };

typedef struct zjob {
    int state, tag;
    unsigned char *in, *out;
    size_t in_len, out_len;
    bool ok;
    zpool_make_fn make; /* NULL: in was given */
    void *ctx;
} zjob;

struct zpool {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    zjob ring[ZPOOL_DEPTH];
    size_t head, next, tail; /* oldest untaken, next for a worker, next free */
    bool stop;
    int level, workers;
    pthread_t tid[ZPOOL_MAX_THREADS];
    struct libdeflate_compressor *own; /* the caller's, without workers */
};

/* One compression of the whole input, in the zlib format FlateDecode
 * reads: the same bytes on any thread. libdeflate rather than zlib: it
 * compresses a whole buffer about 2.5 times as fast at the same level,
 * and a little smaller. c is the calling thread's compressor (NULL when
 * it could not be made: the job fails). */
static void zjob_run(zjob *j, struct libdeflate_compressor *c)
{
    j->ok = false;
    j->out_len = 0;
    if (j->make)
        j->make(j->ctx, &j->in, &j->in_len);
    if (j->make && j->in_len == 0) { /* nothing made: nothing to deflate */
        free(j->in);
        j->in = NULL;
        j->ok = true;
        return;
    }
    size_t bound = c ? libdeflate_zlib_compress_bound(c, j->in_len) : 1;
    j->out = mem_alloc(bound ? bound : 1, 1);
    if (c) {
        j->out_len = libdeflate_zlib_compress(c, j->in, j->in_len, j->out, bound);
        j->ok = j->out_len > 0;
    }
    free(j->in);
    j->in = NULL;
}

static void *zpool_worker(void *arg)
{
    zpool *p = arg;
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(p->level);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->next == p->tail)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->next == p->tail)
            break; /* stopping, nothing queued */
        zjob *j = &p->ring[p->next++ % ZPOOL_DEPTH];
        j->state = JOB_RUNNING;
        pthread_mutex_unlock(&p->mu);
        zjob_run(j, c);
        pthread_mutex_lock(&p->mu);
        j->state = JOB_DONE;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    libdeflate_free_compressor(c);
    return NULL;
}

zpool *zpool_new(int threads, int level)
{
    zpool *p = mem_alloc(1, sizeof *p);
    p->level = level;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    /* threads == 1: no worker, zpool_submit deflates at once. */
    for (int i = 0; threads > 1 && i < threads && i < ZPOOL_MAX_THREADS; i++) {
        if (pthread_create(&p->tid[i], NULL, zpool_worker, p) != 0)
            break;
        p->workers++;
    }
    return p;
}

bool zpool_full(const zpool *p)
{
    return p->tail - p->head >= ZPOOL_DEPTH;
}

static void zpool_queue(zpool *p, zjob job)
{
    pthread_mutex_lock(&p->mu);
    zjob *j = &p->ring[p->tail % ZPOOL_DEPTH];
    *j = job;
    if (p->workers == 0) {
        pthread_mutex_unlock(&p->mu);
        if (!p->own)
            p->own = libdeflate_alloc_compressor(p->level);
        zjob_run(j, p->own);
        pthread_mutex_lock(&p->mu);
        j->state = JOB_DONE;
        p->next = ++p->tail;
    } else {
        p->tail++;
        pthread_cond_signal(&p->work);
    }
    pthread_mutex_unlock(&p->mu);
}

void zpool_submit(zpool *p, int tag, unsigned char *data, size_t len)
{
    zpool_queue(p, (zjob){ JOB_QUEUED, tag, data, NULL, len, 0, false, NULL, NULL });
}

void zpool_submit_made(zpool *p, int tag, zpool_make_fn make, void *ctx)
{
    zpool_queue(p, (zjob){ JOB_QUEUED, tag, NULL, NULL, 0, 0, false, make, ctx });
}

bool zpool_take(zpool *p, zpool_result *out)
{
    pthread_mutex_lock(&p->mu);
    bool any = p->head != p->tail;
    if (any) {
        zjob *j = &p->ring[p->head % ZPOOL_DEPTH];
        while (j->state != JOB_DONE)
            pthread_cond_wait(&p->done, &p->mu);
        *out = (zpool_result){ j->tag, j->out, j->out_len, j->ok, j->ctx };
        j->out = NULL;
        p->head++;
    }
    pthread_mutex_unlock(&p->mu);
    return any;
}

void zpool_free(zpool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->workers; i++)
        pthread_join(p->tid[i], NULL);
    for (size_t i = p->head; i != p->tail; i++) {
        free(p->ring[i % ZPOOL_DEPTH].in);
        free(p->ring[i % ZPOOL_DEPTH].out);
    }
    libdeflate_free_compressor(p->own);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
