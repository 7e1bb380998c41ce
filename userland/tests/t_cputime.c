/* CPU time: times, getrusage (self, children, thread), wait4/waitid rusage, the CPU-time clocks,
 * ITIMER_VIRTUAL and ITIMER_PROF, POSIX timers on CPU clocks, /proc/self/stat's times. No check
 * depends on exact timing: each spins until a clock has grown, with a generous bound of wall time. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>

#define MS 1000000LL
static long long ts_ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }
static long long tv_ns(struct timeval t) { return t.tv_sec * 1000000000LL + t.tv_usec * 1000LL; }
static long long clock_ns(clockid_t c)
{
    struct timespec t = { 0, 0 };
    clock_gettime(c, &t);
    return ts_ns(t);
}

static volatile unsigned long sink;
static void burn(void) { for (int i = 0; i < 200000; i++) sink += (unsigned long)i; }

/* Use CPU until clock c has grown by ns (at most 20 s of wall time); 1 if it did. */
static int spin(clockid_t c, long long ns)
{
    long long end = clock_ns(c) + ns, wall = clock_ns(CLOCK_MONOTONIC) + 20000 * MS;
    while (clock_ns(c) < end)
        if (clock_ns(CLOCK_MONOTONIC) > wall) return 0;
        else burn();
    return 1;
}

/* Use CPU until *flag is set (at most 20 s of wall time); 1 if it was. */
static int spin_until(volatile int *flag, int n)
{
    long long wall = clock_ns(CLOCK_MONOTONIC) + 20000 * MS;
    while (*flag < n)
        if (clock_ns(CLOCK_MONOTONIC) > wall) return 0;
        else burn();
    return 1;
}

static volatile int vt_count, vt_code, prof_count, prof_code, usr1_count, usr1_code;
static void on_sig(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (sig == SIGVTALRM) { vt_count++; vt_code = si->si_code; }
    if (sig == SIGPROF) { prof_count++; prof_code = si->si_code; }
    if (sig == SIGUSR1) { usr1_count++; usr1_code = si->si_code; }
}

static long long thread_self_ns, thread_ru_ns;
static void *thread_spin(void *arg)
{
    (void)arg;
    spin(CLOCK_THREAD_CPUTIME_ID, 60 * MS);
    thread_self_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    thread_ru_ns = tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
    return 0;
}

/* Fields 14-17 of /proc/self/stat: utime, stime, cutime, cstime (clock ticks). */
static int proc_times(long long out[4])
{
    char buf[1024];
    int fd = open("/proc/self/stat", O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *s = strrchr(buf, ')');
    if (!s) return -1;
    s += 2;  /* field 3 */
    for (int f = 3; f < 14; f++) { s = strchr(s, ' '); if (!s) return -1; s++; }
    return sscanf(s, "%lld %lld %lld %lld", &out[0], &out[1], &out[2], &out[3]) == 4 ? 0 : -1;
}

int main(void)
{
    struct timespec ts;
    struct rusage ru;
    struct tms tm;
    if (access("/proc/self/stat", F_OK)) { mkdir("/proc", 0555); mount("proc", "/proc", "proc", 0, 0); }

    /* ---- the clocks ---- */
    CHECK(clock_getres(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec == 1,
          "clock_getres(CLOCK_PROCESS_CPUTIME_ID) is 1 ns");
    CHECK(clock_getres(CLOCK_THREAD_CPUTIME_ID, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec == 1,
          "clock_getres(CLOCK_THREAD_CPUTIME_ID) is 1 ns");
    CHECK(clock_getres(-8, &ts) == 0 && ts.tv_nsec == 4000000, "the process's PROF clock (id -8): a tick (HZ 250)");
    CHECK(clock_getres(-8 | 4 | 1, &ts) == 0 && ts.tv_nsec == 4000000, "the thread's VIRT clock (id -3): a tick");
    CHECK_ERR(clock_getres(-8 | 3, &ts), EINVAL, "a CPU clock id with 'which' 3: EINVAL");
    CHECK_ERR(clock_gettime(~(99999 << 3) | 2, &ts), EINVAL, "the CPU clock of a process that does not exist: EINVAL");
    CHECK_ERR(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, (void *)8), EFAULT, "clock_gettime(CPU clock) to a bad pointer: EFAULT");
    clockid_t pc, tc;
    CHECK(clock_getcpuclockid(getpid(), &pc) == 0, "clock_getcpuclockid(getpid())");
    CHECK(clock_getcpuclockid(99999, &tc) == EINVAL, "clock_getcpuclockid of no process: EINVAL (musl passes it on)");
    CHECK(clock_getcpuclockid(getppid(), &tc) == 0 && clock_gettime(tc, &ts) == 0,
          "another process's CPU clock can be read");
    CHECK(pthread_getcpuclockid(pthread_self(), &tc) == 0, "pthread_getcpuclockid(pthread_self())");
    long long p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    CHECK(spin(CLOCK_PROCESS_CPUTIME_ID, 80 * MS), "CLOCK_PROCESS_CPUTIME_ID grows while we compute");
    long long p1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), pid_clk = clock_ns(pc), t1 = clock_ns(tc),
              self1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    CHECK(p1 - p0 >= 80 * MS && pid_clk >= p1 && t1 >= 80 * MS && self1 >= t1,
          "the pid's and the thread's CPU clocks (clock_getcpuclockid, pthread_getcpuclockid) agree");
    struct timespec slp = { 0, 150 * MS };
    long long before_sleep = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    nanosleep(&slp, 0);
    CHECK(clock_ns(CLOCK_PROCESS_CPUTIME_ID) - before_sleep < 100 * MS, "sleeping uses (almost) no CPU time");

    /* ---- getrusage and times of the process ---- */
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0 && tv_ns(ru.ru_utime) >= 40 * MS &&
          tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) >= 60 * MS,
          "getrusage(RUSAGE_SELF): the time spent computing is user time");
    CHECK(ru.ru_utime.tv_usec < 1000000 && ru.ru_stime.tv_usec < 1000000, "ru_utime and ru_stime are normalised timevals");
    clock_t r0 = times(&tm);
    CHECK(r0 != (clock_t)-1 && tm.tms_utime >= 4 && tm.tms_utime + tm.tms_stime >= 6,
          "times: tms_utime in clock ticks (100 Hz)");
    CHECK(tm.tms_cutime == 0 && tm.tms_cstime == 0, "times: no children waited for yet");
    nanosleep(&slp, 0);
    clock_t r1 = times(0);
    CHECK(r1 - r0 >= 10 && r1 - r0 < 1000, "times(NULL): its value grows with elapsed time, in clock ticks");
    CHECK(times((void *)8) == (clock_t)-EFAULT, "times to a bad pointer: -EFAULT (musl passes the raw result on)");
    CHECK_ERR(getrusage(2, &ru), EINVAL, "getrusage(2): EINVAL");
    CHECK_ERR(getrusage(-2, &ru), EINVAL, "getrusage(-2): EINVAL");
    CHECK_ERR(getrusage(RUSAGE_SELF, (void *)8), EFAULT, "getrusage to a bad pointer: EFAULT");
    long long pt[4];
    CHECK(proc_times(pt) == 0 && pt[0] >= 4 && pt[2] == 0 && pt[3] == 0, "/proc/self/stat: utime in clock ticks, no cutime");

    /* page faults and voluntary switches */
    struct rusage a, b;
    getrusage(RUSAGE_SELF, &a);
    char *m = mmap(0, 100 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 100; i++) m[i * 4096] = 1;
    struct timespec ms5 = { 0, 5 * MS };
    for (int i = 0; i < 3; i++) nanosleep(&ms5, 0);
    getrusage(RUSAGE_SELF, &b);
    CHECK(b.ru_minflt - a.ru_minflt >= 50 && b.ru_minflt - a.ru_minflt < 1000, "ru_minflt counts the pages first touched");
    CHECK(b.ru_nvcsw - a.ru_nvcsw >= 3, "ru_nvcsw counts the sleeps");
    munmap(m, 100 * 4096);

    /* ---- a thread's own time ---- */
    pthread_t th;
    long long main0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), proc0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    pthread_create(&th, 0, thread_spin, 0);
    pthread_join(th, 0);
    long long main1 = clock_ns(CLOCK_THREAD_CPUTIME_ID), proc1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    CHECK(thread_self_ns >= 60 * MS && thread_ru_ns >= 40 * MS, "a thread's CLOCK_THREAD_CPUTIME_ID and RUSAGE_THREAD are its own");
    CHECK(main1 - main0 < 40 * MS, "... and not the thread that waited for it");
    CHECK(proc1 - proc0 >= 60 * MS, "an ended thread's time stays in the process's");
    getrusage(RUSAGE_THREAD, &ru);
    CHECK(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) < proc1 - 40 * MS, "RUSAGE_THREAD of the main thread has not the other's time");

    /* ---- children ---- */
    pid_t c = fork();
    if (c == 0) {
        pid_t g = fork();  /* a grandchild computes; the child waits for it */
        if (g == 0) { spin(CLOCK_PROCESS_CPUTIME_ID, 60 * MS); _exit(0); }
        waitpid(g, 0, 0);
        spin(CLOCK_PROCESS_CPUTIME_ID, 40 * MS);
        _exit(0);
    }
    siginfo_t si;
    CHECK(waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT) == 0, "waitid(WNOWAIT) sees the child's end");
    getrusage(RUSAGE_CHILDREN, &ru);
    CHECK(ru.ru_utime.tv_sec == 0 && ru.ru_utime.tv_usec == 0, "... and its time is not counted yet");
    int st;
    memset(&ru, 0, sizeof(ru));
    CHECK(wait4(c, &st, 0, &ru) == c && tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) >= 100 * MS,
          "wait4's rusage: the child's time with its waited-for children's");
    getrusage(RUSAGE_CHILDREN, &ru);
    CHECK(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) >= 100 * MS, "getrusage(RUSAGE_CHILDREN) after wait4");
    times(&tm);
    CHECK(tm.tms_cutime + tm.tms_cstime >= 8, "times: tms_cutime after wait4");
    CHECK(proc_times(pt) == 0 && pt[2] + pt[3] >= 8, "/proc/self/stat: cutime after wait4");
    c = fork();
    if (c == 0) { spin(CLOCK_PROCESS_CPUTIME_ID, 40 * MS); _exit(0); }
    memset(&ru, 0, sizeof(ru));
    CHECK(syscall(SYS_waitid, P_PID, c, &si, WEXITED, &ru) == 0 && tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) >= 40 * MS,
          "waitid's rusage (its fifth argument)");
    getrusage(RUSAGE_CHILDREN, &ru);
    CHECK(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) >= 140 * MS, "... which adds to RUSAGE_CHILDREN");

    /* ---- ITIMER_VIRTUAL and ITIMER_PROF ---- */
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGVTALRM, &sa, 0);
    sigaction(SIGPROF, &sa, 0);
    sigaction(SIGUSR1, &sa, 0);
    struct itimerval iv = { { 0, 30000 }, { 0, 30000 } }, cur, zero = { { 0, 0 }, { 0, 0 } };
    CHECK(setitimer(ITIMER_VIRTUAL, &iv, 0) == 0, "setitimer(ITIMER_VIRTUAL, 30 ms, every 30 ms)");
    CHECK(spin_until(&vt_count, 3) && vt_code == SI_KERNEL, "SIGVTALRM comes again and again while we compute (SI_KERNEL)");
    setitimer(ITIMER_VIRTUAL, &zero, 0);
    int n = vt_count;
    spin(CLOCK_PROCESS_CPUTIME_ID, 60 * MS);
    CHECK(vt_count == n, "a cleared ITIMER_VIRTUAL stops");
    iv.it_interval.tv_usec = 0;
    setitimer(ITIMER_VIRTUAL, &iv, 0);
    nanosleep(&slp, 0);
    CHECK(vt_count == n, "ITIMER_VIRTUAL does not run while we sleep");
    CHECK(getitimer(ITIMER_VIRTUAL, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 &&
          cur.it_value.tv_usec <= 34000 && cur.it_interval.tv_usec == 0, "getitimer(ITIMER_VIRTUAL): the CPU time left");
    CHECK(spin_until(&vt_count, n + 1), "a one-shot ITIMER_VIRTUAL fires once we compute");
    CHECK(getitimer(ITIMER_VIRTUAL, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0,
          "a one-shot ITIMER_VIRTUAL is disarmed after it fires");
    struct itimerval big = { { 2, 0 }, { 5, 0 } }, old;
    setitimer(ITIMER_PROF, &big, 0);
    CHECK(setitimer(ITIMER_PROF, &zero, &old) == 0 && old.it_interval.tv_sec == 2 &&
          tv_ns(old.it_value) > 4900 * MS && tv_ns(old.it_value) <= 5004 * MS,
          "setitimer(ITIMER_PROF) gives the old value: the CPU time left");
    iv.it_interval.tv_usec = 20000;
    iv.it_value.tv_usec = 20000;
    CHECK(setitimer(ITIMER_PROF, &iv, 0) == 0, "setitimer(ITIMER_PROF, 20 ms, every 20 ms)");
    CHECK(spin_until(&prof_count, 3) && prof_code == SI_KERNEL, "SIGPROF comes again and again while we compute");
    setitimer(ITIMER_PROF, &zero, 0);

    /* ---- POSIX timers on CPU clocks ---- */
    struct sigevent ev = { 0 };
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    timer_t t;
    struct itimerspec its = { { 0, 0 }, { 0, 30 * MS } }, got;
    CHECK(timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &t) == 0 && timer_settime(t, 0, &its, 0) == 0,
          "a 30 ms timer on CLOCK_PROCESS_CPUTIME_ID");
    CHECK(timer_gettime(t, &got) == 0 && got.it_value.tv_sec == 0 && got.it_value.tv_nsec > 0 &&
          got.it_value.tv_nsec <= 30 * MS, "timer_gettime: the CPU time left");
    nanosleep(&slp, 0);
    CHECK(usr1_count == 0, "it does not expire while we sleep");
    CHECK(spin_until(&usr1_count, 1) && usr1_code == SI_TIMER, "it expires once we compute (SI_TIMER)");
    CHECK(timer_gettime(t, &got) == 0 && got.it_value.tv_sec == 0 && got.it_value.tv_nsec == 0,
          "a one-shot timer on a CPU clock is disarmed after it fires");
    timer_delete(t);
    CHECK(timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &t) == 0 && timer_settime(t, 0, &its, 0) == 0 &&
          spin_until(&usr1_count, 2), "a timer on CLOCK_THREAD_CPUTIME_ID expires");
    timer_delete(t);
    struct itimerspec past = { { 0, 0 }, { 0, 1 } };
    n = usr1_count;
    CHECK(timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &t) == 0 && timer_settime(t, TIMER_ABSTIME, &past, 0) == 0 &&
          usr1_count == n + 1, "a CPU timer set (TIMER_ABSTIME) to a time already past fires at once");
    timer_delete(t);
    n = usr1_count;
    CHECK(timer_create(pc, &ev, &t) == 0, "timer_create on clock_getcpuclockid(getpid())");
    its.it_interval.tv_nsec = 20 * MS;
    CHECK(timer_settime(t, 0, &its, 0) == 0 && spin_until(&usr1_count, n + 3), "an interval timer on it expires again and again");
    timer_delete(t);
    CHECK_ERR(timer_create(~(99999 << 3) | 2, &ev, &t), EINVAL, "timer_create on a missing process's CPU clock: EINVAL");
    return check_failed;
}
