/* SIGCHLD's siginfo (CLD_EXITED, CLD_KILLED, CLD_STOPPED, CLD_CONTINUED with pid, uid and status),
 * SA_NOCLDSTOP, and kill's targets: a zombie, a thread's id, another user's process. */
#define _GNU_SOURCE
#include "check.h"
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int next_chld(siginfo_t *si)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGCHLD);
    struct timespec ts = { 5, 0 };
    return sigtimedwait(&s, si, &ts);
}

static volatile int usr1_seen;
static void on_usr1(int sig) { (void)sig; usr1_seen = 1; }
static volatile pid_t thread_tid;
static void *thread_main(void *arg) { (void)arg; thread_tid = (pid_t)syscall(SYS_gettid); while (!usr1_seen) usleep(1000); return 0; }

int main(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGCHLD);
    sigprocmask(SIG_BLOCK, &s, 0);
    siginfo_t si;
    pid_t c = fork();
    if (c == 0) _exit(7);
    CHECK(next_chld(&si) == SIGCHLD && si.si_code == CLD_EXITED && si.si_pid == c && si.si_status == 7 &&
          si.si_uid == getuid(), "SIGCHLD of an exit: CLD_EXITED, pid, uid, exit status");
    CHECK(kill(c, 0) == 0 && kill(c, SIGTERM) == 0, "kill of a zombie succeeds");
    waitpid(c, 0, 0);
    CHECK_ERR(kill(c, 0), ESRCH, "kill of a reaped child: ESRCH");

    c = fork();
    if (c == 0) { pause(); _exit(0); }
    kill(c, SIGKILL);
    CHECK(next_chld(&si) == SIGCHLD && si.si_code == CLD_KILLED && si.si_pid == c && si.si_status == SIGKILL,
          "SIGCHLD of a kill: CLD_KILLED and the signal");
    waitpid(c, 0, 0);

    c = fork();
    if (c == 0) { for (;;) pause(); }
    kill(c, SIGSTOP);
    CHECK(next_chld(&si) == SIGCHLD && si.si_code == CLD_STOPPED && si.si_pid == c && si.si_status == SIGSTOP,
          "SIGCHLD of a stop: CLD_STOPPED and the stop signal");
    kill(c, SIGCONT);
    CHECK(next_chld(&si) == SIGCHLD && si.si_code == CLD_CONTINUED && si.si_pid == c && si.si_status == SIGCONT,
          "SIGCHLD of a continue: CLD_CONTINUED and SIGCONT");
    struct sigaction sa = { 0 };
    sa.sa_handler = SIG_DFL;
    sa.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, 0);
    kill(c, SIGSTOP);
    waitpid(c, 0, WUNTRACED);
    sigset_t pend;
    sigpending(&pend);
    CHECK(!sigismember(&pend, SIGCHLD), "SA_NOCLDSTOP: no SIGCHLD for a stop");
    kill(c, SIGKILL);
    waitpid(c, 0, 0);
    sa.sa_flags = 0;
    sigaction(SIGCHLD, &sa, 0);
    while (sigpending(&pend) == 0 && sigismember(&pend, SIGCHLD)) next_chld(&si);

    /* a thread's id names its process */
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, 0);
    pthread_t th;
    pthread_create(&th, 0, thread_main, 0);
    while (!thread_tid) usleep(1000);
    CHECK(kill(thread_tid, SIGUSR1) == 0, "kill with a thread's id succeeds");
    pthread_join(th, 0);
    CHECK(usr1_seen, "and the process takes the signal");

    /* another user's process: EPERM; one's own: allowed */
    pid_t parent = getpid();
    c = fork();
    if (c == 0) {
        if (setuid(1000)) _exit(2);
        int ok = kill(parent, SIGTERM) == -1 && errno == EPERM && kill(parent, 0) == -1 && errno == EPERM &&
                 kill(getpid(), 0) == 0 && kill(-1, 0) == 0;
        _exit(ok ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "kill of another user's process: EPERM (the probe too)");
    return check_failed;
}
