#!/usr/bin/env bash
# make test: every test of the project, then one closing line "N passed, M failed".
# Each part prints lines ending in "N passed, M failed"; they are summed here.
set -u
cd "$(dirname "$0")/.."
total_pass=0 total_fail=0
run_part() {  # run_part NAME COMMAND...: run, show output, add its last "N passed, M failed"
    local name=$1; shift
    echo "=== $name"
    local out rc
    out=$("$@" 2>&1); rc=$?
    echo "$out"
    local line
    line=$(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -1)
    if [ -n "$line" ]; then
        local p f
        p=$(echo " $line" | sed -E 's/^.*[^0-9]([0-9]+) passed, ([0-9]+) failed.*$/\1/')
        f=$(echo " $line" | sed -E 's/^.*[^0-9]([0-9]+) passed, ([0-9]+) failed.*$/\2/')
        total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then total_fail=$((total_fail + 1)); echo "$name: exit status $rc"; fi
    else
        if [ "$rc" -eq 0 ]; then total_pass=$((total_pass + 1)); else total_fail=$((total_fail + 1)); fi
        echo "$name: exit status $rc"
    fi
}

IMG=build/kernel.img
M="-cpu cortex-a72 -m 1024 -nographic -no-reboot -nic none"
run_part "kernel tests, GICv2, entered at EL1" /usr/bin/python3 scripts/guest-test.py gicv2-el1 $IMG 120 -- -M virt,gic-version=2 $M
run_part "kernel tests, GICv3, entered at EL1" /usr/bin/python3 scripts/guest-test.py gicv3-el1 $IMG 120 -- -M virt,gic-version=3 $M
run_part "kernel tests, GICv2, entered at EL2" /usr/bin/python3 scripts/guest-test.py gicv2-el2 $IMG 120 -- -M virt,gic-version=2,virtualization=on $M
run_part "kernel tests, GICv3, entered at EL2, 2 GiB" /usr/bin/python3 scripts/guest-test.py gicv3-el2 $IMG 120 -- -M virt,gic-version=3,virtualization=on -cpu cortex-a72 -m 2048 -nographic -no-reboot -nic none
if [ -f tests/host/host.mk ]; then
    run_part "host unit tests" make --no-print-directory host-test
fi
run_part "the sysroot cross-builds with its compiler, cmake, meson and autoconf" bash tests/libc-port/run.sh
run_part "Linux compatibility: the same binaries on Persona and on Linux" bash scripts/compat-test.sh
# The shell's boot image also gets a directory through EXTRA_ROOT, as `make run EXTRA_ROOT=dir` does: a
# script and a program built with the sysroot, which the shell test runs.
extra=build/test/extra-root
rm -rf $extra && mkdir -p $extra/usr/local/bin && cp -a tests/interactive/extra-root/. $extra/
build/sysroot/bin/aarch64-linux-musl-gcc -static -O2 -o $extra/usr/local/bin/extra-hello tests/interactive/extra-hello.c
make --no-print-directory build/run/rootfs.cpio EXTRA_ROOT=$extra >/dev/null
run_part "the BusyBox shell on the serial console (pexpect)" /usr/bin/python3 tests/interactive/shell_test.py build/kernel.img build/run/rootfs.cpio
run_part "benchmark runs on Persona and Linux, numbers sane" make --no-print-directory bench-check
run_part "BusyBox's own test suite on Persona and on Linux (every test that passes on Linux)" bash scripts/busybox-testsuite.sh
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
