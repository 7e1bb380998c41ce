/*
 * bench: lmbench-style micro-benchmarks of the Linux system-call interface.
 *
 * One static binary, run unchanged on Persona and on a reference Linux
 * kernel. Each operation is timed with the AArch64 virtual counter
 * (cntvct_el0) around a loop of N iterations and reported as
 *
 *     BENCH op=<name> iters=<N> insns=<guest instructions per op>
 *
 * where insns = ticks * 1e9 / cntfrq / N. Under `qemu -icount shift=0`
 * one guest instruction takes exactly 1 ns of virtual time, so this is an
 * instruction count; without -icount it is simply nanoseconds per op.
 * Nothing is subtracted (loop overhead is a handful of instructions).
 *
 * A failing operation prints `BENCH op=<name> error=<ERRNO>` and the run
 * goes on with the next one.
 *
 * Usage:
 *     bench [op ...]    run the named ops (default: all, in table order)
 *     bench --exit      exit 0 at once (the image exec'd by fork_exec_wait)
 *     bench --list      print the op names
 *
 * Running as pid 1 (the /init of an initramfs), it first mounts what it
 * needs (tmpfs on /tmp, devtmpfs on /dev or a mknod'ed /dev/null), and at
 * the end prints `BENCH done`, syncs and powers the machine off.
 *
 * Files used: the binary itself (argv[0] if it is a path, else "/init") for
 * open/stat/pread/exec, /dev/null, and scratch files under /tmp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/sysinfo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* Futex operations (from the Linux uAPI; defined here to need no kernel headers). */
#define FUTEX_WAIT_PRIVATE 128 /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
#define FUTEX_WAKE_PRIVATE 129 /* FUTEX_WAKE | FUTEX_PRIVATE_FLAG */

#define PAGE_SIZE 4096
#define BIG (64 * 1024) /* transfer size of read_64KiB and pipe_64KiB */

#define TMP_DIR "/tmp"
#define BIG_FILE TMP_DIR "/bench.64k"
#define SCRATCH_FILE TMP_DIR "/bench.scratch"

static const char *self_path = "/init"; /* this binary, for open/stat/exec */
static char big_buf[BIG];

/* ------------------------------------------------------------------------ */
/* Timing                                                                    */

/* Virtual counter; the isb keeps it from being read ahead of earlier code. */
static inline uint64_t counter(void)
{
	uint64_t v;
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

static inline uint64_t counter_freq(void)
{
	uint64_t v;
	__asm__ volatile("isb\n\tmrs %0, cntfrq_el0" : "=r"(v) : : "memory");
	return v;
}

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */

/* Name of an errno value, for the machine-readable error line. */
static const char *errno_name(int e)
{
	static const struct { int num; const char *name; } names[] = {
#define E(x) { x, #x }
		E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO),
		E(E2BIG), E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN),
		E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY), E(EEXIST),
		E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE),
		E(EMFILE), E(ENOTTY), E(EFBIG), E(ENOSPC), E(ESPIPE),
		E(EROFS), E(EPIPE), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG),
		E(ENOSYS), E(ENOTSUP), E(ETIMEDOUT),
#undef E
	};
	static char other[16];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].num == e)
			return names[i].name;
	snprintf(other, sizeof other, "E%d", e);
	return other;
}

/* Wait for child pid; 0 if it exited with status 0, else an errno value. */
static int reap(pid_t pid)
{
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return errno;
	if (!WIFEXITED(status))
		return EINTR; /* killed by a signal */
	return WEXITSTATUS(status); /* children exit with an errno value */
}

/* Read or write exactly len bytes; 0 on success, else an errno value. */
static int xfer_all(int fd, char *buf, size_t len, int writing)
{
	while (len > 0) {
		ssize_t r = writing ? write(fd, buf, len) : read(fd, buf, len);
		if (r < 0)
			return errno;
		if (r == 0)
			return EPIPE; /* unexpected end of file */
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Create BIG_FILE holding BIG bytes (tmpfs, so the data sits in memory). */
static int make_big_file(void)
{
	int fd = open(BIG_FILE, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return errno;
	memset(big_buf, 'x', sizeof big_buf);
	int err = xfer_all(fd, big_buf, sizeof big_buf, 1);
	close(fd);
	return err;
}

/* ------------------------------------------------------------------------ */
/* The operations. Each runs n iterations, stores the elapsed counter ticks
 * of the timed loop in *ticks, and returns 0 or an errno value.            */

static int op_null_syscall(long n, uint64_t *ticks)
{
	uint64_t t0 = counter();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	*ticks = counter() - t0;
	return 0;
}

static int op_fork_exit_wait(long n, uint64_t *ticks)
{
	uint64_t t0 = counter();
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return errno;
		if (pid == 0)
			_exit(0);
		int err = reap(pid);
		if (err)
			return err;
	}
	*ticks = counter() - t0;
	return 0;
}

static int op_fork_exec_wait(long n, uint64_t *ticks)
{
	char *const argv[] = { (char *)self_path, "--exit", NULL };
	char *const envp[] = { NULL };
	uint64_t t0 = counter();
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return errno;
		if (pid == 0) {
			execve(self_path, argv, envp);
			_exit(errno);
		}
		int err = reap(pid);
		if (err)
			return err;
	}
	*ticks = counter() - t0;
	return 0;
}

static int op_mmap_touch_munmap(long n, uint64_t *ticks)
{
	uint64_t t0 = counter();
	for (long i = 0; i < n; i++) {
		volatile char *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return errno;
		p[0] = 1;
		if (munmap((void *)p, PAGE_SIZE) < 0)
			return errno;
	}
	*ticks = counter() - t0;
	return 0;
}

/* One fresh anonymous page per iteration, all in a single mapping. */
static int op_page_fault(long n, uint64_t *ticks)
{
	size_t len = (size_t)n * PAGE_SIZE;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return errno;
	/* Ask for 4 KiB faults (Debian's Linux has transparent huge pages on
	 * "always", which would fault 2 MiB at a time). A kernel without THP
	 * may reject the advice: that changes nothing, so the result is ignored. */
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	uint64_t t0 = counter();
	for (long i = 0; i < n; i++)
		p[i * PAGE_SIZE] = 1;
	*ticks = counter() - t0;
	return munmap((void *)p, len) < 0 ? errno : 0;
}

static volatile long signals_seen;

static void on_sigusr1(int sig)
{
	(void)sig;
	signals_seen++;
}

/* kill() to ourselves: one syscall, one handler run, one sigreturn. */
static int op_signal_self(long n, uint64_t *ticks)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		return errno;
	pid_t self = getpid();
	signals_seen = 0;
	uint64_t t0 = counter();
	for (long i = 0; i < n; i++)
		if (kill(self, SIGUSR1) < 0)
			return errno;
	*ticks = counter() - t0;
	signal(SIGUSR1, SIG_DFL);
	return signals_seen == n ? 0 : EINTR; /* every signal must be handled */
}

static void *thread_nop(void *arg)
{
	return arg;
}

static int op_thread_create_join(long n, uint64_t *ticks)
{
	uint64_t t0 = counter();
	for (long i = 0; i < n; i++) {
		pthread_t t;
		int err = pthread_create(&t, NULL, thread_nop, NULL);
		if (err)
			return err;
		if ((err = pthread_join(t, NULL)))
			return err;
	}
	*ticks = counter() - t0;
	return 0;
}

/* futex_pingpong: `turn` says whose move it is (0 main thread, 1 partner). */
static volatile int turn;
static long pingpong_rounds;
static volatile int futex_err;

static long futex(volatile int *addr, int op, int val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

/* Wait until *addr != val; EAGAIN/EINTR just mean "look again". */
static int futex_wait_change(volatile int *addr, int val)
{
	while (__atomic_load_n(addr, __ATOMIC_ACQUIRE) == val)
		if (futex(addr, FUTEX_WAIT_PRIVATE, val) < 0 && errno != EAGAIN && errno != EINTR)
			return errno;
	return 0;
}

/* Hand the move to the other side and wake it. */
static int futex_pass(volatile int *addr, int val)
{
	__atomic_store_n(addr, val, __ATOMIC_RELEASE);
	return futex(addr, FUTEX_WAKE_PRIVATE, 1) < 0 ? errno : 0;
}

static void *futex_partner(void *arg)
{
	for (long i = 0; i < pingpong_rounds; i++) {
		int err = futex_wait_change(&turn, 0);
		if (!err)
			err = futex_pass(&turn, 0);
		if (err) {
			futex_err = err;
			break;
		}
	}
	return arg;
}

static int op_futex_pingpong(long n, uint64_t *ticks)
{
	pthread_t t;
	turn = 0;
	futex_err = 0;
	pingpong_rounds = n;
	int err = pthread_create(&t, NULL, futex_partner, NULL);
	if (err)
		return err;
	uint64_t t0 = counter();
	for (long i = 0; i < n && !err; i++) {
		err = futex_pass(&turn, 1);
		if (!err)
			err = futex_wait_change(&turn, 1);
	}
	*ticks = counter() - t0;
	if (err)
		return err; /* the partner is left blocked: nothing to join */
	pthread_join(t, NULL);
	return futex_err;
}

static int op_open_close(long n, uint64_t *ticks)
{
	uint64_t t0 = counter();
	for (long i = 0; i < n; i++) {
		int fd = open(self_path, O_RDONLY);
		if (fd < 0)
			return errno;
		close(fd);
	}
	*ticks = counter() - t0;
	return 0;
}

static int op_stat(long n, uint64_t *ticks)
{
	struct stat st;
	uint64_t t0 = counter();
	for (long i = 0; i < n; i++)
		if (stat(self_path, &st) < 0)
			return errno;
	*ticks = counter() - t0;
	return 0;
}

static int op_pread_1B(long n, uint64_t *ticks)
{
	char c;
	int fd = open(self_path, O_RDONLY);
	if (fd < 0)
		return errno;
	int err = 0;
	uint64_t t0 = counter();
	for (long i = 0; i < n && !err; i++)
		if (pread(fd, &c, 1, 0) != 1)
			err = errno ? errno : EIO;
	*ticks = counter() - t0;
	close(fd);
	return err;
}

static int op_write_1B_devnull(long n, uint64_t *ticks)
{
	char c = 0;
	int fd = open("/dev/null", O_WRONLY);
	if (fd < 0)
		return errno;
	int err = 0;
	uint64_t t0 = counter();
	for (long i = 0; i < n && !err; i++)
		if (write(fd, &c, 1) != 1)
			err = errno ? errno : EIO;
	*ticks = counter() - t0;
	close(fd);
	return err;
}

static int op_read_64KiB(long n, uint64_t *ticks)
{
	int err = make_big_file();
	if (err)
		return err;
	int fd = open(BIG_FILE, O_RDONLY);
	if (fd < 0)
		return errno;
	uint64_t t0 = counter();
	for (long i = 0; i < n && !err; i++)
		if (pread(fd, big_buf, BIG, 0) != BIG)
			err = errno ? errno : EIO;
	*ticks = counter() - t0;
	close(fd);
	unlink(BIG_FILE);
	return err;
}

static int op_file_create_unlink(long n, uint64_t *ticks)
{
	uint64_t t0 = counter();
	for (long i = 0; i < n; i++) {
		int fd = open(SCRATCH_FILE, O_CREAT | O_WRONLY | O_TRUNC, 0600);
		if (fd < 0)
			return errno;
		close(fd);
		if (unlink(SCRATCH_FILE) < 0)
			return errno;
	}
	*ticks = counter() - t0;
	return 0;
}

/* Child of pipe_pingpong: echo n bytes from in to out. */
static void pipe_echo(int in, int out, long n)
{
	char c;
	for (long i = 0; i < n; i++)
		if (read(in, &c, 1) != 1 || write(out, &c, 1) != 1)
			_exit(EPIPE);
	_exit(0);
}

static int op_pipe_pingpong(long n, uint64_t *ticks)
{
	int to_child[2], to_parent[2];
	if (pipe(to_child) < 0)
		return errno;
	if (pipe(to_parent) < 0)
		return errno;
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		pipe_echo(to_child[0], to_parent[1], n);
	}
	close(to_child[0]);
	close(to_parent[1]);
	int err = 0;
	char c = 'p';
	uint64_t t0 = counter();
	for (long i = 0; i < n && !err; i++) {
		err = xfer_all(to_child[1], &c, 1, 1);
		if (!err)
			err = xfer_all(to_parent[0], &c, 1, 0);
	}
	*ticks = counter() - t0;
	close(to_child[1]); /* lets a child stuck after an error see EOF */
	close(to_parent[0]);
	int child_err = reap(pid);
	return err ? err : child_err;
}

/* Child of pipe_64KiB: drain n * BIG bytes from in, then ack one byte on out. */
static void pipe_sink(int in, int out, long n)
{
	static char buf[BIG];
	for (long i = 0; i < n; i++)
		if (xfer_all(in, buf, BIG, 0))
			_exit(EPIPE);
	_exit(write(out, buf, 1) == 1 ? 0 : EPIPE);
}

/* The parent writes; timing ends at the child's ack, once all is consumed. */
static int op_pipe_64KiB(long n, uint64_t *ticks)
{
	int data[2], ack[2];
	if (pipe(data) < 0)
		return errno;
	if (pipe(ack) < 0)
		return errno;
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		close(data[1]);
		close(ack[0]);
		pipe_sink(data[0], ack[1], n);
	}
	close(data[0]);
	close(ack[1]);
	int err = 0;
	char c;
	uint64_t t0 = counter();
	for (long i = 0; i < n && !err; i++)
		err = xfer_all(data[1], big_buf, BIG, 1);
	if (!err)
		err = xfer_all(ack[0], &c, 1, 0);
	*ticks = counter() - t0;
	close(data[1]);
	close(ack[0]);
	int child_err = reap(pid);
	return err ? err : child_err;
}

/* ------------------------------------------------------------------------ */
/* The table: name, function, iterations (sized so that the whole run stays
 * around a second of guest time on Linux).                                 */

static const struct op {
	const char *name;
	int (*fn)(long n, uint64_t *ticks);
	long iters;
} ops[] = {
	{ "null_syscall",       op_null_syscall,       100000 },
	{ "fork_exit_wait",     op_fork_exit_wait,     500 },
	{ "fork_exec_wait",     op_fork_exec_wait,     300 },
	{ "mmap_touch_munmap",  op_mmap_touch_munmap,  10000 },
	{ "page_fault",         op_page_fault,         4096 },
	{ "signal_self",        op_signal_self,        20000 },
	{ "thread_create_join", op_thread_create_join, 1000 },
	{ "futex_pingpong",     op_futex_pingpong,     10000 },
	{ "open_close",         op_open_close,         20000 },
	{ "stat",               op_stat,               20000 },
	{ "pread_1B",           op_pread_1B,           50000 },
	{ "write_1B_devnull",   op_write_1B_devnull,   50000 },
	{ "read_64KiB",         op_read_64KiB,         2000 },
	{ "pipe_pingpong",      op_pipe_pingpong,      10000 },
	{ "pipe_64KiB",         op_pipe_64KiB,         1000 },
	{ "file_create_unlink", op_file_create_unlink, 10000 },
};
#define NOPS (sizeof ops / sizeof ops[0])

static void run_op(const struct op *op, double freq)
{
	uint64_t ticks = 0;
	errno = 0;
	int err = op->fn(op->iters, &ticks);
	if (err) {
		printf("BENCH op=%s error=%s\n", op->name, errno_name(err));
		return;
	}
	double insns = (double)ticks * 1e9 / freq / (double)op->iters;
	printf("BENCH op=%s iters=%ld insns=%.1f\n", op->name, op->iters, insns);
}

static const struct op *find_op(const char *name)
{
	for (size_t i = 0; i < NOPS; i++)
		if (strcmp(ops[i].name, name) == 0)
			return &ops[i];
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Running as init                                                           */

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Make sure fds 0-2 exist: without /dev/console in the initramfs they don't. */
static void ensure_console(void)
{
	if (fcntl(1, F_GETFD) >= 0)
		return;
	int fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* Mount tmpfs on /tmp and provide /dev/null. Failures show up later as op errors. */
static void init_mounts(void)
{
	mkdir(TMP_DIR, 0777);
	mount("tmpfs", TMP_DIR, "tmpfs", 0, "mode=1777");
	if (access("/dev/null", F_OK) == 0)
		return;
	if (!is_dir("/dev"))
		mkdir("/dev", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, "") != 0 || access("/dev/null", F_OK) != 0)
		mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3));
}

static void power_off(void)
{
	printf("BENCH done\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	for (;;) /* pid 1 must never exit */
		pause();
}

/* ------------------------------------------------------------------------ */

/* As init: guest instructions from reset to here, and the memory the system uses once booted. */
static void report_boot(uint64_t ticks, double freq)
{
	printf("BENCH op=boot_to_init iters=1 insns=%.1f\n", (double)ticks * 1e9 / freq);
	struct sysinfo si;
	if (sysinfo(&si) == 0)
		printf("BENCH op=mem_used_at_init iters=1 insns=%.0f unit=KiB\n",
		       (double)(si.totalram - si.freeram) * si.mem_unit / 1024.0);
}

int main(int argc, char **argv)
{
	uint64_t boot_ticks = counter();
	if (argc > 1 && strcmp(argv[1], "--exit") == 0)
		return 0;
	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < NOPS; i++)
			puts(ops[i].name);
		return 0;
	}
	if (argv[0] && strchr(argv[0], '/'))
		self_path = argv[0];

	int init = getpid() == 1;
	if (init) {
		init_mounts();
		ensure_console();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	double freq = (double)counter_freq();
	printf("BENCH info cntfrq=%.0f self=%s\n", freq, self_path);
	if (init)
		report_boot(boot_ticks, freq);
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			const struct op *op = find_op(argv[i]);
			if (op)
				run_op(op, freq);
			else
				printf("BENCH op=%s error=EINVAL\n", argv[i]);
		}
	} else {
		for (size_t i = 0; i < NOPS; i++)
			run_op(&ops[i], freq);
	}

	if (init)
		power_off();
	return 0;
}
