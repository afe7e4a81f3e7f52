#include "zipfile.h"

#include "mem.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

struct zipfile {
    zip_t *zip;
    char *path;
};

static char *too_big(const zipfile *z, const char *entry)
{
    if (!entry)
        return mem_printf("%s unpacks to more than %u MB in all: refused (a zip bomb?)",
                       z->path, ZIPFILE_MAX_TOTAL >> 20);
    return mem_printf("%s: its part %s unpacks to more than %u MB: refused (a zip bomb?)",
                   z->path, entry, ZIPFILE_MAX_ENTRY >> 20);
}

static char *damaged(const zipfile *z, const char *entry, zip_error_t *e)
{
    return mem_printf("%s is damaged: cannot unpack its part %s: %s", z->path,
                   entry ? entry : "?", zip_error_strerror(e));
}

/* Inflates entry i into buf (grown as needed, when buf is not NULL) or
 * only counts it, at most ZIPFILE_MAX_ENTRY bytes: its real size in *len. */
static char *inflate_entry(zipfile *z, zip_uint64_t i, char **buf, size_t *len)
{
    const char *name = zip_get_name(z->zip, i, ZIP_FL_ENC_GUESS);
    zip_file_t *f = zip_fopen_index(z->zip, i, 0);
    if (!f)
        return damaged(z, name, zip_get_error(z->zip));
    char chunk[65536];
    size_t cap = 0;
    char *err = NULL;
    *len = 0;
    for (zip_int64_t got; !err && (got = zip_fread(f, chunk, sizeof chunk)) != 0;) {
        if (got < 0)
            err = damaged(z, name, zip_file_get_error(f));
        else if ((uint64_t)*len + (uint64_t)got > ZIPFILE_MAX_ENTRY)
            err = too_big(z, name);
        else if (buf) {
            *buf = mem_reserve(*buf, &cap, *len + (size_t)got + 1, 1, 65536);
            memcpy(*buf + *len, chunk, (size_t)got);
        }
        if (!err)
            *len += (size_t)got;
    }
    zip_fclose(f);
    if (buf && *buf)
        (*buf)[*len] = '\0';
    return err;
}

/* Every entry inflated and counted: what pandoc will unpack is bounded. */
static char *check_entries(zipfile *z)
{
    zip_int64_t n = zip_get_num_entries(z->zip, 0);
    if (n > ZIPFILE_MAX_ENTRIES)
        return mem_printf("%s holds more than %d parts: refused (a zip bomb?)", z->path,
                       ZIPFILE_MAX_ENTRIES);
    uint64_t total = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        const char *name = zip_get_name(z->zip, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        if (zip_stat_index(z->zip, (zip_uint64_t)i, 0, &st) == 0 &&
            (st.valid & ZIP_STAT_SIZE) && st.size > ZIPFILE_MAX_ENTRY)
            return too_big(z, name);
        size_t len = 0;
        char *err = inflate_entry(z, (zip_uint64_t)i, NULL, &len);
        if (err)
            return err;
        total += len;
        if (total > ZIPFILE_MAX_TOTAL)
            return too_big(z, NULL);
    }
    return NULL;
}

zipfile *zipfile_open(const char *path, char **err)
{
    int code = 0;
    /* Not ZIP_CHECKCONS: a package pandoc reads is not refused for a
     * header that disagrees with the directory; what bounds the reading
     * is the bytes counted while inflating. */
    zip_t *zip = zip_open(path, ZIP_RDONLY, &code);
    if (!zip) {
        zip_error_t e;
        zip_error_init_with_code(&e, code);
        *err = mem_printf("%s is not a zip package, as an .odt or .docx is: %s", path,
                       zip_error_strerror(&e));
        zip_error_fini(&e);
        return NULL;
    }
    zipfile *z = mem_alloc(1, sizeof *z);
    z->zip = zip;
    z->path = mem_strdup(path);
    *err = check_entries(z);
    if (*err) {
        zipfile_close(z);
        return NULL;
    }
    return z;
}

char *zipfile_read(zipfile *z, const char *name, size_t *len, char **err)
{
    *err = NULL;
    zip_int64_t i = zip_name_locate(z->zip, name, 0);
    if (i < 0)
        return NULL;
    char *buf = NULL;
    *err = inflate_entry(z, (zip_uint64_t)i, &buf, len);
    if (!*err && !buf) /* an empty entry */
        buf = mem_alloc(1, 1);
    if (*err) {
        free(buf);
        buf = NULL;
    }
    return buf;
}

void zipfile_close(zipfile *z)
{
    if (!z)
        return;
    zip_discard(z->zip);
    free(z->path);
    free(z);
}
