/* Untyped memory: the only source of kernel objects. */
#ifndef OBJECT_UNTYPED_H
#define OBJECT_UNTYPED_H
#include <object/structures.h>

#define UT_MIN_BITS 4
#define UT_MAX_BITS 40
#define UT_DEVICE BIT(8)

/* Size in bits of an object of type `type` (user size argument `bits`), or -1 if not creatable. */
int object_size_bits(word_t type, word_t bits);
/* Initialise zeroed memory at kva as an object and build the cap naming it. */
cap_t object_create(word_t type, word_t bits, void *kva, bool device);
cap_t untyped_cap(paddr_t pa, unsigned bits, bool device);
#endif
