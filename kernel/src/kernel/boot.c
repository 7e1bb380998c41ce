/*
 * kmain: find memory and devices in the device tree, start the interrupt controller and timer, build
 * the root task (its cspace, address space, thread and image) from boot memory, hand it every other
 * byte of RAM as untyped capabilities, and run it.
 */
#include <kernel/boot.h>
#include <kernel/sched.h>
#include <object/untyped.h>
#include <object/vspace.h>
#include <machine/dtb.h>
#include <machine/console.h>
#include <api/syscall.h>
#include <arch/machine.h>
#include <arch/mmu.h>
#include <arch/irqchip.h>
#include <persona/bootinfo.h>
#include <config.h>
#include <util.h>

STATIC_ASSERT(sizeof(struct psn_bootinfo) <= 4096, "bootinfo fits a page");

extern char _kernel_start[], _kernel_end[], boot_stack_top[];
extern const uint8_t root_elf[], root_elf_end[];

const irqchip_ops_t *irqchip;
paddr_t gic_dist_pa, gic_cpu_pa, gic_redist_pa;

static region_list_t mem;
static tcb_t *root;
static struct psn_bootinfo *bi;
static word_t next_slot = PSN_FIRST_FREE_FIXED;

static void *boot_alloc(unsigned bits)
{
    paddr_t pa = regions_alloc(&mem, bits);
    if (!pa) panic("boot: out of memory for %u-bit object", bits);
    void *kva = PA_TO_KVA(pa);
    memset(kva, 0, BIT(bits));
    return kva;
}

static word_t put_cap(cap_t c)
{
    if (next_slot >= BIT(CONFIG_ROOT_CNODE_BITS)) panic("boot: root cspace full");
    root->cspace.slots[next_slot] = c;
    return next_slot++;
}

/* Map one fresh or existing page of the root at va; returns its kernel address. */
static uint8_t *root_page(vaddr_t va, word_t rights)
{
    word_t *e = vspace_lookup(root->vspace, va);
    if (e) {
        word_t pa = *e & PTE_ADDR_MASK;
        vspace_map(root->vspace, va, pa, rights | PSN_RIGHT_R | PSN_RIGHT_W | PSN_RIGHT_X, false);
        return PA_TO_KVA(pa);
    }
    uint8_t *kva = boot_alloc(PAGE_BITS);
    if (vspace_map(root->vspace, va, KVA_TO_PA(kva), rights, false)) panic("boot: root page tables");
    cap_t fc = object_create(PSN_OBJ_FRAME, 0, kva, false);
    if (bi->num_image_frames < PSN_BOOTINFO_MAX_IMG)
        bi->image[bi->num_image_frames++] = (struct psn_image_frame){ va, put_cap(fc) };
    return kva;
}

typedef struct { uint8_t ident[16]; uint16_t type, machine; uint32_t version; uint64_t entry, phoff, shoff;
                 uint32_t flags; uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx; } elf64_ehdr;
typedef struct { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz, align; } elf64_phdr;

static word_t load_root_elf(void)
{
    const uint8_t *img = root_elf;
    word_t size = (word_t)(root_elf_end - root_elf);
    const elf64_ehdr *eh = (const void *)img;
    if (size < sizeof(*eh) || eh->ident[0] != 0x7f || eh->ident[1] != 'E' || eh->machine != 183 ||
        eh->phoff + (word_t)eh->phnum * sizeof(elf64_phdr) > size)
        panic("boot: bad root ELF");
    for (int i = 0; i < eh->phnum; i++) {
        const elf64_phdr *ph = (const void *)(img + eh->phoff + i * sizeof(elf64_phdr));
        if (ph->type != 1) continue;
        if (ph->offset + ph->filesz > size || ph->filesz > ph->memsz) panic("boot: bad segment");
        word_t rights = (ph->flags & 4 ? PSN_RIGHT_R : 0) | (ph->flags & 2 ? PSN_RIGHT_W : 0) |
                        (ph->flags & 1 ? PSN_RIGHT_X : 0);
        for (vaddr_t va = ph->vaddr & ~MASK(PAGE_BITS); va < ph->vaddr + ph->memsz; va += PAGE_SIZE) {
            uint8_t *page = root_page(va, rights);
            for (word_t off = 0; off < PAGE_SIZE; off++) {
                vaddr_t a = va + off;
                if (a >= ph->vaddr && a < ph->vaddr + ph->filesz) page[off] = img[ph->offset + a - ph->vaddr];
            }
        }
    }
    return eh->entry;
}

static void create_root(const dtb_info_t *dt)
{
    cap_t *slots = boot_alloc(CONFIG_ROOT_CNODE_BITS + CAP_SLOT_BITS);
    void *vs_obj = boot_alloc(VSPACE_OBJ_BITS);
    root = boot_alloc(TCB_OBJ_BITS);
    cap_t tc = object_create(PSN_OBJ_TCB, 0, root, false);
    cap_t vc = object_create(PSN_OBJ_VSPACE, 0, vs_obj, false);
    vspace_t *vs = vc.obj;
    vs->pool = (word_t)boot_alloc(CONFIG_ROOT_PT_POOL_BITS);
    vs->pool_end = vs->pool + CONFIG_ROOT_PT_POOL;
    root->cspace = (cnode_ref_t){ slots, CONFIG_ROOT_CNODE_BITS };
    root->vspace = vs;
    slots[PSN_CAP_TCB] = tc;
    slots[PSN_CAP_CNODE] = object_create(PSN_OBJ_CNODE, CONFIG_ROOT_CNODE_BITS, slots, false);
    slots[PSN_CAP_VSPACE] = vc;
    slots[PSN_CAP_IRQ_CONTROL] = (cap_t){ .type = PSN_OBJ_IRQ_CONTROL, .rights = PSN_RIGHT_W };

    bi = boot_alloc(PAGE_BITS);
    slots[PSN_CAP_BOOTINFO] = object_create(PSN_OBJ_FRAME, 0, bi, false);
    slots[PSN_CAP_BOOTINFO].rights = PSN_RIGHT_R;
    vspace_map(vs, CONFIG_ROOT_BOOTINFO, KVA_TO_PA(bi), PSN_RIGHT_R, false);
    bi->magic = PSN_BOOTINFO_MAGIC;
    bi->tick_hz = CONFIG_TICK_HZ;
    memcpy(bi->bootargs, dt->bootargs, sizeof(bi->bootargs));
    for (int i = 0; i < dt->mem_count; i++) bi->ram_bytes += dt->mem_size[i];

    root->ctx[CTX_PC] = load_root_elf();
    for (word_t i = 1; i <= CONFIG_ROOT_STACK_PAGES; i++)
        root_page(CONFIG_ROOT_STACK_TOP - i * PAGE_SIZE, PSN_RIGHT_R | PSN_RIGHT_W);
    root->ctx[CTX_SP] = CONFIG_ROOT_STACK_TOP;
    if (dt->initrd_end > dt->initrd_start) {
        paddr_t s = dt->initrd_start & ~MASK(PAGE_BITS);
        for (paddr_t pa = s; pa < dt->initrd_end; pa += PAGE_SIZE)
            if (vspace_map(vs, CONFIG_ROOT_INITRD + (pa - s), pa, PSN_RIGHT_R, false)) panic("boot: initrd map");
        bi->initrd_vaddr = CONFIG_ROOT_INITRD + (dt->initrd_start - s);
        bi->initrd_size = dt->initrd_end - dt->initrd_start;
    }
    root->ctx[0] = CONFIG_ROOT_BOOTINFO;
    root->prio = CONFIG_ROOT_PRIO;
    root->mcp = PSN_MAX_PRIO;
}

static void add_untyped(paddr_t s, paddr_t e, bool device)
{
    paddr_t base[PSN_BOOTINFO_MAX_UT];
    uint8_t bits[PSN_BOOTINFO_MAX_UT];
    int room = PSN_BOOTINFO_MAX_UT - (int)bi->num_untyped;
    int n = region_split_pow2(s, e, PAGE_BITS, UT_MAX_BITS, base, bits, room);
    for (int i = 0; i < n; i++) {
        word_t slot = put_cap(untyped_cap(base[i], bits[i], device));
        bi->untyped[bi->num_untyped++] = (struct psn_untyped){ base[i], (uint16_t)slot, bits[i], device, 0 };
    }
}

void kmain(paddr_t dtb_pa)
{
    cpu_t *c = this_cpu();
    c->kstack_top = (word_t)boot_stack_top;
    MSR(tpidr_el1, c);
    dtb_info_t dt;
    if (dtb_parse(PA_TO_KVA(dtb_pa), BIT(20), &dt)) panic("boot: no valid device tree at %lx", dtb_pa);
    if (dt.uart) console_init(dt.uart);
    kprintf("Persona microkernel: %d memory region(s), GICv%d, PSCI via %s, EL1 entered\n", dt.mem_count,
            dt.gic_version, dt.psci_smc ? "smc" : "hvc");
    psci_use_smc = dt.psci_smc;
    gic_dist_pa = dt.gicd; gic_cpu_pa = dt.gicc; gic_redist_pa = dt.gicr;
    if (dt.gic_version == 3) irqchip = &gicv3_ops;
    else if (dt.gic_version == 2) irqchip = &gicv2_ops;
    else panic("boot: no supported interrupt controller");
    irqchip->init();
    c->cpacr = CPACR_FP_TRAP_EL0;
    MSR(cpacr_el1, c->cpacr);
    isb();

    for (int i = 0; i < dt.mem_count && mem.n < BOOT_MAX_REGIONS; i++)
        mem.r[mem.n++] = (region_t){ dt.mem_base[i], dt.mem_base[i] + dt.mem_size[i] };
    regions_reserve(&mem, KVA_TO_PA(_kernel_start), KVA_TO_PA(_kernel_end));
    regions_reserve(&mem, dtb_pa, dtb_pa + dt.total_size);
    regions_reserve(&mem, dt.initrd_start & ~MASK(PAGE_BITS), ALIGN_UP(dt.initrd_end, PAGE_SIZE));
    regions_reserve(&mem, 0, 0x40000000UL); /* below RAM on this board: devices only */
    create_root(&dt);
    for (int i = 0; i < mem.n; i++) add_untyped(mem.r[i].start, mem.r[i].end, false);
    if (dt.uart) add_untyped(dt.uart, dt.uart + PAGE_SIZE, true);
    add_untyped(0x0a000000UL, 0x0a004000UL, true); /* the virtio-mmio transports of QEMU virt */
    bi->first_free_slot = next_slot;
    bi->num_slots = BIT(CONFIG_ROOT_CNODE_BITS);
    kprintf("Persona: root task with %lu untyped caps, %lu slots free\n", bi->num_untyped,
            bi->num_slots - bi->first_free_slot);

    timer_init();
    sched_wake(root);
    sched_exit();
}
