/* /proc per process (cmdline, environ, exe, cwd, fd, maps, stat, status, task), statfs, mounts, EXDEV. */
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define SELF "/tests/t_procfs"
static const char args[] = SELF "\0alpha\0be ta\0\0gamma";  /* with its final NUL: 30 bytes */
static const char envs[] = "T_PROCFS=run\0FOO=bar";

/* The whole file, up to size bytes; its length or -1. */
static long slurp(const char *path, char *buf, long size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    long n = 0, r;
    while (n < size && (r = read(fd, buf + n, (size_t)(size - n))) > 0) n += r;
    close(fd);
    return n;
}

static int link_is(const char *path, const char *want)
{
    char b[512];
    ssize_t n = readlink(path, b, sizeof(b) - 1);
    if (n < 0) return 0;
    b[n] = 0;
    if (strcmp(b, want)) printf("# %s -> %s (want %s)\n", path, b, want);
    return !strcmp(b, want);
}

/* Field n (1-based) of a stat line, after the "(comm)". */
static long long stat_field(const char *stat, int n)
{
    const char *s = strrchr(stat, ')');
    if (!s || n < 3) return -1;
    s += 2;
    for (int i = 3; i < n; i++) { s = strchr(s, ' '); if (!s) return -1; s++; }
    if (n == 3) return *s;
    return strtoll(s, 0, 10);
}

static int count_fields(const char *stat)
{
    const char *s = strrchr(stat, ')');
    int n = 2;
    if (!s) return 0;
    for (s++; *s && *s != '\n'; s++) if (*s == ' ') n++;
    return n;
}

/* The value after "Key:\t" in a status text, or 0. */
static const char *status_value(const char *st, const char *key)
{
    char k[64];
    snprintf(k, sizeof(k), "\n%s:\t", key);
    const char *s = strstr(st, k);
    if (!s && !strncmp(st, k + 1, strlen(k + 1))) return st + strlen(k + 1);
    return s ? s + strlen(k) : 0;
}

static int tpipe[2];
static volatile pid_t thread_tid;
static char thread_self[64];

static void *thread_main(void *arg)
{
    (void)arg;
    thread_tid = (pid_t)syscall(SYS_gettid);
    ssize_t n = readlink("/proc/thread-self", thread_self, sizeof(thread_self) - 1);
    if (n > 0) thread_self[n] = 0;
    char c;
    read(tpipe[0], &c, 1);
    return 0;
}

static void procfs_checks(void)
{
    char buf[8192], want[256];
    pid_t me = getpid();

    /* the argument vector and the environment, as execve laid them out */
    long n = slurp("/proc/self/cmdline", buf, sizeof(buf));
    CHECK(n == (long)sizeof(args) && !memcmp(buf, args, sizeof(args)), "/proc/self/cmdline: the arguments, NUL-separated");
    snprintf(want, sizeof(want), "/proc/%d/cmdline", me);
    n = slurp(want, buf, sizeof(buf));
    CHECK(n == (long)sizeof(args) && !memcmp(buf, args, sizeof(args)), "/proc/<pid>/cmdline");
    n = slurp("/proc/self/environ", buf, sizeof(buf));
    CHECK(n == (long)sizeof(envs) && !memcmp(buf, envs, sizeof(envs)), "/proc/self/environ: the environment");

    /* the links */
    snprintf(want, sizeof(want), "%d", me);
    CHECK(link_is("/proc/self", want), "/proc/self -> <pid>");
    snprintf(want, sizeof(want), "%d/task/%d", me, me);
    CHECK(link_is("/proc/thread-self", want), "/proc/thread-self -> <pid>/task/<tid>");
    CHECK(link_is("/proc/self/exe", SELF), "readlink /proc/self/exe");
    CHECK(chdir("/tmp") == 0 && link_is("/proc/self/cwd", "/tmp"), "readlink /proc/self/cwd");
    CHECK(link_is("/proc/self/root", "/"), "readlink /proc/self/root");
    struct stat st;
    CHECK(lstat("/proc/self/exe", &st) == 0 && S_ISLNK(st.st_mode), "lstat /proc/self/exe: a symlink");
    CHECK(stat("/proc/self/exe", &st) == 0 && S_ISREG(st.st_mode), "stat /proc/self/exe: the program");

    /* fd/ */
    int fd = open("/tmp/pf_file", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "contents", 8);
    snprintf(want, sizeof(want), "/proc/self/fd/%d", fd);
    CHECK(link_is(want, "/tmp/pf_file"), "/proc/self/fd/N -> the file's path");
    CHECK(lstat(want, &st) == 0 && S_ISLNK(st.st_mode) && (st.st_mode & 0777) == 0700, "/proc/self/fd/N of O_RDWR: lrwx------");
    int rfd = open(want, O_RDONLY);
    CHECK(rfd >= 0 && read(rfd, buf, 8) == 8 && !memcmp(buf, "contents", 8), "open /proc/self/fd/N opens the file");
    snprintf(want, sizeof(want), "/proc/self/fd/%d", rfd);
    CHECK(lstat(want, &st) == 0 && (st.st_mode & 0777) == 0500, "/proc/self/fd/N of O_RDONLY: lr-x------");
    close(rfd);
    int p[2];
    pipe(p);
    struct stat pst;
    fstat(p[0], &pst);
    snprintf(want, sizeof(want), "/proc/self/fd/%d", p[0]);
    snprintf(buf, sizeof(buf), "pipe:[%lu]", (unsigned long)pst.st_ino);
    CHECK(link_is(want, buf), "/proc/self/fd/N of a pipe -> pipe:[inode]");
    CHECK(stat(want, &st) == 0 && S_ISFIFO(st.st_mode) && st.st_ino == pst.st_ino, "stat /proc/self/fd/N of a pipe: the pipe");
    int wfd = open(want, O_WRONLY);
    CHECK(wfd >= 0 && write(wfd, "hi", 2) == 2 && read(p[0], buf, 2) == 2 && !memcmp(buf, "hi", 2),
          "open /proc/self/fd/N of a pipe: the same pipe");
    close(wfd);
    snprintf(buf, sizeof(buf), "pipe:[%lu]", (unsigned long)pst.st_ino);
    snprintf(want, sizeof(want), "/proc/self/fd/%d", p[1]);
    CHECK(link_is(want, buf) && lstat(want, &st) == 0 && (st.st_mode & 0777) == 0300, "both ends of a pipe: the same inode; write end l-wx------");
    int nfd = open("/dev/null", O_WRONLY);
    snprintf(want, sizeof(want), "/proc/self/fd/%d", nfd);
    CHECK(link_is(want, "/dev/null"), "/proc/self/fd/N of /dev/null");
    int dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    snprintf(want, sizeof(want), "/proc/self/fd/%d", dfd);
    CHECK(link_is(want, "/tmp"), "/proc/self/fd/N of a directory");
    CHECK(link_is("/proc/self/fd/1", "/dev/console"), "/proc/self/fd/1 of init's console: /dev/console");
    int delfd = open("/tmp/pf_del", O_CREAT | O_RDWR, 0644);
    unlink("/tmp/pf_del");
    snprintf(want, sizeof(want), "/proc/self/fd/%d", delfd);
    CHECK(link_is(want, "/tmp/pf_del (deleted)"), "/proc/self/fd/N of an unlinked file: \"path (deleted)\"");
    write(delfd, "kept", 4);
    rfd = open(want, O_RDONLY);
    CHECK(rfd >= 0 && read(rfd, buf, 4) == 4 && !memcmp(buf, "kept", 4), "open /proc/self/fd/N of an unlinked file: the file");
    close(rfd);
    close(delfd);
    mkdir("/tmp/pf_gone", 0755);
    chdir("/tmp/pf_gone");
    rmdir("/tmp/pf_gone");
    CHECK(link_is("/proc/self/cwd", "/tmp/pf_gone (deleted)"), "/proc/self/cwd of a removed directory: \"path (deleted)\"");
    chdir("/tmp");
    CHECK_ERR(readlink("/proc/self/fd/200", buf, sizeof(buf)), ENOENT, "/proc/self/fd/N of a closed descriptor: ENOENT");
    DIR *d = opendir("/proc/self/fd");
    int seen = 0, extra = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        int k = atoi(e->d_name);
        if (k == 0 || k == 1 || k == 2 || k == fd || k == p[0] || k == p[1] || k == nfd || k == dfd) seen++;
        else if (k != dirfd(d)) extra++;
    }
    CHECK(seen == 8 && extra == 0, "/proc/self/fd lists exactly the open descriptors");
    snprintf(want, sizeof(want), "/proc/self/fd/%d", d ? dirfd(d) : -1);
    snprintf(buf, sizeof(buf), "/proc/%d/fd", me);
    CHECK(link_is(want, buf), "/proc/self/fd/N of the open /proc/self/fd: /proc/<pid>/fd");
    if (d) closedir(d);
    close(nfd);
    close(dfd);

    /* relative paths from a directory of /proc */
    int procfd = open("/proc", O_RDONLY | O_DIRECTORY);
    int late = open("/tmp/pf_file", O_RDONLY);
    snprintf(want, sizeof(want), "%d/fd/%d", me, late);
    n = readlinkat(procfd, want, buf, sizeof(buf) - 1);
    CHECK(n == 12 && !memcmp(buf, "/tmp/pf_file", 12), "readlinkat from an open /proc: a descriptor opened since");
    close(late);
    snprintf(want, sizeof(want), "/proc/%d/fd", me);
    chdir(want);
    late = open("/tmp/pf_file", O_RDONLY);
    snprintf(want, sizeof(want), "%d", late);
    n = readlink(want, buf, sizeof(buf) - 1);
    CHECK(n == 12 && !memcmp(buf, "/tmp/pf_file", 12), "readlink relative to a cwd in /proc");
    close(late);
    close(procfd);
    chdir("/tmp");

    /* maps */
    n = slurp("/proc/self/maps", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    int stack_ok = 0, text_ok = 0, column_ok = 1, lines = 0;
    uintptr_t local = (uintptr_t)&n, code = (uintptr_t)&procfs_checks;
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        unsigned long lo, hi, off, ino;
        unsigned maj, min;
        char perms[8];
        if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu", &lo, &hi, perms, &off, &maj, &min, &ino) != 7) { column_ok = 0; continue; }
        lines++;
        char *path = strchr(line, '/'), *br = strchr(line, '[');
        char *name = path ? path : br;
        if (name && name - line != 73) { printf("# maps: %s\n", line); column_ok = 0; }
        if (br && !strcmp(br, "[stack]") && lo <= local && local < hi && !strcmp(perms, "rw-p")) stack_ok = 1;
        if (path && !strcmp(path, SELF) && lo <= code && code < hi && perms[0] == 'r' && perms[2] == 'x' && ino > 0) text_ok = 1;
    }
    CHECK(lines > 2 && column_ok, "/proc/self/maps: Linux's format, the name from column 73");
    CHECK(stack_ok, "/proc/self/maps: [stack] holds a local variable");
    CHECK(text_ok, "/proc/self/maps: the program's code is mapped from its file");

    static void *areas[600];
    static char big[262144];
    for (int i = 0; i < 600; i++)
        areas[i] = mmap(0, 4096, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    n = slurp("/proc/self/maps", big, sizeof(big));
    lines = 0;
    for (long i = 0; i < n; i++) lines += big[i] == '\n';
    CHECK(lines > 600 && n < (long)sizeof(big), "/proc/self/maps with 600 more areas lists them all");
    for (int i = 0; i < 600; i++) munmap(areas[i], 4096);

    /* stat, status, comm */
    n = slurp("/proc/self/stat", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof(want), "%d (t_procfs) R %d ", me, getppid());
    CHECK(!strncmp(buf, want, strlen(want)), "/proc/self/stat: pid (comm) state ppid");
    CHECK(count_fields(buf) == 52, "/proc/self/stat: 52 fields");
    CHECK(stat_field(buf, 5) == getpgrp() && stat_field(buf, 6) == getsid(0), "/proc/self/stat: pgrp and session");
    CHECK(stat_field(buf, 20) == 1, "/proc/self/stat: num_threads 1");
    CHECK(stat_field(buf, 49) - stat_field(buf, 48) == (long long)sizeof(args) &&
          stat_field(buf, 51) - stat_field(buf, 50) == (long long)sizeof(envs), "/proc/self/stat: arg_start..arg_end, env_start..env_end");
    CHECK(stat_field(buf, 50) == stat_field(buf, 49), "/proc/self/stat: the environment follows the arguments");
    long long sstack = stat_field(buf, 28);
    CHECK(sstack > (long long)local && sstack < (long long)local + 65536, "/proc/self/stat: startstack above the locals");
    CHECK(stat_field(buf, 38) == SIGCHLD, "/proc/self/stat: exit_signal SIGCHLD");
    CHECK(slurp("/proc/self/comm", buf, sizeof(buf)) == 9 && !memcmp(buf, "t_procfs\n", 9), "/proc/self/comm");
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, 0);
    signal(SIGUSR2, SIG_IGN);
    n = slurp("/proc/self/status", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    static const char *order[] = { "Name", "Umask", "State", "Tgid", "Pid", "PPid", "Uid", "Gid", "FDSize", "Groups",
                                   "VmSize", "VmRSS", "Threads", "SigPnd", "SigBlk", "SigIgn", "SigCgt", "CapEff" };
    const char *prev = buf;
    int in_order = 1;
    for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const char *v = status_value(buf, order[i]);
        if (!v || v < prev) { printf("# status: %s out of order\n", order[i]); in_order = 0; }
        else prev = v;
    }
    CHECK(in_order, "/proc/self/status: Linux's fields in Linux's order");
    const char *v = status_value(buf, "Name");
    CHECK(v && !strncmp(v, "t_procfs\n", 9), "/proc/self/status: Name");
    v = status_value(buf, "State");
    CHECK(v && !strncmp(v, "R (running)\n", 12), "/proc/self/status: State R (running)");
    v = status_value(buf, "Pid");
    CHECK(v && atoi(v) == me && (v = status_value(buf, "PPid")) && atoi(v) == getppid(), "/proc/self/status: Pid and PPid");
    v = status_value(buf, "Uid");
    CHECK(v && !strncmp(v, "0\t0\t0\t0\n", 8), "/proc/self/status: Uid real, effective, saved, fs");
    v = status_value(buf, "SigBlk");
    CHECK(v && strtoull(v, 0, 16) == 1UL << (SIGUSR1 - 1), "/proc/self/status: SigBlk");
    v = status_value(buf, "SigIgn");
    CHECK(v && (strtoull(v, 0, 16) & 1UL << (SIGUSR2 - 1)), "/proc/self/status: SigIgn");
    v = status_value(buf, "Threads");
    CHECK(v && atoi(v) == 1, "/proc/self/status: Threads 1");

    /* prctl(PR_SET_NAME) names the thread, as comm, stat and status show */
    char nm[16] = { 0 };
    CHECK(prctl(PR_SET_NAME, "renamed-to-a-long-name") == 0 && prctl(PR_GET_NAME, nm) == 0 && !strcmp(nm, "renamed-to-a-lo"),
          "prctl PR_SET_NAME and PR_GET_NAME: at most 15 bytes");
    CHECK(slurp("/proc/self/comm", buf, sizeof(buf)) == 16 && !memcmp(buf, "renamed-to-a-lo\n", 16), "/proc/self/comm after PR_SET_NAME");
    n = slurp("/proc/self/stat", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof(want), "%d (renamed-to-a-lo) R", me);
    CHECK(!strncmp(buf, want, strlen(want)), "/proc/self/stat after PR_SET_NAME");
    prctl(PR_SET_NAME, "t_procfs");

    /* a second thread */
    pthread_t th;
    pipe(tpipe);
    pthread_create(&th, 0, thread_main, 0);
    while (!thread_tid) usleep(1000);
    usleep(20000);
    n = slurp("/proc/self/status", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    v = status_value(buf, "Threads");
    CHECK(v && atoi(v) == 2, "/proc/self/status with a second thread: Threads 2");
    snprintf(want, sizeof(want), "%d/task/%d", me, (int)thread_tid);
    CHECK(!strcmp(thread_self, want), "/proc/thread-self in a thread -> <pid>/task/<tid>");
    snprintf(want, sizeof(want), "/proc/self/task/%d/stat", (int)thread_tid);
    for (int i = 0; i < 300; i++) {  /* until it waits in read() */
        n = slurp(want, buf, sizeof(buf) - 1);
        buf[n > 0 ? n : 0] = 0;
        if (stat_field(buf, 3) == 'S') break;
        usleep(10000);
    }
    CHECK(n > 0 && atoi(buf) == thread_tid && stat_field(buf, 3) == 'S' && stat_field(buf, 20) == 2,
          "/proc/self/task/<tid>/stat: the thread's, sleeping");
    d = opendir("/proc/self/task");
    int tasks = 0;
    while (d && (e = readdir(d))) if (e->d_name[0] != '.') tasks++;
    if (d) closedir(d);
    CHECK(tasks == 2, "/proc/self/task lists both threads");
    snprintf(want, sizeof(want), "/proc/%d/status", (int)thread_tid);
    n = slurp(want, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK(n > 0 && (v = status_value(buf, "Pid")) && atoi(v) == thread_tid && (v = status_value(buf, "Tgid")) && atoi(v) == me,
          "/proc/<tid>/status of a thread: its Pid, the process's Tgid");
    d = opendir("/proc");
    int listed = 0, self_listed = 0;
    while (d && (e = readdir(d))) { listed |= atoi(e->d_name) == thread_tid; self_listed |= atoi(e->d_name) == me; }
    if (d) closedir(d);
    CHECK(self_listed && !listed, "/proc lists processes, not their other threads");
    write(tpipe[1], "x", 1);
    pthread_join(th, 0);

    /* another process: a child that runs this program with other arguments, then a zombie */
    pid_t c = fork();
    if (c == 0) {
        char *av[] = { "x-child", "wait", 0 }, *ev[] = { "T_PROCFS=child", 0 };
        execve(SELF, av, ev);
        _exit(127);
    }
    snprintf(want, sizeof(want), "/proc/%d/cmdline", c);
    for (int i = 0; i < 300; i++) {
        n = slurp(want, buf, sizeof(buf));
        if (n == 13 && !memcmp(buf, "x-child\0wait", 13)) break;
        usleep(10000);
    }
    CHECK(n == 13 && !memcmp(buf, "x-child\0wait\0", 13), "/proc/<child>/cmdline after its execve");
    snprintf(want, sizeof(want), "/proc/%d/stat", c);
    for (int i = 0; i < 300; i++) {  /* until it waits in pause() */
        n = slurp(want, buf, sizeof(buf) - 1);
        buf[n > 0 ? n : 0] = 0;
        if (stat_field(buf, 3) == 'S') break;
        usleep(10000);
    }
    CHECK(stat_field(buf, 3) == 'S' && stat_field(buf, 4) == me, "/proc/<child>/stat: sleeping, our child");
    snprintf(want, sizeof(want), "/proc/%d/exe", c);
    CHECK(link_is(want, SELF), "/proc/<child>/exe");
    kill(c, SIGKILL);
    siginfo_t si;
    waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT);
    snprintf(want, sizeof(want), "/proc/%d/stat", c);
    n = slurp(want, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK(n > 0 && stat_field(buf, 3) == 'Z', "/proc/<zombie>/stat: state Z");
    snprintf(want, sizeof(want), "/proc/%d/cmdline", c);
    CHECK(slurp(want, buf, sizeof(buf)) == 0, "/proc/<zombie>/cmdline is empty");
    snprintf(want, sizeof(want), "/proc/%d/exe", c);
    CHECK_ERR(readlink(want, buf, sizeof(buf)), ENOENT, "/proc/<zombie>/exe: ENOENT");
    waitpid(c, 0, 0);
    snprintf(want, sizeof(want), "/proc/%d", c);
    CHECK_ERR(stat(want, &st), ENOENT, "/proc/<pid> of a reaped process: ENOENT");
    CHECK_ERR(open("/proc/999999/stat", O_RDONLY), ENOENT, "/proc/<no such pid>: ENOENT");
    close(fd);
    close(p[0]);
    close(p[1]);
}

static void fs_checks(void)
{
    struct statfs sf;
    struct stat a, b;
    CHECK(statfs("/", &sf) == 0 && sf.f_type == 0x01021994 && sf.f_bsize == 4096 && sf.f_namelen == 255 &&
          sf.f_blocks > 0 && sf.f_bfree <= sf.f_blocks && sf.f_frsize == 4096, "statfs /: tmpfs, 4096-byte blocks, names to 255");
    printf("# statfs / flags 0x%lx\n", (unsigned long)sf.f_flags);
    CHECK(sf.f_flags & 0x20, "statfs /: ST_VALID in f_flags");
    CHECK(statfs("/tmp", &sf) == 0 && sf.f_type == 0x01021994 && sf.f_blocks > 0, "statfs /tmp: tmpfs");
    printf("# statfs /tmp flags 0x%lx\n", (unsigned long)sf.f_flags);
    CHECK(statfs("/proc/self", &sf) == 0 && sf.f_type == 0x9fa0 && sf.f_bsize == 4096 && sf.f_namelen == 255, "statfs /proc: PROC_SUPER_MAGIC");
    CHECK(statfs("/sys", &sf) == 0 && sf.f_type == 0x62656572, "statfs /sys: SYSFS_MAGIC");
    CHECK(statfs("/dev/null", &sf) == 0 && sf.f_type == 0x01021994, "statfs /dev/null: devtmpfs is tmpfs");
    int fd = open("/tmp", O_RDONLY);
    CHECK(fstatfs(fd, &sf) == 0 && sf.f_type == 0x01021994, "fstatfs");
    close(fd);
    int p[2];
    pipe(p);
    CHECK(fstatfs(p[0], &sf) == 0 && sf.f_type == 0x50495045, "fstatfs of a pipe: PIPEFS_MAGIC");
    close(p[0]);
    close(p[1]);
    CHECK_ERR(statfs("/no/such", &sf), ENOENT, "statfs of a missing path: ENOENT");
    CHECK_ERR(fstatfs(99, &sf), EBADF, "fstatfs of a closed descriptor: EBADF");
    CHECK_ERR(syscall(SYS_statfs, "/", 8), EFAULT, "statfs to a bad pointer: EFAULT");
    CHECK(stat("/", &a) == 0 && stat("/tmp", &b) == 0 && a.st_dev != b.st_dev, "st_dev of / and /tmp differ");
    CHECK(stat("/proc", &b) == 0 && a.st_dev != b.st_dev, "st_dev of / and /proc differ");
    CHECK(stat("/tests", &b) == 0 && a.st_dev == b.st_dev, "st_dev of / and /tests agree");

    /* rename and link between file systems */
    close(open("/tmp/pf_a", O_CREAT | O_WRONLY, 0644));
    CHECK_ERR(rename("/tmp/pf_a", "/pf_a"), EXDEV, "rename from /tmp to /: EXDEV");
    CHECK_ERR(link("/tmp/pf_a", "/pf_b"), EXDEV, "link from /tmp to /: EXDEV");
    CHECK_ERR(rename("/proc/self/comm", "/tmp/pf_c"), EXDEV, "rename from /proc to /tmp: EXDEV");
    CHECK_ERR(rename("/proc/no_such", "/tmp/pf_c"), EXDEV, "rename of a missing /proc name to /tmp: EXDEV first");
    CHECK_ERR(rename("/dev/null", "/tmp/pf_null"), EXDEV, "rename from /dev to /tmp: EXDEV");
    CHECK_ERR(link("/tmp/no_such", "/pf_b"), ENOENT, "link of a missing file: ENOENT before EXDEV");
    CHECK(rename("/tmp/pf_a", "/tmp/pf_d") == 0 && link("/tmp/pf_d", "/tmp/pf_e") == 0, "rename and link within /tmp");
    unlink("/tmp/pf_d");
    unlink("/tmp/pf_e");
    CHECK_ERR(rmdir("/proc"), EBUSY, "rmdir of a mount point: EBUSY");
    CHECK_ERR(rename("/tmp", "/pf_tmp"), EBUSY, "rename of a mount point: EBUSY");

    /* mounts */
    char buf[4096];
    long n = slurp("/proc/mounts", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK(strstr(buf, " /proc proc ") && strstr(buf, " /tmp tmpfs ") && strstr(buf, " /dev devtmpfs "), "/proc/mounts lists proc, tmpfs and devtmpfs");
    CHECK_ERR(umount("/no/such"), ENOENT, "umount of a missing path: ENOENT");
    CHECK_ERR(umount("/tests"), EINVAL, "umount of a directory that is not a mount point: EINVAL");
    CHECK_ERR(umount2("/tmp", 0x100), EINVAL, "umount2 with unknown flags: EINVAL");
    mkdir("/tmp/pf_mnt", 0755);
    CHECK(mount("pftmp", "/tmp/pf_mnt", "tmpfs", 0, 0) == 0, "mount tmpfs on an empty directory");
    CHECK(statfs("/tmp/pf_mnt", &sf) == 0 && sf.f_type == 0x01021994 && stat("/tmp", &a) == 0 &&
          stat("/tmp/pf_mnt", &b) == 0 && a.st_dev != b.st_dev, "the new tmpfs: its own st_dev");
    n = slurp("/proc/mounts", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK(strstr(buf, "pftmp /tmp/pf_mnt tmpfs rw"), "/proc/mounts lists the new mount");
    fd = open("/tmp/pf_mnt/f", O_CREAT | O_WRONLY, 0644);
    CHECK_ERR(rename("/tmp/pf_mnt/f", "/tmp/pf_f"), EXDEV, "rename out of the new tmpfs: EXDEV");
    CHECK_ERR(umount("/tmp/pf_mnt"), EBUSY, "umount with a file open in it: EBUSY");
    close(fd);
    CHECK(umount("/tmp/pf_mnt") == 0, "umount");
    CHECK_ERR(open("/tmp/pf_mnt/f", O_RDONLY), ENOENT, "the files of an unmounted tmpfs are gone");
    CHECK_ERR(umount("/tmp/pf_mnt"), EINVAL, "umount again: EINVAL");
    CHECK(rmdir("/tmp/pf_mnt") == 0, "rmdir the former mount point");

    /* sysfs: the device numbers mdev reads */
    CHECK(slurp("/sys/class/tty/ttyAMA0/dev", buf, sizeof(buf)) == 7 && !memcmp(buf, "204:64\n", 7), "/sys/class/tty/ttyAMA0/dev");
    CHECK(slurp("/sys/class/mem/null/dev", buf, sizeof(buf)) == 4 && !memcmp(buf, "1:3\n", 4), "/sys/class/mem/null/dev");
    n = slurp("/sys/dev/char/1:5/uevent", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK(strstr(buf, "MAJOR=1\nMINOR=5\nDEVNAME=zero\n") != 0, "/sys/dev/char/1:5/uevent");
}

/* Run as the interpreter of a script: the process is named after the script, exe is the interpreter. */
static void script_checks(void)
{
    char buf[256];
    static const char want[] = SELF "\0/tmp/pf_script.sh\0one";
    CHECK(slurp("/proc/self/comm", buf, sizeof(buf)) == 13 && !memcmp(buf, "pf_script.sh\n", 13), "a script's process is named after the script");
    CHECK(link_is("/proc/self/exe", SELF), "a script's /proc/self/exe: its interpreter");
    CHECK(slurp("/proc/self/cmdline", buf, sizeof(buf)) == (long)sizeof(want) && !memcmp(buf, want, sizeof(want)),
          "a script's cmdline: interpreter, script, arguments");
    const char *fn = (const char *)getauxval(AT_EXECFN);
    CHECK(fn && !strcmp(fn, "/tmp/pf_script.sh"), "a script's AT_EXECFN: the script");
}

static void run_script(void)
{
    int fd = open("/tmp/pf_script.sh", O_CREAT | O_WRONLY | O_TRUNC, 0755);
    write(fd, "#!" SELF "\n", strlen(SELF) + 3);
    close(fd);
    pid_t c = fork();
    if (c == 0) {
        char *av[] = { "/tmp/pf_script.sh", "one", 0 }, *ev[] = { "T_PROCFS=script", 0 };
        execve("/tmp/pf_script.sh", av, ev);
        _exit(127);
    }
    int st = -1;
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the script ran");
    unlink("/tmp/pf_script.sh");
}

int main(int argc, char **argv)
{
    const char *mode = getenv("T_PROCFS");
    if (mode && !strcmp(mode, "child")) { pause(); return 0; }
    if (mode && !strcmp(mode, "script")) { script_checks(); return check_failed; }
    if (!mode) {
        /* on Linux the runner mounts neither /proc nor /sys; here they are always there */
        if (access("/proc/self/stat", F_OK)) mount("proc", "/proc", "proc", 0, 0);
        mkdir("/sys", 0555);
        if (access("/sys/class", F_OK)) mount("sysfs", "/sys", "sysfs", 0, 0);
        char *av[] = { SELF, "alpha", "be ta", "", "gamma", 0 }, *ev[] = { "T_PROCFS=run", "FOO=bar", 0 };
        execve(SELF, av, ev);
        CHECK(0, "execve of itself with arguments");
        return 1;
    }
    (void)argc; (void)argv;
    procfs_checks();
    run_script();
    fs_checks();
    return check_failed;
}
