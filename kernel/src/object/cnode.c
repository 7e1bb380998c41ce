/* CNode invocations: copy, mint, move, delete, save-caller. */
#include <object/cnode.h>
#include <util.h>

cap_t *cap_lookup(tcb_t *t, word_t idx, int type)
{
    cap_t *c = cnode_slot(&t->cspace, idx);
    if (!c || c->type == PSN_OBJ_NULL || (type && c->type != type)) return NULL;
    return c;
}

static bool badgeable(const cap_t *c)
{
    return c->type == PSN_OBJ_ENDPOINT || c->type == PSN_OBJ_NOTIFICATION;
}

long cnode_save_caller(tcb_t *t, cap_t *dst)
{
    tcb_t *caller = t->caller;
    if (dst->type != PSN_OBJ_NULL) return -EEXIST;
    if (!caller || caller->state != TS_BLOCKED_REPLY) return -ENOENT;
    *dst = (cap_t){ .type = PSN_OBJ_REPLY, .rights = PSN_RIGHT_W, .obj = caller, .extra = caller->reply_gen };
    t->caller = NULL;
    return 0;
}

long decode_cnode(invocation_t *inv)
{
    cnode_ref_t dst_cs = { inv->cap->obj, inv->cap->extra };
    cap_t *dst = cnode_slot(&dst_cs, inv->mr[0]);
    if (!(inv->cap->rights & PSN_RIGHT_W)) return -EPERM;
    if (!dst) return -EINVAL;
    switch (inv->label) {
    case PSN_M_CNODE_COPY:
    case PSN_M_CNODE_MINT: {
        cap_t *src = cap_lookup(inv->t, inv->mr[1], 0);
        if (!src) return -EBADF;
        if (dst->type != PSN_OBJ_NULL) return -EEXIST;
        if (!cap_copyable(src)) return -EPERM;
        bool mint = inv->label == PSN_M_CNODE_MINT;
        if (mint && (!badgeable(src) || src->badge)) return -EPERM;
        cap_t c = *src;
        c.rights &= (uint8_t)inv->mr[2];
        if (mint) c.badge = inv->mr[3];
        *dst = c;
        return 0;
    }
    case PSN_M_CNODE_MOVE: {
        cap_t *src = cap_lookup(inv->t, inv->mr[1], 0);
        if (!src) return -EBADF;
        if (src == dst) return 0;
        if (dst->type != PSN_OBJ_NULL) return -EEXIST;
        *dst = *src;
        memset(src, 0, sizeof(*src));
        return 0;
    }
    case PSN_M_CNODE_DELETE:
        if (dst == inv->cap) return -EBUSY;
        memset(dst, 0, sizeof(*dst));
        return 0;
    case PSN_M_CNODE_SAVE_CALLER:
        return cnode_save_caller(inv->t, dst);
    }
    return -ENOSYS;
}
