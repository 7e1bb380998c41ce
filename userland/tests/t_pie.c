/* A static-PIE binary (built with -static-pie) relocates itself and runs. */
#include "check.h"
#include <stdint.h>
static int data = 42;
static int *ptr = &data;   /* needs a relative relocation */
int main(void)
{
    CHECK(*ptr == 42 && (uintptr_t)&data > 0x10000, "a static-PIE binary relocates itself and runs");
    return check_failed;
}
