/* para — one paragraph from inline runs to lines (the shape and break
 * stages for running text).
 *
 * Owns: turning a paragraph's runs into the Knuth–Plass item list (shaped
 * words as boxes, spaces as glue, hyphenation points and URL break points
 * as penalties), calling the line breaker, and setting each line: glyph runs
 * at the positions shaping and justification gave, link areas over exactly
 * the linked text. Lines are allocated in the compilation's arena.
 * Failure: a line that cannot fit even after emergency breaking inside words
 * is a warning with the paragraph's file:line; nothing is ever drawn past
 * the measure.
 */
#ifndef KCVS_PARA_H
#define KCVS_PARA_H

#include "diag.h"
#include "font.h"
#include "linebreak.h"
#include "model.h"
#include "page.h"
#include "ptrindex.h"
#include "style.h"

typedef struct hyph_dict hyph_dict;

typedef struct para_stats {
    long paragraphs, lines, hyphenated_lines, underfull_lines, overfull_lines, words;
    long ahead;                /* of the paragraphs, set on other threads */
    double shape_ms, break_ms; /* the main thread's time in the shape and
                                  break stages */
} para_stats;

/* Where the blocks that cross-references, links and the contents point
 * at were placed by the latest pagination pass: the layout fills it
 * (Typst's introspector), the next pass reads it; the model is not written.
 * Block pointers are keys only. */
typedef struct para_anchors {
    ptrindex index;      /* block -> position in at */
    page_dest *at;
    int count;
    size_t cap;
} para_anchors;

/* Where b was placed; page 0 before the first pass placed it. */
page_dest para_anchor_get(const para_anchors *an, const block *b);
void para_anchor_set(para_anchors *an, const block *b, page_dest at);
void para_anchors_free(para_anchors *an);

/* A font_mark_used call a worker's context recorded instead of making. */
typedef struct para_mark {
    font_face *face;
    const shaped_glyph *glyphs;
    int count;
    const char *text;
    size_t len;
} para_mark;

typedef struct para_ctx {
    arena *a;      /* the document's: text that pages point at */
    arena *tmp;    /* the layout's: lines and their items, freed after it */
    font_set *fonts;
    const style *st;
    diag_list *diags;
    const char *doc_lang;
    const para_anchors *anchors; /* the layout's, for xref page numbers */
    struct para_hyph { const char *lang; hyph_dict *dict; } *hyph; /* per language tag */
    int hyph_count;
    size_t hyph_cap;
    para_stats stats;
    struct para_missing *missing; /* characters no font has, in order of
                                     first use (malloc'ed) */
    size_t missing_count, missing_cap;
    page_item *scratch_items;   /* the line being set (para.c) */
    double *scratch_ink;
    size_t scratch_items_cap, scratch_ink_cap;
    placed_glyph *scratch_glyphs;
    size_t scratch_glyphs_cap, scratch_glyph_count;
    struct seg *scratch_segs;    /* the paragraph being set */
    size_t scratch_segs_cap;
    char *scratch_word;          /* the word being broken */
    size_t scratch_word_cap;
    struct piece *scratch_pieces; /* the word being gathered */
    size_t scratch_pieces_cap;
    lb_item *scratch_lb_items;        /* the paragraph's items and their */
    struct payload *scratch_payloads; /* text, one capacity for both */
    size_t scratch_lb_cap;
    lb_kept breaker;                  /* the line breaker's nodes */
    /* The size of an image set in a line (INL_IMAGE), by the layout's
     * rules: em is the text's size, measure the line's; false (reported)
     * when it cannot be drawn. NULL: images in lines are left out. */
    bool (*image_size)(void *ctx, const block *figure, double em, double measure,
                       double *w, double *h);
    void *image_ctx;
    /* A worker thread's context (parapool.c): faces and hyphenation
     * dictionaries are only looked up, never loaded (the main thread loads
     * them, in document order), and a miss sets bailed; the glyphs drawn
     * go to marks, for the main thread to mark in document order. */
    bool worker, bailed;
    void *hyph_mu;    /* main's: a pthread_mutex_t held while hyph grows
                         (the workers copy it), or NULL */
    para_mark *marks; /* malloc'ed */
    size_t mark_count, mark_cap;
} para_ctx;

typedef struct para_line {
    page_item *items;  /* x relative to the line start, y to the baseline */
    int count;
    double width;      /* the width of the set material */
    double image_height; /* of the tallest image in the line, above its
                            baseline (0: none): the line grows to hold it */
    bool hyphenated;
    block **notes;     /* footnotes whose reference mark is on this line
                          (in the layout's arena) */
    int note_count;
    size_t note_cap;
} para_line;

typedef struct para_result {
    para_line *lines;
    int count;
    double ascent;     /* of the paragraph's main face at its size */
    double descent;
    double leading;
} para_result;

/* A character no font has: how often it was left out, and where first. */
typedef struct para_missing {
    uint32_t cp;
    long count;
    src_loc first;
} para_missing;

/* What a layout pass has counted so far (statistics and missing
 * characters), to take back when the pass is run again. */
typedef struct para_tally {
    para_stats stats;
    long *counts;     /* malloc'ed copy of the missing characters' counts */
    size_t missing_count;
} para_tally;

/* Saves the counts. */
void para_tally_save(const para_ctx *c, para_tally *t);
/* Back to the saved counts (characters first seen since are forgotten);
   frees the copy. */
void para_tally_restore(para_ctx *c, para_tally *t);
void para_tally_drop(para_tally *t);
/* s's counts added to to's sign times (the times are left: they were
   spent when they were). */
void para_stats_add(para_stats *to, const para_stats *s, long sign);
/* Adds m's count to the character's (or notes it, first seen at m->first). */
void para_missing_add(para_ctx *c, const para_missing *m);
/* One warning per missing character, with its count and first place. */
void para_report_missing(para_ctx *c);

void para_ctx_init(para_ctx *c, arena *a, arena *tmp, font_set *fonts, const style *st,
                   diag_list *diags, const char *doc_lang);
void para_ctx_free(para_ctx *c);

/* Sets runs in class cls to lines of the given measure. Lines and their
 * items and the glyph arrays they point at live in c->tmp (a page copies
 * what it places); the text of a hyphenated word in c->a. tag is the
 * structure element the text belongs to (links carry their own). */
para_result para_typeset(para_ctx *c, const inline_run *runs,
                         const style_class *cls, tag_node *tag, double measure,
                         const char *lang, src_loc loc);

/* Appends a footnote to a growing array in arena a (any number: a line or
 * a vbox may carry many). */
void para_notes_push(arena *a, block ***notes, int *count, size_t *cap, block *note);

/* The class a table cell's paragraph is set in: base aligned as the cell
 * asks (CELL_*), a justified one set ragged (a copy in a). */
const style_class *para_cell_class(arena *a, const style_class *base, int align);

/* Width of a single-line text in a class (for labels, folios, numbers). */
double para_text_width(para_ctx *c, const char *text, const style_class *cls);

/* The face a class and inline flags select. */
font_face *para_face(para_ctx *c, const style_class *cls, int flags);

#endif
