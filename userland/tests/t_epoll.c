/* eventfd, timerfd and epoll: counters, timers as files, and readiness over pipes, nested epolls and
 * both, with the waits woken by other processes. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

static int link_is(int fd, const char *want)
{
    char path[64], buf[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);
    if (n < 0) return 0;
    buf[n] = 0;
    return !strcmp(buf, want);
}

static void test_eventfd(void)
{
    uint64_t v = 0;
    int e = eventfd(3, EFD_NONBLOCK);
    CHECK(e >= 0, "eventfd: created");
    CHECK(read(e, &v, 8) == 8 && v == 3, "eventfd: a read takes the whole count");
    CHECK_ERR(read(e, &v, 8), EAGAIN, "eventfd: empty and nonblocking: EAGAIN");
    CHECK_ERR(read(e, &v, 4), EINVAL, "eventfd: a read of less than 8 bytes: EINVAL");
    v = 5;
    CHECK(write(e, &v, 8) == 8 && write(e, &v, 8) == 8, "eventfd: writes add");
    CHECK(read(e, &v, 8) == 8 && v == 10, "eventfd: the sum is read");
    v = ~0ULL;
    CHECK_ERR(write(e, &v, 8), EINVAL, "eventfd: writing 2^64-1: EINVAL");
    CHECK_ERR(write(e, &v, 7), EINVAL, "eventfd: a write of less than 8 bytes: EINVAL");
    v = 0xfffffffffffffffeULL;
    CHECK(write(e, &v, 8) == 8, "eventfd: the largest count fits");
    v = 1;
    CHECK_ERR(write(e, &v, 8), EAGAIN, "eventfd: past the largest count: EAGAIN");
    struct pollfd pf = { e, POLLIN | POLLOUT, 0 };
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "eventfd: full: readable, not writable");
    CHECK(lseek(e, 5, SEEK_SET) == 0, "eventfd: lseek does nothing and answers 0");
    CHECK(link_is(e, "anon_inode:[eventfd]"), "eventfd: /proc/self/fd names it anon_inode:[eventfd]");
    close(e);

    int s = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
    CHECK(s >= 0 && (fcntl(s, F_GETFD) & FD_CLOEXEC), "eventfd: EFD_CLOEXEC sets close-on-exec");
    int ok = read(s, &v, 8) == 8 && v == 1 && read(s, &v, 8) == 8 && v == 1;
    CHECK(ok && read(s, &v, 8) == -1 && errno == EAGAIN, "eventfd: EFD_SEMAPHORE reads one at a time");
    close(s);
    CHECK_ERR(eventfd(0, 0x10), EINVAL, "eventfd: unknown flags: EINVAL");

    int b = eventfd(0, 0);
    pid_t pid = fork();
    if (pid == 0) { pause_ms(30); uint64_t w = 7; write(b, &w, 8); _exit(0); }
    v = 0;
    CHECK(read(b, &v, 8) == 8 && v == 7, "eventfd: a blocked read is woken by another process's write");
    waitpid(pid, 0, 0);
    close(b);
}

static void test_timerfd(void)
{
    struct timespec t0;
    uint64_t n = 0;
    CHECK_ERR(timerfd_create(5, 0), EINVAL, "timerfd: an unknown clock: EINVAL");
    CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, 0x10), EINVAL, "timerfd: unknown flags: EINVAL");
    int t = timerfd_create(CLOCK_MONOTONIC, 0);
    CHECK(t >= 0, "timerfd: created");
    CHECK(link_is(t, "anon_inode:[timerfd]"), "timerfd: /proc/self/fd names it anon_inode:[timerfd]");
    struct itimerspec its = { { 0, 0 }, { 0, 50 * 1000000L } }, cur;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(timerfd_settime(t, 0, &its, 0) == 0, "timerfd: armed for 50 ms");
    CHECK(timerfd_gettime(t, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
          cur.it_value.tv_nsec <= 50 * 1000000L, "timerfd: gettime tells the time left");
    long el;
    CHECK(read(t, &n, 8) == 8 && n == 1 && (el = ms_since(&t0)) >= 45, "timerfd: a read waits for the expiry");
    CHECK(timerfd_gettime(t, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0,
          "timerfd: a one-shot timer is disarmed after it expired");
    int fl = fcntl(t, F_GETFL);
    fcntl(t, F_SETFL, fl | O_NONBLOCK);
    CHECK_ERR(read(t, &n, 8), EAGAIN, "timerfd: no expiry yet, nonblocking: EAGAIN");
    struct itimerspec per = { { 0, 10 * 1000000L }, { 0, 10 * 1000000L } };
    timerfd_settime(t, 0, &per, 0);
    pause_ms(55);
    CHECK(read(t, &n, 8) == 8 && n >= 3 && n < 1000, "timerfd: a periodic timer counts every expiry");
    struct itimerspec old;
    struct itimerspec zero = { { 0, 0 }, { 0, 0 } };
    CHECK(timerfd_settime(t, 0, &zero, &old) == 0 && old.it_interval.tv_nsec == 10 * 1000000L,
          "timerfd: settime gives back the old setting");
    CHECK(timerfd_gettime(t, &cur) == 0 && !cur.it_value.tv_sec && !cur.it_value.tv_nsec, "timerfd: disarmed");
    struct itimerspec bad = { { 0, 0 }, { 0, 1000000000L } };
    CHECK_ERR(timerfd_settime(t, 0, &bad, 0), EINVAL, "timerfd: a nanosecond field of 1e9: EINVAL");
    CHECK_ERR(timerfd_settime(t, 4, &its, 0), EINVAL, "timerfd: unknown settime flags: EINVAL");
    CHECK(timerfd_settime(t, TFD_TIMER_CANCEL_ON_SET, &zero, 0) == 0, "timerfd: CANCEL_ON_SET alone is accepted");
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct itimerspec past = { { 0, 0 }, { now.tv_sec > 1 ? now.tv_sec - 1 : 0, 1 } };
    timerfd_settime(t, TFD_TIMER_ABSTIME, &past, 0);
    struct pollfd pf = { t, POLLIN, 0 };
    CHECK(poll(&pf, 1, 1000) == 1 && read(t, &n, 8) == 8 && n == 1, "timerfd: an absolute time already past expires at once");
    int e = eventfd(0, 0);
    CHECK_ERR(timerfd_settime(e, 0, &its, 0), EINVAL, "timerfd: settime on an eventfd: EINVAL");
    CHECK_ERR(timerfd_gettime(999, &cur), EBADF, "timerfd: a bad descriptor: EBADF");
    close(e);
    close(t);
}

static uint64_t ev_data(int ep, int timeout, uint32_t *events, int *count)
{
    struct epoll_event ev[4];
    memset(ev, 0, sizeof(ev));
    *count = epoll_wait(ep, ev, 4, timeout);
    *events = *count > 0 ? ev[0].events : 0;
    return *count > 0 ? ev[0].data.u64 : 0;
}

static volatile int usr1;
static void on_usr1(int s) { (void)s; usr1 = 1; }

static void test_epoll(void)
{
    int p[2], n;
    uint32_t evs;
    char c = 'x';
    CHECK_ERR(epoll_create1(1), EINVAL, "epoll: unknown flags: EINVAL");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0 && (fcntl(ep, F_GETFD) & FD_CLOEXEC), "epoll: created, close-on-exec");
    CHECK(link_is(ep, "anon_inode:[eventpoll]"), "epoll: /proc/self/fd names it anon_inode:[eventpoll]");
    pipe(p);
    struct epoll_event ev = { EPOLLIN, { .u64 = 42 } };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "epoll: add a pipe");
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST, "epoll: added twice: EEXIST");
    CHECK(ev_data(ep, 0, &evs, &n) == 0 && n == 0, "epoll: nothing ready: 0");
    write(p[1], &c, 1);
    uint64_t d = ev_data(ep, 0, &evs, &n);
    CHECK(n == 1 && d == 42 && evs == EPOLLIN, "epoll: the pipe is readable, with its data");
    CHECK(ev_data(ep, 0, &evs, &n) == 42 && n == 1, "epoll: level-triggered: reported again");
    struct pollfd pf = { ep, POLLIN, 0 };
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "epoll: an epoll with a ready entry polls readable");

    int et = epoll_create1(0);
    struct epoll_event eev = { EPOLLIN | EPOLLET, { .u64 = 7 } };
    epoll_ctl(et, EPOLL_CTL_ADD, p[0], &eev);
    int first = (ev_data(et, 0, &evs, &n), n);
    int second = (ev_data(et, 0, &evs, &n), n);
    CHECK(first == 1 && second == 0, "epoll: edge-triggered: reported once");
    write(p[1], &c, 1);
    CHECK(ev_data(et, 0, &evs, &n) == 7 && n == 1, "epoll: edge-triggered: new data is a new edge");

    int os = epoll_create1(0);
    struct epoll_event oev = { EPOLLIN | EPOLLONESHOT, { .u64 = 9 } };
    epoll_ctl(os, EPOLL_CTL_ADD, p[0], &oev);
    first = (ev_data(os, 0, &evs, &n), n);
    second = (ev_data(os, 0, &evs, &n), n);
    CHECK(first == 1 && second == 0, "epoll: one-shot: reported once");
    CHECK(epoll_ctl(os, EPOLL_CTL_MOD, p[0], &oev) == 0 && (ev_data(os, 0, &evs, &n), n) == 1,
          "epoll: one-shot: EPOLL_CTL_MOD arms it again");
    CHECK_ERR(epoll_ctl(os, EPOLL_CTL_MOD, p[1], &oev), ENOENT, "epoll: MOD of a missing entry: ENOENT");
    CHECK_ERR(epoll_ctl(os, EPOLL_CTL_DEL, p[1], 0), ENOENT, "epoll: DEL of a missing entry: ENOENT");
    CHECK_ERR(epoll_ctl(os, EPOLL_CTL_ADD, os, &oev), EINVAL, "epoll: adding itself: EINVAL");
    CHECK_ERR(epoll_ctl(os, 9, p[0], &oev), EINVAL, "epoll: an unknown op: EINVAL");
    CHECK_ERR(epoll_ctl(os, EPOLL_CTL_ADD, 999, &oev), EBADF, "epoll: a bad descriptor: EBADF");
    CHECK_ERR(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &oev), EINVAL, "epoll: a non-epoll epfd: EINVAL");
    int reg = open("/tmp/epoll-reg", O_CREAT | O_RDWR, 0600);
    CHECK_ERR(epoll_ctl(os, EPOLL_CTL_ADD, reg, &oev), EPERM, "epoll: a regular file: EPERM");
    close(reg);
    unlink("/tmp/epoll-reg");
    struct epoll_event xev = { EPOLLIN | EPOLLEXCLUSIVE, { 0 } };
    CHECK_ERR(epoll_ctl(os, EPOLL_CTL_MOD, p[0], &xev), EINVAL, "epoll: MOD with EPOLLEXCLUSIVE: EINVAL");
    struct epoll_event out[2];
    CHECK_ERR(epoll_wait(os, out, 0, 0), EINVAL, "epoll_wait: maxevents 0: EINVAL");
    CHECK_ERR(epoll_wait(p[0], out, 1, 0), EINVAL, "epoll_wait: not an epoll: EINVAL");
    CHECK_ERR(epoll_wait(999, out, 1, 0), EBADF, "epoll_wait: a bad descriptor: EBADF");
    CHECK(epoll_ctl(os, EPOLL_CTL_DEL, p[0], 0) == 0 && (ev_data(os, 0, &evs, &n), n) == 0, "epoll: DEL removes");

    /* nesting: ep inside outer; a loop is ELOOP */
    int outer = epoll_create1(0);
    struct epoll_event nev = { EPOLLIN, { .u64 = 5 } };
    CHECK(epoll_ctl(outer, EPOLL_CTL_ADD, ep, &nev) == 0, "epoll: an epoll inside another");
    CHECK(ev_data(outer, 0, &evs, &n) == 5 && n == 1 && evs == EPOLLIN, "epoll: the outer one sees the inner ready");
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, outer, &nev), ELOOP, "epoll: a loop of epolls: ELOOP");
    char buf[8];
    read(p[0], buf, sizeof(buf));
    CHECK(ev_data(outer, 0, &evs, &n) == 0 && n == 0, "epoll: drained: neither is ready");

    /* a blocking wait woken by another process; a timeout; a signal */
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid == 0) { pause_ms(30); write(p[1], &c, 1); _exit(0); }
    CHECK(ev_data(outer, 5000, &evs, &n) == 5 && n == 1 && ms_since(&t0) >= 25,
          "epoll_wait blocks until another process writes (through a nested epoll)");
    waitpid(pid, 0, 0);
    read(p[0], buf, sizeof(buf));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(ev_data(ep, 40, &evs, &n) == 0 && n == 0 && ms_since(&t0) >= 35, "epoll_wait: the timeout ends it with 0");
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, 0);
    pid_t parent = getpid();
    pid = fork();
    if (pid == 0) { pause_ms(30); kill(parent, SIGUSR1); _exit(0); }
    CHECK(epoll_wait(ep, out, 2, 5000) == -1 && errno == EINTR && usr1, "epoll_wait: a handled signal: EINTR");
    waitpid(pid, 0, 0);

    /* timerfd and eventfd in one epoll; hang-up; the entry of a closed file goes */
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), e = eventfd(0, EFD_NONBLOCK), mix = epoll_create1(0);
    struct epoll_event tev = { EPOLLIN, { .u64 = 1 } }, eev2 = { EPOLLIN, { .u64 = 2 } };
    epoll_ctl(mix, EPOLL_CTL_ADD, t, &tev);
    epoll_ctl(mix, EPOLL_CTL_ADD, e, &eev2);
    struct itimerspec its = { { 0, 0 }, { 0, 20 * 1000000L } };
    timerfd_settime(t, 0, &its, 0);
    CHECK(ev_data(mix, 5000, &evs, &n) == 1 && n == 1, "epoll_wait wakes when a timerfd expires");
    uint64_t v = 3;
    write(e, &v, 8);
    CHECK(epoll_wait(mix, out, 2, 0) == 2, "epoll: both the timerfd and the eventfd are ready");
    close(t);
    CHECK(epoll_wait(mix, out, 2, 0) == 1 && out[0].data.u64 == 2, "epoll: closing a file takes its entry away");
    int dupe = dup(e);
    close(e);
    CHECK(epoll_wait(mix, out, 2, 0) == 1, "epoll: while a duplicate is open, the entry stays (as on Linux)");
    close(dupe);
    CHECK(epoll_wait(mix, out, 2, 0) == 0, "epoll: the last close takes it away");
    int q[2];
    pipe(q);
    struct epoll_event hev = { EPOLLIN, { .u64 = 3 } }, wev = { EPOLLOUT, { .u64 = 4 } };
    epoll_ctl(mix, EPOLL_CTL_ADD, q[1], &wev);
    CHECK(ev_data(mix, 0, &evs, &n) == 4 && evs == EPOLLOUT, "epoll: an empty pipe's write end is writable");
    epoll_ctl(mix, EPOLL_CTL_DEL, q[1], 0);
    epoll_ctl(mix, EPOLL_CTL_ADD, q[0], &hev);
    close(q[1]);
    CHECK(ev_data(mix, 0, &evs, &n) == 3 && evs == EPOLLHUP, "epoll: EPOLLHUP comes unasked when the writer goes");
    close(q[0]);
    close(mix); close(outer); close(os); close(et); close(ep);
    close(p[0]); close(p[1]);
}

static void test_signalfd(void)
{
    sigset_t m1, m2, old;
    sigemptyset(&m1);
    sigaddset(&m1, SIGUSR1);
    sigaddset(&m1, SIGRTMIN);
    sigemptyset(&m2);
    sigaddset(&m2, SIGUSR2);
    sigset_t both = m1;
    sigaddset(&both, SIGUSR2);
    sigprocmask(SIG_BLOCK, &both, &old);
    int s = signalfd(-1, &m1, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK(s >= 0 && (fcntl(s, F_GETFD) & FD_CLOEXEC), "signalfd: created, close-on-exec");
    CHECK(link_is(s, "anon_inode:[signalfd]"), "signalfd: /proc/self/fd names it anon_inode:[signalfd]");
    struct signalfd_siginfo ssi[2];
    CHECK_ERR(read(s, ssi, sizeof(ssi)), EAGAIN, "signalfd: nothing pending, nonblocking: EAGAIN");
    kill(getpid(), SIGUSR1);
    struct pollfd pf = { s, POLLIN, 0 };
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "signalfd: readable when a signal of its mask is pending");
    CHECK_ERR(read(s, ssi, 100), EINVAL, "signalfd: a read shorter than one record: EINVAL");
    CHECK(read(s, ssi, sizeof(ssi)) == 128 && ssi[0].ssi_signo == SIGUSR1 && ssi[0].ssi_code == SI_USER &&
          ssi[0].ssi_pid == (uint32_t)getpid() && ssi[0].ssi_uid == getuid(), "signalfd: kill's signal, with sender");
    sigset_t pend;
    sigpending(&pend);
    CHECK(!sigismember(&pend, SIGUSR1), "signalfd: the read took the signal");
    union sigval v = { .sival_int = 77 };
    sigqueue(getpid(), SIGRTMIN, v);
    sigqueue(getpid(), SIGRTMIN, v);
    CHECK(read(s, ssi, sizeof(ssi)) == 256 && ssi[0].ssi_signo == (uint32_t)SIGRTMIN && ssi[1].ssi_signo == (uint32_t)SIGRTMIN &&
          ssi[0].ssi_int == 77 && ssi[1].ssi_code == SI_QUEUE, "signalfd: two queued real-time signals in one read");
    kill(getpid(), SIGUSR2);
    CHECK_ERR(read(s, ssi, sizeof(ssi)), EAGAIN, "signalfd: a signal outside its mask is not read");
    CHECK(signalfd(s, &m2, 0) == s, "signalfd: a new mask for the same descriptor");
    CHECK(read(s, ssi, sizeof(ssi)) == 128 && ssi[0].ssi_signo == SIGUSR2, "signalfd: the new mask applies");
    int e = eventfd(0, 0);
    CHECK_ERR(signalfd(e, &m1, 0), EINVAL, "signalfd: on an eventfd: EINVAL");
    CHECK_ERR(signalfd(-1, &m1, 0x10), EINVAL, "signalfd: unknown flags: EINVAL");
    CHECK_ERR(signalfd(999, &m1, 0), EBADF, "signalfd: a bad descriptor: EBADF");
    close(e);
    int ep = epoll_create1(0);
    struct epoll_event ev = { EPOLLIN, { .u64 = 11 } }, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    int fl = fcntl(s, F_GETFL);
    fcntl(s, F_SETFL, fl & ~O_NONBLOCK);
    pid_t parent = getpid(), c = fork();
    if (c == 0) { pause_ms(30); kill(parent, SIGUSR2); _exit(0); }
    CHECK(epoll_wait(ep, &out, 1, 5000) == 1 && out.data.u64 == 11, "signalfd: epoll_wait wakes when a signal comes");
    CHECK(read(s, ssi, sizeof(ssi)) == 128 && ssi[0].ssi_signo == SIGUSR2, "signalfd: and the read takes it");
    waitpid(c, 0, 0);
    c = fork();
    if (c == 0) { pause_ms(30); kill(parent, SIGUSR2); _exit(0); }
    CHECK(read(s, ssi, sizeof(ssi)) == 128 && ssi[0].ssi_signo == SIGUSR2 && ssi[0].ssi_pid == (uint32_t)c,
          "signalfd: a blocking read is woken by another process's kill");
    waitpid(c, 0, 0);
    close(ep);
    close(s);
    sigprocmask(SIG_SETMASK, &old, 0);
}

int main(void)
{
    /* on Linux the runner does not mount /proc; here it is always there */
    if (access("/proc/self/stat", F_OK)) mount("proc", "/proc", "proc", 0, 0);
    test_eventfd();
    test_timerfd();
    test_epoll();
    test_signalfd();
    return check_failed;
}
