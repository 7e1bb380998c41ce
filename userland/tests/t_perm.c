/* Permissions: mode bits against uid/gid as Linux checks them, root's bypass, sticky and set-group-ID
 * directories, ownership changes, access/faccessat with real and effective ids. The runner is root;
 * the unprivileged checks run in a child that switched to uid/gid 1000. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>

#define D "/tmp/t_perm"

static void mkfile(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    write(fd, "data\n", 5);
    close(fd);
    chown(path, uid, gid);
    chmod(path, mode);
}

static int in_child_as(uid_t uid, gid_t gid, int (*fn)(void))
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        if (setgroups(0, 0) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid)) _exit(100);
        _exit(fn());
    }
    int st;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 200;
}

static int user_checks(void)
{
    struct stat st;
    int fd;
    CHECK(getuid() == 1000 && geteuid() == 1000 && getgid() == 1000, "the child runs as uid and gid 1000");
    CHECK_ERR(open(D "/secret", O_RDONLY), EACCES, "open of a 0600 root file: EACCES");
    fd = open(D "/public", O_RDONLY);
    CHECK(fd >= 0, "open O_RDONLY of a 0644 root file");
    close(fd);
    CHECK_ERR(open(D "/public", O_WRONLY), EACCES, "its O_WRONLY: EACCES");
    CHECK_ERR(open(D "/public", O_RDWR), EACCES, "its O_RDWR: EACCES");
    CHECK_ERR(open(D "/public", O_RDONLY | O_TRUNC), EACCES, "O_RDONLY|O_TRUNC needs write permission: EACCES");
    fd = open(D "/group", O_RDONLY);
    CHECK(fd >= 0, "the group bits apply to a member of the file's group");
    close(fd);
    CHECK_ERR(open(D "/group", O_WRONLY), EACCES, "and only they");
    CHECK_ERR(open(D "/mine", O_RDONLY), EACCES, "the owner gets the owner bits even when others have more");
    CHECK_ERR(truncate(D "/public", 0), EACCES, "truncate needs write permission: EACCES");

    CHECK_ERR(stat(D "/closed/f", &st), EACCES, "a path through a 0700 directory: EACCES");
    CHECK_ERR(open(D "/closed/f", O_RDONLY), EACCES, "open through it: EACCES");
    CHECK_ERR(chdir(D "/closed"), EACCES, "chdir into it: EACCES");
    CHECK(stat(D "/closed", &st) == 0, "the directory itself can be looked at");
    CHECK_ERR(open(D "/noread", O_RDONLY | O_DIRECTORY), EACCES, "opening a directory without read permission: EACCES");
    CHECK(stat(D "/noread/f", &st) == 0, "but search permission alone reaches its files");

    CHECK_ERR(open(D "/ro/new", O_WRONLY | O_CREAT, 0644), EACCES, "creating in a 0755 root directory: EACCES");
    CHECK_ERR(mkdir(D "/ro/newdir", 0755), EACCES, "mkdir there: EACCES");
    CHECK_ERR(mkfifo(D "/ro/fifo", 0644), EACCES, "mkfifo there: EACCES");
    CHECK_ERR(symlink("x", D "/ro/link"), EACCES, "symlink there: EACCES");
    CHECK_ERR(link(D "/mine", D "/ro/hard"), EACCES, "link there: EACCES");
    CHECK_ERR(link(D "/public", D "/open/hard"), EPERM, "a hard link to another's file one cannot write: EPERM");
    CHECK(link(D "/shared", D "/open/hard") == 0, "to one that one may read and write");
    CHECK_ERR(unlink(D "/ro/f"), EACCES, "unlink there: EACCES");
    CHECK_ERR(rename(D "/ro/f", D "/open/f2"), EACCES, "rename out of it: EACCES");
    CHECK_ERR(mkdir(D "/ro/f", 0755), EEXIST, "mkdir of an existing name there: EEXIST before EACCES");
    CHECK_ERR(unlink(D "/ro/none"), ENOENT, "unlink of a missing name there: ENOENT before EACCES");

    fd = open(D "/open/new", O_WRONLY | O_CREAT | O_EXCL, 0640);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == 1000 && st.st_gid == 1000, "a new file belongs to its creator");
    close(fd);
    CHECK(unlink(D "/open/rootfile") == 0, "unlink of root's file in a 0777 directory");
    CHECK_ERR(unlink(D "/sticky/rootfile"), EPERM, "in a sticky directory: EPERM");
    CHECK_ERR(rename(D "/sticky/rootfile", D "/sticky/x"), EPERM, "rename there: EPERM");
    fd = open(D "/sticky/own", O_WRONLY | O_CREAT, 0600);
    close(fd);
    CHECK(rename(D "/sticky/own", D "/sticky/own2") == 0 && unlink(D "/sticky/own2") == 0, "one's own files there can go");
    CHECK_ERR(mknod(D "/open/dev", S_IFCHR | 0600, makedev(1, 3)), EPERM, "mknod of a device: EPERM");

    fd = open(D "/sgid/f", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_gid == 50, "a set-group-ID directory gives its group to new files");
    close(fd);
    CHECK(mkdir(D "/sgid/sub", 0755) == 0 && stat(D "/sgid/sub", &st) == 0 && st.st_gid == 50 && (st.st_mode & S_ISGID),
          "and its group and bit to new directories");

    CHECK_ERR(chmod(D "/public", 0666), EPERM, "chmod of another's file: EPERM");
    CHECK(chmod(D "/open/new", 0600) == 0, "chmod of one's own file");
    CHECK_ERR(chown(D "/open/new", 0, -1), EPERM, "chown to another user: EPERM");
    CHECK(chown(D "/open/new", 1000, 1000) == 0 && chown(D "/open/new", -1, -1) == 0, "chown to oneself and one's group");
    CHECK_ERR(chown(D "/open/new", -1, 0), EPERM, "chgrp to a group one is not in: EPERM");
    CHECK_ERR(chown(D "/public", 1000, -1), EPERM, "chown of another's file: EPERM");
    CHECK(chown(D "/public", -1, -1) == 0, "chown(-1, -1) changes nothing and needs no right");
    CHECK(chmod(D "/open/new", 02755) == 0 && stat(D "/open/new", &st) == 0 && (st.st_mode & S_ISGID),
          "set-group-ID on one's own file of one's group");

    CHECK(utimes(D "/shared", 0) == 0, "touching a writable file of another user");
    struct timeval tv[2] = { { 1000, 0 }, { 1000, 0 } };
    CHECK_ERR(utimes(D "/shared", tv), EPERM, "setting its times: EPERM");
    CHECK_ERR(utimes(D "/public", 0), EACCES, "touching a file one cannot write: EACCES");

    CHECK_ERR(access(D "/secret", R_OK), EACCES, "access R_OK of a 0600 root file: EACCES");
    CHECK(access(D "/public", R_OK) == 0 && access(D "/public", F_OK) == 0, "access R_OK of a 0644 file");
    CHECK_ERR(access(D "/public", W_OK), EACCES, "access W_OK: EACCES");
    CHECK_ERR(access(D "/script", X_OK), EACCES, "access X_OK of a file executable only by its owner: EACCES");
    CHECK_ERR(access(D "/closed/f", F_OK), EACCES, "access through a closed directory: EACCES");
    char *argv[] = { "script", 0 };
    CHECK_ERR(execv(D "/script", argv), EACCES, "exec without execute permission: EACCES");
    return check_failed;
}

static int real_vs_effective(void)
{
    /* real uid 1000, effective 0 */
    if (setresuid(1000, 0, 0)) return 100;
    CHECK_ERR(access(D "/secret", R_OK), EACCES, "access checks the real uid");
    CHECK(faccessat(AT_FDCWD, D "/secret", R_OK, AT_EACCESS) == 0, "faccessat AT_EACCESS the effective one");
    int fd = open(D "/secret", O_RDONLY);
    CHECK(fd >= 0, "and open uses the effective uid");
    close(fd);
    return check_failed;
}

int main(void)
{
    struct stat st;
    mkdir(D, 0755);
    mkfile(D "/secret", 0600, 0, 0);
    mkfile(D "/public", 0644, 0, 0);
    mkfile(D "/group", 0640, 0, 1000);
    mkfile(D "/mine", 0066, 1000, 1000);
    mkfile(D "/shared", 0666, 0, 0);
    mkfile(D "/script", 0744, 0, 0);
    mkdir(D "/closed", 0700);
    mkfile(D "/closed/f", 0644, 0, 0);
    mkdir(D "/noread", 0311);
    mkfile(D "/noread/f", 0644, 0, 0);
    mkdir(D "/ro", 0755);
    mkfile(D "/ro/f", 0644, 0, 0);
    mkdir(D "/open", 0777);
    chmod(D "/open", 0777);
    mkfile(D "/open/rootfile", 0644, 0, 0);
    mkdir(D "/sticky", 0777);
    chmod(D "/sticky", 01777);
    mkfile(D "/sticky/rootfile", 0644, 0, 0);
    mkdir(D "/sgid", 0777);
    chown(D "/sgid", 0, 50);
    chmod(D "/sgid", 02777);
    CHECK(stat(D "/sgid", &st) == 0 && (st.st_mode & 07777) == 02777 && st.st_gid == 50, "the test tree");

    mode_t old = umask(027);
    CHECK(old == 022, "init's children start with umask 022");
    fflush(stdout);
    pid_t u = fork();
    if (u == 0) _exit(umask(0) == 027 ? 0 : 1);
    int us;
    waitpid(u, &us, 0);
    CHECK(WIFEXITED(us) && WEXITSTATUS(us) == 0, "fork keeps the umask");
    int uf = open(D "/masked", O_WRONLY | O_CREAT, 0666);
    CHECK(uf >= 0 && fstat(uf, &st) == 0 && (st.st_mode & 0777) == 0640, "the umask clears mode bits of new files");
    close(uf);
    umask(old);
    CHECK_ERR(mkdir(D "/open/./", 0755), EEXIST, "mkdir of \"dir/./\": EEXIST");
    CHECK_ERR(mkdir(D "/open/../", 0755), EEXIST, "mkdir of \"dir/../\": EEXIST");

    CHECK(in_child_as(1000, 1000, user_checks) == 0, "the unprivileged checks ran");
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        setresgid(1000, 1000, 1000);
        _exit(real_vs_effective());
    }
    int s;
    waitpid(c, &s, 0);
    CHECK(WIFEXITED(s) && WEXITSTATUS(s) == 0, "real and effective ids");

    /* root: no read/write checks; execute needs some x bit */
    mkfile(D "/none", 0000, 1000, 1000);
    int fd = open(D "/none", O_RDWR);
    CHECK(fd >= 0, "root opens a 0000 file for reading and writing");
    close(fd);
    CHECK(access(D "/none", R_OK | W_OK) == 0, "access R_OK|W_OK for root");
    CHECK_ERR(open(D "/open", O_RDONLY | O_TRUNC), EISDIR, "O_TRUNC on a directory: EISDIR");
    CHECK_ERR(access(D "/public", X_OK), EACCES, "X_OK for root needs an x bit: EACCES");
    CHECK(access(D "/script", X_OK) == 0 && access(D "/closed", X_OK) == 0, "one x bit (or a directory) is enough");
    chmod(D "/ro", 0555);
    fd = open(D "/ro/rootnew", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0, "root creates in a 0555 directory");
    close(fd);
    CHECK(chmod(D "/mine", 0600) == 0 && chown(D "/mine", 7, 7) == 0 && stat(D "/mine", &st) == 0 && st.st_uid == 7,
          "root changes another's mode and owner");
    mkfile(D "/suid", 04755, 0, 0);
    CHECK(chown(D "/suid", 5, 5) == 0 && stat(D "/suid", &st) == 0 && !(st.st_mode & S_ISUID), "chown clears set-user-ID");
    char *argv[] = { "x", 0 };
    mkfile(D "/noexec", 0644, 0, 0);
    CHECK_ERR(execv(D "/noexec", argv), EACCES, "root's exec of a file with no x bit: EACCES");
    return check_failed;
}
