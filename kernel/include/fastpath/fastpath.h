/*
 * Fastpaths for the three operations every client pays for: CALL and REPLY_RECV on an endpoint with
 * a register-only message, and a Linux `svc #0` delivered to a waiting handler. Each returns only
 * when a precondition fails, and the caller then takes the slow path, which handles every case.
 * The fastpaths assume the current thread has the highest priority of all runnable threads.
 */
#ifndef FASTPATH_FASTPATH_H
#define FASTPATH_FASTPATH_H
#include <object/structures.h>
/* Each returns t->ctx when it does not apply (having changed nothing). */
word_t *fastpath_call(tcb_t *t);
word_t *fastpath_reply_recv(tcb_t *t);
word_t *fastpath_linux_syscall(tcb_t *t);
#endif
