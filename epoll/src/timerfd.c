/* timerfd: a timer whose expiries a read collects as a count. Times are kept in monotonic ns; a
 * realtime timer's absolute value is moved by the realtime offset (which never changes here). */
#include "epoll.h"

void *heap_alloc(uint64_t n);
void heap_free(void *p, uint64_t n);
enum { EAGAIN = 11, ENOMEM = 12, EINVAL = 22 };
#define NS 1000000000ULL

typedef struct timerfd {
    uint64_t expires;        /* monotonic ns of the next expiry; 0: disarmed */
    uint64_t interval;       /* ns; 0: one shot */
    uint64_t ticks;          /* expiries not yet read */
    int clock;
    struct timerfd *next;    /* every timerfd */
} timerfd_t;

static timerfd_t *all;

/* read: 8 bytes, the expiries since the last read; waits while there are none. */
static long tfd_read(file_t *f, void *buf, uint64_t len)
{
    timerfd_t *t = f->priv;
    if (len < 8) return -EINVAL;
    if (!t->ticks) return (f->flags & O_NONBLOCK) ? -EAGAIN : VFS_WOULD_BLOCK;
    *(uint64_t *)buf = t->ticks;
    t->ticks = 0;
    return 8;
}

static long tfd_write(file_t *f, const void *buf, uint64_t len) { (void)f; (void)buf; (void)len; return -EINVAL; }

static int tfd_poll(file_t *f, int events)
{
    timerfd_t *t = f->priv;
    return (t->ticks ? 1 : 0) & events;
}

static void tfd_release(file_t *f)
{
    timerfd_t *t = f->priv;
    for (timerfd_t **pp = &all; *pp; pp = &(*pp)->next)
        if (*pp == t) { *pp = t->next; break; }
    heap_free(t, sizeof(*t));
}

static const file_ops_t timerfd_ops = { "[timerfd]", tfd_read, tfd_write, tfd_poll, tfd_release, 0 };

int file_is_timerfd(file_t *f) { return f->ops == &timerfd_ops; }

long timerfd_create(int clock, uint32_t flags, file_t **out)
{
    if (clock != 0 && clock != 1 && clock != 7 && clock != 8 && clock != 9) return -EINVAL;
    if (flags & ~(uint32_t)O_NONBLOCK) return -EINVAL;
    timerfd_t *t = heap_alloc(sizeof(*t));
    if (!t) return -ENOMEM;
    t->clock = clock;
    file_t *f = file_new_anon(&timerfd_ops, t, O_RDWR | flags);
    if (!f) { heap_free(t, sizeof(*t)); return -ENOMEM; }
    t->next = all;
    all = t;
    *out = f;
    return 0;
}

static int realtime(int clock) { return clock == 0 || clock == 8; }

void timerfd_gettime(file_t *f, uint64_t cur[4])
{
    timerfd_t *t = f->priv;
    uint64_t now = epoll_clock_ns(), left = t->expires > now ? t->expires - now : t->expires ? 1 : 0;
    cur[0] = t->interval / NS; cur[1] = t->interval % NS;
    cur[2] = left / NS; cur[3] = left % NS;
}

long timerfd_settime(file_t *f, int flags, const uint64_t nv[4], uint64_t old[4])
{
    timerfd_t *t = f->priv;
    if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) return -EINVAL;
    /* CANCEL_ON_SET only matters for absolute realtime timers, and the realtime clock is never set here */
    for (int i = 0; i < 4; i += 2)
        if ((int64_t)nv[i] < 0 || nv[i + 1] >= NS) return -EINVAL;
    if (old) timerfd_gettime(f, old);
    uint64_t value = nv[2] * NS + nv[3], now = epoll_clock_ns();
    t->interval = nv[0] * NS + nv[1];
    t->ticks = 0;
    if (!value) { t->expires = 0; return 0; }
    if (flags & TFD_TIMER_ABSTIME) {
        if (realtime(t->clock)) value = value > epoll_realtime_offset() ? value - epoll_realtime_offset() : 0;
        t->expires = value ? value : 1;  /* already past: expires at the next look */
    } else {
        t->expires = now + value;
    }
    return 0;
}

uint64_t timerfd_next(void)
{
    uint64_t n = 0;
    for (timerfd_t *t = all; t; t = t->next)
        if (t->expires && (!n || t->expires < n)) n = t->expires;
    return n;
}

void timerfd_expire(uint64_t now)
{
    for (timerfd_t *t = all; t; t = t->next) {
        if (!t->expires || t->expires > now) continue;
        if (t->interval) {
            uint64_t n = (now - t->expires) / t->interval + 1;
            t->ticks += n;
            t->expires += n * t->interval;
        } else {
            t->ticks++;
            t->expires = 0;
        }
        vfs_event(t);
    }
}
