#!/usr/bin/env bash
# BusyBox's own test suite (testsuite/ of the Debian source), run inside the guest on Persona and on
# Debian's Linux, with the same static busybox binary and the same boot image. Prints both pass counts
# and the tests that pass on Linux but not on Persona. Logs: build/bbtest/{persona,linux}.log.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bbtest
src=$(find build/busybox -maxdepth 1 -type d -name 'busybox-*' | head -1)
[ -n "$src" ] && [ -x "$src/busybox" ] || bash scripts/busybox.sh
src=$(find build/busybox -maxdepth 1 -type d -name 'busybox-*' | head -1)
root=$out/root
rm -rf "$root" && mkdir -p "$root/bbtest"
cp -a build/rootfs/. userland/rootfs/. "$root/"
cp "$src/busybox" "$src/.config" "$root/bbtest/"
cp -a "$src/testsuite" "$root/bbtest/testsuite"
cat > "$root/bbtest/run" <<'W'
#!/bin/sh
# Each applet's tests, with a time limit, from a writable copy of the suite.
cp -a /bbtest/testsuite /tmp/testsuite && cd /tmp/testsuite || exit 1
for t in *.tests; do
    a=${t%.tests}
    # to a file, not a pipe: a test child that outlives the time limit must not hold the loop up
    timeout 120 env bindir=/bbtest ./runtest "$a" </dev/null >/tmp/bbtest.out 2>&1
    grep -E '^(PASS|FAIL|SKIPPED|UNTESTED|ERROR)' /tmp/bbtest.out | sed "s/^/bbtest $a: /"
done
echo "bbtest: done"
W
chmod +x "$root/bbtest/run"
(cd "$root" && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$out/persona.cpio"
timeout 1500 qemu-system-aarch64 -M virt -cpu cortex-a72 -m 1024 -nographic -no-reboot -nic none \
    -kernel build/kernel.img -initrd "$out/persona.cpio" -append "init=/init -- bbtest" </dev/null >"$out/persona.log" 2>&1 || true
TIMEOUT=1500 ICOUNT=0 EXTRA_ROOT="$root" scripts/linux-ref.sh "$out/linux.log" "$root/bin/busybox" bbtest >/dev/null 2>&1 || true
exec /usr/bin/python3 scripts/bbtest-compare.py "$out/linux.log" "$out/persona.log"
