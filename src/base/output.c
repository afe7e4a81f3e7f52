#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hpdf_doc.h>
#include <hpdf_streams.h>

#include "infile.h"
#include "mem.h"

/* The temporary file the signal handler removes. Written only with the
 * handled signals blocked, so the handler never sees half a path. */
static char output_signal_temp[PATH_MAX];

/* SIGQUIT too: Ctrl-\\ ends a run as Ctrl-C does, its core dump of no use
 * to an editor and its temporary file left beside the PDF. */
static const int output_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void output_on_signal(int sig)
{
    /* unlink and _exit are async-signal-safe; nothing else is called. */
    if (output_signal_temp[0])
        unlink(output_signal_temp);
    _exit(128 + sig);
}

static void output_say(const char *s)
{
    ssize_t n = write(STDERR_FILENO, s, strlen(s));
    (void)n; /* nothing more can be done about stderr here */
}

/* A mapped input read past its end: the file was cut short while the
 * run read it (infile_map). It ends as a failed run does, with the
 * file's name and no output; any other SIGBUS is a fault and, with the
 * handler reset, kills the process when raised again. */
static void output_on_bus(int sig, siginfo_t *info, void *context)
{
    (void)context;
    /* write, strlen, unlink, raise and _exit are async-signal-safe */
    const char *path = infile_mapped_path(info->si_addr);
    if (!path) {
        raise(sig);
        return;
    }
    output_say(path);
    output_say(": error: the file was cut short while it was read; nothing was written\n");
    if (output_signal_temp[0])
        unlink(output_signal_temp);
    _exit(2);
}

void output_install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof output_signals / sizeof *output_signals; i++)
        sigaddset(&sa.sa_mask, output_signals[i]);
    sa.sa_handler = output_on_signal;
    for (size_t i = 0; i < sizeof output_signals / sizeof *output_signals; i++)
        sigaction(output_signals[i], &sa, NULL);
    struct sigaction bus;
    memset(&bus, 0, sizeof bus);
    sigemptyset(&bus.sa_mask);
    bus.sa_sigaction = output_on_bus;
    bus.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigaction(SIGBUS, &bus, NULL);
    /* A reader that goes away (`| head`) becomes EPIPE on the write, which
     * is reported, instead of a silent death that leaves files behind. */
    signal(SIGPIPE, SIG_IGN);
    /* So does a file size limit (ulimit -f): EFBIG on the write, reported,
     * the temporary file removed, instead of death by SIGXFSZ with the
     * temporary file left and no word of kcvs-pdf's. */
    signal(SIGXFSZ, SIG_IGN);
}

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof output_signals / sizeof *output_signals; i++)
        sigaddset(&set, output_signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void output_error(diag_list *d, const char *name, const char *fmt, const char *cause)
{
    diag_add(d, DIAG_ENVIRONMENT, (src_loc){ name, 0, 0 }, fmt, cause);
}

/* The folder part of path ("." when there is none). */
static void folder_of(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    char *slash = strrchr(out, '/');
    if (!slash)
        snprintf(out, size, ".");
    else if (slash == out)
        slash[1] = '\0';
    else
        *slash = '\0';
}

/* A name that ends in '/', "." or ".." is a folder's, and one longer than
 * a name can be is no file's: refused before any folder is made for it
 * (the rename failed only after the whole run, the folders made left
 * behind). */
static bool names_a_file(const char *name, diag_list *diags)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    /* Not known from stat when a folder on the way is still to be made. */
    if (strlen(base) > NAME_MAX) {
        output_error(diags, name, "cannot write the output: %s", strerror(ENAMETOOLONG));
        return false;
    }
    if (*base && strcmp(base, ".") != 0 && strcmp(base, "..") != 0)
        return true;
    diag_add(diags, DIAG_ENVIRONMENT, (src_loc){ *name ? name : NULL, 0, 0 },
             "cannot write the output: %s",
             *name ? "it names a folder, not a file: end it with a file name such as report.pdf"
                   : "the name given with -o is empty");
    return false;
}

bool output_make_folder(const char *name, diag_list *diags)
{
    char dir[PATH_MAX];
    if (!names_a_file(name, diags))
        return false;
    if (strlen(name) >= sizeof dir) {
        output_error(diags, name, "cannot write the output: %s", strerror(ENAMETOOLONG));
        return false;
    }
    folder_of(name, dir, sizeof dir);
    /* Each ancestor in turn, like mkdir -p: out/2026/report.pdf works. */
    for (char *p = dir + 1;; p++) {
        bool end = *p == '\0';
        if (*p == '/' || end) {
            *p = '\0';
            /* An existing folder may answer EACCES or EROFS, not EEXIST. */
            struct stat st;
            int err = mkdir(dir, 0777) == 0 ? 0 : errno;
            if (err && !(stat(dir, &st) == 0 && S_ISDIR(st.st_mode))) {
                diag_add(diags, DIAG_ENVIRONMENT, (src_loc){ name, 0, 0 },
                         "cannot create the output folder '%s': %s", dir, strerror(err));
                return false;
            }
            if (end)
                break;
            *p = '/';
        }
    }
    return true;
}

static mode_t current_umask(void)
{
    /* umask can only be read by setting it: set it straight back. */
    mode_t mask = umask(022);
    umask(mask);
    return mask;
}

/* Creates the temporary file with the target's final mode, recorded for
 * the signal handler before a signal can see the file exist. */
static bool create_temp(output_file *o, diag_list *diags)
{
    char dir[PATH_MAX];
    folder_of(o->name, dir, sizeof dir);
    const char *base = strrchr(o->name, '/');
    base = base ? base + 1 : o->name;
    /* ".NAME.XXXXXX" is 8 bytes longer than the target's name, which may
     * be as long as a name or a path can be: the part taken from NAME is
     * cut to fit (it only has to start with '.' beside the target). */
    size_t keep = strlen(base), fixed = strlen(dir) + strlen("/..XXXXXX");
    if (keep > NAME_MAX - 8)
        keep = NAME_MAX - 8;
    if (fixed + keep >= sizeof o->temp && fixed < sizeof o->temp)
        keep = sizeof o->temp - 1 - fixed;
    int n = snprintf(o->temp, sizeof o->temp, "%s/.%.*s.XXXXXX", dir, (int)keep, base);
    if (n < 0 || (size_t)n >= sizeof o->temp || (size_t)n >= sizeof output_signal_temp) {
        o->temp[0] = '\0';
        output_error(diags, o->name, "cannot write the output: %s", strerror(ENAMETOOLONG));
        return false;
    }
    sigset_t old;
    block_signals(&old);
    int fd = mkstemp(o->temp);
    int err = errno;
    if (fd >= 0)
        memcpy(output_signal_temp, o->temp, (size_t)n + 1);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (fd < 0) {
        o->temp[0] = '\0';
        output_error(diags, o->name, "cannot write the output: %s", strerror(err));
        return false;
    }
    /* mkstemp makes 0600; the PDF gets what a new file would get under the
     * umask, or what the file it replaces had. */
    bool ok = fchmod(fd, o->mode) == 0;
    err = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        output_error(diags, o->name, "cannot write the output: %s", strerror(err));
        output_discard(o);
    }
    return ok;
}

bool output_open(output_file *o, const char *name, diag_list *diags)
{
    memset(o, 0, sizeof *o);
    o->name = name;
    o->mode = 0666 & ~current_umask();
    struct stat st;
    if (stat(name, &st) == 0) {
        /* rename() would replace a device node or FIFO by a regular file
         * (as root, /dev/null), and cannot replace a folder. */
        if (!S_ISREG(st.st_mode)) {
            output_error(diags, name, "cannot write the output: %s",
                         S_ISDIR(st.st_mode) ? "it is a folder"
                                             : "it is not a regular file (a device or FIFO?)");
            return false;
        }
        o->exists = true;
        o->dev = st.st_dev;
        o->ino = st.st_ino;
        o->mode = st.st_mode & 07777;
    } else if (errno != ENOENT) {
        output_error(diags, name, "cannot write the output: %s", strerror(errno));
        return false;
    }
    return output_make_folder(name, diags) && create_temp(o, diags);
}

bool output_check_input(const output_file *o, const char *input, const char *what,
                        diag_list *diags)
{
    struct stat st;
    if (!o || !o->exists || !input || stat(input, &st) != 0)
        return true;
    return output_check_input_id(o, st.st_dev, st.st_ino, input, what, diags);
}

bool output_check_input_id(const output_file *o, dev_t dev, ino_t ino, const char *input,
                           const char *what, diag_list *diags)
{
    if (!o || !o->exists || dev != o->dev || ino != o->ino)
        return true;
    diag_add(diags, DIAG_ENVIRONMENT, (src_loc){ o->name, 0, 0 },
             "cannot write the output: it is %s of the document (%s); choose another -o",
             what, input);
    return false;
}

static bool write_all(int fd, const HPDF_BYTE *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* libharu writes the document through this sink straight into the file,
 * not into a memory stream of the whole PDF copied out afterwards (that
 * copy was the largest single block at the peak of a long document). Its
 * writes come token by token: they are gathered in a buffer. */
typedef struct fd_sink {
    int fd;
    int err; /* errno of the first failed write, 0 */
    size_t used;
    off_t written, handed; /* bytes written; of them, handed to writeback */
    HPDF_BYTE buf[1 << 16];
} fd_sink;

/* The written bytes are handed to the kernel's writeback a few MiB at a
 * time, while the rest is still being made: the fsync that makes the file
 * durable then waits for the last few only (x100's 8.7 MB: ~7 ms of
 * waiting at the end). A hint: the fsync still says whether it all got
 * to the disk. */
enum { OUTPUT_WRITEBACK_STEP = 4 << 20 };

static bool sink_flush(fd_sink *k)
{
    if (!k->err && !write_all(k->fd, k->buf, k->used))
        k->err = errno ? errno : EIO;
    k->written += (off_t)k->used;
    k->used = 0;
    if (!k->err && k->written - k->handed >= OUTPUT_WRITEBACK_STEP) {
        (void)sync_file_range(k->fd, k->handed, k->written - k->handed,
                              SYNC_FILE_RANGE_WRITE);
        k->handed = k->written;
    }
    return !k->err;
}

static HPDF_STATUS sink_write(HPDF_Stream s, const HPDF_BYTE *p, HPDF_UINT n)
{
    fd_sink *k = s->attr;
    while (n > 0) {
        if (k->used == sizeof k->buf && !sink_flush(k))
            return HPDF_FILE_IO_ERROR;
        size_t room = sizeof k->buf - k->used, take = n < room ? n : room;
        memcpy(k->buf + k->used, p, take);
        k->used += take, p += take, n -= (HPDF_UINT)take;
    }
    return HPDF_OK;
}

/* HPDF_SaveToStream into the sink: libharu saves into pdf->stream, which
 * it only empties first when it is a memory stream. */
static bool save_into(HPDF_Doc pdf, fd_sink *k)
{
    pdf->stream = HPDF_CallbackWriter_New(pdf->mmgr, sink_write, k);
    bool ok = pdf->stream && HPDF_SaveToStream(pdf) == HPDF_OK &&
              HPDF_GetError(pdf) == HPDF_OK;
    if (pdf->stream)
        HPDF_Stream_Free(pdf->stream);
    pdf->stream = NULL;
    return ok && sink_flush(k);
}

bool output_save_pdf(HPDF_Doc pdf, const char *path, const char *name, diag_list *diags)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        output_error(diags, name, "cannot write the output: %s", strerror(errno));
        return false;
    }
    fd_sink *k = mem_alloc(1, sizeof *k);
    k->fd = fd;
    bool ok = save_into(pdf, k);
    if (!ok && k->err)
        output_error(diags, name, "cannot write the output: %s", strerror(k->err));
    else if (!ok)
        diag_add(diags, DIAG_ENVIRONMENT, (src_loc){ name, 0, 0 },
                 "cannot write the PDF (libharu error 0x%04X)", (unsigned)HPDF_GetError(pdf));
    free(k);
    /* A full disk may show only here (delayed allocation, NFS). */
    if (ok && fsync(fd) != 0) {
        output_error(diags, name, "cannot write the output: %s", strerror(errno));
        ok = false;
    }
    if (close(fd) != 0 && ok) {
        output_error(diags, name, "cannot write the output: %s", strerror(errno));
        ok = false;
    }
    return ok;
}

static bool sync_folder(const char *name, diag_list *diags)
{
    char dir[PATH_MAX];
    folder_of(name, dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bool ok = fd >= 0 && fsync(fd) == 0;
    int err = errno;
    if (fd >= 0)
        close(fd);
    if (!ok)
        output_error(diags, name, "cannot write the output's folder: %s", strerror(err));
    return ok;
}

bool output_commit(output_file *o, diag_list *diags)
{
    if (rename(o->temp, o->name) != 0) {
        output_error(diags, o->name, "cannot replace the output: %s", strerror(errno));
        output_discard(o);
        return false;
    }
    sigset_t old;
    block_signals(&old);
    output_signal_temp[0] = '\0';
    sigprocmask(SIG_SETMASK, &old, NULL);
    o->temp[0] = '\0';
    /* The rename is durable only once the folder is on disk. */
    return sync_folder(o->name, diags);
}

void output_discard(output_file *o)
{
    if (!o->temp[0])
        return;
    sigset_t old;
    block_signals(&old);
    unlink(o->temp);
    output_signal_temp[0] = '\0';
    sigprocmask(SIG_SETMASK, &old, NULL);
    o->temp[0] = '\0';
}
