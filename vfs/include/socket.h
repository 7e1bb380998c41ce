/*
 * Sockets of the VFS: AF_UNIX stream, datagram and seqpacket sockets, as unix(7) describes them.
 * A socket is an object an open file points at (file_t.sock), like a pipe: read, write, close,
 * dup, fork, poll and O_NONBLOCK reach it through the file. Its receive queue is a pipe ring
 * (bounded bytes) with a bounded table of message records (datagram boundaries, passed files,
 * credentials). A call that must wait returns VFS_WOULD_BLOCK and names, in its wait argument,
 * the object whose vfs_event() ends the wait. Errors are -errno, Linux's.
 */
#ifndef SOCKET_H
#define SOCKET_H
#include "vfs.h"

#define AF_UNSPEC 0
#define AF_UNIX 1
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_SEQPACKET 5
#define SOCK_QMAX 64         /* message records a receive queue holds */
#define SOCK_DGRAM_QLEN 10   /* Linux's net.unix.max_dgram_qlen: datagrams queued for another sender */
#define SCM_MAX_FD 253       /* files one message passes */
#define SUN_MAX 110          /* sizeof(struct sockaddr_un) */
#define SOCK_BUF_DEFAULT 212992  /* Linux's wmem_default/rmem_default (SO_SNDBUF, SO_RCVBUF) */

/* shut: the directions closed (shutdown(2), or the peer's close) */
#define SHUT_RCV 1
#define SHUT_SEND 2

/* recv/send flags */
#define MSG_OOB 1
#define MSG_PEEK 2
#define MSG_CTRUNC 8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

/* Who sends or connects: the process id and its real and effective ids. SCM_CREDENTIALS carries
 * pid, uid and gid (real ids, as Linux's default credentials); SO_PEERCRED pid, euid and egid. */
typedef struct sock_id { int32_t pid; uint32_t uid, gid, euid, egid; } sock_id_t;
typedef struct sock_cred { int32_t pid; uint32_t uid, gid; } sock_cred_t;  /* struct ucred */

/* One message of a receive queue: its bytes follow the previous record's in the ring. */
typedef struct sock_rec {
    uint32_t len;                  /* bytes still unread */
    uint32_t nfds;                 /* files passed with it (SCM_RIGHTS), a reference each */
    file_t **fds;
    struct sock *from;             /* datagrams: the sender (a reference), for recvfrom's address */
    int has_cred;                  /* credentials were attached (SO_PASSCRED on either end, or given) */
    sock_cred_t cred;
} sock_rec_t;

enum { SS_UNCONNECTED, SS_LISTEN, SS_CONNECTED };

typedef struct sock {
    int type, state;
    int refs;                      /* its open file (or a listener's queue), peers, records naming it */
    int dead;                      /* closed: its open file went */
    struct sock *peer;             /* connected: the other end; datagrams: the default destination */
    pipe_t *rx;                    /* the received bytes (0 once closed) */
    sock_rec_t q[SOCK_QMAX];       /* the received messages: qlen records from qhead */
    int qhead, qlen;
    struct sock *conns;            /* listening: connections not yet accepted (linked by next_conn) */
    struct sock *next_conn;
    int nconn, backlog;
    uint8_t addr[SUN_MAX];         /* the bound name as getsockname gives it (family, path), addrlen bytes */
    uint32_t addrlen;              /* 0: not bound */
    int named;                     /* bound by bind or autobind (an accepted socket has its listener's
                                      name without owning it) */
    vnode_t *node;                 /* bound to a path: its node (a reference) */
    int mnt;                       /* and the mount it was reached through (counted as a user there) */
    sock_cred_t cred;              /* listening: the listener's SO_PEERCRED for the clients */
    sock_cred_t peer_cred;         /* SO_PEERCRED: the peer's at connect/socketpair time */
    int has_peer_cred;
    int passcred, shut, err;
    uint32_t sndbuf, rcvbuf, opts; /* SO_SNDBUF, SO_RCVBUF; opts: bit n for boolean option n */
    uint64_t rcvtimeo, sndtimeo;   /* SO_RCVTIMEO, SO_SNDTIMEO in ns (0: wait for ever) */
    uint64_t ino;
    struct sock *next;             /* every socket (abstract names) */
    file_t *file;                  /* its open file (0: not accepted yet, or closed) */
    int inflight;                  /* records holding its open file (SCM_RIGHTS not yet received) */
    int gc_live;                   /* sock_gc: reachable from a process */
    struct sock *gc_next;          /* sock_gc: the garbage */
} sock_t;

/* A message for sock_send, or the one sock_recv took. */
typedef struct sock_msg {
    void *buf;
    uint64_t len;
    int flags;                     /* send: MSG_* */
    vnode_t *dir;                  /* send: where a path in to is looked up from */
    const uint8_t *to;             /* send: the destination (sockaddr_un, tolen bytes), or 0 */
    uint32_t tolen;
    uint8_t from[SUN_MAX];         /* recv: the sender's name (fromlen 0: it has none) */
    uint32_t fromlen;
    file_t *fds[SCM_MAX_FD];       /* send: files to pass (sock_send takes its own references);
                                      recv: files received, a reference each for the caller */
    uint32_t nfds;
    int has_cred;                  /* send: explicit credentials in cred; recv: cred is the sender's */
    sock_cred_t cred;
    uint64_t full;                 /* recv: the whole message's length (datagrams: MSG_TRUNC) */
    int got;                       /* recv: a message (or bytes) was taken, not end of file */
    void *wait;                    /* VFS_WOULD_BLOCK: the object to wait on */
} sock_msg_t;

/* socket(2)/socketpair(2): a new unbound socket (or a connected pair) as open files with flags
 * (O_NONBLOCK); domain, type (without the flag bits) and protocol checked as Linux does. */
long sock_create(int domain, int type, int protocol, uint32_t flags, file_t **out);
long sock_pair(int domain, int type, int protocol, uint32_t flags, const sock_id_t *me, file_t **a, file_t **b);
/* bind(2): a path (an S_IFSOCK node made in dir's namespace with mode 0777 & ~umask), an abstract
 * name (sun_path[0] 0), or an automatic abstract name when len is sizeof(sa_family_t). */
long sock_bind(sock_t *s, vnode_t *dir, const uint8_t *addr, uint32_t len, uint32_t umask);
long sock_listen(sock_t *s, int backlog, const sock_id_t *me);
/* connect(2): streams and seqpackets queue a new connection on the listener (or wait while its
 * backlog is full); datagram sockets set their default destination (AF_UNSPEC removes it). */
long sock_connect(sock_t *s, vnode_t *dir, const uint8_t *addr, uint32_t len, int nonblock, const sock_id_t *me, void **wait);
/* accept(2): the next connection of listening socket lf as a new open file with flags. */
long sock_accept(file_t *lf, uint32_t flags, file_t **out, void **wait);
/* send: the bytes queued (a stream takes what fits), or -errno; me may be 0 (no credentials) */
long sock_send(sock_t *s, sock_msg_t *m, int nonblock, const sock_id_t *me);
/* recv: the bytes copied into m->buf (m->len at most); flags MSG_PEEK, MSG_* of recv(2) */
long sock_recv(sock_t *s, sock_msg_t *m, int flags, int nonblock);
long sock_shutdown(sock_t *s, int how);
/* getsockname/getpeername: the name into out (SUN_MAX bytes) and its length, or -ENOTCONN */
long sock_name(sock_t *s, int peer, uint8_t *out);
/* getsockopt/setsockopt at SOL_SOCKET: the value into val (at most *len bytes; *len becomes its
 * size), or from val (len bytes) */
long sock_getopt(sock_t *s, int opt, void *val, uint32_t *len);
long sock_setopt(sock_t *s, int opt, const void *val, uint32_t len);
long sock_nread(sock_t *s);                   /* FIONREAD (SIOCINQ) */
long sock_nwrite(sock_t *s);                  /* TIOCOUTQ (SIOCOUTQ): bytes the peer has not read */
int sock_poll(sock_t *s, int events);
void sock_close(sock_t *s);                   /* its open file went */
/* Files passed in rings of sockets that no process can reach any more (a socket sent over itself)
 * are closed, as Linux's garbage collector of in-flight files does. file_put runs it when the open
 * file of a socket in flight loses a reference. */
void sock_gc(void);
/* read/write on an open file of a socket: recv/send with no flags */
long sock_read(file_t *f, void *buf, uint64_t len);
long sock_write(file_t *f, const void *buf, uint64_t len);
#endif
