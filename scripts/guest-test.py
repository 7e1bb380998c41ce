#!/usr/bin/env python3
"""Boot the kernel in QEMU with the root task's test suite and count what the guest printed.

usage: guest-test.py NAME KERNEL_IMG TIMEOUT_S -- QEMU_ARGS...
Prints every "ok - X" / "not ok - X" line prefixed with NAME, then "NAME: N passed, M failed".
A run that does not reach the suite's summary line (hang, panic) counts one extra failure.
Writes the console log to build/test/NAME.log. Exit status: 0 if nothing failed.
"""
import os, re, subprocess, sys

def main():
    name, img, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3])
    qemu_args = sys.argv[sys.argv.index('--') + 1:]
    os.makedirs('build/test', exist_ok=True)
    log_path = f'build/test/{name}.log'
    cmd = ['qemu-system-aarch64'] + qemu_args + ['-kernel', img]
    try:
        out = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=timeout).stdout.decode(errors='replace')
        status = 'exited'
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode(errors='replace')
        status = f'timed out after {timeout} s'
    open(log_path, 'w').write(out)
    passed = failed = 0
    for line in out.splitlines():
        line = line.rstrip('\r')
        if line.startswith('ok - '):
            passed += 1
            print(f'{name}: {line}')
        elif line.startswith('not ok - '):
            failed += 1
            print(f'{name}: {line}')
    summary = re.search(r'root: kernel tests: (\d+) passed, (\d+) failed', out)
    if not summary or 'persona: power off' not in out:
        failed += 1
        print(f'{name}: not ok - the suite ran to its end and powered off ({status}; see {log_path})')
        for line in out.splitlines()[-5:]:
            print(f'{name}:   | {line}')
    else:
        passed += 1
        print(f'{name}: ok - the suite ran to its end and powered off')
    print(f'{name}: {passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)

if __name__ == '__main__':
    main()
