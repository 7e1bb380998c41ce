/* The root task's small library: output, memory, slot and object allocation, child tasks. */
#ifndef ROOT_LIB_H
#define ROOT_LIB_H
#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include <persona/syscall.h>
#include <persona/bootinfo.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int strcmp(const char *a, const char *b);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void psn_halt_now(void);

extern struct psn_bootinfo *bootinfo;

static inline uint64_t read_cntvct(void) { uint64_t v; __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)); return v; }
static inline uint64_t read_cntfrq(void) { uint64_t v; __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v)); return v; }

/* A free slot in the root cspace (never reused). */
uint64_t slot_alloc(void);
/* The RAM untyped that objects are carved from now. */
uint64_t obj_pool(void);
/* Retype one object into slot from the RAM untypeds (the next when one is full): 0 or -ENOMEM. */
long obj_retype(uint64_t type, uint64_t bits, uint64_t slot);
uint64_t obj_retype_n(uint64_t type, uint64_t bits, uint64_t slot, uint64_t count);
uint64_t slot_alloc_n(uint64_t n);  /* n consecutive slots: the first */
/* True when little memory is left (see lib.c). */
int mem_low(void);
/* Create an object of a type from that untyped; returns its slot. */
uint64_t obj_new(uint64_t type, uint64_t bits);
/* A fresh 4 KiB frame mapped in the root at a new address; returns its address, frame slot in *slot. */
void *page_new(uint64_t *slot);

/* A task: its own address space and cspace; threads start in code shared (read-only) with the root. */
typedef struct task {
    uint64_t vspace, cnode, cnode_bits;
    uint64_t stack_top;              /* next stack to hand out, in the task's space */
} task_t;
#define TASK_CNODE_BITS 6
/* A new address space with the root's image mapped read-only (code executable). */
void task_new(task_t *t);
/* A thread in t (or in the root's own space if t is NULL) running fn(arg) at prio; fault_ep is a slot of
 * the root's cspace (0: none). Returns the tcb slot. */
uint64_t thread_new(task_t *t, void (*fn)(uint64_t), uint64_t arg, uint64_t prio, uint64_t fault_ep);
/* Copy a root cap into slot idx of t's cspace (rights mask, badge if nonzero). */
void task_give(task_t *t, uint64_t idx, uint64_t src, uint64_t rights, uint64_t badge);

#endif
