/* Unit tests of style: length parsing, loading the house style
 * styles/kcvs.xml (every required class and page present, with sensible
 * values), inheritance through base=, and broken style files written to a
 * temporary folder, each refused with the style file's file:line. Run from
 * the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "arena.h"
#include "style.h"
#include "testutil.h"

/* cmocka compares integers only. */
#define assert_close(actual, expected) \
    assert_close_at((actual), (expected), #actual, __FILE__, __LINE__)

static void assert_close_at(double actual, double expected, const char *expr,
                            const char *file, int line)
{
    if (fabs(actual - expected) <= 1e-6 * (fabs(expected) > 1 ? fabs(expected) : 1))
        return;
    print_error("%s is %.9g, expected %.9g\n", expr, actual, expected);
    _fail(file, line);
}

/* ---- fixture: a temporary folder, the house style's text, an arena ------ */

static char tmpdir[PATH_MAX];
static char fonts_dir[PATH_MAX];
static char *house_text;
TMPDIR_GROUP(tmpdir, "style")

/* Two buffers a refused line: room for the table's rows in one test. */
enum { OWNED_MAX = 128 };

typedef struct fixture {
    arena *a;
    diag_list diags;
    void *owned[OWNED_MAX]; /* malloc'ed by helpers, freed by teardown */
    int owned_count;
} fixture;

static void *own(fixture *f, void *p)
{
    assert_non_null(p);
    assert_true(f->owned_count < OWNED_MAX);
    f->owned[f->owned_count++] = p;
    return p;
}

static int group_setup(void **state)
{
    if (tmpdir_group_setup(state) != 0 || !getcwd(fonts_dir, sizeof fonts_dir - 8))
        return -1;
    strcat(fonts_dir, "/fonts");
    house_text = read_text_file(HOUSE_STYLE);
    return house_text ? 0 : -1;
}

static int group_teardown(void **state)
{
    free(house_text);
    return tmpdir_group_teardown(state);
}

static int setup(void **state)
{
    fixture *f = fixture_new(state, sizeof *f);
    f->a = fixture_arena_open(&f->diags);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    fixture_arena_close(f->a, &f->diags);
    for (int i = 0; i < f->owned_count; i++)
        free(f->owned[i]);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

/* Writes text as tmpdir/name; returns the path (owned by the fixture). */
static char *write_style(fixture *f, const char *name, const char *text)
{
    char *path = own(f, malloc(PATH_MAX));
    assert_true(path_join(path, tmpdir, name));
    if (!write_text_file(tmpdir, name, text))
        fail_msg("writing %s: %s", path, strerror(errno));
    return path;
}

/* The house style with its first occurrence of from replaced by to (owned
 * by the fixture). */
static char *house_with(fixture *f, const char *from, const char *to)
{
    const char *at = strstr(house_text, from);
    assert_non_null(at);
    size_t head = (size_t)(at - house_text);
    char *s = own(f, malloc(strlen(house_text) + strlen(to) + 1));
    memcpy(s, house_text, head);
    strcpy(s + head, to);
    strcat(s, at + strlen(from));
    return s;
}

/* The house style with one more line just before </style> (owned by the
 * fixture); *line is that line's number. */
static char *house_plus_line(fixture *f, const char *extra, int *line)
{
    const char *close = strstr(house_text, "</style>");
    assert_non_null(close);
    int n = 1;
    for (const char *p = house_text; p < close; p++)
        n += *p == '\n';
    *line = n;
    size_t head = (size_t)(close - house_text);
    char *out = own(f, malloc(strlen(house_text) + strlen(extra) + 2));
    memcpy(out, house_text, head);
    strcpy(out + head, extra);
    strcat(out, "\n");
    strcat(out, close);
    return out;
}

/* Finds a diagnostic whose message contains needle. */
static const diag *find_diag(const diag_list *d, const char *needle)
{
    for (size_t i = 0; i < d->count; i++)
        if (strstr(d->items[i].message, needle))
            return &d->items[i];
    return NULL;
}

static void print_diags(const diag_list *d)
{
    for (size_t i = 0; i < d->count; i++)
        print_message("  diag: %s:%d: %s\n", d->items[i].loc.file ? d->items[i].loc.file : "-",
                      d->items[i].loc.line, d->items[i].message);
}

/* Loads text as a style file and expects it to be refused with a
 * diagnostic of severity sev at path:line (line 0: any line) whose message
 * holds needle. */
static void assert_refused(fixture *f, const char *name, const char *text,
                           diag_severity sev, int line, const char *needle)
{
    char *path = write_style(f, name, text);
    style *s = style_load(f->a, path, fonts_dir, &f->diags);
    if (s)
        fail_msg("%s was accepted; expected '%s'", name, needle);
    const diag *g = find_diag(&f->diags, needle);
    if (!g) {
        print_diags(&f->diags);
        fail_msg("%s: no diagnostic mentions '%s'", name, needle);
    }
    assert_int_equal(g->severity, sev);
    assert_non_null(g->loc.file);
    assert_string_equal(g->loc.file, path);
    if (line)
        assert_int_equal(g->loc.line, line);
    else
        assert_true(g->loc.line > 0);
}

/* assert_refused on the house style with the line extra added just before
 * </style>: the diagnostic must be at that line. */
static void assert_extra_line_refused(fixture *f, const char *name,
                                      const char *extra, diag_severity sev,
                                      const char *needle)
{
    int line;
    char *text = house_plus_line(f, extra, &line);
    assert_refused(f, name, text, sev, line, needle);
}

/* assert_refused on the house style with its first occurrence of from
 * replaced by to: the diagnostic may be at any line. */
static void assert_edited_refused(fixture *f, const char *name, const char *from,
                                  const char *to, diag_severity sev,
                                  const char *needle)
{
    char *text = house_with(f, from, to);
    assert_refused(f, name, text, sev, 0, needle);
}

static const style *load_house(fixture *f)
{
    const style *s = house_style_load(f->a, &f->diags);
    if (!s) {
        print_diags(&f->diags);
        fail_msg("%s did not load", HOUSE_STYLE);
    }
    assert_int_equal(f->diags.count, 0);
    return s;
}

static const style_class *cls(const style *s, const char *name)
{
    const style_class *c = style_class_get(s, name);
    if (!c)
        fail_msg("no class '%s'", name);
    return c;
}

/* ---- the house style's file, read beside the loader ------------------------ */

/* The text of ATTR on the house style's ELEMENT whose name= is NAME (NAME
 * NULL: the first ELEMENT with ATTR), or NULL. The house style tests
 * compare what the loader made of styles/kcvs.xml with what the file says,
 * read here with libxml2, so that they restate none of its values. */
static const char *house_attr(fixture *f, const char *element, const char *name,
                              const char *attr)
{
    xmlDoc *doc = xmlReadFile(HOUSE_STYLE, NULL, XML_PARSE_NONET);
    if (!doc)
        fail_msg("%s: libxml2 cannot read it", HOUSE_STYLE);
    const char *out = NULL;
    for (xmlNode *n = xmlDocGetRootElement(doc)->children; n && !out; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, element) != 0)
            continue;
        xmlChar *id = xmlGetProp(n, (const xmlChar *)"name");
        xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
        if (v && (!name || (id && strcmp((const char *)id, name) == 0)))
            out = arena_strdup(f->a, (const char *)v);
        xmlFree(id);
        xmlFree(v);
    }
    xmlFreeDoc(doc);
    return out;
}

static const char *house_text_of(fixture *f, const char *element, const char *name,
                                 const char *attr)
{
    const char *v = house_attr(f, element, name, attr);
    if (!v)
        fail_msg("%s: no %s=\"%s\" %s", HOUSE_STYLE, element, name ? name : "", attr);
    return v;
}

static double house_length(fixture *f, const char *element, const char *name, const char *attr)
{
    double pt;
    const char *v = house_text_of(f, element, name, attr);
    if (!style_parse_length(v, &pt))
        fail_msg("%s %s: '%s' is not a length", name ? name : element, attr, v);
    return pt;
}

static double house_number(fixture *f, const char *element, const char *attr)
{
    return strtod(house_text_of(f, element, NULL, attr), NULL);
}

static bool house_flag(fixture *f, const char *name, const char *attr)
{
    const char *v = house_attr(f, "class", name, attr);
    return v && strcmp(v, "true") == 0;
}

/* A class's align= as the loader's enum (body's when the class has none). */
static int house_align(fixture *f, const char *name)
{
    const char *v = house_attr(f, "class", name, "align");
    if (!v)
        v = house_text_of(f, "class", "body", "align");
    static const char *const names[] = { "justify", "left", "right", "center" };
    for (int i = 0; i < 4; i++)
        if (strcmp(v, names[i]) == 0)
            return ALIGN_JUSTIFY + i;
    fail_msg("class %s: align '%s'", name, v);
    return -1;
}

/* "#rrggbb" and "c m y k" (percent) as the loader's 0..1 components. */
static void assert_colour_as_written(fixture *f, const style_colour *c)
{
    unsigned rgb[3];
    double cmyk[4];
    const char *hex = house_text_of(f, "colour", c->name, "rgb");
    const char *ink = house_text_of(f, "colour", c->name, "cmyk");
    assert_int_equal(sscanf(hex, "#%2x%2x%2x", &rgb[0], &rgb[1], &rgb[2]), 3);
    assert_int_equal(sscanf(ink, "%lf %lf %lf %lf", &cmyk[0], &cmyk[1], &cmyk[2], &cmyk[3]), 4);
    for (int i = 0; i < 3; i++)
        assert_close(c->rgb[i], rgb[i] / 255.0);
    for (int i = 0; i < 4; i++)
        assert_close(c->cmyk[i], cmyk[i] / 100);
}

/* ---- lengths --------------------------------------------------------------- */

static void length_units(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double pt;
    } good[] = {
        { "12pt", 12 }, { "0.5pt", 0.5 }, { "25.4mm", 72 }, { "4.2mm", 4.2 * 72 / 25.4 },
        { "2.54cm", 72 }, { "1cm", 72 / 2.54 }, { "0.5in", 36 }, { "6pc", 72 },
        { "210mm", 595.275590551 },
        { "-3pt", -3 }, /* hanging indents */
        { "0", 0 },     /* zero needs no unit */
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        double pt = -1;
        if (!style_parse_length(good[i].text, &pt))
            fail_msg("\"%s\" refused", good[i].text);
        assert_close(pt, good[i].pt);
    }
}

static void length_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "pt", "12", "1.5", "12px", "12em", "12 pt", "12pt ", "12ptx",
        "12mmm", "twelve", "12PT", "nanpt", "infpt", "1e999pt", "12pt;",
        "0x10pt", /* a hexadecimal float is not a length */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double pt = 4242;
        if (style_parse_length(bad[i], &pt))
            fail_msg("\"%s\" accepted as %g pt", bad[i], pt);
        if (pt != 4242)
            fail_msg("\"%s\": output written on failure", bad[i]);
    }
}

/* ---- the house style ------------------------------------------------------- */

static void house_style_loads_with_every_required_class(void **state)
{
    fixture *f = *state;
    const style *s = load_house(f);
    static const char *const required[] = {
        "body", "lead", "cta", "h1", "h2", "h3", "h4", "h1-subtitle", "list",
        "table-title", "table-cell", "table-head", "table-total", "caption",
        "footnote", "toc-title", "toc-entry", "toc-number", "cover-title",
        "cover-subtitle", "cover-meta", "cover-para", "header", "footer",
        "workstream-number", "minor-heading", "abstract" };
    for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
        const style_class *c = cls(s, required[i]);
        if (!(c->size >= 5 && c->size <= 60))
            fail_msg("class %s: size %g pt", required[i], c->size);
        if (!(c->leading >= c->size && c->leading <= 2 * c->size))
            fail_msg("class %s: leading %g pt for size %g", required[i],
                     c->leading, c->size);
        assert_true(c->font >= 0 && c->font < s->font_count);
        assert_true(c->variant >= 0 && c->variant < FONT_VARIANTS);
        assert_true(c->align >= ALIGN_JUSTIFY && c->align <= ALIGN_CENTER);
        assert_true(c->colour >= -1 && c->colour < s->colour_count);
        assert_true(c->background >= -1 && c->background < s->colour_count);
        assert_true(c->space_before >= 0 && c->space_after >= 0);
    }
    assert_null(style_class_get(s, "no-such-class"));
    for (const char *const *m = (const char *const[]){ "cover", "contents",
                                                        "opener", "continuation",
                                                        NULL };
         *m; m++) {
        const style_master *pm = style_master_get(s, *m);
        if (!pm)
            fail_msg("no page '%s'", *m);
        /* every page inherits the body page's size */
        assert_close(pm->width, house_length(f, "page", "body", "width"));
        assert_close(pm->height, house_length(f, "page", "body", "height"));
        assert_true(pm->margin_top > 0 && pm->margin_bottom > 0);
        assert_true(pm->margin_inner + pm->margin_outer < pm->width / 2);
    }
    assert_null(style_master_get(s, "no-such-page"));
}

static void house_style_values(void **state)
{
    fixture *f = *state;
    const style *s = load_house(f);
    const style_class *body = cls(s, "body");
    assert_close(body->size, house_length(f, "class", "body", "size"));
    assert_close(body->leading, house_length(f, "class", "body", "leading"));
    assert_close(body->space_after, house_length(f, "class", "body", "space-after"));
    assert_int_equal(body->align, house_align(f, "body"));
    assert_int_equal(body->hyphenate, house_flag(f, "body", "hyphenate"));
    assert_null(house_attr(f, "class", "body", "variant")); /* the default: */
    assert_int_equal(body->variant, FONT_REGULAR);
    const style_class *h1 = cls(s, "h1");
    assert_close(h1->size, house_length(f, "class", "h1", "size"));
    assert_string_equal(house_text_of(f, "class", "h1", "variant"), "bold");
    assert_int_equal(h1->variant, FONT_BOLD);
    assert_int_equal(h1->align, house_align(f, "h1"));
    assert_int_equal(h1->hyphenate, house_flag(f, "h1", "hyphenate"));
    assert_int_equal(h1->keep_with_next, house_flag(f, "h1", "keep-with-next"));
    assert_close(h1->rule_width, house_length(f, "class", "h1", "rule-width"));
    const style_colour *rule = style_colour_at(s, h1->rule_colour);
    assert_non_null(rule);
    assert_string_equal(rule->name, house_text_of(f, "class", "h1", "rule-colour"));
    const style_class *cta = cls(s, "cta");
    assert_int_equal(cta->uppercase, house_flag(f, "cta", "uppercase"));
    assert_non_null(cta->prefix);
    assert_string_equal(cta->prefix, house_text_of(f, "class", "cta", "prefix"));
    assert_close(cta->letter_spacing, house_length(f, "class", "cta", "letter-spacing"));
    /* Colours: RGB 0..1 and CMYK percentages as 0..1. */
    const style_colour *text = style_colour_at(s, h1->colour);
    assert_non_null(text);
    assert_string_equal(text->name, house_text_of(f, "class", "h1", "colour"));
    for (int i = 0; i < s->colour_count; i++)
        assert_colour_as_written(f, style_colour_at(s, i));
    assert_null(style_colour_at(s, -1));
    assert_null(style_colour_at(s, s->colour_count));
    /* Typography and strings (the first <strings>: the report's language). */
    assert_close(s->typo.tolerance, house_number(f, "typography", "tolerance"));
    assert_close(s->typo.hyphen_penalty, house_number(f, "typography", "hyphen-penalty"));
    assert_close(s->typo.hyphen_right_min, house_number(f, "typography", "hyphen-right-min"));
    assert_string_equal(s->strings.toc_title, house_text_of(f, "strings", NULL, "toc-title"));
    assert_string_equal(s->strings.bullets[0], house_text_of(f, "strings", NULL, "bullet-1"));
    assert_string_equal(s->strings.ordered_formats[1],
                        house_text_of(f, "strings", NULL, "ordered-2"));
    assert_close(s->list_indent, house_length(f, "layout", NULL, "list-indent"));
    /* Page masters inherit from the page named in base=: the cover sets its
     * own top margin and takes the body page's inner one. */
    const style_master *cover = style_master_get(s, "cover");
    assert_close(cover->margin_top, house_length(f, "page", "cover", "margin-top"));
    assert_null(house_attr(f, "page", "cover", "margin-inner"));
    assert_close(cover->margin_inner, house_length(f, "page", "body", "margin-inner"));
    assert_true(cover->background >= 0);
}

static void house_style_font_files_exist(void **state)
{
    fixture *f = *state;
    const style *s = load_house(f);
    assert_true(s->font_count >= 1);
    for (int i = 0; i < s->font_count; i++)
        for (int v = 0; v < FONT_VARIANTS; v++) {
            const char *p = s->fonts[i].path[v];
            assert_non_null(p);
            if (access(p, R_OK) != 0)
                fail_msg("font %s variant %d: '%s' unreadable", s->fonts[i].name, v, p);
        }
}

/* style.h: "path[FONT_VARIANTS]; absolute paths after loading". */
static void house_style_font_paths_are_absolute(void **state)
{
    fixture *f = *state;
    const style *s = load_house(f);
    for (int i = 0; i < s->font_count; i++)
        for (int v = 0; v < FONT_VARIANTS; v++)
            if (s->fonts[i].path[v][0] != '/')
                fail_msg("font %s variant %d: path '%s' is not absolute",
                         s->fonts[i].name, v, s->fonts[i].path[v]);
}

/* CHILD is based on PARENT and takes its look: size, leading, colour,
 * alignment and font. */
static void assert_takes_the_look_of(const style_class *child, const style_class *parent)
{
    assert_string_equal(child->base, parent->name);
    assert_close(child->size, parent->size);
    assert_close(child->leading, parent->leading);
    assert_int_equal(child->colour, parent->colour);
    assert_int_equal(child->align, parent->align);
    assert_int_equal(child->font, parent->font);
}

static void inheritance_in_the_house_style(void **state)
{
    fixture *f = *state;
    const style *s = load_house(f);
    const style_class *h4 = cls(s, "h4");
    assert_takes_the_look_of(h4, cls(s, "h3"));
    assert_string_equal(house_text_of(f, "class", "h4", "variant"), "bold-italic");
    assert_int_equal(h4->variant, FONT_BOLD_ITALIC); /* its own */
    assert_close(h4->space_before, house_length(f, "class", "h4", "space-before"));
    /* Without base=, a class is based on body. */
    const style_class *list = cls(s, "list");
    assert_takes_the_look_of(list, cls(s, "body"));
    assert_close(list->space_after, house_length(f, "class", "list", "space-after"));
    const style_class *head = cls(s, "table-head"), *cell = cls(s, "table-cell");
    assert_null(house_attr(f, "class", "table-head", "size"));
    assert_close(head->size, cell->size);
    assert_close(cell->size, house_length(f, "class", "table-cell", "size"));
}

/* ---- temporary style files --------------------------------------------- */

static void copy_in_another_folder_uses_the_font_fallback(void **state)
{
    fixture *f = *state;
    /* ../fonts/ does not exist next to the copy: the fallback folder is
     * searched by file name. */
    char *path = write_style(f, "copy.xml", house_text);
    const style *s = style_load(f->a, path, fonts_dir, &f->diags);
    if (!s)
        print_diags(&f->diags);
    assert_non_null(s);
    assert_int_equal(f->diags.count, 0);
    assert_non_null(strstr(s->fonts[0].path[FONT_REGULAR], "NotoSans-Regular.ttf"));
    assert_int_equal(access(s->fonts[0].path[FONT_REGULAR], R_OK), 0);
}

static void copy_without_fallback_misses_its_fonts(void **state)
{
    fixture *f = *state;
    char *path = write_style(f, "nofallback.xml", house_text);
    assert_null(style_load(f->a, path, NULL, &f->diags));
    const diag *g = find_diag(&f->diags, "not found");
    assert_non_null(g);
    assert_int_equal(g->severity, DIAG_ENVIRONMENT);
    assert_int_equal(diag_exit_status(&f->diags, false), 2);
}

static void missing_font_file_is_an_environment_error(void **state)
{
    fixture *f = *state;
    assert_extra_line_refused(f, "missing-font.xml",
                              "  <font name=\"extra\" regular=\"NoSuchFont-Regular.ttf\"/>",
                              DIAG_ENVIRONMENT, "NoSuchFont-Regular.ttf");
    assert_int_equal(diag_exit_status(&f->diags, false), 2);
}

/* The house style with a required name misspelt: refused, naming it. */
typedef struct edited_name {
    const char *file, *from, *to, *needle;
} edited_name;

static const edited_name edited_names[] = {
    { "no-caption.xml", "name=\"caption\"", "name=\"kaption\"", "caption" },
    /* model.c sets a level-1 section's <subtitle> in class "h1-subtitle" */
    { "no-h1-subtitle.xml", "name=\"h1-subtitle\"", "name=\"h1-sub\"", "h1-subtitle" },
    { "no-opener.xml", "name=\"opener\"", "name=\"openr\"", "opener" },
};

static void a_missing_required_name_is_refused(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof edited_names / sizeof *edited_names; i++) {
        const edited_name *e = &edited_names[i];
        diag_clear(&f->diags);
        assert_edited_refused(f, e->file, e->from, e->to, DIAG_ENVIRONMENT, e->needle);
    }
}

static void malformed_xml_is_refused(void **state)
{
    fixture *f = *state;
    char *path = write_style(f, "broken.xml",
                             "<style xmlns=\"urn:x-kcvs-pdf:style\">\n"
                             "  <colour name=\"a\"\n"
                             "</style>\n");
    assert_null(style_load(f->a, path, fonts_dir, &f->diags));
    assert_true(diag_has_errors(&f->diags));
    assert_non_null(f->diags.items[0].loc.file);
    assert_string_equal(f->diags.items[0].loc.file, path);
    assert_true(f->diags.items[0].loc.line >= 2);
}

static void inheritance_in_a_written_style(void **state)
{
    fixture *f = *state;
    int line;
    /* A class based on h2 keeps its look but not its spacing or
     * decoration (header comment in style.c: those belong to one class). */
    char *text = house_plus_line(f, "  <class name=\"extra\" base=\"h2\" size=\"20pt\"/>"
                                 "<class name=\"plain\"/>"
                                 "<class name=\"boxed\" base=\"cta\"/>",
                                 &line);
    char *path = write_style(f, "inherit.xml", text);
    const style *s = style_load(f->a, path, fonts_dir, &f->diags);
    if (!s)
        print_diags(&f->diags);
    assert_non_null(s);
    const style_class *h2 = cls(s, "h2"), *x = cls(s, "extra");
    assert_close(x->size, 20);
    assert_close(x->leading, h2->leading);
    assert_int_equal(x->variant, h2->variant);
    assert_int_equal(x->colour, h2->colour);
    assert_int_equal(x->align, h2->align);
    assert_int_equal(x->hyphenate, h2->hyphenate);
    assert_close(x->space_before, 0);
    assert_false(x->keep_with_next);
    const style_class *plain = cls(s, "plain"), *body = cls(s, "body");
    assert_close(plain->size, body->size);
    assert_int_equal(plain->align, body->align);
    const style_class *boxed = cls(s, "boxed"), *cta = cls(s, "cta");
    assert_true(boxed->uppercase);
    assert_int_equal(boxed->variant, cta->variant);
    assert_int_equal(boxed->background, -1);
    assert_null(boxed->prefix);
}

/* ---- refused lines: one table ----------------------------------------- */

/* A line added to the house style and what the message refusing it
 * (an environment error, at that line) must say. */
typedef struct refused_line {
    const char *file, *line, *needle;
} refused_line;

static const refused_line refused_lines[] = {
    /* unknown property */
    { "unknown-prop.xml",
      "  <class name=\"extra\" bogus=\"1\"/>",
      "bogus" },
    /* unknown property on a page */
    { "unknown-page-prop.xml",
      "  <page name=\"extra\" base=\"body\" gutter=\"1pt\"/>",
      "gutter" },
    /* bad length */
    { "bad-length.xml",
      "  <class name=\"extra\" size=\"12px\"/>",
      "12px" },
    { "bad-layout-length.xml",
      "  <layout list-indent=\"wide\"/>",
      "wide" },
    /* bad boolean number and enum */
    { "bad-bool.xml",
      "  <class name=\"extra\" hyphenate=\"yes\"/>",
      "yes" },
    { "bad-number.xml",
      "  <typography tolerance=\"lots\"/>",
      "lots" },
    { "bad-align.xml",
      "  <class name=\"extra\" align=\"middle\"/>",
      "middle" },
    /* unknown colour reference */
    { "bad-colour.xml",
      "  <class name=\"extra\" colour=\"mauve\"/>",
      "mauve" },
    { "bad-band.xml",
      "  <page name=\"extra\" base=\"body\" band-colour=\"teal\"/>",
      "teal" },
    /* malformed colour values */
    { "bad-rgb.xml",
      "  <colour name=\"x\" rgb=\"#12345\" cmyk=\"0 0 0 0\"/>",
      "rgb" },
    { "bad-cmyk.xml",
      "  <colour name=\"x\" rgb=\"#123456\" cmyk=\"0 0 0 150\"/>",
      "cmyk" },
    /* unknown element */
    { "unknown-element.xml",
      "  <frobnicate/>",
      "frobnicate" },
    /* element outside the style namespace */
    { "foreign.xml",
      "  <class xmlns=\"urn:other\" name=\"x\"/>",
      "namespace" },
    /* base must exist before use */
    { "bad-base.xml",
      "  <class name=\"extra\" base=\"h9\"/>",
      "h9" },
    /* zero size and leading are refused */
    { "size0.xml",
      "  <class name=\"extra\" size=\"0pt\"/>",
      "bad value '0pt' for style property 'size' (it must be more than 0, at most 14400pt)" },
    { "leading0.xml",
      "  <class name=\"extra\" leading=\"0\"/>",
      "'leading' (it must be more than 0" },
    /* negative and huge lengths are refused */
    { "negative.xml",
      "  <class name=\"extra\" space-after=\"-4pt\"/>",
      "'space-after' (it must be 0 or more" },
    { "indent.xml",
      "  <class name=\"extra\" indent-left=\"-40pt\"/>",
      "'indent-left'" },
    { "huge.xml",
      "  <class name=\"extra\" size=\"1e20pt\"/>",
      "'size' (it must be more than 0, at most" },
    { "overflow.xml",
      "  <class name=\"extra\" first-indent=\"1e400pt\"/>",
      "'first-indent'" },
    /* margins must leave room on the page */
    { "margins.xml",
      "  <page name=\"extra\" base=\"body\" margin-inner=\"300pt\" margin-outer=\"300pt\"/>",
      "the margins leave no room" },
    /* typography counts have limits */
    { "run.xml",
      "  <typography max-hyphen-run=\"9\"/>",
      "'max-hyphen-run' (it must be 0 or more, at most 8)" },
    { "int.xml",
      "  <typography widows=\"99999999999\"/>",
      "'widows'" },
    { "badness.xml",
      "  <typography underfull-badness=\"-1\"/>",
      "'underfull-badness'" },
    /* indents must leave room for text */
    { "indents.xml",
      "  <class name=\"extra\" indent-left=\"300pt\" indent-right=\"300pt\"/>",
      "class 'extra': its indents and padding" },
};

static void every_refused_line_is_refused_at_its_line(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof refused_lines / sizeof *refused_lines; i++) {
        const refused_line *r = &refused_lines[i];
        diag_clear(&f->diags); /* each row finds its own message */
        assert_extra_line_refused(f, r->file, r->line, DIAG_ENVIRONMENT, r->needle);
    }
}

/* A colour, font, class or page without a name: the message counts with
 * the style's own limit. */
static void a_nameless_entry_is_refused_with_its_limit(void **state)
{
    fixture *f = *state;
    char want[80];
    snprintf(want, sizeof want, "<colour> needs a name (at most %d colours)",
             STYLE_MAX_COLOURS);
    assert_extra_line_refused(f, "nameless.xml",
                              "  <colour rgb=\"#000000\" cmyk=\"0 0 0 100\"/>",
                              DIAG_ENVIRONMENT, want);
    snprintf(want, sizeof want, "<page> needs a name (at most %d masters)", STYLE_MAX_MASTERS);
    assert_extra_line_refused(f, "nameless-page.xml", "  <page base=\"body\"/>",
                              DIAG_ENVIRONMENT, want);
}

/* How RGB images become print CMYK: the house style's choice, and each
 * ICC rendering intent by name. */
static void print_image_conversion(void **state)
{
    fixture *f = *state;
    const style *s = load_house(f);
    assert_int_equal(s->print.image_intent, STYLE_INTENT_RELATIVE);
    assert_true(s->print.black_point_compensation);
    static const char *const names[] = { "perceptual", "relative-colorimetric",
                                         "saturation", "absolute-colorimetric" };
    for (int i = 0; i < 4; i++) {
        char to[128], name[32];
        snprintf(to, sizeof to, "image-intent=\"%s\"\n         black-point-compensation=\"false\"",
                 names[i]);
        snprintf(name, sizeof name, "intent%d.xml", i);
        char *path = write_style(f, name, house_with(f, "image-intent=\"relative-colorimetric\"\n"
                                                        "         black-point-compensation=\"true\"",
                                                     to));
        const style *t = style_load(f->a, path, fonts_dir, &f->diags);
        if (!t)
            print_diags(&f->diags);
        assert_non_null(t);
        assert_int_equal(t->print.image_intent, i);
        assert_false(t->print.black_point_compensation);
    }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(length_units),
        T(length_rejects),
        T(house_style_loads_with_every_required_class),
        T(house_style_values),
        T(house_style_font_files_exist),
        T(house_style_font_paths_are_absolute),
        T(inheritance_in_the_house_style),
        T(copy_in_another_folder_uses_the_font_fallback),
        T(copy_without_fallback_misses_its_fonts),
        T(missing_font_file_is_an_environment_error),
        T(a_missing_required_name_is_refused),
        T(malformed_xml_is_refused),
        T(inheritance_in_a_written_style),
        T(every_refused_line_is_refused_at_its_line),
        T(a_nameless_entry_is_refused_with_its_limit),
        T(print_image_conversion),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
