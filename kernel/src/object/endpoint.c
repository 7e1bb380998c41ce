/* Endpoints: rendezvous of senders and receivers. */
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <util.h>

void ep_enqueue(endpoint_t *ep, tcb_t *t)
{
    t->q_next = NULL;
    t->q_prev = ep->q.tail;
    if (ep->q.tail) ep->q.tail->q_next = t; else ep->q.head = t;
    ep->q.tail = t;
    t->blocked_on = ep;
}

tcb_t *ep_dequeue(endpoint_t *ep)
{
    tcb_t *t = ep->q.head;
    ep->q.head = t->q_next;
    if (ep->q.head) ep->q.head->q_prev = NULL; else { ep->q.tail = NULL; ep->state = EP_IDLE; }
    t->q_next = t->q_prev = NULL;
    t->blocked_on = NULL;
    return t;
}

/* t sends (or calls, or delivers a fault) through ep with the badge of the cap it used. */
void ep_send(endpoint_t *ep, tcb_t *t, word_t badge, bool blocking, bool is_call, bool grant)
{
    t->can_grant = grant;
    if (ep->state == EP_RECV) {
        tcb_t *r = ep_dequeue(ep);
        timeout_cancel(r);
        ipc_transfer(t, r, badge);
        if (is_call) {
            r->caller = t;
            sched_block(t, TS_BLOCKED_REPLY);
        } else if (t->state == TS_RUNNING) {
            t->ctx[1] = 0;
        }
        sched_wake(r);
        return;
    }
    if (!blocking) {
        t->ctx[1] = (word_t)-EAGAIN;
        return;
    }
    t->send_badge = badge;
    t->is_call = is_call;
    sched_block(t, TS_BLOCKED_SEND);
    ep_enqueue(ep, t);
    ep->state = EP_SEND;
}

/* t receives from ep: a waiting sender, else a pending bound notification, else it waits. */
void ep_recv(endpoint_t *ep, tcb_t *t, bool blocking, word_t timeout_ns)
{
    notification_t *bn = t->bound_ntfn;
    if (bn && bn->word) {
        t->ctx[0] = bn->word;
        t->ctx[1] = INFO_MAKE(PSN_LABEL_NOTIFY, 0);
        bn->word = 0;
        return;
    }
    if (ep->state == EP_SEND) {
        tcb_t *s = ep_dequeue(ep);
        ipc_transfer(s, t, s->send_badge);
        if (s->is_call || s->fault) {
            t->caller = s;
            s->state = TS_BLOCKED_REPLY;
        } else {
            s->ctx[1] = 0;
            sched_wake(s);
        }
        return;
    }
    if (!blocking) {
        t->ctx[1] = (word_t)-EAGAIN;
        return;
    }
    sched_block(t, TS_BLOCKED_RECV);
    ep_enqueue(ep, t);
    ep->state = EP_RECV;
    if (timeout_ns) timeout_arm(t, timeout_ns);
}
