/* A signal handler that changes FP/SIMD registers leaves the interrupted code's intact: the frame
 * carries Linux's fpsimd_context, which the handler can read. */
#define _GNU_SOURCE
#include "check.h"
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>

#define FPSIMD_MAGIC 0x46508001
static volatile uint64_t seen_magic, seen_size, seen_v16, seen_fpcr_ok;

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)si;
    ucontext_t *uc = ctx;
    uint8_t *rec = (uint8_t *)uc->uc_mcontext.__reserved;
    seen_magic = *(uint32_t *)rec;
    seen_size = *(uint32_t *)(rec + 4);
    seen_v16 = *(uint64_t *)(rec + 16 + 16 * 16);  /* vregs[16], low half */
    seen_fpcr_ok = 1;
    /* clobber a caller-saved vector register, as any handler may */
    __asm__ volatile("mov x9, #0x7777\n fmov d16, x9" ::: "x9", "v16");
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, 0);
    uint64_t pattern = 0x123456789abcdef0ULL, after;
    register long x0 __asm__("x0") = getpid();
    register long x1 __asm__("x1") = SIGUSR1;
    register long x8 __asm__("x8") = SYS_kill;
    register uint64_t x2 __asm__("x2") = pattern;
    __asm__ volatile("fmov d16, x2\n"
                     "svc #0\n"          /* the handler runs as kill returns */
                     "fmov x2, d16\n"
                     : "+r"(x0), "+r"(x2) : "r"(x1), "r"(x8) : "v16", "memory");
    after = x2;
    CHECK(x0 == 0, "kill to self");
    CHECK(seen_magic == FPSIMD_MAGIC && seen_size == 528, "the frame starts with an fpsimd_context record");
    CHECK(seen_v16 == pattern, "the record holds the interrupted code's vector registers");
    CHECK(after == pattern, "a handler's change to a vector register does not reach the interrupted code");

    /* a fork child starts with the parent's FP/SIMD registers */
    register long c0 __asm__("x0") = SIGCHLD;
    register long c1 __asm__("x1") = 0;
    register long c8 __asm__("x8") = SYS_clone;
    register uint64_t c2 __asm__("x2") = pattern;
    __asm__ volatile("fmov d17, x2\n"
                     "svc #0\n"
                     "fmov x2, d17\n"
                     : "+r"(c0), "+r"(c2), "+r"(c1) : "r"(c8) : "x3", "x4", "v17", "memory");
    if (c0 == 0) _exit(c2 == pattern ? 0 : 1);
    int st = 0;
    waitpid(c0, &st, 0);
    CHECK(c0 > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "a fork child has the parent's vector registers");
    return check_failed;
}
