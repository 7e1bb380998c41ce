/* Capability tables (CNodes) and capability lookup. */
#ifndef OBJECT_CNODE_H
#define OBJECT_CNODE_H
#include <object/structures.h>
#include <api/invocation.h>

/* Slot idx of a cspace, or NULL if out of range. A thread can only run with a cspace (TCB_RESUME),
 * so cs->slots is never NULL here. */
static inline cap_t *cnode_slot(const cnode_ref_t *cs, word_t idx)
{
    return (idx >> cs->bits) == 0 ? &cs->slots[idx] : NULL;
}
/* Slot in t's own cspace holding a capability of the given type (any type if 0), or NULL. */
cap_t *cap_lookup(tcb_t *t, word_t idx, int type);
/* Caps that may be duplicated (an untyped's watermark or a reply right must stay unique). */
static inline bool cap_copyable(const cap_t *c) { return c->type != PSN_OBJ_UNTYPED && c->type != PSN_OBJ_REPLY; }

long decode_cnode(invocation_t *inv);
/* Move t's pending reply right into empty slot dst as a REPLY cap: 0, -EEXIST, -ENOENT (none). */
long cnode_save_caller(tcb_t *t, cap_t *dst);
#endif
