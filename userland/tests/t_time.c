/* Clocks and sleeping. */
#include "check.h"
#include <sys/time.h>
#include <time.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void)
{
    struct timespec a, b, r;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "clock_gettime(MONOTONIC)");
    CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0 && ns(b) >= ns(a), "the monotonic clock does not go back");
    CHECK(clock_getres(CLOCK_MONOTONIC, &r) == 0 && r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 1000000,
          "clock_getres(MONOTONIC) is at most 1 ms");
    struct timespec d = { 0, 30 * 1000000 };
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK(nanosleep(&d, 0) == 0, "nanosleep 30 ms");
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK(ns(b) - ns(a) >= 30000000LL && ns(b) - ns(a) < 1000000000LL, "and 30 ms to 1 s passed");
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec rel = { 0, 20 * 1000000 };
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &rel, 0) == 0, "clock_nanosleep(MONOTONIC) 20 ms");
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK(ns(b) - ns(a) >= 20000000LL, "and at least 20 ms passed");
    struct timeval tv;
    CHECK(gettimeofday(&tv, 0) == 0 && tv.tv_sec > 1600000000, "gettimeofday is after 2020");
    struct timespec bad = { 0, 1000000000 };
    CHECK_ERR(nanosleep(&bad, 0), EINVAL, "nanosleep with 10^9 ns: EINVAL");
    CHECK_ERR(nanosleep((void *)8, 0), EFAULT, "nanosleep from a bad pointer: EFAULT");
    return check_failed;
}
