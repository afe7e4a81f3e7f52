/* compile — one compilation from a source file to a PDF file.
 *
 * Owns: the run of the pipeline (load → build → layout → emit) and
 * everything it allocates (freed before compile_document returns). Used by
 * the command line, the watch mode and the fuzzing target alike.
 * Failure: every problem is a diagnostic; the return value says whether a
 * complete PDF was written to pdf_path (and the layout dump, when asked
 * for, completely written).
 */
#ifndef KCVS_COMPILE_H
#define KCVS_COMPILE_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "emit.h"
#include "layout.h"
#include "output.h"

typedef struct compile_request {
    const char *source;
    const char *pdf_path;    /* NULL: validate and lay out only */
    const char *style_path;
    const char *schema_path;
    const char *style_schema_path; /* schema/style.rng, or NULL */
    const char *fonts_dir;   /* fallback folder for the style's fonts */
    const char *icc_path;
    const char *cmyk_icc_path;
    emit_profile profile;
    bool warnings_are_errors;
    FILE *stage_log;         /* per-stage time and memory, or NULL */
    FILE *link_list;         /* --list-links output, or NULL */
    void (*progress)(int pages); /* progress as pages are laid out, or NULL */
    /* The target the PDF replaces when complete (pdf_path is its temporary
     * file), or NULL: named in diagnostics, and no input may be it. */
    const output_file *output;
    struct compile_summary *summary; /* out: what was made, or NULL */
    FILE *layout_dump;       /* --dump-layout output, or NULL */
    const char *layout_dump_name; /* its name in messages */
} compile_request;

/* What a run laid out, for the editor's one-line summary. */
typedef struct compile_summary {
    int pages;
    int links;   /* links to source documents (URIs) */
} compile_summary;

bool compile_document(const compile_request *req, diag_list *diags);

#endif
