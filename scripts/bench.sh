#!/usr/bin/env bash
# make bench: the same measurements on Persona and on Debian's Linux, in the same QEMU machine with
# -icount shift=0 (guest instructions), then a second pass without -icount for wall-clock ratios.
#   scripts/bench.sh          full run: results.json, table.md, ratios.png in build/bench/
#   scripts/bench.sh --check  icount pass only; fails unless both systems ran and every number is sane
set -euo pipefail
cd "$(dirname "$0")/.."
check=0; [ "${1:-}" = "--check" ] && check=1
out=build/bench
mkdir -p $out
M="-M virt -cpu cortex-a72 -m 1024 -nographic -no-reboot -nic none"

# The benchmark binary as /init of a boot image, as on Linux.
cpio_dir=$out/persona-root
rm -rf $cpio_dir && mkdir -p $cpio_dir && cp $out/bench $cpio_dir/init
(cd $cpio_dir && echo init | cpio -o -H newc --quiet) > $out/persona.cpio

persona() {  # persona LOG [qemu flags]: the kernel's own benchmarks, then the Linux benchmark binary
    local log=$1; shift
    timeout 600 qemu-system-aarch64 $M "$@" -kernel build/kernel.img -append bench </dev/null >"$log.kernel" 2>&1 || true
    timeout 600 qemu-system-aarch64 $M "$@" -kernel build/kernel.img -initrd $out/persona.cpio \
        -append "init=/init" </dev/null >"$log.posix" 2>&1 || true
    cat "$log.kernel" "$log.posix" >"$log"
    for part in kernel posix; do
        grep -q 'BENCH done' "$log.$part" || { echo "bench: Persona $part run did not finish (see $log.$part)"; tail -5 "$log.$part"; exit 1; }
    done
}

# Boot to a shell: the BusyBox boot image (its /init runs /bin/stamp through a shell), on both systems.
bootroot=$out/boot-root
rm -rf $bootroot && mkdir -p $bootroot/bin
cp -a build/rootfs/. userland/rootfs/. $bootroot/
build/sysroot/bin/aarch64-linux-musl-gcc -static -O2 -o $bootroot/bin/stamp userland/bench/stamp.c
(cd $bootroot && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > $out/boot.cpio
boot_runs() {  # boot_runs SUFFIX [qemu flags]
    local sfx=$1; shift
    timeout 300 qemu-system-aarch64 $M "$@" -kernel build/kernel.img -initrd $out/boot.cpio \
        -append "init=/init -- bench-boot" </dev/null >$out/persona-boot$sfx.log 2>&1 || true
    if [ -z "$*" ]; then icount=0; else icount=1; fi
    ICOUNT=$icount EXTRA_ROOT=$bootroot scripts/linux-ref.sh $out/linux-boot$sfx.log $bootroot/bin/stamp bench-boot
}

persona $out/persona.log -icount shift=0
scripts/linux-ref.sh $out/linux.log $out/bench
boot_runs "" -icount shift=0
cat $out/persona-boot.log >> $out/persona.log
cat $out/linux-boot.log >> $out/linux.log
kernel=$(cat build/linux/boot/PACKAGE 2>/dev/null || echo "Debian Linux")
if [ $check = 1 ]; then
    exec /usr/bin/python3 scripts/bench_report.py --persona $out/persona.log --linux $out/linux.log --check
fi
persona $out/persona-wall.log
ICOUNT=0 scripts/linux-ref.sh $out/linux-wall.log $out/bench
boot_runs -wall
cat $out/persona-boot-wall.log >> $out/persona-wall.log
cat $out/linux-boot-wall.log >> $out/linux-wall.log
/usr/bin/python3 scripts/bench_report.py --persona $out/persona.log --linux $out/linux.log \
    --persona-wall $out/persona-wall.log --linux-wall $out/linux-wall.log --out $out --linux-kernel "$kernel"
