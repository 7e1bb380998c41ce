/* Pseudo-terminals: /dev/ptmx and /dev/pts, the line discipline between master and slave, the
 * controlling terminal of a session, hangup when the master closes. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

static int readable(int fd, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static volatile int got;
static void on_sig(int sig) { got = sig; }

/* A helper that sends sig to us after ms (alarm needs setitimer). */
static pid_t kick(int ms, int sig)
{
    pid_t parent = getpid(), c = fork();
    if (c == 0) { usleep(ms * 1000); kill(parent, sig); _exit(0); }
    return c;
}

static int open_pair(int *m, int *s, char *name)
{
    *m = posix_openpt(O_RDWR | O_NOCTTY);
    if (*m < 0 || grantpt(*m) || unlockpt(*m)) return -1;
    strcpy(name, ptsname(*m));
    *s = open(name, O_RDWR | O_NOCTTY);
    return *s < 0 ? -1 : 0;
}

int main(void)
{
    mkdir("/dev/pts", 0755);
    CHECK(mount("devpts", "/dev/pts", "devpts", 0, "") == 0, "mount devpts on /dev/pts");
    if (access("/proc/self", F_OK)) { mkdir("/proc", 0555); mount("proc", "/proc", "proc", 0, 0); }
    char buf[512], name[64];
    struct stat st;

    /* ---- allocation: posix_openpt, grantpt, unlockpt, ptsname ---- */
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0, "posix_openpt opens a master");
    CHECK(fstat(m, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 && minor(st.st_rdev) == 2,
          "the master is a character device 5, 2");
    CHECK(isatty(m), "the master is a terminal");
    unsigned n = 99;
    CHECK(ioctl(m, TIOCGPTN, &n) == 0 && n < 64, "TIOCGPTN gives the pty number");
    char want[64];
    snprintf(want, sizeof(want), "/dev/pts/%u", n);
    CHECK(ptsname(m) && !strcmp(ptsname(m), want), "ptsname is /dev/pts/N");
    CHECK(grantpt(m) == 0, "grantpt");
    fcntl(m, F_SETFL, O_NONBLOCK);
    CHECK_ERR(read(m, buf, 10), EAGAIN, "a master read before any slave was opened: EAGAIN");
    struct pollfd p0 = { m, POLLIN | POLLOUT, 0 };
    CHECK(poll(&p0, 1, 0) == 1 && p0.revents == POLLOUT, "poll on a master before any slave was opened: POLLOUT");
    fcntl(m, F_SETFL, 0);
    CHECK_ERR(lseek(m, 0, SEEK_CUR), ESPIPE, "lseek on a tty: ESPIPE");
    CHECK(stat("/dev/pts/ptmx", &st) == 0 && st.st_mode == (S_IFCHR | 0) && st.st_rdev == makedev(5, 2), "/dev/pts/ptmx: 5, 2 with mode 0");
    int lock = 0;
    CHECK(ioctl(m, TIOCGPTLCK, &lock) == 0 && lock == 1, "a new pty is locked");
    CHECK_ERR(open(want, O_RDWR | O_NOCTTY), EIO, "opening a locked slave: EIO");
    CHECK(unlockpt(m) == 0 && ioctl(m, TIOCGPTLCK, &lock) == 0 && lock == 0, "unlockpt unlocks it");
    CHECK(stat(want, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 136 && minor(st.st_rdev) == n,
          "/dev/pts/N is a character device 136, N");
    CHECK((st.st_mode & 07777) == 0600 && st.st_uid == getuid(), "/dev/pts/N: mode 0600, owned by the opener");
    int s = open(want, O_RDWR | O_NOCTTY);
    CHECK(s >= 0 && isatty(s), "the slave opens and is a terminal");
    CHECK_ERR(ioctl(s, TIOCGPTN, &n), ENOTTY, "TIOCGPTN on a slave: ENOTTY");
    CHECK_ERR(ioctl(s, 0x54ff, 0), ENOTTY, "an unknown ioctl on a tty: ENOTTY");
    CHECK_ERR(ioctl(m, 0x54ff, 0), ENOTTY, "an unknown ioctl on a master: ENOTTY");
    CHECK_ERR(ioctl(m, TIOCGPTN, (void *)8), EFAULT, "TIOCGPTN to a bad pointer: EFAULT");
    CHECK_ERR(ioctl(s, TCGETS, (void *)8), EFAULT, "TCGETS to a bad pointer: EFAULT");
    CHECK_ERR(ioctl(s, TCSETS, (void *)8), EFAULT, "TCSETS from a bad pointer: EFAULT");
    CHECK_ERR(ioctl(m, TIOCSWINSZ, (void *)8), EFAULT, "TIOCSWINSZ from a bad pointer: EFAULT");
    CHECK_ERR(ioctl(m, TIOCSPTLCK, (void *)8), EFAULT, "TIOCSPTLCK from a bad pointer: EFAULT");
    CHECK_ERR(write(m, (void *)8, 4), EFAULT, "a master write from a bad pointer: EFAULT");

    /* ---- termios and window size ---- */
    struct termios t;
    CHECK(tcgetattr(s, &t) == 0 && (t.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG) &&
          (t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR) && (t.c_iflag & ICRNL) && t.c_cc[VINTR] == 3 && t.c_cc[VEOF] == 4,
          "a new slave: canonical, echo, signals, ONLCR, ICRNL");
    struct termios tm;
    CHECK(tcgetattr(m, &tm) == 0 && tm.c_lflag == t.c_lflag && tm.c_iflag == t.c_iflag, "termios read through the master are the slave's");
    struct winsize ws = { 1, 1, 0, 0 };
    CHECK(ioctl(s, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 0 && ws.ws_col == 0, "a new pty's window size is 0x0");
    ws.ws_row = 30; ws.ws_col = 100;
    struct winsize ws2 = { 0 };
    CHECK(ioctl(m, TIOCSWINSZ, &ws) == 0 && ioctl(s, TIOCGWINSZ, &ws2) == 0 && ws2.ws_row == 30 && ws2.ws_col == 100,
          "TIOCSWINSZ on the master is the slave's window size");

    /* ---- canonical input, echo, output processing ---- */
    CHECK(write(m, "hello\n", 6) == 6, "write to the master");
    CHECK(read_for(s, buf, 100, 2000) == 6 && !strcmp(buf, "hello\n"), "the slave reads the line");
    CHECK(read_for(m, buf, 7, 2000) == 7 && !strcmp(buf, "hello\r\n"), "the echo comes back on the master (ONLCR)");
    write(m, "ab", 2);
    CHECK(!readable(s, 200), "canonical mode: an unfinished line is not readable");
    write(m, "c\r", 2);
    CHECK(read_for(s, buf, 100, 2000) == 4 && !strcmp(buf, "abc\n"), "the line completes; ICRNL makes CR a newline");
    drain_fd(m);
    write(m, "xy\x7fz\n", 5);
    CHECK(read_for(s, buf, 100, 2000) == 3 && !strcmp(buf, "xz\n"), "erase (DEL) removes a character");
    write(m, "junk\x15ok\n", 8);
    CHECK(read_for(s, buf, 100, 2000) == 3 && !strcmp(buf, "ok\n"), "kill (^U) removes the line");
    const char *we = "one two_2  \x17three x-y\x17z\n";
    write(m, we, strlen(we));
    CHECK(read_for(s, buf, 100, 2000) == 14 && !strcmp(buf, "one three x-z\n"), "word erase (^W) removes the last word");
    write(m, "a\x16\x03\x16\x15" "b\n", 7);
    CHECK(read_for(s, buf, 100, 2000) == 5 && !strcmp(buf, "a\x03\x15" "b\n"), "^V takes the next character as it is");
    drain_fd(m);
    write(m, "\x04", 1);
    CHECK(readable(s, 2000) && read(s, buf, 100) == 0, "^D on an empty line: read returns 0");
    CHECK(!readable(s, 200), "one ^D is one end of file");
    write(m, "abc\x04", 4);
    CHECK(read_for(s, buf, 100, 2000) == 3 && !strcmp(buf, "abc"), "^D after text ends the line without a newline");
    write(m, "long line\n", 10);
    CHECK(readable(s, 2000) && read(s, buf, 4) == 4 && read(s, buf + 4, 100) == 6 && !memcmp(buf, "long line\n", 10),
          "a line is read in pieces by short reads");
    drain_fd(m);
    write(m, "two\n", 4);
    readable(s, 2000);
    int avail = 0;
    CHECK(ioctl(s, FIONREAD, &avail) == 0 && avail == 4, "FIONREAD counts the complete line");
    read(s, buf, 100);
    drain_fd(m);
    CHECK(write(s, "one\ntwo\n", 8) == 8 && read_for(m, buf, 10, 2000) == 10 && !strcmp(buf, "one\r\ntwo\r\n"),
          "slave output reaches the master with NL turned into CR NL");
    struct pollfd pm = { m, POLLIN | POLLOUT, 0 }, ps = { s, POLLIN | POLLOUT, 0 };
    CHECK(poll(&pm, 1, 0) == 1 && pm.revents == POLLOUT, "poll: an empty master is writable, not readable");
    CHECK(poll(&ps, 1, 0) == 1 && ps.revents == POLLOUT, "poll: an empty slave is writable, not readable");
    int fl = fcntl(s, F_GETFL);
    fcntl(s, F_SETFL, fl | O_NONBLOCK);
    CHECK_ERR(read(s, buf, 10), EAGAIN, "a non-blocking read of an empty slave: EAGAIN");
    fcntl(s, F_SETFL, fl);
    fl = fcntl(m, F_GETFL);
    fcntl(m, F_SETFL, fl | O_NONBLOCK);
    CHECK_ERR(read(m, buf, 10), EAGAIN, "a non-blocking read of an empty master: EAGAIN");
    fcntl(m, F_SETFL, fl);
    CHECK_ERR(pread(s, buf, 1, 0), ESPIPE, "pread on a tty: ESPIPE");
    write(m, "p\n", 2);
    ps.revents = 0;
    CHECK(poll(&ps, 1, 2000) == 1 && (ps.revents & POLLIN), "poll: a complete line makes the slave readable");
    read(s, buf, 10);
    drain_fd(m);
    write(s, "q", 1);
    pm.revents = 0;
    CHECK(poll(&pm, 1, 2000) == 1 && (pm.revents & POLLIN), "poll: slave output makes the master readable");
    drain_fd(m);

    /* ---- signals end a read that waits for input; SA_RESTART makes it again ---- */
    struct sigaction sa = { 0 };
    sa.sa_handler = on_sig;
    sigaction(SIGUSR1, &sa, 0);
    got = 0;
    pid_t k = kick(500, SIGUSR1);
    CHECK_ERR(read(s, buf, 10), EINTR, "a signal with a handler ends a waiting tty read: EINTR");
    CHECK(got == SIGUSR1, "and the handler ran");
    waitpid(k, 0, 0);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, 0);
    got = 0;
    pid_t w = fork();
    if (w == 0) { usleep(1500000); write(m, "late\n", 5); _exit(0); }
    k = kick(500, SIGUSR1);
    CHECK(read(s, buf, 10) == 5 && got == SIGUSR1, "with SA_RESTART the read goes on after the handler");
    waitpid(w, 0, 0);
    waitpid(k, 0, 0);
    drain_fd(m);
    int pp[2];
    pipe(pp);
    sa.sa_flags = 0;
    sigaction(SIGUSR1, &sa, 0);
    k = kick(500, SIGUSR1);
    CHECK_ERR(read(pp[0], buf, 10), EINTR, "a signal with a handler ends a waiting pipe read: EINTR");
    waitpid(k, 0, 0);
    close(pp[0]);
    close(pp[1]);
    signal(SIGUSR1, SIG_DFL);

    /* ---- TIOCGPTPEER, a second pty ---- */
    int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    CHECK(peer >= 0 && isatty(peer) && write(peer, "via peer\n", 9) == 9 && read_for(m, buf, 10, 2000) == 10,
          "TIOCGPTPEER opens the slave");
    close(peer);
    int m2 = posix_openpt(O_RDWR | O_NOCTTY);
    unsigned n2 = n;
    CHECK(m2 >= 0 && ioctl(m2, TIOCGPTN, &n2) == 0 && n2 != n, "a second posix_openpt gets another number");
    close(m2);

    /* ---- raw mode ---- */
    struct termios raw = t;
    cfmakeraw(&raw);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    CHECK(tcsetattr(s, TCSANOW, &raw) == 0, "tcsetattr: raw mode");
    write(m, "\r\x03q", 3);
    CHECK(read_for(s, buf, 3, 2000) == 3 && !memcmp(buf, "\r\x03q", 3), "raw mode: bytes arrive as written, no signal");
    CHECK(!readable(m, 200), "raw mode: no echo");
    write(s, "a\n", 2);
    CHECK(read_for(m, buf, 2, 2000) == 2 && !strcmp(buf, "a\n"), "raw mode: no output processing");
    raw.c_cc[VMIN] = 0;
    tcsetattr(s, TCSANOW, &raw);
    CHECK(read(s, buf, 10) == 0, "VMIN 0, VTIME 0: a read of nothing returns 0");
    raw.c_cc[VTIME] = 3;
    tcsetattr(s, TCSANOW, &raw);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int vr = read(s, buf, 10);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(vr == 0 && ms >= 250 && ms < 2000, "VMIN 0, VTIME 3: a read of nothing returns 0 after 0.3 s");
    pid_t wz = fork();
    if (wz == 0) { usleep(100000); write(m, "z", 1); _exit(0); }
    CHECK(read(s, buf, 10) == 1 && buf[0] == 'z', "VMIN 0, VTIME 3: a byte that comes in time is read");
    waitpid(wz, 0, 0);
    CHECK(tcsetattr(s, TCSAFLUSH, &t) == 0, "back to canonical mode");
    write(m, "x\n", 2);
    CHECK(read_for(s, buf, 10, 2000) == 2 && tcflush(s, TCIOFLUSH) == 0, "tcflush");
    drain_fd(m);

    /* ---- no controlling terminal here ---- */
    CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO, "/dev/tty without a controlling terminal: ENXIO");
    pid_t pg;
    CHECK_ERR(ioctl(1, TIOCGPGRP, &pg), ENOTTY, "TIOCGPGRP on the console, not our controlling tty: ENOTTY");
    CHECK_ERR(ioctl(s, TIOCGPGRP, &pg), ENOTTY, "TIOCGPGRP on a tty that is not ours: ENOTTY");
    CHECK_ERR(tcgetsid(s), ENOTTY, "tcgetsid on a tty that is not ours: ENOTTY");
    CHECK_ERR(tcgetsid(m), ENOTTY, "tcgetsid through a master of a pty without a session: ENOTTY");
    CHECK_ERR(ioctl(s, TIOCNOTTY), ENOTTY, "TIOCNOTTY on a tty that is not ours: ENOTTY");
    CHECK_ERR(ioctl(s, TIOCSCTTY, 0), EPERM, "TIOCSCTTY by a process that leads no session: EPERM");

    /* ---- a session: setsid, then open makes the controlling tty; ^C to its foreground group ---- */
    int sync[2];
    pipe(sync);
    pid_t c = fork();
    if (c == 0) {
        close(s);
        setsid();
        int fd = open(want, O_RDWR);
        int ok = fd >= 0;
        int tty = open("/dev/tty", O_RDWR);
        ok = ok && tty >= 0 && tcgetsid(fd) == getpid() && tcgetpgrp(fd) == getpid() && tcgetpgrp(tty) == getpid();
        got = 0;
        signal(SIGWINCH, on_sig);
        write(sync[1], ok ? "y" : "n", 1);
        while (!got) pause();
        write(sync[1], got == SIGWINCH ? "w" : "n", 1);
        read(fd, buf, 10);  /* ^C ends this */
        _exit(3);
    }
    int st2;
    char r1 = 0;
    read(sync[0], &r1, 1);
    CHECK(r1 == 'y', "setsid, then open of the slave: it is the controlling tty, /dev/tty opens, its group is in front");
    CHECK(tcgetsid(m) == c, "tcgetsid through the master: the child's session");
    CHECK(ioctl(m, TIOCGPGRP, &pg) == 0 && pg == c, "TIOCGPGRP through the master: the child's group");
    {
        char path[64], st_line[512];
        snprintf(path, sizeof(path), "/proc/%d/stat", c);
        FILE *fp = fopen(path, "r");
        int tty_nr = -1, tpgid = 0;
        if (fp && fgets(st_line, sizeof(st_line), fp)) {
            char *q = strrchr(st_line, ')');
            if (q) sscanf(q + 2, "%*c %*d %*d %*d %d %d", &tty_nr, &tpgid);
        }
        if (fp) fclose(fp);
        CHECK(major(tty_nr) == 136 && minor(tty_nr) == n && tpgid == c, "/proc/<pid>/stat: tty_nr is /dev/pts/N, tpgid its foreground group");
    }
    ws.ws_row = 40;
    ioctl(m, TIOCSWINSZ, &ws);
    r1 = 0;
    read(sync[0], &r1, 1);
    CHECK(r1 == 'w', "a new window size: SIGWINCH to the foreground group");
    usleep(100000);
    write(m, "\x03", 1);
    CHECK(waitpid(c, &st2, 0) == c && WIFSIGNALED(st2) && WTERMSIG(st2) == SIGINT, "^C written to the master: SIGINT to the foreground group");
    CHECK(read_for(m, buf, 2, 2000) == 2 && !strcmp(buf, "^C"), "^C is echoed as ^C");
    CHECK_ERR(tcgetsid(m), ENOTTY, "the session leader exited: the pty has no session");

    /* ---- TIOCSCTTY, TIOCNOTTY ---- */
    c = fork();
    if (c == 0) {
        close(s);
        setsid();
        int fd = open(want, O_RDWR | O_NOCTTY);
        CHECK(fd >= 0 && open("/dev/tty", O_RDWR) < 0 && errno == ENXIO, "O_NOCTTY: opening the slave does not make it the controlling tty");
        CHECK(ioctl(fd, TIOCSCTTY, 0) == 0 && open("/dev/tty", O_RDWR) >= 0, "TIOCSCTTY makes it the controlling tty");
        CHECK(ioctl(fd, TIOCSCTTY, 0) == 0, "TIOCSCTTY again on our own tty: 0");
        pid_t g = fork();
        if (g == 0) {
            CHECK_ERR(ioctl(fd, TIOCSCTTY, 0), EPERM, "TIOCSCTTY by a member that does not lead the session: EPERM");
            CHECK(open("/dev/tty", O_RDWR) >= 0, "a child has its parent's controlling tty");
            CHECK(ioctl(fd, TIOCNOTTY) == 0, "TIOCNOTTY by a member of the session");
            CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO, "after TIOCNOTTY /dev/tty is ENXIO");
            CHECK_ERR(ioctl(fd, TIOCGPGRP, &pg), ENOTTY, "after TIOCNOTTY TIOCGPGRP is ENOTTY");
            _exit(check_failed);
        }
        int s3;
        waitpid(g, &s3, 0);
        CHECK(open("/dev/tty", O_RDWR) >= 0, "the leader keeps its controlling tty");
        g = fork();
        if (g == 0) {
            setsid();
            CHECK_ERR(ioctl(fd, TIOCSCTTY, 0), EPERM, "TIOCSCTTY on a tty of another session: EPERM");
            _exit(check_failed);
        }
        waitpid(g, &s3, 0);
        signal(SIGHUP, SIG_IGN);
        CHECK(ioctl(fd, TIOCNOTTY) == 0 && open("/dev/tty", O_RDWR) < 0, "TIOCNOTTY by the session leader gives the tty up");
        _exit(check_failed);
    }
    CHECK(waitpid(c, &st2, 0) == c && WIFEXITED(st2) && WEXITSTATUS(st2) == 0, "a child's TIOCSCTTY and TIOCNOTTY checks");
    CHECK_ERR(tcgetsid(m), ENOTTY, "after the leader's TIOCNOTTY the pty has no session");

    /* ---- the master closes: SIGHUP to the session leader, the slave hangs up ---- */
    c = fork();
    if (c == 0) {
        close(s);
        close(m);
        setsid();
        int fd = open(want, O_RDWR);
        write(sync[1], fd >= 0 ? "r" : "n", 1);
        pause();
        _exit(3);
    }
    read(sync[0], &r1, 1);
    close(m);
    CHECK(waitpid(c, &st2, 0) == c && WIFSIGNALED(st2) && WTERMSIG(st2) == SIGHUP, "closing the master: SIGHUP to the session leader");
    CHECK_ERR(stat(want, &st), ENOENT, "/dev/pts/N is gone when the master is closed");
    CHECK(read(s, buf, 10) == 0, "a hung-up slave reads end of file");
    CHECK_ERR(write(s, "x", 1), EIO, "a hung-up slave cannot be written: EIO");
    ps.revents = 0;
    CHECK(poll(&ps, 1, 0) == 1 && (ps.revents & POLLHUP), "poll on a hung-up slave: POLLHUP");
    CHECK_ERR(tcgetattr(s, &t), EIO, "termios of a hung-up slave: EIO");
    close(s);

    /* ---- the slave closes: the master reads what is left, then EIO ---- */
    CHECK(open_pair(&m, &s, name) == 0, "a second pty");
    write(s, "bye\n", 4);
    close(s);
    CHECK(read_for(m, buf, 5, 2000) == 5 && !strcmp(buf, "bye\r\n"), "what the slave wrote before closing is still read");
    CHECK_ERR(read(m, buf, 10), EIO, "the master reads EIO once no slave is open");
    pm.revents = 0;
    CHECK(poll(&pm, 1, 0) == 1 && (pm.revents & POLLHUP), "poll on the master: POLLHUP once no slave is open");
    s = open(name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0 && write(m, "again\n", 6) == 6 && read_for(s, buf, 100, 2000) == 6, "the slave opens again and works");
    close(s);
    close(m);
    CHECK_ERR(stat(name, &st), ENOENT, "/dev/pts/N is gone when the pty is closed");
    return check_failed;
}
