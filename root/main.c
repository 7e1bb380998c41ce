/* The root task: receives every initial capability; runs the kernel tests, or the benchmarks. */
#include "lib.h"
#include "root.h"

static int has_arg(const char *args, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = args; *p; p++) {
        if ((p == args || p[-1] == ' ') && !__builtin_memcmp(p, w, n) && (p[n] == 0 || p[n] == ' ')) return 1;
    }
    return 0;
}

void root_main(struct psn_bootinfo *bi)
{
    bootinfo = bi;
    if (bi->magic != PSN_BOOTINFO_MAGIC) { psn_debug_write("root: bad bootinfo\n", 19); return; }
    printf("root: started, %lu untyped caps, %lu MiB RAM, args '%s'\n", bi->num_untyped, bi->ram_bytes >> 20,
           bi->bootargs);
    park_init();
    if (has_arg(bi->bootargs, "bench")) run_benchmarks();
    else run_tests();
}
