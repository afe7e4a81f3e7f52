#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
    size_t max = d->max_errors;
    diag_init(d);
    d->max_errors = max;
}

static char *diag_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
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

void diag_vadd(diag_list *d, diag_severity severity, src_loc loc,
               const char *fmt, va_list ap)
{
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
    if (d->count == d->capacity) {
        size_t cap = d->capacity ? d->capacity * 2 : 16;
        diag *items = realloc(d->items, cap * sizeof *items);
        if (!items) {
            d->dropped++;
            return;
        }
        d->items = items;
        d->capacity = cap;
    }
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    diag_flatten(buf);
    diag *g = &d->items[d->count++];
    g->severity = severity;
    g->loc = loc;
    g->loc.file = diag_strdup(loc.file);
    g->message = diag_strdup(buf);
}

void diag_add(diag_list *d, diag_severity severity, src_loc loc,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(d, severity, loc, fmt, ap);
    va_end(ap);
}

bool diag_has_errors(const diag_list *d)
{
    return d->errors > 0;
}

static void diag_print_one(const diag *g, FILE *out)
{
    const char *kind = g->severity == DIAG_WARNING ? "warning" : "error";
    if (g->loc.file && g->loc.line > 0)
        fprintf(out, "%s:%d:%d: %s: %s\n", g->loc.file, g->loc.line,
                g->loc.col > 0 ? g->loc.col : 1, kind,
                g->message ? g->message : "");
    else if (g->loc.file)
        fprintf(out, "%s: %s: %s\n", g->loc.file, kind,
                g->message ? g->message : "");
    else
        fprintf(out, "kcvs-pdf: %s: %s\n", kind, g->message ? g->message : "");
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
