/*
 * Terminals: one line discipline for every tty, following Linux's n_tty (canonical and raw input with
 * VMIN/VTIME, echo, erase and kill, ^C ^\ ^Z as signals to the foreground process group, ^D as end of
 * file, IXON flow control, output processing with its column; termios as Linux has it), used by the
 * console on the PL011 (characters from the UART interrupt, output to the kernel console) and by the
 * pseudo-terminals: open("/dev/ptmx") makes a master and /dev/pts/N; what the master writes is the
 * slave's input, what the slave writes (after OPOST) and the echo are the master's input, with a
 * status byte first in packet mode (TIOCPKT).
 */
#include "vfs.h"
#include "lib.h"
#include "tty.h"

void *heap_alloc(uint64_t n);
void heap_free(void *p, uint64_t n);
enum { EIO = 5, ENXIO = 6, EAGAIN = 11, EBUSY = 16, ENOSPC = 28, EINVAL = 22, ESPIPE = 29 };

tty_t console_tty;
static uint8_t console_line[4096], console_q[8192], console_qend[8192 / 8];
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
    t->ispeed = t->ospeed = 38400;
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
    t->qend = console_qend;
    t->index = -1;
}

tty_t *tty_at(int i)
{
    if (i == 0) return &console_tty;
    if (i >= 1 && i <= PTY_MAX && ptys[i - 1] && ptys[i - 1]->in_use) return ptys[i - 1];
    return 0;
}

/* ---- output: the console's UART, or the master's queue ---- */
static uint8_t console_held[256];  /* the console's echo while its output is stopped */
static uint64_t console_nheld;

/* Bytes out of the slave or console. While its output is stopped (only echo comes then) they wait,
 * as Linux keeps echoes until output starts: the console's in console_held, a pty's at the end of
 * the master's queue, not readable yet (mheld). */
static void out_raw(tty_t *t, const void *s, uint64_t n)
{
    const uint8_t *b = s;
    int held = t->flow[0].stopped;
    if (!is_pty(t)) {
        if (!held) { psn_debug_write(s, n); return; }
        for (uint64_t i = 0; i < n && console_nheld < sizeof(console_held); i++) console_held[console_nheld++] = b[i];
        return;
    }
    for (uint64_t i = 0; i < n && t->mlen < PTY_OUT; i++) {
        t->mq[(t->mhead + t->mlen++) % PTY_OUT] = b[i];
        if (held) t->mheld++;
    }
    vfs_event(t);
}

/* What the master can read now (not what waits for stopped output to start). */
uint64_t tty_master_avail(tty_t *t) { return t->mlen - t->mheld; }

/* Output starts again: what waited goes out. */
static void release_held(tty_t *t)
{
    if (is_pty(t)) { t->mheld = 0; return; }
    psn_debug_write((const char *)console_held, console_nheld);
    console_nheld = 0;
}

static int is_cntrl(uint8_t c) { return c < 32 || c == 127; }

/* IUTF8: c continues a multibyte character (it takes no column, and is erased with its first byte) */
static int utf8_cont(tty_t *t, uint8_t c) { return (t->iflag & IUTF8) && (c & 0xc0) == 0x80; }

/* The packet-mode status the master has yet to read: set and clear bits (only in packet mode). */
static void pkt_status(tty_t *t, uint8_t set, uint8_t clear)
{
    if (!is_pty(t) || !t->packet) return;
    t->pktstatus = (uint8_t)((t->pktstatus & ~clear) | set);
    vfs_event(t);
}

/*
 * c as OPOST makes it (Linux's do_output_char): the bytes (at most 8) go to o, their count is
 * returned; the column follows (ONLCR, OCRNL, ONOCR, ONLRET, OLCUC, XTABS, backspace).
 */
static int opost(tty_t *t, uint8_t c, uint8_t *o)
{
    uint32_t o_ = t->oflag;
    switch (c) {
    case '\n':
        if (o_ & ONLRET) t->column = 0;
        if (o_ & ONLCR) { t->canon_column = t->column = 0; o[0] = '\r'; o[1] = '\n'; return 2; }
        t->canon_column = t->column;
        break;
    case '\r':
        if ((o_ & ONOCR) && !t->column) return 0;
        if (o_ & OCRNL) { c = '\n'; if (o_ & ONLRET) t->canon_column = t->column = 0; break; }
        t->canon_column = t->column = 0;
        break;
    case '\t': {
        int n = 8 - (int)(t->column & 7);
        t->column += (uint32_t)n;
        if ((o_ & TABDLY) != XTABS) break;
        memset(o, ' ', (uint64_t)n);
        return n;
    }
    case '\b':
        if (t->column) t->column--;
        break;
    default:
        if (is_cntrl(c)) break;
        if ((o_ & OLCUC) && c >= 'a' && c <= 'z') c = (uint8_t)(c - 32);
        if (!utf8_cont(t, c)) t->column++;
    }
    o[0] = c;
    return 1;
}

/* ---- echo (Linux's echo_char_raw, echo_char) ---- */
static void echo_raw(tty_t *t, uint8_t c)
{
    uint8_t o[8];
    if (t->oflag & OPOST) out_raw(t, o, (uint64_t)opost(t, c, o));
    else out_raw(t, &c, 1);
}

/* a control character as ^X under ECHOCTL (not a tab), else as it is */
static void echo_char(tty_t *t, uint8_t c)
{
    if ((t->lflag & ECHOCTL) && is_cntrl(c) && c != '\t') {
        uint8_t b[2] = { '^', (uint8_t)(c ^ 0100) };
        out_raw(t, b, 2);
        t->column += 2;
    } else {
        echo_raw(t, c);
    }
}

/* ECHOPRT: the "/" that closes the erased characters */
static void finish_erasing(tty_t *t)
{
    if (!t->erasing) return;
    echo_raw(t, '/');
    t->erasing = 0;
}

/* ---- flow control ---- */
/* Output of one side stops (^S, TCOOFF): its writers wait; a master in packet mode is told. */
static void stop_output(tty_t *t, int side)
{
    if (t->flow[side].stopped) return;
    t->flow[side].stopped = 1;
    if (!side) pkt_status(t, TIOCPKT_STOP, TIOCPKT_START);
}

/* Output of one side starts again (^Q, IXANY, TCOON), unless TCOOFF stopped it. */
static void start_output(tty_t *t, int side)
{
    if (!t->flow[side].stopped || t->flow[side].tco) return;
    t->flow[side].stopped = 0;
    if (!side) { release_held(t); pkt_status(t, TIOCPKT_START, TIOCPKT_STOP); }
    vfs_event(t);
}

/* ---- input ---- */
static int line_end_at(tty_t *t, uint64_t pos) { return (t->qend[pos / 8] >> (pos % 8)) & 1; }
static void mark_line_end(tty_t *t, uint64_t pos, int on)
{
    t->qend[pos / 8] = (uint8_t)((t->qend[pos / 8] & ~(1u << (pos % 8))) | ((unsigned)on << (pos % 8)));
}

static int push(tty_t *t, uint8_t c)
{
    if (t->qlen >= t->qcap) return 0;
    uint64_t pos = (t->qhead + t->qlen++) % t->qcap;
    t->q[pos] = c;
    mark_line_end(t, pos, 0);
    return 1;
}

/* c is the special character i (a c_cc entry of 0 is disabled, as _POSIX_VDISABLE on Linux) */
static int is_cc(tty_t *t, int i, uint8_t c) { return c && t->cc[i] == c; }

/* Canonical mode: the line being edited goes to q, its last byte marked as a line's end (VEOF adds a
 * 0 byte to mark, as Linux's __DISABLED_CHAR: it is not read). What q has no room for is lost. */
static void commit_line(tty_t *t, int eof)
{
    if (eof) t->line[t->llen++] = 0;  /* the line keeps room for it */
    uint64_t n = 0;
    while (n < t->llen && push(t, t->line[n])) n++;
    t->llen = 0;
    if (!n) return;
    mark_line_end(t, (t->qhead + t->qlen - 1) % t->qcap, 1);
    t->lines++;
    vfs_event(t);
}

static void flush_input(tty_t *t) { t->qlen = 0; t->qhead = 0; t->lines = 0; t->llen = 0; t->erasing = 0; }

/* Linux's isalnum or _ (its ctype takes the Latin-1 letters 0300-0377, but for 0327 and 0367, as letters) */
static int word_char(uint8_t c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '_' || (c >= 0xc0 && c != 0xd7 && c != 0xf7);
}

/* Linux's isupper: A-Z and the Latin-1 capitals 0300-0336 but for 0327 (IUCLC lowers them all) */
static int is_upper(uint8_t c) { return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7); }

/* The echo of erasing the character just after the end of the line: its first byte x and n bytes in all
 * (IUTF8); erase: VERASE's (echoed as it is without ECHOE). */
static void echo_erased(tty_t *t, uint8_t x, uint64_t n, int erase)
{
    if (t->lflag & ECHOPRT) {
        if (!t->erasing) { echo_raw(t, '\\'); t->erasing = 1; }
        echo_char(t, x);
        for (uint64_t i = 1; i < n; i++) {
            echo_raw(t, t->line[t->llen + i]);
            if (t->column) t->column--;
        }
    } else if (erase && !(t->lflag & ECHOE)) {
        echo_char(t, t->cc[VERASE]);
    } else if (x == '\t') {  /* back to where the tab began: count the columns since the line or the last tab */
        uint32_t n = 0;
        int after_tab = 0;
        for (uint64_t i = t->llen; i-- > 0;) {
            uint8_t y = t->line[i];
            if (y == '\t') { after_tab = 1; break; }
            n += is_cntrl(y) ? ((t->lflag & ECHOCTL) ? 2 : 0) : !utf8_cont(t, y);
        }
        if (!after_tab) n += t->canon_column;
        for (uint32_t k = 8 - (n & 7); k; k--) {
            out_raw(t, "\b", 1);
            if (t->column) t->column--;
        }
    } else {
        int cols = is_cntrl(x) ? ((t->lflag & ECHOCTL) ? 2 : 0) : 1;
        while (cols--) { echo_raw(t, '\b'); echo_raw(t, ' '); echo_raw(t, '\b'); }
    }
}

/* VERASE, VWERASE (back over blanks, then over a word: letters, digits, _) or VKILL in the line being
 * edited, echoed as ECHOE, ECHOK, ECHOKE and ECHOPRT say (Linux's eraser). */
static void erase_input(tty_t *t, uint8_t c)
{
    int erase = is_cc(t, VERASE, c), word = !erase && is_cc(t, VWERASE, c), echo = (t->lflag & ECHO) != 0;
    if (!t->llen) return;
    if (!erase && !word) {  /* kill */
        if (!echo) { t->llen = 0; return; }
        if ((t->lflag & (ECHOK | ECHOKE | ECHOE)) != (ECHOK | ECHOKE | ECHOE)) {
            t->llen = 0;
            finish_erasing(t);
            echo_char(t, c);
            if (t->lflag & ECHOK) echo_raw(t, '\n');
            return;
        }
    }
    int seen = 0;
    while (t->llen) {
        uint64_t head = t->llen - 1;
        while (head && utf8_cont(t, t->line[head])) head--;
        uint8_t x = t->line[head];
        if (utf8_cont(t, x)) break;  /* not part of a character */
        if (word) {
            if (word_char(x)) seen = 1;
            else if (seen) break;
        }
        uint64_t n = t->llen - head;
        t->llen = head;
        if (echo) echo_erased(t, x, n, erase);
        if (erase) break;
    }
    if (!t->llen && echo) finish_erasing(t);
}

/* An ordinary character: echoed, then into the line (canonical) or the queue. nl: a newline made
 * by ICRNL, echoed as a newline (a newline that came as it is echoes as ^J under ECHOCTL). */
static void put_char(tty_t *t, uint8_t c, int nl)
{
    int canon = (t->lflag & ICANON) != 0;
    if (t->lflag & ECHO) {
        finish_erasing(t);
        if (nl) echo_raw(t, '\n');
        else {
            if (canon && !t->llen) t->canon_column = t->column;
            echo_char(t, c);
        }
    }
    for (int n = c == 0xff && (t->iflag & PARMRK) ? 2 : 1; n; n--) {  /* PARMRK: a real 0377 comes doubled */
        if (canon) {
            if (t->llen < t->lcap - 1) t->line[t->llen++] = c;
        } else if (push(t, c)) {
            t->rx++;
            vfs_event(t);
        }
    }
}

/* c ends the line (newline, VEOF, VEOL, VEOL2); VEOF itself is not part of it */
static void end_line(tty_t *t, uint8_t c, int eof)
{
    if (!eof) t->line[t->llen++] = c;  /* the line keeps room for it */
    commit_line(t, eof);
}

/* Canonical mode's special characters: 1 if c was one (and is done with). */
static int canon_char(tty_t *t, uint8_t c)
{
    uint32_t l = t->lflag;
    int ext = (l & IEXTEN) != 0;
    if (is_cc(t, VERASE, c) || is_cc(t, VKILL, c) || (ext && is_cc(t, VWERASE, c))) { erase_input(t, c); return 1; }
    if (ext && is_cc(t, VLNEXT, c)) {
        t->lnext = 1;
        if (l & ECHO) {
            finish_erasing(t);
            if (l & ECHOCTL) { echo_raw(t, '^'); echo_raw(t, '\b'); }
        }
        return 1;
    }
    if (ext && (l & ECHO) && is_cc(t, VREPRINT, c)) {
        finish_erasing(t);
        echo_char(t, c);
        echo_raw(t, '\n');
        for (uint64_t i = 0; i < t->llen; i++) echo_char(t, t->line[i]);
        return 1;
    }
    if (c == '\n') {
        if (l & (ECHO | ECHONL)) echo_raw(t, '\n');
        end_line(t, c, 0);
        return 1;
    }
    if (is_cc(t, VEOF, c)) { end_line(t, c, 1); return 1; }
    if (is_cc(t, VEOL, c) || (ext && is_cc(t, VEOL2, c))) {
        if (l & ECHO) {
            if (!t->llen) t->canon_column = t->column;
            echo_char(t, c);
        }
        end_line(t, c, 0);
        return 1;
    }
    return 0;
}

/* ISIG: ^C ^\ ^Z signal the foreground group and flush the input (unless NOFLSH); 1 if c was one. */
static int signal_char(tty_t *t, uint8_t c)
{
    int sig = is_cc(t, VINTR, c) ? 2 : is_cc(t, VQUIT, c) ? 3 : is_cc(t, VSUSP, c) ? 20 : 0;
    if (!sig) return 0;
    tty_signal_fg(t, sig);
    if (!(t->lflag & NOFLSH)) {
        flush_input(t);
        pkt_status(t, TIOCPKT_FLUSHREAD | TIOCPKT_FLUSHWRITE, 0);
    }
    if (t->iflag & IXON) start_output(t, 0);
    if (t->lflag & ECHO) echo_char(t, c);
    vfs_event(t);
    return 1;
}

/* Reads take lines: ICANON, unless EXTPROC (an outside program edits the lines: input is raw) */
static int line_mode(uint32_t lflag) { return (lflag & ICANON) && !(lflag & EXTPROC); }

/* One character of input: from the UART, or written to the master (Linux's n_tty receive path). */
void tty_input(tty_t *t, uint8_t c)
{
    if (t->iflag & ISTRIP) c &= 0x7f;
    if ((t->iflag & IUCLC) && (t->lflag & IEXTEN) && is_upper(c)) c = (uint8_t)(c + 32);
    if (t->lnext) {  /* after ^V: an ordinary character */
        t->lnext = 0;
        if ((t->iflag & (IXON | IXANY)) == (IXON | IXANY)) start_output(t, 0);
        put_char(t, c, 0);
        return;
    }
    if (t->lflag & EXTPROC) {  /* as it is: no signals, editing or echo */
        if (push(t, c)) { t->rx++; vfs_event(t); }
        return;
    }
    if (t->iflag & IXON) {
        if (is_cc(t, VSTART, c)) { start_output(t, 0); return; }
        if (is_cc(t, VSTOP, c)) { stop_output(t, 0); return; }
    }
    if ((t->lflag & ISIG) && signal_char(t, c)) return;
    if ((t->iflag & (IXON | IXANY)) == (IXON | IXANY)) start_output(t, 0);
    int nl = 0;
    if (c == '\r') {
        if (t->iflag & IGNCR) return;
        if (t->iflag & ICRNL) c = '\n', nl = 1;
    } else if (c == '\n' && (t->iflag & INLCR)) {
        c = '\r';
    }
    if ((t->lflag & ICANON) && canon_char(t, c)) return;
    put_char(t, c, nl);
}

/* Input a read can take now (poll: as poll counts it, with VMIN in raw mode). */
static int readable(tty_t *t, int poll)
{
    if (line_mode(t->lflag)) return t->lines > 0;
    uint64_t need = poll && !t->cc[VTIME] && t->cc[VMIN] ? t->cc[VMIN] : 1;
    return t->qlen >= need;
}

/* FIONREAD, TIOCINQ: the bytes a read can take (canonical mode: of complete lines, without VEOF's marks) */
uint64_t tty_inq(tty_t *t)
{
    uint64_t n = t->qlen;
    if (line_mode(t->lflag))
        for (uint64_t i = 0; i < t->qlen; i++) {
            uint64_t pos = (t->qhead + i) % t->qcap;
            if (!t->q[pos] && line_end_at(t, pos)) n--;
        }
    return n;
}

static uint8_t take(tty_t *t)
{
    uint8_t c = t->q[t->qhead];
    t->qhead = (t->qhead + 1) % t->qcap;
    t->qlen--;
    return c;
}

/*
 * A read of the slave or console. Canonical: one line (or part of it). Raw, as Linux's VMIN/VTIME:
 * MIN 0 TIME 0 takes what is there (maybe nothing); MIN 0 TIME n waits for a byte at most n tenths
 * of a second; MIN n waits for n bytes (or len), with TIME the time allowed between bytes once the
 * first came. expired: the time ran out (posix-server keeps the timer): take what there is.
 */
static long ldisc_read(tty_t *t, uint8_t *b, uint64_t len, int nonblock, int expired)
{
    if (line_mode(t->lflag)) {
        if (!t->lines) return nonblock ? -EAGAIN : VFS_WOULD_BLOCK;
        uint64_t end = 0;  /* the first line: q[qhead .. qhead + end] */
        while (!line_end_at(t, (t->qhead + end) % t->qcap)) end++;
        int eof = !t->q[(t->qhead + end) % t->qcap];
        uint64_t data = end + !eof, n = 0;
        while (n < len && n < data) b[n++] = take(t);
        if (n == data) {  /* the whole line: its end of file mark goes too */
            if (eof) take(t);
            t->lines--;
        }
        return (long)n;
    }
    uint64_t min = t->cc[VMIN];
    if (!t->qlen) {
        if (!min && (!t->cc[VTIME] || expired)) return 0;
        return nonblock ? -EAGAIN : VFS_WOULD_BLOCK;
    }
    if (!nonblock && !expired && t->qlen < min && t->qlen < len) return VFS_WOULD_BLOCK;
    uint64_t n = 0;
    while (n < len && t->qlen) b[n++] = take(t);
    vfs_event(t);  /* room for a master's writer */
    return (long)n;
}

/*
 * A read of f could not finish: the tenths of a second its timer must run from now, or 0 to leave
 * it as it is. VMIN 0: one timer from the start of the read (running: it has one). VMIN n: restarted
 * by every byte that comes, from the first; *mark is the reader's note of the input it has seen
 * (0 at the start of a read).
 */
int tty_read_timer(file_t *f, int running, uint64_t *mark)
{
    tty_t *t = f->tty;
    if (f->master || line_mode(t->lflag) || !t->cc[VTIME]) return 0;
    if (!t->cc[VMIN]) return running ? 0 : t->cc[VTIME];
    if (!t->qlen || *mark == t->rx + 1) return 0;
    *mark = t->rx + 1;
    return t->cc[VTIME];
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
        t->qend = heap_alloc(4096 / 8);
        t->mq = heap_alloc(PTY_OUT);
    }
    uint8_t *line = t->line, *q = t->q, *qend = t->qend, *mq = t->mq;
    memset(t, 0, sizeof(*t));
    t->line = line; t->lcap = 4096;
    t->q = q; t->qcap = 4096; t->qend = qend;
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
        if (t->excl[0] && vfs_cred && vfs_cred->uid) return -EBUSY;  /* TIOCEXCL: only root opens it again */
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
/* A master's read: in packet mode a pending status byte alone, else TIOCPKT_DATA and the data. */
static long master_read(tty_t *t, uint8_t *b, uint64_t len, int nonblock)
{
    if (t->packet && t->pktstatus) {
        b[0] = t->pktstatus;
        t->pktstatus = 0;
        return 1;
    }
    uint64_t avail = tty_master_avail(t), n = 0;
    if (!avail) {
        if (t->slave_opened && !t->slaves) return -EIO;
        return nonblock ? -EAGAIN : VFS_WOULD_BLOCK;
    }
    if (t->packet) b[n++] = 0;  /* TIOCPKT_DATA */
    for (; n < len && avail; avail--) { b[n++] = t->mq[t->mhead]; t->mhead = (t->mhead + 1) % PTY_OUT; t->mlen--; }
    vfs_event(t);  /* room for the slave's writers */
    return (long)n;
}

long tty_file_read(file_t *f, void *buf, uint64_t len, int expired)
{
    tty_t *t = f->tty;
    int nonblock = (f->flags & O_NONBLOCK) != 0;
    if (f->master) return master_read(t, buf, len, nonblock);
    if (t->hungup) return 0;
    return ldisc_read(t, buf, len, nonblock, expired);
}

/* What the slave or the console writes, after output processing: how much of s was taken (the
 * master's queue may fill up; the console takes everything). */
static uint64_t slave_write(tty_t *t, const uint8_t *s, uint64_t len)
{
    uint8_t buf[256], o[8];
    uint64_t i = 0, n = 0;
    int pty = is_pty(t);
    for (; i < len; i++) {
        uint32_t col = t->column, ccol = t->canon_column;
        int k = 1;
        if (t->oflag & OPOST) k = opost(t, s[i], o);
        else o[0] = s[i];
        if (pty && PTY_OUT - t->mlen < n + (uint64_t)k) { t->column = col; t->canon_column = ccol; break; }
        if (n + (uint64_t)k > sizeof(buf)) { out_raw(t, buf, n); n = 0; }
        memcpy(buf + n, o, (uint64_t)k);
        n += (uint64_t)k;
    }
    out_raw(t, buf, n);
    return i;
}

long tty_file_write(file_t *f, const void *buf, uint64_t len)
{
    tty_t *t = f->tty;
    const uint8_t *s = buf;
    uint64_t i = 0;
    if (!f->master && t->hungup) return -EIO;
    if (!t->flow[f->master].stopped) {
        if (f->master) {
            /* the slave's input: in raw mode a full queue holds the writer back (canonical lines that
             * grow too long lose characters, as in Linux) */
            for (; i < len; i++) {
                if (!line_mode(t->lflag) && t->qlen >= t->qcap) break;
                tty_input(t, s[i]);
            }
        } else {
            i = slave_write(t, s, len);
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
        if (tty_master_avail(t)) r |= 1;
        if (t->packet && t->pktstatus) r |= 1 | 2;  /* POLLIN | POLLPRI */
        if (t->slave_opened && !t->slaves) r |= 16;
        if (!t->flow[1].stopped && (line_mode(t->lflag) || t->qlen < t->qcap)) r |= 4;
    } else {
        if (t->hungup) return (1 | 4 | 8 | 16) & (events | 8 | 16);
        if (readable(t, 1)) r |= 1;
        if (!t->flow[0].stopped && (!is_pty(t) || t->mlen < PTY_OUT)) r |= 4;
    }
    return r & (events | 8 | 16);
}

/*
 * TCFLSH: the input of the side (the slave's queue and line, or what the master has to read) is
 * dropped; its output has already gone on (a pty's to the other side, the console's to the UART),
 * so flushing it only tells a master in packet mode, as Linux's pty does.
 */
long tty_flush(tty_t *t, int queue, int master)
{
    if (queue < 0 || queue > 2) return -EINVAL;
    int in = queue != 1, out = queue != 0;
    if (master) {
        if (in) { t->mhead = (t->mhead + tty_master_avail(t)) % PTY_OUT; t->mlen = t->mheld; }
    } else {
        if (in) { flush_input(t); pkt_status(t, TIOCPKT_FLUSHREAD, 0); }
        if (out) pkt_status(t, TIOCPKT_FLUSHWRITE, 0);
    }
    vfs_event(t);
    return 0;
}

/* TCXONC: stop or restart the side's output (TCOOFF, TCOON), or send VSTOP or VSTART (TCIOFF,
 * TCION: out of the slave or console, or into the slave from its master). */
long tty_flow(tty_t *t, int action, int master)
{
    switch (action) {
    case TCOOFF:
        if (!t->flow[master].tco) { t->flow[master].tco = 1; stop_output(t, master); }
        return 0;
    case TCOON:
        if (t->flow[master].tco) { t->flow[master].tco = 0; start_output(t, master); }
        return 0;
    case TCIOFF: case TCION: {
        uint8_t c = t->cc[action == TCIOFF ? VSTOP : VSTART];
        if (!c) return 0;
        if (master) tty_input(t, c);
        else out_raw(t, &c, 1);
        return 0;
    }
    }
    return -EINVAL;
}

void tty_sti(tty_t *t, int master, uint8_t c)
{
    if (!master) { tty_input(t, c); return; }
    if (t->mlen < PTY_OUT) t->mq[(t->mhead + t->mlen++) % PTY_OUT] = c;  /* the master's input */
    vfs_event(t);
}

/* TIOCPKT: turning packet mode on forgets any status from before */
void tty_set_packet(tty_t *t, int on)
{
    if (on && !t->packet) t->pktstatus = 0;
    t->packet = on != 0;
    vfs_event(t);
}

/* The speed of a CBAUD code (Linux's baud_table; BOTHER: the number given). */
static uint32_t baud(uint32_t code, uint32_t given)
{
    static const uint32_t bauds[] = { 0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200,
        38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000,
        3000000, 3500000, 4000000 };
    if (code == CBAUDEX) return given;
    if (code & CBAUDEX) code = (code & ~(uint32_t)CBAUDEX) + 15;
    return bauds[code];
}

/* The bits and characters TIOCSLCKTRMIOS locked keep their old values (Linux's unset_locked_termios). */
static void keep_locked(tty_t *t, const uint8_t old[36])
{
    uint32_t f[4], o[4], l[4];
    memcpy(f, &t->iflag, 16);
    memcpy(o, old, 16);
    memcpy(l, t->lock_termios, 16);
    for (int i = 0; i < 4; i++) f[i] = (f[i] & ~l[i]) | (o[i] & l[i]);
    memcpy(&t->iflag, f, 16);
    if (t->lock_termios[16]) t->line_disc = old[16];
    for (int i = 0; i < 19; i++) if (t->lock_termios[17 + i]) t->cc[i] = old[17 + i];
}

/* ^S/^Q flow control as a master in packet mode sees it: IXON with the usual characters */
static int usual_flow(tty_t *t) { return (t->iflag & IXON) && t->cc[VSTOP] == 0x13 && t->cc[VSTART] == 0x11; }

/* TCSETS: locked bits stay; the speeds follow the CBAUD codes (BOTHER: the ones given with TCSETS2,
 * else the old ones); switching canonical mode on or off keeps the input; a pty's c_cflag is
 * CS8 | CREAD without parity; a master in packet mode hears of a change of flow control (and of any
 * change under EXTPROC); turning IXON off lets stopped output go. */
void tty_set_termios(tty_t *t, const uint8_t b[44], int speeds)
{
    uint32_t old = t->lflag, old_iflag = t->iflag;
    int old_flow = usual_flow(t);
    uint8_t prev[44];
    tty_get_termios(t, prev);
    memcpy(&t->iflag, b, 16);
    t->line_disc = b[16];
    memcpy(t->cc, b + 17, 19);
    keep_locked(t, prev);
    if (speeds) { memcpy(&t->ispeed, b + 36, 4); memcpy(&t->ospeed, b + 40, 4); }
    t->ospeed = baud(t->cflag & CBAUD, t->ospeed);
    uint32_t icode = (t->cflag >> IBSHIFT) & CBAUD;
    t->ispeed = icode ? baud(icode, t->ispeed) : t->ospeed;
    if (is_pty(t)) {
        t->cflag = (t->cflag & ~(uint32_t)(CSIZE | PARENB)) | CS8 | CREAD;
        int new_flow = usual_flow(t);
        if (old_flow != new_flow) pkt_status(t, new_flow ? TIOCPKT_DOSTOP : TIOCPKT_NOSTOP, TIOCPKT_DOSTOP | TIOCPKT_NOSTOP);
        if ((old | t->lflag) & EXTPROC) pkt_status(t, TIOCPKT_IOCTL, 0);
    }
    if ((old_iflag & IXON) && !(t->iflag & IXON)) start_output(t, 0);
    if ((old ^ t->lflag) & (ICANON | EXTPROC)) t->erasing = t->lnext = 0;
    if (line_mode(old) && !line_mode(t->lflag)) {  /* the line being edited becomes input */
        for (uint64_t i = 0; i < t->llen; i++) t->rx += (uint64_t)push(t, t->line[i]);
        t->llen = 0;
        t->lines = 0;
    } else if (!line_mode(old) && line_mode(t->lflag) && t->qlen) {  /* what is there reads as a line */
        for (uint64_t i = 0; i < t->qlen; i++) mark_line_end(t, (t->qhead + i) % t->qcap, i == t->qlen - 1);
        t->lines = 1;
    }
    vfs_event(t);
}

void tty_get_termios(tty_t *t, uint8_t b[44])
{
    memcpy(b, &t->iflag, 16);
    b[16] = t->line_disc;
    memcpy(b + 17, t->cc, 19);
    memcpy(b + 36, &t->ispeed, 4);
    memcpy(b + 40, &t->ospeed, 4);
}

void tty_termio_get(const uint8_t t2[44], uint8_t tio[17])
{
    for (int i = 0; i < 4; i++) memcpy(tio + 2 * i, t2 + 4 * i, 2);
    memcpy(tio + 8, t2 + 16, 9);  /* c_line, c_cc[0..7] */
}

void tty_termio_put(uint8_t t2[44], const uint8_t tio[17])
{
    for (int i = 0; i < 4; i++) memcpy(t2 + 4 * i, tio + 2 * i, 2);
    memcpy(t2 + 16, tio + 8, 9);
}

uint64_t tty_dev(tty_t *t) { return is_pty(t) ? ((uint64_t)PTS_MAJOR << 8) | (uint64_t)t->index : DEV_TTYAMA0; }
