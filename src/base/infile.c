#include "infile.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *infile_errno_reason(int err)
{
    if (err == ENOENT || err == ENOTDIR)
        return "file not found";
    return strerror(err);
}

bool infile_errno_is_environment(int err)
{
    return err == ENOMEM || err == EMFILE || err == ENFILE || err == EIO || err == ENOSPC;
}

/* Closes fd and returns -1 with errno err (close may set its own). */
static int infile_refuse(int fd, int err)
{
    close(fd);
    errno = err;
    return -1;
}

int infile_open(const char *path, struct stat *st, const char **why)
{
    /* O_NONBLOCK: opening a FIFO without a writer (or some devices) would
     * otherwise wait forever, before fstat could say what it is. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int err = errno;
        *why = err == EISDIR ? "it is a folder, not a file" : infile_errno_reason(err);
        errno = err;
        return -1;
    }
    if (fstat(fd, st) != 0) {
        int err = errno;
        *why = infile_errno_reason(err);
        return infile_refuse(fd, err);
    }
    if (!S_ISREG(st->st_mode)) {
        *why = S_ISDIR(st->st_mode) ? "it is a folder, not a file"
                                    : "not a regular file (a FIFO, device or socket)";
        return infile_refuse(fd, 0);
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
        int err = errno;
        *why = strerror(err);
        infile_refuse(fd, err);
    }
    return f;
}

char *infile_read_fd(int fd, const struct stat *st, size_t max, size_t *len,
                     const char **why)
{
    *len = 0;
    if (st->st_size < 0 || (unsigned long long)st->st_size > max) {
        *why = "larger than the limit";
        infile_refuse(fd, 0);
        return NULL;
    }
    size_t size = (size_t)st->st_size;
    char *buf = mem_alloc(size + 1, 1);
    /* Read one byte past the stated size: a file that grows while read is
     * noticed instead of silently cut. */
    size_t got = 0;
    int err = 0;
    for (;;) {
        char extra;
        ssize_t n = got < size ? read(fd, buf + got, size - got) : read(fd, &extra, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = errno;
            *why = strerror(err);
            break;
        }
        if (n == 0 || got == size) {
            *why = n == 0 && got == size ? NULL : "the file changed while it was read";
            break;
        }
        got += (size_t)n;
    }
    if (*why) {
        free(buf);
        infile_refuse(fd, err);
        return NULL;
    }
    close(fd);
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

/* ---- mapped files --------------------------------------------------- */

/* Enough for every face a style can name (shape/font.c's limit is 32). */
enum { INFILE_MAX_MAPPED = 64 };

/* The registry the SIGBUS handler reads. A slot is filled (len, path)
 * before its start is published, and its start withdrawn before the
 * mapping goes: the handler never sees a half-written slot. */
static struct {
    _Atomic(const char *) start;
    size_t len;
    const char *path;
} infile_mapped[INFILE_MAX_MAPPED];
static pthread_mutex_t infile_mapped_lock = PTHREAD_MUTEX_INITIALIZER;
static bool infile_mapped_taken[INFILE_MAX_MAPPED];

static int infile_take_slot(void)
{
    pthread_mutex_lock(&infile_mapped_lock);
    int slot = -1;
    for (int i = 0; i < INFILE_MAX_MAPPED && slot < 0; i++)
        if (!infile_mapped_taken[i])
            slot = i;
    if (slot >= 0)
        infile_mapped_taken[slot] = true;
    pthread_mutex_unlock(&infile_mapped_lock);
    return slot;
}

static void infile_give_slot(int slot)
{
    pthread_mutex_lock(&infile_mapped_lock);
    infile_mapped_taken[slot] = false;
    pthread_mutex_unlock(&infile_mapped_lock);
}

/* Read instead of mapped: the bytes as infile_read_fd gives them. */
static bool infile_map_by_reading(int fd, const struct stat *st, size_t max,
                                  infile_bytes *out, const char **why)
{
    out->data = infile_read_fd(fd, st, max, &out->len, why);
    return out->data != NULL;
}

bool infile_map(const char *path, size_t max, infile_bytes *out, const char **why)
{
    *out = (infile_bytes){ 0 };
    struct stat st;
    int fd = infile_open(path, &st, why);
    if (fd < 0)
        return false;
    int slot = st.st_size > 0 && (unsigned long long)st.st_size <= max ? infile_take_slot() : -1;
    if (slot < 0)
        return infile_map_by_reading(fd, &st, max, out, why);
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int err = errno;
    close(fd);
    if (p == MAP_FAILED) {
        *why = strerror(err);
        infile_give_slot(slot);
        errno = err;
        return false;
    }
    out->data = p;
    out->len = (size_t)st.st_size;
    out->mapped = true;
    out->path = mem_strdup(path);
    infile_mapped[slot].len = out->len;
    infile_mapped[slot].path = out->path;
    atomic_store_explicit(&infile_mapped[slot].start, out->data, memory_order_release);
    return true;
}

void infile_unmap(infile_bytes *b)
{
    if (!b->mapped) {
        free((void *)b->data);
        *b = (infile_bytes){ 0 };
        return;
    }
    for (int i = 0; i < INFILE_MAX_MAPPED; i++)
        if (atomic_load_explicit(&infile_mapped[i].start, memory_order_acquire) == b->data) {
            atomic_store_explicit(&infile_mapped[i].start, NULL, memory_order_release);
            infile_give_slot(i);
            break;
        }
    munmap((void *)b->data, b->len);
    free(b->path);
    *b = (infile_bytes){ 0 };
}

const char *infile_mapped_path(const void *addr)
{
    /* as integers: addr may lie in no mapping at all */
    uintptr_t a = (uintptr_t)addr;
    for (int i = 0; i < INFILE_MAX_MAPPED; i++) {
        const char *start = atomic_load_explicit(&infile_mapped[i].start, memory_order_acquire);
        if (start && a >= (uintptr_t)start && a - (uintptr_t)start < infile_mapped[i].len)
            return infile_mapped[i].path;
    }
    return NULL;
}
