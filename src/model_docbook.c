/* model_docbook — DocBook as people write it (FORMAT.md, the section of
 * that name): figures with their captions and images written inside a
 * paragraph (<inlinemediaobject>, how pandoc writes every Word image).
 *
 * Owns nothing beyond the blocks it adds to the document model; called by
 * model.c's block dispatch and its paragraph builder.
 */
#include "model_internal.h"

#include <string.h>

/* Contract elements built here: they are in the subset, never warned. */
static const char *const docbook_names[] = {
    "figure", "informalfigure", "inlinemediaobject", NULL };

bool model_docbook_knows(xmlNode *n)
{
    for (int i = 0; docbook_names[i]; i++)
        if (model_is_db(n, docbook_names[i]))
            return true;
    return false;
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
                     const char *cls, tag_node *tag, const char **plain)
{
    inline_run *runs = model_plain_runs(b, title, NULL);
    *plain = model_runs_plain_text(b, runs);
    inline_run *head = arena_alloc(b->a, sizeof *head);
    *head = (inline_run){ INL_TEXT, arena_printf(b->a, "%s %d: ", prefix, number),
                          0, -1, NULL, NULL, NULL, NULL, model_node_loc(b, title), runs };
    return model_make_para(b, title, head, cls, tag, TAG_CAPTION);
}

/* "Figuur 3: title" as a Caption under the figure's tag; the number
 * counts every numbered figure of the document (charts too). */
static block *figure_caption(builder *b, xmlNode *title, block *fig)
{
    fig->number = ++b->doc->figure_count;
    return model_caption(b, title, b->st->strings.figure_prefix, fig->number, "caption",
                         fig->tag, &fig->title_text);
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

block *model_docbook_block(builder *b, xmlNode *n, tag_node *tag, int level)
{
    if (model_is_db(n, "figure") || model_is_db(n, "informalfigure"))
        return build_figure(b, n, tag, level);
    if (model_is_db(n, "inlinemediaobject"))
        return model_build_media(b, n, tag);
    return NULL;
}

/* ---- images inside a paragraph ---------------------------------------------- */

/* An image written inside inline markup of a paragraph (<emphasis> around
 * an <inlinemediaobject>) is built now and set as its own block right after
 * the inline element that holds it; build_para flushes it. Outside a
 * paragraph (a title), there is no line it could stand after: its text
 * alternative is set and a warning says so. */
bool model_docbook_hold_media(builder *b, xmlNode *n)
{
    if (b->held_tag) {
        model_list_append(&b->held, model_build_media(b, n, b->held_tag));
        return true;
    }
    diag_add(b->diags, DIAG_WARNING, model_node_loc(b, n),
             "an image in <%s> cannot be set there: its alternative text is printed "
             "instead (move the image into a paragraph)",
             n->parent ? (const char *)n->parent->name : "");
    return false;
}
