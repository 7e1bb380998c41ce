/* The generic timer: the EL1 virtual timer gives the scheduler tick; EL0 may read the counters. */
#include <arch/irqchip.h>
#include <arch/machine.h>
#include <config.h>

static word_t period, next_deadline;

word_t timer_now(void) { isb(); return MRS(cntvct_el0); }
word_t timer_freq(void) { return MRS(cntfrq_el0); }

void timer_init(void)
{
    /* EL0 may read cntvct/cntpct and program the physical timer (a user-level driver's timer). */
    MSR(cntkctl_el1, BIT(0) | BIT(1) | BIT(9));
    period = timer_freq() / CONFIG_TICK_HZ;
    next_deadline = timer_now() + period;
    MSR(cntv_cval_el0, next_deadline);
    MSR(cntv_ctl_el0, 1);
    irqchip->unmask(IRQ_TIMER_VIRT);
}

void timer_rearm(void)
{
    word_t now = timer_now();
    do next_deadline += period; while (next_deadline <= now);
    MSR(cntv_cval_el0, next_deadline);
}
