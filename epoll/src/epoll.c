/*
 * epoll: an interest list of (file, fd) entries whose readiness is file_poll() of each file, asked
 * again whenever a waiter wakes. Entries do not hold their files: a file being released leaves every
 * list (epoll_file_gone). Level-triggered entries report while ready; edge-triggered ones when their
 * file's events changed since they were last reported (vfs_event_gen); one-shot ones once until
 * EPOLL_CTL_MOD. An epoll file is readable while one of its entries is ready, so epolls nest.
 */
#include "epoll.h"

void *heap_alloc(uint64_t n);
void heap_free(void *p, uint64_t n);
enum { ENOENT = 2, EBADF = 9, ENOMEM = 12, EEXIST = 17, EINVAL = 22, ENOSPC = 28, ELOOP = 40, EPERM = 1 };
#define EP_MAX_NESTS 4               /* as Linux: deeper chains are ELOOP */
#define EP_MAX_ITEMS 65536           /* entries in all epolls (max_user_watches) */
#define PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EXCLUSIVE_OK (1 | 4 | 8 | 16 | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)

typedef struct epitem {
    file_t *file;
    int fd;
    uint32_t events;                 /* what was asked, with EPOLLERR | EPOLLHUP */
    uint64_t data;
    uint32_t gen;                    /* edge-triggered: the file's event generation last reported */
    int fresh;                       /* edge-triggered: not reported since added or modified */
    struct epitem *next;
} epitem_t;

typedef struct eventpoll {
    epitem_t *items;
    struct eventpoll *next;          /* every epoll */
} eventpoll_t;

static eventpoll_t *all;
static int n_items;

static int ep_poll(file_t *f, int events);

/* The generation of f's events: an epoll's is the sum over its entries, so nested epolls change too. */
static uint32_t file_gen(file_t *f, int depth)
{
    if (!file_is_epoll(f)) return vfs_event_gen(vfs_wait_object(f));
    uint32_t g = 0;
    if (depth < EP_MAX_NESTS)
        for (epitem_t *it = ((eventpoll_t *)f->priv)->items; it; it = it->next) g += file_gen(it->file, depth + 1);
    return g;
}

static int depth_now;  /* nesting of ep_poll through epoll files */

/* The events of it that count now (0 if none); consume: this is a report (edge, one-shot). */
static uint32_t item_ready(epitem_t *it, int consume)
{
    if (!(it->events & ~PRIVATE_BITS)) return 0;  /* a one-shot entry already reported */
    uint32_t ev = (uint32_t)file_poll(it->file, (int)(it->events & ~PRIVATE_BITS)) & it->events;
    if (!ev) return 0;
    if (it->events & EPOLLET) {
        uint32_t g = file_gen(it->file, 0);
        if (!it->fresh && g == it->gen) return 0;
        if (consume) { it->gen = g; it->fresh = 0; }
    }
    if (consume && (it->events & EPOLLONESHOT)) it->events &= PRIVATE_BITS;
    return ev;
}

static int ep_poll(file_t *f, int events)
{
    eventpoll_t *ep = f->priv;
    if (depth_now > EP_MAX_NESTS) return 0;
    depth_now++;
    int r = 0;
    for (epitem_t *it = ep->items; it && !r; it = it->next) r = item_ready(it, 0) ? 1 : 0;
    depth_now--;
    return r & events;
}

static long ep_read(file_t *f, void *buf, uint64_t len) { (void)f; (void)buf; (void)len; return -EINVAL; }
static long ep_write(file_t *f, const void *buf, uint64_t len) { (void)f; (void)buf; (void)len; return -EINVAL; }

static void item_free(epitem_t *it)
{
    it->file->watched--;
    heap_free(it, sizeof(*it));
    n_items--;
}

static void ep_release(file_t *f)
{
    eventpoll_t *ep = f->priv;
    while (ep->items) { epitem_t *it = ep->items; ep->items = it->next; item_free(it); }
    for (eventpoll_t **pp = &all; *pp; pp = &(*pp)->next)
        if (*pp == ep) { *pp = ep->next; break; }
    heap_free(ep, sizeof(*ep));
}

static const file_ops_t epoll_ops = { "[eventpoll]", ep_read, ep_write, ep_poll, ep_release, 0 };

int file_is_epoll(file_t *f) { return f->ops == &epoll_ops; }

long epoll_create(uint32_t flags, file_t **out)
{
    if (flags) return -EINVAL;
    eventpoll_t *ep = heap_alloc(sizeof(*ep));
    if (!ep) return -ENOMEM;
    file_t *f = file_new_anon(&epoll_ops, ep, O_RDWR);
    if (!f) { heap_free(ep, sizeof(*ep)); return -ENOMEM; }
    ep->next = all;
    all = ep;
    *out = f;
    return 0;
}

void epoll_file_gone(file_t *f)
{
    for (eventpoll_t *ep = all; ep && f->watched; ep = ep->next)
        for (epitem_t **pp = &ep->items; *pp;) {
            epitem_t *it = *pp;
            if (it->file == f) { *pp = it->next; item_free(it); } else pp = &it->next;
        }
}

/* 1 if ep can be reached from f through entries (an ADD of f to ep would close a loop), or the chain
 * below f is deeper than depth allows. */
static int reaches(file_t *f, eventpoll_t *ep, int depth)
{
    if (!file_is_epoll(f)) return 0;
    if (f->priv == ep || depth > EP_MAX_NESTS) return 1;
    for (epitem_t *it = ((eventpoll_t *)f->priv)->items; it; it = it->next)
        if (reaches(it->file, ep, depth + 1)) return 1;
    return 0;
}

/* How many epolls contain this one, on the longest chain (its depth from the outermost). */
static int depth_above(eventpoll_t *ep, int depth)
{
    int best = depth;
    if (depth > EP_MAX_NESTS) return depth;
    for (eventpoll_t *o = all; o; o = o->next)
        for (epitem_t *it = o->items; it; it = it->next)
            if (file_is_epoll(it->file) && it->file->priv == ep) {
                int d = depth_above(o, depth + 1);
                if (d > best) best = d;
            }
    return best;
}

static int depth_below(file_t *f)
{
    if (!file_is_epoll(f)) return 0;
    int best = 0;
    for (epitem_t *it = ((eventpoll_t *)f->priv)->items; it; it = it->next) {
        int d = depth_below(it->file) + 1;
        if (d > best) best = d;
        if (best > EP_MAX_NESTS) break;
    }
    return best;
}

long epoll_ctl(file_t *epf, int op, int fd, file_t *target, const epoll_event_t *ev)
{
    if (!vfs_file_pollable(target)) return -EPERM;
    if (epf == target || !file_is_epoll(epf)) return -EINVAL;
    eventpoll_t *ep = epf->priv;
    uint32_t events = ev ? ev->events : 0;
    if (op != EPOLL_CTL_DEL && (events & EPOLLEXCLUSIVE)) {
        if (op == EPOLL_CTL_MOD) return -EINVAL;
        if (op == EPOLL_CTL_ADD && (file_is_epoll(target) || (events & ~EXCLUSIVE_OK))) return -EINVAL;
    }
    if (op == EPOLL_CTL_ADD && file_is_epoll(target) &&
        (reaches(target, ep, 0) || depth_above(ep, 0) + 1 + depth_below(target) > EP_MAX_NESTS))
        return -ELOOP;
    epitem_t **pp = &ep->items, *it;
    while ((it = *pp) && !(it->file == target && it->fd == fd)) pp = &it->next;
    switch (op) {
    case EPOLL_CTL_ADD:
        if (it) return -EEXIST;
        if (n_items >= EP_MAX_ITEMS) return -ENOSPC;
        if (!(it = heap_alloc(sizeof(*it)))) return -ENOMEM;
        it->file = target;
        it->fd = fd;
        target->watched++;
        n_items++;
        *pp = it;  /* at the end: reports come in the order entries were added */
        break;
    case EPOLL_CTL_DEL:
        if (!it) return -ENOENT;
        *pp = it->next;
        item_free(it);
        return 0;
    case EPOLL_CTL_MOD:
        if (!it) return -ENOENT;
        if (it->events & EPOLLEXCLUSIVE) return -EINVAL;
        break;
    default:
        return -EINVAL;
    }
    it->events = events | 8 | 16;  /* EPOLLERR and EPOLLHUP are always reported */
    it->data = ev->data;
    it->fresh = 1;
    it->gen = file_gen(target, 0);
    vfs_event(ep);  /* waiters look again */
    return 0;
}

int epoll_collect(file_t *epf, epoll_event_t *out, int max)
{
    eventpoll_t *ep = epf->priv;
    int n = 0;
    for (epitem_t *it = ep->items; it && n < max; it = it->next) {
        uint32_t ev = item_ready(it, 1);
        if (!ev) continue;
        out[n].events = ev;
        out[n].pad = 0;
        out[n].data = it->data;
        n++;
    }
    return n;
}
