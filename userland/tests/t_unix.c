/* AF_UNIX sockets: socketpair, names, connections, datagrams, passing files and credentials,
 * shutdown, socket options, poll. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <time.h>

#define P1 "/tmp/t_unix.s1"
#define P2 "/tmp/t_unix.s2"

static socklen_t mkaddr(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static socklen_t mkabstract(struct sockaddr_un *a, const char *name)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    memcpy(a->sun_path + 1, name, strlen(name));
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static int got_alarm;
static void on_alarm(int s) { (void)s; got_alarm = 1; }

/* send n (at most 4) descriptors and some bytes over s */
static long send_fds(int s, const int *fds, int n, const char *data)
{
    char cbuf[CMSG_SPACE(4 * sizeof(int))];
    struct iovec v = { (void *)data, strlen(data) };
    struct msghdr m = { 0 };
    memset(cbuf, 0, sizeof(cbuf));
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = CMSG_SPACE(n * sizeof(int));
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(n * sizeof(int));
    memcpy(CMSG_DATA(c), fds, n * sizeof(int));
    return sendmsg(s, &m, 0);
}

static long send_fd(int s, int fd, const char *data) { return send_fds(s, &fd, 1, data); }

/* receive up to 4 descriptors with recvmsg (flags): 100 * bytes + descriptors, or -1; *mflags: msg_flags */
static int recv_fds(int s, char *data, size_t dlen, int *fds, size_t clen, int *mflags, int flags)
{
    char cbuf[CMSG_SPACE(4 * sizeof(int))];
    struct iovec v = { data, dlen };
    struct msghdr m = { 0 };
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = clen ? cbuf : 0;
    m.msg_controllen = clen;
    long r = recvmsg(s, &m, flags);
    if (r < 0) return -1;
    *mflags = m.msg_flags;
    int n = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            memcpy(fds + n, CMSG_DATA(c), k * sizeof(int));
            n += k;
        }
    return (int)r * 100 + n;
}

static void t_errors(void)
{
    int sv[2];
    CHECK_ERR(socket(AF_INET + 1000, SOCK_STREAM, 0), EAFNOSUPPORT, "socket of an unknown family: EAFNOSUPPORT");
    CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 7), EPROTONOSUPPORT, "AF_UNIX with protocol 7: EPROTONOSUPPORT");
    CHECK_ERR(socket(AF_UNIX, 4, 0), ESOCKTNOSUPPORT, "AF_UNIX SOCK_RDM: ESOCKTNOSUPPORT");
    CHECK_ERR(socket(AF_UNIX, 12, 0), EINVAL, "type beyond SOCK_MAX: EINVAL");
    CHECK_ERR(socket(AF_UNIX, SOCK_STREAM | 0x100, 0), EINVAL, "unknown type flags: EINVAL");
    CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP, "socketpair(AF_INET): EOPNOTSUPP");
    CHECK_ERR(bind(0, (struct sockaddr *)&(struct sockaddr_un){ AF_UNIX, "x" }, 4), ENOTSOCK, "bind on a tty: ENOTSOCK");
    CHECK_ERR(listen(999, 1), EBADF, "listen on a bad descriptor: EBADF");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(s >= 0, "socket(AF_UNIX, SOCK_STREAM)");
    CHECK_ERR(listen(s, 1), EINVAL, "listen unbound: EINVAL");
    char b[4];
    CHECK_ERR(read(s, b, 1), EINVAL, "read of an unconnected stream socket: EINVAL");
    CHECK_ERR(send(s, "x", 1, MSG_NOSIGNAL), ENOTCONN, "send on an unconnected stream socket: ENOTCONN");
    struct sockaddr_un a;
    socklen_t l = sizeof(a);
    CHECK_ERR(getpeername(s, (struct sockaddr *)&a, &l), ENOTCONN, "getpeername unconnected: ENOTCONN");
    CHECK_ERR(connect(s, (struct sockaddr *)&a, mkaddr(&a, "/tmp/t_unix.none")), ENOENT, "connect to a missing path: ENOENT");
    CHECK_ERR(connect(s, (struct sockaddr *)&a, mkaddr(&a, "/tmp")), ECONNREFUSED, "connect to a directory: ECONNREFUSED");
    CHECK_ERR(connect(s, (struct sockaddr *)&a, mkabstract(&a, "t_unix.none")), ECONNREFUSED, "connect to a missing abstract name: ECONNREFUSED");
    a.sun_family = AF_INET;
    CHECK_ERR(bind(s, (struct sockaddr *)&a, 8), EINVAL, "bind with another family: EINVAL");
    CHECK_ERR(lseek(s, 0, SEEK_SET), ESPIPE, "lseek: ESPIPE");
    CHECK_ERR(accept(s, 0, 0), EINVAL, "accept on a socket not listening: EINVAL");
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERR(listen(d, 1), EOPNOTSUPP, "listen on a datagram socket: EOPNOTSUPP");
    CHECK_ERR(send(d, "x", 1, 0), ENOTCONN, "send on an unconnected datagram socket: ENOTCONN");
    CHECK_ERR(setsockopt(s, SOL_SOCKET, 9999, &l, sizeof(int)), ENOPROTOOPT, "setsockopt of an unknown option: ENOPROTOOPT");
    CHECK_ERR(getsockopt(s, 6 /* IPPROTO_TCP */, 1, b, &l), EOPNOTSUPP, "getsockopt at another level: EOPNOTSUPP");
    CHECK_ERR(shutdown(s, 3), EINVAL, "shutdown with how 3: EINVAL");
    close(d);
    close(s);
}

static void t_pair(void)
{
    int sv[2];
    char buf[256];
    struct stat st;
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair(SOCK_STREAM)");
    CHECK(fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode), "fstat says S_IFSOCK");
    CHECK(write(sv[0], "hello", 5) == 5 && read(sv[1], buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5), "write one end, read the other");
    CHECK(send(sv[1], "ab", 2, 0) == 2 && send(sv[1], "cd", 2, 0) == 2, "two sends");
    CHECK(recv(sv[0], buf, 1, MSG_PEEK) == 1 && buf[0] == 'a', "MSG_PEEK sees the first byte");
    int n = -1;
    CHECK(ioctl(sv[0], FIONREAD, &n) == 0 && n == 4, "FIONREAD counts the stream's bytes");
    CHECK(recv(sv[0], buf, sizeof(buf), 0) == 4 && !memcmp(buf, "abcd", 4), "a stream joins the sends");
    CHECK_ERR(recv(sv[0], buf, 1, MSG_DONTWAIT), EAGAIN, "MSG_DONTWAIT on an empty socket: EAGAIN");
    char link[64], want[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", sv[0]);
    n = (int)readlink(link, buf, sizeof(buf) - 1);
    if (n > 0) buf[n] = 0;
    snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
    CHECK(n > 0 && !strcmp(buf, want), "/proc/self/fd shows socket:[ino]");
    CHECK_ERR(open(link, O_RDWR), ENXIO, "opening a socket through /proc: ENXIO");
    struct sockaddr_un a;
    socklen_t l = sizeof(a);
    CHECK(getsockname(sv[0], (struct sockaddr *)&a, &l) == 0 && l == sizeof(sa_family_t) && a.sun_family == AF_UNIX, "getsockname of an unbound socket: the family only");
    l = sizeof(a);
    CHECK(getpeername(sv[0], (struct sockaddr *)&a, &l) == 0 && l == sizeof(sa_family_t), "getpeername of a pair: the family only");

    /* fork: the child writes a lot, the parent reads it all, then EOF */
    pid_t c = fork();
    if (c == 0) {
        close(sv[0]);
        char big[10000];
        memset(big, 'x', sizeof(big));
        for (int i = 0; i < 20; i++) if (write(sv[1], big, sizeof(big)) != sizeof(big)) _exit(1);
        _exit(0);
    }
    close(sv[1]);
    long total = 0, r;
    while ((r = read(sv[0], buf, sizeof(buf))) > 0) total += r;
    CHECK(total == 200000 && r == 0, "200000 bytes through a blocking stream, then end of file");
    CHECK(exited_ok(c), "the writer wrote everything");
    close(sv[0]);

    /* EPIPE and SIGPIPE; MSG_NOSIGNAL */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    close(sv[1]);
    CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE, "send to a closed peer with MSG_NOSIGNAL: EPIPE");
    c = fork();
    if (c == 0) { write(sv[0], "x", 1); _exit(0); }
    int stt;
    waitpid(c, &stt, 0);
    CHECK(WIFSIGNALED(stt) && WTERMSIG(stt) == SIGPIPE, "write to a closed peer raises SIGPIPE");
    struct pollfd pf = { sv[0], POLLIN | POLLOUT | POLLRDHUP, 0 };
    CHECK(poll(&pf, 1, 0) == 1 && (pf.revents & (POLLIN | POLLHUP | POLLRDHUP)) == (POLLIN | POLLHUP | POLLRDHUP), "poll after the peer closed: POLLIN|POLLHUP|POLLRDHUP");
    CHECK(read(sv[0], buf, 1) == 0, "read after the peer closed: end of file");
    close(sv[0]);

    /* SOCK_NONBLOCK, SOCK_CLOEXEC; filling the buffer */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0, "socketpair with SOCK_NONBLOCK|SOCK_CLOEXEC");
    CHECK((fcntl(sv[0], F_GETFL) & O_NONBLOCK) && (fcntl(sv[0], F_GETFD) & FD_CLOEXEC), "the flags are set");
    CHECK_ERR(read(sv[0], buf, 1), EAGAIN, "nonblocking read: EAGAIN");
    long filled = 0;
    static char chunk[4096];
    while ((r = write(sv[0], chunk, sizeof(chunk))) > 0) filled += r;
    CHECK(filled > 0 && errno == EAGAIN, "nonblocking writes fill the buffer, then EAGAIN");
    pf.fd = sv[0];
    pf.events = POLLOUT;
    CHECK(poll(&pf, 1, 0) == 0, "poll: not writable when full");
    pf.fd = sv[1];
    pf.events = POLLIN | POLLOUT;
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == (POLLIN | POLLOUT), "the other end: POLLIN|POLLOUT");
    close(sv[0]);
    close(sv[1]);

    /* a blocked read is ended by a signal: EINTR */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, 0);
    ualarm(50000, 0);
    CHECK_ERR(recv(sv[0], buf, 1, 0), EINTR, "a signal ends a blocked recv: EINTR");
    /* MSG_WAITALL waits for all */
    c = fork();
    if (c == 0) { for (int i = 0; i < 4; i++) { pause_ms(10); write(sv[1], "12", 2); } _exit(0); }
    CHECK(recv(sv[0], buf, 8, MSG_WAITALL) == 8 && !memcmp(buf, "12121212", 8), "MSG_WAITALL gathers 8 bytes from 4 writes");
    waitpid(c, 0, 0);
    /* shutdown */
    CHECK(shutdown(sv[1], SHUT_WR) == 0, "shutdown(SHUT_WR)");
    CHECK(read(sv[0], buf, 1) == 0, "the peer reads end of file");
    CHECK_ERR(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE, "sending after SHUT_WR: EPIPE");
    CHECK(send(sv[0], "y", 1, 0) == 1 && read(sv[1], buf, 1) == 1 && buf[0] == 'y', "the other direction still works");
    pf.fd = sv[0];
    pf.events = POLLIN | POLLRDHUP;
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == (POLLIN | POLLRDHUP), "poll after the peer's SHUT_WR: POLLIN|POLLRDHUP");
    CHECK(shutdown(sv[0], SHUT_RD) == 0 && read(sv[0], buf, 1) == 0, "SHUT_RD: reads end of file");
    close(sv[0]);
    close(sv[1]);
}

static void t_dgram(void)
{
    int sv[2];
    char buf[256];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair(SOCK_DGRAM)");
    CHECK(send(sv[0], "one", 3, 0) == 3 && send(sv[0], "three", 5, 0) == 5 && send(sv[0], "", 0, 0) == 0, "three datagrams");
    int n = -1;
    CHECK(ioctl(sv[1], FIONREAD, &n) == 0 && n == 3, "FIONREAD: the next datagram's size");
    CHECK(recv(sv[1], buf, sizeof(buf), 0) == 3, "datagrams keep their boundaries");
    CHECK(recv(sv[1], buf, 2, MSG_PEEK | MSG_TRUNC) == 5, "MSG_PEEK|MSG_TRUNC gives the whole length");
    struct iovec v = { buf, 2 };
    struct msghdr m = { 0 };
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    CHECK(recvmsg(sv[1], &m, 0) == 2 && (m.msg_flags & MSG_TRUNC) && !memcmp(buf, "th", 2), "a cut datagram says MSG_TRUNC");
    CHECK(recv(sv[1], buf, sizeof(buf), 0) == 0, "an empty datagram");
    CHECK_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN, "then EAGAIN");
    close(sv[0]);
    close(sv[1]);

    /* bound datagram sockets: sendto, recvfrom */
    unlink(P1);
    unlink(P2);
    int a = socket(AF_UNIX, SOCK_DGRAM, 0), b = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa, from;
    socklen_t la = mkaddr(&sa, P1), fl;
    CHECK(bind(a, (struct sockaddr *)&sa, la) == 0, "bind a datagram socket to a path");
    struct stat st;
    CHECK(stat(P1, &st) == 0 && S_ISSOCK(st.st_mode), "the path is a socket node");
    CHECK_ERR(bind(b, (struct sockaddr *)&sa, la), EADDRINUSE, "binding the same path: EADDRINUSE");
    CHECK(sendto(b, "from-b", 6, 0, (struct sockaddr *)&sa, la) == 6, "sendto from an unbound socket");
    fl = sizeof(from);
    memset(&from, 0x55, sizeof(from));
    CHECK(recvfrom(a, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) == 6 && fl == 0, "recvfrom an unbound sender: length 0");
    struct sockaddr_un sb;
    socklen_t lb = mkaddr(&sb, P2);
    CHECK(bind(b, (struct sockaddr *)&sb, lb) == 0, "bind the sender");
    CHECK(sendto(b, "x", 1, 0, (struct sockaddr *)&sa, la) == 1, "sendto again");
    fl = sizeof(from);
    CHECK(recvfrom(a, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) == 1 && fl == lb && !strcmp(from.sun_path, P2), "recvfrom names the bound sender");
    fl = sizeof(from);
    CHECK(getsockname(a, (struct sockaddr *)&from, &fl) == 0 && fl == la && !strcmp(from.sun_path, P1), "getsockname: the path and its length");
    fl = 4;
    CHECK(getsockname(a, (struct sockaddr *)&from, &fl) == 0 && fl == la, "getsockname with a short buffer gives the whole length");
    CHECK(connect(b, (struct sockaddr *)&sa, la) == 0 && send(b, "c", 1, 0) == 1 && recv(a, buf, 1, 0) == 1, "connect a datagram socket, send");
    fl = sizeof(from);
    CHECK(getpeername(b, (struct sockaddr *)&from, &fl) == 0 && fl == la, "getpeername of a connected datagram socket");
    int c = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(connect(a, (struct sockaddr *)&sb, lb) == 0, "a connects to b");
    CHECK_ERR(sendto(c, "z", 1, 0, (struct sockaddr *)&sb, lb), EPERM, "sendto a socket connected elsewhere: EPERM");
    close(c);
    close(a);
    CHECK_ERR(send(b, "d", 1, 0), ECONNREFUSED, "send to a closed datagram peer: ECONNREFUSED");
    CHECK_ERR(send(b, "d", 1, 0), ENOTCONN, "then ENOTCONN");
    CHECK_ERR(sendto(b, "d", 1, 0, (struct sockaddr *)&sa, la), ECONNREFUSED, "sendto a path whose socket closed: ECONNREFUSED");
    CHECK(unlink(P1) == 0 && stat(P1, &st) == -1, "unlink removes the name");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(s, (struct sockaddr *)&sa, la) == 0, "the name can be bound again");
    CHECK_ERR(sendto(b, "d", 1, 0, (struct sockaddr *)&sa, la), EPROTOTYPE, "sendto a stream socket: EPROTOTYPE");
    close(s);
    close(b);
    unlink(P1);
    unlink(P2);

    /* a datagram socket's queue: EAGAIN when full, POLLOUT again when read */
    a = socket(AF_UNIX, SOCK_DGRAM, 0);
    b = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    la = mkabstract(&sa, "t_unix.dgram");
    CHECK(bind(a, (struct sockaddr *)&sa, la) == 0, "bind an abstract name");
    CHECK(connect(b, (struct sockaddr *)&sa, la) == 0, "connect to it");
    int sent = 0;
    long r;
    while ((r = send(b, "q", 1, 0)) == 1 && sent < 100000) sent++;
    CHECK(r == -1 && errno == EAGAIN && sent > 0, "datagrams queue until EAGAIN");
    struct pollfd pf = { b, POLLOUT, 0 };
    CHECK(poll(&pf, 1, 0) == 0, "poll: not writable");
    for (int i = 0; i < sent; i++) recv(a, buf, 1, 0);
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT, "writable again once read");
    close(a);
    close(b);
}

static void t_listen(void)
{
    struct sockaddr_un sa, ca;
    char buf[256];
    unlink(P1);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    socklen_t la = mkaddr(&sa, P1), len;
    umask(022);
    CHECK(bind(l, (struct sockaddr *)&sa, la) == 0, "bind a stream socket");
    struct stat st;
    CHECK(stat(P1, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0755, "its node: S_IFSOCK, 0777 less the umask");
    CHECK_ERR(bind(l, (struct sockaddr *)&ca, mkaddr(&ca, P2)), EINVAL, "binding a bound socket again: EINVAL");
    CHECK(stat(P2, &st) == -1 && errno == ENOENT, "and it leaves no node");
    int c0 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(connect(c0, (struct sockaddr *)&sa, la), ECONNREFUSED, "connect to a socket not listening: ECONNREFUSED");
    close(c0);
    CHECK(listen(l, 1) == 0, "listen(1)");
    int v = -1;
    len = sizeof(v);
    CHECK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v == 1, "SO_ACCEPTCONN 1");
    struct pollfd pf = { l, POLLIN | POLLOUT, 0 };
    CHECK(poll(&pf, 1, 0) == 0, "a listener without connections: not ready");
    int c1 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(connect(c1, (struct sockaddr *)&sa, la) == 0, "connect before accept");
    CHECK_ERR(connect(c1, (struct sockaddr *)&sa, la), EISCONN, "connect again: EISCONN");
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "the listener is readable");
    CHECK(write(c1, "early", 5) == 5, "write before accept");
    int c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), c3 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(connect(c2, (struct sockaddr *)&sa, la) == 0, "a second connection fits backlog 1");
    CHECK_ERR(connect(c3, (struct sockaddr *)&sa, la), EAGAIN, "a full backlog: EAGAIN");
    len = sizeof(ca);
    memset(&ca, 0x55, sizeof(ca));
    int s1 = accept4(l, (struct sockaddr *)&ca, &len, SOCK_CLOEXEC);
    CHECK(s1 >= 0 && len == sizeof(sa_family_t) && ca.sun_family == AF_UNIX, "accept4: the unbound client's name is the family");
    CHECK((fcntl(s1, F_GETFD) & FD_CLOEXEC) && !(fcntl(s1, F_GETFL) & O_NONBLOCK), "accept4's SOCK_CLOEXEC");
    CHECK(read(s1, buf, sizeof(buf)) == 5 && !memcmp(buf, "early", 5), "the accepted socket has what came before");
    len = sizeof(ca);
    CHECK(getsockname(s1, (struct sockaddr *)&ca, &len) == 0 && len == la && !strcmp(ca.sun_path, P1), "the accepted socket's name is the listener's");
    len = sizeof(ca);
    CHECK(getpeername(c1, (struct sockaddr *)&ca, &len) == 0 && len == la && !strcmp(ca.sun_path, P1), "the client's peer is the listener's name");
    struct ucred cr;
    len = sizeof(cr);
    CHECK(getsockopt(s1, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 && len == sizeof(cr) && cr.pid == getpid() && cr.uid == geteuid() && cr.gid == getegid(), "SO_PEERCRED of the accepted socket");
    CHECK(connect(c3, (struct sockaddr *)&sa, la) == 0, "room in the backlog again after accept");
    int s2 = accept(l, 0, 0), s3 = accept(l, 0, 0);
    CHECK(s2 >= 0 && s3 >= 0, "accept the others");
    int ln = fcntl(l, F_GETFL);
    fcntl(l, F_SETFL, ln | O_NONBLOCK);
    CHECK_ERR(accept(l, 0, 0), EAGAIN, "accept with nothing waiting, O_NONBLOCK: EAGAIN");
    fcntl(l, F_SETFL, ln);
    close(c1); close(c2); close(c3); close(s1); close(s2); close(s3);

    /* a blocking accept woken by a child's connect; a server child serving a client parent */
    pid_t c = fork();
    if (c == 0) {
        pause_ms(30);
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(s, (struct sockaddr *)&sa, la)) _exit(1);
        char b[16];
        if (write(s, "ping", 4) != 4 || read(s, b, sizeof(b)) != 4 || memcmp(b, "pong", 4)) _exit(2);
        _exit(0);
    }
    int s = accept(l, 0, 0);
    CHECK(s >= 0 && read(s, buf, sizeof(buf)) == 4 && !memcmp(buf, "ping", 4) && write(s, "pong", 4) == 4, "a blocking accept, then ping-pong");
    CHECK(exited_ok(c), "the client saw pong");
    close(s);

    /* the listener closes with a connection not accepted: the client gets ECONNRESET, then EOF */
    c1 = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(c1, (struct sockaddr *)&sa, la);
    close(l);
    CHECK_ERR(read(c1, buf, 1), ECONNRESET, "the listener closed before accept: ECONNRESET");
    CHECK(read(c1, buf, 1) == 0, "then end of file");
    close(c1);
    c1 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(connect(c1, (struct sockaddr *)&sa, la), ECONNREFUSED, "connect to a closed listener's path: ECONNREFUSED");
    close(c1);
    unlink(P1);

    /* abstract names and autobind */
    l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    la = mkabstract(&sa, "t_unix.abstract");
    CHECK(bind(l, (struct sockaddr *)&sa, la) == 0 && listen(l, 5) == 0, "bind and listen on an abstract name");
    int other = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_ERR(bind(other, (struct sockaddr *)&sa, la), EADDRINUSE, "the abstract name is taken: EADDRINUSE");
    sa_family_t fam = AF_UNIX;
    CHECK(bind(other, (struct sockaddr *)&fam, sizeof(fam)) == 0, "autobind");
    len = sizeof(ca);
    CHECK(getsockname(other, (struct sockaddr *)&ca, &len) == 0 && len == 8 && ca.sun_path[0] == 0, "an autobound name: abstract, 5 hex digits");
    int st_ = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(connect(st_, (struct sockaddr *)&sa, la), ECONNREFUSED, "connect a stream socket to a seqpacket name: ECONNREFUSED");
    close(st_);
    CHECK(connect(other, (struct sockaddr *)&sa, la) == 0, "connect a seqpacket socket");
    s = accept(l, 0, 0);
    len = sizeof(ca);
    char name[16];
    memcpy(name, ca.sun_path, 6);
    struct sockaddr_un pa;
    socklen_t pl = sizeof(pa);
    CHECK(s >= 0 && getpeername(s, (struct sockaddr *)&pa, &pl) == 0 && pl == 8 && !memcmp(pa.sun_path, name, 6), "the peer's autobound name");
    CHECK(send(other, "abc", 3, 0) == 3 && send(other, "de", 2, 0) == 2, "two seqpacket messages");
    CHECK(recv(s, buf, sizeof(buf), 0) == 3 && recv(s, buf, 1, 0) == 1, "seqpacket keeps boundaries and cuts");
    CHECK_ERR(recv(s, buf, 1, MSG_DONTWAIT), EAGAIN, "the rest of a cut message is gone");
    close(other);
    CHECK(recv(s, buf, 1, 0) == 0, "seqpacket: end of file when the peer closes");
    close(s);
    close(l);
    int sq = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_ERR(recv(sq, buf, 1, 0), ENOTCONN, "recv on an unconnected seqpacket socket: ENOTCONN");
    close(sq);
}

static void t_rights(void)
{
    int sv[2], p[2];
    char buf[64];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0, "a pair and a pipe");
    pid_t c = fork();
    if (c == 0) {  /* receive a descriptor, write through it */
        close(sv[0]);
        close(p[0]);
        close(p[1]);
        int fds[4], mf;
        if (recv_fds(sv[1], buf, sizeof(buf), fds, CMSG_SPACE(sizeof(int)), &mf, MSG_CMSG_CLOEXEC) != 401 ||
            memcmp(buf, "pipe", 4)) _exit(1);
        int fd = fds[0];
        if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC)) _exit(3);
        if (write(fd, "via-scm", 7) != 7) _exit(4);
        _exit(0);
    }
    close(sv[1]);
    CHECK(send_fd(sv[0], p[1], "pipe") == 4, "sendmsg with SCM_RIGHTS");
    close(p[1]);
    CHECK(exited_ok(c), "the child received a descriptor (MSG_CMSG_CLOEXEC) and wrote through it");
    CHECK(read(p[0], buf, sizeof(buf)) == 7 && !memcmp(buf, "via-scm", 7), "what it wrote comes out of the pipe");
    CHECK(read(p[0], buf, 1) == 0, "and the passed copy was closed with the child");
    close(p[0]);
    close(sv[0]);

    /* the same open file: offsets are shared */
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    int f = open("/tmp/t_unix.file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    write(f, "0123456789", 10);
    lseek(f, 2, SEEK_SET);
    CHECK(send_fd(sv[0], f, "f") == 1, "pass a file");
    int fds[4] = { -1 }, mf;
    CHECK(recv_fds(sv[1], buf, sizeof(buf), fds, CMSG_SPACE(sizeof(int)), &mf, 0) == 101, "receive it");
    int g = fds[0];
    CHECK(g >= 0 && g != f && !(fcntl(g, F_GETFD) & FD_CLOEXEC), "a new descriptor, without close-on-exec");
    CHECK(lseek(g, 0, SEEK_CUR) == 2 && read(g, buf, 3) == 3 && lseek(f, 0, SEEK_CUR) == 5, "for the same open file (shared offset)");
    close(g);
    /* no room for the descriptor: MSG_CTRUNC, and it is not installed */
    send_fd(sv[0], f, "g");
    int before = dup(0);
    close(before);
    CHECK(recv_fds(sv[1], buf, sizeof(buf), fds, 0, &mf, 0) == 100 && (mf & MSG_CTRUNC), "no control area: MSG_CTRUNC");
    int after = dup(0);
    CHECK(after == before, "and no descriptor was made");
    close(after);
    /* a bad descriptor */
    int bad = 200;
    CHECK_ERR(send_fd(sv[0], bad, "x"), EBADF, "passing a descriptor that is not open: EBADF");
    close(f);
    unlink("/tmp/t_unix.file");
    close(sv[0]);
    close(sv[1]);
}

static void t_creds(void)
{
    int sv[2], on = 1;
    char buf[64];
    struct ucred cr;
    socklen_t len = sizeof(cr);
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "a datagram pair");
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 && cr.pid == getpid() && cr.uid == geteuid(), "SO_PEERCRED of a pair: our own");
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == 0, "SO_PASSCRED");
    int v = 0;
    len = sizeof(v);
    CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &len) == 0 && v == 1, "reads back 1");
    pid_t c = fork();
    if (c == 0) { send(sv[0], "hi", 2, 0); _exit(0); }
    waitpid(c, 0, 0);
    char cbuf[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iv = { buf, sizeof(buf) };
    struct msghdr m = { 0 };
    m.msg_iov = &iv;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = sizeof(cbuf);
    CHECK(recvmsg(sv[1], &m, 0) == 2, "receive with SO_PASSCRED");
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    int ok = cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS;
    if (ok) memcpy(&cr, CMSG_DATA(cm), sizeof(cr));
    CHECK(ok && cr.pid == c && cr.uid == getuid() && cr.gid == getgid(), "SCM_CREDENTIALS names the sending child");
    /* explicit credentials */
    char sbuf[CMSG_SPACE(sizeof(struct ucred))];
    memset(sbuf, 0, sizeof(sbuf));
    struct iovec sv_ = { "x", 1 };
    struct msghdr sm = { 0 };
    sm.msg_iov = &sv_;
    sm.msg_iovlen = 1;
    sm.msg_control = sbuf;
    sm.msg_controllen = sizeof(sbuf);
    cm = CMSG_FIRSTHDR(&sm);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_CREDENTIALS;
    cm->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred mine = { getpid(), getuid(), getgid() };
    memcpy(CMSG_DATA(cm), &mine, sizeof(mine));
    CHECK(sendmsg(sv[0], &sm, 0) == 1, "sendmsg with our SCM_CREDENTIALS");
    m.msg_controllen = sizeof(cbuf);
    CHECK(recvmsg(sv[1], &m, 0) == 1 && (cm = CMSG_FIRSTHDR(&m)) && cm->cmsg_type == SCM_CREDENTIALS &&
          (memcpy(&cr, CMSG_DATA(cm), sizeof(cr)), cr.pid == getpid()), "they arrive");
    cm = CMSG_FIRSTHDR(&sm);
    cm->cmsg_len = CMSG_LEN(4);
    CHECK_ERR(sendmsg(sv[0], &sm, 0), EINVAL, "SCM_CREDENTIALS of the wrong size: EINVAL");
    close(sv[0]);
    close(sv[1]);
}

static void t_options(void)
{
    int s = socket(AF_UNIX, SOCK_DGRAM, 0), v = -1;
    socklen_t len = sizeof(v);
    CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_DGRAM && len == sizeof(int), "SO_TYPE");
    CHECK(getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 && v == AF_UNIX, "SO_DOMAIN");
    CHECK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 && v == 0, "SO_PROTOCOL");
    CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0, "SO_ERROR");
    CHECK(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v == 0, "SO_ACCEPTCONN 0");
    CHECK(getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len) == 0 && v > 0, "SO_SNDBUF");
    v = 10000;
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0 && getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 && v == 20000, "SO_RCVBUF is doubled");
    v = 1;
    CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)) == 0 && getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, &len) == 0 && v == 1, "SO_REUSEADDR");
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, 2), EINVAL, "an option shorter than an int: EINVAL");
    len = sizeof(v);
    CHECK_ERR(getsockopt(s, SOL_SOCKET, SO_PEERNAME, &v, &len), ENOTCONN, "SO_PEERNAME unconnected: ENOTCONN");
    struct ucred cr;
    len = sizeof(cr);
    CHECK(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 && cr.pid == 0 && cr.uid == (uid_t)-1, "SO_PEERCRED unconnected: pid 0, uid -1");
    close(s);
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s >= 0) close(s);
}

static void t_more(void)
{
    int sv[2], xv[2];
    char buf[256];
    struct pollfd pf;
    /* timeouts */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct timeval tv = { 0, 100000 }, got;
    socklen_t len = sizeof(got);
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0, "SO_RCVTIMEO 0.1 s");
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &len) == 0 && len == sizeof(got) && got.tv_sec == 0 && got.tv_usec == 100000, "reads back 0.1 s");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_ERR(recv(sv[0], buf, 1, 0), EAGAIN, "a recv that times out: EAGAIN");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(ms >= 90 && ms < 2000, "after about the timeout");
    CHECK(send(sv[1], "t", 1, 0) == 1 && recv(sv[0], buf, 1, 0) == 1, "and data still comes");
    tv.tv_usec = 1000000;
    CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), EDOM, "a timeval with 10^6 us: EDOM");
    CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, 8), EINVAL, "a short timeval: EINVAL");
    /* readv/writev and several iovecs make one datagram */
    struct iovec w[3] = { { "ab", 2 }, { "", 0 }, { "cde", 3 } }, r2[2] = { { buf, 1 }, { buf + 1, 10 } };
    CHECK(writev(sv[1], w, 3) == 5 && readv(sv[0], r2, 2) == 5 && !memcmp(buf, "abcde", 5), "writev and readv");
    /* SHUT_RDWR */
    CHECK(shutdown(sv[1], SHUT_RDWR) == 0, "shutdown(SHUT_RDWR)");
    pf.fd = sv[0];
    pf.events = POLLIN | POLLOUT | POLLRDHUP;
    CHECK(poll(&pf, 1, 0) == 1 && (pf.revents & (POLLHUP | POLLIN | POLLRDHUP)) == (POLLHUP | POLLIN | POLLRDHUP), "the peer sees POLLHUP|POLLIN|POLLRDHUP");
    CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE, "and its sends: EPIPE");
    close(sv[0]);
    close(sv[1]);

    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    CHECK(writev(sv[0], w, 3) == 5 && recv(sv[1], buf, sizeof(buf), 0) == 5, "writev: one datagram");
    close(sv[0]);
    close(sv[1]);

    /* a socket passed to a child, used there */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, xv);
    pid_t c = fork();
    if (c == 0) {
        close(sv[0]);
        close(xv[0]);
        close(xv[1]);
        char b[8];
        int fds[4], mf;
        if (recv_fds(sv[1], b, sizeof(b), fds, CMSG_SPACE(sizeof(int)), &mf, 0) != 101) _exit(1);
        int fd = fds[0];
        int type = 0;
        socklen_t l = sizeof(type);
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) || type != SOCK_SEQPACKET) _exit(3);
        if (send(fd, "over", 4, 0) != 4) _exit(4);
        _exit(0);
    }
    close(sv[1]);
    CHECK(send_fd(sv[0], xv[0], "s") == 1, "pass a seqpacket socket");
    close(xv[0]);
    CHECK(exited_ok(c), "the child used the socket it received");
    CHECK(recv(xv[1], buf, sizeof(buf), 0) == 4 && !memcmp(buf, "over", 4), "its message arrives");
    CHECK(recv(xv[1], buf, sizeof(buf), 0) == 0, "and the passed end closed with the child");
    close(xv[1]);
    close(sv[0]);

    /* a connect waiting for a full backlog until the server accepts */
    struct sockaddr_un sa;
    socklen_t la = mkabstract(&sa, "t_unix.backlog");
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(l, (struct sockaddr *)&sa, la);
    listen(l, 0);
    int c1 = socket(AF_UNIX, SOCK_STREAM, 0), c2 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c1, (struct sockaddr *)&sa, la) == 0, "backlog 0 takes one connection");
    pf.fd = l;
    pf.events = POLLIN;
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "the listener is readable");
    c = fork();
    if (c == 0) { pause_ms(50); int s = accept(l, 0, 0); _exit(s >= 0 ? 0 : 1); }
    CHECK(connect(c2, (struct sockaddr *)&sa, la) == 0, "a blocking connect waits for room, then connects");
    CHECK(exited_ok(c), "the child accepted");
    int s2 = accept(l, 0, 0);
    CHECK(s2 >= 0 && poll(&pf, 1, 0) == 0, "accept the second; the listener is not readable any more");
    CHECK(write(c2, "k", 1) == 1 && read(s2, buf, 1) == 1 && buf[0] == 'k', "the second connection works");
    close(s2);
    close(c1);
    close(c2);
    close(l);

    /* a blocking datagram send waits for the receiver to read */
    int a = socket(AF_UNIX, SOCK_DGRAM, 0), b = socket(AF_UNIX, SOCK_DGRAM, 0);
    la = mkabstract(&sa, "t_unix.dwait");
    bind(a, (struct sockaddr *)&sa, la);
    connect(b, (struct sockaddr *)&sa, la);
    int flags = fcntl(b, F_GETFL), sent = 0;
    fcntl(b, F_SETFL, flags | O_NONBLOCK);
    while (send(b, "q", 1, 0) == 1 && sent < 100000) sent++;
    fcntl(b, F_SETFL, flags);
    c = fork();
    if (c == 0) { pause_ms(50); for (int i = 0; i <= sent; i++) if (recv(a, buf, 1, 0) != 1) _exit(1); _exit(0); }
    CHECK(send(b, "q", 1, 0) == 1, "a blocking datagram send to a full queue waits for room");
    CHECK(exited_ok(c), "the reader got every datagram");
    close(a);
    close(b);
}

static void t_edges(void)
{
    int sv[2], p[2], fds[4], mf;
    char buf[64];
    /* stream records and passed files: bytes before a message with files join it, none after */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe(p);
    send(sv[0], "ab", 2, 0);
    send_fd(sv[0], p[0], "cd");
    send(sv[0], "ef", 2, 0);
    int r = recv_fds(sv[1], buf, sizeof(buf), fds, CMSG_SPACE(4 * sizeof(int)), &mf, 0);
    CHECK(r == 401 && !memcmp(buf, "abcd", 4), "a stream read takes the bytes up to a message with files, and the files");
    if (r % 100 == 1) close(fds[0]);
    CHECK(recv(sv[1], buf, sizeof(buf), 0) == 2, "the bytes after it come with the next read");
    /* MSG_PEEK and files */
    send_fd(sv[0], p[0], "g");
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec v = { buf, sizeof(buf) };
    struct msghdr m = { 0 };
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = sizeof(cbuf);
    CHECK(recvmsg(sv[1], &m, MSG_PEEK) == 1 && CMSG_FIRSTHDR(&m) && CMSG_FIRSTHDR(&m)->cmsg_type == SCM_RIGHTS, "MSG_PEEK shows the files too");
    int peeked;
    memcpy(&peeked, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
    close(peeked);
    r = recv_fds(sv[1], buf, sizeof(buf), fds, CMSG_SPACE(4 * sizeof(int)), &mf, 0);
    CHECK(r == 101, "and they are still there for the read");
    if (r % 100 == 1) close(fds[0]);
    /* two files, room for one: the second is closed, MSG_CTRUNC */
    int two[2] = { p[0], p[1] };
    CHECK(send_fds(sv[0], two, 2, "h") == 1, "send two files");
    r = recv_fds(sv[1], buf, sizeof(buf), fds, CMSG_LEN(sizeof(int)), &mf, 0);
    CHECK(r == 101 && (mf & MSG_CTRUNC), "room for one: one arrives, MSG_CTRUNC");
    for (int i = 0; r > 0 && i < r % 100; i++) close(fds[i]);
    /* files in a queue that is closed unread are closed */
    send_fd(sv[0], p[1], "i");
    close(p[1]);
    close(sv[1]);
    CHECK(read(p[0], buf, 1) == 0, "a file in a closed socket's queue is closed (the pipe reader sees EOF)");
    close(p[0]);
    struct sockaddr_un a;
    socklen_t l = sizeof(a);
    CHECK(getpeername(sv[0], (struct sockaddr *)&a, &l) == 0, "getpeername after the peer closed still answers");
    close(sv[0]);

    /* a socket sent over itself, with a pipe's write end: closing both ends leaves a ring that
     * only a collector frees (Linux's runs at its own time: when it does is not checked) */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe2(p, O_NONBLOCK);
    send_fd(sv[0], p[1], "j");
    CHECK(send_fd(sv[0], sv[1], "k") == 1, "send a socket over itself");
    close(p[1]);
    CHECK(close(sv[1]) == 0 && close(sv[0]) == 0, "close both ends");
    close(p[0]);

    /* sendto with a name on a stream socket */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct sockaddr_un sa;
    socklen_t la = mkabstract(&sa, "t_unix.x");
    CHECK_ERR(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&sa, la), EISCONN, "sendto with a name on a connected stream: EISCONN");
    CHECK(send(sv[0], "", 0, 0) == 0, "an empty send on a stream: 0");
    CHECK(send(sv[0], "zz", 2, 0) == 2 && recv(sv[1], buf, 0, 0) == 0, "recv of 0 bytes: 0");
    int n = -1;
    CHECK(ioctl(sv[1], FIONREAD, &n) == 0 && n == 2, "and the bytes stay");
    close(sv[0]);
    close(sv[1]);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&sa, la), EOPNOTSUPP, "sendto with a name on an unconnected stream: EOPNOTSUPP");
    CHECK(shutdown(s, SHUT_RDWR) == 0, "shutdown of an unconnected socket: 0");
    CHECK_ERR(send(s, "x", 1, MSG_OOB | MSG_NOSIGNAL), ENOTCONN, "MSG_OOB on an unconnected stream: ENOTCONN");
    close(s);

    /* a datagram socket: AF_UNSPEC disconnects; bad names */
    int d = socket(AF_UNIX, SOCK_DGRAM, 0), e = socket(AF_UNIX, SOCK_DGRAM, 0);
    la = mkabstract(&sa, "t_unix.d2");
    bind(d, (struct sockaddr *)&sa, la);
    CHECK(connect(e, (struct sockaddr *)&sa, la) == 0, "connect");
    struct sockaddr un = { AF_UNSPEC };
    CHECK(connect(e, &un, sizeof(un)) == 0, "connect AF_UNSPEC");
    CHECK_ERR(send(e, "x", 1, 0), ENOTCONN, "disconnected: ENOTCONN");
    CHECK_ERR(send(e, "x", 1, MSG_OOB), EOPNOTSUPP, "MSG_OOB on a datagram socket: EOPNOTSUPP");
    CHECK_ERR(sendto(e, "x", 1, 0, (struct sockaddr *)&sa, 2), EINVAL, "sendto with a name of the family only: EINVAL");
    CHECK_ERR(sendto(e, "x", 1, 0, (struct sockaddr *)&sa, 200), EINVAL, "sendto with a name too long: EINVAL");
    CHECK_ERR(ioctl(d, FIONREAD, &n) == 0 && n == 0 ? (errno = 0, -1) : 0, 0, "FIONREAD of an empty datagram socket: 0");
    close(d);
    close(e);

    /* SO_ERROR after the listener closed before accept */
    int ls = socket(AF_UNIX, SOCK_STREAM, 0), c = socket(AF_UNIX, SOCK_STREAM, 0);
    la = mkabstract(&sa, "t_unix.err");
    bind(ls, (struct sockaddr *)&sa, la);
    listen(ls, 4);
    connect(c, (struct sockaddr *)&sa, la);
    CHECK_ERR(ioctl(ls, FIONREAD, &n), EINVAL, "FIONREAD of a listening socket: EINVAL");
    close(ls);
    struct pollfd pf = { c, POLLIN, 0 };
    CHECK(poll(&pf, 1, 0) == 1 && (pf.revents & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP), "poll: POLLERR|POLLHUP");
    int ev = 0;
    l = sizeof(ev);
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &ev, &l) == 0 && ev == ECONNRESET, "SO_ERROR: ECONNRESET");
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &ev, &l) == 0 && ev == 0, "then 0");
    close(c);

    /* permissions: connect needs write permission on the node; bind needs it on the directory */
    unlink(P1);
    ls = socket(AF_UNIX, SOCK_STREAM, 0);
    la = mkaddr(&sa, P1);
    bind(ls, (struct sockaddr *)&sa, la);
    listen(ls, 4);
    chmod(P1, 0755);
    mkdir("/tmp/t_unix.ro", 0755);
    pid_t k = fork();
    if (k == 0) {
        if (setuid(65534)) _exit(1);
        int x = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(x, (struct sockaddr *)&sa, la) != -1 || errno != EACCES) _exit(2);
        struct sockaddr_un b;
        if (bind(x, (struct sockaddr *)&b, mkaddr(&b, "/tmp/t_unix.ro/s")) != -1 || errno != EACCES) _exit(3);
        _exit(0);
    }
    CHECK(exited_ok(k), "connect without write permission, bind in a directory without it: EACCES");
    close(ls);
    unlink(P1);
    rmdir("/tmp/t_unix.ro");
}

static void t_poll_order(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0), sv[2], p[2];
    struct pollfd pf = { s, POLLIN | POLLOUT, 0 };
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == (POLLOUT | POLLHUP), "a new stream socket: POLLOUT|POLLHUP");
    close(s);
    s = socket(AF_UNIX, SOCK_DGRAM, 0);
    pf.fd = s;
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT, "a new datagram socket: POLLOUT");
    close(s);
    /* select sees a socket become readable */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(sv[1], &rs);
    struct timeval tv = { 0, 0 };
    CHECK(select(sv[1] + 1, &rs, 0, 0, &tv) == 0, "select: not readable");
    pid_t c = fork();
    if (c == 0) { pause_ms(30); write(sv[0], "s", 1); _exit(0); }
    FD_SET(sv[1], &rs);
    tv.tv_sec = 5;
    CHECK(select(sv[1] + 1, &rs, 0, 0, &tv) == 1 && FD_ISSET(sv[1], &rs), "select waits until a child writes");
    waitpid(c, 0, 0);
    close(sv[0]);
    close(sv[1]);
    /* credentials come before the files */
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    int on = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
    pipe(p);
    send_fd(sv[0], p[0], "z");
    char buf[8], cbuf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
    struct iovec v = { buf, sizeof(buf) };
    struct msghdr m = { 0 };
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = sizeof(cbuf);
    CHECK(recvmsg(sv[1], &m, 0) == 1, "receive files with SO_PASSCRED");
    struct cmsghdr *c1 = CMSG_FIRSTHDR(&m), *c2 = c1 ? CMSG_NXTHDR(&m, c1) : 0;
    CHECK(c1 && c2 && c1->cmsg_type == SCM_CREDENTIALS && c2->cmsg_type == SCM_RIGHTS && m.msg_controllen == sizeof(cbuf), "SCM_CREDENTIALS, then SCM_RIGHTS");
    if (c2 && c2->cmsg_type == SCM_RIGHTS) { int fd; memcpy(&fd, CMSG_DATA(c2), sizeof(int)); close(fd); }
    m.msg_controllen = CMSG_SPACE(sizeof(struct ucred));
    send_fd(sv[0], p[0], "y");
    CHECK(recvmsg(sv[1], &m, 0) == 1 && (m.msg_flags & MSG_CTRUNC) && CMSG_FIRSTHDR(&m)->cmsg_type == SCM_CREDENTIALS, "room for the credentials only: MSG_CTRUNC");
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
}

static void t_sigpipe_kinds(void)
{
    int sv[2], st;
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
    close(sv[1]);
    pid_t c = fork();
    if (c == 0) { long r = send(sv[0], "x", 1, 0); _exit(r == -1 && errno == EPIPE ? 3 : 4); }
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3, "seqpacket send to a closed peer: EPIPE without SIGPIPE");
    close(sv[0]);
}

static void t_epoll(void)
{
    int sv[2];
    char buf[8];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.fd = sv[1] }, out;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev) == 0, "epoll_ctl ADD of a socket");
    CHECK(epoll_wait(ep, &out, 1, 0) == 0, "epoll: nothing yet");
    pid_t c = fork();
    if (c == 0) { pause_ms(30); write(sv[0], "e", 1); _exit(0); }
    CHECK(epoll_wait(ep, &out, 1, 5000) == 1 && out.data.fd == sv[1] && (out.events & EPOLLIN), "epoll_wait wakes when a child writes");
    CHECK(epoll_wait(ep, &out, 1, 0) == 0, "edge-triggered: once");
    waitpid(c, 0, 0);
    CHECK(read(sv[1], buf, 1) == 1, "the byte is there");
    close(ep);
    close(sv[0]);
    close(sv[1]);
}

static void t_mount_busy(void)
{
    struct sockaddr_un sa;
    mkdir("/tmp/t_unix.mnt", 0755);
    CHECK(mount("tmpfs", "/tmp/t_unix.mnt", "tmpfs", 0, 0) == 0, "mount a tmpfs");
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    socklen_t la = mkaddr(&sa, "/tmp/t_unix.mnt/s");
    CHECK(bind(s, (struct sockaddr *)&sa, la) == 0, "bind a socket in it");
    unlink("/tmp/t_unix.mnt/s");
    CHECK_ERR(umount("/tmp/t_unix.mnt"), EBUSY, "umount while a socket holds a name there: EBUSY");
    close(s);
    CHECK(umount("/tmp/t_unix.mnt") == 0, "umount once it is closed");
    rmdir("/tmp/t_unix.mnt");
}

int main(void)
{
    signal(SIGPIPE, SIG_DFL);
    if (access("/proc/self", F_OK)) { mkdir("/proc", 0555); mount("proc", "/proc", "proc", 0, 0); }
    t_errors();
    t_pair();
    t_dgram();
    t_listen();
    t_rights();
    t_creds();
    t_options();
    t_more();
    t_edges();
    t_poll_order();
    t_sigpipe_kinds();
    t_epoll();
    t_mount_busy();
    return check_failed;
}
