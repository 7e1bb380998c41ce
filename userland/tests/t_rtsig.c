/* Real-time signals and signal queueing: sigqueue, rt_sigqueueinfo, rt_tgsigqueueinfo, the order
 * of dequeueing and of handlers, standard signals merging, RLIMIT_SIGPENDING, /proc's SigQ, SigPnd
 * and ShdPnd, fork and execve. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define RT(n) (SIGRTMIN + (n))

static sigset_t all_rt(void)
{
    sigset_t s;
    sigemptyset(&s);
    for (int i = SIGRTMIN; i <= SIGRTMAX; i++) sigaddset(&s, i);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    sigaddset(&s, SIGHUP);
    sigaddset(&s, SIGSEGV);
    return s;
}

/* Take one pending signal of the blocked set without waiting: its number (-1: none), its siginfo. */
static int take(siginfo_t *si)
{
    sigset_t s = all_rt();
    struct timespec zero = { 0, 0 };
    memset(si, 0, sizeof(*si));
    return sigtimedwait(&s, si, &zero);
}

static int queue(int sig, int v) { union sigval u = { .sival_int = v }; return sigqueue(getpid(), sig, u); }

static int is_pending(int sig) { sigset_t s; sigpending(&s); return sigismember(&s, sig); }

static void drain(void) { siginfo_t si; while (take(&si) > 0) {} }

/* The hex value of field name ("SigQ:" etc.) of /proc/self/status, or its text in buf. */
static int status_field(const char *name, char *buf, int len)
{
    char all[4096];
    int fd = open("/proc/self/status", O_RDONLY);
    if (fd < 0) return -1;
    int n = (int)read(fd, all, sizeof(all) - 1);
    close(fd);
    if (n <= 0) return -1;
    all[n] = 0;
    char *p = strstr(all, name);
    if (!p) return -1;
    p += strlen(name);
    while (*p == '\t' || *p == ' ') p++;
    int i = 0;
    while (p[i] && p[i] != '\n' && i < len - 1) { buf[i] = p[i]; i++; }
    buf[i] = 0;
    return 0;
}
static unsigned long long status_hex(const char *name)
{
    char b[64];
    return status_field(name, b, sizeof(b)) ? ~0ULL : strtoull(b, 0, 16);
}

/* handlers record (signal, value) in order */
static volatile int rec_n, rec_sig[16], rec_val[16], rec_code[16];
static void recorder(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (rec_n < 16) { rec_sig[rec_n] = sig; rec_val[rec_n] = si->si_value.sival_int; rec_code[rec_n] = si->si_code; rec_n++; }
}
static void record_with(int sig, int flags, const sigset_t *mask)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = recorder;
    sa.sa_flags = SA_SIGINFO | flags;
    if (mask) sa.sa_mask = *mask; else sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, 0);
}
static int recorded(const int *vals, int n)
{
    if (rec_n != n) return 0;
    for (int i = 0; i < n; i++) if (rec_val[i] != vals[i]) return 0;
    return 1;
}

static long qinfo(pid_t pid, int sig, int code, int v)
{
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_signo = sig;
    si.si_code = code;
    si.si_pid = 12345;
    si.si_uid = 77;
    si.si_value.sival_int = v;
    return syscall(SYS_rt_sigqueueinfo, pid, sig, &si);
}
static long tgqinfo(pid_t tgid, pid_t tid, int sig, int code, int v)
{
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_signo = sig;
    si.si_code = code;
    si.si_pid = getpid();
    si.si_value.sival_int = v;
    return syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &si);
}

static int mark_fd;
static void mark(int sig) { (void)sig; write(mark_fd, "x", 1); }

static volatile int waiter_sig, waiter_val;
static void *waiter(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, RT(5));
    siginfo_t si;
    waiter_sig = sigwaitinfo(&s, &si);
    waiter_val = si.si_value.sival_int;
    return 0;
}

static int sync_fd[2], thr_own, thr_shared, thr_first;
static void *pender(void *arg)
{
    (void)arg;
    char c;
    read(sync_fd[0], &c, 1);  /* main has sent: RT(6) to this thread, RT(7) to the process */
    thr_own = is_pending(RT(6));
    thr_shared = is_pending(RT(7));
    siginfo_t si;
    thr_first = take(&si) == RT(6) && si.si_code == SI_TKILL;
    thr_first = thr_first && take(&si) == RT(7) && si.si_code == SI_QUEUE;
    return 0;
}

static void exec_child(void)
{
    /* the image before execve left RT(1) queued twice (values 41, 42) and blocked */
    siginfo_t a, b, c;
    int s1 = take(&a), s2 = take(&b), s3 = take(&c);
    CHECK(s1 == RT(1) && a.si_value.sival_int == 41 && s2 == RT(1) && b.si_value.sival_int == 42 && s3 == -1,
          "execve keeps the queued signals, each with its siginfo");
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exec-child")) { exec_child(); return check_failed; }
    sigset_t blk = all_rt(), old;
    sigprocmask(SIG_BLOCK, &blk, &old);
    siginfo_t si;

    CHECK(SIGRTMIN == 35 && SIGRTMAX == 64, "musl's SIGRTMIN is 35 and SIGRTMAX 64");

    /* queueing and order */
    CHECK(queue(RT(0), 1) == 0 && queue(RT(0), 2) == 0 && queue(RT(0), 3) == 0, "sigqueue of a blocked real-time signal");
    CHECK(is_pending(RT(0)), "sigpending shows it");
    int s1 = take(&si);
    CHECK(s1 == RT(0) && si.si_value.sival_int == 1 && si.si_code == SI_QUEUE && si.si_pid == getpid() &&
          si.si_uid == getuid(), "the first instance comes first with its siginfo (SI_QUEUE, pid, uid, value)");
    int s2 = take(&si), v2 = si.si_value.sival_int;
    int s3 = take(&si), v3 = si.si_value.sival_int;
    CHECK(s2 == RT(0) && v2 == 2 && s3 == RT(0) && v3 == 3, "each queued instance is taken, in send order");
    errno = 0;
    CHECK(take(&si) == -1 && errno == EAGAIN && !is_pending(RT(0)), "then none is pending");

    queue(RT(2), 1); queue(RT(0), 2); queue(RT(2), 3); queue(RT(1), 4);
    int order[4], vals[4];
    for (int i = 0; i < 4; i++) { order[i] = take(&si); vals[i] = si.si_value.sival_int; }
    CHECK(order[0] == RT(0) && order[1] == RT(1) && order[2] == RT(2) && order[3] == RT(2) &&
          vals[0] == 2 && vals[1] == 4 && vals[2] == 1 && vals[3] == 3,
          "the lowest signal first, the same signal in send order");

    CHECK(queue(SIGUSR1, 1) == 0 && queue(SIGUSR1, 2) == 0, "sigqueue of a blocked standard signal twice");
    s1 = take(&si);
    errno = 0;
    CHECK(s1 == SIGUSR1 && si.si_value.sival_int == 1 && take(&si) == -1 && errno == EAGAIN,
          "a standard signal is pending once: the first siginfo stays");

    kill(getpid(), RT(3)); kill(getpid(), RT(3));
    s1 = take(&si);
    int code1 = si.si_code, pid1 = si.si_pid;
    s2 = take(&si);
    CHECK(s1 == RT(3) && s2 == RT(3) && code1 == SI_USER && pid1 == getpid(), "kill queues real-time signals too (SI_USER)");

    queue(RT(0), 9);
    raise(RT(3));
    s1 = take(&si);
    code1 = si.si_code;
    s2 = take(&si);
    CHECK(s1 == RT(3) && code1 == SI_TKILL && s2 == RT(0),
          "a thread's own signals (tkill, SI_TKILL) are taken before its process's");

    kill(getpid(), SIGHUP); kill(getpid(), SIGSEGV);
    s1 = take(&si); s2 = take(&si);
    CHECK(s1 == SIGSEGV && s2 == SIGHUP, "a synchronous signal (SIGSEGV) is taken before lower ones");

    /* /proc: SigPnd (the thread's), ShdPnd (the process's), SigQ */
    queue(RT(0), 1);
    tgqinfo(getpid(), (pid_t)syscall(SYS_gettid), RT(1), SI_QUEUE, 2);
    unsigned long long shd = status_hex("ShdPnd:"), own = status_hex("SigPnd:");
    CHECK(shd == 1ULL << (RT(0) - 1) && own == 1ULL << (RT(1) - 1),
          "/proc/self/status: ShdPnd has sigqueue's signal, SigPnd rt_tgsigqueueinfo's");
    char q[64];
    struct rlimit rl;
    getrlimit(RLIMIT_SIGPENDING, &rl);
    char want[64];
    snprintf(want, sizeof(want), "2/%llu", (unsigned long long)rl.rlim_cur);
    CHECK(status_field("SigQ:", q, sizeof(q)) == 0 && !strcmp(q, want), "SigQ counts the queued signals and the limit");
    drain();

    /* handlers: each queued instance is delivered when unblocked, frames nest as Linux's */
    record_with(RT(0), 0, 0);
    record_with(RT(1), 0, 0);
    queue(RT(0), 1); queue(RT(0), 2); queue(RT(1), 3);
    rec_n = 0;
    sigprocmask(SIG_UNBLOCK, &blk, 0);
    sigprocmask(SIG_BLOCK, &blk, 0);
    int nested[3] = { 3, 1, 2 };
    CHECK(recorded(nested, 3) && rec_sig[0] == RT(1) && rec_code[0] == SI_QUEUE,
          "unblocked: a handler for each instance; a higher signal's frame goes on top of the first's");
    sigset_t rtmask = all_rt();
    record_with(RT(0), 0, &rtmask);
    queue(RT(0), 1); queue(RT(0), 2); queue(RT(1), 3);
    rec_n = 0;
    sigprocmask(SIG_UNBLOCK, &blk, 0);
    sigprocmask(SIG_BLOCK, &blk, 0);
    int inorder[3] = { 1, 2, 3 };
    CHECK(recorded(inorder, 3), "with sa_mask blocking the rest, handlers run in dequeue order");
    record_with(RT(0), SA_NODEFER, 0);
    queue(RT(0), 1); queue(RT(0), 2); queue(RT(1), 3);
    rec_n = 0;
    sigprocmask(SIG_UNBLOCK, &blk, 0);
    sigprocmask(SIG_BLOCK, &blk, 0);
    int stacked[3] = { 3, 2, 1 };
    CHECK(recorded(stacked, 3), "SA_NODEFER: every instance's frame is stacked at once");
    int pfd[2];
    pipe(pfd);
    mark_fd = pfd[1];
    pid_t c = fork();
    if (c == 0) {
        struct sigaction sa = { 0 };
        sa.sa_handler = mark;
        sa.sa_flags = SA_RESETHAND;
        sigaction(RT(0), &sa, 0);
        queue(RT(0), 1); queue(RT(0), 2);
        sigprocmask(SIG_UNBLOCK, &blk, 0);
        _exit(0);
    }
    int st;
    char marks[4];
    close(pfd[1]);
    CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == RT(0) && read(pfd[0], marks, 4) == 1,
          "SA_RESETHAND: the first instance runs the handler, the second the default action");
    close(pfd[0]);

    /* ignored signals */
    queue(RT(1), 1);
    CHECK(is_pending(RT(1)), "a blocked signal is queued even while ignored");
    struct sigaction ign = { 0 };
    ign.sa_handler = SIG_IGN;
    sigaction(RT(1), &ign, 0);
    CHECK(!is_pending(RT(1)), "setting SIG_IGN discards its pending instances");
    signal(RT(0), SIG_DFL);
    signal(RT(1), SIG_DFL);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, 0);
    c = fork();
    if (c == 0) _exit(0);
    for (int i = 0; i < 1000 && !is_pending(SIGCHLD); i++) { struct timespec t = { 0, 1000000 }; nanosleep(&t, 0); }
    CHECK(is_pending(SIGCHLD), "a blocked SIGCHLD is pending though its default action ignores it");
    struct pollfd none;
    struct timespec t20 = { 0, 20000000 };
    sigset_t open_mask = blk;
    sigdelset(&open_mask, SIGCHLD);
    int pr = ppoll(&none, 0, &t20, &open_mask);
    CHECK(pr == 0 && !is_pending(SIGCHLD), "ppoll letting the ignored pending SIGCHLD in discards it and times out");
    waitpid(c, 0, 0);
    sigprocmask(SIG_UNBLOCK, &chld, 0);

    /* rt_sigqueueinfo and rt_tgsigqueueinfo */
    CHECK(qinfo(getpid(), RT(0), SI_USER, 5) == 0 && take(&si) == RT(0) && si.si_code == SI_USER && si.si_pid == 12345 &&
          si.si_uid == 77 && si.si_value.sival_int == 5, "rt_sigqueueinfo to oneself with any si_code; the siginfo is the caller's");
    CHECK_ERR(qinfo(getpid(), 65, SI_QUEUE, 0), EINVAL, "rt_sigqueueinfo: signal 65 is EINVAL");
    CHECK_ERR(qinfo(99999, 65, SI_QUEUE, 0), ESRCH, "rt_sigqueueinfo: no such process comes before the signal check");
    CHECK_ERR(qinfo(99999, RT(0), SI_QUEUE, 0), ESRCH, "rt_sigqueueinfo: no such process");
    CHECK(qinfo(getpid(), 0, SI_QUEUE, 0) == 0, "rt_sigqueueinfo: signal 0 probes");
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, getpid(), RT(0), (void *)8), EFAULT, "rt_sigqueueinfo: a bad siginfo is EFAULT");
    c = fork();
    if (c == 0) { pause(); _exit(0); }
    CHECK_ERR(qinfo(c, RT(0), SI_USER, 0), EPERM, "rt_sigqueueinfo to another process with SI_USER is EPERM");
    CHECK_ERR(qinfo(c, RT(0), SI_TKILL, 0), EPERM, "... with SI_TKILL is EPERM");
    CHECK_ERR(qinfo(c, RT(0), SI_KERNEL, 0), EPERM, "... with SI_KERNEL is EPERM");
    CHECK_ERR(qinfo(99999, RT(0), SI_USER, 0), EPERM, "the si_code check comes before the process lookup");
    CHECK(qinfo(c, SIGKILL, SI_QUEUE, 0) == 0, "... with SI_QUEUE it is sent");
    CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "and it acts");
    CHECK_ERR(tgqinfo(getpid(), 0, RT(0), SI_QUEUE, 0), EINVAL, "rt_tgsigqueueinfo: tid 0 is EINVAL");
    CHECK_ERR(tgqinfo(0, (pid_t)syscall(SYS_gettid), RT(0), SI_QUEUE, 0), EINVAL, "rt_tgsigqueueinfo: tgid 0 is EINVAL");
    CHECK_ERR(tgqinfo(getpid() + 1000, (pid_t)syscall(SYS_gettid), RT(0), SI_QUEUE, 0), ESRCH, "rt_tgsigqueueinfo: a thread of another tgid is ESRCH");
    CHECK_ERR(tgqinfo(getpid(), (pid_t)syscall(SYS_gettid), 65, SI_QUEUE, 0), EINVAL, "rt_tgsigqueueinfo: signal 65 is EINVAL");
    CHECK(tgqinfo(getpid(), (pid_t)syscall(SYS_gettid), RT(2), SI_QUEUE, 8) == 0 && take(&si) == RT(2) && si.si_value.sival_int == 8 &&
          si.si_code == SI_QUEUE, "rt_tgsigqueueinfo to oneself");

    /* a signal sent by another process */
    c = fork();
    if (c == 0) { for (int i = 0; i < 5; i++) sigqueue(getppid(), RT(4), (union sigval){ .sival_int = 100 + i }); _exit(0); }
    waitpid(c, &st, 0);
    int ok = 1;
    for (int i = 0; i < 5; i++) ok &= take(&si) == RT(4) && si.si_value.sival_int == 100 + i && si.si_pid == c;
    errno = 0;
    CHECK(ok && take(&si) == -1, "another process's sigqueue: every value in order with its pid");

    /* a process-directed signal goes to a thread waiting for it */
    pthread_t th;
    pthread_create(&th, 0, waiter, 0);
    struct timespec d = { 0, 20000000 };
    nanosleep(&d, 0);
    queue(RT(5), 55);
    pthread_join(th, 0);
    CHECK(waiter_sig == RT(5) && waiter_val == 55, "sigqueue to the process reaches a thread in sigwaitinfo");

    /* a thread's pending set and its process's */
    pipe(sync_fd);
    pthread_create(&th, 0, pender, 0);
    pthread_kill(th, RT(6));
    queue(RT(7), 1);
    int main_own = is_pending(RT(6)), main_shared = is_pending(RT(7));
    write(sync_fd[1], "x", 1);
    pthread_join(th, 0);
    CHECK(thr_own && thr_shared && !main_own && main_shared,
          "sigpending: a thread sees its own signals and its process's, not another thread's");
    CHECK(thr_first && take(&si) == -1, "the thread takes its own (SI_TKILL), then its process's; none is left");

    /* a POSIX timer's signal is queued beside a kill of the same standard signal */
    kill(getpid(), SIGUSR2);
    struct sigevent ev = { 0 };
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR2;
    ev.sigev_value.sival_int = 7;
    timer_t tm;
    struct itimerspec its = { { 0, 0 }, { 0, 1000000 } };
    timer_create(CLOCK_MONOTONIC, &ev, &tm);
    timer_settime(tm, 0, &its, 0);
    d.tv_nsec = 30000000;
    nanosleep(&d, 0);
    s1 = take(&si);
    code1 = si.si_code;
    s2 = take(&si);
    CHECK(s1 == SIGUSR2 && code1 == SI_USER && s2 == SIGUSR2 && si.si_code == SI_TIMER && si.si_value.sival_int == 7,
          "a timer's signal is queued even when the same standard signal is pending");
    timer_delete(tm);

    /* RLIMIT_SIGPENDING */
    struct rlimit low = { 50, rl.rlim_max };
    setrlimit(RLIMIT_SIGPENDING, &low);
    int sent = 0;
    while (sent < 200 && queue(RT(0), sent) == 0) sent++;
    CHECK(sent == 50 && errno == EAGAIN, "sigqueue beyond RLIMIT_SIGPENDING is EAGAIN");
    CHECK(status_field("SigQ:", q, sizeof(q)) == 0 && !strcmp(q, "50/50"), "SigQ shows the queue full");
    CHECK_ERR(raise(RT(1)), EAGAIN, "tkill of a real-time signal beyond it is EAGAIN");
    CHECK(kill(getpid(), RT(2)) == 0 && is_pending(RT(2)), "kill of a real-time signal still pends it (its siginfo is lost)");
    CHECK(queue(SIGUSR1, 3) == 0 && is_pending(SIGUSR1), "sigqueue of a standard signal still pends it");
    CHECK(kill(getpid(), SIGUSR2) == 0, "kill of a standard signal is queued beyond the limit");
    CHECK_ERR(timer_create(CLOCK_MONOTONIC, &ev, &tm), EAGAIN, "timer_create is EAGAIN: its signal has no room");
    s1 = take(&si);
    CHECK(s1 == SIGUSR1 && si.si_code == SI_USER && si.si_pid == 0, "the standard signal's siginfo was lost");
    s1 = take(&si);
    CHECK(s1 == SIGUSR2 && si.si_code == SI_USER && si.si_pid == getpid(), "kill's standard signal kept its siginfo");
    ok = 1;
    for (int i = 0; i < 50; i++) ok &= take(&si) == RT(0) && si.si_value.sival_int == i;
    CHECK(ok, "the 50 queued instances come out in order");
    s1 = take(&si);
    CHECK(s1 == RT(2) && si.si_code == SI_USER && si.si_pid == 0, "kill's lost siginfo: SI_USER from pid 0");
    errno = 0;
    CHECK(take(&si) == -1 && errno == EAGAIN, "the queue is empty");
    CHECK(status_field("SigQ:", q, sizeof(q)) == 0 && !strcmp(q, "0/50"), "SigQ is back to 0");
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &tm) == 0 && status_field("SigQ:", q, sizeof(q)) == 0 && !strcmp(q, "1/50"),
          "a POSIX timer counts in SigQ");
    timer_delete(tm);
    CHECK(status_field("SigQ:", q, sizeof(q)) == 0 && !strcmp(q, "0/50"), "its deletion gives it back");
    ev.sigev_signo = RT(3);
    timer_create(CLOCK_MONOTONIC, &ev, &tm);
    timer_settime(tm, 0, &its, 0);
    nanosleep(&d, 0);
    timer_delete(tm);
    CHECK(is_pending(RT(3)) && status_field("SigQ:", q, sizeof(q)) == 0 && !strcmp(q, "1/50"),
          "a deleted timer's queued signal stays pending and counted");
    CHECK(take(&si) == RT(3) && si.si_code == SI_TIMER && status_field("SigQ:", q, sizeof(q)) == 0 && !strcmp(q, "0/50"),
          "until it is taken");
    setrlimit(RLIMIT_SIGPENDING, &rl);

    /* fork and execve */
    queue(RT(1), 41);
    c = fork();
    if (c == 0) _exit(is_pending(RT(1)) ? 1 : 0);
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0 && is_pending(RT(1)),
          "fork: the child has nothing pending, the parent keeps its signals");
    fflush(stdout);
    c = fork();
    if (c == 0) {
        queue(RT(1), 41);
        queue(RT(1), 42);
        execl(argv[0], argv[0], "exec-child", (char *)0);
        _exit(99);
    }
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "the execve'd child's checks passed");
    drain();
    return check_failed;
}
