/* Interrupt controller operations; the GICv2 or GICv3 driver is chosen from the device tree. */
#ifndef ARCH_IRQCHIP_H
#define ARCH_IRQCHIP_H
#include <types.h>

#define IRQ_NONE 1023
#define IRQ_TIMER_VIRT 27   /* PPI 11: EL1 virtual timer, used for the tick */

typedef struct irqchip_ops {
    void (*init)(void);
    uint32_t (*ack)(void);           /* returns the interrupt id, or IRQ_NONE */
    void (*eoi)(uint32_t irq);
    void (*mask)(uint32_t irq);
    void (*unmask)(uint32_t irq);
} irqchip_ops_t;

extern const irqchip_ops_t gicv2_ops, gicv3_ops;
extern const irqchip_ops_t *irqchip;
extern paddr_t gic_dist_pa, gic_cpu_pa, gic_redist_pa;

void timer_init(void);
void timer_rearm(void);
word_t timer_now(void);
word_t timer_freq(void);

#endif
