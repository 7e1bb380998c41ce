/*
 * Signals: generation, default actions, and handlers run on the process's stack with the signal
 * frame laid out as Linux does on aarch64 (struct rt_sigframe: siginfo, then ucontext with the
 * sigcontext), so that musl's handlers, SA_SIGINFO and sigreturn work unchanged.
 */
#include "posix.h"
#include "epoll.h"

#define SIGKILL 9
#define SIGSEGV 11
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIG_DFL 0
#define SIG_IGN 1

/* struct rt_sigframe offsets (arch/arm64/kernel/signal.c, uapi asm/sigcontext.h, asm/ucontext.h) */
#define F_INFO 0
#define F_UC 128
#define F_UC_STACK (F_UC + 16)
#define F_UC_SIGMASK (F_UC + 40)
#define F_MCTX (F_UC + 176)        /* uc_mcontext, 16-byte aligned */
#define F_FAULT_ADDR F_MCTX
#define F_REGS (F_MCTX + 8)
#define F_SP (F_MCTX + 256)
#define F_PC (F_MCTX + 264)
#define F_PSTATE (F_MCTX + 272)
#define F_RESERVED (F_MCTX + 288)
#define FRAME_SIZE (F_RESERVED + 4096)
#define F_RECORD FRAME_SIZE        /* struct frame_record { fp, lr } after the frame */
#define FPSIMD_MAGIC 0x46508001    /* struct fpsimd_context: head, fpsr, fpcr, vregs[32] */
#define FPSIMD_SIZE 528
#define F_USED (F_RESERVED + FPSIMD_SIZE + 16)  /* what is written: up to the record list's end marker */

#define BIT(sig) (1UL << ((sig) - 1))
#define STOP_MASK (BIT(SIGSTOP) | BIT(20) | BIT(21) | BIT(22))
#define SYNC_MASK (BIT(4) | BIT(5) | BIT(7) | BIT(8) | BIT(SIGSEGV) | BIT(31))  /* ILL TRAP BUS FPE SEGV SYS */
#define RLIMIT_SIGPENDING 11

static int default_ignored(int sig) { return sig == SIGCHLD || sig == 23 || sig == 28 || sig == SIGCONT; }
static int is_stop(int sig) { return sig == SIGSTOP || sig == 20 || sig == 21 || sig == 22; }
static int live_thread(proc_t *t) { return t->state != P_FREE && t->state != P_ZOMBIE && t->state != P_DEAD; }

/* ---- the queue ----
 * Every queued siginfo is an entry of one pool shared by all processes. As on Linux each entry is
 * charged to the real uid of the process it is sent to, and one beyond that process's
 * RLIMIT_SIGPENDING is refused, except for a standard signal sent by the kernel or by kill (si_code
 * >= 0); a POSIX timer's signal is charged when the timer is created (sig_charge) instead. */
#define SIGQ_POOL 4608   /* RLIMIT_SIGPENDING's default (3852) and room for standard signals beyond it */
#define SIGQ_USERS 16    /* users with queued signals at one time */
#define NOT_CHARGED 0xffffffffu
typedef struct sigq {
    sig_info_t info;
    uint32_t uid;        /* charged to (NOT_CHARGED: a timer's) */
    uint16_t next;       /* the next entry of its list, or of the free list (index + 1; 0: end) */
    uint8_t sig;
} sigq_t;
static sigq_t pool[SIGQ_POOL];
static uint16_t pool_free, pool_used;  /* the free list; entries never used start at pool_used */
static struct { uint32_t uid; int n; } charged[SIGQ_USERS];

int sig_queue_count(uint32_t uid)
{
    for (int i = 0; i < SIGQ_USERS; i++)
        if (charged[i].n && charged[i].uid == uid) return charged[i].n;
    return 0;
}

/* Charge one queued signal to uid if that keeps it within limit (or force); 0, or -EAGAIN. */
static int charge(uint32_t uid, uint64_t limit, int force)
{
    int k = -1;
    for (int i = 0; i < SIGQ_USERS; i++) {  /* uid's slot (it keeps it while free), else a free one */
        if (charged[i].uid == uid) { k = i; break; }
        if (!charged[i].n && k < 0) k = i;
    }
    if (k < 0 || (!force && (uint64_t)charged[k].n + 1 > limit)) return -EAGAIN;
    charged[k].uid = uid;
    charged[k].n++;
    return 0;
}

static void uncharge(uint32_t uid)
{
    for (int i = 0; i < SIGQ_USERS; i++)
        if (charged[i].n && charged[i].uid == uid) { charged[i].n--; return; }
}

int sig_charge(proc_t *p) { return charge(p->grp->uid, p->grp->rlim[RLIMIT_SIGPENDING][0], 0); }

/* A free pool entry (index + 1), or 0 when the pool is used up. */
static uint16_t entry_alloc(void)
{
    uint16_t e = pool_free;
    if (e) pool_free = pool[e - 1].next;
    else if (pool_used < SIGQ_POOL) e = ++pool_used;
    return e;
}

static void entry_free(uint16_t e)
{
    if (pool[e - 1].uid != NOT_CHARGED) uncharge(pool[e - 1].uid);
    pool[e - 1].next = pool_free;
    pool_free = e;
}

/*
 * Queue sig with siginfo si on set s of process g. Returns 1 if queued; 0 if the signal is pending
 * without its siginfo (the queue was full: Linux does so for kill and for standard signals); -EAGAIN
 * if a real-time signal not sent by kill found the queue full (nothing changed).
 */
static int pend_add_entry(sigpend_t *s, proc_t *g, int sig, const sig_info_t *si);
static int pend_add(sigpend_t *s, proc_t *g, int sig, const sig_info_t *si)
{
    int r = pend_add_entry(s, g, sig, si);
    if (r >= 0) signalfd_arrived();  /* signalfd readers and pollers look again */
    return r;
}

static int pend_add_entry(sigpend_t *s, proc_t *g, int sig, const sig_info_t *si)
{
    uint32_t uid = si->timer ? NOT_CHARGED : g->uid;
    int force = sig < SIGRTMIN_K && si->code >= 0;
    uint16_t e = 0;
    if (uid == NOT_CHARGED || !charge(uid, g->rlim[RLIMIT_SIGPENDING][0], force)) {
        e = entry_alloc();
        if (!e && uid != NOT_CHARGED) uncharge(uid);
    }
    if (!e) {
        if (sig >= SIGRTMIN_K && si->code != SI_USER && !si->timer) return -EAGAIN;
        s->set |= BIT(sig);
        return 0;
    }
    sigq_t *q = &pool[e - 1];
    q->info = *si;
    q->uid = uid;
    q->sig = (uint8_t)sig;
    q->next = 0;
    if (s->tail) pool[s->tail - 1].next = e; else s->head = e;
    s->tail = e;
    s->set |= BIT(sig);
    return 1;
}

/* Unlink entry e (after prev, 0: the head) from s. */
static void pend_unlink(sigpend_t *s, uint16_t prev, uint16_t e)
{
    uint16_t next = pool[e - 1].next;
    if (prev) pool[prev - 1].next = next; else s->head = next;
    if (s->tail == e) s->tail = prev;
}

/* Take sig's first queued instance from s into info; its bit stays while another is queued. Without
 * one (its siginfo was lost) info is SI_USER from no one, as Linux's collect_signal gives. */
static void pend_take(sigpend_t *s, int sig, sig_info_t *info)
{
    uint16_t prev = 0, found = 0, found_prev = 0;
    int more = 0;
    for (uint16_t e = s->head; e && !more; prev = e, e = pool[e - 1].next) {
        if (pool[e - 1].sig != sig) continue;
        if (found) more = 1;
        else { found = e; found_prev = prev; }
    }
    if (!more) s->set &= ~BIT(sig);
    if (!found) { memset(info, 0, sizeof(*info)); info->code = SI_USER; return; }
    pend_unlink(s, found_prev, found);
    *info = pool[found - 1].info;
    entry_free(found);
}

/* Drop every pending instance of the signals in mask from s. */
static void pend_flush(sigpend_t *s, uint64_t mask)
{
    if (!(s->set & mask)) return;
    uint16_t prev = 0;
    for (uint16_t e = s->head; e;) {
        uint16_t next = pool[e - 1].next;
        if (mask & BIT(pool[e - 1].sig)) { pend_unlink(s, prev, e); entry_free(e); }
        else prev = e;
        e = next;
    }
    s->set &= ~mask;
}

/* Drop the signals in mask pending for g's process and for each of its threads. */
static void flush_process(proc_t *g, uint64_t mask)
{
    pend_flush(&g->shared, mask);
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].state != P_FREE && procs[i].grp == g) pend_flush(&procs[i].pend, mask);
}

void sig_flush_thread(proc_t *t) { pend_flush(&t->pend, ~0UL); }
void sig_flush_process(proc_t *g) { pend_flush(&g->shared, ~0UL); pend_flush(&g->pend, ~0UL); }
void sig_action_changed(proc_t *g, int sig)
{
    uint64_t h = g->grp->sigactions[sig - 1][0];  /* Linux's sig_handler_ignored */
    if (h == SIG_IGN || (h == SIG_DFL && default_ignored(sig))) flush_process(g->grp, BIT(sig));
}

/* The queued entry of timer (timer_ops.c slot + 1) for sig, pending on thread t or its process, from
 * the timer's present life (serial >= first_serial: older ones are of a timer deleted before); 0 if none. */
static sigq_t *timer_entry(proc_t *t, int sig, int timer, uint64_t first_serial)
{
    sigpend_t *sets[2] = { &t->pend, &t->grp->shared };
    for (int k = 0; k < 2; k++)
        for (uint16_t e = sets[k]->head; e; e = pool[e - 1].next) {
            sigq_t *q = &pool[e - 1];
            if (q->sig == sig && q->info.timer == timer && q->info.serial >= first_serial) return q;
        }
    return 0;
}

sig_info_t *sig_queued_timer(proc_t *t, int sig, int timer, uint64_t first_serial)
{
    sigq_t *q = timer_entry(t, sig, timer, first_serial);
    return q ? &q->info : 0;
}

void sig_timer_deleted(proc_t *t, int sig, int timer, uint64_t first_serial, uint32_t uid)
{
    sigq_t *q = sig ? timer_entry(t, sig, timer, first_serial) : 0;
    if (q) q->uid = uid;  /* as Linux's sigqueue_free: a queued signal keeps the charge until it is taken */
    else uncharge(uid);
}

uint64_t sig_pending_set(proc_t *t) { return t->pend.set | t->grp->shared.set; }

/* Linux's next_signal: among pending & allowed, a synchronous one (a fault's) first, else the lowest. */
static int next_signal(uint64_t pending, uint64_t allowed)
{
    uint64_t x = pending & allowed;
    if (x & SYNC_MASK) x &= SYNC_MASK;
    return x ? __builtin_ctzl(x) + 1 : 0;
}

/* The signal thread t takes next among allowed (0: none) and the set it is in: the thread's own
 * signals before its process's, as Linux's dequeue_signal. */
static int next_of(proc_t *t, uint64_t allowed, sigpend_t **set)
{
    *set = &t->pend;
    int sig = next_signal(t->pend.set, allowed);
    if (!sig) sig = next_signal((*set = &t->grp->shared)->set, allowed);
    return sig;
}

/* Thread t takes sig from set s: its siginfo, and its timer (if any) learns it. */
static void take_from(proc_t *t, sigpend_t *s, int sig, sig_info_t *info)
{
    pend_take(s, sig, info);
    timer_dequeued(t, sig, info);
}

/* Take the first pending signal of allowed for thread t: its number (0: none) and siginfo. */
static int dequeue(proc_t *t, uint64_t allowed, sig_info_t *info)
{
    sigpend_t *s;
    int sig = next_of(t, allowed, &s);
    if (sig) take_from(t, s, sig, info);
    return sig;
}

/* Whether g's action for sig is to do nothing (stop signals: their default action is taken when sent). */
static int action_ignores(proc_t *g, int sig)
{
    uint64_t h = g->sigactions[sig - 1][0];
    return h == SIG_IGN || (h == SIG_DFL && (default_ignored(sig) || is_stop(sig)));
}

/* Whether p has a pending signal it does not block (it may be one to discard). */
static int any_unblocked(proc_t *p) { return ((p->pend.set | p->grp->shared.set) & ~p->sigmask) != 0; }

/* sig_deliverable, and the set the signal is in */
static int next_deliverable(proc_t *p, sigpend_t **set)
{
    if (!any_unblocked(p)) return 0;
    for (;;) {
        int sig = next_of(p, ~p->sigmask, set);
        if (!sig || !action_ignores(p->grp, sig)) return sig;
        sig_info_t info;  /* as Linux, an ignored one is discarded when it would be taken */
        take_from(p, *set, sig, &info);
    }
}

int sig_deliverable(proc_t *p)
{
    sigpend_t *s;
    return next_deliverable(p, &s);
}

/* After setup_frame only x0-x2 and x29, x30, sp, pc changed. */
static void regs_write_entry(proc_t *p, const uint64_t r[PSN_NUM_REGS])
{
    regs_write_range(p, 0, 33, r);  /* x0..pc: one call */
}

void sig_fill_info(int32_t si[32], int sig, const sig_info_t *i)
{
    memset(si, 0, 128);
    si[0] = sig;
    si[2] = i->code;
    si[4] = i->a;                  /* si_pid, si_timerid */
    si[5] = i->b;                  /* si_uid, si_overrun */
    memcpy(&si[6], &i->c, 8);      /* si_value, si_status */
}

/*
 * Build the frame for sig on p's stack from registers r (r[0] is what the interrupted code sees in
 * x0), and point r at the handler; the siginfo is info, or for a fault (info 0) code and addr.
 * Returns 0, or -EFAULT if the stack is unusable (then SIGSEGV).
 */
static long setup_frame_addr(proc_t *p, int sig, const sig_info_t *info, int code, uint64_t addr, uint64_t r[PSN_NUM_REGS])
{
    uint64_t *act = p->grp->sigactions[sig - 1];
    uint64_t sp = r[PSN_REG_SP];
    int on_alt = p->altstack[2] && sp >= p->altstack[0] && sp < p->altstack[0] + p->altstack[2];
    if ((act[1] & SA_ONSTACK) && p->altstack[2] && !(p->altstack[1] & 2) && !on_alt) sp = p->altstack[0] + p->altstack[2];
    sp = (sp - FRAME_SIZE - 16) & ~15UL;
    /* Only the used part is written: siginfo, ucontext up to the registers, and in __reserved the
     * FP/SIMD record (the state the interrupted code had; the handler gets it unchanged) and the
     * list's end marker. */
    static uint8_t f[F_USED];
    memset(f, 0, sizeof(f));
    *(uint32_t *)(f + F_RESERVED) = FPSIMD_MAGIC;  /* r and this state come from regs_read_all */
    *(uint32_t *)(f + F_RESERVED + 4) = FPSIMD_SIZE;
    memcpy(f + F_RESERVED + 8, regs_fpu(), FPSIMD_BODY);
    int32_t *si = (int32_t *)(f + F_INFO);
    if (info) sig_fill_info(si, sig, info);
    else {
        si[0] = sig;
        si[2] = code;
        *(uint64_t *)(f + F_INFO + 16) = addr;   /* si_addr (faults) */
    }
    *(uint64_t *)(f + F_FAULT_ADDR) = addr;
    *(uint64_t *)(f + F_UC_STACK) = p->altstack[0];
    *(uint32_t *)(f + F_UC_STACK + 8) = (uint32_t)(on_alt ? 1 : p->altstack[2] ? 0 : 2);
    *(uint64_t *)(f + F_UC_STACK + 16) = p->altstack[2];
    *(uint64_t *)(f + F_UC_SIGMASK) = p->has_saved_mask ? p->saved_mask : p->sigmask;
    p->has_saved_mask = 0;
    memcpy(f + F_REGS, r, 31 * 8);
    *(uint64_t *)(f + F_SP) = r[PSN_REG_SP];
    *(uint64_t *)(f + F_PC) = r[PSN_REG_PC];
    *(uint64_t *)(f + F_PSTATE) = r[PSN_REG_PSTATE];
    uint64_t record[2] = { r[29], r[30] };
    if (copy_out(p, sp, f, sizeof(f)) || copy_out(p, sp + F_RECORD, record, 16)) return -EFAULT;
    r[0] = (uint64_t)sig;
    r[1] = sp + F_INFO;
    r[2] = sp + F_UC;
    r[29] = sp + F_RECORD;
    r[30] = act[1] & SA_RESTORER ? act[2] : 0;
    r[PSN_REG_SP] = sp;
    r[PSN_REG_PC] = act[0];
    if (!(act[1] & SA_NODEFER)) p->sigmask |= 1UL << (sig - 1);
    p->sigmask |= act[3] & ~((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1)));
    if (act[1] & SA_RESETHAND) act[0] = SIG_DFL;
    return 0;
}

/* Take the first deliverable signal. Returns its number if a handler must run (its siginfo in
 * info), 0 otherwise; a default action that terminates has been carried out (p is a zombie then). */
static int take_signal(proc_t *p, sig_info_t *info)
{
    sigpend_t *s;
    int sig = next_deliverable(p, &s);
    if (!sig) return 0;
    take_from(p, s, sig, info);
    if (p->grp->sigactions[sig - 1][0] == SIG_DFL) { proc_exit(p, sig); return 0; }
    return sig;
}

/*
 * Build sig's frame on registers r and, as Linux does before it returns to user mode, a frame on top
 * of it for each further signal now deliverable (so the last one's handler runs first); then p's
 * registers are set. Returns the signal whose handler runs first (the reply's x0), or 0 if p died
 * (an unusable stack is SIGSEGV; a default action may end it).
 */
static int push_frames(proc_t *p, int sig, sig_info_t *info, uint64_t r[PSN_NUM_REGS])
{
    for (;;) {
        if (setup_frame_addr(p, sig, info, 0, 0, r)) { proc_exit(p, SIGSEGV); return 0; }
        int next = take_signal(p, info);
        if (!live_thread(p)) return 0;
        if (!next) break;
        sig = next;
    }
    regs_write_entry(p, r);
    return sig;
}

/* Run the handler for sig now: p is stopped (waiting for us); x0 of the interrupted code is x0.
 * Returns what push_frames does. */
static int run_handler(proc_t *p, int sig, sig_info_t *info, uint64_t x0)
{
    uint64_t r[PSN_NUM_REGS];
    regs_read_all(p, r);
    r[0] = x0;
    return push_frames(p, sig, info, r);
}

/* Move p back to its svc: the call is made again with its first argument (the rest are unchanged). */
static void rewind_call(proc_t *p)
{
    uint64_t r[PSN_NUM_REGS];
    regs_read_all(p, r);
    r[PSN_REG_PC] -= 4;
    regs_write_range(p, PSN_REG_PC, 1, r);
}

void sig_restart(proc_t *p)
{
    rewind_call(p);
    proc_reply(p, (long)p->sys_x0);
}

void sig_reply_current(proc_t *p, long res, psn_msg_t *m)
{
    m->info = psn_info(0, 1);
    m->mr[0] = (uint64_t)res;
    if (!any_unblocked(p) && res != -ERESTARTSYS) return;  /* the common case: a plain answer */
    sig_info_t info;
    int sig = take_signal(p, &info);
    if (!live_thread(p)) { m->info = 0; return; }
    if (res == -ERESTARTSYS) {  /* made again unless a handler without SA_RESTART runs */
        if (!sig || (p->grp->sigactions[sig - 1][1] & SA_RESTART)) { rewind_call(p); res = (long)p->sys_x0; }
        else res = -EINTR;
        m->mr[0] = (uint64_t)res;
    }
    if (!sig) return;
    sig = run_handler(p, sig, &info, (uint64_t)res);
    if (!sig) { m->info = 0; return; }
    m->mr[0] = (uint64_t)sig;  /* the reply sets x0: the handler's first argument */
}

/* Interrupt a process waiting in the server (sleep, wait, pause): its syscall ends with EINTR, or
 * starts again under SA_RESTART where Linux restarts it. */
static void interrupt_wait(proc_t *p)
{
    sig_info_t info;
    int sig = take_signal(p, &info);
    if (!live_thread(p)) return;
    if (!sig) return;  /* ignored: keep waiting */
    uint64_t r[PSN_NUM_REGS];
    regs_read_all(p, r);
    /* Linux restarts these under SA_RESTART: wait4/waitid, and the file calls that wait (read, write,
     * a FIFO's open, F_SETLKW, flock); poll and select end with EINTR. A write that moved some bytes
     * answers their count. */
    int restart = (p->grp->sigactions[sig - 1][1] & SA_RESTART) &&
                  (p->sys_nr == LINUX_SYS_wait4 || p->sys_nr == LINUX_SYS_waitid || p->state == P_IO);
    if (p->state == P_IO || p->state == P_POLL) fd_wait_cancel(p, 1);
    if (p->state == P_IO && p->io_done) { r[0] = p->io_done; p->io_done = 0; }
    else if (restart) { r[PSN_REG_PC] -= 4; r[0] = p->sys_x0; }
    else r[0] = (uint64_t)-EINTR;
    if (p->state == P_SLEEP && p->sleep_rem && p->wake_at) {  /* nanosleep tells the time left */
        uint64_t now = read_cntvct(), f = read_cntfrq(), left = p->wake_at > now ? p->wake_at - now : 0;
        uint64_t ts[2] = { left / f, left % f * 1000000000ULL / f };
        copy_out(p, p->sleep_rem, ts, 16);
    }
    if (p->wake_at) { p->wake_at = 0; sleepers--; }
    p->state = P_RUN;
    if ((sig = push_frames(p, sig, &info, r))) proc_reply(p, sig);
}

/* A process running in user mode: stop its thread, then enter the handler. */
static void interrupt_running(proc_t *p)
{
    psn_tcb_suspend(p->tcb);  /* a syscall it was making will run again after the handler */
    sig_info_t info;
    int sig = take_signal(p, &info);
    if (!live_thread(p)) return;
    if (sig) {
        uint64_t r[PSN_NUM_REGS];
        regs_read_all(p, r);
        if (!push_frames(p, sig, &info, r)) return;
    }
    psn_tcb_resume(p->tcb);
}

extern proc_t *current_caller;  /* the process whose syscall is being served (posix_ipc.c) */

/*
 * A fault of p (stopped, waiting for our answer) raises sig: a handler runs if there is one and the
 * signal is neither blocked nor ignored; otherwise the process dies, as Linux's force_sig does.
 * Returns 1 if p should be answered (resumed), 0 if it died.
 */
int sig_force(proc_t *p, int sig, int code, uint64_t addr)
{
    uint64_t h = p->grp->sigactions[sig - 1][0];
    if (h <= SIG_IGN || (p->sigmask & (1UL << (sig - 1)))) { proc_exit(p, sig); return 0; }
    uint64_t r[PSN_NUM_REGS];
    regs_read_all(p, r);
    if (setup_frame_addr(p, sig, 0, code, addr, r)) { proc_exit(p, sig); return 0; }
    regs_write_entry(p, r);
    return 1;
}

/* rt_sigtimedwait: take the first pending signal of set for p into its siginfo at uinfo (if not 0).
 * Returns the signal, 0 if none is pending, or -EFAULT (the signal is taken all the same). */
long sig_wait_take(proc_t *p, uint64_t set, uint64_t uinfo)
{
    sig_info_t info;
    int sig = dequeue(p, set & ~(BIT(SIGKILL) | BIT(SIGSTOP)), &info);
    if (!sig) return 0;
    int32_t si[32];
    sig_fill_info(si, sig, &info);
    if (uinfo && copy_out(p, uinfo, si, 128)) return -EFAULT;
    return sig;
}

int sig_take_masked(proc_t *p, uint64_t set, int32_t si[32])
{
    sig_info_t info;
    int sig = dequeue(p, set & ~(BIT(SIGKILL) | BIT(SIGSTOP)), &info);
    if (sig) sig_fill_info(si, sig, &info);
    return sig;
}

/* A thread waiting in rt_sigtimedwait (P_SIGWAIT) for sig, of p's process (group) or p itself, or 0. */
static proc_t *sig_waiter(proc_t *p, int sig, int group)
{
    if (p->state == P_SIGWAIT && (p->wait_set & BIT(sig))) return p;
    if (!group || p->mm->users == 1) return 0;  /* the threads of a process are its mm's users */
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].grp == p->grp && procs[i].state == P_SIGWAIT && (procs[i].wait_set & BIT(sig))) return &procs[i];
    return 0;
}

/* Waiter w's rt_sigtimedwait ends with the first signal of its set (one is pending). */
static void sig_wait_wake(proc_t *w)
{
    if (w->wake_at) { w->wake_at = 0; sleepers--; }
    w->state = P_RUN;
    proc_reply(w, sig_wait_take(w, w->wait_set, w->wait_status));
}

/* p has a deliverable signal: interrupt what it is doing to run the handler */
static void deliver(proc_t *p)
{
    if (p->state == P_SLEEP || p->state == P_WAIT || p->state == P_PAUSE || p->state == P_SIGWAIT || p->state == P_FUTEX ||
        p->state == P_IO || p->state == P_POLL)
        interrupt_wait(p);
    else if (p->state == P_RUN) interrupt_running(p);
}

void sig_retarget(proc_t *g)
{
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *t = &procs[i];
        if (t->grp == g && live_thread(t) && t != current_caller && !g->stopped && sig_deliverable(t)) deliver(t);
    }
}

/* SIGCONT: the process continues and its threads take the signals that came while it was stopped. */
static void sig_continue(proc_t *g)
{
    int was_stopped = g->stopped;
    proc_continue(g);
    if (was_stopped) sig_retarget(g);
}

/* Linux's sig_ignored: ignored by its action and not blocked by thread t (a blocked one is pended:
 * the action may change before it is unblocked). */
static int sig_ignored(proc_t *t, int sig)
{
    return !(t->sigmask & BIT(sig)) && action_ignores(t->grp, sig);
}

/*
 * Generate sig for thread p (group 0) or p's process (group 1; p is the thread named, its leader for
 * kill): as Linux's send_signal, the signal is pended on the thread's or the process's set, then a
 * thread that takes it is woken (a waiter in rt_sigtimedwait first) or interrupted.
 */
static int generate(proc_t *p, int sig, const sig_info_t *si, int group)
{
    proc_t *g = p->grp;
    if (g->state == P_ZOMBIE || g->state == P_FREE || (!group && !live_thread(p))) return 0;
    if (!live_thread(p) && !(p = signal_target(g, sig))) return 0;
    if (sig == SIGKILL) { proc_exit(p, SIGKILL); return 1; }
    if (sig == SIGCONT) {
        flush_process(g, STOP_MASK);
        sig_continue(g);
    } else if (is_stop(sig)) {
        flush_process(g, BIT(SIGCONT));
        if (sig == SIGSTOP || g->sigactions[sig - 1][0] == SIG_DFL) { proc_stop(g, sig); return 1; }
    }
    if (sig_ignored(p, sig)) return 0;
    sigpend_t *set = group ? &g->shared : &p->pend;
    if (sig < SIGRTMIN_K && !si->timer && (set->set & BIT(sig))) return 0;  /* one of each is kept */
    int r = pend_add(set, g, sig, si);
    if (r < 0) return r;
    proc_t *w = sig_waiter(p, sig, group);
    if (w) { sig_wait_wake(w); return 1; }
    proc_t *t = group ? signal_target(g, sig) : p;
    if (!t || t == current_caller) return 1;   /* (the caller takes it when its syscall is answered) */
    if (g->stopped) return 1;                  /* delivered when it continues */
    if (sig_deliverable(t)) deliver(t);        /* else blocked: it stays pending */
    return 1;
}

int sig_send_info(proc_t *p, int sig, const sig_info_t *si) { return generate(p, sig, si, 0); }
int sig_send_group(proc_t *p, int sig, const sig_info_t *si) { return generate(p, sig, si, 1); }

void sig_send(proc_t *p, int sig, int code, int from_pid)
{
    sig_info_t si = { .code = code, .a = from_pid };
    generate(p->grp, sig, &si, 1);
}

long sig_return(proc_t *p, uint64_t sp)
{
    static uint8_t f[F_USED];
    if (copy_in(p, f, sp, sizeof(f))) { proc_exit(p, SIGSEGV); return SYSCALL_NO_REPLY; }
    uint64_t r[PSN_NUM_REGS];
    memcpy(r, f + F_REGS, 31 * 8);
    r[PSN_REG_SP] = *(uint64_t *)(f + F_SP);
    r[PSN_REG_PC] = *(uint64_t *)(f + F_PC);
    r[PSN_REG_PSTATE] = *(uint64_t *)(f + F_PSTATE);  /* the kernel keeps only the flags */
    p->sigmask = *(uint64_t *)(f + F_UC_SIGMASK) & ~((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1)));
    /* x0..pstate (TPIDR is not part of the frame), and the FP/SIMD record, which Linux's frame has
     * first, as the handler may have changed it */
    int fp = *(uint32_t *)(f + F_RESERVED) == FPSIMD_MAGIC && *(uint32_t *)(f + F_RESERVED + 4) == FPSIMD_SIZE;
    regs_write_fpu(p, 0, PSN_REG_TPIDR, r, fp ? f + F_RESERVED + 8 : 0);
    return (long)r[0];  /* the reply puts it back in x0 */
}

long sig_altstack(proc_t *p, uint64_t ss, uint64_t old, uint64_t sp)
{
    int on = p->altstack[2] && sp >= p->altstack[0] && sp < p->altstack[0] + p->altstack[2];
    if (old) {
        uint64_t o[3] = { p->altstack[0], (uint64_t)(on ? 1 : p->altstack[2] ? 0 : 2), p->altstack[2] };
        if (copy_out(p, old, o, 24)) return -EFAULT;
    }
    if (ss) {
        uint64_t n[3];
        if (copy_in(p, n, ss, 24)) return -EFAULT;
        if (on) return -EPERM;
        uint32_t flags = (uint32_t)n[1];
        if (flags & ~2u) return -EINVAL;
        if (flags & 2) { p->altstack[0] = p->altstack[2] = 0; p->altstack[1] = 2; return 0; }
        if (n[2] < 2048) return -ENOMEM;
        p->altstack[0] = n[0]; p->altstack[1] = 0; p->altstack[2] = n[2];
    }
    return 0;
}

long sig_queueinfo(proc_t *p, int64_t tgid, int64_t tid, int64_t sig, uint64_t uinfo)
{
    int32_t u[32];
    if (copy_in(p, u, uinfo, 128)) return -EFAULT;
    int thread = tgid != -1;
    if (thread && (tid <= 0 || tgid <= 0)) return -EINVAL;
    /* not even root may pretend to be the kernel, kill or tgkill, except to itself */
    if ((u[2] >= 0 || u[2] == SI_TKILL) && tid != p->pid) return -EPERM;
    proc_t *t = tid > 0 ? proc_by_pid((int)tid) : 0;
    if (!t || (thread && (t->tgid != tgid || !live_thread(t)))) return -ESRCH;
    if (sig < 0 || sig > 64) return -EINVAL;
    if (!sig) return 0;
    sig_info_t si = { .code = u[2], .a = u[4], .b = u[5] };
    memcpy(&si.c, &u[6], 8);
    int r = generate(t, (int)sig, &si, !thread);
    if (!live_thread(p)) return SYSCALL_NO_REPLY;
    return r < 0 ? r : 0;
}
