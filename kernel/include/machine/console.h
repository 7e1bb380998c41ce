/* The kernel's debug console (the board's UART, polled). */
#ifndef MACHINE_CONSOLE_H
#define MACHINE_CONSOLE_H
#include <types.h>
void console_init(paddr_t base);
void console_putc(char c);      /* \n becomes \r\n */
void console_putc_raw(char c);  /* bytes as they are (user output: the tty did the translation) */
#endif
