#!/usr/bin/env bash
# Install what the build needs on Debian 12 (run as root). Idempotent and quick when all is present.
set -euo pipefail
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
pkgs="qemu-system-arm gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu gdb-multiarch device-tree-compiler cpio python3 make gcc musl-dev:arm64 linux-libc-dev:arm64 python3-pexpect gnuplot-nox libcmocka-dev dpkg-dev meson ninja-build autoconf pkg-config file"
for p in $pkgs; do have "$p" || need+=("$p"); done
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
if ! dpkg --print-foreign-architectures | grep -qx arm64; then $SUDO dpkg --add-architecture arm64; fi
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    | $SUDO tee /etc/apt/sources.list.d/persona-src.sources >/dev/null
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
