/* select and pselect6: readiness sets, timeouts (and the time left written back), the signal mask. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static volatile int got;
static void on_usr1(int s) { (void)s; got++; }

/* pselect6 as the kernel takes it: the timeout is written back, the mask is {pointer, size}. */
static long raw_pselect(int n, fd_set *r, fd_set *w, struct timespec *ts, const sigset_t *mask)
{
    long m[2] = { (long)mask, 8 };
    return syscall(SYS_pselect6, n, r, w, 0, ts, mask ? m : 0);
}

int main(void)
{
    int p[2];
    fd_set r, w;
    struct timeval tv;
    pipe(p);
    long rr;

    FD_ZERO(&r); FD_ZERO(&w);
    FD_SET(p[0], &r); FD_SET(p[1], &w);
    tv = (struct timeval){ 0, 0 };
    CHECK(select(p[1] + 1, &r, &w, 0, &tv) == 1 && !FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w),
          "select: an empty pipe is writable, not readable");
    write(p[1], "x", 1);
    FD_ZERO(&r); FD_ZERO(&w);
    FD_SET(p[0], &r); FD_SET(p[1], &w);
    CHECK(select(p[1] + 1, &r, &w, 0, 0) == 2 && FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w), "both ready: 2");
    char b[8];
    read(p[0], b, 1);

    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv = (struct timeval){ 0, 50000 };
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(select(p[0] + 1, &r, 0, 0, &tv) == 0 && !FD_ISSET(p[0], &r), "a timeout: 0 and an empty set");
    CHECK(ms_since(&t0) >= 45, "after the time has passed");

    struct timespec ts = { 0, 30000000 };
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    rr = raw_pselect(p[0] + 1, &r, 0, &ts, 0);
    CHECK(rr == 0 && ts.tv_sec == 0 && ts.tv_nsec == 0,
          "pselect6 writes back the time left: none after a timeout");

    pid_t c = fork();
    if (c == 0) { pause_ms(50); write(p[1], "y", 1); _exit(0); }
    ts = (struct timespec){ 5, 0 };
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK(raw_pselect(p[0] + 1, &r, 0, &ts, 0) == 1 && FD_ISSET(p[0], &r), "pselect6 waits until a pipe is readable");
    CHECK(ts.tv_sec < 5 && ts.tv_sec >= 3, "and writes back the time left");
    waitpid(c, 0, 0);
    read(p[0], b, 1);

    FD_ZERO(&r);
    FD_SET(60, &r);
    CHECK_ERR(select(61, &r, 0, 0, 0), EBADF, "a closed descriptor in a set: EBADF");
    CHECK_ERR(select(-1, 0, 0, 0, 0), EINVAL, "a negative count: EINVAL");
    tv = (struct timeval){ 0, -1 };
    CHECK_ERR(select(0, 0, 0, 0, &tv), EINVAL, "a bad timeout: EINVAL");

    int q[2];
    pipe(q);
    close(q[1]);
    FD_ZERO(&r);
    FD_SET(q[0], &r);
    CHECK(select(q[0] + 1, &r, 0, 0, 0) == 1 && FD_ISSET(q[0], &r), "a pipe with no writer is readable (end of file)");
    close(q[0]);

    /* the signal mask: SIGUSR1 blocked, let through only while pselect waits */
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, 0);
    sigset_t block, during, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, 0);
    sigemptyset(&during);
    c = fork();
    if (c == 0) { pause_ms(50); kill(getppid(), SIGUSR1); _exit(0); }
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    errno = 0;
    rr = pselect(p[0] + 1, &r, 0, 0, 0, &during);
    CHECK(rr == -1 && errno == EINTR && got == 1, "pselect's mask lets a signal in: the handler runs, EINTR");
    sigprocmask(SIG_BLOCK, 0, &now);
    CHECK(sigismember(&now, SIGUSR1), "and the old mask is back");
    waitpid(c, 0, 0);

    kill(getpid(), SIGUSR1);
    CHECK(got == 1, "blocked: the signal stays pending");
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timespec zero = { 0, 0 };
    errno = 0;
    rr = pselect(p[0] + 1, &r, 0, 0, 0, &during);
    CHECK(rr == -1 && errno == EINTR && got == 2, "a pending signal that the mask lets in: EINTR at once");
    write(p[1], "z", 1);
    kill(getpid(), SIGUSR1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    rr = pselect(p[0] + 1, &r, 0, 0, &zero, &block);
    CHECK(rr == 1 && got == 2, "with the signal kept blocked, pselect reports the ready pipe");
    sigprocmask(SIG_BLOCK, 0, &now);
    CHECK(sigismember(&now, SIGUSR1), "the mask is unchanged after a normal return");
    struct pollfd pf = { p[0], POLLIN, 0 };
    read(p[0], b, 1);
    errno = 0;
    rr = ppoll(&pf, 1, 0, &during);
    CHECK(rr == -1 && errno == EINTR && got == 3, "ppoll's mask too: the pending signal comes in, EINTR");
    sigprocmask(SIG_BLOCK, 0, &now);
    CHECK(sigismember(&now, SIGUSR1), "and the old mask is back after ppoll");
    return check_failed;
}
