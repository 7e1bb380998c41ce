/*
 * The socket syscalls (socket, socketpair, bind, listen, connect, accept4, getsockname, getpeername,
 * sendto, recvfrom, sendmsg, recvmsg, shutdown, getsockopt, setsockopt) and read/write/readv/writev
 * on a socket: the arguments are unpacked here, the sockets are the VFS's (vfs/src/socket.c).
 * A call that must wait blocks on the object the VFS names (fd_block) and is made again when it
 * changes; a stream send or a MSG_WAITALL receive that has moved some bytes keeps their count in
 * p->io_done meanwhile (a signal then answers that count, as for pipes).
 */
#include "posix.h"
#include "socket.h"

enum { EMSGSIZE_ = 90, ENOTSOCK = 88, EOPNOTSUPP = 95, EAFNOSUPPORT = 97, ENOBUFS = 105 };
#define SOL_SOCKET 1
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define UIO_MAXIOV 1024

/* The server serves one call at a time: one message, its bytes and its iovecs. */
static sock_msg_t msg;
static uint8_t data[PIPE_SIZE];
static uint64_t iov[UIO_MAXIOV][2];

/* The open socket of descriptor fd: EBADF, ENOTSOCK. */
static long sock_of(proc_t *p, uint64_t fd, file_t **f)
{
    *f = fd_file(p, fd);
    if (!*f) return -EBADF;
    return (*f)->sock ? 0 : -ENOTSOCK;
}

static sock_id_t who(proc_t *p)
{
    proc_t *g = p->grp;
    sock_id_t id = { g->tgid, g->uid, g->gid, g->euid, g->egid };
    return id;
}

/* A socket address from the process (len bytes, at most a sockaddr_storage) into out[128]. */
static long addr_in(proc_t *p, uint64_t uaddr, uint64_t len, uint8_t *out)
{
    if ((int)len < 0 || len > 128) return -EINVAL;
    memset(out, 0, 128);
    return len && copy_in(p, out, uaddr, len) ? -EFAULT : 0;
}

/* A name to the process as Linux's move_addr_to_user: cut to the room *ulen gives, the whole
 * length written back to *ulen; nothing when uaddr is 0. */
static long addr_out(proc_t *p, uint64_t uaddr, uint64_t ulen, const uint8_t *a, uint32_t len)
{
    int room;
    if (!uaddr) return 0;
    if (copy_in(p, &room, ulen, 4)) return -EFAULT;
    if (room < 0) return -EINVAL;
    uint32_t k = (uint32_t)room < len ? (uint32_t)room : len;
    if (k && copy_out(p, uaddr, a, k)) return -EFAULT;
    return copy_out(p, ulen, &len, 4);
}

/* n iovecs from uiov into iov[]: their total length, or -EINVAL for a negative length, -EFAULT. */
static long iov_load(proc_t *p, uint64_t uiov, uint64_t n, uint64_t *total)
{
    uint64_t t = 0;
    if (n && copy_in(p, iov, uiov, n * 16)) return -EFAULT;
    for (uint64_t i = 0; i < n; i++) {
        if ((int64_t)iov[i][1] < 0) return -EINVAL;
        t += iov[i][1];
    }
    *total = t;
    return 0;
}

/* Copy len bytes between buf and the process's n iovecs, starting skip bytes into them (out: to
 * the process): 0 or -EFAULT. */
static long iov_copy(proc_t *p, uint64_t n, uint64_t skip, uint8_t *buf, uint64_t len, int out)
{
    for (uint64_t i = 0; i < n && len; i++) {
        uint64_t base = iov[i][0], l = iov[i][1];
        if (skip >= l) { skip -= l; continue; }
        base += skip;
        l -= skip;
        skip = 0;
        if (l > len) l = len;
        if (out ? copy_out(p, base, buf, l) : copy_in(p, buf, base, l)) return -EFAULT;
        buf += l;
        len -= l;
    }
    return 0;
}

/* Wait for obj (fd_block), for at most timeo ns when it is not 0: then the call (made again by
 * fd_io_timeout) answers the bytes it moved, or EAGAIN (SO_RCVTIMEO, SO_SNDTIMEO). */
static long sock_wait(proc_t *p, void *obj, uint64_t timeo, uint64_t nr, uint64_t a[6])
{
    if (timeo && fd_io_expired()) {
        long done = (long)p->io_done;
        p->io_done = 0;
        return done ? done : -EAGAIN;
    }
    if (timeo && !p->wake_at)
        sleep_arm(p, read_cntvct() + timeo / 1000000000ULL * read_cntfrq() + timeo % 1000000000ULL * read_cntfrq() / 1000000000ULL);
    return fd_block(p, obj, nr, a);
}

/* ---- control messages ---- */
/* Credentials a sender may claim (scm_check_creds): its own pid, and ids among its real, effective
 * and saved ones; root any. */
static int cred_allowed(proc_t *p, const sock_cred_t *c)
{
    proc_t *g = p->grp;
    if (g->euid == 0) return 1;
    return c->pid == g->tgid && (c->uid == g->uid || c->uid == g->euid || c->uid == g->suid) &&
           (c->gid == g->gid || c->gid == g->egid || c->gid == g->sgid);
}

/* sendmsg's control messages into msg (files, credentials) as Linux's __scm_send: 0 or -errno;
 * messages of other levels are skipped. */
static long cmsg_parse(proc_t *p, uint64_t uctl, uint64_t clen)
{
    static uint8_t ctl[4096];
    msg.nfds = 0;
    msg.has_cred = 0;
    if (clen > sizeof(ctl)) return -ENOBUFS;
    if (clen < 16) return 0;
    if (copy_in(p, ctl, uctl, clen)) return -EFAULT;
    for (uint64_t off = 0; off + 16 <= clen;) {
        uint64_t len = *(uint64_t *)(ctl + off);
        int level = *(int *)(ctl + off + 8), type = *(int *)(ctl + off + 12);
        if (len < 16 || len > clen - off) return -EINVAL;
        if (level == SOL_SOCKET && type == SCM_RIGHTS) {
            uint64_t n = (len - 16) / 4;
            if (msg.nfds + n > SCM_MAX_FD) return -EINVAL;
            for (uint64_t i = 0; i < n; i++) {
                int fd = *(int *)(ctl + off + 16 + 4 * i);
                file_t *f = fd >= 0 ? fd_file(p, (uint64_t)fd) : 0;
                if (!f) return -EBADF;
                msg.fds[msg.nfds++] = f;
            }
        } else if (level == SOL_SOCKET && type == SCM_CREDENTIALS) {
            if (len != 16 + sizeof(sock_cred_t)) return -EINVAL;
            memcpy(&msg.cred, ctl + off + 16, sizeof(sock_cred_t));
            if (!cred_allowed(p, &msg.cred)) return -EPERM;
            msg.has_cred = 1;
        } else if (level == SOL_SOCKET) {
            return -EINVAL;
        }
        off += (len + 7) & ~7UL;
    }
    return 0;
}

/* recvmsg's control area: where it is, its size, how much is used, and the MSG_* flags so far. */
static struct { uint64_t base, size, used; int flags; } cm;

/* One control message as Linux's put_cmsg: cut (MSG_CTRUNC) when the area is short. */
static void cmsg_put(proc_t *p, int type, const void *d, uint64_t dlen)
{
    uint64_t room = cm.size - cm.used, len = 16 + dlen;
    if (room < 16) { cm.flags |= MSG_CTRUNC; return; }
    if (room < len) { cm.flags |= MSG_CTRUNC; len = room; }
    uint64_t h[2] = { len, SOL_SOCKET | (uint64_t)type << 32 };
    if (copy_out(p, cm.base + cm.used, h, 16) || copy_out(p, cm.base + cm.used + 16, d, len - 16)) return;
    uint64_t space = (len + 7) & ~7UL;
    cm.used += space < room ? space : room;
}

/* The received files as new descriptors (SCM_RIGHTS), as many as the area holds; the others are
 * closed and the message says MSG_CTRUNC (Linux's scm_detach_fds). */
static void cmsg_rights(proc_t *p, int cloexec)
{
    uint64_t room = cm.size - cm.used, fdmax = room > 16 ? (room - 16) / 4 : 0;
    int fds[SCM_MAX_FD];
    uint32_t given = 0;
    while (given < msg.nfds && given < fdmax) {
        long fd = fd_alloc(p, msg.fds[given], 0, cloexec);
        if (fd < 0) break;
        fds[given++] = (int)fd;
    }
    for (uint32_t i = given; i < msg.nfds; i++) file_put(msg.fds[i]);
    if (given < msg.nfds) cm.flags |= MSG_CTRUNC;
    msg.nfds = 0;
    if (given) cmsg_put(p, SCM_RIGHTS, fds, 4UL * given);
}

/* ---- data ---- */
/*
 * Send the n loaded iovecs (total bytes) on f with flags; msg holds the destination and the control
 * messages. A stream takes the bytes in pieces, waiting for room (p->io_done counts what went);
 * a datagram goes whole. The bytes sent or -errno (EPIPE raises SIGPIPE on a stream unless
 * MSG_NOSIGNAL).
 */
static long do_send(proc_t *p, file_t *f, uint64_t nr, uint64_t a[6], uint64_t n, uint64_t total, int flags)
{
    sock_t *s = f->sock;
    int nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    sock_id_t me = who(p);
    uint64_t done = p->io_done;
    msg.flags = flags;
    if (s->type != SOCK_STREAM && total > sizeof(data)) return -EMSGSIZE_;
    if (done) { msg.nfds = 0; msg.has_cred = 0; }  /* they went with the first bytes */
    msg.dir = p->grp->cwd;
    for (;;) {
        uint64_t k = total - done < sizeof(data) ? total - done : sizeof(data);
        if (iov_copy(p, n, done, data, k, 0)) { p->io_done = 0; return done ? (long)done : -EFAULT; }
        msg.buf = data;
        msg.len = k;
        long r = sock_send(s, &msg, nonblock, &me);
        if (r == VFS_WOULD_BLOCK) { p->io_done = done; return sock_wait(p, msg.wait, s->sndtimeo, nr, a); }
        if (r < 0) {
            p->io_done = 0;
            if (done) return (long)done;
            return s->type == SOCK_STREAM && !(flags & MSG_NOSIGNAL) ? fd_epipe(p, r) : r;
        }
        done += (uint64_t)r;
        msg.nfds = 0;
        msg.has_cred = 0;
        if (done >= total || s->type != SOCK_STREAM) break;
    }
    p->io_done = 0;
    return (long)done;
}

/*
 * Receive into the n loaded iovecs (total bytes) from f with flags; msg then holds the sender's
 * name, credentials and files (a reference each). MSG_WAITALL on a stream goes on until total
 * bytes came (p->io_done counts them meanwhile), end of file, an error or passed files. The bytes
 * received (MSG_TRUNC: a datagram's whole length), or -errno; *mflags gets MSG_TRUNC.
 */
static long do_recv(proc_t *p, file_t *f, uint64_t nr, uint64_t a[6], uint64_t n, uint64_t total, int flags, int *mflags)
{
    sock_t *s = f->sock;
    int nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    int waitall = (flags & MSG_WAITALL) && !(flags & MSG_PEEK) && !nonblock && s->type == SOCK_STREAM;
    uint64_t done = p->io_done;
    long r;
    *mflags = 0;
    for (;;) {
        msg.buf = data;
        msg.len = total - done < sizeof(data) ? total - done : sizeof(data);
        r = sock_recv(s, &msg, flags, nonblock);
        if (r == VFS_WOULD_BLOCK) { p->io_done = done; return sock_wait(p, msg.wait, s->rcvtimeo, nr, a); }
        if (r < 0) { p->io_done = 0; return done ? (long)done : r; }
        if (iov_copy(p, n, done, data, (uint64_t)r, 1)) { p->io_done = 0; return done ? (long)done : -EFAULT; }
        done += (uint64_t)r;
        if (!waitall || !r || done >= total || msg.nfds) break;
    }
    p->io_done = 0;
    if (s->type != SOCK_STREAM && msg.full > (uint64_t)r) *mflags |= MSG_TRUNC;
    if (s->type != SOCK_STREAM && (flags & MSG_TRUNC)) return (long)msg.full;
    return (long)done;
}

/* Files received where the call has no control area for them are closed. */
static void drop_fds(void)
{
    for (uint32_t i = 0; i < msg.nfds; i++) file_put(msg.fds[i]);
    msg.nfds = 0;
}

/* read, write, readv, writev on a socket: recv and send without flags. */
long sock_rw(proc_t *p, file_t *f, uint64_t nr, uint64_t a[6], int write, int vec)
{
    uint64_t n = 1, total = a[2];
    long r;
    if (vec) {
        if (a[2] > UIO_MAXIOV) return -EINVAL;
        n = a[2];
        if ((r = iov_load(p, a[1], n, &total))) return r;
    } else {
        if ((int64_t)a[2] < 0) return -EINVAL;
        iov[0][0] = a[1];
        iov[0][1] = a[2];
    }
    if (write) {
        msg.to = 0;
        msg.tolen = 0;
        msg.nfds = 0;
        msg.has_cred = 0;
        return do_send(p, f, nr, a, n, total, 0);
    }
    int mflags;
    r = do_recv(p, f, nr, a, n, total, 0, &mflags);
    drop_fds();
    return r;
}

/* sendto(fd, buf, len, flags, addr, addrlen) and sendmsg(fd, msghdr, flags) */
static long sys_sendto(proc_t *p, uint64_t nr, uint64_t a[6])
{
    static uint8_t to[128];
    file_t *f;
    long r = sock_of(p, a[0], &f);
    if (r) return r;
    uint64_t n = 1, total = a[2];
    int flags = (int)a[3];
    if (nr == LINUX_SYS_sendto) {
        if ((int64_t)a[2] < 0) return -EINVAL;
        iov[0][0] = a[1];
        iov[0][1] = a[2];
        msg.tolen = a[4] ? (uint32_t)a[5] : 0;
        if (a[4] && (r = addr_in(p, a[4], a[5], to))) return r;
        msg.nfds = 0;
        msg.has_cred = 0;
    } else {
        uint64_t h[7];  /* name, namelen, iov, iovlen, control, controllen, flags */
        flags = (int)a[2];
        if (copy_in(p, h, a[1], 56)) return -EFAULT;
        msg.tolen = h[0] ? (uint32_t)h[1] : 0;
        if (h[0] && (r = addr_in(p, h[0], (uint32_t)h[1], to))) return r;
        if (h[3] > UIO_MAXIOV) return -EMSGSIZE_;
        n = h[3];
        if ((r = iov_load(p, h[2], n, &total))) return r;
        if (p->io_done) { msg.nfds = 0; msg.has_cred = 0; }
        else if ((r = cmsg_parse(p, h[4], h[5]))) return r;
    }
    msg.to = msg.tolen ? to : 0;
    return do_send(p, f, nr, a, n, total, flags);
}

/* recvfrom(fd, buf, len, flags, addr, addrlen) */
static long sys_recvfrom(proc_t *p, uint64_t nr, uint64_t a[6])
{
    file_t *f;
    int mflags;
    long r = sock_of(p, a[0], &f);
    if (r) return r;
    if ((int64_t)a[2] < 0) return -EINVAL;
    iov[0][0] = a[1];
    iov[0][1] = a[2];
    r = do_recv(p, f, nr, a, 1, a[2], (int)a[3], &mflags);
    drop_fds();
    if (r < 0 || r == SYSCALL_NO_REPLY) return r;
    long e = addr_out(p, a[4], a[5], msg.from, msg.fromlen);
    return e ? e : r;
}

/* recvmsg(fd, msghdr, flags): data, the sender's name, credentials (SO_PASSCRED) and files. */
static long sys_recvmsg(proc_t *p, uint64_t nr, uint64_t a[6])
{
    file_t *f;
    uint64_t h[7], total;
    int mflags, flags = (int)a[2];
    long r = sock_of(p, a[0], &f);
    if (r) return r;
    if (copy_in(p, h, a[1], 56)) return -EFAULT;
    if (h[3] > UIO_MAXIOV) return -EMSGSIZE_;
    if ((r = iov_load(p, h[2], h[3], &total))) return r;
    r = do_recv(p, f, nr, a, h[3], total, flags, &mflags);
    if (r < 0 || r == SYSCALL_NO_REPLY) { drop_fds(); return r; }
    cm.base = h[4];
    cm.size = h[5];
    cm.used = 0;
    cm.flags = mflags;
    if (f->sock->passcred && msg.got) {
        sock_cred_t c = { 0, 65534, 65534 };  /* none attached: Linux's overflow ids */
        if (msg.has_cred) c = msg.cred;
        cmsg_put(p, SCM_CREDENTIALS, &c, sizeof(c));
    }
    if (msg.nfds) cmsg_rights(p, (flags & MSG_CMSG_CLOEXEC) != 0);
    if (h[0]) {
        uint32_t k = (uint32_t)h[1] < msg.fromlen ? (uint32_t)h[1] : msg.fromlen;
        if ((int)h[1] < 0) k = 0;
        if (k && copy_out(p, h[0], msg.from, k)) return -EFAULT;
        uint32_t nl = msg.fromlen;
        if (copy_out(p, a[1] + 8, &nl, 4)) return -EFAULT;
    }
    uint32_t mf = (uint32_t)cm.flags;
    if (copy_out(p, a[1] + 40, &cm.used, 8) || copy_out(p, a[1] + 48, &mf, 4)) return -EFAULT;
    return r;
}

/* ---- sockets, names, connections ---- */
/* The families Linux has that are not here: socket() says EAFNOSUPPORT (once on the console),
 * socketpair() EOPNOTSUPP as Linux does for them. */
static int linux_family(int d) { return d == 2 || d == 10 || d == 16 || d == 17; }

static long sys_socket(proc_t *p, uint64_t a[6])
{
    static uint64_t logged;
    int domain = (int)a[0], type = (int)(a[1] & 0xf);
    uint32_t flags = (uint32_t)a[1] & ~0xfu;
    file_t *f;
    if (flags & ~(uint32_t)(O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
    long r = sock_create(domain, type, (int)a[2], flags, &f);
    if (r == -EAFNOSUPPORT && linux_family(domain) && !(logged & (1UL << domain))) {
        logged |= 1UL << domain;
        printf("posix-server: socket family %d is not supported: EAFNOSUPPORT\n", domain);
    }
    if (r) return r;
    r = fd_alloc(p, f, 0, (flags & O_CLOEXEC) != 0);
    if (r < 0) file_put(f);
    return r;
}

static long sys_socketpair(proc_t *p, uint64_t a[6])
{
    int domain = (int)a[0], type = (int)(a[1] & 0xf);
    uint32_t flags = (uint32_t)a[1] & ~0xfu;
    sock_id_t me = who(p);
    file_t *x, *y;
    if (flags & ~(uint32_t)(O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
    long r = sock_pair(domain, type, (int)a[2], flags, &me, &x, &y);
    if (r == -EAFNOSUPPORT && linux_family(domain)) r = -EOPNOTSUPP;
    if (r) return r;
    int cloexec = (flags & O_CLOEXEC) != 0;
    long fx = fd_alloc(p, x, 0, cloexec);
    if (fx < 0) { file_put(x); file_put(y); return fx; }
    long fy = fd_alloc(p, y, 0, cloexec);
    if (fy < 0) { fd_close(p->grp, (uint64_t)fx); file_put(y); return fy; }
    int sv[2] = { (int)fx, (int)fy };
    if (copy_out(p, a[3], sv, 8)) { fd_close(p->grp, (uint64_t)fx); fd_close(p->grp, (uint64_t)fy); return -EFAULT; }
    return 0;
}

/* accept4(fd, addr, addrlen, flags): the new descriptor; addr gets the client's name. */
static long sys_accept4(proc_t *p, uint64_t nr, uint64_t a[6])
{
    file_t *f, *nf;
    void *wait = 0;
    uint8_t name[SUN_MAX];
    if (a[3] & ~(uint64_t)(O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
    long r = sock_of(p, a[0], &f);
    if (r) return r;
    if ((r = fd_free(p, 0)) < 0) return r;  /* a connection is not taken for want of a descriptor */
    r = sock_accept(f, (uint32_t)a[3], &nf, &wait);
    if (r == VFS_WOULD_BLOCK) return sock_wait(p, wait, f->sock->rcvtimeo, nr, a);
    if (r) return r;
    long fd = fd_alloc(p, nf, 0, (a[3] & O_CLOEXEC) != 0);
    long len = sock_name(nf->sock, 1, name);
    if (len < 0) { memset(name, 0, 2); name[0] = AF_UNIX; len = 2; }  /* the client went already */
    if ((r = addr_out(p, a[1], a[2], name, (uint32_t)len))) { fd_close(p->grp, (uint64_t)fd); return r; }
    return fd;
}

static long sys_getname(proc_t *p, uint64_t a[6], int peer)
{
    file_t *f;
    uint8_t name[SUN_MAX];
    long r = sock_of(p, a[0], &f);
    if (r) return r;
    long len = sock_name(f->sock, peer, name);
    if (len < 0) return len;
    if (!a[1]) return -EFAULT;
    return addr_out(p, a[1], a[2], name, (uint32_t)len);
}

/* getsockopt(fd, level, name, val, len) and setsockopt(fd, level, name, val, len): SOL_SOCKET only,
 * as for Linux's AF_UNIX sockets (EOPNOTSUPP at other levels). */
static long sys_sockopt(proc_t *p, uint64_t a[6], int set)
{
    file_t *f;
    uint8_t v[128];
    long r = sock_of(p, a[0], &f);
    if (r) return r;
    if (a[1] != SOL_SOCKET) return -EOPNOTSUPP;
    if (set) {
        if ((int)a[4] < 0) return -EINVAL;
        uint32_t len = (uint32_t)a[4] < sizeof(v) ? (uint32_t)a[4] : sizeof(v);
        if (len && copy_in(p, v, a[3], len)) return -EFAULT;
        return sock_setopt(f->sock, (int)a[2], v, len);
    }
    int ilen;
    if (copy_in(p, &ilen, a[4], 4)) return -EFAULT;
    if (ilen < 0) return -EINVAL;
    uint32_t len = (uint32_t)ilen < sizeof(v) ? (uint32_t)ilen : sizeof(v);
    if ((r = sock_getopt(f->sock, (int)a[2], v, &len))) return r;
    if (len && copy_out(p, a[3], v, len)) return -EFAULT;
    return copy_out(p, a[4], &len, 4);
}

long sock_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled)
{
    static uint8_t addr[128];
    file_t *f;
    long r;
    sock_id_t me;
    *handled = 1;
    switch (nr) {
    case LINUX_SYS_socket: return sys_socket(p, a);
    case LINUX_SYS_socketpair: return sys_socketpair(p, a);
    case LINUX_SYS_bind:
        if ((r = sock_of(p, a[0], &f)) || (r = addr_in(p, a[1], a[2], addr))) return r;
        return sock_bind(f->sock, p->grp->cwd, addr, (uint32_t)a[2], p->grp->umask);
    case LINUX_SYS_listen:
        if ((r = sock_of(p, a[0], &f))) return r;
        me = who(p);
        return sock_listen(f->sock, (int)a[1], &me);
    case LINUX_SYS_connect: {
        void *wait = 0;
        if ((r = sock_of(p, a[0], &f)) || (r = addr_in(p, a[1], a[2], addr))) return r;
        me = who(p);
        r = sock_connect(f->sock, p->grp->cwd, addr, (uint32_t)a[2], (f->flags & O_NONBLOCK) != 0, &me, &wait);
        return r == VFS_WOULD_BLOCK ? sock_wait(p, wait, f->sock->sndtimeo, nr, a) : r;
    }
    case LINUX_SYS_accept: a[3] = 0; return sys_accept4(p, nr, a);
    case LINUX_SYS_accept4: return sys_accept4(p, nr, a);
    case LINUX_SYS_getsockname: return sys_getname(p, a, 0);
    case LINUX_SYS_getpeername: return sys_getname(p, a, 1);
    case LINUX_SYS_sendto: case LINUX_SYS_sendmsg: return sys_sendto(p, nr, a);
    case LINUX_SYS_recvfrom: return sys_recvfrom(p, nr, a);
    case LINUX_SYS_recvmsg: return sys_recvmsg(p, nr, a);
    case LINUX_SYS_shutdown:
        if ((r = sock_of(p, a[0], &f))) return r;
        return sock_shutdown(f->sock, (int)a[1]);
    case LINUX_SYS_getsockopt: return sys_sockopt(p, a, 0);
    case LINUX_SYS_setsockopt: return sys_sockopt(p, a, 1);
    }
    *handled = 0;
    return 0;
}
