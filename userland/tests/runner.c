/*
 * The compatibility test runner: the same static binary is /init on Persona and on Linux. It runs
 * each program under /tests in turn (fork, execve, wait4) and reports how each ended; the programs
 * print their own "ok - ..." lines. Then it powers the machine off.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>

/* Every /tests/t_* program, in name order (the build puts each userland/tests/t_*.c there). */
static const char *tests[64];

static void list_tests(void)
{
    struct dirent **ents;
    int n = scandir("/tests", &ents, 0, alphasort), k = 0;
    for (int i = 0; i < n; i++) {
        if (!strncmp(ents[i]->d_name, "t_", 2) && k < 63) tests[k++] = strdup(ents[i]->d_name);
        free(ents[i]);
    }
    tests[k] = 0;
}

int main(int argc, char **argv)
{
    if (argc <= 1) list_tests();
    const char *const *list = argc > 1 ? (const char *const *)&argv[1] : tests;
    if (getpid() == 1) {  /* what a Linux initramfs lacks; on Persona these exist already */
        mount("devtmpfs", "/dev", "devtmpfs", 0, 0);
        mount("tmpfs", "/tmp", "tmpfs", 0, 0);
    }
    for (int i = 0; list[i]; i++) {
        char path[128];
        snprintf(path, sizeof(path), "/tests/%s", list[i]);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            execl(path, path, (char *)0);
            printf("not ok - %s: exec failed\n", list[i]);
            _exit(127);
        }
        int st = 0;
        if (pid < 0 || waitpid(pid, &st, 0) != pid) { printf("not ok - %s: fork/wait failed\n", list[i]); continue; }
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) printf("ok - %s ran to its end\n", list[i]);
        else printf("not ok - %s ended with status 0x%x\n", list[i], st);
        while (waitpid(-1, 0, WNOHANG) > 0) {}  /* orphans the test left to init */
    }
    /* reap orphans the tests left behind */
    while (waitpid(-1, 0, WNOHANG) > 0) {}
    printf("TESTS DONE\n");
    fflush(stdout);
    sync();
    if (getpid() == 1) reboot(RB_POWER_OFF);
    return 0;
}
