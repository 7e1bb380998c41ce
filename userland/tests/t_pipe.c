/* Pipes: data between processes, end of file, EPIPE and SIGPIPE, O_NONBLOCK, atomic small writes. */
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        for (int i = 0; i < 100; i++) write(p[1], "0123456789", 10);
        _exit(0);
    }
    close(p[1]);
    char buf[4096];
    long total = 0, r;
    while ((r = read(p[0], buf, sizeof(buf))) > 0) total += r;
    CHECK(total == 1000 && r == 0, "a reader gets all a child wrote, then end of file");
    close(p[0]);
    waitpid(c, 0, 0);

    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(write(p[1], "x", 1), EPIPE, "writing with no reader: EPIPE");
    signal(SIGPIPE, SIG_DFL);
    c = fork();
    if (c == 0) { write(p[1], "x", 1); _exit(0); }
    int st;
    waitpid(c, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "and it raises SIGPIPE");
    close(p[1]);

    pipe(p);
    int on = 1;
    CHECK(ioctl(p[0], FIONBIO, &on) == 0 && (fcntl(p[0], F_GETFL) & O_NONBLOCK), "FIONBIO sets O_NONBLOCK");
    close(p[0]);
    close(p[1]);
    pipe2(p, O_NONBLOCK);
    CHECK_ERR(read(p[0], buf, 1), EAGAIN, "O_NONBLOCK read of an empty pipe: EAGAIN");
    long filled = 0;
    while ((r = write(p[1], buf, sizeof(buf))) > 0) filled += r;
    CHECK(filled == 65536 && errno == EAGAIN, "a pipe holds 64 KiB, then EAGAIN");
    struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
    CHECK(poll(pf, 2, 0) == 1 && (pf[0].revents & POLLIN) && !(pf[1].revents & POLLOUT), "poll: readable, not writable when full");
    close(p[0]);
    close(p[1]);

    pipe(p);
    c = fork();
    if (c == 0) { char b[8]; read(p[0], b, 1); _exit(b[0] == 'z' ? 0 : 1); }
    struct timespec d = { 0, 30000000 };
    nanosleep(&d, 0);
    write(p[1], "z", 1);
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a blocked reader wakes when data comes");
    c = fork();
    if (c == 0) { close(p[1]); char b[8]; _exit(read(p[0], b, 1) == 0 ? 0 : 1); }
    close(p[1]);
    close(p[0]);
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "and sees end of file when the last writer closes");

    pipe(p);
    struct pollfd q = { p[0], POLLIN, 0 };
    c = fork();
    if (c == 0) { nanosleep(&d, 0); write(p[1], "q", 1); _exit(0); }
    CHECK(poll(&q, 1, 2000) == 1 && (q.revents & POLLIN), "poll waits until a pipe becomes readable");
    CHECK(poll(&q, 1, 0) == 1, "poll with no timeout reports at once");
    read(p[0], buf, 1);
    CHECK(poll(&q, 1, 20) == 0, "poll times out");
    waitpid(c, 0, 0);

    int in[2], out[2];
    pipe(in);
    pipe(out);
    c = fork();
    if (c == 0) {
        dup2(in[0], 0); dup2(out[1], 1);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        char b[64];
        long n = read(0, b, sizeof(b));
        for (long i = 0; i < n; i++) if (b[i] >= 'a' && b[i] <= 'z') b[i] -= 32;
        write(1, b, (size_t)n);
        _exit(0);
    }
    close(in[0]); close(out[1]);
    write(in[1], "upper", 5);
    close(in[1]);
    memset(buf, 0, 16);
    CHECK(read(out[0], buf, 16) == 5 && !strcmp(buf, "UPPER"), "a filter child between two pipes (dup2 on 0 and 1)");
    waitpid(c, 0, 0);
    return check_failed;
}
