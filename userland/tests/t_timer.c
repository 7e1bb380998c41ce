/* Timers: alarm, setitimer/getitimer, and the POSIX timers (timer_create and the rest). */
#define _GNU_SOURCE
#include "check.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}
static long long tv_ns(struct timeval v) { return v.tv_sec * 1000000000LL + v.tv_usec * 1000LL; }
static long long ts_ns(struct timespec v) { return v.tv_sec * 1000000000LL + v.tv_nsec; }

static volatile int alrm_count, alrm_code;
static void on_alrm(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)uc;
    alrm_count++;
    alrm_code = si->si_code;
}

static volatile int t_count, t_signo, t_code, t_timerid, t_overrun, t_value, t_getoverrun;
static timer_t t_cur;
static void on_timer(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (t_count++) return;  /* the first one is recorded */
    t_signo = sig;
    t_code = si->si_code;
    t_timerid = si->si_timerid;
    t_overrun = si->si_overrun;
    t_value = si->si_value.sival_int;
    t_getoverrun = timer_getoverrun(t_cur);
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, 0);
}

/* wait (sigsuspend with nothing blocked) until *count reaches n or limit_ms passes */
static void wait_for(volatile int *count, int n, int limit_ms)
{
    long long end = now_ns() + limit_ms * 1000000LL;
    sigset_t none;
    sigemptyset(&none);
    while (*count < n && now_ns() < end) {
        struct timespec d = { 0, 5000000 };
        nanosleep(&d, 0);
    }
}

static int stop_pipe;
static void on_usr1_write(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)si; (void)uc;
    write(stop_pipe, "x", 1);
}

static volatile int thr_notified, thr_tid;
static void notify_fn(union sigval v)
{
    thr_tid = (int)syscall(SYS_gettid);
    thr_notified = v.sival_int;
}

static volatile int waiter_tid, waiter_sig, waiter_code, waiter_value;
static void *waiter(void *arg)
{
    (void)arg;
    waiter_tid = (int)syscall(SYS_gettid);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    siginfo_t si;
    struct timespec lim = { 5, 0 };
    waiter_sig = sigtimedwait(&s, &si, &lim);
    waiter_code = si.si_code;
    waiter_value = si.si_value.sival_int;
    return 0;
}

/* run after execve by a child that set an alarm and made timer 0 */
static int after_exec(void)
{
    struct itimerval v;
    CHECK(getitimer(ITIMER_REAL, &v) == 0 && v.it_value.tv_sec >= 5 && v.it_value.tv_sec <= 10,
          "execve keeps the interval timer");
    struct itimerspec s;
    CHECK_ERR(timer_gettime((timer_t)0, &s), EINVAL, "execve deletes the POSIX timers");
    timer_t t;
    struct sigevent ev = { .sigev_notify = SIGEV_NONE };
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0 && (intptr_t)t == 1, "and timer ids go on from before execve");
    alarm(0);
    return check_failed;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "after-exec")) return after_exec();
    handle(SIGALRM, on_alrm, 0);

    /* ---- alarm ---- */
    CHECK(alarm(0) == 0, "alarm(0) with none set returns 0");
    alarm(5);
    CHECK(alarm(2) == 5, "alarm returns the seconds left of the previous one (5)");
    CHECK(alarm(0) == 2, "alarm(0) cancels and returns 2");
    long long t0 = now_ns();
    alrm_count = 0;
    alarm(1);
    errno = 0;
    int pr = pause();
    long long dt = now_ns() - t0;
    CHECK(pr == -1 && errno == EINTR && alrm_count == 1, "alarm(1): SIGALRM ends pause with EINTR");
    CHECK(dt >= 999000000LL && dt < 6000000000LL, "and it came after 1 s, within a few seconds");
    CHECK(alrm_code == SI_KERNEL, "SIGALRM of a timer has si_code SI_KERNEL");
    struct itimerval v, old;
    CHECK(getitimer(ITIMER_REAL, &v) == 0 && !v.it_value.tv_sec && !v.it_value.tv_usec && !v.it_interval.tv_sec,
          "after it, getitimer(ITIMER_REAL) is zero");

    /* ---- setitimer ---- */
    struct itimerval iv = { { 0, 50000 }, { 0, 50000 } };
    alrm_count = 0;
    t0 = now_ns();
    CHECK(setitimer(ITIMER_REAL, &iv, 0) == 0, "setitimer(ITIMER_REAL) 50 ms, interval 50 ms");
    wait_for(&alrm_count, 3, 6000);
    dt = now_ns() - t0;
    CHECK(alrm_count >= 3 && dt >= 149000000LL, "the interval timer fires again and again");
    memset(&v, 0, sizeof(v));
    CHECK(setitimer(ITIMER_REAL, &v, &old) == 0 && old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 50000 &&
          tv_ns(old.it_value) <= 50000000LL, "setitimer returns the old interval and value");
    struct timespec ms20 = { 0, 20000000 };
    nanosleep(&ms20, 0);
    int before = alrm_count;
    nanosleep(&ms20, 0);
    nanosleep(&ms20, 0);
    nanosleep(&ms20, 0);
    CHECK(alrm_count == before, "and a zero value disarms it");

    /* an interval timer whose SIGALRM is blocked waits for it to be taken (Linux re-arms it then) */
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, 0);
    alrm_count = 0;
    struct itimerval per10 = { { 0, 10000000 / 1000 }, { 0, 10000000 / 1000 } };
    setitimer(ITIMER_REAL, &per10, 0);
    struct timespec ms100 = { 0, 100000000 };
    nanosleep(&ms100, 0);
    CHECK(getitimer(ITIMER_REAL, &v) == 0 && !v.it_value.tv_sec && !v.it_value.tv_usec && v.it_interval.tv_usec == 10000,
          "with SIGALRM blocked, the expired interval timer shows value 0 and its interval");
    sigprocmask(SIG_UNBLOCK, &alrm, 0);
    CHECK(alrm_count == 1, "unblocked: one SIGALRM");
    CHECK(getitimer(ITIMER_REAL, &v) == 0 && tv_ns(v.it_value) > 0 && tv_ns(v.it_value) <= 10000000LL,
          "and the timer runs again");
    setitimer(ITIMER_REAL, 0, 0);

    struct itimerval ten = { { 0, 0 }, { 10, 0 } }, a, b;
    setitimer(ITIMER_REAL, &ten, 0);
    CHECK(getitimer(ITIMER_REAL, &a) == 0 && tv_ns(a.it_value) <= 10000000000LL && tv_ns(a.it_value) > 9000000000LL &&
          a.it_interval.tv_sec == 0 && a.it_interval.tv_usec == 0, "getitimer shows the time left");
    nanosleep(&ms20, 0);
    getitimer(ITIMER_REAL, &b);
    CHECK(tv_ns(b.it_value) < tv_ns(a.it_value) && tv_ns(b.it_value) <= tv_ns(a.it_value) - 20000000LL,
          "and it decreases");
    CHECK(setitimer(ITIMER_REAL, 0, &old) == 0 && old.it_value.tv_sec >= 9, "setitimer with a null new value: the old one");
    CHECK(getitimer(ITIMER_REAL, &v) == 0 && !v.it_value.tv_sec && !v.it_value.tv_usec, "and it is disarmed");
    CHECK_ERR(setitimer(ITIMER_REAL, &ten, (void *)8), EFAULT, "setitimer to a bad old pointer: EFAULT");
    CHECK(getitimer(ITIMER_REAL, &v) == 0 && v.it_value.tv_sec >= 9, "but the new value is set");
    setitimer(ITIMER_REAL, 0, 0);
    CHECK_ERR(getitimer(3, &v), EINVAL, "getitimer(3): EINVAL");
    CHECK_ERR(getitimer(-1, &v), EINVAL, "getitimer(-1): EINVAL");
    CHECK_ERR(setitimer(3, &ten, 0), EINVAL, "setitimer(3): EINVAL");
    struct itimerval bad = { { 0, 0 }, { 1, 1000000 } };
    CHECK_ERR(setitimer(ITIMER_REAL, &bad, 0), EINVAL, "setitimer with tv_usec 10^6: EINVAL");
    struct itimerval bad2 = { { 0, -1 }, { 1, 0 } };
    CHECK_ERR(setitimer(ITIMER_REAL, &bad2, 0), EINVAL, "setitimer with a negative interval tv_usec: EINVAL");
    struct itimerval bad3 = { { 0, 0 }, { -1, 0 } };
    CHECK_ERR(setitimer(ITIMER_REAL, &bad3, 0), EINVAL, "setitimer with a negative tv_sec: EINVAL");
    CHECK_ERR(setitimer(ITIMER_REAL, (void *)8, 0), EFAULT, "setitimer from a bad pointer: EFAULT");
    CHECK_ERR(getitimer(ITIMER_REAL, (void *)8), EFAULT, "getitimer to a bad pointer: EFAULT");
    CHECK_ERR(getitimer(ITIMER_REAL, 0), EFAULT, "getitimer to a null pointer: EFAULT");
    struct itimerval virt = { { 1, 0 }, { 100, 0 } };
    CHECK(setitimer(ITIMER_VIRTUAL, &virt, 0) == 0, "setitimer(ITIMER_VIRTUAL)");
    CHECK(getitimer(ITIMER_VIRTUAL, &v) == 0 && v.it_interval.tv_sec == 1 && v.it_interval.tv_usec == 0 &&
          v.it_value.tv_sec >= 99 && v.it_value.tv_sec <= 100, "getitimer(ITIMER_VIRTUAL) shows it");
    memset(&v, 0, sizeof(v));
    CHECK(setitimer(ITIMER_VIRTUAL, &v, &old) == 0 && old.it_interval.tv_sec == 1, "and it can be cleared");
    CHECK(setitimer(ITIMER_PROF, &virt, 0) == 0 && setitimer(ITIMER_PROF, &v, 0) == 0, "setitimer(ITIMER_PROF)");

    /* ---- a timer interrupts blocking calls ---- */
    int fds[2];
    pipe(fds);
    struct itimerval once = { { 0, 0 }, { 0, 100000 } };
    setitimer(ITIMER_REAL, &once, 0);
    char c;
    t0 = now_ns();
    CHECK_ERR(read(fds[0], &c, 1), EINTR, "SIGALRM ends a blocking read with EINTR");
    CHECK(now_ns() - t0 >= 99000000LL, "after 100 ms");
    setitimer(ITIMER_REAL, &once, 0);
    struct timespec two = { 2, 0 }, rem = { 0, 0 };
    CHECK_ERR(nanosleep(&two, &rem), EINTR, "SIGALRM ends nanosleep with EINTR");
    CHECK(ts_ns(rem) > 1000000000LL && ts_ns(rem) < 2000000000LL, "and nanosleep tells the time left");
    alarm(1);
    unsigned left = sleep(3);
    CHECK(left >= 1 && left <= 2, "sleep(3) ended by alarm(1) returns the seconds left");

    /* ---- POSIX timers ---- */
    handle(SIGUSR1, on_timer, 0);
    struct sigevent ev = { 0 };
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_int = 42;
    timer_t t;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0, "timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL)");
    CHECK((intptr_t)t == 0, "the first timer id is 0");
    t_cur = t;
    struct itimerspec s = { { 0, 0 }, { 0, 100000000 } }, g;
    t0 = now_ns();
    CHECK(timer_settime(t, 0, &s, 0) == 0, "timer_settime 100 ms");
    CHECK(timer_gettime(t, &g) == 0 && ts_ns(g.it_value) > 0 && ts_ns(g.it_value) <= 100000000LL && !g.it_interval.tv_sec &&
          !g.it_interval.tv_nsec, "timer_gettime shows the time left");
    wait_for(&t_count, 1, 6000);
    dt = now_ns() - t0;
    CHECK(t_count == 1 && dt >= 99000000LL, "the timer's signal came after 100 ms");
    CHECK(t_signo == SIGUSR1 && t_code == SI_TIMER, "with si_code SI_TIMER");
    CHECK(t_timerid == 0 && t_overrun == 0 && t_value == 42, "si_timerid, si_overrun 0 and si_value");
    CHECK(timer_gettime(t, &g) == 0 && !g.it_value.tv_sec && !g.it_value.tv_nsec, "after it expired, timer_gettime is zero");
    CHECK(timer_getoverrun(t) == 0, "timer_getoverrun is 0");

    /* TIMER_ABSTIME */
    struct timespec nowt;
    clock_gettime(CLOCK_MONOTONIC, &nowt);
    t_count = 0;
    t0 = now_ns();
    s.it_value = nowt;
    s.it_value.tv_nsec += 100000000;
    if (s.it_value.tv_nsec >= 1000000000) { s.it_value.tv_sec++; s.it_value.tv_nsec -= 1000000000; }
    CHECK(timer_settime(t, TIMER_ABSTIME, &s, &g) == 0, "timer_settime(TIMER_ABSTIME) 100 ms from now");
    CHECK(timer_gettime(t, &g) == 0 && ts_ns(g.it_value) > 0 && ts_ns(g.it_value) <= 100000000LL,
          "timer_gettime shows the time left to it");
    wait_for(&t_count, 1, 6000);
    CHECK(t_count == 1 && now_ns() - t0 >= 95000000LL, "and it expires then");
    timer_t rt;
    CHECK(timer_create(CLOCK_REALTIME, &ev, &rt) == 0 && (intptr_t)rt == 1, "timer_create(CLOCK_REALTIME): id 1");
    t_cur = rt;
    t_count = 0;
    clock_gettime(CLOCK_REALTIME, &nowt);
    s.it_value = nowt;
    s.it_value.tv_sec += 1;
    t0 = now_ns();
    CHECK(timer_settime(rt, TIMER_ABSTIME, &s, 0) == 0, "CLOCK_REALTIME timer at an absolute time 1 s away");
    wait_for(&t_count, 1, 6000);
    dt = now_ns() - t0;
    CHECK(t_count == 1 && dt >= 900000000LL && t_timerid == 1, "and it expires then");
    t_count = 0;
    s.it_value.tv_sec = 1;
    s.it_value.tv_nsec = 0;
    CHECK(timer_settime(rt, TIMER_ABSTIME, &s, 0) == 0, "an absolute time in the past");
    wait_for(&t_count, 1, 6000);
    CHECK(t_count == 1, "expires at once");
    CHECK(timer_delete(rt) == 0, "timer_delete");
    CHECK_ERR(timer_gettime(rt, &g), EINVAL, "timer_gettime of a deleted timer: EINVAL");
    CHECK_ERR(timer_settime(rt, 0, &s, 0), EINVAL, "timer_settime of a deleted timer: EINVAL");
    CHECK_ERR(timer_getoverrun(rt), EINVAL, "timer_getoverrun of a deleted timer: EINVAL");
    CHECK_ERR(syscall(SYS_timer_delete, (int)(intptr_t)rt), EINVAL, "timer_delete of a deleted timer: EINVAL");
    CHECK_ERR(timer_gettime((timer_t)12345, &g), EINVAL, "timer_gettime of an id never made: EINVAL");

    /* overruns while the signal is blocked */
    sigset_t usr1, none;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &usr1, 0);
    t_cur = t;
    t_count = 0;
    struct itimerspec per = { { 0, 10000000 }, { 0, 10000000 } };
    CHECK(timer_settime(t, 0, &per, 0) == 0, "a 10 ms periodic timer, its signal blocked");
    struct timespec ms200 = { 0, 200000000 };
    nanosleep(&ms200, 0);
    CHECK(timer_gettime(t, &g) == 0 && g.it_interval.tv_nsec == 10000000 && ts_ns(g.it_value) > 0 &&
          ts_ns(g.it_value) <= 10000000LL, "timer_gettime while its signal is pending");
    sigprocmask(SIG_UNBLOCK, &usr1, 0);
    CHECK(t_count >= 1 && t_overrun >= 15 && t_overrun < 2000, "after 200 ms blocked, si_overrun counts the missed expiries");
    CHECK(t_getoverrun == t_overrun, "timer_getoverrun says the same");
    int cnt = t_count;
    wait_for(&t_count, cnt + 3, 6000);
    CHECK(t_count >= cnt + 3, "the periodic timer goes on after its signal is taken");
    sigprocmask(SIG_BLOCK, &usr1, 0);
    CHECK(timer_delete(t) == 0, "timer_delete of a running timer");
    sigprocmask(SIG_UNBLOCK, &usr1, 0);

    /* a one-shot timer set again while its signal is still pending: that signal counts the expiry */
    sigprocmask(SIG_BLOCK, &usr1, 0);
    timer_t ot;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &ot) == 0, "another SIGEV_SIGNAL timer");
    t_cur = ot;
    t_count = 0;
    struct itimerspec ten_ms = { { 0, 0 }, { 0, 10000000 } };
    timer_settime(ot, 0, &ten_ms, 0);
    nanosleep(&ms20, 0);
    nanosleep(&ms20, 0);
    timer_settime(ot, 0, &ten_ms, 0);
    nanosleep(&ms20, 0);
    nanosleep(&ms20, 0);
    sigprocmask(SIG_UNBLOCK, &usr1, 0);
    CHECK(t_count == 1 && t_overrun == 1 && t_getoverrun == 0, "one signal, si_overrun 1, timer_getoverrun 0");
    /* a periodic timer whose signal is ignored goes on; the expiries ignored are its overrun */
    signal(SIGUSR1, SIG_IGN);
    t_count = 0;
    timer_settime(ot, 0, &per, 0);
    nanosleep(&ms100, 0);
    handle(SIGUSR1, on_timer, 0);
    wait_for(&t_count, 1, 6000);
    CHECK(t_count >= 1 && t_overrun >= 3 && t_overrun < 1000, "a periodic timer with its signal ignored: the ignored ones are overruns");
    timer_delete(ot);

    /* SIGEV_NONE */
    struct sigevent nev = { .sigev_notify = SIGEV_NONE };
    timer_t nt;
    CHECK(timer_create(CLOCK_BOOTTIME, &nev, &nt) == 0, "timer_create(CLOCK_BOOTTIME, SIGEV_NONE)");
    s.it_interval.tv_sec = 0; s.it_interval.tv_nsec = 0;
    s.it_value.tv_sec = 1; s.it_value.tv_nsec = 0;
    timer_settime(nt, 0, &s, 0);
    CHECK(timer_gettime(nt, &g) == 0 && ts_ns(g.it_value) > 900000000LL && ts_ns(g.it_value) <= 1000000000LL,
          "SIGEV_NONE: timer_gettime shows the time left");
    s.it_value.tv_sec = 0; s.it_value.tv_nsec = 10000000;
    timer_settime(nt, 0, &s, &g);
    CHECK(g.it_value.tv_sec == 0 && g.it_value.tv_nsec > 0, "timer_settime returns the old setting");
    nanosleep(&ms20, 0);
    nanosleep(&ms20, 0);
    CHECK(timer_gettime(nt, &g) == 0 && !g.it_value.tv_sec && !g.it_value.tv_nsec, "an expired one-shot SIGEV_NONE timer: zero");
    timer_settime(nt, 0, &per, 0);
    nanosleep(&ms20, 0);
    nanosleep(&ms20, 0);
    CHECK(timer_gettime(nt, &g) == 0 && g.it_interval.tv_nsec == 10000000 && ts_ns(g.it_value) > 0 &&
          ts_ns(g.it_value) <= 10000000LL, "a periodic SIGEV_NONE timer: the time to its next expiry");
    memset(&s, 0, sizeof(s));
    timer_settime(nt, 0, &s, 0);
    nanosleep(&ms20, 0);  /* Linux 6.1 shows a disarmed SIGEV_NONE timer's old expiry until it passes */
    CHECK(timer_gettime(nt, &g) == 0 && !g.it_value.tv_nsec && !g.it_interval.tv_nsec, "a zero value disarms it");

    /* huge values saturate */
    struct itimerspec huge = { { 0, 0 }, { 0x7fffffffffffffffLL, 999999999 } };
    CHECK(timer_settime(nt, 0, &huge, 0) == 0, "timer_settime with tv_sec LONG_MAX");
    CHECK(timer_gettime(nt, &g) == 0 && g.it_value.tv_sec > 1000000000LL, "timer_gettime: far away");
    huge.it_interval = huge.it_value;
    CHECK(timer_settime(nt, 0, &huge, 0) == 0, "and with such an interval");
    memset(&s, 0, sizeof(s));
    timer_settime(nt, 0, &s, 0);
    struct itimerval hv = { { 0, 0 }, { 0x7fffffffffffffffLL, 0 } };
    CHECK(setitimer(ITIMER_REAL, &hv, 0) == 0 && getitimer(ITIMER_REAL, &v) == 0 && v.it_value.tv_sec > 1000000000LL,
          "setitimer with tv_sec LONG_MAX");
    setitimer(ITIMER_REAL, 0, 0);

    /* errors */
    struct itimerspec badts = { { 0, 0 }, { 0, 1000000000 } };
    CHECK_ERR(timer_settime(nt, 0, &badts, 0), EINVAL, "timer_settime with tv_nsec 10^9: EINVAL");
    struct itimerspec badiv = { { -1, 0 }, { 1, 0 } };
    CHECK_ERR(timer_settime(nt, 0, &badiv, 0), EINVAL, "timer_settime with a negative interval: EINVAL");
    CHECK_ERR(timer_settime(nt, 0, 0, 0), EINVAL, "timer_settime with a null value: EINVAL");
    CHECK_ERR(timer_settime(nt, 0, (void *)8, 0), EFAULT, "timer_settime from a bad pointer: EFAULT");
    CHECK_ERR(timer_gettime(nt, (void *)8), EFAULT, "timer_gettime to a bad pointer: EFAULT");
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, (void *)8, &nt), EFAULT, "timer_create from a bad sigevent: EFAULT");
    int rid;
    CHECK_ERR(syscall(SYS_timer_create, 99, 0, &rid), EINVAL, "timer_create(99): EINVAL");
    CHECK_ERR(syscall(SYS_timer_create, 10, 0, &rid), EINVAL, "timer_create(10): EINVAL");
    CHECK_ERR(syscall(SYS_timer_create, -1, 0, &rid), EINVAL, "timer_create(-1): EINVAL");
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC_RAW, 0, &rid), EOPNOTSUPP, "timer_create(MONOTONIC_RAW): EOPNOTSUPP");
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_REALTIME_COARSE, 0, &rid), EOPNOTSUPP, "timer_create(REALTIME_COARSE): EOPNOTSUPP");
    CHECK(syscall(SYS_timer_create, CLOCK_REALTIME_ALARM, 0, &rid) == 0 && rid == (intptr_t)nt + 2,
          "timer_create(CLOCK_REALTIME_ALARM) as root (its id: the CPU clock -1 used one)");
    struct sigevent be = { 0 };
    be.sigev_notify = 99;
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, &be, &rid), EINVAL, "sigev_notify 99: EINVAL");
    be.sigev_notify = SIGEV_SIGNAL;
    be.sigev_signo = 0;
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, &be, &rid), EINVAL, "signal 0: EINVAL");
    be.sigev_signo = 65;
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, &be, &rid), EINVAL, "signal 65: EINVAL");
    be.sigev_notify = SIGEV_THREAD_ID;
    be.sigev_signo = SIGUSR1;
    be.sigev_notify_thread_id = getppid();
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, &be, &rid), EINVAL,
              "SIGEV_THREAD_ID with another process's thread: EINVAL");
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, 0, (void *)8), EFAULT, "timer_create to a bad id pointer: EFAULT");
    CHECK(syscall(SYS_timer_create, CLOCK_MONOTONIC, &nev, &rid) == 0, "timer_create after those");
    CHECK(rid == (intptr_t)nt + 8, "ids are used by calls that failed after the clock was checked");
    timer_t cpu;
    CHECK(timer_create(CLOCK_PROCESS_CPUTIME_ID, &nev, &cpu) == 0, "timer_create(CLOCK_PROCESS_CPUTIME_ID)");

    /* SIGEV_THREAD_ID: to one thread */
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, 0);
    pthread_t th;
    pthread_create(&th, 0, waiter, 0);
    while (!waiter_tid) nanosleep(&ms20, 0);
    struct sigevent tev = { 0 };
    tev.sigev_notify = SIGEV_THREAD_ID;
    tev.sigev_signo = SIGUSR2;
    tev.sigev_value.sival_int = 7;
    tev.sigev_notify_thread_id = waiter_tid;
    timer_t tt;
    CHECK(timer_create(CLOCK_MONOTONIC, &tev, &tt) == 0, "timer_create(SIGEV_THREAD_ID)");
    struct itimerspec soon = { { 0, 0 }, { 0, 50000000 } };
    timer_settime(tt, 0, &soon, 0);
    pthread_join(th, 0);
    CHECK(waiter_sig == SIGUSR2 && waiter_code == SI_TIMER && waiter_value == 7, "the thread's sigtimedwait takes it, SI_TIMER");
    timer_delete(tt);
    sigprocmask(SIG_UNBLOCK, &usr2, 0);

    /* SIGEV_THREAD (musl runs the function in a thread of its own) */
    struct sigevent thev = { 0 };
    thev.sigev_notify = SIGEV_THREAD;
    thev.sigev_notify_function = notify_fn;
    thev.sigev_value.sival_int = 99;
    timer_t tht;
    CHECK(timer_create(CLOCK_MONOTONIC, &thev, &tht) == 0, "timer_create(SIGEV_THREAD)");
    timer_settime(tht, 0, &soon, 0);
    for (int i = 0; i < 300 && !thr_notified; i++) nanosleep(&ms20, 0);
    CHECK(thr_notified == 99 && thr_tid != (int)syscall(SYS_gettid), "the function runs in another thread");
    CHECK(timer_delete(tht) == 0, "timer_delete(SIGEV_THREAD)");

    /* SIGALRM's default action ends the process */
    pid_t kc = fork();
    if (kc == 0) {
        signal(SIGALRM, SIG_DFL);
        struct itimerval k = { { 0, 0 }, { 0, 50000 } };
        setitimer(ITIMER_REAL, &k, 0);
        for (;;) pause();
    }
    int kst;
    CHECK(waitpid(kc, &kst, 0) == kc && WIFSIGNALED(kst) && WTERMSIG(kst) == SIGALRM, "an unhandled SIGALRM ends the process");

    /* a stopped process's timer signals wait for SIGCONT */
    int sp[2];
    pipe(sp);
    pid_t sc = fork();
    if (sc == 0) {
        stop_pipe = sp[1];
        handle(SIGUSR1, on_usr1_write, SA_RESTART);
        timer_t ct;
        timer_create(CLOCK_MONOTONIC, &ev, &ct);
        struct itimerspec p20 = { { 0, 20000000 }, { 0, 20000000 } };
        timer_settime(ct, 0, &p20, 0);
        for (;;) pause();
    }
    CHECK(read(sp[0], &c, 1) == 1, "a child's periodic timer runs");
    kill(sc, SIGSTOP);
    int sst;
    waitpid(sc, &sst, WUNTRACED);
    fcntl(sp[0], F_SETFL, O_NONBLOCK);
    while (read(sp[0], &c, 1) == 1) {}
    nanosleep(&ms100, 0);
    nanosleep(&ms100, 0);
    CHECK_ERR(read(sp[0], &c, 1), EAGAIN, "stopped, it runs no handler");
    fcntl(sp[0], F_SETFL, 0);
    kill(sc, SIGCONT);
    CHECK(read(sp[0], &c, 1) == 1, "after SIGCONT the handler runs again");
    kill(sc, SIGKILL);
    waitpid(sc, &sst, 0);

    /* fork: the child has no timers; execve keeps the interval timer */
    alarm(10);
    timer_t ft;
    timer_create(CLOCK_MONOTONIC, &nev, &ft);
    struct itimerspec far = { { 0, 0 }, { 100, 0 } };
    timer_settime(ft, 0, &far, 0);
    pid_t pid = fork();
    if (pid == 0) {
        struct itimerval cv;
        struct itimerspec cs;
        int ok = getitimer(ITIMER_REAL, &cv) == 0 && !cv.it_value.tv_sec && !cv.it_value.tv_usec;
        ok = ok && timer_gettime(ft, &cs) == -1 && errno == EINVAL;
        ok = ok && alarm(0) == 0;
        timer_t ct;
        ok = ok && timer_create(CLOCK_MONOTONIC, &nev, &ct) == 0 && (intptr_t)ct == 0;
        _exit(ok ? 0 : 1);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "a fork child has no timers (and its timer ids start at 0)");
    CHECK(timer_gettime(ft, &g) == 0 && g.it_value.tv_sec >= 90, "the parent's timer is still there");
    pid = fork();
    if (pid == 0) {
        timer_t et;
        timer_create(CLOCK_MONOTONIC, &nev, &et);
        alarm(10);
        execl(argv[0], argv[0], "after-exec", (char *)0);
        _exit(2);
    }
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child's timers across execve");
    alarm(0);
    return check_failed;
}
