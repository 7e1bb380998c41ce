/*
 * eventfd, timerfd and epoll: files of objects outside the namespace (vfs.h's file_ops_t). Like the
 * VFS they are linked into the task of posix-server for now and called directly. Every function
 * returns -errno on failure; reads that must wait return VFS_WOULD_BLOCK and run again when
 * vfs_event() reports their object (the file's priv).
 *
 * Readiness is file_poll() for every kind of file; a change is a vfs_event() on the file's wait
 * object, and vfs_event_gen() tells an edge-triggered entry whether its object changed since it was
 * last reported.
 */
#ifndef EPOLL_H
#define EPOLL_H
#include "vfs.h"

#define EFD_SEMAPHORE 1
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2

/* eventfd2: a counter starting at initval; flags EFD_SEMAPHORE, O_NONBLOCK, O_CLOEXEC (the caller
 * takes O_CLOEXEC off). */
long eventfd_create(uint64_t initval, uint32_t flags, file_t **out);

/* timerfd_create for clock (CLOCK_REALTIME 0, MONOTONIC 1, BOOTTIME 7, REALTIME_ALARM 8,
 * BOOTTIME_ALARM 9); times are struct itimerspec as four words: interval sec, nsec, value sec, nsec. */
long timerfd_create(int clock, uint32_t flags, file_t **out);
int file_is_timerfd(file_t *f);
long timerfd_settime(file_t *f, int flags, const uint64_t nv[4], uint64_t old[4]);
void timerfd_gettime(file_t *f, uint64_t cur[4]);
uint64_t timerfd_next(void);          /* the earliest expiry of an armed timerfd (ns, monotonic), 0: none */
void timerfd_expire(uint64_t now);    /* count the expiries due at now (ns, monotonic) */
/* The clocks, in ns (the host implements them): monotonic, and the realtime offset to add. */
uint64_t epoll_clock_ns(void);
uint64_t epoll_realtime_offset(void);

/* signalfd4: reads take the caller's pending signals of mask (SIGKILL and SIGSTOP never). The host
 * says whose: signalfd_take takes one (its number, Linux's siginfo in si; 0: none), signalfd_ready
 * tells if one is pending. signalfd_arrived: call when a signal becomes pending anywhere. */
long signalfd_create(uint64_t mask, uint32_t flags, file_t **out);
int file_is_signalfd(file_t *f);
void signalfd_set_mask(file_t *f, uint64_t mask);
int signalfd_take(uint64_t mask, int32_t si[32]);
int signalfd_ready(uint64_t mask);
void signalfd_arrived(void);

/* struct epoll_event as arm64 lays it out: events, 4 bytes of padding, data. */
typedef struct epoll_event { uint32_t events, pad; uint64_t data; } epoll_event_t;
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLLEXCLUSIVE (1U << 28)
#define EPOLLWAKEUP (1U << 29)
#define EPOLLONESHOT (1U << 30)
#define EPOLLET (1U << 31)

long epoll_create(uint32_t flags, file_t **out);
int file_is_epoll(file_t *f);
/* EPOLL_CTL_*: target is the open file of descriptor fd (an entry is the pair, as in Linux). */
long epoll_ctl(file_t *ep, int op, int fd, file_t *target, const epoll_event_t *ev);
/* The entries ready now, at most max, into out (edge-triggered and one-shot entries are consumed). */
int epoll_collect(file_t *ep, epoll_event_t *out, int max);
#endif
