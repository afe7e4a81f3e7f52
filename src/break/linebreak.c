/* linebreak — Knuth–Plass total fit; the contract is in linebreak.h.
 *
 * The breaker walks the items once per pass, keeping running totals of
 * width, stretch, shrink and fil stretch. Each feasible break so far is a
 * node; the nodes that may still start a line form the active list, kept in
 * order of line number so that the nodes whose next line has the same width
 * are contiguous ("groups"; all lines beyond the width array form one group,
 * TeX's easy_line). At each legal breakpoint, every active node is offered
 * the line from it to here; the best predecessor per fitness class becomes a
 * new node. Nodes are never freed during a pass: deactivated ones are still
 * needed to walk the chosen breaks back, so they live in one growing pool
 * addressed by index.
 */
#include "linebreak.h"
#include "mem.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LB_NONE SIZE_MAX

/* Running totals are differences of sums over the whole paragraph, so an
   exact fit can come out a rounding error either side; this slack (points)
   is far below anything visible and far above double rounding. */
#define LB_SLACK 1e-6

/* A line that cannot shrink enough: worse than any underfull line (TeX's
   inf_bad + 1), so no tolerance can accept it. */
#define LB_OVERFULL_BADNESS (LB_INFINITY + 1.0)

enum { LB_FITNESS_CLASSES = 4, LB_RUNS = LB_MAX_HYPHEN_RUN + 1 };

typedef struct lb_sums {
    double width, stretch, shrink, fil;
} lb_sums;

/* A legal breakpoint, described once per try. */
typedef struct lb_break_at {
    size_t position;
    double penalty; /* 0 at a glue */
    double penalty_width;
    double protrude; /* how far the line may reach past its measure here */
    int forced, flagged;
    int final; /* the paragraph's last item */
} lb_break_at;

typedef struct lb_node {
    size_t position;      /* break item; LB_NONE for the paragraph start */
    size_t content_start; /* first item the next line counts */
    size_t line;          /* number of lines ended here (0 at the start) */
    size_t previous;      /* node of the break before, LB_NONE at start */
    size_t next_active;   /* LB_NONE ends the list (or not active) */
    lb_sums after;        /* running totals at content_start */
    lb_sums line_sums;    /* totals of the line ending here */
    double total_demerits;
    int fitness;
    int flagged;
    int run;              /* hyphenated lines in a row ending here (0 when
                             the limit is off) */
} lb_node;

typedef struct lb_pass {
    int number;
    double threshold; /* highest badness accepted */
    int allow_flagged;
    double extra_stretch;
    int last_resort;
} lb_pass;

typedef struct lb_candidate {
    double total; /* HUGE_VAL: none */
    size_t from;
    lb_sums line;
} lb_candidate;

/* The best line ending here per fitness class and hyphen run. */
typedef struct lb_candidates {
    lb_candidate by_class[LB_FITNESS_CLASSES][LB_RUNS];
    double best_by_run[LB_RUNS];
    double best;
} lb_candidates;

/* Last-resort pass: the node to break from when nothing fits here. */
typedef struct lb_rescue {
    int valid;
    size_t from;
    lb_sums line;
} lb_rescue;

typedef struct lb_breaker {
    const lb_item *items;
    size_t n;
    const lb_params *params;
    lb_pass pass;
    lb_node *nodes;
    size_t node_count, node_capacity;
    size_t active;    /* head of the active list */
    lb_sums sums;     /* totals of items before the current one */
} lb_breaker;

/* The assessment of one candidate line. */
typedef struct lb_fit {
    lb_sums line;
    double shortfall;
    double badness; /* with the pass's extra stretch */
    int fitness;
} lb_fit;

/* ---- Validation ---------------------------------------------------- */

static int is_forced(const lb_item *it)
{
    return it->kind == LB_PENALTY && it->penalty <= -LB_INFINITY;
}

static int item_is_valid(const lb_item *it)
{
    if (it->kind != LB_BOX && it->kind != LB_GLUE && it->kind != LB_PENALTY)
        return 0;
    /* Penalties may be given as IEEE infinities; measurements may not. */
    return isfinite(it->width) && isfinite(it->stretch)
           && isfinite(it->shrink) && isfinite(it->stretch_fil)
           && isfinite(it->protrude) && !isnan(it->penalty);
}

static int params_are_valid(const lb_params *p)
{
    if (!p || !p->line_widths || p->line_width_count == 0)
        return 0;
    for (size_t i = 0; i < p->line_width_count; i++)
        if (!isfinite(p->line_widths[i]))
            return 0;
    if (p->max_hyphen_run > LB_MAX_HYPHEN_RUN)
        return 0;
    return !isnan(p->pretolerance) && !isnan(p->tolerance)
           && isfinite(p->line_penalty) && isfinite(p->adjacent_demerits)
           && isfinite(p->double_hyphen_demerits)
           && isfinite(p->final_hyphen_demerits)
           && isfinite(p->emergency_stretch);
}

static int input_is_valid(const lb_item *items, size_t n, const lb_params *p)
{
    if (!items || n == 0 || !params_are_valid(p) || !is_forced(&items[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!item_is_valid(&items[i]))
            return 0;
    return 1;
}

/* ---- Measuring lines ----------------------------------------------- */

static void sums_add_item(lb_sums *s, const lb_item *it)
{
    if (it->kind == LB_PENALTY)
        return; /* a penalty's width counts only when breaking there */
    s->width += it->width;
    /* A box's stretch and shrink are its font expansion (0 without). */
    s->stretch += it->stretch;
    s->shrink += it->shrink;
    if (it->kind == LB_GLUE)
        s->fil += it->stretch_fil;
}

static lb_sums sums_between(const lb_sums *to, const lb_sums *from)
{
    return (lb_sums){ to->width - from->width, to->stretch - from->stretch,
                      to->shrink - from->shrink, to->fil - from->fil };
}

/* Adds the glue dropped after a break at b to *sums (the totals before b)
   and returns where the next line's material starts. */
static size_t skip_discardables(const lb_item *items, size_t n, size_t b,
                                lb_sums *sums)
{
    if (items[b].kind == LB_GLUE)
        sums_add_item(sums, &items[b]);
    size_t i = b + 1;
    for (; i < n; i++) {
        if (items[i].kind == LB_BOX || is_forced(&items[i]))
            break;
        sums_add_item(sums, &items[i]);
    }
    return i;
}

static int is_legal_break(const lb_item *items, size_t b, int allow_flagged)
{
    const lb_item *it = &items[b];
    if (it->kind == LB_GLUE)
        return b > 0 && items[b - 1].kind == LB_BOX;
    if (it->kind == LB_PENALTY)
        return it->penalty < LB_INFINITY && (allow_flagged || !it->flagged);
    return 0;
}

static lb_break_at describe_break(const lb_item *items, size_t n, size_t b)
{
    const lb_item *it = &items[b];
    int penalty = it->kind == LB_PENALTY;
    return (lb_break_at){
        .position = b,
        .penalty = penalty ? it->penalty : 0,
        .penalty_width = penalty ? it->width : 0,
        .protrude = it->kind == LB_BOX ? 0 : it->protrude,
        .forced = is_forced(it),
        .flagged = penalty && it->flagged,
        .final = b == n - 1,
    };
}

/* Line numbers are 1-based: line l has width line_widths[l - 1]. */
static double line_measure(const lb_params *p, size_t line)
{
    size_t i = line - 1;
    return p->line_widths[i < p->line_width_count ? i : p->line_width_count - 1];
}

/* Lines with the same group share a width, so nodes starting them compete. */
static size_t line_group(const lb_params *p, size_t line)
{
    return line < p->line_width_count ? line : p->line_width_count;
}

static double line_shortfall(double measure, const lb_sums *line)
{
    double shortfall = measure - line->width;
    return fabs(shortfall) <= LB_SLACK ? 0 : shortfall;
}

static int is_overfull(double shortfall, const lb_sums *line)
{
    return -shortfall > line->shrink + LB_SLACK;
}

static double badness_of_ratio(double r)
{
    double b = 100.0 * r * r * r;
    return b > LB_INFINITY ? LB_INFINITY : b;
}

static double line_badness(double shortfall, const lb_sums *line,
                           double extra_stretch)
{
    if (shortfall > 0) {
        if (line->fil > 0)
            return 0; /* infinite order stretch absorbs any shortfall */
        double stretch = line->stretch + extra_stretch;
        return stretch > 0 ? badness_of_ratio(shortfall / stretch)
                           : LB_INFINITY;
    }
    if (shortfall < 0) {
        if (is_overfull(shortfall, line))
            return LB_OVERFULL_BADNESS;
        if (line->shrink <= 0)
            return 0; /* over by less than the slack */
        return badness_of_ratio(fmin(-shortfall / line->shrink, 1.0));
    }
    return 0;
}

static int fitness_class(double shortfall, double badness)
{
    if (shortfall > 0) {
        if (badness > 99)
            return LB_VERY_LOOSE;
        return badness > 12 ? LB_LOOSE : LB_DECENT;
    }
    return badness > 12 ? LB_TIGHT : LB_DECENT;
}

static double adjustment_ratio(double shortfall, const lb_sums *line)
{
    if (shortfall > 0) {
        if (line->fil > 0)
            return 0;
        return line->stretch > 0 ? shortfall / line->stretch : LB_INFINITY;
    }
    if (shortfall < 0) {
        if (is_overfull(shortfall, line))
            return line->shrink > 0 ? shortfall / line->shrink : -LB_INFINITY;
        /* within the slack of full shrink: report exactly full */
        return line->shrink > 0 ? fmax(shortfall / line->shrink, -1.0) : 0;
    }
    return 0;
}

static double line_demerits(const lb_params *p, const lb_break_at *at,
                            double badness, int fitness, int prev_fitness,
                            int prev_flagged)
{
    double base = p->line_penalty + fmin(badness, LB_INFINITY);
    double d = base * base;
    if (at->penalty > 0)
        d += at->penalty * at->penalty;
    else if (!at->forced)
        d -= at->penalty * at->penalty;
    if (prev_flagged) {
        if (at->final)
            d += p->final_hyphen_demerits;
        else if (at->flagged)
            d += p->double_hyphen_demerits;
    }
    if (abs(fitness - prev_fitness) > 1)
        d += p->adjacent_demerits;
    return d;
}

static void fill_line(lb_line *out, const lb_params *p, size_t line_number,
                      const lb_sums *sums)
{
    double measure = line_measure(p, line_number);
    double shortfall = line_shortfall(measure, sums);
    out->natural = sums->width;
    out->stretch = sums->stretch;
    out->shrink = sums->shrink;
    out->stretch_fil = sums->fil;
    out->width = measure;
    out->ratio = adjustment_ratio(shortfall, sums);
    out->overfull = is_overfull(shortfall, sums);
    out->badness = fmin(line_badness(shortfall, sums, 0), LB_INFINITY);
}

/* ---- The node pool and the active list ----------------------------- */

static size_t node_push(lb_breaker *s, const lb_node *node)
{
    s->nodes = mem_reserve(s->nodes, &s->node_capacity, s->node_count + 1,
                           sizeof *s->nodes, 64);
    s->nodes[s->node_count] = *node;
    return s->node_count++;
}

/* Links node between prev (LB_NONE: the head) and next. */
static void active_link(lb_breaker *s, size_t prev, size_t node, size_t next)
{
    s->nodes[node].next_active = next;
    if (prev == LB_NONE)
        s->active = node;
    else
        s->nodes[prev].next_active = node;
}

static void active_unlink(lb_breaker *s, size_t prev, size_t next)
{
    if (prev == LB_NONE)
        s->active = next;
    else
        s->nodes[prev].next_active = next;
}

/* ---- Trying one breakpoint ----------------------------------------- */

static void candidates_reset(lb_candidates *c)
{
    for (int f = 0; f < LB_FITNESS_CLASSES; f++)
        for (int r = 0; r < LB_RUNS; r++)
            c->by_class[f][r].total = HUGE_VAL;
    for (int r = 0; r < LB_RUNS; r++)
        c->best_by_run[r] = HUGE_VAL;
    c->best = HUGE_VAL;
}

/* The hyphen run a line from node to `at` ends with; -1 when it would be
   longer than the limit. */
static int run_after(const lb_params *p, const lb_node *node, const lb_break_at *at)
{
    if (p->max_hyphen_run < 0 || !at->flagged)
        return 0;
    return node->run < p->max_hyphen_run ? node->run + 1 : -1;
}

static lb_fit assess_line(const lb_breaker *s, size_t from,
                          const lb_break_at *at)
{
    const lb_node *node = &s->nodes[from];
    lb_fit fit;
    fit.line = sums_between(&s->sums, &node->after);
    /* What hangs into the margins widens the measure: counted here as
       width the line does not need (so its totals, kept in the node, say
       so too). */
    const lb_item *first = node->content_start < s->n ? &s->items[node->content_start] : NULL;
    fit.line.width += at->penalty_width - at->protrude
                      - (first && first->kind == LB_BOX ? first->protrude : 0);
    fit.shortfall = line_shortfall(line_measure(s->params, node->line + 1),
                                   &fit.line);
    fit.badness = line_badness(fit.shortfall, &fit.line, s->pass.extra_stretch);
    fit.fitness = fitness_class(fit.shortfall, fit.badness);
    return fit;
}

static void candidates_offer(const lb_breaker *s, lb_candidates *c,
                             size_t from, const lb_break_at *at,
                             const lb_fit *fit, int run)
{
    const lb_node *node = &s->nodes[from];
    double total = node->total_demerits
                   + line_demerits(s->params, at, fit->badness, fit->fitness,
                                   node->fitness, node->flagged);
    lb_candidate *slot = &c->by_class[fit->fitness][run];
    /* <= as in TeX: on a tie the later node (a later position) wins */
    if (total <= slot->total) {
        slot->total = total;
        slot->from = from;
        slot->line = fit->line;
    }
    if (total < c->best_by_run[run])
        c->best_by_run[run] = total;
    if (total < c->best)
        c->best = total;
}

/* The state the next line starts from after a break at `at`, computed once
   per breakpoint and only if a node is created there. */
typedef struct lb_after_break {
    int known;
    lb_sums sums;
    size_t content_start;
} lb_after_break;

static const lb_after_break *after_break(const lb_breaker *s,
                                         const lb_break_at *at,
                                         lb_after_break *cache)
{
    if (!cache->known) {
        cache->sums = s->sums;
        cache->content_start = skip_discardables(s->items, s->n, at->position,
                                                 &cache->sums);
        cache->known = 1;
    }
    return cache;
}

static void insert_run(lb_breaker *s, const lb_candidates *c, int run, double limit,
                       const lb_after_break *after, const lb_break_at *at,
                       size_t *prev, size_t next);

/* Creates nodes for the classes that can still win: a class worse than the
   best with the same or a shorter hyphen run by more than adjacent_demerits
   never can, since that is the most a later line's fitness can add to the
   difference (a shorter run leaves at least the same choices). */
static void insert_candidates(lb_breaker *s, lb_candidates *c,
                              const lb_break_at *at, lb_after_break *cache,
                              size_t *prev, size_t next)
{
    if (c->best == HUGE_VAL)
        return;
    const lb_after_break *after = after_break(s, at, cache);
    double best = HUGE_VAL;
    for (int r = 0; r < LB_RUNS; r++) {
        best = fmin(best, c->best_by_run[r]);
        if (c->best_by_run[r] == HUGE_VAL)
            continue;
        insert_run(s, c, r, best + s->params->adjacent_demerits, after, at, prev, next);
    }
    candidates_reset(c);
}

static void insert_run(lb_breaker *s, const lb_candidates *c, int run, double limit,
                       const lb_after_break *after, const lb_break_at *at,
                       size_t *prev, size_t next)
{
    for (int f = 0; f < LB_FITNESS_CLASSES; f++) {
        const lb_candidate *cand = &c->by_class[f][run];
        if (cand->total == HUGE_VAL || cand->total > limit)
            continue;
        lb_node node = {
            .position = at->position,
            .content_start = after->content_start,
            .line = s->nodes[cand->from].line + 1,
            .previous = cand->from,
            .after = after->sums,
            .line_sums = cand->line,
            .total_demerits = cand->total,
            .fitness = f,
            .flagged = at->flagged,
            .run = run,
        };
        size_t index = node_push(s, &node);
        active_link(s, *prev, index, next);
        *prev = index;
    }
}

/* Orders nodes by position, the paragraph start first. */
static size_t node_order(const lb_node *node)
{
    return node->position == LB_NONE ? 0 : node->position + 1;
}

/* Prefers the latest break (the shortest overfull line), then the
   cheapest path to it. */
static void rescue_consider(const lb_breaker *s, lb_rescue *r, size_t from,
                            const lb_fit *fit)
{
    const lb_node *node = &s->nodes[from];
    if (r->valid) {
        const lb_node *kept = &s->nodes[r->from];
        size_t a = node_order(node), b = node_order(kept);
        if (a < b || (a == b && node->total_demerits >= kept->total_demerits))
            return;
    }
    r->valid = 1;
    r->from = from;
    r->line = fit->line;
}

/* TeX's "artificial demerits": break here anyway from the rescued node,
   so the paragraph goes on with one overfull line. */
static void insert_rescue(lb_breaker *s, const lb_rescue *r,
                         const lb_break_at *at, lb_after_break *cache)
{
    const lb_node *from = &s->nodes[r->from];
    double measure = line_measure(s->params, from->line + 1);
    double shortfall = line_shortfall(measure, &r->line);
    double badness = line_badness(shortfall, &r->line, s->pass.extra_stretch);
    lb_candidates c;
    candidates_reset(&c);
    lb_fit fit = { r->line, shortfall, badness,
                   fitness_class(shortfall, badness) };
    /* Like the measure, the hyphen-run limit yields here; the caller sees
       the run in the lines and reports it. */
    int run = run_after(s->params, from, at);
    if (run < 0)
        run = from->run;
    candidates_offer(s, &c, r->from, at, &fit, run);
    size_t prev = LB_NONE;
    insert_candidates(s, &c, at, cache, &prev, LB_NONE);
}

static void try_break(lb_breaker *s, size_t b)
{
    lb_break_at at = describe_break(s->items, s->n, b);
    lb_after_break cache = { 0 };
    lb_candidates cands;
    candidates_reset(&cands);
    lb_rescue rescue = { 0 };
    size_t prev = LB_NONE, group = LB_NONE;
    double threshold = fmin(s->pass.threshold, LB_INFINITY);

    for (size_t a = s->active; a != LB_NONE;) {
        size_t a_group = line_group(s->params, s->nodes[a].line + 1);
        if (a_group != group) {
            /* new nodes go before the next group, keeping the list sorted */
            insert_candidates(s, &cands, &at, &cache, &prev, a);
            group = a_group;
        }
        size_t next = s->nodes[a].next_active;
        if (!at.forced && s->nodes[a].content_start >= b) {
            prev = a; /* an empty line is no line; try later breaks */
            a = next;
            continue;
        }
        lb_fit fit = assess_line(s, a, &at);
        int stays = !at.forced && fit.badness <= LB_INFINITY;
        if (stays) {
            prev = a;
        } else {
            /* overfull here means overfull at every later break too (the
               pruning that keeps the list short; see the header) */
            active_unlink(s, prev, next);
            if (fit.badness > threshold)
                rescue_consider(s, &rescue, a, &fit);
        }
        int run = run_after(s->params, &s->nodes[a], &at);
        if (fit.badness <= threshold && run >= 0)
            candidates_offer(s, &cands, a, &at, &fit, run);
        a = next;
    }
    insert_candidates(s, &cands, &at, &cache, &prev, LB_NONE);
    if (s->active == LB_NONE && s->pass.last_resort && rescue.valid)
        insert_rescue(s, &rescue, &at, &cache);
}

/* ---- Passes ---------------------------------------------------------- */

static void start_pass(lb_breaker *s, const lb_pass *pass)
{
    s->pass = *pass;
    s->node_count = 0;
    s->active = LB_NONE;
    memset(&s->sums, 0, sizeof s->sums);
    lb_node start = {
        .position = LB_NONE,
        .content_start = 0,
        .line = 0,
        .previous = LB_NONE,
        .next_active = LB_NONE,
        .fitness = LB_DECENT, /* TeX: the paragraph starts decent */
    };
    s->active = node_push(s, &start);
}

/* Every node left after the final forced break ends the paragraph. */
static size_t best_final_node(const lb_breaker *s)
{
    size_t best = LB_NONE;
    for (size_t a = s->active; a != LB_NONE; a = s->nodes[a].next_active)
        if (best == LB_NONE
            || s->nodes[a].total_demerits < s->nodes[best].total_demerits)
            best = a;
    return best;
}

/* Returns the final node of the best solution, LB_NONE when the pass finds
   none. */
static size_t run_pass(lb_breaker *s, const lb_pass *pass)
{
    start_pass(s, pass);
    for (size_t b = 0; b < s->n; b++) {
        if (is_legal_break(s->items, b, pass->allow_flagged)) {
            try_break(s, b);
            if (s->active == LB_NONE)
                return LB_NONE; /* nothing can reach the end any more */
        }
        sums_add_item(&s->sums, &s->items[b]);
    }
    return best_final_node(s);
}

static void build_result(const lb_breaker *s, size_t last, int pass,
                         lb_result *out)
{
    size_t count = 0;
    for (size_t k = last; s->nodes[k].previous != LB_NONE;
         k = s->nodes[k].previous)
        count++;
    lb_line *lines = mem_alloc(count, sizeof *lines);
    size_t i = count;
    for (size_t k = last; s->nodes[k].previous != LB_NONE;
         k = s->nodes[k].previous) {
        const lb_node *node = &s->nodes[k];
        const lb_node *before = &s->nodes[node->previous];
        lb_line *line = &lines[--i];
        line->start = before->position == LB_NONE ? 0 : before->position + 1;
        line->content_start = before->content_start;
        line->end = node->position;
        line->hyphenated = node->flagged;
        line->fitness = node->fitness;
        fill_line(line, s->params, node->line, &node->line_sums);
    }
    out->lines = lines;
    out->count = count;
    out->demerits = s->nodes[last].total_demerits;
    out->pass = pass;
}

static int plan_passes(const lb_params *p, lb_pass passes[4])
{
    int count = 0;
    if (p->pretolerance >= 0)
        passes[count++] = (lb_pass){ 1, p->pretolerance, 0, 0, 0 };
    passes[count++] = (lb_pass){ 2, p->tolerance, 1, 0, 0 };
    double emergency = p->emergency_stretch > 0 ? p->emergency_stretch : 0;
    if (emergency > 0)
        passes[count++] = (lb_pass){ 3, p->tolerance, 1, emergency, 0 };
    passes[count++] = (lb_pass){ 4, LB_INFINITY, 1, emergency, 1 };
    return count;
}

static void result_clear(lb_result *out)
{
    out->lines = NULL;
    out->count = 0;
    out->demerits = 0;
    out->pass = 0;
}

/* What both breakers do first: an empty result, and whether the input
 * can be broken at all. */
static bool begin_result(const lb_item *items, size_t n, const lb_params *p,
                         lb_result *out)
{
    if (!out)
        return false;
    result_clear(out);
    return input_is_valid(items, n, p);
}

int lb_break(const lb_item *items, size_t n, const lb_params *p,
             lb_result *out)
{
    return lb_break_kept(NULL, items, n, p, out);
}

void lb_kept_free(lb_kept *kept)
{
    free(kept->nodes);
    *kept = (lb_kept){ 0 };
}

int lb_break_kept(lb_kept *kept, const lb_item *items, size_t n,
                  const lb_params *p, lb_result *out)
{
    if (!begin_result(items, n, p, out))
        return -1;
    lb_breaker s = { .items = items, .n = n, .params = p };
    if (kept) {
        s.nodes = kept->nodes;
        s.node_capacity = kept->capacity;
    }
    lb_pass passes[4];
    int pass_count = plan_passes(p, passes);
    int rc = -1;
    for (int i = 0; i < pass_count; i++) {
        size_t last = run_pass(&s, &passes[i]);
        if (last != LB_NONE) {
            build_result(&s, last, passes[i].number, out);
            rc = 0;
            break;
        }
    }
    if (kept) {
        kept->nodes = s.nodes;
        kept->capacity = s.node_capacity;
    } else
        free(s.nodes);
    return rc;
}

/* ---- First fit ------------------------------------------------------- */

typedef struct lb_greedy {
    const lb_item *items;
    size_t n;
    const lb_params *params;
    lb_sums sums; /* totals of items before the current one */
    /* where the current line starts */
    size_t start, content_start, line_number;
    lb_sums after;
    int prev_fitness, prev_flagged;
    /* the latest break at which the current line still fits */
    int have_fit;
    size_t fit_position;
    lb_sums fit_sums;
    lb_line *lines;
    size_t count, capacity;
    double demerits;
} lb_greedy;

static lb_line *greedy_new_line(lb_greedy *g)
{
    g->lines = mem_reserve(g->lines, &g->capacity, g->count + 1, sizeof *g->lines, 16);
    lb_line *line = &g->lines[g->count++];
    memset(line, 0, sizeof *line);
    return line;
}

/* Ends the current line at `position`; sums_before are the totals of the
   items before it. */
static void greedy_emit(lb_greedy *g, size_t position,
                        const lb_sums *sums_before)
{
    lb_break_at at = describe_break(g->items, g->n, position);
    lb_sums sums = sums_between(sums_before, &g->after);
    sums.width += at.penalty_width;
    lb_line *line = greedy_new_line(g);
    line->start = g->start;
    line->content_start = g->content_start;
    line->end = position;
    line->hyphenated = at.flagged;
    fill_line(line, g->params, g->line_number, &sums);
    double shortfall = line_shortfall(line->width, &sums);
    double badness = line_badness(shortfall, &sums, 0);
    line->fitness = fitness_class(shortfall, badness);
    g->demerits += line_demerits(g->params, &at, badness, line->fitness,
                                 g->prev_fitness, g->prev_flagged);
    g->prev_fitness = line->fitness;
    g->prev_flagged = at.flagged;
    g->start = position + 1;
    g->after = *sums_before;
    g->content_start = skip_discardables(g->items, g->n, position, &g->after);
    g->line_number++;
    g->have_fit = 0;
}

static void greedy_consider(lb_greedy *g, size_t b)
{
    lb_break_at at = describe_break(g->items, g->n, b);
    for (;;) {
        if (!at.forced && g->content_start >= b)
            return;
        lb_sums line = sums_between(&g->sums, &g->after);
        line.width += at.penalty_width;
        double shortfall =
            line_shortfall(line_measure(g->params, g->line_number), &line);
        int overfull = is_overfull(shortfall, &line);
        if (overfull && g->have_fit) {
            /* end at the last fit and look at b again from there */
            lb_sums fit_sums = g->fit_sums;
            greedy_emit(g, g->fit_position, &fit_sums);
            continue;
        }
        if (at.forced || overfull) {
            greedy_emit(g, b, &g->sums);
            return;
        }
        g->have_fit = 1;
        g->fit_position = b;
        g->fit_sums = g->sums;
        return;
    }
}

int lb_greedy_break(const lb_item *items, size_t n, const lb_params *p,
                    lb_result *out)
{
    if (!begin_result(items, n, p, out))
        return -1;
    lb_greedy g = { .items = items, .n = n, .params = p, .line_number = 1,
                    .prev_fitness = LB_DECENT };
    for (size_t b = 0; b < n; b++) {
        if (is_legal_break(items, b, 1))
            greedy_consider(&g, b);
        sums_add_item(&g.sums, &items[b]);
    }
    out->lines = g.lines;
    out->count = g.count;
    out->demerits = g.demerits;
    out->pass = 0;
    return 0;
}

/* ---- Public helpers -------------------------------------------------- */

void lb_params_default(lb_params *p, const double *widths, size_t n)
{
    *p = (lb_params){
        .line_widths = widths,
        .line_width_count = n,
        .pretolerance = 100,
        .tolerance = 200,
        .line_penalty = 10,
        .hyphen_penalty_default = 50,
        .adjacent_demerits = 10000,
        .double_hyphen_demerits = 10000,
        .final_hyphen_demerits = 5000,
        .emergency_stretch = 0,
        .max_hyphen_run = -1,
    };
}

void lb_result_free(lb_result *r)
{
    if (!r)
        return;
    free(r->lines);
    result_clear(r);
}
