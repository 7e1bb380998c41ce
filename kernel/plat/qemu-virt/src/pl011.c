/* PL011 UART, used polled by the kernel for its own messages and the debug-write call. */
#include <config.h>
#include <machine/console.h>
#include <arch/machine.h>

#define UART_DR 0x00
#define UART_FR 0x18
#define FR_TXFF BIT(5)

static word_t uart_base = 0x09000000UL + KERNEL_VBASE;

void console_init(paddr_t base)
{
    uart_base = (word_t)PA_TO_KVA(base);
}

void console_putc_raw(char c)
{
    while (mmio_read32(uart_base + UART_FR) & FR_TXFF) {}
    mmio_write32(uart_base + UART_DR, (uint8_t)c);
}

void console_putc(char c)
{
    if (c == '\n') console_putc_raw('\r');
    console_putc_raw(c);
}
