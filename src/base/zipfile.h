/* zipfile — reading the zip package of an .odt or .docx, bounded.
 *
 * Owns: an open archive (libzip) whose entries were all inflated once and
 * counted when it was opened, so that neither kcvs-pdf nor pandoc, which
 * reads the same file after it, unpacks a zip bomb: the sizes an archive
 * declares may lie, the inflated bytes do not. Entries past the limits
 * below are refused before anything else reads the file.
 * Failure: NULL and *err set to a message to free(), naming the file and
 * what is wrong with it (not a zip, an entry too big, too many entries).
 */
#ifndef KCVS_ZIPFILE_H
#define KCVS_ZIPFILE_H

#include <stddef.h>

/* An .odt's content.xml of a 300-page report is ~5 MB and its photos a few
 * MB each; a package this far beyond that is a zip bomb, not a report. */
#define ZIPFILE_MAX_ENTRIES 10000
#define ZIPFILE_MAX_ENTRY (64u << 20)  /* bytes of one entry, inflated */
#define ZIPFILE_MAX_TOTAL (512u << 20) /* bytes of all entries, inflated */

typedef struct zipfile zipfile;

zipfile *zipfile_open(const char *path, char **err);
/* The whole entry called name, NUL-terminated, its length in *len; NULL
 * with *err NULL when the archive has no such entry. */
char *zipfile_read(zipfile *z, const char *name, size_t *len, char **err);
void zipfile_close(zipfile *z);

#endif
