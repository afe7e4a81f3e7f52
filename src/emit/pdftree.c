#include "pdftree.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "pdfobj.h"

static int compare_numbers(const void *a, const void *b)
{
    long x = ((const pdftree_entry *)a)->number, y = ((const pdftree_entry *)b)->number;
    return (x > y) - (x < y);
}

/* Byte order (strcmp compares as unsigned char), as ISO 32000-1 §7.9.6
 * orders name tree keys. */
static int compare_names(const void *a, const void *b)
{
    return strcmp(((const pdftree_entry *)a)->name, ((const pdftree_entry *)b)->name);
}

typedef struct tree_writer {
    HPDF_Doc pdf;
    pdftree_kind kind;
    const pdftree_entry *entries;
} tree_writer;

static void put_key(const tree_writer *w, HPDF_Array a, size_t i)
{
    if (w->kind == PDFTREE_NUMBERS)
        pdfobj_array_int(a, w->entries[i].number);
    else
        pdfobj_array_add(a, pdfobj_ascii_value(w->pdf, w->entries[i].name));
}

/* A node covers the entries first..last (inclusive). */
typedef struct tree_node {
    HPDF_Dict dict;
    size_t first, last;
} tree_node;

static void put_limits(const tree_writer *w, const tree_node *n)
{
    HPDF_Array limits = pdfobj_array(w->pdf, false);
    put_key(w, limits, n->first);
    put_key(w, limits, n->last);
    pdfobj_put(n->dict, "Limits", limits);
}

/* Splits count things into groups of at most PDFTREE_FANOUT whose sizes
 * differ by at most one, so the tree stays balanced at every level. */
static size_t group_count(size_t count)
{
    return (count + PDFTREE_FANOUT - 1) / PDFTREE_FANOUT;
}

static size_t group_start(size_t count, size_t groups, size_t g)
{
    return count / groups * g + (g < count % groups ? g : count % groups);
}

static tree_node leaf(const tree_writer *w, size_t first, size_t end, bool root)
{
    tree_node n = { pdfobj_dict(w->pdf, true), first, end - 1 };
    HPDF_Array pairs = pdfobj_array(w->pdf, false);
    for (size_t i = first; i < end; i++) {
        put_key(w, pairs, i);
        pdfobj_array_add(pairs, w->entries[i].value);
    }
    pdfobj_put(n.dict, w->kind == PDFTREE_NUMBERS ? "Nums" : "Names", pairs);
    if (!root)
        put_limits(w, &n);
    return n;
}

static tree_node inner(const tree_writer *w, const tree_node *kids, size_t count, bool root)
{
    tree_node n = { pdfobj_dict(w->pdf, true), kids[0].first, kids[count - 1].last };
    HPDF_Array array = pdfobj_array(w->pdf, false);
    for (size_t i = 0; i < count; i++)
        pdfobj_array_add(array, kids[i].dict);
    pdfobj_put(n.dict, "Kids", array);
    if (!root)
        put_limits(w, &n);
    return n;
}

static bool has_equal_neighbours(const pdftree_entry *e, size_t count,
                                 int (*cmp)(const void *, const void *))
{
    for (size_t i = 1; i < count; i++)
        if (cmp(&e[i - 1], &e[i]) == 0)
            return true;
    return false;
}

HPDF_Dict pdftree_write(HPDF_Doc pdf, pdftree_kind kind, pdftree_entry *entries,
                        size_t count)
{
    int (*cmp)(const void *, const void *) =
        kind == PDFTREE_NUMBERS ? compare_numbers : compare_names;
    if (count > 1)
        qsort(entries, count, sizeof *entries, cmp);
    if (has_equal_neighbours(entries, count, cmp))
        return NULL;
    tree_writer w = { pdf, kind, entries };
    if (count <= PDFTREE_FANOUT)
        return leaf(&w, 0, count, true).dict;
    /* Leaves first, then one level of parents at a time up to the root. */
    size_t nodes = group_count(count);
    tree_node *level = mem_alloc(nodes, sizeof *level);
    for (size_t g = 0; g < nodes; g++)
        level[g] = leaf(&w, group_start(count, nodes, g), group_start(count, nodes, g + 1),
                        false);
    while (nodes > 1) {
        size_t parents = group_count(nodes);
        for (size_t g = 0; g < parents; g++) {
            size_t from = group_start(nodes, parents, g), to = group_start(nodes, parents, g + 1);
            /* level[g] is written after level[from..to) is read: g <= from */
            level[g] = inner(&w, level + from, to - from, parents == 1);
        }
        nodes = parents;
    }
    HPDF_Dict root = level[0].dict;
    free(level);
    return root;
}
