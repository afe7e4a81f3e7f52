/* amount — euro amounts of budget tables, as exact integer cents.
 *
 * Owns: reading an amount cell's text into int64 cents, printing cents the
 * Belgian way ("397.178,17"), checked addition, and verifying one amount
 * column of a budget table against its subtotal and total rows
 * (FORMAT.md, "Budget tables"). There is no floating point anywhere: a
 * budget's totals must agree to the cent, and binary fractions cannot.
 * Failure: nothing here allocates, aborts or keeps state. Every failure is a
 * returned value (a status, false, a problem record); output parameters are
 * written only on success. Turning a failure into a diagnostic with file
 * and line is the caller's job, because only the caller knows the place.
 */
#ifndef KCVS_AMOUNT_H
#define KCVS_AMOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    AMOUNT_OK,
    AMOUNT_EMPTY,    /* no figure: blank, or a dash placeholder */
    AMOUNT_SYNTAX,   /* not an amount in either accepted notation */
    AMOUNT_OVERFLOW, /* well-formed, but beyond int64 cents */
} amount_status;

/* Parses one cell's text (UTF-8) into cents; *cents is written only on
 * AMOUNT_OK. A NULL text counts as empty.
 *
 * Around the figure, in any order, each at most once:
 *   - white space: ' ', tab, CR, LF, U+00A0, U+202F, U+2009;
 *   - a currency marker "€" or "EUR" (upper case only), before or after;
 *   - a sign '-', U+2212 '−' or '+' before the digits (space after it is
 *     fine), or parentheses around the figure meaning negative — not both.
 *
 * The figure itself, in one of two notations:
 *   Belgian  digits, optionally grouped: a first group of 1–3 digits not
 *            starting with 0, then groups of exactly 3 digits, every group
 *            separated by the same kind of separator: '.' or a space
 *            (' ', U+00A0, U+202F, U+2009 are one kind and may mix);
 *            then optionally ',' and exactly 2 digits.
 *            "1.234" is 1234 euro; "1234,56" (ungrouped) is fine.
 *   plain    digits without grouping, then optionally '.' and exactly
 *            2 digits: "397178.17".
 * Everything else is AMOUNT_SYNTAX, in particular: one decimal digit
 * ("1,5", "1.2"), three digits after a comma ("1,234": English thousands,
 * ambiguous), irregular groups ("1.23.456", "12.3456", "1 2 3"), a grouped
 * figure starting with 0 ("0.500": probably a mistyped decimal), no digit
 * before the decimal mark (",50"), "12,-", "--5", "(-5)", "(12", "12)",
 * a second currency marker.
 *
 * AMOUNT_EMPTY: nothing but white space and at most a currency marker, or a
 * lone dash placeholder '-', '−', '–' (U+2013) or '—' (U+2014), as
 * accountants write "nothing" ("€ –" too). "+" or "()" alone are syntax.
 * "-0,00" is 0. The full int64 range is accepted, INT64_MIN included;
 * beyond it (checked only once the syntax is right) is AMOUNT_OVERFLOW. */
amount_status amount_parse(const char *text, int64_t *cents);

/* Writes cents in Belgian notation: "397.178,17", "0,05", "0,00", and for
 * negatives a U+2212 minus: "−1.234,56". Zero is never signed. Defined for
 * every int64, INT64_MIN included. Returns the length of the text (bytes,
 * excluding the NUL), like snprintf. A buffer of AMOUNT_FORMAT_SIZE bytes
 * always suffices; if size is smaller than needed, buf receives "" (when
 * size > 0) rather than a truncated, wrong figure, and the return value
 * still says how much room was needed. buf may be NULL when size is 0. */
enum { AMOUNT_FORMAT_SIZE = 32 };
size_t amount_format(int64_t cents, char *buf, size_t size);

/* Checked addition: returns false on overflow, leaving *sum untouched. */
bool amount_add(int64_t a, int64_t b, int64_t *sum);

typedef enum {
    BUDGET_ROW_AMOUNT,
    BUDGET_ROW_SUBTOTAL,
    BUDGET_ROW_TOTAL,
} budget_row_kind;

/* One amount column, one row. present is false for an empty cell. */
typedef struct budget_cell {
    budget_row_kind kind;
    bool present;
    int64_t cents;
} budget_cell;

typedef enum {
    BUDGET_MISMATCH,     /* stated differs from computed */
    BUDGET_SUM_OVERFLOW, /* the sum left int64 cents; computed is 0 */
} budget_problem_kind;

typedef struct budget_problem {
    budget_problem_kind kind;
    size_t row; /* 0-based index into the cells passed in */
    int64_t stated, computed;
} budget_problem;

/* Verifies one amount column, rows in document order:
 *   - a subtotal row must equal the sum of the amount rows since the
 *     previous subtotal row (or the start of the column);
 *   - a total row must equal the sum of all amount rows above it.
 *     Subtotal rows are not amount rows, so they are never counted twice;
 *     a total row resets nothing, so a later total is cumulative too.
 * Empty cells in amount rows count as 0. An empty subtotal or total cell is
 * not checked, but an empty subtotal still closes its group. If a running
 * sum overflows, the next stated figure that depends on it is reported as
 * BUDGET_SUM_OVERFLOW, even if later negative rows would bring the sum
 * back into range: a column near 92 quadrillion euro is a typo, and
 * tracking the excess is not worth the complexity. The overflowed group
 * (subtotal) or column (total) stays overflowed until it is reset.
 * All problems are found in one pass. Up to max are written to problems
 * (which may be NULL when max is 0); the return value is the number found,
 * which may exceed max. */
size_t amount_verify_column(const budget_cell *cells, size_t rows,
                            budget_problem *problems, size_t max);

#endif
