/* The root task: receives every initial capability; runs the kernel tests, or the benchmarks. */
#include "lib.h"
#include "root.h"
#include "posix.h"

/* Boot arguments "init=/path -- arg1 arg2": run /path as the first Linux process. */
static int run_init(char *args)
{
    static char buf[256];
    memcpy(buf, args, sizeof(buf) - 1);
    char *argv[32], *path = 0;
    int argc = 1;
    for (char *t = buf; *t;) {
        while (*t == ' ') *t++ = 0;
        if (!*t) break;
        char *w = t;
        while (*t && *t != ' ') t++;
        if (*t) *t++ = 0;
        if (!path && !memcmp(w, "init=", 5)) path = w + 5;
        else if (path && argc == 1 && !strcmp(w, "--")) continue;
        else if (path && argc < 31) argv[argc++] = w;
    }
    if (!path) return -1;
    argv[0] = path;
    argv[argc] = 0;
    psn_vspace_set_pool(PSN_CAP_VSPACE, obj_new(PSN_OBJ_UNTYPED, 23)); /* tables for the frame window */
    if (posix_spawn_init(path, argv)) return 1;
    posix_serve();
    return 0;
}

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
    else if (run_init(bi->bootargs) < 0) run_tests();
}
