/* Locks: fcntl record locks (process-associated), open file description locks, flock. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>

#define F "/tmp/t_lock.f"

static int fd;

static int lk(int f, int cmd, int type, int whence, long start, long len)
{
    struct flock l = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = len };
    return fcntl(f, cmd, &l);
}

/* Run fn in a child process (a different lock owner); its exit status is the answer. */
static int in_child(int (*fn)(void))
{
    pid_t c = fork();
    if (c == 0) _exit(fn());
    int st;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static struct flock q;
static int probe(int type, long start, long len)  /* F_GETLK from another process */
{
    q = (struct flock){ .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
    pid_t c;
    int p[2];
    pipe(p);
    if ((c = fork()) == 0) {
        int r = fcntl(fd, F_GETLK, &q);
        write(p[1], &q, sizeof(q));
        _exit(r == 0 ? 0 : 1);
    }
    read(p[0], &q, sizeof(q));
    close(p[0]);
    close(p[1]);
    int st;
    waitpid(c, &st, 0);
    return WEXITSTATUS(st);
}

static int try_wr_50(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 50, 10) == -1 && errno == EAGAIN ? 0 : 1; }
static int try_wr_150(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 150, 10) == 0 ? 0 : 1; }
static int try_rd_0(void) { return lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10) == 0 ? 0 : 1; }
static int try_wr_0(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10) == 0 ? 0 : 2; }
static int try_wr_15(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 10) == 0 ? 0 : 1; }
static int try_wr_5(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, 1) == -1 && errno == EAGAIN ? 0 : 1; }
static int try_wr_25(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 25, 1) == -1 && errno == EAGAIN ? 0 : 1; }
static int try_wr_all(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0); }
static int lock_and_exit(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0) == 0 ? 0 : 1; }

static void on_usr1(int s) { (void)s; }

int main(void)
{
    unlink(F);
    fd = open(F, O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10, "a file to lock");
    pid_t me = getpid();

    /* conflicts between processes, F_GETLK */
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100) == 0, "F_SETLK write lock on 0..99");
    CHECK(in_child(try_wr_50) == 0, "another process: F_SETLK on 50..59 fails with EAGAIN");
    CHECK(in_child(try_wr_150) == 0, "and a range beyond it succeeds");
    CHECK(probe(F_RDLCK, 50, 5) == 0 && q.l_type == F_WRLCK && q.l_start == 0 && q.l_len == 100 && q.l_pid == me &&
          q.l_whence == SEEK_SET, "F_GETLK reports the conflicting lock and its owner's pid");
    CHECK(probe(F_WRLCK, 100, 5) == 0 && q.l_type == F_UNLCK && q.l_start == 100, "F_GETLK with no conflict: F_UNLCK");
    struct flock own = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    CHECK(fcntl(fd, F_GETLK, &own) == 0 && own.l_type == F_UNLCK, "a process's own locks do not conflict");
    CHECK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 100) == 0, "F_UNLCK");

    /* read locks share */
    CHECK(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10) == 0, "read lock");
    CHECK(in_child(try_rd_0) == 0, "another read lock on the range succeeds");
    CHECK(in_child(try_wr_0) == 2, "a write lock on it fails");

    /* split and merge */
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0) == 0, "a write lock to the end of the file (len 0)");
    CHECK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 10, 10) == 0 && in_child(try_wr_15) == 0, "unlocking the middle splits it");
    CHECK(in_child(try_wr_5) == 0 && in_child(try_wr_25) == 0, "both ends stay locked");
    CHECK(probe(F_WRLCK, 20, 1) == 0 && q.l_start == 20 && q.l_len == 0, "the end part runs to the end of the file");
    CHECK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0, "unlock everything");
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10) == 0 && lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 10) == 0 &&
          probe(F_WRLCK, 0, 30) == 0 && q.l_start == 0 && q.l_len == 20, "adjacent locks merge");
    CHECK(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 5, 5) == 0 && probe(F_RDLCK, 0, 30) == 0 && q.l_type == F_WRLCK &&
          (q.l_start == 0 ? q.l_len == 5 : q.l_start == 10), "a read lock in a write lock converts that part");
    CHECK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0, "unlock");

    /* whence and negative lengths */
    lseek(fd, 4, SEEK_SET);
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_CUR, 2, 3) == 0 && probe(F_WRLCK, 0, 0) == 0 && q.l_start == 6 && q.l_len == 3,
          "SEEK_CUR is from the file offset");
    CHECK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0 && lk(fd, F_SETLK, F_WRLCK, SEEK_END, -2, 0) == 0 &&
          probe(F_WRLCK, 0, 0) == 0 && q.l_start == 8 && q.l_len == 0, "SEEK_END is from the size");
    CHECK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0 && lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, -4) == 0 &&
          probe(F_WRLCK, 0, 0) == 0 && q.l_start == 6 && q.l_len == 4, "a negative length locks before l_start");
    lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);

    /* errors */
    errno = 0;
    CHECK(lk(fd, F_SETLK, 7, SEEK_SET, 0, 1) == -1 && errno == EINVAL, "a bad l_type: EINVAL");
    errno = 0;
    CHECK(lk(fd, F_SETLK, F_WRLCK, 5, 0, 1) == -1 && errno == EINVAL, "a bad l_whence: EINVAL");
    errno = 0;
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1) == -1 && errno == EINVAL, "a negative start: EINVAL");
    errno = 0;
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 2, -5) == -1 && errno == EINVAL, "a range before 0: EINVAL");
    errno = 0;
    CHECK(lk(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1) == -1 && errno == EINVAL, "F_GETLK of F_UNLCK: EINVAL");
    int ro = open(F, O_RDONLY), wo = open(F, O_WRONLY);
    errno = 0;
    CHECK(lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == -1 && errno == EBADF, "a write lock on a read-only fd: EBADF");
    errno = 0;
    CHECK(lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1) == -1 && errno == EBADF, "a read lock on a write-only fd: EBADF");
    errno = 0;
    CHECK(lk(99, F_SETLK, F_RDLCK, SEEK_SET, 0, 1) == -1 && errno == EBADF, "a closed fd: EBADF");

    /* any close of the file by the process releases its locks; so does exit */
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0) == 0 && in_child(try_wr_all) != 0, "locked");
    close(ro);
    CHECK(in_child(try_wr_all) == 0, "closing another descriptor of the file releases the lock");
    close(wo);
    CHECK(in_child(lock_and_exit) == 0 && lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0) == 0, "a process's locks go when it exits");
    lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);

    /* F_SETLKW waits until the lock is free */
    int p[2];
    pipe(p);
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 50) == 0, "lock for a waiter");
    pid_t c = fork();
    if (c == 0) {
        int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 20, 5);
        write(p[1], "k", 1);
        pause_ms(100);
        _exit(r == 0 ? 0 : 1);
    }
    pause_ms(100);
    struct pollfd pf = { p[0], POLLIN, 0 };
    CHECK(poll(&pf, 1, 0) == 0, "F_SETLKW waits while the range is locked");
    CHECK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 50) == 0, "unlock");
    char b;
    CHECK(read(p[0], &b, 1) == 1, "the waiter gets the lock");
    CHECK(probe(F_WRLCK, 0, 0) == 0 && q.l_type == F_WRLCK && q.l_pid == c && q.l_start == 20, "and holds it");
    int st;
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "F_SETLKW returned 0");

    /* F_SETLKW is interrupted by a signal */
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0) == 0, "lock again");
    c = fork();
    if (c == 0) {
        struct sigaction sa = { 0 };
        sa.sa_handler = on_usr1;
        sigaction(SIGUSR1, &sa, 0);
        int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
        _exit(r == -1 && errno == EINTR ? 0 : 1);
    }
    pause_ms(100);
    kill(c, SIGUSR1);
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a signal ends F_SETLKW with EINTR");
    /* a waiter is released when the holder dies */
    c = fork();
    if (c == 0) { int r = lk(fd, F_SETLKW, F_RDLCK, SEEK_SET, 0, 1); _exit(r == 0 ? 0 : 1); }
    pause_ms(50);
    CHECK(waitpid(c, &st, WNOHANG) == 0, "a reader waits");
    lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "and gets its lock when the writer unlocks");

    /* a wait that would close a cycle of waiting processes: EDEADLK */
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == 0, "lock byte 0");
    c = fork();
    if (c == 0) {
        if (lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1)) _exit(2);
        write(p[1], "d", 1);
        int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);  /* waits for the parent */
        _exit(r == 0 ? 0 : 1);
    }
    read(p[0], &b, 1);
    pause_ms(50);
    errno = 0;
    CHECK(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1) == -1 && errno == EDEADLK,
          "F_SETLKW for a lock whose owner waits for ours: EDEADLK");
    lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the other waiter gets its lock");

    /* open file description locks */
    int a = open(F, O_RDWR), d = open(F, O_RDWR);
    struct flock o = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    CHECK(fcntl(a, F_OFD_SETLK, &o) == 0, "F_OFD_SETLK");
    o.l_type = F_WRLCK;
    errno = 0;
    CHECK(fcntl(d, F_OFD_SETLK, &o) == -1 && errno == EAGAIN, "another open of the same file conflicts (same process)");
    o.l_type = F_RDLCK;
    CHECK(fcntl(d, F_OFD_GETLK, &o) == 0 && o.l_type == F_WRLCK && o.l_pid == -1, "F_OFD_GETLK reports l_pid -1");
    errno = 0;
    CHECK(lk(d, F_SETLK, F_RDLCK, SEEK_SET, 0, 1) == -1 && errno == EAGAIN, "a POSIX lock conflicts with it too");
    o = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 20, .l_len = 1, .l_pid = 5 };
    errno = 0;
    CHECK(fcntl(d, F_OFD_SETLK, &o) == -1 && errno == EINVAL, "OFD locks need l_pid 0: EINVAL");
    close(d);
    d = open(F, O_RDWR);
    o = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    errno = 0;
    CHECK(fcntl(d, F_OFD_SETLK, &o) == -1 && errno == EAGAIN, "closing another descriptor keeps an OFD lock");
    c = fork();
    if (c == 0) {
        struct flock x = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 5 };
        _exit(fcntl(a, F_OFD_SETLK, &x) == 0 ? 0 : 1);
    }
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child shares the open file and its OFD lock");
    c = fork();
    if (c == 0) {
        struct flock x = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 5 };
        close(a);  /* the parent's close must be the last one */
        int r = fcntl(d, F_OFD_SETLKW, &x);
        _exit(r == 0 ? 0 : 1);
    }
    pause_ms(50);
    CHECK(waitpid(c, &st, WNOHANG) == 0, "F_OFD_SETLKW waits");
    close(a);
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "and gets the lock when the last descriptor of its holder closes");
    close(d);

    /* flock */
    a = open(F, O_RDONLY);
    d = open(F, O_RDONLY);
    CHECK(flock(a, LOCK_EX) == 0, "flock LOCK_EX");
    errno = 0;
    CHECK(flock(d, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK, "another open file: LOCK_NB gives EWOULDBLOCK");
    errno = 0;
    CHECK(flock(d, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK, "a shared lock too");
    int a2 = dup(a);
    CHECK(flock(a2, LOCK_EX | LOCK_NB) == 0, "a duplicate shares the lock");
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0) == 0 && lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0,
          "flock and fcntl locks do not meet");
    CHECK(flock(a, LOCK_SH) == 0 && flock(d, LOCK_SH | LOCK_NB) == 0, "shared locks share");
    errno = 0;
    CHECK(flock(d, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK, "no exclusive lock beside a shared one");
    CHECK(flock(d, LOCK_UN) == 0, "LOCK_UN");
    CHECK(flock(a, LOCK_EX) == 0, "exclusive again");
    c = fork();
    if (c == 0) {
        close(a);
        close(a2);
        int e = open(F, O_RDONLY);
        int r = flock(e, LOCK_EX);
        write(p[1], "f", 1);
        _exit(r == 0 ? 0 : 1);
    }
    pause_ms(100);
    CHECK(poll(&pf, 1, 0) == 0, "a blocking flock waits");
    close(a);
    pause_ms(20);
    CHECK(poll(&pf, 1, 0) == 0, "while a duplicate still holds the open file");
    close(a2);
    CHECK(read(p[0], &b, 1) == 1, "the last close releases it");
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "flock returned 0");
    errno = 0;
    CHECK(flock(d, 3) == -1 && errno == EINVAL, "a bad operation: EINVAL");
    errno = 0;
    CHECK(flock(77, LOCK_EX) == -1 && errno == EBADF, "a closed fd: EBADF");
    close(d);
    close(fd);
    unlink(F);
    return check_failed;
}
