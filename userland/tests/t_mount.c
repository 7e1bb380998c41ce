/* Mounts: bind mounts (directories and files), propagation flags and peers, remount and read-only,
 * nosuid/nodev/noexec, mounting over a non-empty directory, umount2's flags and EBUSY, several
 * instances of proc, sysfs, tmpfs and devpts, MS_MOVE, /proc/self/mountinfo. */
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define T "/tmp/tm"

static int put(const char *path, const char *s)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) return -1;
    long n = write(fd, s, strlen(s));
    close(fd);
    return n == (long)strlen(s) ? 0 : -1;
}

/* The whole file as a string (static buffer), or "" */
static const char *get(const char *path)
{
    static char b[16384];
    int fd = open(path, O_RDONLY);
    long n = 0, r;
    b[0] = 0;
    if (fd < 0) return b;
    while (n < (long)sizeof(b) - 1 && (r = read(fd, b + n, sizeof(b) - 1 - (size_t)n)) > 0) n += r;
    close(fd);
    b[n] = 0;
    return b;
}

/* The mountinfo line of the topmost mount at mount point mp (copied to line), or 0. */
static const char *info_line(const char *mp, char *line, size_t size)
{
    const char *s = get("/proc/self/mountinfo"), *found = 0;
    char key[256];
    snprintf(key, sizeof(key), " %s ", mp);
    for (const char *l = s; *l;) {
        const char *e = strchr(l, '\n');
        if (!e) e = l + strlen(l);
        /* the fifth field is the mount point */
        const char *f = l;
        for (int i = 0; i < 4 && f < e; i++) { f = memchr(f, ' ', (size_t)(e - f)); if (!f) break; f++; }
        if (f && f < e && !strncmp(f - 1, key, strlen(key))) found = l;
        l = *e ? e + 1 : e;
    }
    if (!found) return 0;
    const char *e = strchr(found, '\n');
    size_t n = e ? (size_t)(e - found) : strlen(found);
    if (n >= size) n = size - 1;
    memcpy(line, found, n);
    line[n] = 0;
    return line;
}

static int has_opt(const char *mp, const char *what)
{
    char line[512];
    return info_line(mp, line, sizeof(line)) && strstr(line, what);
}

/* The nth field (from 1) of a mountinfo line as a number. */
static long field(const char *line, int n)
{
    for (int i = 1; i < n && line; i++) { line = strchr(line, ' '); if (line) line++; }
    return line ? strtol(line, 0, 10) : -1;
}

/* Some /proc/mounts line for mount point mp contains what. */
static int mounts_has(const char *mp, const char *what)
{
    const char *s = get("/proc/mounts");
    char key[256], line[512];
    snprintf(key, sizeof(key), " %s ", mp);
    for (const char *l = s; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l), n = len < sizeof(line) ? len : sizeof(line) - 1;
        memcpy(line, l, n);
        line[n] = 0;
        if (strstr(line, key) && strstr(line, what)) return 1;
        l += e ? len + 1 : len;
    }
    return 0;
}

static int exists(const char *p) { return access(p, F_OK) == 0; }

/* errno of execve of path in a child (0 if it ran) */
static int exec_errno(const char *path)
{
    int pfd[2];
    if (pipe(pfd)) return -1;
    pid_t c = fork();
    if (c == 0) {
        close(pfd[0]);
        char *argv[] = { (char *)path, "--noop", 0 };
        execve(path, argv, (char *[]){ 0 });
        int e = errno;
        write(pfd[1], &e, sizeof(e));
        _exit(1);
    }
    close(pfd[1]);
    int e = 0;
    if (read(pfd[0], &e, sizeof(e)) != sizeof(e)) e = 0;
    close(pfd[0]);
    waitpid(c, 0, 0);
    return e;
}

static void bind_dirs(void)
{
    struct stat a, b;
    mkdir(T "/a", 0755); mkdir(T "/a/sub", 0755); mkdir(T "/b", 0755);
    put(T "/a/f", "hello");
    CHECK(mount(T "/a", T "/b", 0, MS_BIND, 0) == 0, "bind mount of a directory");
    CHECK(stat(T "/a/f", &a) == 0 && stat(T "/b/f", &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev,
          "the bound tree shows the same nodes (st_ino, st_dev)");
    CHECK(put(T "/b/f", "through b") == 0 && !strcmp(get(T "/a/f"), "through b"), "a write through the bind is seen through the original");
    CHECK(put(T "/a/new", "x") == 0 && exists(T "/b/new") && exists(T "/b/sub"), "a new file in the original is seen in the bind");
    CHECK_ERR(rename(T "/a/new", T "/b/new2"), EXDEV, "rename between the two mounts: EXDEV");
    CHECK_ERR(link(T "/a/new", T "/b/new3"), EXDEV, "link between the two mounts: EXDEV");
    CHECK(rename(T "/b/new", T "/b/new4") == 0 && exists(T "/a/new4"), "rename within the bind mount");
    CHECK_ERR(rmdir(T "/b"), EBUSY, "rmdir of the bind mount point: EBUSY");
    char cwd[256];
    CHECK(chdir(T "/b/sub") == 0 && getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, T "/b/sub"), "getcwd inside the bind names the bind");
    char lk[256];
    ssize_t ll = readlink("/proc/self/cwd", lk, sizeof(lk) - 1);
    CHECK(ll > 0 && (lk[ll] = 0, !strcmp(lk, T "/b/sub")), "so does /proc/self/cwd");
    CHECK(put("../fromcwd", "c") == 0 && exists(T "/a/fromcwd"), "a relative path from there goes through the bind");
    CHECK_ERR(rename("../fromcwd", T "/a/fromcwd2"), EXDEV, "rename from the cwd's mount to the original: EXDEV");
    CHECK_ERR(umount(T "/b"), EBUSY, "umount of the bind with the cwd inside: EBUSY");
    CHECK(chdir("/") == 0, "leave it");
    char line[512], pline[512];
    CHECK(info_line(T "/b", line, sizeof(line)) && strstr(line, " /tm/a " T "/b "), "mountinfo: the bind's root within its file system");
    CHECK(info_line(T "/b", line, sizeof(line)) && info_line("/tmp", pline, sizeof(pline)) && field(line, 2) == field(pline, 1) &&
          field(line, 1) != field(pline, 1), "mountinfo: its own id, /tmp's as its parent");
    uint64_t sx[32];  /* struct statx: stx_mnt_id at byte 144 */
    CHECK(syscall(SYS_statx, AT_FDCWD, T "/b/f", 0, 0x1000, sx) == 0 && info_line(T "/b", line, sizeof(line)) &&
          (long)sx[18] == field(line, 1), "statx's mnt_id is the mountinfo id");
    /* a second bind of the bind, and MS_REC */
    mkdir(T "/a/sub/inner", 0755);
    mkdir(T "/c", 0755);
    CHECK(mount("none", T "/a/sub", "tmpfs", 0, 0) == 0 && put(T "/a/sub/onsub", "s") == 0, "tmpfs mounted below the bound directory");
    CHECK(exists(T "/b/sub/inner") && !exists(T "/b/sub/onsub"), "a bind without MS_REC made before it does not show it");
    CHECK(mount(T "/a", T "/c", 0, MS_BIND, 0) == 0 && exists(T "/c/sub/inner") && !exists(T "/c/sub/onsub"),
          "a bind without MS_REC leaves out the mounts below");
    CHECK(umount(T "/c") == 0, "umount of that bind");
    CHECK(mount(T "/a", T "/c", 0, MS_BIND | MS_REC, 0) == 0 && exists(T "/c/sub/onsub"), "MS_BIND|MS_REC brings the mounts below");
    CHECK_ERR(umount(T "/c"), EBUSY, "umount of a mount with a mount on it: EBUSY");
    CHECK(umount(T "/c/sub") == 0 && umount(T "/c") == 0, "umount the copy below, then the bind");
    CHECK(umount(T "/a/sub") == 0, "umount the tmpfs below the original");
    CHECK(umount(T "/b") == 0 && !exists(T "/b/f") && exists(T "/a/f"), "umount of the bind: the mount point is empty again");
    CHECK_ERR(umount(T "/b"), EINVAL, "umount again: EINVAL");
}

static void bind_files(void)
{
    put(T "/file1", "one");
    put(T "/file2", "two");
    CHECK(mount(T "/file1", T "/file2", 0, MS_BIND, 0) == 0, "bind mount of a file onto a file");
    CHECK(!strcmp(get(T "/file2"), "one"), "the target shows the source's contents");
    CHECK(put(T "/file2", "uno") == 0 && !strcmp(get(T "/file1"), "uno"), "a write through the target reaches the source");
    CHECK_ERR(unlink(T "/file2"), EBUSY, "unlink of a file mount point: EBUSY");
    CHECK(umount(T "/file2") == 0 && !strcmp(get(T "/file2"), "two"), "umount: the target's own contents again");
    /* errors */
    CHECK_ERR(mount(T "/a", T "/file2", 0, MS_BIND, 0), ENOTDIR, "bind of a directory onto a file: ENOTDIR");
    CHECK_ERR(mount(T "/file1", T "/a", 0, MS_BIND, 0), ENOTDIR, "bind of a file onto a directory: ENOTDIR");
    CHECK_ERR(mount(T "/nosuch", T "/b", 0, MS_BIND, 0), ENOENT, "bind of a missing source: ENOENT");
    CHECK_ERR(mount(T "/a", T "/nosuch", 0, MS_BIND, 0), ENOENT, "bind onto a missing target: ENOENT");
    CHECK_ERR(mount("", T "/b", 0, MS_BIND, 0), EINVAL, "bind of an empty source: EINVAL");
    CHECK_ERR(mount(T "/a", T "/file1/x", 0, MS_BIND, 0), ENOTDIR, "a target through a file: ENOTDIR");
    CHECK_ERR(mount("none", T "/b", 0, 0, 0), EINVAL, "a new mount without a type: EINVAL");
    CHECK_ERR(mount("none", T "/b", "nosuchfs", 0, 0), ENODEV, "an unknown type: ENODEV");
    CHECK_ERR(mount("none", T "/file1", "tmpfs", 0, 0), ENOTDIR, "tmpfs onto a file: ENOTDIR");
}

static void propagation(void)
{
    char line[512];
    mkdir(T "/p1", 0755); mkdir(T "/p2", 0755);
    CHECK_ERR(mount(0, T "/a", 0, MS_SHARED, 0), EINVAL, "MS_SHARED on a directory that is not a mount point: EINVAL");
    CHECK_ERR(mount(0, T "/a", 0, MS_REMOUNT, 0), EINVAL, "MS_REMOUNT of a directory that is not a mount point: EINVAL");
    CHECK(mount("tmpfs", T "/p1", "tmpfs", 0, 0) == 0, "mount tmpfs for the propagation tests");
    CHECK(info_line(T "/p1", line, sizeof(line)) && !strstr(line, "shared:") && !strstr(line, "master:"), "a new mount is private");
    CHECK_ERR(mount(0, T "/p1", 0, MS_SHARED | MS_PRIVATE, 0), EINVAL, "two propagation types at once: EINVAL");
    CHECK_ERR(mount(0, T "/p1", 0, MS_SHARED | MS_NOSUID, 0), EINVAL, "a propagation type with another flag: EINVAL");
    CHECK(mount(0, T "/p1", 0, MS_SHARED, 0) == 0 && has_opt(T "/p1", " shared:"), "MS_SHARED: mountinfo says shared:N");
    CHECK(mount(T "/p1", T "/p2", 0, MS_BIND, 0) == 0, "bind of the shared mount");
    char l1[512], l2[512];
    CHECK(info_line(T "/p1", l1, sizeof(l1)) && info_line(T "/p2", l2, sizeof(l2)) && strstr(l1, " shared:") &&
          strstr(l2, " shared:") && atoi(strstr(l1, " shared:") + 8) == atoi(strstr(l2, " shared:") + 8),
          "the bind of a shared mount is its peer (the same group)");
    mkdir(T "/p1/x", 0755);
    CHECK(mount("tmpfs", T "/p1/x", "tmpfs", 0, 0) == 0 && put(T "/p1/x/f", "p") == 0 && exists(T "/p2/x/f"),
          "a mount on one peer appears on the other");
    CHECK(umount(T "/p1/x") == 0 && !exists(T "/p2/x/f") && umount(T "/p2/x") == -1 && errno == EINVAL,
          "its umount goes to the other peer too");
    CHECK(mount(0, T "/p2", 0, MS_SLAVE, 0) == 0 && has_opt(T "/p2", " master:") && !has_opt(T "/p2", " shared:"),
          "MS_SLAVE of a peer: master:N");
    mkdir(T "/p1/y", 0755);
    CHECK(mount("tmpfs", T "/p1/y", "tmpfs", 0, 0) == 0 && put(T "/p1/y/f", "q") == 0 && exists(T "/p2/y/f"),
          "a mount on the master reaches the slave");
    mkdir(T "/p2/z", 0755);
    CHECK(mount("tmpfs", T "/p2/z", "tmpfs", 0, 0) == 0 && put(T "/p2/z/f", "r") == 0 && !exists(T "/p1/z/f"),
          "a mount on the slave does not reach the master");
    CHECK(umount(T "/p2/z") == 0 && umount(T "/p2/y") == 0 && umount(T "/p1/y") == 0, "umount them");
    CHECK(mount(0, T "/p2", 0, MS_PRIVATE, 0) == 0 && !has_opt(T "/p2", " master:") && !has_opt(T "/p2", " shared:"),
          "MS_PRIVATE: neither shared nor a slave");
    CHECK(mount(0, T "/p2", 0, MS_UNBINDABLE, 0) == 0 && has_opt(T "/p2", " unbindable"), "MS_UNBINDABLE: mountinfo says unbindable");
    CHECK_ERR(mount(T "/p2", T "/b", 0, MS_BIND, 0), EINVAL, "bind of an unbindable mount: EINVAL");
    CHECK(mount(0, T "/p1", 0, MS_PRIVATE | MS_REC, 0) == 0 && !has_opt(T "/p1", " shared:"), "MS_PRIVATE|MS_REC");
    CHECK(umount(T "/p2") == 0 && umount(T "/p1") == 0, "umount the propagation mounts");
}

static void readonly(void)
{
    struct statvfs sv;
    mkdir(T "/ro", 0755);
    CHECK(mount("rotmp", T "/ro", "tmpfs", 0, 0) == 0 && put(T "/ro/f", "w") == 0 && mkdir(T "/ro/d", 0755) == 0,
          "a tmpfs with a file and a directory");
    int wfd = open(T "/ro/f", O_WRONLY);
    CHECK_ERR(mount(0, T "/ro", 0, MS_REMOUNT | MS_RDONLY, 0), EBUSY, "remount read-only with a file open for writing: EBUSY");
    close(wfd);
    CHECK(mount(0, T "/ro", 0, MS_REMOUNT | MS_RDONLY, 0) == 0, "MS_REMOUNT|MS_RDONLY");
    CHECK(mounts_has(T "/ro", " tmpfs ro") && statvfs(T "/ro", &sv) == 0 && (sv.f_flag & ST_RDONLY), "/proc/mounts and statvfs say ro");
    CHECK_ERR(open(T "/ro/new", O_CREAT | O_WRONLY, 0644), EROFS, "create on a read-only mount: EROFS");
    CHECK_ERR(open(T "/ro/f", O_WRONLY), EROFS, "open for writing: EROFS");
    CHECK_ERR(open(T "/ro/f", O_RDONLY | O_TRUNC), EROFS, "O_TRUNC: EROFS");
    int fd = open(T "/ro/f", O_RDONLY);
    CHECK(fd >= 0, "open for reading works");
    CHECK_ERR(umount(T "/ro"), EBUSY, "umount while a file is open: EBUSY");
    close(fd);
    CHECK((fd = open(T "/ro/f", O_RDONLY | O_CREAT, 0644)) >= 0, "O_CREAT of an existing file for reading works");
    close(fd);
    CHECK_ERR(mkdir(T "/ro/d2", 0755), EROFS, "mkdir: EROFS");
    CHECK_ERR(mkdir(T "/ro/d", 0755), EEXIST, "mkdir of an existing name: EEXIST first");
    CHECK_ERR(unlink(T "/ro/f"), EROFS, "unlink: EROFS");
    CHECK_ERR(unlink(T "/ro/nosuch"), EROFS, "unlink of a missing name: EROFS first");
    CHECK_ERR(rmdir(T "/ro/d"), EROFS, "rmdir: EROFS");
    CHECK_ERR(rename(T "/ro/f", T "/ro/g"), EROFS, "rename: EROFS");
    CHECK_ERR(symlink("f", T "/ro/l"), EROFS, "symlink: EROFS");
    CHECK_ERR(link(T "/ro/f", T "/ro/h"), EROFS, "link: EROFS");
    CHECK_ERR(chmod(T "/ro/f", 0600), EROFS, "chmod: EROFS");
    CHECK_ERR(chown(T "/ro/f", 1, 1), EROFS, "chown: EROFS");
    CHECK_ERR(utimensat(AT_FDCWD, T "/ro/f", 0, 0), EROFS, "utimensat: EROFS");
    CHECK_ERR(truncate(T "/ro/f", 0), EROFS, "truncate: EROFS");
    CHECK_ERR(mknod(T "/ro/fifo", S_IFIFO | 0644, 0), EROFS, "mknod: EROFS");
    CHECK(mount(0, T "/ro", 0, MS_REMOUNT, 0) == 0 && put(T "/ro/f", "again") == 0 && mounts_has(T "/ro", " tmpfs rw"),
          "remount read-write: writes work again");
    /* a read-only bind: the original stays writable */
    mkdir(T "/rb", 0755);
    CHECK(mount(T "/ro", T "/rb", 0, MS_BIND, 0) == 0, "a bind of it");
    wfd = open(T "/rb/f", O_WRONLY);
    CHECK_ERR(mount(0, T "/rb", 0, MS_REMOUNT | MS_BIND | MS_RDONLY, 0), EBUSY, "remount read-only of a bind with a file open for writing through it: EBUSY");
    close(wfd);
    wfd = open(T "/ro/f", O_WRONLY);
    CHECK(mount(0, T "/rb", 0, MS_REMOUNT | MS_BIND | MS_RDONLY, 0) == 0,
          "MS_REMOUNT|MS_BIND|MS_RDONLY of the bind while a file is open for writing through the other mount");
    close(wfd);
    CHECK_ERR(open(T "/rb/f", O_WRONLY), EROFS, "writing through the read-only bind: EROFS");
    CHECK(put(T "/ro/f", "orig") == 0 && !strcmp(get(T "/rb/f"), "orig"), "the original mount stays writable");
    char line[512];
    CHECK(info_line(T "/rb", line, sizeof(line)) && strstr(line, " ro,") && strstr(line, " - tmpfs rotmp rw"),
          "mountinfo: the mount ro, the file system rw");
    CHECK(mount(0, T "/rb", 0, MS_REMOUNT | MS_BIND, 0) == 0 && put(T "/rb/f", "b") == 0, "remount of the bind read-write");
    /* a plain remount makes the file system read-only: every mount of it */
    CHECK(mount(0, T "/ro", 0, MS_REMOUNT | MS_RDONLY, 0) == 0, "remount of the original read-only");
    CHECK_ERR(open(T "/rb/f", O_WRONLY), EROFS, "the bind is read-only too (the file system is)");
    CHECK(mounts_has(T "/rb", " tmpfs ro"), "/proc/mounts: the bind ro");
    CHECK(mount(0, T "/ro", 0, MS_REMOUNT, 0) == 0 && put(T "/rb/f", "c") == 0, "remount read-write: the bind is writable");
    CHECK(umount(T "/rb") == 0 && umount(T "/ro") == 0, "umount both");
}

static void flags(void)
{
    mkdir(T "/fl", 0755);
    CHECK(mount("fltmp", T "/fl", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0) == 0, "mount with nosuid, nodev, noexec");
    CHECK(mounts_has(T "/fl", "fltmp " T "/fl tmpfs rw,nosuid,nodev,noexec,relatime"), "/proc/mounts shows them");
    CHECK(has_opt(T "/fl", " rw,nosuid,nodev,noexec,relatime "), "mountinfo shows them");
    struct statvfs sv;
    CHECK(statvfs(T "/fl", &sv) == 0 && (sv.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC)) == (ST_NOSUID | ST_NODEV | ST_NOEXEC),
          "statvfs's f_flag has them");
    /* a copy of this program there: noexec */
    int in = open("/tests/t_mount", O_RDONLY), out = open(T "/fl/prog", O_CREAT | O_WRONLY, 0755);
    char b[4096];
    long n;
    while (in >= 0 && out >= 0 && (n = read(in, b, sizeof(b))) > 0) write(out, b, (size_t)n);
    close(in); close(out);
    CHECK(exec_errno(T "/fl/prog") == EACCES, "execve on a noexec mount: EACCES");
    int xfd = open(T "/fl/prog", O_RDONLY);
    CHECK(xfd >= 0 && mmap(0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, xfd, 0) == MAP_FAILED && errno == EPERM,
          "mmap with PROT_EXEC of a file on a noexec mount: EPERM");
    void *pm = mmap(0, 4096, PROT_READ, MAP_PRIVATE, xfd, 0);
    CHECK(pm != MAP_FAILED, "mmap without PROT_EXEC works");
    if (pm != MAP_FAILED) munmap(pm, 4096);
    close(xfd);
    CHECK(mknod(T "/fl/null", S_IFCHR | 0666, makedev(1, 3)) == 0, "mknod on a nodev mount works");
    CHECK_ERR(open(T "/fl/null", O_RDWR), EACCES, "opening a device on a nodev mount: EACCES");
    CHECK(mount(0, T "/fl", 0, MS_REMOUNT, 0) == 0 && mounts_has(T "/fl", T "/fl tmpfs rw,relatime"), "remount without the flags");
    int fd = open(T "/fl/null", O_RDWR);
    CHECK(fd >= 0, "the device opens now");
    close(fd);
    CHECK(mount(0, T "/fl", 0, MS_REMOUNT | MS_NOATIME, 0) == 0 && mounts_has(T "/fl", T "/fl tmpfs rw,noatime"), "remount noatime");
    CHECK(umount(T "/fl") == 0, "umount");
}

static void over_and_busy(void)
{
    /* mounting over a directory that is not empty hides its contents */
    CHECK(mount("over", T "/a", "tmpfs", 0, 0) == 0, "tmpfs over a directory that is not empty");
    CHECK(!exists(T "/a/f") && put(T "/a/g", "z") == 0, "its contents are hidden");
    CHECK(umount(T "/a") == 0 && exists(T "/a/f") && !exists(T "/a/g"), "umount: they are back");
    /* busy */
    mkdir(T "/bz", 0755);
    CHECK(mount("bz", T "/bz", "tmpfs", 0, 0) == 0 && chdir(T "/bz") == 0, "chdir into a new mount");
    CHECK_ERR(umount(T "/bz"), EBUSY, "umount with the cwd inside: EBUSY");
    CHECK(chdir("/") == 0 && umount(T "/bz") == 0, "umount after leaving it");
    CHECK(mount("bz", T "/bz", "tmpfs", 0, 0) == 0 && mkdir(T "/bz/d", 0755) == 0 && chdir(T "/bz/d") == 0, "chdir below a mount");
    CHECK_ERR(umount(T "/bz"), EBUSY, "umount with the cwd below: EBUSY");
    CHECK_ERR(umount2(T "/bz", MNT_FORCE), EBUSY, "MNT_FORCE: still EBUSY on tmpfs");
    CHECK(chdir("/") == 0, "leave");
    CHECK(umount2(T "/bz", MNT_FORCE) == 0, "MNT_FORCE when not busy");
    /* lazy */
    CHECK(mount("bz", T "/bz", "tmpfs", 0, 0) == 0 && put(T "/bz/f", "lazy") == 0, "a tmpfs with a file");
    int fd = open(T "/bz/f", O_RDONLY);
    CHECK(umount2(T "/bz", MNT_DETACH) == 0, "MNT_DETACH with a file open");
    char b[8] = { 0 };
    CHECK(!exists(T "/bz/f") && read(fd, b, 4) == 4 && !memcmp(b, "lazy", 4), "the path is gone, the open file works");
    close(fd);
    /* expire */
    CHECK(mount("bz", T "/bz", "tmpfs", 0, 0) == 0, "mount for MNT_EXPIRE");
    CHECK_ERR(umount2(T "/bz", MNT_DETACH | MNT_EXPIRE), EINVAL, "MNT_EXPIRE with MNT_DETACH: EINVAL");
    CHECK_ERR(umount2(T "/bz", MNT_FORCE | MNT_EXPIRE), EINVAL, "MNT_EXPIRE with MNT_FORCE: EINVAL");
    CHECK_ERR(umount2(T "/bz", 0x10), EINVAL, "unknown umount2 flags: EINVAL");
    CHECK_ERR(umount2(T "/bz", MNT_EXPIRE), EAGAIN, "MNT_EXPIRE the first time: EAGAIN");
    CHECK(umount2(T "/bz", MNT_EXPIRE) == 0 && !has_opt(T "/bz", "tmpfs"), "MNT_EXPIRE the second time unmounts");
    /* UMOUNT_NOFOLLOW */
    CHECK(mount("bz", T "/bz", "tmpfs", 0, 0) == 0 && symlink(T "/bz", T "/bzl") == 0, "a symlink to a mount point");
    CHECK_ERR(umount2(T "/bzl", UMOUNT_NOFOLLOW), EINVAL, "UMOUNT_NOFOLLOW of the symlink: EINVAL");
    CHECK(umount2(T "/bzl", 0) == 0, "umount2 through the symlink");
    unlink(T "/bzl");
    /* MS_MOVE */
    mkdir(T "/mv", 0755);
    CHECK(mount("mv", T "/bz", "tmpfs", 0, 0) == 0 && put(T "/bz/m", "m") == 0, "mount for MS_MOVE");
    CHECK_ERR(mount(T "/a", T "/mv", 0, MS_MOVE, 0), EINVAL, "MS_MOVE of a directory that is not a mount: EINVAL");
    CHECK(mount(T "/bz", T "/mv", 0, MS_MOVE, 0) == 0 && exists(T "/mv/m") && !exists(T "/bz/m"), "MS_MOVE");
    CHECK(umount(T "/mv") == 0, "umount the moved mount");
}

static void instances(void)
{
    struct stat a, b, c;
    mkdir(T "/proc2", 0555);
    CHECK(mount("proc", T "/proc2", "proc", 0, 0) == 0, "a second proc");
    char want[32];
    snprintf(want, sizeof(want), "%d (", getpid());
    CHECK(!strncmp(get(T "/proc2/self/stat"), want, strlen(want)), "its self/stat is the caller's");
    CHECK(!strncmp(get("/proc/self/stat"), want, strlen(want)), "/proc still works");
    CHECK(mounts_has(T "/proc2", "proc " T "/proc2 proc rw"), "/proc/mounts lists it");
    mkdir(T "/proc3", 0555);
    CHECK(mount("myproc", T "/proc3", "proc", 0, 0) == 0 && mounts_has(T "/proc3", "myproc " T "/proc3 proc rw") &&
          umount(T "/proc3") == 0, "each mount keeps its own source name");
    CHECK(umount(T "/proc2") == 0 && !exists(T "/proc2/self") && exists("/proc/self"), "umount of the second proc");
    mkdir(T "/sys2", 0555);
    CHECK(mount("sysfs", T "/sys2", "sysfs", 0, 0) == 0 && exists(T "/sys2/class/mem/null/dev"), "a second sysfs");
    CHECK(umount(T "/sys2") == 0, "umount it");
    mkdir(T "/t1", 0755); mkdir(T "/t2", 0755);
    CHECK(mount("t1", T "/t1", "tmpfs", 0, 0) == 0 && mount("t2", T "/t2", "tmpfs", 0, 0) == 0, "two more tmpfs");
    CHECK(put(T "/t1/x", "1") == 0 && !exists(T "/t2/x") && stat(T "/t1", &a) == 0 && stat(T "/t2", &b) == 0 &&
          stat("/tmp", &c) == 0 && a.st_dev != b.st_dev && a.st_dev != c.st_dev, "each with its own files and st_dev");
    CHECK(mount("t3", T "/t1", "tmpfs", 0, 0) == 0 && !exists(T "/t1/x") && umount(T "/t1") == 0 && exists(T "/t1/x"),
          "a tmpfs stacked on another, then unmounted");
    CHECK(umount(T "/t1") == 0 && umount(T "/t2") == 0, "umount them");
    CHECK(mount("t1", T "/t1", "tmpfs", 0, 0) == 0 && put(T "/t1/x", "1") == 0, "a tmpfs again");
    /* a deep stack of mounts on one place */
    int stacked = 0, unstacked = 0;
    for (int i = 0; i < 40; i++) stacked += mount("deep", T "/t1", "tmpfs", 0, 0) == 0;
    CHECK(stacked == 40 && put(T "/t1/top", "t") == 0 && has_opt(T "/t1", " - tmpfs deep "), "40 tmpfs stacked on one directory");
    for (int i = 0; i < 40; i++) unstacked += umount(T "/t1") == 0;
    CHECK(unstacked == 40 && !exists(T "/t1/top") && exists(T "/t1/x"), "and unmounted one by one");
    CHECK(umount(T "/t1") == 0, "umount of the tmpfs under them");
    CHECK_ERR(umount(T "/t1"), EINVAL, "then the place is not a mount point");
    mkdir(T "/sp ace", 0755);
    CHECK(mount("a b", T "/sp ace", "tmpfs", 0, 0) == 0 && mounts_has("/tmp/tm/sp\\040ace", "a\\040b /tmp/tm/sp\\040ace tmpfs") &&
          umount(T "/sp ace") == 0, "/proc/mounts escapes a space as \\040");
    mkdir(T "/pts", 0755);
    CHECK(mount("devpts", T "/pts", "devpts", 0, 0) == 0, "a new devpts instance");
    CHECK(stat(T "/pts/ptmx", &a) == 0 && S_ISCHR(a.st_mode) && a.st_rdev == makedev(5, 2), "its ptmx");
    CHECK(umount(T "/pts") == 0, "umount it");
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--noop")) return 0;  /* run by the noexec check if execve let it */
    if (access("/proc/self/stat", F_OK)) mount("proc", "/proc", "proc", 0, 0);  /* not mounted on Linux's runner */
    if (access("/sys/class", F_OK)) mount("sysfs", "/sys", "sysfs", 0, 0);
    mkdir(T, 0755);
    bind_dirs();
    bind_files();
    propagation();
    readonly();
    flags();
    over_and_busy();
    instances();
    return check_failed;
}
