/*
 * File descriptors and the file syscalls. A descriptor names an open file of the VFS; the table is
 * per process (shared by its threads), inherited by fork, filtered by O_CLOEXEC at execve.
 * A call that would block leaves its thread waiting (P_IO, or P_POLL for ppoll) and is run again
 * when the object it waits for changes.
 */
#include "posix.h"

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EMPTY_PATH 0x1000
enum { ENOTDIR_ = 20, EISDIR_ = 21, ESPIPE_ = 29, EPIPE_ = 32, ERANGE_ = 34, EACCES_ = 13, EBUSY_ = 16 };

extern proc_t *current_caller;

static file_t *fd_file(proc_t *p, uint64_t fd)
{
    return fd < MAX_FDS ? p->grp->fds[fd] : 0;
}

static long fd_alloc(proc_t *p, file_t *f, int min, int cloexec)
{
    proc_t *g = p->grp;
    uint64_t lim = g->rlim[7][0] < MAX_FDS ? g->rlim[7][0] : MAX_FDS;
    for (uint64_t i = (uint64_t)min; i < lim; i++)
        if (!g->fds[i]) { g->fds[i] = f; g->cloexec[i] = (uint8_t)cloexec; return (long)i; }
    return -EMFILE;
}

static void fd_close(proc_t *g, uint64_t fd)
{
    file_t *f = g->fds[fd];
    g->fds[fd] = 0;
    g->cloexec[fd] = 0;
    if (f) file_put(f);
}

void fd_fork(proc_t *parent, proc_t *child)
{
    proc_t *g = parent->grp;
    for (int i = 0; i < MAX_FDS; i++)
        if (g->fds[i]) { child->fds[i] = file_get(g->fds[i]); child->cloexec[i] = g->cloexec[i]; }
    child->cwd = g->cwd;
    if (child->cwd) vnode_ref(child->cwd);
}

void fd_exec(proc_t *p)
{
    for (int i = 0; i < MAX_FDS; i++)
        if (p->grp->fds[i] && p->grp->cloexec[i]) fd_close(p->grp, (uint64_t)i);
}

void fd_exit(proc_t *g)
{
    for (int i = 0; i < MAX_FDS; i++) if (g->fds[i]) fd_close(g, (uint64_t)i);
    if (g->cwd) { vnode_put(g->cwd); g->cwd = 0; }
}

void fd_init_console(proc_t *init)
{
    file_t *f;
    init->cwd = vfs_root();
    vnode_ref(init->cwd);
    if (vfs_open(vfs_root(), "/dev/console", O_RDWR, 0, 0, &f) == 0) {
        init->fds[0] = f;
        init->fds[1] = file_get(f);
        init->fds[2] = file_get(f);
    }
}

static void pipe_stat(pipe_t *pp, uint8_t *st)
{
    memset(st, 0, 128);
    *(uint64_t *)(st + 0) = 0xc;              /* st_dev: pipefs */
    *(uint64_t *)(st + 8) = pp->ino;
    *(uint32_t *)(st + 16) = S_IFIFO | 0600;
    *(uint32_t *)(st + 20) = 1;
    *(uint32_t *)(st + 56) = 4096;
}

void procfs_refresh(proc_t *caller, const char *path);
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
    if (path[0] != '/' && vfs_mounts[(*dir)->fs].magic == 0x9fa0) {
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

/* A path from the process; a path into /proc gets fresh contents there first. */
static long get_path(proc_t *p, uint64_t upath, char *buf)
{
    long r = copy_in_str(p, buf, upath, VFS_PATH_MAX);
    if (r < 0) return r;
    const char *s = buf;
    while (s[0] == '/' && s[1] == '/') s++;
    if (!memcmp(s, "/proc", 5) && (s[5] == 0 || s[5] == '/')) procfs_refresh(p, s);
    if (!memcmp(s, "/sys", 4) && (s[4] == 0 || s[4] == '/')) sysfs_populate();
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

/* Wait for f: the call is run again when it changes. */
static long block_on(proc_t *p, file_t *f, uint64_t nr, uint64_t a[6])
{
    io_wait_mark(p);
    p->state = P_IO;
    p->wait_obj = vfs_wait_object(f);
    p->sys_nr = nr;
    memcpy(p->sys_args, a, sizeof(p->sys_args));
    return SYSCALL_NO_REPLY;
}

/* SIGPIPE goes with EPIPE. */
static long epipe(proc_t *p, long r)
{
    if (r == -EPIPE_) sig_send(p, 13, 0, p->tgid);
    return r;
}

static long do_rw(proc_t *p, uint64_t nr, uint64_t a[6], int write, int vec, int positional)
{
    file_t *f = fd_file(p, a[0]);
    if (!f) return -EBADF;
    uint64_t pos = positional ? a[3] : 0, *offp = positional ? &pos : 0;
    if (positional && (int64_t)pos < 0) return -EINVAL;
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
            if (r < 0) { p->io_done = 0; return total ? total : write ? epipe(p, r) : r; }
            total += r;
            if (offp) pos += (uint64_t)r;
            base += (uint64_t)r;
            len -= (uint64_t)r;
            if ((uint64_t)r < n) { p->io_done = 0; return total; }  /* short: stop here */
        }
    }
    p->io_done = 0;
    return total;
}

static long sys_openat(proc_t *p, int64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mode)
{
    static char path[VFS_PATH_MAX];
    vnode_t *dir;
    file_t *f;
    long r = get_path(p, upath, path);
    if (r || (r = at_dir(p, dirfd, path, &dir))) return r;
    file_t *linked = (flags & O_NOFOLLOW) ? 0 : proc_fd_link(p, path);
    if (linked && (flags & O_CREAT) && (flags & O_EXCL)) return -EEXIST;
    if (linked && linked->pipe) r = pipe_open(linked->pipe, (uint32_t)flags, &f);
    else if (linked && linked->node) r = vfs_open_node(linked->node, (uint32_t)flags & ~(uint32_t)O_CREAT, &f);
    else r = vfs_open(dir, path, (uint32_t)flags, (uint32_t)mode, p->grp->umask, &f);
    if (r) return r;
    r = fd_alloc(p, f, 0, (flags & O_CLOEXEC) != 0);
    if (r < 0) file_put(f);
    return r;
}

static long sys_stat_at(proc_t *p, int64_t dirfd, uint64_t upath, uint64_t ubuf, uint64_t flags)
{
    static char path[VFS_PATH_MAX];
    uint8_t st[128];
    vnode_t *dir, *n;
    long r;
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800)) return -EINVAL;
    if ((r = get_path(p, upath, path))) return r;
    if (!path[0] && (flags & AT_EMPTY_PATH)) {
        file_t *f = fd_file(p, (uint64_t)dirfd);
        if (dirfd == AT_FDCWD) n = p->grp->cwd;
        else if (!f) return -EBADF;
        else if (f->pipe) { pipe_stat(f->pipe, st); return copy_out(p, ubuf, st, 128); }
        else n = f->node;
    } else {
        file_t *linked = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : proc_fd_link(p, path);
        if (linked && linked->pipe) { pipe_stat(linked->pipe, st); return copy_out(p, ubuf, st, 128); }
        if (linked && linked->node) n = linked->node;
        else if ((r = at_dir(p, dirfd, path, &dir)) || (r = vfs_lookup(dir, path, !(flags & AT_SYMLINK_NOFOLLOW), &n))) return r;
    }
    vnode_stat(n, st);
    return copy_out(p, ubuf, st, 128);
}

static long sys_fstat(proc_t *p, uint64_t fd, uint64_t ubuf)
{
    file_t *f = fd_file(p, fd);
    uint8_t st[128];
    if (!f) return -EBADF;
    if (f->pipe) {
        pipe_stat(f->pipe, st);
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
static long sys_fcntl(proc_t *p, uint64_t fd, uint64_t cmd, uint64_t arg)
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
    case F_GETLK: {  /* no other process holds a lock here: report F_UNLCK */
        int16_t type = 2;
        return copy_out(p, arg, &type, 2);
    }
    case F_SETLK: case F_SETLKW: return 0;  /* record locks: a single writer at a time is not enforced yet */
    }
    return -EINVAL;
}

static long sys_ioctl(proc_t *p, uint64_t fd, uint64_t req, uint64_t arg)
{
    file_t *f = fd_file(p, fd);
    if (!f) return -EBADF;
    int is_tty = f->node && (f->node->mode & S_IFMT) == S_IFCHR &&
                 (f->node->rdev == DEV_TTY || f->node->rdev == DEV_CONSOLE || f->node->rdev == DEV_TTYAMA0);
    if (req == 0x541b) {  /* FIONREAD */
        int n = f->pipe ? (int)f->pipe->len : is_tty ? (int)console_tty.qlen : 0;
        return copy_out(p, arg, &n, 4);
    }
    if (req == 0x5421) {  /* FIONBIO: the same as F_SETFL's O_NONBLOCK */
        int on;
        if (copy_in(p, &on, arg, 4)) return -EFAULT;
        f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~(uint32_t)O_NONBLOCK;
        return 0;
    }
    if (!is_tty) return -ENOTTY;
    tty_t *t = &console_tty;
    switch (req) {
    case 0x5401: { /* TCGETS */
        uint8_t b[36];
        memcpy(b, &t->iflag, 16);
        b[16] = t->line_disc;
        memcpy(b + 17, t->cc, 19);
        return copy_out(p, arg, b, 36);
    }
    case 0x5402: case 0x5403: case 0x5404: { /* TCSETS, TCSETSW, TCSETSF */
        uint8_t b[36];
        if (copy_in(p, b, arg, 36)) return -EFAULT;
        memcpy(&t->iflag, b, 16);
        t->line_disc = b[16];
        memcpy(t->cc, b + 17, 19);
        if (req == 0x5404) { t->qlen = 0; t->lines = 0; t->llen = 0; }
        vfs_event(t);
        return 0;
    }
    case 0x5413: { uint16_t ws[4] = { t->rows, t->cols, 0, 0 }; return copy_out(p, arg, ws, 8); } /* TIOCGWINSZ */
    case 0x5414: { uint16_t ws[4]; if (copy_in(p, ws, arg, 8)) return -EFAULT; t->rows = ws[0]; t->cols = ws[1]; return 0; }
    case 0x540f: { int g = t->fg_pgrp; return copy_out(p, arg, &g, 4); }  /* TIOCGPGRP */
    case 0x5410: { int g; if (copy_in(p, &g, arg, 4)) return -EFAULT; if (g < 0) return -EINVAL; t->fg_pgrp = g; return 0; }
    case 0x5429: { int s = t->sid; return copy_out(p, arg, &s, 4); }      /* TIOCGSID */
    case 0x540e: /* TIOCSCTTY */
        if (p->grp->sid != p->grp->tgid && p->grp->sid != 0) return -EPERM;
        t->sid = p->grp->sid ? p->grp->sid : p->grp->tgid;
        t->fg_pgrp = p->grp->pgid ? p->grp->pgid : p->grp->tgid;
        return 0;
    case 0x5422: return 0; /* TIOCNOTTY */
    case 0x540b: if (arg == 0 || arg == 2) { t->qlen = 0; t->lines = 0; } return 0; /* TCFLSH */
    case 0x540a: case 0x5409: return 0; /* TCXONC, TCSBRK */
    }
    return -EINVAL;
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

void tty_signal_fg(int sig)
{
    int pg = console_tty.fg_pgrp;
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *g = &procs[i];
        if (g->state == P_FREE || g->state == P_ZOMBIE || g->grp != g) continue;
        if (pg ? g->pgid == pg : g->pid != 1 && g->sid == console_tty.sid) sig_send(g, sig, 0, 0);
    }
}

/* ---- waking waiters ---- */
static void *pending_events[64];
static int n_pending;
static int poll_dirty;

void vfs_event(void *obj)
{
    poll_dirty = 1;
    for (int i = 0; i < n_pending; i++) if (pending_events[i] == obj) return;
    if (n_pending < 64) pending_events[n_pending++] = obj;
}

void io_run_wakeups(void)
{
    for (int round = 0; round < 8 && (n_pending || poll_dirty); round++) {
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
                long r = posix_syscall(t, t->sys_nr, t->sys_args);
                current_caller = 0;
                if (r == SYSCALL_NO_REPLY) { if (t->state == P_RUN) t->state = was_poll ? P_POLL : P_IO; continue; }
                if (was_poll && t->wake_at) { t->wake_at = 0; sleepers--; }
                if (t->state == P_RUN) proc_reply(t, r);
            }
        }
    }
}

long fd_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled)
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
    case LINUX_SYS_openat: return sys_openat(p, (int64_t)(int)a[0], a[1], a[2], a[3]);
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
    case LINUX_SYS_fcntl: return sys_fcntl(p, a[0], a[1], a[2]);
    case LINUX_SYS_ioctl: return sys_ioctl(p, a[0], a[1], a[2]);
    case LINUX_SYS_pipe2: {
        file_t *rf, *wf;
        if (a[1] & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
        pipe_create(&rf, &wf, (uint32_t)a[1]);
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
        if (nr == LINUX_SYS_chroot) {
            /* one namespace for now: a root other than / is refused (and said), never faked */
            if (g->euid != 0) return -EPERM;
            if (n == vfs_root()) return 0;
            printf("posix-server: chroot to a directory other than / is not supported yet\n");
            return -EPERM;
        }
        vnode_ref(n);
        vnode_put(g->cwd);
        g->cwd = n;
        return 0;
    case LINUX_SYS_fchdir: {
        file_t *f = fd_file(p, a[0]);
        if (!f) return -EBADF;
        if (!f->node || (f->node->mode & S_IFMT) != S_IFDIR) return -ENOTDIR_;
        vnode_ref(f->node);
        vnode_put(g->cwd);
        g->cwd = f->node;
        return 0;
    }
    case LINUX_SYS_getcwd:
        if ((r = vfs_getcwd(g->cwd, path, a[1])) < 0) return r;
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
    case LINUX_SYS_faccessat2:
        if ((r = get_path(p, a[1], path)) || (r = at_dir(p, (int64_t)(int)a[0], path, &dir)) ||
            (r = vfs_lookup(dir, path, 1, &n))) return r;
        if (a[2] & ~7UL) return -EINVAL;
        if ((a[2] & 1) && g->euid == 0 && !(n->mode & 0111) && (n->mode & S_IFMT) != S_IFDIR) return -EACCES_;
        return 0;
    case LINUX_SYS_fchmodat:
        if ((r = get_path(p, a[1], path)) || (r = at_dir(p, (int64_t)(int)a[0], path, &dir)) ||
            (r = vfs_lookup(dir, path, 1, &n))) return r;
        n->mode = (n->mode & S_IFMT) | ((uint32_t)a[2] & 07777);
        n->ctime = vfs_now();
        return 0;
    case LINUX_SYS_fchmod: {
        file_t *f = fd_file(p, a[0]);
        if (!f) return -EBADF;
        if (!f->node) return 0;
        f->node->mode = (f->node->mode & S_IFMT) | ((uint32_t)a[1] & 07777);
        return 0;
    }
    case LINUX_SYS_fchownat:
        if ((r = get_path(p, a[1], path)) || (r = at_dir(p, (int64_t)(int)a[0], path, &dir)) ||
            (r = vfs_lookup(dir, path, !(a[4] & AT_SYMLINK_NOFOLLOW), &n))) return r;
        if (g->euid != 0) return -EPERM;
        if ((int32_t)a[2] != -1) n->uid = (uint32_t)a[2];
        if ((int32_t)a[3] != -1) n->gid = (uint32_t)a[3];
        return 0;
    case LINUX_SYS_fchown: {
        file_t *f = fd_file(p, a[0]);
        if (!f) return -EBADF;
        if (g->euid != 0) return -EPERM;
        if (f->node) { if ((int32_t)a[1] != -1) f->node->uid = (uint32_t)a[1]; if ((int32_t)a[2] != -1) f->node->gid = (uint32_t)a[2]; }
        return 0;
    }
    case LINUX_SYS_utimensat: {
        uint64_t ts[4];
        if (a[1]) {
            if ((r = get_path(p, a[1], path)) || (r = at_dir(p, (int64_t)(int)a[0], path, &dir)) ||
                (r = vfs_lookup(dir, path, !(a[3] & AT_SYMLINK_NOFOLLOW), &n))) return r;
        } else {
            file_t *f = fd_file(p, a[0]);
            if (!f || !f->node) return -EBADF;
            n = f->node;
        }
        uint64_t now = vfs_now();
        if (!a[2]) { n->atime = n->mtime = now; return 0; }
        if (copy_in(p, ts, a[2], 32)) return -EFAULT;
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
        return file_truncate(f->node, a[1]);
    }
    case LINUX_SYS_truncate:
        if ((r = get_path(p, a[0], path)) || (r = vfs_lookup(g->cwd, path, 1, &n))) return r;
        if ((int64_t)a[1] < 0) return -EINVAL;
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
        if (w < 0) { if (offp) off -= (uint64_t)n; else in->off -= (uint64_t)n; return epipe(p, w); }
        if (w < n) { if (offp) off -= (uint64_t)(n - w); else in->off -= (uint64_t)(n - w); }
        if (offp && copy_out(p, a[2], &off, 8)) return -EFAULT;
        return w;
    }
    case LINUX_SYS_mount: {
        /* The boot mounts (proc, sysfs, devtmpfs, tmpfs on /tmp) are always there, so mounting one
         * at its place again succeeds; tmpfs can be mounted on an empty directory. */
        char type[32], source[32] = "none";
        uint64_t fl = (a[3] & 0xffff0000) == 0xc0ed0000 ? a[3] & 0xffff : a[3];  /* MS_MGC_VAL */
        if (g->euid != 0) return -EPERM;
        if ((r = get_path(p, a[1], path))) return r;
        if ((r = vfs_lookup(g->cwd, path, 1, &n))) return r;
        uint32_t st = (fl & 0xf) | (fl & 1024 ? 0x400 : 0) | (fl & 2048 ? 0x800 : 0) |
                      (fl & (1024 | (1UL << 24)) ? 0 : 0x1000);  /* relatime unless noatime or strictatime */
        if (fl & 32) {  /* MS_REMOUNT: new flags for a mount */
            if (vfs_mounts[n->fs].root != n) return -EINVAL;
            vfs_mounts[n->fs].flags = st;
            return 0;
        }
        if (fl & ((1UL << 17) | (1UL << 18) | (1UL << 19) | (1UL << 20))) return 0;  /* propagation: one namespace */
        if (fl & (4096 | 8192)) {
            printf("posix-server: bind and move mounts are not supported yet\n");
            return -EINVAL;
        }
        if (!a[2]) return -ENODEV_;
        if ((r = copy_in_str(p, type, a[2], sizeof(type))) < 0) return r == -EFAULT ? r : -ENODEV_;
        if (a[0] && (r = copy_in_str(p, source, a[0], sizeof(source))) < 0) {
            if (r == -EFAULT) return r;
            source[sizeof(source) - 1] = 0;  /* kept to its first 31 bytes in /proc/mounts */
        }
        if (strcmp(type, "proc") && strcmp(type, "sysfs") && strcmp(type, "devtmpfs") && strcmp(type, "tmpfs"))
            return -ENODEV_;
        return vfs_mount(n, source, type, st);
    }
    case LINUX_SYS_umount2:
        if (a[1] & ~15UL) return -EINVAL;
        if (g->euid != 0) return -EPERM;
        if ((r = get_path(p, a[0], path)) || (r = vfs_lookup(g->cwd, path, !(a[1] & 8), &n))) return r;
        return vfs_umount(n);
    case LINUX_SYS_statfs: case LINUX_SYS_fstatfs: {
        uint64_t sf[15];
        if (nr == LINUX_SYS_statfs) {
            if ((r = get_path(p, a[0], path)) || (r = vfs_lookup(g->cwd, path, 1, &n))) return r;
        } else {
            file_t *f = fd_file(p, a[0]);
            if (!f) return -EBADF;
            if (f->pipe) {
                memset(sf, 0, sizeof(sf));
                sf[0] = 0x50495045; sf[1] = 4096; sf[8] = 255; sf[9] = 4096; sf[10] = 0x20;  /* PIPEFS_MAGIC */
                return copy_out(p, a[1], sf, sizeof(sf));
            }
            n = f->node;
        }
        vfs_statfs(n, sf);
        return copy_out(p, a[1], sf, sizeof(sf));
    }
    case LINUX_SYS_fsync: case LINUX_SYS_fdatasync: return fd_file(p, a[0]) ? 0 : -EBADF;
    case LINUX_SYS_ppoll: {
        long ready = sys_ppoll(p, a);
        if (ready != 0 || (a[2] && ({ uint64_t ts[2] = { 1, 1 }; copy_in(p, ts, a[2], 16); !ts[0] && !ts[1]; }))) return ready;
        if (sig_deliverable(p)) return -EINTR;
        p->sys_nr = nr;
        memcpy(p->sys_args, a, sizeof(p->sys_args));
        if (a[2] && !p->wake_at) {
            uint64_t ts[2], f = read_cntfrq();
            if (copy_in(p, ts, a[2], 16)) return -EFAULT;
            p->wake_at = read_cntvct() + ts[0] * f + ts[1] * f / 1000000000ULL;
            if (!p->wake_at) p->wake_at = 1;
            sleepers++;
        }
        io_wait_mark(p);
        p->state = P_POLL;
        return SYSCALL_NO_REPLY;
    }
    }
    *handled = 0;
    return 0;
}
