/* eventfd2, timerfd_*, epoll_create1, epoll_ctl and epoll_pwait(2): unpacking and waiting; the
 * objects are in epoll/. */
#include "posix.h"
#include "epoll.h"

#define O_CLOEXEC_ 02000000
#define NS 1000000000ULL

uint64_t epoll_clock_ns(void) { return time_ns(); }
uint64_t epoll_realtime_offset(void) { return REALTIME_OFFSET_NS; }

/* A new descriptor for f (made by a create call that returned r), or the error. */
static long install(proc_t *p, long r, file_t *f, uint64_t flags)
{
    if (r) return r;
    r = fd_alloc(p, f, 0, (flags & O_CLOEXEC_) != 0);
    if (r < 0) file_put(f);
    return r;
}

/* signalfd's host side: the signals of the thread being served. */
extern proc_t *current_caller;
#define UNSTOPPABLE ((1UL << 8) | (1UL << 18))  /* SIGKILL, SIGSTOP */
int signalfd_take(uint64_t mask, int32_t si[32]) { return current_caller ? sig_take_masked(current_caller, mask, si) : 0; }
int signalfd_ready(uint64_t mask) { return current_caller && (sig_pending_set(current_caller) & mask & ~UNSTOPPABLE); }

/* signalfd4(fd, mask, size, flags): a new signalfd (fd -1) or a new mask for one. */
static long sys_signalfd4(proc_t *p, uint64_t a[6])
{
    uint64_t mask;
    if (a[2] != 8 || (a[3] & ~(uint64_t)(O_NONBLOCK | O_CLOEXEC_))) return -EINVAL;
    if (copy_in(p, &mask, a[1], 8)) return -EFAULT;
    mask &= ~UNSTOPPABLE;
    if ((int)a[0] != -1) {
        file_t *f = fd_file(p, a[0]);
        if (!f) return -EBADF;
        if (!file_is_signalfd(f)) return -EINVAL;
        signalfd_set_mask(f, mask);
        signalfd_arrived();  /* waiters look again under the new mask */
        return (long)(int)a[0];
    }
    file_t *f = 0;
    return install(p, signalfd_create(mask, (uint32_t)a[3] & O_NONBLOCK, &f), f, a[3]);
}


/* The events ready on epoll file epf, copied out to uev (at most max): their count, or -errno. */
static long collect_out(proc_t *p, file_t *epf, uint64_t uev, int max)
{
    epoll_event_t buf[32];
    long total = 0;
    while (total < max) {
        int want = max - (int)total < 32 ? max - (int)total : 32;
        int n = epoll_collect(epf, buf, want);
        if (n && copy_out(p, uev + 16 * (uint64_t)total, buf, 16 * (uint64_t)n)) return total ? total : -EFAULT;
        total += n;
        if (n < want) break;
    }
    return total;
}

/*
 * epoll_pwait(epfd, events, maxevents, timeout ms, sigmask, size) and epoll_pwait2 (a timespec):
 * ready events now, or wait for a change (every change makes the call again).
 */
static long sys_epoll_pwait(proc_t *p, uint64_t nr, uint64_t a[6])
{
    int max = (int)a[2];
    if (max <= 0 || max > 0x7fffffff / 16) return -EINVAL;
    file_t *f = fd_file(p, a[0]);
    if (!f) return -EBADF;
    if (!file_is_epoll(f)) return -EINVAL;
    uint64_t deadline = 0;  /* cntvct; 0: wait for good */
    int poll_only;
    if (nr == LINUX_SYS_epoll_pwait2) {
        uint64_t ts[2] = { 0, 0 };
        if (a[3] && copy_in(p, ts, a[3], 16)) return -EFAULT;
        if (a[3] && ((int64_t)ts[0] < 0 || ts[1] >= NS)) return -EINVAL;
        poll_only = a[3] && !ts[0] && !ts[1];
        if (a[3] && !poll_only) deadline = read_cntvct() + ts[0] * read_cntfrq() + ts[1] * read_cntfrq() / NS;
    } else {
        int ms = (int)a[3];
        poll_only = ms == 0;
        if (ms > 0) deadline = read_cntvct() + (uint64_t)ms * read_cntfrq() / 1000;
    }
    if (a[4] && !p->poll_masked) {
        if (a[5] != 8) return -EINVAL;
        long r = poll_set_mask(p, a[4]);
        if (r) return r;
    }
    long n = collect_out(p, f, a[1], max);
    if (n || poll_only) { poll_restore_mask(p); return n; }
    if (sig_deliverable(p)) { p->poll_masked = 0; return -EINTR; }  /* the frame keeps the old mask */
    return fd_poll_wait(p, nr, a, deadline);
}

static long sys_epoll_ctl(proc_t *p, uint64_t a[6])
{
    epoll_event_t ev;
    int op = (int)a[1];
    if (op != EPOLL_CTL_DEL && copy_in(p, &ev, a[3], 16)) return -EFAULT;
    file_t *epf = fd_file(p, a[0]), *target = fd_file(p, a[2]);
    if (!epf || !target) return -EBADF;
    return epoll_ctl(epf, op, (int)a[2], target, op == EPOLL_CTL_DEL ? 0 : &ev);
}

static long sys_timerfd(proc_t *p, uint64_t nr, uint64_t a[6])
{
    file_t *f = fd_file(p, a[0]);
    if (!f) return -EBADF;
    if (!file_is_timerfd(f)) return -EINVAL;
    uint64_t nv[4], old[4];
    if (nr == LINUX_SYS_timerfd_gettime) {
        timerfd_gettime(f, old);
        return copy_out(p, a[1], old, 32);
    }
    if (copy_in(p, nv, a[2], 32)) return -EFAULT;
    long r = timerfd_settime(f, (int)a[1], nv, a[3] ? old : 0);
    if (!r && a[3]) r = copy_out(p, a[3], old, 32);
    return r;
}

long epoll_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled)
{
    file_t *f = 0;
    *handled = 1;
    switch (nr) {
    case LINUX_SYS_eventfd2:
        if (a[1] & ~(uint64_t)(EFD_SEMAPHORE | O_NONBLOCK | O_CLOEXEC_)) return -EINVAL;
        return install(p, eventfd_create((uint32_t)a[0], (uint32_t)a[1] & ~(uint32_t)O_CLOEXEC_, &f), f, a[1]);
    case LINUX_SYS_timerfd_create:
        if (a[1] & ~(uint64_t)(O_NONBLOCK | O_CLOEXEC_)) return -EINVAL;
        return install(p, timerfd_create((int)a[0], (uint32_t)a[1] & O_NONBLOCK, &f), f, a[1]);
    case LINUX_SYS_timerfd_settime:
    case LINUX_SYS_timerfd_gettime:
        return sys_timerfd(p, nr, a);
    case LINUX_SYS_signalfd4:
        return sys_signalfd4(p, a);
    case LINUX_SYS_epoll_create1:
        if (a[0] & ~(uint64_t)O_CLOEXEC_) return -EINVAL;
        return install(p, epoll_create(0, &f), f, a[0]);
    case LINUX_SYS_epoll_ctl:
        return sys_epoll_ctl(p, a);
    case LINUX_SYS_epoll_pwait:
    case LINUX_SYS_epoll_pwait2:
        return sys_epoll_pwait(p, nr, a);
    }
    *handled = 0;
    return 0;
}
