/* Bad input gets Linux's answer. */
#include "check.h"
#include <signal.h>
#include <sys/syscall.h>

int main(void)
{
    CHECK_ERR(write(1, (void *)8, 10), EFAULT, "write from a bad pointer: EFAULT");
    CHECK_ERR(write(99, "x", 1), EBADF, "write to a closed fd: EBADF");
    CHECK_ERR(close(99), EBADF, "close of a closed fd: EBADF");
    CHECK_ERR(syscall(1000), ENOSYS, "an unknown syscall number: ENOSYS");
    struct sigaction sa = { 0 };
    CHECK_ERR(sigaction(SIGKILL, &sa, 0), EINVAL, "sigaction on SIGKILL: EINVAL");
    CHECK_ERR(syscall(SYS_rt_sigaction, 0, 0, 0, 8), EINVAL, "rt_sigaction of signal 0: EINVAL");
    sigset_t s;
    CHECK(sigprocmask(SIG_BLOCK, 0, &s) == 0, "sigprocmask reads the mask");
    CHECK_ERR(syscall(SYS_rt_sigprocmask, 7, &s, 0, 8), EINVAL, "rt_sigprocmask with a bad 'how': EINVAL");
    CHECK(write(1, "", 0) == 0, "a write of 0 bytes returns 0");
    return check_failed;
}
