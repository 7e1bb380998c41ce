/* The namespace: nodes, directories, path walking, and the boot image unpacked into tmpfs. */
#include "ns.h"
#include "lib.h"
#include "tty.h"

void *heap_alloc(uint64_t n);
void heap_free(void *p, uint64_t n);

enum { ENXIO = 6, ENODEV = 19, ENOMEM = 12, EPERM = 1, ENOENT = 2, EACCES = 13, EEXIST = 17, EXDEV = 18, ENOTDIR = 20, EISDIR = 21, EINVAL = 22,
       ENOSPC = 28, ENAMETOOLONG = 36, ENOTEMPTY = 39, ELOOP = 40, EBUSY = 16, EROFS = 30 };

static vnode_t *root;
static uint64_t next_ino = 1;
int vfs_lookup_mnt;

uint64_t vfs_now(void)
{
    uint64_t t = read_cntvct(), f = read_cntfrq();
    return (t / f + 1764000000ULL) * 1000000000ULL + t % f * 1000000000ULL / f;
}

vnode_t *vfs_root(void) { return root; }

/* ---- permissions (Linux's generic_permission; uid 0 has the capabilities that bypass them) ---- */
const vfs_cred_t *vfs_cred;

int vfs_in_group(uint32_t gid)
{
    if (!vfs_cred || vfs_cred->gid == gid) return 1;
    for (int i = 0; i < vfs_cred->ngroups; i++) if (vfs_cred->groups[i] == gid) return 1;
    return 0;
}

long vfs_permission(vnode_t *n, int mask)
{
    if (!vfs_cred) return 0;
    uint32_t m = n->mode;
    if (vfs_cred->uid == 0)  /* read and write always; execute if it is a directory or some x bit is set */
        return !(mask & MAY_EXEC) || (m & S_IFMT) == S_IFDIR || (m & 0111) ? 0 : -EACCES;
    uint32_t bits = vfs_cred->uid == n->uid ? m >> 6 : vfs_in_group(n->gid) ? m >> 3 : m;
    return ((uint32_t)mask & ~bits & 7) ? -EACCES : 0;
}

int vfs_owner_or_root(vnode_t *n) { return !vfs_cred || vfs_cred->uid == 0 || vfs_cred->uid == n->uid; }

static long may_create(vnode_t *dir) { return vfs_permission(dir, MAY_WRITE | MAY_EXEC); }

/* Removing (or replacing) n from dir: write and search on dir; in a sticky directory only the
 * owner of n or of dir (or root) may. */
static long may_delete(vnode_t *dir, vnode_t *n)
{
    long r = vfs_permission(dir, MAY_WRITE | MAY_EXEC);
    if (r) return r;
    if ((dir->mode & 01000) && vfs_cred && vfs_cred->uid != 0 && vfs_cred->uid != n->uid && vfs_cred->uid != dir->uid)
        return -EPERM;
    return 0;
}
void vnode_ref(vnode_t *n) { n->refs++; }

void vnode_put(vnode_t *n)
{
    if (--n->refs > 0 || n->nlink > 0) return;
    file_truncate(n, 0);
    if (n->link) heap_free(n->link, strlen(n->link) + 1);
    heap_free(n, sizeof(*n));
}

vnode_t *vnode_new(uint32_t mode)
{
    vnode_t *n = heap_alloc(sizeof(vnode_t));
    n->mode = mode;
    n->ino = next_ino++;
    n->atime = n->mtime = n->ctime = vfs_now();
    return n;
}

vnode_t *vnode_anon(uint64_t size)
{
    vnode_t *n = vnode_new(S_IFREG | 0600);
    n->size = size;
    n->refs = 1;
    return n;
}

static char *str_dup(const char *s, uint64_t len);
long vfs_memfd(const char *name, int sealing, file_t **out)
{
    vnode_t *n = vnode_anon(0);
    uint64_t len = strlen(name);
    n->mode = S_IFREG | 0777;  /* unlinked (nlink 0), as Linux's */
    n->memfd = 1;
    n->seals = sealing ? 0 : F_SEAL_SEAL;
    n->link = str_dup(name, len);
    long r = vfs_open_node(n, O_RDWR, out);
    vnode_put(n);  /* the open file holds it now */
    return r;
}

vnode_t *vfs_anon_inode(void)
{
    static vnode_t *anon;
    if (!anon) { anon = vnode_new(0600); anon->refs = 1; anon->nlink = 1; }  /* kept for good */
    vnode_ref(anon);
    return anon;
}

static char *str_dup(const char *s, uint64_t len)
{
    char *d = heap_alloc(len + 1);
    memcpy(d, s, len);
    d[len] = 0;
    return d;
}

static dentry_t *dir_find(vnode_t *dir, const char *name, uint64_t len)
{
    for (dentry_t *d = dir->entries; d; d = d->next)
        if (strlen(d->name) == len && !memcmp(d->name, name, len)) return d;
    return 0;
}

static void dir_add(vnode_t *dir, const char *name, uint64_t len, vnode_t *n)
{
    dentry_t *d = heap_alloc(sizeof(dentry_t)), **pp = &dir->entries;
    d->name = str_dup(name, len);
    d->node = n;
    dentry_t *last = 0;
    while (*pp) { last = *pp; pp = &(*pp)->next; }
    d->seq = last ? last->seq + 1 : 2;  /* 0 and 1 are "." and ".." */
    *pp = d;
    n->nlink++;
    n->refs++;
    if ((n->mode & S_IFMT) == S_IFDIR) { n->parent = dir; dir->nlink++; }
    dir->mtime = dir->ctime = vfs_now();
}

/* A node that stays in use after its last name goes (unlink, rmdir, replaced by a rename) keeps
 * that name for /proc's links, as Linux shows it: "/tmp/x (deleted)". */
static void remember_name(vnode_t *dir, dentry_t *d)
{
    vnode_t *n = d->node;
    if ((n->mode & S_IFMT) != S_IFLNK && n->refs > 1 && n->nlink == ((n->mode & S_IFMT) == S_IFDIR ? 2u : 1u) && !n->link) {
        static char tmp[VFS_PATH_MAX];
        long l = vfs_getcwd(dir, tmp, sizeof(tmp));
        uint64_t nl = strlen(d->name);
        if (l > 0 && (uint64_t)l + nl + 12 < 4096) {
            uint64_t at = (uint64_t)l - 1;
            if (at > 1) tmp[at++] = '/'; else at = 1;
            memcpy(tmp + at, d->name, nl);
            memcpy(tmp + at + nl, " (deleted)", 11);
            n->link = str_dup(tmp, strlen(tmp));
        }
    }
}

static void dir_remove(vnode_t *dir, dentry_t *d)
{
    vnode_t *n = d->node;
    for (dentry_t **pp = &dir->entries; *pp; pp = &(*pp)->next)
        if (*pp == d) { *pp = d->next; break; }
    if ((n->mode & S_IFMT) == S_IFDIR) { dir->nlink--; n->nlink--; }
    n->nlink--;
    heap_free(d->name, strlen(d->name) + 1);
    heap_free(d, sizeof(*d));
    dir->mtime = dir->ctime = vfs_now();
    vnode_put(n);
}

/* "..": out of the roots of the mounts it is at (into the nodes they cover), up, then down through
 * the mounts on the parent. The root of the namespace is its own parent. */
static vnode_t *dot_dot(int *mnt, vnode_t *cur)
{
    while (cur == vfs_mounts[*mnt].root && vfs_mounts[*mnt].parent >= 0) {
        vfs_mount_t *m = &vfs_mounts[*mnt];
        cur = m->point;
        *mnt = m->parent;
    }
    if (cur == root || !cur->parent) return cur;
    return mount_follow(mnt, cur->parent);
}

/*
 * Walk path from dir, seen through mount *mnt (it ends as the mount of the node found). With
 * parent_only, stop before the last component and return it in name. Symlinks are followed (the
 * last one only if follow); more than 40 is ELOOP. A node with mounts on it is the root of the
 * topmost one.
 */
static long walk(vnode_t *dir, int *mnt, const char *path, int follow, int parent_only, vnode_t **out, char *name, int *depth)
{
    if (!*path) return -ENOENT;
    if (strlen(path) >= VFS_PATH_MAX) return -ENAMETOOLONG;
    vnode_t *cur = dir;
    if (*path == '/') { *mnt = 0; cur = root; }  /* the process's root: a mount on it is not entered, as on Linux */
    const char *p = path;
    for (;;) {
        while (*p == '/') p++;
        const char *s = p;
        while (*p && *p != '/') p++;
        uint64_t len = (uint64_t)(p - s);
        const char *rest = p;
        while (*rest == '/') rest++;
        int last = !*rest, trailing = last && *p == '/';
        if (len == 0) { *out = cur; if (parent_only) { name[0] = '.'; name[1] = 0; } return 0; }
        if (len > VFS_NAME_MAX) return -ENAMETOOLONG;
        if ((cur->mode & S_IFMT) != S_IFDIR) return -ENOTDIR;
        if (vfs_cred && vfs_cred->uid && vfs_permission(cur, MAY_EXEC)) return -EACCES;
        if (last && parent_only) {
            memcpy(name, s, len);
            name[len] = 0;
            if (trailing) { name[len] = '/'; name[len + 1] = 0; }
            *out = cur;
            return 0;
        }
        vnode_t *next;
        int nmnt = *mnt;
        if (len == 1 && s[0] == '.') next = cur;
        else if (len == 2 && s[0] == '.' && s[1] == '.') next = dot_dot(&nmnt, cur);
        else {
            dentry_t *d = dir_find(cur, s, len);
            if (!d) return -ENOENT;
            next = mount_follow(&nmnt, d->node);
        }
        if ((next->mode & S_IFMT) == S_IFLNK && (!last || follow || trailing)) {
            if (++*depth > 40) return -ELOOP;
            vnode_t *target;
            nmnt = *mnt;
            long r = walk(cur, &nmnt, next->link, 1, 0, &target, 0, depth);
            if (r) return r;
            next = target;
        }
        *mnt = nmnt;
        if (last) {
            if (trailing && (next->mode & S_IFMT) != S_IFDIR) return -ENOTDIR;
            *out = next;
            return 0;
        }
        cur = next;
    }
}

/* The mount a walk from dir starts in: the caller's cwd's, or the one dir is best seen through. */
static int start_mount(vnode_t *dir)
{
    return vfs_cred && vfs_cred->cwd == dir ? vfs_cred->cwd_mnt : vfs_mount_of(dir);
}

long ns_walk(vnode_t *dir, int dmnt, const char *path, int follow, vnode_t **out, int *omnt)
{
    int depth = 0;
    *omnt = dmnt >= 0 ? dmnt : start_mount(dir);
    return walk(dir, omnt, path, follow, 0, out, 0, &depth);
}

long vfs_lookup(vnode_t *dir, const char *path, int follow, vnode_t **out)
{
    return ns_walk(dir, -1, path, follow, out, &vfs_lookup_mnt);
}

long vfs_lookup_parent(vnode_t *dir, const char *path, vnode_t **parent, char *name)
{
    int depth = 0;
    vfs_lookup_mnt = start_mount(dir);
    return walk(dir, &vfs_lookup_mnt, path, 1, 1, parent, name, &depth);
}

/* "." or "..", also with the trailing slash a parent-only walk leaves on the name ("./" from mkdir("d/./")) */
static int is_dot(const char *n)
{
    if (n[0] != '.') return 0;
    if (n[1] == '.') n++;
    return !n[1] || (n[1] == '/' && !n[2]);
}
static uint64_t name_len(const char *n) { uint64_t l = strlen(n); return l && n[l - 1] == '/' ? l - 1 : l; }

long vfs_mknod(vnode_t *dir, const char *path, uint32_t mode, uint64_t rdev, const char *link)
{
    vnode_t *parent;
    char name[VFS_NAME_MAX + 2];
    long r = vfs_lookup_parent(dir, path, &parent, name);
    if (r) return r;
    uint64_t len = name_len(name);
    if ((parent->mode & S_IFMT) != S_IFDIR) return -ENOTDIR;
    if (is_dot(name) || dir_find(parent, name, len)) return -EEXIST;
    if ((r = vfs_writable(vfs_lookup_mnt))) return r;
    if (name[len] == '/' && (mode & S_IFMT) != S_IFDIR) return -ENOENT;
    if ((r = may_create(parent))) return r;
    uint32_t t = mode & S_IFMT;
    if ((t == S_IFCHR || t == 0060000) && vfs_cred && vfs_cred->uid) return -EPERM;  /* CAP_MKNOD */
    vnode_t *n = vnode_new(mode);
    n->fs = parent->fs;
    /* the creator owns it; a set-group-ID directory gives its group (and the bit to directories) */
    n->uid = vfs_cred ? vfs_cred->uid : 0;
    n->gid = vfs_cred ? vfs_cred->gid : 0;
    if (parent->mode & 02000) { n->gid = parent->gid; if (t == S_IFDIR) n->mode |= 02000; }
    else if (t != S_IFDIR && (n->mode & 02010) == 02010 && !vfs_in_group(n->gid) && vfs_cred->uid) n->mode &= ~02000u;
    n->rdev = rdev;
    if (link) { n->link = str_dup(link, strlen(link)); n->size = strlen(link); }
    if ((mode & S_IFMT) == S_IFDIR) n->nlink = 1;  /* its "." */
    dir_add(parent, name, len, n);
    return 0;
}

long vfs_unlink(vnode_t *dir, const char *path, int rmdir)
{
    vnode_t *parent;
    char name[VFS_NAME_MAX + 2];
    long r = vfs_lookup_parent(dir, path, &parent, name);
    if (r) return r;
    uint64_t len = name_len(name);
    if (is_dot(name)) return rmdir ? -EINVAL : -EISDIR;
    if ((r = vfs_writable(vfs_lookup_mnt))) return r;
    dentry_t *d = dir_find(parent, name, len);
    if (!d) return -ENOENT;
    if ((r = may_delete(parent, d->node))) return r;
    int isdir = (d->node->mode & S_IFMT) == S_IFDIR;
    if (rmdir && !isdir) return -ENOTDIR;
    if (!rmdir && isdir) return -EISDIR;
    if (!rmdir && name[len] == '/') return -ENOTDIR;
    if (mount_is_point(d->node)) return -EBUSY;
    if (isdir && d->node->entries) return -ENOTEMPTY;
    remember_name(parent, d);
    dir_remove(parent, d);
    return 0;
}

long vfs_link(vnode_t *odir, const char *old, vnode_t *ndir, const char *newp, int follow)
{
    vnode_t *n, *parent;
    char name[VFS_NAME_MAX + 2];
    long r = vfs_lookup(odir, old, follow, &n);
    if (r) return r;
    int omnt = vfs_lookup_mnt;
    if ((r = vfs_lookup_parent(ndir, newp, &parent, name))) return r;
    uint64_t len = name_len(name);
    if (is_dot(name) || dir_find(parent, name, len)) return -EEXIST;
    if ((r = vfs_writable(vfs_lookup_mnt))) return r;
    if (name[len] == '/') return -ENOENT;
    if (omnt != vfs_lookup_mnt || n->fs != parent->fs) return -EXDEV;
    /* protected hardlinks (on in Debian's kernel): another user's file only if it is a regular file,
     * not set-user-ID (or set-group-ID and group executable), that the caller may read and write */
    if (!vfs_owner_or_root(n) && ((n->mode & S_IFMT) != S_IFREG || (n->mode & 04000) || (n->mode & 02010) == 02010 ||
                                  vfs_permission(n, MAY_READ | MAY_WRITE)))
        return -EPERM;
    if ((r = may_create(parent))) return r;
    if ((n->mode & S_IFMT) == S_IFDIR) return -EPERM;
    dir_add(parent, name, len, n);
    n->ctime = vfs_now();
    return 0;
}

static int is_ancestor(vnode_t *a, vnode_t *b)  /* a is b or above it */
{
    for (; b; b = b->parent) if (a == b) return 1;
    return 0;
}

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
long vfs_rename(vnode_t *odir, const char *old, vnode_t *ndir, const char *newp, uint32_t flags)
{
    vnode_t *op, *np;
    char on[VFS_NAME_MAX + 2], nn[VFS_NAME_MAX + 2];
    long r;
    if (flags & ~1u) return -EINVAL;
    if ((r = vfs_lookup_parent(odir, old, &op, on))) return r;
    int omnt = vfs_lookup_mnt;
    if ((r = vfs_lookup_parent(ndir, newp, &np, nn))) return r;
    uint64_t ol = name_len(on), nl = name_len(nn);
    if (omnt != vfs_lookup_mnt || op->fs != np->fs) return -EXDEV;
    if (is_dot(on) || is_dot(nn)) return -EBUSY;
    if ((r = vfs_writable(omnt))) return r;
    dentry_t *od = dir_find(op, on, ol);
    if (!od) return -ENOENT;
    vnode_t *n = od->node;
    int isdir = (n->mode & S_IFMT) == S_IFDIR;
    if (mount_is_point(n)) return -EBUSY;
    if ((on[ol] == '/' || nn[nl] == '/') && !isdir) return -ENOTDIR;
    if (isdir && is_ancestor(n, np)) return -EINVAL;
    dentry_t *nd = dir_find(np, nn, nl);
    if (nd && nd->node == n) return 0;
    if ((r = may_delete(op, n)) || (r = nd ? may_delete(np, nd->node) : may_create(np))) return r;
    if (isdir && np != op && (r = vfs_permission(n, MAY_WRITE))) return r;  /* its ".." changes */
    if (nd) {
        if (mount_is_point(nd->node)) return -EBUSY;
        if (flags & RENAME_NOREPLACE) return -EEXIST;
        int tdir = (nd->node->mode & S_IFMT) == S_IFDIR;
        if (isdir && !tdir) return -ENOTDIR;
        if (!isdir && tdir) return -EISDIR;
        if (tdir && nd->node->entries) return -ENOTEMPTY;
    }
    n->refs++;  /* keep it while it moves */
    if (nd) { remember_name(np, nd); dir_remove(np, nd); }
    dir_remove(op, dir_find(op, on, ol));
    dir_add(np, nn, nl, n);
    n->refs--;
    n->ctime = vfs_now();
    return 0;
}

void vfs_set_link(vnode_t *n, const char *target)
{
    if (n->link) heap_free(n->link, strlen(n->link) + 1);
    n->link = str_dup(target, strlen(target));
    n->size = strlen(target);
    n->mtime = n->ctime = vfs_now();
}

/* An entry holding n below dir, seen through mount mnt (-1: not crossing mounts), as a path from dir
 * in buf at pos: the first in creation order (Linux keeps the name it was opened by). */
static int find_node(vnode_t *dir, int mnt, vnode_t *n, char *buf, uint64_t pos, uint64_t size, int depth)
{
    for (dentry_t *d = dir->entries; d; d = d->next) {
        uint64_t l = strlen(d->name);
        if (pos + l + 2 > size) continue;
        buf[pos] = '/';
        memcpy(buf + pos + 1, d->name, l + 1);
        int cm = mnt;
        vnode_t *c = mnt >= 0 ? mount_follow(&cm, d->node) : d->node;
        if (c == n) return 1;
        if ((c->mode & S_IFMT) == S_IFDIR && (c->parent == dir || cm != mnt) && depth < 64 &&
            find_node(c, cm, n, buf, pos + 1 + l, size, depth + 1)) return 1;
    }
    return 0;
}

/* A directory's path below top through its parents; with cross, a file system's root goes on from
 * the node its mount covers. Its length (without the NUL). */
static long dir_path(vnode_t *top, vnode_t *n, int cross, char *buf, uint64_t size)
{
    char tmp[VFS_PATH_MAX];
    uint64_t pos = sizeof(tmp) - 1;
    tmp[pos] = 0;
    while (n != top) {
        vnode_t *p = n->parent;
        int m = !p && cross ? mount_above(n) : -1;
        if (m >= 0) { n = vfs_mounts[m].point; continue; }
        dentry_t *d = p ? p->entries : 0;
        while (d && d->node != n) d = d->next;
        if (!d) return -ENOENT;  /* removed, or not below top */
        uint64_t l = strlen(d->name);
        if (l + 1 > pos) return -ENAMETOOLONG;
        pos -= l;
        memcpy(tmp + pos, d->name, l);
        tmp[--pos] = '/';
        n = p;
    }
    if (pos == sizeof(tmp) - 1) tmp[--pos] = '/';
    if (sizeof(tmp) - pos > size) return -34;  /* ERANGE */
    memcpy(buf, tmp + pos, sizeof(tmp) - pos);
    return (long)(sizeof(tmp) - pos - 1);
}

long vfs_getcwd(vnode_t *cwd, char *buf, uint64_t size)
{
    long r = dir_path(root, cwd, 1, buf, size);
    return r < 0 ? r : r + 1;
}

long ns_rel_path(vnode_t *top, vnode_t *n, char *buf, uint64_t size)
{
    if (size < 2) return -34;
    if (n == top || (n->mode & S_IFMT) == S_IFDIR) return dir_path(top, n, 0, buf, size);
    return (top->mode & S_IFMT) == S_IFDIR && find_node(top, -1, n, buf, 0, size, 0) ? (long)strlen(buf) : -ENOENT;
}

/* An absolute path naming n: a directory's through its parents, another node's by a search from the root. */
long vfs_node_path(vnode_t *n, char *buf, uint64_t size)
{
    if (size < 2) return -34;
    if ((n->mode & S_IFMT) == S_IFDIR) {
        long r = vfs_getcwd(n, buf, size);
        if (r > 0) return r - 1;
    } else if (find_node(root, 0, n, buf, 0, size, 0)) {
        return (long)strlen(buf);
    }
    if (n->link && (n->mode & S_IFMT) != S_IFLNK && strlen(n->link) < size) {  /* its last name, deleted */
        memcpy(buf, n->link, strlen(n->link) + 1);
        return (long)strlen(buf);
    }
    return -ENOENT;
}

/* ---- whole trees (mount.c unmounts them) ---- */
/* Anything but directory entries holding a node of the tree (an open file, a cwd, a program). */
int tree_busy(vnode_t *n)
{
    int isdir = (n->mode & S_IFMT) == S_IFDIR;
    if (n->refs > (isdir ? 1 : (int)n->nlink)) return 1;
    return isdir && tree_busy_below(n);
}

void tree_clear(vnode_t *dir)
{
    while (dir->entries) {
        dentry_t *d = dir->entries;
        if ((d->node->mode & S_IFMT) == S_IFDIR) tree_clear(d->node);
        dir_remove(dir, d);
    }
}

int tree_busy_below(vnode_t *dir)
{
    for (dentry_t *d = dir->entries; d; d = d->next)
        if (tree_busy(d->node)) return 1;
    return 0;
}

void ns_set_fs(vnode_t *n, uint32_t fs)
{
    n->fs = fs;
    if ((n->mode & S_IFMT) == S_IFDIR)
        for (dentry_t *d = n->entries; d; d = d->next)
            if ((d->node->mode & S_IFMT) != S_IFDIR || d->node->parent == n) ns_set_fs(d->node, fs);
}

uint64_t vfs_free_inodes(uint64_t total) { return next_ino < total ? total - next_ino : 0; }

/* ---- the boot image ---- */
static uint64_t hex8(const char *s)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        char c = s[i];
        v = v * 16 + (uint64_t)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
    }
    return v;
}

/* Create the directories leading to path (boot images list them before their contents, but be kind). */
static void mkdirs(const char *path)
{
    char tmp[VFS_PATH_MAX];
    uint64_t l = strlen(path);
    if (l >= sizeof(tmp)) return;
    memcpy(tmp, path, l + 1);
    for (uint64_t i = 1; i < l; i++)
        if (tmp[i] == '/') { tmp[i] = 0; vfs_mknod(root, tmp, S_IFDIR | 0755, 0, 0); tmp[i] = '/'; }
}

void vfs_init(const uint8_t *b, uint64_t size)
{
    root = vnode_new(S_IFDIR | 0755);
    root->nlink = 2;
    root->refs = 1;
    const uint8_t *end = b + size;
    while (b && b + 110 <= end && !memcmp(b, "070701", 6)) {
        const char *h = (const char *)b;
        uint32_t mode = (uint32_t)hex8(h + 14);
        uint64_t fsize = hex8(h + 54), nsize = hex8(h + 94);
        const char *name = h + 110;
        if (b + 110 + nsize > end) break;
        const uint8_t *data = b + ((110 + nsize + 3) & ~3UL);
        if (data + fsize > end) break;
        if (!strcmp(name, "TRAILER!!!")) break;
        char path[VFS_PATH_MAX];
        const char *n = name;
        while (*n == '.' && n[1] == '/') n += 2;
        while (*n == '/') n++;
        if (*n && strcmp(n, ".") && strlen(n) + 2 < sizeof(path)) {
            path[0] = '/';
            memcpy(path + 1, n, strlen(n) + 1);
            mkdirs(path);
            if ((mode & S_IFMT) == S_IFLNK) {
                char target[VFS_PATH_MAX];
                uint64_t tl = fsize < sizeof(target) - 1 ? fsize : sizeof(target) - 1;
                memcpy(target, data, tl);
                target[tl] = 0;
                vfs_mknod(root, path, mode, 0, target);
            } else {
                vfs_mknod(root, path, mode, 0, 0);
                if ((mode & S_IFMT) == S_IFREG) {
                    vnode_t *f;
                    if (!vfs_lookup(root, path, 0, &f)) { f->ro_data = data; f->size = fsize; }
                }
            }
        }
        b = data + ((fsize + 3) & ~3UL);
    }
    /* the usual places, if the image did not bring them */
    vfs_mknod(root, "/dev", S_IFDIR | 0755, 0, 0);
    vfs_mknod(root, "/tmp", S_IFDIR | 01777, 0, 0);
    vfs_mknod(root, "/proc", S_IFDIR | 0555, 0, 0);
    vfs_mknod(root, "/sys", S_IFDIR | 0555, 0, 0);
    vfs_mknod(root, "/dev/pts", S_IFDIR | 0755, 0, 0);
    static const struct { const char *path, *type; uint64_t magic; } boot_mounts[] = {
        { "/", "rootfs", TMPFS_MAGIC }, { "/dev", "devtmpfs", TMPFS_MAGIC }, { "/proc", "proc", PROC_SUPER_MAGIC },
        { "/sys", "sysfs", SYSFS_MAGIC }, { "/tmp", "tmpfs", TMPFS_MAGIC }, { "/dev/pts", "devpts", DEVPTS_MAGIC },
    };
    for (unsigned i = 0; i < sizeof(boot_mounts) / sizeof(boot_mounts[0]); i++) {
        vnode_t *d;
        if (vfs_lookup(root, boot_mounts[i].path, 0, &d) || (d->mode & S_IFMT) != S_IFDIR) continue;
        mount_boot(d, boot_mounts[i].type, boot_mounts[i].magic, i ? MNT_RELATIME : 0);
    }
    static const struct { const char *name; uint64_t dev; uint32_t mode; } devs[] = {
        { "/dev/null", DEV_NULL, 0666 }, { "/dev/zero", DEV_ZERO, 0666 }, { "/dev/full", DEV_FULL, 0666 },
        { "/dev/random", DEV_RANDOM, 0666 }, { "/dev/urandom", DEV_URANDOM, 0666 }, { "/dev/tty", DEV_TTY, 0666 },
        { "/dev/console", DEV_CONSOLE, 0600 }, { "/dev/ttyAMA0", DEV_TTYAMA0, 0620 }, { "/dev/ptmx", DEV_PTMX, 0666 },
    };
    for (unsigned i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
        vfs_mknod(root, devs[i].name, S_IFCHR | devs[i].mode, devs[i].dev, 0);
    /* devpts: /dev/pts/N come and go with the ptys; its own ptmx has mode 0 as Linux's default */
    vfs_mknod(root, "/dev/pts/ptmx", S_IFCHR, DEV_PTMX, 0);
}

static long open_node(vnode_t *n, int mnt, uint32_t flags, int created, file_t **out);
long vfs_open(vnode_t *dir, const char *path, uint32_t flags, uint32_t mode, uint32_t umask, file_t **out)
{
    vnode_t *n;
    uint32_t acc = flags & O_ACCMODE;
    if (acc == 3) return -EINVAL;
    long r = vfs_lookup(dir, path, !(flags & O_NOFOLLOW) || (flags & O_PATH), &n);
    int created = 0;
    if (r == -ENOENT && (flags & O_CREAT) && !(flags & O_DIRECTORY)) {
        created = 1;
        uint64_t l = strlen(path);
        if (l && path[l - 1] == '/') return -EISDIR;
        if ((r = vfs_mknod(dir, path, S_IFREG | (mode & 07777 & ~umask), 0, 0))) return r;
        if ((r = vfs_lookup(dir, path, 1, &n))) return r;
    } else if (r) {
        return r;
    } else if ((flags & O_CREAT) && (flags & O_EXCL)) {
        return -EEXIST;
    }
    return open_node(n, vfs_lookup_mnt, flags, created, out);
}

long vfs_open_node(vnode_t *n, uint32_t flags, file_t **out) { return open_node(n, vfs_mount_of(n), flags, 0, out); }

/* Open node n, reached through mount mnt; created: this call made it (no permission check, as Linux). */
static long open_node(vnode_t *n, int mnt, uint32_t flags, int created, file_t **out)
{
    uint32_t acc = flags & O_ACCMODE;
    long r;
    if (acc == 3) return -EINVAL;
    uint32_t t = n->mode & S_IFMT;
    if (t == S_IFLNK && !(flags & O_PATH)) return -ELOOP;
    if ((t == S_IFBLK || t == S_IFSOCK) && !(flags & O_PATH)) return -ENXIO;  /* no block devices; sockets are not opened */
    if ((flags & O_DIRECTORY) && t != S_IFDIR) return -ENOTDIR;
    /* O_TRUNC asks for write permission, whatever the type (a directory: EISDIR) */
    if (t == S_IFDIR && !(flags & O_PATH) && (acc != O_RDONLY || (flags & (O_CREAT | O_TRUNC)))) return -EISDIR;
    /* a read-only mount refuses writes to files, directories and links (not to devices and FIFOs);
     * a nodev one opening devices */
    if ((acc != O_RDONLY || (flags & O_TRUNC)) && !(flags & O_PATH) && (t == S_IFREG || t == S_IFDIR) &&
        (r = vfs_writable(mnt))) return r;
    if ((t == S_IFCHR || t == S_IFBLK) && !(flags & O_PATH) && (vfs_mounts[mnt].flags & MNT_NODEV)) return -EACCES;
    if (!created && !(flags & O_PATH)) {  /* a file this call made is opened without a check */
        int mask = (acc != O_WRONLY ? MAY_READ : 0) | (acc != O_RDONLY ? MAY_WRITE : 0);
        if (flags & O_TRUNC) mask |= MAY_WRITE;
        if ((r = vfs_permission(n, mask))) return r;
    }
    if ((flags & O_TRUNC) && t == S_IFREG && !(flags & O_PATH)) file_truncate(n, 0);
    file_t *f = heap_alloc(sizeof(file_t));
    f->node = n;
    vnode_ref(n);
    f->flags = flags & (O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH | O_DIRECTORY);
    f->refs = 1;
    vfs_file_mount(f, mnt);
    if (t == S_IFIFO && !(flags & O_PATH) && (r = fifo_attach(f))) { f->pipe = 0; file_put(f); return r; }
    if (t == S_IFCHR && !(flags & O_PATH) && (r = tty_open(f))) {
        vfs_file_unmount(f);
        vnode_put(n);
        heap_free(f, sizeof(*f));
        return r;
    }
    *out = f;
    return 0;
}
