/* Unit tests of the layout stage's pure parts: CALS column widths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"

typedef struct columns {
    table_model t;
    double fixed[8], star[8], widths[8], total;
} columns;

/* "100pt", "2*", "*" and "0" (unset) column specifications. */
static columns *make(columns *c, int n, const double fixed[], const double star[])
{
    memset(c, 0, sizeof *c);
    c->t.cols = n;
    c->t.col_fixed = c->fixed;
    c->t.col_star = c->star;
    for (int i = 0; i < n; i++) {
        c->fixed[i] = fixed[i];
        c->star[i] = star[i];
    }
    return c;
}

static void assert_near(double got, double want)
{
    assert_true(got > want - 1e-9 && got < want + 1e-9);
}

/* This and absolute_columns_keep_their_width_and_stars_share_the_rest
 * are the same three-column check on other widths (duplicates pairs
 * them): one rule of column sharing each. */
static void proportional_columns_share_by_weight(void **state)
{
    (void)state;
    columns c;
    make(&c, 3, (double[]){ 0, 0, 0 }, (double[]){ 2, 1, 1 });
    assert_true(layout_column_widths(&c.t, 400, c.widths, &c.total));
    assert_near(c.widths[0], 200);
    assert_near(c.widths[1], 100);
    assert_near(c.widths[2], 100);
}

/* Same shape as proportional_columns_share_by_weight (duplicates pairs
 * them): other column widths. */
static void absolute_columns_keep_their_width_and_stars_share_the_rest(void **state)
{
    (void)state;
    columns c;
    make(&c, 3, (double[]){ 100, 0, 0 }, (double[]){ 0, 3, 1 });
    assert_true(layout_column_widths(&c.t, 500, c.widths, &c.total));
    assert_near(c.widths[0], 100);
    assert_near(c.widths[1], 300);
    assert_near(c.widths[2], 100);
    assert_near(c.total, 100);
}

static void only_absolute_columns_may_be_narrower_than_the_text(void **state)
{
    (void)state;
    columns c;
    make(&c, 2, (double[]){ 100, 150 }, (double[]){ 0, 0 });
    assert_true(layout_column_widths(&c.t, 450, c.widths, &c.total));
    assert_near(c.widths[0], 100);
    assert_near(c.widths[1], 150);
}

static void a_table_wider_than_the_text_is_refused(void **state)
{
    (void)state;
    columns c;
    make(&c, 2, (double[]){ 300, 300 }, (double[]){ 0, 0 });
    assert_false(layout_column_widths(&c.t, 450, c.widths, &c.total));
    assert_near(c.total, 600);
    /* the fallback never draws past the text area */
    assert_near(c.widths[0] + c.widths[1], 450);
}

static void unset_columns_share_equally(void **state)
{
    (void)state;
    columns c;
    make(&c, 4, (double[]){ 0, 0, 0, 0 }, (double[]){ 1, 1, 1, 1 });
    assert_true(layout_column_widths(&c.t, 400, c.widths, &c.total));
    for (int i = 0; i < 4; i++)
        assert_near(c.widths[i], 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(proportional_columns_share_by_weight),
        cmocka_unit_test(absolute_columns_keep_their_width_and_stars_share_the_rest),
        cmocka_unit_test(only_absolute_columns_may_be_narrower_than_the_text),
        cmocka_unit_test(a_table_wider_than_the_text_is_refused),
        cmocka_unit_test(unset_columns_share_equally),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
