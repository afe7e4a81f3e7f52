/* model — the document model, built once from the XML tree (the build stage).
 *
 * Owns: blocks (headings, paragraphs, lists, tables, figures, calls to
 * action, footnotes) and inline runs (text with a resolved style, links,
 * cross-references), each with its source location and the structure
 * element it will be tagged as. Everything lives in the compilation's arena.
 * After model_build nothing looks at XML again.
 * Failure: unsupported elements degrade to paragraphs with one warning per
 * element kind; unsafe links, missing images, budget mismatches, dangling
 * references are errors in the diagnostics list.
 */
#ifndef KCVS_MODEL_H
#define KCVS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "load.h"
#include "style.h"
#include "image.h"
#include "link.h"
#include "tag.h"

/* The longest text that becomes one PDF string (a link address once
 * percent-encoded, alternative text, an expansion), in the PDF's bytes:
 * PDF/A-2's limit (libharu's is 65,535). */
#define MODEL_MAX_PDF_STRING 32767

typedef enum {
    INL_TEXT,      /* text in a style */
    INL_XREF,      /* generated: target's title and page */
    INL_NOTEREF,   /* a footnote's reference mark */
    INL_IMAGE,     /* an image in the line (<inlinemediaobject> among a
                      paragraph's words): target is its BLK_FIGURE block
                      (the image and its Figure tag), text is "" */
} inline_kind;

/* INL_MONO: the style's "literal" font, never hyphenated; INL_SUP/INL_SUB:
 * raised/lowered smaller text (the typography's script-* parameters). */
enum { INL_ITALIC = 1, INL_BOLD = 2, INL_MONO = 4, INL_SUP = 8, INL_SUB = 16 };

typedef struct inline_run {
    inline_kind kind;
    const char *text;      /* UTF-8, white space collapsed */
    int flags;             /* INL_ITALIC | INL_BOLD */
    int link;              /* index into doc->links, -1 none */
    tag_node *tag;         /* the Link / Reference element it belongs to */
    const char *lang;      /* xml:lang of the run, NULL = the block's */
    struct block *target;  /* xref / internal link target; INL_IMAGE: the
                              figure it shows */
    struct block *note;    /* footnote body for INL_NOTEREF */
    src_loc loc;
    struct inline_run *next;
    const char *xref_label; /* xref: the target's xreflabel, NULL none */
    int xref_parts;        /* xref: XREF_* its xrefstyle selects, 0 the
                              default (title and page) */
} inline_run;

/* What an xref prints, as DocBook's xrefstyle="select: …" names it. */
enum { XREF_LABEL = 1, XREF_TITLE = 2, XREF_QUOTED_TITLE = 4, XREF_PAGE = 8 };

typedef enum {
    BLK_PARA, BLK_HEADING, BLK_LIST, BLK_ITEM, BLK_TABLE, BLK_FIGURE,
    BLK_SECTION, BLK_FOOTNOTE, BLK_CHART,
    BLK_CODE,   /* programlisting, screen, literallayout: children are its
                   lines (paragraphs set as written) */
    BLK_BOX     /* blockquote, note and the like: children set apart with
                   the indents of its style class */
} block_kind;

typedef enum { CELL_LEFT, CELL_RIGHT, CELL_CENTER, CELL_CHAR } cell_align;

typedef struct table_cell {
    struct block *content;  /* paragraphs */
    int col_start, col_end; /* inclusive, 0-based */
    cell_align align;
    bool is_amount;
    int64_t cents;
    bool has_amount;
    tag_node *tag;
    src_loc loc;
} table_cell;

typedef enum { ROW_HEAD, ROW_BODY, ROW_FOOT } row_part;
typedef enum { ROWKIND_NORMAL, ROWKIND_SUBTOTAL, ROWKIND_TOTAL } row_kind;

typedef struct table_row {
    table_cell *cells;
    int cell_count;
    row_part part;
    row_kind kind;
    tag_node *tag;
    src_loc loc;
} table_row;

typedef struct table_model {
    int cols;
    double *col_fixed;  /* points, 0 when proportional */
    double *col_star;   /* proportional weight */
    cell_align *col_align;
    bool *col_amount;
    const char **col_names;
    table_row *rows;
    int row_count;
    size_t row_cap;
    int *busy;          /* per column: rows still covered by a morerows cell */
    src_loc *busy_from; /* per column: the entry whose morerows covers it */
    bool budget;
    bool informal;
} table_model;

/* A chart drawn from a budget table's verified amounts (table role
 * "chart-bar" or "chart-share"): the same cents the table prints. */
typedef enum { CHART_BAR, CHART_SHARE } chart_kind;

typedef struct chart_row {
    const char *label;     /* the row's first text cell */
    const int64_t *cents;  /* one per series; present[k] says which exist */
    const bool *present;
    const char **values;   /* per series: "250.000,00 (84 %)" */
    bool subtotal;
} chart_row;

typedef struct chart_model {
    chart_kind kind;
    int series_count;      /* amount columns */
    const char **series;   /* their headings */
    chart_row *rows;       /* amount rows and subtotals, in source order */
    int row_count;
    int64_t *totals;       /* per series: the sum of the amount rows */
    const char *caption;   /* "Figuur 1: Budget 2023" */
    tag_node *caption_tag;
} chart_model;

typedef struct block {
    block_kind kind;
    const style_class *style;
    src_loc loc;
    const char *id;            /* xml:id */
    const char *lang;          /* xml:lang where it differs */
    inline_run *inlines;       /* paragraphs, headings, captions */
    struct block *children;    /* lists, items, sections, footnote bodies;
                                  a figure's caption (and, without a
                                  single image, its blocks) */
    struct block *next;
    int level;                 /* heading level 1..6; list nesting depth */
    bool ordered;              /* list */
    const char *label;         /* list item label */
    const char *title_text;    /* plain title (sections, tables) for the
                                  outline, the TOC and xrefs */
    int number;                /* workstream, table or footnote number */
    const char *number_text;   /* its number as an xref prints it ("Tabel
                                  2"), NULL when it has none */
    table_model *table;
    image_model *image;
    chart_model *chart;
    tag_node *tag;
    bool is_cta;
    struct block *anchor_of;   /* a section or note whose place is this
                                  block's (its heading, its first paragraph) */
    tag_node *link_tag;        /* a figure that is a link's content (an
                                  image in <link>): the Link, else NULL */
} block;

typedef struct workstream {
    block *section;            /* BLK_SECTION holding the content */
    const char *title;
    const char *subtitle;
    int number;
} workstream;

/* A publication date as far as it is known (<pubdate>2027</pubdate> is a
 * year only). */
typedef enum { MODEL_DATE_NONE, MODEL_DATE_YEAR, MODEL_DATE_MONTH, MODEL_DATE_DAY } model_date_precision;
typedef struct model_date {
    int year, month, day;
    model_date_precision precision;
} model_date;

typedef struct document {
    /* pubdate: as printed (in the report's language when it was read) */
    const char *title, *subtitle, *organisation, *pubdate, *abstract_text,
        *keywords, *lang, *source_file;
    model_date date;           /* the pubdate read; precision NONE when
                                  there is none or it cannot be read */
    block *cover;              /* cover paragraphs and images */
    block *front;              /* content before the first workstream */
    workstream *workstreams;
    int workstream_count;
    doc_link *links;
    int link_count;
    block **footnotes;
    int footnote_count;
    tag_node *tag_root;
    const char *authors;       /* <author>s of the info, ", "-separated */
    int table_count;
    int figure_count;
    /* No element outside the subset was met: the schema's messages are
     * for this document (for others the build's own warnings say what
     * degrades). */
    bool inside_subset;
} document;

document *model_build(arena *a, const load_result *src, const style *st,
                      diag_list *diags);

/* Tag-tree helpers shared by the build and layout stages. */
/* Whether the compiler sets element n (a DocBook element of the contract it
 * knows) rather than warning and typesetting its text: --import unwraps
 * what it does not know. */
bool model_in_subset(xmlNode *n);
/* The name of the i-th element model_in_subset accepts (the FORMAT.md
 * subset, then the contract's DocBook as people write it); NULL past the
 * last. The one list: --list-elements prints it for the tests. */
const char *model_element_name(size_t i);
tag_node *model_tag_new(arena *a, tag_node *parent, tag_role role);

#endif
