/* Unit tests of pdftree: number and name trees written from shuffled
 * entries come out with ascending keys across all leaves (readers look keys
 * up by bisection), every node within PDFTREE_FANOUT, /Limits that bound
 * each subtree, all leaves at one depth, every value under its own key;
 * small and empty trees are a single root; equal keys are refused. The
 * trees are read back through libharu's object API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfobj.h"
#include "pdftree.h"

/* ---- helpers ------------------------------------------------------------ */

typedef struct walk {
    pdftree_kind kind;
    long last_number;
    char last_name[32];
    size_t seen;
    int leaf_depth;      /* -1 until the first leaf */
} walk;

static void error_handler(HPDF_STATUS e, HPDF_STATUS d, void *u)
{
    (void)u;
    fail_msg("libharu error 0x%04X (detail %u)", (unsigned)e, (unsigned)d);
}

/* A deterministic shuffle (the test must not depend on rand's seed). */
static void shuffle(pdftree_entry *e, size_t n)
{
    uint32_t x = 12345;
    for (size_t i = n; i-- > 1;) {
        x = x * 1103515245u + 12345u;
        size_t j = (x >> 8) % (i + 1);
        pdftree_entry t = e[i];
        e[i] = e[j];
        e[j] = t;
    }
}

static void key_text(pdftree_kind kind, HPDF_Array a, HPDF_UINT i, char out[32])
{
    if (kind == PDFTREE_NUMBERS) {
        HPDF_Number n = HPDF_Array_GetItem(a, i, HPDF_OCLASS_NUMBER);
        assert_non_null(n);
        snprintf(out, 32, "%ld", (long)n->value);
    } else {
        HPDF_String s = HPDF_Array_GetItem(a, i, HPDF_OCLASS_STRING);
        assert_non_null(s);
        assert_true(s->len < 32);
        memcpy(out, s->value, s->len);
        out[s->len] = '\0';
    }
}

/* The value's /Key entry says under which key it was given. */
static void check_value(pdftree_kind kind, HPDF_Array pairs, HPDF_UINT i, const char *key)
{
    HPDF_Dict v = HPDF_Array_GetItem(pairs, i, HPDF_OCLASS_DICT);
    assert_non_null(v);
    char given[32];
    HPDF_Array k = HPDF_Dict_GetItem(v, "Key", HPDF_OCLASS_ARRAY);
    key_text(kind, k, 0, given);
    assert_string_equal(given, key);
}

static int compare_keys(const walk *w, const char *key)
{
    if (w->kind == PDFTREE_NUMBERS) {
        long n = strtol(key, NULL, 10);
        return (n > w->last_number) - (n < w->last_number);
    }
    return strcmp(key, w->last_name);
}

static void note_key(walk *w, const char *key)
{
    if (w->seen)
        assert_true(compare_keys(w, key) > 0); /* strictly ascending */
    w->last_number = strtol(key, NULL, 10);
    snprintf(w->last_name, sizeof w->last_name, "%s", key);
    w->seen++;
}

/* Walks the subtree of node (leaves left to right); returns its first and
 * last key in lo and hi for the parent's /Limits check. */
static void walk_node(walk *w, HPDF_Dict node, int depth, bool root, char lo[32], char hi[32])
{
    const char *leaf_key = w->kind == PDFTREE_NUMBERS ? "Nums" : "Names";
    HPDF_Array pairs = HPDF_Dict_GetItem(node, leaf_key, HPDF_OCLASS_ARRAY);
    HPDF_Array kids = HPDF_Dict_GetItem(node, "Kids", HPDF_OCLASS_ARRAY);
    assert_true((pairs != NULL) != (kids != NULL));
    lo[0] = hi[0] = '\0';
    if (pairs) {
        HPDF_UINT n = HPDF_Array_Items(pairs);
        assert_true(n % 2 == 0 && n <= 2 * PDFTREE_FANOUT);
        if (w->leaf_depth < 0)
            w->leaf_depth = depth;
        assert_int_equal(depth, w->leaf_depth); /* balanced */
        for (HPDF_UINT i = 0; i < n; i += 2) {
            char key[32];
            key_text(w->kind, pairs, i, key);
            note_key(w, key);
            check_value(w->kind, pairs, i + 1, key);
            if (i == 0)
                strcpy(lo, key);
            strcpy(hi, key);
        }
    } else {
        HPDF_UINT n = HPDF_Array_Items(kids);
        assert_true(n >= 2 && n <= PDFTREE_FANOUT);
        for (HPDF_UINT i = 0; i < n; i++) {
            char klo[32], khi[32];
            walk_node(w, HPDF_Array_GetItem(kids, i, HPDF_OCLASS_DICT), depth + 1, false,
                      klo, khi);
            if (i == 0)
                strcpy(lo, klo);
            strcpy(hi, khi);
        }
    }
    HPDF_Array limits = HPDF_Dict_GetItem(node, "Limits", HPDF_OCLASS_ARRAY);
    if (root) {
        assert_null(limits);
        return;
    }
    assert_non_null(limits);
    char a[32], b[32];
    key_text(w->kind, limits, 0, a);
    key_text(w->kind, limits, 1, b);
    assert_string_equal(a, lo);
    assert_string_equal(b, hi);
}

/* Entries whose values remember their key, for n keys made by make_key. */
static pdftree_entry *entries_new(HPDF_Doc pdf, pdftree_kind kind, size_t n, char (*names)[32])
{
    pdftree_entry *e = calloc(n + 1, sizeof *e);
    for (size_t i = 0; i < n; i++) {
        e[i].number = (long)i * 3 - 50; /* negative keys too */
        snprintf(names[i], 32, "note-%zu", i); /* "note-10" sorts before "note-9" */
        e[i].name = names[i];
        HPDF_Dict v = pdfobj_dict(pdf, true);
        HPDF_Array key = pdfobj_array(pdf, false);
        if (kind == PDFTREE_NUMBERS)
            pdfobj_array_int(key, e[i].number);
        else
            pdfobj_array_add(key, pdfobj_ascii_value(pdf, e[i].name));
        pdfobj_put(v, "Key", key);
        e[i].value = v;
    }
    shuffle(e, n);
    return e;
}

static void check_tree(pdftree_kind kind, size_t n, int expected_depth)
{
    HPDF_Doc pdf = HPDF_New(error_handler, NULL);
    assert_non_null(pdf);
    char (*names)[32] = calloc(n + 1, sizeof *names);
    pdftree_entry *e = entries_new(pdf, kind, n, names);
    HPDF_Dict root = pdftree_write(pdf, kind, e, n);
    assert_non_null(root);
    assert_int_equal(HPDF_GetError(pdf), HPDF_OK);
    walk w = { kind, 0, "", 0, -1 };
    char lo[32], hi[32];
    walk_node(&w, root, 0, true, lo, hi);
    assert_int_equal(w.seen, n);
    assert_int_equal(w.leaf_depth, expected_depth);
    free(e);
    free(names);
    HPDF_Free(pdf);
}

/* ---- tests -------------------------------------------------------------- */

static void number_tree_of_shuffled_keys_is_sorted_and_balanced(void **state)
{
    (void)state;
    /* 64 leaves of 64 are one level; 10,000 entries need two. */
    check_tree(PDFTREE_NUMBERS, 10000, 2);
    check_tree(PDFTREE_NUMBERS, 65, 1);
    check_tree(PDFTREE_NUMBERS, PDFTREE_FANOUT * PDFTREE_FANOUT + 1, 2);
}

static void name_tree_of_shuffled_keys_is_sorted_by_bytes(void **state)
{
    (void)state;
    check_tree(PDFTREE_NAMES, 16000, 2);
}

static void a_small_tree_is_one_root_leaf(void **state)
{
    (void)state;
    check_tree(PDFTREE_NUMBERS, PDFTREE_FANOUT, 0);
    check_tree(PDFTREE_NAMES, 3, 0);
    check_tree(PDFTREE_NUMBERS, 0, 0); /* an empty /Nums root */
}

static void equal_keys_are_refused(void **state)
{
    (void)state;
    HPDF_Doc pdf = HPDF_New(error_handler, NULL);
    pdftree_entry e[3] = { { 5, NULL, pdfobj_dict(pdf, true) },
                           { 1, NULL, pdfobj_dict(pdf, true) },
                           { 5, NULL, pdfobj_dict(pdf, true) } };
    assert_null(pdftree_write(pdf, PDFTREE_NUMBERS, e, 3));
    pdftree_entry n[2] = { { 0, "a", pdfobj_dict(pdf, true) }, { 0, "a", pdfobj_dict(pdf, true) } };
    assert_null(pdftree_write(pdf, PDFTREE_NAMES, n, 2));
    HPDF_Free(pdf);
}

/* cmocka's table of this file's tests, in the shape of every short test
 * file's main (duplicates pairs test_infile, test_mem, test_pdftree,
 * test_style_table, test_ptrindex, test_strindex and test_zpool):
 * each lists its own tests by name. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(number_tree_of_shuffled_keys_is_sorted_and_balanced),
        cmocka_unit_test(name_tree_of_shuffled_keys_is_sorted_by_bytes),
        cmocka_unit_test(a_small_tree_is_one_root_leaf),
        cmocka_unit_test(equal_keys_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
