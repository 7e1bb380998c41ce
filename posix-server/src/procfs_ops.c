/*
 * procfs, generated: /proc is a directory of tmpfs whose contents posix-server writes afresh whenever
 * a path under /proc is opened or looked up (it knows the processes). Enough for ps, top, free,
 * uptime and mount: /proc/<pid>/{stat,status,cmdline,comm}, self, meminfo, uptime, loadavg, mounts,
 * cpuinfo, stat, filesystems, version.
 */
#include <stdarg.h>
#include "posix.h"

static char buf[8192];
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
    if (n > 0 && len + (uint64_t)n < sizeof(buf)) { memcpy(buf + len, tmp, (uint64_t)n); len += (uint64_t)n; }
}

static void write_file(const char *path)
{
    file_t *f;
    if (vfs_open(vfs_root(), path, O_CREAT | O_WRONLY | O_TRUNC, 0444, 0, &f)) return;
    file_write(f, buf, len, 0);
    file_put(f);
    len = 0;
}

static void remove_tree(const char *path)
{
    vnode_t *d;
    if (vfs_lookup(vfs_root(), path, 0, &d) || (d->mode & S_IFMT) != S_IFDIR) { vfs_unlink(vfs_root(), path, 0); return; }
    while (d->entries) {
        char sub[128];
        snprintf(sub, sizeof(sub), "%s/%s", path, d->entries->name);
        remove_tree(sub);
    }
    vfs_unlink(vfs_root(), path, 1);
}

static uint64_t ticks_now(void) { return read_cntvct() / (read_cntfrq() / 100); }  /* USER_HZ */

static uint64_t rss_pages(proc_t *g)
{
    uint64_t n = 0;
    if (!g->mm) return 0;
    for (vma_t *v = g->mm->vmas; v; v = v->next)
        for (uint64_t va = v->start; va < v->end; va += PAGE) {
            uint64_t *e = pm_entry(&g->mm->pm, va, 0);
            if (e && (*e & PM_PRESENT)) n++;
        }
    return n;
}

static void proc_files(proc_t *g)
{
    char dir[64], path[96];
    snprintf(dir, sizeof(dir), "/proc/%d", g->tgid);
    vfs_mknod(vfs_root(), dir, S_IFDIR | 0555, 0, 0);
    char state = g->state == P_ZOMBIE ? 'Z' : g->state == P_RUN ? 'R' : 'S';
    uint64_t vsz = 0;
    if (g->mm) for (vma_t *v = g->mm->vmas; v; v = v->next) vsz += v->end - v->start;
    uint64_t start = g->start_time / (read_cntfrq() / 100), rss = rss_pages(g);
    int tpgid;
    uint64_t tty_nr = ctty_dev(g, &tpgid);
    put("%d (%s) %c %d %d %d %lu %d 4194304 0 0 0 0 0 0 0 0 20 0 1 0 %lu %lu %lu 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n",
        g->tgid, g->comm, state, g->ppid, g->pgid, g->sid, tty_nr, tpgid, start, vsz, rss);
    snprintf(path, sizeof(path), "%s/stat", dir); write_file(path);
    put("Name:\t%s\nState:\t%c\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nVmSize:\t%lu kB\nVmRSS:\t%lu kB\nThreads:\t1\n",
        g->comm, state, g->tgid, g->tgid, g->ppid, g->uid, g->euid, g->suid, g->euid, g->gid, g->egid, g->sgid, g->egid,
        vsz / 1024, rss * 4);
    snprintf(path, sizeof(path), "%s/status", dir); write_file(path);
    put("%s\n", g->comm);
    snprintf(path, sizeof(path), "%s/comm", dir); write_file(path);
    put("%s", g->comm); len++;  /* cmdline: NUL-terminated (the arguments are not kept yet) */
    snprintf(path, sizeof(path), "%s/cmdline", dir); write_file(path);
}

void procfs_refresh(proc_t *caller)
{
    vnode_t *proc;
    if (vfs_lookup(vfs_root(), "/proc", 0, &proc)) return;
    while (proc->entries) {
        char sub[128];
        snprintf(sub, sizeof(sub), "/proc/%s", proc->entries->name);
        remove_tree(sub);
    }
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].state != P_FREE && procs[i].grp == &procs[i] && procs[i].state != P_DEAD) proc_files(&procs[i]);
    char self[32];
    snprintf(self, sizeof(self), "%d", caller->tgid);
    vfs_mknod(vfs_root(), "/proc/self", S_IFLNK | 0777, 0, self);
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
    put("rootfs / rootfs rw 0 0\nproc /proc proc rw 0 0\nsysfs /sys sysfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n");
    write_file("/proc/mounts");
    put("processor\t: 0\nBogoMIPS\t: 125.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\n"
        "CPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n");
    write_file("/proc/cpuinfo");
    uint64_t ticks = ticks_now();
    put("cpu  0 0 0 %lu 0 0 0 0 0 0\ncpu0 0 0 0 %lu 0 0 0 0 0 0\nbtime 1764000000\nprocesses %d\nprocs_running 1\nprocs_blocked 0\n",
        ticks, ticks, n);
    write_file("/proc/stat");
    put("nodev\tproc\nnodev\tsysfs\nnodev\ttmpfs\nnodev\tdevtmpfs\n");
    write_file("/proc/filesystems");
    put("Linux version 6.1.0-persona (Persona microkernel with posix-server) #1\n");
    write_file("/proc/version");
}
