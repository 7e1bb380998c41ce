/* Scheduler: ready queues, time slices, timed waits, the idle loop and the return to user mode. */
#include <kernel/sched.h>
#include <kernel/ipc.h>
#include <kernel/fpu.h>
#include <arch/machine.h>
#include <arch/mmu.h>
#include <arch/irqchip.h>
#include <util.h>

cpu_t cpus[CONFIG_MAX_CPUS];

static void q_insert(tcb_t *t, bool head)
{
    cpu_t *c = this_cpu();
    assert(!t->in_rq);
    tqueue_t *q = &c->ready[t->prio];
    if (head && q->head) {
        t->in_rq = 1;
        t->rq_prev = NULL; t->rq_next = q->head; q->head->rq_prev = t; q->head = t;
    } else {
        rq_append(c, t);
    }
}

void sched_enqueue(tcb_t *t) { t->state = TS_RUNNING; q_insert(t, false); }
void sched_enqueue_head(tcb_t *t) { t->state = TS_RUNNING; q_insert(t, true); }

void sched_dequeue(tcb_t *t)
{
    cpu_t *c = this_cpu();
    tqueue_t *q = &c->ready[t->prio];
    assert(t->in_rq);
    t->in_rq = 0;
    if (t->rq_prev) t->rq_prev->rq_next = t->rq_next; else q->head = t->rq_next;
    if (t->rq_next) t->rq_next->rq_prev = t->rq_prev; else q->tail = t->rq_prev;
    if (!q->head) c->ready_bitmap[t->prio / 64] &= ~BIT(t->prio % 64);
    t->rq_next = t->rq_prev = NULL;
}

void sched_block(tcb_t *t, uint8_t state)
{
    if (t->in_rq) sched_dequeue(t);
    t->state = state;
}

void sched_wake(tcb_t *t)
{
    assert(t->state != TS_RUNNING);
    sched_enqueue(t);
    cpu_t *c = this_cpu();
    if (!c->switch_hint || t->prio > c->switch_hint->prio) c->switch_hint = t;
}

void sched_yield(tcb_t *t)
{
    if (t->state != TS_RUNNING) return;
    if (t->in_rq) sched_dequeue(t);
    sched_enqueue(t);
}

int sched_highest_prio(void)
{
    cpu_t *c = this_cpu();
    for (int i = NUM_PRIOS / 64 - 1; i >= 0; i--)
        if (c->ready_bitmap[i]) return i * 64 + 63 - __builtin_clzl(c->ready_bitmap[i]);
    return -1;
}

void timeout_arm(tcb_t *t, word_t ns)
{
    word_t f = timer_freq();
    word_t ticks = ns / 1000000000UL * f + (ns % 1000000000UL) * f / 1000000000UL;
    t->deadline = timer_now() + (ticks ? ticks : 1);
    t->t_next = this_cpu()->timeouts;
    this_cpu()->timeouts = t;
}

void timeout_cancel(tcb_t *t)
{
    if (!t->deadline) return;
    for (tcb_t **pp = &this_cpu()->timeouts; *pp; pp = &(*pp)->t_next)
        if (*pp == t) { *pp = t->t_next; break; }
    t->deadline = 0;
}

/*
 * CPU time is sampled, as Linux's tick-based accounting does: each tick is charged whole to the thread
 * it interrupted. The kernel runs with interrupts masked, so a tick that finds a thread running
 * interrupted it in user mode (a tick in the idle loop is charged to no one). Time a server spends
 * while it holds a caller's reply right (answering a call or a fault; the caller waits for it) is the
 * caller's system time, as Linux charges a syscall to the process that made it. One level only: a
 * server that keeps a reply right while it calls another gets that one's time itself. This costs
 * nothing on the IPC fastpath or at any switch; the price is a resolution of one tick (4 ms),
 * exact on average over many ticks.
 */
static void account_tick(tcb_t *cur)
{
    tcb_t *c = cur->caller;
    if (c && c->state == TS_BLOCKED_REPLY) c->stime++;
    else cur->utime++;
}

/* Called from the timer interrupt with the kernel entered. */
void sched_tick(void)
{
    cpu_t *c = this_cpu();
    c->ticks++;
    word_t now = timer_now();
    for (tcb_t **pp = &c->timeouts; *pp;) {
        tcb_t *t = *pp;
        if (t->deadline <= now) {
            *pp = t->t_next;
            t->deadline = 0;
            ipc_cancel(t, -ETIMEDOUT);
        } else {
            pp = &t->t_next;
        }
    }
    tcb_t *cur = c->cur;
    if (cur && cur->state == TS_RUNNING && !cur->in_rq) {
        account_tick(cur);
        if (--cur->slice == 0) {
            cur->slice = CONFIG_TIME_SLICE_TICKS;
            sched_yield(cur);
        }
    }
}

void sched_switch_vspace(tcb_t *from, tcb_t *to)
{
    if (!from || from->vspace != to->vspace) mmu_set_user_space(to->vspace->ttbr);
    if (from) from->ctx[CTX_TPIDR] = MRS(tpidr_el0);
    MSR(tpidr_el0, to->ctx[CTX_TPIDR]);
    fpu_switch_to(to);
}

void handle_irq_entry(void);

/* Nothing runnable: wait for interrupts with the kernel entered (IRQs stay masked; WFI still wakes). */
static void idle_until_runnable(void)
{
    while (sched_highest_prio() < 0) {
        wfi();
        handle_irq_entry();
    }
}

/*
 * Pick the thread to run: the current one while it is runnable and no queued thread outranks it;
 * else the thread an IPC just woke (switch_hint) if nothing outranks it; else the head of the highest
 * queue. Then switch to it and return to user mode.
 */
void sched_exit(void)
{
    cpu_t *c = this_cpu();
    tcb_t *cur = c->cur, *hint = c->switch_hint, *next;
    c->switch_hint = NULL;
    bool cur_ok = cur && cur->state == TS_RUNNING && !cur->in_rq;
    int p = sched_highest_prio();
    if (cur_ok && (int)cur->prio >= p && !(hint && hint->in_rq && hint->prio > cur->prio)) {
        arch_restore_user(cur->ctx);
    }
    if (cur_ok) sched_enqueue_head(cur);  /* preempted: it keeps its place */
    if (hint && hint->in_rq && (int)hint->prio >= sched_highest_prio()) {
        next = hint;
    } else {
        idle_until_runnable();
        next = c->ready[sched_highest_prio()].head;
    }
    sched_dequeue(next);
    if (next != cur) {
        sched_switch_vspace(cur, next);
        c->cur = next;
    }
    arch_restore_user(next->ctx);
}
