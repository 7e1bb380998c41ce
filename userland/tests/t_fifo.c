/* FIFOs: mkfifo nodes, opens that wait for the other side, then pipe behaviour between openers. */
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#define F "/tmp/t_fifo.f"

static void on_alarm(int s) { (void)s; }

int main(void)
{
    struct stat st;
    char buf[8192];
    unlink(F);
    CHECK(mkfifo(F, 0644) == 0, "mkfifo");
    CHECK(stat(F, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0644, "stat shows S_IFIFO");
    CHECK_ERR(mkfifo(F, 0644), EEXIST, "mkfifo of an existing name: EEXIST");
    CHECK(mknod("/tmp/t_fifo.g", S_IFIFO | 0600, 0) == 0 && unlink("/tmp/t_fifo.g") == 0, "mknod S_IFIFO");

    /* O_NONBLOCK opens: a reader at once, a writer without a reader ENXIO */
    CHECK_ERR(open(F, O_WRONLY | O_NONBLOCK), ENXIO, "O_WRONLY|O_NONBLOCK with no reader: ENXIO");
    int r = open(F, O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0, "O_RDONLY|O_NONBLOCK opens at once");
    CHECK(read(r, buf, 1) == 0, "its read with no writer: end of file");
    struct pollfd pf = { r, POLLIN, 0 };
    CHECK(poll(&pf, 1, 0) == 0, "poll: no hangup before a writer came");
    int w = open(F, O_WRONLY | O_NONBLOCK);
    CHECK(w >= 0, "O_WRONLY|O_NONBLOCK with a reader opens");
    CHECK(fstat(w, &st) == 0 && S_ISFIFO(st.st_mode), "fstat of a FIFO: S_IFIFO");
    CHECK_ERR(lseek(w, 0, SEEK_SET), ESPIPE, "lseek on a FIFO: ESPIPE");
    CHECK(write(w, "hello", 5) == 5 && read(r, buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5), "data through the FIFO");
    CHECK_ERR(read(r, buf, 1), EAGAIN, "empty with a writer: EAGAIN");
    close(w);
    CHECK(read(r, buf, 1) == 0, "the last writer closed: end of file");
    pf.revents = 0;
    CHECK(poll(&pf, 1, 0) == 1 && (pf.revents & POLLHUP), "and POLLHUP");
    close(r);

    /* O_RDWR never waits, and the data goes with the last opener */
    int rw = open(F, O_RDWR);
    CHECK(rw >= 0, "O_RDWR opens without a partner");
    CHECK(write(rw, "abc", 3) == 3 && read(rw, buf, 3) == 3, "and reads what it wrote");
    CHECK(write(rw, "left", 4) == 4, "data left in it");
    close(rw);
    rw = open(F, O_RDWR | O_NONBLOCK);
    CHECK_ERR(read(rw, buf, 4), EAGAIN, "is gone after the last close");
    close(rw);

    /* a blocking reader waits for a writer */
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        int fd = open(F, O_RDONLY);
        write(p[1], "o", 1);
        char b[16];
        long n = read(fd, b, sizeof(b));
        _exit(n == 3 && !memcmp(b, "xyz", 3) ? 0 : 1);
    }
    pause_ms(50);
    pf.fd = p[0];
    pf.events = POLLIN;
    CHECK(poll(&pf, 1, 0) == 0, "O_RDONLY open waits while there is no writer");
    w = open(F, O_WRONLY);
    CHECK(w >= 0, "O_WRONLY opens when a reader waits");
    CHECK(read(p[0], buf, 1) == 1, "and the reader's open finishes");
    CHECK(write(w, "xyz", 3) == 3 && exited_ok(c), "the reader gets the data");
    close(w);

    /* a blocking writer waits for a reader */
    c = fork();
    if (c == 0) {
        int fd = open(F, O_WRONLY);
        write(p[1], "o", 1);
        _exit(write(fd, "12345", 5) == 5 ? 0 : 1);
    }
    pause_ms(50);
    CHECK(poll(&pf, 1, 0) == 0, "O_WRONLY open waits while there is no reader");
    r = open(F, O_RDONLY);
    CHECK(r >= 0 && read(p[0], buf, 1) == 1, "a reader's open releases it");
    CHECK(exited_ok(c), "the writer wrote");
    CHECK(read(r, buf, sizeof(buf)) == 5 && read(r, buf, 1) == 0, "the reader reads it, then end of file");
    close(r);

    /* a blocked reader is woken by the writer's close; a writer with no reader gets EPIPE/SIGPIPE */
    c = fork();
    if (c == 0) { int fd = open(F, O_RDONLY); _exit(read(fd, buf, 1) == 0 ? 0 : 1); }
    w = open(F, O_WRONLY);
    pause_ms(50);
    close(w);
    CHECK(exited_ok(c), "a blocked reader sees end of file when the writer closes");
    c = fork();
    if (c == 0) { int fd = open(F, O_RDONLY); write(p[1], "o", 1); pause_ms(50); close(fd); pause_ms(500); _exit(0); }
    w = open(F, O_WRONLY);
    read(p[0], buf, 1);
    pause_ms(150);
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(write(w, "x", 1), EPIPE, "writing when the reader left: EPIPE");
    signal(SIGPIPE, SIG_DFL);
    close(w);
    waitpid(c, 0, 0);

    /* PIPE_BUF atomicity from several writers */
    r = open(F, O_RDWR);
    pid_t ws[3];
    for (int i = 0; i < 3; i++) {
        ws[i] = fork();
        if (ws[i] == 0) {
            int fd = open(F, O_WRONLY);
            char b[4096];
            memset(b, 'a' + i, sizeof(b));
            for (int k = 0; k < 8; k++) write(fd, b, sizeof(b));
            _exit(0);
        }
    }
    long total = 0, mixed = 0;
    while (total < 3 * 8 * 4096) {
        long n = read(r, buf, 4096);
        if (n <= 0) break;
        for (long i = 1; i < n; i++) if (buf[i] != buf[0]) mixed = 1;
        if (n != 4096) mixed = 1;
        total += n;
    }
    for (int i = 0; i < 3; i++) waitpid(ws[i], 0, 0);
    CHECK(total == 3 * 8 * 4096 && !mixed, "writes of PIPE_BUF bytes stay whole");
    close(r);

    /* a signal ends a waiting open with EINTR */
    c = fork();
    if (c == 0) {
        struct sigaction sa = { 0 };
        sa.sa_handler = on_alarm;
        sigaction(SIGALRM, &sa, 0);
        int fd = open(F, O_RDONLY);
        _exit(fd == -1 && errno == EINTR ? 0 : 1);
    }
    pause_ms(100);
    kill(c, SIGALRM);
    CHECK(exited_ok(c), "a signal interrupts a waiting open: EINTR");
    CHECK_ERR(open(F, O_WRONLY | O_NONBLOCK), ENXIO, "and it is no reader any more");

    /* a blocked read is interrupted by a signal; with SA_RESTART it goes on */
    c = fork();
    if (c == 0) {
        struct sigaction sa = { 0 };
        sa.sa_handler = on_alarm;
        sigaction(SIGALRM, &sa, 0);
        int fd = open(F, O_RDWR);
        long n = read(fd, buf, 1);
        _exit(n == -1 && errno == EINTR ? 0 : 1);
    }
    pause_ms(100);
    kill(c, SIGALRM);
    CHECK(exited_ok(c), "a signal interrupts a blocked FIFO read: EINTR");
    c = fork();
    if (c == 0) {
        struct sigaction sa = { 0 };
        sa.sa_handler = on_alarm;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGALRM, &sa, 0);
        int fd = open(F, O_RDWR);
        write(p[1], "o", 1);
        long n = read(fd, buf, 1);
        _exit(n == 1 && buf[0] == 'R' ? 0 : 1);
    }
    read(p[0], buf, 1);
    pause_ms(100);
    kill(c, SIGALRM);
    pause_ms(100);
    w = open(F, O_WRONLY | O_NONBLOCK);
    write(w, "R", 1);
    close(w);
    CHECK(exited_ok(c), "with SA_RESTART the read goes on after the handler");

    CHECK_ERR(truncate(F, 0), EINVAL, "truncate of a FIFO: EINVAL");
    CHECK(unlink(F) == 0, "unlink the FIFO");
    close(p[0]);
    close(p[1]);
    return check_failed;
}
