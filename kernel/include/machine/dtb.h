/*
 * A flattened device tree reader: just what the kernel needs from QEMU's tree. It touches nothing
 * outside the blob's declared size and rejects malformed input, so it is tested on the host.
 */
#ifndef MACHINE_DTB_H
#define MACHINE_DTB_H
#include <types.h>

#define DTB_MAX_MEM 8

typedef struct dtb_info {
    int mem_count;
    paddr_t mem_base[DTB_MAX_MEM], mem_size[DTB_MAX_MEM];
    paddr_t uart;            /* first "arm,pl011" */
    int gic_version;         /* 2 or 3; 0 when absent */
    paddr_t gicd, gicc, gicr; /* distributor; cpu interface (v2) or redistributor (v3) */
    int psci_smc;            /* PSCI conduit: 1 = smc, 0 = hvc */
    char bootargs[256];
    paddr_t initrd_start, initrd_end; /* /chosen linux,initrd-*: the boot image (QEMU -initrd) */
    uint32_t total_size;
} dtb_info_t;

/* Parse the blob (at most max_size bytes readable). Returns 0, or -EINVAL if malformed. */
int dtb_parse(const void *blob, size_t max_size, dtb_info_t *out);

#endif
