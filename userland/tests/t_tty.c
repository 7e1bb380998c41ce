/* The terminal line discipline on a pty: VMIN/VTIME, packet mode, flow control (IXON, IXANY,
 * TCXONC), flushes, queue sizes, exclusive mode, TIOCSTI, input and output flags, echo and editing
 * details. Every timed check has generous bounds: it only tells which of two behaviours happened. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

#ifndef TIOCGPKT
#define TIOCGPKT 0x80045438
#endif
#ifndef TIOCGEXCL
#define TIOCGEXCL 0x80045440
#endif

/* One read once fd is readable (at most ms): its count, or 0 if nothing came */
static int read_once(int fd, char *buf, int len, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, ms) != 1) return 0;
    return (int)read(fd, buf, (size_t)len);
}

/* poll's revents for fd after waiting up to ms for any of events */
static int poll_ev(int fd, int events, int ms)
{
    struct pollfd p = { fd, (short)events, 0 };
    return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

/* A child that writes s to fd after ms, then (if s2) s2 after ms2 more, and exits. */
static pid_t write_later(int fd, int ms, const char *s, int ms2, const char *s2)
{
    pid_t c = fork();
    if (c == 0) {
        usleep(ms * 1000);
        write(fd, s, strlen(s));
        if (s2) { usleep(ms2 * 1000); write(fd, s2, strlen(s2)); }
        _exit(0);
    }
    return c;
}

static int open_pair(int *m, int *s)
{
    *m = posix_openpt(O_RDWR | O_NOCTTY);
    if (*m < 0 || grantpt(*m) || unlockpt(*m)) return -1;
    *s = open(ptsname(*m), O_RDWR | O_NOCTTY);
    return *s < 0 ? -1 : 0;
}

static struct termios base;  /* the slave's termios when it was opened */

/* The slave in raw mode with these VMIN and VTIME. */
static void set_raw(int s, int min, int time)
{
    struct termios t = base;
    cfmakeraw(&t);
    t.c_cc[VMIN] = (cc_t)min;
    t.c_cc[VTIME] = (cc_t)time;
    tcsetattr(s, TCSANOW, &t);
}

/* The slave with these flags changed from the defaults (and the queues flushed). */
static void set_flags(int s, tcflag_t iset, tcflag_t iclr, tcflag_t oset, tcflag_t oclr, tcflag_t lset, tcflag_t lclr)
{
    struct termios t = base;
    t.c_iflag = (t.c_iflag | iset) & ~iclr;
    t.c_oflag = (t.c_oflag | oset) & ~oclr;
    t.c_lflag = (t.c_lflag | lset) & ~lclr;
    tcsetattr(s, TCSAFLUSH, &t);
}

static void set_nonblock(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static void test_vmin_vtime(int m, int s)
{
    char buf[64];
    struct timespec t0;
    pid_t c;

    set_raw(s, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(read(s, buf, 10) == 0 && ms_since(&t0) < 5000, "VMIN 0 VTIME 0: an empty read returns 0 at once");
    set_nonblock(s, 1);
    CHECK(read(s, buf, 10) == 0, "VMIN 0 VTIME 0 with O_NONBLOCK: an empty read returns 0, not EAGAIN");
    set_nonblock(s, 0);
    write(m, "abc", 3);
    usleep(100000);
    CHECK(read(s, buf, 10) == 3 && !memcmp(buf, "abc", 3), "VMIN 0 VTIME 0: a read takes what is there");

    set_raw(s, 0, 5);
    set_nonblock(s, 1);
    CHECK_ERR(read(s, buf, 10), EAGAIN, "VMIN 0 VTIME 5 with O_NONBLOCK: an empty read is EAGAIN");
    set_nonblock(s, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int r = read(s, buf, 10);
    long el = ms_since(&t0);
    CHECK(r == 0 && el >= 400, "VMIN 0 VTIME 5: the read times out with 0 after half a second");
    write(m, "late", 4);
    usleep(100000);
    CHECK(read(s, buf, 10) == 4, "VMIN 0 VTIME 5: a byte there is read at once");

    /* MIN > 0, TIME 0: wait for MIN bytes (or as many as asked for) */
    set_raw(s, 3, 0);
    c = write_later(m, 100, "x", 300, "yz");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = read(s, buf, 10);
    el = ms_since(&t0);
    CHECK(r == 3 && !memcmp(buf, "xyz", 3) && el >= 350, "VMIN 3 VTIME 0: the read waits for three bytes");
    waitpid(c, 0, 0);
    c = write_later(m, 100, "p", 300, "qr");
    r = read(s, buf, 2);
    CHECK(r == 2 && !memcmp(buf, "pq", 2), "VMIN 3 VTIME 0: a read of two returns when two came");
    waitpid(c, 0, 0);
    usleep(100000);
    set_nonblock(s, 1);
    CHECK(read(s, buf, 10) == 1 && buf[0] == 'r', "VMIN 3 VTIME 0: the rest stays queued");
    set_nonblock(s, 0);
    write(m, "12345", 5);
    usleep(100000);
    CHECK(read(s, buf, 10) == 5, "VMIN 3 VTIME 0: more than VMIN bytes queued are all read");
    write(m, "1", 1);
    usleep(100000);
    CHECK(!(poll_ev(s, POLLIN, 200) & POLLIN), "VMIN 3 VTIME 0: poll waits for VMIN bytes");
    int n = 0;
    CHECK(ioctl(s, FIONREAD, &n) == 0 && n == 1, "FIONREAD in raw mode: the bytes queued");
    set_nonblock(s, 1);
    CHECK(read(s, buf, 10) == 1, "VMIN 3 with O_NONBLOCK: a read takes the one byte there");
    CHECK_ERR(read(s, buf, 10), EAGAIN, "VMIN 3 with O_NONBLOCK: an empty read is EAGAIN");
    set_nonblock(s, 0);

    /* MIN > 0, TIME > 0: no timer before the first byte; then TIME between bytes */
    set_raw(s, 5, 5);
    c = write_later(m, 300, "a", 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = read(s, buf, 10);
    el = ms_since(&t0);
    CHECK(r == 1 && buf[0] == 'a' && el >= 750 && el < 5000,
          "VMIN 5 VTIME 5: the timer starts with the first byte, then the read returns what came");
    waitpid(c, 0, 0);
    set_raw(s, 5, 10);  /* a second between bytes: a loaded host may delay the writer a little */
    c = write_later(m, 100, "b", 250, "c");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = read(s, buf, 10);
    el = ms_since(&t0);
    CHECK(r == 2 && !memcmp(buf, "bc", 2) && el >= 1300 && el < 6000,
          "VMIN 5 VTIME 10: a byte that comes in time restarts the timer");
    waitpid(c, 0, 0);
    set_raw(s, 5, 30);
    c = write_later(m, 100, "defgh", 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = read(s, buf, 10);
    CHECK(r == 5 && ms_since(&t0) < 2500, "VMIN 5 VTIME 30: VMIN bytes end the read before the timer");
    waitpid(c, 0, 0);
    write(m, "i", 1);
    usleep(100000);
    CHECK(poll_ev(s, POLLIN, 1000) & POLLIN, "VMIN 5 VTIME 30: poll says readable with one byte");
    read(s, buf, 10);
}

static void test_reads(int m, int s)
{
    char a[4] = { 0 }, b[8] = { 0 };
    struct iovec iov[2] = { { a, 3 }, { b, 8 } };
    set_raw(s, 1, 0);
    write(m, "abcdef", 6);
    usleep(100000);
    CHECK(readv(s, iov, 2) == 6 && !memcmp(a, "abc", 3) && !memcmp(b, "def", 3), "readv of a tty fills its buffers in order");
    char *pg = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    set_raw(s, 4, 0);
    pid_t c = write_later(m, 100, "wx", 300, "yz");
    CHECK(pg != MAP_FAILED && read(s, pg + 4094, 10) == 4 && !memcmp(pg + 4094, "wxyz", 4),
          "VMIN 4: a read across a page boundary waits for all four");
    waitpid(c, 0, 0);
    int st;
    struct termios t = base;
    cfmakeraw(&t);
    t.c_iflag |= PARMRK;
    tcsetattr(s, TCSANOW, &t);
    write(m, "\xff", 1);
    CHECK(read_for(s, b, 2, 1000) == 2 && !memcmp(b, "\xff\xff", 2) && !(poll_ev(s, POLLIN, 0) & POLLIN),
          "PARMRK: a 0377 that came in is read doubled");

    /* a blocking write of more than the pty holds is written whole */
    static char big[20000];
    memset(big, 'a', sizeof(big));
    c = fork();
    if (c == 0) _exit(write(s, big, sizeof(big)) == (ssize_t)sizeof(big) ? 0 : 1);
    int got = 0;
    while (got < (int)sizeof(big) && (poll_ev(m, POLLIN, 2000) & POLLIN)) {
        int k = read(m, big, sizeof(big));
        if (k <= 0) break;
        got += k;
    }
    CHECK(got == (int)sizeof(big) && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "a blocking write of 20000 bytes to the slave writes them all");
    set_nonblock(s, 1);
    ssize_t w = write(s, big, sizeof(big));
    set_nonblock(s, 0);
    got = 0;
    while (got < w && (poll_ev(m, POLLIN, 1000) & POLLIN)) {
        int k = read(m, big, sizeof(big));
        if (k <= 0) break;
        got += k;
    }
    CHECK(w > 0 && got == w, "a non-blocking write to the slave writes what fits and says how much");

    /* TIOCSIG: the master signals the slave's foreground group */
    CHECK_ERR(ioctl(s, TIOCSIG, SIGINT), ENOTTY, "TIOCSIG on a slave: ENOTTY");
    CHECK_ERR(ioctl(m, TIOCSIG, SIGKILL), EINVAL, "TIOCSIG with a signal other than SIGINT, SIGQUIT, SIGTSTP: EINVAL");
    int sync[2];
    pipe(sync);
    c = fork();
    if (c == 0) {
        setsid();
        close(s);
        int fd = open(ptsname(m), O_RDWR);
        write(sync[1], fd >= 0 ? "y" : "n", 1);
        pause();
        _exit(0);
    }
    char r = 0;
    read(sync[0], &r, 1);
    CHECK(r == 'y' && ioctl(m, TIOCSIG, SIGQUIT) == 0 && waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGQUIT,
          "TIOCSIG SIGQUIT through the master reaches the foreground group");
    close(sync[0]);
    close(sync[1]);
    drain_fd(m);
}

/* struct termios2 and struct termio as asm-generic/termbits.h has them */
struct t2 { unsigned iflag, oflag, cflag, lflag; unsigned char line, cc[19]; unsigned ispeed, ospeed; };
struct tio { unsigned short iflag, oflag, cflag, lflag; unsigned char line, cc[8]; };

static void test_termios(int m, int s)
{
    struct termios t = base;
    tcsetattr(s, TCSANOW, &t);
    struct t2 x;
    memset(&x, 0xee, sizeof(x));
    CHECK(ioctl(s, 0x802c542a, &x) == 0 && x.ispeed == 38400 && x.ospeed == 38400 && x.lflag == base.c_lflag &&
          !memcmp(x.cc, base.c_cc, 19), "TCGETS2: termios with speeds 38400");
    cfsetspeed(&t, B9600);
    tcsetattr(s, TCSANOW, &t);
    CHECK(ioctl(m, 0x802c542a, &x) == 0 && x.ispeed == 9600 && x.ospeed == 9600, "TCSETS with B9600: TCGETS2 through the master says 9600");
    x.cflag = (x.cflag & ~(unsigned)CBAUD) | 010000;  /* BOTHER */
    x.ospeed = 12345;
    x.ispeed = 777;
    CHECK(ioctl(s, 0x402c542b, &x) == 0 && ioctl(s, 0x802c542a, &x) == 0 && x.ospeed == 12345 && x.ispeed == 12345,
          "TCSETS2 with BOTHER: the speed given, for input too");
    tcsetattr(s, TCSANOW, &base);
    CHECK_ERR(ioctl(s, 0x402c542b, (void *)8), EFAULT, "TCSETS2 from a bad pointer: EFAULT");

    struct tio o;
    memset(&o, 0xee, sizeof(o));
    CHECK(ioctl(s, TCGETA, &o) == 0 && o.lflag == (unsigned short)base.c_lflag && o.iflag == (unsigned short)base.c_iflag &&
          o.cc[VINTR] == base.c_cc[VINTR] && o.cc[VEOF] == base.c_cc[VEOF], "TCGETA: the low 16 bits and 8 characters");
    o.lflag &= (unsigned short)~ECHO;
    o.cc[VINTR] = 7;
    struct termios now;
    CHECK(ioctl(s, TCSETA, &o) == 0 && tcgetattr(s, &now) == 0 && !(now.c_lflag & ECHO) && now.c_cc[VINTR] == 7 &&
          now.c_cc[VSUSP] == base.c_cc[VSUSP], "TCSETA changes those and keeps the rest");
    tcsetattr(s, TCSANOW, &base);

    unsigned dev = 0, dm = 0, pn = 0;
    ioctl(m, TIOCGPTN, &pn);
    CHECK(ioctl(s, 0x80045432, &dev) == 0 && ioctl(m, 0x80045432, &dm) == 0 && dev == ((136u << 8) | pn) && dm == dev,
          "TIOCGDEV: the slave's device number, through the master too");
    int v = 9;
    CHECK(ioctl(s, TIOCGSOFTCAR, &v) == 0 && v == 0, "TIOCGSOFTCAR: CLOCAL is off");
    v = 1;
    CHECK(ioctl(s, TIOCSSOFTCAR, &v) == 0 && tcgetattr(s, &now) == 0 && (now.c_cflag & CLOCAL), "TIOCSSOFTCAR 1 sets CLOCAL");
    v = 0;
    ioctl(s, TIOCSSOFTCAR, &v);

    struct termios lk, zero;
    memset(&lk, 0xee, sizeof(lk));
    memset(&zero, 0, sizeof(zero));
    CHECK(ioctl(s, TIOCGLCKTRMIOS, &lk) == 0 && !memcmp(&lk, &zero, 36), "TIOCGLCKTRMIOS: nothing locked");
    lk.c_lflag = ECHO;
    lk.c_cc[VINTR] = 1;
    CHECK(ioctl(s, TIOCSLCKTRMIOS, &lk) == 0, "TIOCSLCKTRMIOS by root");
    t = base;
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE);
    t.c_cc[VINTR] = 9;
    tcsetattr(s, TCSANOW, &t);
    CHECK(tcgetattr(s, &now) == 0 && (now.c_lflag & ECHO) && !(now.c_lflag & ECHOE) && now.c_cc[VINTR] == base.c_cc[VINTR],
          "locked bits and characters keep their values");
    memset(&lk, 0, sizeof(lk));
    ioctl(s, TIOCSLCKTRMIOS, &lk);
    tcsetattr(s, TCSANOW, &base);
    pid_t c = fork();
    if (c == 0) {
        if (setuid(65534)) _exit(2);
        errno = 0;
        _exit(ioctl(s, TIOCSLCKTRMIOS, &lk) < 0 && errno == EPERM ? 0 : 1);
    }
    int st;
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "TIOCSLCKTRMIOS by another user: EPERM");
}

static void test_packet(int m, int s)
{
    char buf[64];
    int v = 7;
    set_raw(s, 1, 0);
    drain_fd(m);
    CHECK(ioctl(m, TIOCGPKT, &v) == 0 && v == 0, "TIOCGPKT: packet mode is off at first");
    CHECK_ERR(ioctl(s, TIOCPKT, &v), ENOTTY, "TIOCPKT on a slave: ENOTTY");
    CHECK_ERR(ioctl(s, TIOCGPKT, &v), ENOTTY, "TIOCGPKT on a slave: ENOTTY");
    CHECK_ERR(ioctl(m, TIOCPKT, (void *)8), EFAULT, "TIOCPKT from a bad pointer: EFAULT");
    v = 5;
    CHECK(ioctl(m, TIOCPKT, &v) == 0 && ioctl(m, TIOCGPKT, &v) == 0 && v == 1, "TIOCPKT turns packet mode on");
    write(s, "hi", 2);
    CHECK(read_for(m, buf, 3, 2000) == 3 && !memcmp(buf, "\0hi", 3), "packet mode: data comes after a TIOCPKT_DATA byte");
    CHECK(!(poll_ev(m, POLLIN | POLLPRI, 200)), "packet mode: nothing pending, no poll event");
    tcflush(s, TCIFLUSH);
    int ev = poll_ev(m, POLLIN | POLLPRI, 2000);
    CHECK((ev & (POLLIN | POLLPRI)) == (POLLIN | POLLPRI), "packet mode: a pending status is POLLPRI and POLLIN");
    CHECK(read(m, buf, 10) == 1 && buf[0] == TIOCPKT_FLUSHREAD, "tcflush(TCIFLUSH) on the slave: TIOCPKT_FLUSHREAD");
    tcflush(s, TCOFLUSH);
    CHECK(read_for(m, buf, 1, 2000) == 1 && buf[0] == TIOCPKT_FLUSHWRITE, "tcflush(TCOFLUSH) on the slave: TIOCPKT_FLUSHWRITE");
    tcflush(s, TCIOFLUSH);
    CHECK(read_for(m, buf, 1, 2000) == 1 && buf[0] == (TIOCPKT_FLUSHREAD | TIOCPKT_FLUSHWRITE),
          "tcflush(TCIOFLUSH): both flush bits in one status byte");
    write(s, "x", 1);
    usleep(100000);
    tcflush(s, TCIFLUSH);
    CHECK((poll_ev(m, POLLIN, 2000) & POLLIN) && read(m, buf, 10) == 1 && buf[0] == TIOCPKT_FLUSHREAD,
          "a status byte comes alone, before data");
    CHECK(read(m, buf, 10) == 2 && !memcmp(buf, "\0x", 2), "then the data");
    tcflow(s, TCOOFF);
    CHECK(read_once(m, buf, 10, 2000) == 1 && buf[0] == TIOCPKT_STOP, "tcflow(TCOOFF) on the slave: TIOCPKT_STOP");
    tcflow(s, TCOON);
    CHECK(read_once(m, buf, 10, 2000) == 1 && buf[0] == TIOCPKT_START, "tcflow(TCOON): TIOCPKT_START");
    tcflow(s, TCOOFF);
    tcflow(s, TCOON);
    CHECK(read_once(m, buf, 10, 2000) == 1 && buf[0] == TIOCPKT_START, "stop then start before a read: only TIOCPKT_START");

    struct termios t;
    tcgetattr(s, &t);
    t.c_iflag |= IXON;
    tcsetattr(s, TCSANOW, &t);
    CHECK(read_once(m, buf, 10, 2000) == 1 && buf[0] == TIOCPKT_DOSTOP, "IXON turned on: TIOCPKT_DOSTOP");
    t.c_iflag &= ~(tcflag_t)IXON;
    tcsetattr(s, TCSANOW, &t);
    CHECK(read_once(m, buf, 10, 2000) == 1 && buf[0] == TIOCPKT_NOSTOP, "IXON turned off: TIOCPKT_NOSTOP");
    t.c_iflag |= IXON;
    tcsetattr(s, TCSANOW, &t);
    CHECK(read_once(m, buf, 10, 2000) == 1 && buf[0] == TIOCPKT_DOSTOP, "IXON on again: TIOCPKT_DOSTOP");
    t.c_cc[VSTOP] = 'S';
    tcsetattr(s, TCSANOW, &t);
    CHECK(read_once(m, buf, 10, 2000) == 1 && buf[0] == TIOCPKT_NOSTOP, "a VSTOP other than ^S: TIOCPKT_NOSTOP");
    tcsetattr(s, TCSANOW, &t);
    CHECK(!(poll_ev(m, POLLIN | POLLPRI, 200)), "the same termios again: no status");
    t.c_cc[VSTOP] = 0x13;
    tcsetattr(s, TCSANOW, &t);
    drain_fd(m);

    /* ^S and ^Q written to the master stop and start the slave's output */
    write(m, "\x13", 1);
    CHECK(read_once(m, buf, 10, 2000) == 1 && buf[0] == TIOCPKT_STOP, "^S to the master: TIOCPKT_STOP");
    write(m, "\x11", 1);
    CHECK(read_once(m, buf, 10, 2000) == 1 && buf[0] == TIOCPKT_START, "^Q to the master: TIOCPKT_START");

    tcflow(s, TCOOFF);
    v = 1;
    ioctl(m, TIOCPKT, &v);
    CHECK(poll_ev(m, POLLPRI, 1000) & POLLPRI, "TIOCPKT on again while on keeps the status");
    v = 0;
    ioctl(m, TIOCPKT, &v);
    v = 1;
    ioctl(m, TIOCPKT, &v);
    CHECK(!(poll_ev(m, POLLIN | POLLPRI, 200)), "turning packet mode on clears a pending status");
    tcflow(s, TCOON);
    drain_fd(m);
    v = 0;
    CHECK(ioctl(m, TIOCPKT, &v) == 0 && ioctl(m, TIOCGPKT, &v) == 0 && v == 0, "TIOCPKT 0 turns packet mode off");
    write(s, "raw", 3);
    CHECK(read_for(m, buf, 3, 2000) == 3 && !memcmp(buf, "raw", 3), "out of packet mode: data as it is");
    tcflow(s, TCOOFF);
    tcflow(s, TCOON);
    CHECK(!(poll_ev(m, POLLIN | POLLPRI, 200)), "out of packet mode: no status");

    /* a read into a buffer across a page boundary is one read */
    char *pg = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    v = 1;
    ioctl(m, TIOCPKT, &v);
    write(s, "hi", 2);
    CHECK(poll_ev(m, POLLIN, 2000) & POLLIN, "packet mode: data to read");
    usleep(100000);
    CHECK(pg != MAP_FAILED && read(m, pg + 4094, 10) == 3 && !memcmp(pg + 4094, "\0hi", 3),
          "packet mode: a read across a page boundary has one TIOCPKT_DATA byte");
    v = 0;
    ioctl(m, TIOCPKT, &v);

    /* ^C without NOFLSH flushes: the master hears of it */
    set_flags(s, 0, 0, 0, 0, 0, 0);
    drain_fd(m);
    v = 1;
    ioctl(m, TIOCPKT, &v);
    write(m, "\x03", 1);
    CHECK(read_for(m, buf, 1, 2000) == 1 && buf[0] == (TIOCPKT_FLUSHREAD | TIOCPKT_FLUSHWRITE), "^C in packet mode: both flush bits");
    v = 0;
    ioctl(m, TIOCPKT, &v);
    drain_fd(m);
}

static void test_flow(int m, int s)
{
    char buf[64];
    set_raw(s, 1, 0);
    struct termios t;
    tcgetattr(s, &t);
    t.c_iflag |= IXON;
    tcsetattr(s, TCSANOW, &t);
    drain_fd(m);

    write(m, "\x13", 1);
    usleep(100000);
    CHECK(!(poll_ev(s, POLLIN, 100) & POLLIN), "IXON: ^S is not input");
    CHECK(!(poll_ev(s, POLLOUT, 100) & POLLOUT), "IXON: a stopped slave is not writable (poll)");
    set_nonblock(s, 1);
    CHECK_ERR(write(s, "abc", 3), EAGAIN, "IXON: a non-blocking write to a stopped slave is EAGAIN");
    set_nonblock(s, 0);
    pid_t c = fork();
    if (c == 0) _exit(write(s, "abc", 3) == 3 ? 0 : 1);
    CHECK(!(poll_ev(m, POLLIN, 400) & POLLIN), "IXON: a writer to a stopped slave waits");
    write(m, "\x11", 1);
    CHECK(read_for(m, buf, 3, 2000) == 3 && !memcmp(buf, "abc", 3), "IXON: ^Q lets the output go");
    int st;
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "IXON: the waiting write completes");
    write(m, "\x11" "q", 2);
    CHECK(read_once(s, buf, 10, 1000) == 1 && buf[0] == 'q', "IXON: ^Q when not stopped is swallowed too");

    write(m, "\x13", 1);
    usleep(100000);
    write(m, "z", 1);
    CHECK(read_once(s, buf, 10, 1000) == 1 && buf[0] == 'z', "IXON: while stopped, input still arrives");
    CHECK(!(poll_ev(s, POLLOUT, 100) & POLLOUT), "without IXANY another character does not restart output");
    write(m, "\x11", 1);
    CHECK(poll_ev(s, POLLOUT, 1000) & POLLOUT, "^Q restarts it");

    t.c_iflag |= IXANY;
    tcsetattr(s, TCSANOW, &t);
    write(m, "\x13", 1);
    usleep(100000);
    CHECK(!(poll_ev(s, POLLOUT, 100) & POLLOUT), "IXANY: ^S stops");
    write(m, "y", 1);
    CHECK(poll_ev(s, POLLOUT, 1000) & POLLOUT, "IXANY: any character restarts output");
    CHECK(read_once(s, buf, 10, 1000) == 1 && buf[0] == 'y', "IXANY: and is input");
    tcflow(s, TCOOFF);
    write(m, "w", 1);
    usleep(100000);
    CHECK(!(poll_ev(s, POLLOUT, 100) & POLLOUT), "IXANY does not restart output stopped by TCOOFF");
    write(m, "\x11", 1);
    usleep(100000);
    CHECK(!(poll_ev(s, POLLOUT, 100) & POLLOUT), "nor does ^Q");
    tcflow(s, TCOON);
    CHECK(poll_ev(s, POLLOUT, 1000) & POLLOUT, "TCOON restarts it");
    drain_fd(s);

    struct termios echo = base;  /* canonical with echo: the echo waits while output is stopped */
    tcsetattr(s, TCSANOW, &echo);
    write(m, "\x13", 1);
    usleep(100000);
    write(m, "e", 1);
    CHECK(!(poll_ev(m, POLLIN, 300) & POLLIN), "IXON: echo waits while output is stopped");
    write(m, "\x11", 1);
    CHECK(read_for(m, buf, 1, 2000) == 1 && buf[0] == 'e', "IXON: the echo comes when output starts");
    tcsetattr(s, TCSAFLUSH, &t);
    drain_fd(m);

    t.c_iflag &= ~(tcflag_t)(IXON | IXANY);
    tcsetattr(s, TCSANOW, &t);
    write(m, "\x13\x11", 2);
    CHECK(read_for(s, buf, 2, 1000) == 2 && !memcmp(buf, "\x13\x11", 2), "without IXON ^S and ^Q are input");
    t.c_iflag |= IXON;
    tcsetattr(s, TCSANOW, &t);
    write(m, "\x13", 1);
    usleep(100000);
    t.c_iflag &= ~(tcflag_t)IXON;
    tcsetattr(s, TCSANOW, &t);
    CHECK(poll_ev(s, POLLOUT, 1000) & POLLOUT, "turning IXON off restarts stopped output");

    t.c_iflag |= IXON;
    t.c_lflag |= ISIG;
    tcsetattr(s, TCSANOW, &t);
    write(m, "\x13", 1);
    usleep(100000);
    write(m, "\x03", 1);
    CHECK(poll_ev(s, POLLOUT, 1000) & POLLOUT, "IXON: ^C restarts stopped output");
    t.c_iflag &= ~(tcflag_t)IXON;
    t.c_lflag &= ~(tcflag_t)ISIG;
    tcsetattr(s, TCSAFLUSH, &t);
    drain_fd(m);

    CHECK(tcflow(m, TCOOFF) == 0 && !(poll_ev(m, POLLOUT, 100) & POLLOUT), "TCOOFF on the master: it is not writable");
    set_nonblock(m, 1);
    CHECK_ERR(write(m, "a", 1), EAGAIN, "TCOOFF on the master: a non-blocking write is EAGAIN");
    set_nonblock(m, 0);
    CHECK(tcflow(m, TCOON) == 0 && write(m, "a", 1) == 1 && read_for(s, buf, 1, 1000) == 1, "TCOON on the master: it writes again");
    CHECK(tcflow(s, TCIOFF) == 0 && read_for(m, buf, 1, 2000) == 1 && buf[0] == 0x13, "TCIOFF sends VSTOP");
    CHECK(tcflow(s, TCION) == 0 && read_for(m, buf, 1, 2000) == 1 && buf[0] == 0x11, "TCION sends VSTART");
    CHECK_ERR(ioctl(s, TCXONC, 9), EINVAL, "TCXONC with a bad action: EINVAL");
    tcflow(s, TCOOFF);
    set_nonblock(s, 1);
    CHECK_ERR(write(s, "a", 1), EAGAIN, "TCOOFF: a non-blocking write is EAGAIN");
    set_nonblock(s, 0);
    tcflow(s, TCOON);
    CHECK(write(s, "a", 1) == 1 && read_for(m, buf, 1, 2000) == 1, "TCOON: writes go again");
}

static void test_queues(int m, int s)
{
    char buf[64];
    int n;
    set_flags(s, 0, 0, 0, 0, 0, 0);
    drain_fd(m);
    write(m, "one\ntw", 6);
    usleep(100000);
    CHECK(ioctl(s, TIOCINQ, &n) == 0 && n == 4, "TIOCINQ in canonical mode: complete lines only");
    write(m, "o\n", 2);
    usleep(100000);
    CHECK(ioctl(s, FIONREAD, &n) == 0 && n == 8, "FIONREAD: two lines");
    CHECK(tcflush(s, TCIFLUSH) == 0 && ioctl(s, FIONREAD, &n) == 0 && n == 0, "TCIFLUSH empties the input");
    {
        char many[300], got[300];
        for (int i = 0; i < 100; i++) { many[2 * i] = (char)('a' + i % 26); many[2 * i + 1] = '\n'; }
        write(m, many, 200);
        usleep(100000);
        CHECK(ioctl(s, FIONREAD, &n) == 0 && n == 200, "a hundred lines written at once are all queued");
        CHECK(read_for(s, got, 200, 1000) == 200 && !memcmp(got, many, 200), "and all read, one by one");
        write(m, "ab\x04\x04" "cd\n", 7);
        usleep(100000);
        CHECK(ioctl(s, FIONREAD, &n) == 0 && n == 5, "FIONREAD does not count ends of file");
        CHECK(read(s, got, 1) == 1 && read(s, got + 1, 10) == 1 && read(s, got, 10) == 0 && read(s, got, 10) == 3,
              "a line ended by ^D is read in pieces, then ^D alone reads as end of file");
        drain_fd(m);
    }
    CHECK(!(poll_ev(s, POLLIN, 100) & POLLIN), "after TCIFLUSH nothing is readable");
    drain_fd(m);
    write(s, "out", 3);
    usleep(100000);
    CHECK(ioctl(m, FIONREAD, &n) == 0 && n == 3, "FIONREAD on the master: the slave's output");
    CHECK(ioctl(s, TIOCOUTQ, &n) == 0 && n == 0, "TIOCOUTQ on a pty slave: 0 (a pty keeps no output queue)");
    CHECK(tcflush(m, TCIFLUSH) == 0 && ioctl(m, FIONREAD, &n) == 0 && n == 0, "TCIFLUSH on the master drops the slave's output");
    write(s, "out", 3);
    usleep(100000);
    CHECK(tcflush(s, TCOFLUSH) == 0 && read_for(m, buf, 3, 1000) == 3, "TCOFLUSH on the slave: what reached the master stays");
    CHECK_ERR(tcflush(s, 7), EINVAL, "TCFLSH with a bad queue: EINVAL");
    CHECK(tcdrain(s) == 0, "tcdrain (TCSBRK 1)");
    CHECK(tcsendbreak(s, 0) == 0, "tcsendbreak (TCSBRK 0)");
    CHECK(ioctl(s, TCSBRKP, 0) == 0, "TCSBRKP");

    /* TIOCSTI: as root, into either side's input */
    char c = 'k';
    CHECK(ioctl(s, TIOCSTI, &c) == 0, "TIOCSTI on the slave");
    c = '\n';
    ioctl(s, TIOCSTI, &c);
    CHECK(read_once(s, buf, 10, 1000) == 2 && !memcmp(buf, "k\n", 2), "what TIOCSTI pushed is read from the slave");
    drain_fd(m);
    CHECK_ERR(ioctl(s, TIOCSTI, (void *)8), EFAULT, "TIOCSTI from a bad pointer: EFAULT");
    c = 'M';
    CHECK(ioctl(m, TIOCSTI, &c) == 0 && read_once(m, buf, 10, 1000) == 1 && buf[0] == 'M', "TIOCSTI on the master: the master reads it");

    pid_t nr = fork();
    if (nr == 0) {
        char x = 'n';
        if (setuid(65534)) _exit(2);
        errno = 0;
        _exit(ioctl(s, TIOCSTI, &x) < 0 && errno == EPERM ? 0 : 1);
    }
    int nst;
    CHECK(waitpid(nr, &nst, 0) == nr && WIFEXITED(nst) && WEXITSTATUS(nst) == 0,
          "TIOCSTI by another user on a tty that is not its controlling tty: EPERM");

    /* exclusive mode */
    int v = 9;
    CHECK(ioctl(s, TIOCGEXCL, &v) == 0 && v == 0, "TIOCGEXCL: not exclusive at first");
    CHECK(ioctl(s, TIOCEXCL) == 0 && ioctl(s, TIOCGEXCL, &v) == 0 && v == 1, "TIOCEXCL makes it exclusive");
    int s2 = open(ptsname(m), O_RDWR | O_NOCTTY);
    CHECK(s2 >= 0, "root may open an exclusive tty");
    if (s2 >= 0) close(s2);
    fchmod(s, 0666);
    pid_t ch = fork();
    if (ch == 0) {
        if (setuid(65534)) _exit(2);
        errno = 0;
        _exit(open(ptsname(m), O_RDWR | O_NOCTTY) < 0 && errno == EBUSY ? 0 : 1);
    }
    int st;
    CHECK(waitpid(ch, &st, 0) == ch && WIFEXITED(st) && WEXITSTATUS(st) == 0, "another user opening an exclusive tty: EBUSY");
    CHECK(ioctl(s, TIOCNXCL) == 0 && ioctl(s, TIOCGEXCL, &v) == 0 && v == 0, "TIOCNXCL ends it");
    ch = fork();
    if (ch == 0) {
        if (setuid(65534)) _exit(2);
        _exit(open(ptsname(m), O_RDWR | O_NOCTTY) >= 0 ? 0 : 1);
    }
    CHECK(waitpid(ch, &st, 0) == ch && WIFEXITED(st) && WEXITSTATUS(st) == 0, "after TIOCNXCL another user opens it");
    fchmod(s, 0600);
    CHECK(ioctl(m, TIOCGEXCL, &v) == 0 && v == 0, "TIOCGEXCL on the master");

    struct termios t = base;
    t.c_cflag = (t.c_cflag & ~(tcflag_t)CSIZE) | CS7 | PARENB;
    tcsetattr(s, TCSANOW, &t);
    tcgetattr(s, &t);
    CHECK((t.c_cflag & CSIZE) == CS8 && !(t.c_cflag & PARENB) && (t.c_cflag & CREAD), "a pty's c_cflag keeps CS8 and CREAD, no PARENB");
}

/* fd gives exactly want (nothing when want is "": then wait a little to be sure; an end of file reads
 * as nothing too) */
static int reads(int fd, const char *want)
{
    char buf[128];
    int len = (int)strlen(want);
    int n = read_for(fd, buf, len ? len : 8, len ? 1000 : 100);
    return n == len && !memcmp(buf, want, (size_t)n) && !(poll_ev(fd, POLLIN, 0) & POLLIN);
}

/* The slave writes s; does the master read want? */
static int out_is(int m, int s, const char *in, const char *want)
{
    write(s, in, strlen(in));
    return reads(m, want);
}

/* The master writes in; does the slave read want (a line), and does the master see echo (0: not looked at)? */
static int in_is(int m, int s, const char *in, const char *want, const char *echo)
{
    write(m, in, strlen(in));
    int ok = reads(s, want);
    if (echo) ok = reads(m, echo) && ok;
    else drain_fd(m);
    return ok;
}

static void test_flags(int m, int s)
{
    char buf[16];
    set_flags(s, 0, 0, OCRNL, 0, 0, 0);
    drain_fd(m);
    CHECK(out_is(m, s, "a\rb\n", "a\nb\r\n"), "OCRNL: CR goes out as NL");
    set_flags(s, 0, 0, ONOCR, 0, 0, 0);
    CHECK(out_is(m, s, "\rab\rc\n\r", "ab\rc\r\n"), "ONOCR: no CR at column 0");
    set_flags(s, 0, 0, ONLRET | ONOCR, ONLCR, 0, 0);
    CHECK(out_is(m, s, "ab\n\rc", "ab\nc"), "ONLRET: NL returns to column 0");
    set_flags(s, 0, 0, OLCUC, 0, 0, 0);
    CHECK(out_is(m, s, "Ab1\n", "AB1\r\n"), "OLCUC: lower case goes out as upper");
    set_flags(s, 0, 0, XTABS, 0, 0, 0);
    CHECK(out_is(m, s, "ab\tc\t\n", "ab      c       \r\n"), "XTABS: tabs become spaces to the next stop");
    set_flags(s, 0, 0, 0, OPOST, 0, 0);
    CHECK(out_is(m, s, "a\n\r\t", "a\n\r\t"), "without OPOST: no output processing");

    set_flags(s, 0, 0, 0, 0, 0, ECHO);
    CHECK(in_is(m, s, "ab\n", "ab\n", ""), "without ECHO nothing comes back");
    set_flags(s, 0, 0, 0, 0, ECHONL, ECHO);
    CHECK(in_is(m, s, "ab\n", "ab\n", "\r\n"), "ECHONL: the newline is echoed without ECHO");
    set_flags(s, INLCR, ICRNL, 0, 0, 0, 0);
    CHECK(in_is(m, s, "a\nb\r\x04", "a\rb\r", 0), "INLCR without ICRNL: NL comes in as CR, CR stays");
    set_flags(s, IGNCR, 0, 0, 0, 0, 0);
    CHECK(in_is(m, s, "a\rb\n", "ab\n", 0), "IGNCR: CR is dropped");
    set_flags(s, ISTRIP, 0, 0, 0, 0, 0);
    CHECK(in_is(m, s, "\xe1\n", "a\n", 0), "ISTRIP: the eighth bit is cleared");
    set_flags(s, IUCLC, 0, 0, 0, 0, 0);
    CHECK(in_is(m, s, "AbC\n", "abc\n", 0), "IUCLC: upper case comes in as lower");
    set_flags(s, IUCLC, 0, 0, 0, 0, IEXTEN);
    CHECK(in_is(m, s, "AbC\n", "AbC\n", 0), "IUCLC needs IEXTEN");

    set_flags(s, 0, 0, 0, 0, 0, 0);
    CHECK(in_is(m, s, "ab\x7f\n", "a\n", "ab\b \b\r\n"), "ECHOE: erase echoes backspace, space, backspace");
    CHECK(in_is(m, s, "a\x01\x7f\n", "a\n", "a^A\b \b\b \b\r\n"), "ECHOCTL: erasing ^A takes two columns back");
    CHECK(in_is(m, s, "ab\x15\n", "\n", "ab\b \b\b \b\r\n"), "ECHOKE: kill erases the line on the screen");
    CHECK(in_is(m, s, "ab\tc\x7f\x7f\n", "ab\n", "ab\tc\b \b\b\b\b\b\b\b\r\n"), "erasing a tab goes back to the column before it");
    set_flags(s, 0, 0, 0, 0, 0, ECHOE);
    CHECK(in_is(m, s, "ab\x7f\n", "a\n", "ab^?\r\n"), "without ECHOE erase echoes the erase character");
    set_flags(s, 0, 0, 0, 0, 0, ECHOKE);
    CHECK(in_is(m, s, "ab\x15z\n", "z\n", "ab^U\r\nz\r\n"), "ECHOK without ECHOKE: the kill character, then a newline");
    set_flags(s, 0, 0, 0, 0, 0, ECHOKE | ECHOK);
    CHECK(in_is(m, s, "ab\x15z\n", "z\n", "ab^Uz\r\n"), "neither ECHOK nor ECHOKE: the kill character only");
    set_flags(s, 0, 0, 0, 0, ECHOPRT, 0);
    CHECK(in_is(m, s, "abc\x7f\x7fx\n", "ax\n", "abc\\cb/x\r\n"), "ECHOPRT: erased characters are printed between \\ and /");
    set_flags(s, 0, 0, 0, 0, 0, ECHOCTL);
    CHECK(in_is(m, s, "a\x01\n", "a\x01\n", "a\x01\r\n"), "without ECHOCTL control characters echo as they are");
    CHECK(in_is(m, s, "\x04", "", ""), "without ECHOCTL ^D echoes nothing either");

    set_flags(s, IUTF8, 0, 0, 0, 0, 0);
    CHECK(in_is(m, s, "a\xc3\xa9\x7f\n", "a\n", "a\xc3\xa9\b \b\r\n"), "IUTF8: erase takes a whole UTF-8 character");
    CHECK(in_is(m, s, "x h\xc3\xa9llo\x17\n", "x \n", 0), "IUTF8: word erase takes a word with UTF-8 letters");
    CHECK(in_is(m, s, "\xc3\xa9\t\x7f\n", "\xc3\xa9\n", "\xc3\xa9\t\b\b\b\b\b\b\b\r\n"), "IUTF8: a UTF-8 character takes one column");
    set_flags(s, IUTF8, 0, 0, 0, ECHOPRT, 0);
    CHECK(in_is(m, s, "a\xc3\xa9\x7f\n", "a\n", "a\xc3\xa9\\\xc3\xa9\r\n"), "IUTF8 with ECHOPRT: the erased character is printed whole");
    set_flags(s, 0, IUTF8, 0, 0, 0, 0);
    CHECK(in_is(m, s, "a\xc3\xa9\x7f\n", "a\xc3\n", "a\xc3\xa9\b \b\r\n"), "without IUTF8 erase takes one byte");
    CHECK(in_is(m, s, "x h\xc3\xa9llo\x17\n", "x h\xc3\xa9\n", 0), "without IUTF8 word erase stops at a byte that is no letter");
    CHECK(in_is(m, s, "\xc3\xa9\t\x7f\n", "\xc3\xa9\n", "\xc3\xa9\t\b\b\b\b\b\b\r\n"), "without IUTF8 each byte takes a column");

    set_flags(s, 0, 0, 0, 0, 0, 0);
    CHECK(in_is(m, s, "ab\x12" "c\n", "abc\n", "ab^R\r\nabc\r\n"), "VREPRINT (^R) prints the line again");
    CHECK(in_is(m, s, "x\x16\x7f\n", "x\x7f\n", "x^\b^?\r\n"), "VLNEXT (^V) shows ^ then the character");
    CHECK(in_is(m, s, "\x04", "", ""), "^D with ECHOCTL echoes nothing");
    struct termios t = base;
    t.c_cc[VEOL] = '!';
    t.c_cc[VEOL2] = '%';
    tcsetattr(s, TCSAFLUSH, &t);
    CHECK(in_is(m, s, "ab!", "ab!", "ab!"), "VEOL ends a line and is part of it");
    CHECK(in_is(m, s, "cd%", "cd%", "cd%"), "VEOL2 ends a line too");
    t.c_lflag &= ~(tcflag_t)IEXTEN;
    tcsetattr(s, TCSAFLUSH, &t);
    CHECK(in_is(m, s, "cd%\n", "cd%\n", 0), "VEOL2 needs IEXTEN");
    CHECK(in_is(m, s, "a\x17" "b\n", "a\x17" "b\n", 0), "VWERASE needs IEXTEN");
    t = base;
    t.c_cc[VINTR] = 0;
    tcsetattr(s, TCSAFLUSH, &t);
    char nb[16];
    write(m, "a\0b\n", 4);
    CHECK(read_once(s, nb, 10, 1000) == 4 && !memcmp(nb, "a\0b\n", 4), "a control character set to 0 is disabled: NUL is data");
    drain_fd(m);
    t = base;
    t.c_lflag &= ~(tcflag_t)ICANON;
    t.c_iflag = 0;
    tcsetattr(s, TCSAFLUSH, &t);
    CHECK(in_is(m, s, "a\n", "a\n", "a^J"), "raw input with ECHOCTL echoes a newline as ^J");
    t.c_iflag = ICRNL;
    tcsetattr(s, TCSAFLUSH, &t);
    CHECK(in_is(m, s, "a\r", "a\n", "a\r\n"), "raw input with ICRNL: CR is a newline and echoes as one");

    set_flags(s, 0, 0, 0, 0, EXTPROC, 0);
    CHECK(in_is(m, s, "ab\x7f\x03\n", "ab\x7f\x03\n", ""), "EXTPROC: input comes as it is, without signals, editing or echo");
    t = base;
    t.c_lflag |= EXTPROC;
    int v = 1;
    ioctl(m, TIOCPKT, &v);
    tcsetattr(s, TCSANOW, &t);
    CHECK(read_once(m, buf, 10, 2000) == 1 && buf[0] == TIOCPKT_IOCTL, "EXTPROC in packet mode: a termios change is TIOCPKT_IOCTL");
    v = 0;
    ioctl(m, TIOCPKT, &v);

    set_flags(s, 0, 0, 0, 0, 0, 0);
    write(m, "abc\n", 4);
    usleep(100000);
    write(m, "\x03", 1);
    CHECK(!(poll_ev(s, POLLIN, 300) & POLLIN), "^C flushes the input");
    drain_fd(m);
    set_flags(s, 0, 0, 0, 0, NOFLSH, 0);
    write(m, "abc\n", 4);
    usleep(100000);
    write(m, "\x03", 1);
    CHECK(read_once(s, buf, 10, 1000) == 4, "NOFLSH: ^C keeps the input");
    set_flags(s, 0, 0, 0, 0, 0, 0);
    drain_fd(m);
}

int main(void)
{
    mkdir("/dev/pts", 0755);
    mount("devpts", "/dev/pts", "devpts", 0, "");
    int m = -1, s = -1;
    alarm(150);  /* a read that waits for ever ends the test instead of the run */
    CHECK(open_pair(&m, &s) == 0, "tty: a pty to test with");
    tcgetattr(s, &base);
    test_vmin_vtime(m, s);
    test_termios(m, s);
    test_reads(m, s);
    test_packet(m, s);
    test_flow(m, s);
    test_queues(m, s);
    test_flags(m, s);
    close(s);
    close(m);

    /* a master whose slave has closed */
    CHECK(open_pair(&m, &s) == 0, "tty: another pty");
    close(s);
    errno = 0;
    long wr = write(m, "x\n", 2);
    CHECK(wr == 2, "a master whose slave closed can still be written");
    struct pollfd pf = { m, POLLOUT, 0 };
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == (POLLOUT | POLLHUP), "and poll says POLLOUT and POLLHUP");
    close(m);
    return check_failed;
}
