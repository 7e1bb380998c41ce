/* The root task's library (see lib.h). */
#include "lib.h"

struct psn_bootinfo *bootinfo;

typedef uint64_t __attribute__((may_alias, aligned(1))) u64_unaligned;

/* The DC ZVA block in bytes (DCZID_EL0; EL0 may use it because SCTLR_EL1.DZE is set), 0 if prohibited. */
static size_t zva_block(void)
{
    static size_t bs = 1;
    if (bs == 1) {
        uint64_t id;
        __asm__ volatile("mrs %0, dczid_el0" : "=r"(id));
        bs = (id & 16) ? 0 : 4UL << (id & 15);
    }
    return bs;
}

/* Zeroes whole cache blocks with DC ZVA (a page is 64 instructions), else 64 bytes per round. */
void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    size_t bs;
    if (!c && n >= 256 && (bs = zva_block()) && bs <= 256) {
        while ((uint64_t)p & (bs - 1)) { *p++ = 0; n--; }
        for (; n >= bs; n -= bs, p += bs) __asm__ volatile("dc zva, %0" :: "r"(p) : "memory");
    }
    uint64_t v = 0x0101010101010101UL * (unsigned char)c;
    for (; n >= 64; n -= 64, p += 64) {
        u64_unaligned *w = (u64_unaligned *)p;
        w[0] = v; w[1] = v; w[2] = v; w[3] = v; w[4] = v; w[5] = v; w[6] = v; w[7] = v;
    }
    for (; n >= 8; n -= 8, p += 8) *(u64_unaligned *)p = v;
    while (n--) *p++ = (unsigned char)c;
    return d;
}

/* Eight bytes at a time whatever the alignment (SCTLR_EL1.A is clear, and everything copied here is
 * normal memory), 64 per round. */
void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    for (; n >= 64; n -= 64, p += 64, q += 64) {
        const u64_unaligned *r = (const u64_unaligned *)q;
        u64_unaligned *w = (u64_unaligned *)p;
        uint64_t a0 = r[0], a1 = r[1], a2 = r[2], a3 = r[3], a4 = r[4], a5 = r[5], a6 = r[6], a7 = r[7];
        w[0] = a0; w[1] = a1; w[2] = a2; w[3] = a3; w[4] = a4; w[5] = a5; w[6] = a6; w[7] = a7;
    }
    for (; n >= 8; n -= 8, p += 8, q += 8) *(u64_unaligned *)p = *(const u64_unaligned *)q;
    while (n--) *p++ = *q++;
    return d;
}
int strcmp(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return (unsigned char)*a - (unsigned char)*b; }
size_t strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
void psn_halt_now(void) { psn_halt(); }

typedef struct { char *buf; size_t n, pos; } out_t;
static void out_c(out_t *o, char c) { if (o->pos + 1 < o->n) o->buf[o->pos] = c; o->pos++; }

static void out_num(out_t *o, uint64_t v, unsigned base, int width, char pad, int neg)
{
    char t[24];
    int i = 0;
    do { t[i++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    if (neg) t[i++] = '-';
    while (i < width) t[i++] = pad;
    while (i) out_c(o, t[--i]);
}

static int vfmt(char *buf, size_t n, const char *f, va_list ap)
{
    out_t o = { buf, n, 0 };
    for (; *f; f++) {
        if (*f != '%') { out_c(&o, *f); continue; }
        f++;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*f == '0') { pad = '0'; f++; }
        while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
        while (*f == 'l' || *f == 'z') { lng = 1; f++; }
        switch (*f) {
        case 'd': { long v = lng ? va_arg(ap, long) : va_arg(ap, int); out_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, pad, v < 0); break; }
        case 'u': out_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad, 0); break;
        case 'x': out_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad, 0); break;
        case 's': { const char *s = va_arg(ap, const char *); while (*s) out_c(&o, *s++); break; }
        case 'c': out_c(&o, (char)va_arg(ap, int)); break;
        default: out_c(&o, *f);
        }
    }
    if (n) buf[o.pos < n ? o.pos : n - 1] = 0;
    return (int)o.pos;
}

int vsnprintf_(char *buf, size_t n, const char *fmt, va_list ap) { return vfmt(buf, n, fmt, ap); }

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfmt(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int r = vfmt(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    psn_debug_write(buf, strlen(buf));
    return r;
}

static uint64_t next_slot;
uint64_t slot_alloc(void)
{
    if (!next_slot) next_slot = bootinfo->first_free_slot;
    return next_slot++;
}

uint64_t slot_alloc_n(uint64_t n)
{
    uint64_t s = slot_alloc();
    next_slot += n - 1;
    return s;
}

/* The RAM untyped objects are carved from: the largest one. */
uint64_t bytes_retyped;  /* memory handed to the kernel as objects, for sysinfo */

/* Size in bytes of an object (mirrors the kernel's object sizes; see docs/kernel-abi.md). */
static uint64_t obj_bytes(uint64_t type, uint64_t bits)
{
    switch (type) {
    case PSN_OBJ_TCB: return 2048;
    case PSN_OBJ_ENDPOINT: return 32;
    case PSN_OBJ_NOTIFICATION: return 64;
    case PSN_OBJ_CNODE: return 32UL << bits;
    case PSN_OBJ_VSPACE: return 8192;
    case PSN_OBJ_UNTYPED: return 1UL << bits;
    default: return 4096;
    }
}

/* The RAM untypeds, largest first; objects come from the current one until it is full. */
static int pool_order[PSN_BOOTINFO_MAX_UT], pool_count = -1, pool_cur;

static void pools_init(void)
{
    pool_count = 0;
    for (uint64_t i = 0; i < bootinfo->num_untyped; i++)
        if (!bootinfo->untyped[i].is_device) pool_order[pool_count++] = (int)i;
    for (int i = 1; i < pool_count; i++)  /* insertion sort, largest first */
        for (int j = i; j > 0 && bootinfo->untyped[pool_order[j]].size_bits > bootinfo->untyped[pool_order[j - 1]].size_bits; j--) {
            int t = pool_order[j]; pool_order[j] = pool_order[j - 1]; pool_order[j - 1] = t;
        }
}

uint64_t obj_pool(void)
{
    if (pool_count < 0) pools_init();
    return bootinfo->untyped[pool_order[pool_cur < pool_count ? pool_cur : pool_count - 1]].slot;
}

/* Retype from the pools, moving on to the next when one is full. 0, or -ENOMEM when all are. */
long obj_retype(uint64_t type, uint64_t bits, uint64_t slot)
{
    if (pool_count < 0) pools_init();
    for (; pool_cur < pool_count; pool_cur++) {
        long r = psn_retype(bootinfo->untyped[pool_order[pool_cur]].slot, type, bits, slot, 1);
        if (r != -12) { if (!r) bytes_retyped += obj_bytes(type, bits); return r; }
    }
    return -12;
}

/* Up to count objects into slots slot.. in one retype where a pool has room for them all, else one:
 * how many were made (0 when memory is exhausted). */
uint64_t obj_retype_n(uint64_t type, uint64_t bits, uint64_t slot, uint64_t count)
{
    if (pool_count < 0) pools_init();
    for (int i = pool_cur; i < pool_count; i++)
        if (!psn_retype(bootinfo->untyped[pool_order[i]].slot, type, bits, slot, count)) {
            bytes_retyped += count * obj_bytes(type, bits);
            return count;
        }
    return obj_retype(type, bits, slot) ? 0 : 1;
}

/* Little memory is left: process memory and file contents are refused (ENOMEM, ENOSPC) so that the
 * servers' own objects can still be made. Slots count too: every object takes one, never reused. */
int mem_low(void)
{
    uint64_t total = 0;
    if (pool_count < 0) pools_init();
    for (int i = 0; i < pool_count; i++) total += 1UL << bootinfo->untyped[pool_order[i]].size_bits;
    uint64_t slot = next_slot ? next_slot : bootinfo->first_free_slot;
    return total - bytes_retyped < (16UL << 20) || slot + 4096 > bootinfo->num_slots;
}

uint64_t obj_new(uint64_t type, uint64_t bits)
{
    uint64_t s = slot_alloc();
    long r = obj_retype(type, bits, s);
    if (r) { printf("root: out of memory for kernel objects (retype type %lu: %ld)\n", type, r); psn_halt(); }
    return s;
}

static uint64_t next_page_va = 0x40000000;
void *page_new(uint64_t *slot)
{
    uint64_t f = obj_new(PSN_OBJ_FRAME, 0);
    uint64_t va = next_page_va;
    next_page_va += 4096;
    long r = psn_vspace_map(PSN_CAP_VSPACE, f, va, PSN_RIGHT_R | PSN_RIGHT_W);
    if (r) { printf("root: map failed %ld\n", r); psn_halt(); }
    if (slot) *slot = f;
    return (void *)va;
}

void task_new(task_t *t)
{
    t->vspace = obj_new(PSN_OBJ_VSPACE, 0);
    uint64_t ut = obj_new(PSN_OBJ_UNTYPED, 16);
    psn_vspace_set_pool(t->vspace, ut);
    t->cnode_bits = TASK_CNODE_BITS;
    t->cnode = obj_new(PSN_OBJ_CNODE, TASK_CNODE_BITS);
    t->stack_top = 0x10000000;
    for (uint64_t i = 0; i < bootinfo->num_image_frames; i++) {
        uint64_t info, va = bootinfo->image[i].vaddr;
        if (va >= 0x7f000000) continue; /* the root's stack stays private */
        psn_vspace_probe(PSN_CAP_VSPACE, va, &info);
        psn_vspace_map(t->vspace, bootinfo->image[i].slot, va, (info & 7) & ~(uint64_t)PSN_RIGHT_W);
    }
}

void task_give(task_t *t, uint64_t idx, uint64_t src, uint64_t rights, uint64_t badge)
{
    long r = badge ? psn_cnode_mint(t->cnode, idx, src, rights, badge) : psn_cnode_copy(t->cnode, idx, src, rights);
    if (r) printf("root: task_give %lu -> %lu failed: %ld\n", src, idx, r);
}

uint64_t thread_new(task_t *t, void (*fn)(uint64_t), uint64_t arg, uint64_t prio, uint64_t fault_ep)
{
    uint64_t tcb = obj_new(PSN_OBJ_TCB, 0);
    uint64_t sp;
    if (t) {
        uint64_t f = obj_new(PSN_OBJ_FRAME, 0);
        t->stack_top -= 0x10000;  /* leave unmapped guard pages between stacks */
        psn_vspace_map(t->vspace, f, t->stack_top, PSN_RIGHT_R | PSN_RIGHT_W);
        sp = t->stack_top + 4096;
        psn_tcb_configure(tcb, t->cnode, t->vspace, fault_ep, prio);
    } else {
        page_new(0);
        sp = (uint64_t)page_new(0) + 4096;  /* two pages */
        psn_tcb_configure(tcb, PSN_CAP_CNODE, PSN_CAP_VSPACE, fault_ep, prio);
    }
    psn_tcb_set_entry(tcb, (uint64_t)fn, sp, arg);
    psn_tcb_resume(tcb);
    return tcb;
}
int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n; n--, p++, q++) if (*p != *q) return *p - *q;
    return 0;
}
