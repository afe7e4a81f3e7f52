/* emit — the only stage that writes PDF (through libharu).
 *
 * Owns: the libharu document of one compilation: fonts (subset with
 * HarfBuzz and embedded as Type0/CIDFontType2 with a proper ToUnicode map),
 * page content streams drawn from laid-out pages, link annotations, the
 * outline, document information, and per profile the archive (PDF/A-2,
 * tagged PDF/UA-1) or print parts. It draws the laid-out pages and takes
 * links, their destinations, the tag tree, images and the document
 * information from the layout's result (page.h: no model, no libxml2),
 * and writes nothing into them: its structure numbering is its own.
 * Failure: libharu errors and unwritable files are diagnostics; the file at
 * path is then not written (the caller writes to a temporary path and
 * renames it, so an earlier PDF survives).
 */
#ifndef KCVS_EMIT_H
#define KCVS_EMIT_H

#include <stdbool.h>

#include "diag.h"
#include "font.h"
#include "page.h"
#include "style.h"

typedef enum { PROFILE_ARCHIVE, PROFILE_SCREEN, PROFILE_PRINT } emit_profile;

typedef struct emit_options {
    emit_profile profile;
    long long timestamp;     /* seconds since the epoch, UTC */
    const char *producer;    /* "kcvs-pdf 0.1.0" */
    const char *icc_path;    /* sRGB profile for the archive output intent */
    const char *cmyk_icc_path; /* CMYK profile for the print (PDF/X) intent */
    double *write_ms;        /* out: time spent writing the file, or NULL */
    const char *output_name; /* the target named in diagnostics (the path
                                written is its temporary file), or NULL */
    int threads;             /* content streams compressed by this many
                                threads (same bytes for any number; 0 = 1) */
    /* Called once page index (0-based) is drawn, its items never read
     * again (the caller may free them), or NULL. */
    void (*page_drawn)(void *user, int index);
    void *page_drawn_user;
} emit_options;

bool emit_pdf(const layout_result *layout, const style *st,
              font_set *fonts, const emit_options *opt, const char *path,
              diag_list *diags);

#endif
