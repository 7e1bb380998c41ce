/* Address-space invocations and page-table management. */
#include <object/vspace.h>
#include <object/cnode.h>
#include <object/untyped.h>
#include <arch/mmu.h>
#include <arch/machine.h>
#include <config.h>
#include <util.h>

static uint32_t next_asid = 1;

bool vspace_asid_available(void) { return next_asid < BIT(16); }

vspace_t *vspace_init(void *obj)
{
    vspace_t *vs = (vspace_t *)((uint8_t *)obj + PAGE_SIZE);
    vs->l0 = obj;
    vs->asid = (uint16_t)next_asid++;
    vs->ttbr = KVA_TO_PA(obj) | ((word_t)vs->asid << 48);
    return vs;
}

/* Number of missing tables on the way to va's leaf entry. */
static int tables_missing(vspace_t *vs, vaddr_t va)
{
    word_t *t = vs->l0;
    for (int lvl = 0; lvl < 3; lvl++) {
        word_t e = t[pt_index(va, lvl)];
        if (!(e & PTE_VALID)) return 3 - lvl;
        t = PA_TO_KVA(e & PTE_ADDR_MASK);
    }
    return 0;
}

/* Walk to the leaf table for va, allocating tables from the pool (the caller checked it suffices). */
static word_t *walk(vspace_t *vs, vaddr_t va, bool alloc)
{
    word_t *t = vs->l0;
    for (int lvl = 0; lvl < 3; lvl++) {
        word_t *e = &t[pt_index(va, lvl)];
        if (!(*e & PTE_VALID)) {
            if (!alloc) return NULL;
            assert(vs->pool + PAGE_SIZE <= vs->pool_end);
            word_t *nt = (word_t *)vs->pool;
            vs->pool += PAGE_SIZE;
            memset(nt, 0, PAGE_SIZE);
            dsb_ishst();
            *e = KVA_TO_PA(nt) | PTE_TABLE;
        }
        t = PA_TO_KVA(*e & PTE_ADDR_MASK);
    }
    return &t[pt_index(va, 3)];
}

word_t *vspace_lookup(vspace_t *vs, vaddr_t va)
{
    word_t *e = walk(vs, va, false);
    return e && (*e & PTE_VALID) ? e : NULL;
}

long vspace_map(vspace_t *vs, vaddr_t va, paddr_t pa, word_t rights, bool device)
{
    if (!IS_ALIGNED(va, PAGE_BITS) || va >= USER_TOP) return -EINVAL;
    if ((word_t)tables_missing(vs, va) * PAGE_SIZE > vs->pool_end - vs->pool) return -ENOMEM;
    word_t *e = walk(vs, va, true);
    word_t pte = pa | PTE_PAGE | PTE_AF | PTE_NG | PTE_PXN;
    pte |= device ? PTE_ATTR_DEVICE | PTE_UXN : PTE_ATTR_NORMAL | PTE_SH_INNER;
    pte |= (rights & PSN_RIGHT_W) ? PTE_AP_EL0_RW : PTE_AP_RO;
    if (!(rights & PSN_RIGHT_X)) pte |= PTE_UXN;
    word_t old = *e;
    *e = pte;
    dsb_ishst();
    if (old & PTE_VALID) mmu_flush_page(va, vs->asid);
    return 0;
}

long vspace_unmap(vspace_t *vs, vaddr_t va)
{
    if (!IS_ALIGNED(va, PAGE_BITS) || va >= USER_TOP) return -EINVAL;
    word_t *e = vspace_lookup(vs, va);
    if (!e) return 0;
    *e = 0;
    dsb_ishst();
    mmu_flush_page(va, vs->asid);
    return 0;
}

long decode_vspace(invocation_t *inv)
{
    vspace_t *vs = inv->cap->obj;
    switch (inv->label) {
    case PSN_M_VSPACE_SET_POOL: {
        cap_t *ut = cap_lookup(inv->t, inv->mr[0], PSN_OBJ_UNTYPED);
        if (!ut) return -EBADF;
        if (ut->extra & UT_DEVICE) return -EINVAL;
        word_t base = (word_t)ut->obj, end = base + BIT(ut->extra & 0xff);
        word_t start = ALIGN_UP(base + ut->badge, PAGE_SIZE);
        if (start + PAGE_SIZE > end) return -ENOMEM;
        vs->pool = start;
        vs->pool_end = end;
        memset(ut, 0, sizeof(*ut));
        return 0;
    }
    case PSN_M_VSPACE_MAP: {
        cap_t *f = cap_lookup(inv->t, inv->mr[0], PSN_OBJ_FRAME);
        if (!f) return -EBADF;
        word_t rights = inv->mr[2] & (PSN_RIGHT_R | PSN_RIGHT_W | PSN_RIGHT_X);
        if (rights & ~(word_t)f->rights) return -EPERM;
        return vspace_map(vs, inv->mr[1], KVA_TO_PA(f->obj), rights, f->extra);
    }
    case PSN_M_VSPACE_UNMAP:
        return vspace_unmap(vs, inv->mr[0]);
    case PSN_M_VSPACE_PROBE: {
        if (inv->mr[0] >= USER_TOP) return -EINVAL;
        word_t *e = vspace_lookup(vs, inv->mr[0] & ~MASK(PAGE_BITS));
        if (!e) return -ENOENT;
        word_t r = PSN_RIGHT_R | ((*e & PTE_AP_RO) == PTE_AP_EL0_RW ? PSN_RIGHT_W : 0) |
                   (*e & PTE_UXN ? 0 : PSN_RIGHT_X);
        inv->out[0] = (*e & PTE_ADDR_MASK) | r;
        inv->out_len = 1;
        return 0;
    }
    }
    return -ENOSYS;
}

long decode_frame(invocation_t *inv)
{
    if (inv->label != PSN_M_FRAME_GET_PHYS) return -ENOSYS;
    inv->out[0] = KVA_TO_PA(inv->cap->obj);
    inv->out_len = 1;
    return 0;
}
