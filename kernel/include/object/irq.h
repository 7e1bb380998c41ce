/* Interrupts as objects: IRQ_CONTROL creates one handler cap per line; lines signal notifications. */
#ifndef OBJECT_IRQ_H
#define OBJECT_IRQ_H
#include <object/structures.h>
/* An interrupt arrived (called with the kernel entered): signal its notification or handle the tick. */
void irq_dispatch(uint32_t irq);
#endif
