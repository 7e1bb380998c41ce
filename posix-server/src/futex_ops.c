/*
 * futex: threads wait on a 32-bit word of their memory. A futex in private memory is named by (address
 * space, address), as Linux does for private and shared operations alike; one in MAP_SHARED memory
 * by (frame, offset), so that processes sharing the memory meet on it.
 */
#include "posix.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE 128
#define FUTEX_CLOCK_REALTIME 256

static long futex_key(proc_t *p, uint64_t uaddr, int private, uint64_t key[2])
{
    if (uaddr & 3) return -EINVAL;
    uint32_t v;
    if (copy_in(p, &v, uaddr, 4)) return -EFAULT;  /* also faults the page in */
    vma_t *area = mm_find(p, uaddr);
    if (private || !area || !(area->flags & VMA_SHARED)) { key[0] = (uint64_t)p->mm; key[1] = uaddr; return 0; }
    uint64_t *e = pm_entry(&p->mm->pm, uaddr, 0);
    key[0] = (1UL << 63) | (*e >> 12);
    key[1] = uaddr & (PAGE - 1);
    return 0;
}

static int wake(uint64_t key[2], uint32_t bits, long n)
{
    int woken = 0;
    for (int i = 0; i < MAX_PROCS && woken < n; i++) {
        proc_t *t = &procs[i];
        if (t->state != P_FUTEX || t->futex_key[0] != key[0] || t->futex_key[1] != key[1] || !(t->futex_bits & bits)) continue;
        if (t->wake_at) { t->wake_at = 0; sleepers--; }
        t->state = P_RUN;
        proc_reply(t, 0);
        woken++;
    }
    return woken;
}

void futex_cancel(proc_t *t) { (void)t; }

/* futex(uaddr, op, val, timeout/val2, uaddr2, val3) */
long futex_op(proc_t *p, uint64_t a[6])
{
    int op = (int)(a[1] & 127), private = (a[1] & FUTEX_PRIVATE) != 0;
    uint32_t val = (uint32_t)a[2];
    uint64_t key[2], key2[2];
    long r = futex_key(p, a[0], private, key);
    if (r) return r;
    switch (op) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        uint32_t bits = op == FUTEX_WAIT ? ~0u : (uint32_t)a[5], cur;
        if (!bits) return -EINVAL;
        uint64_t deadline = 0;
        if (a[3]) {
            uint64_t ts[2], f = read_cntfrq();
            if (copy_in(p, ts, a[3], 16)) return -EFAULT;
            if (ts[1] >= 1000000000ULL || (int64_t)ts[0] < 0) return -EINVAL;
            uint64_t ticks = ts[0] * f + ts[1] * f / 1000000000ULL;
            if (op == FUTEX_WAIT) deadline = read_cntvct() + ticks;
            else if (a[1] & FUTEX_CLOCK_REALTIME) {
                uint64_t now_rt = read_cntvct() + 1764000000ULL * f;  /* the realtime clock's offset */
                deadline = ticks > now_rt ? read_cntvct() + (ticks - now_rt) : read_cntvct();
            } else deadline = ticks;                               /* absolute, monotonic */
            if (!deadline) deadline = 1;
        }
        copy_in(p, &cur, a[0], 4);
        if (cur != val) return -EAGAIN;
        if (deadline && deadline <= read_cntvct()) return -110; /* ETIMEDOUT */
        p->futex_key[0] = key[0];
        p->futex_key[1] = key[1];
        p->futex_bits = bits;
        p->state = P_FUTEX;
        if (deadline) sleep_arm(p, deadline);
        return SYSCALL_NO_REPLY;
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
        uint32_t bits = op == FUTEX_WAKE ? ~0u : (uint32_t)a[5];
        if (!bits) return -EINVAL;
        return wake(key, bits, (long)(int)val);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
        if ((r = futex_key(p, a[4], private, key2))) return r;
        if (op == FUTEX_CMP_REQUEUE) {
            uint32_t cur;
            copy_in(p, &cur, a[0], 4);
            if (cur != (uint32_t)a[5]) return -EAGAIN;
        }
        long n = wake(key, ~0u, (long)(int)val), moved = 0, max = (long)(int)a[3];
        for (int i = 0; i < MAX_PROCS && moved < max; i++) {
            proc_t *t = &procs[i];
            if (t->state != P_FUTEX || t->futex_key[0] != key[0] || t->futex_key[1] != key[1]) continue;
            t->futex_key[0] = key2[0];
            t->futex_key[1] = key2[1];
            moved++;
        }
        return n + moved;
    }
    }
    return -ENOSYS;
}
