#include "import_restore.h"

#include "import_db.h"
#include "import_xml.h"

#include <libxml/tree.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XML_NS "http://www.w3.org/XML/1998/namespace"
/* The paragraphs restore_blocks looks at, at most, over all the blocks. */
#define IMPORT_RESTORE_MAX_STEPS 10000000L

/* pandoc's anchors are the .odt's bookmarks, one each, in the same order
 * (import_odt.h): each gets its bookmark's name back, so that a link to a
 * heading finds it; when their numbers differ, none does. */
static void restore_bookmarks(import_restore *r, xmlNode *root)
{
    size_t anchors = 0, k = 0;
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false))
        anchors += import_db_is(n, "anchor");
    if (anchors != r->odt->bookmark_count)
        return;
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false))
        if (import_db_is(n, "anchor") && r->odt->bookmarks[k++][0])
            xmlSetNsProp(n, xmlSearchNsByHref(n->doc, n, (const xmlChar *)XML_NS),
                         (const xmlChar *)"id", (const xmlChar *)r->odt->bookmarks[k - 1]);
}

/* A .docx's headings are pandoc's sections, in the same order
 * (import_docx.h): each section's title gets an anchor named after each of
 * its heading's bookmarks, so that a link to the heading finds it; when
 * their numbers differ, none does. */
static void restore_heading_marks(import_restore *r, xmlNode *root)
{
    size_t sections = 0, k = 0;
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false))
        sections += import_db_is(n, "section");
    if (!sections || sections != r->docx->count)
        return;
    xmlNs *xml = xmlSearchNsByHref(root->doc, root, (const xmlChar *)XML_NS);
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false)) {
        const import_docx_heading *h = import_db_is(n, "section") ? &r->docx->headings[k++] : NULL;
        xmlNode *title = h ? import_db_child(n, "title") : NULL;
        xmlChar *id = title ? xmlGetNsProp(n, (const xmlChar *)"id", (const xmlChar *)XML_NS)
                            : NULL;
        for (size_t i = title ? h->count : 0; i-- > 0;) {
            if (id && !strcmp((const char *)id, h->bookmarks[i]))
                continue; /* pandoc's own id for it */
            xmlNode *mark = xmlNewNode(n->ns, (const xmlChar *)"anchor");
            xmlSetNsProp(mark, xml, (const xmlChar *)"id", (const xmlChar *)h->bookmarks[i]);
            title->children ? xmlAddPrevSibling(title->children, mark) : xmlAddChild(title, mark);
        }
        xmlFree(id);
    }
}


/* What the package itself says of the picture of image_object, which
 * pandoc's --extract-media keeps under media/ by its path in the package
 * (Pictures/… in an .odt, media/… in a .docx): *odt or *docx, NULL when
 * it says nothing. */
static void package_image(import_restore *r, xmlNode *image_object, const import_odt_image **odt,
                          const import_docx_image **docx)
{
    xmlNode *data = import_db_child(image_object, "imagedata");
    xmlChar *ref = data ? xmlGetNoNsProp(data, (const xmlChar *)"fileref") : NULL;
    size_t n = strlen(r->media);
    const char *path = ref && !strncmp((const char *)ref, r->media, n) && ref[n] == '/'
                           ? (const char *)ref + n + 1
                           : NULL;
    *odt = path && r->odt->image_count ? import_odt_take(r->odt, path) : NULL;
    *docx = path && r->docx->image_count ? import_docx_take(r->docx, path) : NULL;
    xmlFree(ref);
}

/* Takes label ("Figuur 1", white space runs alike) and the separator
 * after it (": ", " – ") off the start of the first text in n. */
static void strip_label(xmlNode *n, const char *label)
{
    while (n && n->type != XML_TEXT_NODE)
        n = n->children;
    const char *t = n ? (const char *)n->content : NULL;
    const char *l = label;
    while (t && *t && strchr(" \t\r\n", *t))
        t++;
    while (t && *l) {
        bool space = strchr(" \t\r\n", *l) != NULL;
        if (space && strchr(" \t\r\n", *t)) {
            while (*t && strchr(" \t\r\n", *t))
                t++;
            while (*l && strchr(" \t\r\n", *l))
                l++;
        } else if (*t == *l) {
            t++, l++;
        } else {
            return;
        }
    }
    for (bool more = true; t && more;) { /* Word offers - . : – — */
        more = *t && strchr(" \t\r\n:.-", *t);
        if (more)
            t++;
        else if ((more = !strncmp(t, "\u2013", 3) || !strncmp(t, "\u2014", 3)))
            t += 3;
    }
    xmlChar *rest = t ? xmlStrdup((const xmlChar *)t) : NULL; /* t is n's */
    if (rest)
        xmlNodeSetContent(n, rest);
    xmlFree(rest);
}

/* pandoc's ODT writer sets a Markdown figure as a paragraph holding the
 * image and one holding its caption, and its reader reads them back as
 * two paragraphs (import_odt.h): they become the figure again. So does an
 * image with a caption Word numbered after it (or before: above). */
/* Whether paragraph p reads text (white space runs alike). */
static bool reads(xmlNode *p, const char *text)
{
    char *want = import_xml_collapse((char *)xmlStrdup((const xmlChar *)text));
    char *shown = import_db_is(p, "para") ? import_db_text(p) : NULL;
    bool same = want && shown && !strcmp(shown, want);
    xmlFree(want);
    xmlFree(shown);
    return same;
}

/* The caption paragraph p becomes title, a new first child of n; p goes. */
static xmlNode *title_from(xmlNode *n, xmlNode *p)
{
    xmlNode *title = xmlNewNode(n->ns, (const xmlChar *)"title");
    n->children ? xmlAddPrevSibling(n->children, title) : xmlAddChild(n, title);
    for (xmlNode *c; (c = p->children);) {
        xmlUnlinkNode(c);
        xmlAddChild(title, c);
    }
    xmlUnlinkNode(p);
    xmlFreeNode(p);
    return title;
}

static void make_figure(xmlNode *media, const char *caption, bool above)
{
    xmlNode *para = media->parent, *next = import_xml_sibling(para, above);
    if (!import_db_is(media, "inlinemediaobject") || !import_db_is(para, "para") ||
        import_db_direct_text(para) || !import_db_is(next, "para"))
        return;
    for (xmlNode *c = para->children; c; c = c->next)
        if (c != media && c->type == XML_ELEMENT_NODE)
            return;
    if (!reads(next, caption))
        return;
    xmlNode *figure = xmlNewNode(para->ns, (const xmlChar *)"figure");
    xmlUnlinkNode(media);
    xmlNodeSetName(media, (const xmlChar *)"mediaobject");
    xmlAddChild(figure, media);
    title_from(figure, next);
    xmlReplaceNode(para, figure);
    xmlFreeNode(para);
}

/* An informaltable with its caption (label and text) in the paragraph
 * just before or after it becomes a table titled by it, the label taken
 * off (the compiler numbers tables). */
static void make_table_title(xmlNode *table, const char *caption, const char *label)
{
    xmlNode *found = NULL;
    for (int i = 0; i < 2 && !found && caption && import_db_is(table, "informaltable"); i++)
        if (reads(import_xml_sibling(table, i == 0), caption))
            found = import_xml_sibling(table, i == 0);
    if (!found)
        return;
    xmlNodeSetName(table, (const xmlChar *)"table");
    xmlNode *title = title_from(table, found);
    if (label)
        strip_label(title, label);
}

/* pandoc writes an image's alternative text as imageobject/objectinfo/title
 * (the subset wants textobject/phrase, which the PDF's /Alt is made of). */
void import_restore_image(import_restore *r, xmlNode *image_object)
{
    xmlNode *info = import_db_child(image_object, "objectinfo");
    xmlNode *title = info ? import_db_child(info, "title") : NULL;
    const import_odt_image *odt;
    const import_docx_image *docx;
    package_image(r, image_object, &odt, &docx);
    char *alt = odt && odt->alt ? import_xml_collapse((char *)xmlStrdup((const xmlChar *)odt->alt))
                : title     ? import_db_text(title)
                            : NULL;
    xmlNode *media = image_object->parent;
    xmlNode *given = media ? import_db_child(media, "textobject") : NULL;
    if (odt && odt->label) { /* pandoc's caption of a LibreOffice figure */
        strip_label(given, odt->label);
        if (import_db_is(media->parent, "figure"))
            strip_label(import_db_child(media->parent, "title"), odt->label);
    }
    if (given && odt && odt->alt) { /* the .odt's description, not the caption */
        xmlUnlinkNode(given);
        xmlFreeNode(given);
    }
    if (media && import_db_has_text(alt) && !import_db_child(media, "textobject")) {
        xmlNode *to = xmlNewChild(media, media->ns, (const xmlChar *)"textobject", NULL);
        xmlNewTextChild(to, media->ns, (const xmlChar *)"phrase", (const xmlChar *)alt);
    } else if (media && ((odt && odt->decorative) || (docx && docx->decorative))) {
        xmlSetProp(media, (const xmlChar *)"role", (const xmlChar *)"decorative");
    }
    if (info) {
        xmlUnlinkNode(info);
        xmlFreeNode(info);
    }
    /* pandoc's DOCX writer sets a figure as its ODT writer does, the
     * caption its alternative text: in a .docx a paragraph after an image
     * that reads the image's alternative text is taken for its caption. */
    if (media && odt && odt->caption)
        make_figure(media, odt->caption, false);
    else if (media && import_db_has_text(alt) && r->docx_format)
        make_figure(media, alt, false);
    xmlFree(alt);
}

/* The caption Word numbered that the paragraph after media's shows. */
static const import_docx_caption *docx_caption(import_restore *r, xmlNode *p)
{
    char *shown = import_db_is(p, "para") ? import_db_text(p) : NULL;
    const import_docx_caption *found = NULL;
    for (size_t i = 0; shown && !found && i < r->docx->caption_count; i++)
        if (!strcmp(r->docx->captions[i].text, shown))
            found = &r->docx->captions[i];
    xmlFree(shown);
    return found;
}

/* A .docx's table: pandoc's reader gives one it wrote a caption (a title)
 * and the caption's paragraph before it too, which goes; one with a
 * caption Word numbered before or after it is titled by that caption
 * (not by the title of its alt text, w:tblCaption, which pandoc reads as
 * its caption: Word does not show it). */
static void docx_table(import_restore *r, xmlNode *table)
{
    xmlNode *before = import_xml_sibling(table, true);
    xmlNode *title = import_db_child(table, "title");
    char *text = title ? import_db_text(title) : NULL;
    if (text && reads(before, text)) {
        xmlUnlinkNode(before);
        xmlFreeNode(before);
    }
    xmlFree(text);
    for (int i = 0; i < 2; i++) {
        const import_docx_caption *c = docx_caption(r, import_xml_sibling(table, i == 0));
        if (!c)
            continue;
        if ((title = import_db_child(table, "title"))) { /* its alt text's title */
            xmlUnlinkNode(title);
            xmlFreeNode(title);
        }
        xmlNodeSetName(table, (const xmlChar *)"informaltable");
        make_table_title(table, c->text, c->label);
        break;
    }
}

/* Whether the document's captions stand above their images: more images
 * have a caption Word numbered just before them than just after (with
 * captions below, the image after a figure has one before it too). */
static bool captions_above(import_restore *r, xmlNode *root)
{
    long above = 0, below = 0;
    for (xmlNode *n = root; n && r->docx->caption_count; n = import_xml_next(n, root, false))
        if (import_db_is(n, "inlinemediaobject")) {
            above += docx_caption(r, import_xml_sibling(n->parent, true)) != NULL;
            below += docx_caption(r, import_xml_sibling(n->parent, false)) != NULL;
        }
    return above > below;
}

/* An image alone in its paragraph with a caption Word numbered beside it
 * (import_docx.h; after it, or before it when the document's captions
 * stand above their images) is a figure: the caption without its number
 * (the compiler numbers figures) its title and, when the image has none,
 * its alternative text. */
void import_restore_captions(import_restore *r, xmlNode *root)
{
    bool first_above = captions_above(r, root);
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false)) {
        if (import_db_is_table(n) && r->docx_format)
            docx_table(r, n);
        const import_docx_caption *c = NULL;
        for (int k = 0; !c && k < 2 && import_db_is(n, "inlinemediaobject"); k++) {
            bool above = first_above == (k == 0);
            if ((c = docx_caption(r, import_xml_sibling(n->parent, above))))
                make_figure(n, c->text, above);
        }
        if (!c || !import_db_is(n, "mediaobject"))
            continue;
        xmlNode *title = import_db_child(n->parent, "title");
        strip_label(title, c->label);
        xmlNode *image = import_db_child(n, "imageobject");
        if (!import_db_child(n, "textobject") && !(image && import_db_child(image, "objectinfo"))) {
            char *alt = import_db_text(title);
            xmlNode *to = xmlNewChild(n, n->ns, (const xmlChar *)"textobject", NULL);
            xmlNewTextChild(to, n->ns, (const xmlChar *)"phrase", (const xmlChar *)alt);
            xmlFree(alt);
        }
    }
}


/* An .odt table's header rows, put back (import_odt.h) unless pandoc kept
 * their text; said so when they do not fit the table. */
static void restore_header(xmlNode *table, const import_odt_header *h)
{
    xmlNode *group = import_db_child(table, "tgroup");
    xmlNode *head = group ? import_db_child(group, "thead") : NULL;
    char *kept = head ? import_db_text(head) : NULL;
    xmlChar *cols = group ? xmlGetNoNsProp(group, (const xmlChar *)"cols") : NULL;
    bool fits = cols && h->columns && strtoul((const char *)cols, NULL, 10) == h->columns;
    xmlFree(cols);
    if (!h->count || import_db_has_text(kept)) {
    } else if (!fits) {
        fprintf(stderr, "kcvs-pdf: warning: the heading of a table, \"%s\", is not "
                "imported: its cells span columns (write it in the table's <thead>)\n",
                h->count ? h->cells[0] : "");
    } else {
        if (head) {
            xmlUnlinkNode(head);
            xmlFreeNode(head);
        }
        head = xmlNewNode(group->ns, (const xmlChar *)"thead");
        xmlNode *body = import_db_child(group, "tbody");
        body ? xmlAddPrevSibling(body, head) : xmlAddChild(group, head);
        for (size_t r = 0; r < h->rows; r++) {
            xmlNode *row = xmlNewChild(head, group->ns, (const xmlChar *)"row", NULL);
            for (size_t c = 0; c < h->columns; c++)
                xmlNewTextChild(row, group->ns, (const xmlChar *)"entry",
                                (const xmlChar *)h->cells[r * h->columns + c]);
        }
    }
    xmlFree(kept);
}

/* pandoc's tables are the .odt's, in the same order: when their numbers
 * differ, no header is put back where it does not belong. */
static void restore_headers(import_restore *r, xmlNode *root)
{
    size_t tables = 0, k = 0;
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false))
        tables += import_db_is_table(n);
    if (tables != r->odt->header_count) {
        for (size_t i = 0; i < r->odt->header_count; i++)
            if (r->odt->headers[i].count) {
                fprintf(stderr, "kcvs-pdf: warning: the headings of the document's tables "
                        "are not imported: pandoc read %zu tables of its %zu\n", tables,
                        r->odt->header_count);
                return;
            }
        return;
    }
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false))
        if (import_db_is_table(n)) {
            const import_odt_header *h = &r->odt->headers[k++];
            restore_header(n, h);
            make_table_title(n, h->caption, h->caption_label);
        }
}


/* Removes the first of the paragraphs opening the body that shows text
 * (white space aside); false when none does. */
static bool drop_shown(xmlNode *root, const char *text)
{
    char *want = import_xml_collapse((char *)xmlStrdup((const xmlChar *)text));
    xmlNode *found = NULL;
    for (xmlNode *c = root->children; c && !found; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || import_db_is(c, "info"))
            continue;
        if (!import_db_is(c, "para"))
            break;
        char *shown = import_db_text(c);
        if (shown && !strcmp(shown, want))
            found = c;
        xmlFree(shown);
    }
    xmlFree(want);
    if (found) {
        xmlUnlinkNode(found);
        xmlFreeNode(found);
    }
    return found != NULL;
}

/* An .odt's title (its properties', else its Title paragraph) and pandoc's
 * Date paragraph, which pandoc's reader leaves in the body, become the
 * report's (import_odt.h): the paragraphs that showed them go. */
static void restore_front(import_restore *r, xmlNode *root)
{
    xmlNode *info = import_db_child(root, "info");
    xmlNode *title = info ? import_db_child(info, "title") : NULL;
    char *had = title ? import_db_text(title) : NULL;
    if (r->odt->title && !import_db_has_text(had)) {
        info = import_db_info(root);
        if (title) {
            xmlUnlinkNode(title);
            xmlFreeNode(title);
        }
        title = xmlNewTextChild(info, root->ns, (const xmlChar *)"title",
                                (const xmlChar *)r->odt->title);
        xmlUnlinkNode(title);
        info->children ? xmlAddPrevSibling(info->children, title) : xmlAddChild(info, title);
        if (r->odt->shown_title && !strcmp(r->odt->title, r->odt->shown_title))
            drop_shown(root, r->odt->shown_title);
    }
    xmlFree(had);
    if (r->odt->shown_date && !(info && (import_db_child(info, "pubdate") ||
                                         import_db_child(info, "date"))) &&
        drop_shown(root, r->odt->shown_date))
        xmlNewTextChild(import_db_info(root), root->ns, (const xmlChar *)"pubdate",
                        (const xmlChar *)r->odt->shown_date);
}

/* How many of block b's lines (blank ones aside: pandoc drops an empty
 * paragraph) the paragraphs from p on read, one after the other; 0 when
 * they do not all. */
static size_t block_run(const import_odt_block *b, xmlNode *p)
{
    size_t n = 0;
    for (size_t i = 0; i < b->count; i++) {
        if (!import_db_has_text(b->lines[i]))
            continue;
        if (n && !(p = import_xml_sibling(p, false)))
            return 0;
        if (!reads(p, b->lines[i]))
            return 0;
        n++;
    }
    return n;
}

/* The n paragraphs from first become block b: one programlisting of its
 * lines as written, or a blockquote holding them. */
/* Paragraph p of a definition list, term or not, into list: a term opens
 * an entry (its text the term), a definition joins the entry's item. */
static void add_definition(xmlNode *list, xmlNode *p, bool term)
{
    xmlNode *entry = list->last;
    if (term || !entry) {
        entry = xmlNewChild(list, list->ns, (const xmlChar *)"varlistentry", NULL);
        xmlNode *t = xmlNewChild(entry, list->ns, (const xmlChar *)"term", NULL);
        for (xmlNode *c; term && (c = p->children);) {
            xmlUnlinkNode(c);
            xmlAddChild(t, c);
        }
        xmlNewChild(entry, list->ns, (const xmlChar *)"listitem", NULL);
    }
    if (term)
        xmlFreeNode(p);
    else
        xmlAddChild(entry->last, p);
}

static const char *const block_names[] = { "programlisting", "blockquote", "variablelist" };

static void make_block(const import_odt_block *b, xmlNode *first, size_t n)
{
    xmlNode *block = xmlNewNode(first->ns, (const xmlChar *)block_names[b->kind]);
    xmlAddPrevSibling(first, block);
    for (size_t i = 0; b->kind == IMPORT_ODT_CODE && i < b->count; i++) {
        if (i)
            xmlNodeAddContent(block, (const xmlChar *)"\n");
        xmlNodeAddContent(block, (const xmlChar *)b->lines[i]);
    }
    size_t line = 0;
    for (xmlNode *p = first, *next; n-- > 0; p = next, line++) {
        next = import_xml_sibling(p, false);
        xmlUnlinkNode(p);
        while (line + 1 < b->count && !import_db_has_text(b->lines[line]))
            line++; /* as block_run skips them */
        if (b->kind == IMPORT_ODT_CODE)
            xmlFreeNode(p);
        else if (b->kind == IMPORT_ODT_QUOTE)
            xmlAddChild(block, p);
        else
            add_definition(block, p, b->terms[line]);
    }
}

/* An .odt's code and quotations (import_odt.h), which pandoc made plain
 * paragraphs: each block is looked for from where the last was found, in
 * at most IMPORT_RESTORE_MAX_STEPS paragraphs in all (a bound on the
 * work, not a limit any report meets). */
static void restore_blocks(import_restore *r, xmlNode *root)
{
    xmlNode *from = root;
    long steps = IMPORT_RESTORE_MAX_STEPS;
    for (size_t i = 0; i < r->odt->block_count && from; i++) {
        const import_odt_block *b = &r->odt->blocks[i];
        for (xmlNode *n = from; n && steps > 0; n = import_xml_next(n, root, false), steps--) {
            size_t run = import_db_is(n, "para") ? block_run(b, n) : 0;
            if (!run)
                continue;
            from = import_xml_next(n, root, true);
            for (size_t k = 1; k < run && from; k++)
                from = import_xml_next(from, root, true);
            make_block(b, n, run);
            break;
        }
    }
}

void import_restore_text(import_restore *r, xmlNode *root)
{
    restore_headers(r, root);
    restore_front(r, root);
    restore_blocks(r, root);
}

void import_restore_targets(import_restore *r, xmlNode *root)
{
    restore_bookmarks(r, root);
    restore_heading_marks(r, root);
}
