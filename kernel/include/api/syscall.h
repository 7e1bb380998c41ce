/* The kernel's entry points from the exception vectors. Each leaves through sched_exit. */
#ifndef API_SYSCALL_H
#define API_SYSCALL_H
#include <types.h>
NORETURN void handle_svc(word_t *ctx, word_t esr);
NORETURN void handle_user_exception(word_t *ctx, word_t esr);
NORETURN void handle_user_irq(word_t *ctx);
NORETURN void kernel_fault(word_t esr, word_t elr, word_t far);
void handle_irq_entry(void);
extern int psci_use_smc;
#endif
