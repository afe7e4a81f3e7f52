/* infile — opening the files a compilation reads, without surprises.
 *
 * Every input (the source and its includes, images, fonts, style sheets) is
 * opened here: non-blocking, so that a FIFO or a device can never hang the
 * open, and checked with fstat on the open descriptor (no race with a
 * rename), so that only regular files are read — a FIFO, a socket, a
 * device (also behind a symbolic link, such as one to /dev/zero) or a
 * folder is refused with a reason the caller puts in its diagnostic.
 * Every call that fails leaves errno set to the C library's cause (ENOENT,
 * EACCES, ENOMEM, EIO, …), or to 0 when the file opened but is refused
 * here (not a regular file, larger than the limit, changed while read):
 * infile_errno_is_environment tells the machine's fault from the file's.
 * Owns nothing: the caller closes the descriptor or frees the buffer.
 */
#ifndef KCVS_INFILE_H
#define KCVS_INFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

/* Opens path for reading. Returns the descriptor (blocking again, ready to
 * read) with *st filled, or -1 with *why set to a static reason ("file not
 * found", "it is a folder, not a file", "not a regular file (a FIFO, device
 * or socket)", or strerror's text). */
int infile_open(const char *path, struct stat *st, const char **why);

/* True when err (errno after a failed call) is the machine short of
 * memory, file descriptors or a working disk (ENOMEM, EMFILE, ENFILE, EIO,
 * ENOSPC): a problem of the environment, whichever file was being read,
 * not of the file or of the document that names it. */
bool infile_errno_is_environment(int err);

/* infile_open as a stdio stream ("rb"). */
FILE *infile_fopen(const char *path, const char **why);

/* Reads a whole regular file of at most max bytes into a NUL-terminated
 * malloc'ed buffer (*len bytes before the NUL). NULL with *why set when
 * infile_open refuses it, when it is larger than max ("larger than the
 * limit"), when it changed size while read, or on a read error. */
char *infile_read(const char *path, size_t max, size_t *len, const char **why);

/* As infile_read, on a descriptor from infile_open (closed by the call). */
char *infile_read_fd(int fd, const struct stat *st, size_t max, size_t *len,
                     const char **why);

/* A whole file's bytes, mapped (mmap) or, when it cannot be, read. */
typedef struct infile_bytes {
    const char *data;
    size_t len;
    bool mapped; /* else malloc'ed: an empty file, or every slot taken */
    char *path;  /* mapped: the name infile_mapped_path gives */
} infile_bytes;

/* As infile_read, but the file is mapped read-only instead of copied:
 * only the pages read are ever touched (a font's glyph outlines mostly
 * are not), as FreeType and HarfBuzz map the fonts they open themselves.
 * A file cut short while mapped raises SIGBUS when the lost part is read:
 * each mapping is registered (at most INFILE_MAX_MAPPED at once; further
 * files are read) so that the handler can name it (infile_mapped_path,
 * output_install_signal_handlers). false with *why as infile_read. */
bool infile_map(const char *path, size_t max, infile_bytes *out, const char **why);

/* Unmaps (or frees) what infile_map gave; b is emptied. */
void infile_unmap(infile_bytes *b);

/* The file whose mapping holds addr, NULL when none does. Safe in a
 * signal handler: it reads the registry without locks or allocation. */
const char *infile_mapped_path(const void *addr);

#endif
