#!/usr/bin/env bash
# The sysroot builds a program with the plain compiler, cmake, meson and autoconf; each result must be a
# static aarch64 executable. Prints "libc-port: N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
S=$PWD/build/sysroot
W=$PWD/build/libc-port-test
rm -rf "$W" && mkdir -p "$W"
pass=0 fail=0
check() {  # check NAME BINARY
    if [ -f "$2" ] && file "$2" | grep -q 'ARM aarch64' && file "$2" | grep -q 'statically linked'; then
        echo "ok - $1"; pass=$((pass + 1))
    else
        echo "not ok - $1"; fail=$((fail + 1))
    fi
}
src=$PWD/tests/libc-port
$S/bin/aarch64-linux-musl-gcc -static -o "$W/plain" "$src/hello.c" >"$W/plain.log" 2>&1
check "the compiler wrapper (with a Linux uAPI header)" "$W/plain"
(cd "$W" && cmake -S "$src" -B cmake -DCMAKE_TOOLCHAIN_FILE=$S/toolchain.cmake && cmake --build cmake) >"$W/cmake.log" 2>&1
check "cmake with the toolchain file" "$W/cmake/hello"
if command -v meson >/dev/null; then
    (cd "$W" && meson setup --cross-file $S/meson-cross.ini meson "$src" && ninja -C meson) >"$W/meson.log" 2>&1
    check "meson with the cross file" "$W/meson/hello"
fi
if command -v autoconf >/dev/null; then
    mkdir -p "$W/ac" && cp "$src/configure.ac" "$src/Makefile.in" "$src/hello.c" "$W/ac/"
    (cd "$W/ac" && export PATH=$S/bin:$PATH && autoconf && ./configure --host=aarch64-linux-musl && make) >"$W/autoconf.log" 2>&1
    check "autoconf's configure --host=aarch64-linux-musl" "$W/ac/hello"
fi
echo "libc-port: $pass passed, $fail failed"
[ $fail -eq 0 ]
