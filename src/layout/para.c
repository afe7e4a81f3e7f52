#include "para.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "hyph.h"
#include "linebreak.h"
#include "mem.h"
#include "utf8.h"

_Static_assert(STYLE_MAX_HYPHEN_RUN <= LB_MAX_HYPHEN_RUN,
               "a style may ask for a hyphen run the breaker cannot carry");

enum { /* No word is this long; a run of text without spaces that is, is
        * data pasted by mistake, and it could not be set on any page. */
       PARA_MAX_WORD_BYTES = 1000,
       /* a break between every two bytes of the longest word: never a cap */
       MAX_BREAKS_PER_WORD = PARA_MAX_WORD_BYTES };

/* A stretch of text with one look. */
typedef struct seg {
    const char *text;
    size_t len;
    font_face *face;
    double size;
    int colour;
    int link;
    tag_node *tag;
    double rise;
    block *note;
    hyph_dict *hyph;   /* the patterns of its language (NULL: none) */
    const char *lang;  /* its language: the phrase's, else the paragraph's */
    bool literal;      /* computer text: no hyphenation, no break at a '-' */
    const image_model *image; /* an image in the line (no text), of */
    double image_w, image_h;  /* this size */
    tag_node *image_tag;      /* its Figure */
    bool own_line;     /* as wide as the measure: a line of its own */
} seg;

typedef struct payload {
    int seg;
    const char *text;  /* box: its text (soft hyphens removed) */
    size_t len;
    shaped_text shaped;
    /* a break inside a word (a penalty), or the ragged stretch around
       one (glue): not a space between words */
    bool in_word;
} payload;

typedef struct item_list {
    lb_item *items;
    payload *pl;
    size_t count, cap;
} item_list;

/* BRK_URL_CHAR: between two characters of an address, its last resort. */
typedef enum { BRK_HYPHEN, BRK_EXPLICIT, BRK_URL, BRK_URL_CHAR, BRK_CHAR } break_kind;

/* A space between words: a break, or a tie (a no-break space, or one the
 * style's tie rules make), or a narrow no-break space. */
typedef enum { SPACE_BREAK, SPACE_TIE, SPACE_NARROW } space_kind;

typedef struct word_break {
    size_t at;        /* byte offset in the word */
    break_kind kind;
} word_break;

typedef struct piece {
    int seg;
    size_t start, end; /* bytes in the segment */
} piece;

typedef struct para_build {
    para_ctx *c;
    const style_class *cls;
    seg *segs;
    int seg_count;
    size_t seg_cap;
    item_list il;
    double measure;
    bool ragged, char_breaks;
    bool any_hyphen_run; /* the style's max-hyphen-run lifted (then warned) */
    hyph_dict *hyph;
    const char *lang; /* the paragraph's language (else the document's) */
    double letter_spacing;
    double font_stretch, font_shrink; /* expandability of word boxes */
    const style_protrusion_set *protrude_left, *protrude_right; /* margin protrusion */
    /* The style's words for the language of the last space looked at (a
       paragraph's segments share their language tag). */
    const char *strings_lang;
    const style_strings *strings;
    src_loc loc;
    bool word_too_long;
    /* What breaking right after the last box pushed adds to its width: the
       box set alone (without the kern to the next letter) minus its slice
       of the word shaped whole. */
    double break_kern;
    int dashes; /* standalone dashes so far: every second one closes */
    bool newline_due; /* after an image on a line of its own */
} para_build;

static void *grow_scratch(void *p, size_t *cap, size_t need, size_t size)
{
    return mem_reserve(p, cap, need, size, 64);
}

void para_ctx_init(para_ctx *c, arena *a, arena *tmp, font_set *fonts, const style *st,
                   diag_list *diags, const char *doc_lang)
{
    memset(c, 0, sizeof *c);
    c->a = a;
    c->tmp = tmp;
    c->fonts = fonts;
    c->st = st;
    c->diags = diags;
    c->doc_lang = doc_lang ? doc_lang : "nl-BE";
}

page_dest para_anchor_get(const para_anchors *an, const block *b)
{
    int i = an ? ptrindex_get(&an->index, b) : -1;
    return i >= 0 ? an->at[i] : (page_dest){ 0, 0 };
}

void para_anchor_set(para_anchors *an, const block *b, page_dest at)
{
    int i = ptrindex_get(&an->index, b);
    if (i < 0) {
        an->at = mem_reserve(an->at, &an->cap, (size_t)an->count + 1, sizeof *an->at, 64);
        i = an->count++;
        ptrindex_put(&an->index, b, i);
    }
    an->at[i] = at;
}

void para_anchors_free(para_anchors *an)
{
    ptrindex_free(&an->index);
    free(an->at);
    *an = (para_anchors){ 0 };
}

/* A run of frees, one per scratch array: alike in shape to
 * import_odt_free's (duplicates pairs them), different data. */
void para_ctx_free(para_ctx *c)
{
    free(c->scratch_items);
    free(c->scratch_ink);
    free(c->scratch_glyphs);
    free(c->scratch_segs);
    free(c->scratch_word);
    free(c->missing);
    free(c->scratch_pieces);
    free(c->scratch_lb_items);
    free(c->scratch_payloads);
    c->scratch_lb_items = NULL;
    c->scratch_payloads = NULL;
    c->scratch_lb_cap = 0;
    lb_kept_free(&c->breaker);
    c->scratch_pieces = NULL;
    c->scratch_pieces_cap = 0;
    c->missing = NULL;
    c->missing_count = c->missing_cap = 0;
    c->scratch_segs = NULL;
    c->scratch_word = NULL;
    c->scratch_items = NULL;
    c->scratch_ink = NULL;
    c->scratch_glyphs = NULL;
    free(c->marks);
    c->marks = NULL;
    c->mark_count = c->mark_cap = 0;
    if (!c->worker) /* a worker's is the pool's copy */
        free(c->hyph);
    c->hyph = NULL;
    c->hyph_count = c->hyph_cap = 0;
}

/* On a worker the mark is recorded, to be made in document order. */
static void mark_used(para_ctx *c, font_face *f, const shaped_glyph *g, int count,
                      const char *text, size_t len)
{
    if (!c->worker) {
        font_mark_used(f, g, count, text, len);
        return;
    }
    c->marks = mem_reserve(c->marks, &c->mark_cap, c->mark_count + 1, sizeof *c->marks, 64);
    c->marks[c->mark_count++] = (para_mark){ f, g, count, text, len };
}

/* The style's hyphenation exceptions for lang go into its patterns (a
 * word already there is replaced, so a later compilation in the same
 * process adds nothing twice). */
static void add_style_exceptions(para_ctx *c, hyph_dict *d, const char *lang)
{
    const char *list = style_strings_for(c->st, lang)->hyphen_exceptions;
    for (const char *p = list ? list : ""; *p;) {
        p += strspn(p, " \t\n");
        size_t n = strcspn(p, " \t\n");
        if (n > 0)
            hyph_add_exception(d, p, n);
        p += n;
    }
}

static hyph_dict *para_hyph_for(para_ctx *c, const char *lang, src_loc loc)
{
    for (int i = 0; i < c->hyph_count; i++)
        if (strcmp(c->hyph[i].lang, lang) == 0)
            return c->hyph[i].dict;
    if (c->worker) {
        c->bailed = true; /* the main thread loads it, and warns */
        return NULL;
    }
    /* Patterns outlive a compilation (the watch mode and the fuzzer compile
     * again and again in one process) and are shared by language variants:
     * hyph_shared. This list only remembers which tags were warned about. */
    hyph_failure failed;
    hyph_dict *d = hyph_shared(lang, NULL, &failed);
    /* Before the workers can see the language (parapool). */
    if (d)
        add_style_exceptions(c, d, lang);
    if (c->hyph_mu)
        pthread_mutex_lock(c->hyph_mu);
    c->hyph = mem_reserve(c->hyph, &c->hyph_cap, (size_t)c->hyph_count + 1, sizeof *c->hyph, 8);
    c->hyph[c->hyph_count].lang = arena_strdup(c->a, lang);
    c->hyph[c->hyph_count++].dict = d;
    if (c->hyph_mu)
        pthread_mutex_unlock(c->hyph_mu);
    if (failed.err)
        diag_add(c->diags, DIAG_ENVIRONMENT, (src_loc){ failed.path, 0, 0 },
                 "cannot read the hyphenation patterns for language '%s': %s", lang,
                 strerror(failed.err));
    else if (!d)
        diag_add(c->diags, DIAG_WARNING, loc,
                 "no hyphenation patterns for language '%s': text in it is not "
                 "hyphenated", lang);
    free(failed.path);
    return d;
}

font_face *para_face(para_ctx *c, const style_class *cls, int flags)
{
    int v = cls->variant;
    bool italic = v == FONT_ITALIC || v == FONT_BOLD_ITALIC || (flags & INL_ITALIC);
    bool bold = v == FONT_BOLD || v == FONT_BOLD_ITALIC || (flags & INL_BOLD);
    int variant = bold ? (italic ? FONT_BOLD_ITALIC : FONT_BOLD)
                       : (italic ? FONT_ITALIC : FONT_REGULAR);
    /* Computer text takes the font of the style's literal class. */
    const style_class *mono = (flags & INL_MONO) ? style_class_get(c->st, "literal") : NULL;
    const style_font *f = &c->st->fonts[mono ? mono->font : cls->font];
    if (!c->worker)
        return font_set_get(c->fonts, f->path[variant], f->features, c->diags);
    font_face *found = font_set_find(c->fonts, f->path[variant], f->features);
    c->bailed |= !found;
    return found;
}

static double clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- segments ---------------------------------------------------------- */

static const char *text_upper(arena *a, const char *s, size_t len, size_t *out_len)
{
    char *out = arena_alloc(a, len * 2 + 1), *o = out;
    for (size_t i = 0; i < len;) {
        size_t n;
        uint32_t cp = utf8_decode(s + i, len - i, &n);
        o += utf8_encode(cp == 0xDF ? cp : utf8_upper(cp), o);
        i += n;
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

/* The parts an xrefstyle selected, in DocBook's order: number, title,
 * page ("Tabel 2, Budget, p. 4"). A number the target does not have (an
 * unnumbered section) gives way to its title; with neither, the page is
 * printed. */
static const char *xref_selected(para_ctx *c, const inline_run *r, const char *title, int page_no)
{
    int parts = r->xref_parts;
    const char *number = r->target->number_text;
    bool has_title = title && title[0];
    if ((parts & XREF_LABEL) && !number && !(parts & (XREF_TITLE | XREF_QUOTED_TITLE)))
        parts |= XREF_TITLE;
    const char *out = "";
    if ((parts & XREF_LABEL) && number)
        out = number;
    if ((parts & (XREF_TITLE | XREF_QUOTED_TITLE)) && has_title) {
        bool quoted = parts & XREF_QUOTED_TITLE;
        out = arena_printf(c->tmp, "%s%s%s%s%s", out, out[0] ? ", " : "",
                           quoted ? c->st->strings.quote_open : "", title,
                           quoted ? c->st->strings.quote_close : "");
    }
    if ((parts & XREF_PAGE) || !out[0])
        out = arena_printf(c->tmp, "%s%s%s %d", out, out[0] ? ", " : "",
                           c->st->strings.page_ref, page_no);
    return out;
}

static const char *xref_text(para_ctx *c, const inline_run *r)
{
    const block *t = r->target;
    if (!t)
        return "??";
    /* DocBook: the target's xreflabel, else its title; a target with
     * neither (the model warned) is named by its page alone. */
    const char *title = r->xref_label ? r->xref_label : t->title_text;
    /* Before the first pagination the page is unknown: reserve two digits. */
    int at = para_anchor_get(c->anchors, t).page;
    if (r->xref_parts)
        return xref_selected(c, r, title, at > 0 ? at : 88);
    if (!title || !title[0])
        return arena_printf(c->tmp, "%s %d", c->st->strings.page_ref, at > 0 ? at : 88);
    return arena_printf(c->tmp, "%s, %s %d", title, c->st->strings.page_ref,
                        at > 0 ? at : 88);
}

void para_missing_add(para_ctx *c, const para_missing *m)
{
    for (size_t i = 0; i < c->missing_count; i++)
        if (c->missing[i].cp == m->cp) {
            c->missing[i].count += m->count;
            return;
        }
    c->missing = grow_scratch(c->missing, &c->missing_cap, c->missing_count + 1,
                              sizeof *c->missing);
    c->missing[c->missing_count++] = *m;
}

/* Counted here, reported once per character by para_report_missing. */
static void warn_missing_char(para_build *b, uint32_t cp)
{
    para_missing_add(b->c, &(para_missing){ cp, 1, b->loc });
}

void para_report_missing(para_ctx *c)
{
    for (size_t i = 0; i < c->missing_count; i++) {
        const para_missing *m = &c->missing[i];
        diag_add(c->diags, DIAG_WARNING, m->first,
                 "character U+%04X is in none of the style's fonts: it is left out "
                 "(%ld time%s)", m->cp, m->count, m->count == 1 ? "" : "s");
    }
}

void para_notes_push(arena *a, block ***notes, int *count, size_t *cap, block *note)
{
    *notes = arena_reserve(a, *notes, (size_t)*count, cap, sizeof **notes);
    (*notes)[(*count)++] = note;
}

void para_tally_save(const para_ctx *c, para_tally *t)
{
    t->stats = c->stats;
    t->missing_count = c->missing_count;
    t->counts = mem_alloc(c->missing_count + 1, sizeof *t->counts);
    for (size_t i = 0; i < c->missing_count; i++)
        t->counts[i] = c->missing[i].count;
}

void para_tally_restore(para_ctx *c, para_tally *t)
{
    /* the time was spent all the same: -v shows it */
    double shape_ms = c->stats.shape_ms, break_ms = c->stats.break_ms;
    c->stats = t->stats;
    c->stats.shape_ms = shape_ms;
    c->stats.break_ms = break_ms;
    if (t->missing_count <= c->missing_count)
        c->missing_count = t->missing_count;
    for (size_t i = 0; i < c->missing_count; i++)
        c->missing[i].count = t->counts[i];
    para_tally_drop(t);
}

void para_stats_add(para_stats *to, const para_stats *s, long sign)
{
    to->paragraphs += sign * s->paragraphs;
    to->lines += sign * s->lines;
    to->hyphenated_lines += sign * s->hyphenated_lines;
    to->underfull_lines += sign * s->underfull_lines;
    to->overfull_lines += sign * s->overfull_lines;
    to->words += sign * s->words;
    to->ahead += sign * s->ahead;
}

void para_tally_drop(para_tally *t)
{
    free(t->counts);
    t->counts = NULL;
}

static seg *push_seg(para_build *b, const char *text, size_t len, font_face *face)
{
    para_ctx *c = b->c;
    /* Segments live only while the paragraph is set: scratch, not arena. */
    c->scratch_segs = grow_scratch(c->scratch_segs, &c->scratch_segs_cap,
                                   (size_t)b->seg_count + 1, sizeof *b->segs);
    b->segs = c->scratch_segs;
    seg *s = &b->segs[b->seg_count++];
    memset(s, 0, sizeof *s);
    s->text = text;
    s->len = len;
    s->face = face;
    return s;
}

/* The whole chain: a style has at most this many families, so a longer
 * walk is a cycle (a → b → a) and ends. */
enum { FALLBACK_DEPTH = STYLE_MAX_FONTS };

/* The first face along the family's fallback chain that has cp. */
static font_face *fallback_face(para_ctx *c, const style_class *cls, int flags,
                                uint32_t cp)
{
    style_class alt = *cls;
    for (int depth = 0; depth < FALLBACK_DEPTH; depth++) {
        int next = c->st->fonts[alt.font].fallback;
        if (next < 0)
            return NULL;
        alt.font = next;
        font_face *f = para_face(c, &alt, flags);
        if (f && font_has_char(f, cp))
            return f;
    }
    return NULL;
}

/* When no font has a character, a close relative stands in: a minus sign
 * must never vanish from an amount. */
static uint32_t substitute_char(uint32_t cp)
{
    switch (cp) {
    case 0x2212: return 0x2013;              /* minus → en dash */
    case 0x2010: case 0x2011: return '-';
    case 0x2009: return ' ';
    case 0x2018: case 0x2019: return '\'';
    case 0x201C: case 0x201D: return '"';
    default: return 0;
    }
}

/* The no-break spaces are glue, not glyphs: drawn as a space when the
 * face lacks them, never set in a fallback face, never replaced by a
 * plain (breakable) space. */
static bool is_glue_char(uint32_t cp)
{
    return cp == 0x00A0 || cp == 0x202F;
}

static bool any_face_has(para_build *b, font_face *main, int flags, uint32_t cp)
{
    return font_has_char(main, cp) || fallback_face(b->c, b->cls, flags, cp) != NULL;
}

/* Replaces characters no face has by their stand-ins (a copy only when
 * needed); what has no stand-in is reported with the paragraph's place. */
static const char *substitute_missing(para_build *b, font_face *main, int flags,
                                      const char *text, size_t *len)
{
    char *out = NULL, *o = NULL;
    size_t k;
    for (size_t i = 0; i < *len; i += k) {
        uint32_t cp = utf8_decode(text + i, *len - i, &k);
        uint32_t sub = 0;
        bool drawn = cp >= 0x80 && cp != 0xAD && !is_glue_char(cp);
        if (drawn && !any_face_has(b, main, flags, cp) &&
            (sub = substitute_char(cp)) && any_face_has(b, main, flags, sub)) {
            if (!out) {
                out = arena_alloc(b->c->tmp, *len + 1);
                memcpy(out, text, i);
                o = out + i;
            }
            o += utf8_encode(sub, o);
        } else {
            if (drawn && cp != 0xFFFD && !any_face_has(b, main, flags, cp))
                warn_missing_char(b, cp);
            if (out) {
                memcpy(o, text + i, k);
                o += k;
            }
        }
    }
    if (!out)
        return text;
    *o = '\0';
    *len = (size_t)(o - out);
    return out;
}

/* Characters the family lacks are set in its fallback family. */
static void add_seg(para_build *b, const char *text, size_t len, int flags,
                    int link, tag_node *tag, double size_factor, double rise,
                    const char *lang)
{
    para_ctx *c = b->c;
    if (b->cls->uppercase)
        text = text_upper(c->tmp, text, len, &len);
    font_face *main = para_face(c, b->cls, flags);
    if (!main || len == 0)
        return;
    text = substitute_missing(b, main, flags, text, &len);
    int first = b->seg_count;
    size_t start = 0, k;
    font_face *current = main;
    for (size_t i = 0; i < len; i += k) {
        uint32_t cp = utf8_decode(text + i, len - i, &k);
        font_face *want = main;
        if (cp >= 0x80 && cp != 0xAD && !is_glue_char(cp) && !font_has_char(main, cp)) {
            font_face *alt = fallback_face(c, b->cls, flags, cp);
            if (alt)
                want = alt;
        }
        if (want != current && i > start) {
            push_seg(b, text + start, i - start, current);
            start = i;
        }
        current = want;
    }
    push_seg(b, text + start, len - start, current);
    hyph_dict *hyph = (flags & INL_MONO) ? NULL /* computer text is never hyphenated */
                      : lang && b->cls->hyphenate ? para_hyph_for(c, lang, b->loc)
                                                  : b->hyph;
    for (int i = first; i < b->seg_count; i++) {
        seg *s = &b->segs[i];
        s->hyph = hyph;
        s->lang = lang ? lang : b->lang;
        s->literal = (flags & INL_MONO) != 0;
        s->size = b->cls->size * size_factor;
        s->colour = b->cls->colour;
        s->link = link;
        s->tag = tag;
        s->rise = rise;
    }
}

/* An image in the line: a segment without text, sized by the layout's
 * rules; one wider than the measure is scaled to it and takes a line of
 * its own (Word's and the web's choice), never dropped. */
static void add_image_seg(para_build *b, const inline_run *r)
{
    para_ctx *c = b->c;
    double w, h;
    font_face *face = para_face(c, b->cls, r->flags);
    if (!r->target || !r->target->image || !c->image_size || !face ||
        !c->image_size(c->image_ctx, r->target, b->cls->size, b->measure, &w, &h))
        return;
    seg *s = push_seg(b, "", 0, face);
    if (w >= b->measure) {
        h *= b->measure / w;
        w = b->measure;
        s->own_line = true;
    }
    s->image = r->target->image;
    s->image_w = w;
    s->image_h = h;
    s->image_tag = r->target->tag;
    s->size = b->cls->size;
    s->colour = b->cls->colour;
    s->link = r->link; /* a linked image: its Figure is in the Link */
}

static void build_segments(para_build *b, const inline_run *runs, tag_node *tag)
{
    const style_class *cls = b->cls;
    if (cls->prefix)
        add_seg(b, cls->prefix, strlen(cls->prefix), 0, -1, NULL, 1, 0, NULL);
    for (const inline_run *r = runs; r; r = r->next) {
        tag_node *t = r->tag ? r->tag : tag;
        if (r->kind == INL_TEXT && (r->flags & (INL_SUP | INL_SUB))) {
            const style_typography *ty = &b->c->st->typo;
            double rise = (r->flags & INL_SUP) ? -ty->script_rise : ty->script_drop;
            add_seg(b, r->text, strlen(r->text), r->flags, r->link, t, ty->script_size,
                    rise * cls->size, r->lang);
        } else if (r->kind == INL_TEXT)
            add_seg(b, r->text, strlen(r->text), r->flags, r->link, t, 1, 0, r->lang);
        else if (r->kind == INL_XREF) {
            const char *x = xref_text(b->c, r);
            add_seg(b, x, strlen(x), r->flags, r->link, t, 1, 0, r->lang);
        } else if (r->kind == INL_NOTEREF) {
            const style_typography *ty = &b->c->st->typo;
            add_seg(b, r->text, strlen(r->text), r->flags, -1, t, ty->note_mark_size,
                    -ty->note_mark_rise * cls->size, NULL);
            if (b->seg_count)
                b->segs[b->seg_count - 1].note = r->note;
        } else if (r->kind == INL_IMAGE)
            add_image_seg(b, r);
    }
    if (cls->suffix)
        add_seg(b, cls->suffix, strlen(cls->suffix), 0, -1, NULL, 1, 0, NULL);
}

/* ---- items ------------------------------------------------------------- */

static double seg_scale(const seg *s);

/* How far a glyph may hang into the margin: its protrusion table's share
 * of its advance. */
static double glyph_protrusion(const para_build *b, const style_protrusion_set *table,
                               const payload *p,
                               uint32_t cp, int glyph)
{
    if (!table || p->seg < 0 || glyph < 0 || glyph >= p->shaped.count)
        return 0;
    double share = style_protrusion_share(table, cp);
    return share > 0 ? share * p->shaped.glyphs[glyph].advance * seg_scale(&b->segs[p->seg]) : 0;
}

/* The last character of a box's text. */
static uint32_t last_char(const payload *p)
{
    size_t i = p->len;
    while (i > 0 && ((unsigned char)p->text[i - 1] & 0xC0) == 0x80)
        i--;
    size_t n = 0;
    return i > 0 ? utf8_decode(p->text + i - 1, p->len - (i - 1), &n) : 0;
}

/* Margin protrusion (pdfTeX's): a word may start with an opening quote
 * that hangs into the left margin; a line ending at a glue or break after
 * a word may let its last character (a period, a comma, a quote) or the
 * hyphen a hyphenation adds hang into the right one. */
static double item_protrusion(const para_build *b, const lb_item *it, const payload *p)
{
    const item_list *l = &b->il;
    if (it->kind == LB_BOX) {
        size_t n = 0;
        uint32_t cp = p->seg >= 0 && p->len ? utf8_decode(p->text, p->len, &n) : 0;
        return glyph_protrusion(b, b->protrude_left, p, cp, 0);
    }
    if (l->count == 0 || l->items[l->count - 1].kind != LB_BOX)
        return 0;
    if (it->kind == LB_PENALTY && it->flagged)
        return b->protrude_right ? it->width * style_protrusion_share(b->protrude_right, '-') : 0;
    const payload *prev = &l->pl[l->count - 1];
    return glyph_protrusion(b, b->protrude_right, prev, last_char(prev), prev->shaped.count - 1);
}

static void push_item(para_build *b, lb_item it, payload p)
{
    item_list *l = &b->il;
    it.protrude = item_protrusion(b, &it, &p);
    if (l->count == l->cap) {
        /* Two arrays of one length: the first decides the new capacity. */
        size_t cap = l->cap;
        l->items = mem_reserve(l->items, &cap, l->count + 1, sizeof *l->items, 256);
        l->pl = mem_resize(l->pl, cap, sizeof *l->pl);
        l->cap = cap;
    }
    if (it.kind == LB_BOX && p.seg >= 0 && !b->segs[p.seg].image) {
        /* Font expansion: the breaker may widen or narrow a word as it
           stretches or shrinks glue (pdfTeX's \pdfadjustspacing 2). */
        it.stretch = it.width * b->font_stretch;
        it.shrink = it.width * b->font_shrink;
    }
    l->items[l->count] = it;
    l->pl[l->count++] = p;
}

static double seg_scale(const seg *s)
{
    return s->size / font_units_per_em(s->face);
}

static double space_width(const seg *s)
{
    shaped_text sp = font_shape(s->face, " ", 1);
    return sp.width * seg_scale(s);
}

#define NARROW_NBSP "\xE2\x80\xAF"

/* A narrow no-break space (U+202F, French "10 000", "dit :") is glue of
 * the font's own width for it, drawn as that character; a face without
 * it gets a plain space. */
static payload narrow_space(const seg *s, int si, double *w)
{
    payload p = { si, NULL, 0, { NULL, 0, 0, NULL }, false };
    if (!font_has_char(s->face, 0x202F))
        return p;
    *w = font_shape(s->face, NARROW_NBSP, 3).width * seg_scale(s);
    p.text = NARROW_NBSP;
    p.len = 3;
    return p;
}

/* An interword space; a tie (a no-break space) is the same glue behind an
 * infinite penalty, so it stretches and shrinks like the others (in
 * proportion to its width) but is never a break (glue is a legal break
 * only right after a box). */
static void push_glue(para_build *b, int si, space_kind kind)
{
    if (b->newline_due)
        return; /* the line ends after the image: spaces go with it */
    const seg *s = &b->segs[si];
    double w = space_width(s);
    const style_typography *t = &b->c->st->typo;
    bool tie = kind != SPACE_BREAK;
    payload p = kind == SPACE_NARROW ? narrow_space(s, si, &w)
                                     : (payload){ si, NULL, 0, { NULL, 0, 0, NULL }, false };
    if (tie) {
        lb_item never = { LB_PENALTY, 0, 0, 0, 0, LB_INFINITY, 0, 0 };
        push_item(b, never, p);
    }
    if (!b->ragged || tie) {
        double stretch = b->ragged ? 0 : w * t->space_stretch;
        double shrink = b->ragged ? 0 : w * t->space_shrink;
        lb_item g = { LB_GLUE, w, stretch, shrink, 0, 0, 0, 0 };
        push_item(b, g, p);
        return;
    }
    /* Ragged: a break here leaves stretch at the line end; no break leaves
     * exactly one space (TeX's construction for \raggedright). */
    double s3 = t->ragged_stretch_em * s->size;
    lb_item g1 = { LB_GLUE, 0, s3, 0, 0, 0, 0, 0 };
    lb_item pen = { LB_PENALTY, 0, 0, 0, 0, 0, 0, 0 };
    lb_item g2 = { LB_GLUE, w, -s3, 0, 0, 0, 0, 0 };
    push_item(b, g1, p);
    push_item(b, pen, p);
    push_item(b, g2, p);
}

/* The bytes of the word separator at text[i]: a space, a no-break space
 * (U+00A0, a tie), a narrow one (U+202F), or 0. */
static size_t separator_at(const char *text, size_t len, size_t i, space_kind *kind)
{
    *kind = SPACE_BREAK;
    if (i + 1 < len && (unsigned char)text[i] == 0xC2 && (unsigned char)text[i + 1] == 0xA0) {
        *kind = SPACE_TIE;
        return 2;
    }
    if (i + 2 < len && memcmp(text + i, NARROW_NBSP, 3) == 0) {
        *kind = SPACE_NARROW;
        return 3;
    }
    return text[i] == ' ';
}

static bool is_url_like(const char *w, size_t len)
{
    return memmem(w, len, "://", 3) || (len > 4 && strncmp(w, "www.", 4) == 0) ||
           (memchr(w, '@', len) && memchr(w, '.', len));
}

static int add_break(word_break *br, int n, size_t at, break_kind kind)
{
    if (n >= MAX_BREAKS_PER_WORD)
        return n;
    for (int i = 0; i < n; i++)
        if (br[i].at == at)
            return n;
    br[n].at = at;
    br[n].kind = kind;
    return n + 1;
}

static int cmp_break(const void *x, const void *y)
{
    const word_break *a = x, *b = y;
    return a->at < b->at ? -1 : a->at > b->at;
}

/* URLs break after / . - _ ? & = # with no hyphen added, and as a last
 * resort (a high penalty from the style) between any two characters: a
 * line that cannot end well at a preferred break takes part of the
 * address rather than open its spaces wide. */
static int url_breaks(const para_build *b, const char *w, size_t len, word_break *br, int n)
{
    for (size_t i = 1; i + 1 < len; i++)
        if (strchr("/.-_?&=#", w[i]) && w[i + 1] != '/')
            n = add_break(br, n, i + 1, BRK_URL);
    if (b->c->st->typo.url_char_penalty >= LB_INFINITY)
        return n; /* never: only where a part is wider than the measure */
    size_t k;
    for (size_t i = 0; i < len; i += k) {
        utf8_decode(w + i, len - i, &k);
        if (i > 0)
            n = add_break(br, n, i, BRK_URL_CHAR);
    }
    return n;
}

static bool is_letter_at(const char *w, size_t len, size_t i)
{
    size_t k;
    uint32_t cp = utf8_decode(w + i, len - i, &k);
    return utf8_is_letter(cp) || cp == 0xAD || cp == 0x2019 || cp == '\'';
}

/* Hyphenates each letter run of the word (compounds with explicit
 * hyphens break there and inside each part). The paragraph's last word
 * too: the breaker prices a hyphen on the last line with the style's
 * final-hyphen-demerits, as TeX does, and a table cell is often one word. */
static int word_breaks(para_build *b, hyph_dict *hyph, const char *w, size_t len,
                       bool literal, word_break *br)
{
    int n = 0;
    if (is_url_like(w, len))
        return url_breaks(b, w, len, br, 0);
    for (size_t i = 1; i + 1 < len; i++)
        if (literal && w[i] == '-')
            continue; /* "kcvs-pdf" is one name */
        else if ((w[i] == '-' || w[i] == '/') && is_letter_at(w, len, i - 1) &&
            is_letter_at(w, len, i + 1))
            n = add_break(br, n, i + 1, w[i] == '-' ? BRK_EXPLICIT : BRK_URL);
        /* between two tags quoted in text ("<textobject><phrase>") */
        else if (w[i] == '>' && w[i + 1] == '<')
            n = add_break(br, n, i + 1, BRK_URL);
    if (!hyph || !b->cls->hyphenate)
        return n;
    const style_typography *t = &b->c->st->typo;
    hyph_options opt = { t->hyphen_left_min, t->hyphen_right_min };
    size_t i = 0;
    while (i < len) {
        while (i < len && !is_letter_at(w, len, i))
            i++;
        size_t start = i, k;
        while (i < len && is_letter_at(w, len, i)) {
            utf8_decode(w + i, len - i, &k);
            i += k;
        }
        /* A letter run glued to digits (e.g. "2021-rapport") is left alone. */
        if (i > start && (i == len || w[i] != '@')) {
            size_t offs[PARA_MAX_WORD_BYTES];
            int found = hyph_word(hyph, &opt, w + start, i - start, offs,
                                  PARA_MAX_WORD_BYTES);
            for (int f = 0; f < found; f++)
                n = add_break(br, n, start + offs[f], BRK_HYPHEN);
        }
    }
    return n;
}

static int char_breaks(const char *w, size_t from, size_t to, word_break *br, int n)
{
    size_t k;
    for (size_t i = from; i < to; i += k) {
        utf8_decode(w + i, to - i, &k);
        if (i > from)
            n = add_break(br, n, i, BRK_CHAR);
    }
    return n;
}

/* The last resort: breaks between letters, but only inside the parts of a
 * word (between its hyphenation points) that are wider than the measure
 * with a hyphen; where a hyphenation point fits, the word breaks there.
 * The part is measured in the face of the word's first piece. br is sorted. */
static int char_breaks_where_needed(para_build *b, const seg *s, const char *w, size_t len,
                                    word_break *br, int n)
{
    double hyphen = font_shape(s->face, "-", 1).width * seg_scale(s);
    size_t from = 0;
    int found = n;
    for (int i = 0; i <= found; i++) {
        size_t to = i < found ? br[i].at : len;
        shaped_text sh = font_shape(s->face, w + from, to - from);
        if (sh.width * seg_scale(s) + b->letter_spacing * sh.count + hyphen > b->measure)
            n = char_breaks(w, from, to, br, n);
        from = to;
    }
    return n;
}

/* Copies text without soft hyphens (they are invisible when not used). */
static const char *strip_shy(arena *a, const char *s, size_t len, size_t *out_len)
{
    if (!memmem(s, len, "\xC2\xAD", 2)) {
        *out_len = len;
        return s;
    }
    char *out = arena_alloc(a, len + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        if (i + 1 < len && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xAD) {
            i++;
            continue;
        }
        *o++ = s[i];
    }
    *out_len = (size_t)(o - out);
    return out;
}

static void push_box(para_build *b, int si, const char *text, size_t len)
{
    const seg *s = &b->segs[si];
    size_t n;
    text = strip_shy(b->c->tmp, text, len, &n);
    if (n == 0)
        return;
    shaped_text sh = font_shape(s->face, text, n);
    double w = sh.width * seg_scale(s) + b->letter_spacing * sh.count;
    payload p = { si, text, n, sh, false };
    lb_item box = { LB_BOX, w, 0, 0, 0, 0, 0, 0 };
    push_item(b, box, p);
    b->break_kern = 0;
}

static double shaped_width(const para_build *b, const seg *s, shaped_text sh)
{
    return sh.width * seg_scale(s) + b->letter_spacing * sh.count;
}

static bool glyph_starts_at(shaped_text sh, size_t at)
{
    for (int g = 0; g < sh.count; g++)
        if (sh.glyphs[g].cluster >= at)
            return sh.glyphs[g].cluster == at;
    return true; /* past the last glyph: the end of the text */
}

/* The piece of a word's segment shaped once, whole, so that kerning (and
 * any contextual form) between letters on either side of a possible break
 * is kept; NULL glyphs when it cannot be cut by its clusters: soft hyphens
 * (removed per box), clusters out of text order, or a glyph (a ligature)
 * that spans one of the breaks br[0, nb) (offsets into the piece) — then the
 * pieces between breaks are shaped apart, as before. */
static shaped_text shape_whole(const seg *s, const char *text, size_t len,
                               const size_t *br, int nb)
{
    shaped_text none = { NULL, 0, 0, NULL };
    if (memmem(text, len, "\xC2\xAD", 2))
        return none;
    shaped_text sh = font_shape(s->face, text, len);
    for (int g = 1; g < sh.count; g++)
        if (sh.glyphs[g].cluster < sh.glyphs[g - 1].cluster)
            return none;
    for (int i = 0; i < nb; i++)
        if (!glyph_starts_at(sh, br[i]))
            return none;
    return sh;
}

/* Whether the glyphs [g0, g1) of a piece shaped whole are what their text
 * shaped alone gives: HarfBuzz says the text may be cut at both ends. */
static bool slice_shapes_alike(shaped_text whole, int g0, int g1)
{
    return whole.unsafe_to_break && g1 < whole.count && !whole.unsafe_to_break[g1] &&
           (g0 == 0 || !whole.unsafe_to_break[g0]);
}

/* The box for text[from, to) of a piece shaped whole: its glyphs are the
 * slice whose clusters fall in the range, copied with clusters made
 * relative to the box's own text (what font_mark_used indexes). A break
 * follows (break_after): what breaking there adds to its width, from the
 * slice shaped alone (not worth shaping for the piece's last slice, nor
 * where HarfBuzz says it shapes alike: 0 then). */
static void push_slice(para_build *b, int si, const char *text, shaped_text whole,
                       size_t from, size_t to, bool break_after)
{
    if (!whole.glyphs) {
        push_box(b, si, text + from, to - from);
        return;
    }
    b->break_kern = 0;
    if (to == from)
        return;
    int g0 = 0, g1;
    while (g0 < whole.count && whole.glyphs[g0].cluster < from)
        g0++;
    for (g1 = g0; g1 < whole.count && whole.glyphs[g1].cluster < to; g1++)
        ;
    shaped_glyph *gl = arena_alloc_array(b->c->tmp, (size_t)(g1 - g0) + 1, sizeof *gl);
    shaped_text sh = { gl, g1 - g0, 0, NULL };
    for (int g = g0; g < g1; g++) {
        gl[g - g0] = whole.glyphs[g];
        gl[g - g0].cluster -= (uint32_t)from;
        sh.width += whole.glyphs[g].advance;
    }
    const seg *s = &b->segs[si];
    payload p = { si, text + from, to - from, sh, false };
    lb_item box = { LB_BOX, shaped_width(b, s, sh), 0, 0, 0, 0, 0, 0 };
    push_item(b, box, p);
    if (break_after && !slice_shapes_alike(whole, g0, g1)) {
        shaped_text alone = font_shape(s->face, text + from, to - from);
        b->break_kern = shaped_width(b, s, alone) - box.width;
    }
}



/* In ragged text a break without a hyphen inside a word (an address, "en/
 * of") gets the ragged stretch a space has, so a line may end there in the
 * normal passes: [no break] [glue +S] [the break] [glue -S]; the hyphen
 * breaks keep their old form (ragged text hyphenates only when a line
 * cannot be set otherwise). */
static void push_ragged_break(para_build *b, lb_item pen, payload p)
{
    double s3 = b->c->st->typo.ragged_stretch_em * b->segs[p.seg].size;
    lb_item never = { LB_PENALTY, 0, 0, 0, 0, LB_INFINITY, 0, 0 };
    lb_item g1 = { LB_GLUE, 0, s3, 0, 0, 0, 0, 0 };
    lb_item g2 = { LB_GLUE, 0, -s3, 0, 0, 0, 0, 0 };
    push_item(b, never, p);
    push_item(b, g1, p);
    push_item(b, pen, p);
    push_item(b, g2, p);
}

static void push_break(para_build *b, int si, break_kind kind)
{
    const style_typography *t = &b->c->st->typo;
    payload p = { si, NULL, 0, { NULL, 0, 0, NULL }, true };
    lb_item pen = { LB_PENALTY, 0, 0, 0, 0, 0, 0, 0 };
    if (kind == BRK_HYPHEN) {
        const seg *s = &b->segs[si];
        pen.width = font_shape(s->face, "-", 1).width * seg_scale(s);
        pen.penalty = t->hyphen_penalty;
        pen.flagged = 1;
    } else if (kind == BRK_EXPLICIT) {
        pen.penalty = t->hyphen_penalty;
        pen.flagged = 1;
    } else
        pen.penalty = kind == BRK_URL        ? t->explicit_break_penalty
                      : kind == BRK_URL_CHAR ? t->url_char_penalty
                                             : t->char_break_penalty;
    pen.width += b->break_kern;
    if (b->ragged && (kind == BRK_URL || kind == BRK_URL_CHAR))
        push_ragged_break(b, pen, p);
    else
        push_item(b, pen, p);
}

/* An address's breaks between characters that fall inside a glyph of the
 * piece text[0, len) (a ligature: "fi") are dropped, so that the piece can
 * still be shaped whole; the breaks from br[next] on that lie in the piece
 * (offset base in the word) are looked at. Returns the new count. */
static int drop_breaks_inside_glyphs(const seg *s, const char *text, size_t len, size_t base,
                                     word_break *br, int next, int nb)
{
    shaped_text sh = { NULL, 0, 0, NULL };
    int out = next;
    for (int k = next; k < nb; k++) {
        bool inside = br[k].kind == BRK_URL_CHAR && br[k].at < base + len;
        if (inside && !sh.glyphs)
            sh = font_shape(s->face, text, len);
        if (!inside || glyph_starts_at(sh, br[k].at - base))
            br[out++] = br[k];
    }
    return out;
}

/* The word's text is spread over pieces of segments; breaks are offsets
 * into the concatenation. */
static void flush_word(para_build *b, piece *pieces, int np)
{
    if (np == 0)
        return;
    size_t total = 0;
    for (int i = 0; i < np; i++)
        total += pieces[i].end - pieces[i].start;
    if (total > PARA_MAX_WORD_BYTES) {
        if (!b->word_too_long)
            diag_add(b->c->diags, DIAG_ERROR, b->loc,
                     "a word of %zu bytes (the limit is %d): text without spaces?", total,
                     PARA_MAX_WORD_BYTES);
        b->word_too_long = true;
        return;
    }
    para_ctx *c = b->c;
    c->scratch_word = grow_scratch(c->scratch_word, &c->scratch_word_cap, total + 1, 1);
    char *w = c->scratch_word, *o = w;
    for (int i = 0; i < np; i++) {
        memcpy(o, b->segs[pieces[i].seg].text + pieces[i].start,
               pieces[i].end - pieces[i].start);
        o += pieces[i].end - pieces[i].start;
    }
    word_break br[MAX_BREAKS_PER_WORD];
    /* A word is hyphenated by the rules of the language it is written in. */
    int nb = word_breaks(b, b->segs[pieces[0].seg].hyph, w, total,
                         b->segs[pieces[0].seg].literal, br);
    qsort(br, (size_t)nb, sizeof *br, cmp_break);
    if (b->char_breaks) {
        nb = char_breaks_where_needed(b, &b->segs[pieces[0].seg], w, total, br, nb);
        qsort(br, (size_t)nb, sizeof *br, cmp_break);
    }
    b->c->stats.words++;
    size_t base = 0;
    int next = 0;
    for (int i = 0; i < np; i++) {
        const piece *p = &pieces[i];
        const char *text = b->segs[p->seg].text + p->start;
        size_t plen = p->end - p->start, from = 0;
        size_t cuts[MAX_BREAKS_PER_WORD];
        int nc = 0;
        nb = drop_breaks_inside_glyphs(&b->segs[p->seg], text, plen, base, br, next, nb);
        for (int k = next; k < nb && br[k].at <= base + plen; k++)
            cuts[nc++] = br[k].at - base;
        shaped_text whole = shape_whole(&b->segs[p->seg], text, plen, cuts, nc);
        while (next < nb && br[next].at <= base + plen) {
            size_t cut = br[next].at - base;
            push_slice(b, p->seg, text, whole, from, cut, true);
            push_break(b, p->seg, br[next].kind);
            from = cut;
            next++;
        }
        push_slice(b, p->seg, text, whole, from, plen, false);
        b->break_kern = 0;
        base += plen;
    }
}

enum { TIE_WORD_BYTES = 32 };

/* A word as the tie rules see it: its first bytes and its full length. */
typedef struct tie_word {
    char text[TIE_WORD_BYTES];
    size_t len;
} tie_word;

static void tie_word_of(const para_build *b, const piece *pieces, int np, tie_word *out)
{
    out->len = 0;
    for (int i = 0; i < np; i++)
        for (size_t k = pieces[i].start; k < pieces[i].end; k++, out->len++)
            if (out->len < TIE_WORD_BYTES)
                out->text[out->len] = b->segs[pieces[i].seg].text[k];
}

/* Whether w[0, len) is one of the space-separated words of list. */
static bool in_word_list(const char *list, const char *w, size_t len)
{
    if (!list || len == 0)
        return false;
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, " ");
        if (n == len && memcmp(p, w, len) == 0)
            return true;
        p += n;
        p += strspn(p, " ");
    }
    return false;
}

/* Without the punctuation that may follow a unit ("10 km.", "25 %,"). */
static size_t without_trailing_punct(const char *w, size_t len)
{
    while (len > 1 && strchr(".,;:!?)", w[len - 1]))
        len--;
    return len;
}

static bool is_dash_word(const tie_word *w)
{
    return w->len == 3 && (memcmp(w->text, "\xE2\x80\x93", 3) == 0 ||
                           memcmp(w->text, "\xE2\x80\x94", 3) == 0);
}

/* Whether the space between prev and cur is a tie, by the style's lists
 * for the language of the space (of its segment: a phrase's own xml:lang,
 * else its paragraph's, else the report's): number + unit or %,
 * abbreviation or currency + number, "’s" + word; a line never starts
 * with % or with a dash that closes a parenthetical remark (every second
 * standalone dash). */
static bool is_tie(para_build *b, int si, const tie_word *prev, const tie_word *cur)
{
    if (!b->strings || b->strings_lang != b->segs[si].lang) {
        b->strings_lang = b->segs[si].lang;
        b->strings = style_strings_for(b->c->st, b->strings_lang);
    }
    const style_strings *st = b->strings;
    if (prev->len == 0 || cur->len == 0)
        return false;
    bool short_prev = prev->len <= TIE_WORD_BYTES, short_cur = cur->len <= TIE_WORD_BYTES;
    if (cur->text[0] == '%')
        return true;
    if (is_dash_word(cur) && ++b->dashes % 2 == 0)
        return true;
    bool digit_before = short_prev && isdigit((unsigned char)prev->text[prev->len - 1]);
    if (digit_before && short_cur &&
        (in_word_list(st->tie_units, cur->text, cur->len) ||
         in_word_list(st->tie_units, cur->text, without_trailing_punct(cur->text, cur->len))))
        return true;
    if (!short_prev)
        return false;
    if (isdigit((unsigned char)cur->text[0]) &&
        in_word_list(st->tie_before_number, prev->text, prev->len))
        return true;
    return in_word_list(st->tie_before_word, prev->text, prev->len);
}

/* The space seen last, pushed once the word after it is known (a tie
 * depends on both words). */
typedef struct pending_space {
    bool set;
    space_kind kind;
    int seg;
} pending_space;

/* A forced line end (as at a paragraph's end) at segment si. */
static void push_newline(para_build *b, int si)
{
    payload p = { si, NULL, 0, { NULL, 0, 0, NULL }, false };
    lb_item inf = { LB_PENALTY, 0, 0, 0, 0, LB_INFINITY, 0, 0 };
    lb_item fil = { LB_GLUE, 0, 0, 0, 1, 0, 0, 0 };
    lb_item force = { LB_PENALTY, 0, 0, 0, 0, -LB_INFINITY, 0, 0 };
    b->newline_due = false;
    push_item(b, inf, p);
    push_item(b, fil, p);
    push_item(b, force, p);
}

static void end_word(para_build *b, pending_space *sp, tie_word *prev, int np)
{
    tie_word cur;
    tie_word_of(b, b->c->scratch_pieces, np, &cur);
    if (sp->set)
        push_glue(b, sp->seg, sp->kind == SPACE_BREAK && is_tie(b, sp->seg, prev, &cur)
                                  ? SPACE_TIE : sp->kind);
    sp->set = false;
    if (b->newline_due)
        push_newline(b, b->c->scratch_pieces[0].seg);
    flush_word(b, b->c->scratch_pieces, np);
    *prev = cur;
}

static bool any_box(const para_build *b)
{
    for (size_t i = 0; i < b->il.count; i++)
        if (b->il.items[i].kind == LB_BOX && b->il.pl[i].seg >= 0)
            return true;
    return false;
}

/* An image is one box, never broken, glued to a word written against it
 * ("<img/>,"); one on a line of its own ends the line before it as a
 * paragraph's end would, and the line after it. */
static void push_image(para_build *b, int si, int *np, pending_space *sp, tie_word *prev)
{
    if (*np > 0)
        end_word(b, sp, prev, *np);
    *np = 0;
    seg *s = &b->segs[si];
    if (s->own_line && !any_box(b) && b->il.count > 0 && b->il.items[0].width < b->measure) {
        /* the paragraph's first line, after its indent: the rest of it */
        double room = b->measure - b->il.items[0].width;
        s->image_h *= room / s->image_w;
        s->image_w = room;
    }
    if (s->own_line || b->newline_due) {
        b->newline_due = false;
        if (any_box(b))
            push_newline(b, si);
    } else if (sp->set)
        push_glue(b, sp->seg, sp->kind);
    *sp = (pending_space){ false, SPACE_BREAK, -1 };
    prev->len = 0;
    lb_item box = { LB_BOX, s->image_w, 0, 0, 0, 0, 0, 0 };
    push_item(b, box, (payload){ si, NULL, 0, { NULL, 0, 0, NULL }, false });
    b->newline_due = s->own_line;
}

static void build_items(para_build *b, double first_indent)
{
    b->il.count = 0;
    b->dashes = 0;
    b->newline_due = false;
    if (first_indent > 0) {
        lb_item box = { LB_BOX, first_indent, 0, 0, 0, 0, 0, 0 };
        push_item(b, box, (payload){ -1, NULL, 0, { NULL, 0, 0, NULL }, false });
    }
    int np = 0;
    pending_space sp = { false, SPACE_BREAK, -1 };
    tie_word prev = { .len = 0 };
    for (int si = 0; si < b->seg_count; si++) {
        const seg *s = &b->segs[si];
        if (s->image) {
            push_image(b, si, &np, &sp, &prev);
            continue;
        }
        size_t start = 0;
        size_t sep = 0;
        for (size_t i = 0; i <= s->len; i += sep ? sep : 1) {
            bool end = i == s->len;
            space_kind kind = SPACE_BREAK;
            sep = end ? 0 : separator_at(s->text, s->len, i, &kind);
            if (!end && !sep)
                continue;
            if (i > start) {
                /* a word may be made of any number of pieces (styles,
                   fallback fonts): the scratch array grows */
                b->c->scratch_pieces = grow_scratch(b->c->scratch_pieces,
                                                    &b->c->scratch_pieces_cap,
                                                    (size_t)np + 1, sizeof(piece));
                b->c->scratch_pieces[np++] = (piece){ si, start, i };
            }
            if (!end) {
                if (np > 0)
                    end_word(b, &sp, &prev, np);
                else if (sp.set) /* two spaces in a row */
                    push_glue(b, sp.seg, sp.kind);
                np = 0;
                sp = (pending_space){ true, kind, si };
            }
            start = i + sep;
        }
    }
    if (np > 0)
        end_word(b, &sp, &prev, np);
    if (sp.set)
        push_glue(b, sp.seg, sp.kind);
    push_newline(b, b->seg_count ? b->seg_count - 1 : -1);
}

/* ---- setting lines ------------------------------------------------------- */

/* Lines are set in scratch buffers owned by the context and then copied
 * to the arena at their exact size: a long document has many lines. */
typedef struct line_setter {
    para_build *b;
    para_line *line;
    int run;              /* index of the run being filled, -1 none */
    int run_seg;
    double pen;           /* current x */
    double pending;       /* space not yet drawn */
    const char *pending_text; /* the character it is drawn as (NULL: " ") */
    double ink_end;       /* x after the last box */
    double expand;        /* the line's font expansion factor (1: none) */
    const char *actual;   /* ActualText of the next run started (NULL none) */
    bool force_run;       /* the next box starts a run of its own */
    bool started;         /* a box was set: glue counts from here */
} line_setter;

static bool same_look(const seg *a, const seg *b)
{
    return a->face == b->face && a->size == b->size && a->colour == b->colour &&
           a->link == b->link && a->tag == b->tag && a->rise == b->rise;
}


static page_item *line_add_item(line_setter *ls, item_kind kind)
{
    para_ctx *c = ls->b->c;
    para_line *l = ls->line;
    c->scratch_items = grow_scratch(c->scratch_items, &c->scratch_items_cap,
                                    (size_t)l->count + 1, sizeof *c->scratch_items);
    c->scratch_ink = grow_scratch(c->scratch_ink, &c->scratch_ink_cap, (size_t)l->count + 1,
                                  sizeof *c->scratch_ink);
    page_item *it = &c->scratch_items[l->count];
    c->scratch_ink[l->count] = 0;
    l->count++;
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->fill = it->stroke = -1;
    it->link = -1;
    return it;
}

static void run_push_glyph(line_setter *ls, uint32_t gid, double advance)
{
    para_ctx *c = ls->b->c;
    c->scratch_glyphs = grow_scratch(c->scratch_glyphs, &c->scratch_glyphs_cap,
                                     c->scratch_glyph_count + 1, sizeof *c->scratch_glyphs);
    c->scratch_glyphs[c->scratch_glyph_count++] = (placed_glyph){ gid, (float)advance };
    c->scratch_items[ls->run].run.count++;
}

/* A space glyph in the current run that moves the pen by advance. */
static void push_space_glyph(line_setter *ls, double advance)
{
    const char *text = ls->pending_text ? ls->pending_text : " ";
    ls->pending_text = NULL;
    if (ls->run < 0)
        return; /* at a line's start or after an image: the pen moves alone */
    const seg *s = &ls->b->segs[ls->run_seg];
    shaped_text sp = font_shape(s->face, text, strlen(text));
    if (sp.count == 1 && sp.glyphs[0].gid) {
        mark_used(ls->b->c, s->face, sp.glyphs, 1, text, strlen(text));
        run_push_glyph(ls, sp.glyphs[0].gid, advance);
    }
}

static void flush_pending_space(line_setter *ls)
{
    if (ls->pending <= 0)
        return;
    push_space_glyph(ls, ls->pending);
    ls->pen += ls->pending;
    ls->pending = 0;
}

static void start_run(line_setter *ls, int si)
{
    const seg *s = &ls->b->segs[si];
    page_item *it = line_add_item(ls, ITEM_TEXT);
    it->x = ls->pen;
    it->y = s->rise;
    it->run.face = s->face;
    it->run.size = s->size;
    it->run.colour = s->colour;
    it->run.hscale = (float)ls->expand;
    /* Until the line is copied out, glyphs holds an offset into scratch. */
    it->run.glyphs = (placed_glyph *)(uintptr_t)ls->b->c->scratch_glyph_count;
    it->link = s->link;
    it->tag = s->tag;
    /* A hyphenated word's text goes on its first run, "" on the rest. */
    it->run.actual = ls->actual;
    if (ls->actual && *ls->actual)
        ls->actual = "";
    ls->run = ls->line->count - 1;
    ls->run_seg = si;
}

/* A run that stands for no text: the space after it stays outside it. */
static bool run_is_silent(const line_setter *ls)
{
    if (ls->run < 0)
        return false;
    const char *a = ls->b->c->scratch_items[ls->run].run.actual;
    return a && !*a;
}

static void set_box(line_setter *ls, const payload *p)
{
    if (p->seg < 0)
        return;
    const seg *s = &ls->b->segs[p->seg];
    bool new_run = ls->force_run || ls->run < 0 || !same_look(&ls->b->segs[ls->run_seg], s);
    ls->force_run = false;
    if (!(new_run && run_is_silent(ls)))
        flush_pending_space(ls);
    if (new_run)
        start_run(ls, p->seg);
    flush_pending_space(ls);
    para_line *l = ls->line;
    if (s->note && (l->note_count == 0 || l->notes[l->note_count - 1] != s->note))
        para_notes_push(ls->b->c->tmp, &l->notes, &l->note_count, &l->note_cap, s->note);
    double scale = seg_scale(s);
    mark_used(ls->b->c, s->face, p->shaped.glyphs, p->shaped.count, p->text, p->len);
    for (int g = 0; g < p->shaped.count; g++) {
        if (p->shaped.glyphs[g].gid == 0)
            continue;
        double adv = p->shaped.glyphs[g].advance * scale * ls->expand + ls->b->letter_spacing;
        run_push_glyph(ls, p->shaped.glyphs[g].gid, adv);
        ls->pen += adv;
    }
    ls->ink_end = ls->pen;
    ls->b->c->scratch_ink[ls->run] = ls->pen;
    ls->started = true;
}

/* An image on the baseline, drawn where the pen is; the text after it is
 * a run of its own (a run's glyphs move the pen only by their advances). */
static void set_image(line_setter *ls, const seg *s)
{
    if (run_is_silent(ls)) {
        ls->pen += ls->pending;
        ls->pending = 0;
    } else
        flush_pending_space(ls);
    page_item *it = line_add_item(ls, ITEM_IMAGE);
    it->x = (float)ls->pen;
    it->y = (float)(s->rise - s->image_h);
    it->w = (float)s->image_w;
    it->h = (float)s->image_h;
    it->image = s->image;
    it->tag = s->image_tag;
    it->artifact = s->image->decorative;
    it->link = s->link;
    ls->pen += s->image_w;
    ls->ink_end = ls->pen;
    ls->run = -1;
    ls->started = true;
    if (s->image_h - s->rise > ls->line->image_height)
        ls->line->image_height = s->image_h - s->rise;
}

/* A box cut from a word shaped whole is set as its slice, except next to
 * a break taken inside the word: there it stands alone (no kern with the
 * letter now on the other line), as the breaker measured it (break_kern). */
static const payload *box_as_set(para_build *b, const lb_line *ln, size_t i)
{
    const item_list *il = &b->il;
    if (b->segs[il->pl[i].seg].image)
        return &il->pl[i];
    bool before = i + 1 == ln->end && il->items[ln->end].kind == LB_PENALTY;
    bool after = i == ln->content_start && i > 0 && il->items[i - 1].kind == LB_PENALTY;
    if (!before && !after)
        return &il->pl[i];
    payload *p = arena_alloc(b->c->tmp, sizeof *p);
    *p = il->pl[i];
    p->shaped = font_shape(b->segs[p->seg].face, p->text, p->len);
    return p;
}

/* Copies the line out of the scratch buffers at its exact size. */
static void line_commit(para_ctx *c, para_line *l)
{
    page_item *items = arena_alloc_array(c->tmp, (size_t)l->count, sizeof *items);
    placed_glyph *glyphs = arena_alloc_array(c->tmp, c->scratch_glyph_count, sizeof *glyphs);
    if (c->scratch_glyph_count)
        memcpy(glyphs, c->scratch_glyphs, c->scratch_glyph_count * sizeof *glyphs);
    for (int i = 0; i < l->count; i++) {
        items[i] = c->scratch_items[i];
        if (items[i].kind == ITEM_TEXT)
            items[i].run.glyphs = glyphs + (uintptr_t)items[i].run.glyphs;
    }
    l->items = items;
    c->scratch_glyph_count = 0;
}

static void set_hyphen(line_setter *ls, int si)
{
    if (si < 0 || ls->run < 0)
        return;
    const seg *s = &ls->b->segs[si];
    shaped_text h = font_shape(s->face, "-", 1);
    payload p = { si, "-", 1, h, false };
    set_box(ls, &p);
}

static bool is_hyphen_break(const lb_item *brk)
{
    return brk->kind == LB_PENALTY && brk->flagged && brk->width > 0;
}

/* A break at a space: its glue, or the penalty between the two glues of
 * a ragged space (not a break inside a word, nor the paragraph's end). */
static bool breaks_between_words(const item_list *il, size_t at)
{
    const lb_item *brk = &il->items[at];
    if (brk->kind == LB_GLUE)
        return true;
    return brk->kind == LB_PENALTY && !brk->flagged && brk->penalty > -LB_INFINITY &&
           at > 0 && il->items[at - 1].kind == LB_GLUE && !il->pl[at].in_word;
}

/* A break inside a word: at a hyphen, after a slash or dash of a
 * compound, or in an address. */
static bool breaks_inside_word(const item_list *il, size_t at)
{
    return il->items[at].kind == LB_PENALTY && il->pl[at].in_word;
}

/* A space between words (not the ragged stretch inside one). */
static bool is_space_glue(const item_list *il, size_t i)
{
    return il->items[i].kind == LB_GLUE && !il->pl[i].in_word;
}

/* Where the word broken at the line's end starts: the first box after the
 * line's last glue (none when the line holds only a middle part of it). */
static size_t broken_word_start(const item_list *il, const lb_line *ln)
{
    size_t start = ln->end;
    while (start > ln->content_start && !is_space_glue(il, start - 1))
        start--;
    return start;
}

/* The whole text of a word broken at line ends, from its first box up to
 * the glue after it, without the hyphens line breaking added
 * ("Sche-|matron/|NVDL" reads "Schematron/NVDL", an address broken over
 * three lines reads whole). */
static const char *broken_word(para_build *b, size_t from)
{
    const item_list *il = &b->il;
    size_t len = 0, i, end = il->count;
    for (i = from; i < end && !is_space_glue(il, i); i++)
        if (il->items[i].kind == LB_BOX && il->pl[i].seg >= 0)
            len += il->pl[i].len;
    char *w = arena_alloc(b->c->a, len + 1), *o = w;
    for (i = from; i < end && !is_space_glue(il, i); i++)
        if (il->items[i].kind == LB_BOX && il->pl[i].seg >= 0 && il->pl[i].len) {
            memcpy(o, il->pl[i].text, il->pl[i].len);
            o += il->pl[i].len;
        }
    *o = '\0';
    return w;
}

/* A line ends between words with a space that moves nothing: text
 * extraction and the structure tree read a word separator there (ISO
 * 32000-1 §14.8.2.5), not "voorredacteuren". */
static void set_word_separator(line_setter *ls)
{
    if (run_is_silent(ls)) {
        ls->actual = NULL;
        start_run(ls, ls->run_seg);
    }
    push_space_glyph(ls, 0);
}

static double glue_width(const lb_item *it, const lb_line *ln)
{
    double r = ln->ratio;
    if (it->stretch_fil > 0 || fabs(r) >= LB_INFINITY)
        return it->width;
    if (r >= 0)
        return it->width + r * it->stretch;
    return it->width + (r < -1 ? -1 : r) * it->shrink;
}

/* The link of a line item that is part of one: a run's, or a linked
 * image's (its Figure's parent is the Link). */
static int item_link(const page_item *r, tag_node **tag)
{
    if (r->kind == ITEM_TEXT && r->link >= 0) {
        *tag = r->tag;
        return r->link;
    }
    if (r->kind == ITEM_IMAGE && r->link >= 0 && r->tag && r->tag->parent) {
        *tag = r->tag->parent;
        return r->link;
    }
    return -1;
}

/* Link areas cover the ink of consecutive runs (and images) with the same
 * link, from the line's ascent to its descent, an image's height too. */
static void add_link_areas(line_setter *ls, double ascent, double descent)
{
    para_line *l = ls->line;
    para_ctx *c = ls->b->c;
    int n = l->count;
    for (int i = 0; i < n; i++) {
        tag_node *tag = NULL, *t;
        int link = item_link(&c->scratch_items[i], &tag);
        if (link < 0)
            continue;
        double x0 = c->scratch_items[i].x, x1 = x0, top = -ascent, bottom = descent;
        int j = i;
        for (; j < n && item_link(&c->scratch_items[j], &t) == link; j++) {
            const page_item *r = &c->scratch_items[j];
            if (r->kind == ITEM_IMAGE) {
                x1 = r->x + r->w;
                top = fmin(top, r->y);
                bottom = fmax(bottom, r->y + r->h);
            } else
                x1 = c->scratch_ink[j];
        }
        page_item *a = line_add_item(ls, ITEM_LINK);
        a->x = x0;
        a->y = top;
        a->w = x1 - x0;
        a->h = bottom - top;
        a->link = link;
        a->tag = tag;
        i = j - 1;
    }
}

static void align_line(para_line *l, double measure, int align, double width)
{
    double shift = align == ALIGN_RIGHT ? measure - width
                   : align == ALIGN_CENTER ? (measure - width) / 2 : 0;
    if (shift <= 0)
        return;
    for (int i = 0; i < l->count; i++)
        l->items[i].x += shift;
}

/* What font expansion can add to a line: the widths of its glyphs (words
 * and a line-end hyphen) and the stretch and shrink its boxes gave the
 * breaker. */
typedef struct line_boxes {
    double width, stretch, shrink;
} line_boxes;

static line_boxes line_box_totals(const para_build *b, const lb_line *ln)
{
    line_boxes t = { 0, 0, 0 };
    const item_list *il = &b->il;
    for (size_t i = ln->content_start; i < ln->end; i++) {
        if (il->items[i].kind != LB_BOX || il->pl[i].seg < 0 || b->segs[il->pl[i].seg].image)
            continue; /* an image is never scaled */
        t.width += il->items[i].width;
        t.stretch += il->items[i].stretch;
        t.shrink += il->items[i].shrink;
    }
    if (is_hyphen_break(&il->items[ln->end]))
        t.width += il->items[ln->end].width;
    return t;
}

/* The ratio a line's glue takes once its glyphs are scaled by e. */
static double glue_ratio_after(const lb_line *ln, const line_boxes *t, double e)
{
    double rest = ln->width - ln->natural - (e - 1) * t->width;
    double stretch = ln->stretch - t->stretch, shrink = ln->shrink - t->shrink;
    if (rest >= 0)
        return stretch > 0 ? rest / stretch : 0;
    if (shrink > 0)
        return rest / shrink;
    return rest > -1e-6 ? 0 : -LB_INFINITY;
}

/* The line's expansion factor, and in *glue the line with the ratio its
 * glue keeps once the glyphs are scaled, so it still fills the measure.
 * The factor is the breaker's share of the line's stretch or shrink, put
 * on a whole number of steps (a few scaled instances, as pdfTeX has) and
 * the glue takes the rest; where that rest is more shrink than the glue
 * has, one step narrower. Of the two steps around the share, the one
 * that leaves the spaces nearer their natural width: rounding to the
 * nearest step would put up to half a step of every glyph's width into
 * the spaces (the loosest lines of the report got 0.03 em wider gaps). A
 * line set at its natural width (a short last line) is set unscaled. */
static double line_expansion(const para_build *b, const lb_line *ln, lb_line *glue)
{
    *glue = *ln;
    double r = ln->ratio;
    if ((b->font_stretch <= 0 && b->font_shrink <= 0) || fabs(r) >= LB_INFINITY || r == 0)
        return 1;
    line_boxes t = line_box_totals(b, ln);
    double least = 1 - b->font_shrink, most = 1 + b->font_stretch;
    double used = r > 1 ? 1 : r < -1 ? -1 : r;
    double e = 1 + used * (r > 0 ? b->font_stretch : b->font_shrink);
    double step = b->c->st->typo.font_expansion_step;
    if (step > 0) {
        double lo = 1 + floor((e - 1) / step + 1e-9) * step, hi = lo + step;
        double rest = ln->width - ln->natural;
        e = fabs(rest - (lo - 1) * t.width) <= fabs(rest - (hi - 1) * t.width) ? lo : hi;
    }
    e = e < least ? least : e > most ? most : e;
    while (step > 0 && glue_ratio_after(ln, &t, e) < -1 && e - step >= least - 1e-9)
        e -= step;
    glue->ratio = glue_ratio_after(ln, &t, e);
    return e;
}

/* continued: the line starts with the rest of a word broken at the end
 * of the line before (hyphenated, or an address). A broken word is marked
 * for text extraction (ISO 32000-1 §14.8.2.2.3, ActualText): its first
 * part stands for the whole word, the rest (and the hyphen) for nothing,
 * so copying it out of the PDF and reading the structure tree give the
 * word, not "Ken- nis" or an address in pieces. */
static void set_line(para_build *b, const lb_line *ln, bool continued, para_line *out,
                     double ascent, double descent)
{
    lb_line glue_line;
    line_setter ls = { .b = b, .line = out, .run = -1, .run_seg = -1,
                       .expand = line_expansion(b, ln, &glue_line) };
    b->c->scratch_glyph_count = 0;
    const item_list *il = &b->il;
    const lb_item *brk = &il->items[ln->end];
    size_t word = breaks_inside_word(il, ln->end) ? broken_word_start(il, ln) : SIZE_MAX;
    if (continued && word == ln->content_start)
        word = SIZE_MAX; /* a middle part: the first part has the word */
    if (continued)
        ls.actual = "", ls.force_run = true;
    const lb_item *first = &il->items[ln->content_start];
    if (first->kind == LB_BOX)
        ls.pen = -first->protrude; /* an opening quote hangs into the margin */
    for (size_t i = ln->content_start; i < ln->end; i++) {
        const lb_item *it = &il->items[i];
        if (is_space_glue(il, i) && ls.actual && i < word) {
            ls.actual = NULL; /* the end of the continued word */
            ls.force_run = true;
        }
        if (i == word) {
            ls.actual = broken_word(b, word);
            ls.force_run = true;
        }
        if (it->kind == LB_BOX && il->pl[i].seg < 0)
            ls.pen += it->width; /* the first-line indent */
        else if (it->kind == LB_BOX && b->segs[il->pl[i].seg].image)
            set_image(&ls, &b->segs[il->pl[i].seg]);
        else if (it->kind == LB_BOX)
            set_box(&ls, box_as_set(b, ln, i));
        else if (is_space_glue(il, i) && ls.started) {
            ls.pending += glue_width(it, &glue_line);
            if (il->pl[i].text)
                ls.pending_text = il->pl[i].text; /* a narrow no-break space */
        }
    }
    if (is_hyphen_break(brk)) {
        ls.pending = 0;
        set_hyphen(&ls, il->pl[ln->end].seg);
    } else if (breaks_between_words(il, ln->end))
        set_word_separator(&ls);
    out->hyphenated = ln->hyphenated;
    out->width = ls.ink_end;
    add_link_areas(&ls, ascent, descent);
    line_commit(b->c, out);
    if (b->cls->align == ALIGN_RIGHT || b->cls->align == ALIGN_CENTER)
        align_line(out, b->measure, b->cls->align, ls.ink_end);
}

static int longest_hyphen_run(const lb_result *r)
{
    int run = 0, longest = 0;
    for (size_t i = 0; i < r->count; i++) {
        run = r->lines[i].hyphenated ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return longest;
}

static bool break_lines(para_build *b, lb_result *res)
{
    const style_typography *t = &b->c->st->typo;
    lb_params p;
    lb_params_default(&p, &b->measure, 1);
    p.pretolerance = t->pretolerance;
    p.tolerance = t->tolerance;
    p.line_penalty = t->line_penalty;
    p.adjacent_demerits = t->adjacent_demerits;
    p.double_hyphen_demerits = t->double_hyphen_demerits;
    p.final_hyphen_demerits = t->final_hyphen_demerits;
    p.emergency_stretch = t->emergency_stretch_em * b->cls->size;
    p.max_hyphen_run = b->any_hyphen_run ? -1 : t->max_hyphen_run;
    if (b->ragged)
        p.pretolerance = -1;
    if (lb_break_kept(&b->c->breaker, b->il.items, b->il.count, &p, res) != 0) {
        diag_add(b->c->diags, DIAG_ENVIRONMENT, b->loc,
                 "cannot break this paragraph into lines (invalid measurements)");
        return false;
    }
    return true;
}

enum { LINE_QUOTE_BYTES = 60 };

/* The start of a line's text for a diagnostic (what the editor searches
 * for): its words, spaces for glue, cut at a character boundary with an
 * ellipsis when longer than LINE_QUOTE_BYTES. */
static const char *line_quote(const para_build *b, const lb_line *ln)
{
    char *out = arena_alloc(b->c->tmp, LINE_QUOTE_BYTES + 8), *o = out;
    bool cut = false;
    for (size_t i = ln->content_start; i < ln->end && !cut; i++) {
        const lb_item *it = &b->il.items[i];
        const char *text = it->kind == LB_BOX ? b->il.pl[i].text : " ";
        /* one space for the glue between words, however many items */
        size_t len = it->kind == LB_BOX ? b->il.pl[i].len
                                        : (is_space_glue(&b->il, i) && o > out && o[-1] != ' ');
        for (size_t k = 0, step; k < len; k += step) {
            utf8_decode(text + k, len - k, &step);
            if ((size_t)(o - out) + step > LINE_QUOTE_BYTES) {
                cut = true;
                break;
            }
            memcpy(o, text + k, step);
            o += step;
        }
    }
    while (o > out && o[-1] == ' ')
        o--;
    if (cut)
        o += sprintf(o, "\u2026");
    *o = '\0';
    return out;
}

/* TeX's underfull and overfull boxes: a justified line set looser than the
 * style's underfull-badness (TeX's hbadness; the emergency pass may go past
 * the tolerance) or any line wider than its column is named with its text,
 * and counted for -v. A ragged line is short by design; a line without
 * spaces (a word broken between letters, reported already) has no gaps. */
static void report_bad_lines(para_build *b, const lb_result *res)
{
    double limit = b->c->st->typo.underfull_badness;
    for (size_t i = 0; i < res->count; i++) {
        const lb_line *ln = &res->lines[i];
        if (ln->overfull) {
            b->c->stats.overfull_lines++;
            diag_add(b->c->diags, DIAG_WARNING, b->loc,
                     "overfull line, %.1f pt wider than its column (%.1f pt) even when "
                     "broken between letters: '%s'",
                     ln->natural - ln->shrink - ln->width, ln->width, line_quote(b, ln));
        } else if (!b->ragged && ln->stretch > 0 && ln->badness > limit) {
            b->c->stats.underfull_lines++;
            diag_add(b->c->diags, DIAG_WARNING, b->loc,
                     "underfull line (badness %.0f, the style reports above %.0f): '%s'",
                     ln->badness, limit, line_quote(b, ln));
        }
    }
}

/* The breaker keeps the limit; only an overfull last-resort line may break
 * it, and then the editor hears of it. */
static void warn_hyphen_run(para_build *b, const lb_result *res)
{
    int longest = longest_hyphen_run(res), allowed = b->c->st->typo.max_hyphen_run;
    if (longest > allowed)
        diag_add(b->c->diags, DIAG_WARNING, b->loc,
                 "%d hyphenated lines in a row (the style allows %d): the paragraph "
                 "cannot be set otherwise", longest, allowed);
}

static bool any_overfull(const lb_result *r)
{
    for (size_t i = 0; i < r->count; i++)
        if (r->lines[i].overfull)
            return true;
    return false;
}

/* The broken lines set (after their warnings) into out's lines. */
static void set_lines(para_build *b, const lb_result *res, para_result *out, double descent)
{
    para_ctx *c = b->c;
    warn_hyphen_run(b, res);
    report_bad_lines(b, res);
    out->lines = arena_alloc_array(c->tmp, res->count, sizeof *out->lines);
    out->count = (int)res->count;
    for (size_t i = 0; i < res->count; i++) {
        bool continued = i > 0 && breaks_inside_word(&b->il, res->lines[i - 1].end);
        set_line(b, &res->lines[i], continued, &out->lines[i], out->ascent, descent);
        c->stats.hyphenated_lines += out->lines[i].hyphenated;
    }
    c->stats.lines += (long)res->count;
}

/* The context's item arrays, for one paragraph: allocated anew for each,
 * their malloc and free were ~2 % of x100's CPU (each large request made
 * malloc consolidate the small chunks freed since). */
static item_list items_lend(para_ctx *c)
{
    return (item_list){ c->scratch_lb_items, c->scratch_payloads, 0, c->scratch_lb_cap };
}

static void items_return(para_ctx *c, const item_list *il)
{
    c->scratch_lb_items = il->items;
    c->scratch_payloads = il->pl;
    c->scratch_lb_cap = il->cap;
}

para_result para_typeset(para_ctx *c, const inline_run *runs,
                         const style_class *cls, tag_node *tag, double measure,
                         const char *lang, src_loc loc)
{
    para_result out = { .leading = cls->leading };
    para_build b = { .c = c, .cls = cls, .measure = measure > 1 ? measure : 1, .loc = loc,
                     .ragged = cls->align != ALIGN_JUSTIFY,
                     .letter_spacing = cls->letter_spacing, .il = items_lend(c) };
    if (!b.ragged) {
        b.font_stretch = c->st->typo.font_stretch;
        b.font_shrink = c->st->typo.font_shrink;
        b.protrude_left = &c->st->typo.protrude_left_set;
        b.protrude_right = &c->st->typo.protrude_right_set;
    }
    double t0 = clock_ms();
    b.lang = lang ? lang : c->doc_lang;
    b.hyph = cls->hyphenate ? para_hyph_for(c, b.lang, loc) : NULL;
    build_segments(&b, runs, tag);
    if (b.seg_count == 0) {
        c->stats.shape_ms += clock_ms() - t0;
        return out;
    }
    font_face *main_face = b.segs[b.seg_count > 1 && cls->prefix ? 1 : 0].face;
    out.ascent = font_ascender(main_face) * cls->size;
    double descent = font_descender(main_face) * cls->size;
    out.descent = descent;
    build_items(&b, cls->first_indent);
    double t1 = clock_ms();
    lb_result res = { 0 };
    bool ok = break_lines(&b, &res);
    c->stats.shape_ms += t1 - t0;
    c->stats.break_ms += clock_ms() - t1;
    /* What does not fit otherwise may first hyphenate more lines in a row
     * than the style allows (narrow cells: "Gege-|vens-|bescher-|…"), and
     * only then break between letters. Both are reported. */
    if (ok && any_overfull(&res)) {
        lb_result_free(&res);
        b.any_hyphen_run = true;
        ok = break_lines(&b, &res);
    }
    if (ok && any_overfull(&res)) {
        lb_result_free(&res);
        b.char_breaks = true;
        build_items(&b, cls->first_indent);
        ok = break_lines(&b, &res);
        if (ok && !any_overfull(&res))
            diag_add(c->diags, DIAG_WARNING, loc,
                     "a word is broken between letters to fit its column (%.1f pt)",
                     measure);
    }
    if (ok)
        set_lines(&b, &res, &out, descent);
    c->stats.paragraphs++;
    lb_result_free(&res);
    items_return(c, &b.il);
    return out;
}

const style_class *para_cell_class(arena *a, const style_class *base, int align)
{
    style_class *cls = arena_alloc(a, sizeof *cls);
    *cls = *base;
    if (align == CELL_RIGHT || align == CELL_CHAR)
        cls->align = ALIGN_RIGHT;
    else if (align == CELL_CENTER)
        cls->align = ALIGN_CENTER;
    else if (cls->align == ALIGN_JUSTIFY)
        cls->align = ALIGN_LEFT;
    return cls;
}

double para_text_width(para_ctx *c, const char *text, const style_class *cls)
{
    font_face *f = para_face(c, cls, 0);
    if (!f)
        return 0;
    size_t len = strlen(text);
    if (cls->uppercase)
        text = text_upper(c->tmp, text, len, &len);
    shaped_text sh = font_shape(f, text, len);
    return sh.width * cls->size / font_units_per_em(f) + cls->letter_spacing * sh.count;
}
