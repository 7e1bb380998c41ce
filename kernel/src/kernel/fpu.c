/* Lazy FPU context switching (see include/kernel/fpu.h). */
#include <kernel/fpu.h>
#include <kernel/cpu.h>
#include <arch/machine.h>

static void set_cpacr(cpu_t *c, word_t v)
{
    if (c->cpacr == v) return;
    c->cpacr = v;
    MSR(cpacr_el1, v);
    isb();
}

void fpu_switch_to(tcb_t *t)
{
    cpu_t *c = this_cpu();
    set_cpacr(c, c->fpu_owner == t ? CPACR_FP_ON : CPACR_FP_TRAP_EL0);
}

void fpu_trap(tcb_t *t)
{
    cpu_t *c = this_cpu();
    set_cpacr(c, CPACR_FP_ON);
    if (c->fpu_owner == t) return;
    if (c->fpu_owner) arch_fpu_save(&c->fpu_owner->fpu);
    arch_fpu_load(&t->fpu);
    c->fpu_owner = t;
}

void fpu_sync(tcb_t *t)
{
    cpu_t *c = this_cpu();
    if (c->fpu_owner != t) return;
    arch_fpu_save(&t->fpu);
    c->fpu_owner = NULL;
    set_cpacr(c, CPACR_FP_TRAP_EL0);  /* whoever uses the FPU next traps and loads its own state */
}

void fpu_forget(tcb_t *t)
{
    if (this_cpu()->fpu_owner == t) this_cpu()->fpu_owner = NULL;
}
