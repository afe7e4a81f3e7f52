/* Unit tests of arena: alignment, zeroing, growth past one chunk, big
 * one-off blocks, the string helpers, arena_grow, and the overflow-checked
 * array allocation (which must end the process with status 2, never return
 * a short block). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <malloc.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "testutil.h"

enum { MiB = 1 << 20 };

/* ---- helpers ------------------------------------------------------------ */

static bool all_bytes(const void *p, unsigned char value, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != value)
            return false;
    return true;
}

static void assert_aligned(const void *p)
{
    if ((uintptr_t)p % alignof(max_align_t) != 0)
        fail_msg("%p is not aligned to %zu", p, alignof(max_align_t));
}

/* ---- alignment and zeroing ------------------------------------------------ */

static void alignment_for_every_small_size(void **state)
{
    (void)state;
    arena *a = arena_new();
    for (size_t size = 0; size <= 200; size++) {
        unsigned char *p = arena_alloc(a, size);
        assert_non_null(p);
        assert_aligned(p);
        memset(p, 0xAB, size);
    }
    /* Odd sizes interleaved with doubles and long doubles. */
    for (int i = 0; i < 1000; i++) {
        char *c = arena_alloc(a, (size_t)(i % 7) + 1);
        long double *ld = arena_alloc(a, sizeof *ld);
        assert_aligned(c);
        assert_aligned(ld);
        *ld = (long double)i;
    }
    arena_free(a);
}

static void allocations_are_zeroed_even_on_dirty_memory(void **state)
{
    (void)state;
    /* glibc: every later malloc is filled with 0xAA (the complement of the
     * perturb byte), so arena_alloc must clear what it hands out. Under
     * AddressSanitizer the allocator fills fresh blocks itself. */
    mallopt(M_PERTURB, 0x55);
    arena *a = arena_new();
    for (size_t size = 1; size < 5000; size = size * 3 + 1) {
        unsigned char *p = arena_alloc(a, size);
        if (!all_bytes(p, 0, size))
            fail_msg("block of %zu bytes not zero-filled", size);
        memset(p, 0xFF, size); /* dirties the chunk for the next block */
    }
    unsigned char *big = arena_alloc(a, 3 * MiB);
    assert_true(all_bytes(big, 0, 3 * MiB));
    double *arr = arena_alloc_array(a, 1000, sizeof *arr);
    for (int i = 0; i < 1000; i++)
        assert_true(arr[i] == 0.0);
    arena_free(a);
    mallopt(M_PERTURB, 0);
}

/* ---- growth ---------------------------------------------------------------- */

static void growth_past_one_chunk_keeps_every_block(void **state)
{
    (void)state;
    arena *a = arena_new();
    enum { N = 20000, SIZE = 200 }; /* 4 MB: several chunks */
    unsigned char **blocks = malloc(N * sizeof *blocks);
    assert_non_null(blocks);
    size_t before = arena_used(a);
    for (int i = 0; i < N; i++) {
        blocks[i] = arena_alloc(a, SIZE);
        assert_aligned(blocks[i]);
        memset(blocks[i], i & 0xFF, SIZE);
    }
    for (int i = 0; i < N; i++)
        if (!all_bytes(blocks[i], (unsigned char)(i & 0xFF), SIZE))
            fail_msg("block %d was overwritten by a later allocation", i);
    /* Distinct, non-overlapping: sort and check gaps. */
    for (int i = 1; i < N; i++)
        for (int k = i; k > 0 && blocks[k - 1] > blocks[k]; k--) {
            unsigned char *t = blocks[k];
            blocks[k] = blocks[k - 1];
            blocks[k - 1] = t;
        }
    for (int i = 1; i < N; i++)
        assert_true(blocks[i] >= blocks[i - 1] + SIZE);
    size_t used = arena_used(a) - before;
    assert_true(used >= (size_t)N * SIZE);
    assert_true(used <= (size_t)N * (SIZE + 16));
    free(blocks);
    arena_free(a);
}

static void used_counts_what_was_handed_out(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_int_equal(arena_used(a), 0);
    arena_alloc(a, 1);
    size_t one = arena_used(a);
    assert_true(one >= 1 && one <= 16);
    arena_alloc(a, 100);
    assert_true(arena_used(a) >= one + 100);
    arena_free(a);
}

/* ---- big blocks -------------------------------------------------------------- */

static void big_block_is_usable_and_does_not_waste_the_chunk(void **state)
{
    (void)state;
    arena *a = arena_new();
    char *small1 = arena_alloc(a, 32);
    strcpy(small1, "before");
    size_t n = 5 * MiB + 3;
    unsigned char *big = arena_alloc(a, n);
    assert_aligned(big);
    assert_true(all_bytes(big, 0, n));
    memset(big, 0x5A, n);
    char *small2 = arena_alloc(a, 32);
    strcpy(small2, "after");
    /* The small blocks lie outside the big one ... */
    assert_true(small2 < (char *)big || small2 >= (char *)big + n);
    assert_true(small1 < (char *)big || small1 >= (char *)big + n);
    /* ... and the big one goes aside: the current chunk carries on. */
    assert_ptr_equal(small2, small1 + 32);
    assert_true(all_bytes(big, 0x5A, n));
    assert_string_equal(small1, "before");
    assert_string_equal(small2, "after");
    /* Exactly one chunk's worth and a little more. */
    unsigned char *edge = arena_alloc(a, MiB + 1);
    assert_true(all_bytes(edge, 0, MiB + 1));
    arena_free(a);
}

static void big_block_as_first_allocation(void **state)
{
    (void)state;
    arena *a = arena_new();
    unsigned char *big = arena_alloc(a, 2 * MiB);
    assert_true(all_bytes(big, 0, 2 * MiB));
    memset(big, 1, 2 * MiB);
    unsigned char *next = arena_alloc(a, 64);
    assert_true(all_bytes(next, 0, 64));
    assert_true(next < big || next >= big + 2 * MiB);
    arena_free(a);
}

/* ---- strings --------------------------------------------------------------- */

static void strdup_copies(void **state)
{
    (void)state;
    arena *a = arena_new();
    char src[] = "Kenniscentrum Vlaamse Steden";
    char *copy = arena_strdup(a, src);
    assert_ptr_not_equal(copy, src);
    src[0] = 'X';
    assert_string_equal(copy, "Kenniscentrum Vlaamse Steden");
    assert_string_equal(arena_strdup(a, ""), "");
    char *u = arena_strdup(a, "ĳzer – ‘thema’s’");
    assert_string_equal(u, "ĳzer – ‘thema’s’");
    arena_free(a);
}

static void strndup_stops_at_n(void **state)
{
    (void)state;
    arena *a = arena_new();
    char *p = arena_strndup(a, "abcdef", 3);
    assert_string_equal(p, "abc");
    assert_int_equal(strlen(p), 3);
    /* n bytes are copied even when the source is not terminated there. */
    const char buf[4] = { 'w', 'x', 'y', 'z' };
    assert_string_equal(arena_strndup(a, buf, 4), "wxyz");
    assert_string_equal(arena_strndup(a, "abc", 0), "");
    arena_free(a);
}

static void printf_formats_short_and_long(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_string_equal(arena_printf(a, "%s:%d:%d", "doc.xml", 12, 5), "doc.xml:12:5");
    assert_string_equal(arena_printf(a, "%s", ""), "");
    assert_string_equal(arena_printf(a, "%.2f%%", 12.345), "12.35%");
    /* Longer than any fixed buffer, and longer than a chunk. */
    size_t n = 3 * MiB;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'q', n);
    big[n] = '\0';
    char *s = arena_printf(a, "<%s>", big);
    assert_int_equal(strlen(s), n + 2);
    assert_int_equal(s[0], '<');
    assert_int_equal(s[n + 1], '>');
    assert_int_equal(s[n / 2], 'q');
    free(big);
    arena_free(a);
}

/* ---- arena_grow ---------------------------------------------------------- */

static void grow_keeps_old_elements_and_zeroes_new(void **state)
{
    (void)state;
    arena *a = arena_new();
    int *v = arena_alloc_array(a, 4, sizeof *v);
    for (int i = 0; i < 4; i++)
        v[i] = 100 + i;
    int *w = arena_grow(a, v, 4, 1000, sizeof *w);
    for (int i = 0; i < 4; i++)
        assert_int_equal(w[i], 100 + i);
    for (int i = 4; i < 1000; i++)
        assert_int_equal(w[i], 0);
    /* Shrinking copies only what fits. */
    int *s = arena_grow(a, w, 1000, 2, sizeof *s);
    assert_int_equal(s[0], 100);
    assert_int_equal(s[1], 101);
    /* From nothing. */
    long *fresh = arena_grow(a, NULL, 0, 8, sizeof *fresh);
    for (int i = 0; i < 8; i++)
        assert_int_equal(fresh[i], 0);
    arena_free(a);
}

/* ---- overflow-checked arrays ---------------------------------------------- */

/* The child's arena stays reachable, so LeakSanitizer does not count it when
 * the allocation ends the process. */
static arena *volatile child_arena;

static void alloc_array_overflow_child(void)
{
    arena *a = child_arena = arena_new();
    /* (SIZE_MAX / 8 + 2) * 8 wraps round to 8: a short block would be a
     * heap overflow waiting to happen. */
    volatile char *p = arena_alloc_array(a, SIZE_MAX / 8 + 2, 8);
    (void)p;
}

static void alloc_array_overflow_child_big_size(void)
{
    arena *a = child_arena = arena_new();
    volatile char *p = arena_alloc_array(a, 3, SIZE_MAX / 2);
    (void)p;
}

static void alloc_rounding_overflow_child(void)
{
    arena *a = child_arena = arena_new();
    /* Rounding SIZE_MAX - 3 up to the alignment wraps to 0. */
    volatile char *p = arena_alloc(a, SIZE_MAX - 3);
    (void)p;
}

static void grow_overflow_child(void)
{
    arena *a = child_arena = arena_new();
    int *v = arena_alloc_array(a, 4, sizeof *v);
    volatile int *w = arena_grow(a, v, 4, SIZE_MAX / 2, sizeof(int));
    (void)w;
}

/* A full array whose doubled capacity no longer fits in size_t: the
   growth must stop the process, not wrap to a zero-sized block. */
static void reserve_overflow_child(void)
{
    arena *a = child_arena = arena_new();
    size_t cap = SIZE_MAX / 2 + 1;
    volatile char *p = arena_reserve(a, NULL, cap, &cap, 1);
    (void)p;
}

static void alloc_array_overflow_stops_the_process(void **state)
{
    (void)state;
    assert_exits_out_of_memory(alloc_array_overflow_child);
    assert_exits_out_of_memory(alloc_array_overflow_child_big_size);
    assert_exits_out_of_memory(alloc_rounding_overflow_child);
    assert_exits_out_of_memory(grow_overflow_child);
    assert_exits_out_of_memory(reserve_overflow_child);
}

/* One element at a time: the array doubles from 8 and keeps what it holds. */
static void reserve_grows_by_doubling_and_keeps_elements(void **state)
{
    (void)state;
    arena *a = arena_new();
    int *v = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < 100; i++) {
        v = arena_reserve(a, v, i, &cap, sizeof *v);
        assert_true(cap > i);
        assert_int_equal(cap, i < 8 ? 8 : i < 16 ? 16 : i < 32 ? 32 : i < 64 ? 64 : 128);
        v[i] = (int)i * 3;
    }
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(v[i], (int)i * 3);
    arena_free(a);
}

static void alloc_array_without_overflow(void **state)
{
    (void)state;
    arena *a = arena_new();
    /* Zero elements of a huge size, or a huge count of zero size, is zero
     * bytes, not an overflow. */
    assert_non_null(arena_alloc_array(a, 0, SIZE_MAX));
    assert_non_null(arena_alloc_array(a, SIZE_MAX, 0));
    uint16_t *v = arena_alloc_array(a, 70000, sizeof *v);
    assert_aligned(v);
    v[69999] = 7;
    assert_int_equal(v[69999], 7);
    arena_free(a);
}

/* What was allocated before a mark survives its release, small or huge
 * (a huge block sits behind the head chunk, where later huge ones go
 * too); what came after is given back: the count returns to the mark and
 * the next allocation reuses the space. Under ASan a wrongly freed block
 * is a use after free. */
static void release_frees_only_what_came_after_the_mark(void **state)
{
    (void)state;
    arena *a = arena_new();
    char *before = arena_strdup(a, "kept");
    unsigned char *huge_before = arena_alloc(a, (1u << 20) * 2);
    huge_before[(1u << 20) * 2 - 1] = 42;
    arena_mark m = arena_mark_now(a);
    size_t used = arena_used(a);
    void *first_after = arena_alloc(a, 100);
    for (int i = 0; i < 50; i++) /* several fresh chunks in front */
        memset(arena_alloc(a, 100000), 1, 100000);
    memset(arena_alloc(a, (1u << 20) * 3), 2, 16); /* a huge one behind */
    arena_release(a, m);
    assert_int_equal(arena_used(a), used);
    assert_string_equal(before, "kept");
    assert_int_equal(huge_before[(1u << 20) * 2 - 1], 42);
    assert_ptr_equal(arena_alloc(a, 100), first_after);
    /* a mark on an empty arena releases everything */
    arena *b = arena_new();
    arena_mark empty = arena_mark_now(b);
    arena_alloc(b, 5000000);
    arena_alloc(b, 10);
    arena_release(b, empty);
    assert_int_equal(arena_used(b), 0);
    assert_non_null(arena_alloc(b, 10));
    arena_free(b);
    arena_free(a);
}

static void reset_empties_it_and_reuses_one_chunk(void **state)
{
    (void)state;
    arena *a = arena_new();
    arena_reset(a); /* never allocated: nothing to keep */
    assert_int_equal(arena_used(a), 0);
    void *one = arena_alloc(a, 100);
    arena_reset(a);
    assert_ptr_equal(arena_alloc(a, 100), one); /* the same chunk again */
    arena_reset(a);
    for (int round = 0; round < 3; round++) {
        char *first = arena_alloc(a, 64);
        memset(first, 7, 64);
        for (int i = 0; i < 40; i++) /* past one chunk, and a huge block */
            memset(arena_alloc(a, 100000), 1, 100000);
        memset(arena_alloc(a, (1u << 20) * 3), 2, 16);
        arena_reset(a);
        assert_int_equal(arena_used(a), 0);
        /* the memory handed out again is zeroed, from a kept chunk */
        unsigned char *again = arena_alloc(a, 64);
        for (int i = 0; i < 64; i++)
            assert_int_equal(again[i], 0);
        arena_reset(a);
    }
    arena_free(a);
}

static void free_null_is_harmless(void **state)
{
    (void)state;
    arena_free(NULL);
    arena_free(arena_new()); /* an arena that never allocated */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alignment_for_every_small_size),
        cmocka_unit_test(reset_empties_it_and_reuses_one_chunk),
        cmocka_unit_test(allocations_are_zeroed_even_on_dirty_memory),
        cmocka_unit_test(growth_past_one_chunk_keeps_every_block),
        cmocka_unit_test(used_counts_what_was_handed_out),
        cmocka_unit_test(big_block_is_usable_and_does_not_waste_the_chunk),
        cmocka_unit_test(big_block_as_first_allocation),
        cmocka_unit_test(strdup_copies),
        cmocka_unit_test(strndup_stops_at_n),
        cmocka_unit_test(printf_formats_short_and_long),
        cmocka_unit_test(grow_keeps_old_elements_and_zeroes_new),
        cmocka_unit_test(reserve_grows_by_doubling_and_keeps_elements),
        cmocka_unit_test(alloc_array_overflow_stops_the_process),
        cmocka_unit_test(alloc_array_without_overflow),
        cmocka_unit_test(release_frees_only_what_came_after_the_mark),
        cmocka_unit_test(free_null_is_harmless),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
