/* statx: the same facts as fstatat, in struct statx (linux/stat.h), and its errors. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

struct sx_ts { int64_t sec; uint32_t nsec; int32_t pad; };
struct sx {  /* struct statx, 256 bytes */
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, pad0;
    uint64_t ino, size, blocks, attributes_mask;
    struct sx_ts atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t mnt_id;
    uint32_t dio_mem_align, dio_offset_align;
    uint64_t spare[12];
};

static long do_statx(int dirfd, const char *path, int flags, unsigned mask, void *buf)
{
    return syscall(SYS_statx, dirfd, path, flags, mask, buf);
}

static int same(const struct stat *st, const struct sx *x)
{
    return (x->mask & 0x7ff) == 0x7ff && x->mode == (st->st_mode & 0xffff) && x->ino == st->st_ino &&
           x->nlink == st->st_nlink && x->uid == st->st_uid && x->gid == st->st_gid && x->size == (uint64_t)st->st_size &&
           x->blocks == (uint64_t)st->st_blocks && x->blksize == (uint32_t)st->st_blksize &&
           x->mtime.sec == st->st_mtim.tv_sec && x->mtime.nsec == (uint32_t)st->st_mtim.tv_nsec &&
           x->ctime.sec == st->st_ctim.tv_sec && x->atime.sec == st->st_atim.tv_sec &&
           makedev(x->rdev_major, x->rdev_minor) == st->st_rdev && makedev(x->dev_major, x->dev_minor) == st->st_dev;
}

int main(void)
{
    struct stat st;
    struct sx x;
    int fd = open("/tmp/sx", O_RDWR | O_CREAT | O_TRUNC, 0640);
    CHECK(write(fd, "twelve bytes", 12) == 12, "a file");
    CHECK(do_statx(AT_FDCWD, "/tmp/sx", 0, 0x7ff, &x) == 0 && stat("/tmp/sx", &st) == 0 && same(&st, &x),
          "statx of a file says what stat says");
    CHECK(x.size == 12 && (x.mode & 0777) == 0640 && S_ISREG(x.mode), "size and mode");
    CHECK(do_statx(AT_FDCWD, "/tmp", 0, 0x7ff, &x) == 0 && stat("/tmp", &st) == 0 && same(&st, &x), "statx of a directory");
    CHECK(do_statx(AT_FDCWD, "/dev/null", 0, 0x7ff, &x) == 0 && stat("/dev/null", &st) == 0 && same(&st, &x) &&
          x.rdev_major == 1 && x.rdev_minor == 3, "statx of /dev/null: device 1,3");
    symlink("/tmp/sx", "/tmp/sx_link");
    CHECK(do_statx(AT_FDCWD, "/tmp/sx_link", AT_SYMLINK_NOFOLLOW, 0x7ff, &x) == 0 && S_ISLNK(x.mode) && x.size == 7,
          "AT_SYMLINK_NOFOLLOW: the link itself");
    CHECK(do_statx(AT_FDCWD, "/tmp/sx_link", 0, 0x7ff, &x) == 0 && S_ISREG(x.mode), "a link is followed");
    CHECK(do_statx(fd, "", AT_EMPTY_PATH, 0x7ff, &x) == 0 && fstat(fd, &st) == 0 && same(&st, &x), "AT_EMPTY_PATH on a descriptor");
    int dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(do_statx(dfd, "sx", 0, 0x7ff, &x) == 0 && x.size == 12, "relative to a directory descriptor");
    int pfd[2];
    pipe(pfd);
    CHECK(do_statx(pfd[0], "", AT_EMPTY_PATH, 0x7ff, &x) == 0 && S_ISFIFO(x.mode), "a pipe is a FIFO");
    CHECK(do_statx(AT_FDCWD, "/tmp/sx", 0, 0, &x) == 0, "mask 0 is allowed");
    CHECK_ERR(do_statx(AT_FDCWD, "/tmp/nonexistent", 0, 0x7ff, &x), ENOENT, "statx of a missing path: ENOENT");
    CHECK_ERR(do_statx(AT_FDCWD, "/tmp/sx/x", 0, 0x7ff, &x), ENOTDIR, "statx through a file: ENOTDIR");
    CHECK_ERR(do_statx(AT_FDCWD, "/tmp/sx", 0x12345678, 0x7ff, &x), EINVAL, "statx with unknown flags: EINVAL");
    CHECK_ERR(do_statx(AT_FDCWD, "/tmp/sx", 0x6000, 0x7ff, &x), EINVAL, "statx with both sync types: EINVAL");
    CHECK_ERR(do_statx(AT_FDCWD, "/tmp/sx", 0, 0x80000000u, &x), EINVAL, "statx with the reserved mask bit: EINVAL");
    CHECK_ERR(do_statx(AT_FDCWD, "/tmp/sx", 0, 0x7ff, (void *)8), EFAULT, "statx to a bad buffer: EFAULT");
    CHECK_ERR(do_statx(AT_FDCWD, (char *)8, 0, 0x7ff, &x), EFAULT, "statx of a bad path pointer: EFAULT");
    CHECK_ERR(do_statx(99, "", AT_EMPTY_PATH, 0x7ff, &x), EBADF, "statx of a closed descriptor: EBADF");
    CHECK_ERR(do_statx(AT_FDCWD, "", 0, 0x7ff, &x), ENOENT, "statx of an empty path: ENOENT");
    unlink("/tmp/sx_link");
    unlink("/tmp/sx");
    return check_failed;
}
