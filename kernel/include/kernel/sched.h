/*
 * Fixed-priority round-robin scheduling. Runnable threads wait in their priority's ready queue; the
 * running thread (cpu->cur) is taken out of it, so an IPC that switches threads touches no queue.
 * cpu->cur always has the highest priority of the runnable threads when the kernel is entered.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H
#include <kernel/cpu.h>

/* The ready-queue steps the IPC fastpath takes itself (inline: it runs without a stack). */
/* Append t (runnable, in no queue) to its priority's queue. */
static inline void rq_append(cpu_t *c, tcb_t *t)
{
    tqueue_t *q = &c->ready[t->prio];
    t->in_rq = 1;
    t->rq_next = NULL;
    t->rq_prev = q->tail;
    if (q->tail) q->tail->rq_next = t;
    else { q->head = t; c->ready_bitmap[t->prio / 64] |= BIT(t->prio % 64); }
    q->tail = t;
}
/* Take the first thread of the highest non-empty queue off it; NULL if none is runnable. */
static inline tcb_t *rq_take_highest(cpu_t *c)
{
    for (int i = NUM_PRIOS / 64 - 1; i >= 0; i--) {
        word_t b = c->ready_bitmap[i];
        if (!b) continue;
        tqueue_t *q = &c->ready[i * 64 + 63 - __builtin_clzl(b)];
        tcb_t *t = q->head;
        q->head = t->rq_next;
        if (t->rq_next) t->rq_next->rq_prev = NULL;
        else { q->tail = NULL; c->ready_bitmap[i] = b & ~BIT(t->prio % 64); }
        t->rq_next = NULL;
        t->in_rq = 0;
        return t;
    }
    return NULL;
}

void sched_enqueue(tcb_t *t);          /* make runnable, at the tail */
void sched_enqueue_head(tcb_t *t);     /* make runnable, at the head */
void sched_dequeue(tcb_t *t);          /* remove from the ready queue (t must be in it) */
void sched_block(tcb_t *t, uint8_t state);
void sched_wake(tcb_t *t);             /* runnable now; preferred next if it outranks the others */
void sched_yield(tcb_t *t);            /* a running thread goes to the tail of its queue */
int sched_highest_prio(void);          /* -1 when nothing is runnable */
void sched_tick(void);                 /* timer: time slices and timed waits */
void timeout_arm(tcb_t *t, word_t ns); /* t gives up waiting after ns */
void timeout_cancel(tcb_t *t);
NORETURN void sched_exit(void);        /* choose a thread and return to user mode */
void sched_switch_vspace(tcb_t *from, tcb_t *to);

#endif
