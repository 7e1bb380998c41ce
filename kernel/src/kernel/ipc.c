/* Message transfer, replies, faults, and cancelling a wait (see include/kernel/ipc.h). */
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <object/cnode.h>
#include <util.h>

const uint8_t mr_reg[PSN_NUM_MRS] = { 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17 };

/* Move the capability a message carries into the receiver's chosen empty slot; returns the info bits. */
static word_t transfer_cap(tcb_t *from, tcb_t *to, word_t sinfo)
{
    if (!(sinfo & BIT(PSN_INFO_CAP_SHIFT)) || !from->can_grant) return 0;
    word_t rslot = info_get(to->ctx[1], PSN_INFO_RSLOT_SHIFT, PSN_INFO_RSLOT_MASK);
    cap_t *src = cnode_slot(&from->cspace, info_get(sinfo, PSN_INFO_CAPSLOT_SHIFT, PSN_INFO_CAPSLOT_MASK));
    cap_t *dst = cnode_slot(&to->cspace, rslot);
    if (!src || !dst || rslot == 0 || src->type == PSN_OBJ_NULL || dst->type != PSN_OBJ_NULL ||
        !cap_copyable(src))
        return 0;
    *dst = *src;
    return BIT(PSN_INFO_CAP_SHIFT) | (rslot << PSN_INFO_RSLOT_SHIFT);
}

void ipc_transfer(tcb_t *from, tcb_t *to, word_t badge)
{
    word_t info;
    if (from->fault) {
        int len = from->fault == PSN_FAULT_SYSCALL ? PSN_FAULT_SYSCALL_LEN : PSN_FAULT_VM_LEN;
        for (int i = 0; i < len; i++) to->ctx[mr_reg[i]] = from->fault_msg[i];
        info = INFO_MAKE(from->fault, len);
    } else {
        word_t sinfo = from->ctx[1];
        word_t len = INFO_LEN(sinfo);
        if (len > PSN_NUM_MRS) len = PSN_NUM_MRS;
        for (word_t i = 0; i < len; i++) to->ctx[mr_reg[i]] = from->ctx[mr_reg[i]];
        info = INFO_MAKE(INFO_LABEL(sinfo), len) | transfer_cap(from, to, sinfo);
    }
    to->ctx[0] = badge;
    to->ctx[1] = info;
}

int ipc_reply(tcb_t *server, tcb_t *caller, word_t info)
{
    if (!caller || caller->state != TS_BLOCKED_REPLY) return -EINVAL;
    word_t len = INFO_LEN(info);
    if (len > PSN_NUM_MRS) len = PSN_NUM_MRS;
    switch (caller->fault) {
    case PSN_FAULT_SYSCALL:
        if (len >= 1) caller->ctx[0] = server->ctx[mr_reg[0]];
        break;
    case PSN_FAULT_EXCEPTION:
        if (len == 2) { caller->ctx[CTX_PC] = server->ctx[mr_reg[0]]; caller->ctx[CTX_SP] = server->ctx[mr_reg[1]]; }
        break;
    case PSN_FAULT_VM:
        break;
    default:
        for (word_t i = 0; i < len; i++) caller->ctx[mr_reg[i]] = server->ctx[mr_reg[i]];
        caller->ctx[0] = 0;
        caller->ctx[1] = INFO_MAKE(INFO_LABEL(info), len);
    }
    caller->fault = 0;
    caller->reply_gen++;
    sched_wake(caller);
    return 0;
}

void fault_raise(tcb_t *t, int type, const word_t *msg, int len)
{
    cap_t *h = &t->fault_ep;
    if (h->type != PSN_OBJ_ENDPOINT) {
        kprintf("persona: thread %p fault %d at pc %lx (addr/arg %lx), no handler: suspended\n",
                (void *)t, type, t->ctx[CTX_PC], len > 1 ? msg[1] : 0);
        sched_block(t, TS_INACTIVE);
        return;
    }
    for (int i = 0; i < len; i++) t->fault_msg[i] = msg[i];
    t->fault = (uint8_t)type;
    ep_send(h->obj, t, h->badge, true, true, false);
}

void ipc_unlink(tcb_t *t)
{
    tqueue_t *q = NULL;
    if (t->state == TS_BLOCKED_SEND || t->state == TS_BLOCKED_RECV) q = &((endpoint_t *)t->blocked_on)->q;
    else if (t->state == TS_BLOCKED_NTFN) q = &((notification_t *)t->blocked_on)->q;
    if (q) {
        if (t->q_prev) t->q_prev->q_next = t->q_next; else q->head = t->q_next;
        if (t->q_next) t->q_next->q_prev = t->q_prev; else q->tail = t->q_prev;
        if (!q->head && t->state != TS_BLOCKED_NTFN) ((endpoint_t *)t->blocked_on)->state = EP_IDLE;
    }
    t->q_next = t->q_prev = NULL;
    t->blocked_on = NULL;
    timeout_cancel(t);
    if (t->state == TS_BLOCKED_REPLY) t->reply_gen++;
    /* A Linux syscall that was not answered runs again when the thread resumes. */
    if (t->fault == PSN_FAULT_SYSCALL && (t->state == TS_BLOCKED_SEND || t->state == TS_BLOCKED_REPLY))
        t->ctx[CTX_PC] -= 4;
    if (t->state == TS_BLOCKED_SEND || t->state == TS_BLOCKED_REPLY) t->fault = 0;
}

void ipc_cancel(tcb_t *t, long err)
{
    if (t->state == TS_RUNNING || t->state == TS_INACTIVE) return;
    ipc_unlink(t);
    t->ctx[1] = (word_t)err;
    sched_wake(t);
}
