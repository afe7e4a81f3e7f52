#include "import_schema.h"

#include "import_xml.h"
#include "mem.h"

#include <libxml/hash.h>
#include <libxml/parser.h>

#include <stdlib.h>
#include <string.h>

#define RNG_NS "http://relaxng.org/ns/structure/1.0"

struct import_schema {
    xmlDoc *rng;
    xmlHashTablePtr defines; /* name -> <define> */
    xmlHashTablePtr allowed; /* element name -> set of "ns attribute" keys */
};

static void no_free(void *payload, const xmlChar *name)
{
}

static void free_set(void *payload, const xmlChar *name)
{
    xmlHashFree(payload, no_free);
}

/* "ns name": an attribute's namespace and local name, as one key. */
static char *attr_key(const char *ns, const char *name)
{
    return mem_printf("%s %s", ns ? ns : "", name);
}

/* The key of an <attribute name="xml:id"> (its prefix resolved where it
 * stands; without one, no namespace, as RELAX NG says of attributes). */
static char *rng_attr_key(xmlNode *attr)
{
    xmlChar *qname = xmlGetNoNsProp(attr, (const xmlChar *)"name");
    if (!qname)
        return NULL;
    const char *colon = strchr((const char *)qname, ':');
    char *key;
    if (colon) {
        xmlChar *prefix = xmlStrndup(qname, (int)(colon - (const char *)qname));
        xmlNs *ns = xmlSearchNs(attr->doc, attr, prefix);
        key = attr_key(ns ? (const char *)ns->href : "?", colon + 1);
        xmlFree(prefix);
    } else {
        xmlChar *ns = xmlGetNoNsProp(attr, (const xmlChar *)"ns");
        key = attr_key((const char *)ns, (const char *)qname);
        xmlFree(ns);
    }
    xmlFree(qname);
    return key;
}

/* Adds the attributes of pattern p to set, following refs (each define
 * once: seen), not into nested elements. */
static void collect(import_schema *s, xmlNode *p, xmlHashTablePtr set, xmlHashTablePtr seen)
{
    for (xmlNode *c = p->children; c; c = c->next) {
        if (import_xml_is(c, RNG_NS, "element"))
            continue;
        if (import_xml_is(c, RNG_NS, "attribute")) {
            char *key = rng_attr_key(c);
            if (key)
                xmlHashAddEntry(set, (xmlChar *)key, c);
            free(key);
            continue;
        }
        xmlChar *ref = import_xml_is(c, RNG_NS, "ref")
                           ? xmlGetNoNsProp(c, (const xmlChar *)"name") : NULL;
        xmlNode *def = ref ? xmlHashLookup(s->defines, ref) : NULL;
        if (def && xmlHashAddEntry(seen, ref, def) == 0)
            collect(s, def, set, seen);
        else if (c->type == XML_ELEMENT_NODE && !ref)
            collect(s, c, set, seen);
        xmlFree(ref);
    }
}

/* The attributes element el allows, added to those of its name (an
 * element may be defined twice, as info is, with different ones). */
static void add_name(import_schema *s, xmlNode *el, const xmlChar *name)
{
    xmlHashTablePtr set = xmlHashLookup(s->allowed, name);
    if (!set) {
        set = xmlHashCreate(16);
        xmlHashAddEntry(s->allowed, name, set);
    }
    xmlHashTablePtr seen = xmlHashCreate(16);
    collect(s, el, set, seen);
    xmlHashFree(seen, no_free);
}

/* An <element>'s names: its name attribute, or its name class, the first
 * child: a <name>, or a <choice> of them. */
static void add_element(import_schema *s, xmlNode *el)
{
    xmlChar *name = xmlGetNoNsProp(el, (const xmlChar *)"name");
    xmlNode *names = el->children;
    while (names && names->type != XML_ELEMENT_NODE)
        names = names->next;
    while (names && !import_xml_is(names, RNG_NS, "name") &&
           !import_xml_is(names, RNG_NS, "choice")) /* documentation first */
        names = names->next;
    if (name)
        add_name(s, el, name);
    else if (import_xml_is(names, RNG_NS, "name")) {
        xmlChar *text = xmlNodeGetContent(names);
        add_name(s, el, text);
        xmlFree(text);
    } else if (names) {
        for (xmlNode *n = names->children; n; n = n->next) {
            xmlChar *text = import_xml_is(n, RNG_NS, "name") ? xmlNodeGetContent(n) : NULL;
            if (text)
                add_name(s, el, text);
            xmlFree(text);
        }
    }
    xmlFree(name);
}

import_schema *import_schema_load(const char *rng_path, char **err)
{
    xmlDoc *rng = xmlReadFile(rng_path, NULL, XML_PARSE_NONET);
    if (!rng) {
        *err = mem_printf("cannot read the schema %s", rng_path);
        return NULL;
    }
    import_schema *s = mem_alloc(1, sizeof *s);
    s->rng = rng;
    s->defines = xmlHashCreate(64);
    s->allowed = xmlHashCreate(64);
    xmlNode *root = xmlDocGetRootElement(rng);
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false))
        if (import_xml_is(n, RNG_NS, "define")) {
            xmlChar *name = xmlGetNoNsProp(n, (const xmlChar *)"name");
            if (name)
                xmlHashAddEntry(s->defines, name, n);
            xmlFree(name);
        }
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false))
        if (import_xml_is(n, RNG_NS, "element"))
            add_element(s, n);
    return s;
}

/* Whether the <attribute> pattern takes value: when it lists values (a
 * <value>, a <choice> of them), one of them, white space aside as for
 * RELAX NG's token; any value when it has a datatype or text. */
static bool takes(xmlNode *attr, const char *value)
{
    bool listed = false, found = false;
    for (xmlNode *n = attr; n; n = import_xml_next(n, attr, false)) {
        if (import_xml_is(n, RNG_NS, "data") || import_xml_is(n, RNG_NS, "text"))
            return true;
        if (!import_xml_is(n, RNG_NS, "value"))
            continue;
        listed = true;
        char *want = import_xml_collapse((char *)xmlNodeGetContent(n));
        char *have = import_xml_collapse((char *)xmlStrdup((const xmlChar *)value));
        found = found || (want && have && !strcmp(want, have));
        xmlFree(want);
        xmlFree(have);
    }
    return !listed || found;
}

bool import_schema_allows(const import_schema *s, const xmlNode *el, const xmlAttr *a)
{
    xmlHashTablePtr set = xmlHashLookup(s->allowed, el->name);
    if (!set)
        return true;
    char *key = attr_key(a->ns ? (const char *)a->ns->href : NULL, (const char *)a->name);
    xmlNode *pattern = xmlHashLookup(set, (xmlChar *)key);
    free(key);
    xmlChar *value = pattern ? xmlNodeGetContent((const xmlNode *)a) : NULL;
    bool allowed = pattern && takes(pattern, value ? (const char *)value : "");
    xmlFree(value);
    return allowed;
}

void import_schema_free(import_schema *s)
{
    if (!s)
        return;
    xmlHashFree(s->defines, no_free);
    xmlHashFree(s->allowed, free_set);
    xmlFreeDoc(s->rng);
    free(s);
}
