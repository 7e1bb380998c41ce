/* Build-time configuration of the kernel. */
#ifndef CONFIG_H
#define CONFIG_H

#define CONFIG_MAX_CPUS 1           /* per-CPU state lives in struct cpu; SMP adds entries */
#define CONFIG_TICK_HZ 250          /* scheduler tick, as Debian's Linux (CONFIG_HZ=250) */
#define CONFIG_TIME_SLICE_TICKS 3   /* round-robin quantum */
#define CONFIG_ROOT_PRIO 100        /* priority of the root task */
#define CONFIG_ROOT_CNODE_BITS 16   /* root cspace: 65536 slots */
#define CONFIG_ROOT_PT_POOL (256 * 1024) /* page-table memory given to the root's address space */
#define CONFIG_ROOT_PT_POOL_BITS 18
#define CONFIG_ROOT_INITRD 0x100000000UL /* where the root task sees the boot image, read-only */
#define CONFIG_ROOT_STACK_PAGES 16
#define CONFIG_ROOT_STACK_TOP 0x80000000UL
#define CONFIG_ROOT_BOOTINFO 0x7ffe0000UL
#define CONFIG_MAX_UNTYPED 64
#define KERNEL_VBASE 0xffff000000000000UL /* physmap: VA = PA + KERNEL_VBASE */
#define USER_TOP 0x0001000000000000UL     /* 48-bit user space */

#endif
