/*
 * Entry from QEMU's loader (Linux arm64 Image protocol): x0 = physical address of the device tree,
 * MMU off, at EL2 or EL1. Drops to EL1, turns the MMU on with one 1 GiB-block table that maps
 * physical 0..8 GiB both at 0 (identity, for the switch) and at KERNEL_VBASE, then calls kmain.
 */
#define KERNEL_VBASE 0xffff000000000000
#define BLOCK_NORMAL 0x0040000000000705   /* block, attr 1, inner shareable, AF, UXN */
#define BLOCK_DEVICE 0x0060000000000401   /* block, attr 0, AF, PXN, UXN */
#define MAIR_VALUE   0x44ff00             /* 0: Device-nGnRnE, 1: Normal WB, 2: Normal NC */
#define TCR_VALUE    ((16) | (1 << 8) | (1 << 10) | (3 << 12) | (16 << 16) | (1 << 24) | (1 << 26) | \
                      (3 << 28) | (2 << 30) | (2 << 32) | (1 << 36))
#define SCTLR_VALUE  (0x30d00800 | 1 | 4 | 8 | 16 | (1 << 12) | (1 << 14) | (1 << 15) | (1 << 16) | \
                      (1 << 18) | (1 << 26))

    .section .text.head, "ax"
    .globl _start
_start:
    b       real_start
    .long   0
    .quad   0                       /* text_offset: loaded 2 MiB above the base of RAM */
    .quad   _image_size
    .quad   0x2                     /* little endian, 4 KiB pages */
    .quad   0, 0, 0
    .ascii  "ARM\x64"
    .long   0

real_start:
    msr     daifset, #0xf
    mov     x19, x0
    mrs     x0, CurrentEL
    lsr     x0, x0, #2
    cmp     x0, #2
    b.ne    el1_start
    /* EL2: let EL1 run AArch64 with the timers, FP and (GICv3) system registers, then drop. */
    mov     x0, #(1 << 31)
    msr     hcr_el2, x0
    mov     x0, #3
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    mrs     x0, midr_el1
    msr     vpidr_el2, x0
    mrs     x0, mpidr_el1
    msr     vmpidr_el2, x0
    mov     x0, #0x33ff
    msr     cptr_el2, x0
    msr     hstr_el2, xzr
    mrs     x0, id_aa64pfr0_el1
    ubfx    x0, x0, #24, #4
    cbz     x0, 1f
    mov     x0, #0xf
    msr     S3_4_C12_C9_5, x0       /* ICC_SRE_EL2: SRE, DFB, DIB, Enable (EL1 may use SRE) */
    isb
1:  mov     x0, #0x3c5
    msr     spsr_el2, x0
    adr     x0, el1_start
    msr     elr_el2, x0
    eret

el1_start:
    adrp    x0, boot_stack_top
    add     x0, x0, :lo12:boot_stack_top
    mov     sp, x0
    /* Clear .bss (physical addresses: PC-relative). */
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
2:  cmp     x0, x1
    b.hs    3f
    str     xzr, [x0], #8
    b       2b
3:  /* Boot tables: L0[0] -> L1; L1[i] = 1 GiB block i (0: devices, 1..7: memory). */
    adrp    x0, boot_l0
    adrp    x1, boot_l1
    orr     x2, x1, #3
    str     x2, [x0]
    ldr     x2, =BLOCK_DEVICE
    str     x2, [x1]
    ldr     x2, =BLOCK_NORMAL
    mov     x3, #1
4:  orr     x4, x2, x3, lsl #30
    str     x4, [x1, x3, lsl #3]
    add     x3, x3, #1
    cmp     x3, #8
    b.lo    4b
    dsb     sy
    ldr     x1, =MAIR_VALUE
    msr     mair_el1, x1
    ldr     x1, =TCR_VALUE
    msr     tcr_el1, x1
    msr     ttbr0_el1, x0
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    ldr     x1, =SCTLR_VALUE
    msr     sctlr_el1, x1
    isb
    ldr     x1, =high_start
    br      x1

high_start:
    ldr     x0, =boot_stack_top
    mov     sp, x0
    ldr     x0, =vectors
    msr     vbar_el1, x0
    isb
    mov     x0, x19
    bl      kmain
5:  wfi
    b       5b

    .section .bss.boot, "aw", %nobits
    .balign 4096
    .globl boot_l0, boot_l1
boot_l0: .space 4096
boot_l1: .space 4096
    .balign 16
boot_stack: .space 16384
    .globl boot_stack_top
boot_stack_top:
