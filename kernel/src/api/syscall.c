/* The one dispatch point for kernel calls, Linux syscalls, exceptions and interrupts from EL0. */
#include <api/syscall.h>
#include <api/invocation.h>
#include <object/cnode.h>
#include <object/irq.h>
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <kernel/fpu.h>
#include <machine/console.h>
#include <arch/machine.h>
#include <arch/irqchip.h>
#include <util.h>

int psci_use_smc;

long invoke_object(invocation_t *inv)
{
    switch (inv->cap->type) {
    case PSN_OBJ_UNTYPED: return decode_untyped(inv);
    case PSN_OBJ_TCB: return decode_tcb(inv);
    case PSN_OBJ_CNODE: return decode_cnode(inv);
    case PSN_OBJ_VSPACE: return decode_vspace(inv);
    case PSN_OBJ_FRAME: return decode_frame(inv);
    case PSN_OBJ_IRQ_CONTROL: return decode_irq_control(inv);
    case PSN_OBJ_IRQ_HANDLER: return decode_irq_handler(inv);
    }
    return -EINVAL;
}

static void do_invoke(tcb_t *t, cap_t *cap)
{
    invocation_t inv = { .t = t, .cap = cap, .label = INFO_LABEL(t->ctx[1]), .len = INFO_LEN(t->ctx[1]) };
    if (inv.len > PSN_NUM_MRS) inv.len = PSN_NUM_MRS;
    for (word_t i = 0; i < inv.len; i++) inv.mr[i] = t->ctx[mr_reg[i]];
    long r = invoke_object(&inv);
    if (t->state != TS_RUNNING && t->state != TS_INACTIVE) return; /* cannot happen: invocations never block */
    for (word_t i = 0; i < inv.out_len; i++) t->ctx[mr_reg[i]] = inv.out[i];
    t->ctx[0] = 0;
    t->ctx[1] = r < 0 ? (word_t)r : INFO_MAKE(0, inv.out_len);
}

/* Answer through a saved REPLY cap (SEND on it); the cap is used up either way. */
static void reply_cap_send(tcb_t *t, cap_t *c)
{
    tcb_t *caller = c->obj;
    long r = -EINVAL;
    if (caller->reply_gen == c->extra) r = ipc_reply(t, caller, t->ctx[1]);
    memset(c, 0, sizeof(*c));
    t->ctx[1] = (word_t)r;
}

static void debug_write(tcb_t *t)
{
    word_t n = t->ctx[1];
    if (n > PSN_NUM_MRS * 8) { t->ctx[1] = (word_t)-EINVAL; return; }
    for (word_t i = 0; i < n; i++) console_putc_raw((char)(t->ctx[mr_reg[i / 8]] >> (8 * (i % 8))));
    t->ctx[1] = 0;
}

static void slowpath(tcb_t *t, word_t nr)
{
    cap_t *c = NULL;
    if (nr <= PSN_SYS_NBRECV || nr == PSN_SYS_REPLY_RECV) {
        c = cap_lookup(t, t->ctx[0], 0);
        if (!c) { t->ctx[1] = (word_t)-EBADF; return; }
    }
    switch (nr) {
    case PSN_SYS_CALL:
        if (c->type == PSN_OBJ_ENDPOINT) {
            if (!(c->rights & PSN_RIGHT_W)) { t->ctx[1] = (word_t)-EPERM; return; }
            ep_send(c->obj, t, c->badge, true, true, c->rights & PSN_RIGHT_G);
        } else if (c->type == PSN_OBJ_NOTIFICATION || c->type == PSN_OBJ_REPLY) {
            t->ctx[1] = (word_t)-EINVAL;
        } else {
            do_invoke(t, c);
        }
        return;
    case PSN_SYS_SEND:
    case PSN_SYS_NBSEND:
        if (!(c->rights & PSN_RIGHT_W)) { t->ctx[1] = (word_t)-EPERM; return; }
        if (c->type == PSN_OBJ_ENDPOINT)
            ep_send(c->obj, t, c->badge, nr == PSN_SYS_SEND, false, c->rights & PSN_RIGHT_G);
        else if (c->type == PSN_OBJ_NOTIFICATION) { ntfn_signal(c->obj, c->badge); t->ctx[1] = 0; }
        else if (c->type == PSN_OBJ_REPLY) reply_cap_send(t, c);
        else t->ctx[1] = (word_t)-EINVAL;
        return;
    case PSN_SYS_REPLY_RECV:
        if (t->ctx[1] & BIT(PSN_INFO_SAVE_SHIFT)) {  /* keep the reply right instead of answering */
            cap_t *d = cnode_slot(&t->cspace, INFO_CAPSLOT(t->ctx[1]));
            long r = d ? cnode_save_caller(t, d) : -EBADF;
            if (r) { t->ctx[1] = (word_t)r; return; }
        } else if (t->caller) {
            ipc_reply(t, t->caller, t->ctx[1]);
            t->caller = NULL;
        }
        /* fall through */
    case PSN_SYS_RECV:
    case PSN_SYS_NBRECV: {
        bool block = nr != PSN_SYS_NBRECV;
        word_t timeout = nr == PSN_SYS_RECV ? t->ctx[2] : 0;
        if (!(c->rights & PSN_RIGHT_R)) { t->ctx[1] = (word_t)-EPERM; return; }
        if (c->type == PSN_OBJ_ENDPOINT) ep_recv(c->obj, t, block, timeout);
        else if (c->type == PSN_OBJ_NOTIFICATION) ntfn_wait(c->obj, t, block, timeout);
        else t->ctx[1] = (word_t)-EINVAL;
        return;
    }
    case PSN_SYS_REPLY: {
        tcb_t *caller = t->caller;
        t->caller = NULL;
        t->ctx[1] = (word_t)ipc_reply(t, caller, t->ctx[1]);
        return;
    }
    case PSN_SYS_YIELD:
        sched_yield(t);
        return;
    case PSN_SYS_DEBUG_WRITE:
        debug_write(t);
        return;
    case PSN_SYS_DEBUG_HALT:
        kputs("persona: power off\n");
        arch_psci_call(0x84000008UL, psci_use_smc);
        panic("PSCI SYSTEM_OFF returned");
    }
    t->ctx[1] = (word_t)-ENOSYS;
}

static void linux_syscall_slow(tcb_t *t)
{
    word_t m[PSN_FAULT_SYSCALL_LEN] = { t->ctx[0], t->ctx[1], t->ctx[2], t->ctx[3], t->ctx[4], t->ctx[5],
                                        t->ctx[8], t->ctx[CTX_PC], t->ctx[CTX_SP], t->ctx[CTX_PSTATE] };
    fault_raise(t, PSN_FAULT_SYSCALL, m, PSN_FAULT_SYSCALL_LEN);
}

void handle_svc(word_t *ctx, word_t esr)
{
    tcb_t *t = (tcb_t *)ctx;
    word_t imm = esr & 0xffff;
    if (imm == 0) {
        linux_syscall_slow(t);
    } else if (imm == 1) {
        slowpath(t, ctx[8]);
    } else {
        handle_user_exception(ctx, esr);
    }
    sched_exit();
}

void handle_user_exception(word_t *ctx, word_t esr)
{
    tcb_t *t = (tcb_t *)ctx;
    word_t ec = esr >> 26;
    if (ec == EC_FP) {
        fpu_trap(t);
        arch_restore_user(ctx);
    }
    word_t far = MRS(far_el1);
    if (ec == EC_DABT_LOW || ec == EC_IABT_LOW) {
        word_t m[PSN_FAULT_VM_LEN] = { ctx[CTX_PC], far, esr, ec == EC_IABT_LOW };
        fault_raise(t, PSN_FAULT_VM, m, PSN_FAULT_VM_LEN);
    } else {
        word_t m[PSN_FAULT_EXCEPTION_LEN] = { ctx[CTX_PC], ctx[CTX_SP], esr, far };
        fault_raise(t, PSN_FAULT_EXCEPTION, m, PSN_FAULT_EXCEPTION_LEN);
    }
    sched_exit();
}

void handle_irq_entry(void)
{
    for (;;) {
        uint32_t irq = irqchip->ack();
        if (irq >= 1020) return;
        irq_dispatch(irq);
    }
}

void handle_user_irq(word_t *ctx UNUSED)
{
    handle_irq_entry();
    sched_exit();
}

void kernel_fault(word_t esr, word_t elr, word_t far)
{
    panic("kernel exception: esr %lx elr %lx far %lx", esr, elr, far);
}
