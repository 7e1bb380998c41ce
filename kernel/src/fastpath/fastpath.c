/*
 * IPC and Linux-syscall fastpaths (see include/fastpath/fastpath.h). Entered straight from the
 * exception vector with the user registers saved in t->ctx. Everything is inlined: this is the code
 * every Linux syscall and every server round trip pays for.
 */
#include <fastpath/fastpath.h>
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <object/cnode.h>
#include <arch/machine.h>
#include <kernel/cpu.h>

#define FAST_MAX_LEN 6  /* MR0..MR5: x2..x7 */
#define ALWAYS_INLINE inline __attribute__((always_inline))

/* Take the first waiting receiver off ep (the caller checked there is one). */
static ALWAYS_INLINE tcb_t *take_receiver(endpoint_t *ep)
{
    tcb_t *r = ep->q.head;
    ep->q.head = r->q_next;
    if (r->q_next) r->q_next->q_prev = NULL; else { ep->q.tail = NULL; ep->state = EP_IDLE; }
    r->q_next = NULL;
    r->blocked_on = NULL;
    return r;
}

/*
 * from (the current thread) stops in from_state and to becomes the current thread: address space,
 * TLS register, FPU trap. Neither is in a ready queue, and to outranks every queued thread because
 * it is at least as urgent as from. The caller then leaves for user mode with to's registers.
 */
static ALWAYS_INLINE void fast_switch(cpu_t *c, tcb_t *from, tcb_t *to, uint8_t from_state)
{
    from->state = from_state;
    to->state = TS_RUNNING;
    if (from->vspace != to->vspace) {
        MSR(ttbr0_el1, to->vspace->ttbr);
        isb();
    }
    from->ctx[CTX_TPIDR] = MRS(tpidr_el0);
    MSR(tpidr_el0, to->ctx[CTX_TPIDR]);
    /* Lazy FPU: only an enabled FPU needs work; a disabled one traps if to uses it (fpu_trap). */
    if (unlikely(c->cpacr != CPACR_FP_TRAP_EL0)) {
        c->cpacr = CPACR_FP_TRAP_EL0;
        MSR(cpacr_el1, CPACR_FP_TRAP_EL0);
        isb();
    }
    c->cur = to;
}

/* Append t to ep's queue of receivers. */
static ALWAYS_INLINE void add_receiver(endpoint_t *ep, tcb_t *t)
{
    tcb_t *tail = ep->q.tail;
    t->q_next = NULL;
    t->q_prev = tail;
    if (tail) tail->q_next = t; else ep->q.head = t;
    ep->q.tail = t;
    t->blocked_on = ep;
    ep->state = EP_RECV;
}

/* The message registers beyond len read as zero: a receiver never sees the sender's other registers. */
#define CLEAR_BEYOND(len) do { if (likely(len == 1)) { m1 = m2 = m3 = m4 = m5 = 0; break; } switch (len) { \
    case 0: m0 = 0; /* fall through */ case 1: m1 = 0; /* fall through */ case 2: m2 = 0; /* fall through */ \
    case 3: m3 = 0; /* fall through */ case 4: m4 = 0; /* fall through */ case 5: m5 = 0; /* fall through */ \
    default: break; } } while (0)

/*
 * Leave for user mode as the thread to (already cpu->cur): x0 = a0, x1 = a1, x2-x7 = m0-m5, every
 * other register from to->ctx (arch_fast_return).
 */
#define FAST_RETURN(to, a0, a1) do { \
    register word_t r0 __asm__("x0") = (a0), r1 __asm__("x1") = (a1), r2 __asm__("x2") = m0; \
    register word_t r3 __asm__("x3") = m1, r4 __asm__("x4") = m2, r5 __asm__("x5") = m3; \
    register word_t r6 __asm__("x6") = m4, r7 __asm__("x7") = m5; \
    register word_t *r8 __asm__("x8") = (to)->ctx; \
    __asm__ volatile("b arch_fast_return" :: "r"(r0), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), \
                     "r"(r7), "r"(r8) : "memory"); \
    __builtin_unreachable(); \
} while (0)

/* Leave for user mode as to (already cpu->cur) with every register from its ctx; a branch, so that
 * the fastpaths need no stack frame. */
#define FAST_RESTORE(to) do { \
    register word_t *r0 __asm__("x0") = (to)->ctx; \
    __asm__ volatile("b arch_restore_user" :: "r"(r0) : "memory"); \
    __builtin_unreachable(); \
} while (0)

/* The fastpath does not apply: give the slow path the registers the vector did not store. */
static ALWAYS_INLINE word_t *fast_fallback(tcb_t *t, word_t cap, word_t info, word_t m0, word_t m1, word_t m2,
                                      word_t m3, word_t m4, word_t m5)
{
    word_t *x = t->ctx;
    x[0] = cap; x[1] = info; x[2] = m0; x[3] = m1; x[4] = m2; x[5] = m3; x[6] = m4; x[7] = m5;
    return x;
}

/* The slot of t's cap if a register-only message (info) may be sent through it fast: a cap of type
 * with the write right; else NULL. */
static ALWAYS_INLINE cap_t *fast_send_cap(tcb_t *t, word_t cap, word_t info, uint8_t type)
{
    if (unlikely((info & BIT(PSN_INFO_CAP_SHIFT)) || INFO_LEN(info) > FAST_MAX_LEN)) return NULL;
    if (unlikely(cap >> t->cspace.bits)) return NULL;
    cap_t *c = &t->cspace.slots[cap];
    if (c->type != type || unlikely(!(c->rights & PSN_RIGHT_W))) return NULL;
    return c;
}

word_t *fastpath_call(word_t cap, word_t info, word_t m0, word_t m1, word_t m2, word_t m3, word_t m4, word_t m5)
{
    cpu_t *cpu = this_cpu();
    tcb_t *t = cpu->cur;
    word_t len = INFO_LEN(info);
    cap_t *c = fast_send_cap(t, cap, info, PSN_OBJ_ENDPOINT);
    if (unlikely(!c)) goto slow;
    endpoint_t *ep = c->obj;
    if (ep->state != EP_RECV) goto slow;
    tcb_t *r = ep->q.head;
    if (unlikely(r->prio < t->prio || r->deadline)) goto slow;
    take_receiver(ep);
    r->caller = t;
    fast_switch(cpu, t, r, TS_BLOCKED_REPLY);
    CLEAR_BEYOND(len);
    FAST_RETURN(r, c->badge, INFO_MAKE(INFO_LABEL(info), len));
slow:
    return fast_fallback(t, cap, info, m0, m1, m2, m3, m4, m5);
}

/*
 * REPLY_RECV with SAVE: the reply right goes into slot (as cnode_save_caller), t waits on ep, and the
 * first thread of the highest ready queue runs. Applies when nothing is queued to send on ep and some
 * thread is ready; t and its caller are checked by the caller.
 */
static ALWAYS_INLINE word_t *save_and_wait(cpu_t *cpu, tcb_t *t, tcb_t *caller, endpoint_t *ep, word_t info)
{
    word_t slot = INFO_CAPSLOT(info);
    if (unlikely(slot >> t->cspace.bits)) return NULL;
    cap_t *d = &t->cspace.slots[slot];
    if (unlikely(d->type != PSN_OBJ_NULL)) return NULL;
    tcb_t *next = rq_take_highest(cpu);
    if (unlikely(!next)) return NULL;  /* the slow path idles */
    d->type = PSN_OBJ_REPLY;
    d->rights = PSN_RIGHT_W;
    d->obj = caller;
    d->extra = caller->reply_gen;
    d->badge = 0;
    t->caller = NULL;
    add_receiver(ep, t);
    fast_switch(cpu, t, next, TS_BLOCKED_RECV);
    FAST_RESTORE(next);
}

/* The endpoint in t's slot cap if t may wait on it now with nothing to take (no sender queued, no
 * bound notification signalled), else NULL. */
static ALWAYS_INLINE endpoint_t *fast_recv_ep(tcb_t *t, word_t cap)
{
    if (unlikely(cap >> t->cspace.bits)) return NULL;
    cap_t *c = &t->cspace.slots[cap];
    if (unlikely(c->type != PSN_OBJ_ENDPOINT || !(c->rights & PSN_RIGHT_R))) return NULL;
    endpoint_t *ep = c->obj;
    if (unlikely(ep->state == EP_SEND || (t->bound_ntfn && t->bound_ntfn->word))) return NULL;
    return ep;
}

word_t *fastpath_reply_recv(word_t cap, word_t info, word_t m0, word_t m1, word_t m2, word_t m3, word_t m4, word_t m5)
{
    cpu_t *cpu = this_cpu();
    tcb_t *t = cpu->cur;
    word_t len = INFO_LEN(info);
    tcb_t *caller = t->caller;
    endpoint_t *ep;
    if (unlikely((info & (BIT(PSN_INFO_CAP_SHIFT) | BIT(PSN_INFO_SAVE_SHIFT))) || len > FAST_MAX_LEN || !caller)) goto save;
    if (unlikely(caller->state != TS_BLOCKED_REPLY || caller->prio < t->prio)) goto slow;
    uint8_t fault = caller->fault;
    if (unlikely(fault && fault != PSN_FAULT_SYSCALL && fault != PSN_FAULT_VM)) goto slow;
    if (unlikely(!(ep = fast_recv_ep(t, cap)))) goto slow;
    t->caller = NULL;
    caller->reply_gen++;
    add_receiver(ep, t);
    fast_switch(cpu, t, caller, TS_BLOCKED_RECV);
    if (fault) {  /* a Linux syscall: the reply is x0; a page fault: it runs on; the rest is the caller's */
        if (fault == PSN_FAULT_SYSCALL && len) caller->ctx[0] = m0;
        caller->fault = 0;
        FAST_RESTORE(caller);
    }
    CLEAR_BEYOND(len);
    FAST_RETURN(caller, 0, INFO_MAKE(INFO_LABEL(info), len));
save:
    if ((info & (BIT(PSN_INFO_CAP_SHIFT) | BIT(PSN_INFO_SAVE_SHIFT))) == BIT(PSN_INFO_SAVE_SHIFT) && caller &&
        caller->state == TS_BLOCKED_REPLY && (ep = fast_recv_ep(t, cap)))
        save_and_wait(cpu, t, caller, ep, info);
slow:
    return fast_fallback(t, cap, info, m0, m1, m2, m3, m4, m5);
}

/*
 * SEND on a REPLY cap (a saved reply right) with a register-only message to a thread waiting for a
 * syscall's or page fault's answer at no higher priority: the answer goes in, that thread joins its
 * ready queue, the right is used up, and the sender goes on (x1 = 0, as ipc_reply returns).
 */
word_t *fastpath_send(word_t cap, word_t info, word_t m0, word_t m1, word_t m2, word_t m3, word_t m4, word_t m5)
{
    cpu_t *cpu = this_cpu();
    tcb_t *t = cpu->cur;
    word_t len = INFO_LEN(info);
    cap_t *c = fast_send_cap(t, cap, info, PSN_OBJ_REPLY);
    if (!c) goto slow;
    tcb_t *caller = c->obj;
    if (unlikely(caller->reply_gen != c->extra || caller->state != TS_BLOCKED_REPLY || caller->prio > t->prio)) goto slow;
    uint8_t fault = caller->fault;
    if (unlikely(fault != PSN_FAULT_SYSCALL && fault != PSN_FAULT_VM)) goto slow;
    if (fault == PSN_FAULT_SYSCALL && len) caller->ctx[0] = m0;
    caller->fault = 0;
    caller->reply_gen++;
    caller->state = TS_RUNNING;
    rq_append(cpu, caller);
    c->type = PSN_OBJ_NULL;
    c->rights = 0;
    c->extra = 0;
    c->obj = NULL;
    FAST_RETURN(t, cap, 0);
slow:
    return fast_fallback(t, cap, info, m0, m1, m2, m3, m4, m5);
}

word_t *fastpath_linux_syscall(tcb_t *t)
{
    cap_t *h = &t->fault_ep;
    if (unlikely(h->type != PSN_OBJ_ENDPOINT)) return t->ctx;
    endpoint_t *ep = h->obj;
    if (ep->state != EP_RECV) return t->ctx;
    tcb_t *r = ep->q.head;
    if (unlikely(r->prio < t->prio || r->deadline)) return t->ctx;
    take_receiver(ep);
    word_t *s = t->ctx, *d = r->ctx;
    d[2] = s[0]; d[3] = s[1]; d[4] = s[2]; d[5] = s[3]; d[6] = s[4]; d[7] = s[5];
    d[9] = s[8]; d[10] = s[CTX_PC]; d[11] = s[CTX_SP]; d[12] = s[CTX_PSTATE];
    d[0] = h->badge;
    d[1] = INFO_MAKE(PSN_FAULT_SYSCALL, PSN_FAULT_SYSCALL_LEN);
    t->fault = PSN_FAULT_SYSCALL;
    r->caller = t;
    fast_switch(this_cpu(), t, r, TS_BLOCKED_REPLY);
    FAST_RESTORE(r);
}
