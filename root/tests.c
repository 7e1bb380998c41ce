/*
 * The kernel test suite, run by the root task in QEMU. Each check prints "ok - NAME" or
 * "not ok - NAME (detail)"; the host (scripts/run-guest-tests.py) counts them.
 * Threads in other tasks share the root's code read-only, so they use only their stack, their
 * arguments and pages that are explicitly shared.
 */
#include "root.h"

static int n_pass, n_fail;

static void expect(int cond, const char *name, long detail)
{
    if (cond) { n_pass++; printf("ok - %s\n", name); }
    else { n_fail++; printf("not ok - %s (got %ld / 0x%lx)\n", name, detail, (uint64_t)detail); }
}

static uint64_t park_ntfn;
void park_init(void)
{
    park_ntfn = obj_new(PSN_OBJ_NOTIFICATION, 0);
    psn_cnode_move(PSN_CAP_CNODE, PARK_SLOT, park_ntfn);
}
void park(void) { for (;;) psn_wait(PARK_SLOT, 0); }
void task_setup(task_t *t) { task_give(t, PARK_SLOT, PARK_SLOT, PSN_RIGHT_R, 0); }

static task_t new_task(void) { task_t t; task_new(&t); task_setup(&t); return t; }

#define RW (PSN_RIGHT_R | PSN_RIGHT_W)
#define ALL (PSN_RIGHT_R | PSN_RIGHT_W | PSN_RIGHT_G)
#define MS 1000000ULL

/* ---- IPC: call and reply across address spaces ---- */
static void echo_server(uint64_t ep)
{
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);
    for (;;) {
        uint64_t len = psn_info_len(m.info);
        for (uint64_t i = 0; i < len; i++) m.mr[i] += 1;
        m.info = psn_info(psn_info_label(m.info) + 1, len);
        psn_reply_recv(ep, &m);
    }
}

static void test_call_reply(void)
{
    task_t t = new_task();
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    task_give(&t, 1, ep, RW, 0);
    thread_new(&t, echo_server, 1, 100, 0);
    int ok = 1;
    for (int round = 0; round < 3; round++) {
        psn_msg_t m = { 0 };
        m.info = psn_info(7, 6);
        for (int i = 0; i < 6; i++) m.mr[i] = 10 + i;
        long r = psn_call(ep, &m);
        ok &= r >= 0 && psn_info_label(m.info) == 8 && psn_info_len(m.info) == 6 && m.mr[0] == 11 && m.mr[5] == 16;
    }
    expect(ok, "ipc call/reply, 6 registers, repeated (fastpath)", 0);
    psn_msg_t m = { 0 };
    m.info = psn_info(3, PSN_NUM_MRS);
    for (int i = 0; i < PSN_NUM_MRS; i++) m.mr[i] = 100 * i;
    long r = psn_call(ep, &m);
    ok = r >= 0 && psn_info_len(m.info) == PSN_NUM_MRS;
    for (int i = 0; i < PSN_NUM_MRS; i++) ok &= m.mr[i] == 100 * (uint64_t)i + 1;
    expect(ok, "ipc call/reply, all 15 message registers (slow path)", r);
}

/* ---- IPC fastpath: what crosses in registers and what does not ---- */
static void leak_server(uint64_t ep)
{
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);
    for (;;) {
        uint64_t seen = m.mr[2] | m.mr[3] | m.mr[4] | m.mr[5];  /* beyond the length, in x4-x7 */
        m.mr[0]++; m.mr[1]++;
        for (int i = 2; i < PSN_NUM_MRS; i++) m.mr[i] = 0xdead;  /* must not reach the caller */
        m.info = psn_info(seen ? 2 : 1, 2);
        psn_reply_recv(ep, &m);
    }
}

static void test_fast_registers(void)
{
    task_t t = new_task();
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    task_give(&t, 1, ep, RW, 0);
    thread_new(&t, leak_server, 1, 100, 0);
    int no_leak = 1, zero = 0, kept = 1, msg = 1;
    for (int round = 0; round < 3; round++) {
        uint64_t r[18];
        for (int i = 0; i < 18; i++) r[i] = 0x5500 + i;
        r[0] = ep; r[1] = psn_info(5, 2); r[8] = PSN_SYS_CALL;
        __asm__ volatile(
            "mov x19, %0\n"
            "ldp x0, x1, [x19]\n ldp x2, x3, [x19, #16]\n ldp x4, x5, [x19, #32]\n ldp x6, x7, [x19, #48]\n"
            "ldp x8, x9, [x19, #64]\n ldp x10, x11, [x19, #80]\n ldp x12, x13, [x19, #96]\n"
            "ldp x14, x15, [x19, #112]\n ldp x16, x17, [x19, #128]\n"
            "svc #1\n"
            "stp x0, x1, [x19]\n stp x2, x3, [x19, #16]\n stp x4, x5, [x19, #32]\n stp x6, x7, [x19, #48]\n"
            "stp x8, x9, [x19, #64]\n stp x10, x11, [x19, #80]\n stp x12, x13, [x19, #96]\n"
            "stp x14, x15, [x19, #112]\n stp x16, x17, [x19, #128]\n"
            :: "r"(r) : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
              "x14", "x15", "x16", "x17", "x19", "memory");
        msg &= psn_info_label(r[1]) == 1 && psn_info_len(r[1]) == 2 && r[2] == 0x5503 && r[3] == 0x5504;
        for (int i = 4; i < 8; i++) no_leak &= r[i] != 0xdead;
        for (int i = 9; i < 18; i++) kept &= r[i] == 0x5500 + (uint64_t)i;
        if (round == 2) zero = !(r[4] | r[5] | r[6] | r[7]);
    }
    expect(msg, "ipc: the receiver sees no message register beyond the length", 0);
    expect(no_leak && zero, "ipc: the caller sees none of the server's registers beyond the reply (zero on the fastpath)", 0);
    expect(kept, "ipc: x9-x17 beyond a short reply keep the caller's values", 0);
}

/* ---- IPC: blocking on either side ---- */
static void early_sender(uint64_t ep)
{
    psn_msg_t m = { 0 };
    m.info = psn_info(5, 1);
    m.mr[0] = 77;
    psn_send(ep, &m);
    park();
}

static void early_receiver(uint64_t ep)
{
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);
    m.mr[0] += 1;
    m.info = psn_info(6, 1);
    psn_send(ep + 1, &m);
    park();
}

static void test_blocking(void)
{
    task_t t = new_task();
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0), ep2 = obj_new(PSN_OBJ_ENDPOINT, 0);
    task_give(&t, 1, ep, RW, 0);
    task_give(&t, 2, ep2, RW, 0);
    uint64_t tt = thread_new(&t, early_sender, 1, 101, 0); /* higher priority: runs now and blocks in send */
    (void)tt;
    psn_msg_t m = { 0 };
    long r = psn_nbrecv(ep, &m);
    expect(r >= 0 && psn_info_label(m.info) == 5 && m.mr[0] == 77, "sender blocks until a receiver comes", r);
    thread_new(&t, early_receiver, 1, 101, 0); /* runs now and blocks in receive */
    memset(&m, 0, sizeof(m));
    m.info = psn_info(1, 1);
    m.mr[0] = 41;
    r = psn_send(ep, &m);
    expect(r == 0, "send to a waiting receiver", r);
    memset(&m, 0, sizeof(m));
    r = psn_nbrecv(ep2, &m);
    expect(r >= 0 && m.mr[0] == 42 && psn_info_label(m.info) == 6, "receiver blocks until a sender comes", r);
}

/* ---- badges ---- */
static void badge_client(uint64_t unused)
{
    (void)unused;
    for (uint64_t s = 1; s <= 2; s++) {
        psn_msg_t m = { 0 };
        m.info = psn_info(1, 0);
        psn_call(s, &m);
    }
    park();
}

static void test_badges(void)
{
    task_t t = new_task();
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    task_give(&t, 1, ep, RW, 0x11);
    task_give(&t, 2, ep, RW, 0x22);
    thread_new(&t, badge_client, 0, 100, 0);
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);
    uint64_t b1 = m.badge;
    m.info = 0;
    psn_reply_recv(ep, &m);
    uint64_t b2 = m.badge;
    m.info = 0;
    psn_reply(&m);
    expect(b1 == 0x11 && b2 == 0x22, "badges identify the caller", (long)(b1 << 8 | b2));
    uint64_t s = slot_alloc(), s2 = slot_alloc();
    psn_cnode_mint(PSN_CAP_CNODE, s, ep, RW, 5);
    long r = psn_cnode_mint(PSN_CAP_CNODE, s2, s, RW, 6);
    expect(r == -EPERM_, "a badged cap cannot be re-badged", r);
}

/* ---- capability transfer ---- */
static void cap_receiver(uint64_t ep)
{
    psn_msg_t m = { 0 };
    m.info = (uint64_t)5 << PSN_INFO_RSLOT_SHIFT; /* accept a cap into slot 5 */
    psn_recv(ep, &m, 0);
    if ((m.info >> PSN_INFO_CAP_SHIFT & 1) && (m.info >> PSN_INFO_RSLOT_SHIFT) == 5 && m.mr[0] == 99)
        psn_signal(5);
    park();
}

static void test_cap_transfer(void)
{
    task_t t = new_task();
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0), n = obj_new(PSN_OBJ_NOTIFICATION, 0);
    uint64_t nb = slot_alloc();
    psn_cnode_mint(PSN_CAP_CNODE, nb, n, RW, 0x40);
    task_give(&t, 1, ep, PSN_RIGHT_R, 0);
    thread_new(&t, cap_receiver, 1, 100, 0);
    psn_msg_t m = { 0 };
    m.info = psn_info(1, 1) | (1UL << PSN_INFO_CAP_SHIFT) | (nb << PSN_INFO_CAPSLOT_SHIFT);
    m.mr[0] = 99;
    psn_send(ep, &m);
    long w = psn_wait(n, 1000 * MS);
    expect(w == 0x40, "a capability sent over IPC works in the receiver's cspace", w);
}

/* ---- timeouts and non-blocking variants ---- */
static void test_timeouts(void)
{
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0), n = obj_new(PSN_OBJ_NOTIFICATION, 0);
    psn_msg_t m = { 0 };
    uint64_t t0 = read_cntvct();
    long r = psn_recv(ep, &m, 20 * MS);
    uint64_t dt = read_cntvct() - t0;
    expect(r == -ETIMEDOUT_ && dt >= read_cntfrq() / 50, "receive with a 20 ms timeout expires after >= 20 ms", r);
    expect(psn_nbrecv(ep, &m) == -EAGAIN_, "non-blocking receive with no sender: EAGAIN", 0);
    m.info = 0;
    expect(psn_nbsend(ep, &m) == -EAGAIN_, "non-blocking send with no receiver: EAGAIN", 0);
    expect(psn_wait(n, 5 * MS) == -ETIMEDOUT_, "notification wait with a timeout expires", 0);
}

/* ---- errors change nothing ---- */
static void test_errors(void)
{
    psn_msg_t m = { 0 };
    expect(psn_invoke(0, PSN_M_TCB_RESUME, 0, 0, 0) == -EBADF_, "the null slot is not a capability: EBADF", 0);
    expect(psn_invoke(4000, PSN_M_TCB_RESUME, 0, 0, 0) == -EBADF_, "an empty slot: EBADF", 0);
    expect(psn_invoke(1UL << 40, PSN_M_TCB_RESUME, 0, 0, 0) == -EBADF_, "a slot past the cspace: EBADF", 0);
    expect(psn_syscall(77, &m) == -ENOSYS_, "unknown kernel call: ENOSYS", 0);
    uint64_t ut = obj_new(PSN_OBJ_UNTYPED, 14);
    uint64_t base = slot_alloc();
    for (int i = 1; i < 17; i++) slot_alloc();
    expect(psn_retype(ut, 99, 0, base, 1) == -EINVAL_, "retype to an unknown type: EINVAL", 0);
    expect(psn_retype(ut, PSN_OBJ_TCB, 0, base, 9) == -ENOMEM_, "retype beyond the untyped: ENOMEM", 0);
    psn_retype(ut, PSN_OBJ_NOTIFICATION, 0, 0, 1);
    uint64_t occupied = obj_new(PSN_OBJ_NOTIFICATION, 0);
    expect(psn_retype(ut, PSN_OBJ_TCB, 0, occupied - 1, 2) == -EEXIST_, "retype into an occupied slot: EEXIST", 0);
    long r = psn_retype(ut, PSN_OBJ_TCB, 0, base, 8);
    expect(r == 0, "after the failed retypes the untyped is still whole (8 TCBs fit)", r);
    expect(psn_retype(ut, PSN_OBJ_ENDPOINT, 0, slot_alloc(), 1) == -ENOMEM_, "and then it is full", 0);
    uint64_t f = obj_new(PSN_OBJ_FRAME, 0), fro = slot_alloc();
    psn_cnode_copy(PSN_CAP_CNODE, fro, f, PSN_RIGHT_R);
    expect(psn_vspace_map(PSN_CAP_VSPACE, f, 0x50000010, RW) == -EINVAL_, "map at an unaligned address: EINVAL", 0);
    expect(psn_vspace_map(PSN_CAP_VSPACE, fro, 0x50000000, RW) == -EPERM_, "map writable through a read-only cap: EPERM", 0);
    uint64_t probe;
    expect(psn_vspace_probe(PSN_CAP_VSPACE, 0x50000000, &probe) == -ENOENT_, "and nothing was mapped", 0);
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0), epr = slot_alloc();
    psn_cnode_copy(PSN_CAP_CNODE, epr, ep, PSN_RIGHT_R);
    m.info = 0;
    expect(psn_nbsend(epr, &m) == -EPERM_, "send through a receive-only cap: EPERM", 0);
    uint64_t n = obj_new(PSN_OBJ_NOTIFICATION, 0);
    m.info = 0;
    expect(psn_call(n, &m) == -EINVAL_, "call on a notification: EINVAL", 0);
    uint64_t tcb = obj_new(PSN_OBJ_TCB, 0);
    expect(psn_tcb_configure(tcb, PSN_CAP_CNODE, PSN_CAP_VSPACE, 0, 256) == -EINVAL_, "priority above 255: EINVAL", 0);
    expect(psn_tcb_configure(tcb, PSN_CAP_VSPACE, PSN_CAP_VSPACE, 0, 10) == -EBADF_, "configure with a non-cnode: EBADF", 0);
    expect(psn_tcb_resume(tcb) == -EINVAL_, "and the unconfigured thread cannot run", 0);
    expect(PSN_INVOKE(tcb, PSN_M_TCB_WRITE_REGS, 30, 10, 0) == -EINVAL_, "register range past the end: EINVAL", 0);
    /* all registers through a frame, one call each way */
    uint64_t rf;
    uint64_t *rp = page_new(&rf);
    for (int i = 0; i < PSN_NUM_REGS; i++) rp[64 + i] = 0x1000 + (uint64_t)i;
    long wr = PSN_INVOKE(tcb, PSN_M_TCB_REGS_FROM_FRAME, rf, 512, 3, 20);
    uint64_t back[12] = { 0 };
    psn_tcb_read_regs(tcb, 3, 12, back);
    expect(wr == 0 && back[0] == 0x1003 && back[11] == 0x1000 + 14, "registers written from a frame", wr);
    for (int i = 0; i < PSN_NUM_REGS; i++) rp[i] = 0;
    long rd = PSN_INVOKE(tcb, PSN_M_TCB_REGS_TO_FRAME, rf, 0);
    expect(rd == 0 && rp[3] == 0x1003 && rp[22] == 0x1000 + 22 && rp[2] == 0 && rp[23] == 0,
           "all registers read into a frame (only the written ones changed)", rd);
    expect(PSN_INVOKE(tcb, PSN_M_TCB_REGS_TO_FRAME, rf, 4) == -EINVAL_ &&
           PSN_INVOKE(tcb, PSN_M_TCB_REGS_TO_FRAME, rf, 4096 - 8) == -EINVAL_ &&
           PSN_INVOKE(tcb, PSN_M_TCB_REGS_FROM_FRAME, rf, 0, 30, 10) == -EINVAL_,
           "register frame offsets and ranges out of bounds: EINVAL", 0);
    expect(PSN_INVOKE(tcb, PSN_M_TCB_REGS_TO_FRAME, ep, 0) == -EBADF_, "registers into a non-frame: EBADF", 0);
    uint64_t rfro = slot_alloc();
    psn_cnode_copy(PSN_CAP_CNODE, rfro, rf, PSN_RIGHT_R);
    expect(PSN_INVOKE(tcb, PSN_M_TCB_REGS_TO_FRAME, rfro, 0) == -EPERM_, "registers into a read-only frame cap: EPERM", 0);
    expect(psn_cnode_copy(PSN_CAP_CNODE, slot_alloc(), ut, RW) == -EPERM_, "an untyped cannot be copied", 0);
}

/* ---- faults: delivered, fixed, resumed ---- */
static void vm_child(uint64_t ep)
{
    volatile uint64_t *p = (volatile uint64_t *)0x20000000;
    *p = 0x1234;              /* not mapped: the handler maps it and we go on */
    psn_msg_t m = { 0 };
    m.info = psn_info(1, 1);
    m.mr[0] = *p;
    psn_call(ep, &m);
    park();
}

static void test_vm_fault(void)
{
    task_t t = new_task();
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0), fep = slot_alloc();
    psn_cnode_mint(PSN_CAP_CNODE, fep, ep, RW, 0xfa);
    task_give(&t, 1, ep, RW, 0x33);
    thread_new(&t, vm_child, 1, 100, fep);
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);
    int is_fault = psn_info_label(m.info) == PSN_FAULT_VM && m.badge == 0xfa &&
                   m.mr[PSN_FAULT_VM_ADDR] == 0x20000000 && ((m.mr[PSN_FAULT_VM_ESR] >> 6) & 1) && !m.mr[PSN_FAULT_VM_IS_INSTR];
    expect(is_fault, "a write to an unmapped page reaches the handler as a VM fault", (long)m.mr[PSN_FAULT_VM_ADDR]);
    uint64_t f;
    volatile uint64_t *mine = page_new(&f);
    psn_vspace_map(t.vspace, f, 0x20000000, RW);
    m.info = 0;
    psn_reply_recv(ep, &m);
    expect(psn_info_label(m.info) == 1 && m.badge == 0x33 && m.mr[0] == 0x1234 && *mine == 0x1234,
           "the handler maps a page, replies, and the thread resumes its write", (long)m.mr[0]);
    m.info = 0;
    psn_reply(&m);
}

/* ---- isolation ---- */
static void peek_child(uint64_t addr)
{
    volatile uint64_t v = *(volatile uint64_t *)addr;
    (void)v;
    psn_debug_write("isolation broken\n", 17);
    park();
}

static void poke_code_child(uint64_t addr)
{
    *(volatile uint32_t *)addr = 0;
    psn_debug_write("code page written\n", 18);
    park();
}

static void test_isolation(void)
{
    task_t t = new_task();
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    task_give(&t, 1, ep, RW, 0);
    uint64_t th = thread_new(&t, peek_child, (uint64_t)bootinfo, 100, ep);
    psn_msg_t m = { 0 };
    long r = psn_recv(ep, &m, 1000 * MS);
    expect(r >= 0 && psn_info_label(m.info) == PSN_FAULT_VM && m.mr[PSN_FAULT_VM_ADDR] == (uint64_t)bootinfo,
           "a task cannot read memory it was not given (fault to its handler)", r);
    psn_tcb_suspend(th);
    th = thread_new(&t, poke_code_child, (uint64_t)&test_isolation, 100, ep);
    r = psn_recv(ep, &m, 1000 * MS);
    expect(r >= 0 && psn_info_label(m.info) == PSN_FAULT_VM && m.mr[PSN_FAULT_VM_ADDR] == (uint64_t)&test_isolation,
           "a task cannot write its read-only code (permission fault)", r);
    psn_tcb_suspend(th);
}

/* ---- other exceptions ---- */
static void udf_child(uint64_t ep)
{
    __asm__ volatile("udf #0");
    psn_msg_t m = { 0 };
    m.info = psn_info(2, 0);
    psn_call(ep, &m);
    park();
}

static void test_exception(void)
{
    task_t t = new_task();
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    task_give(&t, 1, ep, RW, 0);
    thread_new(&t, udf_child, 1, 100, ep);
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);
    expect(psn_info_label(m.info) == PSN_FAULT_EXCEPTION && (m.mr[PSN_FAULT_EXCEPTION_ESR] >> 26) == 0,
           "an undefined instruction reaches the handler", (long)m.mr[PSN_FAULT_EXCEPTION_ESR]);
    uint64_t pc = m.mr[0], sp = m.mr[1];
    m.mr[0] = pc + 4;
    m.mr[1] = sp;
    m.info = psn_info(0, 2);
    psn_reply_recv(ep, &m);
    expect(psn_info_label(m.info) == 2, "the handler moves the pc past it and the thread goes on", (long)m.info);
    m.info = 0;
    psn_reply(&m);
}

/* ---- the Linux syscall path ---- */
static void linux_child(uint64_t unused)
{
    (void)unused;
    register uint64_t x0 __asm__("x0") = 1, x1 __asm__("x1") = 2, x2 __asm__("x2") = 3;
    register uint64_t x3 __asm__("x3") = 4, x4 __asm__("x4") = 5, x5 __asm__("x5") = 6;
    register uint64_t x8 __asm__("x8") = 172;
    __asm__ volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x8) :: "memory");
    uint64_t ok = x0 == 0xabcdef && x1 == 2 && x2 == 3 && x3 == 4 && x4 == 5 && x5 == 6 && x8 == 172;
    register uint64_t y0 __asm__("x0") = ok;
    register uint64_t y8 __asm__("x8") = 93;
    __asm__ volatile("svc #0" : "+r"(y0), "+r"(y8) :: "memory");
    park();
}

static void test_linux_svc(void)
{
    task_t t = new_task();
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    uint64_t fep = slot_alloc();
    psn_cnode_mint(PSN_CAP_CNODE, fep, ep, RW, 0x99);
    thread_new(&t, linux_child, 0, 100, fep);
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);
    int ok = psn_info_label(m.info) == PSN_FAULT_SYSCALL && psn_info_len(m.info) == PSN_FAULT_SYSCALL_LEN &&
             m.badge == 0x99 && m.mr[PSN_FAULT_SYSCALL_NR] == 172 && m.mr[PSN_FAULT_SYSCALL_SP] &&
             m.mr[PSN_FAULT_SYSCALL_PC] > 0x400000 && (m.mr[PSN_FAULT_SYSCALL_PSTATE] & 0xf) == 0;
    for (int i = 0; i < 6; i++) ok &= m.mr[i] == (uint64_t)i + 1;
    expect(ok, "svc #0 arrives at the handler with x0-x5, x8, pc, sp, pstate", (long)m.mr[PSN_FAULT_SYSCALL_NR]);
    m.mr[0] = 0xabcdef;
    m.info = psn_info(0, 1);
    psn_reply_recv(ep, &m);
    expect(psn_info_label(m.info) == PSN_FAULT_SYSCALL && m.mr[PSN_FAULT_SYSCALL_NR] == 93 && m.mr[0] == 1,
           "the reply becomes x0 and the other registers are intact", (long)m.mr[0]);
}

/* ---- answers through saved reply rights (the fastpaths a server's wakeups take) ---- */
static void svc_answer_child(uint64_t tag)
{
    register uint64_t x0 __asm__("x0") = tag, x1 __asm__("x1") = 11, x8 __asm__("x8") = 1000 + tag;
    __asm__ volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x8) :: "memory");
    uint64_t ok = x0 == tag * 0x1111 && x1 == 11 && x8 == 1000 + tag;
    register uint64_t y0 __asm__("x0") = ok;
    register uint64_t y8 __asm__("x8") = 93;
    __asm__ volatile("svc #0" : "+r"(y0), "+r"(y8) :: "memory");
    park();
}

static void test_saved_answers(void)
{
    task_t t = new_task();
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0), f1 = slot_alloc(), f2 = slot_alloc(), rs = slot_alloc();
    psn_cnode_mint(PSN_CAP_CNODE, f1, ep, RW, 1);
    psn_cnode_mint(PSN_CAP_CNODE, f2, ep, RW, 2);
    thread_new(&t, svc_answer_child, 1, 100, f1);
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);
    expect(m.badge == 1 && m.mr[PSN_FAULT_SYSCALL_NR] == 1001, "first thread's syscall arrives", (long)m.badge);
    thread_new(&t, svc_answer_child, 2, 100, f2);  /* ready, not yet run */
    m.info = (1UL << PSN_INFO_SAVE_SHIFT) | rs << PSN_INFO_CAPSLOT_SHIFT;
    long r = psn_reply_recv(ep, &m);
    expect(r >= 0 && m.badge == 2 && m.mr[PSN_FAULT_SYSCALL_NR] == 1002,
           "REPLY_RECV with SAVE waits and the next ready thread runs and calls", (long)m.badge);
    m.info = psn_info(0, 1);
    m.mr[0] = 0x1111;
    expect(psn_send(rs, &m) == 0, "a send on the saved right answers the waiting syscall", 0);
    m.info = 0;
    expect(psn_send(rs, &m) == -EBADF_, "and uses the right up", 0);
    m.info = psn_info(0, 1);
    m.mr[0] = 0x2222;
    psn_reply_recv(ep, &m);  /* both are ready now: their reports come in either order (time slices) */
    int ok[3] = { 0, 0, 0 };
    for (int i = 0; i < 2; i++) {
        if (i) psn_recv(ep, &m, 0);
        if (m.badge <= 2 && m.mr[PSN_FAULT_SYSCALL_NR] == 93 && m.mr[0] == 1) ok[m.badge] = 1;
    }
    expect(ok[2], "the second thread got its answer in x0, other registers intact", (long)m.mr[0]);
    expect(ok[1], "the first thread got the saved answer in x0, other registers intact", (long)m.mr[0]);
}

/* ---- preemption ---- */
static volatile uint64_t spin_count;
static void spinner(uint64_t unused)
{
    (void)unused;
    for (;;) spin_count++;
}

static void test_preemption(void)
{
    uint64_t th = thread_new(0, spinner, 0, 100, 0);
    psn_yield();  /* the spinner never yields: only the timer brings us back */
    uint64_t c1 = spin_count;
    psn_yield();
    uint64_t c2 = spin_count;
    psn_tcb_suspend(th);
    expect(c1 > 0 && c2 > c1, "a spinning thread is preempted (round robin)", (long)c2);
    uint64_t hi = thread_new(0, spinner, 0, 99, 0);
    uint64_t before = spin_count;
    for (volatile int i = 0; i < 200000; i++) {}
    expect(spin_count == before, "a lower-priority thread does not run while we are busy", (long)(spin_count - before));
    psn_tcb_suspend(hi);
}

/* ---- CPU time: sampled at each tick; a server's time goes to the caller it answers ---- */
static void busy_server(uint64_t ep)  /* each call: spin for 25 ms of wall time, then answer */
{
    psn_msg_t m = { 0 };
    uint64_t spin_ms_cycles = read_cntfrq() / 1000;
    psn_recv(ep, &m, 0);
    for (;;) {
        uint64_t t0 = read_cntvct();
        while (read_cntvct() - t0 < 25 * spin_ms_cycles) {}
        m.info = psn_info(0, 1);
        m.mr[0] = 1;
        psn_reply_recv(ep, &m);
    }
}

static void test_cputime(void)
{
    const uint64_t tick = 1000000000ULL / 250;
    uint64_t a[2] = { 7, 7 }, b[2] = { 7, 7 };
    uint64_t th = thread_new(0, spinner, 0, 100, 0);
    psn_msg_t m = { 0 };
    uint64_t ep0 = obj_new(PSN_OBJ_ENDPOINT, 0);
    psn_recv(ep0, &m, 100 * MS);  /* we sleep; the spinner has the CPU */
    psn_tcb_suspend(th);
    long r = psn_tcb_get_times(th, 0, a);
    expect(r == 0 && a[0] >= 10 * tick && a[0] <= 200 * tick && a[1] == 0,
           "a spinning thread is charged user time, no system time", (long)a[0]);
    expect(a[0] % tick == 0, "CPU time is counted in whole ticks, given in ns", (long)a[0]);
    expect(psn_tcb_get_times(th, 2, b) == -EINVAL_ && b[0] == 7, "TCB_GET_TIMES with an unknown flag: EINVAL", 0);
    psn_tcb_get_times(th, 0, b);
    expect(b[0] == a[0] && b[1] == a[1], "a suspended thread's times stand still; reading changes nothing", (long)b[0]);
    psn_tcb_get_times(th, PSN_TIMES_RESET, b);
    psn_tcb_get_times(th, 0, b);
    expect(b[0] == 0 && b[1] == 0, "TIMES_RESET starts them again from zero", (long)b[0]);
    uint64_t vs = obj_new(PSN_OBJ_VSPACE, 0);
    expect(psn_invoke(vs, PSN_M_TCB_GET_TIMES, 1, b, b) == -ENOSYS_, "TCB_GET_TIMES on another object: ENOSYS", 0);

    /* A server that spins for 25 ms per call, at a higher priority than ours: its time is ours, as system time. */
    task_t t = new_task();
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    task_give(&t, 1, ep, RW, 0);
    uint64_t srv = thread_new(&t, busy_server, 1, 101, 0);
    psn_tcb_get_times(srv, PSN_TIMES_RESET, a);        /* it waits in its first receive by now */
    psn_tcb_get_times(PSN_CAP_TCB, PSN_TIMES_RESET, a);
    int ok = 1;
    for (int i = 0; i < 4; i++) { m.info = psn_info(0, 1); ok &= psn_call(ep, &m) >= 0 && m.mr[0] == 1; }
    psn_tcb_get_times(PSN_CAP_TCB, 0, a);
    psn_tcb_get_times(srv, 0, b);
    expect(ok && a[1] >= 10 * tick && a[1] <= 100 * tick, "a server's time answering our calls is our system time",
           (long)a[1]);
    expect(b[0] == 0 && b[1] == 0, "... and not the server's", (long)b[0]);
    expect(a[0] <= 5 * tick, "... nor our user time", (long)a[0]);
    psn_tcb_suspend(srv);
}

/* ---- interrupts ---- */
static void test_irq(void)
{
    uint64_t n = obj_new(PSN_OBJ_NOTIFICATION, 0), nb = slot_alloc();
    psn_cnode_mint(PSN_CAP_CNODE, nb, n, RW, 0x4);
    uint64_t h = slot_alloc();
    expect(psn_irq_get(PSN_CAP_IRQ_CONTROL, 30, h) == 0, "claim the EL1 physical timer interrupt", 0);
    expect(psn_irq_get(PSN_CAP_IRQ_CONTROL, 30, slot_alloc()) == -EBUSY_, "a line is claimed once: EBUSY", 0);
    expect(psn_irq_get(PSN_CAP_IRQ_CONTROL, 27, slot_alloc()) == -EINVAL_, "the kernel's timer line is not given out", 0);
    psn_irq_set_notification(h, nb);
    uint64_t frq = read_cntfrq();
    for (int round = 0; round < 2; round++) {
        __asm__ volatile("msr cntp_tval_el0, %0; msr cntp_ctl_el0, %1; isb" :: "r"(frq / 1000), "r"(1UL));
        long w = psn_wait(n, 1000 * MS);
        __asm__ volatile("msr cntp_ctl_el0, %0; isb" :: "r"(0UL));
        psn_irq_ack(h);
        expect(w == 0x4, round ? "the acknowledged line fires again" : "a timer interrupt signals the notification", w);
    }
}

/* ---- notifications ---- */
static volatile uint64_t bound_result;
static void bound_waiter(uint64_t ep)
{
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);
    bound_result = psn_info_label(m.info) == PSN_LABEL_NOTIFY ? m.badge : 0xdead;
    park();
}

static void test_notifications(void)
{
    uint64_t n = obj_new(PSN_OBJ_NOTIFICATION, 0), b1 = slot_alloc(), b2 = slot_alloc();
    psn_cnode_mint(PSN_CAP_CNODE, b1, n, RW, 1);
    psn_cnode_mint(PSN_CAP_CNODE, b2, n, RW, 2);
    psn_signal(b1);
    psn_signal(b2);
    expect(psn_wait(n, 0) == 3, "signals accumulate as OR of badges", 0);
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    uint64_t th = thread_new(0, bound_waiter, ep, 101, 0);
    psn_tcb_bind_notification(th, n);
    psn_signal(b2);
    expect(bound_result == 2, "a bound notification wakes a thread waiting on an endpoint", (long)bound_result);
}

/* ---- saved reply capability ---- */
static volatile uint64_t reply_result;
static void late_client(uint64_t ep)
{
    psn_msg_t m = { 0 };
    m.info = psn_info(1, 1);
    m.mr[0] = 5;
    psn_call(ep, &m);
    reply_result = m.mr[0] * 100 + psn_info_label(m.info);
    park();
}

static void test_reply_cap(void)
{
    uint64_t ep = obj_new(PSN_OBJ_ENDPOINT, 0);
    thread_new(0, late_client, ep, 101, 0);
    psn_msg_t m = { 0 };
    psn_recv(ep, &m, 0);
    uint64_t rs = slot_alloc();
    expect(psn_cnode_save_caller(PSN_CAP_CNODE, rs) == 0, "save the caller into a reply cap", 0);
    m.info = 0;
    expect(psn_nbrecv(ep, &m) == -EAGAIN_, "the server serves others meanwhile", 0);
    m.info = psn_info(9, 1);
    m.mr[0] = 6;
    long r = psn_send(rs, &m);
    expect(r == 0 && reply_result == 609, "a later send on the reply cap answers the caller", (long)reply_result);
    m.info = 0;
    expect(psn_send(rs, &m) == -EBADF_, "a reply cap is used once", 0);

    /* REPLY_RECV with SAVE: keep the reply right and receive, in one call */
    reply_result = 0;
    thread_new(0, late_client, ep, 101, 0);
    psn_recv(ep, &m, 0);
    uint64_t ep2 = obj_new(PSN_OBJ_ENDPOINT, 0), rs2 = slot_alloc();
    thread_new(0, early_sender, ep2, 101, 0);  /* runs now and waits in send */
    m.info = (1UL << PSN_INFO_SAVE_SHIFT) | rs << PSN_INFO_CAPSLOT_SHIFT;
    psn_cnode_mint(PSN_CAP_CNODE, rs, ep2, PSN_RIGHT_R, 0);  /* rs is taken now */
    r = psn_reply_recv(ep2, &m);
    expect(r == -EEXIST_ && reply_result == 0, "SAVE into a taken slot: EEXIST, and nothing received", r);
    m.info = (1UL << PSN_INFO_SAVE_SHIFT) | rs2 << PSN_INFO_CAPSLOT_SHIFT;
    r = psn_reply_recv(ep2, &m);
    expect(r >= 0 && psn_info_label(m.info) == 5 && m.mr[0] == 77 && reply_result == 0,
           "REPLY_RECV with SAVE receives without answering", r);
    m.info = psn_info(4, 1);
    m.mr[0] = 3;
    expect(psn_send(rs2, &m) == 0 && reply_result == 304, "and the saved reply cap answers later", (long)reply_result);
}

/* ---- FPU state is per thread ---- */
static volatile uint64_t fpu_seen;
static void fpu_thread(uint64_t unused)
{
    (void)unused;
    __asm__ volatile("fmov d8, #2.5" ::: "d8");
    psn_yield();
    uint64_t v;
    __asm__ volatile("fmov %0, d8" : "=r"(v));
    fpu_seen = v;
    park();
}

static void test_fpu(void)
{
    __asm__ volatile("fmov d8, #1.5" ::: "d8");
    thread_new(0, fpu_thread, 0, 100, 0);
    psn_yield();
    uint64_t mine;
    __asm__ volatile("fmov %0, d8" : "=r"(mine));
    psn_yield();
    double a = 1.5, b = 2.5;
    uint64_t ea, eb;
    memcpy(&ea, &a, 8);
    memcpy(&eb, &b, 8);
    expect(mine == ea && fpu_seen == eb, "FP registers are kept per thread (lazy switching)", (long)fpu_seen);
}

/* ---- exhaustion of donated memory ---- */
static void test_exhaustion(void)
{
    uint64_t ut = obj_new(PSN_OBJ_UNTYPED, 14);
    int made = 0;
    long r;
    while ((r = psn_retype(ut, PSN_OBJ_TCB, 0, slot_alloc(), 1)) == 0) made++;
    expect(made == 8 && r == -ENOMEM_, "a 16 KiB untyped gives 8 threads, then ENOMEM", made);
    uint64_t vs = obj_new(PSN_OBJ_VSPACE, 0), small = obj_new(PSN_OBJ_UNTYPED, 12);
    psn_vspace_set_pool(vs, small);
    uint64_t f = obj_new(PSN_OBJ_FRAME, 0);
    expect(psn_vspace_map(vs, f, 0x1000, RW) == -ENOMEM_, "page tables beyond an address space's quota: ENOMEM", 0);
}

void run_tests(void)
{
    static void (*const tests[])(void) = {
        test_call_reply, test_fast_registers, test_blocking, test_badges, test_cap_transfer, test_timeouts, test_errors,
        test_vm_fault, test_isolation, test_exception, test_linux_svc, test_saved_answers, test_preemption, test_cputime,
        test_irq,
        test_notifications, test_reply_cap, test_fpu, test_exhaustion,
    };
    for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) tests[i]();
    printf("root: kernel tests: %d passed, %d failed\n", n_pass, n_fail);
}
