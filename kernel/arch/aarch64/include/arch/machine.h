/* AArch64 system-register access and barriers. */
#ifndef ARCH_MACHINE_H
#define ARCH_MACHINE_H
#include <types.h>
struct fpu_state;

#define MRS(reg) ({ word_t _v; __asm__ volatile("mrs %0, " #reg : "=r"(_v)); _v; })
#define MSR(reg, v) __asm__ volatile("msr " #reg ", %0" :: "r"((word_t)(v)) : "memory")
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

static inline uint32_t mmio_read32(word_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(word_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

#define PA_TO_KVA(pa) ((void *)((word_t)(pa) + KERNEL_VBASE))
#define KVA_TO_PA(va) ((paddr_t)(va) - KERNEL_VBASE)

/* ESR_EL1 exception classes we handle. */
#define EC_UNKNOWN 0x00
#define EC_FP 0x07
#define EC_SVC64 0x15
#define EC_IABT_LOW 0x20
#define EC_DABT_LOW 0x24

/* CPACR_EL1.FPEN: trap FP/SIMD at EL0 only, or not at all. */
#define CPACR_FP_TRAP_EL0 (1UL << 20)
#define CPACR_FP_ON (3UL << 20)

/* Defined in vectors.S / head.S / fpu.S. */
NORETURN void arch_restore_user(word_t *ctx);
/* arch_fast_return (vectors.S, entered by a branch from the IPC fastpath): return to user mode
 * with x0-x7 as they are and every other register from the ctx that x8 points at. */
void arch_fpu_save(struct fpu_state *f);
void arch_fpu_load(const struct fpu_state *f);
void arch_psci_call(word_t fn, int use_smc);

/* Initial register state of a new user thread: EL0t, interrupts enabled. */
#define PSTATE_USER 0x0UL

#endif
