/* eventfd: a 64-bit counter that writes add to and reads take (all of it, or one as a semaphore). */
#include "epoll.h"

void *heap_alloc(uint64_t n);
void heap_free(void *p, uint64_t n);
enum { EAGAIN = 11, ENOMEM = 12, EINVAL = 22 };
#define EFD_MAX 0xfffffffffffffffeULL

typedef struct eventfd { uint64_t count; uint32_t semaphore; } eventfd_t;

/* read: 8 bytes, the count (or 1); waits while it is 0. */
static long efd_read(file_t *f, void *buf, uint64_t len)
{
    eventfd_t *e = f->priv;
    if (len < 8) return -EINVAL;
    if (!e->count) return (f->flags & O_NONBLOCK) ? -EAGAIN : VFS_WOULD_BLOCK;
    uint64_t v = e->semaphore ? 1 : e->count;
    e->count -= v;
    *(uint64_t *)buf = v;
    vfs_event(e);
    return 8;
}

/* write: 8 bytes added to the count; waits while the sum would pass EFD_MAX. */
static long efd_write(file_t *f, const void *buf, uint64_t len)
{
    eventfd_t *e = f->priv;
    if (len < 8) return -EINVAL;
    uint64_t v = *(const uint64_t *)buf;
    if (v == ~0ULL) return -EINVAL;
    if (v > EFD_MAX - e->count) return (f->flags & O_NONBLOCK) ? -EAGAIN : VFS_WOULD_BLOCK;
    e->count += v;
    if (v) vfs_event(e);
    return 8;
}

static int efd_poll(file_t *f, int events)
{
    eventfd_t *e = f->priv;
    int r = (e->count ? 1 : 0) | (e->count < EFD_MAX ? 4 : 0);
    return r & events;
}

static void efd_release(file_t *f) { heap_free(f->priv, sizeof(eventfd_t)); }

static const file_ops_t eventfd_ops = { "[eventfd]", efd_read, efd_write, efd_poll, efd_release, 0 };

long eventfd_create(uint64_t initval, uint32_t flags, file_t **out)
{
    if (flags & ~(uint32_t)(EFD_SEMAPHORE | O_NONBLOCK)) return -EINVAL;
    eventfd_t *e = heap_alloc(sizeof(*e));
    if (!e) return -ENOMEM;
    e->count = initval;
    e->semaphore = flags & EFD_SEMAPHORE;
    file_t *f = file_new_anon(&eventfd_ops, e, O_RDWR | (flags & O_NONBLOCK));
    if (!f) { heap_free(e, sizeof(*e)); return -ENOMEM; }
    *out = f;
    return 0;
}
