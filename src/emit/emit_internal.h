/* emit_internal — what emit's files share.
 *
 * Owns nothing: the emitter (the state of one emit_pdf), the byte buffer
 * content streams and text strings are written into, and the functions the
 * files call across: emit.c (pages, drawing, links, the document),
 * emit_tags.c (the structure tree), emit_images.c (image XObjects and the
 * print conversion) and emit_fonts.c (subsets and font objects). Nothing outside
 * emit includes it.
 */
#ifndef KCVS_EMIT_INTERNAL_H
#define KCVS_EMIT_INTERNAL_H

#include "emit.h"

#include <hb-subset.h>
#include <hb.h>
#include <hpdf_encrypt.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "colour.h"
#include "image.h"
#include "infile.h"
#include "jpeg.h"
#include "mem.h"
#include "zpool.h"
#include "output.h"
#include "pdfa.h"
#include "pdfobj.h"
#include "pdftree.h"
#include "ptrindex.h"
#include "utf8.h"

/* ---- a growable byte buffer for content streams ------------------------ */

typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;

static inline void sb_reserve(sbuf *b, size_t more)
{
    if (b->len + more <= b->cap)
        return;
    b->data = mem_reserve(b->data, &b->cap, b->len + more, 1, 4096);
}

static inline void sb_put(sbuf *b, const char *s, size_t n)
{
    sb_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static inline void sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

/* Numbers with up to 3 decimals, no exponent, no trailing zeros: the same
 * text for the same value on every machine. */
static inline void sb_num(sbuf *b, double v)
{
    /* Layout never hands over a non-finite or off-page number (it checks
       its pages); this only keeps the conversion defined whatever comes. */
    if (!(fabs(v) < 1e15))
        v = 0;
    long long scaled = llround(v * 1000.0);
    bool neg = scaled < 0;
    unsigned long long u = neg ? 0ull - (unsigned long long)scaled : (unsigned long long)scaled;
    unsigned long long ip = u / 1000, fp = u % 1000;
    /* Written in place: 16 digits, a sign, a point, 3 decimals, a space
       fit in 32 (a copy through memcpy was a third of its time). */
    sb_reserve(b, 32);
    char *tmp = b->data + b->len;
    int n = 0;
    if (neg && u)
        tmp[n++] = '-';
    /* Digits by hand: snprintf was a tenth of the emit stage's time. The
       loop is amount.c's write_grouped's (duplicates pairs them); emit
       stays free of the document's number formats, and three lines are
       not worth a shared header. */
    char digits[24];
    int d = 0;
    do {
        digits[d++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (d)
        tmp[n++] = digits[--d];
    if (fp) {
        tmp[n++] = '.';
        tmp[n++] = (char)('0' + fp / 100);
        if (fp % 100) {
            tmp[n++] = (char)('0' + fp / 10 % 10);
            if (fp % 10)
                tmp[n++] = (char)('0' + fp % 10);
        }
    }
    tmp[n++] = ' ';
    b->len += (size_t)n;
}

/* A count or object number (below 2^53, exact as a double), without
 * sb_num's separating space: snprintf was 5 % of x100's save. */
static inline void sb_int(sbuf *b, unsigned long v)
{
    sb_num(b, (double)v);
    b->len--;
}

static inline void sb_hex4(sbuf *b, unsigned v)
{
    static const char hex[] = "0123456789ABCDEF";
    sb_reserve(b, 4);
    char *t = b->data + b->len;
    t[0] = hex[(v >> 12) & 15];
    t[1] = hex[(v >> 8) & 15];
    t[2] = hex[(v >> 4) & 15];
    t[3] = hex[v & 15];
    b->len += 4;
}

/* ---- the emitter ---------------------------------------------------------- */

typedef struct emit_font {
    font_face *face;
    uint32_t *new_gid;   /* old gid -> new gid, UINT32_MAX when not kept;
                            written by the subset's worker (emit_fonts_wait) */
    double *width;       /* old gid -> width in 1/1000 em, as in /W */
    char name[16];
    /* Made (numbered) when the subset is asked for, filled when it is
     * taken: the objects' numbers do not depend on when that is. */
    HPDF_Dict file, descriptor, cid, type0, to_unicode;
} emit_font;

typedef struct emit_image {
    const char *path;
    HPDF_Image image;
    char name[12];
    int orientation;    /* image_info's: how the pixels are drawn turned */
} emit_image;

typedef enum { KID_ELEM, KID_MCR, KID_OBJR } kid_type;

typedef struct struct_kid {
    kid_type type;
    tag_node *elem;
    int page;
    int mcid;
    HPDF_Dict annot;
} struct_kid;

typedef struct elem_info {
    tag_node *node;
    struct_kid *kids;
    int count;
    size_t cap;
    int page;            /* first page with content, -1 none */
    HPDF_Dict dict;
    int overflow;        /* 1 + index of the group taking further kids, 0 none */
    int parent;          /* index of the element holding it (a group when one
                            does), -1 for the document element */
} elem_info;

typedef struct parent_entry {
    int key;             /* StructParent(s) number */
    tag_node **elems;    /* by MCID for a page; one element for an annotation */
    int count;
    size_t cap;
} parent_entry;

/* A link annotation, written by itself as the file is saved. */
typedef struct emit_annot {
    float rect[4];
    int link;            /* index into the layout's links */
    int struct_parent;   /* its StructParent key, -1 none */
} emit_annot;

/* An outline entry, linked to its neighbours by index (-1: none). */
typedef struct emit_outline_item {
    int entry;           /* index into the layout's outline */
    int parent, first, last, next, prev;
    int children;
} emit_outline_item;

typedef struct emit_failure {
    HPDF_STATUS code, detail;
    const char *doing;
    int page;
} emit_failure;

typedef struct emitter {
    HPDF_Doc pdf;
    const layout_result *lay;
    const style *st;
    const emit_options *opt;
    diag_list *diags;
    emit_font *fonts;
    int font_count;
    HPDF_Dict font_res;
    struct font_job *font_jobs;       /* the subsets asked for, by font */
    struct font_latch *fonts_ready;   /* subsets still being made */
    HPDF_Dict plain_res;   /* the resources of pages without images */
    emit_image *images;
    int image_count;
    size_t image_cap;
    HPDF_Page *pages;
    elem_info *elems;
    int elem_count;
    size_t elem_cap;
    ptrindex tag_index;  /* tag node -> index in elems: emit numbers the
                            model's tags here, never in the model */
    parent_entry *parents;
    int parent_count;
    size_t parent_cap;
    unsigned long elem_first_number; /* object number of elems[0]'s dict,
                                        the others follow in order */
    unsigned long struct_root_number;
    sbuf scratch;        /* an element's keys as they are saved */
    emit_annot *annots;
    int annot_count;
    size_t annot_cap;
    ptrindex annot_index; /* annotation dictionary -> index in annots */
    emit_outline_item *outline;
    int outline_count;
    int outline_root_last;        /* the last top-level entry, -1 none */
    unsigned long outline_first;  /* object number of entry 0, the others
                                     follow in order */
    unsigned long outline_root;
    tag_node **groups;   /* grouping elements for overflowing /K arrays */
    int group_count;
    size_t group_cap;
    HPDF_MD5_CTX md5;        /* the document's digest (its /ID): images */
    HPDF_MD5_CTX content_md5; /* the pages' compressed content, in order */
    zpool *zpool; /* compresses each page's content once it is drawn */
    bool print;
    double margin;       /* print: room around the trimmed page for marks */
    HPDF_Dict cmyk_profile; /* ICC stream for CMYK images in the archive */
    colour_cmyk *cmyk;      /* print: RGB images to the intent's CMYK */
    const char *cmyk_error; /* why cmyk could not be made */
    const char *output_name; /* the output as the user named it */
    const char *doing;   /* what the emitter is doing, for error reports */
    int doing_page;
    emit_failure error;  /* libharu's first error */
} emitter;

/* UTF-16BE in hex; a text string (bom) starts with the byte order mark. */
static inline void hex_utf16(sbuf *b, const char *text, bool bom)
{
    uint16_t *units = mem_alloc(2 * strlen(text) + 1, sizeof *units);
    size_t n = utf8_to_utf16(text, units);
    sb_puts(b, bom ? "<FEFF" : "<");
    for (size_t i = 0; i < n; i++)
        sb_hex4(b, units[i]);
    sb_puts(b, ">");
    free(units);
}

/* A text string (ISO 32000-1 §7.9.2.2): printable ASCII as a literal,
 * anything else UTF-16BE with its byte order mark. */
static inline void sb_text(sbuf *b, const char *text)
{
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        ascii &= *p >= 0x20 && *p < 0x7F;
    if (!ascii) {
        hex_utf16(b, text, true);
        return;
    }
    sb_puts(b, "(");
    for (const char *p = text; *p; p++) {
        if (*p == '(' || *p == ')' || *p == '\\')
            sb_puts(b, "\\");
        sb_put(b, p, 1);
    }
    sb_puts(b, ")");
}

/* emit.c */
/* What the emitter is doing, for the first libharu error's report (page
 * 1-based, 0 when the work is not about one page); looks for an error the
 * previous step left first. */
void emit_doing(emitter *e, const char *what, int page_no);

/* emit_tags.c: the structure tree, numbered by emit (never in the model) */
void emit_elem_push_kid(elem_info *ei, struct_kid k);
/* The element (index) that takes t's next kid: t, or its overflow group. */
int emit_kid_holder(emitter *e, tag_node *t);
/* Records that StructParent(s) key (a page's MCIDs, or an annotation)
 * holds content of t. */
void emit_add_parent(emitter *e, int key, tag_node *t, int mcid);
/* The StructTreeRoot with every element, the ParentTree and the IDTree. */
void emit_structure(emitter *e);

/* emit_images.c */
/* The embedded XObject of image m, made on first use (NULL with a
 * diagnostic when it cannot be read or converted). */
emit_image *emit_image_of(emitter *e, const image_model *m);

/* emit_fonts.c */
/* Asks the pool for a subset of every used face and makes its objects
 * (Type0 over CIDFontType2), filled as emit_take_font takes each subset;
 * the pages drawn meanwhile wait for the subsets (emit_fonts_wait). */
void emit_fonts(emitter *e, font_set *fonts);
/* The pool's tag for font i's subset: below every page's index. */
#define EMIT_FONT_TAG(i) (-1 - (i))
/* Fills the objects of the font whose subset the pool gave back (r's tag
 * is EMIT_FONT_TAG); a diagnostic when it could not be made. */
void emit_take_font(emitter *e, const zpool_result *r);
/* Waits until every subset asked for is made: a page's glyph codes are
 * its renumbered glyphs. Runs on the pool's workers, whose jobs start in
 * the order given, so every subset has a worker before any page waits. */
void emit_fonts_wait(const emitter *e);
void emit_fonts_free(emitter *e);
/* The embedded font of face f (NULL when it was never used). */
emit_font *emit_font_of(const emitter *e, const font_face *f);

#endif
