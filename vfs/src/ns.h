/* Shared by namespace.c (nodes and paths) and mount.c (the mount table); not the VFS boundary. */
#ifndef NS_H
#define NS_H
#include "vfs.h"

#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572
#define DEVPTS_MAGIC 0x1cd1

vnode_t *vnode_new(uint32_t mode);
/* Walk path from dir (seen through mount dmnt, or -1: vfs_mount_of(dir)); the node and the mount it
 * was reached through. */
long ns_walk(vnode_t *dir, int dmnt, const char *path, int follow, vnode_t **out, int *omnt);
void tree_clear(vnode_t *dir);             /* remove everything below a directory */
int tree_busy(vnode_t *n);                 /* n or a node below it is held by more than its entries */
int tree_busy_below(vnode_t *dir);         /* a node below dir is */
void ns_set_fs(vnode_t *n, uint32_t fs);   /* n and the nodes below it belong to file system fs */
/* The path of n below directory top ("/" for top itself), not crossing mounts; its length, or -ENOENT
 * when n is not in top's tree. */
long ns_rel_path(vnode_t *top, vnode_t *n, char *buf, uint64_t size);
uint64_t vfs_free_inodes(uint64_t total);

/* mount.c */
int mount_covering(int mnt, vnode_t *n);   /* the mount attached on n within mount mnt, or -1 */
vnode_t *mount_follow(int *mnt, vnode_t *n);  /* down through the mounts stacked on n */
int mount_is_point(vnode_t *n);            /* some mount covers n (rmdir, unlink, rename: EBUSY) */
int mount_above(vnode_t *n);               /* an attached mount showing n on another node (getcwd of a file system's root), or -1 */
void mount_boot(vnode_t *dir, const char *type, uint64_t magic, uint32_t flags);
#endif
