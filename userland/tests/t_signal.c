/* Signals: handlers, masks, SA_SIGINFO, SA_RESTART, SA_RESETHAND, SA_NODEFER, SA_ONSTACK, SIGCHLD,
 * a SIGSEGV handler that recovers, sigsuspend, sigtimedwait, death by signal. */
#include "check.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t got, got_sig, depth, max_depth, chld, raises;
static void *volatile fault_addr;
static volatile uintptr_t handler_stack;
static volatile int info_ok;
static sigjmp_buf jb;

static void on_usr1(int s) { got++; got_sig = s; }
static void on_info(int s, siginfo_t *si, void *uc) { info_ok = si->si_signo == s && uc != 0; got++; }
static void on_chld(int s) { (void)s; chld++; }
static void on_segv(int s, siginfo_t *si, void *uc) { (void)s; (void)uc; fault_addr = si->si_addr; siglongjmp(jb, 1); }
static void on_alt(int s) { int local; (void)s; handler_stack = (uintptr_t)&local; }
static void nested(int s) { depth++; if (depth > max_depth) max_depth = depth; if (raises < 2) { raises++; raise(s); } depth--; }
static void sleep_ms(long ms) { struct timespec d = { 0, ms * 1000000 }; nanosleep(&d, 0); }

static void set(int sig, void (*h)(int), int flags)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigaction(sig, &sa, 0);
}

int main(void)
{
    set(SIGUSR1, on_usr1, 0);
    CHECK(raise(SIGUSR1) == 0 && got == 1 && got_sig == SIGUSR1, "a handler runs for a signal sent to oneself");
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, 0);
    kill(getpid(), SIGUSR2);
    CHECK(got == 2 && info_ok, "SA_SIGINFO: siginfo and ucontext reach the handler");

    sigset_t m, old, pend;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, &old);
    raise(SIGUSR1);
    sigpending(&pend);
    CHECK(got == 2 && sigismember(&pend, SIGUSR1), "a blocked signal stays pending");
    sigprocmask(SIG_SETMASK, &old, 0);
    CHECK(got == 3, "and is delivered when unblocked");

    set(SIGUSR1, on_usr1, SA_RESETHAND);
    raise(SIGUSR1);
    struct sigaction cur;
    sigaction(SIGUSR1, 0, &cur);
    CHECK(got == 4 && cur.sa_handler == SIG_DFL, "SA_RESETHAND: the handler is reset after one delivery");

    set(SIGUSR2, nested, SA_NODEFER);
    raise(SIGUSR2);
    CHECK(max_depth == 3, "SA_NODEFER: a handler can be re-entered by its own signal");
    max_depth = 0;
    raises = 0;
    set(SIGUSR2, nested, 0);
    raise(SIGUSR2);
    CHECK(max_depth == 1, "without it the signal waits until the handler returns");

    set(SIGCHLD, on_chld, 0);
    pid_t c = fork();
    if (c == 0) _exit(0);
    int st;
    while (waitpid(c, &st, 0) < 0) {}
    CHECK(chld == 1, "SIGCHLD reaches the parent when a child exits");

    c = fork();
    if (c == 0) {
        set(SIGUSR1, on_usr1, 0);
        while (!got) {}
        _exit(got_sig == SIGUSR1 ? 7 : 8);
    }
    sleep_ms(20);
    kill(c, SIGUSR1);
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "a handler interrupts a busy child");

    /* SA_RESTART: a wait interrupted by a handled signal goes on; without it, EINTR */
    signal(SIGCHLD, SIG_DFL);
    got = 0;
    set(SIGUSR1, on_usr1, SA_RESTART);
    pid_t slow = fork();
    if (slow == 0) { sleep_ms(100); _exit(3); }
    pid_t poker = fork();
    if (poker == 0) { sleep_ms(30); kill(getppid(), SIGUSR1); _exit(0); }
    pid_t w = waitpid(slow, &st, 0);
    CHECK(w == slow && got == 1 && WEXITSTATUS(st) == 3, "SA_RESTART: waitpid goes on after the handler");
    waitpid(poker, 0, 0);
    set(SIGUSR1, on_usr1, 0);
    poker = fork();
    if (poker == 0) { sleep_ms(30); kill(getppid(), SIGUSR1); _exit(0); }
    struct timespec d = { 2, 0 };
    errno = 0;
    int r = nanosleep(&d, 0);
    CHECK(r == -1 && errno == EINTR && got == 2, "a handled signal interrupts nanosleep with EINTR");
    waitpid(poker, 0, 0);

    /* a fault delivered to a handler, which recovers */
    char *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, 0);
    if (sigsetjmp(jb, 1) == 0) { ro[100] = 1; CHECK(0, "a write to a read-only page raises SIGSEGV"); }
    else CHECK(fault_addr == ro + 100, "a write to a read-only page raises SIGSEGV, with si_addr, to a handler");
    signal(SIGSEGV, SIG_DFL);

    stack_t ss = { 0 };
    ss.ss_sp = malloc(65536);
    ss.ss_size = 65536;
    CHECK(sigaltstack(&ss, 0) == 0, "sigaltstack");
    set(SIGUSR2, on_alt, SA_ONSTACK);
    raise(SIGUSR2);
    CHECK(handler_stack >= (uintptr_t)ss.ss_sp && handler_stack < (uintptr_t)ss.ss_sp + 65536,
          "SA_ONSTACK: the handler runs on the alternate stack");

    /* sigsuspend: wait with a mask until a signal comes */
    got = 0;
    set(SIGUSR1, on_usr1, 0);
    sigprocmask(SIG_BLOCK, &m, &old);
    poker = fork();
    if (poker == 0) { sleep_ms(20); kill(getppid(), SIGUSR1); _exit(0); }
    sigset_t none;
    sigemptyset(&none);
    r = sigsuspend(&none);
    sigset_t now;
    sigprocmask(SIG_BLOCK, 0, &now);
    CHECK(r == -1 && errno == EINTR && got == 1 && sigismember(&now, SIGUSR1), "sigsuspend returns after the handler, mask restored");
    waitpid(poker, 0, 0);

    /* sigtimedwait takes a blocked signal without a handler */
    raise(SIGUSR1);
    siginfo_t si;
    struct timespec zero = { 0, 0 }, shortt = { 0, 20000000 };
    CHECK(sigtimedwait(&m, &si, &zero) == SIGUSR1 && si.si_signo == SIGUSR1 && got == 1, "sigtimedwait takes a pending signal");
    errno = 0;
    CHECK(sigtimedwait(&m, &si, &shortt) == -1 && errno == EAGAIN, "and times out with EAGAIN");
    sigprocmask(SIG_SETMASK, &old, 0);

    c = fork();
    if (c == 0) { signal(SIGTERM, SIG_IGN); kill(getpid(), SIGTERM); _exit(4); }
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4, "an ignored signal does nothing");
    c = fork();
    if (c == 0) { *(volatile int *)8 = 1; _exit(0); }
    waitpid(c, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "an unhandled SIGSEGV kills, as the wait status shows");
    c = fork();
    if (c == 0) { abort(); }
    waitpid(c, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "abort() kills with SIGABRT");
    return check_failed;
}
