/*
 * Kernel benchmarks, printed as "BENCH op=NAME iters=N insns=X" (guest instructions per operation
 * under qemu -icount shift=0, from cntvct_el0). The loops are written in assembly so that they
 * measure the kernel path, not the C stubs around it.
 */
#include "root.h"

#define ITERS 100000UL

static void report(const char *op, uint64_t ticks, uint64_t iters)
{
    /* instructions = ticks * 1e9 / cntfrq; printed with two decimals */
    uint64_t frq = read_cntfrq();
    uint64_t centi = ticks * 100000000000ULL / frq / iters;  /* safe: ticks < 2^40 here */
    printf("BENCH op=%s iters=%lu insns=%lu.%02lu\n", op, iters, centi / 100, centi % 100);
}

/* Server: receive once, then answer every call with one register, forever. */
static void bench_server(uint64_t ep)
{
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);
    register uint64_t x0 __asm__("x0");
    register uint64_t x1 __asm__("x1");
    register uint64_t x2 __asm__("x2") = 0;
    register uint64_t x8 __asm__("x8");
    for (;;) {
        x0 = ep; x1 = 1; x8 = PSN_SYS_REPLY_RECV;
        __asm__ volatile("svc #1" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x8) :: "x3", "x4", "x5", "x6", "x7", "memory");
    }
}

static void bench_ipc(void)
{
    task_t t;
    task_new(&t);
    task_setup(&t);
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    task_give(&t, 1, ep, PSN_RIGHT_R | PSN_RIGHT_W, 0);
    thread_new(&t, bench_server, 1, 100, 0);
    psn_msg_t m = { 0 };
    m.info = 1;
    psn_call(ep, &m);  /* the server is now waiting */
    uint64_t t0 = read_cntvct();
    register uint64_t n __asm__("x19") = ITERS;
    __asm__ volatile(
        "1: mov x0, %[ep]\n"
        "   mov x1, #1\n"
        "   mov x8, #0\n"
        "   svc #1\n"
        "   subs %[n], %[n], #1\n"
        "   b.ne 1b\n"
        : [n] "+r"(n) : [ep] "r"(ep) : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "memory", "cc");
    uint64_t t1 = read_cntvct();
    report("ipc_roundtrip", t1 - t0, ITERS);
}

/* Client in another task: ITERS Linux getppid syscalls, then the measured ticks as a kernel call. */
static void svc_client(uint64_t ep)
{
    uint64_t t0 = read_cntvct();
    register uint64_t n __asm__("x19") = ITERS;
    __asm__ volatile(
        "1: mov x8, #173\n"   /* getppid */
        "   svc #0\n"
        "   subs %[n], %[n], #1\n"
        "   b.ne 1b\n"
        : [n] "+r"(n) :: "x0", "x8", "memory", "cc");
    uint64_t t1 = read_cntvct();
    psn_msg_t m = { 0 };
    m.info = psn_info(1, 1);
    m.mr[0] = t1 - t0;
    psn_send(ep, &m);
    park();
}

static void bench_svc(void)
{
    task_t t;
    task_new(&t);
    task_setup(&t);
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    task_give(&t, 1, ep, PSN_RIGHT_R | PSN_RIGHT_W, 7);
    thread_new(&t, svc_client, 1, 100, ep);
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);  /* the first syscall */
    register uint64_t n __asm__("x19") = ITERS;
    register uint64_t x2 __asm__("x2");
    __asm__ volatile(
        "1: mov x0, %[ep]\n"
        "   mov x1, #1\n"
        "   mov x2, #1\n"     /* the syscall's result */
        "   mov x8, %[rr]\n"
        "   svc #1\n"
        "   subs %[n], %[n], #1\n"
        "   b.ne 1b\n"
        : [n] "+r"(n), "=r"(x2) : [ep] "r"(ep), [rr] "i"(PSN_SYS_REPLY_RECV)
        : "x0", "x1", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "memory", "cc");
    report("svc_redirect_roundtrip", x2, ITERS);  /* the last message is the client's report */
}

/* The cheapest kernel entry and exit: an unknown call number (ENOSYS, no thread switch). */
static void bench_null_kcall(void)
{
    uint64_t t0 = read_cntvct();
    register uint64_t n __asm__("x19") = ITERS;
    __asm__ volatile(
        "1: mov x8, #200\n"
        "   svc #1\n"
        "   subs %[n], %[n], #1\n"
        "   b.ne 1b\n"
        : [n] "+r"(n) :: "x0", "x1", "x8", "memory", "cc");
    report("kernel_null_call", read_cntvct() - t0, ITERS);
}

void run_benchmarks(void)
{
    bench_null_kcall();
    bench_ipc();
    bench_svc();
    printf("BENCH done\n");
}
