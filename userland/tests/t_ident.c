/* Identity, system information and randomness. */
#include "check.h"
#include <sched.h>
#include <sys/random.h>
#include <sys/utsname.h>

int main(void)
{
    CHECK(getpid() > 1, "getpid of a child is above 1");
    CHECK(getppid() == 1, "getppid: the runner is pid 1");
    CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0, "uid and gid of init's children are 0");
    struct utsname u;
    CHECK(uname(&u) == 0 && !strcmp(u.sysname, "Linux") && !strcmp(u.machine, "aarch64"), "uname: Linux on aarch64");
    unsigned char a[32] = { 0 }, b[32] = { 0 };
    CHECK(getrandom(a, sizeof(a), 0) == 32 && getrandom(b, sizeof(b), 0) == 32 && memcmp(a, b, 32),
          "getrandom fills buffers with different bytes");
    CHECK(sched_yield() == 0, "sched_yield");
    CHECK_ERR(getrandom((void *)8, 16, 0), EFAULT, "getrandom to a bad pointer: EFAULT");
    CHECK_ERR(uname((void *)8), EFAULT, "uname to a bad pointer: EFAULT");
    return check_failed;
}
