#!/usr/bin/env bash
# BusyBox's own test suite (testsuite/ of the Debian source), run inside the guest on Persona and on
# Debian's Linux at the same time (one QEMU each), with the same static busybox binary and the same boot
# image. Each applet's tests run in a session of their own, killed as a process group when they end or
# after 180 s. Prints both pass counts, each applet's time on both systems, and one check per test that
# passes on Linux: it must pass on Persona too, unless scripts/bbtest-known-failures.txt lists it with
# a reason. Logs: build/bbtest/{persona,linux}.log. About 10 minutes (Persona is the longer one).
# Debugging: BBTEST_ONLY="tar ls" (just these applets), BBTEST_VERBOSE=1 (their whole output),
# BBTEST_LINUX=0 (Persona only), BBTEST_LIMIT=seconds (each applet's time limit).
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
# Each applet's tests (new-style NAME.tests and old-style NAME/ directories), from a writable copy of the
# suite. Each applet runs in a session of its own with a time limit; when it ends or overruns, the whole
# process group is killed, so that a test's child left running cannot slow down the applets after it.
LIMIT=180
[ -f /bbtest/limit ] && LIMIT=$(cat /bbtest/limit)  # BBTEST_LIMIT=seconds on the host
# Suites skipped by name on both systems, and why:
SKIP=""
[ -f /bbtest/only ] && all=$(cat /bbtest/only)    # BBTEST_ONLY="a b" on the host: just these
cp -a /bbtest/testsuite /tmp/testsuite && cd /tmp/testsuite || exit 1
# Two bc tests are skipped (with testing.sh's own SKIP, so they show as SKIPPED on both systems): each
# feeds bc loops of about a million steps, many minutes of emulated CPU on either system.
sed -i -e 's/^testing "bc parsing of numbers"/SKIP=1 &/' -e 's/^testing "bc printing of numbers"/SKIP=1 &/' bc.tests
[ -n "$all" ] || all=$( (ls *.tests; ls -d */) 2>/dev/null | sed -e 's/\.tests$//' -e 's,/$,,' | sort -u)
t0=$(date +%s)
v=; [ -f /bbtest/verbose ] && v=-v
# runtest makes a link per applet (about 400 processes) on every call: made once here, and a copy of
# runtest that keeps them is used for each applet.
env bindir=/bbtest ./runtest none >/dev/null 2>&1
sed -e '/^rm -rf "\$LINKSDIR"/d' -e 's/^\([[:space:]]*\)ln -s "\$bindir\/busybox" "\$LINKSDIR\/\$i".*/\1:/' \
    runtest > runtest1 && chmod +x runtest1
for a in $all; do
    case " $SKIP " in *" $a "*) echo "bbtest-time $a: skipped"; continue ;; esac
    s=$(date +%s)
    # to a file, not a pipe: nothing left running may hold the loop up
    setsid env bindir=/bbtest ./runtest1 $v "$a" </dev/null >/tmp/bbtest.out 2>&1 &
    pid=$!
    setsid sh -c "sleep $LIMIT; kill -KILL -$pid" </dev/null >/dev/null 2>&1 &
    dog=$!
    wait $pid 2>/dev/null
    kill -KILL -$pid -$dog 2>/dev/null
    wait $dog 2>/dev/null
    e=$(($(date +%s) - s))
    if [ -f /bbtest/verbose ]; then sed "s/^/bbtest-v $a: /" /tmp/bbtest.out; fi
    grep -E '^(PASS|FAIL|SKIPPED|UNTESTED|ERROR)' /tmp/bbtest.out | sed "s/^/bbtest $a: /"
    [ $e -ge $LIMIT ] && note=" (time limit)" || note=
    echo "bbtest-time $a: $e s$note"
done
echo "bbtest: done in $(($(date +%s) - t0)) s"
W
chmod +x "$root/bbtest/run"
# For debugging: BBTEST_ONLY="applet..." runs just those, BBTEST_VERBOSE=1 shows their whole output.
[ -n "${BBTEST_ONLY:-}" ] && echo "$BBTEST_ONLY" > "$root/bbtest/only"
[ -n "${BBTEST_VERBOSE:-}" ] && touch "$root/bbtest/verbose"
[ -n "${BBTEST_LIMIT:-}" ] && echo "$BBTEST_LIMIT" > "$root/bbtest/limit"
(cd "$root" && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$out/persona.cpio"
# The two systems run at the same time (one core each).
T=${BBTEST_TIMEOUT:-900}
start=$(date +%s)
timeout -k 10 $T qemu-system-aarch64 -M virt -cpu cortex-a72 -m 1024 -nographic -no-reboot -nic none \
    -kernel build/kernel.img -initrd "$out/persona.cpio" -append "init=/init -- bbtest" </dev/null >"$out/persona.log" 2>&1 &
ppid=$!
[ "${BBTEST_LINUX:-1}" = 0 ] ||   # BBTEST_LINUX=0: Persona only (debugging)
TIMEOUT=$T ICOUNT=0 EXTRA_ROOT="$root" scripts/linux-ref.sh "$out/linux.log" "$root/bin/busybox" bbtest >/dev/null 2>&1 || true
echo "bbtest: Linux finished after $(($(date +%s) - start)) s"
wait $ppid || true
echo "bbtest: Persona finished after $(($(date +%s) - start)) s"
exec /usr/bin/python3 scripts/bbtest-compare.py "$out/linux.log" "$out/persona.log" scripts/bbtest-known-failures.txt
