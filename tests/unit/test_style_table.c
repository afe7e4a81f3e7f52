/* Unit tests of style_table, the one declaration of the style parameters:
 * - the schema (schema/style.rng) allows exactly the table's properties on
 *   each element, each with the schema type of its table type;
 * - every row drives the loader: a value written in a style sheet lands in
 *   the row's field (so no row points at another's field or type);
 * - a default the schema's documentation states in brackets is the table's;
 * - the rows are well formed: unique names and fields, one line of help.
 * Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "style.h"
#include "style_table.h"
#include "testutil.h"

#define SCHEMA "schema/style.rng"
#define RNG_NS "http://relaxng.org/ns/structure/1.0"

/* ---- the schema's attributes ------------------------------------------- */

enum { MAX_ATTRS = 128 };

typedef struct attrs {
    const xmlNode *node[MAX_ATTRS];
    int count;
} attrs;

static bool is_rng(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns &&
           strcmp((const char *)n->ns->href, RNG_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

static bool has_name(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"name");
    bool same = v && strcmp((const char *)v, name) == 0;
    xmlFree(v);
    return same;
}

static const xmlNode *find_named(const xmlNode *n, const char *kind, const char *name)
{
    for (; n; n = n->next) {
        if (is_rng(n, kind) && has_name(n, name))
            return n;
        const xmlNode *in = find_named(n->children, kind, name);
        if (in)
            return in;
    }
    return NULL;
}

/* The attributes a pattern allows: refs followed, nested elements not
 * entered. */
static void collect(const xmlNode *root, const xmlNode *n, attrs *out, int depth)
{
    assert_true(depth < 16);
    for (; n; n = n->next) {
        if (is_rng(n, "attribute")) {
            assert_true(out->count < MAX_ATTRS);
            out->node[out->count++] = n;
        } else if (is_rng(n, "ref")) {
            xmlChar *ref = xmlGetProp(n, (const xmlChar *)"name");
            const xmlNode *d = find_named(root, "define", (const char *)ref);
            xmlFree(ref);
            assert_non_null(d);
            collect(root, d->children, out, depth + 1);
        } else if (n->type == XML_ELEMENT_NODE && !is_rng(n, "element"))
            collect(root, n->children, out, depth + 1);
    }
}

/* An attribute's value pattern in words: "ref s.length", "text",
 * "data", "choice a|b|c" (its first pattern: the schema gives one). */
static void value_pattern(const xmlNode *attr, char *buf, size_t size)
{
    for (const xmlNode *c = attr->children; c; c = c->next) {
        if (is_rng(c, "ref")) {
            xmlChar *ref = xmlGetProp(c, (const xmlChar *)"name");
            snprintf(buf, size, "ref %s", (const char *)ref);
            xmlFree(ref);
            return;
        }
        if (is_rng(c, "text") || is_rng(c, "data")) {
            snprintf(buf, size, "%s", is_rng(c, "text") ? "text" : "data");
            return;
        }
        if (is_rng(c, "choice")) {
            snprintf(buf, size, "choice ");
            for (const xmlNode *v = c->children; v; v = v->next)
                if (is_rng(v, "value")) {
                    xmlChar *t = xmlNodeGetContent(v);
                    size_t len = strlen(buf);
                    snprintf(buf + len, size - len, "%s%s", buf[len - 1] == ' ' ? "" : "|",
                             (const char *)t);
                    xmlFree(t);
                }
            return;
        }
    }
    snprintf(buf, size, "text"); /* RELAX NG's default for an attribute */
}

/* The schema pattern a row's type must have. */
static bool pattern_fits(const style_param *p, const char *pattern)
{
    char want[256];
    switch (p->type) {
    case STYLE_LENGTH:
        return strcmp(pattern, p->low == STYLE_ANY ? "ref s.signed-length" : "ref s.length") == 0;
    case STYLE_NUMBER: return strcmp(pattern, "ref s.number") == 0;
    case STYLE_COUNT: return strcmp(pattern, "ref s.count") == 0;
    case STYLE_BOOLEAN: return strcmp(pattern, "ref s.boolean") == 0;
    case STYLE_COLOUR: return strcmp(pattern, "ref s.colour-ref") == 0;
    case STYLE_FONT: return strcmp(pattern, "ref s.font-ref") == 0;
    case STYLE_VARIANT: return strcmp(pattern, "ref s.variant") == 0;
    case STYLE_ALIGN: return strcmp(pattern, "ref s.align") == 0;
    case STYLE_INTENT:
        snprintf(want, sizeof want, "choice ");
        for (const char *const *v = style_type_values(p->type); *v; v++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s",
                     v == style_type_values(p->type) ? "" : "|", *v);
        return strcmp(pattern, want) == 0;
    case STYLE_TEXT: return strcmp(pattern, "text") == 0 || strcmp(pattern, "data") == 0;
    case STYLE_TEMPLATE: return strcmp(pattern, "ref s.template") == 0;
    }
    return false;
}

static bool attr_named(const xmlNode *a, const char *name)
{
    return has_name(a, name);
}

static void element_attrs(const xmlDoc *doc, style_element el, attrs *out)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *e = find_named(root, "element", style_element_name(el));
    if (!e)
        fail_msg("no element <%s> in %s", style_element_name(el), SCHEMA);
    out->count = 0;
    collect(root, e->children, out, 0);
}

/* The schema's definition of row P's attribute, or NULL. */
static const xmlNode *schema_attr(const xmlDoc *doc, const style_param *p)
{
    attrs a;
    element_attrs(doc, p->element, &a);
    for (int i = 0; i < a.count; i++)
        if (attr_named(a.node[i], p->name))
            return a.node[i];
    return NULL;
}

/* The walk documented_defaults_are_the_tables repeats (duplicates pairs
 * them) with its own question. */
static void every_row_is_in_the_schema_with_its_type(void **state)
{
    xmlDoc *doc = xmlReadFile(SCHEMA, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    int bad = 0;
    for (const style_param *p = style_params; p->name; p++) {
        const xmlNode *attr = schema_attr(doc, p);
        if (!attr) {
            print_error("<%s %s>: in the table, not in %s\n", style_element_name(p->element),
                        p->name, SCHEMA);
            bad++;
            continue;
        }
        char pattern[256];
        value_pattern(attr, pattern, sizeof pattern);
        if (!pattern_fits(p, pattern)) {
            print_error("<%s %s>: the table's type is %s%s, the schema's %s\n",
                        style_element_name(p->element), p->name, style_type_name(p->type),
                        p->type == STYLE_LENGTH && p->low == STYLE_ANY ? " (signed)" : "",
                        pattern);
            bad++;
        }
    }
    xmlFreeDoc(doc);
    assert_int_equal(bad, 0);
}

/* Handled by the loader itself, not by the table. */
static bool loader_attribute(style_element el, const char *name)
{
    if (el == STYLE_EL_CLASS || el == STYLE_EL_PAGE)
        return strcmp(name, "name") == 0 || strcmp(name, "base") == 0;
    return el == STYLE_EL_STRINGS && strcmp(name, "lang") == 0;
}

static void every_schema_attribute_is_in_the_table(void **state)
{
    xmlDoc *doc = xmlReadFile(SCHEMA, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    int bad = 0;
    for (int el = 0; el < STYLE_ELEMENTS; el++) {
        attrs a;
        element_attrs(doc, (style_element)el, &a);
        for (int i = 0; i < a.count; i++) {
            xmlChar *name = xmlGetProp(a.node[i], (const xmlChar *)"name");
            const style_param *p = style_params;
            while (p->name && (p->element != (style_element)el ||
                               strcmp(p->name, (const char *)name) != 0))
                p++;
            if (!p->name && !loader_attribute((style_element)el, (const char *)name)) {
                print_error("<%s %s>: in %s, not in the table\n",
                            style_element_name((style_element)el), (const char *)name, SCHEMA);
                bad++;
            }
            xmlFree(name);
        }
    }
    xmlFreeDoc(doc);
    assert_int_equal(bad, 0);
}

/* The default an attribute's documentation states in brackets ("[3mm]",
 * "[0: never]", "[none]"): the text up to ']', ';' or a ':' before a space
 * (a default may end in one: "[Q:]"), a quoted default whole, or "" when
 * it states none. */
static void documented_default(const xmlNode *attr, char *buf, size_t size)
{
    buf[0] = '\0';
    for (const xmlNode *c = attr->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "documentation"))
            continue;
        xmlChar *text = xmlNodeGetContent(c);
        const char *open = strchr((const char *)text, '[');
        if (open) {
            size_t n = strcspn(open + 1, "];");
            const char *quote = open[1] == '"' ? strchr(open + 2, '"') : NULL;
            if (quote) /* a quoted default may hold any sign: ["]"] */
                n = (size_t)(quote - open);
            const char *colon = strstr(open + 1, ": ");
            if (colon && (size_t)(colon - open - 1) < n)
                n = (size_t)(colon - open - 1);
            snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), open + 1);
        }
        xmlFree(text);
        return;
    }
}

/* Whether the documented default d says what the row's default does. */
static bool default_agrees(const style_param *p, const char *d)
{
    const char *def = p->def ? p->def : "";
    if (!*def)
        return strncmp(d, "none", 4) == 0 || strncmp(d, "empty", 5) == 0 ||
               strcmp(d, "0") == 0 || strcmp(d, "false") == 0;
    char quoted[256];
    snprintf(quoted, sizeof quoted, "\"%s\"", def);
    if (strcmp(d, def) == 0 || strcmp(d, quoted) == 0)
        return true;
    double a, b;
    char *end;
    if (p->type == STYLE_LENGTH)
        return style_parse_length(d, &a) && style_parse_length(def, &b) && fabs(a - b) < 1e-9;
    if (p->type == STYLE_NUMBER || p->type == STYLE_COUNT) {
        a = strtod(d, &end);
        return end != d && *end == '\0' && fabs(a - strtod(def, NULL)) < 1e-9;
    }
    return false;
}

/* Walks the table against the schema as every_row_is_in_the_schema_with_its_type
 * does (duplicates pairs them): the same walk, another question. */
static void documented_defaults_are_the_tables(void **state)
{
    xmlDoc *doc = xmlReadFile(SCHEMA, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    int bad = 0;
    for (const style_param *p = style_params; p->name; p++) {
        const xmlNode *attr = schema_attr(doc, p);
        char d[256];
        if (!attr)
            continue; /* every_row_is_in_the_schema_with_its_type says so */
        documented_default(attr, d, sizeof d);
        if (*d && !default_agrees(p, d)) {
            print_error("<%s %s>: %s documents the default [%s], the table has %s\n",
                        style_element_name(p->element), p->name, SCHEMA, d,
                        p->def ? p->def : "none");
            bad++;
        }
    }
    xmlFreeDoc(doc);
    assert_int_equal(bad, 0);
}

/* ---- the table drives the loader --------------------------------------- */

static char tmpdir[PATH_MAX];
static char *house_text;
TMPDIR_GROUP(tmpdir, "style-table")

static int group_setup(void **state)
{
    if (tmpdir_group_setup(state) != 0)
        return -1;
    house_text = read_text_file(HOUSE_STYLE);
    return house_text ? 0 : -1;
}

static int group_teardown(void **state)
{
    free(house_text);
    return tmpdir_group_teardown(state);
}

/* The house style with p set to value on a probe class or page, or on its
 * element (a later value replaces an earlier one), loaded from tmpdir. */
static const style *load_with(arena *a, diag_list *d, const style_param *p, const char *value)
{
    char extra[512], fonts[PATH_MAX], path[PATH_MAX];
    const char *el = style_element_name(p->element);
    if (p->element == STYLE_EL_CLASS || p->element == STYLE_EL_PAGE)
        snprintf(extra, sizeof extra, "<%s name=\"probe\" base=\"body\" %s=\"%s\"/>", el,
                 p->name, value);
    else
        snprintf(extra, sizeof extra, "<%s %s=\"%s\"/>", el, p->name, value);
    const char *close = strstr(house_text, "</style>");
    assert_non_null(close);
    char *text = malloc(strlen(house_text) + strlen(extra) + 1);
    assert_non_null(text);
    snprintf(text, strlen(house_text) + strlen(extra) + 1, "%.*s%s%s",
             (int)(close - house_text), house_text, extra, close);
    assert_true(write_text_file(tmpdir, "probe.xml", text));
    free(text);
    assert_non_null(getcwd(fonts, sizeof fonts - 8));
    strcat(fonts, "/fonts");
    assert_true(path_join(path, tmpdir, "probe.xml"));
    const style *s = style_load(a, path, fonts, d);
    if (!s)
        for (size_t i = 0; i < d->count; i++)
            print_error("%s=\"%s\": %s\n", p->name, value, d->items[i].message);
    assert_non_null(s);
    return s;
}

static const char *field_of(const style *s, const style_param *p)
{
    const void *base = NULL;
    switch (p->element) {
    case STYLE_EL_CLASS: base = style_class_get(s, "probe"); break;
    case STYLE_EL_PAGE: base = style_master_get(s, "probe"); break;
    case STYLE_EL_TYPOGRAPHY: base = &s->typo; break;
    case STYLE_EL_STRINGS: base = &s->strings; break;
    case STYLE_EL_LAYOUT: base = s; break;
    case STYLE_EL_CHART: base = &s->chart; break;
    case STYLE_EL_PRINT: base = &s->print; break;
    case STYLE_ELEMENTS: break;
    }
    assert_non_null(base);
    return (const char *)base + p->offset;
}

static int colour_index(const style *s, const char *name)
{
    for (int i = 0; i < s->colour_count; i++)
        if (strcmp(s->colours[i].name, name) == 0)
            return i;
    fail_msg("no colour %s in the house style", name);
    return -1;
}

/* Writes a value of p's type, never its default, and checks its field. */
static void round_trip(const style_param *p, const char *value)
{
    diag_list d;
    arena *a = fixture_arena_open(&d);
    const style *s = load_with(a, &d, p, value);
    const char *f = field_of(s, p);
    const char *const *values = style_type_values(p->type);
    int last = 0;
    while (values && values[last + 1])
        last++;
    switch (p->type) {
    case STYLE_LENGTH: case STYLE_NUMBER:
        assert_true(fabs(*(const double *)f - strtod(value, NULL)) < 1e-9);
        break;
    case STYLE_COUNT: assert_int_equal(*(const int *)f, atoi(value)); break;
    case STYLE_BOOLEAN: assert_int_equal(*(const bool *)f, strcmp(value, "true") == 0); break;
    case STYLE_COLOUR: assert_int_equal(*(const int *)f, colour_index(s, value)); break;
    case STYLE_FONT: assert_string_equal(s->fonts[*(const int *)f].name, value); break;
    case STYLE_VARIANT: case STYLE_ALIGN: case STYLE_INTENT:
        assert_int_equal(*(const int *)f, last);
        break;
    case STYLE_TEXT: case STYLE_TEMPLATE:
        assert_string_equal(*(const char *const *)f, value);
        break;
    }
    fixture_arena_close(a, &d);
}

/* Values inside every row's range: a page's lengths leave room for text. */
static void every_row_sets_its_own_field(void **state)
{
    for (const style_param *p = style_params; p->name; p++) {
        const char *const *values = style_type_values(p->type);
        int last = 0;
        while (values && values[last + 1])
            last++;
        switch (p->type) {
        case STYLE_LENGTH:
            round_trip(p, p->element == STYLE_EL_PAGE ? "300pt" : "1.25pt");
            break;
        case STYLE_NUMBER: round_trip(p, "0.0625"); break;
        case STYLE_COUNT: round_trip(p, "7"); break;
        case STYLE_BOOLEAN:
            round_trip(p, "true");
            round_trip(p, "false");
            break;
        case STYLE_COLOUR: round_trip(p, "accent"); break;
        case STYLE_FONT: round_trip(p, "mono"); break;
        case STYLE_VARIANT: case STYLE_ALIGN: case STYLE_INTENT:
            round_trip(p, values[last]);
            break;
        case STYLE_TEXT: case STYLE_TEMPLATE: round_trip(p, "x 0.5"); break;
        }
    }
}

/* ---- the rows themselves ------------------------------------------------ */

static void rows_are_unique_and_documented(void **state)
{
    for (const style_param *p = style_params; p->name; p++) {
        for (const style_param *q = style_params; q < p; q++)
            if (q->element == p->element &&
                (strcmp(q->name, p->name) == 0 || q->offset == p->offset))
                fail_msg("<%s>: %s and %s: the same name or field",
                         style_element_name(p->element), q->name, p->name);
        assert_non_null(p->help);
        size_t n = strlen(p->help);
        if (n == 0 || n > 100 || strchr(p->help, '\n') ||
            !(p->help[n - 1] == '.' || strcmp(p->help + n - 3, "\u2026") == 0))
            fail_msg("%s: the help is not one line of at most 100 characters "
                     "ending in a full stop", p->name);
        if (p->type != STYLE_NUMBER && p->type != STYLE_COUNT)
            assert_null(p->unit);
    }
}

/* cmocka's table of this file's tests, in the shape of every short test
 * file's main (duplicates pairs test_infile, test_mem, test_pdftree,
 * test_style_table, test_ptrindex, test_strindex and test_zpool):
 * each lists its own tests by name. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_is_in_the_schema_with_its_type),
        cmocka_unit_test(every_schema_attribute_is_in_the_table),
        cmocka_unit_test(documented_defaults_are_the_tables),
        cmocka_unit_test(every_row_sets_its_own_field),
        cmocka_unit_test(rows_are_unique_and_documented),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
