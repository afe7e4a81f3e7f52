#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

enum { DIAG_DEFAULT_MAX_ERRORS = 50 };

void diag_init(diag_list *d)
{
    memset(d, 0, sizeof *d);
    d->max_errors = DIAG_DEFAULT_MAX_ERRORS;
}

void diag_clear(diag_list *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free((char *)d->items[i].loc.file);
        free(d->items[i].message);
    }
    free(d->items);
    free(d->seen);
    size_t max = d->max_errors;
    diag_init(d);
    d->max_errors = max;
}

/* Messages are one line: a newline inside would break editors' parsers. */
static void diag_flatten(char *s)
{
    size_t len = strlen(s);
    while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
        s[--len] = '\0';
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static size_t diag_hash(diag_severity severity, src_loc loc, const char *message)
{
    /* FNV-1a over the fields that make two diagnostics the same */
    size_t h = 1469598103934665603u;
    const char *parts[2] = { loc.file ? loc.file : "", message };
    for (int k = 0; k < 2; k++) {
        for (const char *p = parts[k]; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211u;
        h = (h ^ 0xff) * 1099511628211u;
    }
    size_t nums[3] = { (size_t)severity, (size_t)loc.line, (size_t)loc.col };
    for (int k = 0; k < 3; k++)
        h = (h ^ nums[k]) * 1099511628211u;
    return h;
}

static bool same_diag(const diag *g, diag_severity severity, src_loc loc,
                      const char *message)
{
    return g->severity == severity && g->loc.line == loc.line && g->loc.col == loc.col
           && same_text(g->loc.file, loc.file) && same_text(g->message, message);
}

/* The slot of an equal kept item, or the empty slot where it would go. */
static size_t *seen_slot(const diag_list *d, size_t hash, diag_severity severity,
                         src_loc loc, const char *message)
{
    size_t mask = d->seen_cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        size_t *slot = &d->seen[i];
        if (*slot == 0 || same_diag(&d->items[*slot - 1], severity, loc, message))
            return slot;
    }
}

/* Keeps the set at most half full. */
static void seen_reserve(diag_list *d)
{
    if ((d->count + 1) * 2 <= d->seen_cap)
        return;
    size_t cap = mem_grown(d->seen_cap, (d->count + 1) * 2, 64);
    size_t *old = d->seen;
    d->seen = mem_alloc(cap, sizeof *d->seen);
    d->seen_cap = cap;
    for (size_t i = 0; i < d->count; i++) {
        const diag *g = &d->items[i];
        *seen_slot(d, diag_hash(g->severity, g->loc, g->message ? g->message : ""),
                   g->severity, g->loc, g->message) = i + 1;
    }
    free(old);
}

void diag_vadd(diag_list *d, diag_severity severity, src_loc loc,
               const char *fmt, va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    diag_flatten(buf);
    seen_reserve(d);
    size_t *slot = seen_slot(d, diag_hash(severity, loc, buf), severity, loc, buf);
    if (*slot)
        return; /* said already */
    if (severity == DIAG_WARNING)
        d->warnings++;
    else
        d->errors++;
    if (severity == DIAG_ENVIRONMENT)
        d->environment = true;
    if (severity != DIAG_WARNING && d->max_errors && d->errors > d->max_errors) {
        d->dropped++;
        return;
    }
    d->items = mem_reserve(d->items, &d->capacity, d->count + 1, sizeof *d->items, 16);
    diag *g = &d->items[d->count++];
    g->severity = severity;
    g->loc = loc;
    g->loc.file = mem_strdup(loc.file);
    g->message = mem_strdup(buf);
    *slot = d->count;
}

void diag_add(diag_list *d, diag_severity severity, src_loc loc,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(d, severity, loc, fmt, ap);
    va_end(ap);
}

diag_mark diag_mark_now(const diag_list *d)
{
    return (diag_mark){ d->count, d->errors, d->warnings, d->dropped };
}

/* Back to the mark's counts; the items past it are the caller's. */
static void diag_cut(diag_list *d, diag_mark mark)
{
    d->count = mark.count;
    d->errors = mark.errors;
    d->warnings = mark.warnings;
    d->dropped = mark.dropped;
    /* the set is rebuilt from the items kept */
    free(d->seen);
    d->seen = NULL;
    d->seen_cap = 0;
    seen_reserve(d);
}

void diag_rewind(diag_list *d, diag_mark mark)
{
    if (mark.count > d->count)
        return;
    for (size_t i = mark.count; i < d->count; i++) {
        free((char *)d->items[i].loc.file);
        free(d->items[i].message);
    }
    diag_cut(d, mark);
}

bool diag_has_errors(const diag_list *d)
{
    return d->errors > 0;
}

void diag_print_name(const char *name, FILE *out)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p >= 0x20 && *p != 0x7f)
            putc(*p, out);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else
            fprintf(out, "\\x%02x", *p);
    }
}

static void diag_print_one(const diag *g, FILE *out)
{
    const char *kind = g->severity == DIAG_WARNING ? "warning" : "error";
    if (!g->loc.file)
        fputs("kcvs-pdf", out);
    else
        diag_print_name(g->loc.file, out);
    if (g->loc.file && g->loc.line > 0)
        fprintf(out, ":%d:%d", g->loc.line, g->loc.col > 0 ? g->loc.col : 1);
    fprintf(out, ": %s: %s\n", kind, g->message ? g->message : "");
}

void diag_insert(diag_list *d, diag_mark at, const diag_list *from)
{
    if (from->count == 0 || at.count > d->count)
        return;
    /* What came after the mark is taken off and added again behind. */
    size_t tail = d->count - at.count;
    diag *later = mem_alloc(tail ? tail : 1, sizeof *later);
    if (tail)
        memcpy(later, d->items + at.count, tail * sizeof *later);
    size_t later_errors = d->errors - at.errors, later_dropped = d->dropped - at.dropped;
    diag_cut(d, at);
    for (size_t i = 0; i < from->count; i++)
        diag_add(d, from->items[i].severity, from->items[i].loc, "%s",
                 from->items[i].message ? from->items[i].message : "");
    size_t errors_before = d->errors;
    for (size_t i = 0; i < tail; i++) {
        diag_add(d, later[i].severity, later[i].loc, "%s",
                 later[i].message ? later[i].message : "");
        free((char *)later[i].loc.file);
        free(later[i].message);
    }
    /* errors counted but not kept past the limit stay counted */
    size_t kept_errors = d->errors - errors_before;
    d->errors += later_errors > kept_errors ? later_errors - kept_errors : 0;
    d->dropped += later_dropped;
    free(later);
}

void diag_print(const diag_list *d, FILE *out)
{
    for (size_t i = 0; i < d->count; i++)
        diag_print_one(&d->items[i], out);
    if (d->dropped)
        fprintf(out, "kcvs-pdf: error: %zu further errors not shown\n", d->dropped);
}

int diag_exit_status(const diag_list *d, bool warnings_are_errors)
{
    int status = 0;
    if (d->environment)
        return 2;
    for (size_t i = 0; i < d->count; i++) {
        if (d->items[i].severity == DIAG_ENVIRONMENT)
            return 2;
        if (d->items[i].severity == DIAG_ERROR)
            status = 1;
    }
    if (d->dropped)
        status = status ? status : 1;
    if (warnings_are_errors && d->warnings && !status)
        status = 1;
    return status;
}
