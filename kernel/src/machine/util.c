/* Freestanding helpers and the kernel's formatted console output. */
#include <stdarg.h>
#include <util.h>
#include <machine/console.h>

/* Words when both ends are 8-byte aligned (object memory always is), else bytewise. */
/* Zeroing whole 64-byte blocks (pages of new objects) uses DC ZVA: a page is 64 instructions. */
void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    if (!c && !(((word_t)p | n) & 63) && n) {
        word_t id;
        __asm__ volatile("mrs %0, dczid_el0" : "=r"(id));
        if (!(id & 16) && (id & 15) == 4) {  /* allowed, and 64-byte blocks */
            for (uint8_t *e = p + n; p < e; p += 64) __asm__ volatile("dc zva, %0" :: "r"(p) : "memory");
            return d;
        }
    }
    if (!(((word_t)p | n) & 7)) {
        word_t v = 0x0101010101010101UL * (uint8_t)c, *w = d;
        size_t k = n / 8;
        for (; k >= 4; k -= 4, w += 4) { w[0] = v; w[1] = v; w[2] = v; w[3] = v; }
        while (k--) *w++ = v;
        return d;
    }
    while (n--) *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    if (!(((word_t)p | (word_t)q | n) & 7)) {  /* 64 bytes a round (ldp/stp), then words */
        word_t *w = d;
        const word_t *r = s;
        for (; n >= 64; n -= 64, w += 8, r += 8) {
            word_t a0 = r[0], a1 = r[1], a2 = r[2], a3 = r[3], a4 = r[4], a5 = r[5], a6 = r[6], a7 = r[7];
            w[0] = a0; w[1] = a1; w[2] = a2; w[3] = a3; w[4] = a4; w[5] = a5; w[6] = a6; w[7] = a7;
        }
        for (; n; n -= 8) *w++ = *r++;
        return d;
    }
    while (n--) *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q) return *p - *q;
    return 0;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b) return (uint8_t)*a - (uint8_t)*b;
        if (!*a) return 0;
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

void kputs(const char *s)
{
    while (*s) console_putc(*s++);
}

static void put_num(word_t v, unsigned base, int width, char pad)
{
    char buf[24];
    int i = 0;
    do {
        buf[i++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (i < width) buf[i++] = pad;
    while (i) console_putc(buf[--i]);
}

static void vkprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') { console_putc(*fmt); continue; }
        fmt++;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') { lng = 1; fmt++; }
        switch (*fmt) {
        case 'd': {
            long v = lng ? va_arg(ap, long) : va_arg(ap, int);
            if (v < 0) { console_putc('-'); v = -v; }
            put_num((word_t)v, 10, width, pad);
            break;
        }
        case 'u': put_num(lng ? va_arg(ap, word_t) : va_arg(ap, unsigned), 10, width, pad); break;
        case 'x': put_num(lng ? va_arg(ap, word_t) : va_arg(ap, unsigned), 16, width, pad); break;
        case 'p': kputs("0x"); put_num((word_t)va_arg(ap, void *), 16, 0, ' '); break;
        case 's': { const char *s = va_arg(ap, const char *); kputs(s ? s : "(null)"); break; }
        case 'c': console_putc((char)va_arg(ap, int)); break;
        default: console_putc('%'); console_putc(*fmt); break;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vkprintf(fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    kputs("\nKERNEL PANIC: ");
    va_start(ap, fmt);
    vkprintf(fmt, ap);
    va_end(ap);
    kputs("\n");
    for (;;) __asm__ volatile("wfi");
}
