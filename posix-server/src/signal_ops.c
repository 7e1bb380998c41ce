/*
 * Signals: generation, default actions, and handlers run on the process's stack with the signal
 * frame laid out as Linux does on aarch64 (struct rt_sigframe: siginfo, then ucontext with the
 * sigcontext), so that musl's handlers, SA_SIGINFO and sigreturn work unchanged.
 */
#include "posix.h"

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

static int default_ignored(int sig) { return sig == SIGCHLD || sig == 23 || sig == 28 || sig == SIGCONT; }
static int is_stop(int sig) { return sig == SIGSTOP || sig == 20 || sig == 21 || sig == 22; }

int sig_deliverable(proc_t *p)
{
    uint64_t d = p->pending & ~p->sigmask;
    return d ? __builtin_ctzl(d) + 1 : 0;
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
    for (;;) {
        int sig = sig_deliverable(p);
        if (!sig) return 0;
        p->pending &= ~(1UL << (sig - 1));
        *info = p->sinfo[sig - 1];
        timer_dequeued(p, sig, info);
        uint64_t h = p->grp->sigactions[sig - 1][0];
        if (h == SIG_IGN || (h == SIG_DFL && (default_ignored(sig) || is_stop(sig)))) continue;
        if (h == SIG_DFL) { proc_exit(p, sig); return 0; }
        return sig;
    }
}

/* Run the handler for sig now: p is stopped (waiting for us); x0 of the interrupted code is x0. */
static void run_handler(proc_t *p, int sig, const sig_info_t *info, uint64_t x0)
{
    uint64_t r[PSN_NUM_REGS];
    regs_read_all(p, r);
    r[0] = x0;
    if (setup_frame_addr(p, sig, info, 0, 0, r)) { proc_exit(p, SIGSEGV); return; }
    regs_write_entry(p, r);
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
    sig_info_t info;
    int sig = take_signal(p, &info);
    if (p->state == P_ZOMBIE) { m->info = 0; return; }
    if (res == -ERESTARTSYS) {  /* made again unless a handler without SA_RESTART runs */
        if (!sig || (p->grp->sigactions[sig - 1][1] & SA_RESTART)) { rewind_call(p); res = (long)p->sys_x0; }
        else res = -EINTR;
        m->mr[0] = (uint64_t)res;
    }
    if (!sig) return;
    run_handler(p, sig, &info, (uint64_t)res);
    m->mr[0] = (uint64_t)sig;  /* the reply sets x0: the handler's first argument */
}

/* Interrupt a process waiting in the server (sleep, wait, pause): its syscall ends with EINTR, or
 * starts again under SA_RESTART where Linux restarts it. */
static void interrupt_wait(proc_t *p)
{
    sig_info_t info;
    int sig = take_signal(p, &info);
    if (p->state == P_ZOMBIE) return;
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
    if (setup_frame_addr(p, sig, &info, 0, 0, r)) { proc_exit(p, SIGSEGV); return; }
    regs_write_entry(p, r);
    proc_reply(p, sig);
}

/* A process running in user mode: stop its thread, then enter the handler. */
static void interrupt_running(proc_t *p)
{
    psn_tcb_suspend(p->tcb);  /* a syscall it was making will run again after the handler */
    sig_info_t info;
    int sig = take_signal(p, &info);
    if (p->state == P_ZOMBIE) return;
    if (sig) {
        uint64_t r[PSN_NUM_REGS];
        regs_read_all(p, r);
        if (setup_frame_addr(p, sig, &info, 0, 0, r)) { proc_exit(p, SIGSEGV); return; }
        regs_write_entry(p, r);
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

/* rt_sigtimedwait: a process waiting for one of a set of signals takes sig (siginfo info). */
static void sig_wait_accept(proc_t *p, int sig, const sig_info_t *info)
{
    if (p->wake_at) { p->wake_at = 0; sleepers--; }
    p->state = P_RUN;
    sig_info_t i = *info;
    timer_dequeued(p, sig, &i);
    if (p->wait_status) {
        int32_t si[32];
        sig_fill_info(si, sig, &i);
        copy_out(p, p->wait_status, si, 128);
    }
    proc_reply(p, sig);
}

void sig_send(proc_t *p, int sig, int code, int from_pid)
{
    sig_info_t si = { .code = code, .a = from_pid };
    sig_send_info(p, sig, &si);
}

/* p has a deliverable signal: interrupt what it is doing to run the handler */
static void deliver(proc_t *p)
{
    if (p->state == P_SLEEP || p->state == P_WAIT || p->state == P_PAUSE || p->state == P_SIGWAIT || p->state == P_FUTEX ||
        p->state == P_IO || p->state == P_POLL)
        interrupt_wait(p);
    else if (p->state == P_RUN) interrupt_running(p);
}

int sig_send_info(proc_t *p, int sig, const sig_info_t *si)
{
    if (p->state == P_ZOMBIE || p->state == P_FREE || p->state == P_DEAD) return 0;
    if (sig == SIGKILL) { proc_exit(p, SIGKILL); return 1; }
    uint64_t h = p->grp->sigactions[sig - 1][0];
    if (sig == SIGCONT) {
        p->pending &= ~((1UL << (SIGSTOP - 1)) | (1UL << 19) | (1UL << 20) | (1UL << 21));
        int was_stopped = p->grp->stopped;
        proc_continue(p->grp);
        if (was_stopped)  /* the signals that came while it was stopped */
            for (int i = 0; i < MAX_PROCS; i++) {
                proc_t *t = &procs[i];
                if (t->grp == p->grp && t != current_caller && t->state != P_FREE && t->state != P_ZOMBIE &&
                    t->state != P_DEAD && sig_deliverable(t))
                    deliver(t);
            }
        if (h <= SIG_IGN) return 0;
    } else if (is_stop(sig)) {
        p->pending &= ~(1UL << (SIGCONT - 1));
        if (sig == SIGSTOP || h == SIG_DFL) { proc_stop(p->grp, sig); return 1; }
    }
    if (h == SIG_IGN || (h == SIG_DFL && (default_ignored(sig) || is_stop(sig)))) return 0;
    if (p->state == P_SIGWAIT && (p->wait_set & (1UL << (sig - 1)))) { sig_wait_accept(p, sig, si); return 1; }
    int fresh = !(p->pending & (1UL << (sig - 1)));  /* one of each is kept, with its siginfo */
    if (fresh) p->sinfo[sig - 1] = *si;
    p->pending |= 1UL << (sig - 1);
    if (!sig_deliverable(p)) return fresh;      /* blocked: it stays pending */
    if (p == current_caller) return fresh;      /* delivered when its syscall is answered */
    if (p->grp->stopped) return fresh;          /* delivered when it continues */
    deliver(p);
    return fresh;
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
