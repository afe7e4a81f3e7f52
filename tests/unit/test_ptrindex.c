/* Unit tests of ptrindex: values found again after the table grows,
 * absent keys, replaced values, an empty (zeroed) index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>

#include "ptrindex.h"

static void an_empty_index_finds_nothing(void **state)
{
    (void)state;
    static int x;
    ptrindex m = { 0 };
    assert_int_equal(ptrindex_get(&m, &x), -1);
    ptrindex_free(&m);
}

/* Keys a few bytes apart, as the arena hands out tag nodes. */
static void every_key_is_found_after_growing(void **state)
{
    (void)state;
    enum { N = 20000 };
    static char keys[N + 1][24];
    ptrindex m = { 0 };
    for (int i = 0; i < N; i++)
        ptrindex_put(&m, keys[i], i);
    assert_int_equal(m.count, N);
    for (int i = 0; i < N; i++)
        assert_int_equal(ptrindex_get(&m, keys[i]), i);
    assert_int_equal(ptrindex_get(&m, keys[N]), -1);
    ptrindex_free(&m);
    assert_int_equal(m.cap, 0);
}

static void putting_a_key_again_replaces_its_value(void **state)
{
    (void)state;
    static int a, b;
    ptrindex m = { 0 };
    ptrindex_put(&m, &a, 1);
    ptrindex_put(&m, &b, 2);
    ptrindex_put(&m, &a, 7);
    assert_int_equal(m.count, 2);
    assert_int_equal(ptrindex_get(&m, &a), 7);
    assert_int_equal(ptrindex_get(&m, &b), 2);
    ptrindex_free(&m);
}

/* cmocka's table of this file's tests, in the shape of every short test
 * file's main (duplicates pairs test_infile, test_mem, test_pdftree,
 * test_style_table, test_ptrindex, test_strindex and test_zpool):
 * each lists its own tests by name. It mirrors test_strindex.c as ptrindex mirrors strindex
 * (see ptrindex.h). */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_empty_index_finds_nothing),
        cmocka_unit_test(every_key_is_found_after_growing),
        cmocka_unit_test(putting_a_key_again_replaces_its_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
