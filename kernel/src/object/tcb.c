/* Thread invocations. */
#include <object/cnode.h>
#include <kernel/sched.h>
#include <kernel/ipc.h>
#include <arch/machine.h>
#include <arch/mmu.h>
#include <util.h>
#include <kernel/fpu.h>

#define REGS_FPU_OFF 512   /* TCB_REGS_*_FRAME: where the FP/SIMD state goes, after the registers */
#define FPU_BYTES 520      /* fpsr, fpcr, q0..q31 */
#define PSTATE_USER_MASK 0xf0000000UL /* NZCV: all a thread may choose of its PSTATE */

static word_t reg_read(tcb_t *t, tcb_t *self, word_t r)
{
    if (r == PSN_REG_TPIDR && t == self) return MRS(tpidr_el0);
    return t->ctx[r];
}

/* Registers lo..hi-1 of t were just stored in t->ctx: keep pstate to the user's flags, and load a
 * running thread's TLS register. */
static void regs_written(tcb_t *t, tcb_t *self, word_t lo, word_t hi)
{
    if (lo <= PSN_REG_PSTATE && PSN_REG_PSTATE < hi)
        t->ctx[PSN_REG_PSTATE] = (t->ctx[PSN_REG_PSTATE] & PSTATE_USER_MASK) | PSTATE_USER;
    if (lo <= PSN_REG_TPIDR && PSN_REG_TPIDR < hi && t == self) MSR(tpidr_el0, t->ctx[PSN_REG_TPIDR]);
}

static void reg_write(tcb_t *t, tcb_t *self, word_t r, word_t v)
{
    t->ctx[r] = v;
    regs_written(t, self, r, r + 1);
}

static void set_prio(tcb_t *t, uint8_t prio)
{
    if (t->in_rq) {
        sched_dequeue(t);
        t->prio = prio;
        sched_enqueue(t);
    } else {
        t->prio = prio;
    }
}

long decode_tcb(invocation_t *inv)
{
    tcb_t *t = inv->cap->obj, *self = inv->t;
    word_t *mr = inv->mr;
    switch (inv->label) {
    case PSN_M_TCB_CONFIGURE: {
        cap_t *cs = cap_lookup(self, mr[0], PSN_OBJ_CNODE);
        cap_t *vs = cap_lookup(self, mr[1], PSN_OBJ_VSPACE);
        cap_t *fe = mr[2] ? cap_lookup(self, mr[2], PSN_OBJ_ENDPOINT) : NULL;
        if (!cs || !vs || (mr[2] && !fe)) return -EBADF;
        if (mr[3] > PSN_MAX_PRIO) return -EINVAL;
        if (mr[3] > self->mcp) return -EPERM;
        if (t == self && vs->obj != t->vspace) return -EINVAL;
        t->cspace = (cnode_ref_t){ cs->obj, cs->extra };
        t->vspace = vs->obj;
        t->fault_ep = fe ? *fe : (cap_t){ 0 };
        t->mcp = (uint8_t)mr[3];
        set_prio(t, (uint8_t)mr[3]);
        return 0;
    }
    case PSN_M_TCB_WRITE_REGS:
        if (mr[0] >= PSN_NUM_REGS || mr[1] > PSN_NUM_REGS - mr[0] || mr[1] > PSN_NUM_MRS - 2) return -EINVAL;
        for (word_t i = 0; i < mr[1]; i++) reg_write(t, self, mr[0] + i, mr[2 + i]);
        return 0;
    case PSN_M_TCB_READ_REGS:
        if (mr[0] >= PSN_NUM_REGS || mr[1] > PSN_NUM_REGS - mr[0] || mr[1] > PSN_NUM_MRS) return -EINVAL;
        for (word_t i = 0; i < mr[1]; i++) inv->out[i] = reg_read(t, self, mr[0] + i);
        inv->out_len = mr[1];
        return 0;
    case PSN_M_TCB_REGS_TO_FRAME:
    case PSN_M_TCB_REGS_FROM_FRAME: {  /* every register in one call, through memory the caller sees */
        int to = inv->label == PSN_M_TCB_REGS_TO_FRAME;
        word_t flags = to ? mr[2] : mr[4];
        cap_t *f = cap_lookup(self, mr[0], PSN_OBJ_FRAME);
        if (!f) return -EBADF;
        if (f->extra) return -EINVAL;  /* a device frame is not memory */
        if (!(f->rights & (to ? PSN_RIGHT_W : PSN_RIGHT_R))) return -EPERM;
        if ((mr[1] & 15) || (flags & ~(word_t)PSN_REGS_FPU) ||
            mr[1] > PAGE_SIZE - ((flags & PSN_REGS_FPU) ? REGS_FPU_OFF + FPU_BYTES : PSN_NUM_REGS * sizeof(word_t)))
            return -EINVAL;
        if (!to && (mr[2] >= PSN_NUM_REGS || mr[3] > PSN_NUM_REGS - mr[2])) return -EINVAL;
        word_t *w = (word_t *)((char *)f->obj + mr[1]);
        if (to) {
            memcpy(w, t->ctx, PSN_NUM_REGS * sizeof(word_t));
            w[PSN_REG_TPIDR] = reg_read(t, self, PSN_REG_TPIDR);
        } else {
            memcpy(&t->ctx[mr[2]], &w[mr[2]], mr[3] * sizeof(word_t));
            regs_written(t, self, mr[2], mr[2] + mr[3]);
        }
        if (flags & PSN_REGS_FPU) {  /* fpsr, fpcr (4 bytes each), then q0..q31 */
            uint32_t *v = (uint32_t *)((char *)w + REGS_FPU_OFF);
            fpu_sync(t);  /* the registers, if they hold t's state, go to t->fpu first */
            if (to) { v[0] = t->fpu.fpsr; v[1] = t->fpu.fpcr; memcpy(&v[2], t->fpu.q, sizeof(t->fpu.q)); }
            else { t->fpu.fpsr = v[0]; t->fpu.fpcr = v[1]; memcpy(t->fpu.q, &v[2], sizeof(t->fpu.q)); }
        }
        return 0;
    }
    case PSN_M_TCB_GET_TIMES:
        if (mr[0] & ~(word_t)PSN_TIMES_RESET) return -EINVAL;
        inv->out[0] = t->utime * (1000000000UL / CONFIG_TICK_HZ);
        inv->out[1] = t->stime * (1000000000UL / CONFIG_TICK_HZ);
        inv->out_len = 2;
        if (mr[0] & PSN_TIMES_RESET) t->utime = t->stime = 0;
        return 0;
    case PSN_M_TCB_RESUME:
        if (!t->vspace || !t->cspace.slots) return -EINVAL;
        if (t->state == TS_INACTIVE) sched_wake(t);
        return 0;
    case PSN_M_TCB_SUSPEND:
        if (t->in_rq) sched_dequeue(t);
        else if (t->state != TS_RUNNING) ipc_unlink(t);
        t->state = TS_INACTIVE;
        return 0;
    case PSN_M_TCB_SET_PRIORITY:
        if (mr[0] > PSN_MAX_PRIO) return -EINVAL;
        if (mr[0] > self->mcp) return -EPERM;
        set_prio(t, (uint8_t)mr[0]);
        return 0;
    case PSN_M_TCB_BIND_NOTIFICATION: {
        if (!mr[0]) { ntfn_unbind(t); return 0; }
        cap_t *n = cap_lookup(self, mr[0], PSN_OBJ_NOTIFICATION);
        if (!n) return -EBADF;
        notification_t *nt = n->obj;
        if (nt->bound && nt->bound != t) return -EBUSY;
        ntfn_bind(nt, t);
        return 0;
    }
    }
    return -ENOSYS;
}
