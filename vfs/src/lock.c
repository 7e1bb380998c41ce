/*
 * Locks on a node: POSIX record locks (owned by a process), open file description locks (owned by
 * an open file; they share the byte ranges with POSIX locks and conflict with them) and flock locks
 * (owned by an open file, whole file, a space of their own). Two locks conflict when their owners
 * differ, their ranges overlap and one of them is a write lock. A change reports an event on
 * &n->locks, where blocked F_SETLKW and flock calls wait.
 */
#include "vfs.h"
#include "lib.h"

void *heap_alloc(uint64_t n);
void heap_free(void *p, uint64_t n);

vlock_t *lock_conflict(vnode_t *n, int flock, uint64_t owner, int type, uint64_t start, uint64_t end)
{
    for (vlock_t *l = n->locks; l; l = l->next) {
        if (l->flock != flock || l->owner == owner) continue;
        if (l->end < start || l->start > end) continue;
        if (type == F_WRLCK || l->type == F_WRLCK) return l;
    }
    return 0;
}

static vlock_t *lock_new(vnode_t *n, uint64_t owner, int pid, int type, int flock, uint64_t start, uint64_t end)
{
    vlock_t *l = heap_alloc(sizeof(vlock_t));
    l->owner = owner; l->pid = pid; l->type = (short)type; l->flock = (short)flock;
    l->start = start; l->end = end;
    l->next = n->locks;
    n->locks = l;
    return l;
}

/*
 * Set (or with F_UNLCK remove) owner's lock on start..end: the owner's locks there are replaced, a
 * lock split in two when the range is inside it; then neighbours of the same type merge.
 * Returns 0, or -EAGAIN when another owner's lock conflicts (nothing changed then).
 */
long lock_set(vnode_t *n, int flock, uint64_t owner, int pid, int type, uint64_t start, uint64_t end)
{
    if (type != F_UNLCK && lock_conflict(n, flock, owner, type, start, end)) return -11; /* EAGAIN */
    for (vlock_t **pp = &n->locks, *l; (l = *pp);) {
        if (l->flock != flock || l->owner != owner || l->end < start || l->start > end) { pp = &l->next; continue; }
        if (l->start < start && l->end > end) {        /* the range is inside: keep both ends */
            lock_new(n, owner, l->pid, l->type, flock, end + 1, l->end);
            l->end = start - 1;
            pp = &l->next;
        } else if (l->start < start) {
            l->end = start - 1;
            pp = &l->next;
        } else if (l->end > end) {
            l->start = end + 1;
            pp = &l->next;
        } else {
            *pp = l->next;
            heap_free(l, sizeof(*l));
        }
    }
    if (type != F_UNLCK) {
        /* neighbours of the same type (touching or overlapping) become one lock */
        for (vlock_t **pp = &n->locks, *l; (l = *pp);) {
            int touch = l->flock == flock && l->owner == owner && l->type == type &&
                        (l->end == LOCK_MAX || l->end + 1 >= start) && (end == LOCK_MAX || l->start <= end + 1);
            if (!touch) { pp = &l->next; continue; }
            if (l->start < start) start = l->start;
            if (l->end > end) end = l->end;
            *pp = l->next;
            heap_free(l, sizeof(*l));
        }
        lock_new(n, owner, pid, type, flock, start, end);
    }
    vfs_event(&n->locks);
    return 0;
}

void lock_release(vnode_t *n, uint64_t owner)
{
    int changed = 0;
    for (vlock_t **pp = &n->locks, *l; (l = *pp);) {
        if (l->owner != owner) { pp = &l->next; continue; }
        *pp = l->next;
        heap_free(l, sizeof(*l));
        changed = 1;
    }
    if (changed) vfs_event(&n->locks);
}
