/*
 * The server loop: receive a process's fault message, unpack it, call the operation, answer.
 * Only unpacking and answering live here; the logic is in *_ops.c.
 */
#include "posix.h"

uint64_t server_ep;

int posix_spawn_init(const char *path, char *const argv[])
{
    server_ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    vfs_init((const uint8_t *)bootinfo->initrd_vaddr, bootinfo->initrd_size);
    tty_init();
    console_irq_init();
    proc_t *p = proc_new(0);
    fd_init_console(p);
    static char pathbuf[VFS_PATH_MAX];
    memcpy(pathbuf, path, strlen(path) + 1);
    const char *name = path;
    vnode_t *elf;
    long e = exec_resolve(p, pathbuf, (char **)argv, &elf);
    if (e) { printf("posix-server: cannot run %s: error %ld\n", path, e); return (int)e; }
    path = pathbuf;
    char *envp[] = { "HOME=/", "PATH=/bin:/sbin:/usr/bin:/usr/sbin", "TERM=vt100", 0 };
    long r = exec_image(p, elf, name, argv, envp);
    if (r) { printf("posix-server: cannot run %s: error %ld\n", path, r); return (int)r; }
    psn_tcb_resume(p->tcb);
    return 0;
}

proc_t *current_caller;
/* The slot where the reply right of the message just handled must be kept (its call waits), or 0:
 * kept by the next receive (REPLY_RECV with SAVE) rather than by a call of its own. */
static uint64_t save_slot;
static void save_now(void)
{
    if (save_slot) psn_cnode_save_caller(PSN_CAP_CNODE, save_slot);
    save_slot = 0;
}
extern uint64_t sp_at_syscall;

/* A fault raises sig: a handler runs, or the process dies (logged). Returns 1 to resume it. */
static int fault_signal(proc_t *p, int sig, int code, const char *what, uint64_t pc, uint64_t addr)
{
    if (sig_force(p, sig, code, addr)) return 1;
    printf("posix-server: pid %d (%s) killed by signal %d: %s at pc 0x%lx, address 0x%lx\n", p->pid, p->comm, sig,
           what, pc, addr);
    return 0;
}

/* Handle one message; returns 1 if the sender gets an answer now (in m), 0 if not. */
static int handle(psn_msg_t *m)
{
    uint64_t label = psn_info_label(m->info);
    if (label == PSN_LABEL_NOTIFY) { console_irq(); return 0; }
    if (m->badge >= MAX_PROCS) return 0;
    proc_t *p = &procs[m->badge];
    if (p->state == P_FREE || p->state == P_ZOMBIE || p->state == P_DEAD) return 0;
    if (label == PSN_FAULT_SYSCALL) {
        uint64_t a[6] = { m->mr[0], m->mr[1], m->mr[2], m->mr[3], m->mr[4], m->mr[5] };
        uint64_t nr = m->mr[PSN_FAULT_SYSCALL_NR];
        p->sys_nr = nr;
        p->sys_x0 = a[0];
        sp_at_syscall = m->mr[PSN_FAULT_SYSCALL_SP];
        current_caller = p;
        long r = posix_syscall(p, nr, a);
        current_caller = 0;
        if (r == SYSCALL_NO_REPLY) {
            if (p->state != P_RUN && p->state != P_ZOMBIE) { save_slot = p->reply; p->nvcsw++; }
            return 0;
        }
        if (p->state == P_ZOMBIE) return 0;
        if (p->grp->stopped) {  /* it stopped itself (or was stopped) meanwhile: answer when it continues */
            psn_cnode_save_caller(PSN_CAP_CNODE, p->reply);
            p->stop_reply = 1;
            p->stop_result = r;
            return 0;
        }
        sig_reply_current(p, r, m);
        return p->state != P_ZOMBIE;
    }
    if (label == PSN_FAULT_VM) {
        uint64_t esr = m->mr[PSN_FAULT_VM_ESR], addr = m->mr[PSN_FAULT_VM_ADDR];
        int exec = (int)m->mr[PSN_FAULT_VM_IS_INSTR], write = !exec && ((esr >> 6) & 1);
        long r = mm_fault(p, addr, write, exec);
        m->info = 0;
        p->minflt++;
        if (r < 0) return fault_signal(p, 11, r == -EFAULT ? 1 : 2, "segmentation fault", m->mr[PSN_FAULT_VM_PC], addr);
        return 1;
    }
    uint64_t ec = m->mr[PSN_FAULT_EXCEPTION_ESR] >> 26;
    m->info = 0;
    if (ec == 0x3c) return fault_signal(p, 5, 1, "breakpoint", m->mr[0], m->mr[0]);  /* brk: SIGTRAP */
    return fault_signal(p, ec == 0 || ec == 0x0e ? 4 : 7, ec == 0 ? 1 : 2, ec == 0 ? "illegal instruction" : "bus error",
                        m->mr[0], m->mr[3]);
}

/*
 * REPLY_RECV specialised for this loop: the answer is one register (x0 of the process), and a fault
 * message has at most 10 registers (MR0-MR9 in x2-x7, x9-x12). Returns x1 (info or -errno).
 */
static inline long reply_recv_fast(psn_msg_t *m)
{
    register uint64_t x0 __asm__("x0") = server_ep;
    register uint64_t x1 __asm__("x1") = m->info;
    register uint64_t x2 __asm__("x2") = m->mr[0];
    register uint64_t x3 __asm__("x3"), x4 __asm__("x4"), x5 __asm__("x5"), x6 __asm__("x6"), x7 __asm__("x7");
    register uint64_t x8 __asm__("x8") = PSN_SYS_REPLY_RECV;
    register uint64_t x9 __asm__("x9"), x10 __asm__("x10"), x11 __asm__("x11"), x12 __asm__("x12");
    __asm__ volatile("svc #1"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "=r"(x3), "=r"(x4), "=r"(x5), "=r"(x6), "=r"(x7), "+r"(x8),
                       "=r"(x9), "=r"(x10), "=r"(x11), "=r"(x12)
                     :
                     : "x13", "x14", "x15", "x16", "x17", "memory");
    m->badge = x0; m->info = x1;
    m->mr[0] = x2; m->mr[1] = x3; m->mr[2] = x4; m->mr[3] = x5; m->mr[4] = x6; m->mr[5] = x7;
    m->mr[6] = x9; m->mr[7] = x10; m->mr[8] = x11; m->mr[9] = x12;
    return (long)x1;
}

void posix_serve(void)
{
    psn_msg_t m = { 0 };
    int answer = 0;
    for (;;) {
        uint64_t deadline = posix_next_deadline();
        long r;
        if (save_slot && !deadline) {
            m.info = 1UL << PSN_INFO_SAVE_SHIFT | save_slot << PSN_INFO_CAPSLOT_SHIFT;
            save_slot = 0;
            r = reply_recv_fast(&m);
        } else if (answer && !deadline) {
            r = reply_recv_fast(&m);
        } else {
            save_now();
            if (answer) psn_reply(&m);
            answer = 0;
            uint64_t ns = 0;
            if (deadline) {
                uint64_t now = read_cntvct(), f = read_cntfrq();
                /* due already: a steady stream of calls must not keep the timers from expiring */
                if (deadline <= now) { posix_timer_tick(); io_run_wakeups(); continue; }
                uint64_t left = deadline - now;
                if (left > f * 3600) left = f * 3600;  /* far away: look again in an hour */
                ns = left / f * 1000000000ULL + left % f * 1000000000ULL / f;
                if (!ns) ns = 1;
            }
            m.info = 0;
            r = psn_recv(server_ep, &m, ns);
        }
        answer = 0;
        if (r == -110) { posix_timer_tick(); io_run_wakeups(); continue; }
        if (r < 0) continue;
        answer = handle(&m);
        if (io_pending()) {
            save_now();  /* a wakeup may answer that very call */
            io_run_wakeups();
        }
    }
}
