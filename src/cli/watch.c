#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { WATCH_DEBOUNCE_MS = 40, WATCH_MAX_DEPTH = 16 };

static const unsigned watch_mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE |
                                   IN_DELETE | IN_MOVED_FROM | IN_ATTRIB;

/* The output's folder (by device and inode, whatever the spelling) and
 * name: events on it and on its temporary files are the build's own. */
typedef struct watch_output {
    bool known;
    dev_t dev;
    ino_t ino;
    char base[NAME_MAX + 1];
    int wd;        /* the watch on its folder, -1 when it is not watched */
} watch_output;

/* inotify gives the same descriptor for a folder watched twice (as the
 * report's folder and the style's), so the output folder's is looked up
 * each time a watch is added. */
static void note_watch(watch_output *out, int wd, const char *dir)
{
    struct stat st;
    if (out->known && wd >= 0 && stat(dir, &st) == 0 && st.st_dev == out->dev &&
        st.st_ino == out->ino)
        out->wd = wd;
}

static void watch_tree(int fd, const char *dir, int depth, watch_output *out)
{
    if (depth > WATCH_MAX_DEPTH)
        return;
    int wd = inotify_add_watch(fd, dir, watch_mask);
    if (wd < 0)
        return;
    note_watch(out, wd, dir);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            watch_tree(fd, path, depth + 1, out);
    }
    closedir(d);
}

static void folder_of(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    char *slash = strrchr(out, '/');
    if (slash && slash != out)
        *slash = '\0';
    else if (slash)
        slash[1] = '\0';
    else
        snprintf(out, size, ".");
}

static void output_identify(watch_output *out, const char *output)
{
    char dir[PATH_MAX];
    struct stat st;
    out->wd = -1;
    out->known = false;
    if (!output)
        return;
    folder_of(output, dir, sizeof dir);
    const char *base = strrchr(output, '/');
    snprintf(out->base, sizeof out->base, "%s", base ? base + 1 : output);
    if (stat(dir, &st) == 0) {
        out->known = true;
        out->dev = st.st_dev;
        out->ino = st.st_ino;
    }
}

/* The output itself, or one of its temporary files (.NAME.XXXXXX). */
static bool is_output(const watch_output *out, const struct inotify_event *ev)
{
    if (!out->known || ev->wd != out->wd)
        return false;
    size_t n = strlen(out->base);
    if (strcmp(ev->name, out->base) == 0)
        return true;
    return ev->name[0] == '.' && strncmp(ev->name + 1, out->base, n) == 0 &&
           ev->name[n + 1] == '.' && strlen(ev->name + n + 2) == 6;
}

/* Our own outputs and temporary files are not sources. */
static bool event_matters(const struct inotify_event *ev, const watch_output *out)
{
    if (!ev->len)
        return true;
    const char *name = ev->name;
    size_t n = strlen(name);
    if (is_output(out, ev) || name[0] == '.' ||
        (n > 4 && strcmp(name + n - 4, ".pdf") == 0) || name[n - 1] == '~')
        return false;
    return true;
}

/* Reads whatever is pending; true when a relevant change was seen. */
static bool drain_events(int fd, int timeout_ms, const watch_output *out)
{
    bool relevant = false;
    struct pollfd p = { fd, POLLIN, 0 };
    while (poll(&p, 1, timeout_ms) > 0) {
        char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (char *ptr = buf; ptr < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)ptr;
            relevant |= event_matters(ev, out);
            ptr += sizeof *ev + ev->len;
        }
        timeout_ms = WATCH_DEBOUNCE_MS;
    }
    return relevant;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void rebuild(watch_build_fn build, void *user)
{
    double t0 = now_ms();
    int status = build(user);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char clock[16];
    strftime(clock, sizeof clock, "%H:%M:%S", &tm);
    fprintf(stderr, "kcvs-pdf: %s %s in %.0f ms\n", clock,
            status == 0 ? "rebuilt" : "build failed", now_ms() - t0);
}

int watch_run(const char *source, const char *style_path, const char *output,
              watch_build_fn build, void *user)
{
    int fd = inotify_init1(IN_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "kcvs-pdf: error: cannot watch files: %s\n", strerror(errno));
        return 2;
    }
    watch_output out;
    output_identify(&out, output);
    char dir[PATH_MAX];
    folder_of(source, dir, sizeof dir);
    watch_tree(fd, dir, 0, &out);
    folder_of(style_path, dir, sizeof dir);
    note_watch(&out, inotify_add_watch(fd, dir, watch_mask), dir);
    rebuild(build, user);
    fprintf(stderr, "kcvs-pdf: watching %s for changes (Ctrl-C stops)\n", source);
    for (;;) {
        if (!drain_events(fd, -1, &out))
            continue;
        /* New folders (a new section folder) are watched from now on. */
        folder_of(source, dir, sizeof dir);
        watch_tree(fd, dir, 0, &out);
        rebuild(build, user);
    }
}
