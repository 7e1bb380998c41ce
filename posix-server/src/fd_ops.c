/*
 * File descriptors and the file syscalls. A descriptor names an open file of the VFS; the table is
 * per process (shared by its threads), inherited by fork, filtered by O_CLOEXEC at execve.
 * A call that would block leaves its thread waiting (P_IO, or P_POLL for ppoll) and is run again
 * when the object it waits for changes.
 */
#include "posix.h"
#include "socket.h"

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EMPTY_PATH 0x1000
enum { ENOTDIR_ = 20, EISDIR_ = 21, ESPIPE_ = 29, EPIPE_ = 32, ERANGE_ = 34, EACCES_ = 13, EBUSY_ = 16 };

extern proc_t *current_caller;
static int io_retrying;  /* a blocked call is being made again (io_run_wakeups) */
static long tty_check(proc_t *p, tty_t *t, int sig);

file_t *fd_file(proc_t *p, uint64_t fd)
{
    return fd < MAX_FDS ? p->grp->fds[fd] : 0;
}

long fd_free(proc_t *p, int min)
{
    proc_t *g = p->grp;
    uint64_t lim = g->rlim[7][0] < MAX_FDS ? g->rlim[7][0] : MAX_FDS;
    for (uint64_t i = (uint64_t)min; i < lim; i++)
        if (!g->fds[i]) return (long)i;
    return -EMFILE;
}

long fd_alloc(proc_t *p, file_t *f, int min, int cloexec)
{
    long i = fd_free(p, min);
    if (i < 0) return i;
    p->grp->fds[i] = f;
    p->grp->cloexec[i] = (uint8_t)cloexec;
    return i;
}

void fd_close(proc_t *g, uint64_t fd)
{
    file_t *f = g->fds[fd];
    g->fds[fd] = 0;
    g->cloexec[fd] = 0;
    if (!f) return;
    /* any close of the file releases the process's record locks on it (POSIX's rule) */
    if (f->node && f->node->locks) lock_release(f->node, (uint64_t)g->tgid);
    file_put(f);
}

void fd_fork(proc_t *parent, proc_t *child)
{
    proc_t *g = parent->grp;
    for (int i = 0; i < MAX_FDS; i++)
        if (g->fds[i]) { child->fds[i] = file_get(g->fds[i]); child->cloexec[i] = g->cloexec[i]; }
    child->cwd = g->cwd;
    child->cwd_mnt = g->cwd_mnt;
    if (child->cwd) { vnode_ref(child->cwd); vfs_mount_use(child->cwd_mnt, 1); }
}

/* The cwd becomes n, reached through mount mnt. */
static void set_cwd(proc_t *g, vnode_t *n, int mnt)
{
    vnode_ref(n);
    vfs_mount_use(mnt, 1);
    if (g->cwd) { vnode_put(g->cwd); vfs_mount_use(g->cwd_mnt, -1); }
    g->cwd = n;
    g->cwd_mnt = mnt;
}

void fd_exec(proc_t *p)
{
    for (int i = 0; i < MAX_FDS; i++)
        if (p->grp->fds[i] && p->grp->cloexec[i]) fd_close(p->grp, (uint64_t)i);
}

void fd_exit(proc_t *g)
{
    for (int i = 0; i < MAX_FDS; i++) if (g->fds[i]) fd_close(g, (uint64_t)i);
    if (g->cwd) { vnode_put(g->cwd); vfs_mount_use(g->cwd_mnt, -1); g->cwd = 0; }
}

void fd_init_console(proc_t *init)
{
    file_t *f;
    set_cwd(init, vfs_root(), 0);
    if (vfs_open(vfs_root(), "/dev/console", O_RDWR, 0, 0, &f) == 0) {
        init->fds[0] = f;
        init->fds[1] = file_get(f);
        init->fds[2] = file_get(f);
    }
}

/* The struct stat of an object in no directory: a pipe (pipefs) or a socket (sockfs). */
static void anon_stat(uint64_t dev, uint64_t ino, uint32_t mode, uint8_t *st)
{
    memset(st, 0, 128);
    *(uint64_t *)(st + 0) = dev;
    *(uint64_t *)(st + 8) = ino;
    *(uint32_t *)(st + 16) = mode;
    *(uint32_t *)(st + 20) = 1;
    *(uint32_t *)(st + 56) = 4096;
}
static void pipe_stat(pipe_t *pp, uint8_t *st) { anon_stat(0xc, pp->ino, S_IFIFO | 0600, st); }
static void sock_stat(sock_t *s, uint8_t *st) { anon_stat(0x8, s->ino, S_IFSOCK | 0777, st); }

void procfs_refresh(proc_t *caller, const char *path);
void procfs_refresh_mounted(proc_t *caller, const char *path);
void sysfs_populate(void);

/* The directory a *at call starts from. A relative path from a directory of /proc gets fresh
 * contents there first, as an absolute one does in get_path. */
static long at_dir(proc_t *p, int64_t dirfd, const char *path, vnode_t **dir)
{
    if (path[0] == '/' || dirfd == AT_FDCWD) {
        *dir = p->grp->cwd ? p->grp->cwd : vfs_root();
    } else {
        file_t *f = fd_file(p, (uint64_t)dirfd);
        if (!f) return -EBADF;
        if (!f->node || (f->node->mode & S_IFMT) != S_IFDIR) return -ENOTDIR_;
        *dir = f->node;
    }
    if (path[0] != '/' && vfs_fss[(*dir)->fs].magic == 0x9fa0) {
        static char abs[VFS_PATH_MAX];
        long l = vfs_node_path(*dir, abs, sizeof(abs));
        uint64_t pl = strlen(path);
        if (l > 0 && (uint64_t)l + 2 + pl < sizeof(abs)) {
            abs[l] = '/';
            memcpy(abs + l + 1, path, pl + 1);
            procfs_refresh(p, abs);
        }
    }
    return 0;
}

/* A path from the process; a path into /proc gets fresh contents there first (made by the server). */
static long get_path(proc_t *p, uint64_t upath, char *buf)
{
    long r = copy_in_str(p, buf, upath, VFS_PATH_MAX);
    if (r < 0) return r;
    const char *s = buf;
    while (s[0] == '/' && s[1] == '/') s++;
    const vfs_cred_t *c = vfs_cred;  /* the server makes these files, not the caller */
    vfs_cred = 0;
    if (!memcmp(s, "/proc", 5) && (s[5] == 0 || s[5] == '/')) procfs_refresh(p, s);
    else if (!memcmp(s, "/sys", 4) && (s[4] == 0 || s[4] == '/')) sysfs_populate();
    else if (s[0] == '/') procfs_refresh_mounted(p, s);  /* proc or sysfs mounted elsewhere */
    vfs_cred = c;
    return 0;
}

/*
 * Threads that may be waiting in P_IO or P_POLL: a bit per slot of procs[], set when one starts to
 * wait and cleared by io_run_wakeups once the slot is found not waiting, so a wakeup looks only at
 * the threads that wait instead of every slot.
 */
static uint64_t io_waiting[MAX_PROCS / 64];
static void io_wait_mark(proc_t *p) { uint64_t i = (uint64_t)(p - procs); io_waiting[i / 64] |= 1UL << (i % 64); }

/*
 * "/proc/<pid>/fd/<n>" or "/proc/self/fd/<n>": Linux follows such a link to the open file itself (a
 * pipe, an unlinked file), not to the text it shows. That open file, or 0 for any other path.
 */
static file_t *proc_fd_link(proc_t *p, const char *s)
{
    proc_t *g;
    if (memcmp(s, "/proc/", 6)) return 0;
    s += 6;
    if (!memcmp(s, "self/", 5)) { g = p->grp; s += 5; }
    else {
        int pid = 0;
        const char *d = s;
        while (*s >= '0' && *s <= '9' && pid < 1000000) pid = pid * 10 + (*s++ - '0');
        if (s == d || *s++ != '/' || !(g = proc_by_pid(pid)) || g->grp != g || g->state == P_ZOMBIE) return 0;
    }
    if (memcmp(s, "fd/", 3)) return 0;
    s += 3;
    uint64_t n = 0;
    const char *d = s;
    while (*s >= '0' && *s <= '9' && n < MAX_FDS) n = n * 10 + (uint64_t)(*s++ - '0');
    if (s == d || *s || n >= MAX_FDS) return 0;
    return g->fds[n];
}

/* The credentials the VFS checks: the effective ids (real ones for access/faccessat). */
static vfs_cred_t cur_cred;
static void set_cred(proc_t *g, int real)
{
    cur_cred.uid = real ? g->uid : g->euid;
    cur_cred.gid = real ? g->gid : g->egid;
    cur_cred.ngroups = g->ngroups;
    cur_cred.groups = g->groups;
    cur_cred.cwd = g->cwd;
    cur_cred.cwd_mnt = g->cwd_mnt;
    vfs_cred = &cur_cred;
}

/* Wait for obj: the call is run again when vfs_event reports it. */
long fd_block(proc_t *p, void *obj, uint64_t nr, uint64_t a[6])
{
    io_wait_mark(p);
    p->state = P_IO;
    p->wait_obj = obj;
    p->sys_nr = nr;
    memcpy(p->sys_args, a, sizeof(p->sys_args));
    return SYSCALL_NO_REPLY;
}

/* Wait for f: the call is run again when it changes. */
static long block_on(proc_t *p, file_t *f, uint64_t nr, uint64_t a[6]) { return fd_block(p, vfs_wait_object(f), nr, a); }

/* SIGPIPE goes with EPIPE. */
long fd_epipe(proc_t *p, long r)
{
    sig_info_t si = { .code = SI_USER, .a = p->tgid, .b = (int32_t)p->grp->uid };
    if (r == -EPIPE_) sig_send_info(p, 13, &si);  /* to the thread, as Linux's send_sig */
    return r;
}

static int io_expired;  /* a call is made again because its deadline passed (fd_io_timeout) */
int fd_io_expired(void) { return io_expired; }

/*
 * read or readv of a terminal: one call of the line discipline for the whole request (at most
 * PIPE_BUF bytes) through a buffer, so that VMIN and packet mode see it whole, not in pages. A read
 * that waits keeps VTIME's timer (tty_read_timer): when it runs out the read is made again with
 * io_expired and takes what there is.
 */
static long tty_read(proc_t *p, file_t *f, uint64_t nr, uint64_t a[6], int vec)
{
    static uint8_t buf[PIPE_BUF];
    uint64_t segs = vec ? a[2] : 1, want = 0;
    if (vec && segs > 1024) return -EINVAL;
    for (uint64_t s = 0; s < segs && want < sizeof(buf); s++) {
        uint64_t v[2] = { a[1], a[2] };
        if (vec && copy_in(p, v, a[1] + 16 * s, 16)) return -EFAULT;
        if ((int64_t)v[1] < 0) return -EINVAL;
        want += v[1];
    }
    if (!want) return 0;
    if (!io_retrying) p->tty_mark = 0;  /* a read starts */
    long r = tty_file_read(f, buf, want < sizeof(buf) ? want : sizeof(buf), io_expired);
    if (r == VFS_WOULD_BLOCK) {
        int tenths = tty_read_timer(f, p->wake_at != 0, &p->tty_mark);
        if (tenths) {
            sleep_disarm(p);
            sleep_arm(p, read_cntvct() + read_cntfrq() * (uint64_t)tenths / 10);
        }
        return block_on(p, f, nr, a);
    }
    if (r <= 0) return r;
    uint64_t done = 0;
    for (uint64_t s = 0; s < segs && done < (uint64_t)r; s++) {
        uint64_t v[2] = { a[1], a[2] };
        if (vec) copy_in(p, v, a[1] + 16 * s, 16);
        uint64_t k = v[1] < (uint64_t)r - done ? v[1] : (uint64_t)r - done;
        if (copy_out(p, v[0], buf + done, k)) return done ? (long)done : -EFAULT;  /* as Linux: those bytes are gone */
        done += k;
    }
    return r;
}

/* The deadline of a thread waiting in P_IO passed (a tty read's VTIME): the call is made again and
 * answers what it can; SYSCALL_NO_REPLY if it goes on waiting. */
long fd_io_timeout(proc_t *p)
{
    p->state = P_RUN;
    current_caller = p;
    io_retrying = io_expired = 1;
    long r = posix_syscall(p, p->sys_nr, p->sys_args);
    io_retrying = io_expired = 0;
    current_caller = 0;
    return r;
}

static long do_rw(proc_t *p, uint64_t nr, uint64_t a[6], int write, int vec, int positional)
{
    file_t *f = fd_file(p, a[0]);
    if (!f) return -EBADF;
    uint64_t pos = positional ? a[3] : 0, *offp = positional ? &pos : 0;
    if (f->sock) return positional ? -ESPIPE : sock_rw(p, f, nr, a, write, vec);
    /* a pipe, and one piece within one page (the common case): no loop and no bounce buffer (one
     * page is one file_write, so a write of up to PIPE_BUF stays whole); otherwise the loop below */
    if (f->pipe && !vec && !positional && !p->io_done && a[2] - 1 < PAGE - (a[1] & (PAGE - 1))) {
        uint8_t *u = user_ptr(p, a[1], !write);
        if (!u) return -EFAULT;
        long r = write ? file_write(f, u, a[2], 0) : file_read(f, u, a[2], 0);
        if (r == VFS_WOULD_BLOCK) return block_on(p, f, nr, a);
        return write ? fd_epipe(p, r) : r;
    }
    if (positional && (int64_t)pos < 0) return -EINVAL;
    /* job control: a background group reading its controlling tty (or writing it under TOSTOP);
     * not through /dev/console, as in Linux, and only when the call starts */
    if (f->tty && !f->master && !io_retrying && !p->io_done && f->node->rdev != DEV_CONSOLE) {
        long jc = write ? (f->tty->lflag & TOSTOP ? tty_check(p, f->tty, 22) : 0) : tty_check(p, f->tty, 21);
        if (jc) return jc;
    }
    if (f->tty && !write && !positional) return tty_read(p, f, nr, a, vec);
    uint64_t segs = vec ? a[2] : 1;
    if (vec && segs > 1024) return -EINVAL;
    static uint8_t buf[PIPE_BUF];
    long total = 0;
    uint64_t skip = write ? p->io_done : 0;  /* a blocked write resumes where it stopped */
    for (uint64_t s = 0; s < segs; s++) {
        uint64_t base = a[1], len = a[2];
        if (vec) {
            uint64_t v[2];
            if (copy_in(p, v, a[1] + 16 * s, 16)) return total ? total : -EFAULT;
            base = v[0]; len = v[1];
        }
        if ((int64_t)len < 0) return -EINVAL;
        while (len) {
            if (skip) { uint64_t k = skip < len ? skip : len; skip -= k; base += k; len -= k; total += (long)k; continue; }
            uint64_t n;
            long r;
            if (write && f->pipe && !vec && a[2] <= PIPE_BUF) {  /* atomic: all of it or wait */
                n = len;
                if (copy_in(p, buf, base, n)) return total ? total : -EFAULT;
                r = file_write(f, buf, n, offp);
            } else {  /* straight between the file and the process's page, a page at a time */
                n = PAGE - (base & (PAGE - 1));
                if (n > len) n = len;
                uint8_t *u = user_ptr(p, base, !write);
                if (!u) return total ? total : -EFAULT;
                r = write ? file_write(f, u, n, offp) : file_read(f, u, n, offp);
            }
            if (r == VFS_WOULD_BLOCK) {
                if (total && !write) return total;
                if (write) p->io_done = (uint64_t)total;
                return block_on(p, f, nr, a);
            }
            if (r < 0) { p->io_done = 0; return total ? total : write ? fd_epipe(p, r) : r; }
            total += r;
            if (offp) pos += (uint64_t)r;
            base += (uint64_t)r;
            len -= (uint64_t)r;
            /* short: stop here; but a blocking write of a terminal waits to write the rest, as Linux's */
            if ((uint64_t)r < n && !(write && f->tty && !(f->flags & O_NONBLOCK))) { p->io_done = 0; return total; }
        }
    }
    p->io_done = 0;
    return total;
}

static long sys_openat(proc_t *p, uint64_t nr, uint64_t a[6])
{
    static char path[VFS_PATH_MAX];
    int64_t dirfd = (int64_t)(int)a[0];
    uint64_t flags = a[2];
    vnode_t *dir;
    file_t *f;
    long r;
    if (p->open_wait) {  /* a FIFO open waiting for the other side: has it opened since? */
        f = p->open_wait;
        if (fifo_partner(f) == p->open_count) return block_on(p, f, nr, a);
        p->open_wait = 0;
    } else {
        if ((r = get_path(p, a[1], path)) || (r = at_dir(p, dirfd, path, &dir))) return r;
        file_t *linked = (flags & O_NOFOLLOW) ? 0 : proc_fd_link(p, path);
        if (linked && (flags & O_CREAT) && (flags & O_EXCL)) return -EEXIST;
        if (linked && linked->sock) return -ENXIO;  /* sockets are not opened, as on Linux */
        if (linked && linked->pipe && !linked->node) r = pipe_open(linked->pipe, (uint32_t)flags, &f);
        else if (linked && linked->node) r = vfs_open_node(linked->node, (uint32_t)flags & ~(uint32_t)O_CREAT, &f);
        else r = vfs_open(dir, path, (uint32_t)flags, (uint32_t)a[3], p->grp->umask, &f);
        if (r) return r;
        if (fifo_need_wait(f)) {
            p->open_wait = f;
            p->open_count = fifo_partner(f);
            return block_on(p, f, nr, a);
        }
    }
    proc_t *g = p->grp;
    if (f->node && (f->node->mode & S_IFMT) == S_IFCHR && !(f->flags & O_PATH)) {
        if (f->node->rdev == DEV_TTY) {             /* /dev/tty: the controlling terminal */
            tty_t *t = ctty_of(g);
            if (!t) { file_put(f); return -ENXIO; }
            tty_attach(f, t);
        } else if (f->tty && f->master) {           /* a new pty: /dev/pts/N belongs to its opener */
            if (f->tty->node) { f->tty->node->uid = g->euid; f->tty->node->gid = g->egid; }
        } else if (f->tty && !(flags & O_NOCTTY) && f->node->rdev != DEV_CONSOLE && g->sid == g->tgid &&
                   !ctty_of(g) && !f->tty->sid) {  /* a session leader without one opens a tty */
            f->tty->sid = g->sid;
            f->tty->fg_pgrp = g->pgid;
        }
    }
    r = fd_alloc(p, f, 0, (flags & O_CLOEXEC) != 0);
    if (r < 0) file_put(f);
    return r;
}

/* The struct stat (128 bytes) of what dirfd+path name (fstatat's flags), and the mount it is seen
 * through (-1 for a pipe): 0 or -errno. */
static long stat_at(proc_t *p, int64_t dirfd, uint64_t upath, uint64_t flags, uint8_t st[128], int *mnt)
{
    static char path[VFS_PATH_MAX];
    vnode_t *dir, *n;
    long r;
    *mnt = -1;
    if ((r = get_path(p, upath, path))) return r;
    if (!path[0] && (flags & AT_EMPTY_PATH)) {
        file_t *f = fd_file(p, (uint64_t)dirfd);
        if (dirfd == AT_FDCWD) { n = p->grp->cwd; *mnt = p->grp->cwd_mnt; }
        else if (!f) return -EBADF;
        else if (f->pipe && !f->node) { pipe_stat(f->pipe, st); return 0; }
        else if (f->sock) { sock_stat(f->sock, st); return 0; }
        else { n = f->node; *mnt = f->mnt; }
    } else {
        file_t *linked = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : proc_fd_link(p, path);
        if (linked && linked->pipe) { pipe_stat(linked->pipe, st); return 0; }
        if (linked && linked->sock) { sock_stat(linked->sock, st); return 0; }
        if (linked && linked->node) { n = linked->node; *mnt = linked->mnt; }
        else if ((r = at_dir(p, dirfd, path, &dir)) || (r = vfs_lookup(dir, path, !(flags & AT_SYMLINK_NOFOLLOW), &n))) return r;
        else *mnt = vfs_lookup_mnt;
    }
    vnode_stat(n, st);
    return 0;
}

static long sys_stat_at(proc_t *p, int64_t dirfd, uint64_t upath, uint64_t ubuf, uint64_t flags)
{
    uint8_t st[128];
    int mnt;
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800)) return -EINVAL;
    long r = stat_at(p, dirfd, upath, flags, st, &mnt);
    return r ? r : copy_out(p, ubuf, st, 128);
}

/*
 * statx(dirfd, path, flags, mask, buf): struct statx (256 bytes) from the same facts as fstatat:
 * the basic fields and the mount id (tmpfs keeps no birth time, as on Linux).
 */
#define AT_STATX_SYNC_TYPE 0x6000
static long sys_statx(proc_t *p, int64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mask, uint64_t ubuf)
{
    uint8_t st[128], sx[256] = { 0 };
    if ((flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 | AT_STATX_SYNC_TYPE)) ||
        (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & 0x80000000u))
        return -EINVAL;
    int mnt;
    long r = stat_at(p, dirfd, upath, flags, st, &mnt);
    if (r) return r;
    uint64_t dev = *(uint64_t *)(st + 0), rdev = *(uint64_t *)(st + 32);
    *(uint32_t *)(sx + 0) = 0x7ff | 0x1000;                  /* STATX_BASIC_STATS | STATX_MNT_ID */
    *(uint32_t *)(sx + 4) = *(uint32_t *)(st + 56);          /* blksize */
    *(uint32_t *)(sx + 16) = *(uint32_t *)(st + 20);         /* nlink */
    *(uint32_t *)(sx + 20) = *(uint32_t *)(st + 24);         /* uid */
    *(uint32_t *)(sx + 24) = *(uint32_t *)(st + 28);         /* gid */
    *(uint16_t *)(sx + 28) = (uint16_t)*(uint32_t *)(st + 16);  /* mode */
    *(uint64_t *)(sx + 32) = *(uint64_t *)(st + 8);          /* ino */
    *(uint64_t *)(sx + 40) = *(uint64_t *)(st + 48);         /* size */
    *(uint64_t *)(sx + 48) = *(uint64_t *)(st + 64);         /* blocks */
    static const int from[3][2] = { { 64, 72 }, { 96, 104 }, { 112, 88 } };  /* atime, ctime, mtime */
    for (int i = 0; i < 3; i++) {
        *(uint64_t *)(sx + from[i][0]) = *(uint64_t *)(st + from[i][1]);
        *(uint32_t *)(sx + from[i][0] + 8) = (uint32_t)*(uint64_t *)(st + from[i][1] + 8);
    }
    *(uint32_t *)(sx + 128) = (uint32_t)(rdev >> 8 & 0xfff);  /* rdev major, minor (Linux's encoding) */
    *(uint32_t *)(sx + 132) = (uint32_t)((rdev & 0xff) | (rdev >> 12 & 0xfff00));
    *(uint32_t *)(sx + 136) = (uint32_t)(dev >> 8 & 0xfff);
    *(uint32_t *)(sx + 140) = (uint32_t)((dev & 0xff) | (dev >> 12 & 0xfff00));
    *(uint64_t *)(sx + 144) = mnt >= 0 ? (uint64_t)vfs_mounts[mnt].id : 12;  /* mnt_id (a pipe: pipefs's) */
    return copy_out(p, ubuf, sx, sizeof(sx));
}

static long sys_fstat(proc_t *p, uint64_t fd, uint64_t ubuf)
{
    file_t *f = fd_file(p, fd);
    uint8_t st[128];
    if (!f) return -EBADF;
    if (f->pipe && !f->node) {
        pipe_stat(f->pipe, st);
    } else if (f->sock) {
        sock_stat(f->sock, st);
    } else {
        vnode_stat(f->node, st);
    }
    return copy_out(p, ubuf, st, 128);
}

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_DUPFD_CLOEXEC 1030
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
enum { EOVERFLOW_ = 75 };

/* Wait for a lock on n: the call runs again whenever n's locks change. */
static long block_on_locks(proc_t *p, vnode_t *n, uint64_t nr, uint64_t a[6]) { return fd_block(p, &n->locks, nr, a); }

/* The byte range of a struct flock (b) on f, as Linux computes it: 0 or -errno. */
static long flock_range(file_t *f, const uint8_t *b, uint64_t *pstart, uint64_t *pend)
{
    int16_t whence = *(const int16_t *)(b + 2);
    int64_t start = *(const int64_t *)(b + 8), len = *(const int64_t *)(b + 16);
    int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t)f->off : whence == 2 ? (int64_t)f->node->size : -1;
    if (base < 0) return -EINVAL;
    if (start > 0 && base > (int64_t)LOCK_MAX - start) return -EOVERFLOW_;
    start += base;
    if (start < 0) return -EINVAL;
    uint64_t end;
    if (len > 0) {
        if ((uint64_t)len - 1 > LOCK_MAX - (uint64_t)start) return -EOVERFLOW_;
        end = (uint64_t)start + (uint64_t)len - 1;
    } else if (len < 0) {
        if (start + len < 0) return -EINVAL;
        end = (uint64_t)start - 1;
        start += len;
    } else {
        end = LOCK_MAX;
    }
    *pstart = (uint64_t)start;
    *pend = end;
    return 0;
}

/*
 * Would p, waiting for the POSIX lock l, close a cycle of waiting processes? Follow the owners: the
 * owner of l waits in F_SETLKW for a lock whose owner waits ... and so on back to p (EDEADLK).
 * Only POSIX locks take part, as on Linux.
 */
static int lock_deadlock(proc_t *p, vlock_t *l)
{
    for (int steps = 0; l && l->pid > 0 && steps < 16; steps++) {
        if (l->owner == (uint64_t)p->grp->tgid) return 1;
        proc_t *w = 0;
        for (int i = 0; i < MAX_PROCS && !w; i++) {
            proc_t *t = &procs[i];
            if (t->state == P_IO && t->sys_nr == LINUX_SYS_fcntl && t->sys_args[1] == F_SETLKW &&
                (uint64_t)t->grp->tgid == l->owner) w = t;
        }
        if (!w) return 0;
        file_t *f = fd_file(w, w->sys_args[0]);
        uint8_t b[32];
        uint64_t start, end;
        if (!f || !f->node || copy_in(w, b, w->sys_args[2], 32) || flock_range(f, b, &start, &end)) return 0;
        l = lock_conflict(f->node, 0, (uint64_t)w->grp->tgid, *(int16_t *)b, start, end);
    }
    return 0;
}

/* F_GETLK, F_SETLK(W) and their OFD forms; struct flock: type, whence (shorts), start, len, pid. */
static long sys_lock(proc_t *p, file_t *f, uint64_t cmd, uint64_t arg, uint64_t nr, uint64_t a[6])
{
    uint8_t b[32];
    uint64_t start, end;
    if (copy_in(p, b, arg, 32)) return -EFAULT;
    int16_t type = *(int16_t *)b;
    int32_t pid = *(int32_t *)(b + 24);
    int ofd = cmd >= F_OFD_GETLK, get = cmd == F_GETLK || cmd == F_OFD_GETLK;
    if (get && type != F_RDLCK && type != F_WRLCK) return -EINVAL;
    vnode_t *n = f->node;
    if (!n) return -EINVAL;  /* anonymous pipes have no node to lock here */
    long r = flock_range(f, b, &start, &end);
    if (r) return r;
    if (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK) return -EINVAL;
    uint32_t acc = f->flags & O_ACCMODE;
    if (!get && ((type == F_RDLCK && acc == O_WRONLY) || (type == F_WRLCK && acc == O_RDONLY))) return -EBADF;
    if (ofd && pid != 0) return -EINVAL;
    uint64_t owner = ofd ? (uint64_t)f : (uint64_t)p->grp->tgid;
    if (get) {
        vlock_t *l = lock_conflict(n, 0, owner, type, start, end);
        *(int16_t *)b = l ? l->type : F_UNLCK;
        if (l) {
            *(int16_t *)(b + 2) = 0;
            *(int64_t *)(b + 8) = (int64_t)l->start;
            *(int64_t *)(b + 16) = l->end == LOCK_MAX ? 0 : (int64_t)(l->end - l->start + 1);
            *(int32_t *)(b + 24) = l->pid;
        }
        return copy_out(p, arg, b, 32);
    }
    r = lock_set(n, 0, owner, ofd ? -1 : p->grp->tgid, type, start, end);
    if (r == -EAGAIN && cmd == F_SETLKW && lock_deadlock(p, lock_conflict(n, 0, owner, type, start, end)))
        return -35; /* EDEADLK */
    if (r == -EAGAIN && (cmd == F_SETLKW || cmd == F_OFD_SETLKW)) return block_on_locks(p, n, nr, a);
    return r;
}

/* F_ADD_SEALS: memfd files opened for writing, until F_SEAL_SEAL; no F_SEAL_WRITE while the file
 * is mapped shared and writable. */
static long add_seals(file_t *f, uint64_t seals)
{
    vnode_t *n = f->node;
    if (!n || (n->mode & S_IFMT) != S_IFREG) return -EINVAL;
    if (seals & ~(uint64_t)(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return -EINVAL;
    if (!n->memfd) return -EPERM;  /* a tmpfs file: sealed against seals */
    if ((f->flags & O_ACCMODE) == O_RDONLY) return -EPERM;
    if (n->seals & F_SEAL_SEAL) return -EPERM;
    if ((seals & F_SEAL_WRITE) && !(n->seals & F_SEAL_WRITE) && mm_maps_writable(n)) return -EBUSY_;
    n->seals |= (uint32_t)seals;
    return 0;
}

static long sys_fcntl(proc_t *p, uint64_t fd, uint64_t cmd, uint64_t arg, uint64_t a[6])
{
    file_t *f = fd_file(p, fd);
    if (!f) return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (arg >= MAX_FDS) return -EINVAL;
        { long r = fd_alloc(p, file_get(f), (int)arg, cmd == F_DUPFD_CLOEXEC); if (r < 0) file_put(f); return r; }
    case F_GETFD: return p->grp->cloexec[fd];
    case F_SETFD: p->grp->cloexec[fd] = arg & 1; return 0;
    case F_GETFL: return f->flags & ~(uint32_t)O_CLOEXEC;
    case F_SETFL: f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) | ((uint32_t)arg & (O_APPEND | O_NONBLOCK)); return 0;
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
        if (f->flags & O_PATH) return -EBADF;
        return sys_lock(p, f, cmd, arg, LINUX_SYS_fcntl, a);
    case F_ADD_SEALS: return add_seals(f, arg);
    case F_GET_SEALS:  /* tmpfs files are sealable files too, sealed against seals */
        if (!f->node || (f->node->mode & S_IFMT) != S_IFREG) return -EINVAL;
        return f->node->memfd ? (long)f->node->seals : F_SEAL_SEAL;
    }
    return -EINVAL;
}

/* memfd_create(name, flags): MFD_CLOEXEC 1, MFD_ALLOW_SEALING 2; names up to 249 bytes. */
static long sys_memfd_create(proc_t *p, uint64_t uname, uint64_t flags)
{
    char name[250];
    if (flags & ~3UL) return -EINVAL;  /* hugetlb pages are not offered */
    long r = copy_in_str(p, name, uname, sizeof(name));
    if (r == -ENAMETOOLONG) return -EINVAL;
    if (r < 0) return r;
    file_t *f;
    if ((r = vfs_memfd(name, (flags & 2) != 0, &f))) return r;
    r = fd_alloc(p, f, 0, flags & 1);
    if (r < 0) file_put(f);
    return r;
}

/* ---- terminals: controlling tty, process groups, job control ---- */
/* A process that has not ended (its leader thread may have: P_DEAD) */
static int leader_live(proc_t *g) { return g->grp == g && g->state != P_FREE && g->state != P_ZOMBIE; }

/* The thread of g's process that takes a signal sent to it: self if it is one of them, else the
 * leader, else another live thread. */
static proc_t *sig_thread(proc_t *g, proc_t *self)
{
    if (self && self->grp == g) return self;
    if (g->state != P_DEAD) return g;
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].grp == g && procs[i].state != P_FREE && procs[i].state != P_DEAD && procs[i].state != P_ZOMBIE) return &procs[i];
    return 0;
}

tty_t *ctty_of(proc_t *g)
{
    g = g->grp;
    if (!g->sid || g->notty) return 0;
    for (int i = 0; i <= PTY_MAX; i++) {
        tty_t *t = tty_at(i);
        if (t && t->sid == g->sid) return t;
    }
    return 0;
}

/* /proc/<pid>/stat's tty_nr (the device of the controlling tty, as Linux encodes it) and tpgid */
uint64_t ctty_dev(proc_t *g, int *tpgid)
{
    tty_t *t = ctty_of(g);
    *tpgid = t && t->fg_pgrp ? t->fg_pgrp : -1;
    if (!t) return 0;
    return tty_dev(t);
}

/* sig to every process of group pg (self: the calling thread takes it for its own process) */
static void signal_pgrp(int pg, int sig, proc_t *self)
{
    if (!pg) return;
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *g = &procs[i];
        if (!leader_live(g) || g->pgid != pg) continue;
        proc_t *t = sig_thread(g, self);
        if (t) sig_send(t, sig, 0, 0);
    }
}

void tty_signal_fg(tty_t *t, int sig)
{
    int pg = t->fg_pgrp;
    if (pg) { signal_pgrp(pg, sig, 0); return; }
    if (t != &console_tty) return;
    /* the console without a foreground group: the programs of its session (all but init) */
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *g = &procs[i];
        proc_t *th = leader_live(g) && g->pid != 1 && g->sid == t->sid ? sig_thread(g, 0) : 0;
        if (th) sig_send(th, sig, 0, 0);
    }
}

void tty_hangup_session(tty_t *t)
{
    if (!t->sid) return;
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *g = &procs[i];
        proc_t *th = leader_live(g) && g->sid == t->sid && g->tgid == g->sid ? sig_thread(g, 0) : 0;
        if (!th) continue;
        sig_send(th, 1, 0, 0);   /* SIGHUP */
        sig_send(th, 18, 0, 0);  /* SIGCONT */
    }
}

/* A session leader ends: its tty has no session any more; a pty's foreground group gets SIGHUP. */
void tty_session_exit(proc_t *g)
{
    if (g->sid != g->tgid) return;
    tty_t *t = ctty_of(g);
    if (!t) return;
    if (t != &console_tty) signal_pgrp(t->fg_pgrp, 1, 0);
    t->sid = 0;
    t->fg_pgrp = 0;
}

/* A group is orphaned when no member has a parent in another group of the same session (init does
 * not count), as POSIX defines it. */
static int pgrp_orphaned(int pg)
{
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *g = &procs[i];
        if (!leader_live(g) || g->pgid != pg) continue;
        proc_t *par = proc_by_pid(g->ppid);
        if (!par || par->pid == 1 || par->state == P_ZOMBIE || par->state == P_FREE) continue;
        if (par->grp->pgid != pg && par->grp->sid == g->sid) return 0;
    }
    return 1;
}

/* A process ended, or its child was given to init: group pg, if now orphaned with a stopped member,
 * gets SIGHUP and SIGCONT (POSIX: it would otherwise stay stopped with no one to continue it). */
void orphan_check(int pg)
{
    int stopped = 0;
    for (int i = 0; i < MAX_PROCS; i++)
        if (leader_live(&procs[i]) && procs[i].pgid == pg && procs[i].stopped) stopped = 1;
    if (!stopped || !pgrp_orphaned(pg)) return;
    signal_pgrp(pg, 1, 0);
    signal_pgrp(pg, 18, 0);
}

/*
 * Linux's tty_check_change: a process of a background group using its controlling tty t gets sig
 * (SIGTTIN for reads, SIGTTOU for writes under TOSTOP and for changes) and the call is made again
 * after it; EIO when the group is orphaned, or, for SIGTTIN, when the signal is ignored or blocked
 * (an ignored or blocked SIGTTOU lets the call go ahead).
 */
static long tty_check(proc_t *p, tty_t *t, int sig)
{
    proc_t *g = p->grp;
    if (ctty_of(g) != t || !t->fg_pgrp || g->pgid == t->fg_pgrp) return 0;
    if ((p->sigmask & (1UL << (sig - 1))) || g->sigactions[sig - 1][0] == 1) return sig == 21 ? -EIO : 0;
    if (pgrp_orphaned(g->pgid)) return -EIO;
    signal_pgrp(g->pgid, sig, p);
    return -ERESTARTSYS;
}

static long tty_ioctl(proc_t *p, uint64_t fd, file_t *f, uint64_t req, uint64_t arg)
{
    tty_t *t = f->tty;
    proc_t *g = p->grp;
    long r;
    if (t->hungup && !f->master) return req == 0x5410 ? -ENOTTY : -EIO;
    int own = ctty_of(g) == t;
    switch (req) {
    case 0x5401: case 0x802c542a: case 0x5405: { /* TCGETS, TCGETS2, TCGETA (on a master: the slave's, as in Linux) */
        uint8_t b[44], tio[17];
        tty_get_termios(t, b);
        if (req != 0x5405) return copy_out(p, arg, b, req == 0x5401 ? 36 : 44);
        tty_termio_get(b, tio);
        return copy_out(p, arg, tio, 17);
    }
    case 0x5402: case 0x5403: case 0x5404:                /* TCSETS, TCSETSW, TCSETSF */
    case 0x402c542b: case 0x402c542c: case 0x402c542d:    /* TCSETS2, TCSETSW2, TCSETSF2 */
    case 0x5406: case 0x5407: case 0x5408: {              /* TCSETA, TCSETAW, TCSETAF */
        uint8_t b[44], tio[17];
        int two = (req >> 16) != 0, termio = req >= 0x5406 && req <= 0x5408;
        if ((r = tty_check(p, t, 22))) return r;
        tty_get_termios(t, b);
        if (termio ? copy_in(p, tio, arg, 17) : copy_in(p, b, arg, two ? 44 : 36)) return -EFAULT;
        if (termio) tty_termio_put(b, tio);
        if (req == 0x5404 || req == 0x402c542d || req == 0x5408) tty_flush(t, 0, 0);
        tty_set_termios(t, b, two);
        return 0;
    }
    case 0x5456: { uint8_t b[36]; memcpy(b, t->lock_termios, 36); return copy_out(p, arg, b, 36); } /* TIOCGLCKTRMIOS */
    case 0x5457: { /* TIOCSLCKTRMIOS: root only */
        uint8_t b[36];
        if (g->euid != 0) return -EPERM;
        if (copy_in(p, b, arg, 36)) return -EFAULT;
        memcpy(t->lock_termios, b, 36);
        return 0;
    }
    case 0x80045432: { unsigned d = (unsigned)tty_dev(t); return copy_out(p, arg, &d, 4); } /* TIOCGDEV (a master: its slave's) */
    case 0x5419: { int v = (t->cflag & CLOCAL) != 0; return copy_out(p, arg, &v, 4); } /* TIOCGSOFTCAR */
    case 0x541a: { /* TIOCSSOFTCAR: CLOCAL */
        int v;
        if (copy_in(p, &v, arg, 4)) return -EFAULT;
        t->cflag = v ? t->cflag | CLOCAL : t->cflag & ~(uint32_t)CLOCAL;
        return 0;
    }
    case 0x5413: { uint16_t ws[4] = { t->rows, t->cols, t->xpixel, t->ypixel }; return copy_out(p, arg, ws, 8); } /* TIOCGWINSZ */
    case 0x5414: { /* TIOCSWINSZ: a change is SIGWINCH to the foreground group */
        uint16_t ws[4];
        if (copy_in(p, ws, arg, 8)) return -EFAULT;
        int changed = ws[0] != t->rows || ws[1] != t->cols || ws[2] != t->xpixel || ws[3] != t->ypixel;
        t->rows = ws[0]; t->cols = ws[1]; t->xpixel = ws[2]; t->ypixel = ws[3];
        if (changed) signal_pgrp(t->fg_pgrp, 28, p);
        return 0;
    }
    case 0x540f: { /* TIOCGPGRP: of the caller's controlling tty (any pty through its master) */
        if (!f->master && !own) return -ENOTTY;
        int pg = t->fg_pgrp;
        return copy_out(p, arg, &pg, 4);
    }
    case 0x5410: { /* TIOCSPGRP */
        int pg, found = 0, same = 0;
        r = tty_check(p, t, 22);
        if (r == -EIO) return -ENOTTY;
        if (r) return r;
        if (!own || t->sid != g->sid) return -ENOTTY;
        if (copy_in(p, &pg, arg, 4)) return -EFAULT;
        if (pg < 0) return -EINVAL;
        for (int i = 0; i < MAX_PROCS; i++) {
            proc_t *x = &procs[i];
            if (!leader_live(x)) continue;
            if (x->pgid == pg || x->tgid == pg) found = 1;
            if (x->pgid == pg && x->sid == g->sid) same = 1;
        }
        if (!found) return -ESRCH;
        if (!same) return -EPERM;
        t->fg_pgrp = pg;
        vfs_event(t);
        return 0;
    }
    case 0x5429: { /* TIOCGSID */
        if (!f->master && !own) return -ENOTTY;
        if (!t->sid) return -ENOTTY;
        int sid = t->sid;
        return copy_out(p, arg, &sid, 4);
    }
    case 0x540e: /* TIOCSCTTY: a session leader without a controlling tty takes t (arg 1: root may steal it) */
        if (g->sid == g->tgid && t->sid == g->sid) return 0;
        if (g->sid != g->tgid || ctty_of(g)) return -EPERM;
        if (t->sid && !(arg == 1 && g->euid == 0)) return -EPERM;
        if ((f->flags & O_ACCMODE) == O_WRONLY && g->euid != 0) return -EPERM;
        t->sid = g->sid;
        t->fg_pgrp = g->pgid;
        return 0;
    case 0x5422: /* TIOCNOTTY: a session leader frees the tty (SIGHUP, SIGCONT to its foreground group) */
        if (f->master || !own) return -ENOTTY;
        if (g->sid == g->tgid) {
            int pg = t->fg_pgrp;
            t->sid = 0;
            t->fg_pgrp = 0;
            signal_pgrp(pg, 1, p);
            signal_pgrp(pg, 18, p);
        } else {
            g->notty = 1;
        }
        return 0;
    case 0x540b: /* TCFLSH */
        if ((r = tty_check(p, t, 22))) return r;
        return tty_flush(t, (int)arg, f->master);
    case 0x540a: /* TCXONC */
        if ((r = tty_check(p, t, 22))) return r;
        return tty_flow(t, (int)(arg > 3 ? 4 : arg), f->master);
    case 0x5409: case 0x5425: /* TCSBRK, TCSBRKP */
        return tty_check(p, t, 22);
    case 0x5411: { int n = 0; return copy_out(p, arg, &n, 4); } /* TIOCOUTQ: output is never kept back */
    case 0x5412: { /* TIOCSTI: into this side's input, for its controlling tty or root */
        uint8_t c;
        if (!own && g->euid != 0) return -EPERM;
        if (copy_in(p, &c, arg, 1)) return -EFAULT;
        tty_sti(t, f->master, c);
        return 0;
    }
    case 0x5424: { int d = 0; return copy_out(p, arg, &d, 4); } /* TIOCGETD: N_TTY */
    case 0x5423: { /* TIOCSETD: only N_TTY */
        int d;
        if ((r = tty_check(p, t, 22))) return r;
        if (copy_in(p, &d, arg, 4)) return -EFAULT;
        return d == 0 ? 0 : -EINVAL;
    }
    case 0x540c: case 0x540d: /* TIOCEXCL, TIOCNXCL: opening the slave again needs root */
        t->excl[f->master] = req == 0x540c;
        return 0;
    case 0x80045440: { int v = t->excl[f->master]; return copy_out(p, arg, &v, 4); } /* TIOCGEXCL */
    case 0x5420: { /* TIOCPKT (a master's) */
        int v;
        if (!f->master) return -ENOTTY;
        if (copy_in(p, &v, arg, 4)) return -EFAULT;
        tty_set_packet(t, v);
        return 0;
    }
    case 0x40045436: /* TIOCSIG: a master sends SIGINT, SIGQUIT or SIGTSTP to the foreground group */
        if (!f->master) return -ENOTTY;
        if (arg != 2 && arg != 3 && arg != 20) return -EINVAL;
        signal_pgrp(t->fg_pgrp, (int)arg, 0);
        return 0;
    case 0x80045438: { /* TIOCGPKT */
        if (!f->master) return -ENOTTY;
        int v = t->packet;
        return copy_out(p, arg, &v, 4);
    }
    case 0x80045430: { /* TIOCGPTN */
        if (!f->master) return -ENOTTY;
        int n = t->index;
        return copy_out(p, arg, &n, 4);
    }
    case 0x40045431: { /* TIOCSPTLCK */
        int v;
        if (!f->master) return -ENOTTY;
        if (copy_in(p, &v, arg, 4)) return -EFAULT;
        t->locked = v != 0;
        return 0;
    }
    case 0x80045439: { /* TIOCGPTLCK */
        if (!f->master) return -ENOTTY;
        int v = t->locked;
        return copy_out(p, arg, &v, 4);
    }
    case 0x5441: { /* TIOCGPTPEER: open the slave; arg holds open flags */
        static char path[32];
        if (!f->master) return -ENOTTY;
        if (arg & ~(uint64_t)(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
        file_t *s;
        snprintf(path, sizeof(path), "/dev/pts/%d", t->index);
        if ((r = vfs_open(vfs_root(), path, (uint32_t)arg, 0, 0, &s))) return r;
        (void)fd;
        r = fd_alloc(p, s, 0, (arg & O_CLOEXEC) != 0);
        if (r < 0) file_put(s);
        return r;
    }
    }
    return -ENOTTY;
}

static long sys_ioctl(proc_t *p, uint64_t fd, uint64_t req, uint64_t arg)
{
    file_t *f = fd_file(p, fd);
    if (!f) return -EBADF;
    if (f->sock && (req == 0x541b || req == 0x5411)) {  /* FIONREAD (SIOCINQ), TIOCOUTQ (SIOCOUTQ) */
        long n = req == 0x541b ? sock_nread(f->sock) : sock_nwrite(f->sock);
        int v = (int)n;
        return n < 0 ? n : copy_out(p, arg, &v, 4);
    }
    if (req == 0x541b) {  /* FIONREAD */
        int n = f->pipe ? (int)f->pipe->len : f->tty ? (int)(f->master ? tty_master_avail(f->tty) : tty_inq(f->tty)) : 0;
        return copy_out(p, arg, &n, 4);
    }
    if (req == 0x5421) {  /* FIONBIO: the same as F_SETFL's O_NONBLOCK */
        int on;
        if (copy_in(p, &on, arg, 4)) return -EFAULT;
        f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~(uint32_t)O_NONBLOCK;
        return 0;
    }
    if (!f->tty) return -ENOTTY;
    return tty_ioctl(p, fd, f, req, arg);
}

/* ppoll(fds, nfds, timeout, sigmask): ready descriptors, or wait for any change. */
static long sys_ppoll(proc_t *p, uint64_t a[6])
{
    uint64_t ufds = a[0], n = a[1];
    if (n > MAX_FDS) return -EINVAL;
    int ready = 0;
    for (uint64_t i = 0; i < n; i++) {
        int32_t pfd[2];
        if (copy_in(p, pfd, ufds + 8 * i, 8)) return -EFAULT;
        int fd = pfd[0];
        short ev = (short)(pfd[1] & 0xffff), rev = 0;
        if (fd >= 0) {
            file_t *f = fd_file(p, (uint64_t)fd);
            rev = f ? (short)file_poll(f, ev) : 32; /* POLLNVAL */
        }
        pfd[1] = (pfd[1] & 0xffff) | ((int32_t)rev << 16);
        if (copy_out(p, ufds + 8 * i, pfd, 8)) return -EFAULT;
        if (rev) ready++;
    }
    return ready;
}

/* ---- waking waiters ---- */
static void *pending_events[64];
static int n_pending;
static int poll_dirty;

/* A generation per hash bucket of objects, moved by every event (edge-triggered epoll entries
 * compare it; two objects sharing a bucket only cost a needless report). */
static uint32_t event_gens[256];
static uint32_t *gen_of(void *obj) { return &event_gens[((uint64_t)obj >> 4) % 256]; }
uint32_t vfs_event_gen(void *obj) { return *gen_of(obj); }

void vfs_event(void *obj)
{
    (*gen_of(obj))++;
    poll_dirty = 1;
    for (int i = 0; i < n_pending; i++) if (pending_events[i] == obj) return;
    if (n_pending < 64) pending_events[n_pending++] = obj;
}

int io_pending(void) { return n_pending || poll_dirty; }

void io_run_wakeups(void)
{
    for (int round = 0; round < 8 && (n_pending || poll_dirty); round++) {
        uint64_t any = 0;
        for (int w = 0; w < MAX_PROCS / 64; w++) any |= io_waiting[w];
        if (!any) { n_pending = 0; poll_dirty = 0; return; }  /* nobody waits: the changes wake no one */
        void *objs[64];
        int n = n_pending, dirty = poll_dirty;
        memcpy(objs, pending_events, sizeof(void *) * (uint64_t)n);
        n_pending = 0;
        poll_dirty = 0;
        for (int w = 0; w < MAX_PROCS / 64; w++) {
            for (uint64_t bits = io_waiting[w]; bits; bits &= bits - 1) {
                int i = w * 64 + __builtin_ctzll(bits);
                proc_t *t = &procs[i];
                if (t->state != P_IO && t->state != P_POLL) { io_waiting[w] &= ~(1UL << (i % 64)); continue; }
                int hit = t->state == P_POLL && dirty;
                for (int k = 0; k < n && !hit; k++) hit = t->state == P_IO && t->wait_obj == objs[k];
                if (!hit) continue;
                int was_poll = t->state == P_POLL;
                t->state = P_RUN;
                current_caller = t;
                io_retrying = 1;
                long r = posix_syscall(t, t->sys_nr, t->sys_args);
                io_retrying = 0;
                current_caller = 0;
                if (r == SYSCALL_NO_REPLY) { if (t->state == P_RUN) t->state = was_poll ? P_POLL : P_IO; continue; }
                if (t->wake_at) { t->wake_at = 0; sleepers--; }  /* ppoll's or VTIME's deadline */
                io_waiting[w] &= ~(1UL << (i % 64));
                if (t->state == P_RUN) proc_reply(t, r);
            }
        }
    }
}

static long fd_syscall_as(proc_t *p, uint64_t nr, uint64_t a[6], int *handled);

/* read or write (nr), as fd_syscall would run it. */
long fd_rw(proc_t *p, uint64_t nr, uint64_t a[6], int *handled)
{
    *handled = 1;
    set_cred(p->grp, 0);
    long r = do_rw(p, nr, a, nr == LINUX_SYS_write, 0, 0);
    vfs_cred = 0;
    return r;
}

/* The file syscalls run with the caller's credentials in the VFS. */
long fd_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled)
{
    set_cred(p->grp, 0);
    long r = fd_syscall_as(p, nr, a, handled);
    vfs_cred = 0;
    return r;
}

/* chmod of n (reached through mount mnt: EROFS if read-only): the owner or root; a non-root owner
 * outside the file's group loses the set-group-ID bit. */
static long do_chmod(vnode_t *n, int mnt, uint32_t mode)
{
    long r = vfs_writable(mnt);
    if (r) return r;
    if (!vfs_owner_or_root(n)) return -EPERM;
    mode &= 07777;
    if ((mode & 02000) && vfs_cred->uid && !vfs_in_group(n->gid) && (n->mode & S_IFMT) != S_IFDIR) mode &= ~02000u;
    n->mode = (n->mode & S_IFMT) | mode;
    n->ctime = vfs_now();
    return 0;
}

/* chown of n (through mount mnt: EROFS if read-only): root changes anything; the owner may only set
 * the group to one of its groups. A change of a non-directory clears set-user-ID (and set-group-ID
 * when group execute is set), as Linux does. */
static long do_chown(vnode_t *n, int mnt, uint32_t uid, uint32_t gid)
{
    long r = vfs_writable(mnt);
    if (r) return r;
    int root = !vfs_cred || vfs_cred->uid == 0;
    if (uid != (uint32_t)-1 && !root && !(vfs_cred->uid == n->uid && uid == n->uid)) return -EPERM;
    if (gid != (uint32_t)-1 && !root && !(vfs_cred->uid == n->uid && (gid == n->gid || vfs_in_group(gid)))) return -EPERM;
    if ((n->mode & S_IFMT) != S_IFDIR) {
        n->mode &= ~04000u;
        if (n->mode & 010) n->mode &= ~02000u;
    }
    if (uid != (uint32_t)-1) n->uid = uid;
    if (gid != (uint32_t)-1) n->gid = gid;
    n->ctime = vfs_now();
    return 0;
}

/* ---- select: pselect6 over the same readiness as ppoll ---- */
/* A temporary signal mask for the wait (ppoll, pselect6); the old one returns with the answer, or
 * through the signal frame when a handler interrupts the wait. */
long poll_set_mask(proc_t *p, uint64_t umask)
{
    uint64_t m;
    if (p->poll_masked || !umask) return 0;
    if (copy_in(p, &m, umask, 8)) return -EFAULT;
    p->saved_mask = p->sigmask;
    p->has_saved_mask = 1;
    p->sigmask = m & ~((1UL << 8) | (1UL << 18));
    p->poll_masked = 1;
    return 0;
}

void poll_restore_mask(proc_t *p)
{
    if (!p->poll_masked) return;
    p->sigmask = p->saved_mask;
    p->has_saved_mask = 0;
    p->poll_masked = 0;
}

/* The time left of a ppoll/pselect6 deadline, written back for pselect6 as Linux does. */
static void select_update_timeout(proc_t *p, int expired)
{
    int arg = p->sys_nr == LINUX_SYS_pselect6 ? 4 : p->sys_nr == LINUX_SYS_ppoll ? 2 : -1;
    if (arg < 0 || !p->sys_args[arg]) return;
    uint64_t ts[2] = { 0, 0 };
    if (expired) {
    } else if (p->wake_at) {
        uint64_t now = read_cntvct(), f = read_cntfrq();
        if (p->wake_at > now) {
            uint64_t left = p->wake_at - now;
            ts[0] = left / f;
            ts[1] = left % f * 1000000000ULL / f;
        }
    } else if (copy_in(p, ts, p->sys_args[arg], 16)) {
        return;
    }
    copy_out(p, p->sys_args[arg], ts, 16);
}

/* pselect6(n, in, out, ex, timeout, {sigmask, size}): the sets are rewritten with what is ready. */
static long sys_pselect6(proc_t *p, uint64_t a[6])
{
    int64_t n = (int64_t)(int)a[0];
    uint64_t sets[3][MAX_FDS / 64], res[3][MAX_FDS / 64];
    if (n < 0) return -EINVAL;
    if (n > MAX_FDS) n = MAX_FDS;  /* descriptors beyond the table cannot be open */
    uint64_t words = ((uint64_t)n + 63) / 64, bytes = ((uint64_t)n + 7) / 8;
    memset(sets, 0, sizeof(sets));
    memset(res, 0, sizeof(res));
    for (int k = 0; k < 3; k++)
        if (a[1 + k] && bytes && copy_in(p, sets[k], a[1 + k], bytes)) return -EFAULT;
    uint64_t ts[2] = { 1, 0 };
    if (a[4]) {
        if (copy_in(p, ts, a[4], 16)) return -EFAULT;
        if ((int64_t)ts[0] < 0 || ts[1] >= 1000000000ULL) return -EINVAL;
    }
    if (a[5] && !p->poll_masked) {
        uint64_t sm[2];
        if (copy_in(p, sm, a[5], 16)) return -EFAULT;
        if (sm[0]) {
            if (sm[1] != 8) return -EINVAL;
            long r = poll_set_mask(p, sm[0]);
            if (r) return r;
        }
    }
    int ready = 0;
    if (bytes && (uint64_t)n % 64) for (int k = 0; k < 3; k++) sets[k][words - 1] &= (1UL << (n % 64)) - 1;
    for (uint64_t w = 0; w < words; w++) {
        uint64_t all = sets[0][w] | sets[1][w] | sets[2][w];
        while (all) {
            int b = __builtin_ctzl(all);
            all &= all - 1;
            file_t *f = fd_file(p, w * 64 + (uint64_t)b);
            if (!f) { poll_restore_mask(p); return -EBADF; }
            int ev = file_poll(f, 1 | 4);
            uint64_t bit = 1UL << b;
            if ((sets[0][w] & bit) && (ev & (1 | 16 | 8))) { res[0][w] |= bit; ready++; }
            if ((sets[1][w] & bit) && (ev & (4 | 8))) { res[1][w] |= bit; ready++; }
        }
    }
    int now = ready || (a[4] && !ts[0] && !ts[1]);
    p->sys_nr = LINUX_SYS_pselect6;
    memcpy(p->sys_args, a, sizeof(p->sys_args));
    if (!now && sig_deliverable(p)) {  /* the handler runs, then the old mask comes back from its frame */
        select_update_timeout(p, 0);
        p->poll_masked = 0;
        return -EINTR;
    }
    if (now) {
        for (int k = 0; k < 3; k++)
            if (a[1 + k] && bytes && copy_out(p, a[1 + k], res[k], bytes)) { poll_restore_mask(p); return -EFAULT; }
        select_update_timeout(p, 0);
        poll_restore_mask(p);
        return ready;
    }
    if (a[4] && !p->wake_at) {
        uint64_t f = read_cntfrq();
        sleep_arm(p, read_cntvct() + ts[0] * f + ts[1] * f / 1000000000ULL);
    }
    io_wait_mark(p);
    p->state = P_POLL;
    return SYSCALL_NO_REPLY;
}

/* p waits like ppoll: its call nr (arguments a) runs again whenever a file changes, and ends at
 * deadline (cntvct; 0: none; armed on the first wait only) with fd_poll_timeout's answer. */
long fd_poll_wait(proc_t *p, uint64_t nr, const uint64_t a[6], uint64_t deadline)
{
    p->sys_nr = nr;
    memcpy(p->sys_args, a, sizeof(p->sys_args));
    if (deadline && !p->wake_at) sleep_arm(p, deadline);
    io_wait_mark(p);
    p->state = P_POLL;
    return SYSCALL_NO_REPLY;
}

long fd_poll_timeout(proc_t *t)
{
    if (t->sys_nr == LINUX_SYS_pselect6) {  /* nothing became ready: empty sets, no time left */
        static const uint64_t zero[MAX_FDS / 64];
        int64_t n = (int64_t)(int)t->sys_args[0];
        uint64_t bytes = ((uint64_t)(n > MAX_FDS ? MAX_FDS : n) + 7) / 8;
        for (int k = 0; k < 3; k++) if (t->sys_args[1 + k] && bytes) copy_out(t, t->sys_args[1 + k], zero, bytes);
    }
    select_update_timeout(t, 1);
    poll_restore_mask(t);
    return 0;
}

void fd_set_cred(proc_t *p) { set_cred(p->grp, 0); }

void fd_wait_cancel(proc_t *t, int signal)
{
    if (t->open_wait) { file_put(t->open_wait); t->open_wait = 0; }
    if (signal && t->state == P_POLL) select_update_timeout(t, 0);
    t->poll_masked = 0;  /* the signal frame holds the old mask */
}

/* Calls that only advise or ask for writeback (tmpfs has nothing to read ahead or write back):
 * fadvise64, readahead, sync_file_range, syncfs, with Linux's argument checks. */
static long advise(proc_t *p, uint64_t nr, uint64_t a[6])
{
    file_t *f = fd_file(p, a[0]);
    if (!f) return -EBADF;
    int fifo = f->pipe != 0, reg = f->node && (f->node->mode & S_IFMT) == S_IFREG;
    switch (nr) {
    case LINUX_SYS_fadvise64:  /* (fd, offset, len, advice 0..5) */
        if (fifo) return -ESPIPE;
        return (int64_t)a[2] < 0 || a[3] > 5 ? -EINVAL : 0;
    case LINUX_SYS_readahead:  /* (fd, offset, count) */
        return reg && !(f->flags & O_PATH) ? 0 : -EINVAL;
    case LINUX_SYS_sync_file_range:  /* (fd, offset, nbytes, flags) */
        if ((a[3] & ~7UL) || (int64_t)a[1] < 0 || (int64_t)a[2] < 0) return -EINVAL;
        return fifo ? -ESPIPE : 0;
    }
    return 0;  /* syncfs */
}

/* fallocate(fd, mode, offset, len): mode 0 makes the file at least offset+len long; KEEP_SIZE (1)
 * has nothing to reserve in tmpfs; other modes are not offered (EOPNOTSUPP). */
static long sys_fallocate(proc_t *p, uint64_t a[6])
{
    file_t *f = fd_file(p, a[0]);
    int64_t off = (int64_t)a[2], len = (int64_t)a[3];
    if (!f || (f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_RDONLY) return -EBADF;
    if (off < 0 || len <= 0) return -EINVAL;
    if (f->pipe) return -ESPIPE;
    vnode_t *n = f->node;
    if (!n) return -ENODEV_;
    if ((n->mode & S_IFMT) == S_IFDIR) return -EISDIR_;
    if ((n->mode & S_IFMT) != S_IFREG) return -ENODEV_;
    if (a[1] & ~1UL) return -95;  /* EOPNOTSUPP */
    if (off > 0x7fffffffffffffffLL - len) return -27;  /* EFBIG */
    uint64_t end = (uint64_t)(off + len);
    if (a[1] || end <= n->size) return 0;
    long r = vfs_seals_allow_size(n, end);
    return r ? r : file_truncate(n, end);
}

static long fd_syscall_as(proc_t *p, uint64_t nr, uint64_t a[6], int *handled)
{
    static char path[VFS_PATH_MAX], path2[VFS_PATH_MAX];
    proc_t *g = p->grp;
    vnode_t *dir, *dir2, *n;
    long r;
    *handled = 1;
    switch (nr) {
    case LINUX_SYS_read: return do_rw(p, nr, a, 0, 0, 0);
    case LINUX_SYS_write: return do_rw(p, nr, a, 1, 0, 0);
    case LINUX_SYS_readv: return do_rw(p, nr, a, 0, 1, 0);
    case LINUX_SYS_writev: return do_rw(p, nr, a, 1, 1, 0);
    case LINUX_SYS_pread64: return do_rw(p, nr, a, 0, 0, 1);
    case LINUX_SYS_pwrite64: return do_rw(p, nr, a, 1, 0, 1);
    case LINUX_SYS_preadv: case LINUX_SYS_pwritev: case LINUX_SYS_preadv2: case LINUX_SYS_pwritev2: {
        /* (fd, iov, iovcnt, pos_l, pos_h[, flags]): the v2 forms take RWF_* flags (no-ops here) and
         * offset -1 for the file position */
        int two = nr == LINUX_SYS_preadv2 || nr == LINUX_SYS_pwritev2, w = nr == LINUX_SYS_pwritev || nr == LINUX_SYS_pwritev2;
        if (two && (a[5] & ~0x1fUL)) return -95;  /* EOPNOTSUPP */
        return do_rw(p, nr, a, w, 1, !(two && (int64_t)a[3] == -1));
    }
    case LINUX_SYS_fadvise64: case LINUX_SYS_readahead: case LINUX_SYS_sync_file_range: case LINUX_SYS_syncfs:
        return advise(p, nr, a);
    case LINUX_SYS_fallocate: return sys_fallocate(p, a);
    case LINUX_SYS_openat: return sys_openat(p, nr, a);
    case LINUX_SYS_close:
        if (!fd_file(p, a[0])) return -EBADF;
        fd_close(g, a[0]);
        return 0;
    case LINUX_SYS_close_range: {
        uint64_t hi = a[1] < MAX_FDS - 1 ? a[1] : MAX_FDS - 1;
        if (a[0] > a[1] || (a[2] & ~6UL)) return -EINVAL;
        for (uint64_t i = a[0]; i <= hi; i++) {
            if (!g->fds[i]) continue;
            if (a[2] & 4) g->cloexec[i] = 1; else fd_close(g, i);
        }
        return 0;
    }
    case LINUX_SYS_lseek: { file_t *f = fd_file(p, a[0]); return f ? file_lseek(f, (int64_t)a[1], (int)a[2]) : -EBADF; }
    case LINUX_SYS_dup: { file_t *f = fd_file(p, a[0]); if (!f) return -EBADF; r = fd_alloc(p, file_get(f), 0, 0); if (r < 0) file_put(f); return r; }
    case LINUX_SYS_dup3: {
        file_t *f = fd_file(p, a[0]);
        if (!f) return -EBADF;
        if (a[0] == a[1] || (a[2] & ~(uint64_t)O_CLOEXEC)) return -EINVAL;
        if (a[1] >= MAX_FDS) return -EBADF;
        file_get(f);
        if (g->fds[a[1]]) fd_close(g, a[1]);
        g->fds[a[1]] = f;
        g->cloexec[a[1]] = (a[2] & O_CLOEXEC) != 0;
        return (long)a[1];
    }
    case LINUX_SYS_fcntl: return sys_fcntl(p, a[0], a[1], a[2], a);
    case LINUX_SYS_memfd_create: return sys_memfd_create(p, a[0], a[1]);
    case LINUX_SYS_flock: {  /* whole-file locks of the open file description */
        file_t *f = fd_file(p, a[0]);
        if (!f || (f->flags & O_PATH)) return -EBADF;
        uint64_t op = a[1] & ~4UL;
        int type = op == 1 ? F_RDLCK : op == 2 ? F_WRLCK : op == 8 ? F_UNLCK : -1;
        if (type < 0) return -EINVAL;
        if (!f->node) return -EINVAL;
        r = lock_set(f->node, 1, (uint64_t)f, p->grp->tgid, type, 0, LOCK_MAX);
        if (r == -EAGAIN && !(a[1] & 4)) return block_on_locks(p, f->node, nr, a);
        return r;
    }
    case LINUX_SYS_ioctl: return sys_ioctl(p, a[0], (uint32_t)a[1], a[2]);  /* the request is an unsigned int */
    case LINUX_SYS_pipe2: {
        file_t *rf, *wf;
        if (a[1] & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
        if ((r = pipe_create(&rf, &wf, (uint32_t)a[1]))) return r;
        long fr = fd_alloc(p, rf, 0, (a[1] & O_CLOEXEC) != 0);
        if (fr < 0) { file_put(rf); file_put(wf); return fr; }
        long fw = fd_alloc(p, wf, 0, (a[1] & O_CLOEXEC) != 0);
        if (fw < 0) { fd_close(g, (uint64_t)fr); file_put(wf); return fw; }
        int fds[2] = { (int)fr, (int)fw };
        if (copy_out(p, a[0], fds, 8)) { fd_close(g, (uint64_t)fr); fd_close(g, (uint64_t)fw); return -EFAULT; }
        return 0;
    }
    case LINUX_SYS_fstat: return sys_fstat(p, a[0], a[1]);
    case LINUX_SYS_newfstatat: return sys_stat_at(p, (int64_t)(int)a[0], a[1], a[2], a[3]);
    case LINUX_SYS_statx: return sys_statx(p, (int64_t)(int)a[0], a[1], a[2], a[3], a[4]);
    case LINUX_SYS_getdents64: {
        file_t *f = fd_file(p, a[0]);
        static uint8_t buf[32768];
        if (!f) return -EBADF;
        r = file_getdents(f, buf, a[2] < sizeof(buf) ? a[2] : sizeof(buf));
        if (r > 0 && copy_out(p, a[1], buf, (uint64_t)r)) return -EFAULT;
        return r;
    }
    case LINUX_SYS_chdir:
    case LINUX_SYS_chroot:
        if ((r = get_path(p, a[0], path)) || (r = vfs_lookup(g->cwd, path, 1, &n))) return r;
        if ((n->mode & S_IFMT) != S_IFDIR) return -ENOTDIR_;
        if ((r = vfs_permission(n, MAY_EXEC))) return r;
        if (nr == LINUX_SYS_chroot) {
            /* one namespace for now: a root other than / is refused (and said), never faked */
            if (g->euid != 0) return -EPERM;
            if (n == vfs_root()) return 0;
            printf("posix-server: chroot to a directory other than / is not supported yet\n");
            return -EPERM;
        }
        set_cwd(g, n, vfs_lookup_mnt);
        return 0;
    case LINUX_SYS_fchdir: {
        file_t *f = fd_file(p, a[0]);
        if (!f) return -EBADF;
        if (!f->node || (f->node->mode & S_IFMT) != S_IFDIR) return -ENOTDIR_;
        if ((r = vfs_permission(f->node, MAY_EXEC))) return r;
        set_cwd(g, f->node, f->mnt);
        return 0;
    }
    case LINUX_SYS_getcwd:
        if ((r = vfs_getcwd_at(g->cwd, g->cwd_mnt, path, a[1])) < 0) return r;
        return copy_out(p, a[0], path, (uint64_t)r) ? -EFAULT : r;
    case LINUX_SYS_mkdirat:
        if ((r = get_path(p, a[1], path)) || (r = at_dir(p, (int64_t)(int)a[0], path, &dir))) return r;
        return vfs_mknod(dir, path, S_IFDIR | ((uint32_t)a[2] & 07777 & ~g->umask), 0, 0);
    case LINUX_SYS_mknodat: {
        uint32_t mode = (uint32_t)a[2], t = mode & S_IFMT;
        if ((r = get_path(p, a[1], path)) || (r = at_dir(p, (int64_t)(int)a[0], path, &dir))) return r;
        if (t == 0) t = S_IFREG;
        if (t == S_IFDIR) return -EPERM;
        if (t != S_IFREG && t != S_IFCHR && t != S_IFBLK && t != S_IFIFO && t != S_IFSOCK) return -EINVAL;
        if ((t == S_IFCHR || t == S_IFBLK) && g->euid != 0) return -EPERM;  /* CAP_MKNOD */
        return vfs_mknod(dir, path, t | ((mode & 07777) & ~g->umask), a[3], 0);
    }
    case LINUX_SYS_unlinkat:
        if (a[2] & ~(uint64_t)AT_REMOVEDIR) return -EINVAL;
        if ((r = get_path(p, a[1], path)) || (r = at_dir(p, (int64_t)(int)a[0], path, &dir))) return r;
        return vfs_unlink(dir, path, (a[2] & AT_REMOVEDIR) != 0);
    case LINUX_SYS_symlinkat:
        if ((r = get_path(p, a[0], path2)) || (r = get_path(p, a[2], path)) ||
            (r = at_dir(p, (int64_t)(int)a[1], path, &dir))) return r;
        return vfs_mknod(dir, path, S_IFLNK | 0777, 0, path2);
    case LINUX_SYS_readlinkat:
        if ((r = get_path(p, a[1], path)) || (r = at_dir(p, (int64_t)(int)a[0], path, &dir)) ||
            (r = vfs_lookup(dir, path, 0, &n))) return r;
        if ((n->mode & S_IFMT) != S_IFLNK) return -EINVAL;
        if ((int64_t)a[3] <= 0) return -EINVAL;
        r = (long)(n->size < a[3] ? n->size : a[3]);
        return copy_out(p, a[2], n->link, (uint64_t)r) ? -EFAULT : r;
    case LINUX_SYS_linkat:
        if ((r = get_path(p, a[1], path)) || (r = get_path(p, a[3], path2)) ||
            (r = at_dir(p, (int64_t)(int)a[0], path, &dir)) || (r = at_dir(p, (int64_t)(int)a[2], path2, &dir2))) return r;
        return vfs_link(dir, path, dir2, path2, (a[4] & 0x400) != 0);
    case LINUX_SYS_renameat:
        a[4] = 0;
        /* fall through */
    case LINUX_SYS_renameat2:
        if ((r = get_path(p, a[1], path)) || (r = get_path(p, a[3], path2)) ||
            (r = at_dir(p, (int64_t)(int)a[0], path, &dir)) || (r = at_dir(p, (int64_t)(int)a[2], path2, &dir2))) return r;
        return vfs_rename(dir, path, dir2, path2, (uint32_t)a[4]);
    case LINUX_SYS_faccessat:
    case LINUX_SYS_faccessat2: {
        /* the real ids check, unless AT_EACCESS (0x200); also AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH */
        uint64_t flags = nr == LINUX_SYS_faccessat2 ? a[3] : 0;
        if (a[2] & ~7UL) return -EINVAL;
        if (flags & ~(uint64_t)(0x200 | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
        if (!(flags & 0x200)) set_cred(g, 1);
        if ((r = get_path(p, a[1], path))) return r;
        if (!path[0] && (flags & AT_EMPTY_PATH)) {
            file_t *f = fd_file(p, a[0]);
            if ((int)a[0] == AT_FDCWD) n = g->cwd;
            else if (!f) return -EBADF;
            else if (!f->node) return 0;
            else n = f->node;
        } else if ((r = at_dir(p, (int64_t)(int)a[0], path, &dir)) ||
                   (r = vfs_lookup(dir, path, !(flags & AT_SYMLINK_NOFOLLOW), &n))) return r;
        return vfs_permission(n, (int)(a[2] & 7));
    }
    case LINUX_SYS_fchmodat:
        if ((r = get_path(p, a[1], path)) || (r = at_dir(p, (int64_t)(int)a[0], path, &dir)) ||
            (r = vfs_lookup(dir, path, 1, &n))) return r;
        return do_chmod(n, vfs_lookup_mnt, (uint32_t)a[2]);
    case LINUX_SYS_fchmod: {
        file_t *f = fd_file(p, a[0]);
        if (!f || (f->flags & O_PATH)) return -EBADF;
        if (!f->node) return 0;
        return do_chmod(f->node, f->mnt, (uint32_t)a[1]);
    }
    case LINUX_SYS_fchownat:
        if ((r = get_path(p, a[1], path)) || (r = at_dir(p, (int64_t)(int)a[0], path, &dir)) ||
            (r = vfs_lookup(dir, path, !(a[4] & AT_SYMLINK_NOFOLLOW), &n))) return r;
        return do_chown(n, vfs_lookup_mnt, (uint32_t)a[2], (uint32_t)a[3]);
    case LINUX_SYS_fchown: {
        file_t *f = fd_file(p, a[0]);
        if (!f || (f->flags & O_PATH)) return -EBADF;
        if (!f->node) return g->euid ? -EPERM : 0;
        return do_chown(f->node, f->mnt, (uint32_t)a[1], (uint32_t)a[2]);
    }
    case LINUX_SYS_utimensat: {
        uint64_t ts[4];
        int mnt;
        if (a[1]) {
            if ((r = get_path(p, a[1], path)) || (r = at_dir(p, (int64_t)(int)a[0], path, &dir)) ||
                (r = vfs_lookup(dir, path, !(a[3] & AT_SYMLINK_NOFOLLOW), &n))) return r;
            mnt = vfs_lookup_mnt;
        } else {
            file_t *f = fd_file(p, a[0]);
            if (!f || !f->node) return -EBADF;
            n = f->node;
            mnt = f->mnt;
        }
        if ((r = vfs_writable(mnt))) return r;
        uint64_t now = vfs_now();
        if (a[2] && copy_in(p, ts, a[2], 32)) return -EFAULT;
        /* times of one's choosing: the owner or root; "now": also whoever may write the file */
        int explicit_time = a[2] && ((ts[1] != 0x3fffffff && ts[1] != 0x3ffffffe) || (ts[3] != 0x3fffffff && ts[3] != 0x3ffffffe));
        if (!vfs_owner_or_root(n)) {
            if (explicit_time) return -EPERM;
            if (vfs_permission(n, MAY_WRITE)) return -EACCES_;
        }
        if (!a[2]) { n->atime = n->mtime = now; n->ctime = now; return 0; }
        for (int i = 0; i < 2; i++) {
            if (ts[2 * i + 1] == 0x3ffffffe) continue;               /* UTIME_OMIT */
            uint64_t v = ts[2 * i + 1] == 0x3fffffff ? now : ts[2 * i] * 1000000000ULL + ts[2 * i + 1];
            if (i == 0) n->atime = v; else n->mtime = v;
        }
        n->ctime = now;
        return 0;
    }
    case LINUX_SYS_ftruncate: {
        file_t *f = fd_file(p, a[0]);
        if (!f) return -EBADF;
        if ((int64_t)a[1] < 0 || !f->node || (f->flags & O_ACCMODE) == O_RDONLY) return -EINVAL;
        if ((r = vfs_seals_allow_size(f->node, a[1]))) return r;
        return file_truncate(f->node, a[1]);
    }
    case LINUX_SYS_truncate:
        if ((r = get_path(p, a[0], path)) || (r = vfs_lookup(g->cwd, path, 1, &n))) return r;
        if ((int64_t)a[1] < 0) return -EINVAL;
        if ((n->mode & S_IFMT) == S_IFDIR) return -EISDIR_;
        if ((n->mode & S_IFMT) != S_IFREG) return -EINVAL;
        if ((r = vfs_writable(vfs_lookup_mnt)) || (r = vfs_permission(n, MAY_WRITE))) return r;
        return file_truncate(n, a[1]);
    case LINUX_SYS_sendfile: {
        /* sendfile(out, in, offset*, count): through a buffer here (the servers share memory later) */
        file_t *out = fd_file(p, a[0]), *in = fd_file(p, a[1]);
        static uint8_t sbuf[65536];
        if (!out || !in) return -EBADF;
        if (!in->node || (in->node->mode & S_IFMT) != S_IFREG) return -EINVAL;
        if ((out->flags & O_APPEND)) return -EINVAL;
        uint64_t off = 0, *offp = 0;
        if (a[2]) { if (copy_in(p, &off, a[2], 8)) return -EFAULT; if ((int64_t)off < 0) return -EINVAL; offp = &off; }
        uint64_t count = a[3] < sizeof(sbuf) ? a[3] : sizeof(sbuf);
        long n = file_read(in, sbuf, count, offp);
        if (n <= 0) return n;
        long w = file_write(out, sbuf, (uint64_t)n, 0);
        if (w == VFS_WOULD_BLOCK) {  /* give back what was not sent, then wait */
            if (offp) off -= (uint64_t)n; else in->off -= (uint64_t)n;
            return block_on(p, out, nr, a);
        }
        if (w < 0) { if (offp) off -= (uint64_t)n; else in->off -= (uint64_t)n; return fd_epipe(p, w); }
        if (w < n) { if (offp) off -= (uint64_t)(n - w); else in->off -= (uint64_t)(n - w); }
        if (offp && copy_out(p, a[2], &off, 8)) return -EFAULT;
        return w;
    }
    case LINUX_SYS_mount: {
        /* mount(source, target, type, flags, data): the strings as Linux copies them, then mount.c */
        char type[32];
        const char *tp = 0, *src = 0;
        if (g->euid != 0) return -EPERM;
        if (a[2]) {
            if ((r = copy_in_str(p, type, a[2], sizeof(type))) < 0) {
                if (r == -EFAULT) return r;
                memcpy(type, "?", 2);  /* longer than any type there is */
            }
            tp = type;
        }
        if (a[0]) {
            if ((r = copy_in_str(p, path2, a[0], VFS_PATH_MAX)) < 0) return r;
            src = path2;
        }
        if ((r = get_path(p, a[1], path))) return r;
        return vfs_mount(g->cwd, src, path, tp, a[3]);
    }
    case LINUX_SYS_umount2:
        if (a[1] & ~15UL) return -EINVAL;
        if (g->euid != 0) return -EPERM;
        if ((r = get_path(p, a[0], path))) return r;
        return vfs_umount(g->cwd, path, a[1]);
    case LINUX_SYS_statfs: case LINUX_SYS_fstatfs: {
        uint64_t sf[15];
        int mnt;
        if (nr == LINUX_SYS_statfs) {
            if ((r = get_path(p, a[0], path)) || (r = vfs_lookup(g->cwd, path, 1, &n))) return r;
            mnt = vfs_lookup_mnt;
        } else {
            file_t *f = fd_file(p, a[0]);
            if (!f) return -EBADF;
            mnt = f->mnt;
            if (f->pipe || f->sock) {
                memset(sf, 0, sizeof(sf));
                sf[0] = f->sock ? 0x534f434b : 0x50495045;  /* SOCKFS_MAGIC, PIPEFS_MAGIC */
                sf[1] = 4096; sf[8] = 255; sf[9] = 4096; sf[10] = 0x20;
                return copy_out(p, a[1], sf, sizeof(sf));
            }
            n = f->node;
        }
        vfs_statfs(n, mnt, sf);
        return copy_out(p, a[1], sf, sizeof(sf));
    }
    case LINUX_SYS_fsync: case LINUX_SYS_fdatasync: return fd_file(p, a[0]) ? 0 : -EBADF;
    case LINUX_SYS_pselect6: return sys_pselect6(p, a);
    case LINUX_SYS_ppoll: {
        if (a[3] && !p->poll_masked) {
            if (a[4] != 8) return -EINVAL;
            if ((r = poll_set_mask(p, a[3]))) return r;
        }
        p->sys_nr = nr;
        memcpy(p->sys_args, a, sizeof(p->sys_args));
        long ready = sys_ppoll(p, a);
        if (ready != 0 || (a[2] && ({ uint64_t ts[2] = { 1, 1 }; copy_in(p, ts, a[2], 16); !ts[0] && !ts[1]; }))) {
            if (ready >= 0) select_update_timeout(p, 0);
            poll_restore_mask(p);
            return ready;
        }
        if (sig_deliverable(p)) { select_update_timeout(p, 0); p->poll_masked = 0; return -EINTR; }
        if (a[2] && !p->wake_at) {
            uint64_t ts[2], f = read_cntfrq();
            if (copy_in(p, ts, a[2], 16)) { poll_restore_mask(p); return -EFAULT; }
            sleep_arm(p, read_cntvct() + ts[0] * f + ts[1] * f / 1000000000ULL);
        }
        io_wait_mark(p);
        p->state = P_POLL;
        return SYSCALL_NO_REPLY;
    }
    }
    return sock_syscall(p, nr, a, handled);
}
