/* model_date — the publication date (build stage).
 *
 * Owns: reading a <pubdate> as editors write it — ISO (2027, 2027-03,
 * 2027-03-15), 15/03/2027, 15-03-2027, 15.03.2027, and written with the
 * month names of any <strings> of the style sheet ("15 maart 2027",
 * "15 mars 2027", "15. März 2027", "15 March 2027", "March 15, 2027") — and
 * printing it in the report's language with the style's date-format.
 * Month names and formats come from the style, never from C.
 * Failure: a date that cannot be read is a warning; it is then printed as
 * written and the PDF's dates fall back as the README says.
 */
#include "model_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool date_valid(const model_date *d)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (d->year < 1900 || d->year > 2999)
        return false;
    if (d->precision == MODEL_DATE_YEAR)
        return true;
    if (d->month < 1 || d->month > 12)
        return false;
    if (d->precision == MODEL_DATE_MONTH)
        return true;
    int max = days[d->month - 1] + (d->month == 2 && leap(d->year));
    return d->day >= 1 && d->day <= max;
}

/* N digits exactly at *p (advanced past them). */
static bool digits(const char **p, int min, int max, int *value)
{
    int n = 0, v = 0;
    while (isdigit((unsigned char)(*p)[n]) && n < max)
        v = v * 10 + ((*p)[n++] - '0');
    if (n < min || isdigit((unsigned char)(*p)[n]))
        return false;
    *p += n;
    *value = v;
    return true;
}

/* 2027, 2027-03, 2027-03-15. */
static bool parse_iso(const char *s, model_date *d)
{
    *d = (model_date){ .precision = MODEL_DATE_YEAR };
    if (!digits(&s, 4, 4, &d->year))
        return false;
    if (*s == '-') {
        s++;
        d->precision = MODEL_DATE_MONTH;
        if (!digits(&s, 2, 2, &d->month))
            return false;
        if (*s == '-') {
            s++;
            d->precision = MODEL_DATE_DAY;
            if (!digits(&s, 2, 2, &d->day))
                return false;
        }
    }
    return *s == '\0';
}

/* 15/03/2027, 15-03-2027, 15.03.2027 (day first, as in Belgium). */
static bool parse_numeric(const char *s, model_date *d)
{
    *d = (model_date){ .precision = MODEL_DATE_DAY };
    if (!digits(&s, 1, 2, &d->day) || !strchr("/-.", *s) || !*s)
        return false;
    char sep = *s++;
    if (!digits(&s, 1, 2, &d->month) || *s++ != sep)
        return false;
    return digits(&s, 4, 4, &d->year) && *s == '\0';
}

/* Word I (1-based) of a space-separated LIST and its length; NULL when
 * the list is shorter. */
static const char *word_at(const char *list, int i, size_t *len)
{
    const char *p = list ? list : "";
    for (int k = 1;; k++) {
        while (isspace((unsigned char)*p))
            p++;
        *len = strcspn(p, " \t\r\n");
        if (!*len)
            return NULL;
        if (k == i)
            return p;
        p += *len;
    }
}

/* The month (1-12) named WORD (LEN bytes) in a list of twelve names; 0
 * when none. ASCII letters compare without case: month names are written
 * with a capital in German and English. */
static int month_in(const char *months, const char *word, size_t len)
{
    size_t n;
    for (int m = 1; m <= 12; m++) {
        const char *name = word_at(months, m, &n);
        if (!name)
            return 0;
        if (n == len && strncasecmp(name, word, len) == 0)
            return m;
    }
    return 0;
}

static int month_named(const style *st, const char *word, size_t len)
{
    int m = month_in(st->default_strings.months, word, len);
    for (int i = 0; !m && i < st->lang_count; i++)
        m = month_in(st->lang_strings[i].months, word, len);
    return m ? m : month_in(st->strings.months, word, len);
}

/* Splits S into at most 4 words at spaces and commas; a word keeps no
 * trailing dot ("15." of German dates). */
static int split_words(const char *s, const char *word[4], size_t len[4])
{
    int n = 0;
    while (*s) {
        while (*s == ' ' || *s == ',')
            s++;
        if (!*s)
            break;
        if (n == 4)
            return 5;
        size_t k = strcspn(s, " ,");
        word[n] = s;
        len[n] = k;
        if (k > 1 && s[k - 1] == '.' && isdigit((unsigned char)s[0]))
            len[n]--;
        n++;
        s += k;
    }
    return n;
}

static bool number_word(const char *w, size_t len, int max_digits, int *value)
{
    if (len == 0 || len > (size_t)max_digits)
        return false;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)w[i]))
            return false;
        v = v * 10 + (w[i] - '0');
    }
    *value = v;
    return true;
}

/* A day: 15, or the French first of the month, 1er. */
static bool day_word(const char *w, size_t len, int *day)
{
    if (len == 3 && strncmp(w, "1er", 3) == 0) {
        *day = 1;
        return true;
    }
    return number_word(w, len, 2, day);
}

/* 15 maart 2027, 15. März 2027, March 15, 2027, maart 2027. */
static bool parse_written(const style *st, const char *s, model_date *d)
{
    const char *w[4];
    size_t len[4];
    int n = split_words(s, w, len);
    *d = (model_date){ .precision = MODEL_DATE_DAY };
    if (n == 3 && day_word(w[0], len[0], &d->day) &&
        (d->month = month_named(st, w[1], len[1])) != 0)
        return number_word(w[2], len[2], 4, &d->year) && len[2] == 4;
    if (n == 3 && (d->month = month_named(st, w[0], len[0])) != 0 &&
        day_word(w[1], len[1], &d->day))
        return number_word(w[2], len[2], 4, &d->year) && len[2] == 4;
    d->precision = MODEL_DATE_MONTH;
    return n == 2 && (d->month = month_named(st, w[0], len[0])) != 0 &&
           number_word(w[1], len[1], 4, &d->year) && len[1] == 4;
}

bool model_date_parse(const style *st, const char *text, model_date *d)
{
    return (parse_iso(text, d) || parse_numeric(text, d) || parse_written(st, text, d)) &&
           date_valid(d);
}

/* The name of month M in a list; NULL when it has none. */
static const char *month_name(arena *a, const char *months, int m)
{
    size_t n;
    const char *name = word_at(months, m, &n);
    return name ? arena_strndup(a, name, n) : NULL;
}

const char *model_date_format(arena *a, const style_strings *s, const model_date *d)
{
    char num[16];
    const char *month = month_name(a, s->months, d->month);
    if (d->precision == MODEL_DATE_YEAR || !month) {
        /* Without month names in the style: ISO, which every reader reads. */
        if (d->precision == MODEL_DATE_DAY && !month)
            return arena_printf(a, "%04d-%02d-%02d", d->year, d->month, d->day);
        if (d->precision == MODEL_DATE_MONTH && !month)
            return arena_printf(a, "%04d-%02d", d->year, d->month);
        return arena_printf(a, "%04d", d->year);
    }
    if (d->precision == MODEL_DATE_MONTH)
        return arena_printf(a, "%s %04d", month, d->year);
    const char *out = "";
    for (const char *p = s->date_format ? s->date_format : "{day} {month} {year}"; *p;) {
        const char *v = NULL;
        size_t skip = 1;
        if (strncmp(p, "{day}", 5) == 0) {
            snprintf(num, sizeof num, "%d", d->day);
            v = num, skip = 5;
        } else if (strncmp(p, "{month}", 7) == 0)
            v = month, skip = 7;
        else if (strncmp(p, "{year}", 6) == 0) {
            snprintf(num, sizeof num, "%04d", d->year);
            v = num, skip = 6;
        }
        out = v ? arena_printf(a, "%s%s", out, v)
                : arena_printf(a, "%s%.*s", out, 1, p);
        p += skip;
    }
    return out;
}
