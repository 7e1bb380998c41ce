/*
 * CPU time and resource usage, as Linux 6.1 reports them: times, getrusage, the rusage of wait4 and
 * waitid, the CPU-time clocks (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID and Linux's encoded
 * ids of another process's or thread's clock, ~pid << 3 | per-thread << 2 | which), and the expiry
 * of ITIMER_VIRTUAL, ITIMER_PROF and POSIX timers on CPU clocks.
 *
 * The kernel samples each thread's user and system time at its tick (TCB_GET_TIMES): a tick that
 * interrupts a thread is its user time; one that interrupts this server while it serves the thread's
 * syscall or page fault is the thread's system time. A process's usage is that of its live threads
 * plus what its ended threads had (`acct_dead`, in the leader); its children's is what the children
 * it waited for had, with their own waited-for children's (`acct_children`).
 *
 * CPU timers: the CPU time of all the processes together grows at most one tick per tick of wall
 * time (one CPU), so a process whose timer is r ns of CPU time away needs no look before r ns of
 * wall time have passed (and at least one tick, since its time moves in ticks). That is a deadline
 * of the server loop (cputime_next); nothing polls.
 */
#include "posix.h"

#define NS 1000000000ULL
#define TICK_NS (NS / 250)          /* the kernel's tick (CONFIG_TICK_HZ), Linux's TICK_NSEC at HZ 250 */
#define USER_HZ 100
#define SIGVTALRM 26
#define SIGPROF 27

static int live(const proc_t *t) { return t->state != P_FREE && t->state != P_DEAD && t->state != P_ZOMBIE; }

void acct_thread(proc_t *t, racc_t *a)
{
    uint64_t tm[2] = { 0, 0 };
    memset(a, 0, sizeof(*a));
    if (live(t)) psn_tcb_get_times(t->tcb, 0, tm);
    a->utime = tm[0];
    a->stime = tm[1];
    a->minflt = t->minflt;
    a->nvcsw = t->nvcsw;
}

static void racc_add(racc_t *a, const racc_t *b)
{
    a->utime += b->utime; a->stime += b->stime; a->minflt += b->minflt; a->nvcsw += b->nvcsw;
}

void acct_process(proc_t *g, racc_t *a)
{
    *a = g->acct_dead;
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *t = &procs[i];
        if (t->grp != g || !live(t)) continue;
        racc_t r;
        acct_thread(t, &r);
        racc_add(a, &r);
    }
}

static racc_t acct_gone;  /* every thread that has ended */

/* The thread object is kept for a new thread, which starts from zero: the times are reset as read. */
void acct_thread_end(proc_t *t)
{
    uint64_t tm[2] = { 0, 0 };
    psn_tcb_get_times(t->tcb, PSN_TIMES_RESET, tm);
    racc_t r = { tm[0], tm[1], t->minflt, t->nvcsw };
    racc_add(&t->grp->acct_dead, &r);
    racc_add(&acct_gone, &r);
}

/* All the CPU time so far: every thread's, and this server's own (not on a caller's behalf) as system time. */
void acct_all(racc_t *a)
{
    *a = acct_gone;
    for (int i = 0; i < MAX_PROCS; i++) {
        if (!live(&procs[i])) continue;
        racc_t r;
        acct_thread(&procs[i], &r);
        racc_add(a, &r);
    }
    uint64_t own[2] = { 0, 0 };
    psn_tcb_get_times(PSN_CAP_TCB, 0, own);
    a->stime += own[0] + own[1];
}

void acct_reaped(proc_t *parent, proc_t *c)
{
    racc_add(&parent->grp->acct_children, &c->acct_dead);
    racc_add(&parent->grp->acct_children, &c->acct_children);
}

/* Linux's struct rusage (18 longs): ru_utime, ru_stime (timeval), maxrss, ..., minflt at 8, nvcsw at 16. */
void acct_rusage(const racc_t *a, uint64_t ru[18])
{
    memset(ru, 0, 18 * 8);
    ru[0] = a->utime / NS; ru[1] = a->utime % NS / 1000;
    ru[2] = a->stime / NS; ru[3] = a->stime % NS / 1000;
    ru[8] = a->minflt;
    ru[16] = a->nvcsw;
}

/* wait4/waitid: the usage of child c, with its waited-for children's (Linux's RUSAGE_BOTH). */
void acct_child_rusage(proc_t *c, uint64_t ru[18])
{
    racc_t a;
    acct_process(c, &a);
    racc_add(&a, &c->acct_children);
    acct_rusage(&a, ru);
}

/*
 * The thread or process a CPU clock id names for caller p (Linux's pid_for_clock): 0 for a bad id.
 * *which: 0 PROF (user + system), 1 VIRT (user), 2 SCHED (user + system here).
 */
proc_t *cpu_clock_target(proc_t *p, int64_t clk, int gettime, int *thread, int *which)
{
    if (clk == 2) clk = -6;        /* CLOCK_PROCESS_CPUTIME_ID: this process, SCHED */
    else if (clk == 3) clk = -2;   /* CLOCK_THREAD_CPUTIME_ID: this thread, SCHED */
    if (clk >= 0) return 0;
    *which = (int)(clk & 3);
    *thread = (clk & 4) != 0;
    int pid = (int)~(clk >> 3);
    if (*which >= 3) return 0;
    if (pid == 0) return *thread ? p : p->grp;
    proc_t *t = proc_by_pid(pid);
    if (!t) return 0;
    if (*thread) return live(t) && t->grp == p->grp ? t : 0;
    if (gettime && t == p) return p->grp;
    return t->grp == t ? t : 0;
}

/* The CPU clock's time in ns, or -EINVAL. */
static long cpu_clock_ns(proc_t *p, int64_t clk, int gettime, uint64_t *ns)
{
    int thread, which;
    proc_t *t = cpu_clock_target(p, clk, gettime, &thread, &which);
    if (!t) return -EINVAL;
    racc_t a;
    if (thread) acct_thread(t, &a); else acct_process(t, &a);
    *ns = which == 1 ? a.utime : a.utime + a.stime;
    return 0;
}

int is_cpu_clock_id(int64_t clk) { return clk == 2 || clk == 3 || clk < 0; }

/* clock_gettime and clock_getres on a CPU clock (is_cpu_clock_id) */
long cpu_clock_gettime(proc_t *p, int64_t clk, uint64_t tsp)
{
    uint64_t ns;
    long r = cpu_clock_ns(p, clk, 1, &ns);
    if (r) return r;
    uint64_t ts[2] = { ns / NS, ns % NS };
    return copy_out(p, tsp, ts, 16) ? -EFAULT : 0;
}

long cpu_clock_getres(proc_t *p, int64_t clk, uint64_t tsp)
{
    int thread, which;
    if (!cpu_clock_target(p, clk, 0, &thread, &which)) return -EINVAL;
    /* Linux: 1 ns for the SCHED clocks (sum_exec_runtime), a tick for PROF and VIRT */
    uint64_t ts[2] = { 0, (clk == 2 || clk == 3 || which == 2) ? 1 : TICK_NS };
    return tsp && copy_out(p, tsp, ts, 16) ? -EFAULT : 0;
}

/* A process's CPU time of clock which (0 PROF, 1 VIRT, 2 SCHED), or a thread's. */
uint64_t cpu_sample(proc_t *t, int thread, int which)
{
    racc_t a;
    if (thread) acct_thread(t, &a); else acct_process(t, &a);
    return which == 1 ? a.utime : a.utime + a.stime;
}

/* ---- when to look at the CPU timers again ---- */
uint64_t cputime_at;        /* cntvct; 0: no CPU timer armed */

static uint64_t ns_to_cnt(uint64_t ns)
{
    uint64_t f = read_cntfrq();
    return ns / NS * f + ns % NS * f / NS;
}

/* A CPU timer is left ns of CPU time from its expiry: look again after that much wall time. */
void cputime_arm(uint64_t left)
{
    if (left < TICK_NS) left = TICK_NS;
    uint64_t at = read_cntvct() + ns_to_cnt(left);
    if (!cputime_at || at < cputime_at) cputime_at = at;
}


/* The CPU interval timers of process g that are due expire (Linux's check_cpu_itimer): the signal
 * goes to the process (SI_KERNEL), and the timer moves on by one interval or stops. */
static void itimers_check(proc_t *g)
{
    static const int sigs[2] = { SIGVTALRM, SIGPROF };
    for (int w = 0; w < 2; w++) {  /* cpu_itimer[0]: ITIMER_VIRTUAL, [1]: ITIMER_PROF */
        uint64_t *it = g->cpu_itimer[w];
        if (!it[0]) continue;
        uint64_t now = cpu_sample(g, 0, w == 0 ? 1 : 0);
        if (now >= it[0]) {
            it[0] = it[1] ? it[0] + it[1] : 0;
            proc_t *target = signal_target(g, sigs[w]);
            sig_info_t si = { .code = SI_KERNEL };
            if (target) sig_send_info(target, sigs[w], &si);
        }
        if (it[0]) cputime_arm(it[0] > now ? it[0] - now : 0);
    }
}

/* Called by the server loop when cputime_at has passed. */
void cputime_check(void)
{
    if (!cputime_at || read_cntvct() < cputime_at) return;
    cputime_at = 0;
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *g = &procs[i];
        if (g->grp != g || g->state == P_FREE || g->state == P_ZOMBIE) continue;
        if (g->cpu_itimer[0][0] || g->cpu_itimer[1][0]) itimers_check(g);
    }
    cpu_timers_check();  /* POSIX timers on CPU clocks (timer_ops.c) */
}

/* ---- times, getrusage ---- */
long cputime_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled)
{
    *handled = 1;
    proc_t *g = p->grp;
    switch (nr) {
    case LINUX_SYS_times: {
        /* the return value is Linux's jiffies (which start 300 s before 2^32) in clock ticks */
        uint64_t jiffies = 4294967296ULL - 300 * 250 + read_cntvct() / (read_cntfrq() / 250);
        if (a[0]) {
            racc_t s = { 0 };
            acct_process(g, &s);
            uint64_t tms[4] = { s.utime / (NS / USER_HZ), s.stime / (NS / USER_HZ),
                                g->acct_children.utime / (NS / USER_HZ), g->acct_children.stime / (NS / USER_HZ) };
            if (copy_out(p, a[0], tms, sizeof(tms))) return -EFAULT;
        }
        return (long)(jiffies * USER_HZ / 250);
    }
    case LINUX_SYS_getrusage: {
        int who = (int)a[0];
        racc_t s;
        if (who == 0) acct_process(g, &s);            /* RUSAGE_SELF */
        else if (who == -1) s = g->acct_children;     /* RUSAGE_CHILDREN */
        else if (who == 1) acct_thread(p, &s);        /* RUSAGE_THREAD */
        else return -EINVAL;
        uint64_t ru[18];
        acct_rusage(&s, ru);
        return copy_out(p, a[1], ru, sizeof(ru)) ? -EFAULT : 0;
    }
    }
    *handled = 0;
    return 0;
}
