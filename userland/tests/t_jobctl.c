/* Job control on a pseudo-terminal: SIGTTIN and SIGTTOU for background process groups, EIO for
 * orphaned groups and ignored SIGTTIN, ^Z, TIOCSPGRP's errors, SIGHUP when the session leader exits. */
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
#include <sys/wait.h>

static int m, s;
static volatile int got;
static void on_sig(int sig) { got = sig; }

/* A background child: its own group, then fn; it exits with fn's result. */
static pid_t bg(int (*fn)(void))
{
    pid_t c = fork();
    if (c == 0) {
        setpgid(0, 0);
        signal(SIGTTOU, SIG_DFL);
        _exit(fn());
    }
    setpgid(c, c);
    return c;
}

static int do_read(void) { char b[16]; int r = read(s, b, sizeof(b)); return r < 0 ? 100 + errno : r; }
static int do_write(void) { int r = write(s, "bg\n", 3); return r < 0 ? 100 + errno : r; }
static int do_setattr(void)
{
    struct termios t;
    tcgetattr(s, &t);
    return tcsetattr(s, TCSANOW, &t) < 0 ? 100 + errno : 0;
}
static int read_ign(void) { signal(SIGTTIN, SIG_IGN); return do_read(); }
static int read_blocked(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTTIN);
    sigprocmask(SIG_BLOCK, &set, 0);
    return do_read();
}
static int write_ign(void) { signal(SIGTTOU, SIG_IGN); return do_write(); }
static int setattr_ign(void) { signal(SIGTTOU, SIG_IGN); return do_setattr(); }
static int setattr_handler(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_sig;  /* no SA_RESTART: EINTR after the handler */
    sigaction(SIGTTOU, &sa, 0);
    int r = do_setattr();
    return got == SIGTTOU ? r : 99;
}
static int late_read(void) { usleep(200000); return do_read(); }
static int getpgrp_bg(void) { return tcgetpgrp(s) == getppid() ? 0 : 1; }

static int stopped_by(pid_t c, int sig)
{
    int st;
    int ok = waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == sig;
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    return ok;
}

static int exit_code(pid_t c)
{
    int st;
    if (waitpid(c, &st, 0) != c) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

/* The session leader: the pty is its controlling tty; its own group is in front. */
static int leader(const char *name)
{
    setsid();
    close(s);
    s = open(name, O_RDWR);
    CHECK(s >= 0 && tcgetpgrp(s) == getpid(), "the session leader's group is the foreground group");
    signal(SIGTTOU, SIG_IGN);  /* as a shell: it takes the tty back from the background */
    pid_t c;

    c = bg(do_read);
    CHECK(stopped_by(c, SIGTTIN), "a background read: SIGTTIN stops the group");
    c = bg(do_read);
    int st;
    waitpid(c, &st, WUNTRACED);
    CHECK(tcsetpgrp(s, c) == 0 && write(m, "line\n", 5) == 5 && kill(c, SIGCONT) == 0 && exit_code(c) == 5,
          "brought to the front and continued, the read is made again and gets the line");
    CHECK(tcsetpgrp(s, getpid()) == 0, "tcsetpgrp back to the leader's group");
    c = bg(read_ign);
    CHECK(exit_code(c) == 100 + EIO, "a background read with SIGTTIN ignored: EIO");
    c = bg(read_blocked);
    CHECK(exit_code(c) == 100 + EIO, "a background read with SIGTTIN blocked: EIO");
    c = bg(do_write);
    CHECK(exit_code(c) == 3, "a background write without TOSTOP goes through");
    c = bg(do_setattr);
    CHECK(stopped_by(c, SIGTTOU), "a background tcsetattr: SIGTTOU stops the group");
    c = bg(setattr_ign);
    CHECK(exit_code(c) == 0, "a background tcsetattr with SIGTTOU ignored goes through");
    c = bg(setattr_handler);
    CHECK(exit_code(c) == 100 + EINTR, "a background tcsetattr with a SIGTTOU handler: the handler runs, then EINTR");
    c = bg(getpgrp_bg);
    CHECK(exit_code(c) == 0, "tcgetpgrp works from the background");

    struct termios t;
    tcgetattr(s, &t);
    t.c_lflag |= TOSTOP;
    tcsetattr(s, TCSANOW, &t);
    c = bg(do_write);
    CHECK(stopped_by(c, SIGTTOU), "TOSTOP: a background write gets SIGTTOU");
    c = bg(write_ign);
    CHECK(exit_code(c) == 3, "TOSTOP with SIGTTOU ignored: the write goes through");

    /* an orphaned group: its only member's parent is init */
    int p[2];
    pipe(p);
    c = fork();
    if (c == 0) {
        setpgid(0, 0);
        signal(SIGTTOU, SIG_DFL);
        if (fork() == 0) {
            char r[3];
            while (getppid() != 1) usleep(1000);
            r[0] = (char)do_read();
            r[1] = (char)do_setattr();
            r[2] = (char)do_write();
            write(p[1], r, 3);
            _exit(0);
        }
        _exit(0);
    }
    exit_code(c);
    char r[3] = { 0 };
    read(p[0], r, 3);
    CHECK(r[0] == 100 + EIO, "an orphaned background group reads: EIO");
    CHECK(r[1] == 100 + EIO, "an orphaned background group's tcsetattr: EIO");
    CHECK(r[2] == 100 + EIO, "an orphaned background group writes under TOSTOP: EIO");
    t.c_lflag &= ~TOSTOP;
    tcsetattr(s, TCSANOW, &t);

    /* a group orphaned while a member is stopped gets SIGHUP and SIGCONT */
    c = fork();
    if (c == 0) {
        setpgid(0, 0);
        pid_t d = fork();
        if (d == 0) {
            signal(SIGHUP, on_sig);
            raise(SIGSTOP);
            write(p[1], got == SIGHUP ? "h" : "n", 1);
            _exit(0);
        }
        int st;
        waitpid(d, &st, WUNTRACED);
        _exit(0);
    }
    exit_code(c);
    struct pollfd pf = { p[0], POLLIN, 0 };
    r[0] = 0;
    if (poll(&pf, 1, 3000) == 1) read(p[0], r, 1);
    CHECK(r[0] == 'h', "a stopped member of a group that becomes orphaned gets SIGHUP and SIGCONT");

    /* ^Z to a foreground reader */
    c = bg(late_read);
    tcsetpgrp(s, c);
    usleep(400000);
    write(m, "\x1a", 1);
    CHECK(stopped_by(c, SIGTSTP), "^Z written to the master stops the foreground group");
    tcsetpgrp(s, getpid());
    tcflush(s, TCIOFLUSH);

    /* TIOCSPGRP's errors */
    CHECK_ERR(tcsetpgrp(s, -1), EINVAL, "tcsetpgrp to a negative group: EINVAL");
    CHECK_ERR(tcsetpgrp(s, 99999), ESRCH, "tcsetpgrp to a group that does not exist: ESRCH");
    CHECK_ERR(tcsetpgrp(s, getppid()), EPERM, "tcsetpgrp to a group of another session: EPERM");

    return check_failed;
}

static int hup_child(void)
{
    signal(SIGHUP, on_sig);
    while (!got) pause();
    return got == SIGHUP ? 0 : 1;
}

int main(void)
{
    if (access("/dev/pts/ptmx", F_OK)) {
        mkdir("/dev/pts", 0755);
        mount("devpts", "/dev/pts", "devpts", 0, "");
    }
    m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) || unlockpt(m)) { CHECK(0, "a pty for the job control tests"); return 1; }
    char name[64];
    strcpy(name, ptsname(m));
    s = open(name, O_RDWR | O_NOCTTY);
    pid_t c = fork();
    if (c == 0) _exit(leader(name));
    int st;
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "the session leader's checks");

    /* a session leader exits while a group of its session is in front: that group gets SIGHUP */
    int p[2];
    pipe(p);
    c = fork();
    if (c == 0) {
        setsid();
        close(s);
        s = open(name, O_RDWR);
        pid_t g = fork();
        if (g == 0) {
            setpgid(0, 0);
            signal(SIGHUP, on_sig);
            write(p[1], "r", 1);
            int r = hup_child();
            write(p[1], r == 0 ? "h" : "n", 1);
            _exit(0);
        }
        setpgid(g, g);
        char x;
        read(p[0], &x, 1);
        tcsetpgrp(s, g);
        _exit(0);
    }
    waitpid(c, &st, 0);
    char x = 0;
    struct pollfd pf = { p[0], POLLIN, 0 };
    if (poll(&pf, 1, 3000) == 1) read(p[0], &x, 1);
    CHECK(x == 'h', "the session leader exits: SIGHUP to the foreground group");
    return check_failed;
}
