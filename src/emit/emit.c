#include "emit_internal.h"


#include "zpool.h"

/* libharu's errors are sticky and later calls report follow-on errors
 * (an array overflow surfaces at saving as 0x1025): like cairo, keep the
 * first one, with what the emitter was doing when it happened. */
static void emit_error_handler(HPDF_STATUS error, HPDF_STATUS detail, void *user)
{
    emitter *e = user;
    if (e->error.code)
        return;
    e->error = (emit_failure){ error, detail, e->doing, e->doing_page };
}

/* libharu's object API (HPDF_Array_Add, HPDF_Dict_Add, …) only sets the
 * sticky error without calling the handler; the next public call then
 * overwrites it with 0x1025. So look for it between steps of the work. */
static void emit_check(emitter *e)
{
    HPDF_STATUS code = HPDF_GetError(e->pdf);
    if (code && !e->error.code)
        e->error = (emit_failure){ code, HPDF_GetErrorDetail(e->pdf), e->doing, e->doing_page };
}

/* What the emitter is doing, for the first libharu error's report; page is
 * 1-based, 0 when the work is not about one page. */
void emit_doing(emitter *e, const char *what, int page_no)
{
    emit_check(e);
    e->doing = what;
    e->doing_page = page_no;
}

static const char *libharu_cause(HPDF_STATUS code)
{
    switch (code) {
    case HPDF_ARRAY_COUNT_ERR: return "an array of more than 32767 elements";
    case HPDF_DICT_COUNT_ERR: return "a dictionary of more than 4095 keys";
    case HPDF_STRING_OUT_OF_RANGE: return "a string longer than 65535 bytes";
    case HPDF_XREF_COUNT_ERR: return "more than 8388607 objects";
    case HPDF_FAILD_TO_ALLOC_MEM: return "out of memory";
    case HPDF_FILE_IO_ERROR: return "a write failed";
    case HPDF_FILE_OPEN_ERROR: return "the file cannot be opened";
    default: return "an internal error";
    }
}

/* The first libharu error as one diagnostic naming the output the user
 * asked for (never the temporary file it is written to). */
static void report_failure(const emitter *e)
{
    char where[48] = "";
    if (e->error.page)
        snprintf(where, sizeof where, " of page %d", e->error.page);
    diag_add(e->diags, DIAG_ENVIRONMENT, (src_loc){ e->output_name, 0, 0 },
             "cannot write the PDF: libharu error 0x%04X (%s, detail %u) while %s%s",
             (unsigned)e->error.code, libharu_cause(e->error.code),
             (unsigned)e->error.detail, e->error.doing ? e->error.doing : "starting",
             where);
}

/* Text state carried between runs: one text object holds a page's
 * consecutive runs, and the font and colour are set only when they
 * change (smaller streams, less to compress). */
typedef struct page_state {
    int index;
    sbuf content;
    bool in_text;
    const void *font;
    double size;
    int fill;            /* colour index of the text fill, -2 unknown */
    double hscale;       /* Tz / 100 in force (0: unknown, PDF default 1) */
} page_state;

static void end_text(page_state *ps)
{
    if (ps->in_text)
        sb_puts(&ps->content, "ET\n");
    ps->in_text = false;
}

/* What the main thread settles for an item before its page is drawn (on
 * a compression worker, draw_page): whether it is drawn at all, the tag
 * and MCID of its marked content, an image's XObject name. */
typedef struct item_mark {
    bool drawn;
    const char *role;  /* NULL: an artifact */
    int mcid;
    const emit_font *font; /* ITEM_TEXT: the run's embedded font */
    const char *image;     /* ITEM_IMAGE: its XObject's name */
    int orientation;       /* ITEM_IMAGE: image_info's */
} item_mark;

/* The structure's side of an item's marked content: its element takes
 * the page's next MCID as a kid (artifacts take none). Main thread. */
static void mark_settle(emitter *e, int page_no, int *mcid, const page_item *it, item_mark *m)
{
    m->role = NULL;
    if (it->artifact || !it->tag)
        return;
    tag_node *t = it->tag;
    int holder = emit_kid_holder(e, t); /* may move e->elems */
    elem_info *ei = &e->elems[holder];
    if (ei->page < 0)
        ei->page = page_no;
    m->mcid = (*mcid)++;
    emit_elem_push_kid(ei, (struct_kid){ KID_MCR, NULL, page_no, m->mcid, NULL });
    emit_add_parent(e, page_no, ei->node, m->mcid);
    m->role = model_tag_role_name(t->role);
}

static void mark_begin(page_state *ps, const item_mark *m)
{
    if (!m->role) {
        sb_puts(&ps->content, "/Artifact BMC\n");
        return;
    }
    sb_puts(&ps->content, "/");
    sb_puts(&ps->content, m->role);
    sb_puts(&ps->content, " <</MCID ");
    sb_int(&ps->content, (unsigned long)m->mcid);
    sb_puts(&ps->content, ">> BDC\n");
}

static void mark_end(page_state *ps)
{
    sb_puts(&ps->content, "EMC\n");
}

/* ---- drawing -------------------------------------------------------------- */

static void set_colour(const emitter *e, sbuf *b, int index, bool stroke)
{
    const style_colour *c = style_colour_at(e->st, index);
    if (!c)
        return;
    if (e->print) {
        for (int i = 0; i < 4; i++)
            sb_num(b, c->cmyk[i]);
        sb_puts(b, stroke ? "K\n" : "k\n");
    } else {
        for (int i = 0; i < 3; i++)
            sb_num(b, c->rgb[i]);
        sb_puts(b, stroke ? "RG\n" : "rg\n");
    }
}

static double run_hscale(const glyph_run *r)
{
    return r->hscale > 0 ? r->hscale : 1;
}

/* Font expansion: the run's glyphs widened or narrowed by Tz (ISO 32000-1
 * §9.3.4), which leaves the text and its extraction as they are. */
static void set_hscale(page_state *ps, const glyph_run *r)
{
    double h = run_hscale(r);
    if (ps->hscale == h)
        return;
    sb_num(&ps->content, h * 100);
    sb_puts(&ps->content, "Tz\n");
    ps->hscale = h;
}

/* A byte of a glyph code in a literal string, escaped where it must be
 * (ISO 32000-1 §7.3.4.2): the delimiters, the escape, and the line ends a
 * reader would otherwise read as one LF. Literal rather than hex strings:
 * half the bytes to write and deflate (x100's page content 14.8 -> 11.2
 * MB, deflated 3.28 -> 3.14 MB in ~25 % less CPU). */
static void sb_code_byte(sbuf *b, unsigned v)
{
    if (v == '(' || v == ')' || v == '\\') {
        char esc[2] = { '\\', (char)v };
        sb_put(b, esc, 2);
    } else if (v == '\r') {
        sb_put(b, "\\r", 2);
    } else if (v == '\n') {
        sb_put(b, "\\n", 2);
    } else {
        char c = (char)v;
        sb_put(b, &c, 1);
    }
}

/* One TJ for glyphs [from, to) of a run, each moved to where shaping and
 * justification put it (the pen ends where the next glyph starts). */
static void show_glyphs(sbuf *b, const emit_font *ef, const glyph_run *r, int from, int to)
{
    /* Tz scales every move, so the advances are taken back to unscaled. */
    double hscale = run_hscale(r);
    if (from >= to)
        return;
    sb_puts(b, "[(");
    bool in_string = true;
    uint32_t glyphs = font_glyph_count(ef->face);
    for (int g = from; g < to; g++) {
        uint32_t gid = r->glyphs[g].gid;
        uint32_t cid = gid < glyphs ? ef->new_gid[gid] : 0;
        if (!in_string)
            sb_puts(b, "(");
        if (cid == UINT32_MAX)
            cid = 0;
        sb_code_byte(b, (cid >> 8) & 255);
        sb_code_byte(b, cid & 255);
        in_string = true;
        double nominal = gid < glyphs ? ef->width[gid] : 0;
        double adjust = nominal - r->glyphs[g].advance * 1000.0 / (r->size * hscale);
        if (fabs(adjust) >= 0.05 && g + 1 < r->count) {
            sb_puts(b, ")");
            sb_num(b, adjust);
            in_string = false;
        }
    }
    sb_puts(b, in_string ? ")] TJ\n" : "] TJ\n");
}

static void draw_text(const emitter *e, page_state *ps, const page_item *it,
                      const item_mark *m, double ph)
{
    const glyph_run *r = &it->run;
    const emit_font *ef = m->font;
    sbuf *b = &ps->content;
    if (!ps->in_text) {
        sb_puts(b, "BT\n");
        ps->in_text = true;
        ps->font = NULL;
    }
    mark_begin(ps, m);
    if (ps->font != ef || ps->size != r->size) {
        sb_puts(b, "/");
        sb_puts(b, ef->name);
        sb_puts(b, " ");
        sb_num(b, r->size);
        sb_puts(b, "Tf\n");
        ps->font = ef;
        ps->size = r->size;
    }
    if (ps->fill != r->colour) {
        set_colour(e, b, r->colour, false);
        ps->fill = r->colour;
    }
    set_hscale(ps, r);
    sb_puts(b, "1 0 0 1 ");
    sb_num(b, it->x);
    sb_num(b, ph - it->y);
    sb_puts(b, "Tm\n");
    /* A word hyphenated by line breaking: its parts are read as the whole
     * word and nothing (ISO 32000-1 §14.9.4, replacement text). */
    if (r->actual) {
        sb_puts(b, "/Span <</ActualText ");
        hex_utf16(b, r->actual, true);
        sb_puts(b, ">> BDC\n");
    }
    show_glyphs(b, ef, r, 0, r->count);
    if (r->actual)
        sb_puts(b, "EMC\n");
    mark_end(ps);
}

/* A quarter circle of radius r as a cubic Bézier: its control points lie
 * r times this from its ends (4/3 (sqrt 2 - 1), rounded). Geometry, not
 * style. */
#define EMIT_BEZIER_CIRCLE 0.5523

static void rounded_rect(sbuf *b, double x, double y, double w, double h, double r)
{
    if (r <= 0) {
        sb_num(b, x), sb_num(b, y), sb_num(b, w), sb_num(b, h);
        sb_puts(b, "re\n");
        return;
    }
    if (r > w / 2)
        r = w / 2;
    if (r > h / 2)
        r = h / 2;
    double k = r * EMIT_BEZIER_CIRCLE;
    sb_num(b, x + r), sb_num(b, y), sb_puts(b, "m\n");
    sb_num(b, x + w - r), sb_num(b, y), sb_puts(b, "l\n");
    sb_num(b, x + w - r + k), sb_num(b, y), sb_num(b, x + w), sb_num(b, y + r - k);
    sb_num(b, x + w), sb_num(b, y + r), sb_puts(b, "c\n");
    sb_num(b, x + w), sb_num(b, y + h - r), sb_puts(b, "l\n");
    sb_num(b, x + w), sb_num(b, y + h - r + k), sb_num(b, x + w - r + k), sb_num(b, y + h);
    sb_num(b, x + w - r), sb_num(b, y + h), sb_puts(b, "c\n");
    sb_num(b, x + r), sb_num(b, y + h), sb_puts(b, "l\n");
    sb_num(b, x + r - k), sb_num(b, y + h), sb_num(b, x), sb_num(b, y + h - r + k);
    sb_num(b, x), sb_num(b, y + h - r), sb_puts(b, "c\n");
    sb_num(b, x), sb_num(b, y + r), sb_puts(b, "l\n");
    sb_num(b, x), sb_num(b, y + r - k), sb_num(b, x + r - k), sb_num(b, y);
    sb_num(b, x + r), sb_num(b, y), sb_puts(b, "c\nh\n");
}

/* A rectangle this near the trim edge (in points) touches it: layout's
 * sums leave rounding dust, not a visible gap. */
#define EMIT_AT_EDGE 0.01

static void draw_rect(const emitter *e, page_state *ps, const page_item *it,
                      const item_mark *m, double ph)
{
    end_text(ps);
    sbuf *b = &ps->content;
    mark_begin(ps, m); /* decoration, or a part of a chart */
    sb_puts(b, "q\n");
    if (it->fill >= 0)
        set_colour(e, b, it->fill, false);
    if (it->stroke >= 0 && it->line_width > 0) {
        set_colour(e, b, it->stroke, true);
        sb_num(b, it->line_width);
        sb_puts(b, "w\n");
    }
    double x = it->x, y = it->y, w = it->w, h = it->h;
    if (e->print && it->radius <= 0) {
        /* What touches the trim edge runs on into the bleed. */
        double bleed = e->st->print.bleed, pw = e->lay->pages[ps->index].master->width;
        if (x <= EMIT_AT_EDGE)
            x -= bleed, w += bleed;
        if (x + w >= pw - EMIT_AT_EDGE)
            w += bleed;
        if (y <= EMIT_AT_EDGE)
            y -= bleed, h += bleed;
        if (y + h >= ph - EMIT_AT_EDGE)
            h += bleed;
    }
    rounded_rect(b, x, ph - y - h, w, h, it->radius);
    sb_puts(b, it->fill >= 0 ? (it->stroke >= 0 && it->line_width > 0 ? "B\n" : "f\n") : "S\n");
    sb_puts(b, "Q\nEMC\n");
}

static void draw_rule(const emitter *e, page_state *ps, const page_item *it, double ph)
{
    end_text(ps);
    sbuf *b = &ps->content;
    sb_puts(b, "/Artifact BMC\nq\n");
    set_colour(e, b, it->stroke, true);
    sb_num(b, it->line_width);
    sb_puts(b, "w\n");
    sb_num(b, it->x), sb_num(b, ph - it->y), sb_puts(b, "m\n");
    sb_num(b, it->x + it->w), sb_num(b, ph - it->y - it->h), sb_puts(b, "l\nS\nQ\nEMC\n");
}

/* Where the corners of an image as stored (bottom-left, bottom-right,
 * top-left of the unit square it is drawn in) go in its box, as (x, y)
 * in the box's unit square, for each EXIF orientation 1-8. */
typedef struct image_turn {
    signed char blx, bly, brx, bry, tlx, tly;
} image_turn;

static const image_turn image_turns[8] = {
    { 0, 0, 1, 0, 0, 1 }, /* 1 as stored */
    { 1, 0, 0, 0, 1, 1 }, /* 2 mirrored left to right */
    { 1, 1, 0, 1, 1, 0 }, /* 3 turned half round */
    { 0, 1, 1, 1, 0, 0 }, /* 4 mirrored top to bottom */
    { 1, 1, 1, 0, 0, 1 }, /* 5 mirrored about the top-left diagonal */
    { 0, 1, 0, 0, 1, 1 }, /* 6 turned a quarter clockwise */
    { 0, 0, 0, 1, 1, 0 }, /* 7 mirrored about the other diagonal */
    { 1, 0, 1, 1, 0, 0 }, /* 8 turned a quarter counter-clockwise */
};

/* The matrix that draws the image's unit square into its box (x, y: the
 * box's bottom-left corner), turned as its orientation says. */
static void image_matrix(sbuf *b, const page_item *it, int orientation, double x, double y)
{
    if (orientation < 2 || orientation > 8) {
        sb_num(b, it->w), sb_puts(b, "0 0 "), sb_num(b, it->h);
        sb_num(b, x), sb_num(b, y);
        return;
    }
    const image_turn *t = &image_turns[orientation - 1];
    sb_num(b, (t->brx - t->blx) * it->w), sb_num(b, (t->bry - t->bly) * it->h);
    sb_num(b, (t->tlx - t->blx) * it->w), sb_num(b, (t->tly - t->bly) * it->h);
    sb_num(b, x + t->blx * it->w), sb_num(b, y + t->bly * it->h);
}

static void draw_image(page_state *ps, const page_item *it, const item_mark *m, double ph)
{
    end_text(ps);
    sbuf *b = &ps->content;
    mark_begin(ps, m);
    sb_puts(b, "q\n");
    image_matrix(b, it, m->orientation, it->x, ph - it->y - it->h);
    sb_puts(b, "cm\n/");
    sb_puts(b, m->image);
    sb_puts(b, " Do\nQ\n");
    mark_end(ps);
}

/* ---- annotations ----------------------------------------------------------- */

/* libharu's limit on a string (HPDF_LIMIT_MAX_STRING_LEN), kept for the
 * text strings the write hooks write themselves: the error libharu gave
 * (a literal for ASCII, UTF-16 bytes otherwise), reported as its errors
 * are. */
static bool string_fits(emitter *e, const char *text)
{
    size_t bytes = 0;
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        ascii &= *p >= 0x20 && *p < 0x7F;
        bytes += (*p & 0xC0) != 0x80 ? 2 + 2 * (*p >= 0xF0) : 0;
    }
    bool fits = ascii ? strlen(text) <= HPDF_LIMIT_MAX_STRING_LEN
                      : bytes + 2 <= HPDF_LIMIT_MAX_STRING_LEN;
    if (!fits && !e->error.code)
        e->error = (emit_failure){ ascii ? HPDF_STRING_OUT_OF_RANGE : HPDF_BINARY_LENGTH_ERR, 0,
                                   e->doing, e->doing_page };
    return fits;
}

/* An explicit destination: the top of y (points from the page's top) on
 * page page_no (1-based; page 1 when out of range), at the style's offset. */
static void sb_dest(const emitter *e, sbuf *b, int page_no, double y)
{
    if (page_no < 1 || page_no > e->lay->page_count)
        page_no = 1;
    sb_puts(b, "[");
    sb_int(b, pdfobj_number(e->pages[page_no - 1]));
    sb_puts(b, " 0 R /XYZ 0 ");
    sb_num(b, e->margin + e->lay->pages[page_no - 1].master->height - y +
                  e->st->link_target_offset);
    sb_puts(b, "null]");
}

/* A link annotation's keys, written as the file is saved: a long report
 * has tens of thousands, and libharu would hold a dozen objects for each. */
static HPDF_STATUS write_link(HPDF_Dict d, HPDF_Stream out)
{
    emitter *e = pdfobj_user(d);
    const emit_annot *an = &e->annots[ptrindex_get(&e->annot_index, d)];
    const doc_link *l = &e->lay->links[an->link];
    sbuf *b = &e->scratch;
    b->len = 0;
    sb_puts(b, "/Type /Annot\n/Subtype /Link\n/Rect [");
    for (int i = 0; i < 4; i++)
        sb_num(b, an->rect[i]);
    sb_puts(b, "]\n/Border [0 0 0]\n/F 4\n");
    if (l->uri) {
        sb_puts(b, "/A <</S /URI /URI ");
        sb_text(b, l->uri); /* ASCII: the model made it so */
        sb_puts(b, ">>\n/Contents ");
        sb_text(b, l->uri);
    } else {
        page_dest to = e->lay->link_dests[an->link];
        sb_puts(b, "/Dest ");
        sb_dest(e, b, to.page, to.y);
        sb_puts(b, "\n/Contents ");
        /* PDF/UA: a link says where it goes, even to an untitled target. */
        const char *t = l->target_title;
        char where[64];
        snprintf(where, sizeof where, "%s %d", e->st->strings.page_ref, to.page);
        sb_text(b, t && *t ? t : where);
    }
    sb_puts(b, "\n");
    if (an->struct_parent >= 0) {
        sb_puts(b, "/StructParent ");
        sb_num(b, an->struct_parent);
        sb_puts(b, "\n");
    }
    return pdfobj_write(out, b->data, b->len);
}

static void emit_link(emitter *e, int page_no, HPDF_Page pg, const page_item *it, double ph)
{
    if (it->link < 0 || it->link >= e->lay->link_count)
        return;
    const doc_link *l = &e->lay->links[it->link];
    if (!l->uri && !l->target)
        return;
    if (!string_fits(e, l->uri ? l->uri : l->target_title ? l->target_title : ""))
        return;
    HPDF_Dict a = pdfobj_dict_writing(e->pdf, write_link, e);
    if (!a)
        return;
    e->annots = mem_reserve(e->annots, &e->annot_cap, (size_t)e->annot_count + 1,
                            sizeof *e->annots, 64);
    emit_annot *an = &e->annots[e->annot_count];
    *an = (emit_annot){ { (float)(e->margin + it->x), (float)(e->margin + ph - it->y - it->h),
                          (float)(e->margin + it->x + it->w), (float)(e->margin + ph - it->y) },
                        it->link, -1 };
    ptrindex_put(&e->annot_index, a, e->annot_count++);
    HPDF_Array annots = pdfobj_get_array(pg, "Annots");
    if (!annots) {
        annots = pdfobj_array(e->pdf, false);
        pdfobj_put(pg, "Annots", annots);
    }
    pdfobj_array_add(annots, a);
    if (it->tag) {
        int key = e->lay->page_count + e->parent_count;
        int holder = emit_kid_holder(e, it->tag); /* may move e->elems */
        elem_info *ei = &e->elems[holder];
        if (ei->page < 0)
            ei->page = page_no;
        emit_elem_push_kid(ei, (struct_kid){ KID_OBJR, NULL, page_no, 0, a });
        an->struct_parent = key;
        emit_add_parent(e, key, ei->node, 0);
    }
}

/* ---- pages ----------------------------------------------------------------- */

/* libdeflate's level 5: on x100's page content 3.28 MB in 138 ms of CPU,
 * where its level 6 takes 201 ms for 1 % less and zlib's default level
 * (libharu's, and ours before) ~420 ms for 3.39 MB (bench/NOTES.md). */
#define EMIT_DEFLATE_LEVEL 5

/* A page handed to the pool: drawn where it is compressed (draw_page),
 * from the page's items and what the main thread settled for them. */
typedef struct page_job {
    const emitter *e;
    int index;
    item_mark *marks;
} page_job;

/* The oldest job handed to the pool: a font's subset into its objects,
 * or a page, drawn and compressed, into its content stream, its items
 * gone (page_drawn) now that nothing reads them. False when none was
 * waiting. */
static bool take_content(emitter *e)
{
    zpool_result r;
    if (!zpool_take(e->zpool, &r))
        return false;
    if (r.tag < 0) { /* a font's subset (EMIT_FONT_TAG) */
        emit_take_font(e, &r);
        free(r.data);
        return true;
    }
    if (r.ok && r.len) {
        /* Digested compressed: a quarter of the bytes, the same for the
         * same content whatever the thread count. */
        HPDF_MD5Update(&e->content_md5, r.data, (HPDF_UINT)r.len);
        HPDF_PageAttr attr = (HPDF_PageAttr)e->pages[r.tag]->attr;
        pdfobj_stream_put_deflated(attr->contents, r.data, r.len);
    } else if (!r.ok) {
        diag_add(e->diags, DIAG_ENVIRONMENT, (src_loc){ e->output_name, 0, 0 },
                 "could not compress the content of page %d (out of memory)", r.tag + 1);
    }
    free(r.data);
    page_job *job = r.ctx;
    free(job->marks);
    free(job);
    if (e->opt->page_drawn)
        e->opt->page_drawn(e->opt->page_drawn_user, r.tag);
    return true;
}

static HPDF_Array box_array(emitter *e, double x0, double y0, double x1, double y1)
{
    HPDF_Array a = pdfobj_array(e->pdf, false);
    pdfobj_array_real(a, x0);
    pdfobj_array_real(a, y0);
    pdfobj_array_real(a, x1);
    pdfobj_array_real(a, y1);
    return a;
}

/* Trim marks at the four corners, outside the bleed, in registration
 * colour (all four inks), in the page's translated space. */
static void crop_marks(const emitter *e, sbuf *b, double pw, double ph)
{
    const style_print *pr = &e->st->print;
    double gap = pr->bleed + pr->crop_offset, len = pr->crop_length;
    sb_puts(b, "/Artifact BMC\nq\n1 1 1 1 K\n");
    sb_num(b, pr->crop_width);
    sb_puts(b, "w\n");
    double xs[2] = { 0, pw }, ys[2] = { 0, ph };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double x = xs[i], y = ys[j], dx = i ? 1 : -1, dy = j ? 1 : -1;
            sb_num(b, x + dx * gap), sb_num(b, y), sb_puts(b, "m\n");
            sb_num(b, x + dx * (gap + len)), sb_num(b, y), sb_puts(b, "l\nS\n");
            sb_num(b, x), sb_num(b, y + dy * gap), sb_puts(b, "m\n");
            sb_num(b, x), sb_num(b, y + dy * (gap + len)), sb_puts(b, "l\nS\n");
        }
    sb_puts(b, "Q\nEMC\n");
}

static void page_boxes(emitter *e, HPDF_Page pg, double pw, double ph)
{
    double m = e->margin, bleed = e->st->print.bleed;
    HPDF_Page_SetWidth(pg, (HPDF_REAL)(pw + 2 * m));
    HPDF_Page_SetHeight(pg, (HPDF_REAL)(ph + 2 * m));
    pdfobj_put(pg, "MediaBox", box_array(e, 0, 0, pw + 2 * m, ph + 2 * m));
    pdfobj_put(pg, "TrimBox", box_array(e, m, m, m + pw, m + ph));
    pdfobj_put(pg, "BleedBox", box_array(e, m - bleed, m - bleed, m + pw + bleed,
                                         m + ph + bleed));
}

/* A page's resources: the fonts, and the images it draws. Pages without
 * images share one dictionary (most pages: two objects less each). */
static HPDF_Dict page_resources(emitter *e, HPDF_Dict xobjects)
{
    if (!xobjects && e->plain_res)
        return e->plain_res;
    HPDF_Dict res = pdfobj_dict(e->pdf, !xobjects);
    pdfobj_put(res, "Font", e->font_res);
    if (xobjects)
        pdfobj_put(res, "XObject", xobjects);
    else
        e->plain_res = res;
    return res;
}

/* Whether an item shows at all, and what the main thread settles for it
 * before the structure: a text run's embedded font, an image's XObject
 * (made and named here: objects are numbered as they are made). */
static void settle_drawn(emitter *e, const page_item *it, item_mark *m, HPDF_Dict *xobjects)
{
    emit_image *ei;
    switch (it->kind) {
    case ITEM_TEXT:
        m->font = emit_font_of(e, it->run.face);
        m->drawn = m->font && m->font->type0 && it->run.count > 0;
        break;
    case ITEM_RECT: m->drawn = it->fill >= 0 || (it->stroke >= 0 && it->line_width > 0); break;
    case ITEM_RULE: m->drawn = it->stroke >= 0 && it->line_width > 0; break;
    case ITEM_IMAGE:
        ei = emit_image_of(e, it->image);
        m->drawn = ei != NULL;
        if (ei && !*xobjects)
            *xobjects = pdfobj_dict(e->pdf, false);
        if (ei)
            pdfobj_put(*xobjects, ei->name, ei->image);
        m->image = ei ? ei->name : NULL;
        m->orientation = ei ? ei->orientation : 1;
        break;
    case ITEM_LINK: m->drawn = false; break;
    }
}

/* The main thread's part of a page's items, in drawing order: what each
 * draws from, the structure they join. */
static item_mark *settle_items(emitter *e, int index, HPDF_Dict *xobjects)
{
    const page *p = &e->lay->pages[index];
    item_mark *marks = mem_alloc((size_t)p->count + 1, sizeof *marks);
    int mcid = 0;
    for (int i = 0; i < p->count; i++) {
        const page_item *it = &p->items[i];
        settle_drawn(e, it, &marks[i], xobjects);
        if (marks[i].drawn && it->kind != ITEM_RULE)
            mark_settle(e, index, &mcid, it, &marks[i]);
    }
    return marks;
}

/* A page's content stream, made on the compression worker that deflates
 * it: reads the page, the fonts, the style and the marks, writes nothing
 * else (zpool_make_fn). */
static void draw_page(void *ctx, unsigned char **data, size_t *len)
{
    const page_job *job = ctx;
    const emitter *e = job->e;
    const page *p = &e->lay->pages[job->index];
    double ph = p->master->height, pw = p->master->width;
    emit_fonts_wait(e);
    page_state ps = { job->index, { 0 }, false, NULL, 0, -2, 1 };
    if (e->print) {
        sb_puts(&ps.content, "q\n1 0 0 1 ");
        sb_num(&ps.content, e->margin);
        sb_num(&ps.content, e->margin);
        sb_puts(&ps.content, "cm\n");
    }
    for (int i = 0; i < p->count; i++) {
        const page_item *it = &p->items[i];
        const item_mark *m = &job->marks[i];
        if (!m->drawn)
            continue;
        switch (it->kind) {
        case ITEM_TEXT: draw_text(e, &ps, it, m, ph); break;
        case ITEM_RECT: draw_rect(e, &ps, it, m, ph); break;
        case ITEM_RULE: draw_rule(e, &ps, it, ph); break;
        case ITEM_IMAGE: draw_image(&ps, it, m, ph); break;
        case ITEM_LINK: break;
        }
    }
    end_text(&ps);
    if (e->print) {
        crop_marks(e, &ps.content, pw, ph);
        sb_puts(&ps.content, "Q\n");
    }
    *data = (unsigned char *)ps.content.data;
    *len = ps.content.len;
}

/* A page: its object's keys, its structure, images and links here; its
 * content drawn and deflated by the pool, so that a long document never
 * holds more than a few uncompressed pages. */
static void emit_page(emitter *e, int index)
{
    const page *p = &e->lay->pages[index];
    HPDF_Page pg = e->pages[index];
    double ph = p->master->height, pw = p->master->width;
    HPDF_Page_SetWidth(pg, (HPDF_REAL)pw);
    HPDF_Page_SetHeight(pg, (HPDF_REAL)ph);
    if (e->print)
        page_boxes(e, pg, pw, ph);
    HPDF_Dict xobjects = NULL;
    page_job *job = mem_alloc(1, sizeof *job);
    *job = (page_job){ e, index, settle_items(e, index, &xobjects) };
    for (int i = 0; i < p->count; i++)
        if (p->items[i].kind == ITEM_LINK)
            emit_link(e, index, pg, &p->items[i], ph);
    pdfobj_put(pg, "Resources", page_resources(e, xobjects));
    pdfobj_int(pg, "StructParents", index);
    pdfobj_name(pg, "Tabs", "S");
    while (zpool_full(e->zpool))
        take_content(e);
    zpool_submit_made(e->zpool, index, draw_page, job);
}

/* ---- outline ---------------------------------------------------------------- */

static void sb_key_ref(sbuf *b, const char *key, unsigned long number)
{
    sb_puts(b, "/");
    sb_puts(b, key);
    sb_puts(b, " ");
    sb_int(b, number);
    sb_puts(b, " 0 R\n");
}

static unsigned long outline_number(const emitter *e, int item)
{
    return e->outline_first + (unsigned long)item;
}

/* The outline's root: its first and last entries and how many show (the
 * top level: every entry is closed). */
static HPDF_STATUS write_outline_root(HPDF_Dict d, HPDF_Stream out)
{
    emitter *e = pdfobj_user(d);
    sbuf *b = &e->scratch;
    b->len = 0;
    int top = 0, first = -1, last = -1;
    for (int i = 0; i < e->outline_count; i++)
        if (e->outline[i].parent < 0) {
            top++;
            last = i;
            first = first < 0 ? i : first;
        }
    sb_puts(b, "/Type /Outlines\n");
    if (top) {
        sb_key_ref(b, "First", outline_number(e, first));
        sb_key_ref(b, "Last", outline_number(e, last));
        sb_puts(b, "/Count ");
        sb_num(b, top);
        sb_puts(b, "\n");
    }
    return pdfobj_write(out, b->data, b->len);
}

/* An outline entry (ISO 32000-1 Table 153), closed: /Count is minus its
 * children. Written as the file is saved: libharu would hold a dozen
 * objects for each of the tens of thousands a long report has. */
static HPDF_STATUS write_outline_item(HPDF_Dict d, HPDF_Stream out)
{
    emitter *e = pdfobj_user(d);
    const emit_outline_item *it = &e->outline[pdfobj_number(d) - e->outline_first];
    const outline_entry *o = &e->lay->outline[it->entry];
    sbuf *b = &e->scratch;
    b->len = 0;
    sb_puts(b, "/Title ");
    sb_text(b, o->title ? o->title : "");
    sb_puts(b, "\n");
    sb_key_ref(b, "Parent", it->parent >= 0 ? outline_number(e, it->parent)
                                            : e->outline_root);
    if (it->prev >= 0)
        sb_key_ref(b, "Prev", outline_number(e, it->prev));
    if (it->next >= 0)
        sb_key_ref(b, "Next", outline_number(e, it->next));
    if (it->first >= 0) {
        sb_key_ref(b, "First", outline_number(e, it->first));
        sb_key_ref(b, "Last", outline_number(e, it->last));
        sb_puts(b, "/Count ");
        sb_num(b, -it->children);
        sb_puts(b, "\n");
    }
    sb_puts(b, "/Dest ");
    sb_dest(e, b, o->page, o->y);
    sb_puts(b, "\n");
    return pdfobj_write(out, b->data, b->len);
}

/* The outline from the layout's entries: each under the nearest entry
 * before it of a lower level. */
static void emit_outline(emitter *e)
{
    int n = e->lay->outline_count;
    for (int i = 0; i < n; i++)
        if (!string_fits(e, e->lay->outline[i].title ? e->lay->outline[i].title : ""))
            return;
    if (n == 0)
        return;
    HPDF_Dict root = pdfobj_dict_writing(e->pdf, write_outline_root, e);
    if (!root)
        return;
    e->outline_root = pdfobj_number(root);
    pdfobj_put(e->pdf->catalog, "Outlines", root);
    e->outline = mem_alloc((size_t)n, sizeof *e->outline);
    /* Numbered in a row: an entry finds its record from its number. */
    for (int i = 0; i < n; i++) {
        HPDF_Dict d = pdfobj_dict_writing(e->pdf, write_outline_item, e);
        if (!d)
            return;
        if (i == 0)
            e->outline_first = pdfobj_number(d);
    }
    int stack[8];
    for (int l = 0; l < 8; l++)
        stack[l] = -1;
    e->outline_root_last = -1;
    for (int i = 0; i < n; i++) {
        const outline_entry *o = &e->lay->outline[i];
        int level = o->level < 1 ? 1 : o->level > 7 ? 7 : o->level;
        int parent = -1;
        for (int l = level - 1; l >= 1 && parent < 0; l--)
            parent = stack[l];
        emit_outline_item *it = &e->outline[i];
        *it = (emit_outline_item){ i, parent, -1, -1, -1, -1, 0 };
        int prev = parent >= 0 ? e->outline[parent].last : e->outline_root_last;
        if (prev >= 0) {
            e->outline[prev].next = i;
            it->prev = prev;
        }
        if (parent >= 0) {
            emit_outline_item *p = &e->outline[parent];
            p->first = p->first < 0 ? i : p->first;
            p->last = i;
            p->children++;
        } else
            e->outline_root_last = i;
        stack[level] = i;
        for (int l = level + 1; l < 8; l++)
            stack[l] = -1;
    }
    e->outline_count = n;
}

/* A run of frees, one per owned field: alike in shape to import_odt_free's
 * (duplicates pairs them), different data. */
static void emitter_free(emitter *e)
{
    emit_fonts_free(e);
    free(e->images);
    colour_cmyk_drop(e->cmyk);
    free(e->pages);
    for (int i = 0; i < e->elem_count; i++)
        free(e->elems[i].kids);
    free(e->elems);
    ptrindex_free(&e->tag_index);
    for (int i = 0; i < e->parent_count; i++)
        free(e->parents[i].elems);
    free(e->parents);
    for (int i = 0; i < e->group_count; i++)
        free(e->groups[i]);
    free(e->groups);
    free(e->scratch.data);
    free(e->annots);
    free(e->outline);
    ptrindex_free(&e->annot_index);
    zpool_free(e->zpool);
}

/* libharu's document, set up as every profile wants it; false with a
 * diagnostic when libharu cannot start. */
static bool emitter_start(emitter *e)
{
    e->pdf = HPDF_New(emit_error_handler, e);
    if (!e->pdf) {
        diag_add(e->diags, DIAG_ENVIRONMENT, (src_loc){ e->output_name, 0, 0 },
                 "libharu failed to start");
        return false;
    }
    HPDF_SetCompressionMode(e->pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(e->pdf);
    /* The page tree in nodes of 256 pages: libharu's one flat /Kids array
     * would stop at 32,767 pages. */
    HPDF_SetPagesConfiguration(e->pdf, 256);
    HPDF_MD5Init(&e->md5);
    HPDF_MD5Init(&e->content_md5);
    e->zpool = zpool_new(e->opt->threads > 0 ? e->opt->threads : 1, EMIT_DEFLATE_LEVEL);
    return true;
}

/* Writes the file (timed for -v); false when it could not be written. */
static bool save_file(emitter *e, const char *path)
{
    bool ok = true;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    emit_doing(e, "saving the file", 0);
    /* libharu's own file writer misses a failed final flush; a failure
     * while saving is reported by output_save_pdf itself. */
    if (!e->error.code && !output_save_pdf(e->pdf, path, e->output_name, e->diags)) {
        e->error = (emit_failure){ 0 };
        ok = false;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (e->opt->write_ms)
        *e->opt->write_ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    return ok;
}

static void free_pdf(void *pdf)
{
    HPDF_Free(pdf);
}

bool emit_pdf(const layout_result *layout, const style *st,
              font_set *fonts, const emit_options *opt, const char *path,
              diag_list *diags)
{
    emitter e = { .lay = layout, .st = st, .opt = opt, .diags = diags,
                  .print = opt->profile == PROFILE_PRINT,
                  /* diagnostics name the target, never the temporary file */
                  .output_name = opt->output_name ? opt->output_name : path };
    if (e.print)
        e.margin = st->print.bleed + st->print.crop_offset + st->print.crop_length +
                   st->print.mark_margin;
    if (!emitter_start(&e))
        return false;
    emit_doing(&e, "embedding the fonts", 0);
    emit_fonts(&e, fonts);
    bool ok = true;
    e.pages = mem_alloc((size_t)layout->page_count + 1, sizeof *e.pages);
    for (int i = 0; ok && i < layout->page_count; i++) {
        emit_doing(&e, "drawing the content", i + 1);
        /* Each page object made as the page is drawn, while the drawn
         * pages' items go: what refers to a later page (links, the
         * structure tree, the outline) is written when the file is saved. */
        e.pages[i] = HPDF_AddPage(e.pdf);
        if (!e.pages[i]) {
            ok = false;
            break;
        }
        emit_page(&e, i);
    }
    while (take_content(&e))
        continue;
    if (ok) {
        emit_doing(&e, "writing the outline", 0);
        emit_outline(&e);
        emit_doing(&e, "writing the structure tree", 0);
        emit_structure(&e);
        emit_doing(&e, "writing the metadata", 0);
        HPDF_BYTE digest[16];
        HPDF_MD5Final(digest, &e.content_md5);
        HPDF_MD5Update(&e.md5, digest, sizeof digest);
        HPDF_MD5Final(digest, &e.md5);
        ok = pdfa_finish(e.pdf, &layout->info, opt, digest, diags);
    }
    if (ok && !diag_has_errors(diags))
        ok = save_file(&e, path);
    if (e.error.code) {
        report_failure(&e);
        ok = false;
    }
    emitter_free(&e);
    mem_drop(e.pdf, free_pdf);
    return ok && !diag_has_errors(diags);
}
