/*
 * Timers, as Linux 6.1 has them: the interval timers (setitimer, getitimer; musl's alarm is
 * setitimer) and the POSIX timers (timer_create, timer_settime, timer_gettime, timer_getoverrun,
 * timer_delete). Times are ns of the monotonic clock (time_ns). An armed timer's expiry is a
 * deadline of the server loop (timers_next), as a sleeper's is: nothing polls.
 *
 * As on Linux, a timer that expired is not armed again until its signal is taken (dequeued):
 * timer_dequeued moves it on by whole intervals past now, and for a POSIX timer the intervals it
 * missed are its overrun (si_overrun, timer_getoverrun).
 *
 * ITIMER_VIRTUAL, ITIMER_PROF and POSIX timers on CPU clocks expire in CPU time (cputime_ops.c):
 * their expiry is in ns of their clock, looked at when cputime_check says.
 */
#include "posix.h"

#define NS 1000000000ULL
#define KTIME_MAX 0x7fffffffffffffffULL
#define SIGALRM 14
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4
#define TIMER_ABSTIME 1
#define EOPNOTSUPP 95
#define MAX_TIMERS (2 * MAX_PROCS)  /* the first MAX_PROCS: each process's ITIMER_REAL (by leader slot) */

typedef struct ktimer {
    proc_t *owner;          /* the process (its leader); 0: a free slot */
    int id, clock, notify, signo;
    proc_t *thread;         /* SIGEV_THREAD_ID: the thread the signal goes to */
    int tid;
    uint64_t value;         /* sigev_value */
    uint64_t expires;       /* ns of the next expiry (CPU clocks: the value set); 0: disarmed */
    uint64_t interval;      /* ns; 0: one shot */
    int queued;             /* expired, its signal not taken yet: not armed meanwhile */
    uint32_t uid;           /* a POSIX timer: the user its queued signal is charged to (sig_charge) */
    int64_t overrun;        /* expiries missed since its last signal was taken */
    int64_t overrun_last;   /* timer_getoverrun: those of the last signal taken */
    uint64_t serial;        /* new at each timer_settime: a signal from before does not re-arm it */
    uint64_t first_serial;  /* the serial when it was created: older signals are another timer's */
    proc_t *cpu_of;         /* a CPU clock's process (leader) or thread, */
    int cpu_pid, cpu_thread, cpu_which;  /* its pid, whether a thread's, which (cpu_sample) */
} ktimer_t;

static ktimer_t timers[MAX_TIMERS];
static uint64_t serials;
static uint64_t next_ns;    /* the earliest expiry of an armed timer (0: none), valid unless dirty */
static int dirty;

uint64_t time_ns(void)
{
    uint64_t t = read_cntvct(), f = read_cntfrq();
    return t / f * NS + t % f * NS / f;
}

static int is_cpu_clock(int clk) { return clk == 2 || clk == 3 || clk < 0; }
static int armed(const ktimer_t *t)
{
    return t->owner && t->expires && !t->queued && t->notify != SIGEV_NONE && !is_cpu_clock(t->clock);
}
static int live_thread(proc_t *t)
{
    return t->state != P_FREE && t->state != P_ZOMBIE && t->state != P_DEAD;
}

/* A timespec or timeval (unit: ns per tv_nsec/tv_usec unit) as ns, saturating as ktime does. */
static uint64_t tv_ns(const int64_t v[2], uint64_t unit)
{
    if ((uint64_t)v[0] >= KTIME_MAX / NS) return KTIME_MAX;
    return (uint64_t)v[0] * NS + (uint64_t)v[1] * unit;
}
static int tv_valid(const int64_t v[2], uint64_t per_sec) { return v[0] >= 0 && v[1] >= 0 && (uint64_t)v[1] < per_sec; }
static uint64_t add_sat(uint64_t a, uint64_t b) { return b > KTIME_MAX - a ? KTIME_MAX : a + b; }

uint64_t timers_next(void)
{
    if (dirty) {
        next_ns = 0;
        for (int i = 0; i < MAX_TIMERS; i++)
            if (armed(&timers[i]) && (!next_ns || timers[i].expires < next_ns)) next_ns = timers[i].expires;
        dirty = 0;
    }
    return next_ns ? cntvct_of_ns(next_ns) : 0;
}

uint64_t cntvct_of_ns(uint64_t ns)
{
    uint64_t f = read_cntfrq();  /* rounded up: never early */
    return ns / NS * f + (ns % NS * f + NS - 1) / NS;
}

/* A CPU timer's clock still has its process or thread; its time now (ns). */
static int cpu_live(const ktimer_t *t)
{
    proc_t *c = t->cpu_of;
    if (!c || c->pid != t->cpu_pid || c->state == P_FREE || c->state == P_ZOMBIE) return 0;
    return !t->cpu_thread || live_thread(c);
}
static uint64_t cpu_now(const ktimer_t *t) { return cpu_live(t) ? cpu_sample(t->cpu_of, t->cpu_thread, t->cpu_which) : 0; }

/* Move t's expiry past now by whole intervals; returns how many. */
static uint64_t forward(ktimer_t *t, uint64_t now)
{
    if (t->expires > now) return 0;
    uint64_t n = (now - t->expires) / t->interval + 1;
    t->expires = add_sat(t->expires, n * t->interval);
    return n;
}

/* t expires now: its signal goes out; it waits for the signal to be taken (timer_dequeued). */
static void expire(ktimer_t *t, uint64_t now)
{
    int slot = (int)(t - timers);
    t->queued = 1;
    if (slot < MAX_PROCS) {  /* ITIMER_REAL: SIGALRM to the process, SI_KERNEL as Linux's kill_pid_info */
        sig_info_t si = { .code = SI_KERNEL };
        sig_send_group(t->owner, SIGALRM, &si);
        return;  /* dropped (ignored, or one already pending): re-armed only when a SIGALRM is taken */
    }
    int to_thread = t->notify == SIGEV_THREAD_ID;
    proc_t *target = to_thread ? t->thread : t->owner;
    if (to_thread && (!live_thread(target) || target->grp != t->owner || target->pid != t->tid)) return;  /* its thread is gone: it stays expired */
    sig_info_t *q = sig_queued_timer(target, t->signo, slot + 1, t->first_serial);
    if (q) {
        /* its signal (maybe from before a timer_settime) is still queued: that one counts this expiry */
        q->b++;
        q->serial = t->serial;
        return;
    }
    sig_info_t si = { .code = SI_TIMER, .a = t->id, .b = 0, .c = t->value, .timer = slot + 1, .serial = t->serial };
    if (to_thread ? sig_send_info(target, t->signo, &si) : sig_send_group(target, t->signo, &si)) return;
    /* ignored: as Linux, the timer goes on */
    if (!t->owner || t->serial != si.serial) return;
    if (t->interval) {
        t->queued = 0;
        t->overrun += (int64_t)forward(t, now);
        if (is_cpu_clock(t->clock)) cputime_arm(t->expires - now);
    } else {
        t->queued = 0;
        t->expires = 0;
    }
}

void timers_fire(void)
{
    uint64_t now = time_ns();
    for (int i = 0; i < MAX_TIMERS; i++)
        if (armed(&timers[i]) && timers[i].expires <= now) expire(&timers[i], now);
    dirty = 1;
}

/* The POSIX timers on CPU clocks that are due expire; the others are looked at again in time. */
void cpu_timers_check(void)
{
    for (int i = MAX_PROCS; i < MAX_TIMERS; i++) {
        ktimer_t *t = &timers[i];
        if (!t->owner || !is_cpu_clock(t->clock) || !t->expires || t->queued || !cpu_live(t)) continue;
        uint64_t now = cpu_now(t);
        if (t->expires > now) { cputime_arm(t->expires - now); continue; }
        if (t->notify == SIGEV_NONE) { if (t->interval) forward(t, now); else t->expires = 0; }
        else expire(t, now);
        if (t->expires && !t->queued) cputime_arm(t->expires > now ? t->expires - now : 0);
    }
}

void timer_dequeued(proc_t *t, int sig, sig_info_t *si)
{
    proc_t *g = t->grp;
    uint64_t now = time_ns();
    if (sig == SIGALRM) {  /* Linux's dequeue_signal re-arms ITIMER_REAL when a SIGALRM is taken */
        ktimer_t *it = &timers[g - procs];
        if (it->owner == g && it->queued) {
            it->queued = 0;
            if (it->interval) forward(it, now);
            else it->expires = 0;
            dirty = 1;
        }
    }
    if (si->code != SI_TIMER || si->timer <= MAX_PROCS || si->timer > MAX_TIMERS) return;
    ktimer_t *pt = &timers[si->timer - 1];
    if (pt->owner != g || pt->serial != si->serial || !pt->queued) return;
    pt->queued = 0;
    if (is_cpu_clock(pt->clock) && !cpu_live(pt)) return;  /* its clock's process or thread is gone */
    if (pt->interval) {
        if (is_cpu_clock(pt->clock)) now = cpu_now(pt);
        pt->overrun += (int64_t)forward(pt, now) - 1;
        if (is_cpu_clock(pt->clock)) cputime_arm(pt->expires - now);
        pt->overrun_last = pt->overrun;
        pt->overrun = 0;
        int64_t o = (int64_t)si->b + pt->overrun_last;
        si->b = o > 0x7fffffff ? 0x7fffffff : (int32_t)o;
    } else {
        pt->expires = 0;
    }
    dirty = 1;
}

static void timer_free(ktimer_t *t)
{
    int slot = (int)(t - timers);
    if (slot >= MAX_PROCS && t->owner) {  /* a POSIX timer: its signal's charge (sig_charge) */
        proc_t *to = t->notify == SIGEV_THREAD_ID && live_thread(t->thread) ? t->thread : t->owner;
        sig_timer_deleted(to, t->notify == SIGEV_NONE ? 0 : t->signo, slot + 1, t->first_serial, t->uid);
    }
    memset(t, 0, sizeof(*t));
    dirty = 1;
}

void timers_exec(proc_t *g)
{
    for (int i = MAX_PROCS; i < MAX_TIMERS; i++)
        if (timers[i].owner == g) timer_free(&timers[i]);
}

void timers_exit(proc_t *g)
{
    timers_exec(g);
    if (timers[g - procs].owner == g) timer_free(&timers[g - procs]);
}

/* ---- interval timers ---- */
#define ITIMER_REAL 0

/* which's value and interval in ns (value: the time left) */
static void itimer_get(proc_t *g, int which, uint64_t *value, uint64_t *interval)
{
    if (which != ITIMER_REAL) {  /* Linux's get_cpu_itimer: the CPU time left; a tick when overdue */
        uint64_t exp = g->cpu_itimer[which - 1][0];
        *interval = g->cpu_itimer[which - 1][1];
        *value = 0;
        if (exp) {
            uint64_t now = cpu_sample(g, 0, which == 1 ? 1 : 0);
            *value = exp < now ? NS / 250 : exp - now;
        }
        return;
    }
    ktimer_t *it = &timers[g - procs];
    *value = *interval = 0;
    if (it->owner != g) return;
    *interval = it->interval;
    if (!armed(it)) return;  /* expired, its SIGALRM not taken yet */
    uint64_t now = time_ns();
    *value = it->expires > now ? it->expires - now : 1000;  /* due: 1 us, as Linux */
}

static void to_timeval(int64_t tv[2], uint64_t ns) { tv[0] = (int64_t)(ns / NS); tv[1] = (int64_t)(ns % NS / 1000); }

static long sys_getitimer(proc_t *p, int which, uint64_t uval)
{
    if (which < 0 || which > 2) return -EINVAL;
    uint64_t v, i;
    itimer_get(p->grp, which, &v, &i);
    int64_t out[4];
    to_timeval(&out[0], i);
    to_timeval(&out[2], v);
    return copy_out(p, uval, out, 32) ? -EFAULT : 0;
}

static long sys_setitimer(proc_t *p, int which, uint64_t unew, uint64_t uold)
{
    int64_t nv[4] = { 0 };  /* it_interval, it_value (struct timeval each) */
    if (unew) {  /* a null new value is zero (Linux still allows it) */
        if (copy_in(p, nv, unew, 32)) return -EFAULT;
        if (!tv_valid(&nv[0], 1000000) || !tv_valid(&nv[2], 1000000)) return -EINVAL;
    }
    if (which < 0 || which > 2) return -EINVAL;
    proc_t *g = p->grp;
    uint64_t ov, oi, value = tv_ns(&nv[2], 1000), interval = tv_ns(&nv[0], 1000);
    itimer_get(g, which, &ov, &oi);
    if (which != ITIMER_REAL) {  /* Linux's set_cpu_itimer: a tick later than asked, in CPU time */
        uint64_t now = cpu_sample(g, 0, which == 1 ? 1 : 0);
        g->cpu_itimer[which - 1][0] = value ? add_sat(now, add_sat(value, NS / 250)) : 0;
        g->cpu_itimer[which - 1][1] = interval;
        if (value) cputime_arm(value + NS / 250);
    } else {
        ktimer_t *it = &timers[g - procs];
        timer_free(it);
        if (value) {
            it->owner = g;
            it->signo = SIGALRM;
            it->interval = interval;
            it->expires = add_sat(time_ns(), value);
        }
    }
    if (uold) {
        int64_t out[4];
        to_timeval(&out[0], oi);
        to_timeval(&out[2], ov);
        if (copy_out(p, uold, out, 32)) return -EFAULT;  /* the new value is set all the same */
    }
    return 0;
}

/* ---- POSIX timers ---- */
static ktimer_t *timer_find(proc_t *g, int64_t id)
{
    if (id < 0 || id > 0x7fffffff) return 0;
    for (int i = MAX_PROCS; i < MAX_TIMERS; i++)
        if (timers[i].owner == g && timers[i].id == id) return &timers[i];
    return 0;
}

static long sys_timer_create(proc_t *p, int64_t clk, uint64_t usev, uint64_t uid)
{
    struct { uint64_t value; int32_t signo, notify, tid, pad[11]; } ev;
    if (usev && copy_in(p, &ev, usev, 64)) return -EFAULT;
    clk = (int32_t)clk;
    if (clk > 11 || clk == 10) return -EINVAL;
    if (clk == 4 || clk == 5 || clk == 6) return -EOPNOTSUPP;  /* MONOTONIC_RAW and the coarse clocks */
    proc_t *g = p->grp;
    ktimer_t *t = 0;
    for (int i = MAX_PROCS; i < MAX_TIMERS && !t; i++)
        if (!timers[i].owner) t = &timers[i];
    if (!t || (uint64_t)sig_queue_count(g->uid) >= g->rlim[11][0]) return -EAGAIN;  /* its signal's place: see below */
    memset(t, 0, sizeof(*t));
    int id = g->next_timer_id;
    g->next_timer_id = (id + 1) & 0x7fffffff;  /* used even if the rest fails, as on Linux */
    if (usev) {
        if (ev.notify == SIGEV_THREAD_ID) {
            proc_t *th = ev.tid > 0 ? proc_by_pid(ev.tid) : 0;
            if (!th || !live_thread(th) || th->grp != g) return -EINVAL;
            t->thread = th;
            t->tid = ev.tid;
        }
        if (ev.notify != SIGEV_NONE) {
            if (ev.notify != SIGEV_SIGNAL && ev.notify != SIGEV_THREAD && ev.notify != SIGEV_THREAD_ID) return -EINVAL;
            if (ev.signo <= 0 || ev.signo > 64) return -EINVAL;
        }
        t->notify = ev.notify;
        t->signo = ev.signo;
        t->value = ev.value;
    } else {
        t->notify = SIGEV_SIGNAL;
        t->signo = SIGALRM;
        t->value = (uint64_t)id;
    }
    int32_t out = id;
    if (copy_out(p, uid, &out, 4)) { memset(t, 0, sizeof(*t)); return -EFAULT; }
    /* the clock's own checks come last, as Linux's kc->timer_create: a CPU clock must name a process
     * or a thread of the caller's (pid_for_clock); the alarm clocks need CAP_WAKE_ALARM */
    if (is_cpu_clock((int)clk)) {
        t->cpu_of = cpu_clock_target(p, clk, 0, &t->cpu_thread, &t->cpu_which);
        if (!t->cpu_of) { memset(t, 0, sizeof(*t)); return -EINVAL; }
        t->cpu_pid = t->cpu_of->pid;
    }
    if ((clk == 8 || clk == 9) && g->euid) { memset(t, 0, sizeof(*t)); return -EPERM; }
    /* as Linux, a timer's queued signal is allocated (and counted) now */
    if (sig_charge(p)) { memset(t, 0, sizeof(*t)); return -EAGAIN; }
    t->uid = g->uid;
    t->owner = g;
    t->id = id;
    t->clock = (int)clk;
    t->serial = t->first_serial = ++serials;
    return 0;
}

/* t's setting now: it_interval, it_value (struct timespec each) */
static void timer_get(ktimer_t *t, int64_t out[4])
{
    memset(out, 0, 32);
    if (!t->expires) return;
    out[0] = (int64_t)(t->interval / NS);
    out[1] = (int64_t)(t->interval % NS);
    if (t->queued && !t->interval && is_cpu_clock(t->clock)) return;  /* a one-shot timer that expired */
    if (is_cpu_clock(t->clock)) {  /* the CPU time left; 1 ns when due (Linux's posix_cpu_timer_get) */
        uint64_t now = cpu_now(t);
        if (now >= t->expires) { out[3] = 1; return; }
        out[2] = (int64_t)((t->expires - now) / NS);
        out[3] = (int64_t)((t->expires - now) % NS);
        return;
    }
    int none = t->notify == SIGEV_NONE;
    if (t->queued && !t->interval) return;  /* a one-shot timer that expired */
    uint64_t now = time_ns(), exp = t->expires;
    if (t->interval && (t->queued || none) && exp <= now) exp = add_sat(exp, ((now - exp) / t->interval + 1) * t->interval);
    if (exp <= now) { out[3] = none ? 0 : 1; return; }  /* due: 1 ns, as Linux */
    out[2] = (int64_t)((exp - now) / NS);
    out[3] = (int64_t)((exp - now) % NS);
}

static long sys_timer_settime(proc_t *p, int64_t id, uint64_t flags, uint64_t unew, uint64_t uold)
{
    int64_t nv[4];
    if (!unew) return -EINVAL;
    if (copy_in(p, nv, unew, 32)) return -EFAULT;
    if (!tv_valid(&nv[0], NS) || !tv_valid(&nv[2], NS)) return -EINVAL;
    ktimer_t *t = timer_find(p->grp, (int32_t)id);
    if (!t) return -EINVAL;
    int64_t old[4];
    timer_get(t, old);
    t->serial = ++serials;
    t->queued = 0;
    t->overrun = t->overrun_last = 0;
    t->expires = t->interval = 0;
    dirty = 1;
    uint64_t value = tv_ns(&nv[2], 1);
    if (value) {
        t->interval = tv_ns(&nv[0], 1);
        if (is_cpu_clock(t->clock)) {
            uint64_t now = cpu_now(t);
            t->expires = flags & TIMER_ABSTIME ? value : add_sat(now, value);
            if (t->expires > now) cputime_arm(t->expires - now);
            else if (t->notify == SIGEV_NONE) cputime_arm(0);
            else if (cpu_live(t)) expire(t, now);  /* due already: it fires now, as Linux's posix_cpu_timer_set */
        } else if (flags & TIMER_ABSTIME) {
            int rt = t->clock == 0 || t->clock == 8 || t->clock == 11;  /* REALTIME, REALTIME_ALARM, TAI */
            t->expires = !rt ? value : value > REALTIME_OFFSET_NS ? value - REALTIME_OFFSET_NS : 1;
        } else t->expires = add_sat(time_ns(), value);
    }
    if (uold && copy_out(p, uold, old, 32)) return -EFAULT;
    return 0;
}

long timer_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled)
{
    *handled = 1;
    switch (nr) {
    case LINUX_SYS_getitimer: return sys_getitimer(p, (int32_t)a[0], a[1]);
    case LINUX_SYS_setitimer: return sys_setitimer(p, (int32_t)a[0], a[1], a[2]);
    case LINUX_SYS_timer_create: return sys_timer_create(p, (int64_t)a[0], a[1], a[2]);
    case LINUX_SYS_timer_settime: return sys_timer_settime(p, (int64_t)a[0], a[1], a[2], a[3]);
    case LINUX_SYS_timer_gettime: {
        ktimer_t *t = timer_find(p->grp, (int32_t)a[0]);
        if (!t) return -EINVAL;
        int64_t cur[4];
        timer_get(t, cur);
        return copy_out(p, a[1], cur, 32) ? -EFAULT : 0;
    }
    case LINUX_SYS_timer_getoverrun: {
        ktimer_t *t = timer_find(p->grp, (int32_t)a[0]);
        if (!t) return -EINVAL;
        return t->overrun_last > 0x7fffffff ? 0x7fffffff : t->overrun_last;
    }
    case LINUX_SYS_timer_delete: {
        ktimer_t *t = timer_find(p->grp, (int32_t)a[0]);
        if (!t) return -EINVAL;
        timer_free(t);  /* a signal of it still pending stays pending */
        return 0;
    }
    }
    *handled = 0;
    return 0;
}
