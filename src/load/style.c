#include "style.h"

#include "infile.h"
#include "utf8.h"

#include <errno.h>
#include <limits.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#define STYLE_NS "urn:x-kcvs-pdf:style"

typedef enum { P_LENGTH, P_NUMBER, P_INT, P_BOOL, P_COLOUR, P_FONT,
               P_VARIANT, P_ALIGN, P_INTENT, P_STRING } prop_type;

typedef struct prop {
    const char *name;
    prop_type type;
    size_t offset;
} prop;

#define CLS(n, t, f) { n, t, offsetof(style_class, f) }
static const prop class_props[] = {
    CLS("font", P_FONT, font), CLS("variant", P_VARIANT, variant),
    CLS("size", P_LENGTH, size), CLS("leading", P_LENGTH, leading),
    CLS("colour", P_COLOUR, colour), CLS("align", P_ALIGN, align),
    CLS("space-before", P_LENGTH, space_before),
    CLS("space-after", P_LENGTH, space_after),
    CLS("indent-left", P_LENGTH, indent_left),
    CLS("indent-right", P_LENGTH, indent_right),
    CLS("first-indent", P_LENGTH, first_indent),
    CLS("letter-spacing", P_LENGTH, letter_spacing),
    CLS("uppercase", P_BOOL, uppercase), CLS("hyphenate", P_BOOL, hyphenate),
    CLS("keep-with-next", P_BOOL, keep_with_next),
    CLS("break-before", P_BOOL, break_before),
    CLS("baseline-grid", P_BOOL, on_grid),
    CLS("background", P_COLOUR, background),
    CLS("border-colour", P_COLOUR, border_colour),
    CLS("border-width", P_LENGTH, border_width),
    CLS("radius", P_LENGTH, radius), CLS("padding-x", P_LENGTH, padding_x),
    CLS("padding-y", P_LENGTH, padding_y),
    CLS("rule-colour", P_COLOUR, rule_colour),
    CLS("rule-width", P_LENGTH, rule_width), CLS("rule-gap", P_LENGTH, rule_gap),
    CLS("rule-length", P_LENGTH, rule_length),
    CLS("min-height", P_LENGTH, min_height),
    CLS("prefix", P_STRING, prefix), CLS("suffix", P_STRING, suffix),
    { NULL, 0, 0 } };

#define MST(n, t, f) { n, t, offsetof(style_master, f) }
static const prop master_props[] = {
    MST("width", P_LENGTH, width), MST("height", P_LENGTH, height),
    MST("margin-top", P_LENGTH, margin_top),
    MST("margin-bottom", P_LENGTH, margin_bottom),
    MST("margin-inner", P_LENGTH, margin_inner),
    MST("margin-outer", P_LENGTH, margin_outer),
    MST("background", P_COLOUR, background),
    MST("band-height", P_LENGTH, band_height),
    MST("band-colour", P_COLOUR, band_colour),
    MST("header-left", P_STRING, header_left),
    MST("header-right", P_STRING, header_right),
    MST("footer-left", P_STRING, footer_left),
    MST("footer-center", P_STRING, footer_center),
    MST("footer-right", P_STRING, footer_right),
    MST("header-offset", P_LENGTH, header_offset),
    MST("footer-offset", P_LENGTH, footer_offset),
    { NULL, 0, 0 } };

/* Deliberately the shape of class_props (duplicates lists the pair): each
 * table is data, one row per property of its own struct. */
#define TYP(n, t, f) { n, t, offsetof(style_typography, f) }
static const prop typography_props[] = {
    TYP("tolerance", P_NUMBER, tolerance),
    TYP("pretolerance", P_NUMBER, pretolerance),
    TYP("line-penalty", P_NUMBER, line_penalty),
    TYP("hyphen-penalty", P_NUMBER, hyphen_penalty),
    TYP("explicit-break-penalty", P_NUMBER, explicit_break_penalty),
    TYP("adjacent-demerits", P_NUMBER, adjacent_demerits),
    TYP("double-hyphen-demerits", P_NUMBER, double_hyphen_demerits),
    TYP("final-hyphen-demerits", P_NUMBER, final_hyphen_demerits),
    TYP("emergency-stretch", P_NUMBER, emergency_stretch_em),
    TYP("space-stretch", P_NUMBER, space_stretch),
    TYP("space-shrink", P_NUMBER, space_shrink),
    TYP("ragged-stretch", P_NUMBER, ragged_stretch_em),
    TYP("widows", P_INT, widows), TYP("orphans", P_INT, orphans),
    TYP("heading-keep-lines", P_INT, heading_keep_lines),
    TYP("max-hyphen-run", P_INT, max_hyphen_run),
    TYP("underfull-badness", P_NUMBER, underfull_badness),
    TYP("hyphen-left-min", P_INT, hyphen_left_min),
    TYP("hyphen-right-min", P_INT, hyphen_right_min),
    TYP("script-size", P_NUMBER, script_size),
    TYP("script-rise", P_NUMBER, script_rise),
    TYP("script-drop", P_NUMBER, script_drop),
    TYP("font-stretch", P_NUMBER, font_stretch),
    TYP("font-shrink", P_NUMBER, font_shrink),
    TYP("font-expansion-step", P_NUMBER, font_expansion_step),
    TYP("protrude-left", P_STRING, protrude_left),
    TYP("protrude-right", P_STRING, protrude_right),
    { NULL, 0, 0 } };

#define STR(n, f) { n, P_STRING, offsetof(style_strings, f) }
static const prop string_props[] = {
    STR("toc-title", toc_title), STR("table-prefix", table_prefix),
    STR("figure-prefix", figure_prefix), STR("page-ref", page_ref),
    STR("toc-leader", toc_leader), STR("blank-page", blank_page),
    STR("quote-open", quote_open), STR("quote-close", quote_close),
    STR("note", admonitions[0]), STR("tip", admonitions[1]),
    STR("important", admonitions[2]), STR("warning", admonitions[3]),
    STR("caution", admonitions[4]),
    STR("months", months), STR("date-format", date_format),
    STR("currency", currency), STR("total", total_word),
    STR("change", change_heading), STR("change-percent", change_percent_heading),
    STR("tie-units", tie_units), STR("tie-before-number", tie_before_number),
    STR("tie-before-word", tie_before_word),
    STR("hyphenation-exceptions", hyphen_exceptions),
    STR("bullet-1", bullets[0]), STR("bullet-2", bullets[1]),
    STR("bullet-3", bullets[2]), STR("bullet-4", bullets[3]),
    STR("ordered-1", ordered_formats[0]), STR("ordered-2", ordered_formats[1]),
    STR("ordered-3", ordered_formats[2]), STR("ordered-4", ordered_formats[3]),
    { NULL, 0, 0 } };

#define PRT(n, t, f) { n, t, offsetof(style_print, f) }
static const prop print_props[] = {
    PRT("bleed", P_LENGTH, bleed), PRT("crop-length", P_LENGTH, crop_length),
    PRT("crop-offset", P_LENGTH, crop_offset), PRT("crop-width", P_LENGTH, crop_width),
    PRT("slug", P_STRING, slug),
    PRT("image-intent", P_INTENT, image_intent),
    PRT("black-point-compensation", P_BOOL, black_point_compensation),
    { NULL, 0, 0 } };

#define CHT(n, t, f) { n, t, offsetof(style_chart, f) }
static const prop chart_props[] = {
    CHT("label-share", P_NUMBER, label_share), CHT("bar-height", P_LENGTH, bar_height),
    CHT("bar-gap", P_LENGTH, bar_gap), CHT("row-gap", P_LENGTH, row_gap),
    CHT("value-gap", P_LENGTH, value_gap), CHT("share-height", P_LENGTH, share_height),
    CHT("swatch", P_LENGTH, swatch),
    CHT("colour-1", P_COLOUR, colours[0]), CHT("colour-2", P_COLOUR, colours[1]),
    CHT("colour-3", P_COLOUR, colours[2]), CHT("colour-4", P_COLOUR, colours[3]),
    CHT("colour-5", P_COLOUR, colours[4]), CHT("colour-6", P_COLOUR, colours[5]),
    { NULL, 0, 0 } };

#define LAY(n, t, f) { n, t, offsetof(style, f) }
static const prop layout_props[] = {
    LAY("facing-pages", P_BOOL, facing_pages),
    LAY("baseline-grid", P_LENGTH, baseline_grid),
    LAY("lead-max-chars", P_NUMBER, lead_max_chars),
    LAY("table-split-rows", P_NUMBER, table_split_rows),
    LAY("list-indent", P_LENGTH, list_indent),
    LAY("list-label-gap", P_LENGTH, list_label_gap),
    LAY("list-min-measure", P_LENGTH, list_min_measure),
    LAY("footnote-rule-width", P_LENGTH, footnote_rule_width),
    LAY("table-rule-width", P_LENGTH, table_rule_width),
    LAY("table-cell-padding", P_LENGTH, table_cell_padding),
    LAY("table-rule-colour", P_COLOUR, table_rule_colour),
    LAY("table-head-background", P_COLOUR, table_head_background),
    LAY("total-background", P_COLOUR, total_background),
    { NULL, 0, 0 } };

/* The classes and masters the layout asks for by name. */
static const char *const required_classes[] = {
    "body", "lead", "cta", "h1", "h1-subtitle", "h2", "h3", "h4", "list", "table-title",
    "table-cell", "table-head", "table-total", "caption", "footnote",
    "toc-title", "toc-entry", "toc-number", "cover-title", "cover-subtitle",
    "cover-meta", "cover-para", "header", "footer", "workstream-number",
    "minor-heading", "abstract", "literal", "code", "blockquote", "attribution",
    "admonition", "admonition-title", "term", NULL };
static const char *const required_masters[] = {
    "cover", "contents", "opener", "continuation", NULL };

typedef struct style_loader {
    arena *a;
    style *s;
    diag_list *diags;
    const char *file;
    const char *font_fallback;
    bool failed;
} style_loader;

/* A bad style sheet is the environment's fault, not the document's. */
static void style_error(style_loader *l, xmlNode *node, const char *fmt,
                        const char *arg1, const char *arg2)
{
    src_loc loc = { l->file, node ? (int)xmlGetLineNo(node) : 0, 1 };
    diag_add(l->diags, DIAG_ENVIRONMENT, loc, fmt, arg1, arg2 ? arg2 : "");
    l->failed = true;
}

/* One entry of a protrusion table: a character, blanks, a share 0..1,
 * blanks. Returns the text after it, NULL when it is malformed. */
static const char *protrusion_entry(const char *s, uint32_t *cp, double *share)
{
    size_t n = 0;
    *cp = utf8_decode(s, strlen(s), &n);
    if (n == 0 || *cp == 0 || (s[n] != ' ' && s[n] != '\t'))
        return NULL;
    char *end;
    *share = strtod(s + n, &end);
    if (end == s + n || !(*share >= 0 && *share <= 1) || (*end && *end != ' ' && *end != '\t'))
        return NULL;
    while (*end == ' ' || *end == '\t')
        end++;
    return end;
}

double style_protrusion(const char *table, uint32_t cp)
{
    const char *s = table;
    while (s && *s == ' ')
        s++;
    while (s && *s) {
        uint32_t c;
        double share;
        s = protrusion_entry(s, &c, &share);
        if (s && c == cp)
            return share;
    }
    return 0;
}

double style_protrusion_share(const style_protrusion_set *set, uint32_t cp)
{
    for (int i = 0; i < set->count; i++)
        if (set->cp[i] == cp)
            return set->share[i];
    return 0;
}

/* Checks a protrusion table and parses it into set. */
static void style_parse_protrusion(style_loader *l, xmlNode *node, const char *name,
                                   const char *table, style_protrusion_set *set)
{
    *set = (style_protrusion_set){ 0 };
    const char *s = table;
    while (s && (*s == ' ' || *s == '\t'))
        s++;
    int count = 0;
    /* A table has fewer entries than characters: enough room either way. */
    size_t room = table ? strlen(table) / 2 + 1 : 0;
    uint32_t *cps = room ? arena_alloc_array(l->a, room, sizeof *cps) : NULL;
    double *shares = room ? arena_alloc_array(l->a, room, sizeof *shares) : NULL;
    while (s && *s) {
        uint32_t c;
        double share;
        s = protrusion_entry(s, &c, &share);
        if (s) {
            cps[count] = c;
            shares[count++] = share;
        }
    }
    if (table && !s)
        style_error(l, node, "%s: expected pairs of a character and a share of its "
                    "width from 0 to 1, separated by spaces (\"- 0.7 . 0.6\")%s", name, NULL);
    else
        *set = (style_protrusion_set){ cps, shares, count };
}

bool style_parse_length(const char *text, double *points)
{
    /* Plain decimal only: strtod would also take hex and "inf". */
    const char *p = text;
    if (*p == '-' || *p == '+')
        p++;
    if (!(*p >= '0' && *p <= '9') && *p != '.')
        return false;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        return false;
    char *end;
    double v = strtod(text, &end);
    if (end == text || !isfinite(v))
        return false;
    static const struct { const char *unit; double factor; } units[] = {
        { "pt", 1.0 }, { "mm", 72.0 / 25.4 }, { "cm", 72.0 / 2.54 },
        { "in", 72.0 }, { "pc", 12.0 }, { NULL, 0 } };
    if (*end == '\0' && v == 0) {
        *points = 0;
        return true;
    }
    for (int i = 0; units[i].unit; i++)
        if (strcmp(end, units[i].unit) == 0) {
            *points = v * units[i].factor;
            return true;
        }
    return false;
}

static int style_find_colour(const style *s, const char *name)
{
    for (int i = 0; i < s->colour_count; i++)
        if (strcmp(s->colours[i].name, name) == 0)
            return i;
    return -1;
}

static int style_find_font(const style *s, const char *name)
{
    for (int i = 0; i < s->font_count; i++)
        if (strcmp(s->fonts[i].name, name) == 0)
            return i;
    return -1;
}

static bool parse_enum(const char *v, const char *const names[], int *out)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0) {
            *out = i;
            return true;
        }
    return false;
}

/* Every length is finite and at most the largest PDF page (200 in): a
 * style is not allowed to put anything off every page. */
#define STYLE_MAX_LENGTH 14400.0

typedef enum { R_ANY, R_POSITIVE, R_NONNEG, R_FRACTION } range_kind;

/* What a property's value must be, besides finite (R_ANY when absent). */
static const struct {
    const char *name;
    range_kind kind;
    double max; /* 0: STYLE_MAX_LENGTH for lengths, no further bound else */
} prop_ranges[] = {
    { "size", R_POSITIVE, 0 }, { "leading", R_POSITIVE, 0 },
    { "width", R_POSITIVE, 0 }, { "height", R_POSITIVE, 0 },
    { "space-before", R_NONNEG, 0 }, { "space-after", R_NONNEG, 0 },
    { "indent-left", R_NONNEG, 0 }, { "indent-right", R_NONNEG, 0 },
    { "border-width", R_NONNEG, 0 }, { "radius", R_NONNEG, 0 },
    { "padding-x", R_NONNEG, 0 }, { "padding-y", R_NONNEG, 0 },
    { "rule-width", R_NONNEG, 0 }, { "rule-gap", R_NONNEG, 0 },
    { "rule-length", R_NONNEG, 0 }, { "min-height", R_NONNEG, 0 },
    { "margin-top", R_NONNEG, 0 }, { "margin-bottom", R_NONNEG, 0 },
    { "margin-inner", R_NONNEG, 0 }, { "margin-outer", R_NONNEG, 0 },
    { "band-height", R_NONNEG, 0 }, { "header-offset", R_NONNEG, 0 },
    { "footer-offset", R_NONNEG, 0 },
    { "bleed", R_NONNEG, 0 }, { "crop-length", R_NONNEG, 0 },
    { "crop-offset", R_NONNEG, 0 }, { "crop-width", R_NONNEG, 0 },
    { "baseline-grid", R_NONNEG, 0 }, { "list-indent", R_NONNEG, 0 },
    { "list-label-gap", R_NONNEG, 0 },
    { "list-min-measure", R_POSITIVE, 0 }, { "footnote-rule-width", R_NONNEG, 0 },
    { "table-rule-width", R_NONNEG, 0 }, { "table-cell-padding", R_NONNEG, 0 },
    { "lead-max-chars", R_NONNEG, 0 },
    { "tolerance", R_NONNEG, 0 }, { "line-penalty", R_NONNEG, 0 },
    { "adjacent-demerits", R_NONNEG, 0 }, { "double-hyphen-demerits", R_NONNEG, 0 },
    { "final-hyphen-demerits", R_NONNEG, 0 },
    { "emergency-stretch", R_NONNEG, 0 }, { "space-stretch", R_NONNEG, 0 },
    { "space-shrink", R_FRACTION, 1 }, { "ragged-stretch", R_NONNEG, 0 },
    { "widows", R_NONNEG, 100 }, { "orphans", R_NONNEG, 100 },
    { "heading-keep-lines", R_NONNEG, 100 },
    { "max-hyphen-run", R_NONNEG, STYLE_MAX_HYPHEN_RUN },
    { "underfull-badness", R_NONNEG, 10000 },
    { "hyphen-left-min", R_POSITIVE, 20 }, { "hyphen-right-min", R_POSITIVE, 20 },
    { "script-size", R_POSITIVE, 1 }, { "script-rise", R_NONNEG, 1 },
    { "script-drop", R_NONNEG, 1 },
    { "font-stretch", R_FRACTION, 0.1 }, { "font-shrink", R_FRACTION, 0.1 },
    { "font-expansion-step", R_FRACTION, 0.1 },
    { "label-share", R_FRACTION, 0.9 }, { "bar-height", R_POSITIVE, 0 },
    { "bar-gap", R_NONNEG, 0 }, { "row-gap", R_NONNEG, 0 }, { "value-gap", R_NONNEG, 0 },
    { "share-height", R_POSITIVE, 0 }, { "swatch", R_POSITIVE, 0 },
    { NULL, R_ANY, 0 } };

static bool value_in_range(const prop *p, double v)
{
    double max = p->type == P_LENGTH ? STYLE_MAX_LENGTH : HUGE_VAL;
    range_kind kind = R_ANY;
    for (int i = 0; prop_ranges[i].name; i++)
        if (strcmp(prop_ranges[i].name, p->name) == 0) {
            kind = prop_ranges[i].kind;
            if (prop_ranges[i].max > 0)
                max = prop_ranges[i].max;
            break;
        }
    if (!isfinite(v) || fabs(v) > max)
        return false;
    switch (kind) {
    case R_POSITIVE: return v > 0;
    case R_NONNEG: case R_FRACTION: return v >= 0;
    case R_ANY: return true;
    }
    return false;
}

/* Why a value that parsed was refused, for the message. */
static void range_hint(const prop *p, char *buf, size_t size)
{
    buf[0] = '\0';
    if (p->type != P_LENGTH && p->type != P_NUMBER && p->type != P_INT)
        return;
    range_kind kind = R_ANY;
    double max = p->type == P_LENGTH ? STYLE_MAX_LENGTH : 0;
    for (int i = 0; prop_ranges[i].name; i++)
        if (strcmp(prop_ranges[i].name, p->name) == 0) {
            kind = prop_ranges[i].kind;
            max = prop_ranges[i].max > 0 ? prop_ranges[i].max : max;
        }
    const char *unit = p->type == P_LENGTH ? "pt" : "";
    const char *low = kind == R_POSITIVE ? "more than 0" : kind == R_ANY ? "finite" : "0 or more";
    if (max > 0)
        snprintf(buf, size, " (it must be %s, at most %g%s)", low, max, unit);
    else
        snprintf(buf, size, " (it must be %s)", low);
}

static bool style_parse_int(const char *v, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || *end != '\0' || errno == ERANGE || n < INT_MIN || n > INT_MAX)
        return false;
    *out = (int)n;
    return true;
}

static bool style_set_prop(style_loader *l, const prop *p, void *base,
                           const char *v, xmlNode *node)
{
    static const char *const variants[] = { "regular", "italic", "bold",
                                            "bold-italic", NULL };
    static const char *const aligns[] = { "justify", "left", "right",
                                          "center", NULL };
    /* In the order of style_intent (ICC's rendering intent numbers). */
    static const char *const intents[] = { "perceptual", "relative-colorimetric",
                                           "saturation", "absolute-colorimetric",
                                           NULL };
    char *field = (char *)base + p->offset;
    char *end;
    switch (p->type) {
    case P_LENGTH:
        return style_parse_length(v, (double *)field)
               && value_in_range(p, *(double *)field);
    case P_NUMBER:
        *(double *)field = strtod(v, &end);
        return end != v && *end == '\0' && value_in_range(p, *(double *)field);
    case P_INT:
        return style_parse_int(v, (int *)field) && value_in_range(p, *(int *)field);
    case P_BOOL:
        if (strcmp(v, "true") && strcmp(v, "false"))
            return false;
        *(bool *)field = strcmp(v, "true") == 0;
        return true;
    case P_COLOUR:
        *(int *)field = strcmp(v, "none") == 0 ? -1 : style_find_colour(l->s, v);
        return strcmp(v, "none") == 0 || *(int *)field >= 0;
    case P_FONT:
        *(int *)field = style_find_font(l->s, v);
        return *(int *)field >= 0;
    case P_VARIANT:
        return parse_enum(v, variants, (int *)field);
    case P_ALIGN:
        return parse_enum(v, aligns, (int *)field);
    case P_INTENT:
        return parse_enum(v, intents, (int *)field);
    case P_STRING:
        *(const char **)field = arena_strdup(l->a, v);
        return true;
    }
    (void)node;
    return false;
}

/* Applies every attribute of node through the table; "name" and "base"
 * are handled by the caller. */
static void style_apply_attributes(style_loader *l, xmlNode *node,
                                   const prop *props, void *base)
{
    for (xmlAttr *at = node->properties; at; at = at->next) {
        const char *key = (const char *)at->name;
        if (strcmp(key, "name") == 0 || strcmp(key, "base") == 0 ||
            (props == string_props && strcmp(key, "lang") == 0))
            continue;
        xmlChar *value = xmlNodeListGetString(node->doc, at->children, 1);
        const prop *p = props;
        while (p->name && strcmp(p->name, key) != 0)
            p++;
        if (!p->name)
            style_error(l, node, "unknown style property '%s' on <%s>", key,
                        (const char *)node->name);
        else if (!style_set_prop(l, p, base, value ? (char *)value : "", node)) {
            src_loc loc = { l->file, (int)xmlGetLineNo(node), 1 };
            char hint[96];
            range_hint(p, hint, sizeof hint);
            diag_add(l->diags, DIAG_ENVIRONMENT, loc,
                     "bad value '%s' for style property '%s'%s", value ? (char *)value : "",
                     key, hint);
            l->failed = true;
        }
        xmlFree(value);
    }
}

static const char *attr(xmlNode *node, const char *name)
{
    xmlAttr *at = xmlHasProp(node, (const xmlChar *)name);
    return at && at->children ? (const char *)at->children->content : NULL;
}

static bool parse_hex_rgb(const char *v, double rgb[3])
{
    if (!v || v[0] != '#' || strlen(v) != 7)
        return false;
    for (int i = 0; i < 3; i++) {
        char hex[3] = { v[1 + 2 * i], v[2 + 2 * i], 0 };
        char *end;
        long c = strtol(hex, &end, 16);
        if (*end)
            return false;
        rgb[i] = c / 255.0;
    }
    return true;
}

static bool parse_cmyk(const char *v, double cmyk[4])
{
    if (!v)
        return false;
    char *end;
    for (int i = 0; i < 4; i++) {
        cmyk[i] = strtod(v, &end) / 100.0;
        if (end == v || cmyk[i] < 0 || cmyk[i] > 1)
            return false;
        v = end;
        while (*v == ' ' || *v == ',' || *v == '/')
            v++;
    }
    return *v == '\0';
}

static void style_load_colour(style_loader *l, xmlNode *node)
{
    style *s = l->s;
    const char *name = attr(node, "name");
    if (!name || s->colour_count >= STYLE_MAX_COLOURS) {
        style_error(l, node, "<colour> needs a name (at most %s colours)%s",
                    "64", NULL);
        return;
    }
    style_colour *c = &s->colours[s->colour_count];
    c->name = arena_strdup(l->a, name);
    if (!parse_hex_rgb(attr(node, "rgb"), c->rgb))
        style_error(l, node, "colour '%s' needs rgb=\"#rrggbb\"%s", name, NULL);
    if (!parse_cmyk(attr(node, "cmyk"), c->cmyk))
        style_error(l, node,
                    "colour '%s' needs cmyk=\"c m y k\" in percent%s", name, NULL);
    s->colour_count++;
}

/* The font file's absolute path, or NULL with *why: not found, or not a
 * regular file (a FIFO or a link to /dev/zero would hang the loader). */
static const char *style_font_path(style_loader *l, const char *file, const char **why)
{
    char *path = arena_printf(l->a, "%s/%s", l->s->dir, file);
    if (access(path, R_OK) != 0 && l->font_fallback) {
        const char *base = strrchr(file, '/');
        path = arena_printf(l->a, "%s/%s", l->font_fallback, base ? base + 1 : file);
    }
    *why = "not found";
    char *real = access(path, R_OK) == 0 ? realpath(path, NULL) : NULL;
    if (!real)
        return NULL;
    struct stat st;
    int fd = infile_open(real, &st, why);
    if (fd < 0) {
        free(real);
        return NULL;
    }
    close(fd);
    const char *abs = arena_strdup(l->a, real);
    free(real);
    return abs;
}

static void style_load_font(style_loader *l, xmlNode *node)
{
    static const char *const keys[FONT_VARIANTS] = { "regular", "italic",
                                                     "bold", "bold-italic" };
    style *s = l->s;
    const char *name = attr(node, "name");
    if (!name || s->font_count >= STYLE_MAX_FONTS) {
        style_error(l, node, "<font> needs a name (at most %s families)%s", "16",
                    NULL);
        return;
    }
    style_font *f = &s->fonts[s->font_count++];
    f->name = arena_strdup(l->a, name);
    const char *fallback = attr(node, "fallback");
    f->fallback_name = fallback ? arena_strdup(l->a, fallback) : NULL;
    f->fallback = -1;
    const char *features = attr(node, "features");
    f->features = arena_strdup(l->a, features ? features : "kern");
    for (int v = 0; v < FONT_VARIANTS; v++) {
        /* A missing variant borrows the nearest one: bold italic from
         * bold, then italic; anything from regular. */
        const char *file = attr(node, keys[v]);
        if (!file && v == FONT_BOLD_ITALIC)
            file = attr(node, keys[FONT_BOLD]);
        if (!file && v == FONT_BOLD_ITALIC)
            file = attr(node, keys[FONT_ITALIC]);
        if (!file && v > 0)
            file = attr(node, keys[FONT_REGULAR]);
        if (!file) {
            style_error(l, node, "font family '%s' has no %s face", name, keys[v]);
            continue;
        }
        const char *why = NULL;
        f->path[v] = style_font_path(l, file, &why);
        if (!f->path[v]) {
            src_loc loc = { l->file, (int)xmlGetLineNo(node), 1 };
            diag_add(l->diags, DIAG_ENVIRONMENT, loc, "font file '%s'%s %s", file,
                     strcmp(why, "not found") == 0 ? "" : ":", why);
            l->failed = true;
        }
    }
}

static style_class *style_new_class(style_loader *l, xmlNode *node)
{
    style *s = l->s;
    const char *name = attr(node, "name");
    if (!name || s->class_count >= STYLE_MAX_CLASSES) {
        style_error(l, node, "<class> needs a name (at most %s classes)%s", "96",
                    NULL);
        return NULL;
    }
    const char *base = attr(node, "base");
    if (!base && strcmp(name, "body") != 0)
        base = "body";
    style_class *c = &s->classes[s->class_count];
    const style_class *parent = base ? style_class_get(s, base) : NULL;
    if (base && !parent) {
        style_error(l, node, "class '%s' is based on unknown class '%s'", name,
                    base);
        return NULL;
    }
    if (parent) {
        *c = *parent;
        /* Spacing, boxes and decoration belong to one class, not its kin. */
        c->space_before = c->space_after = 0;
        c->break_before = c->keep_with_next = c->on_grid = false;
        c->background = c->border_colour = c->rule_colour = -1;
        c->prefix = c->suffix = NULL;
    } else {
        c->font = 0;
        c->size = 10;
        c->leading = 13;
        c->colour = -1;
        c->hyphenate = true;
        c->background = c->border_colour = c->rule_colour = -1;
    }
    c->name = arena_strdup(l->a, name);
    c->base = base ? arena_strdup(l->a, base) : NULL;
    c->line = (int)xmlGetLineNo(node);
    s->class_count++;
    return c;
}

static void style_load_master(style_loader *l, xmlNode *node)
{
    style *s = l->s;
    const char *name = attr(node, "name");
    if (!name || s->master_count >= STYLE_MAX_MASTERS) {
        style_error(l, node, "<page> needs a name (at most %s masters)%s", "16",
                    NULL);
        return;
    }
    const char *base = attr(node, "base");
    style_master *m = &s->masters[s->master_count];
    const style_master *parent = base ? style_master_get(s, base) : NULL;
    if (parent)
        *m = *parent;
    else {
        m->width = 595.276;
        m->height = 841.89;
        m->margin_top = m->margin_bottom = m->margin_inner = m->margin_outer = 72;
        m->background = m->band_colour = -1;
        m->header_offset = m->footer_offset = 36;
    }
    if (base && !parent)
        style_error(l, node, "page '%s' is based on unknown page '%s'", name, base);
    m->name = arena_strdup(l->a, name);
    s->master_count++;
    style_apply_attributes(l, node, master_props, m);
    if (m->margin_inner + m->margin_outer >= m->width ||
        m->margin_top + m->margin_bottom >= m->height)
        style_error(l, node, "page '%s': the margins leave no room for text on a "
                             "page of this size%s", name, NULL);
    else if (m->header_offset >= m->height || m->footer_offset >= m->height ||
             m->band_height > m->height)
        style_error(l, node, "page '%s': a header, footer or band lies beyond the "
                             "page%s", name, NULL);
}

/* TeX's and the house style's line-breaking and script defaults. */
static void typography_defaults(style_typography *t)
{
    t->tolerance = 200;
    t->pretolerance = 100;
    t->line_penalty = 10;
    t->hyphen_penalty = 50;
    t->explicit_break_penalty = 50;
    t->adjacent_demerits = 10000;
    t->double_hyphen_demerits = 10000;
    t->final_hyphen_demerits = 5000;
    t->emergency_stretch_em = 1.5;
    t->space_stretch = 0.5;
    t->space_shrink = 0.33;
    t->ragged_stretch_em = 3;
    t->widows = t->orphans = t->heading_keep_lines = 2;
    t->max_hyphen_run = 2;
    t->underfull_badness = 1000;
    t->script_size = 0.7;
    t->script_rise = 0.35;
    t->script_drop = 0.15;
    t->font_stretch = t->font_shrink = 0; /* no font expansion */
    t->font_expansion_step = 0.005;
    t->hyphen_left_min = 2;
    t->hyphen_right_min = 3;
}

/* The generated words in English, until the style localises them. */
static void strings_defaults(style_strings *str)
{
    str->toc_title = "Contents";
    str->table_prefix = "Table";
    str->figure_prefix = "Figure";
    str->quote_open = "\u201C";
    str->quote_close = "\u201D";
    static const char *const kinds[5] = { "Note", "Tip", "Important", "Warning", "Caution" };
    for (int i = 0; i < 5; i++)
        str->admonitions[i] = kinds[i];
    str->page_ref = "p.";
    str->toc_leader = ".";
    static const char *const bullets[] = { "•", "–", "‣", "·" };
    static const char *const ordered[] = { "1.", "a.", "i.", "1." };
    for (int i = 0; i < STYLE_MAX_LEVELS; i++) {
        str->bullets[i] = bullets[i % 4];
        str->ordered_formats[i] = ordered[i % 4];
    }
    str->blank_page = "";
    str->months = "";
    str->date_format = "{day} {month} {year}";
    str->currency = "euro";
    str->total_word = "total";
    str->change_heading = "Change";
    str->change_percent_heading = "Change %";
}

static void style_defaults(style *s)
{
    typography_defaults(&s->typo);
    strings_defaults(&s->strings);
    s->print.bleed = 3 * 72 / 25.4;
    s->print.crop_length = 6 * 72 / 25.4;
    s->print.crop_offset = 2 * 72 / 25.4;
    s->print.crop_width = 0.25;
    s->print.slug = "{title} · {page} · {date}";
    s->print.image_intent = STYLE_INTENT_RELATIVE;
    s->print.black_point_compensation = true;
    s->chart = (style_chart){ .label_share = 0.35, .bar_height = 8, .bar_gap = 2,
                              .row_gap = 5, .value_gap = 4, .share_height = 16,
                              .swatch = 7, .colours = { -1, -1, -1, -1, -1, -1 } };
    s->lead_max_chars = 1e9;
    s->table_split_rows = 2;
    s->list_indent = 14;
    s->list_label_gap = 4;
    s->list_min_measure = 200;
    s->footnote_rule_width = 0.5;
    s->table_rule_width = 0.5;
    s->table_cell_padding = 4;
    s->table_rule_colour = s->table_head_background = s->total_background = -1;
}

/* Words for another language start as a copy of the default ones. */
static void style_load_strings(style_loader *l, xmlNode *node)
{
    style *s = l->s;
    const char *lang = attr(node, "lang");
    if (!lang) {
        style_apply_attributes(l, node, string_props, &s->strings);
        s->default_strings = s->strings;
        return;
    }
    if (s->lang_count == 8) {
        style_error(l, node, "more than %s languages of generated words%s", "8", NULL);
        return;
    }
    s->lang_names[s->lang_count] = arena_strdup(l->a, lang);
    s->lang_strings[s->lang_count] = s->strings;
    style_apply_attributes(l, node, string_props, &s->lang_strings[s->lang_count]);
    s->lang_count++;
}

static void style_load_element(style_loader *l, xmlNode *node)
{
    const char *n = (const char *)node->name;
    if (!node->ns || strcmp((const char *)node->ns->href, STYLE_NS) != 0)
        style_error(l, node, "element <%s> is not in the style namespace %s", n,
                    STYLE_NS);
    else if (strcmp(n, "colour") == 0)
        style_load_colour(l, node);
    else if (strcmp(n, "font") == 0)
        style_load_font(l, node);
    else if (strcmp(n, "class") == 0) {
        style_class *c = style_new_class(l, node);
        if (c)
            style_apply_attributes(l, node, class_props, c);
    } else if (strcmp(n, "page") == 0)
        style_load_master(l, node);
    else if (strcmp(n, "typography") == 0) {
        style_apply_attributes(l, node, typography_props, &l->s->typo);
        style_parse_protrusion(l, node, "protrude-left", l->s->typo.protrude_left,
                               &l->s->typo.protrude_left_set);
        style_parse_protrusion(l, node, "protrude-right", l->s->typo.protrude_right,
                               &l->s->typo.protrude_right_set);
    }
    else if (strcmp(n, "strings") == 0)
        style_load_strings(l, node);
    else if (strcmp(n, "print") == 0)
        style_apply_attributes(l, node, print_props, &l->s->print);
    else if (strcmp(n, "chart") == 0)
        style_apply_attributes(l, node, chart_props, &l->s->chart);
    else if (strcmp(n, "layout") == 0)
        style_apply_attributes(l, node, layout_props, l->s);
    else
        style_error(l, node, "unknown style element <%s>%s", n, NULL);
}

/* A class whose indents and padding leave no room on the narrowest page
 * would set its text off the frame. */
static void style_check_class_room(style_loader *l)
{
    double narrowest = HUGE_VAL;
    for (int i = 0; i < l->s->master_count; i++) {
        const style_master *m = &l->s->masters[i];
        narrowest = fmin(narrowest, m->width - m->margin_inner - m->margin_outer);
    }
    for (int i = 0; i < l->s->class_count; i++) {
        const style_class *c = &l->s->classes[i];
        double taken = c->indent_left + c->indent_right + 2 * c->padding_x;
        if (fabs(c->first_indent) + taken < narrowest)
            continue;
        src_loc loc = { l->file, c->line, 1 };
        diag_add(l->diags, DIAG_ENVIRONMENT, loc,
                 "class '%s': its indents and padding (%.1f pt) leave no room for text "
                 "on the narrowest page (%.1f pt)", c->name,
                 fabs(c->first_indent) + taken, narrowest);
        l->failed = true;
    }
}

static void style_check_required(style_loader *l, xmlNode *root)
{
    style_check_class_room(l);
    for (int i = 0; i < l->s->font_count; i++) {
        style_font *f = &l->s->fonts[i];
        if (f->fallback_name && (f->fallback = style_find_font(l->s, f->fallback_name)) < 0)
            style_error(l, root, "font family '%s' falls back to unknown family '%s'",
                        f->name, f->fallback_name);
    }
    for (int i = 0; required_classes[i]; i++)
        if (!style_class_get(l->s, required_classes[i]))
            style_error(l, root, "the style defines no class '%s'%s",
                        required_classes[i], NULL);
    for (int i = 0; required_masters[i]; i++)
        if (!style_master_get(l->s, required_masters[i]))
            style_error(l, root, "the style defines no page '%s'%s",
                        required_masters[i], NULL);
    if (l->s->font_count == 0)
        style_error(l, root, "the style defines no font%s%s", "", NULL);
}

/* A style sheet is small: anything over this is not one. */
enum { STYLE_MAX_FILE_BYTES = 4 << 20 };

/* Parses the style file read through infile (a FIFO or device given as
 * --style is refused, never waited on). NULL with *why (infile's reason)
 * when it cannot be read, or with *why NULL and *err set when it is not
 * well-formed. */
static xmlDoc *style_read_xml(const char *path, const char **why, const xmlError **err,
                              xmlParserCtxt *ctxt)
{
    size_t len = 0;
    char *text = infile_read(path, STYLE_MAX_FILE_BYTES, &len, why);
    *err = NULL;
    if (!text)
        return NULL;
    xmlDoc *doc = len ? xmlCtxtReadMemory(ctxt, text, (int)len, path, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR |
                                              XML_PARSE_NOWARNING)
                      : NULL;
    free(text);
    if (!doc)
        *err = xmlCtxtGetLastError(ctxt);
    return doc;
}

static xmlDoc *style_parse_file(style_loader *l, const char *path)
{
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return NULL;
    const char *why = NULL;
    const xmlError *e = NULL;
    xmlDoc *doc = style_read_xml(path, &why, &e, ctxt);
    if (!doc) {
        src_loc loc = { path, e ? e->line : 0, e ? e->int2 : 0 };
        diag_add(l->diags, DIAG_ENVIRONMENT, loc, "cannot read style sheet: %s",
                 !e ? why ? why : "empty file" : e->message ? e->message : "unreadable file");
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

style *style_load(arena *a, const char *path, const char *font_fallback_dir,
                  diag_list *diags)
{
    style_loader l = { a, arena_alloc(a, sizeof(style)), diags, path,
                       font_fallback_dir, false };
    l.s->file = arena_strdup(a, path);
    const char *slash = strrchr(path, '/');
    l.s->dir = slash ? arena_strndup(a, path, (size_t)(slash - path)) : ".";
    style_defaults(l.s);
    xmlDoc *doc = style_parse_file(&l, path);
    if (!doc)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "style") != 0)
        style_error(&l, root, "the style sheet's root must be <style>%s%s", "",
                    NULL);
    else {
        for (xmlNode *n = root->children; n; n = n->next)
            if (n->type == XML_ELEMENT_NODE)
                style_load_element(&l, n);
        style_check_required(&l, root);
    }
    xmlFreeDoc(doc);
    return l.failed ? NULL : l.s;
}

const style_class *style_class_get(const style *s, const char *name)
{
    for (int i = s->class_count - 1; i >= 0; i--)
        if (strcmp(s->classes[i].name, name) == 0)
            return &s->classes[i];
    return NULL;
}

const style_master *style_master_get(const style *s, const char *name)
{
    for (int i = s->master_count - 1; i >= 0; i--)
        if (strcmp(s->masters[i].name, name) == 0)
            return &s->masters[i];
    return NULL;
}

const style_colour *style_colour_at(const style *s, int index)
{
    return index >= 0 && index < s->colour_count ? &s->colours[index] : NULL;
}

typedef struct style_validation {
    const char *path;
    diag_list *diags;
} style_validation;

static void style_schema_error(void *user, xmlErrorPtr e)
{
    style_validation *v = user;
    if (!e || e->level == XML_ERR_WARNING)
        return;
    int line = e->node ? (int)xmlGetLineNo(e->node) : e->line;
    src_loc loc = { v->path, line, 1 };
    char msg[512];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid style sheet");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    diag_add(v->diags, DIAG_ENVIRONMENT, loc, "style sheet: %s", msg);
}

bool style_validate(const char *path, const char *schema_path, diag_list *diags)
{
    if (!schema_path || access(schema_path, R_OK) != 0 || access(path, R_OK) != 0)
        return true; /* style_load reports an unreadable style itself */
    style_validation v = { path, diags };
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(schema_path);
    xmlRelaxNGPtr schema = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGFreeParserCtxt(pc);
    if (!schema) {
        src_loc loc = { schema_path, 0, 0 };
        diag_add(diags, DIAG_ENVIRONMENT, loc, "cannot load the style sheet schema");
        return false;
    }
    /* Unreadable or malformed: style_load reports it. */
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    const char *why = NULL;
    const xmlError *e = NULL;
    xmlDoc *doc = ctxt ? style_read_xml(path, &why, &e, ctxt) : NULL;
    xmlFreeParserCtxt(ctxt);
    bool ok = true;
    if (doc) {
        xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
        xmlRelaxNGSetValidStructuredErrors(vc, style_schema_error, &v);
        ok = vc && xmlRelaxNGValidateDoc(vc, doc) == 0;
        xmlRelaxNGFreeValidCtxt(vc);
        xmlFreeDoc(doc);
    }
    xmlRelaxNGFree(schema);
    return ok;
}

/* The <strings lang> for lang: the exact tag, else its primary language;
 * -1 none. */
static int lang_variant(const style *s, const char *lang)
{
    size_t primary = strcspn(lang, "-_");
    int best = -1;
    for (int i = 0; i < s->lang_count; i++) {
        if (strcasecmp(s->lang_names[i], lang) == 0)
            return i;
        if (best < 0 && strlen(s->lang_names[i]) == primary &&
            strncasecmp(s->lang_names[i], lang, primary) == 0)
            best = i;
    }
    return best;
}

void style_localize(style *s, const char *lang)
{
    if (!lang)
        return;
    int best = lang_variant(s, lang);
    if (best >= 0)
        s->strings = s->lang_strings[best];
}

const style_strings *style_strings_for(const style *s, const char *lang)
{
    int best = lang ? lang_variant(s, lang) : -1;
    return best >= 0 ? &s->lang_strings[best] : &s->default_strings;
}
