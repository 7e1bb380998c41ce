/*
 * Terminals (vfs/src/tty.c): the console on the PL011 and the pseudo-terminals of /dev/ptmx and
 * /dev/pts. Each has its own termios (fields as in Linux's struct termios), window size, input queue,
 * foreground process group and session. A pty's master and slave share one tty_t: the slave side is
 * the line discipline, the master side reads what the slave writes (after output processing) and its
 * writes are the slave's input.
 */
#ifndef TTY_H
#define TTY_H
#include <stdint.h>
#include "vfs.h"

/* termios flags and c_cc indices, as in Linux's asm-generic/termbits.h */
#define ISIG 1
#define ICANON 2
#define ECHO 010
#define ECHOE 020
#define ECHOK 040
#define ECHONL 0100
#define NOFLSH 0200
#define TOSTOP 0400
#define ECHOCTL 01000
#define ECHOPRT 02000
#define ECHOKE 04000
#define IEXTEN 0100000
#define EXTPROC 0200000
#define PARMRK 010
#define ISTRIP 040
#define INLCR 0100
#define IGNCR 0200
#define ICRNL 0400
#define IUCLC 01000
#define IXON 02000
#define IXANY 04000
#define IUTF8 040000
#define OPOST 1
#define OLCUC 2
#define ONLCR 4
#define OCRNL 010
#define ONOCR 020
#define ONLRET 040
#define TABDLY 014000
#define XTABS 014000
#define CSIZE 060
#define CS8 060
#define CREAD 0200
#define PARENB 0400
#define CLOCAL 04000
#define CBAUD 010017
#define CBAUDEX 010000       /* BOTHER alone: the speed is the number given (TCSETS2) */
#define IBSHIFT 16
enum { VINTR, VQUIT, VERASE, VKILL, VEOF, VTIME, VMIN, VSWTC, VSTART, VSTOP, VSUSP, VEOL, VREPRINT, VDISCARD,
       VWERASE, VLNEXT, VEOL2 };
/* TCXONC actions and packet-mode status bits (TIOCPKT) */
enum { TCOOFF, TCOON, TCIOFF, TCION };
enum { TIOCPKT_FLUSHREAD = 1, TIOCPKT_FLUSHWRITE = 2, TIOCPKT_STOP = 4, TIOCPKT_START = 8,
       TIOCPKT_NOSTOP = 16, TIOCPKT_DOSTOP = 32, TIOCPKT_IOCTL = 64 };

#define PTY_MAX 64            /* /dev/pts/0 .. 63 */
#define PTS_MAJOR 136

typedef struct tty {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line_disc, cc[19];
    uint32_t ispeed, ospeed;      /* struct termios2's c_ispeed, c_ospeed (from the CBAUD codes) */
    uint8_t lock_termios[36];     /* TIOCSLCKTRMIOS: the termios bits and characters that do not change */
    uint16_t rows, cols, xpixel, ypixel;
    int fg_pgrp, sid;             /* foreground process group and the session it controls (0: none) */
    uint8_t *line;                /* the line being edited (canonical mode) */
    uint64_t llen, lcap;
    uint8_t *q;                   /* input ready for read (a ring of qcap bytes) */
    uint64_t qhead, qlen, qcap;
    int lines;                    /* canonical mode: complete lines in q (an end of file counts as one) */
    uint8_t *qend;                /* a bit per byte of q: a line ends there (a 0 byte so marked: VEOF) */
    int lnext;                    /* the next character is taken as it is (after VLNEXT) */
    int erasing;                  /* ECHOPRT: a "\\" was echoed and its "/" not yet */
    uint32_t column, canon_column; /* output column, and where the line being edited began (OPOST) */
    uint64_t rx;                  /* raw mode: bytes ever queued (VTIME restarts with each) */
    struct { uint8_t stopped, tco; } flow[2];  /* output of the slave (or console) [0] and master [1]:
                                   * stopped (^S, TCOOFF), and by TCOOFF (only TCOON restarts it) */
    uint8_t excl[2];              /* TIOCEXCL of each side: opening the slave again needs root */
    uint8_t packet, pktstatus;    /* TIOCPKT on the master; status bits it has yet to read */
    /* pseudo-terminals (index < 0: the console) */
    int index;
    int in_use, locked, hungup;   /* locked: until unlockpt; hungup: its master was closed */
    int masters, slaves;          /* open files of each side */
    int slave_opened;             /* a slave was opened: a master read without one is EIO then */
    uint8_t *mq;                  /* the slave's output, read by the master (a ring of PTY_OUT bytes) */
    uint64_t mhead, mlen, mheld;  /* mheld: the last bytes, echoed while output was stopped, wait */
    vnode_t *node;                /* /dev/pts/N */
} tty_t;
#define PTY_OUT 4096

extern tty_t console_tty;
void tty_init(void);
void tty_input(tty_t *t, uint8_t c);          /* one character of input (UART, or written to the master) */
tty_t *tty_at(int i);                          /* i = 0: the console; 1..PTY_MAX: the ptys in use; else 0 */
uint64_t tty_master_avail(tty_t *t);          /* bytes a pty master can read now */
uint64_t tty_inq(tty_t *t);                    /* FIONREAD of the slave or console */

/* open files of terminals (file.c, namespace.c) */
long tty_open(file_t *f);                      /* bind a character-device file to its terminal (vfs_open) */
void tty_attach(file_t *f, tty_t *t);          /* a file of /dev/tty: bind it to t (the controlling tty) */
void tty_close(file_t *f);
long tty_file_read(file_t *f, void *buf, uint64_t len, int expired);  /* expired: its VTIME ran out */
int tty_read_timer(file_t *f, int running, uint64_t *mark);
long tty_file_write(file_t *f, const void *buf, uint64_t len);
int tty_file_poll(file_t *f, int events);
long tty_flush(tty_t *t, int queue, int master);  /* TCFLSH: 0 input, 1 output, 2 both (as the side sees them) */
long tty_flow(tty_t *t, int action, int master);  /* TCXONC */
void tty_sti(tty_t *t, int master, uint8_t c);    /* TIOCSTI: c as if it came in on that side */
void tty_set_packet(tty_t *t, int on);            /* TIOCPKT */
void tty_get_termios(tty_t *t, uint8_t b[44]);    /* struct termios2 (struct termios: its first 36 bytes) */
void tty_set_termios(tty_t *t, const uint8_t b[44], int speeds);  /* speeds: b's c_ispeed, c_ospeed count */
void tty_termio_get(const uint8_t t2[44], uint8_t tio[17]);  /* struct termio (TCGETA) of a termios2 */
void tty_termio_put(uint8_t t2[44], const uint8_t tio[17]);  /* TCSETA: its low 16 bits and 8 characters */
uint64_t tty_dev(tty_t *t);                       /* the device number (/dev/ttyAMA0's for the console) */

/* implemented by posix-server */
void tty_signal_fg(tty_t *t, int sig);         /* ^C ^\ ^Z, SIGWINCH: the foreground process group */
void tty_hangup_session(tty_t *t);             /* the master closed: SIGHUP and SIGCONT to the session leader */
#endif
