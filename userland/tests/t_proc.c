/* A process tree: fork, execve, exit statuses, wait4, orphans, death by signal. */
#include "check.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

static void sleep_ms(long ms) { struct timespec d = { ms / 1000, ms % 1000 * 1000000 }; nanosleep(&d, 0); }

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exec-child")) return argc > 2 ? atoi(argv[2]) : 0;
    pid_t me = getpid();
    int codes[3] = { 0, 1, 255 }, all = 1;
    for (int i = 0; i < 3; i++) {
        pid_t c = fork();
        if (c == 0) _exit(codes[i]);
        int st;
        all &= c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == codes[i];
    }
    CHECK(all, "fork, _exit and waitpid give exit codes 0, 1, 255");
    pid_t c = fork();
    if (c == 0) _exit(getppid() == me ? 10 : 11);
    int st;
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 10, "the child's getppid is its parent");
    c = fork();
    if (c == 0) {
        execl("/tests/t_proc", "t_proc", "exec-child", "33", (char *)0);
        _exit(99);
    }
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 33, "execve replaces the image and passes argv");
    c = fork();
    if (c == 0) { sleep_ms(50); _exit(5); }
    CHECK(waitpid(c, &st, WNOHANG) == 0, "waitpid WNOHANG on a running child returns 0");
    CHECK(waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 5, "then a blocking waitpid waits for it");
    c = fork();
    if (c == 0) { for (;;) {} }
    kill(c, SIGTERM);
    CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "kill(SIGTERM) of a child: the wait status says so");
    c = fork();
    if (c == 0) { kill(getpid(), SIGKILL); _exit(1); }
    CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "a process killing itself with SIGKILL");
    c = fork();
    if (c == 0) {
        if (fork() == 0) {
            sleep_ms(100);
            printf(getppid() == 1 ? "ok - an orphan is reparented to init\n" : "not ok - an orphan is reparented to init\n");
            fflush(stdout);
            _exit(0);
        }
        _exit(0);
    }
    waitpid(c, &st, 0);
    sleep_ms(200);
    int n = 0;
    for (int i = 0; i < 10; i++) if (fork() == 0) _exit(i);
    while (wait(&st) > 0) n++;
    CHECK(n == 10, "ten children reaped with wait");
    CHECK_ERR(wait(&st), ECHILD, "wait with no children: ECHILD");
    CHECK_ERR(waitpid(c, &st, 0), ECHILD, "waitpid of a reaped child: ECHILD");
    c = fork();
    if (c == 0) {  /* many arguments, as xargs passes them */
        static char *av[1003];
        av[0] = "t_proc"; av[1] = "exec-child"; av[2] = "44";
        for (int i = 3; i < 1002; i++) av[i] = "an-argument-of-some-length";
        execv("/tests/t_proc", av);
        _exit(98);
    }
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 44, "execve with a thousand arguments");
    CHECK_ERR(execl("/tests/none", "none", (char *)0), ENOENT, "execve of a missing file: ENOENT");
    CHECK_ERR(execl("/tests/notelf.txt", "notelf.txt", (char *)0), ENOEXEC, "execve of a file that is not ELF: ENOEXEC");
    CHECK_ERR(kill(99999, SIGTERM), ESRCH, "kill of no such process: ESRCH");
    CHECK_ERR(kill(getpid(), 1000), EINVAL, "kill with a bad signal: EINVAL");
    return check_failed;
}
