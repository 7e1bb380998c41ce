/*
 * Host tests of the boot-time physical region list (kernel/src/kernel/regions.c):
 * regions_reserve, regions_alloc and region_split_pow2.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/boot.h>

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}
static uint64_t rnd_below(uint64_t n) { return n ? rnd() % n : 0; }

static region_list_t list1(paddr_t s, paddr_t e)
{
    region_list_t l;
    memset(&l, 0, sizeof(l));
    l.n = 1;
    l.r[0] = (region_t){ s, e };
    return l;
}

static paddr_t total(const region_list_t *l)
{
    paddr_t t = 0;
    for (int i = 0; i < l->n; i++) t += l->r[i].end - l->r[i].start;
    return t;
}

/* Every region well formed, none overlapping another, none overlapping [s, e). */
static void check_list(const region_list_t *l, paddr_t s, paddr_t e)
{
    assert_true(l->n >= 0 && l->n <= BOOT_MAX_REGIONS);
    for (int i = 0; i < l->n; i++) {
        const region_t *a = &l->r[i];
        assert_true(a->start <= a->end);
        if (a->start == a->end) continue;
        if (s < e) assert_true(a->end <= s || a->start >= e);
        for (int j = i + 1; j < l->n; j++) {
            const region_t *b = &l->r[j];
            if (b->start == b->end) continue;
            assert_true(a->end <= b->start || b->end <= a->start);
        }
    }
}

/* ---- regions_reserve ------------------------------------------------------------------------ */

static void test_reserve_middle_splits(void **state)
{
    (void)state;
    region_list_t l = list1(0x1000, 0x10000);
    regions_reserve(&l, 0x4000, 0x5000);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.r[0].start, 0x1000); assert_int_equal(l.r[0].end, 0x4000);
    assert_int_equal(l.r[1].start, 0x5000); assert_int_equal(l.r[1].end, 0x10000);
    check_list(&l, 0x4000, 0x5000);
}

static void test_reserve_edges_trim(void **state)
{
    (void)state;
    static const struct { paddr_t s, e, rs, re; } cases[] = {
        { 0x1000, 0x2000, 0x2000, 0x10000 },  /* at the start */
        { 0x0, 0x2000, 0x2000, 0x10000 },     /* overlapping the start */
        { 0x0, 0x1001, 0x1001, 0x10000 },
        { 0xf000, 0x10000, 0x1000, 0xf000 },  /* at the end */
        { 0xf000, 0x20000, 0x1000, 0xf000 },  /* overlapping the end */
        { 0xffff, ~0ul, 0x1000, 0xffff },
        { 0x0, 0x1000, 0x1000, 0x10000 },     /* touching, outside: no change */
        { 0x10000, 0x20000, 0x1000, 0x10000 },
        { 0x20000, 0x30000, 0x1000, 0x10000 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        region_list_t l = list1(0x1000, 0x10000);
        regions_reserve(&l, cases[i].s, cases[i].e);
        assert_int_equal(l.n, 1);
        assert_int_equal(l.r[0].start, cases[i].rs);
        assert_int_equal(l.r[0].end, cases[i].re);
        check_list(&l, cases[i].s, cases[i].e);
    }
}

static void test_reserve_cover_empties(void **state)
{
    (void)state;
    static const struct { paddr_t s, e; } cases[] = { { 0x1000, 0x10000 }, { 0, 0x10000 }, { 0x1000, 0x20000 }, { 0, ~0ul } };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        region_list_t l = list1(0x1000, 0x10000);
        regions_reserve(&l, cases[i].s, cases[i].e);
        assert_int_equal(l.n, 1);
        assert_int_equal(l.r[0].start, l.r[0].end);
        assert_int_equal(regions_alloc(&l, 0), 0);
    }
}

/* One reservation across several regions: the first is trimmed, the middle emptied, the last trimmed. */
static void test_reserve_across_regions(void **state)
{
    (void)state;
    region_list_t l = list1(0x1000, 0x3000);
    l.n = 3;
    l.r[1] = (region_t){ 0x4000, 0x5000 };
    l.r[2] = (region_t){ 0x6000, 0x9000 };
    regions_reserve(&l, 0x2000, 0x7000);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.r[0].start, 0x1000); assert_int_equal(l.r[0].end, 0x2000);
    assert_int_equal(l.r[1].start, l.r[1].end);
    assert_int_equal(l.r[2].start, 0x7000); assert_int_equal(l.r[2].end, 0x9000);
    assert_int_equal(total(&l), 0x3000);
}

/* The boot sequence on QEMU virt with 1 GiB: kernel image, device tree, everything below RAM. */
static void test_reserve_boot_like(void **state)
{
    (void)state;
    region_list_t l = list1(0x40000000, 0x80000000);
    regions_reserve(&l, 0x40080000, 0x40200000);
    regions_reserve(&l, 0x40000000, 0x40100000 - 0x80000); /* dtb below the kernel */
    regions_reserve(&l, 0, 0x40000000);
    check_list(&l, 0x40000000, 0x40080000);
    check_list(&l, 0x40080000, 0x40200000);
    assert_int_equal(total(&l), 0x40000000 - 0x200000);
}

/* A full list cannot split: the reservation must still never be handed out. */
static void test_reserve_full_list(void **state)
{
    (void)state;
    region_list_t l;
    memset(&l, 0, sizeof(l));
    l.n = BOOT_MAX_REGIONS;
    for (int i = 0; i < BOOT_MAX_REGIONS; i++) l.r[i] = (region_t){ 0x100000 * (paddr_t)(i + 1), 0x100000 * (paddr_t)(i + 1) + 0x10000 };
    regions_reserve(&l, 0x100000 + 0x4000, 0x100000 + 0x5000);
    assert_int_equal(l.n, BOOT_MAX_REGIONS);
    check_list(&l, 0x104000, 0x105000);
    for (paddr_t a; (a = regions_alloc(&l, 12)); )
        assert_true(a + 0x1000 <= 0x104000 || a >= 0x105000);
}

/* ---- regions_alloc -------------------------------------------------------------------------- */

static void test_alloc_basic(void **state)
{
    (void)state;
    region_list_t l = list1(0x1000, 0x100000);
    paddr_t a = regions_alloc(&l, 16);
    assert_int_equal(a, 0x10000);
    check_list(&l, a, a + 0x10000);
    assert_int_equal(total(&l), 0xff000 - 0x10000); /* the gap below stays available */
    assert_int_equal(l.n, 2);
    assert_int_equal(l.r[1].start, 0x1000); assert_int_equal(l.r[1].end, 0x10000);
    assert_int_equal(regions_alloc(&l, 12), 0x20000); /* first fit, in list order */
    assert_int_equal(regions_alloc(&l, 20), 0);       /* 1 MiB never fits */
    assert_int_equal(regions_alloc(&l, 19), 0x80000);
    check_list(&l, 0x80000, 0x100000);
    assert_int_equal(total(&l), 0xff000 - 0x10000 - 0x1000 - 0x80000);
    /* exact fit */
    l = list1(0x40000, 0x80000);
    assert_int_equal(regions_alloc(&l, 18), 0x40000);
    assert_int_equal(total(&l), 0);
    assert_int_equal(regions_alloc(&l, 0), 0);
    /* an empty list */
    memset(&l, 0, sizeof(l));
    assert_int_equal(regions_alloc(&l, 12), 0);
}

/* Regions at the very top of the address space: the aligned address wraps and must not be used. */
static void test_alloc_top_of_address_space(void **state)
{
    (void)state;
    region_list_t l = list1(0xffffffffffff1000ul, 0xfffffffffffff000ul);
    assert_int_equal(regions_alloc(&l, 16), 0);
    assert_int_equal(regions_alloc(&l, 20), 0);
    assert_int_equal(regions_alloc(&l, 63), 0);
    assert_int_equal(regions_alloc(&l, 12), 0xffffffffffff1000ul);
    l = list1(0xfffffffffff00000ul, ~0ul);
    assert_int_equal(regions_alloc(&l, 20), 0); /* would end at 2^64, past the region's end */
    assert_int_equal(regions_alloc(&l, 19), 0xfffffffffff00000ul);
}

/*
 * Random reservations then allocations, checked against a byte map of a 64 KiB address space:
 * while the list has room, regions + reserved + allocated is exactly the initial memory; blocks are
 * size-aligned and never overlap a reservation, another block, or lie outside the initial memory;
 * and 0 is returned only when no region holds a size-aligned block.
 */
enum { SPACE = 1 << 16 };
static uint8_t map[SPACE]; /* 0 outside memory, 1 free, 2 reserved, 3 allocated */

static bool fits(const region_list_t *l, unsigned bits)
{
    for (int i = 0; i < l->n; i++) {
        paddr_t a = ALIGN_UP(l->r[i].start, BIT(bits));
        if (a >= l->r[i].start && a + BIT(bits) <= l->r[i].end) return true;
    }
    return false;
}

static void test_alloc_random_model(void **state)
{
    (void)state;
    rng_state = 0x1234567890abcdefULL;
    long allocs = 0, misses = 0;
    for (int round = 0; round < 400; round++) {
        region_list_t l;
        memset(&l, 0, sizeof(l));
        memset(map, 0, sizeof(map));
        int nr = 1 + (int)rnd_below(4);
        paddr_t cur = 16 + rnd_below(4096) + 16; /* never 0: 0 means failure */
        for (int i = 0; i < nr && cur < SPACE; i++) {
            paddr_t e = cur + 1 + rnd_below(SPACE / 4);
            if (e > SPACE) e = SPACE;
            l.r[l.n++] = (region_t){ cur, e };
            memset(map + cur, 1, e - cur);
            cur = e + rnd_below(2048);
        }
        int nres = (int)rnd_below(8);
        for (int k = 0; k < nres; k++) {
            paddr_t s = rnd_below(SPACE), e = s + rnd_below(SPACE / 8);
            if (e > SPACE) e = SPACE;
            bool room = l.n + 1 < BOOT_MAX_REGIONS; /* a split adds at most one region per hit */
            regions_reserve(&l, s, e);
            for (paddr_t a = s; a < e; a++) if (map[a] == 1) map[a] = 2;
            check_list(&l, s, e);
            if (room) {
                paddr_t freebytes = 0;
                for (size_t a = 0; a < SPACE; a++) freebytes += map[a] == 1;
                /* all free bytes are in some region, and nothing else is */
                assert_int_equal(total(&l), freebytes);
                for (int i = 0; i < l.n; i++)
                    for (paddr_t a = l.r[i].start; a < l.r[i].end; a++) assert_int_equal(map[a], 1);
            }
        }
        for (int k = 0; k < 40; k++) {
            unsigned bits = (unsigned)rnd_below(14);
            bool could = fits(&l, bits);
            paddr_t a = regions_alloc(&l, bits);
            if (!a) {
                assert_false(could);
                misses++;
                continue;
            }
            allocs++;
            assert_true(IS_ALIGNED(a, bits));
            assert_true(a + BIT(bits) <= SPACE);
            for (paddr_t x = a; x < a + BIT(bits); x++) {
                if (map[x] != 1) fail_msg("round %d: block %#lx/%u byte %#lx is %d", round, a, bits, x, map[x]);
                map[x] = 3;
            }
            for (int i = 0; i < l.n; i++) /* the block left every region */
                assert_true(l.r[i].end <= a || l.r[i].start >= a + BIT(bits) || l.r[i].start == l.r[i].end);
            check_list(&l, a, a + BIT(bits));
        }
    }
    print_message("      random model: %ld blocks allocated, %ld refusals\n", allocs, misses);
    assert_true(allocs > 1000 && misses > 100);
}

/* ---- region_split_pow2 ---------------------------------------------------------------------- */

/* Check a split of [s, e): contiguous, aligned, within bits limits, maximal, covering what it must. */
static void check_split(paddr_t s, paddr_t e, unsigned minb, unsigned maxb, const paddr_t *base,
                        const uint8_t *bits, int n, int max)
{
    paddr_t a = ALIGN_UP(s, BIT(minb)), lim = e & ~MASK(minb);
    assert_true(n >= 0 && n <= max);
    for (int i = 0; i < n; i++) {
        if (base[i] != a) fail_msg("[%#lx,%#lx) %u..%u: block %d at %#lx, expected %#lx", s, e, minb, maxb, i, base[i], a);
        assert_true(bits[i] >= minb && bits[i] <= maxb);
        assert_true(IS_ALIGNED(base[i], bits[i]));
        assert_true(base[i] + BIT(bits[i]) <= e);
        /* maximal: the next size up is too big, misaligned, or over the limit */
        assert_true(bits[i] == maxb || !IS_ALIGNED(base[i], bits[i] + 1u) || base[i] + BIT(bits[i] + 1u) > e);
        a += BIT(bits[i]);
    }
    if (n < max) assert_true(a >= lim); /* everything of min granularity is covered */
}

static void test_split_examples(void **state)
{
    (void)state;
    paddr_t base[64];
    uint8_t bits[64];
    int n = region_split_pow2(0x1000, 0x10000, 12, 20, base, bits, 64);
    assert_int_equal(n, 4);
    static const paddr_t eb[] = { 0x1000, 0x2000, 0x4000, 0x8000 };
    for (int i = 0; i < 4; i++) { assert_int_equal(base[i], eb[i]); assert_int_equal(bits[i], 12 + i); }

    n = region_split_pow2(0, 1 << 20, 12, 16, base, bits, 64); /* max_bits caps the size */
    assert_int_equal(n, 16);
    for (int i = 0; i < 16; i++) { assert_int_equal(base[i], (paddr_t)i << 16); assert_int_equal(bits[i], 16); }

    n = region_split_pow2(0x40200000, 0x80000000, 12, 40, base, bits, 64); /* RAM after the kernel */
    assert_int_equal(n, 9);
    for (int i = 0; i < 9; i++) assert_int_equal(bits[i], 21 + i);
    assert_int_equal(base[0], 0x40200000);
    assert_int_equal(base[8], 0x60000000);

    n = region_split_pow2(0x1001, 0x3fff, 12, 20, base, bits, 64); /* unaligned ends are dropped */
    assert_int_equal(n, 1);
    assert_int_equal(base[0], 0x2000); assert_int_equal(bits[0], 12);

    assert_int_equal(region_split_pow2(0x1001, 0x2fff, 12, 20, base, bits, 64), 0); /* less than a page */
    assert_int_equal(region_split_pow2(0x5000, 0x5000, 12, 20, base, bits, 64), 0);
    assert_int_equal(region_split_pow2(0x6000, 0x5000, 12, 20, base, bits, 64), 0);
    assert_int_equal(region_split_pow2(0x1000, 0x10000, 12, 20, base, bits, 0), 0);
}

/* The max count: only max entries are written (exactly-sized arrays) and they are the prefix. */
static void test_split_max_count(void **state)
{
    (void)state;
    paddr_t full_base[64];
    uint8_t full_bits[64];
    int full = region_split_pow2(0x1000, 0xfff000, 12, 20, full_base, full_bits, 64);
    assert_int_equal(full, 8 + 14 + 8); /* up 4K..512K, 14 x 1M, down 512K..4K */
    for (int max = 1; max <= full + 1; max++) {
        paddr_t *base = malloc(sizeof(*base) * (size_t)max);
        uint8_t *bits = malloc((size_t)max);
        assert_non_null(base); assert_non_null(bits);
        int n = region_split_pow2(0x1000, 0xfff000, 12, 20, base, bits, max);
        assert_int_equal(n, max <= full ? max : full);
        assert_memory_equal(base, full_base, sizeof(*base) * (size_t)n);
        assert_memory_equal(bits, full_bits, (size_t)n);
        free(base);
        free(bits);
    }
}

static void test_split_random(void **state)
{
    (void)state;
    rng_state = 0xfeedfacecafebeefULL;
    paddr_t base[256];
    uint8_t bits[256];
    long blocks = 0;
    for (int i = 0; i < 20000; i++) {
        unsigned minb = (unsigned)rnd_below(16);
        unsigned maxb = minb + (unsigned)rnd_below(48 - minb);
        unsigned span = (unsigned)rnd_below(48);
        paddr_t s = rnd() & MASK(rnd_below(48));
        if (i % 3 == 0) s &= ~MASK(minb); /* often aligned, so coverage is exact */
        paddr_t e = s + (rnd() & MASK(span));
        if (i % 3 == 0) e &= ~MASK(minb);
        int max = i % 5 == 0 ? (int)rnd_below(8) : 256;
        int n = region_split_pow2(s, e, minb, maxb, base, bits, max);
        check_split(s, e, minb, maxb, base, bits, n, max);
        if (i % 3 == 0 && n < max) { /* exact cover of [s, e) */
            paddr_t a = s;
            for (int k = 0; k < n; k++) a += BIT(bits[k]);
            if (s < e) assert_int_equal(a, e);
        }
        blocks += n;
    }
    print_message("      random split: %ld blocks checked\n", blocks);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reserve_middle_splits),
        cmocka_unit_test(test_reserve_edges_trim),
        cmocka_unit_test(test_reserve_cover_empties),
        cmocka_unit_test(test_reserve_across_regions),
        cmocka_unit_test(test_reserve_boot_like),
        cmocka_unit_test(test_reserve_full_list),
        cmocka_unit_test(test_alloc_basic),
        cmocka_unit_test(test_alloc_top_of_address_space),
        cmocka_unit_test(test_alloc_random_model),
        cmocka_unit_test(test_split_examples),
        cmocka_unit_test(test_split_max_count),
        cmocka_unit_test(test_split_random),
    };
    return cmocka_run_group_tests_name("regions", tests, NULL, NULL);
}
