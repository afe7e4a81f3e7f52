/* import_docx — what pandoc loses of a .docx: its headings' bookmarks,
 * its captions' tie to their images.
 *
 * Owns: the list of a .docx's headings (paragraphs whose style is named
 * "heading N" in styles.xml, whatever its id: "Kop1" in a Dutch Word), in
 * document order, each with the names of the bookmarks that start at it
 * (inside the paragraph, as Word writes them, or just before it, as
 * pandoc's writer does). A link to a heading leads to its bookmark, which
 * pandoc 2.17's DOCX reader drops: the heading's section gets an id from
 * its text instead, and the link no target. And the captions Word
 * numbered, which pandoc reads as paragraphs, number and all. And which
 * images Word marked decorative.
 * Failure: false with *err set to a message to free() (no
 * word/document.xml, or a part that is not XML).
 */
#ifndef KCVS_IMPORT_DOCX_H
#define KCVS_IMPORT_DOCX_H

#include "zipfile.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct import_docx_heading {
    char **bookmarks;
    size_t count, cap;
} import_docx_heading;

/* A caption Word numbered (Insert Caption: a paragraph styled caption,
 * its number a SEQ field): "Figuur 1: De grafiek" (white space runs made
 * one space), label "Figuur 1". */
typedef struct import_docx_caption {
    char *text, *label;
} import_docx_caption;

/* A picture a drawing shows: its part (media/image1.png), and whether Word
 * marked it decorative, which pandoc does not read. */
typedef struct import_docx_image {
    char *target;
    bool decorative;
    bool taken;
} import_docx_image;

typedef struct import_docx {
    import_docx_heading *headings;
    size_t count, cap;
    import_docx_caption *captions; /* in document order */
    size_t caption_count, caption_cap;
    import_docx_image *images; /* in document order */
    size_t image_count, image_cap;
} import_docx;

bool import_docx_read(zipfile *z, const char *path, import_docx *out, char **err);
/* The next picture not taken yet whose part is target, NULL when none.
 * Deliberately the shape of import_odt_take (duplicates lists the pair):
 * the same walk over a list of another type. */
const import_docx_image *import_docx_take(import_docx *docx, const char *target);
void import_docx_free(import_docx *docx);

#endif
