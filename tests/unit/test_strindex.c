/* Unit tests of strindex: values found again after the table grows,
 * absent keys, replaced values, an empty (zeroed) index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "strindex.h"

static void an_empty_index_finds_nothing(void **state)
{
    (void)state;
    strindex m = { 0 };
    assert_int_equal(strindex_get(&m, "a"), -1);
    strindex_free(&m);
}

static void every_key_is_found_after_growing(void **state)
{
    (void)state;
    enum { N = 20000 };
    static char keys[N][24];
    strindex m = { 0 };
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "sections/c%d", i);
        strindex_put(&m, keys[i], i);
    }
    assert_int_equal(m.count, N);
    for (int i = 0; i < N; i++)
        assert_int_equal(strindex_get(&m, keys[i]), i);
    assert_int_equal(strindex_get(&m, "sections/c20000"), -1);
    assert_int_equal(strindex_get(&m, ""), -1);
    strindex_free(&m);
}

static void an_equal_key_replaces_the_value(void **state)
{
    (void)state;
    strindex m = { 0 };
    char a[] = "id", b[] = "id";
    strindex_put(&m, a, 1);
    strindex_put(&m, b, 2);
    assert_int_equal(m.count, 1);
    assert_int_equal(strindex_get(&m, "id"), 2);
    strindex_free(&m);
}

/* cmocka's table of this file's tests, in the shape of every short test
 * file's main (duplicates pairs test_infile, test_mem, test_pdftree,
 * test_style_table, test_ptrindex, test_strindex and test_zpool):
 * each lists its own tests by name. It mirrors test_ptrindex.c as strindex mirrors ptrindex
 * (see ptrindex.h). */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_empty_index_finds_nothing),
        cmocka_unit_test(every_key_is_found_after_growing),
        cmocka_unit_test(an_equal_key_replaces_the_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
