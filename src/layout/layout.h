/* layout — the paginate stage: the document model to laid-out pages.
 *
 * Owns: the vertical list of a document (lines, boxes, table rows, images
 * with their keep and break rules), its division into pages from the page
 * masters (cover, contents, workstream opener, continuation), footnotes at
 * the foot of their page, table headers repeated after a page break,
 * running headers and folios, the table of contents, and the outline.
 * Page numbers of cross-references are resolved by laying out again until
 * they are stable. Everything is allocated in the compilation's arena.
 * Failure: problems (a table too wide, an unreadable image) are
 * diagnostics; layout still returns pages so that every error is found.
 */
#ifndef KCVS_LAYOUT_H
#define KCVS_LAYOUT_H

#include "para.h"

typedef struct layout_stats {
    para_stats para;
    int passes;
    double layout_ms;
} layout_stats;

typedef struct layout_options {
    bool print;       /* printer's slug line, warnings about RGB images */
    bool require_alt; /* an image without alternative text is an error */
    void (*progress)(int pages); /* called as pages are laid out, or NULL */
    int threads;      /* paragraphs set on this many threads (0, 1: none
                         other than the caller's; same output for any) */
    bool wait_ahead;  /* for tests: wait for what the other threads set
                         ahead (parapool.h) */
} layout_options;

/* CALS column widths: absolute colwidths as given, proportional ones (2*)
 * share what is left of avail by weight. False when the absolute widths
 * alone exceed avail (widths are then shared equally). */
bool layout_column_widths(const table_model *t, double avail, double *widths,
                          double *fixed_total);

layout_result *layout_document(arena *a, document *doc, const style *st,
                               font_set *fonts, const layout_options *opt,
                               diag_list *diags, layout_stats *stats);

#endif
