/* TTBR0 switching and TLB maintenance for user address spaces. */
#include <arch/mmu.h>
#include <arch/machine.h>

void mmu_set_user_space(word_t ttbr)
{
    MSR(ttbr0_el1, ttbr);
    isb();
}

void mmu_flush_page(vaddr_t va, uint16_t asid)
{
    word_t arg = ((word_t)asid << 48) | ((va >> PAGE_BITS) & MASK(44));
    dsb_ishst();
    __asm__ volatile("tlbi vae1is, %0" :: "r"(arg) : "memory");
    dsb_ish();
    isb();
}
