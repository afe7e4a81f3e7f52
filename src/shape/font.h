/* font — font faces, shaping and the record of what is drawn (shape stage).
 *
 * Owns: every face of a compilation, each loaded once (FreeType for the
 * metrics the PDF needs, HarfBuzz for shaping), a shaping cache per face
 * (the same word in the same face is shaped once), and per face the glyphs
 * used with the text each stands for (the emit stage subsets the font and
 * writes the ToUnicode map from that record).
 * Failure: font_set_get reports an unreadable or non-TrueType font as an
 * environment diagnostic and returns NULL.
 */
#ifndef KCVS_FONT_H
#define KCVS_FONT_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

typedef struct font_face font_face;
typedef struct font_set font_set;

/* One shaped glyph: advances in font units (already including kerning). */
typedef struct shaped_glyph {
    uint32_t gid;
    int32_t advance;
    uint32_t cluster; /* byte offset of its text in the shaped string */
} shaped_glyph;

typedef struct shaped_text {
    const shaped_glyph *glyphs; /* owned by the face's cache */
    int count;
    int32_t width; /* font units */
    /* Per glyph, from the same cache (NULL: not known): nonzero when the
     * text cut where its cluster begins could shape otherwise on either
     * side (HarfBuzz's HB_GLYPH_FLAG_UNSAFE_TO_BREAK); where it is zero,
     * the two sides shaped apart are exactly this shaping's glyphs. */
    const unsigned char *unsafe_to_break;
} shaped_text;

font_set *font_set_new(void);
void font_set_free(font_set *fs);
/* Loads (once) the face at path with HarfBuzz feature string features. */
font_face *font_set_get(font_set *fs, const char *path, const char *features,
                        diag_list *diags);
/* The face if font_set_get loaded it already, else NULL (never loads: the
 * layout's worker threads must not change the order of the faces). */
font_face *font_set_find(font_set *fs, const char *path, const char *features);
int font_set_count(font_set *fs);
font_face *font_set_at(const font_set *fs, int i);

int font_units_per_em(const font_face *f);
double font_ascender(const font_face *f);  /* in em */
double font_descender(const font_face *f); /* in em, positive */
double font_cap_height(const font_face *f);
const char *font_postscript_name(const font_face *f);
const char *font_path(const font_face *f);
int font_flags_italic(const font_face *f);
bool font_has_char(font_face *f, uint32_t cp);

/* Shapes a UTF-8 string (one word or word piece) left to right. The
 * result lives in the face's cache until font_set_free, or in the
 * thread's own until font_thread_cache_end. Safe from several threads
 * (the cache is a pure function of face and text, under a lock);
 * font_mark_used is the main thread's alone. */
shaped_text font_shape(font_face *f, const char *text, size_t len);
/* A worker thread shapes into a cache of its own from here on (no lock,
 * no waiting for the main thread's shaping), freed by ..._end. */
void font_thread_cache_begin(void);
void font_thread_cache_end(void);
/* Notes that glyphs are drawn, with the text they stand for: cluster
 * offsets index text. Call for exactly what is drawn. */
void font_mark_used(font_face *f, const shaped_glyph *glyphs, int count,
                    const char *text, size_t len);
/* The glyphs marked so far in each face of a set, to take back when what
 * marked them is set again (a layout pass run again: its placeholder
 * numbers are never drawn). Main thread only, as font_mark_used. */
typedef struct font_marks {
    size_t *counts;      /* per face, its marks then */
    int faces;
} font_marks;
void font_marks_save(font_set *fs, font_marks *m);
/* Unmarks what was marked since m was saved; frees m. */
void font_marks_restore(font_set *fs, font_marks *m);
void font_marks_drop(font_marks *m);

/* The record the emit stage needs: glyphs 0..font_glyph_count-1, each
 * drawn when font_used_text is not NULL (the text it stands for). */
unsigned font_glyph_count(const font_face *f);
const char *font_used_text(const font_face *f, uint32_t gid); /* UTF-8 */
int32_t font_glyph_advance(const font_face *f, uint32_t gid); /* nominal */
/* The font file's bytes and the face index, for subsetting. */
const char *font_data(const font_face *f, unsigned *len);
void *font_hb_face(const font_face *f);
void font_bbox(const font_face *f, int box[4]);
double font_italic_angle(const font_face *f);

#endif
