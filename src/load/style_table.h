/* style_table — the one declaration of every style parameter.
 *
 * Each row names a property of one element of the style sheet with its
 * type, default (written as in a style sheet), range, unit and one line of
 * help. The loader (style.c) is driven by it, the reference of the style
 * parameters (docs/style-parameters.md, `make style-docs`) is generated
 * from it, and a unit test holds schema/style.rng to it, so a parameter
 * is added or changed here and nowhere else in C. The defaults here are
 * the only visual values in the program's source (tests/structure.sh).
 */
#ifndef KCVS_STYLE_TABLE_H
#define KCVS_STYLE_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "style.h" /* STYLE_MAX_LENGTH */

/* The elements of a style sheet that hold properties (colours and fonts
 * have their own loaders). */
typedef enum { STYLE_EL_CLASS, STYLE_EL_PAGE, STYLE_EL_TYPOGRAPHY, STYLE_EL_STRINGS,
               STYLE_EL_LAYOUT, STYLE_EL_CHART, STYLE_EL_PRINT, STYLE_ELEMENTS } style_element;

/* Value types, as the schema names them (s.length, s.count, …). A length
 * whose range allows negative values is a signed length. */
typedef enum { STYLE_LENGTH, STYLE_NUMBER, STYLE_COUNT, STYLE_BOOLEAN, STYLE_COLOUR,
               STYLE_FONT, STYLE_VARIANT, STYLE_ALIGN, STYLE_INTENT, STYLE_TEXT,
               STYLE_TEMPLATE } style_type;

/* The least value: any finite one, more than 0, or 0 or more. */
typedef enum { STYLE_ANY, STYLE_POSITIVE, STYLE_NONNEG } style_low;

/* A class property that is not inherited through base= (it belongs to
 * one class): a derived class starts with its default. */
enum { STYLE_OWN = 1 };

typedef struct style_param {
    style_element element;
    const char *name;
    style_type type;
    size_t offset;      /* in the element's struct */
    const char *def;    /* as written in a style sheet; NULL: 0, false, none,
                           the first font family, no text */
    style_low low;
    double max;         /* 0: STYLE_MAX_LENGTH for lengths, none else */
    int flags;
    const char *unit;   /* what a number counts, for the reference; NULL */
    const char *help;   /* one line */
} style_param;

/* The table, ended by a row whose name is NULL. */
extern const style_param style_params[];

const char *style_element_name(style_element el);
const char *style_type_name(style_type t);
/* The allowed values of an enumerated type (variant, align, intent), NULL
 * ended, in the order of their C enum; NULL for other types. */
const char *const *style_type_values(style_type t);
/* The largest value p takes (STYLE_MAX_LENGTH for a length without its
 * own bound), HUGE_VAL for none. */
double style_param_max(const style_param *p);

#endif
