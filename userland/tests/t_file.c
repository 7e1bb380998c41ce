/* Files and directories: open flags, read/write/seek, stat, directories, links, renames, fds. */
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

int main(void)
{
    mkdir("/tmp/t", 0755);
    CHECK(chdir("/tmp/t") == 0, "chdir to a new directory");
    char cwd[256];
    CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/tmp/t"), "getcwd");
    int fd = open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK(fd >= 0, "open O_CREAT");
    CHECK(write(fd, "hello world\n", 12) == 12, "write");
    CHECK(close(fd) == 0, "close");
    CHECK_ERR(open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST, "O_CREAT|O_EXCL on an existing file: EEXIST");
    fd = open("a.txt", O_RDWR);
    char buf[64] = { 0 };
    CHECK(read(fd, buf, 5) == 5 && !memcmp(buf, "hello", 5), "read");
    CHECK(lseek(fd, 0, SEEK_CUR) == 5 && lseek(fd, -6, SEEK_END) == 6, "lseek SEEK_CUR and SEEK_END");
    CHECK(read(fd, buf, 64) == 6 && !memcmp(buf, "world\n", 6), "read to the end");
    CHECK(read(fd, buf, 64) == 0, "read at the end returns 0");
    CHECK(pwrite(fd, "W", 1, 6) == 1 && pread(fd, buf, 5, 6) == 5 && !memcmp(buf, "World", 5), "pwrite and pread");
    CHECK_ERR(lseek(fd, -100, SEEK_SET), EINVAL, "lseek before the start: EINVAL");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 12 && (st.st_mode & 0777) == 0644, "fstat: a 12-byte regular file, mode 0644");
    CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate");
    close(fd);
    fd = open("a.txt", O_WRONLY | O_APPEND);
    write(fd, "!", 1);
    close(fd);
    fd = open("a.txt", O_RDONLY);
    memset(buf, 0, sizeof(buf));
    CHECK(read(fd, buf, 64) == 6 && !strcmp(buf, "hello!"), "O_APPEND writes at the end");
    CHECK_ERR(write(fd, "x", 1), EBADF, "write to a read-only descriptor: EBADF");
    close(fd);
    struct iovec iov[2] = { { "ab", 2 }, { "cde", 3 } };
    fd = open("v.txt", O_CREAT | O_RDWR | O_TRUNC, 0600);
    CHECK(writev(fd, iov, 2) == 5, "writev");
    close(fd);
    CHECK(stat("v.txt", &st) == 0 && st.st_size == 5, "stat");
    CHECK_ERR(stat("missing", &st), ENOENT, "stat of a missing file: ENOENT");
    CHECK_ERR(stat("a.txt/x", &st), ENOTDIR, "a file used as a directory: ENOTDIR");
    CHECK_ERR(open("/tmp/t", O_WRONLY), EISDIR, "opening a directory for writing: EISDIR");
    CHECK(mkdir("d", 0755) == 0 && mkdir("d/e", 0700) == 0, "mkdir");
    CHECK_ERR(mkdir("d", 0755), EEXIST, "mkdir of an existing name: EEXIST");
    CHECK_ERR(rmdir("d"), ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");
    CHECK(symlink("a.txt", "s") == 0, "symlink");
    char lb[64] = { 0 };
    CHECK(readlink("s", lb, sizeof(lb)) == 5 && !strcmp(lb, "a.txt"), "readlink");
    CHECK(stat("s", &st) == 0 && S_ISREG(st.st_mode) && lstat("s", &st) == 0 && S_ISLNK(st.st_mode), "stat follows a symlink, lstat does not");
    CHECK(symlink("loop2", "loop1") == 0 && symlink("loop1", "loop2") == 0, "two symlinks pointing at each other");
    CHECK_ERR(open("loop1", O_RDONLY), ELOOP, "following them: ELOOP");
    CHECK(link("a.txt", "hard") == 0 && stat("a.txt", &st) == 0 && st.st_nlink == 2, "link adds a name");
    CHECK(rename("hard", "d/moved") == 0 && stat("d/moved", &st) == 0 && access("hard", F_OK) != 0, "rename into a directory");
    CHECK(unlink("d/moved") == 0 && stat("a.txt", &st) == 0 && st.st_nlink == 1, "unlink");
    fd = open("a.txt", O_RDONLY);
    unlink("a.txt");
    CHECK(read(fd, buf, 3) == 3 && !memcmp(buf, "hel", 3), "an unlinked file stays readable while open");
    close(fd);
    DIR *d = opendir(".");
    int n = 0, dot = 0, found = 0;
    struct dirent *de;
    while ((de = readdir(d))) { n++; dot |= !strcmp(de->d_name, "."); found |= !strcmp(de->d_name, "v.txt") && de->d_type == DT_REG; }
    closedir(d);
    CHECK(dot && found && n >= 6, "readdir lists ., .. and the entries with their types");
    fd = open("v.txt", O_RDONLY);
    int fd2 = dup(fd);
    CHECK(fd2 > fd && lseek(fd2, 2, SEEK_SET) == 2 && lseek(fd, 0, SEEK_CUR) == 2, "dup shares the file offset");
    CHECK(dup2(fd, 50) == 50 && fcntl(50, F_GETFD) == 0, "dup2 to a chosen number");
    CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "F_SETFD FD_CLOEXEC");
    int fl = fcntl(fd, F_GETFL);
    CHECK(fl >= 0 && (fl & O_ACCMODE) == O_RDONLY, "F_GETFL");
    CHECK(fcntl(fd, F_DUPFD, 60) == 60, "F_DUPFD at or above 60");
    CHECK_ERR(fcntl(99, F_GETFD), EBADF, "fcntl on a closed descriptor: EBADF");
    pid_t c = fork();
    if (c == 0) {
        char b[2];
        _exit(lseek(fd2, 0, SEEK_CUR) == 2 && read(fd2, b, 1) == 1 && b[0] == 'c' ? 0 : 1);
    }
    int stt;
    waitpid(c, &stt, 0);
    CHECK(WIFEXITED(stt) && WEXITSTATUS(stt) == 0 && lseek(fd2, 0, SEEK_CUR) == 3, "a child shares its parent's open files");
    fd = open("/dev/null", O_RDWR);
    CHECK(write(fd, "x", 1) == 1 && read(fd, buf, 1) == 0, "/dev/null");
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    buf[0] = 1;
    CHECK(read(fd, buf, 8) == 8 && buf[0] == 0, "/dev/zero");
    close(fd);
    fd = open("/dev/full", O_WRONLY);
    CHECK_ERR(write(fd, "x", 1), ENOSPC, "/dev/full: ENOSPC");
    close(fd);
    CHECK(isatty(1), "stdout is a terminal");
    CHECK(!isatty(50), "a file is not a terminal");
    char big[PATH_MAX + 10];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    CHECK_ERR(open(big, O_RDONLY), ENAMETOOLONG, "a path too long: ENAMETOOLONG");
    CHECK_ERR(open((char *)8, O_RDONLY), EFAULT, "a bad path pointer: EFAULT");
    return check_failed;
}
