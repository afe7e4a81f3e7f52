#include "import_odt.h"

#include "mem.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRAW_NS "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
#define SVG_NS "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
#define XLINK_NS "http://www.w3.org/1999/xlink"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

static bool is_el(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           !strcmp((const char *)n->ns->href, ns) && !strcmp((const char *)n->name, name);
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (!strchr(" \t\r\n", *s))
            return false;
    return true;
}

/* The text of the frame's svg:name child, NULL when it has none or it is
 * blank. */
static char *frame_text(const xmlNode *frame, const char *name)
{
    for (xmlNode *c = frame ? frame->children : NULL; c; c = c->next)
        if (is_el(c, SVG_NS, name)) {
            char *text = (char *)xmlNodeGetContent(c);
            if (!blank(text))
                return text;
            xmlFree(text);
        }
    return NULL;
}

static bool styled(const xmlNode *n, const char *style)
{
    xmlChar *name = is_el(n, TEXT_NS, "p") ? xmlGetNsProp(n, (const xmlChar *)"style-name",
                                                          (const xmlChar *)TEXT_NS)
                                           : NULL;
    bool is = name && !strcmp((const char *)name, style);
    xmlFree(name);
    return is;
}

/* pandoc's ODT writer gives a figure's image no description: the Markdown
 * alternative text, its caption, is the paragraph after the image's
 * (styles FigureWithCaption, FigureCaption). */
static char *pandoc_caption(const xmlNode *frame)
{
    const xmlNode *p = frame->parent, *next = p ? p->next : NULL;
    while (next && next->type != XML_ELEMENT_NODE)
        next = next->next;
    if (!styled(p, "FigureWithCaption") || !styled(next, "FigureCaption"))
        return NULL;
    char *text = (char *)xmlNodeGetContent(next);
    char *alt = blank(text) ? NULL : mem_strdup(text);
    xmlFree(text);
    return alt;
}

/* A short title and a longer description both describe the image: the
 * alternative text says both, as one sentence after the other. */
static char *description(const xmlNode *frame)
{
    char *title = frame_text(frame, "title");
    char *desc = frame_text(frame, "desc");
    char *alt = NULL;
    if (title && desc && strcmp(title, desc)) {
        size_t end = strlen(title);
        while (end && strchr(" \t\r\n", title[end - 1]))
            end--;
        bool stop = strchr(".!?:", title[end - 1]) != NULL;
        size_t n = end + strlen(desc) + 3;
        alt = mem_alloc(n, 1);
        snprintf(alt, n, "%.*s%s%s", (int)end, title, stop ? " " : ". ", desc);
    } else if (title || desc) {
        alt = mem_strdup(title ? title : desc);
    } else {
        alt = pandoc_caption(frame);
    }
    xmlFree(title);
    xmlFree(desc);
    return alt;
}

static void add_image(import_odt_images *out, const xmlNode *image)
{
    xmlChar *href = xmlGetNsProp(image, (const xmlChar *)"href", (const xmlChar *)XLINK_NS);
    if (!href)
        return;
    const char *h = (const char *)href;
    while (!strncmp(h, "./", 2))
        h += 2;
    out->items = mem_reserve(out->items, &out->cap, out->count + 1, sizeof *out->items, 16);
    import_odt_image *it = &out->items[out->count++];
    *it = (import_odt_image){ .href = mem_strdup(h), .alt = description(image->parent) };
    xmlFree(href);
}

static void silent(void *data, xmlErrorPtr e)
{
}

bool import_odt_read(zipfile *z, const char *path, import_odt_images *out, char **err)
{
    size_t len = 0;
    char *xml = zipfile_read(z, "content.xml", &len, err);
    if (!xml) {
        if (!*err) {
            *err = mem_printf("%s has no content.xml: it is not an OpenDocument text", path);
        }
        return false;
    }
    xmlSetStructuredErrorFunc(NULL, silent);
    xmlDoc *doc = len <= INT_MAX ? xmlReadMemory(xml, (int)len, "content.xml", NULL,
                                                 XML_PARSE_NONET) : NULL;
    xmlSetStructuredErrorFunc(NULL, NULL);
    free(xml);
    if (!doc) {
        *err = mem_printf("%s: its content.xml is not XML (a damaged or encrypted file?)", path);
        return false;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    for (xmlNode *n = root; n;) {
        if (is_el(n, DRAW_NS, "image") && is_el(n->parent, DRAW_NS, "frame"))
            add_image(out, n);
        if (n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        n = n && n != root ? n->next : NULL;
    }
    xmlFreeDoc(doc);
    return true;
}

const char *import_odt_take(import_odt_images *images, const char *href)
{
    for (size_t i = 0; i < images->count; i++) {
        import_odt_image *it = &images->items[i];
        if (!it->taken && !strcmp(it->href, href)) {
            it->taken = true;
            return it->alt;
        }
    }
    return NULL;
}

void import_odt_free(import_odt_images *images)
{
    for (size_t i = 0; i < images->count; i++) {
        free(images->items[i].href);
        free(images->items[i].alt);
    }
    free(images->items);
    *images = (import_odt_images){ 0 };
}
