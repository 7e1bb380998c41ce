/* Invocation of a kernel object: CALL on a capability that is not an endpoint. */
#ifndef API_INVOCATION_H
#define API_INVOCATION_H
#include <object/structures.h>

/*
 * Decoders validate every argument first and return -errno without changing anything; only when all
 * checks pass do they perform the operation (the invoke step) and return 0.
 */
typedef struct invocation {
    tcb_t *t;                  /* the invoking thread */
    cap_t *cap;                /* the invoked capability, in t's cspace */
    word_t label, len;
    word_t mr[PSN_NUM_MRS];    /* arguments (MRs beyond len read as 0) */
    word_t out[PSN_NUM_MRS];   /* results */
    word_t out_len;
} invocation_t;

long invoke_object(invocation_t *inv);

long decode_untyped(invocation_t *inv);
long decode_tcb(invocation_t *inv);
long decode_vspace(invocation_t *inv);
long decode_frame(invocation_t *inv);
long decode_irq_control(invocation_t *inv);
long decode_irq_handler(invocation_t *inv);
#endif
