/*
 * Fastpaths for the operations every client pays for: CALL and REPLY_RECV on an endpoint with a
 * register-only message, a Linux `svc #0` delivered to a waiting handler, and a server's answer
 * through a saved reply right (SEND on a REPLY cap; REPLY_RECV with SAVE, which parks a reply right
 * and runs the next ready thread). Each returns only
 * when a precondition fails, and the caller then takes the slow path, which handles every case.
 * The fastpaths assume the current thread has the highest priority of all runnable threads.
 *
 * CALL, SEND and REPLY_RECV are entered before the vector stores x0-x7: they get the caller's x0-x7 as
 * their arguments (cap, info, MR0-MR5) and the message stays in registers all the way to the
 * receiver (arch_fast_return). When they do not apply they store x0-x7 into the current thread's
 * ctx, so that the slow path sees every register, and return that ctx.
 */
#ifndef FASTPATH_FASTPATH_H
#define FASTPATH_FASTPATH_H
#include <object/structures.h>
word_t *fastpath_call(word_t cap, word_t info, word_t m0, word_t m1, word_t m2, word_t m3, word_t m4, word_t m5);
word_t *fastpath_reply_recv(word_t cap, word_t info, word_t m0, word_t m1, word_t m2, word_t m3, word_t m4, word_t m5);
word_t *fastpath_send(word_t cap, word_t info, word_t m0, word_t m1, word_t m2, word_t m3, word_t m4, word_t m5);
/* Entered with every register in t->ctx; returns t->ctx when it does not apply. */
word_t *fastpath_linux_syscall(tcb_t *t);
#endif
