/*
 * posix-server: the Linux personality. It is the fault handler and the pager of every Linux process:
 * a process's `svc #0` arrives here as a FAULT_SYSCALL message (badge = pid), its page faults as
 * FAULT_VM. posix_ipc.c unpacks messages; the *_ops files hold the logic; errors are -errno.
 */
#ifndef POSIX_H
#define POSIX_H
#include "lib.h"
#include <linux_syscalls.h>
#include "vfs.h"
#include "tty.h"

#define PAGE 4096UL
#define MAX_PROCS 256
#define USER_STACK_TOP 0x0000fffffffff000UL
#define USER_STACK_MAX (8UL << 20)
#define USER_MMAP_TOP  0x0000ffff00000000UL
#define SERVER_WINDOW  0x0000200000000000UL /* every frame we own is mapped here, at + its number * PAGE */

/* Linux errno values used here (returned negated). */
enum { EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8, EBADF = 9, ECHILD = 10,
       EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EEXIST = 17, ENOTDIR = 20, EISDIR = 21,
       EINVAL = 22, EMFILE = 24, ENODEV_ = 19, ELOOP_ = 40, ENOTTY = 25, ESPIPE = 29, ERANGE = 34, ENOSYS = 38, ENAMETOOLONG = 36 };
#define ERESTARTSYS 512  /* a call to make again after a signal (SA_RESTART) or a stop, as Linux's */

/* ---- frames: every page of process memory, refcounted (shared and copy-on-write pages) ---- */
typedef struct frame { uint64_t slot; uint32_t ref; uint32_t next_free; } frame_t;
uint32_t frame_alloc(void);           /* a zeroed frame, ref 1; 0 when memory is exhausted */
void frame_put(uint32_t f);           /* drop a reference */
void *frame_ptr(uint32_t f);          /* the frame's contents, in the server's window */
frame_t *frame_get(uint32_t f);

/* ---- per-process page map (a radix tree mirroring the page tables) ---- */
#define PM_PRESENT 1UL
#define PM_W 2UL
#define PM_X 4UL
#define PM_MAPPED 8UL   /* also mapped in the address space (pages of a fork child map on first touch) */
/* hint: the leaf entry of the page last looked up (hint_vpn), so that repeated accesses to one page
 * skip the walk; valid while the tree's tables live (mm_destroy clears it). */
typedef struct pagemap { uint64_t *root; uint64_t hint_vpn; uint64_t *hint; } pagemap_t;
uint64_t *pm_entry(pagemap_t *pm, uint64_t va, int alloc); /* leaf: frame << 12 | PM_* bits */

/* ---- memory areas ---- */
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define VMA_GROWSDOWN 1
#define VMA_SHARED 2
typedef struct vma {
    uint64_t start, end;
    uint32_t prot, flags;
    vnode_t *vn;                  /* the file mapped (one reference per area), or 0 for anonymous memory */
    uint64_t off;                 /* file offset of start */
    uint64_t file_len;            /* bytes of the area that come from the file; the rest is zero */
    struct vma *next;
} vma_t;

/* An address space, shared by the threads of a process (CLONE_VM). */
typedef struct mm {
    uint64_t vspace;              /* its VSPACE cap (slot in the server's cspace) */
    vma_t *vmas;
    pagemap_t pm;
    uint64_t brk_start, brk, mmap_base;
    int users;                    /* threads using it */
    /* what execve set up, as /proc/<pid>/{cmdline,environ,exe,maps,stat} show it */
    uint64_t arg_start, arg_end, env_start, env_end, start_stack;
    vnode_t *exe;                 /* the program file (a reference) */
} mm_t;
mm_t *mm_new(void);
void mm_put(mm_t *mm);            /* a thread stops using it; the last one frees it */

/* The siginfo of a pending signal: si_code, then the union's first words (si_pid/si_timerid,
 * si_uid/si_overrun, si_value/si_status); timer: the timer_ops.c slot + 1 and its serial, or 0. */
typedef struct sig_info {
    int32_t code, a, b, timer;
    uint64_t c, serial;
} sig_info_t;
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define SIGRTMIN_K 32  /* the kernel's first real-time signal (musl reserves 32-34) */

/* A set of pending signals (a thread's, or its process's): which are pending, and the siginfo of
 * each queued instance in send order, a list of entries of signal_ops.c's shared pool (0: none).
 * A bit may be set without an entry: its siginfo was lost (the queue was full), as on Linux. */
typedef struct sigpend {
    uint64_t set;                 /* bit n-1: signal n */
    uint16_t head, tail;          /* pool index + 1 */
} sigpend_t;

/* Resource usage: CPU time (ns) and counts, of a thread or summed (acct_*, cputime_ops.c). */
typedef struct racc { uint64_t utime, stime, minflt, nvcsw; } racc_t;

/*
 * A thread; a process is the group of threads with the same tgid, led by the thread whose pid (its
 * tid) is the tgid. Process-wide state (parent, children, exit status, signal actions) is kept in
 * the leader (grp); each thread has its own registers, mask and blocking state.
 */
typedef struct proc {
    int pid, ppid, state;         /* pid: the thread id; state: P_FREE, P_RUN, P_SLEEP, ... */
    int tgid;
    struct proc *grp;             /* the thread-group leader (itself for the leader) */
    mm_t *mm;
    int wait_pid;                 /* P_WAIT: the pid (or -1 any) wait4 waits for */
    uint64_t wait_status, wait_opts;
    int exit_code;
    uint64_t cnode, tcb;          /* slots in the server's cspace */
    int exiting;                  /* exit_group in progress */
    /* process-wide (kept in the leader): identity, session, limits */
    int pgid, sid;
    int notty;                    /* left its session's controlling tty (TIOCNOTTY by a non-leader) */
    uint32_t uid, euid, suid, gid, egid, sgid;
    uint32_t groups[32];
    int ngroups;
    uint32_t umask;
    uint64_t rlim[16][2];
    uint64_t start_time;          /* cntvct when it was created */
    /* files (in the leader) */
#define MAX_FDS 256
    file_t *fds[MAX_FDS];
    uint8_t cloexec[MAX_FDS];
    vnode_t *cwd;
    int cwd_mnt;                  /* the mount the cwd was reached through (it keeps that mount busy) */
    /* a thread waiting for a file (P_IO) or for several (P_POLL) */
    void *wait_obj;
    uint64_t sys_args[6];
    uint64_t io_done;             /* bytes already moved by a blocking write */
    uint64_t tty_mark;            /* a tty read's note for VTIME's timer (tty_read_timer) */
    file_t *open_wait;            /* a FIFO open waiting for the other side (P_IO), and */
    uint32_t open_count;          /* the other side's open count when it began */
    int poll_masked;              /* ppoll/pselect6 set a temporary signal mask (saved_mask holds the old) */
    uint64_t wait_info;           /* waitid: where the siginfo goes (0: wait4) */
    /* job control (in the leader): stopped by a stop signal; what the parent has yet to be told */
    int stopped, stop_sig, report_stop, report_cont;
    /* a thread whose call finished while its process was stopped: answered when it continues */
    int stop_reply;
    long stop_result;
    uint64_t sigactions[64][4];   /* handler, flags, restorer, mask (struct k_sigaction) */
    uint64_t sigmask;             /* bit n-1: signal n */
    sigpend_t pend;               /* signals sent to this thread (tgkill, faults, SIGEV_THREAD_ID) */
    sigpend_t shared;             /* (in the leader) signals sent to the process (kill, sigqueue) */
    uint64_t altstack[3];         /* ss_sp, ss_flags, ss_size */
    uint64_t saved_mask;          /* rt_sigsuspend: the mask to restore after the handler */
    int has_saved_mask;
    uint64_t sys_x0;              /* first argument of a blocking syscall (to restart it) */
    uint64_t sys_nr;
    uint64_t wait_set;            /* P_SIGWAIT: the signals rt_sigtimedwait accepts */
    uint64_t futex_key[2];        /* P_FUTEX: what it waits on */
    uint32_t futex_bits;
    uint64_t reply;               /* saved reply cap while the process waits in a syscall */
    uint64_t wake_at;             /* cntvct deadline of nanosleep; 0 = none (set it with sleep_arm) */
    uint64_t sleep_rem;           /* nanosleep: where the time left goes if a signal ends the sleep */
    /* timers (in the leader): ITIMER_VIRTUAL and ITIMER_PROF (expiry in ns of the process's CPU time,
     * 0: disarmed; interval in ns), the next POSIX timer id; ITIMER_REAL and the POSIX timers are in
     * timer_ops.c's table */
    uint64_t cpu_itimer[2][2];
    int next_timer_id;
    uint64_t clear_tid;
    char comm[16];
    /* scheduling (per thread, inherited): nice -20..19, policy SCHED_* (| RESET_ON_FORK) and its
     * real-time priority, as sched_setscheduler set them; the kernel runs every thread at one
     * priority, so they are kept and reported, not applied */
    int nice, policy, rtprio;
    int membarrier;               /* (leader) membarrier registrations */
    uint32_t personality;         /* (leader) personality(2)'s value */
    uint64_t wait_ru;             /* wait4/waitid: where the child's struct rusage goes (0: nowhere) */
    /* usage: this thread's page faults and waits; in the leader, its ended threads' usage and its
     * waited-for children's (cputime_ops.c) */
    uint64_t minflt, nvcsw;
    racc_t acct_dead, acct_children;
} proc_t;
enum { P_FREE, P_RUN, P_SLEEP, P_WAIT, P_PAUSE, P_SIGWAIT, P_FUTEX, P_IO, P_POLL, P_ZOMBIE, P_DEAD };
/* P_DEAD: a thread (not a leader) that has exited; its entry is reused. */
extern int sleepers;  /* processes with a wake_at deadline */
void sleep_arm(proc_t *p, uint64_t at);  /* p waits until cntvct at (posix_timer_tick answers it) */
void sleep_disarm(proc_t *p);            /* p waits for no deadline any more */

extern proc_t procs[MAX_PROCS];
extern uint64_t server_ep;
proc_t *proc_by_pid(int pid);

/* memory operations (mm_ops.c) */
long mm_fault(proc_t *p, uint64_t addr, int write, int exec);
long mm_map_anon(proc_t *p, uint64_t start, uint64_t len, uint32_t prot, uint32_t flags);
long mm_map(proc_t *p, uint64_t start, uint64_t len, uint32_t prot, uint32_t flags, vnode_t *vn, uint64_t off);
long mm_unmap(proc_t *p, uint64_t start, uint64_t len);
long mm_advise(proc_t *p, uint64_t start, uint64_t len, uint64_t advice);
long mm_protect(proc_t *p, uint64_t start, uint64_t len, uint32_t prot);
vma_t *mm_find(proc_t *p, uint64_t addr);
long copy_in(proc_t *p, void *dst, uint64_t uva, uint64_t len);
/* The server's view of user byte uva (valid to the end of its page), faulted in for reading or
 * writing as the process would; 0 where the process may not. */
uint8_t *user_ptr(proc_t *p, uint64_t uva, int write);
long copy_out(proc_t *p, uint64_t uva, const void *src, uint64_t len);
long copy_in_str(proc_t *p, char *dst, uint64_t uva, uint64_t max);
int mm_maps_writable(vnode_t *n);   /* some process maps n shared and writable */
void mm_destroy(proc_t *p);

/* exec (exec_ops.c): load an ELF and build the Linux initial stack. Linux allows argument and
 * environment strings up to a quarter of the stack limit (2 MiB); here 4096 of each and 512 KiB. */
#define EXEC_MAX_ARGS 4096
#define EXEC_MAX_STRINGS (512 * 1024)
/* 0 if regular file n is an ELF program this system runs, else -ENOEXEC. */
long exec_check(vnode_t *n);
/* Load ELF file elf into p; name: what execve was given. */
long exec_image(proc_t *p, vnode_t *elf, const char *name, char *const argv[], char *const envp[]);

/* processes (proc_ops.c) */
proc_t *proc_new(int ppid);              /* a process with an empty address space, not yet running */
long proc_fork(proc_t *p);
void regs_read_all(proc_t *p, uint64_t r[PSN_NUM_REGS]);
void regs_write_range(proc_t *p, int first, int n, const uint64_t *r);
#define FPSIMD_BODY 520                 /* fpsr, fpcr, q0..q31: Linux's fpsimd_context after its head */
uint8_t *regs_fpu(void);                /* the FP/SIMD state regs_read_all fetched last */
void regs_write_fpu(proc_t *p, int first, int n, const uint64_t *r, const uint8_t *fpu);
long proc_clone(proc_t *p, uint64_t a[6]);
void thread_exit(proc_t *t, int code);    /* one thread ends (exit) */
void proc_stop(proc_t *g, int sig);       /* default action of SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
void proc_continue(proc_t *g);            /* SIGCONT */
void group_exit(proc_t *p, int code);     /* every thread of p's process ends (exit_group, kill) */
long futex_op(proc_t *p, uint64_t a[6]);
void futex_cancel(proc_t *t);
long proc_execve(proc_t *p, uint64_t path, uint64_t argv, uint64_t envp);
long exec_resolve(proc_t *p, char *path, char **argv, vnode_t **elf);
long proc_wait4(proc_t *p, int64_t pid, uint64_t status, uint64_t opts, uint64_t ru);
long proc_kill(proc_t *p, int64_t pid, uint64_t sig);
long proc_tgkill(proc_t *p, int64_t tgid, int64_t tid, uint64_t sig);
void proc_reply(proc_t *p, long value);  /* answer a process waiting in a syscall */
long mm_fork(proc_t *parent, proc_t *child);

/* signals (signal_ops.c) */
#define SA_SIGINFO 4UL
#define SA_RESTORER 0x04000000UL
#define SA_ONSTACK 0x08000000UL
#define SA_RESTART 0x10000000UL
#define SA_NODEFER 0x40000000UL
#define SA_RESETHAND 0x80000000UL
/* Generate sig for p's process (si_code code, si_pid from_pid): pend, then act. */
void sig_send(proc_t *p, int sig, int code, int from_pid);
/* Generate sig with siginfo si for thread p (sig_send_info) or for p's process (sig_send_group).
 * Returns 1 if the signal was pended (or taken), 0 if it was dropped (ignored, or a standard signal
 * already pending: the earlier one's siginfo stays), -EAGAIN if a real-time signal not sent by kill
 * found the queue full (RLIMIT_SIGPENDING). A POSIX timer's signal (si->timer) is always queued. */
int sig_send_info(proc_t *p, int sig, const sig_info_t *si);
int sig_send_group(proc_t *p, int sig, const sig_info_t *si);
/* The queued siginfo of timer (timer_ops.c slot + 1, created with serial first_serial) for sig,
 * pending on thread t or its process; 0 if none. */
sig_info_t *sig_queued_timer(proc_t *t, int sig, int timer, uint64_t first_serial);
/* That timer is deleted: its user's charge (uid) goes with its queued signal, or now if none is queued. */
void sig_timer_deleted(proc_t *t, int sig, int timer, uint64_t first_serial, uint32_t uid);
/* Threads of g's process that may take a pending signal of it are interrupted to take it (SIGCONT;
 * a thread ended, leaving the process's signals to the others). */
void sig_retarget(proc_t *g);
int sig_charge(proc_t *p);          /* charge one queued signal to p's user (a timer's): 0, or -EAGAIN */
long sig_wait_take(proc_t *p, uint64_t set, uint64_t uinfo);  /* rt_sigtimedwait's take (0: none pending) */
void sig_flush_thread(proc_t *t);  /* t ends: its pending signals go */
void sig_flush_process(proc_t *g); /* g's process ends: its pending signals go */
void sig_action_changed(proc_t *g, int sig);  /* rt_sigaction set sig's action: if it ignores, pending ones go */
int sig_queue_count(uint32_t uid);         /* signals queued for uid's processes (/proc SigQ) */
/* rt_sigqueueinfo (tgid -1: to tid's process) and rt_tgsigqueueinfo (to thread tid of tgid) */
long sig_queueinfo(proc_t *p, int64_t tgid, int64_t tid, int64_t sig, uint64_t uinfo);
uint64_t sig_pending_set(proc_t *t);       /* what t may take: its own pending and its process's */
proc_t *signal_target(proc_t *g, int sig);  /* the thread that takes a signal sent to g's process */
void sig_fill_info(int32_t si[32], int sig, const sig_info_t *i);  /* Linux's siginfo (128 bytes) */
/* The signal thread p takes next (pending, not blocked, not ignored: those are discarded), or 0. */
/* p takes the first pending signal of set (not SIGKILL or SIGSTOP), as rt_sigtimedwait would: its
 * number and Linux's siginfo in si, or 0 if none is pending. */
int sig_take_masked(proc_t *p, uint64_t set, int32_t si[32]);
int sig_deliverable(proc_t *p);
/* Answer p's current syscall with result r, running a signal handler first if one is due. */
void sig_reply_current(proc_t *p, long r, psn_msg_t *m);
void sig_restart(proc_t *p);     /* answer a waiting call by making it again (-ERESTARTSYS) */
long sig_return(proc_t *p, uint64_t sp);
int sig_force(proc_t *p, int sig, int code, uint64_t addr);
long sig_altstack(proc_t *p, uint64_t ss, uint64_t old, uint64_t sp);

/* files (fd_ops.c) */
long fd_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled);
long fd_rw(proc_t *p, uint64_t nr, uint64_t a[6], int *handled);  /* read or write, as fd_syscall */
file_t *fd_file(proc_t *p, uint64_t fd);          /* the open file of descriptor fd, or 0 */
long fd_free(proc_t *p, int min);                 /* the lowest free descriptor >= min, or -EMFILE */
long fd_alloc(proc_t *p, file_t *f, int min, int cloexec);  /* the same, now f's */
void fd_close(proc_t *g, uint64_t fd);
long fd_block(proc_t *p, void *obj, uint64_t nr, uint64_t a[6]);  /* wait until vfs_event(obj), then make the call again */
/* sockets (socket_ops.c) */
long sock_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled);
long sock_rw(proc_t *p, file_t *f, uint64_t nr, uint64_t a[6], int write, int vec);  /* read/write/readv/writev */
void fd_fork(proc_t *parent, proc_t *child);
void fd_exec(proc_t *p);            /* close O_CLOEXEC descriptors */
void fd_exit(proc_t *g);            /* close everything */
void fd_init_console(proc_t *init);
void io_run_wakeups(void);          /* retry the calls waiting on objects that changed */
int io_pending(void);               /* objects changed since the last io_run_wakeups */
void fd_wait_cancel(proc_t *t, int signal); /* t's wait in a file call ends unanswered (signal, or exit) */
void fd_set_cred(proc_t *p);        /* the VFS checks permissions for p until vfs_cred is 0 again */
long fd_poll_timeout(proc_t *t);    /* the deadline of t's ppoll/pselect6 passed: its answer */
long fd_io_timeout(proc_t *t);      /* the deadline of t's wait for a file (VTIME) passed: its answer */
int fd_io_expired(void);            /* the call being made is fd_io_timeout's: its deadline passed */
long fd_epipe(proc_t *p, long r);   /* r, raising SIGPIPE if it is -EPIPE */
file_t *fd_file(proc_t *p, uint64_t fd);            /* the open file of descriptor fd, or 0 */
long fd_alloc(proc_t *p, file_t *f, int min, int cloexec);  /* the lowest free descriptor >= min, or -EMFILE */
long poll_set_mask(proc_t *p, uint64_t umask);      /* ppoll's temporary signal mask (umask: user address) */
void poll_restore_mask(proc_t *p);
long fd_poll_wait(proc_t *p, uint64_t nr, const uint64_t a[6], uint64_t deadline);
/* eventfd, timerfd, epoll (epoll_ops.c) */
long epoll_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled);
void console_irq_init(void);
void console_irq(void);
tty_t *ctty_of(proc_t *g);          /* the controlling tty of g's process, or 0 */
uint64_t ctty_dev(proc_t *g, int *tpgid);  /* its device number (0: none) and foreground group (-1) */
void tty_session_exit(proc_t *g);   /* g's process ends: a session leader gives up its tty */
void orphan_check(int pgid);        /* an orphaned group with stopped members: SIGHUP, SIGCONT */

/* scheduling parameters, host names and small calls (misc_ops.c) */
long misc_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled);
void misc_uname(char u[6][65]);     /* struct utsname with the current host and domain names */

/* identity, sessions, limits, accounting (ident_ops.c) */
long ident_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled);
void ident_init(proc_t *child, proc_t *parent);  /* parent NULL: init's defaults */
long proc_waitid(proc_t *p, uint64_t idtype, uint64_t id, uint64_t info, uint64_t opts, uint64_t ru);
long mm_remap(proc_t *p, uint64_t old, uint64_t old_len, uint64_t new_len, uint64_t flags, uint64_t new_addr);

/* syscalls (syscall_ops.c); returns the result, or SYSCALL_NO_REPLY when the caller must wait */
#define SYSCALL_NO_REPLY ((long)0x7fff0000)
long posix_syscall(proc_t *p, uint64_t nr, uint64_t a[6]);
void proc_exit(proc_t *p, int code);
void posix_timer_tick(void);
/* timers (timer_ops.c): setitimer/getitimer, timer_create and the rest of the POSIX timers */
long timer_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled);
void timers_fire(void);              /* the timers that are due expire */
uint64_t timers_next(void);          /* the earliest cntvct deadline of an armed timer, or 0 */
void timers_exec(proc_t *g);         /* execve: the POSIX timers go, the interval timers stay */
void timers_exit(proc_t *g);         /* the process ended: all its timers go */
void timer_dequeued(proc_t *t, int sig, sig_info_t *si);  /* t takes sig (si: its siginfo, updated) */
uint64_t time_ns(void);              /* the monotonic clock, ns */
uint64_t cntvct_of_ns(uint64_t ns);  /* the counter value of monotonic time ns, rounded up */
#define REALTIME_OFFSET_NS (1764000000ULL * 1000000000ULL)  /* CLOCK_REALTIME - CLOCK_MONOTONIC */
uint64_t posix_next_deadline(void);
/* CPU time and usage (cputime_ops.c) */
long cputime_syscall(proc_t *p, uint64_t nr, uint64_t a[6], int *handled);  /* times, getrusage */
void acct_thread(proc_t *t, racc_t *a);
void acct_process(proc_t *g, racc_t *a);      /* live threads and ended ones */
void acct_thread_end(proc_t *t);
void acct_all(racc_t *a);                     /* /proc/stat: everything since boot */              /* t ends: its usage goes to its process's */
void acct_reaped(proc_t *parent, proc_t *c);  /* parent waited for c: c's usage is its children's */
void acct_child_rusage(proc_t *c, uint64_t ru[18]);
int is_cpu_clock_id(int64_t clk);             /* CLOCK_PROCESS/THREAD_CPUTIME_ID or a negative id */
long cpu_clock_gettime(proc_t *p, int64_t clk, uint64_t tsp);
long cpu_clock_getres(proc_t *p, int64_t clk, uint64_t tsp);
/* the process or thread a CPU clock names for p (0: none); *which: 0 PROF, 1 VIRT, 2 SCHED */
proc_t *cpu_clock_target(proc_t *p, int64_t clk, int gettime, int *thread, int *which);
uint64_t cpu_sample(proc_t *t, int thread, int which);  /* that clock's time, ns */
void cputime_arm(uint64_t left);              /* a CPU timer is left ns of CPU time from expiry */
extern uint64_t cputime_at;                   /* cntvct when CPU timers are looked at next (0: never) */
void cputime_check(void);                     /* the CPU timers that are due expire */
void cpu_timers_check(void);                  /* the POSIX timers on CPU clocks (timer_ops.c) */
int posix_spawn_init(const char *path, char *const argv[]);
void posix_serve(void);  /* the server loop (posix_ipc.c) */

#endif
