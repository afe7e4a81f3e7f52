/* Unit tests for linebreak: hand-computed paragraphs, the passes, the
 * demerits rules, and a brute-force cross-check of total fit on random small
 * paragraphs. Widths are in units (one unit per character), so the expected
 * breaks can be worked out on paper; the comments show the arithmetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linebreak.h"

/* cmocka 1.1 compares only floats, whose 24 bits cannot tell demerits of
   tens of thousands apart at the precision asserted here. */
#define assert_close(actual, expected, epsilon)                              \
    assert_close_at((actual), (expected), (epsilon), #actual, __FILE__,       \
                    __LINE__)

static void assert_close_at(double actual, double expected, double epsilon,
                            const char *expression, const char *file,
                            int line)
{
    if (actual == expected || fabs(actual - expected) <= epsilon)
        return;
    print_error("%s is %.17g, expected %.17g (within %g)\n", expression,
                actual, expected, epsilon);
    _fail(file, line);
}

/* ---- Building paragraphs ------------------------------------------- */

typedef struct para {
    lb_item *items;
    size_t n, capacity;
} para;

/* Per-test state, freed by the teardown even when an assertion fails. */
typedef struct fixture {
    para p;
    lb_result r, other;
    double width;        /* the one line width of text_in's parameters */
} fixture;

static int fixture_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture *f = *state;
    lb_result_free(&f->r);
    lb_result_free(&f->other);
    free(f->p.items);
    free(f);
    return 0;
}

static void push(para *p, lb_item it)
{
    if (p->n == p->capacity) {
        size_t capacity = p->capacity ? p->capacity * 2 : 64;
        lb_item *grown = realloc(p->items, capacity * sizeof *grown);
        assert_non_null(grown);
        p->items = grown;
        p->capacity = capacity;
    }
    p->items[p->n++] = it;
}

static void add_box(para *p, double width)
{
    push(p, (lb_item){ .kind = LB_BOX, .width = width });
}

static void add_glue(para *p, double width, double stretch, double shrink)
{
    push(p, (lb_item){ .kind = LB_GLUE, .width = width, .stretch = stretch,
                       .shrink = shrink });
}

static void add_fil_glue(para *p)
{
    push(p, (lb_item){ .kind = LB_GLUE, .stretch_fil = 1 });
}

static void add_penalty(para *p, double width, double penalty, int flagged)
{
    push(p, (lb_item){ .kind = LB_PENALTY, .width = width,
                       .penalty = penalty, .flagged = flagged });
}

static void add_paragraph_end(para *p)
{
    add_penalty(p, 0, LB_INFINITY, 0);
    add_fil_glue(p);
    add_penalty(p, 0, -LB_INFINITY, 0);
}

typedef struct spacing {
    double stretch, shrink;
} spacing;

/* A paragraph from a compact text: numbers are box widths; ' ' is a space
   (glue of width 1); '-' a hyphenation point (flagged penalty 50, hyphen
   width 1); '~' a tied space (penalty +inf, then the glue); '/' a newline
   (penalty +inf, fil glue, forced penalty). The paragraph end is added. */
static void add_text(para *p, const char *text, spacing s)
{
    for (const char *c = text; *c;) {
        if (*c >= '0' && *c <= '9') {
            char *after;
            add_box(p, strtod(c, &after));
            c = after;
            continue;
        }
        switch (*c) {
        case ' ': add_glue(p, 1, s.stretch, s.shrink); break;
        case '-': add_penalty(p, 1, 50, 1); break;
        case '~':
            add_penalty(p, 0, LB_INFINITY, 0);
            add_glue(p, 1, s.stretch, s.shrink);
            break;
        case '/': add_paragraph_end(p); break;
        default: fail_msg("bad text character '%c'", *c);
        }
        c++;
    }
    add_paragraph_end(p);
}

/* Index of the k-th (0-based) item of a kind. */
static size_t nth(const para *p, lb_kind kind, size_t k)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->items[i].kind == kind && k-- == 0)
            return i;
    fail_msg("no item %zu of kind %d", k, (int)kind);
    return 0;
}

/* The space after the k-th word (1-based). */
static size_t space_after_word(const para *p, size_t k)
{
    return nth(p, LB_GLUE, k - 1);
}

static lb_params params_for(const double *widths, size_t n)
{
    lb_params prm;
    lb_params_default(&prm, widths, n);
    return prm;
}

/* The fixture's paragraph is text with spacing, set in lines of one width. */
static lb_params text_in(fixture *f, const char *text, spacing sp, double width)
{
    add_text(&f->p, text, sp);
    f->width = width;
    return params_for(&f->width, 1);
}

/* ---- Checking results independently -------------------------------- */

static int forced_at(const lb_item *it)
{
    return it->kind == LB_PENALTY && it->penalty <= -LB_INFINITY;
}

static size_t first_content(const lb_item *items, size_t n, size_t start,
                            int first_line)
{
    if (first_line)
        return start;
    size_t i = start;
    while (i < n && items[i].kind != LB_BOX && !forced_at(&items[i]))
        i++;
    return i;
}

/* The line totals summed directly from the items, not from running sums. */
static void measure_directly(const lb_item *items, size_t from, size_t end,
                             double *natural, double *stretch, double *shrink,
                             double *fil)
{
    *natural = *stretch = *shrink = *fil = 0;
    for (size_t i = from; i < end; i++) {
        if (items[i].kind == LB_PENALTY)
            continue;
        *natural += items[i].width;
        *stretch += items[i].stretch; /* a box's: its font expansion */
        *shrink += items[i].shrink;
        if (items[i].kind == LB_GLUE)
            *fil += items[i].stretch_fil;
    }
    if (items[end].kind == LB_PENALTY)
        *natural += items[end].width;
}

static int legal_break(const lb_item *items, size_t b)
{
    if (items[b].kind == LB_GLUE)
        return b > 0 && items[b - 1].kind == LB_BOX;
    return items[b].kind == LB_PENALTY && items[b].penalty < LB_INFINITY;
}

/* Lines tile the paragraph, end at legal breaks (every forced one among
   them), and report the totals their items add up to. */
static void assert_lines_sane(const para *p, const lb_result *r)
{
    assert_non_null(r->lines);
    assert_true(r->count >= 1);
    assert_int_equal(r->lines[r->count - 1].end, p->n - 1);
    size_t next_start = 0;
    for (size_t i = 0; i < r->count; i++) {
        const lb_line *l = &r->lines[i];
        assert_int_equal(l->start, next_start);
        assert_int_equal(l->content_start,
                         first_content(p->items, p->n, l->start, i == 0));
        assert_true(l->end >= l->content_start);
        if (!forced_at(&p->items[l->end]))
            assert_true(l->content_start < l->end); /* never empty */
        assert_true(legal_break(p->items, l->end));
        for (size_t k = l->content_start; k < l->end; k++)
            assert_false(forced_at(&p->items[k]));
        double natural, stretch, shrink, fil;
        measure_directly(p->items, l->content_start, l->end, &natural,
                         &stretch, &shrink, &fil);
        assert_close(l->natural, natural, 1e-9);
        assert_close(l->stretch, stretch, 1e-9);
        assert_close(l->shrink, shrink, 1e-9);
        assert_close(l->stretch_fil, fil, 1e-9);
        assert_int_equal(l->hyphenated, p->items[l->end].kind == LB_PENALTY
                                            && p->items[l->end].flagged);
        assert_int_equal(l->overfull, l->ratio < -1);
        assert_true(l->fitness >= LB_VERY_LOOSE && l->fitness <= LB_TIGHT);
        next_start = l->end + 1;
    }
}

/* The fixture's paragraph broken into r, which must succeed with sane lines. */
static void break_ok(fixture *f, const lb_params *prm, lb_result *r)
{
    assert_int_equal(lb_break(f->p.items, f->p.n, prm, r), 0);
    assert_lines_sane(&f->p, r);
}

static void greedy_ok(fixture *f, const lb_params *prm, lb_result *r)
{
    assert_int_equal(lb_greedy_break(f->p.items, f->p.n, prm, r), 0);
    assert_lines_sane(&f->p, r);
}

static void assert_ends(const lb_result *r, const size_t *ends, size_t count)
{
    assert_int_equal(r->count, count);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(r->lines[i].end, ends[i]);
}

static double max_abs_ratio_before_last(const lb_result *r)
{
    double m = 0;
    for (size_t i = 0; i + 1 < r->count; i++)
        m = fmax(m, fabs(r->lines[i].ratio));
    return m;
}

static int ends_at(const lb_result *r, size_t index)
{
    for (size_t i = 0; i < r->count; i++)
        if (r->lines[i].end == index)
            return 1;
    return 0;
}

static size_t overfull_lines(const lb_result *r)
{
    size_t count = 0;
    for (size_t i = 0; i < r->count; i++)
        count += (size_t)r->lines[i].overfull;
    return count;
}

/* ---- Group: hand-computed breaks ----------------------------------- */

/* Six words of 3 in a measure of 10, spaces 1 +1 -1. Two words make 7
   (ratio 3, badness 2700: over tolerance), three make 11 (ratio -1/2,
   badness 12.5: tight). So 3 + 3, the last line shrinking too (fil only
   stretches): demerits 2 * (10 + 12.5)^2 = 1012.5, both tight. */
/* Breaks f's six words of 3 at measure 10 and checks they make 3 + 3. */
static void break_six_threes(fixture *f)
{
    double width = 10;
    lb_params prm = params_for(&width, 1);
    break_ok(f, &prm, &f->r);
    size_t ends[] = { space_after_word(&f->p, 3), f->p.n - 1 };
    assert_ends(&f->r, ends, 2);
}

static void test_hand_computed_shrinking_lines(void **state)
{
    fixture *f = *state;
    add_text(&f->p, "3 3 3 3 3 3", (spacing){ 1, 1 });
    break_six_threes(f);
    assert_int_equal(f->r.pass, 1);
    assert_close(f->r.demerits, 1012.5, 1e-9);
    for (size_t i = 0; i < 2; i++) {
        assert_close(f->r.lines[i].ratio, -0.5, 1e-12);
        assert_close(f->r.lines[i].badness, 12.5, 1e-9);
        assert_int_equal(f->r.lines[i].fitness, LB_TIGHT);
    }
}

/* Font expansion: boxes that may shrink by 1/6 of their width (0.5 for a
 * word of 3) add to the glue's shrink. The same paragraph at measure 10:
 * "3 3 3" = 11, shrink 2 (glue) + 1.5 (boxes), ratio -1/3.5. */
static void test_box_stretch_and_shrink_count_in_the_line(void **state)
{
    fixture *f = *state;
    add_text(&f->p, "3 3 3 3 3 3", (spacing){ 1, 1 });
    for (size_t i = 0; i < f->p.n; i++)
        if (f->p.items[i].kind == LB_BOX)
            f->p.items[i].stretch = f->p.items[i].shrink = f->p.items[i].width / 6;
    break_six_threes(f);
    assert_close(f->r.lines[0].shrink, 3.5, 1e-12);
    assert_close(f->r.lines[0].stretch, 3.5, 1e-12);
    assert_close(f->r.lines[0].ratio, -1 / 3.5, 1e-12);
}

/* Measure 12, words 2 5 1 1 5 3 4, spaces 1 +1 -0.
 * Total fit: "2 5 1" = 10 (ratio 1, badness 100, very loose: 110^2 plus
 * 10000 adjacent demerits against the decent start = 22100); "1 5 3" = 11
 * (ratio 1/2, badness 12.5, loose: 22.5^2 = 506.25); "4" with fil (100).
 * Total 22706.25. */
static void test_hand_computed_total_fit(void **state)
{
    fixture *f = *state;
    lb_params prm = text_in(f, "2 5 1 1 5 3 4", (spacing){ 1, 0 }, 12);
    break_ok(f, &prm, &f->r);
    size_t ends[] = { space_after_word(&f->p, 3), space_after_word(&f->p, 6),
                      f->p.n - 1 };
    assert_ends(&f->r, ends, 3);
    assert_int_equal(f->r.pass, 1);
    assert_close(f->r.demerits, 22706.25, 1e-9);
    assert_close(f->r.lines[0].ratio, 1.0, 1e-12);
    assert_int_equal(f->r.lines[0].fitness, LB_VERY_LOOSE);
    assert_close(f->r.lines[1].ratio, 0.5, 1e-12);
    assert_int_equal(f->r.lines[1].fitness, LB_LOOSE);
}

/* The same paragraph first fit: "2 5 1 1" fills 12 exactly, which leaves
   "5 3" = 9 with one space for 3 units (ratio 3). Total fit spreads the
   slack over two lines instead. */
static void test_total_fit_beats_first_fit(void **state)
{
    fixture *f = *state;
    lb_params prm = text_in(f, "2 5 1 1 5 3 4", (spacing){ 1, 0 }, 12);
    assert_int_equal(lb_break(f->p.items, f->p.n, &prm, &f->r), 0);
    assert_int_equal(lb_greedy_break(f->p.items, f->p.n, &prm, &f->other), 0);
    assert_lines_sane(&f->p, &f->r);
    assert_lines_sane(&f->p, &f->other);
    assert_int_equal(f->other.pass, 0);
    size_t greedy_ends[] = { space_after_word(&f->p, 4),
                             space_after_word(&f->p, 6), f->p.n - 1 };
    assert_ends(&f->other, greedy_ends, 3);
    assert_close(f->other.lines[1].ratio, 3.0, 1e-12);
    assert_int_not_equal(f->r.lines[0].end, f->other.lines[0].end);
    assert_true(max_abs_ratio_before_last(&f->r)
                < max_abs_ratio_before_last(&f->other));
    assert_true(f->r.demerits < f->other.demerits);
}

/* "3 3" then a newline, then five more words, in a measure of 11. Without
   the newline the best is 3 + 3 + 2 words; with it the first line must end
   at the forced penalty even though it is short (the fil absorbs it). */
static void test_forced_break_mid_paragraph(void **state)
{
    fixture *f = *state;
    double width = 11;
    lb_params prm = params_for(&width, 1);
    add_text(&f->p, "3 3/3 3 3 3 3", (spacing){ 1, 1 });
    size_t forced = nth(&f->p, LB_PENALTY, 1); /* [+inf] [fil] [-inf] */
    assert_true(f->p.items[forced].penalty <= -LB_INFINITY);
    break_ok(f, &prm, &f->r);
    assert_int_equal(f->r.lines[0].end, forced);
    assert_close(f->r.lines[0].ratio, 0, 0);
    assert_close(f->r.lines[0].natural, 7, 1e-12);
    /* "3 3 3" / "3 3" after it */
    assert_int_equal(f->r.count, 3);
    assert_int_equal(f->r.lines[1].content_start, forced + 1);
    assert_close(f->r.lines[1].natural, 11, 1e-12);
    assert_true(f->r.pass <= 2);
}

/* Eight words of 3 in 15, spaces 1 +2 -1: four words fill a line exactly.
   Tying words 4 and 5 forbids that break; the best is then "3 3 3 3~3"
   shrunk fully (19 - 4 = 15, tight) and a last line of three. */
static void test_forbidden_break(void **state)
{
    fixture *f = *state;
    double width = 15;
    lb_params prm = params_for(&width, 1);
    add_text(&f->p, "3 3 3 3 3 3 3 3", (spacing){ 2, 1 });
    assert_int_equal(lb_break(f->p.items, f->p.n, &prm, &f->other), 0);
    assert_int_equal(f->other.lines[0].end, space_after_word(&f->p, 4));

    f->p.n = 0;
    add_text(&f->p, "3 3 3 3~3 3 3 3", (spacing){ 2, 1 });
    size_t tie_glue = space_after_word(&f->p, 4);
    assert_true(f->p.items[tie_glue - 1].penalty >= LB_INFINITY);
    break_ok(f, &prm, &f->r);
    assert_false(ends_at(&f->r, tie_glue));
    assert_false(ends_at(&f->r, tie_glue - 1));
    size_t ends[] = { space_after_word(&f->p, 5), f->p.n - 1 };
    assert_ends(&f->r, ends, 2);
    assert_close(f->r.lines[0].ratio, -1, 1e-12);
    assert_int_equal(f->r.lines[0].overfull, 0);
    assert_true(f->r.pass <= 2);
}

/* A line ending at a glue excludes it; the next line drops the glue and
   penalties after the break; a penalty break adds its width. (The dropped
   penalty forbids a break, or breaking there, keeping the stretchable glue
   on the line, would beat the stretchless "4".) */
static void test_line_totals_and_discarded_items(void **state)
{
    fixture *f = *state;
    para *p = &f->p;
    add_box(p, 4);
    add_glue(p, 1, 1, 0);      /* break here: dropped */
    add_penalty(p, 0, LB_INFINITY, 0); /* discarded after the break */
    add_glue(p, 3, 0, 0);      /* discarded after the break */
    add_box(p, 6);
    add_penalty(p, 2, 0, 0);   /* an explicit break with width 2 */
    add_box(p, 5);
    add_paragraph_end(p);
    double width = 8;
    lb_params prm = params_for(&width, 1);
    prm.tolerance = LB_INFINITY; /* judge the totals, not the beauty */
    prm.pretolerance = -1;
    assert_int_equal(lb_break(p->items, p->n, &prm, &f->r), 0);
    assert_lines_sane(p, &f->r);
    size_t ends[] = { 1, 5, p->n - 1 };
    assert_ends(&f->r, ends, 3);
    assert_int_equal(f->r.lines[1].start, 2);
    assert_int_equal(f->r.lines[1].content_start, 4);
    assert_close(f->r.lines[0].natural, 4, 0);
    assert_close(f->r.lines[1].natural, 8, 0); /* 6 + penalty 2 */
    assert_close(f->r.lines[1].ratio, 0, 0);
    assert_close(f->r.lines[2].natural, 5, 0);
}

/* Measure 3: "3" [penalty 0] [penalty -5000, width 2] [glue 0 -10] "3".
   "3" plus the second penalty's width overflows, so its reward could only
   be reaped by an empty line between the two penalties (which the negative
   glue would even make stretchable). Such a line is no line: the breaks
   are the first penalty and the end. */
static void test_no_empty_lines(void **state)
{
    fixture *f = *state;
    para *p = &f->p;
    add_box(p, 3);
    add_penalty(p, 0, 0, 0);
    add_penalty(p, 2, -5000, 0);
    add_glue(p, 0, -10, 0);
    add_box(p, 3);
    add_paragraph_end(p);
    double width = 3;
    lb_params prm = params_for(&width, 1);
    assert_int_equal(lb_break(p->items, p->n, &prm, &f->r), 0);
    assert_lines_sane(p, &f->r);
    size_t ends[] = { 1, p->n - 1 };
    assert_ends(&f->r, ends, 2);
    assert_close(f->r.demerits, 200, 1e-9);
}

/* ---- Group: passes and demerits ------------------------------------ */

/* Measure 10, "4 4-5 3", spaces 1 +1 -0. Without hyphenation the first line
   is "4" (no stretch) or "4 9" (overfull): pass 1 fails. Pass 2 breaks at
   the hyphen: "4 4-" = 4 + 1 + 4 + 1 = 10 exactly: 10^2 + 50^2 = 2600;
   "5 3" with fil: 100, plus 5000 final-hyphen demerits. */
static void test_hyphenation_waits_for_second_pass(void **state)
{
    fixture *f = *state;
    lb_params prm = text_in(f, "4 4-5 3", (spacing){ 1, 0 }, 10);
    break_ok(f, &prm, &f->r);
    assert_int_equal(f->r.pass, 2);
    assert_int_equal(f->r.count, 2);
    assert_true(f->r.lines[0].hyphenated);
    assert_int_equal(f->r.lines[0].end, nth(&f->p, LB_PENALTY, 0));
    assert_close(f->r.lines[0].natural, 10, 0);
    assert_close(f->r.demerits, 2600 + 100 + 5000, 1e-9);
}

/* Measure 10, "3 5-2 2", spaces 1 +1 -1. Pass 1 sets "3 7" = 11 shrunk
   fully (badness 100 = pretolerance, tight: 110^2) and "2": 12200.
   Hyphenating would be cheaper, "3 5-" = 10 exactly (2600) and "2 2"
   (100 + 5000 final hyphen) = 7700, but pass 1 succeeding means
   hyphenation is never tried; skipping pass 1 shows it would be. */
static void test_first_pass_avoids_hyphenation(void **state)
{
    fixture *f = *state;
    lb_params prm = text_in(f, "3 5-2 2", (spacing){ 1, 1 }, 10);
    break_ok(f, &prm, &f->r);
    assert_int_equal(f->r.pass, 1);
    assert_close(f->r.demerits, 12200, 1e-9);
    for (size_t i = 0; i < f->r.count; i++)
        assert_false(f->r.lines[i].hyphenated);

    prm.pretolerance = -1;
    break_ok(f, &prm, &f->other);
    assert_int_equal(f->other.pass, 2);
    assert_true(f->other.lines[0].hyphenated);
    assert_close(f->other.demerits, 7700, 1e-9);
}

/* Measure 12, "5 5-2 4 3-3 2-2", spaces 1 +1 -1 (final-hyphen demerits 0
   to isolate the rule). Two exact hyphenated lines, "5 5-" and "2 4 3-",
   cost 2600 + 2600 + 100 = 5300; the alternative second line "2 4 3-3"
   shrinks fully (14 - 2 = 12, badness 100) and costs 2600 + 12100 + 100 =
   14800. Consecutive-hyphen demerits of 10000 make the first 15300. */
static void test_double_hyphen_demerits(void **state)
{
    fixture *f = *state;
    lb_params prm = text_in(f, "5 5-2 4 3-3 2-2", (spacing){ 1, 1 }, 12);
    prm.pretolerance = -1;
    prm.final_hyphen_demerits = 0;
    prm.double_hyphen_demerits = 0;
    break_ok(f, &prm, &f->other);
    assert_int_equal(f->other.count, 3);
    assert_true(f->other.lines[0].hyphenated && f->other.lines[1].hyphenated);
    assert_close(f->other.demerits, 5300, 1e-9);

    prm.double_hyphen_demerits = 10000;
    break_ok(f, &prm, &f->r);
    assert_int_equal(f->r.count, 3);
    assert_true(f->r.lines[0].hyphenated);
    assert_false(f->r.lines[1].hyphenated);
    assert_int_equal(f->r.lines[1].end, space_after_word(&f->p, 4));
    assert_close(f->r.demerits, 14800, 1e-9);
}

/* Final-hyphen demerits: the same paragraph as the hyphenation test costs
   5000 less when the rule is off, and nothing else changes. */
static void test_final_hyphen_demerits(void **state)
{
    fixture *f = *state;
    lb_params prm = text_in(f, "4 4-5 3", (spacing){ 1, 0 }, 10);
    prm.final_hyphen_demerits = 0;
    assert_int_equal(lb_break(f->p.items, f->p.n, &prm, &f->r), 0);
    assert_true(f->r.lines[0].hyphenated);
    assert_close(f->r.demerits, 2600 + 100, 1e-9);
}

/* With test_last_resort_overfull (duplicates pairs them), one scenario
 * of the later passes each: the arrange-and-break lines are the same, the
 * paragraph and what is asserted of the pass are not. */
/* Measure 10, "4 3 9", spaces 1 +1 -0: the first line can only be "4 3"
   (ratio 2, badness 800), over tolerance 200. Emergency stretch 2 makes
   its badness 100 (2/3)^3 = 29.6, so pass 3 accepts it; the reported ratio
   stays the real one. Without emergency stretch the last resort sets the
   same loose line, and nothing is overfull. */
static void test_emergency_pass(void **state)
{
    fixture *f = *state;
    lb_params prm = text_in(f, "4 3 9", (spacing){ 1, 0 }, 10);
    prm.emergency_stretch = 2;
    break_ok(f, &prm, &f->r);
    assert_int_equal(f->r.pass, 3);
    assert_int_equal(f->r.lines[0].end, space_after_word(&f->p, 2));
    assert_close(f->r.lines[0].ratio, 2, 1e-12);
    assert_close(f->r.lines[0].badness, 800, 1e-9);
    assert_int_equal(f->r.lines[0].fitness, LB_LOOSE); /* judged at 29.6 */

    prm.emergency_stretch = 0;
    break_ok(f, &prm, &f->other);
    assert_int_equal(f->other.pass, 4);
    assert_int_equal(f->other.lines[0].end, space_after_word(&f->p, 2));
    assert_int_equal(overfull_lines(&f->other), 0);
}

/* Arranged as test_emergency_pass (duplicates pairs them): another
 * paragraph, another pass. */
/* Measure 10, "3 3 15 3 3": the 15 fits nowhere. The last resort breaks
   before it and gives it an overfull line of its own, flagged. */
static void test_last_resort_overfull(void **state)
{
    fixture *f = *state;
    lb_params prm = text_in(f, "3 3 15 3 3", (spacing){ 1, 0 }, 10);
    prm.emergency_stretch = 5;
    break_ok(f, &prm, &f->r);
    assert_int_equal(f->r.pass, 4);
    size_t ends[] = { space_after_word(&f->p, 2), space_after_word(&f->p, 3),
                      f->p.n - 1 };
    assert_ends(&f->r, ends, 3);
    assert_int_equal(overfull_lines(&f->r), 1);
    assert_true(f->r.lines[1].overfull);
    assert_true(f->r.lines[1].ratio < -1);
    assert_close(f->r.lines[1].natural, 15, 0);
    assert_close(f->r.lines[1].badness, LB_INFINITY, 0);

    greedy_ok(f, &prm, &f->other);
    assert_int_equal(overfull_lines(&f->other), 1);
}

/* Widths 7 then 11 (and 11 for every later line), eight words of 3,
   spaces 1 +1 -1: "3 3" = 7, then "3 3 3" = 11 twice, all exact.
   Reversed (11, 7, 15): 3 words, 2 words, then the rest in 15. */
static void test_varying_line_widths(void **state)
{
    fixture *f = *state;
    add_text(&f->p, "3 3 3 3 3 3 3 3", (spacing){ 1, 1 });
    double narrow_first[] = { 7, 11 };
    lb_params prm = params_for(narrow_first, 2);
    break_ok(f, &prm, &f->r);
    size_t ends[] = { space_after_word(&f->p, 2), space_after_word(&f->p, 5),
                      f->p.n - 1 };
    assert_ends(&f->r, ends, 3);
    assert_close(f->r.lines[0].width, 7, 0);
    assert_close(f->r.lines[1].width, 11, 0);
    assert_close(f->r.lines[2].width, 11, 0);
    for (size_t i = 0; i < 3; i++)
        assert_close(f->r.lines[i].ratio, 0, 1e-12);

    double wide_first[] = { 11, 7, 15 };
    prm = params_for(wide_first, 3);
    break_ok(f, &prm, &f->other);
    size_t other_ends[] = { space_after_word(&f->p, 3),
                            space_after_word(&f->p, 5), f->p.n - 1 };
    assert_ends(&f->other, other_ends, 3);
    assert_close(f->other.lines[2].width, 15, 0);
}

/* The last line is short but its fil glue takes the slack: ratio and
   badness 0, decent. */
static void test_last_line_fil(void **state)
{
    fixture *f = *state;
    lb_params prm = text_in(f, "3 3 3 3", (spacing){ 1, 1 }, 11);
    break_ok(f, &prm, &f->r);
    assert_int_equal(f->r.count, 2);
    const lb_line *last = &f->r.lines[1];
    assert_close(last->natural, 3, 0);
    assert_close(last->stretch_fil, 1, 0);
    assert_close(last->ratio, 0, 0);
    assert_close(last->badness, 0, 0);
    assert_int_equal(last->fitness, LB_DECENT);
    assert_false(last->overfull);
}

/* Ragged right: [glue 0 +6] [penalty 0] [glue 1 -6] between words. Every
   line but the last ends at such a penalty, keeps exactly the +6 stretch,
   and the next line starts at the word after the dropped [glue 1 -6]. */
static void test_ragged_right(void **state)
{
    fixture *f = *state;
    const double S = 6;
    uint32_t seed = 12345;
    for (int w = 0; w < 60; w++) {
        if (w > 0) {
            add_glue(&f->p, 0, S, 0);
            add_penalty(&f->p, 0, 0, 0);
            add_glue(&f->p, 1, -S, 0);
        }
        seed = seed * 1664525u + 1013904223u;
        add_box(&f->p, 2 + (seed >> 16) % 7);
    }
    add_paragraph_end(&f->p);
    double width = 30;
    lb_params prm = params_for(&width, 1);
    break_ok(f, &prm, &f->r);
    assert_true(f->r.count >= 8);
    assert_int_equal(overfull_lines(&f->r), 0);
    int ragged = 0;
    for (size_t i = 0; i + 1 < f->r.count; i++) {
        const lb_line *l = &f->r.lines[i];
        assert_int_equal(f->p.items[l->end].kind, LB_PENALTY);
        assert_close(l->stretch, S, 1e-9);
        assert_close(l->shrink, 0, 1e-9);
        assert_true(l->natural <= width);
        assert_true(l->ratio >= 0);
        assert_int_equal(f->p.items[f->r.lines[i + 1].content_start].kind,
                         LB_BOX);
        ragged |= l->natural < width;
    }
    assert_true(ragged);
}

/* ---- Group: scale and cross-checks ---------------------------------- */

/* 20,000 words, the longer ones hyphenatable: finishes (no quadratic
   blow-up to wait for) with sane lines, none overfull, all within the
   tolerance of the pass used. */
static void test_long_paragraph(void **state)
{
    fixture *f = *state;
    uint32_t seed = 42;
    double total = 0;
    for (int w = 0; w < 20000; w++) {
        if (w > 0) {
            add_glue(&f->p, 4, 2, 1.3);
            total += 4;
        }
        seed = seed * 1664525u + 1013904223u;
        double wd = 5 * (1 + (seed >> 16) % 9);
        if (wd >= 25) {
            add_box(&f->p, wd / 2);
            add_penalty(&f->p, 3, 50, 1);
            add_box(&f->p, wd / 2);
        } else {
            add_box(&f->p, wd);
        }
        total += wd;
    }
    add_paragraph_end(&f->p);
    double widths[] = { 280, 300 };
    lb_params prm = params_for(widths, 2);
    break_ok(f, &prm, &f->r);
    assert_true(f->r.pass <= 2);
    double tolerance = f->r.pass == 1 ? prm.pretolerance : prm.tolerance;
    for (size_t i = 0; i < f->r.count; i++) {
        assert_false(f->r.lines[i].overfull);
        assert_true(f->r.lines[i].badness <= tolerance);
    }
    size_t expected = (size_t)(total / 300);
    assert_true(f->r.count >= expected * 9 / 10);
    assert_true(f->r.count <= expected * 11 / 10 + 2);
}

/* A reference: every set of breakpoints, each line judged directly. */
typedef struct reference {
    const lb_item *items;
    size_t n;
    const lb_params *prm;
    double threshold;
    size_t breaks[32];
    size_t count;
} reference;

static double reference_line(const reference *ref, size_t line_no,
                             size_t prev, size_t end, int *fitness,
                             int *feasible)
{
    const lb_item *items = ref->items;
    size_t from = prev == SIZE_MAX ? 0 : prev + 1;
    size_t content = first_content(items, ref->n, from, prev == SIZE_MAX);
    int forced = forced_at(&items[end]);
    *feasible = forced || content < end; /* no empty lines but forced ones */
    double natural, stretch, shrink, fil;
    measure_directly(items, content < end ? content : end, end, &natural,
                     &stretch, &shrink, &fil);
    size_t wi = line_no - 1 < ref->prm->line_width_count
                    ? line_no - 1 : ref->prm->line_width_count - 1;
    double shortfall = ref->prm->line_widths[wi] - natural;
    double badness;
    if (shortfall > 1e-9) {
        double r = fil > 0 ? 0 : stretch > 0 ? shortfall / stretch : 1e9;
        badness = fmin(100 * r * r * r, LB_INFINITY);
        *fitness = badness > 99 ? 0 : badness > 12 ? 1 : 2;
    } else if (shortfall < -1e-9) {
        if (-shortfall > shrink + 1e-9) {
            *feasible = 0;
            return 0;
        }
        double r = -shortfall / shrink;
        badness = 100 * r * r * r;
        *fitness = badness > 12 ? 3 : 2;
    } else {
        badness = 0;
        *fitness = 2;
    }
    if (badness > ref->threshold)
        *feasible = 0;
    return badness;
}

/* Demerits of the break sequence in ref->breaks, or HUGE_VAL. */
static double reference_demerits(const reference *ref)
{
    const lb_params *prm = ref->prm;
    double total = 0;
    size_t prev = SIZE_MAX;
    int prev_fitness = 2, prev_flagged = 0, run = 0;
    for (size_t i = 0; i < ref->count; i++) {
        size_t end = ref->breaks[i];
        const lb_item *it = &ref->items[end];
        int fitness, feasible;
        double b = reference_line(ref, i + 1, prev, end, &fitness, &feasible);
        if (!feasible)
            return HUGE_VAL;
        double d = (prm->line_penalty + b) * (prm->line_penalty + b);
        double pen = it->kind == LB_PENALTY ? it->penalty : 0;
        if (pen > 0)
            d += pen * pen;
        else if (pen > -LB_INFINITY)
            d -= pen * pen;
        int flagged = it->kind == LB_PENALTY && it->flagged;
        run = flagged ? run + 1 : 0;
        if (prm->max_hyphen_run >= 0 && run > prm->max_hyphen_run)
            return HUGE_VAL;
        if (prev_flagged && end == ref->n - 1)
            d += prm->final_hyphen_demerits;
        else if (prev_flagged && flagged)
            d += prm->double_hyphen_demerits;
        if (abs(fitness - prev_fitness) > 1)
            d += prm->adjacent_demerits;
        total += d;
        prev = end;
        prev_fitness = fitness;
        prev_flagged = flagged;
    }
    return total;
}

static double reference_best(reference *ref)
{
    size_t optional[32], forced[32], n_optional = 0, n_forced = 0;
    for (size_t b = 0; b < ref->n; b++) {
        if (!legal_break(ref->items, b))
            continue;
        if (forced_at(&ref->items[b]))
            forced[n_forced++] = b;
        else
            optional[n_optional++] = b;
    }
    assert_true(n_optional <= 16);
    double best = HUGE_VAL;
    for (uint32_t set = 0; set < (1u << n_optional); set++) {
        ref->count = 0;
        size_t fi = 0;
        for (size_t oi = 0; oi <= n_optional; oi++) {
            size_t limit = oi < n_optional ? optional[oi] : ref->n;
            while (fi < n_forced && forced[fi] < limit)
                ref->breaks[ref->count++] = forced[fi++];
            if (oi < n_optional && (set >> oi & 1u))
                ref->breaks[ref->count++] = optional[oi];
        }
        best = fmin(best, reference_demerits(ref));
    }
    return best;
}

static uint32_t next_random(uint32_t *seed)
{
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;
    return *seed;
}

static void random_paragraph(para *p, uint32_t *seed)
{
    p->n = 0;
    size_t words = 3 + next_random(seed) % 6, optional = 0;
    for (size_t w = 0; w < words && optional < 14; w++) {
        if (w > 0) {
            uint32_t kind = next_random(seed) % 12;
            if (kind == 0) {
                add_penalty(p, 0, LB_INFINITY, 0);
                add_fil_glue(p);
                add_penalty(p, 0, -LB_INFINITY, 0);
            } else if (kind == 1) {
                add_penalty(p, 0, (double)(next_random(seed) % 201) - 100, 0);
                optional++;
            }
            double shrink = (next_random(seed) % 3) * 0.5;
            add_glue(p, 1 + shrink, next_random(seed) % 4, shrink);
            optional++;
        }
        size_t syllables = 1 + next_random(seed) % 3;
        for (size_t s = 0; s < syllables; s++) {
            if (s > 0) {
                add_penalty(p, 1, 50, 1);
                optional++;
            }
            add_box(p, 1 + next_random(seed) % 5);
        }
    }
    add_paragraph_end(p);
}

/* Total fit must find the optimum over all break sets, and the demerits it
   reports must be those of the breaks it returns. */
static void test_matches_brute_force(void **state)
{
    fixture *f = *state;
    uint32_t seed = 2463534242u;
    static const double tolerances[] = { 100, 200, 1000, LB_INFINITY };
    int optimal_found = 0, last_resorts = 0;
    for (int trial = 0; trial < 400; trial++) {
        random_paragraph(&f->p, &seed);
        double widths[3];
        size_t width_count = 1 + next_random(&seed) % 3;
        for (size_t i = 0; i < width_count; i++)
            widths[i] = 6 + next_random(&seed) % 10;
        lb_params prm = params_for(widths, width_count);
        prm.pretolerance = -1;
        prm.tolerance = tolerances[next_random(&seed) % 4];
        prm.adjacent_demerits = next_random(&seed) % 2 ? 10000 : 0;
        prm.line_penalty = next_random(&seed) % 2 ? 10 : 1;

        reference ref = { f->p.items, f->p.n, &prm, prm.tolerance, { 0 }, 0 };
        double best = reference_best(&ref);
        lb_result_free(&f->r);
        break_ok(f, &prm, &f->r);
        if (best == HUGE_VAL) {
            assert_int_equal(f->r.pass, 4);
            ref.threshold = LB_INFINITY;
            best = reference_best(&ref);
            last_resorts++;
            if (best == HUGE_VAL) { /* an unavoidable overfull line */
                assert_true(overfull_lines(&f->r) >= 1);
                continue;
            }
        } else {
            assert_int_equal(f->r.pass, 2);
            optimal_found++;
        }
        assert_int_equal(overfull_lines(&f->r), 0);
        assert_close(f->r.demerits, best, 1e-6 * fmax(1, fabs(best)));
        ref.count = f->r.count;
        for (size_t i = 0; i < f->r.count; i++)
            ref.breaks[i] = f->r.lines[i].end;
        assert_close(reference_demerits(&ref), f->r.demerits,
                            1e-6 * fmax(1, fabs(best)));
    }
    /* the random mix must exercise both outcomes */
    assert_true(optimal_found > 100);
    assert_true(last_resorts > 10);
}

static int longest_run(const lb_result *r)
{
    int run = 0, longest = 0;
    for (size_t i = 0; i < r->count; i++) {
        run = r->lines[i].hyphenated ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    return longest;
}

/* The hyphen-run limit is a constraint of the search, not a repair: with
   it, total fit still finds the optimum among the break sets that keep
   it (brute force agrees), and no solution short of the last resort's
   rescued overfull lines has a longer run. Without it the same paragraphs
   give runs of 4 and more (what the limit is for). */
static void test_hyphen_run_limit(void **state)
{
    fixture *f = *state;
    uint32_t seed = 88172645u;
    int long_runs_without = 0, checked = 0;
    for (int trial = 0; trial < 600; trial++) {
        random_paragraph(&f->p, &seed);
        double width = 6 + next_random(&seed) % 8;
        lb_params prm = params_for(&width, 1);
        prm.pretolerance = -1;
        prm.tolerance = LB_INFINITY - 1;
        prm.double_hyphen_demerits = 0;
        prm.final_hyphen_demerits = 0;
        prm.adjacent_demerits = 0;
        lb_result_free(&f->other);
        assert_int_equal(lb_break(f->p.items, f->p.n, &prm, &f->other), 0);
        long_runs_without += longest_run(&f->other) >= 4;

        prm.max_hyphen_run = (int)(next_random(&seed) % 3);
        reference ref = { f->p.items, f->p.n, &prm, prm.tolerance, { 0 }, 0 };
        double best = reference_best(&ref);
        lb_result_free(&f->r);
        break_ok(f, &prm, &f->r);
        if (best == HUGE_VAL) {
            assert_int_equal(f->r.pass, 4);
            continue;
        }
        checked++;
        assert_true(longest_run(&f->r) <= prm.max_hyphen_run);
        assert_int_equal(overfull_lines(&f->r), 0);
        assert_close(f->r.demerits, best, 1e-6 * fmax(1, fabs(best)));
    }
    assert_true(long_runs_without > 5);
    assert_true(checked > 80);
}

/* A pool kept from call to call (grown by one paragraph, reused by
   shorter and longer ones, and by one whose input is invalid) breaks every
   paragraph exactly as a fresh breaker does. */
static void test_kept_pool_breaks_alike(void **state)
{
    fixture *f = *state;
    lb_kept kept = { 0 };
    uint32_t seed = 2463534242u;
    for (int trial = 0; trial < 300; trial++) {
        random_paragraph(&f->p, &seed);
        double width = 5 + next_random(&seed) % 10;
        lb_params prm = params_for(&width, 1);
        prm.max_hyphen_run = (int)(next_random(&seed) % 4) - 1;
        if (trial % 50 == 7)
            prm.tolerance = NAN; /* invalid: nothing broken, the pool kept */
        lb_result_free(&f->r);
        lb_result_free(&f->other);
        int fresh = lb_break(f->p.items, f->p.n, &prm, &f->r);
        int reused = lb_break_kept(&kept, f->p.items, f->p.n, &prm, &f->other);
        assert_int_equal(reused, fresh);
        assert_int_equal(f->other.count, f->r.count);
        assert_int_equal(f->other.pass, f->r.pass);
        assert_true(f->other.demerits == f->r.demerits);
        if (f->r.count)
            assert_memory_equal(f->other.lines, f->r.lines, f->r.count * sizeof *f->r.lines);
    }
    assert_non_null(kept.nodes);
    lb_kept_free(&kept);
    assert_null(kept.nodes);
    assert_int_equal(kept.capacity, 0);
}

/* A limit past what the breaker tracks is invalid input, not quietly
   lowered. */
static void test_hyphen_run_limit_range(void **state)
{
    fixture *f = *state;
    double width = 10;
    lb_params prm = params_for(&width, 1);
    add_text(&f->p, "3-3 3", (spacing){ 1, 1 });
    prm.max_hyphen_run = LB_MAX_HYPHEN_RUN + 1;
    assert_int_equal(lb_break(f->p.items, f->p.n, &prm, &f->r), -1);
    prm.max_hyphen_run = LB_MAX_HYPHEN_RUN;
    assert_int_equal(lb_break(f->p.items, f->p.n, &prm, &f->r), 0);
}

static void test_invalid_input(void **state)
{
    fixture *f = *state;
    double width = 10, bad_width = NAN;
    lb_params prm = params_for(&width, 1);
    add_text(&f->p, "3 3", (spacing){ 1, 1 });
    para *p = &f->p;

    assert_int_equal(lb_break(NULL, 0, &prm, &f->r), -1);
    assert_int_equal(lb_break(p->items, 0, &prm, &f->r), -1);
    assert_null(f->r.lines);
    assert_int_equal(f->r.count, 0);
    /* no final forced break */
    assert_int_equal(lb_break(p->items, p->n - 1, &prm, &f->r), -1);
    assert_int_equal(lb_greedy_break(p->items, p->n - 1, &prm, &f->r), -1);
    assert_int_equal(lb_break(p->items, p->n, &prm, NULL), -1);
    assert_int_equal(lb_break(p->items, p->n, NULL, &f->r), -1);

    lb_params no_widths = params_for(NULL, 1);
    assert_int_equal(lb_break(p->items, p->n, &no_widths, &f->r), -1);
    lb_params zero_widths = params_for(&width, 0);
    assert_int_equal(lb_break(p->items, p->n, &zero_widths, &f->r), -1);
    lb_params nan_width = params_for(&bad_width, 1);
    assert_int_equal(lb_break(p->items, p->n, &nan_width, &f->r), -1);

    p->items[0].width = NAN;
    assert_int_equal(lb_break(p->items, p->n, &prm, &f->r), -1);
    p->items[0].width = 3;
    p->items[1].kind = (lb_kind)7;
    assert_int_equal(lb_break(p->items, p->n, &prm, &f->r), -1);
    p->items[1].kind = LB_GLUE;
    assert_int_equal(lb_break(p->items, p->n, &prm, &f->r), 0);
    assert_int_equal(f->r.count, 1);

    lb_result_free(&f->r);
    lb_result_free(&f->r); /* freeing twice is harmless */
    assert_null(f->r.lines);
}

static void test_default_params(void **state)
{
    (void)state;
    double width = 100;
    lb_params prm;
    memset(&prm, 0xff, sizeof prm);
    lb_params_default(&prm, &width, 1);
    assert_ptr_equal(prm.line_widths, &width);
    assert_int_equal(prm.line_width_count, 1);
    assert_close(prm.pretolerance, 100, 0);
    assert_close(prm.tolerance, 200, 0);
    assert_close(prm.line_penalty, 10, 0);
    assert_close(prm.hyphen_penalty_default, 50, 0);
    assert_close(prm.adjacent_demerits, 10000, 0);
    assert_close(prm.double_hyphen_demerits, 10000, 0);
    assert_close(prm.final_hyphen_demerits, 5000, 0);
    assert_close(prm.emergency_stretch, 0, 0);
    assert_int_equal(prm.max_hyphen_run, -1);
}

#define FIXTURE_TEST(fn) \
    cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

int main(void)
{
    const struct CMUnitTest hand_computed[] = {
        FIXTURE_TEST(test_hand_computed_shrinking_lines),
        FIXTURE_TEST(test_box_stretch_and_shrink_count_in_the_line),
        FIXTURE_TEST(test_hand_computed_total_fit),
        FIXTURE_TEST(test_total_fit_beats_first_fit),
        FIXTURE_TEST(test_forced_break_mid_paragraph),
        FIXTURE_TEST(test_forbidden_break),
        FIXTURE_TEST(test_line_totals_and_discarded_items),
        FIXTURE_TEST(test_varying_line_widths),
        FIXTURE_TEST(test_last_line_fil),
        FIXTURE_TEST(test_ragged_right),
        FIXTURE_TEST(test_no_empty_lines),
    };
    const struct CMUnitTest passes_and_demerits[] = {
        FIXTURE_TEST(test_hyphenation_waits_for_second_pass),
        FIXTURE_TEST(test_first_pass_avoids_hyphenation),
        FIXTURE_TEST(test_double_hyphen_demerits),
        FIXTURE_TEST(test_final_hyphen_demerits),
        FIXTURE_TEST(test_emergency_pass),
        FIXTURE_TEST(test_last_resort_overfull),
    };
    const struct CMUnitTest scale_and_interface[] = {
        FIXTURE_TEST(test_long_paragraph),
        FIXTURE_TEST(test_matches_brute_force),
        FIXTURE_TEST(test_hyphen_run_limit),
        FIXTURE_TEST(test_hyphen_run_limit_range),
        FIXTURE_TEST(test_kept_pool_breaks_alike),
        FIXTURE_TEST(test_invalid_input),
        cmocka_unit_test(test_default_params),
    };
    int failed = 0;
    failed += cmocka_run_group_tests_name("linebreak: hand-computed breaks",
                                          hand_computed, NULL, NULL);
    failed += cmocka_run_group_tests_name("linebreak: passes and demerits",
                                          passes_and_demerits, NULL, NULL);
    failed += cmocka_run_group_tests_name("linebreak: scale and interface",
                                          scale_and_interface, NULL, NULL);
    return failed == 0 ? 0 : 1;
}
