/* page — the laid-out pages: what the paginate stage hands to emit.
 *
 * Owns each page's items and glyphs (malloc'ed, released page by page
 * with layout_page_release or all at once with layout_result_free; the
 * rest is in the compilation's arena): each page is
 * a flat list of positioned things — glyph runs, rectangles, rules, images,
 * link areas — each knowing the structure element it belongs to or that it
 * is an artifact (running headers, folios, decoration). Coordinates are
 * points from the page's top-left corner; emit flips them for PDF.
 * Self-contained: emit reads this and the base types (tag.h, link.h,
 * image.h), never the document model.
 */
#ifndef KCVS_PAGE_H
#define KCVS_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "font.h"
#include "image.h"
#include "link.h"
#include "style.h"
#include "tag.h"

typedef struct placed_glyph {
    uint32_t gid;
    float advance; /* points actually moved after the glyph (kerning, glue) */
} placed_glyph;

typedef struct glyph_run {
    font_face *face;
    placed_glyph *glyphs;
    float size;
    int count;
    int colour;            /* style colour index */
    const char *actual;    /* NULL, or the text the run stands for: a word
                              hyphenated by line breaking is its first
                              part's text, "" for the rest of it */
    float hscale;          /* horizontal scale of the glyphs (font
                              expansion); 0 or 1: none. The advances are
                              the pen's real moves, scale included */
} glyph_run;

typedef enum { ITEM_TEXT, ITEM_RECT, ITEM_RULE, ITEM_IMAGE, ITEM_LINK } item_kind;

/* Kept small (single precision is ample for positions on a page): a long
 * report holds hundreds of thousands of these. */
typedef struct page_item {
    union {
        glyph_run run;             /* ITEM_TEXT */
        const image_model *image;  /* ITEM_IMAGE */
    };
    tag_node *tag;
    float x, y;        /* text: baseline start; others: top-left */
    float w, h;        /* rule: end offset (x + w, y + h) */
    float line_width, radius;
    int link;          /* ITEM_LINK: index into document links */
    int16_t fill, stroke;  /* colour indices, -1 none */
    uint8_t kind;      /* item_kind */
    bool artifact;
} page_item;

/* The glyphs of a page's runs, copied there when a line is placed (a
 * table header repeated on every page has its own copy on each). */
typedef struct page_glyphs {
    struct page_glyphs *next;
    placed_glyph glyphs[];
} page_glyphs;

typedef struct page {
    page_item *items;  /* malloc'ed, like glyphs: layout_page_release */
    int count;
    size_t cap;
    page_glyphs *glyphs;
    const style_master *master;
    int number;        /* 1-based physical page number */
    const char *workstream;
} page;

typedef struct outline_entry {
    const char *title;
    int level;         /* 1 = workstream */
    int page;          /* 1-based */
    double y;
} outline_entry;

/* Where something was placed: a 1-based page (0: not placed) and the top
 * there, in points from the page's top. */
typedef struct page_dest {
    int page;
    double y;
} page_dest;

/* What emit writes of the document besides its pages (Info, XMP, /Lang,
 * the structure tree): copied by layout from the model, so that emit reads
 * only the laid-out result. Strings may be NULL. */
typedef struct page_doc_info {
    const char *title, *subtitle, *organisation, *authors, *abstract_text,
        *keywords, *lang;
    tag_node *tag_root;    /* read only: emit numbers its elements apart */
} page_doc_info;

typedef struct layout_result {
    page *pages;
    int page_count;
    size_t page_cap;
    outline_entry *outline;
    int outline_count;
    size_t outline_cap;
    const doc_link *links; /* what ITEM_LINK.link indexes: the document's
                              links, then one per contents entry (the
                              layout's copy; the model's stay as built) */
    int link_count;
    page_dest *link_dests; /* by link index (the document's links, then the
                              contents' links): where an internal link
                              goes; page 0 for a URI or a missing target */
    int first_number;  /* the number of pages[0] minus one (parts of a
                          document are laid out separately) */
    page_doc_info info;
} layout_result;

page_item *layout_page_add_item(page *p, item_kind kind);
/* Frees a page's items and glyphs (its master and number stay): once it
 * is drawn, a long document need not hold it any longer. */
void layout_page_release(page *p);
/* Releases every page of r (r itself is in the compilation's arena). */
void layout_result_free(layout_result *r);

#endif
