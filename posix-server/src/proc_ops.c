/* Processes and threads: creation, fork, clone, execve, exit, wait4 and kill. */
#include "posix.h"

extern proc_t *current_caller;  /* the thread whose syscall is being served (posix_ipc.c) */
static uint64_t fault_caps[MAX_PROCS];
static int next_pid = 1;

/* A free table entry with its thread object (kept across reuse: nothing is lost), running on mm. */
static proc_t *entry_new(mm_t *mm)
{
    proc_t *p = 0;
    for (int i = 0; i < MAX_PROCS && !p; i++)
        if (procs[i].state == P_FREE) p = &procs[i];
    if (!p) return 0;
    int idx = (int)(p - procs);
    uint64_t reply = p->reply, cnode = p->cnode, tcb = p->tcb;
    memset(p, 0, sizeof(*p));
    if (!tcb) {
        cnode = obj_new(PSN_OBJ_CNODE, 1);
        tcb = obj_new(PSN_OBJ_TCB, 0);
        reply = slot_alloc();
        fault_caps[idx] = slot_alloc();
        psn_cnode_mint(PSN_CAP_CNODE, fault_caps[idx], server_ep, PSN_RIGHT_W, (uint64_t)idx); /* badge: index */
    }
    p->cnode = cnode;
    p->tcb = tcb;
    p->reply = reply;
    p->pid = next_pid++;
    p->mm = mm;
    psn_tcb_configure(p->tcb, p->cnode, mm->vspace, fault_caps[idx], 100);
    p->state = P_RUN;
    return p;
}

proc_t *proc_new(int ppid)
{
    mm_t *mm = mm_new();
    proc_t *p = entry_new(mm);
    if (!p) { mm_put(mm); return 0; }
    p->grp = p;
    p->tgid = p->pid;
    p->ppid = ppid;
    ident_init(p, ppid ? proc_by_pid(ppid) : 0);
    return p;
}

void proc_reply(proc_t *p, long value) { psn_send_word(p->reply, (uint64_t)value); }

/* A page of the server's through which the kernel passes a thread's registers in one call. */
static uint64_t *regs_page, regs_slot;
static void regs_page_init(void) { if (!regs_page) regs_page = page_new(&regs_slot); }

#define REGS_FPU_OFF 512  /* where the kernel puts the FP/SIMD state in the page */

/* A thread's registers x0..tpidr (PSN_REG_* order), and its FP/SIMD state into regs_fpu(): one
 * kernel call. */
void regs_read_all(proc_t *p, uint64_t r[PSN_NUM_REGS])
{
    regs_page_init();
    PSN_INVOKE(p->tcb, PSN_M_TCB_REGS_TO_FRAME, regs_slot, 0, PSN_REGS_FPU);
    memcpy(r, regs_page, 8 * PSN_NUM_REGS);
}

uint8_t *regs_fpu(void) { regs_page_init(); return (uint8_t *)regs_page + REGS_FPU_OFF; }

/* Write registers first..first+n-1 of a thread from r[first..], and its FP/SIMD state from fpu
 * (fpsimd_context's body) unless that is 0: one kernel call. */
void regs_write_fpu(proc_t *p, int first, int n, const uint64_t *r, const uint8_t *fpu)
{
    regs_page_init();
    memcpy(&regs_page[first], &r[first], 8 * (uint64_t)n);
    if (fpu && fpu != regs_fpu()) memcpy(regs_fpu(), fpu, FPSIMD_BODY);
    PSN_INVOKE(p->tcb, PSN_M_TCB_REGS_FROM_FRAME, regs_slot, 0, (uint64_t)first, (uint64_t)n, fpu ? PSN_REGS_FPU : 0);
}

void regs_write_range(proc_t *p, int first, int n, const uint64_t *r) { regs_write_fpu(p, first, n, r, 0); }

static void regs_copy(proc_t *from, proc_t *to, uint64_t x0, uint64_t sp, int set_tls, uint64_t tls)
{
    uint64_t regs[PSN_NUM_REGS];
    regs_read_all(from, regs);
    regs[0] = x0;
    if (sp) regs[PSN_REG_SP] = sp;
    if (set_tls) regs[PSN_REG_TPIDR] = tls;
    regs_write_fpu(to, 0, PSN_NUM_REGS, regs, regs_fpu());  /* the FP/SIMD registers are inherited too */
}

/* fork, and clone without CLONE_THREAD: a new process with a copy-on-write copy of the memory. */
static long fork_with_stack(proc_t *p, uint64_t sp)
{
    proc_t *c = proc_new(p->tgid);
    if (!c) return -EAGAIN;
    if (mm_fork(p, c)) { group_exit(c, 9); c->state = P_FREE; return -ENOMEM; }
    regs_copy(p, c, 0, sp, 0, 0);
    memcpy(c->sigactions, p->grp->sigactions, sizeof(c->sigactions));
    memcpy(c->altstack, p->altstack, sizeof(c->altstack));
    c->sigmask = p->sigmask;
    memcpy(c->comm, p->grp->comm, sizeof(c->comm));
    fd_fork(p, c);
    psn_tcb_resume(c->tcb);
    return c->pid;
}

long proc_fork(proc_t *p) { return fork_with_stack(p, 0); }

#define CLONE_VM 0x100
#define CLONE_SIGHAND 0x800
#define CLONE_THREAD 0x10000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000

/* clone(flags, stack, parent_tid, tls, child_tid) */
long proc_clone(proc_t *p, uint64_t a[6])
{
    uint64_t flags = a[0];
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND)) return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) return -EINVAL;
    if (!(flags & CLONE_THREAD)) {
        /* vfork and posix_spawn (CLONE_VM without CLONE_THREAD) are served as fork: the child only
         * runs until it calls execve or _exit, so a copy behaves the same. */
        long pid = fork_with_stack(p, a[1]);
        if (pid > 0 && (flags & CLONE_PARENT_SETTID)) copy_out(p, a[2], &pid, 4);
        return pid;
    }
    proc_t *t = entry_new(p->mm);
    if (!t) return -EAGAIN;
    p->mm->users++;
    t->grp = p->grp;
    t->tgid = p->tgid;
    t->sigmask = p->sigmask;
    memcpy(t->comm, p->comm, sizeof(t->comm));
    int tid = t->pid;
    if ((flags & CLONE_PARENT_SETTID) && copy_out(p, a[2], &tid, 4)) { thread_exit(t, 0); return -EFAULT; }
    if (flags & CLONE_CHILD_SETTID) copy_out(t, a[4], &tid, 4);
    if (flags & CLONE_CHILD_CLEARTID) t->clear_tid = a[4];
    regs_copy(p, t, 0, a[1], (flags & CLONE_SETTLS) != 0, a[3]);
    psn_tcb_resume(t->tcb);
    return tid;
}

/* Copy a NULL-terminated array of strings from the process into buf; fills vec. */
static long copy_strv(proc_t *p, uint64_t uv, char **vec, int max, char *buf, uint64_t *room)
{
    int n = 0;
    for (; uv; n++) {
        uint64_t s;
        if (n >= max) return -E2BIG;
        if (copy_in(p, &s, uv + 8 * (uint64_t)n, 8)) return -EFAULT;
        if (!s) break;
        long len = copy_in_str(p, buf, s, *room);
        if (len < 0) return len == -ENAMETOOLONG ? -E2BIG : len;
        vec[n] = buf;
        buf += len + 1;
        *room -= (uint64_t)len + 1;
    }
    vec[n] = 0;
    return 0;
}

static int live(proc_t *t)
{
    return t->state != P_FREE && t->state != P_DEAD && t->state != P_ZOMBIE;
}

/*
 * The program at path, from the process's view of the namespace: an ELF from the boot image, or a
 * "#!" script, for which path and argv become the interpreter's (up to 4 levels).
 */
long exec_resolve(proc_t *p, char *path, char **argv, vnode_t **elf)
{
    static char interp[3][256], iarg[3][256];
    for (int depth = 0;; depth++) {
        vnode_t *n;
        long r = vfs_lookup(p->grp->cwd ? p->grp->cwd : vfs_root(), path, 1, &n);
        if (r) return r;
        if ((n->mode & S_IFMT) != S_IFREG || vfs_permission(n, MAY_EXEC)) return -EACCES;
        if (vfs_mounts[vfs_lookup_mnt].flags & MNT_NOEXEC) return -EACCES;
        uint8_t head[256];
        long got = vnode_read(n, head, sizeof(head) - 1, 0);
        if (got >= 2 && head[0] == '#' && head[1] == '!') {
            if (depth >= 3) return -ELOOP_;
            head[got] = 0;
            char *s = (char *)head + 2, *e;
            while (*s == ' ' || *s == '\t') s++;
            for (e = s; *e && *e != ' ' && *e != '\t' && *e != '\n'; e++) {}
            if (e == s) return -ENOEXEC;
            char *a = e;
            while (*a == ' ' || *a == '\t') a++;
            char *ae = a;
            while (*ae && *ae != '\n') ae++;
            while (ae > a && (ae[-1] == ' ' || ae[-1] == '\t')) ae--;
            memcpy(interp[depth], s, (uint64_t)(e - s)); interp[depth][e - s] = 0;
            memcpy(iarg[depth], a, (uint64_t)(ae - a)); iarg[depth][ae - a] = 0;
            /* argv: interpreter [arg] path argv[1..] */
            int n_old = 0;
            while (argv[n_old]) n_old++;
            int extra = iarg[depth][0] ? 2 : 1;
            if (n_old + extra >= EXEC_MAX_ARGS) return -E2BIG;
            for (int i = n_old; i >= 1; i--) argv[i + extra] = argv[i];
            argv[0] = interp[depth];
            if (extra == 2) argv[1] = iarg[depth];
            static char saved[3][VFS_PATH_MAX];
            memcpy(saved[depth], path, strlen(path) + 1);
            argv[extra] = saved[depth];
            memcpy(path, interp[depth], strlen(interp[depth]) + 1);
            continue;
        }
        if ((r = exec_check(n))) return r;
        *elf = n;
        return 0;
    }
}

long proc_execve(proc_t *p, uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
    static char path[VFS_PATH_MAX], strings[EXEC_MAX_STRINGS];
    static char *argv[EXEC_MAX_ARGS + 1], *envp[EXEC_MAX_ARGS + 1];
    long r = copy_in_str(p, path, upath, sizeof(path));
    if (r < 0) return r;
    void procfs_refresh(proc_t *caller, const char *path);
    if (!memcmp(path, "/proc/", 6)) procfs_refresh(p, path);  /* /proc/self/exe */
    uint64_t room = sizeof(strings);
    if ((r = copy_strv(p, uargv, argv, EXEC_MAX_ARGS - 4, strings, &room))) return r;  /* room for #! */
    if ((r = copy_strv(p, uenvp, envp, EXEC_MAX_ARGS, strings + sizeof(strings) - room, &room))) return r;
    vnode_t *elf;
    static char name[VFS_PATH_MAX];  /* a script's own name, not its interpreter's, names the process */
    memcpy(name, path, strlen(path) + 1);
    fd_set_cred(p);  /* search and execute permission as the caller */
    r = exec_resolve(p, path, argv, &elf);
    vfs_cred = 0;
    if (r) return r;
    /* the other threads of the process end; the new image runs in this one */
    for (int i = 0; i < MAX_PROCS; i++)
        if (&procs[i] != p && procs[i].grp == p->grp && live(&procs[i])) thread_exit(&procs[i], 0);
    r = exec_image(p, elf, name, argv, envp);
    if (r == 0) {
        /* handled signals go back to their default action once the new image is in place */
        for (int i = 0; i < 64; i++)
            if (p->grp->sigactions[i][0] > 1) memset(p->grp->sigactions[i], 0, sizeof(p->grp->sigactions[i]));
        p->altstack[0] = p->altstack[1] = p->altstack[2] = 0;
        p->clear_tid = 0;
        timers_exec(p->grp);
        if (p->grp != p) memcpy(p->grp->comm, p->comm, sizeof(p->comm));
        fd_exec(p);
    }
    return r;
}

/* Which children a wait selects: P_ALL (0), P_PID (1) or P_PGID (2) with an id. */
static int wait_match(proc_t *c, int idtype, int64_t id)
{
    return idtype == 0 || (idtype == 1 && c->pid == id) || (idtype == 2 && c->pgid == id);
}

#define WNOHANG 1
#define WEXITED 4
#define WNOWAIT 0x1000000

/*
 * Reap a zombie child that the selector matches, or wait for one. status (wait4) receives the
 * Linux wait status; info (waitid) a siginfo. Returns the pid, 0 (WNOHANG), -ECHILD, or NO_REPLY.
 */
static long do_wait(proc_t *p, int idtype, int64_t id, uint64_t status, uint64_t info, uint64_t opts, uint64_t ru)
{
    int children = 0;
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *c = &procs[i];
        if (c->state == P_FREE || c->grp != c || c->ppid != p->tgid || !wait_match(c, idtype, id)) continue;
        children++;
        int report = c->state == P_ZOMBIE ? 1 : (opts & 2) && c->report_stop ? 2 : (opts & 8) && c->report_cont ? 3 : 0;
        if (!report) continue;
        if (report > 1) {
            int st = report == 2 ? (c->stop_sig << 8) | 0x7f : 0xffff, cpid = c->pid;
            if (status && copy_out(p, status, &st, 4)) return -EFAULT;
            if (ru) {
                uint64_t r[18];
                acct_child_rusage(c, r);
                if (copy_out(p, ru, r, sizeof(r))) return -EFAULT;
            }
            if (info) {
                int32_t si[32] = { 17, 0, report == 2 ? 5 : 6, 0, cpid, (int32_t)c->uid, report == 2 ? c->stop_sig : 18 };
                if (copy_out(p, info, si, 128)) return -EFAULT;
            }
            if (!(info && (opts & WNOWAIT))) { if (report == 2) c->report_stop = 0; else c->report_cont = 0; }
            return info ? 0 : cpid;
        }
        int st = c->exit_code, cpid = c->pid;
        if (status && copy_out(p, status, &st, 4)) return -EFAULT;
        if (ru) {
            uint64_t r[18];
            acct_child_rusage(c, r);
            if (copy_out(p, ru, r, sizeof(r))) return -EFAULT;
        }
        if (info) {
            int32_t si[32] = { 17, 0, (st & 0x7f) ? 2 : 1, 0, cpid, (int32_t)c->uid, (st & 0x7f) ? (st & 0x7f) : (st >> 8) & 0xff };
            if (copy_out(p, info, si, 128)) return -EFAULT;
        }
        if (!(info && (opts & WNOWAIT))) { acct_reaped(p, c); c->state = P_FREE; }
        return info ? 0 : cpid;
    }
    if (!children) return -ECHILD;
    if (opts & WNOHANG) {
        int32_t zero[32] = { 0 };
        if (info && copy_out(p, info, zero, 128)) return -EFAULT;
        return 0;
    }
    p->state = P_WAIT;
    p->wait_pid = idtype;
    p->wait_set = (uint64_t)id;
    p->wait_status = status;
    p->wait_info = info;
    p->wait_ru = ru;
    p->wait_opts = opts;
    return SYSCALL_NO_REPLY;
}

long proc_wait4(proc_t *p, int64_t pid, uint64_t status, uint64_t opts, uint64_t ru)
{
    if (opts & ~(1UL | 2UL | 8UL | 0x20000000UL | 0x40000000UL | 0x80000000UL)) return -EINVAL;
    if (pid == -1) return do_wait(p, 0, 0, status, 0, opts, ru);
    if (pid > 0) return do_wait(p, 1, pid, status, 0, opts, ru);
    return do_wait(p, 2, pid == 0 ? p->grp->pgid : -pid, status, 0, opts, ru);
}

long proc_waitid(proc_t *p, uint64_t idtype, uint64_t id, uint64_t info, uint64_t opts, uint64_t ru)
{
    if (idtype > 2 || !(opts & WEXITED) || (opts & ~(WNOHANG | 2UL | WEXITED | 8UL | WNOWAIT | 0x20000000UL | 0x40000000UL | 0x80000000UL)))
        return -EINVAL;
    if (!info) return -EFAULT;
    return do_wait(p, (int)idtype, (int64_t)(int)id, 0, info, opts, ru);
}

/* A child process became a zombie: answer a thread of its parent that waits for it. */
static void child_exited(proc_t *c)
{
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *w = &procs[i];
        if (w->state != P_WAIT || w->tgid != c->ppid || !wait_match(c, w->wait_pid, (int64_t)w->wait_set)) continue;
        w->state = P_RUN;
        long r = do_wait(w, w->wait_pid, (int64_t)w->wait_set, w->wait_status, w->wait_info, w->wait_opts, w->wait_ru);
        if (r == SYSCALL_NO_REPLY) continue;  /* nothing it waits for (a stop it did not ask about) */
        proc_reply(w, r);
        return;
    }
}

/* Tear one thread down: its thread object stops, CLONE_CHILD_CLEARTID is honoured. */
static void thread_teardown(proc_t *t)
{
    if (t->wake_at) { sleepers--; t->wake_at = 0; }
    fd_wait_cancel(t, 0);
    sig_flush_thread(t);
    psn_tcb_suspend(t->tcb);
    acct_thread_end(t);
    psn_cnode_delete(PSN_CAP_CNODE, t->reply);  /* an unanswered call of a waiting thread */
    if (t->clear_tid) {
        int zero = 0;
        if (!copy_out(t, t->clear_tid, &zero, 4)) {
            uint64_t a[6] = { t->clear_tid, 1 | 128, 1 };
            futex_op(t, a);
        }
    }
    t->state = t->grp == t ? P_DEAD : P_FREE;
    mm_put(t->mm);
    t->mm = 0;
}

/* The last thread of g's process is gone: the process is a zombie for its parent. */
static void process_finish(proc_t *g, int code)
{
    timers_exit(g);
    sig_flush_process(g);
    fd_exit(g);
    tty_session_exit(g);
    g->exit_code = code;
    g->state = P_ZOMBIE;
    if (g->pid == 1) {
        if (code & 0x7f) printf("persona: init killed by signal %d\n", code & 0x7f);
        else printf("persona: init exited with status %d\n", code >> 8);
        psn_halt();
    }
    static int linked[MAX_PROCS];  /* groups of its children that it linked to its session */
    int nlinked = 0;
    for (int i = 0; i < MAX_PROCS; i++) {  /* orphans go to init, which reaps them */
        proc_t *c = &procs[i];
        if (c->state == P_FREE || c->grp != c || c->ppid != g->tgid) continue;
        c->ppid = 1;
        if (c->state == P_ZOMBIE) child_exited(c);
        else if (c->pgid != g->pgid && c->sid == g->sid) linked[nlinked++] = c->pgid;
    }
    for (int i = 0; i < nlinked; i++) orphan_check(linked[i]);
    proc_t *gp = proc_by_pid(g->ppid);
    if (gp && gp->grp->pgid != g->pgid && gp->grp->sid == g->sid) orphan_check(g->pgid);
    child_exited(g);
    proc_t *parent = proc_by_pid(g->ppid);
    if (parent) sig_send(parent, 17, 0, g->pid);  /* SIGCHLD */
}

void thread_exit(proc_t *t, int code)
{
    proc_t *g = t->grp;
    thread_teardown(t);
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].grp == g && live(&procs[i])) {  /* others still run; they take what it left */
            if (t == current_caller && g->shared.set) sig_retarget(g);
            return;
        }
    process_finish(g, code);
}

void group_exit(proc_t *p, int code)
{
    proc_t *g = p->grp;
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].grp == g && live(&procs[i])) thread_teardown(&procs[i]);
    process_finish(g, code);
}

void proc_exit(proc_t *p, int code) { group_exit(p, code); }

/* Stop every thread of g's process. A thread waiting in the server gives up its wait and will make
 * the call again when continued (the kernel moves its pc back to the svc); the thread whose call is
 * being served now is answered only when the process continues. */
void proc_stop(proc_t *g, int sig)
{
    g = g->grp;
    if (g->stopped || g->state == P_ZOMBIE) return;
    g->stopped = 1;
    g->stop_sig = sig;
    g->report_stop = 1;
    g->report_cont = 0;
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *t = &procs[i];
        if (t->grp != g || !live(t) || t == current_caller) continue;
        if (t->state != P_RUN) {
            if (t->wake_at) { sleepers--; t->wake_at = 0; }
            psn_cnode_delete(PSN_CAP_CNODE, t->reply);
            t->state = P_RUN;
        }
        psn_tcb_suspend(t->tcb);
    }
    child_exited(g);
    proc_t *parent = proc_by_pid(g->ppid);
    if (parent && !(parent->grp->sigactions[16][1] & 1)) sig_send(parent, 17, 0, g->pid); /* SIGCHLD unless SA_NOCLDSTOP */
}

void proc_continue(proc_t *g)
{
    g = g->grp;
    if (!g->stopped) return;
    g->stopped = 0;
    g->report_stop = 0;
    g->report_cont = 1;
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *t = &procs[i];
        if (t->grp != g || !live(t)) continue;
        if (t->stop_reply) {
            t->stop_reply = 0;
            if (t->stop_result == -ERESTARTSYS) sig_restart(t); else proc_reply(t, t->stop_result);
        }
        else if (t != current_caller) psn_tcb_resume(t->tcb);
    }
    child_exited(g);
    proc_t *parent = proc_by_pid(g->ppid);
    if (parent && !(parent->grp->sigactions[16][1] & 1)) sig_send(parent, 17, 0, g->pid);
}

static int live_or_dead_leader(proc_t *g) { return g->state != P_FREE && g->state != P_ZOMBIE; }

/* The thread that takes a signal sent to p's process: one that does not block it, else the leader. */
proc_t *signal_target(proc_t *g, int sig)
{
    if (live(g) && !(g->sigmask & (1UL << (sig - 1)))) return g;
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].grp == g && live(&procs[i]) && !(procs[i].sigmask & (1UL << (sig - 1)))) return &procs[i];
    if (live(g)) return g;
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].grp == g && live(&procs[i])) return &procs[i];
    return 0;
}

long proc_kill(proc_t *p, int64_t pid, uint64_t sig)
{
    sig_info_t si = { .code = SI_USER, .a = p->tgid, .b = (int32_t)p->grp->uid };  /* as Linux's kill */
    if (sig > 64) return -EINVAL;
    if (pid <= 0) {
        /* 0: the caller's process group; -1: every process but init and the caller; < -1: group -pid */
        int pg = pid == 0 ? p->grp->pgid : (int)-pid, found = 0;
        for (int i = 0; i < MAX_PROCS; i++) {
            proc_t *g = &procs[i];
            if (g->grp != g || !live_or_dead_leader(g)) continue;
            if (pid == -1 ? (g->pid == 1 || g == p->grp) : g->pgid != pg) continue;
            found = 1;
            if (sig) sig_send_group(g, (int)sig, &si);
        }
        if (!found) return -ESRCH;
        return !live(p) ? SYSCALL_NO_REPLY : 0;
    }
    proc_t *g = proc_by_pid((int)pid);
    if (!g || g->grp != g || g->state == P_ZOMBIE || g->state == P_FREE) return -ESRCH;
    if (sig == 0) return 0;
    sig_send_group(g, (int)sig, &si);
    return !live(p) ? SYSCALL_NO_REPLY : 0;
}

long proc_tgkill(proc_t *p, int64_t tgid, int64_t tid, uint64_t sig)
{
    if (sig > 64 || tid <= 0) return -EINVAL;
    proc_t *t = proc_by_pid((int)tid);
    if (!t || !live(t) || (tgid > 0 && t->tgid != tgid)) return -ESRCH;
    if (sig == 0) return 0;
    sig_info_t si = { .code = SI_TKILL, .a = p->tgid, .b = (int32_t)p->grp->uid };
    int r = sig_send_info(t, (int)sig, &si);  /* -EAGAIN: a real-time signal found the queue full */
    if (!live(p)) return SYSCALL_NO_REPLY;
    return r < 0 ? r : 0;
}
