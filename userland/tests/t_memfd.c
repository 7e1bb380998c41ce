/* memfd_create: anonymous files to share memory between processes (Wayland's wl_shm), and seals. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

int main(void)
{
    /* on Linux the runner does not mount /proc; here it is always there */
    if (access("/proc/self/stat", F_OK)) mount("proc", "/proc", "proc", 0, 0);
    int fd = memfd_create("wl_shm", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "memfd_create with MFD_CLOEXEC");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 && (st.st_mode & 0777) == 0777,
          "a memfd is an empty regular file, mode 0777");
    CHECK(st.st_nlink == 0, "it has no name in any directory (nlink 0)");
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, "it is open for reading and writing");
    char path[64], buf[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    ssize_t l = readlink(path, buf, sizeof(buf) - 1);
    if (l >= 0) buf[l] = 0;
    CHECK(l > 0 && !strcmp(buf, "/memfd:wl_shm (deleted)"), "/proc/self/fd shows /memfd:NAME (deleted)");
    CHECK(ftruncate(fd, 8192) == 0 && fstat(fd, &st) == 0 && st.st_size == 8192, "ftruncate sizes it");
    CHECK(pwrite(fd, "hello", 5, 4096) == 5 && pread(fd, buf, 5, 4096) == 5 && !memcmp(buf, "hello", 5),
          "pwrite and pread");
    char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED && !memcmp(m + 4096, "hello", 5), "mmap MAP_SHARED sees the contents");
    pid_t c = fork();
    if (c == 0) {
        char *cm = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (cm == MAP_FAILED) _exit(1);
        memcpy(cm, "from child", 10);
        _exit(0);
    }
    int status;
    waitpid(c, &status, 0);
    CHECK(WIFEXITED(status) && !WEXITSTATUS(status) && !memcmp(m, "from child", 10),
          "another process's own mapping of it writes the same memory");
    CHECK(pread(fd, buf, 10, 0) == 10 && !memcmp(buf, "from child", 10), "and the file reads it");

    CHECK(fcntl(fd, F_GET_SEALS) == 0, "F_GET_SEALS: none yet");
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY, "F_SEAL_WRITE while mapped shared and writable: EBUSY");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == 0 && fcntl(fd, F_GET_SEALS) == F_SEAL_SHRINK, "F_SEAL_SHRINK");
    CHECK_ERR(ftruncate(fd, 4096), EPERM, "shrinking a shrink-sealed memfd: EPERM");
    CHECK(ftruncate(fd, 12288) == 0, "growing it is still allowed");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW) == 0, "F_SEAL_GROW");
    CHECK_ERR(ftruncate(fd, 16384), EPERM, "growing a grow-sealed memfd: EPERM");
    CHECK_ERR(pwrite(fd, "x", 1, 12288), EPERM, "writing past its end: EPERM");
    CHECK(pwrite(fd, "y", 1, 100) == 1, "writing inside it is still allowed");
    munmap(m, 8192);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0, "F_SEAL_WRITE once unmapped");
    CHECK_ERR(pwrite(fd, "z", 1, 0), EPERM, "writing a write-sealed memfd: EPERM");
    CHECK(mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM,
          "mapping it shared and writable: EPERM");
    char *r = mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(r != MAP_FAILED && !memcmp(r, "from child", 10), "mapping it shared and read-only works");
    char *pv = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(pv != MAP_FAILED && (pv[0] = 'P') == 'P', "a private writable mapping works (copy on write)");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL) == 0, "F_SEAL_SEAL");
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), EPERM, "after F_SEAL_SEAL no more seals: EPERM");
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, 0x100), EINVAL, "unknown seal bits once sealed: EINVAL first");
    close(fd);
    CHECK(r[0] == 'f', "the mapping outlives the descriptor");

    int ns = memfd_create("plain", 0);
    CHECK(ns >= 0 && !(fcntl(ns, F_GETFD) & FD_CLOEXEC), "memfd_create without flags");
    CHECK(fcntl(ns, F_GET_SEALS) == F_SEAL_SEAL, "without MFD_ALLOW_SEALING it is sealed against seals");
    CHECK_ERR(fcntl(ns, F_ADD_SEALS, F_SEAL_GROW), EPERM, "so F_ADD_SEALS: EPERM");
    int s2 = memfd_create("sealable", MFD_ALLOW_SEALING);
    CHECK_ERR(fcntl(s2, F_ADD_SEALS, 0x100), EINVAL, "unknown seal bits: EINVAL");
    close(s2);
    close(ns);
    int reg = open("/tmp/memfd-reg", O_CREAT | O_RDWR, 0600);
    CHECK(fcntl(reg, F_GET_SEALS) == F_SEAL_SEAL, "a tmpfs file is sealed against seals");
    CHECK_ERR(fcntl(reg, F_ADD_SEALS, F_SEAL_GROW), EPERM, "F_ADD_SEALS on it: EPERM");
    close(reg);
    int pp[2];
    pipe(pp);
    CHECK_ERR(fcntl(pp[0], F_GET_SEALS), EINVAL, "F_GET_SEALS on a pipe: EINVAL");
    close(pp[0]);
    close(pp[1]);
    unlink("/tmp/memfd-reg");
    CHECK_ERR(memfd_create("x", 0x100), EINVAL, "unknown flags: EINVAL");
    char longname[300];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[299] = 0;
    CHECK_ERR(memfd_create(longname, 0), EINVAL, "a name longer than 249 bytes: EINVAL");
    CHECK_ERR(memfd_create((const char *)8, 0), EFAULT, "a bad name pointer: EFAULT");
    return check_failed;
}
