#include "layout_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "mem.h"

/* ---- the vertical list ------------------------------------------------------ */

vbox *layout_vbox_new(lctx *c)
{
    vlist *vl = c->vl;
    vl->v = arena_reserve(c->tmp, vl->v, (size_t)vl->count, &vl->cap, sizeof *vl->v);
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
page_item *layout_item_append(arena *a, page_item **items, int *count, size_t *cap,
                              item_kind kind)
{
    *items = arena_reserve(a, *items, (size_t)*count, cap, sizeof **items);
    page_item *it = &(*items)[(*count)++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->fill = it->stroke = -1;
    it->link = -1;
    return it;
}

page_item *layout_vbox_item(lctx *c, vbox *v, item_kind kind)
{
    return layout_item_append(c->tmp, &v->items, &v->count, &v->cap, kind);
}

static void copy_line_items(lctx *c, vbox *v, const para_line *ln, double x0,
                            double baseline)
{
    for (int i = 0; i < ln->count; i++) {
        page_item *it = layout_vbox_item(c, v, ln->items[i].kind);
        *it = ln->items[i];
        it->x += x0;
        it->y += baseline;
    }
}

static void vbox_take_notes(lctx *c, vbox *v, const para_line *ln)
{
    for (int i = 0; i < ln->note_count; i++)
        para_notes_push(c->tmp, &v->notes, &v->note_count, &v->note_cap, ln->notes[i]);
}

/* Most vboxes hold one line: they point at it instead of copying it. */
void layout_vbox_add_line(lctx *c, vbox *v, para_line *ln, double x0, double baseline)
{
    if (!v->line && v->count == 0) {
        v->line = ln;
        v->line_x = x0;
        v->line_y = baseline;
        vbox_take_notes(c, v, ln);
        return;
    }
    copy_line_items(c, v, ln, x0, baseline);
    vbox_take_notes(c, v, ln);
}

/* Turns the line a vbox points at into its own items, so that what is
 * added next is drawn after the line, not before it. */
void layout_vbox_own_line(lctx *c, vbox *v)
{
    para_line *ln = v->line;
    if (!ln)
        return;
    v->line = NULL;
    copy_line_items(c, v, ln, v->line_x, v->line_y);
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

page_item *layout_vbox_rect(lctx *c, vbox *v, double x, double y, double w,
                            double h, int fill)
{
    page_item *r = layout_vbox_item(c, v, ITEM_RECT);
    r->x = x;
    r->y = y;
    r->w = w;
    r->h = h;
    r->fill = fill;
    r->artifact = true;
    return r;
}

void layout_vbox_rule(lctx *c, vbox *v, double x, double y, double w,
                      double width, int colour)
{
    page_item *r = layout_vbox_item(c, v, ITEM_RULE);
    r->x = x;
    r->y = y;
    r->w = w;
    r->h = 0;
    r->line_width = width;
    r->stroke = colour;
    r->artifact = true;
}

void layout_space_before(lctx *c, double space)
{
    if (space > c->pending_space)
        c->pending_space = space;
}

/* ---- running text ------------------------------------------------------ */

double layout_line_baseline(const para_result *pr, double leading)
{
    return pr->ascent + (leading - pr->ascent - pr->descent) / 2;
}

/* How much taller than the leading a line is: an image in it higher than
 * the space above its baseline pushes the baseline (and what follows)
 * down by the difference, as TeX's line of a taller box is. */
double layout_line_extra(const para_line *ln, double baseline)
{
    return ln->image_height > baseline ? ln->image_height - baseline : 0;
}

/* The height of a paragraph's lines together. */
double layout_lines_height(const para_result *pr, double leading)
{
    double bl = layout_line_baseline(pr, leading), h = 0;
    for (int l = 0; l < pr->count; l++)
        h += leading + layout_line_extra(&pr->lines[l], bl);
    return h;
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

/* A box that is never split (a table row, a paragraph with a background)
 * and is taller than the frame runs off the page, which the last guard
 * reports only as a fault of the layout, without a line: said here, at
 * WHAT's line, with what the editor can do. */
void layout_check_unsplit(lctx *c, src_loc loc, double height, const char *what,
                          const char *advice)
{
    if (height > c->frame_height)
        diag_add(c->diags, DIAG_ERROR, loc, "this %s is %.0f pt high and a page holds "
                 "%.0f pt: it is never split over pages, %s", what, height, c->frame_height,
                 advice);
}

/* A paragraph with a background is one box, kept whole: a button when it
 * holds one link (the whole button is the link). */
static void layout_boxed(lctx *c, const para_result *pr, const style_class *cls,
                         double x0, block *anchor)
{
    vbox *v = layout_vbox_new(c);
    v->anchor = anchor;
    double px = cls->padding_x, py = cls->padding_y;
    double widest = 0;
    for (int l = 0; l < pr->count; l++)
        if (pr->lines[l].width > widest)
            widest = pr->lines[l].width;
    double w = widest + 2 * px, h = layout_lines_height(pr, cls->leading) + 2 * py;
    if (h < cls->min_height)
        h = cls->min_height;
    page_item *box = layout_vbox_rect(c, v, x0, 0, w, h, cls->background);
    box->stroke = cls->border_colour;
    box->line_width = cls->border_width;
    box->radius = cls->radius;
    double bl = layout_line_baseline(pr, cls->leading);
    int link;
    tag_node *link_tag = NULL;
    bool button = lines_single_link(pr, &link, &link_tag);
    double y = py;
    for (int l = 0; l < pr->count; l++) {
        para_line *ln = &pr->lines[l];
        /* A button is one link: the per-line areas give way to it. */
        for (int i = 0; button && i < ln->count; i++)
            if (ln->items[i].kind == ITEM_LINK)
                ln->items[i].kind = ITEM_RULE, ln->items[i].line_width = 0,
                ln->items[i].stroke = -1, ln->items[i].artifact = true;
        double extra = layout_line_extra(ln, bl);
        layout_vbox_add_line(c, v, ln, x0 + px, y + bl + extra);
        if (l == 0)
            v->first_baseline = py + bl + extra;
        y += cls->leading + extra;
    }
    if (button) {
        page_item *a = layout_vbox_item(c, v, ITEM_LINK);
        a->x = x0;
        a->y = 0;
        a->w = w;
        a->h = h;
        a->link = link;
        a->tag = link_tag;
    }
    v->height = h;
    layout_check_unsplit(c, anchor ? anchor->loc : (src_loc){ 0 }, h, "boxed paragraph",
                         "make it shorter");
}

static void layout_rule_below(lctx *c, const style_class *cls, double x0,
                              double measure)
{
    if (cls->rule_colour < 0 || cls->rule_width <= 0)
        return;
    vbox *v = layout_vbox_new(c);
    v->keep_with_prev = true;
    double len = cls->rule_length > 0 ? cls->rule_length : measure;
    layout_vbox_rule(c, v, x0, cls->rule_gap + cls->rule_width / 2, len,
              cls->rule_width, cls->rule_colour);
    v->height = cls->rule_gap + cls->rule_width;
}

/* Lines of a paragraph, each its own vbox with widow and orphan rules. */
static void layout_lines(lctx *c, const para_result *pr, const style_class *cls,
                         double x0, block *anchor, bool keep_whole)
{
    const style_typography *t = &c->st->typo;
    double bl = layout_line_baseline(pr, cls->leading);
    int n = pr->count;
    /* After a heading, its first lines go with it to the next page. */
    int kept = c->keep_next ? t->heading_keep_lines : 0;
    for (int k = 0; k < n; k++) {
        vbox *v = layout_vbox_new(c);
        v->on_grid = cls->on_grid;
        if (k == 0)
            v->anchor = anchor;
        else
            v->keep_with_prev = keep_whole || k < t->orphans || k < kept || n - k < t->widows;
        double extra = layout_line_extra(&pr->lines[k], bl), grid = c->st->baseline_grid;
        if (cls->on_grid && grid > 0) /* the next line stays on the grid */
            extra = ceil(extra / grid - 1e-6) * grid;
        layout_vbox_add_line(c, v, &pr->lines[k], x0, bl + extra);
        v->height = cls->leading + extra;
        v->first_baseline = bl + extra;
    }
}

/* A paragraph whose text ends in a colon right before a list introduces
 * it ("De stappen die het netwerk wil zetten:"): it never stands alone at
 * the foot of a page, it is kept with the list's first lines. */
static bool introduces_list(const block *bl)
{
    if (!bl || bl->kind != BLK_PARA || !bl->next || bl->next->kind != BLK_LIST)
        return false;
    const char *last = NULL;
    for (const inline_run *r = bl->inlines; r; r = r->next)
        if (r->text && *r->text)
            last = r->text;
    if (!last)
        return false;
    size_t n = strlen(last);
    while (n > 0 && last[n - 1] == ' ')
        n--;
    return n > 0 && last[n - 1] == ':';
}

/* The width a block's text is set to (the predictions of parapool too). */
static double text_measure(const lctx *c, const style_class *cls, double indent)
{
    bool boxed = cls->background >= 0 || cls->border_colour >= 0;
    double x0 = indent + cls->indent_left;
    return c->measure - x0 - cls->indent_right - (boxed ? 2 * cls->padding_x : 0);
}

static void layout_text(lctx *c, block *bl, const inline_run *runs,
                        const style_class *cls, tag_node *tag, double indent,
                        bool keep_whole)
{
    bool boxed = cls->background >= 0 || cls->border_colour >= 0;
    double x0 = indent + cls->indent_left;
    double measure = text_measure(c, cls, indent);
    para_req rq = { runs, cls, tag, measure, bl ? bl->lang : NULL,
                    bl ? bl->loc : (src_loc){ 0 }, -1 };
    para_result pr;
    if (!parapool_take(c->pool, &rq, &pr))
        pr = para_typeset(&c->pc, runs, cls, tag, measure, rq.lang, rq.loc);
    if (pr.count == 0)
        return;
    if (cls->break_before && !c->break_next) {
        c->break_next = true;
        c->break_master = style_master_get(c->st, "continuation");
    }
    layout_space_before(c, cls->space_before);
    if (boxed)
        layout_boxed(c, &pr, cls, x0, bl);
    else
        layout_lines(c, &pr, cls, x0, bl, keep_whole);
    layout_rule_below(c, cls, x0, measure);
    c->pending_space = cls->space_after;
    c->keep_next = cls->keep_with_next || introduces_list(bl);
}

/* ---- lists ------------------------------------------------------------------ */

static void layout_blocks(lctx *c, block *first, double indent);
static void layout_one(lctx *c, block *b, double indent);

para_line *layout_single_line(lctx *c, const char *text, const style_class *cls,
                              tag_node *tag)
{
    inline_run r = { .kind = INL_TEXT, .text = text, .link = -1 };
    style_class left = *cls;
    left.align = ALIGN_LEFT;
    left.hyphenate = false;
    left.prefix = left.suffix = NULL;
    para_result pr = para_typeset(&c->pc, &r, &left, tag, 10000, NULL, (src_loc){ 0 });
    return pr.count ? &pr.lines[0] : NULL;
}

/* Where a list's items start: one list-indent in, unless that would leave
 * less than the style's list-min-measure for the text; then the list is set
 * at its parent's indent (and the editor hears of it), so that nesting never
 * pushes text out of the frame. */
static double list_item_indent(lctx *c, const block *list, double indent)
{
    double in = indent + c->st->list_indent;
    /* a list that is not nested always gets its indent */
    if (c->measure - in >= c->st->list_min_measure || indent < c->st->list_indent)
        return in;
    if (!c->list_capped) /* once, at the outermost list concerned */
        diag_add(c->diags, DIAG_WARNING, list->loc,
                 "lists nested this deep are not indented further: their text would "
                 "have less than %.0f pt (the style's list-min-measure)",
                 c->st->list_min_measure);
    c->list_capped = true;
    return indent;
}

/* An item's blocks at its text's indent; the terms of a definition list
 * (tagged Lbl) at the list's own left edge, as a reader of a glossary
 * expects, their class's indent-left from there. */
static void layout_item_blocks(lctx *c, block *first, double indent, double text_x)
{
    for (block *b = first; b; b = b->next)
        layout_one(c, b, b->tag && b->tag->role == TAG_LBL ? indent : text_x);
}

/* How much wider than the hang space (list-indent less list-label-gap)
 * the list's widest label is: its text moves right by that, so that no
 * label ("10.", a FAQ's "Q :") runs into it or reads as part of its first
 * word. */
static double label_overhang(lctx *c, const block *list, const style_class *cls)
{
    double widest = 0;
    for (const block *item = list->children; item; item = item->next)
        if (item->kind == BLK_ITEM && item->label) {
            para_line *ln = layout_single_line(c, item->label, cls, NULL);
            if (ln && ln->width > widest)
                widest = ln->width;
        }
    double over = widest + c->st->list_label_gap - c->st->list_indent;
    return over > 0 ? over : 0;
}

/* An item with nothing in it (<listitem/>, pandoc's "- " alone) keeps a
 * line for its label, as DocBook's stylesheets print it: its number was
 * counted and never shown ("1." then "3."). */
static void empty_item_box(lctx *c, const block *item, const style_class *cls)
{
    inline_run r = { .kind = INL_TEXT, .text = item->label, .link = -1 };
    para_result pr = para_typeset(&c->pc, &r, cls, NULL, 10000, NULL, (src_loc){ 0 });
    vbox *v = layout_vbox_new(c);
    v->height = cls->leading;
    v->first_baseline = layout_line_baseline(&pr, cls->leading);
}

static void layout_list(lctx *c, block *list, double indent)
{
    const style_class *cls = list->style;
    bool was_in_list = c->in_list, was_capped = c->list_capped;
    const style_class *was_class = c->list_class;
    double hang = label_overhang(c, list, cls);
    c->in_list = true;
    c->list_class = cls;
    for (block *item = list->children; item; item = item->next) {
        if (item->kind != BLK_ITEM) {
            layout_one(c, item, indent); /* the list's title */
            continue;
        }
        int first = c->vl->count;
        double text_x = list_item_indent(c, list, indent) + hang;
        layout_item_blocks(c, item->children, indent, text_x);
        if (first == c->vl->count && item->label)
            empty_item_box(c, item, cls);
        layout_anchor_target(c, item, first);
        if (first >= c->vl->count || !item->label)
            continue;
        vbox *v = c->vl->v[first];
        tag_node *lbl = item->tag ? item->tag->first : NULL;
        para_line *ln = layout_single_line(c, item->label, cls, lbl);
        if (!ln)
            continue;
        /* the label hangs left of the text, never left of the list's edge
           (a list not indented further hangs into its parent's) */
        double edge = text_x - hang - c->st->list_indent;
        double x = text_x - c->st->list_label_gap - ln->width;
        layout_vbox_add_line(c, v, ln, x < edge ? edge : x, v->first_baseline);
    }
    c->in_list = was_in_list;
    c->list_class = was_class;
    c->list_capped = was_capped;
    /* A list ends like a paragraph, whatever its items' spacing (a nested
     * list like an item). */
    layout_space_before(c, was_in_list ? cls->space_after
                                : style_class_get(c->st, "body")->space_after);
}

/* ---- images ---------------------------------------------------------------- */

/* Checks an image: its file (an error) and its alternative text. */
static bool image_checked(lctx *c, const block *bl, image_info *info)
{
    const char *err = image_probe(bl->image->path, info);
    if (err) {
        diag_add(c->diags, DIAG_ERROR, bl->loc, "image '%s': %s", bl->image->ref, err);
        return false;
    }
    if (!bl->image->alt && !bl->image->decorative)
        diag_add(c->diags, c->require_alt ? DIAG_ERROR : DIAG_WARNING, bl->loc,
                 "image without alternative text: add <textobject><phrase> "
                 "(or role=\"decorative\" on the mediaobject)");
    return info->width > 0 && info->height > 0;
}

/* The size the source asks for (a width, a share of avail, a depth, a
 * scale; width and depth together: the largest size within both, never
 * distorted, as DocBook's stylesheets scale uniformly), true; else the
 * natural size, 0.75 pt a pixel (96 dpi, as browsers and Word read a
 * pixel), false. */
static bool requested_size(const image_model *img, const image_info *info, double avail,
                           double *w, double *h)
{
    bool turned = image_turned(info);
    double nw = (turned ? info->height : info->width) * IMAGE_PT_PER_PX;
    double nh = (turned ? info->width : info->height) * IMAGE_PT_PER_PX;
    double want_w = img->width_pt > 0 ? img->width_pt
                    : img->width_pt < 0 ? -img->width_pt * avail : 0;
    double s = img->scale > 0 ? img->scale : 1;
    if (want_w > 0 && img->depth_pt > 0)
        s = fmin(want_w / nw, img->depth_pt / nh);
    else if (want_w > 0)
        s = want_w / nw;
    else if (img->depth_pt > 0)
        s = img->depth_pt / nh;
    *w = nw * s;
    *h = nh * s;
    return want_w > 0 || img->depth_pt > 0 || img->scale > 0;
}

/* Scales w x h down to at most max_h high. */
static void cap_height(double *w, double *h, double max_h)
{
    if (*h > max_h) {
        *w *= max_h / *h;
        *h = max_h;
    }
}

/* Checks an image and sizes it for a measure: its requested size, else its
 * natural size, never wider than avail or taller than the page allows,
 * never distorted. False (with a diagnostic) when it cannot be used. */
bool layout_figure_size(lctx *c, const block *bl, double avail, double *width, double *height)
{
    image_info info;
    if (!image_checked(c, bl, &info))
        return false;
    requested_size(bl->image, &info, avail, width, height);
    if (*width > avail) {
        *height *= avail / *width;
        *width = avail;
    }
    cap_height(width, height, c->frame_height * c->image_share);
    return true;
}

/* An image in a line of text (para.c asks): its requested size, else its
 * natural size within the style's inline-image-height, so that an icon
 * drawn large sits in the line like a letter; never taller than a figure
 * may be (para.c keeps it within the measure). */
static bool inline_image_size(void *ctx, const block *fig, double em, double measure,
                              double *w, double *h)
{
    lctx *c = ctx;
    image_info info;
    if (!image_checked(c, fig, &info))
        return false;
    if (!requested_size(fig->image, &info, measure, w, h))
        cap_height(w, h, c->st->typo.inline_image_height * em);
    cap_height(w, h, c->frame_height * c->image_share);
    return *w > 0 && *h > 0;
}

page_item *layout_figure_item(lctx *c, vbox *v, const block *bl, double x, double y, double w,
                       double h)
{
    page_item *it = layout_vbox_item(c, v, ITEM_IMAGE);
    it->x = (float)x;
    it->y = (float)y;
    it->w = (float)w;
    it->h = (float)h;
    it->image = bl->image;
    it->tag = bl->tag;
    it->artifact = bl->image->decorative;
    it->link = -1;
    if (bl->link_tag) { /* a linked image: the link covers it */
        page_item *a = layout_vbox_item(c, v, ITEM_LINK);
        a->x = (float)x;
        a->y = (float)y;
        a->w = (float)w;
        a->h = (float)h;
        a->link = bl->link_tag->link_index;
        a->tag = bl->link_tag;
        it = a - 1;
    }
    return it;
}

/* A figure (an example) is kept on one page: every vbox after its first
 * keeps with the one before. One taller than a page starts where it
 * stands and splits where the page ends, only its first two lines (a
 * title and what it heads) kept together: moved to a page of its own it
 * would split all the same, after a gap. */
static void keep_together(lctx *c, int first)
{
    double height = 0;
    for (int k = first; k < c->vl->count; k++)
        height += c->vl->v[k]->height + (k > first ? c->vl->v[k]->space_before : 0);
    bool fits = height <= c->frame_height;
    for (int k = first + 1; k < c->vl->count && (fits || k == first + 1); k++)
        c->vl->v[k]->keep_with_prev = true;
}

static void layout_figure(lctx *c, block *bl, double indent)
{
    int first = c->vl->count;
    if (bl->image) {
        double avail = c->measure - indent, w, h;
        if (!layout_figure_size(c, bl, avail, &w, &h))
            return;
        layout_space_before(c, style_class_get(c->st, "body")->space_after);
        vbox *v = layout_vbox_new(c);
        v->anchor = bl;
        layout_figure_item(c, v, bl, indent + (avail - w) / 2, 0, w, h);
        v->height = h;
        c->pending_space = style_class_get(c->st, "body")->space_after;
    }
    /* Its caption (below), and the blocks of a figure without one image. */
    layout_blocks(c, bl->children, indent);
    if (first < c->vl->count && !c->vl->v[first]->anchor)
        c->vl->v[first]->anchor = bl;
    keep_together(c, first);
}

/* ---- listings and boxes ------------------------------------------------------ */

/* A listing's lines as written: each source line its own paragraph in the
 * code class (wrapped only when wider than the measure), the spacing of
 * the class around the whole; it may split across pages between lines. */
static void layout_code(lctx *c, block *bl, double indent)
{
    const style_class *cls = bl->style;
    double x0 = indent + cls->indent_left;
    double measure = c->measure - x0 - cls->indent_right;
    layout_space_before(c, cls->space_before);
    for (block *ln = bl->children; ln; ln = ln->next) {
        para_result pr = para_typeset(&c->pc, ln->inlines, cls, ln->tag, measure, bl->lang,
                                      ln->loc);
        layout_lines(c, &pr, cls, x0, ln == bl->children ? bl : NULL, false);
    }
    c->pending_space = cls->space_after;
}

/* A rect drawn before everything else the vbox holds (its line is drawn
 * after its items, so only the copied items need moving). */
static void box_back_rect(lctx *c, vbox *v, double x, double w, int fill)
{
    layout_vbox_rect(c, v, x, 0, w, v->height, fill);
    page_item it = v->items[v->count - 1];
    memmove(v->items + 1, v->items, (size_t)(v->count - 1) * sizeof *v->items);
    v->items[0] = it;
}

/* An empty vbox of the box's vertical padding, kept with its content. */
static vbox *box_pad(lctx *c, double height)
{
    vbox *v = layout_vbox_new(c);
    v->height = height;
    return v;
}

/* The fill and the left border of a set-apart box, drawn behind each of
 * its vboxes so that it splits across pages with them: the space between
 * its blocks becomes part of the vbox above (and so filled too), and its
 * lines leave the baseline grid, which would open unfilled gaps. */
static void box_paint(lctx *c, const style_class *cls, int first, double x, double w)
{
    for (int k = first; k < c->vl->count; k++) {
        vbox *v = c->vl->v[k];
        if (k + 1 < c->vl->count) {
            v->height += c->vl->v[k + 1]->space_before;
            c->vl->v[k + 1]->space_before = 0;
        }
        v->on_grid = false;
        if (cls->border_colour >= 0 && cls->border_width > 0)
            box_back_rect(c, v, x, cls->border_width, cls->border_colour);
        if (cls->background >= 0)
            box_back_rect(c, v, x, w, cls->background);
    }
}

/* A quotation or note: its blocks indented by its class, its spacing
 * around them; with a fill or border in its class, a set-apart box
 * (padded by the class) that may split across pages. */
static void layout_box(lctx *c, block *bl, double indent)
{
    const style_class *cls = bl->style;
    bool boxed = cls->background >= 0 || (cls->border_colour >= 0 && cls->border_width > 0);
    double px = boxed ? cls->padding_x : 0, py = boxed ? cls->padding_y : 0;
    double x = indent + cls->indent_left, saved_measure = c->measure;
    layout_space_before(c, cls->space_before);
    int first = c->vl->count;
    if (boxed && py > 0)
        box_pad(c, py);
    c->measure -= cls->indent_right + px;
    layout_blocks(c, bl->children, x + px);
    c->measure = saved_measure;
    if (boxed && first < c->vl->count) {
        if (py > 0) {
            c->pending_space = 0; /* the padding ends the box, not its last block's space */
            c->vl->v[first + 1 < c->vl->count ? first + 1 : first]->keep_with_prev = true;
            box_pad(c, py)->keep_with_prev = true;
        }
        box_paint(c, cls, first, x, c->measure - cls->indent_right - x);
    }
    if (first < c->vl->count && !c->vl->v[first]->anchor)
        c->vl->v[first]->anchor = bl;
    layout_space_before(c, cls->space_after);
}

/* ---- blocks ------------------------------------------------------------------- */

static void layout_footnote_body(lctx *c, block *note)
{
    vlist *saved = c->vl;
    double saved_space = c->pending_space;
    bool saved_keep = c->keep_next, saved_break = c->break_next;
    vlist *nl = &c->notes[note->number - 1];
    /* Laid out afresh (the scratch of an earlier pass or part is gone). */
    *nl = (vlist){ 0 };
    c->vl = nl;
    c->pending_space = 0;
    c->keep_next = c->break_next = false;
    bool first = true;
    for (block *p = note->children; p; p = p->next) {
        if (p->kind == BLK_PARA && first) {
            inline_run *mark = arena_alloc(c->tmp, sizeof *mark);
            *mark = (inline_run){ .kind = INL_TEXT,
                                  .text = arena_printf(c->tmp, "%d ", note->number),
                                  .link = -1, .loc = p->loc, .next = p->inlines };
            layout_text(c, p, mark, p->style, p->tag, 0, false);
            first = false;
        } else
            layout_one(c, p, 0); /* one block: layout_blocks would walk p's
                                    siblings again (1 2 3 3) */
    }
    c->vl = saved;
    c->pending_space = saved_space;
    c->keep_next = saved_keep;
    c->break_next = saved_break;
}

void layout_notes_of(lctx *c, const inline_run *runs)
{
    for (const inline_run *r = runs; r; r = r->next)
        if (r->kind == INL_NOTEREF && r->note)
            layout_footnote_body(c, r->note);
}

static void layout_heading(lctx *c, block *h, double indent)
{
    layout_notes_of(c, h->inlines);
    int first = c->vl->count;
    layout_text(c, h, h->inlines, h->style, h->tag, indent, true);
    if (first < c->vl->count) {
        c->vl->v[first]->outline_title = h->title_text;
        c->vl->v[first]->outline_level = h->level;
    }
}

/* A link's target that no vbox anchors (a list, a box, a FAQ: their
 * blocks anchor themselves) is placed where its first vbox is: an xref to
 * it printed the page of no pass (88). */
void layout_anchor_target(lctx *c, block *b, int first)
{
    if (first >= c->vl->count || ptrindex_get(&c->targets, b) < 0)
        return;
    vbox *v = c->vl->v[first];
    for (const block *a = v->anchor; a; a = a->anchor_of)
        if (a == b)
            return;
    for (const anchor_more *m = v->more; m; m = m->next)
        if (m->b == b)
            return;
    if (!v->anchor) {
        v->anchor = b;
        return;
    }
    anchor_more *m = arena_alloc(c->tmp, sizeof *m);
    *m = (anchor_more){ b, v->more };
    v->more = m;
}

static void layout_kind(lctx *c, block *b, double indent);

/* A block, then its place if it is a link's target. */
static void layout_one(lctx *c, block *b, double indent)
{
    int first = c->vl->count;
    layout_kind(c, b, indent);
    layout_anchor_target(c, b, first);
}

/* One case per block kind, each a call of the same shape (duplicates
 * lists the run of cases): a dispatch, deliberately not a table, so the
 * compiler checks that every kind is handled. */
static void layout_kind(lctx *c, block *b, double indent)
{
    switch (b->kind) {
    case BLK_PARA: {
        const style_class *cls = b->style;
        if (c->in_list && cls == style_class_get(c->st, "body"))
            cls = c->list_class;
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
    case BLK_CODE:
        layout_code(c, b, indent);
        break;
    case BLK_BOX:
        layout_box(c, b, indent);
        break;
    case BLK_CHART:
        layout_chart(c, b, indent);
        break;
    }
}

static void layout_blocks(lctx *c, block *first, double indent)
{
    for (block *b = first; b; b = b->next)
        layout_one(c, b, indent);
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
    c->frame_height = layout_frame_height(style_master_get(c->st, "cover"));
    c->image_share = c->st->cover_image_share;
    layout_text(c, NULL, text_run(c, d->title), style_class_get(c->st, "cover-title"),
                model_tag_new(c->a, NULL, TAG_H1), 0, true);
    if (d->subtitle)
        layout_text(c, NULL, text_run(c, d->subtitle),
                    style_class_get(c->st, "cover-subtitle"), model_tag_new(c->a, NULL, TAG_P),
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
                    style_class_get(c->st, "cover-meta"), model_tag_new(c->a, NULL, TAG_P), 0,
                    true);
    if (d->pubdate)
        layout_text(c, NULL, text_run(c, d->pubdate), style_class_get(c->st, "cover-meta"),
                    model_tag_new(c->a, NULL, TAG_P), 0, true);
    c->frame_height = saved_height;
    c->image_share = saved_share;
}

/* "000…": n digits, whose width sizes a column of numbers. */
static const char *digits(lctx *c, int n)
{
    char *s = arena_alloc(c->tmp, (size_t)n + 1);
    memset(s, '0', (size_t)n);
    return s;
}

/* The page number of a contents entry whose workstream has no page (it
 * set nothing): three digits, about the room of a number. */
#define LAYOUT_UNKNOWN_PAGE 888

static vlist *fresh_list(lctx *c);

/* One contents entry: its vboxes in the contents' list, [first, end). */
typedef struct toc_entry {
    int first, end;
    tag_node *link_tag;
} toc_entry;

/* The contents, typeset once, before the body: its length numbers the
 * body's pages. Paginated twice: for that length, then, after the body,
 * with the page numbers. What typesetting it reported and counted is
 * reported after the body, where typesetting it again would have. */
typedef struct toc_layout {
    vlist *list;
    toc_entry *entries;  /* per workstream; first == end: nothing set */
    double num_w;        /* the entries' indent: their number and its gap */
    diag_list diags;
    para_missing *missing;
    size_t missing_count;
    para_stats stats;
} toc_layout;

/* The heading and each entry's title and number, in list order. */
static void toc_entries(lctx *c, tag_node *toc_tag, toc_layout *t)
{
    document *d = c->doc;
    const style_class *title = style_class_get(c->st, "toc-title");
    /* The heading is the TOC's sibling: a TOC holds only TOCI. */
    tag_node *heading = model_tag_new(c->a, NULL, TAG_H1);
    heading->parent = toc_tag->parent;
    layout_text(c, NULL, text_run(c, c->st->strings.toc_title), title, heading, 0, true);
    const style_class *entry = style_class_get(c->st, "toc-entry");
    const style_class *num = style_class_get(c->st, "toc-number");
    t->num_w = para_text_width(&c->pc, digits(c, c->st->toc_number_digits), num) +
               c->st->toc_number_gap;
    double page_w = para_text_width(&c->pc, digits(c, c->st->toc_page_digits), entry);
    t->entries = arena_alloc_array(c->tmp, (size_t)d->workstream_count + 1, sizeof *t->entries);
    for (int w = 0; w < d->workstream_count; w++) {
        const workstream *ws = &d->workstreams[w];
        /* TOCI: the number as its Lbl, then the title and the page number
         * in a Reference holding the Link (a TOCI holds no Link itself). */
        tag_node *toci = model_tag_new(c->a, toc_tag, TAG_TOCI);
        tag_node *lbl = model_tag_new(c->a, toci, TAG_LBL);
        tag_node *ref = model_tag_new(c->a, toci, TAG_REFERENCE);
        tag_node *link_tag = model_tag_new(c->a, ref, TAG_LINK);
        link_tag->link_index = c->toc_link_base + w;
        style_class cls = *entry;
        cls.indent_left = t->num_w;
        cls.indent_right = page_w + c->st->toc_page_gap;
        int first = c->vl->count;
        layout_text(c, NULL, text_run(c, ws->title), &cls, link_tag, 0, false);
        t->entries[w] = (toc_entry){ first, c->vl->count, link_tag };
        if (first >= c->vl->count)
            continue;
        vbox *v0 = c->vl->v[first];
        para_line *n = layout_single_line(c, arena_printf(c->a, "%d", ws->number), num, lbl);
        if (n)
            layout_vbox_add_line(c, v0, n, 0, v0->first_baseline);
        for (int k = first + 1; k < c->vl->count; k++)
            c->vl->v[k]->keep_with_prev = true;
    }
}

/* The counts since saved, kept in t; the context back to saved. */
static void toc_keep_tally(lctx *c, para_tally *saved, toc_layout *t)
{
    t->stats = c->pc.stats;
    para_stats_add(&t->stats, &saved->stats, -1);
    t->missing = arena_alloc_array(c->tmp, c->pc.missing_count + 1, sizeof *t->missing);
    for (size_t i = 0; i < c->pc.missing_count; i++) {
        para_missing m = c->pc.missing[i];
        m.count -= i < saved->missing_count ? saved->counts[i] : 0;
        if (m.count > 0)
            t->missing[t->missing_count++] = m;
    }
    para_tally_restore(&c->pc, saved);
}

/* The contents typeset into t->list, its tags under toc_tag; what that
 * reported and counted held in t. */
static void toc_typeset(lctx *c, tag_node *toc_tag, toc_layout *t)
{
    *t = (toc_layout){ fresh_list(c), NULL, 0, { 0 }, NULL, 0, { 0 } };
    diag_init(&t->diags);
    c->break_next = true;
    c->break_master = style_master_get(c->st, "contents");
    diag_list *layout_diags = c->diags, *para_diags = c->pc.diags;
    c->diags = c->pc.diags = &t->diags;
    para_tally saved;
    para_tally_save(&c->pc, &saved);
    toc_entries(c, toc_tag, t);
    toc_keep_tally(c, &saved, t);
    c->diags = layout_diags;
    c->pc.diags = para_diags;
}

/* What typesetting the contents reported and counted, as if now; then
 * each entry's page number, its link and the rule under it. */
static void toc_finish(lctx *c, toc_layout *t)
{
    diag_insert(c->diags, diag_mark_now(c->diags), &t->diags);
    diag_clear(&t->diags);
    for (size_t i = 0; i < t->missing_count; i++)
        para_missing_add(&c->pc, &t->missing[i]);
    para_stats_add(&c->pc.stats, &t->stats, 1);
    const style_class *entry = style_class_get(c->st, "toc-entry");
    for (int w = 0; w < c->doc->workstream_count; w++) {
        const toc_entry *e = &t->entries[w];
        if (e->first >= e->end)
            continue;
        vbox *v0 = t->list->v[e->first], *vn = t->list->v[e->end - 1];
        char pg[16];
        int ws_page = para_anchor_get(&c->anchors, c->doc->workstreams[w].section).page;
        snprintf(pg, sizeof pg, "%d", ws_page > 0 ? ws_page : LAYOUT_UNKNOWN_PAGE);
        para_line *p = layout_single_line(c, pg, entry, e->link_tag);
        if (p) {
            /* Drawn (and so read) after the title's last line. */
            layout_vbox_own_line(c, vn);
            layout_vbox_add_line(c, vn, p, c->measure - p->width, vn->first_baseline);
        }
        double y_end = 0;
        for (int k = e->first; k < e->end; k++)
            y_end += t->list->v[k]->height + (k > e->first ? t->list->v[k]->space_before : 0);
        page_item *a = layout_vbox_item(c, v0, ITEM_LINK);
        a->x = 0;
        a->y = 0;
        a->w = c->measure;
        a->h = y_end;
        a->link = e->link_tag->link_index;
        a->tag = e->link_tag;
        layout_vbox_rule(c, vn, t->num_w, vn->height + c->st->toc_rule_gap,
                         c->measure - t->num_w, c->st->toc_rule_width,
                         c->st->table_rule_colour);
    }
}

/* The contents' links follow the document's in the layout's own copy
 * (ITEM_LINK.link indexes it); the model's array is left as built. */
static void add_toc_links(lctx *c)
{
    const document *d = c->doc;
    doc_link *links = arena_alloc_array(c->a, (size_t)(d->link_count + d->workstream_count),
                                        sizeof *links);
    if (d->link_count)
        memcpy(links, d->links, (size_t)d->link_count * sizeof *links);
    c->toc_link_base = d->link_count;
    for (int w = 0; w < d->workstream_count; w++)
        links[d->link_count + w] = (doc_link){ .target = d->workstreams[w].section,
                                               .target_id = "toc",
                                               .workstream = d->workstreams[w].title };
    c->links = links;
    c->link_count = d->link_count + d->workstream_count;
    /* The title emit gives a link annotation (/Contents), read here so
     * emit needs no model. */
    for (int i = 0; i < c->link_count; i++)
        if (links[i].target)
            links[i].target_title = links[i].target->title_text;
}

static bool holds_budget(const block *b)
{
    for (; b; b = b->next)
        if ((b->kind == BLK_TABLE && b->table && b->table->budget) || holds_budget(b->children))
            return true;
    return false;
}

/* What needs the layout's state to set cannot be set ahead: a reference's
 * page number (the pass's anchors), an image's size. */
static bool settable_ahead(const inline_run *r)
{
    for (; r; r = r->next)
        if (r->kind == INL_XREF || r->kind == INL_IMAGE)
            return false;
    return true;
}

typedef struct req_list {
    para_req *r;
    int count;
    size_t cap;
} req_list;

static void push_req(req_list *out, para_req rq)
{
    out->r = mem_reserve(out->r, &out->cap, (size_t)out->count + 1, sizeof *out->r, 64);
    out->r[out->count++] = rq;
}

/* The paragraphs and headings a table at indent 0 holds directly in its
 * cells, as layout_table's cell_para will ask for them. */
static void predict_table(const lctx *c, const block *b, req_list *out)
{
    const table_model *t = b->table;
    double *colw = mem_alloc((size_t)t->cols + 1, sizeof *colw), fixed;
    double pad = c->st->table_cell_padding;
    if (t->cols > 0 && layout_column_widths(t, c->measure, colw, &fixed))
        for (int r = 0; r < t->row_count; r++)
            for (int i = 0; i < t->rows[r].cell_count; i++) {
                const table_cell *cell = &t->rows[r].cells[i];
                double w = 0;
                for (int k = cell->col_start; k <= cell->col_end; k++)
                    w += colw[k];
                for (const block *p = cell->content; p; p = p->next)
                    if ((p->kind == BLK_PARA || p->kind == BLK_HEADING) &&
                        settable_ahead(p->inlines))
                        push_req(out, (para_req){ p->inlines, p->style, p->tag, w - 2 * pad,
                                                  p->lang, p->loc, (int)cell->align });
            }
    free(colw);
}

/* The paragraphs and headings of a part outside lists and boxes, and
 * those of its tables' cells, as layout_one will set them (at indent 0,
 * not in a list). */
static void predict_blocks(const lctx *c, const block *b, req_list *out)
{
    for (; b; b = b->next) {
        if (b->kind == BLK_SECTION || b->kind == BLK_FOOTNOTE)
            predict_blocks(c, b->children, out);
        if (b->kind == BLK_TABLE && b->table)
            predict_table(c, b, out);
        if ((b->kind != BLK_PARA && b->kind != BLK_HEADING) || !settable_ahead(b->inlines))
            continue;
        push_req(out, (para_req){ b->inlines, b->style, b->tag, text_measure(c, b->style, 0),
                                  b->lang, b->loc, -1 });
    }
}

/* Whether the blocks from b hold at least *left paragraphs and headings
 * (counted down in *left, the walk stopping there). */
static bool count_paragraphs(const block *b, int *left)
{
    for (; b && *left > 0; b = b->next) {
        if (b->kind == BLK_SECTION || b->kind == BLK_FOOTNOTE)
            count_paragraphs(b->children, left);
        if (b->kind == BLK_PARA || b->kind == BLK_HEADING)
            --*left;
    }
    return *left <= 0;
}

static bool paragraphs_at_least(const block *b, int n)
{
    return count_paragraphs(b, &n);
}

static bool workstream_paragraphs_at_least(const document *doc, int n)
{
    for (int k = 0; k < doc->workstream_count; k++)
        if (count_paragraphs(doc->workstreams[k].section->children, &n))
            return true;
    return false;
}

/* The body's parts: the front matter (if any), then the workstreams. */
static int part_count(const lctx *c)
{
    return (c->doc->front ? 1 : 0) + c->doc->workstream_count;
}

static const block *part_blocks(const lctx *c, int k)
{
    if (c->doc->front && k-- == 0)
        return c->doc->front;
    return c->doc->workstreams[k].section->children;
}

/* Keeps the pool parts ahead of the part being laid out. */
static void queue_parts(lctx *c)
{
    while (c->parts_queued < part_count(c) && parapool_wants_more(c->pool)) {
        req_list rl = { 0 };
        predict_blocks(c, part_blocks(c, c->parts_queued++), &rl);
        parapool_submit(c->pool, rl.r, rl.count);
    }
}

/* A part of the body that starts a page (the front matter, a workstream)
 * is paginated as soon as it is laid out, and its scratch (vboxes, lines,
 * table cells) freed: the layout holds one workstream's, not the
 * document's. */
static arena_mark part_begin(lctx *c)
{
    arena_mark m = arena_mark_now(c->tmp);
    fresh_list(c);
    parapool_part_begin(c->pool);
    return m;
}

static void part_end(lctx *c, arena_mark m)
{
    layout_paginate(c, c->vl, style_master_get(c->st, "opener"),
                    style_master_get(c->st, "continuation"));
    c->vl = NULL;
    arena_release(c->tmp, m);
    parapool_part_done(c->pool);
    queue_parts(c);
}

static void layout_body(lctx *c)
{
    document *d = c->doc;
    const style_master *opener = style_master_get(c->st, "opener");
    if (parapool_queued(c->pool) == 0) { /* a later pass (the first is queued) */
        c->parts_queued = 0;
        queue_parts(c);
    }
    if (d->front) {
        arena_mark m = part_begin(c);
        c->break_next = true;
        c->break_master = opener;
        layout_blocks(c, d->front, 0);
        part_end(c, m);
    }
    const style_class *num_cls = style_class_get(c->st, "workstream-number");
    for (int w = 0; w < d->workstream_count; w++) {
        workstream *ws = &d->workstreams[w];
        arena_mark m = part_begin(c);
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
        part_end(c, m);
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
    c->pc.image_size = inline_image_size;
    c->pc.image_ctx = c;
    c->pc.anchors = &c->anchors;
    const style_master *cont = style_master_get(st, "continuation");
    const style_master *opener = style_master_get(st, "opener");
    double w1 = cont->width - cont->margin_inner - cont->margin_outer;
    double w2 = opener->width - opener->margin_inner - opener->margin_outer;
    c->measure = w1 < w2 ? w1 : w2;
    c->frame_height = layout_frame_height(cont);
    c->image_share = st->image_share;
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

/* A result for a part of the document whose pages follow first_number. */
static layout_result *fresh_result(lctx *c, int first_number)
{
    layout_result *r = arena_alloc(c->a, sizeof *r);
    r->first_number = first_number;
    c->res = r;
    return r;
}

/* A part's pages (already numbered from the document's start) and its
 * outline appended to the whole. */
static void append_pages(lctx *c, layout_result *into, const layout_result *part)
{
    int count = into->page_count + part->page_count;
    if ((size_t)count > into->page_cap) {
        into->pages = arena_grow(c->a, into->pages, (size_t)into->page_count, (size_t)count,
                                 sizeof *into->pages);
        into->page_cap = (size_t)count;
    }
    if (part->page_count) /* an empty part may have no array at all */
        memcpy(into->pages + into->page_count, part->pages,
               (size_t)part->page_count * sizeof *part->pages);
    into->page_count = count;
    for (int i = 0; i < part->outline_count; i++)
        layout_outline_add(c, into, part->outline[i]);
}

/* One run of a part of the layout that may be run again. */
typedef struct layout_run {
    diag_mark diags;
    para_tally tally;
    font_marks marks;
} layout_run;

static layout_run layout_run_begin(lctx *c)
{
    layout_run run = { .diags = diag_mark_now(c->diags) };
    para_tally_save(&c->pc, &run.tally);
    font_marks_save(c->pc.fonts, &run.marks);
    return run;
}

/* The run is done again: what it reported and counted is taken back. */
static void layout_run_forget(lctx *c, layout_run *run)
{
    diag_rewind(c->diags, run->diags);
    para_tally_restore(&c->pc, &run->tally);
    font_marks_restore(c->pc.fonts, &run->marks);
}

/* Page numbers still moved in the last pass: a reference may be off. */
static void warn_unsettled(lctx *c, int passes)
{
    src_loc at = c->first_change ? c->first_change->loc
                                  : (src_loc){ c->doc->source_file, 0, 0 };
    diag_add(c->diags, DIAG_WARNING, at,
             "page numbers still moved after %d layout passes: a cross-reference "
             "to this place may name the wrong page", passes);
}

/* Where each internal link goes, for emit and the dump (which read pages,
 * not the anchors of the passes). */
static page_dest *link_dests(lctx *c)
{
    page_dest *dests = arena_alloc_array(c->a, (size_t)c->link_count + 1, sizeof *dests);
    for (int i = 0; i < c->link_count; i++)
        if (!c->links[i].uri && c->links[i].target)
            dests[i] = para_anchor_get(&c->anchors, c->links[i].target);
    return dests;
}

/* The cover's pages: at least one, a document always has its cover. */
static layout_result *cover_pages(lctx *c)
{
    const style_master *m = style_master_get(c->st, "cover");
    vlist *cover = fresh_list(c);
    layout_cover(c);
    layout_result *r = fresh_result(c, 0);
    layout_paginate(c, cover, m, m);
    if (r->page_count == 0)
        layout_new_page(c, m);
    return r;
}

/* The contents' pages, numbered after first. */
static layout_result *contents_pages(lctx *c, const toc_layout *t, int first)
{
    const style_master *m = style_master_get(c->st, "contents");
    layout_result *r = fresh_result(c, first);
    layout_paginate(c, t->list, m, m);
    return r;
}

/* How many pages the contents take, found without page numbers; what
 * paginating them finds is found again by the final contents. */
static int contents_length(lctx *c, const toc_layout *t, int first)
{
    layout_run run = layout_run_begin(c);
    layout_result *estimate = contents_pages(c, t, first);
    int pages = estimate->page_count;
    layout_result_free(estimate);
    layout_run_forget(c, &run);
    return pages;
}

/* The body, again while cross-reference page numbers move; only the last
 * pass's findings and counts are kept. Still moving after the last pass
 * allowed: a warning. */
static layout_result *body_pages(lctx *c, int first, int *passes)
{
    bool has_refs = false, again = false;
    for (int i = 0; i < c->toc_link_base; i++)
        has_refs |= c->doc->links[i].target != NULL;
    layout_result *body = NULL;
    *passes = 0;
    do {
        layout_run run = layout_run_begin(c);
        c->anchor_changes = 0;
        c->first_change = NULL;
        layout_result_free(body); /* an earlier pass's */
        body = fresh_result(c, first);
        layout_body(c);
        ++*passes;
        again = has_refs && c->anchor_changes && *passes < LAYOUT_MAX_PASSES &&
                !diag_has_errors(c->diags);
        if (again)
            layout_run_forget(c, &run);
        else {
            para_tally_drop(&run.tally);
            font_marks_drop(&run.marks);
        }
    } while (again);
    if (has_refs && c->anchor_changes && !diag_has_errors(c->diags))
        warn_unsettled(c, *passes);
    return body;
}

/* What emit writes of the document: plain copies, so emit needs no
 * model; and each link's target title (the model's links stay as built). */
static void copy_doc_info(const document *d, layout_result *out)
{
    out->info = (page_doc_info){ .title = d->title, .subtitle = d->subtitle,
                                 .organisation = d->organisation,
                                 .authors = d->authors,
                                 .abstract_text = d->abstract_text,
                                 .keywords = d->keywords, .lang = d->lang,
                                 .tag_root = d->tag_root };
}

/* What emit and the dump read besides the pages: running heads, the
 * links and where they go; then the checks of the finished pages. */
static void finish_result(lctx *c, layout_result *out)
{
    c->res = out;
    layout_running_heads(c);
    layout_check_pages(c);
    out->links = c->links;
    out->link_count = c->link_count;
    out->link_dests = link_dests(c);
    para_report_missing(&c->pc);
    copy_doc_info(c->doc, out);
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
    /* The body's first parts are set while the cover and contents are. */
    bool wait = opt && opt->wait_ahead;
    int threads = opt ? opt->threads : 1;
    if (!wait && !paragraphs_at_least(c.doc->front, PARAPOOL_MIN_PARAGRAPHS) &&
        !workstream_paragraphs_at_least(c.doc, PARAPOOL_MIN_PARAGRAPHS))
        threads = 1;
    c.pool = parapool_new(threads, wait, &c.pc);
    queue_parts(&c);
    add_toc_links(&c);
    for (int i = 0; i < c.link_count; i++)
        if (c.links[i].target)
            ptrindex_put(&c.targets, c.links[i].target, i);
    layout_result *cover = cover_pages(&c);
    int cover_count = cover->page_count;
    tag_node *toc_tag = NULL;
    toc_layout toc;
    int toc_pages = 0;
    if (doc->workstream_count) {
        toc_tag = model_tag_new(a, NULL, TAG_TOC);
        toc_typeset(&c, toc_tag, &toc);
        toc_pages = contents_length(&c, &toc, cover_count);
    }
    int passes;
    layout_result *body = body_pages(&c, cover_count + toc_pages, &passes);
    layout_result *out = fresh_result(&c, 0);
    append_pages(&c, out, cover);
    if (toc_tag) {
        toc_finish(&c, &toc);
        layout_result *tp = contents_pages(&c, &toc, cover_count);
        if (tp->page_count != toc_pages)
            diag_add(diags, DIAG_WARNING, (src_loc){ doc->source_file, 0, 0 },
                     "the table of contents changed length between passes");
        append_pages(&c, out, tp);
        /* The contents' own tag (not the model's) joins the document:
         * structure elements join their parent in drawing order (emit), so
         * the TOC follows the cover by itself. */
        toc_tag->parent = doc->tag_root;
    }
    append_pages(&c, out, body);
    finish_result(&c, out);
    if (stats) {
        stats->para = c.pc.stats;
        stats->passes = passes;
    }
    parapool_free(c.pool);
    para_ctx_free(&c.pc);
    para_anchors_free(&c.anchors);
    ptrindex_free(&c.targets);
    arena_free(c.tmp);
    return out;
}
