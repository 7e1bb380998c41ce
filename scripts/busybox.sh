#!/usr/bin/env bash
# Build BusyBox from Debian's source package as a static binary against musl (defconfig, every applet
# that builds), and install it with its links into build/rootfs. The source is fetched with
# `apt-get source` into build/busybox/ and never committed; our configuration changes are listed here.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
out=$top/build/busybox
mkdir -p "$out"
# The Linux uAPI headers of the sysroot (libc-port/mksysroot.sh): the musl compiler does not see /usr/include.
[ -x "$top/build/sysroot/bin/aarch64-linux-musl-gcc" ] || bash "$top/libc-port/mksysroot.sh"
uapi=$top/build/sysroot/usr/include
src=$(find "$out" -maxdepth 1 -type d -name 'busybox-*' | head -1)
if [ -z "$src" ]; then
    (cd "$out" && apt-get source -qq busybox >/dev/null 2>&1 || (apt-get update -qq && apt-get source -qq busybox))
    src=$(find "$out" -maxdepth 1 -type d -name 'busybox-*' | head -1)
fi
[ -n "$src" ] || { echo "busybox: apt-get source failed"; exit 1; }
if [ ! -x "$src/busybox" ]; then
    make -C "$src" -s defconfig >/dev/null
    # Our changes to defconfig: a static binary; no applets that need what musl lacks.
    sed -i -e 's/^# CONFIG_STATIC is not set/CONFIG_STATIC=y/' \
           -e 's/^CONFIG_FEATURE_SYNC_FANCY=y/# CONFIG_FEATURE_SYNC_FANCY is not set/' \
           -e 's/^CONFIG_TC=y/# CONFIG_TC is not set/' \
           -e 's/^CONFIG_FEATURE_TC_INGRESS=y/# CONFIG_FEATURE_TC_INGRESS is not set/' "$src/.config"
    make -C "$src" -s oldconfig </dev/null >/dev/null 2>&1 || true
    make -C "$src" -s -j2 CROSS_COMPILE=aarch64-linux-gnu- CC=aarch64-linux-musl-gcc \
        EXTRA_CFLAGS="-isystem $uapi" busybox >"$out/build.log" 2>&1 || { tail -30 "$out/build.log"; exit 1; }
fi
rm -rf "$top/build/rootfs"
make -C "$src" -s CROSS_COMPILE=aarch64-linux-gnu- CC=aarch64-linux-musl-gcc EXTRA_CFLAGS="-isystem $uapi" \
    CONFIG_PREFIX="$top/build/rootfs" install >"$out/install.log" 2>&1 || { tail -20 "$out/install.log"; exit 1; }
echo "busybox: $(basename "$src") installed in build/rootfs ($(find "$top/build/rootfs" | wc -l) files)"
