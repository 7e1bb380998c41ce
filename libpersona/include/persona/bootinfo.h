/* What the kernel tells the root task at start: x0 points at this page (mapped read-only). */
#ifndef PERSONA_BOOTINFO_H
#define PERSONA_BOOTINFO_H
#include <stdint.h>

#define PSN_BOOTINFO_MAGIC 0x50534e424f4f5431ULL /* "PSNBOOT1" */
#define PSN_BOOTINFO_MAX_UT 64
#define PSN_BOOTINFO_MAX_IMG 128

struct psn_untyped {
    uint64_t paddr;
    uint16_t slot;       /* cap slot in the root cspace */
    uint8_t size_bits;
    uint8_t is_device;   /* device memory: may only become frames (mapped uncached) */
    uint32_t pad;
};

struct psn_image_frame {
    uint64_t vaddr;      /* where the root task has this page mapped */
    uint64_t slot;       /* its frame cap */
};

struct psn_bootinfo {
    uint64_t magic;
    uint64_t first_free_slot, num_slots;  /* slots [first_free_slot, num_slots) are empty */
    uint64_t num_untyped;
    struct psn_untyped untyped[PSN_BOOTINFO_MAX_UT];
    uint64_t num_image_frames;            /* the root's ELF pages, then its stack pages */
    struct psn_image_frame image[PSN_BOOTINFO_MAX_IMG];
    uint64_t ram_bytes;
    uint64_t tick_hz;
    char bootargs[256];                   /* the kernel command line (-append) */
    uint64_t initrd_vaddr, initrd_size;   /* the boot image (QEMU -initrd), mapped read-only; 0 if none */
};

#endif
