/* Unit tests of model_build on small documents written to a temporary
 * folder and loaded with load_document and styles/kcvs.xml: workstreams and
 * nested headings, inline emphasis, calls to action, links (percent-encoded
 * URIs, unsafe schemes refused), cross-references, unsupported elements
 * (one warning per kind), list labels from the style, budget tables and
 * footnotes. Run from the repository root.
 * Deliberate pairs (duplicates lists them "by shape"): each test writes its
 * own small document as a string literal and asserts on it; the documents
 * look alike line by line but are different inputs, and a test reads best
 * with its document beside its asserts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "model_internal.h"
#include "testutil.h"

#define SCHEMA "schema/kcvs.rng"

/* Five lines: the body of a test document starts on line 6. */
#define DOC_OPEN                                                              \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                            \
    "<article xmlns=\"http://docbook.org/ns/docbook\"\n"                      \
    "         xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n"                 \
    "         version=\"5.0\" xml:lang=\"nl-BE\">\n"                          \
    "  <info><title>Proef</title></info>\n"
#define DOC_CLOSE "</article>\n"
/* The body of a document with one workstream, titled "A", holding content
 * (which starts on line 7 of the document). */
#define SECTION_A(content) "  <section><title>A</title>\n" content "  </section>\n"

/* ---- fixture ------------------------------------------------------------ */

static char tmpdir[PATH_MAX];
TMPDIR_GROUP(tmpdir, "model")

typedef struct fixture {
    arena *a;
    diag_list diags;
    const style *st;
    load_result src;
    char path[PATH_MAX];
} fixture;

static int setup(void **state)
{
    fixture *f = fixture_new(state, sizeof *f);
    f->a = fixture_arena_open(&f->diags);
    f->st = house_style_load(f->a, &f->diags);
    /* The house style loads, and without a word. */
    return f->st && f->diags.count == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    load_free(&f->src);
    fixture_arena_close(f->a, &f->diags);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static void print_diags(const diag_list *d)
{
    for (size_t i = 0; i < d->count; i++)
        print_message("  diag %d: %s:%d: %s\n", (int)d->items[i].severity,
                      d->items[i].loc.file ? d->items[i].loc.file : "-",
                      d->items[i].loc.line, d->items[i].message);
}

/* Writes DOC_OPEN body DOC_CLOSE as tmpdir/name, loads and builds it. */
static document *build(fixture *f, const char *name, const char *body)
{
    assert_true(path_join(f->path, tmpdir, name));
    if (!write_text_file(tmpdir, name,
                         arena_printf(f->a, "%s%s%s", DOC_OPEN, body, DOC_CLOSE)))
        fail_msg("writing %s: %s", f->path, strerror(errno));
    if (!load_document(f->path, SCHEMA, &f->src, &f->diags)) {
        print_diags(&f->diags);
        fail_msg("%s did not load", name);
    }
    document *d = model_build(f->a, &f->src, f->st, &f->diags);
    assert_non_null(d);
    return d;
}

static document *build_clean(fixture *f, const char *name, const char *body)
{
    document *d = build(f, name, body);
    if (f->diags.count) {
        print_diags(&f->diags);
        fail_msg("%s: unexpected diagnostics", name);
    }
    return d;
}

static size_t count_diags(const diag_list *d, diag_severity sev,
                          const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == sev && strstr(d->items[i].message, needle))
            n++;
    return n;
}

static const diag *find_diag(const diag_list *d, diag_severity sev,
                             const char *needle)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == sev && strstr(d->items[i].message, needle))
            return &d->items[i];
    print_diags(d);
    fail_msg("no %s mentions '%s'", sev == DIAG_WARNING ? "warning" : "error",
             needle);
    return NULL;
}

/* Asserts an error mentioning needle at this document's line. */
static void assert_error_at(fixture *f, const char *needle, int line)
{
    const diag *g = find_diag(&f->diags, DIAG_ERROR, needle);
    assert_non_null(g->loc.file);
    assert_non_null(strstr(g->loc.file, f->path + strlen(tmpdir)));
    if (g->loc.line != line)
        fail_msg("'%s' reported at line %d, expected %d", needle, g->loc.line, line);
}

/* Depth-first search over blocks (children, then siblings). */
typedef bool (*block_pred)(const block *b, const void *arg);

static const block *find_block(const block *b, block_pred pred, const void *arg)
{
    for (; b; b = b->next) {
        if (pred(b, arg))
            return b;
        const block *in = find_block(b->children, pred, arg);
        if (in)
            return in;
    }
    return NULL;
}

static bool is_kind(const block *b, const void *arg)
{
    return b->kind == *(const block_kind *)arg;
}

static bool runs_contain(const inline_run *r, const char *text)
{
    for (; r; r = r->next)
        if (r->text && strstr(r->text, text))
            return true;
    return false;
}

static bool para_with_text(const block *b, const void *text)
{
    return b->kind == BLK_PARA && runs_contain(b->inlines, text);
}

static bool heading_titled(const block *b, const void *title)
{
    return b->kind == BLK_HEADING && b->title_text &&
           strcmp(b->title_text, title) == 0;
}

/* Searches the front matter and every workstream. */
static const block *find_in_doc(const document *d, block_pred pred, const void *arg)
{
    const block *b = find_block(d->front, pred, arg);
    for (int i = 0; !b && i < d->workstream_count; i++)
        b = find_block(d->workstreams[i].section, pred, arg);
    if (!b)
        fail_msg("no such block");
    return b;
}

static const block *para_containing(const document *d, const char *text)
{
    return find_in_doc(d, para_with_text, text);
}

/* The text of a paragraph's runs, concatenated. */
static const char *plain(fixture *f, const inline_run *r)
{
    char *s = arena_strdup(f->a, "");
    for (; r; r = r->next)
        s = arena_printf(f->a, "%s%s", s, r->text ? r->text : "");
    return s;
}

/* ---- workstreams and headings -------------------------------------------- */

static void workstreams_from_top_level_sections(void **state)
{
    fixture *f = *state;
    document *d = build_clean(f, "ws.xml",
        "  <section>\n"
        "    <title>Wonen</title>\n"
        "    <para>Over wonen.</para>\n"
        "    <section>\n"
        "      <title>Betaalbaarheid</title>\n"
        "      <para>Over de prijs.</para>\n"
        "      <section>\n"
        "        <title>Huur</title>\n"
        "        <para>Over huur.</para>\n"
        "      </section>\n"
        "    </section>\n"
        "  </section>\n"
        "  <section>\n"
        "    <title>Mobiliteit en  ruimte</title>\n"
        "    <para>Over mobiliteit.</para>\n"
        "  </section>\n");
    assert_int_equal(d->workstream_count, 2);
    assert_string_equal(d->workstreams[0].title, "Wonen");
    assert_string_equal(d->workstreams[1].title, "Mobiliteit en ruimte");
    assert_int_equal(d->workstreams[0].number, 1);
    assert_int_equal(d->workstreams[1].number, 2);
    assert_string_equal(d->title, "Proef");
    assert_string_equal(d->lang, "nl-BE");
    const block *sec = d->workstreams[0].section;
    assert_int_equal(sec->kind, BLK_SECTION);
    const block *h1 = find_block(sec->children, heading_titled, "Wonen");
    assert_non_null(h1);
    assert_int_equal(h1->level, 1);
    assert_ptr_equal(h1->style, style_class_get(f->st, "h1"));
    assert_int_equal(h1->tag->role, TAG_H1);
    const block *h2 = find_block(sec->children, heading_titled, "Betaalbaarheid");
    assert_non_null(h2);
    assert_int_equal(h2->level, 2);
    assert_ptr_equal(h2->style, style_class_get(f->st, "h2"));
    const block *h3 = find_block(sec->children, heading_titled, "Huur");
    assert_non_null(h3);
    assert_int_equal(h3->level, 3);
    assert_ptr_equal(h3->style, style_class_get(f->st, "h3"));
    /* Nested sections are sections inside the workstream. */
    block_kind k = BLK_SECTION;
    const block *nested = find_block(sec->children, is_kind, &k);
    assert_non_null(nested);
    assert_string_equal(nested->title_text, "Betaalbaarheid");
    /* The second workstream does not hold the first one's headings. */
    assert_null(find_block(d->workstreams[1].section, heading_titled, "Huur"));
}

/* ---- inline content ----------------------------------------------------- */

static void paragraph_runs_with_emphasis_flags(void **state)
{
    fixture *f = *state;
    document *d = build_clean(f, "em.xml", SECTION_A(
        "    <para>Een <emphasis>schuine</emphasis> en <emphasis\n"
        "      role=\"bold\">vette</emphasis> en <emphasis role=\"strong\">sterke\n"
        "      <emphasis>genest</emphasis></emphasis>   tekst.</para>\n"));
    const block *p = para_containing(d, "schuine");
    static const struct { const char *text; int flags; } expected[] = {
        { "Een ", 0 }, { "schuine", INL_ITALIC }, { " en ", 0 },
        { "vette", INL_BOLD }, { " en ", 0 }, { "sterke ", INL_BOLD },
        { "genest", INL_BOLD | INL_ITALIC }, { " tekst.", 0 },
    };
    size_t i = 0;
    for (const inline_run *r = p->inlines; r; r = r->next) {
        if (r->kind == INL_TEXT && r->text[0] == '\0')
            continue;
        assert_true(i < sizeof expected / sizeof *expected);
        assert_int_equal(r->kind, INL_TEXT);
        if (strcmp(r->text, expected[i].text) != 0 || r->flags != expected[i].flags)
            fail_msg("run %zu: \"%s\" flags %d, expected \"%s\" flags %d", i,
                     r->text, r->flags, expected[i].text, expected[i].flags);
        assert_int_equal(r->link, -1);
        i++;
    }
    assert_int_equal(i, sizeof expected / sizeof *expected);
    assert_string_equal(plain(f, p->inlines),
                        "Een schuine en vette en sterke genest tekst.");
    assert_false(p->is_cta);
}

static void white_space_collapses_and_trims(void **state)
{
    fixture *f = *state;
    document *d = build_clean(f, "ws-collapse.xml", SECTION_A(
        "    <para>\n"
        "      Eerste   regel\n"
        "\t\ttweede regel\n"
        "    </para>\n"));
    const block *p = para_containing(d, "regel");
    assert_string_equal(plain(f, p->inlines), "Eerste regel tweede regel");
}

static void call_to_action(void **state)
{
    fixture *f = *state;
    document *d = build_clean(f, "cta.xml", SECTION_A(
        "    <para>Gewoon.</para>\n"
        "    <para role=\"cta\">Je vindt hier het rapport</para>\n"));
    const block *cta = para_containing(d, "Je vindt hier");
    assert_true(cta->is_cta);
    assert_ptr_equal(cta->style, style_class_get(f->st, "cta"));
    assert_false(para_containing(d, "Gewoon")->is_cta);
}

/* ---- links ------------------------------------------------------------- */

static const doc_link *link_of(const document *d, const block *p,
                               const char *text)
{
    for (const inline_run *r = p->inlines; r; r = r->next)
        if (r->text && strstr(r->text, text)) {
            if (r->link < 0 || r->link >= d->link_count)
                fail_msg("run \"%s\" has link %d", r->text, r->link);
            assert_non_null(r->tag);
            assert_int_equal(r->tag->role, TAG_LINK);
            assert_int_equal(r->tag->link_index, r->link);
            return &d->links[r->link];
        }
    fail_msg("no run \"%s\"", text);
    return NULL;
}

/* Same shape as list_labels_come_from_the_style (duplicates pairs them):
 * both write a document as a literal; the documents differ, and each test
 * reads best with its input beside its asserts. */
static void links_are_percent_encoded_ascii(void **state)
{
    fixture *f = *state;
    document *d = build_clean(f, "links.xml", SECTION_A(
        "    <para>Zie <link xlink:href=\"https://example.org/café/thema’s\">het"
        " rapport</link>, <link xlink:href=\"https://example.org/a%20b?q=x|y\">"
        "de bijlage</link> en <link xlink:href=\"mailto:info@example.org\">mail"
        "</link>.</para>\n"));
    const block *p = para_containing(d, "het rapport");
    assert_string_equal(link_of(d, p, "het rapport")->uri,
                        "https://example.org/caf%C3%A9/thema%E2%80%99s");
    assert_string_equal(link_of(d, p, "de bijlage")->uri,
                        "https://example.org/a%20b?q=x%7Cy");
    assert_string_equal(link_of(d, p, "mail")->uri, "mailto:info@example.org");
    /* Text outside the links is not linked. */
    for (const inline_run *r = p->inlines; r; r = r->next)
        if (r->text && (strstr(r->text, "Zie") || strstr(r->text, " en ")))
            assert_int_equal(r->link, -1);
    assert_string_equal(d->links[0].workstream, "A");
    for (int i = 0; i < d->link_count; i++)
        for (const char *c = d->links[i].uri; c && *c; c++)
            assert_true((unsigned char)*c > 0x20 && (unsigned char)*c < 0x7F);
}

static void unsafe_links_are_errors(void **state)
{
    fixture *f = *state;
    build(f, "unsafe.xml", SECTION_A(
        "    <para><link xlink:href=\"javascript:alert(1)\">klik</link></para>\n"
        "    <para><link xlink:href=\"file:///etc/passwd\">lees</link></para>\n"
        "    <para><link xlink:href=\"JavaScript:alert(2)\">groot</link></para>\n"
        "    <para><link xlink:href=\"data:text/html,&lt;b&gt;\">data</link></para>\n"
        "    <para><link xlink:href=\"https://example.org/\">veilig</link></para>\n"));
    assert_error_at(f, "javascript:alert(1)", 7);
    assert_error_at(f, "file:///etc/passwd", 8);
    assert_error_at(f, "JavaScript:alert(2)", 9);
    assert_error_at(f, "data:text/html", 10);
    assert_int_equal(f->diags.errors, 4);
    assert_int_equal(diag_exit_status(&f->diags, false), 1);
}

/* ---- cross-references ------------------------------------------------------- */

static void xref_resolves_or_is_an_error(void **state)
{
    fixture *f = *state;
    document *d = build(f, "xref.xml",
        "  <section xml:id=\"doel\"><title>Het doel</title>\n"
        "    <para>Zie <xref linkend=\"doel\"/> en <link linkend=\"doel\">hier"
        "</link>.</para>\n"
        "    <para>En <xref linkend=\"nergens\"/>.</para>\n"
        "  </section>\n");
    assert_error_at(f, "nergens", 8);
    assert_int_equal(f->diags.errors, 1);
    const block *p = para_containing(d, "Zie");
    const inline_run *x = p->inlines;
    while (x && x->kind != INL_XREF)
        x = x->next;
    assert_non_null(x);
    assert_non_null(x->target);
    assert_int_equal(x->target->kind, BLK_SECTION);
    assert_string_equal(x->target->title_text, "Het doel");
    const doc_link *l = link_of(d, p, "hier");
    assert_ptr_equal(l->target, x->target);
    assert_null(l->uri);
}

static void link_to_missing_id_is_an_error(void **state)
{
    fixture *f = *state;
    build(f, "linkend.xml", SECTION_A(
        "    <para>Zie <link linkend=\"weg\">daar</link>.</para>\n"));
    assert_error_at(f, "weg", 7);
}

/* ---- unsupported elements ------------------------------------------------ */

static void unknown_elements_warn_once_per_kind(void **state)
{
    fixture *f = *state;
    document *d = build(f, "unknown.xml", SECTION_A(
        "    <epigraph><para>Opzij een</para></epigraph>\n"
        "    <epigraph><para>Opzij twee</para></epigraph>\n"
        "    <msgset><para>Geciteerd</para></msgset>\n"
        "    <para>Typ <mousebutton>ls</mousebutton> of <mousebutton>dir</mousebutton>.</para>\n"));
    assert_int_equal(count_diags(&f->diags, DIAG_WARNING, "epigraph"), 1);
    assert_int_equal(count_diags(&f->diags, DIAG_WARNING, "msgset"), 1);
    assert_int_equal(count_diags(&f->diags, DIAG_WARNING, "mousebutton"), 1);
    assert_int_equal(f->diags.warnings, 3);
    assert_false(diag_has_errors(&f->diags));
    /* Each warning is at the first occurrence. */
    const diag *g = find_diag(&f->diags, DIAG_WARNING, "epigraph");
    assert_int_equal(g->loc.line, 7);
    /* Nothing is dropped: the text is still typeset. */
    para_containing(d, "Opzij een");
    para_containing(d, "Opzij twee");
    para_containing(d, "Geciteerd");
    const block *p = para_containing(d, "Typ");
    assert_string_equal(plain(f, p->inlines), "Typ ls of dir.");
}

/* ---- lists ----------------------------------------------------------------- */

static const block *nth_item(const block *list, int n)
{
    const block *it = list->children;
    for (int i = 0; it && i < n; i++)
        it = it->next;
    if (!it || it->kind != BLK_ITEM)
        fail_msg("no item %d", n);
    return it;
}

/* The first list found from start (depth first) or, failing that, the
 * first of its later siblings that is ordered (or, for ordered false,
 * itemized); asserts there is one. */
static const block *list_after(const block *start, bool ordered)
{
    block_kind k = BLK_LIST;
    const block *b = find_block(start, is_kind, &k);
    while (b && !(b->kind == BLK_LIST && b->ordered == ordered))
        b = b->next;
    assert_non_null(b);
    return b;
}

/* FORMAT with its counter letter C written as COUNTER ("a." -> "aa."):
 * the tests count with the style's list formats instead of restating
 * them. */
static const char *counter_in(char *buf, const char *format, char c, const char *counter)
{
    size_t at = strcspn(format, (char[]){ c, '\0' });
    assert_true(format[at] != '\0');
    snprintf(buf, 32, "%.*s%s%s", (int)at, format, counter, format + at + 1);
    return buf;
}

/* Item n's label (n from 1 to 9) under FORMAT, whose counter is "1" or
 * "a" (the house style's first two levels). */
static const char *counted(char *buf, const char *format, int n)
{
    size_t at = strcspn(format, "1a");
    assert_true(format[at] != '\0' && n >= 1 && n <= 9);
    return counter_in(buf, format, format[at], (char[]){ (char)(format[at] + n - 1), '\0' });
}

/* Same shape as links_are_percent_encoded_ascii (duplicates pairs them):
 * a document literal beside its asserts, a different input. */
static void list_labels_come_from_the_style(void **state)
{
    fixture *f = *state;
    document *d = build_clean(f, "lists.xml", SECTION_A(
        "    <itemizedlist>\n"
        "      <listitem><para>Een</para></listitem>\n"
        "      <listitem><para>Twee</para></listitem>\n"
        "    </itemizedlist>\n"
        "    <orderedlist>\n"
        "      <listitem><para>Eerste</para></listitem>\n"
        "      <listitem><para>Tweede</para></listitem>\n"
        "      <listitem><para>Derde</para></listitem>\n"
        "    </orderedlist>\n"));
    const block *sec = d->workstreams[0].section;
    const block *ul = list_after(sec->children, false);
    const block *ol = list_after(sec->children, true);
    assert_string_equal(nth_item(ul, 0)->label, f->st->strings.bullets[0]);
    assert_string_equal(nth_item(ul, 1)->label, f->st->strings.bullets[0]);
    char want[32];
    for (int i = 0; i < 3; i++)
        assert_string_equal(nth_item(ol, i)->label,
                            counted(want, f->st->strings.ordered_formats[0], i + 1));
    assert_int_equal(ul->tag->role, TAG_L);
    assert_int_equal(nth_item(ul, 0)->tag->role, TAG_LI);
    assert_true(runs_contain(nth_item(ol, 2)->children->inlines, "Derde"));
}

/* A list inside a list item is one level deeper: bullet-2 / ordered-2. */
static void nested_list_labels_use_the_next_level(void **state)
{
    fixture *f = *state;
    document *d = build_clean(f, "nested-lists.xml", SECTION_A(
        "    <orderedlist>\n"
        "      <listitem><para>Buiten</para>\n"
        "        <orderedlist>\n"
        "          <listitem><para>Binnen een</para></listitem>\n"
        "          <listitem><para>Binnen twee</para></listitem>\n"
        "        </orderedlist>\n"
        "        <itemizedlist>\n"
        "          <listitem><para>Punt</para></listitem>\n"
        "        </itemizedlist>\n"
        "      </listitem>\n"
        "    </orderedlist>\n"));
    const block *outer = list_after(d->workstreams[0].section->children, true);
    const block *item = nth_item(outer, 0);
    char want[32];
    assert_string_equal(item->label, counted(want, f->st->strings.ordered_formats[0], 1));
    const block *inner_ol = list_after(item->children, true);
    const block *inner_ul = list_after(item->children, false);
    assert_string_equal(nth_item(inner_ol, 0)->label, f->st->strings.ordered_formats[1]);
    assert_string_equal(nth_item(inner_ol, 1)->label,
                        counted(want, f->st->strings.ordered_formats[1], 2));
    assert_string_equal(nth_item(inner_ul, 0)->label, f->st->strings.bullets[1]);
    assert_true(inner_ol->level > outer->level);
}

/* Long lists keep distinct labels: letters go on to aa, ab; roman numerals
 * go on past xx. */
static void long_list_labels_stay_distinct(void **state)
{
    fixture *f = *state;
    char body[8192] = "    <orderedlist><listitem><para>Buiten</para>\n"
                      "      <orderedlist>\n";
    for (int i = 0; i < 29; i++)
        strcat(body, "        <listitem><para>Letter</para></listitem>\n");
    strcat(body, "        <listitem><para>Laatste</para><orderedlist>");
    for (int i = 0; i < 24; i++)
        strcat(body, "<listitem><para>Romeins</para></listitem>");
    strcat(body, "</orderedlist></listitem>\n      </orderedlist></listitem></orderedlist>\n");
    char doc[9000];
    snprintf(doc, sizeof doc, SECTION_A("%s"), body);
    document *d = build_clean(f, "long-lists.xml", doc);
    const block *outer = list_after(d->workstreams[0].section->children, true);
    const block *letters = list_after(nth_item(outer, 0)->children, true);
    const char *abc = f->st->strings.ordered_formats[1], *roman_fmt = f->st->strings.ordered_formats[2];
    if (!strchr(abc, 'a') || !strchr(roman_fmt, 'i'))
        fail_msg("the house style's second and third list levels no longer count in "
                 "letters and roman numerals (\"%s\", \"%s\"): this test needs them", abc,
                 roman_fmt);
    char want[32];
    assert_string_equal(nth_item(letters, 25)->label, counter_in(want, abc, 'a', "z"));
    assert_string_equal(nth_item(letters, 26)->label, counter_in(want, abc, 'a', "aa"));
    assert_string_equal(nth_item(letters, 29)->label, counter_in(want, abc, 'a', "ad"));
    const block *roman = list_after(nth_item(letters, 29)->children, true);
    assert_string_equal(nth_item(roman, 20)->label, counter_in(want, roman_fmt, 'i', "xxi"));
    assert_string_equal(nth_item(roman, 23)->label, counter_in(want, roman_fmt, 'i', "xxiv"));
}

/* A list in a footnote or a table cell (both in the subset, see
 * tests/data/schema/valid-article.xml) is a first-level list: no list
 * holds it. */
static void list_in_footnote_or_cell_is_first_level(void **state)
{
    fixture *f = *state;
    document *d = build_clean(f, "note-list.xml", SECTION_A(
        "    <para>Tekst<footnote><para>Noot.</para><itemizedlist>\n"
        "      <listitem><para>In de noot</para></listitem>\n"
        "    </itemizedlist></footnote>.</para>\n"
        "    <informaltable><tgroup cols=\"1\"><tbody><row><entry>\n"
        "      <itemizedlist><listitem><para>In een cel</para></listitem></itemizedlist>\n"
        "    </entry></row></tbody></tgroup></informaltable>\n"));
    assert_int_equal(d->footnote_count, 1);
    const block *ul = list_after(d->footnotes[0]->children, false);
    assert_string_equal(nth_item(ul, 0)->label, f->st->strings.bullets[0]);
    block_kind k = BLK_TABLE;
    const block *t = find_block(d->workstreams[0].section, is_kind, &k);
    assert_non_null(t);
    const block *cell_list = list_after(t->table->rows[0].cells[0].content, false);
    assert_string_equal(nth_item(cell_list, 0)->label, f->st->strings.bullets[0]);
}

/* ---- budget tables --------------------------------------------------------- */

#define BUDGET_HEAD(thead, total_row)                                                   \
    "  <section><title>Begroting</title>\n"                                   \
    "    <table role=\"budget\">\n"                                           \
    "      <title>Uitgaven</title>\n"                                         \
    "      <tgroup cols=\"2\">\n"                                             \
    "        <colspec colname=\"post\"/>\n"                                   \
    "        <colspec colname=\"bedrag\" role=\"amount\"/>\n"                 \
    "        " thead "\n"                                                     \
    "        <tbody>\n"                                                       \
    "          <row><entry>Personeel</entry><entry>1.000,00</entry></row>\n"  \
    "          <row><entry>Werking</entry><entry>2500.50</entry></row>\n"     \
    "          " total_row "\n"                                               \
    "        </tbody>\n"                                                      \
    "      </tgroup>\n"                                                       \
    "    </table>\n"                                                          \
    "  </section>\n"
#define BUDGET(total_row) BUDGET_HEAD("", total_row)
/* The total row is on line 16. */

static const block *the_table(const document *d)
{
    block_kind k = BLK_TABLE;
    const block *t = find_block(d->workstreams[0].section, is_kind, &k);
    assert_non_null(t);
    assert_non_null(t->table);
    return t;
}

static void budget_amounts_are_parsed(void **state)
{
    fixture *f = *state;
    document *d = build_clean(f, "budget.xml", BUDGET(
        "<row role=\"total\"><entry>Totaal</entry><entry>3.500,50</entry></row>"));
    const table_model *t = the_table(d)->table;
    assert_true(t->budget);
    assert_int_equal(t->cols, 2);
    assert_int_equal(t->row_count, 3);
    assert_true(t->col_amount[1]);
    static const int64_t cents[] = { 100000, 250050, 350050 };
    for (int r = 0; r < 3; r++) {
        const table_cell *c = &t->rows[r].cells[1];
        assert_true(c->is_amount);
        assert_true(c->has_amount);
        assert_int_equal(c->cents, cents[r]);
        assert_false(t->rows[r].cells[0].is_amount);
        assert_int_equal(t->rows[r].part, ROW_BODY);
    }
    assert_int_equal(t->rows[2].kind, ROWKIND_TOTAL);
    /* Printed the Belgian way. */
    assert_string_equal(t->rows[1].cells[1].content->inlines->text, "2.500,50");
    assert_int_equal(d->table_count, 1);
}

static void budget_total_mismatch_names_both_figures(void **state)
{
    fixture *f = *state;
    build(f, "budget-bad.xml", BUDGET(
        "<row role=\"total\"><entry>Totaal</entry><entry>3.600,00</entry></row>"));
    const diag *g = find_diag(&f->diags, DIAG_ERROR, "3.600,00");
    assert_non_null(strstr(g->message, "3.500,50"));
    assert_int_equal(g->loc.line, 16);
    assert_non_null(g->loc.file);
    assert_non_null(strstr(g->loc.file, "budget-bad.xml"));
    assert_int_equal(f->diags.errors, 1);
}

/* The head row names the amount column ("Bedrag"): it is a label, not an
 * amount (tests/data/schema/valid-article.xml has exactly this). */
static void budget_header_cells_are_not_amounts(void **state)
{
    fixture *f = *state;
    document *d = build_clean(f, "budget-head.xml", BUDGET_HEAD(
        "<thead><row><entry>Post</entry><entry>Bedrag</entry></row></thead>",
        "<row role=\"total\"><entry>Totaal</entry><entry>3.500,50</entry></row>"));
    const table_model *t = the_table(d)->table;
    assert_int_equal(t->row_count, 4);
    assert_int_equal(t->rows[0].part, ROW_HEAD);
    assert_false(t->rows[0].cells[1].has_amount);
    assert_string_equal(t->rows[0].cells[1].content->inlines->text, "Bedrag");
    assert_true(t->rows[3].cells[1].has_amount);
}

static void budget_amount_that_is_not_a_number(void **state)
{
    fixture *f = *state;
    build(f, "budget-text.xml", BUDGET(
        "<row role=\"total\"><entry>Totaal</entry><entry>veel</entry></row>"));
    const diag *g = find_diag(&f->diags, DIAG_ERROR, "veel");
    assert_int_equal(g->loc.line, 16);
}

/* ---- footnotes --------------------------------------------------------------- */

static void footnotes_are_numbered(void **state)
{
    fixture *f = *state;
    document *d = build_clean(f, "notes.xml", SECTION_A(
        "    <para>Eerste<footnote><para>Noot een.</para></footnote> en"
        " tweede<footnote><para>Noot twee.</para></footnote>.</para>\n"
        "    <para>Derde<footnote><para>Noot drie.</para></footnote>.</para>\n"));
    assert_int_equal(d->footnote_count, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(d->footnotes[i]->number, i + 1);
        assert_int_equal(d->footnotes[i]->kind, BLK_FOOTNOTE);
    }
    assert_true(runs_contain(d->footnotes[1]->children->inlines, "Noot twee."));
    const block *p = para_containing(d, "Eerste");
    int seen = 0;
    for (const inline_run *r = p->inlines; r; r = r->next)
        if (r->kind == INL_NOTEREF) {
            char num[16];
            snprintf(num, sizeof num, "%d", seen + 1);
            assert_string_equal(r->text, num);
            assert_ptr_equal(r->note, d->footnotes[seen]);
            seen++;
        }
    assert_int_equal(seen, 2);
    /* The note's text is not part of the paragraph. */
    assert_false(runs_contain(p->inlines, "Noot een"));
}

/* One record per case: what the editor wrote; the date read (0 0 0: not
 * a date); how it is printed in Dutch. */
static const struct date_case {
    const char *text;
    int year, month, day;
    const char *printed;
} date_cases[] = {
    { "2027-03-15", 2027, 3, 15, "15 maart 2027" },
    { "2027-03", 2027, 3, 0, "maart 2027" },
    { "2027", 2027, 0, 0, "2027" },
    { "15/03/2027", 2027, 3, 15, "15 maart 2027" },
    { "5/3/2027", 2027, 3, 5, "5 maart 2027" },
    { "15-03-2027", 2027, 3, 15, "15 maart 2027" },
    { "15.03.2027", 2027, 3, 15, "15 maart 2027" },
    { "15 maart 2027", 2027, 3, 15, "15 maart 2027" },
    { "15 mars 2027", 2027, 3, 15, "15 maart 2027" },
    { "1er août 2027", 2027, 8, 1, "1 augustus 2027" },
    { "15. März 2027", 2027, 3, 15, "15 maart 2027" },
    { "15 March 2027", 2027, 3, 15, "15 maart 2027" },
    { "March 15, 2027", 2027, 3, 15, "15 maart 2027" },
    { "december 2026", 2026, 12, 0, "december 2026" },
    { "29/02/2028", 2028, 2, 29, "29 februari 2028" },
    { "29/02/2027", 0, 0, 0, NULL },
    { "31 april 2027", 0, 0, 0, NULL },
    { "15 maat 2027", 0, 0, 0, NULL },
    { "2027-3-15", 0, 0, 0, NULL },
    { "15/03-2027", 0, 0, 0, NULL },
    { "15 maart 27", 0, 0, 0, NULL },
    { "maart", 0, 0, 0, NULL },
    { "", 0, 0, 0, NULL },
    { "Friday, January 20, 1961", 0, 0, 0, NULL },
};

static void pubdates_are_read_in_four_languages(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof date_cases / sizeof *date_cases; i++) {
        const struct date_case *c = &date_cases[i];
        model_date d;
        bool ok = model_date_parse(f->st, c->text, &d);
        if (ok != (c->year != 0))
            fail_msg("'%s' %s", c->text, ok ? "read as a date" : "not read");
        if (!ok)
            continue;
        assert_int_equal(d.year, c->year);
        if (c->month)
            assert_int_equal(d.month, c->month);
        if (c->day)
            assert_int_equal(d.day, c->day);
        assert_string_equal(model_date_format(f->a, &f->st->strings, &d), c->printed);
    }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(workstreams_from_top_level_sections),
        T(paragraph_runs_with_emphasis_flags),
        T(white_space_collapses_and_trims),
        T(call_to_action),
        T(links_are_percent_encoded_ascii),
        T(unsafe_links_are_errors),
        T(xref_resolves_or_is_an_error),
        T(link_to_missing_id_is_an_error),
        T(unknown_elements_warn_once_per_kind),
        T(list_labels_come_from_the_style),
        T(nested_list_labels_use_the_next_level),
        T(long_list_labels_stay_distinct),
        T(list_in_footnote_or_cell_is_first_level),
        T(budget_amounts_are_parsed),
        T(budget_total_mismatch_names_both_figures),
        T(budget_header_cells_are_not_amounts),
        T(budget_amount_that_is_not_a_number),
        T(footnotes_are_numbered),
        T(pubdates_are_read_in_four_languages),
    };
    return cmocka_run_group_tests(tests, tmpdir_group_setup, tmpdir_group_teardown);
}
