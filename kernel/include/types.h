/* Basic types and helpers shared by every kernel file. */
#ifndef TYPES_H
#define TYPES_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <persona/abi.h>

typedef uint64_t word_t;
typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;

#define BIT(n) (1UL << (n))
#define MASK(n) (BIT(n) - 1)
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((word_t)(a) - 1))
#define IS_ALIGNED(x, bits) (((x) & MASK(bits)) == 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED __attribute__((unused))
#define NORETURN __attribute__((noreturn))
#define NOINLINE __attribute__((noinline))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define STATIC_ASSERT(c, msg) _Static_assert(c, msg)

/* Errors are Linux errno values, returned negated at the kernel boundary. */
enum {
    EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11, ENOMEM = 12, EFAULT = 14,
    EBUSY = 16, EEXIST = 17, EINVAL = 22, ERANGE = 34, ENOSYS = 38, ETIMEDOUT = 110,
};

#endif
