/* Unit tests of diag: the printed line format (GCC style), warnings against
 * errors, exit statuses 0/1/2 with and without -W error, the error cap and
 * its "further errors not shown" line, one line per message, copied
 * strings. Output is captured with open_memstream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* ---- helpers ------------------------------------------------------------ */

static src_loc at(const char *file, int line, int col)
{
    return (src_loc){ file, line, col };
}

static const src_loc nowhere = { NULL, 0, 0 };

/* What diag_print writes, as a malloc'ed string. */
static char *printed(const diag_list *d)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    diag_print(d, f);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Asserts the whole printed output, then frees it. */
static void assert_printed(const diag_list *d, const char *expected)
{
    char *out = printed(d);
    assert_string_equal(out, expected);
    free(out);
}

/* Each test gets a fresh list in *state; teardown frees it even when an
 * assertion fails half-way. */
static int setup_list(void **state)
{
    diag_list *d = malloc(sizeof *d);
    if (!d)
        return -1;
    diag_init(d);
    *state = d;
    return 0;
}

static int teardown_list(void **state)
{
    diag_clear(*state);
    free(*state);
    return 0;
}

/* ---- format --------------------------------------------------------------- */

static void error_with_line_and_column(void **state)
{
    diag_list *d = *state;
    diag_add(d, DIAG_ERROR, at("report.xml", 12, 5), "unsafe link '%s'",
             "javascript:x");
    assert_printed(d, "report.xml:12:5: error: unsafe link 'javascript:x'\n");
}

static void warning_is_labelled_warning(void **state)
{
    diag_list *d = *state;
    diag_add(d, DIAG_WARNING, at("sections/wonen.xml", 3, 7),
             "element <%s> is not in the subset", "sidebar");
    assert_printed(d, "sections/wonen.xml:3:7: warning: element <sidebar> is "
                       "not in the subset\n");
    assert_false(diag_has_errors(d));
    assert_int_equal(d->warnings, 1);
    assert_int_equal(d->errors, 0);
}

static void environment_problem_prints_as_error(void **state)
{
    diag_list *d = *state;
    diag_add(d, DIAG_ENVIRONMENT, at("styles/kcvs.xml", 15, 3),
             "font file '%s' not found", "x.ttf");
    assert_printed(d, "styles/kcvs.xml:15:3: error: font file 'x.ttf' not found\n");
    assert_true(diag_has_errors(d));
}

static void unknown_column_keeps_file_and_line(void **state)
{
    diag_list *d = *state;
    diag_add(d, DIAG_ERROR, at("a.xml", 4, 0), "no column");
    char *out = printed(d);
    /* Either GCC's "file:line: error:" or a uniform column 1. */
    if (strcmp(out, "a.xml:4: error: no column\n") != 0 &&
        strcmp(out, "a.xml:4:1: error: no column\n") != 0)
        fail_msg("unexpected line '%s'", out);
    free(out);
}

static void file_without_line_and_no_file(void **state)
{
    diag_list *d = *state;
    diag_add(d, DIAG_ERROR, at("out/report.pdf", 0, 0), "cannot write");
    diag_add(d, DIAG_WARNING, nowhere, "no hyphenation patterns for '%s'", "xx");
    assert_printed(d, "out/report.pdf: error: cannot write\n"
                       "kcvs-pdf: warning: no hyphenation patterns for 'xx'\n");
}

static void printed_in_the_order_added(void **state)
{
    diag_list *d = *state;
    diag_add(d, DIAG_WARNING, at("a.xml", 1, 1), "first");
    diag_add(d, DIAG_ERROR, at("a.xml", 9, 2), "second");
    diag_add(d, DIAG_WARNING, at("b.xml", 2, 3), "third");
    assert_printed(d, "a.xml:1:1: warning: first\n"
                       "a.xml:9:2: error: second\n"
                       "b.xml:2:3: warning: third\n");
}

static void newlines_in_messages_are_flattened(void **state)
{
    diag_list *d = *state;
    /* libxml2's messages end in "\n" and may hold more lines. */
    diag_add(d, DIAG_ERROR, at("a.xml", 2, 3), "Opening and ending tag "
             "mismatch: para line 1\nand article\n");
    diag_add(d, DIAG_WARNING, at("a.xml", 5, 1), "tab\there\r\nnext");
    char *out = printed(d);
    assert_int_equal(count_lines(out), 2);
    assert_non_null(strstr(out, "a.xml:2:3: error: Opening and ending tag "
                                "mismatch: para line 1 and article\n"));
    assert_null(strchr(out, '\r'));
    assert_null(strchr(out, '\t'));
    const char *second = strchr(out, '\n') + 1;
    assert_true(strncmp(second, "a.xml:5:1: warning: tab here", 28) == 0);
    assert_non_null(strstr(second, "next\n"));
    free(out);
}

static void very_long_message_stays_one_line(void **state)
{
    diag_list *d = *state;
    char *long_text = malloc(10001);
    assert_non_null(long_text);
    memset(long_text, 'x', 10000);
    long_text[10000] = '\0';
    diag_add(d, DIAG_ERROR, at("a.xml", 1, 1), "%s", long_text);
    char *out = printed(d);
    assert_int_equal(count_lines(out), 1);
    assert_true(strncmp(out, "a.xml:1:1: error: xxx", 21) == 0);
    free(out);
    free(long_text);
}

static void strings_are_copied(void **state)
{
    diag_list *d = *state;
    char file[32] = "first.xml";
    char arg[32] = "arg";
    diag_add(d, DIAG_ERROR, at(file, 3, 4), "about %s", arg);
    strcpy(file, "second.xml");
    strcpy(arg, "changed");
    assert_printed(d, "first.xml:3:4: error: about arg\n");
    assert_ptr_not_equal(d->items[0].loc.file, file);
}

/* ---- exit status -------------------------------------------------------- */

static void status_of_empty_list_is_zero(void **state)
{
    diag_list *d = *state;
    assert_int_equal(diag_exit_status(d, false), 0);
    assert_int_equal(diag_exit_status(d, true), 0);
    assert_printed(d, "");
}

/* This, document_error_is_one and environment_error_wins add
 * diagnostics and read the exit status (duplicates pairs them by shape):
 * one rule of the status each. */
static void warnings_pass_unless_made_errors(void **state)
{
    diag_list *d = *state;
    diag_add(d, DIAG_WARNING, at("a.xml", 1, 1), "w");
    assert_int_equal(diag_exit_status(d, false), 0);
    assert_int_equal(diag_exit_status(d, true), 1);
}

/* Same shape as warnings_pass_unless_made_errors (duplicates pairs
 * them): another rule of the exit status. */
static void document_error_is_one(void **state)
{
    diag_list *d = *state;
    diag_add(d, DIAG_WARNING, at("a.xml", 1, 1), "w");
    diag_add(d, DIAG_ERROR, at("a.xml", 2, 1), "e");
    assert_int_equal(diag_exit_status(d, false), 1);
    assert_int_equal(diag_exit_status(d, true), 1);
}

static void environment_error_wins(void **state)
{
    diag_list *d = *state;
    diag_add(d, DIAG_ERROR, at("a.xml", 2, 1), "e");
    diag_add(d, DIAG_ENVIRONMENT, at("styles/kcvs.xml", 3, 1), "font missing");
    diag_add(d, DIAG_ERROR, at("a.xml", 4, 1), "e2");
    diag_add(d, DIAG_WARNING, at("a.xml", 5, 1), "w");
    assert_int_equal(diag_exit_status(d, false), 2);
    assert_int_equal(diag_exit_status(d, true), 2);
    diag_clear(d);

    diag_init(d);
    diag_add(d, DIAG_ENVIRONMENT, nowhere, "cannot write the output");
    assert_int_equal(diag_exit_status(d, false), 2);
}

static void clear_resets_counts(void **state)
{
    diag_list *d = *state;
    d->max_errors = 3;
    diag_add(d, DIAG_ERROR, at("a.xml", 2, 1), "e");
    diag_add(d, DIAG_WARNING, at("a.xml", 2, 1), "w");
    diag_clear(d);
    assert_int_equal(d->count, 0);
    assert_int_equal(d->errors, 0);
    assert_int_equal(d->warnings, 0);
    assert_int_equal(d->dropped, 0);
    assert_int_equal(d->max_errors, 3);
    assert_false(diag_has_errors(d));
    assert_int_equal(diag_exit_status(d, true), 0);
    diag_clear(d); /* twice is harmless */
}

/* ---- the error cap -------------------------------------------------------- */

static void cap_keeps_first_errors_and_counts_the_rest(void **state)
{
    diag_list *d = *state;
    d->max_errors = 3;
    for (int i = 1; i <= 7; i++)
        diag_add(d, DIAG_ERROR, at("a.xml", i, 1), "error %d", i);
    diag_add(d, DIAG_WARNING, at("a.xml", 20, 1), "a warning after the cap");
    assert_int_equal(d->errors, 7);
    assert_int_equal(d->dropped, 4);
    assert_printed(d, "a.xml:1:1: error: error 1\n"
                       "a.xml:2:1: error: error 2\n"
                       "a.xml:3:1: error: error 3\n"
                       "a.xml:20:1: warning: a warning after the cap\n"
                       "kcvs-pdf: error: 4 further errors not shown\n");
    assert_int_equal(diag_exit_status(d, false), 1);
}

static void default_cap_is_generous_but_finite(void **state)
{
    diag_list *d = *state;
    assert_true(d->max_errors >= 10);
    size_t cap = d->max_errors;
    for (size_t i = 0; i < cap + 5; i++)
        diag_add(d, DIAG_ERROR, at("a.xml", (int)i + 1, 1), "e");
    assert_int_equal(d->dropped, 5);
    char *out = printed(d);
    assert_int_equal(count_lines(out), cap + 1);
    assert_non_null(strstr(out, "kcvs-pdf: error: 5 further errors not shown\n"));
    free(out);
}

static void no_cap_line_below_the_cap(void **state)
{
    diag_list *d = *state;
    d->max_errors = 3;
    for (int i = 1; i <= 3; i++)
        diag_add(d, DIAG_ERROR, at("a.xml", i, 1), "e");
    char *out = printed(d);
    assert_null(strstr(out, "not shown"));
    assert_int_equal(count_lines(out), 3);
    free(out);
}

static void warnings_do_not_count_against_the_cap(void **state)
{
    diag_list *d = *state;
    d->max_errors = 2;
    for (int i = 0; i < 10; i++)
        diag_add(d, DIAG_WARNING, at("a.xml", i + 1, 1), "w");
    diag_add(d, DIAG_ERROR, at("a.xml", 30, 1), "the real problem");
    assert_int_equal(d->dropped, 0);
    char *out = printed(d);
    assert_non_null(strstr(out, "a.xml:30:1: error: the real problem\n"));
    free(out);
}

/* "Worst wins" must hold when the environment problem comes after the cap
 * (many broken links, then a font that cannot be found or an output that
 * cannot be written): the exit status must still say 2. */
static void environment_error_past_the_cap_still_exits_two(void **state)
{
    diag_list *d = *state;
    d->max_errors = 2;
    diag_add(d, DIAG_ERROR, at("a.xml", 1, 1), "e1");
    diag_add(d, DIAG_ERROR, at("a.xml", 2, 1), "e2");
    diag_add(d, DIAG_ENVIRONMENT, at("out/report.pdf", 0, 0),
             "cannot write the output");
    assert_true(diag_has_errors(d));
    assert_int_equal(diag_exit_status(d, false), 2);
}

/* A stage that runs twice (cross-reference passes) reports each problem
 * once: the same place and message are kept and counted once; a different
 * line, column, file, severity or message is a new diagnostic. */
static void identical_diagnostics_are_kept_once(void **state)
{
    diag_list *d = *state;
    for (int pass = 0; pass < 3; pass++) {
        diag_add(d, DIAG_WARNING, at("a.xml", 4, 2), "image '%s' is RGB", "x.png");
        diag_add(d, DIAG_WARNING, at("a.xml", 5, 2), "image '%s' is RGB", "x.png");
        diag_add(d, DIAG_WARNING, at("a.xml", 4, 3), "image '%s' is RGB", "x.png");
        diag_add(d, DIAG_WARNING, at("b.xml", 4, 2), "image '%s' is RGB", "x.png");
        diag_add(d, DIAG_ERROR, at("a.xml", 4, 2), "image '%s' is RGB", "x.png");
        diag_add(d, DIAG_WARNING, at("a.xml", 4, 2), "image '%s' is RGB", "y.png");
        diag_add(d, DIAG_WARNING, nowhere, "no place");
    }
    assert_int_equal(d->warnings, 6);
    assert_int_equal(d->errors, 1);
    assert_printed(d, "a.xml:4:2: warning: image 'x.png' is RGB\n"
                      "a.xml:5:2: warning: image 'x.png' is RGB\n"
                      "a.xml:4:3: warning: image 'x.png' is RGB\n"
                      "b.xml:4:2: warning: image 'x.png' is RGB\n"
                      "a.xml:4:2: error: image 'x.png' is RGB\n"
                      "a.xml:4:2: warning: image 'y.png' is RGB\n"
                      "kcvs-pdf: warning: no place\n");
}

/* Many distinct warnings stay distinct (the set grows past its first size). */
static void many_distinct_warnings_all_kept(void **state)
{
    diag_list *d = *state;
    for (int round = 0; round < 2; round++)
        for (int i = 1; i <= 5000; i++)
            diag_add(d, DIAG_WARNING, at("a.xml", i, 1), "w");
    assert_int_equal(d->warnings, 5000);
    assert_int_equal(d->count, 5000);
}

/* Rewinding forgets what was added since the mark, counts included, and
 * the forgotten diagnostics may be added again afterwards. */
static void rewind_forgets_what_came_after_the_mark(void **state)
{
    diag_list *d = *state;
    diag_add(d, DIAG_WARNING, at("a.xml", 1, 1), "kept");
    diag_mark m = diag_mark_now(d);
    diag_add(d, DIAG_WARNING, at("a.xml", 2, 1), "first pass");
    diag_add(d, DIAG_ERROR, at("a.xml", 3, 1), "first pass error");
    diag_rewind(d, m);
    assert_int_equal(d->warnings, 1);
    assert_int_equal(d->errors, 0);
    assert_false(diag_has_errors(d));
    diag_add(d, DIAG_WARNING, at("a.xml", 1, 1), "kept");
    diag_add(d, DIAG_WARNING, at("a.xml", 2, 1), "first pass");
    assert_printed(d, "a.xml:1:1: warning: kept\n"
                      "a.xml:2:1: warning: first pass\n");
}

/* Findings that arrive late (the schema's, from its thread) take their
 * place at the mark, before what was added since; counts stay right,
 * and what was dropped past the cap stays counted. */
static void insert_puts_late_findings_at_the_mark(void **state)
{
    diag_list *d = *state;
    d->max_errors = 2;
    diag_add(d, DIAG_WARNING, at("a.xml", 1, 1), "build");
    diag_mark m = diag_mark_now(d);
    diag_add(d, DIAG_WARNING, at("a.xml", 5, 1), "layout");
    diag_add(d, DIAG_ERROR, at("a.xml", 6, 1), "layout error 1");
    diag_add(d, DIAG_ERROR, at("a.xml", 7, 1), "layout error 2");
    diag_add(d, DIAG_ERROR, at("a.xml", 8, 1), "layout error 3");
    diag_list late;
    diag_init(&late);
    diag_add(&late, DIAG_WARNING, at("a.xml", 2, 1), "schema 1");
    diag_add(&late, DIAG_WARNING, at("a.xml", 3, 1), "schema 2");
    diag_insert(d, m, &late);
    diag_clear(&late);
    assert_printed(d, "a.xml:1:1: warning: build\n"
                      "a.xml:2:1: warning: schema 1\n"
                      "a.xml:3:1: warning: schema 2\n"
                      "a.xml:5:1: warning: layout\n"
                      "a.xml:6:1: error: layout error 1\n"
                      "a.xml:7:1: error: layout error 2\n"
                      "kcvs-pdf: error: 1 further errors not shown\n");
    assert_int_equal(d->warnings, 4);
    assert_int_equal(d->errors, 3);
    assert_int_equal(d->dropped, 1);
    /* still one of each: an equal diagnostic is not added twice */
    diag_add(d, DIAG_WARNING, at("a.xml", 2, 1), "schema 1");
    assert_int_equal(d->count, 6);
}

/* Nothing late: the list is left as it was. */
static void insert_of_nothing_changes_nothing(void **state)
{
    diag_list *d = *state, none;
    diag_init(&none);
    diag_add(d, DIAG_WARNING, at("a.xml", 1, 1), "w");
    diag_add(d, DIAG_ERROR, at("a.xml", 2, 1), "e");
    diag_insert(d, (diag_mark){ .count = 1, .warnings = 1 }, &none);
    assert_printed(d, "a.xml:1:1: warning: w\na.xml:2:1: error: e\n");
    assert_int_equal(d->errors, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(error_with_line_and_column, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(warning_is_labelled_warning, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(environment_problem_prints_as_error, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(unknown_column_keeps_file_and_line, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(file_without_line_and_no_file, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(printed_in_the_order_added, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(newlines_in_messages_are_flattened, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(very_long_message_stays_one_line, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(strings_are_copied, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(status_of_empty_list_is_zero, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(warnings_pass_unless_made_errors, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(document_error_is_one, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(environment_error_wins, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(clear_resets_counts, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(cap_keeps_first_errors_and_counts_the_rest, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(default_cap_is_generous_but_finite, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(no_cap_line_below_the_cap, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(warnings_do_not_count_against_the_cap, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(environment_error_past_the_cap_still_exits_two, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(identical_diagnostics_are_kept_once, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(many_distinct_warnings_all_kept, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(rewind_forgets_what_came_after_the_mark, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(insert_puts_late_findings_at_the_mark, setup_list, teardown_list),
        cmocka_unit_test_setup_teardown(insert_of_nothing_changes_nothing, setup_list, teardown_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
