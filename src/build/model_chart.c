/* model_chart — what a budget table computes beyond its own rows (build
 * stage): a chart of its verified amounts (table role "chart-bar" or
 * "chart-share") and the change between its last two amount columns (role
 * "change").
 *
 * Owns: the chart model (series, rows, totals in integer cents — the very
 * cents the table prints), its description for screen readers in the
 * report's language, and the computed change cells. Nothing here is typed
 * by the editor, so nothing can disagree with the table.
 * Failure: a chart or change asked of a table without verified amounts, or
 * of negative amounts a chart cannot show, is an error naming the table.
 */
#include "model_internal.h"

#include <math.h>
#include <string.h>

#include "amount.h"

bool model_role_has(const char *role, const char *token)
{
    size_t n = strlen(token);
    for (const char *p = role; p && *p;) {
        p += strspn(p, " \t\r\n");
        size_t len = strcspn(p, " \t\r\n");
        if (len == n && strncmp(p, token, n) == 0)
            return true;
        p += len;
    }
    return false;
}

/* Columns holding at least one verified amount outside the header: the
 * chart's series, in column order. */
static int amount_columns(const table_model *t, int *cols)
{
    int n = 0;
    for (int col = 0; col < t->cols; col++)
        for (int r = 0; r < t->row_count; r++) {
            const table_row *row = &t->rows[r];
            bool found = false;
            for (int i = 0; row->part != ROW_HEAD && i < row->cell_count; i++)
                found |= row->cells[i].col_start == col && row->cells[i].has_amount;
            if (found) {
                cols[n++] = col;
                break;
            }
        }
    return n;
}

static const table_cell *cell_at(const table_row *row, int col)
{
    for (int i = 0; i < row->cell_count; i++)
        if (row->cells[i].col_start == col)
            return &row->cells[i];
    return NULL;
}

static const char *cell_text(builder *b, const table_cell *cell)
{
    return cell && cell->content ? model_runs_plain_text(b, cell->content->inlines) : "";
}

/* A row's label: its first cell that is not an amount and has text. */
static const char *row_label(builder *b, const table_row *row)
{
    for (int i = 0; i < row->cell_count; i++) {
        const char *text = cell_text(b, &row->cells[i]);
        if (!row->cells[i].is_amount && *text)
            return text;
    }
    return "";
}

/* A series' name: its column's heading in the last header row. */
static const char *series_name(builder *b, const table_model *t, int col)
{
    for (int r = t->row_count - 1; r >= 0; r--)
        if (t->rows[r].part == ROW_HEAD)
            return cell_text(b, cell_at(&t->rows[r], col));
    return t->col_names[col] ? t->col_names[col] : "";
}

/* Fills one chart row from a table row; false when it has no amount. */
static bool chart_row_of(builder *b, const table_row *row, const int *cols, int n,
                         chart_row *out)
{
    int64_t *cents = arena_alloc_array(b->a, (size_t)n, sizeof *cents);
    bool *present = arena_alloc_array(b->a, (size_t)n, sizeof *present);
    bool any = false;
    for (int k = 0; k < n; k++) {
        const table_cell *cell = cell_at(row, cols[k]);
        present[k] = cell && cell->has_amount;
        cents[k] = present[k] ? cell->cents : 0;
        any |= present[k];
    }
    *out = (chart_row){ .label = row_label(b, row), .cents = cents, .present = present,
                        .subtotal = row->kind == ROWKIND_SUBTOTAL };
    return any;
}

/* "84 %" of TOTAL, rounded; "< 1 %" for a small share that is not zero;
 * NULL without a positive total. */
static const char *model_chart_percent(arena *a, int64_t cents, int64_t total, const char *space)
{
    if (total <= 0)
        return NULL;
    long pct = lround(100.0 * (double)cents / (double)total);
    if (pct == 0 && cents > 0)
        return arena_printf(a, "<%s1%s%%", space, space);
    return arena_printf(a, "%ld%s%%", pct, space);
}

static const char *amount_text(arena *a, int64_t cents)
{
    char buf[AMOUNT_FORMAT_SIZE];
    amount_format(cents, buf, sizeof buf);
    return arena_strdup(a, buf);
}

/* One series in words: "Personeel 250.000,00 euro (84 %), …; totaal …". */
static const char *describe_series(builder *b, const chart_model *ch, int k)
{
    const style_strings *s = &b->st->strings;
    const char *text = "";
    for (int r = 0; r < ch->row_count; r++) {
        const chart_row *row = &ch->rows[r];
        if (!row->present[k])
            continue;
        const char *pct = model_chart_percent(b->a, row->cents[k], ch->totals[k], " ");
        text = arena_printf(b->a, "%s%s%s %s %s%s%s%s", text, *text ? ", " : "",
                            row->label, amount_text(b->a, row->cents[k]), s->currency,
                            pct ? " (" : "", pct ? pct : "", pct ? ")" : "");
    }
    return arena_printf(b->a, "%s; %s %s %s", text, s->total_word,
                        amount_text(b->a, ch->totals[k]), s->currency);
}

static const char *describe(builder *b, const chart_model *ch, const char *title)
{
    const char *text = title && *title ? title : "";
    for (int k = 0; k < ch->series_count; k++) {
        const char *name = ch->series_count > 1 ? ch->series[k] : "";
        text = arena_printf(b->a, "%s%s%s%s%s", text, *text ? (k ? ". " : ": ") : "",
                            name, *name ? ": " : "", describe_series(b, ch, k));
    }
    return text;
}

static bool check_request(builder *b, xmlNode *n, const table_model *t, const char *what,
                          int series)
{
    if (!t->budget) {
        model_error_at(b, n, "role '%s' is computed from a budget table's verified amounts: "
                       "add 'budget' to the table's role", what);
        return false;
    }
    if (series == 0) {
        model_error_at(b, n, "role '%s' asks for a chart of the verified amounts, but the "
                       "table has no amount cells", what);
        return false;
    }
    return true;
}

/* The amount rows' sums per series; false (with an error) for a negative
 * amount, which neither bars nor shares can show. */
static bool chart_totals(builder *b, xmlNode *n, chart_model *ch, const char *what)
{
    ch->totals = arena_alloc_array(b->a, (size_t)ch->series_count, sizeof *ch->totals);
    for (int r = 0; r < ch->row_count; r++)
        for (int k = 0; k < ch->series_count; k++) {
            const chart_row *row = &ch->rows[r];
            if (row->present[k] && row->cents[k] < 0) {
                model_error_at(b, n, "role '%s': the chart cannot show the negative amount "
                               "of '%s'", what, row->label);
                return false;
            }
            if (!row->subtotal && !amount_add(ch->totals[k], row->cents[k], &ch->totals[k]))
                return false; /* the budget check has reported the overflow */
        }
    return true;
}

/* The text beside each bar: the amount and its share of the total. */
static void chart_values(builder *b, chart_model *ch)
{
    for (int r = 0; r < ch->row_count; r++) {
        chart_row *row = &ch->rows[r];
        row->values = arena_alloc_array(b->a, (size_t)ch->series_count, sizeof *row->values);
        for (int k = 0; k < ch->series_count; k++) {
            const char *pct = model_chart_percent(b->a, row->cents[k], ch->totals[k], "\u00a0");
            row->values[k] = !row->present[k] ? ""
                             : pct ? arena_printf(b->a, "%s (%s)", amount_text(b->a, row->cents[k]), pct)
                                   : amount_text(b->a, row->cents[k]);
        }
    }
}

block *model_chart_build(builder *b, xmlNode *n, const block *table, tag_node *parent,
                         chart_kind kind)
{
    const char *what = kind == CHART_BAR ? "chart-bar" : "chart-share";
    const table_model *t = table->table;
    int *cols = arena_alloc_array(b->a, (size_t)t->cols, sizeof *cols);
    int series = amount_columns(t, cols);
    if (!check_request(b, n, t, what, series))
        return NULL;
    chart_model *ch = arena_alloc(b->a, sizeof *ch);
    ch->kind = kind;
    ch->series_count = series;
    ch->series = arena_alloc_array(b->a, (size_t)series, sizeof *ch->series);
    for (int k = 0; k < series; k++)
        ch->series[k] = series_name(b, t, cols[k]);
    ch->rows = arena_alloc_array(b->a, (size_t)t->row_count, sizeof *ch->rows);
    for (int r = 0; r < t->row_count; r++) {
        const table_row *row = &t->rows[r];
        if (row->part != ROW_HEAD && row->kind != ROWKIND_TOTAL &&
            chart_row_of(b, row, cols, series, &ch->rows[ch->row_count]))
            ch->row_count++;
    }
    if (!chart_totals(b, n, ch, what))
        return NULL;
    chart_values(b, ch);
    block *bl = model_block_new(b, BLK_CHART, "caption", n, model_tag_new(b->a, parent, TAG_FIGURE));
    bl->id = NULL; /* the table keeps its xml:id */
    bl->chart = ch;
    bl->number = ++b->doc->figure_count;
    const char *title = table->title_text;
    ch->caption = arena_printf(b->a, "%s %d%s%s", b->st->strings.figure_prefix, bl->number,
                               title ? ": " : "", title ? title : "");
    ch->caption_tag = model_tag_new(b->a, bl->tag, TAG_CAPTION);
    bl->tag->alt = describe(b, ch, title);
    return bl;
}

/* ---- change between the last two amount columns ---------------------------- */

static void *grow_copy(builder *b, const void *old, int count, int more, size_t size)
{
    void *p = arena_alloc_array(b->a, (size_t)(count + more), size);
    memcpy(p, old, (size_t)count * size);
    return p;
}

static table_cell *add_cell(builder *b, table_row *row, int col, const char *text)
{
    table_cell *cell = &row->cells[row->cell_count++];
    memset(cell, 0, sizeof *cell);
    cell->col_start = cell->col_end = col;
    cell->align = CELL_RIGHT;
    cell->loc = row->loc;
    cell->tag = model_tag_new(b->a, row->tag, row->part == ROW_HEAD ? TAG_TH : TAG_TD);
    cell->tag->col_span = cell->tag->row_span = 1;
    cell->tag->scope_column = row->part == ROW_HEAD;
    if (!*text)
        return cell;
    const char *cls = row->part == ROW_HEAD           ? "table-head"
                      : row->kind == ROWKIND_NORMAL ? "table-cell"
                                                    : "table-total";
    block *p = arena_alloc(b->a, sizeof *p);
    p->kind = BLK_PARA;
    p->style = style_class_get(b->st, cls);
    p->loc = row->loc;
    p->tag = model_tag_new(b->a, cell->tag, TAG_P);
    p->inlines = arena_alloc(b->a, sizeof *p->inlines);
    *p->inlines = (inline_run){ .kind = INL_TEXT, .text = text, .link = -1, .loc = row->loc };
    cell->content = p;
    return cell;
}

/* "+12.345,00" and "+12,5 %": the change from FROM to TO, or "" where a
 * figure is missing (or the base is zero, for the per cent). */
static void change_texts(builder *b, const table_cell *from, const table_cell *to,
                         const char **abs_text, const char **pct_text)
{
    *abs_text = *pct_text = "";
    int64_t diff;
    if (!from || !to || !from->has_amount || !to->has_amount || from->cents == INT64_MIN ||
        !amount_add(to->cents, -from->cents, &diff))
        return;
    *abs_text = arena_printf(b->a, "%s%s", diff > 0 ? "+" : "", amount_text(b->a, diff));
    if (from->cents == 0)
        return;
    double pct = 100.0 * (double)diff / fabs((double)from->cents);
    long tenths = lround(pct * 10);
    char *s = arena_printf(b->a, "%s%s%ld,%ld\u00a0%%", tenths > 0 ? "+" : "",
                           tenths < 0 ? "\u2212" : "", labs(tenths) / 10, labs(tenths) % 10);
    *pct_text = s;
}

void model_change_columns(builder *b, xmlNode *n, table_model *t)
{
    int *cols = arena_alloc_array(b->a, (size_t)t->cols, sizeof *cols);
    int series = amount_columns(t, cols);
    if (!check_request(b, n, t, "change", series))
        return;
    if (series < 2) {
        model_error_at(b, n, "role 'change' compares two amount columns (one per year); "
                       "this table has one");
        return;
    }
    int from = cols[series - 2], to = cols[series - 1], at = t->cols;
    t->col_fixed = grow_copy(b, t->col_fixed, t->cols, 2, sizeof *t->col_fixed);
    t->col_star = grow_copy(b, t->col_star, t->cols, 2, sizeof *t->col_star);
    t->col_align = grow_copy(b, t->col_align, t->cols, 2, sizeof *t->col_align);
    t->col_amount = grow_copy(b, t->col_amount, t->cols, 2, sizeof *t->col_amount);
    t->col_names = grow_copy(b, t->col_names, t->cols, 2, sizeof *t->col_names);
    t->cols += 2;
    t->col_star[at] = t->col_star[at + 1] = 1;
    t->col_align[at] = t->col_align[at + 1] = CELL_RIGHT;
    int last_head = -1;
    for (int r = 0; r < t->row_count; r++)
        if (t->rows[r].part == ROW_HEAD)
            last_head = r;
    for (int r = 0; r < t->row_count; r++) {
        table_row *row = &t->rows[r];
        row->cells = grow_copy(b, row->cells, row->cell_count, 2, sizeof *row->cells);
        bool heading = r == last_head;
        const char *abs_text = heading ? b->st->strings.change_heading : "";
        const char *pct_text = heading ? b->st->strings.change_percent_heading : "";
        if (row->part != ROW_HEAD)
            change_texts(b, cell_at(row, from), cell_at(row, to), &abs_text, &pct_text);
        add_cell(b, row, at, abs_text);
        add_cell(b, row, at + 1, pct_text);
    }
}
