#include "zipfile.h"

#include "mem.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#ifndef KCVS_LIBZIP_SONAME
#define KCVS_LIBZIP_SONAME "libzip.so.4"
#endif

/* libzip is loaded when a package is first opened, not at every start:
 * with what it links (libcrypto, libbz2, liblzma) it was a third of the
 * dynamic linking of every run, and only --import reads packages. */
static struct {
    __typeof__(zip_open) *open;
    __typeof__(zip_discard) *discard;
    __typeof__(zip_error_init_with_code) *error_init_with_code;
    __typeof__(zip_error_fini) *error_fini;
    __typeof__(zip_error_strerror) *error_strerror;
    __typeof__(zip_fopen_index) *fopen_index;
    __typeof__(zip_fread) *file_read;
    __typeof__(zip_fclose) *file_close;
    __typeof__(zip_file_get_error) *file_get_error;
    __typeof__(zip_get_error) *get_error;
    __typeof__(zip_get_name) *get_name;
    __typeof__(zip_get_num_entries) *get_num_entries;
    __typeof__(zip_name_locate) *name_locate;
    __typeof__(zip_stat_index) *stat_index;
} lz;
static char *lz_failure; /* why libzip could not be loaded, or NULL */
static pthread_once_t lz_once = PTHREAD_ONCE_INIT;

static void *lz_symbol(void *lib, const char *name)
{
    void *f = lib ? dlsym(lib, name) : NULL;
    if (lib && !f && !lz_failure)
        lz_failure = mem_printf("%s has no %s", KCVS_LIBZIP_SONAME, name);
    return f;
}

static void lz_load(void)
{
    void *lib = dlopen(KCVS_LIBZIP_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        lz_failure = mem_printf("cannot load libzip (%s): %s", KCVS_LIBZIP_SONAME,
                                why ? why : "not found");
        return;
    }
    lz.open = lz_symbol(lib, "zip_open");
    lz.discard = lz_symbol(lib, "zip_discard");
    lz.error_init_with_code = lz_symbol(lib, "zip_error_init_with_code");
    lz.error_fini = lz_symbol(lib, "zip_error_fini");
    lz.error_strerror = lz_symbol(lib, "zip_error_strerror");
    lz.fopen_index = lz_symbol(lib, "zip_fopen_index");
    lz.file_read = lz_symbol(lib, "zip_fread");
    lz.file_close = lz_symbol(lib, "zip_fclose");
    lz.file_get_error = lz_symbol(lib, "zip_file_get_error");
    lz.get_error = lz_symbol(lib, "zip_get_error");
    lz.get_name = lz_symbol(lib, "zip_get_name");
    lz.get_num_entries = lz_symbol(lib, "zip_get_num_entries");
    lz.name_locate = lz_symbol(lib, "zip_name_locate");
    lz.stat_index = lz_symbol(lib, "zip_stat_index");
}

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
                   entry ? entry : "?", lz.error_strerror(e));
}

/* Inflates entry i into buf (grown as needed, when buf is not NULL) or
 * only counts it, at most ZIPFILE_MAX_ENTRY bytes: its real size in *len. */
static char *inflate_entry(zipfile *z, zip_uint64_t i, char **buf, size_t *len)
{
    const char *name = lz.get_name(z->zip, i, ZIP_FL_ENC_GUESS);
    zip_file_t *f = lz.fopen_index(z->zip, i, 0);
    if (!f)
        return damaged(z, name, lz.get_error(z->zip));
    char chunk[65536];
    size_t cap = 0;
    char *err = NULL;
    *len = 0;
    for (zip_int64_t got; !err && (got = lz.file_read(f, chunk, sizeof chunk)) != 0;) {
        if (got < 0)
            err = damaged(z, name, lz.file_get_error(f));
        else if ((uint64_t)*len + (uint64_t)got > ZIPFILE_MAX_ENTRY)
            err = too_big(z, name);
        else if (buf) {
            *buf = mem_reserve(*buf, &cap, *len + (size_t)got + 1, 1, 65536);
            memcpy(*buf + *len, chunk, (size_t)got);
        }
        if (!err)
            *len += (size_t)got;
    }
    lz.file_close(f);
    if (buf && *buf)
        (*buf)[*len] = '\0';
    return err;
}

/* Every entry inflated and counted: what pandoc will unpack is bounded. */
static char *check_entries(zipfile *z)
{
    zip_int64_t n = lz.get_num_entries(z->zip, 0);
    if (n > ZIPFILE_MAX_ENTRIES)
        return mem_printf("%s holds more than %d parts: refused (a zip bomb?)", z->path,
                       ZIPFILE_MAX_ENTRIES);
    uint64_t total = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        const char *name = lz.get_name(z->zip, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        if (lz.stat_index(z->zip, (zip_uint64_t)i, 0, &st) == 0 &&
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
    pthread_once(&lz_once, lz_load);
    if (lz_failure) {
        *err = mem_printf("%s cannot be read: %s", path, lz_failure);
        return NULL;
    }
    int code = 0;
    /* Not ZIP_CHECKCONS: a package pandoc reads is not refused for a
     * header that disagrees with the directory; what bounds the reading
     * is the bytes counted while inflating. */
    zip_t *zip = lz.open(path, ZIP_RDONLY, &code);
    if (!zip) {
        zip_error_t e;
        lz.error_init_with_code(&e, code);
        *err = mem_printf("%s is not a zip package, as an .odt or .docx is: %s", path,
                       lz.error_strerror(&e));
        lz.error_fini(&e);
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
    zip_int64_t i = lz.name_locate(z->zip, name, 0);
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
    lz.discard(z->zip);
    free(z->path);
    free(z);
}
