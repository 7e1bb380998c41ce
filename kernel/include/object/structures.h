/*
 * The kernel objects and the capability that names them.
 * Every object lives in memory retyped from an untyped capability; the kernel allocates nothing else.
 */
#ifndef OBJECT_STRUCTURES_H
#define OBJECT_STRUCTURES_H
#include <types.h>

struct tcb;

/*
 * A capability: 32 bytes in a CNode slot.
 *   obj    kernel VA of the object (untyped: of its memory; frame: of the page)
 *   badge  endpoint/notification/irq: the badge; untyped: bytes already retyped (watermark)
 *   extra  cnode: slot bits; untyped: size bits | device flag << 8; frame: device flag; reply: generation
 */
typedef struct cap {
    uint8_t type;    /* PSN_OBJ_* */
    uint8_t rights;  /* PSN_RIGHT_* */
    uint16_t pad;
    uint32_t extra;
    word_t badge;
    void *obj;
    word_t pad2;
} cap_t;
STATIC_ASSERT(sizeof(cap_t) == 32, "cap size");
#define CAP_SLOT_BITS 5

/* Thread states. Invariant: state == TS_RUNNING <=> the thread is this CPU's current thread or in its
 * priority's ready queue (in_rq); the current thread is never in a ready queue. */
enum { TS_INACTIVE, TS_RUNNING, TS_BLOCKED_SEND, TS_BLOCKED_RECV, TS_BLOCKED_REPLY, TS_BLOCKED_NTFN };

typedef struct tqueue { struct tcb *head, *tail; } tqueue_t;

typedef struct endpoint {
    tqueue_t q;      /* all senders or all receivers, never both */
    uint8_t state;   /* EP_IDLE, EP_SEND, EP_RECV */
} endpoint_t;
enum { EP_IDLE, EP_SEND, EP_RECV };

typedef struct notification {
    word_t word;       /* OR of badges signalled and not yet taken */
    tqueue_t q;        /* waiting threads */
    struct tcb *bound; /* thread that receives signals while it waits on an endpoint */
} notification_t;

typedef struct vspace {
    word_t *l0;           /* top-level table (kernel VA); the object's first 4 KiB */
    word_t ttbr;          /* TTBR0_EL1 value: physical address of l0 | asid << 48 */
    uint16_t asid;
    word_t pool, pool_end; /* page-table quota: kernel VAs of the donated untyped memory */
} vspace_t;
#define VSPACE_OBJ_BITS 13

typedef struct irq_state {
    notification_t *ntfn;
    word_t badge;
    bool claimed;
} irq_state_t;

typedef struct cnode_ref { cap_t *slots; uint32_t bits; } cnode_ref_t;

typedef struct fpu_state { __uint128_t q[32]; uint32_t fpsr, fpcr; } fpu_state_t;

/*
 * A thread. ctx must stay first: exception entry stores the user registers through SP_EL1,
 * which points at the running thread's ctx (see arch/aarch64/src/vectors.S).
 */
typedef struct tcb {
    word_t ctx[36];            /* x0..x30, sp, pc, pstate, tpidr_el0, pad: PSN_REG_* order */
    struct tcb *rq_next, *rq_prev; /* ready queue (state == TS_RUNNING) */
    struct tcb *q_next, *q_prev;   /* endpoint or notification wait queue */
    struct tcb *t_next;            /* timeout list */
    void *blocked_on;              /* endpoint or notification waited on */
    word_t deadline;               /* cntvct value when a timed wait expires; 0 = none */
    word_t send_badge;             /* badge of the cap used by a blocked sender */
    struct tcb *caller;            /* who is owed a reply (the implicit reply right) */
    uint32_t reply_gen;            /* bumped whenever a wait for a reply ends */
    uint8_t state, prio, mcp, slice, is_call; /* mcp: highest priority it may give */
    uint8_t can_grant, fault;      /* fault: PSN_FAULT_* pending while blocked on reply */
    uint8_t in_rq;                 /* in a ready queue */
    word_t utime, stime;           /* CPU time in ticks, sampled by sched_tick */
    word_t fault_msg[10];
    cnode_ref_t cspace;
    vspace_t *vspace;
    cap_t fault_ep;                /* copy of the fault-handler endpoint cap */
    notification_t *bound_ntfn;
    fpu_state_t fpu;
} tcb_t;
#define TCB_OBJ_BITS 11
STATIC_ASSERT(sizeof(tcb_t) <= BIT(TCB_OBJ_BITS), "tcb fits its object");
STATIC_ASSERT(offsetof(tcb_t, ctx) == 0, "ctx first");

#define CTX_SP PSN_REG_SP
#define CTX_PC PSN_REG_PC
#define CTX_PSTATE PSN_REG_PSTATE
#define CTX_TPIDR PSN_REG_TPIDR

#endif
