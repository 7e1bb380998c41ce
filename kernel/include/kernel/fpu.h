/* Lazy FPU switching: EL0 traps on first FP use after a switch to a thread that does not own the FPU. */
#ifndef KERNEL_FPU_H
#define KERNEL_FPU_H
#include <object/structures.h>
void fpu_switch_to(tcb_t *t);  /* trap FP for t unless its state is loaded */
void fpu_trap(tcb_t *t);       /* the FP trap: load t's state */
void fpu_forget(tcb_t *t);     /* t goes away: drop ownership */
void fpu_sync(tcb_t *t);       /* t->fpu holds t's state from now on (saved from the registers if live;
                                  t loads it again on its next FP use) */
#endif
