/* layout_table — CALS tables in the vertical list.
 *
 * Owns: column widths (absolute and proportional colwidths), cells set as
 * paragraphs (lists and footnotes inside cells too), alignment (left,
 * right, center, char on the decimal comma), one vbox per row with its
 * background and rules, and the header rows that pagination repeats.
 * Failure: a table wider than the text area is an error with file:line.
 */
#include "layout_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- tables ------------------------------------------------------------------- */

bool layout_column_widths(const table_model *t, double avail, double *widths,
                          double *fixed_total)
{
    double fixed = 0, stars = 0;
    for (int i = 0; i < t->cols; i++) {
        fixed += t->col_fixed[i];
        if (t->col_fixed[i] <= 0)
            stars += t->col_star[i];
    }
    *fixed_total = fixed;
    if (fixed > avail + 0.01) {
        for (int i = 0; i < t->cols; i++)
            widths[i] = avail / t->cols;
        return false;
    }
    for (int i = 0; i < t->cols; i++)
        widths[i] = t->col_fixed[i] > 0 ? t->col_fixed[i]
                    : stars > 0         ? (avail - fixed) * t->col_star[i] / stars
                                        : 0;
    return true;
}

static double *column_widths(lctx *c, const block *bl, double avail)
{
    const table_model *t = bl->table;
    double *w = arena_alloc_array(c->tmp, (size_t)t->cols, sizeof(double));
    double fixed;
    if (!layout_column_widths(t, avail, w, &fixed))
        diag_add(c->diags, DIAG_ERROR, bl->loc,
                 "the table is %.1f pt wide but the text area is only %.1f pt",
                 fixed, avail);
    return w;
}

/* A cell's content as a flow: paragraphs, and images (figure != NULL,
 * with their size) where the cell holds them. */
typedef struct cell_set {
    para_result *pr;
    const style_class **cls;
    const block **figure;
    double *figure_w, *figure_h;
    int paras;
    size_t cap;
    double height;
} cell_set;

static int cell_piece(lctx *c, cell_set *out)
{
    if ((size_t)out->paras == out->cap) {
        /* Five arrays of one length: the first decides the new capacity. */
        size_t cap = out->cap;
        out->pr = arena_reserve(c->tmp, out->pr, (size_t)out->paras, &cap, sizeof *out->pr);
        out->cls = arena_grow(c->tmp, out->cls, (size_t)out->paras, (size_t)cap,
                              sizeof *out->cls);
        out->figure = arena_grow(c->tmp, out->figure, (size_t)out->paras, (size_t)cap,
                                 sizeof *out->figure);
        out->figure_w = arena_grow(c->tmp, out->figure_w, (size_t)out->paras, (size_t)cap,
                                   sizeof *out->figure_w);
        out->figure_h = arena_grow(c->tmp, out->figure_h, (size_t)out->paras, (size_t)cap,
                                   sizeof *out->figure_h);
        out->cap = cap;
    }
    int i = out->paras++;
    memset(&out->pr[i], 0, sizeof out->pr[i]);
    out->cls[i] = NULL;
    out->figure[i] = NULL;
    return i;
}

static void cell_para(lctx *c, const table_cell *cell, const block *p,
                      const inline_run *runs, double measure, cell_set *out)
{
    int i = cell_piece(c, out);
    const style_class *cls = para_cell_class(c->tmp, p->style, (int)cell->align);
    layout_notes_of(c, runs);
    /* Asked for by the class it is derived from (parapool predicts that). */
    para_req rq = { runs, p->style, p->tag, measure, p->lang, p->loc, (int)cell->align };
    if (!parapool_take(c->pool, &rq, &out->pr[i]))
        out->pr[i] = para_typeset(&c->pc, runs, cls, p->tag, measure, p->lang, p->loc);
    out->cls[i] = cls;
    out->height += layout_lines_height(&out->pr[i], cls->leading);
}

/* A cell's blocks as a flow of paragraphs: list items keep their labels
 * in front of their first paragraph, read as their Lbl (ITEM's); nothing
 * in a cell is dropped. */
static void cell_blocks(lctx *c, const table_cell *cell, const block *first,
                        const block *item, double measure, cell_set *out)
{
    const char *label = item ? item->label : NULL;
    tag_node *lbl = item && item->tag && item->tag->first &&
                    item->tag->first->role == TAG_LBL ? item->tag->first : NULL;
    for (const block *p = first; p; p = p->next) {
        if (p->kind == BLK_PARA || p->kind == BLK_HEADING) {
            const inline_run *runs = p->inlines;
            if (label) {
                inline_run *lr = arena_alloc(c->tmp, sizeof *lr);
                *lr = (inline_run){ .kind = INL_TEXT,
                                    .text = arena_printf(c->tmp, "%s ", label), .link = -1,
                                    .tag = lbl, .loc = p->loc,
                                    .next = (inline_run *)p->inlines };
                runs = lr;
                label = NULL;
            }
            cell_para(c, cell, p, runs, measure, out);
        } else if (p->kind == BLK_FIGURE && p->image) {
            double w, h;
            if (!layout_figure_size(c, p, measure, &w, &h))
                continue;
            int i = cell_piece(c, out);
            out->figure[i] = p;
            out->figure_w[i] = w;
            out->figure_h[i] = h;
            out->height += h;
            cell_blocks(c, cell, p->children, NULL, measure, out); /* its caption */
        } else if (p->kind == BLK_ITEM)
            cell_blocks(c, cell, p->children, p, measure, out);
        else
            cell_blocks(c, cell, p->children, label ? item : NULL, measure, out);
    }
}

static void set_cell(lctx *c, const table_cell *cell, double width, cell_set *out)
{
    double pad = c->st->table_cell_padding;
    memset(out, 0, sizeof *out);
    out->height = 2 * pad;
    cell_blocks(c, cell, cell->content, NULL, width - 2 * pad, out);
}

/* Width of a char-aligned cell's text from its decimal comma to its end
 * (0 without a comma): the cells of a column line up on their commas. */
static double cell_char_after(lctx *c, const table_cell *cell)
{
    const block *p = cell->content;
    if (cell->align != CELL_CHAR || !p || p->kind != BLK_PARA || p->next)
        return 0;
    size_t n = 0;
    for (const inline_run *r = p->inlines; r; r = r->next)
        n += r->kind == INL_TEXT ? strlen(r->text) : 0;
    char *text = arena_alloc(c->tmp, n + 1);
    for (const inline_run *r = p->inlines; r; r = r->next)
        if (r->kind == INL_TEXT)
            strcat(text, r->text);
    const char *comma = strrchr(text, ',');
    return comma ? para_text_width(&c->pc, comma, p->style) : 0;
}

static double *char_columns(lctx *c, const table_model *t)
{
    double *after = arena_alloc_array(c->tmp, (size_t)t->cols, sizeof *after);
    for (int r = 0; r < t->row_count; r++)
        for (int i = 0; i < t->rows[r].cell_count; i++) {
            const table_cell *cell = &t->rows[r].cells[i];
            double w = cell_char_after(c, cell);
            if (w > after[cell->col_start])
                after[cell->col_start] = w;
        }
    return after;
}

/* The rule under a row, left out under the columns of a cell whose
 * morerows goes on below it (LEFT: per column, rows still to span): a rule
 * through such a cell cut it into a labelled first row and rows that read
 * as empty cells. */
static void row_bottom_rule(lctx *c, vbox *v, const table_model *t, const double *colw,
                            const int *left, double x0, double y)
{
    double x = x0, from = x0;
    for (int k = 0; k <= t->cols; k++) {
        if (k == t->cols || left[k] > 0) {
            if (x > from)
                layout_vbox_rule(c, v, from, y, x - from, c->st->table_rule_width,
                                 c->st->table_rule_colour);
            from = k < t->cols ? x + colw[k] : x;
        }
        if (k < t->cols)
            x += colw[k];
    }
}

/* Counts down the rows LEFT (per column) still to span and starts the
 * spans of ROW's cells. */
static void row_spans(const table_model *t, const table_row *row, int *left)
{
    for (int k = 0; k < t->cols; k++)
        if (left[k] > 0)
            left[k]--;
    for (int i = 0; i < row->cell_count; i++) {
        const table_cell *cell = &row->cells[i];
        int more = cell->tag && cell->tag->row_span > 1 ? cell->tag->row_span - 1 : 0;
        for (int k = cell->col_start; k <= cell->col_end && k < t->cols; k++)
            left[k] = more;
    }
}

static void layout_row(lctx *c, const table_model *t, const table_row *row,
                       const double *colw, const double *char_after, double x0,
                       bool first_row, const int *left)
{
    double pad = c->st->table_cell_padding;
    cell_set *sets = arena_alloc_array(c->tmp, (size_t)row->cell_count, sizeof *sets);
    double height = 0, total_w = 0;
    for (int i = 0; i < t->cols; i++)
        total_w += colw[i];
    for (int i = 0; i < row->cell_count; i++) {
        const table_cell *cell = &row->cells[i];
        double w = 0;
        for (int k = cell->col_start; k <= cell->col_end; k++)
            w += colw[k];
        set_cell(c, cell, w, &sets[i]);
        if (sets[i].height > height)
            height = sets[i].height;
    }
    vbox *v = layout_vbox_new(c);
    v->height = height;
    int bg = row->part == ROW_HEAD         ? c->st->table_head_background
             : row->kind != ROWKIND_NORMAL ? c->st->total_background
                                           : -1;
    if (bg >= 0)
        layout_vbox_rect(c, v, x0, 0, total_w, height, bg);
    double rule = c->st->table_rule_width;
    if (first_row || row->kind == ROWKIND_TOTAL)
        layout_vbox_rule(c, v, x0, 0, total_w,
                         row->kind == ROWKIND_TOTAL ? c->st->total_rule_width : rule,
                  c->st->table_rule_colour);
    row_bottom_rule(c, v, t, colw, left, x0, height);
    for (int i = 0; i < row->cell_count; i++) {
        double cx = x0;
        for (int k = 0; k < row->cells[i].col_start; k++)
            cx += colw[k];
        if (row->cells[i].align == CELL_CHAR)
            cx -= char_after[row->cells[i].col_start] - cell_char_after(c, &row->cells[i]);
        double y = pad;
        for (int p = 0; p < sets[i].paras; p++) {
            if (sets[i].figure[p]) {
                layout_figure_item(c, v, sets[i].figure[p], cx + pad, y, sets[i].figure_w[p],
                            sets[i].figure_h[p]);
                y += sets[i].figure_h[p];
                continue;
            }
            const para_result *pr = &sets[i].pr[p];
            double bl = layout_line_baseline(pr, sets[i].cls[p]->leading);
            for (int l = 0; l < pr->count; l++) {
                double extra = layout_line_extra(&pr->lines[l], bl);
                layout_vbox_add_line(c, v, &pr->lines[l], cx + pad, y + bl + extra);
                y += sets[i].cls[p]->leading + extra;
            }
        }
    }
}

static int body_row_count(const table_model *t)
{
    int n = 0;
    for (int r = 0; r < t->row_count; r++)
        n += t->rows[r].part == ROW_BODY;
    return n;
}

/* Whether body row b (of n) must stay with the row before it: the first
 * and the last table-split-rows body rows stay together, so a break leaves
 * at least that many on each side. */
static bool body_row_kept(const lctx *c, int b, int n)
{
    int keep = (int)c->st->table_split_rows;
    return b > 0 && (b < keep || b > n - keep);
}

void layout_table(lctx *c, block *bl, double indent)
{
    table_model *t = bl->table;
    double *colw = column_widths(c, bl, c->measure - indent);
    double *char_after = char_columns(c, t);
    layout_space_before(c, style_class_get(c->st, "body")->space_after);
    int head_first = -1, head_count = 0, body = 0, bodies = body_row_count(t);
    int *left = arena_alloc_array(c->tmp, (size_t)t->cols, sizeof *left);
    bool first = true;
    for (int r = 0; r < t->row_count; r++) {
        const table_row *row = &t->rows[r];
        int index = c->vl->count;
        if (row->part == ROW_HEAD && head_first < 0)
            head_first = index;
        if (row->part == ROW_HEAD)
            head_count++;
        /* The header rows stay with the first body row. */
        if (!first && (row->part == ROW_HEAD || (head_count && r == head_count)))
            c->keep_next = true;
        if (row->part == ROW_BODY && body_row_kept(c, body++, bodies))
            c->keep_next = true;
        /* The rows a morerows cell spans stay on its page (when they fit:
         * a longer chain is broken all the same): overleaf, they read
         * as rows without its label. */
        for (int k = 0; k < t->cols; k++)
            if (left[k] > 0)
                c->keep_next = true;
        row_spans(t, row, left);
        layout_row(c, t, row, colw, char_after, indent, first, left);
        vbox *v = c->vl->v[index];
        layout_check_unsplit(c, row->loc, v->height, "table row",
                             "spread its text over more rows");
        if (first)
            v->anchor = bl;
        for (int i = 0; i < row->cell_count; i++) /* an xref to an entry */
            if (row->cells[i].content)
                layout_anchor_target(c, row->cells[i].content, index);
        if (row->part != ROW_HEAD && head_count) {
            v->header_first = head_first;
            v->header_count = head_count;
        }
        first = false;
    }
    c->pending_space = style_class_get(c->st, "body")->space_after *
                      c->st->table_space_after;
}
