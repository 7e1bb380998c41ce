/* GICv3: distributor, this CPU's redistributor, and the system-register CPU interface. */
#include <arch/irqchip.h>
#include <arch/machine.h>
#include <config.h>

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_IPRIORITYR 0x0400
#define GICD_IROUTER 0x6000
#define GICR_WAKER 0x0014
#define GICR_SGI 0x10000  /* SGI_base frame */
#define GICR_IGROUPR0 (GICR_SGI + 0x080)
#define GICR_ISENABLER0 (GICR_SGI + 0x100)
#define GICR_ICENABLER0 (GICR_SGI + 0x180)
#define GICR_IPRIORITYR (GICR_SGI + 0x400)
#define CTLR_RWP BIT(31)

#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define STR(x) #x
#define XSTR(x) STR(x)
#define SYSREG_W(r, v) __asm__ volatile("msr " XSTR(r) ", %0" :: "r"((word_t)(v)) : "memory")
#define SYSREG_R(r) ({ word_t _v; __asm__ volatile("mrs %0, " XSTR(r) : "=r"(_v)); _v; })

static word_t dist, rd;

static void wait_rwp(void) { while (mmio_read32(dist + GICD_CTLR) & CTLR_RWP) {} }

static void v3_init(void)
{
    dist = (word_t)PA_TO_KVA(gic_dist_pa);
    rd = (word_t)PA_TO_KVA(gic_redist_pa); /* CPU 0's redistributor is the first */
    uint32_t lines = 32 * ((mmio_read32(dist + GICD_TYPER) & 0x1f) + 1);
    mmio_write32(dist + GICD_CTLR, 0);
    wait_rwp();
    for (uint32_t i = 32; i < lines; i += 32) {
        mmio_write32(dist + GICD_ICENABLER + i / 8, 0xffffffffu);
        mmio_write32(dist + GICD_IGROUPR + i / 8, 0xffffffffu);
    }
    for (uint32_t i = 32; i < lines; i += 4) mmio_write32(dist + GICD_IPRIORITYR + i, 0xa0a0a0a0u);
    for (uint32_t i = 32; i < lines; i++) *(volatile uint64_t *)(dist + GICD_IROUTER + 8 * i) = 0;
    mmio_write32(dist + GICD_CTLR, BIT(4) | BIT(1) | BIT(0)); /* ARE, Group 1, Group 0 */
    wait_rwp();
    mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~BIT(1));
    while (mmio_read32(rd + GICR_WAKER) & BIT(2)) {}
    mmio_write32(rd + GICR_ICENABLER0, 0xffffffffu);
    mmio_write32(rd + GICR_IGROUPR0, 0xffffffffu);
    for (uint32_t i = 0; i < 32; i += 4) mmio_write32(rd + GICR_IPRIORITYR + i, 0xa0a0a0a0u);
    SYSREG_W(ICC_SRE_EL1, SYSREG_R(ICC_SRE_EL1) | 1);
    isb();
    SYSREG_W(ICC_PMR_EL1, 0xff);
    SYSREG_W(ICC_BPR1_EL1, 0);
    SYSREG_W(ICC_IGRPEN1_EL1, 1);
    isb();
}

static uint32_t v3_ack(void) { uint32_t i = (uint32_t)SYSREG_R(ICC_IAR1_EL1); __asm__ volatile("dsb sy"); return i; }
static void v3_eoi(uint32_t irq) { SYSREG_W(ICC_EOIR1_EL1, irq); isb(); }

static void v3_mask(uint32_t irq)
{
    if (irq < 32) mmio_write32(rd + GICR_ICENABLER0, BIT(irq));
    else mmio_write32(dist + GICD_ICENABLER + (irq / 32) * 4, BIT(irq % 32));
}

static void v3_unmask(uint32_t irq)
{
    if (irq < 32) mmio_write32(rd + GICR_ISENABLER0, BIT(irq));
    else mmio_write32(dist + GICD_ISENABLER + (irq / 32) * 4, BIT(irq % 32));
}

const irqchip_ops_t gicv3_ops = { v3_init, v3_ack, v3_eoi, v3_mask, v3_unmask };
