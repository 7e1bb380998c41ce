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
 * from (the current thread) stops in from_state and to runs now. Neither is in a ready queue, and to
 * outranks every queued thread because it is at least as urgent as from.
 */
static ALWAYS_INLINE NORETURN void fast_switch(tcb_t *from, tcb_t *to, uint8_t from_state)
{
    cpu_t *c = this_cpu();
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
    arch_restore_user(to->ctx);
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

word_t *fastpath_call(tcb_t *t)
{
    word_t info = t->ctx[1];
    word_t len = INFO_LEN(info);
    if (unlikely((info & BIT(PSN_INFO_CAP_SHIFT)) || len > FAST_MAX_LEN)) return t->ctx;
    cap_t *c = cnode_slot(&t->cspace, t->ctx[0]);
    if (unlikely(!c || c->type != PSN_OBJ_ENDPOINT || !(c->rights & PSN_RIGHT_W))) return t->ctx;
    endpoint_t *ep = c->obj;
    if (ep->state != EP_RECV) return t->ctx;
    tcb_t *r = ep->q.head;
    if (unlikely(r->prio < t->prio || r->deadline)) return t->ctx;
    take_receiver(ep);
    for (word_t i = 0; i < len; i++) r->ctx[2 + i] = t->ctx[2 + i];
    r->ctx[0] = c->badge;
    r->ctx[1] = INFO_MAKE(INFO_LABEL(info), len);
    r->caller = t;
    fast_switch(t, r, TS_BLOCKED_REPLY);
}

word_t *fastpath_reply_recv(tcb_t *t)
{
    word_t info = t->ctx[1];
    word_t len = INFO_LEN(info);
    tcb_t *caller = t->caller;
    if (unlikely((info & BIT(PSN_INFO_CAP_SHIFT)) || len > FAST_MAX_LEN || !caller)) return t->ctx;
    if (unlikely(caller->state != TS_BLOCKED_REPLY || caller->prio < t->prio)) return t->ctx;
    if (unlikely(caller->fault && caller->fault != PSN_FAULT_SYSCALL)) return t->ctx;
    cap_t *c = cnode_slot(&t->cspace, t->ctx[0]);
    if (unlikely(!c || c->type != PSN_OBJ_ENDPOINT || !(c->rights & PSN_RIGHT_R))) return t->ctx;
    endpoint_t *ep = c->obj;
    if (unlikely(ep->state == EP_SEND || (t->bound_ntfn && t->bound_ntfn->word))) return t->ctx;
    t->caller = NULL;
    if (caller->fault) {
        if (len) caller->ctx[0] = t->ctx[2];
        caller->fault = 0;
    } else {
        for (word_t i = 0; i < len; i++) caller->ctx[2 + i] = t->ctx[2 + i];
        caller->ctx[0] = 0;
        caller->ctx[1] = INFO_MAKE(INFO_LABEL(info), len);
    }
    caller->reply_gen++;
    add_receiver(ep, t);
    fast_switch(t, caller, TS_BLOCKED_RECV);
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
    fast_switch(t, r, TS_BLOCKED_REPLY);
}
