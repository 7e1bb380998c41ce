/* Flattened device tree parsing (see include/machine/dtb.h). */
#include <machine/dtb.h>

#define FDT_MAGIC 0xd00dfeedu
enum { FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_NOP = 4, FDT_END = 9 };
#define MAX_DEPTH 8

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++) v = v << 32 | be32(p + 4 * i);
    return v;
}

/* True if the NUL-separated string list [s, s+len) contains want. */
static bool strlist_has(const char *s, uint32_t len, const char *want)
{
    uint32_t i = 0;
    while (i < len) {
        uint32_t j = i;
        while (j < len && s[j]) j++;
        uint32_t k = 0;
        while (want[k] && i + k < j && s[i + k] == want[k]) k++;
        if (!want[k] && i + k == j) return true;
        i = j + 1;
    }
    return false;
}

typedef struct node {
    const char *name;
    const char *compat; uint32_t compat_len;
    const uint8_t *reg; uint32_t reg_len;
    bool is_memory;
} node_t;

/* Record what we need from a node when it closes (its properties are all known then). */
static void node_done(const node_t *n, int depth, uint32_t ac, uint32_t sc, dtb_info_t *out)
{
    if (depth != 1) return;
    uint32_t entry = 4 * (ac + sc);
    uint32_t nregs = entry ? n->reg_len / entry : 0;
    if (n->is_memory) {
        for (uint32_t i = 0; i < nregs && out->mem_count < DTB_MAX_MEM; i++) {
            out->mem_base[out->mem_count] = read_cells(n->reg + i * entry, ac);
            out->mem_size[out->mem_count] = read_cells(n->reg + i * entry + 4 * ac, sc);
            out->mem_count++;
        }
        return;
    }
    if (!n->compat || nregs == 0) return;
    paddr_t r0 = read_cells(n->reg, ac);
    paddr_t r1 = nregs > 1 ? read_cells(n->reg + entry, ac) : 0;
    if (strlist_has(n->compat, n->compat_len, "arm,pl011") && !out->uart) {
        out->uart = r0;
    } else if (strlist_has(n->compat, n->compat_len, "arm,gic-v3")) {
        out->gic_version = 3; out->gicd = r0; out->gicr = r1;
    } else if (strlist_has(n->compat, n->compat_len, "arm,cortex-a15-gic") ||
               strlist_has(n->compat, n->compat_len, "arm,gic-400")) {
        out->gic_version = 2; out->gicd = r0; out->gicc = r1;
    }
}

int dtb_parse(const void *blob, size_t max_size, dtb_info_t *out)
{
    const uint8_t *b = blob;
    for (size_t i = 0; i < sizeof(*out); i++) ((uint8_t *)out)[i] = 0;
    if (max_size < 40 || be32(b) != FDT_MAGIC) return -EINVAL;
    uint32_t total = be32(b + 4), off_struct = be32(b + 8), off_str = be32(b + 12);
    uint32_t size_str = be32(b + 32), size_struct = be32(b + 36);
    if (total > max_size || off_struct > total || size_struct > total - off_struct ||
        off_str > total || size_str > total - off_str)
        return -EINVAL;
    out->total_size = total;
    const uint8_t *p = b + off_struct, *end = p + size_struct;
    const char *strs = (const char *)b + off_str;
    node_t stack[MAX_DEPTH];
    int depth = 0;
    uint32_t ac = 2, sc = 1;
    while (p + 4 <= end) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const uint8_t *name = p;
            while (p < end && *p) p++;
            if (p >= end || depth >= MAX_DEPTH) return -EINVAL;
            p = (const uint8_t *)ALIGN_UP((word_t)(p + 1 - b), 4) + (word_t)b;
            node_t *n = &stack[depth++];
            *n = (node_t){ .name = (const char *)name };
            n->is_memory = name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'o' &&
                           name[4] == 'r' && name[5] == 'y' && (name[6] == 0 || name[6] == '@');
        } else if (tok == FDT_END_NODE) {
            if (depth == 0) return -EINVAL;
            node_done(&stack[depth - 1], depth - 1, ac, sc, out);
            depth--;
        } else if (tok == FDT_PROP) {
            if (p + 8 > end || depth == 0) return -EINVAL;
            uint32_t len = be32(p), nameoff = be32(p + 4);
            p += 8;
            if (len > (uint32_t)(end - p) || nameoff >= size_str) return -EINVAL;
            const char *pn = strs + nameoff;
            uint32_t room = size_str - nameoff, k = 0;
            while (k < room && pn[k]) k++;
            if (k == room) return -EINVAL;
            node_t *n = &stack[depth - 1];
            const char *val = (const char *)p;
#define IS(s) (k == sizeof(s) - 1 && !__builtin_memcmp(pn, s, sizeof(s) - 1))
            if (IS("compatible")) { n->compat = val; n->compat_len = len; }
            else if (IS("reg")) { n->reg = p; n->reg_len = len; }
            else if (IS("device_type") && len >= 6 && !__builtin_memcmp(val, "memory", 6)) n->is_memory = true;
            else if (depth == 1 && IS("#address-cells") && len == 4) ac = be32(p);
            else if (depth == 1 && IS("#size-cells") && len == 4) sc = be32(p);
            else if (depth == 2 && IS("method") && len >= 3 && !__builtin_memcmp(val, "smc", 3) &&
                     n->name[0] == 'p' && n->name[1] == 's' && n->name[2] == 'c' && n->name[3] == 'i')
                out->psci_smc = 1;
            else if (depth == 2 && IS("linux,initrd-start") && (len == 4 || len == 8))
                out->initrd_start = read_cells(p, len / 4);
            else if (depth == 2 && IS("linux,initrd-end") && (len == 4 || len == 8))
                out->initrd_end = read_cells(p, len / 4);
            else if (depth == 2 && IS("bootargs")) {
                uint32_t m = len < sizeof(out->bootargs) - 1 ? len : sizeof(out->bootargs) - 1;
                for (uint32_t i = 0; i < m; i++) out->bootargs[i] = val[i];
                out->bootargs[m] = 0;
            }
#undef IS
            if (ac == 0 || ac > 2 || sc > 2) return -EINVAL;
            p += ALIGN_UP(len, 4);
        } else if (tok == FDT_NOP) {
            continue;
        } else if (tok == FDT_END) {
            return depth == 0 ? 0 : -EINVAL;
        } else {
            return -EINVAL;
        }
    }
    return -EINVAL;
}
