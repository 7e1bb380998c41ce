/* Scheduling parameters (nice values, policies), host names, vectored positional I/O, advice and
 * preallocation, locking memory, mincore, membarrier, personality. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>

/* musl answers ENOSYS for the sched_*scheduler/param wrappers: the raw calls */
static long setsched(int pid, int pol, int prio) { struct sched_param sp = { .sched_priority = prio }; return syscall(SYS_sched_setscheduler, pid, pol, &sp); }
/* musl 1.2.3 has no preadv2: the raw call (pos_l, pos_h, flags) */
static long preadv2_(int fd, const struct iovec *v, int n, long off, int flags) { return syscall(SYS_preadv2, fd, v, n, off, 0, flags); }
static long getsched(int pid) { return syscall(SYS_sched_getscheduler, pid); }
static int getprio(int pid) { struct sched_param sp; sp.sched_priority = -1; return syscall(SYS_sched_getparam, pid, &sp) ? -1 : sp.sched_priority; }

/* Run f in a child as uid 1000; its exit status 0 is success. */
static int as_user(int (*f)(void))
{
    pid_t c = fork();
    if (c == 0) { if (setuid(1000)) _exit(2); _exit(f() ? 0 : 1); }
    int st;
    waitpid(c, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static pid_t parent;
static int user_nice(void)
{
    return setpriority(PRIO_PROCESS, 0, 10) == 0 && getpriority(PRIO_PROCESS, 0) == 10 &&
           setpriority(PRIO_PROCESS, 0, 3) == -1 && errno == EACCES && setpriority(PRIO_PROCESS, parent, 12) == -1 && errno == EPERM;
}
static int user_rt(void) { return setsched(0, SCHED_FIFO, 10) == -1 && errno == EPERM && setsched(0, SCHED_BATCH, 0) == 0; }
static int user_hostname(void) { return sethostname("x", 1) == -1 && errno == EPERM; }

static void test_sched(void)
{
    parent = getpid();
    errno = 0;
    CHECK(getpriority(PRIO_PROCESS, 0) == 0 && errno == 0, "getpriority: nice 0 at start");
    CHECK(setpriority(PRIO_PROCESS, 0, 5) == 0 && getpriority(PRIO_PROCESS, 0) == 5, "setpriority: nice 5");
    pid_t c = fork();
    if (c == 0) _exit(getpriority(PRIO_PROCESS, 0) == 5 ? 0 : 1);
    int st;
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child inherits the nice value");
    CHECK(setpriority(PRIO_PROCESS, 0, 100) == 0 && getpriority(PRIO_PROCESS, 0) == 19, "nice values stop at 19");
    CHECK(setpriority(PRIO_PGRP, 0, -5) == 0 && getpriority(PRIO_PROCESS, 0) == -5, "PRIO_PGRP: root may lower it");
    setpriority(PRIO_PROCESS, 0, 0);
    CHECK(as_user(user_nice), "a user may raise its nice value, not lower it (EACCES), nor touch root's (EPERM)");
    CHECK_ERR(setpriority(7, 0, 0), EINVAL, "setpriority: an unknown which: EINVAL");
    CHECK_ERR(getpriority(PRIO_PROCESS, 99999), ESRCH, "getpriority: no such process: ESRCH");

    CHECK(getsched(0) == SCHED_OTHER && getprio(0) == 0, "sched_getscheduler: SCHED_OTHER, priority 0");
    CHECK(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1 &&
          sched_get_priority_max(SCHED_RR) == 99 && sched_get_priority_max(SCHED_OTHER) == 0 &&
          sched_get_priority_min(SCHED_BATCH) == 0, "sched_get_priority_max/min");
    CHECK_ERR(sched_get_priority_max(42), EINVAL, "sched_get_priority_max of an unknown policy: EINVAL");
    CHECK(setsched(0, SCHED_RR, 30) == 0 && getsched(0) == SCHED_RR && getprio(0) == 30, "sched_setscheduler: SCHED_RR 30");
    struct timespec ts;
    CHECK(sched_rr_get_interval(0, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec == 100000000, "sched_rr_get_interval: 100 ms for SCHED_RR");
    struct sched_param sp = { .sched_priority = 40 };
    CHECK(syscall(SYS_sched_setparam, 0, &sp) == 0 && getprio(0) == 40 && getsched(0) == SCHED_RR, "sched_setparam keeps the policy");
    CHECK_ERR(setsched(0, SCHED_FIFO, 0), EINVAL, "SCHED_FIFO with priority 0: EINVAL");
    CHECK_ERR(setsched(0, SCHED_OTHER, 5), EINVAL, "SCHED_OTHER with priority 5: EINVAL");
    CHECK_ERR(setsched(-1, SCHED_OTHER, 0), EINVAL, "a negative pid: EINVAL");
    CHECK_ERR(setsched(0, 42, 0), EINVAL, "an unknown policy: EINVAL");
    CHECK_ERR(getsched(99999), ESRCH, "no such thread: ESRCH");
    CHECK(setsched(0, SCHED_OTHER | SCHED_RESET_ON_FORK, 0) == 0 &&
          getsched(0) == (SCHED_OTHER | SCHED_RESET_ON_FORK), "SCHED_RESET_ON_FORK is reported with the policy");
    setsched(0, SCHED_FIFO | SCHED_RESET_ON_FORK, 20);
    c = fork();
    if (c == 0) _exit(getsched(0) == SCHED_OTHER && getprio(0) == 0 ? 0 : 1);
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "with SCHED_RESET_ON_FORK a child starts as SCHED_OTHER");
    CHECK(setsched(0, SCHED_OTHER, 0) == 0 && getsched(0) == SCHED_OTHER, "back to SCHED_OTHER");
    CHECK(as_user(user_rt), "a user without RLIMIT_RTPRIO may not take SCHED_FIFO (EPERM), may take SCHED_BATCH");
}

static void test_names(void)
{
    struct utsname before, u;
    uname(&before);
    CHECK(sethostname("testhost", 8) == 0 && uname(&u) == 0 && !strcmp(u.nodename, "testhost"), "sethostname shows in uname");
    CHECK(setdomainname("example", 7) == 0 && uname(&u) == 0 && !strcmp(u.domainname, "example"), "setdomainname shows in uname");
    char big[70];
    memset(big, 'h', sizeof(big));
    CHECK_ERR(sethostname(big, 65), EINVAL, "sethostname of 65 bytes: EINVAL");
    CHECK(as_user(user_hostname), "sethostname as a user: EPERM");
    sethostname(before.nodename, strlen(before.nodename));
    setdomainname(before.domainname, strlen(before.domainname));
    CHECK(personality(0xffffffff) == PER_LINUX, "personality: PER_LINUX");
}

static void test_io(void)
{
    int fd = open("/tmp/misc-io", O_CREAT | O_RDWR | O_TRUNC, 0600);
    struct iovec w[2] = { { "hello ", 6 }, { "world", 5 } };
    CHECK(pwritev(fd, w, 2, 10) == 11 && lseek(fd, 0, SEEK_CUR) == 0, "pwritev writes at the offset, not moving the position");
    char a[6] = { 0 }, b[6] = { 0 };
    struct iovec r[2] = { { a, 5 }, { b, 5 } };
    CHECK(preadv(fd, r, 2, 11) == 10 && !memcmp(a, "ello ", 5) && !memcmp(b, "world", 5), "preadv reads at the offset");
    CHECK(preadv2_(fd, r, 1, -1, 0) == 5 && lseek(fd, 0, SEEK_CUR) == 5, "preadv2 with offset -1 uses and moves the position");
    CHECK_ERR(preadv2_(fd, r, 1, 0, 0x100), EOPNOTSUPP, "preadv2 with an unknown flag: EOPNOTSUPP");
    int p[2];
    pipe(p);
    CHECK_ERR(preadv(p[0], r, 1, 0), ESPIPE, "preadv on a pipe: ESPIPE");
    CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0, "posix_fadvise");
    CHECK(posix_fadvise(fd, 0, 0, 99) == EINVAL, "posix_fadvise with unknown advice: EINVAL");
    CHECK(posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL) == ESPIPE, "posix_fadvise on a pipe: ESPIPE");
    struct stat st;
    CHECK(fallocate(fd, 0, 0, 8192) == 0 && fstat(fd, &st) == 0 && st.st_size == 8192, "fallocate makes the file longer");
    CHECK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 100000) == 0 && fstat(fd, &st) == 0 && st.st_size == 8192,
          "fallocate with FALLOC_FL_KEEP_SIZE keeps the size");
    CHECK_ERR(fallocate(fd, 0, 0, 0), EINVAL, "fallocate of length 0: EINVAL");
    CHECK_ERR(fallocate(p[1], 0, 0, 10), ESPIPE, "fallocate on a pipe: ESPIPE");
    int ro = open("/tmp/misc-io", O_RDONLY);
    CHECK_ERR(fallocate(ro, 0, 0, 10), EBADF, "fallocate on a read-only descriptor: EBADF");
    close(ro);
    CHECK(sync_file_range(fd, 0, 0, 0) == 0 && syncfs(fd) == 0, "sync_file_range and syncfs");
    CHECK_ERR(sync_file_range(fd, 0, 0, 8), EINVAL, "sync_file_range with unknown flags: EINVAL");
    CHECK(readahead(fd, 0, 4096) == 0, "readahead of a file");
    CHECK_ERR(readahead(p[0], 0, 4096), EINVAL, "readahead of a pipe: EINVAL");
    close(p[0]); close(p[1]);
    close(fd);
    unlink("/tmp/misc-io");
}

static void test_memory(void)
{
    char *m = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 1;
    unsigned char vec[2] = { 9, 9 };
    CHECK(mincore(m, 2 * 4096, vec) == 0 && (vec[0] & 1) && !(vec[1] & 1), "mincore: the touched page is resident, the other not");
    CHECK(mlock(m, 4096) == 0 && munlock(m, 4096) == 0, "mlock and munlock");
    munmap(m + 2 * 4096, 4096);
    CHECK_ERR(mlock(m, 3 * 4096), ENOMEM, "mlock of a range with a hole: ENOMEM");
    CHECK(mlockall(MCL_CURRENT) == 0 && munlockall() == 0, "mlockall and munlockall");
    CHECK_ERR(mlockall(0), EINVAL, "mlockall(0): EINVAL");
    CHECK_ERR(mincore(m + 1, 4096, vec), EINVAL, "mincore of an unaligned address: EINVAL");
    CHECK_ERR(mincore(m + 2 * 4096, 4096, vec), ENOMEM, "mincore of an unmapped page: ENOMEM");
    munmap(m, 2 * 4096);
    long q = syscall(SYS_membarrier, 0, 0, 0);
    CHECK(q > 0 && (q & 1) && (q & 8) && (q & 16), "membarrier: QUERY lists GLOBAL and PRIVATE_EXPEDITED");
    CHECK_ERR(syscall(SYS_membarrier, 8, 0, 0), EPERM, "membarrier PRIVATE_EXPEDITED before registering: EPERM");
    CHECK(syscall(SYS_membarrier, 16, 0, 0) == 0 && syscall(SYS_membarrier, 8, 0, 0) == 0, "after registering it works");
    CHECK_ERR(syscall(SYS_membarrier, 3, 0, 0), EINVAL, "membarrier: an unknown command: EINVAL");
}

int main(void)
{
    test_sched();
    test_names();
    test_io();
    test_memory();
    return check_failed;
}
