#include "import_docx.h"

#include "import_xml.h"
#include "mem.h"

#include <libxml/tree.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

static char *w_attr(const xmlNode *n, const char *name)
{
    return (char *)xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)W_NS);
}

/* Whether id is that of a paragraph style named "heading 1" … "heading 9"
 * (Word names them in English whatever the language of its menus). */
static bool is_heading_style(const xmlNode *styles_root, const char *id)
{
    for (xmlNode *s = styles_root ? styles_root->children : NULL; s; s = s->next) {
        if (!import_xml_is(s, W_NS, "style"))
            continue;
        char *own = w_attr(s, "styleId");
        bool same = own && !strcmp(own, id);
        xmlFree(own);
        if (!same)
            continue;
        char *name = w_attr(import_xml_child(s, W_NS, "name"), "val");
        bool heading = name && !strncasecmp(name, "heading ", 8) && name[8] >= '1' &&
                       name[8] <= '9' && !name[9];
        xmlFree(name);
        return heading;
    }
    return false;
}

static bool is_heading(const xmlNode *p, const xmlNode *styles_root)
{
    xmlNode *style = import_xml_child(import_xml_child(p, W_NS, "pPr"), W_NS, "pStyle");
    char *id = style ? w_attr(style, "val") : NULL;
    bool heading = id && is_heading_style(styles_root, id);
    xmlFree(id);
    return heading;
}

/* Word's own marks (_GoBack: where the editor last was) lead nowhere. */
static void add_bookmark(import_docx_heading *h, const xmlNode *mark)
{
    char *name = w_attr(mark, "name");
    if (name && *name && strcmp(name, "_GoBack")) {
        h->bookmarks = mem_reserve(h->bookmarks, &h->cap, h->count + 1, sizeof *h->bookmarks, 4);
        h->bookmarks[h->count++] = mem_strdup(name);
    }
    xmlFree(name);
}

static void forget(import_docx_heading *h)
{
    for (size_t i = 0; i < h->count; i++)
        free(h->bookmarks[i]);
    free(h->bookmarks);
    *h = (import_docx_heading){ 0 };
}

/* Bookmarks start inside a heading or, in the body, just before it (a
 * bookmark before anything else is not a heading's). Content controls
 * (w:sdt) hold body content of their own. */
static void read_headings(import_docx *out, const xmlNode *body, const xmlNode *styles_root,
                          import_docx_heading *pending)
{
    for (xmlNode *n = body->children; n; n = n->next) {
        if (import_xml_is(n, W_NS, "bookmarkStart")) {
            add_bookmark(pending, n);
        } else if (import_xml_is(n, W_NS, "sdt")) {
            xmlNode *content = import_xml_child(n, W_NS, "sdtContent");
            if (content)
                read_headings(out, content, styles_root, pending);
        } else if (import_xml_is(n, W_NS, "p") && is_heading(n, styles_root)) {
            out->headings = mem_reserve(out->headings, &out->cap, out->count + 1,
                                        sizeof *out->headings, 16);
            import_docx_heading *h = &out->headings[out->count++];
            *h = *pending;
            *pending = (import_docx_heading){ 0 };
            for (xmlNode *c = n->children; c; c = c->next)
                if (import_xml_is(c, W_NS, "bookmarkStart"))
                    add_bookmark(h, c);
        } else if (n->type == XML_ELEMENT_NODE && !import_xml_is(n, W_NS, "bookmarkEnd")) {
            forget(pending);
        }
    }
}

bool import_docx_read(zipfile *z, const char *path, import_docx *out, char **err)
{
    xmlDoc *styles = import_xml_part(z, path, "word/styles.xml", err);
    xmlDoc *doc = *err ? NULL : import_xml_part(z, path, "word/document.xml", err);
    if (!doc && !*err)
        *err = mem_printf("%s has no word/document.xml: it is not a Word document", path);
    xmlNode *body = doc ? import_xml_child(xmlDocGetRootElement(doc), W_NS, "body") : NULL;
    import_docx_heading pending = { 0 };
    if (body)
        read_headings(out, body, styles ? xmlDocGetRootElement(styles) : NULL, &pending);
    forget(&pending);
    xmlFreeDoc(doc);
    xmlFreeDoc(styles);
    return !*err;
}

void import_docx_free(import_docx *docx)
{
    for (size_t i = 0; i < docx->count; i++)
        forget(&docx->headings[i]);
    free(docx->headings);
    *docx = (import_docx){ 0 };
}
