/* The root task's ELF image, linked into the kernel (see Makefile: -Wa,-I points at it). */
    .section .rodata.root, "a"
    .balign 16
    .globl root_elf, root_elf_end
root_elf:
    .incbin "root.elf"
root_elf_end:
