/* Notifications: a word of signal bits, waiters, and an optional bound thread. */
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <util.h>

void ntfn_signal(notification_t *n, word_t badge)
{
    if (n->q.head) {
        tcb_t *t = n->q.head;
        n->q.head = t->q_next;
        if (n->q.head) n->q.head->q_prev = NULL; else n->q.tail = NULL;
        t->q_next = t->q_prev = NULL;
        t->blocked_on = NULL;
        timeout_cancel(t);
        t->ctx[0] = n->word | badge;
        t->ctx[1] = 0;
        n->word = 0;
        sched_wake(t);
        return;
    }
    tcb_t *b = n->bound;
    if (b && b->state == TS_BLOCKED_RECV) {
        ipc_unlink(b);
        b->ctx[0] = n->word | badge;
        b->ctx[1] = INFO_MAKE(PSN_LABEL_NOTIFY, 0);
        n->word = 0;
        sched_wake(b);
        return;
    }
    n->word |= badge;
}

void ntfn_wait(notification_t *n, tcb_t *t, bool blocking, word_t timeout_ns)
{
    if (n->word) {
        t->ctx[0] = n->word;
        t->ctx[1] = 0;
        n->word = 0;
        return;
    }
    if (!blocking) {
        t->ctx[1] = (word_t)-EAGAIN;
        return;
    }
    sched_block(t, TS_BLOCKED_NTFN);
    t->q_next = NULL;
    t->q_prev = n->q.tail;
    if (n->q.tail) n->q.tail->q_next = t; else n->q.head = t;
    n->q.tail = t;
    t->blocked_on = n;
    if (timeout_ns) timeout_arm(t, timeout_ns);
}

void ntfn_bind(notification_t *n, tcb_t *t)
{
    ntfn_unbind(t);
    n->bound = t;
    t->bound_ntfn = n;
}

void ntfn_unbind(tcb_t *t)
{
    if (t->bound_ntfn) t->bound_ntfn->bound = NULL;
    t->bound_ntfn = NULL;
}
