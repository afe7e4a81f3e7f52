#include "import_odt.h"

#include "import_xml.h"
#include "mem.h"

#include <libxml/hash.h>
#include <libxml/tree.h>

#include <stdlib.h>
#include <string.h>

#define DRAW_NS "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
#define SVG_NS "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
#define XLINK_NS "http://www.w3.org/1999/xlink"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define TABLE_NS "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define STYLE_NS "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define LOEXT_NS "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"

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
        if (import_xml_is(c, SVG_NS, name)) {
            char *text = (char *)xmlNodeGetContent(c);
            if (!blank(text))
                return text;
            xmlFree(text);
        }
    return NULL;
}

/* Whether n is a paragraph of the style named style (by itself). */
static bool styled(const xmlNode *n, const char *style)
{
    xmlChar *name = NULL;
    if (import_xml_is(n, TEXT_NS, "p"))
        name = xmlGetNsProp(n, (const xmlChar *)"style-name", (const xmlChar *)TEXT_NS);
    bool is = name && !strcmp((const char *)name, style);
    xmlFree(name);
    return is;
}

/* pandoc's ODT writer sets a Markdown figure as a paragraph holding the
 * image (style FigureWithCaption) and one holding its caption, the
 * Markdown alternative text (FigureCaption): the caption's text. */
static char *pandoc_caption(const xmlNode *frame)
{
    const xmlNode *p = frame->parent, *next = import_xml_sibling(p, false);
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
        alt = mem_printf("%.*s%s%s", (int)end, title, stop ? " " : ". ", desc);
    } else if (title || desc) {
        alt = mem_strdup(title ? title : desc);
    }
    xmlFree(title);
    xmlFree(desc);
    return alt;
}

/* The text of n up to and with its first text:sequence (the number
 * LibreOffice gives a caption), the image's frame aside. */
static bool label_text(const xmlNode *n, import_xml_text *acc)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        bool sequence = import_xml_is(c, TEXT_NS, "sequence");
        xmlChar *more = c->type == XML_TEXT_NODE || sequence ? xmlNodeGetContent(c) : NULL;
        if (more)
            import_xml_add(acc, (const char *)more, strlen((const char *)more));
        xmlFree(more);
        if (sequence || (c->type == XML_ELEMENT_NODE && !import_xml_is(c, DRAW_NS, "frame") &&
                         label_text(c, acc)))
            return true;
    }
    return false;
}

/* pandoc makes LibreOffice's caption, label and all, the figure's title
 * (the compiler numbers figures itself): the label, to be taken off. */
static char *caption_label(const xmlNode *frame)
{
    const xmlNode *p = frame->parent;
    if (!import_xml_is(p, TEXT_NS, "p") || !import_xml_is(p->parent, DRAW_NS, "text-box"))
        return NULL;
    import_xml_text label = { 0 };
    if (!label_text(p, &label) || blank(label.s)) {
        free(label.s);
        return NULL;
    }
    return label.s;
}

/* LibreOffice's "Decorative" (loext:decorative, ODF 1.4's draw:decorative). */
static bool decorative(const xmlNode *frame)
{
    bool yes = false;
    for (int i = 0; i < 2 && !yes; i++) {
        xmlChar *v = xmlGetNsProp(frame, (const xmlChar *)"decorative",
                                  (const xmlChar *)(i ? DRAW_NS : LOEXT_NS));
        yes = v && !strcmp((const char *)v, "true");
        xmlFree(v);
    }
    return yes;
}

static void add_image(import_odt *out, const xmlNode *image)
{
    xmlChar *href = xmlGetNsProp(image, (const xmlChar *)"href", (const xmlChar *)XLINK_NS);
    if (!href)
        return;
    const char *h = (const char *)href;
    while (!strncmp(h, "./", 2))
        h += 2;
    out->images = mem_reserve(out->images, &out->image_cap, out->image_count + 1,
                              sizeof *out->images, 16);
    import_odt_image *it = &out->images[out->image_count++];
    *it = (import_odt_image){ .href = mem_strdup(h), .alt = description(image->parent),
                              .label = caption_label(image->parent),
                              .caption = pandoc_caption(image->parent),
                              .decorative = decorative(image->parent) };
    if (!it->alt && it->caption) /* pandoc's writer gives it no description */
        it->alt = mem_strdup(it->caption);
    xmlFree(href);
}

/* A cell's paragraphs (and those of lists in it), one space between. */
static void cell_text(const xmlNode *n, import_xml_text *text)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (import_xml_is(c, TEXT_NS, "p") || import_xml_is(c, TEXT_NS, "h")) {
            xmlChar *more = xmlNodeGetContent(c);
            if (text->len)
                import_xml_add(text, " ", 1);
            if (more)
                import_xml_add(text, (const char *)more, strlen((const char *)more));
            xmlFree(more);
        } else if (c->type == XML_ELEMENT_NODE) {
            cell_text(c, text);
        }
    }
}

/* A header row's cells, or false when one spans columns or rows (a
 * covered cell): such a header is not a grid the import can rebuild. */
static bool header_row(const xmlNode *row, import_odt_header *h, size_t *cap)
{
    size_t count = 0;
    for (xmlNode *c = row->children; c; c = c->next) {
        if (import_xml_is(c, TABLE_NS, "covered-table-cell"))
            return false;
        if (!import_xml_is(c, TABLE_NS, "table-cell"))
            continue;
        xmlChar *span = xmlGetNsProp(c, (const xmlChar *)"number-columns-spanned",
                                     (const xmlChar *)TABLE_NS);
        bool spans = span && strcmp((const char *)span, "1");
        xmlFree(span);
        import_xml_text text = { 0 };
        cell_text(c, &text);
        h->cells = mem_reserve(h->cells, cap, h->count + 1, sizeof *h->cells, 8);
        h->cells[h->count++] = text.s ? text.s : mem_strdup("");
        count++;
        if (spans) /* its text read all the same, for the message */
            return false;
    }
    if (h->rows && count != h->columns)
        return false;
    h->columns = count;
    h->rows++;
    return true;
}

static void read_header(import_odt_header *h, const xmlNode *table)
{
    size_t cap = 0;
    for (xmlNode *c = table->children; c; c = c->next)
        if (import_xml_is(c, TABLE_NS, "table-header-rows"))
            for (xmlNode *row = c->children; row; row = row->next)
                if (import_xml_is(row, TABLE_NS, "table-row") && !header_row(row, h, &cap)) {
                    h->columns = 0;
                    return;
                }
}

static bool holds(const xmlNode *n, const char *ns, const char *name)
{
    for (const xmlNode *d = n; d; d = import_xml_next((xmlNode *)d, n, false))
        if (d != n && import_xml_is(d, ns, name))
            return true;
    return false;
}

/* pandoc's writer puts a table's caption before it (TableCaption);
 * LibreOffice's numbered caption (a paragraph with a text:sequence and no
 * image) stands before or after it. */
static void table_caption(import_odt_header *h, const xmlNode *table)
{
    const xmlNode *sides[] = { import_xml_sibling(table, true), import_xml_sibling(table, false) };
    for (int i = 0; i < 2 && !h->caption; i++) {
        const xmlNode *p = sides[i];
        import_xml_text label = { 0 };
        bool pandoc = i == 0 && styled(p, "TableCaption");
        if (!pandoc && (!import_xml_is(p, TEXT_NS, "p") || holds(p, DRAW_NS, "frame") ||
                        !label_text(p, &label) || blank(label.s))) {
            free(label.s);
            continue;
        }
        xmlChar *text = xmlNodeGetContent(p);
        h->caption = mem_strdup(text ? (const char *)text : "");
        h->caption_label = label.s;
        xmlFree(text);
    }
}

static void add_table(import_odt *out, const xmlNode *table)
{
    out->headers = mem_reserve(out->headers, &out->header_cap, out->header_count + 1,
                               sizeof *out->headers, 8);
    import_odt_header *h = &out->headers[out->header_count++];
    *h = (import_odt_header){ 0 };
    read_header(h, table);
    table_caption(h, table);
}

static void add_bookmark(import_odt *out, const xmlNode *mark)
{
    xmlChar *name = xmlGetNsProp(mark, (const xmlChar *)"name", (const xmlChar *)TEXT_NS);
    out->bookmarks = mem_reserve(out->bookmarks, &out->bookmark_cap, out->bookmark_count + 1,
                                 sizeof *out->bookmarks, 16);
    out->bookmarks[out->bookmark_count++] = mem_strdup(name ? (const char *)name : "");
    xmlFree(name);
}

/* Each automatic style's parent by its name (P1, …: LibreOffice's for a
 * paragraph formatted by hand, derived from the style it shows). */
static xmlHashTablePtr auto_parents(const xmlNode *root)
{
    xmlHashTablePtr parents = xmlHashCreate(64);
    const xmlNode *autos = import_xml_child(root, OFFICE_NS, "automatic-styles");
    for (xmlNode *c = autos ? autos->children : NULL; c; c = c->next) {
        xmlChar *name = import_xml_is(c, STYLE_NS, "style")
                            ? xmlGetNsProp(c, (const xmlChar *)"name", (const xmlChar *)STYLE_NS)
                            : NULL;
        xmlChar *parent = name ? xmlGetNsProp(c, (const xmlChar *)"parent-style-name",
                                              (const xmlChar *)STYLE_NS) : NULL;
        if (!parent || xmlHashAddEntry(parents, name, parent) != 0)
            xmlFree(parent);
        xmlFree(name);
    }
    return parents;
}

static void free_parent(void *payload, const xmlChar *name)
{
    xmlFree(payload);
}

/* Whether paragraph p shows style: its own, or its automatic style's. */
static bool shows_style(const xmlNode *p, xmlHashTablePtr parents, const char *style)
{
    xmlChar *name = xmlGetNsProp(p, (const xmlChar *)"style-name", (const xmlChar *)TEXT_NS);
    const char *parent = name ? xmlHashLookup(parents, name) : NULL;
    bool shows = name && !strcmp(parent ? parent : (const char *)name, style);
    xmlFree(name);
    return shows;
}

/* What office:text holds before the text: forms, tracked changes and the
 * declarations of variables, sequences, user fields. */
static bool preamble(const xmlNode *n)
{
    return n->type != XML_ELEMENT_NODE || import_xml_is(n, OFFICE_NS, "forms") ||
           import_xml_is(n, TEXT_NS, "tracked-changes") || strstr((const char *)n->name, "-decls");
}

/* The paragraphs styled Title and Date (pandoc's writer; LibreOffice's
 * Title) that open the body, before any other (empty ones aside, a few). */
static void read_front(import_odt *out, const xmlNode *root, xmlHashTablePtr autos)
{
    const xmlNode *text =
        import_xml_child(import_xml_child(root, OFFICE_NS, "body"), OFFICE_NS, "text");
    int left = 16; /* elements */
    for (xmlNode *c = text ? text->children : NULL; c && left > 0; c = c->next) {
        left -= c->type == XML_ELEMENT_NODE;
        if (preamble(c))
            continue;
        if (!import_xml_is(c, TEXT_NS, "p"))
            break;
        char *content = (char *)xmlNodeGetContent(c);
        bool go_on = true;
        if (blank(content)) {
        } else if (!out->shown_title && shows_style(c, autos, "Title")) {
            out->shown_title = mem_strdup(content);
        } else if (!out->shown_date && shows_style(c, autos, "Date")) {
            out->shown_date = mem_strdup(content);
        } else {
            go_on = false;
        }
        xmlFree(content);
        if (!go_on)
            break;
    }
}

/* A code paragraph's text as written: text:s is spaces (text:c of them),
 * text:tab a tab, text:line-break a new line; notes and frames aside. */
static void code_text(const xmlNode *n, import_xml_text *acc)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        xmlChar *count = import_xml_is(c, TEXT_NS, "s")
                             ? xmlGetNsProp(c, (const xmlChar *)"c", (const xmlChar *)TEXT_NS)
                             : NULL;
        int spaces = import_xml_is(c, TEXT_NS, "s") ? (count ? atoi((char *)count) : 1) : 0;
        xmlFree(count);
        xmlChar *text = c->type == XML_TEXT_NODE ? xmlNodeGetContent(c) : NULL;
        const char *more = text ? (const char *)text
                           : import_xml_is(c, TEXT_NS, "tab")        ? "\t"
                           : import_xml_is(c, TEXT_NS, "line-break") ? "\n"
                                                                     : "";
        for (spaces = spaces > 1000 ? 1000 : spaces; spaces > 0; spaces--)
            import_xml_add(acc, " ", 1);
        import_xml_add(acc, more, strlen(more));
        xmlFree(text);
        if (c->type == XML_ELEMENT_NODE && !import_xml_is(c, TEXT_NS, "note") &&
            !import_xml_is(c, DRAW_NS, "frame"))
            code_text(c, acc);
    }
}

/* The kind of block paragraph p is part of (-1: none), *term whether it is
 * a term. */
static int block_kind(const xmlNode *p, xmlHashTablePtr autos, bool *term)
{
    static const char *const terms[] = { "Definition_20_Term", "Definition_20_Term_20_Tight",
                                         "List_20_Heading", NULL };
    static const char *const defs[] = { "Definition_20_Definition",
                                        "Definition_20_Definition_20_Tight",
                                        "List_20_Contents", NULL };
    *term = false;
    if (shows_style(p, autos, "Preformatted_20_Text"))
        return IMPORT_ODT_CODE;
    if (shows_style(p, autos, "Quotations"))
        return IMPORT_ODT_QUOTE;
    for (int i = 0; terms[i]; i++)
        if ((*term = shows_style(p, autos, terms[i])) || shows_style(p, autos, defs[i]))
            return IMPORT_ODT_TERMS;
    return -1;
}

/* A paragraph of a block style joins the run of its previous sibling
 * (*last) when that is one of the same kind (a definition list starts
 * with a term). */
static void add_block(import_odt *out, const xmlNode *p, xmlHashTablePtr autos,
                      const xmlNode **last)
{
    bool term;
    int kind = block_kind(p, autos, &term);
    if (kind < 0)
        return;
    import_odt_block *b = out->block_count ? &out->blocks[out->block_count - 1] : NULL;
    if (!b || (int)b->kind != kind || !*last || import_xml_sibling(p, true) != *last) {
        if (kind == IMPORT_ODT_TERMS && !term)
            return; /* a definition without its term */
        out->blocks = mem_reserve(out->blocks, &out->block_cap, out->block_count + 1,
                                  sizeof *out->blocks, 8);
        b = &out->blocks[out->block_count++];
        *b = (import_odt_block){ .kind = (import_odt_kind)kind };
    }
    import_xml_text text = { 0 };
    code_text(p, &text);
    b->lines = mem_reserve(b->lines, &b->cap, b->count + 1, sizeof *b->lines, 8);
    b->terms = mem_reserve(b->terms, &b->terms_cap, b->count + 1, sizeof *b->terms, 8);
    b->terms[b->count] = term;
    b->lines[b->count++] = text.s ? text.s : mem_strdup("");
    *last = p;
}

/* The title of the document's properties (meta.xml's dc:title). */
static char *read_title(zipfile *z, const char *path, char **err)
{
    xmlDoc *doc = import_xml_part(z, path, "meta.xml", err);
    xmlNode *meta = doc ? import_xml_child(xmlDocGetRootElement(doc), OFFICE_NS, "meta") : NULL;
    xmlNode *title = import_xml_child(meta, DC_NS, "title");
    char *text = title ? (char *)xmlNodeGetContent(title) : NULL;
    char *copy = blank(text) ? NULL : mem_strdup(text);
    xmlFree(text);
    xmlFreeDoc(doc);
    return copy;
}

bool import_odt_read(zipfile *z, const char *path, import_odt *out, char **err)
{
    xmlDoc *doc = import_xml_part(z, path, "content.xml", err);
    if (!doc) {
        if (!*err)
            *err = mem_printf("%s has no content.xml: it is not an OpenDocument text", path);
        return false;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlHashTablePtr autos = auto_parents(root);
    const xmlNode *last = NULL;
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false)) {
        if (import_xml_is(n, TEXT_NS, "p"))
            add_block(out, n, autos, &last);
        if (import_xml_is(n, DRAW_NS, "image") && import_xml_is(n->parent, DRAW_NS, "frame"))
            add_image(out, n);
        else if (import_xml_is(n, TABLE_NS, "table"))
            add_table(out, n);
        else if (import_xml_is(n, TEXT_NS, "bookmark") ||
                 import_xml_is(n, TEXT_NS, "bookmark-start"))
            add_bookmark(out, n);
    }
    read_front(out, root, autos);
    xmlHashFree(autos, free_parent);
    xmlFreeDoc(doc);
    out->title = read_title(z, path, err);
    if (!out->title && out->shown_title)
        out->title = mem_strdup(out->shown_title);
    import_xml_bounded(out->image_count, path, "images", err);
    import_xml_bounded(out->header_count, path, "tables", err);
    import_xml_bounded(out->bookmark_count, path, "bookmarks", err);
    import_xml_bounded(out->block_count, path, "code blocks and quotations", err);
    return !*err;
}

/* import_docx_take's search line for line (duplicates pairs them): see
 * there. */
const import_odt_image *import_odt_take(import_odt *odt, const char *href)
{
    for (size_t i = 0; i < odt->image_count; i++) {
        import_odt_image *it = &odt->images[i];
        if (!it->taken && !strcmp(it->href, href)) {
            it->taken = true;
            return it;
        }
    }
    return NULL;
}

/* A run of frees, one per owned field: alike in shape to para_ctx_free's
 * and emitter_free's (duplicates pairs them), different data. */
void import_odt_free(import_odt *odt)
{
    for (size_t i = 0; i < odt->image_count; i++) {
        free(odt->images[i].href);
        free(odt->images[i].alt);
        free(odt->images[i].label);
        free(odt->images[i].caption);
    }
    for (size_t i = 0; i < odt->header_count; i++) {
        import_odt_header *h = &odt->headers[i];
        for (size_t k = 0; k < h->count; k++)
            free(h->cells[k]);
        free(h->cells);
        free(h->caption);
        free(h->caption_label);
    }
    for (size_t i = 0; i < odt->bookmark_count; i++)
        free(odt->bookmarks[i]);
    for (size_t i = 0; i < odt->block_count; i++) {
        for (size_t k = 0; k < odt->blocks[i].count; k++)
            free(odt->blocks[i].lines[k]);
        free(odt->blocks[i].lines);
        free(odt->blocks[i].terms);
    }
    free(odt->blocks);
    free(odt->bookmarks);
    free(odt->images);
    free(odt->headers);
    free(odt->title);
    free(odt->shown_title);
    free(odt->shown_date);
    *odt = (import_odt){ 0 };
}
