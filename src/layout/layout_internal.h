/* layout_internal — what the layout stage's files share.
 *
 * Owns nothing: the types of the vertical list (vbox, vlist) and of one
 * layout run (lctx), and the functions the stage's three files call across:
 * layout.c (the vertical list, text, lists, images, cover, contents,
 * layout_document), layout_table.c (CALS tables) and paginate.c (pages,
 * footnotes, running heads). Nothing outside src/layout*.c and
 * src/layout/paginate.c includes it.
 */
#ifndef KCVS_LAYOUT_INTERNAL_H
#define KCVS_LAYOUT_INTERNAL_H

#include "layout.h"
#include "parapool.h"
#include "ptrindex.h"

enum { LAYOUT_MAX_PASSES = 4, LAYOUT_MAX_PAGES = 100000 };

/* A block a vbox also places, beyond its anchor and that anchor's chain:
 * a list, box or group that is a link's target, placed where its first
 * block is. */
typedef struct anchor_more {
    block *b;
    struct anchor_more *next;
} anchor_more;

typedef struct vbox {
    double height, space_before;
    bool keep_with_prev, break_before;
    const style_master *master;   /* of the page a forced break starts */
    const char *workstream;       /* running header from here on */
    page_item *items;             /* relative to the frame's left, box top */
    int count;
    size_t cap;
    para_line *line;              /* a line set in place, not copied */
    double line_x, line_y;
    block *anchor;
    anchor_more *more;
    const char *outline_title;
    int outline_level;
    block **notes;                /* footnotes marked in it (layout arena) */
    int note_count;
    size_t note_cap;
    int header_first, header_count; /* table header rows to repeat */
    double first_baseline;
    bool on_grid;                 /* its top snaps to the baseline grid */
} vbox;

typedef struct vlist {
    vbox **v;
    int count;
    size_t cap;
} vlist;

typedef struct lctx {
    arena *a;        /* the document's: pages, tags, outline */
    arena *tmp;      /* the layout's own: vboxes and lines, freed at its end */
    document *doc;
    const style *st;
    diag_list *diags;
    para_ctx pc;
    vlist *vl;
    double pending_space;
    bool keep_next;
    bool break_next;
    const style_master *break_master;
    const char *workstream;
    double measure;
    double frame_height;
    vlist *notes;            /* laid-out footnotes, by number - 1 */
    int toc_link_base;
    doc_link *links;         /* the document's links and the contents' */
    int link_count;
    para_anchors anchors;    /* where the latest pass placed each anchor */
    ptrindex targets;        /* the blocks links and xrefs point at */
    int anchor_changes;
    const block *first_change; /* the first anchor whose page moved */
    layout_result *res;
    bool in_list;
    const style_class *list_class; /* the innermost list's items' class */
    bool list_capped;        /* inside a list that nesting stopped indenting */
    bool print;
    bool require_alt;
    double image_share;      /* the most of the frame's height an image takes */
    void (*progress)(int pages);
    parapool *pool;             /* paragraphs set ahead on other threads, or NULL */
    int parts_queued;        /* parts of the body predicted for it so far */
} lctx;

/* layout.c: the vertical list */
void layout_anchor_target(lctx *c, block *b, int first);
vbox *layout_vbox_new(lctx *c);
page_item *layout_item_append(arena *a, page_item **items, int *count, size_t *cap,
                       item_kind kind);
page_item *layout_vbox_item(lctx *c, vbox *v, item_kind kind);
void layout_vbox_add_line(lctx *c, vbox *v, para_line *ln, double x0, double baseline);
void layout_vbox_own_line(lctx *c, vbox *v);
page_item *layout_vbox_rect(lctx *c, vbox *v, double x, double y, double w, double h,
                     int fill);
void layout_check_unsplit(lctx *c, src_loc loc, double height, const char *what,
                          const char *advice);
void layout_vbox_rule(lctx *c, vbox *v, double x, double y, double w, double width,
               int colour);
void layout_space_before(lctx *c, double space);
double layout_line_baseline(const para_result *pr, double leading);
double layout_line_extra(const para_line *ln, double baseline);
double layout_lines_height(const para_result *pr, double leading);
para_line *layout_single_line(lctx *c, const char *text, const style_class *cls,
                       tag_node *tag);
void layout_notes_of(lctx *c, const inline_run *runs);
bool layout_figure_size(lctx *c, const block *bl, double avail, double *width, double *height);
page_item *layout_figure_item(lctx *c, vbox *v, const block *bl, double x, double y, double w,
                       double h);

/* layout_table.c */
void layout_table(lctx *c, block *bl, double indent);

/* layout_chart.c */
void layout_chart(lctx *c, block *bl, double indent);

/* paginate.c */
page *layout_new_page(lctx *c, const style_master *m);
void layout_outline_add(lctx *c, layout_result *r, outline_entry entry);
void layout_paginate(lctx *c, const vlist *vl, const style_master *first,
              const style_master *cont);
void layout_running_heads(lctx *c);
void layout_check_pages(lctx *c);
double layout_frame_height(const style_master *m);

#endif
