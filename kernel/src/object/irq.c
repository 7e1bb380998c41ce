/* IRQ control and handler invocations, and delivery of interrupts to notifications. */
#include <object/irq.h>
#include <object/cnode.h>
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <arch/irqchip.h>
#include <util.h>

static irq_state_t irqs[PSN_IRQ_MAX];

void irq_dispatch(uint32_t irq)
{
    if (irq == IRQ_TIMER_VIRT) {
        timer_rearm();
        irqchip->eoi(irq);
        sched_tick();
        return;
    }
    if (irq >= PSN_IRQ_MAX) return;
    irqchip->mask(irq);  /* until the driver acknowledges it */
    irqchip->eoi(irq);
    if (irqs[irq].ntfn) ntfn_signal(irqs[irq].ntfn, irqs[irq].badge);
}

long decode_irq_control(invocation_t *inv)
{
    if (inv->label != PSN_M_IRQ_CONTROL_GET) return -ENOSYS;
    word_t irq = inv->mr[0];
    cap_t *dst = cnode_slot(&inv->t->cspace, inv->mr[1]);
    if (irq < 16 || irq >= PSN_IRQ_MAX || irq == IRQ_TIMER_VIRT || !dst || inv->mr[1] == 0) return -EINVAL;
    if (irqs[irq].claimed) return -EBUSY;
    if (dst->type != PSN_OBJ_NULL) return -EEXIST;
    irqs[irq].claimed = true;
    *dst = (cap_t){ .type = PSN_OBJ_IRQ_HANDLER, .rights = PSN_RIGHT_W, .obj = &irqs[irq], .extra = (uint32_t)irq };
    return 0;
}

long decode_irq_handler(invocation_t *inv)
{
    irq_state_t *s = inv->cap->obj;
    uint32_t irq = inv->cap->extra;
    switch (inv->label) {
    case PSN_M_IRQ_SET_NOTIFICATION: {
        cap_t *n = cap_lookup(inv->t, inv->mr[0], PSN_OBJ_NOTIFICATION);
        if (!n) return -EBADF;
        s->ntfn = n->obj;
        s->badge = n->badge;
        irqchip->unmask(irq);
        return 0;
    }
    case PSN_M_IRQ_ACK:
        if (!s->ntfn) return -EINVAL;
        irqchip->unmask(irq);
        return 0;
    }
    return -ENOSYS;
}
