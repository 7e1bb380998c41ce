/* Boot: memory discovery, the boot allocator, and the root task. */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H
#include <types.h>

#define BOOT_MAX_REGIONS 16
typedef struct region { paddr_t start, end; } region_t;

typedef struct region_list {
    int n;
    region_t r[BOOT_MAX_REGIONS];
} region_list_t;

/* Remove [s, e) from every region of the list (splitting regions as needed). */
void regions_reserve(region_list_t *l, paddr_t s, paddr_t e);
/* Take 2^bits bytes aligned to their size; returns 0 when nothing fits. */
paddr_t regions_alloc(region_list_t *l, unsigned bits);
/* Split [s, e) into maximal naturally aligned power-of-two blocks; returns how many were written. */
int region_split_pow2(paddr_t s, paddr_t e, unsigned min_bits, unsigned max_bits,
                      paddr_t *base, uint8_t *bits, int max);

NORETURN void kmain(paddr_t dtb_pa);
#endif
