#include "emit_internal.h"

#include <pthread.h>

#include "zpool.h"

/* ---- fonts ------------------------------------------------------------------ */

static void subset_tag(const emit_font *ef, unsigned glyphs, char tag[7])
{
    uint32_t h = 2166136261u;
    for (unsigned g = 0; g < glyphs; g++)
        if (ef->new_gid[g] != UINT32_MAX)
            h = (h ^ g) * 16777619u;
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = '\0';
}

/* The subsets still being made, counted down as each is: the pages
 * drawn meanwhile (on the same workers) wait for none to be left. */
typedef struct font_latch {
    pthread_mutex_t mu;
    pthread_cond_t none_left;
    int left;
} font_latch;

/* A font's subset, made on a compression worker (font_subset, a
 * zpool_make_fn) from the face and the glyphs the layout marked, which
 * nothing changes any more: the glyphs kept, renumbered, and their widths
 * (into ef, for the pages to draw with), and the font file, deflated
 * there too. */
typedef struct font_job {
    font_face *face;
    emit_font *ef;
    font_latch *latch;
    size_t file_len;   /* the font file's bytes before deflating */
} font_job;

static hb_subset_plan_t *subset_plan(font_face *f)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return NULL;
    hb_set_t *glyphs = hb_subset_input_glyph_set(in);
    hb_set_add(glyphs, 0);
    unsigned n = font_glyph_count(f);
    for (unsigned g = 0; g < n; g++)
        if (font_used_text(f, g))
            hb_set_add(glyphs, g);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    static const char *const dropped[] = { "GSUB", "GPOS", "GDEF", "kern", "DSIG",
                                           "BASE", "JSTF", "MATH", "vhea", "vmtx" };
    for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++)
        hb_set_add(drop, hb_tag_from_string(dropped[i], 4));
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(font_hb_face(f), in);
    hb_subset_input_destroy(in);
    return plan;
}

/* The glyphs the subset keeps, renumbered (every glyph UINT32_MAX, not
 * kept, without a plan: the pages are then drawn with code 0 and never
 * saved, for the font is reported), and every glyph's width. */
static void glyph_map(font_job *job, hb_subset_plan_t *plan)
{
    font_face *f = job->face;
    emit_font *ef = job->ef;
    const hb_map_t *map = plan ? hb_subset_plan_old_to_new_glyph_mapping(plan) : NULL;
    unsigned n = font_glyph_count(f);
    ef->new_gid = mem_alloc(n + 1, sizeof *ef->new_gid);
    ef->width = mem_alloc(n + 1, sizeof *ef->width);
    int upem = font_units_per_em(f);
    for (unsigned g = 0; g < n; g++) {
        ef->new_gid[g] = map ? hb_map_get(map, g) : HB_MAP_VALUE_INVALID;
        if (ef->new_gid[g] == HB_MAP_VALUE_INVALID)
            ef->new_gid[g] = UINT32_MAX;
        ef->width[g] = round(font_glyph_advance(f, g) * 1000.0 / upem * 100) / 100;
    }
}

static void latch_count_down(font_latch *l)
{
    pthread_mutex_lock(&l->mu);
    if (--l->left == 0)
        pthread_cond_broadcast(&l->none_left);
    pthread_mutex_unlock(&l->mu);
}

/* zpool_make_fn: nothing made (len 0) when HarfBuzz cannot subset. */
static void font_subset(void *ctx, unsigned char **data, size_t *len)
{
    font_job *job = ctx;
    *data = NULL;
    *len = 0;
    hb_subset_plan_t *plan = subset_plan(job->face);
    glyph_map(job, plan);
    latch_count_down(job->latch); /* the pages need no more than the map */
    if (!plan)
        return;
    hb_face_t *sub = hb_subset_plan_execute_or_fail(plan);
    hb_subset_plan_destroy(plan);
    hb_blob_t *blob = sub ? hb_face_reference_blob(sub) : NULL;
    unsigned blob_len = 0;
    const char *bytes = blob ? hb_blob_get_data(blob, &blob_len) : NULL;
    if (bytes && blob_len) {
        *data = mem_alloc(blob_len, 1);
        memcpy(*data, bytes, blob_len);
        *len = job->file_len = blob_len;
    }
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
}

/* A ToUnicode CMap of bfchar entries: every drawn glyph extracts as the
 * text it was shaped from (written into ef's stream). */
static HPDF_Dict to_unicode(const emit_font *ef)
{
    font_face *f = ef->face;
    unsigned n = font_glyph_count(f);
    sbuf b = { 0 };
    sb_puts(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    unsigned g = 0;
    while (g < n) {
        unsigned batch[100], count = 0;
        for (; g < n && count < 100; g++) {
            const char *t = font_used_text(f, g);
            if (t && *t && ef->new_gid[g] != UINT32_MAX)
                batch[count++] = g;
        }
        if (!count)
            continue;
        char head[32];
        snprintf(head, sizeof head, "%u beginbfchar\n", count);
        sb_puts(&b, head);
        for (unsigned i = 0; i < count; i++) {
            sb_puts(&b, "<");
            sb_hex4(&b, ef->new_gid[batch[i]]);
            sb_puts(&b, "> ");
            hex_utf16(&b, font_used_text(f, batch[i]), false);
            sb_puts(&b, "\n");
        }
        sb_puts(&b, "endbfchar\n");
    }
    sb_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    pdfobj_stream_write(ef->to_unicode, b.data, b.len);
    free(b.data);
    return ef->to_unicode;
}

static HPDF_Array width_array(emitter *e, const emit_font *ef)
{
    font_face *f = ef->face;
    unsigned n = font_glyph_count(f);
    /* new gid -> old gid, to write /W in CID order */
    unsigned max_new = 0;
    for (unsigned g = 0; g < n; g++)
        if (ef->new_gid[g] != UINT32_MAX && ef->new_gid[g] > max_new)
            max_new = ef->new_gid[g];
    long *old_of = mem_alloc((size_t)max_new + 1, sizeof *old_of);
    for (unsigned i = 0; i <= max_new; i++)
        old_of[i] = -1;
    for (unsigned g = 0; g < n; g++)
        if (ef->new_gid[g] != UINT32_MAX)
            old_of[ef->new_gid[g]] = g;
    HPDF_Array w = pdfobj_array(e->pdf, false);
    for (unsigned c = 0; c <= max_new;) {
        if (old_of[c] < 0) {
            c++;
            continue;
        }
        pdfobj_array_int(w, (long)c);
        HPDF_Array run = pdfobj_array(e->pdf, false);
        while (c <= max_new && old_of[c] >= 0) {
            pdfobj_array_real(run, ef->width[old_of[c]]);
            c++;
        }
        pdfobj_array_add(w, run);
    }
    free(old_of);
    return w;
}

/* The font's objects, made (numbered) as its subset is asked for, in the
 * order they had when they were made as it was taken. */
static bool reserve_font_objects(emitter *e, emit_font *ef, int index)
{
    snprintf(ef->name, sizeof ef->name, "F%d", index);
    ef->file = pdfobj_stream_deflated(e->pdf, NULL, 0);
    ef->descriptor = pdfobj_dict(e->pdf, true);
    ef->cid = pdfobj_dict(e->pdf, true);
    ef->type0 = pdfobj_dict(e->pdf, true);
    ef->to_unicode = pdfobj_stream(e->pdf, NULL, 0, true);
    if (ef->file && ef->descriptor && ef->cid && ef->type0 && ef->to_unicode)
        return true;
    ef->type0 = NULL; /* nothing drawn from it (libharu's error ends the run) */
    return false;
}

/* The font's objects filled from its subset (r: the pool's result for
 * job); false when there is none. */
static bool emit_font_objects(emitter *e, emit_font *ef, font_job *job, const zpool_result *r)
{
    font_face *f = ef->face;
    if (!r->ok || !r->len || !job->file_len)
        return false;
    HPDF_Dict file = ef->file;
    pdfobj_stream_write(file, r->data, r->len);
    pdfobj_int(file, "Length1", (long)job->file_len);
    char tag[7], base[160];
    subset_tag(ef, font_glyph_count(f), tag);
    snprintf(base, sizeof base, "%s+%s", tag, font_postscript_name(f));
    HPDF_Dict fd = ef->descriptor;
    pdfobj_name(fd, "Type", "FontDescriptor");
    pdfobj_name(fd, "FontName", base);
    pdfobj_int(fd, "Flags", 4 | (font_flags_italic(f) ? 64 : 0));
    int bbox[4];
    font_bbox(f, bbox);
    HPDF_Array bb = pdfobj_array(e->pdf, false);
    for (int i = 0; i < 4; i++)
        pdfobj_array_int(bb, bbox[i]);
    pdfobj_put(fd, "FontBBox", bb);
    pdfobj_real(fd, "ItalicAngle", font_italic_angle(f));
    pdfobj_int(fd, "Ascent", lround(font_ascender(f) * 1000));
    pdfobj_int(fd, "Descent", -lround(font_descender(f) * 1000));
    pdfobj_int(fd, "CapHeight", lround(font_cap_height(f) * 1000));
    pdfobj_int(fd, "StemV", 80);
    pdfobj_put(fd, "FontFile2", file);
    HPDF_Dict cid = ef->cid;
    pdfobj_name(cid, "Type", "Font");
    pdfobj_name(cid, "Subtype", "CIDFontType2");
    pdfobj_name(cid, "BaseFont", base);
    HPDF_Dict info = pdfobj_dict(e->pdf, false);
    pdfobj_ascii(e->pdf, info, "Registry", "Adobe");
    pdfobj_ascii(e->pdf, info, "Ordering", "Identity");
    pdfobj_int(info, "Supplement", 0);
    pdfobj_put(cid, "CIDSystemInfo", info);
    pdfobj_put(cid, "FontDescriptor", fd);
    pdfobj_name(cid, "CIDToGIDMap", "Identity");
    pdfobj_put(cid, "W", width_array(e, ef));
    pdfobj_name(ef->type0, "Type", "Font");
    pdfobj_name(ef->type0, "Subtype", "Type0");
    pdfobj_name(ef->type0, "BaseFont", base);
    pdfobj_name(ef->type0, "Encoding", "Identity-H");
    HPDF_Array desc = pdfobj_array(e->pdf, false);
    pdfobj_array_add(desc, cid);
    pdfobj_put(ef->type0, "DescendantFonts", desc);
    pdfobj_put(ef->type0, "ToUnicode", to_unicode(ef));
    pdfobj_put(e->font_res, ef->name, ef->type0);
    return true;
}

void emit_take_font(emitter *e, const zpool_result *r)
{
    int i = -1 - r->tag;
    emit_font *ef = &e->fonts[i];
    if (!emit_font_objects(e, ef, &e->font_jobs[i], r)) {
        src_loc loc = { font_path(ef->face), 0, 0 };
        diag_add(e->diags, DIAG_ENVIRONMENT, loc, "cannot subset this font");
    }
}

static bool font_is_used(const font_face *f)
{
    unsigned n = font_glyph_count(f);
    for (unsigned g = 0; g < n; g++)
        if (font_used_text(f, g))
            return true;
    return false;
}

/* Every font a page draws from, subset (and deflated) on the pool's
 * workers, the fonts side by side and beside the pages. */
void emit_fonts(emitter *e, font_set *fonts)
{
    e->font_count = font_set_count(fonts);
    e->fonts = mem_alloc((size_t)e->font_count + 1, sizeof *e->fonts);
    e->font_jobs = mem_alloc((size_t)e->font_count + 1, sizeof *e->font_jobs);
    font_latch *latch = e->fonts_ready = mem_alloc(1, sizeof *latch);
    pthread_mutex_init(&latch->mu, NULL);
    pthread_cond_init(&latch->none_left, NULL);
    e->font_res = pdfobj_dict(e->pdf, true);
    for (int i = 0; i < e->font_count; i++) {
        emit_font *ef = &e->fonts[i];
        ef->face = font_set_at(fonts, i);
        if (!font_is_used(ef->face) || !reserve_font_objects(e, ef, i))
            continue;
        while (zpool_full(e->zpool)) {
            zpool_result r;
            zpool_take(e->zpool, &r);
            emit_take_font(e, &r);
            free(r.data);
        }
        e->font_jobs[i] = (font_job){ ef->face, ef, latch, 0 };
        pthread_mutex_lock(&latch->mu);
        latch->left++;
        pthread_mutex_unlock(&latch->mu);
        zpool_submit_made(e->zpool, EMIT_FONT_TAG(i), font_subset, &e->font_jobs[i]);
    }
}

void emit_fonts_wait(const emitter *e)
{
    font_latch *l = e->fonts_ready;
    pthread_mutex_lock(&l->mu);
    while (l->left > 0)
        pthread_cond_wait(&l->none_left, &l->mu);
    pthread_mutex_unlock(&l->mu);
}

void emit_fonts_free(emitter *e)
{
    for (int i = 0; i < e->font_count; i++) {
        free(e->fonts[i].new_gid);
        free(e->fonts[i].width);
    }
    free(e->fonts);
    free(e->font_jobs);
    if (e->fonts_ready) {
        pthread_mutex_destroy(&e->fonts_ready->mu);
        pthread_cond_destroy(&e->fonts_ready->none_left);
        free(e->fonts_ready);
    }
}

emit_font *emit_font_of(const emitter *e, const font_face *f)
{
    for (int i = 0; i < e->font_count; i++)
        if (e->fonts[i].face == f)
            return &e->fonts[i];
    return NULL;
}
