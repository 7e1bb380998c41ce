#!/bin/bash
# Run cmocka test binaries and sum their results: tests/host/run.sh OUTDIR BINARY...
# Each binary's output is shown and kept in OUTDIR/NAME.log. OUTDIR/results.txt gets one line
# "host: N passed, M failed". A binary that dies before cmocka's summary (e.g. an ASan or UBSan
# report) counts the tests it completed as passed plus one failure. Exits non-zero if anything failed.
out=$1
shift
passed=0 failed=0
for t in "$@"; do
    name=$(basename "$t")
    log=$out/$name.log
    HOST_DTB_DIR=$out "$t" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    p=$(grep -o '\[  PASSED  \] [0-9]* test(s)\.' "$log" | grep -o '[0-9][0-9]*' | tail -n 1)
    f=$(grep -o '\[  FAILED  \] [0-9]* test(s)' "$log" | grep -o '[0-9][0-9]*' | tail -n 1)
    if [ -z "$p$f" ]; then
        p=$(grep -c '\[       OK \]' "$log")
        f=1
        echo "host: $name stopped before its summary (exit status $rc)"
    fi
    p=${p:-0} f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "host: $name exited with status $rc"
    fi
    passed=$((passed + p)) failed=$((failed + f))
done
echo "host: $passed passed, $failed failed" | tee "$out/results.txt"
[ "$failed" -eq 0 ]
