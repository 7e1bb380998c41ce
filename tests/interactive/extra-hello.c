/* A program brought into the boot image with `make run EXTRA_ROOT=dir` (see scripts/test.sh). */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("extra program says %d args, first %s\n", argc, argc > 1 ? argv[1] : "-");
    return 0;
}
