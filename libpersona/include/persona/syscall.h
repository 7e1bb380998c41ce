/*
 * User-side kernel calls: `svc #1` with the call number in x8 (abi/persona.abi). Every call passes and
 * returns all message registers, so the compiler keeps them in registers around it.
 * Result convention: the returned x1 is the message info, or -errno when negative.
 */
#ifndef PERSONA_SYSCALL_H
#define PERSONA_SYSCALL_H
#include <stdint.h>
#include <persona/abi.h>

typedef struct psn_msg {
    uint64_t badge;               /* x0: cap on entry, badge on return */
    uint64_t info;                /* x1 */
    uint64_t mr[PSN_NUM_MRS];
} psn_msg_t;

static inline uint64_t psn_info(uint64_t label, uint64_t len)
{
    return (label << PSN_INFO_LABEL_SHIFT) | len;
}
static inline uint64_t psn_info_label(uint64_t info) { return (info >> PSN_INFO_LABEL_SHIFT) & PSN_INFO_LABEL_MASK; }
static inline uint64_t psn_info_len(uint64_t info) { return info & PSN_INFO_LEN_MASK; }

/* Raw call (libpersona/src/syscall.S): m->badge holds the cap (x0), m->info the info (x1); both and
 * the MRs are updated from the registers the kernel returns. Returns x1. */
long psn_syscall(uint64_t nr, psn_msg_t *m);

static inline long psn_call(uint64_t cap, psn_msg_t *m) { m->badge = cap; return psn_syscall(PSN_SYS_CALL, m); }
static inline long psn_send(uint64_t cap, psn_msg_t *m) { m->badge = cap; return psn_syscall(PSN_SYS_SEND, m); }
/* SEND of one word (MR0) with label 0: the common answer through a saved reply right, without a
 * message block in memory. Returns x1 (0 or -errno); registers beyond x0-x7 are the kernel's to keep. */
static inline long psn_send_word(uint64_t cap, uint64_t w)
{
    register uint64_t x0 __asm__("x0") = cap, x1 __asm__("x1") = 1, x2 __asm__("x2") = w;
    register uint64_t x8 __asm__("x8") = PSN_SYS_SEND;
    __asm__ volatile("svc #1" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x8)
                     : : "x3", "x4", "x5", "x6", "x7", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
    return (long)x1;
}
static inline long psn_nbsend(uint64_t cap, psn_msg_t *m) { m->badge = cap; return psn_syscall(PSN_SYS_NBSEND, m); }
/* Receive; timeout_ns 0 waits forever. m->info may carry PSN_INFO_RSLOT for an incoming cap. */
static inline long psn_recv(uint64_t cap, psn_msg_t *m, uint64_t timeout_ns)
{
    m->badge = cap; m->mr[0] = timeout_ns;
    return psn_syscall(PSN_SYS_RECV, m);
}
static inline long psn_nbrecv(uint64_t cap, psn_msg_t *m) { m->badge = cap; return psn_syscall(PSN_SYS_NBRECV, m); }
static inline long psn_reply(psn_msg_t *m) { return psn_syscall(PSN_SYS_REPLY, m); }
static inline long psn_reply_recv(uint64_t cap, psn_msg_t *m) { m->badge = cap; return psn_syscall(PSN_SYS_REPLY_RECV, m); }
static inline void psn_yield(void) { psn_msg_t m = { 0 }; psn_syscall(PSN_SYS_YIELD, &m); }
static inline void psn_signal(uint64_t ntfn) { psn_msg_t m = { 0 }; psn_send(ntfn, &m); }
/* Wait on a notification: returns the word, or -errno. */
static inline long psn_wait(uint64_t ntfn, uint64_t timeout_ns)
{
    psn_msg_t m = { 0 };
    long r = psn_recv(ntfn, &m, timeout_ns);
    return r < 0 ? r : (long)m.badge;
}

/* Invoke a kernel object: label, n argument words; results land in out (may be NULL). */
static inline long psn_invoke(uint64_t cap, uint64_t label, int n, const uint64_t *args, uint64_t *out)
{
    psn_msg_t m = { 0 };
    for (int i = 0; i < n; i++) m.mr[i] = args[i];
    m.info = psn_info(label, (uint64_t)n);
    long r = psn_call(cap, &m);
    if (r >= 0 && out)
        for (uint64_t i = 0; i < psn_info_len((uint64_t)r); i++) out[i] = m.mr[i];
    return r < 0 ? r : 0;
}

#define PSN_INVOKE(cap, label, ...) \
    ({ const uint64_t _a[] = { __VA_ARGS__ }; psn_invoke(cap, label, sizeof(_a) / 8, _a, 0); })

static inline long psn_retype(uint64_t ut, uint64_t type, uint64_t bits, uint64_t dest, uint64_t count)
{ return PSN_INVOKE(ut, PSN_M_UNTYPED_RETYPE, type, bits, dest, count); }
static inline long psn_cnode_copy(uint64_t cnode, uint64_t dest, uint64_t src, uint64_t rights)
{ return PSN_INVOKE(cnode, PSN_M_CNODE_COPY, dest, src, rights); }
static inline long psn_cnode_mint(uint64_t cnode, uint64_t dest, uint64_t src, uint64_t rights, uint64_t badge)
{ return PSN_INVOKE(cnode, PSN_M_CNODE_MINT, dest, src, rights, badge); }
static inline long psn_cnode_move(uint64_t cnode, uint64_t dest, uint64_t src)
{ return PSN_INVOKE(cnode, PSN_M_CNODE_MOVE, dest, src); }
static inline long psn_cnode_delete(uint64_t cnode, uint64_t idx) { return PSN_INVOKE(cnode, PSN_M_CNODE_DELETE, idx); }
static inline long psn_cnode_save_caller(uint64_t cnode, uint64_t idx)
{ return PSN_INVOKE(cnode, PSN_M_CNODE_SAVE_CALLER, idx); }
static inline long psn_tcb_configure(uint64_t tcb, uint64_t cspace, uint64_t vspace, uint64_t fault_ep, uint64_t prio)
{ return PSN_INVOKE(tcb, PSN_M_TCB_CONFIGURE, cspace, vspace, fault_ep, prio); }
static inline long psn_tcb_resume(uint64_t tcb) { return psn_invoke(tcb, PSN_M_TCB_RESUME, 0, 0, 0); }
static inline long psn_tcb_suspend(uint64_t tcb) { return psn_invoke(tcb, PSN_M_TCB_SUSPEND, 0, 0, 0); }
static inline long psn_tcb_set_priority(uint64_t tcb, uint64_t prio) { return PSN_INVOKE(tcb, PSN_M_TCB_SET_PRIORITY, prio); }
static inline long psn_tcb_bind_notification(uint64_t tcb, uint64_t ntfn)
{ return PSN_INVOKE(tcb, PSN_M_TCB_BIND_NOTIFICATION, ntfn); }
static inline long psn_tcb_read_regs(uint64_t tcb, uint64_t first, uint64_t n, uint64_t *out)
{ const uint64_t a[2] = { first, n }; return psn_invoke(tcb, PSN_M_TCB_READ_REGS, 2, a, out); }
/* CPU time charged to a thread: out[0] user, out[1] system, in ns; flags PSN_TIMES_RESET zeroes them after. */
static inline long psn_tcb_get_times(uint64_t tcb, uint64_t flags, uint64_t *out)
{ return psn_invoke(tcb, PSN_M_TCB_GET_TIMES, 1, &flags, out); }
/* Set pc, sp and x0 of a thread. */
static inline long psn_tcb_set_entry(uint64_t tcb, uint64_t pc, uint64_t sp, uint64_t arg)
{
    long r = PSN_INVOKE(tcb, PSN_M_TCB_WRITE_REGS, PSN_REG_SP, 2, sp, pc);
    return r ? r : PSN_INVOKE(tcb, PSN_M_TCB_WRITE_REGS, PSN_REG_X0, 1, arg);
}
static inline long psn_vspace_set_pool(uint64_t vs, uint64_t ut) { return PSN_INVOKE(vs, PSN_M_VSPACE_SET_POOL, ut); }
static inline long psn_vspace_map(uint64_t vs, uint64_t frame, uint64_t va, uint64_t rights)
{ return PSN_INVOKE(vs, PSN_M_VSPACE_MAP, frame, va, rights); }
static inline long psn_vspace_unmap(uint64_t vs, uint64_t va) { return PSN_INVOKE(vs, PSN_M_VSPACE_UNMAP, va); }
static inline long psn_vspace_probe(uint64_t vs, uint64_t va, uint64_t *out)
{ const uint64_t a[1] = { va }; return psn_invoke(vs, PSN_M_VSPACE_PROBE, 1, a, out); }
static inline long psn_irq_get(uint64_t ctl, uint64_t irq, uint64_t dest) { return PSN_INVOKE(ctl, PSN_M_IRQ_CONTROL_GET, irq, dest); }
static inline long psn_irq_set_notification(uint64_t h, uint64_t ntfn) { return PSN_INVOKE(h, PSN_M_IRQ_SET_NOTIFICATION, ntfn); }
static inline long psn_irq_ack(uint64_t h) { return psn_invoke(h, PSN_M_IRQ_ACK, 0, 0, 0); }

static inline void psn_debug_write(const char *s, uint64_t n)
{
    while (n) {
        psn_msg_t m = { 0 };
        uint64_t k = n > 8 * PSN_NUM_MRS ? 8 * PSN_NUM_MRS : n;
        for (uint64_t i = 0; i < k; i++) m.mr[i / 8] |= (uint64_t)(unsigned char)s[i] << (8 * (i % 8));
        m.info = k;
        psn_syscall(PSN_SYS_DEBUG_WRITE, &m);
        s += k; n -= k;
    }
}
static inline void psn_halt(void) { psn_msg_t m = { 0 }; psn_syscall(PSN_SYS_DEBUG_HALT, &m); }

#endif
