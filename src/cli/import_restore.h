/* import_restore — what pandoc loses of an .odt or .docx, put back into
 * its DocBook.
 *
 * Owns nothing: steps on pandoc's DocBook tree, each matching what the
 * package itself says (import_odt.h, import_docx.h) to what pandoc wrote,
 * by the picture's path in the package or by order when the counts agree,
 * and doing nothing where they do not: image descriptions and decorative
 * marks, figures and their captions, table headings, the title and date,
 * bookmarks. For a Markdown source both lists are empty: nothing to do.
 * Failure: none; what cannot be put back is left as pandoc wrote it (a
 * table heading that cannot is named on stderr).
 */
#ifndef KCVS_IMPORT_RESTORE_H
#define KCVS_IMPORT_RESTORE_H

#include "import_docx.h"
#include "import_odt.h"

#include <libxml/tree.h>
#include <stdbool.h>

typedef struct import_restore {
    import_odt *odt;
    import_docx *docx;
    const char *media; /* the folder of pandoc's --extract-media */
    bool docx_format;  /* the source is a .docx */
} import_restore;

/* Before the images are taken in, a .docx's captions: an image with a
 * caption Word numbered after it becomes a figure, a table with one
 * beside it a table titled by it, and the paragraph pandoc's reader leaves
 * beside a table it titled goes. */
void import_restore_captions(import_restore *r, xmlNode *root);
/* One image's alternative text (and pandoc's figure, from an .odt or
 * .docx, a figure again), as its imageobject is reached. */
void import_restore_image(import_restore *r, xmlNode *image_object);
/* An .odt's table headings and captions, the title and the date. */
void import_restore_text(import_restore *r, xmlNode *root);
/* Bookmarks, before the ids are made valid and unique. */
void import_restore_targets(import_restore *r, xmlNode *root);

#endif
