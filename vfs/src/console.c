/* The PL011 as a user-level driver: its receive interrupt feeds the console tty. */
#include "vfs.h"
#include "tty.h"
#include "lib.h"

#define UART_PA 0x09000000UL  /* QEMU virt's PL011 (the device tree's arm,pl011) */
#define UART_IRQ 33           /* SPI 1 */
#define UART_VA 0x7f000000UL
#define DR 0x00
#define FR 0x18
#define IMSC 0x38
#define ICR 0x44
#define FR_RXFE (1u << 4)
#define RXIM (1u << 4)
#define RTIM (1u << 6)

static volatile uint32_t *uart;
static uint64_t irq_handler;

static uint32_t rd(uint32_t off) { return uart[off / 4]; }
static void wr(uint32_t off, uint32_t v) { uart[off / 4] = v; }

void console_irq_init(void)
{
    uint64_t frame = 0;
    for (uint64_t i = 0; i < bootinfo->num_untyped; i++) {
        struct psn_untyped *u = &bootinfo->untyped[i];
        if (u->is_device && u->paddr == UART_PA) {
            frame = slot_alloc();
            if (psn_retype(u->slot, PSN_OBJ_FRAME, 0, frame, 1)) frame = 0;
        }
    }
    if (!frame || psn_vspace_map(PSN_CAP_VSPACE, frame, UART_VA, PSN_RIGHT_R | PSN_RIGHT_W)) {
        printf("console: no UART: input disabled\n");
        return;
    }
    uart = (volatile uint32_t *)UART_VA;
    uint64_t ntfn = obj_new(PSN_OBJ_NOTIFICATION, 0);
    irq_handler = slot_alloc();
    if (psn_irq_get(PSN_CAP_IRQ_CONTROL, UART_IRQ, irq_handler) || psn_irq_set_notification(irq_handler, ntfn) ||
        psn_tcb_bind_notification(PSN_CAP_TCB, ntfn)) {
        printf("console: no UART interrupt: input disabled\n");
        uart = 0;
        return;
    }
    wr(ICR, 0x7ff);
    wr(IMSC, rd(IMSC) | RXIM | RTIM);
}

/* The UART interrupt fired: take every received character, then let the line fire again. */
void console_irq(void)
{
    if (!uart) return;
    wr(ICR, RXIM | RTIM);  /* first: a character that comes during the drain raises it again */
    while (!(rd(FR) & FR_RXFE)) tty_input(&console_tty, (uint8_t)rd(DR));
    psn_irq_ack(irq_handler);
}
