/* Process memory: frames, page maps, areas, demand paging, and copies to and from user space. */
#include "posix.h"

void *heap_alloc(uint64_t n);
void heap_free(void *p, uint64_t n);

/* ---- frames ---- */
#define FRAMES_PER_CHUNK 128
static frame_t *chunks[8192];
static uint32_t nframes = 1, free_head;  /* frame 0 is never used: 0 means "none" */

frame_t *frame_get(uint32_t f) { return &chunks[f / FRAMES_PER_CHUNK][f % FRAMES_PER_CHUNK]; }
void *frame_ptr(uint32_t f) { return (void *)(SERVER_WINDOW + (uint64_t)f * PAGE); }

/* Frames just made by the kernel (zeroed, mapped in the window), not used yet. */
#define FRESH_BATCH 16
static uint32_t fresh[FRESH_BATCH], n_fresh;

/* Make up to FRESH_BATCH frames in one retype: how many are fresh now. */
static uint32_t frames_make(void)
{
    if (mem_low()) return 0;  /* ENOMEM for the process, memory left for the servers */
    if (nframes + FRESH_BATCH >= sizeof(chunks) / sizeof(chunks[0]) * FRAMES_PER_CHUNK) return 0;
    uint64_t slot = slot_alloc_n(FRESH_BATCH);
    uint64_t got = obj_retype_n(PSN_OBJ_FRAME, 0, slot, FRESH_BATCH);
    for (uint64_t i = 0; i < got; i++) {
        uint32_t f = nframes;
        if (!chunks[f / FRAMES_PER_CHUNK]) chunks[f / FRAMES_PER_CHUNK] = heap_alloc(FRAMES_PER_CHUNK * sizeof(frame_t));
        if (psn_vspace_map(PSN_CAP_VSPACE, slot + i, (uint64_t)frame_ptr(f), PSN_RIGHT_R | PSN_RIGHT_W)) break;
        nframes++;
        frame_get(f)->slot = slot + i;
        fresh[n_fresh++] = f;
    }
    return n_fresh;
}

/* Frames kept for reuse (not in use by any process). */
uint64_t frames_free(void)
{
    uint64_t n = n_fresh;
    for (uint32_t f = free_head; f; f = frame_get(f)->next_free) n++;
    return n;
}

uint32_t frame_alloc(void)
{
    uint32_t f;
    if (free_head) {
        f = free_head;
        free_head = frame_get(f)->next_free;
        memset(frame_ptr(f), 0, PAGE);
    } else {
        if (!n_fresh && !frames_make()) return 0;
        f = fresh[--n_fresh];
    }
    frame_get(f)->ref = 1;
    return f;
}

uint32_t vfs_frame_alloc(void) { return frame_alloc(); }
void vfs_frame_put(uint32_t f) { frame_put(f); }
void *vfs_frame_ptr(uint32_t f) { return frame_ptr(f); }

void frame_put(uint32_t f)
{
    frame_t *fr = frame_get(f);
    if (--fr->ref == 0) {
        fr->next_free = free_head;
        free_head = f;
    }
}

/* ---- page map ---- */
uint64_t *pm_entry(pagemap_t *pm, uint64_t va, int alloc)
{
    if (pm->hint && pm->hint_vpn == va >> 12) return pm->hint;
    if (!pm->root) {
        if (!alloc) return 0;
        pm->root = heap_alloc(PAGE);
    }
    uint64_t *t = pm->root;
    for (int lvl = 0; lvl < 3; lvl++) {
        uint64_t *e = &t[(va >> (39 - 9 * lvl)) & 511];
        if (!*e) {
            if (!alloc) return 0;
            *e = (uint64_t)heap_alloc(PAGE);
        }
        t = (uint64_t *)*e;
    }
    pm->hint_vpn = va >> 12;
    return pm->hint = &t[(va >> 12) & 511];
}

static void pm_free_level(uint64_t *t, int lvl)
{
    if (lvl < 3)
        for (int i = 0; i < 512; i++)
            if (t[i]) pm_free_level((uint64_t *)t[i], lvl + 1);
    heap_free(t, PAGE);
}

/* Map the page in the process's address space; gives the space more page-table memory if needed. */
static long vs_map(proc_t *p, uint32_t f, uint64_t va, uint64_t pm_bits)
{
    uint64_t rights = PSN_RIGHT_R | (pm_bits & PM_W ? PSN_RIGHT_W : 0) | (pm_bits & PM_X ? PSN_RIGHT_X : 0);
    long r = psn_vspace_map(p->mm->vspace, frame_get(f)->slot, va, rights);
    if (r == -ENOMEM) {
        uint64_t ut = slot_alloc();
        if (obj_retype(PSN_OBJ_UNTYPED, 18, ut)) return -ENOMEM;
        psn_vspace_set_pool(p->mm->vspace, ut);
        r = psn_vspace_map(p->mm->vspace, frame_get(f)->slot, va, rights);
    }
    return r;
}

/* ---- address spaces ---- */
static uint64_t free_vspaces[64];
static int n_free_vspaces;

mm_t *mm_new(void)
{
    mm_t *mm = heap_alloc(sizeof(mm_t));
    if (n_free_vspaces) {
        mm->vspace = free_vspaces[--n_free_vspaces];
    } else {
        mm->vspace = obj_new(PSN_OBJ_VSPACE, 0);
        psn_vspace_set_pool(mm->vspace, obj_new(PSN_OBJ_UNTYPED, 18));
    }
    mm->users = 1;
    mm->mmap_base = USER_MMAP_TOP;
    return mm;
}

void mm_put(mm_t *mm)
{
    if (--mm->users > 0) return;
    proc_t tmp = { .mm = mm };
    mm_destroy(&tmp);
    if (mm->exe) vnode_put(mm->exe);
    /* the address space is empty now: keep it (and its page tables) for the next process */
    if (n_free_vspaces < 64) free_vspaces[n_free_vspaces++] = mm->vspace;
    heap_free(mm, sizeof(mm_t));
}

/* ---- areas ---- */
vma_t *mm_find(proc_t *p, uint64_t addr)
{
    for (vma_t *v = p->mm->vmas; v; v = v->next)
        if (addr >= v->start && addr < v->end) return v;
    return 0;
}

static void vma_free(vma_t *v)
{
    if (v->vn) vnode_put(v->vn);
    heap_free(v, sizeof(vma_t));
}

static void vma_insert(proc_t *p, vma_t *n)
{
    vma_t **pp = &p->mm->vmas;
    while (*pp && (*pp)->start < n->start) pp = &(*pp)->next;
    n->next = *pp;
    *pp = n;
}

/* Split areas so that none straddles addr. */
static void vma_split_at(proc_t *p, uint64_t addr)
{
    vma_t *v = mm_find(p, addr);
    if (!v || v->start == addr) return;
    vma_t *n = heap_alloc(sizeof(vma_t));
    *n = *v;
    n->start = addr;
    if (v->vn) {
        uint64_t d = addr - v->start;
        n->off = v->off + d;
        n->file_len = v->file_len > d ? v->file_len - d : 0;
        vnode_ref(n->vn);
    }
    v->end = addr;
    v->next = n;
}

static uint64_t pm_bits_for(uint32_t prot) { return (prot & PROT_WRITE ? PM_W : 0) | (prot & PROT_EXEC ? PM_X : 0); }

/* Drop the pages of [start, end) from the map, the address space and the frame references. */
static void unmap_pages(proc_t *p, uint64_t start, uint64_t end)
{
    for (uint64_t va = start; va < end; va += PAGE) {
        uint64_t *e = pm_entry(&p->mm->pm, va, 0);
        if (!e || !(*e & PM_PRESENT)) continue;
        if (*e & PM_MAPPED) psn_vspace_unmap(p->mm->vspace, va);
        frame_put((uint32_t)(*e >> 12));
        *e = 0;
    }
}

/* madvise: MADV_DONTNEED (4) and MADV_FREE (8) drop the pages of private areas (they read as zero or as the file again
 * when touched); the other advice changes nothing that a program can see. */
long mm_advise(proc_t *p, uint64_t start, uint64_t len, uint64_t advice)
{
    uint64_t end = start + ((len + PAGE - 1) & ~(PAGE - 1));
    if ((start & (PAGE - 1)) || end < start) return -EINVAL;
    if (!(advice <= 4 || (advice >= 8 && advice <= 25) || advice == 100 || advice == 101)) return -EINVAL;
    for (uint64_t a = start; a < end;) {
        vma_t *v = mm_find(p, a);
        if (!v) return -ENOMEM;
        uint64_t e = v->end < end ? v->end : end;
        if ((advice == 4 || advice == 8) && !(v->flags & VMA_SHARED)) unmap_pages(p, a, e); /* DONTNEED, FREE */
        a = e;
    }
    return 0;
}

long mm_unmap(proc_t *p, uint64_t start, uint64_t len)
{
    uint64_t end = start + ((len + PAGE - 1) & ~(PAGE - 1));
    if ((start & (PAGE - 1)) || len == 0 || end <= start || end > USER_STACK_TOP) return -EINVAL;
    vma_split_at(p, start);
    vma_split_at(p, end);
    for (vma_t **pp = &p->mm->vmas; *pp;) {
        vma_t *v = *pp;
        if (v->start >= start && v->end <= end) {
            unmap_pages(p, v->start, v->end);
            *pp = v->next;
            vma_free(v);
        } else {
            pp = &v->next;
        }
    }
    return 0;
}

/* A free range of len bytes below the mmap base, or 0. */
static uint64_t find_gap(proc_t *p, uint64_t len)
{
    uint64_t top = p->mm->mmap_base;
    for (;;) {
        uint64_t start = top - len;
        if (start < p->mm->brk + (64UL << 20) || start > top) return 0;
        vma_t *clash = 0;
        for (vma_t *v = p->mm->vmas; v; v = v->next)
            if (v->start < top && v->end > start) clash = v;
        if (!clash) return start;
        top = clash->start;
    }
}

long mm_map_anon(proc_t *p, uint64_t start, uint64_t len, uint32_t prot, uint32_t flags)
{
    return mm_map(p, start, len, prot, flags, 0, 0);
}

/*
 * A new area of len bytes at start (0: anywhere below the mmap base): the pages of vn from offset
 * off (vn may be 0: anonymous). A shared anonymous area is backed by a file in no directory, so
 * that processes sharing it after fork see the same pages whenever they first touch them.
 */
long mm_map(proc_t *p, uint64_t start, uint64_t len, uint32_t prot, uint32_t flags, vnode_t *vn, uint64_t off)
{
    len = (len + PAGE - 1) & ~(PAGE - 1);
    if (len == 0 || len > (1UL << 40)) return -ENOMEM;
    if (start) {
        if ((start & (PAGE - 1)) || start + len > USER_STACK_TOP || start + len < start) return -EINVAL;
        mm_unmap(p, start, len);
    } else {
        start = find_gap(p, len);
        if (!start) return -ENOMEM;
    }
    vma_t *v = heap_alloc(sizeof(vma_t));
    v->start = start;
    v->end = start + len;
    v->prot = prot;
    v->flags = flags;
    if (vn) {
        vnode_ref(vn);
    } else if (flags & VMA_SHARED) {
        if (!(vn = vnode_anon(len))) { heap_free(v, sizeof(vma_t)); return -ENOMEM; }
    }
    v->vn = vn;
    v->off = off;
    v->file_len = vn ? len : 0;
    vma_insert(p, v);
    return (long)start;
}

long mm_protect(proc_t *p, uint64_t start, uint64_t len, uint32_t prot)
{
    uint64_t end = start + ((len + PAGE - 1) & ~(PAGE - 1));
    if ((start & (PAGE - 1)) || end < start) return -EINVAL;
    for (uint64_t a = start; a < end;) {
        vma_t *v = mm_find(p, a);
        if (!v) return -ENOMEM;
        a = v->end;
    }
    vma_split_at(p, start);
    vma_split_at(p, end);
    for (vma_t *v = p->mm->vmas; v; v = v->next) {
        if (v->start < start || v->end > end) continue;
        v->prot = prot;
        for (uint64_t va = v->start; va < v->end; va += PAGE) {
            uint64_t *e = pm_entry(&p->mm->pm, va, 0);
            if (!e || !(*e & PM_PRESENT)) continue;
            uint32_t f = (uint32_t)(*e >> 12);
            int mapped = (*e & PM_MAPPED) != 0;
            *e = ((uint64_t)f << 12) | PM_PRESENT | pm_bits_for(prot);
            if (prot == 0) { if (mapped) psn_vspace_unmap(p->mm->vspace, va); }
            else if (mapped && !vs_map(p, f, va, *e)) *e |= PM_MAPPED;
        }
    }
    return 0;
}

long mm_fault(proc_t *p, uint64_t addr, int write, int exec)
{
    uint64_t va = addr & ~(PAGE - 1);
    vma_t *v = mm_find(p, addr);
    if (!v) {
        /* the stack grows down into the gap below it, up to its limit */
        for (vma_t *s = p->mm->vmas; s; s = s->next)
            if ((s->flags & VMA_GROWSDOWN) && addr < s->start && addr >= USER_STACK_TOP - USER_STACK_MAX) {
                s->start = va;
                v = s;
            }
        if (!v) return -EFAULT;
    }
    if ((write && !(v->prot & PROT_WRITE)) || (exec && !(v->prot & PROT_EXEC)) || !v->prot) return -EACCES;
    uint64_t *e = pm_entry(&p->mm->pm, va, 1);
    if (!(*e & PM_PRESENT)) {
        uint64_t off = va - v->start;
        uint32_t f;
        if (v->vn && (v->flags & VMA_SHARED)) {  /* the file's own page */
            long r = vnode_frame(v->vn, (v->off + off) / PAGE, &f);
            if (r) return r == -ENOMEM ? -ENOMEM : -EFAULT;
            frame_get(f)->ref++;
        } else {
            if (!(f = frame_alloc())) return -ENOMEM;
            if (v->vn && off < v->file_len)  /* demand paging from the file: a private copy of this page */
                vnode_read(v->vn, frame_ptr(f), v->file_len - off < PAGE ? v->file_len - off : PAGE, v->off + off);
        }
        *e = ((uint64_t)f << 12) | PM_PRESENT | pm_bits_for(v->prot);
    } else if (write && !(*e & PM_W)) {
        /* copy on write: a private page shared since fork gets its own frame */
        uint32_t f = (uint32_t)(*e >> 12);
        if (frame_get(f)->ref > 1) {
            uint32_t n = frame_alloc();
            if (!n) return -ENOMEM;
            memcpy(frame_ptr(n), frame_ptr(f), PAGE);
            frame_put(f);
            f = n;
        }
        *e = ((uint64_t)f << 12) | PM_PRESENT | pm_bits_for(v->prot);
    }
    long r = vs_map(p, (uint32_t)(*e >> 12), va, *e);
    if (!r) *e |= PM_MAPPED;
    return r;
}

/* The child gets the parent's areas; private writable pages become shared read-only (copy on write). */
long mm_fork(proc_t *parent, proc_t *child)
{
    mm_t *pm = parent->mm, *cm = child->mm;
    cm->arg_start = pm->arg_start; cm->arg_end = pm->arg_end;
    cm->env_start = pm->env_start; cm->env_end = pm->env_end;
    cm->start_stack = pm->start_stack;
    if ((cm->exe = pm->exe)) vnode_ref(cm->exe);
    vma_t **tail = &child->mm->vmas;
    for (vma_t *v = parent->mm->vmas; v; v = v->next) {
        vma_t *n = heap_alloc(sizeof(vma_t));
        *n = *v;
        n->next = 0;
        if (n->vn) vnode_ref(n->vn);
        *tail = n;
        tail = &n->next;
        for (uint64_t va = v->start; va < v->end; va += PAGE) {
            uint64_t *e = pm_entry(&parent->mm->pm, va, 0);
            if (!e || !(*e & PM_PRESENT)) continue;
            uint32_t f = (uint32_t)(*e >> 12);
            if ((*e & PM_W) && !(v->flags & VMA_SHARED)) {
                *e &= ~PM_W;
                if ((*e & PM_MAPPED) && vs_map(parent, f, va, *e)) return -ENOMEM;
            }
            uint64_t *c = pm_entry(&child->mm->pm, va, 1);
            *c = *e & ~PM_MAPPED; /* the child maps it when it first touches it */
            frame_get(f)->ref++;
        }
    }
    child->mm->brk_start = parent->mm->brk_start;
    child->mm->brk = parent->mm->brk;
    child->mm->mmap_base = parent->mm->mmap_base;
    return 0;
}

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2

long mm_remap(proc_t *p, uint64_t old, uint64_t old_len, uint64_t new_len, uint64_t flags, uint64_t new_addr)
{
    (void)new_addr;
    if ((old & (PAGE - 1)) || (flags & ~3UL) || ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))) return -EINVAL;
    old_len = (old_len + PAGE - 1) & ~(PAGE - 1);
    new_len = (new_len + PAGE - 1) & ~(PAGE - 1);
    if (!new_len || new_len > (1UL << 40)) return -EINVAL;
    if (flags & MREMAP_FIXED) return -EINVAL;  /* not yet */
    vma_t *v = mm_find(p, old);
    if (!v || old + old_len > v->end || old_len == 0) return -EFAULT;
    if (new_len <= old_len) {
        if (new_len < old_len) mm_unmap(p, old + new_len, old_len - new_len);
        return (long)old;
    }
    uint64_t end = old + new_len;
    int free_after = v->end == old + old_len && end <= USER_MMAP_TOP;
    for (vma_t *o = p->mm->vmas; o && free_after; o = o->next)
        if (o != v && o->start < end && o->end > old + old_len) free_after = 0;
    if (free_after) { v->end = end; return (long)old; }
    if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    uint64_t dst = find_gap(p, new_len);
    if (!dst) return -ENOMEM;
    vma_t *n = heap_alloc(sizeof(vma_t));
    n->start = dst; n->end = dst + new_len; n->prot = v->prot; n->flags = v->flags;
    if ((n->vn = v->vn)) {
        uint64_t d = old - v->start;
        vnode_ref(n->vn);
        n->off = v->off + d;
        n->file_len = v->file_len > d ? v->file_len - d : 0;
    }
    vma_insert(p, n);
    for (uint64_t off = 0; off < old_len; off += PAGE) {
        uint64_t *e = pm_entry(&p->mm->pm, old + off, 0);
        if (!e || !(*e & PM_PRESENT)) continue;
        uint64_t *d = pm_entry(&p->mm->pm, dst + off, 1);
        *d = *e & ~PM_MAPPED;  /* mapped again on first touch */
        if (*e & PM_MAPPED) psn_vspace_unmap(p->mm->vspace, old + off);
        *e = 0;
    }
    mm_unmap(p, old, old_len);
    return (long)dst;
}

/* The server's view of the byte at uva, faulting it in as the process would; 0 if it may not. */
uint8_t *user_ptr(proc_t *p, uint64_t uva, int write)
{
    if (uva >= USER_STACK_TOP) return 0;
    uint64_t *e = pm_entry(&p->mm->pm, uva, 0);
    if (!e || !(*e & PM_PRESENT) || (write && !(*e & PM_W))) {
        if (mm_fault(p, uva, write, 0) < 0) return 0;
        e = pm_entry(&p->mm->pm, uva, 0);
    }
    return (uint8_t *)frame_ptr((uint32_t)(*e >> 12)) + (uva & (PAGE - 1));
}

long copy_in(proc_t *p, void *dst, uint64_t uva, uint64_t len)
{
    uint8_t *d = dst;
    while (len) {
        if (uva >= USER_STACK_TOP) return -EFAULT;
        uint64_t n = PAGE - (uva & (PAGE - 1));
        if (n > len) n = len;
        uint8_t *s = user_ptr(p, uva, 0);
        if (!s) return -EFAULT;
        memcpy(d, s, n);
        d += n; uva += n; len -= n;
    }
    return 0;
}

long copy_out(proc_t *p, uint64_t uva, const void *src, uint64_t len)
{
    const uint8_t *s = src;
    while (len) {
        if (uva >= USER_STACK_TOP) return -EFAULT;
        uint64_t n = PAGE - (uva & (PAGE - 1));
        if (n > len) n = len;
        uint8_t *d = user_ptr(p, uva, 1);
        if (!d) return -EFAULT;
        memcpy(d, s, n);
        d += n; uva += n; len -= n; s += n;
    }
    return 0;
}

/* Copy a NUL-terminated string of at most max bytes (with the NUL); -ENAMETOOLONG if longer. */
long copy_in_str(proc_t *p, char *dst, uint64_t uva, uint64_t max)
{
    for (uint64_t i = 0; i < max; i++) {
        if (copy_in(p, &dst[i], uva + i, 1)) return -EFAULT;
        if (!dst[i]) return (long)i;
    }
    return -ENAMETOOLONG;
}

int mm_maps_writable(vnode_t *n)
{
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *p = &procs[i];
        if (p->state == P_FREE || p->state == P_ZOMBIE || !p->mm) continue;
        for (vma_t *v = p->mm->vmas; v; v = v->next)
            if (v->vn == n && (v->flags & VMA_SHARED) && (v->prot & PROT_WRITE)) return 1;
    }
    return 0;
}

void mm_destroy(proc_t *p)
{
    while (p->mm->vmas) {
        vma_t *v = p->mm->vmas;
        unmap_pages(p, v->start, v->end);
        p->mm->vmas = v->next;
        vma_free(v);
    }
    if (p->mm->pm.root) pm_free_level(p->mm->pm.root, 0);
    p->mm->pm.root = 0;
    p->mm->pm.hint = 0;
}
