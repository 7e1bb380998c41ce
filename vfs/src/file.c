/* Open files: reading and writing tmpfs files, devices and pipes; seeking, directories, status. */
#include "vfs.h"
#include "lib.h"
#include "tty.h"
#include "socket.h"

void *heap_alloc(uint64_t n);
void heap_free(void *p, uint64_t n);

enum { EPERM = 1, EBADF = 9, EAGAIN = 11, ENOMEM = 12, EISDIR = 21, EINVAL = 22, ENOTDIR = 20, ENOSPC = 28, ESPIPE = 29,
       EPIPE = 32, EFBIG = 27, ENXIO = 6 };
#define PG 4096UL
#define L1 512UL

file_t *file_get(file_t *f) { f->refs++; return f; }

file_t *file_new_anon(const file_ops_t *ops, void *priv, uint32_t flags)
{
    file_t *f = heap_alloc(sizeof(*f));
    if (!f) return 0;
    f->node = vfs_anon_inode();
    f->ops = ops;
    f->priv = priv;
    f->flags = flags;
    f->refs = 1;
    vfs_file_mount(f, 0);  /* counted like every file with a node (on the root mount; it never goes) */
    return f;
}

void file_put(file_t *f)
{
    if (--f->refs > 0) {
        if (f->sock && f->sock->inflight) sock_gc();
        return;
    }
    if (f->watched) epoll_file_gone(f);
    if (f->ops) f->ops->release(f);
    if (f->pipe) {
        pipe_t *p = f->pipe;
        uint32_t acc = f->flags & O_ACCMODE;
        if (acc != O_WRONLY) p->readers--;
        if (acc != O_RDONLY) p->writers--;
        vfs_event(p);
        if (!p->readers && !p->writers) {  /* a FIFO's data goes with its last opener, as on Linux */
            if (f->node && f->node->fifo == p) f->node->fifo = 0;
            pipe_free(p);
        }
    }
    if (f->sock) sock_close(f->sock);
    if (f->node && f->node->locks) lock_release(f->node, (uint64_t)f);  /* its OFD and flock locks */
    if (f->tty) tty_close(f);
    if (f->node) { vfs_file_unmount(f); vnode_put(f->node); }
    heap_free(f, sizeof(*f));
}

/* ---- file contents ---- */
/* tmpfs holds at most half of RAM, as Linux's default size: then writes fail with ENOSPC. */
static uint64_t tmpfs_pages;
uint64_t tmpfs_used_pages(void) { return tmpfs_pages; }
static int tmpfs_full(void) { return mem_low() || tmpfs_pages * PG >= bootinfo->ram_bytes / 2; }

/* Page idx of a file's contents: pages is a two-level table (512 x 512 frames, 1 GiB). */
static uint64_t *frame_slot(vnode_t *n, uint64_t idx, int alloc)
{
    if (idx >= L1 * L1) return 0;
    uint64_t ***top = (uint64_t ***)&n->pages;
    if (!*top) { if (!alloc || mem_low()) return 0; *top = heap_alloc(PG); }
    uint64_t *mid = (*top)[idx / L1];
    if (!mid) { if (!alloc || mem_low()) return 0; mid = (*top)[idx / L1] = heap_alloc(PG); }
    return &mid[idx % L1];
}

static uint32_t frame_at(vnode_t *n, uint64_t idx, int alloc)
{
    uint64_t *s = frame_slot(n, idx, alloc);
    if (!s) return 0;
    if (!*s && alloc && !tmpfs_full() && (*s = vfs_frame_alloc())) tmpfs_pages++;
    return (uint32_t)*s;
}

static uint8_t *page_at(vnode_t *n, uint64_t idx, int alloc)
{
    uint32_t f = frame_at(n, idx, alloc);
    return f ? vfs_frame_ptr(f) : 0;
}

static void page_drop(vnode_t *n, uint64_t idx)
{
    uint64_t *s = frame_slot(n, idx, 0);
    if (!s || !*s) return;
    vfs_frame_put((uint32_t)*s);
    *s = 0;
    tmpfs_pages--;
}

/* Contents from the boot image become ordinary pages before the first change. */
static long own_data(vnode_t *n)
{
    if (!n->ro_data) return 0;
    const uint8_t *d = n->ro_data;
    for (uint64_t off = 0; off < n->size; off += PG) {
        uint8_t *pg = page_at(n, off / PG, 1);
        if (!pg) return -ENOSPC;  /* the pages made so far hold a prefix; ro_data still has it all */
        memcpy(pg, d + off, n->size - off < PG ? n->size - off : PG);
    }
    n->ro_data = 0;
    return 0;
}

long vfs_seals_allow_size(vnode_t *n, uint64_t size)
{
    if ((size < n->size && (n->seals & F_SEAL_SHRINK)) || (size > n->size && (n->seals & F_SEAL_GROW))) return -EPERM;
    return 0;
}

long file_truncate(vnode_t *n, uint64_t size)
{
    if ((n->mode & S_IFMT) == S_IFDIR) return -EISDIR;
    if ((n->mode & S_IFMT) != S_IFREG) return -EINVAL;
    if (size > L1 * L1 * PG) return -EFBIG;
    if (own_data(n)) return -ENOSPC;
    for (uint64_t i = (size + PG - 1) / PG; i * PG < n->size; i++) page_drop(n, i);
    if (size % PG && size < n->size) {
        uint8_t *pg = page_at(n, size / PG, 0);
        if (pg) memset(pg + size % PG, 0, PG - size % PG);
    }
    if (size == 0 && n->pages) {
        uint64_t ***top = (uint64_t ***)&n->pages;
        for (uint64_t i = 0; i < L1; i++) if ((*top)[i]) heap_free((*top)[i], PG);
        heap_free(*top, PG);
        *top = 0;
    }
    n->size = size;
    n->mtime = n->ctime = vfs_now();
    return 0;
}

static long reg_read(vnode_t *n, uint8_t *buf, uint64_t len, uint64_t off)
{
    if (off >= n->size) return 0;
    if (len > n->size - off) len = n->size - off;
    if (n->ro_data) { memcpy(buf, n->ro_data + off, len); return (long)len; }
    for (uint64_t done = 0; done < len;) {
        uint64_t o = off + done, k = PG - o % PG;
        if (k > len - done) k = len - done;
        uint8_t *pg = page_at(n, o / PG, 0);
        if (pg) memcpy(buf + done, pg + o % PG, k); else memset(buf + done, 0, k);
        done += k;
    }
    return (long)len;
}

static long reg_write(vnode_t *n, const uint8_t *buf, uint64_t len, uint64_t off)
{
    if (off + len > L1 * L1 * PG || off + len < off) return -EFBIG;
    if (own_data(n)) return -ENOSPC;
    for (uint64_t done = 0; done < len;) {
        uint64_t o = off + done, k = PG - o % PG;
        if (k > len - done) k = len - done;
        uint8_t *pg = page_at(n, o / PG, 1);
        if (!pg) return done ? (long)done : -ENOSPC;
        memcpy(pg + o % PG, buf + done, k);
        done += k;
    }
    if (off + len > n->size) n->size = off + len;
    n->mtime = n->ctime = vfs_now();
    return (long)len;
}

long vnode_frame(vnode_t *n, uint64_t idx, uint32_t *frame)
{
    if ((n->mode & S_IFMT) != S_IFREG) return -EINVAL;
    if (idx >= (n->size + PG - 1) / PG) return -ENXIO;
    if (own_data(n)) return -ENOMEM;
    uint32_t f = frame_at(n, idx, 1);
    if (!f) return -ENOMEM;
    *frame = f;
    return 0;
}

long vnode_read(vnode_t *n, void *buf, uint64_t len, uint64_t off)
{
    if ((n->mode & S_IFMT) != S_IFREG) return -EINVAL;
    return reg_read(n, buf, len, off);
}

/* ---- devices ---- */
static long dev_read(vnode_t *n, uint8_t *buf, uint64_t len, int nonblock)
{
    switch (n->rdev) {
    case DEV_NULL: return 0;
    case DEV_ZERO: case DEV_FULL: memset(buf, 0, len); return (long)len;
    case DEV_RANDOM: case DEV_URANDOM: {
        static uint64_t s = 0x9e3779b97f4a7c15ULL;
        for (uint64_t i = 0; i < len; i++) { s ^= read_cntvct(); s = s * 6364136223846793005ULL + 1; buf[i] = (uint8_t)(s >> 33); }
        return (long)len;
    }
    }
    (void)nonblock;
    return -ENXIO;
}

static long dev_write(vnode_t *n, const uint8_t *buf, uint64_t len)
{
    (void)buf;
    switch (n->rdev) {
    case DEV_NULL: case DEV_ZERO: case DEV_RANDOM: case DEV_URANDOM: return (long)len;
    case DEV_FULL: return -ENOSPC;
    }
    return -ENXIO;
}

/* ---- pipes ---- */
long pipe_create(file_t **r, file_t **w, uint32_t flags)
{
    if (mem_low()) return -ENOMEM;  /* a ring is 64 KiB: memory is left for the servers */
    pipe_t *p = pipe_new();
    p->readers = p->writers = 1;
    static uint64_t pipe_ino = 4000;
    p->ino = pipe_ino++;
    file_t *a = heap_alloc(sizeof(file_t)), *b = heap_alloc(sizeof(file_t));
    a->pipe = b->pipe = p;
    a->flags = O_RDONLY | (flags & O_NONBLOCK);
    b->flags = O_WRONLY | (flags & O_NONBLOCK);
    a->refs = b->refs = 1;
    *r = a;
    *w = b;
    return 0;
}

long pipe_open(pipe_t *p, uint32_t flags, file_t **out)
{
    uint32_t acc = flags & O_ACCMODE;
    if (acc == 3) return -EINVAL;
    file_t *f = heap_alloc(sizeof(file_t));
    f->pipe = p;
    f->flags = acc | (flags & O_NONBLOCK);
    f->refs = 1;
    if (acc == O_RDONLY) p->readers++; else p->writers++;  /* file_put counts O_RDWR as a writer too */
    vfs_event(p);
    *out = f;
    return 0;
}

pipe_t *pipe_new(void)
{
    pipe_t *p = heap_alloc(sizeof(pipe_t));
    for (uint64_t i = 0; i < PIPE_SIZE / PG; i++) p->pg[i] = heap_alloc(PG);
    return p;
}

void pipe_free(pipe_t *p)
{
    for (uint64_t i = 0; i < PIPE_SIZE / PG; i++) heap_free(p->pg[i], PG);
    heap_free(p, sizeof(*p));
}

/* A FIFO's open file f (f->node set): join the node's pipe as reader, writer or both. */
long fifo_attach(file_t *f)
{
    vnode_t *n = f->node;
    uint32_t acc = f->flags & O_ACCMODE;
    if (acc == O_WRONLY && (f->flags & O_NONBLOCK) && (!n->fifo || !n->fifo->readers)) return -ENXIO;
    if (!n->fifo && mem_low()) return -ENOMEM;
    if (!n->fifo) n->fifo = pipe_new();
    pipe_t *p = f->pipe = n->fifo;
    if (acc != O_WRONLY) { p->readers++; p->r_opens++; if ((f->flags & O_NONBLOCK) && !p->writers) f->fifo_w = p->w_opens; }
    if (acc != O_RDONLY) { p->writers++; p->w_opens++; }
    vfs_event(p);  /* openers waiting for this side */
    return 0;
}

int fifo_need_wait(file_t *f)
{
    uint32_t acc = f->flags & O_ACCMODE;
    if (!f->node || !f->pipe || (f->flags & O_NONBLOCK) || acc == O_RDWR) return 0;
    return acc == O_RDONLY ? !f->pipe->writers : !f->pipe->readers;
}

uint32_t fifo_partner(file_t *f)
{
    return (f->flags & O_ACCMODE) == O_RDONLY ? f->pipe->w_opens : f->pipe->r_opens;
}

/* Copy between a buffer and the ring at position pos (modulo its size), a page run at a time. */
static void ring_copy(pipe_t *p, uint64_t pos, uint8_t *buf, uint64_t len, int to_ring)
{
    while (len) {
        uint64_t i = pos % PIPE_SIZE, k = PG - i % PG;
        if (k > len) k = len;
        uint8_t *r = &p->pg[i / PG][i % PG];
        if (to_ring) memcpy(r, buf, k); else memcpy(buf, r, k);
        pos += k; buf += k; len -= k;
    }
}

void ring_put(pipe_t *p, const void *buf, uint64_t len)
{
    ring_copy(p, p->head + p->len, (uint8_t *)buf, len, 1);
    p->len += len;
}

void ring_peek(pipe_t *p, uint64_t skip, void *buf, uint64_t len)
{
    ring_copy(p, p->head + skip, buf, len, 0);
}

void ring_drop(pipe_t *p, uint64_t len)
{
    p->head = (p->head + len) % PIPE_SIZE;
    p->len -= len;
}

static long pipe_read(file_t *f, uint8_t *buf, uint64_t len)
{
    pipe_t *p = f->pipe;
    if (!p->len) {
        if (!p->writers) return 0;
        return f->flags & O_NONBLOCK ? -EAGAIN : VFS_WOULD_BLOCK;
    }
    if (len > p->len) len = p->len;
    ring_peek(p, 0, buf, len);
    ring_drop(p, len);
    vfs_event(p);
    return (long)len;
}

static long pipe_write(file_t *f, const uint8_t *buf, uint64_t len)
{
    pipe_t *p = f->pipe;
    uint64_t space = PIPE_SIZE - p->len;
    if (!p->readers) return -EPIPE;
    if (len == 0) return 0;
    /* up to PIPE_BUF bytes go in at once or not at all */
    if (space == 0 || (len <= PIPE_BUF && space < len)) return f->flags & O_NONBLOCK ? -EAGAIN : VFS_WOULD_BLOCK;
    if (len > space) len = space;
    ring_put(p, buf, len);
    vfs_event(p);
    return (long)len;
}

void *vfs_wait_object(file_t *f)
{
    if (f->ops) return f->ops->wait_object ? f->ops->wait_object(f) : f->priv;
    if (f->pipe) return f->pipe;
    if (f->sock) return f->sock;
    return f->tty;  /* terminals report events on their tty_t */
}

/* ---- generic ---- */
long file_read(file_t *f, void *buf, uint64_t len, uint64_t *off)
{
    if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH)) return -EBADF;
    if (f->ops) return off ? -ESPIPE : f->ops->read(f, buf, len);
    if (f->pipe) return off ? -ESPIPE : pipe_read(f, buf, len);
    if (f->sock) return off ? -ESPIPE : sock_read(f, buf, len);
    vnode_t *n = f->node;
    uint32_t t = n->mode & S_IFMT;
    if (t == S_IFDIR) return -EISDIR;
    if (f->tty) return off ? -ESPIPE : tty_file_read(f, buf, len, 0);
    if (t == S_IFCHR) return dev_read(n, buf, len, (f->flags & O_NONBLOCK) != 0);
    long r = reg_read(n, buf, len, off ? *off : f->off);
    if (r > 0 && !off) f->off += (uint64_t)r;
    return r;
}

long file_write(file_t *f, const void *buf, uint64_t len, uint64_t *off)
{
    if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH)) return -EBADF;
    if (f->ops) return off ? -ESPIPE : f->ops->write(f, buf, len);
    if (f->pipe) return off ? -ESPIPE : pipe_write(f, buf, len);
    if (f->sock) return off ? -ESPIPE : sock_write(f, buf, len);
    vnode_t *n = f->node;
    uint32_t t = n->mode & S_IFMT;
    if (f->tty) return off ? -ESPIPE : tty_file_write(f, buf, len);
    if (t == S_IFCHR) return dev_write(n, buf, len);
    if (t != S_IFREG) return -EINVAL;
    uint64_t pos = off ? *off : (f->flags & O_APPEND) ? n->size : f->off;
    if (n->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return -EPERM;
    if (len && pos + len > n->size && vfs_seals_allow_size(n, pos + len)) return -EPERM;
    long r = reg_write(n, buf, len, pos);
    if (r > 0 && !off) f->off = pos + (uint64_t)r;
    return r;
}

long file_lseek(file_t *f, int64_t off, int whence)
{
    if (f->ops) return 0;  /* anon-inode files: Linux's noop_llseek */
    if (f->pipe || f->sock) return -ESPIPE;
    vnode_t *n = f->node;
    if (f->tty) return -ESPIPE;
    if ((n->mode & S_IFMT) == S_IFCHR) return 0;
    int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t)f->off : whence == 2 ? (int64_t)n->size : -1;
    if (whence == 3 || whence == 4) {  /* SEEK_DATA, SEEK_HOLE: all data */
        if (off < 0 || (uint64_t)off >= n->size) return -6; /* ENXIO */
        f->off = whence == 3 ? (uint64_t)off : n->size;
        return (long)f->off;
    }
    if (base < 0) return -EINVAL;
    if (base + off < 0) return -EINVAL;
    f->off = (uint64_t)(base + off);
    return (long)f->off;
}

/* struct linux_dirent64 records; f->off is where to go on: 0 ".", 1 "..", then the first entry whose
 * seq is at least f->off (entries are in creation order, so seq grows along the list). */
long file_getdents(file_t *f, void *buf, uint64_t len)
{
    vnode_t *n = f->node;
    if (!n || (n->mode & S_IFMT) != S_IFDIR) return -ENOTDIR;
    uint8_t *out = buf;
    uint64_t pos = 0;
    dentry_t *d = n->entries;
    for (;;) {
        const char *name;
        vnode_t *node;
        uint64_t at = f->off;
        if (at == 0) { name = "."; node = n; }
        else if (at == 1) { name = ".."; node = n->parent ? n->parent : n; }
        else {
            while (d && d->seq < at) d = d->next;
            if (!d) break;
            name = d->name; node = d->node; at = d->seq;
        }
        uint64_t nl = strlen(name), reclen = (19 + nl + 1 + 7) & ~7UL;
        if (pos + reclen > len) { if (!pos) return -EINVAL; break; }
        uint8_t *r = out + pos;
        memset(r, 0, reclen);
        *(uint64_t *)r = node->ino;
        *(uint64_t *)(r + 8) = at + 1;
        *(uint16_t *)(r + 16) = (uint16_t)reclen;
        uint32_t t = node->mode & S_IFMT;
        r[18] = t == S_IFDIR ? 4 : t == S_IFREG ? 8 : t == S_IFLNK ? 10 : t == S_IFCHR ? 2 : t == S_IFBLK ? 6 :
                t == S_IFIFO ? 1 : t == S_IFSOCK ? 12 : 0;
        memcpy(r + 19, name, nl);
        pos += reclen;
        f->off = at + 1;
    }
    return (long)pos;
}

void vnode_stat(vnode_t *n, void *statbuf)
{
    uint8_t *b = statbuf;
    memset(b, 0, 128);
    *(uint64_t *)(b + 0) = vfs_dev(n);       /* st_dev */
    *(uint64_t *)(b + 8) = n->ino;
    *(uint32_t *)(b + 16) = n->mode;
    *(uint32_t *)(b + 20) = n->nlink;
    *(uint32_t *)(b + 24) = n->uid;
    *(uint32_t *)(b + 28) = n->gid;
    *(uint64_t *)(b + 32) = n->rdev;
    *(uint64_t *)(b + 48) = n->size;
    *(uint32_t *)(b + 56) = 4096;            /* st_blksize */
    *(uint64_t *)(b + 64) = (n->size + 511) / 512;
    *(uint64_t *)(b + 72) = n->atime / 1000000000ULL; *(uint64_t *)(b + 80) = n->atime % 1000000000ULL;
    *(uint64_t *)(b + 88) = n->mtime / 1000000000ULL; *(uint64_t *)(b + 96) = n->mtime % 1000000000ULL;
    *(uint64_t *)(b + 104) = n->ctime / 1000000000ULL; *(uint64_t *)(b + 112) = n->ctime % 1000000000ULL;
}

/* Pipes, FIFOs, terminals and anon-inode files; not regular files, directories or other devices. */
int vfs_file_pollable(file_t *f) { return f->ops || f->pipe || f->tty || f->sock; }

int file_poll(file_t *f, int events)
{
    int r = 0;
    if (f->ops) return f->ops->poll(f, events);
    if (f->pipe) {
        pipe_t *p = f->pipe;
        uint32_t acc = f->flags & O_ACCMODE;
        if (acc != O_WRONLY) {
            if (p->len) r |= 1;
            /* a FIFO reader that has never seen a writer is not hung up (Linux keeps the count) */
            if (!p->writers && (!f->node || f->fifo_w != p->w_opens)) r |= 16;
        }
        if (acc != O_RDONLY) {
            if (PIPE_SIZE - p->len >= PIPE_BUF) r |= 4;
            if (!p->readers) r |= 8;
        }
        return r & (events | 8 | 16);
    }
    if (f->tty) return tty_file_poll(f, events);
    if (f->sock) return sock_poll(f->sock, events);
    return (1 | 4) & events;
}
