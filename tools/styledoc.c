/* styledoc — writes the reference of the style parameters (Markdown) from
 * the table of src/load/style_table.c to standard output. `make style-docs`
 * keeps docs/style-parameters.md so; `make check` fails when it is stale. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "style_table.h"

/* What an element is for, above its table. */
static const char *const element_intro[STYLE_ELEMENTS] = {
    "A paragraph class. The defaults are the body class's; any other class starts as a "
    "copy of its base (default: body) except for the properties marked *own*, which "
    "start at their defaults.",
    "A page master. The defaults are those of a page without base=; a page with base= "
    "starts as a copy of its base.",
    "Line breaking (Knuth–Plass, TeX's names and scales), hyphenation, widows and "
    "orphans, superscripts and footnote marks, font expansion and margin protrusion.",
    "The words the compiler adds to the text. A <strings lang=\"…\"> holds another "
    "language's words and starts as a copy of the <strings> without lang.",
    "Measures of lists, footnotes, tables, images, the contents and links that belong to "
    "no one class.",
    "Charts drawn from a budget table's amounts.",
    "Printer's marks, used only with --profile print.",
};

/* Text in Markdown: '|' and line breaks would end a table cell, and
 * <class> would be read as HTML. */
static void cell(const char *s)
{
    for (; *s; s++)
        if (*s == '|')
            fputs("\\|", stdout);
        else if (*s == '<')
            fputs("&lt;", stdout);
        else if (*s == '>')
            fputs("&gt;", stdout);
        else
            putchar(*s == '\n' ? ' ' : *s);
}

static const char *no_default(style_type t)
{
    switch (t) {
    case STYLE_LENGTH: case STYLE_NUMBER: case STYLE_COUNT: return "0";
    case STYLE_BOOLEAN: return "false";
    case STYLE_COLOUR: return "none";
    case STYLE_FONT: return "the first family";
    default: return "none";
    }
}

static void range(const style_param *p)
{
    if (p->type != STYLE_LENGTH && p->type != STYLE_NUMBER && p->type != STYLE_COUNT) {
        const char *const *v = style_type_values(p->type);
        for (int i = 0; v && v[i]; i++)
            printf("%s%s", i ? ", " : "", v[i]);
        return;
    }
    const char *low = p->low == STYLE_POSITIVE ? "> 0" : p->low == STYLE_NONNEG ? "≥ 0" : "";
    double max = style_param_max(p);
    const char *unit = p->type == STYLE_LENGTH ? "pt" : "";
    if (!isfinite(max))
        printf("%s", *low ? low : "any");
    else if (p->low == STYLE_ANY)
        printf("−%g%s to %g%s", max, unit, max, unit);
    else
        printf("%s, ≤ %g%s", low, max, unit);
}

static void element_table(style_element el)
{
    printf("\n## `<%s>`\n\n", style_element_name(el));
    cell(element_intro[el]);
    printf("\n\n");
    printf("| property | type | default | range | |\n|---|---|---|---|---|\n");
    for (const style_param *p = style_params; p->name; p++) {
        if (p->element != el)
            continue;
        printf("| `%s`%s | %s", p->name, p->flags & STYLE_OWN ? " (own)" : "",
               style_type_name(p->type));
        if (p->unit)
            printf(" (%s)", p->unit);
        printf(" | ");
        if (p->def && *p->def) {
            printf("`");
            cell(p->def);
            printf("`");
        } else
            printf("%s", p->def ? "empty" : no_default(p->type));
        printf(" | ");
        range(p);
        printf(" | ");
        cell(p->help);
        printf(" |\n");
    }
}

int main(void)
{
    printf("# Style parameters\n\n"
           "<!-- Generated from src/load/style_table.c by `make style-docs`: do not edit. -->\n\n"
           "Every property a style sheet (styles/*.xml, schema/style.rnc) may set, with "
           "its type, its default (what applies when no sheet sets it) and the values the "
           "compiler accepts. A length is a number with a unit (pt, mm, cm, in, pc) or 0 "
           "and, unless its range says otherwise, at most %g pt (200 in); a count is a "
           "whole number; a colour names a colour element of the sheet or is none; a template "
           "is a text with the fields {title} {workstream} {page} {pages} {date} "
           "{organisation}. The schema's documentation says more about each.\n",
           STYLE_MAX_LENGTH);
    for (int el = 0; el < STYLE_ELEMENTS; el++)
        element_table((style_element)el);
    return ferror(stdout) ? 1 : 0;
}
