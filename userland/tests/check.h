/* Shared by the compatibility tests: each check prints "ok - NAME" or "not ok - NAME (detail)". */
#ifndef CHECK_H
#define CHECK_H
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int check_failed;
#define CHECK(cond, name) do { \
        int _ok = !!(cond); \
        if (_ok) printf("ok - %s\n", name); \
        else { printf("not ok - %s (errno %d %s, line %d)\n", name, errno, strerror(errno), __LINE__); check_failed = 1; } \
        fflush(stdout); \
    } while (0)
/* A call that must fail with this errno. */
#define CHECK_ERR(call, err, name) do { errno = 0; long _r = (long)(call); CHECK(_r == -1 && errno == (err), name); } while (0)
#endif
