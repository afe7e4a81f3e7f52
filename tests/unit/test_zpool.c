/* Unit tests of zpool: results come back in the order given, decompress
 * to their input, and are the same bytes with 1, 2 and 7 threads; bytes
 * made on the worker (zpool_submit_made) come back as the same bytes
 * given would, with their context, and nothing made as an empty result;
 * a pool freed with jobs still in flight leaks nothing (ASan build); a
 * make function may wait for one given before it (jobs start in order). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <zlib.h>

#include "zpool.h"

enum { JOBS = 100 };

/* Job i: text-like bytes of a length that varies with i (0 included). */
static unsigned char *job_input(int i, size_t *len)
{
    *len = (size_t)(i * 731) % 9000;
    unsigned char *d = malloc(*len ? *len : 1);
    for (size_t k = 0; k < *len; k++)
        d[k] = (unsigned char)("BT /F1 10 Tf 72 700 Td (kcvs) Tj ET\n"[(k + (size_t)i) % 37]);
    return d;
}

/* Runs every job through a pool of n threads; out[i] gets job i's bytes. */
static void run_pool(int threads, unsigned char **out, size_t *out_len)
{
    zpool *p = zpool_new(threads, 6);
    int taken = 0;
    zpool_result r;
    for (int i = 0; i < JOBS; i++) {
        while (zpool_full(p)) {
            assert_true(zpool_take(p, &r));
            assert_int_equal(r.tag, taken); /* in the order given */
            assert_true(r.ok);
            out[taken] = r.data, out_len[taken++] = r.len;
        }
        size_t len;
        unsigned char *d = job_input(i, &len);
        zpool_submit(p, i, d, len);
    }
    while (zpool_take(p, &r)) {
        assert_int_equal(r.tag, taken);
        assert_true(r.ok);
        out[taken] = r.data, out_len[taken++] = r.len;
    }
    assert_int_equal(taken, JOBS);
    zpool_free(p);
}

static void results_decompress_to_their_input(void **state)
{
    (void)state;
    static unsigned char *out[JOBS];
    static size_t out_len[JOBS];
    run_pool(2, out, out_len);
    for (int i = 0; i < JOBS; i++) {
        size_t len;
        unsigned char *want = job_input(i, &len);
        uLongf got_len = (uLongf)len + 16;
        unsigned char *got = malloc(got_len);
        assert_int_equal(uncompress(got, &got_len, out[i], (uLong)out_len[i]), Z_OK);
        assert_int_equal(got_len, len);
        if (len)
            assert_memory_equal(got, want, len);
        free(got), free(want), free(out[i]);
    }
}

static void the_bytes_do_not_depend_on_the_thread_count(void **state)
{
    (void)state;
    static unsigned char *a[JOBS], *b[JOBS];
    static size_t a_len[JOBS], b_len[JOBS];
    run_pool(1, a, a_len);
    for (int threads = 2; threads <= 7; threads += 5) {
        run_pool(threads, b, b_len);
        for (int i = 0; i < JOBS; i++) {
            assert_int_equal(a_len[i], b_len[i]);
            assert_memory_equal(a[i], b[i], a_len[i]);
            free(b[i]);
        }
    }
    for (int i = 0; i < JOBS; i++)
        free(a[i]);
}

static void a_pool_freed_with_jobs_in_flight_leaks_nothing(void **state)
{
    (void)state;
    zpool *p = zpool_new(2, 6);
    for (int i = 0; i < 10; i++) {
        size_t len;
        unsigned char *d = job_input(i + 1, &len);
        zpool_submit(p, i, d, len);
    }
    zpool_free(p);
}

/* A made job's context: which job's bytes to make. */
static void make_job(void *ctx, unsigned char **data, size_t *len)
{
    int i = *(int *)ctx;
    *data = i % 10 == 3 ? NULL : job_input(i, len);
    if (!*data)
        *len = 0;
}

static void made_bytes_come_back_as_given_ones(void **state)
{
    (void)state;
    static unsigned char *given[JOBS];
    static size_t given_len[JOBS];
    static int index[JOBS];
    run_pool(1, given, given_len);
    for (int threads = 1; threads <= 3; threads += 2) {
        zpool *p = zpool_new(threads, 6);
        int taken = 0;
        zpool_result r;
        for (int i = 0; i <= JOBS; i++) {
            while (zpool_full(p) || (i == JOBS && taken < JOBS)) {
                assert_true(zpool_take(p, &r));
                assert_int_equal(r.tag, taken);
                assert_ptr_equal(r.ctx, &index[taken]);
                assert_true(r.ok);
                size_t made_len;
                free(job_input(taken, &made_len));
                if (taken % 10 == 3 || made_len == 0) { /* nothing made */
                    assert_int_equal(r.len, 0);
                } else {
                    assert_int_equal(r.len, given_len[taken]);
                    assert_memory_equal(r.data, given[taken], r.len);
                }
                free(r.data);
                taken++;
            }
            if (i < JOBS) {
                index[i] = i;
                zpool_submit_made(p, i, make_job, &index[i]);
            }
        }
        assert_false(zpool_take(p, &r));
        zpool_free(p);
    }
    for (int i = 0; i < JOBS; i++)
        free(given[i]);
}

/* cmocka's table of this file's tests, in the shape of every short test
 * file's main (duplicates pairs test_infile, test_mem, test_pdftree,
 * test_style_table, test_ptrindex, test_strindex and test_zpool):
 * each lists its own tests by name. */
/* The first job's make lets the others go on: each of them waits for it
 * (as a page's drawing waits for the fonts' subsets). Were a later job
 * started first on every worker, they would wait for ever: the wait is
 * bounded (a minute, far past any run) so that the test fails instead of
 * hanging. */
typedef struct gate {
    pthread_mutex_t mu;
    pthread_cond_t opened;
    bool open;
    int stuck;
} gate;

static void open_gate(void *ctx, unsigned char **data, size_t *len)
{
    gate *g = ctx;
    pthread_mutex_lock(&g->mu);
    g->open = true;
    pthread_cond_broadcast(&g->opened);
    pthread_mutex_unlock(&g->mu);
    *data = NULL;
    *len = 0;
}

static void pass_gate(void *ctx, unsigned char **data, size_t *len)
{
    gate *g = ctx;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 60;
    pthread_mutex_lock(&g->mu);
    int rc = 0;
    while (!g->open && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&g->opened, &g->mu, &until);
    g->stuck += !g->open;
    pthread_mutex_unlock(&g->mu);
    *data = NULL;
    *len = 0;
}

static void a_job_may_wait_for_an_earlier_one(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 4; threads++) {
        gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0 };
        zpool *p = zpool_new(threads, 5);
        zpool_submit_made(p, 0, open_gate, &g);
        for (int i = 1; i <= 8; i++) /* more than workers, fewer than fit */
            zpool_submit_made(p, i, pass_gate, &g);
        zpool_result r;
        for (int i = 0; i <= 8; i++) {
            assert_true(zpool_take(p, &r));
            assert_int_equal(r.tag, i);
            free(r.data);
        }
        zpool_free(p);
        assert_int_equal(g.stuck, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(results_decompress_to_their_input),
        cmocka_unit_test(the_bytes_do_not_depend_on_the_thread_count),
        cmocka_unit_test(a_pool_freed_with_jobs_in_flight_leaks_nothing),
        cmocka_unit_test(made_bytes_come_back_as_given_ones),
        cmocka_unit_test(a_job_may_wait_for_an_earlier_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
