/* diag — diagnostics as values.
 *
 * Owns: the list of warnings and errors of one compilation, each with the
 * source location it arose at. Stages add to the list and carry on where
 * they sensibly can (so several independent errors are reported in one run);
 * only main prints the list and turns it into an exit status.
 * Strings are copied: callers keep ownership of what they pass in.
 */
#ifndef KCVS_DIAG_H
#define KCVS_DIAG_H

#include <stdbool.h>
#include <stdio.h>

typedef struct src_loc {
    const char *file; /* NULL when the problem has no place in a file */
    int line;         /* 0 when unknown */
    int col;          /* 0 when unknown */
} src_loc;

typedef enum {
    DIAG_WARNING,
    DIAG_ERROR,       /* a fault in the document: exit status 1 */
    DIAG_ENVIRONMENT, /* usage or environment (missing font, unwritable
                         output): exit status 2 */
} diag_severity;

typedef struct diag {
    diag_severity severity;
    src_loc loc;
    char *message;
} diag;

typedef struct diag_list {
    diag *items;
    size_t count, capacity;
    size_t errors, warnings, dropped;
    bool environment;  /* an environment problem was seen (kept or not) */
    size_t max_errors; /* later errors are counted, not kept */
    /* Open-addressing set of kept items (index + 1, 0 empty) by hash of
       severity, place and message: a stage that runs more than once (the
       layout's cross-reference passes) reports each problem once. */
    size_t *seen;
    size_t seen_cap;
} diag_list;

void diag_init(diag_list *d);
void diag_clear(diag_list *d);
/* Adds a diagnostic unless one with the same severity, file, line, column
   and message is already in the list (then nothing is counted). */
void diag_add(diag_list *d, diag_severity severity, src_loc loc,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_vadd(diag_list *d, diag_severity severity, src_loc loc,
               const char *fmt, va_list ap);
bool diag_has_errors(const diag_list *d);

/* A point in the list to come back to: a stage that runs again (the
   layout's cross-reference passes) rewinds to it, so only what its final
   run found is reported. */
typedef struct diag_mark {
    size_t count, errors, warnings, dropped;
} diag_mark;
diag_mark diag_mark_now(const diag_list *d);
/* Forgets every diagnostic added since the mark (the environment flag
   stays: it is never a layout finding). */
void diag_rewind(diag_list *d, diag_mark mark);
/* Puts from's diagnostics where the list stood at the mark, before what
   was added since (a stage whose findings arrive late keeps its place in
   the order the stages report in). */
void diag_insert(diag_list *d, diag_mark at, const diag_list *from);
/* A file name on one line whatever its bytes (any but '/' and NUL may be
   in it): a newline, tab or other control character is written as a C
   escape (\n, \t, \x1b), so that one problem stays one line and no name
   sends the terminal a command. */
void diag_print_name(const char *name, FILE *out);
/* GCC style: "file:line:col: error: message", one line each. */
void diag_print(const diag_list *d, FILE *out);
/* 0 ok, 1 document errors, 2 environment errors (worst wins). */
int diag_exit_status(const diag_list *d, bool warnings_are_errors);

#endif
