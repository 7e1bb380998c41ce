/*
 * Fixed-priority round-robin scheduling. Runnable threads wait in their priority's ready queue; the
 * running thread (cpu->cur) is taken out of it, so an IPC that switches threads touches no queue.
 * cpu->cur always has the highest priority of the runnable threads when the kernel is entered.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H
#include <kernel/cpu.h>

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
