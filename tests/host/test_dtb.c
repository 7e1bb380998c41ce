/*
 * Host tests of the device tree reader (kernel/src/machine/dtb.c).
 *
 * Inputs are real trees dumped by QEMU at test time into $HOST_DTB_DIR (default build/host; see
 * tests/host/host.mk), plus small synthetic trees built here. Every parse of untrusted bytes goes
 * through parse_exact(), which copies them into a malloc buffer of exactly max_size bytes, so that
 * AddressSanitizer reports any read past max_size.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <machine/dtb.h>

/* ---- helpers ----------------------------------------------------------------------------------- */

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static void wr32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

enum { H_MAGIC = 0, H_TOTAL = 4, H_OFF_STRUCT = 8, H_OFF_STR = 12, H_OFF_RSV = 16, H_VERSION = 20,
       H_LAST_COMP = 24, H_CPUID = 28, H_SIZE_STR = 32, H_SIZE_STRUCT = 36, H_SIZE = 40 };

/* dtb_parse on an exactly-sized heap copy of blob[0, len). */
static int parse_exact(const uint8_t *blob, size_t len, dtb_info_t *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len) memcpy(copy, blob, len);
    int r = dtb_parse(copy, len, out);
    free(copy);
    return r;
}

typedef struct blob { uint8_t *b; size_t len; } blob_t;

/* Read a tree dumped by host.mk. */
static blob_t load(const char *name)
{
    const char *dir = getenv("HOST_DTB_DIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "build/host", name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s (run `make host-test`, which dumps it with QEMU)", path);
    blob_t r = { NULL, 0 };
    size_t cap = 0, n;
    do {
        if (r.len == cap) { cap = cap ? 2 * cap : 65536; r.b = realloc(r.b, cap); assert_non_null(r.b); }
        n = fread(r.b + r.len, 1, cap - r.len, f);
        r.len += n;
    } while (n);
    fclose(f);
    assert_true(r.len >= H_SIZE);
    assert_int_equal(rd32(r.b), 0xd00dfeed);
    assert_int_equal(rd32(r.b + H_TOTAL), r.len); /* QEMU writes exactly totalsize bytes */
    return r;
}

/*
 * The same tree with totalsize cut to the end of its used part: QEMU's tree is 1 MiB of which
 * ~7 KiB are used (header, reservation map, structure block, strings block, then free space).
 */
static blob_t compact(blob_t in)
{
    uint32_t e1 = rd32(in.b + H_OFF_STRUCT) + rd32(in.b + H_SIZE_STRUCT);
    uint32_t e2 = rd32(in.b + H_OFF_STR) + rd32(in.b + H_SIZE_STR);
    blob_t r = { NULL, e1 > e2 ? e1 : e2 };
    assert_true(r.len <= in.len);
    r.b = malloc(r.len);
    assert_non_null(r.b);
    memcpy(r.b, in.b, r.len);
    wr32(r.b + H_TOTAL, (uint32_t)r.len);
    return r;
}

/*
 * The same tree laid out as header, reservation map, strings, structure block, with the structure
 * block last and truncated to struct_len bytes (totalsize = end of the truncated block).
 */
static blob_t struct_last(blob_t in, uint32_t struct_len)
{
    uint32_t os = rd32(in.b + H_OFF_STRUCT), ss = rd32(in.b + H_SIZE_STRUCT);
    uint32_t ot = rd32(in.b + H_OFF_STR), st = rd32(in.b + H_SIZE_STR);
    uint32_t new_str = H_SIZE + 16, new_struct = (new_str + st + 3) & ~3u;
    assert_true(struct_len <= ss);
    blob_t r = { calloc(1, new_struct + struct_len), new_struct + struct_len };
    assert_non_null(r.b);
    memcpy(r.b, in.b, H_SIZE);
    memcpy(r.b + new_str, in.b + ot, st);
    memcpy(r.b + new_struct, in.b + os, struct_len);
    wr32(r.b + H_TOTAL, (uint32_t)r.len);
    wr32(r.b + H_OFF_RSV, H_SIZE);
    wr32(r.b + H_OFF_STR, new_str);
    wr32(r.b + H_OFF_STRUCT, new_struct);
    wr32(r.b + H_SIZE_STRUCT, struct_len);
    return r;
}

static void blob_free(blob_t *b) { free(b->b); b->b = NULL; }

/* Deterministic PRNG (xorshift64*), fixed seed per test. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

/* ---- real QEMU trees: the values the kernel needs ------------------------------------------------ */

static void check_common(const dtb_info_t *d, uint64_t mem_size)
{
    assert_int_equal(d->mem_count, 1);
    assert_int_equal(d->mem_base[0], 0x40000000);
    assert_int_equal(d->mem_size[0], mem_size);
    assert_int_equal(d->uart, 0x09000000);
}

static void check_gicv2(const dtb_info_t *d)
{
    assert_int_equal(d->gic_version, 2);
    assert_int_equal(d->gicd, 0x08000000);
    assert_int_equal(d->gicc, 0x08010000);
    assert_int_equal(d->gicr, 0);
}

static void test_qemu_gicv2(void **state)
{
    (void)state;
    blob_t b = load("virt-gicv2.dtb");
    dtb_info_t d;
    assert_int_equal(dtb_parse(b.b, b.len, &d), 0);
    check_common(&d, 1024UL << 20);
    check_gicv2(&d);
    assert_int_equal(d.psci_smc, 0);
    assert_string_equal(d.bootargs, "");
    assert_int_equal(d.total_size, b.len);
    blob_free(&b);
}

static void test_qemu_gicv3(void **state)
{
    (void)state;
    blob_t b = load("virt-gicv3.dtb");
    dtb_info_t d;
    assert_int_equal(dtb_parse(b.b, b.len, &d), 0);
    check_common(&d, 1024UL << 20);
    assert_int_equal(d.gic_version, 3);
    assert_int_equal(d.gicd, 0x08000000);
    assert_int_equal(d.gicr, 0x080a0000);
    assert_int_equal(d.gicc, 0);
    assert_int_equal(d.psci_smc, 0);
    assert_int_equal(d.total_size, b.len);
    blob_free(&b);
}

static void test_qemu_virtualization_smc(void **state)
{
    (void)state;
    blob_t b = load("virt-el2.dtb");
    dtb_info_t d;
    assert_int_equal(dtb_parse(b.b, b.len, &d), 0);
    check_common(&d, 1024UL << 20);
    check_gicv2(&d); /* with virtualization the GIC node has 4 reg entries; the first two count */
    assert_int_equal(d.psci_smc, 1);
    assert_int_equal(d.total_size, b.len);
    blob_free(&b);
}

static void test_qemu_2g(void **state)
{
    (void)state;
    blob_t b = load("virt-2g.dtb");
    dtb_info_t d;
    assert_int_equal(dtb_parse(b.b, b.len, &d), 0);
    check_common(&d, 2048UL << 20);
    check_gicv2(&d);
    blob_free(&b);
}

static void test_qemu_bootargs(void **state)
{
    (void)state;
    blob_t b = load("virt-args.dtb");
    dtb_info_t d;
    assert_int_equal(dtb_parse(b.b, b.len, &d), 0);
    check_common(&d, 1024UL << 20);
    check_gicv2(&d);
    assert_string_equal(d.bootargs, "some args");
    blob_free(&b);
}

/* host.mk passes -append "$(seq -s, 1 120)" (371 characters): kept to the first 255. */
static void test_qemu_long_bootargs(void **state)
{
    (void)state;
    char want[1024];
    size_t n = 0;
    for (int i = 1; i <= 120; i++) n += (size_t)snprintf(want + n, sizeof(want) - n, i > 1 ? ",%d" : "%d", i);
    assert_int_equal(n, 371);
    blob_t b = load("virt-longargs.dtb");
    dtb_info_t d;
    assert_int_equal(dtb_parse(b.b, b.len, &d), 0);
    assert_int_equal(strlen(d.bootargs), sizeof(d.bootargs) - 1);
    assert_memory_equal(d.bootargs, want, sizeof(d.bootargs) - 1);
    blob_free(&b);
}

/* max_size may exceed totalsize (the kernel passes 1 MiB); total_size reports the header's value. */
static void test_max_size_larger_and_compact(void **state)
{
    (void)state;
    blob_t b = load("virt-args.dtb");
    dtb_info_t full, d;
    assert_int_equal(dtb_parse(b.b, b.len, &full), 0);

    blob_t c = compact(b);
    assert_true(c.len < 16384);
    assert_int_equal(parse_exact(c.b, c.len, &d), 0);
    assert_int_equal(d.total_size, c.len);
    d.total_size = full.total_size;
    assert_memory_equal(&d, &full, sizeof(d));

    uint8_t *big = calloc(1, c.len + 4096);
    assert_non_null(big);
    memcpy(big, c.b, c.len);
    assert_int_equal(dtb_parse(big, c.len + 4096, &d), 0);
    assert_int_equal(d.total_size, c.len);
    free(big);
    blob_free(&c);
    blob_free(&b);
}

/* ---- malformed input -------------------------------------------------------------------------- */

static const char *const qemu_trees[] = { "virt-gicv2.dtb", "virt-gicv3.dtb", "virt-el2.dtb", "virt-args.dtb" };

/* Every proper prefix of the compact tree (max_size < totalsize) is rejected, without overreading. */
static void test_truncations_compact(void **state)
{
    (void)state;
    for (size_t t = 0; t < ARRAY_SIZE(qemu_trees); t++) {
        blob_t b = load(qemu_trees[t]), c = compact(b);
        dtb_info_t d;
        for (size_t len = 0; len < c.len; len++) {
            int r = parse_exact(c.b, len, &d);
            if (r != -EINVAL) fail_msg("%s: prefix of %zu/%zu bytes gave %d", qemu_trees[t], len, c.len, r);
        }
        assert_int_equal(parse_exact(c.b, c.len, &d), 0);
        blob_free(&c);
        blob_free(&b);
    }
}

/* The same for the 1 MiB tree as QEMU dumps it: every length up to 16 KiB, then a stride. */
static void test_truncations_full(void **state)
{
    (void)state;
    blob_t b = load("virt-gicv3.dtb");
    dtb_info_t d;
    for (size_t len = 0; len < b.len; len += len < 16384 ? 1 : len > b.len - 64 ? 1 : 4093) {
        int r = parse_exact(b.b, len, &d);
        if (r != -EINVAL) fail_msg("prefix of %zu/%zu bytes gave %d", len, b.len, r);
    }
    assert_int_equal(parse_exact(b.b, b.len, &d), 0);
    blob_free(&b);
}

/*
 * Truncations that the header agrees with: the structure block is moved to the end of the blob and
 * cut at every length, with totalsize and size_dt_struct set to match. The header checks pass, so
 * the token walk itself must stop at the cut (ASan sees the buffer end there) and reject the tree.
 */
static void test_truncated_struct_block(void **state)
{
    (void)state;
    for (size_t t = 0; t < ARRAY_SIZE(qemu_trees); t++) {
        blob_t b = load(qemu_trees[t]);
        uint32_t ss = rd32(b.b + H_SIZE_STRUCT);
        dtb_info_t d, ref;
        assert_int_equal(dtb_parse(b.b, b.len, &ref), 0);
        for (uint32_t len = 0; len <= ss; len++) {
            blob_t s = struct_last(b, len);
            int r = parse_exact(s.b, s.len, &d);
            if (len < ss && r != -EINVAL) fail_msg("%s: struct cut at %u/%u gave %d", qemu_trees[t], len, ss, r);
            if (len == ss) {
                assert_int_equal(r, 0);
                d.total_size = ref.total_size;
                assert_memory_equal(&d, &ref, sizeof(d));
            }
            blob_free(&s);
        }
        blob_free(&b);
    }
}

/* The strings block last (compact layout) and cut short: never an overread, any result accepted. */
static void test_truncated_strings_block(void **state)
{
    (void)state;
    blob_t b = load("virt-gicv2.dtb"), c = compact(b);
    uint32_t ot = rd32(c.b + H_OFF_STR), st = rd32(c.b + H_SIZE_STR);
    assert_int_equal(ot + st, c.len); /* QEMU puts the strings after the structure block */
    int ok = 0;
    for (uint32_t len = 0; len <= st; len++) {
        wr32(c.b + H_SIZE_STR, len);
        wr32(c.b + H_TOTAL, ot + len);
        dtb_info_t d;
        int r = parse_exact(c.b, ot + len, &d);
        assert_true(r == 0 || r == -EINVAL);
        ok += r == 0;
    }
    assert_true(ok >= 1); /* at least the complete block parses */
    blob_free(&c);
    blob_free(&b);
}

static void test_bad_magic(void **state)
{
    (void)state;
    blob_t b = load("virt-gicv2.dtb"), c = compact(b);
    dtb_info_t d;
    for (int i = 0; i < 4; i++) {
        for (int bit = 0; bit < 8; bit++) {
            c.b[i] ^= (uint8_t)(1u << bit);
            assert_int_equal(parse_exact(c.b, c.len, &d), -EINVAL);
            c.b[i] ^= (uint8_t)(1u << bit);
        }
    }
    wr32(c.b, 0xedfe0dd0); /* little-endian magic */
    assert_int_equal(parse_exact(c.b, c.len, &d), -EINVAL);
    wr32(c.b, 0xd00dfeed);
    assert_int_equal(parse_exact(c.b, c.len, &d), 0);
    /* a header is 40 bytes: fewer is rejected even with a good magic */
    assert_int_equal(parse_exact(c.b, 39, &d), -EINVAL);
    blob_free(&c);
    blob_free(&b);
}

/* Header fields pointing outside the blob, including values chosen to overflow 32-bit sums. */
static void test_corrupted_header_offsets(void **state)
{
    (void)state;
    blob_t b = load("virt-gicv3.dtb"), c = compact(b);
    const uint32_t total = (uint32_t)c.len;
    struct { int field; uint32_t v; } bad[] = {
        { H_TOTAL, total + 1 }, { H_TOTAL, 0xffffffff }, { H_TOTAL, 0x80000000 },
        { H_OFF_STRUCT, total + 1 }, { H_OFF_STRUCT, 0xffffffff }, { H_OFF_STRUCT, 0xfffffff0 },
        { H_OFF_STRUCT, total - 4 }, /* block runs past the end */
        { H_SIZE_STRUCT, total }, { H_SIZE_STRUCT, 0xffffffff }, { H_SIZE_STRUCT, 0xfffffffc },
        { H_OFF_STR, total + 1 }, { H_OFF_STR, 0xffffffff }, { H_OFF_STR, total - 1 },
        { H_SIZE_STR, total }, { H_SIZE_STR, 0xffffffff }, { H_SIZE_STR, 0xfffffff8 },
        { H_SIZE_STRUCT, 0 }, /* no FDT_END */
        { H_SIZE_STR, 0 },    /* every property name out of range */
    };
    dtb_info_t d;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        uint32_t old = rd32(c.b + bad[i].field);
        wr32(c.b + bad[i].field, bad[i].v);
        int r = parse_exact(c.b, c.len, &d);
        if (r != -EINVAL) fail_msg("header field %d = %#x gave %d", bad[i].field, bad[i].v, r);
        wr32(c.b + bad[i].field, old);
    }
    /* totalsize smaller than max_size but too small for the blocks */
    wr32(c.b + H_TOTAL, total - 1);
    assert_int_equal(parse_exact(c.b, c.len, &d), -EINVAL);
    wr32(c.b + H_TOTAL, total);
    assert_int_equal(parse_exact(c.b, c.len, &d), 0);
    blob_free(&c);
    blob_free(&b);
}

/* Random bit flips and word overwrites anywhere in the used part of each tree: must not crash. */
static void test_random_flips(void **state)
{
    (void)state;
    rng_state = 0x9e3779b97f4a7c15ULL;
    long accepted = 0, rejected = 0;
    for (size_t t = 0; t < ARRAY_SIZE(qemu_trees); t++) {
        blob_t b = load(qemu_trees[t]), c = compact(b);
        uint8_t *m = malloc(c.len);
        assert_non_null(m);
        for (int i = 0; i < 1500; i++) {
            memcpy(m, c.b, c.len);
            int nflips = 1 + (int)(rnd() % 3);
            for (int k = 0; k < nflips; k++) {
                uint64_t r = rnd();
                size_t pos = (size_t)(r % c.len);
                if ((r >> 32) & 1) {
                    m[pos] ^= (uint8_t)(1u << ((r >> 40) % 8)); /* one bit */
                } else if (pos + 4 <= c.len) {                  /* a whole aligned-ish word */
                    static const uint32_t vals[] = { 0, 1, 2, 3, 4, 9, 0xff, 0x7fffffff, 0x80000000,
                                                     0xfffffffc, 0xffffffff };
                    uint32_t v = (r >> 41) & 1 ? vals[(r >> 42) % ARRAY_SIZE(vals)] : (uint32_t)(r >> 16);
                    wr32(m + (pos & ~3ul), v);
                }
            }
            dtb_info_t d;
            int r = parse_exact(m, c.len, &d);
            assert_true(r == 0 || r == -EINVAL);
            if (r == 0) {
                assert_true(d.total_size <= c.len);
                assert_true(d.mem_count >= 0 && d.mem_count <= DTB_MAX_MEM);
                assert_true(memchr(d.bootargs, 0, sizeof(d.bootargs)) != NULL);
                accepted++;
            } else {
                rejected++;
            }
        }
        free(m);
        blob_free(&c);
        blob_free(&b);
    }
    print_message("      random flips: %ld accepted, %ld rejected\n", accepted, rejected);
    assert_true(rejected > 0);
}

/* ---- synthetic trees -------------------------------------------------------------------------- */

typedef struct fdt_builder {
    uint8_t st[8192]; uint32_t sl;
    char str[1024]; uint32_t strl;
} fdtb_t;

static void b_put32(fdtb_t *f, uint32_t v) { assert_true(f->sl + 4 <= sizeof(f->st)); wr32(f->st + f->sl, v); f->sl += 4; }
static void b_bytes(fdtb_t *f, const void *p, uint32_t n)
{
    assert_true(f->sl + n + 4 <= sizeof(f->st));
    memcpy(f->st + f->sl, p, n);
    f->sl += n;
    while (f->sl % 4) f->st[f->sl++] = 0;
}
static uint32_t b_stroff(fdtb_t *f, const char *name)
{
    for (uint32_t i = 0; i < f->strl; i += (uint32_t)strlen(f->str + i) + 1)
        if (!strcmp(f->str + i, name)) return i;
    uint32_t o = f->strl, n = (uint32_t)strlen(name) + 1;
    assert_true(o + n <= sizeof(f->str));
    memcpy(f->str + o, name, n);
    f->strl += n;
    return o;
}
static void b_begin(fdtb_t *f, const char *name) { b_put32(f, 1); b_bytes(f, name, (uint32_t)strlen(name) + 1); }
static void b_end(fdtb_t *f) { b_put32(f, 2); }
static void b_prop(fdtb_t *f, const char *name, const void *v, uint32_t len)
{
    b_put32(f, 3); b_put32(f, len); b_put32(f, b_stroff(f, name)); b_bytes(f, v, len);
}
static void b_prop_str(fdtb_t *f, const char *name, const char *s) { b_prop(f, name, s, (uint32_t)strlen(s) + 1); }
/* A property of n 32-bit cells. */
static void b_prop_cells(fdtb_t *f, const char *name, int n, ...)
{
    uint8_t v[64];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) wr32(v + 4 * i, va_arg(ap, uint32_t));
    va_end(ap);
    b_prop(f, name, v, 4u * (uint32_t)n);
}
/* Finish with FDT_END; layout: header, empty reservation map, structure block, strings block. */
static blob_t b_finish(fdtb_t *f)
{
    b_put32(f, 9);
    uint32_t os = H_SIZE + 16, ot = os + f->sl;
    blob_t r = { calloc(1, ot + f->strl), ot + f->strl };
    assert_non_null(r.b);
    wr32(r.b + H_MAGIC, 0xd00dfeed);
    wr32(r.b + H_TOTAL, (uint32_t)r.len);
    wr32(r.b + H_OFF_STRUCT, os);
    wr32(r.b + H_OFF_STR, ot);
    wr32(r.b + H_OFF_RSV, H_SIZE);
    wr32(r.b + H_VERSION, 17);
    wr32(r.b + H_LAST_COMP, 16);
    wr32(r.b + H_SIZE_STR, f->strl);
    wr32(r.b + H_SIZE_STRUCT, f->sl);
    memcpy(r.b + os, f->st, f->sl);
    memcpy(r.b + ot, f->str, f->strl);
    return r;
}

static fdtb_t fb;
static int build_parse(dtb_info_t *d)
{
    blob_t b = b_finish(&fb);
    int r = parse_exact(b.b, b.len, d);
    blob_free(&b);
    return r;
}

/* Root with 1-cell addresses and sizes, several memory nodes and entries, NOPs. */
static void test_synthetic_cells_and_memory(void **state)
{
    (void)state;
    memset(&fb, 0, sizeof(fb));
    b_begin(&fb, "");
    b_prop_cells(&fb, "#address-cells", 1, 1);
    b_prop_cells(&fb, "#size-cells", 1, 1);
    b_put32(&fb, 4); /* FDT_NOP */
    b_begin(&fb, "memory@80000000");
    b_prop_str(&fb, "device_type", "memory");
    b_prop_cells(&fb, "reg", 4, 0x80000000, 0x1000000, 0x90000000, 0x2000000);
    b_end(&fb);
    b_begin(&fb, "ram"); /* recognised by device_type alone */
    b_prop_cells(&fb, "reg", 2, 0xa0000000, 0x3000);
    b_prop_str(&fb, "device_type", "memory");
    b_end(&fb);
    b_begin(&fb, "memory"); /* recognised by name alone, no unit address */
    b_prop_cells(&fb, "reg", 3, 0xb0000000, 0x4000, 0xdead); /* trailing partial entry ignored */
    b_end(&fb);
    b_begin(&fb, "memoryx@1"); /* not a memory node */
    b_prop_cells(&fb, "reg", 2, 0xc0000000, 0x5000);
    b_end(&fb);
    b_begin(&fb, "uart@1000");
    b_put32(&fb, 4);
    b_prop(&fb, "compatible", "arm,pl011\0arm,primecell", 24);
    b_prop_cells(&fb, "reg", 2, 0x1000, 0x1000);
    b_end(&fb);
    b_begin(&fb, "uart@2000"); /* only the first pl011 counts */
    b_prop_str(&fb, "compatible", "arm,pl011");
    b_prop_cells(&fb, "reg", 2, 0x2000, 0x1000);
    b_end(&fb);
    b_end(&fb);
    dtb_info_t d;
    assert_int_equal(build_parse(&d), 0);
    assert_int_equal(d.mem_count, 4);
    assert_int_equal(d.mem_base[0], 0x80000000); assert_int_equal(d.mem_size[0], 0x1000000);
    assert_int_equal(d.mem_base[1], 0x90000000); assert_int_equal(d.mem_size[1], 0x2000000);
    assert_int_equal(d.mem_base[2], 0xa0000000); assert_int_equal(d.mem_size[2], 0x3000);
    assert_int_equal(d.mem_base[3], 0xb0000000); assert_int_equal(d.mem_size[3], 0x4000);
    assert_int_equal(d.uart, 0x1000);
    assert_int_equal(d.gic_version, 0);
    assert_int_equal(d.psci_smc, 0);
}

/* More memory entries than DTB_MAX_MEM: the first ones are kept, nothing overflows. */
static void test_synthetic_memory_overflow(void **state)
{
    (void)state;
    memset(&fb, 0, sizeof(fb));
    b_begin(&fb, "");
    b_prop_cells(&fb, "#address-cells", 1, 2);
    b_prop_cells(&fb, "#size-cells", 1, 2);
    for (uint32_t i = 0; i < DTB_MAX_MEM + 3; i++) {
        char name[32];
        snprintf(name, sizeof(name), "memory@%x", i + 1);
        b_begin(&fb, name);
        b_prop_cells(&fb, "reg", 4, i + 1, 0x1000 * i, 0, 0x1000);
        b_end(&fb);
    }
    b_end(&fb);
    dtb_info_t d;
    assert_int_equal(build_parse(&d), 0);
    assert_int_equal(d.mem_count, DTB_MAX_MEM);
    for (int i = 0; i < DTB_MAX_MEM; i++) {
        assert_int_equal(d.mem_base[i], ((uint64_t)(i + 1) << 32) | (0x1000u * (uint32_t)i));
        assert_int_equal(d.mem_size[i], 0x1000);
    }
}

/* Compatible strings must match a whole list entry; psci is a child of the root named psci. */
static void test_synthetic_compat_and_psci(void **state)
{
    (void)state;
    memset(&fb, 0, sizeof(fb));
    b_begin(&fb, "");
    b_prop_cells(&fb, "#address-cells", 1, 2);
    b_prop_cells(&fb, "#size-cells", 1, 2);
    b_begin(&fb, "a");
    b_prop(&fb, "compatible", "arm,pl011x\0xarm,pl011\0arm,pl01", 31);
    b_prop_cells(&fb, "reg", 4, 0, 0x1000, 0, 0x1000);
    b_end(&fb);
    b_begin(&fb, "b");
    b_prop(&fb, "compatible", "arm,pl011", 9); /* no terminating NUL: still the whole entry */
    b_prop_cells(&fb, "reg", 4, 0, 0x3000, 0, 0x1000);
    b_end(&fb);
    b_begin(&fb, "gic");
    b_prop(&fb, "compatible", "vendor,x\0arm,gic-400", 21);
    b_prop_cells(&fb, "reg", 8, 0, 0x100000, 0, 0x1000, 0, 0x200000, 0, 0x2000);
    b_end(&fb);
    b_begin(&fb, "psci");
    b_prop_str(&fb, "method", "smc");
    b_end(&fb);
    b_end(&fb);
    dtb_info_t d;
    assert_int_equal(build_parse(&d), 0);
    assert_int_equal(d.uart, 0x3000);
    assert_int_equal(d.gic_version, 2);
    assert_int_equal(d.gicd, 0x100000);
    assert_int_equal(d.gicc, 0x200000);
    assert_int_equal(d.psci_smc, 1);

    /* method outside a psci node, or nested deeper, does not count; a node name shorter than "psci" */
    memset(&fb, 0, sizeof(fb));
    b_begin(&fb, "");
    b_prop_cells(&fb, "#address-cells", 1, 2);
    b_prop_cells(&fb, "#size-cells", 1, 2);
    b_begin(&fb, "psc");
    b_prop_str(&fb, "method", "smc");
    b_end(&fb);
    b_begin(&fb, "x");
    b_begin(&fb, "psci");
    b_prop_str(&fb, "method", "smc");
    b_end(&fb);
    b_end(&fb);
    b_begin(&fb, "gic"); /* a single reg entry: distributor only */
    b_prop_str(&fb, "compatible", "arm,gic-v3");
    b_prop_cells(&fb, "reg", 4, 0, 0x100000, 0, 0x1000);
    b_end(&fb);
    b_end(&fb);
    assert_int_equal(build_parse(&d), 0);
    assert_int_equal(d.psci_smc, 0);
    assert_int_equal(d.gic_version, 3);
    assert_int_equal(d.gicd, 0x100000);
    assert_int_equal(d.gicr, 0);
}

static void test_synthetic_depth(void **state)
{
    (void)state;
    dtb_info_t d;
    for (int depth = 1; depth <= 10; depth++) {
        memset(&fb, 0, sizeof(fb));
        for (int i = 0; i < depth; i++) b_begin(&fb, i ? "n" : "");
        for (int i = 0; i < depth; i++) b_end(&fb);
        int r = build_parse(&d);
        assert_int_equal(r, depth <= 8 ? 0 : -EINVAL);
    }
}

/* Structural errors the token walk must reject. */
static void test_synthetic_malformed(void **state)
{
    (void)state;
    dtb_info_t d;

    memset(&fb, 0, sizeof(fb)); /* END_NODE with no node open */
    b_begin(&fb, ""); b_end(&fb); b_end(&fb);
    assert_int_equal(build_parse(&d), -EINVAL);

    memset(&fb, 0, sizeof(fb)); /* FDT_END with a node still open */
    b_begin(&fb, "");
    assert_int_equal(build_parse(&d), -EINVAL);

    memset(&fb, 0, sizeof(fb)); /* unknown token */
    b_begin(&fb, ""); b_put32(&fb, 5); b_end(&fb);
    assert_int_equal(build_parse(&d), -EINVAL);

    memset(&fb, 0, sizeof(fb)); /* property outside any node */
    b_prop_cells(&fb, "x", 1, 1);
    assert_int_equal(build_parse(&d), -EINVAL);

    static const struct { const char *name; uint32_t v; } cells[] = {
        { "#address-cells", 0 }, { "#address-cells", 3 }, { "#address-cells", 0xffffffff },
        { "#size-cells", 3 }, { "#size-cells", 0x40000000 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cells); i++) {
        memset(&fb, 0, sizeof(fb));
        b_begin(&fb, "");
        b_prop_cells(&fb, cells[i].name, 1, cells[i].v);
        b_begin(&fb, "memory");
        b_prop_cells(&fb, "reg", 4, 0, 0, 0, 0);
        b_end(&fb);
        b_end(&fb);
        assert_int_equal(build_parse(&d), -EINVAL);
    }
    memset(&fb, 0, sizeof(fb)); /* #size-cells = 0 is allowed: sizes read as 0 */
    b_begin(&fb, "");
    b_prop_cells(&fb, "#address-cells", 1, 1);
    b_prop_cells(&fb, "#size-cells", 1, 0);
    b_begin(&fb, "memory");
    b_prop_cells(&fb, "reg", 2, 0x1000, 0x2000);
    b_end(&fb);
    b_end(&fb);
    assert_int_equal(build_parse(&d), 0);
    assert_int_equal(d.mem_count, 2);
    assert_int_equal(d.mem_base[1], 0x2000);
    assert_int_equal(d.mem_size[1], 0);

    /* property length past the structure block, and name offsets past the strings block */
    static const uint32_t lens[] = { 0x1000, 0x7fffffff, 0xfffffffc, 0xffffffff };
    for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
        memset(&fb, 0, sizeof(fb));
        b_begin(&fb, "");
        b_put32(&fb, 3); b_put32(&fb, lens[i]); b_put32(&fb, b_stroff(&fb, "reg"));
        b_end(&fb);
        assert_int_equal(build_parse(&d), -EINVAL);
    }
    static const uint32_t offs[] = { 4, 5, 0x1000, 0xffffffff };
    for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
        memset(&fb, 0, sizeof(fb));
        b_begin(&fb, "");
        b_stroff(&fb, "reg"); /* strings block is "reg\0": offset 4 is just past it */
        b_put32(&fb, 3); b_put32(&fb, 0); b_put32(&fb, offs[i]);
        b_end(&fb);
        assert_int_equal(build_parse(&d), -EINVAL);
    }

    /* a property name not terminated inside the strings block */
    memset(&fb, 0, sizeof(fb));
    b_begin(&fb, "");
    b_prop_cells(&fb, "reg", 1, 0);
    b_end(&fb);
    blob_t b = b_finish(&fb);
    assert_int_equal(parse_exact(b.b, b.len, &d), 0);
    wr32(b.b + H_SIZE_STR, rd32(b.b + H_SIZE_STR) - 1); /* drop the NUL of "reg" */
    wr32(b.b + H_TOTAL, (uint32_t)b.len - 1);
    assert_int_equal(parse_exact(b.b, b.len - 1, &d), -EINVAL);
    blob_free(&b);

    /* a node name not terminated inside the structure block (block is cut right after it) */
    memset(&fb, 0, sizeof(fb));
    b_begin(&fb, "");
    b_put32(&fb, 1);
    memcpy(fb.st + fb.sl, "abcd", 4); fb.sl += 4;
    b = b_finish(&fb);
    wr32(b.b + H_SIZE_STRUCT, rd32(b.b + H_SIZE_STRUCT) - 4); /* drop FDT_END (the last 4 bytes) */
    wr32(b.b + H_TOTAL, (uint32_t)b.len - 4);
    assert_int_equal(parse_exact(b.b, b.len - 4, &d), -EINVAL);
    blob_free(&b);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu_gicv2),
        cmocka_unit_test(test_qemu_gicv3),
        cmocka_unit_test(test_qemu_virtualization_smc),
        cmocka_unit_test(test_qemu_2g),
        cmocka_unit_test(test_qemu_bootargs),
        cmocka_unit_test(test_qemu_long_bootargs),
        cmocka_unit_test(test_max_size_larger_and_compact),
        cmocka_unit_test(test_truncations_compact),
        cmocka_unit_test(test_truncations_full),
        cmocka_unit_test(test_truncated_struct_block),
        cmocka_unit_test(test_truncated_strings_block),
        cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_corrupted_header_offsets),
        cmocka_unit_test(test_random_flips),
        cmocka_unit_test(test_synthetic_cells_and_memory),
        cmocka_unit_test(test_synthetic_memory_overflow),
        cmocka_unit_test(test_synthetic_compat_and_psci),
        cmocka_unit_test(test_synthetic_depth),
        cmocka_unit_test(test_synthetic_malformed),
    };
    return cmocka_run_group_tests_name("dtb", tests, NULL, NULL);
}
