#include "amount.h"

#include <string.h>

/* UTF-8 spellings of the non-ASCII characters the notations use. */
#define EURO_SIGN "\xE2\x82\xAC"
#define MINUS_SIGN "\xE2\x88\x92" /* U+2212 */
#define EN_DASH "\xE2\x80\x93"
#define EM_DASH "\xE2\x80\x94"
#define NO_BREAK_SPACE "\xC2\xA0"
#define NARROW_NO_BREAK_SPACE "\xE2\x80\xAF"
#define THIN_SPACE "\xE2\x80\x89"

/* A byte range of the cell text; never NUL-terminated in the middle. */
typedef struct span {
    const char *p, *end;
} span;

static size_t span_length(span s)
{
    return (size_t)(s.end - s.p);
}

static bool span_equals(span s, const char *literal)
{
    size_t n = strlen(literal);
    return span_length(s) == n && memcmp(s.p, literal, n) == 0;
}

static bool take_prefix(span *s, const char *literal)
{
    size_t n = strlen(literal);
    if (span_length(*s) < n || memcmp(s->p, literal, n) != 0)
        return false;
    s->p += n;
    return true;
}

static bool take_suffix(span *s, const char *literal)
{
    size_t n = strlen(literal);
    if (span_length(*s) < n || memcmp(s->end - n, literal, n) != 0)
        return false;
    s->end -= n;
    return true;
}

/* ---- white space and affixes ------------------------------------------ */

static const char *const surrounding_spaces[] = {
    " ", "\t", "\r", "\n", NO_BREAK_SPACE, NARROW_NO_BREAK_SPACE, THIN_SPACE,
};
enum { SURROUNDING_SPACE_COUNT =
           sizeof surrounding_spaces / sizeof surrounding_spaces[0] };

static bool take_space_prefix(span *s)
{
    for (size_t i = 0; i < SURROUNDING_SPACE_COUNT; i++)
        if (take_prefix(s, surrounding_spaces[i]))
            return true;
    return false;
}

static bool take_space_suffix(span *s)
{
    for (size_t i = 0; i < SURROUNDING_SPACE_COUNT; i++)
        if (take_suffix(s, surrounding_spaces[i]))
            return true;
    return false;
}

static void trim_spaces(span *s)
{
    while (take_space_prefix(s))
        ;
    while (take_space_suffix(s))
        ;
}

static bool take_currency(span *s)
{
    return take_prefix(s, EURO_SIGN) || take_prefix(s, "EUR") ||
           take_suffix(s, EURO_SIGN) || take_suffix(s, "EUR");
}

/* What surrounds the figure. Each may occur once, in any order, so that
 * "−€ 5", "€ −5", "(€ 5)" and "€ (5)" all read as accountants mean them. */
typedef struct affixes {
    bool currency;
    bool sign, minus; /* minus: the sign was '-' or U+2212 */
    bool open, close; /* parentheses */
} affixes;

/* Sets *seen; false if it was already set (a duplicate affix). */
static bool mark_once(bool *seen)
{
    if (*seen)
        return false;
    *seen = true;
    return true;
}

static bool take_sign(span *s, bool *minus)
{
    *minus = take_prefix(s, "-") || take_prefix(s, MINUS_SIGN);
    return *minus || take_prefix(s, "+");
}

/* Peels one affix off s; returns false when there is none left. Sets
 * *duplicate when that affix had been seen before. */
static bool peel_one_affix(span *s, affixes *a, bool *duplicate)
{
    bool minus;
    bool *seen;
    if (take_currency(s))
        seen = &a->currency;
    else if (take_prefix(s, "("))
        seen = &a->open;
    else if (take_suffix(s, ")"))
        seen = &a->close;
    else if (take_sign(s, &minus)) {
        seen = &a->sign;
        a->minus = minus;
    } else
        return false;
    *duplicate = !mark_once(seen);
    return true;
}

/* Strips white space and affixes off both ends of s; false on a duplicate
 * ("--5", "€ 5 EUR", "((5))"). */
static bool peel_affixes(span *s, affixes *a)
{
    bool duplicate = false;
    trim_spaces(s);
    while (peel_one_affix(s, a, &duplicate)) {
        if (duplicate)
            return false;
        trim_spaces(s);
    }
    return true;
}

static bool affixes_consistent(const affixes *a)
{
    bool balanced = a->open == a->close;
    bool one_negation = !(a->open && a->sign);
    return balanced && one_negation;
}

/* Blank, currency only, or a lone dash: how accountants write "nothing".
 * A lone '-' or '−' has already been peeled off as a minus sign. */
static bool is_placeholder(span figure, const affixes *a)
{
    if (a->open || (a->sign && !a->minus))
        return false;
    if (span_length(figure) == 0)
        return true;
    return !a->sign &&
           (span_equals(figure, EN_DASH) || span_equals(figure, EM_DASH));
}

/* ---- the figure --------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t digit_run(const char *p, const char *end)
{
    size_t n = 0;
    while (p + n < end && is_digit(p[n]))
        n++;
    return n;
}

typedef enum { SEPARATOR_NONE, SEPARATOR_DOT, SEPARATOR_SPACE } separator_kind;

static const char *const space_separators[] = {
    " ", NO_BREAK_SPACE, NARROW_NO_BREAK_SPACE, THIN_SPACE,
};
enum { SPACE_SEPARATOR_COUNT =
           sizeof space_separators / sizeof space_separators[0] };

/* The Belgian group separator starting at p, if any; *length its bytes. */
static separator_kind group_separator(const char *p, const char *end,
                                      size_t *length)
{
    span s = { p, end };
    if (take_prefix(&s, ".")) {
        *length = 1;
        return SEPARATOR_DOT;
    }
    for (size_t i = 0; i < SPACE_SEPARATOR_COUNT; i++) {
        if (take_prefix(&s, space_separators[i])) {
            *length = strlen(space_separators[i]);
            return SEPARATOR_SPACE;
        }
    }
    *length = 0;
    return SEPARATOR_NONE;
}

/* Where the integer part ends and the two decimal digits start (NULL when
 * the figure has no decimals). Separators inside the integer part are
 * non-digit bytes (UTF-8 continuation bytes are never ASCII digits), so the
 * value is read by skipping them. */
typedef struct figure_shape {
    const char *integer_end;
    const char *decimals;
} figure_shape;

/* The rest of the figure, from p, must be nothing or mark + 2 digits. */
static bool match_decimals(const char *p, const char *end, char mark,
                           const char **decimals)
{
    if (p == end) {
        *decimals = NULL;
        return true;
    }
    if (end - p != 3 || p[0] != mark || digit_run(p + 1, end) != 2)
        return false;
    *decimals = p + 1;
    return true;
}

static bool match_plain(span figure, figure_shape *shape)
{
    size_t n = digit_run(figure.p, figure.end);
    if (n == 0)
        return false;
    shape->integer_end = figure.p + n;
    return match_decimals(shape->integer_end, figure.end, '.',
                          &shape->decimals);
}

/* The end of a Belgian integer part starting at p, or NULL. */
static const char *match_belgian_integer(const char *p, const char *end)
{
    size_t first = digit_run(p, end);
    if (first == 0)
        return NULL;
    const char *q = p + first;
    size_t separator_length;
    separator_kind kind = group_separator(q, end, &separator_length);
    if (kind == SEPARATOR_NONE)
        return q; /* ungrouped */
    if (first > 3 || p[0] == '0')
        return NULL;
    separator_kind grouping = kind;
    while (kind != SEPARATOR_NONE) {
        if (kind != grouping)
            return NULL;
        q += separator_length;
        if (digit_run(q, end) != 3)
            return NULL;
        q += 3;
        kind = group_separator(q, end, &separator_length);
    }
    return q;
}

static bool match_belgian(span figure, figure_shape *shape)
{
    shape->integer_end = match_belgian_integer(figure.p, figure.end);
    if (!shape->integer_end)
        return false;
    return match_decimals(shape->integer_end, figure.end, ',',
                          &shape->decimals);
}

/* The two notations cannot both match with different values: plain allows
 * '.' only before exactly 2 final digits, Belgian only before 3. */
static bool match_figure(span figure, figure_shape *shape)
{
    return match_plain(figure, shape) || match_belgian(figure, shape);
}

/* Magnitude limits: a negative amount may reach 2^63 cents (INT64_MIN). */
static uint64_t magnitude_limit(bool negative)
{
    return negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
}

/* Cents of a matched figure, as a magnitude; false beyond limit. */
static bool figure_magnitude(span figure, const figure_shape *shape,
                             uint64_t limit, uint64_t *magnitude)
{
    uint64_t euro_limit = limit / 100;
    uint64_t euros = 0;
    for (const char *p = figure.p; p < shape->integer_end; p++) {
        if (!is_digit(*p))
            continue; /* a group separator */
        unsigned digit = (unsigned)(*p - '0');
        /* Checked before multiplying so that nothing ever wraps. */
        if (euros > (euro_limit - digit) / 10)
            return false;
        euros = euros * 10 + digit;
    }
    uint64_t cents = 0;
    if (shape->decimals)
        cents = (uint64_t)(shape->decimals[0] - '0') * 10 +
                (uint64_t)(shape->decimals[1] - '0');
    if (euros * 100 > limit - cents)
        return false;
    *magnitude = euros * 100 + cents;
    return true;
}

/* Negates a magnitude up to 2^63 without overflowing on the way. */
static int64_t negate_magnitude(uint64_t magnitude)
{
    if (magnitude == 0)
        return 0;
    return -(int64_t)(magnitude - 1) - 1;
}

amount_status amount_parse(const char *text, int64_t *cents)
{
    if (!text)
        return AMOUNT_EMPTY;
    span figure = { text, text + strlen(text) };
    affixes a = { 0 };
    if (!peel_affixes(&figure, &a) || !affixes_consistent(&a))
        return AMOUNT_SYNTAX;
    if (is_placeholder(figure, &a))
        return AMOUNT_EMPTY;
    figure_shape shape;
    if (!match_figure(figure, &shape))
        return AMOUNT_SYNTAX;
    bool negative = a.minus || a.open;
    uint64_t magnitude;
    if (!figure_magnitude(figure, &shape, magnitude_limit(negative),
                          &magnitude))
        return AMOUNT_OVERFLOW;
    *cents = negative ? negate_magnitude(magnitude) : (int64_t)magnitude;
    return AMOUNT_OK;
}

/* ---- formatting ---------------------------------------------------------- */

static uint64_t magnitude_of(int64_t cents)
{
    /* -(INT64_MIN) is undefined; shift by one on each side instead. */
    return cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
}

/* Writes euros with a '.' between groups of three; returns bytes written.
 * out needs room for 26 bytes (20 digits, 6 dots). Its digit loop is
 * emit's sb_num's (duplicates pairs them): see there. */
static size_t write_grouped(uint64_t euros, char *out)
{
    char reversed[20];
    size_t digits = 0;
    do {
        reversed[digits++] = (char)('0' + euros % 10);
        euros /= 10;
    } while (euros);
    size_t length = 0;
    for (size_t i = digits; i-- > 0;) {
        out[length++] = reversed[i];
        if (i > 0 && i % 3 == 0)
            out[length++] = '.';
    }
    return length;
}

size_t amount_format(int64_t cents, char *buf, size_t size)
{
    char text[AMOUNT_FORMAT_SIZE];
    size_t length = 0;
    if (cents < 0) {
        memcpy(text, MINUS_SIGN, strlen(MINUS_SIGN));
        length += strlen(MINUS_SIGN);
    }
    uint64_t magnitude = magnitude_of(cents);
    length += write_grouped(magnitude / 100, text + length);
    text[length++] = ',';
    text[length++] = (char)('0' + magnitude % 100 / 10);
    text[length++] = (char)('0' + magnitude % 10);
    if (length >= size) {
        if (size > 0)
            buf[0] = '\0';
        return length;
    }
    memcpy(buf, text, length);
    buf[length] = '\0';
    return length;
}

bool amount_add(int64_t a, int64_t b, int64_t *sum)
{
    if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
        return false;
    *sum = a + b;
    return true;
}

/* ---- verification -------------------------------------------------------- */

/* A sum that remembers having overflowed, so that the figure checked
 * against it is reported as an overflow rather than a bogus mismatch. */
typedef struct running_sum {
    int64_t cents;
    bool overflowed;
} running_sum;

static void running_sum_add(running_sum *s, int64_t cents)
{
    if (!s->overflowed && !amount_add(s->cents, cents, &s->cents))
        s->overflowed = true;
}

typedef struct problem_sink {
    budget_problem *problems;
    size_t max, found;
} problem_sink;

static void report(problem_sink *sink, budget_problem problem)
{
    if (sink->found < sink->max)
        sink->problems[sink->found] = problem;
    sink->found++;
}

static void check_stated(problem_sink *sink, size_t row,
                         const budget_cell *cell, const running_sum *sum)
{
    if (!cell->present)
        return;
    if (sum->overflowed)
        report(sink, (budget_problem){ BUDGET_SUM_OVERFLOW, row,
                                       cell->cents, 0 });
    else if (cell->cents != sum->cents)
        report(sink, (budget_problem){ BUDGET_MISMATCH, row, cell->cents,
                                       sum->cents });
}

size_t amount_verify_column(const budget_cell *cells, size_t rows,
                            budget_problem *problems, size_t max)
{
    problem_sink sink = { problems, max, 0 };
    running_sum group = { 0, false };
    running_sum column = { 0, false };
    for (size_t row = 0; row < rows; row++) {
        const budget_cell *cell = &cells[row];
        switch (cell->kind) {
        case BUDGET_ROW_AMOUNT: {
            int64_t cents = cell->present ? cell->cents : 0;
            running_sum_add(&group, cents);
            running_sum_add(&column, cents);
            break;
        }
        case BUDGET_ROW_SUBTOTAL:
            check_stated(&sink, row, cell, &group);
            group = (running_sum){ 0, false };
            break;
        case BUDGET_ROW_TOTAL:
            check_stated(&sink, row, cell, &column);
            break;
        }
    }
    return sink.found;
}
