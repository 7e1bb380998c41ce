/*
 * Terminals: one line discipline for every tty (canonical and raw input, echo, erase and kill, ^C ^\ ^Z
 * as signals to the foreground process group, ^D as end of file; termios as Linux has it), used by
 * the console on the PL011 (characters from the UART interrupt, output to the kernel console) and by
 * the pseudo-terminals: open("/dev/ptmx") makes a master and /dev/pts/N; what the master writes is
 * the slave's input, what the slave writes (after OPOST/ONLCR) and the echo are the master's input.
 */
#include "vfs.h"
#include "lib.h"
#include "tty.h"

void *heap_alloc(uint64_t n);
void heap_free(void *p, uint64_t n);
enum { EIO = 5, ENXIO = 6, EAGAIN = 11, ENOSPC = 28, EINVAL = 22, ESPIPE = 29 };

tty_t console_tty;
static uint8_t console_line[4096], console_q[8192];
static tty_t *ptys[PTY_MAX];     /* allocated on first use, then recycled */

static int is_pty(tty_t *t) { return t->index >= 0; }

static void termios_defaults(tty_t *t)
{
    t->iflag = 0x500;       /* ICRNL | IXON */
    t->oflag = 0x5;         /* OPOST | ONLCR */
    t->cflag = 0xbf;        /* B38400 | CS8 | CREAD */
    t->lflag = 0x8a3b;      /* ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN | ECHOCTL | ECHOKE */
    static const uint8_t cc[19] = { 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0 };
    memcpy(t->cc, cc, sizeof(cc));
}

void tty_init(void)
{
    tty_t *t = &console_tty;
    termios_defaults(t);
    t->rows = 24;
    t->cols = 80;
    t->line = console_line;
    t->lcap = sizeof(console_line);
    t->q = console_q;
    t->qcap = sizeof(console_q);
    t->index = -1;
}

tty_t *tty_at(int i)
{
    if (i == 0) return &console_tty;
    if (i >= 1 && i <= PTY_MAX && ptys[i - 1] && ptys[i - 1]->in_use) return ptys[i - 1];
    return 0;
}

/* ---- output: the console's UART, or the master's queue ---- */
static void out_raw(tty_t *t, const void *s, uint64_t n)
{
    if (!is_pty(t)) { psn_debug_write(s, n); return; }
    const uint8_t *b = s;
    for (uint64_t i = 0; i < n && t->mlen < PTY_OUT; i++) t->mq[(t->mhead + t->mlen++) % PTY_OUT] = b[i];
    vfs_event(t);
}

static int onlcr(tty_t *t) { return (t->oflag & OPOST) && (t->oflag & ONLCR); }

static void out_char(tty_t *t, uint8_t c)
{
    if (c == '\n' && onlcr(t)) out_raw(t, "\r\n", 2);
    else out_raw(t, &c, 1);
}

static void echo_char(tty_t *t, uint8_t c)
{
    if (!(t->lflag & ECHO)) {
        if (c == '\n' && (t->lflag & ECHONL) && (t->lflag & ICANON)) out_char(t, c);
        return;
    }
    if ((c < 32 || c == 127) && c != '\n' && c != '\t' && (t->lflag & ECHOCTL)) {
        uint8_t b[2] = { '^', (uint8_t)(c ^ 0100) };
        out_raw(t, b, 2);
    } else {
        out_char(t, c);
    }
}

/* ---- input ---- */
static int push(tty_t *t, uint8_t c)
{
    if (t->qlen >= t->qcap) return 0;
    t->q[(t->qhead + t->qlen++) % t->qcap] = c;
    return 1;
}

/* canonical mode: the lengths of the complete lines in q, oldest first (0: an end of file) */
#define LQ (sizeof(((tty_t *)0)->lq) / sizeof(((tty_t *)0)->lq[0]))
static void commit_line(tty_t *t)
{
    if (t->lines >= (int)LQ) { t->llen = 0; return; }  /* too many lines waiting: this one is lost */
    uint64_t n = 0;
    while (n < t->llen && push(t, t->line[n])) n++;
    t->lq[(t->lqhead + (uint64_t)t->lines) % LQ] = (uint16_t)n;
    t->lines++;
    t->llen = 0;
    vfs_event(t);
}

static void flush_input(tty_t *t) { t->qlen = 0; t->qhead = 0; t->lines = 0; t->lqhead = 0; t->llen = 0; }

static int word_char(uint8_t c) { return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '_'; }

static void erase_one(tty_t *t)
{
    t->llen--;
    if (t->lflag & ECHO) out_raw(t, "\b \b", 3);
}

/* One character of input: from the UART, or written to the master. */
void tty_input(tty_t *t, uint8_t c)
{
    if (t->iflag & 040) c &= 0x7f;  /* ISTRIP */
    if (t->lnext) {  /* after ^V: an ordinary character of the line */
        t->lnext = 0;
        if (t->lflag & ECHO) out_raw(t, "\b", 1);
        if (t->llen < t->lcap - 1) t->line[t->llen++] = c;
        echo_char(t, c);
        return;
    }
    if (c == '\r') {
        if (t->iflag & IGNCR) return;
        if (t->iflag & ICRNL) c = '\n';
    } else if (c == '\n' && (t->iflag & INLCR)) {
        c = '\r';
    }
    if (t->lflag & ISIG) {
        int sig = c == t->cc[VINTR] ? 2 : c == t->cc[VQUIT] ? 3 : c == t->cc[VSUSP] ? 20 : 0;
        if (sig) {
            tty_signal_fg(t, sig);
            if (!(t->lflag & NOFLSH)) { flush_input(t); if (is_pty(t)) t->mlen = 0; }
            echo_char(t, c);
            vfs_event(t);
            return;
        }
    }
    if (!(t->lflag & ICANON)) {
        if (!push(t, c)) return;
        echo_char(t, c);
        vfs_event(t);
        return;
    }
    if (c == t->cc[VERASE] || c == 8) {
        if (t->llen) erase_one(t);
        return;
    }
    if (c == t->cc[VKILL]) {
        while (t->llen) erase_one(t);
        return;
    }
    if (t->lflag & IEXTEN) {
        if (c == t->cc[VWERASE]) {  /* ^W: back over blanks, then over a word (letters, digits, _) */
            int seen = 0;
            while (t->llen) {
                if (word_char(t->line[t->llen - 1])) seen = 1;
                else if (seen) break;
                erase_one(t);
            }
            return;
        }
        if (c == t->cc[VLNEXT]) {   /* ^V: the next character as it is */
            t->lnext = 1;
            if ((t->lflag & ECHO) && (t->lflag & ECHOCTL)) out_raw(t, "^", 1);
            return;
        }
        if (c == t->cc[VREPRINT] && (t->lflag & ECHO)) {  /* ^R: the line again */
            echo_char(t, c);
            out_char(t, '\n');
            out_raw(t, t->line, t->llen);
            return;
        }
    }
    if (c == t->cc[VEOF]) {
        commit_line(t);
        return;
    }
    if (t->llen < t->lcap - 1 || c == '\n') t->line[t->llen++] = c;
    echo_char(t, c);
    if (c == '\n') commit_line(t);
}

/* Input a read can take now (poll: as poll counts it, with VMIN in raw mode). */
static int readable(tty_t *t, int poll)
{
    if (t->lflag & ICANON) return t->lines > 0;
    uint64_t need = poll && !t->cc[VTIME] && t->cc[VMIN] ? t->cc[VMIN] : 1;
    return t->qlen >= need;
}

static uint8_t take(tty_t *t)
{
    uint8_t c = t->q[t->qhead];
    t->qhead = (t->qhead + 1) % t->qcap;
    t->qlen--;
    return c;
}

static long ldisc_read(tty_t *t, uint8_t *b, uint64_t len, int nonblock)
{
    if (t->lflag & ICANON) {
        if (!t->lines) return nonblock ? -EAGAIN : VFS_WOULD_BLOCK;
        uint16_t *l = &t->lq[t->lqhead];
        uint64_t n = 0;
        while (n < len && n < *l) b[n++] = take(t);
        *l = (uint16_t)(*l - n);
        if (!*l) { t->lqhead = (t->lqhead + 1) % LQ; t->lines--; }
        return (long)n;
    }
    uint64_t min = t->cc[VMIN];
    if (!t->qlen) {
        if (min == 0 && !t->cc[VTIME]) return 0;  /* VMIN 0, VTIME 0: a poll */
        return nonblock ? -EAGAIN : VFS_WOULD_BLOCK;  /* VMIN 0, VTIME: the caller keeps the timer */
    }
    if (!nonblock && !t->cc[VTIME] && t->qlen < min && t->qlen < len) return VFS_WOULD_BLOCK;
    uint64_t n = 0;
    while (n < len && t->qlen) b[n++] = take(t);
    vfs_event(t);  /* room for a master's writer */
    return (long)n;
}

/* ---- the pseudo-terminals ---- */
static void pts_path(char *buf, int i) { snprintf(buf, 32, "/dev/pts/%d", i); }

static long pty_new(file_t *f)
{
    int i = 0;
    while (i < PTY_MAX && ptys[i] && ptys[i]->in_use) i++;
    if (i == PTY_MAX) return -ENOSPC;
    tty_t *t = ptys[i];
    if (!t) {
        t = ptys[i] = heap_alloc(sizeof(tty_t));
        t->line = heap_alloc(4096);
        t->q = heap_alloc(4096);
        t->mq = heap_alloc(PTY_OUT);
    }
    uint8_t *line = t->line, *q = t->q, *mq = t->mq;
    memset(t, 0, sizeof(*t));
    t->line = line; t->lcap = 4096;
    t->q = q; t->qcap = 4096;
    t->mq = mq;
    termios_defaults(t);       /* a new pty's window size is 0 x 0, as Linux's */
    t->index = i;
    t->in_use = 1;
    t->locked = 1;             /* until unlockpt (TIOCSPTLCK 0) */
    t->masters = 1;
    char path[32];
    pts_path(path, i);
    vfs_mknod(vfs_root(), path, S_IFCHR | 0600, (PTS_MAJOR << 8) | (uint64_t)i, 0);
    if (vfs_lookup(vfs_root(), path, 0, &t->node) || t->node->rdev != ((PTS_MAJOR << 8) | (uint64_t)i)) t->node = 0;
    f->tty = t;
    f->master = 1;
    return 0;
}

long tty_open(file_t *f)
{
    vnode_t *n = f->node;
    if (f->flags & O_PATH) return 0;
    if (n->rdev == DEV_CONSOLE || n->rdev == DEV_TTYAMA0) { f->tty = &console_tty; return 0; }
    if (n->rdev == DEV_PTMX) return pty_new(f);
    if ((n->rdev >> 8) == PTS_MAJOR) {
        uint64_t i = n->rdev & 0xff;
        tty_t *t = i < PTY_MAX ? ptys[i] : 0;
        if (!t || !t->in_use || t->hungup || t->locked) return -EIO;
        tty_attach(f, t);
    }
    return 0;
}

void tty_attach(file_t *f, tty_t *t)
{
    f->tty = t;
    if (!is_pty(t)) return;
    t->slaves++;
    t->slave_opened = 1;
    vfs_event(t);
}

void tty_close(file_t *f)
{
    tty_t *t = f->tty;
    if (!t || !is_pty(t)) return;
    if (f->master) {
        if (--t->masters == 0) {
            char path[32];
            vnode_t *n;
            pts_path(path, t->index);
            if (!vfs_lookup(vfs_root(), path, 0, &n) && n->rdev == ((PTS_MAJOR << 8) | (uint64_t)t->index))
                vfs_unlink(vfs_root(), path, 0);
            t->node = 0;
            if (!t->hungup) {  /* a hangup of the slave */
                t->hungup = 1;
                tty_hangup_session(t);
                t->sid = 0;
                t->fg_pgrp = 0;
            }
        }
    } else {
        t->slaves--;
    }
    vfs_event(t);
    if (!t->masters && !t->slaves) t->in_use = 0;
}

/* ---- reading, writing, polling the files ---- */
static long console_write(tty_t *t, const char *s, uint64_t len)
{
    if (!onlcr(t)) { out_raw(t, s, len); return (long)len; }
    uint64_t start = 0;
    for (uint64_t i = 0; i < len; i++) {
        if (s[i] != '\n') continue;
        if (i > start) out_raw(t, s + start, i - start);
        out_raw(t, "\r\n", 2);
        start = i + 1;
    }
    if (len > start) out_raw(t, s + start, len - start);
    return (long)len;
}

long tty_file_read(file_t *f, void *buf, uint64_t len)
{
    tty_t *t = f->tty;
    int nonblock = (f->flags & O_NONBLOCK) != 0;
    if (f->master) {
        if (!t->mlen) {
            if (t->slave_opened && !t->slaves) return -EIO;
            return nonblock ? -EAGAIN : VFS_WOULD_BLOCK;
        }
        uint8_t *b = buf;
        uint64_t n = 0;
        while (n < len && t->mlen) { b[n++] = t->mq[t->mhead]; t->mhead = (t->mhead + 1) % PTY_OUT; t->mlen--; }
        vfs_event(t);  /* room for the slave's writers */
        return (long)n;
    }
    if (t->hungup) return 0;
    return ldisc_read(t, buf, len, nonblock);
}

long tty_file_write(file_t *f, const void *buf, uint64_t len)
{
    tty_t *t = f->tty;
    const uint8_t *s = buf;
    uint64_t i = 0;
    if (f->master) {
        /* the slave's input: in raw mode a full queue holds the writer back (canonical lines that
         * grow too long lose characters, as in Linux) */
        for (; i < len; i++) {
            if (!(t->lflag & ICANON) && t->qlen >= t->qcap) break;
            tty_input(t, s[i]);
        }
    } else {
        if (t->hungup) return -EIO;
        if (!is_pty(t)) return console_write(t, buf, len);
        for (; i < len; i++) {
            if (PTY_OUT - t->mlen < (s[i] == '\n' && onlcr(t) ? 2u : 1u)) break;
            out_char(t, s[i]);
        }
    }
    if (!i && len) return f->flags & O_NONBLOCK ? -EAGAIN : VFS_WOULD_BLOCK;
    return (long)i;
}

int tty_file_poll(file_t *f, int events)
{
    tty_t *t = f->tty;
    int r = 0;
    if (f->master) {
        if (t->mlen) r |= 1;
        if (t->slave_opened && !t->slaves) r |= 16;
        if ((t->lflag & ICANON) || t->qlen < t->qcap) r |= 4;
    } else {
        if (t->hungup) return (1 | 4 | 8 | 16) & (events | 8 | 16);
        if (readable(t, 1)) r |= 1;
        if (!is_pty(t) || t->mlen < PTY_OUT) r |= 4;
    }
    return r & (events | 8 | 16);
}

long tty_flush(tty_t *t, int queue, int master)
{
    if (queue < 0 || queue > 2) return -EINVAL;
    int in = queue == 0 || queue == 2, out = queue == 1 || queue == 2;
    if (master) { int x = in; in = out; out = x; }  /* the master's input is the slave's output */
    if (in) flush_input(t);
    if (out && is_pty(t)) t->mlen = 0;
    vfs_event(t);
    return 0;
}

/* TCSETS: switching canonical mode on or off keeps the input */
void tty_set_termios(tty_t *t, const uint8_t b[36])
{
    uint32_t old = t->lflag;
    memcpy(&t->iflag, b, 16);
    t->line_disc = b[16];
    memcpy(t->cc, b + 17, 19);
    if ((old & ICANON) && !(t->lflag & ICANON)) {  /* the line being edited becomes input */
        for (uint64_t i = 0; i < t->llen; i++) push(t, t->line[i]);
        t->llen = 0;
        t->lines = 0;
        t->lqhead = 0;
    } else if (!(old & ICANON) && (t->lflag & ICANON) && t->qlen) {  /* what is there reads as a line */
        t->lqhead = 0;
        t->lq[0] = (uint16_t)(t->qlen < 0xffff ? t->qlen : 0xffff);
        t->lines = 1;
    }
    vfs_event(t);
}

void tty_get_termios(tty_t *t, uint8_t b[36])
{
    memcpy(b, &t->iflag, 16);
    b[16] = t->line_disc;
    memcpy(b + 17, t->cc, 19);
}
