/*
 * procfs, generated: /proc is a directory of tmpfs (its own file system, proc) whose contents
 * posix-server writes afresh whenever a path under /proc is used (it knows the processes):
 * - /proc/<pid> for every process, /proc/self and /proc/thread-self (symlinks for the caller);
 * - a path into /proc/<pid> (or self) fills that directory: stat, status, statm, comm, cmdline and
 *   environ (read from the process's memory between arg_start/arg_end and env_start/env_end, as
 *   Linux does), maps, exe, cwd and root (symlinks), fd/ (a symlink per descriptor: the file's path,
 *   "pipe:[ino]"), task/<tid>/{stat,status,comm};
 * - any other path under /proc rewrites the system files: meminfo, uptime, loadavg, mounts, cpuinfo,
 *   stat, filesystems, version.
 * /sys gets its few files (device numbers for mdev) the first time a path under it is used.
 */
#include <stdarg.h>
#include "posix.h"
#include "socket.h"

static char buf[32768];
static uint64_t len;

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void put(const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    extern int vsnprintf_(char *, size_t, const char *, va_list);
    int n = vsnprintf_(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(tmp)) n = sizeof(tmp) - 1;
    if (n > 0 && len + (uint64_t)n < sizeof(buf)) { memcpy(buf + len, tmp, (uint64_t)n); len += (uint64_t)n; }
}

static void put_str(const char *s)
{
    uint64_t l = strlen(s);
    if (len + l < sizeof(buf)) { memcpy(buf + len, s, l); len += l; }
}

/* Write the buffer as the file at path (created with mode, owned by uid/gid), and empty it. */
static void write_file_as(const char *path, uint32_t mode, uint32_t uid, uint32_t gid)
{
    file_t *f;
    if (vfs_open(vfs_root(), path, O_CREAT | O_WRONLY | O_TRUNC, mode, 0, &f) == 0) {
        file_write(f, buf, len, 0);
        f->node->uid = uid;
        f->node->gid = gid;
        file_put(f);
    }
    len = 0;
}
static void write_file(const char *path) { write_file_as(path, 0444, 0, 0); }

static void symlink_as(const char *path, const char *target, uint32_t mode, uint32_t uid, uint32_t gid)
{
    vnode_t *n;
    /* an existing link is changed in place: a new entry would be read again by whoever is reading the
     * directory while it is refreshed (find, du) */
    if (vfs_lookup(vfs_root(), path, 0, &n) == 0 && (n->mode & S_IFMT) == S_IFLNK) {
        if (strcmp(n->link, target)) vfs_set_link(n, target);
        n->mode = S_IFLNK | mode; n->uid = uid; n->gid = gid;
        return;
    }
    vfs_unlink(vfs_root(), path, 0);
    if (vfs_mknod(vfs_root(), path, S_IFLNK | mode, 0, target) == 0 && vfs_lookup(vfs_root(), path, 0, &n) == 0) {
        n->uid = uid;
        n->gid = gid;
    }
}

static void mkdir_as(const char *path, uint32_t mode, uint32_t uid, uint32_t gid)
{
    vnode_t *n;
    vfs_mknod(vfs_root(), path, S_IFDIR | mode, 0, 0);
    if (vfs_lookup(vfs_root(), path, 0, &n) == 0) { n->uid = uid; n->gid = gid; }
}

static void remove_tree(const char *path)
{
    vnode_t *d;
    if (vfs_lookup(vfs_root(), path, 0, &d) || (d->mode & S_IFMT) != S_IFDIR) { vfs_unlink(vfs_root(), path, 0); return; }
    while (d->entries) {
        char sub[160];
        snprintf(sub, sizeof(sub), "%s/%s", path, d->entries->name);
        remove_tree(sub);
    }
    vfs_unlink(vfs_root(), path, 1);
}

/* Empty a directory but keep it (a process may have it open: its own fd/ while listing it). */
static void clear_dir(const char *path)
{
    vnode_t *d;
    if (vfs_lookup(vfs_root(), path, 0, &d) || (d->mode & S_IFMT) != S_IFDIR) return;
    while (d->entries) {
        char sub[160];
        snprintf(sub, sizeof(sub), "%s/%s", path, d->entries->name);
        remove_tree(sub);
    }
}

static uint64_t ticks_now(void) { return read_cntvct() / (read_cntfrq() / 100); }  /* USER_HZ */

static int alive(proc_t *t) { return t->state != P_FREE && t->state != P_DEAD; }

static uint64_t rss_pages(mm_t *mm)
{
    uint64_t n = 0;
    if (!mm) return 0;
    for (vma_t *v = mm->vmas; v; v = v->next)
        for (uint64_t va = v->start; va < v->end; va += PAGE) {
            uint64_t *e = pm_entry(&mm->pm, va, 0);
            if (e && (*e & PM_PRESENT)) n++;
        }
    return n;
}

static uint64_t vm_size(mm_t *mm)
{
    uint64_t s = 0;
    if (mm) for (vma_t *v = mm->vmas; v; v = v->next) s += v->end - v->start;
    return s;
}

static int threads_of(proc_t *g)
{
    int n = 0;
    for (int i = 0; i < MAX_PROCS; i++) if (procs[i].grp == g && alive(&procs[i]) && procs[i].state != P_ZOMBIE) n++;
    return n ? n : 1;
}

static char state_of(proc_t *g, proc_t *t)
{
    if (g->state == P_ZOMBIE) return 'Z';
    if (g->stopped) return 'T';
    return t->state == P_RUN ? 'R' : 'S';
}

static const char *state_name(char s)
{
    return s == 'R' ? "running" : s == 'Z' ? "zombie" : s == 'T' ? "stopped" : "sleeping";
}

/* Signal sets as /proc shows them: pending (the thread's own), blocked, ignored, caught. */
static void sig_sets(proc_t *g, proc_t *t, uint64_t s[4])
{
    s[0] = t->pend.set;
    s[1] = t->sigmask;
    s[2] = s[3] = 0;
    for (int i = 0; i < 64; i++) {
        if (g->sigactions[i][0] == 1) s[2] |= 1UL << i;
        else if (g->sigactions[i][0] > 1) s[3] |= 1UL << i;
    }
}


/* /proc/<pid>/stat: the 52 fields of proc(5), for thread t of process g; whole: the process's usage
 * (/proc/<pid>/stat), else the thread's (task/<tid>/stat). */
static void put_stat(proc_t *g, proc_t *t, int whole)
{
    racc_t u;
    if (whole) acct_process(g, &u); else acct_thread(t, &u);
    const uint64_t tick = 1000000000ULL / 100;  /* USER_HZ */
    mm_t *mm = g->state == P_ZOMBIE ? 0 : g->mm;
    uint64_t sg[4], startcode = 0, endcode = 0, startdata = 0, enddata = 0;
    sig_sets(g, t, sg);
    if (mm)
        for (vma_t *v = mm->vmas; v; v = v->next) {
            if (!v->vn || v->vn != mm->exe) continue;
            if ((v->prot & PROT_EXEC) && !startcode) { startcode = v->start; endcode = v->start + v->file_len; }
            else if ((v->prot & PROT_WRITE) && !startdata) { startdata = v->start; enddata = v->start + v->file_len; }
        }
    char s = state_of(g, t);
    int tpgid;
    uint64_t tty = ctty_dev(g, &tpgid);
    put("%d (%s) %c %d %d %d %d %d 4194304 %lu %lu 0 0 %lu %lu %lu %lu 20 0 %d 0 %lu %lu %lu %lu ",
        t->pid, t->comm, s, g->ppid, g->pgid, g->sid, (int)tty, tpgid, u.minflt, g->acct_children.minflt,
        u.utime / tick, u.stime / tick, g->acct_children.utime / tick, g->acct_children.stime / tick, threads_of(g),
        t->start_time / (read_cntfrq() / 100), vm_size(mm), rss_pages(mm), g->rlim[5][0]);
    put("%lu %lu %lu 0 0 %lu %lu %lu %lu 0 0 0 17 0 0 0 0 0 0 %lu %lu %lu %lu %lu %lu %lu %d\n",
        startcode, endcode, mm ? mm->start_stack : 0, sg[0] & 0x7fffffff, sg[1] & 0x7fffffff, sg[2] & 0x7fffffff,
        sg[3] & 0x7fffffff,  /* the obsolete fields show the standard signals only, as Linux's */
        startdata, enddata, mm ? mm->brk_start : 0, mm ? mm->arg_start : 0, mm ? mm->arg_end : 0,
        mm ? mm->env_start : 0, mm ? mm->env_end : 0, g->state == P_ZOMBIE ? g->exit_code : 0);
}

static void put_kb(const char *name, uint64_t kb) { put("%s:\t%8lu kB\n", name, kb); }

/* /proc/<pid>/status, in Linux's order of fields. */
static void put_status(proc_t *g, proc_t *t)
{
    mm_t *mm = g->state == P_ZOMBIE ? 0 : g->mm;
    uint64_t sg[4];
    sig_sets(g, t, sg);
    char s = state_of(g, t);
    put("Name:\t%s\nUmask:\t0%c%c%c\nState:\t%c (%s)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
        t->comm, '0' + (g->umask >> 6 & 7), '0' + (g->umask >> 3 & 7), '0' + (g->umask & 7), s, state_name(s),
        g->tgid, t->pid, g->ppid);
    put("Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t",
        g->uid, g->euid, g->suid, g->euid, g->gid, g->egid, g->sgid, g->egid, MAX_FDS);
    for (int i = 0; i < g->ngroups; i++) put("%u ", g->groups[i]);
    put("\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", g->tgid, t->pid, g->pgid, g->sid);
    if (mm) {
        uint64_t size = vm_size(mm) / 1024, rss = rss_pages(mm) * 4, stk = 0, exe = 0, data = 0;
        for (vma_t *v = mm->vmas; v; v = v->next) {
            if (v->flags & VMA_GROWSDOWN) stk += (v->end - v->start) / 1024;
            else if (v->vn && v->vn == mm->exe && (v->prot & PROT_EXEC)) exe += (v->end - v->start) / 1024;
            else if (v->prot & PROT_WRITE) data += (v->end - v->start) / 1024;
        }
        put_kb("VmPeak", size); put_kb("VmSize", size); put_kb("VmLck", 0); put_kb("VmPin", 0);
        put_kb("VmHWM", rss); put_kb("VmRSS", rss); put_kb("RssAnon", rss); put_kb("RssFile", 0);
        put_kb("RssShmem", 0); put_kb("VmData", data); put_kb("VmStk", stk); put_kb("VmExe", exe);
        put_kb("VmLib", 0); put_kb("VmPTE", 0); put_kb("VmSwap", 0);
        put("HugetlbPages:\t%8lu kB\nCoreDumping:\t0\nTHP_enabled:\t1\n", 0UL);
    }
    int root = g->euid == 0;
    /* SigQ: the signals queued for the real user (Linux's ucounts) and the limit */
    put("Threads:\t%d\nSigQ:\t%d/%lu\nSigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
        threads_of(g), sig_queue_count(g->uid), g->rlim[11][0], sg[0], g->shared.set, sg[1], sg[2], sg[3]);
    put("CapInh:\t0000000000000000\nCapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n",
        root ? "000001ffffffffff" : "0000000000000000", root ? "000001ffffffffff" : "0000000000000000");
    put("NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\nSpeculation_Store_Bypass:\tthread vulnerable\n"
        "SpeculationIndirectBranch:\tunknown\nCpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\n"
        "Mems_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

/* A file holding the bytes of g's memory from start to end (cmdline, environ). */
static void write_mem_file(proc_t *g, uint64_t start, uint64_t end, const char *path, uint32_t mode)
{
    file_t *f;
    if (vfs_open(vfs_root(), path, O_CREAT | O_WRONLY | O_TRUNC, mode, 0, &f)) return;
    f->node->uid = g->euid;
    f->node->gid = g->egid;
    static uint8_t chunk[4096];
    if (g->state != P_ZOMBIE && g->mm)
        for (uint64_t at = start; at < end;) {
            uint64_t n = end - at < sizeof(chunk) ? end - at : sizeof(chunk);
            if (copy_in(g, chunk, at, n)) break;
            file_write(f, chunk, n, 0);
            at += n;
        }
    file_put(f);
}

/* /proc/<pid>/maps: "start-end perms offset major:minor inode", the path from column 73; written to
 * f a buffer at a time (a process may have many areas). */
static void put_maps(proc_t *g, file_t *f)
{
    mm_t *mm = g->state == P_ZOMBIE ? 0 : g->mm;
    static char file_path[VFS_PATH_MAX];
    if (!mm) return;
    for (vma_t *v = mm->vmas; v; v = v->next) {
        if (len > sizeof(buf) - 1024) { file_write(f, buf, len, 0); len = 0; }
        uint64_t l0 = len, off = 0, dev = 0, ino = 0;
        const char *name = 0;
        if (v->vn) {  /* a file's pages; shared anonymous memory shows as Linux shows it */
            off = v->off;
            dev = vfs_dev(v->vn);
            ino = v->vn->ino;
            name = vfs_node_path(v->vn, file_path, sizeof(file_path)) >= 0 ? file_path : "/dev/zero (deleted)";
        } else if (v->start <= mm->start_stack && mm->start_stack < v->end) {
            name = "[stack]";
        } else if (mm->brk > mm->brk_start && v->start >= mm->brk_start && v->end <= ((mm->brk + PAGE - 1) & ~(PAGE - 1))) {
            name = "[heap]";
        }
        put("%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", v->start, v->end, v->prot & PROT_READ ? 'r' : '-',
            v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-', v->flags & VMA_SHARED ? 's' : 'p',
            off, (unsigned)(dev >> 8 & 0xfff), (unsigned)(dev & 0xff), ino);
        if (name) {
            while (len - l0 < 72) put_str(" ");
            put(" %s", name);
        }
        put_str("\n");
    }
}

/* The text of /proc/<pid>/fd/<n>'s link. */
static void fd_target(file_t *f, char *out, uint64_t size)
{
    if (f->pipe) { snprintf(out, size, "pipe:[%lu]", f->pipe->ino); return; }
    if (f->sock) { snprintf(out, size, "socket:[%lu]", f->sock->ino); return; }
    if (f->ops) { snprintf(out, size, "anon_inode:%s", f->ops->name); return; }
    if (f->node && f->node->memfd) { snprintf(out, size, "/memfd:%s (deleted)", f->node->link); return; }
    if (!f->node || vfs_node_path(f->node, out, size) < 0) snprintf(out, size, "(deleted)");
}

/* A mount's options as /proc/mounts and mountinfo show them: ro or rw, then the MNT_* flags. */
static void put_mount_opts(uint32_t flags, int ro)
{
    put("%s%s%s%s%s%s%s", ro ? "ro" : "rw", flags & MNT_NOSUID ? ",nosuid" : "", flags & MNT_NODEV ? ",nodev" : "",
        flags & MNT_NOEXEC ? ",noexec" : "", flags & MNT_NOATIME ? ",noatime" : "",
        flags & MNT_NODIRATIME ? ",nodiratime" : "", flags & MNT_RELATIME ? ",relatime" : "");
}

/* A name in the mount table: space, tab, newline and backslash as octal escapes, as Linux's mangle(). */
static void put_mangled(const char *s)
{
    static char out[4 * VFS_PATH_MAX];
    uint64_t o = 0;
    for (; *s && o + 5 < sizeof(out); s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\') {
            out[o++] = '\\';
            for (int k = 6; k >= 0; k -= 3) out[o++] = (char)('0' + ((unsigned char)*s >> k & 7));
        } else {
            out[o++] = *s;
        }
    }
    out[o] = 0;
    put_str(out);
}

/*
 * The mount table in the order of mounting: with info, Linux's mountinfo ("id parent major:minor root
 * mountpoint options [shared:N] [master:N] [unbindable] - type source superoptions"), else the mounts
 * file ("source mountpoint type options 0 0").
 */
static void put_mounts(int info)
{
    static char mp[VFS_PATH_MAX], root[VFS_PATH_MAX];
    int last = 0;
    for (;;) {
        int next = -1;  /* the attached mount with the least id above last */
        for (int i = 0; i < vfs_mount_slots; i++) {
            vfs_mount_t *m = &vfs_mounts[i];
            if (m->root && (i == 0 || m->parent >= 0) && m->id > last && (next < 0 || m->id < vfs_mounts[next].id)) next = i;
        }
        if (next < 0) return;
        vfs_mount_t *m = &vfs_mounts[next];
        vfs_fs_t *f = &vfs_fss[m->fs];
        last = m->id;
        if (vfs_mount_path(next, mp, sizeof(mp)) < 0) continue;
        if (!info) {
            put_mangled(m->source);
            put(" ");
            put_mangled(mp);
            put(" %s ", f->type);
            put_mount_opts(m->flags, (m->flags & MNT_RDONLY) || f->rdonly);
            put(" 0 0\n");
            continue;
        }
        if (vfs_mount_root_path(next, root, sizeof(root)) < 0) memcpy(root, "/", 2);
        put("%d %d 0:%u ", m->id, next ? vfs_mounts[m->parent].id : m->id, 0x10 + m->fs);
        put_mangled(root);
        put(" ");
        put_mangled(mp);
        put(" ");
        put_mount_opts(m->flags, m->flags & MNT_RDONLY);
        if (m->group) put(" shared:%u", m->group);
        if (m->master) put(" master:%u", m->master);
        if (m->unbindable) put(" unbindable");
        put(" - %s ", f->type);
        put_mangled(m->source);
        put(" %s\n", f->rdonly ? "ro" : "rw");
    }
}

/* Everything in /proc/<pid> for process g, as thread t sees it (t is g but for /proc/<tid>, which is
 * there for a thread that is not the leader without being listed). */
static void fill_pid(proc_t *g, proc_t *t0)
{
    static char dir[64], path[160], target[VFS_PATH_MAX];
    uint32_t uid = g->euid, gid = g->egid;
    mm_t *mm = g->state == P_ZOMBIE ? 0 : g->mm;
    snprintf(dir, sizeof(dir), "/proc/%d", t0->pid);
    mkdir_as(dir, 0555, uid, gid);
    put_stat(g, t0, 1);
    snprintf(path, sizeof(path), "%s/stat", dir); write_file_as(path, 0444, uid, gid);
    put_status(g, t0);
    snprintf(path, sizeof(path), "%s/status", dir); write_file_as(path, 0444, uid, gid);
    uint64_t size = vm_size(mm) / PAGE, text = 0, data = 0;
    if (mm) for (vma_t *v = mm->vmas; v; v = v->next) {
        if ((v->vn && v->vn == mm->exe) && (v->prot & PROT_EXEC)) text += (v->end - v->start) / PAGE;
        else if (v->prot & PROT_WRITE) data += (v->end - v->start) / PAGE;
    }
    put("%lu %lu 0 %lu 0 %lu 0\n", size, rss_pages(mm), text, data);
    snprintf(path, sizeof(path), "%s/statm", dir); write_file_as(path, 0444, uid, gid);
    put("%s\n", t0->comm);
    snprintf(path, sizeof(path), "%s/comm", dir); write_file_as(path, 0644, uid, gid);
    snprintf(path, sizeof(path), "%s/cmdline", dir);
    write_mem_file(g, mm ? mm->arg_start : 0, mm ? mm->arg_end : 0, path, 0444);
    snprintf(path, sizeof(path), "%s/environ", dir);
    write_mem_file(g, mm ? mm->env_start : 0, mm ? mm->env_end : 0, path, 0400);
    snprintf(path, sizeof(path), "%s/maps", dir);
    file_t *f;
    if (vfs_open(vfs_root(), path, O_CREAT | O_WRONLY | O_TRUNC, 0444, 0, &f) == 0) {
        f->node->uid = uid;
        f->node->gid = gid;
        put_maps(g, f);
        file_write(f, buf, len, 0);
        file_put(f);
    }
    len = 0;
    /* the links (a zombie has none that lead anywhere: Linux answers ENOENT for them) */
    snprintf(path, sizeof(path), "%s/mounts", dir); put_mounts(0); write_file_as(path, 0444, uid, gid);
    snprintf(path, sizeof(path), "%s/mountinfo", dir); put_mounts(1); write_file_as(path, 0444, uid, gid);
    snprintf(path, sizeof(path), "%s/exe", dir);
    if (mm && mm->exe && vfs_node_path(mm->exe, target, sizeof(target)) >= 0) symlink_as(path, target, 0777, uid, gid);
    else vfs_unlink(vfs_root(), path, 0);
    snprintf(path, sizeof(path), "%s/cwd", dir);
    if (g->state != P_ZOMBIE && g->cwd && (vfs_getcwd_at(g->cwd, g->cwd_mnt, target, sizeof(target)) >= 0 ||
                                          vfs_node_path(g->cwd, target, sizeof(target)) >= 0)) symlink_as(path, target, 0777, uid, gid);
    else vfs_unlink(vfs_root(), path, 0);
    snprintf(path, sizeof(path), "%s/root", dir);
    if (g->state != P_ZOMBIE) symlink_as(path, "/", 0777, uid, gid); else vfs_unlink(vfs_root(), path, 0);
    /* fd/: one link per descriptor, its mode the access mode (r-x, -wx or rwx for the owner) */
    snprintf(path, sizeof(path), "%s/fd", dir);
    clear_dir(path);
    mkdir_as(path, 0500, uid, gid);
    if (g->state != P_ZOMBIE)
        for (int i = 0; i < MAX_FDS; i++) {
            file_t *f = g->fds[i];
            if (!f) continue;
            uint32_t acc = f->flags & O_ACCMODE, mode = 0;
            if (acc == O_RDONLY || acc == O_RDWR) mode |= 0500;
            if (acc == O_WRONLY || acc == O_RDWR) mode |= 0300;
            if (f->flags & O_PATH) mode = 0;
            fd_target(f, target, sizeof(target));
            snprintf(path, sizeof(path), "%s/fd/%d", dir, i);
            symlink_as(path, target, mode, uid, gid);
        }
    /* task/<tid>: each thread's stat, status and comm */
    snprintf(path, sizeof(path), "%s/task", dir);
    clear_dir(path);
    mkdir_as(path, 0555, uid, gid);
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *t = &procs[i];
        if (t->grp != g || !alive(t) || (t->state == P_ZOMBIE && t != g)) continue;
        snprintf(path, sizeof(path), "%s/task/%d", dir, t->pid);
        mkdir_as(path, 0555, uid, gid);
        put_stat(g, t, 0);
        snprintf(path, sizeof(path), "%s/task/%d/stat", dir, t->pid); write_file_as(path, 0444, uid, gid);
        put_status(g, t);
        snprintf(path, sizeof(path), "%s/task/%d/status", dir, t->pid); write_file_as(path, 0444, uid, gid);
        put("%s\n", t->comm);
        snprintf(path, sizeof(path), "%s/task/%d/comm", dir, t->pid); write_file_as(path, 0644, uid, gid);
    }
}

static void system_files(proc_t *caller)
{
    uint64_t t = read_cntvct(), f = read_cntfrq();
    put("%lu.%02lu %lu.%02lu\n", t / f, t % f * 100 / f, t / f, t % f * 100 / f);
    write_file("/proc/uptime");
    int n = 0;
    for (int i = 0; i < MAX_PROCS; i++) if (procs[i].state != P_FREE) n++;
    put("0.00 0.00 0.00 1/%d %d\n", n, caller->tgid);
    write_file("/proc/loadavg");
    extern uint64_t bytes_retyped;
    uint64_t frames_free(void), ut = 0;
    for (uint64_t i = 0; i < bootinfo->num_untyped; i++)
        if (!bootinfo->untyped[i].is_device) ut += 1UL << bootinfo->untyped[i].size_bits;
    uint64_t total = bootinfo->ram_bytes / 1024, free_kb = (ut - bytes_retyped + frames_free() * PAGE) / 1024;
    put("MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\nBuffers:               0 kB\n"
        "Cached:                0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\nShmem:                 0 kB\n",
        total, free_kb, free_kb);
    write_file("/proc/meminfo");
    put_mounts(0);
    write_file("/proc/mounts");
    put("processor\t: 0\nBogoMIPS\t: 125.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\n"
        "CPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n");
    write_file("/proc/cpuinfo");
    uint64_t ticks = ticks_now();
    racc_t all;
    acct_all(&all);  /* user, system (with this server's own time) and idle time, in clock ticks */
    uint64_t us = all.utime / 10000000, sy = all.stime / 10000000, idle = ticks > us + sy ? ticks - us - sy : 0;
    put("cpu  %lu 0 %lu %lu 0 0 0 0 0 0\ncpu0 %lu 0 %lu %lu 0 0 0 0 0 0\nbtime 1764000000\nprocesses %d\n"
        "procs_running 1\nprocs_blocked 0\n", us, sy, idle, us, sy, idle, n);
    write_file("/proc/stat");
    put("nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\n");
    write_file("/proc/filesystems");
    put("Linux version 6.1.0-persona (Persona microkernel with posix-server) #1\n");
    write_file("/proc/version");
}

/* The pid a path under /proc names ("/proc/123/...", "/proc/self/...", "/proc/thread-self"), or 0. */
static int path_pid(const char *path, proc_t *caller)
{
    const char *s = path + 5;
    while (*s == '/') s++;
    if (!memcmp(s, "self", 4) && (s[4] == 0 || s[4] == '/')) return caller->tgid;
    if (!memcmp(s, "thread-self", 11) && (s[11] == 0 || s[11] == '/')) return caller->tgid;
    int pid = 0;
    for (; *s >= '0' && *s <= '9'; s++) { pid = pid * 10 + (*s - '0'); if (pid > 1000000) return 0; }
    return (*s == 0 || *s == '/') ? pid : 0;
}

void procfs_refresh(proc_t *caller, const char *path)
{
    vnode_t *proc;
    char name[32];
    if (vfs_lookup(vfs_root(), "/proc", 0, &proc)) return;
    int pid = path_pid(path, caller);
    proc_t *t = pid ? proc_by_pid(pid) : 0;
    if (t && (!alive(t) || (t->state == P_ZOMBIE && t->grp != t))) t = 0;
    /* the processes' directories: gone ones removed, new ones made */
    for (dentry_t *d = proc->entries, *next; d; d = next) {
        next = d->next;
        const char *s = d->name;
        int dpid = 0;
        while (*s >= '0' && *s <= '9') dpid = dpid * 10 + (*s++ - '0');
        if (*s || s == d->name) continue;
        proc_t *g = proc_by_pid(dpid);
        if (g && ((g->grp == g && alive(g)) || g == t)) continue;
        char sub[48];
        snprintf(sub, sizeof(sub), "/proc/%s", d->name);
        remove_tree(sub);
    }
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *g = &procs[i];
        if (g->grp != g || !alive(g)) continue;
        snprintf(name, sizeof(name), "/proc/%d", g->tgid);
        mkdir_as(name, 0555, g->euid, g->egid);
    }
    snprintf(name, sizeof(name), "%d", caller->tgid);
    symlink_as("/proc/self", name, 0777, 0, 0);
    snprintf(name, sizeof(name), "%d/task/%d", caller->tgid, caller->pid);
    symlink_as("/proc/thread-self", name, 0777, 0, 0);
    if (t) fill_pid(t->grp, t);
    else if (!pid) system_files(caller);
}

/*
 * A path into proc or sysfs mounted somewhere other than /proc and /sys (they show the same tree):
 * the contents it reaches made afresh as for the same path under /proc or /sys.
 */
void sysfs_populate(void);
void procfs_refresh_mounted(proc_t *caller, const char *path)
{
    static char mp[VFS_PATH_MAX], alias[VFS_PATH_MAX];
    if (!vfs_alias_mounts) return;
    for (int i = 1; i < vfs_mount_slots; i++) {
        vfs_mount_t *m = &vfs_mounts[i];
        vfs_fs_t *f = &vfs_fss[m->fs];
        if (!m->root || m->parent < 0 || m->point == m->root || (f->magic != 0x9fa0 && f->magic != 0x62656572)) continue;
        long l = vfs_mount_path(i, mp, sizeof(mp));
        if (l <= 0 || memcmp(path, mp, (uint64_t)l) || (path[l] && path[l] != '/')) continue;
        if (f->magic == 0x62656572) { sysfs_populate(); continue; }
        if (strlen(path + l) + 6 > sizeof(alias)) continue;
        memcpy(alias, "/proc", 5);
        memcpy(alias + 5, path + l, strlen(path + l) + 1);
        procfs_refresh(caller, alias);
    }
}

/* ---- /sys: the device numbers of the devices there are, for mdev -s ---- */
static void sys_dev(const char *cls, const char *name, int major, int minor, const char *devpath)
{
    char path[160];
    snprintf(path, sizeof(path), "/sys/devices/%s", devpath);
    for (char *c = path + 6; *c; c++)
        if (*c == '/') { *c = 0; mkdir_as(path, 0755, 0, 0); *c = '/'; }
    mkdir_as(path, 0755, 0, 0);
    char f[200];
    put("%d:%d\n", major, minor);
    snprintf(f, sizeof(f), "%s/dev", path); write_file(f);
    put("MAJOR=%d\nMINOR=%d\nDEVNAME=%s\n", major, minor, name);
    snprintf(f, sizeof(f), "%s/uevent", path); write_file_as(f, 0644, 0, 0);
    snprintf(f, sizeof(f), "/sys/class/%s", cls);
    mkdir_as(f, 0755, 0, 0);
    char target[200];
    snprintf(target, sizeof(target), "../../devices/%s", devpath);
    snprintf(f, sizeof(f), "/sys/class/%s/%s", cls, name);
    symlink_as(f, target, 0777, 0, 0);
    snprintf(f, sizeof(f), "/sys/dev/char/%d:%d", major, minor);
    snprintf(target, sizeof(target), "../../devices/%s", devpath);
    symlink_as(f, target, 0777, 0, 0);
}

void sysfs_populate(void)
{
    static int done;
    if (done) return;
    done = 1;
    static const char *dirs[] = { "/sys/devices", "/sys/class", "/sys/dev", "/sys/dev/char", "/sys/dev/block",
                                  "/sys/block", "/sys/bus", "/sys/firmware", "/sys/fs", "/sys/kernel" };
    for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) mkdir_as(dirs[i], 0755, 0, 0);
    sys_dev("mem", "null", 1, 3, "virtual/mem/null");
    sys_dev("mem", "zero", 1, 5, "virtual/mem/zero");
    sys_dev("mem", "full", 1, 7, "virtual/mem/full");
    sys_dev("mem", "random", 1, 8, "virtual/mem/random");
    sys_dev("mem", "urandom", 1, 9, "virtual/mem/urandom");
    sys_dev("tty", "tty", 5, 0, "virtual/tty/tty");
    sys_dev("tty", "console", 5, 1, "virtual/tty/console");
    sys_dev("tty", "ttyAMA0", 204, 64, "platform/9000000.pl011/tty/ttyAMA0");
}
