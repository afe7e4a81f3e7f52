/* paginate — the vertical list onto pages (part of the layout stage).
 *
 * Owns: page frames from the masters (mirrored on facing pages), filling
 * pages while honouring keeps, widows, orphans, the baseline grid and
 * forced breaks, footnotes at the foot of the page of their mark (carried
 * over when they do not fit), repeated table headers, blank left pages,
 * running heads and folios, the printer's slug line and the outline.
 */
#include "layout_internal.h"

#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- pagination ------------------------------------------------------------- */

void layout_outline_add(lctx *c, layout_result *r, outline_entry entry)
{
    r->outline = arena_reserve(c->a, r->outline, (size_t)r->outline_count, &r->outline_cap,
                               sizeof *r->outline);
    r->outline[r->outline_count++] = entry;
}

page *layout_new_page(lctx *c, const style_master *m)
{
    layout_result *r = c->res;
    r->pages = arena_reserve(c->a, r->pages, (size_t)r->page_count, &r->page_cap,
                             sizeof *r->pages);
    page *p = &r->pages[r->page_count++];
    memset(p, 0, sizeof *p);
    p->master = m;
    p->number = r->first_number + r->page_count;
    if (c->progress && p->number % 50 == 0)
        c->progress(p->number);
    if (m->background >= 0) {
        page_item *bg = layout_page_add_item(p, ITEM_RECT);
        bg->w = m->width;
        bg->h = m->height;
        bg->fill = m->background;
        bg->artifact = true;
    }
    if (m->band_colour >= 0 && m->band_height > 0) {
        page_item *band = layout_page_add_item(p, ITEM_RECT);
        band->w = m->width;
        band->h = m->band_height;
        band->fill = m->band_colour;
        band->artifact = true;
    }
    return p;
}

static void page_reserve(page *p, int more)
{
    size_t need = (size_t)p->count + (size_t)more;
    if (need <= p->cap)
        return;
    p->items = mem_resize(p->items, need, sizeof *p->items);
    p->cap = need;
}

page_item *layout_page_add_item(page *p, item_kind kind)
{
    p->items = mem_reserve(p->items, &p->cap, (size_t)p->count + 1, sizeof *p->items, 32);
    page_item *it = &p->items[p->count++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->fill = it->stroke = -1;
    it->link = -1;
    return it;
}

void layout_page_release(page *p)
{
    free(p->items);
    p->items = NULL;
    p->count = 0;
    p->cap = 0;
    for (page_glyphs *g = p->glyphs, *next; g; g = next) {
        next = g->next;
        free(g);
    }
    p->glyphs = NULL;
}

void layout_result_free(layout_result *r)
{
    for (int i = 0; r && i < r->page_count; i++)
        layout_page_release(&r->pages[i]);
}

/* The glyphs of items (a line, a vbox) into one block of the page's, so
 * that the page holds all it draws and lines can go with the layout's
 * scratch. */
static void copy_glyphs(page *p, page_item *items, int count)
{
    size_t n = 0;
    for (int i = 0; i < count; i++)
        if (items[i].kind == ITEM_TEXT)
            n += (size_t)items[i].run.count;
    if (n == 0)
        return;
    page_glyphs *copy = mem_alloc(1, sizeof *copy + n * sizeof(placed_glyph));
    copy->next = p->glyphs;
    p->glyphs = copy;
    placed_glyph *to = copy->glyphs;
    for (int i = 0; i < count; i++)
        if (items[i].kind == ITEM_TEXT && items[i].run.count > 0) {
            memcpy(to, items[i].run.glyphs, (size_t)items[i].run.count * sizeof *to);
            items[i].run.glyphs = to;
            to += items[i].run.count;
        }
}

static double notes_height(lctx *c, const vbox *v)
{
    double h = 0;
    for (int i = 0; i < v->note_count; i++) {
        const vlist *nl = &c->notes[v->notes[i]->number - 1];
        for (int k = 0; k < nl->count; k++)
            h += nl->v[k]->height + (k ? nl->v[k]->space_before : 0);
    }
    return h;
}

static void place_items(lctx *c, page *p, const page_item *items, int count,
                        double x, double y, bool artifact)
{
    int first = p->count;
    for (int i = 0; i < count; i++) {
        page_item *it = layout_page_add_item(p, items[i].kind);
        *it = items[i];
        it->x += x;
        it->y += y;
        if (artifact) {
            it->artifact = true;
            it->tag = NULL;
            if (it->kind == ITEM_LINK)
                it->kind = ITEM_RULE, it->line_width = 0, it->stroke = -1;
        }
    }
    copy_glyphs(p, p->items + first, count);
}

static void place_vbox(lctx *c, page *p, const vbox *v, double x0, double y,
                       bool artifact)
{
    place_items(c, p, v->items, v->count, x0, y, artifact);
    if (v->line)
        place_items(c, p, v->line->items, v->line->count, x0 + v->line_x, y + v->line_y,
                    artifact);
    for (block *a = artifact ? NULL : v->anchor; a; a = a->anchor_of) {
        if (para_anchor_get(&c->anchors, a).page != p->number && !c->anchor_changes++)
            c->first_change = a;
        para_anchor_set(&c->anchors, a, (page_dest){ p->number, y });
    }
    for (const anchor_more *m = artifact ? NULL : v->more; m; m = m->next) {
        if (para_anchor_get(&c->anchors, m->b).page != p->number && !c->anchor_changes++)
            c->first_change = m->b;
        para_anchor_set(&c->anchors, m->b, (page_dest){ p->number, y });
    }
    if (v->outline_title && !artifact)
        layout_outline_add(c, c->res,
                    (outline_entry){ v->outline_title, v->outline_level, p->number, y });
}

/* With facing pages, even (left-hand) pages mirror the margins. */
static double frame_left(const lctx *c, const style_master *m, int number)
{
    return c->st->facing_pages && number % 2 == 0 ? m->margin_outer : m->margin_inner;
}

double layout_frame_height(const style_master *m)
{
    return m->height - m->margin_top - m->margin_bottom;
}

/* Footnote lines waiting for room at the foot of a page, in order. */
typedef struct note_queue {
    const vbox **lines;
    int count;
    size_t cap;
} note_queue;

static void queue_push(lctx *c, note_queue *q, const vbox *v)
{
    q->lines = arena_reserve(c->tmp, q->lines, (size_t)q->count, &q->cap, sizeof *q->lines);
    q->lines[q->count++] = v;
}

/* Places queued footnote lines above the page's bottom edge while they fit
 * in room; the rest stays queued for the next page. */
static void place_notes(lctx *c, page *p, note_queue *q, double x0, double bottom,
                        double room)
{
    double gap = c->st->footnote_gap, used = 0;
    int n = 0;
    while (n < q->count && used + q->lines[n]->height + (n ? q->lines[n]->space_before : 0) +
                                   gap <= room + 0.01)
        used += q->lines[n]->height + (n ? q->lines[n]->space_before : 0), n++;
    if (n == 0 && q->count && room > 0 && room >= q->lines[0]->height)
        n = 1, used = q->lines[0]->height;
    if (n == 0)
        return;
    double y = bottom - used;
    page_item *rule = layout_page_add_item(p, ITEM_RULE);
    rule->x = (float)x0;
    rule->y = (float)(y - gap / 2);
    rule->w = (float)(c->st->footnote_rule_length * c->measure);
    rule->line_width = (float)c->st->footnote_rule_width;
    rule->stroke = (int16_t)c->st->table_rule_colour;
    rule->artifact = true;
    for (int k = 0; k < n; k++) {
        if (k)
            y += q->lines[k]->space_before;
        place_vbox(c, p, q->lines[k], x0, y, false);
        y += q->lines[k]->height;
    }
    memmove(q->lines, q->lines + n, (size_t)(q->count - n) * sizeof *q->lines);
    q->count -= n;
}

static double queue_height(const note_queue *q, double limit)
{
    double h = 0;
    for (int k = 0; k < q->count && h < limit; k++)
        h += q->lines[k]->height + (k ? q->lines[k]->space_before : 0);
    return h < limit ? h : limit;
}

/* Where the next vbox starts below y (relative to the frame top): after
 * its space, and on the baseline grid when its class asks for it. */
static double next_top(const lctx *c, const vbox *v, double y, bool first)
{
    double top = y + (first ? 0 : v->space_before);
    double grid = c->st->baseline_grid;
    if (v->on_grid && grid > 0) {
        double snapped = ceil(top / grid - 1e-6) * grid;
        top = snapped;
    }
    return top;
}

static int fill_page(lctx *c, const vlist *vl, int i, double avail, double head_h)
{
    double y = head_h, notes = 0;
    int j;
    for (j = i; j < vl->count; j++) {
        const vbox *v = vl->v[j];
        if (j > i && v->break_before)
            break;
        double sb = next_top(c, v, y, j == i) - y;
        double nh = notes_height(c, v);
        double sep = (notes == 0 && nh > 0) ? c->st->footnote_gap : 0;
        /* The first vbox always goes: its notes may continue overleaf. */
        if (j > i && y + sb + v->height + notes + nh + sep > avail) {
            int k = j;
            while (k > i && vl->v[k]->keep_with_prev)
                k--;
            return k > i ? k : j;
        }
        y += sb + v->height;
        notes += nh + sep;
    }
    return j;
}

para_line *layout_single_line(lctx *c, const char *text, const style_class *cls,
                              tag_node *tag);

/* Facing pages: a workstream opens on a right-hand page; the left page
 * before it, when needed, says it is blank on purpose. */
static void blank_page(lctx *c)
{
    page *p = layout_new_page(c, style_master_get(c->st, "continuation"));
    const char *text = c->st->strings.blank_page;
    if (!text || !*text)
        return;
    const style_class *cls = style_class_get(c->st, "footer");
    para_line *ln = layout_single_line(c, text, cls, NULL);
    if (!ln)
        return;
    const style_master *m = p->master;
    double x = (m->width - ln->width) / 2, y = m->height / 2;
    place_items(c, p, ln->items, ln->count, x, y, true);
}

static double repeated_header_height(const vlist *vl, const vbox *v, int i)
{
    if (v->header_count <= 0 || i <= v->header_first + v->header_count)
        return 0;
    double h = 0;
    for (int k = 0; k < v->header_count; k++)
        h += vl->v[v->header_first + k]->height;
    return h;
}

/* Footnotes still to place after the last vbox continue on a page of
 * their own. */
static void notes_page(lctx *c, const style_master *cont, note_queue *queue, const char *ws)
{
    page *p = layout_new_page(c, cont);
    p->workstream = ws;
    int before = queue->count;
    place_notes(c, p, queue, frame_left(c, cont, p->number),
                cont->margin_top + layout_frame_height(cont), layout_frame_height(cont));
    if (queue->count == before) /* taller than a page: never loop */
        queue->count = 0;
}

/* Places vboxes i..end-1 on p from y down (top: the frame's), queueing
 * the footnotes they mark and following the running workstream *ws;
 * returns the y below the last. */
static double place_run(lctx *c, page *p, const vlist *vl, int i, int end, double x0,
                        double top, double y, note_queue *queue, const char **ws)
{
    /* Room for this page's items at once: no growth garbage. */
    int needed = 24;
    for (int k = i; k < end; k++)
        needed += vl->v[k]->count + (vl->v[k]->line ? vl->v[k]->line->count : 0);
    page_reserve(p, needed);
    for (int k = i; k < end; k++) {
        const vbox *v = vl->v[k];
        if (v->workstream)
            *ws = v->workstream;
        y = top + next_top(c, v, y - top, k == i);
        place_vbox(c, p, v, x0, y, false);
        y += v->height;
        for (int n = 0; n < v->note_count; n++) {
            const vlist *nl = &c->notes[v->notes[n]->number - 1];
            for (int l = 0; l < nl->count; l++)
                queue_push(c, queue, nl->v[l]);
        }
    }
    return y;
}

void layout_paginate(lctx *c, const vlist *vl, const style_master *first,
                     const style_master *cont)
{
    const char *current_ws = c->workstream;
    note_queue queue = { NULL, 0, 0 };
    int i = 0;
    while (i < vl->count || queue.count) {
        if (i >= vl->count) {
            notes_page(c, cont, &queue, current_ws);
            continue;
        }
        if (c->res->page_count >= LAYOUT_MAX_PAGES) {
            diag_add(c->diags, DIAG_ERROR, (src_loc){ NULL, 0, 0 },
                     "the document needs more than %d pages", LAYOUT_MAX_PAGES);
            return;
        }
        const vbox *v0 = vl->v[i];
        const style_master *m = v0->break_before && v0->master ? v0->master
                                : i == 0                       ? first
                                                               : cont;
        int last = c->res->first_number + c->res->page_count;
        if (c->st->facing_pages && v0->break_before && last % 2 == 1)
            blank_page(c);
        page *p = layout_new_page(c, m);
        double x0 = frame_left(c, m, p->number), top = m->margin_top,
               avail = layout_frame_height(m);
        double head_h = repeated_header_height(vl, v0, i);
        /* Footnotes carried over from the last page take their room first. */
        double carried = queue_height(&queue, avail * c->st->footnote_carry_share);
        int end = fill_page(c, vl, i, avail - carried - (carried > 0 ? c->st->footnote_gap : 0), head_h);
        double y = top;
        if (head_h > 0)
            for (int k = 0; k < v0->header_count; k++) {
                const vbox *h = vl->v[v0->header_first + k];
                place_vbox(c, p, h, x0, y, true);
                y += h->height;
            }
        y = place_run(c, p, vl, i, end, x0, top, y, &queue, &current_ws);
        p->workstream = current_ws;
        place_notes(c, p, &queue, x0, top + avail, top + avail - y);
        i = end;
    }
    c->workstream = current_ws;
}

/* ---- headers, footers, cover, contents ------------------------------------ */

static const char *expand_fields(lctx *c, const char *tpl, const page *p, int pages)
{
    if (!tpl || !*tpl)
        return NULL;
    const document *d = c->doc;
    /* In the layout's scratch: the page keeps the glyphs, not the text. */
    char *out = arena_strdup(c->tmp, "");
    for (const char *s = tpl; *s;) {
        const char *open = strchr(s, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            out = arena_printf(c->tmp, "%s%s", out, s);
            break;
        }
        out = arena_printf(c->tmp, "%s%.*s", out, (int)(open - s), s);
        size_t n = (size_t)(close - open - 1);
        const char *v = "";
        char num[16];
        if (n == 5 && !strncmp(open + 1, "title", 5))
            v = d->title;
        else if (n == 10 && !strncmp(open + 1, "workstream", 10))
            v = p->workstream ? p->workstream : "";
        else if (n == 4 && !strncmp(open + 1, "page", 4))
            snprintf(num, sizeof num, "%d", p->number), v = num;
        else if (n == 5 && !strncmp(open + 1, "pages", 5))
            snprintf(num, sizeof num, "%d", pages), v = num;
        else if (n == 4 && !strncmp(open + 1, "date", 4))
            v = d->pubdate ? d->pubdate : "";
        else if (n == 12 && !strncmp(open + 1, "organisation", 12))
            v = d->organisation ? d->organisation : "";
        out = arena_printf(c->tmp, "%s%s", out, v);
        s = close + 1;
    }
    return *out ? out : NULL;
}

static void place_field(lctx *c, page *p, const char *text, const char *cls_name,
                        double y, int align)
{
    if (!text)
        return;
    const style_master *m = p->master;
    const style_class *cls = style_class_get(c->st, cls_name);
    para_line *ln = layout_single_line(c, text, cls, NULL);
    if (!ln)
        return;
    double left = frame_left(c, m, p->number),
           width = m->width - m->margin_inner - m->margin_outer;
    double x = align == ALIGN_RIGHT    ? left + width - ln->width
               : align == ALIGN_CENTER ? left + (width - ln->width) / 2
                                       : left;
    place_items(c, p, ln->items, ln->count, x, y, true);
}

/* The printer's slug line, below the trimmed page and its bleed. */
static void place_slug(lctx *c, page *p, int pages)
{
    const style_print *pr = &c->st->print;
    const char *text = expand_fields(c, pr->slug, p, pages);
    if (!text)
        return;
    para_line *ln = layout_single_line(c, text, style_class_get(c->st, "footer"), NULL);
    if (!ln)
        return;
    double y = p->master->height + pr->bleed + pr->crop_offset + pr->crop_length * pr->slug_drop;
    double x = pr->crop_length;
    place_items(c, p, ln->items, ln->count, x, y, true);
}

/* The last guard before emit: every item has finite coordinates and text
 * starts on its page. Anything else is a fault of the layout, reported
 * (once per page) rather than written. */
void layout_check_pages(lctx *c)
{
    for (int n = 0; n < c->res->page_count; n++) {
        const page *p = &c->res->pages[n];
        for (int i = 0; i < p->count; i++) {
            const page_item *it = &p->items[i];
            bool finite = isfinite(it->x) && isfinite(it->y) && isfinite(it->w) &&
                          isfinite(it->h);
            /* the printer's slug line lies in the media box, beyond the trim */
            bool on_page = it->kind != ITEM_TEXT || (c->print && it->artifact) ||
                           (it->x >= -0.5 && it->x <= p->master->width + 0.5 &&
                            it->y >= -0.5 && it->y <= p->master->height + 0.5);
            if (finite && on_page)
                continue;
            diag_add(c->diags, DIAG_ERROR, (src_loc){ c->doc->source_file, 0, 0 },
                     "page %d: something would be drawn off the page at (%g, %g): a "
                     "fault of the layout, please report it with the document",
                     p->number, (double)it->x, (double)it->y);
            break;
        }
    }
}

void layout_running_heads(lctx *c)
{
    int pages = c->res->page_count;
    for (int i = 0; i < pages; i++) {
        page *p = &c->res->pages[i];
        const style_master *m = p->master;
        /* The lines and texts set for one page's heads are scratch once
         * placed (the page copies its glyphs). */
        arena_mark scratch = arena_mark_now(c->tmp);
        /* Left-hand pages mirror the running heads: folios stay outside. */
        bool mirror = c->st->facing_pages && p->number % 2 == 0;
        int left = mirror ? ALIGN_RIGHT : ALIGN_LEFT, right = mirror ? ALIGN_LEFT : ALIGN_RIGHT;
        place_field(c, p, expand_fields(c, m->header_left, p, pages), "header",
                    m->header_offset, left);
        place_field(c, p, expand_fields(c, m->header_right, p, pages), "header",
                    m->header_offset, right);
        double fy = m->height - m->footer_offset;
        place_field(c, p, expand_fields(c, m->footer_left, p, pages), "footer", fy, left);
        place_field(c, p, expand_fields(c, m->footer_center, p, pages), "footer", fy,
                    ALIGN_CENTER);
        place_field(c, p, expand_fields(c, m->footer_right, p, pages), "footer", fy, right);
        if (c->print)
            place_slug(c, p, pages);
        arena_release(c->tmp, scratch);
    }
}
