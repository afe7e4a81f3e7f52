/* model_docbook — DocBook as people write it (FORMAT.md, the section of
 * that name): figures with their captions and images written inside a
 * paragraph (<inlinemediaobject>, how pandoc writes every Word image).
 *
 * Owns nothing beyond the blocks it adds to the document model; called by
 * model.c's block dispatch and its paragraph builder.
 */
#include "model_internal.h"

#include <string.h>

/* The contract's elements (FORMAT.md, "DocBook as people write it") that
 * are built here or by model.c: in the subset, never warned. */
static const char *const docbook_names[] = {
    "figure", "informalfigure", "inlinemediaobject", "literal", "code", "filename",
    "command", "userinput", "option", "tag", "varname", "function", "uri", "quote",
    "superscript", "subscript", "email", "citetitle", "programlisting", "screen",
    "literallayout", "blockquote", "attribution", "variablelist", "varlistentry", "term",
    "note", "tip", "important", "warning", "caution", "sidebar", "abbrev", "acronym", "alt",
    "bridgehead", "anchor", "simplelist", "member", "procedure", "step", "substeps",
    "author", "personname", "firstname", "surname", "othername", "honorific",
    "authorgroup", "date", "copyright", "year", "holder", "legalnotice",
    "replaceable", "package", "application", "computeroutput", "guimenu", "guimenuitem",
    "guisubmenu", "guibutton", "guilabel", "guiicon", "menuchoice", "keycap", "keycombo",
    "foreignphrase", "wordasword", "firstterm", "trademark", "example", "informalexample",
    "qandaset", "qandadiv", "qandaentry", "question", "answer", "bibliography", "bibliodiv",
    "biblioentry", "bibliomixed", "bibliomisc", "citation", "revhistory", "revision",
    "revnumber", "revremark", "revdescription", "authorinitials", "othercredit", "contrib",
    "systemitem", "envar", "parameter", "classname", "constant", "prompt", "markup",
    "citerefentry", "refentrytitle", "manvolnum", "caption", "footnoteref", "tr", "th", "td", "spanspec", "appendix",
    "preface", "part", "partintro", NULL };

const char *model_docbook_name(size_t i)
{
    return i < sizeof docbook_names / sizeof *docbook_names ? docbook_names[i] : NULL;
}

/* The single image of a figure, or NULL when it holds anything else (or
 * more): then the figure is a group of blocks with one caption. */
static xmlNode *sole_media(xmlNode *fig)
{
    xmlNode *media = NULL;
    for (xmlNode *c = fig->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || model_is_db(c, "title") || model_is_db(c, "info") ||
            model_is_db(c, "titleabbrev") || model_is_db(c, "indexterm"))
            continue;
        if (media || !model_is_db(c, "mediaobject"))
            return NULL;
        media = c;
    }
    return media;
}

block *model_caption(builder *b, xmlNode *title, const char *prefix, int number,
                     const char *cls, tag_node *tag, block *owner)
{
    inline_run *runs = model_plain_runs(b, title, NULL);
    owner->title_text = model_runs_plain_text(b, runs);
    owner->number_text = arena_printf(b->a, "%s %d", prefix, number);
    inline_run *head = arena_alloc(b->a, sizeof *head);
    *head = (inline_run){ .kind = INL_TEXT,
                          .text = arena_printf(b->a, "%s: ", owner->number_text),
                          .link = -1, .loc = model_node_loc(b, title), .next = runs };
    return model_make_para(b, title, head, cls, tag, TAG_CAPTION);
}

/* "Figuur 3: title" as a Caption under the figure's tag; the number
 * counts every numbered figure of the document (charts too). */
static block *figure_caption(builder *b, xmlNode *title, block *fig)
{
    fig->number = ++b->doc->figure_count;
    return model_caption(b, title, b->st->strings.figure_prefix, fig->number, "caption",
                         fig->tag, fig);
}

/* <figure>/<informalfigure>: the image (or the blocks) and, when titled,
 * a numbered caption below it; layout keeps it on one page. */
static block *build_figure(builder *b, xmlNode *n, tag_node *tag, int level)
{
    xmlNode *title = model_title_of(n, "title");
    xmlNode *media = sole_media(n);
    block *fig;
    if (media) {
        fig = model_build_media(b, media, tag);
        if (!fig || fig->kind != BLK_FIGURE)
            return fig; /* no image: its text (or an error) stands */
    } else {
        fig = model_block_new(b, BLK_FIGURE, "caption", n, model_tag_new(b->a, tag, TAG_FIGURE));
        fig->children = model_build_block_list(b, n->children, fig->tag, level);
        /* A Figure needs alternative text: its title says what it shows. */
        fig->tag->alt = title ? model_runs_plain_text(b, model_plain_runs(b, title, NULL)) : NULL;
    }
    if (title && !model_is_db(n, "informalfigure")) {
        block_list l = { fig->children, NULL };
        for (block *x = fig->children; x; x = x->next)
            l.tail = x;
        model_list_append(&l, figure_caption(b, title, fig));
        fig->children = l.head;
    }
    /* The figure's xml:id names the whole (an xref prints its title). */
    const char *id = model_get_ns_attr(b, n, "id", (const char *)XML_XML_NAMESPACE);
    if (id && fig->image) {
        fig->id = id;
        model_register_id(b, fig, n);
    } else if (!fig->image)
        model_register_id(b, fig, n);
    return fig;
}

/* <example>/<informalexample>: its blocks kept together like a figure's,
 * under a numbered title ("Voorbeeld 2: title", above as DocBook's
 * stylesheets set it). A Div, not a Figure: a Figure's /Alt would stand
 * for its content, and an example's code is text a reader needs; its
 * title is the Div's Caption. */
static block *build_example(builder *b, xmlNode *n, tag_node *tag, int level)
{
    xmlNode *title = model_title_of(n, "title");
    block *ex = model_block_new(b, BLK_FIGURE, "body", n, model_tag_new(b->a, tag, TAG_DIV));
    block_list l = { NULL, NULL };
    if (title && model_is_db(n, "example")) {
        ex->number = ++b->example_count;
        model_list_append(&l, model_caption(b, title, b->st->strings.example_prefix, ex->number,
                                            "example-title", ex->tag, ex));
    }
    model_list_append(&l, model_build_block_list(b, n->children, ex->tag, level));
    ex->children = l.head;
    if (ex->children && !ex->children->anchor_of)
        ex->children->anchor_of = ex; /* its place is its first block's */
    model_register_id(b, ex, n);
    return ex;
}

/* ---- listings ------------------------------------------------------------------ */

/* Tabs to the next multiple of 8 columns; a space at a line's start or
 * after another space becomes a figure space (a character of its own, not
 * glue that a line start drops or justification stretches), so that
 * indentation and alignment survive; a single space between words stays a
 * break. */
static const char *keep_spaces(builder *b, const char *text, int *column)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\t' ? 8 * 3 : 3;
    char *out = arena_alloc(b->a, n + 1), *o = out;
    bool prev_space = *column == 0;
    for (const char *p = text; *p; p++) {
        int spaces = *p == '\t' ? 8 - *column % 8 : *p == ' ' ? 1 : 0;
        for (int k = 0; k < spaces; k++, (*column)++) {
            if (prev_space) { /* U+2007 FIGURE SPACE: a box, never glue */
                *o++ = (char)0xE2;
                *o++ = (char)0x80;
                *o++ = (char)0x87;
            } else
                *o++ = ' ';
            prev_space = true;
        }
        if (!spaces) {
            *o++ = *p;
            prev_space = false;
            if (((unsigned char)*p & 0xC0) != 0x80)
                (*column)++;
        }
    }
    *o = '\0';
    return out;
}

static inline_run *copy_run(builder *b, const inline_run *r)
{
    inline_run *c = arena_alloc(b->a, sizeof *c);
    *c = *r;
    c->next = NULL;
    return c;
}

/* One line of a listing, or a figure space when it is empty. */
static block *listing_line(builder *b, xmlNode *n, inline_run *head, tag_node *code)
{
    if (!head)
        head = copy_run(b, &(inline_run){ .kind = INL_TEXT, .text = "\u2007",
                                          .flags = INL_MONO, .link = -1,
                                          .loc = model_node_loc(b, n) });
    xmlNode *text = n->children ? n->children : n; /* not n: its xml:id is the listing's */
    return model_make_para(b, text, head, "code", code, TAG_SPAN);
}

/* <programlisting>, <screen>, <literallayout>: the text as written, line
 * by line, in the style's code class, one Code element. */
static block *build_listing(builder *b, xmlNode *n, tag_node *tag)
{
    block *code = model_block_new(b, BLK_CODE, "code", n, model_tag_new(b->a, tag, TAG_CODE));
    model_register_id(b, code, n);
    inline_ctx ic = { model_is_db(n, "literallayout") ? 0 : INL_MONO, -1, NULL, NULL, NULL, NULL,
                      NULL };
    model_build_inlines(b, n->children, &ic);
    block_list lines = { NULL, NULL };
    inline_ctx line = ic;
    line.head = line.tail = NULL;
    int column = 0;
    bool any = false, blank = true;
    for (inline_run *r = ic.head; r; r = r->next) {
        const char *t = r->kind == INL_TEXT ? r->text : "";
        do {
            const char *nl = strchr(t, '\n');
            size_t len = nl ? (size_t)(nl - t) : strlen(t);
            if (len || r->kind != INL_TEXT) {
                inline_run *piece = copy_run(b, r);
                blank = blank && r->kind == INL_TEXT && strspn(t, " \t") >= len;
                if (r->kind == INL_TEXT)
                    piece->text = keep_spaces(b, arena_strndup(b->a, t, len), &column);
                if (line.tail)
                    line.tail->next = piece;
                else
                    line.head = piece;
                line.tail = piece;
            }
            if (!nl)
                break;
            /* A line break right after the start tag is layout of the
             * source, not an empty first line. */
            if (any || line.head)
                model_list_append(&lines, listing_line(b, n, line.head, code->tag));
            any = true;
            line.head = line.tail = NULL;
            column = 0;
            blank = true;
            t = nl + 1;
        } while (1);
    }
    if (line.head && !blank) /* not the indentation of the end tag */
        model_list_append(&lines, listing_line(b, n, line.head, code->tag));
    code->children = lines.head;
    return code;
}

/* ---- images inside a paragraph ---------------------------------------------- */

/* An image among a paragraph's words (directly or inside inline markup)
 * is set in the line (model_build_inline_media). Outside a paragraph (a
 * title), its text alternative is set and a warning says so. */
bool model_docbook_inline_media(builder *b, xmlNode *n, inline_ctx *ic)
{
    if (b->in_para) {
        model_build_inline_media(b, n, ic);
        return true;
    }
    diag_add(b->diags, DIAG_WARNING, model_node_loc(b, n),
             "an image in <%s> cannot be set there: its alternative text is printed "
             "instead (move the image into a paragraph)",
             n->parent ? (const char *)n->parent->name : "");
    return false;
}

/* ---- inline elements ---------------------------------------------------------- */

/* Computer text: set in the style's monospace font, never hyphenated. */
static const char *const mono_names[] = {
    "literal", "code", "filename", "command", "option", "tag", "varname",
    "function", "uri", "systemitem", "computeroutput", "envar", "parameter",
    "classname", "constant", "prompt", "markup", "email", NULL };

static bool is_mono(xmlNode *n)
{
    for (int i = 0; mono_names[i]; i++)
        if (model_is_db(n, mono_names[i]))
            return true;
    return false;
}

/* The strings of the language n is written in: its nearest xml:lang (a
 * <phrase xml:lang="de"> quotes with German marks), else the report's. */
static const style_strings *strings_in_scope(builder *b, xmlNode *n)
{
    xmlChar *lang = xmlNodeGetLang(n);
    const style_strings *s = lang ? style_strings_for(b->st, (const char *)lang)
                                  : &b->st->strings;
    xmlFree(lang);
    return s;
}

/* <quote>: the quotation marks of its text's language around its runs
 * (inside another quote its inner marks, alternating as DocBook's
 * stylesheets do), a Quote element for assistive technology. */
static void build_quote(builder *b, xmlNode *n, inline_ctx *inner)
{
    if (!inner->link_tag)
        inner->link_tag = model_tag_new(b->a, NULL, TAG_QUOTE);
    bool nested = b->quote_depth % 2 == 1;
    const style_strings *s = strings_in_scope(b, n);
    model_run_new(b, inner, INL_TEXT, nested ? s->quote_open_inner : s->quote_open, n);
    b->quote_depth++;
    model_build_inlines(b, n->children, inner);
    b->quote_depth--;
    model_run_new(b, inner, INL_TEXT, nested ? s->quote_close_inner : s->quote_close, n);
}

/* Text without markup and white space at either end. */
static char *trimmed_text(builder *b, xmlNode *n)
{
    xmlChar *raw = xmlNodeGetContent(n);
    const char *p = raw ? (const char *)raw : "";
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    size_t len = strlen(p);
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\n' ||
                   p[len - 1] == '\r'))
        len--;
    char *out = arena_strndup(b->a, p, len);
    xmlFree(raw);
    return out;
}

/* ---- citations --------------------------------------------------------------- */

/* An entry's label as DocBook's stylesheets make it: its leading <abbrev>
 * (*abbrev, then not repeated in the text), else its xreflabel, else its
 * xml:id; NULL when it has none (it is numbered). */
static const char *entry_label(builder *b, xmlNode *entry, xmlNode **abbrev)
{
    xmlNode *first = entry->children;
    while (first && first->type != XML_ELEMENT_NODE &&
           (first->type != XML_TEXT_NODE || !*trimmed_text(b, first)))
        first = first->next;
    *abbrev = model_is_db(first, "abbrev") ? first : NULL;
    const char *t = *abbrev ? trimmed_text(b, first) : model_get_attr(b, entry, "xreflabel");
    return t ? t : model_get_ns_attr(b, entry, "id", (const char *)XML_XML_NAMESPACE);
}

/* A label's key among the xml:ids, which never hold a control character. */
static const char *cite_key(builder *b, const char *label)
{
    return arena_printf(b->a, "\x1f%s", label);
}

void model_docbook_scan(builder *b, xmlNode *n)
{
    xmlNode *abbrev;
    const char *label = model_is_db(n, "bibliomixed") || model_is_db(n, "biblioentry")
                            ? entry_label(b, n, &abbrev)
                            : NULL;
    if (label)
        strindex_put(&b->cite_keys, cite_key(b, label), 1);
}

/* <citation>: its text between the style's brackets; a link to the
 * bibliography entry of that label when the report has one (a citation
 * of a work listed elsewhere stays text). */
static void build_citation(builder *b, xmlNode *n, inline_ctx *inner)
{
    model_run_new(b, inner, INL_TEXT, b->st->strings.citation_open, n);
    const char *key = cite_key(b, trimmed_text(b, n));
    int link = inner->link;
    tag_node *link_tag = inner->link_tag;
    if (link < 0 && strindex_get(&b->cite_keys, key) >= 0)
        model_link_to_key(b, n, key, inner);
    model_build_inlines(b, n->children, inner);
    inner->link = link;
    inner->link_tag = link_tag;
    model_run_new(b, inner, INL_TEXT, b->st->strings.citation_close, n);
}

/* Elements whose look is a style class of their own (the style's inline
 * looks): element, class. */
static const char *const inline_looks[][2] = {
    { "replaceable", "replaceable" }, { "userinput", "userinput" }, { "guimenu", "gui" },
    { "guimenuitem", "gui" },         { "guisubmenu", "gui" },      { "guibutton", "gui" },
    { "guilabel", "gui" },            { "guiicon", "gui" },         { "keycap", "keycap" },
    { "firstterm", "firstterm" },     { "foreignphrase", "foreignphrase" },
    { "wordasword", "wordasword" },   { "application", "application" },
    { "package", "application" } };

/* The run flags of an inline look: its variant, and monospace when its
 * font is the literal class's (a look never unsets what the text around
 * it has: a placeholder in a listing stays monospace). */
static int look_flags(builder *b, xmlNode *n)
{
    for (size_t i = 0; i < sizeof inline_looks / sizeof *inline_looks; i++) {
        if (!model_is_db(n, inline_looks[i][0]))
            continue;
        const style_class *c = style_class_get(b->st, inline_looks[i][1]);
        const style_class *body = style_class_get(b->st, "body");
        const style_class *mono = style_class_get(b->st, "literal");
        int v = c->variant;
        return (v == FONT_BOLD || v == FONT_BOLD_ITALIC ? INL_BOLD : 0) |
               (v == FONT_ITALIC || v == FONT_BOLD_ITALIC ? INL_ITALIC : 0) |
               (c->font == mono->font && c->font != body->font ? INL_MONO : 0);
    }
    return 0;
}

/* <menuchoice> and <keycombo>: their items, each with its own look,
 * joined by the style's separator ("Datei → Speichern", "Strg+S"). */
static void build_joined(builder *b, xmlNode *items, inline_ctx *inner, const char *sep)
{
    bool first = true;
    for (xmlNode *c = items; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue; /* the layout of the source between the items */
        if (!first)
            model_run_new(b, inner, INL_TEXT, sep, c);
        first = false;
        model_build_inline_node(b, c, inner);
    }
}

/* <personname> written in parts (<firstname>, <surname>): the parts
 * with a space between them, as DocBook prints a name, however the
 * source lays them out ("<firstname>Anna</firstname><surname>…"). */
static bool name_in_parts(xmlNode *n)
{
    bool parts = false;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            parts = true;
        else if (c->type == XML_TEXT_NODE && c->content)
            for (const xmlChar *p = c->content; *p; p++)
                if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
                    return false; /* "Dr. <surname>…": the text as written */
    }
    return parts;
}

/* <citerefentry>: a manual page as "ls(1)", its section between the
 * style's marks. */
static void build_citerefentry(builder *b, xmlNode *n, inline_ctx *inner)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        bool volume = model_is_db(c, "manvolnum");
        if (volume)
            model_run_new(b, inner, INL_TEXT, b->st->strings.manvolnum_open, c);
        model_build_inline_node(b, c, inner);
        if (volume)
            model_run_new(b, inner, INL_TEXT, b->st->strings.manvolnum_close, c);
    }
}

/* <trademark>: its text and the sign of its class (trade by default). */
static void build_trademark(builder *b, xmlNode *n, inline_ctx *inner)
{
    const char *cls = model_get_attr(b, n, "class");
    const char *const *signs = b->st->strings.trademark_signs;
    model_build_inlines(b, n->children, inner);
    const char *sign = !cls                           ? signs[0]
                       : strcmp(cls, "registered") == 0 ? signs[1]
                       : strcmp(cls, "service") == 0    ? signs[2]
                       : strcmp(cls, "copyright") == 0  ? "\u00a9"
                                                        : signs[0];
    model_run_new(b, inner, INL_TEXT, sign, n);
}

bool model_docbook_inline(builder *b, xmlNode *n, inline_ctx *inner, const char *href)
{
    if (is_mono(n))
        inner->flags |= INL_MONO;
    inner->flags |= look_flags(b, n);
    if (model_is_db(n, "superscript"))
        inner->flags = (inner->flags & ~INL_SUB) | INL_SUP;
    else if (model_is_db(n, "subscript"))
        inner->flags = (inner->flags & ~INL_SUP) | INL_SUB;
    else if (model_is_db(n, "citetitle"))
        inner->flags |= INL_ITALIC;
    else if (model_is_db(n, "quote")) {
        build_quote(b, n, inner);
        return true;
    } else if (model_is_db(n, "simplelist")) { /* type="inline": a block otherwise */
        build_joined(b, n->children, inner, b->st->strings.list_separator);
        return true;
    } else if (model_is_db(n, "menuchoice") || model_is_db(n, "keycombo")) {
        build_joined(b, n->children, inner, model_is_db(n, "menuchoice") ? b->st->strings.menu_separator
                                                                : b->st->strings.key_joiner);
        return true;
    } else if (model_is_db(n, "personname") && name_in_parts(n)) {
        build_joined(b, n->children, inner, " ");
        return true;
    } else if (model_is_db(n, "citerefentry")) {
        build_citerefentry(b, n, inner);
        return true;
    } else if (model_is_db(n, "citation")) {
        build_citation(b, n, inner);
        return true;
    } else if (model_is_db(n, "trademark")) {
        build_trademark(b, n, inner);
        return true;
    } else if (model_is_db(n, "email") && !href) {
        /* An address is a mailto: link, checked like any link. */
        model_build_uri_link_inlines(b, n, arena_printf(b->a, "mailto:%s", trimmed_text(b, n)),
                               inner);
        return true;
    }
    return false;
}

/* ---- boxes: quotations, notes, sidebars ---------------------------------------- */

static const char *const admonition_names[5] = { "note", "tip", "important", "warning",
                                                 "caution" };

/* The heading line of a box: its own title, else the kind's name in the
 * report's language (style strings); a sidebar without title has none. */
static block *box_title(builder *b, xmlNode *n, tag_node *tag)
{
    xmlNode *title = model_title_of(n, "title");
    if (title)
        return model_make_para(b, title, model_plain_runs(b, title, NULL), "admonition-title", tag,
                         TAG_P);
    for (int i = 0; i < 5; i++)
        if (model_is_db(n, admonition_names[i])) {
            inline_run *r = model_run_new(b, &(inline_ctx){ 0, -1, NULL, NULL, NULL, NULL, NULL },
                                    INL_TEXT, b->st->strings.admonitions[i], n);
            return model_make_para(b, n->children ? n->children : n, r, "admonition-title", tag,
                             TAG_P);
        }
    return NULL;
}

/* <blockquote> (a BlockQuote, its <attribution> set below it) and the
 * set-apart boxes (a Div headed by their kind). */
static block *build_box(builder *b, xmlNode *n, tag_node *tag, int level)
{
    bool quote = model_is_db(n, "blockquote");
    block *box = model_block_new(b, BLK_BOX, quote ? "blockquote" : "admonition", n,
                           model_tag_new(b->a, tag, quote ? TAG_BLOCKQUOTE : TAG_DIV));
    model_register_id(b, box, n);
    block_list out = { NULL, NULL };
    xmlNode *attribution = NULL;
    if (quote) {
        xmlNode *title = model_title_of(n, "title");
        if (title)
            model_list_append(&out, model_make_para(b, title, model_plain_runs(b, title, NULL),
                                        "minor-heading", box->tag, TAG_P));
    } else
        model_list_append(&out, box_title(b, n, box->tag));
    /* An xref prints the heading line: its title, else the kind's name. */
    if (out.head)
        box->title_text = model_runs_plain_text(b, out.head->inlines);
    for (xmlNode *c = n->children; c; c = c->next) {
        if (model_is_db(c, "attribution")) {
            attribution = c;
            continue;
        }
        model_list_append(&out, model_build_block_node(b, c, box->tag, level));
    }
    if (attribution)
        model_list_append(&out, model_make_para(b, attribution, model_plain_runs(b, attribution, NULL),
                                    "attribution", box->tag, TAG_P));
    box->children = out.head;
    return box;
}

/* ---- definition lists ----------------------------------------------------------- */

/* <variablelist>: an L whose items hold the terms (Lbl) and their
 * description (LBody). */
static block *build_variablelist(builder *b, xmlNode *n, tag_node *tag)
{
    block *list = model_block_new(b, BLK_LIST, model_list_class(b, n), n,
                                  model_tag_new(b->a, tag, TAG_L));
    list->level = b->list_depth;
    model_register_id(b, list, n);
    block_list items = { NULL, NULL };
    for (xmlNode *c = n->children; c; c = c->next) {
        if (model_is_db(c, "title")) {
            model_list_append(&items, model_make_para(b, c, model_plain_runs(b, c, NULL), "minor-heading",
                                          list->tag, TAG_CAPTION));
            continue;
        }
        if (!model_is_db(c, "varlistentry"))
            continue;
        block *item = model_block_new(b, BLK_ITEM, "list", c, model_tag_new(b->a, list->tag, TAG_LI));
        item->level = list->level;
        model_register_id(b, item, c);
        block_list parts = { NULL, NULL };
        for (xmlNode *t = c->children; t; t = t->next)
            if (model_is_db(t, "term"))
                model_list_append(&parts, model_make_para(b, t, model_plain_runs(b, t, NULL), "term",
                                              item->tag, TAG_LBL));
        tag_node *body = model_tag_new(b->a, item->tag, TAG_LBODY);
        b->list_depth++;
        for (xmlNode *t = c->children; t; t = t->next)
            if (model_is_db(t, "listitem"))
                model_list_append(&parts, model_build_block_list(b, t->children, body, 9));
        b->list_depth--;
        item->children = parts.head;
        /* An xref to an entry prints its (first) term, as DocBook's
         * stylesheets do, and the page of the term: the entry's place. */
        if (parts.head && parts.head->style == style_class_get(b->st, "term"))
            item->title_text = model_runs_plain_text(b, parts.head->inlines);
        if (item->id && parts.head && !parts.head->anchor_of)
            parts.head->anchor_of = item;
        model_list_append(&items, item);
    }
    list->children = items.head;
    return list;
}

static inline_run *text_runs(builder *b, xmlNode *n, const char *text)
{
    return model_run_new(b, &(inline_ctx){ 0, -1, NULL, NULL, NULL, NULL, NULL }, INL_TEXT, text, n);
}

/* ---- questions and answers ---------------------------------------------------- */

/* One question or answer: a list item labelled by the style's word for
 * it, its blocks the body. */
static block *qanda_item(builder *b, xmlNode *n, tag_node *list, const char *label)
{
    block *item = model_block_new(b, BLK_ITEM, "list", n, model_tag_new(b->a, list, TAG_LI));
    item->level = b->list_depth;
    item->label = label;
    model_tag_new(b->a, item->tag, TAG_LBL);
    tag_node *body = model_tag_new(b->a, item->tag, TAG_LBODY);
    b->list_depth++;
    item->children = model_build_block_list(b, n->children, body, 9);
    b->list_depth--;
    return item;
}

/* A question and its answers: list items labelled ("F:", "A:"). A list
 * rather than headings: a screen reader announces how many items there
 * are, steps through them and reads each label, while questions as
 * headings would fill the outline with dozens of entries at a level that
 * depends on where the FAQ stands. The entry's xml:id names its question
 * (an xref prints the question). */
static block *qanda_entry_items(builder *b, xmlNode *entry, tag_node *list, int number)
{
    (void)number;
    block_list items = { NULL, NULL };
    for (xmlNode *c = entry->children; c; c = c->next) {
        bool q = model_is_db(c, "question");
        if (!q && !model_is_db(c, "answer"))
            continue;
        block *item = qanda_item(b, c, list, q ? b->st->strings.question_label
                                               : b->st->strings.answer_label);
        xmlNode *named = c;
        if (q && item->children && item->children->kind == BLK_PARA) { /* an xref's text */
            item->title_text = model_runs_plain_text(b, item->children->inlines);
            item->children->anchor_of = item;
        }
        if (q && !item->id) {
            item->id = model_get_ns_attr(b, entry, "id", (const char *)XML_XML_NAMESPACE);
            named = entry;
        }
        model_register_id(b, item, named);
        model_list_append(&items, item);
    }
    return items.head;
}

/* ---- bibliographies -------------------------------------------------------------- */

/* One reference: its label (Lbl, at the list's edge like a term, for a
 * label may be wide) and its text (LBody). A <bibliomixed> is written
 * with its punctuation; a <biblioentry>'s parts are joined by the style's
 * separator. An xref to it prints its label. */
static block *biblio_item(builder *b, xmlNode *entry, tag_node *list, int number)
{
    block *item = model_block_new(b, BLK_ITEM, "list", entry, model_tag_new(b->a, list, TAG_LI));
    item->level = b->list_depth;
    xmlNode *abbrev;
    const char *label = entry_label(b, entry, &abbrev);
    item->title_text = arena_printf(b->a, "%s%s%s", b->st->strings.citation_open,
                                    label ? label : arena_printf(b->a, "%d", number),
                                    b->st->strings.citation_close);
    block_list parts = { NULL, NULL };
    model_list_append(&parts, model_make_para(b, abbrev ? abbrev : entry,
                                              text_runs(b, entry, item->title_text), "term",
                                              item->tag, TAG_LBL));
    tag_node *body = model_tag_new(b->a, item->tag, TAG_LBODY);
    inline_ctx ic = { 0, -1, NULL, NULL, NULL, NULL, NULL };
    xmlNode *rest = abbrev ? abbrev->next : entry->children; /* the label is not repeated */
    if (model_is_db(entry, "biblioentry"))
        build_joined(b, rest, &ic, b->st->strings.biblio_separator);
    else
        model_build_inlines(b, rest, &ic);
    model_list_append(&parts, model_make_para(b, entry, model_collapse_space(b, ic.head), "body",
                                              body, TAG_P));
    item->children = parts.head;
    if (item->children) /* its place is its label's */
        item->children->anchor_of = item;
    model_register_id(b, item, entry);
    if (label)
        model_register_key(b, item, cite_key(b, label));
    return item;
}

/* ---- groups: FAQs and bibliographies ---------------------------------------------- */

typedef block *entry_items_fn(builder *b, xmlNode *entry, tag_node *list, int number);

static bool is_entry(xmlNode *n)
{
    return model_is_db(n, "qandaentry") || model_is_db(n, "biblioentry") ||
           model_is_db(n, "bibliomixed");
}

/* The entries from *at on, up to the next thing that is not one: one L. */
static block *group_entries(builder *b, xmlNode **at, tag_node *tag, entry_items_fn *items_of)
{
    block *list = model_block_new(b, BLK_LIST, "list", *at, model_tag_new(b->a, tag, TAG_L));
    list->level = b->list_depth;
    block_list items = { NULL, NULL };
    int number = 0;
    xmlNode *n = *at;
    for (; n && (n->type != XML_ELEMENT_NODE || is_entry(n)); n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            model_list_append(&items, items_of(b, n, list->tag, ++number));
    *at = n;
    list->children = items.head;
    return list;
}

/* The heading of a group: its title, else FALLBACK (a bibliography's
 * word), a minor heading; the group's xml:id names it. */
static block *group_heading(builder *b, xmlNode *n, tag_node *tag, const char *fallback)
{
    xmlNode *title = model_title_of(n, "title");
    block *head = title ? model_make_para(b, title, model_plain_runs(b, title, NULL),
                                          "minor-heading", tag, TAG_P)
                  : fallback ? model_make_para(b, n, text_runs(b, n, fallback), "minor-heading",
                                               tag, TAG_P)
                             : NULL;
    if (head) {
        head->id = model_get_ns_attr(b, n, "id", (const char *)XML_XML_NAMESPACE);
        head->title_text = model_runs_plain_text(b, head->inlines);
        model_register_id(b, head, n);
    }
    return head;
}

/* <qandaset>/<qandadiv>, <bibliography>/<bibliodiv>: the heading, then
 * the blocks, divisions and runs of entries in order. */
static block *build_group(builder *b, xmlNode *n, tag_node *tag, int level,
                          const char *fallback, entry_items_fn *items_of)
{
    block_list out = { NULL, NULL };
    model_list_append(&out, group_heading(b, n, tag, fallback));
    for (xmlNode *c = n->children; c;) {
        if (is_entry(c)) {
            model_list_append(&out, group_entries(b, &c, tag, items_of));
            continue;
        }
        if (model_is_db(c, "qandadiv") || model_is_db(c, "bibliodiv"))
            model_list_append(&out, build_group(b, c, tag, level, NULL, items_of));
        else if (c->type == XML_ELEMENT_NODE && !model_is_db(c, "title") && !model_is_db(c, "info")) {
            model_list_append(&out, model_build_block_node(b, c, tag, level));
        }
        c = c->next;
    }
    /* Its xml:id names its first block: a reference to the FAQ or the
     * bibliography was 'no element has' it, and the report was refused. */
    const char *id = model_get_ns_attr(b, n, "id", (const char *)XML_XML_NAMESPACE);
    if (id && out.head)
        model_register_key(b, out.head, id);
    return out.head;
}

/* ---- dispatch ------------------------------------------------------------------- */

block *model_docbook_block(builder *b, xmlNode *n, tag_node *tag, int level, bool *built)
{
    *built = true;
    if (model_is_db(n, "figure") || model_is_db(n, "informalfigure"))
        return build_figure(b, n, tag, level);
    if (model_is_db(n, "inlinemediaobject"))
        return model_build_media(b, n, tag);
    if (model_is_db(n, "example") || model_is_db(n, "informalexample"))
        return build_example(b, n, tag, level);
    if (model_is_db(n, "qandaset") || model_is_db(n, "qandadiv"))
        return build_group(b, n, tag, level, NULL, qanda_entry_items);
    if (model_is_db(n, "bibliography") || model_is_db(n, "bibliodiv"))
        return build_group(b, n, tag, level,
                           model_is_db(n, "bibliography") ? b->st->strings.bibliography_title
                                                          : NULL,
                           biblio_item);
    if (model_is_db(n, "programlisting") || model_is_db(n, "screen") || model_is_db(n, "literallayout"))
        return build_listing(b, n, tag);
    if (model_is_db(n, "blockquote") || model_is_db(n, "sidebar"))
        return build_box(b, n, tag, level);
    for (int i = 0; i < 5; i++)
        if (model_is_db(n, admonition_names[i]))
            return build_box(b, n, tag, level);
    if (model_is_db(n, "variablelist"))
        return build_variablelist(b, n, tag);
    if (model_is_db(n, "bridgehead"))
        return model_make_para(b, n, model_plain_runs(b, n, NULL), "minor-heading", tag, TAG_P);
    *built = false;
    return NULL;
}

/* ---- the report's info: authors, copyright, legal notice ------------------------- */

/* An author's name: the parts of a personname joined by spaces (they are
 * often written without space between them), or the text as written. */
static const char *person_name(builder *b, xmlNode *author)
{
    xmlNode *name = NULL;
    for (xmlNode *c = author->children; c && !name; c = c->next)
        if (model_is_db(c, "personname") || model_is_db(c, "orgname"))
            name = c;
    if (!name)
        return trimmed_text(b, author);
    const char *out = "";
    bool parts = false;
    for (xmlNode *c = name->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            out = arena_printf(b->a, "%s%s%s", out, *out ? " " : "", trimmed_text(b, c));
            parts = true;
        }
    return parts ? out : trimmed_text(b, name);
}

/* An author on the cover: each of its parts (name, affiliation, email,
 * address) a line, and the parts of a part written in parts too: run
 * together they were one word ("MüllerStadtlabor"). A personname is one
 * line, its parts joined as everywhere. */
static void author_lines(builder *b, xmlNode *n, block_list *out)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!model_is_db(c, "personname") && name_in_parts(c)) {
            author_lines(b, c, out);
            continue;
        }
        inline_ctx ic = { 0, -1, NULL, NULL, NULL, NULL, NULL };
        model_build_inline_node(b, c, &ic);
        model_list_append(out, model_make_para(b, c, model_collapse_space(b, ic.head),
                                               "cover-para", b->doc->tag_root, TAG_P));
    }
}

/* The authors (the PDF's Author, a cover line), the copyright line
 * ("© 2024 holder") and the legal notice, for the cover and colophon. */
block *model_docbook_info(builder *b, xmlNode *n, bool *built)
{
    document *d = b->doc;
    *built = true;
    if (model_is_db(n, "author")) {
        /* The name is the metadata; the cover has all it says (address,
         * affiliation). */
        const char *name = person_name(b, n);
        d->authors = d->authors ? arena_printf(b->a, "%s, %s", d->authors, name) : name;
        if (!name_in_parts(n)) /* its text as written */
            return model_make_para(b, n, model_plain_runs(b, n, NULL), "cover-para", d->tag_root,
                                   TAG_P);
        block_list lines = { NULL, NULL };
        author_lines(b, n, &lines);
        return lines.head;
    }
    if (model_is_db(n, "authorgroup")) {
        block_list out = { NULL, NULL };
        for (xmlNode *c = n->children; c; c = c->next)
            if (model_is_db(c, "author")) {
                bool any;
                model_list_append(&out, model_docbook_info(b, c, &any));
            } else if (c->type == XML_ELEMENT_NODE) /* an editor: warned, printed */
                model_list_append(&out, model_make_para(b, c, model_plain_runs(b, c, NULL), "cover-para",
                                            d->tag_root, TAG_P));
        return out.head;
    }
    if (model_is_db(n, "copyright")) {
        const char *line = "\u00a9";
        for (xmlNode *c = n->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE)
                line = arena_printf(b->a, "%s %s", line, trimmed_text(b, c));
        return model_make_para(b, n, text_runs(b, n, line), "cover-para", d->tag_root, TAG_P);
    }
    if (model_is_db(n, "legalnotice")) {
        block *blocks = model_build_block_list(b, n->children, d->tag_root, 9);
        for (block *x = blocks; x; x = x->next)
            if (x->kind == BLK_PARA)
                x->style = style_class_get(b->st, "cover-para");
        return blocks;
    }
    *built = false;
    return NULL;
}
