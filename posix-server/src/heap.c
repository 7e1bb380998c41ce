/* The server's memory for its own data: pages from the root library, carved by a bump allocator,
 * with free lists per power-of-two size so that areas and nodes are reused. */
#include "posix.h"

static void *free_lists[13];
static uint8_t *bump, *bump_end;

static int size_class(uint64_t n)
{
    int c = 4;
    while ((1UL << c) < n) c++;
    return c;
}

/* Zeroed memory of n bytes (n <= 4096). */
void *heap_alloc(uint64_t n)
{
    int c = size_class(n);
    uint64_t sz = 1UL << c;
    void *r = free_lists[c];
    if (r) {
        free_lists[c] = *(void **)r;
    } else if (sz == PAGE) {
        r = page_new(0);
    } else {
        if (!bump || bump + sz > bump_end) { bump = page_new(0); bump_end = bump + PAGE; }
        r = bump;
        bump += sz;
    }
    memset(r, 0, sz);
    return r;
}

void heap_free(void *p, uint64_t n)
{
    int c = size_class(n);
    *(void **)p = free_lists[c];
    free_lists[c] = p;
}
