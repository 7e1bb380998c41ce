/* Dynamic linking: a program linked against musl's shared libc runs through its interpreter
 * (PT_INTERP), and dlopen loads a library by name from the default path. Built without -static. */
#define _GNU_SOURCE
#include "check.h"
#include <dlfcn.h>
#include <elf.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mount.h>

int main(void)
{
    if (access("/proc/self/stat", F_OK)) mount("proc", "/proc", "proc", 0, 0);
    CHECK(getauxval(AT_BASE) != 0, "the interpreter's base is in the auxiliary vector (AT_BASE)");
    CHECK(getauxval(AT_ENTRY) != 0 && getauxval(AT_ENTRY) != getauxval(AT_BASE), "AT_ENTRY is the program's entry");
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[256];
    int seen = 0;
    while (maps && fgets(line, sizeof(line), maps)) if (strstr(line, "ld-musl")) seen = 1;
    if (maps) fclose(maps);
    CHECK(seen, "/proc/self/maps shows the dynamic linker");
    void *h = dlopen("libtdyn.so", RTLD_NOW);
    CHECK(h != 0, "dlopen finds a library by name on the default path");
    if (!h) { printf("# %s\n", dlerror()); return 1; }
    int *constructed = dlsym(h, "tdyn_constructed");
    const char *(*greet)(void) = (const char *(*)(void))dlsym(h, "tdyn_greeting");
    int (*add)(int, int) = (int (*)(int, int))dlsym(h, "tdyn_add");
    CHECK(constructed && *constructed == 42, "its constructor ran");
    CHECK(greet && !strcmp(greet(), "hello from a shared library"), "its relocated data is right");
    CHECK(add && add(2, 3) == 5, "its functions run");
    CHECK(dlsym(h, "no_such_symbol") == 0 && dlerror() != 0, "a missing symbol: NULL and an error");
    CHECK(dlopen("libnosuch.so", RTLD_NOW) == 0, "dlopen of a missing library fails");
    CHECK(dlclose(h) == 0, "dlclose");
    return check_failed;
}
