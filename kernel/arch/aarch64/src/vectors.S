/*
 * Exception vectors. While a thread runs at EL0, SP_EL1 points at its tcb->ctx, so entry stores the
 * user registers straight into the TCB, then moves to this CPU's kernel stack (cpu->kstack_top, found
 * through TPIDR_EL1) and calls C. The kernel runs with interrupts masked and never returns to the
 * caller of a handler: it leaves through arch_restore_user with whatever thread runs next.
 */
    /* x8-x30, sp, pc and pstate; x0-x7 stay live (the IPC fastpath passes them on in registers) */
    .macro SAVE_HIGH
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x9, sp_el0
    stp     x30, x9, [sp, #16 * 15]
    mrs     x9, elr_el1
    mrs     x10, spsr_el1
    stp     x9, x10, [sp, #16 * 16]
    .endm

    /* x0-x7, then x0 = ctx and sp = this CPU's kernel stack */
    .macro SAVE_LOW_ENTER
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    mov     x0, sp
    mrs     x1, tpidr_el1
    ldr     x1, [x1]
    mov     sp, x1
    .endm

    .macro VENTRY label
    .balign 0x80
    b       \label
    .endm

    .text
    .balign 2048
    .globl vectors
vectors:
    VENTRY  kernel_trap     /* current EL, SP0 */
    VENTRY  kernel_trap
    VENTRY  kernel_trap
    VENTRY  kernel_trap
    VENTRY  kernel_trap     /* current EL, SPx */
    VENTRY  kernel_trap
    VENTRY  kernel_trap
    VENTRY  kernel_trap
    VENTRY  el0_sync        /* lower EL, AArch64 */
    VENTRY  el0_irq
    VENTRY  el0_irq
    VENTRY  el0_serror
    VENTRY  el0_serror      /* lower EL, AArch32: not supported */
    VENTRY  el0_serror
    VENTRY  el0_serror
    VENTRY  el0_serror

/* Synchronous exception from EL0. svc #0 (Linux) and the CALL, REPLY_RECV and SEND kernel calls try
 * their fastpath first; a fastpath that returns has changed nothing, and handle_svc takes over. CALL,
 * REPLY_RECV and SEND get the caller's x0-x7 as arguments, unsaved, and save them themselves if they
 * return. */
el0_sync:
    SAVE_HIGH
    mrs     x9, esr_el1
    mov     w10, #1
    movk    w10, #0x5600, lsl #16     /* ESR of `svc #1`: EC 0x15, IL, imm 1 */
    cmp     w9, w10
    b.ne    1f
    cbz     x8, 2f                    /* PSN_SYS_CALL */
    cmp     x8, #6                    /* PSN_SYS_REPLY_RECV */
    b.ne    6f
    bl      fastpath_reply_recv       /* uses no stack (sp is still the ctx); returns x0 = ctx on failure */
    b       3f
6:  cmp     x8, #1                    /* PSN_SYS_SEND */
    b.ne    5f
    bl      fastpath_send
    b       3f
2:  bl      fastpath_call
3:  mrs     x1, tpidr_el1
    ldr     x1, [x1]
    mov     sp, x1
    mrs     x1, esr_el1
    b       handle_svc
5:  SAVE_LOW_ENTER
    mrs     x1, esr_el1
    b       handle_svc
1:  SAVE_LOW_ENTER
    mrs     x1, esr_el1
    mov     w2, #0x56000000           /* ESR of `svc #0`: a Linux syscall */
    cmp     w1, w2
    b.ne    4f
    bl      fastpath_linux_syscall
    mrs     x1, esr_el1
    b       handle_svc
4:  lsr     x2, x1, #26
    cmp     x2, #0x15                 /* another svc immediate */
    b.eq    handle_svc
    b       handle_user_exception     /* x0 = ctx, x1 = esr */

el0_irq:
    SAVE_HIGH
    SAVE_LOW_ENTER
    b       handle_user_irq

el0_serror:
    SAVE_HIGH
    SAVE_LOW_ENTER
    mrs     x1, esr_el1
    b       handle_user_exception

kernel_trap:
    mrs     x0, esr_el1
    mrs     x1, elr_el1
    mrs     x2, far_el1
    b       kernel_fault

/* arch_restore_user(ctx): load the thread's registers and return to EL0. SP_EL1 stays at ctx. It
 * loads x0-x7 and goes on into arch_fast_return, which loads the rest. */
    .globl arch_restore_user
arch_restore_user:
    mov     x8, x0
    ldp     x0, x1, [x8, #16 * 0]
    ldp     x2, x3, [x8, #16 * 1]
    ldp     x4, x5, [x8, #16 * 2]
    ldp     x6, x7, [x8, #16 * 3]
    /* fall through */

/* arch_fast_return: x8 = the ctx of the thread to run; x0-x7 are loaded already (arch/machine.h). */
    .globl arch_fast_return
arch_fast_return:
    mov     sp, x8
    ldp     x10, x11, [sp, #16 * 16]
    msr     elr_el1, x10
    msr     spsr_el1, x11
    ldp     x30, x10, [sp, #16 * 15]
    msr     sp_el0, x10
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    eret

/* FPU state: 32 q registers then fpsr, fpcr (struct fpu_state). */
    .globl arch_fpu_save
arch_fpu_save:
    stp     q0, q1, [x0, #32 * 0]
    stp     q2, q3, [x0, #32 * 1]
    stp     q4, q5, [x0, #32 * 2]
    stp     q6, q7, [x0, #32 * 3]
    stp     q8, q9, [x0, #32 * 4]
    stp     q10, q11, [x0, #32 * 5]
    stp     q12, q13, [x0, #32 * 6]
    stp     q14, q15, [x0, #32 * 7]
    stp     q16, q17, [x0, #32 * 8]
    stp     q18, q19, [x0, #32 * 9]
    stp     q20, q21, [x0, #32 * 10]
    stp     q22, q23, [x0, #32 * 11]
    stp     q24, q25, [x0, #32 * 12]
    stp     q26, q27, [x0, #32 * 13]
    stp     q28, q29, [x0, #32 * 14]
    stp     q30, q31, [x0, #32 * 15]
    mrs     x1, fpsr
    mrs     x2, fpcr
    add     x0, x0, #512
    stp     w1, w2, [x0]
    ret

    .globl arch_fpu_load
arch_fpu_load:
    ldp     q0, q1, [x0, #32 * 0]
    ldp     q2, q3, [x0, #32 * 1]
    ldp     q4, q5, [x0, #32 * 2]
    ldp     q6, q7, [x0, #32 * 3]
    ldp     q8, q9, [x0, #32 * 4]
    ldp     q10, q11, [x0, #32 * 5]
    ldp     q12, q13, [x0, #32 * 6]
    ldp     q14, q15, [x0, #32 * 7]
    ldp     q16, q17, [x0, #32 * 8]
    ldp     q18, q19, [x0, #32 * 9]
    ldp     q20, q21, [x0, #32 * 10]
    ldp     q22, q23, [x0, #32 * 11]
    ldp     q24, q25, [x0, #32 * 12]
    ldp     q26, q27, [x0, #32 * 13]
    ldp     q28, q29, [x0, #32 * 14]
    ldp     q30, q31, [x0, #32 * 15]
    add     x0, x0, #512
    ldp     w1, w2, [x0]
    msr     fpsr, x1
    msr     fpcr, x2
    ret

/* arch_psci_call(fn, use_smc): PSCI with the conduit the device tree names. */
    .globl arch_psci_call
arch_psci_call:
    cbnz    x1, 1f
    hvc     #0
    ret
1:  smc     #0
    ret
