/* Processes: creation, fork, execve, exit, wait4 and the default action of kill. */
#include "posix.h"

static uint64_t fault_caps[MAX_PROCS];
static int next_pid = 1;

/* A process with a fresh thread, address space and fault endpoint; state P_RUN but not started. */
proc_t *proc_new(int ppid)
{
    proc_t *p = 0;
    for (int i = 0; i < MAX_PROCS && !p; i++)
        if (procs[i].state == P_FREE) p = &procs[i];
    if (!p) return 0;
    int idx = (int)(p - procs);
    uint64_t reply = p->reply, vspace = p->vspace, cnode = p->cnode, tcb = p->tcb;
    memset(p, 0, sizeof(*p));
    p->pid = next_pid++;
    p->ppid = ppid;
    /* Slots and kernel objects of a previous process in this entry are reused: nothing is lost. */
    if (!vspace) {
        vspace = obj_new(PSN_OBJ_VSPACE, 0);
        psn_vspace_set_pool(vspace, obj_new(PSN_OBJ_UNTYPED, 18));
        cnode = obj_new(PSN_OBJ_CNODE, 1);
        tcb = obj_new(PSN_OBJ_TCB, 0);
        reply = slot_alloc();
        fault_caps[idx] = slot_alloc();
        psn_cnode_mint(PSN_CAP_CNODE, fault_caps[idx], server_ep, PSN_RIGHT_W, (uint64_t)idx); /* badge: index */
    }
    p->vspace = vspace;
    p->cnode = cnode;
    p->tcb = tcb;
    p->reply = reply;
    psn_tcb_configure(p->tcb, p->cnode, p->vspace, fault_caps[idx], 100);
    p->state = P_RUN;
    return p;
}

void proc_reply(proc_t *p, long value)
{
    psn_msg_t m = { 0 };
    m.mr[0] = (uint64_t)value;
    m.info = psn_info(0, 1);
    psn_send(p->reply, &m);
}

long proc_fork(proc_t *p)
{
    proc_t *c = proc_new(p->pid);
    if (!c) return -EAGAIN;
    if (mm_fork(p, c)) { mm_destroy(c); c->state = P_FREE; return -ENOMEM; }
    uint64_t regs[PSN_NUM_REGS];
    for (int i = 0; i < PSN_NUM_REGS; i += 12) {
        int n = PSN_NUM_REGS - i < 12 ? PSN_NUM_REGS - i : 12;
        psn_tcb_read_regs(p->tcb, (uint64_t)i, (uint64_t)n, &regs[i]);
    }
    regs[0] = 0; /* fork returns 0 in the child */
    for (int i = 0; i < PSN_NUM_REGS; i += 12) {
        int n = PSN_NUM_REGS - i < 12 ? PSN_NUM_REGS - i : 12;
        uint64_t a[14] = { (uint64_t)i, (uint64_t)n };
        memcpy(&a[2], &regs[i], 8 * (uint64_t)n);
        psn_invoke(c->tcb, PSN_M_TCB_WRITE_REGS, 2 + n, a, 0);
    }
    memcpy(c->sigactions, p->sigactions, sizeof(p->sigactions));
    c->sigmask = p->sigmask;
    memcpy(c->comm, p->comm, sizeof(c->comm));
    psn_tcb_resume(c->tcb);
    return c->pid;
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

long proc_execve(proc_t *p, uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
    static char path[256], strings[16384];
    static char *argv[65], *envp[65];
    long r = copy_in_str(p, path, upath, sizeof(path));
    if (r < 0) return r;
    /* (handled signals go back to their default action once the new image is in place) */
    uint64_t room = sizeof(strings);
    if ((r = copy_strv(p, uargv, argv, 64, strings, &room))) return r;
    if ((r = copy_strv(p, uenvp, envp, 64, strings + sizeof(strings) - room, &room))) return r;
    uint64_t size;
    const uint8_t *elf = initrd_find(path, &size);
    if (!elf) return -ENOENT;
    r = exec_image(p, elf, size, path, argv, envp);
    if (r == 0) {
        for (int i = 0; i < 64; i++)
            if (p->sigactions[i][0] > 1) memset(p->sigactions[i], 0, sizeof(p->sigactions[i]));
        p->altstack[0] = p->altstack[1] = p->altstack[2] = 0;
    }
    return r;
}

static void free_zombie(proc_t *z)
{
    z->state = P_FREE;
}

/* Wait status of a zombie (Linux layout: code << 8, or the signal number). */
long proc_wait4(proc_t *p, int64_t pid, uint64_t status, uint64_t opts)
{
    if (opts & ~(1UL | 2UL | 8UL | 0x40000000UL | 0x80000000UL)) return -EINVAL;
    int children = 0;
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *c = &procs[i];
        if (c->state == P_FREE || c->ppid != p->pid) continue;
        if (pid > 0 && c->pid != pid) continue;
        if (pid < -1 || pid == 0) { /* process groups come with the tty */ }
        children++;
        if (c->state == P_ZOMBIE) {
            int st = c->exit_code;
            if (status && copy_out(p, status, &st, 4)) return -EFAULT;
            int cpid = c->pid;
            free_zombie(c);
            return cpid;
        }
    }
    if (!children) return -ECHILD;
    if (opts & 1) return 0; /* WNOHANG */
    p->state = P_WAIT;
    p->wait_pid = (int)pid;
    p->wait_status = status;
    p->wait_opts = opts;
    return SYSCALL_NO_REPLY;
}

/* A child became a zombie: answer its parent if that parent waits for it. */
void proc_child_exited(proc_t *c)
{
    proc_t *parent = proc_by_pid(c->ppid);
    if (!parent || parent->state != P_WAIT) return;
    if (parent->wait_pid > 0 && parent->wait_pid != c->pid) return;
    parent->state = P_RUN;
    long r = proc_wait4(parent, parent->wait_pid, parent->wait_status, parent->wait_opts);
    proc_reply(parent, r);
}

/* Orphans go to init; init reaps them like any child. */
void proc_reparent(proc_t *dead)
{
    for (int i = 0; i < MAX_PROCS; i++) {
        proc_t *c = &procs[i];
        if (c->state == P_FREE || c->ppid != dead->pid) continue;
        c->ppid = 1;
        if (c->state == P_ZOMBIE) proc_child_exited(c);
    }
}

long proc_kill(proc_t *p, int64_t pid, uint64_t sig)
{
    if (sig > 64) return -EINVAL;
    if (pid <= 0) return -ENOSYS; /* process groups and broadcast come with the tty */
    proc_t *t = proc_by_pid((int)pid);
    if (!t || t->state == P_ZOMBIE) return -ESRCH;
    if (sig == 0) return 0;
    sig_send(t, (int)sig, 0, p->pid);
    return t == p && t->state == P_ZOMBIE ? SYSCALL_NO_REPLY : 0;
}
