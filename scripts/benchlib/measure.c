/* Runs a command and reports its wall time and peak RSS.
 *
 * Usage: measure REPORT-FD COMMAND [ARG...]
 *
 * Why this exists: a process exec'd directly from the Python runner inherits
 * the runner's RSS high-water mark (exec records the old address space's peak
 * in ru_maxrss), so every measurement would read at least Python's ~20 MiB.
 * This helper is tiny, so the command forked from here starts from a small
 * high-water mark. It writes "exit CODE" or "signal N", then "maxrss KB" and
 * "wall SECONDS", one per line, to REPORT-FD, and exits with the command's
 * status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: measure REPORT-FD COMMAND [ARG...]\n");
        return 125;
    }
    int report_fd = atoi(argv[1]);
    FILE *report = fdopen(report_fd, "w");
    if (report == NULL) {
        perror("measure: report fd");
        return 125;
    }
    double start = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("measure: fork");
        return 125;
    }
    if (pid == 0) {
        close(report_fd);
        execvp(argv[2], argv + 2);
        fprintf(stderr, "measure: cannot run %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage usage;
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            perror("measure: wait4");
            return 125;
        }
    }
    double wall = now() - start;
    if (WIFSIGNALED(status))
        fprintf(report, "signal %d\n", WTERMSIG(status));
    else
        fprintf(report, "exit %d\n", WEXITSTATUS(status));
    fprintf(report, "maxrss %ld\nwall %.9f\n", usage.ru_maxrss, wall);
    fclose(report);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
