/* Root-task internals shared by its files. */
#ifndef ROOT_ROOT_H
#define ROOT_ROOT_H
#include "lib.h"

#define PARK_SLOT 15  /* in every cspace: a notification nobody signals */
/* End a thread: wait forever. */
__attribute__((noreturn)) void park(void);
void park_init(void);
/* Every new task gets the park notification at PARK_SLOT. */
void task_setup(task_t *t);

void run_tests(void);
void run_benchmarks(void);
#endif

/* Linux errno values (kernel calls return them negated). */
enum { EPERM_ = 1, ENOENT_ = 2, EBADF_ = 9, EAGAIN_ = 11, ENOMEM_ = 12, EBUSY_ = 16, EEXIST_ = 17,
       EINVAL_ = 22, ENOSYS_ = 38, ETIMEDOUT_ = 110 };
