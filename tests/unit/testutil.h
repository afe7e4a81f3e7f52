/* testutil — helpers shared by the unit tests under tests/unit/.
 *
 * Temporary folders (made with mkdtemp, removed with everything below them)
 * and the cmocka group functions that make and remove one, files written
 * into them (text or bytes, with the folders on the way made), a whole file
 * read into memory, per-test fixtures with an arena and a diagnostics list,
 * the house style styles/kcvs.xml loaded into such an arena, and a
 * function run in a child process (for what must end the process).
 *
 * Every function is static inline, so a test that uses only some of them
 * builds without unused-function warnings. There is no state here: the
 * folder a helper works in, the arena and the diagnostics list are always
 * passed in by the test. The helpers report failure by their result (and
 * errno) and never assert, so they are usable in cmocka's setup and teardown
 * functions as well as in tests; the caller decides how to fail. Running out
 * of memory is fatal, as it is for arena_new.
 *
 * Needs -D_GNU_SOURCE (nftw, mkdtemp), as the Makefile gives, and -Isrc.
 *
 * Deliberate pairs: what `duplicates tests` lists (main() tables, tests of
 * one shape that each name one behaviour) says why at both places. */
#ifndef KCVS_TESTUTIL_H
#define KCVS_TESTUTIL_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "style.h"

/* The house style, relative to the repository root the tests run from. */
#define HOUSE_STYLE "styles/kcvs.xml"

/* ---- temporary folders --------------------------------------------------- */

/* Makes a new private folder /tmp/kcvs-test-<tag>-XXXXXX (mkdtemp) and
 * writes its path into path. False (errno set, path empty) if it could not
 * be made. */
static inline bool tmpdir_create(char path[PATH_MAX], const char *tag)
{
    int n = snprintf(path, PATH_MAX, "/tmp/kcvs-test-%s-XXXXXX", tag);
    if (n < 0 || n >= PATH_MAX || !mkdtemp(path)) {
        path[0] = '\0';
        return false;
    }
    return true;
}

/* nftw callback of tmpdir_remove: removes one file, link or (emptied)
 * folder. */
static inline int tmpdir_remove_entry(const char *path, const struct stat *sb,
                                      int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes path and everything below it, depth first; symbolic links are
 * removed, never followed. 0 on success (also for an empty path: a folder
 * tmpdir_create did not make), else -1 or the first failing remove's
 * result. */
static inline int tmpdir_remove(const char *path)
{
    if (!path[0])
        return 0;
    return nftw(path, tmpdir_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* TMPDIR_GROUP(dir, tag) defines the cmocka group functions
 * tmpdir_group_setup, which makes the temporary folder of tag
 * (tmpdir_create) in dir, the test file's char dir[PATH_MAX], and
 * tmpdir_group_teardown, which removes it with everything in it; for
 * cmocka_run_group_tests(tests, tmpdir_group_setup, tmpdir_group_teardown),
 * or to call from a test file's own group functions. */
#define TMPDIR_GROUP(dir, tag)                                                \
    static int tmpdir_group_setup(void **state)                               \
    {                                                                         \
        (void)state;                                                          \
        return tmpdir_create(dir, tag) ? 0 : -1;                              \
    }                                                                         \
    static int tmpdir_group_teardown(void **state)                            \
    {                                                                         \
        (void)state;                                                          \
        return tmpdir_remove(dir);                                            \
    }

/* ---- files --------------------------------------------------------------- */

/* Writes dir/name into out. False (ENAMETOOLONG) if it does not fit. */
static inline bool path_join(char out[PATH_MAX], const char *dir,
                             const char *name)
{
    int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
    if (n < 0 || n >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return false;
    }
    return true;
}

/* Writes len bytes as the file dir/name, replacing it if it exists. name may
 * hold folders ("sections/a.xml"): those below dir that do not exist yet are
 * made (mode 0700); dir itself must exist. False (errno set) on any
 * failure. */
static inline bool write_bytes_file(const char *dir, const char *name,
                                    const void *bytes, size_t len)
{
    char path[PATH_MAX];
    if (!path_join(path, dir, name))
        return false;
    for (char *p = path + strlen(dir) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            bool made = mkdir(path, 0700) == 0 || errno == EEXIST;
            *p = '/';
            if (!made)
                return false;
        }
    FILE *out = fopen(path, "wb");
    if (!out)
        return false;
    bool ok = fwrite(bytes, 1, len, out) == len;
    return fclose(out) == 0 && ok;
}

/* write_bytes_file with the bytes of a NUL-terminated text (without the
 * NUL). */
static inline bool write_text_file(const char *dir, const char *name,
                                   const char *text)
{
    return write_bytes_file(dir, name, text, strlen(text));
}

/* The whole file at path as a NUL-terminated string (malloc'ed: the caller
 * frees it), or NULL if it cannot be read. */
static inline char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0)
        s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    return s;
}

/* ---- fixtures ------------------------------------------------------------ */

/* For a cmocka setup function: a new zeroed fixture of size bytes, also
 * stored in *state for the test and its teardown, which frees it with
 * free. Never NULL: out of memory, the test program ends. */
static inline void *fixture_new(void **state, size_t size)
{
    void *f = calloc(1, size);
    if (!f) {
        fputs("out of memory for a test fixture\n", stderr);
        abort();
    }
    *state = f;
    return f;
}

/* What most fixtures hold: a new arena (returned; arena_new never returns
 * NULL) and an empty diagnostics list in diags. */
static inline arena *fixture_arena_open(diag_list *diags)
{
    diag_init(diags);
    return arena_new();
}

/* Frees what fixture_arena_open made: the diagnostics, then the arena and
 * everything allocated in it. */
static inline void fixture_arena_close(arena *a, diag_list *diags)
{
    diag_clear(diags);
    arena_free(a);
}

/* The house style loaded into a, with no fallback font folder; NULL if it
 * did not load. Whatever it reports is added to diags. */
static inline const style *house_style_load(arena *a, diag_list *diags)
{
    return style_load(a, HOUSE_STYLE, NULL, diags);
}

/* ---- a child process ------------------------------------------------------ */

/* Runs fn in a child process with its stderr captured into err (always
 * terminated); returns the raw wait status, -1 if the child could not be
 * run. A child whose fn returns exits with status 77. */
static inline int child_status(void (*fn)(void), char *err, size_t err_size)
{
    int pipe_fd[2];
    if (err_size == 0 || pipe(pipe_fd) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(pipe_fd[0]);
        dup2(pipe_fd[1], STDERR_FILENO);
        fn();
        _exit(77);
    }
    close(pipe_fd[1]);
    size_t got = 0;
    ssize_t n;
    while (got + 1 < err_size &&
           (n = read(pipe_fd[0], err + got, err_size - 1 - got)) > 0)
        got += (size_t)n;
    err[got] = '\0';
    close(pipe_fd[0]);
    int status = 0;
    return waitpid(pid, &status, 0) == pid ? status : -1;
}

/* NULL when fn ended the process as running out of memory does (exit
 * status 2 and an "out of memory" line on stderr), else what went wrong,
 * in msg. */
static inline const char *child_ran_out_of_memory(void (*fn)(void), char *msg, size_t size)
{
    char err[4096];
    int status = child_status(fn, err, sizeof err);
    if (status < 0)
        snprintf(msg, size, "the child could not be run");
    else if (!WIFEXITED(status))
        snprintf(msg, size, "child did not exit normally (signal %d); stderr: %s",
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0, err);
    else if (WEXITSTATUS(status) == 77)
        snprintf(msg, size, "the allocation returned instead of stopping the process");
    else if (WEXITSTATUS(status) != 2)
        snprintf(msg, size, "exit status %d, expected 2; stderr: '%s'", WEXITSTATUS(status), err);
    else if (!strstr(err, "out of memory"))
        snprintf(msg, size, "no 'out of memory' message on stderr: '%s'", err);
    else
        return NULL;
    return msg;
}

/* A cmocka assertion that fn ends the process as running out of memory
 * does: a macro, because fail_msg exists only where the test included
 * cmocka.h (the functions above never assert). */
#define assert_exits_out_of_memory(fn)                                  \
    do {                                                                \
        char oom_msg_[4200];                                            \
        if (child_ran_out_of_memory((fn), oom_msg_, sizeof oom_msg_))   \
            fail_msg("%s", oom_msg_);                                   \
    } while (0)

#endif
