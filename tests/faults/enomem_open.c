/* An LD_PRELOAD shim for the fault-injection tests (tests/faults): opening
 * a file whose path ends with $KCVS_FAULT_ENOMEM_SUFFIX fails with ENOMEM,
 * as fopen does when a low ulimit -v leaves malloc no room for its FILE
 * (and open when the kernel is short). A ulimit -v cannot aim at one
 * file; this can.
 *
 * Every way in is covered, for libxml2 tries its readers one after the
 * other: its xz reader (open), zlib's gzopen (open, inside libz) and its
 * plain one (fopen), and only the last one's errno becomes its error. */

/* _FORTIFY_SOURCE would make open an inline wrapper this file cannot
 * define. */
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static int refused(const char *path)
{
    const char *suffix = getenv("KCVS_FAULT_ENOMEM_SUFFIX");
    if (!path || !suffix || !*suffix)
        return 0;
    size_t n = strlen(path), k = strlen(suffix);
    if (n < k || strcmp(path + n - k, suffix) != 0)
        return 0;
    errno = ENOMEM;
    return 1;
}

/* The mode, which open and openat are only passed when the flags create
 * a file; a macro, for only the variadic function itself may read it. */
#define MODE_OF(flags, mode)                                            \
    mode_t mode = 0;                                                    \
    if (((flags) & O_CREAT) || ((flags) & O_TMPFILE) == O_TMPFILE) {    \
        va_list ap;                                                     \
        va_start(ap, flags);                                            \
        mode = va_arg(ap, mode_t);                                      \
        va_end(ap);                                                     \
    }

enum { NO_DIR = -1000 }; /* open's: no folder argument (AT_FDCWD is -100) */

static int open_next(const char *name, int dir, const char *path, int flags, mode_t mode)
{
    if (refused(path))
        return -1;
    void *real = dlsym(RTLD_NEXT, name);
    if (dir == NO_DIR)
        return ((int (*)(const char *, int, ...))real)(path, flags, mode);
    return ((int (*)(int, const char *, int, ...))real)(dir, path, flags, mode);
}

static FILE *fopen_next(const char *name, const char *path, const char *mode)
{
    if (refused(path))
        return NULL;
    return ((FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, name))(path, mode);
}

int open(const char *path, int flags, ...)
{
    MODE_OF(flags, mode);
    return open_next("open", NO_DIR, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    MODE_OF(flags, mode);
    return open_next("open64", NO_DIR, path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
    MODE_OF(flags, mode);
    return open_next("openat", dir, path, flags, mode);
}

int openat64(int dir, const char *path, int flags, ...)
{
    MODE_OF(flags, mode);
    return open_next("openat64", dir, path, flags, mode);
}

FILE *fopen(const char *path, const char *mode)
{
    return fopen_next("fopen", path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
    return fopen_next("fopen64", path, mode);
}
