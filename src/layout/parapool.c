#include "parapool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hyph.h"
#include "mem.h"

/* Helgrind knows locks, not atomics: a result handed over by an atomic
 * store is told to it as happening before its reading (no-ops outside
 * valgrind; ThreadSanitizer knows atomics by itself). */
#if defined(__has_include) && __has_include(<valgrind/helgrind.h>)
#include <valgrind/helgrind.h>
#define HANDED_OVER(addr) ANNOTATE_HAPPENS_BEFORE(addr)
#define TAKEN_OVER(addr) ANNOTATE_HAPPENS_AFTER(addr)
#else
#define HANDED_OVER(addr) ((void)(addr))
#define TAKEN_OVER(addr) ((void)(addr))
#endif

/* A request's state moves one way: QUEUED, CLAIMED (in a worker's batch),
 * RUNNING, DONE; or to MAIN (the main thread sets it) from QUEUED, CLAIMED
 * or BAILED; a worker that met a face or language not loaded yet leaves
 * it BAILED, queued again once the main thread has loaded more. Changed by compare-and-swap, without the pool's lock: taking a
 * lock per paragraph on both threads made them wait on each other. */
enum { REQ_QUEUED, REQ_CLAIMED, REQ_RUNNING, REQ_DONE, REQ_MAIN, REQ_BAILED };

/* Requests a worker claims at once (one lock for them all); emptied
 * arenas a worker keeps for its next parts (as many as parts may be
 * queued ahead of the main thread is more than it ever holds). */
enum { CLAIM_BATCH = 8, PARAPOOL_SPARES = 8 };

/* A worker's result and what para_typeset did besides, to replay. */
typedef struct pdone {
    para_result res;
    bool ok;
    para_mark *marks;
    size_t mark_count;
    diag *diags;
    size_t diag_count;
    para_missing *missing;
    size_t missing_count;
    para_stats stats;
    int hyph_seen;       /* main's dictionaries the worker could use */
} pdone;

typedef struct ppart {
    para_req *reqs;
    pdone *done;
    atomic_int *state;
    atomic_int busy;     /* workers holding a batch of it */
    atomic_int bailed;   /* requests BAILED since the last retry */
    int retried;         /* the loaded count (loaded()) it was retried at */
    int count;
    int next;            /* the first a worker may still claim */
    int back;            /* past the last a worker may still claim */
    int cursor;          /* the main thread's: requests before it are past */
    ptrindex by_runs;    /* request by its runs (main thread only) */
    arena *mem[PARAPOOL_MAX_THREADS]; /* per worker: lines, items, glyphs */
} ppart;

typedef struct pworker {
    struct parapool *pool;
    int index;
    pthread_t tid;
    para_ctx pc;
    diag_list diags;
    size_t hyph_cap;     /* of pc.hyph, the worker's copy of main's */
    /* Arenas of parts done, emptied, for its next parts (p->mu held): its
     * chunks stay in this thread's malloc arena, which freeing them from
     * the main thread trimmed, page by page (x100: 1,100 fewer page faults,
     * 34 ms less CPU). */
    arena *spare[PARAPOOL_SPARES];
    int spare_count;
} pworker;

struct parapool {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    ppart ring[PARAPOOL_DEPTH];
    size_t head, tail;
    bool stop;
    bool wait;           /* never take a paragraph back (tests) */
    bool in_head;        /* the main thread lays out the oldest part */
    atomic_int waiters;  /* main threads waiting on done (0 or 1) */
    int queued_reqs;     /* in the parts not done (main thread only) */
    int workers;
    para_ctx *main;
    pworker w[PARAPOOL_MAX_THREADS];
};

/* ---- on a worker ---------------------------------------------------------- */

static void *copy_into(arena *a, const void *src, size_t n, size_t size)
{
    void *out = arena_alloc_array(a, n + 1, size);
    if (n)
        memcpy(out, src, n * size);
    return out;
}

/* The worker's diagnostics of one paragraph, copied to its result. */
static void keep_diags(arena *a, diag_list *l, pdone *d)
{
    d->diags = arena_alloc_array(a, l->count + 1, sizeof *d->diags);
    for (size_t i = 0; i < l->count; i++) {
        d->diags[i] = l->items[i];
        d->diags[i].message = arena_strdup(a, l->items[i].message);
        if (l->items[i].loc.file)
            d->diags[i].loc.file = arena_strdup(a, l->items[i].loc.file);
    }
    d->diag_count = l->count;
    diag_clear(l);
}

static void typeset_logged(pworker *w, arena *a, const para_req *rq, pdone *d)
{
    para_ctx *c = &w->pc;
    c->a = c->tmp = a;
    c->bailed = false;
    c->mark_count = c->missing_count = 0;
    c->stats = (para_stats){ 0 };
    const style_class *cls = rq->cell_align >= 0 ? para_cell_class(a, rq->cls, rq->cell_align)
                                                 : rq->cls;
    d->res = para_typeset(c, rq->runs, cls, rq->tag, rq->measure, rq->lang, rq->loc);
    d->ok = !c->bailed;
    d->stats = c->stats;
    d->marks = copy_into(a, c->marks, c->mark_count, sizeof *c->marks);
    d->mark_count = c->mark_count;
    d->missing = copy_into(a, c->missing, c->missing_count, sizeof *c->missing);
    d->missing_count = c->missing_count;
    keep_diags(a, &w->diags, d);
}

static bool move_state(atomic_int *st, int from, int to)
{
    return atomic_compare_exchange_strong(st, &from, to);
}

/* Up to CLAIM_BATCH requests of a part still queued, from its start or
 * its end (from_back), into out; how many. */
static int claim_in(ppart *pt, bool from_back, int *out)
{
    int n = 0;
    while (n < CLAIM_BATCH) {
        while (pt->next < pt->back && atomic_load(&pt->state[pt->next]) != REQ_QUEUED)
            pt->next++;
        while (pt->back > pt->next && atomic_load(&pt->state[pt->back - 1]) != REQ_QUEUED)
            pt->back--;
        if (pt->next == pt->back)
            break;
        int i = from_back ? --pt->back : pt->next++;
        if (move_state(&pt->state[i], REQ_QUEUED, REQ_CLAIMED))
            out[n++] = i;
    }
    if (n)
        atomic_fetch_add(&pt->busy, 1);
    return n;
}

/* Faces and languages the main thread has loaded (p->mu held): a bailed
 * request may be settable once this grows. */
static int loaded(const parapool *p)
{
    return font_set_count(p->main->fonts) + p->main->hyph_count;
}

/* A part's bailed requests queued again when more is loaded. */
static void retry_bailed(ppart *pt, int now)
{
    if (atomic_load(&pt->bailed) == 0 || pt->retried >= now)
        return;
    atomic_store(&pt->bailed, 0);
    pt->retried = now;
    for (int i = 0; i < pt->count; i++)
        if (move_state(&pt->state[i], REQ_BAILED, REQ_QUEUED)) {
            pt->next = i < pt->next ? i : pt->next;
            pt->back = i + 1 > pt->back ? i + 1 : pt->back;
        }
}

/* The next requests for a worker (p->mu held), 0 when none is queued. The
 * part the main thread is laying out comes last, and from its end: taken
 * from its start, each next paragraph would be running when the main
 * thread comes to it, and the two threads would go in step. */
static int claim(parapool *p, ppart **part, int *out)
{
    int now = loaded(p);
    for (size_t k = p->head + (p->in_head ? 1 : 0); k != p->tail; k++) {
        ppart *pt = &p->ring[k % PARAPOOL_DEPTH];
        retry_bailed(pt, now);
        int n = claim_in(pt, false, out);
        if (n) {
            *part = pt;
            return n;
        }
    }
    *part = &p->ring[p->head % PARAPOOL_DEPTH];
    return p->in_head && p->head != p->tail ? claim_in(*part, true, out) : 0;
}

/* Wakes the main thread if it waits for a request or a part. */
static void notify_main(parapool *p)
{
    if (atomic_load(&p->waiters) == 0)
        return;
    pthread_mutex_lock(&p->mu);
    pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->mu);
}

/* Main's dictionaries as they are now (p->mu held: main adds under it). */
static void copy_hyph(pworker *w, const para_ctx *main)
{
    w->pc.hyph = mem_reserve(w->pc.hyph, &w->hyph_cap, (size_t)main->hyph_count + 1,
                             sizeof *w->pc.hyph, 8);
    if (main->hyph_count)
        memcpy(w->pc.hyph, main->hyph, (size_t)main->hyph_count * sizeof *w->pc.hyph);
    w->pc.hyph_count = main->hyph_count;
}

/* Sets a batch of claimed requests, but those the main thread took back. */
static void run_batch(parapool *p, pworker *w, ppart *pt, const int *batch, int n,
                      int hyph_seen)
{
    for (int k = 0; k < n; k++) {
        int i = batch[k];
        if (!move_state(&pt->state[i], REQ_CLAIMED, REQ_RUNNING))
            continue;
        if (!pt->mem[w->index])
            pt->mem[w->index] = arena_new();
        pt->done[i].hyph_seen = hyph_seen;
        typeset_logged(w, pt->mem[w->index], &pt->reqs[i], &pt->done[i]);
        HANDED_OVER(&pt->state[i]);
        atomic_store(&pt->state[i], pt->done[i].ok ? REQ_DONE : REQ_BAILED);
        if (!pt->done[i].ok)
            atomic_fetch_add(&pt->bailed, 1);
        notify_main(p);
    }
    HANDED_OVER(&pt->busy);
    atomic_fetch_sub(&pt->busy, 1);
    notify_main(p);
}

static void *parapool_worker(void *arg)
{
    pworker *w = arg;
    parapool *p = w->pool;
    font_thread_cache_begin(); /* its glyphs live until the pool goes */
    hyph_thread_cache_begin();
    pthread_mutex_lock(&p->mu);
    for (;;) {
        ppart *pt;
        int batch[CLAIM_BATCH];
        int n = claim(p, &pt, batch);
        if (n) {
            copy_hyph(w, p->main);
            if (!pt->mem[w->index] && w->spare_count)
                pt->mem[w->index] = w->spare[--w->spare_count];
            pthread_mutex_unlock(&p->mu);
            run_batch(p, w, pt, batch, n, w->pc.hyph_count);
            pthread_mutex_lock(&p->mu);
        } else if (p->stop)
            break;
        else
            pthread_cond_wait(&p->work, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    font_thread_cache_end();
    hyph_thread_cache_end();
    return NULL;
}

/* ---- on the main thread --------------------------------------------------- */

parapool *parapool_new(int threads, bool wait, para_ctx *main)
{
    if (threads < 2)
        return NULL;
    parapool *p = mem_alloc(1, sizeof *p);
    p->wait = wait;
    p->main = main;
    pthread_mutex_init(&p->mu, NULL);
    main->hyph_mu = &p->mu;
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    for (int i = 0; i < threads - 1 && i < PARAPOOL_MAX_THREADS; i++) {
        pworker *w = &p->w[p->workers];
        w->pool = p;
        w->index = p->workers;
        diag_init(&w->diags);
        w->diags.max_errors = SIZE_MAX;
        para_ctx_init(&w->pc, NULL, NULL, main->fonts, main->st, &w->diags, main->doc_lang);
        w->pc.worker = true;
        if (pthread_create(&w->tid, NULL, parapool_worker, w) != 0) {
            para_ctx_free(&w->pc);
            diag_clear(&w->diags);
            break;
        }
        p->workers++;
    }
    if (p->workers == 0) {
        parapool_free(p);
        return NULL;
    }
    /* The main thread keeps its own hyphenation answers too while the
     * pool runs: otherwise it takes the dictionaries' lock at every word,
     * and waits whenever a worker holds it for a word not seen before. */
    hyph_thread_cache_begin();
    return p;
}

bool parapool_wants_more(const parapool *p)
{
    return p && p->tail - p->head < PARAPOOL_DEPTH && p->queued_reqs < PARAPOOL_AHEAD;
}

int parapool_queued(const parapool *p)
{
    return p ? (int)(p->tail - p->head) : 0;
}

void parapool_submit(parapool *p, para_req *reqs, int count)
{
    ppart *pt = &p->ring[p->tail % PARAPOOL_DEPTH];
    *pt = (ppart){ .reqs = reqs, .count = count, .back = count };
    p->queued_reqs += count;
    pt->done = mem_alloc((size_t)count + 1, sizeof *pt->done);
    pt->state = mem_alloc((size_t)count + 1, sizeof *pt->state); /* 0: queued */
    for (int i = 0; i < count; i++)
        ptrindex_put(&pt->by_runs, reqs[i].runs, i);
    pthread_mutex_lock(&p->mu);
    p->tail++;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

static bool same_req(const para_req *a, const para_req *b)
{
    bool same_lang = a->lang == b->lang || (a->lang && b->lang && strcmp(a->lang, b->lang) == 0);
    return a->runs == b->runs && a->cls == b->cls && a->cell_align == b->cell_align &&
           a->tag == b->tag &&
           a->measure == b->measure && same_lang && a->loc.file == b->loc.file &&
           a->loc.line == b->loc.line && a->loc.col == b->loc.col;
}

/* A broken word's text lives as long as the pages (the document's arena);
 * the worker set it in the part's, which goes when the part is done. */
static void keep_actual_text(para_ctx *c, para_result *r)
{
    for (int l = 0; l < r->count; l++)
        for (int i = 0; i < r->lines[l].count; i++) {
            page_item *it = &r->lines[l].items[i];
            if (it->kind == ITEM_TEXT && it->run.actual && *it->run.actual)
                it->run.actual = arena_strdup(c->a, it->run.actual);
        }
}

/* What para_typeset did on the worker, done now on the main thread. */
static void replay(para_ctx *c, pdone *d)
{
    for (size_t i = 0; i < d->mark_count; i++) {
        const para_mark *m = &d->marks[i];
        font_mark_used(m->face, m->glyphs, m->count, m->text, m->len);
    }
    for (size_t i = 0; i < d->diag_count; i++)
        diag_add(c->diags, d->diags[i].severity, d->diags[i].loc, "%s", d->diags[i].message);
    for (size_t i = 0; i < d->missing_count; i++)
        para_missing_add(c, &d->missing[i]);
    para_stats_add(&c->stats, &d->stats, 1); /* a worker's own is 0 */
    c->stats.ahead++;
    keep_actual_text(c, &d->res);
}

/* A language main registered after the worker's copy whose dictionary the
 * worker had (a variant sharing it) added the style's exceptions to it:
 * the worker's hyphenation may be out of date. */
static bool hyph_unchanged(const para_ctx *m, int seen)
{
    for (int i = seen; i < m->hyph_count; i++)
        for (int k = 0; k < seen; k++)
            if (m->hyph[i].dict && m->hyph[i].dict == m->hyph[k].dict)
                return false;
    return true;
}

/* True when request i was not started: the main thread sets it. */
static bool take_back(ppart *pt, int i)
{
    return move_state(&pt->state[i], REQ_QUEUED, REQ_MAIN) ||
           move_state(&pt->state[i], REQ_CLAIMED, REQ_MAIN) ||
           move_state(&pt->state[i], REQ_BAILED, REQ_MAIN);
}

/* Waits (p->waiters counted first, see notify_main) until done(pt, i). */
static void wait_until(parapool *p, bool (*done)(ppart *, int), ppart *pt, int i)
{
    atomic_fetch_add(&p->waiters, 1);
    pthread_mutex_lock(&p->mu);
    while (!done(pt, i))
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
    atomic_fetch_sub(&p->waiters, 1);
}

static bool req_done(ppart *pt, int i)
{
    return atomic_load(&pt->state[i]) == REQ_DONE;
}

static bool req_settled(ppart *pt, int i)
{
    int st = atomic_load(&pt->state[i]);
    return st == REQ_DONE || st == REQ_BAILED;
}

/* No worker sets or holds any request of the part. */
static bool part_idle(ppart *pt, int unused)
{
    (void)unused;
    for (int i = 0; i < pt->count; i++)
        if (atomic_load(&pt->state[i]) == REQ_RUNNING)
            return false;
    return atomic_load(&pt->busy) == 0;
}

/* The request's index in the oldest part, requests passed over given
 * back to the main thread; -1 when it was not predicted. */
static int find_req(ppart *pt, const para_req *rq)
{
    int i = ptrindex_get(&pt->by_runs, rq->runs);
    if (i < pt->cursor || !same_req(&pt->reqs[i], rq))
        return -1;
    for (int k = pt->cursor; k < i; k++)
        take_back(pt, k);
    pt->cursor = i + 1;
    return i;
}

bool parapool_take(parapool *p, const para_req *rq, para_result *out)
{
    if (!p || p->head == p->tail)
        return false;
    ppart *pt = &p->ring[p->head % PARAPOOL_DEPTH];
    int i = find_req(pt, rq);
    if (i < 0 || (!p->wait && take_back(pt, i)))
        return false;
    /* One a worker is setting now is set again here rather than waited
     * for (waking up costs more than most paragraphs); the worker's result
     * is left unread. Tests wait (p->wait). */
    while (p->wait && !req_done(pt, i)) {
        wait_until(p, req_settled, pt, i);
        if (take_back(pt, i))
            return false; /* bailed: the main thread sets it */
    }
    if (!req_done(pt, i))
        return false;
    TAKEN_OVER(&pt->state[i]);
    if (!pt->done[i].ok || !hyph_unchanged(p->main, pt->done[i].hyph_seen))
        return false;
    replay(p->main, &pt->done[i]);
    *out = pt->done[i].res;
    return true;
}

/* A part's arenas back to their workers (p->mu held). */
static void part_spare_arenas(parapool *p, ppart *pt)
{
    for (int w = 0; w < p->workers; w++) {
        pworker *wk = &p->w[w];
        if (!pt->mem[w] || wk->spare_count == PARAPOOL_SPARES)
            continue;
        arena_reset(pt->mem[w]);
        wk->spare[wk->spare_count++] = pt->mem[w];
        pt->mem[w] = NULL;
    }
}

static void part_free(ppart *pt, int workers)
{
    for (int w = 0; w < workers; w++)
        arena_free(pt->mem[w]);
    ptrindex_free(&pt->by_runs);
    free(pt->reqs);
    free(pt->done);
    free(pt->state);
    *pt = (ppart){ 0 };
}

void parapool_part_begin(parapool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->in_head = true;
    /* A worker with nothing but bailed requests sleeps: the main thread
     * may have loaded what they need since. */
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

void parapool_part_done(parapool *p)
{
    if (!p || p->head == p->tail)
        return;
    ppart *pt = &p->ring[p->head % PARAPOOL_DEPTH];
    /* Under the lock to the end: a worker claims under it, and may queue
     * a bailed request again until the part is no longer theirs. */
    atomic_fetch_add(&p->waiters, 1);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        for (int i = 0; i < pt->count; i++)
            take_back(pt, i);
        if (part_idle(pt, 0))
            break;
        pthread_cond_wait(&p->done, &p->mu);
    }
    p->head++;
    p->in_head = false;
    part_spare_arenas(p, pt);
    pthread_mutex_unlock(&p->mu);
    atomic_fetch_sub(&p->waiters, 1);
    TAKEN_OVER(&pt->busy);
    for (int i = 0; i < pt->count; i++)
        TAKEN_OVER(&pt->state[i]);
    p->queued_reqs -= pt->count;
    part_free(pt, p->workers);
}

/* A worker done with: its thread joined (after stop), its context freed. */
static void worker_end(pworker *w)
{
    pthread_join(w->tid, NULL);
    while (w->spare_count)
        arena_free(w->spare[--w->spare_count]);
    free(w->pc.hyph);
    para_ctx_free(&w->pc);
    diag_clear(&w->diags);
}

void parapool_free(parapool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true; /* the workers finish what they hold, then return */
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->workers; i++)
        worker_end(&p->w[i]);
    for (; p->head != p->tail; p->head++)
        part_free(&p->ring[p->head % PARAPOOL_DEPTH], p->workers);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    p->main->hyph_mu = NULL;
    pthread_mutex_destroy(&p->mu);
    if (p->workers)
        hyph_thread_cache_end();
    free(p);
}
