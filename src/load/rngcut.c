#include "rngcut.h"

#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <string.h>

#include "mem.h"
#include "strindex.h"

#define RNG_NS "http://relaxng.org/ns/structure/1.0"

typedef struct rngcut {
    strindex names;       /* local names of the document's elements */
    strindex defines;     /* a define's name -> its position below */
    xmlNode **define_nodes;
    bool *define_cut;     /* matches nothing in the document */
    int define_count, define_cap;
    bool refused;         /* a shape the cut does not handle */
} rngcut;

static bool rngcut_is(const xmlNode *n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           strcmp((const char *)n->ns->href, RNG_NS) == 0 &&
           (!local || strcmp((const char *)n->name, local) == 0);
}

/* An attribute's value as the tree holds it (one text node), or NULL. */
static const char *rngcut_attr(const xmlNode *n, const char *name)
{
    const xmlAttr *a = xmlHasProp(n, (const xmlChar *)name);
    if (!a || !a->children || a->children->next ||
        a->children->type != XML_TEXT_NODE)
        return NULL;
    return (const char *)a->children->content;
}

/* Every element's local name, whatever its namespace: a name the set has
 * keeps every pattern of that name, so the cut only errs on keeping. An
 * entity reference (its content is not below it) refuses the cut. */
static void rngcut_collect_names(rngcut *c, const xmlNode *root)
{
    const xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE)
            strindex_put(&c->names, (const char *)n->name, 1);
        if (n->type == XML_ENTITY_REF_NODE)
            c->refused = true;
        else if (n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
}

static void rngcut_add_define(rngcut *c, xmlNode *def)
{
    const char *name = rngcut_attr(def, "name");
    if (!name || rngcut_attr(def, "combine") || strindex_get(&c->defines, name) >= 0) {
        c->refused = true;
        return;
    }
    if (c->define_count == c->define_cap) {
        c->define_cap = (int)mem_grown((size_t)c->define_cap, (size_t)c->define_count + 1, 64);
        c->define_nodes = mem_resize(c->define_nodes, (size_t)c->define_cap, sizeof *c->define_nodes);
        c->define_cut = mem_resize(c->define_cut, (size_t)c->define_cap, sizeof *c->define_cut);
    }
    c->define_nodes[c->define_count] = def;
    c->define_cut[c->define_count] = false;
    strindex_put(&c->defines, name, c->define_count++);
}

/* The definitions of the one grammar; anything that brings in a second
 * grammar, or combines definitions, refuses the cut. */
static void rngcut_scan(rngcut *c, xmlNode *n, bool top)
{
    for (xmlNode *k = n->children; k && !c->refused; k = k->next) {
        if (!rngcut_is(k, NULL))
            continue;
        const char *local = (const char *)k->name;
        if (strcmp(local, "include") == 0 || strcmp(local, "externalRef") == 0 ||
            strcmp(local, "parentRef") == 0 || strcmp(local, "grammar") == 0 ||
            (strcmp(local, "start") == 0 && rngcut_attr(k, "combine")))
            c->refused = true;
        else if (strcmp(local, "define") == 0 && top)
            rngcut_add_define(c, k);
        else if (strcmp(local, "define") == 0)
            c->refused = true;
        rngcut_scan(c, k, top && strcmp(local, "div") == 0);
    }
}

/* A reference to no definition is an error of the schema that the cut
 * could drop unseen: only the whole schema reports it. */
static void rngcut_check_refs(rngcut *c, const xmlNode *n)
{
    for (const xmlNode *k = n->children; k && !c->refused; k = k->next) {
        if (!rngcut_is(k, NULL))
            continue;
        const char *name = rngcut_is(k, "ref") ? rngcut_attr(k, "name") : NULL;
        if (rngcut_is(k, "ref") && (!name || strindex_get(&c->defines, name) < 0))
            c->refused = true;
        rngcut_check_refs(c, k);
    }
}

/* The first pattern among an element's or attribute's children: past
 * its name class when it has no name attribute. */
static const xmlNode *rngcut_patterns(const xmlNode *n)
{
    bool skip = (rngcut_is(n, "element") || rngcut_is(n, "attribute")) &&
                !xmlHasProp(n, (const xmlChar *)"name");
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (!rngcut_is(k, NULL))
            continue;
        if (!skip)
            return k;
        skip = false;
    }
    return NULL;
}

static bool rngcut_matches_nothing(const rngcut *c, const xmlNode *n);

/* n's patterns as a group: nothing when any of them is. */
static bool rngcut_any_nothing(const rngcut *c, const xmlNode *n)
{
    for (const xmlNode *k = rngcut_patterns(n); k; k = k->next)
        if (rngcut_is(k, NULL) && rngcut_matches_nothing(c, k))
            return true;
    return false;
}

/* n's patterns as a choice: nothing when all of them are. */
static bool rngcut_all_nothing(const rngcut *c, const xmlNode *n)
{
    bool any = false;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (!rngcut_is(k, NULL))
            continue;
        if (!rngcut_matches_nothing(c, k))
            return false;
        any = true;
    }
    return any;
}

/* The local part of an element pattern's name attribute, or NULL. */
static const char *rngcut_local_name(const xmlNode *n)
{
    const char *name = rngcut_attr(n, "name");
    const char *colon = name ? strchr(name, ':') : NULL;
    return colon ? colon + 1 : name;
}

/* True only when pattern n can match nothing in the document (4.19's
 * notAllowed rules; anything not known here may match). */
static bool rngcut_matches_nothing(const rngcut *c, const xmlNode *n)
{
    const char *kind = (const char *)n->name;
    if (strcmp(kind, "notAllowed") == 0)
        return true;
    if (strcmp(kind, "element") == 0) {
        const char *local = rngcut_local_name(n);
        return (local && strindex_get(&c->names, local) < 0) || rngcut_any_nothing(c, n);
    }
    if (strcmp(kind, "ref") == 0) {
        const char *name = rngcut_attr(n, "name");
        int i = name ? strindex_get(&c->defines, name) : -1;
        return i >= 0 && c->define_cut[i];
    }
    if (strcmp(kind, "choice") == 0)
        return rngcut_all_nothing(c, n);
    if (strcmp(kind, "group") == 0 || strcmp(kind, "interleave") == 0 ||
        strcmp(kind, "oneOrMore") == 0 || strcmp(kind, "list") == 0 ||
        strcmp(kind, "mixed") == 0 || strcmp(kind, "attribute") == 0)
        return rngcut_any_nothing(c, n);
    return false;
}

/* Definitions that match nothing, until no more are found: starting from
 * none, so a definition is only ever cut for a reason. */
static void rngcut_settle_defines(rngcut *c)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (int i = 0; i < c->define_count; i++)
            if (!c->define_cut[i] && rngcut_any_nothing(c, c->define_nodes[i])) {
                c->define_cut[i] = true;
                changed = true;
            }
    }
}

/* A choice loses the alternatives that match nothing (unless all do: the
 * choice is then nothing, for its parent to drop); an optional or
 * zeroOrMore of nothing is empty. */
static void rngcut_rewrite(const rngcut *c, xmlNode *n)
{
    bool choice = rngcut_is(n, "choice") && !rngcut_all_nothing(c, n);
    for (xmlNode *k = n->children, *next; k; k = next) {
        next = k->next;
        if (!rngcut_is(k, NULL))
            continue;
        if (choice && rngcut_matches_nothing(c, k)) {
            xmlUnlinkNode(k);
            xmlFreeNode(k);
            continue;
        }
        if ((rngcut_is(k, "optional") || rngcut_is(k, "zeroOrMore")) &&
            rngcut_any_nothing(c, k)) {
            xmlNode *empty = xmlNewDocNode(k->doc, k->ns, (const xmlChar *)"empty", NULL);
            xmlReplaceNode(k, empty);
            xmlFreeNode(k);
            continue;
        }
        rngcut_rewrite(c, k);
    }
}

/* A start that matches nothing: the document is invalid, and only the
 * whole schema says why. */
static bool rngcut_start_nothing(const rngcut *c, const xmlNode *root)
{
    if (!rngcut_is(root, "grammar"))
        return rngcut_matches_nothing(c, root);
    for (const xmlNode *k = root->children; k; k = k->next)
        if (rngcut_is(k, "start") && rngcut_any_nothing(c, k))
            return true;
    return false;
}

static void rngcut_free(rngcut *c)
{
    strindex_free(&c->names);
    strindex_free(&c->defines);
    free(c->define_nodes);
    free(c->define_cut);
}

xmlDoc *rngcut_for(const xmlDoc *rng, const xmlDoc *doc)
{
    xmlNode *root = rng ? xmlDocGetRootElement(rng) : NULL;
    xmlNode *doc_root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!rngcut_is(root, NULL) || !doc_root)
        return NULL;
    xmlDoc *cut = xmlCopyDoc((xmlDoc *)rng, 1);
    if (!cut)
        return NULL;
    rngcut c = { 0 };
    root = xmlDocGetRootElement(cut);
    rngcut_collect_names(&c, doc_root);
    rngcut_scan(&c, root, rngcut_is(root, "grammar"));
    if (!c.refused)
        rngcut_check_refs(&c, root);
    if (!c.refused) {
        rngcut_settle_defines(&c);
        c.refused = rngcut_start_nothing(&c, root);
    }
    if (!c.refused)
        rngcut_rewrite(&c, root);
    bool refused = c.refused;
    rngcut_free(&c);
    if (refused) {
        xmlFreeDoc(cut);
        return NULL;
    }
    return cut;
}

static void rngcut_said(void *said, xmlErrorPtr error)
{
    (void)error;
    *(bool *)said = true;
}

static xmlRelaxNGPtr rngcut_compile(xmlDoc *cut, bool *said)
{
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewDocParserCtxt(cut);
    if (!pc)
        return NULL;
    xmlRelaxNGSetParserStructuredErrors(pc, rngcut_said, said);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pc);
    xmlRelaxNGFreeParserCtxt(pc);
    return schema;
}

bool rngcut_valid(const xmlDoc *rng, xmlDoc *doc)
{
    xmlDoc *cut = rngcut_for(rng, doc);
    if (!cut)
        return false;
    /* What libxml2 says past the contexts' handlers (running out of
     * memory) is dropped too: the whole schema's run says it again. */
    xmlStructuredErrorFunc was = xmlStructuredError;
    void *was_ctx = xmlStructuredErrorContext;
    bool said = false;
    xmlSetStructuredErrorFunc(&said, rngcut_said);
    xmlRelaxNGPtr schema = rngcut_compile(cut, &said);
    xmlFreeDoc(cut);
    bool valid = false;
    if (schema && !said) {
        xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
        if (vc) {
            xmlRelaxNGSetValidStructuredErrors(vc, rngcut_said, &said);
            valid = xmlRelaxNGValidateDoc(vc, doc) == 0 && !said;
        }
        xmlRelaxNGFreeValidCtxt(vc);
    }
    xmlRelaxNGFree(schema);
    xmlSetStructuredErrorFunc(was_ctx, was);
    return valid;
}
