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
    char *link;                    /* symlinks: the target; memfd files: their name */
    uint32_t seals;                /* memfd files: F_SEAL_* */
    uint8_t memfd;                 /* made by memfd_create */
    int refs;                      /* open files, cwds and directory entries holding it */
    uint32_t fs;                   /* the file system it belongs to: its index in vfs_fss */
    uint16_t covered, mroots;      /* mounts on it, mounts showing it as their root (mount.c) */
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

struct file;
/*
 * Files of objects that live outside the namespace (eventfd, timerfd, epoll: epoll/): their own
 * operations. Their node is the shared anonymous inode (vfs_anon_inode), as Linux's anon_inode.
 */
typedef struct file_ops {
    const char *name;              /* "[eventfd]": /proc/<pid>/fd shows "anon_inode:[eventfd]" */
    long (*read)(struct file *f, void *buf, uint64_t len);     /* VFS_WOULD_BLOCK to wait */
    long (*write)(struct file *f, const void *buf, uint64_t len);
    int (*poll)(struct file *f, int events);
    void (*release)(struct file *f);                           /* the last reference went */
    void *(*wait_object)(struct file *f);                      /* what waiters wait on (0: priv) */
} file_ops_t;

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
    const file_ops_t *ops;         /* anon-inode files: their operations and object */
    void *priv;
    int watched;                   /* epoll entries naming this file (epoll_file_gone on release) */
    int mnt;                       /* the mount it was opened through (counted in its users) */
} file_t;
file_t *file_new_anon(const file_ops_t *ops, void *priv, uint32_t flags);  /* one reference; 0: no memory */

/* events and waiting */
void vfs_event(void *obj);                    /* implemented by the caller: wake whoever waits on obj */
void *vfs_wait_object(file_t *f);             /* what a blocked call on f waits for */
uint32_t vfs_event_gen(void *obj);            /* implemented by the caller: changes whenever obj has an event */
void epoll_file_gone(file_t *f);              /* epoll/: f is released; its entries go */

void vfs_init(const uint8_t *cpio, uint64_t size);
vnode_t *vfs_root(void);
uint64_t vfs_now(void);

/*
 * Whose call the VFS serves: the permission checks use it, and new nodes belong to it. The caller
 * sets it for the duration of a process's call; 0 is the server itself (no checks, new nodes root's).
 */
typedef struct vfs_cred {
    uint32_t uid, gid;
    int ngroups;
    const uint32_t *groups;
    vnode_t *cwd;                  /* the caller's cwd and the mount it was reached through: a relative */
    int cwd_mnt;                   /* path from cwd starts in that mount */
} vfs_cred_t;
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
 * File systems and mounts, as Linux's superblocks and mounts. Each vnode belongs to one file system
 * (vnode.fs, an index of vfs_fss: st_dev, statfs). A mount shows a tree of a file system (its root,
 * any directory of it, or a file for a bind mount of a file) on a node of its parent mount; a walk
 * that reaches the covered node goes on at the root of the topmost mount there. The boot file systems
 * (rootfs on /, devtmpfs /dev, proc /proc, sysfs /sys, tmpfs /tmp, devpts /dev/pts) are subtrees of
 * the first tree mounted on their own directory; they are never unmounted. proc, sysfs and devtmpfs
 * mounted elsewhere show the boot instance's tree (the same contents, as on Linux in one pid
 * namespace); tmpfs and devpts get a new, empty file system. rename and link between two mounts are
 * EXDEV.
 */
#define VFS_MAX_FS 64
typedef struct vfs_fs {
    vnode_t *root;                 /* its root directory; 0: a free slot */
    char type[16];
    uint64_t magic;                /* statfs f_type */
    int rdonly;                    /* read-only as a whole (MS_REMOUNT|MS_RDONLY without MS_BIND) */
    int boot;                      /* one of the boot file systems */
    int mounts;                    /* mounts showing it; a tmpfs goes with its last one */
} vfs_fs_t;
extern vfs_fs_t vfs_fss[VFS_MAX_FS];

#define VFS_MAX_MOUNTS 128
#define MNT_RDONLY 1               /* mount flags as statfs's f_flags (ST_*) */
#define MNT_NOSUID 2
#define MNT_NODEV 4
#define MNT_NOEXEC 8
#define MNT_NOATIME 0x400
#define MNT_NODIRATIME 0x800
#define MNT_RELATIME 0x1000
typedef struct vfs_mount {
    vnode_t *root;                 /* the tree it shows; 0: a free slot */
    vnode_t *point;                /* the node it covers in its parent mount ("/": the root itself) */
    int parent;                    /* its parent mount's index; -1 for "/" and for a detached mount */
    char source[32];               /* what mount(2) was given (a bind: its source mount's) */
    int id;                        /* mount id (mountinfo, statx) */
    uint32_t fs;                   /* index in vfs_fss */
    uint32_t flags;                /* MNT_* */
    uint32_t group;                /* peer group ("shared:N"), 0: not shared */
    uint32_t master;               /* the peer group it receives from ("master:N"), 0: none */
    int unbindable;
    int users;                     /* open files and cwds reached through it */
    int writers;                   /* files open for writing through it (a remount read-only: EBUSY) */
    int expiry;                    /* marked by umount2(MNT_EXPIRE), cleared by a use */
} vfs_mount_t;
extern vfs_mount_t vfs_mounts[VFS_MAX_MOUNTS];
extern int vfs_mount_slots;                   /* the slots used so far: vfs_mounts[0 .. vfs_mount_slots) */
extern int vfs_alias_mounts;                  /* attached mounts of proc or sysfs elsewhere than /proc, /sys */
/* The mount through which the last vfs_lookup or vfs_lookup_parent reached its node. */
extern int vfs_lookup_mnt;
/* mount(2) and umount2(2) with Linux's flags and errors; paths relative to cwd (the caller checks
 * the privilege). type 0: none given. */
long vfs_mount(vnode_t *cwd, const char *source, const char *target, const char *type, uint64_t flags);
long vfs_umount(vnode_t *cwd, const char *target, uint64_t flags);
long vfs_mount_path(int mnt, char *buf, uint64_t size);  /* where mount mnt is, as an absolute path; its length */
long vfs_mount_root_path(int mnt, char *buf, uint64_t size); /* its root within its file system */
/* getcwd of directory n reached through mount mnt: the path through that mount (with its NUL, or
 * -ENOENT when removed, -ERANGE); through its own place when mnt is detached or does not show it. */
long vfs_getcwd_at(vnode_t *n, int mnt, char *buf, uint64_t size);
long vfs_writable(int mnt);                   /* 0, or -EROFS when mount mnt (or its fs) is read-only */
void vfs_mount_use(int mnt, int delta);       /* count a cwd reached through mnt */
void vfs_file_mount(file_t *f, int mnt);      /* open file f was reached through mnt: counted there */
void vfs_file_unmount(file_t *f);             /* and is closed */
/* The mount node n is best seen through: the newest showing the nearest directory above it that is a
 * mount's root (a directory descriptor knows only its node). */
int vfs_mount_of(vnode_t *n);
long vfs_statfs(vnode_t *n, int mnt, void *buf);  /* struct statfs, 120 bytes */
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
int vfs_file_pollable(file_t *f);             /* f's readiness can change (epoll accepts it) */
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
/* The one inode of every anon-inode file (mode 0600, no type); a new reference. */
vnode_t *vfs_anon_inode(void);
/* memfd_create: an empty regular file in no directory, named name ("memfd:name" in /proc), open
 * for reading and writing; sealing: F_ADD_SEALS is allowed (else the file is sealed with F_SEAL_SEAL). */
#define F_SEAL_SEAL 1
#define F_SEAL_SHRINK 2
#define F_SEAL_GROW 4
#define F_SEAL_WRITE 8
#define F_SEAL_FUTURE_WRITE 16
long vfs_memfd(const char *name, int sealing, file_t **out);
long vfs_seals_allow_size(vnode_t *n, uint64_t size);  /* 0, or -EPERM if n's seals forbid that size */
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
