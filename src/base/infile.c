#include "infile.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *infile_errno_reason(int err)
{
    if (err == ENOENT || err == ENOTDIR)
        return "file not found";
    return strerror(err);
}

int infile_open(const char *path, struct stat *st, const char **why)
{
    /* O_NONBLOCK: opening a FIFO without a writer (or some devices) would
     * otherwise wait forever, before fstat could say what it is. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *why = errno == EISDIR ? "it is a folder, not a file" : infile_errno_reason(errno);
        return -1;
    }
    if (fstat(fd, st) != 0) {
        *why = infile_errno_reason(errno);
        close(fd);
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        *why = S_ISDIR(st->st_mode) ? "it is a folder, not a file"
                                    : "not a regular file (a FIFO, device or socket)";
        close(fd);
        return -1;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

FILE *infile_fopen(const char *path, const char **why)
{
    struct stat st;
    int fd = infile_open(path, &st, why);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        *why = strerror(errno);
        close(fd);
    }
    return f;
}

char *infile_read_fd(int fd, const struct stat *st, size_t max, size_t *len,
                     const char **why)
{
    *len = 0;
    if (st->st_size < 0 || (unsigned long long)st->st_size > max) {
        *why = "larger than the limit";
        close(fd);
        return NULL;
    }
    size_t size = (size_t)st->st_size;
    char *buf = mem_alloc(size + 1, 1);
    /* Read one byte past the stated size: a file that grows while read is
     * noticed instead of silently cut. */
    size_t got = 0;
    for (;;) {
        char extra;
        ssize_t n = got < size ? read(fd, buf + got, size - got) : read(fd, &extra, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *why = strerror(errno);
            break;
        }
        if (n == 0 || got == size) {
            *why = n == 0 && got == size ? NULL : "the file changed while it was read";
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    if (*why) {
        free(buf);
        return NULL;
    }
    buf[got] = '\0';
    *len = got;
    return buf;
}

char *infile_read(const char *path, size_t max, size_t *len, const char **why)
{
    struct stat st;
    *len = 0;
    int fd = infile_open(path, &st, why);
    return fd < 0 ? NULL : infile_read_fd(fd, &st, max, len, why);
}
