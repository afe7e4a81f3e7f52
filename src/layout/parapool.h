/* parapool — paragraphs typeset ahead on worker threads (issue 16).
 *
 * Owns: the layout's worker threads; the requests the layout predicts for
 * the parts of the body to come (a part's plain paragraphs and headings, in
 * document order, each exactly as para_typeset will be asked for it); and
 * their results: lines in an arena per part and worker, freed once the main
 * thread has paginated the part, with a log of what para_typeset did
 * besides (glyphs marked, diagnostics, missing characters, counts).
 *
 * The main thread asks for each paragraph as it comes to it (parapool_take):
 * a result of exactly the same request is replayed (its log applied on the
 * main thread, in document order, where the main thread would have made
 * it); one no worker has started is taken back and set by the main thread
 * itself. So the output is the same bytes for any number of threads.
 * A worker never loads a face or a hyphenation dictionary (that would
 * change their order): it bails, and the main thread sets the paragraph.
 * Failure: a thread that cannot start leaves fewer workers (or none: every
 * paragraph is the main thread's); nothing else fails.
 */
#ifndef KCVS_PARAPOOL_H
#define KCVS_PARAPOOL_H

#include "para.h"

/* One para_typeset call, as the layout will make it. */
typedef struct para_req {
    const inline_run *runs;
    const style_class *cls;
    tag_node *tag;
    double measure;
    const char *lang;
    src_loc loc;
    int cell_align;  /* a table cell's paragraph: its CELL_*, the class set
                        para_cell_class(cls, cell_align); -1 otherwise */
} para_req;

/* Parts queued at most, and about how many paragraphs (a part is queued
 * while fewer are): enough that the workers have parts of their own to
 * set, ahead of the one the main thread lays out (a workstream of the
 * report has a few dozen paragraphs), not so many that the lines set
 * ahead weigh on memory. */
enum { PARAPOOL_DEPTH = 64, PARAPOOL_AHEAD = 512, PARAPOOL_MAX_THREADS = 64 };

/* A body with fewer paragraphs and headings outside lists and tables is
 * set on the main thread alone: a worker warms glyph and hyphenation
 * caches of its own, which the real report (~70 such) does not repay
 * (29 -> 25 ms wall, 40 -> 32 ms CPU without); ten copies of it (~700)
 * break even, a hundred gain (725 -> 639 ms). */
enum { PARAPOOL_MIN_PARAGRAPHS = 400 };

typedef struct parapool parapool;

/* threads - 1 workers typesetting with main's style, fonts and language;
 * NULL when threads < 2 (every paragraph is then the main thread's).
 * wait: the main thread waits for a paragraph no worker has started
 * instead of setting it (tests: every prediction is then replayed). */
parapool *parapool_new(int threads, bool wait, para_ctx *main);
/* Queues a part's requests (the pool takes reqs, from malloc) after the
 * parts queued before, when parapool_wants_more. */
void parapool_submit(parapool *p, para_req *reqs, int count);
/* Parts queued and not yet done. */
int parapool_queued(const parapool *p);
/* False when the parts queued are enough (or p is NULL). */
bool parapool_wants_more(const parapool *p);
/* rq's result in the oldest part not done, replayed into main: false when
 * the main thread must typeset it (not predicted, not started, bailed). */
bool parapool_take(parapool *p, const para_req *rq, para_result *out);
/* The main thread starts laying out the oldest part. */
void parapool_part_begin(parapool *p);
/* The oldest part is paginated: its lines and results are freed. */
void parapool_part_done(parapool *p);
/* Stops the workers and frees every part. */
void parapool_free(parapool *p);

#endif
