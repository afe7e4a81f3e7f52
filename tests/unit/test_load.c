/* Unit tests of load on small reports written to a temporary folder:
 * a valid document, xi:include with the included file named by
 * load_node_file, includes that leave the report's folder (by "../", by an
 * absolute path, by a symbolic link, by a sibling folder sharing the
 * prefix), external entities (XXE) refused, malformed and empty files, and
 * load_resolve_resource's confinement. Run from the repository root (the
 * schema is schema/kcvs.rng). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "load.h"
#include "testutil.h"

#define SCHEMA "schema/kcvs.rng"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define DOC_OPEN                                                              \
    XML_DECL                                                                  \
    "<article xmlns=\"http://docbook.org/ns/docbook\"\n"                      \
    "         xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n"                 \
    "         xmlns:xi=\"http://www.w3.org/2001/XInclude\" version=\"5.0\">\n" \
    "  <info><title>Proef</title></info>\n"
/* DOC_OPEN is 5 lines: what follows it starts on line 6. */
#define DOC_CLOSE "</article>\n"

/* The start of an article without the xlink and xi namespaces, after a
 * document's own DOCTYPE (two lines). */
#define PLAIN_ARTICLE_OPEN                                                    \
    "<article xmlns=\"http://docbook.org/ns/docbook\" version=\"5.0\">\n"     \
    "  <info><title>Proef</title></info>\n"
/* A whole document whose DOCTYPE has the internal subset subset, with body
 * in the article. */
#define DOCTYPE_DOC(subset, body)                                             \
    XML_DECL "<!DOCTYPE article [" subset "]>\n" PLAIN_ARTICLE_OPEN body DOC_CLOSE

/* ---- fixture ------------------------------------------------------------ */

static char tmpdir[PATH_MAX];
static char report_dir[PATH_MAX]; /* tmpdir/report: the report's folder */
TMPDIR_GROUP(tmpdir, "load")

typedef struct fixture {
    load_result r;
    diag_list diags;
    char path[PATH_MAX]; /* the main file of the test */
    char *strings[8];    /* malloc'ed results, freed by teardown */
    int string_count;
} fixture;

static int group_setup(void **state)
{
    if (tmpdir_group_setup(state) != 0 || !path_join(report_dir, tmpdir, "report"))
        return -1;
    return mkdir(report_dir, 0700);
}

static int setup(void **state)
{
    fixture *f = fixture_new(state, sizeof *f);
    diag_init(&f->diags);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    load_free(&f->r);
    diag_clear(&f->diags);
    for (int i = 0; i < f->string_count; i++)
        free(f->strings[i]);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static char *keep(fixture *f, char *s)
{
    assert_true(f->string_count < 8);
    f->strings[f->string_count++] = s;
    return s;
}

/* Writes text at tmpdir/rel, creating folders; returns the full path in a
 * static buffer. */
static const char *write_at(const char *rel, const char *text)
{
    static char path[PATH_MAX];
    assert_true(path_join(path, tmpdir, rel));
    if (!write_text_file(tmpdir, rel, text))
        fail_msg("writing %s: %s", path, strerror(errno));
    return path;
}

/* Writes the main file of a test as report/name. */
static const char *write_main(fixture *f, const char *name, const char *text)
{
    char rel[256];
    snprintf(rel, sizeof rel, "report/%s", name);
    snprintf(f->path, sizeof f->path, "%s", write_at(rel, text));
    return f->path;
}

static char *real(fixture *f, const char *rel)
{
    char path[PATH_MAX];
    assert_true(path_join(path, tmpdir, rel));
    char *r = realpath(path, NULL);
    if (!r)
        fail_msg("realpath %s: %s", path, strerror(errno));
    return keep(f, r);
}

static const diag *find_diag(const diag_list *d, const char *needle)
{
    for (size_t i = 0; i < d->count; i++)
        if (!needle || strstr(d->items[i].message, needle))
            return &d->items[i];
    return NULL;
}

static void print_diags(const diag_list *d)
{
    for (size_t i = 0; i < d->count; i++)
        print_message("  diag %d: %s:%d:%d: %s\n", (int)d->items[i].severity,
                      d->items[i].loc.file ? d->items[i].loc.file : "-",
                      d->items[i].loc.line, d->items[i].loc.col,
                      d->items[i].message);
}

static const diag *expect_diag(const diag_list *d, const char *needle)
{
    const diag *g = find_diag(d, needle);
    if (!g) {
        print_diags(d);
        fail_msg("no diagnostic mentions '%s'", needle ? needle : "anything");
    }
    return g;
}

static bool load(fixture *f)
{
    return load_document(f->path, SCHEMA, &f->r, &f->diags);
}

/* Asserts that loading fails with some error. */
static void expect_load_refused(fixture *f)
{
    assert_false(load(f));
    assert_true(diag_has_errors(&f->diags));
}

/* Asserts that loading fails with an error (severity DIAG_ERROR) whose
 * message holds needle (NULL: the first diagnostic); returns it. */
static const diag *expect_load_error(fixture *f, const char *needle)
{
    assert_false(load(f));
    const diag *g = expect_diag(&f->diags, needle);
    assert_int_equal(g->severity, DIAG_ERROR);
    return g;
}

static void expect_loaded(fixture *f)
{
    if (!load(f)) {
        print_diags(&f->diags);
        fail_msg("%s did not load", f->path);
    }
    assert_non_null(f->r.doc);
}

/* The first element child of n with the given local name, depth first. */
static xmlNode *find_element(xmlNode *n, const char *name)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)n->name, name) == 0)
            return n;
        xmlNode *in = find_element(n->children, name);
        if (in)
            return in;
    }
    return NULL;
}

static bool tree_contains_text(xmlNode *n, const char *needle)
{
    for (; n; n = n->next) {
        if (n->content && strstr((const char *)n->content, needle))
            return true;
        if (n->type == XML_ELEMENT_NODE && tree_contains_text(n->children, needle))
            return true;
    }
    return false;
}

static const char *section_file(const char *title, const char *body)
{
    static char text[2048];
    snprintf(text, sizeof text,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<section xmlns=\"http://docbook.org/ns/docbook\" version=\"5.0\">\n"
             "  <title>%s</title>\n"
             "%s"
             "</section>\n",
             title, body);
    return text;
}

/* ---- valid documents ------------------------------------------------------ */

static void valid_document(void **state)
{
    fixture *f = *state;
    write_main(f, "valid.xml", DOC_OPEN
               "  <section>\n"
               "    <title>Wonen</title>\n"
               "    <para>Tekst met <emphasis>nadruk</emphasis>.</para>\n"
               "  </section>\n" DOC_CLOSE);
    expect_loaded(f);
    assert_int_equal(f->diags.count, 0);
    assert_true(f->r.schema_valid);
    assert_int_equal(f->r.schema_messages.count, 0);
    assert_string_equal(f->r.root_dir, real(f, "report"));
    assert_string_equal(f->r.main_file, f->path);
    xmlNode *para = find_element(xmlDocGetRootElement(f->r.doc), "para");
    assert_non_null(para);
    assert_int_equal(xmlGetLineNo(para), 8);
    char *file = keep(f, load_node_file(&f->r, para));
    assert_string_equal(file, real(f, "report/valid.xml"));
}

static void schema_invalid_document_still_loads(void **state)
{
    fixture *f = *state;
    /* Outside the subset: loads, with validation messages kept for the
     * build stage. */
    write_main(f, "invalid.xml", DOC_OPEN
               "  <section>\n"
               "    <title>Wonen</title>\n"
               "    <epigraph><para>Opzij</para></epigraph>\n"
               "  </section>\n" DOC_CLOSE);
    expect_loaded(f);
    assert_false(f->r.schema_valid);
    assert_true(f->r.schema_messages.count > 0);
    assert_false(diag_has_errors(&f->diags));
}

static void internal_entities_are_expanded(void **state)
{
    fixture *f = *state;
    write_main(f, "entity.xml",
               DOCTYPE_DOC(" <!ENTITY org \"Kenniscentrum Vlaamse Steden\"> ",
                           "  <para>Door &org;.</para>\n"));
    expect_loaded(f);
    assert_int_equal(f->diags.count, 0);
    assert_true(tree_contains_text(xmlDocGetRootElement(f->r.doc),
                                   "Door Kenniscentrum Vlaamse Steden."));
}

/* ---- includes ---------------------------------------------------------------- */

/* This and nested_include_resolves_against_the_including_file end
 * alike, asking which file and line a node came from (duplicates pairs
 * them): the includes they load differ. */
static void include_names_the_included_file(void **state)
{
    fixture *f = *state;
    write_at("report/sections/wonen.xml",
             section_file("Wonen", "  <para>Eerste.</para>\n"
                                   "  <para>Tweede.</para>\n"));
    write_main(f, "inc.xml", DOC_OPEN
               "  <para>Inleiding.</para>\n"
               "  <xi:include href=\"sections/wonen.xml\"/>\n" DOC_CLOSE);
    expect_loaded(f);
    assert_int_equal(f->diags.count, 0);
    assert_true(f->r.schema_valid);
    xmlNode *root = xmlDocGetRootElement(f->r.doc);
    assert_null(find_element(root->children, "include"));
    xmlNode *section = find_element(root->children, "section");
    assert_non_null(section);
    const char *wonen = real(f, "report/sections/wonen.xml");
    assert_string_equal(keep(f, load_node_file(&f->r, section)), wonen);
    /* A paragraph of the included file: its file and its own line there. */
    xmlNode *second = find_element(section->children, "para");
    assert_non_null(second);
    second = second->next;
    while (second && second->type != XML_ELEMENT_NODE)
        second = second->next;
    assert_non_null(second);
    assert_string_equal(keep(f, load_node_file(&f->r, second)), wonen);
    assert_int_equal(xmlGetLineNo(second), 5);
    /* The paragraph before the include stays in the main file. */
    xmlNode *intro = find_element(root->children, "para");
    assert_string_equal(keep(f, load_node_file(&f->r, intro)),
                        real(f, "report/inc.xml"));
    assert_int_equal(xmlGetLineNo(intro), 6);
}

/* Ends as include_names_the_included_file does (duplicates pairs them):
 * another include. */
static void nested_include_resolves_against_the_including_file(void **state)
{
    fixture *f = *state;
    write_at("report/deel/sub/detail.xml",
             section_file("Detail", "  <para>Diep.</para>\n"));
    write_at("report/deel/hoofd.xml",
             "<section xmlns=\"http://docbook.org/ns/docbook\"\n"
             "         xmlns:xi=\"http://www.w3.org/2001/XInclude\" version=\"5.0\">\n"
             "  <title>Hoofd</title>\n"
             "  <xi:include href=\"sub/detail.xml\"/>\n"
             "</section>\n");
    write_main(f, "nested.xml", DOC_OPEN
               "  <xi:include href=\"deel/hoofd.xml\"/>\n" DOC_CLOSE);
    expect_loaded(f);
    xmlNode *para = find_element(xmlDocGetRootElement(f->r.doc), "para");
    assert_non_null(para);
    assert_string_equal(keep(f, load_node_file(&f->r, para)),
                        real(f, "report/deel/sub/detail.xml"));
    assert_int_equal(xmlGetLineNo(para), 4);
}

static void error_inside_included_file_names_it(void **state)
{
    fixture *f = *state;
    write_at("report/sections/kapot.xml",
             "<section xmlns=\"http://docbook.org/ns/docbook\" version=\"5.0\">\n"
             "  <title>Kapot</title>\n"
             "  <para>Niet gesloten\n"
             "</section>\n");
    write_main(f, "inc-broken.xml", DOC_OPEN
               "  <xi:include href=\"sections/kapot.xml\"/>\n" DOC_CLOSE);
    const diag *g = expect_load_error(f, NULL);
    assert_non_null(g->loc.file);
    if (!strstr(g->loc.file, "sections/kapot.xml"))
        fail_msg("the error names '%s', not the included file", g->loc.file);
    assert_true(g->loc.line >= 3 && g->loc.line <= 4);
}

static void missing_include_is_an_error_at_the_include(void **state)
{
    fixture *f = *state;
    write_main(f, "inc-missing.xml", DOC_OPEN
               "  <section><title>A</title><para>a</para></section>\n"
               "  <xi:include href=\"sections/bestaat-niet.xml\"/>\n" DOC_CLOSE);
    const diag *g = expect_load_error(f, "bestaat-niet.xml");
    assert_string_equal(g->loc.file, real(f, "report/inc-missing.xml"));
    assert_int_equal(g->loc.line, 7);
}

/* Asserts that loading fails with an error at the include's line that
 * names the href. */
static void assert_include_refused(fixture *f, const char *name,
                                   const char *href)
{
    char text[1024];
    snprintf(text, sizeof text, DOC_OPEN
             "  <section><title>A</title><para>a</para></section>\n"
             "  <xi:include href=\"%s\"/>\n" DOC_CLOSE, href);
    write_main(f, name, text);
    const diag *g = expect_load_error(f, href);
    assert_non_null(g->loc.file);
    char rel[256];
    snprintf(rel, sizeof rel, "report/%s", name);
    assert_string_equal(g->loc.file, real(f, rel));
    assert_int_equal(g->loc.line, 7);
    /* Nothing of the outside file made it into the tree. */
    if (f->r.doc)
        assert_false(tree_contains_text(xmlDocGetRootElement(f->r.doc), "BUITEN"));
}

static const char outside_section[] =
    "<section xmlns=\"http://docbook.org/ns/docbook\" version=\"5.0\">\n"
    "  <title>Buiten</title><para>BUITEN</para>\n"
    "</section>\n";

static void include_escaping_by_dotdot_is_refused(void **state)
{
    fixture *f = *state;
    write_at("outside.xml", outside_section);
    assert_include_refused(f, "esc-dotdot.xml", "../outside.xml");
    const diag *g = expect_diag(&f->diags, "../outside.xml");
    assert_non_null(strstr(g->message, "folder"));
}

static void include_escaping_after_going_down_is_refused(void **state)
{
    fixture *f = *state;
    write_at("outside.xml", outside_section);
    write_at("report/sections/x.xml", section_file("X", "  <para>x</para>\n"));
    assert_include_refused(f, "esc-down-up.xml", "sections/../../outside.xml");
}

static void include_by_absolute_path_outside_is_refused(void **state)
{
    fixture *f = *state;
    char abs[PATH_MAX + 32];
    snprintf(abs, sizeof abs, "%s", write_at("outside.xml", outside_section));
    assert_include_refused(f, "esc-abs.xml", abs);
}

static void include_in_sibling_folder_sharing_the_prefix_is_refused(void **state)
{
    fixture *f = *state;
    /* tmpdir/report2 starts with tmpdir/report but is not inside it. */
    write_at("report2/x.xml", outside_section);
    assert_include_refused(f, "esc-sibling.xml", "../report2/x.xml");
}

static void include_through_symlink_pointing_outside_is_refused(void **state)
{
    fixture *f = *state;
    const char *target = write_at("outside.xml", outside_section);
    char link[PATH_MAX];
    assert_true(path_join(link, tmpdir, "report/link.xml"));
    unlink(link);
    assert_int_equal(symlink(target, link), 0);
    assert_include_refused(f, "esc-symlink.xml", "link.xml");
}

static void include_through_symlinked_folder_is_refused(void **state)
{
    fixture *f = *state;
    write_at("elders/s.xml", outside_section);
    char target[PATH_MAX], link[PATH_MAX];
    assert_true(path_join(target, tmpdir, "elders"));
    assert_true(path_join(link, tmpdir, "report/elders-link"));
    unlink(link);
    assert_int_equal(symlink(target, link), 0);
    assert_include_refused(f, "esc-symdir.xml", "elders-link/s.xml");
}

static void include_cycle_ends(void **state)
{
    fixture *f = *state;
    write_at("report/cyc/a.xml",
             "<section xmlns=\"http://docbook.org/ns/docbook\"\n"
             "         xmlns:xi=\"http://www.w3.org/2001/XInclude\" version=\"5.0\">\n"
             "  <title>A</title>\n"
             "  <xi:include href=\"b.xml\"/>\n"
             "</section>\n");
    write_at("report/cyc/b.xml",
             "<section xmlns=\"http://docbook.org/ns/docbook\"\n"
             "         xmlns:xi=\"http://www.w3.org/2001/XInclude\" version=\"5.0\">\n"
             "  <title>B</title>\n"
             "  <xi:include href=\"a.xml\"/>\n"
             "</section>\n");
    write_main(f, "cycle.xml", DOC_OPEN "  <xi:include href=\"cyc/a.xml\"/>\n" DOC_CLOSE);
    expect_load_refused(f);
}

/* ---- external entities ----------------------------------------------------- */

static void external_entity_is_refused(void **state)
{
    fixture *f = *state;
    write_main(f, "xxe.xml",
               DOCTYPE_DOC("\n"
                           "  <!ENTITY x SYSTEM \"file:///etc/passwd\">\n",
                           "  <para>&x;</para>\n"));
    const diag *g = expect_load_error(f, NULL);
    assert_non_null(g->loc.file);
    assert_true(g->loc.line > 0);
    bool named = false;
    for (size_t i = 0; i < f->diags.count; i++)
        named |= strstr(f->diags.items[i].message, "/etc/passwd") != NULL;
    assert_true(named);
    if (f->r.doc)
        assert_false(tree_contains_text(xmlDocGetRootElement(f->r.doc), "root:"));
}

static void external_parameter_entity_is_refused(void **state)
{
    fixture *f = *state;
    write_at("evil.dtd", "<!ENTITY leak \"LEAKED\">\n");
    char text[PATH_MAX + 512];
    snprintf(text, sizeof text,
             DOCTYPE_DOC("\n"
                         "  <!ENTITY %% p SYSTEM \"%s/evil.dtd\">\n"
                         "  %%p;\n",
                         "  <para>&leak;</para>\n"),
             tmpdir);
    write_main(f, "xxe-param.xml", text);
    expect_load_refused(f);
    if (f->r.doc)
        assert_false(tree_contains_text(xmlDocGetRootElement(f->r.doc), "LEAKED"));
}

static void entity_expansion_bomb_is_refused(void **state)
{
    fixture *f = *state;
    /* 10^9 "lol"s if expanded. */
    write_main(f, "bomb.xml",
               "<?xml version=\"1.0\"?>\n"
               "<!DOCTYPE article [\n"
               " <!ENTITY a \"lollollollollollollollollollol\">\n"
               " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
               " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
               " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
               " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
               " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
               " <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
               " <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
               " <!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
               "]>\n" PLAIN_ARTICLE_OPEN
               "  <para>&i;</para>\n" DOC_CLOSE);
    expect_load_refused(f);
}

/* ---- broken files ------------------------------------------------------------- */

static void malformed_xml_has_line_and_column(void **state)
{
    fixture *f = *state;
    write_main(f, "malformed.xml", DOC_OPEN
               "  <section>\n"
               "    <title>Wonen</title>\n"
               "    <para>Niet gesloten</section>\n" DOC_CLOSE);
    const diag *g = expect_load_error(f, NULL);
    assert_string_equal(g->loc.file, f->path);
    assert_int_equal(g->loc.line, 8);
    assert_true(g->loc.col > 0);
}

static void bad_character_has_line_and_column(void **state)
{
    fixture *f = *state;
    write_main(f, "ampersand.xml", DOC_OPEN
               "  <para>Zwart & wit</para>\n" DOC_CLOSE);
    assert_false(load(f));
    const diag *g = expect_diag(&f->diags, NULL);
    assert_string_equal(g->loc.file, f->path);
    assert_int_equal(g->loc.line, 6);
    assert_true(g->loc.col >= 14);
}

static void empty_file_is_an_error(void **state)
{
    fixture *f = *state;
    write_main(f, "empty.xml", "");
    const diag *g = expect_load_error(f, NULL);
    assert_string_equal(g->loc.file, f->path);
}

static void whitespace_only_file_is_an_error(void **state)
{
    fixture *f = *state;
    write_main(f, "blank.xml", "\n\n   \n");
    expect_load_refused(f);
}

static void missing_main_file_is_an_environment_error(void **state)
{
    fixture *f = *state;
    assert_true(path_join(f->path, tmpdir, "report/no-such-report.xml"));
    assert_false(load(f));
    const diag *g = expect_diag(&f->diags, NULL);
    assert_int_equal(g->severity, DIAG_ENVIRONMENT);
    assert_string_equal(g->loc.file, f->path);
}

/* ---- load_resolve_resource ---------------------------------------------- */

static void resolve_resource_confinement(void **state)
{
    fixture *f = *state;
    write_at("report/img/a.png", "png");
    write_at("report2/b.png", "png");
    write_at("geheim.png", "png");
    char link[PATH_MAX];
    assert_true(path_join(link, tmpdir, "report/img/link.png"));
    unlink(link);
    char target[PATH_MAX];
    assert_true(path_join(target, tmpdir, "geheim.png"));
    assert_int_equal(symlink(target, link), 0);
    write_at("report/sections/s.xml", section_file("S", "  <para>In sectie.</para>\n"));
    write_main(f, "res.xml", DOC_OPEN
               "  <para>Hoofdbestand.</para>\n"
               "  <xi:include href=\"sections/s.xml\"/>\n" DOC_CLOSE);
    expect_loaded(f);
    xmlNode *root = xmlDocGetRootElement(f->r.doc);
    xmlNode *main_para = find_element(root->children, "para");
    xmlNode *section = find_element(root->children, "section");
    xmlNode *sec_para = find_element(section->children, "para");
    assert_non_null(main_para);
    assert_non_null(sec_para);
    const char *why = NULL;
    const char *png = real(f, "report/img/a.png");

    char *p = load_resolve_resource(&f->r, main_para, "img/a.png", &why);
    assert_non_null(p);
    assert_string_equal(p, png);
    free(p);
    /* Relative to the file that holds the node: the section's folder. */
    p = load_resolve_resource(&f->r, sec_para, "../img/a.png", &why);
    assert_non_null(p);
    assert_string_equal(p, png);
    free(p);
    why = NULL;
    assert_null(load_resolve_resource(&f->r, sec_para, "img/a.png", &why));
    assert_non_null(why);

    static const char *const refused[] = {
        "../geheim.png", "img/../../geheim.png", "../report2/b.png",
        "img/link.png", "/etc/passwd", "file:///etc/passwd",
        "http://example.org/a.png", "https://example.org/a.png",
        "bestaat-niet.png", "",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        why = NULL;
        char *q = load_resolve_resource(&f->r, main_para, refused[i], &why);
        if (q) {
            fail_msg("'%s' resolved to %s", refused[i], q);
        }
        if (!why || !*why)
            fail_msg("'%s' refused without a reason", refused[i]);
    }
    why = NULL;
    assert_null(load_resolve_resource(&f->r, main_para, "../geheim.png", &why));
    assert_non_null(strstr(why, "folder"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(valid_document),
        T(schema_invalid_document_still_loads),
        T(internal_entities_are_expanded),
        T(include_names_the_included_file),
        T(nested_include_resolves_against_the_including_file),
        T(error_inside_included_file_names_it),
        T(missing_include_is_an_error_at_the_include),
        T(include_escaping_by_dotdot_is_refused),
        T(include_escaping_after_going_down_is_refused),
        T(include_by_absolute_path_outside_is_refused),
        T(include_in_sibling_folder_sharing_the_prefix_is_refused),
        T(include_through_symlink_pointing_outside_is_refused),
        T(include_through_symlinked_folder_is_refused),
        T(include_cycle_ends),
        T(external_entity_is_refused),
        T(external_parameter_entity_is_refused),
        T(entity_expansion_bomb_is_refused),
        T(malformed_xml_has_line_and_column),
        T(bad_character_has_line_and_column),
        T(empty_file_is_an_error),
        T(whitespace_only_file_is_an_error),
        T(missing_main_file_is_an_environment_error),
        T(resolve_resource_confinement),
    };
    return cmocka_run_group_tests(tests, group_setup, tmpdir_group_teardown);
}
