/* Unit tests of para_typeset with styles/kcvs.xml and its fonts: a long
 * Dutch paragraph at a 300 pt measure (no line too wide, justified lines
 * ending on the measure, hyphenated lines ending in a hyphen, no text lost
 * or added), a URL broken after "/" without a hyphen, link areas covering
 * exactly the linked text, and over-long words (broken between letters
 * before any overfull warning). The text of each set line is read back from
 * its glyphs through font_used_text. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "para.h"
#include "utf8.h"
#include "testutil.h"

#define EPS 0.01

/* cmocka compares integers only. */
#define assert_close(actual, expected, eps) \
    assert_close_at((actual), (expected), (eps), #actual, __FILE__, __LINE__)

static void assert_close_at(double actual, double expected, double eps,
                            const char *expr, const char *file, int line)
{
    if (fabs(actual - expected) <= eps)
        return;
    print_error("%s is %.4f, expected %.4f (within %g)\n", expr, actual,
                expected, eps);
    _fail(file, line);
}

static const char dutch[] =
    "Het geeft inzicht in de werking en evalueert ze. Het document bestaat "
    "uit twee delen. Het eerste deel maakt een evaluatie op grote lijnen, het "
    "tweede deel geeft een activiteitenoverzicht toegespitst op de "
    "belangrijkste werksporen uit de voorbije jaren. Begin 2022 start de "
    "vierde samenwerkingsovereenkomst. De werkgroep die in 2015 op initiatief "
    "van het secretarissenoverleg centrumsteden van start ging, vergaderde in "
    "2021 zes keer; de verdere uitbouw van de stad in cijfers en de websites "
    "met omgevingsdata liepen daarbij als rode draad door de werkzaamheden. "
    "Een uitgebreide selectieprocedure werd op 5 mei 2021 door het dagelijks "
    "bestuur van het Kenniscentrum Vlaamse Steden vastgelegd, na overleg met "
    "de burgemeesters en de algemeen directeurs van de centrumsteden.";

/* ---- fixture ------------------------------------------------------------ */

typedef struct fixture {
    arena *a;
    diag_list diags;
    const style *st;
    font_set *fonts;
    para_ctx ctx;
} fixture;

static int setup(void **state)
{
    fixture *f = fixture_new(state, sizeof *f);
    f->a = fixture_arena_open(&f->diags);
    f->st = house_style_load(f->a, &f->diags);
    if (!f->st)
        return -1;
    f->fonts = font_set_new();
    para_ctx_init(&f->ctx, f->a, f->a, f->fonts, f->st, &f->diags, "nl-BE");
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    para_ctx_free(&f->ctx);
    font_set_free(f->fonts);
    fixture_arena_close(f->a, &f->diags);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static const src_loc here = { "para-test.xml", 42, 7 };

static inline_run *run(fixture *f, inline_run *after, const char *text,
                       int link, tag_node *tag)
{
    inline_run *r = arena_alloc(f->a, sizeof *r);
    r->kind = INL_TEXT;
    r->text = text;
    r->link = link;
    r->tag = tag;
    r->loc = here;
    if (after)
        after->next = r;
    return r;
}

static para_result set(fixture *f, const inline_run *runs, const char *cls,
                       double measure)
{
    const style_class *c = style_class_get(f->st, cls);
    assert_non_null(c);
    para_result res = para_typeset(&f->ctx, runs, c, NULL, measure, "nl-BE", here);
    if (res.count == 0)
        fail_msg("no lines set");
    return res;
}

static bool is_space_glyph(const page_item *it, int g)
{
    const char *t = font_used_text(it->run.face, it->run.glyphs[g].gid);
    return t && strcmp(t, " ") == 0;
}

/* The text a line draws, read back from its glyphs (arena string). */
static const char *line_text(fixture *f, const para_line *l)
{
    char *s = arena_strdup(f->a, "");
    for (int i = 0; i < l->count; i++) {
        const page_item *it = &l->items[i];
        if (it->kind != ITEM_TEXT)
            continue;
        for (int g = 0; g < it->run.count; g++) {
            const char *t = font_used_text(it->run.face, it->run.glyphs[g].gid);
            if (!t)
                fail_msg("glyph %u drawn but not marked used",
                         it->run.glyphs[g].gid);
            s = arena_printf(f->a, "%s%s", s, t);
        }
    }
    return s;
}

/* Where the ink of a line ends: after its last glyph that is not a space. */
static double line_ink_end(const para_line *l)
{
    double end = 0;
    for (int i = 0; i < l->count; i++) {
        const page_item *it = &l->items[i];
        if (it->kind != ITEM_TEXT)
            continue;
        double x = it->x;
        for (int g = 0; g < it->run.count; g++) {
            x += it->run.glyphs[g].advance;
            if (!is_space_glyph(it, g) && x > end)
                end = x;
        }
    }
    return end;
}

/* The last glyph of a line (of its last text run). */
static const page_item *last_text_item(const para_line *l)
{
    for (int i = l->count - 1; i >= 0; i--)
        if (l->items[i].kind == ITEM_TEXT && l->items[i].run.count > 0)
            return &l->items[i];
    fail_msg("line without text");
    return NULL;
}

static uint32_t hyphen_gid(const page_item *it)
{
    shaped_text h = font_shape(it->run.face, "-", 1);
    assert_int_equal(h.count, 1);
    return h.glyphs[0].gid;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

static char *without_spaces(fixture *f, const char *s)
{
    char *out = arena_strdup(f->a, s), *o = out;
    for (const char *p = s; *p; p++)
        if (*p != ' ')
            *o++ = *p;
    *o = '\0';
    return out;
}

static size_t count_warnings(const diag_list *d, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == DIAG_WARNING && strstr(d->items[i].message, needle))
            n++;
    return n;
}

/* The last character a line draws (its word separator aside), 0 none. */
static uint32_t line_last_char(fixture *f, const para_line *l)
{
    const char *text = line_text(f, l);
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == ' ')
        n--;
    size_t i = n;
    while (i > 0 && ((unsigned char)text[i - 1] & 0xC0) == 0x80)
        i--;
    size_t size = 0;
    return i == 0 ? 0 : utf8_decode(text + i - 1, n - (i - 1), &size);
}

/* How far a justified line's last glyph may hang into the right margin:
 * the house style's protrude-right share of its advance (a hyphen, a
 * period, ...; 0 for a letter). */
static double line_hang(fixture *f, const para_line *l)
{
    uint32_t cp = line_last_char(f, l);
    if (cp == 0)
        return 0;
    const page_item *it = last_text_item(l);
    double share = style_protrusion(f->st->typo.protrude_right, cp);
    double hscale = it->run.hscale > 0 ? it->run.hscale : 1; /* font expansion */
    return share * it->run.glyphs[it->run.count - 1].advance / hscale;
}

static void assert_no_line_too_wide(fixture *f, const para_result *res, double measure)
{
    for (int i = 0; i < res->count; i++) {
        double end = line_ink_end(&res->lines[i]) - line_hang(f, &res->lines[i]);
        if (end > measure + EPS)
            fail_msg("line %d ends at %.3f (width %.3f), past the %.1f pt measure",
                     i, end, res->lines[i].width, measure);
        for (int k = 0; k < res->lines[i].count; k++)
            assert_true(res->lines[i].items[k].x >= -EPS);
    }
}

/* ---- a justified Dutch paragraph ---------------------------------------- */

static void dutch_paragraph_fits_the_measure(void **state)
{
    fixture *f = *state;
    para_result res = set(f, run(f, NULL, dutch, -1, NULL), "body", 300);
    assert_true(res.count >= 6);
    assert_no_line_too_wide(f, &res, 300);
    assert_true(res.ascent > 0 && res.descent > 0);
    assert_close(res.leading, 15, 1e-9);
    assert_int_equal(count_warnings(&f->diags, "wider than its column"), 0);
}

static void justified_lines_end_on_the_measure(void **state)
{
    fixture *f = *state;
    para_result res = set(f, run(f, NULL, dutch, -1, NULL), "body", 300);
    for (int i = 0; i < res.count - 1; i++) {
        /* what hangs into the margin aside */
        double end = line_ink_end(&res.lines[i]) - line_hang(f, &res.lines[i]);
        if (fabs(end - 300) > EPS)
            fail_msg("line %d (\"%s\") ends at %.3f, not on the measure", i,
                     line_text(f, &res.lines[i]), end);
    }
    /* The last line is set at its natural width. */
    assert_true(line_ink_end(&res.lines[res.count - 1]) < 300 - 1);
}

static void hyphenated_lines_end_in_a_hyphen(void **state)
{
    fixture *f = *state;
    para_result res = set(f, run(f, NULL, dutch, -1, NULL), "body", 300);
    int hyphenated = 0;
    for (int i = 0; i < res.count; i++) {
        const para_line *l = &res.lines[i];
        const page_item *last = last_text_item(l);
        uint32_t gid = last->run.glyphs[last->run.count - 1].gid;
        const char *text = line_text(f, l);
        if (l->hyphenated) {
            hyphenated++;
            if (gid != hyphen_gid(last) || !ends_with(text, "-"))
                fail_msg("hyphenated line %d (\"%s\") does not end in a hyphen",
                         i, text);
        } else if (ends_with(text, "-")) {
            fail_msg("line %d (\"%s\") ends in a hyphen but is not hyphenated",
                     i, text);
        }
    }
    /* At 300 pt these long compounds give at least one hyphenated line;
     * without one the test above proves nothing. */
    assert_true(hyphenated >= 1);
}

static void read_back(fixture *f, const char *cls)
{
    para_result res = set(f, run(f, NULL, dutch, -1, NULL), cls, 300);
    char *all = arena_strdup(f->a, "");
    for (int i = 0; i < res.count; i++) {
        const char *t = line_text(f, &res.lines[i]);
        bool last = i + 1 == res.count;
        if (res.lines[i].hyphenated) {
            all = arena_printf(f->a, "%s%.*s", all, (int)strlen(t) - 1, t);
        } else
            all = arena_printf(f->a, "%s%s", all, t);
        /* No line starts with a space; a line that ends between words ends
         * in one, its word separator for text extraction, which moves
         * nothing (the ink ends where the line's width says). */
        assert_true(t[0] != ' ');
        if (res.lines[i].hyphenated || last)
            assert_false(ends_with(t, " "));
        else {
            assert_true(ends_with(t, " ") && !ends_with(t, "  "));
            const page_item *it = last_text_item(&res.lines[i]);
            assert_true(it->run.glyphs[it->run.count - 1].advance == 0);
        }
    }
    assert_string_equal(all, dutch);
}

static void lines_read_back_as_the_paragraph(void **state)
{
    read_back(*state, "body");
}

/* Ragged lines break at a penalty between a space's two glues: they end in
 * the word separator as well. */
static void ragged_lines_read_back_as_the_paragraph(void **state)
{
    read_back(*state, "abstract");
}

/* A word hyphenated by line breaking: its first run stands for the whole
 * word (ActualText), the runs of its other part and of nothing else for
 * nothing, so the paragraph reads back from the runs' texts. */
static void hyphenated_words_read_back_whole(void **state)
{
    fixture *f = *state;
    para_result res = set(f, run(f, NULL, dutch, -1, NULL), "body", 300);
    char *all = arena_strdup(f->a, "");
    int whole = 0;
    for (int i = 0; i < res.count; i++)
        for (int k = 0; k < res.lines[i].count; k++) {
            const page_item *it = &res.lines[i].items[k];
            if (it->kind != ITEM_TEXT)
                continue;
            if (it->run.actual) {
                whole += *it->run.actual != '\0';
                all = arena_printf(f->a, "%s%s", all, it->run.actual);
                continue;
            }
            para_line one = { .items = (page_item *)it, .count = 1 };
            all = arena_printf(f->a, "%s%s", all, line_text(f, &one));
        }
    int hyphenated = 0;
    for (int i = 0; i < res.count; i++)
        hyphenated += res.lines[i].hyphenated;
    assert_true(hyphenated >= 1);
    assert_int_equal(whole, hyphenated);
    assert_string_equal(all, dutch);
}

/* ---- URLs ------------------------------------------------------------- */

/* In ragged text (a table cell) an address breaks at its preferred points,
 * which carry the ragged stretch a space has; justified text at this
 * measure would break it between characters (a line of one address part
 * cannot stretch). */
static void url_breaks_after_slash_without_hyphen(void **state)
{
    fixture *f = *state;
    static const char text[] =
        "Meer lezen kan op https://www.kenniscentrumvlaamsesteden.be/"
        "overhetkenniscentrum/Documents/Jaarverslag2021/Schillenboek.pdf "
        "en verder.";
    para_result res = set(f, run(f, NULL, text, -1, NULL), "table-cell", 150);
    assert_no_line_too_wide(f, &res, 150);
    assert_true(res.count >= 3);
    char *all = arena_strdup(f->a, "");
    int slash_breaks = 0;
    for (int i = 0; i < res.count; i++) {
        const char *t = line_text(f, &res.lines[i]);
        all = arena_printf(f->a, "%s%s", all, t);
        assert_false(res.lines[i].hyphenated);
        assert_false(ends_with(t, "-"));
        if (ends_with(t, "/"))
            slash_breaks++;
    }
    /* Nothing added (no hyphen), nothing lost. */
    assert_string_equal(without_spaces(f, all), without_spaces(f, text));
    assert_true(slash_breaks >= 1);
    assert_int_equal(count_warnings(&f->diags, "wider than its column"), 0);
}

/* ---- link areas ----------------------------------------------------------- */

static void link_areas_cover_only_the_linked_text(void **state)
{
    fixture *f = *state;
    tag_node *link_tag = model_tag_new(f->a, NULL, TAG_LINK);
    link_tag->link_index = 0;
    inline_run *head = run(f, NULL, "Lees in ", -1, NULL);
    inline_run *linked = run(f, head, "het volledige rapport over de stadsmonitor",
                             0, link_tag);
    run(f, linked, " of in de korte samenvatting van het kenniscentrum.", -1, NULL);
    para_result res = set(f, head, "body", 150);
    assert_true(res.count >= 2);
    int lines_with_link = 0;
    for (int i = 0; i < res.count; i++) {
        const para_line *l = &res.lines[i];
        /* The ink of the linked glyphs and of the others on this line. */
        double x0 = INFINITY, x1 = -INFINITY;
        for (int k = 0; k < l->count; k++) {
            const page_item *it = &l->items[k];
            if (it->kind != ITEM_TEXT || it->link != 0)
                continue;
            double x = it->x;
            for (int g = 0; g < it->run.count; g++) {
                double next = x + it->run.glyphs[g].advance;
                if (!is_space_glyph(it, g)) {
                    x0 = fmin(x0, x);
                    x1 = fmax(x1, next);
                }
                x = next;
            }
        }
        int areas = 0;
        for (int k = 0; k < l->count; k++) {
            const page_item *a = &l->items[k];
            if (a->kind != ITEM_LINK)
                continue;
            areas++;
            assert_int_equal(a->link, 0);
            assert_ptr_equal(a->tag, link_tag);
            assert_true(a->h > 0 && a->y < 0 && a->y + a->h > 0);
            if (fabs(a->x - x0) > EPS || fabs(a->x + a->w - x1) > EPS)
                fail_msg("line %d: link area %.2f..%.2f, linked text %.2f..%.2f",
                         i, a->x, a->x + a->w, x0, x1);
            /* No unlinked ink inside the area. */
            for (int m = 0; m < l->count; m++) {
                const page_item *it = &l->items[m];
                if (it->kind != ITEM_TEXT || it->link == 0)
                    continue;
                double x = it->x;
                for (int g = 0; g < it->run.count; g++) {
                    double next = x + it->run.glyphs[g].advance;
                    if (!is_space_glyph(it, g) && next > a->x + EPS &&
                        x < a->x + a->w - EPS)
                        fail_msg("line %d: unlinked glyph at %.2f..%.2f inside "
                                 "the link area", i, x, next);
                    x = next;
                }
            }
        }
        if (x0 < x1) {
            lines_with_link++;
            assert_int_equal(areas, 1);
        } else
            assert_int_equal(areas, 0);
    }
    /* The link runs over a line break: one area per line. */
    assert_true(lines_with_link >= 2);
}

static void unlinked_paragraph_has_no_link_areas(void **state)
{
    fixture *f = *state;
    para_result res = set(f, run(f, NULL, dutch, -1, NULL), "body", 300);
    for (int i = 0; i < res.count; i++)
        for (int k = 0; k < res.lines[i].count; k++) {
            assert_int_not_equal(res.lines[i].items[k].kind, ITEM_LINK);
            assert_int_equal(res.lines[i].items[k].link, -1);
        }
}

/* ---- class look ---------------------------------------------------------- */

static void uppercase_class_sets_capitals_with_its_prefix(void **state)
{
    fixture *f = *state;
    /* cta: uppercase, prefix "→ " (from the symbols fallback family), left
     * aligned. */
    para_result res = set(f, run(f, NULL, "Je vindt hier het rapport over Łódź, "
                                          "ĳzer en straße", -1, NULL),
                           "cta", 400);
    assert_int_equal(res.count, 1);
    assert_string_equal(line_text(f, &res.lines[0]),
                        "→ JE VINDT HIER HET RAPPORT OVER ŁÓDŹ, ĲZER EN STRAßE");
    assert_int_equal(f->diags.count, 0);
}

static void ragged_lines_fit_and_are_not_stretched(void **state)
{
    fixture *f = *state;
    para_result res = set(f, run(f, NULL, dutch, -1, NULL), "caption", 200);
    assert_true(res.count >= 5);
    assert_no_line_too_wide(f, &res, 200);
    /* Left-aligned: inter-word spaces keep their natural width, so lines
     * end short of the measure. */
    int short_lines = 0;
    for (int i = 0; i < res.count - 1; i++)
        short_lines += line_ink_end(&res.lines[i]) < 200 - 1;
    assert_true(short_lines >= 1);
}

/* ---- over-long words ------------------------------------------------------ */

static void long_word_breaks_between_letters_without_warning(void **state)
{
    fixture *f = *state;
    static const char word[] = "Arbeidsongeschiktheidsverzekeringsmaatschappijen";
    para_result res = set(f, run(f, NULL, word, -1, NULL), "body", 60);
    assert_true(res.count >= 3);
    assert_no_line_too_wide(f, &res, 60);
    assert_int_equal(count_warnings(&f->diags, "wider than its column"), 0);
    /* Letters are neither lost nor doubled (hyphens aside). */
    char *all = arena_strdup(f->a, "");
    for (int i = 0; i < res.count; i++) {
        const char *t = line_text(f, &res.lines[i]);
        size_t n = strlen(t);
        if (res.lines[i].hyphenated)
            n--;
        all = arena_printf(f->a, "%s%.*s", all, (int)n, t);
    }
    assert_string_equal(all, word);
}

static void long_number_breaks_between_digits_without_warning(void **state)
{
    fixture *f = *state;
    static const char digits[] = "123456789012345678901234567890123456789012345678901234567890";
    para_result res = set(f, run(f, NULL, digits, -1, NULL), "body", 40);
    assert_no_line_too_wide(f, &res, 40);
    assert_int_equal(count_warnings(&f->diags, "wider than its column"), 0);
}

static void unbreakable_glyph_wider_than_the_measure_warns(void **state)
{
    fixture *f = *state;
    /* One capital W (about 9 pt at 10 pt) in a 3 pt column cannot be
     * broken at all. */
    set(f, run(f, NULL, "W", -1, NULL), "body", 3);
    assert_int_equal(count_warnings(&f->diags, "wider than its column"), 1);
    const diag *g = &f->diags.items[0];
    assert_string_equal(g->loc.file, "para-test.xml");
    assert_int_equal(g->loc.line, 42);
}

static void long_word_fits_a_wide_measure_untouched(void **state)
{
    fixture *f = *state;
    static const char word[] = "Arbeidsongeschiktheidsverzekeringsmaatschappijen";
    para_result res = set(f, run(f, NULL, word, -1, NULL), "body", 400);
    assert_int_equal(res.count, 1);
    assert_false(res.lines[0].hyphenated);
    assert_string_equal(line_text(f, &res.lines[0]), word);
    assert_int_equal(f->diags.count, 0);
}

/* ---- font expansion on a step --------------------------------------------- */

/* A justified line's letters (unexpanded) and spaces as set: n spaces
 * of natural width w each; e its expansion factor. */
typedef struct set_line_parts {
    double letters, space, e;
    int spaces;
} set_line_parts;

static set_line_parts line_parts(const para_line *l)
{
    set_line_parts p = { 0, 0, 1, 0 };
    for (int i = 0; i < l->count; i++) {
        const page_item *it = &l->items[i];
        if (it->kind != ITEM_TEXT || it->run.count == 0)
            continue;
        p.e = it->run.hscale > 0 ? it->run.hscale : 1;
        shaped_text sp = font_shape(it->run.face, " ", 1);
        p.space = sp.width * it->run.size / font_units_per_em(it->run.face);
        for (int g = 0; g < it->run.count; g++)
            if (!is_space_glyph(it, g))
                p.letters += it->run.glyphs[g].advance / p.e;
            else if (it->run.glyphs[g].advance > 0)
                p.spaces++;
    }
    return p;
}

/* Whether the line's last character may hang into the margin. */
static bool ends_hanging(fixture *f, const para_line *l)
{
    return style_protrusion(f->st->typo.protrude_right, line_last_char(f, l)) > 0;
}

/* How far the spaces of a line of measure m are from their natural width
 * when its letters are scaled by e (points, all spaces together). */
static double spaces_off(const set_line_parts *p, double m, double e)
{
    return fabs(m - e * p->letters - p->spaces * p->space);
}

/* The expansion factor is the step on either side of the breaker's share
 * (the line's stretch or shrink ratio times the font's range) that leaves
 * the spaces nearer their natural width, not the step nearest the share:
 * rounding put up to half a step of the glyphs' width into the spaces. */
static void expansion_step_leaves_spaces_nearest_natural(void **state)
{
    fixture *f = *state;
    const style_typography *t = &f->st->typo;
    double step = t->font_expansion_step;
    assert_true(step > 0 && t->font_stretch > step);
    int checked = 0;
    for (double m = 240; m <= 420; m += 6) {
        para_result res = set(f, run(f, NULL, dutch, -1, NULL), "body", m);
        for (int i = 0; i + 1 < res.count; i++) {
            const para_line *l = &res.lines[i];
            set_line_parts p = line_parts(l);
            if (l->hyphenated || ends_hanging(f, l) || p.spaces == 0)
                continue; /* the breaker widened the measure */
            double short_by = m - p.letters - p.spaces * p.space;
            double give = short_by > 0 ? p.spaces * p.space * t->space_stretch + t->font_stretch * p.letters
                                       : p.spaces * p.space * t->space_shrink + t->font_shrink * p.letters;
            double share = 1 + short_by / give * (short_by > 0 ? t->font_stretch : t->font_shrink);
            double lo = 1 + floor((share - 1) / step + 1e-9) * step, hi = lo + step;
            if (hi > 1 + t->font_stretch + 1e-9 || lo < 1 - t->font_shrink - 1e-9 ||
                fabs(spaces_off(&p, m, lo) - spaces_off(&p, m, hi)) < 0.05)
                continue; /* at a limit, or a tie */
            double want = spaces_off(&p, m, lo) < spaces_off(&p, m, hi) ? lo : hi;
            if (fabs(p.e - want) > 1e-4)
                fail_msg("line %d at %.0f pt: factor %.4f, share %.4f, steps %.4f/%.4f",
                         i, m, p.e, share, lo, hi);
            checked++;
        }
    }
    assert_true(checked >= 20);
}

/* ---- the narrow no-break space ------------------------------------------ */

#define NNBSP "\xE2\x80\xAF"

/* Every space and narrow no-break space of a line: the advance it got
 * over its natural width (glue stretched or shrunk alike gives one ratio). */
static void space_ratios(const para_line *l, double *plain, double *narrow, int *narrows)
{
    *plain = 1;
    for (int i = 0; i < l->count; i++) {
        const page_item *it = &l->items[i];
        if (it->kind != ITEM_TEXT)
            continue;
        double scale = it->run.size / font_units_per_em(it->run.face);
        double sp = font_shape(it->run.face, " ", 1).width * scale;
        double nn = font_shape(it->run.face, NNBSP, 3).width * scale;
        for (int g = 0; g < it->run.count; g++) {
            const char *t = font_used_text(it->run.face, it->run.glyphs[g].gid);
            double adv = it->run.glyphs[g].advance;
            if (t && strcmp(t, NNBSP) == 0)
                narrow[(*narrows)++] = adv / nn;
            else if (is_space_glyph(it, g) && adv > 0)
                *plain = adv / sp;
        }
    }
}

/* U+202F ("10 000", French "dit :") is glue that never breaks: it
 * stretches and shrinks with the line's other spaces, in proportion to
 * its own width, and is drawn as itself (copied out as U+202F). It used
 * to be part of the word, rigid while the spaces around it moved. */
static void narrow_no_break_space_is_glue_that_never_breaks(void **state)
{
    fixture *f = *state;
    const char *unit = "De prijs is 10" NNBSP "000 euro en de bijdrage 2" NNBSP "500 euro "
                       "per jaar voor elke stad; ";
    char *text = arena_strdup(f->a, "");
    for (int i = 0; i < 12; i++)
        text = arena_printf(f->a, "%s%s", text, unit);
    int moved = 0;
    for (double m = 160; m <= 320; m += 8) {
        para_result res = set(f, run(f, NULL, text, -1, NULL), "body", m);
        for (int i = 0; i < res.count; i++) {
            const char *t = line_text(f, &res.lines[i]);
            if (strncmp(t, "000", 3) == 0 || strncmp(t, "500", 3) == 0)
                fail_msg("line %d at %.0f pt starts after a narrow space: '%s'", i, m, t);
            double plain, narrow[64];
            int narrows = 0;
            space_ratios(&res.lines[i], &plain, narrow, &narrows);
            for (int k = 0; k < narrows && i + 1 < res.count; k++)
                if (fabs(narrow[k] - plain) > 0.02)
                    fail_msg("line %d at %.0f pt: narrow space at %.3f of its width, "
                             "spaces at %.3f", i, m, narrow[k], plain);
            moved += narrows > 0 && fabs(plain - 1) > 0.05 && i + 1 < res.count;
        }
    }
    assert_true(moved >= 5); /* lines where the spaces did stretch or shrink */
}

/* ---- images in the line ------------------------------------------------------ */

/* The layout's sizing rules stand in as fixed sizes: the image's figure
 * block carries the size asked for in its image's width and depth. */
static bool stub_image_size(void *ctx, const block *fig, double em, double measure,
                            double *w, double *h)
{
    (void)ctx, (void)em, (void)measure;
    *w = fig->image->width_pt;
    *h = fig->image->depth_pt;
    return *w > 0;
}

/* "before" IMAGE(w x h) "after" as runs. */
static inline_run *with_image(fixture *f, const char *before, double w, double h,
                              const char *after)
{
    inline_run *first = run(f, NULL, before, -1, NULL);
    inline_run *img = run(f, first, "", -1, NULL);
    block *fig = arena_alloc(f->a, sizeof *fig);
    image_model *im = arena_alloc(f->a, sizeof *im);
    im->width_pt = w;
    im->depth_pt = h;
    im->ref = "x.png";
    fig->image = im;
    fig->kind = BLK_FIGURE;
    fig->tag = arena_alloc(f->a, sizeof *fig->tag);
    fig->tag->role = TAG_FIGURE;
    img->kind = INL_IMAGE;
    img->target = fig;
    img->tag = fig->tag;
    run(f, img, after, -1, NULL);
    f->ctx.image_size = stub_image_size;
    return first;
}

static const page_item *image_item(const para_line *l)
{
    for (int i = 0; i < l->count; i++)
        if (l->items[i].kind == ITEM_IMAGE)
            return &l->items[i];
    return NULL;
}

/* An image among words is a box of its size standing on the baseline
 * between them, in the Figure its run names; the line knows how far it
 * reaches above its baseline, and the words read as before. */
static void image_in_a_line_stands_on_the_baseline_between_its_words(void **state)
{
    fixture *f = *state;
    para_result res = set(f, with_image(f, "Klik op ", 20, 30, " om te bewaren."), "body", 400);
    assert_int_equal(res.count, 1);
    const para_line *l = &res.lines[0];
    const page_item *img = image_item(l);
    assert_non_null(img);
    assert_close(img->w, 20, EPS);
    assert_close(img->h, 30, EPS);
    assert_close(img->y, -30, EPS); /* its bottom on the baseline */
    assert_int_equal(img->tag->role, TAG_FIGURE);
    assert_close(l->image_height, 30, EPS);
    const page_item *before = NULL, *after = NULL;
    for (int i = 0; i < l->count; i++) {
        if (l->items[i].kind != ITEM_TEXT)
            continue;
        if (&l->items[i] < img)
            before = &l->items[i];
        else if (!after)
            after = &l->items[i];
    }
    assert_non_null(before);
    assert_non_null(after);
    double end = before->x;
    for (int g = 0; g < before->run.count; g++)
        end += before->run.glyphs[g].advance;
    assert_true(end <= img->x + EPS);           /* "op " and its space end first */
    assert_true(img->x + img->w <= after->x + EPS);
    assert_string_equal(line_text(f, l), "Klik op om te bewaren.");
}

/* Wider than the measure: scaled to it, on a line of its own; the text
 * before it ends its line as a paragraph's last line does (not stretched
 * across the measure), the text after it starts the next. */
static void image_wider_than_the_measure_takes_a_line_of_its_own(void **state)
{
    fixture *f = *state;
    para_result res = set(f, with_image(f, "Een te breed beeld ", 600, 100,
                                        " staat alleen."), "body", 300);
    assert_int_equal(res.count, 3);
    assert_string_equal(line_text(f, &res.lines[0]), "Een te breed beeld");
    assert_true(res.lines[0].width < 200);
    assert_null(image_item(&res.lines[0]));
    const page_item *img = image_item(&res.lines[1]);
    assert_non_null(img);
    assert_int_equal(res.lines[1].count, 1);
    assert_close(img->x, 0, EPS);
    assert_close(img->w, 300, EPS);
    assert_close(img->h, 50, EPS);
    assert_string_equal(line_text(f, &res.lines[2]), "staat alleen.");
}

/* A paragraph that starts with a wide image: its first line is indented,
 * so the image fills the rest of it, never past the measure. */
static void wide_image_after_the_first_indent_fills_the_rest(void **state)
{
    fixture *f = *state;
    style_class indented = *style_class_get(f->st, "body");
    indented.first_indent = 20;
    para_result res = para_typeset(&f->ctx, with_image(f, "", 600, 100, " staat alleen."),
                                   &indented, NULL, 300, "nl-BE", here);
    assert_int_equal(res.count, 2);
    const page_item *img = image_item(&res.lines[0]);
    assert_non_null(img);
    assert_close(img->x, 20, EPS);
    assert_close(img->x + img->w, 300, EPS);
    assert_close(img->h, 100 * 280.0 / 600, EPS);
    assert_string_equal(line_text(f, &res.lines[1]), "staat alleen.");
    assert_false(diag_has_errors(&f->diags));
    assert_int_equal(f->diags.count, 0); /* no overfull line */
}

/* An image the layout cannot size (its file is unreadable: an error
 * already) is left out; the words stay. */
static void image_that_cannot_be_sized_is_left_out(void **state)
{
    fixture *f = *state;
    para_result res = set(f, with_image(f, "Tekst ", 0, 0, " erna."), "body", 300);
    assert_int_equal(res.count, 1);
    assert_null(image_item(&res.lines[0]));
    assert_close(res.lines[0].image_height, 0, EPS);
    assert_string_equal(line_text(f, &res.lines[0]), "Tekst erna.");
}

/* The anchors of a pass: unplaced blocks read as page 0, a later pass
 * moves a block, and the blocks themselves are never written. */
static void anchors_remember_the_latest_placement(void **state)
{
    (void)state;
    static block blocks[300];
    para_anchors an = { 0 };
    assert_int_equal(para_anchor_get(&an, &blocks[0]).page, 0);
    assert_int_equal(para_anchor_get(NULL, &blocks[0]).page, 0);
    for (int i = 0; i < 300; i++)
        para_anchor_set(&an, &blocks[i], (page_dest){ i + 1, 10.0 * i });
    para_anchor_set(&an, &blocks[7], (page_dest){ 42, 5.5 });
    for (int i = 0; i < 300; i++) {
        page_dest d = para_anchor_get(&an, &blocks[i]);
        assert_int_equal(d.page, i == 7 ? 42 : i + 1);
        assert_true(d.y == (i == 7 ? 5.5 : 10.0 * i));
    }
    assert_int_equal(an.count, 300);
    static const block untouched;
    assert_memory_equal(&blocks[7], &untouched, sizeof untouched);
    para_anchors_free(&an);
    assert_int_equal(para_anchor_get(&an, &blocks[1]).page, 0);
}

/* Where HarfBuzz says the text of a word may be cut (no
 * unsafe_to_break at a glyph), the two sides shaped apart are exactly the
 * whole word's glyphs: what lets a hyphenation point skip shaping its
 * piece alone. Every cut of every word of the Dutch text, and of words
 * that kern (AV, Ta, ff), in the body's face and its bold. */
static void assert_cut_shapes_alike(font_face *face, const char *w, size_t len, int g)
{
    shaped_text whole = font_shape(face, w, len);
    size_t at = whole.glyphs[g].cluster;
    shaped_text left = font_shape(face, w, at), right = font_shape(face, w + at, len - at);
    assert_int_equal(left.count + right.count, whole.count);
    for (int i = 0; i < whole.count; i++) {
        const shaped_glyph *p = i < left.count ? &left.glyphs[i] : &right.glyphs[i - left.count];
        uint32_t base = i < left.count ? 0 : (uint32_t)at;
        assert_int_equal(p->gid, whole.glyphs[i].gid);
        assert_int_equal(p->advance, whole.glyphs[i].advance);
        assert_int_equal(p->cluster + base, whole.glyphs[i].cluster);
    }
}

static void safe_cuts_shape_alike_apart(void **state)
{
    fixture *f = *state;
    static const char more[] = "AVATAR Tatoeage WAVY officiële koffie Vlaanderen";
    const style_class *body = style_class_get(f->st, "body");
    font_face *faces[2] = { para_face(&f->ctx, body, 0), para_face(&f->ctx, body, INL_BOLD) };
    int safe = 0, unsafe = 0;
    for (int k = 0; k < 2; k++)
        for (const char *text = dutch;; text = more) {
            for (const char *w = text; *w;) {
                size_t len = strcspn(w, " ");
                shaped_text whole = font_shape(faces[k], w, len);
                assert_non_null(whole.unsafe_to_break);
                for (int g = 1; g < whole.count; g++) {
                    bool cut = whole.glyphs[g].cluster > whole.glyphs[g - 1].cluster;
                    if (cut && !whole.unsafe_to_break[g]) {
                        assert_cut_shapes_alike(faces[k], w, len, g);
                        safe++;
                    }
                    unsafe += whole.unsafe_to_break[g] != 0;
                }
                w += len;
                w += strspn(w, " ");
            }
            if (text == more)
                break;
        }
    assert_true(safe > 500);
    assert_true(unsafe > 10); /* kerned pairs are there to be found */
}

/* The faces' shaping caches through several of their tables' growths:
 * what a word was shaped to stays where it was given (the layout keeps the
 * glyph pointers), a word asked again is the same glyphs, and the same
 * text in two faces is two entries. Every seventh word is also shaped
 * afresh in a thread's own cache, which has never seen the others. */
static void shaping_cache_keeps_every_word_through_its_growth(void **state)
{
    fixture *f = *state;
    const style_class *body = style_class_get(f->st, "body");
    font_face *faces[2] = { para_face(&f->ctx, body, 0), para_face(&f->ctx, body, INL_BOLD) };
    enum { WORDS = 6000 };
    static shaped_text first[2][WORDS];
    static shaped_glyph copy[2][WORDS][8];
    char w[16];
    for (int i = 0; i < WORDS; i++)
        for (int k = 0; k < 2; k++) {
            int len = snprintf(w, sizeof w, "w%dAV", i);
            first[k][i] = font_shape(faces[k], w, (size_t)len);
            assert_in_range(first[k][i].count, 1, 8);
            memcpy(copy[k][i], first[k][i].glyphs, (size_t)first[k][i].count * sizeof **copy[k]);
        }
    assert_ptr_not_equal(first[0][0].glyphs, first[1][0].glyphs);
    for (int i = 0; i < WORDS; i++)
        for (int k = 0; k < 2; k++) {
            int len = snprintf(w, sizeof w, "w%dAV", i);
            shaped_text again = font_shape(faces[k], w, (size_t)len);
            assert_ptr_equal(again.glyphs, first[k][i].glyphs);
            assert_ptr_equal(again.unsafe_to_break, first[k][i].unsafe_to_break);
            assert_int_equal(again.width, first[k][i].width);
            assert_memory_equal(first[k][i].glyphs, copy[k][i],
                                (size_t)first[k][i].count * sizeof **copy[k]);
        }
    font_thread_cache_begin();
    for (int i = 0; i < WORDS; i += 7) {
        int len = snprintf(w, sizeof w, "w%dAV", i);
        shaped_text alone = font_shape(faces[1], w, (size_t)len);
        assert_ptr_not_equal(alone.glyphs, first[1][i].glyphs);
        assert_int_equal(alone.count, first[1][i].count);
        assert_memory_equal(alone.glyphs, copy[1][i], (size_t)alone.count * sizeof **copy[1]);
    }
    font_thread_cache_end();
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(dutch_paragraph_fits_the_measure),
        T(justified_lines_end_on_the_measure),
        T(hyphenated_lines_end_in_a_hyphen),
        T(lines_read_back_as_the_paragraph),
        T(ragged_lines_read_back_as_the_paragraph),
        T(hyphenated_words_read_back_whole),
        T(url_breaks_after_slash_without_hyphen),
        T(link_areas_cover_only_the_linked_text),
        T(unlinked_paragraph_has_no_link_areas),
        T(uppercase_class_sets_capitals_with_its_prefix),
        T(ragged_lines_fit_and_are_not_stretched),
        T(long_word_breaks_between_letters_without_warning),
        T(long_number_breaks_between_digits_without_warning),
        T(unbreakable_glyph_wider_than_the_measure_warns),
        T(long_word_fits_a_wide_measure_untouched),
        T(expansion_step_leaves_spaces_nearest_natural),
        T(narrow_no_break_space_is_glue_that_never_breaks),
        T(image_in_a_line_stands_on_the_baseline_between_its_words),
        T(image_wider_than_the_measure_takes_a_line_of_its_own),
        T(image_that_cannot_be_sized_is_left_out),
        T(wide_image_after_the_first_indent_fills_the_rest),
        T(safe_cuts_shape_alike_apart),
        T(shaping_cache_keeps_every_word_through_its_growth),
        cmocka_unit_test(anchors_remember_the_latest_placement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
