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

static void watch_tree(int fd, const char *dir, int depth)
{
    if (depth > WATCH_MAX_DEPTH || inotify_add_watch(fd, dir, watch_mask) < 0)
        return;
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
            watch_tree(fd, path, depth + 1);
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

/* Our own outputs and temporary files are not sources. */
static bool event_matters(const struct inotify_event *ev)
{
    if (!ev->len)
        return true;
    const char *name = ev->name;
    size_t n = strlen(name);
    if (name[0] == '.' || (n > 4 && strcmp(name + n - 4, ".pdf") == 0) ||
        name[n - 1] == '~')
        return false;
    return true;
}

/* Reads whatever is pending; true when a relevant change was seen. */
static bool drain_events(int fd, int timeout_ms)
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
            relevant |= event_matters(ev);
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

int watch_run(const char *source, const char *style_path, watch_build_fn build,
              void *user)
{
    int fd = inotify_init1(IN_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "kcvs-pdf: error: cannot watch files: %s\n", strerror(errno));
        return 2;
    }
    char dir[PATH_MAX];
    folder_of(source, dir, sizeof dir);
    watch_tree(fd, dir, 0);
    folder_of(style_path, dir, sizeof dir);
    inotify_add_watch(fd, dir, watch_mask);
    rebuild(build, user);
    fprintf(stderr, "kcvs-pdf: watching %s for changes (Ctrl-C stops)\n", source);
    for (;;) {
        if (!drain_events(fd, -1))
            continue;
        /* New folders (a new section folder) are watched from now on. */
        folder_of(source, dir, sizeof dir);
        watch_tree(fd, dir, 0);
        rebuild(build, user);
    }
}
