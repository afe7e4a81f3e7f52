/* linebreak — choosing where a paragraph's lines end.
 *
 * Owns: the choice of breakpoints for one paragraph, made by Knuth and
 * Plass's total-fit algorithm ("Breaking Paragraphs into Lines", 1981; TeX
 * §813–890) over a list of boxes, glue and penalties, and the array of lines
 * it returns. It does not own the items (it only reads them) and it does not
 * build, hyphenate or set lines: the caller does that from the result.
 * Failure: lb_break and lb_greedy_break return -1 on invalid input (no
 * items, a list that does not end in a forced break, NULL or empty line
 * widths, NaN or infinite measurements); *out is then empty and safe to pass to lb_result_free. A paragraph that cannot be
 * set well is not an error: the last pass always produces lines, and a line
 * that could not be made to fit is returned flagged `overfull` so the caller
 * can warn and repair. Memory is the mem module's (running out ends the
 * run).
 * Reentrant: no global state; concurrent calls on different results are safe.
 *
 * The item list contract (the caller builds it, as TeX does):
 *   - a word (or word fragment between hyphenation points) is a box; its
 *     stretch and shrink, 0 unless the caller expands fonts (pdfTeX's
 *     \pdfadjustspacing), count in its line's totals like glue's;
 *   - interword space is glue; breaking at a glue is allowed only when the
 *     item before it is a box, and the glue itself is then dropped;
 *   - a hyphenation point is a flagged penalty whose width is the hyphen's
 *     width and whose penalty is the hyphen penalty (TeX: 50); the width
 *     counts only when the line breaks there;
 *   - an explicit break opportunity (after "/", ".", "-", ...) is an
 *     unflagged penalty, usually of width 0;
 *   - a penalty >= LB_INFINITY forbids a break there (put one before a glue
 *     to tie two words); a penalty <= -LB_INFINITY forces one;
 *   - the paragraph ends with
 *         [penalty +LB_INFINITY] [glue 0 stretch_fil 1] [penalty -LB_INFINITY]
 *     so the last line is filled with infinite-order stretch. The list must
 *     end with a forced penalty; a forced penalty in the middle ends a line
 *     there (precede it with the same penalty+fil glue pair for a "newline");
 *   - ragged-right text uses [glue 0 +S] [penalty 0] [glue w -S] between
 *     words: a line broken at the penalty keeps the +S stretch, and the next
 *     line drops the compensating glue.
 * After a break, the glue and (unforced) penalties that follow it up to the
 * next box or forced penalty are discarded, as TeX does: they are not counted
 * in the next line's totals, and the caller must skip them when setting the
 * line (lb_line.content_start says where the line's material begins). The
 * first line keeps everything from item 0 on.
 */
#ifndef KCVS_LINEBREAK_H
#define KCVS_LINEBREAK_H

#include <stddef.h>

typedef enum { LB_BOX, LB_GLUE, LB_PENALTY } lb_kind;

#define LB_INFINITY 10000.0

typedef struct lb_item {
    lb_kind kind;
    double width;       /* points; for a penalty: the width added if the line
                           breaks here (a hyphen) */
    double stretch;     /* glue; a box: its font expansion (else 0) */
    double shrink;      /* glue; a box: its font expansion (else 0) */
    double stretch_fil; /* glue only: infinite-order stretch (last line
                           fill); 0 normally */
    double penalty;     /* penalty only; >= LB_INFINITY forbids,
                           <= -LB_INFINITY forces */
    int flagged;        /* penalty only: a hyphenation break */
    /* Margin protrusion (pdfTeX's): a glue or penalty: how far a line
       ending here may reach past its measure (a final period or hyphen
       hanging into the margin); a box: how far a line starting with it
       may begin before the measure (an opening quote). 0: none. */
    double protrude;
} lb_item;

typedef struct lb_params {
    /* Line i (0-based) has width line_widths[i]; lines beyond the array use
       the last width. line_width_count >= 1. Not copied: must outlive the
       call only. */
    const double *line_widths;
    size_t line_width_count;
    double pretolerance;           /* < 0 skips the first pass; TeX: 100 */
    double tolerance;              /* TeX: 200 */
    double line_penalty;           /* 10 */
    double hyphen_penalty_default; /* unused by the breaker; informational */
    double adjacent_demerits;      /* 10000 (adjdemerits) */
    double double_hyphen_demerits; /* 10000 */
    double final_hyphen_demerits;  /* 5000 */
    double emergency_stretch;      /* points; 0 = no emergency pass */
    /* The most lines in a row that may end at a flagged penalty (a
       hyphen), 0..LB_MAX_HYPHEN_RUN; < 0: no limit. A hard constraint in
       every pass: only the last resort's rescue of an overfull line (which
       breaks the measure too) may exceed it. */
    int max_hyphen_run;
} lb_params;

#define LB_MAX_HYPHEN_RUN 8

/* TeX's plain values above, hyphen_penalty_default 50, no emergency
   stretch, no limit on hyphenated lines in a row; the widths array is referenced, not copied. */
void lb_params_default(lb_params *p, const double *widths, size_t n);

/* Fitness classes, as TeX numbers them. */
typedef enum {
    LB_VERY_LOOSE = 0, /* badness > 99 while stretching */
    LB_LOOSE = 1,      /* badness 13..99 while stretching */
    LB_DECENT = 2,     /* badness <= 12 */
    LB_TIGHT = 3,      /* badness > 12 while shrinking (and overfull) */
} lb_fitness;

typedef struct lb_line {
    /* Index just after the previous break item (0 for the first line). The
       breaker does not skip anything here: items from start up to
       content_start are the discarded glue and penalties that follow a
       break, and the caller skips them, as TeX does. */
    size_t start;
    /* Index of the first item the line's totals count: the first box (or
       forced penalty) at or after start; equal to start on the first
       line. */
    size_t content_start;
    /* Index of the break item (a glue or penalty) that ends the line; the
       last line ends at the forced final penalty. A glue break item is not
       part of the line; a penalty break item contributes its width. */
    size_t end;
    /* Adjustment ratio against the real stretch and shrink of the line (an
       emergency pass's extra stretch only steers the choice of breaks, as in
       TeX): > 0 the fraction of stretch used, < 0 of shrink; 0 when the line
       has fil stretch and is short. LB_INFINITY when a short line has no
       stretch at all; -LB_INFINITY when an overfull line has no shrink.
       Callers setting glue clamp it to >= -1 (glue cannot shrink further). */
    double ratio;
    /* Totals of the line from content_start up to (not including) end, plus
       the width of the penalty if it ends at one. */
    double natural, stretch, shrink;
    double stretch_fil; /* total infinite-order stretch (fil) of the line */
    double width;       /* the measure the line was broken for */
    double badness;     /* 0..LB_INFINITY of the line as set (real stretch);
                           LB_INFINITY for an overfull line */
    int overfull;       /* the line could not be made to fit (ratio < -1) */
    int hyphenated;     /* ends at a flagged penalty */
    int fitness;        /* lb_fitness: 0 very loose .. 3 tight, as the
                           breaker judged it (with emergency stretch in
                           passes 3 and 4, so it may disagree with ratio) */
} lb_line;

typedef struct lb_result {
    lb_line *lines; /* malloc'ed; free with lb_result_free */
    size_t count;
    double demerits; /* total; a last-resort overfull line counts with
                        badness LB_INFINITY */
    /* 1, 2, 3 (emergency) or 4 (last resort); 0 from lb_greedy_break. */
    int pass;
} lb_result;

/* Knuth–Plass total fit. Tries, in order, until one finds a solution:
 *   1. if pretolerance >= 0: tolerance = pretolerance, flagged (hyphenation)
 *      penalties are not breakpoints;
 *   2. tolerance = tolerance, hyphenation allowed;
 *   3. if emergency_stretch > 0: as 2, with emergency_stretch added to every
 *      line's stretch when computing badness;
 *   4. last resort, always succeeds: any line that is not overfull is
 *      acceptable (an underfull line stays inside the measure, an overfull
 *      one spills into the margin), emergency stretch still applies, and when
 *      a breakpoint would leave no active node, the deactivated node whose
 *      line overflows least (latest position, then fewest demerits) is kept
 *      and an overfull line is produced, as in TeX's final pass.
 * Demerits of a line: (line_penalty + badness)^2, plus penalty^2 for a
 * positive penalty, minus penalty^2 for a negative unforced one, plus
 * double_hyphen_demerits when it and the previous line both end flagged,
 * plus final_hyphen_demerits on the last line of a paragraph whose
 * second-to-last line ends flagged, plus adjacent_demerits when its fitness
 * class differs by more than one from the previous line's (the paragraph
 * starts "decent"). Badness is 100 r^3 capped at LB_INFINITY.
 * With max_hyphen_run >= 0, a node also carries the number of hyphenated
 * lines in a row that end at it; nodes that differ in it are distinct (as
 * nodes of different fitness are), and a line that would make the run
 * longer than the limit is never offered, so the best solution within the
 * limit is found, not a repaired one.
 * Empty lines (no box between two breaks) are only produced at forced
 * breaks. Widths may be negative (kerns, ragged-right compensation), but as
 * in TeX a line that is overfull at one breakpoint is assumed to stay
 * overfull at every later one: that is what keeps the active list short.
 * Cost: linear in n times the number of breakpoints that fit on a line.
 * Returns 0 on success, -1 on invalid input or allocation failure. */
int lb_break(const lb_item *items, size_t n, const lb_params *p,
             lb_result *out);

/* The breaker's node pool, kept by the caller from one lb_break_kept to
 * the next (a paragraph at a time, its allocation was as costly as the
 * breaking of a short one): zero-initialised before the first call,
 * released with lb_kept_free. */
typedef struct lb_kept {
    struct lb_node *nodes;
    size_t capacity;
} lb_kept;

/* lb_break with its nodes in kept's pool (NULL: a pool of its own). */
int lb_break_kept(lb_kept *kept, const lb_item *items, size_t n,
                  const lb_params *p, lb_result *out);
void lb_kept_free(lb_kept *kept);

/* First fit, for comparison: each line takes as much material as fits with
 * its glue shrunk at most fully, breaking at the last breakpoint that fits
 * (flagged penalties included); a piece wider than the measure gets an
 * overfull line of its own. Tolerances are ignored; demerits are computed
 * with the same formula as lb_break so the two can be compared. pass = 0.
 * Returns 0 on success, -1 on invalid input or allocation failure. */
int lb_greedy_break(const lb_item *items, size_t n, const lb_params *p,
                    lb_result *out);

/* Frees the lines and empties *r; safe on an empty or failed result. */
void lb_result_free(lb_result *r);

#endif
