/* model_table — CALS tables in the document model (build stage).
 *
 * Owns: column specifications (names, absolute and proportional widths,
 * alignment, amount columns), rows and cells with their spans and
 * structure tags (TH with header scope, TD), budget amounts parsed into
 * integer cents and printed the Belgian way, and the verification of
 * subtotal and total rows (src/base/amount.c does the arithmetic).
 * Failure: malformed tables and budget mismatches are errors with the
 * row's or cell's file:line.
 */
#include "model_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"

/* The most one proportional column may weigh against another: beyond it a
 * column would be a sliver one letter wide. */
#define TABLE_MAX_STAR 1000.0

/* "N*" or "*" (N = 1): finite, above 0, at most TABLE_MAX_STAR. */
static bool parse_star(const char *w, const char *star, double *out)
{
    if (star[1] != '\0')
        return false;
    if (star == w) {
        *out = 1;
        return true;
    }
    if (!((*w >= '0' && *w <= '9') || *w == '.'))
        return false; /* strtod would also take "nan", "inf" and hex */
    char *end;
    double v = strtod(w, &end);
    if (end != star || !isfinite(v) || v <= 0 || v > TABLE_MAX_STAR)
        return false;
    *out = v;
    return true;
}

/* A non-negative whole number, as CALS writes morerows and colnum. */
static bool parse_count(const char *v, int max, int *out)
{
    if (!*v)
        return false;
    long n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        n = n * 10 + (*p - '0');
        if (n > max)
            return false;
    }
    *out = (int)n;
    return true;
}

static void build_colspecs(builder *b, xmlNode *tgroup, table_model *t)
{
    int col = 0;
    for (xmlNode *c = tgroup->children; c; c = c->next) {
        if (!model_is_db(c, "colspec"))
            continue;
        const char *num = model_get_attr(b, c, "colnum");
        int colnum = 0;
        if (num)
            col = parse_count(num, t->cols, &colnum) ? colnum - 1 : -1;
        if (col < 0 || col >= t->cols) {
            model_error_at(b, c, "colspec outside the table's cols columns");
            continue;
        }
        t->col_names[col] = model_get_attr(b, c, "colname");
        const char *w = model_get_attr(b, c, "colwidth");
        if (w) {
            char *star = strchr(w, '*');
            double pts;
            if (star && parse_star(w, star, &t->col_star[col])) {
                t->col_fixed[col] = 0;
            } else if (!star && style_parse_length(w, &pts) && pts > 0 && pts <= STYLE_MAX_LENGTH) {
                t->col_fixed[col] = pts;
                t->col_star[col] = 0;
            } else
                model_error_at(b, c, "bad colwidth '%s': write N* (N above 0, at most 1000) "
                               "or a length above 0 such as 30mm", w);
        }
        const char *align = model_get_attr(b, c, "align");
        if (align)
            t->col_align[col] = !strcmp(align, "right")    ? CELL_RIGHT
                                : !strcmp(align, "center") ? CELL_CENTER
                                : !strcmp(align, "char")   ? CELL_CHAR
                                                           : CELL_LEFT;
        const char *role = model_get_attr(b, c, "role");
        if (model_role_has(role, "amount"))
            t->col_amount[col] = true;
        col++;
    }
}

static int column_index(const table_model *t, const char *name)
{
    for (int i = 0; name && i < t->cols; i++)
        if (t->col_names[i] && strcmp(t->col_names[i], name) == 0)
            return i;
    return -1;
}

/* The table's rows and cells in either of DocBook's models: CALS (row,
 * entry) or HTML (tr, th, td). */
static bool is_row(xmlNode *n)
{
    return model_is_db(n, "row") || model_is_db(n, "tr");
}

/* A CALS <entrytbl> takes an entry's place in its row: outside the
 * subset, its entries' text is the cell's paragraphs (it was left out). */
static bool is_cell(xmlNode *n)
{
    return model_is_db(n, "entry") || model_is_db(n, "th") || model_is_db(n, "td") ||
           model_is_db(n, "entrytbl");
}

/* A count attribute of an HTML cell (colspan, rowspan): 1 when absent. */
static int html_span(builder *b, xmlNode *e, const char *name)
{
    const char *v = model_get_attr(b, e, name);
    int n = 1;
    if (v && (!parse_count(v, 100000, &n) || n < 1)) {
        model_error_at(b, e, "bad %s '%s': write the number of %s the cell covers", name, v,
                       strcmp(name, "colspan") == 0 ? "columns" : "rows");
        n = 1;
    }
    return n;
}

/* An entry's spanname: the namest and nameend of its tgroup's spanspec of
 * that name (CALS). */
static void spanspec_columns(builder *b, xmlNode *e, const char **namest, const char **nameend)
{
    const char *name = model_get_attr(b, e, "spanname");
    xmlNode *tgroup = e->parent && e->parent->parent ? e->parent->parent->parent : NULL;
    for (xmlNode *c = tgroup && name ? tgroup->children : NULL; c; c = c->next) {
        const char *sn = model_is_db(c, "spanspec") ? model_get_attr(b, c, "spanname") : NULL;
        if (sn && strcmp(sn, name) == 0) {
            *namest = model_get_attr(b, c, "namest");
            *nameend = model_get_attr(b, c, "nameend");
            return;
        }
    }
    if (name)
        model_error_at(b, e, "no spanspec of the tgroup is named '%s'", name);
}

/* The columns entry e takes (CALS colname, namest/nameend, or the next
 * free one; an HTML cell's colspan), marked busy for its morerows (or
 * rowspan); false with an error when it cannot be placed. */
static bool place_cell(builder *b, xmlNode *e, table_model *t, table_cell *cell, int *col,
                       int *morerows)
{
    const char *colname = model_get_attr(b, e, "colname");
    const char *namest = model_get_attr(b, e, "namest");
    const char *nameend = model_get_attr(b, e, "nameend");
    if (!namest && model_get_attr(b, e, "spanname"))
        spanspec_columns(b, e, &namest, &nameend);
    /* Columns still covered by a cell of an earlier row (morerows) are
     * skipped, as CALS places entries. */
    while (!colname && !namest && *col < t->cols && t->busy[*col] > 0)
        (*col)++;
    int start = colname ? column_index(t, colname) : namest ? column_index(t, namest) : *col;
    int end = nameend ? column_index(t, nameend) : start + html_span(b, e, "colspan") - 1;
    if ((colname || namest) && start < 0) {
        model_error_at(b, e, "unknown column name '%s'", colname ? colname : namest);
        start = *col;
    }
    if (end < start) {
        model_error_at(b, e, "the span ends in column '%s', before it starts",
                 nameend ? nameend : "");
        end = start;
    }
    if (start >= t->cols || end >= t->cols) {
        model_error_at(b, e, "the row has more entries than the table's cols columns");
        return false;
    }
    for (int k = start; k <= end; k++)
        if (t->busy[k] > 0) {
            /* two cells in one place would be drawn over each other */
            model_error_at(b, e, "the entry is placed on column %s, which an earlier entry "
                           "already covers (a span or morerows)",
                     t->col_names[k] ? arena_printf(b->a, "'%s'", t->col_names[k])
                                     : arena_printf(b->a, "%d", k + 1));
            return false;
        }
    cell->col_start = start;
    cell->col_end = end;
    *col = end + 1;
    const char *more = model_get_attr(b, e, "morerows");
    *morerows = html_span(b, e, "rowspan") - 1;
    if (more && !parse_count(more, 100000, morerows))
        model_error_at(b, e, "bad morerows '%s': write the number of further rows the "
                       "entry covers", more);
    for (int k = start; k <= end; k++) {
        t->busy[k] = *morerows + 1;
        t->busy_from[k] = model_node_loc(b, e);
    }
    return true;
}

/* The entry's blocks (or its text as one paragraph) under its TH/TD. */
static void cell_content(builder *b, xmlNode *e, table_cell *cell, const char *cls)
{
    bool has_blocks = model_is_db(e, "entrytbl"); /* its entries: one paragraph each */
    for (xmlNode *c = e->children; c; c = c->next)
        has_blocks |= model_is_block_element(c);
    int saved_depth = b->list_depth;
    b->list_depth = 0;
    if (has_blocks)
        cell->content = model_build_block_list(b, e->children, cell->tag, 9);
    else {
        bool saved = b->in_para; /* its text is a paragraph: images go in its lines */
        b->in_para = true;
        cell->content = model_para_or_figures(b, e, model_plain_runs(b, e, NULL), cls, cell->tag);
        b->in_para = saved;
    }
    b->list_depth = saved_depth;
    for (block *p = cell->content; p; p = p->next)
        if (p->kind == BLK_PARA)
            p->style = style_class_get(b->st, cls);
}

/* One paragraph of text, with at most footnote marks in it: a second
 * paragraph, a list or an image in an amount cell was printed as a figure
 * but never counted, under a total that was checked without it. */
static bool amount_cell_is_one_figure(const table_cell *cell)
{
    const block *p = cell->content;
    if (!p)
        return true;
    if (p->kind != BLK_PARA || p->next)
        return false;
    for (const inline_run *r = p->inlines; r; r = r->next)
        if (r->kind != INL_TEXT && r->kind != INL_NOTEREF)
            return false;
    return true;
}

/* The figure set again in the one format, in the place of its text runs;
 * its footnote marks stay after it (they were dropped with their notes). */
static void cell_set_figure(builder *b, table_cell *cell, const char *figure)
{
    inline_run *first = NULL, *last = NULL;
    for (inline_run *r = cell->content->inlines, *next; r; r = next) {
        next = r->next;
        if (r->kind == INL_TEXT && first)
            continue;
        if (r->kind == INL_TEXT)
            r->text = arena_strdup(b->a, figure);
        r->next = NULL;
        if (last)
            last->next = r;
        else
            first = r;
        last = r;
    }
    cell->content->inlines = first;
}

/* An amount cell's text read as cents and set again in the one format,
 * aligned on its decimal comma; an error when it is no amount. */
static void cell_amount(builder *b, xmlNode *e, table_cell *cell)
{
    if (!amount_cell_is_one_figure(cell)) {
        model_error_at(b, e, "an amount cell holds one figure and nothing else "
                             "(no second paragraph, list or image): write each "
                             "figure in a row of its own");
        return;
    }
    const char *text = cell->content ? model_runs_plain_text(b, cell->content->inlines) : "";
    amount_status st = amount_parse(text, &cell->cents);
    if (st == AMOUNT_OK) {
        cell->has_amount = true;
        char buf[40];
        amount_format(cell->cents, buf, sizeof buf);
        if (cell->content && cell->content->inlines)
            cell_set_figure(b, cell, buf);
        cell->align = CELL_CHAR;
    } else if (st == AMOUNT_SYNTAX)
        model_error_at(b, e, "'%s' is not an amount (write 1.234,56 or 1234.56)",
                 text);
    else if (st == AMOUNT_OVERFLOW)
        model_error_at(b, e, "amount '%s' is too large", text);
}

static void build_cell(builder *b, xmlNode *e, table_model *t, table_row *row,
                       int *col, const char *cls)
{
    table_cell *cell = &row->cells[row->cell_count];
    int morerows;
    if (!place_cell(b, e, t, cell, col, &morerows))
        return;
    int start = cell->col_start, end = cell->col_end;
    cell->loc = model_node_loc(b, e);
    const char *align = model_get_attr(b, e, "align");
    cell->align = t->col_align[start];
    if (align)
        cell->align = !strcmp(align, "right")    ? CELL_RIGHT
                      : !strcmp(align, "center") ? CELL_CENTER
                      : !strcmp(align, "char")   ? CELL_CHAR
                                                 : CELL_LEFT;
    const char *role = model_get_attr(b, e, "role");
    cell->is_amount = t->budget && row->part != ROW_HEAD &&
                      (model_role_has(role, "amount") || t->col_amount[start]);
    /* The heading of an amount column stands over its figures. */
    if (t->budget && row->part == ROW_HEAD && t->col_amount[start] && !align)
        cell->align = CELL_RIGHT;
    tag_role trole = row->part == ROW_HEAD ? TAG_TH : TAG_TD;
    cell->tag = model_tag_new(b->a, row->tag, trole);
    if (trole == TAG_TH)
        cell->tag->scope_column = 1;
    cell->tag->col_span = end - start + 1;
    cell->tag->row_span = morerows + 1;
    cell_content(b, e, cell, cls);
    /* Printed under the span's last column, it counted in its first. */
    if (cell->is_amount && end > start)
        model_error_at(b, e, "an amount spans %d columns (namest/nameend): it "
                             "belongs to one column, end the span there",
                       end - start + 1);
    else if (cell->is_amount)
        cell_amount(b, e, cell);
    row->cell_count++;
}

static int cell_column_order(const void *x, const void *y)
{
    const table_cell *a = x, *b = y;
    return a->col_start - b->col_start;
}

/* A row with fewer entries than columns gets empty cells, so the table
 * stays regular for assistive technology; cells and their structure
 * elements end up in column order. */
static void pad_row(builder *b, table_model *t, table_row *row, bool *covered)
{
    for (int i = 0; i < row->cell_count; i++)
        for (int k = row->cells[i].col_start; k <= row->cells[i].col_end; k++)
            covered[k] = true;
    for (int k = 0; k < t->cols && row->cell_count < t->cols; k++) {
        if (covered[k])
            continue;
        table_cell *cell = &row->cells[row->cell_count++];
        memset(cell, 0, sizeof *cell);
        cell->col_start = cell->col_end = k;
        cell->loc = row->loc;
        cell->tag = model_tag_new(b->a, row->tag, row->part == ROW_HEAD ? TAG_TH : TAG_TD);
        cell->tag->col_span = cell->tag->row_span = 1;
    }
    qsort(row->cells, (size_t)row->cell_count, sizeof *row->cells, cell_column_order);
    tag_node *prev = NULL;
    for (int i = 0; i < row->cell_count; i++) {
        tag_node *cell_tag = row->cells[i].tag;
        cell_tag->next = NULL;
        if (prev)
            prev->next = cell_tag;
        else
            row->tag->first = cell_tag;
        prev = cell_tag;
    }
    row->tag->last = prev;
}

/* A morerows that reaches past the last row of its part (thead, tbody)
 * would claim rows that do not exist. */
static void report_overhanging_rows(builder *b, table_model *t)
{
    if (!t->busy)
        return;
    for (int k = 0; k < t->cols; k++) {
        if (t->busy[k] <= 0)
            continue;
        bool first = true;
        for (int j = 0; j < k && first; j++)
            first = !(t->busy[j] > 0 && t->busy_from[j].line == t->busy_from[k].line &&
                      t->busy_from[j].col == t->busy_from[k].col);
        if (first)
            diag_add(b->diags, DIAG_ERROR, t->busy_from[k],
                     "morerows reaches %d row%s past the last row of the table part",
                     t->busy[k], t->busy[k] == 1 ? "" : "s");
        t->busy[k] = 0;
    }
}

static void build_rows(builder *b, xmlNode *part_node, table_model *t,
                       row_part part, tag_node *part_tag)
{
    const char *cls = part == ROW_HEAD ? "table-head" : "table-cell";
    for (xmlNode *r = part_node->children; r; r = r->next) {
        if (!is_row(r))
            continue;
        if (t->row_count >= 100000) {
            model_error_at(b, r, "table has more than %d rows", 100000);
            return;
        }
        t->rows = arena_reserve(b->a, t->rows, (size_t)t->row_count, &t->row_cap,
                                sizeof *t->rows);
        table_row *row = &t->rows[t->row_count++];
        row->part = part;
        row->loc = model_node_loc(b, r);
        row->tag = model_tag_new(b->a, part_tag, TAG_TR);
        const char *role = model_get_attr(b, r, "role");
        /* Tokens, as everywhere: role=" total" or "total " was a plain
         * amount row, its figure never checked. */
        bool sub = model_role_has(role, "subtotal"), total = model_role_has(role, "total");
        if (sub && total)
            model_error_at(b, r, "a row is a subtotal or a total, not both");
        row->kind = sub ? ROWKIND_SUBTOTAL : total ? ROWKIND_TOTAL : ROWKIND_NORMAL;
        const char *rcls = row->kind == ROWKIND_NORMAL ? cls : "table-total";
        row->cells = arena_alloc_array(b->a, (size_t)t->cols, sizeof *row->cells);
        int col = 0;
        if (!t->busy) {
            t->busy = arena_alloc_array(b->a, (size_t)t->cols, sizeof *t->busy);
            t->busy_from = arena_alloc_array(b->a, (size_t)t->cols, sizeof *t->busy_from);
        }
        bool *covered = arena_alloc_array(b->a, (size_t)t->cols, sizeof *covered);
        for (int k = 0; k < t->cols; k++)
            covered[k] = t->busy[k] > 0;
        for (xmlNode *e = r->children; e; e = e->next)
            if (is_cell(e) && row->cell_count < t->cols)
                build_cell(b, e, t, row, &col, rcls);
            else if (is_cell(e))
                model_error_at(b, e, "the row has more entries than the table's cols "
                               "columns");
        pad_row(b, t, row, covered);
        for (int k = 0; k < t->cols; k++)
            if (t->busy[k] > 0)
                t->busy[k]--;
    }
    report_overhanging_rows(b, t);
}

static void verify_budget(builder *b, table_model *t)
{
    for (int col = 0; col < t->cols; col++) {
        budget_cell *cells = arena_alloc_array(b->a, (size_t)t->row_count + 1,
                                               sizeof *cells);
        int *row_of = arena_alloc_array(b->a, (size_t)t->row_count + 1, sizeof(int));
        size_t n = 0;
        bool any = false;
        for (int r = 0; r < t->row_count; r++) {
            table_row *row = &t->rows[r];
            if (row->part == ROW_HEAD)
                continue;
            budget_cell c = { BUDGET_ROW_AMOUNT, false, 0 };
            c.kind = row->kind == ROWKIND_SUBTOTAL ? BUDGET_ROW_SUBTOTAL
                     : row->kind == ROWKIND_TOTAL  ? BUDGET_ROW_TOTAL
                                                   : BUDGET_ROW_AMOUNT;
            for (int i = 0; i < row->cell_count; i++)
                if (row->cells[i].col_start == col && row->cells[i].has_amount) {
                    c.present = true;
                    c.cents = row->cells[i].cents;
                    any = true;
                }
            row_of[n] = r;
            cells[n++] = c;
        }
        if (!any)
            continue;
        /* Every problem is reported: at most one per row. */
        budget_problem *problems = arena_alloc_array(b->a, n + 1, sizeof *problems);
        size_t found = amount_verify_column(cells, n, problems, n + 1);
        for (size_t i = 0; i < found && i < n + 1; i++) {
            table_row *row = &t->rows[row_of[problems[i].row]];
            char stated[40], computed[40];
            amount_format(problems[i].stated, stated, sizeof stated);
            amount_format(problems[i].computed, computed, sizeof computed);
            if (problems[i].kind == BUDGET_SUM_OVERFLOW)
                diag_add(b->diags, DIAG_ERROR, row->loc,
                         "budget sum overflows in this column");
            else
                diag_add(b->diags, DIAG_ERROR, row->loc,
                         "budget %s does not add up: stated %s, computed %s",
                         row->kind == ROWKIND_SUBTOTAL ? "subtotal" : "total",
                         stated, computed);
        }
    }
}

/* One node as blocks (its siblings untouched). */
static block *build_node_blocks(builder *b, xmlNode *n, tag_node *tag, int level)
{
    return n->type == XML_ELEMENT_NODE ? model_build_one_block(b, n, tag, level) : NULL;
}

/* An HTML table's columns: as many as its widest row spans (rows under
 * thead, tbody, tfoot or the table itself). */
static int html_columns(builder *b, xmlNode *table)
{
    int cols = 0;
    for (xmlNode *n = table; n; n = load_walk_next(n, table)) {
        if (!is_row(n))
            continue;
        int w = 0;
        for (xmlNode *c = n->children; c; c = c->next)
            if (is_cell(c)) {
                const char *v = model_get_attr(b, c, "colspan");
                int span = 1;
                w += v && parse_count(v, 100000, &span) && span > 0 ? span : 1;
            }
        cols = w > cols ? w : cols;
    }
    return cols;
}

/* The tgroup's columns (or an HTML table's): their count (an error
 * outside 1..64) and their colspecs; false after an error. */
static bool table_columns(builder *b, xmlNode *tgroup, table_model *t)
{
    const char *cols = model_get_attr(b, tgroup, "cols");
    bool html = !model_is_db(tgroup, "tgroup");
    t->cols = html ? html_columns(b, tgroup) : cols ? atoi(cols) : 0;
    if (html && (t->cols < 1 || t->cols > 64)) {
        model_error_at(b, tgroup, "a table has between 1 and 64 columns, not %d", t->cols);
        return false;
    }
    if (t->cols < 1 || t->cols > 64) {
        model_error_at(b, tgroup, "tgroup cols must be between 1 and 64, not '%s'",
                 cols ? cols : "");
        return false;
    }
    t->col_fixed = arena_alloc_array(b->a, (size_t)t->cols, sizeof(double));
    t->col_star = arena_alloc_array(b->a, (size_t)t->cols, sizeof(double));
    t->col_align = arena_alloc_array(b->a, (size_t)t->cols, sizeof(cell_align));
    t->col_amount = arena_alloc_array(b->a, (size_t)t->cols, sizeof(bool));
    t->col_names = arena_alloc_array(b->a, (size_t)t->cols, sizeof(char *));
    for (int i = 0; i < t->cols; i++)
        t->col_star[i] = 1;
    build_colspecs(b, tgroup, t);
    return true;
}

/* Head, body and foot rows in that order, whatever the source's order,
 * each part under its own structure element. */
static void build_parts(builder *b, xmlNode *tgroup, table_model *t, tag_node *ttag)
{
    static const char *const parts[] = { "thead", "tbody", "tfoot" };
    static const tag_role part_tags[] = { TAG_THEAD, TAG_TBODY, TAG_TFOOT };
    for (int p = 0; p < 3; p++) {
        for (xmlNode *c = tgroup->children; c; c = c->next)
            if (model_is_db(c, parts[p]))
                build_rows(b, c, t, (row_part)p, model_tag_new(b->a, ttag, part_tags[p]));
        bool direct = false; /* an HTML table's rows without a tbody */
        for (xmlNode *c = tgroup->children; c && p == ROW_BODY; c = c->next)
            direct = direct || is_row(c);
        if (direct)
            build_rows(b, tgroup, t, ROW_BODY, model_tag_new(b->a, ttag, TAG_TBODY));
    }
}

/* A child of a table that is its grid, in either model. */
static bool is_grid(xmlNode *c)
{
    static const char *const names[] = { "tgroup", "caption", "thead", "tbody", "tfoot",
                                         "tr", "col", "colgroup" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (model_is_db(c, names[i]))
            return true;
    return false;
}

block *model_build_table(builder *b, xmlNode *n, tag_node *tag)
{
    block_list out = { NULL, NULL };
    bool informal = model_is_db(n, "informaltable");
    const char *role = model_get_attr(b, n, "role");
    tag_node *ttag = model_tag_new(b->a, tag, TAG_TABLE);
    block *bl = model_block_new(b, BLK_TABLE, "table-cell", n, ttag);
    table_model *t = arena_alloc(b->a, sizeof *t);
    bl->table = t;
    t->informal = informal;
    t->budget = model_role_has(role, "budget");
    xmlNode *title = NULL, *tgroup = NULL;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (model_is_db(c, "title") || model_is_db(c, "info"))
            continue;
        else if (model_is_db(c, "tgroup") && !tgroup)
            tgroup = c;
        else if (model_is_db(c, "tgroup")) /* its rows were dropped unseen */
            model_error_at(b, c, "a second <tgroup> in one table is not supported: "
                                 "write a table for each");
        else if (is_grid(c)) /* DocBook's HTML table model: the table is its grid */
            tgroup = tgroup ? tgroup : n;
        else if (c->type == XML_ELEMENT_NODE)
            model_list_append(&out, build_node_blocks(b, c, tag, 9));
    }
    title = model_title_of(n, "title");
    title = title ? title : model_title_of(n, "caption");
    if (!tgroup) {
        model_error_at(b, n, "a table needs a <tgroup>");
        return NULL;
    }
    if (!table_columns(b, tgroup, t))
        return NULL;
    if (title && !informal) {
        b->doc->table_count++;
        bl->number = b->doc->table_count;
        model_list_append(&out, model_caption(b, title, b->st->strings.table_prefix, bl->number,
                                        "table-title", ttag, bl));
    }
    build_parts(b, tgroup, t, ttag);
    if (t->budget)
        verify_budget(b, t);
    if (model_role_has(role, "change"))
        model_change_columns(b, n, t);
    model_register_id(b, bl, n);
    model_list_append(&out, bl);
    bool bar = model_role_has(role, "chart-bar"), share = model_role_has(role, "chart-share");
    if (bar || share)
        model_list_append(&out, model_chart_build(b, n, bl, tag, bar ? CHART_BAR : CHART_SHARE));
    return out.head;
}
