#include "font.h"

#include "infile.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include <hb-ot.h>
#include <hb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "mem.h"
#include "utf8.h"

/* A font file is read whole into memory: 64 MiB is far above any real
 * font (Noto CJK is about 20 MiB). */
enum { FONT_MAX_FACES = 32, FONT_MAX_FEATURES = 16, FONT_MAX_FILE_BYTES = 64 << 20 };

/* A shaped word. Its glyphs, their flags and its text are one block of
 * the table's arena: they live as long as the table, and a word costs one
 * bump of a pointer instead of three mallocs. */
typedef struct shape_entry {
    const char *key;
    size_t len;
    uint64_t hash;
    const font_face *face; /* a thread's cache holds every face's */
    shaped_glyph *glyphs;
    unsigned char *unsafe_to_break;
    int count;
    int32_t width;
} shape_entry;

/* Open addressing over 4-byte slots (0: empty, else 1 + the entry's index)
 * with the entries in one dense array: the slots, twice the entries, are
 * most of the table, and at 56 bytes each they were most of its page
 * faults (the report: ~170 of the main thread's ~1,000). */
typedef struct shape_table {
    uint32_t *slots;
    size_t cap;
    shape_entry *entries;
    size_t count, entries_cap;
    arena *store;
} shape_table;

struct font_face {
    char *path;
    char *features_text;
    hb_blob_t *blob;
    hb_face_t *hb_face;
    hb_font_t *hb_font;
    hb_buffer_t *buffer;
    hb_feature_t features[FONT_MAX_FEATURES];
    unsigned feature_count;
    FT_Face ft;
    int upem;
    unsigned glyph_count;
    char **gid_text;      /* per glyph: the text it stands for, or NULL */
    uint32_t *marked;     /* the glyphs given a text, in order (font_marks) */
    size_t marked_count, marked_cap;
    shape_table cache;
    /* The shaping cache, the HarfBuzz buffer and FreeType's face are
     * shared by the layout's threads (para_pool): one at a time. */
    pthread_mutex_t mu;
};

struct font_set {
    FT_Library ft;
    font_face *faces[FONT_MAX_FACES];
    int count;
    pthread_mutex_t mu; /* faces are added while workers look them up */
};

font_set *font_set_new(void)
{
    font_set *fs = mem_alloc(1, sizeof *fs);
    if (FT_Init_FreeType(&fs->ft)) {
        free(fs);
        return NULL;
    }
    pthread_mutex_init(&fs->mu, NULL);
    /* HarfBuzz makes its default language on first use and shares it
     * between threads: made here, before any worker starts. */
    (void)hb_language_get_default();
    return fs;
}

static void shape_table_free(shape_table *t)
{
    free(t->slots);
    free(t->entries);
    arena_free(t->store);
    *t = (shape_table){ 0 };
}

static void font_face_free(font_face *f)
{
    shape_table_free(&f->cache);
    for (unsigned g = 0; f->gid_text && g < f->glyph_count; g++)
        free(f->gid_text[g]);
    free(f->gid_text);
    free(f->marked);
    hb_buffer_destroy(f->buffer);
    hb_font_destroy(f->hb_font);
    hb_face_destroy(f->hb_face);
    if (f->ft)
        FT_Done_Face(f->ft);
    hb_blob_destroy(f->blob);
    free(f->path);
    free(f->features_text);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

void font_set_free(font_set *fs)
{
    if (!fs)
        return;
    for (int i = 0; i < fs->count; i++)
        font_face_free(fs->faces[i]);
    FT_Done_FreeType(fs->ft);
    pthread_mutex_destroy(&fs->mu);
    free(fs);
}

static void font_parse_features(font_face *f, const char *features)
{
    const char *p = features ? features : "";
    while (*p && f->feature_count < FONT_MAX_FEATURES) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n && hb_feature_from_string(p, (int)n, &f->features[f->feature_count]))
            f->feature_count++;
        p += n + (end ? 1 : 0);
    }
}

static void font_bytes_release(void *bytes)
{
    infile_unmap(bytes);
    free(bytes);
}

static bool font_open(font_face *f, FT_Library lib, diag_list *diags)
{
    src_loc loc = { f->path, 0, 0 };
    /* Mapped through infile: a font path that is a FIFO or a link to
     * /dev/zero is refused instead of blocking or reading forever, and a
     * font cut short while mapped ends the run with its name. */
    const char *why = NULL;
    infile_bytes *bytes = mem_alloc(1, sizeof *bytes);
    if (!infile_map(f->path, FONT_MAX_FILE_BYTES, bytes, &why)) {
        free(bytes);
        diag_add(diags, DIAG_ENVIRONMENT, loc, "cannot load font file: %s", why);
        return false;
    }
    /* on failure HarfBuzz releases the bytes itself */
    f->blob = hb_blob_create_or_fail(bytes->data, (unsigned)bytes->len,
                                     HB_MEMORY_MODE_READONLY, bytes, font_bytes_release);
    unsigned len = 0;
    const char *data = f->blob ? hb_blob_get_data(f->blob, &len) : NULL;
    if (!data || FT_New_Memory_Face(lib, (const FT_Byte *)data, (FT_Long)len, 0, &f->ft)) {
        diag_add(diags, DIAG_ENVIRONMENT, loc, "cannot load font file");
        return false;
    }
    f->hb_face = hb_face_create(f->blob, 0);
    hb_blob_t *glyf = hb_face_reference_table(f->hb_face, HB_TAG('g', 'l', 'y', 'f'));
    bool truetype = hb_blob_get_length(glyf) > 0;
    hb_blob_destroy(glyf);
    if (!truetype || !FT_IS_SFNT(f->ft)) {
        diag_add(diags, DIAG_ENVIRONMENT, loc,
                 "not a TrueType-outline font (CFF .otf fonts cannot be embedded)");
        return false;
    }
    f->upem = f->ft->units_per_EM ? f->ft->units_per_EM : 1000;
    f->glyph_count = (unsigned)f->ft->num_glyphs;
    f->hb_font = hb_font_create(f->hb_face);
    hb_font_set_scale(f->hb_font, f->upem, f->upem);
    f->buffer = hb_buffer_create();
    f->gid_text = mem_alloc(f->glyph_count, sizeof(char *));
    return true;
}

static font_face *font_set_lookup(const font_set *fs, const char *path, const char *feat)
{
    for (int i = 0; i < fs->count; i++)
        if (strcmp(fs->faces[i]->path, path) == 0 &&
            strcmp(fs->faces[i]->features_text, feat) == 0)
            return fs->faces[i];
    return NULL;
}

font_face *font_set_find(font_set *fs, const char *path, const char *features)
{
    pthread_mutex_lock(&fs->mu);
    font_face *f = font_set_lookup(fs, path, features ? features : "");
    pthread_mutex_unlock(&fs->mu);
    return f;
}

static font_face *font_set_load(font_set *fs, const char *path, const char *feat,
                                diag_list *diags)
{
    if (fs->count == FONT_MAX_FACES) {
        src_loc loc = { path, 0, 0 };
        diag_add(diags, DIAG_ENVIRONMENT, loc, "too many font faces (limit %d)",
                 FONT_MAX_FACES);
        return NULL;
    }
    font_face *f = mem_alloc(1, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    f->path = mem_strdup(path);
    f->features_text = mem_strdup(feat);
    font_parse_features(f, feat);
    if (!font_open(f, fs->ft, diags)) {
        font_face_free(f);
        return NULL;
    }
    fs->faces[fs->count++] = f;
    return f;
}

font_face *font_set_get(font_set *fs, const char *path, const char *features,
                        diag_list *diags)
{
    const char *feat = features ? features : "";
    pthread_mutex_lock(&fs->mu);
    font_face *f = font_set_lookup(fs, path, feat);
    if (!f)
        f = font_set_load(fs, path, feat, diags);
    pthread_mutex_unlock(&fs->mu);
    return f;
}

int font_set_count(font_set *fs)
{
    pthread_mutex_lock(&fs->mu); /* the layout's workers ask while faces load */
    int n = fs->count;
    pthread_mutex_unlock(&fs->mu);
    return n;
}
font_face *font_set_at(const font_set *fs, int i) { return fs->faces[i]; }
int font_units_per_em(const font_face *f) { return f->upem; }
const char *font_path(const font_face *f) { return f->path; }

double font_ascender(const font_face *f)
{
    TT_OS2 *os2 = FT_Get_Sfnt_Table(f->ft, FT_SFNT_OS2);
    double asc = os2 && os2->version != 0xFFFF ? os2->sTypoAscender : f->ft->ascender;
    return asc / f->upem;
}

double font_descender(const font_face *f)
{
    TT_OS2 *os2 = FT_Get_Sfnt_Table(f->ft, FT_SFNT_OS2);
    double desc = os2 && os2->version != 0xFFFF ? os2->sTypoDescender : f->ft->descender;
    return (desc < 0 ? -desc : desc) / f->upem;
}

double font_cap_height(const font_face *f)
{
    TT_OS2 *os2 = FT_Get_Sfnt_Table(f->ft, FT_SFNT_OS2);
    if (os2 && os2->version >= 2 && os2->sCapHeight > 0)
        return (double)os2->sCapHeight / f->upem;
    return 0.7;
}

const char *font_postscript_name(const font_face *f)
{
    const char *n = FT_Get_Postscript_Name(f->ft);
    return n ? n : "Font";
}

int font_flags_italic(const font_face *f)
{
    return (f->ft->style_flags & FT_STYLE_FLAG_ITALIC) != 0;
}

double font_italic_angle(const font_face *f)
{
    TT_Postscript *post = FT_Get_Sfnt_Table(f->ft, FT_SFNT_POST);
    return post ? post->italicAngle / 65536.0 : 0;
}

void font_bbox(const font_face *f, int box[4])
{
    box[0] = (int)f->ft->bbox.xMin * 1000 / f->upem;
    box[1] = (int)f->ft->bbox.yMin * 1000 / f->upem;
    box[2] = (int)f->ft->bbox.xMax * 1000 / f->upem;
    box[3] = (int)f->ft->bbox.yMax * 1000 / f->upem;
}

bool font_has_char(font_face *f, uint32_t cp)
{
    pthread_mutex_lock(&f->mu);
    bool has = FT_Get_Char_Index(f->ft, cp) != 0;
    pthread_mutex_unlock(&f->mu);
    return has;
}

static uint64_t font_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void shape_table_grow(shape_table *tb)
{
    size_t cap = mem_grown(tb->cap, tb->cap + 1, 1024);
    uint32_t *t = mem_alloc(cap, sizeof *t);
    for (size_t i = 0; i < tb->count; i++) {
        size_t j = tb->entries[i].hash & (cap - 1);
        while (t[j])
            j = (j + 1) & (cap - 1);
        t[j] = (uint32_t)i + 1;
    }
    free(tb->slots);
    tb->slots = t;
    tb->cap = cap;
}

/* The entry of text in f, or NULL with *empty at the slot it would take. */
static shape_entry *shape_table_find(shape_table *tb, const font_face *f, const char *text,
                                     size_t len, uint64_t h, uint32_t **empty)
{
    if (tb->count * 2 >= tb->cap)
        shape_table_grow(tb);
    size_t j = h & (tb->cap - 1);
    while (tb->slots[j]) {
        shape_entry *e = &tb->entries[tb->slots[j] - 1];
        if (e->hash == h && e->face == f && e->len == len && memcmp(e->key, text, len) == 0)
            return e;
        j = (j + 1) & (tb->cap - 1);
    }
    *empty = &tb->slots[j];
    return NULL;
}

static shape_entry *shape_table_add(shape_table *tb, uint32_t *slot, uint64_t h)
{
    tb->entries = mem_reserve(tb->entries, &tb->entries_cap, tb->count + 1,
                              sizeof *tb->entries, 256);
    if (!tb->store)
        tb->store = arena_new();
    *slot = (uint32_t)++tb->count;
    shape_entry *e = &tb->entries[tb->count - 1];
    *e = (shape_entry){ .hash = h };
    return e;
}

static void font_shape_into(font_face *f, hb_font_t *font, hb_buffer_t *buf, arena *store,
                            const char *text, size_t len, shape_entry *e)
{
    hb_buffer_clear_contents(buf);
    hb_buffer_add_utf8(buf, text, (int)len, 0, (int)len);
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_guess_segment_properties(buf);
    hb_shape(font, buf, f->features, f->feature_count);
    unsigned n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
    unsigned char *block = arena_alloc(store, n * (sizeof *e->glyphs + 1) + len);
    e->glyphs = (shaped_glyph *)block;
    e->unsafe_to_break = block + n * sizeof *e->glyphs;
    char *key = (char *)e->unsafe_to_break + n;
    memcpy(key, text, len);
    e->key = key;
    e->len = len;
    e->face = f;
    e->count = (int)n;
    e->width = 0;
    for (unsigned i = 0; i < n; i++) {
        e->glyphs[i] = (shaped_glyph){ info[i].codepoint, pos[i].x_advance,
                                       info[i].cluster };
        e->unsafe_to_break[i] =
            (hb_glyph_info_get_glyph_flags(&info[i]) & HB_GLYPH_FLAG_UNSAFE_TO_BREAK) != 0;
        e->width += pos[i].x_advance;
    }
}

/* A worker thread's own shaping cache (font_thread_cache_begin): the same
 * pure function as the faces' caches, looked up without their lock, with
 * HarfBuzz objects of its own made from the same font bytes (HarfBuzz
 * loads a face's tables lazily: nothing of it is shared between threads
 * then but the bytes, which nobody writes). */
typedef struct thread_cache {
    shape_table table;
    hb_buffer_t *buffer;
    const font_face *faces[FONT_MAX_FACES];
    hb_face_t *hb_faces[FONT_MAX_FACES];
    hb_font_t *hb_fonts[FONT_MAX_FACES];
    int count;
} thread_cache;

static hb_font_t *thread_font(thread_cache *tc, const font_face *f)
{
    for (int i = 0; i < tc->count; i++)
        if (tc->faces[i] == f)
            return tc->hb_fonts[i];
    int i = tc->count++; /* faces are at most FONT_MAX_FACES */
    tc->faces[i] = f;
    tc->hb_faces[i] = hb_face_create(f->blob, 0);
    tc->hb_fonts[i] = hb_font_create(tc->hb_faces[i]);
    hb_font_set_scale(tc->hb_fonts[i], f->upem, f->upem);
    return tc->hb_fonts[i];
}

static _Thread_local thread_cache *font_thread_cache;

void font_thread_cache_begin(void)
{
    font_thread_cache = mem_alloc(1, sizeof *font_thread_cache);
    font_thread_cache->buffer = hb_buffer_create();
}

void font_thread_cache_end(void)
{
    thread_cache *tc = font_thread_cache;
    if (!tc)
        return;
    shape_table_free(&tc->table);
    hb_buffer_destroy(tc->buffer);
    for (int i = 0; i < tc->count; i++) {
        hb_font_destroy(tc->hb_fonts[i]);
        hb_face_destroy(tc->hb_faces[i]);
    }
    free(tc);
    font_thread_cache = NULL;
}

static shaped_text entry_text(const shape_entry *e)
{
    return (shaped_text){ e->glyphs, e->count, e->width, e->unsafe_to_break };
}

/* The entry of text in tb, shaped with font and buf on a miss. */
static shaped_text shape_cached(shape_table *tb, font_face *f, hb_font_t *font,
                                hb_buffer_t *buf, const char *text, size_t len)
{
    uint64_t h = font_hash(text, len);
    uint32_t *slot;
    shape_entry *e = shape_table_find(tb, f, text, len, h, &slot);
    if (!e) {
        e = shape_table_add(tb, slot, h);
        font_shape_into(f, font, buf, tb->store, text, len, e);
    }
    return entry_text(e);
}

shaped_text font_shape(font_face *f, const char *text, size_t len)
{
    thread_cache *tc = font_thread_cache;
    if (tc)
        return shape_cached(&tc->table, f, thread_font(tc, f), tc->buffer, text, len);
    pthread_mutex_lock(&f->mu);
    shaped_text out = shape_cached(&f->cache, f, f->hb_font, f->buffer, text, len);
    pthread_mutex_unlock(&f->mu);
    return out;
}

static void font_set_text(font_face *f, uint32_t gid, const char *s, size_t n)
{
    if (gid >= f->glyph_count || f->gid_text[gid])
        return;
    char *t = mem_alloc(n + 1, 1);
    memcpy(t, s, n);
    t[n] = '\0';
    f->gid_text[gid] = t;
    f->marked = mem_reserve(f->marked, &f->marked_cap, f->marked_count + 1, sizeof *f->marked, 64);
    f->marked[f->marked_count++] = gid;
}

void font_marks_save(font_set *fs, font_marks *m)
{
    int n = font_set_count(fs);
    m->counts = mem_alloc((size_t)n + 1, sizeof *m->counts);
    m->faces = n;
    for (int i = 0; i < n; i++)
        m->counts[i] = fs->faces[i]->marked_count;
}

void font_marks_restore(font_set *fs, font_marks *m)
{
    int n = font_set_count(fs);
    for (int i = 0; i < n; i++) {
        font_face *f = fs->faces[i];
        size_t keep = i < m->faces ? m->counts[i] : 0; /* a face loaded since: none */
        while (f->marked_count > keep) {
            uint32_t gid = f->marked[--f->marked_count];
            free(f->gid_text[gid]);
            f->gid_text[gid] = NULL;
        }
    }
    font_marks_drop(m);
}

void font_marks_drop(font_marks *m)
{
    free(m->counts);
    *m = (font_marks){ 0 };
}

/* Code points of one cluster, by their byte offsets in the text. */
enum { CLUSTER_MAX = 32 };
typedef struct {
    size_t at[CLUSTER_MAX + 1]; /* start of code point k; at[n] is the end */
    bool taken[CLUSTER_MAX];
    int n;
} cluster_cps;

/* A later glyph of a cluster stands for the code point the font maps to it
 * (a mark after a precomposed base: U+0308 after U+1EA1 shaped from
 * a + U+0308 + U+0323), else for the cluster's last code point nobody took:
 * every drawn glyph must extract as some of the text (PDF/UA 7.21.7). */
static int cluster_claim(const font_face *f, cluster_cps *c, const char *s,
                         uint32_t gid)
{
    for (int k = c->n - 1; k > 0; k--) {
        size_t size;
        uint32_t cp = utf8_decode(s + c->at[k], c->at[k + 1] - c->at[k], &size);
        if (!c->taken[k] && FT_Get_Char_Index(f->ft, cp) == gid)
            return k;
    }
    for (int k = c->n - 1; k > 0; k--)
        if (!c->taken[k])
            return k;
    return -1;
}

/* Glyphs [from, to) share the cluster text s[0, len): the first glyph keeps
 * what the later ones do not take. Clusters longer than CLUSTER_MAX code
 * points (hostile runs of marks) give it all to the first glyph. */
static void font_mark_cluster(font_face *f, const shaped_glyph *g, int from,
                              int to, const char *s, size_t len)
{
    cluster_cps c = { .n = 0 };
    size_t pos = 0;
    while (pos < len && c.n < CLUSTER_MAX) {
        size_t size;
        utf8_decode(s + pos, len - pos, &size);
        c.at[c.n++] = pos;
        pos += size ? size : 1;
    }
    c.at[c.n] = pos;
    if (pos < len || to - from == 1) {
        font_set_text(f, g[from].gid, s, len);
        return;
    }
    for (int i = from + 1; i < to; i++) {
        int k = cluster_claim(f, &c, s, g[i].gid);
        if (k < 0)
            continue;
        c.taken[k] = true;
        font_set_text(f, g[i].gid, s + c.at[k], c.at[k + 1] - c.at[k]);
    }
    char first[CLUSTER_MAX * 4 + 1];
    size_t n = 0;
    for (int k = 0; k < c.n; k++)
        if (!c.taken[k]) {
            memcpy(first + n, s + c.at[k], c.at[k + 1] - c.at[k]);
            n += c.at[k + 1] - c.at[k];
        }
    font_set_text(f, g[from].gid, first, n);
}

/* True when every glyph has its text already: marking them again
 * changes nothing (first use wins), and most words are seen before. */
static bool font_all_marked(const font_face *f, const shaped_glyph *g, int count)
{
    for (int i = 0; i < count; i++)
        if (g[i].gid < f->glyph_count && !f->gid_text[g[i].gid])
            return false;
    return true;
}

void font_mark_used(font_face *f, const shaped_glyph *g, int count,
                    const char *text, size_t len)
{
    if (font_all_marked(f, g, count))
        return;
    for (int i = 0; i < count;) {
        uint32_t start = g[i].cluster, end = (uint32_t)len;
        int j = i + 1;
        while (j < count && g[j].cluster == start)
            j++;
        for (int k = 0; k < count; k++)
            if (g[k].cluster > start && g[k].cluster < end)
                end = g[k].cluster;
        if (start > len)
            start = (uint32_t)len;
        font_mark_cluster(f, g, i, j, text + start, end - start);
        i = j;
    }
}

unsigned font_glyph_count(const font_face *f)
{
    return f->glyph_count;
}

const char *font_used_text(const font_face *f, uint32_t gid)
{
    return gid < f->glyph_count ? f->gid_text[gid] : NULL;
}

int32_t font_glyph_advance(const font_face *f, uint32_t gid)
{
    return hb_font_get_glyph_h_advance(f->hb_font, gid);
}

const char *font_data(const font_face *f, unsigned *len)
{
    return hb_blob_get_data(f->blob, len);
}

void *font_hb_face(const font_face *f)
{
    return f->hb_face;
}
