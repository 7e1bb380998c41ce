/* Shared by the compatibility tests: each check prints "ok - NAME" or "not ok - NAME (detail)". */
#ifndef CHECK_H
#define CHECK_H
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int check_failed;
#define CHECK(cond, name) do { \
        int _ok = !!(cond); \
        if (_ok) printf("ok - %s\n", name); \
        else { printf("not ok - %s (errno %d %s, line %d)\n", name, errno, strerror(errno), __LINE__); check_failed = 1; } \
        fflush(stdout); \
    } while (0)
/* A call that must fail with this errno. */
#define CHECK_ERR(call, err, name) do { errno = 0; long _r = (long)(call); CHECK(_r == -1 && errno == (err), name); } while (0)
/* Helpers several tests share (static inline: a test that does not use one gets no warning). */
#include <poll.h>
#include <time.h>
#include <sys/wait.h>
static inline void pause_ms(int ms)
{
    struct timespec d = { 0, ms * 1000000L };
    nanosleep(&d, 0);
}
/* Milliseconds of CLOCK_MONOTONIC since t0. */
static inline long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}
/* Child c exited with status 0. */
static inline int exited_ok(pid_t c)
{
    int st;
    return waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}
/* Read until want bytes came or nothing more arrives for ms (ptys move data asynchronously on Linux). */
static inline int read_for(int fd, char *buf, int want, int ms)
{
    int n = 0;
    while (n < want) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, ms) <= 0 || !(p.revents & POLLIN)) break;
        int r = read(fd, buf + n, want - n);
        if (r <= 0) break;
        n += r;
    }
    buf[n] = 0;
    return n;
}
/* Read and drop whatever arrives until 100 ms pass without more. */
static inline void drain_fd(int fd) { char b[512]; while (read_for(fd, b, sizeof(b) - 1, 100) > 0) {} }
#endif
