#include "import_xml.h"

#include "mem.h"

#include <libxml/parser.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void silent(void *data, xmlErrorPtr e)
{
}

xmlDoc *import_xml_part(zipfile *z, const char *path, const char *name, char **err)
{
    size_t len = 0;
    char *xml = zipfile_read(z, name, &len, err);
    if (!xml)
        return NULL;
    xmlSetStructuredErrorFunc(NULL, silent);
    xmlDoc *doc = len <= INT_MAX ? xmlReadMemory(xml, (int)len, name, NULL, XML_PARSE_NONET)
                                 : NULL;
    xmlSetStructuredErrorFunc(NULL, NULL);
    free(xml);
    if (!doc)
        *err = mem_printf("%s: its %s is not XML (a damaged or encrypted file?)", path, name);
    return doc;
}

char *import_xml_collapse(char *s)
{
    char *w = s;
    bool space = false;
    for (const char *r = s; r && *r; r++) {
        if (strchr(" \t\r\n", *r)) {
            space = w != s;
            continue;
        }
        if (space)
            *w++ = ' ';
        space = false;
        *w++ = *r;
    }
    if (w)
        *w = '\0';
    return s;
}

void import_xml_add(import_xml_text *t, const char *more, size_t n)
{
    t->s = mem_reserve(t->s, &t->cap, t->len + n + 1, 1, 64);
    memcpy(t->s + t->len, more, n);
    t->len += n;
    t->s[t->len] = '\0';
}

bool import_xml_bounded(size_t count, const char *path, const char *what, char **err)
{
    if (count <= IMPORT_XML_MAX_ITEMS)
        return true;
    if (!*err)
        *err = mem_printf("%s has more than %d %s: refused", path, IMPORT_XML_MAX_ITEMS, what);
    return false;
}

bool import_xml_is(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           !strcmp((const char *)n->ns->href, ns) && !strcmp((const char *)n->name, name);
}

xmlNode *import_xml_child(const xmlNode *n, const char *ns, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (import_xml_is(c, ns, name))
            return c;
    return NULL;
}

xmlNode *import_xml_sibling(const xmlNode *n, bool before)
{
    xmlNode *s = n ? (before ? n->prev : n->next) : NULL;
    while (s && s->type != XML_ELEMENT_NODE)
        s = before ? s->prev : s->next;
    return s;
}

xmlNode *import_xml_next(xmlNode *n, const xmlNode *top, bool skip_children)
{
    if (!skip_children)
        for (xmlNode *c = n->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE)
                return c;
    for (; n && n != top; n = n->parent)
        for (xmlNode *s = n->next; s; s = s->next)
            if (s->type == XML_ELEMENT_NODE)
                return s;
    return NULL;
}
