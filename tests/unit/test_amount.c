/* Unit tests of amount: parsing, formatting, checked addition and budget
 * column verification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "amount.h"

#define MINUS "\xE2\x88\x92"
#define NBSP "\xC2\xA0"
#define NNBSP "\xE2\x80\xAF"
#define THIN "\xE2\x80\x89"
#define EN_DASH "\xE2\x80\x93"
#define EM_DASH "\xE2\x80\x94"

#define ARRAY_LENGTH(a) (sizeof(a) / sizeof((a)[0]))
/* The problems amount_verify_column finds in the array CELLS, with room
 * for all of them in the array PROBLEMS. */
#define VERIFIED(cells, problems) \
    amount_verify_column((cells), ARRAY_LENGTH(cells), (problems), ARRAY_LENGTH(problems))

/* ---- helpers ------------------------------------------------------------ */

/* Asserts that text parses to cents; names the text when it does not. */
static void assert_parses(const char *text, int64_t expected)
{
    int64_t cents = 0x5EED; /* sentinel: must be overwritten */
    amount_status status = amount_parse(text, &cents);
    if (status != AMOUNT_OK)
        fail_msg("\"%s\": status %d, expected AMOUNT_OK", text, (int)status);
    if (cents != expected)
        fail_msg("\"%s\": %lld cents, expected %lld", text, (long long)cents,
                 (long long)expected);
}

/* Asserts a failing status and that *cents was left alone. */
static void assert_status(const char *text, amount_status expected)
{
    int64_t cents = 0x5EED;
    amount_status status = amount_parse(text, &cents);
    if (status != expected)
        fail_msg("\"%s\": status %d, expected %d", text, (int)status,
                 (int)expected);
    if (cents != 0x5EED)
        fail_msg("\"%s\": cents written on failure", text);
}

static void assert_formats(int64_t cents, const char *expected)
{
    char buf[AMOUNT_FORMAT_SIZE];
    size_t length = amount_format(cents, buf, sizeof buf);
    assert_string_equal(buf, expected);
    assert_int_equal(length, strlen(expected));
}

static budget_cell amount(int64_t cents)
{
    return (budget_cell){ BUDGET_ROW_AMOUNT, true, cents };
}

static budget_cell subtotal(int64_t cents)
{
    return (budget_cell){ BUDGET_ROW_SUBTOTAL, true, cents };
}

static budget_cell total(int64_t cents)
{
    return (budget_cell){ BUDGET_ROW_TOTAL, true, cents };
}

static budget_cell empty(budget_row_kind kind)
{
    return (budget_cell){ kind, false, 0 };
}

static void assert_problem(const budget_problem *p, budget_problem_kind kind,
                           size_t row, int64_t stated, int64_t computed)
{
    assert_int_equal(p->kind, kind);
    assert_int_equal(p->row, row);
    assert_int_equal(p->stated, stated);
    assert_int_equal(p->computed, computed);
}

/* ---- parsing ------------------------------------------------------------ */

static void parse_belgian_and_plain_agree(void **state)
{
    (void)state;
    assert_parses("397.178,17", 39717817);
    assert_parses("397178.17", 39717817);
    assert_parses("397178,17", 39717817); /* Belgian, ungrouped */
    assert_parses("1.234.567,89", 123456789);
    assert_parses("12.34", 1234);
    assert_parses("0,05", 5);
    assert_parses("0.50", 50);
}

static void parse_integers(void **state)
{
    (void)state;
    assert_parses("0", 0);
    assert_parses("7", 700);
    assert_parses("1234", 123400);
    assert_parses("1.234", 123400); /* dot + 3 digits is grouping */
    assert_parses("1.000.000", 100000000);
    assert_parses("007", 700);
    assert_parses("+5", 500);
}

static void parse_currency_markers(void **state)
{
    (void)state;
    assert_parses("\xE2\x82\xAC 1.000", 100000);
    assert_parses("\xE2\x82\xAC" "1.000", 100000);
    assert_parses("1.000 EUR", 100000);
    assert_parses("EUR 1.000,50", 100050);
    assert_parses("1.000,50\xE2\x82\xAC", 100050);
    assert_status("\xE2\x82\xAC 5 EUR", AMOUNT_SYNTAX);
    assert_status("eur 5", AMOUNT_SYNTAX);
}

static void parse_surrounding_and_group_spaces(void **state)
{
    (void)state;
    assert_parses("  \t42,00\n ", 4200);
    assert_parses(NBSP "42" NNBSP, 4200);
    assert_parses("1" NNBSP "234" NNBSP "567,89", 123456789);
    assert_parses("1" NBSP "234,56", 123456);
    assert_parses("1" THIN "234", 123400);
    assert_parses("1 234 567", 123456700);
    assert_parses("1 234" NBSP "567", 123456700); /* space kinds may mix */
    assert_status("1.234 567", AMOUNT_SYNTAX);    /* dot and space may not */
    assert_status("1 234.56", AMOUNT_SYNTAX);     /* plain has no grouping */
}

static void parse_negatives(void **state)
{
    (void)state;
    assert_parses(MINUS "1.234,56", -123456);
    assert_parses("-1.234,56", -123456);
    assert_parses("(1.234,56)", -123456);
    assert_parses("( 1.234,56 )", -123456);
    assert_parses("-1234.56", -123456);
    assert_parses("- 5", -500);
    assert_parses("-\xE2\x82\xAC 5", -500);
    assert_parses("\xE2\x82\xAC -5", -500);
    assert_parses("\xE2\x82\xAC (5)", -500);
    assert_parses("(5 EUR)", -500);
}

static void parse_negative_zero_is_zero(void **state)
{
    (void)state;
    assert_parses("-0,00", 0);
    assert_parses(MINUS "0", 0);
    assert_parses("(0,00)", 0);
}

static void parse_syntax_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "12,3,4", "1.23.456", "12.3456", "abc", "1,234", "1.2", "1,5",
        "(12", "12)", "--5", "-" MINUS "5", "1 2 3", "(-5)", "-(5)", "((5))",
        "0.500", "01.234", "1234.567", "1.234.56", ",50", ".50", "12,",
        "12.", "12,-", "1,234,567.89", "5-", "1'234", "12 EUR EUR", "+",
        "()", "( )", "(" EN_DASH ")", "+" EN_DASH, "--", "1e5", "0x10",
        "12" NBSP NBSP "345", "1.234,567", "\xFF", "12,3a", "12.3x",
    };
    for (size_t i = 0; i < ARRAY_LENGTH(bad); i++)
        assert_status(bad[i], AMOUNT_SYNTAX);
}

static void parse_empty_cells_and_dashes(void **state)
{
    (void)state;
    static const char *const blank[] = {
        "", "   ", NBSP NNBSP, "\n\t", "-", MINUS, EN_DASH, EM_DASH,
        (" " EN_DASH " "), ("\xE2\x82\xAC " EN_DASH), "\xE2\x82\xAC", "- EUR",
    };
    for (size_t i = 0; i < ARRAY_LENGTH(blank); i++)
        assert_status(blank[i], AMOUNT_EMPTY);
    assert_status(NULL, AMOUNT_EMPTY);
}

static void parse_overflow(void **state)
{
    (void)state;
    assert_status("1234567890123456789012345", AMOUNT_OVERFLOW);
    assert_status("-1234567890123456789012345", AMOUNT_OVERFLOW);
    assert_status("99999999999999999999999999999999999999,99",
                  AMOUNT_OVERFLOW);
    /* The syntax is checked before the size. */
    assert_status("1234567890123456789012345,6", AMOUNT_SYNTAX);
    /* Leading zeros do not count towards the size. */
    assert_parses("0000000000000000000000001", 100);
}

static void parse_int64_edges(void **state)
{
    (void)state;
    assert_parses("92.233.720.368.547.758,07", INT64_MAX);
    assert_parses("92233720368547758.07", INT64_MAX);
    assert_status("92.233.720.368.547.758,08", AMOUNT_OVERFLOW);
    assert_status("92233720368547758.08", AMOUNT_OVERFLOW);
    assert_status("92233720368547759", AMOUNT_OVERFLOW);
    assert_parses(MINUS "92.233.720.368.547.758,08", INT64_MIN);
    assert_parses("(92.233.720.368.547.758,08)", INT64_MIN);
    assert_parses("-92233720368547758.08", INT64_MIN);
    assert_status("-92233720368547758.09", AMOUNT_OVERFLOW);
    assert_status("-92233720368547759", AMOUNT_OVERFLOW);
}

/* ---- formatting --------------------------------------------------------- */

static void format_small_values(void **state)
{
    (void)state;
    assert_formats(0, "0,00");
    assert_formats(5, "0,05");
    assert_formats(-5, MINUS "0,05");
    assert_formats(100, "1,00");
    assert_formats(99999, "999,99");
    assert_formats(100000, "1.000,00");
    assert_formats(39717817, "397.178,17");
    assert_formats(-123456, MINUS "1.234,56");
}

static void format_int64_limits(void **state)
{
    (void)state;
    assert_formats(INT64_MAX, "92.233.720.368.547.758,07");
    assert_formats(INT64_MIN, MINUS "92.233.720.368.547.758,08");
    assert_formats(INT64_MIN + 1, MINUS "92.233.720.368.547.758,07");
}

static void format_too_small_buffer_gives_no_figure(void **state)
{
    (void)state;
    char buf[8];
    memset(buf, 'x', sizeof buf);
    /* "1.234,56" needs 8 bytes plus the NUL. */
    assert_int_equal(amount_format(123456, buf, sizeof buf), 8);
    assert_string_equal(buf, "");
    assert_int_equal(amount_format(123456, NULL, 0), 8);
    char exact[9];
    assert_int_equal(amount_format(123456, exact, sizeof exact), 8);
    assert_string_equal(exact, "1.234,56");
}

static void assert_round_trips(int64_t cents)
{
    char buf[AMOUNT_FORMAT_SIZE];
    amount_format(cents, buf, sizeof buf);
    assert_parses(buf, cents);
}

static void format_then_parse_round_trips(void **state)
{
    (void)state;
    static const int64_t fixed[] = {
        0, 1, -1, 9, -9, 10, 99, -99, 100, -100, 999, 1000, 99999, 100000,
        -100000, 123456789, -123456789, INT64_MAX, INT64_MIN, INT64_MAX - 1,
        INT64_MIN + 1,
    };
    for (size_t i = 0; i < ARRAY_LENGTH(fixed); i++)
        assert_round_trips(fixed[i]);
    /* Every power of ten and its neighbours, both signs. */
    for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10)
        for (int64_t d = -1; d <= 1; d++) {
            assert_round_trips(p + d);
            assert_round_trips(-(p + d));
        }
    /* A deterministic spread over the whole range. */
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 10000; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        int64_t cents;
        memcpy(&cents, &x, sizeof cents); /* no implementation-defined cast */
        assert_round_trips(cents);
        int64_t smaller = (int64_t)(x >> (1 + i % 63)); /* all sizes */
        assert_round_trips(smaller);
        assert_round_trips(-smaller);
    }
}

/* ---- checked addition --------------------------------------------------- */

static void add_detects_overflow(void **state)
{
    (void)state;
    int64_t sum = 42;
    assert_true(amount_add(2, 3, &sum));
    assert_int_equal(sum, 5);
    assert_true(amount_add(INT64_MAX, 0, &sum));
    assert_true(amount_add(INT64_MAX, INT64_MIN, &sum));
    assert_int_equal(sum, -1);
    sum = 42;
    assert_false(amount_add(INT64_MAX, 1, &sum));
    assert_false(amount_add(INT64_MIN, -1, &sum));
    assert_false(amount_add(INT64_MIN, INT64_MIN, &sum));
    assert_int_equal(sum, 42);
}

/* ---- verification ------------------------------------------------------- */

static void verify_correct_budget(void **state)
{
    (void)state;
    budget_cell cells[] = {
        amount(100000), amount(25050), subtotal(125050),
        amount(30000),  amount(1),     subtotal(30001),
        total(155051),
    };
    budget_problem problems[4];
    assert_int_equal(VERIFIED(cells, problems), 0);
}

static void verify_total_off_by_one_cent(void **state)
{
    (void)state;
    budget_cell cells[] = { amount(39717817), amount(100), total(39717916) };
    budget_problem problems[4];
    assert_int_equal(VERIFIED(cells, problems), 1);
    assert_problem(&problems[0], BUDGET_MISMATCH, 2, 39717916, 39717917);
}

static void verify_subtotal_mismatch(void **state)
{
    (void)state;
    budget_cell cells[] = {
        amount(500), amount(700), subtotal(1300), /* should be 1200 */
        amount(50),  subtotal(50), total(1250),
    };
    budget_problem problems[4];
    assert_int_equal(VERIFIED(cells, problems), 1);
    assert_problem(&problems[0], BUDGET_MISMATCH, 2, 1300, 1200);
}

static void verify_negative_amounts(void **state)
{
    (void)state;
    budget_cell cells[] = {
        amount(100000), amount(-25000), subtotal(75000),
        amount(-80000), subtotal(-80000), total(-5000),
    };
    budget_problem problems[4];
    assert_int_equal(VERIFIED(cells, problems), 0);
    cells[5] = total(5000);
    assert_int_equal(VERIFIED(cells, problems), 1);
    assert_problem(&problems[0], BUDGET_MISMATCH, 5, 5000, -5000);
}

static void verify_empty_cells(void **state)
{
    (void)state;
    budget_cell cells[] = {
        amount(300),
        empty(BUDGET_ROW_AMOUNT),   /* counts as 0 */
        empty(BUDGET_ROW_SUBTOTAL), /* not checked, but closes the group */
        amount(200),
        subtotal(200),              /* wrong if the 300 were still counted */
        empty(BUDGET_ROW_TOTAL),    /* not checked */
        total(500),
    };
    budget_problem problems[4];
    assert_int_equal(VERIFIED(cells, problems), 0);
    cells[4] = subtotal(500);
    assert_int_equal(VERIFIED(cells, problems), 1);
    assert_problem(&problems[0], BUDGET_MISMATCH, 4, 500, 200);
}

static void verify_total_restating_single_amount(void **state)
{
    (void)state;
    budget_cell cells[] = { amount(1500000), total(1500000) };
    budget_problem problems[2];
    assert_int_equal(VERIFIED(cells, problems), 0);
    cells[1] = total(1500001);
    assert_int_equal(VERIFIED(cells, problems), 1);
    assert_problem(&problems[0], BUDGET_MISMATCH, 1, 1500001, 1500000);
}

static void verify_without_cells(void **state)
{
    (void)state;
    assert_int_equal(amount_verify_column(NULL, 0, NULL, 0), 0);
    budget_cell only_amount[] = { amount(5) };
    assert_int_equal(amount_verify_column(only_amount, 1, NULL, 0), 0);
}

static void verify_sum_overflow(void **state)
{
    (void)state;
    budget_cell cells[] = {
        amount(INT64_MAX), amount(1), subtotal(5),
        amount(10),        subtotal(10), /* a fresh group: fine again */
        total(7),                        /* the column stays overflowed */
    };
    budget_problem problems[4];
    assert_int_equal(VERIFIED(cells, problems), 2);
    assert_problem(&problems[0], BUDGET_SUM_OVERFLOW, 2, 5, 0);
    assert_problem(&problems[1], BUDGET_SUM_OVERFLOW, 5, 7, 0);
}

static void verify_negative_sum_overflow(void **state)
{
    (void)state;
    budget_cell cells[] = { amount(INT64_MIN), amount(-1), total(0) };
    budget_problem problems[1];
    assert_int_equal(VERIFIED(cells, problems), 1);
    assert_problem(&problems[0], BUDGET_SUM_OVERFLOW, 2, 0, 0);
}

/* The same column as verify_counts_beyond_max (duplicates pairs them):
 * here every problem is reported, there they do not fit. */
static void verify_reports_several_problems(void **state)
{
    (void)state;
    budget_cell cells[] = {
        amount(100), subtotal(101), amount(200), subtotal(199),
        total(301),
    };
    budget_problem problems[3];
    assert_int_equal(VERIFIED(cells, problems), 3);
    assert_problem(&problems[0], BUDGET_MISMATCH, 1, 101, 100);
    assert_problem(&problems[1], BUDGET_MISMATCH, 3, 199, 200);
    assert_problem(&problems[2], BUDGET_MISMATCH, 4, 301, 300);
}

/* The column of verify_reports_several_problems (duplicates pairs them),
 * with room for fewer problems than it has. */
static void verify_counts_beyond_max(void **state)
{
    (void)state;
    budget_cell cells[] = {
        amount(100), subtotal(101), amount(200), subtotal(199),
        total(301),
    };
    budget_problem problems[3];
    memset(problems, 0xAB, sizeof problems);
    budget_problem untouched = problems[2];
    assert_int_equal(amount_verify_column(cells, ARRAY_LENGTH(cells),
                                          problems, 2),
                     3);
    assert_problem(&problems[0], BUDGET_MISMATCH, 1, 101, 100);
    assert_problem(&problems[1], BUDGET_MISMATCH, 3, 199, 200);
    assert_memory_equal(&problems[2], &untouched, sizeof untouched);
    assert_int_equal(amount_verify_column(cells, ARRAY_LENGTH(cells),
                                          NULL, 0),
                     3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_belgian_and_plain_agree),
        cmocka_unit_test(parse_integers),
        cmocka_unit_test(parse_currency_markers),
        cmocka_unit_test(parse_surrounding_and_group_spaces),
        cmocka_unit_test(parse_negatives),
        cmocka_unit_test(parse_negative_zero_is_zero),
        cmocka_unit_test(parse_syntax_errors),
        cmocka_unit_test(parse_empty_cells_and_dashes),
        cmocka_unit_test(parse_overflow),
        cmocka_unit_test(parse_int64_edges),
        cmocka_unit_test(format_small_values),
        cmocka_unit_test(format_int64_limits),
        cmocka_unit_test(format_too_small_buffer_gives_no_figure),
        cmocka_unit_test(format_then_parse_round_trips),
        cmocka_unit_test(add_detects_overflow),
        cmocka_unit_test(verify_correct_budget),
        cmocka_unit_test(verify_total_off_by_one_cent),
        cmocka_unit_test(verify_subtotal_mismatch),
        cmocka_unit_test(verify_negative_amounts),
        cmocka_unit_test(verify_empty_cells),
        cmocka_unit_test(verify_total_restating_single_amount),
        cmocka_unit_test(verify_without_cells),
        cmocka_unit_test(verify_sum_overflow),
        cmocka_unit_test(verify_negative_sum_overflow),
        cmocka_unit_test(verify_reports_several_problems),
        cmocka_unit_test(verify_counts_beyond_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
