/* Directories read while they change (rm -r), telldir/seekdir, and device nodes (mknod, as mdev and
 * makedevs make them). */
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define N 300

static void make_files(const char *dir)
{
    mkdir(dir, 0755);
    for (int i = 0; i < N; i++) {
        char p[128];
        snprintf(p, sizeof(p), "%s/a-rather-long-file-name-so-that-one-getdents-does-not-hold-all-%03d", dir, i);
        close(open(p, O_CREAT | O_WRONLY, 0644));
    }
}

int main(void)
{
    /* the umask: init's is 022, and a child inherits its parent's */
    CHECK(umask(027) == 022, "the umask inherited from init is 022");
    pid_t c = fork();
    if (c == 0) { int fd = open("/tmp/tumask", O_CREAT | O_WRONLY, 0666); _exit(fd < 0 ? 2 : 0); }
    int status;
    struct stat st;
    CHECK(c > 0 && waitpid(c, &status, 0) == c && status == 0 && stat("/tmp/tumask", &st) == 0 &&
          (st.st_mode & 0777) == 0640, "a child inherits the umask (027: a new file is 0640)");
    umask(022);
    /* unlink each entry as it is read: every entry is still seen once, and the directory ends empty */
    make_files("/tmp/td");
    DIR *d = opendir("/tmp/td");
    struct dirent *e;
    int seen = 0, dots = 0;
    static char got[N];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') { dots++; continue; }
        int i = atoi(e->d_name + strlen(e->d_name) - 3);
        if (i >= 0 && i < N && !got[i]) { got[i] = 1; seen++; }
        char p[160];
        snprintf(p, sizeof(p), "/tmp/td/%s", e->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    CHECK(seen == N && dots == 2, "readdir while unlinking each entry sees every entry once");
    CHECK(rmdir("/tmp/td") == 0, "the directory is empty afterwards (rmdir succeeds)");

    /* telldir/seekdir: back to a remembered place, even after entries before it are removed */
    make_files("/tmp/td2");
    d = opendir("/tmp/td2");
    for (int i = 0; i < 100 && d; i++) readdir(d);
    long pos = d ? telldir(d) : -1;
    e = d ? readdir(d) : 0;
    char name[256] = "";
    if (e) snprintf(name, sizeof(name), "%s", e->d_name);
    for (int i = 0; i < 20; i++) {
        char p[128];
        snprintf(p, sizeof(p), "/tmp/td2/a-rather-long-file-name-so-that-one-getdents-does-not-hold-all-%03d", i);
        if (strcmp(p + 9, name)) unlink(p);
    }
    if (d) seekdir(d, pos);
    e = d ? readdir(d) : 0;
    CHECK(e && name[0] && !strcmp(e->d_name, name), "seekdir to a telldir place after removing earlier entries");
    rewinddir(d);
    int n = 0;
    while ((e = readdir(d))) n++;
    CHECK(n == N - 20 + 2, "rewinddir then reading lists what is left");
    closedir(d);

    /* "." and ".." with a trailing slash are still themselves */
    mkdir("/tmp/tdot", 0755);
    CHECK_ERR(mkdir("/tmp/tdot/./", 0755), EEXIST, "mkdir of d/./: EEXIST");
    CHECK_ERR(mkdir("/tmp/tdot/../", 0755), EEXIST, "mkdir of d/../: EEXIST");
    CHECK_ERR(rmdir("/tmp/tdot/./"), EINVAL, "rmdir of d/./: EINVAL");
    d = opendir("/tmp/tdot");
    n = 0;
    while (d && (e = readdir(d))) n++;
    if (d) closedir(d);
    CHECK(n == 2 && rmdir("/tmp/tdot") == 0, "and nothing was made in d");

    /* device nodes */
    mkdir("/tmp/tdev", 0755);
    CHECK(mknod("/tmp/tdev/b", S_IFBLK | 0660, makedev(8, 1)) == 0, "mknod a block device");
    CHECK(lstat("/tmp/tdev/b", &st) == 0 && S_ISBLK(st.st_mode) && major(st.st_rdev) == 8 && minor(st.st_rdev) == 1 &&
          (st.st_mode & 07777) == 0640, "stat: a block device with its numbers (mode less the umask)");
    CHECK(mknod("/tmp/tdev/c", S_IFCHR | 0666, makedev(1, 3)) == 0, "mknod a character device");
    CHECK(mknod("/tmp/tdev/f", S_IFIFO | 0600, 0) == 0, "mknod a fifo");
    CHECK_ERR(mknod("/tmp/tdev/x", 0170000 | 0600, 0), EINVAL, "mknod of no file type: EINVAL");
    d = opendir("/tmp/tdev");
    int blk = 0, chr = 0;
    while (d && (e = readdir(d))) { blk |= !strcmp(e->d_name, "b") && e->d_type == DT_BLK; chr |= !strcmp(e->d_name, "c") && e->d_type == DT_CHR; }
    if (d) closedir(d);
    CHECK(blk && chr, "readdir gives DT_BLK and DT_CHR");
    CHECK_ERR(open("/tmp/tdev/b", O_RDONLY), ENXIO, "opening a block device with no driver: ENXIO");
    return check_failed;
}
