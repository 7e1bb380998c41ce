/* AF_UNIX sockets (socket.h): names, connections, and receive queues on the pipe ring. */
#include "vfs.h"
#include "lib.h"
#include "socket.h"

void *heap_alloc(uint64_t n);
void heap_free(void *p, uint64_t n);

enum { ENOENT = 2, ENOMEM = 12, ENOSPC = 28, EDOM = 33, EAGAIN = 11, EEXIST = 17, EINVAL = 22, EPIPE = 32, ENOTSOCK = 88, EPERM = 1, EMSGSIZE = 90,
       EPROTOTYPE = 91, ENOPROTOOPT = 92, EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94, EOPNOTSUPP = 95,
       EAFNOSUPPORT = 97, EADDRINUSE = 98, ECONNRESET = 104, EISCONN = 106, ENOTCONN = 107, ECONNREFUSED = 111 };

#define POLLIN 1
#define POLLOUT 4
#define POLLERR 8
#define POLLHUP 16
#define POLLRDNORM 0x40
#define POLLWRNORM 0x100
#define POLLRDHUP 0x2000
#define SOCK_MIN_SNDBUF 4608   /* Linux's on arm64: 2 * (2048 + the aligned struct sk_buff) */
#define SOCK_MIN_RCVBUF 2304
#define SOMAXCONN 4096

_Static_assert(sizeof(sock_t) <= 4096, "a socket is one heap block");

static sock_t *all_socks;
static uint64_t next_ino = 100000;

/* ---- lifetime ---- */
static sock_t *sock_new(int type)
{
    sock_t *s = heap_alloc(sizeof(sock_t));
    s->type = type;
    s->refs = 1;
    s->rx = pipe_new();
    s->sndbuf = s->rcvbuf = SOCK_BUF_DEFAULT;
    s->ino = next_ino++;
    s->next = all_socks;
    all_socks = s;
    return s;
}

static sock_t *sock_ref(sock_t *s) { s->refs++; return s; }

/* Drop a reference; the last one frees the socket (it was closed before). */
static void sock_put(sock_t *s)
{
    if (--s->refs > 0) return;
    for (sock_t **pp = &all_socks; *pp; pp = &(*pp)->next)
        if (*pp == s) { *pp = s->next; break; }
    heap_free(s, sizeof(*s));
}

static file_t *sock_file(sock_t *s, uint32_t flags)
{
    file_t *f = heap_alloc(sizeof(file_t));
    f->sock = s;
    f->flags = O_RDWR | (flags & O_NONBLOCK);
    f->refs = 1;
    s->file = f;
    return f;
}

/* ---- the receive queue ---- */
static sock_rec_t *rec_at(sock_t *s, int i) { return &s->q[(s->qhead + i) % SOCK_QMAX]; }

/* The files of record r leave it: put (closed) or handed to the receiver. */
static void rec_free_fds(sock_rec_t *r, int put)
{
    if (!r->fds) return;
    file_t **fds = r->fds;
    uint32_t n = r->nfds;
    r->fds = 0;
    r->nfds = 0;
    for (uint32_t i = 0; i < n; i++) if (fds[i]->sock) fds[i]->sock->inflight--;
    if (put) for (uint32_t i = 0; i < n; i++) file_put(fds[i]);
    heap_free(fds, n * sizeof(file_t *));
}

/* Take the first record off the queue with its remaining bytes; its files are put (closed). It is
 * off the queue before that: closing a file may close s itself (a socket passed over itself). */
static void rec_pop(sock_t *s)
{
    sock_rec_t *q = rec_at(s, 0), r = *q;
    ring_drop(s->rx, r.len);
    memset(q, 0, sizeof(*q));
    s->qhead = (s->qhead + 1) % SOCK_QMAX;
    s->qlen--;
    rec_free_fds(&r, 1);
    if (r.from) sock_put(r.from);
}

/* The files of record r for the receiver: moved out (take) or new references (MSG_PEEK). */
static void rec_give_fds(sock_rec_t *r, sock_msg_t *m, int take)
{
    for (uint32_t i = 0; i < r->nfds; i++) m->fds[i] = take ? r->fds[i] : file_get(r->fds[i]);
    m->nfds = r->nfds;
    if (take) rec_free_fds(r, 0);
}

static void name_of(sock_t *s, uint8_t *out, uint32_t *len)
{
    *len = s ? s->addrlen : 0;
    if (*len) memcpy(out, s->addr, *len);
}

/* ---- names ---- */
static int abstract(const uint8_t *addr) { return addr[2] == 0; }

static sock_t *find_abstract(const uint8_t *addr, uint32_t len, int type)
{
    for (sock_t *s = all_socks; s; s = s->next)
        if (s->named && !s->dead && s->type == type && s->addrlen == len && !memcmp(s->addr, addr, len)) return s;
    return 0;
}

/* The path of a sockaddr_un: sun_path up to its first NUL or the end of len. */
static void addr_path(const uint8_t *addr, uint32_t len, char *path)
{
    uint32_t n = 0;
    while (2 + n < len && addr[2 + n]) { path[n] = (char)addr[2 + n]; n++; }
    path[n] = 0;
}

/* A name as Linux checks it for connect and sendto: family AF_UNIX, 2 < len <= SUN_MAX. */
static long addr_valid(const uint8_t *addr, uint32_t len)
{
    if (len <= 2 || len > SUN_MAX || *(const uint16_t *)addr != AF_UNIX) return -EINVAL;
    return 0;
}

/* The socket of type bound to name addr (len bytes, valid): ENOENT and the other errors of the path
 * walk, EACCES without write permission, ECONNREFUSED when none is there, EPROTOTYPE of another type. */
static long sock_lookup(vnode_t *dir, const uint8_t *addr, uint32_t len, int type, sock_t **out)
{
    if (abstract(addr)) {
        *out = find_abstract(addr, len, type);
        return *out ? 0 : -ECONNREFUSED;
    }
    char path[SUN_MAX];
    vnode_t *n;
    addr_path(addr, len, path);
    long r = vfs_lookup(dir, path, 1, &n);
    if (r) return r;
    if ((r = vfs_permission(n, MAY_WRITE))) return r;
    if ((n->mode & S_IFMT) != S_IFSOCK || !n->sock) return -ECONNREFUSED;
    if (n->sock->type != type) return -EPROTOTYPE;
    *out = n->sock;
    return 0;
}

/* An abstract name of five hex digits, as Linux's autobind gives (length 8). */
static long sock_autobind(sock_t *s)
{
    static uint32_t order;
    if (s->addrlen) return 0;
    uint8_t a[8] = { AF_UNIX, 0, 0 };
    for (int tries = 0; tries < 0x100000; tries++) {
        uint32_t v = order++ & 0xfffff;
        for (int i = 0; i < 5; i++) a[3 + i] = (uint8_t)"0123456789abcdef"[(v >> (16 - 4 * i)) & 15];
        if (!find_abstract(a, 8, s->type)) {
            memcpy(s->addr, a, 8);
            s->addrlen = 8;
            s->named = 1;
            return 0;
        }
    }
    return -ENOSPC;
}

long sock_bind(sock_t *s, vnode_t *dir, const uint8_t *addr, uint32_t len, uint32_t umask)
{
    if (len < 2 || *(const uint16_t *)addr != AF_UNIX) return -EINVAL;
    if (len == 2) return sock_autobind(s);
    if (len > SUN_MAX) return -EINVAL;
    if (abstract(addr)) {
        if (s->addrlen) return -EINVAL;
        if (find_abstract(addr, len, s->type)) return -EADDRINUSE;
        memcpy(s->addr, addr, len);
        s->addrlen = len;
        s->named = 1;
        return 0;
    }
    char path[SUN_MAX];
    vnode_t *n;
    addr_path(addr, len, path);
    long r = vfs_mknod(dir, path, S_IFSOCK | (0777 & ~umask), 0, 0);
    if (r) return r == -EEXIST ? -EADDRINUSE : r;
    if (s->addrlen) { vfs_unlink(dir, path, 0); return -EINVAL; }  /* Linux makes the node, then refuses */
    if ((r = vfs_lookup(dir, path, 0, &n))) return r;
    vnode_ref(n);
    n->sock = s;
    s->node = n;
    s->mnt = vfs_lookup_mnt;
    vfs_mount_use(s->mnt, 1);  /* its mount is busy while the socket holds the name, as on Linux */
    s->addrlen = 2 + (uint32_t)strlen(path) + 1;
    s->named = 1;
    memset(s->addr, 0, sizeof(s->addr));
    s->addr[0] = AF_UNIX;
    memcpy(s->addr + 2, path, s->addrlen - 3);
    return 0;
}

/* ---- creation, connections ---- */
static long check_type(int domain, int type, int protocol)
{
    if (domain < 0 || domain >= 46) return -EAFNOSUPPORT;  /* NPROTO */
    if (type < 0 || type >= 11) return -EINVAL;           /* SOCK_MAX */
    if (domain != AF_UNIX) return -EAFNOSUPPORT;
    if (protocol && protocol != AF_UNIX) return -EPROTONOSUPPORT;
    if (type == 3) return 0;                              /* SOCK_RAW is a datagram socket, as on Linux */
    if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
    return 0;
}

long sock_create(int domain, int type, int protocol, uint32_t flags, file_t **out)
{
    long r = check_type(domain, type, protocol);
    if (r) return r;
    if (mem_low()) return -ENOMEM;  /* a socket's ring is 64 KiB: memory is left for the servers */
    *out = sock_file(sock_new(type == 3 ? SOCK_DGRAM : type), flags);
    return 0;
}

static void connect_pair(sock_t *a, sock_t *b)
{
    a->peer = sock_ref(b);
    b->peer = sock_ref(a);
    a->state = b->state = SS_CONNECTED;
}

static sock_cred_t peer_cred_of(const sock_id_t *me)
{
    sock_cred_t c = { me->pid, me->euid, me->egid };
    return c;
}

long sock_pair(int domain, int type, int protocol, uint32_t flags, const sock_id_t *me, file_t **a, file_t **b)
{
    long r = sock_create(domain, type, protocol, flags, a);
    if (r) return r;
    if ((r = sock_create(domain, type, protocol, flags, b))) { file_put(*a); return r; }
    sock_t *x = (*a)->sock, *y = (*b)->sock;
    connect_pair(x, y);
    x->peer_cred = y->peer_cred = peer_cred_of(me);
    x->has_peer_cred = y->has_peer_cred = 1;
    return 0;
}

long sock_listen(sock_t *s, int backlog, const sock_id_t *me)
{
    if (s->type == SOCK_DGRAM) return -EOPNOTSUPP;
    if (!s->addrlen || s->state == SS_CONNECTED) return -EINVAL;
    s->backlog = (unsigned)backlog > SOMAXCONN ? SOMAXCONN : backlog;
    s->state = SS_LISTEN;
    s->cred = peer_cred_of(me);
    vfs_event(s);  /* connectors waiting for a bigger backlog */
    return 0;
}

/* A datagram socket's default destination: addr, or none for AF_UNSPEC. */
static long dgram_connect(sock_t *s, vnode_t *dir, const uint8_t *addr, uint32_t len)
{
    sock_t *t = 0;
    if (len < 2 || *(const uint16_t *)addr != AF_UNSPEC) {
        long r = addr_valid(addr, len);
        if (!r && s->passcred) r = sock_autobind(s);
        if (!r) r = sock_lookup(dir, addr, len, s->type, &t);
        if (r) return r;
    }
    if (s->peer) sock_put(s->peer);
    s->peer = t ? sock_ref(t) : 0;
    s->state = t ? SS_CONNECTED : SS_UNCONNECTED;
    return 0;
}

long sock_connect(sock_t *s, vnode_t *dir, const uint8_t *addr, uint32_t len, int nonblock, const sock_id_t *me, void **wait)
{
    if (s->type == SOCK_DGRAM) return dgram_connect(s, dir, addr, len);
    sock_t *t;
    long r = addr_valid(addr, len);
    if (!r && s->passcred) r = sock_autobind(s);
    if (!r) r = sock_lookup(dir, addr, len, s->type, &t);
    if (r) return r;
    if (t->state != SS_LISTEN) return -ECONNREFUSED;
    if (t->nconn > t->backlog) {
        if (nonblock) return -EAGAIN;
        *wait = t;
        return VFS_WOULD_BLOCK;
    }
    if (s->state == SS_CONNECTED) return -EISCONN;
    if (s->state != SS_UNCONNECTED) return -EINVAL;
    if (mem_low()) return -ENOMEM;
    sock_t *e = sock_new(s->type);  /* the server's end, until accept the listener's queue's */
    connect_pair(s, e);
    memcpy(e->addr, t->addr, t->addrlen);
    e->addrlen = t->addrlen;
    e->passcred = t->passcred;
    e->peer_cred = peer_cred_of(me);
    s->peer_cred = t->cred;
    e->has_peer_cred = s->has_peer_cred = 1;
    sock_t **pp = &t->conns;
    while (*pp) pp = &(*pp)->next_conn;
    *pp = e;
    t->nconn++;
    vfs_event(t);
    return 0;
}

long sock_accept(file_t *lf, uint32_t flags, file_t **out, void **wait)
{
    sock_t *s = lf->sock;
    if (s->type == SOCK_DGRAM) return -EOPNOTSUPP;
    if (s->state != SS_LISTEN) return -EINVAL;
    sock_t *e = s->conns;
    if (!e) {
        if (lf->flags & O_NONBLOCK) return -EAGAIN;
        *wait = s;
        return VFS_WOULD_BLOCK;
    }
    s->conns = e->next_conn;
    e->next_conn = 0;
    s->nconn--;
    *out = sock_file(e, flags);  /* the queue's reference becomes the file's */
    vfs_event(s);                /* a connector waiting for room in the backlog */
    return 0;
}

/* ---- data ---- */
/* The socket a send from s goes to: its peer or the named one; errors as Linux's sendmsg. */
static long send_target(sock_t *s, sock_msg_t *m, sock_t **out)
{
    if (s->type == SOCK_SEQPACKET && s->state != SS_CONNECTED) return -ENOTCONN;
    if (s->type == SOCK_STREAM && m->tolen) return s->state == SS_CONNECTED ? -EISCONN : -EOPNOTSUPP;
    sock_t *t = s->peer;
    if (s->type == SOCK_DGRAM && m->tolen) {
        long r = addr_valid(m->to, m->tolen);
        if (!r) r = sock_lookup(m->dir, m->to, m->tolen, s->type, &t);
        if (r) return r;
    }
    if (!t) return -ENOTCONN;
    if (s->type != SOCK_DGRAM) {
        if ((s->shut & SHUT_SEND) || t->dead || (t->shut & SHUT_RCV)) return -EPIPE;
    } else {
        if (t->dead) {
            if (t == s->peer) { s->peer = 0; s->state = SS_UNCONNECTED; sock_put(t); }
            return -ECONNREFUSED;
        }
        if (t->peer && t->peer != s) return -EPERM;
        if (t->shut & SHUT_RCV) return -EPIPE;
    }
    *out = t;
    return 0;
}

/* Whether t's queue takes a message of len bytes (a stream: at least one byte) from s now. */
static int queue_room(sock_t *t, sock_t *s, uint64_t len, int merge)
{
    uint64_t free = PIPE_SIZE - t->rx->len;
    if (!merge && t->qlen >= SOCK_QMAX) return 0;
    if (s->type == SOCK_DGRAM && t->peer != s && t->qlen > SOCK_DGRAM_QLEN) return 0;
    return s->type == SOCK_STREAM ? free > 0 : free >= len;
}

long sock_send(sock_t *s, sock_msg_t *m, int nonblock, const sock_id_t *me)
{
    sock_t *t;
    if ((m->flags & MSG_OOB) && s->type != SOCK_STREAM) return -EOPNOTSUPP;
    long r = send_target(s, m, &t);
    if (r) return r;
    if (m->flags & MSG_OOB) return -EOPNOTSUPP;  /* no out-of-band data here (Linux's CONFIG_AF_UNIX_OOB) */
    if (s->type == SOCK_STREAM && !m->len) return 0;
    if (s->type != SOCK_STREAM && m->len > PIPE_SIZE) return -EMSGSIZE;
    if (s->type == SOCK_DGRAM && s->passcred && (r = sock_autobind(s))) return r;
    sock_cred_t cred = { 0, 0, 0 };
    int has_cred = m->has_cred || (me && (s->passcred || t->passcred));
    if (m->has_cred) cred = m->cred;
    else if (me) { cred.pid = me->pid; cred.uid = me->uid; cred.gid = me->gid; }
    sock_rec_t *last = t->qlen ? rec_at(t, t->qlen - 1) : 0;
    int merge = s->type == SOCK_STREAM && !m->nfds && last && !last->nfds && last->has_cred == has_cred &&
                !memcmp(&last->cred, &cred, sizeof(cred));
    if (!queue_room(t, s, m->len, merge)) {
        if (nonblock) return -EAGAIN;
        m->wait = t;
        return VFS_WOULD_BLOCK;
    }
    uint64_t n = m->len, free = PIPE_SIZE - t->rx->len;
    if (n > free) n = free;  /* streams only: a message fits whole */
    ring_put(t->rx, m->buf, n);
    if (merge) {
        last->len += (uint32_t)n;
    } else {
        sock_rec_t *rec = rec_at(t, t->qlen++);
        rec->len = (uint32_t)n;
        rec->has_cred = has_cred;
        rec->cred = cred;
        if (s->type == SOCK_DGRAM) rec->from = sock_ref(s);
        if (m->nfds) {
            rec->fds = heap_alloc(m->nfds * sizeof(file_t *));
            for (uint32_t i = 0; i < m->nfds; i++) {
                rec->fds[i] = file_get(m->fds[i]);
                if (m->fds[i]->sock) m->fds[i]->sock->inflight++;
            }
            rec->nfds = m->nfds;
        }
    }
    vfs_event(t);
    return (long)n;
}

/* Nothing to read: the error, end of file, EAGAIN, or wait. */
static long recv_empty(sock_t *s, sock_msg_t *m, int nonblock)
{
    if (s->err) { long e = s->err; s->err = 0; return -e; }
    if (s->shut & SHUT_RCV) return 0;
    if (nonblock) return -EAGAIN;
    m->wait = s;
    return VFS_WOULD_BLOCK;
}

/* A stream: bytes across records, up to the end of one that passes files; with SO_PASSCRED not
 * across records of other credentials (Linux never glues messages of different writers then). */
static long recv_stream(sock_t *s, sock_msg_t *m, int peek)
{
    uint64_t copied = 0, pos = 0;
    sock_rec_t *first = rec_at(s, 0);
    m->has_cred = first->has_cred;
    m->cred = first->cred;
    for (int i = 0; copied < m->len && i < s->qlen;) {
        sock_rec_t *r = rec_at(s, i);
        if (copied && s->passcred && (r->has_cred != m->has_cred || memcmp(&r->cred, &m->cred, sizeof(m->cred)))) break;
        uint64_t k = r->len < m->len - copied ? r->len : m->len - copied;
        ring_peek(s->rx, pos, (uint8_t *)m->buf + copied, k);
        copied += k;
        int had_fds = r->nfds != 0;
        if (had_fds) rec_give_fds(r, m, !peek);
        if (peek) { pos += k; i++; }
        else if (k == r->len) rec_pop(s);
        else { ring_drop(s->rx, k); r->len -= (uint32_t)k; }
        if (had_fds) break;
    }
    m->full = copied;
    return (long)copied;
}

/* A datagram or seqpacket: one message, cut to m->len (m->full says how long it was). */
static long recv_dgram(sock_t *s, sock_msg_t *m, int peek)
{
    sock_rec_t *r = rec_at(s, 0);
    uint64_t k = r->len < m->len ? r->len : m->len;
    ring_peek(s->rx, 0, m->buf, k);
    m->full = r->len;
    m->has_cred = r->has_cred;
    m->cred = r->cred;
    if (s->type == SOCK_DGRAM) name_of(r->from, m->from, &m->fromlen);
    if (r->nfds) rec_give_fds(r, m, !peek);
    if (!peek) rec_pop(s);
    return (long)k;
}

long sock_recv(sock_t *s, sock_msg_t *m, int flags, int nonblock)
{
    m->nfds = 0;
    m->fromlen = 0;
    m->has_cred = 0;
    m->full = 0;
    m->got = 0;
    if (s->type == SOCK_STREAM && s->state != SS_CONNECTED) return -EINVAL;
    if (s->type == SOCK_SEQPACKET && s->state != SS_CONNECTED) return -ENOTCONN;
    if (flags & MSG_OOB) return -EOPNOTSUPP;
    if (!s->qlen) return recv_empty(s, m, nonblock);
    m->got = 1;
    if (s->type != SOCK_DGRAM) name_of(s->peer, m->from, &m->fromlen);
    int peek = (flags & MSG_PEEK) != 0;
    long r = s->type == SOCK_STREAM ? recv_stream(s, m, peek) : recv_dgram(s, m, peek);
    if (!peek) {  /* room for the senders: they wait on s, a stream's peer on itself */
        vfs_event(s);
        if (s->peer) vfs_event(s->peer);
    }
    return r;
}

long sock_read(file_t *f, void *buf, uint64_t len)
{
    sock_msg_t m;
    m.buf = buf;
    m.len = len;
    m.flags = 0;
    long r = sock_recv(f->sock, &m, 0, (f->flags & O_NONBLOCK) != 0);
    for (uint32_t i = 0; i < m.nfds; i++) file_put(m.fds[i]);  /* files passed are closed, as read() does */
    return r;
}

long sock_write(file_t *f, const void *buf, uint64_t len)
{
    sock_msg_t m;
    memset(&m, 0, offsetof(sock_msg_t, fds));
    m.buf = (void *)buf;
    m.len = len;
    m.flags = 0;
    m.nfds = 0;
    m.has_cred = 0;
    return sock_send(f->sock, &m, (f->flags & O_NONBLOCK) != 0, 0);
}

long sock_shutdown(sock_t *s, int how)
{
    if (how < 0 || how > 2) return -EINVAL;
    int mode = (how + 1) & (SHUT_RCV | SHUT_SEND);
    s->shut |= mode;
    vfs_event(s);
    sock_t *t = s->peer;
    if (t && s->type != SOCK_DGRAM) {
        t->shut |= (mode & SHUT_RCV ? SHUT_SEND : 0) | (mode & SHUT_SEND ? SHUT_RCV : 0);
        vfs_event(t);
    }
    return 0;
}

/* ---- status ---- */
long sock_name(sock_t *s, int peer, uint8_t *out)
{
    sock_t *t = peer ? s->peer : s;
    if (peer && (!t || s->state != SS_CONNECTED)) return -ENOTCONN;
    if (!t->addrlen) { memset(out, 0, 2); out[0] = AF_UNIX; return 2; }
    memcpy(out, t->addr, t->addrlen);
    return t->addrlen;
}

/* SO_* numbers (asm-generic/socket.h) */
enum { SO_RCVTIMEO = 20, SO_SNDTIMEO = 21, SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5, SO_BROADCAST = 6, SO_SNDBUF = 7,
       SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_PASSCRED = 16, SO_PEERCRED = 17, SO_PEERNAME = 28,
       SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39 };
#define BOOL_OPTS ((1u << SO_DEBUG) | (1u << SO_REUSEADDR) | (1u << SO_DONTROUTE) | (1u << SO_BROADCAST) | \
                   (1u << SO_KEEPALIVE) | (1u << SO_OOBINLINE))

/* A timeout as Linux keeps it: in jiffies (HZ 250), rounded up. */
#define JIFFY_NS 4000000ULL
long sock_getopt(sock_t *s, int opt, void *val, uint32_t *len)
{
    int v;
    uint32_t size = 4;
    switch (opt) {
    case SO_RCVTIMEO: case SO_SNDTIMEO: {  /* struct timeval */
        uint64_t ns = opt == SO_RCVTIMEO ? s->rcvtimeo : s->sndtimeo, tv[2] = { ns / 1000000000ULL, ns % 1000000000ULL / 1000 };
        if (*len > sizeof(tv)) *len = sizeof(tv);
        memcpy(val, tv, *len);
        return 0;
    }
    case SO_TYPE: v = s->type; break;
    case SO_ERROR: v = s->err; s->err = 0; break;
    case SO_DOMAIN: v = AF_UNIX; break;
    case SO_PROTOCOL: v = 0; break;
    case SO_ACCEPTCONN: v = s->state == SS_LISTEN; break;
    case SO_SNDBUF: v = (int)s->sndbuf; break;
    case SO_RCVBUF: v = (int)s->rcvbuf; break;
    case SO_PASSCRED: v = s->passcred; break;
    case SO_PEERCRED: {
        sock_cred_t c = { 0, (uint32_t)-1, (uint32_t)-1 };
        if (s->has_peer_cred) c = s->peer_cred;
        if (*len > sizeof(c)) *len = sizeof(c);
        memcpy(val, &c, *len);
        return 0;
    }
    case SO_PEERNAME: {
        uint8_t a[SUN_MAX];
        long n = sock_name(s, 1, a);
        if (n < 0) return n;
        if (*len < (uint32_t)n) return -EINVAL;
        memcpy(val, a, (uint64_t)n);
        *len = (uint32_t)n;
        return 0;
    }
    default:
        if (opt < 0 || opt >= 32 || !(BOOL_OPTS & (1u << opt))) return -ENOPROTOOPT;
        v = (s->opts >> opt) & 1;
    }
    if (*len > size) *len = size;
    memcpy(val, &v, *len);
    return 0;
}

long sock_setopt(sock_t *s, int opt, const void *val, uint32_t len)
{
    if (opt == SO_RCVTIMEO || opt == SO_SNDTIMEO) {  /* struct timeval; a negative one: no waiting */
        int64_t tv[2];
        if (len < sizeof(tv)) return -EINVAL;
        memcpy(tv, val, sizeof(tv));
        if (tv[1] < 0 || tv[1] >= 1000000) return -EDOM;
        uint64_t ns = tv[0] < 0 ? 1 : (uint64_t)tv[0] * 1000000000ULL + (uint64_t)tv[1] * 1000;
        ns = (ns + JIFFY_NS - 1) / JIFFY_NS * JIFFY_NS;
        if (opt == SO_RCVTIMEO) s->rcvtimeo = ns; else s->sndtimeo = ns;
        return 0;
    }
    if (len < 4) return -EINVAL;
    int v;
    memcpy(&v, val, 4);
    uint32_t u = (uint32_t)v;
    switch (opt) {
    case SO_PASSCRED: s->passcred = v != 0; return 0;
    case SO_SNDBUF:  /* Linux doubles the value (for its bookkeeping), within wmem_max */
        if (u > SOCK_BUF_DEFAULT) u = SOCK_BUF_DEFAULT;
        s->sndbuf = u * 2 > SOCK_MIN_SNDBUF ? u * 2 : SOCK_MIN_SNDBUF;
        return 0;
    case SO_RCVBUF:
        if (u > SOCK_BUF_DEFAULT) u = SOCK_BUF_DEFAULT;
        s->rcvbuf = u * 2 > SOCK_MIN_RCVBUF ? u * 2 : SOCK_MIN_RCVBUF;
        return 0;
    }
    if (opt < 0 || opt >= 32 || !(BOOL_OPTS & (1u << opt))) return -ENOPROTOOPT;
    s->opts = v ? s->opts | (1u << opt) : s->opts & ~(1u << opt);
    return 0;
}

long sock_nread(sock_t *s)
{
    if (s->state == SS_LISTEN) return -EINVAL;
    if (s->type == SOCK_DGRAM) return s->qlen ? rec_at(s, 0)->len : 0;
    return (long)s->rx->len;
}

long sock_nwrite(sock_t *s)
{
    if (s->state == SS_LISTEN) return -EINVAL;
    sock_t *t = s->peer;
    return t && !t->dead && s->type != SOCK_DGRAM ? (long)t->rx->len : 0;
}

/* Readiness as Linux's unix_poll and unix_dgram_poll report it. */
int sock_poll(sock_t *s, int events)
{
    int r = 0;
    if (s->err) r |= POLLERR;
    if (s->shut == (SHUT_RCV | SHUT_SEND)) r |= POLLHUP;
    if (s->shut & SHUT_RCV) r |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (s->qlen || s->nconn) r |= POLLIN | POLLRDNORM;
    if (s->type != SOCK_DGRAM && s->state == SS_UNCONNECTED) r |= POLLHUP;
    sock_t *t = s->peer;
    int writable = s->state != SS_LISTEN;
    if (writable && t && !t->dead) {  /* room in the peer's queue */
        if (s->type == SOCK_DGRAM && t->peer != s && t->qlen > SOCK_DGRAM_QLEN) writable = 0;
        else writable = t->qlen < SOCK_QMAX && PIPE_SIZE - t->rx->len >= PIPE_BUF;
    }
    if (writable) r |= POLLOUT | POLLWRNORM;
    return r & (events | POLLERR | POLLHUP);
}

/* ---- closing ---- */
/* s goes (its file closed, or a connection never accepted: embryo): its name, its queue and the
 * connections waiting on it go; a stream or seqpacket peer is hung up (ECONNRESET when data it
 * sent was never read, or the connection was never accepted). */
static void sock_release(sock_t *s, int embryo)
{
    s->dead = 1;
    if (s->node) {
        s->node->sock = 0;
        vnode_put(s->node);
        s->node = 0;
        vfs_mount_use(s->mnt, -1);
    }
    while (s->conns) {
        sock_t *e = s->conns;
        s->conns = e->next_conn;
        s->nconn--;
        sock_release(e, 1);
    }
    sock_t *t = s->peer;
    if (t) {
        if (s->type != SOCK_DGRAM) {
            t->shut = SHUT_RCV | SHUT_SEND;
            if (s->qlen || embryo) t->err = ECONNRESET;
            vfs_event(t);
        }
        s->peer = 0;
        sock_put(t);
    }
    while (s->qlen) rec_pop(s);
    pipe_free(s->rx);
    s->rx = 0;
    vfs_event(s);
    sock_put(s);
}

void sock_close(sock_t *s)
{
    s->file = 0;
    sock_release(s, 0);
}

/* Mark the sockets whose files sit in s's queue as reachable; 1 if one was not yet. */
static int gc_mark_queue(sock_t *s)
{
    int changed = 0;
    for (int i = 0; i < s->qlen; i++) {
        sock_rec_t *r = rec_at(s, i);
        for (uint32_t k = 0; k < r->nfds; k++) {
            sock_t *t = r->fds[k]->sock;
            if (t && !t->gc_live) { t->gc_live = 1; changed = 1; }
        }
    }
    return changed;
}

void sock_gc(void)
{
    static int running;
    if (running) return;
    running = 1;
    /* reachable: a socket whose file has references besides the records passing it (or has no file:
     * a connection not yet accepted), and, in turn, the sockets passed in reachable queues */
    for (sock_t *s = all_socks; s; s = s->next) s->gc_live = !s->file || s->file->refs > s->inflight;
    for (int changed = 1; changed;) {
        changed = 0;
        for (sock_t *s = all_socks; s; s = s->next) if (s->gc_live && !s->dead) changed |= gc_mark_queue(s);
    }
    sock_t *garbage = 0;
    for (sock_t *s = all_socks; s; s = s->next)
        if (!s->gc_live && !s->dead) { s->gc_next = garbage; garbage = sock_ref(s); }
    /* emptying the queues puts the files, which closes the sockets of the ring */
    while (garbage) {
        sock_t *s = garbage;
        garbage = s->gc_next;
        while (s->qlen) rec_pop(s);
        vfs_event(s);
        sock_put(s);
    }
    running = 0;
}
