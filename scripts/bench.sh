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

persona() {  # persona LOG [qemu flags]
    local log=$1; shift
    timeout 600 qemu-system-aarch64 $M "$@" -kernel build/kernel.img -append bench </dev/null >"$log" 2>&1 || true
    grep -q 'BENCH done' "$log" || { echo "bench: Persona run did not finish (see $log)"; tail -5 "$log"; exit 1; }
}

persona $out/persona.log -icount shift=0
scripts/linux-ref.sh $out/linux.log $out/bench
kernel=$(cat build/linux/boot/PACKAGE 2>/dev/null || echo "Debian Linux")
if [ $check = 1 ]; then
    exec /usr/bin/python3 scripts/bench_report.py --persona $out/persona.log --linux $out/linux.log --check
fi
persona $out/persona-wall.log
ICOUNT=0 scripts/linux-ref.sh $out/linux-wall.log $out/bench
/usr/bin/python3 scripts/bench_report.py --persona $out/persona.log --linux $out/linux.log \
    --persona-wall $out/persona-wall.log --linux-wall $out/linux-wall.log --out $out --linux-kernel "$kernel"
