/* GICv2: distributor and memory-mapped CPU interface. */
#include <arch/irqchip.h>
#include <arch/machine.h>
#include <config.h>

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10

static word_t dist, cpu;

static void v2_init(void)
{
    dist = (word_t)PA_TO_KVA(gic_dist_pa);
    cpu = (word_t)PA_TO_KVA(gic_cpu_pa);
    uint32_t lines = 32 * ((mmio_read32(dist + GICD_TYPER) & 0x1f) + 1);
    mmio_write32(dist + GICD_CTLR, 0);
    for (uint32_t i = 0; i < lines; i += 32) mmio_write32(dist + GICD_ICENABLER + i / 8, 0xffffffffu);
    for (uint32_t i = 0; i < lines; i += 4) mmio_write32(dist + GICD_IPRIORITYR + i, 0xa0a0a0a0u);
    for (uint32_t i = 32; i < lines; i += 4) mmio_write32(dist + GICD_ITARGETSR + i, 0x01010101u);
    mmio_write32(dist + GICD_CTLR, 1);
    mmio_write32(cpu + GICC_PMR, 0xff);
    mmio_write32(cpu + GICC_CTLR, 1);
}

static uint32_t v2_ack(void) { return mmio_read32(cpu + GICC_IAR) & 0x3ff; }
static void v2_eoi(uint32_t irq) { mmio_write32(cpu + GICC_EOIR, irq); }
static void v2_mask(uint32_t irq) { mmio_write32(dist + GICD_ICENABLER + (irq / 32) * 4, BIT(irq % 32)); }
static void v2_unmask(uint32_t irq) { mmio_write32(dist + GICD_ISENABLER + (irq / 32) * 4, BIT(irq % 32)); }

const irqchip_ops_t gicv2_ops = { v2_init, v2_ack, v2_eoi, v2_mask, v2_unmask };
