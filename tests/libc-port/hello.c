/* Built by the libc-port test with the sysroot's compiler, meson and cmake; uses a uAPI header. */
#include <linux/version.h>
#include <stdio.h>
int main(void)
{
    printf("hello from a cross-built program (uAPI %d)\n", LINUX_VERSION_CODE > 0);
    return 0;
}
