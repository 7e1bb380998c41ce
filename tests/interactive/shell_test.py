#!/usr/bin/env python3
"""Interactive tests of the BusyBox shell on Persona, through the serial console (pexpect).

usage: shell_test.py KERNEL_IMG ROOTFS_CPIO
Boots `qemu-system-aarch64 -nographic` and talks to the console like a person at a terminal.
Prints "ok - ..." / "not ok - ..." per check and "shell: N passed, M failed".
"""
import sys
import time
import pexpect

img, cpio = sys.argv[1], sys.argv[2]
PROMPT = r'persona:[^#\r\n]*# '
passed = failed = 0


def check(ok, name, detail=''):
    global passed, failed
    if ok:
        passed += 1
        print(f'ok - {name}')
    else:
        failed += 1
        print(f'not ok - {name} {detail}')


def type_line(text):
    """Type like a person: a character at a time. (QEMU's -nographic console multiplexer holds at most
    32 characters that the guest has not taken yet, and through a pty it may stop reading after that.)"""
    for ch in text:
        child.send(ch)
        time.sleep(0.004)
    child.send('\r')


def run(cmd, expect, name, timeout=20):
    """Type cmd, wait for the pattern, then for the prompt."""
    try:
        type_line(cmd)
        child.expect(expect, timeout=timeout)
        child.expect(PROMPT, timeout=timeout)
        check(True, name)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        check(False, name, f'({type(e).__name__}; last output: {child.before[-200:]!r})')


child = pexpect.spawn('qemu-system-aarch64', ['-M', 'virt', '-cpu', 'cortex-a72', '-m', '1024', '-nographic',
                      '-no-reboot', '-nic', 'none', '-kernel', img, '-initrd', cpio, '-append', 'init=/init'],
                      encoding='utf-8', codec_errors='replace', timeout=60)
child.logfile_read = open('build/test/shell.log', 'w')
try:
    child.expect(PROMPT, timeout=60)
    check(True, 'the shell prompt appears')
except (pexpect.TIMEOUT, pexpect.EOF):
    check(False, 'the shell prompt appears')
    print(f'shell: {passed} passed, {failed + 1} failed')
    sys.exit(1)

run('echo hello $((6*7))', r'hello 42', 'echo and arithmetic')
run('/opt/extra/greet.sh you', r'greetings from EXTRA_ROOT, you', 'a script brought in with EXTRA_ROOT runs')
run('extra-hello x y', r'extra program says 3 args, first x', 'a program brought in with EXTRA_ROOT runs from PATH')
run('printf "b\\na\\nc\\n" | sort | tr a-z A-Z | head -n 2 | wc -l', r'[\r\n]+2[\r\n]+', 'a pipeline of five programs')
run('mkdir -p /tmp/d && cd /tmp/d && echo data > f && cat f && pwd', r'data[\r\n]+/tmp/d', 'files, cd and pwd')
run('cat <<EOF\nline one\nEOF', r'line one', 'a here-document')
run('ls -l /tmp/d | grep -c f', r'[\r\n]+1[\r\n]+', 'ls and grep')
run('for i in 1 2 3; do echo n$i; done | sed s/n/N/ | tail -n 1', r'N3', 'a loop, sed and tail')
run('echo x > /tmp/d/g; cp /tmp/d/g /tmp/d/h; mv /tmp/d/h /tmp/d/i; ln -s i /tmp/d/j; cat /tmp/d/j; rm /tmp/d/g; ls /tmp/d',
    r'x[\r\n]+.*f.*i.*j', 'cp, mv, ln -s, rm')
run("awk 'BEGIN { s = 0; for (i = 1; i <= 10; i++) s += i; print \"sum\", s }'", r'sum 55', 'awk')
run('find /etc -name passwd', r'/etc/passwd', 'find')
run('false || echo status=$?', r'status=1', 'exit statuses')
run('sleep 50 & ps; kill %1', r'PID\s+USER.*[\r\n]+\s+1 root.*sleep', 'ps lists the processes')
run('free', r'Mem:\s+\d+', 'free reports memory')
run('uptime', r'load average', 'uptime')
run('mount | grep proc', r'proc on /proc type proc', 'mount lists the file systems')
run('readlink /proc/self/exe', r'[\r\n]+/bin/busybox[\r\n]+', 'readlink /proc/self/exe')
run('sleep 30 & pidof sleep; ps -o pid,args | grep "[s]leep 30"; kill %1', r'[\r\n]+(\d+)[\r\n]+\s+\1 sleep 30', 'pidof and ps -o args')
run('ls -l /proc/self/fd/ 2>/dev/null | grep " 0 ->"', r' 0 -> \S*/dev/console', 'ls -l /proc/self/fd')
run('df /tmp', r'tmpfs\s+\d+\s+\d+\s+\d+\s+\d+% /tmp', 'df')
run('rm /dev/zero; mdev -s; ls -l /dev/zero', r'c[-rw]+\s+1 root\s+root\s+1,\s+5 ', 'mdev -s makes device nodes from /sys')
# ^C interrupts a foreground program
try:
    type_line('sleep 100')
    child.expect('sleep 100')
    time.sleep(1)
    child.sendcontrol('c')
    child.expect(PROMPT, timeout=10)
    check(True, '^C stops sleep 100')
except (pexpect.TIMEOUT, pexpect.EOF):
    check(False, '^C stops sleep 100')
run('echo after=$?', r'after=130', 'and its status says it was interrupted')
run('sleep 100 &', r'', 'a background job')
run('jobs', r'Running\s+sleep 100', 'jobs lists it')
run('kill %1; sleep 1; jobs; echo done', r'done', 'kill %1 ends it')
# ^Z stops a foreground job; bg and fg continue it
try:
    type_line('sleep 100')
    child.expect('sleep 100')
    time.sleep(1)
    child.sendcontrol('z')
    child.expect(r'Stopped\s+sleep 100', timeout=10)
    child.expect(PROMPT, timeout=10)
    check(True, '^Z stops sleep 100')
except (pexpect.TIMEOUT, pexpect.EOF):
    check(False, '^Z stops sleep 100')
run('bg; jobs', r'Running\s+sleep 100', 'bg continues it in the background')
try:
    type_line('fg')
    child.expect('sleep 100', timeout=10)
    time.sleep(1)
    child.sendcontrol('c')
    child.expect(PROMPT, timeout=10)
    check(True, 'fg brings it back and ^C ends it')
except (pexpect.TIMEOUT, pexpect.EOF):
    check(False, 'fg brings it back and ^C ends it')
# vi edits and saves a file
try:
    type_line('vi /tmp/vi.txt')
    time.sleep(2)
    for ch in 'ihello from vi':
        child.send(ch)
        time.sleep(0.01)
    time.sleep(0.5)
    child.send('\x1b')
    time.sleep(0.5)
    type_line(':wq')
    child.expect(PROMPT, timeout=10)
    check(True, 'vi edits a file and quits')
except (pexpect.TIMEOUT, pexpect.EOF):
    check(False, 'vi edits a file and quits')
run('cat /tmp/vi.txt', r'hello from vi', 'and the file holds what was typed')
run('top -n 1 | grep -c "[t]op -n 1"', r'[\r\n]+1[\r\n]+', 'top runs')  # its own line, with its arguments
# a shell on a pseudo-terminal (BusyBox script): a command, ^C, ^Z and fg go through the pty
PTY = r'pty\$ '
try:
    type_line('PS1="pty\\$ " script -q -c "sh -i" /dev/null')
    child.expect(PTY, timeout=10)
    type_line('echo in pty $((6*7))')
    child.expect('in pty 42', timeout=10)
    child.expect(PTY, timeout=10)
    check(True, 'script runs a shell on a pseudo-terminal')
except (pexpect.TIMEOUT, pexpect.EOF):
    check(False, 'script runs a shell on a pseudo-terminal')
try:
    type_line('sleep 100')
    child.expect('sleep 100')
    time.sleep(1)
    child.sendcontrol('c')
    child.expect(PTY, timeout=10)
    type_line('sleep 100')
    child.expect('sleep 100')
    time.sleep(1)
    child.sendcontrol('z')
    child.expect(r'Stopped\s+sleep 100', timeout=10)
    child.expect(PTY, timeout=10)
    type_line('fg')
    child.expect('sleep 100', timeout=10)
    time.sleep(1)
    child.sendcontrol('c')
    child.expect(PTY, timeout=10)
    check(True, 'on the pty: ^C, then ^Z and fg')
except (pexpect.TIMEOUT, pexpect.EOF):
    check(False, 'on the pty: ^C, then ^Z and fg')
run('exit', r'', 'exit from the pty shell returns to the console shell')
try:
    type_line('exit')
    child.expect('power off', timeout=20)
    check(True, 'exit powers the machine off')
except (pexpect.TIMEOUT, pexpect.EOF):
    check(False, 'exit powers the machine off')
child.close(force=True)
print(f'shell: {passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
