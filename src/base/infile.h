/* infile — opening the files a compilation reads, without surprises.
 *
 * Every input (the source and its includes, images, fonts, style sheets) is
 * opened here: non-blocking, so that a FIFO or a device can never hang the
 * open, and checked with fstat on the open descriptor (no race with a
 * rename), so that only regular files are read — a FIFO, a socket, a
 * device (also behind a symbolic link, such as one to /dev/zero) or a
 * folder is refused with a reason the caller puts in its diagnostic.
 * Owns nothing: the caller closes the descriptor or frees the buffer.
 */
#ifndef KCVS_INFILE_H
#define KCVS_INFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

/* Opens path for reading. Returns the descriptor (blocking again, ready to
 * read) with *st filled, or -1 with *why set to a static reason ("file not
 * found", "it is a folder, not a file", "not a regular file (a FIFO, device
 * or socket)", or strerror's text). */
int infile_open(const char *path, struct stat *st, const char **why);

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

#endif
