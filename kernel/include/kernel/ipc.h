/*
 * Synchronous IPC and notifications. A message is a label, up to PSN_NUM_MRS message registers and
 * optionally one capability; its info word (x1) is laid out by PSN_INFO_* (abi/persona.abi).
 */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H
#include <object/structures.h>

extern const uint8_t mr_reg[PSN_NUM_MRS];

static inline word_t info_get(word_t info, unsigned shift, word_t mask) { return (info >> shift) & mask; }
#define INFO_LEN(i) info_get(i, PSN_INFO_LEN_SHIFT, PSN_INFO_LEN_MASK)
#define INFO_LABEL(i) info_get(i, PSN_INFO_LABEL_SHIFT, PSN_INFO_LABEL_MASK)
#define INFO_CAPSLOT(i) info_get(i, PSN_INFO_CAPSLOT_SHIFT, PSN_INFO_CAPSLOT_MASK)
#define INFO_MAKE(label, len) (((word_t)(label) << PSN_INFO_LABEL_SHIFT) | (len))

/* Copy a message (t's registers, or its pending fault) from `from` to `to`: to's x0 = badge, x1 = info. */
void ipc_transfer(tcb_t *from, tcb_t *to, word_t badge);
/* End t's wait (endpoint, notification or reply) with x1 = err; t becomes runnable. */
void ipc_cancel(tcb_t *t, long err);
/* Remove t from the queue it waits in, without waking it. */
void ipc_unlink(tcb_t *t);

void ep_send(endpoint_t *ep, tcb_t *t, word_t badge, bool blocking, bool is_call, bool grant);
void ep_recv(endpoint_t *ep, tcb_t *t, bool blocking, word_t timeout_ns);
void ep_enqueue(endpoint_t *ep, tcb_t *t);
tcb_t *ep_dequeue(endpoint_t *ep);

void ntfn_signal(notification_t *n, word_t badge);
void ntfn_wait(notification_t *n, tcb_t *t, bool blocking, word_t timeout_ns);
void ntfn_bind(notification_t *n, tcb_t *t);
void ntfn_unbind(tcb_t *t);

/* Answer caller (blocked on reply) with server's message; returns 0 or -EINVAL. */
int ipc_reply(tcb_t *server, tcb_t *caller, word_t info);
/* Deliver a fault of t to its handler as if t had called it; t waits for the reply. */
void fault_raise(tcb_t *t, int type, const word_t *msg, int len);

#endif
