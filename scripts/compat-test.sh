#!/usr/bin/env bash
# The compatibility tests: the same static musl binaries (userland/tests) run on Persona and on
# Debian's Linux in the same QEMU machine; every check must give the same result on both.
# Logs: build/compat/{persona,linux}.log.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/compat
root=$out/root
rm -rf $root && mkdir -p $root/tests
CC="build/sysroot/bin/aarch64-linux-musl-gcc -static -O2 -Wall -Wextra -pthread"
$CC -o $out/runner userland/tests/runner.c
# t_*_pie.c: static PIE; t_*_dyn.c and t_dyn.c: dynamically linked against musl's shared libc, with
# the dynamic linker and a test library in /lib (on both systems).
mkdir -p $root/lib
cp -L /lib/ld-musl-aarch64.so.1 $root/lib/ld-musl-aarch64.so.1
${CC/-static /} -shared -fPIC -o $root/lib/libtdyn.so userland/tests/lib/tdyn.c
for src in userland/tests/t_*.c; do
    case $src in
    *_pie.c) $CC -static-pie -o $root/tests/$(basename $src .c) $src ;;
    *dyn.c) ${CC/-static /} -o $root/tests/$(basename $src .c) $src ;;
    *) $CC -o $root/tests/$(basename $src .c) $src ;;
    esac
done
echo "this is not an ELF file" > $root/tests/notelf.txt
chmod 755 $root/tests/notelf.txt
cp $out/runner $root/init
(cd $root && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > $out/persona.cpio
timeout 120 qemu-system-aarch64 -M virt -cpu cortex-a72 -m 1024 -nographic -no-reboot -nic none \
    -kernel build/kernel.img -initrd $out/persona.cpio -append "init=/init" </dev/null >$out/persona.log 2>&1 || true
rm $root/init
TIMEOUT=120 ICOUNT=0 EXTRA_ROOT=$root scripts/linux-ref.sh $out/linux.log $out/runner >/dev/null 2>&1 || echo "compat: the Linux run failed (see $out/linux.log)"
exec /usr/bin/python3 scripts/compat-compare.py $out/linux.log $out/persona.log
