/*
 * The mount table (vfs.h): file systems, mounts of their trees on nodes of other mounts, bind mounts,
 * propagation between peer groups, read-only and the other mount flags, unmounting. mount(2) and
 * umount2(2) follow Linux 6.1's path_mount and path_umount: the same order of checks, the same errors.
 */
#include "ns.h"
#include "lib.h"

void heap_free(void *p, uint64_t n);

enum { EPERM = 1, ENOENT = 2, EAGAIN = 11, ENOMEM = 12, EBUSY = 16, ENODEV = 19, ENOTDIR = 20, EINVAL = 22,
       EROFS = 30, ELOOP = 40 };

#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_REMOUNT 32
#define MS_NOATIME 1024
#define MS_NODIRATIME 2048
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_REC 16384
#define MS_SILENT 32768
#define MS_UNBINDABLE (1u << 17)
#define MS_PRIVATE (1u << 18)
#define MS_SLAVE (1u << 19)
#define MS_SHARED (1u << 20)
#define MS_RELATIME (1u << 21)
#define MS_STRICTATIME (1u << 24)
#define MS_NOUSER (1u << 31)
#define MNT_ATIME_MASK (MNT_NOATIME | MNT_NODIRATIME | MNT_RELATIME)

#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

vfs_fs_t vfs_fss[VFS_MAX_FS];
vfs_mount_t vfs_mounts[VFS_MAX_MOUNTS];
int vfs_mount_slots, vfs_alias_mounts;
static int next_id = 21;          /* mount ids, as Linux numbers the first ones of a boot */
static uint32_t next_group = 1;   /* peer group ids */

/* ---- the tree of mounts ---- */
static int attached(int i) { return vfs_mounts[i].root && (i == 0 || vfs_mounts[i].parent >= 0); }

int mount_covering(int mnt, vnode_t *n)
{
    if (!n->covered) return -1;
    for (int i = 1; i < vfs_mount_slots; i++)
        if (vfs_mounts[i].root && vfs_mounts[i].parent == mnt && vfs_mounts[i].point == n && i != mnt) return i;
    return -1;
}

vnode_t *mount_follow(int *mnt, vnode_t *n)
{
    for (int c, k = 0; k < VFS_MAX_MOUNTS && (c = mount_covering(*mnt, n)) >= 0; k++) {
        *mnt = c;
        n = vfs_mounts[c].root;
    }
    return n;
}

int mount_is_point(vnode_t *n) { return n->covered > 0; }

int mount_above(vnode_t *n)
{
    if (!n->mroots) return -1;
    for (int i = 1; i < vfs_mount_slots; i++)
        if (attached(i) && vfs_mounts[i].root == n && vfs_mounts[i].point != n) return i;
    return -1;
}

/* The mount whose tree n is in: the nearest directory above it (or n) that is a mount's root; of
 * several such mounts the newest attached one. A cwd or a directory descriptor knows only its node. */
static int newer_attached(int i, int than)
{
    return than < 0 || (attached(i) && (!attached(than) || vfs_mounts[i].id > vfs_mounts[than].id));
}

int vfs_mount_of(vnode_t *n)
{
    for (int depth = 0; n && depth < 256; depth++) {
        int best = -1;
        if (!n->mroots) { n = n->parent; continue; }
        for (int i = 0; i < vfs_mount_slots; i++)
            if (vfs_mounts[i].root == n && newer_attached(i, best)) best = i;
        if (best >= 0) return best;
        n = n->parent;
    }
    return 0;
}

/* m is mnt or below it in the tree of mounts. */
static int mount_below(int m, int mnt)
{
    for (int k = 0; m >= 0 && k < VFS_MAX_MOUNTS; k++, m = vfs_mounts[m].parent) if (m == mnt) return 1;
    return 0;
}

/* n is visible in a tree whose root is top: top itself or a node below it. */
static int node_below(vnode_t *top, vnode_t *n)
{
    static char tmp[VFS_PATH_MAX];
    return ns_rel_path(top, n, tmp, sizeof(tmp)) >= 0;
}

long vfs_writable(int mnt)
{
    if (!vfs_cred) return 0;  /* the server writes /proc and /sys whatever they are mounted as */
    return (vfs_mounts[mnt].flags & MNT_RDONLY) || vfs_fss[vfs_mounts[mnt].fs].rdonly ? -EROFS : 0;
}

/* ---- making and freeing ---- */
/* d = s, cut to size bytes with its NUL (/proc/mounts shows a source's first 31 bytes) */
static void str_set(char *d, const char *s, uint64_t size)
{
    uint64_t l = strlen(s);
    if (l > size - 1) l = size - 1;
    memcpy(d, s, l);
    d[l] = 0;
}

static int fs_new(const char *type, uint64_t magic, vnode_t *root)
{
    for (int i = 0; i < VFS_MAX_FS; i++) {
        vfs_fs_t *f = &vfs_fss[i];
        if (f->root) continue;
        memset(f, 0, sizeof(*f));
        f->root = root;
        vnode_ref(root);
        f->magic = magic;
        str_set(f->type, type, sizeof(f->type));
        return i;
    }
    return -1;
}

/* A new mount of file system fs showing root, named source, not attached anywhere yet. */
static int mount_new(uint32_t fs, vnode_t *root, uint32_t flags, const char *source)
{
    for (int i = 0; i < VFS_MAX_MOUNTS; i++) {
        vfs_mount_t *m = &vfs_mounts[i];
        if (m->root) continue;
        if (i >= vfs_mount_slots) vfs_mount_slots = i + 1;
        memset(m, 0, sizeof(*m));
        m->root = root;
        vnode_ref(root);
        root->mroots++;
        m->parent = -1;
        m->id = next_id++;
        m->fs = fs;
        m->flags = flags;
        str_set(m->source, source, sizeof(m->source));
        vfs_fss[fs].mounts++;
        return i;
    }
    return -1;
}

/* A mount of proc or sysfs not on its own place (procfs_refresh_mounted looks for these). */
static int is_alias(int m)
{
    uint64_t magic = vfs_fss[vfs_mounts[m].fs].magic;
    return (magic == PROC_SUPER_MAGIC || magic == SYSFS_MAGIC) && vfs_mounts[m].point != vfs_mounts[m].root;
}

static void mount_link(int m, int parent, vnode_t *point)
{
    vfs_mounts[m].parent = parent;
    vfs_mounts[m].point = point;
    vnode_ref(point);
    point->covered++;
    vfs_alias_mounts += is_alias(m);
}

static void mount_unlink(int m)
{
    vfs_mount_t *mt = &vfs_mounts[m];
    vfs_alias_mounts -= is_alias(m);
    mt->point->covered--;
    vnode_put(mt->point);
    mt->point = 0;
    mt->parent = -1;
}

/* A file system other than a boot one goes with its last mount, and its files with it (unless they
 * are still held: after a lazy unmount they stay with their users). */
static void fs_put(uint32_t fs)
{
    vfs_fs_t *f = &vfs_fss[fs];
    if (--f->mounts > 0 || f->boot || tree_busy_below(f->root) || f->root->refs != 1) return;
    tree_clear(f->root);
    f->root->nlink = 0;
    vnode_put(f->root);
    f->root = 0;
}

static void mount_free(int m)
{
    vfs_mount_t *mt = &vfs_mounts[m];
    mt->root->mroots--;
    vnode_put(mt->root);
    mt->root = 0;
    fs_put(mt->fs);
}

void vfs_mount_use(int mnt, int delta)
{
    vfs_mount_t *m = &vfs_mounts[mnt];
    m->users += delta;
    if (delta > 0) m->expiry = 0;
    if (!m->users && m->parent < 0 && mnt != 0 && m->root) mount_free(mnt);
}

/* f holds write access to a file (as Linux's FMODE_WRITE on a regular file). */
static int file_writes(file_t *f)
{
    return (f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & O_PATH) && (f->node->mode & S_IFMT) == S_IFREG;
}

void vfs_file_mount(file_t *f, int mnt)
{
    f->mnt = mnt;
    vfs_mount_use(mnt, 1);
    if (file_writes(f)) vfs_mounts[mnt].writers++;
}

void vfs_file_unmount(file_t *f)
{
    if (file_writes(f)) vfs_mounts[f->mnt].writers--;
    vfs_mount_use(f->mnt, -1);
}

/* Take mount m and the mounts below it out of the tree; each is freed when nothing uses it. */
static void mount_detach(int m)
{
    for (int i = 1; i < vfs_mount_slots; i++)
        if (vfs_mounts[i].root && vfs_mounts[i].parent == m) mount_detach(i);
    mount_unlink(m);
    if (!vfs_mounts[m].users) mount_free(m);
}

/* A mount like src (its file system and flags; a peer of src if src is shared, and a slave of what
 * src is a slave of) showing root; with rec, the mounts below src within root are copied onto it. */
static int mount_clone(int src, vnode_t *root, int rec)
{
    vfs_mount_t *s = &vfs_mounts[src];
    int m = mount_new(s->fs, root, s->flags, s->source);
    if (m < 0) return -1;
    vfs_mounts[m].group = s->group;
    vfs_mounts[m].master = s->master;
    if (!rec) return m;
    for (int i = 1; i < vfs_mount_slots; i++) {
        vfs_mount_t *c = &vfs_mounts[i];
        if (!c->root || c->parent != src || i == m || c->unbindable || !node_below(root, c->point)) continue;
        int cc = mount_clone(i, c->root, 1);
        if (cc >= 0) mount_link(cc, m, c->point);
    }
    return m;
}

/* Every mount of the tree at m that is not shared gets a peer group of its own. */
static void tree_share(int m)
{
    for (int i = 0; i < vfs_mount_slots; i++)
        if (vfs_mounts[i].root && mount_below(i, m) && !vfs_mounts[i].group) vfs_mounts[i].group = next_group++;
}

/*
 * Attach the tree of mount m on point in mount parent. Under a shared parent the tree becomes shared
 * and a copy of it goes onto the same node in every peer of the parent (as peers) and every slave of
 * it (as slaves) that shows that node.
 */
static void mount_attach(int m, int parent, vnode_t *point)
{
    int first_new = vfs_mounts[m].id;
    mount_link(m, parent, point);
    uint32_t g = vfs_mounts[parent].group;
    if (!g) return;
    tree_share(m);
    for (int q = 0; q < vfs_mount_slots; q++) {
        vfs_mount_t *mq = &vfs_mounts[q];
        if (q == parent || !attached(q) || mq->id >= first_new || (mq->group != g && mq->master != g)) continue;
        if (!node_below(mq->root, point)) continue;
        int c = mount_clone(m, vfs_mounts[m].root, 1);
        if (c < 0) return;
        if (mq->group != g)  /* a slave receives the copy as a slave of the new mount's group */
            for (int i = 0; i < vfs_mount_slots; i++)
                if (vfs_mounts[i].root && mount_below(i, c) && vfs_mounts[i].group) {
                    vfs_mounts[i].master = vfs_mounts[i].group;
                    vfs_mounts[i].group = 0;
                }
        mount_link(c, q, point);
    }
}

/* ---- mount(2) ---- */
/* The MNT_* flags that MS_* flags ask for: relatime unless noatime or strictatime, as Linux's default. */
static uint32_t mnt_flags(uint64_t ms)
{
    uint32_t f = (uint32_t)(ms & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
    if (ms & MS_NOATIME) f |= MNT_NOATIME;
    if (ms & MS_NODIRATIME) f |= MNT_NODIRATIME;
    if (!(ms & MS_NOATIME)) f |= MNT_RELATIME;
    if (ms & MS_STRICTATIME) f &= ~(uint32_t)(MNT_RELATIME | MNT_NOATIME);
    return f;
}

/* Files open for writing through any mount of file system fs. */
static int fs_writers(uint32_t fs)
{
    int w = 0;
    for (int i = 0; i < vfs_mount_slots; i++)
        if (vfs_mounts[i].root && vfs_mounts[i].fs == fs) w += vfs_mounts[i].writers;
    return w;
}

/* MS_REMOUNT: new flags for the mount at its root (with MS_BIND that mount only; without it the whole
 * file system's read-only state too). Atime flags stay unless some are given. */
static long do_remount(vnode_t *n, int mnt, uint64_t ms)
{
    vfs_mount_t *m = &vfs_mounts[mnt];
    if (n != m->root) return -EINVAL;
    uint32_t f = mnt_flags(ms);
    if (!(ms & (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)))
        f = (f & ~(uint32_t)MNT_ATIME_MASK) | (m->flags & MNT_ATIME_MASK);
    int busy = ms & MS_BIND ? !(m->flags & MNT_RDONLY) && m->writers : !vfs_fss[m->fs].rdonly && fs_writers(m->fs);
    if ((ms & MS_RDONLY) && busy) return -EBUSY;  /* files open for writing keep it writable */
    if (!(ms & MS_BIND)) vfs_fss[m->fs].rdonly = (ms & MS_RDONLY) != 0;
    m->flags = f;
    return 0;
}

/* MS_SHARED, MS_PRIVATE, MS_SLAVE, MS_UNBINDABLE (exactly one; MS_REC: the mounts below too). */
static long do_change_type(vnode_t *n, int mnt, uint64_t ms)
{
    uint64_t type = ms & ~(uint64_t)(MS_REC | MS_SILENT);
    if (n != vfs_mounts[mnt].root) return -EINVAL;
    if (!type || (type & (type - 1)) || !(type & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE))) return -EINVAL;
    for (int i = 0; i < vfs_mount_slots; i++) {
        vfs_mount_t *m = &vfs_mounts[i];
        if (!m->root || !(i == mnt || ((ms & MS_REC) && mount_below(i, mnt)))) continue;
        if (type == MS_SHARED) { if (!m->group) m->group = next_group++; m->unbindable = 0; continue; }
        if (type == MS_SLAVE && m->group) {  /* a slave of its peers, if it has any */
            int peers = 0;
            for (int j = 0; j < vfs_mount_slots; j++)
                peers |= j != i && vfs_mounts[j].root && vfs_mounts[j].group == m->group;
            if (peers) m->master = m->group;
        }
        m->group = 0;
        if (type != MS_SLAVE) m->master = 0;
        m->unbindable = type == MS_UNBINDABLE;
    }
    return 0;
}

/* MS_BIND: the tree at source (a copy of its mount; with MS_REC the mounts below it too) on n. */
static long do_bind(vnode_t *cwd, vnode_t *n, int mnt, const char *source, uint64_t ms)
{
    vnode_t *s;
    int smnt;
    if (!source || !*source) return -EINVAL;
    long r = ns_walk(cwd, -1, source, 1, &s, &smnt);
    if (r) return r;
    if (vfs_mounts[smnt].unbindable) return -EINVAL;
    if (((n->mode & S_IFMT) == S_IFDIR) != ((s->mode & S_IFMT) == S_IFDIR)) return -ENOTDIR;
    int m = mount_clone(smnt, s, (ms & MS_REC) != 0);
    if (m < 0) return -ENOMEM;
    mount_attach(m, mnt, n);
    return 0;
}

/* MS_MOVE: the mount at source's root moves onto n, with the mounts below it. */
static long do_move(vnode_t *cwd, vnode_t *n, int mnt, const char *source)
{
    vnode_t *s;
    int smnt;
    if (!source || !*source) return -EINVAL;
    long r = ns_walk(cwd, -1, source, 1, &s, &smnt);
    if (r) return r;
    vfs_mount_t *m = &vfs_mounts[smnt];
    if (s != m->root || smnt == 0 || m->parent < 0) return -EINVAL;
    if (vfs_mounts[m->parent].group) return -EINVAL;  /* under a shared parent: not supported, as Linux */
    if (((n->mode & S_IFMT) == S_IFDIR) != ((s->mode & S_IFMT) == S_IFDIR)) return -ENOTDIR;
    if (mount_below(mnt, smnt)) return -ELOOP;
    mount_unlink(smnt);
    mount_link(smnt, mnt, n);
    return 0;
}

/* A new file system of type on n: tmpfs and devpts are new instances; proc, sysfs and devtmpfs show
 * the boot instance. Mounting a boot file system on its own place again changes nothing. */
static long do_new(vnode_t *n, int mnt, const char *source, const char *type, uint64_t ms)
{
    static const struct { const char *type; uint64_t magic; int shared; } types[] = {
        { "tmpfs", TMPFS_MAGIC, 0 }, { "devpts", DEVPTS_MAGIC, 0 }, { "proc", PROC_SUPER_MAGIC, 1 },
        { "sysfs", SYSFS_MAGIC, 1 }, { "devtmpfs", TMPFS_MAGIC, 1 },
    };
    if (!type) return -EINVAL;
    unsigned t = 0;
    while (t < sizeof(types) / sizeof(types[0]) && strcmp(types[t].type, type)) t++;
    if (t == sizeof(types) / sizeof(types[0])) return -ENODEV;
    vfs_mount_t *at = &vfs_mounts[mnt];
    vfs_fs_t *atfs = &vfs_fss[at->fs];
    if (atfs->boot && n == at->root && n == atfs->root && !strcmp(atfs->type, type)) return 0;
    if ((n->mode & S_IFMT) != S_IFDIR) return -ENOTDIR;
    int fs = -1;
    if (types[t].shared) {
        for (int i = 0; i < VFS_MAX_FS; i++)
            if (vfs_fss[i].root && vfs_fss[i].boot && !strcmp(vfs_fss[i].type, type)) fs = i;
        if (fs < 0) return -ENODEV;
    } else {
        vnode_t *root = vnode_new(S_IFDIR | (t == 0 ? 01777 : 0755));
        fs = fs_new(type, types[t].magic, root);
        if (fs < 0) { heap_free(root, sizeof(*root)); return -ENOMEM; }
        root->nlink = 2;
        root->fs = (uint32_t)fs;
        if (t == 1) {  /* devpts: its ptmx, mode 0 as Linux's default */
            const vfs_cred_t *c = vfs_cred;
            vfs_cred = 0;
            vfs_mknod(root, "ptmx", S_IFCHR, DEV_PTMX, 0);
            vfs_cred = c;
        }
    }
    int m = mount_new((uint32_t)fs, vfs_fss[fs].root, mnt_flags(ms), source);
    if (m < 0) {
        if (!types[t].shared) { vfs_fss[fs].mounts = 1; fs_put((uint32_t)fs); }
        return -ENOMEM;
    }
    if (!types[t].shared && ms & MS_RDONLY) vfs_fss[fs].rdonly = 1;
    mount_attach(m, mnt, n);
    return 0;
}

long vfs_mount(vnode_t *cwd, const char *source, const char *target, const char *type, uint64_t ms)
{
    vnode_t *n;
    int mnt;
    if ((ms & 0xffff0000) == 0xc0ed0000) ms &= 0xffff;  /* MS_MGC_VAL */
    long r = ns_walk(cwd, -1, target, 1, &n, &mnt);
    if (r) return r;
    if (ms & MS_NOUSER) return -EINVAL;
    if (ms & MS_REMOUNT) return do_remount(n, mnt, ms);
    if (ms & MS_BIND) return do_bind(cwd, n, mnt, source, ms);
    if (ms & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)) return do_change_type(n, mnt, ms);
    if (ms & MS_MOVE) return do_move(cwd, n, mnt, source);
    return do_new(n, mnt, source ? source : "none", type, ms);
}

/* ---- umount2(2) ---- */
/* In use as Linux judges it: mounts on it, open files or cwds through it; for the last mount of a
 * file system, any node of it held (a program, a mapping). */
static int mount_busy(int m)
{
    vfs_mount_t *mt = &vfs_mounts[m];
    for (int i = 1; i < vfs_mount_slots; i++) if (vfs_mounts[i].root && vfs_mounts[i].parent == m) return 1;
    if (mt->users) return 1;
    vfs_fs_t *f = &vfs_fss[mt->fs];
    return f->mounts == 1 && mt->root == f->root && tree_busy_below(mt->root);
}

/* Unmounting m under a shared parent unmounts the mounts on the same node of the parent's peers
 * (those that are not in use and have nothing mounted on them). */
static void umount_propagate(int m)
{
    vfs_mount_t *mt = &vfs_mounts[m];
    uint32_t g = vfs_mounts[mt->parent].group;
    if (!g) return;
    for (int i = 1; i < vfs_mount_slots; i++) {
        vfs_mount_t *c = &vfs_mounts[i];
        if (i == m || !attached(i) || c->point != mt->point || c->parent == mt->parent || c->root != mt->root) continue;
        if ((vfs_mounts[c->parent].group == g || vfs_mounts[c->parent].master == g) && !mount_busy(i)) mount_detach(i);
    }
}

long vfs_umount(vnode_t *cwd, const char *target, uint64_t flags)
{
    vnode_t *n;
    int mnt;
    if (flags & ~(uint64_t)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) return -EINVAL;
    long r = ns_walk(cwd, -1, target, !(flags & UMOUNT_NOFOLLOW), &n, &mnt);
    if (r) return r;
    vfs_mount_t *m = &vfs_mounts[mnt];
    if (n != m->root) return -EINVAL;
    vfs_fs_t *f = &vfs_fss[m->fs];
    if (mnt == 0 || (f->boot && m->root == f->root && m->point == m->root)) return -EBUSY;  /* the boot mounts stay */
    if (flags & MNT_EXPIRE) {
        if (flags & (MNT_FORCE | MNT_DETACH)) return -EINVAL;
        if (mount_busy(mnt)) return -EBUSY;
        if (!m->expiry) { m->expiry = 1; return -EAGAIN; }
    }
    if (!(flags & MNT_DETACH) && mount_busy(mnt)) return -EBUSY;
    umount_propagate(mnt);
    mount_detach(mnt);
    return 0;
}

/* ---- what the mount table shows ---- */
long vfs_mount_path(int mnt, char *buf, uint64_t size)
{
    static char rel[VFS_PATH_MAX];
    int chain[VFS_MAX_MOUNTS], n = 0;  /* mnt and the mounts above it, up to "/" (not included) */
    for (int m = mnt; m != 0; m = vfs_mounts[m].parent) {
        if (vfs_mounts[m].parent < 0 || n == VFS_MAX_MOUNTS) return -ENOENT;  /* detached */
        chain[n++] = m;
    }
    if (size < 2) return -34;
    uint64_t l = 0;
    while (n-- > 0) {  /* each mount's point as a path within its parent's tree */
        vfs_mount_t *m = &vfs_mounts[chain[n]];
        long rl = ns_rel_path(vfs_mounts[m->parent].root, m->point, rel, sizeof(rel));
        if (rl < 0) return rl;
        if (rl == 1) continue;  /* on its parent's root */
        if (l + (uint64_t)rl + 1 > size) return -34;
        memcpy(buf + l, rel, (uint64_t)rl + 1);
        l += (uint64_t)rl;
    }
    if (!l) { buf[0] = '/'; buf[1] = 0; l = 1; }
    return (long)l;
}

long vfs_mount_root_path(int mnt, char *buf, uint64_t size)
{
    vfs_mount_t *m = &vfs_mounts[mnt];
    return ns_rel_path(vfs_fss[m->fs].root, m->root, buf, size);
}

long vfs_getcwd_at(vnode_t *n, int mnt, char *buf, uint64_t size)
{
    static char rel[VFS_PATH_MAX];
    vfs_mount_t *m = &vfs_mounts[mnt];
    long l = m->root && (mnt == 0 || m->parent >= 0) ? vfs_mount_path(mnt, buf, size) : -ENOENT;
    long rl = l >= 0 ? ns_rel_path(m->root, n, rel, sizeof(rel)) : -ENOENT;
    if (rl < 0) return vfs_getcwd(n, buf, size);
    if (rl == 1) return l + 1;                 /* the mount's root */
    if (l == 1) l = 0;
    if ((uint64_t)(l + rl + 1) > size) return -34;
    memcpy(buf + l, rel, (uint64_t)rl + 1);
    return l + rl + 1;
}

uint64_t vfs_dev(vnode_t *n) { return 0x10 + n->fs; }  /* major 0 (anonymous), a minor per file system */

long vfs_statfs(vnode_t *n, int mnt, void *buf)
{
    uint64_t *b = buf;
    vfs_fs_t *f = &vfs_fss[n->fs];
    memset(b, 0, 120);
    b[0] = f->magic;
    b[1] = 4096;                                  /* f_bsize */
    if (f->magic == TMPFS_MAGIC) {                /* all tmpfs share one bound: half of RAM */
        uint64_t total = bootinfo->ram_bytes / 2 / 4096, used = tmpfs_used_pages();
        b[2] = total;
        b[3] = b[4] = used < total ? total - used : 0;
        b[5] = total;                             /* f_files */
        b[6] = vfs_free_inodes(total);
    }
    b[8] = VFS_NAME_MAX;                          /* f_namelen */
    b[9] = 4096;                                  /* f_frsize */
    b[10] = 0x20 | vfs_mounts[mnt].flags | (f->rdonly ? MNT_RDONLY : 0);  /* ST_VALID */
    return 0;
}

/* ---- boot ---- */
/* A boot file system: the tree at dir (made by the boot image and vfs_init) mounted on dir itself. */
void mount_boot(vnode_t *dir, const char *type, uint64_t magic, uint32_t flags)
{
    int fs = fs_new(type, magic, dir);
    if (fs < 0) return;
    vfs_fss[fs].boot = 1;
    ns_set_fs(dir, (uint32_t)fs);
    int m = mount_new((uint32_t)fs, dir, flags, type);
    if (m == 0) { vfs_mounts[0].point = dir; vnode_ref(dir); return; }  /* "/" covers nothing */
    if (dir->parent) mount_attach(m, vfs_mount_of(dir->parent), dir);
}
