/* Copy-on-write isolation after fork: globals, heap and stack. */
#include "check.h"
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

static int global = 1;
static char big[1 << 20];

int main(void)
{
    char *heap = malloc(256 * 1024);
    memset(heap, 'p', 256 * 1024);
    memset(big, 'g', sizeof(big));
    int local = 3;
    pid_t c = fork();
    if (c == 0) {
        int ok = global == 1 && heap[1000] == 'p' && big[500000] == 'g' && local == 3;
        global = 2; local = 4;
        memset(heap, 'c', 256 * 1024);
        memset(big, 'C', sizeof(big));
        struct timespec d = { 0, 50000000 };
        nanosleep(&d, 0);  /* the parent writes meanwhile */
        ok &= global == 2 && heap[200000] == 'c' && big[1] == 'C' && local == 4;
        _exit(ok ? 0 : 1);
    }
    global = 7;
    heap[200000] = 'P';
    big[1] = 'G';
    int st;
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child sees the parent's memory at fork, then only its own writes");
    CHECK(global == 7 && heap[1000] == 'p' && heap[200000] == 'P' && big[1] == 'G' && big[2] == 'g' && local == 3,
          "the parent does not see the child's writes");
    return check_failed;
}
