/* long psn_syscall(uint64_t nr, psn_msg_t *m): the one seam for kernel calls from C.
 * psn_msg_t: badge (x0), info (x1), mr[0..14] (x2-x7, x9-x17). */
    .text
    .globl psn_syscall
psn_syscall:
    mov     x8, x0
    mov     x18, x1
    ldp     x0, x1, [x18, #0]
    ldp     x2, x3, [x18, #16]
    ldp     x4, x5, [x18, #32]
    ldp     x6, x7, [x18, #48]
    ldp     x9, x10, [x18, #64]
    ldp     x11, x12, [x18, #80]
    ldp     x13, x14, [x18, #96]
    ldp     x15, x16, [x18, #112]
    ldr     x17, [x18, #128]
    svc     #1
    stp     x0, x1, [x18, #0]
    stp     x2, x3, [x18, #16]
    stp     x4, x5, [x18, #32]
    stp     x6, x7, [x18, #48]
    stp     x9, x10, [x18, #64]
    stp     x11, x12, [x18, #80]
    stp     x13, x14, [x18, #96]
    stp     x15, x16, [x18, #112]
    str     x17, [x18, #128]
    mov     x0, x1
    ret
