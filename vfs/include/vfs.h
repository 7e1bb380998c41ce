/*
 * The VFS: one namespace of nodes (tmpfs holds everything writable; the boot image is unpacked into
 * it; devfs nodes are character devices), open file descriptions, and pipes.
 *
 * For now the VFS is linked into the same task as posix-server and called directly; this header is
 * the boundary that becomes its IPC protocol when it moves into a server of its own. Every function
 * returns -errno on failure. A call that cannot finish without waiting returns VFS_WOULD_BLOCK and
 * the caller retries it when vfs_event() reports activity on the object it waits for.
 */
#ifndef VFS_H
#define VFS_H
#include <stdint.h>
#include <stddef.h>

#define VFS_WOULD_BLOCK (-11000)
#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096
#define PIPE_SIZE 65536
#define PIPE_BUF 4096

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000

#define O_ACCMODE 3
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECTORY 040000
#define O_NOFOLLOW 0100000
#define O_CLOEXEC 02000000
#define O_PATH 010000000

typedef struct dentry dentry_t;
typedef struct vnode {
    uint32_t mode, nlink, uid, gid;
    uint64_t ino, size, rdev;
    uint64_t atime, mtime, ctime;  /* ns */
    struct vnode *parent;          /* directories */
    dentry_t *entries;             /* directories: name -> node, in creation order */
    const uint8_t *ro_data;        /* regular files from the boot image: contents until first write */
    uint8_t **pages;               /* regular files: written contents, page by page */
    uint64_t npages;
    char *link;                    /* symlinks */
    int refs;                      /* open files, cwds and directory entries holding it */
} vnode_t;

struct dentry { char *name; vnode_t *node; dentry_t *next; };

typedef struct pipe {
    uint8_t *pg[PIPE_SIZE / 4096]; /* the ring's pages */
    uint64_t head, len;            /* ring: len bytes from head */
    int readers, writers;
} pipe_t;

typedef struct file {
    vnode_t *node;                 /* 0 for pipes */
    pipe_t *pipe;
    uint64_t off;
    uint32_t flags;                /* O_* status flags and access mode */
    int refs;
    struct tty *tty;               /* terminals: the tty (tty.h) */
    int master;                    /* a pty master (/dev/ptmx) */
} file_t;

/* events and waiting */
void vfs_event(void *obj);                    /* implemented by the caller: wake whoever waits on obj */
void *vfs_wait_object(file_t *f);             /* what a blocked call on f waits for */

void vfs_init(const uint8_t *cpio, uint64_t size);
vnode_t *vfs_root(void);
uint64_t vfs_now(void);

/* paths: lookup relative to dir; follow: the last component's symlink is followed */
long vfs_lookup(vnode_t *dir, const char *path, int follow, vnode_t **out);
long vfs_lookup_parent(vnode_t *dir, const char *path, vnode_t **parent, char *name);
long vfs_open(vnode_t *dir, const char *path, uint32_t flags, uint32_t mode, uint32_t umask, file_t **out);
long vfs_mknod(vnode_t *dir, const char *path, uint32_t mode, uint64_t rdev, const char *link);
long vfs_unlink(vnode_t *dir, const char *path, int rmdir);
long vfs_link(vnode_t *odir, const char *old, vnode_t *ndir, const char *newp, int follow);
long vfs_rename(vnode_t *odir, const char *old, vnode_t *ndir, const char *newp, uint32_t flags);
long vfs_getcwd(vnode_t *cwd, char *buf, uint64_t size);
void vnode_ref(vnode_t *n);
void vnode_put(vnode_t *n);

/* open files */
file_t *file_get(file_t *f);
void file_put(file_t *f);
long file_read(file_t *f, void *buf, uint64_t len, uint64_t *off);   /* off: 0 = use and advance f->off */
long file_write(file_t *f, const void *buf, uint64_t len, uint64_t *off);
long file_lseek(file_t *f, int64_t off, int whence);
long file_truncate(vnode_t *n, uint64_t size);
long vnode_read(vnode_t *n, void *buf, uint64_t len, uint64_t off);
long file_getdents(file_t *f, void *buf, uint64_t len);
void vnode_stat(vnode_t *n, void *statbuf);   /* struct stat, 128 bytes */
int file_poll(file_t *f, int events);         /* POLLIN 1, POLLOUT 4, POLLHUP 16, POLLERR 8 */
long pipe_create(file_t **r, file_t **w, uint32_t flags);

/* character devices: rdev major << 8 | minor */
#define DEV_NULL 0x103
#define DEV_ZERO 0x105
#define DEV_FULL 0x107
#define DEV_RANDOM 0x108
#define DEV_URANDOM 0x109
#define DEV_TTY 0x500
#define DEV_CONSOLE 0x501
#define DEV_PTMX 0x502
#define DEV_TTYAMA0 0xcc40  /* major 204, minor 64 */
/* terminals: tty.h */
#endif
