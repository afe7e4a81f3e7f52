#include "model_internal.h"

#include "image.h"
#include "mem.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define DOCBOOK_NS "http://docbook.org/ns/docbook"
#define XLINK_NS "http://www.w3.org/1999/xlink"

/* ---- small helpers ---------------------------------------------------- */

bool model_is_db(xmlNode *n, const char *name)
{
    /* the name first: it tells most elements apart at its first letter */
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           strcmp((const char *)n->name, name) == 0 &&
           strcmp((const char *)n->ns->href, DOCBOOK_NS) == 0;
}

/* DocBook's sections under their other names: a chapter, an appendix, the numbered
 * sect1..sect5 and simplesect are sections to a reader. */
static bool is_section(xmlNode *n)
{
    static const char *const names[] = { "section", "chapter", "appendix", "preface", "sect1",
                                         "sect2", "sect3", "sect4", "sect5", "simplesect" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (model_is_db(n, names[i]))
            return true;
    return false;
}

static bool in_db_ns(xmlNode *n)
{
    return n->ns && strcmp((const char *)n->ns->href, DOCBOOK_NS) == 0;
}

src_loc model_node_loc(builder *b, xmlNode *n)
{
    /* What an entity's replacement text made (&yes; for <phrase>) has no
     * line of its own: the element the reference stands in is its place. */
    while (xmlGetLineNo(n) <= 0 && n->parent && n->parent->type == XML_ELEMENT_NODE)
        n = n->parent;
    xmlNode *root = load_file_root(n);
    if (!b->place_file || root != b->place_root) {
        char *file = load_node_file(b->src, n);
        b->place_file = arena_strdup(b->a, file);
        free(file);
        b->place_root = root;
        b->place_source = load_source_of(b->src, root);
    }
    src_loc loc = { b->place_file, (int)xmlGetLineNo(n),
                    load_source_column(b->place_source, n) };
    return loc;
}

const char *model_get_attr(builder *b, xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    const char *s = arena_strdup(b->a, (const char *)v);
    xmlFree(v);
    return s;
}

const char *model_get_ns_attr(builder *b, xmlNode *n, const char *name,
                               const char *ns)
{
    xmlChar *v = xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)ns);
    if (!v)
        return NULL;
    const char *s = arena_strdup(b->a, (const char *)v);
    xmlFree(v);
    return s;
}

/* BCP 47 in its simple shape: letters, digits and hyphens, 1-35 long. */
static bool lang_tag_valid(const char *tag)
{
    size_t n = strlen(tag);
    if (n == 0 || n > 35 || !isalpha((unsigned char)tag[0]))
        return false;
    for (const char *p = tag; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-')
            return false;
    return true;
}

static const char *get_lang(builder *b, xmlNode *n)
{
    const char *lang = model_get_ns_attr(b, n, "lang", (const char *)XML_XML_NAMESPACE);
    /* An empty or malformed tag inherits the document's language. */
    return lang && lang_tag_valid(lang) ? lang : NULL;
}

void model_error_at(builder *b, xmlNode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(b->diags, DIAG_ERROR, model_node_loc(b, n), fmt, ap);
    va_end(ap);
}

/* The bytes text takes as a PDF string, written as pdfobj_text writes it:
 * printable ASCII as it is, anything else UTF-16BE with a byte-order mark
 * (two units for a character beyond the BMP). */
static size_t pdf_string_bytes(const char *text)
{
    bool ascii = true;
    size_t units = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        ascii &= *p >= 0x20 && *p < 0x7F;
        if ((*p & 0xC0) != 0x80)
            units += *p >= 0xF0 ? 2 : 1;
    }
    return ascii ? strlen(text) : 2 + 2 * units;
}

/* Text that becomes one PDF string must fit it: checked here, before any
 * layout, with the element's line. */
static const char *checked_pdf_string(builder *b, xmlNode *n, const char *what,
                                      const char *text)
{
    size_t bytes = pdf_string_bytes(text);
    if (bytes > MODEL_MAX_PDF_STRING)
        model_error_at(b, n, "%s of %zu bytes in the PDF (the limit is %d)", what, bytes,
                       MODEL_MAX_PDF_STRING);
    return text;
}

/* An imagedata width: a length, CSS pixels (as DocBook tools read them)
 * or a percentage of the text width (stored negative); each finite, above
 * 0 and at most a page (14400 pt, 100 %). */
static bool image_width(const char *w, double *out)
{
    size_t n = strlen(w);
    char *end = NULL;
    double v;
    if (n > 2 && strcmp(w + n - 2, "px") == 0) {
        v = (w[0] >= '0' && w[0] <= '9') || w[0] == '.' ? strtod(w, &end) : 0;
        *out = v * IMAGE_PT_PER_PX;
        return end == w + n - 2 && v > 0 && *out <= STYLE_MAX_LENGTH;
    }
    if (n > 1 && w[n - 1] == '%') {
        v = (w[0] >= '0' && w[0] <= '9') || w[0] == '.' ? strtod(w, &end) : 0;
        *out = -v / 100.0; /* negative: share of the text width */
        return end == w + n - 1 && v > 0 && v <= 100;
    }
    return style_parse_length(w, out) && *out > 0 && *out <= STYLE_MAX_LENGTH;
}

/* The elements of the FORMAT.md subset (plus CALS tfoot and XInclude's
 * fallback); everything else degrades with a warning. */
static const char *const subset_names[] = {
    "article", "book", "info", "title", "subtitle", "pubdate", "orgname",
    "publisher", "publishername", "abstract", "keywordset", "keyword",
    "cover", "section", "chapter", "sect1", "sect2", "sect3", "sect4", "sect5",
    "simplesect", "para", "simpara", "itemizedlist", "orderedlist",
    "listitem", "emphasis", "link", "xref", "footnote", "mediaobject",
    "imageobject", "imagedata", "textobject", "phrase", "table",
    "informaltable", "tgroup", "colspec", "thead", "tbody", "tfoot", "row",
    "entry", NULL };

const char *model_element_name(size_t i)
{
    size_t core = sizeof subset_names / sizeof *subset_names - 1;
    return i < core ? subset_names[i] : model_docbook_name(i - core);
}

/* Every element name the compiler sets, sorted once for a binary search:
 * each element of the report is looked up. */
static const char **known_sorted;
static size_t known_count;
static pthread_once_t known_once = PTHREAD_ONCE_INIT;

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sort_known(void)
{
    while (model_element_name(known_count))
        known_count++;
    known_sorted = mem_alloc(known_count ? known_count : 1, sizeof *known_sorted);
    for (size_t i = 0; i < known_count; i++)
        known_sorted[i] = model_element_name(i);
    qsort(known_sorted, known_count, sizeof *known_sorted, compare_names);
}

static bool in_subset(xmlNode *n)
{
    if (!in_db_ns(n))
        return false;
    pthread_once(&known_once, sort_known);
    const char *name = (const char *)n->name;
    return bsearch(&name, known_sorted, known_count, sizeof *known_sorted, compare_names);
}

bool model_in_subset(xmlNode *n)
{
    return in_subset(n);
}

static void warn_unsupported(builder *b, xmlNode *n);

/* Every xml:id once in the whole report, included files too (libxml2's own
 * check names the including file: load.c leaves it to this one). */
static void check_id(builder *b, xmlNode *n)
{
    xmlChar *id = xmlGetNsProp(n, (const xmlChar *)"id", XML_XML_NAMESPACE);
    if (!id)
        return;
    if (!b->all_ids)
        b->all_ids = xmlHashCreate(64);
    src_loc *first = b->all_ids ? xmlHashLookup(b->all_ids, id) : NULL;
    if (first)
        diag_add(b->diags, DIAG_ERROR, model_node_loc(b, n),
                 "duplicate xml:id '%s' (first defined at %s:%d)", (const char *)id,
                 first->file, first->line);
    else if (b->all_ids) {
        src_loc *loc = arena_alloc(b->a, sizeof *loc);
        *loc = model_node_loc(b, n);
        xmlHashAddEntry(b->all_ids, id, loc);
    }
    xmlFree(id);
}

/* <indexterm>, <remark> and <titleabbrev> are read and left out, as
 * DocBook prints a report without an index or remarks, and a short title
 * only where the stylesheets choose it: one warning that says so (a
 * titleabbrev's was "its text is typeset", and it was not), none for the
 * parts of an index term (<primary>, <see>). */
static bool warn_left_out(builder *b, xmlNode *n)
{
    bool index = model_is_db(n, "indexterm"), abbrev = model_is_db(n, "titleabbrev");
    if (!index && !abbrev && !model_is_db(n, "remark"))
        return false;
    if (model_seen_once(b, &b->warned, (const char *)n->name))
        diag_add(b->diags, DIAG_WARNING, model_node_loc(b, n),
                 index ? "element <indexterm> is not in the kcvs-pdf subset: no index is made, "
                         "its terms are not printed"
                 : abbrev ? "element <titleabbrev> is not printed: the contents, bookmarks and "
                            "running heads show the full title (an xref's endterm may name it)"
                          : "element <remark> is not printed (DocBook's remarks are for editors)");
    return true;
}

/* The node after N and all it holds, in document order under ROOT. */
static xmlNode *walk_past(xmlNode *n, const xmlNode *root)
{
    while (n && n != root && !n->next)
        n = n->parent;
    return !n || n == root ? NULL : n->next;
}

/* Walks the whole document once (without recursion: nesting is bounded by
 * the loader, but the stack need not be) and warns per unsupported kind. */
static void warn_outside_subset(builder *b, xmlNode *root)
{
    for (xmlNode *n = root, *next; n; n = next) {
        next = load_walk_next(n, root);
        if (n->type == XML_ELEMENT_NODE && !in_subset(n) && warn_left_out(b, n))
            next = walk_past(n, root);
        else if (n->type == XML_ELEMENT_NODE && !in_subset(n))
            warn_unsupported(b, n);
        if (n->type == XML_ELEMENT_NODE) {
            model_check_role(b, n);
            check_id(b, n);
            model_docbook_scan(b, n);
        }
    }
}

/* A DocBook element a typo away from one of the subset: one edit in five
 * letters, so that real DocBook elements (<line>, <date>) are not taken
 * for typos of others (<link>, <data>). */
static const char *element_suggestion(xmlNode *n)
{
    size_t len = strlen((const char *)n->name);
    return in_db_ns(n) && len >= 5 ? model_closest((const char *)n->name, subset_names, len / 5)
                                   : NULL;
}

/* One warning per element kind, at its first occurrence. */
static void warn_unsupported(builder *b, xmlNode *n)
{
    const char *name = n->ns && !in_db_ns(n)
                           ? arena_printf(b->a, "{%s}%s", (const char *)n->ns->href,
                                          (const char *)n->name)
                           : (const char *)n->name;
    if (!model_seen_once(b, &b->warned, name))
        return;
    const char *hint = element_suggestion(n);
    diag_add(b->diags, DIAG_WARNING, model_node_loc(b, n),
             "element <%s> is not in the kcvs-pdf subset; its text is typeset "
             "as plain paragraphs%s%s%s", name, hint ? " (did you mean <" : "",
             hint ? hint : "", hint ? ">?)" : "");
}

static bool has_direct_text(xmlNode *n)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
            c->content)
            for (const xmlChar *p = c->content; *p; p++)
                if (!isspace(*p))
                    return true;
    return false;
}

block *model_block_new(builder *b, block_kind kind, const char *cls,
                        xmlNode *n, tag_node *tag)
{
    block *bl = arena_alloc(b->a, sizeof *bl);
    bl->kind = kind;
    bl->style = style_class_get(b->st, cls);
    bl->loc = model_node_loc(b, n);
    bl->tag = tag;
    bl->id = model_get_ns_attr(b, n, "id", (const char *)XML_XML_NAMESPACE);
    bl->lang = get_lang(b, n);
    if (bl->tag && bl->lang)
        bl->tag->lang = bl->lang;
    return bl;
}

static void register_id_as(builder *b, block *bl, id_entry e);

/* The xreflabel of N with its XML white space collapsed, as text is; NULL
 * when it has none (or only white space). */
static const char *xref_label_of(builder *b, xmlNode *n)
{
    const char *label = n ? model_get_attr(b, n, "xreflabel") : NULL;
    if (!label)
        return NULL;
    char *out = arena_alloc(b->a, strlen(label) + 1), *o = out;
    for (const char *p = label; *p; p++) {
        bool sp = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
        if (!sp)
            *o++ = *p;
        else if (o > out && o[-1] != ' ')
            *o++ = ' ';
    }
    if (o > out && o[-1] == ' ')
        o--;
    *o = '\0';
    return *out ? out : NULL;
}

void model_register_id(builder *b, block *bl, xmlNode *n)
{
    if (bl->id)
        register_id_as(b, bl, (id_entry){ bl->id, bl, bl->loc, xref_label_of(b, n) });
}

/* Inline anchors point at the block that holds them. */
static void register_pending_ids(builder *b, block *bl)
{
    for (size_t i = 0; i < b->pending_count; i++)
        register_id_as(b, bl, b->pending_ids[i]);
    b->pending_count = 0;
}

/* Duplicates were reported by check_id: the first definition stays. */
static void register_id_as(builder *b, block *bl, id_entry e)
{
    if (strindex_get(&b->id_index, e.id) >= 0)
        return;
    b->ids = arena_reserve(b->a, b->ids, (size_t)b->id_count, &b->id_cap, sizeof *b->ids);
    strindex_put(&b->id_index, e.id, b->id_count);
    e.target = bl;
    b->ids[b->id_count++] = e;
}

/* ---- tags ----------------------------------------------------------------- */

tag_node *model_tag_new(arena *a, tag_node *parent, tag_role role)
{
    tag_node *t = arena_alloc(a, sizeof *t);
    t->role = role;
    t->link_index = -1;
    t->parent = parent;
    if (parent) {
        if (parent->last)
            parent->last->next = t;
        else
            parent->first = t;
        parent->last = t;
    }
    return t;
}

const char *model_tag_role_name(tag_role role)
{
    static const char *const names[TAG_COUNT] = {
        "Document", "Sect", "H1", "H2", "H3", "H4", "H5", "H6", "P", "L", "LI",
        "Lbl", "LBody", "Table", "THead", "TBody", "TFoot", "TR", "TH", "TD",
        "Figure", "Caption", "Link", "Note", "Reference", "TOC", "TOCI", "Span",
        "NonStruct", "Code", "BlockQuote", "Quote", "Div" };
    return role < TAG_COUNT ? names[role] : "Span";
}

/* ---- links ------------------------------------------------------------- */

static bool uri_scheme_allowed(const char *uri)
{
    static const char *const schemes[] = { "http:", "https:", "mailto:", NULL };
    for (int i = 0; schemes[i]; i++)
        if (strncasecmp(uri, schemes[i], strlen(schemes[i])) == 0)
            return true;
    return false;
}

static bool xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The address without the XML white space around it (an address wrapped
 * in the source); NULL, after an error, when white space is inside it. */
static const char *link_address(builder *b, xmlNode *n, const char *href)
{
    while (xml_space(*href))
        href++;
    size_t len = strlen(href);
    while (len && xml_space(href[len - 1]))
        len--;
    for (size_t i = 0; i < len; i++)
        if (xml_space(href[i])) {
            model_error_at(b, n, "link address '%s' has white space inside it: write it "
                           "without spaces or line breaks (a space is %%20)",
                     arena_strndup(b->a, href, len));
            return NULL;
        }
    return arena_strndup(b->a, href, len);
}

/* Whether the name before the first "/?#" ends in a document's file
 * extension: Markdown links to "CONTRIBUTING.md" or "index.html" name
 * files beside the source, not hosts (".md" is also Moldova's domain). */
static bool names_a_file(const char *uri, size_t host)
{
    static const char *const exts[] = { "md", "html", "htm", "xml", "pdf", "txt", "docx",
                                        "odt", NULL };
    const char *dot = NULL;
    for (const char *p = uri; p < uri + host; p++)
        if (*p == '.')
            dot = p;
    for (int i = 0; dot && exts[i]; i++)
        if (strlen(exts[i]) == (size_t)(uri + host - dot - 1) &&
            strncasecmp(dot + 1, exts[i], strlen(exts[i])) == 0)
            return true;
    return false;
}

/* "www.kcvs.be" or "kcvs.be/rapport": a web address without its scheme. */
static bool looks_like_host(const char *uri)
{
    if (strncasecmp(uri, "www.", 4) == 0)
        return true;
    size_t host = strcspn(uri, "/:?#");
    if (uri[host] == ':' || names_a_file(uri, host))
        return false;
    const char *dot = memchr(uri, '.', host);
    return dot && dot > uri && (size_t)(dot - uri) + 1 < host;
}

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* URIs go into the PDF as 7-bit ASCII: non-ASCII bytes, DEL and characters
 * that are never legal in a URI are percent-encoded, and so is a % that
 * starts no %XX (the existing ones stay). DEL was written raw, which made
 * the /URI a non-ASCII text string. */
static const char *uri_to_ascii(arena *a, const char *uri)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(uri);
    char *out = arena_alloc(a, n * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)uri; *p; p++) {
        bool lone_percent = *p == '%' && !(is_hex(p[1]) && is_hex(p[2]));
        if (*p >= 0x7F || *p <= 0x20 || strchr("<>\"{}|\\^`", *p) || lone_percent) {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        } else
            *o++ = (char)*p;
    }
    *o = '\0';
    return out;
}

static int add_link(builder *b, doc_link link)
{
    document *d = b->doc;
    /* Checked here, before any layout: the PDF cannot hold it (PDF/A-2
     * strings end at 32,767 bytes, libharu's at 65,535). */
    size_t uri_len = link.uri ? strlen(link.uri) : 0;
    if (uri_len > MODEL_MAX_PDF_STRING)
        diag_add(b->diags, DIAG_ERROR, link.loc,
                 "a link address of %zu bytes once percent-encoded (the limit is %d)",
                 uri_len, MODEL_MAX_PDF_STRING);
    d->links = arena_reserve(b->a, d->links, (size_t)d->link_count, &b->links_cap,
                             sizeof *d->links);
    link.workstream = b->current_workstream;
    d->links[d->link_count] = link;
    return d->link_count++;
}

static void add_ref(builder *b, inline_run *run, int link, const char *id)
{
    b->refs = arena_reserve(b->a, b->refs, (size_t)b->ref_count, &b->ref_cap, sizeof *b->refs);
    b->refs[b->ref_count++] = (pending_ref){ run, link, id };
}

/* ---- inline content ------------------------------------------------------- */


static void append_run(inline_ctx *ic, inline_run *r)
{
    if (ic->tail)
        ic->tail->next = r;
    else
        ic->head = r;
    ic->tail = r;
}

inline_run *model_run_new(builder *b, inline_ctx *ic, inline_kind kind,
                           const char *text, xmlNode *n)
{
    inline_run *r = arena_alloc(b->a, sizeof *r);
    r->kind = kind;
    r->text = text;
    r->flags = ic->flags;
    r->link = ic->link;
    r->tag = ic->link_tag;
    r->lang = ic->lang;
    r->loc = model_node_loc(b, n);
    append_run(ic, r);
    return r;
}

static const char *plain_text_of(builder *b, xmlNode *n);
block *model_build_block_list(builder *b, xmlNode *first, tag_node *tag,
                               int level);

/* <simplelist type="inline">: its members in the line, "a, b, c", as
 * DocBook prints it, not a list block (it was a bulleted list that split
 * the paragraph holding it). */
static bool is_inline_simplelist(xmlNode *n)
{
    if (!model_is_db(n, "simplelist"))
        return false;
    xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
    bool in_line = type && xmlStrcmp(type, (const xmlChar *)"inline") == 0;
    xmlFree(type);
    return in_line;
}

bool model_is_block_element(xmlNode *n)
{
    static const char *const names[] = {
        "para", "simpara", "formalpara", "itemizedlist", "orderedlist",
        "table", "informaltable", "mediaobject", "section", "figure",
        "informalfigure", "programlisting", "screen", "literallayout", "note",
        "warning", "tip", "caution", "important", "sidebar", "blockquote",
        "variablelist", "simplelist", "example", "informalexample",
        "procedure", "glosslist", "segmentedlist", "address", "bridgehead",
        "calloutlist", "qandaset", "simplesect", "epigraph", "equation",
        "task", "remark", NULL };
    if (n->type != XML_ELEMENT_NODE || !in_db_ns(n) || is_inline_simplelist(n))
        return false;
    for (int i = 0; names[i]; i++)
        if (strcmp((const char *)n->name, names[i]) == 0)
            return true;
    return false;
}

/* Something to go to after the (allowed) scheme: "https:", "http://" or
 * "https:/x" lead nowhere, nor does "mailto:" (an empty <email>). */
static bool uri_has_target(const char *uri)
{
    if (strncasecmp(uri, "mailto:", 7) == 0)
        return uri[7] != '\0' && uri[7] != '?';
    const char *rest = strchr(uri, ':') + 1;
    return rest[0] == '/' && rest[1] == '/' && strcspn(rest + 2, "/?#") > 0;
}

/* The element n links to href: its runs (built by the caller into inner)
 * belong to a new Link, and the address is returned. White space inside
 * it or an unsafe scheme is an error and no link (NULL). */
static const char *begin_uri_link(builder *b, xmlNode *n, const char *href,
                                  inline_ctx *inner)
{
    const char *uri = link_address(b, n, href);
    if (!uri)
        return NULL;
    /* The check reads exactly the bytes the PDF will hold. */
    const char *written = uri_to_ascii(b->a, uri);
    if (!uri_scheme_allowed(written)) {
        model_error_at(b, n, "unsafe link '%s': only http, https and mailto links "
                       "are allowed%s", uri,
                 looks_like_host(uri) ? " (a web address: add https:// in front)" : "");
        return NULL;
    }
    if (!uri_has_target(written)) {
        model_error_at(b, n, "link address '%s' names no %s: it leads nowhere", uri,
                       strncasecmp(written, "mailto:", 7) == 0 ? "address" : "host");
        return NULL;
    }
    doc_link l = { .uri = written, .loc = model_node_loc(b, n) };
    inner->link = add_link(b, l);
    inner->link_tag = model_tag_new(b->a, NULL, TAG_LINK);
    inner->link_tag->link_index = inner->link;
    return uri;
}

/* The runs of an element that is a link to href (<link>, or any inline
 * element with xlink:href); an empty one shows its address. */
void model_build_uri_link_inlines(builder *b, xmlNode *n, const char *href, inline_ctx *inner)
{
    const char *uri = begin_uri_link(b, n, href, inner);
    model_build_inlines(b, n->children, inner);
    if (uri && !inner->head)
        model_run_new(b, inner, INL_TEXT, uri, n);
}

/* The id an XLink to "#id" names: an element of this document, as
 * DocBook's stylesheets read it (like linkend="id"); NULL for any other
 * address. */
static const char *same_document_id(const char *href)
{
    return href && href[0] == '#' && href[1] ? href + 1 : NULL;
}

static void build_link(builder *b, xmlNode *n, inline_ctx *ic)
{
    const char *href = model_get_ns_attr(b, n, "href", XLINK_NS);
    const char *linkend = model_get_attr(b, n, "linkend");
    if (same_document_id(href)) {
        linkend = same_document_id(href);
        href = NULL;
    }
    inline_ctx inner = *ic;
    inner.head = inner.tail = NULL;
    if (href) {
        model_build_uri_link_inlines(b, n, href, &inner);
    } else if (linkend) {
        doc_link l = { .target_id = linkend, .loc = model_node_loc(b, n) };
        inner.link = add_link(b, l);
        inner.link_tag = model_tag_new(b->a, NULL, TAG_LINK);
        inner.link_tag->link_index = inner.link;
        model_build_inlines(b, n->children, &inner);
        if (!inner.head) {
            inline_run *r = model_run_new(b, &inner, INL_XREF, "", n);
            add_ref(b, r, -1, linkend);
        }
        add_ref(b, NULL, inner.link, linkend);
    } else {
        model_error_at(b, n, "<link> needs xlink:href or linkend");
        model_build_inlines(b, n->children, &inner);
    }
    if (inner.head) {
        append_run(ic, inner.head);
        ic->tail = inner.tail;
    }
}

void model_link_to_key(builder *b, xmlNode *n, const char *key, inline_ctx *inner)
{
    inner->link = add_link(b, (doc_link){ .target_id = key, .loc = model_node_loc(b, n) });
    inner->link_tag = model_tag_new(b->a, NULL, TAG_LINK);
    inner->link_tag->link_index = inner->link;
    add_ref(b, NULL, inner->link, key);
}

/* DocBook's xrefstyle="select: label title page" (the keywords in any
 * order); its other forms name stylesheet templates, which are not read. */
static int xref_parts_of(builder *b, xmlNode *n)
{
    static const struct { const char *word; int part; } words[] = {
        { "label", XREF_LABEL }, { "title", XREF_TITLE },
        { "quotedtitle", XREF_QUOTED_TITLE }, { "page", XREF_PAGE },
        { "pageabbrev", XREF_PAGE }, { "nopage", 0 }, { "docname", 0 },
        { "nodocname", 0 } };
    const char *xrefstyle = model_get_attr(b, n, "xrefstyle");
    if (!xrefstyle)
        return 0;
    const char *at = xrefstyle + strspn(xrefstyle, " \t\n");
    if (strncmp(at, "select:", 7) != 0) {
        diag_add(b->diags, DIAG_WARNING, model_node_loc(b, n),
                 "xrefstyle '%s' is not read (kcvs-pdf reads 'select:' with label, title, "
                 "quotedtitle, page, nopage): the title and page are printed", xrefstyle);
        return 0;
    }
    int parts = 0;
    for (char *tok = arena_strdup(b->a, at + 7), *save = NULL;
         (tok = strtok_r(tok, " \t\n,", &save)); tok = NULL) {
        size_t i = 0;
        while (i < sizeof words / sizeof *words && strcmp(words[i].word, tok) != 0)
            i++;
        if (i == sizeof words / sizeof *words)
            diag_add(b->diags, DIAG_WARNING, model_node_loc(b, n),
                     "xrefstyle: '%s' is none of label, title, quotedtitle, page, nopage: "
                     "left out", tok);
        else
            parts |= words[i].part;
    }
    return parts ? parts : XREF_TITLE;
}

/* DocBook's endterm: the xref prints the text of that element (often a
 * titleabbrev) instead of its target's title; it was ignored. NULL when
 * there is none (a missing one is warned: the title is printed). */
static const char *endterm_text(builder *b, xmlNode *n)
{
    const char *id = model_get_attr(b, n, "endterm");
    xmlAttr *at = id ? xmlGetID(n->doc, (const xmlChar *)id) : NULL;
    if (id && (!at || !at->parent)) {
        diag_add(b->diags, DIAG_WARNING, model_node_loc(b, n),
                 "endterm '%s' names no element: the target's title is printed", id);
        return NULL;
    }
    return at ? plain_text_of(b, at->parent) : NULL;
}

static void build_xref(builder *b, xmlNode *n, inline_ctx *ic)
{
    const char *linkend = model_get_attr(b, n, "linkend");
    if (!linkend) {
        model_error_at(b, n, "<xref> needs a linkend");
        return;
    }
    inline_ctx inner = *ic;
    doc_link l = { .target_id = linkend, .loc = model_node_loc(b, n) };
    inner.link = add_link(b, l);
    inner.link_tag = model_tag_new(b->a, NULL, TAG_LINK);
    inner.link_tag->link_index = inner.link;
    inline_run *r = model_run_new(b, &inner, INL_XREF, "", n);
    r->tag = inner.link_tag;
    r->xref_parts = xref_parts_of(b, n);
    r->xref_label = endterm_text(b, n);
    ic->tail = inner.tail;
    if (!ic->head)
        ic->head = inner.head;
    add_ref(b, r, -1, linkend);
    add_ref(b, NULL, inner.link, linkend);
}

static void build_footnote(builder *b, xmlNode *n, inline_ctx *ic)
{
    document *d = b->doc;
    /* DocBook forbids it (a Schematron rule of the schema): its mark was
     * printed with the outer note's number and its text nowhere. */
    if (b->in_footnote) {
        model_error_at(b, n, "a footnote inside a footnote: DocBook does not allow "
                             "it; write its text in the outer footnote");
        return;
    }
    tag_node *note_tag = model_tag_new(b->a, NULL, TAG_NOTE);
    block *note = model_block_new(b, BLK_FOOTNOTE, "footnote", n, note_tag);
    note->number = d->footnote_count + 1;
    int saved_depth = b->list_depth;
    b->list_depth = 0;
    b->in_footnote = true;
    note->children = model_build_block_list(b, n->children, note_tag, 9);
    b->in_footnote = false;
    b->list_depth = saved_depth;
    /* An xref to a footnote prints its number and points at its text. */
    note->title_text = arena_printf(b->a, "%d", note->number);
    note->number_text = note->title_text;
    if (note->children)
        note->children->anchor_of = note;
    for (block *c = note->children; c; c = c->next)
        c->style = style_class_get(b->st, "footnote");
    d->footnotes = arena_reserve(b->a, d->footnotes, (size_t)d->footnote_count, &b->notes_cap,
                                 sizeof *d->footnotes);
    d->footnotes[d->footnote_count++] = note;
    model_register_id(b, note, n);
    inline_run *r = model_run_new(b, ic, INL_NOTEREF,
                            arena_printf(b->a, "%d", note->number), n);
    r->note = note;
    r->link = -1;
    /* The mark is a Reference to its Note (PDF/UA footnotes). */
    r->tag = model_tag_new(b->a, NULL, TAG_REFERENCE);
    r->tag->note = note_tag;
}

/* <footnoteref>: the mark of a footnote printed before, again (its text
 * stays where it is); a Reference to that Note. One it cannot be (a
 * footnote further on, or no footnote) is a cross-reference, warned. */
static void build_footnoteref(builder *b, xmlNode *n, inline_ctx *ic)
{
    const char *linkend = model_get_attr(b, n, "linkend");
    long at = linkend ? strindex_get(&b->id_index, linkend) : -1;
    block *note = at >= 0 ? b->ids[at].target : NULL;
    if (!note || note->kind != BLK_FOOTNOTE) {
        diag_add(b->diags, DIAG_WARNING, model_node_loc(b, n),
                 "<footnoteref linkend=\"%s\"> names no footnote before it: printed as a "
                 "cross-reference", linkend ? linkend : "");
        build_xref(b, n, ic);
        return;
    }
    inline_run *r = model_run_new(b, ic, INL_NOTEREF, note->number_text, n);
    r->link = -1;
    r->tag = model_tag_new(b->a, NULL, TAG_REFERENCE);
    r->tag->note = note->tag;
}

/* <abbrev>/<acronym> with an <alt> child: the expansion is the structure
 * element's /E (a Span of its own, or the link it is in), not text. */
static void set_expansion(builder *b, xmlNode *n, inline_ctx *inner)
{
    xmlNode *alt = NULL;
    for (xmlNode *c = n->children; c && !alt; c = c->next)
        if (model_is_db(c, "alt"))
            alt = c;
    if (!alt)
        return;
    const char *e = checked_pdf_string(b, alt, "an expansion", plain_text_of(b, alt));
    if (!*e)
        return;
    if (!inner->link_tag)
        inner->link_tag = model_tag_new(b->a, NULL, TAG_SPAN);
    if (!inner->link_tag->expansion)
        inner->link_tag->expansion = e;
}

/* An inline element in another language than its surroundings: its runs
 * carry the language, and a Span with /Lang tells screen readers (inside a
 * link, the link's element holds the text instead). */
static void enter_lang(builder *b, xmlNode *n, const inline_ctx *ic, inline_ctx *inner)
{
    const char *lang = get_lang(b, n);
    if (!lang || (ic->lang && strcmp(lang, ic->lang) == 0))
        return;
    inner->lang = lang;
    if (!inner->link_tag) {
        inner->link_tag = model_tag_new(b->a, NULL, TAG_SPAN);
        inner->link_tag->lang = lang;
    }
}

/* An inline element's xml:id waits for the block that holds it (a
 * footnote's id names the note itself). */
static void hold_inline_id(builder *b, xmlNode *n)
{
    const char *id = model_get_ns_attr(b, n, "id", (const char *)XML_XML_NAMESPACE);
    if (!id || model_is_db(n, "footnote"))
        return;
    b->pending_ids = arena_reserve(b->a, b->pending_ids, b->pending_count,
                                   &b->pending_cap, sizeof *b->pending_ids);
    b->pending_ids[b->pending_count++] =
        (id_entry){ id, NULL, model_node_loc(b, n), xref_label_of(b, n) };
}

static void build_inline_element(builder *b, xmlNode *n, inline_ctx *ic)
{
    inline_ctx inner = *ic;
    inner.head = inner.tail = NULL;
    enter_lang(b, n, ic, &inner);
    hold_inline_id(b, n);
    if (model_is_db(n, "emphasis")) {
        const char *role = model_get_attr(b, n, "role");
        bool bold = model_role_has(role, "bold") || model_role_has(role, "strong");
        inner.flags |= bold ? INL_BOLD : INL_ITALIC;
    } else if (model_is_db(n, "link")) {
        build_link(b, n, ic);
        return;
    } else if (model_is_db(n, "xref")) {
        build_xref(b, n, ic);
        return;
    } else if (model_is_db(n, "footnote")) {
        build_footnote(b, n, ic);
        return;
    } else if (model_is_db(n, "footnoteref")) {
        build_footnoteref(b, n, ic);
        return;
    } else if (model_is_db(n, "phrase") || model_is_db(n, "title") || model_is_db(n, "subtitle")) {
        /* phrase is in the subset: a span with no look of its own */
    } else if (model_is_db(n, "para") || model_is_db(n, "simpara")) {
        /* Paragraphs inside flowed text (an abstract): separate by a space. */
        model_run_new(b, &inner, INL_TEXT, " ", n);
    } else if (model_is_db(n, "indexterm") || model_is_db(n, "remark") || model_is_db(n, "alt")) {
        return; /* never printed in DocBook (alt: an abbreviation's expansion) */
    } else if (model_is_db(n, "abbrev") || model_is_db(n, "acronym")) {
        set_expansion(b, n, &inner);
    } else if (model_is_db(n, "inlinemediaobject") && model_docbook_inline_media(b, n, ic)) {
        return;
    }
    /* anything else keeps its text (warned by the pre-pass) */
    /* xlink:href makes any inline element a link, like <link>. */
    const char *href = model_get_ns_attr(b, n, "href", XLINK_NS);
    if (model_docbook_inline(b, n, &inner, href))
        ; /* built with its own content (quote, email) */
    else if (same_document_id(href)) {
        model_link_to_key(b, n, same_document_id(href), &inner);
        model_build_inlines(b, n->children, &inner);
    } else if (href)
        model_build_uri_link_inlines(b, n, href, &inner);
    else
        model_build_inlines(b, n->children, &inner);
    if (inner.head) {
        append_run(ic, inner.head);
        ic->tail = inner.tail;
    }
}

void model_build_inline_node(builder *b, xmlNode *n, inline_ctx *ic)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content && *n->content)
            model_run_new(b, ic, INL_TEXT, arena_strdup(b->a, (char *)n->content), n);
    } else if (n->type == XML_ELEMENT_NODE)
        build_inline_element(b, n, ic);
}

void model_build_inlines(builder *b, xmlNode *n, inline_ctx *ic)
{
    for (; n; n = n->next)
        model_build_inline_node(b, n, ic);
}

/* XML white space collapses to one space across runs; the paragraph is
 * trimmed at both ends. No-break spaces are content, not white space. */
static inline_run *collapse_space(builder *b, inline_run *head)
{
    bool prev_space = true;
    inline_run *last_text = NULL;
    for (inline_run *r = head; r; r = r->next) {
        if (r->kind != INL_TEXT) {
            prev_space = false;
            continue;
        }
        size_t n = strlen(r->text);
        char *out = arena_alloc(b->a, n + 1), *o = out;
        for (const char *p = r->text; *p; p++) {
            bool sp = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
            if (sp) {
                if (!prev_space)
                    *o++ = ' ';
                prev_space = true;
            } else {
                *o++ = *p;
                prev_space = false;
            }
        }
        *o = '\0';
        r->text = out;
        if (o > out)
            last_text = r;
    }
    if (last_text) {
        size_t n = strlen(last_text->text);
        if (n && last_text->text[n - 1] == ' ' && !last_text->next)
            ((char *)last_text->text)[n - 1] = '\0';
    }
    /* Trailing space before the paragraph end in later (empty) runs. */
    inline_run *tail = NULL;
    for (inline_run *r = head; r; r = r->next)
        if (r->kind != INL_TEXT || r->text[0])
            tail = r;
    if (tail && tail->kind == INL_TEXT) {
        size_t n = strlen(tail->text);
        if (n && tail->text[n - 1] == ' ')
            ((char *)tail->text)[n - 1] = '\0';
    }
    return head;
}

static bool runs_empty(const inline_run *r)
{
    for (; r; r = r->next)
        if (r->kind != INL_TEXT || r->text[0])
            return false;
    return true;
}

inline_run *model_collapse_space(builder *b, inline_run *head)
{
    return collapse_space(b, head);
}

inline_run *model_plain_runs(builder *b, xmlNode *n, const char *lang)
{
    inline_ctx ic = { 0, -1, NULL, NULL, lang, NULL, NULL };
    model_build_inlines(b, n->children, &ic);
    return collapse_space(b, ic.head);
}

/* Title text without markup, for outlines, the TOC and xrefs. */
const char *model_runs_plain_text(builder *b, const inline_run *r)
{
    size_t n = 0;
    for (const inline_run *p = r; p; p = p->next)
        n += strlen(p->text);
    char *out = arena_alloc(b->a, n + 1);
    for (const inline_run *p = r; p; p = p->next)
        if (p->kind == INL_TEXT)
            strcat(out, p->text);
    return out;
}

static void tag_adopt(tag_node *parent, tag_node *t)
{
    t->parent = parent;
    t->next = NULL;
    if (parent->last)
        parent->last->next = t;
    else
        parent->first = t;
    parent->last = t;
}

/* Attaches the link element tags of a block's runs under its tag, and a
 * footnote's Note under the paragraph that refers to it (reading order). */
static void adopt_link_tags(block *bl)
{
    for (inline_run *r = bl->inlines; r; r = r->next) {
        if (r->kind == INL_NOTEREF && r->note && r->note->tag && !r->note->tag->parent)
            r->note->tag->parent = bl->tag;
        if (r->tag && !r->tag->parent && bl->tag)
            tag_adopt(bl->tag, r->tag);
    }
}

/* ---- blocks ------------------------------------------------------------- */

void model_list_append(block_list *l, block *bl)
{
    if (!bl)
        return;
    if (l->tail)
        l->tail->next = bl;
    else
        l->head = bl;
    l->tail = bl;
    while (l->tail->next)
        l->tail = l->tail->next;
}

block *model_make_para(builder *b, xmlNode *n, inline_run *runs,
                        const char *cls, tag_node *parent, tag_role role)
{
    if (runs_empty(runs))
        return NULL;
    block *bl = model_block_new(b, BLK_PARA, cls, n, model_tag_new(b->a, parent, role));
    bl->inlines = runs;
    adopt_link_tags(bl);
    model_register_id(b, bl, n);
    register_pending_ids(b, bl);
    return bl;
}

/* A paragraph of nothing but images (how pandoc writes a picture of a
 * Word document: alone in its paragraph) is those images as figures of
 * their own, each centred on its line; images among words stay in the
 * line, in the paragraph. */
block *model_para_or_figures(builder *b, xmlNode *n, inline_run *runs, const char *cls,
                             tag_node *tag)
{
    bool images = false;
    for (const inline_run *r = runs; r; r = r->next)
        if (r->kind == INL_IMAGE)
            images = true;
        else if (r->kind != INL_TEXT || r->text[strspn(r->text, " ")])
            return model_make_para(b, n, runs, cls, tag, TAG_P);
    if (!images)
        return NULL;
    block_list out = { NULL, NULL };
    for (inline_run *r = runs; r; r = r->next)
        if (r->kind == INL_IMAGE) {
            /* A linked image: the Link (holding its Figure) is the block's. */
            bool linked = r->link >= 0 && r->tag != r->target->tag;
            if (linked) {
                r->target->link_tag = r->tag;
                if (!r->tag->parent)
                    tag_adopt(tag, r->tag);
            } else
                tag_adopt(tag, r->target->tag);
            model_list_append(&out, r->target);
        }
    register_pending_ids(b, out.head);
    return out.head;
}

/* The paragraph so far, then BLOCKS: the paragraph goes on after them. */
static void para_break(builder *b, xmlNode *n, inline_ctx *ic, const char *cls,
                       tag_node *tag, block_list *out, block *blocks)
{
    model_list_append(out, model_para_or_figures(b, n, collapse_space(b, ic->head), cls, tag));
    ic->head = ic->tail = NULL;
    model_list_append(out, blocks);
}

/* A para may hold block children (lists, tables) between its text. */
static block *build_para(builder *b, xmlNode *n, tag_node *tag)
{
    const char *role = model_get_attr(b, n, "role");
    bool cta = model_role_has(role, "cta");
    const char *cls = cta ? "cta" : "body";
    block_list out = { NULL, NULL };
    inline_ctx ic = { 0, -1, NULL, NULL, get_lang(b, n), NULL, NULL };
    bool saved = b->in_para;
    b->in_para = true;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (model_is_block_element(c))
            para_break(b, n, &ic, cls, tag, &out, model_build_block_node(b, c, tag, 9));
        else
            model_build_inline_node(b, c, &ic);
    }
    b->in_para = saved;
    model_list_append(&out, model_para_or_figures(b, n, collapse_space(b, ic.head), cls, tag));
    for (block *bl = out.head; bl; bl = bl->next)
        if (bl->kind == BLK_PARA && cta)
            bl->is_cta = true;
    return out.head;
}

/* Letters as spreadsheets count: a..z, aa, ab, … (no item shares a label). */
static void ordinal_letters(char *out, size_t size, int n, char first)
{
    char rev[16];
    size_t len = 0;
    for (; n > 0 && len < sizeof rev; n = (n - 1) / 26)
        rev[len++] = (char)(first + (n - 1) % 26);
    size_t i = 0;
    for (; i < len && i + 1 < size; i++)
        out[i] = rev[len - 1 - i];
    out[i] = '\0';
}

/* Roman numerals up to 3999; beyond, the number (there is no roman). */
static void ordinal_roman(char *out, size_t size, int n, bool upper)
{
    static const int values[] = { 1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1 };
    static const char *const lower[] = { "m", "cm", "d", "cd", "c", "xc", "l", "xl", "x",
                                         "ix", "v", "iv", "i" };
    if (n < 1 || n > 3999) {
        snprintf(out, size, "%d", n);
        return;
    }
    size_t len = 0;
    for (int k = 0; k < 13; k++)
        for (; n >= values[k]; n -= values[k])
            for (const char *c = lower[k]; *c && len + 1 < size; c++)
                out[len++] = upper ? (char)(*c - 'a' + 'A') : *c;
    out[len] = '\0';
}

static char *format_ordinal(builder *b, const char *fmt, int n)
{
    char num[32];
    char kind = fmt && fmt[0] ? fmt[0] : '1';
    if (kind == 'a' || kind == 'A')
        ordinal_letters(num, sizeof num, n, kind);
    else if (kind == 'i' || kind == 'I')
        ordinal_roman(num, sizeof num, n, kind == 'I');
    else
        snprintf(num, sizeof num, "%d", n);
    return arena_printf(b->a, "%s%s", num, fmt && fmt[0] ? fmt + 1 : ".");
}

/* DocBook's spacing="compact" sets a list's items closer together, as the
 * style's list-compact class says. */
const char *model_list_class(builder *b, xmlNode *n)
{
    const char *spacing = model_get_attr(b, n, "spacing");
    return spacing && strcmp(spacing, "compact") == 0 ? "list-compact" : "list";
}

/* How an ordered list counts: the style's format for its level in the
 * kind DocBook's numeration names (the style's punctuation kept), from
 * its startingnumber, or on from the list before it (continuation).
 * Returns the number before its first item. */
static int list_start(builder *b, xmlNode *n, int lvl, const char **fmt)
{
    static const char *const kinds[][2] = { { "arabic", "1" }, { "loweralpha", "a" },
                                            { "upperalpha", "A" }, { "lowerroman", "i" },
                                            { "upperroman", "I" } };
    *fmt = b->st->strings.ordered_formats[lvl];
    const char *numeration = model_get_attr(b, n, "numeration");
    for (size_t i = 0; numeration && i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(numeration, kinds[i][0]) == 0)
            *fmt = arena_printf(b->a, "%s%s", kinds[i][1], *fmt && **fmt ? *fmt + 1 : ".");
    const char *continuation = model_get_attr(b, n, "continuation");
    if (continuation && strcmp(continuation, "continues") == 0)
        return b->ordered_end;
    const char *start = model_get_attr(b, n, "startingnumber");
    long first = start ? strtol(start, NULL, 10) : 1;
    return first >= 1 && first <= MODEL_MAX_START ? (int)first - 1 : 0;
}

block *model_build_list(builder *b, xmlNode *n, tag_node *tag)
{
    int depth = b->list_depth;
    bool ordered = model_is_db(n, "orderedlist") || model_is_db(n, "procedure") || model_is_db(n, "substeps");
    block *list = model_block_new(b, BLK_LIST, model_list_class(b, n), n,
                                  model_tag_new(b->a, tag, TAG_L));
    list->ordered = ordered;
    list->level = depth;
    model_register_id(b, list, n);
    block_list items = { NULL, NULL };
    int lvl = depth < STYLE_MAX_LEVELS ? depth : STYLE_MAX_LEVELS - 1;
    const char *fmt = NULL;
    int number = ordered ? list_start(b, n, lvl, &fmt) : 0;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (model_is_db(c, "title")) { /* an L holds only LI and its Caption */
            model_list_append(&items, model_make_para(b, c, model_plain_runs(b, c, NULL),
                                          "minor-heading", list->tag, TAG_CAPTION));
            continue;
        }
        block *item = model_block_new(b, BLK_ITEM, "list", c,
                                model_tag_new(b->a, list->tag, TAG_LI));
        number++;
        model_register_id(b, item, c); /* an xref to it was "no element has" */
        item->level = depth;
        item->label = ordered ? format_ordinal(b, fmt, number) : b->st->strings.bullets[lvl];
        /* An xref to an item of a numbered list prints its number, as
         * DocBook's stylesheets do; a bullet is no name for an item. */
        if (ordered)
            item->title_text = arena_printf(b->a, "%.*s", (int)strcspn(item->label, ".)"),
                                            item->label);
        model_register_id(b, item, c);
        model_tag_new(b->a, item->tag, TAG_LBL);
        tag_node *body = model_tag_new(b->a, item->tag, TAG_LBODY);
        b->list_depth++;
        item->children = model_build_block_list(b, c->children, body, 9);
        b->list_depth--;
        if (!item->children && has_direct_text(c))
            item->children = model_make_para(b, c, model_plain_runs(b, c, NULL), "body", body,
                                       TAG_P);
        if (item->id && item->children && !item->children->anchor_of)
            item->children->anchor_of = item; /* its place is its first block's */
        model_list_append(&items, item);
    }
    list->children = items.head;
    if (ordered)
        b->ordered_end = number; /* where a list that continues it goes on */
    return list;
}

static block *build_heading(builder *b, xmlNode *title, int level,
                            tag_node *tag, const char *cls)
{
    tag_role role = (tag_role)(TAG_H1 + (level < 1 ? 0 : level > 6 ? 5 : level - 1));
    block *h = model_block_new(b, BLK_HEADING, cls, title, model_tag_new(b->a, tag, role));
    h->level = level;
    h->inlines = model_plain_runs(b, title, get_lang(b, title));
    h->title_text = model_runs_plain_text(b, h->inlines);
    adopt_link_tags(h);
    register_pending_ids(b, h);
    return h;
}

/* What a section's <info> holds besides its titles (an abstract, authors)
 * is printed under the heading, as plain paragraphs: never dropped. */
static block *build_info_content(builder *b, xmlNode *n, tag_node *tag, int level)
{
    block_list out = { NULL, NULL };
    for (xmlNode *info = n->children; info; info = info->next) {
        if (!model_is_db(info, "info"))
            continue;
        for (xmlNode *c = info->children; c; c = c->next) {
            if (c->type == XML_ELEMENT_NODE && !model_is_db(c, "title") && !model_is_db(c, "subtitle") &&
                !model_is_db(c, "titleabbrev"))
                model_list_append(&out, model_build_one_block(b, c, tag, level));
        }
    }
    return out.head;
}

xmlNode *model_title_of(xmlNode *n, const char *name)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (model_is_db(c, name))
            return c;
    for (xmlNode *c = n->children; c; c = c->next)
        if (model_is_db(c, "info"))
            for (xmlNode *i = c->children; i; i = i->next)
                if (model_is_db(i, name))
                    return i;
    return NULL;
}

static block *build_section(builder *b, xmlNode *n, tag_node *tag, int level)
{
    block *sec = model_block_new(b, BLK_SECTION, "body", n, model_tag_new(b->a, tag, TAG_SECT));
    sec->level = level;
    xmlNode *title = model_title_of(n, "title"), *subtitle = model_title_of(n, "subtitle");
    block_list out = { NULL, NULL };
    char cls[16];
    snprintf(cls, sizeof cls, "h%d", level > 4 ? 4 : level);
    if (title) {
        block *h = build_heading(b, title, level, sec->tag, cls);
        sec->title_text = h->title_text;
        h->anchor_of = sec;
        model_list_append(&out, h);
    }
    if (subtitle) {
        block *st = model_make_para(b, subtitle, model_plain_runs(b, subtitle, NULL),
                              level == 1 ? "h1-subtitle" : "minor-heading",
                              sec->tag, TAG_P);
        if (st)
            st->kind = BLK_PARA;
        model_list_append(&out, st);
    }
    model_list_append(&out, build_info_content(b, n, sec->tag, level + 1));
    model_list_append(&out, model_build_block_list(b, n->children, sec->tag, level + 1));
    sec->children = out.head;
    model_register_id(b, sec, n);
    return sec;
}

static const char *textobject_alt(builder *b, xmlNode *mo)
{
    for (xmlNode *c = mo->children; c; c = c->next)
        if (model_is_db(c, "textobject"))
            for (xmlNode *p = c->children; p; p = p->next)
                if (model_is_db(p, "phrase") || model_is_db(p, "para")) {
                    /* Blank alternative text is no alternative text. */
                    const char *alt = checked_pdf_string(b, p, "alternative text",
                                                         plain_text_of(b, p));
                    return *alt ? alt : NULL;
                }
    return NULL;
}

/* Decoding and embedding cost time and memory in pixels: the distinct
 * images of a report together stay within IMAGE_MAX_TOTAL_PIXELS, checked
 * from their headers before any is decoded. The image that crosses the
 * limit is the error. A header that cannot be read is layout's to report. */
static void count_image_pixels(builder *b, xmlNode *data, const char *ref, const char *path)
{
    for (int i = 0; i < b->image_path_count; i++)
        if (strcmp(b->image_paths[i], path) == 0)
            return;
    if (b->image_path_count == b->image_path_cap) {
        int cap = b->image_path_cap ? 2 * b->image_path_cap : 16;
        const char **grown = arena_alloc(b->a, (size_t)cap * sizeof *grown);
        if (b->image_path_count)
            memcpy(grown, b->image_paths, (size_t)b->image_path_count * sizeof *grown);
        b->image_paths = grown;
        b->image_path_cap = cap;
    }
    b->image_paths[b->image_path_count++] = path;
    image_info info;
    if (image_probe(path, &info))
        return;
    long long before = b->image_pixels;
    b->image_pixels += (long long)info.width * info.height;
    if (before <= IMAGE_MAX_TOTAL_PIXELS && b->image_pixels > IMAGE_MAX_TOTAL_PIXELS)
        model_error_at(b, data, "image '%s': %s", ref,
                 "the report's images together exceed 200 megapixels (the limit)");
}

/* The imagedata of a mediaobject: DocBook's print rendition (role="fo")
 * wins over the others; NULL when there is none. */
static xmlNode *media_data(builder *b, xmlNode *n)
{
    xmlNode *data = NULL;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (!model_is_db(c, "imageobject"))
            continue;
        const char *role = model_get_attr(b, c, "role");
        bool print = model_role_has(role, "fo") || model_role_has(role, "print");
        for (xmlNode *d = c->children; d; d = d->next)
            if (model_is_db(d, "imagedata") && (!data || print)) {
                data = d;
                break;
            }
        if (print && data)
            break;
    }
    return data;
}

/* What the image shows: its text object, or else the title of an
 * enclosing figure. */
static const char *media_alt(builder *b, xmlNode *n)
{
    const char *alt = textobject_alt(b, n);
    xmlNode *figure = n->parent;
    if (!alt && figure && (model_is_db(figure, "figure") || model_is_db(figure, "informalfigure")) &&
        model_title_of(figure, "title"))
        alt = plain_text_of(b, model_title_of(figure, "title"));
    return alt;
}

/* A depth (contentdepth, depth): a length or CSS pixels, as a width is
 * read; a share has nothing to be a share of. */
static bool image_depth(const char *d, double *out)
{
    return image_width(d, out) && *out > 0;
}

/* scale="50": half the natural size; a percentage above 0, at most 1000. */
static bool image_scale(const char *s, double *out)
{
    char *end = NULL;
    double v = (s[0] >= '0' && s[0] <= '9') || s[0] == '.' ? strtod(s, &end) : 0;
    *out = v / 100.0;
    return end && *end == '\0' && v > 0 && v <= 1000;
}

/* A size attribute of an imagedata (DocBook's content size, else its
 * viewport's, read alike), parsed into *out; else the error says what
 * to write. */
static void media_length(builder *b, xmlNode *data, const char *content, const char *viewport,
                         bool (*parse)(const char *, double *), double *out, const char *fix)
{
    const char *v = model_get_attr(b, data, content);
    if (!v && viewport)
        v = model_get_attr(b, data, viewport);
    if (v && !parse(v, out))
        model_error_at(b, data, "bad image %s '%s': write %s", viewport ? viewport : content,
                       v, fix);
}

/* The size the imagedata asks for: width, depth, scale. */
static void media_size(builder *b, xmlNode *data, image_model *img)
{
    media_length(b, data, "contentwidth", "width", image_width, &img->width_pt,
                 "a length such as 80mm (at most 14400pt), pixels such as 300px, or a "
                 "share such as 50%");
    media_length(b, data, "contentdepth", "depth", image_depth, &img->depth_pt,
                 "a length such as 20mm (at most 14400pt) or pixels such as 300px");
    media_length(b, data, "scale", NULL, image_scale, &img->scale,
                 "a percentage of the image's size, such as 50 (above 0, at most 1000)");
}

/* The figure block of a media object with an image (NULL, with the
 * error, when its file cannot be used), its id not yet registered. */
static block *media_figure(builder *b, xmlNode *n, xmlNode *data, tag_node *tag)
{
    const char *ref = model_get_attr(b, data, "fileref");
    const char *why = NULL;
    char *path = ref ? load_resolve_resource(b->src, data, ref, &why) : NULL;
    if (!path) {
        model_error_at(b, data, "image '%s': %s", ref ? ref : "",
                 ref ? why : "imagedata needs a fileref");
        return NULL;
    }
    block *bl = model_block_new(b, BLK_FIGURE, "caption", n, model_tag_new(b->a, tag, TAG_FIGURE));
    bl->loc = model_node_loc(b, data); /* problems with the file are the imagedata's */
    image_model *img = arena_alloc(b->a, sizeof *img);
    img->loc = bl->loc;
    img->ref = ref;
    img->path = arena_strdup(b->a, path);
    free(path);
    count_image_pixels(b, data, ref, img->path);
    media_size(b, data, img);
    img->alt = media_alt(b, n);
    const char *role = model_get_attr(b, n, "role");
    img->decorative = model_role_has(role, "decorative");
    bl->image = img;
    bl->tag->alt = img->alt;
    return bl;
}

/* A mediaobject's <caption>: set under the image in the caption class, a
 * Caption of its Figure (TAG) holding its paragraphs (and any other block
 * as it is). */
static block *media_caption(builder *b, xmlNode *n, tag_node *tag)
{
    block_list out = { NULL, NULL };
    for (xmlNode *cap = n->children; cap; cap = cap->next) {
        if (!model_is_db(cap, "caption"))
            continue;
        if (has_direct_text(cap)) {
            model_list_append(&out, model_make_para(b, cap, model_plain_runs(b, cap, NULL),
                                                    "caption", tag, TAG_CAPTION));
            continue;
        }
        tag_node *ctag = model_tag_new(b->a, tag, TAG_CAPTION);
        for (xmlNode *c = cap->children; c; c = c->next)
            if (model_is_db(c, "para") || model_is_db(c, "simpara"))
                model_list_append(&out, model_make_para(b, c, model_plain_runs(b, c, NULL),
                                                        "caption", ctag, TAG_P));
            else if (c->type == XML_ELEMENT_NODE) {
                model_list_append(&out, model_build_block_node(b, c, ctag, 9));
            }
    }
    return out.head;
}

block *model_build_media(builder *b, xmlNode *n, tag_node *tag)
{
    xmlNode *data = media_data(b, n);
    if (!data) {
        const char *alt = textobject_alt(b, n);
        block_list out = { NULL, NULL };
        if (alt) {
            inline_run *r = arena_alloc(b->a, sizeof *r);
            *r = (inline_run){ .kind = INL_TEXT, .text = alt, .link = -1,
                               .loc = model_node_loc(b, n) };
            model_list_append(&out, model_make_para(b, n, r, "caption", tag, TAG_P));
        }
        model_list_append(&out, media_caption(b, n, tag));
        return out.head;
    }
    block *bl = media_figure(b, n, data, tag);
    if (bl) {
        model_register_id(b, bl, n);
        bl->children = media_caption(b, n, bl->tag); /* printed, never dropped */
    }
    return bl;
}

/* An <inlinemediaobject> among a paragraph's words: a run that sets the
 * image in the line (its Figure joins the paragraph's P); without an
 * image, its text alternative as text. Its xml:id names the paragraph
 * (held by the caller), as any inline element's does. */
void model_build_inline_media(builder *b, xmlNode *n, inline_ctx *ic)
{
    xmlNode *data = media_data(b, n);
    if (!data) {
        const char *alt = textobject_alt(b, n);
        if (alt)
            model_run_new(b, ic, INL_TEXT, alt, n);
        return;
    }
    block *fig = media_figure(b, n, data, NULL);
    if (!fig)
        return;
    fig->id = NULL;
    inline_run *r = model_run_new(b, ic, INL_IMAGE, "", n);
    r->target = fig;
    /* An image that is a link's content (a clickable picture) is the
     * Link's: its Figure inside the Link element, which the paragraph
     * adopts; any other image is the paragraph's own Figure. */
    if (r->link >= 0 && r->tag && r->tag->role == TAG_LINK)
        tag_adopt(r->tag, fig->tag);
    else {
        r->link = -1;
        r->tag = fig->tag;
    }
}

/* Unknown element in block context: text becomes a paragraph, element
 * children are walked as blocks, a title becomes a minor heading. */
static block *build_unknown_container(builder *b, xmlNode *n, tag_node *tag, int level);

/* The degraded element's xml:id stays a valid target: its first block. */
static block *build_unknown_block(builder *b, xmlNode *n, tag_node *tag, int level)
{
    const char *id = model_get_ns_attr(b, n, "id", (const char *)XML_XML_NAMESPACE);
    block *first;
    if (has_direct_text(n)) {
        b->pending_count = 0;
        first = model_make_para(b, n, model_plain_runs(b, n, get_lang(b, n)), "body", tag, TAG_P);
        if (first && first->id)
            return first;
    } else
        first = build_unknown_container(b, n, tag, level);
    if (id && first && !first->id) {
        first->id = id;
        model_register_id(b, first, n);
        if (!first->title_text && first->inlines)
            first->title_text = model_runs_plain_text(b, first->inlines);
    }
    return first;
}

static block *build_unknown_container(builder *b, xmlNode *n, tag_node *tag, int level)
{
    block_list out = { NULL, NULL };
    xmlNode *title = model_title_of(n, "title");
    if (title && title->parent != n) /* <info><title> */
        model_list_append(&out, model_make_para(b, title, model_plain_runs(b, title, NULL), "minor-heading",
                                    tag, TAG_P));
    for (xmlNode *c = n->children; c; c = c->next) {
        if (model_is_db(c, "title")) {
            model_list_append(&out, model_make_para(b, c, model_plain_runs(b, c, NULL),
                                        "minor-heading", tag, TAG_P));
            continue;
        }
        model_list_append(&out, model_build_block_node(b, c, tag, level));
    }
    return out.head;
}

block *model_build_one_block(builder *b, xmlNode *c, tag_node *tag, int level)
{
    if (model_is_db(c, "para") || model_is_db(c, "simpara"))
        return build_para(b, c, tag);
    if (model_is_db(c, "itemizedlist") || model_is_db(c, "orderedlist") || model_is_db(c, "procedure") ||
        model_is_db(c, "substeps") || (model_is_db(c, "simplelist") && !is_inline_simplelist(c)))
        return model_build_list(b, c, tag);
    if (is_section(c) && c->parent == b->part_apart)
        return NULL; /* a workstream of its own after the part's */
    if (is_section(c))
        return build_section(b, c, tag, level < 2 ? 2 : level);
    if (model_is_db(c, "partintro")) /* the part's own text, under its title */
        return model_build_block_list(b, c->children, tag, level);
    if (model_is_db(c, "table") || model_is_db(c, "informaltable"))
        return model_build_table(b, c, tag);
    if (model_is_db(c, "mediaobject"))
        return model_build_media(b, c, tag);
    bool built;
    block *docbook = model_docbook_block(b, c, tag, level, &built);
    if (built)
        return docbook;
    if (model_is_db(c, "title") || model_is_db(c, "subtitle") || model_is_db(c, "info") ||
        model_is_db(c, "titleabbrev") || model_is_db(c, "indexterm") || model_is_db(c, "remark"))
        return NULL; /* handled by the parent, or never printed */
    if (model_is_db(c, "anchor")) { /* between blocks: it names the next one */
        hold_inline_id(b, c);
        return NULL;
    }
    if (model_is_db(c, "footnote")) {
        inline_ctx ic = { 0, -1, NULL, NULL, NULL, NULL, NULL };
        build_footnote(b, c, &ic);
        return model_make_para(b, c, ic.head, "body", tag, TAG_P);
    }
    if (model_is_db(c, "emphasis") || model_is_db(c, "link") || model_is_db(c, "xref") ||
        model_is_db(c, "phrase") || is_inline_simplelist(c)) {
        inline_ctx ic = { 0, -1, NULL, NULL, NULL, NULL, NULL };
        build_inline_element(b, c, &ic);
        return model_make_para(b, c, collapse_space(b, ic.head), "body", tag, TAG_P);
    }
    return build_unknown_block(b, c, tag, level);
}

block *model_build_block_node(builder *b, xmlNode *c, tag_node *tag, int level)
{
    if (c->type == XML_ELEMENT_NODE)
        return model_build_one_block(b, c, tag, level);
    if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
        return NULL;
    bool blank = true;
    for (const xmlChar *p = c->content; *p && blank; p++)
        blank = isspace(*p);
    if (blank)
        return NULL;
    inline_ctx ic = { 0, -1, NULL, NULL, NULL, NULL, NULL };
    model_build_inline_node(b, c, &ic);
    return model_make_para(b, c, collapse_space(b, ic.head), "body", tag, TAG_P);
}

block *model_build_block_list(builder *b, xmlNode *first, tag_node *tag, int level)
{
    block_list out = { NULL, NULL };
    for (xmlNode *c = first; c; c = c->next)
        model_list_append(&out, model_build_block_node(b, c, tag, level));
    return out.head;
}

/* ---- the document ----------------------------------------------------------- */

/* A word boundary in the gathered text: one space, unless one is there. */
static void gather_break(char *out, size_t *len, size_t cap, bool *space)
{
    if (!*space && *len && *len + 1 < cap)
        out[(*len)++] = ' ';
    *space = true;
}

static void gather_text(xmlNode *n, char *out, size_t *len, size_t cap, bool *space)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            /* blocks are apart: an abstract's paragraphs were one word
             * where they met ("Zusammenfassung.Zweiter") */
            bool apart = model_is_block_element(c);
            if (apart)
                gather_break(out, len, cap, space);
            if (!model_is_db(c, "footnote") && !model_is_db(c, "indexterm") && !model_is_db(c, "remark") &&
                !model_is_db(c, "alt"))
                gather_text(c, out, len, cap, space);
            if (apart)
                gather_break(out, len, cap, space);
            continue;
        }
        if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
            continue;
        for (const xmlChar *p = c->content; *p && *len + 1 < cap; p++) {
            if (isspace(*p)) {
                if (!*space && *len)
                    out[(*len)++] = ' ';
                *space = true;
            } else {
                out[(*len)++] = (char)*p;
                *space = false;
            }
        }
    }
}

/* The text of an element without markup and without side effects (no
 * links or notes are created): titles for the outline, metadata. */
static const char *plain_text_of(builder *b, xmlNode *n)
{
    xmlChar *all = xmlNodeGetContent(n);
    /* a space between blocks follows a character: at most one each */
    size_t cap = all ? 2 * strlen((char *)all) + 1 : 1;
    xmlFree(all);
    char *out = arena_alloc(b->a, cap);
    size_t len = 0;
    bool space = true;
    gather_text(n, out, &len, cap, &space);
    while (len && out[len - 1] == ' ')
        len--;
    out[len] = '\0';
    return out;
}

static void cover_append(builder *b, block *blocks)
{
    block_list l = { b->doc->cover, NULL };
    for (block *x = b->doc->cover; x; x = x->next)
        l.tail = x;
    model_list_append(&l, blocks);
    b->doc->cover = l.head;
}

/* The date is printed in the report's language when it can be read, else
 * as written (and the PDF's dates fall back to the file's time). */
static void read_pubdate(builder *b, xmlNode *n)
{
    document *d = b->doc;
    const char *text = plain_text_of(b, n);
    if (model_date_parse(b->st, text, &d->date)) {
        d->pubdate = model_date_format(b->a, &b->st->strings, &d->date);
        return;
    }
    d->date = (model_date){ 0, 0, 0, MODEL_DATE_NONE };
    d->pubdate = text;
    diag_add(b->diags, DIAG_WARNING, model_node_loc(b, n),
             "<%s> '%s' is not a date kcvs-pdf can read (write 2027-03-15, 15/03/2027 "
             "or 15 maart 2027): it is printed as written, and the PDF's dates come "
             "from SOURCE_DATE_EPOCH or the file's modification time",
             (const char *)n->name, text);
}

/* The report has one date: its first <pubdate>, else its first <date>
 * (DocBook allows several; the stylesheets print the first). Another one
 * that would have been the date is named, so that no date is dropped
 * unseen. Returns the element the date now comes from. */
static xmlNode *choose_date(builder *b, xmlNode *dated, xmlNode *n)
{
    bool pub = model_is_db(n, "pubdate");
    if (!dated || (pub && !model_is_db(dated, "pubdate"))) {
        read_pubdate(b, n);
        return n;
    }
    if (pub || model_is_db(dated, "date"))
        diag_add(b->diags, DIAG_WARNING, model_node_loc(b, n),
                 "a second <%s> is not printed: the report's date is the first, '%s' "
                 "(line %ld)", (const char *)n->name, plain_text_of(b, dated),
                 xmlGetLineNo(dated));
    return dated;
}

/* A footnote in the report's title or subtitle: the cover sets them as
 * plain text and has no foot area, so the note's text is printed on the
 * cover like a <cover>'s paragraphs (it was dropped unseen). */
static void cover_notes(builder *b, xmlNode *n)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (model_is_db(c, "footnote"))
            cover_append(b, model_build_block_list(b, c->children, b->doc->tag_root, 9));
        else if (c->type == XML_ELEMENT_NODE)
            cover_notes(b, c);
}

/* The report's title or subtitle as the cover sets it, its notes after. */
static const char *cover_text(builder *b, xmlNode *n)
{
    cover_notes(b, n);
    return plain_text_of(b, n);
}

static void build_info(builder *b, xmlNode *info)
{
    document *d = b->doc;
    xmlNode *dated = NULL;
    for (xmlNode *c = info->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (model_is_db(c, "title"))
            d->title = cover_text(b, c);
        else if (model_is_db(c, "subtitle"))
            d->subtitle = cover_text(b, c);
        else if (model_is_db(c, "pubdate") || model_is_db(c, "date"))
            dated = choose_date(b, dated, c);
        else if (model_is_db(c, "orgname"))
            d->organisation = plain_text_of(b, c);
        else if (model_is_db(c, "publisher")) {
            for (xmlNode *p = c->children; p; p = p->next)
                if (model_is_db(p, "publishername"))
                    d->organisation = plain_text_of(b, p);
        } else if (model_is_db(c, "abstract"))
            d->abstract_text = plain_text_of(b, c);
        else if (model_is_db(c, "keywordset")) {
            char *kw = arena_strdup(b->a, "");
            for (xmlNode *k = c->children; k; k = k->next)
                if (model_is_db(k, "keyword"))
                    kw = arena_printf(b->a, "%s%s%s", kw, *kw ? ", " : "",
                                      plain_text_of(b, k));
            d->keywords = kw;
        } else if (model_is_db(c, "cover"))
            cover_append(b, model_build_block_list(b, c->children, d->tag_root, 9));
        else if (model_is_db(c, "revhistory"))
            b->revhistory = c;
        else if (model_is_db(c, "titleabbrev"))
            continue; /* never printed, as in a section (warned) */
        else if (model_is_db(c, "author") || model_is_db(c, "authorgroup") || model_is_db(c, "copyright") ||
                 model_is_db(c, "legalnotice")) {
            bool built;
            cover_append(b, model_docbook_info(b, c, &built));
        } else
            /* Outside the subset: its text is printed on the cover. */
            cover_append(b, model_make_para(b, c, model_plain_runs(b, c, get_lang(b, c)), "cover-para",
                                      d->tag_root, TAG_P));
    }
}

static void add_workstream(builder *b, xmlNode *n)
{
    document *d = b->doc;
    d->workstreams = arena_reserve(b->a, d->workstreams, (size_t)d->workstream_count,
                                   &b->workstream_cap, sizeof *d->workstreams);
    workstream *w = &d->workstreams[d->workstream_count++];
    w->number = d->workstream_count;
    xmlNode *title = model_title_of(n, "title"), *subtitle = model_title_of(n, "subtitle");
    w->title = title ? plain_text_of(b, title) : NULL;
    w->subtitle = subtitle ? plain_text_of(b, subtitle) : NULL;
    if (!w->title || !*w->title)
        model_error_at(b, n, "a workstream needs a title: add <title> (or <info><title>) to this "
                       "<%s>", (const char *)n->name);
    b->current_workstream = w->title;
    w->section = build_section(b, n, d->tag_root, 1);
    if (!w->title)
        w->title = arena_printf(b->a, "%d", w->number);
    /* The first plain paragraph of a workstream is its lead, when short
     * enough for the style to set it large. */
    for (block *c = w->section->children; c; c = c->next)
        if (c->kind == BLK_PARA && !c->is_cta && c->style == style_class_get(b->st, "body")) {
            if (strlen(model_runs_plain_text(b, c->inlines)) <= b->st->lead_max_chars)
                c->style = style_class_get(b->st, "lead");
            break;
        } else if (c->kind != BLK_HEADING && c->kind != BLK_PARA)
            break;
}

/* A book's <part>: a workstream of its own for its title and introduction,
 * then each of its chapters (appendices, prefaces) one, as DocBook's
 * stylesheets start each on a new page and list it in the contents; set
 * as plain text, a book of parts lost its contents and its pages. */
static void add_part(builder *b, xmlNode *n)
{
    b->part_apart = n;
    add_workstream(b, n);
    b->part_apart = NULL;
    for (xmlNode *c = n->children; c; c = c->next)
        if (is_section(c))
            add_workstream(b, c);
}

/* Where matter for the end of the report goes: its last workstream, or
 * the content before any. */
static tag_node *end_tag(builder *b)
{
    document *d = b->doc;
    return d->workstream_count ? d->workstreams[d->workstream_count - 1].section->tag
                               : d->tag_root;
}

static void append_at_end(builder *b, block *blocks)
{
    document *d = b->doc;
    block **first = d->workstream_count ? &d->workstreams[d->workstream_count - 1].section->children
                                        : &d->front;
    block_list l = { *first, NULL };
    for (block *x = *first; x; x = x->next)
        l.tail = x;
    model_list_append(&l, blocks);
    *first = l.head;
}

static void build_root(builder *b, xmlNode *root)
{
    document *d = b->doc;
    block_list front = { NULL, NULL };
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            if (c->type == XML_TEXT_NODE && d->workstream_count == 0) {
                model_list_append(&front, model_build_block_node(b, c, d->tag_root, 2));
            }
            continue;
        }
        if (model_is_db(c, "info"))
            build_info(b, c);
        else if (model_is_db(c, "title"))
            d->title = d->title ? d->title : cover_text(b, c);
        else if (model_is_db(c, "subtitle"))
            d->subtitle = d->subtitle ? d->subtitle : cover_text(b, c);
        else if (is_section(c))
            add_workstream(b, c);
        else if (model_is_db(c, "part"))
            add_part(b, c);
        else if (d->workstream_count == 0) {
            model_list_append(&front, model_build_block_node(b, c, d->tag_root, 2));
        } else {
            /* Content after a workstream belongs to it. */
            append_at_end(b, model_build_block_node(b, c, end_tag(b), 2));
        }
    }
    d->front = front.head;
    if (b->revhistory) /* reference matter, after everything */
        append_at_end(b, model_revhistory(b, b->revhistory, end_tag(b)));
}

void model_register_key(builder *b, block *bl, const char *key)
{
    register_id_as(b, bl, (id_entry){ key, bl, bl->loc, NULL });
}

static void resolve_refs(builder *b)
{
    for (int i = 0; i < b->ref_count; i++) {
        pending_ref *p = &b->refs[i];
        int at = strindex_get(&b->id_index, p->id);
        block *target = at >= 0 ? b->ids[at].target : NULL;
        src_loc loc = p->run ? p->run->loc : b->doc->links[p->link].loc;
        if (!target) {
            /* An xref registers twice (its run and its link): report once. */
            bool reported = p->run == NULL && i > 0 && b->refs[i - 1].run &&
                            b->refs[i - 1].id == p->id;
            if (!reported)
                diag_add(b->diags, DIAG_ERROR, loc,
                         "reference to '%s', which no element has as xml:id",
                         p->id);
            continue;
        }
        if (p->run) {
            p->run->target = target;
            if (!p->run->xref_label) /* an endterm's text comes first */
                p->run->xref_label = b->ids[at].label;
            if (!p->run->xref_label && !(target->title_text && target->title_text[0]))
                diag_add(b->diags, DIAG_WARNING, loc,
                         "'%s' has no title for this <xref> to print, only its page: "
                         "give it an xreflabel, or write <link linkend=\"%s\">text</link>",
                         p->id, p->id);
        } else
            b->doc->links[p->link].target = target;
    }
}

static void builder_free(builder *b)
{
    strindex_free(&b->id_index);
    strindex_free(&b->cite_keys);
}

document *model_build(arena *a, const load_result *src, const style *st,
                      diag_list *diags)
{
    builder b = { .a = a, .src = src, .st = st, .diags = diags };
    document *d = arena_alloc(a, sizeof *d);
    b.doc = d;
    xmlNode *root = xmlDocGetRootElement(src->doc);
    if (root && !root->ns && (xmlStrEqual(root->name, (const xmlChar *)"article") ||
                              xmlStrEqual(root->name, (const xmlChar *)"book"))) {
        /* DocBook 4 (no namespace): say what to change, not just what is wrong. */
        diag_add(diags, DIAG_ERROR, model_node_loc(&b, root),
                 "this is DocBook 4 (a <%s> without namespace); kcvs-pdf reads DocBook 5: "
                 "add xmlns=\"%s\" version=\"5.0\" to <%s>, write every id= as xml:id= "
                 "(and drop the DOCTYPE)", (const char *)root->name, DOCBOOK_NS,
                 (const char *)root->name);
        return NULL;
    }
    if (!root || !(model_is_db(root, "article") || model_is_db(root, "book"))) {
        diag_add(diags, DIAG_ERROR, root ? model_node_loc(&b, root) : (src_loc){ src->main_file, 1, 1 },
                 "the root element must be DocBook <article> or <book> "
                 "(namespace %s), not <%s>", DOCBOOK_NS,
                 root ? (const char *)root->name : "nothing");
        return NULL;
    }
    d->source_file = src->main_file;
    d->lang = model_get_ns_attr(&b, root, "lang", (const char *)XML_XML_NAMESPACE);
    if (d->lang && !lang_tag_valid(d->lang)) {
        diag_add(diags, DIAG_WARNING, model_node_loc(&b, root),
                 "xml:lang '%s' is not a language tag: nl-BE is used", d->lang);
        d->lang = NULL;
    }
    if (!d->lang)
        d->lang = "nl-BE";
    d->tag_root = model_tag_new(a, NULL, TAG_DOCUMENT);
    warn_outside_subset(&b, root);
    xmlHashFree(b.all_ids, NULL);
    b.all_ids = NULL;
    build_root(&b, root);
    resolve_refs(&b);
    /* A PDF needs a title (PDF/UA: dc:title): the first workstream's, or
     * the file's name. */
    if (!d->title || !*d->title)
        d->title = d->workstream_count ? d->workstreams[0].title : NULL;
    if (!d->title || !*d->title) {
        const char *base = strrchr(src->main_file, '/');
        base = base ? base + 1 : src->main_file;
        const char *dot = strrchr(base, '.');
        d->title = dot ? arena_strndup(a, base, (size_t)(dot - base)) : arena_strdup(a, base);
    }
    if (!d->organisation)
        d->organisation = "";
    d->inside_subset = b.warned.count == 0;
    builder_free(&b);
    return d;
}
