#include "import_docx.h"

#include "import_xml.h"
#include "mem.h"

#include <libxml/hash.h>
#include <libxml/tree.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define WP_NS "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define A_NS "http://schemas.openxmlformats.org/drawingml/2006/main"
#define R_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define REL_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define ADEC_NS "http://schemas.microsoft.com/office/drawing/2017/decorative"

static char *w_attr(const xmlNode *n, const char *name)
{
    return (char *)xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)W_NS);
}

/* Every paragraph style's name by its id ("heading 1", "caption": Word
 * names its own in English whatever the language of its menus, and their
 * ids in that language: Kop1, Bijschrift). */
static xmlHashTablePtr style_names(const xmlNode *root)
{
    xmlHashTablePtr names = xmlHashCreate(64);
    for (xmlNode *s = root ? root->children : NULL; s; s = s->next) {
        char *id = import_xml_is(s, W_NS, "style") ? w_attr(s, "styleId") : NULL;
        char *name = id ? w_attr(import_xml_child(s, W_NS, "name"), "val") : NULL;
        if (!name || xmlHashAddEntry(names, (xmlChar *)id, name) != 0)
            xmlFree(name);
        xmlFree(id);
    }
    return names;
}

static void free_name(void *payload, const xmlChar *name)
{
    xmlFree(payload);
}

/* The name of paragraph p's style, NULL when it has none. */
static const char *style_name(const xmlNode *p, xmlHashTablePtr styles)
{
    xmlNode *style = import_xml_child(import_xml_child(p, W_NS, "pPr"), W_NS, "pStyle");
    char *id = style ? w_attr(style, "val") : NULL;
    const char *name = id ? xmlHashLookup(styles, (xmlChar *)id) : NULL;
    xmlFree(id);
    return name;
}

static bool is_heading(const xmlNode *p, xmlHashTablePtr styles)
{
    const char *name = style_name(p, styles);
    return name && !strncasecmp(name, "heading ", 8) && name[8] >= '1' && name[8] <= '9' &&
           !name[9];
}

static bool is_caption(const xmlNode *p, xmlHashTablePtr styles)
{
    const char *name = style_name(p, styles);
    return name && !strcasecmp(name, "caption");
}

/* A caption's text as pandoc reads it (a field shows its result), and how
 * much of it its label is ("Figuur 1", up to the end of the SEQ field
 * that numbers it). */
typedef struct {
    import_xml_text text;
    size_t label; /* 0 until the SEQ field has ended */
    bool in_seq;
} caption_reader;

static void caption_text(const xmlNode *n, caption_reader *r)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        xmlChar *more = import_xml_is(c, W_NS, "t") ? xmlNodeGetContent(c) : NULL;
        if (more)
            import_xml_add(&r->text, (const char *)more, strlen((const char *)more));
        xmlFree(more);
        char *kind = import_xml_is(c, W_NS, "fldChar") ? w_attr(c, "fldCharType") : NULL;
        xmlChar *instr = import_xml_is(c, W_NS, "instrText") ? xmlNodeGetContent(c)
                         : import_xml_is(c, W_NS, "fldSimple")
                             ? xmlGetNsProp(c, (const xmlChar *)"instr", (const xmlChar *)W_NS)
                             : NULL;
        if (instr && strstr((const char *)instr, "SEQ ") && !r->label)
            r->in_seq = true;
        if (c->type == XML_ELEMENT_NODE && !import_xml_is(c, W_NS, "instrText"))
            caption_text(c, r);
        bool ends = (kind && !strcmp(kind, "end")) || import_xml_is(c, W_NS, "fldSimple");
        if (ends && r->in_seq) {
            r->in_seq = false;
            r->label = r->text.len;
        }
        xmlFree(kind);
        xmlFree(instr);
    }
}

static void add_caption(import_docx *out, const xmlNode *p)
{
    caption_reader r = { 0 };
    caption_text(p, &r);
    if (!r.text.s || !r.label) {
        free(r.text.s);
        return;
    }
    out->captions = mem_reserve(out->captions, &out->caption_cap, out->caption_count + 1,
                                sizeof *out->captions, 8);
    import_docx_caption *c = &out->captions[out->caption_count++];
    c->label = mem_printf("%.*s", (int)r.label, r.text.s);
    c->text = import_xml_collapse(r.text.s);
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
static void read_headings(import_docx *out, const xmlNode *body, xmlHashTablePtr styles,
                          import_docx_heading *pending)
{
    for (xmlNode *n = body->children; n; n = n->next) {
        if (import_xml_is(n, W_NS, "bookmarkStart")) {
            add_bookmark(pending, n);
        } else if (import_xml_is(n, W_NS, "sdt")) {
            xmlNode *content = import_xml_child(n, W_NS, "sdtContent");
            if (content)
                read_headings(out, content, styles, pending);
        } else if (import_xml_is(n, W_NS, "p") && is_caption(n, styles)) {
            add_caption(out, n);
            forget(pending);
        } else if (import_xml_is(n, W_NS, "p") && is_heading(n, styles)) {
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

/* The part a relationship of document.xml names (media/image1.png, as
 * pandoc's --extract-media keeps it), NULL when none. */
static char *target_of(const xmlNode *rels, const char *id)
{
    for (xmlNode *r = rels ? rels->children : NULL; r; r = r->next) {
        xmlChar *own = import_xml_is(r, REL_NS, "Relationship")
                           ? xmlGetNoNsProp(r, (const xmlChar *)"Id") : NULL;
        bool same = own && !strcmp((const char *)own, id);
        xmlFree(own);
        if (!same)
            continue;
        xmlChar *target = xmlGetNoNsProp(r, (const xmlChar *)"Target");
        const char *t = (const char *)target;
        char *copy = t ? mem_strdup(!strncmp(t, "/word/", 6) ? t + 6 : t) : NULL;
        xmlFree(target);
        return copy;
    }
    return NULL;
}

/* Word's "Mark as decorative": an extension of the drawing's docPr. */
static bool decorative(const xmlNode *doc_pr)
{
    xmlNode *list = import_xml_child(doc_pr, A_NS, "extLst");
    for (xmlNode *e = list ? list->children : NULL; e; e = e->next) {
        xmlNode *mark = import_xml_child(e, ADEC_NS, "decorative");
        xmlChar *val = mark ? xmlGetNoNsProp(mark, (const xmlChar *)"val") : NULL;
        bool yes = val && (!strcmp((const char *)val, "1") || !strcmp((const char *)val, "true"));
        xmlFree(val);
        if (yes)
            return true;
    }
    return false;
}

/* Every picture a drawing (wp:inline, wp:anchor) shows, in document order. */
static void read_images(import_docx *out, xmlNode *body, const xmlNode *rels)
{
    for (xmlNode *n = body; n; n = import_xml_next(n, body, false)) {
        if (!import_xml_is(n, WP_NS, "inline") && !import_xml_is(n, WP_NS, "anchor"))
            continue;
        xmlNode *blip = n;
        while (blip && !import_xml_is(blip, A_NS, "blip"))
            blip = import_xml_next(blip, n, false);
        xmlChar *id = blip ? xmlGetNsProp(blip, (const xmlChar *)"embed", (const xmlChar *)R_NS)
                           : NULL;
        char *target = id ? target_of(rels, (const char *)id) : NULL;
        xmlFree(id);
        if (!target)
            continue;
        out->images = mem_reserve(out->images, &out->image_cap, out->image_count + 1,
                                  sizeof *out->images, 16);
        out->images[out->image_count++] = (import_docx_image){
            .target = target, .decorative = decorative(import_xml_child(n, WP_NS, "docPr")) };
    }
}

/* import_odt_take's search line for line (duplicates pairs them): two
 * record types, each with its own key, kept apart on purpose. */
const import_docx_image *import_docx_take(import_docx *docx, const char *target)
{
    for (size_t i = 0; i < docx->image_count; i++) {
        import_docx_image *it = &docx->images[i];
        if (!it->taken && !strcmp(it->target, target)) {
            it->taken = true;
            return it;
        }
    }
    return NULL;
}

bool import_docx_read(zipfile *z, const char *path, import_docx *out, char **err)
{
    xmlDoc *styles = import_xml_part(z, path, "word/styles.xml", err);
    xmlDoc *doc = *err ? NULL : import_xml_part(z, path, "word/document.xml", err);
    if (!doc && !*err)
        *err = mem_printf("%s has no word/document.xml: it is not a Word document", path);
    xmlNode *body = doc ? import_xml_child(xmlDocGetRootElement(doc), W_NS, "body") : NULL;
    import_docx_heading pending = { 0 };
    xmlHashTablePtr names = style_names(styles ? xmlDocGetRootElement(styles) : NULL);
    if (body)
        read_headings(out, body, names, &pending);
    xmlHashFree(names, free_name);
    forget(&pending);
    xmlDoc *rels = body ? import_xml_part(z, path, "word/_rels/document.xml.rels", err) : NULL;
    if (rels)
        read_images(out, body, xmlDocGetRootElement(rels));
    xmlFreeDoc(rels);
    xmlFreeDoc(doc);
    xmlFreeDoc(styles);
    import_xml_bounded(out->count, path, "headings", err);
    import_xml_bounded(out->caption_count, path, "captions", err);
    import_xml_bounded(out->image_count, path, "images", err);
    return !*err;
}

void import_docx_free(import_docx *docx)
{
    for (size_t i = 0; i < docx->count; i++)
        forget(&docx->headings[i]);
    for (size_t i = 0; i < docx->caption_count; i++) {
        free(docx->captions[i].text);
        free(docx->captions[i].label);
    }
    free(docx->captions);
    for (size_t i = 0; i < docx->image_count; i++)
        free(docx->images[i].target);
    free(docx->images);
    free(docx->headings);
    *docx = (import_docx){ 0 };
}
