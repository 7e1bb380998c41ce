#define _GNU_SOURCE
/* Sessions and process groups, ids and groups, limits, accounting, waitid, absolute sleeps, mremap,
 * the auxiliary vector. */
#include "check.h"
#include <sched.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <elf.h>

extern char **environ;

int main(int argc, char **argv)
{
    (void)argc;
    pid_t me = getpid();
    CHECK(getpgid(0) >= 0 && getsid(0) >= 0 && getpgid(0) == getpgid(getppid()), "getpgid and getsid: children of init are in its group");
    CHECK_ERR(getpgid(99999), ESRCH, "getpgid of no such process: ESRCH");
    pid_t c = fork();
    if (c == 0) {
        pid_t s = setsid();
        _exit(s == getpid() && getsid(0) == getpid() && getpgid(0) == getpid() ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "setsid makes a child the leader of a new session and group");
    c = fork();
    if (c == 0) { struct timespec d = { 0, 50000000 }; nanosleep(&d, 0); _exit(0); }
    CHECK(setpgid(c, c) == 0 && getpgid(c) == c, "setpgid puts a child in its own group");
    CHECK(waitpid(-c, &st, 0) == c, "waitpid(-pgid) waits for that group");
    if (getpgid(0) == me) CHECK_ERR(setsid(), EPERM, "a group leader cannot setsid: EPERM");
    else CHECK(setsid() == me, "a group leader cannot setsid: EPERM");

    gid_t gl[8];
    CHECK(getgroups(0, 0) >= 0 && getgroups(8, gl) >= 0, "getgroups");
    gid_t two[2] = { 5, 7 };
    CHECK(setgroups(2, two) == 0 && getgroups(8, gl) == 2 && gl[0] == 5 && gl[1] == 7, "root may setgroups");
    uid_t r, e, s;
    CHECK(getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0, "getresuid of root");

    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 8 << 20, "RLIMIT_STACK is 8 MiB");
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 1024 && rl.rlim_max >= 1024, "RLIMIT_NOFILE is 1024");
    rl.rlim_cur = 100;
    CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0 && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 100, "setrlimit lowers a limit");
    rl.rlim_cur = rl.rlim_max + 1;
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &rl), EINVAL, "soft above hard: EINVAL");
    CHECK_ERR(prlimit(0, 99, 0, &rl), EINVAL, "prlimit of an unknown resource: EINVAL");

    struct rusage ru;
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0 && getrusage(RUSAGE_CHILDREN, &ru) == 0, "getrusage");
    CHECK_ERR(getrusage(5, &ru), EINVAL, "getrusage with a bad 'who': EINVAL");
    struct tms tm;
    CHECK(times(&tm) != (clock_t)-1, "times");
    struct sysinfo si;
    CHECK(sysinfo(&si) == 0 && si.totalram > 0 && si.mem_unit > 0 && si.procs > 0, "sysinfo reports memory and processes");
    cpu_set_t cs;
    CHECK(sched_getaffinity(0, sizeof(cs), &cs) == 0 && CPU_ISSET(0, &cs), "sched_getaffinity includes CPU 0");

    c = fork();
    if (c == 0) _exit(12);
    siginfo_t info = { 0 };
    CHECK(waitid(P_PID, c, &info, WEXITED) == 0 && info.si_pid == c && info.si_code == CLD_EXITED && info.si_status == 12,
          "waitid reports the child, how it ended and its status");
    CHECK_ERR(waitid(P_ALL, 0, &info, 0), EINVAL, "waitid without WEXITED: EINVAL");

    struct timespec now, end;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct timespec target = now;
    target.tv_nsec += 30000000;
    if (target.tv_nsec >= 1000000000) { target.tv_sec++; target.tv_nsec -= 1000000000; }
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, 0) == 0, "clock_nanosleep to an absolute time");
    clock_gettime(CLOCK_MONOTONIC, &end);
    CHECK(end.tv_sec > target.tv_sec || (end.tv_sec == target.tv_sec && end.tv_nsec >= target.tv_nsec), "wakes no earlier");

    char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(m, 'x', 8192);
    char *m2 = mremap(m, 8192, 1 << 20, MREMAP_MAYMOVE);
    CHECK(m2 != MAP_FAILED && m2[0] == 'x' && m2[8191] == 'x', "mremap grows a mapping and keeps its contents");
    m2[(1 << 20) - 1] = 'y';
    char *m3 = mremap(m2, 1 << 20, 4096, 0);
    CHECK(m3 == m2 && m3[0] == 'x', "and shrinks it in place");

    CHECK(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ is 4096");
    CHECK(getauxval(AT_RANDOM) != 0, "AT_RANDOM points at random bytes");
    CHECK(getauxval(AT_ENTRY) != 0 && getauxval(AT_PHNUM) > 0 && getauxval(AT_PHENT) == sizeof(Elf64_Phdr), "AT_ENTRY, AT_PHNUM, AT_PHENT");
    Elf64_Phdr *ph = (Elf64_Phdr *)getauxval(AT_PHDR);
    int has_load = 0;
    for (unsigned i = 0; ph && i < getauxval(AT_PHNUM); i++) has_load |= ph[i].p_type == PT_LOAD;
    CHECK(has_load, "AT_PHDR points at the program headers");
    CHECK(getauxval(AT_UID) == 0 && getauxval(AT_EUID) == 0 && getauxval(AT_GID) == 0 && getauxval(AT_EGID) == 0 && getauxval(AT_SECURE) == 0,
          "AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE");
    const char *fn = (const char *)getauxval(AT_EXECFN);
    CHECK(fn && !strcmp(fn, argv[0]), "AT_EXECFN is the path given to execve");
    CHECK(environ && environ[0], "the environment is passed");
    return check_failed;
}
