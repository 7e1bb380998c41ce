/* Physical memory regions at boot (host-tested: no hardware access). */
#include <kernel/boot.h>

void regions_reserve(region_list_t *l, paddr_t s, paddr_t e)
{
    if (s >= e) return;
    for (int i = 0; i < l->n; i++) {
        region_t *r = &l->r[i];
        if (e <= r->start || s >= r->end) continue;
        if (s > r->start && e < r->end && l->n < BOOT_MAX_REGIONS) {
            l->r[l->n++] = (region_t){ e, r->end };
            r->end = s;
        } else if (s > r->start) {
            r->end = s;
        } else if (e < r->end) {
            r->start = e;
        } else {
            r->start = r->end;  /* fully covered: empty */
        }
    }
}

paddr_t regions_alloc(region_list_t *l, unsigned bits)
{
    for (int i = 0; i < l->n; i++) {
        region_t *r = &l->r[i];
        paddr_t a = ALIGN_UP(r->start, BIT(bits));
        if (a >= r->start && a + BIT(bits) <= r->end && a + BIT(bits) > a) {
            if (a > r->start && l->n < BOOT_MAX_REGIONS) l->r[l->n++] = (region_t){ r->start, a };
            r->start = a + BIT(bits);
            return a;
        }
    }
    return 0;
}

int region_split_pow2(paddr_t s, paddr_t e, unsigned min_bits, unsigned max_bits,
                      paddr_t *base, uint8_t *bits, int max)
{
    int n = 0;
    if (ALIGN_UP(s, BIT(min_bits)) < s) return 0;
    s = ALIGN_UP(s, BIT(min_bits));
    while (s < e && n < max) {
        unsigned b = min_bits;
        while (b < max_bits && IS_ALIGNED(s, b + 1) && s + BIT(b + 1) <= e && s + BIT(b + 1) > s) b++;
        if (s + BIT(b) > e) break;
        base[n] = s;
        bits[n] = (uint8_t)b;
        n++;
        s += BIT(b);
    }
    return n;
}
