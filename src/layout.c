#include "layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

enum { LAYOUT_MAX_PASSES = 4, LAYOUT_MAX_PAGES = 100000 };

/* One unbreakable piece of the vertical list: a line, a boxed paragraph, a
 * table row, an image. Page breaks fall between vboxes. */
typedef struct vbox {
    double height, space_before;
    bool keep_with_prev, break_before;
    const style_master *master;   /* of the page a forced break starts */
    const char *workstream;       /* running header from here on */
    page_item *items;             /* relative to the frame's left, box top */
    int count, cap;
    para_line *line;              /* a line set in place, not copied */
    double line_x, line_y;
    block *anchor;
    const char *outline_title;
    int outline_level;
    block *notes[4];
    int note_count;
    int header_first, header_count; /* table header rows to repeat */
    double first_baseline;
    bool on_grid;                 /* its top snaps to the baseline grid */
} vbox;

typedef struct vlist {
    vbox **v;
    int count, cap;
} vlist;

typedef struct lctx {
    arena *a;        /* the document's: pages, tags, outline */
    arena *tmp;      /* the layout's own: vboxes and lines, freed at its end */
    document *doc;
    const style *st;
    diag_list *diags;
    para_ctx pc;
    vlist *vl;
    double pending_space;
    bool keep_next;
    bool break_next;
    const style_master *break_master;
    const char *workstream;
    double measure;
    double frame_height;
    vlist *notes;            /* laid-out footnotes, by number - 1 */
    int toc_link_base;
    int anchor_changes;
    layout_result *res;
    bool in_list;
    bool print;
    bool require_alt;
    double image_share;      /* the most of the frame's height an image takes */
    void (*progress)(int pages);
} lctx;

/* ---- the vertical list ------------------------------------------------------ */

static vbox *vbox_new(lctx *c)
{
    vlist *vl = c->vl;
    if (vl->count == vl->cap) {
        int cap = vl->cap ? vl->cap * 2 : 256;
        vl->v = arena_grow(c->tmp, vl->v, (size_t)vl->count, (size_t)cap, sizeof *vl->v);
        vl->cap = cap;
    }
    vbox *v = arena_alloc(c->tmp, sizeof *v);
    vl->v[vl->count++] = v;
    v->space_before = c->pending_space;
    v->keep_with_prev = c->keep_next;
    v->header_first = -1;
    c->pending_space = 0;
    c->keep_next = false;
    if (c->break_next) {
        v->break_before = true;
        v->master = c->break_master;
        v->workstream = c->workstream;
        c->break_next = false;
        v->keep_with_prev = false;
    }
    return v;
}

/* A new, blank item at the end of an arena-owned item array. */
static page_item *item_append(arena *a, page_item **items, int *count, int *cap,
                              item_kind kind)
{
    if (*count == *cap) {
        int grown = *cap ? *cap * 2 : 8;
        *items = arena_grow(a, *items, (size_t)*count, (size_t)grown, sizeof **items);
        *cap = grown;
    }
    page_item *it = &(*items)[(*count)++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->fill = it->stroke = -1;
    it->link = -1;
    return it;
}

static page_item *vbox_item(lctx *c, vbox *v, item_kind kind)
{
    return item_append(c->tmp, &v->items, &v->count, &v->cap, kind);
}

/* Most vboxes hold one line: they point at it instead of copying it. */
static void vbox_add_line(lctx *c, vbox *v, para_line *ln, double x0, double baseline)
{
    if (!v->line && v->count == 0) {
        v->line = ln;
        v->line_x = x0;
        v->line_y = baseline;
        for (int i = 0; i < ln->note_count && v->note_count < 4; i++)
            v->notes[v->note_count++] = ln->notes[i];
        return;
    }
    for (int i = 0; i < ln->count; i++) {
        page_item *it = vbox_item(c, v, ln->items[i].kind);
        *it = ln->items[i];
        it->x += x0;
        it->y += baseline;
    }
    for (int i = 0; i < ln->note_count && v->note_count < 4; i++)
        v->notes[v->note_count++] = ln->notes[i];
}

static void vbox_mark_artifact(vbox *v)
{
    for (int i = 0; i < v->count; i++) {
        v->items[i].artifact = true;
        v->items[i].tag = NULL;
    }
    for (int i = 0; v->line && i < v->line->count; i++) {
        v->line->items[i].artifact = true;
        v->line->items[i].tag = NULL;
    }
}

static page_item *vbox_rect(lctx *c, vbox *v, double x, double y, double w,
                            double h, int fill)
{
    page_item *r = vbox_item(c, v, ITEM_RECT);
    r->x = x;
    r->y = y;
    r->w = w;
    r->h = h;
    r->fill = fill;
    r->artifact = true;
    return r;
}

static void vbox_rule(lctx *c, vbox *v, double x, double y, double w,
                      double width, int colour)
{
    page_item *r = vbox_item(c, v, ITEM_RULE);
    r->x = x;
    r->y = y;
    r->w = w;
    r->h = 0;
    r->line_width = width;
    r->stroke = colour;
    r->artifact = true;
}

static void space_before(lctx *c, double space)
{
    if (space > c->pending_space)
        c->pending_space = space;
}

/* ---- running text ------------------------------------------------------ */

static double line_baseline(const para_result *pr, double leading)
{
    return pr->ascent + (leading - pr->ascent - pr->descent) / 2;
}

static bool lines_single_link(const para_result *pr, int *link, tag_node **tag)
{
    *link = -1;
    for (int l = 0; l < pr->count; l++)
        for (int i = 0; i < pr->lines[l].count; i++) {
            const page_item *it = &pr->lines[l].items[i];
            if (it->kind != ITEM_LINK)
                continue;
            if (*link >= 0 && *link != it->link)
                return false;
            *link = it->link;
            *tag = it->tag;
        }
    return *link >= 0;
}

/* A paragraph with a background is one box, kept whole: a button when it
 * holds one link (the whole button is the link). */
static void layout_boxed(lctx *c, const para_result *pr, const style_class *cls,
                         double x0, block *anchor)
{
    vbox *v = vbox_new(c);
    v->anchor = anchor;
    double px = cls->padding_x, py = cls->padding_y;
    double widest = 0;
    for (int l = 0; l < pr->count; l++)
        if (pr->lines[l].width > widest)
            widest = pr->lines[l].width;
    double w = widest + 2 * px, h = pr->count * cls->leading + 2 * py;
    if (h < cls->min_height)
        h = cls->min_height;
    page_item *box = vbox_rect(c, v, x0, 0, w, h, cls->background);
    box->stroke = cls->border_colour;
    box->line_width = cls->border_width;
    box->radius = cls->radius;
    double bl = line_baseline(pr, cls->leading);
    int link;
    tag_node *link_tag = NULL;
    bool button = lines_single_link(pr, &link, &link_tag);
    for (int l = 0; l < pr->count; l++) {
        para_line *ln = &pr->lines[l];
        /* A button is one link: the per-line areas give way to it. */
        for (int i = 0; button && i < ln->count; i++)
            if (ln->items[i].kind == ITEM_LINK)
                ln->items[i].kind = ITEM_RULE, ln->items[i].line_width = 0,
                ln->items[i].stroke = -1, ln->items[i].artifact = true;
        vbox_add_line(c, v, ln, x0 + px, py + l * cls->leading + bl);
    }
    if (button) {
        page_item *a = vbox_item(c, v, ITEM_LINK);
        a->x = x0;
        a->y = 0;
        a->w = w;
        a->h = h;
        a->link = link;
        a->tag = link_tag;
    }
    v->height = h;
    v->first_baseline = py + bl;
}

static void layout_rule_below(lctx *c, const style_class *cls, double x0,
                              double measure)
{
    if (cls->rule_colour < 0 || cls->rule_width <= 0)
        return;
    vbox *v = vbox_new(c);
    v->keep_with_prev = true;
    double len = cls->rule_length > 0 ? cls->rule_length : measure;
    vbox_rule(c, v, x0, cls->rule_gap + cls->rule_width / 2, len,
              cls->rule_width, cls->rule_colour);
    v->height = cls->rule_gap + cls->rule_width;
}

/* Lines of a paragraph, each its own vbox with widow and orphan rules. */
static void layout_lines(lctx *c, const para_result *pr, const style_class *cls,
                         double x0, block *anchor, bool keep_whole)
{
    const style_typography *t = &c->st->typo;
    double bl = line_baseline(pr, cls->leading);
    int n = pr->count;
    /* After a heading, its first lines go with it to the next page. */
    int kept = c->keep_next ? t->heading_keep_lines : 0;
    for (int k = 0; k < n; k++) {
        vbox *v = vbox_new(c);
        v->on_grid = cls->on_grid;
        if (k == 0)
            v->anchor = anchor;
        else
            v->keep_with_prev = keep_whole || k < t->orphans || k < kept || n - k < t->widows;
        vbox_add_line(c, v, &pr->lines[k], x0, bl);
        v->height = cls->leading;
        v->first_baseline = bl;
    }
}

static void layout_text(lctx *c, block *bl, const inline_run *runs,
                        const style_class *cls, tag_node *tag, double indent,
                        bool keep_whole)
{
    bool boxed = cls->background >= 0 || cls->border_colour >= 0;
    double x0 = indent + cls->indent_left;
    double measure = c->measure - x0 - cls->indent_right -
                     (boxed ? 2 * cls->padding_x : 0);
    para_result pr = para_typeset(&c->pc, runs, cls, tag, measure,
                                  bl ? bl->lang : NULL, bl ? bl->loc : (src_loc){ 0 });
    if (pr.count == 0)
        return;
    if (cls->break_before && !c->break_next) {
        c->break_next = true;
        c->break_master = style_master_get(c->st, "continuation");
    }
    space_before(c, cls->space_before);
    if (boxed)
        layout_boxed(c, &pr, cls, x0, bl);
    else
        layout_lines(c, &pr, cls, x0, bl, keep_whole);
    layout_rule_below(c, cls, x0, measure);
    c->pending_space = cls->space_after;
    c->keep_next = cls->keep_with_next;
}

/* ---- lists ------------------------------------------------------------------ */

static void layout_blocks(lctx *c, block *first, double indent);
static void layout_one(lctx *c, block *b, double indent);

static para_line *single_line(lctx *c, const char *text, const style_class *cls,
                              tag_node *tag)
{
    inline_run r = { INL_TEXT, text, 0, -1, NULL, NULL, NULL, NULL, { 0 }, NULL };
    style_class left = *cls;
    left.align = ALIGN_LEFT;
    left.hyphenate = false;
    left.prefix = left.suffix = NULL;
    para_result pr = para_typeset(&c->pc, &r, &left, tag, 10000, NULL, (src_loc){ 0 });
    return pr.count ? &pr.lines[0] : NULL;
}

static void layout_list(lctx *c, block *list, double indent)
{
    const style_class *cls = style_class_get(c->st, "list");
    bool was_in_list = c->in_list;
    c->in_list = true;
    for (block *item = list->children; item; item = item->next) {
        if (item->kind != BLK_ITEM) {
            layout_one(c, item, indent); /* the list's title */
            continue;
        }
        int first = c->vl->count;
        layout_blocks(c, item->children, indent + c->st->list_indent);
        if (first >= c->vl->count || !item->label)
            continue;
        vbox *v = c->vl->v[first];
        tag_node *lbl = item->tag ? item->tag->first : NULL;
        para_line *ln = single_line(c, item->label, cls, lbl);
        if (!ln)
            continue;
        double x = indent + c->st->list_indent - c->st->list_label_gap - ln->width;
        vbox_add_line(c, v, ln, x < indent ? indent : x, v->first_baseline);
    }
    c->in_list = was_in_list;
    /* A list ends like a paragraph, whatever its items' spacing (a nested
     * list like an item). */
    space_before(c, was_in_list ? cls->space_after
                                : style_class_get(c->st, "body")->space_after);
}

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

typedef struct cell_set {
    para_result *pr;
    const style_class **cls;
    int paras, cap;
    double height;
} cell_set;

static void layout_notes_of(lctx *c, const inline_run *runs);

static void cell_para(lctx *c, const table_cell *cell, const block *p,
                      const inline_run *runs, double measure, cell_set *out)
{
    if (out->paras == out->cap) {
        int cap = out->cap ? out->cap * 2 : 4;
        out->pr = arena_grow(c->tmp, out->pr, (size_t)out->paras, (size_t)cap, sizeof *out->pr);
        out->cls = arena_grow(c->tmp, out->cls, (size_t)out->paras, (size_t)cap,
                              sizeof *out->cls);
        out->cap = cap;
    }
    style_class *cls = arena_alloc(c->tmp, sizeof *cls);
    *cls = *p->style;
    if (cell->align == CELL_RIGHT || cell->align == CELL_CHAR)
        cls->align = ALIGN_RIGHT;
    else if (cell->align == CELL_CENTER)
        cls->align = ALIGN_CENTER;
    else if (cls->align == ALIGN_JUSTIFY)
        cls->align = ALIGN_LEFT;
    layout_notes_of(c, runs);
    out->pr[out->paras] = para_typeset(&c->pc, runs, cls, p->tag, measure, p->lang, p->loc);
    out->cls[out->paras] = cls;
    out->height += out->pr[out->paras].count * cls->leading;
    out->paras++;
}

/* A cell's blocks as a flow of paragraphs: list items keep their labels
 * in front of their first paragraph; nothing in a cell is dropped. */
static void cell_blocks(lctx *c, const table_cell *cell, const block *first,
                        const char *label, double measure, cell_set *out)
{
    for (const block *p = first; p; p = p->next) {
        if (p->kind == BLK_PARA || p->kind == BLK_HEADING) {
            const inline_run *runs = p->inlines;
            if (label) {
                inline_run *lr = arena_alloc(c->tmp, sizeof *lr);
                *lr = (inline_run){ INL_TEXT, arena_printf(c->tmp, "%s ", label), 0, -1, NULL,
                                    NULL, NULL, NULL, p->loc, (inline_run *)p->inlines };
                runs = lr;
                label = NULL;
            }
            cell_para(c, cell, p, runs, measure, out);
        } else if (p->kind == BLK_ITEM)
            cell_blocks(c, cell, p->children, p->label, measure, out);
        else
            cell_blocks(c, cell, p->children, label, measure, out);
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

static void layout_row(lctx *c, const table_model *t, const table_row *row,
                       const double *colw, const double *char_after, double x0,
                       bool first_row)
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
    vbox *v = vbox_new(c);
    v->height = height;
    int bg = row->part == ROW_HEAD         ? c->st->table_head_background
             : row->kind != ROWKIND_NORMAL ? c->st->total_background
                                           : -1;
    if (bg >= 0)
        vbox_rect(c, v, x0, 0, total_w, height, bg);
    double rule = c->st->table_rule_width;
    if (first_row || row->kind == ROWKIND_TOTAL)
        vbox_rule(c, v, x0, 0, total_w, row->kind == ROWKIND_TOTAL ? rule * 2 : rule,
                  c->st->table_rule_colour);
    vbox_rule(c, v, x0, height, total_w, rule, c->st->table_rule_colour);
    for (int i = 0; i < row->cell_count; i++) {
        double cx = x0;
        for (int k = 0; k < row->cells[i].col_start; k++)
            cx += colw[k];
        if (row->cells[i].align == CELL_CHAR)
            cx -= char_after[row->cells[i].col_start] - cell_char_after(c, &row->cells[i]);
        double y = pad;
        for (int p = 0; p < sets[i].paras; p++) {
            const para_result *pr = &sets[i].pr[p];
            double bl = line_baseline(pr, sets[i].cls[p]->leading);
            for (int l = 0; l < pr->count; l++) {
                vbox_add_line(c, v, &pr->lines[l], cx + pad, y + bl);
                y += sets[i].cls[p]->leading;
            }
        }
    }
}

static void layout_table(lctx *c, block *bl, double indent)
{
    table_model *t = bl->table;
    double *colw = column_widths(c, bl, c->measure - indent);
    double *char_after = char_columns(c, t);
    space_before(c, style_class_get(c->st, "body")->space_after);
    int head_first = -1, head_count = 0;
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
        layout_row(c, t, row, colw, char_after, indent, first);
        vbox *v = c->vl->v[index];
        if (first)
            v->anchor = bl;
        if (row->part != ROW_HEAD && head_count) {
            v->header_first = head_first;
            v->header_count = head_count;
        }
        first = false;
    }
    c->pending_space = style_class_get(c->st, "body")->space_after * 1.5;
}

/* ---- images ---------------------------------------------------------------- */

static void layout_figure(lctx *c, block *bl, double indent)
{
    image_info info;
    const char *err = image_probe(bl->image->path, &info);
    if (err) {
        diag_add(c->diags, DIAG_ERROR, bl->loc, "image '%s': %s", bl->image->ref, err);
        return;
    }
    if (c->print && (info.kind == IMAGE_PNG || info.components == 3))
        diag_add(c->diags, DIAG_WARNING, bl->loc,
                 "image '%s' is RGB: the print shop expects CMYK images",
                 bl->image->ref);
    if (!bl->image->alt && !bl->image->decorative)
        diag_add(c->diags, c->require_alt ? DIAG_ERROR : DIAG_WARNING, bl->loc,
                 "image without alternative text: add <textobject><phrase> "
                 "(or role=\"decorative\" on the mediaobject)");
    double avail = c->measure - indent;
    double w = bl->image->width_pt > 0   ? bl->image->width_pt
               : bl->image->width_pt < 0 ? -bl->image->width_pt * avail
                                         : info.width * 0.75;
    if (w > avail)
        w = avail;
    double h = w * info.height / info.width;
    double max_h = c->frame_height * c->image_share;
    if (h > max_h) {
        w *= max_h / h;
        h = max_h;
    }
    space_before(c, style_class_get(c->st, "body")->space_after);
    vbox *v = vbox_new(c);
    v->anchor = bl;
    page_item *it = vbox_item(c, v, ITEM_IMAGE);
    it->x = indent + (avail - w) / 2;
    it->y = 0;
    it->w = w;
    it->h = h;
    it->image = bl->image;
    it->tag = bl->tag;
    it->artifact = bl->image->decorative;
    v->height = h;
    c->pending_space = style_class_get(c->st, "body")->space_after;
}

/* ---- blocks ------------------------------------------------------------------- */

static void layout_footnote_body(lctx *c, block *note)
{
    vlist *saved = c->vl;
    double saved_space = c->pending_space;
    bool saved_keep = c->keep_next, saved_break = c->break_next;
    vlist *nl = &c->notes[note->number - 1];
    nl->count = 0;
    c->vl = nl;
    c->pending_space = 0;
    c->keep_next = c->break_next = false;
    bool first = true;
    for (block *p = note->children; p; p = p->next) {
        if (p->kind == BLK_PARA && first) {
            inline_run *mark = arena_alloc(c->tmp, sizeof *mark);
            *mark = (inline_run){ INL_TEXT, arena_printf(c->tmp, "%d ", note->number),
                                  0, -1, NULL, NULL, NULL, NULL, p->loc, p->inlines };
            layout_text(c, p, mark, p->style, p->tag, 0, false);
            first = false;
        } else
            layout_blocks(c, p, 0);
    }
    c->vl = saved;
    c->pending_space = saved_space;
    c->keep_next = saved_keep;
    c->break_next = saved_break;
}

static void layout_notes_of(lctx *c, const inline_run *runs)
{
    for (const inline_run *r = runs; r; r = r->next)
        if (r->kind == INL_NOTEREF && r->note)
            layout_footnote_body(c, r->note);
}

static void layout_heading(lctx *c, block *h, double indent)
{
    int first = c->vl->count;
    layout_text(c, h, h->inlines, h->style, h->tag, indent, true);
    if (first < c->vl->count) {
        c->vl->v[first]->outline_title = h->title_text;
        c->vl->v[first]->outline_level = h->level;
    }
}

static void layout_one(lctx *c, block *b, double indent)
{
    switch (b->kind) {
    case BLK_PARA: {
        const style_class *cls = b->style;
        if (c->in_list && cls == style_class_get(c->st, "body"))
            cls = style_class_get(c->st, "list");
        layout_notes_of(c, b->inlines);
        layout_text(c, b, b->inlines, cls, b->tag, indent, b->is_cta);
        break;
    }
    case BLK_HEADING:
        layout_heading(c, b, indent);
        break;
    case BLK_LIST:
        layout_list(c, b, indent);
        break;
    case BLK_ITEM:
    case BLK_SECTION:
    case BLK_FOOTNOTE:
        layout_blocks(c, b->children, indent);
        break;
    case BLK_TABLE:
        layout_table(c, b, indent);
        break;
    case BLK_FIGURE:
        layout_figure(c, b, indent);
        break;
    }
}

static void layout_blocks(lctx *c, block *first, double indent)
{
    for (block *b = first; b; b = b->next)
        layout_one(c, b, indent);
}

/* ---- pagination ------------------------------------------------------------- */

static page *new_page(lctx *c, const style_master *m)
{
    layout_result *r = c->res;
    if (r->page_count == r->page_cap) {
        int cap = r->page_cap ? r->page_cap * 2 : 64;
        r->pages = arena_grow(c->a, r->pages, (size_t)r->page_count, (size_t)cap,
                              sizeof *r->pages);
        r->page_cap = cap;
    }
    page *p = &r->pages[r->page_count++];
    memset(p, 0, sizeof *p);
    if (c->progress && r->page_count % 50 == 0)
        c->progress(r->page_count);
    p->master = m;
    p->number = r->page_count;
    if (m->background >= 0) {
        page_item *bg = page_add_item(c->a, p, ITEM_RECT);
        bg->w = m->width;
        bg->h = m->height;
        bg->fill = m->background;
        bg->artifact = true;
    }
    if (m->band_colour >= 0 && m->band_height > 0) {
        page_item *band = page_add_item(c->a, p, ITEM_RECT);
        band->w = m->width;
        band->h = m->band_height;
        band->fill = m->band_colour;
        band->artifact = true;
    }
    return p;
}

static void page_reserve(arena *a, page *p, int more)
{
    if (p->count + more <= p->cap)
        return;
    p->items = arena_grow(a, p->items, (size_t)p->count, (size_t)(p->count + more),
                          sizeof *p->items);
    p->cap = p->count + more;
}

page_item *page_add_item(arena *a, page *p, item_kind kind)
{
    return item_append(a, &p->items, &p->count, &p->cap, kind);
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
    for (int i = 0; i < count; i++) {
        page_item *it = page_add_item(c->a, p, items[i].kind);
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
}

static void place_vbox(lctx *c, page *p, const vbox *v, double x0, double y,
                       bool artifact)
{
    place_items(c, p, v->items, v->count, x0, y, artifact);
    if (v->line)
        place_items(c, p, v->line->items, v->line->count, x0 + v->line_x, y + v->line_y,
                    artifact);
    if (v->anchor && !artifact) {
        if (v->anchor->page != p->number)
            c->anchor_changes++;
        v->anchor->page = p->number;
        v->anchor->page_y = y;
    }
    if (v->outline_title && !artifact) {
        layout_result *r = c->res;
        if (r->outline_count == r->outline_cap) {
            int cap = r->outline_cap ? r->outline_cap * 2 : 32;
            r->outline = arena_grow(c->a, r->outline, (size_t)r->outline_count,
                                    (size_t)cap, sizeof *r->outline);
            r->outline_cap = cap;
        }
        r->outline[r->outline_count++] =
            (outline_entry){ v->outline_title, v->outline_level, p->number, y };
    }
}

/* With facing pages, even (left-hand) pages mirror the margins. */
static double frame_left(const lctx *c, const style_master *m, int number)
{
    return c->st->facing_pages && number % 2 == 0 ? m->margin_outer : m->margin_inner;
}

static double frame_height(const style_master *m)
{
    return m->height - m->margin_top - m->margin_bottom;
}

/* How many vboxes from i fill one page, honouring keeps and footnotes. */
/* Footnote lines waiting for room at the foot of a page, in order. */
typedef struct note_queue {
    const vbox **lines;
    int count, cap;
} note_queue;

static void queue_push(lctx *c, note_queue *q, const vbox *v)
{
    if (q->count == q->cap) {
        int cap = q->cap ? q->cap * 2 : 32;
        q->lines = arena_grow(c->tmp, q->lines, (size_t)q->count, (size_t)cap, sizeof *q->lines);
        q->cap = cap;
    }
    q->lines[q->count++] = v;
}

/* Places queued footnote lines above the page's bottom edge while they fit
 * in room; the rest stays queued for the next page. */
static void place_notes(lctx *c, page *p, note_queue *q, double x0, double bottom,
                        double room)
{
    double gap = 8, used = 0;
    int n = 0;
    while (n < q->count && used + q->lines[n]->height + (n ? q->lines[n]->space_before : 0) +
                                   gap <= room + 0.01)
        used += q->lines[n]->height + (n ? q->lines[n]->space_before : 0), n++;
    if (n == 0 && q->count && room > 0 && room >= q->lines[0]->height)
        n = 1, used = q->lines[0]->height;
    if (n == 0)
        return;
    double y = bottom - used;
    page_item *rule = page_add_item(c->a, p, ITEM_RULE);
    rule->x = (float)x0;
    rule->y = (float)(y - gap / 2);
    rule->w = (float)(0.3 * c->measure);
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
        double sep = (notes == 0 && nh > 0) ? 8 : 0;
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

static para_line *single_line(lctx *c, const char *text, const style_class *cls,
                              tag_node *tag);

/* Facing pages: a workstream opens on a right-hand page; the left page
 * before it, when needed, says it is blank on purpose. */
static void blank_page(lctx *c)
{
    page *p = new_page(c, style_master_get(c->st, "continuation"));
    const char *text = c->st->strings.blank_page;
    if (!text || !*text)
        return;
    const style_class *cls = style_class_get(c->st, "footer");
    para_line *ln = single_line(c, text, cls, NULL);
    if (!ln)
        return;
    const style_master *m = p->master;
    double x = (m->width - ln->width) / 2, y = m->height / 2;
    for (int i = 0; i < ln->count; i++) {
        page_item *it = page_add_item(c->a, p, ln->items[i].kind);
        *it = ln->items[i];
        it->x += x;
        it->y += y;
        it->artifact = true;
        it->tag = NULL;
    }
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

static void paginate(lctx *c, const vlist *vl, const style_master *first,
                     const style_master *cont)
{
    const char *current_ws = c->workstream;
    note_queue queue = { NULL, 0, 0 };
    int i = 0;
    while (i < vl->count || queue.count) {
        if (i >= vl->count) {
            /* Footnotes still to place continue on a page of their own. */
            page *p = new_page(c, cont);
            p->workstream = current_ws;
            int before = queue.count;
            place_notes(c, p, &queue, frame_left(c, cont, p->number),
                        cont->margin_top + frame_height(cont), frame_height(cont));
            if (queue.count == before) /* taller than a page: never loop */
                queue.count = 0;
            continue;
        }
        if (c->res->page_count >= LAYOUT_MAX_PAGES) {
            diag_add(c->diags, DIAG_ERROR, (src_loc){ c->doc->source_file, 0, 0 },
                     "the document needs more than %d pages", LAYOUT_MAX_PAGES);
            return;
        }
        const vbox *v0 = vl->v[i];
        const style_master *m = v0->break_before && v0->master ? v0->master
                                : i == 0                       ? first
                                                               : cont;
        if (c->st->facing_pages && v0->break_before && c->res->page_count % 2 == 1)
            blank_page(c);
        page *p = new_page(c, m);
        double x0 = frame_left(c, m, p->number), top = m->margin_top,
               avail = frame_height(m);
        double head_h = repeated_header_height(vl, v0, i);
        /* Footnotes carried over from the last page take their room first. */
        double carried = queue_height(&queue, avail / 2);
        int end = fill_page(c, vl, i, avail - carried - (carried > 0 ? 8 : 0), head_h);
        double y = top;
        if (head_h > 0)
            for (int k = 0; k < v0->header_count; k++) {
                const vbox *h = vl->v[v0->header_first + k];
                place_vbox(c, p, h, x0, y, true);
                y += h->height;
            }
        /* Room for this page's items at once: no growth garbage. */
        int needed = 24;
        for (int k = i; k < end; k++)
            needed += vl->v[k]->count + (vl->v[k]->line ? vl->v[k]->line->count : 0);
        page_reserve(c->a, p, needed);
        for (int k = i; k < end; k++) {
            const vbox *v = vl->v[k];
            if (v->workstream)
                current_ws = v->workstream;
            y = top + next_top(c, v, y - top, k == i);
            place_vbox(c, p, v, x0, y, false);
            y += v->height;
            for (int n = 0; n < v->note_count; n++) {
                const vlist *nl = &c->notes[v->notes[n]->number - 1];
                for (int l = 0; l < nl->count; l++)
                    queue_push(c, &queue, nl->v[l]);
            }
        }
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
    char *out = arena_strdup(c->a, "");
    for (const char *s = tpl; *s;) {
        const char *open = strchr(s, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            out = arena_printf(c->a, "%s%s", out, s);
            break;
        }
        out = arena_printf(c->a, "%s%.*s", out, (int)(open - s), s);
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
        out = arena_printf(c->a, "%s%s", out, v);
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
    para_line *ln = single_line(c, text, cls, NULL);
    if (!ln)
        return;
    double left = frame_left(c, m, p->number),
           width = m->width - m->margin_inner - m->margin_outer;
    double x = align == ALIGN_RIGHT    ? left + width - ln->width
               : align == ALIGN_CENTER ? left + (width - ln->width) / 2
                                       : left;
    for (int i = 0; i < ln->count; i++) {
        page_item *it = page_add_item(c->a, p, ln->items[i].kind);
        *it = ln->items[i];
        it->x += x;
        it->y += y;
        it->artifact = true;
        it->tag = NULL;
    }
}

/* The printer's slug line, below the trimmed page and its bleed. */
static void place_slug(lctx *c, page *p, int pages)
{
    const style_print *pr = &c->st->print;
    const char *text = expand_fields(c, pr->slug, p, pages);
    if (!text)
        return;
    para_line *ln = single_line(c, text, style_class_get(c->st, "footer"), NULL);
    if (!ln)
        return;
    double y = p->master->height + pr->bleed + pr->crop_offset + pr->crop_length * 0.7;
    double x = pr->crop_length;
    for (int i = 0; i < ln->count; i++) {
        page_item *it = page_add_item(c->a, p, ln->items[i].kind);
        *it = ln->items[i];
        it->x += x;
        it->y += y;
        it->artifact = true;
        it->tag = NULL;
    }
}

static void running_heads(lctx *c)
{
    int pages = c->res->page_count;
    for (int i = 0; i < pages; i++) {
        page *p = &c->res->pages[i];
        const style_master *m = p->master;
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
    }
}

static inline_run *text_run(lctx *c, const char *text)
{
    inline_run *r = arena_alloc(c->a, sizeof *r);
    r->kind = INL_TEXT;
    r->text = text;
    r->link = -1;
    return r;
}

static void layout_cover(lctx *c)
{
    document *d = c->doc;
    /* A cover image shares its page with the title and the imprint. */
    double saved_height = c->frame_height, saved_share = c->image_share;
    c->frame_height = frame_height(style_master_get(c->st, "cover"));
    c->image_share = 0.4;
    tag_node *root = d->tag_root;
    layout_text(c, NULL, text_run(c, d->title), style_class_get(c->st, "cover-title"),
                tag_new(c->a, NULL, TAG_H1), 0, true);
    if (d->subtitle)
        layout_text(c, NULL, text_run(c, d->subtitle),
                    style_class_get(c->st, "cover-subtitle"), tag_new(c->a, NULL, TAG_P),
                    0, true);
    for (block *b = d->cover; b; b = b->next) {
        if (b->kind == BLK_PARA)
            layout_text(c, b, b->inlines, style_class_get(c->st, "cover-para"), b->tag,
                        0, false);
        else
            layout_one(c, b, 0);
    }
    if (d->organisation && *d->organisation)
        layout_text(c, NULL, text_run(c, d->organisation),
                    style_class_get(c->st, "cover-meta"), tag_new(c->a, NULL, TAG_P), 0,
                    true);
    if (d->pubdate)
        layout_text(c, NULL, text_run(c, d->pubdate), style_class_get(c->st, "cover-meta"),
                    tag_new(c->a, NULL, TAG_P), 0, true);
    c->frame_height = saved_height;
    c->image_share = saved_share;
    (void)root;
}

static void layout_toc(lctx *c, tag_node *toc_tag)
{
    document *d = c->doc;
    const style_class *title = style_class_get(c->st, "toc-title");
    /* The heading is the TOC's sibling: a TOC holds only TOCI. */
    tag_node *heading = tag_new(c->a, NULL, TAG_H1);
    heading->parent = toc_tag->parent;
    layout_text(c, NULL, text_run(c, c->st->strings.toc_title), title, heading, 0, true);
    const style_class *entry = style_class_get(c->st, "toc-entry");
    const style_class *num = style_class_get(c->st, "toc-number");
    double num_w = para_text_width(&c->pc, "00", num) + 12;
    double page_w = para_text_width(&c->pc, "0000", entry);
    for (int w = 0; w < d->workstream_count; w++) {
        const workstream *ws = &d->workstreams[w];
        tag_node *toci = tag_new(c->a, toc_tag, TAG_TOCI);
        tag_node *link_tag = tag_new(c->a, toci, TAG_LINK);
        int link = c->toc_link_base + w;
        link_tag->link_index = link;
        style_class cls = *entry;
        cls.indent_left = num_w;
        cls.indent_right = page_w + 8;
        int first = c->vl->count;
        layout_text(c, NULL, text_run(c, ws->title), &cls, link_tag, 0, false);
        if (first >= c->vl->count)
            continue;
        vbox *v0 = c->vl->v[first], *vn = c->vl->v[c->vl->count - 1];
        para_line *n = single_line(c, arena_printf(c->a, "%d", ws->number), num, link_tag);
        if (n)
            vbox_add_line(c, v0, n, 0, v0->first_baseline);
        char pg[16];
        snprintf(pg, sizeof pg, "%d", ws->page > 0 ? ws->page : 888);
        para_line *p = single_line(c, pg, entry, link_tag);
        double right = c->measure;
        if (p)
            vbox_add_line(c, vn, p, right - p->width, vn->first_baseline);
        double y_end = 0;
        for (int k = first; k < c->vl->count; k++)
            y_end += c->vl->v[k]->height + (k > first ? c->vl->v[k]->space_before : 0);
        page_item *a = vbox_item(c, v0, ITEM_LINK);
        a->x = 0;
        a->y = 0;
        a->w = c->measure;
        a->h = y_end;
        a->link = link;
        a->tag = link_tag;
        for (int k = first + 1; k < c->vl->count; k++)
            c->vl->v[k]->keep_with_prev = true;
        vbox_rule(c, vn, num_w, vn->height + 3, c->measure - num_w, 0.3,
                  c->st->table_rule_colour);
    }
}

static void add_toc_links(lctx *c)
{
    document *d = c->doc;
    doc_link *links = arena_alloc_array(c->a, (size_t)(d->link_count + d->workstream_count),
                                        sizeof *links);
    if (d->link_count)
        memcpy(links, d->links, (size_t)d->link_count * sizeof *links);
    c->toc_link_base = d->link_count;
    for (int w = 0; w < d->workstream_count; w++)
        links[d->link_count + w] = (doc_link){ .target = d->workstreams[w].section,
                                               .target_id = "toc",
                                               .workstream = d->workstreams[w].title };
    d->links = links;
}

static bool holds_budget(const block *b)
{
    for (; b; b = b->next)
        if ((b->kind == BLK_TABLE && b->table && b->table->budget) || holds_budget(b->children))
            return true;
    return false;
}

static void layout_body(lctx *c)
{
    document *d = c->doc;
    const style_master *opener = style_master_get(c->st, "opener");
    if (d->front) {
        c->break_next = true;
        c->break_master = opener;
        layout_blocks(c, d->front, 0);
    }
    const style_class *num_cls = style_class_get(c->st, "workstream-number");
    for (int w = 0; w < d->workstream_count; w++) {
        workstream *ws = &d->workstreams[w];
        c->break_next = true;
        /* The budget has a page master of its own when the style has one. */
        const style_master *budget = style_master_get(c->st, "budget");
        c->break_master = budget && holds_budget(ws->section->children) ? budget : opener;
        c->workstream = ws->title;
        int first = c->vl->count;
        layout_text(c, NULL, text_run(c, arena_printf(c->a, "%02d", ws->number)),
                    num_cls, NULL, 0, true);
        for (int k = first; k < c->vl->count; k++)
            vbox_mark_artifact(c->vl->v[k]);
        layout_blocks(c, ws->section->children, 0);
        if (first < c->vl->count)
            c->vl->v[first]->anchor = ws->section;
    }
    c->workstream = NULL;
}

static void init_ctx(lctx *c, arena *a, document *doc, const style *st,
                     font_set *fonts, diag_list *diags)
{
    memset(c, 0, sizeof *c);
    c->a = a;
    c->tmp = arena_new();
    c->doc = doc;
    c->st = st;
    c->diags = diags;
    para_ctx_init(&c->pc, a, c->tmp, fonts, st, diags, doc->lang);
    const style_master *cont = style_master_get(st, "continuation");
    const style_master *opener = style_master_get(st, "opener");
    double w1 = cont->width - cont->margin_inner - cont->margin_outer;
    double w2 = opener->width - opener->margin_inner - opener->margin_outer;
    c->measure = w1 < w2 ? w1 : w2;
    c->frame_height = frame_height(cont);
    c->image_share = 0.85;
    c->notes = arena_alloc_array(a, (size_t)doc->footnote_count + 1, sizeof(vlist));
}

static vlist *fresh_list(lctx *c)
{
    vlist *vl = arena_alloc(c->tmp, sizeof *vl);
    c->vl = vl;
    c->pending_space = 0;
    c->keep_next = c->break_next = false;
    return vl;
}

static layout_result *fresh_result(lctx *c)
{
    layout_result *r = arena_alloc(c->a, sizeof *r);
    c->res = r;
    return r;
}

/* Pages of one part appended to the result, renumbered. */
static void append_pages(lctx *c, layout_result *into, const layout_result *part)
{
    int offset = into->page_count;
    for (int i = 0; i < part->page_count; i++) {
        c->res = into;
        page *p = new_page(c, part->pages[i].master);
        int number = p->number;
        *p = part->pages[i];
        p->number = number;
        (void)offset;
    }
    for (int i = 0; i < part->outline_count; i++) {
        c->res = into;
        if (into->outline_count == into->outline_cap) {
            int cap = into->outline_cap ? into->outline_cap * 2 : 32;
            into->outline = arena_grow(c->a, into->outline, (size_t)into->outline_count,
                                       (size_t)cap, sizeof *into->outline);
            into->outline_cap = cap;
        }
        into->outline[into->outline_count++] = part->outline[i];
    }
}

layout_result *layout_document(arena *a, document *doc, const style *st,
                               font_set *fonts, const layout_options *opt,
                               diag_list *diags, layout_stats *stats)
{
    lctx c;
    init_ctx(&c, a, doc, st, fonts, diags);
    c.print = opt && opt->print;
    c.require_alt = opt && opt->require_alt;
    c.progress = opt ? opt->progress : NULL;
    add_toc_links(&c);
    /* Cover. */
    vlist *cover = fresh_list(&c);
    layout_cover(&c);
    layout_result *cover_pages = fresh_result(&c);
    paginate(&c, cover, style_master_get(st, "cover"), style_master_get(st, "cover"));
    if (cover_pages->page_count == 0) /* a document always has its cover */
        new_page(&c, style_master_get(st, "cover"));
    /* Contents: its length first, with placeholder numbers. */
    tag_node *toc_tag = NULL;
    int toc_pages = 0;
    if (doc->workstream_count) {
        toc_tag = tag_new(a, NULL, TAG_TOC);
        vlist *toc = fresh_list(&c);
        c.break_next = true;
        c.break_master = style_master_get(st, "contents");
        layout_toc(&c, tag_new(a, NULL, TAG_TOC));
        fresh_result(&c);
        for (int k = 0; k < cover_pages->page_count; k++)
            new_page(&c, style_master_get(st, "cover"));
        paginate(&c, toc, style_master_get(st, "contents"),
                 style_master_get(st, "contents"));
        toc_pages = c.res->page_count - cover_pages->page_count;
    }
    /* Body, again while cross-reference page numbers move. */
    layout_result *body = NULL;
    int passes = 0;
    bool has_refs = doc->link_count > c.toc_link_base ? false : false;
    for (int i = 0; i < c.toc_link_base; i++)
        has_refs |= doc->links[i].target != NULL;
    do {
        c.anchor_changes = 0;
        vlist *vl = fresh_list(&c);
        layout_body(&c);
        body = fresh_result(&c);
        body->page_count = 0;
        /* Pages are numbered from the start of the document. */
        for (int k = 0; k < cover_pages->page_count + toc_pages; k++)
            new_page(&c, style_master_get(st, "continuation"));
        body->page_count = cover_pages->page_count + toc_pages;
        paginate(&c, vl, style_master_get(st, "opener"),
                 style_master_get(st, "continuation"));
        passes++;
    } while (has_refs && c.anchor_changes && passes < LAYOUT_MAX_PASSES &&
             !diag_has_errors(diags));
    for (int w = 0; w < doc->workstream_count; w++)
        doc->workstreams[w].page = doc->workstreams[w].section->page;
    /* Contents with the real numbers. */
    layout_result *out = fresh_result(&c);
    append_pages(&c, out, cover_pages);
    if (toc_tag) {
        vlist *toc = fresh_list(&c);
        c.break_next = true;
        c.break_master = style_master_get(st, "contents");
        layout_toc(&c, toc_tag);
        layout_result *tp = fresh_result(&c);
        tp->page_count = 0;
        for (int k = 0; k < cover_pages->page_count; k++)
            new_page(&c, style_master_get(st, "cover"));
        paginate(&c, toc, style_master_get(st, "contents"),
                 style_master_get(st, "contents"));
        layout_result part = *tp;
        part.pages += cover_pages->page_count;
        part.page_count -= cover_pages->page_count;
        if (part.page_count != toc_pages)
            diag_add(diags, DIAG_WARNING, (src_loc){ doc->source_file, 0, 0 },
                     "the table of contents changed length between passes");
        append_pages(&c, out, &part);
        /* Structure elements join their parent in drawing order (emit),
         * so the TOC follows the cover by itself. */
        toc_tag->parent = doc->tag_root;
    }
    layout_result part = *body;
    part.pages += cover_pages->page_count + toc_pages;
    part.page_count -= cover_pages->page_count + toc_pages;
    append_pages(&c, out, &part);
    c.res = out;
    out->toc_tag = toc_tag;
    running_heads(&c);
    if (stats) {
        stats->para = c.pc.stats;
        stats->passes = passes;
    }
    para_ctx_free(&c.pc);
    arena_free(c.tmp);
    return out;
}
