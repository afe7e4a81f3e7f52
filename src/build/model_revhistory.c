/* model_revhistory — DocBook's revision history (<revhistory> in the
 * report's <info>): a small table at the end of the report, headed by the
 * style's words, one row per <revision>.
 *
 * At the end rather than on the cover: the cover is set in the cover's
 * colours and space, a table of versions is reference matter (as DocBook's
 * stylesheets set it after the title page's matter). Owns nothing beyond
 * the blocks it adds to the document model.
 */
#include "model_internal.h"

#include <string.h>

/* The columns, in order: the child elements each takes its text from. */
enum { REV_NUMBER, REV_DATE, REV_AUTHOR, REV_REMARK, REV_COLS };

static const char *const rev_parts[REV_COLS][3] = {
    { "revnumber", NULL, NULL },
    { "date", NULL, NULL },
    { "author", "authorinitials", NULL },
    { "revremark", "revdescription", NULL },
};

static xmlNode *rev_part(xmlNode *revision, int col)
{
    for (xmlNode *c = revision->children; c; c = c->next)
        for (int k = 0; rev_parts[col][k]; k++)
            if (model_is_db(c, rev_parts[col][k]))
                return c;
    return NULL;
}

/* One cell: the part's text (its blocks, for a revdescription), in the
 * class of its row. */
static table_cell make_cell(builder *b, xmlNode *part, const char *text, int col,
                            tag_node *row, bool head)
{
    table_cell cell = { .col_start = col, .col_end = col, .align = CELL_LEFT };
    cell.tag = model_tag_new(b->a, row, head ? TAG_TH : TAG_TD);
    cell.tag->scope_column = head;
    cell.tag->col_span = cell.tag->row_span = 1;
    cell.loc = model_node_loc(b, part);
    const char *cls = head ? "table-head" : "table-cell";
    if (text)
        cell.content = model_make_para(b, part, model_run_new(b, &(inline_ctx){ 0, -1, NULL, NULL,
                                                                                NULL, NULL, NULL },
                                                              INL_TEXT, text, part),
                                       cls, cell.tag, TAG_P);
    else if (model_is_db(part, "revdescription"))
        cell.content = model_build_block_list(b, part->children, cell.tag, 9);
    else if (part)
        cell.content = model_make_para(b, part, model_plain_runs(b, part, NULL), cls, cell.tag,
                                       TAG_P);
    for (block *p = cell.content; p; p = p->next)
        if (p->kind == BLK_PARA)
            p->style = style_class_get(b->st, cls);
    return cell;
}

/* A column's share of the width: the length of its longest text, so that
 * what was changed gets the room and a version number little. */
static void widen(table_model *t, int col, const table_cell *cell, builder *b)
{
    for (const block *p = cell->content; p; p = p->next) {
        double len = p->inlines ? (double)strlen(model_runs_plain_text(b, p->inlines)) : 0;
        if (len > t->col_star[col])
            t->col_star[col] = len;
    }
}

static table_row *new_row(builder *b, table_model *t, tag_node *part, row_part kind,
                          xmlNode *n)
{
    table_row *row = &t->rows[t->row_count++];
    row->part = kind;
    row->loc = model_node_loc(b, n);
    row->tag = model_tag_new(b->a, part, TAG_TR);
    row->cells = arena_alloc_array(b->a, (size_t)t->cols, sizeof *row->cells);
    return row;
}

static table_model *new_table(builder *b, int cols, int rows)
{
    table_model *t = arena_alloc(b->a, sizeof *t);
    t->informal = true;
    t->cols = cols;
    t->col_fixed = arena_alloc_array(b->a, (size_t)cols, sizeof(double));
    t->col_star = arena_alloc_array(b->a, (size_t)cols, sizeof(double));
    t->col_align = arena_alloc_array(b->a, (size_t)cols, sizeof(cell_align));
    t->col_amount = arena_alloc_array(b->a, (size_t)cols, sizeof(bool));
    t->col_names = arena_alloc_array(b->a, (size_t)cols, sizeof(char *));
    t->rows = arena_alloc_array(b->a, (size_t)rows, sizeof *t->rows);
    return t;
}

/* The table: a head row of the style's words, a row per revision; the
 * author column only when some revision names one. */
static block *rev_table(builder *b, xmlNode *hist, tag_node *tag)
{
    int count = 0, cols = 0;
    bool used[REV_COLS] = { true, false, false, true };
    for (xmlNode *r = hist->children; r; r = r->next)
        if (model_is_db(r, "revision")) {
            count++;
            for (int k = 0; k < REV_COLS; k++)
                used[k] = used[k] || rev_part(r, k);
        }
    for (int k = 0; k < REV_COLS; k++)
        cols += used[k];
    tag_node *ttag = model_tag_new(b->a, tag, TAG_TABLE);
    block *bl = model_block_new(b, BLK_TABLE, "table-cell", hist, ttag);
    table_model *t = bl->table = new_table(b, cols, count + 1);
    table_row *head = new_row(b, t, model_tag_new(b->a, ttag, TAG_THEAD), ROW_HEAD, hist);
    tag_node *body = model_tag_new(b->a, ttag, TAG_TBODY);
    for (int k = 0, col = 0; k < REV_COLS; k++)
        if (used[k]) {
            head->cells[head->cell_count] =
                make_cell(b, hist, b->st->strings.revision_heads[k], col, head->tag, true);
            widen(t, col++, &head->cells[head->cell_count++], b);
        }
    for (xmlNode *r = hist->children; r; r = r->next) {
        if (!model_is_db(r, "revision"))
            continue;
        table_row *row = new_row(b, t, body, ROW_BODY, r);
        for (int k = 0, col = 0; k < REV_COLS; k++)
            if (used[k]) {
                xmlNode *part = rev_part(r, k);
                row->cells[row->cell_count] = make_cell(b, part ? part : r, part ? NULL : "",
                                                        col, row->tag, false);
                widen(t, col++, &row->cells[row->cell_count++], b);
            }
    }
    return bl;
}

/* The revision history's heading (the style's words) and table, for the
 * end of the report. */
block *model_revhistory(builder *b, xmlNode *hist, tag_node *tag)
{
    block_list out = { NULL, NULL };
    inline_run *title = model_run_new(b, &(inline_ctx){ 0, -1, NULL, NULL, NULL, NULL, NULL },
                                      INL_TEXT, b->st->strings.revhistory_title, hist);
    model_list_append(&out, model_make_para(b, hist, title, "minor-heading", tag, TAG_P));
    model_list_append(&out, rev_table(b, hist, tag));
    return out.head;
}
