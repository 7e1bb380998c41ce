/*
 * Host stand-ins for the kernel library symbols a tested file may reference (kernel/include/util.h):
 * console output goes to stderr, and a panic (or a failed kernel assert) aborts the test binary,
 * which the runner reports as a failure. memset/memcpy/strlen/strncmp come from the host libc.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <util.h>

void kputs(const char *s) { fputs(s, stderr); }

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("kernel panic: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}
