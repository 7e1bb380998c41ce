/*
 * signalfd: reading takes the reader's pending signals of a mask, as struct signalfd_siginfo.
 * Whose signals those are is the host's business (the calling thread): signalfd_take and
 * signalfd_ready. Every pending signal is one event on a single object, so readers and pollers of
 * any signalfd look again whenever a signal arrives.
 */
#include "epoll.h"
#include "lib.h"

void *heap_alloc(uint64_t n);
void heap_free(void *p, uint64_t n);
enum { EAGAIN = 11, ENOMEM = 12, EINVAL = 22 };

typedef struct signalfd { uint64_t mask; } signalfd_t;
static int n_signalfds;
static char signal_event;  /* the wait object of every signalfd */

/* One Linux siginfo (si, 128 bytes) as signalfd_siginfo (out, 128 bytes), as Linux lays out each kind. */
static void to_ssi(const int32_t si[32], uint8_t out[128])
{
    int32_t sig = si[0], code = si[2];
    uint32_t *w = (uint32_t *)out;
    memset(out, 0, 128);
    w[0] = (uint32_t)sig; w[1] = (uint32_t)si[1]; w[2] = (uint32_t)code;
    uint64_t value;
    memcpy(&value, &si[6], 8);
    int fault = code > 0 && code < 0x80 && (sig == 4 || sig == 5 || sig == 7 || sig == 8 || sig == 11);
    if (fault) {
        memcpy(out + 72, &si[4], 8);                      /* ssi_addr */
    } else if (code == -2) {                              /* SI_TIMER: tid, overrun, value */
        w[6] = (uint32_t)si[4]; w[8] = (uint32_t)si[5];
        memcpy(out + 48, &value, 8); w[11] = (uint32_t)value;
    } else if (sig == 17 && code > 0 && code < 0x80) {    /* SIGCHLD: pid, uid, status, times */
        w[3] = (uint32_t)si[4]; w[4] = (uint32_t)si[5]; w[10] = (uint32_t)si[6];
        memcpy(out + 56, &si[8], 8); memcpy(out + 64, &si[10], 8);
    } else {                                              /* kill, sigqueue, tkill: pid, uid (and value) */
        w[3] = (uint32_t)si[4]; w[4] = (uint32_t)si[5];
        if (code < 0) { memcpy(out + 48, &value, 8); w[11] = (uint32_t)value; }
    }
}

/* read: whole signalfd_siginfo records, as many as fit and are pending; waits while none is. */
static long sfd_read(file_t *f, void *buf, uint64_t len)
{
    signalfd_t *s = f->priv;
    if (len < 128) return -EINVAL;
    long n = 0;
    int32_t si[32];
    while (len - (uint64_t)n >= 128 && signalfd_take(s->mask, si)) {
        to_ssi(si, (uint8_t *)buf + n);
        n += 128;
    }
    if (n) return n;
    return (f->flags & O_NONBLOCK) ? -EAGAIN : VFS_WOULD_BLOCK;
}

static long sfd_write(file_t *f, const void *buf, uint64_t len) { (void)f; (void)buf; (void)len; return -EINVAL; }
static int sfd_poll(file_t *f, int events) { return (signalfd_ready(((signalfd_t *)f->priv)->mask) ? 1 : 0) & events; }
static void *sfd_object(file_t *f) { (void)f; return &signal_event; }

static void sfd_release(file_t *f)
{
    heap_free(f->priv, sizeof(signalfd_t));
    n_signalfds--;
}

static const file_ops_t signalfd_ops = { "[signalfd]", sfd_read, sfd_write, sfd_poll, sfd_release, sfd_object };

int file_is_signalfd(file_t *f) { return f->ops == &signalfd_ops; }

long signalfd_create(uint64_t mask, uint32_t flags, file_t **out)
{
    signalfd_t *s = heap_alloc(sizeof(*s));
    if (!s) return -ENOMEM;
    s->mask = mask;
    file_t *f = file_new_anon(&signalfd_ops, s, O_RDWR | (flags & O_NONBLOCK));
    if (!f) { heap_free(s, sizeof(*s)); return -ENOMEM; }
    n_signalfds++;
    *out = f;
    return 0;
}

void signalfd_set_mask(file_t *f, uint64_t mask) { ((signalfd_t *)f->priv)->mask = mask; }

void signalfd_arrived(void)
{
    if (n_signalfds) vfs_event(&signal_event);
}
