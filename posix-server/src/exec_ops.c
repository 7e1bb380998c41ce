/* execve's work: load an ELF program (static, static-PIE, or dynamic with its interpreter, the
 * dynamic linker) and build the Linux initial stack. */
#include "posix.h"

/* ---- ELF ---- */
typedef struct { uint8_t ident[16]; uint16_t type, machine; uint32_t version; uint64_t entry, phoff, shoff;
                 uint32_t flags; uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx; } ehdr_t;
typedef struct { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz, align; } phdr_t;
enum { PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, ET_EXEC = 2, ET_DYN = 3 };
enum { AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
       AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16,
       AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31 };
#define PIE_BASE 0x0000aaaaaaaa0000UL
/* The dynamic linker goes below the mmap area's top, and mmap allocates below it. */
#define INTERP_BASE (USER_MMAP_TOP - 0x10000000UL)
#define INTERP_MAX 256

/* Check the headers of an ELF file of size bytes whose first have bytes are at elf: 0 or -ENOEXEC. */
static long elf_check(const uint8_t *elf, uint64_t size, uint64_t have)
{
    const ehdr_t *eh = (const void *)elf;
    if (have < sizeof(ehdr_t) || memcmp(elf, "\177ELF", 4) || elf[4] != 2 || elf[5] != 1 ||
        eh->machine != 183 || (eh->type != ET_EXEC && eh->type != ET_DYN) || eh->phentsize != sizeof(phdr_t) ||
        eh->phnum == 0 || eh->phoff > have || (uint64_t)eh->phnum * sizeof(phdr_t) > have - eh->phoff)
        return -ENOEXEC;
    const phdr_t *ph = (const void *)(elf + eh->phoff);
    for (int i = 0; i < eh->phnum; i++) {
        if (ph[i].type == PT_INTERP && (ph[i].filesz < 2 || ph[i].filesz > INTERP_MAX || ph[i].offset > size ||
                                        ph[i].filesz > size - ph[i].offset))
            return -ENOEXEC;
        if (ph[i].type == PT_LOAD && (ph[i].offset > size || ph[i].filesz > size - ph[i].offset ||
                                      ph[i].filesz > ph[i].memsz || ph[i].vaddr + ph[i].memsz < ph[i].vaddr ||
                                      ph[i].vaddr + ph[i].memsz > USER_MMAP_TOP))
            return -ENOEXEC;
    }
    return 0;
}

long exec_check(vnode_t *n)
{
    static uint8_t head[PAGE];
    long got = vnode_read(n, head, PAGE, 0);
    return got < 0 ? -ENOEXEC : elf_check(head, n->size, (uint64_t)got);
}

static long push(proc_t *p, uint64_t *sp, const void *data, uint64_t len)
{
    *sp -= len;
    return copy_out(p, *sp, data, len);
}

/* Read the first page of ELF file n into buf and check its headers: 0 or -errno. */
static long elf_head(vnode_t *n, uint8_t buf[PAGE])
{
    long got = vnode_read(n, buf, PAGE, 0);
    if (got < 0) return got;
    return elf_check(buf, n->size, (uint64_t)got);
}

/* The interpreter that ELF file n (headers in elf) names in PT_INTERP, found from the root: 0 with
 * *interp 0 when there is none, or -errno (ENOENT, ELIBBAD for one that is not a loadable ELF). */
static long find_interp(vnode_t *n, const uint8_t *elf, vnode_t **interp, uint8_t ibuf[PAGE])
{
    const ehdr_t *eh = (const void *)elf;
    const phdr_t *ph = (const void *)(elf + eh->phoff);
    *interp = 0;
    for (int i = 0; i < eh->phnum; i++) {
        if (ph[i].type != PT_INTERP) continue;
        char path[INTERP_MAX];
        if (vnode_read(n, path, ph[i].filesz, ph[i].offset) != (long)ph[i].filesz || path[ph[i].filesz - 1])
            return -ENOEXEC;
        long r = vfs_lookup(vfs_root(), path, 1, interp);
        if (r) return r;
        if (((*interp)->mode & S_IFMT) != S_IFREG) return -EACCES;
        r = elf_head(*interp, ibuf);
        const ehdr_t *ih = (const void *)ibuf;
        if (r || ih->type != ET_DYN) return -80;  /* ELIBBAD */
        for (int k = 0; k < ih->phnum; k++)
            if (((const phdr_t *)(ibuf + ih->phoff))[k].type == PT_INTERP) return -80;
        return 0;
    }
    return 0;
}

/* Map the PT_LOAD segments of n (headers in elf) at base; returns the end of the highest one and
 * where the program headers are in memory (*phdr_va, 0 if not loaded), or 0 on no memory. */
static uint64_t load_segments(proc_t *p, vnode_t *n, const uint8_t *elf, uint64_t base, uint64_t *phdr_va)
{
    const ehdr_t *eh = (const void *)elf;
    const phdr_t *ph = (const void *)(elf + eh->phoff);
    uint64_t top = 0;
    *phdr_va = 0;
    for (int i = 0; i < eh->phnum; i++) {
        if (ph[i].type == PT_PHDR) *phdr_va = base + ph[i].vaddr;
        if (ph[i].type != PT_LOAD) continue;
        uint64_t start = (base + ph[i].vaddr) & ~(PAGE - 1), end = (base + ph[i].vaddr + ph[i].memsz + PAGE - 1) & ~(PAGE - 1);
        uint32_t prot = (ph[i].flags & 4 ? PROT_READ : 0) | (ph[i].flags & 2 ? PROT_WRITE : 0) | (ph[i].flags & 1 ? PROT_EXEC : 0);
        /* The pages come from the file when first touched (demand paging), as Linux maps them. */
        uint64_t lead = (base + ph[i].vaddr) - start;
        if (mm_map(p, start, end - start, prot, 0, n, ph[i].offset - lead) < 0) return 0;
        mm_find(p, start)->file_len = lead + ph[i].filesz;  /* past it (the .bss) pages stay zero */
        if (!*phdr_va && eh->phoff >= ph[i].offset && eh->phoff < ph[i].offset + ph[i].filesz)
            *phdr_va = base + ph[i].vaddr + (eh->phoff - ph[i].offset);
        if (end > top) top = end;
    }
    return top;
}

/* Load the ELF file n into p (whose old image goes), with its interpreter if it names one, and the
 * Linux initial stack. name: what execve was given (it names the process). */
long exec_image(proc_t *p, vnode_t *n, const char *name, char *const argv[], char *const envp[])
{
    static uint8_t elf[PAGE], ielf[PAGE];  /* the headers must lie in the first page */
    vnode_t *interp;
    long r = elf_head(n, elf);
    if (r || (r = find_interp(n, elf, &interp, ielf))) return r;
    const ehdr_t *eh = (const void *)elf;
    uint64_t base = eh->type == ET_DYN ? PIE_BASE : 0, phdr_va, ibase = 0, iphdr;
    mm_destroy(p);
    uint64_t top = load_segments(p, n, elf, base, &phdr_va);
    if (!top) return -ENOMEM;
    uint64_t entry = base + eh->entry;
    if (interp) {
        ibase = INTERP_BASE;
        if (!load_segments(p, interp, ielf, ibase, &iphdr)) return -ENOMEM;
        entry = ibase + ((const ehdr_t *)ielf)->entry;
    }
    p->mm->brk_start = p->mm->brk = top;
    p->mm->mmap_base = interp ? ibase : USER_MMAP_TOP;
    mm_map_anon(p, USER_STACK_TOP - 256 * 1024, 256 * 1024, PROT_READ | PROT_WRITE, 0);
    mm_find(p, USER_STACK_TOP - 1)->flags = VMA_GROWSDOWN;

    /* The Linux initial stack: at the top the program's path, below it the environment strings and
     * below those the argument strings, each in order (so that /proc/<pid>/cmdline and environ are
     * the areas from arg_start and env_start); then AT_RANDOM bytes, argc, argv, envp, auxv. */
    uint64_t sp = USER_STACK_TOP, argc = 0, envc = 0, alen = 0, elen = 0;
    while (argv[argc]) alen += strlen(argv[argc++]) + 1;
    while (envp[envc]) elen += strlen(envp[envc++]) + 1;
    static uint64_t uargv[EXEC_MAX_ARGS], uenvp[EXEC_MAX_ARGS];
    if (argc > EXEC_MAX_ARGS || envc > EXEC_MAX_ARGS) return -E2BIG;
    push(p, &sp, name, strlen(name) + 1);
    uint64_t execfn = sp;
    sp -= elen + alen;
    mm_t *mm = p->mm;
    mm->arg_start = sp; mm->arg_end = mm->env_start = sp + alen; mm->env_end = sp + alen + elen;
    uint64_t at = sp;
    for (uint64_t i = 0; i < argc; i++) { uint64_t l = strlen(argv[i]) + 1; copy_out(p, at, argv[i], l); uargv[i] = at; at += l; }
    for (uint64_t i = 0; i < envc; i++) { uint64_t l = strlen(envp[i]) + 1; copy_out(p, at, envp[i], l); uenvp[i] = at; at += l; }
    sp &= ~7UL;
    push(p, &sp, "aarch64", 8);
    uint64_t platform = sp;
    uint64_t rnd[2] = { read_cntvct() * 0x9e3779b97f4a7c15ULL, read_cntvct() ^ 0xdeadbeefcafef00dULL };
    push(p, &sp, rnd, 16);
    uint64_t random = sp;
    uint64_t auxv[][2] = {
        { AT_PHDR, phdr_va }, { AT_PHENT, sizeof(phdr_t) }, { AT_PHNUM, eh->phnum }, { AT_PAGESZ, PAGE },
        { AT_BASE, ibase }, { AT_FLAGS, 0 }, { AT_ENTRY, base + eh->entry }, { AT_UID, p->grp->uid },
        { AT_EUID, p->grp->euid }, { AT_GID, p->grp->gid }, { AT_EGID, p->grp->egid }, { AT_HWCAP, 0xff },
        { AT_HWCAP2, 0 }, { AT_CLKTCK, 100 }, { AT_PLATFORM, platform },
        { AT_SECURE, p->grp->uid != p->grp->euid || p->grp->gid != p->grp->egid }, { AT_RANDOM, random },
        { AT_EXECFN, execfn }, { AT_NULL, 0 },
    };
    uint64_t words = 1 + argc + 1 + envc + 1 + sizeof(auxv) / 8;
    sp = (sp - words * 8) & ~15UL;
    uint64_t w = sp;
    long bad = copy_out(p, w, &argc, 8); w += 8;
    for (uint64_t i = 0; i < argc; i++, w += 8) bad |= copy_out(p, w, &uargv[i], 8);
    uint64_t zero = 0;
    bad |= copy_out(p, w, &zero, 8); w += 8;
    for (uint64_t i = 0; i < envc; i++, w += 8) bad |= copy_out(p, w, &uenvp[i], 8);
    bad |= copy_out(p, w, &zero, 8); w += 8;
    bad |= copy_out(p, w, auxv, sizeof(auxv));
    if (bad) return -ENOMEM;
    mm->start_stack = sp;
    if (mm->exe) vnode_put(mm->exe);
    vnode_ref(n);
    mm->exe = n;

    const char *slash = name;
    for (const char *c = name; *c; c++) if (*c == '/') slash = c + 1;
    memset(p->comm, 0, sizeof(p->comm));
    for (int i = 0; i < 15 && slash[i]; i++) p->comm[i] = slash[i];
    /* Fresh registers: pc at the entry, sp at argc, everything else zero. */
    uint64_t regs[PSN_NUM_REGS] = { 0 };
    regs[PSN_REG_SP] = sp;
    regs[PSN_REG_PC] = entry;
    regs_write_range(p, 0, PSN_NUM_REGS, regs);  /* pstate 0: EL0t with interrupts enabled */
    return 0;
}
