/* Root task entry: x0 = bootinfo, sp = top of the stack the kernel mapped. */
    .text
    .globl _start
_start:
    mov     x29, #0
    mov     x30, #0
    bl      root_main
1:  bl      psn_halt_now
    b       1b
