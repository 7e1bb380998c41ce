/*
 * Scheduling parameters (nice values, policies), the host and domain names, and small calls that
 * check their arguments as Linux does but have little to do on one CPU with memory that is never
 * swapped: mlock and friends, mincore, membarrier, personality.
 */
#include "posix.h"

enum { SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5, RESET_ON_FORK = 0x40000000 };
enum { RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14 };

static char names[2][65] = { "persona", "(none)" };  /* host, domain */

void misc_uname(char u[6][65])
{
    const char *f[6] = { "Linux", names[0], "6.1.0-persona", "#1 Persona", "aarch64", names[1] };
    memset(u, 0, 6 * 65);
    for (int i = 0; i < 6; i++) memcpy(u[i], f[i], strlen(f[i]));
}

/* sethostname/setdomainname: root only, at most 64 bytes (no terminating NUL needed). */
static long set_name(proc_t *p, int which, uint64_t uname, uint64_t len)
{
    char buf[65];
    if (p->grp->euid) return -EPERM;
    if ((int64_t)len < 0 || len > 64) return -EINVAL;
    if (copy_in(p, buf, uname, len)) return -EFAULT;
    buf[len] = 0;
    memcpy(names[which], buf, len + 1);
    return 0;
}

static int live_thread(proc_t *t) { return t->state != P_FREE && t->state != P_ZOMBIE && t->state != P_DEAD; }

/* The thread named by pid for the sched_* calls (0: the caller), or 0. */
static proc_t *sched_target(proc_t *p, int64_t pid)
{
    if (!pid) return p;
    proc_t *t = proc_by_pid((int)pid);
    return t && live_thread(t) ? t : 0;
}

/* Linux's set_one_prio_perm: root, or the caller's effective uid is the target's real or effective one. */
static int may_change(proc_t *p, proc_t *t)
{
    uint32_t e = p->grp->euid;
    return e == 0 || e == t->grp->uid || e == t->grp->euid;
}

/* The threads PRIO_PROCESS (0), PRIO_PGRP (1) or PRIO_USER (2) who name, as get/setpriority see them. */
static int prio_match(proc_t *p, proc_t *t, int which, int64_t who)
{
    if (!live_thread(t)) return 0;
    if (which == 0) return who ? t->pid == who : t == p;
    if (which == 1) return t->grp->pgid == (who ? who : p->grp->pgid);
    return t->grp->uid == (uint32_t)(who ? who : p->grp->uid);
}

static long sys_getpriority(proc_t *p, int which, int64_t who)
{
    if (which < 0 || which > 2) return -EINVAL;
    long best = -ESRCH;
    for (int i = 0; i < MAX_PROCS; i++)
        if (prio_match(p, &procs[i], which, who) && 20 - procs[i].nice > best) best = 20 - procs[i].nice;
    return best;  /* 20 - nice, as the raw syscall answers; libc turns it back */
}

static long sys_setpriority(proc_t *p, int which, int64_t who, int64_t nice)
{
    if (which < 0 || which > 2) return -EINVAL;
    if (nice < -20) nice = -20;
    if (nice > 19) nice = 19;
    long r = -ESRCH;
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *t = &procs[i];
        if (!prio_match(p, t, which, who)) continue;
        if (!may_change(p, t)) { r = -EPERM; continue; }
        /* lowering the value needs root or RLIMIT_NICE (of the target) >= 20 - nice: Linux's can_nice */
        if (nice < t->nice && p->grp->euid && (uint64_t)(20 - nice) > t->grp->rlim[RLIMIT_NICE][0]) { r = -EACCES; continue; }
        t->nice = (int)nice;
        if (r == -ESRCH) r = 0;
    }
    return r;
}

static int valid_policy(int policy)
{
    return policy == SCHED_OTHER || policy == SCHED_FIFO || policy == SCHED_RR || policy == SCHED_BATCH || policy == SCHED_IDLE;
}

/* sched_setscheduler (policy >= 0) and sched_setparam (policy -1: keep it). */
static long sys_setscheduler(proc_t *p, int64_t pid, int policy, uint64_t uparam)
{
    int prio;
    if (pid < 0 || !uparam) return -EINVAL;
    if (copy_in(p, &prio, uparam, 4)) return -EFAULT;
    proc_t *t = sched_target(p, pid);
    if (!t) return -ESRCH;
    int flags = 0;
    if (policy < 0) { policy = t->policy & ~RESET_ON_FORK; flags = t->policy & RESET_ON_FORK; }
    else { flags = policy & RESET_ON_FORK; policy &= ~RESET_ON_FORK; }
    if (!valid_policy(policy)) return -EINVAL;
    int rt = policy == SCHED_FIFO || policy == SCHED_RR;
    if (rt ? prio < 1 || prio > 99 : prio != 0) return -EINVAL;
    if (p->grp->euid) {
        if (!may_change(p, t)) return -EPERM;
        if (rt && (uint64_t)prio > t->grp->rlim[RLIMIT_RTPRIO][0] && prio > t->rtprio) return -EPERM;
        if ((t->policy & RESET_ON_FORK) && !flags) return -EPERM;
    }
    t->policy = policy | flags;
    t->rtprio = prio;
    return 0;
}

static long sys_sched_query(proc_t *p, uint64_t nr, int64_t pid, uint64_t uarg)
{
    if (pid < 0 || (nr == LINUX_SYS_sched_getparam && !uarg)) return -EINVAL;
    proc_t *t = sched_target(p, pid);
    if (!t) return -ESRCH;
    if (nr == LINUX_SYS_sched_getscheduler) return t->policy;
    if (nr == LINUX_SYS_sched_getparam) return copy_out(p, uarg, &t->rtprio, 4);
    /* sched_rr_get_interval: a round-robin thread's slice; 0 for FIFO; others the kernel's slice */
    int pol = t->policy & ~RESET_ON_FORK;
    uint64_t ts[2] = { 0, pol == SCHED_FIFO ? 0 : pol == SCHED_RR ? 100000000 : 4000000 };
    return copy_out(p, uarg, ts, 16);
}

/* mlock, munlock, mincore: 0 if every page of [addr, addr+len) is mapped, else -ENOMEM. */
static long range_mapped(proc_t *p, uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;
    if (end < addr) return -ENOMEM;
    for (uint64_t va = addr & ~(PAGE - 1); va < end; ) {
        vma_t *v = mm_find(p, va);
        if (!v) return -ENOMEM;
        va = v->end;
    }
    return 0;
}

static long sys_mincore(proc_t *p, uint64_t addr, uint64_t len, uint64_t uvec)
{
    if (addr & (PAGE - 1)) return -EINVAL;
    long r = range_mapped(p, addr, len);
    if (r) return r;
    uint8_t v[64];
    uint64_t pages = (len + PAGE - 1) / PAGE;
    for (uint64_t i = 0; i < pages; i += 64) {
        uint64_t n = pages - i < 64 ? pages - i : 64;
        for (uint64_t k = 0; k < n; k++) {
            uint64_t *e = pm_entry(&p->mm->pm, addr + (i + k) * PAGE, 0);
            v[k] = e && (*e & PM_PRESENT) ? 1 : 0;
        }
        if (copy_out(p, uvec + i, v, n)) return -EFAULT;
    }
    return 0;
}

/* membarrier: one CPU, so every barrier has happened by the time the call is served; the private
 * expedited commands still need their registration first, as Linux's do. */
static long sys_membarrier(proc_t *p, int64_t cmd, uint64_t flags)
{
    enum { QUERY = 0, GLOBAL = 1, GLOBAL_EXP = 2, REG_GLOBAL_EXP = 4, PRIV_EXP = 8, REG_PRIV_EXP = 16,
           PRIV_EXP_CORE = 32, REG_PRIV_EXP_CORE = 64 };
    proc_t *g = p->grp;
    if (flags) return -EINVAL;
    switch (cmd) {
    case QUERY: return GLOBAL | GLOBAL_EXP | REG_GLOBAL_EXP | PRIV_EXP | REG_PRIV_EXP | PRIV_EXP_CORE | REG_PRIV_EXP_CORE;
    case GLOBAL: case GLOBAL_EXP: case REG_GLOBAL_EXP: return 0;
    case REG_PRIV_EXP: case REG_PRIV_EXP_CORE: g->membarrier |= (int)cmd; return 0;
    case PRIV_EXP: return g->membarrier & REG_PRIV_EXP ? 0 : -EPERM;
    case PRIV_EXP_CORE: return g->membarrier & REG_PRIV_EXP_CORE ? 0 : -EPERM;
    }
    return -EINVAL;
}

long misc_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled)
{
    *handled = 1;
    switch (nr) {
    case LINUX_SYS_sethostname: return set_name(p, 0, a[0], a[1]);
    case LINUX_SYS_setdomainname: return set_name(p, 1, a[0], a[1]);
    case LINUX_SYS_getpriority: return sys_getpriority(p, (int)a[0], (int64_t)(int)a[1]);
    case LINUX_SYS_setpriority: return sys_setpriority(p, (int)a[0], (int64_t)(int)a[1], (int64_t)(int)a[2]);
    case LINUX_SYS_sched_setscheduler: return sys_setscheduler(p, (int64_t)(int)a[0], (int)a[1], a[2]);
    case LINUX_SYS_sched_setparam: return sys_setscheduler(p, (int64_t)(int)a[0], -1, a[1]);
    case LINUX_SYS_sched_getscheduler: case LINUX_SYS_sched_getparam: case LINUX_SYS_sched_rr_get_interval:
        return sys_sched_query(p, nr, (int64_t)(int)a[0], a[1]);
    case LINUX_SYS_sched_get_priority_max: case LINUX_SYS_sched_get_priority_min: {
        int pol = (int)a[0];
        if (!valid_policy(pol) && pol != 6) return -EINVAL;  /* SCHED_DEADLINE: 0 */
        return pol == SCHED_FIFO || pol == SCHED_RR ? (nr == LINUX_SYS_sched_get_priority_max ? 99 : 1) : 0;
    }
    case LINUX_SYS_mlock: case LINUX_SYS_munlock: return range_mapped(p, a[0], a[1]);
    case LINUX_SYS_mlock2: return a[2] & ~1UL ? -EINVAL : range_mapped(p, a[0], a[1]);  /* MLOCK_ONFAULT */
    case LINUX_SYS_mlockall:  /* MCL_CURRENT 1, MCL_FUTURE 2, MCL_ONFAULT 4 (not alone) */
        return !a[0] || (a[0] & ~7UL) || a[0] == 4 ? -EINVAL : 0;
    case LINUX_SYS_munlockall: return 0;
    case LINUX_SYS_mincore: return sys_mincore(p, a[0], a[1], a[2]);
    case LINUX_SYS_membarrier: return sys_membarrier(p, (int64_t)(int)a[0], a[1]);
    case LINUX_SYS_personality: {  /* only PER_LINUX (0) and its flags; 0xffffffff asks */
        uint32_t old = p->grp->personality;
        if ((uint32_t)a[0] != 0xffffffffU) p->grp->personality = (uint32_t)a[0];
        return old;
    }
    }
    *handled = 0;
    return 0;
}
