/* Unit tests of the layout stage's pure parts: CALS column widths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

static bool near(double got, double want)
{
    return got > want - 1e-9 && got < want + 1e-9;
}

static void assert_near(double got, double want)
{
    assert_true(near(got, want));
}

/* Columns that fit: their specifications ("100pt" fixed, "2*" star, 0
 * unset), the width of the text and the widths they get; *total is the
 * sum of the fixed widths. */
typedef struct fitting_columns {
    const char *rule;
    int n;
    double fixed[4], star[4], avail, want[4], total;
} fitting_columns;

static const fitting_columns fitting[] = {
    { "proportional columns share by weight",
      3, { 0, 0, 0 }, { 2, 1, 1 }, 400, { 200, 100, 100 }, 0 },
    { "absolute columns keep their width and stars share the rest",
      3, { 100, 0, 0 }, { 0, 3, 1 }, 500, { 100, 300, 100 }, 100 },
    { "only absolute columns may be narrower than the text",
      2, { 100, 150 }, { 0, 0 }, 450, { 100, 150 }, 250 },
    { "unset columns share equally",
      4, { 0, 0, 0, 0 }, { 1, 1, 1, 1 }, 400, { 100, 100, 100, 100 }, 0 },
};

static void columns_that_fit_get_their_widths(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof fitting / sizeof *fitting; k++) {
        const fitting_columns *f = &fitting[k];
        columns c;
        make(&c, f->n, f->fixed, f->star);
        if (!layout_column_widths(&c.t, f->avail, c.widths, &c.total))
            fail_msg("%s: refused", f->rule);
        for (int i = 0; i < f->n; i++)
            if (!near(c.widths[i], f->want[i]))
                fail_msg("%s: column %d is %g wide, not %g", f->rule, i + 1, c.widths[i],
                         f->want[i]);
        if (!near(c.total, f->total))
            fail_msg("%s: total %g, not %g", f->rule, c.total, f->total);
    }
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(columns_that_fit_get_their_widths),
        cmocka_unit_test(a_table_wider_than_the_text_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
