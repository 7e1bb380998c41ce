/* File mappings (shared and private), shared anonymous memory across fork, and running a program
 * that was written to tmpfs at run time. */
#include "check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define PG 4096

static int make_file(const char *path, int pages)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char buf[PG];
    for (int i = 0; i < pages; i++) {
        memset(buf, 'a' + i, sizeof(buf));
        if (write(fd, buf, sizeof(buf)) != PG) return -1;
    }
    return fd;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (in < 0 || out < 0) return -1;
    char buf[8192];
    long n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n) return -1;
    close(in);
    close(out);
    return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child")) return 42;  /* run as the copy written at run time */

    int fd = make_file("/tmp/fm", 3);
    CHECK(fd >= 0, "a 3-page file");
    char *m = mmap(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED, "mmap MAP_SHARED of a file");
    CHECK(m[0] == 'a' && m[PG] == 'b' && m[3 * PG - 1] == 'c', "the mapping shows the file's contents");
    m[5] = 'X';
    char c = 0;
    CHECK(pread(fd, &c, 1, 5) == 1 && c == 'X', "a store to a shared mapping is in the file");
    CHECK(pwrite(fd, "Y", 1, PG + 7) == 1 && m[PG + 7] == 'Y', "a write to the file shows in the shared mapping");

    char *o = mmap(0, PG, PROT_READ, MAP_SHARED, fd, PG);
    CHECK(o != MAP_FAILED && o[0] == 'b' && o[7] == 'Y', "mmap at an offset");

    char *pv = mmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(pv != MAP_FAILED && pv[5] == 'X', "mmap MAP_PRIVATE sees the file");
    pv[6] = 'Z';
    CHECK(pread(fd, &c, 1, 6) == 1 && c == 'a', "a store to a private mapping stays private");

    pid_t pid = fork();
    if (pid == 0) { m[9] = 'K'; pv[9] = 'P'; _exit(0); }
    waitpid(pid, 0, 0);
    CHECK(m[9] == 'K', "a child's store to a shared file mapping reaches the parent");
    CHECK(pv[9] == 'a', "a child's store to a private mapping does not");

    char *sa = mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sa != MAP_FAILED, "mmap MAP_SHARED|MAP_ANONYMOUS");
    pid = fork();
    if (pid == 0) { sa[3 * PG] = 'S'; _exit(0); }  /* a page nobody touched before fork */
    waitpid(pid, 0, 0);
    CHECK(sa[3 * PG] == 'S', "shared anonymous pages first touched after fork are shared");

    CHECK(munmap(m, 3 * PG) == 0 && munmap(o, PG) == 0, "munmap of file mappings");
    CHECK(unlink("/tmp/fm") == 0 && pv[PG] == 'b', "a private mapping outlives the file's name");

    int ro = open("/tmp/fm_ro", O_RDONLY | O_CREAT, 0644);
    int wo = open("/tmp/fm_wo", O_WRONLY | O_CREAT, 0644);
    ftruncate(wo, PG);
    CHECK_ERR(mmap(0, PG, PROT_READ, MAP_SHARED, wo, 0), EACCES, "mmap of a write-only descriptor: EACCES");
    CHECK_ERR(mmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES, "writable shared mmap of a read-only descriptor: EACCES");
    CHECK(mmap(0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0) != MAP_FAILED, "writable private mmap of a read-only descriptor");
    CHECK_ERR(mmap(0, PG, PROT_READ, MAP_SHARED, fd, 1), EINVAL, "mmap at an unaligned offset: EINVAL");
    CHECK_ERR(mmap(0, PG, PROT_READ, MAP_SHARED, 99, 0), EBADF, "mmap of a closed descriptor: EBADF");
    CHECK_ERR(mmap(0, 0, PROT_READ, MAP_SHARED, fd, 0), EINVAL, "mmap of length 0: EINVAL");
    CHECK_ERR(mmap(0, PG, PROT_READ, 0, fd, 0), EINVAL, "mmap without MAP_SHARED or MAP_PRIVATE: EINVAL");
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK_ERR(mmap(0, PG, PROT_READ, MAP_PRIVATE, dir, 0), ENODEV, "mmap of a directory: ENODEV");
    int z = open("/dev/zero", O_RDWR);
    char *zm = mmap(0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    CHECK(zm != MAP_FAILED && zm[100] == 0, "mmap of /dev/zero is zeroed memory");
    CHECK_ERR(mmap(pv, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), EEXIST,
              "MAP_FIXED_NOREPLACE over a mapping: EEXIST");
    CHECK(msync(pv, PG, MS_SYNC) == 0, "msync");
    CHECK_ERR(msync((char *)pv + 1, PG, MS_SYNC), EINVAL, "msync of an unaligned address: EINVAL");
    unlink("/tmp/fm_ro");
    unlink("/tmp/fm_wo");

    /* A program written at run time runs. */
    CHECK(copy_file(argv[0], "/tmp/fm_prog") == 0, "copy this program to /tmp");
    pid = fork();
    if (pid == 0) {
        execl("/tmp/fm_prog", "fm_prog", "child", (char *)0);
        _exit(errno);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "a program written to tmpfs at run time runs");
    int t = open("/tmp/fm_bad", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    write(t, "\177ELF garbage", 12);
    close(t);
    CHECK_ERR(execl("/tmp/fm_bad", "fm_bad", (char *)0), ENOEXEC, "a broken ELF file: ENOEXEC");
    unlink("/tmp/fm_prog");
    unlink("/tmp/fm_bad");
    return check_failed;
}
