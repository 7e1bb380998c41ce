/* Untyped retype: carve objects out of donated memory, below a watermark that only grows. */
#include <object/untyped.h>
#include <object/cnode.h>
#include <object/vspace.h>
#include <arch/machine.h>
#include <config.h>
#include <util.h>

int object_size_bits(word_t type, word_t bits)
{
    switch (type) {
    case PSN_OBJ_TCB: return TCB_OBJ_BITS;
    case PSN_OBJ_ENDPOINT: return 5;
    case PSN_OBJ_NOTIFICATION: return 6;
    case PSN_OBJ_CNODE: return bits >= 1 && bits <= 16 ? (int)bits + CAP_SLOT_BITS : -1;
    case PSN_OBJ_VSPACE: return VSPACE_OBJ_BITS;
    case PSN_OBJ_FRAME: return 12;
    case PSN_OBJ_UNTYPED: return bits >= UT_MIN_BITS && bits <= UT_MAX_BITS ? (int)bits : -1;
    }
    return -1;
}

cap_t untyped_cap(paddr_t pa, unsigned bits, bool device)
{
    return (cap_t){ .type = PSN_OBJ_UNTYPED, .rights = PSN_RIGHT_R | PSN_RIGHT_W, .obj = PA_TO_KVA(pa),
                    .extra = bits | (device ? UT_DEVICE : 0) };
}

cap_t object_create(word_t type, word_t bits, void *kva, bool device)
{
    cap_t c = { .type = (uint8_t)type, .rights = PSN_RIGHT_R | PSN_RIGHT_W | PSN_RIGHT_G, .obj = kva };
    switch (type) {
    case PSN_OBJ_TCB: {
        tcb_t *t = kva;
        t->slice = CONFIG_TIME_SLICE_TICKS;
        t->ctx[CTX_PSTATE] = PSTATE_USER;
        break;
    }
    case PSN_OBJ_CNODE: c.extra = (uint32_t)bits; break;
    case PSN_OBJ_VSPACE: c.obj = vspace_init(kva); break;
    case PSN_OBJ_FRAME: c.rights = PSN_RIGHT_R | PSN_RIGHT_W | PSN_RIGHT_X; c.extra = device; break;
    case PSN_OBJ_UNTYPED: c = untyped_cap(KVA_TO_PA(kva), (unsigned)bits, device); break;
    }
    return c;
}

long decode_untyped(invocation_t *inv)
{
    if (inv->label != PSN_M_UNTYPED_RETYPE) return -ENOSYS;
    cap_t *ut = inv->cap;
    word_t type = inv->mr[0], bits = inv->mr[1], dest = inv->mr[2], count = inv->mr[3];
    bool device = ut->extra & UT_DEVICE;
    int obits = object_size_bits(type, bits);
    if (obits < 0 || count == 0 || count > 256) return -EINVAL;
    if (device && type != PSN_OBJ_FRAME && type != PSN_OBJ_UNTYPED) return -EINVAL;
    if (type == PSN_OBJ_VSPACE && !vspace_asid_available()) return -ENOMEM;
    word_t size = BIT(ut->extra & 0xff), base = (word_t)ut->obj;
    word_t start = ALIGN_UP(base + ut->badge, BIT(obits));
    if (start < base || start + (count << obits) > base + size || (count << obits) > size) return -ENOMEM;
    for (word_t i = 0; i < count; i++) {
        cap_t *s = cnode_slot(&inv->t->cspace, dest + i);
        if (!s || dest == 0) return -EINVAL;
        if (s->type != PSN_OBJ_NULL) return -EEXIST;
    }
    /* invoke */
    for (word_t i = 0; i < count; i++) {
        void *kva = (void *)(start + (i << obits));
        if (!device) memset(kva, 0, BIT(obits));
        inv->t->cspace.slots[dest + i] = object_create(type, bits, kva, device);
    }
    ut->badge = start + (count << obits) - base;
    return 0;
}
