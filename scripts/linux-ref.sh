#!/usr/bin/env bash
# Boot Debian's arm64 Linux kernel in QEMU with a static binary as /init, to get
# reference numbers for the same program that runs on Persona.
#
# Usage: scripts/linux-ref.sh OUT_LOG INIT_BINARY [ARGS...]
#
#   OUT_LOG      file that receives the serial console (overwritten)
#   INIT_BINARY  static aarch64 executable; it becomes /init of a newc initramfs
#   ARGS         passed to it as argv[1..]: they go on the kernel command line
#                after "--", and Linux hands everything after "--" to init.
#                (So ARGS must not contain spaces or quotes.)
#
# The kernel is the one that linux-image-cloud-arm64:arm64 currently depends on,
# resolved with apt-cache (an exact package name, no glob), fetched once with
# apt-get download into build/linux/ and unpacked with dpkg -x.
#
# Environment:
#   ICOUNT=0       drop "-icount shift=0" (wall-clock run; default: icount on,
#                  so one guest instruction = 1 ns of virtual time)
#   TIMEOUT=600    seconds before QEMU is killed (the script then fails)
#   LINUX_DIR=...  cache directory (default: build/linux under the repo)
#   EXTRA_ROOT=dir files added to the initramfs next to /init
#
# The init is expected to power the machine off (reboot(RB_POWER_OFF)); QEMU
# runs with -no-reboot so a panic ends the run too. Exits non-zero if QEMU
# timed out or failed. Needs: apt (arm64 enabled, as scripts/deps.sh sets up),
# dpkg, cpio, qemu-system-aarch64, timeout.
set -euo pipefail

die() { echo "linux-ref: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: $0 OUT_LOG INIT_BINARY [ARGS...]"
out_log=$1
init_bin=$2
shift 2
[ -f "$init_bin" ] || die "no such init binary: $init_bin"
for a in "$@"; do
	case $a in *[[:space:]\"\']*) die "argument with space or quote not supported: $a" ;; esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
linux_dir=${LINUX_DIR:-$repo/build/linux}
timeout_s=${TIMEOUT:-600}
mkdir -p "$linux_dir"

# --- 1. Resolve the exact kernel package (e.g. linux-image-6.1.0-56-cloud-arm64:arm64).
meta=linux-image-cloud-arm64:arm64
resolve_pkg() {
	apt-cache depends "$meta" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(resolve_pkg)
if [ -z "$pkg" ]; then
	# Package lists may not be there yet on a fresh machine.
	apt-get update -qq >&2 || true
	pkg=$(resolve_pkg)
fi
[ -n "$pkg" ] || die "cannot resolve the kernel package behind $meta (is arm64 enabled? run scripts/deps.sh)"
pkg_name=${pkg%:arm64}
kver=${pkg_name#linux-image-} # e.g. 6.1.0-56-cloud-arm64

# --- 2. Fetch and unpack it once (cached by the extracted vmlinuz).
kernel=$linux_dir/boot/vmlinuz-$kver
if [ ! -f "$kernel" ]; then
	dl=$linux_dir/deb
	rm -rf "$dl"
	mkdir -p "$dl"
	echo "linux-ref: downloading $pkg" >&2
	(cd "$dl" && apt-get download -o APT::Sandbox::User=root "$pkg" >&2)
	deb=$(find "$dl" -maxdepth 1 -name "${pkg_name}_*_arm64.deb" | head -n 1)
	[ -n "$deb" ] || die "apt-get download produced no .deb for $pkg"
	# Unpack into a scratch dir and keep only /boot, so a half-done run never
	# leaves a vmlinuz behind that would be mistaken for a complete cache.
	rm -rf "$linux_dir/unpack"
	dpkg -x "$deb" "$linux_dir/unpack"
	mkdir -p "$linux_dir/boot"
	cp "$linux_dir/unpack/boot/config-$kver" "$linux_dir/boot/" 2>/dev/null || true
	basename "$deb" >"$linux_dir/boot/PACKAGE"
	cp "$linux_dir/unpack/boot/vmlinuz-$kver" "$kernel.tmp"
	mv "$kernel.tmp" "$kernel"
	rm -rf "$linux_dir/unpack" "$dl"
fi
echo "linux-ref: kernel $pkg ($(cat "$linux_dir/boot/PACKAGE" 2>/dev/null || echo "version unknown"))" >&2

# --- 3. Build the initramfs: /init plus /dev, /tmp and (as root) /dev/console.
work=$(mktemp -d "${TMPDIR:-/tmp}/linux-ref.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/dev" "$root/tmp" "$root/proc"
cp "$init_bin" "$root/init"
chmod 0755 "$root/init"
# EXTRA_ROOT=dir: more files for the boot image (test programs, data).
[ -n "${EXTRA_ROOT:-}" ] && cp -a "$EXTRA_ROOT"/. "$root"/
# The kernel's built-in initramfs usually provides /dev/console already; the
# init also copes without it.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
initrd=$work/initrd.cpio
(cd "$root" && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$initrd"

# --- 4. Boot.
append="console=ttyAMA0 quiet panic=-1"
[ $# -gt 0 ] && append="$append -- $*"
icount=(-icount shift=0)
[ "${ICOUNT:-1}" = 0 ] && icount=()
echo "linux-ref: qemu ${icount[*]:-(no icount)}, append: $append, log: $out_log" >&2
mkdir -p "$(dirname "$out_log")"
start=$(date +%s)
rc=0
timeout -k 10 "$timeout_s" \
	qemu-system-aarch64 -M virt -cpu cortex-a72 -m 1024 -smp 1 \
	-nographic -no-reboot -nic none "${icount[@]}" \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	</dev/null >"$out_log" 2>&1 || rc=$?
echo "linux-ref: qemu exit $rc after $(($(date +%s) - start)) s" >&2
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	die "QEMU timed out after $timeout_s s (see $out_log)"
fi
[ "$rc" = 0 ] || die "QEMU failed with status $rc (see $out_log)"
if grep -q "Kernel panic" "$out_log"; then
	die "the guest kernel panicked (see $out_log)"
fi
