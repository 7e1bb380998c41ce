/*
 * The console tty on the PL011: a line discipline with canonical and raw input, echo, erase and kill,
 * ^C ^\ ^Z as signals to the foreground process group, ^D as end of file; termios as Linux has it.
 * Characters arrive from the UART interrupt (tty_input); output goes to the kernel console.
 */
#include "vfs.h"
#include "lib.h"
#include "tty.h"

tty_t console_tty;
#define T (&console_tty)

void tty_init(void)
{
    T->iflag = 0x500;       /* ICRNL | IXON */
    T->oflag = 0x5;         /* OPOST | ONLCR */
    T->cflag = 0xbf;        /* B38400 | CS8 | CREAD | HUPCL */
    T->lflag = 0x8a3b;      /* ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN | ECHOCTL | ECHOKE */
    static const uint8_t cc[19] = { 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0 };
    memcpy(T->cc, cc, sizeof(cc));
    T->rows = 24;
    T->cols = 80;
}

static void out(const char *s, uint64_t n) { psn_debug_write(s, n); }

static void echo_char(uint8_t c)
{
    if (!(T->lflag & ECHO)) return;
    if (c < 32 && c != '\n' && c != '\t' && (T->lflag & ECHOCTL)) {
        char b[2] = { '^', (char)(c + 64) };
        out(b, 2);
    } else if (c == '\n') {
        out("\r\n", 2);
    } else {
        out((const char *)&c, 1);
    }
}

static void push(uint8_t c)
{
    if (T->qlen < sizeof(T->q)) T->q[(T->qhead + T->qlen++) % sizeof(T->q)] = c;
}

/* One character from the UART. */
void tty_input(uint8_t c)
{
    if ((T->iflag & ICRNL) && c == '\r') c = '\n';
    if (T->lflag & ISIG) {
        int sig = c == T->cc[VINTR] ? 2 : c == T->cc[VQUIT] ? 3 : c == T->cc[VSUSP] ? 20 : 0;
        if (sig) {
            echo_char(c);
            if (T->lflag & ICANON) T->llen = 0;
            tty_signal_fg(sig);
            return;
        }
    }
    if (!(T->lflag & ICANON)) {
        push(c);
        echo_char(c);
        vfs_event(T);
        return;
    }
    if (c == T->cc[VERASE] || c == 8) {
        if (T->llen) { T->llen--; if (T->lflag & ECHO) out("\b \b", 3); }
        return;
    }
    if (c == T->cc[VKILL]) {
        while (T->llen) { T->llen--; if (T->lflag & ECHO) out("\b \b", 3); }
        return;
    }
    if (c == T->cc[VEOF]) {
        for (uint64_t i = 0; i < T->llen; i++) push(T->line[i]);
        if (!T->llen) T->eof++;
        T->lines++;
        T->llen = 0;
        vfs_event(T);
        return;
    }
    if (T->llen < sizeof(T->line) - 1 || c == '\n') T->line[T->llen++] = c;
    echo_char(c);
    if (c == '\n') {
        for (uint64_t i = 0; i < T->llen; i++) push(T->line[i]);
        T->lines++;
        T->llen = 0;
        vfs_event(T);
    }
}

int tty_readable(void)
{
    if (T->lflag & ICANON) return T->lines > 0 || T->eof > 0;
    return T->qlen > 0;
}

long tty_read(void *buf, uint64_t len, int nonblock)
{
    uint8_t *b = buf;
    if (!tty_readable()) {
        if (!(T->lflag & ICANON) && T->cc[VMIN] == 0) return 0;
        return nonblock ? -11 : VFS_WOULD_BLOCK;
    }
    if ((T->lflag & ICANON) && T->eof && !T->lines) { T->eof--; return 0; }
    uint64_t n = 0;
    while (n < len && T->qlen) {
        uint8_t c = T->q[T->qhead];
        T->qhead = (T->qhead + 1) % sizeof(T->q);
        T->qlen--;
        b[n++] = c;
        if ((T->lflag & ICANON) && c == '\n') { T->lines--; break; }
    }
    if ((T->lflag & ICANON) && !T->qlen && T->lines) T->lines = 0;  /* a ^D-completed line without newline */
    return (long)n;
}

long tty_write(const void *buf, uint64_t len)
{
    const char *s = buf;
    if (!(T->oflag & OPOST) || !(T->oflag & ONLCR)) { out(s, len); return (long)len; }
    uint64_t start = 0;
    for (uint64_t i = 0; i < len; i++) {
        if (s[i] != '\n') continue;
        if (i > start) out(s + start, i - start);
        out("\r\n", 2);
        start = i + 1;
    }
    if (len > start) out(s + start, len - start);
    return (long)len;
}
