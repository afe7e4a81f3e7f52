/* spawn — one timed run for bench/bench.py.
 *
 *   spawn STDERR-FILE TIMEOUT-SECONDS PROGRAM [ARG...]
 *
 * Runs PROGRAM in a process group of its own, stdin and stdout on
 * /dev/null, stderr into STDERR-FILE, kills the group after
 * TIMEOUT-SECONDS, and prints one line: wall seconds, peak RSS in KiB
 * (ru_maxrss, which takes in the descendants it reaped), the wait status,
 * user+system CPU seconds.
 *
 * Why a process of its own: the peak the kernel reports for a child
 * starts from the memory of the process it was spawned from (vfork shares
 * it until the exec, fork copies it). Spawned from bench.py, every run
 * looked at least as large as Python after it had read and hashed the
 * binary; spawned from this, the floor is this program's ~1 MiB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t child;

static void kill_group(int sig)
{
    (void)sig;
    if (child > 0)
        kill(-child, SIGKILL);
}

static double seconds(const struct timespec *t)
{
    return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static void run_child(char **argv, const char *err_path)
{
    setpgid(0, 0);
    int null = open("/dev/null", O_RDWR);
    int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (null < 0 || err < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(err, 2) < 0)
        _exit(126);
    execvp(argv[0], argv);
    fprintf(stderr, "spawn: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: spawn STDERR-FILE TIMEOUT-SECONDS PROGRAM [ARG...]\n");
        return 2;
    }
    struct sigaction sa = { .sa_handler = kill_group };
    sigaction(SIGALRM, &sa, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "spawn: cannot fork: %s\n", strerror(errno));
        return 2;
    }
    if (pid == 0)
        run_child(argv + 3, argv[1]);
    setpgid(pid, pid); /* also here: the group exists before any kill */
    child = pid;
    alarm((unsigned)atoi(argv[2]));
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "spawn: cannot wait for %s: %s\n", argv[3], strerror(errno));
            return 2;
        }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    alarm(0);
    printf("%.9f %ld %d %.6f\n", seconds(&t1) - seconds(&t0), ru.ru_maxrss, status,
           (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
    return 0;
}
