/* Identity (uids, gids, groups), sessions and process groups, resource limits and accounting. */
#include "posix.h"

#define RLIM_INF (~0UL)

void ident_init(proc_t *c, proc_t *parent)
{
    c->start_time = read_cntvct();
    if (parent) {
        proc_t *g = parent->grp;
        c->pgid = g->pgid; c->sid = g->sid; c->notty = g->notty;
        c->uid = g->uid; c->euid = g->euid; c->suid = g->suid;
        c->gid = g->gid; c->egid = g->egid; c->sgid = g->sgid;
        memcpy(c->groups, g->groups, sizeof(c->groups));
        c->ngroups = g->ngroups;
        memcpy(c->rlim, g->rlim, sizeof(c->rlim));
        c->umask = g->umask;  /* fork keeps the file creation mask */
        return;
    }
    c->umask = 022;        /* Linux's init starts with this one */
    c->pgid = c->sid = 0;  /* as Linux's init: session and group 0 */
    c->umask = 022;        /* as Linux's init */
    for (int i = 0; i < 16; i++) c->rlim[i][0] = c->rlim[i][1] = RLIM_INF;
    c->rlim[3][0] = 8UL << 20;               /* RLIMIT_STACK */
    c->rlim[4][0] = 0;                       /* RLIMIT_CORE */
    c->rlim[7][0] = 1024; c->rlim[7][1] = 4096; /* RLIMIT_NOFILE */
    c->rlim[6][0] = c->rlim[6][1] = 3852;    /* RLIMIT_NPROC */
    c->rlim[8][0] = c->rlim[8][1] = 8UL << 20; /* RLIMIT_MEMLOCK */
    c->rlim[10][0] = c->rlim[10][1] = 0;      /* RLIMIT_LOCKS: unlimited is ~0; keep */
    c->rlim[10][0] = c->rlim[10][1] = RLIM_INF;
    c->rlim[11][0] = c->rlim[11][1] = 3852;  /* RLIMIT_SIGPENDING */
    c->rlim[12][0] = c->rlim[12][1] = 819200; /* RLIMIT_MSGQUEUE */
    c->rlim[13][0] = c->rlim[13][1] = 0;     /* RLIMIT_NICE */
    c->rlim[14][0] = c->rlim[14][1] = 0;     /* RLIMIT_RTPRIO */
}

static proc_t *leader_of(proc_t *p, int64_t pid)
{
    if (pid == 0) return p->grp;
    proc_t *t = proc_by_pid((int)pid);
    return t && t->grp == t && t->state != P_FREE ? t : 0;
}

/* set*uid: root may set anything; others only values among their real, effective and saved ids. */
static int id_ok(proc_t *g, uint32_t v, int is_gid)
{
    if (g->euid == 0 || v == (uint32_t)-1) return 1;
    return is_gid ? v == g->gid || v == g->egid || v == g->sgid : v == g->uid || v == g->euid || v == g->suid;
}

static long setres(proc_t *g, uint32_t r, uint32_t e, uint32_t s, int is_gid)
{
    if (!id_ok(g, r, is_gid) || !id_ok(g, e, is_gid) || !id_ok(g, s, is_gid)) return -EPERM;
    uint32_t *ids = is_gid ? &g->gid : &g->uid;  /* real, effective, saved are consecutive */
    if (r != (uint32_t)-1) ids[0] = r;
    if (e != (uint32_t)-1) ids[1] = e;
    if (s != (uint32_t)-1) ids[2] = s;
    return 0;
}

static long getres(proc_t *p, proc_t *g, uint64_t a[3], int is_gid)
{
    uint32_t *ids = is_gid ? &g->gid : &g->uid;
    for (int i = 0; i < 3; i++)
        if (copy_out(p, a[i], &ids[i], 4)) return -EFAULT;
    return 0;
}

static uint64_t ticks_to_us(uint64_t t) { return t / read_cntfrq() * 1000000 + t % read_cntfrq() * 1000000 / read_cntfrq(); }

long ident_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled)
{
    proc_t *g = p->grp;
    *handled = 1;
    switch (nr) {
    case LINUX_SYS_getuid: return g->uid;
    case LINUX_SYS_geteuid: return g->euid;
    case LINUX_SYS_getgid: return g->gid;
    case LINUX_SYS_getegid: return g->egid;
    case LINUX_SYS_setuid:
        if (g->euid == 0) { g->uid = g->euid = g->suid = (uint32_t)a[0]; return 0; }
        return setres(g, (uint32_t)-1, (uint32_t)a[0], (uint32_t)-1, 0);
    case LINUX_SYS_setgid:
        if (g->euid == 0) { g->gid = g->egid = g->sgid = (uint32_t)a[0]; return 0; }
        return setres(g, (uint32_t)-1, (uint32_t)a[0], (uint32_t)-1, 1);
    case LINUX_SYS_setreuid: return setres(g, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)-1, 0);
    case LINUX_SYS_setregid: return setres(g, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)-1, 1);
    case LINUX_SYS_setresuid: return setres(g, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], 0);
    case LINUX_SYS_setresgid: return setres(g, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], 1);
    case LINUX_SYS_getresuid: return getres(p, g, a, 0);
    case LINUX_SYS_getresgid: return getres(p, g, a, 1);
    case LINUX_SYS_getgroups: {
        int64_t n = (int64_t)(int)a[0];
        if (n < 0) return -EINVAL;
        if (n == 0) return g->ngroups;
        if (n < g->ngroups) return -EINVAL;
        return copy_out(p, a[1], g->groups, 4 * (uint64_t)g->ngroups) ? -EFAULT : g->ngroups;
    }
    case LINUX_SYS_setgroups: {
        if (g->euid != 0) return -EPERM;
        if (a[0] > 32) return (int64_t)(int)a[0] < 0 || a[0] > 65536 ? -EINVAL : -ENOMEM;
        uint32_t tmp[32];
        if (copy_in(p, tmp, a[1], 4 * a[0])) return -EFAULT;
        memcpy(g->groups, tmp, 4 * a[0]);
        g->ngroups = (int)a[0];
        return 0;
    }
    case LINUX_SYS_setsid: {
        for (int i = 0; i < MAX_PROCS; i++)
            if (procs[i].state != P_FREE && procs[i].grp == &procs[i] && procs[i].pgid == g->tgid) return -EPERM;
        g->sid = g->pgid = g->tgid;
        g->notty = 0;  /* a new session has no controlling tty yet */
        return g->sid;
    }
    case LINUX_SYS_getsid: { proc_t *t = leader_of(p, (int64_t)a[0]); return t ? t->sid : -ESRCH; }
    case LINUX_SYS_getpgid: { proc_t *t = leader_of(p, (int64_t)a[0]); return t ? t->pgid : -ESRCH; }
    case LINUX_SYS_setpgid: {
        if ((int64_t)(int)a[1] < 0) return -EINVAL;
        proc_t *t = leader_of(p, (int64_t)(int)a[0]);
        if (!t || (t != g && t->ppid != g->tgid)) return -ESRCH;
        if (t->sid == t->tgid) return -EPERM;                 /* a session leader */
        if (t != g && t->sid != g->sid) return -EPERM;
        int pgid = a[1] ? (int)a[1] : t->tgid;
        if (pgid != t->tgid) {
            int found = 0;
            for (int i = 0; i < MAX_PROCS; i++)
                if (procs[i].state != P_FREE && procs[i].grp == &procs[i] && procs[i].pgid == pgid && procs[i].sid == g->sid) found = 1;
            if (!found) return -EPERM;
        }
        t->pgid = pgid;
        return 0;
    }
    case LINUX_SYS_getrlimit:
    case LINUX_SYS_setrlimit:
    case LINUX_SYS_prlimit64: {
        uint64_t res = nr == LINUX_SYS_prlimit64 ? a[1] : a[0];
        uint64_t newp = nr == LINUX_SYS_prlimit64 ? a[2] : nr == LINUX_SYS_setrlimit ? a[1] : 0;
        uint64_t oldp = nr == LINUX_SYS_prlimit64 ? a[3] : nr == LINUX_SYS_getrlimit ? a[1] : 0;
        proc_t *t = nr == LINUX_SYS_prlimit64 ? leader_of(p, (int64_t)(int)a[0]) : g;
        if (res >= 16) return -EINVAL;
        if (!t) return -ESRCH;
        uint64_t nl[2];
        if (newp) {
            if (copy_in(p, nl, newp, 16)) return -EFAULT;
            if (nl[0] > nl[1]) return -EINVAL;
            if (nl[1] > t->rlim[res][1] && g->euid != 0) return -EPERM;
        }
        if (oldp && copy_out(p, oldp, t->rlim[res], 16)) return -EFAULT;
        if (newp) { t->rlim[res][0] = nl[0]; t->rlim[res][1] = nl[1]; }
        return 0;
    }
    case LINUX_SYS_sysinfo: {
        uint64_t si[14] = { 0 };
        si[0] = ticks_to_us(read_cntvct()) / 1000000;          /* uptime */
        /* free: untyped memory not yet retyped, plus frames kept for reuse */
        extern uint64_t bytes_retyped;
        uint64_t ut = 0;
        for (uint64_t i = 0; i < bootinfo->num_untyped; i++)
            if (!bootinfo->untyped[i].is_device) ut += 1UL << bootinfo->untyped[i].size_bits;
        uint64_t frames_free(void);
        si[4] = bootinfo->ram_bytes;                           /* totalram */
        si[5] = ut - bytes_retyped + frames_free() * PAGE;     /* freeram */
        int n = 0;
        for (int i = 0; i < MAX_PROCS; i++) if (procs[i].state != P_FREE) n++;
        si[10] = (uint64_t)n;                                  /* procs (u16) */
        si[13] = 1;                                            /* mem_unit (u32 at byte 104) */
        uint8_t buf[112] = { 0 };
        memcpy(buf, si, 80);                                   /* uptime, loads[3], ram..swap */
        *(uint16_t *)(buf + 80) = (uint16_t)n;
        *(uint64_t *)(buf + 88) = 0;                           /* totalhigh */
        *(uint64_t *)(buf + 96) = 0;                           /* freehigh */
        *(uint32_t *)(buf + 104) = 1;                          /* mem_unit */
        return copy_out(p, a[0], buf, sizeof(buf));
    }
    case LINUX_SYS_sched_getaffinity: {
        if (a[1] < 8 || (a[1] & 7)) return -EINVAL;
        uint64_t mask = 1;
        return copy_out(p, a[2], &mask, 8) ? -EFAULT : 8;
    }
    case LINUX_SYS_sched_setaffinity: {
        uint64_t mask;
        if (a[1] < 8) return -EINVAL;
        if (copy_in(p, &mask, a[2], 8)) return -EFAULT;
        return mask & 1 ? 0 : -EINVAL;
    }
    case LINUX_SYS_getcpu: {
        uint32_t zero = 0;
        if (a[0] && copy_out(p, a[0], &zero, 4)) return -EFAULT;
        if (a[1] && copy_out(p, a[1], &zero, 4)) return -EFAULT;
        return 0;
    }
    case LINUX_SYS_umask: { uint32_t old = g->umask; g->umask = (uint32_t)a[0] & 0777; return old; }
    case LINUX_SYS_prctl:
        if (a[0] == 15) {  /* PR_SET_NAME: the thread's name (comm), at most 15 bytes */
            char name[16];
            memset(name, 0, sizeof(name));
            for (int i = 0; i < 15; i++) {
                if (copy_in(p, &name[i], a[1] + (uint64_t)i, 1)) return -EFAULT;
                if (!name[i]) break;
            }
            memcpy(p->comm, name, sizeof(name));
            return 0;
        }
        if (a[0] == 16) return copy_out(p, a[1], p->comm, 16);  /* PR_GET_NAME */
        {
            static uint64_t said;
            if (a[0] < 64 && !(said & 1UL << a[0])) { said |= 1UL << a[0]; printf("posix-server: prctl option %lu is not supported yet\n", a[0]); }
        }
        return -EINVAL;
    case LINUX_SYS_waitid: return proc_waitid(p, a[0], a[1], a[2], a[3], a[4]);
    case LINUX_SYS_mremap: return mm_remap(p, a[0], a[1], a[2], a[3], a[4]);
    }
    *handled = 0;
    return 0;
}
