/* Prints the guest instructions since reset (cntvct under -icount shift=0) as a benchmark line: the
 * boot image's /init runs it through a shell to measure boot to the shell (see scripts/bench.sh). */
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    uint64_t t, f;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    printf("BENCH op=%s iters=1 insns=%.1f\n", argc > 1 ? argv[1] : "stamp", (double)t * 1e9 / (double)f);
    return 0;
}
