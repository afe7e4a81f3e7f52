/* import_odt — the image descriptions of an .odt, which pandoc loses.
 *
 * Owns: the list of the images an .odt's content.xml draws, in document
 * order, each with the package path of its picture (Pictures/….png, the
 * name pandoc's --extract-media keeps) and its description: the svg:title
 * and svg:desc of its draw:frame (ODF 1.2 §10.3.2, LibreOffice's "Text
 * Alternative" and "Description"). pandoc 2.17's ODT reader drops svg:desc
 * and turns svg:title into a slug ("Een grafiek" → "een-grafiek").
 * And the text of every table's header rows (table:table-header-rows,
 * Markdown's and LibreOffice's table heading), which the same reader reads
 * as rows of empty cells and its DocBook writer then leaves out. And the
 * document's title, which that reader never reads (meta.xml) and whose
 * Title paragraph, with pandoc's Date after it, it makes body text. And
 * the names of its bookmarks (a heading's, which a link to it names),
 * which the reader renames "anchor", "anchor-1", … without the links.
 * And its code, quotations and definition lists, paragraphs of styles
 * it reads as plain paragraphs (the code's indentation lost).
 * Failure: false with *err set to a message to free() (no content.xml, or
 * one that is not XML).
 */
#ifndef KCVS_IMPORT_ODT_H
#define KCVS_IMPORT_ODT_H

#include "zipfile.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct import_odt_image {
    char *href; /* the picture's path in the package */
    char *alt;  /* NULL when its frame has no description */
    char *label; /* its caption's numbering ("Figuur 1") when LibreOffice
                    captioned it (a text box holding image and caption) */
    char *caption; /* when pandoc's writer set it as a figure: its caption,
                      the paragraph after the image's (FigureCaption) */
    bool decorative; /* marked so in LibreOffice (pandoc does not read it) */
    bool taken;
} import_odt_image;

/* Of one table: its header rows, a grid of rows × columns cells' text, and
 * the caption beside it (pandoc's TableCaption paragraph before it, or one
 * LibreOffice numbered: "Tabel 1: …", label "Tabel 1"), which pandoc reads
 * as a paragraph. */
typedef struct import_odt_header {
    char **cells;
    size_t count;         /* cells read */
    size_t rows, columns; /* columns 0: cells spanning columns, no grid */
    char *caption, *caption_label; /* NULL when none */
} import_odt_header;

/* A run of paragraphs of one of LibreOffice's block styles, which pandoc
 * reads as plain paragraphs: Preformatted Text (code: each paragraph a
 * line, its spaces and tabs as written), Quotations, or terms and their
 * definitions (pandoc's Definition Term and Definition Definition,
 * LibreOffice's List Heading and List Contents). */
typedef enum { IMPORT_ODT_CODE, IMPORT_ODT_QUOTE, IMPORT_ODT_TERMS } import_odt_kind;

typedef struct import_odt_block {
    import_odt_kind kind;
    char **lines;
    bool *terms; /* of IMPORT_ODT_TERMS: which lines are terms */
    size_t count, cap, terms_cap;
} import_odt_block;

typedef struct import_odt {
    import_odt_image *images;
    size_t image_count, image_cap;
    import_odt_header *headers; /* of every table:table, in document order */
    size_t header_count, header_cap;
    char *title;       /* the document's properties' (dc:title), else shown_title */
    char *shown_title; /* the paragraph styled Title that opens the body */
    char *shown_date;  /* the paragraph styled Date after it (pandoc's) */
    char **bookmarks;  /* every bookmark's name, in document order */
    size_t bookmark_count, bookmark_cap;
    import_odt_block *blocks; /* in document order */
    size_t block_count, block_cap;
} import_odt;

bool import_odt_read(zipfile *z, const char *path, import_odt *out, char **err);
/* The next image not taken yet whose picture is href (an image used twice
 * is one picture, each use its own description), NULL when none is left.
 * Deliberately the shape of import_docx_take (duplicates lists the pair). */
const import_odt_image *import_odt_take(import_odt *odt, const char *href);
void import_odt_free(import_odt *odt);

#endif
