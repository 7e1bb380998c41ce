/* Address spaces: four-level page tables for EL0 with an ASID, page tables paid from a donated pool. */
#ifndef OBJECT_VSPACE_H
#define OBJECT_VSPACE_H
#include <object/structures.h>

vspace_t *vspace_init(void *obj);          /* obj: zeroed 8 KiB object memory */
bool vspace_asid_available(void);
/* Map the page at pa with PSN_RIGHT_* rights; returns 0, -ENOMEM (pool) or -EINVAL. */
long vspace_map(vspace_t *vs, vaddr_t va, paddr_t pa, word_t rights, bool device);
long vspace_unmap(vspace_t *vs, vaddr_t va);
/* The leaf entry for va, or NULL. */
word_t *vspace_lookup(vspace_t *vs, vaddr_t va);
#endif
