/* Kernel library: memory helpers, console output, assertions. */
#ifndef UTIL_H
#define UTIL_H
#include <types.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int strncmp(const char *a, const char *b, size_t n);
size_t strlen(const char *s);

void kputs(const char *s);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
NORETURN void panic(const char *fmt, ...);

#define assert(c) do { if (unlikely(!(c))) panic("assert %s at %s:%d", #c, __FILE__, __LINE__); } while (0)

#endif
