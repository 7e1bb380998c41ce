/* Stage-1 translation tables, 4 KiB granule, 48-bit VA, 4 levels. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H
#include <types.h>

#define PAGE_BITS 12
#define PAGE_SIZE BIT(PAGE_BITS)
#define PT_ENTRIES 512

#define PTE_VALID BIT(0)
#define PTE_TABLE (BIT(0) | BIT(1))
#define PTE_PAGE (BIT(0) | BIT(1))
#define PTE_ATTR_DEVICE (0UL << 2)  /* MAIR index 0: Device-nGnRnE */
#define PTE_ATTR_NORMAL (1UL << 2)  /* MAIR index 1: Normal write-back */
#define PTE_AP_EL0_RW (1UL << 6)
#define PTE_AP_RO (3UL << 6)
#define PTE_SH_INNER (3UL << 8)
#define PTE_AF BIT(10)
#define PTE_NG BIT(11)
#define PTE_PXN BIT(53)
#define PTE_UXN BIT(54)
#define PTE_ADDR_MASK 0x0000fffffffff000UL

static inline unsigned pt_index(vaddr_t va, int level) { return (va >> (39 - 9 * level)) & 511; }

void mmu_set_user_space(word_t ttbr); /* physical address of the L0 table | asid << 48 */
void mmu_flush_page(vaddr_t va, uint16_t asid);

#endif
