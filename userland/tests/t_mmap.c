/* Anonymous memory: mmap, munmap, mprotect, MAP_SHARED across fork, faults as SIGSEGV, brk, stack. */
#include "check.h"
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int dies_with_sigsegv(void (*fn)(void *), void *arg)
{
    pid_t c = fork();
    if (c == 0) { fn(arg); _exit(0); }
    int st;
    waitpid(c, &st, 0);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}
static void poke(void *p) { *(volatile int *)p = 1; }
static void peek(void *p) { (void)*(volatile int *)p; }

static int depth(int n) { volatile char buf[1024]; buf[0] = (char)n; return n ? depth(n - 1) + buf[0] : 0; }

int main(void)
{
    size_t len = 16 * 4096;
    unsigned char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int zero = p != MAP_FAILED;
    for (size_t i = 0; zero && i < len; i += 512) zero &= p[i] == 0;
    CHECK(zero, "anonymous mmap gives zeroed memory");
    memset(p, 0x5a, len);
    CHECK(p[len - 1] == 0x5a, "and it is writable");
    CHECK(munmap(p + 4096, 4096) == 0, "munmap one page in the middle");
    CHECK(dies_with_sigsegv(peek, p + 4096), "reading the unmapped page is SIGSEGV");
    CHECK(p[0] == 0x5a && p[2 * 4096] == 0x5a, "its neighbours stay");
    CHECK(mprotect(p, 4096, PROT_READ) == 0, "mprotect PROT_READ");
    CHECK(dies_with_sigsegv(poke, p), "writing a read-only page is SIGSEGV");
    CHECK(p[0] == 0x5a, "and it can still be read");
    int *shared = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int *priv = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *shared = 1; *priv = 1;
    pid_t c = fork();
    if (c == 0) { *shared = 42; *priv = 42; _exit(0); }
    waitpid(c, 0, 0);
    CHECK(*shared == 42, "MAP_SHARED memory is shared with a child");
    CHECK(*priv == 1, "MAP_PRIVATE memory is not");
    CHECK(dies_with_sigsegv(poke, (void *)16), "a write near address 0 is SIGSEGV");
    void *fixed = mmap((void *)0x300000000, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(fixed == (void *)0x300000000, "MAP_FIXED maps at the address asked");
    errno = 0;
    CHECK(mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL, "mmap of length 0: EINVAL");
    CHECK_ERR(munmap((char *)p + 1, 4096), EINVAL, "munmap at an unaligned address: EINVAL");
    CHECK_ERR(syscall(SYS_mprotect, (char *)p + 1, 4096, PROT_READ), EINVAL, "mprotect at an unaligned address: EINVAL");
    /* musl's sbrk only reads the break: use the syscall */
    long b0 = syscall(SYS_brk, 0);
    CHECK(b0 > 0 && syscall(SYS_brk, b0 + 65536) == b0 + 65536, "brk grows the heap");
    memset((void *)b0, 1, 65536);
    CHECK(syscall(SYS_brk, b0) == b0, "and shrinks it");
    CHECK(syscall(SYS_brk, 4096) == b0, "a break below the start is refused (brk returns the old one)");
    CHECK(depth(1000) >= 0, "the stack grows on demand (1 MiB of recursion)");
    unsigned char *dn = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(dn, 7, 8192);
    CHECK(madvise(dn, 8192, MADV_DONTNEED) == 0 && dn[0] == 0 && dn[8191] == 0, "MADV_DONTNEED: private pages read as zero again");
    CHECK_ERR(madvise((char *)dn + 1, 4096, MADV_DONTNEED), EINVAL, "madvise at an unaligned address: EINVAL");
    return check_failed;
}
