/* Per-CPU kernel state: everything that differs between cores lives here (one entry today). */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H
#include <types.h>
#include <config.h>
#include <object/structures.h>

#define NUM_PRIOS 256

typedef struct cpu {
    word_t kstack_top;       /* read by the exception vectors: keep first */
    tcb_t *cur;              /* running thread (or NULL when idle) */
    tcb_t *switch_hint;      /* thread an IPC wants to run next */
    tcb_t *fpu_owner;        /* whose registers are in the FPU */
    word_t cpacr;            /* last value written to CPACR_EL1 */
    tqueue_t ready[NUM_PRIOS];
    word_t ready_bitmap[NUM_PRIOS / 64];
    tcb_t *timeouts;         /* threads in a timed wait, unsorted */
    word_t ticks;
} cpu_t;

extern cpu_t cpus[CONFIG_MAX_CPUS];
STATIC_ASSERT(offsetof(cpu_t, cur) == 8, "arch_fast_return reads cpu->cur at offset 8");
static inline cpu_t *this_cpu(void) { return &cpus[0]; }

#endif
