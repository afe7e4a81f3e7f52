/* model_check — what the build stage checks about names an editor typed
 * (build stage).
 *
 * Owns: the set of role values the format defines (../shared/FORMAT.md),
 * the check of every role= in the document, and the did-you-mean
 * suggestions (by edit distance) for roles and for elements outside the
 * subset. A role typo inside a budget table is an error: it would switch
 * the verification off (a total row read as a plain row); elsewhere it is a
 * warning, once per value.
 */
#include "model_internal.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* Every role value FORMAT.md gives a meaning; fo/html/print choose
 * DocBook's renditions of an imageobject. */
static const char *const known_roles[] = {
    "budget", "amount", "subtotal", "total", "cta", "bold", "strong",
    "decorative", "fo", "html", "print", "chart-bar", "chart-share", "change", NULL };

/* Optimal string alignment distance (Levenshtein with transpositions:
 * "budgte" is one step from "budget"), on bytes. */
size_t model_edit_distance(const char *x, const char *y)
{
    size_t n = strlen(x), m = strlen(y);
    size_t *rows = mem_alloc(3 * (m + 1), sizeof *rows);
    size_t *prev2 = rows, *prev = rows + m + 1, *cur = rows + 2 * (m + 1);
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = x[i - 1] != y[j - 1];
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    size_t d = prev[m];
    free(rows);
    return d;
}

const char *model_closest(const char *word, const char *const *names, size_t max_distance)
{
    const char *best = NULL;
    size_t best_d = max_distance + 1;
    for (size_t i = 0; names[i]; i++) {
        size_t d = model_edit_distance(word, names[i]);
        if (d < best_d) {
            best = names[i];
            best_d = d;
        }
    }
    return best;
}

bool model_seen_once(builder *b, model_seen *set, const char *key)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->items[i], key) == 0)
            return false;
    set->items = arena_reserve(b->a, set->items, set->count, &set->cap, sizeof *set->items);
    set->items[set->count++] = arena_strdup(b->a, key);
    return true;
}

static bool token_known(const char *token)
{
    for (size_t i = 0; known_roles[i]; i++)
        if (strcmp(token, known_roles[i]) == 0)
            return true;
    return false;
}

/* The next space-separated token of a role ("budget chart-bar" holds
 * two), advancing *P; NULL after the last. */
static const char *next_token(builder *b, const char **p)
{
    *p += strspn(*p, " \t\r\n");
    size_t len = strcspn(*p, " \t\r\n");
    if (len == 0)
        return NULL;
    const char *token = arena_strndup(b->a, *p, len);
    *p += len;
    return token;
}

/* The role's first unknown token, NULL when all are known. */
static const char *unknown_token(builder *b, const char *role)
{
    for (const char *token; (token = next_token(b, &role));)
        if (!token_known(token))
            return token;
    return NULL;
}

/* A role a typo away: one edit for short values, two for longer ones. */
static const char *role_suggestion(const char *role)
{
    return model_closest(role, known_roles, strlen(role) >= 5 ? 2 : 1);
}

static bool is_table(xmlNode *n)
{
    return model_is_db(n, "table") || model_is_db(n, "informaltable");
}

/* A table meant as a budget: role="budget", or a role a typo away from it. */
static bool meant_as_budget(builder *b, xmlNode *table)
{
    const char *role = model_get_attr(b, table, "role");
    for (const char *token; role && (token = next_token(b, &role));) {
        const char *s = token_known(token) ? token : role_suggestion(token);
        if (s && strcmp(s, "budget") == 0)
            return true;
    }
    return false;
}

/* The elements of a budget table whose roles drive the verification. */
static bool in_budget_table(builder *b, xmlNode *n)
{
    if (is_table(n))
        return meant_as_budget(b, n);
    if (!model_is_db(n, "row") && !model_is_db(n, "entry") && !model_is_db(n, "colspec"))
        return false;
    for (xmlNode *p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
        if (is_table(p))
            return meant_as_budget(b, p);
    return false;
}

void model_check_role(builder *b, xmlNode *n)
{
    const char *whole = model_get_attr(b, n, "role");
    const char *role = whole ? unknown_token(b, whole) : NULL;
    if (!role)
        return;
    const char *hint = role_suggestion(role);
    char *did = hint ? arena_printf(b->a, ": did you mean '%s'?", hint) : "";
    if (in_budget_table(b, n)) {
        diag_add(b->diags, DIAG_ERROR, model_node_loc(b, n),
                 "role '%s' on <%s> in a budget table is not a role of the format%s "
                 "(the budget is verified only with budget, amount, subtotal and total)",
                 role, (const char *)n->name, did);
        return;
    }
    if (model_seen_once(b, &b->warned_roles, role))
        diag_add(b->diags, DIAG_WARNING, model_node_loc(b, n),
                 "role '%s' is not a role of the format and has no effect%s", role, did);
}
