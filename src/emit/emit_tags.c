#include "emit_internal.h"

/* ---- the structure tree ------------------------------------------------ */

static elem_info *elem_of(emitter *e, tag_node *t);

/* t's index in e->elems, -1 while it has not shown content. */
static int elem_index(const emitter *e, const tag_node *t)
{
    return ptrindex_get(&e->tag_index, t);
}

void emit_elem_push_kid(elem_info *ei, struct_kid k)
{
    ei->kids = mem_reserve(ei->kids, &ei->cap, (size_t)ei->count + 1, sizeof *ei->kids, 4);
    ei->kids[ei->count++] = k;
}

/* A grouping element for the kids of t beyond PDFOBJ_MAX_KIDS, of a kind
 * the standard allows there: another row group beside a TBody (a Table may
 * have several), a TOC inside a TOC, else a NonStruct, whose content counts
 * as its parent's (ISO 32000-1 §14.8.4.2). The emitter owns it. */
static tag_node *overflow_group(emitter *e, tag_node *t)
{
    e->groups = mem_reserve(e->groups, &e->group_cap, (size_t)e->group_count + 1,
                            sizeof *e->groups, 8);
    tag_node *g = mem_alloc(1, sizeof *g);
    e->groups[e->group_count++] = g;
    g->link_index = -1;
    g->role = t->role == TAG_TBODY ? TAG_TBODY : t->role == TAG_TOC ? TAG_TOC : TAG_NONSTRUCT;
    /* t is attached (kid_holder attached it): a row group goes beside it,
       under whatever element holds it now (itself maybe a group). */
    int holder = e->elems[elem_index(e, t)].parent;
    g->parent = t->role != TAG_TBODY ? t : holder >= 0 ? e->elems[holder].node : e->lay->info.tag_root;
    return g;
}

static int elem_attach(emitter *e, tag_node *t, bool group);

/* The element (index) that takes t's next kid: t itself while its /K has
 * room, else its current overflow group, so no /K array reaches libharu's
 * limit however long a section, table or paragraph is. */
int emit_kid_holder(emitter *e, tag_node *t)
{
    int i = elem_attach(e, t, false);
    if (e->elems[i].count < PDFOBJ_MAX_KIDS)
        return i;
    int g = e->elems[i].overflow - 1;
    if (g < 0 || e->elems[g].count >= PDFOBJ_MAX_KIDS) {
        g = elem_attach(e, overflow_group(e, t), true);
        e->elems[i].overflow = g + 1;
    }
    return g;
}

/* The element joins its parent's kids when it first shows content, so the
 * structure follows the reading (drawing) order. A group joins its parent
 * directly (past the limit by one kid per group). */
static int elem_attach(emitter *e, tag_node *t, bool group)
{
    int known = elem_index(e, t);
    if (known >= 0)
        return known;
    /* The parent first: a row registers all its cells in column order when
     * it appears, and the cell that made it appear is one of them. */
    tag_node *root = e->lay->info.tag_root;
    tag_node *parent = t == root ? NULL : t->parent ? t->parent : root;
    int pi = -1;
    if (parent) /* (may move e->elems) */
        pi = group ? elem_attach(e, parent, false) : emit_kid_holder(e, parent);
    known = elem_index(e, t); /* a row brings its cells along */
    if (known >= 0)
        return known;
    e->elems = mem_reserve(e->elems, &e->elem_cap, (size_t)e->elem_count + 1,
                           sizeof *e->elems, 256);
    int index = e->elem_count++;
    e->elems[index] = (elem_info){ t, NULL, 0, 0, -1, NULL, 0, pi };
    ptrindex_put(&e->tag_index, t, index);
    if (parent) {
        emit_elem_push_kid(&e->elems[pi], (struct_kid){ KID_ELEM, t, -1, 0, NULL });
    }
    /* A row keeps all its cells, empty ones too, in column order: a table
     * must stay regular for assistive technology. */
    if (t->role == TAG_TR)
        for (tag_node *cell = t->first; cell; cell = cell->next)
            elem_of(e, cell);
    /* A footnote is read where its mark is, not where its text is drawn
     * (the foot of the page, after the rest of the paragraph). */
    if (t->note)
        elem_attach(e, t->note, false);
    return index;
}

static elem_info *elem_of(emitter *e, tag_node *t)
{
    int i = elem_attach(e, t, false); /* may move e->elems */
    return &e->elems[i];
}

void emit_add_parent(emitter *e, int key, tag_node *t, int mcid)
{
    parent_entry *p = NULL;
    if (e->parent_count && e->parents[e->parent_count - 1].key == key)
        p = &e->parents[e->parent_count - 1];
    else {
        e->parents = mem_reserve(e->parents, &e->parent_cap, (size_t)e->parent_count + 1,
                                 sizeof *e->parents, 64);
        p = &e->parents[e->parent_count++];
        *p = (parent_entry){ key, NULL, 0, 0 };
    }
    p->elems = mem_reserve(p->elems, &p->cap, (size_t)p->count + 1, sizeof *p->elems, 16);
    p->elems[p->count++] = t;
    (void)mcid;
}

/* ---- the structure tree objects ---------------------------------------------- */

/* The /ID of element i (written into buf), false when it has none: notes
 * have one, so that references can point at them. */
static bool elem_id(const emitter *e, int i, char buf[32])
{
    if (e->elems[i].node->role != TAG_NOTE)
        return false;
    snprintf(buf, 32, "note-%d", i);
    return true;
}

static void tree_failed(emitter *e, const char *tree)
{
    diag_add(e->diags, DIAG_ENVIRONMENT, (src_loc){ e->output_name, 0, 0 },
             "cannot write the PDF: the %s has two entries with the same key "
             "(an internal error)", tree);
}

/* Pages by StructParents (an array of elements by MCID), annotations by
 * StructParent (their element): a sorted, balanced number tree. */
static HPDF_Dict parent_tree(emitter *e)
{
    pdftree_entry *entries = mem_alloc((size_t)e->parent_count + 1, sizeof *entries);
    for (int i = 0; i < e->parent_count; i++) {
        parent_entry *p = &e->parents[i];
        entries[i].number = p->key;
        if (p->key < e->lay->page_count) {
            HPDF_Array arr = pdfobj_array(e->pdf, true);
            for (int k = 0; k < p->count; k++)
                pdfobj_array_add(arr, e->elems[elem_index(e, p->elems[k])].dict);
            entries[i].value = arr;
        } else
            entries[i].value = e->elems[elem_index(e, p->elems[0])].dict;
    }
    HPDF_Dict tree = pdftree_write(e->pdf, PDFTREE_NUMBERS, entries, (size_t)e->parent_count);
    free(entries);
    if (!tree)
        tree_failed(e, "ParentTree");
    return tree;
}

/* Every element with an /ID, by that ID (ISO 32000-1 Table 322): a sorted,
 * balanced name tree; NULL when no element has one. */
static HPDF_Dict id_tree(emitter *e)
{
    pdftree_entry *entries = mem_alloc((size_t)e->elem_count + 1, sizeof *entries);
    char (*ids)[32] = mem_alloc((size_t)e->elem_count + 1, sizeof *ids);
    size_t count = 0;
    for (int i = 0; i < e->elem_count; i++)
        if (elem_id(e, i, ids[count])) {
            entries[count].name = ids[count];
            entries[count++].value = e->elems[i].dict;
        }
    HPDF_Dict tree = count ? pdftree_write(e->pdf, PDFTREE_NAMES, entries, count) : NULL;
    if (count && !tree)
        tree_failed(e, "IDTree");
    free(entries);
    free(ids);
    return tree;
}

/* A header cell's scope and a cell's spans (the Table attribute owner). */
static void table_attributes(HPDF_Doc pdf, HPDF_Dict d, const tag_node *t)
{
    if (t->role != TAG_TH && !(t->role == TAG_TD && (t->col_span > 1 || t->row_span > 1)))
        return;
    HPDF_Dict a = pdfobj_dict(pdf, false);
    pdfobj_name(a, "O", "Table");
    if (t->role == TAG_TH)
        pdfobj_name(a, "Scope", t->scope_column == 2 ? "Row" : "Column");
    if (t->col_span > 1)
        pdfobj_int(a, "ColSpan", t->col_span);
    if (t->row_span > 1)
        pdfobj_int(a, "RowSpan", t->row_span);
    pdfobj_put(d, "A", a);
}

static void sb_ref(sbuf *b, unsigned long number)
{
    sb_int(b, number);
    sb_puts(b, " 0 R ");
}

static unsigned long elem_number(const emitter *e, const tag_node *t)
{
    return e->elem_first_number + (unsigned long)elem_index(e, t);
}

/* An element's /K: child elements, marked content (a bare MCID on the
 * element's own page, else an MCR naming its page) and annotations. */
static void struct_kids(const emitter *e, const elem_info *ei, sbuf *b)
{
    sb_puts(b, "/K [");
    for (int k = 0; k < ei->count; k++) {
        const struct_kid *kid = &ei->kids[k];
        if (kid->type == KID_ELEM)
            sb_ref(b, elem_number(e, kid->elem));
        else if (kid->type == KID_MCR && kid->page == ei->page)
            sb_num(b, kid->mcid);
        else if (kid->type == KID_MCR) {
            sb_puts(b, "<</Type /MCR /Pg ");
            sb_ref(b, pdfobj_number(e->pages[kid->page]));
            sb_puts(b, "/MCID ");
            sb_num(b, kid->mcid);
            sb_puts(b, ">> ");
        } else {
            sb_puts(b, "<</Type /OBJR /Obj ");
            sb_ref(b, pdfobj_number(kid->annot));
            sb_puts(b, "/Pg ");
            sb_ref(b, pdfobj_number(e->pages[kid->page]));
            sb_puts(b, ">> ");
        }
    }
    sb_puts(b, "]\n");
}

/* Element i's /S, /P, /Pg and /K, written as the file is saved (its rare
 * keys, /Alt, /ID, /Lang, /E and /A, are libharu's, before these). */
static HPDF_STATUS write_elem(HPDF_Dict d, HPDF_Stream out)
{
    emitter *e = pdfobj_user(d);
    const elem_info *ei = &e->elems[pdfobj_number(d) - e->elem_first_number];
    sbuf *b = &e->scratch;
    b->len = 0;
    sb_puts(b, "/S /");
    sb_puts(b, model_tag_role_name(ei->node->role));
    sb_puts(b, "\n/P ");
    sb_ref(b, ei->parent >= 0 ? e->elem_first_number + (unsigned long)ei->parent
                              : e->struct_root_number);
    if (ei->page >= 0) {
        sb_puts(b, "\n/Pg ");
        sb_ref(b, pdfobj_number(e->pages[ei->page]));
    }
    sb_puts(b, "\n");
    struct_kids(e, ei, b);
    return pdfobj_write(out, b->data, b->len);
}

void emit_structure(emitter *e)
{
    HPDF_Doc pdf = e->pdf;
    elem_of(e, e->lay->info.tag_root);
    /* Numbered in a row: an element finds its own index from its number. */
    for (int i = 0; i < e->elem_count; i++)
        e->elems[i].dict = pdfobj_dict_writing(pdf, write_elem, e);
    if (e->elem_count && e->elems[0].dict)
        e->elem_first_number = pdfobj_number(e->elems[0].dict);
    HPDF_Dict root = pdfobj_dict(pdf, true);
    if (!root)
        return;
    e->struct_root_number = pdfobj_number(root);
    pdfobj_name(root, "Type", "StructTreeRoot");
    for (int i = 0; i < e->elem_count; i++) {
        tag_node *t = e->elems[i].node;
        HPDF_Dict d = e->elems[i].dict;
        /* /Type is optional for structure elements and left out. */
        if (t->alt)
            pdfobj_text(pdf, d, "Alt", t->alt);
        char id[32];
        if (elem_id(e, i, id))
            pdfobj_ascii(pdf, d, "ID", id);
        if (t->lang)
            pdfobj_ascii(pdf, d, "Lang", t->lang);
        if (t->expansion)
            pdfobj_text(pdf, d, "E", t->expansion);
        table_attributes(pdf, d, t);
    }
    HPDF_Array top = pdfobj_array(pdf, false);
    pdfobj_array_add(top, e->elems[elem_index(e, e->lay->info.tag_root)].dict);
    pdfobj_put(root, "K", top);
    emit_doing(e, "writing the structure tree's ParentTree", 0);
    pdfobj_put(root, "ParentTree", parent_tree(e));
    emit_doing(e, "writing the structure tree's IDTree", 0);
    pdfobj_put(root, "IDTree", id_tree(e));
    pdfobj_int(root, "ParentTreeNextKey", e->lay->page_count + e->parent_count);
    pdfobj_put(pdf->catalog, "StructTreeRoot", root);
    HPDF_Dict mark = pdfobj_dict(pdf, false);
    pdfobj_bool(mark, "Marked", true);
    pdfobj_put(pdf->catalog, "MarkInfo", mark);
}
