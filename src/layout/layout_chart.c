/* layout_chart — charts of budget tables as vector drawings (layout stage).
 *
 * Owns: the geometry of a chart — a bar chart (one row per amount row or
 * subtotal, one bar per amount column, lengths proportional to the cents)
 * or a share chart (one bar per amount column cut into the rows' shares,
 * with a legend) — placed right after its table and kept with it. Every
 * measure and colour comes from the style's <chart>; the figures and words
 * come from the chart model. The drawing is a Figure whose /Alt the model
 * wrote; its caption is the Figure's Caption.
 */
#include "layout_internal.h"

#include <string.h>

/* The chart's I-th colour: the style's chart colours in turn, or the text
 * colour of CLS when the style gives none. */
static int chart_colour(const lctx *c, int i, const style_class *cls)
{
    const int *colours = c->st->chart.colours;
    int set[STYLE_CHART_COLOURS], n = 0;
    for (int k = 0; k < STYLE_CHART_COLOURS; k++)
        if (colours[k] >= 0)
            set[n++] = colours[k];
    return n ? set[i % n] : cls->colour;
}

static para_result chart_text(lctx *c, const char *text, const style_class *cls,
                              tag_node *tag, double measure, src_loc loc)
{
    inline_run r = { .kind = INL_TEXT, .text = text, .link = -1, .loc = loc };
    style_class left = *cls;
    left.align = ALIGN_LEFT;
    left.prefix = left.suffix = NULL;
    return para_typeset(&c->pc, &r, &left, tag, measure, NULL, loc);
}

/* Lines of PR into V, the first baseline TOP + its ascent; returns the
 * height they take. */
static double add_lines(lctx *c, vbox *v, para_result *pr, const style_class *cls,
                        double x, double top)
{
    double bl = layout_line_baseline(pr, cls->leading);
    for (int l = 0; l < pr->count; l++)
        layout_vbox_add_line(c, v, &pr->lines[l], x, top + bl + l * cls->leading);
    layout_vbox_own_line(c, v); /* drawn (and read) before what follows */
    return pr->count * cls->leading;
}

/* A filled rectangle that is part of the figure, not decoration. */
static void chart_rect(lctx *c, vbox *v, tag_node *tag, double x, double y, double w,
                       double h, int colour)
{
    if (w <= 0 || h <= 0)
        return;
    page_item *r = layout_vbox_rect(c, v, x, y, w, h, colour);
    r->artifact = false;
    r->tag = tag;
}

/* One line of text centred on a band from TOP, HEIGHT high. */
static void centred_text(lctx *c, vbox *v, const char *text, const style_class *cls,
                         tag_node *tag, double x, double top, double height, src_loc loc)
{
    para_result pr = chart_text(c, text, cls, tag, 1e4, loc);
    if (pr.count == 0)
        return;
    double baseline = top + (height + pr.ascent - pr.descent) / 2;
    layout_vbox_add_line(c, v, &pr.lines[0], x, baseline);
    layout_vbox_own_line(c, v);
}

static vbox *chart_box(lctx *c, bool keep)
{
    vbox *v = layout_vbox_new(c);
    v->keep_with_prev = keep;
    return v;
}

static void layout_caption(lctx *c, const block *bl, double indent)
{
    const style_class *cls = bl->style;
    para_result pr = chart_text(c, bl->chart->caption, cls, bl->chart->caption_tag,
                                c->measure - indent, bl->loc);
    layout_space_before(c, cls->space_before);
    vbox *v = chart_box(c, true);
    v->height = add_lines(c, v, &pr, cls, indent, 0) + cls->space_after;
    v->first_baseline = layout_line_baseline(&pr, cls->leading);
}

/* Swatches and names of several amount columns, in a row that wraps. */
static void layout_legend(lctx *c, const block *bl, double indent, bool keep)
{
    const chart_model *ch = bl->chart;
    const style_chart *s = &c->st->chart;
    const style_class *cls = style_class_get(c->st, "table-cell");
    vbox *v = chart_box(c, keep);
    double x = indent, y = 0, line = cls->leading > s->swatch ? cls->leading : s->swatch;
    for (int k = 0; k < ch->series_count; k++) {
        double w = s->swatch + s->value_gap + para_text_width(&c->pc, ch->series[k], cls);
        if (x > indent && x + w > c->measure) {
            x = indent;
            y += line;
        }
        chart_rect(c, v, bl->tag, x, y + (line - s->swatch) / 2, s->swatch, s->swatch,
                   chart_colour(c, k, cls));
        centred_text(c, v, ch->series[k], cls, bl->tag, x + s->swatch + s->value_gap, y,
                     line, bl->loc);
        x += w + s->legend_gap;
    }
    v->height = y + line + s->row_gap;
}

static double widest_value(lctx *c, const chart_model *ch, const style_class *cls)
{
    double widest = 0;
    for (int r = 0; r < ch->row_count; r++)
        for (int k = 0; k < ch->series_count; k++) {
            double w = para_text_width(&c->pc, ch->rows[r].values[k], cls);
            widest = w > widest ? w : widest;
        }
    return widest;
}

static int64_t largest_amount(const chart_model *ch)
{
    int64_t most = 0;
    for (int r = 0; r < ch->row_count; r++)
        for (int k = 0; k < ch->series_count; k++)
            if (ch->rows[r].present[k] && ch->rows[r].cents[k] > most)
                most = ch->rows[r].cents[k];
    return most;
}

typedef struct bar_frame {
    double label_x, label_w, bar_x, bar_max;
    int64_t most;
} bar_frame;

static void layout_bar_row(lctx *c, const block *bl, const bar_frame *f,
                           const chart_row *row, bool keep)
{
    const chart_model *ch = bl->chart;
    const style_chart *s = &c->st->chart;
    const style_class *cls = style_class_get(c->st, row->subtotal ? "table-total" : "table-cell");
    vbox *v = chart_box(c, keep);
    /* The label's first line and the first bar share a centre line. */
    double shift = (s->bar_height - cls->leading) / 2;
    double label_top = shift > 0 ? shift : 0, bars_top = shift < 0 ? -shift : 0;
    para_result pr = chart_text(c, row->label, cls, bl->tag, f->label_w, bl->loc);
    double text_h = label_top + add_lines(c, v, &pr, cls, f->label_x, label_top);
    double bars_h = bars_top + ch->series_count * s->bar_height +
                    (ch->series_count - 1) * s->bar_gap;
    for (int k = 0; k < ch->series_count; k++) {
        if (!row->present[k])
            continue;
        double y = bars_top + k * (s->bar_height + s->bar_gap);
        double w = f->most > 0 ? f->bar_max * (double)row->cents[k] / (double)f->most : 0;
        chart_rect(c, v, bl->tag, f->bar_x, y, w, s->bar_height, chart_colour(c, k, cls));
        centred_text(c, v, row->values[k], cls, bl->tag, f->bar_x + w + s->value_gap, y,
                     s->bar_height, bl->loc);
    }
    v->height = (text_h > bars_h ? text_h : bars_h) + s->row_gap;
}

static void layout_bars(lctx *c, const block *bl, double indent, bool keep)
{
    const chart_model *ch = bl->chart;
    const style_chart *s = &c->st->chart;
    const style_class *cls = style_class_get(c->st, "table-cell");
    double avail = c->measure - indent;
    bar_frame f = { .label_x = indent, .label_w = avail * s->label_share - s->value_gap,
                    .bar_x = indent + avail * s->label_share, .most = largest_amount(ch) };
    f.bar_max = avail * (1 - s->label_share) - s->value_gap - widest_value(c, ch, cls);
    if (f.bar_max < 0)
        f.bar_max = 0;
    for (int r = 0; r < ch->row_count; r++)
        layout_bar_row(c, bl, &f, &ch->rows[r], keep || r == 0);
}

/* One bar per amount column, cut into the amount rows' shares. */
static void layout_share_bar(lctx *c, const block *bl, int k, double indent, bool keep)
{
    const chart_model *ch = bl->chart;
    const style_chart *s = &c->st->chart;
    const style_class *cls = style_class_get(c->st, "table-cell");
    vbox *v = chart_box(c, keep);
    double y = 0, width = c->measure - indent, x = indent;
    if (ch->series_count > 1) {
        para_result pr = chart_text(c, ch->series[k], cls, bl->tag, width, bl->loc);
        y = add_lines(c, v, &pr, cls, indent, 0);
    }
    int segment = 0;
    for (int r = 0; r < ch->row_count; r++) {
        const chart_row *row = &ch->rows[r];
        if (row->subtotal || !row->present[k] || ch->totals[k] <= 0)
            continue;
        double w = width * (double)row->cents[k] / (double)ch->totals[k];
        chart_rect(c, v, bl->tag, x, y, w, s->share_height, chart_colour(c, segment++, cls));
        x += w;
    }
    v->height = y + s->share_height + s->row_gap;
}

/* The share chart's legend: a swatch per amount row with its figures. */
static void layout_share_legend(lctx *c, const block *bl, double indent, bool keep)
{
    const chart_model *ch = bl->chart;
    const style_chart *s = &c->st->chart;
    const style_class *cls = style_class_get(c->st, "table-cell");
    double text_x = indent + s->swatch + s->value_gap;
    int segment = 0;
    for (int r = 0; r < ch->row_count; r++) {
        const chart_row *row = &ch->rows[r];
        if (row->subtotal)
            continue;
        bool kept = keep || segment == 0;
        const char *text = row->label;
        for (int k = 0; k < ch->series_count; k++)
            if (row->present[k])
                text = arena_printf(c->tmp, "%s%s%s", text, k ? "; " : ": ", row->values[k]);
        vbox *v = chart_box(c, kept);
        para_result pr = chart_text(c, text, cls, bl->tag, c->measure - text_x, bl->loc);
        double h = add_lines(c, v, &pr, cls, text_x, 0);
        double top = (cls->leading - s->swatch) / 2;
        chart_rect(c, v, bl->tag, indent, top > 0 ? top : 0, s->swatch, s->swatch,
                   chart_colour(c, segment++, cls));
        v->height = h > s->swatch ? h : s->swatch;
    }
}

/* Height the chart would take, roughly, to decide whether it can be kept
 * whole on one page. */
static double chart_estimate(const lctx *c, const chart_model *ch)
{
    const style_chart *s = &c->st->chart;
    double lead = style_class_get(c->st, "table-cell")->leading;
    if (ch->kind == CHART_SHARE)
        return ch->series_count * (s->share_height + s->row_gap + lead) +
               ch->row_count * lead;
    double bars = ch->series_count * (s->bar_height + s->bar_gap);
    return ch->row_count * ((bars > lead ? bars : lead) + s->row_gap) + lead;
}

void layout_chart(lctx *c, block *bl, double indent)
{
    const chart_model *ch = bl->chart;
    bool keep = chart_estimate(c, ch) < c->frame_height * c->st->chart.keep_share;
    c->keep_next = true; /* with the table it draws */
    layout_caption(c, bl, indent);
    if (ch->series_count > 1 && ch->kind == CHART_BAR)
        layout_legend(c, bl, indent, true);
    if (ch->kind == CHART_BAR)
        layout_bars(c, bl, indent, keep);
    else {
        for (int k = 0; k < ch->series_count; k++)
            layout_share_bar(c, bl, k, indent, true);
        layout_share_legend(c, bl, indent, keep);
    }
    c->pending_space = style_class_get(c->st, "body")->space_after;
}
