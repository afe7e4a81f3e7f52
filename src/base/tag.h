/* tag — the structure elements of the tagged PDF: a base type that the
 * build stage creates, layout adds to (the contents) and emit writes.
 *
 * Owns nothing: the nodes live in the compilation's arena. Kept apart from
 * model.h so that emit, which writes the tree, needs no document model
 * (and no libxml2).
 */
#ifndef KCVS_TAG_H
#define KCVS_TAG_H

/* Tagged-PDF roles of the structure tree. */
typedef enum {
    TAG_DOCUMENT, TAG_SECT, TAG_H1, TAG_H2, TAG_H3, TAG_H4, TAG_H5, TAG_H6,
    TAG_P, TAG_L, TAG_LI, TAG_LBL, TAG_LBODY, TAG_TABLE, TAG_THEAD, TAG_TBODY,
    TAG_TFOOT, TAG_TR, TAG_TH, TAG_TD, TAG_FIGURE, TAG_CAPTION, TAG_LINK,
    TAG_NOTE, TAG_REFERENCE, TAG_TOC, TAG_TOCI, TAG_SPAN, TAG_NONSTRUCT, TAG_CODE, TAG_BLOCKQUOTE, TAG_QUOTE, TAG_DIV,
    TAG_COUNT
} tag_role;

typedef struct tag_node {
    tag_role role;
    struct tag_node *parent, *first, *last, *next;
    const char *alt;     /* Figure: alternative text */
    const char *lang;    /* when it differs from the document's */
    const char *expansion; /* abbreviation: its expanded form (/E) */
    int scope_column;    /* TH: 1 column, 2 row */
    int col_span;        /* TH/TD: columns spanned (> 1 when spanning) */
    int row_span;        /* TH/TD: rows spanned (> 1 with morerows) */
    int link_index;      /* Link: index into the links, else -1 */
    struct tag_node *note; /* a footnote mark's Reference: its Note */
} tag_node;

/* The PDF name of a role ("H1", "TOCI"); defined with the model. */
const char *model_tag_role_name(tag_role role);

#endif
