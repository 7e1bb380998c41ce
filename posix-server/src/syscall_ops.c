/* The Linux syscalls a process makes, served for it (arguments already unpacked). */
#include "posix.h"
#include "epoll.h"

proc_t procs[MAX_PROCS];
static const char *const syscall_names[] = LINUX_SYSCALL_NAMES;
static uint8_t logged[LINUX_NR_SYSCALLS];
int sleepers;  /* processes waiting with a deadline */
/* At most the earliest wake_at of a sleeper (0: none): a sleep that ended early leaves it too early,
 * which costs one needless wakeup; posix_timer_tick makes it exact again. */
static uint64_t sleep_next;

void sleep_arm(proc_t *p, uint64_t at)
{
    if (!at) at = 1;
    p->wake_at = at;
    sleepers++;
    if (!sleep_next || at < sleep_next) sleep_next = at;
}

void sleep_disarm(proc_t *p)
{
    if (!p->wake_at) return;
    p->wake_at = 0;
    sleepers--;
}

proc_t *proc_by_pid(int pid)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].state != P_FREE && procs[i].pid == pid) return &procs[i];
    return 0;
}

/* ---- memory ---- */
static long sys_brk(proc_t *p, uint64_t want)
{
    uint64_t cur = (p->mm->brk + PAGE - 1) & ~(PAGE - 1), nw = (want + PAGE - 1) & ~(PAGE - 1);
    if (want < p->mm->brk_start || want > p->mm->brk_start + (1UL << 32)) return (long)p->mm->brk;
    if (nw > cur) {
        for (vma_t *v = p->mm->vmas; v; v = v->next)
            if (v->start < nw && v->end > cur) return (long)p->mm->brk;
        if (mm_map_anon(p, cur, nw - cur, PROT_READ | PROT_WRITE, 0) < 0) return (long)p->mm->brk;
    } else if (nw < cur) {
        mm_unmap(p, nw, cur - nw);
    }
    p->mm->brk = want;
    return (long)want;
}

#define MAP_SHARED 1
#define MAP_PRIVATE 2
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
/*
 * mmap: anonymous memory, or the pages of a regular file (MAP_SHARED: the file's own pages, so that
 * writes reach the file and every process mapping it; MAP_PRIVATE: copies made on first touch).
 */
static long sys_mmap(proc_t *p, uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd, uint64_t off)
{
    uint64_t type = flags & 3;  /* MAP_SHARED, MAP_PRIVATE or MAP_SHARED_VALIDATE */
    if (!type || len == 0 || len > (1UL << 40) || ((addr & (PAGE - 1)) && (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))))
        return -EINVAL;
    uint32_t vflags = type == MAP_PRIVATE ? 0 : VMA_SHARED;
    if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED)) {
        uint64_t end = addr + ((len + PAGE - 1) & ~(PAGE - 1));
        for (vma_t *v = p->mm->vmas; v; v = v->next)
            if (v->start < end && v->end > addr) return -EEXIST;
        flags |= MAP_FIXED;
    }
    uint64_t at = flags & MAP_FIXED ? addr : 0;
    if (flags & MAP_ANONYMOUS) return mm_map(p, at, len, (uint32_t)prot & 7, vflags, 0, 0);
    if (off & (PAGE - 1)) return -EINVAL;
    file_t *f = fd < MAX_FDS ? p->grp->fds[fd] : 0;
    if (!f || (f->flags & O_PATH)) return -EBADF;
    vnode_t *n = f->node;
    if (!n || (n->mode & S_IFMT) == S_IFDIR || (n->mode & S_IFMT) == S_IFLNK) return -ENODEV_;
    if ((n->mode & S_IFMT) == S_IFCHR) {
        if (n->rdev == DEV_ZERO) return mm_map(p, at, len, (uint32_t)prot & 7, vflags, 0, 0);  /* as anonymous memory */
        return -ENODEV_;
    }
    if ((n->mode & S_IFMT) != S_IFREG) return -ENODEV_;
    uint32_t acc = f->flags & O_ACCMODE;
    if (acc == O_WRONLY) return -EACCES;
    if (vflags && (prot & PROT_WRITE) && (acc != O_RDWR || (f->flags & O_APPEND))) return -EACCES;
    if (vflags && (prot & PROT_WRITE) && (n->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))) return -EPERM;
    if ((prot & PROT_EXEC) && (vfs_mounts[f->mnt].flags & MNT_NOEXEC)) return -EPERM;
    if (off + len < off) return -75;  /* EOVERFLOW */
    return mm_map(p, at, len, (uint32_t)prot & 7, vflags, n, off);
}

/* ---- time ---- */
static uint64_t ns_now(void) { return time_ns(); }

static long sys_clock_gettime(proc_t *p, uint64_t clk, uint64_t tsp)
{
    if (is_cpu_clock_id((int32_t)clk)) return cpu_clock_gettime(p, (int32_t)clk, tsp);
    if (clk > 11) return -EINVAL;
    uint64_t ns = ns_now();
    if (clk == 0 || clk == 8 || clk == 11) ns += 1764000000ULL * 1000000000ULL; /* REALTIME: an epoch offset */
    uint64_t ts[2] = { ns / 1000000000ULL, ns % 1000000000ULL };
    return copy_out(p, tsp, ts, 16);
}

/* rem: where the time left goes if a handler ends the sleep (0: nowhere) */
static long sys_nanosleep(proc_t *p, uint64_t req, uint64_t rem)
{
    uint64_t ts[2];
    if (copy_in(p, ts, req, 16)) return -EFAULT;
    if (ts[1] >= 1000000000ULL || (int64_t)ts[0] < 0) return -EINVAL;
    uint64_t f = read_cntfrq();
    sleep_arm(p, read_cntvct() + ts[0] * f + ts[1] * f / 1000000000ULL);
    p->sleep_rem = rem;
    p->state = P_SLEEP;
    return SYSCALL_NO_REPLY;
}

/* ---- identity ---- */
static long sys_uname(proc_t *p, uint64_t buf)
{
    char u[6][65];
    misc_uname(u);
    return copy_out(p, buf, u, sizeof(u));
}

static long sys_getrandom(proc_t *p, uint64_t buf, uint64_t len)
{
    static uint64_t s = 0x853c49e6748fea9bULL;
    if (len > 1 << 20) len = 1 << 20;
    for (uint64_t i = 0; i < len; i++) {
        s ^= read_cntvct();
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        uint8_t b = (uint8_t)(s >> 33);
        if (copy_out(p, buf + i, &b, 1)) return i ? (long)i : -EFAULT;
    }
    return (long)len;
}

static long sys_rt_sigaction(proc_t *p, uint64_t sig, uint64_t act, uint64_t old, uint64_t size)
{
    if (sig < 1 || sig > 64 || size != 8 || ((sig == 9 || sig == 19) && act)) return -EINVAL;
    if (old && copy_out(p, old, p->grp->sigactions[sig - 1], 32)) return -EFAULT;
    if (act && copy_in(p, p->grp->sigactions[sig - 1], act, 32)) return -EFAULT;
    if (act) sig_action_changed(p->grp, (int)sig);
    return 0;
}

static long sys_rt_sigprocmask(proc_t *p, uint64_t how, uint64_t set, uint64_t old, uint64_t size)
{
    uint64_t s;
    if (size != 8) return -EINVAL;
    if (old && copy_out(p, old, &p->sigmask, 8)) return -EFAULT;
    if (!set) return 0;
    if (copy_in(p, &s, set, 8)) return -EFAULT;
    s &= ~((1UL << 8) | (1UL << 18)); /* SIGKILL and SIGSTOP cannot be blocked */
    if (how == 0) p->sigmask |= s;
    else if (how == 1) p->sigmask &= ~s;
    else if (how == 2) p->sigmask = s;
    else return -EINVAL;
    return 0;
}

uint64_t sp_at_syscall;  /* the caller's sp, for sigreturn and sigaltstack */

/*
 * The operation files' dispatchers, asked in turn for a syscall the switch below does not serve.
 * Each answers for a syscall number whatever its arguments (handled depends on nr alone), so the one
 * that served nr is remembered in owner[] and later calls go straight to it.
 */
typedef long (*syscall_fn)(proc_t *p, uint64_t nr, uint64_t a[6], int *handled);
static const syscall_fn chain[] = { timer_syscall, ident_syscall, fd_syscall, epoll_syscall, cputime_syscall, misc_syscall };
/* read and write, the most frequent by far, start out with fd_rw, which skips fd_syscall's switch */
static syscall_fn owner[LINUX_NR_SYSCALLS] = { [LINUX_SYS_read] = fd_rw, [LINUX_SYS_write] = fd_rw };

/* A syscall no dispatcher has served yet, or one of the switch below. */
static __attribute__((noinline)) long syscall_dispatch(proc_t *p, uint64_t nr, uint64_t a[6])
{
    switch (nr) {
    case LINUX_SYS_exit: thread_exit(p, (int)(a[0] & 0xff) << 8); return SYSCALL_NO_REPLY;
    case LINUX_SYS_exit_group: group_exit(p, (int)(a[0] & 0xff) << 8); return SYSCALL_NO_REPLY;
    case LINUX_SYS_futex: return futex_op(p, a);
    case LINUX_SYS_set_tid_address: p->clear_tid = a[0]; return p->pid;
    case LINUX_SYS_set_robust_list: return a[1] == 24 ? 0 : -EINVAL;
    case LINUX_SYS_brk: return sys_brk(p, a[0]);
    case LINUX_SYS_mmap: return sys_mmap(p, a[0], a[1], a[2], a[3], a[4], a[5]);
    case LINUX_SYS_msync:
        if ((a[0] & (PAGE - 1)) || (a[2] & ~7UL) || ((a[2] & 1) && (a[2] & 4))) return -EINVAL;  /* MS_ASYNC, MS_INVALIDATE, MS_SYNC */
        for (uint64_t va = a[0]; va < a[0] + a[1]; ) {  /* the pages are the file's own: nothing to write back */
            vma_t *v = mm_find(p, va);
            if (!v) return -ENOMEM;
            va = v->end;
        }
        return 0;
    case LINUX_SYS_munmap: return mm_unmap(p, a[0], a[1]);
    case LINUX_SYS_mprotect: return mm_protect(p, a[0], a[1], (uint32_t)a[2] & 7);
    case LINUX_SYS_madvise: return mm_advise(p, a[0], a[1], a[2]);
    case LINUX_SYS_getpid: return p->tgid;
    case LINUX_SYS_gettid: return p->pid;
    case LINUX_SYS_getppid: return p->grp->ppid;
    case LINUX_SYS_uname: return sys_uname(p, a[0]);
    case LINUX_SYS_clock_gettime: return sys_clock_gettime(p, a[0], a[1]);
    case LINUX_SYS_clock_getres: {
        uint64_t ts[2] = { 0, 1 };
        if (is_cpu_clock_id((int32_t)a[0])) return cpu_clock_getres(p, (int32_t)a[0], a[1]);
        if (a[0] > 11) return -EINVAL;
        return a[1] ? copy_out(p, a[1], ts, 16) : 0;
    }
    case LINUX_SYS_gettimeofday: {
        uint64_t ns = ns_now() + 1764000000ULL * 1000000000ULL, tv[2] = { ns / 1000000000ULL, ns % 1000000000ULL / 1000 };
        return a[0] ? copy_out(p, a[0], tv, 16) : 0;
    }
    case LINUX_SYS_nanosleep: return sys_nanosleep(p, a[0], a[1]);
    case LINUX_SYS_clock_nanosleep: {
        if (a[0] > 11 || a[0] == 2 || a[0] == 3) return -EINVAL;  /* no CPU-time clocks */
        if (a[1] & ~1UL) return -EINVAL;
        if (!(a[1] & 1)) return sys_nanosleep(p, a[2], a[3]);
        uint64_t ts[2];                                          /* TIMER_ABSTIME */
        if (copy_in(p, ts, a[2], 16)) return -EFAULT;
        if (ts[1] >= 1000000000ULL || (int64_t)ts[0] < 0) return -EINVAL;
        uint64_t target = ts[0] * 1000000000ULL + ts[1], now = ns_now();
        if (a[0] == 0 || a[0] == 8 || a[0] == 11) now += 1764000000ULL * 1000000000ULL;
        if (target <= now) return 0;
        uint64_t rel = target - now, f = read_cntfrq();
        sleep_arm(p, read_cntvct() + rel / 1000000000ULL * f + rel % 1000000000ULL * f / 1000000000ULL);
        p->sleep_rem = 0;
        p->state = P_SLEEP;
        return SYSCALL_NO_REPLY;
    }
    case LINUX_SYS_sched_yield: return 0;
    case LINUX_SYS_sync: return 0;
    case LINUX_SYS_getrandom: return sys_getrandom(p, a[0], a[1]);
    case LINUX_SYS_rt_sigaction: return sys_rt_sigaction(p, a[0], a[1], a[2], a[3]);
    case LINUX_SYS_rt_sigprocmask: return sys_rt_sigprocmask(p, a[0], a[1], a[2], a[3]);
    case LINUX_SYS_clone: return proc_clone(p, a);
    case LINUX_SYS_execve: return proc_execve(p, a[0], a[1], a[2]);
    case LINUX_SYS_wait4: return proc_wait4(p, (int64_t)a[0], a[1], a[2], a[3]);
    case LINUX_SYS_kill: return proc_kill(p, (int64_t)a[0], a[1]);
    case LINUX_SYS_rt_sigreturn: return sig_return(p, sp_at_syscall);
    case LINUX_SYS_sigaltstack: return sig_altstack(p, a[0], a[1], sp_at_syscall);
    case LINUX_SYS_rt_sigpending: {  /* the blocked ones of the thread's and the process's pending signals */
        if (a[1] > 8) return -EINVAL;
        uint64_t s = sig_pending_set(p) & p->sigmask;
        return copy_out(p, a[0], &s, a[1]);
    }
    case LINUX_SYS_rt_sigsuspend: {
        uint64_t m;
        if (a[1] != 8) return -EINVAL;
        if (copy_in(p, &m, a[0], 8)) return -EFAULT;
        p->saved_mask = p->sigmask;
        p->has_saved_mask = 1;
        p->sigmask = m & ~((1UL << 8) | (1UL << 18));
        if (sig_deliverable(p)) return -EINTR;  /* the handler runs as the call returns */
        p->state = P_PAUSE;
        return SYSCALL_NO_REPLY;
    }
    case LINUX_SYS_rt_sigtimedwait: {  /* (set, info, timeout, size): the timeout is checked first, as Linux */
        uint64_t set, ts[2] = { 1, 0 };
        if (a[3] != 8) return -EINVAL;
        if (copy_in(p, &set, a[0], 8)) return -EFAULT;
        if (a[2] && copy_in(p, ts, a[2], 16)) return -EFAULT;
        if (ts[1] >= 1000000000ULL || (int64_t)ts[0] < 0) return -EINVAL;
        long sig = sig_wait_take(p, set, a[1]);
        if (sig) return sig;
        if (!ts[0] && !ts[1]) return -EAGAIN;
        p->wait_set = set;
        p->wait_status = a[1];
        if (a[2] && sys_nanosleep(p, a[2], 0) != SYSCALL_NO_REPLY) return -EFAULT;
        p->state = P_SIGWAIT;
        return SYSCALL_NO_REPLY;
    }
    case LINUX_SYS_tkill: return proc_tgkill(p, -1, (int64_t)a[0], a[1]);
    case LINUX_SYS_rt_sigqueueinfo: return sig_queueinfo(p, -1, (int32_t)a[0], (int32_t)a[1], a[2]);
    case LINUX_SYS_rt_tgsigqueueinfo: return sig_queueinfo(p, (int32_t)a[0], (int32_t)a[1], (int32_t)a[2], a[3]);
    case LINUX_SYS_tgkill: return (int64_t)a[0] <= 0 ? -EINVAL : proc_tgkill(p, (int64_t)a[0], (int64_t)a[1], a[2]);
    case LINUX_SYS_reboot:
        if (a[0] != 0xfee1dead || (a[1] != 672274793 && a[1] != 85072278 && a[1] != 369367448 && a[1] != 537993216))
            return -EINVAL;
        if (a[2] == 0x4321fedc || a[2] == 0xcdef0123) psn_halt();
        return 0;
    }
    int handled;
    for (uint64_t i = 0; i < sizeof(chain) / sizeof(chain[0]); i++) {
        long r = chain[i](p, nr, a, &handled);
        if (!handled) continue;
        if (nr < LINUX_NR_SYSCALLS) owner[nr] = chain[i];  /* next time straight there */
        return r;
    }
    if (nr < LINUX_NR_SYSCALLS && !logged[nr]) {
        logged[nr] = 1;
        printf("posix-server: unimplemented syscall %s (%lu): ENOSYS\n", syscall_names[nr] ? syscall_names[nr] : "?", nr);
    }
    return -ENOSYS;
}

/* One Linux syscall of p: its result, or SYSCALL_NO_REPLY. */
long posix_syscall(proc_t *p, uint64_t nr, uint64_t a[6])
{
    static int handled;  /* known: handled (static, so that the call is a tail call) */
    if (nr < LINUX_NR_SYSCALLS && owner[nr]) return owner[nr](p, nr, a, &handled);
    return syscall_dispatch(p, nr, a);
}

/* Threads whose sleep is over get their answer; timers that are due expire. */
void posix_timer_tick(void)
{
    uint64_t now = read_cntvct();
    sleep_next = 0;
    for (int i = 0; i < MAX_PROCS && sleepers; i++) {
        proc_t *p = &procs[i];
        if (p->wake_at && p->wake_at > now && (!sleep_next || p->wake_at < sleep_next)) sleep_next = p->wake_at;
        if (p->wake_at && p->wake_at <= now) {
            p->wake_at = 0;
            sleepers--;
            long r = p->state == P_SIGWAIT ? -EAGAIN : p->state == P_FUTEX ? -110 /* ETIMEDOUT */ :
                     p->state == P_POLL ? fd_poll_timeout(p) : p->state == P_IO ? fd_io_timeout(p) : 0;
            if (r == SYSCALL_NO_REPLY) continue;  /* it waits again */
            p->state = P_RUN;
            proc_reply(p, r);
        }
    }
    timers_fire();
    timerfd_expire(time_ns());
    cputime_check();
}

/* The earliest cntvct deadline (0: none); it may be early (see sleep_next), never late. */
uint64_t posix_next_deadline(void)
{
    uint64_t d = sleepers ? sleep_next : 0, t = timers_next(), c = cputime_at, tfd = timerfd_next();
    if (!sleepers) sleep_next = 0;
    if (t && (!d || t < d)) d = t;
    if (c && (!d || c < d)) d = c;
    if (tfd && (!d || cntvct_of_ns(tfd) < d)) d = cntvct_of_ns(tfd);
    return d;
}
