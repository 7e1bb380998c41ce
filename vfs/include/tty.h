/* The console tty's state (vfs/src/tty.c); termios fields as in Linux's struct termios. */
#ifndef TTY_H
#define TTY_H
#include <stdint.h>

#define ISIG 1
#define ICANON 2
#define ECHO 010
#define ECHOCTL 01000
#define ICRNL 0400
#define OPOST 1
#define ONLCR 4
enum { VINTR, VQUIT, VERASE, VKILL, VEOF, VTIME, VMIN, VSWTC, VSTART, VSTOP, VSUSP, VEOL };

typedef struct tty {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line_disc, cc[19];
    uint16_t rows, cols;
    int fg_pgrp, sid;             /* foreground process group and the session it controls */
    uint8_t line[4096];           /* the line being edited (canonical mode) */
    uint64_t llen;
    uint8_t q[8192];              /* input ready for read */
    uint64_t qhead, qlen;
    int lines, eof;               /* complete lines in q; pending end-of-file marks */
} tty_t;

extern tty_t console_tty;
void tty_init(void);
void tty_input(uint8_t c);
void tty_signal_fg(int sig);      /* implemented by posix-server */
#endif
