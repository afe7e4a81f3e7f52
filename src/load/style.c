#include "style.h"

#include "infile.h"
#include "load.h"
#include "utf8.h"

#include <errno.h>
#include <limits.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "style_table.h"
#include "style_valid.h"

#define STYLE_NS "urn:x-kcvs-pdf:style"

/* The classes and masters the layout asks for by name. */
static const char *const required_classes[] = {
    "body", "lead", "cta", "h1", "h1-subtitle", "h2", "h3", "h4", "list", "list-compact",
    "table-title",
    "table-cell", "table-head", "table-total", "caption", "footnote",
    "toc-title", "toc-entry", "toc-number", "cover-title", "cover-subtitle",
    "cover-meta", "cover-para", "header", "footer", "workstream-number",
    "minor-heading", "abstract", "literal", "code", "blockquote", "attribution",
    "admonition", "admonition-title", "term", "example-title", "replaceable", "userinput",
    "gui", "keycap", "firstterm", "foreignphrase", "wordasword", "application", NULL };
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
__attribute__((format(printf, 3, 4)))
static void style_error(style_loader *l, xmlNode *node, const char *fmt, ...)
{
    src_loc loc = { l->file, node ? (int)xmlGetLineNo(node) : 0, 1 };
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(l->diags, DIAG_ENVIRONMENT, loc, fmt, ap);
    va_end(ap);
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
                    "width from 0 to 1, separated by spaces (\"- 0.7 . 0.6\")", name);
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

static const style_param *param_find(style_element el, const char *name)
{
    for (const style_param *p = style_params; p->name; p++)
        if (p->element == el && strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

/* Finite, within the row's bound, and at or above its least value. */
static bool value_in_range(const style_param *p, double v)
{
    if (!isfinite(v) || fabs(v) > style_param_max(p))
        return false;
    return p->low == STYLE_POSITIVE ? v > 0 : p->low == STYLE_NONNEG ? v >= 0 : true;
}

/* Why a value that parsed was refused, for the message. */
static void range_hint(const style_param *p, char *buf, size_t size)
{
    buf[0] = '\0';
    if (p->type != STYLE_LENGTH && p->type != STYLE_NUMBER && p->type != STYLE_COUNT)
        return;
    double max = style_param_max(p);
    const char *unit = p->type == STYLE_LENGTH ? "pt" : "";
    const char *low = p->low == STYLE_POSITIVE ? "more than 0"
                    : p->low == STYLE_ANY      ? "finite" : "0 or more";
    if (isfinite(max))
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

static bool parse_number(const char *v, double *out)
{
    char *end;
    *out = strtod(v, &end);
    return end != v && *end == '\0';
}

/* Sets p's field in base from v, as written in a style sheet. */
static bool style_set_prop(style_loader *l, const style_param *p, void *base, const char *v)
{
    char *field = (char *)base + p->offset;
    switch (p->type) {
    case STYLE_LENGTH:
        return style_parse_length(v, (double *)field) && value_in_range(p, *(double *)field);
    case STYLE_NUMBER:
        return parse_number(v, (double *)field) && value_in_range(p, *(double *)field);
    case STYLE_COUNT:
        return style_parse_int(v, (int *)field) && value_in_range(p, *(int *)field);
    case STYLE_BOOLEAN:
        if (strcmp(v, "true") && strcmp(v, "false"))
            return false;
        *(bool *)field = strcmp(v, "true") == 0;
        return true;
    case STYLE_COLOUR:
        *(int *)field = strcmp(v, "none") == 0 ? -1 : style_find_colour(l->s, v);
        return strcmp(v, "none") == 0 || *(int *)field >= 0;
    case STYLE_FONT:
        *(int *)field = style_find_font(l->s, v);
        return *(int *)field >= 0;
    case STYLE_VARIANT: case STYLE_ALIGN: case STYLE_INTENT:
        return parse_enum(v, style_type_values(p->type), (int *)field);
    case STYLE_TEXT: case STYLE_TEMPLATE:
        *(const char **)field = arena_strdup(l->a, v);
        return true;
    }
    return false;
}

static size_t param_size(const style_param *p)
{
    switch (p->type) {
    case STYLE_LENGTH: case STYLE_NUMBER: return sizeof(double);
    case STYLE_BOOLEAN: return sizeof(bool);
    case STYLE_TEXT: case STYLE_TEMPLATE: return sizeof(const char *);
    default: return sizeof(int);
    }
}

/* Gives the properties of el in base their defaults (only the class's
 * own ones when own_only), parsed as a style sheet's values are. */
static void element_defaults(style_loader *l, style_element el, void *base, bool own_only)
{
    for (const style_param *p = style_params; p->name; p++) {
        if (p->element != el || (own_only && !(p->flags & STYLE_OWN)))
            continue;
        if (!p->def)
            memset((char *)base + p->offset, 0, param_size(p));
        else if (!style_set_prop(l, p, base, p->def))
            style_error(l, NULL, "the default '%s' of style property '%s' is refused: a fault "
                        "of kcvs-pdf", p->def, p->name);
    }
}

/* Applies every attribute of node through the table; "name" and "base"
 * are handled by the caller. */
static void style_apply_attributes(style_loader *l, xmlNode *node, style_element el,
                                   void *base)
{
    for (xmlAttr *at = node->properties; at; at = at->next) {
        const char *key = (const char *)at->name;
        if (strcmp(key, "name") == 0 || strcmp(key, "base") == 0 ||
            (el == STYLE_EL_STRINGS && strcmp(key, "lang") == 0))
            continue;
        xmlChar *value = xmlNodeListGetString(node->doc, at->children, 1);
        const style_param *p = param_find(el, key);
        if (!p)
            style_error(l, node, "unknown style property '%s' on <%s>", key,
                        (const char *)node->name);
        else if (!style_set_prop(l, p, base, value ? (char *)value : "")) {
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

/* The name= of a new colour, font, class or page, or NULL (reported) when
 * it has none or the style already holds the most there may be. */
static const char *new_name(style_loader *l, xmlNode *node, int count, int max,
                            const char *plural)
{
    const char *name = attr(node, "name");
    if (name && count < max)
        return name;
    style_error(l, node, "<%s> needs a name (at most %d %s)", (const char *)node->name, max,
                plural);
    return NULL;
}

/* Begins as style_load_master does (duplicates pairs them): a new named
 * entry of a bounded array; what is read into it differs. */
static void style_load_colour(style_loader *l, xmlNode *node)
{
    style *s = l->s;
    const char *name = new_name(l, node, s->colour_count, STYLE_MAX_COLOURS, "colours");
    if (!name)
        return;
    style_colour *c = &s->colours[s->colour_count];
    c->name = arena_strdup(l->a, name);
    if (!parse_hex_rgb(attr(node, "rgb"), c->rgb))
        style_error(l, node, "colour '%s' needs rgb=\"#rrggbb\"", name);
    if (!parse_cmyk(attr(node, "cmyk"), c->cmyk))
        style_error(l, node,
                    "colour '%s' needs cmyk=\"c m y k\" in percent", name);
    s->colour_count++;
}

/* The font file's absolute path, or NULL with *why: not found, or not a
 * regular file (a FIFO or a link to /dev/zero would hang the loader). */
static const char *style_font_path(style_loader *l, const char *file, const char **why)
{
    char *path = arena_printf(l->a, "%s/%s", l->s->dir, file);
    int named_err = access(path, R_OK) == 0 ? 0 : errno;
    if (named_err && l->font_fallback) {
        const char *base = strrchr(file, '/');
        path = arena_printf(l->a, "%s/%s", l->font_fallback, base ? base + 1 : file);
    }
    char *real = access(path, R_OK) == 0 ? realpath(path, NULL) : NULL;
    if (!real) {
        /* A loop of symbolic links (or a name too long) where the style
         * points is no missing file, whatever the fallback folder holds. */
        int err = errno == ENOENT && named_err ? named_err : errno;
        *why = err == ENOENT || err == ENOTDIR ? "not found" : strerror(err);
        return NULL;
    }
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
    const char *name = new_name(l, node, s->font_count, STYLE_MAX_FONTS, "families");
    if (!name)
        return;
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
    const char *name = new_name(l, node, s->class_count, STYLE_MAX_CLASSES, "classes");
    if (!name)
        return NULL;
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
    if (parent)
        *c = *parent;
    /* Spacing, boxes and decoration belong to one class, not its kin. */
    element_defaults(l, STYLE_EL_CLASS, c, parent != NULL);
    c->name = arena_strdup(l->a, name);
    c->base = base ? arena_strdup(l->a, base) : NULL;
    c->line = (int)xmlGetLineNo(node);
    s->class_count++;
    return c;
}

/* Begins as style_load_colour does (duplicates pairs them): a new named
 * entry; then base= and the page's own checks. */
static void style_load_master(style_loader *l, xmlNode *node)
{
    style *s = l->s;
    const char *name = new_name(l, node, s->master_count, STYLE_MAX_MASTERS, "masters");
    if (!name)
        return;
    const char *base = attr(node, "base");
    style_master *m = &s->masters[s->master_count];
    const style_master *parent = base ? style_master_get(s, base) : NULL;
    if (parent)
        *m = *parent;
    else
        element_defaults(l, STYLE_EL_PAGE, m, false);
    if (base && !parent)
        style_error(l, node, "page '%s' is based on unknown page '%s'", name, base);
    m->name = arena_strdup(l->a, name);
    s->master_count++;
    style_apply_attributes(l, node, STYLE_EL_PAGE, m);
    if (m->margin_inner + m->margin_outer >= m->width ||
        m->margin_top + m->margin_bottom >= m->height)
        style_error(l, node, "page '%s': the margins leave no room for text on a "
                             "page of this size", name);
    else if (m->header_offset >= m->height || m->footer_offset >= m->height ||
             m->band_height > m->height)
        style_error(l, node, "page '%s': a header, footer or band lies beyond the "
                             "page", name);
}

static void style_defaults(style_loader *l)
{
    style *s = l->s;
    element_defaults(l, STYLE_EL_TYPOGRAPHY, &s->typo, false);
    element_defaults(l, STYLE_EL_STRINGS, &s->strings, false);
    s->default_strings = s->strings;
    element_defaults(l, STYLE_EL_LAYOUT, s, false);
    element_defaults(l, STYLE_EL_CHART, &s->chart, false);
    element_defaults(l, STYLE_EL_PRINT, &s->print, false);
}

/* Words for another language start as a copy of the default ones. */
static void style_load_strings(style_loader *l, xmlNode *node)
{
    style *s = l->s;
    const char *lang = attr(node, "lang");
    if (!lang) {
        style_apply_attributes(l, node, STYLE_EL_STRINGS, &s->strings);
        s->default_strings = s->strings;
        return;
    }
    int max_langs = (int)(sizeof s->lang_names / sizeof *s->lang_names);
    if (s->lang_count == max_langs) {
        style_error(l, node, "more than %d languages of generated words", max_langs);
        return;
    }
    s->lang_names[s->lang_count] = arena_strdup(l->a, lang);
    s->lang_strings[s->lang_count] = s->strings;
    style_apply_attributes(l, node, STYLE_EL_STRINGS, &s->lang_strings[s->lang_count]);
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
            style_apply_attributes(l, node, STYLE_EL_CLASS, c);
    } else if (strcmp(n, "page") == 0)
        style_load_master(l, node);
    else if (strcmp(n, "typography") == 0) {
        style_apply_attributes(l, node, STYLE_EL_TYPOGRAPHY, &l->s->typo);
        style_parse_protrusion(l, node, "protrude-left", l->s->typo.protrude_left,
                               &l->s->typo.protrude_left_set);
        style_parse_protrusion(l, node, "protrude-right", l->s->typo.protrude_right,
                               &l->s->typo.protrude_right_set);
    }
    else if (strcmp(n, "strings") == 0)
        style_load_strings(l, node);
    else if (strcmp(n, "print") == 0)
        style_apply_attributes(l, node, STYLE_EL_PRINT, &l->s->print);
    else if (strcmp(n, "chart") == 0)
        style_apply_attributes(l, node, STYLE_EL_CHART, &l->s->chart);
    else if (strcmp(n, "layout") == 0)
        style_apply_attributes(l, node, STYLE_EL_LAYOUT, l->s);
    else
        style_error(l, node, "unknown style element <%s>", n);
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
            style_error(l, root, "the style defines no class '%s'", required_classes[i]);
    for (int i = 0; required_masters[i]; i++)
        if (!style_master_get(l->s, required_masters[i]))
            style_error(l, root, "the style defines no page '%s'", required_masters[i]);
    if (l->s->font_count == 0)
        style_error(l, root, "the style defines no font");
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
    style_defaults(&l);
    xmlDoc *doc = style_parse_file(&l, path);
    if (!doc)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "style") != 0)
        style_error(&l, root, "the style sheet's root must be <style>");
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

/* Size and FNV-1a hash of a file's bytes; false when it cannot be read. */
static bool file_hash(const char *path, unsigned long *len, unsigned long long *hash)
{
    size_t n = 0;
    const char *why = NULL;
    char *bytes = infile_read(path, STYLE_MAX_FILE_BYTES, &n, &why);
    if (!bytes)
        return false;
    unsigned long long h = 0xcbf29ce484222325ull; /* as tools/stylecheck */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)bytes[i]) * 0x100000001b3ull;
    free(bytes);
    *len = n;
    *hash = h;
    return true;
}

/* A style sheet tools/stylecheck found valid against this very schema
 * when kcvs-pdf was built (the shipped ones): its RELAX NG validation,
 * parsing the schema first, would be a tenth of a short report's run. */
static bool known_valid(const char *path, const char *schema_path)
{
    unsigned long len;
    unsigned long long hash;
    if (!file_hash(schema_path, &len, &hash) || len != STYLE_SCHEMA_LEN ||
        hash != STYLE_SCHEMA_HASH || !file_hash(path, &len, &hash))
        return false;
    for (int i = 0; style_known_valid[i].len; i++)
        if (style_known_valid[i].len == len && style_known_valid[i].hash == hash)
            return true;
    return false;
}

/* schema/style.rng parsed, libxml2's own messages kept off stderr (as
 * the document's schema's are): NULL when it cannot be, *out_of_memory
 * set when memory ran out. */
static xmlRelaxNGPtr style_parse_schema(const char *schema_path, bool *out_of_memory)
{
    xmlStructuredErrorFunc was = xmlStructuredError;
    void *was_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(out_of_memory, load_note_out_of_memory);
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(schema_path);
    xmlRelaxNGPtr schema = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGFreeParserCtxt(pc);
    xmlSetStructuredErrorFunc(was_ctx, was);
    return schema;
}

bool style_validate(const char *path, const char *schema_path, diag_list *diags)
{
    if (!schema_path || access(schema_path, R_OK) != 0 || access(path, R_OK) != 0)
        return true; /* style_load reports an unreadable style itself */
    /* The schema's file is read (hashed) for a shipped style sheet too:
     * one that cannot be read leaves the style sheet to be validated. */
    if (known_valid(path, schema_path))
        return true;
    style_validation v = { path, diags };
    bool out_of_memory = false;
    xmlRelaxNGPtr schema = style_parse_schema(schema_path, &out_of_memory);
    if (!schema) {
        src_loc loc = { schema_path, 0, 0 };
        diag_add(diags, DIAG_ENVIRONMENT, loc, "%s",
                 out_of_memory ? "out of memory while reading the style sheet schema"
                               : "cannot load the style sheet schema");
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
