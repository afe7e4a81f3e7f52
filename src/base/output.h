/* output — writing the PDF so that no fault loses the editor's last good PDF.
 *
 * Owns: the target path's checks (a regular file or absent, never an input
 * of the document: compared by device and inode, so links and other
 * spellings of the same file are caught), its folder (created like the
 * default out/), the temporary file beside it, the checked writes of the
 * PDF's bytes, the rename over the target and the fsync of the folder, and
 * the signal handlers that remove the temporary file when the run is
 * interrupted.
 * Failure: every problem is a DIAG_ENVIRONMENT diagnostic naming the target
 * (never the temporary file) and its cause; the temporary file is removed
 * and an earlier PDF at the target stays as it was.
 * One output is open at a time per process (the signal handler knows one
 * temporary path).
 */
#ifndef KCVS_OUTPUT_H
#define KCVS_OUTPUT_H

#include <hpdf.h>
#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"

typedef struct output_file {
    const char *name;   /* the target as given (borrowed): named in diagnostics */
    bool exists;        /* the target existed when the output was opened */
    dev_t dev;          /* its device and inode, to recognise inputs */
    ino_t ino;
    mode_t mode;        /* the mode the PDF gets: the existing file's, else
                           0666 less the umask */
    char temp[4096];    /* the temporary file beside the target, "" when none */
} output_file;

/* SIGPIPE and SIGXFSZ ignored (a closed pipe or a file size limit becomes
 * a write error that is reported),
 * SIGINT/SIGTERM/SIGHUP remove the temporary file and exit with 128+sig;
 * SIGBUS in a file infile_map mapped (cut short while read) names the
 * file, removes the temporary file and exits with 2. */
void output_install_signal_handlers(void);

/* Creates the target's folder (and its parents) when missing; a name
 * that ends in '/', "." or "..", or is empty, is refused first. */
bool output_make_folder(const char *name, diag_list *diags);

/* Checks the target, creates its folder and the temporary file (mode as
 * above). Nothing is written over the target until output_commit. */
bool output_open(output_file *o, const char *name, diag_list *diags);

/* False, with an error, when the file at input is the target itself (the
 * source, an included file, an image, the style file, a font...). what
 * says which input it is ("the source", "an included file"). An input that
 * cannot be stat'ed is not the target: reading it reports its own error. */
bool output_check_input(const output_file *o, const char *input, const char *what,
                        diag_list *diags);
/* As output_check_input for an input already opened, by the device and
 * inode its descriptor had (fstat): the file read, without a stat more. */
bool output_check_input_id(const output_file *o, dev_t dev, ino_t ino, const char *input,
                           const char *what, diag_list *diags);

/* Writes pdf's bytes to path: HPDF_SaveToStream into our own buffered
 * stream (no memory copy of the whole PDF) with checked write, fsync and
 * close calls (libharu's own file writer misses a failed final flush).
 * Problems name `name`. */
bool output_save_pdf(HPDF_Doc pdf, const char *path, const char *name, diag_list *diags);

/* Renames the temporary file over the target and syncs the folder. */
bool output_commit(output_file *o, diag_list *diags);

/* Removes the temporary file, if any (after a failed run). */
void output_discard(output_file *o);

#endif
