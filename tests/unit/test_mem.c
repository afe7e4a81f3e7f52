/* Unit tests of mem: zero-filled allocation, resizing that keeps what fits,
 * growth by doubling, and every overflowing size ending the process the one
 * way running out of memory does (exit status 2, one "out of memory" line),
 * never returning a short block; mem_drop freeing until the process is
 * said to end (then, outside sanitizer builds, keeping). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "testutil.h"

static void alloc_is_zeroed_and_never_null(void **state)
{
    (void)state;
    unsigned char *p = mem_alloc(1000, 3);
    for (size_t i = 0; i < 3000; i++)
        assert_int_equal(p[i], 0);
    free(p);
    void *empty = mem_alloc(0, 8); /* an empty array is still a pointer */
    assert_non_null(empty);
    free(empty);
}

static void resize_keeps_what_fits(void **state)
{
    (void)state;
    int *v = mem_resize(NULL, 10, sizeof *v);
    for (int i = 0; i < 10; i++)
        v[i] = i * i;
    v = mem_resize(v, 100000, sizeof *v);
    for (int i = 0; i < 10; i++)
        assert_int_equal(v[i], i * i);
    v = mem_resize(v, 3, sizeof *v);
    assert_int_equal(v[2], 4);
    free(v);
}

/* Data records: capacity before, room needed, first size, capacity after. */
static const struct { size_t cap, need, first, grown; } reserve_cases[] = {
    { 0, 1, 4, 4 },      /* a first array of the first size */
    { 0, 5, 4, 8 },      /* doubled until the need fits */
    { 0, 1, 0, 1 },      /* no first size: one element */
    { 4, 4, 4, 4 },      /* room enough: untouched */
    { 4, 5, 4, 8 },
    { 8, 1000, 4, 1024 },
};

static void reserve_doubles_until_the_need_fits(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof reserve_cases / sizeof *reserve_cases; k++) {
        size_t cap = reserve_cases[k].cap;
        char *p = cap ? mem_alloc(cap, 1) : NULL;
        if (cap)
            memset(p, 'x', cap);
        char *q = mem_reserve(p, &cap, reserve_cases[k].need, 1, reserve_cases[k].first);
        assert_non_null(q);
        if (cap != reserve_cases[k].grown)
            fail_msg("case %zu: capacity %zu, expected %zu", k, cap, reserve_cases[k].grown);
        for (size_t i = 0; i < reserve_cases[k].cap; i++)
            assert_int_equal(q[i], 'x');
        memset(q, 'y', cap); /* the whole capacity is usable (ASan checks) */
        free(q);
    }
}

static void alloc_overflow_child(void)
{
    /* (SIZE_MAX / 8 + 2) * 8 wraps round to 8. */
    volatile char *p = mem_alloc(SIZE_MAX / 8 + 2, 8);
    (void)p;
}

static void resize_overflow_child(void)
{
    volatile char *p = mem_resize(NULL, 3, SIZE_MAX / 2);
    (void)p;
}

static void reserve_overflow_child(void)
{
    size_t cap = 4;
    static char *volatile kept; /* reachable: LeakSanitizer does not count it */
    kept = mem_alloc(cap, 1);
    volatile char *p = mem_reserve(kept, &cap, SIZE_MAX / 2 + 2, 1, 4);
    (void)p;
}

static void failure_child(void)
{
    mem_fail(12345);
}

static void every_overflow_stops_the_process(void **state)
{
    (void)state;
    assert_exits_out_of_memory(alloc_overflow_child);
    assert_exits_out_of_memory(resize_overflow_child);
    assert_exits_out_of_memory(reserve_overflow_child);
    assert_exits_out_of_memory(failure_child);
    char err[256];
    child_status(failure_child, err, sizeof err);
    assert_string_equal(err, "kcvs-pdf: error: out of memory (asked for 12345 bytes)\n");
}

static int freed;

static void count_free(void *p)
{
    freed++;
    free(p);
}

/* In a child: the process-wide switch cannot be turned back. Exit status:
 * how many of the two drops after mem_exit_soon were freed. */
static void drop_after_exit_soon_child(void)
{
    freed = 0;
    mem_exit_soon();
    mem_drop(mem_alloc(1, 64), count_free);
    mem_drop(NULL, count_free);
    mem_drop(mem_alloc(1, 64), count_free);
    exit(freed);
}

static void drop_frees_until_the_process_ends(void **state)
{
    (void)state;
    freed = 0;
    mem_drop(mem_alloc(1, 64), count_free);
    mem_drop(NULL, count_free); /* NULL is not handed to free_fn */
    assert_int_equal(freed, 1);
    char err[256];
    int status = child_status(drop_after_exit_soon_child, err, sizeof err);
    assert_true(WIFEXITED(status));
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
    assert_int_equal(WEXITSTATUS(status), 2); /* sanitizer builds free all */
#else
    assert_int_equal(WEXITSTATUS(status), 0); /* kept for the process's end */
#endif
}

/* cmocka's table of this file's tests, in the shape of every short test
 * file's main (duplicates pairs test_infile, test_mem, test_pdftree,
 * test_style_table, test_ptrindex, test_strindex and test_zpool):
 * each lists its own tests by name. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alloc_is_zeroed_and_never_null),
        cmocka_unit_test(resize_keeps_what_fits),
        cmocka_unit_test(reserve_doubles_until_the_need_fits),
        cmocka_unit_test(every_overflow_stops_the_process),
        cmocka_unit_test(drop_frees_until_the_process_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
