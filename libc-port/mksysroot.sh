#!/usr/bin/env bash
# Make build/sysroot: Debian's musl for arm64 (package musl-dev:arm64, used unpatched: its headers and
# static libraries are what a Linux/arm64 musl program is built against anyway, so the same binary runs
# on Debian's Linux and on Persona) plus the Linux uAPI headers (linux-libc-dev:arm64), with a compiler
# wrapper, a pkg-config wrapper, a meson cross file and a cmake toolchain file, so that autotools,
# meson and cmake projects cross-build with no patches.
set -euo pipefail
cd "$(dirname "$0")/.."
S=$PWD/build/sysroot
T=aarch64-linux-musl
rm -rf "$S" && mkdir -p "$S/bin" "$S/usr/include" "$S/usr/lib/pkgconfig" "$S/usr/share/pkgconfig"
# uAPI headers: the musl compiler does not look in /usr/include
cp -r /usr/include/linux /usr/include/asm-generic "$S/usr/include/"
cp -r /usr/include/aarch64-linux-gnu/asm "$S/usr/include/asm"
for d in mtd rdma sound video drm misc xen; do [ -d /usr/include/$d ] && cp -r /usr/include/$d "$S/usr/include/"; done

cat > "$S/bin/$T-gcc" <<W
#!/bin/sh
# Debian's musl compiler driver, plus the Linux uAPI headers of this sysroot.
exec /usr/bin/$T-gcc -isystem "$S/usr/include" "\$@"
W
cat > "$S/bin/$T-pkg-config" <<W
#!/bin/sh
# pkg-config that only sees packages installed into this sysroot.
PKG_CONFIG_SYSROOT_DIR="$S" PKG_CONFIG_LIBDIR="$S/usr/lib/pkgconfig:$S/usr/share/pkgconfig" exec pkg-config "\$@"
W
chmod +x "$S/bin/$T-gcc" "$S/bin/$T-pkg-config"
for tool in ar as ld nm objcopy objdump ranlib readelf strip; do
    ln -sf /usr/bin/aarch64-linux-gnu-$tool "$S/bin/$T-$tool"
done
ln -sf "$T-gcc" "$S/bin/$T-cc"

cat > "$S/meson-cross.ini" <<W
[binaries]
c = '$S/bin/$T-gcc'
ar = '$S/bin/$T-ar'
strip = '$S/bin/$T-strip'
pkgconfig = '$S/bin/$T-pkg-config'

[built-in options]
c_link_args = ['-static']
default_library = 'static'

[properties]
sys_root = '$S'

[host_machine]
system = 'linux'
cpu_family = 'aarch64'
cpu = 'cortex-a72'
endian = 'little'
W
cat > "$S/toolchain.cmake" <<W
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER $S/bin/$T-gcc)
set(CMAKE_AR $S/bin/$T-ar)
set(CMAKE_RANLIB $S/bin/$T-ranlib)
set(CMAKE_STRIP $S/bin/$T-strip)
set(CMAKE_EXE_LINKER_FLAGS_INIT -static)
set(CMAKE_FIND_ROOT_PATH $S)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(ENV{PKG_CONFIG_SYSROOT_DIR} $S)
set(ENV{PKG_CONFIG_LIBDIR} $S/usr/lib/pkgconfig:$S/usr/share/pkgconfig)
W
echo "sysroot: $S (compiler $S/bin/$T-gcc; meson --cross-file $S/meson-cross.ini; cmake -DCMAKE_TOOLCHAIN_FILE=$S/toolchain.cmake)"
