/* Unit tests of rngcut: the cut schema drops the alternatives a document
 * does not use and keeps what it requires; it accepts a document exactly
 * when the whole schema does — on small schemas, on every document of the
 * test corpus, and on the report mutated element by element (deleted,
 * renamed to another element of the schema, renamed to none) — and it
 * refuses the schema shapes it does not cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glob.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xinclude.h>
#include <string.h>

#include "rngcut.h"

#define SCHEMA "schema/kcvs.rng"
#define RNG "xmlns='http://relaxng.org/ns/structure/1.0'"
enum { MUTANTS = 160 };

static xmlDoc *parse(const char *text)
{
    xmlDoc *d = xmlReadMemory(text, (int)strlen(text), "test.xml", NULL, XML_PARSE_NONET);
    assert_non_null(d);
    return d;
}

static void quiet(void *ctx, xmlErrorPtr error)
{
    (void)ctx, (void)error;
}

static bool whole_valid(xmlRelaxNGPtr schema, xmlDoc *doc)
{
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vc, quiet, NULL);
    bool ok = xmlRelaxNGValidateDoc(vc, doc) == 0;
    xmlRelaxNGFreeValidCtxt(vc);
    return ok;
}

static xmlRelaxNGPtr compile(xmlDoc *rng)
{
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewDocParserCtxt(rng);
    xmlRelaxNGSetParserStructuredErrors(pc, quiet, NULL);
    xmlRelaxNGPtr s = xmlRelaxNGParse(pc);
    xmlRelaxNGFreeParserCtxt(pc);
    assert_non_null(s);
    return s;
}

/* How often the cut schema names element `name` in a pattern. */
static int patterns_named(xmlDoc *cut, const char *name)
{
    int n = 0;
    xmlNode *root = xmlDocGetRootElement(cut);
    for (xmlNode *k = root; k;) {
        if (k->type == XML_ELEMENT_NODE && xmlStrEqual(k->name, (const xmlChar *)"element")) {
            xmlChar *v = xmlGetProp(k, (const xmlChar *)"name");
            n += v && strcmp((char *)v, name) == 0;
            xmlFree(v);
        }
        if (k->children) {
            k = k->children;
            continue;
        }
        while (k && k != root && !k->next)
            k = k->parent;
        k = k && k != root ? k->next : NULL;
    }
    return n;
}

/* The small schema under test, and its verdicts on doc: whole and cut. */
static void verdicts(const char *schema, const char *doc, bool *whole, bool *cut)
{
    xmlDoc *rng = parse(schema), *d = parse(doc);
    xmlRelaxNGPtr s = compile(rng);
    *whole = whole_valid(s, d);
    *cut = rngcut_valid(rng, d);
    xmlRelaxNGFree(s);
    xmlFreeDoc(d);
    xmlFreeDoc(rng);
}

static const char blocks[] =
    "<grammar " RNG "><start><element name='doc'><zeroOrMore><ref name='block'/>"
    "</zeroOrMore></element></start>"
    "<define name='block'><choice><element name='a'><empty/></element>"
    "<element name='b'><ref name='inner'/></element><element name='c'><empty/></element>"
    "<element name='list'><oneOrMore><element name='item'><empty/></element></oneOrMore>"
    "</element></choice></define>"
    "<define name='inner'><element name='x'><empty/></element>"
    "<optional><element name='y'><text/></element></optional></define></grammar>";

static void unused_alternatives_are_dropped(void **state)
{
    (void)state;
    xmlDoc *rng = parse(blocks), *d = parse("<doc><a/><c/><a/></doc>");
    xmlDoc *cut = rngcut_for(rng, d);
    assert_non_null(cut);
    assert_int_equal(patterns_named(cut, "a"), 1);
    assert_int_equal(patterns_named(cut, "c"), 1);
    assert_int_equal(patterns_named(cut, "b"), 0);
    assert_int_equal(patterns_named(rng, "b"), 1); /* the schema is only read */
    xmlRelaxNGPtr s = compile(cut);
    assert_true(whole_valid(s, d));
    xmlRelaxNGFree(s);
    xmlFreeDoc(cut);
    assert_true(rngcut_valid(rng, d));
    xmlFreeDoc(d);
    xmlFreeDoc(rng);
}

static void an_optional_of_nothing_is_empty_and_a_required_one_rejects(void **state)
{
    (void)state;
    bool whole, cut;
    verdicts(blocks, "<doc><b><x/></b></doc>", &whole, &cut); /* y optional, absent */
    assert_true(whole);
    assert_true(cut);
    verdicts(blocks, "<doc><b/></doc>", &whole, &cut); /* x required, absent */
    assert_false(whole);
    assert_false(cut);
    verdicts(blocks, "<doc><b><y>1</y><x/></b></doc>", &whole, &cut); /* order */
    assert_false(whole);
    assert_false(cut);
    verdicts(blocks, "<doc><d/></doc>", &whole, &cut); /* no such element */
    assert_false(whole);
    assert_false(cut);
    verdicts(blocks, "<doc><list/></doc>", &whole, &cut); /* one item at least */
    assert_false(whole);
    assert_false(cut);
    verdicts(blocks, "<doc><list><item/></list></doc>", &whole, &cut);
    assert_true(whole);
    assert_true(cut);
    const char *items = "<element " RNG " name='doc'><oneOrMore><element name='item'>"
                        "<empty/></element></oneOrMore></element>";
    verdicts(items, "<doc/>", &whole, &cut); /* the start itself matches nothing */
    assert_false(whole);
    assert_false(cut);
    verdicts(items, "<doc><item/></doc>", &whole, &cut);
    assert_true(whole);
    assert_true(cut);
}

static void recursion_and_interleave_keep_their_verdicts(void **state)
{
    (void)state;
    const char *schema =
        "<grammar " RNG "><start><ref name='s'/></start>"
        "<define name='s'><element name='s'><interleave><element name='t'><text/></element>"
        "<zeroOrMore><ref name='s'/></zeroOrMore><optional><element name='u'><empty/>"
        "</element></optional></interleave></element></define></grammar>";
    const char *docs[] = { "<s><t/></s>", "<s><s><t/></s><t/></s>", "<s><s/><t/></s>",
                           "<s><u/><t/></s>", "<s><u/></s>" };
    const bool valid[] = { true, true, false, true, false };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        bool whole, cut;
        verdicts(schema, docs[i], &whole, &cut);
        assert_int_equal(whole, valid[i]);
        assert_int_equal(cut, valid[i]);
    }
}

static void shapes_it_does_not_cut_are_refused(void **state)
{
    (void)state;
    const char *schemas[] = {
        "<grammar " RNG "><start><ref name='x'/></start><include href='other.rng'/></grammar>",
        "<grammar " RNG "><start><externalRef href='other.rng'/></start></grammar>",
        "<grammar " RNG "><start><ref name='x'/></start><define name='x' combine='choice'>"
        "<element name='a'><empty/></element></define></grammar>",
        "<grammar " RNG "><start><ref name='missing'/></start></grammar>",
        "<grammar " RNG "><start><element name='a'><grammar><start><element name='b'>"
        "<empty/></element></start></grammar></element></start></grammar>",
    };
    xmlDoc *d = parse("<a/>");
    for (size_t i = 0; i < sizeof schemas / sizeof *schemas; i++) {
        xmlDoc *rng = parse(schemas[i]);
        assert_null(rngcut_for(rng, d));
        assert_false(rngcut_valid(rng, d));
        xmlFreeDoc(rng);
    }
    xmlFreeDoc(d);
    /* an entity reference hides its elements from the cut */
    xmlDoc *rng = parse(blocks);
    d = parse("<!DOCTYPE doc [<!ENTITY e '<a/>'>]><doc>&e;</doc>");
    assert_null(rngcut_for(rng, d));
    xmlFreeDoc(d);
    xmlFreeDoc(rng);
}

/* The cut never accepts what the whole schema rejects, and accepts what
 * it accepts unless it refused the document. */
static void assert_same_verdict(xmlDoc *rng, xmlRelaxNGPtr whole, xmlDoc *d, const char *what,
                                int *valid, int *invalid)
{
    bool w = whole_valid(whole, d);
    xmlDoc *cut = rngcut_for(rng, d);
    bool c = rngcut_valid(rng, d);
    if (c != w && (c || cut))
        fail_msg("%s: the whole schema says %s, the cut one %s", what,
                 w ? "valid" : "invalid", c ? "valid" : "invalid");
    xmlFreeDoc(cut);
    *(w ? valid : invalid) += 1;
}

static xmlDoc *read_doc(const char *path)
{
    xmlDoc *d = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    if (d)
        xmlXIncludeProcessFlags(d, XML_PARSE_NONET);
    return d;
}

static void every_corpus_document_gets_the_whole_schemas_verdict(void **state)
{
    (void)state;
    xmlDoc *rng = xmlReadFile(SCHEMA, NULL, 0);
    assert_non_null(rng);
    xmlRelaxNGPtr whole = compile(rng);
    glob_t g;
    const char *patterns[] = { "content/report.xml", "tests/data/e2e/*.xml",
                               "tests/data/schema/*.xml", "tests/data/bad/*.xml",
                               "tests/layout/*.xml" };
    for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++)
        glob(patterns[i], i ? GLOB_APPEND : 0, NULL, &g);
    int valid = 0, invalid = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        xmlDoc *d = read_doc(g.gl_pathv[i]);
        if (d)
            assert_same_verdict(rng, whole, d, g.gl_pathv[i], &valid, &invalid);
        xmlFreeDoc(d);
    }
    globfree(&g);
    assert_true(valid > 20 && invalid > 5);
    xmlRelaxNGFree(whole);
    xmlFreeDoc(rng);
}

static int elements_of(xmlNode *n, xmlNode **out, int count, int cap)
{
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE) {
            if (count < cap)
                out[count] = n;
            count = elements_of(n->children, out, count + 1, cap);
        }
    return count;
}

/* Every element named name below n, unlinked and freed. */
static void delete_named(xmlNode *n, const xmlChar *name)
{
    for (xmlNode *k = n->children, *next; k; k = next) {
        next = k->next;
        if (k->type == XML_ELEMENT_NODE && xmlStrEqual(k->name, name)) {
            xmlUnlinkNode(k);
            xmlFreeNode(k);
        } else {
            delete_named(k, name);
        }
    }
}

/* Mutant k of the report: one element deleted, renamed to another of the
 * schema's elements or to none, or every element of its name deleted (the
 * name then is nowhere in the document: what the cut is about). */
static xmlDoc *mutant(xmlDoc *report, int k, const char *const *names, int name_count)
{
    xmlDoc *d = xmlCopyDoc(report, 1);
    enum { CAP = 100000 };
    static xmlNode *all[CAP];
    int n = elements_of(xmlDocGetRootElement(d), all, 0, CAP);
    xmlNode *e = all[1 + (k * 7919) % ((n < CAP ? n : CAP) - 1)];
    if (k % 4 == 0) {
        xmlUnlinkNode(e);
        xmlFreeNode(e);
    } else if (k % 4 == 3) {
        xmlChar *name = xmlStrdup(e->name);
        delete_named(xmlDocGetRootElement(d), name);
        xmlFree(name);
    } else {
        xmlNodeSetName(e, (const xmlChar *)(k % 4 == 1 ? names[k % name_count] : "bogus"));
    }
    return d;
}

static void the_reports_mutants_get_the_whole_schemas_verdict(void **state)
{
    (void)state;
    const char *const names[] = { "para", "title", "section", "itemizedlist", "listitem",
                                  "emphasis", "link", "info", "table", "note", "simpara",
                                  "figure", "mediaobject", "phrase", "subtitle", "row" };
    xmlDoc *rng = xmlReadFile(SCHEMA, NULL, 0);
    xmlDoc *report = read_doc("content/report.xml");
    assert_non_null(rng);
    assert_non_null(report);
    xmlRelaxNGPtr whole = compile(rng);
    int valid = 0, invalid = 0;
    for (int k = 0; k < MUTANTS; k++) {
        xmlDoc *d = mutant(report, k, names, (int)(sizeof names / sizeof *names));
        char what[64];
        snprintf(what, sizeof what, "mutant %d of the report", k);
        assert_same_verdict(rng, whole, d, what, &valid, &invalid);
        xmlFreeDoc(d);
    }
    assert_true(valid > 10 && invalid > 10);
    xmlRelaxNGFree(whole);
    xmlFreeDoc(report);
    xmlFreeDoc(rng);
}

int main(void)
{
    xmlSetStructuredErrorFunc(NULL, quiet); /* the corpus's broken files */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unused_alternatives_are_dropped),
        cmocka_unit_test(an_optional_of_nothing_is_empty_and_a_required_one_rejects),
        cmocka_unit_test(recursion_and_interleave_keep_their_verdicts),
        cmocka_unit_test(shapes_it_does_not_cut_are_refused),
        cmocka_unit_test(every_corpus_document_gets_the_whole_schemas_verdict),
        cmocka_unit_test(the_reports_mutants_get_the_whole_schemas_verdict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
