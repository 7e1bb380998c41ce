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
#define S_IFBLK 0060000
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
    void *pages;                   /* regular files: written contents, a table of frames (file.c) */
    uint64_t npages;
    char *link;                    /* symlinks */
    int refs;                      /* open files, cwds and directory entries holding it */
    uint32_t fs;                   /* the file system it belongs to: its index in vfs_mounts */
    struct pipe *fifo;             /* FIFOs: the pipe while the FIFO is open */
    struct vlock *locks;           /* record locks and flock locks (lock.c); waiters wait on &locks */
    struct sock *sock;             /* sockets (S_IFSOCK): the socket bound to this name, or 0 */
} vnode_t;

/* seq: the entry's place for getdents and telldir: one more than the last entry's when it is added, so
 * that entries removed while a directory is being read never shift the others (rm -r removes as it
 * reads), and a directory emptied and filled again in the same order (/proc) gives the same places. */
struct dentry { char *name; vnode_t *node; dentry_t *next; uint64_t seq; };

typedef struct pipe {
    uint8_t *pg[PIPE_SIZE / 4096]; /* the ring's pages */
    uint64_t head, len;            /* ring: len bytes from head */
    int readers, writers;
    uint64_t ino;                  /* as fstat and /proc/<pid>/fd ("pipe:[ino]") show it */
    uint32_t r_opens, w_opens;     /* FIFOs: opens so far, by readers and by writers (a blocked open
                                      waits until the other side's count moves) */
} pipe_t;

typedef struct file {
    vnode_t *node;                 /* 0 for pipes; the FIFO's node for a FIFO */
    pipe_t *pipe;                  /* pipes and FIFOs */
    uint64_t off;
    uint32_t flags;                /* O_* status flags and access mode */
    uint32_t fifo_w;               /* a FIFO reader: no POLLHUP while the writers' open count is this */
    int refs;
    struct tty *tty;               /* terminals: the tty (tty.h) */
    int master;                    /* a pty master (/dev/ptmx) */
    struct sock *sock;             /* sockets (socket.h) */
} file_t;

/* events and waiting */
void vfs_event(void *obj);                    /* implemented by the caller: wake whoever waits on obj */
void *vfs_wait_object(file_t *f);             /* what a blocked call on f waits for */

void vfs_init(const uint8_t *cpio, uint64_t size);
vnode_t *vfs_root(void);
uint64_t vfs_now(void);

/*
 * Whose call the VFS serves: the permission checks use it, and new nodes belong to it. The caller
 * sets it for the duration of a process's call; 0 is the server itself (no checks, new nodes root's).
 */
typedef struct vfs_cred { uint32_t uid, gid; int ngroups; const uint32_t *groups; } vfs_cred_t;
extern const vfs_cred_t *vfs_cred;
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4
long vfs_permission(vnode_t *n, int mask);   /* 0 or -EACCES, for vfs_cred, as Linux's generic_permission */
int vfs_owner_or_root(vnode_t *n);           /* vfs_cred owns n or is root (Linux's inode_owner_or_capable) */
int vfs_in_group(uint32_t gid);

/* paths: lookup relative to dir; follow: the last component's symlink is followed */
long vfs_lookup(vnode_t *dir, const char *path, int follow, vnode_t **out);
long vfs_lookup_parent(vnode_t *dir, const char *path, vnode_t **parent, char *name);
long vfs_open(vnode_t *dir, const char *path, uint32_t flags, uint32_t mode, uint32_t umask, file_t **out);
long vfs_open_node(vnode_t *n, uint32_t flags, file_t **out);   /* open what a path led to (the checks of open) */
long vfs_mknod(vnode_t *dir, const char *path, uint32_t mode, uint64_t rdev, const char *link);
long vfs_unlink(vnode_t *dir, const char *path, int rmdir);
long vfs_link(vnode_t *odir, const char *old, vnode_t *ndir, const char *newp, int follow);
long vfs_rename(vnode_t *odir, const char *old, vnode_t *ndir, const char *newp, uint32_t flags);
long vfs_getcwd(vnode_t *cwd, char *buf, uint64_t size);
void vnode_ref(vnode_t *n);
void vnode_put(vnode_t *n);
long vfs_node_path(vnode_t *n, char *buf, uint64_t size);  /* an absolute path naming n; its length */
void vfs_set_link(vnode_t *n, const char *target);           /* a symlink's new target, in place */

/*
 * Mounted file systems: each vnode belongs to one (vnode.fs); a mount's root is the directory it is
 * mounted on. The boot mounts (rootfs on /, devtmpfs /dev, proc /proc, sysfs /sys, tmpfs /tmp) stay;
 * tmpfs can be mounted on an empty directory and unmounted again. rename and link between two file
 * systems are EXDEV.
 */
#define VFS_MAX_MOUNTS 16
typedef struct vfs_mount {
    vnode_t *root;                 /* 0: a free slot */
    char source[32], type[16];
    uint64_t magic;                /* statfs f_type */
    uint32_t flags;                /* statfs f_flags (ST_*) */
    int boot;                      /* one of the boot mounts: never unmounted */
} vfs_mount_t;
extern vfs_mount_t vfs_mounts[VFS_MAX_MOUNTS];
long vfs_mount(vnode_t *dir, const char *source, const char *type, uint32_t flags);
long vfs_umount(vnode_t *dir);
long vfs_statfs(vnode_t *n, void *buf);       /* struct statfs, 120 bytes */
uint64_t vfs_dev(vnode_t *n);                 /* st_dev of n's file system */
uint64_t tmpfs_used_pages(void);

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
long pipe_open(pipe_t *p, uint32_t flags, file_t **out);  /* another open file of a pipe (/proc/<pid>/fd/N) */
/* The pipe ring as a bounded byte queue (pipes, and sockets' receive queues): len bytes from head.
 * ring_put appends (the caller checks that PIPE_SIZE - len leaves room), ring_peek copies len bytes
 * starting skip bytes after head without taking them, ring_drop takes len bytes off the front. */
pipe_t *pipe_new(void);                       /* an empty ring, no readers or writers */
void pipe_free(pipe_t *p);
void ring_put(pipe_t *p, const void *buf, uint64_t len);
void ring_peek(pipe_t *p, uint64_t skip, void *buf, uint64_t len);
void ring_drop(pipe_t *p, uint64_t len);

/*
 * The pages of regular files are frames of the host (posix-server today), so that a process can map
 * the very page a file holds (MAP_SHARED). The host implements these three.
 */
uint32_t vfs_frame_alloc(void);               /* a zeroed frame with one reference; 0 when memory is short */
void vfs_frame_put(uint32_t f);               /* drop a reference */
void *vfs_frame_ptr(uint32_t f);              /* its contents */
/* The frame holding page idx of regular file n, made if missing (the caller takes its own reference
 * if it keeps it); -ENXIO past the end of the file, -ENOMEM. */
long vnode_frame(vnode_t *n, uint64_t idx, uint32_t *frame);
/* A regular file of size bytes in no directory (shared anonymous memory); one reference. */
vnode_t *vnode_anon(uint64_t size);
/* FIFOs: vfs_open of a FIFO makes f, counted as a reader and/or writer. If fifo_need_wait(f), an
 * open without O_NONBLOCK waits until the other side opens: fifo_partner(f) moves from its value
 * when the wait began (it counts the other side's opens). */
long fifo_attach(file_t *f);
int fifo_need_wait(file_t *f);
uint32_t fifo_partner(file_t *f);

/* Record locks (POSIX and open file description locks share one space) and flock locks. Ranges are
 * inclusive; LOCK_MAX is "to the end of the file". owner: a process's tgid (POSIX locks) or an open
 * file's address (OFD and flock locks); pid is what F_GETLK reports (-1 for OFD locks). */
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define LOCK_MAX 0x7fffffffffffffffULL
typedef struct vlock {
    uint64_t start, end, owner;
    int pid;
    short type, flock;
    struct vlock *next;
} vlock_t;
vlock_t *lock_conflict(vnode_t *n, int flock, uint64_t owner, int type, uint64_t start, uint64_t end);
long lock_set(vnode_t *n, int flock, uint64_t owner, int pid, int type, uint64_t start, uint64_t end);
void lock_release(vnode_t *n, uint64_t owner);   /* every lock of owner on n, of both kinds */

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
/* terminals: tty.h; sockets: socket.h */
#endif
